/**
 * Why dropout's test-time rule is what it is (lesson 09): the expected training-time output
 * should equal the test-time output. Measured by Monte Carlo (many masks, with standard errors)
 * and computed exactly (all masks enumerated), for three schemes:
 *   (a) vanilla:             train x ⊙ U,      test p · x
 *   (b) vanilla, forgotten:  train x ⊙ U,      test x        (the bug: test-time scaling left out)
 *   (c) inverted:            train x ⊙ U / p,  test x
 *
 * The lecture's neuron a = w1·x + w2·y with its two inputs dropped (keep p):
 *   E[a_train] = Σ over the 4 masks P(mask) · a(mask) = p · (w1·x + w2·y)
 * so with p = 0.5 the expected training output is half the unscaled test output: (b) is off by a
 * factor p, (a) and (c) match exactly.
 *
 * In the lecture's 3-layer net (ReLU, two dropout points) the identity is exact for whatever is
 * affine in the masks: the pre-activations right after the first dropout point,
 * z2 = drop(h1) · W2 + b2 (probe 'first'), and everything in a linear net. After the next ReLU it
 * is not: E[max(0, z2)] ≥ max(0, E[z2]) (Jensen; strict where z2 changes sign across masks), so
 * h2 = max(0, z2) (probe 'hidden') and the output (probe 'output') have a training-time mean that
 * measurably differs from the test-time value: there the test-time rule approximates the ensemble
 * average of the thinned networks, it does not equal it.
 *
 * The exact side (cases, probes, enumeration) is exact.ts; the Monte-Carlo statistics are
 * monteCarlo.ts. Records are plain JSON with resolved options, backend and versions; timing in
 * `meta`.
 *
 * @example
 * const r = await nn.dropout.expectation({ p: 0.5, samples: 20000, seed: 0 });
 * r.cases.find((c) => c.scheme === 'inverted').probes.first.maxZ // < 5: equal within Monte-Carlo noise
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt, checkKnownKeys, checkNumber, checkOneOf } from '../../core/errors';
import { ProgressOption, takeProgress } from '../../core/progress';
import { provenance } from '../../core/record';
import { checkSeed, seedStream } from '../../core/rng';
import { experimentProgress, ExperimentProgress } from '../../show/progress';
import { checkKeepProbability, forward, DropoutScheme } from './dropout';
import {
  CASE_SCHEMES, checkNetSizes, exactExpectation, EXPECTATION_CASE_LABELS, EXPECTATION_CASES, EXPECTATION_PROBES, ExpectationCase,
  ExpectationProbe, expectationSetup, NeuronExpectation, neuronExpectation,
} from './exact';
import { GapAccumulator, maxAbsZ } from './monteCarlo';
import { NetLayer, NetLayer64, disposeNet, disposeNetCache, NetActivation, NET_ACTIVATIONS, netForward, netForward64, netTensors } from './net';

/** Options of {@link expectation}. */
export interface ExpectationOptions {
  /** Keep probability, in (0, 1]. */
  p?: number;
  /** Masks per example (Monte-Carlo samples), >= 2. */
  samples?: number;
  /** Layer sizes [D, H1, H2, ..., C], at least two hidden layers. */
  sizes?: readonly number[];
  /** Examples in the input batch X ~ N(0, 1). */
  batchSize?: number;
  activation?: NetActivation;
  /** The two-input neuron: weights [w1, w2] and input [x, y]. */
  neuron?: { w: readonly [number, number]; x: readonly [number, number] };
  seed?: number;
  /** Live progress: true, false or ({done, total, phase, metrics}) => void (core/progress.ts); never recorded. */
  progress?: ProgressOption;
}

/** The options after defaults and validation. */
export interface ExpectationConfig {
  p: number;
  samples: number;
  sizes: number[];
  batchSize: number;
  activation: NetActivation;
  neuron: { w: [number, number]; x: [number, number] };
  seed: number;
}

/** Defaults: the classic p = 0.5, 20,000 masks, a 4-8-8-1 net (16 droppable units: 65,536 thinned networks, enumerable). */
export const EXPECTATION_DEFAULTS: ExpectationConfig = {
  p: 0.5, samples: 20_000, sizes: [4, 8, 8, 1], batchSize: 8, activation: 'relu',
  neuron: { w: [2, 1], x: [1, 3] }, seed: 0,
};

const OPTION_KEYS = ['p', 'samples', 'sizes', 'batchSize', 'activation', 'neuron', 'seed'] as const;

