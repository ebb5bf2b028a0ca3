/**
 * The activation-statistics experiment of the weight-initialization lecture (lesson 03): push a
 * batch of unit-Gaussian data through a deep fully connected net with some init and activation,
 * and look at every layer's activations: their mean, standard deviation and histogram.
 *
 *   X ~ N(0, 1) [batchSize, inputWidth]; for l = 1..L: h_l = f(h_{l-1} · W_l), W_l = std_l · N(0, 1)
 *
 * Setup A (lecture 1): 1000 x 500 input, 10 layers of 500. Setup B (lecture 2): 16 x 4096 input,
 * 6 layers of 4096. What a student should see: small init -> activations collapse to 0 layer by
 * layer; large init with tanh -> saturation at ±1; Xavier with tanh -> healthy, slowly shrinking;
 * Xavier with ReLU -> collapse again; He with ReLU -> the std stays put.
 *
 * The experiment also runs the backward pass that the slides only ask about ("what happens to the
 * gradients?"), for a fixed linear read-out loss L = (1/N) Σ G ⊙ h_L with G ~ N(0, 1) drawn once:
 * its upstream gradient dL/dh_L = G / N is the same under every init, so the differences between
 * inits come from the network alone. Each layer reports the std of dL/dW_l and of dL/dx, the
 * gradient flowing out of the layer towards the input.
 *
 * Records are plain JSON carrying their resolved options, backend and versions; timing sits in
 * `meta`, so two runs with one seed are deep-equal once `meta` is set aside.
 *
 * @example
 * const record = await nn.initStats({ ...nn.SETUP_A, init: 'small', activation: 'tanh' });
 * record.layers.map((l) => l.std) // [0.214, 0.0476, 0.0106, ...]: about x0.22 a layer (sqrt(500) · 0.01)
 * nn.showInitStats(record);
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkBoolean, checkInt, checkKnownKeys, checkNumber, checkOneOf } from '../core/errors';
import { fillNormal, normalArray } from '../core/normal';
import { checkSeed, SeedStream, seedStream } from '../core/rng';
import { binOf, checkRange, float32Edges, Histogram, histogramEdges } from '../core/stats';
import { VERSION } from '../version';
import { INIT_SCALES, InitName, INITS, initStd, initTakesScale, initValues } from './init';
import { ActivationName, ACTIVATIONS, activationGrad, DenseCache, denseForward, matMulBT, productMoments, SELU_ALPHA, SELU_LAMBDA } from './layers';

/** Options of {@link initStats}. Give either `widths`, or `depth` and `width`. */
export interface InitStatsOptions {
  /** Rows of the input batch X (N). */
  batchSize?: number;
  /** Columns of X (default: the first layer's width). */
  inputWidth?: number;
  /** Number of layers, each `width` units wide. */
  depth?: number;
  width?: number;
  /** The width of every layer, instead of depth and width. */
  widths?: readonly number[];
  init?: InitName;
  activation?: ActivationName;
  /** The factor of the `small` and `large` inits (defaults 0.01 and 1.0); not taken by others. */
  scale?: number;
  /** Histogram bins and range (the lecture: 30 bins on [-1, 1]). */
  bins?: number;
  range?: readonly [number, number];
  seed?: number;
  /** Run the backward pass and report gradient statistics. */
  gradients?: boolean;
}

/** The options after defaults and validation, as every record carries them. */
export interface InitStatsConfig {
  batchSize: number;
  inputWidth: number;
  widths: number[];
  init: InitName;
  activation: ActivationName;
  /** The scale of `small` / `large`; null for the other inits. */
  scale: number | null;
  bins: number;
  range: [number, number];
  seed: number;
  gradients: boolean;
}

/** Setup A of the lecture: 1000 x 500 unit-Gaussian input, 10 layers of 500 units. */
export const SETUP_A = { batchSize: 1000, inputWidth: 500, depth: 10, width: 500 } as const;
/** Setup B of the lecture: 16 x 4096 input, 6 layers of 4096 units (dims = [4096] * 7). */
export const SETUP_B = { batchSize: 16, inputWidth: 4096, depth: 6, width: 4096 } as const;

