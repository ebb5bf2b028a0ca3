/**
 * Lesson 01, activation functions: every function and derivative of `nn.activations` against a
 * float64 JS reference written here from the formulas (not from the library), and against tfjs's
 * own gradients (`tf.grad`) where tfjs has the op; the conventions at the kinks; leaks; named
 * errors for bad input; the saturation and table experiments, their figure and the CLI command.
 * Runs on the wasm backend.
 *
 * Tolerances (u = 2^-24, float32's unit roundoff):
 * - against float64, per point: |ours - ref| <= K·u·scale(x) with K = 16: the longest formula
 *   (Φ through Numerical Recipes' erfc: ten multiply-adds, an exp, a division) has about a dozen
 *   float32 roundings, each <= u, plus the erfc approximation's own 1.2e-7 ≈ 2u. scale(x) is the
 *   sum of the magnitudes of the formula's terms, times (1 + |arg|) where an argument is rounded
 *   before a function with condition number |arg| (σ(βx): |βx|; e^(-x²/2): x²/2). Inputs are
 *   float32 numbers, so the reference is evaluated at the same x the device sees.
 * - against tf.grad, per point: |ours - tf| <= 8u·(1 + |x|)·max(1, |ours|): tfjs computes σ' as
 *   y(1 - y) and tanh' as 1 - y² from its float32 output y (absolute error up to ~2u, which is the
 *   whole value at saturation: tanh'(10) is 0 in tfjs, 8.2e-9 here), and the chain rule multiplies
 *   that by |βx| in Swish.
 * - sums and products (maxout, PReLU's dα, Swish's dβ): Higham's bound γ_n·Σ|terms| entrywise.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import * as A from '../src/lessons/activations';
import { ACTIVATIONS_COMMAND, runActivations } from '../src/lessons/activations/cli';
import { chainRows, functionsTableRows, saturationRows } from '../src/lessons/activations/figures';
import { SATURATION_OPTIONS } from '../src/lessons/activations/saturation';
import { TABLE_OPTIONS } from '../src/lessons/activations/table';
import { quadrantOf, signPattern, ZIGZAG_OPTIONS, zigzagData } from '../src/lessons/activations/zigzag';
import { DEPTH_OPTIONS, layerStats } from '../src/lessons/activations/depthStats';
import { DEAD_RELU_COMMAND, DEPTH_STATS_COMMAND, runDeadRelu, runDepthStats, runZigzag, ZIGZAG_COMMAND } from '../src/lessons/activations/cli';
import { DEAD_OPTIONS } from '../src/lessons/activations/deadRelu';
import { RACE_MAX_WORK, RACE_OPTIONS, raceWork } from '../src/lessons/activations/race';
import { RACE_COMMAND, runRace } from '../src/lessons/activations/cli';
import { raceRows } from '../src/lessons/activations/figures';
import { deadReluRows } from '../src/lessons/activations/figures';
import { loadDataset } from '../src/data/load';
import { ACTIVATIONS_LESSON } from '../src/lessons/activations/lesson';
import { depthStatsRows, zigzagRows, zigzagSignRows } from '../src/lessons/activations/figures';
import { initValues } from '../src/nets/init';
import { normalArray } from '../src/core/normal';
import { seedStream } from '../src/core/rng';
import * as kernels from '../src/nets/activations';
import { activate, activationGrad, ACTIVATIONS } from '../src/nets/layers';
import { parseArgs, UsageError } from '../src/core/args';
import { ArgumentError } from '../src/core/errors';
import { mulberry32 } from '../src/core/rng';
import type { ProgressEvent } from '../src/core/progress';
import { gamma, relError, withoutMeta } from './helpers';

const U = 2 ** -24;
const K = 16;

before(async () => {
  await tf.setBackend('wasm');
});

// ------------------------------------------------------------------------------ float64 references

const LAMBDA = Number('1.0507009873554804934193349852946');
const ALPHA = Number('1.6732632423543772848170429916717');

/** σ(x) in float64, without overflow on either side. */
const sig = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** erfc(z) for z >= 0 in float64: Maclaurin series of erf below 2, Lentz's continued fraction above. */
function erfc64(z: number): number {
  if (z < 2) {
    let term = z;
    let sum = z;
    for (let n = 1; n < 200; n++) {
      term *= (-z * z) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(z) = e^(-z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))), evaluated bottom-up from depth 200
  let f = z;
  for (let n = 200; n >= 1; n--) f = z + n / 2 / f;
  return Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
}
/** Φ(x) and φ(x) in float64. */
const Phi = (x: number) => (x <= 0 ? erfc64(-x / Math.SQRT2) / 2 : 1 - erfc64(x / Math.SQRT2) / 2);
const phi = (x: number) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);

/** [value, scale]: the reference and the magnitude its float32 error is measured against. */
type Ref = (x: number) => [number, number];
interface Reference { f: Ref; df: Ref }

const leaky = (a: number): Reference => ({
  f: (x) => { const v = x > 0 ? x : a * x; return [v, Math.abs(v)]; },
  df: (x) => { const v = x > 0 ? 1 : a; return [v, Math.abs(v)]; },
});
const elu64 = (a: number, l = 1): Reference => ({
  f: (x) => { const v = l * (x > 0 ? x : a * Math.expm1(x)); return [v, Math.abs(v)]; },
  df: (x) => { const v = l * (x > 0 ? 1 : a * Math.exp(x)); return [v, Math.abs(v)]; },
});
const swish64 = (b: number): Reference & { dBeta: Ref } => ({
  f: (x) => { const v = x * sig(b * x); return [v, Math.abs(v) * (1 + Math.abs(b * x))]; },
  df: (x) => {
    const s = sig(b * x);
    const t = b * x * s * sig(-b * x);
    return [s + t, (s + Math.abs(t)) * (1 + Math.abs(b * x))];
  },
  dBeta: (x) => { const v = x * x * sig(b * x) * sig(-b * x); return [v, v * (1 + Math.abs(b * x))]; },
});

/** The references of the table's functions, written from the lecture's formulas. */
const REFERENCES: Record<A.ActivationFunctionName, Reference> = {
  sigmoid: { f: (x) => [sig(x), sig(x)], df: (x) => [sig(x) * sig(-x), sig(x) * sig(-x)] },
  tanh: {
    f: (x) => [Math.tanh(x), Math.abs(Math.tanh(x))],
    df: (x) => { const v = 1 / Math.cosh(x) ** 2; return [v, v]; },
  },
  relu: leaky(0),
  'leakyRelu-0.01': leaky(0.01),
  'leakyRelu-0.1': leaky(0.1),
  prelu: leaky(0.25),
  elu: elu64(1),
  selu: elu64(ALPHA, LAMBDA),
  maxout: {
    f: (x) => [Math.max(x, 0.5 * x - 0.5), Math.abs(x) + 0.5],
    df: (x) => { const v = x >= 0.5 * x - 0.5 ? 1 : 0.5; return [v, v]; },
  },
  swish: swish64(1),
  gelu: {
    f: (x) => { const v = x * Phi(x); return [v, Math.abs(v) * (1 + x * x)]; },
    df: (x) => [Phi(x) + x * phi(x), (Phi(x) + Math.abs(x) * phi(x)) * (1 + x * x)],
  },
};

/**
 * The grid: every quarter from -10 to 10, ±1e-8, ±1e-4 and ±1e-2 around every kink (0, and -1 for
 * the table's maxout), and the zeros of Swish' and GELU'; as float32 numbers.
 */
function gridFor(kinks: readonly number[]): number[] {
  const xs = Array.from({ length: 81 }, (_, i) => (i - 40) / 4);
  for (const c of [0, ...kinks]) for (const d of [1e-8, 1e-4, 1e-2]) xs.push(c - d, c + d);
  xs.push(-1.2784645, -0.7517915);
  return [...new Set(xs.map(Math.fround))].sort((a, b) => a - b);
}

/** Asserts that `f` throws an error whose message (without "ArgumentError: ") matches `re`. */
function throwsMessage(f: () => unknown, re: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof Error, String(e));
    assert.match(e.message, re);
    return true;
  });
}

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/** Runs `f` on the grid as a float32 tensor and disposes everything. */
async function onGrid(xs: readonly number[], f: (x: tf.Tensor) => tf.Tensor): Promise<number[]> {
  const x = tf.tensor1d(xs as number[]);
  const y = f(x);
  const v = await values(y);
  tf.dispose([x, y]);
  return v;
}

/** The largest |ours - ref| / (u·scale) over the grid (asserted <= K at every point), and cs231n's relError. */
function checkAgainst64(what: string, xs: readonly number[], ours: readonly number[], ref: Ref): { units: number; rel: number } {
  let worst = 0;
  const refs = xs.map((x) => ref(x));
  for (const [i, x] of xs.entries()) {
    const [v, scale] = refs[i];
    const err = Math.abs(ours[i] - v);
    const units = err === 0 ? 0 : err / (U * scale);
    worst = Math.max(worst, units);
    assert.ok(err <= K * U * scale, `${what} at x = ${x}: ${ours[i]} vs float64 ${v} (error ${err}, allowed ${K} u · ${scale})`);
  }
  return { units: worst, rel: relError(ours, refs.map((r) => r[0])) };
}

/** Measured errors, printed once at the end (the report quotes them). */
const MEASURED: string[] = [];

// ------------------------------------------------------------------------------ the table vs float64

for (const f of A.ACTIVATION_FUNCTIONS) {
  test(`ACTIVATION_FUNCTIONS ${f.name}: forward(x) and derivative(x) match the float64 formulas within ${K} u on the grid with ±10, 0, ±1e-8 and the kinks`, async () => {
    const xs = gridFor(f.kinks);
    const ref = REFERENCES[f.name];
    const value = checkAgainst64(`${f.name}(x)`, xs, await onGrid(xs, (x) => f.forward(x)), ref.f);
    const deriv = checkAgainst64(`${f.name}'(x)`, xs, await onGrid(xs, (x) => f.derivative(x)), ref.df);
    MEASURED.push(`${f.name.padEnd(15)} f: ${value.units.toFixed(2)} u (relError ${value.rel.toExponential(1)})   f': ${deriv.units.toFixed(2)} u (relError ${deriv.rel.toExponential(1)})`);
  });
}

test('the table lists the lecture\'s functions once each, every entry with a LaTeX formula, a family and its parameters', () => {
  assert.deepEqual(A.ACTIVATION_FUNCTIONS.map((f) => f.name), [...A.ACTIVATION_FUNCTION_NAMES]);
  for (const f of A.ACTIVATION_FUNCTIONS) {
    assert.ok(A.ACTIVATION_FAMILIES.includes(f.family), f.name);
    assert.ok(f.formula.length > 0 && f.derivativeFormula.length > 0, f.name);
    for (const p of f.learned) assert.ok(p in f.params, `${f.name}: learned ${p} has a value`);
  }
  assert.deepEqual(A.activationFunction('leakyRelu-0.1').params, { alpha: 0.1 });
  assert.deepEqual(A.activationFunction('swish').learned, ['beta']);
  throwsMessage(() => A.activationFunction('softplus'), /^name must be one of sigmoid, tanh, relu, .*, got "softplus"$/);
});

test('SELU_LAMBDA and SELU_ALPHA are the doubles nearest to Klambauer et al.\'s 31-digit constants', () => {
  assert.equal(A.SELU_LAMBDA, LAMBDA);
  assert.equal(A.SELU_ALPHA, ALPHA);
  assert.deepEqual(A.activationFunction('selu').params, { lambda: LAMBDA, alpha: ALPHA });
});