/** Monte-Carlo and exact statistics of one probe under one case. Arrays are row-major [example, unit]. */
export interface ProbeStats {
  probe: ExpectationProbe;
  /** Mean over the masks of the training-time value. */
  trainMean: number[];
  /** The test-time value (the library's float32 predict pass). */
  test: number[];
  /** The exact training-time expectation (all masks enumerated, float64), or null when too many units. */
  exact: number[] | null;
  /** Standard error of each trainMean: sample std / sqrt(samples). */
  se: number[];
  /** The gap in one number: mean over entries of (trainMean - test), and its standard error. */
  gap: number;
  gapSe: number;
  /** max over entries of |trainMean - test| / se: under the identity E = test, rarely above 5. */
  maxZ: number | null;
  /** max over entries of |trainMean - exact| / se: the Monte Carlo agrees with the enumeration. */
  maxZExact: number | null;
  /** max over entries of |exact - test| in float64 (test from the float64 twin): 0 up to rounding where the identity holds. */
  maxExactGap: number | null;
  /** min over entries of (exact - test), float64: >= 0 after a ReLU (Jensen). */
  minExactGap: number | null;
  /** max over entries of |test|: the scale to judge the gaps against. */
  scale: number;
}

/** One case: its label and the statistics at each probe. */
export interface ExpectationCaseRecord {
  scheme: ExpectationCase;
  label: string;
  probes: Record<ExpectationProbe, ProbeStats>;
}


/** The neuron by Monte Carlo. */
export interface NeuronMonteCarlo { scheme: ExpectationCase; trainMean: number; se: number; test: number; exact: number; z: number }

/** What {@link expectation} returns: plain JSON. */
export interface ExpectationRecord {
  experiment: 'dropoutExpectation';
  options: ExpectationConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  /** Droppable units (sum of the hidden widths) and the number of thinned networks, 2^units. */
  units: number;
  thinnedNetworks: number;
  /** The network's parameters (float32 values) and the input batch, so the record explains itself. */
  params: NetLayer64[];
  X: number[][];
  cases: ExpectationCaseRecord[];
  neuron: { exact: NeuronExpectation; monteCarlo: NeuronMonteCarlo[] };
  meta: { ms: number };
}

/** Validates options and fills in defaults; every error names the option. */
export function resolveExpectationOptions(options: Omit<ExpectationOptions, 'progress'> = {}): ExpectationConfig {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('options', options, 'an object');
  checkKnownKeys('dropout.expectation', options, [...OPTION_KEYS, 'progress']);
  const o = { ...EXPECTATION_DEFAULTS, ...options };
  const sizes = checkNetSizes(o.sizes);
  const neuron = o.neuron;
  if (typeof neuron !== 'object' || neuron === null || !Array.isArray(neuron.w) || !Array.isArray(neuron.x) ||
    neuron.w.length !== 2 || neuron.x.length !== 2) {
    throw new ArgumentError('neuron', neuron, 'an object {w: [w1, w2], x: [x, y]}');
  }
  return {
    p: checkKeepProbability('p', o.p),
    samples: checkInt('samples', o.samples, { min: 2, max: 10_000_000 }),
    sizes,
    batchSize: checkInt('batchSize', o.batchSize, { min: 1, max: 10_000 }),
    activation: checkOneOf('activation', o.activation, NET_ACTIVATIONS),
    neuron: {
      w: [checkNumber('neuron.w[0]', neuron.w[0]), checkNumber('neuron.w[1]', neuron.w[1])],
      x: [checkNumber('neuron.x[0]', neuron.x[0]), checkNumber('neuron.x[1]', neuron.x[1])],
    },
    seed: checkSeed('seed', o.seed),
  };
}

/** The values a probe reads from the float64 twin's layers. */
function probeValues64(v: ReturnType<typeof netForward64>, probe: ExpectationProbe): number[] {
  return probe === 'first' ? v.z[1] : probe === 'hidden' ? v.h[1] : v.scores;
}


/**
 * Runs the experiment: the neuron (exact and Monte Carlo), then the 3-layer net: for each case and
 * probe the Monte-Carlo mean of the training-time value over `samples` masks per example (each
 * chunk of masks with its own sub-seed), the test-time value, the exact expectation, the gaps and
 * their standard errors. (a) and (b) share their training-time masks and values (the bug is only
 * at test time); (c) uses the same masks, divided by p. Progress: one unit for the neuron, one per
 * chunk of masks (phase 'net: masks'), one for the enumeration (phase 'net: exact').
 *
 * @example
 * const r = await nn.dropout.expectation({ p: 0.5, samples: 2000, seed: 1 });
 * console.log(r.units, r.thinnedNetworks); // 16 65536: the 4-8-8-1 net, enumerated exactly
 * console.log(r.cases.map((c) => [c.scheme, c.probes.first.maxZ])); // below 5 (no gap) for vanilla and inverted; about 60 for vanillaForgot
 * nn.dropout.showNeuron(r);      // the four masks of the lecture's neuron
 * nn.dropout.showExpectation(r); // the gaps in the 3-layer net
 */
