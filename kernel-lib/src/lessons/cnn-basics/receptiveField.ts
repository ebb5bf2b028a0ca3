/**
 * Lesson 11's receptive field: how many input pixels one unit of a layer can see, through a stack
 * of convs and pools. Computed by the recurrence, layer by layer, with r the field and j the jump
 * (the distance in input pixels between two neighbouring units of the layer):
 *
 *   r ← r + (F − 1)·j,   j ← j·S        (starting from r = 1, j = 1 at the input)
 *
 * and measured: the same stack built from tfjs ops with positive weights (all ones) and no
 * nonlinearity, one output unit at the centre, its gradient with respect to the input by tf.grad;
 * the input pixels with a nonzero gradient are the field. Max pooling passes the gradient to one
 * pixel per window ("max routes"), so the measurement pools by averaging over the same windows;
 * the record also counts what max pooling lets through on a random input.
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt } from '../../core/errors';
import { custom, defineOptions, OptionsOf, seed } from '../../core/options';
import { ExperimentRecord, provenance } from '../../core/record';
import { seedStream } from '../../core/rng';

/** One layer of a receptive-field stack: a conv or a pool, window F, stride S. */
export interface RfLayer { token: string; kind: 'conv' | 'pool'; F: number; S: number }

const GRAMMAR = 'conv<F>[s<S>] (stride 1 unless given) or pool<F>[s<S>] (stride F unless given), e.g. conv3,conv3,pool2,conv3s2';

/** The largest field the measurement builds an input for (pixels per side). */
export const MAX_FIELD = 512;

/**
 * Parses "conv3,conv3,pool2,conv3s2" into layers; anything else is an ArgumentError naming the token.
 *
 * @example
 * nn.cnn.parseLayers('conv3,pool2')   // [{ token: 'conv3', kind: 'conv', F: 3, S: 1 }, { token: 'pool2', kind: 'pool', F: 2, S: 2 }]
 */
export function parseLayers(layers: string): RfLayer[] {
  if (typeof layers !== 'string' || layers.trim() === '') throw new ArgumentError('layers', layers, `a comma-separated list of ${GRAMMAR}`);
  const tokens = layers.split(',').map((t) => t.trim());
  if (tokens.length > 32) throw new ArgumentError('layers', `${tokens.length} layers`, 'at most 32 layers');
  return tokens.map((token, n) => {
    const m = /^(conv|pool)(\d+)(?:s(\d+))?$/.exec(token);
    if (!m) throw new ArgumentError(`layers[${n}]`, token, GRAMMAR);
    const F = checkInt(`layers[${n}] window`, Number(m[2]), { min: 1, max: 64 });
    const S = checkInt(`layers[${n}] stride`, Number(m[3] ?? (m[1] === 'pool' ? F : 1)), { min: 1, max: 64 });
    return { token, kind: m[1] as 'conv' | 'pool', F, S };
  });
}

/** The field after each layer: r (pixels per side) and the jump j. */
export interface RfRow { layer: string; F: number; S: number; r: number; jump: number }

/**
 * The receptive field by the recurrence r ← r + (F − 1)·j, j ← j·S, one row per layer.
 *
 * @example
 * nn.cnn.receptiveFieldOf('conv3,conv3,conv3').map((row) => row.r)   // [3, 5, 7]: three 3×3 convs see 7×7
 * nn.cnn.receptiveFieldOf('conv3,pool2,conv3').map((row) => row.r)   // [3, 4, 8]
 */
export function receptiveFieldOf(layers: string | readonly RfLayer[]): RfRow[] {
  const list = typeof layers === 'string' ? parseLayers(layers) : layers;
  let r = 1; let j = 1;
  return list.map((l) => {
    r += (l.F - 1) * j;
    j *= l.S;
    return { layer: l.token, F: l.F, S: l.S, r, jump: j };
  });
}

/** What the gradient shows for one depth. */
export interface RfMeasure {
  /** Input pixels with a nonzero gradient of the centre unit (ones weights, average pooling). */
  count: number;
  /** The rows and columns they span (the field's side). */
  height: number;
  width: number;
  /** The same with max pooling on a random input (fewer: max routes the gradient to one pixel per window). */
  countMaxPool: number;
  /** The input's side for this depth. */
  input: number;
}

/**
 * The stack as tfjs ops on an [1, n, n, 1] input; the gradient of the centre output unit with
 * respect to the input, read back as n×n numbers (every tensor disposed).
 */
export function fieldGradient(layers: readonly RfLayer[], n: number, pool: 'avg' | 'max', inputSeed = 1): { grad: Float32Array; out: number } {
  let side = 0;
  const f = (x: tf.Tensor): tf.Tensor => {
    let h = x as tf.Tensor4D;
    for (const l of layers) {
      h = l.kind === 'conv' ? tf.conv2d(h, tf.ones([l.F, l.F, 1, 1]) as tf.Tensor4D, l.S, 'valid')
        : (pool === 'max' ? tf.maxPool(h, l.F, l.S, 'valid') : tf.avgPool(h, l.F, l.S, 'valid'));
    }
    side = h.shape[1];
    const c = Math.floor((side - 1) / 2);
    return h.slice([0, c, c, 0], [1, 1, 1, 1]).sum();
  };
  const grad = tf.tidy(() => {
    const x = pool === 'max' ? tf.randomUniform([1, n, n, 1], 0.1, 1, 'float32', inputSeed) : tf.ones([1, n, n, 1]);
    return tf.grad(f)(x);
  });
  const data = grad.dataSync() as Float32Array;
  grad.dispose();
  return { grad: data, out: side };
}

