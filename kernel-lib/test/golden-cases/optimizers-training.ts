/** Golden cases of lesson 07's training part (see ../golden.ts): small runs on CIFAR-10 rows. */
import type { GoldenCase } from '../golden';
import { compareOptimizers } from '../../src/lessons/optimizers/compare';
import { decayRun, scheduleCurves } from '../../src/lessons/optimizers/scheduleRun';
import { emaRun } from '../../src/lessons/optimizers/ema';

const SMALL = { trainSize: 100, valSize: 50, batchSize: 50, epochs: 2, seed: 1 } as const;

export const CASES: GoldenCase[] = [
  { id: 'optimizersCompare', call: 'optimizers.compareOptimizers({optimizers: [sgd, momentum, adam], trainSize: 100, valSize: 50, batchSize: 50, epochs: 2, seed: 1}) (CIFAR-10)',
    run: () => compareOptimizers({ ...SMALL, optimizers: ['sgd', 'momentum', 'adam'] }) },
  { id: 'optimizersScheduleCurves', call: 'optimizers.scheduleCurves({steps: 50})', run: async () => scheduleCurves({ steps: 50 }) },
  { id: 'optimizersDecay', call: 'optimizers.decayRun({kind: step, trainSize: 100, valSize: 50, batchSize: 50, epochs: 2, seed: 1}) (CIFAR-10)',
    run: () => decayRun({ ...SMALL, kind: 'step' }) },
  { id: 'optimizersEma', call: 'optimizers.emaRun({decay: 0.5, trainSize: 100, valSize: 50, batchSize: 50, epochs: 2, seed: 1}) (CIFAR-10)',
    run: () => emaRun({ ...SMALL, decay: 0.5 }) },
];
