/** Golden cases of lesson 02's zero-mean and PCA experiments (see ../golden.ts). CIFAR-10 from the mirror. */
import type { GoldenCase } from '../golden';
import { sensitivity, zeroMean } from '../../src/lessons/preprocessing/centering';
import { pcaCifar } from '../../src/lessons/preprocessing/pca';

export const CASES: GoldenCase[] = [
  // lesson 02: data preprocessing, part C
  { id: 'preprocessingZeroMean', call: 'preprocessing.zeroMean({trainSize: 200, valSize: 50, epochs: 2, batchSize: 50, seed: 1}) (CIFAR-10)',
    run: () => zeroMean({ trainSize: 200, valSize: 50, epochs: 2, batchSize: 50, seed: 1 }) },
  { id: 'preprocessingSensitivity', call: 'preprocessing.sensitivity({pointsPerClass: 20, distances: [0, 5, 20], seed: 1})',
    run: () => sensitivity({ pointsPerClass: 20, distances: [0, 5, 20], seed: 1 }) },
  { id: 'preprocessingPca', call: 'preprocessing.pcaCifar({trainSize: 200, ks: [3, 10], heldOut: 20, images: 0, seed: 1}) (CIFAR-10)',
    run: () => pcaCifar({ trainSize: 200, ks: [3, 10], heldOut: 20, images: 0, seed: 1 }) },
];