/** Defaults: setup A, Xavier with tanh, the lecture's histograms, seed 0, gradients on. */
export const INIT_STATS_DEFAULTS = {
  batchSize: SETUP_A.batchSize, depth: SETUP_A.depth, width: SETUP_A.width,
  init: 'xavier', activation: 'tanh', bins: 30, range: [-1, 1], seed: 0, gradients: true,
} as const;

const OPTION_KEYS = ['batchSize', 'inputWidth', 'depth', 'width', 'widths', 'init', 'activation', 'scale',
  'bins', 'range', 'seed', 'gradients'] as const;

/** At most this many float32 numbers held at once (weights and activations): 1 GiB. */
export const INIT_STATS_MAX_NUMBERS = 2 ** 28;

/** When an activation value counts as saturated (dead, for ReLU): v <= lo or v >= hi. */
export interface SaturationRule { lo: number; hi: number; text: string }

/** The saturation rule of each activation: where its local gradient is (near) flat. */
export const SATURATION: Readonly<Record<ActivationName, SaturationRule>> = {
  tanh: { lo: -0.99, hi: 0.99, text: '|a| > 0.99' },
  sigmoid: { lo: 0.01, hi: 0.99, text: 'a < 0.01 or a > 0.99' },
  relu: { lo: 0, hi: Infinity, text: 'a = 0 (dead)' },
  leakyRelu: { lo: 0, hi: Infinity, text: 'a <= 0 (on the 0.01 slope)' },
  elu: { lo: -0.99, hi: Infinity, text: 'a < -0.99' },
  selu: { lo: -0.99 * SELU_LAMBDA * SELU_ALPHA, hi: Infinity, text: 'a < -0.99 λα' },
};

/** Statistics of a batch of values (the input X). */
export interface ValueStats { mean: number; std: number; histogram: Histogram }

/** One layer's activations h_l. */
export interface LayerStats extends ValueStats {
  /** 1 for the first hidden layer, ..., L for the last. */
  layer: number;
  fanIn: number;
  fanOut: number;
  /** The std of this layer's W under the init. */
  weightStd: number;
  /** Fraction of activation values that meet the saturation rule. */
  saturated: number;
  /** Fraction of units that meet it for every example of the batch (dead units). */
  deadUnits: number;
}

/** One layer's gradients under the read-out loss. */
export interface GradientStats {
  layer: number;
  /** Std of dL/dW_l over its fanIn x fanOut entries. */
  std: number;
  /** Std of dL/dx for the layer's input x = h_{l-1} (dL/dX for layer 1). */
  dxStd: number;
}

/** What {@link initStats} returns: plain JSON. */
export interface InitStatsRecord {
  experiment: 'initStats';
  init: InitName;
  activation: ActivationName;
  options: InitStatsConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  /** The saturation rule behind `saturated` and `deadUnits`. */
  saturation: string;
  input: ValueStats;
  layers: LayerStats[];
  /** Per layer, first to last; null when `gradients` is false. */
  gradients: GradientStats[] | null;
  /** Wall time; kept apart so that two runs with one seed compare equal without it. */
  meta: { ms: number };
}

/** Validates `options` and fills in the defaults; every error names the option. */
export function resolveInitStatsOptions(options: InitStatsOptions = {}): InitStatsConfig {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('options', options, 'an object');
  checkKnownKeys('initStats', options, OPTION_KEYS);
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as InitStatsOptions;
  const o = { ...INIT_STATS_DEFAULTS, ...given }; // an option set to undefined is an option left out
  const batchSize = checkInt('batchSize', o.batchSize, { min: 1 });
  const widths = resolveWidths(options);
  const inputWidth = checkInt('inputWidth', o.inputWidth ?? widths[0], { min: 1 });
  const init = checkOneOf('init', o.init, INITS);
  const activation = checkOneOf('activation', o.activation, ACTIVATIONS);
  let scale: number | null = null;
  if (initTakesScale(init)) {
    scale = checkNumber('scale', o.scale ?? INIT_SCALES[init], { min: 0 });
  } else if (o.scale !== undefined) {
    throw new ArgumentError('scale', o.scale, `left out for init "${init}" (only "small" and "large" take a scale)`);
  }
  const config: InitStatsConfig = {
    batchSize, inputWidth, widths, init, activation, scale,
    bins: checkInt('bins', o.bins, { min: 1 }),
    range: checkRange('range', o.range),
    seed: checkSeed('seed', o.seed),
    gradients: checkBoolean('gradients', o.gradients),
  };
  checkMemory(config);
  return config;
}

