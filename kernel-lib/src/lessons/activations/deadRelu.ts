/**
 * Dead ReLUs, measured on MNIST (lesson 01): a unit is dead when its pre-activation z = x·W₁ + b₁
 * is ≤ 0 for every image of the training subset. Then relu'(z) = 0 everywhere, no gradient ever
 * reaches its weights, and it stays dead. A net 784 → hidden → 10 (softmax), pixels scaled to
 * [0, 1], in three setups with ReLU:
 *
 *   (a) at init, with a large negative bias b₁ = `bias` (no training);
 *   (b) after training with a too-large learning rate `lr` (b₁ = 0);
 *   (c) after training with a sane learning rate `saneLr` (b₁ = 0);
 *
 * and (b) again with Leaky ReLU (α = 0.01) and ELU (α = 1), whose negative side still passes a
 * gradient (α or αeᶻ), so a unit pushed below 0 can come back. For them "dead" means the same
 * thing (z ≤ 0 on every image), which for these functions is a unit that is not lost.
 *
 * ELU trains with tfjs's `tf.elu` (α = 1, the same function as `nets/activations`' `elu(x, 1)`,
 * whose `tf.where(x > 0, …)` form has no gradient through the comparison in tfjs's autodiff).
 * Measured (seed 0, 2,000 images, 100 hidden units, 3 epochs, wasm): (a) bias −3: 100 of 100 units
 * dead; (b) lr 5: 99 dead, training accuracy 11%; (c) lr 0.1: 0 dead, 90%. Under (b) Leaky ReLU
 * leaves 82 units never positive but none without a gradient (the loss blew up to 1e27 all the
 * same); ELU 99 never positive and 55 without a gradient, their z so negative that eᶻ underflowed.
 * A too-large learning rate is the real culprit; Leaky ReLU keeps the units reachable, not the
 * training sane.
 *
 * W₁ is He-initialized, W₂ Glorot; plain SGD on mini-batches through `nets/train`; the images are
 * the first `trainSize` of MNIST's training split.
 *
 * @example
 * const r = await nn.activations.deadRelu();
 * r.runs.map((run) => [run.setup, run.activation, run.deadFraction])
 * nn.activations.showDeadRelu(r);
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../../core/errors';
import { withQuickPreset } from '../../core/config';
import { defineOptions, float32Bytes, int, number, seed } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import { loadDataset } from '../../data/load';
import type { ImageDataset } from '../../data/load';
import { eluGrad, leakyRelu, leakyReluGrad, relu, reluGrad } from '../../nets/activations';
import { initValues } from '../../nets/init';
import { train } from '../../nets/train';
import { experimentProgress } from '../../show/progress';

/** Defaults of {@link deadRelu}. */
export const DEAD_DEFAULTS = {
  trainSize: 2000, hidden: 100, epochs: 3, batchSize: 50, bias: -3, lr: 5, saneLr: 0.1, seed: 0,
} as const;

/** Quick mode: 500 images, 2 epochs. */
export const DEAD_QUICK = { trainSize: 500, epochs: 2 } as const;

/** The options of {@link deadRelu}, declared once (core/options.ts). */
export const DEAD_FIELDS = {
  /** Images of MNIST's training split (the first ones). */
  trainSize: int({ min: 10, max: 60_000, default: DEAD_DEFAULTS.trainSize }),
  /** Hidden units. */
  hidden: int({ min: 1, max: 4096, default: DEAD_DEFAULTS.hidden }),
  epochs: int({ min: 1, max: 100, default: DEAD_DEFAULTS.epochs }),
  batchSize: int({ min: 1, max: 60_000, default: DEAD_DEFAULTS.batchSize }),
  /** The hidden bias of setup (a). */
  bias: number({ min: -100, max: 100, default: DEAD_DEFAULTS.bias }),
  /** The too-large learning rate of setup (b). */
  lr: number({ min: 1e-6, max: 1000, default: DEAD_DEFAULTS.lr }),
  /** The learning rate of setup (c). */
  saneLr: number({ min: 1e-6, max: 1000, default: DEAD_DEFAULTS.saneLr }),
  seed: seed({ default: DEAD_DEFAULTS.seed }),
};

