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
 * const record = await nn.weightInit.stats({ ...nn.weightInit.SETUP_A, init: 'small', activation: 'tanh' });
 * record.layers.map((l) => l.std) // [0.214, 0.0476, 0.0106, ...]: about x0.22 a layer (sqrt(500) · 0.01)
 * nn.weightInit.showStats(record);
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../../core/errors';
import { boolean, ConfigOf, defineOptions, float32Bytes, formatBytes, int, list, MemoryNeed, number, oneOf, optional, range, seed } from '../../core/options';
import { normalArray } from '../../core/normal';
import { ProgressOption, takeProgress } from '../../core/progress';
import { provenance } from '../../core/record';
import { checkSeed, seedStream } from '../../core/rng';
import { checkRange } from '../../core/stats';
import { INIT_SCALES, InitName, INITS, initStd, initTakesScale, initValues } from '../../nets/init';
import { ActivationName, ACTIVATIONS, activationGrad, DenseCache, denseForward, matMulBT, productMoments } from '../../nets/layers';
import { experimentProgress } from '../../show/progress';
import { Draws, freshDraws } from './draws';
import { SATURATION, summarizeValues, ValueStats } from './math';

/** Options of {@link stats}. Give either `widths`, or `depth` and `width`. */
export interface StatsOptions {
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
  /** Live progress, one event per layer on each pass (core/progress.ts); never recorded. */
  progress?: ProgressOption;
}

