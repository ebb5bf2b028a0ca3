/**
 * The public names of lesson 08's augmentation part (`nn.regularization.augment`, ...): the
 * lesson's index.ts re-exports them with `export * from './augmentIndex';`.
 *
 * - ops on a batch [N, H, W, C] in [0, 1], seeded: `randomFlip`, `randomCrop`, `randomJitter`,
 *   `randomTranslate`, `randomRotate`, `randomCutout`, composed by name with `augment`; their
 *   deterministic cores `flipWhere`, `shiftImages`, `scaleShift`, `rotateImages`, `jitterImages`,
 *   `cutoutImages`; test-time augmentation `ttaPredict`; `imageBatch` (dataset images → batch);
 * - experiments: `augmentGrid`, `augmentCost`, `augmentEffect`;
 * - figures: `augmentGridPng`, `showAugmentGrid`, `augmentCostFigure`, `showAugmentCost`,
 *   `augmentEffectFigure`, `showAugmentEffect`.
 */
export {
  AUGMENTATIONS, AUGMENT_CONFIG, AUGMENT_OPS, augment, augmentConfig, augmentOps, cutoutImages, flipWhere, imageBatch, jitterImages, randomCrop, randomCutout,
  randomFlip, randomJitter, randomRotate, randomTranslate, rotateImages, scaleShift, shiftImages, ttaPredict,
} from './augment';
export type { AugmentConfig, AugmentName, TtaOptions } from './augment';
export { augmentCost, augmentGrid, COST_DEFAULTS, COST_QUICK, DEFAULT_PIPELINE, GRID_DEFAULTS } from './augmentRun';
export type { AugmentCostOptions, AugmentCostRecord, AugmentGridOptions, AugmentGridRecord, CostTiming } from './augmentRun';
export { augmentEffect, EFFECT_DEFAULTS, EFFECT_QUICK, EFFECT_RUNS } from './augmentEffect';
export type { AugmentEffectOptions, AugmentEffectRecord, EffectRun } from './augmentEffect';
export { augmentCostFigure, augmentEffectFigure, augmentGridPng, showAugmentCost, showAugmentEffect, showAugmentGrid } from './figuresAugment';
