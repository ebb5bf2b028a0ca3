/**
 * Lesson 12 (losses): gradCheckRecord (the lesson's gradient check utility), the loss-shape and
 * worked-example experiment, MSE on softmax vs cross-entropy, the error-vs-h study and kinks, the
 * SVM loss with L2, the CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradCheck, gradCheckRecord, gradRelError, gradRelErrorMax } from '../src/core/gradCheck';
import { array64, randn64 } from '../src/nets/array64';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { ParsedArgs } from '../src/core/args';
import { runGradH, runLosses } from '../src/lessons/losses/cli';
import { FLOAT32_GRADCHECK, gradErrorVsH, kinks } from '../src/lessons/losses/gradNumerics';
import { lossExample, lossSanity, lossShapes, softmaxBackwardRow, svmLoss64 } from '../src/lessons/losses/lossShapes';
import { mseVsCe, scoreGradients } from '../src/lessons/losses/mseVsCe';
import { rejectsArgument, throwsArgument, withoutMeta } from './helpers';

test('gradRelErrorMax is |a − n| / max(|a|, |n|) (floor 1e-8), between gradRelError and twice it', () => {
  assert.equal(gradRelErrorMax(1, 3), 2 / 3);
  assert.equal(gradRelErrorMax(0, 0), 0);
  assert.equal(gradRelErrorMax(-2, -2), 0);
  assert.equal(gradRelErrorMax(0, 1e-12), 1e-12 / 1e-8);
  for (const [a, n] of [[1, 1.1], [0.3, -0.2], [5, 4.999]]) {
    const r = gradRelErrorMax(a, n);
    assert.ok(r >= gradRelError(a, n) && r <= 2 * gradRelError(a, n) + 1e-15, `${a}, ${n}`);
  }
});

test('gradCheckRecord: f returning { loss, grad } or options.analytic; Array64 or Float64Array; distinct seeded samples; a wrong gradient fails', () => {
  const f = (x: Float64Array) => ({ loss: x[0] ** 2 * x[1] + Math.sin(x[2]), grad: [2 * x[0] * x[1], x[0] ** 2, Math.cos(x[2])] });
  const x = Float64Array.from([1.5, -2, 0.4]);
  const r = gradCheckRecord(f, x, { h: 1e-5 });
  assert.equal(r.kind, 'gradCheck');
  assert.equal(r.convention, 'max');
  assert.deepEqual(r.rows.map((row) => row.index), [0, 1, 2]);
  assert.ok(r.passed && r.verdict === 'right' && r.maxRelError < 1e-8, JSON.stringify(r));
  assert.deepEqual(Array.from(x), [1.5, -2, 0.4]);
  r.rows.forEach((row) => assert.equal(row.relError, gradRelErrorMax(row.analytic, row.numeric)));
  assert.equal(r.maxRelError, Math.max(...r.rows.map((row) => row.relError)));
  // the same through options.analytic and an Array64
  const W = array64([3], [1.5, -2, 0.4]);
  const r2 = gradCheckRecord((w) => w.data[0] ** 2 * w.data[1] + Math.sin(w.data[2]), W, { analytic: array64([3], f(W.data).grad) });
  assert.ok(r2.passed);
  // a gradient off by a factor 2 in one coordinate: relative error 0.5 there, 'wrong'
  const bad = gradCheckRecord((v) => ({ loss: v[0] ** 2 + v[1] ** 2, grad: [2 * v[0], v[1]] }), Float64Array.from([1, 1]));
  assert.equal(bad.passed, false);
  assert.equal(bad.worst.index, 1);
  assert.ok(Math.abs(bad.maxRelError - 0.5) < 1e-9 && bad.verdict === 'wrong', String(bad.maxRelError));
  // samples: distinct, sorted, seeded
  const big = Float64Array.from({ length: 50 }, (_, i) => i / 10);
  const sq = (v: Float64Array) => ({ loss: v.reduce((s, t) => s + t * t, 0) / 2, grad: v.slice() });
  const a = gradCheckRecord(sq, big, { samples: 10, seed: 3 });
  const b = gradCheckRecord(sq, big, { samples: 10, seed: 3 });
  const c = gradCheckRecord(sq, big, { samples: 10, seed: 4 });
  assert.equal(new Set(a.rows.map((row) => row.index)).size, 10);
  assert.deepEqual(a.rows.map((row) => row.index), b.rows.map((row) => row.index));
  assert.notDeepEqual(a.rows.map((row) => row.index), c.rows.map((row) => row.index));
  assert.deepEqual(a.rows.map((row) => row.index), [...a.rows.map((row) => row.index)].sort((p, q) => p - q));
  // a tolerance for float32-style checks
  assert.equal(gradCheckRecord(sq, big, { tolerance: 1e-3 }).tolerance, 1e-3);
});

test('gradCheck(f, x, options) is gradCheckRecord; gradCheck(f, x, analytic, options) still returns rows (lessons 05 and 06)', () => {
  const f = (x: Float64Array) => ({ loss: Math.exp(x[0]) * x[1], grad: [Math.exp(x[0]) * x[1], Math.exp(x[0])] });
  const x = Float64Array.from([0.2, 3]);
  assert.deepEqual(gradCheck(f, x, { h: 1e-5, samples: 1, seed: 2 }), gradCheckRecord(f, x, { h: 1e-5, samples: 1, seed: 2 }));
  assert.deepEqual(gradCheck(f, x), gradCheckRecord(f, x));
  const rows = gradCheck((v: Float64Array) => f(v).loss, x, f(x).grad);
  assert.ok(Array.isArray(rows) && rows.length === 2 && rows.every((r) => r.verdict === 'right'));
  assert.equal(rows[0].relError, gradRelError(rows[0].analytic, rows[0].numeric));
});

test('gradCheckRecord names bad arguments', () => {
  const x = Float64Array.from([1]);
  assert.throws(() => gradCheckRecord(1 as never, x), { name: 'ArgumentError', message: /^f must be a function/ });
  assert.throws(() => gradCheckRecord((v) => v[0], [1] as never, { analytic: [1] }), { message: /^x must be a non-empty Float64Array or an Array64/ });
  assert.throws(() => gradCheckRecord((v) => v[0], x), { message: /^f must return \{ loss, grad \} with 1 gradient numbers when options.analytic is not given/ });
  assert.throws(() => gradCheckRecord((v) => v[0], x, { analytic: [1, 2] }), { message: /^analytic must be an array \(or Array64\) of 1 numbers/ });
  assert.throws(() => gradCheckRecord((v) => v[0], x, { analytic: [1], h: 0 }), { message: /^h must be/ });
  assert.throws(() => gradCheckRecord((v) => v[0], x, { analytic: [1], samples: 0 }), { message: /^samples must be an integer/ });
  assert.throws(() => gradCheckRecord(() => NaN, x, { analytic: [1] }), { message: /^f must return a finite loss, got NaN at x\[0\] \+ h$/ });
});

// ------------------------------------------------------------------------------------------ losses

const args = (options: Record<string, string>, json = false): ParsedArgs => ({ flags: new Set(json ? ['json'] : []), options, positionals: [], help: false });

test('lossExample: the worked example (3.2, 5.1, −1.7; cat correct) by hand', () => {
  const e = lossExample([3.2, 5.1, -1.7], 0);
  const z = Math.exp(3.2) + Math.exp(5.1) + Math.exp(-1.7);
  [Math.exp(3.2) / z, Math.exp(5.1) / z, Math.exp(-1.7) / z].forEach((p, j) => assert.ok(Math.abs(e.probs[j] - p) < 1e-15, `p${j}`));
  assert.ok(Math.abs(e.crossEntropy - (Math.log(z) - 3.2)) < 1e-14);
  assert.ok(Math.abs(e.crossEntropy - 2.0404) < 1e-4, String(e.crossEntropy));
  assert.deepEqual(e.margins.map((m) => Number(m.toFixed(12))), [0, 2.9, 0]);   // max(0, 5.1 − 3.2 + 1), max(0, −1.7 − 3.2 + 1) = 0
  assert.ok(Math.abs(e.hinge - 2.9) < 1e-12);
  assert.deepEqual(e.dHinge, [-1, 1, 0]);
  e.dCrossEntropy.forEach((g, j) => assert.ok(Math.abs(g - (e.probs[j] - (j === 0 ? 1 : 0))) < 1e-15));
  // overflow: scores of ±1000 stay finite (the max trick)
  const big = lossExample([1000, 2, -1000], 2);
  assert.ok(Number.isFinite(big.crossEntropy) && Math.abs(big.crossEntropy - 2000) < 1e-9, String(big.crossEntropy));
  assert.ok(big.probs.every(Number.isFinite));
  throwsArgument(() => lossExample([1], 0), /^scores must be an array of at least 2 class scores/);
  throwsArgument(() => lossExample([1, 2], 2), /^labels\[0\] must be an integer in \[0, 1\], got 2/);
  throwsArgument(() => lossExample([1, NaN], 0), /^scores\[1\] must be a finite number/);
});

test('lossShapes: hinge is 0 from max other + Δ on while cross-entropy still pushes; every curve\'s derivative is its centred difference; sanity log C and (C − 1)·Δ', () => {
  const r = lossShapes();
  assert.equal(r.experiment, 'lossesLossShapes');
  assert.ok(Math.abs(r.hingeZeroFrom - 6.1) < 1e-12);
  const hinge = r.curves.find((c) => c.name === 'hinge')!;
  const ce = r.curves.find((c) => c.name === 'crossEntropy')!;
  r.x.forEach((x, i) => {
    if (x >= r.hingeZeroFrom + 1e-9) assert.ok(hinge.loss[i] === 0 && hinge.dLoss[i] === 0, `hinge at ${x}`);
    if (x < r.hingeZeroFrom - 1e-9) assert.ok(hinge.loss[i] > 0, `hinge at ${x}`);
    assert.ok(ce.loss[i] > 0 && ce.dLoss[i] < 0, `CE at ${x}`);
  });
  assert.ok(r.crossEntropyGradAtHingeZero < -0.2 && r.crossEntropyGradAtEnd < 0, String(r.crossEntropyGradAtHingeZero));
  // each curve's dLoss against a centred difference of its loss along the sweep (interior points away from hinge's kinks)
  const dx = r.x[1] - r.x[0];
  for (const c of r.curves) {
    for (let i = 1; i < r.x.length - 1; i++) {
      const kink = c.name === 'hinge' && [6.1, 5.1 + 1 - 0, -1.7 + 1].some((k) => Math.abs(r.x[i] - k) < 2 * dx);
      if (kink) continue;
      const numeric = (c.loss[i + 1] - c.loss[i - 1]) / (2 * dx);
      assert.ok(Math.abs(numeric - c.dLoss[i]) < 0.01 * Math.max(1, Math.abs(c.dLoss[i])) + 2e-3, `${c.name} at ${r.x[i]}: ${numeric} vs ${c.dLoss[i]}`);
    }
  }
  assert.ok(Math.abs(r.sanity.crossEntropy - Math.log(10)) < 1e-3, String(r.sanity.crossEntropy));
  assert.ok(Math.abs(r.sanity.hinge - 9) < 1e-2, String(r.sanity.hinge));
  const s3 = lossSanity(3, 1e-4, 2);
  assert.ok(Math.abs(s3.crossEntropy - Math.log(3)) < 1e-3 && Math.abs(s3.hinge - 4) < 1e-2);
  throwsArgument(() => lossSanity(1), /^classes must be an integer in \[2, 1000\], got 1/);
  assert.deepEqual(withoutMeta(lossShapes()), withoutMeta(r));
  throwsArgument(() => lossShapes({ label: 3 }), /^label must be an integer in \[0, 2\] \(one of the 3 scores\), got 3/);
  throwsArgument(() => lossShapes({ points: 1 }), /^points must be an integer in \[2, 10001\]/);
  throwsArgument(() => lossShapes({ scoresX: [1] } as never), /scoresX/);
});

test('svmLoss64: data loss + λ·ΣW², its gradient passes the float64 gradient check; with tiny weights the loss is (C − 1)·Δ', () => {
  const X = randn64([8, 5], 11);
  const y = [0, 1, 2, 3, 0, 1, 2, 3];
  const W = randn64([5, 4], 12, 0.5);
  const r = svmLoss64(W, X, y, { delta: 1, reg: 0.3 });
  let sq = 0;
  for (const w of W.data) sq += w * w;
  assert.ok(Math.abs(r.regLoss - 0.3 * sq) < 1e-12 && Math.abs(r.loss - r.dataLoss - r.regLoss) < 1e-12);
  const check = gradCheckRecord((w) => svmLoss64(w, X, y, { delta: 1, reg: 0.3 }).loss, W, { analytic: r.dW });
  assert.ok(check.passed, JSON.stringify(check.worst));
  // a gradient without the L2 term's 2 fails
  const half = Float64Array.from(r.dW.data, (g, i) => g - 0.3 * W.data[i]);
  assert.equal(gradCheckRecord((w) => svmLoss64(w, X, y, { reg: 0.3 }).loss, W, { analytic: half }).passed, false);
  const tiny = svmLoss64(randn64([5, 4], 3, 1e-6), X, y, { delta: 2 });
  assert.ok(Math.abs(tiny.dataLoss - 3 * 2) < 1e-4, String(tiny.dataLoss));
  throwsArgument(() => svmLoss64(W, randn64([8, 4], 1), y), /^X must have shape \[N, 5\] to match W \[5, 4\], got \[8, 4\]/);
  throwsArgument(() => svmLoss64(W, X, y, { reg: -1 }), /^reg must be a finite number/);
  throwsArgument(() => svmLoss64(W, X, [0, 1]), /^labels must be 8 integer labels/);
});

test('svmLoss64 and squared error on softmax equal PyTorch float64 (values and autograd gradients)', { skip: !existsSync('/usr/bin/python3') }, (t) => {
  const X = randn64([6, 4], 21);
  const W = randn64([4, 3], 22);
  const y = [0, 1, 2, 2, 1, 0];
  const script = `
import json, sys
try:
    import torch
except ImportError:
    print(json.dumps(None)); sys.exit(0)
import torch.nn.functional as F
d = json.loads(sys.stdin.read())
X = torch.tensor(d['X'], dtype=torch.float64).reshape(6, 4)
W = torch.tensor(d['W'], dtype=torch.float64).reshape(4, 3).requires_grad_()
y = torch.tensor(d['y'])
loss = F.multi_margin_loss(X @ W, y, p=1, margin=1.0) * 3 + 0.2 * (W ** 2).sum()
loss.backward()
s = torch.tensor(d['s'], dtype=torch.float64).requires_grad_()
t = torch.zeros(5, dtype=torch.float64); t[d['label']] = 1
mse = 0.5 * ((torch.softmax(s, 0) - t) ** 2).sum()
mse.backward()
print(json.dumps({'svm': loss.item(), 'dW': W.grad.flatten().tolist(), 'mse': mse.item(), 'ds': s.grad.tolist()}))`;
  const s = [0.5, 4, -1, 2, 0.1];
  const out = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify({ X: [...X.data], W: [...W.data], y, s, label: 0 }), encoding: 'utf8', timeout: 60_000 }));
  if (out === null) { t.skip('python3-torch is not installed'); return; }
  const r = svmLoss64(W, X, y, { delta: 1, reg: 0.2 });
  assert.ok(Math.abs(r.loss - out.svm) < 1e-12, `${r.loss} vs ${out.svm}`);
  r.dW.data.forEach((g, i) => assert.ok(Math.abs(g - out.dW[i]) < 1e-12, `dW[${i}]`));
  const g = scoreGradients(s, 0);
  assert.ok(Math.abs(g.mseLoss - out.mse) < 1e-14);
  g.mse.forEach((v, j) => assert.ok(Math.abs(v - out.ds[j]) < 1e-14, `ds[${j}] ${v} vs ${out.ds[j]}`));
});

test('softmaxBackwardRow is the softmax Jacobian times the upstream gradient (gradient check)', () => {
  const dp = [0.3, -1, 2, 0.5];
  const f = (s: Float64Array) => {
    const e = lossExample([...s], 0);
    return { loss: e.probs.reduce((acc, p, j) => acc + p * dp[j], 0), grad: softmaxBackwardRow(e.probs, dp) };
  };
  assert.ok(gradCheckRecord(f, Float64Array.from([0.2, -1.3, 2.2, 0.7])).passed);
  throwsArgument(() => softmaxBackwardRow([0.5, 0.5], [1]), /^dp must be an array of 2 numbers/);
});

test('mseVsCe: at a confident wrong prediction the squared error\'s gradient is 100x smaller than the cross-entropy\'s; trained from the same weights, cross-entropy is ahead after 10 epochs (seeds 0-2); no tensors leak', async () => {
  const before = tf.memory().numTensors;
  const r = await mseVsCe({ epochs: 10, progress: false });
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  assert.ok(Math.abs(r.confident.pWrong - 0.99) < 1e-12);
  assert.ok(r.confident.ratio > 100 && Math.abs(r.confident.ceGradNorm - Math.sqrt((1 - 0.01 / 9) ** 2 + 0.99 ** 2 + 8 * (0.01 / 9) ** 2)) < 1e-9, JSON.stringify(r.confident));
  // the sweep: CE's gradient norm grows toward √2, the squared error's falls toward 0 once p_wrong passes ~0.6
  const n = r.sweep.pWrong.length;
  assert.ok(Math.abs(r.sweep.ceGradNorm[n - 1] - Math.SQRT2) < 1e-3 && r.sweep.mseGradNorm[n - 1] < 1e-3, `${r.sweep.ceGradNorm[n - 1]} ${r.sweep.mseGradNorm[n - 1]}`);
  for (let i = 1; i < n; i++) {
    assert.ok(r.sweep.ceGradNorm[i] >= r.sweep.ceGradNorm[i - 1] - 1e-12);
    if (r.sweep.pWrong[i - 1] > 0.6) assert.ok(r.sweep.mseGradNorm[i] < r.sweep.mseGradNorm[i - 1], `at p = ${r.sweep.pWrong[i]}`);
  }
  // the training runs: same start, CE ahead
  const [ce, mse] = r.runs;
  assert.deepEqual([ce.loss, mse.loss], ['crossEntropy', 'mse']);
  assert.equal(ce.epochs[0].crossEntropy, mse.epochs[0].crossEntropy);
  assert.equal(ce.epochs.length, 11);
  assert.equal(ce.stepLoss.length, 10 * Math.ceil(300 / 32));
  for (const seed of [0, 1, 2]) {
    const q = seed === 0 ? r : await mseVsCe({ epochs: 10, seed, progress: false, points: 2 });
    const [a, b] = q.runs.map((run) => run.epochs[10]);
    assert.ok(a.crossEntropy < b.crossEntropy - 0.05 && a.trainAccuracy > b.trainAccuracy, `seed ${seed}: ${JSON.stringify([a, b])}`);
  }
  await rejectsArgument(() => mseVsCe({ epochs: 0 }), /^epochs must be an integer in \[1, 10000\]/);
  await rejectsArgument(() => mseVsCe({ optimizer: 'lbfgs' as never }), /^optimizer must be one of "sgd", "adam", got "lbfgs"/);
});

test('gradErrorVsH: the best h is within a factor 10 of ∛ε in float64 and float32; float32 fails 1e-7 at h = 1e-5 and passes FLOAT32_GRADCHECK; no tensors leak', async () => {
  const before = tf.memory().numTensors;
  const r = await gradErrorVsH({ progress: false });
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  const [f64, f32] = r.dtypes;
  assert.deepEqual([f64.dtype, f32.dtype], ['float64', 'float32']);
  for (const d of r.dtypes) {
    const factor = Math.max(d.bestH / d.cbrtEps, d.cbrtEps / d.bestH);
    assert.ok(factor < 10, `${d.dtype}: best h ${d.bestH} vs ∛ε ${d.cbrtEps}`);
    assert.ok(d.bestError < 10 * d.epsilon ** (2 / 3), `${d.dtype}: ${d.bestError}`);
  }
  assert.ok(f64.passesAtH1e5 && f64.atH1e5 < 1e-8, String(f64.atH1e5));
  assert.ok(!f32.passesAtH1e5 && f32.atH1e5 > 1e-3, String(f32.atH1e5));
  const at = r.h.findIndex((h) => Math.abs(h - FLOAT32_GRADCHECK.h) < 1e-12);
  assert.ok(f32.maxRelError[at] < FLOAT32_GRADCHECK.tolerance, String(f32.maxRelError[at]));
  // truncation: at large h the float64 error falls as h² (a decade of h, two decades of error)
  const i1 = r.h.findIndex((h) => Math.abs(h - 1e-2) < 1e-12);
  const i2 = r.h.findIndex((h) => Math.abs(h - 1e-3) < 1e-12);
  const slope = Math.log10(f64.maxRelError[i1] / f64.maxRelError[i2]);
  assert.ok(Math.abs(slope - 2) < 0.2, String(slope));
  await rejectsArgument(() => gradErrorVsH({ minExponent: -3, maxExponent: -4 }), /^minExponent must be an integer below maxExponent \(-4\)/);
});

test('gradErrorVsH agrees with NumPy: the same centred differences in float64 (where truncation rules) and in float32 (failing 1e-7 at h = 1e-5)', { skip: !existsSync('/usr/bin/python3') }, async () => {
  const r = await gradErrorVsH({ perDecade: 1, progress: false });
  const script = `
import json, sys
import numpy as np
d = json.loads(sys.stdin.read())
p = d['problem']
def run(dtype):
    X = np.array(p['X'], dtype=dtype).reshape(p['N'], p['D'])
    W0 = np.array(p['W'], dtype=dtype).reshape(p['D'], p['C'])
    Y = np.eye(p['C'], dtype=dtype)[p['y']]
    def f(W):
        s = X @ W
        s = s - s.max(axis=1, keepdims=True)
        return (np.log(np.exp(s).sum(axis=1)) - (s * Y).sum(axis=1)).mean()
    s = X.astype(np.float64) @ W0.astype(np.float64)
    e = np.exp(s - s.max(axis=1, keepdims=True)); P = e / e.sum(axis=1, keepdims=True)
    exact = X.astype(np.float64).T @ (P - Y) / p['N']
    out = []
    for h in d['h']:
        worst = 0.0
        for i in range(W0.size):
            Wp = W0.copy(); Wm = W0.copy()
            Wp.flat[i] = Wp.flat[i] + dtype(h); Wm.flat[i] = Wm.flat[i] - dtype(h)
            n = (float(f(Wp)) - float(f(Wm))) / (2 * h)
            a = exact.flat[i]
            worst = max(worst, abs(a - n) / max(abs(a), abs(n), 1e-8) if a != n else 0.0)
        out.append(worst)
    return out
print(json.dumps({'float64': run(np.float64), 'float32': run(np.float32)}))`;
  const out = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify({ problem: r.problem, h: r.h }), encoding: 'utf8', timeout: 60_000 }));
  const [f64, f32] = r.dtypes;
  r.h.forEach((h, i) => {
    if (h >= 1e-4) assert.ok(Math.abs(f64.maxRelError[i] - out.float64[i]) <= 1e-3 * out.float64[i], `float64 at h = ${h}: ${f64.maxRelError[i]} vs NumPy ${out.float64[i]}`);
    if (h >= 0.1) assert.ok(Math.abs(f32.maxRelError[i] - out.float32[i]) <= 0.05 * out.float32[i], `float32 at h = ${h}: ${f32.maxRelError[i]} vs NumPy ${out.float32[i]}`);
  });
  const i5 = r.h.findIndex((h) => Math.abs(h - 1e-5) < 1e-18);
  assert.ok(out.float32[i5] > 1e-3 && out.float64[i5] < 1e-8, `NumPy at h = 1e-5: float32 ${out.float32[i5]}, float64 ${out.float64[i5]}`);
});

test('kinks: the checks that fail are exactly the inputs within h of the kink; ReLU at 0 and a max tie give ½', () => {
  const r = kinks();
  for (const row of r.rows) {
    assert.equal(row.falseAlarms, row.withinH, `h = ${row.h}`);
    if (row.h >= 1e-3) assert.ok(Math.abs(row.withinH - row.expected) < 4 * Math.sqrt(row.expected / r.options.count) + 1e-4, `h = ${row.h}: ${row.withinH} vs ${row.expected}`);
  }
  assert.ok(r.rows.some((row) => row.falseAlarms > 0));
  const [relu0, near, tie, away] = r.examples;
  assert.deepEqual([relu0.analytic, Number(relu0.numeric.toFixed(9)), relu0.relError], [0, 0.5, 1]);
  assert.ok(Math.abs(near.numeric - 0.65) < 1e-9);
  assert.ok(Math.abs(tie.numeric - 0.5) < 1e-9 && tie.analytic === 1);
  assert.ok(away.relError < 1e-12);
  throwsArgument(() => kinks({ hs: [] }), /^hs must be an array of 1 to 50 values/);
});

test('mseVsCe, gradErrorVsH and kinks with one seed return deep-equal records (meta aside); another seed changes them', async () => {
  const small = { epochs: 2, pointsPerClass: 20, points: 5, progress: false } as const;
  assert.deepEqual(withoutMeta(await mseVsCe({ ...small, seed: 4 })), withoutMeta(await mseVsCe({ ...small, seed: 4 })));
  assert.notDeepEqual(withoutMeta(await mseVsCe({ ...small, seed: 4 })).runs, withoutMeta(await mseVsCe({ ...small, seed: 5 })).runs);
  assert.deepEqual(withoutMeta(await gradErrorVsH({ perDecade: 1, seed: 2, progress: false })), withoutMeta(await gradErrorVsH({ perDecade: 1, seed: 2, progress: false })));
  assert.deepEqual(withoutMeta(kinks({ count: 500, seed: 1 })), withoutMeta(kinks({ count: 500, seed: 1 })));
  assert.notDeepEqual(kinks({ count: 500, seed: 1, hs: [0.1] }).rows, kinks({ count: 500, seed: 2, hs: [0.1] }).rows);
});

test('nnlab losses and nnlab grad-h: --json numbers, text, named usage errors', async () => {
  const j = JSON.parse(await runLosses(args({ scores: '3.2,5.1,-1.7', label: '0' }, true)));
  assert.ok(Math.abs(j.crossEntropy - 2.0404) < 1e-4 && Math.abs(j.hinge - 2.9) < 1e-12);
  assert.deepEqual(j.classes, ['cat', 'car', 'frog']);
  assert.equal(j.probs.length, 3);
  assert.deepEqual(j.dHinge, [-1, 1, 0]);
  const d2 = JSON.parse(await runLosses(args({ scores: '1,2', label: '1', delta: '2' }, true)));
  assert.ok(Math.abs(d2.hinge - 1) < 1e-12 && d2.classes[0] === 'class 0');
  assert.match(await runLosses(args({})), /cat \(correct\)\s+3\.2\s+0\.13/);
  await assert.rejects(() => runLosses(args({ scores: '1,x' })), /--scores must be at least 2 comma-separated numbers/);
  await assert.rejects(() => runLosses(args({ scores: '1,2', label: '2' })), /label must be an integer in \[0, 1\]/);
  const h = JSON.parse(await runGradH(args({ 'per-decade': '2' }, true)));
  assert.equal(h.experiment, 'lossesGradErrorVsH');
  assert.equal(h.h.length, 25);
  assert.match(await runGradH(args({ 'per-decade': '1' })), /float32 check: h = 0\.01, tolerance 0\.01/);
});
