/**
 * Lesson 12's computational-graph API: gates in float64 JS, each an object with
 *
 *   forward(inputs, options?) → { out, cache }      backward(dout, cache) → { d<input>: ... }
 *
 * Inputs go in by name and their gradients come back under the same names with a `d` in front:
 * affine's forward({ x, w, b }) gives back { dx, dw, db }. A gate keeps what its backward pass
 * needs in `cache` (the inputs, a mask, the softmax probabilities), so backward needs only the
 * upstream gradient `dout` = ∂L/∂out and the cache; it returns ∂L/∂input = dout · ∂out/∂input
 * (the chain rule, one gate at a time).
 *
 * Values are numbers or `Array64`s. The elementwise gates (add, multiply, max, relu, sigmoid,
 * tanh, dropout) take plain numbers, so the lecture's small circuits read as arithmetic, or
 * Array64s of one shape (both inputs of add/multiply/max the same shape). The loss gates
 * (softmaxCrossEntropy, hinge) take scores [N, C] and integer labels, give a number, and take
 * a number `dout` (1 at the top of a graph). The layer gates (affine, batchNorm, conv, maxPool)
 * take Array64s. Non-differentiable settings (hinge's margin, batch norm's eps, dropout's keep
 * probability and seed, conv's stride and padding, the pool size) are forward's second argument.
 *
 * @example
 * const q = nn.losses.GATES.add.forward({ x: -2, y: 5 });          // q.out = 3
 * const f = nn.losses.GATES.multiply.forward({ x: q.out, y: -4 }); // f.out = -12
 * nn.losses.GATES.multiply.backward(1, f.cache)                     // { dx: -4, dy: 3 }
 */
import { ArgumentError, checkInt, checkNumber, checkProbability, describe } from '../../core/errors';
import { mulberry32 } from '../../core/rng';
import { type Array64, array64 } from '../../nets/array64';
import { conv2d64, conv2dBackward64, type Conv64Options, maxPool64, maxPoolBackward64, type Pool64Options } from '../../nets/conv64';
import { checkLabels, hingeLoss64, softmaxCrossEntropy64 } from './losses64';

/** A gate's value: a plain number (scalar circuits) or a float64 array with a shape. */
export type Value64 = number | Array64;

/** The inputs of a gate, by name. */
export type GateInputs = Record<string, unknown>;

/** One gate of the graph API. */
export interface Gate {
  /** Its name in {@link GATES} ("affine"). */
  readonly name: string;
  /** Its inputs, by name, in order ("x", "w", "b"). */
  readonly inputs: readonly string[];
  /** The inputs that have no gradient (the labels of a loss gate). */
  readonly constants: readonly string[];
  /** What it computes, in one line. */
  readonly formula: string;
  /** What its backward pass does, in one line. */
  readonly backwardRule: string;
  forward(inputs: GateInputs, options?: Record<string, unknown>): { out: Value64; cache: unknown };
  backward(dout: Value64, cache: unknown): Record<string, Value64>;
}

// ------------------------------------------------------------------------------------- checks

function isArray64(v: unknown): v is Array64 {
  return !!v && typeof v === 'object' && (v as Array64).data instanceof Float64Array && Array.isArray((v as Array64).shape) &&
    (v as Array64).shape.reduce((a, b) => a * b, 1) === (v as Array64).data.length;
}

function shapeText(s: readonly number[]): string { return `[${s.join(', ')}]`; }

/** A gate input: a finite number or an Array64 of finite numbers. */
function value(gate: string, name: string, v: unknown): Value64 {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new ArgumentError(name, v, 'a finite number', `${gate}: ${name} must be a finite number, got ${v}`);
    return v;
  }
  if (isArray64(v)) return v;
  throw new ArgumentError(name, v, 'a number or an Array64', `${gate}: ${name} must be a number or an Array64 (nn.nets.array64), got ${describe(v)}`);
}

