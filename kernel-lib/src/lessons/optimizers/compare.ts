/**
 * Lesson 07, part 2: the lecture's two-layer net (3072 → 50 → 10, ReLU, softmax, L2 on W1 and W2,
 * `nets/twoLayer`'s loss and hand-written gradients) on CIFAR-10 rows (0–255 units with the
 * training part's channel means subtracted, `nn.data.flatSplits`) trained with each optimizer of
 * `nn.nets.OPTIMIZERS` through THE training loop (`nets/train`): one seed, one init, one batch
 * order, only the update rule differs (`nn.nets.createOptimizer(name).apply(vars, grads, at.lr)`).
 *
 * Learning rates ({@link COMPARE_LRS}): on this scale lesson 05's plain SGD learns at 1e-3 – 2e-3
 * and explodes at 5e-3, so SGD gets 1e-3 (the lecture's value). Momentum and Nesterov with ρ = 0.9
 * take steps up to 1/(1 − ρ) = 10 times larger once the velocity has built up, so they get 5e-4
 * (an effective 5e-3, stable here where plain SGD at 5e-3 is not: the velocity averages the noise);
 * the adaptive ones divide by the root of the squared gradient, so their lr is the step size per
 * weight: Adam (and AdamW, Adam without bias correction) 5e-4, RMSProp 1e-4, AdaGrad 1e-3 (its
 * cache only grows). Each is the best of a coarse scan (seed 1, 100 steps: SGD 1e-3/2e-3, momentum
 * 1e-4 – 1e-3, Adam 1e-4 – 1e-3, RMSProp 1e-4/3e-4, AdaGrad 1e-3/3e-3), not tuned further.
 *
 * Measured (wasm, defaults: 5,000 rows, batch 200, 4 epochs = 100 steps; final loss = mean of the
 * last 10 batches / validation accuracy on 1,000 rows), seeds 0, 1, 2:
 * SGD 1.94 / 0.30, 1.97 / 0.32, 1.96 / 0.28; momentum 1.69 / 0.37, 1.73 / 0.38, 1.72 / 0.38;
 * Nesterov 1.62 / 0.38, 1.68 / 0.40, 1.66 / 0.37; AdaGrad 1.52 / 0.39, 1.56 / 0.41, 1.52 / 0.40;
 * RMSProp 1.52 / 0.38, 1.56 / 0.40, 1.52 / 0.40; Adam 1.42 / 0.39, 1.54 / 0.40, 1.49 / 0.39.
 * Every seed: SGD > momentum > Nesterov > AdaGrad ≈ RMSProp > Adam in final loss. Quick mode (500
 * rows, 20 steps; SGD, momentum, Adam): SGD never leaves ln 10 (2.300), momentum barely (2.28–2.29),
 * Adam 1.86–1.99. What held for all seeds in both modes is what the check cells assert: Adam and
 * momentum end with a lower loss than plain SGD.
 *
 * @example
 * const r = await nn.optimizers.compareOptimizers({ optimizers: ['sgd', 'momentum', 'adam'] });
 * r.runs.map((run) => [run.optimizer, run.finalLoss, run.finalValAcc])
 * nn.optimizers.showCompareOptimizers(r);
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../../core/errors';
import { withQuickPreset } from '../../core/config';
import { defineOptions, float32Bytes, int, list, number, oneOf, seed } from '../../core/options';
import type { ProgressCallback, ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import type { ImageDataset, LoadOptions } from '../../data/load';
import { flatSplits, FlatSplits } from '../../data/splits';
import { createOptimizer, OptimizerConfig, OptimizerName, OPTIMIZERS, OPTIMIZER_LABELS } from '../../nets/optim';
import { makeSchedule, ScheduleSpec } from '../../nets/schedules';
import { stepsPerEpoch, train } from '../../nets/train';
import { initTwoLayer, TwoLayerParams, twoLayerLoss, twoLayerScores, TWO_LAYER_STD } from '../../nets/twoLayer';
import type { TwoLayerData } from '../../nets/twoLayerTrain';
import { experimentProgress } from '../../show/progress';

/** Images to use instead of CIFAR-10 (tests pass synthetic ones); never recorded. */
export interface TrainingSource { load?: (name: string, o: LoadOptions) => Promise<ImageDataset> }

