/**
 * Checks of the tensors a lesson-level function takes (issue 17): a tensor, alive, of the expected
 * rank, and finite. Without them a disposed tensor fails deep inside tfjs ("Cannot read properties
 * of undefined (reading 'backend')") and a NaN in the input comes back as NaN outputs with no word
 * of where it came from. Each failure is an ArgumentError naming the argument.
 *
 * @example
 * checkTensor('x', x, { rank: 2 });   // "x must be a tensor of rank 2, got a disposed tensor [4, 3]"
 * checkFinite('x', x);                // "x must be finite: it holds 2 NaN (first at [0, 1]), got a float32 tensor [4, 3]"
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, describe } from './errors';

/** How errors show a tensor: "a float32 tensor [4, 3]" ("a disposed tensor [4, 3]"). */
export function describeTensor(t: tf.Tensor): string {
  return `${t.isDisposed ? 'a disposed' : `a ${t.dtype}`} tensor [${t.shape.join(', ')}]`;
}

/**
 * Throws unless `value` is a live tf.Tensor (of `rank`, when given; of one of `ranks`). Returns it,
 * typed.
 */
export function checkTensor<T extends tf.Tensor = tf.Tensor>(name: string, value: unknown,
  opts: { rank?: number; ranks?: readonly number[] } = {}): T {
  const ranks = opts.ranks ?? (opts.rank === undefined ? undefined : [opts.rank]);
  const want = ranks === undefined ? 'a tensor' : `a tensor of rank ${ranks.join(' or ')}`;
  if (!(value instanceof tf.Tensor)) {
    throw new ArgumentError(name, value, want, `${name} must be ${want}, got ${describeNonTensor(value)}`);
  }
  if (value.isDisposed) {
    throw new ArgumentError(name, value, want, `${name} must be ${want} that is not disposed, got ${describeTensor(value)} ` +
      '(it was disposed: by tf.dispose, or a tf.tidy that ended; run the cell that makes it again)');
  }
  if (ranks !== undefined && !ranks.includes(value.rank)) {
    throw new ArgumentError(name, value, want, `${name} must be ${want}, got ${describeTensor(value)}`);
  }
  return value as T;
}

/**
 * Throws unless every value of `t` is finite, saying how many NaN / Infinity it holds and where
 * the first is. Reads the values synchronously: meant for the teaching-size inputs of lesson
 * functions, not for every op (that is `nn.debugNaN()`).
 */
export function checkFinite(name: string, t: tf.Tensor): void {
  if (t.dtype !== 'float32') return;
  const values = t.dataSync();
  let nan = 0;
  let inf = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) nan += 1; // NaN
    else if (v === Infinity || v === -Infinity) inf += 1;
    else continue;
    if (first < 0) first = i;
  }
  if (first < 0) return;
  const parts = [nan ? `${nan} NaN` : '', inf ? `${inf} infinite value${inf === 1 ? '' : 's'}` : ''].filter(Boolean).join(' and ');
  throw new ArgumentError(name, t, 'finite', `${name} must be finite: it holds ${parts} (the first at ` +
    `[${indexOf(first, t.shape).join(', ')}]), got ${describeTensor(t)}; find where the NaN came from with nn.debugNaN()`);
}

/** The multi-index of flat index `i` in `shape` (row-major). */
export function indexOf(i: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return out;
}

function describeNonTensor(value: unknown): string {
  if (Array.isArray(value)) return `an array ${describe(value)} (make a tensor with tf.tensor(...))`;
  return describe(value);
}