test('the float64 references agree with known values (Φ(-10) = 7.62e-24, erfc(1) = 0.157299207050285, tanh\'(10) = 8.24e-9)', () => {
  assert.ok(Math.abs(Phi(-10) / 7.619853024160527e-24 - 1) < 1e-12, `Φ(-10) = ${Phi(-10)}`);
  assert.ok(Math.abs(erfc64(1) / 0.157299207050285 - 1) < 1e-13, `erfc(1) = ${erfc64(1)}`);
  assert.ok(Math.abs(erfc64(2) / 0.004677734981047266 - 1) < 1e-13, `erfc(2) = ${erfc64(2)}`);
  assert.ok(Math.abs(Phi(1) - 0.8413447460685429) < 1e-15, `Φ(1) = ${Phi(1)}`);
  assert.ok(Math.abs(REFERENCES.tanh.df(10)[0] / 8.244614455767395e-9 - 1) < 1e-12);
});

// ------------------------------------------------------------------------------ parameters: α, β, per channel

for (const alpha of [0, 0.01, 0.1, 0.3, 1]) {
  test(`leakyRelu(x, ${alpha}), leakyReluGrad and elu(x, ${alpha}), eluGrad match float64 within ${K} u`, async () => {
    const xs = gridFor([0]);
    checkAgainst64(`leakyRelu α ${alpha}`, xs, await onGrid(xs, (x) => A.leakyRelu(x, alpha)), leaky(alpha).f);
    checkAgainst64(`leakyRelu' α ${alpha}`, xs, await onGrid(xs, (x) => A.leakyReluGrad(x, alpha)), leaky(Math.fround(alpha)).df);
    checkAgainst64(`elu α ${alpha}`, xs, await onGrid(xs, (x) => A.elu(x, alpha)), elu64(alpha).f);
    checkAgainst64(`elu' α ${alpha}`, xs, await onGrid(xs, (x) => A.eluGrad(x, alpha)), elu64(alpha).df);
  });
}

for (const beta of [1, 1.7, 0.25, -0.5]) {
  test(`swishGrad(x, ${beta}): ∂y/∂x and ∂y/∂β match float64 within ${K} u; swishBackward's dβ is their sum within γ_n`, async () => {
    const xs = gridFor([]);
    const b = Math.fround(beta); // the device multiplies by β as a float32
    const ref = swish64(b);
    checkAgainst64(`swish β ${beta}`, xs, await onGrid(xs, (x) => A.swish(x, beta)), ref.f);
    checkAgainst64(`swish' β ${beta}`, xs, await onGrid(xs, (x) => A.swishGrad(x, beta).dx), ref.df);
    const dBeta = checkAgainst64(`∂swish/∂β β ${beta}`, xs, await onGrid(xs, (x) => A.swishGrad(x, beta).dBeta), ref.dBeta);
    if (beta === 1.7) MEASURED.push(`swish dβ (β = 1.7): ${dBeta.units.toFixed(2)} u`);
    const x = tf.tensor1d(xs);
    const dout = tf.tensor1d(xs.map((_, i) => Math.fround(Math.cos(i))));
    const back = A.swishBackward(dout, x, beta);
    const got = (await back.dBeta.data())[0];
    tf.dispose([x, dout, back.dx, back.dBeta]);
    const terms = xs.map((v, i) => Math.fround(Math.cos(i)) * ref.dBeta(v)[0]);
    const want = terms.reduce((s, t) => s + t, 0);
    const bound = (gamma(xs.length + 1) + K * U) * terms.reduce((s, t) => s + Math.abs(t), 0) * (1 + 10 * Math.abs(b));
    assert.ok(Math.abs(got - want) <= bound, `dβ ${got} vs ${want} (bound ${bound})`);
  });
}

test('prelu, preluGrad and preluBackward with one α per channel (α = [0.25, 0.05, -0.1]) match float64; dα_c sums its channel', async () => {
  const xs = gridFor([0]);
  const alphas = [0.25, 0.05, -0.1].map(Math.fround);
  const n = xs.length;
  const x = tf.tensor2d(xs.flatMap((v) => [v, v, v]), [n, 3]);
  const alpha = tf.tensor1d(alphas);
  const douts = Array.from({ length: 3 * n }, (_, i) => Math.fround(Math.sin(i + 1)));
  const dout = tf.tensor2d(douts, [n, 3]);
  const y = await values(A.prelu(x, alpha));
  const local = A.preluGrad(x, alpha);
  const back = A.preluBackward(dout, x, alpha);
  const [dx, dA, bdx, bdA] = await Promise.all([local.dx, local.dAlpha, back.dx, back.dAlpha].map(values));
  tf.dispose([x, alpha, dout, local.dx, local.dAlpha, back.dx, back.dAlpha]);
  for (const [c, a] of alphas.entries()) {
    const col = (v: number[]) => xs.map((_, i) => v[3 * i + c]);
    checkAgainst64(`prelu α ${a}`, xs, col(y), leaky(a).f);
    checkAgainst64(`prelu ∂y/∂x α ${a}`, xs, col(dx), leaky(a).df);
    checkAgainst64(`prelu ∂y/∂α α ${a}`, xs, col(dA), (v) => [v > 0 ? 0 : v, Math.abs(v)]);
    checkAgainst64(`preluBackward dx α ${a}`, xs, col(bdx), (v) => { const i = xs.indexOf(v); const g = douts[3 * i + c] * (v > 0 ? 1 : a); return [g, Math.abs(g)]; });
    const terms = xs.map((v, i) => douts[3 * i + c] * Math.min(v, 0));
    const want = terms.reduce((s, t) => s + t, 0);
    const bound = gamma(n + 1) * terms.reduce((s, t) => s + Math.abs(t), 0);
    assert.ok(Math.abs(bdA[c] - want) <= bound, `dα[${c}] ${bdA[c]} vs ${want} (bound ${bound})`);
  }
});

/** Seeded float32 values in [lo, hi). */
function draw(n: number, seed: number, lo = -1, hi = 1): number[] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => Math.fround(lo + (hi - lo) * r()));
}

/** a [n, m] · b [m, p] in float64, and the matching |a|·|b|. */
function matMul64(a: number[], b: number[], n: number, m: number, p: number, ta = false, tb = false): { c: number[]; abs: number[] } {
  const A_ = (i: number, k: number) => (ta ? a[k * n + i] : a[i * m + k]);
  const B_ = (k: number, j: number) => (tb ? b[j * m + k] : b[k * p + j]);
  const c = new Array<number>(n * p).fill(0);
  const abs = new Array<number>(n * p).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) for (let k = 0; k < m; k++) { c[i * p + j] += A_(i, k) * B_(k, j); abs[i * p + j] += Math.abs(A_(i, k) * B_(k, j)); }
  return { c, abs };
}

function assertEntrywise(what: string, got: readonly number[], want: readonly number[], bound: readonly number[]): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    assert.ok(err <= bound[i], `${what}[${i}]: ${got[i]} vs float64 ${want[i]} (error ${err}, bound ${bound[i]})`);
    if (bound[i] > 0) worst = Math.max(worst, err / bound[i]);
  }
  return worst;
}

test('maxout and maxoutBackward (x [7, 5], W [5, 4]): output, dx, dW1, db1, dW2, db2 match float64 within Higham\'s γ_n·Σ|terms|, and equal tf.grads of tf.maximum', async () => {
  const [N, D, H] = [7, 5, 4];
  const xv = draw(N * D, 1);
  const W1v = draw(D * H, 2);
  const b1v = draw(H, 3, -0.5, 0.5);
  const W2v = draw(D * H, 4);
  const b2v = draw(H, 5, -0.5, 0.5);
  const dv = draw(N * H, 6);
  // float64 forward
  const z1 = matMul64(xv, W1v, N, D, H);
  const z2 = matMul64(xv, W2v, N, D, H);
  const zb1 = z1.c.map((v, i) => v + b1v[i % H]);
  const zb2 = z2.c.map((v, i) => v + b2v[i % H]);
  // the rounding of z on the device cannot flip a comparison: every gap is far above γ_(D+1)·Σ|terms|
  const gaps = zb1.map((v, i) => Math.abs(v - zb2[i]) / (gamma(D + 1) * (z1.abs[i] + z2.abs[i] + 1)));
  assert.ok(Math.min(...gaps) > 10, `nearest tie: ${Math.min(...gaps)} rounding bounds`);
  const first = zb1.map((v, i) => v >= zb2[i]);
  const y64 = zb1.map((v, i) => (first[i] ? v : zb2[i]));
  const yAbs = first.map((f, i) => (f ? z1.abs[i] + Math.abs(b1v[i % H]) : z2.abs[i] + Math.abs(b2v[i % H])));
  // float64 backward
  const d1 = dv.map((g, i) => (first[i] ? g : 0));
  const d2 = dv.map((g, i) => (first[i] ? 0 : g));
  const dW1 = matMul64(xv, d1, D, N, H, true);
  const dW2 = matMul64(xv, d2, D, N, H, true);
  const dx1 = matMul64(d1, W1v, N, H, D, false, true);
  const dx2 = matMul64(d2, W2v, N, H, D, false, true);
  const db = (d: number[]) => Array.from({ length: H }, (_, j) => d.filter((_, i) => i % H === j).reduce((s, v) => s + v, 0));
  const dbAbs = (d: number[]) => Array.from({ length: H }, (_, j) => d.filter((_, i) => i % H === j).reduce((s, v) => s + Math.abs(v), 0));

  const x = tf.tensor2d(xv, [N, D]);
  const W1 = tf.tensor2d(W1v, [D, H]);
  const b1 = tf.tensor1d(b1v);
  const W2 = tf.tensor2d(W2v, [D, H]);
  const b2 = tf.tensor1d(b2v);
  const dout = tf.tensor2d(dv, [N, H]);
  const y = A.maxout(x, W1, b1, W2, b2);
  const g = A.maxoutBackward(dout, x, W1, b1, W2, b2);
  const tfGrads = tf.grads((a: tf.Tensor, w1: tf.Tensor, c1: tf.Tensor, w2: tf.Tensor, c2: tf.Tensor) =>
    tf.sum(tf.mul(dout, tf.maximum(tf.add(tf.matMul(a as tf.Tensor2D, w1 as tf.Tensor2D), c1), tf.add(tf.matMul(a as tf.Tensor2D, w2 as tf.Tensor2D), c2)))))([x, W1, b1, W2, b2]);
  const got = await Promise.all([y, g.dx, g.dW1, g.db1, g.dW2, g.db2].map(values));
  const tfv = await Promise.all(tfGrads.map(values));
  tf.dispose([x, W1, b1, W2, b2, dout, y, g.dx, g.dW1, g.db1, g.dW2, g.db2, ...tfGrads]);

  const gN = gamma(N + 1);
  const wants: [string, number[], number[]][] = [
    ['y', y64, yAbs.map((a) => gamma(D + 2) * a)],
    ['dx', dx1.c.map((v, i) => v + dx2.c[i]), dx1.abs.map((a, i) => gamma(2 * H + 1) * (a + dx2.abs[i]))],
    ['dW1', dW1.c, dW1.abs.map((a) => gN * a)],
    ['db1', db(d1), dbAbs(d1).map((a) => gN * a)],
    ['dW2', dW2.c, dW2.abs.map((a) => gN * a)],
    ['db2', db(d2), dbAbs(d2).map((a) => gN * a)],
  ];
  let worst = 0;
  for (const [k, [name, want, bound]] of wants.entries()) worst = Math.max(worst, assertEntrywise(`maxout ${name}`, got[k], want, bound));
  // tf.grads: both are float32 computations of the same sums; each is within the bound of float64, so within twice it of each other
  for (const [k, [name, , bound]] of wants.slice(1).entries()) assertEntrywise(`maxout ${name} vs tf.grads`, got[k + 1], tfv[k], bound.map((b) => 2 * b));
  MEASURED.push(`maxout (7x5 -> 4): worst entry at ${(worst * 100).toFixed(1)} % of its Higham bound`);
});

