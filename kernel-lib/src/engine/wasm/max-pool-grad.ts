/**
 * The wasm `MaxPoolGrad` override: the gradient of max pooling, right where stock
 * tfjs-backend-wasm 4.22 is wrong, and ~3x faster. Lesson: backpropagation through a pooling
 * layer (issue 4, "a fast CPU floor").
 *
 * What it computes, as tfjs's cpu backend defines it: each pooling window sends its upstream
 * gradient to the input that won the max, and nothing to the others,
 *
 *   dx[n, r, c, ch] = Σ_{windows w of (n, ch) whose argmax is (r, c)} dy[n, w, ch]
 *
 * where the argmax is the first strict maximum in the window's row-major order (a window with no
 * value above -∞, e.g. all NaN, sends nothing). Shapes (NHWC): x [N, H, W, C], dy [N, OH, OW, C]
 * -> dx [N, H, W, C]. With overlapping windows (stride < filter) one input may win several; their
 * contributions are added in float64 in window order (row, then column) and rounded to float32
 * once, as the cpu kernel does, so the result equals cpu bit for bit.
 *
 * Why: the stock C++ kernel (`kernels/MaxPoolGrad.cc`) starts each window's running maximum at
 * `std::numeric_limits<float>::min()`, the smallest positive float (1.2e-38), not -∞, and keeps
 * position 0 until a value reaches it. A window whose values are all <= 1.2e-38 (all zero after a
 * ReLU, or all negative after a batch norm) therefore loses its gradient: measured, a 2x2 window
 * [0, 0; 0, -1] with dy 40 gives dx 0 everywhere on stock wasm and 40 at its first 0 on cpu. Ties
 * go to the last maximum there (`>=`), to the first on cpu. It is also a scalar loop: ~29 ms for
 * the CIFAR CNN's first pool [64, 32, 32, 32].
 *
 * How: one pass over the windows, channels innermost (NHWC keeps them contiguous): the running
 * maximum and its position per channel, then dy goes to that position. Windows that cannot
 * overlap (stride >= filter: the usual 2x2 pools) run in nnlab's small SIMD module
 * ./maxpoolgrad.wat (bytes in ./maxpoolgrad-bytes.ts), four channels per step, writing `0 + dy`
 * (as cpu's sum starts at +0) to the winner and +0 to the rest of the window; overlapping ones in
 * JavaScript ({@link routeGradient}), which adds the contributions in a float64 buffer first.
 * Measured (one thread, the CNN's pools [64, 32, 32, 32], [64, 16, 16, 64], [64, 8, 8, 128]):
 * 40 / 20 / 10 ms stock, 16 / 7 / 3.5 ms in the JavaScript loop; the module's times are in
 * test/wasm-maxpoolgrad.test.ts's diagnostics. On the threaded build, from ELEMENTWISE_MIN_VALUES
 * values of dy, shares of the batch run on helper threads (./wat-pool.ts): images are apart, so
 * the bits are the same on any number of threads.
 *
 * Fallback (the stock kernel): inputs that are not float32 rank-4 tensors, or a dy whose shape is
 * not the pooling's output (tfjs-core's op never produces either).
 *
 * @example
 * registerWasmKernelOverrides();
 * const dx = tf.grad((x) => tf.maxPool(x, 2, 2, 'valid').sum())(x); // x [N, H, W, C]
 */
import * as tf from '@tensorflow/tfjs';
import { MAXPOOLGRAD_WASM, MAXPOOLGRAD_WASM_SHARED } from './maxpoolgrad-bytes';
import { ELEMENTWISE_MIN_VALUES } from './pool';
import { heapMemory, watLoader } from './wat';
import { evenRanges, helpersFor, runJobs } from './wat-pool';
import { BackendWasm, heap, Info, Inputs, KernelArgs, runStock } from './kernels-stock';

type Pool2DInfo = tf.backend_util.Conv2DInfo;

/** The exports of ./maxpoolgrad.wat. */
export interface MaxPoolGradModule {
  /** The gradient for windows that do not overlap; dx must be +0 on entry (see ./maxpoolgrad.wat). */
  route(x: number, dy: number, dx: number, n: number, h: number, w: number, c: number, oh: number, ow: number,
    sh: number, sw: number, fh: number, fw: number, top: number, left: number): void;
}

