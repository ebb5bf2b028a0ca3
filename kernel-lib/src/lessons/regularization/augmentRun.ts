/**
 * Lesson 08's augmentation experiments that look and time (the training one is augmentEffect.ts):
 *
 * 1. {@link augmentGrid}: a few real CIFAR-10 test images, each next to `n` augmented draws of
 *    itself (draw k of every image uses the k-th per-batch seed): what a net sees in training.
 * 2. {@link augmentCost}: milliseconds per batch of each op and of the composed pipeline on this
 *    backend, after a warm-up, against one training step of the small CNN on the same batch
 *    (interleaved rounds, medians). Timings vary run to run, so they live in `meta.timings`: two
 *    runs with one seed have equal records apart from `meta`.
 */
import * as tf from '@tensorflow/tfjs';
import { withQuickPreset } from '../../core/config';
import { ArgumentError } from '../../core/errors';
import { defineOptions, int, list, oneOf, OptionsOf, seed } from '../../core/options';
import { provenance } from '../../core/record';
import { mulberry32, sample, seedStream } from '../../core/rng';
import type { ImageDataset, LoadOptions } from '../../data/load';
import { loadDataset } from '../../data/load';
import { createOptimizer } from '../../nets/optim';
import { createSmallCnn } from '../../nets/smallCnn';
import { experimentProgress } from '../../show/progress';
import { augment, AUGMENT_CONFIG, AUGMENT_OPS, AugmentConfig, AugmentName, AUGMENTATIONS, imageBatch } from './augment';

/** Where the images come from (tests pass a loaded or synthetic dataset). */
export interface AugmentSource { load?: (name: string, o: LoadOptions) => Promise<ImageDataset> }

/** The datasets these experiments take: 32×32 RGB images. */
export const AUGMENT_DATASETS = ['cifar-10'] as const;

/** The usual CIFAR-10 pipeline: flip, pad-4 crop, colour jitter. */
export const DEFAULT_PIPELINE: readonly AugmentName[] = ['flip', 'crop', 'jitter'];

async function loadImages(dataset: string, split: 'train' | 'test', source: AugmentSource): Promise<ImageDataset> {
  const ds = await (source.load ?? loadDataset)(dataset, { split });
  if (ds.height !== 32 || ds.width !== 32 || ds.channels !== 3) throw new ArgumentError('dataset', dataset, 'a dataset of 32×32 RGB images (cifar-10)');
  return ds;
}

/** The bytes of a batch in [0, 1]: round(255·x). */
export function batchBytes(x: tf.Tensor4D): Uint8Array {
  const v = x.dataSync();
  const out = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = Math.round(255 * Math.min(1, Math.max(0, v[i])));
  return out;
}

// ============================================================================ augmentGrid

export const GRID_DEFAULTS = { dataset: 'cifar-10', ops: DEFAULT_PIPELINE, images: 4, n: 8, seed: 0 } as const;

export const GRID_OPTIONS = defineOptions('regularization.augmentGrid', {
  /** The dataset (its test split). */
  dataset: oneOf(AUGMENT_DATASETS, { default: GRID_DEFAULTS.dataset }),
  /** The ops, applied in this order. */
  ops: list(oneOf(AUGMENTATIONS), { minLength: 1, maxLength: 12, default: GRID_DEFAULTS.ops }),
  /** Test images (rows of the grid). */
  images: int({ min: 1, max: 32, default: GRID_DEFAULTS.images }),
  /** Augmented draws of each image (columns after the original). */
  n: int({ min: 1, max: 32, default: GRID_DEFAULTS.n }),
  seed: seed({ default: GRID_DEFAULTS.seed }),
});

export type AugmentGridOptions = OptionsOf<typeof GRID_OPTIONS.fields>;
export type AugmentGridConfig = ReturnType<typeof GRID_OPTIONS.resolve>;

/** What {@link augmentGrid} returns: plain JSON; `pixels` is base64 of the grid's bytes, row by row. */
export interface AugmentGridRecord {
  experiment: 'regularizationAugmentGrid';
  options: AugmentGridConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  /** The test images shown (one row each) and their labels (the same in every draw). */
  indices: number[];
  labels: number[];
  classNames: string[];
  /** images × (n + 1) pictures of 32×32×3 bytes: per row the original, then draws 1..n. */
  pixels: string;
  /** Mean |draw − original| per op-free column 0 (0) and per draw, over the images (0–1 units). */
  meanChange: number[];
  meta: { ms: number };
}

/**
 * Real test images next to `n` augmented draws each; see the module comment.
 *
 * @example
 * const r = await nn.regularization.augmentGrid({ ops: ['flip', 'crop'], n: 6 });
 * nn.regularization.showAugmentGrid(r);
 */
export async function augmentGrid(options: AugmentGridOptions = {}, source: AugmentSource = {}): Promise<AugmentGridRecord> {
  const started = performance.now();
  const { config } = GRID_OPTIONS.take(options);
  const test = await loadImages(config.dataset, 'test', source);
  const seeds = seedStream(config.seed);
  const indices = sample(Array.from({ length: test.count }, (_, i) => i), config.images, mulberry32(seeds.derive('images'))).sort((a, b) => a - b);
  const size = 32 * 32 * 3;
  const cols = config.n + 1;
  const pixels = new Uint8Array(config.images * cols * size);
  const meanChange = new Array<number>(cols).fill(0);
  const x = imageBatch(test, indices);
  try {
    const original = batchBytes(x);
    for (let k = 0; k <= config.n; k++) {
      const bytes = k === 0 ? original : tf.tidy(() => batchBytes(augment(x, config.ops, seeds.derive(`draw ${k}`))));
      let change = 0;
      for (let i = 0; i < config.images; i++) {
        pixels.set(bytes.subarray(i * size, (i + 1) * size), (i * cols + k) * size);
        for (let j = i * size; j < (i + 1) * size; j++) change += Math.abs(bytes[j] - original[j]);
      }
      meanChange[k] = change / (config.images * size * 255);
    }
  } finally {
    x.dispose();
  }
  return {
    experiment: 'regularizationAugmentGrid', options: config, ...provenance(), indices, labels: indices.map((i) => test.labels[i]),
    classNames: test.classNames, pixels: Buffer.from(pixels).toString('base64'), meanChange, meta: { ms: performance.now() - started },
  };
}

