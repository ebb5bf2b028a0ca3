/**
 * Dropout against overfitting (lesson 09): the MNIST MLP 784-512-512-512-10 (932,362 parameters)
 * trained on a small part of the training set, without dropout (p = 1) and with dropout after
 * every hidden layer (p = 0.5, "dropout 0.5" in Keras' drop-rate terms; {@link OVERFIT_LARGE} adds
 * p = 0.8), with train and validation loss and accuracy after every epoch.
 *
 * What a student should see: without dropout the training loss goes to ~0 and training accuracy
 * to 100 % while the validation loss turns around and climbs (memorising); with dropout the
 * training loss falls more slowly and the gap between validation and training loss is smaller.
 *
 * The training step is the cs231n one: forward with masks (netForward), softmax loss,
 * backward written out (netBackward), then Adam (or SGD with momentum). Every mask has its own sub-seed; all runs
 * start from the same weights and see the same batch order, so they differ only by p. Metrics
 * are computed in test mode (no masks) on the validation split and on as many training examples.
 *
 * The trainer (dense batches, the training step, evaluation) is mlp.ts. Quick mode
 * (`nnlab run --quick`, NNLAB_QUICK=1) applies {@link OVERFIT_QUICK}; explicit options win, so
 * `{...OVERFIT_LARGE}` runs the larger experiment in any mode.
 *
 * @example
 * const r = await nn.dropout.overfit({ ps: [1, 0.5], epochs: 10 }); // a live bar and validation-loss chart in a notebook
 * r.runs[0].epochs.at(-1) // {epoch: 10, trainLoss: 0.002, trainAcc: 1, valLoss: 0.31, valAcc: 0.95, ...}
 */
import { ArgumentError, checkInt, checkKnownKeys, checkNumber, checkOneOf } from '../../core/errors';
import { withQuickPreset } from '../../core/config';
import { ProgressOption, takeProgress } from '../../core/progress';
import { provenance } from '../../core/record';
import { checkSeed, mulberry32, seedStream } from '../../core/rng';
import { loadDataset } from '../../data/load';
import type { ImageDataset } from '../../data/load';
import { select, trainValSplit } from '../../data/transform';
import { stepsPerEpoch, train as trainLoop } from '../../nets/train';
import { ExperimentProgress, experimentProgress } from '../../show/progress';
import { checkKeepProbability, DropoutScheme, SCHEMES } from './dropout';
import {
  createMlpTrainer, DenseData, denseData, disposeMlpTrainer, MLP_OPTIMIZERS, MlpOptimizer, mlpBatchStep, mlpEvaluate, MNIST_MLP_SIZES,
} from './mlp';
import { netParameterCount } from './net';

/** Options of {@link overfit}. */
export interface OverfitOptions {
  /** Keep probabilities to compare; 1 = no dropout. */
  ps?: readonly number[];
  scheme?: DropoutScheme;
  /** Layer sizes [784, ..., 10]. */
  sizes?: readonly number[];
  /** Training and validation examples, split (seeded) from the first trainSize + valSize MNIST training images. */
  trainSize?: number;
  valSize?: number;
  epochs?: number;
  batchSize?: number;
  /** The update rule: Adam (β1 0.9, β2 0.999, the default) or SGD with momentum 0.9. */
  optimizer?: MlpOptimizer;
  /** The learning rate. */
  lr?: number;
  seed?: number;
  /**
   * Live progress: true, false or ({done, total, phase, metrics}) => void, done counting training
   * steps over all runs, phase the run's name (first, at done 0, {@link OVERFIT_LOADING} while the
   * images are read); per step metrics {loss, step}, per epoch
   * {epoch, trainLoss, trainAcc, valLoss, valAcc}. Never recorded.
   */
  progress?: ProgressOption;
}

/** The options after defaults and validation. */
export interface OverfitConfig {
  ps: number[];
  scheme: DropoutScheme;
  sizes: number[];
  trainSize: number;
  valSize: number;
  epochs: number;
  batchSize: number;
  optimizer: MlpOptimizer;
  lr: number;
  seed: number;
}


/**
 * Defaults: no dropout and p = 0.5; 2,000 training and 1,000 validation images; 10 epochs of Adam
 * (lr 1e-3, batch 128): 320 training steps, about 20 s per call (wasm, 1 thread; 20-23 s measured
 * in the lesson on 2 busy cores, up to 40 s under heavy load). Small enough that a lesson runs it
 * for two seeds, large enough that the net without dropout memorises its training images
 * (training loss ~0.002) while its validation loss climbs from its minimum.
 */
export const OVERFIT_DEFAULTS: OverfitConfig = {
  ps: [1, 0.5], scheme: 'inverted', sizes: [...MNIST_MLP_SIZES], trainSize: 2_000, valSize: 1_000,
  epochs: 10, batchSize: 128, optimizer: 'adam', lr: 1e-3, seed: 0,
};

