/**
 * The training race (lesson 01): one net, one dataset, one seed, one batch order, one learning
 * rate, and only the hidden activation (with its matching init) changes. A 784 → width × `layers`
 * → 10 softmax classifier on MNIST (pixels in [0, 1]), plain SGD on mini-batches through
 * `nets/train`; the loss of every step, the mean loss of every epoch and the accuracy on held-out
 * test images after every epoch.
 *
 * | activation  | init         | how it trains                                              |
 * |-------------|--------------|------------------------------------------------------------|
 * | sigmoid     | Xavier       | `tf.sigmoid`                                               |
 * | tanh        | Xavier       | `tf.tanh`                                                  |
 * | ReLU        | He           | `tf.relu`                                                  |
 * | Leaky ReLU  | He           | `tf.leakyRelu`, α = 0.01                                   |
 * | ELU         | He           | `tf.elu`, α = 1                                            |
 * | SELU        | LeCun normal | `tf.selu` (Klambauer et al.'s λ and α)                     |
 * | GELU        | He           | `nets/activations` `gelu` and `geluGrad` (exact x·Φ(x))    |
 * | Maxout      | Xavier       | max of two affine maps per unit (twice the weights)        |
 *
 * The tf ops are the same functions as `nets/activations` (tested against them in
 * test/activations.test.ts); training uses them because their gradients are tfjs's own.
 *
 * What the lecture advises, and what a student can check here: use ReLU (with a careful learning
 * rate); try Leaky ReLU, ELU, SELU, Maxout, GELU; do not expect much from tanh; do not use sigmoid
 * in hidden layers. Measured (wasm, defaults, seeds 0 to 4): sigmoid's last-epoch loss is the
 * highest of the eight in every seed (about 2.1 against 0.2 to 0.3 for ReLU and its family) and its
 * test accuracy the lowest; that ordering is what the lesson's check asserts, not the order among
 * the ReLU family, which changes with the seed.
 *
 * @example
 * const r = await nn.activations.race({ activations: ['sigmoid', 'relu'] });
 * r.runs.map((run) => [run.label, run.testAccuracy])
 * nn.activations.showRace(r);
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../../core/errors';
import { withQuickPreset } from '../../core/config';
import { defineOptions, float32Bytes, int, list, number, oneOf, seed } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import { loadDataset } from '../../data/load';
import type { ImageDataset } from '../../data/load';
import { gelu, geluGrad } from '../../nets/activations';
import { initValues } from '../../nets/init';
import { train } from '../../nets/train';
import { experimentProgress } from '../../show/progress';
import { imageRows as rows } from './deadRelu';

/** The activations of the race, in the order they are drawn. */
export const RACE_ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leakyRelu', 'elu', 'selu', 'gelu', 'maxout'] as const;
export type RaceActivation = typeof RACE_ACTIVATIONS[number];

/** Each activation's name, its matching init, and what the lecture advises about it. */
export const RACE_ENTRANTS: Readonly<Record<RaceActivation, { label: string; init: 'xavier' | 'he'; initLabel: string; advice: string }>> = {
  sigmoid: { label: 'sigmoid', init: 'xavier', initLabel: 'Xavier', advice: 'don\'t use in hidden layers' },
  tanh: { label: 'tanh', init: 'xavier', initLabel: 'Xavier', advice: 'try it, but don\'t expect much' },
  relu: { label: 'ReLU', init: 'he', initLabel: 'He', advice: 'use it (be careful with the learning rate)' },
  leakyRelu: { label: 'Leaky ReLU', init: 'he', initLabel: 'He', advice: 'try it' },
  elu: { label: 'ELU', init: 'he', initLabel: 'He', advice: 'try it' },
  selu: { label: 'SELU', init: 'xavier', initLabel: 'LeCun normal', advice: 'try it' },
  gelu: { label: 'GELU', init: 'he', initLabel: 'He', advice: 'try it' },
  maxout: { label: 'Maxout', init: 'xavier', initLabel: 'Xavier', advice: 'try it (twice the weights)' },
};

/** The datasets the race can run on (28 × 28 grey images, ten classes). */
export const RACE_DATASETS = ['mnist', 'fashion-mnist'] as const;

