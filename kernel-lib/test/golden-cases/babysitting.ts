/** Golden cases of the babysitting lesson's sanity checks (see ../golden.ts). */
import type { GoldenCase } from '../golden';
import { initialLoss, lrCheck, overfitTiny, sanityChecks } from '../../src/lessons/babysitting/sanity';

export const CASES: GoldenCase[] = [
  // lesson 05: babysitting the learning process (CIFAR-10)
  { id: 'babysittingInitialLoss', call: 'babysitting.initialLoss({batchSize: 100})', run: () => initialLoss({ batchSize: 100 }) },
  { id: 'babysittingOverfitTiny', call: 'babysitting.overfitTiny({n: 10, epochs: 30})', run: () => overfitTiny({ n: 10, epochs: 30, progress: false }) },
  { id: 'babysittingLrCheck', call: 'babysitting.lrCheck({lr: 1e6, trainSize: 300, valSize: 100, epochs: 2, batchSize: 100})',
    run: () => lrCheck({ lr: 1e6, trainSize: 300, valSize: 100, epochs: 2, batchSize: 100, progress: false }) },
  { id: 'babysittingSanityChecks', call: 'babysitting.sanityChecks({trainSize: 300, valSize: 100, epochs: 2, batchSize: 100, tinySize: 10, tinyEpochs: 30})',
    run: () => sanityChecks({ trainSize: 300, valSize: 100, epochs: 2, batchSize: 100, tinySize: 10, tinyEpochs: 30, progress: false }) },
];
