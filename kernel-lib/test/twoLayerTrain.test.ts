/**
 * The foundation of lessons 05 and 06: data/splits (seeded disjoint parts, train-only channel
 * means), the training loop's update-ratio log, and nets/twoLayerTrain (one run of the two-layer
 * net through the loop: initial loss, divergence, determinism, leaks, named errors).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { flatSplits } from '../src/data/splits';
import { randomImages } from '../src/data/synthetic';
import type { ImageDataset } from '../src/data/load';
import { train } from '../src/nets/train';
import { trainTwoLayer } from '../src/nets/twoLayerTrain';

// images whose first byte is their index mod 256 and second byte index / 256: a row tells where it came from
function indexedImages(count: number, split: 'train' | 'test'): ImageDataset {
  const ds = randomImages({ count, height: 4, width: 4, channels: 3, classes: 10, seed: split === 'train' ? 1 : 2 });
  for (let i = 0; i < count; i++) { ds.images[i * 48] = i % 256; ds.images[i * 48 + 1] = Math.floor(i / 256); }
  return { ...ds, split };
}
const source = { load: async (_name: string, o: { split?: string }) => indexedImages(o.split === 'test' ? 300 : 1000, (o.split ?? 'train') as 'train' | 'test') };
const origin = (X: Float32Array, dims: number, k: number, mean: number[]) => Math.round(X[k * dims] + mean[0]) + 256 * Math.round(X[k * dims + 1] + mean[1]);

test('flatSplits: train and val are disjoint seeded draws, test comes from the test split, channel means are the train part\'s only', async () => {
  const s = await flatSplits({ train: 600, val: 200, test: 100, seed: 3 }, source);
  assert.equal(s.dims, 48);
  const trainIds = Array.from({ length: 600 }, (_, k) => origin(s.train.X, 48, k, s.channelMean));
  const valIds = Array.from({ length: 200 }, (_, k) => origin(s.val.X, 48, k, s.channelMean));
  assert.equal(new Set([...trainIds, ...valIds]).size, 800, 'train and val overlap');
  assert.ok(trainIds.every((i) => i >= 0 && i < 1000));
  // the means: float64 over exactly the train part's raw bytes
  const all = indexedImages(1000, 'train');
  const sums = [0, 0, 0];
  for (const i of trainIds) for (let j = 0; j < 48; j++) sums[j % 3] += all.images[i * 48 + j];
  sums.forEach((sum, c) => assert.ok(Math.abs(sum / (600 * 16) - s.channelMean[c]) < 1e-9, `channel ${c}`));
  // every row is its image minus those means, labels follow
  const k = 7;
  for (let j = 0; j < 48; j++) assert.ok(Math.abs(s.train.X[k * 48 + j] - (all.images[trainIds[k] * 48 + j] - s.channelMean[j % 3])) < 1e-4);
  assert.equal(s.train.y[k], all.labels[trainIds[k]]);
  assert.equal(s.test.count, 100);
  // another seed, another draw; the same seed, the same rows
  const again = await flatSplits({ train: 600, val: 200, test: 100, seed: 3 }, source);
  assert.deepEqual(again.train.X, s.train.X);
  const other = await flatSplits({ train: 600, val: 200, test: 100, seed: 4 }, source);
  assert.notDeepEqual(other.train.y, s.train.y);
  await assert.rejects(flatSplits({ train: 900, val: 200, test: 0, seed: 1 }, source), /train.*at most 800 with val 200.*holds 1000 images/);
  await assert.rejects(flatSplits({ train: 10, val: 0, test: 0, seed: 1, centre: 'x' } as never, source), /centre/);
});

test('train({updateRatios}): ‖W_after − W_before‖ / ‖W_before‖ per parameter per step, equal to lr·‖g‖/‖W‖ for a known gradient', async () => {
  let w = tf.tensor1d([3, 4]);          // ‖w‖ = 5
  const g = tf.tensor1d([0.6, 0.8]);    // ‖g‖ = 1
  const lr = 0.01;
  const result = await train({
    step: () => { const next = tf.sub(w, tf.mul(lr, g)); w.dispose(); w = next as tf.Tensor1D; return 1; },
    params: () => ({ w }),
  }, { count: 4 }, { batchSize: 2, epochs: 1, order: null, updateRatios: true });
  // step 1: 0.01·1/5; step 2: ‖w‖ = 5 − 0.01
  assert.ok(Math.abs(result.updateRatios!.w[0] - 0.002) < 1e-7, String(result.updateRatios!.w));
  assert.ok(Math.abs(result.updateRatios!.w[1] - 0.01 / 4.99) < 1e-7);
  tf.dispose([w, g]);
  await assert.rejects(train({ step: () => 1 }, { count: 2 }, { batchSize: 1, epochs: 1, order: null, updateRatios: true }), /updateRatios.*params\(\)/);
});

test('trainTwoLayer: initial loss ln 10 with tiny weights, a NaN run stops at once and says so, same seed same run, no leaks', async () => {
  const s = await flatSplits({ train: 400, val: 100, test: 0, seed: 1 }, source);
  const before = tf.memory().numTensors;
  const run = await trainTwoLayer({ train: s.train, val: s.val, reg: 0, lr: 1e-5, epochs: 2, batchSize: 100, seed: 2, updateRatios: true, keepWeights: true });
  assert.ok(Math.abs(run.initialLoss - Math.log(10)) < 1e-3, String(run.initialLoss));
  assert.equal(run.steps, 8);
  assert.deepEqual(run.epochs.map((e) => e.epoch), [0, 1, 2]);
  assert.equal(run.updateRatios!.W1.length, 8);
  assert.equal(run.firstLayer!.before.length, 48 * 50);
  assert.notDeepEqual(run.firstLayer!.before, run.firstLayer!.after);
  assert.equal(tf.memory().numTensors, before, 'leaked tensors');
  const again = await trainTwoLayer({ train: s.train, val: s.val, reg: 0, lr: 1e-5, epochs: 2, batchSize: 100, seed: 2, updateRatios: true, keepWeights: true });
  assert.deepEqual(again, run);
  // reg 1e3 raises the initial loss by 0.5·reg·ΣW² ≈ 0.5·1e3·1e-8·(48·50 + 50·10)
  const regged = await trainTwoLayer({ train: s.train, reg: 1e3, lr: 0, steps: 1, batchSize: 100, seed: 2 });
  assert.ok(Math.abs(regged.initialLoss - run.initialLoss - 0.5 * 1e3 * 1e-8 * (48 * 50 + 500)) < 2e-3, String(regged.initialLoss));
  const blown = await trainTwoLayer({ train: s.train, reg: 0, lr: 1e12, std: 1, steps: 50, batchSize: 100, seed: 2 });
  assert.ok(blown.diverged && blown.steps === blown.diverged.step && blown.steps < 50, JSON.stringify(blown.diverged));
  assert.equal(tf.memory().numTensors, before, 'leaked tensors after a diverged run');
  await assert.rejects(trainTwoLayer({ train: s.train, reg: -1, lr: 1, steps: 1, seed: 0 }), /reg.*-1/);
  await assert.rejects(trainTwoLayer({ train: { X: new Float32Array(10), y: new Int32Array(3) }, reg: 0, lr: 1, steps: 1, seed: 0 }), /train\.X.*multiple of train\.y\.length/);
  await assert.rejects(trainTwoLayer({ train: s.train, reg: 0, lr: 1, steps: 1, seed: 0, epochs: 1 }), /exactly one of epochs and steps/);
});
