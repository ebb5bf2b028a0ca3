/**
 * Does augmentation regularise? (lesson 08) The small CNN (`nets/smallCnn`) trained twice on one
 * CIFAR-10 subset through THE loop (`nets/train`), once on the images as they are and once on a
 * freshly augmented copy of every batch (`augment(batch, ops, seed of the step)`), with one init,
 * one batch order and one update rule (Adam). After every epoch: accuracy on the clean training
 * images, on held-out validation images, and their gap. At the end the validation accuracy with
 * test-time augmentation too (`ttaPredict`: 5 shifted views and their mirror images).
 *
 * Measured (wasm, defaults: 2,000 training and 1,000 validation images, 12 epochs of batches of 64,
 * Adam lr 1e-3, flip + crop; 4 to 5 minutes per call on a loaded 2-core VM):
 *
 *   seed  run              train acc  val acc   gap    val acc with TTA
 *   0     no augmentation  0.856      0.412     0.444  0.406
 *   0     augmented        0.509      0.411     0.098  0.457
 *   1     no augmentation  0.821      0.462     0.358  0.411
 *   1     augmented        0.514      0.446     0.068  0.460
 *
 * What holds for both seeds (and what the notebook checks): without augmentation the net fits its
 * training images far better than new ones (gap 0.36–0.44); with flip + crop the training accuracy
 * drops by 0.3 and the gap shrinks to 0.07–0.10. Validation accuracy is the same within 0.02 after
 * 12 epochs (the augmented net is still learning: its curve has not flattened). Test-time
 * augmentation helps the augmented net (+0.01 to +0.05) but not the plain one (−0.01 to −0.05): a
 * net that never saw a mirrored or shifted image is not invariant to them. The quick preset (128
 * images, 2 epochs) is too short for any of this and only shows the mechanics.
 *
 * @example
 * const r = await nn.regularization.augmentEffect();
 * r.runs.map((run) => [run.name, run.finalGap])   // the augmented run's gap is the smaller one
 * nn.regularization.showAugmentEffect(r);
 */
import * as tf from '@tensorflow/tfjs';
import { withQuickPreset } from '../../core/config';
import { ArgumentError } from '../../core/errors';
import { defineOptions, float32Bytes, int, list, number, oneOf, OptionsOf, seed } from '../../core/options';
import { provenance } from '../../core/record';
import { mulberry32, seedStream, shuffle } from '../../core/rng';
import { OPTIMIZERS, createOptimizer } from '../../nets/optim';
import { createSmallCnn, SmallCnn } from '../../nets/smallCnn';
import { train } from '../../nets/train';
import { experimentProgress } from '../../show/progress';
import { augment, AUGMENTATIONS, imageBatch, ttaPredict } from './augment';
import { AUGMENT_DATASETS, AugmentSource } from './augmentRun';
import { loadDataset } from '../../data/load';

/** The two runs, in order. */
export const EFFECT_RUNS = ['no augmentation', 'augmented'] as const;
export type EffectRunName = typeof EFFECT_RUNS[number];

export const EFFECT_DEFAULTS = {
  dataset: 'cifar-10', trainSize: 2000, valSize: 1000, epochs: 12, batchSize: 64, lr: 1e-3, optimizer: 'adam', ops: ['flip', 'crop'], tta: true, seed: 0,
} as const;
/** Quick mode: 128 training and 64 validation images, 2 epochs (mechanics only). */
export const EFFECT_QUICK = { trainSize: 128, valSize: 64, epochs: 2 } as const;

const CIFAR_TRAIN = 50_000;

