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
 * Records are plain JSON with resolved options, backend and versions; timing in `meta`.
 *
 * @example
 * const r = await nn.dropoutExpectation({ p: 0.5, samples: 20000, seed: 0 });
 * r.cases.find((c) => c.scheme === 'inverted').probes.first.maxZ // < 5: equal within Monte-Carlo noise
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt, checkKnownKeys, checkNumber, checkOneOf } from '../core/errors';
import { checkSeed, mulberry32, randomNormal, seedStream } from '../core/rng';
import { VERSION } from '../version';
import { checkKeepProbability, dropoutForward, DropoutScheme } from './dropout';
import {
  affine64, DropoutNetLayer, DropoutNetLayer64, disposeDropoutNet, disposeDropoutNetCache, DropoutNetActivation, DROPOUT_NET_ACTIVATIONS,
  dropoutNetForward, dropoutNetForward64, dropoutNetParams64, dropoutNetTensors,
} from './dropoutNet';

/** The three cases of the lesson: how training and test time are paired. */
export const EXPECTATION_CASES = ['vanilla', 'vanillaForgot', 'inverted'] as const;
export type ExpectationCase = typeof EXPECTATION_CASES[number];

/** What each case means, for tables and figures. */
export const EXPECTATION_CASE_LABELS: Readonly<Record<ExpectationCase, string>> = {
  vanilla: '(a) vanilla: train x·U, test p·x',
  vanillaForgot: '(b) vanilla, test-time scaling forgotten: train x·U, test x',
  inverted: '(c) inverted: train x·U/p, test x',
};

/** The training-time scheme and the test-time scheme of each case. */
const CASE_SCHEMES: Readonly<Record<ExpectationCase, { train: DropoutScheme; test: DropoutScheme }>> = {
  vanilla: { train: 'vanilla', test: 'vanilla' },
  vanillaForgot: { train: 'vanilla', test: 'inverted' }, // inverted's test rule is "do nothing"
  inverted: { train: 'inverted', test: 'inverted' },
};

/** Where in the 3-layer net the expectation is compared. */
export const EXPECTATION_PROBES = ['first', 'hidden', 'output'] as const;
export type ExpectationProbe = typeof EXPECTATION_PROBES[number];

export const EXPECTATION_PROBE_LABELS: Readonly<Record<ExpectationProbe, string>> = {
  first: 'z2 = drop(h1)·W2 + b2 (right after the first dropout: affine in the mask)',
  hidden: 'h2 = max(0, z2) (after the next ReLU)',
  output: 'scores (the network output, both dropout points)',
};

/** At most this many droppable units for the exact expectation (2^n thinned networks). */
export const EXACT_MAX_UNITS = 20;

/** Options of {@link dropoutExpectation}. */
export interface DropoutExpectationOptions {
  /** Keep probability, in (0, 1]. */
  p?: number;
  /** Masks per example (Monte-Carlo samples), >= 2. */
  samples?: number;
  /** Layer sizes [D, H1, H2, ..., C], at least two hidden layers. */
  sizes?: readonly number[];
  /** Examples in the input batch X ~ N(0, 1). */
  batchSize?: number;
  activation?: DropoutNetActivation;
  /** The two-input neuron: weights [w1, w2] and input [x, y]. */
  neuron?: { w: readonly [number, number]; x: readonly [number, number] };
  seed?: number;
}

/** The options after defaults and validation. */
export interface DropoutExpectationConfig {
  p: number;
  samples: number;
  sizes: number[];
  batchSize: number;
  activation: DropoutNetActivation;
  neuron: { w: [number, number]; x: [number, number] };
  seed: number;
}

