/**
 * Lesson 05's sanity checks, before any long training run: each one a function from options to a
 * plain record, each asserted in a check cell and exposed as a CLI command. The net is the
 * lecture's two-layer net (3072 → 50 → 10, ReLU, softmax, L2 0.5·reg·ΣW², weights std·randn with
 * std = 1e-4) on CIFAR-10 rows with the train part's channel means subtracted (`nn.data.flatSplits`),
 * trained with plain SGD through the one training loop (`nn.nets.trainTwoLayer`).
 *
 * 1. {@link initialLoss}: with reg 0 the first loss is ln 10 ≈ 2.3026. With weights of 1e-4 every
 *    score is ≈ 1e-4, so softmax gives every class ≈ 1/10 and each example's loss is
 *    −log(1/10) plus a deviation of the order of the scores. The batch loss is the mean of N such
 *    losses; its tolerance is four standard errors, 4·sd(ℓₙ)/√N (sd measured on the batch), so a
 *    larger batch gets a tighter check. Raising reg to 1e3 adds ½·reg·ΣW² ≈ ½·1e3·1e-8·(3072·50 +
 *    50·10) ≈ 0.77: the lecture's 2.30 → 3.06.
 * 2. {@link overfitTiny}: 20 training images, reg 0, plain SGD: the net must reach 100 % training
 *    accuracy and a loss near 0 within a bounded number of epochs. If it cannot memorise 20
 *    images, something in the code is broken.
 * 3. {@link lrCheck}: one run at a given learning rate and a verdict read from its numbers:
 *    - 'too low': the loss barely moves (the last epoch's mean within `flatTolerance` of the first
 *      loss, relatively), even though the training accuracy may creep up: the argmax of the scores
 *      changes as soon as the right class's score edges past the others, long before the
 *      probabilities (and so the loss) change visibly;
 *    - 'NaN' / 'exploding': the loop stops at once on a NaN or infinite loss, or (the search's
 *      rule, `stopIfLossAbove: 3`) on a loss over 3 × the first, and says where (`diverged`);
 *    - 'learning' otherwise.
 * 4. {@link sanityChecks}: all of the above in one record (`nnlab sanity-checks`).
 *
 * Measured (wasm, seed 0, 5,000 training and 1,000 validation images, batches of 200, 10 epochs):
 * initial loss 2.30259 with reg 0 and 3.073 with reg 1e3; 20 images memorised (100 %) by epoch
 * ~40 at lr 1e-3, loss 0.002 after 200 epochs; lr 1e-6: loss 2.30259 → 2.30259 while training
 * accuracy goes 9.5 % → 10.5 %; lr 3e-3 trains but noisily (validation 32–35 %); lr 1e-2 passes 3 ×
 * its first loss at step 10; lr 1e6 is NaN at step 4.
 *
 * @example
 * const r = await nn.babysitting.sanityChecks();
 * r.checks   // one row per check: what was measured, what was expected, passed
 * nn.babysitting.showSanityChecks(r);
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../../core/errors';
import { withQuickPreset } from '../../core/config';
import { defineOptions, float32Bytes, int, list, number, optional, seed } from '../../core/options';
import { ProgressCallback, ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import { flatSplits, FlatSplits } from '../../data/splits';
import type { ImageDataset, LoadOptions } from '../../data/load';
import { disposeTwoLayer, initTwoLayer, twoLayerLoss, twoLayerScores, TWO_LAYER_STD } from '../../nets/twoLayer';
import { trainTwoLayer, TwoLayerRun } from '../../nets/twoLayerTrain';
import { experimentProgress } from '../../show/progress';
import { lrText } from './monitor';

/** Images to use instead of CIFAR-10 (tests); never recorded. */
export interface SanitySource { load?: (name: string, o: LoadOptions) => Promise<ImageDataset> }

const round = (v: number, digits = 6) => (Number.isFinite(v) ? Number(v.toPrecision(digits)) : v);

// ============================================================================ initialLoss