// ============================================================================ augmentCost

export const COST_DEFAULTS = { dataset: 'cifar-10', batchSize: 128, rounds: 15, warmup: 3, pipeline: DEFAULT_PIPELINE, seed: 0 } as const;
/** Quick mode: 32 images, 3 timed rounds after 1 warm-up. */
export const COST_QUICK = { batchSize: 32, rounds: 3, warmup: 1 } as const;

export const COST_OPTIONS = defineOptions('regularization.augmentCost', {
  dataset: oneOf(AUGMENT_DATASETS, { default: COST_DEFAULTS.dataset }),
  /** Images per batch (the first ones of the test split: only the time matters). */
  batchSize: int({ min: 1, max: 1024, default: COST_DEFAULTS.batchSize }),
  /** Timed rounds; each times every op, the pipeline and one training step, in turn. */
  rounds: int({ min: 1, max: 1000, default: COST_DEFAULTS.rounds }),
  /** Untimed rounds first (kernels compiled, memory allocated). */
  warmup: int({ min: 0, max: 100, default: COST_DEFAULTS.warmup }),
  /** The composed pipeline timed as a whole. */
  pipeline: list(oneOf(AUGMENTATIONS), { minLength: 1, maxLength: 12, default: COST_DEFAULTS.pipeline }),
  seed: seed({ default: COST_DEFAULTS.seed }),
});

export type AugmentCostConfig = ReturnType<typeof COST_OPTIONS.resolve>;
export type AugmentCostOptions = OptionsOf<typeof COST_OPTIONS.fields>;

/** One timed thing: its name and median milliseconds per batch (with min and max over the rounds). */
export interface CostTiming { name: string; ms: number; min: number; max: number; perStep: number }

/** What {@link augmentCost} returns: the timings in `meta.timings` (they differ run to run). */
export interface AugmentCostRecord {
  experiment: 'regularizationAugmentCost';
  options: AugmentCostConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  /** What is timed, in order: every op, then 'pipeline (flip + crop + jitter)', then 'training step'. */
  names: string[];
  meta: { ms: number; timings: CostTiming[] };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Times every op, the pipeline and one small-CNN training step (Adam) on one batch, interleaved.
 *
 * @example
 * const r = await nn.regularization.augmentCost();
 * r.meta.timings.map((t) => [t.name, t.ms])   // ms per batch of 128, 'pipeline (flip + crop + jitter)', 'training step'
 * nn.regularization.showAugmentCost(r);
 */
export async function augmentCost(options: AugmentCostOptions = {}, source: AugmentSource = {}): Promise<AugmentCostRecord> {
  const started = performance.now();
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  const { config, progress } = COST_OPTIONS.take(isObject ? withQuickPreset<AugmentCostOptions>(options, COST_QUICK) : options);
  const images = await loadImages(config.dataset, 'test', source);   // any batch will do; the test split loads 5× faster
  const bar = experimentProgress(progress, { label: 'regularization.augmentCost' });
  const seeds = seedStream(config.seed);
  const x = imageBatch(images, Array.from({ length: config.batchSize }, (_, i) => i));
  const y = tf.tensor1d(Array.from(images.labels.subarray(0, config.batchSize)), 'int32');
  const net = createSmallCnn({ seed: seeds.derive('net') });
  const optimizer = createOptimizer('adam', { lr: 1e-4 });
  const pipelineName = `pipeline (${config.pipeline.join(' + ')})`;
  const names = [...AUGMENTATIONS, pipelineName, 'training step'];
  const run = (name: string, round: number): void => {
    const seed = seeds.derive(`${name} ${round}`);
    if (name === 'training step') {
      const { loss, grads } = net.lossAndGrads(x, y);
      optimizer.apply(net.variables, grads);
      loss.dataSync();
      tf.dispose([loss, ...grads]);
      return;
    }
    const out = name === pipelineName ? augment(x, config.pipeline, seed) : AUGMENT_OPS[name as AugmentName](x, seed, AUGMENT_CONFIG as AugmentConfig);
    out.dataSync();
    out.dispose();
  };
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const total = config.warmup + config.rounds;
  try {
    for (let r = 0; r < total; r++) {
      // interleaved, the order rotated each round: a slow moment of the machine hits every name
      const order = names.map((_, i) => names[(i + r) % names.length]);
      for (const name of order) {
        const t = performance.now();
        run(name, r);
        if (r >= config.warmup) times[name].push(performance.now() - t);
      }
      bar.report({ done: r + 1, total, phase: r < config.warmup ? 'warm-up' : 'timed', metrics: {} });
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    tf.dispose([x, y]);
    net.dispose();
    optimizer.dispose();
    bar.finish();
  }
  const step = median(times['training step']);
  const timings = names.map((name) => ({ name, ms: median(times[name]), min: Math.min(...times[name]), max: Math.max(...times[name]), perStep: median(times[name]) / step }));
  return { experiment: 'regularizationAugmentCost', options: config, ...provenance(), names, meta: { ms: performance.now() - started, timings } };
}