/** Defaults: the classic p = 0.5, 20,000 masks, a 4-8-8-1 net (16 droppable units: 65,536 thinned networks, enumerable). */
export const DROPOUT_EXPECTATION_DEFAULTS: DropoutExpectationConfig = {
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

/** The two-input neuron, exactly. */
export interface NeuronExpectation {
  w: [number, number];
  x: [number, number];
  p: number;
  /** The four masks, their probabilities and the vanilla training output a = w1·m1·x + w2·m2·y. */
  masks: { mask: [number, number]; probability: number; a: number }[];
  /** The unscaled output w1·x + w2·y. */
  full: number;
  /** Σ P(mask) · a(mask) under each case's training rule (= p·full for vanilla, full for inverted). */
  trainExpectation: Record<ExpectationCase, number>;
  /** Each case's test-time output. */
  test: Record<ExpectationCase, number>;
}

/** The neuron by Monte Carlo. */
export interface NeuronMonteCarlo { scheme: ExpectationCase; trainMean: number; se: number; test: number; exact: number; z: number }

/** What {@link dropoutExpectation} returns: plain JSON. */
export interface DropoutExpectationRecord {
  experiment: 'dropoutExpectation';
  options: DropoutExpectationConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  /** Droppable units (sum of the hidden widths) and the number of thinned networks, 2^units. */
  units: number;
  thinnedNetworks: number;
  /** The network's parameters (float32 values) and the input batch, so the record explains itself. */
  params: DropoutNetLayer64[];
  X: number[][];
  cases: ExpectationCaseRecord[];
  neuron: { exact: NeuronExpectation; monteCarlo: NeuronMonteCarlo[] };
  meta: { ms: number };
}

/** Validates options and fills in defaults; every error names the option. */
export function resolveDropoutExpectationOptions(options: DropoutExpectationOptions = {}): DropoutExpectationConfig {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('options', options, 'an object');
  checkKnownKeys('dropoutExpectation', options, OPTION_KEYS);
  const o = { ...DROPOUT_EXPECTATION_DEFAULTS, ...options };
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
    activation: checkOneOf('activation', o.activation, DROPOUT_NET_ACTIVATIONS),
    neuron: {
      w: [checkNumber('neuron.w[0]', neuron.w[0]), checkNumber('neuron.w[1]', neuron.w[1])],
      x: [checkNumber('neuron.x[0]', neuron.x[0]), checkNumber('neuron.x[1]', neuron.x[1])],
    },
    seed: checkSeed('seed', o.seed),
  };
}

/** Throws unless sizes is [D, H1, H2, ..., C] with at least two hidden layers; returns a copy. */
export function checkNetSizes(sizes: unknown): number[] {
  if (!Array.isArray(sizes) || sizes.length < 4) {
    throw new ArgumentError('sizes', sizes, 'an array [D, H1, H2, ..., C] with at least two hidden layers (two dropout points)');
  }
  return sizes.map((s, i) => checkInt(`sizes[${i}]`, s, { min: 1, max: 4096 }));
}

/**
 * The lecture's neuron a = w1·x + w2·y with dropout on both inputs, exactly: the four masks, their
 * probabilities p^kept (1 - p)^dropped, and the expectation under each case's training rule.
 */
export function neuronExpectation(options: { w: readonly [number, number]; x: readonly [number, number]; p: number }): NeuronExpectation {
  const p = checkKeepProbability('p', options.p);
  const w: [number, number] = [checkNumber('w[0]', options.w?.[0]), checkNumber('w[1]', options.w?.[1])];
  const x: [number, number] = [checkNumber('x[0]', options.x?.[0]), checkNumber('x[1]', options.x?.[1])];
  const full = w[0] * x[0] + w[1] * x[1];
  const masks = ([[1, 1], [1, 0], [0, 1], [0, 0]] as [number, number][]).map((mask) => ({
    mask,
    probability: (mask[0] ? p : 1 - p) * (mask[1] ? p : 1 - p),
    a: w[0] * mask[0] * x[0] + w[1] * mask[1] * x[1],
  }));
  const vanillaTrain = masks.reduce((s, m) => s + m.probability * m.a, 0);
  return {
    w, x, p, masks, full,
    trainExpectation: { vanilla: vanillaTrain, vanillaForgot: vanillaTrain, inverted: vanillaTrain / p },
    test: { vanilla: p * full, vanillaForgot: full, inverted: full },
  };
}

/** The seeded network and input batch of the lesson's expectation and ensemble experiments. */
export function expectationSetup(config: Pick<DropoutExpectationConfig, 'sizes' | 'batchSize' | 'seed'>): { params: DropoutNetLayer64[]; X: number[][] } {
  const seeds = seedStream(config.seed);
  const params = dropoutNetParams64(config.sizes, seeds.derive('params'));
  const random = mulberry32(seeds.derive('X'));
  const X = Array.from({ length: config.batchSize }, () => Array.from({ length: config.sizes[0] }, () => Math.fround(randomNormal(random))));
  return { params, X };
}

/** The values a probe reads from the float64 twin's layers. */
function probeValues64(v: ReturnType<typeof dropoutNetForward64>, probe: ExpectationProbe): number[] {
  return probe === 'first' ? v.z[1] : probe === 'hidden' ? v.h[1] : v.scores;
}

/**
 * Exact expectations of every probe for one example: all 2^units masks enumerated in float64,
 * mask m weighted by p^kept (1 - p)^dropped, layer by layer (the masks of layer l are enumerated
 * for each choice of the masks before it, so each thinned network's forward pass shares its
 * prefix). Null when units > {@link EXACT_MAX_UNITS}. Same formulas as {@link dropoutNetForward64}.
 */