function arr(gate: string, name: string, v: unknown, rank?: number): Array64 {
  if (!isArray64(v)) throw new ArgumentError(name, v, 'an Array64', `${gate}: ${name} must be an Array64 (nn.nets.array64), got ${describe(v)}`);
  if (rank !== undefined && v.shape.length !== rank) {
    throw new ArgumentError(name, v.shape, `rank ${rank}`, `${gate}: ${name} must have ${rank} dimensions, got shape ${shapeText(v.shape)}`);
  }
  return v;
}

function known(gate: string, inputs: unknown, names: readonly string[]): GateInputs {
  if (!inputs || typeof inputs !== 'object' || Array.isArray(inputs)) {
    throw new ArgumentError('inputs', inputs, `an object { ${names.join(', ')} }`, `${gate}: inputs must be an object { ${names.join(', ')} }, got ${describe(inputs)}`);
  }
  for (const k of Object.keys(inputs)) {
    if (!names.includes(k)) throw new ArgumentError(k, (inputs as GateInputs)[k], `one of ${names.join(', ')}`, `${gate}: unknown input "${k}" (its inputs are ${names.join(', ')})`);
  }
  for (const k of names) {
    if ((inputs as GateInputs)[k] === undefined) throw new ArgumentError(k, undefined, 'given', `${gate}: input "${k}" is missing (its inputs are ${names.join(', ')})`);
  }
  return inputs as GateInputs;
}

function opts(gate: string, options: unknown, names: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new ArgumentError('options', options, 'an object', `${gate}: options must be an object, got ${describe(options)}`);
  for (const k of Object.keys(options)) {
    if (!names.includes(k)) throw new ArgumentError(k, (options as Record<string, unknown>)[k], names.length ? `one of ${names.join(', ')}` : 'no option', `${gate}: unknown option "${k}"${names.length ? ` (its options are ${names.join(', ')})` : ' (it has none)'}`);
  }
  return options as Record<string, unknown>;
}

/** dout must be like the output: a number for a number, an Array64 of the output's shape otherwise. */
function upstream(gate: string, dout: unknown, like: Value64): Value64 {
  if (typeof like === 'number') {
    if (typeof dout === 'number' && Number.isFinite(dout)) return dout;
    if (isArray64(dout) && dout.data.length === 1) return dout.data[0];
    throw new ArgumentError('dout', dout, 'a finite number (the output is a number)', `${gate}: dout must be a finite number like the output, got ${describe(dout)}`);
  }
  if (!isArray64(dout) || dout.shape.length !== like.shape.length || dout.shape.some((d, i) => d !== like.shape[i])) {
    throw new ArgumentError('dout', isArray64(dout) ? dout.shape : dout, `an Array64 of shape ${shapeText(like.shape)}`,
      `${gate}: dout must have the output's shape ${shapeText(like.shape)}, got ${isArray64(dout) ? shapeText(dout.shape) : describe(dout)}`);
  }
  return dout;
}

// ------------------------------------------------------------------------------ elementwise

/** Applies f elementwise to values of one shape (numbers in, a number out). */
function zip(gate: string, names: readonly string[], vals: readonly Value64[], f: (...v: number[]) => number): Value64 {
  if (vals.every((v) => typeof v === 'number')) return f(...(vals as number[]));
  const first = vals.find((v) => typeof v !== 'number') as Array64;
  vals.forEach((v, i) => {
    if (typeof v === 'number' && v !== undefined && vals.length > 1) {
      throw new ArgumentError(names[i], v, `an Array64 of shape ${shapeText(first.shape)} like ${names[vals.indexOf(first)]}`,
        `${gate}: ${names[i]} is a number but ${names[vals.indexOf(first)]} has shape ${shapeText(first.shape)} (give both as numbers or both as arrays of one shape)`);
    }
    const a = v as Array64;
    if (a.shape.length !== first.shape.length || a.shape.some((d, k) => d !== first.shape[k])) {
      throw new ArgumentError(names[i], a.shape, `shape ${shapeText(first.shape)}`, `${gate}: ${names[i]} has shape ${shapeText(a.shape)} but ${names[0]} has shape ${shapeText(first.shape)}`);
    }
  });
  const out = array64(first.shape);
  const data = vals.map((v) => (v as Array64).data);
  for (let i = 0; i < out.data.length; i++) out.data[i] = f(...data.map((d) => d[i]));
  return out;
}

