/**
 * Monitoring while training (lesson 05, babysitting the learning process), part 1: the loss curve
 * and the train/validation gap, each read the way the lecture reads them, from real runs of the
 * lecture's two-layer net (3072 → 50 → 10, ReLU, softmax, L2 `0.5·reg·ΣW²`, plain SGD) on CIFAR-10
 * rows with the training part's channel means subtracted (0–255 units, `nn.data.flatSplits`).
 *
 * 1. {@link lossShapes}: three runs, one seed, one init, one batch order, three learning rates.
 *    The lecture's reading of a loss curve: too low a learning rate → the loss barely moves or
 *    falls slowly, almost linearly; too high → it explodes (or plateaus high); a good one → fast
 *    at first, then slow. Each run's shape is measured, not asserted ({@link readLossCurve}).
 *    Measured (wasm, seed 0, reg 1e-3, the defaults: 5,000 rows, batch 200, 6 epochs = 150 steps):
 *    lr 3e-4 sits at 2.30 for ~50 steps, then falls slowly to 2.15 (smoothed; "linear"); lr 2e-3
 *    leaves the plateau after ~15 steps and slows down near 1.7 ("fast then slow"); lr 5e-3 falls
 *    for ~2 epochs, then explodes (1e29 by step 150, finite: the loop never sees a NaN). Before
 *    the fall, every run sits at ln 10: the weights start at std 1e-4, so the net needs a few
 *    steps to leave the uniform prediction. Quick mode (800 rows, batches of 50, 32 steps a run)
 *    is too short for the good run's slow-down: flat, linear (2.30 → 2.17), explodes (rises to 4.4).
 * 2. {@link trainValGap}: train and validation accuracy per epoch for a tiny subset without
 *    regularisation (the net memorises it: big gap → more regularisation, or more data) and for
 *    the full set (small gap; with low accuracy the lecture's other reading: more capacity).
 *    Measured (seed 0, defaults: 150 steps at lr 2e-3): 100 rows, reg 0 → train 1.00, val 0.24,
 *    gap 0.76 (overfitting); 5,000 rows, reg 0.25 → train 0.45, val 0.35, gap 0.10 (underfitting:
 *    no big gap, low accuracy); seed 1 with reg 1e-3: 0.77 and 0.05. Quick (50 vs 1,000 rows,
 *    40 steps): train 0.98 / val 0.21 vs 0.31 / 0.25.
 *
 * Part 2 (update/weight ratios) is `monitorRatios.ts`, part 3 (first-layer templates) `templates.ts`.
 *
 * @example
 * const r = await nn.babysitting.lossShapes();
 * r.runs.map((run) => [run.lr, run.reading.shape])   // e.g. [[3e-4, 'linear'], [2e-3, 'fast then slow'], [5e-3, 'explodes']]
 * nn.babysitting.showLossShapes(r);
 */