/** The options after defaults and validation, as every record carries them. */
export interface StatsConfig {
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

/**
 * Setup A of the lecture: 1000 x 500 unit-Gaussian input, 10 layers of 500 units.
 *
 * @example
 * await nn.weightInit.stats({ ...nn.weightInit.SETUP_A, init: 'he', activation: 'relu' });
 */
export const SETUP_A = { batchSize: 1000, inputWidth: 500, depth: 10, width: 500 } as const;

/**
 * Setup B of the lecture: 16 x 4096 input, 6 layers of 4096 units (dims = [4096] * 7).
 *
 * @example
 * await nn.weightInit.grid({ ...nn.weightInit.SETUP_B });
 */
export const SETUP_B = { batchSize: 16, inputWidth: 4096, depth: 6, width: 4096 } as const;

/**
 * Defaults of {@link stats}: setup A, Xavier with tanh, the lecture's histograms (30 bins on
 * [-1, 1]), seed 0, gradients on.
 *
 * @example
 * nn.weightInit.STATS_DEFAULTS.init // 'xavier'
 */
export const STATS_DEFAULTS = {
  batchSize: SETUP_A.batchSize, depth: SETUP_A.depth, width: SETUP_A.width,
  init: 'xavier', activation: 'tanh', bins: 30, range: [-1, 1], seed: 0, gradients: true,
} as const;

/** Most layers, units per layer and rows of a batch the experiment takes (memory is checked too). */
export const STATS_LIMITS = { layers: 1000, width: 65_536, batchSize: 1_000_000, bins: 10_000 } as const;

/**
 * The options of {@link stats}, declared once (core/options.ts): `resolve` checks kinds, ranges,
 * the rules across options and the memory estimate; the CLI checks its flags against the same
 * fields.
 */
export const STATS_FIELDS = {
  batchSize: int({ min: 1, max: STATS_LIMITS.batchSize, default: STATS_DEFAULTS.batchSize }),
  inputWidth: optional(int({ min: 1, max: STATS_LIMITS.width })),
  depth: optional(int({ min: 1, max: STATS_LIMITS.layers })),
  width: optional(int({ min: 1, max: STATS_LIMITS.width })),
  widths: optional(list(int({ min: 1, max: STATS_LIMITS.width }), { minLength: 1, maxLength: STATS_LIMITS.layers })),
  init: oneOf(INITS, { default: STATS_DEFAULTS.init }),
  activation: oneOf(ACTIVATIONS, { default: STATS_DEFAULTS.activation }),
  scale: optional(number({ min: 0, max: 1e6 })),
  bins: int({ min: 1, max: STATS_LIMITS.bins, default: STATS_DEFAULTS.bins }),
  range: range({ limit: 1e30, default: STATS_DEFAULTS.range }),
  seed: seed(),
  gradients: boolean({ default: STATS_DEFAULTS.gradients }),
};

export const STATS_OPTIONS = defineOptions('weightInit.stats', STATS_FIELDS, {
  rules(c) {
    if (c.widths !== null && (c.depth !== null || c.width !== null)) {
      throw new ArgumentError('widths', c.widths, 'left out when depth or width is given (give one or the other)');
    }
    if (!initTakesScale(c.init) && c.scale !== null) {
      throw new ArgumentError('scale', c.scale, `left out for init "${c.init}" (only "small" and "large" take a scale)`);
    }
  },
  memory: (c) => statsMemory(toStatsConfig(c)),
});

/** At most this many float32 numbers held at once (weights and activations): 1 GiB. */
export const STATS_MAX_NUMBERS = 2 ** 28;

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

/** What {@link stats} returns: plain JSON. */
export interface StatsRecord {
  experiment: 'initStats';
  init: InitName;
  activation: ActivationName;
  options: StatsConfig;
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

/** Validates `options` (without `progress`) and fills in the defaults; every error names the option. */
export function resolveStatsOptions(options: Omit<StatsOptions, 'progress'> = {}): StatsConfig {
  return toStatsConfig(STATS_OPTIONS.resolve(options));
}

export function toStatsConfig(c: ConfigOf<typeof STATS_FIELDS>): StatsConfig {
  const widths = c.widths ?? new Array<number>(c.depth ?? STATS_DEFAULTS.depth).fill(c.width ?? STATS_DEFAULTS.width);
  return {
    batchSize: c.batchSize, inputWidth: c.inputWidth ?? widths[0], widths, init: c.init, activation: c.activation,
    scale: initTakesScale(c.init) ? c.scale ?? INIT_SCALES[c.init] : null,
    bins: c.bins, range: c.range, seed: c.seed, gradients: c.gradients,
  };
}

/**
 * What a run holds at its peak: every layer's weights and activations (the backward pass keeps
 * them), as float32; the histogram counts are small. Also capped at {@link STATS_MAX_NUMBERS}.
 */
export function statsMemory(c: StatsConfig): MemoryNeed {
  const dims = [c.inputWidth, ...c.widths];
  let weights = 0;
  let activations = 0;
  for (let l = 1; l < dims.length; l++) {
    weights += dims[l - 1] * dims[l];
    activations += c.batchSize * dims[l];
  }
  const numbers = weights + activations + c.batchSize * c.inputWidth;
  const argument = c.batchSize * Math.max(...c.widths) > Math.max(...c.widths) ** 2 ? 'batchSize' : 'widths';
  const what = `${c.widths.length} layers of up to ${Math.max(...c.widths)} units: ${weights} weights and ` +
    `${activations} activations for batchSize ${c.batchSize}`;
  if (numbers > STATS_MAX_NUMBERS) {
    throw new ArgumentError(argument, undefined, '', `${argument} is too large: weightInit.stats would hold about ` +
      `${formatBytes(float32Bytes(numbers))} at once (${what}), over its limit of 1.0 GB (${STATS_MAX_NUMBERS} float32 numbers)`);
  }
  return { bytes: float32Bytes(numbers), argument, what };
}

/**
 * The lecture's experiment for one init and one activation. Runs the forward pass with per-layer
 * statistics, then (with `gradients`) the backward pass of the read-out loss. Every tensor it
 * creates is disposed before it resolves.
 * Progress: one event per layer and pass (phase "forward", then "backward"), metrics
 * `{ layer, std }` (the std of h_l, then of dL/dW_l).
 *
 * @example
 * const r = await nn.weightInit.stats({ init: 'he', activation: 'relu', seed: 1 });
 * r.layers[0].std // ≈ 0.826 = sqrt(1 - 1/π)
 * nn.weightInit.showStats(r);
 */
export async function stats(options: StatsOptions = {}): Promise<StatsRecord> {
  const { options: rest, progress } = takeProgress(options);
  const config = resolveStatsOptions(rest);
  const total = config.widths.length * (config.gradients ? 2 : 1);
  const bar = experimentProgress(progress, { label: 'weightInit.stats' });
  let done = 0;
  try {
    return await runStats(config, freshDraws(seedStream(config.seed)), (phase, layer, std) => {
      done += 1;
      bar.report({ done, total, phase, metrics: { layer, std } });
    });
  } finally {
    bar.finish();
  }
}

/** Called after each layer of each pass with the std that pass measured there. */
export type OnLayer = (phase: 'forward' | 'backward', layer: number, std: number) => void;

/** One run of the experiment on the given draws (the grid shares its draws between runs). */
export async function runStats(config: StatsConfig, draws: Draws, onLayer?: OnLayer): Promise<StatsRecord> {
  const start = performance.now();
  const rule = SATURATION[config.activation];
  const X = draws.draw('X', [config.batchSize, config.inputWidth], 1);
  const caches: DenseCache[] = [];
  try {
    const input = summarizeValues(await X.data() as Float32Array, config.inputWidth, config, rule).stats;
    const layers = await forwardPass(X, config, draws, caches, onLayer);
    const gradients = config.gradients ? await backwardPass(caches, config, draws, onLayer) : null;
    return {
      experiment: 'initStats', init: config.init, activation: config.activation, options: config,
      ...provenance(), saturation: rule.text, input, layers, gradients, meta: { ms: performance.now() - start },
    };
  } finally {
    X.dispose();
    disposeCaches(caches);
  }
}

/** The dims of the net: [inputWidth, ...widths]; layer l maps dims[l - 1] -> dims[l]. */
function netDims(config: StatsConfig): number[] {
  return [config.inputWidth, ...config.widths];
}

/** W_l = std_l · N(0, 1) from the sub-seed "W<l>", shape [fanIn, fanOut] (l is 1-based). */
function layerWeights(config: StatsConfig, draws: Draws, l: number): tf.Tensor2D {
  const dims = netDims(config);
  const shape: [number, number] = [dims[l - 1], dims[l]];
  const std = initStd(config.init, shape, config.scale ?? undefined);
  return std === 0 ? tf.fill(shape, 0) as tf.Tensor2D : draws.draw(`W${l}`, shape, std); // fill: made in place, no JS array
}

/**
 * The numbers behind a record of {@link stats} with these options: the input X
 * [batchSize, inputWidth], every W_l [fanIn, fanOut] and the read-out G / N [batchSize, width_L],
 * row-major. Use them to redo the experiment by hand (or in NumPy) on exactly the same draws.
 *
 * @example
 * const { X, W, G } = nn.weightInit.statsInputs({ depth: 3, width: 100, batchSize: 50, seed: 2 });
 * W[0].length // 100 * 100
 */
export function statsInputs(options: Omit<StatsOptions, 'progress'> = {}): { X: Float32Array; W: Float32Array[]; G: Float32Array } {
  const config = resolveStatsOptions(options);
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
async function forwardPass(x: tf.Tensor2D, config: StatsConfig, draws: Draws, caches: DenseCache[], onLayer?: OnLayer): Promise<LayerStats[]> {
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
    onLayer?.('forward', l, summary.stats.std);
  }
  return layers;
}

/**
 * Backpropagates the read-out loss L = (1/N) Σ G ⊙ h_L through the cached layers, last to first:
 * dh_L = G / N; for each layer dz = dh_l ⊙ f'(z_l), dx = dz · W_lᵀ (= dh_{l-1}) and the std of
 * dW_l = xᵀ · dz, which {@link productMoments} computes without forming dW when the batch is small
 * (the same numbers as denseBackward, which forms it).
 */
async function backwardPass(caches: DenseCache[], config: StatsConfig, draws: Draws, onLayer?: OnLayer): Promise<GradientStats[]> {
  const L = caches.length;
  const N = config.batchSize;
  let dout = draws.draw('G', [N, config.widths[L - 1]], 1 / N);
  const grads: GradientStats[] = new Array(L);
  try {
    for (let l = L; l >= 1; l--) {
      const { x, W, out, activation } = caches[l - 1];
      const dz = tf.tidy(() => tf.mul(dout, activationGrad(out, activation))) as tf.Tensor2D;
      const dx = matMulBT(dz, W);
      dout.dispose();
      dout = dx;
      const dW = await productMoments(x, dz);
      dz.dispose();
      grads[l - 1] = { layer: l, std: dW.std, dxStd: await deviceStd(dx) };
      onLayer?.('backward', l, dW.std);
    }
  } finally {
    dout.dispose();
  }
  return grads;
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