interface Binary { x: Value64; y: Value64 }

function binaryGate(name: string, formula: string, backwardRule: string, f: (x: number, y: number) => number,
  dx: (g: number, x: number, y: number) => number, dy: (g: number, x: number, y: number) => number): Gate {
  return {
    name, inputs: ['x', 'y'], constants: [], formula, backwardRule,
    forward(inputs, options) {
      opts(name, options, []);
      const i = known(name, inputs, this.inputs);
      const x = value(name, 'x', i.x); const y = value(name, 'y', i.y);
      const out = zip(name, ['x', 'y'], [x, y], f);
      return { out, cache: { x, y, out } };
    },
    backward(dout, cache) {
      const c = cache as Binary & { out: Value64 };
      const g = upstream(name, dout, c.out);
      return { dx: zip(name, ['dout', 'x', 'y'], [g, c.x, c.y], dx), dy: zip(name, ['dout', 'x', 'y'], [g, c.x, c.y], dy) };
    },
  };
}

/** add: out = x + y; backward: both get dout ("add distributes"). */
export const addGate: Gate = binaryGate('add', 'out = x + y', 'dx = dout, dy = dout (add distributes the gradient)', (x, y) => x + y, (g) => g, (g) => g);

/** multiply: out = x·y; backward: dx = dout·y, dy = dout·x ("multiply swaps"). */
export const multiplyGate: Gate = binaryGate('multiply', 'out = x · y', 'dx = dout · y, dy = dout · x (multiply swaps the inputs)', (x, y) => x * y, (g, _x, y) => g * y, (g, x) => g * x);

/** max: out = max(x, y); backward: dout goes to the larger input, 0 to the other; a tie goes to x ("max routes"). */
export const maxGate: Gate = binaryGate('max', 'out = max(x, y)', 'dout goes to the larger input, 0 to the other (max routes; a tie goes to x)',
  (x, y) => Math.max(x, y), (g, x, y) => (x >= y ? g : 0), (g, x, y) => (x >= y ? 0 : g));

function unaryGate(name: string, formula: string, backwardRule: string, f: (x: number) => number, d: (g: number, x: number, out: number) => number): Gate {
  return {
    name, inputs: ['x'], constants: [], formula, backwardRule,
    forward(inputs, options) {
      opts(name, options, []);
      const x = value(name, 'x', known(name, inputs, this.inputs).x);
      const out = zip(name, ['x'], [x], f);
      return { out, cache: { x, out } };
    },
    backward(dout, cache) {
      const c = cache as { x: Value64; out: Value64 };
      const g = upstream(name, dout, c.out);
      return { dx: zip(name, ['dout', 'x', 'out'], [g, c.x, c.out], d) };
    },
  };
}

/**
 * A numerically stable logistic sigmoid.
 *
 * @example
 * nn.losses.sigmoid64(1)   // 0.731
 */
