/**
 * nnlab: the kernel library of the nnlab lessons. Notebooks import it as a package:
 *
 *   import * as nn from 'nnlab';
 *   await nn.useDevice();          // picks the backend (NNLAB_DEVICE from the kernel)
 *   const tf = nn.tf;              // the one TensorFlow.js instance every lesson shares
 *
 * This file only re-exports. Computing modules live in core/ (and concepts/ as lessons land);
 * drawing modules in show/; Jupyter plumbing in jupyter/; the command line in cli/.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export { tf };
export { VERSION } from './version';

export * from './core/errors';
export * from './core/rng';
export * from './core/config';
export * from './core/leaks';
export {
  useDevice, resolveRequest, selectDevice, summarize, DEVICE_CHAINS, DEVICE_REQUESTS,
} from './core/device';
export type {
  DeviceRequest, DeviceReport, DeviceAttempt, BackendProbe, ProbeResult, CandidateId, UseDeviceOptions,
} from './core/device';
export type { WasmLayerOptions } from './core/backends';
export { initWasmBackend, resolveWasmThreads } from './core/wasm/threads';
export type { WasmThreadsReport, WasmThreadsOptions, WasmThreadsRequest } from './core/wasm/threads';
export { registerWasmKernelOverrides, unregisterWasmKernelOverrides, WASM_KERNEL_OVERRIDES } from './core/wasm/kernels';

export * from './show/figure';
export { showFigure, embedPlotly, figureHtml, figureBundle, plotlyBundle } from './show/plot';
export * from './show/table';
export * from './show/progress';
export { inKernel } from './show/kernel';

export { listLessons } from './jupyter/lessons';
export type { Lesson } from './jupyter/lessons';
export { runNotebook } from './jupyter/run';
export type { RunNotebookOptions, RunNotebookResult } from './jupyter/run';

export * from './data';
export { showImages, imageGridHtml, imageGridPng } from './show/images';
export { encodePng } from './show/png';

// lesson 03: weight initialization
export { fillNormal, normalArray, scaleInPlace } from './core/normal';
export { histogram, histogramEdges, binOf, moments, checkRange } from './core/stats';
export type { Histogram, Moments } from './core/stats';
export * as init from './concepts/init';
export { INITS, INIT_SCALES, initStd, initValues, initWeights, fanIn, fanOut } from './concepts/init';
export type { InitName } from './concepts/init';
export * from './concepts/layers';
export * from './concepts/initStats';
export * from './concepts/initTraining';
export * from './show/initStats';

export * from './concepts/batchNorm';
export {
  BN_NET_ACTIVATIONS, BN_NET_INITS, bnNetWeightStd, createBatchNormNet, batchNormNetVariables, disposeBatchNormNet,
  batchNormNetForward, trainBatchNormNet, batchNormNetPredict,
} from './concepts/batchNormNet';
export type {
  BnNetActivation, BnNetInit, BatchNormNetOptions, BnHiddenLayer, BatchNormNet, BatchNormNetOutput, BatchNormNetTrainOptions,
} from './concepts/batchNormNet';
export {
  featureStats, BATCH_NORM_MODES, BATCH_NORM_STATS_DEFAULTS, resolveBatchNormStatsOptions, batchNormStats,
  BATCH_NORM_IDENTITY_DEFAULTS, resolveBatchNormIdentityOptions, batchNormIdentity,
  BATCH_NORM_RUNNING_DEFAULTS, resolveBatchNormRunningOptions, batchNormRunning,
  BATCH_NORM_FOLD_DEFAULTS, resolveBatchNormFoldOptions, batchNormFold,
} from './concepts/batchNormExperiments';
export type {
  FeatureStats, BatchNormMode, BatchNormStatsOptions, BatchNormStatsConfig, BatchNormStatsRecord,
  BatchNormIdentityOptions, BatchNormIdentityConfig, BatchNormIdentityRecord,
  BatchNormRunningOptions, BatchNormRunningConfig, BatchNormRunningCurve, BatchNormRunningRecord,
  BatchNormFoldOptions, BatchNormFoldConfig, BatchNormFoldComparison, BatchNormFoldRecord,
} from './concepts/batchNormExperiments';
export * from './concepts/batchNormTraining';
export * from './concepts/groupNorm';
export * from './show/batchNorm';

// lesson 09: dropout vs inverted dropout
export {
  DROPOUT_SCHEMES, checkKeepProbability, resolveDropoutOptions, dropoutMask, dropoutForward, dropoutBackward,
  disposeDropoutCache, vanillaDropout, invertedDropout,
} from './concepts/dropout';
export type { DropoutScheme, DropoutOptions, DropoutCache } from './concepts/dropout';
export {
  DROPOUT_NET_ACTIVATIONS, dropoutNetParams64, dropoutNetTensors, disposeDropoutNet, dropoutNetForward, dropoutNetPredict,
  dropoutNetBackward, disposeDropoutNetCache, dropoutNetForward64, dropoutNetParameterCount,
} from './concepts/dropoutNet';
export type {
  DropoutNetActivation, DropoutNetLayer64, DropoutNetLayer, DropoutNetOptions, DropoutNetHiddenCache, DropoutNetCache,
  DropoutNet64Options, DropoutNet64Values,
} from './concepts/dropoutNet';
export {
  EXPECTATION_CASES, EXPECTATION_CASE_LABELS, EXPECTATION_PROBES, EXPECTATION_PROBE_LABELS, EXACT_MAX_UNITS,
  DROPOUT_EXPECTATION_DEFAULTS, resolveDropoutExpectationOptions, neuronExpectation, exactExpectation, expectationSetup,
  dropoutExpectation,
} from './concepts/dropoutExpectation';
export type {
  ExpectationCase, ExpectationProbe, DropoutExpectationOptions, DropoutExpectationConfig, ProbeStats,
  ExpectationCaseRecord, NeuronExpectation, NeuronMonteCarlo, DropoutExpectationRecord,
} from './concepts/dropoutExpectation';
export { DROPOUT_ENSEMBLE_DEFAULTS, resolveDropoutEnsembleOptions, dropoutEnsemble } from './concepts/dropoutEnsemble';
export type { DropoutEnsembleOptions, DropoutEnsembleConfig, DropoutEnsembleRecord } from './concepts/dropoutEnsemble';
export { TF_DROPOUT_KIND_DEFAULTS, resolveTfDropoutKindOptions, tfDropoutKind } from './concepts/dropoutTfLayers';
export type { TfDropoutKindOptions, TfDropoutKindConfig, TfDropoutKindRecord } from './concepts/dropoutTfLayers';
export {
  MNIST_MLP_SIZES, DROPOUT_OVERFIT_DEFAULTS, DROPOUT_OVERFIT_QUICK, resolveDropoutOverfitOptions, dropoutOverfit,
} from './concepts/dropoutOverfit';
export type {
  DropoutOverfitOptions, DropoutOverfitConfig, DropoutOverfitRecord, DropoutOverfitHooks, OverfitEpoch, OverfitRun,
} from './concepts/dropoutOverfit';
export * from './show/dropout';

// lesson 10: transfer learning
export * from './concepts/transfer';
export * from './concepts/transferTasks';
export * from './concepts/modelZoo';
export * from './concepts/transferTable';
export * from './show/transfer';

// homework: graded exercises (nn.check.<exercise>(fn)), the student-version builder and the grader
export * as homework from './homework';
export { check, runCheck, gradeInKernel, GRADE_MIME, EXERCISES, relError, checkResultText, gradeSubmissions } from './homework';
export type { Exercise, CheckCase, CaseOutcome, CaseResult, CheckResult, SubmissionGrade, GradeOptions } from './homework';
