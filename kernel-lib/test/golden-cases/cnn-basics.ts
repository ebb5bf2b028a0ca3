/** Golden cases of lesson 11's convolution half (see ../golden.ts). */
import type { GoldenCase } from '../golden';
import { convByHand } from '../../src/lessons/cnn-basics/byHand';
import { classicFilters } from '../../src/lessons/cnn-basics/filters';
import { convSizes } from '../../src/lessons/cnn-basics/sizes';
import { pooling } from '../../src/lessons/cnn-basics/pooling';
import { receptiveField } from '../../src/lessons/cnn-basics/receptiveField';

export const CASES: GoldenCase[] = [
  // lesson 11: CNN basics (convolution half)
  { id: 'cnnConvByHand', call: 'cnn.convByHand({row: 2, col: 1, seed: 1})', run: async () => convByHand({ row: 2, col: 1, seed: 1 }) },
  { id: 'cli-conv-by-hand', call: 'nnlab conv-by-hand: cnn.convByHand({})', run: async () => convByHand({}) },
  { id: 'cnnClassicFilters', call: 'cnn.classicFilters({dataset: "mnist", index: 0})', run: () => classicFilters({ dataset: 'mnist', index: 0 }) },
  { id: 'cnnConvSizes', call: 'cnn.convSizes({}) (the lecture\'s CIFAR-10 CNN)', run: async () => convSizes({}) },
  { id: 'cnnPooling', call: 'cnn.pooling({})', run: () => pooling({}) },
  { id: 'cnnReceptiveField', call: 'cnn.receptiveField({layers: "conv3,conv3,pool2,conv3s2"})', run: async () => receptiveField({ layers: 'conv3,conv3,pool2,conv3s2' }) },
  { id: 'cli-receptive-field', call: 'nnlab receptive-field: cnn.receptiveField({})', run: async () => receptiveField({}) },
];
