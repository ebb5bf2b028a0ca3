/**
 * Lesson 07, learning-rate schedules: every schedule of `nn.nets.SCHEDULES` (and a warmup in front
 * of the cosine) as values over N steps ({@link scheduleCurves}), and the real two-layer net trained
 * with a constant rate and with a decaying one, the schedule handed to THE training loop
 * (`schedule` option → `at.lr` → `optimizer.apply(vars, grads, at.lr)`) ({@link decayRun}).
 *
 * The shapes over N steps, each from lr0 ({@link scheduleSpecs}):
 * - `step`: ×0.1 at N/3 and 2N/3; `exp`: e^(−k·t) with k = ln 100 / N (lr0/100 at N);
 * - `inv`: 1/(1 + k·t) with k = 9/N (lr0/10 at N); `invsqrt`: k = 99/N (lr0/10 at N);
 * - `cosine` and `linear`: to 0 at N; `sgdr`: cosine cycles of N/7, 2N/7, 4N/7 restarting at lr0;
 * - `warmup`: a linear warmup over the first N/10 steps (lr0·(t + 1)/w), then a cosine to 0 at N.
 *
 * @example
 * const r = nn.optimizers.scheduleCurves({ steps: 100 });
 * r.curves.map((c) => [c.kind, c.values[99]])
 * nn.optimizers.showScheduleCurves(r);
 */