/** Counts the nonzero pixels of an n×n map and the rows and columns they span. */
export function nonzeroExtent(grad: ArrayLike<number>, n: number): { count: number; height: number; width: number; rows: [number, number]; cols: [number, number] } {
  let count = 0; let y0 = n; let y1 = -1; let x0 = n; let x1 = -1;
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
    if (grad[y * n + x] !== 0) { count++; y0 = Math.min(y0, y); y1 = Math.max(y1, y); x0 = Math.min(x0, x); x1 = Math.max(x1, x); }
  }
  return { count, height: count ? y1 - y0 + 1 : 0, width: count ? x1 - x0 + 1 : 0, rows: [y0, y1], cols: [x0, x1] };
}

export const RF_DEFAULTS = { layers: 'conv3,conv3,pool2,conv3,conv3,pool2,conv3', seed: 0 } as const;

function checkLayersOption(name: string, v: unknown): string {
  const list = parseLayers(v as string);
  const r = receptiveFieldOf(list);
  const last = r[r.length - 1];
  if (last.r + 4 * last.jump > MAX_FIELD) throw new ArgumentError(name, v, `a stack whose field r + 4·jump is at most ${MAX_FIELD} pixels (this one: ${last.r + 4 * last.jump})`);
  return v as string;
}

export const RF_OPTIONS = defineOptions('cnn.receptiveField', {
  /** The stack, e.g. 'conv3,conv3,pool2,conv3' (see {@link parseLayers}). */
  layers: custom(checkLayersOption, { default: RF_DEFAULTS.layers, bad: ['conv', 'dense3', 'conv3,,pool2', 'conv200'] }),
  /** Seed of the random input of the max-pooling count. */
  seed: seed(),
});

export type ReceptiveFieldOptions = OptionsOf<typeof RF_OPTIONS.fields>;

export interface ReceptiveFieldRecord extends ExperimentRecord<ReturnType<typeof RF_OPTIONS.resolve>> {
  experiment: 'cnnReceptiveField';
  /** Per depth: the recurrence's r and j, and the gradient measurement. */
  rows: (RfRow & { measured: RfMeasure })[];
  /** Every depth: measured count = r², side = r (with average pooling). */
  agree: boolean;
  /** The last depth's gradient map (n×n, scaled to max 1, 4 decimals) and where the field lies on it. */
  map: { n: number; values: number[][]; rows: [number, number]; cols: [number, number] };
  meta: { ms: number };
}

/**
 * The receptive field of each layer of a stack, computed by the recurrence and measured by the
 * gradient of one centre unit (lesson 11). Two stacked 3×3 convs see 5×5, three see 7×7; a 2×2
 * pool doubles the jump, so every later 3×3 conv adds 4 pixels instead of 2.
 *
 * @example
 * const r = nn.cnn.receptiveField({ layers: 'conv3,conv3,pool2,conv3' });
 * r.rows.map((row) => [row.r, row.measured.width])   // [[3, 3], [5, 5], [6, 6], [10, 10]]
 * r.agree                                             // true
 * nn.cnn.showReceptiveField(r);
 */
export function receptiveField(options: ReceptiveFieldOptions = {}): ReceptiveFieldRecord {
  const t0 = Date.now();
  const config = RF_OPTIONS.resolve(options);
  const layers = parseLayers(config.layers);
  const computed = receptiveFieldOf(layers);
  const seeds = seedStream(config.seed);
  let map: ReceptiveFieldRecord['map'] = { n: 0, values: [], rows: [0, 0], cols: [0, 0] };
  const rows = computed.map((row, d) => {
    // room for 5 units across the output: the centre one is far from the border (no zeros involved)
    const n = row.r + 4 * row.jump;
    const avg = fieldGradient(layers.slice(0, d + 1), n, 'avg');
    const e = nonzeroExtent(avg.grad, n);
    const max = nonzeroExtent(fieldGradient(layers.slice(0, d + 1), n, 'max', seeds.next()).grad, n);
    if (d === computed.length - 1) {
      const top = Math.max(...Array.from(avg.grad));
      map = { n, values: Array.from({ length: n }, (_, y) => Array.from(avg.grad.subarray(y * n, (y + 1) * n), (v) => Math.round((v / top) * 1e4) / 1e4)), rows: e.rows, cols: e.cols };
    }
    return { ...row, measured: { count: e.count, height: e.height, width: e.width, countMaxPool: max.count, input: n } };
  });
  return {
    experiment: 'cnnReceptiveField', options: config, ...provenance(),
    rows, agree: rows.every((r) => r.measured.count === r.r * r.r && r.measured.height === r.r && r.measured.width === r.r), map,
    meta: { ms: Date.now() - t0 },
  };
}
