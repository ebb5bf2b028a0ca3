/**
 * Dropout as an ensemble (lesson 09): a net with n droppable units holds 2^n "thinned" networks
 * that share its weights; each training step trains one of them. Averaging the outputs of k
 * random thinned networks (k masks) estimates the ensemble's average output, with an error that
 * shrinks like σ/√k. The test-time rule replaces that average by one pass.
 *
 *   ensemble_k(x) = (1/k) Σ_{i=1..k} f(x; mask_i)
 *   E[(ensemble_k - target)²] = (E[f] - target)² + Var[f] / k
 *
 * So the error to the exact ensemble mean E[f] (all 2^n masks enumerated) falls like 1/√k
 * towards zero, while the error to the test-time output levels off at |E[f] - test|: zero for a
 * linear net, the ReLU approximation gap otherwise (see expectation).
 *
 * @example
 * const r = await nn.dropout.ensemble({ p: 0.5, seed: 0 });
 * r.toExact // falls like 1/sqrt(k); r.toTest levels off at r.floor
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../../core/errors';
import { custom, float32Bytes, int, list, MemoryNeed, oneOf, seed as seedField } from '../../core/options';
import type { ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import { ExperimentProgress, experimentProgress } from '../../show/progress';
import { DropoutScheme, SCHEMES } from './dropout';
import { checkNetSizes, EXACT_MAX_UNITS, exactExpectation, expectationSetup } from './exact';
import { checkRunTime, droppableUnits, dropoutOptions, exactSeconds, keepProbability, MAX_RUN_SECONDS, monteCarloSeconds } from './options';
import { disposeNet, disposeNetCache, NetActivation, NET_ACTIVATIONS, netForward64, netForwardStep, netPredictStep, netTensors } from './net';

/** Options of {@link ensemble}. */
export interface EnsembleOptions {
  p?: number;
  /** Ensemble sizes, increasing integers >= 1. */
  ks?: readonly number[];
  /** Independent ensembles per size (the squared errors are averaged over them). */
  repeats?: number;
  sizes?: readonly number[];
  batchSize?: number;
  activation?: NetActivation;
  scheme?: DropoutScheme;
  seed?: number;
  /** Live progress: true, false or ({done, total, phase, metrics}) => void, done counting masks; never recorded. */
  progress?: ProgressOption;
}

/** The options after defaults and validation. */
export interface EnsembleConfig {
  p: number;
  ks: number[];
  repeats: number;
  sizes: number[];
  batchSize: number;
  activation: NetActivation;
  scheme: DropoutScheme;
  seed: number;
}

/** Defaults: the network and batch of expectation's defaults, k = 1, 2, 4, ..., 4096, 16 repeats. */
export const ENSEMBLE_DEFAULTS: EnsembleConfig = {
  p: 0.5, ks: Array.from({ length: 13 }, (_, i) => 2 ** i), repeats: 16, sizes: [4, 8, 8, 1], batchSize: 8,
  activation: 'relu', scheme: 'inverted', seed: 0,
};

/** Most masks in a run, repeats x max(ks): 10 million (and the run-time estimate, 30 s, applies too). */
export const ENSEMBLE_MAX_MASKS = 10_000_000;

