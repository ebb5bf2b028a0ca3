/**
 * The wasm `Conv2DBackpropInput` override: the input gradient of a convolution (and the forward
 * pass of `conv2dTranspose`) on XNNPACK's conv kernel instead of the stock scalar loop (~10x
 * faster on a 3x3 'same' layer). Lesson: backpropagation through a convolution (issue 4).
 *
 * What it computes: for `y = conv2d(x, W, strides, pad)` and dy = dL/dy,
 *
 *   dx[n, h, w, ci] = Σ_{oh, ow, kh, kw : oh·sh + kh = h + pt, ow·sw + kw = w + pl} dy[n, oh, ow, co] · W[kh, kw, ci, co]
 *
 * (summed over co too). Shapes (NHWC): dy [N, OH, OW, Co], W [fh, fw, Ci, Co] -> dx [N, H, W, Ci]
 * (`inputShape`). NCHW is transposed to NHWC and back. No dilation attribute in tfjs (conv2d's
 * gradient requires dilation 1).
 *
 * How: the "full correlation" identity. Spread dy out by the stride (sh - 1 zero rows after every
 * row, sw - 1 zero columns after every column: stock PadV2 on a [N·OH, 1, OW, 1, Co] view), then
 *
 *   dx = conv2d(spread dy, rot180(W) with Ci and Co swapped, stride 1, explicit padding)
 *
 * with padding fh - 1 - pt on top and H + pt - OH·sh at the bottom ({@link planConv2dBackpropInput}),
 * columns alike: the output is then exactly H x W. A negative padding means rows that only reach
 * the forward pass's zero padding; they are cropped instead. For stride s > 1 the spread input
 * holds s² times more pixels, mostly zeros, so the conv does s²x the necessary multiply-adds: still
 * well ahead of the scalar loop at s = 2 (the lessons use stride 1 convs and pool to downsample).
 * All moves are exact; the rounding is the conv's float32 sums of fh·fw·Co terms.
 *
 * Fallback: the stock kernel (a correct scalar loop) for non-float32 inputs, and as a guard should
 * the conv ever return another shape than [N, H, W, Ci] (not expected).
 *
 * @example
 * registerWasmKernelOverrides();
 * tf.conv2dTranspose(dy, W, [n, h, w, ci], strides, 'same'); // runs this kernel
 */
import * as tf from '@tensorflow/tfjs';
import { checkDyShape } from './conv2d-backprop-filter';
import { BackendWasm, crop, Info, Inputs, KernelArgs, reverseBlocks, runStock, Scratch, size, view, withScratch, zeros } from './kernels-stock';

type Conv2DInfo = tf.backend_util.Conv2DInfo;

/** How the input gradient runs as a stride-1 conv of the spread dy [N, OH·sh, OW·sw, Co]. */
export interface InputGradPlan {
  /** Explicit zero padding of the spread dy: [top, bottom, left, right]. */
  pad: [number, number, number, number];
  /** Rows/columns of the spread dy to drop instead (where the padding formula is negative). */
  crop: { top: number; bottom: number; left: number; right: number };
}

/**
 * Padding of the spread dy (height OH·sh, its last sh - 1 rows zero) so that a stride-1 conv with
 * an fh-row filter returns H rows: top = fh - 1 - pt, bottom = H + pt - OH·sh; then rows out =
 * top + OH·sh + bottom - fh + 1 = H. Columns alike.
 */
export function planConv2dBackpropInput(info: Conv2DInfo): InputGradPlan {
  const top = info.filterHeight - 1 - info.padInfo.top;
  const bottom = info.inHeight + info.padInfo.top - info.outHeight * info.strideHeight;
  const left = info.filterWidth - 1 - info.padInfo.left;
  const right = info.inWidth + info.padInfo.left - info.outWidth * info.strideWidth;
  const pos = (v: number) => Math.max(v, 0);
  return {
    pad: [pos(top), pos(bottom), pos(left), pos(right)],
    crop: { top: pos(-top), bottom: pos(-bottom), left: pos(-left), right: pos(-right) },
  };
}

/** The kernel function registered for `Conv2DBackpropInput` on wasm. */
export function conv2dBackpropInput(args: KernelArgs): Info {
  const backend = args.backend as BackendWasm;
  const { dy, filter } = args.inputs as Inputs<'dy' | 'filter'>;
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const { inputShape, strides, pad, dataFormat, dimRoundingMode } = attrs;
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    return runStock(backend, tf.Conv2DBackpropInput, args.inputs, attrs);
  }
  const channelsFirst = dataFormat === 'NCHW';
  const [n, c1, c2, c3] = inputShape;
  const xShape: [number, number, number, number] = channelsFirst ? [n, c2, c3, c1] : [n, c1, c2, c3];
  const dx = withScratch(backend, (scratch) => {
    const dy4 = channelsFirst ? scratch.transpose(dy, [0, 2, 3, 1]) : dy;
    const info = tf.backend_util.computeConv2DInfo(xShape, filter.shape as [number, number, number, number],
      strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    checkDyShape('Conv2DBackpropInput', dy4.shape, info.outShape);
    if (size(xShape) === 0 || size(dy4.shape) === 0 || size(filter.shape) === 0) return zeros(backend, xShape);
    const out = inputGradByConv(scratch, dy4, filter, info);
    if (out.shape.join() === xShape.join()) return out;
    backend.disposeData(out.dataId);
    return null;
  });
  if (dx === null) return runStock(backend, tf.Conv2DBackpropInput, args.inputs, attrs);
  if (!channelsFirst) return dx;
  return withScratch(backend, (scratch) => runStock(backend, tf.Transpose, { x: scratch.keep(dx) }, { perm: [0, 3, 1, 2] }));
}

/** The fast path (module comment): spread dy, rotate W, one stride-1 conv. */
function inputGradByConv(scratch: Scratch, dy: Info, filter: Info, info: Conv2DInfo): Info {
  const [n, oh, ow, co] = dy.shape;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw, inChannels: ci } = info;
  const plan = planConv2dBackpropInput(info);
  let spread = dy;
  if (sh > 1 || sw > 1) {
    const padded = scratch.run(tf.PadV2, { x: view(dy, [n * oh, 1, ow, 1, co]) },
      { paddings: [[0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
    spread = view(padded, [n, oh * sh, ow * sw, co]);
  }
  const { top: ct, bottom: cb, left: cl, right: cr } = plan.crop;
  if (ct + cb + cl + cr > 0) spread = scratch.keep(crop(scratch.backend, spread, ct, cb, cl, cr));
  // rot180 over (kh, kw) is a reversal of the flattened fh·fw axis: kh·fw + kw -> (fh-1-kh)·fw + (fw-1-kw);
  // Ci and Co swap inside each tap: one transpose, then the fh·fw blocks in reverse order.
  const swapped = scratch.transpose(view(filter, [fh * fw, ci, co]), [0, 2, 1]);
  const rotated = scratch.keep(reverseBlocks(scratch.backend, swapped, fh * fw, [fh, fw, co, ci]));
  const [top, bottom, left, right] = plan.pad;
  return runStock(scratch.backend, tf.Conv2D, { x: spread, filter: rotated }, {
    strides: [1, 1], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC', dilations: [1, 1],
  });
}
