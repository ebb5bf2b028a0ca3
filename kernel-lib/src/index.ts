/**
 * nnlab: the kernel library of the nnlab lessons. Notebooks import it as a package:
 *
 *   import * as nn from 'nnlab';
 *   await nn.useDevice();                        // picks the backend (NNLAB_DEVICE from the kernel)
 *   const r = await nn.batchNorm.rescue({ seed: 5 });
 *   nn.show(r);                                  // the lesson's figure for that record
 *
 * The surface, kept small on purpose (kernel-lib/api.md lists every name; a test keeps it honest):
 * - the environment: tf, VERSION, useDevice, deviceReport, doctor, seedStream, isQuick, quickOr,
 *   withQuickPreset, countTensors, ArgumentError;
 * - display: show, plot, figure, table, dataFrame, images, progressBar, liveChart, liveFigure;
 * - shared layers: data, nets, engine; homework: check, homework; lessons: listLessons, runNotebook;
 * - one namespace per lesson: weightInit, batchNorm, dropout, transfer.
 * Internals are not exported: tests import them by path.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { queueKernelSends } from './jupyter/kernelSends';

// In a tslab kernel, one ZeroMQ send at a time: frequent display updates otherwise hang cells
// (jupyter/kernelSends.ts). Does nothing outside a kernel.
queueKernelSends();

export { tf };
export { VERSION } from './core/version';

// the environment
export { useDevice, deviceReport, runOnDevice } from './engine/device';
export { doctor, doctorText } from './api/doctor';
export type { DoctorRecord, DoctorCheck, DoctorOptions, DoctorEnvironment } from './api/doctor';
export type { DeviceReport } from './engine/device';
export { seedStream, SeedStream } from './core/rng';
export { isQuick, quickOr, withQuickPreset } from './core/config';
export { countTensors } from './core/leaks';
export { ArgumentError } from './core/errors';
export { debugNaN, NaNError } from './core/debugNaN';
export { setMemoryLimit, memoryLimit } from './core/options';
export { availableCores } from './core/cores';
export { gradCheck, gradCheckRecord, gradRelError, gradRelErrorMax, gradVerdict, numericalGradient, GRAD_CHECK_THRESHOLDS } from './core/gradCheck';
export type { GradCheckFunction, GradCheckOptions, GradCheckRecord, GradCheckRow, GradVerdict } from './core/gradCheck';
export type { ProgressEvent, ProgressOption } from './core/progress';
export type { ExperimentRecord } from './core/record';

// display
export { show } from './api/show';
export { showFigure as plot } from './show/plot';
export * as figure from './api/figure';
export type { Figure } from './show/figure';
export { showTable as table, dataFrame } from './show/table';
export { showImages as images } from './show/images';
export { progressBar, liveChart, liveFigure } from './show/progress';
export type { ProgressBar, LiveChart } from './show/progress';
// the checks of lesson check cells: one line when they fail (nn.expect.near(...), ...)
export * as expect from './core/expect';
export * as wire from './core/wire';

// shared layers
export * as data from './api/data';
export * as nets from './nets';
export * as engine from './engine';

// homework: graded exercises (nn.check.<exercise>(fn)), the student-version builder and the grader
export { check } from './homework/check';
export * as homework from './api/homework';

// the lessons
export { listLessons, runNotebook } from './api/lessons';
export * as activations from './lessons/activations';
export * as preprocessing from './lessons/preprocessing';
export * as babysitting from './lessons/babysitting';
export * as weightInit from './lessons/weight-init';
export * as batchNorm from './lessons/batch-norm';
export * as dropout from './lessons/dropout';
export * as transfer from './lessons/transfer';
export * as hpSearch from './lessons/hp-search';
export * as optimizers from './lessons/optimizers';
export * as regularization from './lessons/regularization';
export * as cnn from './lessons/cnn-basics';
export * as losses from './lessons/losses';