/**
 * Most multiply-adds one run of {@link deadRelu} may take: its four trainings of a 784-hidden-10
 * net (forward and backward, about 3 x the forward's) plus the dead-unit counts. The defaults
 * take 7e9 (about 4 s on wasm); the cap is 40 times that, a few minutes: larger sizes are refused
 * before MNIST loads, not left running.
 */
export const DEAD_MAX_WORK = 3e11;

/** Multiply-adds of a run: four trainings and five passes over the images to count dead units. */
export function deadWork(c: { trainSize: number; hidden: number; epochs: number }): number {
  const perImage = (784 + 10) * c.hidden;
  return 4 * 3 * c.epochs * c.trainSize * perImage + 5 * c.trainSize * perImage;
}

export const DEAD_OPTIONS = defineOptions('activations.deadRelu', DEAD_FIELDS, {
  rules(c, given) {
    const work = deadWork(c);
    if (work > DEAD_MAX_WORK) {
      const argument = ['trainSize', 'hidden', 'epochs'].filter((k) => k in given).pop() ?? 'trainSize';
      throw new ArgumentError(argument, c[argument as 'trainSize'], '', `${argument} is too large: activations.deadRelu would take ` +
        `${work.toExponential(1)} multiply-adds (trainSize ${c.trainSize} x hidden ${c.hidden} x epochs ${c.epochs}, four trainings), ` +
        `over its limit of ${DEAD_MAX_WORK.toExponential(0)} (a few minutes on wasm); lower trainSize, hidden or epochs`);
    }
  },
  // peak: the images as float32 rows, one hidden layer's pre-activations for all of them, the weights
  memory: (c) => ({
    bytes: float32Bytes(c.trainSize * (784 + 10) + 2 * c.trainSize * c.hidden + 3 * (784 + 11) * c.hidden),
    argument: 'trainSize', what: `${c.trainSize} images and ${c.hidden} hidden units`,
  }),
});

/** Options of {@link deadRelu}. */
export interface DeadReluOptions {
  trainSize?: number; hidden?: number; epochs?: number; batchSize?: number; bias?: number; lr?: number; saneLr?: number; seed?: number;
  /** Live progress (per step, each run a phase); never recorded. */
  progress?: ProgressOption;
}

export type DeadReluConfig = ReturnType<typeof DEAD_OPTIONS.resolve>;

export const DEAD_ACTIVATIONS = ['relu', 'leakyRelu', 'elu'] as const;
export type DeadActivation = typeof DEAD_ACTIVATIONS[number];
const KERNELS: Readonly<Record<DeadActivation, (x: tf.Tensor) => tf.Tensor>> = {
  relu, leakyRelu: (x) => leakyRelu(x, 0.01), elu: (x) => tf.elu(x),
};
const LABELS: Readonly<Record<DeadActivation, string>> = { relu: 'ReLU', leakyRelu: 'Leaky ReLU (α = 0.01)', elu: 'ELU (α = 1)' };

/** The setups: (a) negative bias at init, (b) too-large lr, (c) sane. */
export type DeadSetup = 'a: negative bias at init' | 'b: too-large lr' | 'c: sane';

/** The trained runs, in order. */
const TRAINED: readonly [DeadSetup, DeadActivation][] = [['b: too-large lr', 'relu'], ['c: sane', 'relu'], ['b: too-large lr', 'leakyRelu'], ['b: too-large lr', 'elu']];

function runName(setup: DeadSetup, activation: DeadActivation): string {
  return `${setup}, ${LABELS[activation]}`;
}

/** One run. */
export interface DeadRun {
  setup: DeadSetup;
  activation: DeadActivation;
  label: string;
  bias: number;
  /** The learning rate, or null when the run is not trained (setup a). */
  lr: number | null;
  /** Hidden units with z ≤ 0 on every training image, and their fraction of `hidden`. */
  deadUnits: number;
  deadFraction: number;
  /**
   * Units whose local gradient f'(z) is 0 in float32 on every training image: no gradient can
   * reach their weights. Equal to deadUnits for ReLU; 0 for Leaky ReLU (f' ≥ α); for ELU the units
   * whose z is so negative on every image that αeᶻ underflows (z < −103).
   */
  noGradientUnits: number;
  /** Dead units before training (same init and bias). */
  deadAtInit: number;
  /** Mean training loss of each epoch (empty for setup a). */
  epochLosses: number[];
  /** The step whose loss was not finite, or null. */
  divergedAt: number | null;
  /** Accuracy on the training images after the run. */
  accuracy: number;
}

