/**
 * Summary statistics in float64 JavaScript, computed once on values read back from a tensor:
 * mean and population standard deviation (numpy's `np.mean`, `np.std`, ddof 0) and histograms
 * with numpy's bin convention, so that numbers printed by a lesson can be held next to the
 * lecture's NumPy code.
 *
 * @example
 * const h = histogram([-1, -0.5, 0, 0.5, 1], { bins: 2, range: [-1, 1] });
 * // h.edges [-1, 0, 1], h.counts [2, 3]: bins are [lo, hi) except the last, which is [lo, hi]
 */
import { ArgumentError, checkInt, checkNumber } from './errors';

/** A histogram as plain data: `edges.length === counts.length + 1`. */
export interface Histogram { edges: number[]; counts: number[] }

/** Mean and population std of some values. */
export interface Moments { mean: number; std: number }

/**
 * The bin edges of `bins` equal bins on [lo, hi], as `np.linspace(lo, hi, bins + 1)` computes
 * them: edge i = lo + i (hi - lo) / bins, the last edge exactly hi.
 */
export function histogramEdges(bins: number, range: readonly [number, number]): number[] {
  checkInt('bins', bins, { min: 1, max: 1_000_000 });
  const [lo, hi] = checkRange('range', range);
  const step = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => i * step + lo);
  edges[bins] = hi;
  return edges;
}

/** Throws unless `range` is [lo, hi] with finite lo < hi; returns it as a tuple. */
export function checkRange(name: string, range: unknown): [number, number] {
  if (!Array.isArray(range) || range.length !== 2) throw new ArgumentError(name, range, 'a pair [lo, hi]');
  const lo = checkNumber(`${name}[0]`, range[0]);
  const hi = checkNumber(`${name}[1]`, range[1]);
  if (!(lo < hi)) throw new ArgumentError(name, range, 'a pair [lo, hi] with lo < hi');
  return [lo, hi];
}

/**
 * The bin of `v` among `edges` (equal bins, `norm = bins / (hi - lo)`), or -1 when v is outside
 * [lo, hi] or NaN. Bins are half-open [e_i, e_{i+1}) except the last, which includes hi: the
 * convention of `np.histogram`, including its correction of the computed index against the edges.
 */
export function binOf(v: number, edges: readonly number[], norm: number): number {
  const bins = edges.length - 1;
  if (!(v >= edges[0] && v <= edges[bins])) return -1;
  let i = Math.floor((v - edges[0]) * norm);
  if (i >= bins) i = bins - 1;
  if (v < edges[i]) i -= 1;
  else if (i < bins - 1 && v >= edges[i + 1]) i += 1;
  return i;
}

/**
 * The edges a float32 array is binned with: `np.histogram` gives float32 data float32 edges (the
 * float64 edges rounded once), so a value within rounding of an edge falls on the same side as
 * in NumPy. The reported edges stay the float64 ones.
 */
export function float32Edges(edges: readonly number[]): number[] {
  return edges.map((e) => Math.fround(e));
}

/**
 * A histogram of `values` with `bins` equal bins on `range` (default 30 bins on [-1, 1], the
 * lecture's plots). Values outside the range are not counted, as in `np.histogram`; a Float32Array
 * is binned with float32 edges, as NumPy bins float32 data.
 */
export function histogram(values: ArrayLike<number>, opts: { bins?: number; range?: readonly [number, number] } = {}): Histogram {
  const edges = histogramEdges(opts.bins ?? 30, opts.range ?? [-1, 1]);
  const cmp = values instanceof Float32Array ? float32Edges(edges) : edges;
  const bins = edges.length - 1;
  const norm = bins / (edges[bins] - edges[0]);
  const counts = new Array<number>(bins).fill(0);
  for (let k = 0; k < values.length; k++) {
    const i = binOf(values[k], cmp, norm);
    if (i >= 0) counts[i] += 1;
  }
  return { edges, counts };
}

/**
 * Mean and population standard deviation in float64, two passes (no cancellation when the mean is
 * large next to the spread, e.g. sigmoid outputs near 0.5): mean = Σx / n, std = sqrt(Σ(x - mean)² / n).
 */
export function moments(values: ArrayLike<number>): Moments {
  const n = values.length;
  if (n === 0) throw new ArgumentError('values.length', 0, 'at least 1');
  let sum = 0;
  for (let k = 0; k < n; k++) sum += values[k];
  const mean = sum / n;
  let ss = 0;
  for (let k = 0; k < n; k++) {
    const d = values[k] - mean;
    ss += d * d;
  }
  return { mean, std: Math.sqrt(ss / n) };
}

/** Per-feature mean and population std (ddof 0), one entry per feature. */
export interface FeatureStats { mean: number[]; std: number[] }

/**
 * Per-feature mean and population std of `values`, a row-major [rows, D] array (any leading shape
 * flattened into rows), in float64: mean_j = (1/rows) Σ_i x_ij, std_j = sqrt((1/rows) Σ_i (x_ij - mean_j)²).
 * What batch norm (lesson 04) makes 0 and 1 for every feature.
 *
 * @example
 * const x = tf.randomNormal([64, 3], 5, 3, 'float32', 1);
 * const { y } = nn.batchNorm.forward(x, nn.batchNorm.params(3), nn.batchNorm.state(3), { training: true });
 * const s = nn.batchNorm.featureStats(await y.data(), 3);   // y [64, 3]
 * s.mean  // ≈ [0, 0, 0] after training-mode batch norm; s.std ≈ [1, 1, 1]
 */
export function featureStats(values: ArrayLike<number>, D: number): FeatureStats {
  const rows = values.length / D;
  if (!Number.isInteger(rows) || rows < 1) throw new ArgumentError('values.length', values.length, `a positive multiple of D = ${D}`);
  const mean = new Array<number>(D).fill(0);
  const ss = new Array<number>(D).fill(0);
  for (let k = 0; k < values.length; k++) mean[k % D] += values[k];
  for (let j = 0; j < D; j++) mean[j] /= rows;
  for (let k = 0; k < values.length; k++) ss[k % D] += (values[k] - mean[k % D]) ** 2;
  return { mean, std: ss.map((s) => Math.sqrt(s / rows)) };
}

/** cs231n's relative error in float64: max |a - b| / max(|a| + |b|), 0 when both are all zeros. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`relError: length ${a.length} vs ${b.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return Number.NaN;
    num = Math.max(num, d);
    den = Math.max(den, Math.abs(a[i]) + Math.abs(b[i]));
  }
  return den === 0 ? 0 : num / den;
}
