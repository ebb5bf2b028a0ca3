/**
 * nets/array64 and nets/conv64: the float64 convolution and pooling against tfjs (tf.conv2d,
 * tf.maxPool, tf.avgPool on the cpu backend) over strides, paddings and channels; the backward
 * passes against tfjs's gradients and against centred differences; the output-size formula
 * against tfjs's output shapes; named errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { array64, at64, randn64, maxAbsDiff64, fromTensor64, toTensor64, type Array64 } from '../src/nets/array64';
import {
  avgPool64, conv2d64, conv2dBackward64, convOutputSize, flipKernel64, maxPool64, maxPoolBackward64, tfjsPadding,
} from '../src/nets/conv64';
import { numericalGradient } from '../src/core/gradCheck';
import { throwsArgument } from './helpers';

/** A tfjs computation's result as an Array64, its tensors disposed. */
function t64(fn: () => tf.Tensor): Array64 {
  const t = tf.tidy(fn);
  const a = fromTensor64(t);
  t.dispose();
  return a;
}

function tfConv(x: Array64, w: Array64, stride: number, pad: number | 'same' | 'valid'): Array64 {
  const padding = typeof pad === 'number' ? [[0, 0], [pad, pad], [pad, pad], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]] : pad;
  return t64(() => tf.conv2d(toTensor64(x) as tf.Tensor4D, toTensor64(w) as tf.Tensor4D, stride, padding));
}

test('conv2d64 equals tf.conv2d over strides 1-3, paddings 0/1/2/same/valid, 1-3 channels in and 1-4 filters', async () => {
  await tf.setBackend('cpu');
  let seed = 1;
  for (const [H, F, C, K] of [[6, 3, 1, 1], [7, 3, 3, 2], [8, 5, 2, 4], [5, 1, 3, 3], [9, 2, 1, 2]]) {
    for (const stride of [1, 2, 3]) {
      for (const pad of [0, 1, 2, 'same', 'valid'] as const) {
        const x = randn64([2, H, H + 1, C], seed++);
        const w = randn64([F, F, C, K], seed++);
        const ours = conv2d64(x, w, null, { stride, pad });
        const theirs = tfConv(x, w, stride, pad);
        assert.deepEqual(ours.shape, theirs.shape, `H=${H} F=${F} S=${stride} P=${pad}`);
        assert.ok(maxAbsDiff64(ours.data, theirs.data) < 1e-4, `H=${H} F=${F} S=${stride} P=${pad}: ${maxAbsDiff64(ours.data, theirs.data)}`);
      }
    }
  }
  assert.equal(tf.memory().numTensors, 0);
});

