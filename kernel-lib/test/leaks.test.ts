import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { countTensors, expectNoLeaks } from '../src/core/leaks';

test('countTensors counts the tensors a function leaves behind', async () => {
  await tf.setBackend('cpu');
  const leaky = await countTensors(() => { tf.ones([2]).add(1); return 7; });
  assert.equal(leaky.result, 7);
  assert.equal(leaky.leaked, 2, 'ones and add both leak');
  assert.equal(leaky.after - leaky.before, 2);
  const tidy = await countTensors(() => tf.tidy(() => tf.ones([2]).add(1).sum().arraySync()));
  assert.equal(tidy.leaked, 0);
  assert.equal(tidy.result, 4);
  tf.disposeVariables();
});

test('countTensors waits for an async function before counting', async () => {
  const r = await countTensors(async () => {
    const t = tf.ones([3]);
    const v = await t.data();
    t.dispose();
    return v.length;
  });
  assert.deepEqual([r.result, r.leaked], [3, 0]);
});

test('expectNoLeaks("step", fn) throws with the count when fn leaks', async () => {
  await assert.rejects(expectNoLeaks('step', () => { tf.zeros([1]); }), /step leaked 1 tensor\(s\)/);
  assert.equal(await expectNoLeaks('step', () => tf.tidy(() => tf.zeros([1]).dataSync()[0])), 0);
});
