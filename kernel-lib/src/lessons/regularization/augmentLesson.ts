/**
 * Lesson 08's augmentation part as registry data, for the lesson's lesson.ts to spread in:
 * `experiments: { ...AUGMENT_EXPERIMENTS }`, `show: { ...AUGMENT_SHOW }`, `commands: { ...AUGMENT_COMMANDS }`.
 */
import { augmentEffect, EFFECT_OPTIONS } from './augmentEffect';
import { augmentCost, augmentGrid, COST_OPTIONS, GRID_OPTIONS } from './augmentRun';
import { showAugmentCost, showAugmentEffect, showAugmentGrid } from './figuresAugment';

export { AUGMENT_COMMANDS } from './cliAugment';

/** The experiments with their declared options (test/properties.test.ts feeds them bad values). */
export const AUGMENT_EXPERIMENTS = {
  augmentGrid: { run: augmentGrid, options: GRID_OPTIONS },
  augmentCost: { run: augmentCost, options: COST_OPTIONS },
  augmentEffect: { run: augmentEffect, options: EFFECT_OPTIONS },
} as const;

/** Which show function draws which record (`nn.show(record)`). */
export const AUGMENT_SHOW = {
  regularizationAugmentGrid: showAugmentGrid, regularizationAugmentCost: showAugmentCost, regularizationAugmentEffect: showAugmentEffect,
} as const;