import { ArgumentError } from '../../core/errors';
import { withQuickPreset } from '../../core/config';
import { defineOptions, float32Bytes, int, number, seed } from '../../core/options';
import type { ProgressCallback, ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import type { ImageDataset, LoadOptions } from '../../data/load';
import { flatSplits, FlatSplits } from '../../data/splits';
import { stepsPerEpoch } from '../../nets/train';
import { trainTwoLayer, TwoLayerData, TwoLayerRun, TwoLayerRunOptions } from '../../nets/twoLayerTrain';
import { experimentProgress } from '../../show/progress';

// ============================================================================ shared

/** Images to use instead of CIFAR-10 (tests pass synthetic ones); never recorded. */
export interface MonitorSource { load?: (name: string, o: LoadOptions) => Promise<ImageDataset> }

/** The CIFAR-10 training images: train + val rows are drawn from them. */
export const CIFAR_TRAIN_IMAGES = 50_000;

/** Seeded, disjoint train / validation rows (no test rows) with the train part's channel means subtracted. */
export function monitorSplits(trainSize: number, valSize: number, seedValue: number, source: MonitorSource = {}): Promise<FlatSplits> {
  return flatSplits({ train: trainSize, val: valSize, test: 0, seed: seedStream(seedValue).derive('data') }, source);
}

/** A finite number, or null (JSON has no NaN or Infinity: a diverged step's loss is recorded as null). */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** How a run stopped early, in plain JSON: the step (1-based), why, and the loss there (null when not finite). */
export interface DivergedAt { step: number; reason: 'nan' | 'inf' | 'above'; loss: number | null }

/** The training loop's `diverged` as plain JSON. */
export function divergedRecord(d: TwoLayerRun['diverged']): DivergedAt | null {
  return d === null ? null : { step: d.step, reason: d.reason, loss: finiteOrNull(d.loss) };
}

/**
 * The smoothed loss curve the lecture draws over the raw one: an exponential moving average with
 * bias correction (as TensorBoard's smoothing), s_t = β·s_{t−1} + (1 − β)·L_t, ŝ_t = s_t / (1 − β^t)
 * over the finite losses so far (a NaN or ∞ step gets null and leaves the average alone).
 *
 * @example
 * nn.babysitting.smoothLoss([2, 1, 1], 0.5)   // [2, 1.333…, 1.142…]
 */
export function smoothLoss(losses: readonly (number | null)[], beta: number): (number | null)[] {
  if (!(beta >= 0 && beta < 1)) throw new ArgumentError('beta', beta, 'a number in [0, 1) (0: no smoothing)');
  let s = 0;
  let t = 0;
  return losses.map((l) => {
    if (l === null || !Number.isFinite(l)) return null;
    t += 1;
    s = beta * s + (1 - beta) * l;
    return s / (1 - beta ** t);
  });
}

// ============================================================================ readLossCurve

/** A loss curve's shape, as the lecture names them. */
export type LossShape = 'explodes' | 'flat' | 'linear' | 'fast then slow';

/** The lecture's reading of each shape. */
export const LOSS_SHAPE_READING: Readonly<Record<LossShape, string>> = {
  explodes: 'explodes (or rises): the learning rate is too high (the steps overshoot and grow)',
  flat: 'barely moves: the learning rate is too low (or the weights are stuck)',
  linear: 'falls slowly, almost linearly: the learning rate is on the low side',
  'fast then slow': 'falls fast at first, then slowly: a good learning rate',
};

/** The reading in a few words, for a figure's panel titles. */
export const LOSS_SHAPE_SHORT: Readonly<Record<LossShape, string>> = {
  explodes: 'lr too high', flat: 'lr too low', linear: 'lr on the low side', 'fast then slow': 'a good lr',
};

/** What {@link readLossCurve} measures. */
export interface LossReading {
  shape: LossShape;
  /** The lecture's reading of the shape. */
  text: string;
  /** The first step's loss. */
  initial: number;
  /** The smoothed loss at the last finite step. */
  final: number | null;
  /** (initial − final) / initial. */
  relativeChange: number | null;
  /** Largest smoothed loss over the initial one. */
  peakRatio: number | null;
  /** Smoothed fall over the first half of the steps and over the second half. */
  firstHalfDrop: number | null;
  secondHalfDrop: number | null;
}

/** Bounds of {@link readLossCurve}. */
export interface LossReadingBounds {
  /** |relative change| below this: flat (default 0.02). */
  flat: number;
  /** A smoothed loss above this multiple of the initial one (or a non-finite loss): explodes (default 3, the loop's rule). */
  explode: number;
}

/** Default bounds of {@link readLossCurve}. */
export const LOSS_READING_BOUNDS: LossReadingBounds = { flat: 0.02, explode: 3 };

/**
 * Reads one loss curve the lecture's way, from its numbers (smoothed with `smoothed`):
 * - explodes: a NaN/∞ loss, a stop by the loop's rule, a smoothed loss above `explode`× the initial,
 *   or a loss that ends higher than it started (relative change below −`flat`);
 * - flat: |initial − final| / initial < `flat`;
 * - fast then slow: it falls more in the first half of the steps than in the second;
 * - linear: it falls at least as much in the second half (slowly, almost linearly, or after a plateau).
 *
 * @example
 * nn.babysitting.readLossCurve([2.3, 1.5, 1.2, 1.1, 1.05], 0).shape   // 'fast then slow'
 * nn.babysitting.readLossCurve([2.3, 2.3, 2.3, 2.3], 0).shape         // 'flat'
 * nn.babysitting.readLossCurve([2.3, 5, 40, null], 0).shape           // 'explodes'
 */
export function readLossCurve(losses: readonly (number | null)[], beta: number, bounds: LossReadingBounds = LOSS_READING_BOUNDS, stoppedEarly = false): LossReading {
  if (!Array.isArray(losses) || losses.length === 0 || typeof losses[0] !== 'number' || !Number.isFinite(losses[0])) {
    throw new ArgumentError('losses', losses, 'a non-empty array of losses whose first one is finite');
  }
  const s = smoothLoss(losses, beta);
  const initial = losses[0];
  const finite = s.filter((v): v is number => v !== null);
  const final = finite[finite.length - 1];
  const peak = Math.max(...finite);
  const diverged = stoppedEarly || losses.some((l) => l === null || !Number.isFinite(l)) || peak > bounds.explode * initial;
  const mid = s[Math.floor((losses.length - 1) / 2)];
  const firstHalfDrop = mid === null ? null : initial - mid;
  const secondHalfDrop = mid === null ? null : mid - final;
  const relativeChange = (initial - final) / initial;
  let shape: LossShape;
  if (diverged || relativeChange <= -bounds.flat) shape = 'explodes';
  else if (Math.abs(relativeChange) < bounds.flat) shape = 'flat';
  else if (firstHalfDrop !== null && secondHalfDrop !== null && firstHalfDrop > secondHalfDrop) shape = 'fast then slow';
  else shape = 'linear';
  return { shape, text: LOSS_SHAPE_READING[shape], initial, final, relativeChange, peakRatio: peak / initial, firstHalfDrop, secondHalfDrop };
}

// ============================================================================ lossShapes

/** The three runs of {@link lossShapes}, in drawing order. */
export const LOSS_SHAPE_ROLES = ['too low', 'good', 'too high'] as const;
export type LossShapeRole = typeof LOSS_SHAPE_ROLES[number];

/** Defaults of {@link lossShapes}: 5,000 training rows, 6 epochs of batches of 200, lr 3e-4 / 2e-3 / 5e-3, reg 1e-3. */
export const LOSS_SHAPES_DEFAULTS = {
  trainSize: 5000, epochs: 6, batchSize: 200, lowLr: 3e-4, goodLr: 2e-3, highLr: 5e-3, reg: 1e-3, std: 1e-4, hiddenSize: 50, smoothing: 0.9, seed: 0,
} as const;

/** Quick mode: 800 rows, batches of 50, 2 epochs (32 steps a run). */
export const LOSS_SHAPES_QUICK = { trainSize: 800, batchSize: 50, epochs: 2 } as const;

const LR = (d: number) => number({ min: 0, max: 1e6, default: d });

/** The options of {@link lossShapes}, declared once. */
export const LOSS_SHAPES_FIELDS = {
  /** Training rows drawn from CIFAR-10's training split. */
  trainSize: int({ min: 10, max: 49_000, default: LOSS_SHAPES_DEFAULTS.trainSize }),
  epochs: int({ min: 1, max: 200, default: LOSS_SHAPES_DEFAULTS.epochs }),
  batchSize: int({ min: 1, max: 49_000, default: LOSS_SHAPES_DEFAULTS.batchSize }),
  /** The three learning rates: too low, good, too high (their shapes are measured, not assumed). */
  lowLr: LR(LOSS_SHAPES_DEFAULTS.lowLr),
  goodLr: LR(LOSS_SHAPES_DEFAULTS.goodLr),
  highLr: LR(LOSS_SHAPES_DEFAULTS.highLr),
  /** L2 strength of every run: loss + 0.5·reg·(ΣW1² + ΣW2²). */
  reg: number({ min: 0, max: 1e6, default: LOSS_SHAPES_DEFAULTS.reg }),
  /** Init scale: W = std·randn. */
  std: number({ min: 0, max: 10, default: LOSS_SHAPES_DEFAULTS.std }),
  hiddenSize: int({ min: 1, max: 1024, default: LOSS_SHAPES_DEFAULTS.hiddenSize }),
  /** β of the smoothed line (an exponential moving average with bias correction). */
  smoothing: number({ min: 0, max: 0.999, default: LOSS_SHAPES_DEFAULTS.smoothing }),
  seed: seed({ default: LOSS_SHAPES_DEFAULTS.seed }),
};

/** Bytes of `rows` rows and of the net's weights, float32, held at once. */
function netBytes(rows: number, hidden: number): number {
  return float32Bytes(rows * 3072 * 2 + 3 * (3072 * hidden + hidden * 10));
}

export const LOSS_SHAPES_OPTIONS = defineOptions('babysitting.lossShapes', LOSS_SHAPES_FIELDS, {
  rules(c) {
    if (c.batchSize > c.trainSize) throw new ArgumentError('batchSize', c.batchSize, `at most trainSize (${c.trainSize})`);
  },
  memory: (c) => ({ bytes: netBytes(c.trainSize, c.hiddenSize), argument: 'trainSize', what: `${c.trainSize} rows of 3072 pixels` }),
});

/** Options of {@link lossShapes}. */
export interface LossShapesOptions {
  trainSize?: number; epochs?: number; batchSize?: number; lowLr?: number; goodLr?: number; highLr?: number;
  reg?: number; std?: number; hiddenSize?: number; smoothing?: number; seed?: number;
  /** Live progress (a bar and a live loss chart, each run a phase); never recorded. */
  progress?: ProgressOption;
}

export type LossShapesConfig = ReturnType<typeof LOSS_SHAPES_OPTIONS.resolve>;

/** One run of {@link lossShapes}. */
export interface LossShapeRun {
  role: LossShapeRole;
  lr: number;
  /** The legend's name: role and learning rate. */
  label: string;
  /** The mini-batch loss of every step (null where it was NaN or ∞). */
  losses: (number | null)[];
  /** The smoothed line ({@link smoothLoss}). */
  smoothed: (number | null)[];
  diverged: DivergedAt | null;
  reading: LossReading;
  /** Whether the measured shape is the one the role expects (too low: flat or linear; good: fast then slow; too high: explodes). */
  asExpected: boolean;
}

/** What {@link lossShapes} returns: plain JSON. */
export interface LossShapesRecord {
  experiment: 'babysittingLossShapes';
  options: LossShapesConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  data: { dataset: string; trainRows: number; channelMean: number[]; note: string };
  runs: LossShapeRun[];
  /** The run with the lowest final smoothed loss among those that did not explode, or null. */
  best: LossShapeRole | null;
  meta: { ms: number };
}

/** The shapes each role is expected to show. */
export const EXPECTED_SHAPES: Readonly<Record<LossShapeRole, readonly LossShape[]>> = {
  'too low': ['flat', 'linear'], good: ['fast then slow'], 'too high': ['explodes'],
};

/** A learning rate as the legend writes it: 0.0003 → "3e-4" (0.01 and up as decimals: 0.5). */
export function lrText(lr: number): string {
  if (lr === 0) return '0';
  if (Math.abs(lr) >= 0.01 && Math.abs(lr) < 1e4) return String(Number(lr.toPrecision(3)));
  const [m, e] = lr.toExponential().split('e');
  return `${Number(Number(m).toPrecision(3))}e${Number(e)}`;
}

/** Runs the net once through the loop for one learning rate; shared by lesson 05's monitoring experiments (tests call it too). */
export function monitorRun(train: TwoLayerData, val: TwoLayerData | undefined, o: {
  lr: number; reg: number; std: number; hiddenSize: number; batchSize: number; epochs?: number; steps?: number; seed: number;
  updateRatios?: boolean; keepWeights?: boolean; evalTrainSize?: number; lrDecay?: number;
}, progress?: { report: ProgressCallback; phase: string; offset: number; total: number }): Promise<TwoLayerRun> {
  const options: TwoLayerRunOptions = {
    train, ...(val ? { val } : {}), classes: 10, lr: o.lr, reg: o.reg, std: o.std, hiddenSize: o.hiddenSize, batchSize: o.batchSize,
    ...(o.epochs !== undefined ? { epochs: o.epochs } : { steps: o.steps }), seed: o.seed, evalTrainSize: o.evalTrainSize ?? 1000,
    ...(o.updateRatios ? { updateRatios: true } : {}), ...(o.keepWeights ? { keepWeights: true } : {}), ...(o.lrDecay !== undefined ? { lrDecay: o.lrDecay } : {}),
    ...(progress ? { progress: progress.report, phase: progress.phase, progressOffset: progress.offset, progressTotal: progress.total } : {}),
  };
  return trainTwoLayer(options);
}

/**
 * Three runs of the two-layer net that differ only in the learning rate (one init, one batch
 * order), each loss curve smoothed and read ({@link readLossCurve}); see the module comment.
 *
 * @example
 * const r = await nn.babysitting.lossShapes({ epochs: 3 });
 * r.runs.map((run) => `${run.label}: ${run.reading.text}`)
 * nn.babysitting.showLossShapes(r);
 */
export async function lossShapes(options: LossShapesOptions = {}, source: MonitorSource = {}): Promise<LossShapesRecord> {
  const started = performance.now();
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  const { config, progress } = LOSS_SHAPES_OPTIONS.take(isObject ? withQuickPreset<LossShapesOptions>(options, LOSS_SHAPES_QUICK) : options);
  const lrs: Record<LossShapeRole, number> = { 'too low': config.lowLr, good: config.goodLr, 'too high': config.highLr };
  const labels = LOSS_SHAPE_ROLES.map((role) => `${role}: lr ${lrText(lrs[role])}`);
  const bar = experimentProgress(progress, {
    label: 'babysitting.lossShapes',
    chart: { metric: 'loss', title: 'Mini-batch loss of each run (log scale)', xTitle: 'step', yTitle: 'loss', series: labels, yScale: 'log', every: 5 },
  });
  try {
    const s = await monitorSplits(config.trainSize, 0, config.seed, source);
    const steps = stepsPerEpoch(config.trainSize, config.batchSize) * config.epochs;
    const trainSeed = seedStream(config.seed).derive('train');
    const runs: LossShapeRun[] = [];
    for (const [i, role] of LOSS_SHAPE_ROLES.entries()) {
      const run = await monitorRun(s.train, undefined, { ...config, lr: lrs[role], seed: trainSeed, evalTrainSize: 200 },
        { report: (e) => bar.report(e), phase: labels[i], offset: i * steps, total: 3 * steps });
      const losses = run.losses.map(finiteOrNull);
      const reading = readLossCurve(losses, config.smoothing, LOSS_READING_BOUNDS, run.diverged !== null);
      runs.push({
        role, lr: lrs[role], label: labels[i], losses, smoothed: smoothLoss(losses, config.smoothing), diverged: divergedRecord(run.diverged),
        reading, asExpected: EXPECTED_SHAPES[role].includes(reading.shape),
      });
    }
    const calm = runs.filter((r) => r.reading.shape !== 'explodes' && r.reading.final !== null);
    const best = calm.length === 0 ? null : calm.reduce((a, b) => (b.reading.final! < a.reading.final! ? b : a)).role;
    return {
      experiment: 'babysittingLossShapes', options: config, ...provenance(),
      data: { dataset: s.dataset, trainRows: s.train.count, channelMean: s.channelMean, note: s.note },
      runs, best, meta: { ms: performance.now() - started },
    };
  } finally {
    bar.finish();
  }
}

// ============================================================================ trainValGap

/** The two runs of {@link trainValGap}. */
export const GAP_RUNS = ['tiny subset, no reg', 'full set'] as const;
export type GapRunName = typeof GAP_RUNS[number];

/** Defaults of {@link trainValGap}: 100 vs 5,000 training rows, 1,000 validation rows, 150 steps each at lr 2e-3. */
export const GAP_DEFAULTS = {
  tinySize: 100, trainSize: 5000, valSize: 1000, steps: 150, batchSize: 50, fullBatchSize: 200, lr: 2e-3, reg: 0.25,
  std: 1e-4, hiddenSize: 50, bigGap: 0.15, lowAccuracy: 0.5, seed: 0,
} as const;

/** Quick mode: 50 vs 1,000 rows, 300 validation rows, 40 steps. */
export const GAP_QUICK = { tinySize: 50, trainSize: 1000, valSize: 300, steps: 40, batchSize: 25, fullBatchSize: 100 } as const;

/** The options of {@link trainValGap}, declared once. */
export const GAP_FIELDS = {
  /** Rows of the tiny subset (the first ones of the full set), trained without regularisation. */
  tinySize: int({ min: 2, max: 49_000, default: GAP_DEFAULTS.tinySize }),
  /** Rows of the full set. */
  trainSize: int({ min: 10, max: 49_000, default: GAP_DEFAULTS.trainSize }),
  /** Validation rows, disjoint from the training ones, the same for both runs. */
  valSize: int({ min: 10, max: 10_000, default: GAP_DEFAULTS.valSize }),
  /** SGD steps of each run (both runs take as many; accuracies after every complete epoch). */
  steps: int({ min: 1, max: 100_000, default: GAP_DEFAULTS.steps }),
  /** Batch size on the tiny subset (at most tinySize). */
  batchSize: int({ min: 1, max: 49_000, default: GAP_DEFAULTS.batchSize }),
  /** Batch size on the full set. */
  fullBatchSize: int({ min: 1, max: 49_000, default: GAP_DEFAULTS.fullBatchSize }),
  lr: number({ min: 0, max: 1e6, default: GAP_DEFAULTS.lr }),
  /** L2 strength of the full-set run (the tiny run has none). */
  reg: number({ min: 0, max: 1e6, default: GAP_DEFAULTS.reg }),
  std: number({ min: 0, max: 10, default: GAP_DEFAULTS.std }),
  hiddenSize: int({ min: 1, max: 1024, default: GAP_DEFAULTS.hiddenSize }),
  /** A final train − val accuracy of at least this is a big gap (overfitting). */
  bigGap: number({ min: 0, max: 1, default: GAP_DEFAULTS.bigGap }),
  /** Below the big gap, a training accuracy under this is low (underfitting: more capacity). */
  lowAccuracy: number({ min: 0, max: 1, default: GAP_DEFAULTS.lowAccuracy }),
  seed: seed({ default: GAP_DEFAULTS.seed }),
};

export const GAP_OPTIONS = defineOptions('babysitting.trainValGap', GAP_FIELDS, {
  rules(c, given) {
    if (c.tinySize > c.trainSize) throw new ArgumentError('tinySize', c.tinySize, `at most trainSize (${c.trainSize}): the tiny subset is part of the full set`);
    if (c.batchSize > c.tinySize) throw new ArgumentError('batchSize', c.batchSize, `at most tinySize (${c.tinySize})`);
    if (c.fullBatchSize > c.trainSize) throw new ArgumentError('fullBatchSize', c.fullBatchSize, `at most trainSize (${c.trainSize})`);
    if (c.trainSize + c.valSize > CIFAR_TRAIN_IMAGES) {
      const argument = 'valSize' in given && !('trainSize' in given) ? 'valSize' : 'trainSize';
      throw new ArgumentError(argument, c[argument], '', `${argument} is too large: trainSize ${c.trainSize} + valSize ${c.valSize} must be at most ${CIFAR_TRAIN_IMAGES}, the images of CIFAR-10's training split`);
    }
  },
  memory: (c) => ({ bytes: netBytes(c.trainSize + c.valSize, c.hiddenSize), argument: 'trainSize', what: `${c.trainSize + c.valSize} rows of 3072 pixels` }),
});

/** Options of {@link trainValGap}. */
export interface TrainValGapOptions {
  tinySize?: number; trainSize?: number; valSize?: number; steps?: number; batchSize?: number; fullBatchSize?: number;
  lr?: number; reg?: number; std?: number; hiddenSize?: number; bigGap?: number; lowAccuracy?: number; seed?: number;
  progress?: ProgressOption;
}

export type TrainValGapConfig = ReturnType<typeof GAP_OPTIONS.resolve>;

/** The lecture's reading of a train/validation gap. */
export type GapVerdict = 'overfitting' | 'underfitting' | 'fine';
/** The lecture's reading of each verdict. */
export const GAP_READING: Readonly<Record<GapVerdict, string>> = {
  overfitting: 'big gap: overfitting → increase regularisation (or get more data)',
  underfitting: 'no big gap but low accuracy: underfitting → increase model capacity (or train longer)',
  fine: 'small gap and good accuracy: keep going',
};

/** One run of {@link trainValGap}. */
export interface GapRun {
  name: GapRunName;
  trainRows: number;
  reg: number;
  batchSize: number;
  /** After every complete epoch (epoch 0: before training), with the step it was measured after. */
  epochs: { epoch: number; step: number; trainAcc: number; valAcc: number; gap: number }[];
  /** The last epoch's train and validation accuracy and their difference. */
  finalTrainAcc: number;
  finalValAcc: number;
  gap: number;
  verdict: GapVerdict;
  reading: string;
  diverged: DivergedAt | null;
}

/** What {@link trainValGap} returns: plain JSON. */
export interface TrainValGapRecord {
  experiment: 'babysittingTrainValGap';
  options: TrainValGapConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  data: { dataset: string; trainRows: number; valRows: number; channelMean: number[]; note: string };
  runs: GapRun[];
  meta: { ms: number };
}

/**
 * The lecture's reading of a final train and validation accuracy: gap ≥ `bigGap` → overfitting;
 * otherwise a training accuracy under `lowAccuracy` → underfitting; otherwise fine.
 *
 * @example
 * nn.babysitting.gapVerdict(1.0, 0.18, { bigGap: 0.15, lowAccuracy: 0.5 })   // 'overfitting'
 * nn.babysitting.gapVerdict(0.36, 0.33, { bigGap: 0.15, lowAccuracy: 0.5 })  // 'underfitting'
 */
export function gapVerdict(trainAcc: number, valAcc: number, bounds: { bigGap: number; lowAccuracy: number }): GapVerdict {
  if (trainAcc - valAcc >= bounds.bigGap) return 'overfitting';
  return trainAcc < bounds.lowAccuracy ? 'underfitting' : 'fine';
}

/**
 * Train and validation accuracy per epoch for a tiny subset without regularisation and for the
 * full set (same validation rows, same number of steps, same init); see the module comment.
 *
 * @example
 * const r = await nn.babysitting.trainValGap();
 * r.runs.map((run) => [run.name, run.gap, run.verdict])   // the tiny run's gap is the big one
 * nn.babysitting.showTrainValGap(r);
 */
export async function trainValGap(options: TrainValGapOptions = {}, source: MonitorSource = {}): Promise<TrainValGapRecord> {
  const started = performance.now();
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  const { config, progress } = GAP_OPTIONS.take(isObject ? withQuickPreset<TrainValGapOptions>(options, GAP_QUICK) : options);
  const bar = experimentProgress(progress, {
    label: 'babysitting.trainValGap',
    chart: { metric: 'valAcc', title: 'Validation accuracy after each epoch', xTitle: 'step', yTitle: 'accuracy', series: [...GAP_RUNS] },
  });
  try {
    const s = await monitorSplits(config.trainSize, config.valSize, config.seed, source);
    const D = s.dims;
    const tiny: TwoLayerData = { X: s.train.X.slice(0, config.tinySize * D), y: s.train.y.slice(0, config.tinySize) };
    const trainSeed = seedStream(config.seed).derive('train');
    const plans: { name: GapRunName; data: TwoLayerData; reg: number; batchSize: number }[] = [
      { name: GAP_RUNS[0], data: tiny, reg: 0, batchSize: config.batchSize },
      { name: GAP_RUNS[1], data: s.train, reg: config.reg, batchSize: config.fullBatchSize },
    ];
    const runs: GapRun[] = [];
    for (const [i, plan] of plans.entries()) {
      // the chart's x is the step: the two runs' epochs differ in length
      const offset = i * config.steps;
      const report: ProgressCallback = (e) => bar.report(e.metrics.epoch === undefined ? e : { ...e, metrics: { trainAcc: e.metrics.trainAcc, valAcc: e.metrics.valAcc, step: e.done - offset } });
      const run = await monitorRun(plan.data, s.val, { ...config, reg: plan.reg, batchSize: plan.batchSize, steps: config.steps, seed: trainSeed },
        { report, phase: plan.name, offset, total: 2 * config.steps });
      const perEpoch = stepsPerEpoch(plan.data.y.length, plan.batchSize);
      const epochs = run.epochs.map((e) => ({ epoch: e.epoch, step: e.epoch * perEpoch, trainAcc: e.trainAcc, valAcc: e.valAcc!, gap: e.trainAcc - e.valAcc! }));
      const last = epochs[epochs.length - 1];
      const verdict = gapVerdict(last.trainAcc, last.valAcc, config);
      runs.push({
        name: plan.name, trainRows: plan.data.y.length, reg: plan.reg, batchSize: plan.batchSize, epochs,
        finalTrainAcc: last.trainAcc, finalValAcc: last.valAcc, gap: last.gap, verdict, reading: GAP_READING[verdict], diverged: divergedRecord(run.diverged),
      });
    }
    return {
      experiment: 'babysittingTrainValGap', options: config, ...provenance(),
      data: { dataset: s.dataset, trainRows: s.train.count, valRows: s.val.count, channelMean: s.channelMean, note: s.note },
      runs, meta: { ms: performance.now() - started },
    };
  } finally {
    bar.finish();
  }
}
