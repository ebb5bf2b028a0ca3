/**
 * Lesson 11's convolution by hand: a 6×6 integer image and a 3×3 integer kernel, one output cell
 * computed step by step (the window, the nine products, the running dot product), the whole output
 * map, and the same numbers from `tf.conv2d`. Then the same example with stride 2 and zero
 * padding 1, with 2 channels in and 2 filters out, and with the kernel flipped (a true
 * convolution vs the cross-correlation every deep-learning library computes).
 *
 *   out[y, x] = b + Σ_{i, j} w[i, j] · in[y·S + i − P, x·S + j − P]      (zeros outside the input)
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../../core/errors';
import { defineOptions, int, OptionsOf, seed } from '../../core/options';
import { ExperimentRecord, provenance } from '../../core/record';
import { mulberry32, seedStream } from '../../core/rng';
import { Array64, array64, maxAbsDiff64 } from '../../nets/array64';
import { conv2d64, convOutputSize, flipKernel64 } from '../../nets/conv64';

/** A matrix of numbers, row by row (what the records and figures hold). */
export type Grid = number[][];

/** The kernel of the worked example: a vertical-edge detector (left minus right, centre row doubled). */
export const BY_HAND_KERNEL: Grid = [[1, 0, -1], [2, 0, -2], [1, 0, -1]];

export const BY_HAND_DEFAULTS = { row: 1, col: 2, size: 6, seed: 0 } as const;

export const BY_HAND_OPTIONS = defineOptions('cnn.convByHand', {
  /** The output cell to compute step by step: its row in the 4×4 output map (stride 1, no padding). */
  row: int({ min: 0, max: 29, default: BY_HAND_DEFAULTS.row }),
  col: int({ min: 0, max: 29, default: BY_HAND_DEFAULTS.col }),
  /** The image is size×size integers 0..9 (default 6). */
  size: int({ min: 3, max: 32, default: BY_HAND_DEFAULTS.size }),
  seed: seed(),
}, {
  rules: (c, given) => {
    const out = c.size - 2;
    for (const k of ['row', 'col'] as const) {
      if (c[k] >= out) throw new ArgumentError(k, given[k] ?? c[k], `an integer in [0, ${out - 1}] (the ${out}×${out} output of a 3×3 kernel on ${c.size}×${c.size})`);
    }
  },
});

export type ConvByHandOptions = OptionsOf<typeof BY_HAND_OPTIONS.fields>;
export type ConvByHandConfig = ReturnType<typeof BY_HAND_OPTIONS.resolve>;

/** One multiply-add of the running dot product. */
export interface ByHandStep { i: number; j: number; x: number; w: number; product: number; sum: number }

/** One variant of the example (stride, padding, channels, flipped kernel) checked against tfjs. */
export interface ConvVariant {
  name: string;
  stride: number;
  pad: number;
  /** Output rows (= columns) by the lecture's formula ⌊(W − F + 2P)/S⌋ + 1. */
  size: number;
  /** The output map per output channel: output[k][y][x]. */
  output: Grid[];
  /** max |float64 loops − tf.conv2d| over the map. */
  tfjsMaxAbsDiff: number;
}

export interface ConvByHandRecord extends ExperimentRecord<ConvByHandConfig> {
  experiment: 'cnnConvByHand';
  image: Grid;
  kernel: Grid;
  /** The chosen output cell, step by step. */
  cell: { row: number; col: number; window: Grid; products: Grid; steps: ByHandStep[]; value: number };
  /** The whole output map (stride 1, no padding), by the float64 loops. */
  output: Grid;
  /** The same map from tf.conv2d, and the largest difference (integers: 0). */
  tfjs: { output: Grid; maxAbsDiff: number };
  /** Stride 2 with zero padding 1; and 2 channels in, 2 filters out. */
  variants: ConvVariant[];
  /** The second input channel and the four 3×3 slices of the 2-in, 2-out kernel: kernels2[c][k]. */
  channels: { image2: Grid; kernels2: Grid[][] };
  /**
   * A true convolution (the kernel flipped, Σ w[i, j]·in[y − i + F − 1, x − j + F − 1]) written
   * out, vs the cross-correlation with flipKernel64(w), vs tf.conv2d with the flipped kernel.
   */
  flipped: { kernel: Grid; convolution: Grid; maxAbsDiffFlipKernel: number; maxAbsDiffTfjs: number; sameAsCrossCorrelation: boolean };
  meta: { ms: number };
}