/**
 * The larger run, one option away: `nn.dropout.overfit({...nn.dropout.OVERFIT_LARGE, seed})`.
 * Three keep probabilities (1, 0.8, 0.5), 10,000 training and 5,000 validation images, 15 epochs:
 * 11 times the training steps of the defaults: 4.5 minutes measured on 2 busy cores, more under
 * heavy load (`nnlab dropout-overfit --large` in a terminal).
 */
export const OVERFIT_LARGE: Partial<OverfitConfig> = { ps: [1, 0.8, 0.5], trainSize: 10_000, valSize: 5_000, epochs: 15 };

/** Quick mode (tests, live demos): a small subset and a few epochs; every step still runs. */
export const OVERFIT_QUICK: Partial<OverfitConfig> = { trainSize: 1_000, valSize: 500, epochs: 3 };

const OPTION_KEYS = ['ps', 'scheme', 'sizes', 'trainSize', 'valSize', 'epochs', 'batchSize', 'optimizer', 'lr', 'seed'] as const;

/** One epoch of one run, all metrics in test mode except `dropoutLoss`. */
export interface OverfitEpoch {
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  valLoss: number;
  valAcc: number;
  /** Mean training-time loss (with masks) over the epoch's steps. */
  dropoutLoss: number;
}

/** One run: its keep probability and the metrics of every epoch. */
export interface OverfitRun { p: number; epochs: OverfitEpoch[] }

/** What {@link overfit} returns: plain JSON. */
export interface OverfitRecord {
  experiment: 'dropoutOverfit';
  options: OverfitConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  parameters: number;
  /** Where the images came from (a note when only a truncated file was available). */
  data: { dataset: string; trainSize: number; valSize: number; evalTrainSize: number; note: string | null };
  runs: OverfitRun[];
  meta: { ms: number };
}

/** Where the images come from, when not MNIST (tests; other datasets of 784 pixels in 10 classes). Not an option: never recorded. */
export interface OverfitSource {
  /** Use these images instead of loading MNIST's training split. */
  data?: ImageDataset;
}

/** The progress phase while the images are read and split, before the first step (done = 0). */
export const OVERFIT_LOADING = 'loading the images';

/** The legend and progress name of a run: "no dropout (p = 1)" or "dropout p = 0.5". */
export function overfitRunName(p: number): string {
  return p === 1 ? 'no dropout (p = 1)' : `dropout p = ${p}`;
}

/** Validates options and fills in defaults (quick mode is applied before, by {@link overfit}). */
export function resolveOverfitOptions(options: Omit<OverfitOptions, 'progress'> = {}): OverfitConfig {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('options', options, 'an object');
  checkKnownKeys('dropout.overfit', options, [...OPTION_KEYS, 'progress']);
  const o = { ...OVERFIT_DEFAULTS, ...options };
  if (!Array.isArray(o.ps) || o.ps.length === 0) throw new ArgumentError('ps', o.ps, 'a non-empty array of keep probabilities in (0, 1]');
  if (!Array.isArray(o.sizes) || o.sizes.length < 2) throw new ArgumentError('sizes', o.sizes, 'an array [784, ..., 10] of layer sizes');
  const sizes = o.sizes.map((s, i) => checkInt(`sizes[${i}]`, s, { min: 1 }));
  if (sizes[0] !== 784 || sizes[sizes.length - 1] !== 10) throw new ArgumentError('sizes', o.sizes, 'layer sizes starting at 784 (28x28 pixels) and ending at 10 (classes)');
  return {
    ps: o.ps.map((p, i) => checkKeepProbability(`ps[${i}]`, p)),
    scheme: checkOneOf('scheme', o.scheme, SCHEMES),
    sizes,
    trainSize: checkInt('trainSize', o.trainSize, { min: 1 }),
    valSize: checkInt('valSize', o.valSize, { min: 1 }),
    epochs: checkInt('epochs', o.epochs, { min: 1, max: 1000 }),
    batchSize: checkInt('batchSize', o.batchSize, { min: 1, max: 60_000 }),
    optimizer: checkOneOf('optimizer', o.optimizer, MLP_OPTIMIZERS),
    lr: checkNumber('lr', o.lr, { min: Number.MIN_VALUE, max: 10 }),
    seed: checkSeed('seed', o.seed),
  };
}


/** Loads the training and validation parts: the first trainSize + valSize MNIST training images, split with a seed. */
async function loadSplit(config: OverfitConfig, seed: number, given?: ImageDataset): Promise<{ train: ImageDataset; val: ImageDataset; note: string | null }> {
  const ds = given ?? await loadDataset('mnist', { split: 'train', allowPartial: true });
  const need = config.trainSize + config.valSize;
  if (ds.count < need) {
    throw new ArgumentError('trainSize + valSize', need, `at most the ${ds.count} training images available${ds.note ? ` (${ds.note})` : ''}`);
  }
  const first = select(ds, Array.from({ length: need }, (_, i) => i));
  const { train, val } = trainValSplit(first, config.valSize / need, seed);
  return { train, val, note: ds.note ?? null };
}

