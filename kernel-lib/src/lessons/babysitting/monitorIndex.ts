/**
 * The public names of lesson 05's monitoring part (`nn.babysitting.lossShapes`, ...): the lesson's
 * index.ts re-exports them with `export * from './monitorIndex';`.
 *
 * - experiments: `lossShapes` (three learning rates, each loss curve's shape read the lecture's
 *   way), `trainValGap` (tiny subset without reg vs the full set: train/val accuracy and the gap),
 *   `updateRatios` (‖ΔW‖/‖W‖ per layer per step), `templates` (W1's columns as images, before and after);
 * - the readings, pure: `smoothLoss`, `readLossCurve`, `gapVerdict`, `finiteMedian`, `ratioVerdict`,
 *   `templateImages`, `neighbourCorrelation`;
 * - figures: `lossShapesFigure`, `trainValGapFigure`, `updateRatiosFigure`, `templatesPng`, and
 *   `showLossShapes`, `showTrainValGap`, `showUpdateRatios`, `showTemplates`.
 */
export {
  EXPECTED_SHAPES, GAP_DEFAULTS, GAP_QUICK, GAP_READING, GAP_RUNS, gapVerdict, LOSS_READING_BOUNDS, LOSS_SHAPE_READING, LOSS_SHAPE_SHORT, LOSS_SHAPE_ROLES, LOSS_SHAPES_DEFAULTS,
  LOSS_SHAPES_QUICK, lossShapes, readLossCurve, smoothLoss, trainValGap,
} from './monitor';
export type {
  DivergedAt, GapRun, GapRunName, GapVerdict, LossReading, LossReadingBounds, LossShape, LossShapeRole, LossShapeRun, LossShapesConfig, LossShapesOptions,
  LossShapesRecord, MonitorSource, TrainValGapConfig, TrainValGapOptions, TrainValGapRecord,
} from './monitor';
export { finiteMedian, HEALTHY_RATIO, RATIO_DEFAULTS, RATIO_LAYERS, RATIO_QUICK, ratioVerdict, updateRatios } from './monitorRatios';
export type { RatioLayer, RatioRun, RatioVerdict, UpdateRatiosConfig, UpdateRatiosOptions, UpdateRatiosRecord } from './monitorRatios';
export { neighbourCorrelation, templateImages, templates, TEMPLATES_DEFAULTS, TEMPLATES_QUICK } from './templates';
export type { TemplatesConfig, TemplatesOptions, TemplatesRecord } from './templates';
export {
  lossShapesFigure, showLossShapes, showTemplates, showTrainValGap, showUpdateRatios, templatesPng, trainValGapFigure, updateRatiosFigure,
} from './figuresMonitor';
