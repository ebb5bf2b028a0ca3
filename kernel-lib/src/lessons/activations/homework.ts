/**
 * Homework 01, exercises 1 to 6 (lesson 01, activation functions): Leaky ReLU, ELU and SELU,
 * forward and backward, cs231n style (the backward takes the upstream gradient `dout` and returns
 * dx = dout ⊙ f'(x), shaped like x):
 *
 *   leakyReluForward(x, alpha) = x (x > 0), αx (x <= 0)          backward: dout ⊙ [1 or α]
 *   eluForward(x, alpha)       = x (x > 0), α(eˣ - 1) (x <= 0)   backward: dout ⊙ [1 or αeˣ]
 *   seluForward(x)             = λx (x > 0), λα(eˣ - 1)          backward: dout ⊙ [λ or λαeˣ]
 *
 * with λ = 1.0507009873554805, α = 1.6732632423543772 (Klambauer et al. 2017). At x = 0 every
 * function takes its x <= 0 branch, as the library and tfjs's gradients do.
 *
 * Each case runs the student's function on seeded float32 inputs and compares the output with the
 * library's own function (`nets/activations`, the kernels behind `nn.activations`) by cs231n's
 * relative error max|a - b| / max(|a| + |b|). A failure is matched against the known mistakes,
 * each computed in float64 from the same float32 inputs: the wrong branch at 0, the ELU derivative
 * written as αeˣ for x > 0 too, SELU's constants swapped or rounded, a hard-coded α, the
 * forward's value returned as the derivative, `dout` forgotten, an overflowing unused branch.
 */
import * as tf from '@tensorflow/tfjs';
import * as k from '../../nets/activations';
import { mulberry32, randomNormal } from '../../core/rng';
import { CheckCase, diagnose, Exercise, fmt, Mistake, readTensor, relError, worstIndex } from '../../core/exercise';
import { DEAD_UNIT_FRACTION } from './homeworkDead';

const { SELU_ALPHA: A, SELU_LAMBDA: L } = k;

/**
 * float32 rounds each op to 6e-8 relative, and these functions take at most five ops (min, exp,
 * subtract, two products): a few 1e-7. A student may also write α(eˣ - 1) instead of expm1
 * (absolute error ulp(1) = 1.2e-7 near 0⁻, small against the largest value of a case) and SELU's
 * constants to four decimals (1.0507 · 1.6733 is 2.2e-5 relative off λα: a relative error of
 * 1.1e-5); 5e-5 accepts both with a margin of 4, while rounding to three decimals (1.4e-4) or to
 * 1.05 and 1.67 (1.3e-3) fails.
 */
export const ACTIVATION_TOL = 5e-5;

type Kind = 'leakyRelu' | 'elu' | 'selu';

/** What an elementwise exercise computes: the library's reference and the known mistakes, per element. */
interface Spec {
  kind: Kind;
  backward: boolean;
  /** The library's f(x) or f'(x) (float32). */
  reference(x: tf.Tensor, alpha: number): tf.Tensor;
  /** The known mistakes as the value they give at x (already multiplied by dout where the student would). */
  mistakes: { hint: string; at(x: number, dout: number, alpha: number): number }[];
}

/** One case of an elementwise exercise: x (and dout) as float32 values, α where the function has one. */
interface Problem { shape: number[]; x: Float32Array; dout: Float32Array; alpha: number }

/** x = scale · N(0, 1), with `specials` first; dout ~ N(0, 1) with dout = 1 where x is special (so a kink error shows at full size). */
function problem(shape: number[], seed: number, scale: number, alpha: number, specials: number[] = [], doutOnes = false): Problem {
  const rand = mulberry32(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: n }, (_, i) => (i < specials.length ? specials[i] : scale * randomNormal(rand)));
  const dout = Float32Array.from({ length: n }, (_, i) => (doutOnes || i < specials.length ? 1 : randomNormal(rand)));
  return { shape, x, dout, alpha };
}

