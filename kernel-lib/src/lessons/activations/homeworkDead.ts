/**
 * Homework 01, exercise 7 (lesson 01): counting dead ReLUs.
 *
 *   deadUnitFraction(X, W, b) = #{ j : z_ij <= 0 for every example i } / H,   z = X·W + b
 *
 * X [N, D], W [D, H], b [H]. A unit whose pre-activation is <= 0 on every example outputs 0 and has
 * relu'(z) = 0 everywhere (z = 0 included), so no gradient ever reaches its weights: it is dead on
 * that batch. The cases are seeded and built so that no unit's largest z lies within 1e-3 of 0 unless
 * it is exactly 0, so float32 and the float64 reference agree; special units test the edges (zero
 * weights and bias: z = 0, dead; positive on a single example: alive). Known mistakes (z < 0 instead
 * of z <= 0, "inactive on some example" instead of every, entries or examples counted instead of
 * units, the count instead of the fraction, the bias forgotten, the alive fraction) get their hints.
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32, randomNormal } from '../../core/rng';
import { describe } from '../../core/errors';
import { CheckCase, diagnose, Exercise, fmt, Mistake, ReturnError } from '../../core/exercise';

/** A fraction k / H computed in float32 is within 6e-8 relative of the exact one; every mistake is off by >= 1 / H. */
const TOL = 1e-6;

export interface Layer {
  N: number; D: number; H: number;
  X: Float32Array; W: Float32Array; b: Float32Array;
}

/** z = X·W (+ b) in float64, [N, H] row-major. */
export function preActivations(p: Layer, withBias = true): Float64Array {
  const z = new Float64Array(p.N * p.H);
  for (let i = 0; i < p.N; i++) {
    for (let j = 0; j < p.H; j++) {
      let s = withBias ? p.b[j] : 0;
      for (let d = 0; d < p.D; d++) s += p.X[i * p.D + d] * p.W[d * p.H + j];
      z[i * p.H + j] = s;
    }
  }
  return z;
}

type Variant = 'right' | 'strict' | 'any' | 'entries' | 'examples' | 'count' | 'noBias' | 'alive';

/** The fraction of dead units, or what a known mistake computes instead. */
export function deadFraction64(p: Layer, variant: Variant = 'right'): number {
  const z = preActivations(p, variant !== 'noBias');
  const inactive = (v: number) => (variant === 'strict' ? v < 0 : v <= 0);
  if (variant === 'entries') return z.filter((v) => v <= 0).length / z.length;
  if (variant === 'examples') {
    let rows = 0;
    for (let i = 0; i < p.N; i++) if (z.subarray(i * p.H, (i + 1) * p.H).every(inactive)) rows++;
    return rows / p.N;
  }
  let dead = 0;
  for (let j = 0; j < p.H; j++) {
    const column = Array.from({ length: p.N }, (_, i) => z[i * p.H + j]);
    if (variant === 'any' ? column.some(inactive) : column.every(inactive)) dead++;
  }
  if (variant === 'count') return dead;
  return variant === 'alive' ? 1 - dead / p.H : dead / p.H;
}

const HINTS: Record<Exclude<Variant, 'right'>, string> = {
  strict: 'z = 0 counts as dead: ReLU outputs 0 there and relu\'(0) = 0, so no gradient flows; test z <= 0, not z < 0',
  any: 'a unit is dead only when it is inactive for EVERY example of the batch: one example with z > 0 keeps it alive',
  entries: 'count units (the columns of z), not entries of z: a unit is dead when its whole column is <= 0',
  examples: 'the units are the columns of z = X·W + b (axis 1): reduce over the examples (axis 0), not over the units',
  count: 'return the fraction of dead units (dead / H), not their number',
  noBias: 'z = X·W + b: the bias is part of the pre-activation (a large negative bias is what kills units)',
  alive: 'that is the fraction of ALIVE units: return the dead ones',
};

export interface Design {
  N: number; D: number; H: number; biasMean: number; seed: number;
  /** Units with zero weights and bias 0 (z = 0 on every example: dead). */
  zeroUnits?: number;
  /** Units positive on exactly one example (alive). */
  oneExampleUnits?: number;
}