test('conv2d64 by hand: a 3×3 image, a 2×2 kernel, and a bias', () => {
  const x = array64([1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const w = array64([2, 2, 1, 1], [1, 0, 0, -1]);
  assert.deepEqual([...conv2d64(x, w).data], [-4, -4, -4, -4]);
  assert.deepEqual([...conv2d64(x, w, array64([1], 10)).data], [6, 6, 6, 6]);
  // a true convolution flips the kernel: [[1, 0], [0, -1]] flipped is [[-1, 0], [0, 1]]
  assert.deepEqual([...flipKernel64(w).data], [-1, 0, 0, 1]);
  assert.deepEqual([...conv2d64(x, flipKernel64(w)).data], [4, 4, 4, 4]);
  assert.equal(at64(conv2d64(x, w, null, { pad: 1 }), 0, 0, 0, 0), -1);
});

test('conv2dBackward64 equals tfjs gradients and centred differences', async () => {
  await tf.setBackend('cpu');
  for (const [stride, pad] of [[1, 1], [2, 0], [2, 'same'], [3, 2]] as const) {
    const x = randn64([2, 7, 6, 3], 11);
    const w = randn64([3, 3, 3, 4], 12);
    const b = randn64([4], 13);
    const out = conv2d64(x, w, b, { stride, pad });
    const dout = randn64(out.shape, 14);
    const g = conv2dBackward64(dout, x, w, b, { stride, pad });
    const padding = typeof pad === 'number' ? [[0, 0], [pad, pad], [pad, pad], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]] : pad;
    const grads = tf.grads((a: tf.Tensor, k: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, k as tf.Tensor4D, stride, padding).mul(toTensor64(dout)).sum());
    const [tdx, tdw] = [0, 1].map((i) => t64(() => grads([toTensor64(x), toTensor64(w)])[i]));
    assert.ok(maxAbsDiff64(g.dx.data, tdx.data) < 1e-4, `dx S=${stride} P=${pad}`);
    assert.ok(maxAbsDiff64(g.dw.data, tdw.data) < 1e-3, `dw S=${stride} P=${pad}`);
    // db is the sum of dout over everything but the filter axis
    const db = new Float64Array(4);
    dout.data.forEach((v, i) => { db[i % 4] += v; });
    assert.ok(maxAbsDiff64(g.db!.data, db) < 1e-12);
    // float64: the analytic dw agrees with centred differences to 1e-7
    const loss = (wv: Float64Array) => {
      const o = conv2d64(x, { shape: w.shape, data: wv }, b, { stride, pad });
      return o.data.reduce((s, v, i) => s + v * dout.data[i], 0);
    };
    const num = numericalGradient(loss, Float64Array.from(w.data));
    // the loss is linear in w, so the centred difference is exact up to rounding (~1e-16·|L|/h)
    for (let i = 0; i < num.length; i++) {
      const rel = Math.abs(g.dw.data[i] - num[i]) / Math.max(1, Math.abs(g.dw.data[i]), Math.abs(num[i]));
      assert.ok(rel < 1e-7, `dw[${i}]: ${g.dw.data[i]} vs ${num[i]}`);
    }
  }
  assert.equal(tf.memory().numTensors, 0);
});

test('maxPool64 / avgPool64 equal tf.maxPool / tf.avgPool; the max-pool backward routes to the max', async () => {
  await tf.setBackend('cpu');
  for (const [size, stride] of [[2, 2], [3, 2], [2, 1], [3, 3]]) {
    const x = randn64([2, 7, 8, 3], size * 10 + stride);
    const m = maxPool64(x, { size, stride });
    const a = avgPool64(x, { size, stride });
    const tm = t64(() => tf.maxPool(toTensor64(x) as tf.Tensor4D, size, stride, 'valid'));
    const ta = t64(() => tf.avgPool(toTensor64(x) as tf.Tensor4D, size, stride, 'valid'));
    assert.deepEqual(m.out.shape, tm.shape);
    assert.ok(maxAbsDiff64(m.out.data, tm.data) < 1e-6);
    assert.ok(maxAbsDiff64(a.data, ta.data) < 1e-6);
    const dout = randn64(m.out.shape, 3);
    const dx = maxPoolBackward64(dout, x.shape, m.argmax);
    const tdx = t64(() => tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, size, stride, 'valid').mul(toTensor64(dout)).sum())(toTensor64(x)));
    assert.ok(maxAbsDiff64(dx.data, tdx.data) < 1e-5, `size ${size} stride ${stride}`);
  }
  const x = array64([1, 4, 4, 1], [1, 1, 2, 4, 5, 6, 7, 8, 3, 2, 1, 0, 1, 2, 3, 4]);
  assert.deepEqual([...maxPool64(x).out.data], [6, 8, 3, 4]);
  assert.deepEqual([...avgPool64(x).data], [3.25, 5.25, 2, 2]);
  assert.equal(tf.memory().numTensors, 0);
});

