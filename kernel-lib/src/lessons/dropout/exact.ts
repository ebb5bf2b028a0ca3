/**
 * The exact side of the expectation argument (lesson 09): the three cases of the lesson (how
 * training and test time are paired), the places in the 3-layer net where they are compared, and
 * the training-time expectations computed exactly, with no sampling:
 *
 *   the neuron a = w1·x + w2·y, both inputs dropped:  E[a] = Σ over 4 masks P(mask)·a(mask) = p·(w1·x + w2·y)
 *   the net, every probe:  E[f(x)] = Σ over all 2^units masks p^kept (1 - p)^dropped · f(x; mask)
 *
 * Pure float64 JavaScript, no tensors. {@link expectation} compares these with Monte-Carlo means.
 *
 * @example
 * nn.dropout.neuronExpectation({ w: [2, 1], x: [1, 3], p: 0.5 }).trainExpectation.vanilla // 2.5 = p · 5
 */
import { ArgumentError, checkInt, checkNumber } from '../../core/errors';
import { list, number, oneOf } from '../../core/options';
import { mulberry32, randomNormal, seedStream } from '../../core/rng';
import { DropoutScheme, SCHEMES } from './dropout';
import { dropoutOptions, keepProbability } from './options';
import { affine64, checkParams64, NetActivation, NET_ACTIVATIONS, NetLayer64, netParams64 } from './net';

/** The three cases of the lesson: how training and test time are paired. */
export const EXPECTATION_CASES = ['vanilla', 'vanillaForgot', 'inverted'] as const;
export type ExpectationCase = typeof EXPECTATION_CASES[number];

/** What each case means, for tables and figures (internal). */
export const EXPECTATION_CASE_LABELS: Readonly<Record<ExpectationCase, string>> = {
  vanilla: '(a) vanilla: train x·U, test p·x',
  vanillaForgot: '(b) vanilla, test-time scaling forgotten: train x·U, test x',
  inverted: '(c) inverted: train x·U/p, test x',
};

/** The training-time scheme and the test-time scheme of each case (internal). */
export const CASE_SCHEMES: Readonly<Record<ExpectationCase, { train: DropoutScheme; test: DropoutScheme }>> = {
  vanilla: { train: 'vanilla', test: 'vanilla' },
  vanillaForgot: { train: 'vanilla', test: 'inverted' }, // inverted's test rule is "do nothing"
  inverted: { train: 'inverted', test: 'inverted' },
};

/** Where in the 3-layer net the expectation is compared. */
export const EXPECTATION_PROBES = ['first', 'hidden', 'output'] as const;
export type ExpectationProbe = typeof EXPECTATION_PROBES[number];

/** What each probe reads (internal). */
export const EXPECTATION_PROBE_LABELS: Readonly<Record<ExpectationProbe, string>> = {
  first: 'z2 = drop(h1)·W2 + b2 (right after the first dropout: affine in the mask)',
  hidden: 'h2 = max(0, z2) (after the next ReLU)',
  output: 'scores (the network output, both dropout points)',
};

/** Most layer sizes [D, H1, ..., C] of the expectation and ensemble nets. */
export const NET_MAX_LAYERS = 16;

/** At most this many droppable units for the exact expectation (2^n thinned networks). */
export const EXACT_MAX_UNITS = 20;

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

/** Throws unless sizes is [D, H1, H2, ..., C] with at least two hidden layers; returns a copy. */
export function checkNetSizes(sizes: unknown): number[] {
  if (!Array.isArray(sizes) || sizes.length < 4) {
    throw new ArgumentError('sizes', sizes, 'an array [D, H1, H2, ..., C] with at least two hidden layers (two dropout points)');
  }
  if (sizes.length > NET_MAX_LAYERS) throw new ArgumentError('sizes', sizes, `an array [D, H1, H2, ..., C] of at most ${NET_MAX_LAYERS} layer sizes`);
  return sizes.map((s, i) => checkInt(`sizes[${i}]`, s, { min: 1, max: 4096 }));
}