export function sigmoid64(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** relu: out = max(0, x); backward: dout where x > 0, else 0 (the mask of the INPUT). */
export const reluGate: Gate = unaryGate('relu', 'out = max(0, x)', 'dx = dout where x > 0, 0 elsewhere', (x) => Math.max(0, x), (g, x) => (x > 0 ? g : 0));
/** sigmoid: out = σ(x) = 1/(1 + e^{−x}); backward: dx = dout·σ(x)·(1 − σ(x)), from the cached output. */
export const sigmoidGate: Gate = unaryGate('sigmoid', 'out = σ(x) = 1 / (1 + e^(−x))', 'dx = dout · out · (1 − out)', sigmoid64, (g, _x, s) => g * s * (1 - s));
/** tanh: out = tanh(x); backward: dx = dout·(1 − tanh²(x)). */
export const tanhGate: Gate = unaryGate('tanh', 'out = tanh(x)', 'dx = dout · (1 − out²)', Math.tanh, (g, _x, t) => g * (1 - t * t));

// ------------------------------------------------------------------------------------ layers

/** affine: out = x·w + b, x [N, D], w [D, M], b [M] → out [N, M]; backward dx = dout·wᵀ, dw = xᵀ·dout, db = Σₙ dout. */
export const affineGate: Gate = {
  name: 'affine', inputs: ['x', 'w', 'b'], constants: [], formula: 'out = x · w + b   (x [N, D], w [D, M], b [M])',
  backwardRule: 'dx = dout · wᵀ, dw = xᵀ · dout, db = dout summed over the rows',
  forward(inputs, options) {
    opts('affine', options, []);
    const i = known('affine', inputs, this.inputs);
    const x = arr('affine', 'x', i.x, 2); const w = arr('affine', 'w', i.w, 2); const b = arr('affine', 'b', i.b, 1);
    const [N, D] = x.shape; const [Dw, M] = w.shape;
    if (D !== Dw) throw new ArgumentError('w', w.shape, `${D} rows (x has ${D} columns)`, `affine: x has ${D} columns but w has ${Dw} rows`);
    if (b.shape[0] !== M) throw new ArgumentError('b', b.shape, `${M} numbers (w has ${M} columns)`, `affine: w has ${M} columns but b has ${b.shape[0]} numbers`);
    const out = array64([N, M]);
    for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) {
      let s = b.data[m];
      for (let d = 0; d < D; d++) s += x.data[n * D + d] * w.data[d * M + m];
      out.data[n * M + m] = s;
    }
    return { out, cache: { x, w, b, out } };
  },
  backward(dout, cache) {
    const { x, w, out } = cache as { x: Array64; w: Array64; b: Array64; out: Array64 };
    const g = upstream('affine', dout, out) as Array64;
    const [N, D] = x.shape; const M = w.shape[1];
    const dx = array64([N, D]); const dw = array64([D, M]); const db = array64([M]);
    for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) {
      const gm = g.data[n * M + m];
      db.data[m] += gm;
      for (let d = 0; d < D; d++) {
        dx.data[n * D + d] += gm * w.data[d * M + m];
        dw.data[d * M + m] += x.data[n * D + d] * gm;
      }
    }
    return { dx, dw, db };
  },
};

function lossInputs(gate: string, inputs: GateInputs): { scores: Array64; labels: number[] } {
  const scores = arr(gate, 'scores', inputs.scores, 2);
  const [N, C] = scores.shape;
  if (N < 1 || C < 1) throw new ArgumentError('scores', scores.shape, 'shape [N, C] with N, C >= 1', `${gate}: scores must have shape [N, C] with N, C >= 1, got ${shapeText(scores.shape)}`);
  return { scores, labels: checkLabels(inputs.labels, N, C) };
}

function scaled(a: Array64, k: number): Array64 {
  return { shape: [...a.shape], data: Float64Array.from(a.data, (v) => v * k) };
}

/** softmaxCrossEntropy: L = mean over rows of −log softmax(scores)[label] (max trick); backward dscores = dout·(p − onehot)/N. */
export const softmaxCrossEntropyGate: Gate = {
  name: 'softmaxCrossEntropy', inputs: ['scores', 'labels'], constants: ['labels'],
  formula: 'L = (1/N) Σₙ −log( e^(s_yₙ) / Σⱼ e^(sⱼ) )   (scores [N, C], labels [N])',
  backwardRule: 'dscores = dout · (p − onehot(y)) / N, p the softmax probabilities',
  forward(inputs, options) {
    opts('softmaxCrossEntropy', options, []);
    const { scores, labels } = lossInputs('softmaxCrossEntropy', known('softmaxCrossEntropy', inputs, this.inputs));
    const r = softmaxCrossEntropy64(scores, labels);
    return { out: r.loss, cache: { dscores: r.dscores, probs: r.probs, labels } };
  },
  backward(dout, cache) {
    const g = upstream('softmaxCrossEntropy', dout, 0) as number;
    return { dscores: scaled((cache as { dscores: Array64 }).dscores, g) };
  },
};

