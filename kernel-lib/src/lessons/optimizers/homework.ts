/**
 * Homework 07 (optimizers): the student writes three update rules as plain functions over number
 * arrays, one step each, returning the new weights and the new state (the inputs untouched):
 *
 *   momentumStep(w, dw, v, lr, rho)                          → { w, v }   v = ρ·v + dw;  w − lr·v
 *   rmspropStep(w, dw, cache, lr, decay, eps)                → { w, cache }  cache = d·cache + (1 − d)·dw²;  w − lr·dw / (√cache + ε)
 *   adamStep(w, dw, m, v, t, lr, beta1, beta2, eps)          → { w, m, v }  t = 1, 2, ...; bias-corrected m̂, v̂;  w − lr·m̂ / (√v̂ + ε)
 *
 * Each case runs the student's rule over a seeded gradient sequence (state starting at zeros) and
 * compares every step's weights with `nn.nets.step64` (float64, the lesson's reference), relative
 * error below 1e-9. A wrong trajectory is compared with the trajectories of the known mistakes
 * ({@link HW07_HINTS}): momentum's sign flipped (the slides' two forms mixed: v = ρ·v − dw with
 * w − lr·v), ρ ignored, ε inside the square root, RMSProp's (1 − d) left out, Adam without bias
 * correction, corrected with the wrong moment's β or only one moment corrected. The gradient
 * sequences are made so that each mistake moves the weights measurably: a case with gradients of
 * order 1e-3 and ε = 1e-3 (ε's place matters), long and short runs (bias correction fades with t).
 */
import { mulberry32 } from '../../core/rng';
import { CheckCase, Exercise, fmt, relError, ReturnError } from '../../core/exercise';
import { step64, State64 } from '../../nets/optim64';

/** The variants of each rule: the right one and the known mistakes. */
export type MomentumVariant = 'right' | 'signFlipped' | 'noRho' | 'lrInVelocity';
export type RmspropVariant = 'right' | 'epsInside' | 'noOneMinusDecay' | 'noSquare';
export type AdamVariant = 'right' | 'noBiasCorrection' | 'swappedCorrection' | 'onlyFirstCorrected' | 'onlySecondCorrected' | 'epsInside';

/** The hint of each known mistake. */
export const HW07_HINTS = {
  momentum: {
    signFlipped: 'your weights climb: the velocity and the step have opposite signs. The slides show two forms; do not mix them. Lecture form: v = rho·v + dw, then w = w − lr·v (or v = rho·v − lr·dw, then w = w + v)',
    noRho: 'your steps do not build up: that is plain SGD. The velocity keeps a fraction rho of the old one: v = rho·v + dw',
    lrInVelocity: 'lr is applied twice: in the lecture form the velocity sums raw gradients (v = rho·v + dw) and the step is w − lr·v',
  },
  rmsprop: {
    epsInside: 'ε sits inside the square root: the lecture divides by (√cache + ε), with ε added after the root',
    noOneMinusDecay: 'the new squared gradient is added whole: cache = decay·cache + (1 − decay)·dw² (a leaky average, not a leaky sum)',
    noSquare: 'the cache must average the squared gradient, dw·dw, not dw',
  },
  adam: {
    noBiasCorrection: 'no bias correction: m and v start at 0, so divide them by (1 − beta1^t) and (1 − beta2^t) before the step (t counts from 1)',
    swappedCorrection: 'the bias corrections are swapped: m̂ = m / (1 − beta1^t) and v̂ = v / (1 − beta2^t), each moment with its own β',
    onlyFirstCorrected: 'only the first moment is bias-corrected: v̂ = v / (1 − beta2^t) too',
    onlySecondCorrected: 'only the second moment is bias-corrected: m̂ = m / (1 − beta1^t) too',
    epsInside: 'ε sits inside the square root: the lecture divides by (√v̂ + ε), with ε added after the root',
  },
} as const;

/** A seeded gradient sequence: `steps` gradients of `n` numbers, normal with the given mean and scale. */
export function gradientSequence(seed: number, steps: number, n: number, scale: number, mean = 0): number[][] {
  const random = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: steps }, () => Array.from({ length: n }, () => scale * (mean + normal())));
}

/** One design of a case: start weights, gradients and the rule's knobs. */
interface Design { label: string; w0: number[]; grads: number[][]; config: Record<string, number> }