export async function expectation(options: ExpectationOptions = {}): Promise<ExpectationRecord> {
  const { options: rest, progress } = takeProgress(options);
  const config = resolveExpectationOptions(rest);
  const start = performance.now();
  const bar = experimentProgress(progress, { label: 'dropout.expectation' });
  try {
    const total = 2 + Math.ceil(config.samples / chunkSamples(config));
    const seeds = seedStream(config.seed);
    const neuron = await neuronMonteCarlo(config, seeds.derive('neuron'));
    bar.report({ done: 1, total, phase: 'neuron', metrics: { masks: config.samples } });
    const { params: params64, X } = expectationSetup(config);
    const params = netTensors(params64);
    try {
      const cases = await netCases(config, params64, params, X, seeds.fork('masks'), { bar, total });
      const units = config.sizes.slice(1, -1).reduce((a, b) => a + b, 0);
      return {
        experiment: 'dropoutExpectation', options: config, ...provenance(), units, thinnedNetworks: 2 ** units,
        params: params64, X, cases, neuron, meta: { ms: performance.now() - start },
      };
    } finally {
      disposeNet(params);
    }
  } finally {
    bar.finish();
  }
}

/** The neuron by Monte Carlo: `samples` masks on its two inputs, one sub-seed for all of them. */
async function neuronMonteCarlo(config: ExpectationConfig, seed: number): Promise<ExpectationRecord['neuron']> {
  const exact = neuronExpectation({ ...config.neuron, p: config.p });
  const S = config.samples;
  const monteCarlo: NeuronMonteCarlo[] = [];
  for (const scheme of EXPECTATION_CASES) {
    const a = tf.tidy(() => {
      const inputs = tf.tile(tf.tensor2d([config.neuron.x], [1, 2]), [S, 1]);
      const { out, cache } = forward(inputs, { p: config.p, scheme: CASE_SCHEMES[scheme].train, training: true, seed });
      cache.multiplier.dispose();
      return tf.matMul(out, tf.tensor2d(config.neuron.w, [2, 1]));
    });
    const values = await a.data() as Float32Array;
    a.dispose();
    const acc = new GapAccumulator(1);
    const test = exact.test[scheme];
    acc.add(values, [test], S);
    const { gap, se } = acc.result();
    const trainMean = test + gap[0];
    monteCarlo.push({ scheme, trainMean, se: se[0], test, exact: exact.trainExpectation[scheme], z: se[0] > 0 ? gap[0] / se[0] : 0 });
  }
  return { exact, monteCarlo };
}

/** Masks per chunk: at most about 2^20 numbers per tensor. */
function chunkSamples(config: ExpectationConfig): number {
  const widest = Math.max(...config.sizes);
  return Math.max(1, Math.min(config.samples, Math.floor(2 ** 20 / (config.batchSize * widest))));
}

