/**
 * Activation statistics across depth with each activation's matching init (lesson 01, linking to
 * lesson 03's weight initialization): a batch of N(0, 1) inputs through a net of `depth` dense
 * layers of `width` units without biases, h_l = f(h_(l−1)·W_l), and the mean and standard deviation
 * of every layer's activations.
 *
 * | activation | init                     | std of W        |
 * |------------|--------------------------|-----------------|
 * | tanh       | Xavier (the lecture's)   | 1/√fanIn        |
 * | ReLU       | He (Kaiming)             | √(2/fanIn)      |
 * | SELU       | LeCun normal             | 1/√fanIn        |
 * | GELU       | He                       | √(2/fanIn)      |
 *
 * LeCun normal and the lecture's Xavier, `W = np.random.randn(Din, Dout) / np.sqrt(Din)`, have the
 * same std; both are `nets/init`'s `xavier` (exact normal draws, not tfjs's truncated ones).
 *
 * What a student should see: SELU is self-normalising (Klambauer et al. 2017): its fixed point is
 * mean 0 and variance 1, so every layer's activations keep mean ≈ 0 and std ≈ 1. tanh's std shrinks
 * slowly with depth, ReLU and GELU keep a roughly constant second moment with a positive mean.
 *
 * Standard errors, from the sample size: the N·width activations of a layer are not independent
 * (the units of a layer see the same inputs, the examples pass through the same weights), so the
 * record treats each unit as one sample: unit j's mean m_j and second moment s_j over the N
 * examples, then SE(mean) = sd_j(m_j)/√width and SE(std) ≈ sd_j(s_j)/(2·std·√width) (the delta method
 * on std = √(mean_j s_j − mean²)). SELU's check is |mean| < 4·SE(mean) and |std − 1| < 4·SE(std)
 * at every layer (measured, seeds 0-2, 200 and 1000 inputs: at most 3.1 SE).
 *
 * @example
 * const r = await nn.activations.depthStats();
 * r.runs.find((run) => run.activation === 'selu').layers.map((l) => l.std)   // all close to 1
 * nn.activations.showDepthStats(r);
 */
import * as tf from '@tensorflow/tfjs';
import { withQuickPreset } from '../../core/config';
import { defineOptions, float32Bytes, int, list, oneOf, seed } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { normalArray } from '../../core/normal';
import { seedStream } from '../../core/rng';
import { initStd, initValues } from '../../nets/init';
import { gelu, relu, selu, tanh } from '../../nets/activations';
import { experimentProgress } from '../../show/progress';

/** The activations of the experiment, each with its matching init. */
export const DEPTH_ACTIVATIONS = ['tanh', 'relu', 'selu', 'gelu'] as const;
export type DepthActivation = typeof DEPTH_ACTIVATIONS[number];

/** Each activation's init: its name in the lecture and the `nets/init` initializer that draws it. */
export const MATCHING_INIT: Readonly<Record<DepthActivation, { label: string; init: 'xavier' | 'he' }>> = {
  tanh: { label: 'Xavier', init: 'xavier' },
  relu: { label: 'He', init: 'he' },
  selu: { label: 'LeCun normal', init: 'xavier' },
  gelu: { label: 'He', init: 'he' },
};

const KERNELS: Readonly<Record<DepthActivation, (x: tf.Tensor) => tf.Tensor>> = { tanh, relu, selu, gelu };
const LABELS: Readonly<Record<DepthActivation, string>> = { tanh: 'tanh', relu: 'ReLU', selu: 'SELU', gelu: 'GELU' };

/** Defaults of {@link depthStats}: 10 layers of 500 units, 1000 inputs. */
export const DEPTH_DEFAULTS = { depth: 10, width: 500, batchSize: 1000, activations: DEPTH_ACTIVATIONS, seed: 0 } as const;

/** Quick mode: 200 inputs. */
export const DEPTH_QUICK = { batchSize: 200 } as const;

/** SELU's check allows this many standard errors (see the module comment). */
export const SELU_SE_MULTIPLE = 4;

/** The options of {@link depthStats}, declared once (core/options.ts). */
export const DEPTH_FIELDS = {
  depth: int({ min: 1, max: 100, default: DEPTH_DEFAULTS.depth }),
  width: int({ min: 2, max: 4096, default: DEPTH_DEFAULTS.width }),
  batchSize: int({ min: 2, max: 100_000, default: DEPTH_DEFAULTS.batchSize }),
  activations: list(oneOf(DEPTH_ACTIVATIONS), { minLength: 1, maxLength: DEPTH_ACTIVATIONS.length, unique: true, default: DEPTH_DEFAULTS.activations }),
  seed: seed({ default: DEPTH_DEFAULTS.seed }),
};

export const DEPTH_OPTIONS = defineOptions('activations.depthStats', DEPTH_FIELDS, {
  // peak: the input, one weight matrix, a layer's pre-activation and output, and the read-back copy
  memory: (c) => ({
    bytes: float32Bytes(4 * c.batchSize * c.width + c.width * c.width) + 8 * c.batchSize * c.width,
    argument: 'batchSize', what: `${c.batchSize} inputs through layers of ${c.width} units`,
  }),
});

/** Options of {@link depthStats}. */
export interface DepthStatsOptions {
  depth?: number; width?: number; batchSize?: number; activations?: readonly DepthActivation[]; seed?: number;
  /** Live progress (one event per layer); never recorded. */
  progress?: ProgressOption;
}

export type DepthStatsConfig = ReturnType<typeof DEPTH_OPTIONS.resolve>;

