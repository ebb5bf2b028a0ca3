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
import { ArgumentError } from '../../core/errors';
import { withQuickPreset } from '../../core/config';
import { float32Bytes, int, list, MemoryNeed, number, oneOf, seed as seedField } from '../../core/options';
import type { ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { mulberry32, seedStream } from '../../core/rng';
import { loadDataset } from '../../data/load';
import type { ImageDataset } from '../../data/load';
import { select, trainValSplit } from '../../data/transform';
import { stepsPerEpoch, train as trainLoop } from '../../nets/train';
import { ExperimentProgress, experimentProgress } from '../../show/progress';
import { DropoutScheme, SCHEMES } from './dropout';
import { dropoutOptions, keepProbability } from './options';
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

/**
 * Most training work a run may take, in images x parameters trained (p values x epochs x
 * trainSize x parameters): twice {@link OVERFIT_LARGE} (3 x 15 x 10,000 images of the 932,362-parameter
 * MLP, 4.5 minutes measured), so about ten minutes at most.
 */
export const OVERFIT_MAX_WORK = 2 * 3 * 15 * 10_000 * 932_362;

/** The options of {@link overfit}, declared once (core/options.ts). */
const OVERFIT_FIELDS = {
  ps: list(keepProbability(), { minLength: 1, maxLength: 8, default: OVERFIT_DEFAULTS.ps }),
  scheme: oneOf(SCHEMES, { default: OVERFIT_DEFAULTS.scheme }),
  sizes: list(int({ min: 1, max: 4096 }), { minLength: 2, maxLength: 10, default: OVERFIT_DEFAULTS.sizes }),
  trainSize: int({ min: 1, max: 60_000, default: OVERFIT_DEFAULTS.trainSize }),
  valSize: int({ min: 1, max: 60_000, default: OVERFIT_DEFAULTS.valSize }),
  epochs: int({ min: 1, max: 1000, default: OVERFIT_DEFAULTS.epochs }),
  batchSize: int({ min: 1, max: 60_000, default: OVERFIT_DEFAULTS.batchSize }),
  optimizer: oneOf(MLP_OPTIMIZERS, { default: OVERFIT_DEFAULTS.optimizer }),
  lr: number({ min: 1e-9, max: 10, default: OVERFIT_DEFAULTS.lr }),
  seed: seedField(),
};

/**
 * The options of {@link overfit}: kinds and ranges, the net's ends (784 pixels in, 10 classes
 * out), the training work (at most {@link OVERFIT_MAX_WORK}: about ten minutes) and the memory
 * estimate, before any image is read.
 */
export const OVERFIT_OPTIONS = dropoutOptions('dropout.overfit', OVERFIT_FIELDS, {
  keep: 'ps',
  rules(c, given) {
    if (c.sizes[0] !== 784 || c.sizes[c.sizes.length - 1] !== 10) {
      throw new ArgumentError('sizes', given.sizes, 'layer sizes starting at 784 (28x28 pixels) and ending at 10 (classes)');
    }
    const parameters = netParameterCount(c.sizes);
    const work = c.ps.length * c.epochs * c.trainSize * parameters;
    if (work > OVERFIT_MAX_WORK) {
      const argument = ['epochs', 'trainSize', 'ps', 'sizes'].find((k) => k in given) ?? 'epochs';
      const minutes = work / OVERFIT_MAX_WORK * 9;
      throw new ArgumentError(argument, given[argument], '', `${argument} is too large: dropout.overfit would train ${c.ps.length} nets of ` +
        `${parameters} parameters for ${c.epochs} epochs of ${c.trainSize} images (about ${Math.round(minutes)} minutes), over its limit of ` +
        `twice the work of nn.dropout.OVERFIT_LARGE, nnlab dropout-overfit --large (about ten minutes); use fewer epochs, ps or training images, or a smaller net`);
    }
  },
  memory: (c) => overfitMemory(c),
});

/**
 * What a run holds at its peak: the images as float32 rows (784 pixels and 10 one-hot labels
 * each), the weights with their gradients and Adam's two moments, and a batch's activations.
 */
function overfitMemory(c: OverfitConfig): MemoryNeed[] {
  const units = c.sizes.reduce((a, b) => a + b, 0);
  return [
    { bytes: float32Bytes((c.trainSize + c.valSize) * (784 + 10)), argument: 'trainSize', what: `${c.trainSize + c.valSize} images as float32 rows` },
    { bytes: float32Bytes(4 * netParameterCount(c.sizes)), argument: 'sizes', what: `the ${c.sizes.join('-')} net's weights, gradients and Adam moments` },
    { bytes: float32Bytes(6 * Math.max(c.batchSize, 1000) * units), argument: 'batchSize', what: `the activations of a batch of ${c.batchSize}` },
  ];
}

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
  return OVERFIT_OPTIONS.resolve(options);
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
  const given = options !== null && typeof options === 'object' && !Array.isArray(options) ? withQuickPreset<OverfitOptions>(options, OVERFIT_QUICK) : options;
  const { config, progress } = OVERFIT_OPTIONS.take(given);
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