/** Defaults of {@link initialLoss}: one batch of 200 training images, reg 0 and the lecture's 1e3. */
export const INITIAL_LOSS_DEFAULTS = { batchSize: 200, hiddenSize: 50, std: TWO_LAYER_STD, bigReg: 1e3, seed: 0 } as const;

export const INITIAL_LOSS_OPTIONS = defineOptions('babysitting.initialLoss', {
  /** Images in the batch whose mean loss is checked (drawn from CIFAR-10's training split). */
  batchSize: int({ min: 2, max: 10_000, default: INITIAL_LOSS_DEFAULTS.batchSize }),
  hiddenSize: int({ min: 1, max: 1000, default: INITIAL_LOSS_DEFAULTS.hiddenSize }),
  /** Weight scale: W = std · randn. */
  std: number({ min: 0, max: 1, default: INITIAL_LOSS_DEFAULTS.std }),
  /** The large regularisation strength of the second check. */
  bigReg: number({ min: 0, max: 1e8, default: INITIAL_LOSS_DEFAULTS.bigReg }),
  seed: seed({ default: INITIAL_LOSS_DEFAULTS.seed }),
}, { memory: (c) => ({ bytes: float32Bytes(c.batchSize * 3072 + 3072 * c.hiddenSize), argument: 'batchSize', what: `${c.batchSize} rows of 3072 pixels` }) });

export interface InitialLossOptions { batchSize?: number; hiddenSize?: number; std?: number; bigReg?: number; seed?: number }
export type InitialLossConfig = ReturnType<typeof INITIAL_LOSS_OPTIONS.resolve>;

/** The numbers of the initial-loss checks (no training: the loss of freshly initialised weights). */
export interface InitialLossResult {
  classes: number;
  /** ln(classes): the loss when every class gets probability 1/classes. */
  expected: number;
  /** The batch's mean loss with reg 0, as tfjs computes it (float32). */
  loss: number;
  /** The same in float64 from the same scores (log-sum-exp), and the spread of the per-example losses. */
  loss64: number;
  perExampleSd: number;
  /** sd / √N, and the tolerance 4 · sd / √N. */
  standardError: number;
  tolerance: number;
  withinTolerance: boolean;
  /** The largest |score| at init: why the loss is ln 10 (tiny scores, uniform softmax). */
  maxAbsScore: number;
  /** With reg = bigReg: total loss, its data part (the reg-0 loss) and ½·reg·ΣW². */
  bigReg: { reg: number; loss: number; dataLoss: number; regLoss: number; expectedRegLoss: number };
  /** What the lecture's slides print for the same two checks. */
  lecture: { reg0: number; bigReg: number };
}

/**
 * The loss of the freshly initialised net on one batch, with reg 0 and with a large reg; see the
 * module comment (check 1).
 *
 * @example
 * const s = await nn.data.flatSplits({ train: 200, val: 0, test: 0, seed: 0 });
 * const r = nn.babysitting.initialLossOf(s, { batchSize: 200, hiddenSize: 50, std: 1e-4, bigReg: 1e3, seed: 0 });
 * r.loss        // about 2.3026
 * r.bigReg.loss // about 3.07
 */
