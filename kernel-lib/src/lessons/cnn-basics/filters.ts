/**
 * Lesson 11's classic linear filters on a real image: identity, box blur, sharpen, Sobel x and
 * Sobel y, each a 3×3 kernel slid over a grayscale CIFAR-10 (or MNIST) test image with zero
 * padding 1, so the output has the input's size. A conv layer's first filters learn such kernels.
 */
import { defineOptions, int, oneOf, OptionsOf } from '../../core/options';
import { ExperimentRecord, provenance } from '../../core/record';
import type { ImageDataset } from '../../data/load';
import { loadDataset } from '../../data/load';
import { maxAbsDiff64 } from '../../nets/array64';
import { conv2d64 } from '../../nets/conv64';
import { channelOf, Grid, imageOf, kernelOf, tfConv } from './byHand';

/** One classic filter: its name, what it does in a few words, its 3×3 kernel. */
export interface ClassicFilter { name: string; label: string; does: string; kernel: Grid }

/** The filter bank of the lesson (3×3; the partner figure shows learned first-layer filters next to these). */
export const CLASSIC_FILTERS: readonly ClassicFilter[] = Object.freeze([
  { name: 'identity', label: 'identity', does: 'copies the image', kernel: [[0, 0, 0], [0, 1, 0], [0, 0, 0]] },
  { name: 'boxBlur', label: 'box blur', does: 'the mean of the 3×3 neighbourhood: smooths', kernel: [[1, 1, 1], [1, 1, 1], [1, 1, 1]].map((r) => r.map((v) => v / 9)) },
  { name: 'sharpen', label: 'sharpen', does: '5·centre − the 4 neighbours: amplifies what differs from its surroundings', kernel: [[0, -1, 0], [-1, 5, -1], [0, -1, 0]] },
  { name: 'sobelX', label: 'Sobel x', does: 'left minus right: responds to vertical edges', kernel: [[1, 0, -1], [2, 0, -2], [1, 0, -1]] },
  { name: 'sobelY', label: 'Sobel y', does: 'top minus bottom: responds to horizontal edges', kernel: [[1, 2, 1], [0, 0, 0], [-1, -2, -1]] },
]);

export const FILTERS_DEFAULTS = { dataset: 'cifar-10', index: 3 } as const;

export const FILTERS_OPTIONS = defineOptions('cnn.classicFilters', {
  dataset: oneOf(['cifar-10', 'mnist'] as const, { default: FILTERS_DEFAULTS.dataset }),
  /** Which test image (the same index in every run: no randomness here). */
  index: int({ min: 0, max: 9999, default: FILTERS_DEFAULTS.index }),
});

export type ClassicFiltersOptions = OptionsOf<typeof FILTERS_OPTIONS.fields>;

export interface ClassicFiltersRecord extends ExperimentRecord<ReturnType<typeof FILTERS_OPTIONS.resolve>> {
  experiment: 'cnnClassicFilters';
  label: string;
  /** The grayscale image in [0, 1] (0.299 R + 0.587 G + 0.114 B), rounded to 4 decimals. */
  image: Grid;
  /** Per filter: the kernel, the filtered image (same size: P = 1) and max |float64 − tf.conv2d|. */
  filtered: { name: string; label: string; does: string; kernel: Grid; output: Grid; tfjsMaxAbsDiff: number }[];
  meta: { ms: number };
}

const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

/** Image `index` of a dataset as a grayscale grid in [0, 1]. */
export function grayImage(ds: ImageDataset, index: number): Grid {
  const { height: H, width: W, channels: C } = ds;
  const base = index * H * W * C;
  return Array.from({ length: H }, (_, y) => Array.from({ length: W }, (_, x) => {
    const p = base + (y * W + x) * C;
    const v = C === 3 ? 0.299 * ds.images[p] + 0.587 * ds.images[p + 1] + 0.114 * ds.images[p + 2] : ds.images[p];
    return round4(v / 255);
  }));
}

/** A grid filtered by a 3×3 kernel with P = 1 (float64 loops), and the same by tf.conv2d. */
export function filterGrid(image: Grid, kernel: Grid): { output: Grid; tfjsMaxAbsDiff: number } {
  const x = imageOf([image]);
  const w = kernelOf([[kernel]]);
  const out = conv2d64(x, w, null, { pad: 1 });
  return { output: channelOf(out, 0).map((r) => r.map(round4)), tfjsMaxAbsDiff: maxAbsDiff64(out.data, tfConv(x, w, 1, 1)) };
}

/**
 * The classic filters on one real test image (lesson 11): identity, box blur, sharpen, Sobel x,
 * Sobel y ({@link CLASSIC_FILTERS}), each output checked against tf.conv2d.
 *
 * @example
 * const r = await nn.cnn.classicFilters({ dataset: 'cifar-10', index: 3 });
 * nn.cnn.showClassicFilters(r);
 */
export async function classicFilters(options: ClassicFiltersOptions = {}): Promise<ClassicFiltersRecord> {
  const t0 = Date.now();
  const config = FILTERS_OPTIONS.resolve(options);
  const ds = await loadDataset(config.dataset, { split: 'test' });
  const image = grayImage(ds, config.index);
  return {
    experiment: 'cnnClassicFilters', options: config, ...provenance(),
    label: ds.classNames[ds.labels[config.index]], image,
    filtered: CLASSIC_FILTERS.map((f) => ({ name: f.name, label: f.label, does: f.does, kernel: f.kernel.map((r) => [...r]), ...filterGrid(image, f.kernel) })),
    meta: { ms: Date.now() - t0 },
  };
}