/** The options of {@link ensemble}, declared once (core/options.ts). */
const ENSEMBLE_FIELDS = {
  p: keepProbability({ default: ENSEMBLE_DEFAULTS.p }),
  ks: list(int({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 64, unique: true, default: ENSEMBLE_DEFAULTS.ks }),
  repeats: int({ min: 1, max: 100_000, default: ENSEMBLE_DEFAULTS.repeats }),
  sizes: custom((_name, v) => checkNetSizes(v), { default: ENSEMBLE_DEFAULTS.sizes, bad: [[4, 8, 1], [4, 0, 8, 1], [4, 8, 8, 1e9], 'x', 5] }),
  batchSize: int({ min: 1, max: 10_000, default: ENSEMBLE_DEFAULTS.batchSize }),
  activation: oneOf(NET_ACTIVATIONS, { default: ENSEMBLE_DEFAULTS.activation }),
  scheme: oneOf(SCHEMES, { default: ENSEMBLE_DEFAULTS.scheme }),
  seed: seedField(),
};

/**
 * The options of {@link ensemble}: kinds and ranges, increasing ks, at most 10 million masks, the
 * run-time estimate (at most 30 s) and the memory estimate, before anything runs.
 */
export const ENSEMBLE_OPTIONS = dropoutOptions('dropout.ensemble', ENSEMBLE_FIELDS, {
  rules(c, given) {
    c.ks.forEach((k, i) => { if (i > 0 && k <= c.ks[i - 1]) throw new ArgumentError('ks', given.ks, 'increasing ensemble sizes'); });
    const kMax = c.ks[c.ks.length - 1];
    if (c.repeats * kMax > ENSEMBLE_MAX_MASKS) {
      throw new ArgumentError('repeats', c.repeats, `at most ${Math.floor(ENSEMBLE_MAX_MASKS / kMax)} for ks up to ${kMax} (10 million masks in all)`);
    }
    const units = droppableUnits(c.sizes);
    const exact = exactSeconds(c.sizes, c.batchSize, 1, EXACT_MAX_UNITS);
    const masks = c.repeats * kMax;
    const mc = monteCarloSeconds(masks, c.batchSize, c.sizes, 2.5);
    if (exact > MAX_RUN_SECONDS / 2) {
      checkRunTime('dropout.ensemble', mc + exact, 'sizes', `all 2^${units} masks enumerated for each of ${c.batchSize} examples`,
        'use fewer droppable units or a smaller batchSize');
    }
    checkRunTime('dropout.ensemble', mc + exact, 'repeats', `${c.repeats} repeats x ${kMax} masks of ${c.batchSize} examples through the ${c.sizes.join('-')} net`,
      `use at most ${Math.max(1, Math.floor((MAX_RUN_SECONDS - exact) / (mc / masks) / kMax))} repeats here, or smaller ks, net or batchSize`);
  },
  memory: (c) => ensembleMemory(c),
});

/** What a run holds at its peak: a chunk of masks through the net (tiled inputs, every layer's z, h, mask and output). */
function ensembleMemory(c: EnsembleConfig): MemoryNeed {
  const chunk = Math.max(1, Math.floor(2 ** 20 / (c.batchSize * Math.max(...c.sizes))));
  return {
    bytes: float32Bytes(5 * chunk * c.batchSize * c.sizes.reduce((a, b) => a + b, 0)), argument: 'batchSize',
    what: `${chunk} masks of ${c.batchSize} examples through the ${c.sizes.join('-')} net per chunk`,
  };
}

/** What {@link ensemble} returns: plain JSON. */
export interface EnsembleRecord {
  experiment: 'dropoutEnsemble';
  options: EnsembleConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  /** Droppable units and thinned networks (2^units). */
  units: number;
  thinnedNetworks: number;
  ks: number[];
  /** RMS over outputs and repeats of ensemble_k - test-time output. */
  toTest: number[];
  /** RMS of ensemble_k - exact ensemble mean; null when the net is too big to enumerate. */
  toExact: number[] | null;
  /** The Monte-Carlo noise alone, sqrt(mean Var[f] / k), Var from all masks drawn. */
  noise: number[];
  /** RMS of exact ensemble mean - test-time output (float64): where toTest levels off; null when not enumerable. */
  floor: number | null;
  meta: { ms: number };
}

/** Validates `options` (without `progress`) and fills in the defaults; every error names the option. */
export function resolveEnsembleOptions(options: Omit<EnsembleOptions, 'progress'> = {}): EnsembleConfig {
  return ENSEMBLE_OPTIONS.resolve(options);
}

/**
 * Runs the experiment: repeats × max(ks) masks per example, drawn in chunks (each its own
 * sub-seed); for each repeat the running mean of the outputs is compared, at every k in ks, with
 * the test-time output and with the exact ensemble mean. Progress counts the masks drawn.
 *
 * @example
 * const r = await nn.dropout.ensemble({ p: 0.5, ks: [1, 4, 16, 64], repeats: 4, seed: 1 });
 * console.log(r.toExact); // falls like 1/sqrt(k): about [1.4, 0.6, 0.35, 0.23]
 * console.log(r.toTest, r.floor); // levels off towards the floor |E[f] - test| (0.24 here: a ReLU net, not 0)
 * nn.dropout.showEnsemble(r);
 */
export async function ensemble(options: EnsembleOptions = {}): Promise<EnsembleRecord> {
  const { config, progress } = ENSEMBLE_OPTIONS.take(options);
  const bar = experimentProgress(progress, { label: 'dropout.ensemble' });
  try {
    return await run(config, bar);
  } finally {
    bar.finish();
  }
}

async function run(config: EnsembleConfig, bar: ExperimentProgress): Promise<EnsembleRecord> {
  const start = performance.now();
  const { p, scheme, activation } = config;
  const { params: params64, X } = expectationSetup(config);
  const exactRows = X.map((x) => exactExpectation(x, params64, { p, scheme, activation }));
  const exact = exactRows.some((r) => r === null) ? null : exactRows.flatMap((r) => r!.output);
  const test64 = X.flatMap((x) => netForward64(x, params64, { p, scheme, training: false, activation }).scores);
  const params = netTensors(params64);
  const xs = tf.tensor2d(X);
  try {
    const testT = netPredictStep(xs, params, { p, scheme, activation });
    const test = Array.from(await testT.data());
    testT.dispose();
    const errors = await ensembleErrors(config, xs, params, [test, exact], seedStream(config.seed).fork('masks'), bar);
    const units = config.sizes.slice(1, -1).reduce((a, b) => a + b, 0);
    return {
      experiment: 'dropoutEnsemble', options: config, ...provenance(),
      units, thinnedNetworks: 2 ** units, ks: config.ks,
      toTest: errors.rms[0], toExact: exact ? errors.rms[1] : null,
      noise: config.ks.map((k) => Math.sqrt(errors.meanVariance / k)),
      floor: exact ? Math.sqrt(exact.reduce((s, e, i) => s + (e - test64[i]) ** 2, 0) / exact.length) : null,
      meta: { ms: performance.now() - start },
    };
  } finally {
    xs.dispose();
    disposeNet(params);
  }
}

/** RMS errors of the running means against each target at every k, and the mean per-output variance. */
async function ensembleErrors(config: EnsembleConfig, xs: tf.Tensor2D, params: ReturnType<typeof netTensors>,
  targets: (number[] | null)[], seeds: ReturnType<typeof seedStream>, bar: ExperimentProgress): Promise<{ rms: number[][]; meanVariance: number }> {
  const kMax = config.ks[config.ks.length - 1];
  const total = config.repeats * kMax;
  const entries = config.batchSize * config.sizes[config.sizes.length - 1];
  const chunk = Math.max(1, Math.floor(2 ** 20 / (config.batchSize * Math.max(...config.sizes))));
  const running = new Float64Array(entries);
  const sq = targets.map(() => new Float64Array(config.ks.length));
  const sum = new Float64Array(entries);
  const sumSq = new Float64Array(entries);
  for (let t = 0; t < total;) {
    const S = Math.min(chunk, total - t);
    const values = await outputs(config, xs, params, S, seeds.next());
    for (let s = 0; s < S; s++, t++) {
      const k = (t % kMax) + 1;
      if (k === 1) running.fill(0);
      for (let i = 0; i < entries; i++) {
        const v = values[s * entries + i];
        running[i] += v;
        sum[i] += v;
        sumSq[i] += v * v;
      }
      const at = config.ks.indexOf(k);
      if (at < 0) continue;
      targets.forEach((target, j) => {
        if (!target) return;
        for (let i = 0; i < entries; i++) sq[j][at] += (running[i] / k - target[i]) ** 2;
      });
    }
    bar.report({ done: t, total, phase: 'masks', metrics: { masks: t } });
  }
  let variance = 0;
  for (let i = 0; i < entries; i++) variance += (sumSq[i] - sum[i] * sum[i] / total) / (total - 1);
  return {
    rms: sq.map((s) => Array.from(s, (v) => Math.sqrt(v / (config.repeats * entries)))),
    meanVariance: variance / entries,
  };
}

/** Training-time outputs of S masks per example, row-major [sample, example, output]. */
async function outputs(config: EnsembleConfig, xs: tf.Tensor2D, params: ReturnType<typeof netTensors>,
  S: number, seed: number): Promise<Float32Array> {
  const tiled = tf.tidy(() => tf.tile(xs, [S, 1])) as tf.Tensor2D;
  const { scores, cache } = netForwardStep(tiled, params, { p: config.p, scheme: config.scheme, training: true, seed, activation: config.activation });
  try {
    return await scores.data() as Float32Array;
  } finally {
    tf.dispose([tiled, scores]);
    disposeNetCache(cache);
  }
}
