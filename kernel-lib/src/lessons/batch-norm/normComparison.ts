/**
 * `nn.batchNorm.normComparison` (lesson 04): batch, layer, instance and group norm on one tensor:
 * which values share a statistic, and which methods depend on the rest of the batch.
 *
 * @example
 * const r = await nn.batchNorm.normComparison({ batchSize: 4, channels: 6, groups: 2, seed: 7 });
 * r.methods.map((m) => [m.method, m.statistics, m.independentOfBatch])
 * nn.batchNorm.showNormComparison(r);
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../../core/errors';
import { defineOptions, float32Bytes, seed } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { ExperimentRecord, provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import { experimentProgress } from '../../show/progress';
import { BATCH_NORM_DEFAULTS } from './batchNorm';
import { BATCH_NORM_LIMITS, count, epsField } from './batches';
import { batchNormalizeChannels, groupNorm, instanceNorm, layerNorm } from './norms';

export const NORM_METHODS = ['batch norm', 'layer norm', 'instance norm', 'group norm'] as const;
export type NormMethod = typeof NORM_METHODS[number];

export interface NormComparisonOptions {
  batchSize?: number;
  height?: number;
  width?: number;
  channels?: number;
  /** Groups of group norm (a divisor of channels). */
  groups?: number;
  eps?: number;
  seed?: number;
  /** Live bar in a kernel (default), false for silence, or a callback ({done, total, phase, metrics}); never recorded. */
  progress?: ProgressOption;
}

export const NORM_COMPARISON_DEFAULTS = { batchSize: 4, height: 3, width: 3, channels: 6, groups: 2, eps: BATCH_NORM_DEFAULTS.eps, seed: 0 } as const;

export type NormComparisonConfig = { -readonly [K in keyof typeof NORM_COMPARISON_DEFAULTS]: number };

/** What one method did to the tensor. */
export interface NormMethodResult {
  method: NormMethod;
  /** The axes its statistics pool, in words. */
  over: string;
  /** How many separate (μ, σ²) pairs it computes, and from how many values each. */
  statistics: number;
  valuesPerStatistic: number;
  /** groupOf[n][c]: which statistic example n, channel c uses (every position of it shares one). */
  groupOf: number[][];
  /** Over its groups: max |mean| and max |std - 1| of the output (≈ 0 when it normalised each group). */
  maxAbsMean: number;
  maxAbsStdError: number;
  /** Whether example 0 gives the same output alone as in the batch. */
  independentOfBatch: boolean;
}

export interface NormComparisonRecord extends ExperimentRecord<NormComparisonConfig> {
  experiment: 'normComparison';
  /** Batch, layer, instance and group norm, in that order. */
  methods: NormMethodResult[];
  meta: { ms: number };
}

const L = BATCH_NORM_LIMITS;
const D = NORM_COMPARISON_DEFAULTS;

/** The options of {@link normComparison}, declared once (core/options.ts). */
export const NORM_COMPARISON_OPTIONS = defineOptions('batchNorm.normComparison', {
  batchSize: count(2, 10_000, D.batchSize),
  height: count(1, L.imageSize, D.height),
  width: count(1, L.imageSize, D.width),
  channels: count(1, L.channels, D.channels),
  groups: count(1, L.channels, D.groups),
  eps: epsField(D.eps),
  seed: seed(),
}, {
  rules(c) {
    if (c.groups > c.channels) throw new ArgumentError('groups', c.groups, `an integer in [1, ${c.channels}] (at most channels)`);
    if (c.channels % c.groups !== 0) throw new ArgumentError('groups', c.groups, `a divisor of channels (${c.channels})`);
  },
  memory: (c) => {
    const values = c.batchSize * c.height * c.width * c.channels;
    return {
      // x and each method's output and intermediates in float32, the outputs read back, groupOf as JS arrays
      bytes: float32Bytes(12 * values) + 8 * 2 * c.batchSize * c.channels,
      argument: c.height * c.width >= c.batchSize && c.height * c.width >= c.channels ? (c.height >= c.width ? 'height' : 'width')
        : c.batchSize >= c.channels ? 'batchSize' : 'channels',
      what: `a tensor of ${c.batchSize} x ${c.height} x ${c.width} x ${c.channels}: about 12 float32 copies`,
    };
  },
});

/** Validates `options` (without `progress`) and fills in the defaults. */
export function resolveNormComparisonOptions(options: Omit<NormComparisonOptions, 'progress'> = {}): NormComparisonConfig {
  return NORM_COMPARISON_OPTIONS.resolve(options);
}