export function exactExpectation(x: readonly number[], params: readonly DropoutNetLayer64[],
  options: { p: number; scheme: DropoutScheme; activation?: DropoutNetActivation }): Record<ExpectationProbe, number[]> | null {
  const p = checkKeepProbability('p', options.p);
  const relu = checkOneOf('activation', options.activation ?? 'relu', DROPOUT_NET_ACTIVATIONS) === 'relu';
  const L = params.length - 1;
  const widths = params.slice(0, L).map((l) => l.b.length);
  if (widths.length < 2) throw new ArgumentError('params.length', params.length, 'at least 3 layers (two hidden layers)');
  if (widths.reduce((a, b) => a + b, 0) > EXACT_MAX_UNITS) return null;
  // per layer: every mask code's multipliers (U or U / p) and its probability
  const codes = widths.map((n) => Array.from({ length: 2 ** n }, (_, code) => {
    let kept = 0;
    const mult = Array.from({ length: n }, (_, j) => {
      const m = (code >>> j) & 1;
      kept += m;
      return options.scheme === 'inverted' ? m / p : m;
    });
    return { mult, probability: p ** kept * (1 - p) ** (n - kept) };
  }));
  const sums: Record<ExpectationProbe, number[]> = {
    first: new Array<number>(widths[1]).fill(0), hidden: new Array<number>(widths[1]).fill(0),
    output: new Array<number>(params[L].b.length).fill(0),
  };
  const addTo = (sum: number[], w: number, v: readonly number[]) => { for (let j = 0; j < v.length; j++) sum[j] += w * v[j]; };
  const visit = (l: number, d: readonly number[], w: number): void => {
    const z = affine64(d, params[l]);
    if (l === L) return addTo(sums.output, w, z);
    const h = relu ? z.map((v) => (v > 0 ? v : 0)) : z;
    if (l === 1) {
      addTo(sums.first, w, z); // the deeper masks' probabilities sum to 1
      addTo(sums.hidden, w, h);
    }
    for (const { mult, probability } of codes[l]) {
      if (probability > 0) visit(l + 1, h.map((v, j) => v * mult[j]), w * probability);
    }
  };
  visit(0, x, 1);
  return sums;
}

/** Running float64 sums of d = train - test per entry, and of the per-mask averages over entries. */
class GapAccumulator {
  readonly sum: Float64Array;
  readonly sumSq: Float64Array;
  avgSum = 0;
  avgSumSq = 0;
  count = 0;
  constructor(readonly entries: number) {
    this.sum = new Float64Array(entries);
    this.sumSq = new Float64Array(entries);
  }

  /** Adds `samples` masks' values, row-major [sample, entry], against the test values. */
  add(values: Float32Array, test: readonly number[], samples: number): void {
    const k = this.entries;
    for (let s = 0; s < samples; s++) {
      let avg = 0;
      for (let i = 0; i < k; i++) {
        const d = values[s * k + i] - test[i];
        this.sum[i] += d;
        this.sumSq[i] += d * d;
        avg += d;
      }
      avg /= k;
      this.avgSum += avg;
      this.avgSumSq += avg * avg;
    }
    this.count += samples;
  }

  /** Mean gap and standard error per entry, and of the average over entries. */
  result(): { gap: number[]; se: number[]; meanGap: number; meanGapSe: number } {
    const n = this.count;
    const stat = (sum: number, sumSq: number) => {
      const mean = sum / n;
      const variance = Math.max(0, (sumSq - n * mean * mean) / (n - 1));
      return { mean, se: Math.sqrt(variance / n) };
    };
    const per = Array.from(this.sum, (s, i) => stat(s, this.sumSq[i]));
    const avg = stat(this.avgSum, this.avgSumSq);
    return { gap: per.map((q) => q.mean), se: per.map((q) => q.se), meanGap: avg.mean, meanGapSe: avg.se };
  }
}

/** |a| / se, with 0 for 0 / 0 and null for a nonzero difference with se = 0 (infinitely many SE). */
function maxAbsZ(diffs: readonly number[], se: readonly number[]): number | null {
  let max = 0;
  for (let i = 0; i < diffs.length; i++) {
    if (diffs[i] === 0) continue;
    if (se[i] === 0) return null;
    max = Math.max(max, Math.abs(diffs[i]) / se[i]);
  }
  return max;
}