function resolveWidths(options: InitStatsOptions): number[] {
  if (options.widths !== undefined) {
    if (options.depth !== undefined || options.width !== undefined) {
      throw new ArgumentError('widths', options.widths, 'left out when depth or width is given (give one or the other)');
    }
    if (!Array.isArray(options.widths) || options.widths.length === 0) {
      throw new ArgumentError('widths', options.widths, 'a non-empty array of layer widths');
    }
    return options.widths.map((w, i) => checkInt(`widths[${i}]`, w, { min: 1 }));
  }
  const depth = checkInt('depth', options.depth ?? INIT_STATS_DEFAULTS.depth, { min: 1 });
  const width = checkInt('width', options.width ?? INIT_STATS_DEFAULTS.width, { min: 1 });
  return new Array<number>(depth).fill(width);
}

function checkMemory(c: InitStatsConfig): void {
  const dims = [c.inputWidth, ...c.widths];
  let numbers = 0;
  for (let l = 1; l < dims.length; l++) numbers += dims[l - 1] * dims[l] + c.batchSize * dims[l];
  if (numbers > INIT_STATS_MAX_NUMBERS) {
    throw new ArgumentError('widths', c.widths, `sizes whose weights and activations fit in ${INIT_STATS_MAX_NUMBERS} ` +
      `float32 numbers (1 GiB); batchSize ${c.batchSize}, inputWidth ${c.inputWidth} and these widths need ${numbers}`);
  }
}

/**
 * Runs the experiment: forward pass with per-layer statistics, then (with `gradients`) the
 * backward pass of the read-out loss. Every tensor it creates is disposed before it resolves.
 */
export async function initStats(options: InitStatsOptions = {}): Promise<InitStatsRecord> {
  const config = resolveInitStatsOptions(options);
  return runInitStats(config, freshDraws(seedStream(config.seed)));
}

/**
 * Where the experiment's random numbers come from: `draw(label, shape, std)` returns a new tensor
 * of std · N(0, 1) draws from the sub-seed `seeds.derive(label)` ("X", "W1", ..., "G"), each a
 * float32 standard normal times float32(std), rounded once. The labels make every draw
 * independent of the others and of their order.
 */
export interface Draws {
  draw(label: string, shape: [number, number], std: number): tf.Tensor2D;
  /** Frees what the draws keep (the shared cache). */
  dispose(): void;
}

/**
 * Makes tensors of seeded normal draws. The wasm backend copies a new tensor's values into its
 * heap at once (BackendWasm.move), so there one scratch array is refilled for every draw: a fresh
 * 64 MB array costs ~0.3 s of page faults on our VMs, more than drawing its numbers. Other
 * backends keep a reference to the array they are given, so each draw gets its own.
 */
function normalTensors(): (shape: [number, number], seed: number, std: number) => tf.Tensor2D {
  let scratch: Float32Array | null = null;
  return (shape, seed, std) => {
    const size = shape[0] * shape[1];
    if (tf.getBackend() !== 'wasm') return tf.tensor2d(normalArray(size, seed, std), shape);
    if (scratch === null || scratch.length < size) scratch = new Float32Array(size);
    return tf.tensor2d(fillNormal(scratch.subarray(0, size), seed, std), shape);
  };
}

/** Draws made on demand, in JavaScript (one experiment). */
export function freshDraws(seeds: SeedStream): Draws {
  const normal = normalTensors();
  return {
    draw: (label, shape, std) => normal(shape, seeds.derive(label), std),
    dispose: () => undefined,
  };
}

/**
 * Draws that keep the standard normals of every label on the device, for a grid of experiments
 * with one seed: each init scales the same N(0, 1) numbers (common random numbers), so the inits
 * differ by their scale only, and the numbers are drawn and uploaded once. The scaling is one
 * float32 product on the device, the same rounding as {@link freshDraws}: the results are equal.
 */
export function sharedDraws(seeds: SeedStream): Draws {
  const normal = normalTensors();
  const cache = new Map<string, tf.Tensor2D>();
  return {
    draw(label, shape, std) {
      const key = `${label}:${shape.join('x')}`;
      if (!cache.has(key)) cache.set(key, normal(shape, seeds.derive(label), 1));
      const z = cache.get(key)!;
      return tf.tidy(() => tf.mul(z, tf.scalar(std))) as tf.Tensor2D;
    },
    dispose() {
      for (const z of cache.values()) z.dispose();
      cache.clear();
    },
  };
}

