/**
 * Lesson 10: transfer learning. The base CNN, seeded re-initialisation, the four strategies and
 * what they freeze (frozen weights bit-identical after training), the model zoo (save/load round
 * trip, train-on-first-use, revisions, a URL served from 127.0.0.1 with caching and broken
 * answers), the table/depth/curve experiments on small synthetic data (shapes, determinism, leaks),
 * and argument errors. Runs on the wasm backend; the real-data run is the notebook's (notebooks.test).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { countTensors } from '../src/core/leaks';
import { registerWasmKernelOverrides } from '../src/engine/wasm/kernels';
import { randomImages } from '../src/data/synthetic';
import type { ImageDataset } from '../src/data/load';
import type { ProgressEvent } from '../src/core/progress';
import {
  buildBaseCnn, disposeModel, ENSEMBLE_LAYERS, linearProbe, reinitialize, STRATEGIES, transferModel, weightSnapshot,
} from '../src/lessons/transfer/strategies';
import { runCost, stepCost } from '../src/lessons/transfer/plan';
import { accuracy, crossEntropy, trainClassifier } from '../src/lessons/transfer/train';
import { loadPretrained, MODEL_ZOO, zooMetadata } from '../src/lessons/transfer/zoo';
import { folderHandler, saveModel, urlCacheDir } from '../src/data/models';
import { TaskData } from '../src/lessons/transfer/tasks';
import { ADVICE, resolveTableOptions, table, TABLE_OPTIONS } from '../src/lessons/transfer/table';
import { ArgumentError } from '../src/core/errors';
import { setMemoryLimit } from '../src/core/options';
import { depth } from '../src/lessons/transfer/depth';
import { curve } from '../src/lessons/transfer/curve';
import { adviceRows, curveFigure, depthFigure, tableFigure, tableFrame, tableRows } from '../src/lessons/transfer/figures';
import { cliInProcess, withoutMeta } from './helpers';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-transfer-'));

/** Synthetic stand-ins for MNIST and Fashion-MNIST: 28×28×1, 10 classes, random pixels. */
function fakeSplit(name: 'mnist' | 'fashion-mnist', split: 'train' | 'test', count: number, seed: number): ImageDataset {
  return { ...randomImages({ count, height: 28, width: 28, channels: 1, classes: 10, seed }), name, split };
}
const DATA: TaskData = {
  mnist: { train: fakeSplit('mnist', 'train', 600, 1), test: fakeSplit('mnist', 'test', 300, 2) },
  'fashion-mnist': { train: fakeSplit('fashion-mnist', 'train', 600, 3), test: fakeSplit('fashion-mnist', 'test', 300, 4) },
};
/** A small zoo model trained on the synthetic source task, in its own folder. */
const ZOO = path.join(TMP, 'zoo');

before(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmKernelOverrides(); // conv filter gradients (stock wasm has none): what useDevice installs
});

after(() => fs.rmSync(TMP, { recursive: true, force: true }));

const tiny = (classes: number, seed: number) => randomImages({ count: 40, height: 28, width: 28, channels: 1, classes, seed });

test('buildBaseCnn({classes: 5}) has the documented layers and 26,181 parameters, and the same seed gives the same weights', () => {
  const a = buildBaseCnn({ classes: 5, seed: 3 });
  const b = buildBaseCnn({ classes: 5, seed: 3 });
  const c = buildBaseCnn({ classes: 5, seed: 4 });
  assert.deepEqual(a.layers.map((l) => l.name), ['conv1', 'pool1', 'conv2', 'pool2', 'conv3', 'flatten', 'head']);
  assert.equal(a.countParams(), 160 + 4_640 + 18_496 + 2_885);
  assert.deepEqual(a.layers.map((l) => l.outputShape), [[null, 26, 26, 16], [null, 13, 13, 16], [null, 11, 11, 32], [null, 5, 5, 32], [null, 3, 3, 64], [null, 576], [null, 5]]);
  assert.deepEqual(weightSnapshot(a), weightSnapshot(b));
  assert.notDeepEqual(weightSnapshot(a)['conv1/kernel'], weightSnapshot(c)['conv1/kernel']);
  assert.deepEqual(Object.keys(weightSnapshot(a)), ['conv1/kernel', 'conv1/bias', 'conv2/kernel', 'conv2/bias', 'conv3/kernel', 'conv3/bias', 'head/kernel', 'head/bias']);
  [a, b, c].forEach((m) => m.dispose());
});

test('reinitialize draws Glorot-uniform kernels (|w| <= sqrt(6/(fanIn+fanOut)), std = limit/sqrt(3)) and zero biases', () => {
  const model = buildBaseCnn({ classes: 5, seed: 1 });
  reinitialize(model.layers, 9);
  const conv3 = model.getLayer('conv3').getWeights(); // the variables themselves: not disposed here
  const w = Array.from(conv3[0].dataSync());
  const limit = Math.sqrt(6 / (3 * 3 * 32 + 3 * 3 * 64)); // fanIn = kh·kw·cin, fanOut = kh·kw·cout
  const max = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  assert.ok(max <= limit && max > 0.99 * limit, `max |w| ${max}, limit ${limit}`);
  const mean = w.reduce((s, v) => s + v, 0) / w.length;
  const std = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
  // 18,432 uniform draws: the std of U(-l, l) is l/√3, estimated to within ~0.5 % (4 SE ≈ 2 %).
  assert.ok(Math.abs(std / (limit / Math.sqrt(3)) - 1) < 0.02, `std ${std} vs ${limit / Math.sqrt(3)}`);
  assert.ok(Array.from(conv3[1].dataSync()).every((v) => v === 0));
  model.dispose();
});