export function initialLossOf(data: Pick<FlatSplits, 'train' | 'dims' | 'classNames'>, c: InitialLossConfig): InitialLossResult {
  const n = Math.min(c.batchSize, data.train.count);
  const classes = data.classNames.length;
  const seeds = seedStream(c.seed);
  const net = initTwoLayer({ inputSize: data.dims, hiddenSize: c.hiddenSize, classes, std: c.std, seed: seeds.derive('init') });
  const X = tf.tensor2d(data.train.X.subarray(0, n * data.dims), [n, data.dims]);
  const y = tf.tensor1d(data.train.y.subarray(0, n), 'int32');
  try {
    const scores = tf.tidy(() => twoLayerScores(net, X).dataSync());
    const perExample = Array.from({ length: n }, (_, i) => {
      let max = -Infinity;
      for (let k = 0; k < classes; k++) max = Math.max(max, scores[i * classes + k]);
      let sum = 0;
      for (let k = 0; k < classes; k++) sum += Math.exp(scores[i * classes + k] - max);
      return Math.log(sum) + max - scores[i * classes + data.train.y[i]];
    });
    const loss64 = perExample.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(perExample.reduce((s, v) => s + (v - loss64) ** 2, 0) / (n - 1));
    const read = (reg: number) => {
      const r = twoLayerLoss(net, X, y, { reg });
      const values = [r.loss, r.dataLoss, r.regLoss].map((t) => t.dataSync()[0]);
      tf.dispose([r.loss, r.dataLoss, r.regLoss, ...Object.values(r.grads)]);
      return values;
    };
    const [loss] = read(0);
    const [big, dataLoss, regLoss] = read(c.bigReg);
    const sumSq = tf.tidy(() => tf.add(tf.sum(tf.square(net.W1)), tf.sum(tf.square(net.W2))).dataSync()[0]);
    const expected = Math.log(classes);
    // a floor of 1e-6 covers float32 rounding of the mean when the spread is tiny
    const tolerance = Math.max(4 * sd / Math.sqrt(n), 1e-6);
    let maxAbsScore = 0;
    for (const s of scores) maxAbsScore = Math.max(maxAbsScore, Math.abs(s));
    return {
      classes, expected, loss, loss64, perExampleSd: sd, standardError: sd / Math.sqrt(n), tolerance,
      withinTolerance: Math.abs(loss - expected) <= tolerance, maxAbsScore,
      bigReg: { reg: c.bigReg, loss: big, dataLoss, regLoss, expectedRegLoss: 0.5 * c.bigReg * sumSq },
      lecture: { reg0: 2.30, bigReg: 3.06 },
    };
  } finally {
    disposeTwoLayer(net);
    tf.dispose([X, y]);
  }
}

export interface InitialLossRecord {
  experiment: 'babysittingInitialLoss';
  options: InitialLossConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  data: string;
  result: InitialLossResult;
  meta: { ms: number };
}

/**
 * Check 1 on real CIFAR-10: the initial loss with reg 0 and with a large reg.
 *
 * @example
 * const r = await nn.babysitting.initialLoss();
 * r.result.loss               // 2.3026 ± r.result.tolerance
 * r.result.bigReg.loss        // about 3.07: the lecture's 3.06
 */
export async function initialLoss(options: InitialLossOptions = {}, source: SanitySource = {}): Promise<InitialLossRecord> {
  const started = performance.now();
  const config = INITIAL_LOSS_OPTIONS.resolve(options);
  const data = await flatSplits({ train: config.batchSize, val: 0, test: 0, seed: config.seed }, source);
  return {
    experiment: 'babysittingInitialLoss', options: config, ...provenance(), data: data.note,
    result: initialLossOf(data, config), meta: { ms: performance.now() - started },
  };
}

// ============================================================================ overfitTiny

/** Defaults of {@link overfitTiny}: 20 images, reg 0, lr 1e-3, one batch of all 20 per epoch, 200 epochs. */
export const OVERFIT_DEFAULTS = { n: 20, lr: 1e-3, epochs: 200, hiddenSize: 50, std: TWO_LAYER_STD, targetLoss: 0.05, seed: 0 } as const;
/** Quick mode: 100 epochs (the 20 images are memorised by epoch ~40). */
export const OVERFIT_QUICK = { epochs: 100 } as const;

export const OVERFIT_OPTIONS = defineOptions('babysitting.overfitTiny', {
  /** Training images (the whole training set of this run; one batch). */
  n: int({ min: 1, max: 1000, default: OVERFIT_DEFAULTS.n }),
  lr: number({ min: 0, max: 1e6, default: OVERFIT_DEFAULTS.lr }),
  /** The bound: the net must memorise the images within this many epochs. */
  epochs: int({ min: 1, max: 5000, default: OVERFIT_DEFAULTS.epochs }),
  hiddenSize: int({ min: 1, max: 1000, default: OVERFIT_DEFAULTS.hiddenSize }),
  std: number({ min: 0, max: 1, default: OVERFIT_DEFAULTS.std }),
  /** "Loss near 0": the final loss must be below this. */
  targetLoss: number({ min: 0, max: 10, default: OVERFIT_DEFAULTS.targetLoss }),
  seed: seed({ default: OVERFIT_DEFAULTS.seed }),
});