/**
 * Seeded, disjoint train / validation rows with the train part's channel means subtracted.
 *
 * @example
 * const s = await nn.optimizers.trainingSplits(500, 200, 0);
 * s.train.count   // 500
 */
export function trainingSplits(trainSize: number, valSize: number, seedValue: number, source: TrainingSource = {}): Promise<FlatSplits> {
  return flatSplits({ train: trainSize, val: valSize, test: 0, seed: seedStream(seedValue).derive('data') }, source);
}

/** Each optimizer's learning rate in this lesson's runs (0–255 pixels; see the module comment). */
export const COMPARE_LRS: Readonly<Record<OptimizerName, number>> = {
  sgd: 1e-3, momentum: 5e-4, nesterov: 5e-4, adagrad: 1e-3, rmsprop: 1e-4, adam: 5e-4, 'adam-nobias': 5e-4, adamw: 5e-4,
};

/** Numbers of one epoch; epoch 0 is before training. */
export interface OptimizerEpoch {
  epoch: number;
  /** Mean mini-batch loss of the epoch (null at epoch 0). */
  loss: number | null;
  valAcc: number;
  /** Data loss (no reg) on the validation rows. */
  valLoss: number;
}

/** What {@link optimizerRun} returns: plain JSON. */
export interface OptimizerRunResult {
  /** Mini-batch loss of every step (null where not finite). */
  losses: (number | null)[];
  epochs: OptimizerEpoch[];
  /** The learning rate of every step (from the schedule; constant without one). */
  lrs: number[];
  /** Step where the loss became NaN/∞ (the run stops there), or null. */
  divergedAt: number | null;
  /** With `emaDecay`: the averaged weights' validation accuracy and loss per epoch (epoch 0: the init). */
  ema?: { valAcc: number[]; valLoss: number[] };
}

/** Options of one run. */
export interface OptimizerRunOptions {
  optimizer: OptimizerName;
  /** Over the optimizer's defaults; `lr` is the base rate (a schedule's lr0 replaces it). */
  config?: Partial<OptimizerConfig>;
  reg: number; std?: number; hiddenSize: number; batchSize: number; epochs: number;
  /** Seed of the init and the batch order (the same for every optimizer). */
  seed: number;
  /** A learning-rate schedule, handed to the training loop. */
  schedule?: ScheduleSpec;
  /** Keep an exponential moving average of the weights with this decay and evaluate it too. */
  emaDecay?: number;
}

const round = (v: number) => (Number.isFinite(v) ? v : null);

/**
 * One run of the two-layer net with optimizer `o.optimizer` through THE training loop; the
 * schedule (if any) reaches the update as `at.lr`. With `emaDecay` = β the loop also keeps
 * a shadow copy of every weight, s ← β·s + (1 − β)·w after every step (s₀ = 0), and evaluates the
 * bias-corrected ŝ = s / (1 − βᵗ) (as Adam's moments; without it the early average would be pulled
 * to 0) next to the raw weights.
 *
 * @example
 * const s = await nn.optimizers.trainingSplits(500, 200, 0);
 * const run = await nn.optimizers.optimizerRun(s.train, s.val, { optimizer: 'adam', config: { lr: 1e-4 }, reg: 1e-3, hiddenSize: 50, batchSize: 100, epochs: 2, seed: 0 });
 * run.epochs.map((e) => e.valAcc)   // chance at epoch 0, then rising
 */
