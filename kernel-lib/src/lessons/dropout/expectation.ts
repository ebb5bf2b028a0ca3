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
import { ArgumentError, checkNumber } from '../../core/errors';
import { ConfigOf, custom, float32Bytes, int, MemoryNeed, oneOf, seed as seedField } from '../../core/options';
import type { ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import { experimentProgress, ExperimentProgress } from '../../show/progress';
import { dropoutStep, DropoutScheme } from './dropout';
import { checkRunTime, droppableUnits, dropoutOptions, exactSeconds, keepProbability, MAX_RUN_SECONDS, monteCarloSeconds } from './options';
import {
  CASE_SCHEMES, checkNetSizes, EXACT_MAX_UNITS, exactExpectation, EXPECTATION_CASE_LABELS, EXPECTATION_CASES, EXPECTATION_PROBES, ExpectationCase,
  ExpectationProbe, expectationSetup, NeuronExpectation, neuronExpectation,
} from './exact';
import { GapAccumulator, maxAbsZ } from './monteCarlo';
import { NetLayer, NetLayer64, disposeNet, disposeNetCache, NetActivation, NET_ACTIVATIONS, NetConfig, netForward64, netForwardStep, netTensors } from './net';

/** Options of {@link expectation}. */
export interface ExpectationOptions {
  /** Keep probability, in (0, 1]. */
  p?: number;
  /** Masks per example (Monte-Carlo samples), 2 to {@link EXPECTATION_MAX_SAMPLES} (1,000,000: about 7 s). */
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

/**
 * Most masks per example: 1,000,000 masks of the default net run in about 7 s (measured 6.4 s on
 * wasm, one thread, an idle machine; 2,000,000 took 14 s idle and 28 s on a busy one, so the
 * limit leaves room for a loaded machine). Every run is also held under 30 s by its estimate
 * (samples x batchSize x the net, and the exact enumeration).
 */
export const EXPECTATION_MAX_SAMPLES = 1_000_000;

/** Throws unless `neuron` is {w: [w1, w2], x: [x, y]} of finite numbers; returns a copy. */
function checkNeuron(name: string, neuron: unknown): ExpectationConfig['neuron'] {
  const n = neuron as { w?: unknown; x?: unknown } | null;
  if (typeof n !== 'object' || n === null || Array.isArray(n) || !Array.isArray(n.w) || !Array.isArray(n.x) || n.w.length !== 2 || n.x.length !== 2) {
    throw new ArgumentError(name, neuron, 'an object {w: [w1, w2], x: [x, y]}');
  }
  const extra = Object.keys(n).find((k) => k !== 'w' && k !== 'x');
  if (extra !== undefined) throw new ArgumentError(`${name}.${extra}`, (n as Record<string, unknown>)[extra], 'left out: the neuron is {w: [w1, w2], x: [x, y]}');
  const w = n.w as unknown[];
  const x = n.x as unknown[];
  return {
    w: [checkNumber(`${name}.w[0]`, w[0], { min: -1e6, max: 1e6 }), checkNumber(`${name}.w[1]`, w[1], { min: -1e6, max: 1e6 })],
    x: [checkNumber(`${name}.x[0]`, x[0], { min: -1e6, max: 1e6 }), checkNumber(`${name}.x[1]`, x[1], { min: -1e6, max: 1e6 })],
  };
}

/** The options of {@link expectation}, declared once (core/options.ts). */
const EXPECTATION_FIELDS = {
  p: keepProbability({ default: EXPECTATION_DEFAULTS.p }),
  samples: int({ min: 2, max: EXPECTATION_MAX_SAMPLES, default: EXPECTATION_DEFAULTS.samples }),
  sizes: custom((_name, v) => checkNetSizes(v), { default: EXPECTATION_DEFAULTS.sizes, bad: [[4, 8, 1], [4, 0, 8, 1], [4, 8, 8, 1e9], [4, 8, 8, 1.5], 'x', 5] }),
  batchSize: int({ min: 1, max: 10_000, default: EXPECTATION_DEFAULTS.batchSize }),
  activation: oneOf(NET_ACTIVATIONS, { default: EXPECTATION_DEFAULTS.activation }),
  neuron: custom(checkNeuron, { default: EXPECTATION_DEFAULTS.neuron, bad: [{ w: [1], x: [1, 2] }, { w: [1, NaN], x: [1, 2] }, { w: [1, 2], x: [1, 2], b: 1 }, [1, 2], 'x'] }),
  seed: seedField(),
};

/**
 * The options of {@link expectation}: kinds and ranges, the run-time estimate (at most 30 s) and
 * the memory estimate are checked before anything runs.
 */
export const EXPECTATION_OPTIONS = dropoutOptions('dropout.expectation', EXPECTATION_FIELDS, {
  rules: (c) => checkExpectationTime(toExpectationConfig(c)),
  memory: (c) => expectationMemory(toExpectationConfig(c)),
});

function toExpectationConfig(c: ConfigOf<typeof EXPECTATION_FIELDS>): ExpectationConfig {
  return { ...c, neuron: { w: [c.neuron.w[0], c.neuron.w[1]], x: [c.neuron.x[0], c.neuron.x[1]] } };
}

/** The estimated seconds of a run: the Monte Carlo over both training schemes and the exact enumeration. */
export function expectationSeconds(c: ExpectationConfig): { monteCarlo: number; exact: number } {
  return {
    monteCarlo: monteCarloSeconds(c.samples, c.batchSize, c.sizes),
    exact: exactSeconds(c.sizes, c.batchSize, 2, EXACT_MAX_UNITS),
  };
}

function checkExpectationTime(c: ExpectationConfig): void {
  const { monteCarlo, exact } = expectationSeconds(c);
  const net = `the ${c.sizes.join('-')} net, batchSize ${c.batchSize}`;
  if (exact > MAX_RUN_SECONDS / 2) {
    checkRunTime('dropout.expectation', monteCarlo + exact, 'sizes', `all 2^${droppableUnits(c.sizes)} masks enumerated for each of ` +
      `${c.batchSize} examples, twice`, `use fewer droppable units or a smaller batchSize`);
  }
  const perMask = monteCarlo / c.samples;
  checkRunTime('dropout.expectation', monteCarlo + exact, 'samples', `${c.samples} masks per example through ${net}`,
    `use at most ${Math.max(2, Math.floor((MAX_RUN_SECONDS - exact) / perMask))} samples here, or a smaller net or batchSize`);
}

/**
 * What a run holds at its peak: the neuron's Monte Carlo in one go (its inputs, uniform draws,
 * masks and outputs: about 13 numbers per mask), then a chunk of masks through the net (the tiled
 * inputs and every layer's z, h, mask and output).
 */
function expectationMemory(c: ExpectationConfig): MemoryNeed[] {
  const neuron = 13 * c.samples;
  const net = 5 * chunkSamples(c) * c.batchSize * c.sizes.reduce((a, b) => a + b, 0);
  return [
    { bytes: float32Bytes(neuron), argument: 'samples', what: `the neuron's ${c.samples} masks at once` },
    { bytes: float32Bytes(net), argument: 'batchSize', what: `${chunkSamples(c)} masks of ${c.batchSize} examples through the ${c.sizes.join('-')} net per chunk` },
  ];
}

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
  return toExpectationConfig(EXPECTATION_OPTIONS.resolve(options));
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
  const { config: resolved, progress } = EXPECTATION_OPTIONS.take(options);
  const config = toExpectationConfig(resolved);
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
      const { out, cache } = dropoutStep(inputs, { p: config.p, scheme: CASE_SCHEMES[scheme].train, training: true, seed });
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
async function probeTensors(X: tf.Tensor2D, params: NetLayer[], options: Omit<NetConfig, 'seed'> & { seed?: number }):
  Promise<Record<ExpectationProbe, Float32Array>> {
  const { scores, cache } = netForwardStep(X, params, { ...options, seed: options.seed ?? null });
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