/** Defaults of {@link race}. */
export const RACE_DEFAULTS = {
  dataset: 'mnist', trainSize: 2000, testSize: 1000, layers: 4, width: 64, epochs: 5, batchSize: 50, lr: 0.05,
  activations: RACE_ACTIVATIONS, seed: 0,
} as const;

/** Quick mode: 600 training images, 3 epochs. */
export const RACE_QUICK = { trainSize: 600, testSize: 500, epochs: 3 } as const;

/** The options of {@link race}, declared once (core/options.ts). */
export const RACE_FIELDS = {
  dataset: oneOf(RACE_DATASETS, { default: RACE_DEFAULTS.dataset }),
  /** Images of the training split (the first ones). */
  trainSize: int({ min: 10, max: 60_000, default: RACE_DEFAULTS.trainSize }),
  /** Images of the test split (the first ones), for the accuracy after each epoch. */
  testSize: int({ min: 10, max: 10_000, default: RACE_DEFAULTS.testSize }),
  /** Hidden layers. */
  layers: int({ min: 1, max: 20, default: RACE_DEFAULTS.layers }),
  /** Units per hidden layer. */
  width: int({ min: 1, max: 2048, default: RACE_DEFAULTS.width }),
  epochs: int({ min: 1, max: 100, default: RACE_DEFAULTS.epochs }),
  batchSize: int({ min: 1, max: 60_000, default: RACE_DEFAULTS.batchSize }),
  lr: number({ min: 1e-6, max: 100, default: RACE_DEFAULTS.lr }),
  activations: list(oneOf(RACE_ACTIVATIONS), { minLength: 1, maxLength: RACE_ACTIVATIONS.length, unique: true, default: RACE_DEFAULTS.activations }),
  seed: seed({ default: RACE_DEFAULTS.seed }),
};

/**
 * Most multiply-adds one race may take. The defaults take 2e10 (eight trainings, about 8 s on
 * wasm); the cap is 25 times that, a few minutes: larger races are refused before MNIST loads.
 */
export const RACE_MAX_WORK = 5e11;

/** Multiply-adds of a race: each training's forward and backward (3 x forward), plus the test passes. */
export function raceWork(c: { trainSize: number; testSize: number; layers: number; width: number; epochs: number; activations: readonly string[] }): number {
  const perImage = 784 * c.width + (c.layers - 1) * c.width * c.width + c.width * 10;
  const runs = c.activations.reduce((s, a) => s + (a === 'maxout' ? 2 : 1), 0);
  return runs * perImage * c.epochs * (3 * c.trainSize + c.testSize);
}

export const RACE_OPTIONS = defineOptions('activations.race', RACE_FIELDS, {
  rules(c, given) {
    const work = raceWork(c);
    if (work > RACE_MAX_WORK) {
      const argument = ['trainSize', 'width', 'layers', 'epochs', 'testSize'].filter((k) => k in given).pop() ?? 'trainSize';
      throw new ArgumentError(argument, c[argument as 'trainSize'], '', `${argument} is too large: activations.race would take ` +
        `${work.toExponential(1)} multiply-adds (trainSize ${c.trainSize}, ${c.layers} layers of ${c.width}, ${c.epochs} epochs, ` +
        `${c.activations.length} activations), over its limit of ${RACE_MAX_WORK.toExponential(0)} (a few minutes on wasm); lower one of them`);
    }
  },
  // peak: the images as float32 rows, the weights (twice for maxout) with their gradients, one batch's activations
  memory: (c) => ({
    bytes: float32Bytes((c.trainSize + c.testSize) * (784 + 10) + 6 * (784 * c.width + c.layers * c.width * c.width + 10 * c.width) +
      4 * c.layers * Math.max(c.batchSize, c.testSize) * c.width),
    argument: 'trainSize', what: `${c.trainSize} + ${c.testSize} images and ${c.layers} layers of ${c.width} units`,
  }),
});

/** Options of {@link race}. */
export interface RaceOptions {
  dataset?: typeof RACE_DATASETS[number]; trainSize?: number; testSize?: number; layers?: number; width?: number;
  epochs?: number; batchSize?: number; lr?: number; activations?: readonly RaceActivation[]; seed?: number;
  /** Live progress (per step, each activation a phase, with a live loss chart); never recorded. */
  progress?: ProgressOption;
}

export type RaceConfig = ReturnType<typeof RACE_OPTIONS.resolve>;

