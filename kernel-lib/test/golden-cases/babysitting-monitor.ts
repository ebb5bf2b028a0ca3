/** Golden cases of lesson 05's monitoring experiments (see ../golden.ts); CIFAR-10 from the mirror, small sizes. */
import type { GoldenCase } from '../golden';
import { lossShapes, trainValGap } from '../../src/lessons/babysitting/monitor';
import { updateRatios } from '../../src/lessons/babysitting/monitorRatios';
import { templates } from '../../src/lessons/babysitting/templates';

export const CASES: GoldenCase[] = [
  // lesson 05: babysitting, monitoring while training
  { id: 'babysittingLossShapes', call: 'babysitting.lossShapes({trainSize: 300, batchSize: 50, epochs: 2, highLr: 1e6}) (CIFAR-10)',
    run: () => lossShapes({ trainSize: 300, batchSize: 50, epochs: 2, highLr: 1e6, progress: false }) },
  { id: 'babysittingTrainValGap', call: 'babysitting.trainValGap({tinySize: 20, trainSize: 300, valSize: 100, steps: 12, batchSize: 10, fullBatchSize: 50}) (CIFAR-10)',
    run: () => trainValGap({ tinySize: 20, trainSize: 300, valSize: 100, steps: 12, batchSize: 10, fullBatchSize: 50, progress: false }) },
  { id: 'babysittingUpdateRatios', call: 'babysitting.updateRatios({trainSize: 200, steps: 6, batchSize: 50}) (CIFAR-10)',
    run: () => updateRatios({ trainSize: 200, steps: 6, batchSize: 50, progress: false }) },
  { id: 'babysittingTemplates', call: 'babysitting.templates({trainSize: 200, valSize: 50, epochs: 2, batchSize: 50, hiddenSize: 4}) (CIFAR-10)',
    run: () => templates({ trainSize: 200, valSize: 50, epochs: 2, batchSize: 50, hiddenSize: 4, progress: false }) },
];
