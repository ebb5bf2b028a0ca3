/**
 * The math of the weight-initialization lesson (03) on plain numbers: what counts as a saturated
 * (or dead) unit, the statistics of one layer's activations, the std's average factor per layer
 * and the lecture's one-word verdict on a run. No tensors, no display.
 *
 * @example
 * const r = await nn.weightInit.stats({ init: 'xavier', activation: 'relu' });
 * nn.weightInit.stdFactorPerLayer(r); // ≈ 0.707 = 1/sqrt(2): ReLU halves the second moment
 * nn.weightInit.verdict(r);           // 'vanishes'
 */
import { binOf, float32Edges, Histogram, histogramEdges } from '../../core/stats';
import type { ActivationName } from '../../nets/layers';
import { SELU_ALPHA, SELU_LAMBDA } from '../../nets/layers';
import type { StatsRecord } from './stats';

/** When an activation value counts as saturated (dead, for ReLU): v <= lo or v >= hi. */
export interface SaturationRule { lo: number; hi: number; text: string }

/**
 * The saturation rule of each activation: where its local gradient is (near) flat, e.g. tanh
 * with |a| > 0.99 (1 - a² < 0.02), ReLU with a = 0 (a dead unit).
 *
 * @example
 * nn.weightInit.SATURATION.tanh.text // '|a| > 0.99'
 */
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

/** What one pass over a batch of values finds (float64 sums of the float32 values). */
export interface ValueSummary {
  stats: ValueStats;
  saturated: number;
  deadUnits: number;
  /** Count of inf and NaN values (then the other numbers are meaningless). */
  nonFinite: number;
}

/**
 * Mean, population std, histogram (numpy's bins for float32 data), saturated fraction and dead-unit
 * fraction of `values`, a row-major [rows, width] batch, in two passes in float64.
 */
export function summarizeValues(values: Float32Array, width: number,
  config: { bins: number; range: readonly [number, number] }, rule: SaturationRule): ValueSummary {
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

/** "small (0.01) init, tanh": how figures, tables and progress name a run. */
export function runLabel(record: Pick<StatsRecord, 'init' | 'activation'> & { options: { scale: number | null } }): string {
  const scale = record.options.scale === null ? '' : ` (${record.options.scale})`;
  return `${record.init}${scale} init, ${record.activation}`;
}

/** The lecture's one-word diagnosis of a record (see {@link verdict}). */
export type Verdict = 'symmetric' | 'vanishes' | 'explodes' | 'saturates' | 'dies' | 'healthy';

/**
 * Thresholds of {@link verdict}: fractions of saturated values and dead units, and the std's
 * factor per layer below which it vanishes and above which it explodes.
 *
 * @example
 * nn.weightInit.VERDICT_THRESHOLDS.shrink // 0.8: after 10 layers, below 0.8^9 = 13 % of layer 1's std
 */
export const VERDICT_THRESHOLDS = { saturated: 0.5, dead: 0.5, shrink: 0.8, grow: 1.25 } as const;

/**
 * The std's average factor per layer, r = (std_L / std_1)^(1 / (L - 1)): 1 keeps the scale, 0.5
 * halves it at every layer (1 for a single layer or a first std of 0).
 *
 * @example
 * const r = await nn.weightInit.stats({ init: 'small', activation: 'tanh' });
 * nn.weightInit.stdFactorPerLayer(r); // ≈ 0.22 = sqrt(500) · 0.01: tanh is linear near 0
 */
export function stdFactorPerLayer(record: Pick<StatsRecord, 'layers'>): number {
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
 *
 * @example
 * const r = await nn.weightInit.stats({ init: 'he', activation: 'relu' });
 * nn.weightInit.verdict(r); // 'healthy'
 */
export function verdict(record: Pick<StatsRecord, 'layers' | 'activation'>): Verdict {
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
