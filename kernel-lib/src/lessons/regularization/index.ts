/**
 * `nn.regularization`: lesson 08, regularization. The lecture's two-layer net (3072 → 50 → 10)
 * and a small MLP with batch norm on CIFAR-10 rows.
 *
 * - penalties: `penaltyTerm` (λ·R(W) and its gradient: L2, L1, elastic net), `penalty64` (the
 *   float64 reference), `weightStats`, and the experiment `regularize` (a λ sweep per penalty,
 *   chosen on validation, the test rows read once);
 * - ensembles: `ensemble` (M independently trained nets vs each alone), `snapshotEnsemble`
 *   (snapshots of one cyclic run vs one model of the same budget), `meanProbabilities`;
 * - batch norm as a regulariser: `bnNoise` (the train/val gap at batch size 8 vs 128, with and
 *   without batch norm);
 * - figures: `regularizeFigure`, `weightHistogramFigure`, `ensembleFigure`, `snapshotFigure`,
 *   `bnNoiseFigure` and `showRegularize`, `showEnsemble`, `showSnapshotEnsemble`, `showBnNoise`.
 *
 * @example
 * const r = await nn.regularization.regularize();
 * nn.regularization.showRegularize(r);
 */
export { NEAR_ZERO, PENALTIES, PENALTY_LABELS, penalty64, penaltyTerm, weightStats } from './penalty';
export type { Penalty, WeightStats } from './penalty';
export { LAMBDA_GRIDS, LAMBDA_GRIDS_QUICK, regularize, REGULARIZE_DEFAULTS, REGULARIZE_QUICK } from './penalties';
export type { RegularizeConfig, RegularizeOptions, RegularizeRecord, RegularizeRun, WeightHistogram } from './penalties';
export { ensemble, ENSEMBLE_DEFAULTS, ENSEMBLE_QUICK, meanProbabilities, snapshotEnsemble, SNAPSHOT_DEFAULTS, SNAPSHOT_QUICK } from './ensemble';
export type { EnsembleConfig, EnsembleOptions, EnsembleRecord, SnapshotConfig, SnapshotOptions, SnapshotRecord } from './ensemble';
export { bnNoise, BN_NOISE_DEFAULTS, BN_NOISE_QUICK } from './bnNoise';
export type { BnNoiseConfig, BnNoiseOptions, BnNoiseRecord, BnNoiseRun, BnNoiseSummary } from './bnNoise';
export {
  bnNoiseFigure, ensembleFigure, lambdaText, regularizeFigure, showBnNoise, showEnsemble, showRegularize, showSnapshotEnsemble, snapshotFigure, weightHistogramFigure,
} from './figures';
export * from './augmentIndex';