export interface OverfitTinyOptions {
  n?: number; lr?: number; epochs?: number; hiddenSize?: number; std?: number; targetLoss?: number; seed?: number;
  /** Live progress with a loss chart; never recorded. */
  progress?: ProgressOption;
}
export type OverfitTinyConfig = ReturnType<typeof OVERFIT_OPTIONS.resolve>;

export interface OverfitTinyRecord {
  experiment: 'babysittingOverfitTiny';
  options: OverfitTinyConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  data: string;
  /** Per epoch (0 = before training): mean loss and training accuracy. */
  epochs: { epoch: number; loss: number | null; trainAcc: number }[];
  /** The first epoch at 100 % training accuracy, or null. */
  memorisedAt: number | null;
  finalLoss: number | null;
  finalTrainAcc: number;
  diverged: TwoLayerRun['diverged'];
  /** 100 % training accuracy and a final loss below targetLoss. */
  passed: boolean;
  meta: { ms: number };
}

/**
 * Check 2: overfit a tiny subset; see the module comment.
 *
 * @example
 * const r = await nn.babysitting.overfitTiny();
 * r.memorisedAt   // the epoch where training accuracy reached 100 %
 * r.finalLoss     // near 0
 */
export async function overfitTiny(options: OverfitTinyOptions = {}, source: SanitySource = {}): Promise<OverfitTinyRecord> {
  const started = performance.now();
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  const { config, progress } = OVERFIT_OPTIONS.take(isObject ? withQuickPreset<OverfitTinyOptions>(options, OVERFIT_QUICK) : options);
  const bar = experimentProgress(progress, {
    label: 'babysitting.overfitTiny',
    chart: { metric: 'loss', title: `Overfitting ${config.n} images`, xTitle: 'step', yTitle: 'softmax loss', series: ['loss'] },
  });
  try {
    const data = await flatSplits({ train: config.n, val: 0, test: 0, seed: config.seed }, source);
    const run = await trainTwoLayer({
      train: data.train, reg: 0, lr: config.lr, epochs: config.epochs, batchSize: config.n, hiddenSize: config.hiddenSize, std: config.std,
      classes: data.classNames.length, seed: config.seed, progress: (e) => bar.report(e), phase: 'overfit',
    });
    return {
      experiment: 'babysittingOverfitTiny', options: config, ...provenance(), ...overfitSummary(run, data.note, config.targetLoss),
      meta: { ms: performance.now() - started },
    };
  } finally {
    bar.finish();
  }
}

/** The overfit run's numbers: per epoch, when it memorised the images, and whether it passed. */
function overfitSummary(run: TwoLayerRun, data: string, targetLoss: number): Omit<OverfitTinyRecord, 'experiment' | 'options' | 'backend' | 'versions' | 'meta'> {
  const last = run.epochs[run.epochs.length - 1];
  const memorised = run.epochs.find((e) => e.trainAcc === 1);
  const finalLoss = last.loss === null ? null : round(last.loss);
  return {
    data, epochs: run.epochs.map((e) => ({ epoch: e.epoch, loss: e.loss === null ? null : round(e.loss), trainAcc: e.trainAcc })),
    memorisedAt: memorised ? memorised.epoch : null, finalLoss, finalTrainAcc: last.trainAcc, diverged: run.diverged,
    passed: last.trainAcc === 1 && finalLoss !== null && finalLoss < targetLoss,
  };
}

// ============================================================================ lrCheck

/** What a learning rate did: the lecture's reading of one run. */
export const LR_VERDICTS = ['too low', 'learning', 'exploding', 'NaN'] as const;
export type LrVerdict = typeof LR_VERDICTS[number];