test('maxoutBackward sends a tie z1 = z2 to the first map (W1 = W2, b1 = b2), as tf.maximum\'s gradient does', async () => {
  const x = tf.tensor2d([[1, -2]]);
  const W = tf.tensor2d([[0.5], [0.25]]);
  const b = tf.tensor1d([0.1]);
  const g = A.maxoutBackward(tf.ones([1, 1]) as tf.Tensor2D, x, W, b, W, b);
  assert.deepEqual(await values(g.dW1), [1, -2]);
  assert.deepEqual(await values(g.dW2), [0, 0]);
  assert.deepEqual([await values(g.db1), await values(g.db2)], [[1], [0]]);
  tf.dispose([x, W, b, g.dx, g.dW1, g.db1, g.dW2, g.db2]);
});

// ------------------------------------------------------------------------------ against tf.grad

/** The elementwise functions whose derivative tfjs can give (its op, or a composition of its ops). */
const TF_OPS: [A.ActivationFunctionName, (x: tf.Tensor) => tf.Tensor][] = [
  ['sigmoid', (x) => tf.sigmoid(x)],
  ['tanh', (x) => tf.tanh(x)],
  ['relu', (x) => tf.relu(x)],
  ['leakyRelu-0.01', (x) => tf.leakyRelu(x, 0.01)],
  ['leakyRelu-0.1', (x) => tf.leakyRelu(x, 0.1)],
  ['prelu', (x) => tf.prelu(x, tf.fill([1], 0.25) as tf.Tensor1D)],
  ['elu', (x) => tf.elu(x)],
  ['selu', (x) => tf.selu(x)],
  ['maxout', (x) => tf.maximum(x, tf.sub(tf.mul(x, 0.5), 0.5))],
  ['swish', (x) => tf.mul(x, tf.sigmoid(x))],
  ['gelu', (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))))], // tfjs has erf and its gradient
];

for (const [name, op] of TF_OPS) {
  test(`${name}: derivative(x) equals tf.grad of tfjs's ${name} within 8u·(1 + |x|)·max(1, |f'|), including the kinks`, async () => {
    const f = A.activationFunction(name);
    const xs = gridFor(f.kinks);
    const ours = await onGrid(xs, (x) => f.derivative(x));
    const theirs = await onGrid(xs, (x) => tf.grad((t: tf.Tensor) => tf.sum(op(t)))(x));
    for (const [i, x] of xs.entries()) {
      const tol = 8 * U * (1 + Math.abs(x)) * Math.max(1, Math.abs(ours[i]));
      assert.ok(Math.abs(ours[i] - theirs[i]) <= tol, `${name}'(${x}): ours ${ours[i]}, tf.grad ${theirs[i]}`);
    }
  });
}

test('tfjs loses sigmoid\'s and tanh\'s derivative where they saturate (y(1 - y), 1 - y²); ours keeps it: tanh\'(10) is 0 in tf.grad, 8.24e-9 here', async () => {
  const x = [10];
  const tfTanh = await onGrid(x, (t) => tf.grad((s: tf.Tensor) => tf.sum(tf.tanh(s)))(t));
  const ours = await onGrid(x, (t) => A.tanhGrad(t));
  assert.equal(tfTanh[0], 0);
  assert.ok(Math.abs(ours[0] / REFERENCES.tanh.df(10)[0] - 1) < K * U, `${ours[0]}`);
  const tfSig = await onGrid(x, (t) => tf.grad((s: tf.Tensor) => tf.sum(tf.sigmoid(s)))(t));
  const oursSig = await onGrid(x, (t) => A.sigmoidGrad(t));
  const want = sig(10) * sig(-10);
  MEASURED.push(`σ'(10) relative error: tf.grad ${Math.abs(tfSig[0] / want - 1).toExponential(1)}, ours ${Math.abs(oursSig[0] / want - 1).toExponential(1)}`);
  assert.ok(Math.abs(oursSig[0] / want - 1) < K * U);
});

test('prelu: tf.grads of tf.prelu give the same ∂/∂x and summed ∂/∂α as preluBackward, per channel', async () => {
  const xs = gridFor([0]);
  const x = tf.tensor2d(xs.flatMap((v) => [v, -v]), [xs.length, 2]);
  const alpha = tf.tensor1d([0.25, 0.05]);
  const back = A.preluBackward(tf.onesLike(x), x, alpha);
  const [gx, ga] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.prelu(a, b)))([x, alpha]);
  const [ox, oa, tx, ta] = await Promise.all([back.dx, back.dAlpha, gx, ga].map(values));
  tf.dispose([x, alpha, back.dx, back.dAlpha, gx, ga]);
  assert.deepEqual(ox, tx);
  const sumAbs = xs.reduce((s, v) => s + Math.abs(v), 0);
  for (const c of [0, 1]) assert.ok(Math.abs(oa[c] - ta[c]) <= 2 * gamma(xs.length + 1) * sumAbs, `dα[${c}]: ${oa[c]} vs ${ta[c]}`);
});

test('swish with a learned β: tf.grads of x·σ(βx) with respect to x and β agree with swishBackward', async () => {
  const xs = gridFor([]);
  const x = tf.tensor1d(xs);
  const beta = 1.7;
  const back = A.swishBackward(tf.onesLike(x), x, beta);
  const [gx, gb] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(a, tf.sigmoid(tf.mul(a, b)))))([x, tf.scalar(beta)]);
  const [ox, ob, tx, tb] = await Promise.all([back.dx, back.dBeta, gx, gb].map(values));
  tf.dispose([x, back.dx, back.dBeta, gx, gb]);
  for (const [i, v] of xs.entries()) assert.ok(Math.abs(ox[i] - tx[i]) <= 8 * U * (1 + Math.abs(beta * v)) * Math.max(1, Math.abs(ox[i])), `x = ${v}: ${ox[i]} vs ${tx[i]}`);
  const sumAbs = xs.reduce((s, v) => s + swish64(Math.fround(beta)).dBeta(v)[1], 0);
  assert.ok(Math.abs(ob[0] - tb[0]) <= 2 * (gamma(xs.length + 1) + 8 * U) * sumAbs * 20, `dβ ${ob[0]} vs ${tb[0]}`);
});

// ------------------------------------------------------------------------------ kinks

test('at x = 0 the ReLU family takes its x <= 0 branch: relu\'(0) = 0, leakyRelu\'(0) = α, prelu\'(0) = α with ∂/∂α = 0, elu\'(0) = α, selu\'(0) = λα', async () => {
  const zero = tf.tensor1d([0]);
  const a = tf.tensor1d([0.25]);
  const p = A.preluGrad(zero, a);
  const got = await Promise.all([A.reluGrad(zero), A.leakyReluGrad(zero, 0.01), A.leakyReluGrad(zero, 0.1), p.dx, p.dAlpha, A.eluGrad(zero, 1), A.eluGrad(zero, 0.5), A.seluGrad(zero)].map(async (t) => {
    const v = (await t.data())[0];
    t.dispose();
    return v;
  }));
  tf.dispose([zero, a]);
  assert.deepEqual(got, [0, Math.fround(0.01), Math.fround(0.1), 0.25, 0, 1, 0.5, Math.fround(Math.fround(LAMBDA) * Math.fround(ALPHA))]);
});

test('the deep nets of lesson 03 use the same kernels: activationGrad(activate(z)) equals the derivative in z for every activation of nets/layers', async () => {
  const names: Record<string, (x: tf.Tensor) => tf.Tensor> = {
    tanh: A.tanhGrad, relu: A.reluGrad, leakyRelu: (x) => A.leakyReluGrad(x, kernels.LEAKY_RELU_ALPHA), sigmoid: A.sigmoidGrad,
    elu: (x) => A.eluGrad(x, 1), selu: A.seluGrad,
  };
  const xs = gridFor([0]).filter((v) => Math.abs(v) <= 3); // where 1 - y² and y(1 - y) still have digits
  for (const name of ACTIVATIONS) {
    const fromOut = await onGrid(xs, (x) => tf.tidy(() => activationGrad(activate(x, name), name)));
    const fromZ = await onGrid(xs, names[name]);
    const forward = await onGrid(xs, (x) => activate(x, name));
    const table = await onGrid(xs, (x) => A.activationFunction(name === 'leakyRelu' ? 'leakyRelu-0.01' : name as A.ActivationFunctionName).forward(x));
    assert.deepEqual(forward, table, `${name}: activate is the table's forward`);
    for (const [i, x] of xs.entries()) assert.ok(Math.abs(fromOut[i] - fromZ[i]) <= 8 * U * Math.max(1, Math.abs(fromZ[i])), `${name}'(${x}): from out ${fromOut[i]}, from z ${fromZ[i]}`);
  }
});

// ------------------------------------------------------------------------------ leaks

test('no function of nn.activations leaves a tensor behind (tf.memory().numTensors unchanged)', async () => {
  const x = tf.tensor2d([[-2, 0.5], [3, -1e-8]]);
  const a = tf.tensor1d([0.25, 0.1]);
  const W = tf.tensor2d([[1, 2], [3, 4]]);
  const b = tf.tensor1d([0, 1]);
  const before = tf.memory().numTensors;
  const outs: tf.Tensor[] = [];
  for (const f of A.ACTIVATION_FUNCTIONS) outs.push(f.forward(x), f.derivative(x));
  outs.push(A.sigmoid(x), A.sigmoidGrad(x), A.tanh(x), A.tanhGrad(x), A.relu(x), A.reluGrad(x), A.leakyRelu(x, 0.1), A.leakyReluGrad(x, 0.1),
    A.elu(x, 1), A.eluGrad(x, 1), A.selu(x), A.seluGrad(x), A.swish(x, 1), A.gelu(x), A.geluGrad(x), A.prelu(x, a));
  outs.push(...Object.values(A.preluGrad(x, a)), ...Object.values(A.preluBackward(x, x, a)), ...Object.values(A.swishGrad(x, 2)), ...Object.values(A.swishBackward(x, x, 2)));
  outs.push(A.maxout(x as tf.Tensor2D, W, b, W, b), ...Object.values(A.maxoutBackward(x as tf.Tensor2D, x as tf.Tensor2D, W, b, W, b)));
  assert.equal(tf.memory().numTensors, before + outs.length, 'every function returns only its outputs');
  tf.dispose(outs);
  assert.equal(tf.memory().numTensors, before);
  for (const bad of [() => A.sigmoid(tf.tensor1d([NaN])), () => A.prelu(x, tf.tensor1d([1, 2, 3]))]) {
    const n = tf.memory().numTensors;
    assert.throws(bad, ArgumentError);
    assert.ok(tf.memory().numTensors <= n + 1, 'a rejected call allocates nothing of its own');
  }
  tf.dispose([x, a, W, b]);
});

test('saturation() and functionsTable() leave no tensor behind', async () => {
  const before = tf.memory().numTensors;
  await A.saturation({ chain: [1, 50] });
  await A.functionsTable();
  assert.equal(tf.memory().numTensors, before);
});

