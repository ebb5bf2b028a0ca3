/**
 * The wasm `FusedBatchNorm` override: batch norm's forward transform in WebAssembly SIMD on the
 * heap, bit for bit what tfjs's cpu backend computes. Lesson: batch normalization (train and test
 * modes), and every conv block of the lecture CNN.
 *
 * What it computes, per element of x [..., C] with per-channel mean, variance, offset and scale:
 *
 *   out = offset + ((x - mean) · scale) / sqrt(variance + ε)
 *
 * in float64 in that order, rounded to float32 once: the cpu kernel's expression on JavaScript
 * numbers (offset 0 and scale 1 when absent; ε = varianceEpsilon, default 0.001, not rounded).
 * How: sqrt(variance + ε) and the other parameters are widened to float64 per channel in
 * JavaScript, then a ~0.35 KB hand-written module (./batchnorm.wat, bytes in ./batchnorm-bytes.ts)
 * runs the expression two values at a time (f64x2) on the heap. float64 +, -, ×, ÷ and √ are
 * correctly rounded in both, so the bits are the same. On the threaded build, from
 * ELEMENTWISE_MIN_VALUES values, shares of the rows run on helper threads (./wat-pool.ts).
 *
 * Why: stock tfjs-backend-wasm 4.22 runs it as a scalar float32 loop with a square root and a
 * division per element (~5 ns a value: 38 ms of a lecture-CNN training step, 7 calls), and its
 * float32 arithmetic differs from the cpu backend in the last bits.
 *
 * Fallback (the stock kernel): a dtype other than float32, a parameter whose size is neither C
 * (x's last axis) nor 1 (tfjs cycles such a parameter through x's elements; only these two sizes
 * mean "per channel" and "for all"), an empty x, or a heap the module cannot load on.
 *
 * @example
 * registerWasmKernelOverrides();
 * tf.batchNorm(x, mean, variance, offset, scale, 1e-3); // x [64, 32, 32, 32]: ~2 ms instead of ~10
 */
import * as tf from '@tensorflow/tfjs';
import { BackendWasm, heap, Info, Inputs, KernelArgs, runStock, size, withFloat64Scratch } from './kernels-stock';
import { BATCHNORM_WASM, BATCHNORM_WASM_SHARED } from './batchnorm-bytes';
import { ELEMENTWISE_MIN_VALUES } from './pool';
import { heapMemory, watLoader } from './wat';
import { evenRanges, helpersFor, runJobs } from './wat-pool';

/** The exports of ./batchnorm.wat. */
export interface BatchNormModule {
  /** out = offset + ((x - mean)·scale) / den over x [rows, c]; k: byte offset of the float64 arrays mean, scale, den, offset. */
  bn(x: number, out: number, k: number, rows: number, c: number): void;
}

/** ./batchnorm.wat on `memory`, cached per memory; null where it cannot be instantiated (the stock kernel runs). */
export const batchNormModule = watLoader<BatchNormModule>(BATCHNORM_WASM, BATCHNORM_WASM_SHARED);

/** The kernel function registered for `FusedBatchNorm` on wasm. */
export function fusedBatchNorm(args: KernelArgs): Info {
  const backend = args.backend as BackendWasm;
  const { x, mean, variance, offset, scale } = args.inputs as Inputs<'x' | 'mean' | 'variance'> & Partial<Inputs<'offset' | 'scale'>>;
  const eps = (args.attrs as unknown as tf.FusedBatchNormAttrs).varianceEpsilon ?? 0.001;
  const c = x.shape.length ? x.shape[x.shape.length - 1] : 1;
  const n = size(x.shape);
  const params = [mean, variance, offset, scale];
  const perChannel = params.every((p) => p == null || (p.dtype === 'float32' && (size(p.shape) === c || size(p.shape) === 1)));
  const module = x.dtype === 'float32' && n > 0 && perChannel ? batchNormModule(heapMemory(backend)) : null;
  if (module === null) return runStock(backend, tf.FusedBatchNorm, args.inputs, args.attrs as object);
  const out = backend.makeOutput(x.shape, 'float32');
  try {
    // four float64 arrays of c values: mean, scale, den, offset
    withFloat64Scratch(backend, 4 * c, (k, address) => {
      // heap views after the scratch's allocation, which can grow (and detach) the heap
      const at = (p: Info | undefined, fallback: number): ((j: number) => number) => {
        if (p == null) return () => fallback;
        const values = heap(backend, p);
        return values.length === 1 ? () => values[0] : (j) => values[j];
      };
      const [m, v, o, sc] = [at(mean, 0), at(variance, 0), at(offset, 0), at(scale, 1)];
      for (let j = 0; j < c; j++) {
        k[j] = m(j);
        k[c + j] = sc(j);
        k[2 * c + j] = Math.sqrt(v(j) + eps);
        k[3 * c + j] = o(j);
      }
      // shares of the rows go to helper threads on the threaded build
      const pool = helpersFor(backend, n >= ELEMENTWISE_MIN_VALUES);
      const [xAt, outAt] = [heap(backend, x).byteOffset, heap(backend, out).byteOffset];
      const jobs = evenRanges(n / c, 1 + (pool?.helpers ?? 0)).map(([r0, r1]) => [xAt + 4 * r0 * c, outAt + 4 * r0 * c, address, r1 - r0, c]);
      runJobs(pool, 'bn', jobs, (a) => module.bn(...(a as Parameters<BatchNormModule['bn']>)));
    });
  } catch (err) {
    backend.disposeData(out.dataId);
    throw err;
  }
  return out;
}
