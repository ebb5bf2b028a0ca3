/** Golden cases of lesson 07's race and second-order comparison (see ../golden.ts). */
import type { GoldenCase } from '../golden';
import { optimizerRace } from '../../src/lessons/optimizers/race';
import { secondOrder } from '../../src/lessons/optimizers/secondOrder';

export const CASES: GoldenCase[] = [
  // lesson 07: optimizers
  { id: 'optimizersRace-saddle', call: 'optimizers.optimizerRace({surface: "saddle", steps: 20})', run: () => optimizerRace({ surface: 'saddle', steps: 20 }) },
  {
    id: 'optimizersRace-noisy', call: 'optimizers.optimizerRace({surface: "noisy", optimizers: ["sgd", "momentum", "adam"], steps: 15, seed: 3})',
    run: () => optimizerRace({ surface: 'noisy', optimizers: ['sgd', 'momentum', 'adam'], steps: 15, seed: 3 }),
  },
  { id: 'optimizersSecondOrder', call: 'optimizers.secondOrder({surface: "quadratic", maxSteps: 50})', run: () => secondOrder({ surface: 'quadratic', maxSteps: 50 }) },
];
