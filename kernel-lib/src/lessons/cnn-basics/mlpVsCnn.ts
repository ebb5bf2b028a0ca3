/**
 * An MLP vs a small CNN on MNIST (lesson 11). Both are tf.layers models trained the same way
 * (`fitLayers`: Adam, one batch order from the seed, through THE loop) on one seeded subset of the
 * training split, checked on held-out validation images after every epoch and on a seeded subset
 * of the test split once at the end:
 *
 * - the lecture's MLP 784-512-512-512-10 with dropout 0.5 (`nets/models` mlpModel): 932,362 weights;
 * - a small CNN: conv 3×3, 32 ('same', ReLU) → max-pool 2 → conv 3×3, 64 → max-pool 2 → dense 128
 *   (ReLU) → dropout 0.5 → dense 10: 320 + 18,496 + 401,536 + 1,290 = 421,642 weights, less than
 *   half the MLP's. Its weights are shared over positions: 18,816 of them in the two conv layers.
 *
 * Measured (wasm, 2 loaded cores, seed 0), test accuracy MLP / CNN: defaults (10,000 training
 * images, 3 epochs, about 3 minutes) 0.935 / 0.969; quick preset (1,000 images, 1 epoch of 8
 * steps, about 10 s) 0.628 / 0.540. A CNN step costs about 3× an MLP step here (520 vs 170 ms).
 *
 * @example
 * const r = await nn.cnn.mlpVsCnn();
 * r.runs.map((run) => [run.name, run.parameters, run.testAccuracy])
 * nn.cnn.showMlpVsCnn(r);
 */
import * as tf from '@tensorflow/tfjs';
import { withQuickPreset } from '../../core/config';
import { ArgumentError } from '../../core/errors';
import { defineOptions, float32Bytes, int, number, OptionsOf, seed } from '../../core/options';
import { provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import type { ImageDataset, LoadOptions } from '../../data/load';
import { loadDataset } from '../../data/load';
import { mlpModel, MLP_PARAMETERS, stepDropout } from '../../nets/models';
import { experimentProgress } from '../../show/progress';
import { accuracy, disposeModel, drawSplits, FitEpoch, fitLayers, parameterCounts, predictClasses } from './fit';

/** Where the images come from (tests pass loaded datasets). */
export interface TrainingSource { load?: (name: string, o: LoadOptions) => Promise<ImageDataset> }

/** The two models, in order. */
export const MLP_VS_CNN_MODELS = ['MLP 784-512-512-512-10', 'small CNN'] as const;
/** The small CNN's weights: 320 + 18,496 + 401,536 + 1,290. */
export const MNIST_CNN_PARAMETERS = 421_642;

/**
 * The small MNIST CNN of {@link mlpVsCnn} (421,642 weights), seeded.
 *
 * @example
 * const model = nn.cnn.mnistCnnModel(1);
 * model.countParams()   // 421642
 * model.dispose();
 */
export function mnistCnnModel(seed: number): tf.Sequential {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed * 31 + k });
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(0) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(2) }));
  model.add(stepDropout(0.5, seed * 7 + 5));
  model.add(tf.layers.dense({ units: 10, kernelInitializer: init(3) }));
  return model;
}

export const MLP_VS_CNN_DEFAULTS = { trainSize: 10_000, valSize: 1000, testSize: 2000, epochs: 3, batchSize: 128, lr: 1e-3, seed: 0 } as const;
/** Quick mode: 1,000 training, 200 validation and 500 test images, 1 epoch. */
export const MLP_VS_CNN_QUICK = { trainSize: 1000, valSize: 200, testSize: 500, epochs: 1 } as const;

const MNIST_TRAIN = 60_000;

export const MLP_VS_CNN_OPTIONS = defineOptions('cnn.mlpVsCnn', {
  /** Training images (a seeded draw from MNIST's training split). */
  trainSize: int({ min: 10, max: 59_000, default: MLP_VS_CNN_DEFAULTS.trainSize }),
  /** Validation images, disjoint from the training ones (accuracy after every epoch). */
  valSize: int({ min: 10, max: 10_000, default: MLP_VS_CNN_DEFAULTS.valSize }),
  /** Test images (a seeded draw from the test split), read once at the end. */
  testSize: int({ min: 10, max: 10_000, default: MLP_VS_CNN_DEFAULTS.testSize }),
  epochs: int({ min: 1, max: 100, default: MLP_VS_CNN_DEFAULTS.epochs }),
  batchSize: int({ min: 1, max: 1024, default: MLP_VS_CNN_DEFAULTS.batchSize }),
  /** Adam's learning rate. */
  lr: number({ min: 1e-6, max: 1, default: MLP_VS_CNN_DEFAULTS.lr }),
  seed: seed({ default: MLP_VS_CNN_DEFAULTS.seed }),
}, {
  rules(c) {
    if (c.trainSize + c.valSize > MNIST_TRAIN) throw new ArgumentError('trainSize', c.trainSize, `at most ${MNIST_TRAIN - c.valSize} with valSize ${c.valSize} (MNIST has ${MNIST_TRAIN} training images)`);
    if (c.batchSize > c.trainSize) throw new ArgumentError('batchSize', c.batchSize, `at most trainSize (${c.trainSize})`);
  },
  memory: (c) => ({ bytes: float32Bytes((c.trainSize + c.valSize + c.testSize) * 784 * 2), argument: 'trainSize', what: `${c.trainSize + c.valSize + c.testSize} images of 28×28` }),
});

