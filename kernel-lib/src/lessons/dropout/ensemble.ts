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
import { ArgumentError, checkInt, checkKnownKeys, checkOneOf } from '../../core/errors';
import { ProgressOption, takeProgress } from '../../core/progress';
import { provenance } from '../../core/record';
import { checkSeed, seedStream } from '../../core/rng';
import { ExperimentProgress, experimentProgress } from '../../show/progress';
import { checkKeepProbability, DropoutScheme, SCHEMES } from './dropout';
import { checkNetSizes, exactExpectation, expectationSetup } from './exact';
import { disposeNet, disposeNetCache, NetActivation, NET_ACTIVATIONS, netForward, netForward64, netPredict, netTensors } from './net';

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

const OPTION_KEYS = ['p', 'ks', 'repeats', 'sizes', 'batchSize', 'activation', 'scheme', 'seed'] as const;

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

export function resolveEnsembleOptions(options: Omit<EnsembleOptions, 'progress'> = {}): EnsembleConfig {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('options', options, 'an object');
  checkKnownKeys('dropout.ensemble', options, [...OPTION_KEYS, 'progress']);
  const o = { ...ENSEMBLE_DEFAULTS, ...options };
  if (!Array.isArray(o.ks) || o.ks.length === 0) throw new ArgumentError('ks', o.ks, 'a non-empty array of ensemble sizes');
  const ks = o.ks.map((k, i) => checkInt(`ks[${i}]`, k, { min: 1, max: 1_000_000 }));
  ks.forEach((k, i) => { if (i > 0 && k <= ks[i - 1]) throw new ArgumentError('ks', o.ks, 'increasing ensemble sizes'); });
  const config: EnsembleConfig = {
    p: checkKeepProbability('p', o.p),
    ks,
    repeats: checkInt('repeats', o.repeats, { min: 1, max: 100_000 }),
    sizes: checkNetSizes(o.sizes),
    batchSize: checkInt('batchSize', o.batchSize, { min: 1, max: 10_000 }),
    activation: checkOneOf('activation', o.activation, NET_ACTIVATIONS),
    scheme: checkOneOf('scheme', o.scheme, SCHEMES),
    seed: checkSeed('seed', o.seed),
  };
  const total = config.repeats * ks[ks.length - 1];
  if (total > 10_000_000) throw new ArgumentError('repeats', config.repeats, `at most ${Math.floor(10_000_000 / ks[ks.length - 1])} for ks up to ${ks[ks.length - 1]} (10 million masks in all)`);
  return config;
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
  const { options: rest, progress } = takeProgress(options);
  const config = resolveEnsembleOptions(rest);
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
    const testT = netPredict(xs, params, { p, scheme, activation });
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
  const { scores, cache } = netForward(tiled, params, { p: config.p, scheme: config.scheme, training: true, seed, activation: config.activation });
  try {
    return await scores.data() as Float32Array;
  } finally {
    tf.dispose([tiled, scores]);
    disposeNetCache(cache);
  }
}