/** A weight or input of the neuron: a finite number within ±1e6. */
const NEURON_VALUE = number({ min: -1e6, max: 1e6 });

/**
 * The options of {@link neuronExpectation}, declared once (core/options.ts); the defaults are the
 * lecture's neuron: w = [2, 1] at (x, y) = (1, 3), p = 0.5.
 */
export const NEURON_OPTIONS = dropoutOptions('dropout.neuronExpectation', {
  w: list(NEURON_VALUE, { minLength: 2, maxLength: 2, default: [2, 1] }),
  x: list(NEURON_VALUE, { minLength: 2, maxLength: 2, default: [1, 3] }),
  p: keepProbability({ default: 0.5 }),
}, { progress: false });

/**
 * The lecture's neuron a = w1·x + w2·y with dropout on both inputs, exactly: the four masks, their
 * probabilities p^kept (1 - p)^dropped, and the expectation under each case's training rule.
 * Left out, w, x and p are the lecture's: w = [2, 1], (x, y) = (1, 3), p = 0.5.
 *
 * @example
 * const e = nn.dropout.neuronExpectation({ w: [2, 1], x: [1, 3], p: 0.5 });
 * console.log(e.trainExpectation.vanilla); // 2.5 = p · (w1·x + w2·y)
 * console.log(e.test.vanilla, e.test.vanillaForgot); // 2.5 (matches) 5 (does not)
 */
export function neuronExpectation(options: { w?: readonly [number, number]; x?: readonly [number, number]; p?: number } = {}): NeuronExpectation {
  const { w: [w0, w1], x: [x0, x1], p } = NEURON_OPTIONS.resolve(options);
  const w: [number, number] = [w0, w1];
  const x: [number, number] = [x0, x1];
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
export function expectationSetup(config: { sizes: readonly number[]; batchSize: number; seed: number }): { params: NetLayer64[]; X: number[][] } {
  const seeds = seedStream(config.seed);
  const params = netParams64(config.sizes, seeds.derive('params'));
  const random = mulberry32(seeds.derive('X'));
  const X = Array.from({ length: config.batchSize }, () => Array.from({ length: config.sizes[0] }, () => Math.fround(randomNormal(random))));
  return { params, X };
}

/** The options of {@link exactExpectation}, declared once: p and scheme are required. */
const EXACT_OPTIONS = dropoutOptions('dropout.exactExpectation', {
  p: keepProbability(), scheme: oneOf(SCHEMES), activation: oneOf(NET_ACTIVATIONS, { default: 'relu' }),
}, { progress: false });

/**
 * Exact expectations of every probe for one example: all 2^units masks enumerated in float64,
 * mask m weighted by p^kept (1 - p)^dropped, layer by layer (the masks of layer l are enumerated
 * for each choice of the masks before it, so each thinned network's forward pass shares its
 * prefix). Null when units > {@link EXACT_MAX_UNITS}. Same formulas as {@link netForward64}.
 *
 * @example
 * const params64 = nn.dropout.netParams64([3, 6, 6, 2], 1); // 12 droppable units: 4096 masks
 * const x = [1, -1, 0.5];
 * const e = nn.dropout.exactExpectation(x, params64, { p: 0.5, scheme: 'inverted' });
 * const test = nn.dropout.netForward64(x, params64, { p: 0.5, scheme: 'inverted', training: false });
 * console.log(e?.first, test.z[1]); // equal: z2 is affine in the mask; e.hidden >= test.h[1] (Jensen)
 */
export function exactExpectation(x: readonly number[], params: readonly NetLayer64[],
  options: { p: number; scheme: DropoutScheme; activation?: NetActivation }): Record<ExpectationProbe, number[]> | null {
  const { p, scheme, activation } = EXACT_OPTIONS.resolve(options);
  const relu = activation === 'relu';
  checkParams64(params);
  if (!Array.isArray(x) || x.length !== params[0].W.length) throw new ArgumentError('x', x, `an array of ${params[0].W.length} numbers (the net's inputs)`);
  x.forEach((v, i) => checkNumber(`x[${i}]`, v));
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
      return scheme === 'inverted' ? m / p : m;
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
