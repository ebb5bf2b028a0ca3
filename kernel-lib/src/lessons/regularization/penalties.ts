/**
 * Weight penalties (lesson 08, regularization): L = data loss + λ·R(W), over the weight matrices
 * W₁ and W₂ of the lecture's two-layer net, never the biases:
 *
 * | penalty | R(W) | ∂R/∂W |
 * |---|---|---|
 * | `l2` (weight decay) | ½·ΣW² | W |
 * | `l1` | Σ\|W\| | sign(W) (a subgradient: 0 at W = 0) |
 * | `elastic` | ρ·Σ\|W\| + (1 − ρ)·½·ΣW² | ρ·sign(W) + (1 − ρ)·W |
 *
 * ({@link penaltyTerm} in float32 tensors, {@link penalty64} the float64 reference of tests.) The
 * experiment {@link regularize} sweeps λ for each penalty on a net that overfits (a small CIFAR-10
 * training subset), keeps the train/val/test discipline (λ and the penalty are chosen on the
 * validation rows; the test rows are read ONCE, for the chosen model only) and measures the
 * weights at the end: L1 drives many weights to (near) zero, L2 keeps them small and dense.
 *
 * Measured (wasm, seed 0, the defaults: 500 training rows, 1,000 val, 1,000 test, 400 steps of
 * 50 rows at lr 2e-3, 105 s): without a penalty train 1.00, val 0.301 (gap 0.70). The gap shrinks
 * with λ (L2 0.70 → 0.31 at λ 10 → 0.08 at 100; L1 0.70 → 0.47 at 1e-2 → 0.08 at 0.1), and the
 * largest λ underfits (train 0.21–0.23). Validation accuracy hardly moves before it falls: the best
 * was 0.305 (elastic net, λ 3e-3), test 0.31 read once; on 500 rows a penalty closes the gap
 * without buying accuracy. Near-zero weights (|w| < 0.001·max|w|): no penalty 3%, L2 at most 4%
 * while it still fits (λ ≤ 1; 39% at λ 100, where every weight is tiny), L1 21% at λ 1e-3, 40% at
 * 3e-3, 59% at 1e-2. Quick mode (200 rows, 25 steps, two λ a penalty) is too short to overfit
 * (train 0.41); the sparsity ratio and the underfitting at the largest λ still hold there.
 *
 * @example
 * const r = await nn.regularization.regularize({ penalties: ['l2'], lambdas: [1e-2, 1, 10] });
 * r.chosen   // { penalty: 'l2', lambda: ..., valAcc: ..., testAcc: ... }: the one test read
 * nn.regularization.showRegularize(r);
 */