/** What {@link deadRelu} returns: plain JSON. */
export interface DeadReluRecord {
  experiment: 'activationDeadRelu';
  options: DeadReluConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  data: { dataset: string; images: number; note: string | null };
  runs: DeadRun[];
  meta: { ms: number };
}

/** Images to use instead of MNIST (tests); never recorded. */
export interface DeadReluSource { dataset?: ImageDataset }

/**
 * The dead-ReLU experiment; see the module comment.
 *
 * @example
 * const r = await nn.activations.deadRelu({ bias: -5, lr: 10 });
 * r.runs.find((run) => run.setup === 'c: sane')?.deadFraction   // about 0
 */
export async function deadRelu(options: DeadReluOptions = {}, source: DeadReluSource = {}): Promise<DeadReluRecord> {
  const started = performance.now();
  // the quick preset applies to an object of options; anything else goes to take() as given, which names it
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  const { config, progress } = DEAD_OPTIONS.take(isObject ? withQuickPreset<DeadReluOptions>(options, DEAD_QUICK) : options);
  const bar = experimentProgress(progress, {
    label: 'activations.deadRelu',
    chart: { metric: 'loss', title: 'Training loss per setup', xTitle: 'step', yTitle: 'cross-entropy', series: TRAINED.map(([setup, activation]) => runName(setup, activation)), yScale: 'log' },
  });
  try {
    const ds = source.dataset ?? await loadDataset('mnist', { split: 'train', allowPartial: true });
    const n = Math.min(config.trainSize, ds.count);
    const { X, Y } = imageRows(ds, n);
    try {
      const setups: [DeadSetup, DeadActivation, number, number | null][] = [
        ['a: negative bias at init', 'relu', config.bias, null],
        ...TRAINED.map(([setup, activation]): [DeadSetup, DeadActivation, number, number] => [setup, activation, 0, setup === 'c: sane' ? config.saneLr : config.lr]),
      ];
      const steps = Math.ceil(n / config.batchSize) * config.epochs;
      const total = steps * setups.filter((s) => s[3] !== null).length;
      const runs: DeadRun[] = [];
      let offset = 0;
      for (const [setup, activation, bias, lr] of setups) {
        runs.push(await runOne(setup, activation, bias, lr, X, Y, config, (e) => bar.report(e), offset, total));
        if (lr !== null) offset += steps;
      }
      return {
        experiment: 'activationDeadRelu', options: config, ...provenance(),
        data: { dataset: ds.name, images: n, note: ds.note ?? null }, runs, meta: { ms: performance.now() - started },
      };
    } finally {
      tf.dispose([X, Y]);
    }
  } finally {
    bar.finish();
  }
}

/** The first n images as float32 rows in [0, 1] and their one-hot labels (also the race's). */
export function imageRows(ds: ImageDataset, n: number): { X: tf.Tensor2D; Y: tf.Tensor2D } {
  const size = ds.height * ds.width * ds.channels;
  const pixels = new Float32Array(n * size);
  for (let i = 0; i < n * size; i++) pixels[i] = ds.images[i] / 255;
  const X = tf.tensor2d(pixels, [n, size]);
  const Y = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from(ds.labels.subarray(0, n)), 'int32'), ds.classNames.length).toFloat() as tf.Tensor2D);
  return { X, Y };
}