const NAMES: Record<Kind, { forward: string; backward: string }> = {
  leakyRelu: { forward: 'leakyReluForward', backward: 'leakyReluBackward' },
  elu: { forward: 'eluForward', backward: 'eluBackward' },
  selu: { forward: 'seluForward', backward: 'seluBackward' },
};

const hasAlpha = (kind: Kind) => kind !== 'selu';

/** A case whose problem is drawn in `run` from `ctx.seed(seed)`: today's inputs under nn.check, fresh ones per grading run. */
function elementwiseCase(spec: Spec, name: string, seed: number, make: (seed: number) => Problem): CheckCase {
  const fnName = NAMES[spec.kind][spec.backward ? 'backward' : 'forward'];
  return {
    name,
    async run([fn], ctx) {
      const p = make(ctx.seed(seed));
      const x = tf.tensor(p.x, p.shape, 'float32');
      const dout = tf.tensor(p.dout, p.shape, 'float32');
      const a = hasAlpha(spec.kind) ? [p.alpha] : [];
      const args = spec.backward ? [dout, x, ...a] : [x, ...a];
      const what = `${fnName}(${spec.backward ? `dout [${p.shape.join(', ')}], ` : ''}x [${p.shape.join(', ')}]${a.length ? `, ${p.alpha}` : ''})`;
      const got = await ctx.call(fnName, fn, args, (out) => readTensor(what, out, p.shape));
      if (x.isDisposed || dout.isDisposed) {
        return { passed: false, message: 'your function disposed its input tensor', hint: 'dispose only tensors you created; tf.tidy does that for you' };
      }
      const expected = tf.tidy(() => {
        const local = spec.reference(x, p.alpha);
        return spec.backward ? tf.mul(dout, local) : local;
      });
      const want = Float64Array.from(expected.dataSync());
      const err = relError(got, want);
      if (Number.isFinite(err) && err <= ACTIVATION_TOL) return { passed: true, relError: err, tolerance: ACTIVATION_TOL, message: `${got.length} values match` };
      const worst = worstIndex(got, want);
      const message = `at x = ${fmt(p.x[worst])}${spec.backward ? ` (dout ${fmt(p.dout[worst])})` : ''} you return ${fmt(got[worst])}, expected ${fmt(want[worst])}`;
      const mistakes: Mistake[] = spec.mistakes.map((m) => ({ hint: m.hint, expected: Array.from(p.x, (v, i) => m.at(v, p.dout[i], p.alpha)) }));
      let hint = diagnose(got, mistakes, ACTIVATION_TOL);
      if (!hint && spec.kind === 'selu' && err < 1e-2) hint = ROUNDED;
      if (!hint && got.some((v) => !Number.isFinite(v))) {
        hint = 'NaN or Infinity: e^x of the unused branch overflows for large x (e^100 = Infinity in float32) and 0 · Infinity = NaN; ' +
          'pick the branch with tf.where and take the exponential of tf.minimum(x, 0)';
      }
      return { passed: false, relError: err, tolerance: ACTIVATION_TOL, message, hint };
    },
  };
}


// The kink and the tails: exactly 0, just either side of it, ±1, ±10, and 100 (e^100 overflows float32).
const KINK = [0, -1e-8, 1e-8, -1, 1, -10, 10];
const TAILS = [0, -1e-8, 1e-8, -1, 1, -10, 10, -100, 100, -1000];

const BRANCH_AT_0 = (f: string) => `wrong branch at 0: at x = 0 take the x <= 0 branch, ${f} (the lesson's and tfjs's convention); test x > 0, not x >= 0`;
const NO_DOUT = 'multiply by the upstream gradient: the backward returns dx = dout ⊙ f\'(x), not the local derivative f\'(x) alone';
const FORWARD_AS_GRAD = 'you returned the forward value f(x) times dout; the backward needs the derivative f\'(x)';

