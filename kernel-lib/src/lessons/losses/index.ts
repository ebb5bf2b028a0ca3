/**
 * `nn.losses`: lesson 12, loss functions and gradient checking.
 *
 * - losses in float64 with their gradients: `softmax64`, `softmaxCrossEntropy64` (the max trick),
 *   `hingeLoss64`, `squaredError64`, `logisticLoss64`, `softplus64`, `l2Penalty64`, `checkLabels`;
 *   one example's numbers `lossExample`, the linear SVM `svmLoss64` (data loss + λR),
 *   `softmaxBackwardRow`, `lossSanity`, `scoreGradients`;
 * - experiments: `lossShapes` (each loss against the correct class's score, the worked example,
 *   the sanity values), `mseVsCe` (squared error on softmax vs cross-entropy: gradients and
 *   training), `gradErrorVsH` (the centred difference's error against h, float64 and float32),
 *   `kinks` (false alarms at ReLU and max kinks); `FLOAT64_GRADCHECK`, `FLOAT32_GRADCHECK`;
 * - figures: `showLossShapes`, `showMseVsCe`, `showGradErrorVsH`, `showKinks` and the figure builders;
 * - the gates of a computational graph (the gates part, gatesIndex.ts).
 *
 * The gradient check itself is `nn.gradCheckRecord(f, x, { h, samples })` (core/gradCheck).
 *
 * @example
 * const s = nn.nets.array64([1, 3], [3.2, 5.1, -1.7]);
 * nn.losses.softmaxCrossEntropy64(s, [0]).loss   // 2.04
 */
export * from './losses64';
export { lossExample, lossSanity, lossShapes, LOSS_CURVES, LOSS_CURVE_LABELS, LOSS_SHAPES_DEFAULTS, softmaxBackwardRow, svmLoss64, WORKED_CLASSES, WORKED_LABEL, WORKED_SCORES } from './lossShapes';
export type { LossCurve, LossCurveName, LossExample, LossSanity, LossShapesConfig, LossShapesOptions, LossShapesRecord, SvmLoss64 } from './lossShapes';
export { mseVsCe, MSE_VS_CE_DEFAULTS, MSE_VS_CE_LABELS, MSE_VS_CE_LOSSES, MSE_VS_CE_QUICK, scoreGradients } from './mseVsCe';
export type { GradientSweep, MseVsCeConfig, MseVsCeEpoch, MseVsCeLoss, MseVsCeOptions, MseVsCeRecord, MseVsCeRun } from './mseVsCe';
export { FLOAT32_GRADCHECK, FLOAT64_GRADCHECK, gradErrorVsH, GRAD_H_DEFAULTS, kinks, KINKS_DEFAULTS, MACHINE_EPSILON } from './gradNumerics';
export type { GradDtype, GradDtypeCurve, GradErrorVsHConfig, GradErrorVsHOptions, GradErrorVsHRecord, KinkExample, KinkRow, KinksConfig, KinksOptions, KinksRecord } from './gradNumerics';
export {
  gradErrorRows, gradErrorVsHFigure, kinksFigure, lossExampleFigure, lossExampleRows, lossShapesFigure, mseVsCeRows, mseVsCeSweepFigure, mseVsCeTrainingFigure,
  showGradErrorVsH, showKinks, showLossShapes, showMseVsCe,
} from './figures';
export * from './gatesIndex';