export async function optimizerRun(trainRows: TwoLayerData, val: TwoLayerData, o: OptimizerRunOptions,
  progress?: { report: ProgressCallback; phase: string; offset: number; total: number }): Promise<OptimizerRunResult> {
  const rows = trainRows.y.length;
  const dims = trainRows.X.length / rows;
  const valRows = val.y.length;
  const optimizer = createOptimizer(o.optimizer, o.config ?? {});
  const schedule = o.schedule ? makeSchedule(o.schedule) : undefined;
  const seeds = seedStream(o.seed);
  const init = initTwoLayer({ inputSize: dims, hiddenSize: o.hiddenSize, classes: 10, std: o.std ?? TWO_LAYER_STD, seed: seeds.derive('init') });
  const vars = { W1: tf.variable(init.W1), b1: tf.variable(init.b1), W2: tf.variable(init.W2), b2: tf.variable(init.b2) };
  tf.dispose(Object.values(init));
  const list = [vars.W1, vars.b1, vars.W2, vars.b2];
  const X = tf.tensor2d(trainRows.X, [rows, dims]);
  const y = tf.tensor1d(trainRows.y, 'int32');
  const Xval = tf.tensor2d(val.X, [valRows, dims]);
  const yvalHot = tf.tidy(() => tf.oneHot(tf.tensor1d(val.y, 'int32'), 10));
  const beta = o.emaDecay;
  let shadow: tf.Tensor[] | null = beta === undefined ? null : list.map((v) => tf.zerosLike(v));
  let emaSteps = 0;
  const emaLog = beta === undefined ? undefined : { valAcc: [] as number[], valLoss: [] as number[] };
  const evaluate = (p: TwoLayerParams): { acc: number; loss: number } => {
    const scores = twoLayerScores(p, Xval);
    const [top, mean] = tf.tidy(() => [tf.argMax(scores, 1), tf.losses.softmaxCrossEntropy(yvalHot, scores)]);
    const predicted = top.dataSync();
    const loss = mean.dataSync()[0];
    tf.dispose([scores, top, mean]);
    let hits = 0;
    for (let i = 0; i < valRows; i++) if (predicted[i] === val.y[i]) hits += 1;
    return { acc: hits / valRows, loss };
  };
  const averaged = (): TwoLayerParams => {
    const c = emaSteps === 0 ? 1 : 1 - beta! ** emaSteps;
    const [W1, b1, W2, b2] = shadow!.map((s, i) => (emaSteps === 0 ? tf.clone(list[i]) : tf.div(s, c)));
    return { W1, b1, W2, b2 } as TwoLayerParams;
  };
  const order = seeds.fork('batches');
  const orders: ReturnType<typeof order.random>[] = [];
  try {
    const result = await train({
      step: (batch, at) => {
        const idx = tf.tensor1d(batch, 'int32');
        const Xb = tf.gather(X, idx) as tf.Tensor2D;
        const yb = tf.gather(y, idx) as tf.Tensor1D;
        const { loss, dataLoss, regLoss, grads } = twoLayerLoss(vars as unknown as TwoLayerParams, Xb, yb, { reg: o.reg });
        tf.dispose([idx, Xb, yb]);
        optimizer.apply(list, [grads.W1, grads.b1, grads.W2, grads.b2], at.lr);
        tf.dispose([dataLoss, regLoss, grads.W1, grads.b1, grads.W2, grads.b2]);
        if (shadow) {
          const next = tf.tidy(() => shadow!.map((s, i) => tf.add(tf.mul(s, beta!), tf.mul(list[i], 1 - beta!))));
          tf.dispose(shadow);
          shadow = next;
          emaSteps += 1;
        }
        return loss;
      },
    }, { count: rows }, {
      batchSize: o.batchSize, epochs: o.epochs, schedule, onDiverge: 'stop', evaluateFirst: true,
      order: (epoch) => { while (orders.length <= epoch) orders.push(order.random()); return orders[epoch]; },
      evaluate: () => {
        const raw = evaluate(vars as unknown as TwoLayerParams);
        if (emaLog) {
          const p = averaged();
          const e = evaluate(p);
          tf.dispose(Object.values(p));
          emaLog.valAcc.push(e.acc);
          emaLog.valLoss.push(e.loss);
        }
        return { valAcc: raw.acc, valLoss: raw.loss };
      },
      ...(progress ? { progress: progress.report, phase: progress.phase, progressOffset: progress.offset, progressTotal: progress.total } : {}),
    });
    const base = o.config?.lr ?? optimizer.config.lr;
    return {
      losses: result.losses.map(round),
      epochs: result.epochs.map((e) => ({ epoch: e.epoch, loss: e.loss === null ? null : round(e.loss), valAcc: e.metrics.valAcc, valLoss: e.metrics.valLoss })),
      lrs: result.lrs ?? new Array<number>(result.steps).fill(base),
      divergedAt: result.divergedAt,
      ...(emaLog ? { ema: emaLog } : {}),
    };
  } finally {
    optimizer.dispose();
    tf.dispose([...list, X, y, Xval, yvalHot, ...(shadow ?? [])]);
  }
}

