/**
 * nets/optim, nets/optim64, nets/schedules and the training loop's `schedule`: every update rule
 * against its float64 reference over seeded gradient sequences, the two momentum forms against each
 * other, Adam's first step, state and leaks over 1,000 steps, bad configs, the schedules' values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  OPTIMIZERS, adam, createOptimizer, momentum, optimizerConfig, sgdMomentum, stateTensors, updateRule,
} from '../src/nets/optim';
import { step64, State64 } from '../src/nets/optim64';
import { SCHEDULES, makeSchedule, scheduleValues } from '../src/nets/schedules';
import { train } from '../src/nets/train';
import { mulberry32 } from '../src/core/rng';
import { throwsArgument } from './helpers';

/** `steps` seeded gradients of length n, entries in [-scale, scale). */
function gradients(steps: number, n: number, seed: number, scale = 1): number[][] {
  const random = mulberry32(seed);
  return Array.from({ length: steps }, () => Array.from({ length: n }, () => (random() * 2 - 1) * scale));
}

const W0 = [0.5, -1, 2, 0, 0.25, -0.75, 1.5, -0.1];

for (const name of OPTIMIZERS) {
  test(`${name}: the tensor rule follows its float64 reference over 50 seeded steps (relative error < 1e-5)`, async () => {
    await tf.setBackend('cpu');
    const grads = gradients(50, W0.length, 7);
    const config = optimizerConfig(name, { lr: 0.05 });
    let w64 = W0.slice();
    let s64: State64 | null = null;
    for (const g of grads) ({ w: w64, state: s64 } = step64(name, w64, g, s64, config));
    const before = tf.memory().numTensors;
    const variable = tf.tidy(() => tf.variable(tf.tensor1d(W0)));
    const opt = createOptimizer(name, { lr: 0.05 });
    for (const g of grads) {
      const dw = tf.tensor1d(g);
      opt.apply([variable], [dw]);
      dw.dispose();
    }
    const ours = Array.from(await variable.data());
    const scale = Math.max(...w64.map(Math.abs));
    const err = Math.max(...ours.map((x, i) => Math.abs(x - w64[i]))) / scale;
    assert.ok(err < 1e-5, `${name}: max |ours − float64| / max|w| = ${err}`);
    assert.equal(opt.steps, 50);
    opt.dispose();
    variable.dispose();
    assert.equal(tf.memory().numTensors, before, 'state and intermediates disposed');
  });
}

test('the two momentum forms give the same weights at constant lr: the other form\'s v is −lr times the lecture\'s', () => {
  const grads = gradients(30, 4, 3);
  let wa: tf.Tensor = tf.tensor1d(W0.slice(0, 4));
  let wb: tf.Tensor = tf.tensor1d(W0.slice(0, 4));
  let sa: { v: tf.Tensor } | null = null;
  let sb: { v: tf.Tensor } | null = null;
  for (const g of grads) {
    const dw = tf.tensor1d(g);
    const a = momentum(wa, dw, sa, { lr: 0.1, rho: 0.9 });
    const b = sgdMomentum(wb, dw, sb, { lr: 0.1, momentum: 0.9 });
    tf.dispose([wa, wb, dw, ...stateTensors(sa), ...stateTensors(sb)]);
    ({ w: wa, state: sa } = a);
    ({ w: wb, state: sb } = b);
  }
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(wa, wb))).dataSync()[0]);
  assert.ok(diff < 1e-5, `weights differ by ${diff}`);
  const vRel = tf.tidy(() => tf.max(tf.abs(tf.add(sb!.v, tf.mul(sa!.v, 0.1)))).dataSync()[0]);
  assert.ok(vRel < 1e-6, `v_other + lr·v_lecture = ${vRel}`);
  tf.dispose([wa, wb, sa!.v, sb!.v]);
});

