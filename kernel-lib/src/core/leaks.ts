/**
 * Tensor leak checks. tfjs frees GPU/wasm memory only when a tensor is disposed (`tf.tidy`,
 * `dispose`); a loop that forgets one leaks a little memory per step until the kernel dies.
 * Every experiment in nnlab has a leak test built on {@link countTensors}, and students can use
 * the same helper in a notebook to check their own code.
 *
 * @example
 * const report = await nn.countTensors(() => tf.tidy(() => tf.ones([2, 2]).sum().arraySync()));
 * report.leaked // 0: tidy disposed both intermediates
 */
import * as tf from '@tensorflow/tfjs';
import { checkFunction } from './errors';

/** What {@link countTensors} measured. */
export interface LeakReport<T> {
  /** The function's return value. */
  result: T;
  /** `tf.memory().numTensors` before the call. */
  before: number;
  /** `tf.memory().numTensors` after the call (and after the returned promise settled). */
  after: number;
  /** after - before: tensors the call left allocated (returned tensors included). */
  leaked: number;
}

/**
 * Runs `fn` (sync or async) and reports the number of live tensors before and after.
 *
 * @example
 * const tidy = await nn.countTensors(() => tf.tidy(() => tf.ones([2, 2]).sum().dataSync()[0]));
 * tidy.leaked    // 0: tf.tidy disposed both tensors
 * tidy.result    // 4
 * const leaky = await nn.countTensors(() => tf.ones([2, 2]).sum());
 * leaky.leaked   // 2: the ones and the sum are still allocated
 * leaky.result.dispose();
 */
export async function countTensors<T>(fn: () => T | Promise<T>): Promise<LeakReport<T>> {
  checkFunction('countTensors: fn', fn);
  const before = tf.memory().numTensors;
  const result = await fn();
  const after = tf.memory().numTensors;
  return { result, before, after, leaked: after - before };
}

/**
 * Runs `fn` and throws if it leaves tensors behind, naming `label` and the count. Returns the
 * function's result. Use it in tests and in check cells.
 */
export async function expectNoLeaks<T>(label: string, fn: () => T | Promise<T>): Promise<T> {
  const report = await countTensors(fn);
  if (report.leaked !== 0) {
    throw new Error(`${label} leaked ${report.leaked} tensor(s): tf.memory().numTensors went from ` +
      `${report.before} to ${report.after}. Wrap tensor code in tf.tidy or dispose what you create.`);
  }
  return report.result;
}
