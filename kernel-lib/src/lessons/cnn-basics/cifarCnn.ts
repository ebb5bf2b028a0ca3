/**
 * The lecture's CIFAR-10 CNN trained on the wasm floor (lesson 11): `nets/models` cnnModel, three
 * blocks of conv-BN-conv-BN-maxpool-dropout with 32/64/128 filters, dense 512, BN, dropout, dense 10
 * (1,345,066 weights, 1,343,146 trainable; both asserted), Adam, batches of 64, every batch flipped
 * and cropped (`nets/augment`, lesson 08's ops) with its own seed. BN's momentum is 0.9 here
 * (PyTorch's default) instead of tfjs's 0.99, and before every evaluation BN's statistics are
 * recomputed on 256 training images (`calibrateBatchNorm`, "precise BN"): a short run leaves the
 * moving averages far from the real statistics (without it the quick preset predicted one class
 * for every test image). Dropout draws a new seeded mask every step (`nets/models` StepDropout).
 * What it records: per-epoch training loss, running training accuracy and validation
 * accuracy; the test accuracy on a seeded subset of the test split with its 10×10 confusion matrix
 * (rows: true class, columns: predicted); the first misclassified test images (index, true,
 * predicted, their pixels); and the first layer's 32 filters (3×3×3 values each, HWIO).
 *
 * Cost: one step (batch of 64, forward + backward + Adam) takes about 0.8 s on wasm with 1 thread,
 * about 0.55 s with the default 'auto' threads per operation on 2 cores (`nnlab bench --only cnn`
 * times the same step against PyTorch CPU; lesson 11 in full mode: 944 s with 1 thread, 636 s with
 * the default, 2026-12-06). Measured, seed 0, 1 thread:
 * - defaults (10,000 training images, 6 epochs: 942 steps): test accuracy 0.566 (2,000 images),
 *   validation 0.378 → 0.548 over the epochs, still rising; 19 minutes on a loaded 2-core VM
 *   (1.16 s per step), about 13 minutes unloaded;
 * - quick preset (1,024 images, 1 epoch: 16 steps): test accuracy 0.236 (500 images), 20–50 s.
 *
 * @example
 * const r = await nn.cnn.cifarCnn();
 * r.testAccuracy
 * nn.cnn.showCifarCnn(r);
 */