/** size×size integers 0..9 from a seeded generator. */
function integerImage(size: number, random: () => number): Grid {
  return Array.from({ length: size }, () => Array.from({ length: size }, () => Math.floor(random() * 10)));
}

/** [H][W] grids (one per channel) → an NHWC Array64 with N = 1. */
export function imageOf(channels: readonly Grid[]): Array64 {
  const H = channels[0].length; const W = channels[0][0].length; const C = channels.length;
  const a = array64([1, H, W, C]);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < C; c++) a.data[(y * W + x) * C + c] = channels[c][y][x];
  return a;
}

/** kernels[c][k] (F×F grids) → an HWIO Array64 [F, F, C, K]. */
export function kernelOf(kernels: readonly (readonly Grid[])[]): Array64 {
  const C = kernels.length; const K = kernels[0].length; const F = kernels[0][0].length;
  const a = array64([F, F, C, K]);
  for (let i = 0; i < F; i++) for (let j = 0; j < F; j++) for (let c = 0; c < C; c++) for (let k = 0; k < K; k++) a.data[((i * F + j) * C + c) * K + k] = kernels[c][k][i][j];
  return a;
}

/** Channel k of an NHWC Array64 (N = 1) as a grid. */
export function channelOf(a: Array64, k: number): Grid {
  const [, H, W, C] = a.shape;
  return Array.from({ length: H }, (_, y) => Array.from({ length: W }, (_, x) => a.data[(y * W + x) * C + k]));
}

/** tf.conv2d on the same numbers (float32), read back as Float64Array; every tensor disposed. */
export function tfConv(x: Array64, w: Array64, stride: number, pad: number | 'valid' | 'same'): Float64Array {
  const out = tf.tidy(() => {
    const xt = tf.tensor4d(Array.from(x.data), x.shape as [number, number, number, number]);
    const wt = tf.tensor4d(Array.from(w.data), w.shape as [number, number, number, number]);
    const padded = typeof pad === 'number' && pad > 0 ? tf.pad(xt, [[0, 0], [pad, pad], [pad, pad], [0, 0]]) : xt;
    return tf.conv2d(padded, wt, stride, typeof pad === 'number' ? 'valid' : pad);
  });
  const data = Float64Array.from(out.dataSync());
  out.dispose();
  return data;
}

/**
 * The window under output cell (row, col), the products with the kernel and the running sum, in reading order.
 *
 * @example
 * nn.cnn.cellSteps([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]], 0, 0).value   // 1·1 + 5·(−1) = −4
 */
export function cellSteps(image: Grid, kernel: Grid, row: number, col: number, stride = 1, pad = 0): { window: Grid; products: Grid; steps: ByHandStep[]; value: number } {
  const F = kernel.length;
  const at = (y: number, x: number) => (y < 0 || x < 0 || y >= image.length || x >= image[0].length ? 0 : image[y][x]);
  const window = kernel.map((r, i) => r.map((_, j) => at(row * stride + i - pad, col * stride + j - pad)));
  const products = kernel.map((r, i) => r.map((w, j) => w * window[i][j]));
  const steps: ByHandStep[] = [];
  let sum = 0;
  for (let i = 0; i < F; i++) for (let j = 0; j < F; j++) {
    sum += products[i][j];
    steps.push({ i, j, x: window[i][j], w: kernel[i][j], product: products[i][j], sum });
  }
  return { window, products, steps, value: sum };
}

/**
 * A true 2-D convolution written from its definition (the kernel turned by 180°), valid positions only.
 *
 * @example
 * nn.cnn.trueConvolution([[1, 2], [3, 4]], [[1, 0], [0, 0]])   // [[4]]: the kernel's top-left meets the bottom-right pixel
 */