import { ArgumentError } from '../../core/errors';
import { quickOr, withQuickPreset } from '../../core/config';
import { defineOptions, float32Bytes, int, list, number, oneOf, optional, probability, seed } from '../../core/options';
import type { ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import { histogram } from '../../core/stats';
import { experimentProgress } from '../../show/progress';
import { NetArrays, netAccuracy, netRun, RegularizationSource, regularizationSplits } from './netRun';
import { Penalty, PENALTIES, PENALTY_LABELS, WeightStats, weightStats } from './penalty';

// ============================================================================ regularize

/**
 * The λ swept for each penalty when `lambdas` is not given. The scales differ: L2's gradient is
 * λ·W with |W| ≈ 1e-3, L1's is λ·sign(W), so L1 bites at a λ a thousand times smaller. Each grid
 * runs from "no visible effect" to "train accuracy falls toward chance". Plain SGD keeps
 * lr·λ < 2 for L2 (else W ← (1 − lr·λ)·W … flips and grows).
 */
export const LAMBDA_GRIDS: Readonly<Record<Penalty, readonly number[]>> = {
  l2: [1e-2, 1e-1, 1, 10, 30, 100], l1: [1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1], elastic: [1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1],
};

/** The grids of quick mode: two λ per penalty, one that still learns and one that underfits. */
export const LAMBDA_GRIDS_QUICK: Readonly<Record<Penalty, readonly number[]>> = {
  l2: [10, 100], l1: [1e-2, 1e-1], elastic: [1e-2, 1e-1],
};

/** Defaults of {@link regularize}: 500 training rows (the net overfits them), λ from {@link LAMBDA_GRIDS}. */
export const REGULARIZE_DEFAULTS = {
  penalties: ['l2', 'l1', 'elastic'] as readonly Penalty[], lambdas: null, l1Ratio: 0.5,
  trainSize: 500, valSize: 1000, testSize: 1000, steps: 400, batchSize: 50, lr: 2e-3, std: 1e-3, hiddenSize: 50, bins: 61, seed: 0,
} as const;

/** Quick mode: 200 training rows, 200 val and test rows, 25 steps of 25 rows (and {@link LAMBDA_GRIDS_QUICK}). */
export const REGULARIZE_QUICK = { trainSize: 200, valSize: 200, testSize: 200, steps: 25, batchSize: 25 } as const;

/** The options of {@link regularize}, declared once. */
export const REGULARIZE_FIELDS = {
  /** The penalties swept (each over every λ). */
  penalties: list(oneOf(PENALTIES), { minLength: 1, maxLength: 3, unique: true, default: REGULARIZE_DEFAULTS.penalties }),
  /** The strengths λ, the same for every penalty; null: each penalty's own grid ({@link LAMBDA_GRIDS}). λ = 0 (no penalty) is always run once, the baseline. */
  lambdas: optional(list(number({ min: 0, max: 1e4 }), { minLength: 1, maxLength: 12, unique: true })),
  /** ρ of the elastic net: ρ·Σ|W| + (1 − ρ)·½ΣW². */
  l1Ratio: probability({ default: REGULARIZE_DEFAULTS.l1Ratio }),
  trainSize: int({ min: 10, max: 40_000, default: REGULARIZE_DEFAULTS.trainSize }),
  valSize: int({ min: 10, max: 10_000, default: REGULARIZE_DEFAULTS.valSize }),
  testSize: int({ min: 10, max: 10_000, default: REGULARIZE_DEFAULTS.testSize }),
  steps: int({ min: 1, max: 100_000, default: REGULARIZE_DEFAULTS.steps }),
  batchSize: int({ min: 1, max: 40_000, default: REGULARIZE_DEFAULTS.batchSize }),
  lr: number({ min: 0, max: 10, default: REGULARIZE_DEFAULTS.lr }),
  /** Init scale of the weights: std·randn. */
  std: number({ min: 0, max: 10, default: REGULARIZE_DEFAULTS.std }),
  hiddenSize: int({ min: 1, max: 1024, default: REGULARIZE_DEFAULTS.hiddenSize }),
  /** Bins of the weight histograms. */
  bins: int({ min: 5, max: 400, default: REGULARIZE_DEFAULTS.bins }),
  seed: seed({ default: REGULARIZE_DEFAULTS.seed }),
};

export const REGULARIZE_OPTIONS = defineOptions('regularization.regularize', REGULARIZE_FIELDS, {
  rules(c) {
    if (c.batchSize > c.trainSize) throw new ArgumentError('batchSize', c.batchSize, `at most trainSize (${c.trainSize})`);
  },
  memory: (c) => ({
    bytes: float32Bytes((c.trainSize + c.valSize + c.testSize) * 3072 * 2 + (c.penalties.length * 12 + 1) * (3072 + 20) * c.hiddenSize),
    argument: 'trainSize', what: `${c.trainSize + c.valSize + c.testSize} rows of 3072 pixels and up to ${c.penalties.length * 12 + 1} trained nets`,
  }),
});

export type RegularizeConfig = ReturnType<typeof REGULARIZE_OPTIONS.resolve>;

/** Options of {@link regularize}. */
export interface RegularizeOptions {
  penalties?: readonly Penalty[]; lambdas?: readonly number[] | null; l1Ratio?: number; trainSize?: number; valSize?: number; testSize?: number;
  steps?: number; batchSize?: number; lr?: number; std?: number; hiddenSize?: number; bins?: number; seed?: number;
  /** Live progress (a bar, each run a phase); never recorded. */
  progress?: ProgressOption;
}

/** One run of the sweep. */
export interface RegularizeRun {
  penalty: Penalty | 'none';
  lambda: number;
  trainAcc: number;
  valAcc: number;
  /** trainAcc − valAcc. */
  gap: number;
  /** The last step's loss (data + penalty), null when not finite. */
  finalLoss: number | null;
  weights: WeightStats;
}

/** A histogram of W₁'s and W₂'s weights at the end of a run. */
export interface WeightHistogram { penalty: Penalty | 'none'; lambda: number; edges: number[]; counts: number[] }

/** What {@link regularize} returns: plain JSON. */
export interface RegularizeRecord {
  experiment: 'regularizationRegularize';
  options: RegularizeConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  data: { dataset: string; trainRows: number; valRows: number; testRows: number; note: string };
  /** λ = 0 (no penalty), the baseline every sweep starts from. */
  baseline: RegularizeRun;
  /** Every penalty at every λ, in the order of `options.penalties` then `options.lambdas`. */
  runs: RegularizeRun[];
  /** Per penalty: the λ with the best validation accuracy (ties: the larger λ), no test read. */
  bestPerPenalty: { penalty: Penalty; lambda: number; valAcc: number }[];
  /** The one model chosen on validation (λ = 0 included), and its test accuracy: the only test read. */
  chosen: { penalty: Penalty | 'none'; lambda: number; valAcc: number; testAcc: number };
  /** The λ swept for each penalty. */
  lambdas: Partial<Record<Penalty, number[]>>;
  /** Weight histograms of W₁ and W₂ on one shared range: the baseline and each penalty at its best λ on validation. */
  histograms: WeightHistogram[];
  /** The discipline, in words. */
  protocol: string;
  meta: { ms: number };
}

const finiteOrNull = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null);

