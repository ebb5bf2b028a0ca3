/**
 * Convolution and pooling in float64 JS loops (lesson 11's convolution by hand, lesson 12's conv
 * and max-pool gates, hw11's reference). Layouts are tfjs's: images NHWC `[N, H, W, C]`, filters
 * HWIO `[F, F, C, K]` (height, width, channels in, filters), so `tf.conv2d` on the same numbers
 * gives the same result to float32 rounding.
 *
 * What deep learning calls convolution is cross-correlation: out[y, x] = Σ w[i, j]·in[y·S + i − P,
 * x·S + j − P] with the kernel NOT flipped (a true convolution flips it: {@link flipKernel64}).
 *
 * Output size along one axis, the lecture's formula: ⌊(W − F + 2P)/S⌋ + 1 ({@link convOutputSize}).
 *
 * @example
 * const x = nn.nets.array64([1, 4, 4, 1], [...Array(16).keys()]);
 * const w = nn.nets.array64([3, 3, 1, 1], 1);          // a 3×3 box sum
 * nn.nets.conv2d64(x, w).shape                           // [1, 2, 2, 1]
 */
import { ArgumentError, checkInt } from '../core/errors';
import { type Array64, array64, checkArray64 } from './array64';

/** The answer of {@link convOutputSize}: the size and whether the stride fits. */
export interface ConvOutputSize {
  W: number; F: number; P: number; S: number;
  /** ⌊(W − F + 2P)/S⌋ + 1. */
  size: number;
  /** (W − F + 2P) mod S = 0: the filter's last position touches the padded edge. */
  exact: boolean;
  /** Rows (or columns) of the padded input that no window covers, at the far edge: (W − F + 2P) mod S. */
  dropped: number;
}

/**
 * The output size of a convolution or pooling along one axis: ⌊(W − F + 2P)/S⌋ + 1, with a report
 * of whether the stride fits. `exact: true` throws where it does not (the lecture's "cannot apply
 * this stride"); otherwise the last `dropped` rows are left out, as tfjs and PyTorch do.
 *
 * @example
 * nn.nets.convOutputSize({ W: 28, F: 5, P: 1, S: 2 })   // { size: 13, exact: false, dropped: 1, ... }: 25/2 is not whole
 * nn.nets.convOutputSize({ W: 7, F: 3, P: 0, S: 3 })    // { size: 2, exact: false, dropped: 1, ... }
 */
export function convOutputSize(spec: { W: number; F: number; P?: number; S?: number }, options: { exact?: boolean } = {}): ConvOutputSize {
  if (!spec || typeof spec !== 'object') throw new ArgumentError('spec', spec, 'an object { W, F, P, S }');
  const W = checkInt('W', spec.W, { min: 1 });
  const F = checkInt('F', spec.F, { min: 1 });
  const P = checkInt('P', spec.P ?? 0, { min: 0 });
  const S = checkInt('S', spec.S ?? 1, { min: 1 });
  const span = W - F + 2 * P;
  if (span < 0) throw new ArgumentError('F', F, `at most W + 2P = ${W + 2 * P}`, `F = ${F} is larger than the padded input W + 2P = ${W + 2 * P}: no window fits`);
  const dropped = span % S;
  if (options.exact && dropped !== 0) {
    throw new ArgumentError('S', S, `a stride that divides W − F + 2P = ${span}`,
      `stride S = ${S} does not fit: (W − F + 2P)/S = ${span}/${S} is not an integer (the last ${dropped} row(s) would be dropped)`);
  }
  return { W, F, P, S, size: Math.floor(span / S) + 1, exact: dropped === 0, dropped };
}

/** tfjs's padding of one axis: 'valid' pads nothing; 'same' pads to ⌈W/S⌉ outputs, the odd pixel at the end. */
export interface TfjsPadding { mode: 'valid' | 'same'; size: number; before: number; after: number }

/**
 * What tfjs (and TensorFlow) does with `padding: 'valid' | 'same'` along one axis of size W,
 * filter F, stride S: the output size and the zeros added before and after.
 *
 * @example
 * nn.nets.tfjsPadding(7, 3, 2, 'same')    // { mode: 'same', size: 4, before: 1, after: 1 }
 * nn.nets.tfjsPadding(6, 3, 2, 'same')    // { mode: 'same', size: 3, before: 0, after: 1 }
 * nn.nets.tfjsPadding(7, 3, 3, 'valid')   // { mode: 'valid', size: 2, before: 0, after: 0 }
 */
