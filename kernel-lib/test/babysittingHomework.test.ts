/**
 * Homework 05 (babysitting: the two-layer net's loss and gradient): the checks' float64 reference
 * against NumPy (test/numpy/two_layer.py) and against the library's tensor version
 * (nets/twoLayer), the known mistakes as formulas and as code (each gets its hint), the sanity
 * check's tolerance against its closed form and a Monte Carlo over labels, the designs'
 * preconditions (no kink within a gradient check's step, dead units, overflow), what the checks
 * say about wrong return values, and the instructor's solutions, which must be the notebook's.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import * as nn from '../src/index';
import { runCheck } from '../src/homework';
import { cellSource, instructorDir, NotebookJson } from '../src/homework';
import { relError } from '../src/core/stats';
import { mulberry32, randomInt } from '../src/core/rng';
import { twoLayerLoss } from '../src/nets/twoLayer';
import {
  AGREE_TOL_32, AGREE_TOL_64, DESIGNS_32, DESIGNS_64, flatten, GRADCHECK_H_32, GRADCHECK_H_64, HINTS, HOMEWORK_05, LossVariant, makeNet, Net64,
  NetDesign, numericalGradient32, PARAMS, sanityTolerance, twoLayer64,
} from '../src/lessons/babysitting/homework';
import { compile05, edited, MISTAKES_05, RIGHT_05 } from './fixtures/homework/babysitting';

before(async () => { await nn.useDevice('cpu', { print: false }); });

const ALL_DESIGNS: [string, NetDesign, boolean][] = [
  ...Object.entries(DESIGNS_64).map(([k, d]) => [`float64 ${k}`, d, false] as [string, NetDesign, boolean]),
  ...Object.entries(DESIGNS_32).map(([k, d]) => [`float32 ${k}`, d, true] as [string, NetDesign, boolean]),
];
const rows = (a: Float64Array, r: number, c: number) => Array.from({ length: r }, (_, i) => Array.from(a.subarray(i * c, (i + 1) * c)));
const sumSq = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v * v, 0);
const scaled = (a: Float64Array, f: number) => Float64Array.from(a, (v) => f * v);
const plus = (a: Float64Array, b: Float64Array) => Float64Array.from(a, (v, i) => v + b[i]);

interface NumpyLoss { loss: number; dataLoss: number; regLoss: number; W1: number[]; b1: number[]; W2: number[]; b2: number[] }
function numpy(net: Net64): NumpyLoss {
  const script = path.resolve(__dirname, '..', '..', 'test', 'numpy', 'two_layer.py');
  const job = {
    W1: rows(net.W1, net.D, net.H), b1: Array.from(net.b1), W2: rows(net.W2, net.H, net.C), b2: Array.from(net.b2),
    X: rows(net.X, net.N, net.D), y: Array.from(net.y), reg: net.reg,
  };
  const out = spawnSync('/usr/bin/python3', [script, '-'], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(out.status, 0, out.stderr);
  return JSON.parse(out.stdout) as NumpyLoss;
}

test('twoLayer64(net) equals NumPy\'s TwoLayerNet.loss (test/numpy/two_layer.py) on every case of both exercises: loss, its parts and dW1, db1, dW2, db2 to 1e-12', () => {
  for (const [name, d, f32] of ALL_DESIGNS) {
    const net = makeNet(d, f32);
    const mine = twoLayer64(net);
    const np = numpy(net);
    assert.ok(relError([mine.loss, mine.dataLoss, mine.regLoss], [np.loss, np.dataLoss, np.regLoss]) < 1e-12, `${name}: loss ${mine.loss} vs ${np.loss}`);
    for (const k of PARAMS) assert.ok(relError(mine.grads[k], np[k]) < 1e-12, `${name}: d${k} ${relError(mine.grads[k], np[k])}`);
  }
});

test('twoLayer64 agrees with the library\'s tensor version nets.twoLayerLoss on the float32 cases within AGREE_TOL_32 (1e-4), and the scores near 100 leave the loss as it was without the shift', () => {
  for (const [name, d] of Object.entries(DESIGNS_32)) {
    const net = makeNet(d, true);
    const want = twoLayer64(net);
    const [params, X, y] = [{
      W1: tf.tensor2d(Float32Array.from(net.W1), [net.D, net.H]), b1: tf.tensor1d(Float32Array.from(net.b1)),
      W2: tf.tensor2d(Float32Array.from(net.W2), [net.H, net.C]), b2: tf.tensor1d(Float32Array.from(net.b2)),
    }, tf.tensor2d(Float32Array.from(net.X), [net.N, net.D]), tf.tensor1d(net.y, 'int32')];
    const got = twoLayerLoss(params, X, y, { reg: net.reg });
    assert.ok(relError([got.loss.dataSync()[0]], [want.loss]) < AGREE_TOL_32, `${name}: loss`);
    for (const k of PARAMS) assert.ok(relError(got.grads[k].dataSync(), want.grads[k]) < AGREE_TOL_32, `${name}: d${k}`);
    tf.dispose([got.loss, got.dataLoss, got.regLoss, ...Object.values(got.grads), ...Object.values(params), X, y]);
  }
  // softmax is shift-invariant: the overflow cases' loss and gradients equal those of the unshifted net
  for (const [d, f32] of [[DESIGNS_64.overflow, false], [DESIGNS_32.overflow, true]] as const) {
    const shifted = makeNet(d, f32);
    const base = { ...shifted, b2: Float64Array.from(shifted.b2, (b) => b - (d.shift ?? 0)) };
    assert.ok(relError(flatten(twoLayer64(shifted).grads), flatten(twoLayer64(base).grads)) < (f32 ? 1e-5 : 1e-12));
    assert.ok(Math.abs(twoLayer64(shifted).loss - twoLayer64(base).loss) < (f32 ? 1e-5 : 1e-12));
  }
});

test('each mistake variant of twoLayer64 is its formula: ½ forgotten adds ½·reg·ΣW² to the loss, 2·reg·W adds reg·W to dW, regularised biases add ½·reg·Σb² and reg·b, a sum multiplies by N', () => {
  const net = makeNet(DESIGNS_64.reg);
  const right = twoLayer64(net);
  const v = (variant: LossVariant) => twoLayer64(net, variant);
  const regW = 0.5 * net.reg * (sumSq(net.W1) + sumSq(net.W2));
  const regB = 0.5 * net.reg * (sumSq(net.b1) + sumSq(net.b2));
  assert.ok(Math.abs(v('noHalfLoss').loss - right.loss - regW) < 1e-12);
  assert.ok(Math.abs(v('noHalf').loss - right.loss - regW) < 1e-12);
  assert.ok(Math.abs(v('regBiases').loss - right.loss - regB) < 1e-12);
  for (const k of ['W1', 'W2'] as const) {
    assert.ok(relError(v('doubleGrad').grads[k], plus(right.grads[k], scaled(net[k], net.reg))) < 1e-14);
    assert.ok(relError(v('halfGrad').grads[k], plus(right.grads[k], scaled(net[k], -0.5 * net.reg))) < 1e-14);
    assert.ok(relError(v('noRegGrad').grads[k], plus(right.grads[k], scaled(net[k], -net.reg))) < 1e-14);
  }
  for (const k of ['b1', 'b2'] as const) assert.ok(relError(v('regBiases').grads[k], plus(right.grads[k], scaled(net[k], net.reg))) < 1e-14);
  const data = twoLayer64({ ...net, reg: 0 });
  assert.ok(Math.abs(twoLayer64({ ...net, reg: 0 }, 'sum').loss - net.N * data.loss) < 1e-12);
  // no mask: dW1 and db1 change (some units are off for some rows); dW2 and db2 do not
  assert.ok(relError(v('noMask').grads.b1, right.grads.b1) > 1e-2);
  assert.equal(relError(v('noMask').grads.W2, right.grads.W2), 0);
  // the naive softmax equals the right one for small scores, and overflows on the overflow cases
  assert.ok(Math.abs(v('naive').loss - right.loss) < 1e-14);
  assert.ok(!Number.isFinite(twoLayer64(makeNet(DESIGNS_64.overflow), 'naive').loss), 'exp(1000) overflows float64');
  assert.equal(Math.fround(Math.exp(DESIGNS_32.overflow.shift - 10)), Infinity, 'exp(90) overflows float32');
});

test('every mistake is more than 1e-3 (10 float32 tolerances) from the right answer, and each part it changes by more than 5e-4 (5 float32 tolerances), wherever the check diagnoses it (reg > 0)', () => {
  const variants: LossVariant[] = ['noHalfLoss', 'doubleGrad', 'halfGrad', 'noRegGrad', 'regBiases', 'sum', 'noMask'];
  for (const [name, d, f32] of ALL_DESIGNS) {
    if (d.reg === 0 || name.endsWith('sanity')) continue;
    const tol = f32 ? AGREE_TOL_32 : AGREE_TOL_64;
    const net = makeNet(d, f32);
    const right = twoLayer64(net);
    for (const variant of variants) {
      const out = twoLayer64(net, variant);
      const errs = [relError([out.loss], [right.loss]), ...PARAMS.map((k) => relError(out.grads[k], right.grads[k]))];
      if (d.N === 1 && (variant === 'sum' || variant === 'noMask')) continue; // one row: the sum is the mean, and the mask drops only units dead for it
      assert.ok(Math.max(...errs) > 1e-3, `${name}: ${variant} is only ${Math.max(...errs)} from right`);
      for (const e of errs) assert.ok(e < 1e-12 || e > 5e-4, `${name}: ${variant} has a part ${e} from right, neither exact nor over 5e-4`);
    }
  }
});

test('sanityTolerance(scores, N, C): 0 for equal scores; 4·√(v/N) + v for scores of class variance v; the sanity cases\' reference loss is ln 10 within it, and about 4 standard errors over random labels', () => {
  assert.deepEqual(sanityTolerance(new Float64Array(30), 3, 10), { tolerance: 0, spread: 0 });
  const s = [0, 0.2, 0, 0.2]; // two rows of two classes: class variance 0.01 each
  const t = sanityTolerance(s, 2, 2);
  assert.ok(Math.abs(t.tolerance - (4 * Math.sqrt(0.01 / 2) + 0.01)) < 1e-15);
  assert.ok(Math.abs(t.spread - 0.1) < 1e-15);
  for (const [d, f32] of [[DESIGNS_64.sanity, false], [DESIGNS_32.sanity, true]] as const) {
    const net = makeNet(d, f32);
    const ref = twoLayer64(net);
    const { tolerance } = sanityTolerance(ref.scores, net.N, net.C);
    assert.ok(Math.abs(ref.loss - Math.log(10)) < tolerance, `seed ${d.seed}: ${ref.loss} vs ln 10 ± ${tolerance}`);
    assert.ok(tolerance > 1e-5 && tolerance < 1e-3, `a tolerance of ${tolerance}: tiny weights, so near ln 10, yet above float32 rounding`);
    // Monte Carlo over the labels, scores fixed: the loss's std is the standard error the tolerance uses
    const rand = mulberry32(7);
    const losses = Array.from({ length: 4000 }, () => {
      let L = 0;
      for (let n = 0; n < net.N; n++) {
        const row = ref.scores.subarray(n * net.C, (n + 1) * net.C);
        const m = Math.max(...row);
        L += Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0)) - (row[randomInt(rand, net.C)] - m);
      }
      return L / net.N;
    });
    const mean = losses.reduce((a, b) => a + b, 0) / losses.length;
    const sd = Math.sqrt(losses.reduce((a, b) => a + (b - mean) ** 2, 0) / (losses.length - 1));
    const se = sanityTolerance(ref.scores, net.N, net.C).spread / Math.sqrt(net.N);
    assert.ok(Math.abs(sd / se - 1) < 0.1, `Monte Carlo std ${sd} vs the tolerance's standard error ~${se}`);
    assert.ok(losses.filter((L) => Math.abs(L - Math.log(10)) > tolerance).length <= 2, 'beyond 4 SE: about 1 in 16,000');
  }
});

test('the designs hold what their names say: no ReLU kink within a gradient check\'s step, 3 dead units in the edge case, scores near 1000 and 100, the lecture\'s 3072 → 50 → 10 at std 1e-4', () => {
  for (const [d, f32, h] of [[DESIGNS_64.gradCheck, false, GRADCHECK_H_64], [DESIGNS_32.gradCheck, true, GRADCHECK_H_32]] as const) {
    const net = makeNet(d, f32);
    const minZ = Math.min(...Array.from(twoLayer64(net).z1, Math.abs));
    const maxX = Math.max(1, ...Array.from(net.X, Math.abs));
    assert.ok(minZ > 2 * h * maxX, `seed ${d.seed}: min |z1| ${minZ} vs the largest move h·max(1, |X|) = ${h * maxX}`);
  }
  for (const [d, f32] of [[DESIGNS_64.edge, false], [DESIGNS_32.edge, true]] as const) {
    const net = makeNet(d, f32);
    const z1 = twoLayer64(net).z1;
    assert.deepEqual(Array.from({ length: net.H }, (_, j) => z1[j] < 0).slice(0, 3), [true, true, true]);
    assert.equal(Array.from(twoLayer64(net).grads.b1).slice(0, 3).every((g) => g === 0), true);
  }
  for (const [d, f32, lo] of [[DESIGNS_64.overflow, false, 990], [DESIGNS_32.overflow, true, 90]] as const) {
    const scores = twoLayer64(makeNet(d, f32)).scores;
    assert.ok(Math.min(...scores) > lo, `scores from ${Math.min(...scores)}`);
  }
  const s = makeNet(DESIGNS_64.sanity);
  assert.deepEqual([s.D, s.H, s.C], [3072, 50, 10]);
  assert.ok(Math.abs(Math.sqrt(sumSq(s.W1) / s.W1.length) / 1e-4 - 1) < 0.01);
});

test('numericalGradient32 of the library\'s float32 net is within 1e-4 of twoLayer64 on the float32 gradient-check case (h = 1e-2)', () => {
  const net = makeNet(DESIGNS_32.gradCheck, true);
  const fn = compile05(RIGHT_05.twoLayerLossTf, 'twoLayerLossTf');
  const lossAt = (p: Record<string, Float64Array>) => {
    const loss = tf.tidy(() => {
      const s = { W1: [net.D, net.H], b1: [net.H], W2: [net.H, net.C], b2: [net.C] } as Record<string, number[]>;
      const params = Object.fromEntries(PARAMS.map((k) => [k, tf.tensor(Float32Array.from(p[k]), s[k])]));
      return (fn(params, tf.tensor2d(Float32Array.from(net.X), [net.N, net.D]), tf.tensor1d(net.y, 'int32'), net.reg) as { loss: tf.Scalar }).loss;
    });
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  };
  const numeric = numericalGradient32(lossAt, net);
  const want = twoLayer64(net).grads;
  for (const k of PARAMS) assert.ok(relError(numeric[k], want[k]) < 1e-4, `d${k}: ${relError(numeric[k], want[k])}`);
  assert.ok(relError(numeric.W2, want.W2) > 1e-7, 'float32 differences are not float64 ones');
});

test('runCheck(twoLayerLoss64 / twoLayerLossTf, the instructor\'s solutions) passes every case with full marks and no leak; the checks are deterministic', async () => {
  for (const e of HOMEWORK_05) {
    const fn = compile05(RIGHT_05[e.name as keyof typeof RIGHT_05], e.name as keyof typeof RIGHT_05);
    const [a, b] = [await runCheck(e.name, fn), await runCheck(e.name, fn)];
    assert.deepEqual(a.cases.filter((c) => !c.passed).map((c) => `${c.name}: ${c.message}`), []);
    assert.deepEqual([a.score, a.leaked], [e.points, 0]);
    assert.deepEqual(a.cases, b.cases, e.name);
  }
});

const SCORES: Record<string, number> = {
  'forgot the 0.5 in the loss only': 10 / 3, 'forgot the 0.5 in loss and gradient (2·reg·W)': 5, 'regularisation gradient 2·reg·W': 10 / 3,
  'regularisation gradient 0.5·reg·W': 10 / 3, 'no regularisation gradient': 10 / 3, 'regularised the biases': 5,
  'forgot to subtract the row max before exp': 25 / 3, 'no ReLU mask in the backward pass': 5 / 3,
};

for (const m of MISTAKES_05) {
  test(`runCheck('${m.fn}', a solution with the mistake "${m.name}") fails with the hint ${m.hint}`, async () => {
    const r = await runCheck(m.fn, compile05(edited(m), m.fn));
    assert.equal(r.passed, false);
    assert.match(r.hints.join('\n'), m.hint, r.cases.map((c) => `${c.passed} ${c.name}: ${c.message}`).join('\n'));
    const base = m.name.replace(/ \((float64 arrays|tensors)\)$/, '');
    if (base in SCORES) assert.equal(r.score, Math.round(10 * SCORES[base]) / 10);
    assert.equal(r.leaked, 0);
  });
}

test('the naive softmax fails only the overflow case, with NaN or Infinity and the hint, in both precisions', async () => {
  for (const m of MISTAKES_05.filter((x) => x.name.startsWith('forgot to subtract'))) {
    const r = await runCheck(m.fn, compile05(edited(m), m.fn));
    assert.deepEqual(r.cases.filter((c) => !c.passed).map((c) => c.name), [m.fn === 'twoLayerLoss64' ? DESIGNS_64.overflow.name : DESIGNS_32.overflow.name]);
    assert.match(r.cases.find((c) => !c.passed)!.message, /^your (loss is (NaN|Infinity)|d\w+ has NaN or Infinity) \(the reference loss is [\d.]+, finite\)$/);
    assert.deepEqual(r.hints, [HINTS.overflow]);
  }
});

test('a gradient check proves consistency, not correctness: the ½ forgotten in both loss and gradient passes the numerical case and fails the reference cases', async () => {
  for (const m of MISTAKES_05.filter((x) => x.name.startsWith('forgot the 0.5 in loss and gradient'))) {
    const r = await runCheck(m.fn, compile05(edited(m), m.fn));
    const numerical = r.cases.find((c) => c.name.startsWith('numerical gradient check'))!;
    assert.equal(numerical.passed, true, numerical.message);
    assert.equal(r.cases.find((c) => c.name.includes('reg 0.1: loss and every gradient'))!.passed, false);
  }
  // ... and a loss without the ½ whose gradient has it fails the numerical case with the consistency hint
  const m = MISTAKES_05.find((x) => x.name === 'forgot the 0.5 in the loss only (float64 arrays)')!;
  const r = await runCheck(m.fn, compile05(edited(m), m.fn));
  const numerical = r.cases.find((c) => c.name.startsWith('numerical gradient check'))!;
  assert.equal(numerical.passed, false);
  assert.match(numerical.message, /^relative error of each gradient against centred differences \(h = 1e-5\): dW1 [\d.e-]+, db1 [\d.e-]+, dW2 [\d.e-]+, db2 [\d.e-]+; worst entry d\w+\[\d+\](\[\d+\])? \(analytic/);
  assert.equal(numerical.hint, HINTS.inconsistentHalf);
});

test('the sanity case names a loss summed over the rows, a log10 and a lost minus sign', async () => {
  const right = compile05(RIGHT_05.twoLayerLoss64, 'twoLayerLoss64') as (...a: unknown[]) => { loss: number; grads: unknown };
  const cases: [(l: number, N: number) => number, string][] = [[(l, N) => l * N, HINTS.sum], [(l) => l / Math.LN10, HINTS.log10], [(l) => -l, HINTS.sign], [(l) => l + 0.1, HINTS.sanity]];
  for (const [change, hint] of cases) {
    const fn = (p: unknown, X: number[][], y: number[], reg: number) => { const r = right(p, X, y, reg); return { ...r, loss: change(r.loss, X.length) }; };
    const r = await runCheck('twoLayerLoss64', fn);
    assert.equal(r.cases[0].passed, false);
    assert.equal(r.cases[0].hint, hint);
    assert.match(r.cases[0].message, /^initial loss -?[\d.]+, expected ln 10 = 2\.30259 ± [\d.]+e-5 \(4 standard errors over N = 50 random labels, scores spread [\d.]+e-4 across classes\)$/);
  }
});

test('wrong return values fail a case with a message naming the call: a tensor in exercise 1, a missing gradient, changed arguments, no grads, a disposed input, a wrong shape', async () => {
  let r = await runCheck('twoLayerLoss64', () => ({ loss: 2.3, grads: { W1: tf.zeros([3072, 50]) } }));
  assert.match(r.cases[0].message, /^twoLayerLoss64\(params, X \[50, 3072\], y, reg = 0\)\.grads\.W1 must be a number\[\]\[\] \(plain arrays, float64\), got a tf\.Tensor of shape \[3072, 50\]$/);
  assert.match(r.hints.join('\n'), /exercise 1 is written in plain arrays/);
  assert.equal(r.leaked, 0);
  r = await runCheck('twoLayerLoss64', (p: { W1: number[][]; b1: number[] }) => ({ loss: 1, grads: { W1: p.W1, b1: p.b1 } }));
  assert.match(r.cases[1].message, /^twoLayerLoss64\(params, X \[5, 4\], y, reg = 0\)\.grads\.W2 must be a number\[\]\[\] of shape \[10, 3\], got undefined \(did you forget to return\?\)$/);
  const right = compile05(RIGHT_05.twoLayerLoss64, 'twoLayerLoss64');
  r = await runCheck('twoLayerLoss64', (p: { W1: number[][] }, X: number[][], y: number[], reg: number) => { const out = right(p, X, y, reg); p.W1[0][0] = 0; return out; });
  assert.match(r.cases[1].message, /changed its arguments \(params, X or y\)$/);
  r = await runCheck('twoLayerLoss64', () => ({ loss: 1 }));
  assert.match(r.cases[1].message, /^twoLayerLoss64\(params, X \[5, 4\], y, reg = 0\)\.grads must be \{W1, b1, W2, b2\}, got undefined/);
  const tfRight = compile05(RIGHT_05.twoLayerLossTf, 'twoLayerLossTf');
  r = await runCheck('twoLayerLossTf', (p: Record<string, tf.Tensor>, X: tf.Tensor, y: tf.Tensor, reg: number) => { const out = tfRight(p, X, y, reg); X.dispose(); return out; });
  assert.match(r.cases[1].message, /^twoLayerLossTf\(params, X \[5, 4\], y, reg = 0\) disposed one of its inputs$/);
  r = await runCheck('twoLayerLossTf', (p: Record<string, tf.Tensor>) => ({ loss: tf.scalar(1), grads: { W1: p.W2.clone(), b1: p.b1.clone(), W2: p.W2.clone(), b2: p.b2.clone() } }));
  assert.match(r.cases[1].message, /\.grads\.W1 has shape \[10, 3\], expected \[4, 10\]$/);
  assert.equal(r.leaked, 0);
});

test('the instructor notebook holds the fixture\'s solutions: every statement a mistake edits is in its function\'s cell', () => {
  const nb = JSON.parse(fs.readFileSync(path.join(instructorDir(), 'hw05-babysitting.ipynb'), 'utf8')) as NotebookJson;
  for (const m of MISTAKES_05) {
    const cell = nb.cells.find((c) => cellSource(c).includes(`function ${m.fn}(`));
    assert.ok(cell, m.fn);
    for (const [from] of m.edits) assert.ok(cellSource(cell).includes(from), `${m.name}: "${from}" is not in the notebook`);
  }
  // and the fixture's solution bodies are the notebook's, line for line (types aside)
  for (const fn of Object.keys(RIGHT_05) as (keyof typeof RIGHT_05)[]) {
    const cell = cellSource(nb.cells.find((c) => cellSource(c).includes(`function ${fn}(`))!);
    const body = RIGHT_05[fn].split('\n').slice(1, -1).map((l) => l.trim()).filter((l) => !l.startsWith('return {') && !/^(loss|grads|\}\);?|\};?)/.test(l));
    for (const line of body) assert.ok(cell.includes(line), `${fn}: "${line}" is not in the notebook`);
  }
});