const lrelu = (x: number, a: number) => (x > 0 ? x : a * x);
const lreluD = (x: number, a: number) => (x > 0 ? 1 : a);
const elu = (x: number, a: number) => (x > 0 ? x : a * Math.expm1(x));
const eluD = (x: number, a: number) => (x > 0 ? 1 : a * Math.exp(x));
const selu = (x: number, lambda = L, alpha = A) => (x > 0 ? lambda * x : lambda * alpha * Math.expm1(x));
const seluD = (x: number, lambda = L, alpha = A) => (x > 0 ? lambda : lambda * alpha * Math.exp(x));

const LEAKY_FORWARD: Spec = {
  kind: 'leakyRelu', backward: false, reference: (x, a) => k.leakyRelu(x, a),
  mistakes: [
    { hint: 'that is ReLU, max(0, x): Leaky ReLU keeps a slope α for x <= 0, giving αx there', at: (x) => Math.max(0, x) },
    { hint: 'the branches are swapped: x for x > 0, αx for x <= 0', at: (x, _, a) => (x > 0 ? a * x : x) },
    { hint: 'use the alpha argument instead of a hard-coded 0.01', at: (x) => lrelu(x, 0.01) },
    { hint: 'max(α, x) compares x with the number α; Leaky ReLU is max(αx, x)', at: (x, _, a) => Math.max(a, x) },
  ],
};

const LEAKY_BACKWARD: Spec = {
  kind: 'leakyRelu', backward: true, reference: (x, a) => k.leakyReluGrad(x, a),
  mistakes: [
    { hint: BRANCH_AT_0('f\'(0) = α'), at: (x, d, a) => d * (x >= 0 ? 1 : a) },
    { hint: NO_DOUT, at: (x, _, a) => lreluD(x, a) },
    { hint: 'that is ReLU\'s derivative: for x <= 0 the slope is α, not 0', at: (x, d) => d * (x > 0 ? 1 : 0) },
    { hint: 'the branches are swapped: the slope is 1 for x > 0 and α for x <= 0', at: (x, d, a) => d * (x > 0 ? a : 1) },
    { hint: 'use the alpha argument instead of a hard-coded 0.01', at: (x, d) => d * lreluD(x, 0.01) },
    { hint: FORWARD_AS_GRAD, at: (x, d, a) => d * lrelu(x, a) },
  ],
};

const ELU_FORWARD: Spec = {
  kind: 'elu', backward: false, reference: (x, a) => k.elu(x, a),
  mistakes: [
    { hint: 'for x <= 0 ELU is α(eˣ - 1): without the -1 it jumps from α to 0 at x = 0 and does not go to -α', at: (x, _, a) => (x > 0 ? x : a * Math.exp(x)) },
    { hint: 'use the alpha argument (tf.elu has no α: it is α = 1); write α(eˣ - 1) yourself', at: (x) => elu(x, 1) },
    { hint: 'multiply eˣ - 1 by α', at: (x) => (x > 0 ? x : Math.expm1(x)) },
    { hint: 'that is ReLU: ELU is α(eˣ - 1) for x <= 0, not 0', at: (x) => Math.max(0, x) },
    { hint: 'the branches are swapped: x for x > 0, α(eˣ - 1) for x <= 0', at: (x, _, a) => (x > 0 ? a * Math.expm1(x) : x) },
  ],
};