/**
 * Mean of the last `n` finite losses (what "final loss" means in these records: less noisy than one batch).
 *
 * @example
 * nn.optimizers.tailMean([2.3, null, 2, 1], 2)   // 1.5
 */
export function tailMean(losses: readonly (number | null)[], n: number): number | null {
  const finite = losses.filter((v): v is number => v !== null);
  if (finite.length === 0) return null;
  const tail = finite.slice(-Math.max(1, n));
  return tail.reduce((a, b) => a + b, 0) / tail.length;
}

// ============================================================================ compareOptimizers

/** Defaults of {@link compareOptimizers}: 5,000 rows, 1,000 validation rows, batch 200, 4 epochs (100 steps). */
export const COMPARE_DEFAULTS = {
  optimizers: ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'] as readonly OptimizerName[],
  trainSize: 5000, valSize: 1000, batchSize: 200, epochs: 4, reg: 1e-3, std: TWO_LAYER_STD, hiddenSize: 50, tail: 10, seed: 0,
} as const;

/** Quick mode: 500 rows, 200 validation rows, batch 50, 2 epochs (20 steps), SGD, momentum and Adam. */
export const COMPARE_QUICK = { optimizers: ['sgd', 'momentum', 'adam'] as OptimizerName[], trainSize: 500, valSize: 200, batchSize: 50, epochs: 2 };

/** Fields shared by this part's experiments. */
export const NET_FIELDS = {
  trainSize: int({ min: 10, max: 49_000, default: COMPARE_DEFAULTS.trainSize }),
  valSize: int({ min: 10, max: 1_000, default: COMPARE_DEFAULTS.valSize }),
  batchSize: int({ min: 1, max: 49_000, default: COMPARE_DEFAULTS.batchSize }),
  epochs: int({ min: 1, max: 100, default: COMPARE_DEFAULTS.epochs }),
  /** L2 strength: loss + 0.5·reg·(ΣW1² + ΣW2²). */
  reg: number({ min: 0, max: 1e3, default: COMPARE_DEFAULTS.reg }),
  std: number({ min: 0, max: 10, default: COMPARE_DEFAULTS.std }),
  hiddenSize: int({ min: 1, max: 1024, default: COMPARE_DEFAULTS.hiddenSize }),
  /** "Final loss" is the mean of the last `tail` mini-batch losses. */
  tail: int({ min: 1, max: 1000, default: COMPARE_DEFAULTS.tail }),
  seed: seed({ default: COMPARE_DEFAULTS.seed }),
};

/** Bytes of the rows and of the net's weights and optimizer state, float32. */
export function netBytes(c: { trainSize: number; valSize: number; hiddenSize: number }): number {
  return float32Bytes((c.trainSize + c.valSize) * 3072 * 2 + 5 * (3072 * c.hiddenSize + c.hiddenSize * 10));
}

/** `batchSize ≤ trainSize`. */
export function netRules(c: { batchSize: number; trainSize: number }): void {
  if (c.batchSize > c.trainSize) throw new ArgumentError('batchSize', c.batchSize, `at most trainSize (${c.trainSize})`);
}

export const COMPARE_OPTIONS = defineOptions('optimizers.compareOptimizers', {
  /** Which optimizers, in drawing order (each with its lr from COMPARE_LRS unless `lrs` says otherwise). */
  optimizers: list(oneOf(OPTIMIZERS), { minLength: 1, maxLength: OPTIMIZERS.length, unique: true, default: COMPARE_DEFAULTS.optimizers }),
  /** Learning rates, one per optimizer in the same order (empty: COMPARE_LRS). */
  lrs: list(number({ min: 0, max: 10 }), { minLength: 0, maxLength: OPTIMIZERS.length, default: [] }),
  ...NET_FIELDS,
}, {
  rules(c) {
    netRules(c);
    if (c.lrs.length > 0 && c.lrs.length !== c.optimizers.length) throw new ArgumentError('lrs', c.lrs, `one learning rate per optimizer (${c.optimizers.length}), or none`);
  },
  memory: (c) => ({ bytes: netBytes(c), argument: 'trainSize', what: `${c.trainSize + c.valSize} rows of 3072 pixels` }),
});

