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

before(async () => { await nn.useDevice('cpu', { print: false }); });

const right = Object.fromEntries(Object.entries(RIGHT).map(([k, src]) => [k, compile(src, k)])) as Record<keyof typeof RIGHT, (...a: unknown[]) => unknown>;
const initExperiment = compile(`function initExperiment(init, activation, seed) {
  const seeds = nn.seedStream(seed);
  const X = tf.randomNormal([200, 500], 0, 1, 'float32', seeds.next());
  const weights = Array.from({ length: 10 }, () => init([500, 500], seeds.next()));
  const stds = layerStds(X, weights, activation);
  tf.dispose([X, ...weights]);
  return stds;
}`, 'initExperiment', { layerStds: right.layerStds });

const ARGS: Record<string, unknown[]> = {
  xavierInit: [right.xavierInit], heInit: [right.heInit], layerStds: [right.layerStds], initExperiment: [initExperiment],
  dropoutTrainMode: [right.invertedDropout], dropoutTestMode: [right.invertedDropout],
  batchNormTrainMode: [right.batchNormForward], batchNormTestMode: [right.batchNormForward],
  prepareFineTune: [right.prepareFineTune],
};

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
    const fn = m.fn === 'layerStds' ? compile(m.source, m.fn) : compile(m.source, m.fn);
    const r = await runCheck(m.exercise, fn);
    assert.equal(r.score, m.score, r.cases.map((c) => `${c.passed} ${c.name}: ${c.message}`).join('\n'));
    assert.match(r.hints.join('\n'), m.hint);
  });
}

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
