/**
 * lessons/losses/losses64: the float64 losses against PyTorch's (cross_entropy, multi_margin_loss,
 * mse_loss, binary_cross_entropy_with_logits, float64), their gradients against centred
 * differences, the max trick at scores of 1000, named errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { array64, randn64, type Array64 } from '../src/nets/array64';
import {
  hingeLoss64, l2Penalty64, logisticLoss64, softmax64, softmaxCrossEntropy64, squaredError64,
} from '../src/lessons/losses/losses64';
import { numericalGradient } from '../src/core/gradCheck';
import { throwsArgument } from './helpers';

function gradOk(f: (s: Array64) => { loss: number; dscores: Array64 }, s: Array64): void {
  const analytic = f(s).dscores.data;
  const numeric = numericalGradient((v) => f({ shape: s.shape, data: v }).loss, Float64Array.from(s.data));
  for (let i = 0; i < numeric.length; i++) {
    const rel = Math.abs(analytic[i] - numeric[i]) / Math.max(Math.abs(analytic[i]), Math.abs(numeric[i]), 1e-12);
    assert.ok(rel < 1e-7 || Math.abs(analytic[i] - numeric[i]) < 1e-10, `[${i}] ${analytic[i]} vs ${numeric[i]}`);
  }
}

test('the worked example: scores 3.2, 5.1, −1.7 with the correct class 0', () => {
  const s = array64([1, 3], [3.2, 5.1, -1.7]);
  const h = hingeLoss64(s, [0]);
  assert.ok(Math.abs(h.loss - 2.9) < 1e-12);
  assert.deepEqual([...h.dscores.data].map((v) => +v.toFixed(12)), [-1, 1, 0]);
  const ce = softmaxCrossEntropy64(s, [0]);
  const e = [3.2, 5.1, -1.7].map(Math.exp);
  const z = e[0] + e[1] + e[2];
  assert.ok(Math.abs(ce.loss - -Math.log(e[0] / z)) < 1e-12);
  assert.ok(Math.abs(ce.loss - 2.0404) < 1e-4);
});

test('gradients agree with centred differences (float64, relative error < 1e-7)', () => {
  for (const seed of [1, 2, 3]) {
    const s = randn64([5, 4], seed, 2);
    const y = [0, 3, 1, 2, 3];
    gradOk((v) => softmaxCrossEntropy64(v, y), s);
    gradOk((v) => squaredError64(v, randn64([5, 4], 99)), s);
    // the hinge has kinks at margin 0: random scores are almost surely away from them
    gradOk((v) => hingeLoss64(v, y, 1), s);
    gradOk((v) => logisticLoss64(v, [1, 0, 1, 1, 0]), randn64([5, 1], seed, 3));
    const W = randn64([3, 4], seed);
    const r = l2Penalty64(W, 0.3);
    const num = numericalGradient((v) => l2Penalty64({ shape: W.shape, data: v }, 0.3).loss, Float64Array.from(W.data));
    num.forEach((v, i) => assert.ok(Math.abs(v - r.dW.data[i]) < 1e-8));
  }
});

test('the max trick: scores of ±1000 give finite losses and probabilities', () => {
  const s = array64([2, 3], [1000, 999, -1000, -1000, -1001, -1002]);
  const ce = softmaxCrossEntropy64(s, [1, 0]);
  assert.ok(Number.isFinite(ce.loss));
  const expected = (Math.log(1 + Math.exp(1) + Math.exp(-1999)) + Math.log(1 + Math.exp(-1) + Math.exp(-2))) / 2;
  assert.ok(Math.abs(ce.loss - expected) < 1e-12, `${ce.loss} vs ${expected}`);
  assert.deepEqual([...softmax64(array64([1, 2], [1000, 1000])).data], [0.5, 0.5]);
  assert.ok(Math.abs(logisticLoss64(array64([2, 1], [800, -800]), [0, 1]).loss - 800) < 1e-9);
});

test('the losses equal PyTorch float64 (torch.nn.functional)', { skip: !existsSync('/usr/bin/python3') }, (t) => {
  const s = randn64([6, 5], 7, 3);
  const y = [0, 4, 2, 2, 1, 3];
  const target = randn64([6, 5], 8);
  const b = randn64([6, 1], 9, 2);
  const yb = [1, 0, 0, 1, 1, 0];
  const script = `
import json, sys
try:
    import torch
except ImportError:
    print(json.dumps(None)); sys.exit(0)
import torch.nn.functional as F
d = json.loads(sys.stdin.read())
s = torch.tensor(d['s'], dtype=torch.float64).reshape(6, 5)
y = torch.tensor(d['y'])
t = torch.tensor(d['t'], dtype=torch.float64).reshape(6, 5)
b = torch.tensor(d['b'], dtype=torch.float64)
yb = torch.tensor(d['yb'], dtype=torch.float64)
print(json.dumps({
  'ce': F.cross_entropy(s, y).item(),
  # multi_margin_loss divides each row's sum by C: multiply back
  'hinge': (F.multi_margin_loss(s, y, p=1, margin=1.0) * 5).item(),
  # mse_loss is the mean over all N*C entries; ours is (1/2N)·sum
  'mse': (F.mse_loss(s, t, reduction='sum') / (2 * 6)).item(),
  'logistic': F.binary_cross_entropy_with_logits(b, yb).item(),
}))`;
  const out = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], {
    input: JSON.stringify({ s: [...s.data], y, t: [...target.data], b: [...b.data], yb }), encoding: 'utf8',
  }));
  if (out === null) { t.skip('python3-torch is not installed'); return; }
  assert.ok(Math.abs(softmaxCrossEntropy64(s, y).loss - out.ce) < 1e-12);
  assert.ok(Math.abs(hingeLoss64(s, y).loss - out.hinge) < 1e-12);
  assert.ok(Math.abs(squaredError64(s, target).loss - out.mse) < 1e-12);
  assert.ok(Math.abs(logisticLoss64(b, yb).loss - out.logistic) < 1e-12);
});

test('named errors: shapes, labels, delta, reg', () => {
  const s = randn64([2, 3], 1);
  throwsArgument(() => softmaxCrossEntropy64(s, [0, 3]), /labels\[1\] must be an integer in \[0, 2\], got 3/);
  throwsArgument(() => softmaxCrossEntropy64(s, [0]), /labels must be 2 integer labels/);
  throwsArgument(() => hingeLoss64(randn64([3], 1), [0]), /scores must have shape \[N, C\]/);
  throwsArgument(() => hingeLoss64(s, [0, 1], -1), /delta must be a finite number >= 0, got -1/);
  throwsArgument(() => logisticLoss64(s, [0, 1]), /scores must have shape \[N, 1\]/);
  throwsArgument(() => squaredError64(s, randn64([3, 2], 1)), /target must have shape \[2, 3\], got \[3, 2\]/);
  throwsArgument(() => l2Penalty64(s, -0.1), /reg must be a finite number >= 0/);
});
