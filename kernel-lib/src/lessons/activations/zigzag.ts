/**
 * Zig-zag, the lecture's "what if the inputs to a neuron are always positive?" (lesson 01): a
 * neuron σ(w·x) with two weights, trained one example per step, on the same data once with
 * all-positive inputs and once zero-centred.
 *
 *   p = σ(w₁x₁ + w₂x₂),  L = BCE(p, y) with soft labels y = σ(w*·x),  ∂L/∂wᵢ = (p − y)·xᵢ
 *
 * With xᵢ > 0 both gradients carry the sign of (p − y): every update Δw = −lr·(p − y)·x lies in
 * quadrant I (both weights up) or III (both down). A target that needs w₁ up and w₂ down (quadrant
 * IV from the start) can only be reached by alternating I and III steps: the zig-zag. With
 * zero-centred inputs the updates can point anywhere. The bias is fixed at 0 (two weights, so the
 * path lives on the (w₁, w₂) plane); the labels are realisable, so the loss minimum is at w = w*
 * exactly and the excess loss L(w) − L(w*) goes to 0.
 *
 * Each run trains through `nets/train` (batch size 1, reshuffled every epoch, seeded), in float64
 * JS: two weights need no tensors. The learning-rate sweep gives the steps to reach
 * ‖w − w*‖ < tolerance at each lr. At lr <= 1 both inputs take about as many steps (689 and 715
 * at lr 0.1, 57 and 66 at lr 1, seed 0: the positive inputs' extra curvature lies along (1, 1), not
 * along the way to the target, and the zig-zag across it is stable), but positive inputs stop
 * converging at lr 3, where the zero-centred ones take 28 steps: their best over the sweep is
 * 57 steps against 26.
 *
 * @example
 * const r = await nn.activations.zigzag();
 * r.runs[0].sameSign                   // true: with positive inputs every step's ∂L/∂w₁, ∂L/∂w₂ agree in sign
 * r.runs.map((run) => run.stepsToTolerance)
 * nn.activations.showZigzag(r);
 */
import { defineOptions, float32Bytes, int, list, number, seed } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import { train } from '../../nets/train';
import { experimentProgress } from '../../show/progress';

/** Defaults of {@link zigzag}: 50 points of [offset − 1, offset + 1]², start (−1, 1), target (1, −1). */
export const ZIGZAG_DEFAULTS = {
  examples: 50, offset: 2, start: [-1, 1], target: [1, -1], lr: 1, steps: 1000, tolerance: 0.05,
  lrs: [0.1, 0.3, 1, 3, 10], seed: 0,
} as const;

/** The options of {@link zigzag}, declared once (core/options.ts). */
export const ZIGZAG_FIELDS = {
  /** Training points. */
  examples: int({ min: 2, max: 100_000, default: ZIGZAG_DEFAULTS.examples }),
  /** Centre of the positive inputs: x = u + offset with u uniform on [−1, 1]²; offset > 1 keeps every input positive. */
  offset: number({ min: 1.001, max: 100, default: ZIGZAG_DEFAULTS.offset }),
  /** The weights (w₁, w₂) before training. */
  start: list(number({ min: -100, max: 100 }), { minLength: 2, maxLength: 2, default: ZIGZAG_DEFAULTS.start }),
  /** The teacher's weights w*: the labels are y = σ(w*·x). */
  target: list(number({ min: -100, max: 100 }), { minLength: 2, maxLength: 2, default: ZIGZAG_DEFAULTS.target }),
  /** Learning rate of the two paths drawn. */
  lr: number({ min: 1e-6, max: 1000, default: ZIGZAG_DEFAULTS.lr }),
  /** Steps (one example each) of every run. */
  steps: int({ min: 1, max: 100_000, default: ZIGZAG_DEFAULTS.steps }),
  /** Reached when ‖w − w*‖ < tolerance. */
  tolerance: number({ min: 1e-12, max: 100, default: ZIGZAG_DEFAULTS.tolerance }),
  /** Learning rates of the sweep. */
  lrs: list(number({ min: 1e-6, max: 1000 }), { minLength: 1, maxLength: 20, unique: true, default: ZIGZAG_DEFAULTS.lrs }),
  seed: seed({ default: ZIGZAG_DEFAULTS.seed }),
};

export const ZIGZAG_OPTIONS = defineOptions('activations.zigzag', ZIGZAG_FIELDS, {
  // held in JS arrays: the data (2 inputs and a label per example, two sets) and two paths of 4 numbers per step
  memory: (c) => ({ bytes: 2 * float32Bytes(2 * (3 * c.examples + 4 * (c.steps + 1))), argument: 'steps', what: `${c.examples} examples and paths of ${c.steps} steps` }),
});