/** The trajectory (weights after every step) of momentum, variant `variant`, in float64. */
export function momentumTrajectory(variant: MomentumVariant, w0: readonly number[], grads: readonly number[][], lr: number, rho: number): number[][] {
  if (variant === 'right') return run64('momentum', w0, grads, { lr, rho });
  let w = w0.slice();
  let v = w0.map(() => 0);
  return grads.map((dw) => {
    v = v.map((vi, i) => (variant === 'signFlipped' ? rho * vi - dw[i] : variant === 'noRho' ? dw[i] : rho * vi + lr * dw[i]));
    w = w.map((wi, i) => wi - lr * v[i]);
    return w.slice();
  });
}

/** The trajectory of RMSProp, variant `variant`, in float64. */
export function rmspropTrajectory(variant: RmspropVariant, w0: readonly number[], grads: readonly number[][], lr: number, decay: number, eps: number): number[][] {
  if (variant === 'right') return run64('rmsprop', w0, grads, { lr, decay, eps });
  let w = w0.slice();
  let c = w0.map(() => 0);
  return grads.map((dw) => {
    c = c.map((ci, i) => decay * ci + (variant === 'noOneMinusDecay' ? 1 : 1 - decay) * (variant === 'noSquare' ? dw[i] : dw[i] * dw[i]));
    w = w.map((wi, i) => wi - lr * dw[i] / (variant === 'epsInside' ? Math.sqrt(c[i] + eps) : Math.sqrt(Math.abs(c[i])) + eps));
    return w.slice();
  });
}

/** The trajectory of Adam, variant `variant`, in float64. */
export function adamTrajectory(variant: AdamVariant, w0: readonly number[], grads: readonly number[][], lr: number, beta1: number, beta2: number, eps: number): number[][] {
  if (variant === 'right') return run64('adam', w0, grads, { lr, beta1, beta2, eps });
  let w = w0.slice();
  const m = w0.map(() => 0);
  const v = w0.map(() => 0);
  return grads.map((dw, k) => {
    const t = k + 1;
    let c1 = 1 - beta1 ** t;
    let c2 = 1 - beta2 ** t;
    if (variant === 'noBiasCorrection') { c1 = 1; c2 = 1; }
    if (variant === 'swappedCorrection') [c1, c2] = [c2, c1];
    if (variant === 'onlyFirstCorrected') c2 = 1;
    if (variant === 'onlySecondCorrected') c1 = 1;
    w = w.map((wi, i) => {
      m[i] = beta1 * m[i] + (1 - beta1) * dw[i];
      v[i] = beta2 * v[i] + (1 - beta2) * dw[i] * dw[i];
      const mh = m[i] / c1;
      const vh = v[i] / c2;
      return wi - lr * mh / (variant === 'epsInside' ? Math.sqrt(vh + eps) : Math.sqrt(vh) + eps);
    });
    return w.slice();
  });
}

function run64(name: string, w0: readonly number[], grads: readonly number[][], config: Record<string, number>): number[][] {
  let w = w0.slice();
  let state: State64 | null = null;
  return grads.map((dw) => {
    ({ w, state } = step64(name, w, dw, state, config));
    return w.slice();
  });
}

/** Reads `out[key]` as an array of n finite numbers, or fails the case. */
function readArray(call: string, out: unknown, key: string, n: number): number[] {
  if (typeof out !== 'object' || out === null) throw new ReturnError(`${call} returned ${typeof out}, expected an object { ${key}, ... }`);
  const value = (out as Record<string, unknown>)[key];
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) throw new ReturnError(`${call}.${key} is ${value === undefined ? 'missing' : typeof value}, expected an array of ${n} numbers`);
  const arr = Array.from(value as ArrayLike<unknown>);
  if (arr.length !== n) throw new ReturnError(`${call}.${key} has ${arr.length} numbers, expected ${n}`);
  if (!arr.every((x) => typeof x === 'number')) throw new ReturnError(`${call}.${key} holds something other than numbers`);
  return arr as number[];
}

type Rule = 'momentum' | 'rmsprop' | 'adam';

const STATE_KEYS: Record<Rule, string[]> = { momentum: ['v'], rmsprop: ['cache'], adam: ['m', 'v'] };