const ELU_BACKWARD: Spec = {
  kind: 'elu', backward: true, reference: (x, a) => k.eluGrad(x, a),
  mistakes: [
    { hint: 'ELU\'s derivative written as αeˣ everywhere: for x > 0, elu(x) = x, so the derivative there is 1; αeˣ belongs to the x <= 0 branch only', at: (x, d, a) => d * a * Math.exp(x) },
    { hint: BRANCH_AT_0('f\'(0) = αe⁰ = α'), at: (x, d, a) => d * (x >= 0 ? 1 : a * Math.exp(x)) },
    { hint: NO_DOUT, at: (x, _, a) => eluD(x, a) },
    { hint: 'you wrote α(eˣ - 1), the forward, for x <= 0; its derivative is αeˣ (the -1 is a constant)', at: (x, d, a) => d * (x > 0 ? 1 : a * Math.expm1(x)) },
    { hint: 'multiply eˣ by α: the derivative of α(eˣ - 1) is αeˣ', at: (x, d) => d * (x > 0 ? 1 : Math.exp(x)) },
    { hint: 'use the alpha argument instead of a hard-coded α = 1', at: (x, d) => d * eluD(x, 1) },
    { hint: FORWARD_AS_GRAD, at: (x, d, a) => d * elu(x, a) },
  ],
};

const CONSTANTS = `λ = ${L} scales both branches and α = ${A} sits inside: λx for x > 0, λα(eˣ - 1) for x <= 0`;
const ROUNDED = 'your constants are rounded too far: λ = 1.0507009873554805, α = 1.6732632423543772 (nn.activations.SELU_LAMBDA, SELU_ALPHA); SELU self-normalises only with these';

const SELU_FORWARD: Spec = {
  kind: 'selu', backward: false, reference: (x) => k.selu(x),
  mistakes: [
    { hint: `SELU's constants are swapped: ${CONSTANTS}`, at: (x) => selu(x, A, L) },
    { hint: `λ multiplies the x > 0 branch too: ${CONSTANTS}`, at: (x) => (x > 0 ? x : selu(x)) },
    { hint: `λ is missing: ${CONSTANTS}`, at: (x) => selu(x, 1) },
    { hint: `α is missing from the x <= 0 branch: ${CONSTANTS}`, at: (x) => selu(x, L, 1) },
    { hint: ROUNDED, at: (x) => selu(x, 1.05, 1.67) },
    { hint: 'for x <= 0 SELU is λα(eˣ - 1): the -1 is missing', at: (x) => (x > 0 ? L * x : L * A * Math.exp(x)) },
  ],
};

const SELU_BACKWARD: Spec = {
  kind: 'selu', backward: true, reference: (x) => k.seluGrad(x),
  mistakes: [
    { hint: `SELU's constants are swapped: the derivative is λ for x > 0 and λαeˣ for x <= 0, with ${CONSTANTS}`, at: (x, d) => d * seluD(x, A, L) },
    { hint: BRANCH_AT_0('f\'(0) = λα'), at: (x, d) => d * (x >= 0 ? L : L * A * Math.exp(x)) },
    { hint: 'the derivative written as λαeˣ everywhere: for x > 0, selu(x) = λx, so the derivative there is λ', at: (x, d) => d * L * A * Math.exp(x) },
    { hint: NO_DOUT, at: (x) => seluD(x) },
    { hint: 'for x > 0 the derivative of λx is λ, not 1', at: (x, d) => d * (x > 0 ? 1 : L * A * Math.exp(x)) },
    { hint: `λ is missing: ${CONSTANTS}`, at: (x, d) => d * seluD(x, 1) },
    { hint: 'you wrote λα(eˣ - 1), the forward, for x <= 0; its derivative is λαeˣ', at: (x, d) => d * (x > 0 ? L : L * A * Math.expm1(x)) },
    { hint: ROUNDED, at: (x, d) => d * seluD(x, 1.05, 1.67) },
    { hint: FORWARD_AS_GRAD, at: (x, d) => d * selu(x) },
  ],
};