/** hinge: the multiclass SVM loss, mean over rows of Σ_{j≠y} max(0, sⱼ − s_y + Δ) (option delta, default 1). */
export const hingeGate: Gate = {
  name: 'hinge', inputs: ['scores', 'labels'], constants: ['labels'],
  formula: 'L = (1/N) Σₙ Σ_{j≠yₙ} max(0, sⱼ − s_yₙ + Δ)   (option delta = Δ, default 1)',
  backwardRule: 'dsⱼ = dout/N for each positive margin, ds_y = −dout · (number of positive margins)/N',
  forward(inputs, options) {
    const o = opts('hinge', options, ['delta']);
    const { scores, labels } = lossInputs('hinge', known('hinge', inputs, this.inputs));
    const delta = checkNumber('delta', o.delta ?? 1, { min: 0 });
    const r = hingeLoss64(scores, labels, delta);
    return { out: r.loss, cache: { dscores: r.dscores, margins: r.margins, labels } };
  },
  backward(dout, cache) {
    const g = upstream('hinge', dout, 0) as number;
    return { dscores: scaled((cache as { dscores: Array64 }).dscores, g) };
  },
};

interface BnCache { xhat: Array64; invStd: Float64Array; gamma: Array64; out: Array64 }

/**
 * batchNorm (train mode): each column normalised with the batch's mean and (biased) variance,
 * x̂ = (x − μ)/√(σ² + eps), then out = γ·x̂ + β; x [N, D], gamma and beta [D]; option eps (1e-5).
 * Backward in the compact form of the backward rule below (one pass over each column).
 */
export const batchNormGate: Gate = {
  name: 'batchNorm', inputs: ['x', 'gamma', 'beta'], constants: [],
  formula: 'out = γ · (x − μ) / √(σ² + eps) + β, μ and σ² per column over the batch (train mode; option eps, default 1e-5)',
  backwardRule: 'dβ = Σₙ dout, dγ = Σₙ dout · x̂, dx = (γ / (N·√(σ² + eps))) · (N·dout − Σₙ dout − x̂ · Σₙ dout·x̂)',
  forward(inputs, options) {
    const o = opts('batchNorm', options, ['eps']);
    const i = known('batchNorm', inputs, this.inputs);
    const x = arr('batchNorm', 'x', i.x, 2); const gamma = arr('batchNorm', 'gamma', i.gamma, 1); const beta = arr('batchNorm', 'beta', i.beta, 1);
    const eps = checkNumber('eps', o.eps ?? 1e-5, { min: 0, max: 1 });
    const [N, D] = x.shape;
    if (gamma.shape[0] !== D) throw new ArgumentError('gamma', gamma.shape, `${D} numbers`, `batchNorm: x has ${D} columns but gamma has ${gamma.shape[0]} numbers`);
    if (beta.shape[0] !== D) throw new ArgumentError('beta', beta.shape, `${D} numbers`, `batchNorm: x has ${D} columns but beta has ${beta.shape[0]} numbers`);
    if (N < 1) throw new ArgumentError('x', x.shape, 'at least one row', 'batchNorm: x has no rows');
    const xhat = array64([N, D]); const out = array64([N, D]); const invStd = new Float64Array(D);
    for (let d = 0; d < D; d++) {
      let mu = 0;
      for (let n = 0; n < N; n++) mu += x.data[n * D + d];
      mu /= N;
      let v = 0;
      for (let n = 0; n < N; n++) v += (x.data[n * D + d] - mu) ** 2;
      v /= N;
      if (v + eps === 0) throw new ArgumentError('eps', eps, 'a positive number when a column is constant', `batchNorm: column ${d} of x is constant and eps is 0 (division by zero)`);
      invStd[d] = 1 / Math.sqrt(v + eps);
      for (let n = 0; n < N; n++) {
        const k = n * D + d;
        xhat.data[k] = (x.data[k] - mu) * invStd[d];
        out.data[k] = gamma.data[d] * xhat.data[k] + beta.data[d];
      }
    }
    const cache: BnCache = { xhat, invStd, gamma, out };
    return { out, cache };
  },
  backward(dout, cache) {
    const c = cache as BnCache;
    const g = upstream('batchNorm', dout, c.out) as Array64;
    const [N, D] = c.xhat.shape;
    const dx = array64([N, D]); const dgamma = array64([D]); const dbeta = array64([D]);
    for (let d = 0; d < D; d++) {
      let sum = 0; let sumXhat = 0;
      for (let n = 0; n < N; n++) { sum += g.data[n * D + d]; sumXhat += g.data[n * D + d] * c.xhat.data[n * D + d]; }
      dbeta.data[d] = sum; dgamma.data[d] = sumXhat;
      const k = (c.gamma.data[d] * c.invStd[d]) / N;
      for (let n = 0; n < N; n++) {
        const j = n * D + d;
        dx.data[j] = k * (N * g.data[j] - sum - c.xhat.data[j] * sumXhat);
      }
    }
    return { dx, dgamma, dbeta };
  },
};