/** Runs the student's step over a design, collecting the weights after every step. */
async function studentTrajectory(rule: Rule, fn: unknown, d: Design, ctx: { call: <T>(name: string, fn: unknown, args: readonly unknown[], read: (out: unknown) => T) => Promise<T> }): Promise<number[][]> {
  const n = d.w0.length;
  let w = d.w0.slice();
  let state: Record<string, number[]> = Object.fromEntries(STATE_KEYS[rule].map((k) => [k, new Array<number>(n).fill(0)]));
  const out: number[][] = [];
  const c = d.config;
  for (const [k, dw] of d.grads.entries()) {
    const name = `${rule}Step`;
    const args = rule === 'momentum' ? [w.slice(), dw.slice(), state.v.slice(), c.lr, c.rho]
      : rule === 'rmsprop' ? [w.slice(), dw.slice(), state.cache.slice(), c.lr, c.decay, c.eps]
        : [w.slice(), dw.slice(), state.m.slice(), state.v.slice(), k + 1, c.lr, c.beta1, c.beta2, c.eps];
    const next = await ctx.call(name, fn, args, (r) => ({ w: readArray(`${name}(...) at step ${k + 1}`, r, 'w', n), state: Object.fromEntries(STATE_KEYS[rule].map((key) => [key, readArray(`${name}(...) at step ${k + 1}`, r, key, n)])) }));
    w = next.w;
    state = next.state;
    out.push(w.slice());
  }
  return out;
}

function trajectory(rule: Rule, variant: string, d: Design): number[][] {
  const c = d.config;
  if (rule === 'momentum') return momentumTrajectory(variant as MomentumVariant, d.w0, d.grads, c.lr, c.rho);
  if (rule === 'rmsprop') return rmspropTrajectory(variant as RmspropVariant, d.w0, d.grads, c.lr, c.decay, c.eps);
  return adamTrajectory(variant as AdamVariant, d.w0, d.grads, c.lr, c.beta1, c.beta2, c.eps);
}

const TOLERANCE = 1e-9;
/** How close a wrong trajectory must come to a mistake's to get its hint. */
const HINT_TOLERANCE = 1e-6;

/** A case over the design `ds` draws from ctx.seed(spec.seed): today's under nn.check, a fresh one per grading run. */
function ruleCase(rule: Rule, ds: DesignSpec): CheckCase {
  return {
    name: ds.label,
    async run([fn], ctx) {
      const d = design(ds, ctx.seed(ds.seed));
      const got = await studentTrajectory(rule, fn, d, ctx);
      const want = trajectory(rule, 'right', d);
      const flat = (t: number[][]) => t.flat();
      const err = relError(flat(got), flat(want));
      const last = got.length - 1;
      const what = `${d.grads.length} step${d.grads.length === 1 ? '' : 's'} of ${d.w0.length} weights: after the last step w[0] = ${fmt(got[last][0])} (expected ${fmt(want[last][0])})`;
      if (Number.isFinite(err) && err <= TOLERANCE) return { passed: true, relError: err, tolerance: TOLERANCE, message: what };
      const firstBad = got.findIndex((w, k) => !(relError(w, want[k]) <= TOLERANCE));
      const hints = HW07_HINTS[rule] as Record<string, string>;
      const hint = Object.keys(hints).find((variant) => relError(flat(got), flat(trajectory(rule, variant, d))) <= HINT_TOLERANCE);
      return {
        passed: false, relError: Number.isFinite(err) ? err : null, tolerance: TOLERANCE,
        message: `${what}; the weights first differ after step ${firstBad + 1}`, ...(hint ? { hint: hints[hint] } : {}),
      };
    },
  };
}

/** What a case draws its design from: the gradient sequence's seed, length, size, scale and mean, and the rule's knobs. */
interface DesignSpec { label: string; seed: number; steps: number; n: number; scale: number; config: Record<string, number>; mean: number }

const spec = (label: string, seed: number, steps: number, n: number, scale: number, config: Record<string, number>, mean = 0): DesignSpec => ({ label, seed, steps, n, scale, config, mean });