export const EFFECT_OPTIONS = defineOptions('regularization.augmentEffect', {
  dataset: oneOf(AUGMENT_DATASETS, { default: EFFECT_DEFAULTS.dataset }),
  /** Training images (a seeded draw from the training split). */
  trainSize: int({ min: 10, max: 40_000, default: EFFECT_DEFAULTS.trainSize }),
  /** Validation images, disjoint from the training ones. */
  valSize: int({ min: 10, max: 10_000, default: EFFECT_DEFAULTS.valSize }),
  epochs: int({ min: 1, max: 500, default: EFFECT_DEFAULTS.epochs }),
  batchSize: int({ min: 1, max: 1024, default: EFFECT_DEFAULTS.batchSize }),
  lr: number({ min: 0, max: 10, default: EFFECT_DEFAULTS.lr }),
  optimizer: oneOf(OPTIMIZERS, { default: EFFECT_DEFAULTS.optimizer }),
  /** The augmented run's ops, in order. */
  ops: list(oneOf(AUGMENTATIONS), { minLength: 1, maxLength: 12, default: EFFECT_DEFAULTS.ops }),
  /** Also the final validation accuracy with test-time augmentation. */
  tta: oneOf(['on', 'off'] as const, { default: 'on' }),
  seed: seed({ default: EFFECT_DEFAULTS.seed }),
}, {
  rules(c) {
    if (c.trainSize + c.valSize > CIFAR_TRAIN) throw new ArgumentError('trainSize', c.trainSize, `at most ${CIFAR_TRAIN - c.valSize} with valSize ${c.valSize} (CIFAR-10 has ${CIFAR_TRAIN} training images)`);
    if (c.batchSize > c.trainSize) throw new ArgumentError('batchSize', c.batchSize, `at most trainSize (${c.trainSize})`);
  },
  memory: (c) => ({ bytes: float32Bytes((c.trainSize + c.valSize) * 3072 * 2), argument: 'trainSize', what: `${c.trainSize + c.valSize} images of 32×32×3` }),
});

export type AugmentEffectOptions = OptionsOf<typeof EFFECT_OPTIONS.fields>;
export type AugmentEffectConfig = ReturnType<typeof EFFECT_OPTIONS.resolve>;

/** One run: accuracies after every epoch (epoch 0: before training). */
export interface EffectRun {
  name: EffectRunName;
  ops: string[];
  epochs: { epoch: number; loss: number | null; trainAcc: number; valAcc: number; gap: number }[];
  finalTrainAcc: number;
  finalValAcc: number;
  finalGap: number;
  /** Validation accuracy with test-time augmentation (null with tta 'off'). */
  ttaValAcc: number | null;
}

export interface AugmentEffectRecord {
  experiment: 'regularizationAugmentEffect';
  options: AugmentEffectConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  data: { dataset: string; trainRows: number; valRows: number };
  runs: EffectRun[];
  meta: { ms: number };
}

/** Accuracy of `predict` on a batch tensor, in chunks of 256: a number in [0, 1]. */
function accuracyOn(predict: (x: tf.Tensor4D) => tf.Tensor2D, x: tf.Tensor4D, y: Int32Array): number {
  let right = 0;
  for (let start = 0; start < y.length; start += 256) {
    const count = Math.min(256, y.length - start);
    const guess = tf.tidy(() => predict(x.slice([start, 0, 0, 0], [count, -1, -1, -1])).argMax(1).dataSync());
    for (let i = 0; i < count; i++) if (guess[i] === y[start + i]) right++;
  }
  return right / y.length;
}

/**
 * Trains the small CNN with and without augmentation; see the module comment.
 *
 * @example
 * const r = await nn.regularization.augmentEffect({ epochs: 12, seed: 1 });
 * r.runs[0].finalGap > r.runs[1].finalGap   // true: augmentation narrows the gap
 */
