/**
 * Which kind of dropout is tf.layers.dropout? (lesson 09). Run the tfjs layer and our two
 * implementations on one input and compare:
 *   - test time (`training: false`): vanilla gives p · x, inverted gives x;
 *   - training time, with one seed: our mask is the mask tf.dropout draws for that seed, so the
 *     inverted implementation must reproduce the layer's output exactly (kept values are x / p).
 *
 * Convention mapping: tf.layers.dropout({ rate }) takes the DROP probability, rate = 1 - p, and
 * silently clamps a rate outside [0, 1) to "no dropout" (STYLE.md, trap 4); nnlab's p is the KEEP
 * probability and a bad p is an error. A layer built with a fixed `seed` draws the same mask at
 * every call (trap 3): fine for this comparison, wrong in a training loop.
 *
 * @example
 * const r = await nn.dropout.tfLayersKind({ p: 0.5, seed: 1 });
 * r.kind // 'inverted'
 */
import * as tf from '@tensorflow/tfjs';
import { float32Bytes, int, MemoryNeed, seed as seedField } from '../../core/options';
import type { ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { mulberry32 } from '../../core/rng';
import { experimentProgress } from '../../show/progress';
import { dropoutStep } from './dropout';
import { dropoutOptions, keepProbability } from './options';

/** Options of {@link tfLayersKind}. */
export interface TfLayersKindOptions {
  p?: number;
  /** Rows and columns of the test input X ~ Uniform(0.5, 1.5) (no zeros, so a dropped unit is visible). */
  rows?: number;
  cols?: number;
  seed?: number;
  /** Progress: true, false or ({done, total, phase, metrics}) => void, one unit per mode; never recorded. */
  progress?: ProgressOption;
}

/** The options after defaults and validation. */
export interface TfLayersKindConfig { p: number; rows: number; cols: number; seed: number }

/** Defaults: p = 0.5 on a 100 × 100 input (10,000 units: the kept fraction within ±0.02 at 4 SE). */
export const TF_LAYERS_KIND_DEFAULTS: TfLayersKindConfig = { p: 0.5, rows: 100, cols: 100, seed: 0 };

/** Largest absolute differences between the tfjs layer's output and each implementation. */
export interface ModeComparison { toVanilla: number; toInverted: number }

/** What {@link tfLayersKind} returns: plain JSON. */
export interface TfLayersKindRecord {
  experiment: 'tfDropoutKind';
  options: TfLayersKindConfig;
  /** The rate given to tf.layers.dropout: 1 - p. */
  rate: number;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  /** max |layer - ours| at test time and at training time (same seed). */
  test: ModeComparison;
  train: ModeComparison;
  /** Fraction of units the layer kept in training, and its standard error sqrt(p (1 - p) / n). */
  keptFraction: number;
  keptFractionSe: number;
  /**
   * 'inverted' when the layer matches the inverted implementation exactly in both modes and not the
   * vanilla one, 'vanilla' the other way round, 'both' when it matches both (p = 1: no dropout), else 'neither'.
   */
  kind: 'inverted' | 'vanilla' | 'both' | 'neither';
}

/** The options of {@link tfLayersKind}, declared once (core/options.ts). */
const TF_LAYERS_KIND_FIELDS = {
  p: keepProbability({ default: TF_LAYERS_KIND_DEFAULTS.p }),
  rows: int({ min: 1, max: 10_000, default: TF_LAYERS_KIND_DEFAULTS.rows }),
  cols: int({ min: 1, max: 10_000, default: TF_LAYERS_KIND_DEFAULTS.cols }),
  seed: seedField(),
};

/**
 * What a run holds at its peak: the input, the layer's output, both implementations' outputs with
 * their masks and uniform draws, and the differences: about 12 float32 numbers per unit.
 */
function tfLayersKindMemory(c: TfLayersKindConfig): MemoryNeed {
  const units = c.rows * c.cols;
  return { bytes: float32Bytes(12 * units), argument: c.rows >= c.cols ? 'rows' : 'cols', what: `a ${c.rows} x ${c.cols} input (${units} units), the layer's output and both implementations' outputs and masks` };
}

/** The options of {@link tfLayersKind}: kinds, ranges and the memory estimate, before anything runs. */
export const TF_LAYERS_KIND_OPTIONS = dropoutOptions('dropout.tfLayersKind', TF_LAYERS_KIND_FIELDS, { memory: tfLayersKindMemory });

/** Validates `options` (without `progress`) and fills in the defaults; every error names the option. */
export function resolveTfLayersKindOptions(options: Omit<TfLayersKindOptions, 'progress'> = {}): TfLayersKindConfig {
  return TF_LAYERS_KIND_OPTIONS.resolve(options);
}

/**
 * Runs tf.layers.dropout({rate: 1 - p, seed}) and both implementations in both modes; `kind` says
 * which implementation the layer matches bit for bit. Progress: phase 'test', then 'training'.
 *
 * @example
 * const r = await nn.dropout.tfLayersKind({ p: 0.8, rows: 20, cols: 50, seed: 1 });
 * console.log(r.rate, r.kind); // 0.2 (up to rounding) 'inverted'
 * nn.dropout.showTfLayersKind(r); // rate 0.2: inverted dropout
 */
export async function tfLayersKind(options: TfLayersKindOptions = {}): Promise<TfLayersKindRecord> {
  const { config, progress } = TF_LAYERS_KIND_OPTIONS.take(options);
  const bar = experimentProgress(progress, { label: 'dropout.tfLayersKind' });
  const { p, rows, cols, seed } = config;
  const rate = 1 - p;
  const random = mulberry32(seed);
  const x = tf.tensor2d(Float32Array.from({ length: rows * cols }, () => 0.5 + random()), [rows, cols]);
  const layer = tf.layers.dropout({ rate, seed });
  try {
    const compare = async (training: boolean): Promise<{ diff: ModeComparison; kept: number }> => {
      const [maxVanilla, maxInverted, kept] = tf.tidy(() => {
        const out = layer.apply(x, { training }) as tf.Tensor;
        const ours = {
          vanilla: dropoutStep(x, { p, scheme: 'vanilla', training, seed }).out,
          inverted: dropoutStep(x, { p, scheme: 'inverted', training, seed }).out,
        };
        return [tf.max(tf.abs(tf.sub(out, ours.vanilla))), tf.max(tf.abs(tf.sub(out, ours.inverted))), tf.mean(tf.notEqual(out, 0).toFloat())];
      });
      const values = await Promise.all([maxVanilla, maxInverted, kept].map(async (t) => (await t.data())[0]));
      tf.dispose([maxVanilla, maxInverted, kept]);
      return { diff: { toVanilla: values[0], toInverted: values[1] }, kept: values[2] };
    };
    const test = await compare(false);
    bar.report({ done: 1, total: 2, phase: 'test', metrics: { toVanilla: test.diff.toVanilla, toInverted: test.diff.toInverted } });
    const train = await compare(true);
    bar.report({ done: 2, total: 2, phase: 'training', metrics: { toVanilla: train.diff.toVanilla, toInverted: train.diff.toInverted } });
    const n = rows * cols;
    const matches = (k: keyof ModeComparison) => test.diff[k] === 0 && train.diff[k] === 0;
    return {
      experiment: 'tfDropoutKind', options: config, rate, ...provenance(),
      test: test.diff, train: train.diff, keptFraction: train.kept, keptFractionSe: Math.sqrt(p * (1 - p) / n),
      kind: matches('toInverted') ? (matches('toVanilla') ? 'both' : 'inverted') : matches('toVanilla') ? 'vanilla' : 'neither',
    };
  } finally {
    x.dispose();
    layer.dispose();
    bar.finish();
  }
}