async function runOne(setup: DeadSetup, activation: DeadActivation, bias: number, lr: number | null, X: tf.Tensor2D, Y: tf.Tensor2D,
  config: DeadReluConfig, report: (e: { done: number; total: number; phase: string; metrics: Record<string, number> }) => void,
  offset: number, total: number): Promise<DeadRun> {
  const [n, d] = X.shape;
  const classes = Y.shape[1];
  const seeds = seedStream(config.seed);   // one init for every run: the runs differ by setup only
  // tf.variable keeps its initial tensor alive: create each inside tidy so only the variable remains
  const W1 = tf.tidy(() => tf.variable(tf.tensor2d(initValues('he', [d, config.hidden], seeds.derive('W1')), [d, config.hidden])));
  const b1 = tf.tidy(() => tf.variable(tf.fill([config.hidden], bias)));
  const W2 = tf.tidy(() => tf.variable(tf.tensor2d(initValues('glorot', [config.hidden, classes], seeds.derive('W2')), [config.hidden, classes])));
  const b2 = tf.tidy(() => tf.variable(tf.zeros([classes])));
  const f = KERNELS[activation];
  const optimizer = lr === null ? null : tf.train.sgd(lr);
  try {
    const deadAtInit = await deadCount(X, W1, b1);
    let epochLosses: number[] = [];
    let divergedAt: number | null = null;
    if (optimizer) {
      const order = seedStream(config.seed).fork('order');
      const result = await train({
        step: (batch) => optimizer.minimize(() => tf.tidy(() => {
          const idx = tf.tensor1d(batch, 'int32');
          const scores = tf.add(tf.matMul(f(tf.add(tf.matMul(X.gather(idx), W1), b1)), W2), b2);
          return tf.losses.softmaxCrossEntropy(Y.gather(idx), scores) as tf.Scalar;
        }), true) ?? undefined,
      }, { count: n }, {
        epochs: config.epochs, batchSize: config.batchSize, order: () => order.random(), onDiverge: 'stop',
        progress: report, phase: runName(setup, activation), progressOffset: offset, progressTotal: total,
      });
      epochLosses = result.epochs.map((e) => e.loss ?? NaN);
      divergedAt = result.divergedAt;
    }
    const deadUnits = await deadCount(X, W1, b1);
    const noGradientUnits = await noGradientCount(X, W1, b1, GRADS[activation]);
    const accuracy = await accuracyOn(X, Y, W1, b1, W2, b2, f);
    return {
      setup, activation, label: LABELS[activation], bias, lr, deadUnits, deadFraction: deadUnits / config.hidden, deadAtInit, noGradientUnits,
      epochLosses, divergedAt, accuracy,
    };
  } finally {
    optimizer?.dispose();
    tf.dispose([W1, b1, W2, b2]);
  }
}

const GRADS: Readonly<Record<DeadActivation, (z: tf.Tensor) => tf.Tensor>> = {
  relu: reluGrad, leakyRelu: (z) => leakyReluGrad(z, 0.01), elu: (z) => eluGrad(z, 1),
};

/** Hidden units whose f'(z) is 0 on every row of X. */
async function noGradientCount(X: tf.Tensor2D, W1: tf.Tensor, b1: tf.Tensor, grad: (z: tf.Tensor) => tf.Tensor): Promise<number> {
  const carries = tf.tidy(() => tf.any(tf.notEqual(grad(tf.add(tf.matMul(X, W1), b1)), 0), 0));
  const v = await carries.data();
  carries.dispose();
  let none = 0;
  for (const c of v) if (!c) none++;
  return none;
}

/** Hidden units whose pre-activation is ≤ 0 (or not a number) on every row of X. */
async function deadCount(X: tf.Tensor2D, W1: tf.Tensor, b1: tf.Tensor): Promise<number> {
  const alive = tf.tidy(() => tf.any(tf.greater(tf.add(tf.matMul(X, W1), b1), 0), 0));
  const v = await alive.data();
  alive.dispose();
  let dead = 0;
  for (const a of v) if (!a) dead++;
  return dead;
}

async function accuracyOn(X: tf.Tensor2D, Y: tf.Tensor2D, W1: tf.Tensor, b1: tf.Tensor, W2: tf.Tensor, b2: tf.Tensor, f: (x: tf.Tensor) => tf.Tensor): Promise<number> {
  const correct = tf.tidy(() => {
    const scores = tf.add(tf.matMul(f(tf.add(tf.matMul(X, W1), b1)), W2), b2);
    return tf.mean(tf.cast(tf.equal(tf.argMax(scores, 1), tf.argMax(Y, 1)), 'float32'));
  });
  const v = (await correct.data())[0];
  correct.dispose();
  return v;
}