/**
 * The inverted-dropout mask of a shape: each entry 1/p with probability p (kept), else 0, from
 * `seed` (one seed, one mask).
 *
 * @example
 * nn.losses.dropoutMask64([4], 0.5, 1).data   // e.g. Float64Array [2, 0, 2, 2]
 */
export function dropoutMask64(shape: readonly number[], p: number, seed: number): Array64 {
  checkProbability('p', p, { open: 'low' });
  checkInt('seed', seed, { min: 0 });
  const mask = array64(shape);
  const random = mulberry32(seed);
  for (let i = 0; i < mask.data.length; i++) mask.data[i] = random() < p ? 1 / p : 0;
  return mask;
}

/** dropout (inverted, train mode): out = x·mask, mask 1/p with probability p (keep probability p, option seed); the mask is in the cache. */
export const dropoutGate: Gate = {
  name: 'dropout', inputs: ['x'], constants: [],
  formula: 'out = x · mask, mask = [u < p] / p per entry (inverted dropout: E[out] = x; options p = keep probability, default 0.5, and seed)',
  backwardRule: 'dx = dout · mask (the same mask as the forward pass)',
  forward(inputs, options) {
    const o = opts('dropout', options, ['p', 'seed']);
    const x = value('dropout', 'x', known('dropout', inputs, this.inputs).x);
    const p = checkProbability('p', o.p ?? 0.5, { open: 'low' });
    const seed = checkInt('seed', o.seed ?? 0, { min: 0 });
    const mask = dropoutMask64(typeof x === 'number' ? [] : x.shape, p, seed);
    const out = typeof x === 'number' ? x * mask.data[0] : zip('dropout', ['x', 'mask'], [x, mask], (a, m) => a * m);
    return { out, cache: { mask, out } };
  },
  backward(dout, cache) {
    const c = cache as { mask: Array64; out: Value64 };
    const g = upstream('dropout', dout, c.out);
    return { dx: typeof g === 'number' ? g * c.mask.data[0] : zip('dropout', ['dout', 'mask'], [g, c.mask], (a, m) => a * m) };
  },
};