/** One activation's run. */
export interface RaceRun {
  activation: RaceActivation;
  label: string;
  /** The matching init's name (Xavier, He, LeCun normal). */
  init: string;
  /** The lecture's advice about this activation. */
  advice: string;
  /** Parameters of the net (Maxout's are about twice the others'). */
  parameters: number;
  /** The loss of every step. */
  stepLosses: number[];
  /** Mean training loss of each epoch. */
  epochLosses: number[];
  /** Test accuracy before training (epoch 0) and after each epoch. */
  testAccuracy: number[];
  /** Accuracy on the training images after the last epoch. */
  trainAccuracy: number;
  /** The step whose loss was not finite, or null. */
  divergedAt: number | null;
  /** 1 for the best final test accuracy. */
  rank: number;
}

/** What {@link race} returns: plain JSON. */
export interface RaceRecord {
  experiment: 'activationRace';
  options: RaceConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  data: { dataset: string; trainImages: number; testImages: number; note: string | null };
  runs: RaceRun[];
  meta: { ms: number };
}

/** Images to use instead of the dataset's files (tests); never recorded. */
export interface RaceSource { train?: ImageDataset; test?: ImageDataset }

/**
 * The training race; see the module comment. Every run starts from the same normal draws (scaled
 * by its init's std) and sees the same batches in the same order.
 *
 * @example
 * const r = await nn.activations.race();
 * r.runs.find((run) => run.activation === 'sigmoid')?.rank   // 8: last
 */
export async function race(options: RaceOptions = {}, source: RaceSource = {}): Promise<RaceRecord> {
  const started = performance.now();
  // the quick preset applies to an object of options; anything else goes to take() as given, which names it
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  const { config, progress } = RACE_OPTIONS.take(isObject ? withQuickPreset<RaceOptions>(options, RACE_QUICK) : options);
  const bar = experimentProgress(progress, {
    label: 'activations.race',
    chart: { metric: 'loss', title: 'Training loss per activation', xTitle: 'step', yTitle: 'cross-entropy', series: config.activations.map((a) => RACE_ENTRANTS[a].label) },
  });
  try {
    const trainSet = source.train ?? await loadDataset(config.dataset, { split: 'train', allowPartial: true });
    const testSet = source.test ?? await loadDataset(config.dataset, { split: 'test', allowPartial: true });
    for (const [name, ds] of [['train', trainSet], ['test', testSet]] as const) {
      if (ds.height * ds.width * ds.channels !== 784) throw new ArgumentError(`source.${name}`, `${ds.height}x${ds.width}x${ds.channels} images`, '28x28x1 images');
    }
    const nTrain = Math.min(config.trainSize, trainSet.count);
    const nTest = Math.min(config.testSize, testSet.count);
    const tr = rows(trainSet, nTrain);
    const te = rows(testSet, nTest);
    try {
      const steps = Math.ceil(nTrain / config.batchSize) * config.epochs;
      const total = steps * config.activations.length;
      const runs: Omit<RaceRun, 'rank'>[] = [];
      for (const [i, activation] of config.activations.entries()) {
        runs.push(await runOne(activation, tr, te, config, (e) => bar.report(e), i * steps, total));
      }
      const finals = runs.map((r) => r.testAccuracy[r.testAccuracy.length - 1]);
      const ranked = runs.map((r, i) => ({ ...r, rank: 1 + finals.filter((a) => a > finals[i]).length }));
      const notes = [trainSet.note, testSet.note].filter((n): n is string => Boolean(n));
      return {
        experiment: 'activationRace', options: config, ...provenance(),
        data: { dataset: trainSet.name, trainImages: nTrain, testImages: nTest, note: notes.length ? notes.join('; ') : null },
        runs: ranked, meta: { ms: performance.now() - started },
      };
    } finally {
      tf.dispose([tr.X, tr.Y, te.X, te.Y]);
    }
  } finally {
    bar.finish();
  }
}

/**
 * GELU with its derivative from `nets/activations` as the gradient: tfjs's autodiff has no
 * gradient for the comparison inside `normalCdf`'s `tf.where`.
 */
const geluWithGrad = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return { value: gelu(x), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, geluGrad(saved[0])) };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

const KERNELS: Readonly<Record<Exclude<RaceActivation, 'maxout'>, (x: tf.Tensor) => tf.Tensor>> = {
  sigmoid: tf.sigmoid, tanh: tf.tanh, relu: tf.relu, leakyRelu: (x) => tf.leakyRelu(x, 0.01), elu: tf.elu, selu: tf.selu, gelu: geluWithGrad,
};