test("convOutputSize: the lecture's examples, strides that do not fit, and tfjs's output shapes", async () => {
  await tf.setBackend('cpu');
  assert.equal(convOutputSize({ W: 28, F: 3, P: 0, S: 1 }).size, 26);
  assert.equal(convOutputSize({ W: 28, F: 3, P: 1, S: 1 }).size, 28);
  // (28 − 5 + 2)/2 = 12.5: the lecture's third example does not fit; the last row is dropped
  assert.deepEqual(convOutputSize({ W: 28, F: 5, P: 1, S: 2 }), { W: 28, F: 5, P: 1, S: 2, size: 13, exact: false, dropped: 1 });
  assert.deepEqual(convOutputSize({ W: 32, F: 5, P: 2, S: 1 }, { exact: true }).exact, true);
  assert.equal(convOutputSize({ W: 32, F: 5, P: 2, S: 1 }).size, 32);
  assert.deepEqual(convOutputSize({ W: 7, F: 3, S: 3 }), { W: 7, F: 3, P: 0, S: 3, size: 2, exact: false, dropped: 1 });
  throwsArgument(() => convOutputSize({ W: 7, F: 3, S: 3 }, { exact: true }), /stride S = 3 does not fit: \(W − F \+ 2P\)\/S = 4\/3/);
  throwsArgument(() => convOutputSize({ W: 3, F: 5 }), /F = 5 is larger than the padded input/);
  throwsArgument(() => convOutputSize({ W: 2.5, F: 1 }), /W must be an integer >= 1, got 2.5/);
  for (let W = 1; W <= 12; W++) for (const F of [1, 2, 3, 5]) for (const S of [1, 2, 3]) for (const P of [0, 1, 2]) {
    if (F > W + 2 * P) continue;
    const shape = tf.tidy(() => tf.conv2d(tf.zeros([1, W, W, 1]) as tf.Tensor4D, tf.zeros([F, F, 1, 1]) as tf.Tensor4D, S, [[0, 0], [P, P], [P, P], [0, 0]]).shape);
    assert.equal(convOutputSize({ W, F, P, S }).size, shape[1], `W=${W} F=${F} P=${P} S=${S}`);
    for (const mode of ['same', 'valid'] as const) {
      if (mode === 'valid' && F > W) continue;
      const s2 = tf.tidy(() => tf.conv2d(tf.zeros([1, W, W, 1]) as tf.Tensor4D, tf.zeros([F, F, 1, 1]) as tf.Tensor4D, S, mode).shape);
      const p = tfjsPadding(W, F, S, mode);
      assert.equal(p.size, s2[1], `${mode} W=${W} F=${F} S=${S}`);
      // the explicit padding reproduces tfjs's output exactly
      const x = randn64([1, W, W, 1], W * 100 + F * 10 + S);
      const w = randn64([F, F, 1, 1], 5);
      const ours = conv2d64(x, w, null, { stride: S, pad: { top: p.before, bottom: p.after, left: p.before, right: p.after } });
      assert.ok(maxAbsDiff64(ours.data, tfConv(x, w, S, mode).data) < 1e-5);
    }
  }
  assert.equal(tf.memory().numTensors, 0);
});

test('array64 and conv64: named errors for wrong shapes and arguments', () => {
  throwsArgument(() => array64([2, 2], [1, 2, 3]), /values must be 4 numbers for shape \[2, 2\]/);
  throwsArgument(() => array64([2, -1]), /shape must be an array of non-negative integers/);
  throwsArgument(() => at64(array64([2, 2]), 2, 0), /index\[0\] must be an integer in \[0, 1\], got 2/);
  const x = randn64([1, 5, 5, 2], 1);
  throwsArgument(() => conv2d64(x, randn64([3, 3, 3, 1], 2)), /w must have shape \[F, F, 2, K\]/);
  throwsArgument(() => conv2d64(randn64([5, 5, 2], 1), randn64([3, 3, 2, 1], 2)), /x must have shape \[N, H, W, C\]/);
  throwsArgument(() => conv2d64(x, randn64([7, 7, 2, 1], 2)), /a 7×7 filter does not fit the padded 5×5 input/);
  throwsArgument(() => conv2d64(x, randn64([3, 3, 2, 1], 2), null, { stride: 0 }), /stride must be an integer >= 1, got 0/);
  throwsArgument(() => conv2d64(x, randn64([3, 3, 2, 2], 2), randn64([3], 1)), /b must have shape \[2\], got \[3\]/);
  throwsArgument(() => maxPool64(x, { size: 6 }), /size must be at most the input's 5×5/);
  throwsArgument(() => conv2dBackward64(randn64([1, 2, 2, 1], 1), x, randn64([3, 3, 2, 1], 2)), /dout must have shape \[1, 3, 3, 1\], got \[1, 2, 2, 1\]/);
});
