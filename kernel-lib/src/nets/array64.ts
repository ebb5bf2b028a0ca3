/**
 * Float64 arrays with a shape: the data type of the lessons' by-hand code (lesson 11's convolution
 * by hand, lesson 12's gates and gradient checks). Plain JS loops over a `Float64Array`, row-major
 * (C order, the last axis fastest), no tfjs: what a student can read line by line and what an
 * independent reference for tfjs's float32 kernels needs.
 *
 * @example
 * const a = nn.nets.array64([2, 3], [1, 2, 3, 4, 5, 6]);
 * nn.nets.at64(a, 1, 2)   // 6
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt, checkNumber } from '../core/errors';
import { mulberry32, randomNormal } from '../core/rng';

/** A float64 array with a shape; `data.length` is the product of `shape`. */
export interface Array64 {
  shape: number[];
  data: Float64Array;
}

/**
 * The number of elements of a shape.
 *
 * @example
 * nn.nets.sizeOf([2, 3, 4])   // 24
 */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function checkShape(name: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
    throw new ArgumentError(name, shape, 'an array of non-negative integers (a shape)');
  }
  return [...shape];
}

/**
 * A new Array64: zeros, a constant, or a copy of `values` (its length must match the shape).
 *
 * @example
 * nn.nets.array64([2, 2]).data          // Float64Array [0, 0, 0, 0]
 * nn.nets.array64([2], 7).data          // Float64Array [7, 7]
 * nn.nets.array64([2, 2], [1, 2, 3, 4]).shape   // [2, 2]
 */
export function array64(shape: readonly number[], values: number | ArrayLike<number> = 0): Array64 {
  const s = checkShape('shape', shape);
  const n = sizeOf(s);
  if (typeof values === 'number') return { shape: s, data: new Float64Array(n).fill(values) };
  if (!values || typeof values.length !== 'number' || values.length !== n) {
    throw new ArgumentError('values', values, `${n} numbers for shape [${s.join(', ')}]`);
  }
  return { shape: s, data: Float64Array.from(values) };
}

/**
 * Seeded Gaussian values (mean 0, std `std`): the same seed gives the same array.
 *
 * @example
 * const x = nn.nets.randn64([4, 3], 1);
 * x.data.length   // 12
 */
export function randn64(shape: readonly number[], seed: number, std = 1): Array64 {
  const s = checkShape('shape', shape);
  checkInt('seed', seed, { min: 0 });
  checkNumber('std', std, { min: 0 });
  const random = mulberry32(seed);
  const data = new Float64Array(sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = std * randomNormal(random);
  return { shape: s, data };
}

/**
 * The flat index of an element (row-major); throws a named error out of range.
 *
 * @example
 * nn.nets.index64(nn.nets.array64([2, 3]), 1, 2)   // 5
 */
export function index64(a: Array64, ...idx: number[]): number {
  if (idx.length !== a.shape.length) throw new ArgumentError('index', idx, `${a.shape.length} indices for shape [${a.shape.join(', ')}]`);
  let flat = 0;
  for (let d = 0; d < idx.length; d++) {
    const i = idx[d];
    if (!Number.isInteger(i) || i < 0 || i >= a.shape[d]) throw new ArgumentError(`index[${d}]`, i, `an integer in [0, ${a.shape[d] - 1}]`);
    flat = flat * a.shape[d] + i;
  }
  return flat;
}

/**
 * One element by its indices.
 *
 * @example
 * nn.nets.at64(nn.nets.array64([2, 2], [1, 2, 3, 4]), 1, 0)   // 3
 */
export function at64(a: Array64, ...idx: number[]): number {
  return a.data[index64(a, ...idx)];
}

/**
 * Checks that `a` is an Array64 of the expected rank (and dimensions where given: `null` = any).
 *
 * @example
 * nn.nets.checkArray64('x', nn.nets.array64([2, 3]), [null, 3]);   // returns the array
 */
export function checkArray64(name: string, a: unknown, dims?: readonly (number | null)[]): Array64 {
  const ok = !!a && typeof a === 'object' && (a as Array64).data instanceof Float64Array && Array.isArray((a as Array64).shape) &&
    sizeOf((a as Array64).shape) === (a as Array64).data.length;
  if (!ok) throw new ArgumentError(name, a, 'an Array64 { shape, data: Float64Array } (nn.nets.array64)');
  const arr = a as Array64;
  if (dims) {
    const fits = arr.shape.length === dims.length && dims.every((d, i) => d === null || d === arr.shape[i]);
    if (!fits) {
      const want = `[${dims.map((d) => (d === null ? '*' : d)).join(', ')}]`;
      throw new ArgumentError(name, arr.shape, `shape ${want}`, `${name} must have shape ${want}, got [${arr.shape.join(', ')}]`);
    }
  }
  return arr;
}

/**
 * A tfjs tensor's values as an Array64 (float32 values widened to float64). Does not dispose `t`.
 *
 * @example
 * nn.nets.fromTensor64(tf.tensor2d([[1, 2]])).shape   // [1, 2]
 */
export function fromTensor64(t: tf.Tensor): Array64 {
  return { shape: [...t.shape], data: Float64Array.from(t.dataSync()) };
}

/**
 * An Array64 as a float32 tfjs tensor (the caller disposes it).
 *
 * @example
 * const t = nn.nets.toTensor64(nn.nets.array64([2], [1, 2]));   // tf.Tensor [1, 2]
 * t.dispose();
 */
export function toTensor64(a: Array64): tf.Tensor {
  checkArray64('a', a);
  return tf.tensor(Float32Array.from(a.data), a.shape, 'float32');
}

/**
 * The largest |a − b| over two arrays of the same length.
 *
 * @example
 * nn.nets.maxAbsDiff64([1, 2], [1, 2.5])   // 0.5
 */
export function maxAbsDiff64(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new ArgumentError('b', b.length, `an array of ${a.length} numbers like a`, `b has ${b.length} numbers, a has ${a.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
