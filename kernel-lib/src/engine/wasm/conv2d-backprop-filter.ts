/**
 * The wasm `Conv2DBackpropFilter` kernel, missing from tfjs-backend-wasm 4.22 (training any conv
 * layer on wasm failed with "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'").
 * Lesson: backpropagation through a convolution (issue 4).
 *
 * What it computes: the gradient of the loss with respect to the filter W of
 * `y = conv2d(x, W, strides, pad)`, given dy = dL/dy:
 *
 *   dW[kh, kw, ci, co] = Σ_{n, oh, ow} xpad[n, oh·sh + kh, ow·sw + kw, ci] · dy[n, oh, ow, co]
 *
 * where xpad is x with the forward pass's zero padding (pt rows on top, pl columns on the left).
 * Shapes (NHWC): x [N, H, W, Ci], dy [N, OH, OW, Co] -> dW [fh, fw, Ci, Co]. NCHW inputs are
 * transposed to NHWC first. tfjs has no dilation attribute here: conv2d's gradient requires
 * dilation 1 (tfjs-core asserts it on every backend).
 *
 * How (the direct path, the default): no patch matrix and no XNNPACK. For a fixed kh, the fw·Ci
 * filter rows r = kw·Ci + c read x[n, oh·sh + kh - pt, ow·sw + kw - pl, c], which in NHWC are
 * fw·Ci consecutive floats of the padded x at every output pixel, whatever the stride. So
 * ./patches.wat's `direct` (bytes in ./patches-bytes.ts) sums tiles of 4 rows x 8 output channels
 * straight from a padded copy of x (`pad`: 1.3x x's size for the first layer, not the patch
 * matrix's 9x) and from dy as it is, over blocks of about {@link DIRECT_BLOCK_PIXELS} pixels that
 * stay in cache, float32 in pixel order. On the threaded build the output channels are split
 * between the calling thread and helper threads (./wat-pool.ts; {@link directJobs}), so dW has the
 * same bits on any number of threads. It needs Co to be a multiple of 4 (else the GEMM path runs).
 * Why: XNNPACK repacks dy on every call, on one thread, at ~5 ns a value (10 ms for the first
 * layer's 2M values), and the GEMM path also writes and reads the patch matrix. Measured on the
 * lecture CNN's six layers (batch 64, a new dy every call, fastest of 5), GEMM path against direct
 * in ms: one thread 15.1 / 5.3, 61.8 / 36.9, 26.9 / 18.6, 49.8 / 37.2, 24.1 / 18.1, 46.2 / 36.7;
 * two threads 11.2 / 2.6, 36.7 / 20.5, 23.6 / 11.0, 34.6 / 21.8, 13.8 / 10.1, 29.3 / 20.6
 * (149 / 87 ms for the six). With two threads the direct path runs 59 GFLOP/s on the second layer,
 * more than XNNPACK's own product over patches with dy already packed (23.5 ms, 51 GFLOP/s).
 *
 * How (the GEMM path, before the direct one; Co not a multiple of 4): the sum above is a matrix
 * product over patches. Row (kh, kw, ci) of the patch matrix Pᵀ [fh·fw·Ci, N·OH·OW] holds the
 * input that filter tap (kh, kw, ci) sees at every output pixel, xpad[n, oh·sh + kh, ow·sw + kw, ci];
 * then
 *
 *   dW [fh·fw·Ci, Co] = Pᵀ · dy [N·OH·OW, Co]
 *
 * is one XNNPACK product with no transposes, and its rows are already dW's layout [fh, fw, Ci, Co].
 * x is transposed to channel-major [Ci, N, H, W] first, so that every run of Pᵀ is a copy of part
 * of one row of x, and ./patches.wat's `patches` writes Pᵀ on the heap: zeros for the padding,
 * copies (stride 1) or a gather (larger strides) for the rest. Pᵀ is fh·fw times x's size (75 MB
 * for the lecture CNN's second layer at batch 64), so a matrix above {@link PATCHES_MAX_VALUES}
 * values is written and multiplied in blocks of rows. It took the six layers 159-176 ms against
 * 181-189 ms on the conv path.
 *
 * How (the conv path: a fallback, and the path before): the sum is also a forward convolution, run
 * on XNNPACK's conv kernel. Read x as
 * an image batch over its channels, x' = [Ci, H, W, N] (N becomes the channel axis), and dy as a
 * filter, dy' = [OH, OW, N, Co]; then
 *
 *   dW'[ci, kh, kw, co] = Σ_{oh, ow, n} x'pad[ci, kh + oh·sh, kw + ow·sw, n] · dy'[oh, ow, n, co]
 *
 * is conv2d(x', dy') with stride 1 and dilation (sh, sw): the forward stride becomes the dilation.
 * The padding is explicit: pt on top, and at the bottom whatever makes the output fh rows,
 * `fh + (OH - 1)·sh - H - pt` ({@link planConv2dBackpropFilter}); when that is negative, the last
 * rows of x are never read by the forward pass and are cropped instead. Columns alike. A final
 * transpose gives [fh, fw, Ci, Co]. On every path transposes, copies, crops and padding move
 * numbers exactly; the only rounding is the float32 sums of N·OH·OW terms.
 *
 * Fallback: {@link conv2dBackpropFilterReference}, a JavaScript loop (float64 sums), for
 * non-float32 inputs and as a guard should the conv ever return another shape than [Ci, fh, fw, Co]
 * (not expected: every stride, padding mode and rounding mode tfjs allows is on every fast path).
 *
 * @example
 * registerWasmKernelOverrides();
 * const [dx, dW] = tf.grads((x, W) => tf.conv2d(x, W, 1, 'same').sum())([x, W]); // runs on wasm
 */
