/**
 * Lesson 11's pooling: max and average pooling, 2×2 windows with stride 2, on the lecture's 4×4
 * example by hand (float64 loops) and by tf.maxPool / tf.avgPool, then on real feature maps (the
 * Sobel outputs of a real image: half the size, the strong edges kept). A pooling layer has no
 * parameters: tf.layers.maxPooling2d and averagePooling2d count 0.
 */
import * as tf from '@tensorflow/tfjs';
import { defineOptions, int, oneOf, OptionsOf } from '../../core/options';
import { ExperimentRecord, provenance } from '../../core/record';
import { loadDataset } from '../../data/load';
import { maxAbsDiff64 } from '../../nets/array64';
import { avgPool64, maxPool64 } from '../../nets/conv64';
import { channelOf, Grid, imageOf } from './byHand';
import { CLASSIC_FILTERS, FILTERS_DEFAULTS, filterGrid, grayImage } from './filters';

/** The 4×4 example: four 2×2 windows. */
export const POOL_EXAMPLE: Grid = [[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]];

export const POOLING_OPTIONS = defineOptions('cnn.pooling', {
  dataset: oneOf(['cifar-10', 'mnist'] as const, { default: FILTERS_DEFAULTS.dataset }),
  index: int({ min: 0, max: 9999, default: FILTERS_DEFAULTS.index }),
});

export type PoolingOptions = OptionsOf<typeof POOLING_OPTIONS.fields>;

export interface PoolingRecord extends ExperimentRecord<ReturnType<typeof POOLING_OPTIONS.resolve>> {
  experiment: 'cnnPooling';
  example: Grid;
  max: Grid;
  avg: Grid;
  /** Where each max came from: [row, col] in the example, per output cell. */
  argmax: [number, number][][];
  /** max |float64 − tf.maxPool| and |float64 − tf.avgPool| on the example. */
  tfjs: { maxAbsDiffMax: number; maxAbsDiffAvg: number };
  /** countParams() of tf.layers.maxPooling2d and averagePooling2d (both 0) next to a 3×3 conv with 1 filter on 1 channel (10). */
  params: { maxPooling2d: number; averagePooling2d: number; conv3x3: number };
  /** Sobel x and Sobel y outputs of a real image and their 2×2 max pools. */
  maps: { name: string; label: string; before: Grid; max: Grid; avg: Grid }[];
  label: string;
  meta: { ms: number };
}

function pools(grid: Grid): { max: Grid; avg: Grid; argmax: Int32Array; W: number } {
  const x = imageOf([grid]);
  const m = maxPool64(x);
  return { max: channelOf(m.out, 0), avg: channelOf(avgPool64(x), 0), argmax: m.argmax, W: grid[0].length };
}

function layerParams(): PoolingRecord['params'] {
  const layers = [tf.layers.maxPooling2d({ poolSize: 2, strides: 2, inputShape: [4, 4, 1] }), tf.layers.averagePooling2d({ poolSize: 2, strides: 2, inputShape: [4, 4, 1] }),
    tf.layers.conv2d({ filters: 1, kernelSize: 3, inputShape: [4, 4, 1] })];
  const counts = layers.map((l) => {
    const model = tf.sequential({ layers: [l] });
    const n = model.countParams();
    model.dispose();
    return n;
  });
  return { maxPooling2d: counts[0], averagePooling2d: counts[1], conv3x3: counts[2] };
}

/**
 * Max and average pooling (2×2, stride 2) on the 4×4 example and on the Sobel maps of a real
 * test image; every number checked against tfjs; the parameter count of pooling layers (0).
 *
 * @example
 * const r = await nn.cnn.pooling();
 * r.max   // [[6, 8], [3, 4]]
 * r.avg   // [[3.25, 5.25], [2, 2]]
 * nn.cnn.showPooling(r);
 */
export async function pooling(options: PoolingOptions = {}): Promise<PoolingRecord> {
  const t0 = Date.now();
  const config = POOLING_OPTIONS.resolve(options);
  const p = pools(POOL_EXAMPLE);
  const tfOut = tf.tidy(() => {
    const x = tf.tensor4d(POOL_EXAMPLE.flat(), [1, 4, 4, 1]);
    return [tf.maxPool(x, 2, 2, 'valid'), tf.avgPool(x, 2, 2, 'valid')];
  });
  const [tfMax, tfAvg] = tfOut.map((t) => Float64Array.from(t.dataSync()));
  tf.dispose(tfOut);
  const ds = await loadDataset(config.dataset, { split: 'test' });
  const image = grayImage(ds, config.index);
  const maps = CLASSIC_FILTERS.filter((f) => f.name === 'sobelX' || f.name === 'sobelY').map((f) => {
    const before = filterGrid(image, f.kernel).output;
    const q = pools(before);
    return { name: f.name, label: f.label, before, max: q.max, avg: q.avg.map((r) => r.map((v) => Math.round(v * 1e4) / 1e4)) };
  });
  return {
    experiment: 'cnnPooling', options: config, ...provenance(),
    example: POOL_EXAMPLE.map((r) => [...r]), max: p.max, avg: p.avg,
    argmax: p.max.map((r, y) => r.map((_, x) => { const k = p.argmax[y * r.length + x]; return [Math.floor(k / p.W), k % p.W] as [number, number]; })),
    tfjs: { maxAbsDiffMax: maxAbsDiff64(p.max.flat(), tfMax), maxAbsDiffAvg: maxAbsDiff64(p.avg.flat(), tfAvg) },
    params: layerParams(), maps, label: ds.classNames[ds.labels[config.index]],
    meta: { ms: Date.now() - t0 },
  };
}