/** Defaults of {@link lrCheck}: 5,000 training and 1,000 validation images, batches of 200, 10 epochs, reg 1e-3. */
export const LR_CHECK_DEFAULTS = {
  lr: 1e-3, reg: 1e-3, trainSize: 5000, valSize: 1000, epochs: 10, batchSize: 200, hiddenSize: 50, std: TWO_LAYER_STD,
  stopIfLossAbove: null, flatTolerance: 1e-3, seed: 0,
} as const;
/** Quick mode: 1,000 training and 200 validation images, 5 epochs of batches of 100. */
export const LR_CHECK_QUICK = { trainSize: 1000, valSize: 200, epochs: 5, batchSize: 100 } as const;

const LR_FIELDS = {
  lr: number({ min: 0, max: 1e12, default: LR_CHECK_DEFAULTS.lr }),
  reg: number({ min: 0, max: 1e8, default: LR_CHECK_DEFAULTS.reg }),
  /** Training images (a seeded draw from CIFAR-10's training split). */
  trainSize: int({ min: 1, max: 49_000, default: LR_CHECK_DEFAULTS.trainSize }),
  /** Validation images, disjoint from the training ones. */
  valSize: int({ min: 1, max: 10_000, default: LR_CHECK_DEFAULTS.valSize }),
  epochs: int({ min: 1, max: 1000, default: LR_CHECK_DEFAULTS.epochs }),
  batchSize: int({ min: 1, max: 49_000, default: LR_CHECK_DEFAULTS.batchSize }),
  hiddenSize: int({ min: 1, max: 1000, default: LR_CHECK_DEFAULTS.hiddenSize }),
  std: number({ min: 0, max: 1, default: LR_CHECK_DEFAULTS.std }),
  /**
   * Stop a run whose loss passes this multiple of its first loss (the lecture's rule of thumb for a
   * search: 3); null (the default) lets a run go on until its loss is NaN or infinite.
   */
  stopIfLossAbove: optional(number({ min: 1, max: 1e6 })),
  /** 'too low' when |last epoch's mean loss − first loss| / first loss is below this. */
  flatTolerance: number({ min: 0, max: 1, default: LR_CHECK_DEFAULTS.flatTolerance }),
  seed: seed({ default: LR_CHECK_DEFAULTS.seed }),
};
const rowsMemory = (c: { trainSize: number; valSize: number }) => ({ bytes: float32Bytes(2 * (c.trainSize + c.valSize) * 3072), argument: 'trainSize', what: `${c.trainSize + c.valSize} rows of 3072 pixels (arrays and tensors)` });
const sizeRule = (c: { trainSize: number; valSize: number; batchSize: number }) => {
  if (c.trainSize + c.valSize > 50_000) throw new ArgumentError('trainSize', c.trainSize, `at most ${50_000 - c.valSize} with valSize ${c.valSize}: CIFAR-10's training split holds 50000 images`);
  if (c.batchSize > c.trainSize) throw new ArgumentError('batchSize', c.batchSize, `at most trainSize (${c.trainSize})`);
};

export const LR_CHECK_OPTIONS = defineOptions('babysitting.lrCheck', LR_FIELDS, { rules: sizeRule, memory: rowsMemory });

export interface LrCheckOptions {
  lr?: number; reg?: number; trainSize?: number; valSize?: number; epochs?: number; batchSize?: number; hiddenSize?: number; std?: number;
  stopIfLossAbove?: number | null; flatTolerance?: number; seed?: number;
  /** Live progress with a loss chart; never recorded. */
  progress?: ProgressOption;
}
export type LrCheckConfig = ReturnType<typeof LR_CHECK_OPTIONS.resolve>;

/** One run at one learning rate, and what it says. */
export interface LrRun {
  lr: number;
  verdict: LrVerdict;
  /** The lecture's reading of the verdict, in a sentence. */
  reading: string;
  /** Every step's mini-batch loss (NaN where it was not a number: JSON null). */
  losses: number[];
  initialLoss: number;
  /** |last epoch's mean loss − first loss| / first loss (null when no epoch finished). */
  relativeChange: number | null;
  epochs: { epoch: number; loss: number | null; trainAcc: number; valAcc: number | null }[];
  diverged: TwoLayerRun['diverged'];
}