/**
 * One tensor x [N, H, W, C] (channel c offset by 2c, example n scaled by 1 + n), normalised by each
 * method. For each: which values share a statistic (`groupOf`, the picture of Wu and He's group-norm
 * figure), the check that every group comes out with mean 0 and std 1, and whether an example's
 * output depends on the rest of the batch. Progress: one unit per method (phase "layer norm").
 *
 * @example
 * const r = await nn.batchNorm.normComparison({ seed: 7 });
 * r.methods[3].groupOf[1]   // [2, 2, 2, 3, 3, 3]: example 1's two groups of channels
 */
export async function normComparison(options: NormComparisonOptions = {}): Promise<NormComparisonRecord> {
  const { config: o, progress } = NORM_COMPARISON_OPTIONS.take(options);
  const bar = experimentProgress(progress, { label: 'batchNorm.normComparison' });
  const start = performance.now();
  const { batchSize: N, height: H, width: W, channels: C, groups: G, eps } = o;
  const x = tf.tidy(() => {
    const z = tf.randomNormal([N, H, W, C], 0, 1, 'float32', seedStream(o.seed).derive('X'));
    const offset = tf.range(0, C).mul(2);
    const scale = tf.range(1, N + 1).reshape([N, 1, 1, 1]);
    return z.mul(scale).add(offset) as tf.Tensor4D;
  });
  const specs: { method: NormMethod; over: string; fn: (t: tf.Tensor) => tf.Tensor; group: (n: number, c: number) => number; count: number }[] = [
    { method: 'batch norm', over: 'N, H, W (the batch and every position)', fn: (t) => batchNormalizeChannels(t, { eps }), group: (_, c) => c, count: C },
    { method: 'layer norm', over: 'H, W, C (one whole example)', fn: (t) => layerNorm(t, { eps }), group: (n) => n, count: N },
    { method: 'instance norm', over: 'H, W (one channel of one example)', fn: (t) => instanceNorm(t, { eps }), group: (n, c) => n * C + c, count: N * C },
    { method: 'group norm', over: `H, W and the ${C / G} channels of a group (of one example)`, fn: (t) => groupNorm(t, G, { eps }),
      group: (n, c) => n * G + Math.floor(c / (C / G)), count: N * G },
  ];
  const methods: NormMethodResult[] = [];
  try {
    for (const s of specs) {
      const y = s.fn(x);
      const values = await y.data();
      y.dispose();
      const alone = tf.tidy(() => s.fn(tf.slice(x, [0, 0, 0, 0], [1, H, W, C])));
      const aloneValues = await alone.data();
      alone.dispose();
      const groupOf = Array.from({ length: N }, (_, n) => Array.from({ length: C }, (_, c) => s.group(n, c)));
      const { maxAbsMean, maxAbsStdError } = groupStats(values, o, groupOf, s.count);
      const tol = 1e-4;
      const independentOfBatch = Array.from(aloneValues).every((v, k) => Math.abs(v - values[k]) <= tol * (1 + Math.abs(v)));
      methods.push({ method: s.method, over: s.over, statistics: s.count, valuesPerStatistic: (N * H * W * C) / s.count,
        groupOf, maxAbsMean, maxAbsStdError, independentOfBatch });
      bar.report({ done: methods.length, total: specs.length, phase: s.method, metrics: { maxAbsMean, maxAbsStdError } });
    }
  } finally {
    x.dispose();
    bar.finish();
  }
  return { experiment: 'normComparison', options: o, ...provenance(), methods, meta: { ms: performance.now() - start } };
}

/** Mean and std of the output within every group, in float64; the worst deviations from 0 and 1. */
function groupStats(values: ArrayLike<number>, o: NormComparisonConfig, groupOf: number[][], count: number):
  { maxAbsMean: number; maxAbsStdError: number } {
  const { batchSize: N, height: H, width: W, channels: C } = o;
  const sum = new Float64Array(count);
  const sq = new Float64Array(count);
  const n = new Float64Array(count);
  for (let i = 0; i < N; i++) {
    for (let p = 0; p < H * W; p++) {
      for (let c = 0; c < C; c++) {
        const g = groupOf[i][c];
        const v = values[(i * H * W + p) * C + c];
        sum[g] += v;
        sq[g] += v * v;
        n[g] += 1;
      }
    }
  }
  let maxAbsMean = 0;
  let maxAbsStdError = 0;
  for (let g = 0; g < count; g++) {
    const mean = sum[g] / n[g];
    const std = Math.sqrt(Math.max(0, sq[g] / n[g] - mean * mean));
    maxAbsMean = Math.max(maxAbsMean, Math.abs(mean));
    maxAbsStdError = Math.max(maxAbsStdError, Math.abs(std - 1));
  }
  return { maxAbsMean, maxAbsStdError };
}