/** Which of a model's weight tensors changed between two snapshots. */
function changed(before: Record<string, Float32Array>, after: Record<string, Float32Array>): string[] {
  return Object.keys(before).filter((k) => before[k].some((v, i) => v !== after[k][i])).sort();
}

for (const [strategy, expectChanged] of [
  ['linear', ['new_head_flatten/bias', 'new_head_flatten/kernel']],
  ['finetune-top', ['conv3/bias', 'conv3/kernel', 'new_head_flatten/bias', 'new_head_flatten/kernel']],
  ['finetune-all', ['conv1/bias', 'conv1/kernel', 'conv2/bias', 'conv2/kernel', 'conv3/bias', 'conv3/kernel', 'new_head_flatten/bias', 'new_head_flatten/kernel']],
  ['ensemble', ['new_head_flatten/bias', 'new_head_flatten/kernel', 'new_head_pool1/bias', 'new_head_pool1/kernel', 'new_head_pool2/bias', 'new_head_pool2/kernel']],
] as const) {
  test(`transferModel(base, {strategy: '${strategy}'}) + trainClassifier changes exactly ${expectChanged.length / 2} layer(s); frozen weights stay bit-identical`, async () => {
    const base = buildBaseCnn({ classes: 5, seed: 1 });
    const baseBefore = weightSnapshot(base);
    const t = await transferModel(base, { strategy, classes: 3, seed: 2 });
    const before = weightSnapshot(t.model);
    await trainClassifier(t, tiny(3, 5), { epochs: 2, batchSize: 16, seed: 3 });
    const after = weightSnapshot(t.model);
    assert.deepEqual(changed(before, after), [...expectChanged]);
    assert.deepEqual(t.model.trainableWeights.map((w) => w.originalName).sort(), changed(before, after));
    // The loaded model's own head is untouched; its shared layers changed only where the strategy trains them.
    const baseAfter = weightSnapshot(base);
    assert.deepEqual(changed(baseBefore, baseAfter), (expectChanged as readonly string[]).filter((n) => !n.startsWith('new_head')));
    disposeModel(t);
    base.dispose();
  });
}

test("transferModel(base, {strategy: 'ensemble'}) puts a linear classifier on pool1, pool2 and flatten; its prediction is the mean of their softmax outputs", async () => {
  const base = buildBaseCnn({ classes: 5, seed: 1 });
  const t = await transferModel(base, { strategy: 'ensemble', classes: 3, seed: 2 });
  assert.deepEqual([...ENSEMBLE_LAYERS], ['pool1', 'pool2', 'flatten']);
  assert.deepEqual(t.trained, ['new_head_pool1', 'new_head_pool2', 'new_head_flatten']);
  assert.deepEqual(t.pretrained, ['conv1', 'conv2', 'conv3']);
  // (2,704 + 1) + (800 + 1) + (576 + 1) weights per class, 3 classes
  assert.equal(t.model.trainableWeights.reduce((n, w) => n + w.shape.reduce((a, b) => a! * b!, 1)!, 0), (2705 + 801 + 577) * 3);
  await trainClassifier(t, tiny(3, 5), { epochs: 2, batchSize: 16, seed: 3 }); // members that differ from their init
  const x = tf.randomUniform([6, 28, 28, 1], 0, 1, 'float32', 4);
  const p = t.model.predict(x) as tf.Tensor2D;
  const members = t.members!.predict(x) as tf.Tensor2D[];
  assert.equal(members.length, 3);
  const got = p.arraySync();
  const parts = members.map((m) => m.arraySync());
  let worst = 0;
  for (let i = 0; i < 6; i++) {
    assert.ok(Math.abs(got[i].reduce((a, b) => a + b, 0) - 1) < 1e-6, `row ${i} sums to 1`);
    for (let k = 0; k < 3; k++) {
      const mean = (parts[0][i][k] + parts[1][i][k] + parts[2][i][k]) / 3; // float64 mean of the members' float32 outputs
      worst = Math.max(worst, Math.abs(got[i][k] - mean) / (Math.abs(got[i][k]) + Math.abs(mean)));
    }
  }
  assert.ok(worst < 1e-6, `relative error ${worst} (float32 rounding of a 3-term mean: ~1e-7)`); 
  // the members disagree (else the mean would show nothing): their predictions are not all equal
  assert.ok(parts[0].some((row, i) => row.some((v, k) => Math.abs(v - parts[2][i][k]) > 1e-3)));
  tf.dispose([x, p, ...members]);
  disposeModel(t);
  base.dispose();
});

test("transferModel(base, {strategy: 'scratch'}) builds an independent copy: fresh weights, the loaded model untouched", async () => {
  const base = buildBaseCnn({ classes: 5, seed: 1 });
  const baseBefore = weightSnapshot(base);
  const t = await transferModel(base, { strategy: 'scratch', classes: 3, seed: 2 });
  assert.deepEqual(t.pretrained, []);
  assert.equal(t.model.countParams(), 160 + 4_640 + 18_496 + 576 * 3 + 3);
  assert.notDeepEqual(weightSnapshot(t.model)['conv1/kernel'], baseBefore['conv1/kernel']);
  await trainClassifier(t, tiny(3, 5), { epochs: 1, batchSize: 16, seed: 3 });
  assert.deepEqual(changed(baseBefore, weightSnapshot(base)), []);
  disposeModel(t);
  base.dispose();
});

