/**
 * The wasm `Tanh` override: tanh in WebAssembly SIMD on the wasm heap, bit for bit what tfjs's cpu
 * backend computes. Lesson: weight initialization (lesson 03, issue 25 part 4), whose activation
 * statistics push ~500k values per layer through tanh, ten layers per init.
 *
 * Why: stock tfjs-backend-wasm 4.22 runs tanh as a scalar C++ loop: ~9–17 ms per 500k values on
 * this machine, a fifth of a 1000 x 500 x 500 layer's time; and it differs from the cpu backend in
 * the last bit of about a quarter of the values (measured: 119,290 of 500,000 N(0, 1) values).
 * A plain JavaScript loop with `Math.tanh` over the heap is exact but no faster (~11–15 ms), and
 * stock XNNPACK ops cannot be composed into it exactly: 2σ(2x) - 1 cancels near 0 (at x = 1e-4
 * float32 σ's absolute error of ~3e-8 is a relative error of ~3e-4 in tanh).
 *
 * What it computes: y[i] = Math.fround(Math.tanh(x[i])) for every element, which is the cpu
 * backend's kernel (`Math.tanh` in float64, rounded to float32), including ±0, denormals, ±Inf
 * (±1) and NaN. How: a 2.3 KB hand-written wasm module (./tanh.wat; bytes in ./tanh-bytes.ts,
 * rebuilt by scripts/build-wat.sh tanh) imports the backend's memory and `Math.tanh`, and takes
 * four floats per step as two f64x2 vectors: tanh(|x|) = E / (E + 2) with E = expm1(2|x|) from a
 * Cody-Waite reduction and a degree-12 polynomial, then rounded to float32 with x's sign. That
 * float64 value is within a few float64 ulps of `Math.tanh`'s, so both round to the same float32
 * unless it lies within K = 4096 float64 ulps of a float32 rounding midpoint; such a step (about
 * 6 in 10⁶) is recomputed with the imported `Math.tanh`, as are the last n mod 4 elements.
 * `npm run bench:tanh -w nnlab -- --exhaustive` checks every float32 in [0, 10] (measured: the
 * float64 value is at most 7 ulps from `Math.tanh`'s, at x = 0.1733, far inside K; all
 * 1,092,616,193 results equal Math.fround(Math.tanh(x)); 6,465 of them, 6e-6, went through
 * `Math.tanh`). Negative x is the same computation on |x| with the sign put back, and `Math.tanh`
 * is odd; |x| > 10 gives ±1 on both sides. test/wasm-tanh.test.ts checks a dense grid and the
 * special values.
 *
 * Fallback (the stock kernel): dtypes other than float32 (tfjs's `tf.tanh` casts to float32
 * before the kernel, so only direct `runKernel` calls get there), empty tensors, and a backend
 * whose heap this module cannot import (a WebAssembly without SIMD, or a glue without its memory
 * object); the last is decided once per heap.
 *
 * The gradient stays tfjs's: dy·(1 - y²) as Square, Sub and Mul, three XNNPACK passes of ~0.2 ms
 * each on 500k values (measured), not worth a kernel of their own.
 *
 * @example
 * registerWasmKernelOverrides();
 * tf.tanh(z); // z [1000, 500]: ~3–6 ms instead of ~9–17, equal to tf.tanh on the cpu backend
 */
import * as tf from '@tensorflow/tfjs';
import { BackendWasm, heap, Info, Inputs, KernelArgs, runStock, size } from './kernels-stock';
import { TANH_WASM, TANH_WASM_SHARED } from './tanh-bytes';
import { heapMemory, watLoader } from './wat';

export { heapMemory };

/** The exports of ./tanh.wat. */
export interface TanhModule {
  /** y[i] = tanh(x[i]) for i < n (byte offsets of float32 arrays); returns how many went through Math.tanh. */
  tanh(x: number, y: number, n: number): number;
  /** y64[i] = tanh(|x[i]|) in float64 before rounding, n even: what the exactness check measures. */
  tanh64(x: number, y64: number, n: number): void;
}

/** The kernel function registered for `Tanh` on wasm. */
export function tanh(args: KernelArgs): Info {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as Inputs<'x'>;
  const n = size(x.shape);
  const module = x.dtype === 'float32' && n > 0 ? tanhModule(heapMemory(backend)) : null;
  if (module === null) return runStock(backend, tf.Tanh, { x });
  const out = backend.makeOutput(x.shape, 'float32');
  module.tanh(heap(backend, x).byteOffset, heap(backend, out).byteOffset, n);
  return out;
}

/**
 * ./tanh.wat instantiated on `memory` (plain or shared), cached per memory; null when `memory` is
 * undefined or the engine rejects the module (no SIMD).
 */
export const tanhModule = watLoader<TanhModule>(TANH_WASM, TANH_WASM_SHARED, { tanh: Math.tanh });