/** One hidden layer's parameters: one affine map, or two for Maxout. */
interface Layer { W: tf.Variable; b: tf.Variable; W2?: tf.Variable; b2?: tf.Variable }

async function runOne(activation: RaceActivation, tr: { X: tf.Tensor2D; Y: tf.Tensor2D }, te: { X: tf.Tensor2D; Y: tf.Tensor2D },
  config: RaceConfig, report: (e: { done: number; total: number; phase: string; metrics: Record<string, number> }) => void,
  offset: number, total: number): Promise<Omit<RaceRun, 'rank'>> {
  const entrant = RACE_ENTRANTS[activation];
  const seeds = seedStream(config.seed);   // the same draws for every activation: the runs differ by activation and init only
  const variable = (shape: [number, number], name: string, init: 'xavier' | 'he' | 'glorot') =>
    tf.tidy(() => tf.variable(tf.tensor2d(initValues(init, shape, seeds.derive(name)), shape)));
  const bias = (n: number) => tf.tidy(() => tf.variable(tf.zeros([n])));
  const hidden: Layer[] = [];
  let out: { W: tf.Variable; b: tf.Variable } | null = null;
  const optimizer = tf.train.sgd(config.lr);
  try {
    for (let l = 0; l < config.layers; l++) {
      const shape: [number, number] = [l === 0 ? 784 : config.width, config.width];
      hidden.push({
        W: variable(shape, `W${l + 1}`, entrant.init), b: bias(config.width),
        ...(activation === 'maxout' ? { W2: variable(shape, `W${l + 1}'`, entrant.init), b2: bias(config.width) } : {}),
      });
    }
    out = { W: variable([config.width, 10], 'Wout', 'glorot'), b: bias(10) };
    const head = out;
    const forward = (X: tf.Tensor2D): tf.Tensor2D => {
      let h: tf.Tensor = X;
      for (const layer of hidden) {
        const z = tf.add(tf.matMul(h, layer.W), layer.b);
        h = activation === 'maxout' ? tf.maximum(z, tf.add(tf.matMul(h, layer.W2!), layer.b2!)) : KERNELS[activation](z);
      }
      return tf.add(tf.matMul(h, head.W), head.b) as tf.Tensor2D;
    };
    const accuracy = async (X: tf.Tensor2D, Y: tf.Tensor2D) => {
      const t = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(forward(X), 1), tf.argMax(Y, 1)), 'float32')));
      const v = (await t.data())[0];
      t.dispose();
      return v;
    };
    const order = seedStream(config.seed).fork('order');
    const result = await train({
      step: (batch) => optimizer.minimize(() => tf.tidy(() => {
        const idx = tf.tensor1d(batch, 'int32');
        return tf.losses.softmaxCrossEntropy(tr.Y.gather(idx), forward(tr.X.gather(idx) as tf.Tensor2D)) as tf.Scalar;
      }), true) ?? undefined,
    }, { count: tr.X.shape[0] }, {
      epochs: config.epochs, batchSize: config.batchSize, order: () => order.random(), onDiverge: 'stop',
      evaluate: async () => ({ testAccuracy: await accuracy(te.X, te.Y) }), evaluateFirst: true,
      progress: report, phase: entrant.label, progressOffset: offset, progressTotal: total,
    });
    const parameters = [...hidden.flatMap((l) => [l.W, l.b, l.W2, l.b2]), head.W, head.b].reduce((s, v) => s + (v ? v.size : 0), 0);
    return {
      activation, label: entrant.label, init: entrant.initLabel, advice: entrant.advice, parameters,
      stepLosses: result.losses, epochLosses: result.epochs.filter((e) => e.epoch > 0).map((e) => e.loss ?? NaN),
      testAccuracy: result.epochs.map((e) => e.metrics.testAccuracy), trainAccuracy: await accuracy(tr.X, tr.Y), divergedAt: result.divergedAt,
    };
  } finally {
    optimizer.dispose();
    tf.dispose(hidden.flatMap((l) => [l.W, l.b, ...(l.W2 ? [l.W2, l.b2!] : [])]));
    if (out) tf.dispose([out.W, out.b]);
  }
}
