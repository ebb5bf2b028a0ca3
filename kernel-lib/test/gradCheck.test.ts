/**
 * core/gradCheck: centred differences and cs231n's relative error, on functions with known
 * gradients, on the two-layer net (its hand-written backward pass against the numerical gradient
 * of a float64 JS forward pass of the same weights), and the lecture's verdicts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { gradCheck, gradRelError, gradVerdict, numericalGradient } from '../src/core/gradCheck';
import { initTwoLayer, disposeTwoLayer, twoLayerLoss } from '../src/nets/twoLayer';
import { normalArray } from '../src/core/normal';

test('numericalGradient: centred differences of x·y, Σx³ and sin agree with the derivatives to h² plus rounding, and x is restored', () => {
  const x = Float64Array.from([2, 3]);
  const g = numericalGradient((v) => v[0] * v[1], x);
  assert.ok(Math.abs(g[0] - 3) < 1e-9 && Math.abs(g[1] - 2) < 1e-9, String(g));
  assert.deepEqual(Array.from(x), [2, 3]);
  const y = Float64Array.from([1, -2, 0.5, 0.1]);
  const cubes = numericalGradient((v) => v.reduce((s, t) => s + t ** 3, 0), y);
  cubes.forEach((n, i) => assert.ok(Math.abs(n - 3 * y[i] ** 2) <= 1e-10 + 1e-9, `${i}: ${n}`));   // ((x + h)³ − (x − h)³) / 2h = 3x² + h²
  const rows = gradCheck((v) => Math.sin(v[0]) + v[1] * v[1], Float64Array.from([0.3, -1]), [Math.cos(0.3), -2]);
  assert.deepEqual(rows.map((r) => r.verdict), ['right', 'right']);
});

test('gradRelError is cs231n\'s |a - b| / max(1e-8, |a| + |b|); gradVerdict follows the lecture\'s scale', () => {
  assert.equal(gradRelError(1, 1), 0);
  assert.equal(gradRelError(1, 3), 0.5);
  assert.equal(gradRelError(0, 1e-9), 1e-9 / 1e-8);
  assert.deepEqual([1e-9, 1e-6, 1e-3, 0.5, NaN].map(gradVerdict), ['right', 'fine with kinks', 'uncomfortable', 'wrong', 'wrong']);
});

test('gradCheck finds a wrong gradient: the two-layer net\'s backward pass is right, and the same gradient without the 0.5 of the L2 term is not', () => {
  // float64 JS forward pass of the same weights: the function the numerical gradient differentiates
  const [N, D, H, C, reg] = [5, 6, 4, 3, 0.7];
  const net = initTwoLayer({ inputSize: D, hiddenSize: H, classes: C, std: 0.5, seed: 4 });
  const X = tf.tensor2d(normalArray(N * D, 9), [N, D]);
  const y = tf.tensor1d([0, 2, 1, 1, 0], 'int32');
  const [Xa, ya, W2, b1, b2] = [X.dataSync(), y.dataSync(), net.W2.dataSync(), net.b1.dataSync(), net.b2.dataSync()];
  const loss = (W1: Float64Array) => {
    let total = 0;
    for (let n = 0; n < N; n++) {
      const h = Array.from({ length: H }, (_, j) => Math.max(0, b1[j] + Array.from({ length: D }, (__, k) => Xa[n * D + k] * W1[k * H + j]).reduce((s, v) => s + v, 0)));
      const s = Array.from({ length: C }, (_, c) => b2[c] + h.reduce((t, v, j) => t + v * W2[j * C + c], 0));
      const m = Math.max(...s);
      total += Math.log(s.reduce((t, v) => t + Math.exp(v - m), 0)) + m - s[ya[n]];
    }
    let sq = 0;
    for (const w of W1) sq += w * w;
    for (const w of W2) sq += w * w;
    return total / N + 0.5 * reg * sq;
  };
  const r = twoLayerLoss(net, X, y, { reg });
  const dW1 = Array.from(r.grads.W1.dataSync());
  const W1 = Float64Array.from(net.W1.dataSync());
  const rows = gradCheck(loss, W1, dW1);
  // float32 analytic gradient against float64 differences: about 1e-6 relative at most
  assert.ok(rows.every((row) => row.relError < 1e-4), JSON.stringify(rows.filter((row) => row.relError >= 1e-4)));
  const forgotHalf = dW1.map((g, i) => g + reg * W1[i]);   // 2·reg·W instead of reg·W
  assert.ok(gradCheck(loss, W1, forgotHalf, { samples: 8, seed: 1 }).some((row) => row.verdict === 'wrong' || row.verdict === 'uncomfortable'));
  assert.equal(gradCheck(loss, W1, dW1, { samples: 8, seed: 1 }).length, 8);
  tf.dispose([X, y, r.loss, r.dataLoss, r.regLoss, ...Object.values(r.grads)]);
  disposeTwoLayer(net);
});

test('gradCheck and numericalGradient name bad arguments', () => {
  const x = Float64Array.from([1]);
  assert.throws(() => numericalGradient((v) => v[0], [1] as unknown as Float64Array), { message: /^x must be a non-empty Float64Array/ });
  assert.throws(() => numericalGradient((v) => v[0], x, 0), { message: /^h must be/ });
  assert.throws(() => numericalGradient(() => NaN, x), { message: /^f must return a finite number, got NaN at x\[0\] \+ h$/ });
  assert.throws(() => gradCheck((v) => v[0], x, [1, 2]), { message: /^analytic must be an array of 1 numbers/ });
  assert.throws(() => gradCheck((v) => v[0], x, [1], { samples: 0 }), { message: /^samples must be an integer/ });
});