/**
 * The verdict of a run: see the module comment (check 3).
 *
 * @example
 * nn.babysitting.lrVerdict({ diverged: null, relativeChange: 1e-5 }, 1e-3)   // 'too low'
 * nn.babysitting.lrVerdict({ diverged: { step: 4, loss: NaN, reason: 'nan' }, relativeChange: null }, 1e-3)   // 'NaN'
 */
export function lrVerdict(run: { diverged: TwoLayerRun['diverged']; relativeChange: number | null }, flatTolerance: number): LrVerdict {
  if (run.diverged) return run.diverged.reason === 'above' ? 'exploding' : 'NaN';
  return run.relativeChange !== null && run.relativeChange < flatTolerance ? 'too low' : 'learning';
}

const READINGS: Record<LrVerdict, string> = {
  'too low': 'learning rate too low: the loss barely changes (the accuracy may creep up: the argmax moves before the probabilities do)',
  learning: 'the loss goes down: a learning rate worth searching around',
  exploding: 'learning rate too high: the loss passed stopIfLossAbove × its first value, so the run was stopped',
  NaN: 'learning rate far too high: the loss became NaN/Inf and the run stopped at once',
};

/** One lrCheck run on given rows (shared by lrCheck and sanityChecks). */
export async function runLr(data: FlatSplits, c: Omit<LrCheckConfig, 'trainSize' | 'valSize'>, report?: ProgressCallback, offset = 0, total?: number): Promise<LrRun> {
  const run = await trainTwoLayer({
    train: data.train, val: data.val, reg: c.reg, lr: c.lr, epochs: c.epochs, batchSize: c.batchSize, hiddenSize: c.hiddenSize, std: c.std,
    classes: data.classNames.length, stopIfLossAbove: c.stopIfLossAbove ?? undefined, seed: c.seed,
    progress: report, phase: `lr ${c.lr}`, progressOffset: offset, progressTotal: total,
  });
  const lastEpoch = run.epochs.length > 1 ? run.epochs[run.epochs.length - 1] : null;
  const relativeChange = lastEpoch && lastEpoch.loss !== null && !run.diverged ? Math.abs(lastEpoch.loss - run.initialLoss) / run.initialLoss : null;
  const verdict = lrVerdict({ diverged: run.diverged, relativeChange }, c.flatTolerance);
  return {
    lr: c.lr, verdict, reading: READINGS[verdict], losses: run.losses.map((l) => round(l)), initialLoss: round(run.initialLoss), relativeChange: relativeChange === null ? null : round(relativeChange, 4),
    epochs: run.epochs.map((e) => ({ epoch: e.epoch, loss: e.loss === null ? null : round(e.loss), trainAcc: e.trainAcc, valAcc: e.valAcc })),
    diverged: run.diverged,
  };
}

export interface LrCheckRecord {
  experiment: 'babysittingLrCheck';
  options: LrCheckConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  data: string;
  run: LrRun;
  meta: { ms: number };
}

/**
 * Check 3: one run at one learning rate and its verdict.
 *
 * @example
 * const r = await nn.babysitting.lrCheck({ lr: 1e-6 });
 * r.run.verdict          // 'too low'
 * r.run.relativeChange   // below 1e-3
 */
export async function lrCheck(options: LrCheckOptions = {}, source: SanitySource = {}): Promise<LrCheckRecord> {
  const started = performance.now();
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  const { config, progress } = LR_CHECK_OPTIONS.take(isObject ? withQuickPreset<LrCheckOptions>(options, LR_CHECK_QUICK) : options);
  // a bar, no live chart: at a tiny lr the loss moves in the sixth digit, and the figure shows it after
  const bar = experimentProgress(progress, { label: `babysitting.lrCheck (lr ${config.lr})` });
  try {
    const data = await flatSplits({ train: config.trainSize, val: config.valSize, test: 0, seed: config.seed }, source);
    const run = await runLr(data, config, (e) => bar.report(e));
    return { experiment: 'babysittingLrCheck', options: config, ...provenance(), data: data.note, run, meta: { ms: performance.now() - started } };
  } finally {
    bar.finish();
  }
}

