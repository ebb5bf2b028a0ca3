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
 * const r = await nn.tfDropoutKind({ p: 0.5, seed: 1 });
 * r.kind // 'inverted'
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt, checkKnownKeys } from '../core/errors';
import { checkSeed, mulberry32 } from '../core/rng';
import { VERSION } from '../version';
import { checkKeepProbability, invertedDropout, vanillaDropout } from './dropout';

export interface TfDropoutKindOptions {
  p?: number;
  /** Rows and columns of the test input X ~ Uniform(0.5, 1.5) (no zeros, so a dropped unit is visible). */
  rows?: number;
  cols?: number;
  seed?: number;
}

export interface TfDropoutKindConfig { p: number; rows: number; cols: number; seed: number }

export const TF_DROPOUT_KIND_DEFAULTS: TfDropoutKindConfig = { p: 0.5, rows: 100, cols: 100, seed: 0 };

/** Largest absolute differences between the tfjs layer's output and each implementation. */
export interface ModeComparison { toVanilla: number; toInverted: number }

export interface TfDropoutKindRecord {
  experiment: 'tfDropoutKind';
  options: TfDropoutKindConfig;
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

export function resolveTfDropoutKindOptions(options: TfDropoutKindOptions = {}): TfDropoutKindConfig {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('options', options, 'an object');
  checkKnownKeys('tfDropoutKind', options, ['p', 'rows', 'cols', 'seed']);
  const o = { ...TF_DROPOUT_KIND_DEFAULTS, ...options };
  return {
    p: checkKeepProbability('p', o.p),
    rows: checkInt('rows', o.rows, { min: 1, max: 10_000 }),
    cols: checkInt('cols', o.cols, { min: 1, max: 10_000 }),
    seed: checkSeed('seed', o.seed),
  };
}

/** Runs tf.layers.dropout({rate: 1 - p, seed}) and both implementations in both modes. */
export async function tfDropoutKind(options: TfDropoutKindOptions = {}): Promise<TfDropoutKindRecord> {
  const config = resolveTfDropoutKindOptions(options);
  const { p, rows, cols, seed } = config;
  const rate = 1 - p;
  const random = mulberry32(seed);
  const x = tf.tensor2d(Float32Array.from({ length: rows * cols }, () => 0.5 + random()), [rows, cols]);
  const layer = tf.layers.dropout({ rate, seed });
  try {
    const compare = async (training: boolean): Promise<{ diff: ModeComparison; kept: number }> => {
      const [maxVanilla, maxInverted, kept] = tf.tidy(() => {
        const out = layer.apply(x, { training }) as tf.Tensor;
        const vanilla = vanillaDropout(x, { p, training, seed });
        const inverted = invertedDropout(x, { p, training, seed });
        return [tf.max(tf.abs(tf.sub(out, vanilla))), tf.max(tf.abs(tf.sub(out, inverted))), tf.mean(tf.notEqual(out, 0).toFloat())];
      });
      const values = await Promise.all([maxVanilla, maxInverted, kept].map(async (t) => (await t.data())[0]));
      tf.dispose([maxVanilla, maxInverted, kept]);
      return { diff: { toVanilla: values[0], toInverted: values[1] }, kept: values[2] };
    };
    const test = await compare(false);
    const train = await compare(true);
    const n = rows * cols;
    const matches = (k: keyof ModeComparison) => test.diff[k] === 0 && train.diff[k] === 0;
    return {
      experiment: 'tfDropoutKind', options: config, rate, backend: tf.getBackend(), versions: { nnlab: VERSION, tfjs: tf.version.tfjs },
      test: test.diff, train: train.diff, keptFraction: train.kept, keptFractionSe: Math.sqrt(p * (1 - p) / n),
      kind: matches('toInverted') ? (matches('toVanilla') ? 'both' : 'inverted') : matches('toVanilla') ? 'vanilla' : 'neither',
    };
  } finally {
    x.dispose();
    layer.dispose();
  }
}