export function tfjsPadding(W: number, F: number, S: number, mode: 'valid' | 'same'): TfjsPadding {
  checkInt('W', W, { min: 1 });
  checkInt('F', F, { min: 1 });
  checkInt('S', S, { min: 1 });
  if (mode === 'valid') {
    if (F > W) throw new ArgumentError('F', F, `at most W = ${W} with 'valid' padding`);
    return { mode, size: Math.floor((W - F) / S) + 1, before: 0, after: 0 };
  }
  if (mode !== 'same') throw new ArgumentError('mode', mode, "'valid' or 'same'");
  const size = Math.ceil(W / S);
  const total = Math.max((size - 1) * S + F - W, 0);
  return { mode, size, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
}

/** Padding of {@link conv2d64}: P zeros on every side, tfjs's 'valid' / 'same', or explicit sides. */
export type Pad64 = number | 'valid' | 'same' | { top: number; bottom: number; left: number; right: number };

/** Options of {@link conv2d64} and its backward pass. */
export interface Conv64Options {
  /** Stride S in both directions (default 1). */
  stride?: number;
  /** Zero padding (default 0 = 'valid'). */
  pad?: Pad64;
}

interface Geometry { N: number; H: number; W: number; C: number; F: number; FW: number; K: number; S: number; top: number; left: number; Ho: number; Wo: number }

function sides(pad: Pad64 | undefined, H: number, W: number, F: number, FW: number, S: number): { top: number; bottom: number; left: number; right: number } {
  if (pad === undefined || pad === 'valid') return { top: 0, bottom: 0, left: 0, right: 0 };
  if (pad === 'same') {
    const v = tfjsPadding(H, F, S, 'same');
    const h = tfjsPadding(W, FW, S, 'same');
    return { top: v.before, bottom: v.after, left: h.before, right: h.after };
  }
  if (typeof pad === 'number') {
    checkInt('pad', pad, { min: 0 });
    return { top: pad, bottom: pad, left: pad, right: pad };
  }
  if (pad && typeof pad === 'object') {
    for (const k of ['top', 'bottom', 'left', 'right'] as const) checkInt(`pad.${k}`, pad[k], { min: 0 });
    return pad;
  }
  throw new ArgumentError('pad', pad, "a non-negative integer, 'valid', 'same' or { top, bottom, left, right }");
}

function geometry(x: Array64, F: number, FW: number, K: number, options: Conv64Options): Geometry {
  const [N, H, W, C] = x.shape;
  const S = checkInt('stride', options.stride ?? 1, { min: 1 });
  const p = sides(options.pad, H, W, F, FW, S);
  const spanH = H + p.top + p.bottom - F;
  const spanW = W + p.left + p.right - FW;
  if (spanH < 0 || spanW < 0) {
    throw new ArgumentError('w', [F, FW], `a filter no larger than the padded input ${H + p.top + p.bottom}×${W + p.left + p.right}`,
      `a ${F}×${FW} filter does not fit the padded ${H + p.top + p.bottom}×${W + p.left + p.right} input`);
  }
  return { N, H, W, C, F, FW, K, S, top: p.top, left: p.left, Ho: Math.floor(spanH / S) + 1, Wo: Math.floor(spanW / S) + 1 };
}

function convShapes(x: unknown, w: unknown, b: unknown): { x: Array64; w: Array64; b: Array64 | null } {
  const xa = checkArray64('x', x);
  if (xa.shape.length !== 4) throw new ArgumentError('x', xa.shape, 'shape [N, H, W, C] (NHWC, tfjs layout)', `x must have shape [N, H, W, C] (NHWC), got [${xa.shape.join(', ')}]`);
  const wa = checkArray64('w', w);
  if (wa.shape.length !== 4 || wa.shape[2] !== xa.shape[3]) {
    throw new ArgumentError('w', wa.shape, `shape [F, F, ${xa.shape[3]}, K] (HWIO: channels in = x's ${xa.shape[3]})`,
      `w must have shape [F, F, ${xa.shape[3]}, K] (height, width, channels in, filters), got [${wa.shape.join(', ')}]`);
  }
  const ba = b === null || b === undefined ? null : checkArray64('b', b, [wa.shape[3]]);
  return { x: xa, w: wa, b: ba };
}

/**
 * A 2-D convolution (cross-correlation, as in every deep-learning library) in float64 loops:
 * out[n, y, x, k] = b[k] + Σ_{i, j, c} w[i, j, c, k] · in[n, y·S + i − top, x·S + j − left, c],
 * zeros outside the input. Equal to `tf.conv2d(x, w, stride, pad)` (+ b) to float32 rounding.
 *
 * @example
 * const x = nn.nets.array64([1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
 * const w = nn.nets.array64([2, 2, 1, 1], [1, 0, 0, -1]);
 * nn.nets.conv2d64(x, w).data   // Float64Array [-4, -4, -4, -4]
 */
export function conv2d64(x: Array64, w: Array64, b: Array64 | null = null, options: Conv64Options = {}): Array64 {
  const a = convShapes(x, w, b);
  const g = geometry(a.x, a.w.shape[0], a.w.shape[1], a.w.shape[3], options);
  const out = array64([g.N, g.Ho, g.Wo, g.K]);
  const xd = a.x.data; const wd = a.w.data; const od = out.data;
  for (let n = 0; n < g.N; n++) {
    for (let oy = 0; oy < g.Ho; oy++) {
      for (let ox = 0; ox < g.Wo; ox++) {
        const o = ((n * g.Ho + oy) * g.Wo + ox) * g.K;
        if (a.b) for (let k = 0; k < g.K; k++) od[o + k] = a.b.data[k];
        for (let i = 0; i < g.F; i++) {
          const iy = oy * g.S + i - g.top;
          if (iy < 0 || iy >= g.H) continue;
          for (let j = 0; j < g.FW; j++) {
            const ix = ox * g.S + j - g.left;
            if (ix < 0 || ix >= g.W) continue;
            const xi = ((n * g.H + iy) * g.W + ix) * g.C;
            const wi = (i * g.FW + j) * g.C * g.K;
            for (let c = 0; c < g.C; c++) {
              const v = xd[xi + c];
              const wc = wi + c * g.K;
              for (let k = 0; k < g.K; k++) od[o + k] += v * wd[wc + k];
            }
          }
        }
      }
    }
  }
  return out;
}

/**
 * The backward pass of {@link conv2d64}: given dL/dout, the gradients of x, w and b (db is null
 * when b was null). Each input pixel gets back every weight that touched it; each weight gets the
 * sum over all positions of (upstream gradient × the input under it).
 *
 * @example
 * const x = nn.nets.randn64([1, 4, 4, 2], 1), w = nn.nets.randn64([3, 3, 2, 3], 2);
 * const out = nn.nets.conv2d64(x, w, null, { pad: 1 });
 * const g = nn.nets.conv2dBackward64(nn.nets.array64(out.shape, 1), x, w, null, { pad: 1 });
 * g.dw.shape   // [3, 3, 2, 3]
 */
export function conv2dBackward64(dout: Array64, x: Array64, w: Array64, b: Array64 | null = null, options: Conv64Options = {}):
  { dx: Array64; dw: Array64; db: Array64 | null } {
  const a = convShapes(x, w, b);
  const g = geometry(a.x, a.w.shape[0], a.w.shape[1], a.w.shape[3], options);
  checkArray64('dout', dout, [g.N, g.Ho, g.Wo, g.K]);
  const dx = array64(a.x.shape);
  const dw = array64(a.w.shape);
  const db = a.b ? array64([g.K]) : null;
  const xd = a.x.data; const wd = a.w.data; const gd = dout.data;
  for (let n = 0; n < g.N; n++) {
    for (let oy = 0; oy < g.Ho; oy++) {
      for (let ox = 0; ox < g.Wo; ox++) {
        const o = ((n * g.Ho + oy) * g.Wo + ox) * g.K;
        if (db) for (let k = 0; k < g.K; k++) db.data[k] += gd[o + k];
        for (let i = 0; i < g.F; i++) {
          const iy = oy * g.S + i - g.top;
          if (iy < 0 || iy >= g.H) continue;
          for (let j = 0; j < g.FW; j++) {
            const ix = ox * g.S + j - g.left;
            if (ix < 0 || ix >= g.W) continue;
            const xi = ((n * g.H + iy) * g.W + ix) * g.C;
            const wi = (i * g.FW + j) * g.C * g.K;
            for (let c = 0; c < g.C; c++) {
              const wc = wi + c * g.K;
              let s = 0;
              for (let k = 0; k < g.K; k++) {
                s += wd[wc + k] * gd[o + k];
                dw.data[wc + k] += xd[xi + c] * gd[o + k];
              }
              dx.data[xi + c] += s;
            }
          }
        }
      }
    }
  }
  return { dx, dw, db };
}

/**
 * The kernel flipped in both spatial directions: a true (mathematical) convolution with w is the
 * cross-correlation with flipKernel64(w).
 *
 * @example
 * nn.nets.flipKernel64(nn.nets.array64([2, 2, 1, 1], [1, 2, 3, 4])).data   // Float64Array [4, 3, 2, 1]
 */
export function flipKernel64(w: Array64): Array64 {
  const wa = checkArray64('w', w);
  if (wa.shape.length !== 4) throw new ArgumentError('w', wa.shape, 'shape [F, F, C, K]');
  const [F, FW, C, K] = wa.shape;
  const out = array64(wa.shape);
  for (let i = 0; i < F; i++) for (let j = 0; j < FW; j++) for (let c = 0; c < C; c++) for (let k = 0; k < K; k++) {
    out.data[((i * FW + j) * C + c) * K + k] = wa.data[(((F - 1 - i) * FW + (FW - 1 - j)) * C + c) * K + k];
  }
  return out;
}

/** Options of the pooling functions: a size×size window moved by stride (defaults 2 and 2), no padding. */
export interface Pool64Options { size?: number; stride?: number }

/** The result of {@link maxPool64}: the pooled array and, per output, the flat index in x of its max. */
export interface MaxPool64 { out: Array64; argmax: Int32Array }

function poolGeometry(x: unknown, options: Pool64Options): { x: Array64; N: number; H: number; W: number; C: number; size: number; S: number; Ho: number; Wo: number } {
  const xa = checkArray64('x', x);
  if (xa.shape.length !== 4) throw new ArgumentError('x', xa.shape, 'shape [N, H, W, C] (NHWC)');
  const [N, H, W, C] = xa.shape;
  const size = checkInt('size', options.size ?? 2, { min: 1 });
  const S = checkInt('stride', options.stride ?? 2, { min: 1 });
  if (size > H || size > W) throw new ArgumentError('size', size, `at most the input's ${H}×${W}`);
  return { x: xa, N, H, W, C, size, S, Ho: Math.floor((H - size) / S) + 1, Wo: Math.floor((W - size) / S) + 1 };
}

/**
 * Max pooling (no padding): each output is the largest value of its window, per channel; the first
 * largest wins a tie (its index is in `argmax`, for the backward pass). No parameters.
 *
 * @example
 * const x = nn.nets.array64([1, 2, 2, 1], [1, 5, 3, 2]);
 * nn.nets.maxPool64(x).out.data   // Float64Array [5]
 */
export function maxPool64(x: Array64, options: Pool64Options = {}): MaxPool64 {
  const g = poolGeometry(x, options);
  const out = array64([g.N, g.Ho, g.Wo, g.C]);
  const argmax = new Int32Array(out.data.length);
  for (let n = 0; n < g.N; n++) for (let oy = 0; oy < g.Ho; oy++) for (let ox = 0; ox < g.Wo; ox++) for (let c = 0; c < g.C; c++) {
    let best = -Infinity; let at = -1;
    for (let i = 0; i < g.size; i++) for (let j = 0; j < g.size; j++) {
      const k = ((n * g.H + oy * g.S + i) * g.W + ox * g.S + j) * g.C + c;
      if (g.x.data[k] > best || at < 0) { best = g.x.data[k]; at = k; }
    }
    const o = ((n * g.Ho + oy) * g.Wo + ox) * g.C + c;
    out.data[o] = best;
    argmax[o] = at;
  }
  return { out, argmax };
}

/**
 * The backward pass of max pooling: each upstream gradient goes to its window's max, all other
 * inputs get 0 ("max routes").
 *
 * @example
 * const x = nn.nets.array64([1, 2, 2, 1], [1, 5, 3, 2]);
 * const { out, argmax } = nn.nets.maxPool64(x);
 * nn.nets.maxPoolBackward64(nn.nets.array64(out.shape, 1), x.shape, argmax).data   // [0, 1, 0, 0]
 */
export function maxPoolBackward64(dout: Array64, xShape: readonly number[], argmax: Int32Array): Array64 {
  const d = checkArray64('dout', dout);
  if (!(argmax instanceof Int32Array) || argmax.length !== d.data.length) throw new ArgumentError('argmax', argmax, `the Int32Array of maxPool64 (${d.data.length} indices)`);
  const dx = array64(xShape);
  for (let o = 0; o < argmax.length; o++) dx.data[argmax[o]] += d.data[o];
  return dx;
}

/**
 * Average pooling (no padding): each output is the mean of its window, per channel.
 *
 * @example
 * nn.nets.avgPool64(nn.nets.array64([1, 2, 2, 1], [1, 5, 3, 2])).data   // Float64Array [2.75]
 */
export function avgPool64(x: Array64, options: Pool64Options = {}): Array64 {
  const g = poolGeometry(x, options);
  const out = array64([g.N, g.Ho, g.Wo, g.C]);
  const inv = 1 / (g.size * g.size);
  for (let n = 0; n < g.N; n++) for (let oy = 0; oy < g.Ho; oy++) for (let ox = 0; ox < g.Wo; ox++) for (let c = 0; c < g.C; c++) {
    let s = 0;
    for (let i = 0; i < g.size; i++) for (let j = 0; j < g.size; j++) s += g.x.data[((n * g.H + oy * g.S + i) * g.W + ox * g.S + j) * g.C + c];
    out.data[((n * g.Ho + oy) * g.Wo + ox) * g.C + c] = s * inv;
  }
  return out;
}
