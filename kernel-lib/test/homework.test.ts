/**
 * The homework checks (`nn.check.<exercise>`) in-process: the instructor's solutions pass every
 * case, the stubs fail without crashing, each common mistake gets its hint and score, and students'
 * worst (exceptions, wrong types and shapes, leaked tensors) fails a case instead of the kernel.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as nn from '../src/index';
import { check, EXERCISES, homeworkExercises, relError, runCheck } from '../src/homework';
import { compile, MISTAKES, RIGHT } from './fixtures/homework/solutions';
import { REFERENCES as ARGS, right } from './fixtures/homework/references';
import { DEAD_DESIGNS, deadFraction64, deadLayer, preActivations } from '../src/lessons/activations/homeworkDead';

before(async () => { await nn.useDevice('cpu', { print: false }); });

/**
 * The function a mistake hands to its exercise's check. hw02's preprocess calls the notebook's
 * fitChannelStats and normalize: a mistake in one of those is checked through preprocess too.
 */
function mistaken(m: (typeof MISTAKES)[number]): (...a: unknown[]) => unknown {
  if (m.exercise !== 'preprocess') return compile(m.source, m.fn);
  const scope = { fitChannelStats: right.fitChannelStats, normalize: right.normalize, [m.fn]: compile(m.source, m.fn) };
  return m.fn === 'preprocess' ? compile(m.source, 'preprocess', scope) : compile(RIGHT.preprocess, 'preprocess', scope);
}

test('relError(a, b) is max|a - b| / max(|a| + |b|), 0 for two zero vectors, NaN when a value is NaN', () => {
  assert.equal(relError([1, 2], [1, 2]), 0);
  assert.equal(relError([1, 3], [1, 2]), 1 / 5);
  assert.equal(relError([0, 0], [0, 0]), 0);
  assert.ok(Number.isNaN(relError([Number.NaN], [1])));
});

for (const e of EXERCISES) {
  test(`runCheck('${e.name}', the instructor's solution) passes every case with full marks`, async () => {
    const r = await runCheck(e.name, ...ARGS[e.name]);
    assert.deepEqual(r.cases.filter((c) => !c.passed).map((c) => `${c.name}: ${c.message}`), []);
    assert.equal(r.score, e.points);
    assert.equal(r.leaked, 0);
  });
}

test('runCheck on the stub (throws "not implemented yet") scores 0 and says to replace the stub, without throwing', async () => {
  const stub = () => { throw new Error('not implemented yet'); };
  for (const e of EXERCISES) {
    const r = await runCheck(e.name, stub);
    assert.equal(r.score, 0, e.name);
    assert.ok(r.cases.every((c) => !c.passed && c.message === 'raised "not implemented yet"'), e.name);
    assert.match(r.hints.join(' '), /replace the stub/);
  }
});

for (const m of MISTAKES) {
  test(`a submission with the mistake "${m.name}" fails ${m.exercise} with score ${m.score} and the hint ${m.hint}`, async () => {
    const r = await runCheck(m.exercise, mistaken(m));
    assert.equal(r.score, m.score, r.cases.map((c) => `${c.passed} ${c.name}: ${c.message}`).join('\n'));
    assert.match(r.hints.join('\n'), m.hint);
  });
}

test('the checks accept what is right but written otherwise: α(eˣ - 1) without expm1, SELU\'s constants to four decimals, tf.leakyRelu and tf.selu', async () => {
  const accepted: [string, string, string][] = [
    ['eluForward', 'eluForward', ''],
    ['seluForward', 'const lambda = 1.0507009873554805, alpha = 1.6732632423543772;', 'const lambda = 1.0507, alpha = 1.6733;'],
    ['seluBackward', 'const lambda = 1.0507009873554805, alpha = 1.6732632423543772;', 'const lambda = 1.0507, alpha = 1.6733;'],
  ];
  for (const [fn, from, to] of accepted) {
    const r = await runCheck(fn, compile(RIGHT[fn as keyof typeof RIGHT].replace(from, to || from), fn));
    assert.equal(r.score, r.points, `${fn}: ${r.cases.filter((c) => !c.passed).map((c) => c.message).join('; ')}`);
  }
  assert.equal((await runCheck('leakyReluForward', (x: tf.Tensor, alpha: number) => tf.leakyRelu(x, alpha))).passed, true);
  assert.equal((await runCheck('seluForward', (x: tf.Tensor) => tf.selu(x))).passed, true);
});