import * as tf from '@tensorflow/tfjs';
import { withQuickPreset } from '../../core/config';
import { ArgumentError } from '../../core/errors';
import { defineOptions, float32Bytes, int, list, number, oneOf, OptionsOf, seed } from '../../core/options';
import { provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import type { ImageDataset } from '../../data/load';
import { loadDataset } from '../../data/load';
import { augment, AUGMENTATIONS, AugmentName, imageBatch } from '../../nets/augment';
import { cnnModel, CIFAR_CNN_PARAMETERS, CIFAR_CNN_TRAINABLE } from '../../nets/models';
import { experimentProgress } from '../../show/progress';
import { accuracy, disposeModel, drawSplits, FitEpoch, fitLayers, parameterCounts, predictClasses } from './fit';
import type { TrainingSource } from './mlpVsCnn';

export const CIFAR_CNN_DEFAULTS = {
  trainSize: 10_000, valSize: 1000, testSize: 2000, epochs: 6, batchSize: 64, lr: 1e-3, augment: ['flip', 'crop'], bnMomentum: 0.9, misclassified: 12, seed: 0,
} as const;
/** Quick mode: 1,024 training, 256 validation and 500 test images, 1 epoch (16 steps). */
export const CIFAR_CNN_QUICK = { trainSize: 1024, valSize: 256, testSize: 500, epochs: 1 } as const;

const CIFAR_TRAIN = 50_000;

export const CIFAR_CNN_OPTIONS = defineOptions('cnn.cifarCnn', {
  /** Training images (a seeded draw from CIFAR-10's training split). */
  trainSize: int({ min: 10, max: 49_000, default: CIFAR_CNN_DEFAULTS.trainSize }),
  /** Validation images, disjoint from the training ones (accuracy after every epoch). */
  valSize: int({ min: 10, max: 10_000, default: CIFAR_CNN_DEFAULTS.valSize }),
  /** Test images (a seeded draw from the test split): the test accuracy and the confusion matrix. */
  testSize: int({ min: 10, max: 10_000, default: CIFAR_CNN_DEFAULTS.testSize }),
  epochs: int({ min: 1, max: 200, default: CIFAR_CNN_DEFAULTS.epochs }),
  batchSize: int({ min: 1, max: 1024, default: CIFAR_CNN_DEFAULTS.batchSize }),
  /** Adam's learning rate. */
  lr: number({ min: 1e-6, max: 1, default: CIFAR_CNN_DEFAULTS.lr }),
  /** The augmentation of every training batch, in order (lesson 08's ops); [] for none. */
  augment: list(oneOf(AUGMENTATIONS), { minLength: 0, maxLength: 12, default: CIFAR_CNN_DEFAULTS.augment }),
  /** BN's momentum (0.99: tfjs's default; 0.9: PyTorch's). */
  bnMomentum: number({ min: 0, max: 0.9999, default: CIFAR_CNN_DEFAULTS.bnMomentum }),
  /** How many misclassified test images to keep (the first ones of the test subset). */
  misclassified: int({ min: 0, max: 64, default: CIFAR_CNN_DEFAULTS.misclassified }),
  seed: seed({ default: CIFAR_CNN_DEFAULTS.seed }),
}, {
  rules(c) {
    if (c.trainSize + c.valSize > CIFAR_TRAIN) throw new ArgumentError('trainSize', c.trainSize, `at most ${CIFAR_TRAIN - c.valSize} with valSize ${c.valSize} (CIFAR-10 has ${CIFAR_TRAIN} training images)`);
    if (c.batchSize > c.trainSize) throw new ArgumentError('batchSize', c.batchSize, `at most trainSize (${c.trainSize})`);
  },
  memory: (c) => ({ bytes: float32Bytes((c.trainSize + c.valSize + c.testSize) * 3072 * 2), argument: 'trainSize', what: `${c.trainSize + c.valSize + c.testSize} images of 32×32×3` }),
});

export type CifarCnnOptions = OptionsOf<typeof CIFAR_CNN_OPTIONS.fields>;
export type CifarCnnConfig = ReturnType<typeof CIFAR_CNN_OPTIONS.resolve>;

/** A misclassified test image: its index in the test split, its true and predicted classes. */
export interface Misclassified { index: number; label: number; predicted: number }

export interface CifarCnnRecord {
  experiment: 'cnnCifarCnn';
  options: CifarCnnConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  data: { dataset: 'cifar-10'; trainRows: number; valRows: number; testRows: number };
  classNames: string[];
  /** All weights (Keras-style, BN moving statistics included), the trainable ones, the rest. */
  parameters: { total: number; trainable: number; nonTrainable: number };
  /** Epoch 0: before training (validation accuracy only). */
  epochs: FitEpoch[];
  /** Every step's mini-batch loss. */
  losses: number[];
  steps: number;
  testAccuracy: number;
  /** confusion[t][p]: test images of true class t predicted as p; it sums to `data.testRows`. */
  confusion: number[][];
  misclassified: Misclassified[];
  /** The misclassified images' bytes (32×32×3 each, in `misclassified` order), base64. */
  misclassifiedPixels: string;
  /** The first conv layer's kernel, HWIO [3, 3, 3, 32], flattened in that order. */
  firstLayer: { shape: number[]; values: number[] };
  /** Wall time and milliseconds per training step (they vary run to run). */
  meta: { ms: number; msPerStep: number };
}

/**
 * confusion[t][p]: how many of the labels t were predicted as p, over `classes` classes.
 *
 * @example
 * nn.cnn.confusionMatrix([0, 0, 1], [0, 1, 1], 2)   // [[1, 1], [0, 1]]
 */
export function confusionMatrix(labels: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]][predicted[i]] += 1;
  return m;
}

