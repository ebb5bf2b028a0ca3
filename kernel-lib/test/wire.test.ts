/**
 * core/wire.ts: the values that cross between nnlab grade's judge and a submission's kernel.
 * Round trips keep every value exactly (NaN, -0, undefined, typed arrays, tensors, Layers models
 * with their weights and frozen layers), functions cross only by name or as tapes, and anything
 * else is an error that says where it was.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { decodeFrame, encodeFrame, FrameReader, settleTapes, tapeRandom, tapeUse, WIRE_LIMITS, WireError } from '../src/core/wire';
import { mulberry32 } from '../src/core/rng';

const roundTrip = async (v: unknown, functions = {}) => decodeFrame(encodeFrame(v, functions), functions);

test('plain values cross exactly: NaN, infinities, -0, undefined, nested arrays and objects, typed arrays', async () => {
  const v = { a: [1, -0, NaN, Infinity, -Infinity, 1e-310, 'x', true, null, undefined], b: { c: new Float64Array([0.1, -2]), d: new Int32Array([7, -8]), e: new Uint8Array([255]) } };
  const back = await roundTrip(v) as typeof v;
  assert.equal(back.a.length, 10);
  assert.ok(Object.is(back.a[1], -0));
  assert.ok(Number.isNaN(back.a[2]));
  assert.deepEqual(back.a.slice(3), [Infinity, -Infinity, 1e-310, 'x', true, null, undefined]);
  assert.ok(back.b.c instanceof Float64Array && back.b.d instanceof Int32Array && back.b.e instanceof Uint8Array);
  assert.deepEqual([...back.b.c, ...back.b.d, ...back.b.e], [0.1, -2, 7, -8, 255]);
  // '__proto__' as a key is data, not a prototype
  const tricky = await roundTrip(JSON.parse('{"__proto__": {"polluted": 1}}')) as Record<string, unknown>;
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.deepEqual(Object.keys(tricky), ['__proto__']);
});

test('tensors cross as new tensors with the same dtype, shape and values; a disposed one stays disposed', async () => {
  const x = tf.tensor2d([[1.5, -2], [3, 4]]);
  const i = tf.tensor1d([1, 2, 3], 'int32');
  const gone = tf.zeros([2]);
  gone.dispose();
  const before = tf.memory().numTensors;
  const back = await roundTrip([x, { i }, gone]) as [tf.Tensor, { i: tf.Tensor }, tf.Tensor];
  assert.equal(tf.memory().numTensors, before + 2);
  assert.notEqual(back[0], x);
  assert.deepEqual([back[0].dtype, back[0].shape, back[0].arraySync()], ['float32', [2, 2], [[1.5, -2], [3, 4]]]);
  assert.deepEqual([back[1].i.dtype, back[1].i.arraySync()], ['int32', [1, 2, 3]]);
  assert.ok(back[2].isDisposed);
  tf.dispose([x, i, back[0], back[1].i]);
});

test('a Layers model crosses with its topology, weights and frozen layers', async () => {
  const input = tf.input({ shape: [4] });
  const h = tf.layers.dense({ units: 3, activation: 'relu', name: 'hidden' }).apply(input) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, activation: 'softmax', name: 'head' }).apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  model.getLayer('hidden').trainable = false;
  const back = await roundTrip({ model }) as { model: tf.LayersModel };
  assert.ok(back.model instanceof tf.LayersModel && back.model !== model);
  assert.deepEqual(back.model.layers.map((l) => [l.name, l.trainable]), model.layers.map((l) => [l.name, l.trainable]));
  const x = tf.randomNormal([5, 4], 0, 1, 'float32', 3);
  const [a, b] = [model.predict(x) as tf.Tensor, back.model.predict(x) as tf.Tensor];
  assert.deepEqual(b.arraySync(), a.arraySync());
  tf.dispose([x, a, b]);
  model.dispose();
  back.model.dispose();
});

test('functions cross by name from the exercise\'s table; tapes as the numbers they will give, settled afterwards', async () => {
  const twice = (n: number) => 2 * n;
  const back = await roundTrip([twice], { twice }) as [(n: number) => number];
  assert.equal(back[0], twice);
  const used: number[] = [];
  const source = mulberry32(5);
  const expected = [source(), source(), source()];
  const random = tapeRandom(mulberry32(5), (u) => used.push(u), 8);
  const frame = encodeFrame({ args: [random] });
  const remote = (await decodeFrame(frame) as { args: [() => number] }).args[0];
  assert.deepEqual([remote(), remote()], expected.slice(0, 2));
  assert.deepEqual(tapeUse({ args: [remote] }), [2]);
  settleTapes(frame.tapes ?? [], [2]);
  assert.deepEqual(used, expected.slice(0, 2));
  // the next local draw continues where the remote one stopped
  assert.equal(random(), expected[2]);
  const short = (await decodeFrame(encodeFrame(tapeRandom(mulberry32(1), () => {}, 2)))) as () => number;
  short(); short();
  assert.throws(() => short(), /random\(\) was called more than 2 times in one call/);
});

test('what is not data is an error that says where: closures, class instances, symbols, string tensors', () => {
  class Box { v = 1; }
  assert.throws(() => encodeFrame({ w: [1, () => 2] }), (e: Error) => e instanceof WireError && /the value\.w\[1\] is a function: functions cannot be graded/.test(e.message));
  assert.throws(() => encodeFrame({ b: new Box() }), /the value\.b is .*Box.*: only plain objects, arrays, numbers and tensors can be graded/);
  assert.throws(() => encodeFrame([Symbol('s')]), /the value\[0\] is a symbol/);
  const s = tf.tensor(['a']);
  assert.throws(() => encodeFrame(s), /is a string tensor: only number tensors can be graded/);
  s.dispose();
  const deep: unknown[] = [];
  let at = deep;
  for (let i = 0; i < WIRE_LIMITS.depth + 2; i++) { const next: unknown[] = []; at.push(next); at = next; }
  assert.throws(() => encodeFrame(deep), /nested more than 16 levels deep/);
  assert.throws(() => encodeFrame(new Float32Array(8), {}, { ...WIRE_LIMITS, bytes: 16 }), /more than .* MB of tensor data/);
});

test('FrameReader cuts any split of a stream into the same frames, and refuses a frame over its limit', async () => {
  const frames = [encodeFrame({ a: 1 }), encodeFrame(new Float32Array([1, 2, 3])), encodeFrame('x'.repeat(1000))];
  const stream = Buffer.concat(frames);
  for (const step of [1, 7, 64, stream.length]) {
    const reader = new FrameReader();
    const got: Buffer[] = [];
    for (let i = 0; i < stream.length; i += step) got.push(...reader.push(stream.subarray(i, i + step)));
    assert.equal(got.length, 3, `step ${step}`);
    assert.deepEqual(await decodeFrame(got[0]), { a: 1 });
    assert.deepEqual([...(await decodeFrame(got[1]) as Float32Array)], [1, 2, 3]);
  }
  assert.throws(() => new FrameReader(100).push(frames[2]), /a message of \d+ bytes, over the 100 limit/);
  await assert.rejects(decodeFrame(frames[0].subarray(0, frames[0].length - 1)), /a frame of \d+ bytes, its prefix says \d+/);
});
