import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ArgumentError, checkBoolean, checkInt, checkKnownKeys, checkNumber, checkOneOf, checkProbability, checkShape, describe, firstLine,
} from '../src/core/errors';
import { withTimeout } from '../src/core/timeout';

test('checkInt("depth", 0, {min: 1}) names the argument, the value and what is allowed', () => {
  assert.throws(() => checkInt('depth', 0, { min: 1 }), { name: 'ArgumentError', message: 'depth must be an integer >= 1, got 0' });
  assert.throws(() => checkInt('width', 2.5), { message: 'width must be an integer, got 2.5' });
  assert.throws(() => checkInt('n', '3', { min: 0, max: 9 }), { message: 'n must be an integer in [0, 9], got "3"' });
  assert.equal(checkInt('depth', 3, { min: 1 }), 3);
});

test('checkNumber rejects NaN and infinities instead of passing them on', () => {
  assert.throws(() => checkNumber('lr', NaN), { message: 'lr must be a finite number, got NaN' });
  assert.throws(() => checkNumber('lr', Infinity, { min: 0 }), { message: 'lr must be a finite number >= 0, got Infinity' });
  assert.throws(() => checkNumber('lr', -1, { min: 0 }), { message: 'lr must be a finite number >= 0, got -1' });
  assert.equal(checkNumber('lr', 1e-3, { min: 0 }), 1e-3);
});

test('checkProbability("p", 0, {open: "low"}) rejects a keep probability of 0 and accepts 1', () => {
  assert.throws(() => checkProbability('p', 0, { open: 'low' }), { message: 'p must be a probability in (0, 1], got 0' });
  assert.throws(() => checkProbability('p', 1.5), { message: 'p must be a probability in [0, 1], got 1.5' });
  assert.throws(() => checkProbability('rate', 1, { open: 'high' }), { message: 'rate must be a probability in [0, 1), got 1' });
  assert.throws(() => checkProbability('q', -0.2, { open: 'both' }), { message: 'q must be a probability in (0, 1), got -0.2' });
  assert.equal(checkProbability('p', 1, { open: 'low' }), 1);
  assert.equal(checkProbability('p', 0.5, { open: 'both' }), 0.5);
});

test('checkOneOf("device", "tpu", [...]) lists the allowed values', () => {
  assert.throws(() => checkOneOf('device', 'tpu', ['auto', 'cpu', 'gpu']),
    { message: 'device must be one of "auto", "cpu", "gpu", got "tpu"' });
  assert.equal(checkOneOf('device', 'gpu', ['auto', 'cpu', 'gpu']), 'gpu');
});

test('checkBoolean("training", undefined) refuses to guess a mode', () => {
  assert.throws(() => checkBoolean('training', undefined), { message: 'training must be true or false, got undefined' });
  assert.throws(() => checkBoolean('training', 1), { message: 'training must be true or false, got 1' });
  assert.equal(checkBoolean('training', false), false);
});

test('checkShape("X", [32, 785], [null, 784]) reports the wrong shape', () => {
  assert.throws(() => checkShape('X', [32, 785], [null, 784]), { message: 'X.shape must be [any, 784], got [32, 785]' });
  assert.throws(() => checkShape('X', [784], [null, 784]), { message: 'X.shape must be [any, 784], got [784]' });
  assert.doesNotThrow(() => checkShape('X', [32, 784], [null, 784]));
});

test('checkKnownKeys rejects a misspelt option', () => {
  assert.throws(() => checkKnownKeys('initStats', { seeed: 1 }, ['seed', 'depth']),
    { message: 'initStats.seeed must be one of the known options (seed, depth); "seeed" is not an option (did you mean "seed"?), got 1' });
  assert.doesNotThrow(() => checkKnownKeys('initStats', { seed: 1 }, ['seed', 'depth']));
});

test('ArgumentError carries the argument name and value for programs', () => {
  const err = new ArgumentError('p', 2, 'a probability in (0, 1]');
  assert.ok(err instanceof Error);
  assert.equal(err.argument, 'p');
  assert.equal(err.value, 2);
  assert.equal(describe([1, 'a', null]), '[1, "a", null]');
  assert.equal(describe({ a: 'x'.repeat(100) }).length, 80);
});

test('firstLine(err) gives the first line of an Error, an error-like object or any thrown value', () => {
  assert.equal(firstLine(new Error('no adapter\n    at x')), 'no adapter');
  assert.equal(firstLine({ message: 'aborted\nmore' }), 'aborted');
  assert.equal(firstLine('plain\ntext'), 'plain');
  assert.equal(firstLine(42), '42');
});

test('withTimeout(promise, ms, failure) rejects with "<failure> within N s" instead of hanging, and passes results through', async () => {
  // the deadline's timer is unref'd by design; a ref'd timer keeps this test's process alive meanwhile
  const keepAlive = setTimeout(() => {}, 5000);
  try {
    await assert.rejects(withTimeout(new Promise(() => {}), 20, 'requestAdapter() did not answer'),
      { message: 'requestAdapter() did not answer within 0.02 s' });
  } finally {
    clearTimeout(keepAlive);
  }
  assert.equal(await withTimeout(Promise.resolve(7), 1000, 'x'), 7);
});