/** One layer's statistics, over all its N·width activations, with standard errors over units. */
export interface DepthLayer { layer: number; mean: number; std: number; seMean: number; seStd: number }

/** One activation's run. */
export interface DepthRun { activation: DepthActivation; label: string; init: string; weightStd: number; layers: DepthLayer[] }

/** What {@link depthStats} returns: plain JSON. */
export interface DepthStatsRecord {
  experiment: 'activationDepthStats';
  options: DepthStatsConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  runs: DepthRun[];
  /** SELU's check, when SELU ran: every layer within the tolerance of mean 0 and std 1. */
  selu: { seMultiple: number; layers: { layer: number; meanTolerance: number; stdTolerance: number; ok: boolean }[]; ok: boolean } | null;
  meta: { ms: number };
}

/**
 * The depth-statistics experiment; see the module comment. One input batch for every activation
 * (so the runs differ by activation and init only); layer l's weights come from the seed stream's
 * fork for that activation, one sub-seed per layer.
 *
 * @example
 * const r = await nn.activations.depthStats({ activations: ['selu'], depth: 5 });
 * r.selu?.ok   // true
 */
export async function depthStats(options: DepthStatsOptions = {}): Promise<DepthStatsRecord> {
  const started = performance.now();
  // the quick preset applies to an object of options; anything else goes to take() as given, which names it
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  const { config, progress } = DEPTH_OPTIONS.take(isObject ? withQuickPreset<DepthStatsOptions>(options, DEPTH_QUICK) : options);
  const bar = experimentProgress(progress, { label: 'activations.depthStats' });
  const total = config.activations.length * config.depth;
  try {
    const seeds = seedStream(config.seed);
    const input = normalArray(config.batchSize * config.width, seeds.derive('input'));
    const runs: DepthRun[] = [];
    for (const activation of config.activations) {
      const layers = await runDepth(activation, input, config, seeds.fork(activation), (layer) => {
        bar.report({ done: runs.length * config.depth + layer.layer, total, phase: LABELS[activation], metrics: { mean: layer.mean, std: layer.std } });
      });
      const { label, init } = MATCHING_INIT[activation];
      runs.push({ activation, label: LABELS[activation], init: label, weightStd: initStd(init, [config.width, config.width]), layers });
    }
    return { experiment: 'activationDepthStats', options: config, ...provenance(), runs, selu: seluCheck(runs), meta: { ms: performance.now() - started } };
  } finally {
    bar.finish();
  }
}

async function runDepth(activation: DepthActivation, input: Float32Array, config: DepthStatsConfig,
  seeds: ReturnType<typeof seedStream>, report: (l: DepthLayer) => void): Promise<DepthLayer[]> {
  const { batchSize: n, width } = config;
  const f = KERNELS[activation];
  let h = tf.tensor2d(input, [n, width]);
  const layers: DepthLayer[] = [];
  try {
    for (let l = 1; l <= config.depth; l++) {
      const W = initValues(MATCHING_INIT[activation].init, [width, width], seeds.next());
      const next = tf.tidy(() => {
        const Wt = tf.tensor2d(W, [width, width]);
        return f(tf.matMul(h, Wt)) as tf.Tensor2D;
      });
      h.dispose();
      h = next;
      layers.push({ layer: l, ...layerStats(await h.data(), n, width) });
      report(layers[layers.length - 1]);
    }
  } finally {
    h.dispose();
  }
  return layers;
}

/**
 * Mean and std of all n·width values (row-major [n, width]) in float64, with standard errors over
 * units: SE(mean) = sd_j(m_j)/√width, SE(std) = sd_j(s_j)/(2·std·√width), m_j and s_j unit j's mean
 * and second moment over the n rows.
 *
 * @example
 * layerStats([1, 2, 3, 4], 2, 2)   // mean 2.5, std 1.118...; m = [2, 3], s = [5, 10]
 */
export function layerStats(values: ArrayLike<number>, n: number, width: number): Omit<DepthLayer, 'layer'> {
  const m = new Float64Array(width);
  const s = new Float64Array(width);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < width; j++) {
      const v = values[i * width + j];
      m[j] += v;
      s[j] += v * v;
    }
  }
  for (let j = 0; j < width; j++) { m[j] /= n; s[j] /= n; }
  const mean = avg(m);
  const second = avg(s);
  const std = Math.sqrt(Math.max(0, second - mean * mean));
  const seMean = sd(m) / Math.sqrt(width);
  const seStd = std > 0 ? sd(s) / (2 * std * Math.sqrt(width)) : 0;
  return { mean, std, seMean, seStd };
}

function avg(a: Float64Array): number {
  let t = 0;
  for (const v of a) t += v;
  return t / a.length;
}

/** Sample standard deviation (n − 1). */
function sd(a: Float64Array): number {
  const mu = avg(a);
  let t = 0;
  for (const v of a) t += (v - mu) ** 2;
  return Math.sqrt(t / (a.length - 1));
}

function seluCheck(runs: DepthRun[]): DepthStatsRecord['selu'] {
  const run = runs.find((r) => r.activation === 'selu');
  if (!run) return null;
  const layers = run.layers.map((l) => {
    const meanTolerance = SELU_SE_MULTIPLE * l.seMean;
    const stdTolerance = SELU_SE_MULTIPLE * l.seStd;
    return { layer: l.layer, meanTolerance, stdTolerance, ok: Math.abs(l.mean) < meanTolerance && Math.abs(l.std - 1) < stdTolerance };
  });
  return { seMultiple: SELU_SE_MULTIPLE, layers, ok: layers.every((l) => l.ok) };
}