async function runInitStats(config: InitStatsConfig, draws: Draws): Promise<InitStatsRecord> {
  const start = performance.now();
  const rule = SATURATION[config.activation];
  const X = draws.draw('X', [config.batchSize, config.inputWidth], 1);
  const caches: DenseCache[] = [];
  try {
    const input = summarizeValues(await X.data() as Float32Array, config.inputWidth, config, rule).stats;
    const layers = await forwardPass(X, config, draws, caches);
    const gradients = config.gradients ? await backwardPass(caches, config, draws) : null;
    return {
      experiment: 'initStats', init: config.init, activation: config.activation, options: config,
      backend: tf.getBackend(), versions: { nnlab: VERSION, tfjs: tf.version.tfjs }, saturation: rule.text,
      input, layers, gradients, meta: { ms: performance.now() - start },
    };
  } finally {
    X.dispose();
    disposeCaches(caches);
  }
}

/** The dims of the net: [inputWidth, ...widths]; layer l maps dims[l - 1] -> dims[l]. */
function netDims(config: InitStatsConfig): number[] {
  return [config.inputWidth, ...config.widths];
}

/** W_l = std_l · N(0, 1) from the sub-seed "W<l>", shape [fanIn, fanOut] (l is 1-based). */
function layerWeights(config: InitStatsConfig, draws: Draws, l: number): tf.Tensor2D {
  const dims = netDims(config);
  const shape: [number, number] = [dims[l - 1], dims[l]];
  const std = initStd(config.init, shape, config.scale ?? undefined);
  return std === 0 ? tf.fill(shape, 0) as tf.Tensor2D : draws.draw(`W${l}`, shape, std); // fill: made in place, no JS array
}

/**
 * The numbers behind a record of {@link initStats} with these options: the input X
 * [batchSize, inputWidth], every W_l [fanIn, fanOut] and the read-out G / N [batchSize, width_L],
 * row-major. Use them to redo the experiment by hand (or in NumPy) on exactly the same draws.
 */
export function initStatsInputs(options: InitStatsOptions = {}): { X: Float32Array; W: Float32Array[]; G: Float32Array } {
  const config = resolveInitStatsOptions(options);
  const seeds = seedStream(config.seed);
  const dims = netDims(config);
  return {
    X: normalArray(config.batchSize * config.inputWidth, seeds.derive('X')),
    W: config.widths.map((_, i) => initValues(config.init, [dims[i], dims[i + 1]], seeds.derive(`W${i + 1}`), config.scale ?? undefined)),
    G: normalArray(config.batchSize * dims[dims.length - 1], seeds.derive('G'), 1 / config.batchSize),
  };
}

/**
 * h_l = f(h_{l-1} · W_l) for l = 1..L, statistics of every h_l read back once. Every layer's cache
 * (x, W, h) goes into `caches`; without gradients, x and W of a layer are freed as soon as its h
 * exists, so memory stays one layer deep. Takes ownership of `x`.
 */
async function forwardPass(x: tf.Tensor2D, config: InitStatsConfig, draws: Draws, caches: DenseCache[]): Promise<LayerStats[]> {
  const rule = SATURATION[config.activation];
  const layers: LayerStats[] = [];
  let h = x;
  for (let l = 1; l <= config.widths.length; l++) {
    const W = layerWeights(config, draws, l);
    const { out, cache } = denseForward(h, W, config.activation);
    caches.push(cache);
    if (!config.gradients) tf.dispose([h, W]);
    h = out;
    const summary = summarizeValues(await out.data() as Float32Array, config.widths[l - 1], config, rule);
    if (summary.nonFinite > 0) {
      throw new Error(`initStats: layer ${l} activations overflowed float32 (${summary.nonFinite} values are inf or NaN) ` +
        `with init "${config.init}" and ${config.activation}: use fewer layers or a smaller scale`);
    }
    const [fanIn, fanOut] = W.shape;
    const weightStd = initStd(config.init, [fanIn, fanOut], config.scale ?? undefined);
    layers.push({ layer: l, fanIn, fanOut, weightStd, ...summary.stats, saturated: summary.saturated, deadUnits: summary.deadUnits });
  }
  return layers;
}