test('trainClassifier fits 10 images (training accuracy 1) and the loss it reports is the cross-entropy of the predictions', async () => {
  const base = buildBaseCnn({ classes: 5, seed: 1 });
  const t = await transferModel(base, { strategy: 'finetune-all', classes: 2, seed: 2 });
  const data = randomImages({ count: 10, height: 28, width: 28, channels: 1, classes: 2, seed: 8 });
  const summary = await trainClassifier(t, data, { epochs: 1, minSteps: 150, lr: 1e-2, seed: 3 });
  assert.equal(summary.steps, 150);
  assert.equal(await accuracy(t.model, data), 1);
  assert.ok(summary.finalLoss < 0.05, `final loss ${summary.finalLoss}`);
  // crossEntropy = -(1/N) Σ log p[y], checked by hand on two rows.
  const loss = crossEntropy(tf.tensor2d([[0.25, 0.75], [0.9, 0.1]]), tf.tensor2d([[0, 1], [1, 0]]));
  assert.ok(Math.abs(loss.dataSync()[0] - -(Math.log(0.75) + Math.log(0.9)) / 2) < 1e-6);
  loss.dispose();
  disposeModel(t);
  base.dispose();
});

test('linearProbe(base, layer) reads the flattened features of any depth: pool1 2,704, pool2 800, flatten 576', () => {
  const base = buildBaseCnn({ classes: 5, seed: 1 });
  for (const [layer, features] of [['pool1', 2704], ['pool2', 800], ['flatten', 576]] as const) {
    const t = linearProbe(base, layer, 5, 1);
    assert.equal(t.model.trainableWeights.reduce((s, w) => s + w.shape.reduce((a, b) => a! * b!, 1)!, 0), features * 5 + 5);
    disposeModel(t);
  }
  assert.throws(() => linearProbe(base, 'conv9', 5, 1), { message: 'layer must be one of the model\'s layers: conv1, pool1, conv2, pool2, conv3, flatten, head, got "conv9"' });
  base.dispose();
});

test('strategies free what they build: building, training and disposing every strategy leaks no tensor', async () => {
  const base = buildBaseCnn({ classes: 5, seed: 1 });
  const { leaked } = await countTensors(async () => {
    for (const strategy of STRATEGIES) {
      const t = await transferModel(base, { strategy, classes: 3, seed: 2 });
      await trainClassifier(t, tiny(3, 5), { epochs: 1, batchSize: 20, seed: 3 });
      await accuracy(t.model, tiny(3, 6));
      disposeModel(t);
    }
    const p = linearProbe(base, 'pool2', 3, 1);
    disposeModel(p);
  });
  assert.equal(leaked, 0);
  base.dispose();
});

test('bad arguments name the argument, the value and what is allowed', async () => {
  const base = buildBaseCnn({ classes: 5, seed: 1 });
  await assert.rejects(transferModel(base, { strategy: 'freeze' as 'linear', classes: 3, seed: 1 }), { message: 'strategy must be one of "scratch", "linear", "finetune-top", "finetune-all", "ensemble", got "freeze"' });
  await assert.rejects(transferModel(base, { strategy: 'finetune-top', classes: 3, topLayers: 4, seed: 1 }), { message: 'topLayers must be an integer in [1, 3], got 4' });
  await assert.rejects(transferModel(base, { strategy: 'linear', classes: 1, seed: 1 }), { message: 'classes must be an integer in [2, 10000], got 1' });
  const t = await transferModel(base, { strategy: 'linear', classes: 3, seed: 1 });
  await assert.rejects(trainClassifier(t, tiny(5, 1), { seed: 1 }), /^ArgumentError: train must be labels in \[0, 2\] for a head with 3 units, got "labels up to 4"$/);
  await assert.rejects(trainClassifier(t, tiny(3, 1), { seed: 1, lr: 0 }), { message: 'lr must be a learning rate in (0, 10], got 0' });
  disposeModel(t);
  await assert.rejects(table({ small: 5, large: 5 }), { message: 'large must be greater than small (5), got 5' });
  await assert.rejects(table({ strategies: ['scratch', 'magic' as 'linear'] }), { message: 'strategies[1] must be one of "scratch", "linear", "finetune-top", "finetune-all", "ensemble", got "magic"' });
  await assert.rejects(table({ epoch: 3 } as object), /^ArgumentError: transfer\.table\.epoch must be one of the known options \(model, epochs, .*\); "epoch" is not an option \(did you mean "epochs"\?\), got 3$/);
  await assert.rejects(table({ progress: 'yes' as unknown as boolean }), /^ArgumentError: progress must be true, false or a function/);
  await assert.rejects(trainClassifier(t, tiny(3, 1), { seed: 1, onStep: () => undefined } as object as { seed: number }), /^ArgumentError: transfer\.trainClassifier\.onStep must be one of the known options/);
  base.dispose();
});

// ------------------------------------------------------------------ issue 17: bad input