// ============================================================================ sanityChecks

/** Defaults of {@link sanityChecks}: the three checks above, with the lecture's two extreme learning rates. */
export const SANITY_DEFAULTS = { lrs: [1e-6, 1e6], ...LR_CHECK_DEFAULTS, tinySize: OVERFIT_DEFAULTS.n, tinyLr: OVERFIT_DEFAULTS.lr, tinyEpochs: OVERFIT_DEFAULTS.epochs, bigReg: INITIAL_LOSS_DEFAULTS.bigReg } as const;
/** Quick mode: lrCheck's and overfitTiny's quick sizes. */
export const SANITY_QUICK = { ...LR_CHECK_QUICK, tinyEpochs: OVERFIT_QUICK.epochs } as const;

export const SANITY_OPTIONS = defineOptions('babysitting.sanityChecks', {
  /** The learning rates checked, each one lrCheck run. */
  lrs: list(number({ min: 0, max: 1e12 }), { minLength: 1, maxLength: 8, default: SANITY_DEFAULTS.lrs }),
  reg: LR_FIELDS.reg, trainSize: LR_FIELDS.trainSize, valSize: LR_FIELDS.valSize, epochs: LR_FIELDS.epochs, batchSize: LR_FIELDS.batchSize,
  hiddenSize: LR_FIELDS.hiddenSize, std: LR_FIELDS.std, stopIfLossAbove: LR_FIELDS.stopIfLossAbove, flatTolerance: LR_FIELDS.flatTolerance,
  tinySize: OVERFIT_OPTIONS.fields.n, tinyLr: OVERFIT_OPTIONS.fields.lr, tinyEpochs: OVERFIT_OPTIONS.fields.epochs,
  bigReg: INITIAL_LOSS_OPTIONS.fields.bigReg,
  seed: seed({ default: 0 }),
}, { rules: sizeRule, memory: rowsMemory });

export interface SanityChecksOptions {
  lrs?: number[]; reg?: number; trainSize?: number; valSize?: number; epochs?: number; batchSize?: number; hiddenSize?: number; std?: number;
  stopIfLossAbove?: number | null; flatTolerance?: number; tinySize?: number; tinyLr?: number; tinyEpochs?: number; bigReg?: number; seed?: number;
  /** Live progress with a loss chart; never recorded. */
  progress?: ProgressOption;
}
export type SanityChecksConfig = ReturnType<typeof SANITY_OPTIONS.resolve>;

/** One row of the checks table. */
export interface SanityCheckRow { check: string; measured: string; expected: string; passed: boolean }

export interface SanityChecksRecord {
  experiment: 'babysittingSanityChecks';
  options: SanityChecksConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  data: string;
  initialLoss: InitialLossResult;
  overfit: Omit<OverfitTinyRecord, 'experiment' | 'options' | 'backend' | 'versions' | 'meta'>;
  lrRuns: LrRun[];
  checks: SanityCheckRow[];
  passed: boolean;
  meta: { ms: number };
}

/** What each learning rate of the lecture should do, for the checks table (others: no expectation). */
function expectedVerdict(lr: number): LrVerdict[] | null {
  if (lr <= 1e-6) return ['too low'];
  if (lr >= 1e3) return ['NaN', 'exploding'];
  return null;
}

/**
 * All of lesson 05's sanity checks in one record (`nnlab sanity-checks`); see the module comment.
 *
 * @example
 * const r = await nn.babysitting.sanityChecks({ lrs: [1e-6, 1e-3, 1e6] });
 * r.checks.map((c) => [c.check, c.passed])
 */
