/**
 * Gradient checks of the gates: each gate's backward pass against centred differences of its
 * forward pass, in float64. A gate's output is turned into a number with a fixed random upstream
 * gradient R (f = Σ out ⊙ R, a loss gate's output times a number), so ∂f/∂input is exactly what
 * backward(R) returns; each input is checked at every coordinate and reported by its worst
 * relative error |a − n| / max(|a|, |n|) (the lesson's convention) with the lecture's verdict.
 *
 * The inputs of {@link sampleGateInputs} are seeded and stay away from kinks (ReLU at 0, max ties,
 * hinge margins at 0, pooling windows with two equal values): at a kink the centred difference
 * straddles two slopes and a right backward pass looks wrong.
 *
 * Rounding still sets a floor: a coordinate whose true gradient is near 0 (a sum of terms that
 * cancel) keeps an absolute error of about 1e-11 … 1e-10, so over many seeds an occasional input reads
 * 1e-7 … 1e-6 although its backward pass is right. The seeds used here and in the tests are below 1e-7.
 *
 * @example
 * const rows = nn.losses.checkGate('affine', nn.losses.sampleGateInputs('affine', 1).inputs);
 * rows.map((r) => r.verdict)   // ['right', 'right', 'right'] (dx, dw, db)
 */
import { ArgumentError, checkInt, checkNumber } from '../../core/errors';
import { gradRelErrorMax, gradVerdict, type GradVerdict } from '../../core/gradCheck';
import { mix32, mulberry32, randomInt, randomNormal, shuffle } from '../../core/rng';
import { type Array64, array64 } from '../../nets/array64';
import { gate, type Gate, type GateName, type Value64 } from './gates';

/** One checked input of one gate. */
export interface GateCheckRow {
  gate: string;
  /** The input's name ("w"); its gradient is "d" + input. */
  input: string;
  /** Its shape ([] for a number). */
  shape: number[];
  /** The largest relative error over its coordinates. */
  maxRelError: number;
  verdict: GradVerdict;
}

/** Seeded inputs of a gate (and its options) for a check. */
export interface GateSample { inputs: Record<string, Value64 | number[]>; options: Record<string, unknown> }

function normal(shape: number[], random: () => number, f: (v: number) => number = (v) => v): Array64 {
  const a = array64(shape);
  for (let i = 0; i < a.data.length; i++) a.data[i] = f(randomNormal(random));
  return a;
}

/** Pushes a value at least `gap` away from 0 (away from a kink). */
const away = (gap: number) => (v: number) => (v >= 0 ? v + gap : v - gap);

/**
 * Seeded inputs for checking a gate, away from its kinks; `big` gives larger shapes.
 *
 * @example
 * nn.losses.sampleGateInputs('conv', 0).options   // { stride: 1, pad: 1 }
 */
export function sampleGateInputs(name: GateName, seed: number, big = false): GateSample {
  gate(name);
  checkInt('seed', seed, { min: 0 });
  const r = mulberry32(seed);
  const k = big ? 2 : 1;
  const labels = (N: number, C: number) => Array.from({ length: N }, () => randomInt(r, C));
  switch (name) {
    case 'add': case 'multiply': return { inputs: { x: normal([3, 2 * k], r), y: normal([3, 2 * k], r) }, options: {} };
    case 'max': {
      const x = normal([3, 2 * k], r);
      const y = normal([3, 2 * k], r, away(0.1));
      y.data.forEach((v, i) => { y.data[i] = x.data[i] + v; });
      return { inputs: { x, y }, options: {} };
    }
    case 'relu': case 'sigmoid': case 'tanh': return { inputs: { x: normal([3, 4 * k], r, away(0.05)) }, options: {} };
    case 'affine': return { inputs: { x: normal([4 * k, 5], r), w: normal([5, 3 * k], r), b: normal([3 * k], r) }, options: {} };
    case 'softmaxCrossEntropy': return { inputs: { scores: normal([4 * k, 5], r), labels: labels(4 * k, 5) }, options: {} };
    case 'hinge': {
      const N = 4 * k; const C = 5;
      const y = labels(N, C);
      const s = normal([N, C], r);
      // move each margin sⱼ − s_y + 1 at least 0.05 away from 0
      for (let n = 0; n < N; n++) for (let j = 0; j < C; j++) {
        if (j === y[n]) continue;
        const m = s.data[n * C + j] - s.data[n * C + y[n]] + 1;
        if (Math.abs(m) < 0.05) s.data[n * C + j] += m >= 0 ? 0.05 : -0.05;
      }
      return { inputs: { scores: s, labels: y }, options: {} };
    }
    case 'batchNorm': return { inputs: { x: normal([6 * k, 4], r, (v) => 2 * v + 1), gamma: normal([4], r, away(0.5)), beta: normal([4], r) }, options: { eps: 1e-5 } };
    case 'dropout': return { inputs: { x: normal([3, 4 * k], r) }, options: { p: 0.6, seed: seed + 1 } };
    case 'conv': return { inputs: { x: normal([2, 5 * k, 5, 3], r), w: normal([3, 3, 3, 2], r), b: normal([2], r) }, options: big ? { stride: 1, pad: 'same' } : { stride: 1, pad: 1 } };
    case 'maxPool': {
      const shape = [2, 4 * k, 4, 3];
      const n = shape.reduce((a, b) => a * b, 1);
      const order = shuffle(Array.from({ length: n }, (_, i) => i), r);
      return { inputs: { x: { shape, data: Float64Array.from(order, (v) => (v - n / 2) * 0.1) } }, options: { size: 2, stride: 2 } };
    }
  }
  throw new ArgumentError('gate', name, 'a gate name');
}