async function loadCifar(split: 'train' | 'test', source: TrainingSource): Promise<ImageDataset> {
  const ds = await (source.load ?? loadDataset)('cifar-10', { split });
  if (ds.height !== 32 || ds.width !== 32 || ds.channels !== 3) throw new ArgumentError('dataset', ds.name, 'CIFAR-10: 32×32 RGB images');
  return ds;
}

/**
 * Trains the lecture's CIFAR-10 CNN; see the module comment.
 *
 * @example
 * const r = await nn.cnn.cifarCnn({ epochs: 2 });
 * r.parameters   // { total: 1345066, trainable: 1343146, nonTrainable: 1920 }
 */
export async function cifarCnn(options: CifarCnnOptions = {}, source: TrainingSource = {}): Promise<CifarCnnRecord> {
  const started = performance.now();
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  const { config, progress } = CIFAR_CNN_OPTIONS.take(isObject ? withQuickPreset<CifarCnnOptions>(options, CIFAR_CNN_QUICK) : options);
  const train = await loadCifar('train', source);
  const test = await loadCifar('test', source);
  const seeds = seedStream(config.seed);
  const { trainIdx, valIdx, testIdx, yTrain, yVal, yTest } = drawSplits(train, test, config, seeds);
  const model = cnnModel(seeds.derive('model') % 100_000, { bnMomentum: config.bnMomentum });
  const xs = [imageBatch(train, trainIdx), imageBatch(train, valIdx), imageBatch(test, testIdx)];
  const bar = experimentProgress(progress, {
    label: 'cnn.cifarCnn',
    chart: { metric: 'loss', title: 'Training loss of every step', xTitle: 'step', yTitle: 'cross-entropy loss', series: ['train'] },
  });
  try {
    const parameters = parameterCounts(model);
    if (parameters.total !== CIFAR_CNN_PARAMETERS || parameters.trainable !== CIFAR_CNN_TRAINABLE) {
      throw new Error(`cnn.cifarCnn: the model has ${parameters.total} parameters (${parameters.trainable} trainable), expected ${CIFAR_CNN_PARAMETERS} (${CIFAR_CNN_TRAINABLE})`);
    }
    const ops = config.augment as AugmentName[];
    const fit = await fitLayers(model, xs[0], yTrain, xs[1], yVal, {
      epochs: config.epochs, batchSize: config.batchSize, lr: config.lr, seed: seeds.derive('training'),
      augment: ops.length ? (x, s) => augment(x as tf.Tensor4D, ops, s) : undefined,
      progress: (e) => bar.report(e), phase: 'train',
    });
    const predicted = predictClasses(model, xs[2]);
    const wrong: Misclassified[] = [];
    for (let i = 0; i < yTest.length && wrong.length < config.misclassified; i++) {
      if (predicted[i] !== yTest[i]) wrong.push({ index: testIdx[i], label: yTest[i], predicted: predicted[i] });
    }
    const size = 32 * 32 * 3;
    const pixels = new Uint8Array(wrong.length * size);
    wrong.forEach((w, k) => pixels.set(test.images.subarray(w.index * size, (w.index + 1) * size), k * size));
    const kernel = model.layers[0].getWeights()[0];
    return {
      experiment: 'cnnCifarCnn', options: config, ...provenance(),
      data: { dataset: 'cifar-10', trainRows: config.trainSize, valRows: config.valSize, testRows: config.testSize }, classNames: [...test.classNames],
      parameters, epochs: fit.epochs, losses: fit.losses, steps: fit.steps,
      testAccuracy: accuracy(predicted, yTest), confusion: confusionMatrix(yTest, predicted, 10),
      misclassified: wrong, misclassifiedPixels: Buffer.from(pixels).toString('base64'),
      firstLayer: { shape: [...kernel.shape], values: Array.from(kernel.dataSync()) },
      meta: { ms: performance.now() - started, msPerStep: fit.msPerStep },
    };
  } finally {
    tf.dispose(xs);
    disposeModel(model);
    bar.finish();
  }
}