// ------------------------------------------------------------------------------ bad input

/** Each public function with the arguments it needs, `x` in place of the argument under test. */
const EL: [string, (x: tf.Tensor) => unknown][] = [
  ['sigmoid', (x) => A.sigmoid(x)], ['sigmoidGrad', (x) => A.sigmoidGrad(x)], ['tanh', (x) => A.tanh(x)], ['tanhGrad', (x) => A.tanhGrad(x)],
  ['relu', (x) => A.relu(x)], ['reluGrad', (x) => A.reluGrad(x)], ['leakyRelu', (x) => A.leakyRelu(x, 0.1)], ['leakyReluGrad', (x) => A.leakyReluGrad(x, 0.1)],
  ['elu', (x) => A.elu(x, 1)], ['eluGrad', (x) => A.eluGrad(x, 1)], ['selu', (x) => A.selu(x)], ['seluGrad', (x) => A.seluGrad(x)],
  ['swish', (x) => A.swish(x, 1)], ['swishGrad', (x) => A.swishGrad(x, 1)], ['gelu', (x) => A.gelu(x)], ['geluGrad', (x) => A.geluGrad(x)],
  ['prelu', (x) => A.prelu(x, tf.tensor1d([0.25]))], ['preluGrad', (x) => A.preluGrad(x, tf.tensor1d([0.25]))],
  ['maxout', (x) => A.maxout(x as tf.Tensor2D, tf.ones([1, 1]) as tf.Tensor2D, tf.zeros([1]) as tf.Tensor1D, tf.ones([1, 1]) as tf.Tensor2D, tf.zeros([1]) as tf.Tensor1D)],
];