import { ArgumentError, checkInt, checkNumber, checkOneOf } from '../../core/errors';
import { defineOptions, number, int, oneOf } from '../../core/options';
import type { ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import { OptimizerName, OPTIMIZERS, OPTIMIZER_LABELS } from '../../nets/optim';
import { ScheduleSpec, scheduleValues, SCHEDULES } from '../../nets/schedules';
import { stepsPerEpoch } from '../../nets/train';
import { experimentProgress } from '../../show/progress';
import { NET_FIELDS, netBytes, netRules, optimizerRun, OptimizerRunResult, quickOptions, tailMean, TrainingSource, trainingSplits } from './compare';

/** The schedules this lesson draws: the loop's kinds, and `warmup` (a linear warmup, then cosine). */
export const SCHEDULE_KINDS = [...SCHEDULES, 'warmup'] as const;
export type ScheduleShown = typeof SCHEDULE_KINDS[number];

/**
 * The spec of schedule `kind` running over `steps` steps from `lr0` (the shapes of the module comment).
 *
 * @example
 * nn.optimizers.scheduleSpec('warmup', 1e-3, 100)   // { kind: 'cosine', lr0: 1e-3, total: 90, warmup: 10 }
 * nn.optimizers.scheduleSpec('exp', 1e-3, 100)      // { kind: 'exp', lr0: 1e-3, k: 0.046… }
 */
export function scheduleSpec(kind: string, lr0: number, steps: number): ScheduleSpec {
  const k = checkOneOf('schedule kind', kind, SCHEDULE_KINDS);
  const n = checkInt('steps', steps, { min: 2, max: 10_000_000 });
  checkNumber('lr0', lr0, { min: 0, max: 1e6 });
  switch (k) {
    case 'constant': return { kind: 'constant', lr0 };
    case 'step': return { kind: 'step', lr0, every: Math.max(1, Math.ceil(n / 3)), factor: 0.1 };
    case 'exp': return { kind: 'exp', lr0, k: Math.log(100) / n };
    case 'inv': return { kind: 'inv', lr0, k: 9 / n };
    case 'invsqrt': return { kind: 'invsqrt', lr0, k: 99 / n };
    case 'cosine': return { kind: 'cosine', lr0, total: n };
    case 'linear': return { kind: 'linear', lr0, total: n };
    case 'sgdr': return { kind: 'sgdr', lr0, period: Math.max(1, Math.ceil(n / 7)), mult: 2 };
    case 'warmup': {
      const warmup = Math.max(1, Math.round(n / 10));
      return { kind: 'cosine', lr0, total: Math.max(1, n - warmup), warmup };
    }
  }
}

/** What each schedule is called in a legend. */
export const SCHEDULE_LABELS: Readonly<Record<ScheduleShown, string>> = {
  constant: 'constant', step: 'step (×0.1 twice)', exp: 'exponential', inv: '1/t', invsqrt: '1/√t', cosine: 'cosine',
  linear: 'linear', sgdr: 'SGDR (restarts)', warmup: 'warmup + cosine',
};

export const SCHEDULE_CURVES_OPTIONS = defineOptions('optimizers.scheduleCurves', {
  /** Steps drawn. */
  steps: int({ min: 10, max: 100_000, default: 300 }),
  /** The initial learning rate of every schedule. */
  lr0: number({ min: 1e-12, max: 10, default: 1e-3 }),
});

export type ScheduleCurvesConfig = ReturnType<typeof SCHEDULE_CURVES_OPTIONS.resolve>;

/** One schedule's values. */
export interface ScheduleCurve { kind: ScheduleShown; label: string; spec: ScheduleSpec; values: number[] }

/** What {@link scheduleCurves} returns: plain JSON. */
export interface ScheduleCurvesRecord {
  experiment: 'optimizersScheduleCurves';
  options: ScheduleCurvesConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  curves: ScheduleCurve[];
  meta: { ms: number };
}

/**
 * The values of every schedule over `steps` steps (pure arithmetic, no tensors).
 *
 * @example
 * const r = nn.optimizers.scheduleCurves({ steps: 100, lr0: 0.1 });
 * r.curves.find((c) => c.kind === 'step')!.values[40]   // 0.01
 */
export function scheduleCurves(options: { steps?: number; lr0?: number; progress?: ProgressOption } = {}): ScheduleCurvesRecord {
  const started = performance.now();
  const { config } = SCHEDULE_CURVES_OPTIONS.take(options);
  const curves = SCHEDULE_KINDS.map((kind) => {
    const spec = scheduleSpec(kind, config.lr0, config.steps);
    return { kind, label: SCHEDULE_LABELS[kind], spec, values: scheduleValues(spec, config.steps) };
  });
  return { experiment: 'optimizersScheduleCurves', options: config, ...provenance(), curves, meta: { ms: performance.now() - started } };
}

// ============================================================================ decayRun

/**
 * Defaults of {@link decayRun}: SGD + momentum at 5e-4 with and without a cosine decay to 0, 5,000
 * rows, 6 epochs (150 steps). Measured (wasm, seeds 0, 1, 2; constant vs cosine): validation loss
 * 1.86 vs 1.76, 1.81 vs 1.71, 1.84 vs 1.74 (the decay lower every time); validation accuracy 0.364
 * vs 0.383, 0.372 vs 0.385, 0.380 vs 0.372; mean of the last 10 mini-batch losses 1.50 vs 1.59,
 * 1.59 vs 1.62, 1.51 vs 1.61 (the constant rate lower every time). Quick mode (20 steps): the
 * decay only slows the net down (2.29 vs 2.30).
 */
export const DECAY_DEFAULTS = { optimizer: 'momentum' as OptimizerName, lr: 5e-4, kind: 'cosine' as ScheduleShown, epochs: 6 } as const;

/** Quick mode: 500 rows, 200 validation rows, batch 50, 2 epochs (20 steps). */
export const DECAY_QUICK = { trainSize: 500, valSize: 200, batchSize: 50, epochs: 2 } as const;

export const DECAY_OPTIONS = defineOptions('optimizers.decayRun', {
  optimizer: oneOf(OPTIMIZERS, { default: DECAY_DEFAULTS.optimizer }),
  /** The constant rate, and lr0 of the schedule. */
  lr: number({ min: 0, max: 10, default: DECAY_DEFAULTS.lr }),
  /** The decay (over the whole run, shapes as in scheduleCurves). */
  kind: oneOf(SCHEDULE_KINDS.filter((k) => k !== 'constant'), { default: DECAY_DEFAULTS.kind }),
  ...NET_FIELDS,
  epochs: int({ min: 1, max: 100, default: DECAY_DEFAULTS.epochs }),
}, {
  rules: netRules,
  memory: (c) => ({ bytes: netBytes(c), argument: 'trainSize', what: `${c.trainSize + c.valSize} rows of 3072 pixels` }),
});

export type DecayRunConfig = ReturnType<typeof DECAY_OPTIONS.resolve>;

/** Options of {@link decayRun}. */
export interface DecayRunOptions {
  optimizer?: OptimizerName; lr?: number; kind?: Exclude<ScheduleShown, 'constant'>;
  trainSize?: number; valSize?: number; batchSize?: number; epochs?: number; reg?: number; std?: number; hiddenSize?: number; tail?: number; seed?: number;
  progress?: ProgressOption;
}

/** One of the two runs of {@link decayRun}. */
export interface DecayRunPart extends OptimizerRunResult {
  name: 'constant' | 'decay';
  label: string;
  spec: ScheduleSpec;
  finalLoss: number | null;
  finalValAcc: number;
  finalValLoss: number;
}

/** What {@link decayRun} returns: plain JSON. */
export interface DecayRunRecord {
  experiment: 'optimizersDecay';
  options: DecayRunConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  data: { dataset: string; trainRows: number; valRows: number; note: string };
  runs: [DecayRunPart, DecayRunPart];
  meta: { ms: number };
}

/**
 * The net trained twice, same seed, init and batches: at a constant rate and with the rate decayed
 * by schedule `kind` over the run (through the loop's `schedule` option).
 *
 * @example
 * const r = await nn.optimizers.decayRun({ kind: 'step' });
 * r.runs.map((run) => [run.name, run.finalLoss, run.finalValAcc])
 */
export async function decayRun(options: DecayRunOptions = {}, source: TrainingSource = {}): Promise<DecayRunRecord> {
  const started = performance.now();
  const { config, progress } = DECAY_OPTIONS.take(quickOptions<DecayRunOptions>(options, DECAY_QUICK));
  const steps = stepsPerEpoch(config.trainSize, config.batchSize) * config.epochs;
  if (steps < 2) throw new ArgumentError('epochs', config.epochs, 'enough epochs for at least 2 steps');
  const specs = { constant: scheduleSpec('constant', config.lr, steps), decay: scheduleSpec(config.kind, config.lr, steps) };
  const labels = { constant: `constant lr ${config.lr}`, decay: `${SCHEDULE_LABELS[config.kind]} from ${config.lr}` };
  const bar = experimentProgress(progress, {
    label: 'optimizers.decayRun',
    chart: { metric: 'loss', title: `Mini-batch loss, ${OPTIMIZER_LABELS[config.optimizer]}`, xTitle: 'step', yTitle: 'loss', series: [labels.constant, labels.decay], every: 5 },
  });
  try {
    const s = await trainingSplits(config.trainSize, config.valSize, config.seed, source);
    const trainSeed = seedStream(config.seed).derive('train');
    const runs: DecayRunPart[] = [];
    for (const [i, name] of (['constant', 'decay'] as const).entries()) {
      const run = await optimizerRun(s.train, s.val, { ...config, optimizer: config.optimizer, config: { lr: config.lr }, schedule: specs[name], seed: trainSeed },
        { report: (e) => bar.report(e), phase: labels[name], offset: i * steps, total: 2 * steps });
      const last = run.epochs[run.epochs.length - 1];
      runs.push({ name, label: labels[name], spec: specs[name], ...run, finalLoss: tailMean(run.losses, config.tail), finalValAcc: last.valAcc, finalValLoss: last.valLoss });
    }
    return {
      experiment: 'optimizersDecay', options: config, ...provenance(),
      data: { dataset: s.dataset, trainRows: s.train.count, valRows: s.val.count, note: s.note },
      runs: runs as [DecayRunPart, DecayRunPart], meta: { ms: performance.now() - started },
    };
  } finally {
    bar.finish();
  }
}

