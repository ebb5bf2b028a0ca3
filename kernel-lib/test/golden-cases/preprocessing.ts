/** Golden cases of the data-preprocessing lesson (see ../golden.ts). */
import type { GoldenCase } from '../golden';
import { cloud } from '../../src/lessons/preprocessing/cloud';
import { channelStats } from '../../src/lessons/preprocessing/channelStats';

export const CASES: GoldenCase[] = [
  // lesson 02: data preprocessing
  { id: 'preprocessingCloud', call: 'preprocessing.cloud({points: 100, seed: 1})', run: () => cloud({ points: 100, seed: 1 }) },
  { id: 'preprocessingChannelStats', call: 'preprocessing.channelStats({mode: "channel-std", trainSize: 1000, valSize: 200, testSize: 200}) (CIFAR-10)',
    run: () => channelStats({ mode: 'channel-std', trainSize: 1000, valSize: 200, testSize: 200 }) },
  { id: 'preprocessingMeanImage', call: 'preprocessing.channelStats({mode: "mean-image", trainSize: 200, valSize: 0, testSize: 50}) (CIFAR-10)',
    run: () => channelStats({ mode: 'mean-image', trainSize: 200, valSize: 0, testSize: 50 }) },
];