export function trueConvolution(image: Grid, kernel: Grid): Grid {
  const F = kernel.length; const n = image.length - F + 1; const m = image[0].length - F + 1;
  return Array.from({ length: n }, (_, y) => Array.from({ length: m }, (_, x) => {
    let s = 0;
    for (let i = 0; i < F; i++) for (let j = 0; j < F; j++) s += kernel[i][j] * image[y + F - 1 - i][x + F - 1 - j];
    return s;
  }));
}

function variant(name: string, x: Array64, w: Array64, stride: number, pad: number): ConvVariant {
  const out = conv2d64(x, w, null, { stride, pad });
  const size = convOutputSize({ W: x.shape[2], F: w.shape[0], P: pad, S: stride }).size;
  const output = Array.from({ length: out.shape[3] }, (_, k) => channelOf(out, k));
  return { name, stride, pad, size, output, tfjsMaxAbsDiff: maxAbsDiff64(out.data, tfConv(x, w, stride, pad)) };
}

/**
 * Convolution by hand (lesson 11): a seeded size×size image of integers 0..9 and the 3×3 kernel
 * [[1, 0, −1], [2, 0, −2], [1, 0, −1]]; the output cell (row, col) step by step, the whole
 * (size − 2)×(size − 2) map, the check against tf.conv2d, the stride-2 / padding-1 and
 * 2-in / 2-out variants and the flipped kernel. With integers every number is exact: the
 * differences to tfjs are 0.
 *
 * @example
 * const r = nn.cnn.convByHand({ row: 1, col: 2 });
 * r.cell.value === r.output[1][2]   // true
 * r.tfjs.maxAbsDiff                 // 0
 * nn.cnn.showConvByHand(r);
 */
export function convByHand(options: ConvByHandOptions = {}): ConvByHandRecord {
  const t0 = Date.now();
  const config = BY_HAND_OPTIONS.resolve(options);
  const seeds = seedStream(config.seed);
  const image = integerImage(config.size, mulberry32(seeds.next()));
  const image2 = integerImage(config.size, mulberry32(seeds.next()));
  const kernel = BY_HAND_KERNEL.map((r) => [...r]);
  const x = imageOf([image]);
  const w = kernelOf([[kernel]]);
  const out = conv2d64(x, w);
  const output = channelOf(out, 0);
  const tfOut = tfConv(x, w, 1, 0);
  const n = config.size - 2;
  const tfGrid = Array.from({ length: n }, (_, y) => Array.from(tfOut.subarray(y * n, (y + 1) * n)));
  // 2 channels in, 2 filters out: filter 0 = the edge kernel on channel 0 + a box sum on channel 1; filter 1 = its transpose + the centre pixel
  const box = [[1, 1, 1], [1, 1, 1], [1, 1, 1]];
  const transposed = kernel.map((r, i) => r.map((_, j) => kernel[j][i]));
  const centre = [[0, 0, 0], [0, 1, 0], [0, 0, 0]];
  const kernels2 = [[kernel, transposed], [box, centre]];
  const variants = [
    variant('stride 2, zero padding 1', x, w, 2, 1),
    variant('2 channels in, 2 filters out', imageOf([image, image2]), kernelOf(kernels2), 1, 0),
  ];
  const flippedW = flipKernel64(w);
  const convolution = trueConvolution(image, kernel);
  const viaFlip = conv2d64(x, flippedW);
  const flat = convolution.flat();
  return {
    experiment: 'cnnConvByHand', options: config, ...provenance(),
    image, kernel, cell: { row: config.row, col: config.col, ...cellSteps(image, kernel, config.row, config.col) },
    output, tfjs: { output: tfGrid, maxAbsDiff: maxAbsDiff64(out.data, tfOut) },
    variants, channels: { image2, kernels2 },
    flipped: {
      kernel: channelOf(array64([1, 3, 3, 1], flippedW.data), 0), convolution,
      maxAbsDiffFlipKernel: maxAbsDiff64(flat, viaFlip.data), maxAbsDiffTfjs: maxAbsDiff64(flat, tfConv(x, flippedW, 1, 0)),
      sameAsCrossCorrelation: maxAbsDiff64(flat, out.data) === 0,
    },
    meta: { ms: Date.now() - t0 },
  };
}
