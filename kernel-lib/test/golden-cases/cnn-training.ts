/** Golden cases of lesson 11's training part (see ../golden.ts). */
import type { GoldenCase } from '../golden';
import { cifarCnn } from '../../src/lessons/cnn-basics/cifarCnn';
import { mlpVsCnn } from '../../src/lessons/cnn-basics/mlpVsCnn';

export const CASES: GoldenCase[] = [
  // lesson 11: training CNNs (MNIST, CIFAR-10)
  { id: 'cnnMlpVsCnn', call: 'cnn.mlpVsCnn({trainSize: 128, valSize: 32, testSize: 32, epochs: 1, batchSize: 64})',
    run: () => mlpVsCnn({ trainSize: 128, valSize: 32, testSize: 32, epochs: 1, batchSize: 64, progress: false }) },
  { id: 'cnnCifarCnn', call: 'cnn.cifarCnn({trainSize: 64, valSize: 16, testSize: 32, epochs: 1, misclassified: 3})',
    run: () => cifarCnn({ trainSize: 64, valSize: 16, testSize: 32, epochs: 1, misclassified: 3, progress: false }) },
];