/** Options of {@link zigzag}. */
export interface ZigzagOptions {
  examples?: number; offset?: number; start?: readonly number[]; target?: readonly number[];
  lr?: number; steps?: number; tolerance?: number; lrs?: readonly number[]; seed?: number;
  /** Live progress (one event per run); never recorded. */
  progress?: ProgressOption;
}

export type ZigzagConfig = ReturnType<typeof ZIGZAG_OPTIONS.resolve>;

/** The two input sets: the same points, once shifted to be all positive, once zero-centred. */
export const ZIGZAG_INPUTS = ['positive', 'zero-centred'] as const;
export type ZigzagInputs = typeof ZIGZAG_INPUTS[number];

/** Quadrants of the update Δw = (Δw₁, Δw₂): I (+, +), II (−, +), III (−, −), IV (+, −); 'zero' when a component is 0. */
export type Quadrant = 'I' | 'II' | 'III' | 'IV' | 'zero';

/** One run at the drawn learning rate. */
export interface ZigzagRun {
  inputs: ZigzagInputs;
  /** Smallest and largest input over both features. */
  inputRange: [number, number];
  /** w₁ and w₂ before training and after each step (steps + 1 values). */
  path: { w1: number[]; w2: number[] };
  /** Excess loss L(w) − L(w*) over all examples, before training and after each step. */
  excessLoss: number[];
  /**
   * Sign patterns of (∂L/∂w₁, ∂L/∂w₂) over the steps: '++', '--', '+-', '-+', and 'zero' (a 0
   * component: once w = w* exactly in float64, p = y and the step is 0).
   */
  gradientSigns: Record<'++' | '--' | '+-' | '-+' | 'zero', number>;
  /** True when no step's two gradients had opposite signs ('+-' and '-+' never seen). */
  sameSign: boolean;
  /** How many updates fell in each quadrant. */
  updateQuadrants: Record<Quadrant, number>;
  /** The first step with ‖w − w*‖ < tolerance, or null. */
  stepsToTolerance: number | null;
  /** ‖w − w*‖ after the last step. */
  finalDistance: number;
}

/** What {@link zigzag} returns: plain JSON. */
export interface ZigzagRecord {
  experiment: 'activationZigzag';
  options: ZigzagConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  /** The quadrants an update can take with all-positive inputs, and the one the target needs from the start. */
  quadrants: { allowedWithPositiveInputs: Quadrant[]; neededForTarget: Quadrant };
  runs: ZigzagRun[];
  /** Steps to tolerance at each lr of the sweep (null: not reached in `steps`). */
  sweep: { lr: number; positive: number | null; zeroCentred: number | null }[];
  /** The fewest steps over the sweep for each input set, and at which lr. */
  best: { positive: { lr: number; steps: number } | null; zeroCentred: { lr: number; steps: number } | null };
  meta: { ms: number };
}

/**
 * The zig-zag experiment; see the module comment.
 *
 * @example
 * const r = await nn.activations.zigzag({ lrs: [1, 10] });
 * r.sweep   // [{ lr: 1, positive: ..., zeroCentred: ... }, { lr: 10, positive: null, zeroCentred: ... }]
 */
export async function zigzag(options: ZigzagOptions = {}): Promise<ZigzagRecord> {
  const started = performance.now();
  const { config, progress } = ZIGZAG_OPTIONS.take(options);
  const bar = experimentProgress(progress, { label: 'activations.zigzag' });
  const total = 2 * (1 + config.lrs.length);
  let done = 0;
  try {
    const data = zigzagData(config);
    const runs: ZigzagRun[] = [];
    for (const inputs of ZIGZAG_INPUTS) {
      runs.push(await descend(data[inputs], inputs, config, config.lr));
      bar.report({ done: ++done, total, phase: `path, ${inputs} inputs`, metrics: { steps: runs[runs.length - 1].stepsToTolerance ?? NaN } });
    }
    const sweep: ZigzagRecord['sweep'] = [];
    for (const lr of config.lrs) {
      const p = await descend(data.positive, 'positive', config, lr);
      const z = await descend(data['zero-centred'], 'zero-centred', config, lr);
      done += 2;
      bar.report({ done, total, phase: `sweep, lr ${lr}`, metrics: {} });
      sweep.push({ lr, positive: p.stepsToTolerance, zeroCentred: z.stepsToTolerance });
    }
    const fewest = (key: 'positive' | 'zeroCentred') => sweep.reduce<{ lr: number; steps: number } | null>((b, s) => {
      const n = s[key];
      return n !== null && (b === null || n < b.steps) ? { lr: s.lr, steps: n } : b;
    }, null);
    const needed = quadrantOf(config.target[0] - config.start[0], config.target[1] - config.start[1]);
    return {
      experiment: 'activationZigzag', options: config, ...provenance(),
      quadrants: { allowedWithPositiveInputs: ['I', 'III'], neededForTarget: needed },
      runs, sweep, best: { positive: fewest('positive'), zeroCentred: fewest('zeroCentred') },
      meta: { ms: performance.now() - started },
    };
  } finally {
    bar.finish();
  }
}

