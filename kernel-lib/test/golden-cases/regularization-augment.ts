/** Golden cases of lesson 08's augmentation experiments (see ../golden.ts). */
import type { GoldenCase } from '../golden';
import { augmentGrid } from '../../src/lessons/regularization/augmentRun';
import { augmentEffect } from '../../src/lessons/regularization/augmentEffect';

export const CASES: GoldenCase[] = [
  // lesson 08: data augmentation (CIFAR-10)
  { id: 'regularizationAugmentGrid', call: 'regularization.augmentGrid({images: 2, n: 2, ops: [every op]})',
    run: () => augmentGrid({ images: 2, n: 2, ops: ['flip', 'crop', 'jitter', 'translate', 'rotate', 'cutout'] }) },
  { id: 'regularizationAugmentEffect', call: 'regularization.augmentEffect({trainSize: 64, valSize: 32, epochs: 1, batchSize: 32})',
    run: () => augmentEffect({ trainSize: 64, valSize: 32, epochs: 1, batchSize: 32, progress: false }) },
];