/** The design of `s` drawn from `seed` (w0 from seed + 1000, the gradients from seed). */
function design(s: DesignSpec, seed: number): Design {
  const random = mulberry32(seed + 1000);
  return { label: s.label, w0: Array.from({ length: s.n }, () => 2 * random() - 1), grads: gradientSequence(seed, s.steps, s.n, s.scale, s.mean), config: s.config };
}

/** What the cases of each rule draw their designs from. */
const HW07_SPECS: Readonly<Record<Rule, readonly DesignSpec[]>> = {
  momentum: [
    spec('one step from v = 0: w − lr·dw', 1, 1, 5, 1, { lr: 0.1, rho: 0.9 }),
    spec('20 steps of noisy gradients with a drift (rho 0.9): the velocity builds up', 2, 20, 8, 1, { lr: 0.01, rho: 0.9 }, 0.5),
    spec('10 steps, rho 0.99, tiny gradients', 3, 10, 6, 1e-3, { lr: 0.5, rho: 0.99 }, 1),
  ],
  rmsprop: [
    spec('one step: the cache is (1 − d)·dw²', 4, 1, 5, 1, { lr: 0.01, decay: 0.99, eps: 1e-8 }),
    spec('30 steps, decay 0.9, gradients of different scales', 5, 30, 8, 10, { lr: 1e-3, decay: 0.9, eps: 1e-8 }),
    spec('gradients of order 1e-3 with ε = 1e-3: where ε sits matters', 6, 10, 6, 1e-3, { lr: 1e-2, decay: 0.99, eps: 1e-3 }),
  ],
  adam: [
    spec('one step: with bias correction the step is lr in size, whatever the gradient\'s scale', 7, 1, 5, 100, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 }),
    spec('5 steps (β₂ = 0.999: the correction still matters a lot)', 8, 5, 8, 1, { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, 0.3),
    spec('200 steps with a drift (the corrections fade)', 9, 200, 4, 1, { lr: 1e-3, beta1: 0.9, beta2: 0.99, eps: 1e-8 }, 0.5),
    spec('gradients of order 1e-3 with ε = 1e-3: where ε sits matters', 10, 10, 6, 1e-3, { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-3 }),
  ],
};

/** The cases of each rule as nn.check draws them (exported for the tests: each mistake must move the weights in every case). */
export const HW07_DESIGNS: Readonly<Record<Rule, readonly Design[]>> = {
  momentum: HW07_SPECS.momentum.map((s) => design(s, s.seed)),
  rmsprop: HW07_SPECS.rmsprop.map((s) => design(s, s.seed)),
  adam: HW07_SPECS.adam.map((s) => design(s, s.seed)),
};

/** Homework 07, exercise 1: SGD + momentum, the lecture's form. */
export const MOMENTUM_STEP: Exercise = {
  name: 'momentumStep', homework: 'hw07-optimizers', lesson: '07', title: 'SGD with momentum', points: 10,
  functions: ['momentumStep'], signature: 'function momentumStep(w: number[], dw: number[], v: number[], lr: number, rho: number): { w: number[]; v: number[] }',
  cases: HW07_SPECS.momentum.map((d) => ruleCase('momentum', d)),
};

/** Homework 07, exercise 2: RMSProp. */
export const RMSPROP_STEP: Exercise = {
  name: 'rmspropStep', homework: 'hw07-optimizers', lesson: '07', title: 'RMSProp', points: 10,
  functions: ['rmspropStep'], signature: 'function rmspropStep(w: number[], dw: number[], cache: number[], lr: number, decay: number, eps: number): { w: number[]; cache: number[] }',
  cases: HW07_SPECS.rmsprop.map((d) => ruleCase('rmsprop', d)),
};

/** Homework 07, exercise 3: Adam with bias correction. */
export const ADAM_STEP: Exercise = {
  name: 'adamStep', homework: 'hw07-optimizers', lesson: '07', title: 'Adam with bias correction', points: 10,
  functions: ['adamStep'], signature: 'function adamStep(w: number[], dw: number[], m: number[], v: number[], t: number, lr: number, beta1: number, beta2: number, eps: number): { w: number[]; m: number[]; v: number[] }',
  cases: HW07_SPECS.adam.map((d) => ruleCase('adam', d)),
};

/** Homework hw07's exercises. */
export const HOMEWORK_07: Exercise[] = [MOMENTUM_STEP, RMSPROP_STEP, ADAM_STEP];