/** ./maxpoolgrad.wat on `memory`, cached per memory; null where it cannot be instantiated (the JavaScript loop runs). */
export const maxPoolGradModule = watLoader<MaxPoolGradModule>(MAXPOOLGRAD_WASM, MAXPOOLGRAD_WASM_SHARED);

/** The kernel function registered for `MaxPoolGrad` on wasm. */
export function maxPoolGrad(args: KernelArgs): Info {
  const backend = args.backend as BackendWasm;
  const { dy, input, output } = args.inputs as Inputs<'dy' | 'input' | 'output'>;
  const attrs = args.attrs as unknown as tf.MaxPoolGradAttrs;
  const stock = (): Info => runStock(backend, tf.MaxPoolGrad, { dy, input, output }, attrs);
  if (input.dtype !== 'float32' || dy.dtype !== 'float32' || input.shape.length !== 4) return stock();
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number],
    attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  if (dy.shape.length !== 4 || dy.shape.some((d, i) => d !== info.outShape[i])) return stock();
  const dx = backend.makeOutput(input.shape, 'float32');
  // Views taken after the last allocation (growing the heap detaches them).
  const [xs, dys, dxs] = [heap(backend, input), heap(backend, dy), heap(backend, dx)];
  const apart = info.strideHeight >= info.effectiveFilterHeight && info.strideWidth >= info.effectiveFilterWidth;
  const module = apart && dys.length > 0 ? maxPoolGradModule(heapMemory(backend)) : null;
  if (module === null) {
    routeGradient(xs, dys, dxs, info);
    return dx;
  }
  dxs.fill(0);
  // images apart: on the threaded build, shares of the batch go to helper threads
  const { inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const pool = helpersFor(backend, dys.length >= ELEMENTWISE_MIN_VALUES);
  const jobs = evenRanges(info.batchSize, 1 + (pool?.helpers ?? 0)).map(([b0, b1]) => [
    xs.byteOffset + 4 * b0 * h * w * c, dys.byteOffset + 4 * b0 * oh * ow * c, dxs.byteOffset + 4 * b0 * h * w * c, b1 - b0,
    h, w, c, oh, ow, info.strideHeight, info.strideWidth, info.effectiveFilterHeight, info.effectiveFilterWidth,
    info.padInfo.top, info.padInfo.left]);
  try {
    runJobs(pool, 'route', jobs, (a) => module.route(...(a as Parameters<MaxPoolGradModule['route']>)));
  } catch (err) {
    backend.disposeData(dx.dataId);
    throw err;
  }
  return dx;
}

/**
 * Writes into `dx` (all of it) the gradient of max pooling `info` of `x` for upstream `dy` (module
 * comment). All three are NHWC float32 arrays. Windows in row-major order (batch, row, column),
 * channels innermost, each window's running maximum and its offset kept per channel.
 */
export function routeGradient(x: Float32Array, dy: Float32Array, dx: Float32Array, info: Pool2DInfo): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const acc = sh < fh || sw < fw ? new Float64Array(dx.length) : null;
  if (!acc) dx.fill(0);
  const best = new Float64Array(c);
  const where = new Int32Array(c);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      const r0 = i * sh - top;
      const rFrom = Math.max(r0, 0);
      const rTo = Math.min(h, r0 + fh);
      for (let j = 0; j < ow; j++) {
        const c0 = j * sw - left;
        const cFrom = Math.max(c0, 0);
        const cTo = Math.min(w, c0 + fw);
        best.fill(-Infinity);
        where.fill(-1);
        for (let r = rFrom; r < rTo; r++) {
          for (let col = cFrom; col < cTo; col++) {
            const base = ((b * h + r) * w + col) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = x[base + ch];
              if (v > best[ch]) {
                best[ch] = v;
                where[ch] = base + ch;
              }
            }
          }
        }
        const dyBase = ((b * oh + i) * ow + j) * c;
        for (let ch = 0; ch < c; ch++) {
          const at = where[ch];
          if (at < 0) continue;
          if (acc) acc[at] += dy[dyBase + ch];
          else dx[at] = 0 + dy[dyBase + ch]; // cpu's sum starts at +0: -0 becomes +0
        }
      }
    }
  }
  if (acc) dx.set(acc);
}