/** Resolves to how long `f` took to reject, and asserts the rejection (an ArgumentError with `message`). */
async function rejectsFast(f: () => unknown, message: string | RegExp, ms = 1000): Promise<void> {
  const start = performance.now();
  await assert.rejects(async () => { await f(); }, (err: unknown) => {
    assert.ok(err instanceof ArgumentError, `an ArgumentError, got ${String(err)}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
  const took = performance.now() - start;
  assert.ok(took < ms, `rejected after ${took.toFixed(0)} ms: checked up front?`);
}

const cliRun = (argv: string[]) => cliInProcess(argv);

test('a rule across options names the option the user gave: small < large (library and CLI), in quick mode too', async () => {
  await rejectsFast(() => table({ small: 800 }), 'small must be less than large (750), got 800');
  await rejectsFast(() => table({ large: 3 }), 'large must be greater than small (5), got 3');
  await rejectsFast(() => table({ small: 1e9 }), 'small must be an integer in [1, 9999], got 1000000000');
  // quick mode: the preset's large (100) is not "given"; the user's small is named
  assert.throws(() => resolveTableOptions({ small: 200 }, true), { message: 'small must be less than large (100), got 200' });
  assert.deepEqual([resolveTableOptions({}, true).large, resolveTableOptions({ large: 300 }, true).large, resolveTableOptions({}, false).large], [100, 300, 750]);
  // before: "large must be an integer >= 1000000001, got 750" (an option the user did not give)
  let r = await cliRun(['transfer-table', '--small', '1000000000']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^nnlab: transfer-table: --small must be an integer in \[1, 9999\], got "1000000000"\n/);
  r = await cliRun(['transfer-table', '--small', '800']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^nnlab: transfer-table: --small must be less than --large \(750\), got 800\n/);
  r = await cliRun(['transfer-table', '--quick', '--small', '200']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^nnlab: transfer-table: --small must be less than --large \(100\), got 200\n/);
  r = await cliRun(['transfer-table', '--large', '4']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^nnlab: transfer-table: --large must be greater than --small \(5\), got 4\n/);
  r = await cliRun(['transfer-table', '--repeats', '1e9']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--repeats must be an integer in \[1, 100\], got "1e9"/);
});

test('transfer.table({topLayers: 1e9}) and other sizes are checked before anything loads or trains', async () => {
  const events: ProgressEvent[] = [];
  const progress = (e: ProgressEvent) => events.push(e);
  await rejectsFast(() => table({ topLayers: 1e9, progress }), 'topLayers must be an integer in [1, 100], got 1000000000');
  await rejectsFast(() => table({ topLayers: 4, progress }), 'topLayers must be an integer in [1, 3] (mnist-0-4-cnn has 3 pretrained weight layers below its head: conv1, conv2, conv3), got 4');
  await rejectsFast(() => table({ batchSize: 1e9 }), 'batchSize must be an integer in [1, 10000], got 1000000000');
  await rejectsFast(() => table({ testPerClass: 1e9 }), 'testPerClass must be an integer in [1, 10000], got 1000000000');
  await rejectsFast(() => table({ strategies: ['linear', 'linear'] }), 'strategies[1] must be a value not already in strategies (each once), got "linear"');
  await rejectsFast(() => table({ model: 'no-such-model' }), 'model must be a zoo name (mnist-0-4-cnn), an http(s) URL of a model.json, or a folder holding model.json, got "no-such-model"');
  await rejectsFast(() => table({ lrs: { linear: 0 } }), 'lrs.linear must be a learning rate in (0, 10], got 0');
  await rejectsFast(() => depth({ layers: ['pool1', 'conv9'] }), 'layers[1] must be a layer of mnist-0-4-cnn: conv1, pool1, conv2, pool2, conv3, flatten, head, got "conv9"');
  await rejectsFast(() => depth({ perClass: 1e9 }), 'perClass must be an integer in [1, 10000], got 1000000000');
  await rejectsFast(() => curve({ sizes: [1, 1e9] }), 'sizes[1] must be an integer in [1, 10000], got 1000000000');
  assert.equal(events.length, 0);
  // a model from a folder: what only the loaded model settles is checked after it loads and before any training
  const small = tf.sequential({ layers: [
    tf.layers.conv2d({ name: 'conv1', inputShape: [28, 28, 1], filters: 2, kernelSize: 3, activation: 'relu' }),
    tf.layers.flatten({ name: 'flatten' }), tf.layers.dense({ name: 'head', units: 5, activation: 'softmax' }),
  ] });
  const dir = path.join(TMP, 'one-conv');
  await saveModel(small, dir);
  small.dispose();
  await assert.rejects(table({ model: dir, topLayers: 2, small: 3, large: 8, repeats: 1, minSteps: 1, epochs: 1, testPerClass: 10, progress }, { data: DATA, modelDir: ZOO }),
    { message: `topLayers must be an integer in [1, 1] (${dir} has 1 pretrained weight layers below its head), got 2` });
  await assert.rejects(depth({ model: dir, layers: ['flatten', 'pool2'], perClass: 3, repeats: 1, minSteps: 1, epochs: 1, testPerClass: 10, progress }, { data: DATA, modelDir: ZOO }),
    { message: `layers must be layers of ${dir}: conv1, flatten, head, got "pool2"` });
  assert.equal(events.filter((e) => 'loss' in e.metrics).length, 0, 'no training step before the error');
});

test('model arguments: transferModel(null | {} | base without the layers, ...), transferModel(base, null), buildBaseCnn() are ArgumentErrors naming the argument', async () => {
  const allowed = 'a tf.LayersModel (from nn.transfer.loadPretrained or nn.transfer.buildBaseCnn)';
  // before: TypeError: Cannot read properties of null (reading 'layers') and the like
  await rejectsFast(() => transferModel(null as never, { strategy: 'linear', classes: 5, seed: 1 }), `base must be ${allowed}, got null`);
  await rejectsFast(() => transferModel({} as never, { strategy: 'linear', classes: 5, seed: 1 }), `base must be ${allowed}, got {}`);
  const base = buildBaseCnn({ classes: 5, seed: 1 });
  await rejectsFast(() => transferModel(base, null as never), 'transfer.model options must be an object of options (or nothing), got null');
  await rejectsFast(() => transferModel(base, {} as never), 'strategy must be given (transfer.model needs it), got undefined');
  await rejectsFast(() => transferModel(base, { strategy: 'linear', classes: 5 } as never), 'seed must be given (transfer.model needs it), got undefined');
  await rejectsFast(() => transferModel(base, { strategy: 'linear', classes: 1e9, seed: 1 }), 'classes must be an integer in [2, 10000], got 1000000000');
  const dense = tf.sequential({ layers: [tf.layers.flatten({ name: 'flat', inputShape: [28, 28, 1] }), tf.layers.dense({ name: 'out', units: 5 })] });
  await rejectsFast(() => transferModel(dense, { strategy: 'ensemble', classes: 5, seed: 1 }),
    'base must be a model with the layers pool1, pool2, flatten (strategy "ensemble" reads the features of pool1, pool2, flatten), got a model with layers flat, out');
  dense.dispose();
  assert.throws(() => buildBaseCnn(undefined as never), { name: 'ArgumentError', message: 'classes must be given (transfer.buildBaseCnn needs it), got undefined' });
  assert.throws(() => buildBaseCnn({ classes: 5 } as never), { name: 'ArgumentError', message: 'seed must be given (transfer.buildBaseCnn needs it), got undefined' });
  assert.throws(() => linearProbe(null as never, 'pool1', 5, 1), { name: 'ArgumentError', message: `base must be ${allowed}, got null` });
  assert.throws(() => weightSnapshot(undefined as never), { name: 'ArgumentError', message: `model must be ${allowed}, got undefined` });
  assert.throws(() => disposeModel(null as never), { name: 'ArgumentError' });
  await rejectsFast(() => trainClassifier(null as never, tiny(5, 1), { seed: 1 }), `model must be ${allowed}, got null`);
  await rejectsFast(() => trainClassifier(base, null as never, { seed: 1 }), /^train must be an image dataset/);
  await rejectsFast(() => trainClassifier(base, tiny(5, 1), { seed: 1, batchSize: 1e9 }), 'batchSize must be an integer in [1, 10000], got 1000000000');
  await rejectsFast(() => accuracy(null as never, tiny(5, 1)), `model must be ${allowed}, got null`);
  await rejectsFast(() => loadPretrained('mnist-0-4-cnn', { timeoutMs: -1 }), 'timeoutMs must be an integer in [1, 3600000], got -1');
  await rejectsFast(() => loadPretrained('mnist-0-4-cnn', { train: 'no' as never }), 'train must be true or false, got "no"');
  base.dispose();
});

test('memory estimates: the experiments say what they would hold (datasets, the batch through the base CNN, the model) and refuse what is over the limit', async () => {
  const table1 = TABLE_OPTIONS.fields; // declared, with the estimate
  assert.ok(table1.batchSize.max === 10_000);
  setMemoryLimit(256 * 2 ** 20);
  try {
    resolveTableOptions({}, false); // the lesson's table fits in 256 MB
    resolveTableOptions({ batchSize: 256 }, false);
    await rejectsFast(() => table({ batchSize: 2000 }),
      /^batchSize is too large: transfer\.table would hold about \d+ MB at once \(MNIST and Fashion-MNIST \(70000 images of 28 × 28 bytes each\), and a training set of 750 images per class; batches of 2000 images through the base CNN, about 23637 activations per image, kept with their gradients while training; mnist-0-4-cnn: 46596 parameters .*\), over the memory limit of 256 MB \(set by nn\.setMemoryLimit\)$/);
    await rejectsFast(() => depth({ batchSize: 2000 }), /^batchSize is too large: transfer\.depth would hold about/);
    await rejectsFast(() => curve({ batchSize: 2000 }), /^batchSize is too large: transfer\.curve would hold about \d+ MB at once \(MNIST \(70000/);
    const cnn = buildBaseCnn({ classes: 5, seed: 1 });
    await rejectsFast(() => trainClassifier(cnn, tiny(5, 1), { seed: 1, batchSize: 2000 }), /^batchSize is too large: transfer\.trainClassifier would hold about/);
    cnn.dispose();
    resolveTableOptions({}, true); // the quick table fits too
    const r = await cliRun(['transfer-table', '--batch-size', '2000']);
    assert.equal(r.status, 2, 'transfer-table takes no --batch-size');
  } finally {
    setMemoryLimit(null);
  }
});

test('saveModel + loadPretrained(folder) round-trip a model in tfjs format: identical predictions, metadata kept', async () => {
  const model = buildBaseCnn({ classes: 5, seed: 7 });
  model.setUserDefinedMetadata({ nnlab: { name: 'test' } });
  const dir = path.join(TMP, 'saved');
  await saveModel(model, dir);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['model.json', 'weights.bin']);
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  assert.deepEqual(json.weightsManifest[0].paths, ['weights.bin']);
  assert.equal(fs.statSync(path.join(dir, 'weights.bin')).size, 26_181 * 4);
  const loaded = await loadPretrained(dir);
  const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 1);
  const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  assert.deepEqual(loaded.getUserDefinedMetadata(), { nnlab: { name: 'test' } });
  const viaJson = await loadPretrained(path.join(dir, 'model.json'));
  tf.dispose([x, a, b]);
  [model, loaded, viaJson].forEach((m) => m.dispose());
  await assert.rejects(loadPretrained(path.join(TMP, 'nothing-here')), /^ArgumentError: source must be a zoo name \(mnist-0-4-cnn\), an http\(s\) URL of a model\.json, or a folder holding model\.json, got/);
  await assert.rejects(folderHandler(path.join(TMP, 'nothing-here')).load!(), /no model in .*nothing-here: .*model\.json does not exist/);
});

test('loadPretrained(zoo name) trains the model on first use, saves it in the zoo folder, and reads it afterwards', async () => {
  await assert.rejects(loadPretrained('mnist-0-4-cnn', { dir: ZOO, train: false, data: DATA }), /mnist-0-4-cnn is not in .*zoo \(build it with `nnlab zoo build mnist-0-4-cnn`, or pass \{ train: true \}\)/);
  let steps = 0;
  const first = await loadPretrained('mnist-0-4-cnn', { dir: ZOO, data: DATA, progress: () => { steps += 1; } });
  const entry = MODEL_ZOO['mnist-0-4-cnn'];
  const sourceImages = DATA.mnist!.train.labels.filter((l) => l < 5).length;
  assert.equal(steps, entry.recipe.epochs * Math.ceil(sourceImages / entry.recipe.batchSize));
  const meta = zooMetadata(first)!;
  assert.deepEqual([meta.name, meta.revision, meta.trainImages, meta.backend], ['mnist-0-4-cnn', entry.revision, sourceImages, 'wasm']);
  const file = path.join(ZOO, 'mnist-0-4-cnn', 'model.json');
  const mtime = fs.statSync(file).mtimeMs;
  steps = 0;
  const second = await loadPretrained('mnist-0-4-cnn', { dir: ZOO, data: DATA, progress: () => { steps += 1; } });
  assert.equal(steps, 0);
  assert.equal(fs.statSync(file).mtimeMs, mtime);
  assert.deepEqual(weightSnapshot(first), weightSnapshot(second));
  first.dispose();
  second.dispose();
});

test('a zoo model saved under another revision is retrained', async () => {
  const dir = path.join(TMP, 'zoo-old');
  const old = buildBaseCnn({ classes: 5, seed: 1 });
  old.setUserDefinedMetadata({ nnlab: { revision: 0 } });
  await saveModel(old, path.join(dir, 'mnist-0-4-cnn'));
  old.dispose();
  let steps = 0;
  const model = await loadPretrained('mnist-0-4-cnn', { dir, data: DATA, progress: () => { steps += 1; } });
  assert.ok(steps > 0);
  assert.equal(zooMetadata(model)!.revision, MODEL_ZOO['mnist-0-4-cnn'].revision);
  model.dispose();
});

/** Serves `folder` on 127.0.0.1; `mangle` may change a file's bytes or answer an error code. */
async function serve(folder: string, mangle: (file: string, body: Buffer) => Buffer | number = (_, b) => b): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url!);
    const file = path.join(folder, path.basename(req.url!));
    if (!fs.existsSync(file)) { res.writeHead(404).end('not found'); return; }
    const out = mangle(path.basename(file), fs.readFileSync(file));
    if (typeof out === 'number') { res.writeHead(out).end(); return; }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/models/cnn/model.json`, requests, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

test('loadPretrained(URL) downloads model.json and weights from a local HTTP server once, then loads from its cache', async () => {
  const folder = path.join(TMP, 'served');
  const model = buildBaseCnn({ classes: 5, seed: 11 });
  await saveModel(model, folder);
  const server = await serve(folder);
  const dir = path.join(TMP, 'url-zoo');
  try {
    const loaded = await loadPretrained(server.url, { dir });
    assert.deepEqual(server.requests, ['/models/cnn/model.json', '/models/cnn/weights.bin']);
    assert.deepEqual(weightSnapshot(loaded), weightSnapshot(model));
    assert.deepEqual(fs.readdirSync(urlCacheDir(server.url, dir)).sort(), ['model.json', 'source.json', 'weights.bin']);
    loaded.dispose();
    await server.close();
    const cached = await loadPretrained(server.url, { dir }); // the server is gone: the cache answers
    assert.deepEqual(weightSnapshot(cached), weightSnapshot(model));
    cached.dispose();
    await assert.rejects(loadPretrained(server.url, { dir, refresh: true }), /^Error: loadPretrained: could not fetch http:\/\/127\.0\.0\.1:\d+\/models\/cnn\/model\.json: fetch failed \((.*ECONNREFUSED.*|other side closed)\)$/); // refused, or a kept-alive socket the server dropped
  } finally {
    await server.close().catch(() => undefined);
    model.dispose();
  }
});

test('loadPretrained(URL) reports a 404, a non-JSON answer, a short weight file and a slow server, and caches nothing', async () => {
  const folder = path.join(TMP, 'served');
  const dir = path.join(TMP, 'bad-url-zoo');
  const cases: [string, (file: string, body: Buffer) => Buffer | number, RegExp][] = [
    ['404', (file, b) => (file === 'weights.bin' ? 404 : b), /GET|could not fetch http:\/\/127\.0\.0\.1:\d+\/models\/cnn\/weights\.bin: the server answered 404 Not Found/],
    ['html', (file, b) => (file === 'model.json' ? Buffer.from('<html>hello</html>') : b), /model\.json is not JSON \(is it the model\.json of a tfjs model\?\)/],
    ['short', (file, b) => (file === 'weights.bin' ? b.subarray(0, 1000) : b), /hold 1000 bytes, the manifest declares 104724 \(incomplete download\?\)/],
  ];
  for (const [name, mangle, message] of cases) {
    const server = await serve(folder, mangle);
    try {
      await assert.rejects(loadPretrained(server.url, { dir }), message, name);
      assert.equal(fs.existsSync(urlCacheDir(server.url, dir)), false, name);
    } finally {
      await server.close();
    }
  }
  const hanging = http.createServer(() => { /* never answers */ });
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/model.json`;
  await assert.rejects(loadPretrained(url, { dir, timeoutMs: 300 }), /could not fetch .*model\.json: no complete answer within 0\.3 s/);
  hanging.closeAllConnections();
  await new Promise((resolve) => hanging.close(resolve));
});

/**
 * Checks the one progress shape: every event is `{ done, total, phase, metrics }` with a finite
 * total, `done` never decreasing and ending at `total`, phases among `phases`, numeric metrics.
 */
function assertProgress(events: ProgressEvent[], phases: readonly string[]): void {
  assert.ok(events.length > 0, 'no progress events');
  const total = events[0].total;
  let last = 0;
  for (const e of events) {
    assert.deepEqual(Object.keys(e).sort(), ['done', 'metrics', 'phase', 'total']);
    assert.equal(e.total, total);
    assert.ok(Number.isInteger(e.done) && e.done >= last && e.done <= total, `done ${e.done} after ${last} (total ${total})`);
    assert.ok(phases.includes(e.phase), `phase ${e.phase}`);
    assert.ok(Object.values(e.metrics).every((v) => typeof v === 'number' && Number.isFinite(v)), JSON.stringify(e.metrics));
    last = e.done;
  }
  assert.equal(last, total);
}

test('transfer.table on synthetic data: four cells with every strategy, the winner, the advice; same seed, same record; no leaks', async () => {
  const options = { small: 3, large: 8, repeats: 2, minSteps: 4, epochs: 1, testPerClass: 10, seed: 5 };
  const events: ProgressEvent[] = [];
  const { result: r, leaked } = await countTensors(() => table({ ...options, progress: (e) => events.push(e) }, { data: DATA, modelDir: ZOO }));
  assert.equal(leaked, 0);
  const steps = events.filter((e) => 'loss' in e.metrics).length;
  const runs = events.filter((e) => 'accuracy' in e.metrics).length;
  assert.equal(runs, STRATEGIES.length * (2 * 2 + 2)); // small cells: 2 tasks × 2 draws; large: 2 tasks × 1
  assert.equal(steps, r.cells.reduce((s, c) => s + c.results.length * (c.size === 'small' ? 2 : 1) * 4, 0)); // 15 or 40 images: 4 steps each
  assertProgress(events, STRATEGIES);
  // done/total count work (forward-pass equivalents): every run's steps at its strategy's cost, and 50 test images
  const work = (size: number) => STRATEGIES.reduce((s, strategy) => s + runCost({ task: 'similar', perClass: size, strategy, layer: null, repeat: 0, steps: 4 }, 5, 64, 50), 0);
  assert.equal(events[0].total, 2 * (2 * work(3) + work(8)));
  assert.ok(!('progress' in r.options));
  assert.deepEqual(r.cells.map((c) => `${c.size}/${c.similarity}`), ['small/similar', 'small/different', 'large/similar', 'large/different']);
  for (const c of r.cells) {
    assert.deepEqual(c.results.map((x) => x.strategy), [...STRATEGIES]);
    assert.equal(c.advice, ADVICE[`${c.size}/${c.similarity}`].advice);
    const best = c.results.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
    assert.equal(c.results.find((x) => x.strategy === c.best)!.accuracy, best.accuracy);
    const advisedTop = c.results.some((x) => c.advised.includes(x.strategy) && x.accuracy === best.accuracy);
    assert.equal(c.agrees, advisedTop); // a tie with an advised strategy counts, and names it best
    if (!advisedTop) assert.equal(c.best, best.strategy);
    for (const x of c.results) {
      assert.equal(x.accuracies.length, c.size === 'small' ? 2 : 1);
      assert.ok(Math.abs(x.accuracy - x.accuracies.reduce((s, v) => s + v, 0) / x.accuracies.length) < 1e-12);
      assert.ok(x.accuracies.every((a) => a >= 0 && a <= 1 && Math.abs(a * 50 - Math.round(a * 50)) < 1e-9)); // 50 test images
    }
  }
  // progress is how a run is watched, not what it computes: without it, the same record
  const again = await table(options, { data: DATA, modelDir: ZOO });
  assert.deepEqual(withoutMeta(again), withoutMeta(r));
  // The record is plain JSON; the figure, rows and DataFrame are built from it.
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
  const fig = tableFigure(r);
  // the lecture's 2 × 2 layout: four panels, one bar per strategy, a chance line in each
  const panels = new Set(fig.data.map((t) => t.xaxis));
  assert.equal(panels.size, 4);
  assert.equal(fig.data.filter((t) => t.type === 'bar').length, 4 * r.options.strategies.length);
  assert.equal(fig.data.filter((t) => String(t.name).startsWith('chance')).length, 4);
  assert.deepEqual((fig.layout.yaxis as { range: number[] }).range, [0, 1.12], 'bars start at 0 accuracy');
  assert.equal(tableRows(r).length, 4);
  assert.deepEqual(tableFrame(r).shape, [4 * STRATEGIES.length, 8]);
  // percentages never wrap in a table cell: a non-breaking space before the sign
  assert.match(String(tableRows(r)[0].linear), /^\d+\.\d\u00a0%\u00a0±\u00a0\d+\.\d$/);
  assert.match(String(tableRows(r)[2].linear), /^\d+\.\d\u00a0%$/);
  assert.equal(adviceRows().length, 2);
});

test('ADVICE scores each cell against the lecture: linear (small/similar), fine-tune a few top layers (large/similar), the depth ensemble (small/different), fine-tune all (large/different)', () => {
  assert.deepEqual(Object.fromEntries(Object.entries(ADVICE).map(([k, v]) => [k, v.strategies])), {
    'small/similar': ['linear'], 'large/similar': ['finetune-top'], 'small/different': ['ensemble'], 'large/different': ['finetune-all'],
  });
});

test('stepCost counts a step as 8 units plus its images at the strategy\'s cost (linear 1, fine-tune all 3.5); the short last batch counts less; runCost adds the test images', () => {
  assert.equal(stepCost('linear', 1, 25, 64), 8 + 25);
  assert.equal(stepCost('finetune-all', 1, 100, 64), 8 + 3.5 * 64);
  assert.equal(stepCost('finetune-all', 2, 100, 64), 8 + 3.5 * 36); // 100 = 64 + 36
  assert.equal(stepCost('finetune-all', 3, 100, 64), 8 + 3.5 * 64); // the next pass
  assert.equal(stepCost('scratch', 1, 25, 64), Math.round(8 + 2.5 * 25));
  // 2 passes over 100 images with 'linear': 2 · (8 + 64) + 2 · (8 + 36), plus 1,000 test images
  assert.equal(runCost({ task: 'similar', perClass: 20, strategy: 'linear', layer: null, repeat: 0, steps: 4 }, 5, 64, 1000), 2 * 72 + 2 * 44 + 1000);
});

test('transfer.depth and transfer.curve on synthetic data: one row per task and layer, one point per size and strategy; no leaks', async () => {
  const { result: d, leaked } = await countTensors(() => depth({ perClass: 3, repeats: 1, minSteps: 2, epochs: 1, testPerClass: 10, seed: 1 }, { data: DATA, modelDir: ZOO }));
  assert.equal(leaked, 0);
  assert.deepEqual(d.rows.map((r) => `${r.task} ${r.layer} ${r.features}`), [
    'similar pool1 2704', 'similar pool2 800', 'similar flatten 576', 'different pool1 2704', 'different pool2 800', 'different flatten 576',
  ]);
  assert.deepEqual(Object.keys(d.best), ['similar', 'different']);
  assert.equal(depthFigure(d).data.length, 2);
  const { result: c, leaked: leaked2 } = await countTensors(() => curve({ sizes: [4, 1, 2], minSteps: 2, epochs: 1, testPerClass: 10, seed: 1 }, { data: DATA, modelDir: ZOO }));
  assert.equal(leaked2, 0);
  assert.deepEqual(c.options.sizes, [1, 2, 4]);
  assert.deepEqual(c.points.map((p) => `${p.perClass} ${p.strategy}`), ['1 scratch', '1 linear', '1 finetune-all', '2 scratch', '2 linear', '2 finetune-all', '4 scratch', '4 linear', '4 finetune-all']);
  assert.equal(curveFigure(c).data.length, 3);
  await assert.rejects(curve({ sizes: [3] }), { message: 'sizes must be an array of 2 to 50 values, got [3]' });
  await assert.rejects(curve({ sizes: [3, 3] }), { message: 'sizes[1] must be a value not already in sizes (each once), got 3' });
  await assert.rejects(depth({ perClass: 1000, repeats: 1 }, { data: DATA, modelDir: ZOO }), /^ArgumentError: examples per class must be at most \d+ for the similar task/);
});

test('transfer.depth({progress: callback}) reports { done, total, phase: "<task> <layer>", metrics } up to total; progress stays out of record.options', async () => {
  const options = { perClass: 3, repeats: 1, minSteps: 2, epochs: 1, testPerClass: 10, seed: 1 };
  const events: ProgressEvent[] = [];
  const r = await depth({ ...options, progress: (e) => events.push(e) }, { data: DATA, modelDir: ZOO });
  assertProgress(events, ['similar pool1', 'similar pool2', 'similar flatten', 'different pool1', 'different pool2', 'different flatten']);
  assert.equal(events.filter((e) => 'accuracy' in e.metrics).length, 6);
  // 6 runs of 2 steps on 15 images (batch 64: 1 step per pass, minSteps 2), each step 8 + 1 · 15 units
  // (a linear head: one forward pass per image), then 50 test images scored at 1 unit each
  assert.equal(events[0].total, 6 * (2 * (8 + 15) + 50));
  assert.ok(!('progress' in r.options));
  assert.deepEqual(withoutMeta(await depth({ ...options, progress: false }, { data: DATA, modelDir: ZOO })), withoutMeta(r));
});

test('transfer.curve({progress: callback}) reports { done, total, phase: strategy, metrics: { loss, perClass } } up to total; progress stays out of record.options', async () => {
  const options = { sizes: [4, 1, 2], minSteps: 2, epochs: 1, testPerClass: 10, seed: 1 };
  const events: ProgressEvent[] = [];
  const r = await curve({ ...options, progress: (e) => events.push(e) }, { data: DATA, modelDir: ZOO });
  assertProgress(events, ['scratch', 'linear', 'finetune-all']);
  assert.deepEqual([...new Set(events.filter((e) => 'loss' in e.metrics).map((e) => e.metrics.perClass))], [1, 2, 4]);
  assert.equal(events.filter((e) => 'accuracy' in e.metrics).length, 9);
  assert.ok(!('progress' in r.options));
  assert.deepEqual(withoutMeta(await curve({ ...options, progress: false }, { data: DATA, modelDir: ZOO })), withoutMeta(r));
});

test('trainClassifier({progress: callback}) reports { done, total, phase: "train", metrics: { loss, step } } once per step', async () => {
  const base = buildBaseCnn({ classes: 5, seed: 1 });
  const t = await transferModel(base, { strategy: 'linear', classes: 3, seed: 2 });
  const events: ProgressEvent[] = [];
  const summary = await trainClassifier(t, tiny(3, 5), { epochs: 2, batchSize: 16, seed: 3, progress: (e) => events.push(e) });
  assertProgress(events, ['train']);
  assert.deepEqual(events.map((e) => e.done), Array.from({ length: summary.steps }, (_, i) => i + 1)); // 40 images, batch 16: 3 steps per pass
  assert.deepEqual(events.map((e) => e.metrics.step), events.map((e) => e.done));
  disposeModel(t);
  base.dispose();
});