import * as tf from '@tensorflow/tfjs';
import { BackendWasm, crop, heap, Info, Inputs, KernelArgs, runStock, Scratch, size, view, withScratch, zeros } from './kernels-stock';
import { PATCHES_WASM, PATCHES_WASM_SHARED } from './patches-bytes';
import { PRODUCT_MIN_FLOPS } from './pool';
import { heapMemory, watLoader } from './wat';
import { helpersFor, runJobs, WatPool } from './wat-pool';

type Conv2DInfo = tf.backend_util.Conv2DInfo;

/** How the filter gradient runs as a forward convolution of x' = [Ci, H, W, N] with dy' = [OH, OW, N, Co]. */
export interface FilterGradPlan {
  /** Explicit zero padding of x': [top, bottom, left, right]. */
  pad: [number, number, number, number];
  /** Rows at the bottom and columns at the right of x that the forward conv never reads. */
  crop: { bottom: number; right: number };
  /** The forward strides, used as the dilation of the rearranged conv. */
  dilations: [number, number];
}

/**
 * The padding that makes conv2d(x', dy', stride 1, dilation s) return exactly fh x fw:
 * output rows = H + top + bottom - ((OH - 1)·sh + 1) + 1 = fh, so bottom = fh + (OH - 1)·sh - H - pt.
 */
export function planConv2dBackpropFilter(info: Conv2DInfo): FilterGradPlan {
  const bottom = info.filterHeight + (info.outHeight - 1) * info.strideHeight - info.inHeight - info.padInfo.top;
  const right = info.filterWidth + (info.outWidth - 1) * info.strideWidth - info.inWidth - info.padInfo.left;
  return {
    pad: [info.padInfo.top, Math.max(bottom, 0), info.padInfo.left, Math.max(right, 0)],
    crop: { bottom: Math.max(-bottom, 0), right: Math.max(-right, 0) },
    dilations: [info.strideHeight, info.strideWidth],
  };
}