export type CompareOptimizersConfig = ReturnType<typeof COMPARE_OPTIONS.resolve>;

/** Options of {@link compareOptimizers}. */
export interface CompareOptimizersOptions {
  optimizers?: readonly OptimizerName[]; lrs?: readonly number[];
  trainSize?: number; valSize?: number; batchSize?: number; epochs?: number; reg?: number; std?: number; hiddenSize?: number; tail?: number; seed?: number;
  /** Live progress (a bar and a live loss chart, one phase per optimizer); never recorded. */
  progress?: ProgressOption;
}

/** One optimizer's run in {@link compareOptimizers}. */
export interface CompareRun extends OptimizerRunResult {
  optimizer: OptimizerName;
  label: string;
  lr: number;
  /** Mean of the last `tail` mini-batch losses (null if none was finite). */
  finalLoss: number | null;
  finalValAcc: number;
}

/** What {@link compareOptimizers} returns: plain JSON. */
export interface CompareOptimizersRecord {
  experiment: 'optimizersCompare';
  options: CompareOptimizersConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  data: { dataset: string; trainRows: number; valRows: number; note: string };
  runs: CompareRun[];
  /** The optimizer with the lowest final loss. */
  best: OptimizerName | null;
  meta: { ms: number };
}

/** Accepts quick-mode presets when options is an object. */
export function quickOptions<T extends object>(options: unknown, preset: Partial<T>): unknown {
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  return isObject ? withQuickPreset<T>(options as Partial<T>, preset) : options;
}

/**
 * The net trained once per optimizer (same seed, init, data and batch order); see the module comment.
 *
 * @example
 * const r = await nn.optimizers.compareOptimizers({ optimizers: ['sgd', 'adam'], epochs: 2 });
 * r.best   // 'adam' or another: the lowest final loss
 */
export async function compareOptimizers(options: CompareOptimizersOptions = {}, source: TrainingSource = {}): Promise<CompareOptimizersRecord> {
  const started = performance.now();
  const { config, progress } = COMPARE_OPTIONS.take(quickOptions<CompareOptimizersOptions>(options, COMPARE_QUICK));
  const labels = config.optimizers.map((n) => OPTIMIZER_LABELS[n]);
  const bar = experimentProgress(progress, {
    label: 'optimizers.compareOptimizers',
    chart: { metric: 'loss', title: 'Mini-batch loss per optimizer', xTitle: 'step', yTitle: 'loss', series: labels, every: 5 },
  });
  try {
    const s = await trainingSplits(config.trainSize, config.valSize, config.seed, source);
    const steps = stepsPerEpoch(config.trainSize, config.batchSize) * config.epochs;
    const trainSeed = seedStream(config.seed).derive('train');
    const runs: CompareRun[] = [];
    for (const [i, name] of config.optimizers.entries()) {
      const lr = config.lrs.length > 0 ? config.lrs[i] : COMPARE_LRS[name];
      const run = await optimizerRun(s.train, s.val, { ...config, optimizer: name, config: { lr }, seed: trainSeed },
        { report: (e) => bar.report(e), phase: labels[i], offset: i * steps, total: config.optimizers.length * steps });
      runs.push({ optimizer: name, label: labels[i], lr, ...run, finalLoss: tailMean(run.losses, config.tail), finalValAcc: run.epochs[run.epochs.length - 1].valAcc });
    }
    const finite = runs.filter((r) => r.finalLoss !== null && r.divergedAt === null);
    const best = finite.length === 0 ? null : finite.reduce((a, b) => (b.finalLoss! < a.finalLoss! ? b : a)).optimizer;
    return {
      experiment: 'optimizersCompare', options: config, ...provenance(),
      data: { dataset: s.dataset, trainRows: s.train.count, valRows: s.val.count, note: s.note },
      runs, best, meta: { ms: performance.now() - started },
    };
  } finally {
    bar.finish();
  }
}