/**
 * Sweeps λ for each penalty on the overfitting net, chooses on validation, reads the test rows
 * once; see the module comment.
 *
 * @example
 * const r = await nn.regularization.regularize();
 * r.runs.filter((run) => run.penalty === 'l1').map((run) => [run.lambda, run.trainAcc, run.valAcc])
 * nn.regularization.showRegularize(r);
 */
export async function regularize(options: RegularizeOptions = {}, source: RegularizationSource = {}): Promise<RegularizeRecord> {
  const started = performance.now();
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  const { config, progress } = REGULARIZE_OPTIONS.take(isObject ? withQuickPreset<RegularizeOptions>(options, REGULARIZE_QUICK as Partial<RegularizeOptions>) : options);
  const plan: { penalty: Penalty | 'none'; lambda: number }[] = [{ penalty: 'none', lambda: 0 }];
  const grids = quickOr(LAMBDA_GRIDS_QUICK, LAMBDA_GRIDS);
  const lambdas = Object.fromEntries(config.penalties.map((p) => [p, [...(config.lambdas ?? grids[p])]])) as Record<Penalty, number[]>;
  for (const penalty of config.penalties) for (const lambda of lambdas[penalty]) plan.push({ penalty, lambda });
  const bar = experimentProgress(progress, { label: 'regularization.regularize' });
  try {
    const s = await regularizationSplits(config.trainSize, config.valSize, config.testSize, config.seed, source);
    const trainSeed = seedStream(config.seed).derive('train');
    const nets: NetArrays[] = [];
    const runs: RegularizeRun[] = [];
    for (const [i, p] of plan.entries()) {
      const r = await netRun(s.train, {
        ...p, l1Ratio: config.l1Ratio, lr: config.lr, batchSize: config.batchSize, steps: config.steps, hiddenSize: config.hiddenSize, std: config.std, seed: trainSeed,
        progress: { report: (e) => bar.report(e), phase: `${PENALTY_LABELS[p.penalty]}, λ ${p.lambda}`, offset: i * config.steps, total: plan.length * config.steps },
      });
      nets.push(r.net);
      const trainAcc = netAccuracy(r.net, s.train);
      const valAcc = netAccuracy(r.net, s.val);
      runs.push({ ...p, trainAcc, valAcc, gap: trainAcc - valAcc, finalLoss: finiteOrNull(r.losses[r.losses.length - 1]), weights: weightStats([r.net.W1, r.net.W2]) });
    }
    const [baseline, ...swept] = runs;
    const bestPerPenalty = config.penalties.map((penalty) => {
      const best = swept.filter((r) => r.penalty === penalty).reduce((a, b) => (b.valAcc > a.valAcc || (b.valAcc === a.valAcc && b.lambda > a.lambda) ? b : a));
      return { penalty, lambda: best.lambda, valAcc: best.valAcc };
    });
    let chosenIndex = 0;
    runs.forEach((r, i) => { if (r.valAcc > runs[chosenIndex].valAcc) chosenIndex = i; });
    const chosenRun = runs[chosenIndex];
    const testAcc = netAccuracy(nets[chosenIndex], s.test);
    const histRuns = [0, ...bestPerPenalty.map((b) => plan.findIndex((p) => p.penalty === b.penalty && p.lambda === b.lambda))];
    const limit = Math.max(...histRuns.map((i) => runs[i].weights.maxAbs)) || 1;
    const histograms = histRuns.map((i) => {
      const h = histogram(Float32Array.from([...nets[i].W1, ...nets[i].W2]), { bins: config.bins, range: [-limit, limit] });
      return { penalty: runs[i].penalty, lambda: runs[i].lambda, edges: h.edges, counts: h.counts };
    });
    return {
      experiment: 'regularizationRegularize', options: config, ...provenance(),
      data: { dataset: s.dataset, trainRows: s.train.count, valRows: s.val.count, testRows: s.test.count, note: s.note },
      lambdas, baseline, runs: swept, bestPerPenalty,
      chosen: { penalty: chosenRun.penalty, lambda: chosenRun.lambda, valAcc: chosenRun.valAcc, testAcc },
      histograms,
      protocol: 'train on the training rows; choose the penalty and λ by validation accuracy (λ = 0 included); read the test rows once, for the chosen model only',
      meta: { ms: performance.now() - started },
    };
  } finally {
    bar.finish();
  }
}