/** The cases of one exercise: two random ones (one with another α), the kink, the tails, another rank. */
function cases(spec: Spec, seed: number): CheckCase[] {
  const [a1, a2, aKink] = spec.kind === 'leakyRelu' ? [0.01, 0.1, 0.2] : spec.kind === 'elu' ? [1, 0.5, 0.3] : [0, 0, 0];
  const al = (a: number) => (hasAlpha(spec.kind) ? `, α = ${a}` : '');
  const list = [
    elementwiseCase(spec, `x [8, 16] ~ 3·N(0, 1)${al(a1)}`, seed, (s) => problem([8, 16], s, 3, a1)),
    elementwiseCase(spec, `x [200] ~ N(0, 1)${al(a2)}`, seed + 1, (s) => problem([200], s, 1, a2)),
    elementwiseCase(spec, `edge case, the kink: x = 0, ±1e-8, ±1, ±10${al(aKink)}${spec.backward ? ', dout = 1' : ''}`, seed + 2, (s) => problem([KINK.length], s, 1, aKink, KINK, true)),
  ];
  if (spec.kind !== 'leakyRelu') {
    list.push(elementwiseCase(spec, `edge case, the tails: x = ±100, -1000 (e^100 overflows float32: no NaN)${al(a1)}`, seed + 3, (s) => problem([TAILS.length], s, 1, a1, TAILS, true)));
  }
  list.push(elementwiseCase(spec, `rank 3: x [2, 3, 4]${spec.kind === 'leakyRelu' ? al(0) + ' (plain ReLU)' : al(a2)}`, seed + 4, (s) => problem([2, 3, 4], s, 2, spec.kind === 'leakyRelu' ? 0 : a2)));
  return list;
}

const TENSOR = 'nn.tf.Tensor';
const sig = (kind: Kind, backward: boolean) => `function ${NAMES[kind][backward ? 'backward' : 'forward']}(${backward ? `dout: ${TENSOR}, ` : ''}x: ${TENSOR}${hasAlpha(kind) ? ', alpha: number' : ''}): ${TENSOR}`;

function exercise(spec: Spec, title: string, seed: number): Exercise {
  const name = NAMES[spec.kind][spec.backward ? 'backward' : 'forward'];
  return {
    name, homework: 'hw01-activations', lesson: '01', title, points: 5,
    functions: [name], signature: sig(spec.kind, spec.backward), cases: cases(spec, seed),
  };
}

/** Homework 01, exercise 1: leakyRelu(x) = x (x > 0), αx (x <= 0). */
export const LEAKY_RELU_FORWARD = exercise(LEAKY_FORWARD, 'Leaky ReLU, forward', 101);
/** Homework 01, exercise 2: dx = dout ⊙ [1 (x > 0) or α (x <= 0)]. */
export const LEAKY_RELU_BACKWARD = exercise(LEAKY_BACKWARD, 'Leaky ReLU, backward', 111);
/** Homework 01, exercise 3: elu(x) = x (x > 0), α(eˣ - 1) (x <= 0). */
export const ELU_FORWARD_EXERCISE = exercise(ELU_FORWARD, 'ELU, forward', 121);
/** Homework 01, exercise 4: dx = dout ⊙ [1 (x > 0) or αeˣ (x <= 0)]. */
export const ELU_BACKWARD_EXERCISE = exercise(ELU_BACKWARD, 'ELU, backward', 131);
/** Homework 01, exercise 5: selu(x) = λx (x > 0), λα(eˣ - 1) (x <= 0). */
export const SELU_FORWARD_EXERCISE = exercise(SELU_FORWARD, 'SELU, forward', 141);
/** Homework 01, exercise 6: dx = dout ⊙ [λ (x > 0) or λαeˣ (x <= 0)]. */
export const SELU_BACKWARD_EXERCISE = exercise(SELU_BACKWARD, 'SELU, backward', 151);

/** Homework 01's exercises in notebook order (lesson.ts lists them; the registry reads them from there). */
export const HOMEWORK_01: readonly Exercise[] = [
  LEAKY_RELU_FORWARD, LEAKY_RELU_BACKWARD, ELU_FORWARD_EXERCISE, ELU_BACKWARD_EXERCISE, SELU_FORWARD_EXERCISE, SELU_BACKWARD_EXERCISE,
  DEAD_UNIT_FRACTION,
];