/** conv: the naive 2-D convolution of nn.nets.conv2d64 (x NHWC, w HWIO, b [K]; options stride, pad). */
export const convGate: Gate = {
  name: 'conv', inputs: ['x', 'w', 'b'], constants: [],
  formula: 'out[n, y, x, k] = b[k] + Σ_{i, j, c} w[i, j, c, k] · x[n, y·S + i − P, x·S + j − P, c]   (NHWC, HWIO; options stride, pad)',
  backwardRule: 'dx: every weight that touched a pixel, times its upstream gradient; dw: Σ over positions of dout × the input under it; db = Σ dout per filter',
  forward(inputs, options) {
    const o = opts('conv', options, ['stride', 'pad']) as Conv64Options;
    const i = known('conv', inputs, this.inputs);
    const x = arr('conv', 'x', i.x, 4); const w = arr('conv', 'w', i.w, 4); const b = arr('conv', 'b', i.b, 1);
    if (w.shape[2] !== x.shape[3]) throw new ArgumentError('w', w.shape, `${x.shape[3]} input channels`, `conv: x has ${x.shape[3]} channels but w has ${w.shape[2]} input channels (w is [F, F, C, K])`);
    if (b.shape[0] !== w.shape[3]) throw new ArgumentError('b', b.shape, `${w.shape[3]} numbers`, `conv: w has ${w.shape[3]} filters but b has ${b.shape[0]} numbers`);
    const conv = { stride: o.stride, pad: o.pad };
    const out = conv2d64(x, w, b, conv);
    return { out, cache: { x, w, b, conv, out } };
  },
  backward(dout, cache) {
    const c = cache as { x: Array64; w: Array64; b: Array64; conv: Conv64Options; out: Array64 };
    const g = upstream('conv', dout, c.out) as Array64;
    const r = conv2dBackward64(g, c.x, c.w, c.b, c.conv);
    return { dx: r.dx, dw: r.dw, db: r.db as Array64 };
  },
};

/** maxPool: nn.nets.maxPool64 (x NHWC; options size, stride, default 2 and 2); backward routes dout to each window's max. */
export const maxPoolGate: Gate = {
  name: 'maxPool', inputs: ['x'], constants: [],
  formula: 'out = the largest value of each size×size window, per channel (options size, stride; default 2, 2)',
  backwardRule: 'each window\'s dout goes to its max, 0 to the others (max routes)',
  forward(inputs, options) {
    const o = opts('maxPool', options, ['size', 'stride']) as Pool64Options;
    const x = arr('maxPool', 'x', known('maxPool', inputs, this.inputs).x, 4);
    const r = maxPool64(x, { size: o.size, stride: o.stride });
    return { out: r.out, cache: { shape: x.shape, argmax: r.argmax, out: r.out } };
  },
  backward(dout, cache) {
    const c = cache as { shape: number[]; argmax: Int32Array; out: Array64 };
    const g = upstream('maxPool', dout, c.out) as Array64;
    return { dx: maxPoolBackward64(g, c.shape, c.argmax) };
  },
};

/** Every gate by name. */
export const GATES = {
  add: addGate, multiply: multiplyGate, max: maxGate, affine: affineGate, relu: reluGate, sigmoid: sigmoidGate, tanh: tanhGate,
  softmaxCrossEntropy: softmaxCrossEntropyGate, hinge: hingeGate, batchNorm: batchNormGate, dropout: dropoutGate, conv: convGate, maxPool: maxPoolGate,
} as const;

/** The name of a gate in {@link GATES}. */
export type GateName = keyof typeof GATES;

/** The names of {@link GATES}, in order. */
export const GATE_NAMES = Object.keys(GATES) as GateName[];

/**
 * A gate by name, with a named error listing the gates otherwise.
 *
 * @example
 * nn.losses.gate('relu').forward({ x: -3 }).out   // 0
 */
export function gate(name: string): Gate {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(GATES, name)) {
    throw new ArgumentError('gate', name, `one of ${GATE_NAMES.join(', ')}`);
  }
  return GATES[name as GateName];
}