/**
 * Backpropagates the read-out loss L = (1/N) Σ G ⊙ h_L through the cached layers, last to first:
 * dh_L = G / N; for each layer dz = dh_l ⊙ f'(z_l), dx = dz · W_lᵀ (= dh_{l-1}) and the std of
 * dW_l = xᵀ · dz, which {@link productMoments} computes without forming dW when the batch is small
 * (the same numbers as denseBackward, which forms it).
 */
async function backwardPass(caches: DenseCache[], config: InitStatsConfig, draws: Draws): Promise<GradientStats[]> {
  const L = caches.length;
  const N = config.batchSize;
  let dout = draws.draw('G', [N, config.widths[L - 1]], 1 / N);
  const stats: GradientStats[] = new Array(L);
  try {
    for (let l = L; l >= 1; l--) {
      const { x, W, out, activation } = caches[l - 1];
      const dz = tf.tidy(() => tf.mul(dout, activationGrad(out, activation))) as tf.Tensor2D;
      const dx = matMulBT(dz, W);
      dout.dispose();
      dout = dx;
      const dW = await productMoments(x, dz);
      dz.dispose();
      stats[l - 1] = { layer: l, std: dW.std, dxStd: await deviceStd(dx) };
    }
  } finally {
    dout.dispose();
  }
  return stats;
}

/** Population std of a tensor's entries, reduced on the device (float32), read back as a number. */
async function deviceStd(t: tf.Tensor): Promise<number> {
  const variance = tf.tidy(() => tf.moments(t).variance);
  const v = (await variance.data())[0];
  variance.dispose();
  return Math.sqrt(v);
}

function disposeCaches(caches: DenseCache[]): void {
  for (const c of caches) tf.dispose([c.x, c.W, c.out]);
  caches.length = 0;
}

/** What one pass over a batch of values finds (float64 sums of the float32 values). */
export interface ValueSummary {
  stats: ValueStats;
  saturated: number;
  deadUnits: number;
  /** Count of inf and NaN values (then the other numbers are meaningless). */
  nonFinite: number;
}

/**
 * Mean, population std, histogram (numpy's bins for float32 data), saturated fraction and dead-unit fraction of
 * `values`, a row-major [rows, width] batch, in two passes in float64.
 */
export function summarizeValues(values: Float32Array, width: number,
  config: Pick<InitStatsConfig, 'bins' | 'range'>, rule: SaturationRule): ValueSummary {
  const n = values.length;
  let sum = 0;
  let nonFinite = 0;
  for (let k = 0; k < n; k++) {
    const v = values[k];
    if (v - v !== 0) nonFinite += 1; // inf - inf and NaN - NaN are NaN
    else sum += v;
  }
  const mean = sum / n;
  const edges = histogramEdges(config.bins, config.range);
  const cmp = float32Edges(edges); // float32 data: NumPy's float32 edges
  const bins = config.bins;
  const norm = bins / (edges[bins] - edges[0]);
  const lo = cmp[0];
  const hi = cmp[bins];
  const counts = new Float64Array(bins);
  const alive = new Uint8Array(width); // 1 once a unit has one value off the saturation rule
  const { lo: sLo, hi: sHi } = rule;
  let ss = 0;
  let saturated = 0;
  for (let k = 0, col = 0; k < n; k++, col = col + 1 === width ? 0 : col + 1) {
    const v = values[k];
    const d = v - mean;
    ss += d * d;
    if (v >= lo && v <= hi) counts[binOf(v, cmp, norm)] += 1;
    if (v <= sLo || v >= sHi) saturated += 1;
    else alive[col] = 1;
  }
  let dead = 0;
  for (let j = 0; j < width; j++) dead += 1 - alive[j];
  return {
    stats: { mean, std: Math.sqrt(ss / n), histogram: { edges, counts: Array.from(counts) } },
    saturated: saturated / n,
    deadUnits: dead / width,
    nonFinite,
  };
}

/** Options of {@link initStatsGrid}: one setup, the inits and activations to cross. */
export interface InitStatsGridOptions extends Omit<InitStatsOptions, 'init' | 'activation' | 'scale'> {
  /** Default: all six, in the lecture's order. */
  inits?: readonly InitName[];
  /** Default: tanh and relu. */
  activations?: readonly ActivationName[];
}