/**
 * Runs the experiment: the neuron (exact and Monte Carlo), then the 3-layer net: for each case and
 * probe the Monte-Carlo mean of the training-time value over `samples` masks per example (each
 * chunk of masks with its own sub-seed), the test-time value, the exact expectation, the gaps and
 * their standard errors. (a) and (b) share their training-time masks and values (the bug is only
 * at test time); (c) uses the same masks, divided by p.
 */
export async function dropoutExpectation(options: DropoutExpectationOptions = {}): Promise<DropoutExpectationRecord> {
  const config = resolveDropoutExpectationOptions(options);
  const start = performance.now();
  const seeds = seedStream(config.seed);
  const neuron = await neuronMonteCarlo(config, seeds.derive('neuron'));
  const { params: params64, X } = expectationSetup(config);
  const params = dropoutNetTensors(params64);
  try {
    const cases = await netCases(config, params64, params, X, seeds.fork('masks'));
    const units = config.sizes.slice(1, -1).reduce((a, b) => a + b, 0);
    return {
      experiment: 'dropoutExpectation', options: config, backend: tf.getBackend(),
      versions: { nnlab: VERSION, tfjs: tf.version.tfjs }, units, thinnedNetworks: 2 ** units,
      params: params64, X, cases, neuron, meta: { ms: performance.now() - start },
    };
  } finally {
    disposeDropoutNet(params);
  }
}

/** The neuron by Monte Carlo: `samples` masks on its two inputs, one sub-seed for all of them. */
async function neuronMonteCarlo(config: DropoutExpectationConfig, seed: number): Promise<DropoutExpectationRecord['neuron']> {
  const exact = neuronExpectation({ ...config.neuron, p: config.p });
  const S = config.samples;
  const monteCarlo: NeuronMonteCarlo[] = [];
  for (const scheme of EXPECTATION_CASES) {
    const a = tf.tidy(() => {
      const inputs = tf.tile(tf.tensor2d([config.neuron.x], [1, 2]), [S, 1]);
      const { out, cache } = dropoutForward(inputs, { p: config.p, scheme: CASE_SCHEMES[scheme].train, training: true, seed });
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
function chunkSamples(config: DropoutExpectationConfig): number {
  const widest = Math.max(...config.sizes);
  return Math.max(1, Math.min(config.samples, Math.floor(2 ** 20 / (config.batchSize * widest))));
}

async function netCases(config: DropoutExpectationConfig, params64: DropoutNetLayer64[], params: DropoutNetLayer[],
  X: number[][], seeds: ReturnType<typeof seedStream>): Promise<ExpectationCaseRecord[]> {
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
    for (let done = 0; done < config.samples; done += chunk) {
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
    }
    const exact = {
      vanilla: exactBatch(X, params64, p, 'vanilla', activation),
      inverted: exactBatch(X, params64, p, 'inverted', activation),
    };
    const test64 = {
      vanilla: testBatch64(X, params64, p, 'vanilla', activation),
      inverted: testBatch64(X, params64, p, 'inverted', activation),
    };
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
async function probeTensors(X: tf.Tensor2D, params: DropoutNetLayer[], options: Parameters<typeof dropoutNetForward>[2]):
  Promise<Record<ExpectationProbe, Float32Array>> {
  const { scores, cache } = dropoutNetForward(X, params, options);
  try {
    const h2 = cache.hidden[1];
    return {
      first: await h2.z.data() as Float32Array,
      hidden: await h2.h.data() as Float32Array,
      output: await scores.data() as Float32Array,
    };
  } finally {
    scores.dispose();
    disposeDropoutNetCache(cache);
  }
}

/** Exact expectations for the batch, flattened row-major per probe; null when not enumerable. */
function exactBatch(X: number[][], params64: DropoutNetLayer64[], p: number, scheme: DropoutScheme,
  activation: DropoutNetActivation): Record<ExpectationProbe, number[]> | null {
  const rows = X.map((x) => exactExpectation(x, params64, { p, scheme, activation }));
  if (rows.some((r) => r === null)) return null;
  return Object.fromEntries(EXPECTATION_PROBES.map((probe) => [probe, rows.flatMap((r) => r![probe])])) as Record<ExpectationProbe, number[]>;
}

/** Test-time values of the float64 twin, flattened row-major per probe. */
function testBatch64(X: number[][], params64: DropoutNetLayer64[], p: number, scheme: DropoutScheme,
  activation: DropoutNetActivation): Record<ExpectationProbe, number[]> {
  const rows = X.map((x) => dropoutNetForward64(x, params64, { p, scheme, training: false, activation }));
  return Object.fromEntries(EXPECTATION_PROBES.map((probe) => [probe, rows.flatMap((v) => probeValues64(v, probe))])) as Record<ExpectationProbe, number[]>;
}
