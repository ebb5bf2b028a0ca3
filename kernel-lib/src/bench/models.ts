/**
 * The models of `nnlab bench` (issue 4, "Benchmark"), as tfjs-layers models: the lecture's
 * networks, built the way a lesson builds them. `kernel-lib/bench/torch_bench.py` builds the same
 * three in PyTorch (the MLP and the CNN are nets/models'); both sides assert the parameter counts below.
 *
 * - `mlp`: the MNIST MLP 784-512-512-512-10 of lesson 09, ReLU, dropout (drop rate 0.5, i.e.
 *   p = 0.5) after every hidden layer, Adam (lr 1e-3), batch 128: 932,362 parameters.
 * - `cnn`: the CIFAR-10 CNN of lesson 11: 3 blocks of conv3x3('same', ReLU)-BN-conv3x3-BN-
 *   maxpool2x2-dropout with 32/64/128 filters (dropout 0.2/0.3/0.4), flatten, dense 512 (ReLU),
 *   BN, dropout 0.5, dense 10; Adam (lr 1e-3), batch 64. 1,345,066 parameters, counted like
 *   Keras: BN's moving mean and variance included (1,343,146 trainable + 1,920 moving statistics).
 * - `two-layer`: the two-layer net 3072-50-10 of lesson 05, ReLU, plain SGD (lr 1e-3), batch 100:
 *   154,160 parameters.
 * All end in linear logits; the loss is softmax cross-entropy on them (PyTorch: CrossEntropyLoss).
 * BN uses tfjs's defaults (momentum 0.99, epsilon 1e-3); the PyTorch side sets the same
 * (momentum 0.01 in its convention, eps 1e-3: STYLE.md trap 5).
 */
import * as tf from '@tensorflow/tfjs';
import { cnnModel, mlpModel } from '../nets/models';

/** The lecture's MLP and CNN live in nets/models (lesson 11 trains them too). */
export { cnnModel, mlpModel };

export const TRAIN_BENCHES = ['mlp', 'cnn', 'two-layer'] as const;
export type TrainBench = typeof TRAIN_BENCHES[number];
export const BENCH_NAMES = [...TRAIN_BENCHES, 'gemm'] as const;
export type BenchName = typeof BENCH_NAMES[number];

export interface TrainBenchSpec {
  title: string;
  /** One sample's shape (NHWC for images: tfjs's layout; PyTorch uses its own NCHW). */
  inputShape: number[];
  classes: number;
  batchSize: number;
  optimizer: 'adam' | 'sgd';
  lr: number;
  /** All weights, Keras-style (BN moving statistics included). */
  parameters: number;
  /** wasm + nnlab throughput as a fraction of PyTorch CPU (issue 4). */
  target: number;
}

/** The three training benchmarks: defaults as data, shared with the PyTorch script through its task. */
export const TRAIN_SPECS: Record<TrainBench, TrainBenchSpec> = {
  mlp: {
    title: 'MNIST MLP 784-512-512-512-10, dropout, Adam', inputShape: [784], classes: 10,
    batchSize: 128, optimizer: 'adam', lr: 1e-3, parameters: 932_362, target: 0.8,
  },
  cnn: {
    title: 'CIFAR-10 CNN, 3 conv-BN blocks 32/64/128, dense 512, Adam', inputShape: [32, 32, 3], classes: 10,
    batchSize: 64, optimizer: 'adam', lr: 1e-3, parameters: 1_345_066, target: 0.3,
  },
  'two-layer': {
    title: 'two-layer net 3072-50-10, SGD', inputShape: [3072], classes: 10,
    batchSize: 100, optimizer: 'sgd', lr: 1e-3, parameters: 154_160, target: 0.4,
  },
};

/** The GEMM benchmark: C = A·B with A, B float32 [n, n]; 2n³ flops per product. */
export const GEMM_SIZE = 1024;

/** Weights of a dense net with these layer sizes: Σ (fanIn + 1)·fanOut. `[784, 512, 512, 512, 10]` -> 932,362. */
export function denseParameterCount(sizes: readonly number[]): number {
  let count = 0;
  for (let i = 1; i < sizes.length; i++) count += (sizes[i - 1] + 1) * sizes[i];
  return count;
}

/** The two-layer net of lesson 05: 3072-50 (ReLU)-10 (logits). */
export function twoLayerModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 50, activation: 'relu', inputShape: [3072] }));
  model.add(tf.layers.dense({ units: 10 }));
  return model;
}

/** The model of a training benchmark; throws when its weight count is not the spec's. */
export function benchModel(bench: TrainBench, seed: number): tf.Sequential {
  const model = bench === 'mlp' ? mlpModel(seed) : bench === 'cnn' ? cnnModel(seed) : twoLayerModel();
  const count = model.countParams();
  if (count !== TRAIN_SPECS[bench].parameters) {
    throw new Error(`the ${bench} model has ${count} parameters, expected ${TRAIN_SPECS[bench].parameters}`);
  }
  return model;
}