/** What {@link initStatsGrid} returns: one record per (init, activation), inits outermost. */
export interface InitStatsGrid {
  experiment: 'initStatsGrid';
  inits: InitName[];
  activations: ActivationName[];
  records: InitStatsRecord[];
  meta: { ms: number };
}

/** Called after each record of a grid (progress in a notebook, lines in the CLI). */
export type OnRecord = (record: InitStatsRecord, done: number, total: number) => void;

/**
 * The experiment for every init x activation of one setup (the lecture's comparison). All records
 * share the seed, hence the input X and the standard normals behind every W: each record equals
 * `initStats({...options, init, activation})` exactly, and the numbers are drawn once for the grid.
 */
export async function initStatsGrid(options: InitStatsGridOptions = {}, hooks: { onRecord?: OnRecord } = {}): Promise<InitStatsGrid> {
  const { inits = INITS, activations = ['tanh', 'relu'], ...rest } = options;
  const initList = checkList('inits', inits, INITS);
  const activationList = checkList('activations', activations, ACTIVATIONS);
  const configs = initList.flatMap((init) => activationList.map((activation) => resolveInitStatsOptions({ ...rest, init, activation })));
  const start = performance.now();
  const draws = sharedDraws(seedStream(configs[0].seed));
  const records: InitStatsRecord[] = [];
  try {
    for (const config of configs) {
      records.push(await runInitStats(config, draws));
      hooks.onRecord?.(records[records.length - 1], records.length, configs.length);
    }
  } finally {
    draws.dispose();
  }
  return { experiment: 'initStatsGrid', inits: initList, activations: activationList, records, meta: { ms: performance.now() - start } };
}

function checkList<T extends string>(name: string, values: unknown, allowed: readonly T[]): T[] {
  if (!Array.isArray(values) || values.length === 0) throw new ArgumentError(name, values, `a non-empty array of ${allowed.join(', ')}`);
  return values.map((v, i) => checkOneOf(`${name}[${i}]`, v, allowed));
}

/** The lecture's one-word diagnosis of a record (see {@link initVerdict}). */
export type Verdict = 'symmetric' | 'vanishes' | 'explodes' | 'saturates' | 'dies' | 'healthy';

/** Thresholds of {@link initVerdict}: fractions, and the std's factor per layer. */
export const VERDICT_THRESHOLDS = { saturated: 0.5, dead: 0.5, shrink: 0.8, grow: 1.25 } as const;

/**
 * The std's average factor per layer, r = (std_L / std_1)^(1 / (L - 1)): 1 keeps the scale, 0.5
 * halves it at every layer (1 for a single layer or a first std of 0).
 */
export function stdFactorPerLayer(record: InitStatsRecord): number {
  const L = record.layers.length;
  const first = record.layers[0].std;
  if (L === 1 || first === 0) return 1;
  return (record.layers[L - 1].std / first) ** (1 / (L - 1));
}

/**
 * What the activations do from the first layer to the last, in the lecture's words:
 * - `symmetric`: the last layer's std is 0, every unit computes the same value (W = 0);
 * - `saturates`: more than half of the last layer's values are saturated (tanh, sigmoid, elu, selu);
 * - `dies`: more than half of the last layer's units are dead (ReLU, leaky ReLU);
 * - `vanishes`: the std shrinks by a factor below 0.8 per layer on average ({@link stdFactorPerLayer};
 *   after 10 layers that is below 0.8^9 = 13 % of the first layer's);
 * - `explodes`: it grows by a factor above 1.25 per layer;
 * - `healthy`: none of these.
 */
export function initVerdict(record: InitStatsRecord): Verdict {
  const last = record.layers[record.layers.length - 1];
  const t = VERDICT_THRESHOLDS;
  if (last.std === 0) return 'symmetric';
  const rectifier = record.activation === 'relu' || record.activation === 'leakyRelu';
  if (!rectifier && last.saturated > t.saturated) return 'saturates';
  if (rectifier && last.deadUnits > t.dead) return 'dies';
  const r = stdFactorPerLayer(record);
  if (r < t.shrink) return 'vanishes';
  if (r > t.grow) return 'explodes';
  return 'healthy';
}