/** The kernel function registered for `Conv2DBackpropFilter` on wasm. */
export function conv2dBackpropFilter(args: KernelArgs): Info {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as Inputs<'x' | 'dy'>;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  return withScratch(backend, (scratch) => {
    const channelsFirst = dataFormat === 'NCHW';
    const x4 = channelsFirst ? scratch.transpose(x, [0, 2, 3, 1]) : x;
    const dy4 = channelsFirst ? scratch.transpose(dy, [0, 2, 3, 1]) : dy;
    const info = tf.backend_util.computeConv2DInfo(x4.shape as [number, number, number, number], filterShape,
      strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    checkDyShape('Conv2DBackpropFilter', dy4.shape, info.outShape);
    if (size(x4.shape) === 0 || size(dy4.shape) === 0) return zeros(backend, filterShape);
    const f32 = x.dtype === 'float32' && dy.dtype === 'float32';
    const fast = f32 ? firstPath(scratch, x4, dy4, info) ?? filterGradByConv(scratch, x4, dy4, info) : null;
    if (fast !== null) return fast;
    const dW = conv2dBackpropFilterReference(readValues(backend, x4), readValues(backend, dy4), info);
    return backend.makeOutput(filterShape, 'float32', undefined, dW);
  });
}

/** Throws when dy is not the shape of the forward conv's output (tfjs-core does not check it). */
export function checkDyShape(kernel: string, dyShape: readonly number[], outShape: readonly number[]): void {
  if (dyShape.length !== 4 || dyShape.some((d, i) => d !== outShape[i])) {
    throw new Error(`${kernel}: dy has shape [${dyShape}] but the convolution's output (NHWC) has shape [${outShape}]`);
  }
}

/** The exports of ./patches.wat. */
export interface PatchesModule {
  /** Rows [r0, r1) of the patch matrix [fh·fw·ci, n·oh·ow] of x [ci, n, h, w] (byte offsets); see ./patches.wat. */
  patches(x: number, out: number, ci: number, n: number, h: number, w: number, oh: number, ow: number,
    fw: number, sh: number, sw: number, pt: number, pl: number, r0: number, r1: number): void;
  /** out [n, hp, wp, ci] = x [n, h, w, ci] moved down pt rows and right pl columns, zeros around it (byte offsets). */
  pad(x: number, out: number, n: number, h: number, w: number, ci: number, hp: number, wp: number, pt: number, pl: number): void;
  /** Channels [cb, ce) of dW [fh, fw, ci, co] from the padded x [n, hp, wp, ci] and dy [n, oh, ow, co], ob output rows per block; cb, ce multiples of 4. */
  direct(x: number, dy: number, dw: number, n: number, hp: number, wp: number, ci: number, oh: number, ow: number,
    co: number, fh: number, fw: number, sh: number, sw: number, ob: number, cb: number, ce: number): void;
}

/** ./patches.wat on `memory`, cached per memory; null where it cannot be instantiated (the conv path runs). */
export const patchesModule = watLoader<PatchesModule>(PATCHES_WASM, PATCHES_WASM_SHARED);

/**
 * The most values of the patch matrix held at once (2^25 floats, 128 MB): a larger matrix is
 * written and multiplied in blocks of rows, which reuse the memory. Smaller blocks are slower:
 * every block's product streams all of dy once more (measured on the lecture CNN's six layers,
 * fresh dy each call: 159 ms for the six with blocks of 2^23 values or none, 207 ms with 2^21,
 * 271 ms with 2^19).
 */
export const PATCHES_MAX_VALUES = 2 ** 25;

/** The paths of the filter gradient (module comment). */
export type FilterGradPath = 'direct' | 'patches' | 'conv';
const FILTER_GRAD_PATHS: readonly FilterGradPath[] = ['direct', 'patches', 'conv'];

/**
 * How the filter gradient runs: the path tried first ('direct' falls back to 'patches' where it
 * does not apply, and every path to 'conv') and the patch matrix's block size.
 */
export interface FilterGradOptions {
  /** Default 'direct'. */
  path: FilterGradPath;
  /** Default {@link PATCHES_MAX_VALUES}. */
  maxPatchValues: number;
}

const options: FilterGradOptions = { path: 'direct', maxPatchValues: PATCHES_MAX_VALUES };

/**
 * Changes how the filter gradient runs and returns the previous options: for tests and benchmarks
 * that compare the paths or need the blocks on a small input. A bad value is one line naming it.
 */
export function setFilterGradOptions(change: Partial<FilterGradOptions>): FilterGradOptions {
  if (change.path !== undefined && !FILTER_GRAD_PATHS.includes(change.path)) {
    throw new Error(`setFilterGradOptions: path is ${JSON.stringify(change.path)}; allowed: ${FILTER_GRAD_PATHS.map((p) => `'${p}'`).join(', ')}`);
  }
  const m = change.maxPatchValues;
  if (m !== undefined && !(Number.isInteger(m) && m >= 1)) {
    throw new Error(`setFilterGradOptions: maxPatchValues is ${JSON.stringify(m)}; allowed: an integer >= 1`);
  }
  const before = { ...options };
  Object.assign(options, change);
  return before;
}

/**
 * The path tried before the conv path, as the options say; null: none applies. The direct path
 * runs wherever Co is a multiple of 4, whatever the thread count, so a model's numbers do not
 * depend on NNLAB_WASM_THREADS.
 */
function firstPath(scratch: Scratch, x: Info, dy: Info, info: Conv2DInfo): Info | null {
  if (options.path === 'direct' && info.outChannels % 4 === 0) {
    const dW = filterGradDirect(scratch, x, dy, info, directPool(scratch.backend, info));
    if (dW !== null) return dW;
  }
  return options.path === 'conv' ? null : filterGradByPatches(scratch, x, dy, info);
}

/** The helper threads of the direct path: on a shared heap, for a product of at least PRODUCT_MIN_FLOPS (as XNNPACK's pool). */
function directPool(backend: BackendWasm, info: Conv2DInfo): WatPool | null {
  const flops = 2 * info.batchSize * info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * info.inChannels * info.outChannels;
  return helpersFor(backend, flops >= PRODUCT_MIN_FLOPS);
}

/** Output rows per block of the direct path: about this many pixels, so a block of dy stays in cache while every tile reads it. */
export const DIRECT_BLOCK_PIXELS = 256;

/** The direct path (see the module comment), its channels shared with `pool`'s helpers; null when the module cannot load. */
function filterGradDirect(scratch: Scratch, x: Info, dy: Info, info: Conv2DInfo, pool: WatPool | null): Info | null {
  const backend = scratch.backend;
  const module = patchesModule(heapMemory(backend));
  if (module === null) return null;
  const [n, h, w, ci] = x.shape;
  const { outHeight: oh, outWidth: ow, outChannels: co, filterHeight: fh, filterWidth: fw,
    strideHeight: sh, strideWidth: sw, padInfo: { top: pt, left: pl } } = info;
  // the rows and columns the forward pass reads, padding included
  const hp = (oh - 1) * sh + fh;
  const wp = (ow - 1) * sw + fw;
  let xp = x;
  if (pt !== 0 || pl !== 0 || hp !== h || wp !== w) {
    xp = scratch.keep(backend.makeOutput([n, hp, wp, ci], 'float32'));
    module.pad(heap(backend, x).byteOffset, heap(backend, xp).byteOffset, n, h, w, ci, hp, wp, pt, pl);
  }
  const dW = backend.makeOutput([fh, fw, ci, co], 'float32');
  const args = [heap(backend, xp).byteOffset, heap(backend, dy).byteOffset, heap(backend, dW).byteOffset,
    n, hp, wp, ci, oh, ow, co, fh, fw, sh, sw, Math.max(1, Math.floor(DIRECT_BLOCK_PIXELS / ow))];
  const jobs = directJobs(co, 1 + (pool?.helpers ?? 0)).map(([cb, ce]) => [...args, cb, ce]);
  const local = (a: number[]): void => module.direct(...(a as Parameters<PatchesModule['direct']>));
  try {
    runJobs(pool, 'direct', jobs, local);
  } catch (err) {
    backend.disposeData(dW.dataId);
    throw err;
  }
  return dW;
}

/**
 * The output channels [cb, ce) of each thread's share of the direct path: `threads` ranges of
 * whole tiles of 8 as even as they go (the last takes a tail of 4), fewer when there are fewer tiles.
 */
export function directJobs(co: number, threads: number): Array<[number, number]> {
  const tiles = Math.ceil(co / 8);
  const parts = Math.max(1, Math.min(threads, tiles));
  return Array.from({ length: parts }, (_, i): [number, number] => [
    8 * Math.floor((i * tiles) / parts), Math.min(co, 8 * Math.floor(((i + 1) * tiles) / parts))]);
}

/** The GEMM path (see the module comment), in blocks of rows above `maxPatchValues`; null when the module cannot load. */
function filterGradByPatches(scratch: Scratch, x: Info, dy: Info, info: Conv2DInfo): Info | null {
  const backend = scratch.backend;
  const [n, h, w, ci] = x.shape;
  const { outHeight: oh, outWidth: ow, outChannels: co, filterHeight: fh, filterWidth: fw } = info;
  const rows = fh * fw * ci;
  const cols = n * oh * ow;
  const module = patchesModule(heapMemory(backend));
  if (module === null) return null;
  const xT = scratch.transpose(view(x, [n * h * w, ci]), [1, 0]); // [ci, n, h, w]
  const dy2 = view(dy, [1, cols, co]);
  const block = Math.max(1, Math.min(rows, Math.floor(options.maxPatchValues / cols)));
  const blockOf = (r0: number, r1: number, s: Scratch): Info => {
    const p = s.keep(backend.makeOutput([1, r1 - r0, cols], 'float32'));
    module.patches(heap(backend, xT).byteOffset, heap(backend, p).byteOffset, ci, n, h, w, oh, ow, fw,
      info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left, r0, r1);
    return runStock(backend, tf.BatchMatMul, { a: p, b: dy2 }, { transposeA: false, transposeB: false });
  };
  if (block === rows) return view(blockOf(0, rows, scratch), [fh, fw, ci, co]);
  // blocks of rows: the same dy every time, so tfjs keeps XNNPACK's operator (dy packed once)
  const dW = backend.makeOutput([fh, fw, ci, co], 'float32');
  try {
    for (let r0 = 0; r0 < rows; r0 += block) {
      withScratch(backend, (s) => {
        const part = s.keep(blockOf(r0, Math.min(rows, r0 + block), s));
        heap(backend, dW).set(heap(backend, part), r0 * co);
      });
    }
  } catch (err) {
    backend.disposeData(dW.dataId);
    throw err;
  }
  return dW;
}

/** The conv path (see the module comment); null when the conv's result is not [Ci, fh, fw, Co]. */
function filterGradByConv(scratch: Scratch, x: Info, dy: Info, info: Conv2DInfo): Info | null {
  const [n, h, w, ci] = x.shape;
  const { outHeight: oh, outWidth: ow, outChannels: co, filterHeight: fh, filterWidth: fw } = info;
  const plan = planConv2dBackpropFilter(info);
  // x [N, H, W, Ci] -> [H·W·Ci, N] -> [Ci, H·W, N]: two transposes XNNPACK-friendly ones, ~3x
  // faster than one 4-D transpose with perm [3, 1, 2, 0].
  const xByPixel = scratch.transpose(view(x, [n, h * w * ci]), [1, 0]);
  let xT = view(scratch.transpose(view(xByPixel, [h * w, ci, n]), [1, 0, 2]), [ci, h, w, n]);
  if (plan.crop.bottom > 0 || plan.crop.right > 0) {
    xT = scratch.keep(crop(scratch.backend, xT, 0, plan.crop.bottom, 0, plan.crop.right));
  }
  const dyT = view(scratch.transpose(view(dy, [n, oh * ow, co]), [1, 0, 2]), [oh, ow, n, co]);
  const [top, bottom, left, right] = plan.pad;
  const g = scratch.run(tf.Conv2D, { x: xT, filter: dyT }, {
    strides: [1, 1], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC',
    dilations: plan.dilations,
  });
  if (g.shape.join() !== [ci, fh, fw, co].join()) return null;
  const dW = runStock(scratch.backend, tf.Transpose, { x: view(g, [ci, fh * fw, co]) }, { perm: [1, 0, 2] });
  return view(dW, [fh, fw, ci, co]);
}

/** Values and NHWC shape of a tensor, read from the backend. */
export interface HostTensor {
  values: ArrayLike<number>;
  shape: number[];
}

function readValues(backend: BackendWasm, t: Info): HostTensor {
  return { values: backend.readSync(t.dataId) as ArrayLike<number>, shape: t.shape };
}

/**
 * The filter gradient by its definition (module comment), in JavaScript with float64 sums: the
 * slow, always-correct fallback. x and dy are NHWC; returns dW [fh, fw, Ci, Co] as float32.
 */
export function conv2dBackpropFilterReference(x: HostTensor, dy: HostTensor, info: Conv2DInfo): Float32Array {
  const [n, h, w, ci] = x.shape;
  const { outHeight: oh, outWidth: ow, outChannels: co, filterHeight: fh, filterWidth: fw } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  const { top: pt, left: pl } = info.padInfo;
  const dW = new Float64Array(fh * fw * ci * co);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const dyAt = ((b * oh + i) * ow + j) * co;
        for (let kh = 0; kh < fh; kh++) {
          const row = i * sh + kh - pt;
          if (row < 0 || row >= h) continue;
          for (let kw = 0; kw < fw; kw++) {
            const col = j * sw + kw - pl;
            if (col < 0 || col >= w) continue;
            const xAt = ((b * h + row) * w + col) * ci;
            for (let c = 0; c < ci; c++) {
              const xv = x.values[xAt + c];
              const dWAt = ((kh * fw + kw) * ci + c) * co;
              for (let o = 0; o < co; o++) dW[dWAt + o] += xv * dy.values[dyAt + o];
            }
          }
        }
      }
    }
  }
  return Float32Array.from(dW);
}
