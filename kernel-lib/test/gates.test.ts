/**
 * lessons/losses/gates (lesson 12's computational-graph API): every gate's backward pass against
 * centred differences in float64 on seeded inputs of several shapes; the forward values against
 * tfjs and the backward passes against tf.grad where tfjs does the same thing; batch norm in train
 * mode against PyTorch float64 (forward and autograd); the dropout mask in the cache and E[out] = x;
 * the lecture's circuits and the patterns; runGraph's fan-out; named errors; the experiments
 * (records, determinism, progress, no tensors left) and `nnlab gradcheck --json` (float64 passes
 * 1e-7, tfjs float32 does not).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import * as nn from '../src/index';
import { parseArgs } from '../src/core/args';
import { array64, randn64, type Array64 } from '../src/nets/array64';
import { GATE_NAMES, GATES, gate, type GateName } from '../src/lessons/losses/gates';
import { checkGate, sampleGateInputs } from '../src/lessons/losses/gateCheck';
import { checkGate32 } from '../src/lessons/losses/gateCheck32';
import { runGraph } from '../src/lessons/losses/graph';
import { circuit, gateChecks, gatePatterns } from '../src/lessons/losses/gatesRun';
import { circuitFigure, wireNumber } from '../src/lessons/losses/figuresGates';
import { GRADCHECK_COMMAND, runGradcheck } from '../src/lessons/losses/cliGates';
import { throwsArgument } from './helpers';

before(async () => { await nn.useDevice('cpu', { print: false }); });

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol * Math.max(1, Math.abs(b[i])), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};

test('every gate\'s backward pass equals centred differences in float64 (relative error < 1e-7), three seeds and two sizes', () => {
  for (const name of GATE_NAMES) {
    for (const seed of [0, 1, 2]) {
      for (const big of [false, true]) {
        const s = sampleGateInputs(name, seed, big);
        const rows = checkGate(name, s.inputs, { seed, gateOptions: s.options });
        assert.ok(rows.length >= 1);
        for (const r of rows) assert.ok(r.maxRelError < 1e-7, `${name} d${r.input} seed ${seed}${big ? ' (big)' : ''}: ${r.maxRelError}`);
      }
    }
  }
});

test('a wrong backward pass fails the check: tanh with dx off by 1% is "uncomfortable", with dx = dout "wrong"', () => {
  const scaled = { ...GATES.tanh, backward: (d: Array64, c: unknown) => { const r = GATES.tanh.backward(d, c).dx as Array64; return { dx: { shape: r.shape, data: r.data.map((v) => v * 1.01) } }; } };
  const through = { ...GATES.tanh, backward: (d: Array64) => ({ dx: d }) };
  const s = sampleGateInputs('tanh', 0);
  const a = checkGate(scaled as never, s.inputs);
  assert.ok(Math.abs(a[0].maxRelError - 0.01 / 1.01) < 1e-6, String(a[0].maxRelError));
  assert.equal(a[0].verdict, 'uncomfortable');
  assert.equal(checkGate(through as never, s.inputs)[0].verdict, 'wrong');
});

test('forward values equal tfjs (affine, relu, sigmoid, tanh, batch norm, softmax cross-entropy, conv, max pool) and backward passes equal tf.grad', () => {
  const x = randn64([4, 5], 11); const w = randn64([5, 3], 12); const b = randn64([3], 13); const dout = randn64([4, 3], 14);
  const t = (a: Array64) => tf.tensor(Float32Array.from(a.data), a.shape);
  tf.tidy(() => {
    const aff = GATES.affine.forward({ x, w, b });
    close((aff.out as Array64).data, tf.add(tf.matMul(t(x) as tf.Tensor2D, t(w) as tf.Tensor2D), t(b)).dataSync(), 1e-5, 'affine');
    const [gx, gw, gb] = tf.grads((X: tf.Tensor, W: tf.Tensor, B: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.matMul(X as tf.Tensor2D, W as tf.Tensor2D), B), t(dout))))([t(x), t(w), t(b)]);
    const d = GATES.affine.backward(dout, aff.cache) as Record<string, Array64>;
    close(d.dx.data, gx.dataSync(), 1e-5, 'affine dx'); close(d.dw.data, gw.dataSync(), 1e-5, 'affine dw'); close(d.db.data, gb.dataSync(), 1e-5, 'affine db');
    const u = randn64([3, 4], 15, 2); const du = randn64([3, 4], 16);
    for (const [name, op] of [['relu', tf.relu], ['sigmoid', tf.sigmoid], ['tanh', tf.tanh]] as const) {
      const r = GATES[name].forward({ x: u });
      close((r.out as Array64).data, op(t(u)).dataSync(), 1e-6, name);
      const g = tf.grad((X: tf.Tensor) => tf.sum(tf.mul(op(X), t(du))))(t(u));
      close((GATES[name].backward(du, r.cache).dx as Array64).data, g.dataSync(), 1e-6, `${name} dx`);
    }
    const bn = GATES.batchNorm.forward({ x, gamma: randn64([5], 17), beta: randn64([5], 18) }, { eps: 1e-3 });
    const mv = tf.moments(t(x), 0);
    const ref = tf.batchNorm(t(x), mv.mean, mv.variance, t(randn64([5], 18)), t(randn64([5], 17)), 1e-3);
    close((bn.out as Array64).data, ref.dataSync(), 1e-4, 'batchNorm');
    const labels = [0, 2, 1, 2];
    const scores = randn64([4, 3], 19, 2);
    const sc = GATES.softmaxCrossEntropy.forward({ scores, labels });
    const tfLoss = tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), 3), t(scores));
    assert.ok(Math.abs((sc.out as number) - tfLoss.dataSync()[0]) < 1e-5);
    const gs = tf.grad((S: tf.Tensor) => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), 3), S))(t(scores));
    close((GATES.softmaxCrossEntropy.backward(1, sc.cache).dscores as Array64).data, gs.dataSync(), 1e-5, 'softmax dscores');
    const img = randn64([2, 6, 6, 3], 20); const k = randn64([3, 3, 3, 4], 21); const kb = randn64([4], 22);
    const cv = GATES.conv.forward({ x: img, w: k, b: kb }, { stride: 2, pad: 'same' });
    close((cv.out as Array64).data, tf.add(tf.conv2d(t(img) as tf.Tensor4D, t(k) as tf.Tensor4D, 2, 'same'), t(kb)).dataSync(), 1e-4, 'conv');
    const mp = GATES.maxPool.forward({ x: img });
    close((mp.out as Array64).data, tf.maxPool(t(img) as tf.Tensor4D, 2, 2, 'valid').dataSync(), 1e-6, 'maxPool');
  });
});

test('batch norm in train mode equals PyTorch float64: F.batch_norm(training=True) and its autograd gradients, to 1e-12', { skip: !existsSync('/usr/bin/python3') }, (t) => {
  const x = randn64([7, 4], 31, 3); const gamma = randn64([4], 32); const beta = randn64([4], 33); const dout = randn64([7, 4], 34);
  const script = `
import json, sys
try:
    import torch
except ImportError:
    print(json.dumps(None)); sys.exit(0)
import torch.nn.functional as F
d = json.loads(sys.stdin.read())
x = torch.tensor(d['x'], dtype=torch.float64).reshape(7, 4).requires_grad_()
g = torch.tensor(d['g'], dtype=torch.float64).requires_grad_()
b = torch.tensor(d['b'], dtype=torch.float64).requires_grad_()
up = torch.tensor(d['up'], dtype=torch.float64).reshape(7, 4)
out = F.batch_norm(x, None, None, weight=g, bias=b, training=True, eps=1e-5)
(out * up).sum().backward()
print(json.dumps({'out': out.detach().reshape(-1).tolist(), 'dx': x.grad.reshape(-1).tolist(), 'dg': g.grad.tolist(), 'db': b.grad.tolist()}))`;
  const out = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], {
    input: JSON.stringify({ x: [...x.data], g: [...gamma.data], b: [...beta.data], up: [...dout.data] }), encoding: 'utf8',
  }));
  if (out === null) { t.skip('python3-torch is not installed'); return; }
  const f = GATES.batchNorm.forward({ x, gamma, beta }, { eps: 1e-5 });
  const d = GATES.batchNorm.backward(dout, f.cache) as Record<string, Array64>;
  close((f.out as Array64).data, out.out, 1e-12, 'out');
  close(d.dx.data, out.dx, 1e-12, 'dx');
  close(d.dgamma.data, out.dg, 1e-12, 'dgamma');
  close(d.dbeta.data, out.db, 1e-12, 'dbeta');
});

test('dropout: the mask is in the cache, entries 0 or 1/p, kept with probability p; E[out] = x (inverted); backward = dout · mask; one seed, one mask', () => {
  const x = randn64([50, 40], 41);
  const p = 0.7;
  const r = GATES.dropout.forward({ x }, { p, seed: 3 });
  const mask = (r.cache as { mask: Array64 }).mask;
  assert.deepEqual(mask.shape, [50, 40]);
  assert.ok(mask.data.every((m) => m === 0 || Math.abs(m - 1 / p) < 1e-15));
  const kept = mask.data.filter((m) => m > 0).length / mask.data.length;
  assert.ok(Math.abs(kept - p) < 4 * Math.sqrt((p * (1 - p)) / 2000), `kept ${kept}`);
  close((r.out as Array64).data, x.data.map((v, i) => v * mask.data[i]), 0, 'out = x · mask');
  const dout = randn64([50, 40], 42);
  close((GATES.dropout.backward(dout, r.cache).dx as Array64).data, dout.data.map((v, i) => v * mask.data[i]), 0, 'dx');
  assert.deepEqual((GATES.dropout.forward({ x }, { p, seed: 3 }).out as Array64).data, (r.out as Array64).data);
  assert.notDeepEqual((GATES.dropout.forward({ x }, { p, seed: 4 }).out as Array64).data, (r.out as Array64).data);
  // E[out] = x: the mean of out over 4000 seeds, per entry, within 5 standard errors
  const v = array64([4], [1, -2, 0.5, 3]);
  const sum = new Float64Array(4);
  const S = 4000;
  for (let s = 0; s < S; s++) (GATES.dropout.forward({ x: v }, { p: 0.5, seed: s }).out as Array64).data.forEach((o, i) => { sum[i] += o; });
  v.data.forEach((xi, i) => { const se = Math.abs(xi) / Math.sqrt(S); assert.ok(Math.abs(sum[i] / S - xi) < 5 * se, `E[out][${i}] = ${sum[i] / S} vs ${xi}`); });
  // a number in, a number out
  const n = GATES.dropout.forward({ x: 2 }, { p: 0.5, seed: 0 });
  assert.ok(n.out === 0 || n.out === 4);
});

test('the lecture\'s circuits: (x + y)·z at −2, 5, −4 and the sigmoid neuron at w = [2, −3, −3], x = [−1, −2]', async () => {
  const r = await circuit();
  const [st, ne] = r.circuits;
  assert.deepEqual(st.values, { x: -2, y: 5, z: -4, q: 3, f: -12 });
  assert.deepEqual(st.grads, { f: 1, q: -4, z: 3, x: -4, y: -4 });
  const s = 1 / (1 + Math.exp(-1));
  assert.ok(Math.abs(ne.values.f - s) < 1e-15 && ne.values.f.toFixed(2) === '0.73');
  const ds = s * (1 - s);
  close([ne.grads.w0, ne.grads.w1, ne.grads.w2], [-1 * ds, -2 * ds, ds], 1e-15, 'dw');
  close([ne.grads.x0, ne.grads.x1], [2 * ds, -3 * ds], 1e-15, 'dx');
  assert.deepEqual([ne.grads.w0, ne.grads.w1, ne.grads.w2, ne.grads.x0, ne.grads.x1].map((v) => +v.toFixed(2)), [-0.2, -0.39, 0.2, 0.39, -0.59]);
  const again = await circuit({ x: 1, y: 2, z: 3 });
  assert.deepEqual(again.circuits[0].grads, { f: 1, q: 3, z: 3, x: 3, y: 3 });
  const fig = circuitFigure(st);
  const texts = (fig.layout.annotations as { text: string }[]).map((a) => a.text);
  for (const v of ['-2', '5', '-4', '3', '-12', '1']) assert.ok(texts.includes(v), `figure shows ${v}`);
  assert.equal(wireNumber(0.19661193324148185), '0.2');
  assert.equal(wireNumber(-0.5898), '-0.59');
});

test('the patterns: add distributes, multiply swaps, max routes', () => {
  const p = gatePatterns(4, -2, 2);
  assert.deepEqual(p.map((r) => [r.gate, r.dx, r.dy, r.holds]), [['add', 2, 2, true], ['multiply', -4, 8, true], ['max', 2, 0, true]]);
  assert.deepEqual(gatePatterns(-1, 3, 5).find((r) => r.gate === 'max')!.dy, 5);
});

test('runGraph: gradients add where a value fans out; the output\'s gradient is dout', () => {
  const g = runGraph([{ out: 'a', gate: 'multiply', inputs: { x: 'x', y: 'x' } }], { x: 3 });
  assert.equal(g.grads.x, 6);
  const h = runGraph([
    { out: 'a', gate: 'add', inputs: { x: 'x', y: 'y' } },
    { out: 'b', gate: 'max', inputs: { x: 'x', y: 'y' } },
    { out: 'f', gate: 'multiply', inputs: { x: 'a', y: 'b' } },
  ], { x: 3, y: -1 }, 2);
  // f = (x + y)·max(x, y): ∂f/∂x = max + (x + y) = 3 + 2 = 5, ∂f/∂y = max = 3; times dout 2
  assert.equal(h.grads.x, 10);
  assert.equal(h.grads.y, 6);
  const sc = runGraph([{ out: 'L', gate: 'softmaxCrossEntropy', inputs: { scores: 's', labels: 'y' } }], { s: randn64([2, 3], 1), y: [0, 2] });
  assert.equal(sc.grads.y, undefined);
  assert.deepEqual((sc.grads.s as Array64).shape, [2, 3]);
});

test('a two-layer net as a graph (affine → relu → affine → softmax cross-entropy): every parameter\'s gradient equals centred differences of the loss', () => {
  const net = [
    { out: 'h', gate: 'affine', inputs: { x: 'X', w: 'W1', b: 'b1' } },
    { out: 'a', gate: 'relu', inputs: { x: 'h' } },
    { out: 's', gate: 'affine', inputs: { x: 'a', w: 'W2', b: 'b2' } },
    { out: 'L', gate: 'softmaxCrossEntropy', inputs: { scores: 's', labels: 'y' } },
  ] as const;
  const inputs: Record<string, unknown> = {
    X: randn64([8, 6], 1), W1: randn64([6, 10], 2, 0.5), b1: randn64([10], 3, 0.1), W2: randn64([10, 3], 4, 0.5), b2: randn64([3], 5, 0.1), y: [0, 1, 2, 0, 1, 2, 0, 1],
  };
  const run = runGraph(net as never, inputs);
  for (const p of ['W1', 'b1', 'W2', 'b2', 'X']) {
    const a = inputs[p] as Array64;
    const loss = (v: Float64Array) => runGraph(net as never, { ...inputs, [p]: { shape: a.shape, data: v } }).values.L as number;
    const numeric = nn.numericalGradient(loss, Float64Array.from(a.data));
    const analytic = (run.grads[p] as Array64).data;
    let worst = 0;
    for (let i = 0; i < numeric.length; i++) worst = Math.max(worst, Math.abs(analytic[i] - numeric[i]) / Math.max(1e-8, Math.abs(analytic[i]), Math.abs(numeric[i])));
    assert.ok(worst < 1e-7, `d${p}: ${worst}`);
  }
});

test('named errors: shapes, missing and unknown inputs and options, dout, unknown gates and values', () => {
  throwsArgument(() => GATES.affine.forward({ x: randn64([2, 5], 1), w: randn64([4, 3], 2), b: randn64([3], 3) }), /^affine: x has 5 columns but w has 4 rows$/);
  throwsArgument(() => GATES.affine.forward({ x: randn64([2, 4], 1), w: randn64([4, 3], 2), b: randn64([2], 3) }), /^affine: w has 3 columns but b has 2 numbers$/);
  throwsArgument(() => GATES.affine.forward({ x: randn64([2, 4], 1), w: randn64([4, 3], 2) }), /affine: input "b" is missing/);
  throwsArgument(() => GATES.add.forward({ x: randn64([2, 3], 1), y: randn64([3, 2], 2) }), /^add: y has shape \[3, 2\] but x has shape \[2, 3\]$/);
  throwsArgument(() => GATES.multiply.forward({ x: 2, y: randn64([2], 2) }), /multiply: x is a number but y has shape \[2\]/);
  throwsArgument(() => GATES.relu.forward({ x: 'a' }), /relu: x must be a number or an Array64/);
  throwsArgument(() => GATES.relu.forward({ x: NaN }), /relu: x must be a finite number, got NaN/);
  throwsArgument(() => GATES.relu.forward({ x: 1, z: 2 }), /relu: unknown input "z"/);
  throwsArgument(() => GATES.dropout.forward({ x: 1 }, { keep: 0.5 }), /dropout: unknown option "keep" \(its options are p, seed\)/);
  throwsArgument(() => GATES.dropout.forward({ x: 1 }, { p: 0 }), /p must be a probability in \(0, 1\]/);
  throwsArgument(() => GATES.conv.forward({ x: randn64([1, 4, 4, 3], 1), w: randn64([3, 3, 2, 4], 2), b: randn64([4], 3) }), /conv: x has 3 channels but w has 2 input channels/);
  throwsArgument(() => GATES.batchNorm.forward({ x: randn64([4, 3], 1), gamma: randn64([2], 2), beta: randn64([3], 3) }), /batchNorm: x has 3 columns but gamma has 2 numbers/);
  throwsArgument(() => GATES.softmaxCrossEntropy.forward({ scores: randn64([2, 3], 1), labels: [0, 3] }), /labels\[1\] must be an integer in \[0, 2\]/);
  const r = GATES.tanh.forward({ x: randn64([2, 2], 1) });
  throwsArgument(() => GATES.tanh.backward(randn64([2, 3], 2), r.cache), /tanh: dout must have the output's shape \[2, 2\], got \[2, 3\]/);
  throwsArgument(() => GATES.hinge.backward(randn64([2, 3], 2), GATES.hinge.forward({ scores: randn64([2, 3], 1), labels: [0, 1] }).cache), /hinge: dout must be a finite number/);
  throwsArgument(() => gate('softmax'), /gate must be one of add, multiply/);
  throwsArgument(() => runGraph([{ out: 'f', gate: 'add', inputs: { x: 'x', y: 'q' } }], { x: 1 }), /graph: nodes\[0\] \(add\) reads "q", which is neither a graph input/);
  throwsArgument(() => checkGate('relu', { x: randn64([2], 1) }, { h: 0 }), /h must be a finite number in \[1e-12, 1\]/);
});

test('gateChecks: every gate and input right in float64, deterministic, with progress; circuit and gate checks leave no tensors', async () => {
  const before = tf.memory().numTensors;
  const events: string[] = [];
  const r = await gateChecks({ progress: (e) => events.push(e.phase) });
  assert.equal(r.experiment, 'lossesGateChecks');
  assert.equal(r.rows.length, 22);
  assert.ok(r.allRight && r.worst < 1e-7, `worst ${r.worst}`);
  assert.ok(r.rows.every((x) => x.verdict === 'right'));
  assert.deepEqual(events, [...GATE_NAMES]);
  const again = await gateChecks({ progress: false });
  assert.deepEqual({ ...again, meta: null }, { ...r, meta: null });
  const some = await gateChecks({ gates: ['affine'], seed: 5, progress: false });
  assert.deepEqual(some.rows.map((x) => x.input), ['x', 'w', 'b']);
  await circuit();
  assert.equal(tf.memory().numTensors, before);
  await assert.rejects(() => gateChecks({ gates: ['softmax' as GateName] }), /gates\[0\] must be one of/);
  await assert.rejects(() => circuit({ w: [1, 2] }), /w must be an array of 3 values/);
});

test('the float32 check (tfjs ops, tf.grads, float32 centred differences) is right in spirit but fails the float64 tolerance, and leaves no tensors', () => {
  const before = tf.memory().numTensors;
  const rows = GATE_NAMES.flatMap((name, k) => { const s = sampleGateInputs(name, k); return checkGate32(name, s.inputs, { seed: k, gateOptions: s.options }); });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(rows.length, 22);
  // float32 misses the float64 tolerance nearly everywhere ...
  assert.ok(rows.filter((r) => r.maxRelError > 1e-7).length >= rows.length - 2, 'float32 misses 1e-7 nearly everywhere');
  // ... yet the gradients are right: the typical input sits at 1e-5 … 1e-1 (a coordinate with a tiny
  // true gradient can lose every digit of f(x + h) − f(x − h) in float32 and read "wrong")
  const sorted = rows.map((r) => r.maxRelError).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  assert.ok(median > 1e-5 && median < 1e-1, `median ${median}`);
  // and the analytic side (tf.grads) agrees with the float64 gates to float32 precision
  const s = sampleGateInputs('affine', 3);
  const a = checkGate32('affine', s.inputs, { h: 1e-2 });
  assert.ok(a.every((r) => r.maxRelError < 1e-2), JSON.stringify(a));
});

test('nnlab gradcheck --json: float64 passes 1e-7 for every gate, float32 fails it; bad flags are named', async () => {
  const spec = GRADCHECK_COMMAND.spec;
  const f64 = JSON.parse(await runGradcheck(parseArgs('gradcheck', ['--json'], spec)));
  assert.equal(f64.dtype, 'float64'); assert.equal(f64.h, 1e-5); assert.equal(f64.passes, true); assert.equal(f64.rows.length, 22);
  const one = JSON.parse(await runGradcheck(parseArgs('gradcheck', ['--gate', 'affine', '--dtype', 'float32', '--json'], spec)));
  assert.equal(one.dtype, 'float32'); assert.equal(one.h, 1e-3); assert.equal(one.passes, false);
  assert.deepEqual(one.rows.map((r: { input: string }) => r.input), ['x', 'w', 'b']);
  assert.ok(one.worst > 1e-7);
  const text = await runGradcheck(parseArgs('gradcheck', ['--gate', 'relu'], spec));
  assert.match(text, /every input below 1e-7 in float64/);
  assert.throws(() => parseArgs('gradcheck', ['--gate', 'softmax'], spec), /gradcheck: --gate must be one of/);
  assert.throws(() => parseArgs('gradcheck', ['--dtype', 'float16'], spec), /gradcheck: --dtype must be one of/);
});