/** The net's cases: Monte Carlo chunk by chunk (progress units 2 .. total - 1), then the exact enumeration (the last unit). */
async function netCases(config: ExpectationConfig, params64: NetLayer64[], params: NetLayer[],
  X: number[][], seeds: ReturnType<typeof seedStream>, progress: { bar: ExperimentProgress; total: number }): Promise<ExpectationCaseRecord[]> {
  const { p, activation } = config;
  const xs = tf.tensor2d(X);
  try {
    const test = {
      vanilla: await probeTensors(xs, params, { p, scheme: 'vanilla', training: false, activation }),
      inverted: await probeTensors(xs, params, { p, scheme: 'inverted', training: false, activation }),
    };
    const testOf = (c: ExpectationCase) => test[CASE_SCHEMES[c].test];
    const testValues = (c: ExpectationCase, probe: ExpectationProbe) => Array.from(testOf(c)[probe]);
    const acc = Object.fromEntries(EXPECTATION_CASES.map((c) => [c, Object.fromEntries(EXPECTATION_PROBES.map((probe) =>
      [probe, new GapAccumulator(testOf(c)[probe].length)]))])) as Record<ExpectationCase, Record<ExpectationProbe, GapAccumulator>>;
    const chunk = chunkSamples(config);
    const { bar, total } = progress;
    for (let done = 0, unit = 2; done < config.samples; done += chunk, unit++) {
      const S = Math.min(chunk, config.samples - done);
      const seed = seeds.next();
      const tiled = tf.tidy(() => tf.tile(xs, [S, 1])) as tf.Tensor2D;
      try {
        for (const scheme of ['vanilla', 'inverted'] as const) {
          const values = await probeTensors(tiled, params, { p, scheme, training: true, seed, activation });
          const cases = EXPECTATION_CASES.filter((c) => CASE_SCHEMES[c].train === scheme);
          for (const c of cases) for (const probe of EXPECTATION_PROBES) acc[c][probe].add(values[probe], testValues(c, probe), S);
        }
      } finally {
        tiled.dispose();
      }
      bar.report({ done: unit, total, phase: 'net: masks', metrics: { masks: done + S } });
    }
    const exact = {
      vanilla: exactBatch(X, params64, p, 'vanilla', activation),
      inverted: exactBatch(X, params64, p, 'inverted', activation),
    };
    const test64 = {
      vanilla: testBatch64(X, params64, p, 'vanilla', activation),
      inverted: testBatch64(X, params64, p, 'inverted', activation),
    };
    bar.report({ done: total, total, phase: 'net: exact', metrics: { masks: config.samples } });
    return EXPECTATION_CASES.map((c) => {
      const { train, test: testScheme } = CASE_SCHEMES[c];
      const probes = Object.fromEntries(EXPECTATION_PROBES.map((probe) => [probe, probeStats(probe, acc[c][probe],
        testValues(c, probe), exact[train]?.[probe] ?? null, test64[testScheme][probe])])) as Record<ExpectationProbe, ProbeStats>;
      return { scheme: c, label: EXPECTATION_CASE_LABELS[c], probes };
    });
  } finally {
    xs.dispose();
  }
}

function probeStats(probe: ExpectationProbe, acc: GapAccumulator, test: number[], exact: number[] | null, test64: number[]): ProbeStats {
  const { gap, se, meanGap, meanGapSe } = acc.result();
  const trainMean = test.map((t, i) => t + gap[i]);
  const exactGaps = exact ? exact.map((e, i) => e - test64[i]) : null;
  return {
    probe, trainMean, test, exact, se, gap: meanGap, gapSe: meanGapSe,
    maxZ: maxAbsZ(gap, se),
    maxZExact: exact ? maxAbsZ(trainMean.map((m, i) => m - exact[i]), se) : null,
    maxExactGap: exactGaps ? Math.max(...exactGaps.map(Math.abs)) : null,
    minExactGap: exactGaps ? Math.min(...exactGaps) : null,
    scale: Math.max(...test.map(Math.abs)),
  };
}

/** The probes' values of a forward pass, read back as float32 arrays (row-major [row, unit]). */
async function probeTensors(X: tf.Tensor2D, params: NetLayer[], options: Parameters<typeof netForward>[2]):
  Promise<Record<ExpectationProbe, Float32Array>> {
  const { scores, cache } = netForward(X, params, options);
  try {
    const h2 = cache.hidden[1];
    return {
      first: await h2.z.data() as Float32Array,
      hidden: await h2.h.data() as Float32Array,
      output: await scores.data() as Float32Array,
    };
  } finally {
    scores.dispose();
    disposeNetCache(cache);
  }
}

/** Exact expectations for the batch, flattened row-major per probe; null when not enumerable. */
function exactBatch(X: number[][], params64: NetLayer64[], p: number, scheme: DropoutScheme,
  activation: NetActivation): Record<ExpectationProbe, number[]> | null {
  const rows = X.map((x) => exactExpectation(x, params64, { p, scheme, activation }));
  if (rows.some((r) => r === null)) return null;
  return Object.fromEntries(EXPECTATION_PROBES.map((probe) => [probe, rows.flatMap((r) => r![probe])])) as Record<ExpectationProbe, number[]>;
}

/** Test-time values of the float64 twin, flattened row-major per probe. */
function testBatch64(X: number[][], params64: NetLayer64[], p: number, scheme: DropoutScheme,
  activation: NetActivation): Record<ExpectationProbe, number[]> {
  const rows = X.map((x) => netForward64(x, params64, { p, scheme, training: false, activation }));
  return Object.fromEntries(EXPECTATION_PROBES.map((probe) => [probe, rows.flatMap((v) => probeValues64(v, probe))])) as Record<ExpectationProbe, number[]>;
}