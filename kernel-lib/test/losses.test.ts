/**
 * Lesson 12 (losses): gradCheckRecord (the lesson's gradient check utility), the loss-shape and
 * worked-example experiment, MSE on softmax vs cross-entropy, the error-vs-h study and kinks, the
 * SVM loss with L2, the CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradCheckRecord, gradRelError, gradRelErrorMax } from '../src/core/gradCheck';
import { array64 } from '../src/nets/array64';

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