/**
 * Runs the experiment: for each p, the same initial weights and batch order, `epochs` epochs of
 * Adam with dropout at every hidden layer, metrics after each epoch. Frees every tensor it makes.
 * In a kernel it draws a progress bar over all steps and a live chart of the validation loss,
 * one line per run. `source` replaces MNIST (tests).
 *
 * @example
 * // a small run on MNIST (the defaults: 2,000 / 1,000 images, 10 epochs; quick mode: 1,000 / 500, 3)
 * const r = await nn.dropout.overfit({ ps: [1, 0.5], sizes: [784, 128, 10], trainSize: 1000, valSize: 500, epochs: 3, seed: 1 });
 * console.log(r.runs.map((run) => run.epochs[run.epochs.length - 1].valLoss)); // one validation loss per p
 * nn.dropout.showOverfit(r);
 */
export async function overfit(options: OverfitOptions = {}, source: OverfitSource = {}): Promise<OverfitRecord> {
  const { options: rest, progress } = takeProgress(options);
  const config = resolveOverfitOptions(typeof rest === 'object' && rest !== null ? withQuickPreset<OverfitOptions>(rest, OVERFIT_QUICK) : rest);
  const bar = experimentProgress(progress, {
    label: 'dropout.overfit',
    chart: { metric: 'valLoss', title: 'Validation loss while training', xTitle: 'epoch', yTitle: 'cross-entropy', series: config.ps.map(overfitRunName) },
  });
  try {
    return await run(config, source, bar);
  } finally {
    bar.finish();
  }
}

async function run(config: OverfitConfig, source: OverfitSource, bar: ExperimentProgress): Promise<OverfitRecord> {
  const start = performance.now();
  const seeds = seedStream(config.seed);
  const perRun = config.epochs * stepsPerEpoch(config.trainSize, config.batchSize);
  const total = config.ps.length * perRun;
  // the bar appears before the images are read (over a second on a busy machine), not after
  bar.report({ done: 0, total, phase: OVERFIT_LOADING, metrics: {} });
  const split = await loadSplit(config, seeds.derive('split'), source.data);
  const train = denseData(split.train);
  const val = denseData(split.val);
  const evalTrainSize = Math.min(train.count, val.count);
  const runs: OverfitRun[] = [];
  for (const [index, p] of config.ps.entries()) {
    const phase = overfitRunName(p);
    const trainer = createMlpTrainer(config.sizes, seeds.derive('init'), config.optimizer, config.lr);
    const masks = seeds.fork(`masks p=${p}`);
    const epochs: OverfitEpoch[] = [];
    try {
      // the one training loop; every run sees the same batch order (sub-seeds order1, order2, ...)
      await trainLoop({ step: (batch) => mlpBatchStep(trainer, train, batch, { p, scheme: config.scheme, seed: masks.next() }) }, { count: train.count }, {
        epochs: config.epochs, batchSize: config.batchSize, order: (e) => mulberry32(seeds.derive(`order${e + 1}`)),
        phase, progress: (e) => bar.report(e), progressOffset: index * perRun, progressTotal: total,
        evaluate: async (epoch, meanLoss) => {
          const result = await evaluateEpoch(trainer.params, { train, val, evalTrainSize }, { p, scheme: config.scheme }, epoch, meanLoss ?? NaN);
          epochs.push(result);
          const { trainLoss, trainAcc, valLoss, valAcc } = result;
          return { trainLoss, trainAcc, valLoss, valAcc };
        },
      });
    } finally {
      disposeMlpTrainer(trainer);
    }
    runs.push({ p, epochs });
  }
  return {
    experiment: 'dropoutOverfit', options: config, ...provenance(),
    parameters: netParameterCount(config.sizes),
    data: { dataset: source.data?.name ?? 'mnist', trainSize: train.count, valSize: val.count, evalTrainSize, note: split.note },
    runs, meta: { ms: performance.now() - start },
  };
}

/** One epoch's metrics in test mode: on `evalTrainSize` training images and on the validation split. */
async function evaluateEpoch(params: Parameters<typeof mlpEvaluate>[0], data: { train: DenseData; val: DenseData; evalTrainSize: number },
  options: { p: number; scheme: DropoutScheme }, epoch: number, dropoutLoss: number): Promise<OverfitEpoch> {
  const t = await mlpEvaluate(params, data.train, data.evalTrainSize, options);
  const v = await mlpEvaluate(params, data.val, data.val.count, options);
  return { epoch, trainLoss: t.loss, trainAcc: t.acc, valLoss: v.loss, valAcc: v.acc, dropoutLoss };
}