export async function augmentEffect(options: AugmentEffectOptions = {}, source: AugmentSource = {}): Promise<AugmentEffectRecord> {
  const started = performance.now();
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  const { config, progress } = EFFECT_OPTIONS.take(isObject ? withQuickPreset<AugmentEffectOptions>(options, EFFECT_QUICK) : options);
  const ds = await (source.load ?? loadDataset)(config.dataset, { split: 'train' });
  if (ds.height !== 32 || ds.width !== 32 || ds.channels !== 3) throw new ArgumentError('dataset', config.dataset, 'a dataset of 32×32 RGB images');
  if (config.trainSize + config.valSize > ds.count) throw new ArgumentError('trainSize', config.trainSize, `at most ${ds.count - config.valSize} with valSize ${config.valSize}: the training split holds ${ds.count} images`);
  const seeds = seedStream(config.seed);
  const order = shuffle(Array.from({ length: ds.count }, (_, i) => i), mulberry32(seeds.derive('train/val')));
  const valIdx = order.slice(0, config.valSize);
  const trainIdx = order.slice(config.valSize, config.valSize + config.trainSize);
  const yTrain = Int32Array.from(trainIdx, (i) => ds.labels[i]);
  const yVal = Int32Array.from(valIdx, (i) => ds.labels[i]);
  const xTrain = imageBatch(ds, trainIdx);
  const xVal = imageBatch(ds, valIdx);
  const yTrainT = tf.tensor1d(yTrain, 'int32');
  const perEpoch = Math.ceil(config.trainSize / config.batchSize);
  const total = 2 * config.epochs * perEpoch;
  const bar = experimentProgress(progress, {
    label: 'regularization.augmentEffect',
    chart: { metric: 'valAcc', title: 'Validation accuracy after each epoch', xTitle: 'epoch', yTitle: 'accuracy', series: [...EFFECT_RUNS] },
  });
  const runs: EffectRun[] = [];
  try {
    for (const [k, name] of EFFECT_RUNS.entries()) {
      const ops = name === 'augmented' ? config.ops : [];
      const net: SmallCnn = createSmallCnn({ seed: seeds.derive('net') });
      const optimizer = createOptimizer(config.optimizer, { lr: config.lr });
      const augmentSeeds = seedStream(seeds.derive('augment'));
      const orderSeeds = seedStream(seeds.derive('order'));
      try {
        const result = await train({
          step: (batch, at) => {
            // the update outside tidy: the optimizer's state tensors live on between steps
            const { loss, grads } = tf.tidy(() => {
              const idx = tf.tensor1d(batch, 'int32');
              const clean = xTrain.gather(idx) as tf.Tensor4D;
              const x = ops.length ? augment(clean, ops, augmentSeeds.derive(`step ${at.step}`)) : clean;
              const out = net.lossAndGrads(x, yTrainT.gather(idx) as tf.Tensor1D);
              return { loss: out.loss, grads: out.grads };
            });
            optimizer.apply(net.variables, grads);
            tf.dispose(grads);
            return loss;
          },
        }, { count: config.trainSize }, {
          epochs: config.epochs, batchSize: config.batchSize, order: (e) => mulberry32(orderSeeds.derive(`epoch ${e}`)), evaluateFirst: true,
          evaluate: () => ({ trainAcc: accuracyOn(net.scores, xTrain, yTrain), valAcc: accuracyOn(net.scores, xVal, yVal) }),
          progress: (e) => bar.report(e), phase: name, progressOffset: k * config.epochs * perEpoch, progressTotal: total,
        });
        const epochs = result.epochs.map((e) => ({ epoch: e.epoch, loss: e.loss, trainAcc: e.metrics.trainAcc, valAcc: e.metrics.valAcc, gap: e.metrics.trainAcc - e.metrics.valAcc }));
        const last = epochs[epochs.length - 1];
        const ttaValAcc = config.tta === 'on' ? accuracyOn((x) => ttaPredict(net.scores, x, { pad: 2, flip: true }), xVal, yVal) : null;
        runs.push({ name, ops: [...ops], epochs, finalTrainAcc: last.trainAcc, finalValAcc: last.valAcc, finalGap: last.gap, ttaValAcc });
      } finally {
        net.dispose();
        optimizer.dispose();
      }
    }
  } finally {
    tf.dispose([xTrain, xVal, yTrainT]);
    bar.finish();
  }
  return {
    experiment: 'regularizationAugmentEffect', options: config, ...provenance(),
    data: { dataset: config.dataset, trainRows: config.trainSize, valRows: config.valSize }, runs, meta: { ms: performance.now() - started },
  };
}