export type MlpVsCnnOptions = OptionsOf<typeof MLP_VS_CNN_OPTIONS.fields>;
export type MlpVsCnnConfig = ReturnType<typeof MLP_VS_CNN_OPTIONS.resolve>;

/** One model's run. */
export interface MlpVsCnnRun {
  name: typeof MLP_VS_CNN_MODELS[number];
  /** All weights (countParams) and the layer shapes in words. */
  parameters: number;
  architecture: string;
  epochs: FitEpoch[];
  losses: number[];
  finalValAcc: number;
  testAccuracy: number;
}

export interface MlpVsCnnRecord {
  experiment: 'cnnMlpVsCnn';
  options: MlpVsCnnConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  data: { dataset: 'mnist'; trainRows: number; valRows: number; testRows: number };
  runs: MlpVsCnnRun[];
  /** Wall time, and milliseconds per training step of each run (they vary run to run). */
  meta: { ms: number; msPerStep: number[] };
}

/** Images [count, 28, 28, 1] in [0, 1] of the rows `indices`, flattened to [count, 784] with `flat`. */
function mnistBatch(ds: ImageDataset, indices: readonly number[], flat: boolean): tf.Tensor {
  const size = 784;
  const v = new Float32Array(indices.length * size);
  indices.forEach((idx, k) => { for (let j = 0; j < size; j++) v[k * size + j] = ds.images[idx * size + j] / 255; });
  return flat ? tf.tensor2d(v, [indices.length, size]) : tf.tensor4d(v, [indices.length, 28, 28, 1]);
}

/**
 * Trains the lecture's MLP and the small CNN on one MNIST subset; see the module comment.
 *
 * @example
 * const r = await nn.cnn.mlpVsCnn({ trainSize: 2000, epochs: 2 });
 * r.runs[1].parameters < r.runs[0].parameters   // true: the CNN has fewer weights
 */
export async function mlpVsCnn(options: MlpVsCnnOptions = {}, source: TrainingSource = {}): Promise<MlpVsCnnRecord> {
  const started = performance.now();
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  const { config, progress } = MLP_VS_CNN_OPTIONS.take(isObject ? withQuickPreset<MlpVsCnnOptions>(options, MLP_VS_CNN_QUICK) : options);
  const load = source.load ?? loadDataset;
  const train = await load('mnist', { split: 'train', allowPartial: true });
  const test = await load('mnist', { split: 'test', allowPartial: true });
  for (const ds of [train, test]) if (ds.height !== 28 || ds.width !== 28 || ds.channels !== 1) throw new ArgumentError('dataset', ds.name, 'MNIST: 28×28 grey images');
  const seeds = seedStream(config.seed);
  const { trainIdx, valIdx, testIdx, yTrain, yVal, yTest } = drawSplits(train, test, config, seeds);
  const perEpoch = Math.ceil(config.trainSize / config.batchSize);
  const bar = experimentProgress(progress, {
    label: 'cnn.mlpVsCnn',
    chart: { metric: 'valAcc', title: 'Validation accuracy after each epoch', xTitle: 'epoch', yTitle: 'accuracy', series: [...MLP_VS_CNN_MODELS] },
  });
  const runs: MlpVsCnnRun[] = [];
  const msPerStep: number[] = [];
  try {
    for (const [k, name] of MLP_VS_CNN_MODELS.entries()) {
      const flat = k === 0;
      const model = flat ? mlpModel(seeds.derive('mlp') % 100_000) : mnistCnnModel(seeds.derive('cnn') % 100_000);
      const tensors = [mnistBatch(train, trainIdx, flat), mnistBatch(train, valIdx, flat), mnistBatch(test, testIdx, flat)];
      try {
        const parameters = parameterCounts(model).total;
        const want = flat ? MLP_PARAMETERS : MNIST_CNN_PARAMETERS;
        if (parameters !== want) throw new Error(`cnn.mlpVsCnn: the ${name} has ${parameters} parameters, expected ${want}`);
        const fit = await fitLayers(model, tensors[0], yTrain, tensors[1], yVal, {
          epochs: config.epochs, batchSize: config.batchSize, lr: config.lr, seed: seeds.derive(`order ${name}`),
          progress: (e) => bar.report(e), phase: name, progressOffset: k * config.epochs * perEpoch, progressTotal: 2 * config.epochs * perEpoch,
        });
        const testAccuracy = accuracy(predictClasses(model, tensors[2]), yTest);
        runs.push({
          name, parameters, architecture: flat ? '784 → 512 → 512 → 512 → 10, ReLU, dropout 0.5' : 'conv3×3·32 → pool → conv3×3·64 → pool → 128 → dropout 0.5 → 10',
          epochs: fit.epochs, losses: fit.losses, finalValAcc: fit.epochs[fit.epochs.length - 1].valAcc, testAccuracy,
        });
        msPerStep.push(fit.msPerStep);
      } finally {
        tf.dispose(tensors);
        disposeModel(model);
      }
    }
  } finally {
    bar.finish();
  }
  return {
    experiment: 'cnnMlpVsCnn', options: config, ...provenance(),
    data: { dataset: 'mnist', trainRows: config.trainSize, valRows: config.valSize, testRows: config.testSize }, runs, meta: { ms: performance.now() - started, msPerStep },
  };
}