test('a dead-unit count returned as a tensor of shape [2] fails with the message; a scalar tensor is read as the number', async () => {
  let r = await runCheck('deadUnitFraction', () => tf.zeros([2]));
  assert.match(r.cases[0].message, /deadUnitFraction\(X \[64, 20\], W \[20, 50\], b \[50\]\) must return a number, got a tensor of shape \[2\]/);
  r = await runCheck('deadUnitFraction', (X: tf.Tensor2D, W: tf.Tensor2D, b: tf.Tensor1D) => tf.tidy(() => tf.lessEqual(tf.max(tf.add(tf.matMul(X, W), b), 0), 0).cast('float32').mean()));
  assert.equal(r.score, r.points);
  assert.equal(r.leaked, 0);
});

test('deadLayer(design) for each case of deadUnitFraction leaves float32 no doubt: every largest z is exactly 0 or at least 1e-3 from it, one-example units are positive once', () => {
  for (const d of DEAD_DESIGNS) {
    const p = deadLayer(d);
    const z = preActivations(p);
    for (let j = 0; j < p.H; j++) {
      const column = Array.from({ length: p.N }, (_, i) => z[i * p.H + j]);
      const top = Math.max(...column);
      if (j < (d.zeroUnits ?? 0)) assert.equal(top, 0, `${d.name}: unit ${j}`);
      else assert.ok(Math.abs(top) >= 1e-3, `${d.name}: unit ${j} has max z ${top}`);
      if (j >= (d.zeroUnits ?? 0) && j < (d.zeroUnits ?? 0) + (d.oneExampleUnits ?? 0)) assert.equal(column.filter((v) => v > 0).length, 1, `${d.name}: unit ${j}`);
    }
    assert.ok(deadFraction64(p) >= 0 && deadFraction64(p) <= 1);
  }
  assert.deepEqual(DEAD_DESIGNS.map((d) => Math.round(deadFraction64(deadLayer(d)) * d.H)), [12, 4, 13, 0, 40]);
});

test('a wrong return type, a wrong shape and a missing return fail a case with the message', async () => {
  let r = await runCheck('xavierInit', () => [[1, 2]]);
  assert.match(r.cases[0].message, /xavierInit\(\[500, 300\], 11\) must be a tf.Tensor, got an array/);
  r = await runCheck('dropoutTestMode', (x: tf.Tensor) => tf.reshape(x, [-1]));
  assert.match(r.cases[0].message, /has shape \[2000\], expected \[50, 40\]/);
  r = await runCheck('batchNormTrainMode', () => undefined);
  assert.match(r.cases[0].message, /must return \{y, running: \{mean, variance\}\}, got undefined/);
  r = await runCheck('layerStds', () => undefined);
  assert.match(r.cases[0].message, /must be an array of numbers, got undefined \(did you forget to return\?\)/);
});

test('a missing function is an error naming it and the expected signature', async () => {
  const r = await runCheck('heInit', undefined);
  assert.equal(r.score, 0);
  assert.match(r.error ?? '', /the notebook defines no function heInit \(expected function heInit\(shape: number\[\], seed: number\): nn\.tf\.Tensor\)/);
});

test('tensors leaked by student code are counted, reported and freed: later checks see no extra tensors', async () => {
  const before = tf.memory().numTensors;
  const leaky = (x: tf.Tensor, p: number, training: boolean) => { tf.ones([3]); tf.zeros([2]); return training ? x.mul(1) : x.clone(); };
  const r = await runCheck('dropoutTestMode', leaky);
  assert.equal(r.score, 10);
  assert.equal(r.leaked, 2 * r.cases.length);
  assert.equal(tf.memory().numTensors, before);
  const clean = await runCheck('dropoutTestMode', right.invertedDropout);
  assert.equal(clean.leaked, 0);
});

test('nn.check.dropoutTestMode(fn) prints PASS/FAIL per case with the relative error and the hint, and never throws', async () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => { lines.push(s); };
  try {
    await check.dropoutTestMode((x: tf.Tensor, p: number) => x.mul(p));
    await check.dropoutTestMode(() => { throw new TypeError('x.foo is not a function'); });
  } finally {
    console.log = log;
  }
  assert.match(lines[0], /^FAIL dropoutTestMode: 0\/4 cases, 0 \/ 10 points/);
  assert.match(lines[0], /FAIL p = 0\.5 on \[50, 40\]: out = x: out differs from x \(p = 0\.5\)  \(relative error 3\.3e-1, tolerance 1\.0e-6\)/);
  assert.match(lines[0], /hint: that is vanilla dropout's test rule/);
  assert.match(lines[1], /your function raised TypeError: x\.foo is not a function/);
});

test('every exercise of the registry belongs to a homework, and check has one function per exercise', () => {
  assert.deepEqual(Object.keys(check), EXERCISES.map((e) => e.name));
  assert.deepEqual(homeworkExercises('hw09-dropout').map((e) => e.name), ['dropoutTrainMode', 'dropoutTestMode']);
  assert.throws(() => { (check as Record<string, unknown>).xavierInit = null; });
  assert.equal(typeof nn.check.xavierInit, 'function');
});