for (const [name, call] of EL) {
  test(`${name}(x) names x when x is an array, a disposed tensor or holds a NaN`, () => {
    const rank2 = name === 'maxout' ? [[1]] : [1];
    assert.throws(() => call(rank2 as unknown as tf.Tensor), (e: unknown) => e instanceof ArgumentError && /^x must be a tensor.*, got an array \[.*\] \(make a tensor with tf\.tensor\(\.\.\.\)\)$/.test(e.message));
    const gone = name === 'maxout' ? tf.tensor2d([[1]]) : tf.tensor1d([1]);
    gone.dispose();
    throwsMessage(() => call(gone), /^x must be a tensor.* that is not disposed, got a disposed tensor \[1(, 1)?\] \(it was disposed/);
    const nan = name === 'maxout' ? tf.tensor2d([[0], [NaN]]) : tf.tensor1d([0, NaN]);
    throwsMessage(() => call(nan), /^x must be finite: it holds 1 NaN \(the first at \[1(, 0)?\]\), got a float32 tensor \[2(, 1)?\]; find where the NaN came from with nn\.debugNaN\(\)$/);
    nan.dispose();
  });
}

test('bad parameters are ArgumentErrors naming α, β, the shapes and dout', () => {
  const x = tf.tensor2d([[1, -1]]);
  const cases: [() => unknown, RegExp][] = [
    [() => A.leakyRelu(x, 1.5), /^alpha must be a finite number in \[0, 1\], got 1\.5$/],
    [() => A.leakyReluGrad(x, -0.1), /^alpha must be a finite number in \[0, 1\], got -0\.1$/],
    [() => A.elu(x, NaN), /^alpha must be a finite number in \[0, 1\], got NaN$/],
    [() => A.eluGrad(x, '1' as unknown as number), /^alpha must be a finite number in \[0, 1\], got "1"$/],
    [() => A.swish(x, 1e4), /^beta must be a finite number in \[-1000, 1000\], got 10000$/],
    [() => A.swishGrad(x, Infinity), /^beta must be a finite number/],
    [() => A.swishBackward(tf.ones([2]), x, 1), /^dout.shape must be \[1, 2\], got \[2\]$/],
    [() => A.prelu(x, tf.tensor1d([0.1, 0.2, 0.3])), /^alpha.shape must be \[2\] \(one α per channel, x's last axis\) or \[1\] \(one α shared by every channel\), got \[3\]$/],
    [() => A.prelu(x, [0.1, 0.2] as unknown as tf.Tensor1D), /^alpha must be a tensor of rank 1, got an array/],
    [() => A.prelu(tf.scalar(1), tf.tensor1d([0.1])), /^x must be a tensor of rank >= 1 \(its last axis holds the channels\), got a scalar$/],
    [() => A.preluGrad(x, tf.tensor1d([0.1, NaN])), /^alpha must be finite: it holds 1 NaN/],
    [() => A.preluBackward(tf.ones([2, 2]), x, tf.tensor1d([0.1, 0.2])), /^dout.shape must be \[1, 2\], got \[2, 2\]$/],
    [() => A.maxout(tf.ones([2]) as unknown as tf.Tensor2D, tf.ones([1, 1]) as tf.Tensor2D, tf.zeros([1]) as tf.Tensor1D, tf.ones([1, 1]) as tf.Tensor2D, tf.zeros([1]) as tf.Tensor1D), /^x must be a tensor of rank 2, got a float32 tensor \[2\]$/],
    [() => A.maxout(x, tf.ones([3, 4]) as tf.Tensor2D, tf.zeros([4]) as tf.Tensor1D, tf.ones([2, 4]) as tf.Tensor2D, tf.zeros([4]) as tf.Tensor1D), /^W1.shape must be \[2, any\], got \[3, 4\]$/],
    [() => A.maxout(x, tf.ones([2, 4]) as tf.Tensor2D, tf.zeros([3]) as tf.Tensor1D, tf.ones([2, 4]) as tf.Tensor2D, tf.zeros([4]) as tf.Tensor1D), /^b1.shape must be \[4\], got \[3\]$/],
    [() => A.maxout(x, tf.ones([2, 4]) as tf.Tensor2D, tf.zeros([4]) as tf.Tensor1D, tf.ones([2, 3]) as tf.Tensor2D, tf.zeros([4]) as tf.Tensor1D), /^W2.shape must be \[2, 4\], got \[2, 3\]$/],
    [() => A.maxout(x, tf.ones([2, 4]) as tf.Tensor2D, tf.zeros([4]) as tf.Tensor1D, tf.ones([2, 4]) as tf.Tensor2D, 0 as unknown as tf.Tensor1D), /^b2 must be a tensor of rank 1, got 0$/],
    [() => A.maxoutBackward(tf.ones([1, 3]) as tf.Tensor2D, x, tf.ones([2, 4]) as tf.Tensor2D, tf.zeros([4]) as tf.Tensor1D, tf.ones([2, 4]) as tf.Tensor2D, tf.zeros([4]) as tf.Tensor1D), /^dout.shape must be \[1, 4\], got \[1, 3\]$/],
  ];
  for (const [f, message] of cases) {
    assert.throws(f, (e: unknown) => {
      assert.ok(e instanceof ArgumentError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
  x.dispose();
});

test('the experiments reject bad options with an ArgumentError naming the option, before any work', async () => {
  const cases: [() => Promise<unknown>, RegExp][] = [
    [() => A.saturation({ points: [2000] }), /^points\[0\] must be a finite number in \[-1000, 1000\], got 2000$/],
    [() => A.saturation({ chain: [0] }), /^chain\[0\] must be an integer in \[1, 10000\], got 0$/],
    [() => A.saturation({ chain: [5, 5] }), /^chain\[1\] must be a value not already in chain/],
    [() => A.saturation({ activations: ['softplus' as A.ActivationFunctionName] }), /^activations\[0\] must be one of "sigmoid", "tanh"/],
    [() => A.saturation({ saturatedAt: NaN }), /^saturatedAt must be a finite number in \[-100, 100\], got NaN$/],
    [() => A.saturation({ chain: [] }), /^chain must be an array of 1 to 100 values, got \[\]$/],
    [() => A.saturation(null as unknown as A.SaturationOptions), /^activations.saturation options must be an object of options \(or nothing\), got null$/],
    [() => A.saturation({ bogus: 1 } as unknown as A.SaturationOptions), /bogus/],
    [() => A.functionsTable({ at: [Infinity] }), /^at\[0\] must be a finite number in \[-1000, 1000\], got Infinity$/],
    [() => A.functionsTable({ at: 3 as unknown as number[] }), /^at must be an array of 1 to 1000 values, got 3$/],
    [() => A.functionsTable({ functions: ['relu', 'relu'] }), /^functions\[1\] must be a value not already in functions/],
    [() => A.functionsTable({ progress: 'yes' as unknown as boolean }), /progress/],
  ];
  for (const [f, message] of cases) {
    await assert.rejects(f, (e: unknown) => {
      assert.ok(e instanceof ArgumentError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
  // every declared option has an upper bound (core/options.ts)
  for (const schema of [SATURATION_OPTIONS, TABLE_OPTIONS]) {
    for (const [key, field] of Object.entries(schema.fields)) {
      const f = field as { kind: string; max?: number; of?: { kind: string; max?: number } };
      if (f.kind === 'list') assert.ok(f.max !== undefined && (f.of?.kind === 'oneOf' || f.of?.max !== undefined), `${schema.name}.${key}`);
      if (f.kind === 'number' || f.kind === 'int') assert.ok(f.max !== undefined, `${schema.name}.${key}`);
    }
  }
});

// ------------------------------------------------------------------------------ saturation

test('saturation(): sigmoid\'s local gradient at ±10 is below 5e-5, max σ\' = 0.25 (at x = 0), and the float32 chain product equals the float64 product σ\'(10)^k', async () => {
  const r = await A.saturation();
  const local = Object.fromEntries(r.local.map((l) => [l.activation, l.gradient]));
  assert.deepEqual(r.local.map((l) => l.x), [[-10, 0, 10], [-10, 0, 10], [-10, 0, 10]]);
  assert.ok(local.sigmoid[0] < 5e-5 && local.sigmoid[2] < 5e-5, `σ'(±10) = ${local.sigmoid[0]}, ${local.sigmoid[2]}`);
  assert.ok(Math.abs(local.sigmoid[0] / (sig(10) * sig(-10)) - 1) < K * U);
  assert.equal(local.sigmoid[1], 0.25);
  assert.ok(local.tanh[0] < 1e-8 && local.tanh[1] === 1);
  assert.deepEqual(local.relu, [0, 0, 1]);
  assert.deepEqual(r.sigmoidMax, { x: 0, value: 0.25 });
  const g64 = sig(10) * sig(-10);
  assert.deepEqual(r.chain.rows.map((c) => c.k), [1, 5, 10]);
  for (const c of r.chain.rows) {
    const want = g64 ** c.k;
    // k float32 multiplications (each <= u relative, or <= 2^-150 absolute once subnormal) of a σ' within K u
    const tol = c.k * (K + 1) * U * want + c.k * 2 ** -150;
    assert.ok(Math.abs(c.float32 - want) <= tol, `k = ${c.k}: float32 ${c.float32}, float64 ${want}, tolerance ${tol}`);
    assert.ok(Math.abs(c.float64 / want - 1) < 1e-14);
    assert.equal(c.subnormal, want < 2 ** -126);
    MEASURED.push(`chain k = ${c.k}: float32 ${c.float32.toExponential(4)}, float64 ${want.toExponential(4)}, relative ${Math.abs(c.float32 / want - 1).toExponential(1)}`);
  }
  assert.deepEqual([r.chain.rows[0].subnormal, r.chain.rows[2].subnormal], [false, true]);
});

test('saturation({ chain, points, activations, saturatedAt }) reads the table\'s functions, and two runs are deep-equal once meta is set aside', async () => {
  const o = { chain: [2, 3], points: [-1, 1], activations: ['selu', 'gelu'] as A.ActivationFunctionName[], saturatedAt: -4 };
  const [a, b] = [await A.saturation(o), await A.saturation(o)];
  assert.deepEqual(withoutMeta(a), withoutMeta(b));
  assert.deepEqual(JSON.parse(JSON.stringify(a)), a, 'plain JSON');
  assert.equal(a.experiment, 'activationSaturation');
  assert.deepEqual(a.options, { points: [-1, 1], activations: ['selu', 'gelu'], chain: [2, 3], saturatedAt: -4 });
  assert.equal(a.backend, 'wasm');
  assert.ok(typeof a.versions.nnlab === 'string' && typeof a.meta.ms === 'number');
  assert.ok(Math.abs(a.local[0].gradient[0] / (LAMBDA * ALPHA * Math.exp(-1)) - 1) < K * U);
  const g = sig(-4) * sig(4);
  for (const c of a.chain.rows) assert.ok(Math.abs(c.float32 / g ** c.k - 1) < c.k * (K + 1) * U);
});

test('saturation({ progress }) reports one event per activation, then σ\'s maximum and the chain', async () => {
  const events: ProgressEvent[] = [];
  await A.saturation({ progress: (e) => events.push(e) });
  assert.deepEqual(events.map((e) => [e.done, e.total]), [[1, 5], [2, 5], [3, 5], [4, 5], [5, 5]]);
  assert.deepEqual(events.map((e) => e.phase), ['local gradients', 'local gradients', 'local gradients', 'max of σ\'', 'chain']);
});

test('saturationFigure(record): two labelled panels, local gradients as bars and the chain on a log axis with float32\'s smallest normal marked', async () => {
  const r = await A.saturation();
  const fig = A.saturationFigure(r);
  const text = JSON.stringify(fig.layout).replace(/<br>/g, ' ');
  assert.match(text, /Saturation: sigmoid and tanh pass almost nothing back/);
  assert.match(text, /Local gradient f'\(x\)/);
  assert.match(text, /Upstream gradient after k sigmoids saturated at x = 10/);
  assert.ok(Object.entries(fig.layout).some(([k, v]) => /^yaxis\d*$/.test(k) && (v as { type?: string }).type === 'log'));
  const names = fig.data.map((t) => t.name);
  for (const n of ['sigmoid', 'tanh', 'ReLU', 'float64: σ\'(a)^k', 'float32 backward pass', 'float32\'s smallest normal, 1.2e-38']) assert.ok(names.includes(n), n);
  assert.deepEqual(saturationRows(r)[0], { activation: 'sigmoid', "f'(-10)": r.local[0].gradient[0], "f'(0)": 0.25, "f'(10)": r.local[0].gradient[2] });
  assert.equal(chainRows(r).length, 3);
  throwsMessage(() => A.saturationFigure({ experiment: 'other' } as unknown as A.SaturationRecord), /^record must be a record returned by nn\.activations\.saturation\(\)/);
});

// ------------------------------------------------------------------------------ the table and the CLI

test('familyFigure(functionsTable(CURVES), family): f and f\' side by side for every family, each function in the legend; a family not in the record is named', async () => {
  const r = await A.functionsTable(A.CURVES);
  assert.equal(r.rows[0].x.length, 201);
  for (const family of A.ACTIVATION_FAMILIES) {
    const fig = A.familyFigure(r, family);
    const labels = A.ACTIVATION_FUNCTIONS.filter((f) => f.family === family).map((f) => f.label);
    assert.deepEqual([...new Set(fig.data.map((t) => t.name))], labels, family);
    assert.equal(fig.data.length, 2 * labels.length);
    const text = JSON.stringify(fig.layout).replace(/<br>/g, ' ');
    assert.match(text, /"text":"f\(x\)"/);
    assert.match(text, /f'\(x\): the local gradient/);
  }
  const only = await A.functionsTable({ at: [0, 1], functions: ['relu'] });
  throwsMessage(() => A.familyFigure(only, 'gated'), /^family must be a family with a function in the record \(it has relu\), got "gated"$/);
  throwsMessage(() => A.familyFigure(only, 'nope' as A.ActivationFamily), /^family must be one of sigmoid, relu, exponential, maxout, gated, got "nope"$/);
});

test('functionsTable() gives every function at -10, -1, 0, 1, 10 with the values of the formulas', async () => {
  const r = await A.functionsTable();
  assert.equal(r.experiment, 'activationsTable');
  assert.deepEqual(r.rows.map((row) => row.name), [...A.ACTIVATION_FUNCTION_NAMES]);
  for (const row of r.rows) {
    assert.deepEqual(row.x, [-10, -1, 0, 1, 10]);
    const ref = REFERENCES[row.name];
    for (const [i, x] of row.x.entries()) {
      const [v, s] = ref.f(x);
      const [d, sd] = ref.df(x);
      assert.ok(Math.abs(row.value[i] - v) <= K * U * s && Math.abs(row.derivative[i] - d) <= K * U * sd, `${row.name} at ${x}`);
    }
  }
  assert.equal(functionsTableRows(r).length, 11 * 5);
  const [c, d] = [await A.functionsTable({ at: [0.5], functions: ['gelu'] }), await A.functionsTable({ at: [0.5], functions: ['gelu'] })];
  assert.deepEqual(withoutMeta(c), withoutMeta(d));
});

test('the activations command: `--at -10,0,10 --json` prints the record, `--functions` picks rows, and a bad --at is a usage error naming it', async () => {
  const spec = ACTIVATIONS_COMMAND.spec;
  const json = JSON.parse(await runActivations(parseArgs('activations', ['--at', '-10,0,10', '--json'], spec)));
  assert.equal(json.experiment, 'activationsTable');
  assert.deepEqual(json.options.at, [-10, 0, 10]);
  assert.equal(typeof json.ms, 'number');
  const sigmoidRow = json.rows.find((row: { name: string }) => row.name === 'sigmoid');
  assert.ok(sigmoidRow.derivative[0] < 5e-5 && sigmoidRow.derivative[1] === 0.25);
  const text = await runActivations(parseArgs('activations', ['--at=1', '--functions', 'relu,selu'], spec));
  assert.match(text, /Activation functions and their derivatives \(wasm, float32\)/);
  assert.match(text, /ReLU/);
  assert.match(text, /SELU/);
  assert.doesNotMatch(text, /sigmoid/);
  assert.throws(() => parseArgs('activations', ['--at', '5000'], spec), (e: unknown) => e instanceof UsageError && /^activations: --at\[0\] must be a finite number in \[-1000, 1000\], got "5000"$/.test(e.message));
  throwsMessage(() => parseArgs('activations', ['--at', 'x'], spec), /^activations: --at must be a decimal number/);
  throwsMessage(() => parseArgs('activations', ['--functions', 'softplus'], spec), /^activations: --functions\[0\] must be one of "sigmoid"/);
  assert.throws(() => parseArgs('activations', ['--seed', '1'], spec), /unknown option "--seed"/);
  assert.match(ACTIVATIONS_COMMAND.usage, /^nnlab activations \[--at/);
});

test('measured errors (printed for the record)', () => {
  console.log(`max error per function, in units of u = 2^-24 times the term scale (allowed ${K}):\n${MEASURED.join('\n')}`);
});

// ------------------------------------------------------------------------------ zig-zag

test('zigzag(): with positive inputs every step\'s ∂L/∂w₁ and ∂L/∂w₂ share a sign, so updates lie in quadrants I and III only; zero-centred inputs take the quadrant IV the target needs', async () => {
  const r = await A.zigzag();
  assert.equal(r.experiment, 'activationZigzag');
  assert.deepEqual(r.quadrants, { allowedWithPositiveInputs: ['I', 'III'], neededForTarget: 'IV' });
  const [pos, cen] = r.runs;
  assert.equal(pos.inputs, 'positive');
  assert.ok(pos.inputRange[0] > 1 && pos.inputRange[1] < 3, String(pos.inputRange));
  assert.equal(pos.sameSign, true);
  assert.equal(pos.gradientSigns['+-'] + pos.gradientSigns['-+'], 0);
  assert.equal(pos.updateQuadrants.II + pos.updateQuadrants.IV, 0);
  assert.ok(pos.updateQuadrants.I > 100 && pos.updateQuadrants.III > 100, 'the zig-zag alternates I and III');
  assert.equal(cen.sameSign, false);
  assert.ok(cen.updateQuadrants.IV > 100);
  for (const run of r.runs) {
    assert.equal(run.path.w1.length, r.options.steps + 1);
    assert.equal(run.excessLoss.length, r.options.steps + 1);
    const counted = Object.values(run.gradientSigns).reduce((a, b) => a + b, 0);
    assert.equal(counted, r.options.steps);
    // the first step within tolerance, read off the path
    const first = run.path.w1.findIndex((w1, i) => Math.hypot(w1 - 1, run.path.w2[i] + 1) < r.options.tolerance);
    assert.equal(run.stepsToTolerance, first);
  }
});

test('zigzag(): every step is w ← w − lr·(σ(w·x_k) − σ(w*·x_k))·x_k for one example k, each example once per epoch (float64 recurrence rebuilt here)', async () => {
  const r = await A.zigzag({ steps: 200, lrs: [1] });
  const config = ZIGZAG_OPTIONS.resolve({ steps: 200, lrs: [1] });
  const data = zigzagData(config);
  assert.ok(Math.abs(data['zero-centred'].X.filter((_, i) => i % 2 === 0).reduce((a, b) => a + b, 0)) < 1e-12, 'zero-centred: the mean is 0');
  for (const run of r.runs) {
    const set = data[run.inputs];
    const n = config.examples;
    let seen = new Set<number>();
    for (let s = 0; s < 200; s++) {
      const [w1, w2] = [run.path.w1[s], run.path.w2[s]];
      const candidates = Array.from({ length: n }, (_, k) => k).filter((k) => {
        const [x1, x2] = [set.X[2 * k], set.X[2 * k + 1]];
        const d = sig(w1 * x1 + w2 * x2) - sig(x1 - x2);
        return Math.abs(w1 - d * x1 - run.path.w1[s + 1]) <= 1e-12 * (1 + Math.abs(w1)) && Math.abs(w2 - d * x2 - run.path.w2[s + 1]) <= 1e-12 * (1 + Math.abs(w2));
      });
      assert.ok(candidates.length >= 1, `step ${s + 1}: no example explains it`);
      if (s % n === 0) seen = new Set();
      const fresh = candidates.find((k) => !seen.has(k));
      assert.ok(fresh !== undefined || candidates.length > 0);
      if (fresh !== undefined) seen.add(fresh);
    }
    // the excess loss L(w) − L(w*), from −y·log p − (1 − y)·log(1 − p) written out
    for (const s of [0, 10, 50]) {
      const [w1, w2] = [run.path.w1[s], run.path.w2[s]];
      let t = 0;
      for (let k = 0; k < n; k++) {
        const [x1, x2] = [set.X[2 * k], set.X[2 * k + 1]];
        const p = sig(w1 * x1 + w2 * x2);
        const y = sig(x1 - x2);
        t += -y * Math.log(p) - (1 - y) * Math.log(1 - p) - (-y * Math.log(y) - (1 - y) * Math.log(1 - y));
      }
      assert.ok(Math.abs(run.excessLoss[s] - t / n) <= 1e-12 * (1 + t / n), `${run.inputs} step ${s}: ${run.excessLoss[s]} vs ${t / n}`);
    }
  }
});

test('zigzag({ seed }) for seeds 0, 1, 2: the fewest steps over the lr sweep are fewer with zero-centred inputs; positive inputs never reach the target at lr 10', async () => {
  const lines: string[] = [];
  for (const seed of [0, 1, 2]) {
    const r = await A.zigzag({ seed });
    assert.ok(r.best.positive !== null && r.best.zeroCentred !== null);
    assert.ok(r.best.zeroCentred.steps < r.best.positive.steps, JSON.stringify(r.best));
    assert.equal(r.sweep.find((s) => s.lr === 10)?.positive, null);
    lines.push(`seed ${seed}: ${r.sweep.map((s) => `lr ${s.lr}: ${s.positive ?? '-'} / ${s.zeroCentred ?? '-'}`).join(', ')}`);
  }
  console.log(`zigzag steps to tolerance, positive / zero-centred:\n${lines.join('\n')}`);
});

test('zigzag() twice with one seed gives deep-equal records; another seed other data; progress has one event per run; no tensor is left behind', async () => {
  const before = tf.memory().numTensors;
  const events: ProgressEvent[] = [];
  const a = await A.zigzag({ steps: 100, progress: (e) => events.push(e) });
  const b = await A.zigzag({ steps: 100 });
  assert.deepEqual(withoutMeta(a), withoutMeta(b));
  assert.notDeepEqual((await A.zigzag({ steps: 100, seed: 5 })).runs[0].path, a.runs[0].path);
  assert.deepEqual(events.map((e) => [e.done, e.total]), [[1, 12], [2, 12], [4, 12], [6, 12], [8, 12], [10, 12], [12, 12]]);
  assert.equal(tf.memory().numTensors, before);
});

test('signPattern and quadrantOf name the signs and the quadrant of a move, 0 apart', () => {
  assert.deepEqual([signPattern(1, 2), signPattern(-1, -2), signPattern(1, -2), signPattern(-1, 2), signPattern(0, 1)], ['++', '--', '+-', '-+', 'zero']);
  assert.deepEqual([quadrantOf(1, 1), quadrantOf(-1, 1), quadrantOf(-1, -1), quadrantOf(1, -1), quadrantOf(1, 0)], ['I', 'II', 'III', 'IV', 'zero']);
});

test('zigzagFigure(record): paths on equal axes with the forbidden quadrants shaded, start and target marked, and the excess loss on a log axis', async () => {
  const r = await A.zigzag({ steps: 300 });
  const fig = A.zigzagFigure(r);
  const names = fig.data.map((t) => t.name);
  for (const n of ['positive inputs', 'zero-centred inputs', 'start', 'target w*', 'step directions forbidden at the start']) assert.ok(names.includes(n), n);
  const shade = fig.data.find((t) => t.fill === 'toself') as { x: number[]; y: number[] };
  assert.deepEqual([shade.x[0], shade.y[0]], [-1, 1]);
  const layout = fig.layout as Record<string, { scaleanchor?: string; type?: string; range?: number[] }>;
  assert.equal(layout.yaxis.scaleanchor, 'x');
  assert.deepEqual(layout.xaxis.range, layout.yaxis.range);
  assert.equal(layout.yaxis2.type, 'log');
  assert.match(JSON.stringify(fig.layout).replace(/<br>/g, ' '), /Zig-zag: positive inputs move both weights the same way/);
  assert.equal(zigzagRows(r).length, 5);
  assert.equal(zigzagSignRows(r)[0]['same sign every step'], true);
  throwsMessage(() => A.zigzagFigure({ experiment: 'activationSaturation' } as unknown as A.ZigzagRecord), /^record must be a record returned by nn\.activations\.zigzag\(\)/);
});

test('the zigzag command: `--steps 300 --json` prints the record, the text names the signs and the sweep, and a bad --lr is a usage error naming it', async () => {
  const spec = ZIGZAG_COMMAND.spec;
  const json = JSON.parse(await runZigzag(parseArgs('zigzag', ['--steps', '300', '--json'], spec)));
  assert.equal(json.experiment, 'activationZigzag');
  assert.equal(json.options.steps, 300);
  assert.equal(json.runs[0].sameSign, true);
  assert.equal(typeof json.ms, 'number');
  const text = await runZigzag(parseArgs('zigzag', ['--steps=300', '--lr', '0.5'], spec));
  assert.match(text, /Gradient signs \(∂L\/∂w₁, ∂L\/∂w₂\) per step at lr 0\.5; the target needs quadrant IV/);
  assert.match(text, /Steps to ‖w − w\*‖ < 0\.05 \(of 300\)/);
  throwsMessage(() => parseArgs('zigzag', ['--lr', '0'], spec), /^zigzag: --lr must be a decimal number in \[0\.000001, 1000\], got "0"$|^zigzag: --lr must be/);
  throwsMessage(() => parseArgs('zigzag', ['--steps', '1e9'], spec), /^zigzag: --steps must be an integer/);
  assert.deepEqual(Object.keys(ACTIVATIONS_LESSON.commands), ['activations', 'zigzag', 'depth-stats', 'dead-relu', 'activation-race']);
});

// ------------------------------------------------------------------------------ depth statistics

test('layerStats(values, n, width): mean and std of all values, SE(mean) = sd_j(m_j)/√width and SE(std) = sd_j(s_j)/(2·std·√width), written out here', () => {
  const random = mulberry32(11);
  const [n, width] = [7, 5];
  const v = Array.from({ length: n * width }, () => 3 * random() - 1);
  const got = layerStats(v, n, width);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  const col = (f: (x: number) => number) => Array.from({ length: width }, (_, j) => Array.from({ length: n }, (_, i) => f(v[i * width + j])).reduce((a, b) => a + b, 0) / n);
  const sdOf = (a: number[]) => { const mu = a.reduce((x, y) => x + y, 0) / a.length; return Math.sqrt(a.reduce((x, y) => x + (y - mu) ** 2, 0) / (a.length - 1)); };
  assert.ok(Math.abs(got.mean - mean) < 1e-14 && Math.abs(got.std - std) < 1e-14);
  assert.ok(Math.abs(got.seMean - sdOf(col((x) => x)) / Math.sqrt(width)) < 1e-14);
  assert.ok(Math.abs(got.seStd - sdOf(col((x) => x * x)) / (2 * std * Math.sqrt(width))) < 1e-14);
  assert.deepEqual(layerStats([1, 2, 3, 4], 2, 2).mean, 2.5);
});

test('depthStats({ depth: 3, width: 32, batchSize: 20 }) matches a float64 forward pass of the same draws within float32 rounding, for tanh, ReLU, SELU and GELU', async () => {
  const r = await A.depthStats({ depth: 3, width: 32, batchSize: 20, seed: 4 });
  const f64: Record<A.DepthActivation, (x: number) => number> = {
    tanh: Math.tanh, relu: (x) => Math.max(0, x), selu: (x) => LAMBDA * (x > 0 ? x : ALPHA * Math.expm1(x)), gelu: (x) => x * Phi(x),
  };
  const seeds = seedStream(4);
  const input = Array.from(normalArray(20 * 32, seeds.derive('input')));
  for (const run of r.runs) {
    assert.equal(run.weightStd, run.activation === 'relu' || run.activation === 'gelu' ? Math.sqrt(2 / 32) : 1 / Math.sqrt(32));
    const layerSeeds = seeds.fork(run.activation);
    let h = input;
    for (const layer of run.layers) {
      const W = initValues(A.MATCHING_INIT[run.activation].init, [32, 32], layerSeeds.next());
      const next = new Array<number>(20 * 32);
      for (let i = 0; i < 20; i++) for (let j = 0; j < 32; j++) {
        let z = 0;
        for (let k = 0; k < 32; k++) z += h[i * 32 + k] * W[k * 32 + j];
        next[i * 32 + j] = f64[run.activation](z);
      }
      h = next;
      const ref = layerStats(h, 20, 32);
      // float32 matmul of 32 terms per layer, three layers deep: a relative error of a few 1e-6 at most
      assert.ok(Math.abs(layer.mean - ref.mean) < 1e-4 * ref.std && Math.abs(layer.std / ref.std - 1) < 1e-4, `${run.activation} layer ${layer.layer}: ${layer.mean}, ${layer.std} vs ${ref.mean}, ${ref.std}`);
    }
  }
});

test('depthStats() over 10 layers of 500 (seeds 0 and 1, 200 inputs): SELU within 4 standard errors of mean 0 and std 1 at every layer; tanh\'s std shrinks; ReLU\'s mean stays positive', async () => {
  const lines: string[] = [];
  for (const seed of [0, 1]) {
    const r = await A.depthStats({ seed, batchSize: 200 });
    assert.ok(r.selu !== null && r.selu.ok, JSON.stringify(r.selu));
    const by = Object.fromEntries(r.runs.map((run) => [run.activation, run.layers]));
    for (const l of by.selu) assert.ok(Math.abs(l.mean) < 4 * l.seMean && Math.abs(l.std - 1) < 4 * l.seStd, `layer ${l.layer}`);
    assert.ok(by.tanh.every((l, i) => i === 0 || l.std < by.tanh[i - 1].std), 'tanh std decreases');
    assert.ok(by.tanh[9].std < 0.3);
    assert.ok(by.relu.every((l) => l.mean > 0.4));
    const worst = Math.max(...by.selu.map((l) => Math.max(Math.abs(l.mean) / l.seMean, Math.abs(l.std - 1) / l.seStd)));
    lines.push(`seed ${seed} (${Math.round(r.meta.ms)} ms): SELU worst ${worst.toFixed(2)} SE; last layer ${r.runs.map((run) => `${run.label} ${run.layers[9].mean.toFixed(3)}/${run.layers[9].std.toFixed(3)}`).join(', ')}`);
  }
  console.log(`depthStats, mean/std at layer 10:\n${lines.join('\n')}`);
});

test('depthStats(): deep-equal records for one seed, one progress event per layer, the quick preset, and no tensor left behind', async () => {
  const before = tf.memory().numTensors;
  const events: ProgressEvent[] = [];
  const o = { depth: 2, width: 16, batchSize: 10, activations: ['selu', 'tanh'] as A.DepthActivation[] };
  const a = await A.depthStats({ ...o, progress: (e) => events.push(e) });
  assert.deepEqual(withoutMeta(a), withoutMeta(await A.depthStats(o)));
  assert.deepEqual(events.map((e) => [e.done, e.total, e.phase]), [[1, 4, 'SELU'], [2, 4, 'SELU'], [3, 4, 'tanh'], [4, 4, 'tanh']]);
  assert.equal((await A.depthStats({ ...o, activations: ['relu'] })).selu, null);
  assert.equal(tf.memory().numTensors, before);
  const saved = process.env.NNLAB_QUICK;
  process.env.NNLAB_QUICK = '1';
  try {
    assert.equal((await A.depthStats({ depth: 1, width: 8, activations: ['relu'] })).options.batchSize, A.DEPTH_QUICK.batchSize);
    assert.equal((await A.depthStats({ depth: 1, width: 8, batchSize: 3, activations: ['relu'] })).options.batchSize, 3);
  } finally {
    if (saved === undefined) delete process.env.NNLAB_QUICK; else process.env.NNLAB_QUICK = saved;
  }
});

test('zigzag and depthStats reject bad options with an ArgumentError naming the option, before any work', async () => {
  const cases: [() => Promise<unknown>, RegExp][] = [
    [() => A.zigzag({ offset: 0.5 }), /^offset must be a finite number in \[1\.001, 100\], got 0\.5$/],
    [() => A.zigzag({ start: [1, 2, 3] }), /^start must be an array of 2 values, got \[1, 2, 3\]$/],
    [() => A.zigzag({ lr: 0 }), /^lr must be a finite number in/],
    [() => A.zigzag({ steps: 1e9 }), /^steps must be an integer in \[1, 100000\], got 1000000000$/],
    [() => A.zigzag({ lrs: [1, 1] }), /^lrs\[1\] must be a value not already in lrs/],
    [() => A.zigzag({ bogus: 1 } as unknown as A.ZigzagOptions), /bogus/],
    [() => A.depthStats({ width: 1 }), /^width must be an integer in \[2, 4096\], got 1$/],
    [() => A.depthStats({ activations: ['sigmoid' as A.DepthActivation] }), /^activations\[0\] must be one of "tanh", "relu", "selu", "gelu"/],
    [() => A.depthStats({ depth: 0 }), /^depth must be an integer in \[1, 100\], got 0$/],
    [() => A.depthStats(null as unknown as A.DepthStatsOptions), /^activations\.depthStats options must be an object of options \(or nothing\), got null$/],
    [() => A.deadRelu([1] as unknown as A.DeadReluOptions), /^activations\.deadRelu options must be an object of options/],
    [() => A.depthStats({ width: 4096, batchSize: 100_000 }), /batchSize/],
  ];
  for (const [f, message] of cases) {
    await assert.rejects(f, (e: unknown) => {
      assert.ok(e instanceof ArgumentError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
  for (const schema of [ZIGZAG_OPTIONS, DEPTH_OPTIONS]) {
    for (const [key, field] of Object.entries(schema.fields)) {
      const f = field as { kind: string; max?: number; of?: { kind: string; max?: number } };
      if (f.kind === 'list') assert.ok(f.max !== undefined && (f.of?.kind === 'oneOf' || f.of?.max !== undefined), `${schema.name}.${key}`);
      if (f.kind === 'number' || f.kind === 'int') assert.ok(f.max !== undefined, `${schema.name}.${key}`);
    }
  }
});

test('depthStatsFigure(record): mean and std per layer, one series per activation with its init, the SELU fixed point as reference lines', async () => {
  const r = await A.depthStats({ depth: 4, width: 64, batchSize: 32 });
  const fig = A.depthStatsFigure(r);
  const names = [...new Set(fig.data.map((t) => t.name))];
  assert.deepEqual(names, ['tanh + Xavier', 'ReLU + He', 'SELU + LeCun normal', 'GELU + He', 'SELU\'s fixed point (mean 0, std 1)']);
  const text = JSON.stringify(fig.layout).replace(/<br>/g, ' ');
  assert.match(text, /4 layers, each activation with its init/);
  assert.match(text, /Mean per layer/);
  assert.match(text, /Std per layer/);
  assert.equal(depthStatsRows(r).length, 16);
  throwsMessage(() => A.depthStatsFigure({ experiment: 'x' } as unknown as A.DepthStatsRecord), /^record must be a record returned by nn\.activations\.depthStats\(\)/);
});

test('the depth-stats command: `--depth 3 --width 40 --batch 20 --json` prints the record; the text gives the last layer and SELU\'s check; a bad --width is a usage error', async () => {
  const spec = DEPTH_STATS_COMMAND.spec;
  const json = JSON.parse(await runDepthStats(parseArgs('depth-stats', ['--depth', '3', '--width', '40', '--batch', '20', '--json'], spec)));
  assert.equal(json.experiment, 'activationDepthStats');
  assert.deepEqual([json.options.depth, json.options.width, json.options.batchSize], [3, 40, 20]);
  const text = await runDepthStats(parseArgs('depth-stats', ['--depth=2', '--width=40', '--batch=20'], spec));
  assert.match(text, /Activations after 2 layers \(wasm\)/);
  assert.match(text, /SELU within 4 standard errors of mean 0, std 1 at every layer: (true|false)/);
  throwsMessage(() => parseArgs('depth-stats', ['--width', '5000'], spec), /^depth-stats: --width must be an integer in \[2, 4096\], got "5000"$/);
});

// ------------------------------------------------------------------------------ dead ReLUs (MNIST from the mirror: NNLAB_DATA_MIRROR)

const SMALL = { trainSize: 500, epochs: 2 } as const;

test('deadRelu({ trainSize: 500, epochs: 2 }) on MNIST: (a) negative bias and (b) too-large lr leave most ReLUs dead, (c) none; Leaky ReLU keeps a gradient in every unit', async () => {
  const r = await A.deadRelu(SMALL);
  assert.equal(r.experiment, 'activationDeadRelu');
  assert.deepEqual([r.data.dataset, r.data.images], ['mnist', 500]);
  const find = (setup: string, activation: string) => {
    const run = r.runs.find((x) => x.setup.startsWith(setup) && x.activation === activation);
    assert.ok(run, `${setup} ${activation}`);
    return run;
  };
  const [a, b, c] = [find('a', 'relu'), find('b', 'relu'), find('c', 'relu')];
  assert.ok(a.deadFraction >= 0.9 && b.deadFraction >= 0.5 && c.deadFraction <= 0.05, JSON.stringify(r.runs.map((x) => x.deadFraction)));
  assert.equal(a.lr, null);
  assert.deepEqual(a.epochLosses, []);
  assert.ok(c.accuracy > 0.7 && b.accuracy < 0.5, `${c.accuracy} ${b.accuracy}`);
  for (const run of r.runs.filter((x) => x.activation === 'relu')) assert.equal(run.noGradientUnits, run.deadUnits);
  assert.equal(find('b', 'leakyRelu').noGradientUnits, 0);
  const elu = find('b', 'elu');
  assert.ok(elu.noGradientUnits <= elu.deadUnits);
  console.log(`deadRelu (500 images, 2 epochs): ${r.runs.map((x) => `${x.setup} ${x.label}: ${x.deadUnits} dead, ${x.noGradientUnits} without gradient, accuracy ${x.accuracy.toFixed(3)}`).join('; ')} (${Math.round(r.meta.ms)} ms)`);
});

test('deadRelu({ bias: -1 }): the dead units at init equal a float64 count from the MNIST pixels and the same He draws (max over images of x·W₁ + b₁ <= 0)', async () => {
  const r = await A.deadRelu({ ...SMALL, bias: -1, seed: 2 });
  const ds = await loadDataset('mnist', { split: 'train', allowPartial: true });
  const W = initValues('he', [784, 100], seedStream(2).derive('W1'));
  const max = new Float64Array(100).fill(-Infinity);
  for (let i = 0; i < 500; i++) {
    const z = new Float64Array(100).fill(-1);
    for (let k = 0; k < 784; k++) {
      const x = ds.images[i * 784 + k] / 255;
      if (x !== 0) for (let j = 0; j < 100; j++) z[j] += x * W[k * 100 + j];
    }
    for (let j = 0; j < 100; j++) max[j] = Math.max(max[j], z[j]);
  }
  const dead = Array.from(max).filter((m) => m <= 0).length;
  const a = r.runs[0];
  assert.ok(dead > 5 && dead < 95, `a non-trivial count: ${dead}`);
  assert.equal(a.deadUnits, dead);
  assert.equal(a.deadAtInit, dead);
  // every run starts from the same He draws; the trained runs have b₁ = 0: their dead units at init are those with max z <= 0 without the bias
  const deadWithoutBias = Array.from(max).filter((m) => m + 1 <= 0).length;
  for (const run of r.runs.slice(1)) assert.equal(run.deadAtInit, deadWithoutBias);
});

test('deadRelu(): deep-equal records for one seed, progress per step with each trained run as a phase, and no tensor left behind', async () => {
  const before = tf.memory().numTensors;
  const events: ProgressEvent[] = [];
  const o = { trainSize: 100, epochs: 1, batchSize: 50 };
  const a = await A.deadRelu({ ...o, progress: (e) => events.push(e) });
  assert.deepEqual(withoutMeta(a), withoutMeta(await A.deadRelu(o)));
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual([...new Set(events.map((e) => e.phase))], ['b: too-large lr, ReLU', 'c: sane, ReLU', 'b: too-large lr, Leaky ReLU (α = 0.01)', 'b: too-large lr, ELU (α = 1)']);
  assert.deepEqual(events.filter((e) => e.metrics.step !== undefined).map((e) => e.done), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.ok(events.every((e) => e.total === 8));
});

test('deadRelu rejects bad options with an ArgumentError naming the option; every declared size has an upper bound', async () => {
  const cases: [() => Promise<unknown>, RegExp][] = [
    [() => A.deadRelu({ lr: 0 }), /^lr must be a finite number in/],
    [() => A.deadRelu({ bias: -1000 }), /^bias must be a finite number in \[-100, 100\], got -1000$/],
    [() => A.deadRelu({ trainSize: 5 }), /^trainSize must be an integer in \[10, 60000\], got 5$/],
    [() => A.deadRelu({ hidden: 5000 }), /^hidden must be an integer in \[1, 4096\], got 5000$/],
    [() => A.deadRelu({ activation: 'relu' } as unknown as A.DeadReluOptions), /activation/],
  ];
  for (const [f, message] of cases) {
    await assert.rejects(f, (e: unknown) => {
      assert.ok(e instanceof ArgumentError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
  for (const [key, field] of Object.entries(DEAD_OPTIONS.fields)) {
    const f = field as { kind: string; max?: number };
    if (f.kind === 'number' || f.kind === 'int') assert.ok(f.max !== undefined, key);
  }
});

test('deadReluFigure(record) and the dead-relu command: bars of never-active and no-gradient fractions per setup; `--images 100 --epochs 1 --json` prints the record; a bad --lr is a usage error', async () => {
  const spec = DEAD_RELU_COMMAND.spec;
  const json = JSON.parse(await runDeadRelu(parseArgs('dead-relu', ['--images', '100', '--epochs', '1', '--bias', '-2', '--lr', '3', '--json'], spec)));
  assert.equal(json.experiment, 'activationDeadRelu');
  assert.deepEqual([json.options.trainSize, json.options.epochs, json.options.bias, json.options.lr], [100, 1, -2, 3]);
  const fig = A.deadReluFigure(json);
  assert.deepEqual(fig.data.map((t) => t.name), ['never active (z ≤ 0 on all images)', 'no gradient (f\'(z) = 0 on all)']);
  assert.equal((fig.data[0] as { x: string[] }).x[0], '(a) ReLU, b\u00a0=\u00a0-2');
  assert.match(JSON.stringify(fig.layout), /Dead units of 100 on 100 MNIST images/);
  assert.equal(deadReluRows(json).length, 5);
  const text = await runDeadRelu(parseArgs('dead-relu', ['--images=100', '--epochs=1'], spec));
  assert.match(text, /Dead hidden units out of 100, 100 MNIST training images \(wasm\)/);
  throwsMessage(() => parseArgs('dead-relu', ['--lr', 'big'], spec), /^dead-relu: --lr must be a decimal number/);
  throwsMessage(() => A.deadReluFigure({ experiment: 'x' } as unknown as A.DeadReluRecord), /^record must be a record returned by nn\.activations\.deadRelu\(\)/);
  assert.deepEqual(Object.keys(ACTIVATIONS_LESSON.experiments), ['saturation', 'functionsTable', 'zigzag', 'depthStats', 'deadRelu', 'race']);
});

// ------------------------------------------------------------------------------ the training race

/** A float64 forward pass of the race's net: the same draws, the same activations, written from the formulas. */
function raceForward64(x: Float64Array, n: number, activation: A.RaceActivation, layers: number, width: number, seed: number): Float64Array {
  const seeds = seedStream(seed);
  const init = A.RACE_ENTRANTS[activation].init;
  const dense = (h: Float64Array, din: number, dout: number, W: Float32Array) => {
    const z = new Float64Array(n * dout);
    for (let i = 0; i < n; i++) for (let k = 0; k < din; k++) {
      const v = h[i * din + k];
      if (v !== 0) for (let j = 0; j < dout; j++) z[i * dout + j] += v * W[k * dout + j];
    }
    return z;
  };
  const f: Record<string, (z: number) => number> = {
    sigmoid: (z) => 1 / (1 + Math.exp(-z)), tanh: Math.tanh, relu: (z) => Math.max(0, z), leakyRelu: (z) => (z > 0 ? z : 0.01 * z),
    elu: (z) => (z > 0 ? z : Math.expm1(z)), selu: (z) => LAMBDA * (z > 0 ? z : ALPHA * Math.expm1(z)),
    gelu: (z) => z * 0.5 * (1 + erf64(z / Math.SQRT2)),
  };
  let h = x;
  let din = 784;
  for (let l = 1; l <= layers; l++) {
    const z = dense(h, din, width, initValues(init, [din, width], seeds.derive(`W${l}`)));
    if (activation === 'maxout') {
      const z2 = dense(h, din, width, initValues(init, [din, width], seeds.derive(`W${l}'`)));
      h = z.map((v, i) => Math.max(v, z2[i]));
    } else h = z.map(f[activation]);
    din = width;
  }
  return dense(h, width, 10, initValues('glorot', [width, 10], seeds.derive('Wout')));
}

/** erf to double precision (Abramowitz-Stegun 7.1.26 is too coarse: series and continued fraction). */
function erf64(x: number): number {
  const a = Math.abs(x);
  if (a < 3) {   // Maclaurin series
    let sum = 0;
    let term = a;
    for (let k = 0; k < 200; k++) {
      sum += term / (2 * k + 1);
      term *= -a * a / (k + 1);
      if (Math.abs(term) < 1e-17) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc by Lentz's continued fraction, for |x| >= 3
  let f = a;
  let C = a;
  let D = 0;
  for (let k = 1; k < 200; k++) {
    const ak = k / 2;
    D = a + ak * D;
    D = 1 / D;
    C = a + ak / C;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.sign(x) * (1 - Math.exp(-a * a) / (f * Math.sqrt(Math.PI)));
}

test('race(): the first step\'s loss and the test accuracy at init equal a float64 forward pass of the same draws, for every activation (2 layers of 16, 20 MNIST images)', async () => {
  const o = { trainSize: 20, testSize: 20, layers: 2, width: 16, epochs: 1, batchSize: 20, seed: 3, progress: false } as const;
  const r = await A.race(o);
  const train = await loadDataset('mnist', { split: 'train', allowPartial: true });
  const testSet = await loadDataset('mnist', { split: 'test', allowPartial: true });
  const pixels = (ds: typeof train) => Float64Array.from(ds.images.subarray(0, 20 * 784), (v) => v / 255);
  for (const run of r.runs) {
    const scores = raceForward64(pixels(train), 20, run.activation, 2, 16, 3);
    let loss = 0;
    for (let i = 0; i < 20; i++) {
      const row = scores.subarray(i * 10, i * 10 + 10);
      const m = Math.max(...row);
      loss += Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0)) + m - row[train.labels[i]];
    }
    loss /= 20;
    assert.ok(Math.abs(run.stepLosses[0] - loss) <= 1e-5 * Math.max(1, loss), `${run.label}: first loss ${run.stepLosses[0]} vs float64 ${loss}`);
    const testScores = raceForward64(pixels(testSet), 20, run.activation, 2, 16, 3);
    let correct = 0;
    for (let i = 0; i < 20; i++) {
      const row = Array.from(testScores.subarray(i * 10, i * 10 + 10));
      if (row.indexOf(Math.max(...row)) === testSet.labels[i]) correct++;
    }
    assert.ok(Math.abs(run.testAccuracy[0] - correct / 20) < 1e-6, `${run.label}: accuracy at init ${run.testAccuracy[0]} vs float64 ${correct / 20}`);
  }
  assert.deepEqual(r.runs.map((x) => x.init), ['Xavier', 'Xavier', 'He', 'He', 'He', 'LeCun normal', 'He', 'Xavier']);
  // parameters: 784·16 + 16 + 16·16 + 16 + 16·10 + 10, maxout's hidden maps twice
  assert.equal(r.runs[0].parameters, 784 * 16 + 16 + 16 * 16 + 16 + 16 * 10 + 10);
  assert.equal(r.runs[7].parameters, 2 * (784 * 16 + 16 + 16 * 16 + 16) + 16 * 10 + 10);
});

test('race({ trainSize: 600, epochs: 3 }) on MNIST, seeds 0 and 1: sigmoid in 4 hidden layers stays at ln 10 and ranks last; every other activation beats its test accuracy by 0.2', async () => {
  for (const seed of [0, 1]) {
    const r = await A.race({ trainSize: 600, testSize: 500, epochs: 3, seed, progress: false });
    const sigmoid = r.runs.find((x) => x.activation === 'sigmoid')!;
    const last = (a: number[]) => a[a.length - 1];
    assert.ok(Math.abs(last(sigmoid.epochLosses) - Math.log(10)) < 0.05, `sigmoid's last epoch loss ${last(sigmoid.epochLosses)}`);
    assert.equal(sigmoid.rank, 8);
    for (const run of r.runs.filter((x) => x.activation !== 'sigmoid')) {
      assert.ok(last(run.testAccuracy) > last(sigmoid.testAccuracy) + 0.2, `${run.label}: ${last(run.testAccuracy)} against sigmoid's ${last(sigmoid.testAccuracy)}`);
      assert.ok(last(run.epochLosses) < run.epochLosses[0], `${run.label}'s loss goes down`);
      assert.equal(run.divergedAt, null);
    }
    assert.deepEqual([...r.runs.map((x) => x.rank)].sort(), [1, 2, 3, 4, 5, 6, 7, 8].filter((k) => r.runs.some((x) => x.rank === k)).sort());
    console.log(`race seed ${seed} (600 images, 3 epochs): ${r.runs.map((x) => `${x.label} ${last(x.testAccuracy).toFixed(3)}`).join(', ')} (${Math.round(r.meta.ms)} ms)`);
  }
});

test('race(): deep-equal records for one seed, progress per step with each activation as a phase, the quick preset, and no tensor left behind', async () => {
  const before = tf.memory().numTensors;
  const events: ProgressEvent[] = [];
  const o = { trainSize: 40, testSize: 20, layers: 2, width: 8, epochs: 2, batchSize: 20, activations: ['relu', 'maxout'] as A.RaceActivation[] };
  const a = await A.race({ ...o, progress: (e) => events.push(e) });
  assert.deepEqual(withoutMeta(a), withoutMeta(await A.race(o)));
  assert.notDeepEqual(withoutMeta(a).runs, withoutMeta(await A.race({ ...o, seed: 1 })).runs);
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual([...new Set(events.map((e) => e.phase))], ['ReLU', 'Maxout']);
  assert.deepEqual(events.filter((e) => e.metrics.step !== undefined).map((e) => e.done), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.ok(events.every((e) => e.total === 8));
  assert.deepEqual(a.runs.map((r) => r.testAccuracy.length), [3, 3]);
  process.env.NNLAB_QUICK = '1';
  try {
    const q = await A.race({ layers: 2, width: 8, activations: ['relu'], progress: false });
    assert.deepEqual([q.options.trainSize, q.options.testSize, q.options.epochs], [A.RACE_QUICK.trainSize, A.RACE_QUICK.testSize, A.RACE_QUICK.epochs]);
  } finally {
    delete process.env.NNLAB_QUICK;
  }
});

test('race rejects bad options with an ArgumentError naming the option; a race over its work limit is refused before MNIST loads', async () => {
  const cases: [() => Promise<unknown>, RegExp][] = [
    [() => A.race({ lr: 0 }), /^lr must be a finite number in/],
    [() => A.race({ activations: ['relu', 'swish' as A.RaceActivation] }), /^activations\[1\] must be one of/],
    [() => A.race({ activations: [] }), /^activations/],
    [() => A.race({ dataset: 'cifar-10' as 'mnist' }), /^dataset must be one of "mnist", "fashion-mnist"/],
    [() => A.race({ width: 2048, layers: 20 }), /^layers is too large: activations\.race would take/],
    [() => A.race({ activation: 'relu' } as unknown as A.RaceOptions), /activation/],
  ];
  for (const [f, message] of cases) {
    await assert.rejects(f, (e: unknown) => {
      assert.ok(e instanceof ArgumentError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
  const defaults = RACE_OPTIONS.resolve({});
  assert.ok(raceWork(defaults) <= RACE_MAX_WORK / 25, `the defaults take ${raceWork(defaults).toExponential(1)}`);
});

test('raceFigure(record), raceRows and the activation-race command: loss and accuracy panels with one series per activation; `--activations relu,sigmoid --images 40 --json` prints the record; a bad --lr is a usage error', async () => {
  const spec = RACE_COMMAND.spec;
  const json = JSON.parse(await runRace(parseArgs('activation-race', ['--activations', 'relu,sigmoid', '--images', '40', '--epochs', '1', '--layers', '2', '--width', '8', '--json'], spec)));
  assert.equal(json.experiment, 'activationRace');
  assert.deepEqual([json.options.trainSize, json.options.layers, json.options.activations], [40, 2, ['relu', 'sigmoid']]);
  const fig = A.raceFigure(json);
  assert.deepEqual([...new Set(fig.data.map((t) => t.name))], ['ReLU', 'sigmoid']);
  assert.equal(fig.data.length, 4);
  assert.match(JSON.stringify(fig.layout), /Only the activation changes \(2 × 8 hidden, lr 0.05\)/);
  // the loss panel: one point per step up to 40 steps, then means of windows (80 steps: 2 a point)
  assert.deepEqual((fig.data[0] as { x: number[] }).x, [1]);
  const long = { ...json, runs: json.runs.map((r: A.RaceRun) => ({ ...r, stepLosses: Array.from({ length: 81 }, (_, k) => k) })) };
  const wide = A.raceFigure(long).data[0] as { x: number[]; y: number[] };
  assert.equal(wide.x.length, 27);
  assert.deepEqual([wide.x[0], wide.y[0], wide.x[26], wide.y[26]], [3, 1, 81, 79]);
  assert.match(JSON.stringify(A.raceFigure(long).layout), /mean of every 3 steps/);
  const rows = raceRows(json);
  assert.deepEqual(rows.map((r) => r.rank), [...rows.map((r) => r.rank)].sort());
  assert.ok(rows.every((r) => typeof r['the lecture says'] === 'string'));
  const text = await runRace(parseArgs('activation-race', ['--activations=relu', '--images=40', '--epochs=1'], spec));
  assert.match(text, /4 hidden layers of 64, 40 mnist training images, 1 epochs/);
  throwsMessage(() => parseArgs('activation-race', ['--lr', 'fast'], spec), /^activation-race: --lr must be a decimal number/);
  throwsMessage(() => A.raceFigure({ experiment: 'x' } as unknown as A.RaceRecord), /^record must be a record returned by nn\.activations\.race\(\)/);
});