/** One input set: the inputs (row-major [examples, 2]) and the soft labels y = σ(w*·x). */
export interface ZigzagSet { X: number[]; y: number[] }

/**
 * The two input sets: u uniform on [−1, 1]² (seeded), positive x = u + offset, zero-centred
 * x = positive − its mean; labels from the teacher w*.
 */
export function zigzagData(config: ZigzagConfig): Record<ZigzagInputs, ZigzagSet> {
  const random = seedStream(config.seed).fork('inputs').random();
  const n = config.examples;
  const positive = Array.from({ length: 2 * n }, () => 2 * random() - 1 + config.offset);
  const mean = [0, 1].map((j) => positive.filter((_, i) => i % 2 === j).reduce((a, b) => a + b, 0) / n);
  const centred = positive.map((v, i) => v - mean[i % 2]);
  const labels = (X: number[]) => Array.from({ length: n }, (_, k) => sigmoid64(config.target[0] * X[2 * k] + config.target[1] * X[2 * k + 1]));
  return { positive: { X: positive, y: labels(positive) }, 'zero-centred': { X: centred, y: labels(centred) } };
}

/** Plain SGD, one example per step, through nets/train; records the path, the loss and every gradient's signs. */
async function descend(set: ZigzagSet, inputs: ZigzagInputs, config: ZigzagConfig, lr: number): Promise<ZigzagRun> {
  const [t1, t2] = config.target;
  let w1 = config.start[0];
  let w2 = config.start[1];
  const path = { w1: [w1], w2: [w2] };
  const excessLoss = [excess(set, w1, w2, t1, t2)];
  const gradientSigns = { '++': 0, '--': 0, '+-': 0, '-+': 0, zero: 0 };
  const updateQuadrants: Record<Quadrant, number> = { I: 0, II: 0, III: 0, IV: 0, zero: 0 };
  let stepsToTolerance: number | null = null;
  const order = seedStream(config.seed).fork(`order ${inputs} lr ${lr}`);
  await train({
    step(batch, at) {
      const k = batch[0];
      const x1 = set.X[2 * k];
      const x2 = set.X[2 * k + 1];
      const delta = sigmoid64(w1 * x1 + w2 * x2) - set.y[k];   // ∂L/∂z for BCE after a sigmoid
      const g1 = delta * x1;
      const g2 = delta * x2;
      gradientSigns[signPattern(g1, g2)] += 1;
      updateQuadrants[quadrantOf(-lr * g1, -lr * g2)] += 1;
      w1 -= lr * g1;
      w2 -= lr * g2;
      path.w1.push(w1);
      path.w2.push(w2);
      const loss = excess(set, w1, w2, t1, t2);
      excessLoss.push(loss);
      if (stepsToTolerance === null && Math.hypot(w1 - t1, w2 - t2) < config.tolerance) stepsToTolerance = at.step;
      return loss;
    },
  }, { count: config.examples }, { steps: config.steps, batchSize: 1, order: () => order.random(), onDiverge: 'continue' });
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of set.X) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return {
    inputs, inputRange: [lo, hi], path, excessLoss, gradientSigns,
    sameSign: gradientSigns['+-'] === 0 && gradientSigns['-+'] === 0,
    updateQuadrants, stepsToTolerance, finalDistance: Math.hypot(w1 - t1, w2 - t2),
  };
}

/** The sign pattern of a gradient (g₁, g₂). */
export function signPattern(g1: number, g2: number): '++' | '--' | '+-' | '-+' | 'zero' {
  if (g1 === 0 || g2 === 0) return 'zero';
  return `${g1 > 0 ? '+' : '-'}${g2 > 0 ? '+' : '-'}` as '++' | '--' | '+-' | '-+';
}

/** The quadrant of a move (d₁, d₂). */
export function quadrantOf(d1: number, d2: number): Quadrant {
  if (d1 === 0 || d2 === 0) return 'zero';
  if (d1 > 0) return d2 > 0 ? 'I' : 'IV';
  return d2 > 0 ? 'II' : 'III';
}

/** Mean over examples of BCE(σ(w·x), y) − BCE(σ(w*·x), y), with BCE(z, y) = softplus(z) − y·z (no overflow). */
function excess(set: ZigzagSet, w1: number, w2: number, t1: number, t2: number): number {
  let sum = 0;
  const n = set.y.length;
  for (let k = 0; k < n; k++) {
    const x1 = set.X[2 * k];
    const x2 = set.X[2 * k + 1];
    const z = w1 * x1 + w2 * x2;
    const zt = t1 * x1 + t2 * x2;
    sum += softplus(z) - set.y[k] * z - (softplus(zt) - set.y[k] * zt);
  }
  return Math.max(0, sum / n);
}

function softplus(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

function sigmoid64(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