/** A seeded layer: X ~ N(0, 1), W ~ N(0, 1/D), b ~ N(biasMean, 1), with the special units first and margins of 1e-3 around 0. */
export function deadLayer(d: Design): Layer {
  const rand = mulberry32(d.seed);
  const { N, D, H } = d;
  const X = Float32Array.from({ length: N * D }, () => randomNormal(rand));
  const W = Float32Array.from({ length: D * H }, () => randomNormal(rand) / Math.sqrt(D));
  const b = Float32Array.from({ length: H }, () => d.biasMean + randomNormal(rand));
  const zeros = d.zeroUnits ?? 0;
  for (let j = 0; j < zeros; j++) {
    for (let k = 0; k < D; k++) W[k * H + j] = 0;
    b[j] = 0;
  }
  const p = { N, D, H, X, W, b };
  const xw = preActivations(p, false);
  const column = (j: number) => Array.from({ length: N }, (_, i) => xw[i * H + j]).sort((u, v) => v - u);
  for (let j = zeros; j < zeros + (d.oneExampleUnits ?? 0); j++) {
    const [m1, m2] = column(j);
    b[j] = -(m1 + m2) / 2; // z > 0 for the top example only, by (m1 - m2) / 2
  }
  for (let j = zeros + (d.oneExampleUnits ?? 0); j < H; j++) {
    const top = column(j)[0] + b[j];
    if (Math.abs(top) < 1e-3) b[j] = Math.fround(b[j] - 2e-3);
  }
  return p;
}

function readFraction(what: string, out: unknown): number {
  if (typeof out === 'number') return out;
  if (out instanceof tf.Tensor && !out.isDisposed && out.size === 1) return out.dataSync()[0];
  throw new ReturnError(`${what} must return a number, got ${out === undefined ? 'undefined (did you forget to return?)' : out instanceof tf.Tensor ? `a tensor of shape [${out.shape.join(', ')}]` : describe(out)}`,
    out instanceof tf.Tensor ? 'return one number: the dead units divided by H (read a scalar tensor with .dataSync()[0])' : undefined);
}

function deadCase(name: string, design: Design): CheckCase {
  return {
    name,
    async run([fn], ctx) {
      const p = deadLayer({ ...design, seed: ctx.seed(design.seed) });
      const X = tf.tensor2d(p.X, [p.N, p.D], 'float32');
      const W = tf.tensor2d(p.W, [p.D, p.H], 'float32');
      const b = tf.tensor1d(p.b, 'float32');
      const what = `deadUnitFraction(X [${p.N}, ${p.D}], W [${p.D}, ${p.H}], b [${p.H}])`;
      const got = await ctx.call('deadUnitFraction', fn, [X, W, b], (out) => readFraction(what, out));
      if (X.isDisposed || W.isDisposed || b.isDisposed) {
        return { passed: false, message: 'your function disposed one of its inputs (X, W or b)', hint: 'dispose only tensors you created; tf.tidy does that for you' };
      }
      const want = deadFraction64(p);
      const err = Math.abs(got - want) / (Math.abs(got) + Math.abs(want) || 1);
      const message = `${fmt(got)}, expected ${fmt(want)} (${Math.round(want * p.H)} of ${p.H} units dead)`;
      if (Number.isFinite(err) && err <= TOL) return { passed: true, relError: err, tolerance: TOL, message };
      const mistakes: Mistake[] = (Object.keys(HINTS) as Exclude<Variant, 'right'>[]).map((v) => ({ hint: HINTS[v], expected: [deadFraction64(p, v)] }));
      return { passed: false, relError: Number.isFinite(err) ? err : null, tolerance: TOL, message, hint: diagnose([got], mistakes, TOL) };
    },
  };
}

/** The layers of the check's cases, named as the check prints them. */
export const DEAD_DESIGNS: readonly (Design & { name: string })[] = [
  { name: 'X [64, 20], W [20, 50], b ~ N(-1.5, 1): some units dead', N: 64, D: 20, H: 50, biasMean: -1.5, seed: 161 },
  {
    name: 'edge case: 3 units with zero weights and bias (z = 0: dead), 3 positive on one example only (alive)',
    N: 32, D: 10, H: 12, biasMean: -1, seed: 162, zeroUnits: 3, oneExampleUnits: 3,
  },
  { name: 'edge case: a batch of one example, X [1, 8], W [8, 30]', N: 1, D: 8, H: 30, biasMean: 0, seed: 163 },
  { name: 'a sane layer: b ~ N(+4, 1), every unit alive (0)', N: 16, D: 12, H: 40, biasMean: 4, seed: 164 },
  { name: 'a hopeless layer: b ~ N(-8, 1), every unit dead (1)', N: 16, D: 12, H: 40, biasMean: -8, seed: 165 },
];

/** Homework 01, exercise 7: the fraction of dead units of a ReLU layer on a batch. */
export const DEAD_UNIT_FRACTION: Exercise = {
  name: 'deadUnitFraction', homework: 'hw01-activations', lesson: '01', title: 'Counting dead ReLUs', points: 10,
  functions: ['deadUnitFraction'],
  signature: 'function deadUnitFraction(X: nn.tf.Tensor2D, W: nn.tf.Tensor2D, b: nn.tf.Tensor1D): number',
  cases: DEAD_DESIGNS.map(({ name, ...design }) => deadCase(name, design)),
};