/**
 * The centred difference of f(x) = Σ out(x) ⊙ R at every coordinate, summed difference-first:
 * Σⱼ (out(x + h·eᵢ)ⱼ − out(x − h·eᵢ)ⱼ)·Rⱼ / 2h. The same number as (f(x + h) − f(x − h)) / 2h in
 * exact arithmetic, but the outputs that the coordinate does not touch cancel exactly instead of
 * adding the rounding error of the whole sum (a conv pixel touched by one weight keeps 1e-8).
 *
 * @example
 * const x = Float64Array.from([1, 2]);
 * nn.losses.centredDot((v) => v[0] * v[1], x, 1e-5, (o) => o as number)   // Float64Array [2, 1] (to ~1e-11)
 */
export function centredDot(at: (x: Float64Array) => Value64, x: Float64Array, h: number, dot: (o: Value64) => number): Float64Array {
  const grad = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const old = x[i];
    x[i] = old + h; const plus = at(Float64Array.from(x));
    x[i] = old - h; const minus = at(Float64Array.from(x));
    x[i] = old;
    const diff: Value64 = typeof plus === 'number' ? plus - (minus as number) : { shape: plus.shape, data: plus.data.map((v, j) => v - (minus as Array64).data[j]) };
    grad[i] = dot(diff) / (2 * h);
  }
  return grad;
}

export { gradRelErrorMax as gateRelError };

function flat(v: unknown): Float64Array {
  return typeof v === 'number' ? Float64Array.of(v) : Float64Array.from((v as Array64).data);
}

function rebuild(like: unknown, x: Float64Array): Value64 {
  return typeof like === 'number' ? x[0] : { shape: [...(like as Array64).shape], data: x };
}

/**
 * Checks a gate's backward pass against centred differences of its forward pass (float64, step
 * h), one row per differentiable input. The upstream gradient is seeded. `name` may be a gate
 * object (your own gate, or a broken one).
 *
 * @example
 * nn.losses.checkGate('multiply', { x: 3, y: -2 })[0].verdict   // 'right'
 */
export function checkGate(name: GateName | string | Gate, inputs: Record<string, unknown>, options: { h?: number; seed?: number; gateOptions?: Record<string, unknown> } = {}): GateCheckRow[] {
  const g = typeof name === 'string' ? gate(name) : name;
  const h = checkNumber('h', options.h ?? 1e-5, { min: 1e-12, max: 1 });
  // the upstream gradient's own stream: never the sequence that drew the inputs (a BN input x = 2R + 1 gives dx = 0)
  const random = mulberry32(mix32(checkInt('seed', options.seed ?? 0, { min: 0 }) + 0x5eed));
  const { out, cache } = g.forward(inputs, options.gateOptions);
  const R: Value64 = typeof out === 'number' ? 0.5 + random() : normal(out.shape, random);
  const dot = (o: Value64) => (typeof o === 'number' ? o * (R as number) : o.data.reduce((s, v, i) => s + v * (R as Array64).data[i], 0));
  const grads = g.backward(R, cache);
  return g.inputs.filter((k) => !g.constants.includes(k)).map((input) => {
    const x = flat(inputs[input]);
    const at = (xs: Float64Array) => g.forward({ ...inputs, [input]: rebuild(inputs[input], xs) }, options.gateOptions).out;
    const numeric = centredDot(at, x, h, dot);
    const analytic = flat(grads[`d${input}`]);
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, gradRelErrorMax(analytic[i], numeric[i]));
    return { gate: g.name, input, shape: typeof inputs[input] === 'number' ? [] : [...(inputs[input] as Array64).shape], maxRelError: worst, verdict: gradVerdict(worst) };
  });
}