export async function sanityChecks(options: SanityChecksOptions = {}, source: SanitySource = {}): Promise<SanityChecksRecord> {
  const started = performance.now();
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  const { config, progress } = SANITY_OPTIONS.take(isObject ? withQuickPreset<SanityChecksOptions>(options, SANITY_QUICK) : options);
  const perRun = Math.ceil(config.trainSize / config.batchSize) * config.epochs;
  const total = config.tinyEpochs + perRun * config.lrs.length;
  const bar = experimentProgress(progress, {
    label: 'babysitting.sanityChecks',
    chart: { metric: 'loss', title: 'Training loss of each check', xTitle: 'step', yTitle: 'softmax loss', series: ['overfit', ...config.lrs.map((lr) => `lr ${lr}`)] },
  });
  try {
    const data = await flatSplits({ train: config.trainSize, val: config.valSize, test: 0, seed: config.seed }, source);
    const init = initialLossOf(data, { batchSize: Math.min(config.batchSize, config.trainSize), hiddenSize: config.hiddenSize, std: config.std, bigReg: config.bigReg, seed: config.seed });
    const tiny = { train: { X: data.train.X.slice(0, config.tinySize * data.dims), y: data.train.y.slice(0, config.tinySize), count: config.tinySize } };
    const overfitRun = await trainTwoLayer({
      train: tiny.train, reg: 0, lr: config.tinyLr, epochs: config.tinyEpochs, batchSize: config.tinySize, hiddenSize: config.hiddenSize, std: config.std,
      classes: data.classNames.length, seed: config.seed, progress: (e) => bar.report(e), phase: 'overfit', progressTotal: total,
    });
    const overfit = overfitSummary(overfitRun, `the first ${config.tinySize} training images`, OVERFIT_DEFAULTS.targetLoss);
    const lrRuns: LrRun[] = [];
    for (const [i, lr] of config.lrs.entries()) {
      lrRuns.push(await runLr(data, { ...config, lr }, (e) => bar.report(e), config.tinyEpochs + i * perRun, total));
    }
    const f = (v: number, d = 4) => v.toFixed(d);
    const checks: SanityCheckRow[] = [
      { check: 'initial loss, reg 0', measured: f(init.loss), expected: `ln ${init.classes} = ${f(init.expected)} ± ${init.tolerance.toPrecision(2)} (4 standard errors)`, passed: init.withinTolerance },
      { check: `initial loss, reg ${config.bigReg}`, measured: f(init.bigReg.loss), expected: `higher than with reg 0: + ½·reg·ΣW² = ${f(init.bigReg.expectedRegLoss)} (lecture: 3.06)`, passed: init.bigReg.loss > init.loss && Math.abs(init.bigReg.regLoss - init.bigReg.expectedRegLoss) < 1e-3 * Math.max(1, init.bigReg.expectedRegLoss) },
      { check: `overfit ${config.tinySize} images (reg 0, lr ${lrText(config.tinyLr)})`, measured: `${Math.round(100 * overfit.finalTrainAcc)} % train accuracy, loss ${overfit.finalLoss} after ${config.tinyEpochs} epochs${overfit.memorisedAt !== null ? ` (100 % at epoch ${overfit.memorisedAt})` : ''}`, expected: `100 %, loss < ${OVERFIT_DEFAULTS.targetLoss}`, passed: overfit.passed },
      ...lrRuns.map((run) => {
        const want = expectedVerdict(run.lr);
        const measured = run.diverged ? `${run.verdict} at step ${run.diverged.step}` : `${run.verdict}: loss ${f(run.initialLoss)} → ${run.epochs[run.epochs.length - 1].loss}, train accuracy ${run.epochs[0].trainAcc} → ${run.epochs[run.epochs.length - 1].trainAcc}`;
        return { check: `lr ${lrText(run.lr)}`, measured, expected: want ? want.join(' or ') : 'no fixed expectation', passed: want ? want.includes(run.verdict) : true };
      }),
    ];
    return {
      experiment: 'babysittingSanityChecks', options: config, ...provenance(), data: data.note, initialLoss: init, overfit, lrRuns,
      checks, passed: checks.every((c) => c.passed), meta: { ms: performance.now() - started },
    };
  } finally {
    bar.finish();
  }
}