test('Adam\'s first step is lr in size for gradients of any scale with bias correction; without it ≈ 3.16·lr, and ≪ lr for gradients near ε', () => {
  const lr = 1e-3;
  for (const scale of [1e-4, 1, 1e4]) {
    const dw = [scale, -scale];
    const on = step64('adam', [0, 0], dw, null, { lr });
    assert.ok(Math.abs(Math.abs(on.w[0]) - lr) < 2e-4 * lr, `scale ${scale}: step ${on.w[0]}`);
    const off = step64('adam-nobias', [0, 0], dw, null, { lr });
    const ratio = Math.abs(off.w[0]) / lr;
    assert.ok(Math.abs(ratio - 0.1 / Math.sqrt(0.001)) < 0.01, `scale ${scale}: uncorrected step ${ratio}·lr`);
  }
  const tiny = step64('adam-nobias', [0], [1e-9], null, { lr });
  assert.ok(Math.abs(tiny.w[0]) < 0.1 * lr, `a gradient near ε: uncorrected step ${tiny.w[0]}`);
  const { w, state } = adam(tf.tensor1d([1, 1]), tf.tensor1d([1e-3, 1e3]), null, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
  assert.deepEqual(Array.from(w.dataSync()).map((x) => Math.round(x * 1e5) / 1e5), [0.9, 0.9]);
  assert.equal(state.t, 1);
  tf.dispose([w, ...stateTensors(state)]);
});

test('AdamW decays the weights by lr·λ·w apart from the gradient: with dw = 0 the weights shrink by exactly (1 − lr·λ) per step', () => {
  const { w } = step64('adamw', [2, -4], [0, 0], null, { lr: 0.1, weightDecay: 0.5 });
  assert.deepEqual(w, [2 * 0.95, -4 * 0.95]);
  const plain = step64('adam', [2, -4], [0, 0], null, { lr: 0.1 });
  assert.deepEqual(plain.w, [2, -4]);
});

test('Nesterov in the lecture\'s variables: w̃ = w + ρ·v follows the look-ahead form w̃ ← w̃ + ρ·v\' − lr·∇f(w̃) on a quadratic', () => {
  // f(w) = ½·a·w²: the lecture's form evaluates the gradient at the stored (look-ahead) weights.
  const a = 3;
  const rho = 0.9;
  const lr = 0.05;
  let w = [1];
  let s: State64 | null = null;
  // the classical form: v' = ρv − lr·∇f(x + ρv); x' = x + v'
  let x = 1;
  let v = 0;
  for (let t = 0; t < 20; t++) {
    ({ w, state: s } = step64('nesterov', w, [a * w[0]], s, { lr, rho }));
    const vNew = rho * v - lr * a * (x + rho * v);
    x += vNew;
    v = vNew;
    assert.ok(Math.abs(w[0] - (x + rho * v)) < 1e-12, `step ${t}: lecture ${w[0]} vs classical x + ρv ${x + rho * v}`);
  }
});

test('createOptimizer: 1,000 Adam steps on two variables leave no tensor behind; grads by name or by index; bad configs name the argument', () => {
  const before = tf.memory().numTensors;
  const a = tf.tidy(() => tf.variable(tf.tensor2d([[1, 2], [3, 4]])));
  const b = tf.tidy(() => tf.variable(tf.tensor1d([1])));
  const opt = createOptimizer('adam', { lr: 1e-2 });
  for (let i = 0; i < 1000; i++) {
    const { value, grads } = tf.variableGrads(() => tf.add(tf.sum(tf.square(a)), tf.sum(tf.square(b))) as tf.Scalar, [a, b]);
    value.dispose();
    if (i % 2) opt.apply([a, b], grads);
    else opt.apply([a, b], [grads[a.name], grads[b.name]]);
    tf.dispose(grads);
  }
  assert.equal(opt.state().length, 2);
  assert.ok(Math.max(...Array.from(a.dataSync()).map(Math.abs)) < 0.05, `Adam reached ${a.dataSync()}`);
  opt.dispose();
  tf.dispose([a, b]);
  assert.equal(tf.memory().numTensors, before);
  throwsArgument(() => createOptimizer('adamm'), /optimizer must be one of "sgd", "momentum"/);
  throwsArgument(() => createOptimizer('sgd', { lr: -1 }), /lr must be a finite number >= 0, got -1/);
  throwsArgument(() => createOptimizer('adam', { beta1: 1 }), /beta1 must be a number in \[0, 1\), got 1/);
  throwsArgument(() => createOptimizer('adam', { beta2: -0.1 }), /beta2 must be a number in \[0, 1\), got -0.1/);
  throwsArgument(() => createOptimizer('momentum', { rho: 1.5 }), /rho must be a number in \[0, 1\), got 1.5/);
  throwsArgument(() => createOptimizer('rmsprop', { eps: 0 }), /eps must be a finite number > 0, got 0/);
  throwsArgument(() => createOptimizer('adamw', { weightDecay: -1 }), /weightDecay must be a finite number >= 0, got -1/);
  throwsArgument(() => createOptimizer('sgd', { rho: 0.9 }), /sgd option must be one of lr, got "rho"/);
  throwsArgument(() => updateRule('newton'), /optimizer must be one of/);
});

test('schedules: the lecture\'s formulas at chosen steps, warmup in front of any kind, and named errors', () => {
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
  const at = (spec: Parameters<typeof makeSchedule>[0], ts: number[]) => ts.map(makeSchedule(spec));
  const expect = (got: number[], want: number[]) => got.forEach((g, i) => assert.ok(close(g, want[i]), `${got} vs ${want}`));
  expect(at({ kind: 'step', lr0: 0.1, every: 10 }, [0, 9, 10, 25]), [0.1, 0.1, 0.01, 0.001]);
  expect(at({ kind: 'exp', lr0: 0.1, k: 0.01 }, [0, 100]), [0.1, 0.1 * Math.exp(-1)]);
  expect(at({ kind: 'inv', lr0: 0.1, k: 0.5 }, [0, 2]), [0.1, 0.05]);
  expect(at({ kind: 'invsqrt', lr0: 0.1, k: 1 }, [0, 3]), [0.1, 0.05]);
  expect(at({ kind: 'cosine', lr0: 1, total: 10, lrMin: 0.1 }, [0, 5, 10, 20]), [1, 0.55, 0.1, 0.1]);
  expect(at({ kind: 'linear', lr0: 1, total: 4 }, [0, 1, 4, 9]), [1, 0.75, 0, 0]);
  expect(at({ kind: 'sgdr', lr0: 1, period: 4, mult: 2 }, [0, 2, 4, 8, 12]), [1, 0.5, 1, 0.5, 1]);
  expect(at({ kind: 'constant', lr0: 0.3, warmup: 3 }, [0, 1, 2, 3, 100]), [0.1, 0.2, 0.3, 0.3, 0.3]);
  for (const kind of SCHEDULES) {
    const spec = { kind, lr0: 0.1, every: 5, k: 0.1, total: 50, period: 10 } as Record<string, unknown>;
    const keep: Record<string, string[]> = { constant: [], step: ['every'], exp: ['k'], inv: ['k'], invsqrt: ['k'], cosine: ['total'], linear: ['total'], sgdr: ['period'] };
    for (const key of ['every', 'k', 'total', 'period']) if (!keep[kind].includes(key)) delete spec[key];
    const values = scheduleValues({ ...spec, warmup: 5 } as Parameters<typeof makeSchedule>[0], 60);
    assert.ok(values.every((v) => Number.isFinite(v) && v >= 0 && v <= 0.1 + 1e-15), `${kind}: ${values}`);
    assert.ok(close(values[4], 0.1), `${kind}: the warmup ends at lr0`);
  }
  throwsArgument(() => makeSchedule({ kind: 'cosin' as never, lr0: 0.1 }), /schedule kind must be one of "constant", "step"/);
  throwsArgument(() => makeSchedule({ kind: 'exp', lr0: 0.1 }), /k \(schedule exp\) must be a finite number in \[0, 1000000\], got undefined/);
  throwsArgument(() => makeSchedule({ kind: 'step', lr0: -0.1, every: 3 }), /lr0 must be a finite number in \[0, 1000000\], got -0.1/);
  throwsArgument(() => makeSchedule({ kind: 'constant', lr0: 0.1, total: 5 }), /schedule constant option must be one of kind, lr0, warmup, got "total"/);
});

test('train({schedule}) hands each step its learning rate (at.lr, result.lrs, progress) from t = 0', async () => {
  const seen: number[] = [];
  const events: number[] = [];
  const r = await train({ step: (_b, at) => { seen.push(at.lr!); return 1; } }, { count: 8 }, {
    steps: 6, batchSize: 2, order: null, schedule: makeSchedule({ kind: 'step', lr0: 1, every: 2, factor: 0.5 }),
    progress: (e) => { if (typeof e.metrics?.lr === 'number') events.push(e.metrics.lr); },
  });
  assert.deepEqual(seen, [1, 1, 0.5, 0.5, 0.25, 0.25]);
  assert.deepEqual(r.lrs, seen);
  assert.deepEqual(events, seen);
  await assert.rejects(train({ step: () => 1 }, { count: 2 }, { steps: 1, batchSize: 1, order: null, schedule: () => NaN }), /schedule\(0\) must be a finite learning rate >= 0, got NaN/);
  const plain = await train({ step: (_b, at) => { assert.equal(at.lr, undefined); return 1; } }, { count: 2 }, { steps: 1, batchSize: 1, order: null });
  assert.equal(plain.lrs, undefined);
});
