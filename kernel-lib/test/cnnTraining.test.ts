/**
 * Lesson 11's training part: the lecture's MLP and CIFAR-10 CNN weight counts (tfjs vs the numbers
 * torch_bench.py asserts in PyTorch), the small MNIST CNN's count by hand, the CIFAR-10 CNN run on a
 * tiny preset (one step: deterministic by seed, its confusion matrix against NumPy's, the
 * misclassified entries really misclassified, the first-layer filters the model's), the MLP vs CNN
 * run, no tensor left behind, the figures, `nnlab cifar-cnn --json`, and bad options named.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernelOverrides } from '../src/engine/wasm/kernels';
import { loadDataset } from '../src/data/load';
import type { ImageDataset, LoadOptions } from '../src/data/load';
import { parseArgs } from '../src/core/args';
import { cnnModel, dropoutMask, mlpModel, CIFAR_CNN_PARAMETERS, CIFAR_CNN_TRAINABLE, MLP_PARAMETERS, StepDropout, stepDropout } from '../src/nets/models';
import { cifarCnn, CifarCnnRecord, confusionMatrix } from '../src/lessons/cnn-basics/cifarCnn';
import { mlpVsCnn, mnistCnnModel, MNIST_CNN_PARAMETERS } from '../src/lessons/cnn-basics/mlpVsCnn';
import { accuracy, calibrateBatchNorm, parameterCounts } from '../src/lessons/cnn-basics/fit';
import {
  cifarCurvesFigure, confusionFigure, learnedFilter, learnedFiltersHtml, misclassifiedHtml, mlpVsCnnFigure, mlpVsCnnRows,
} from '../src/lessons/cnn-basics/figuresTraining';
import { CIFAR_CNN_COMMAND, runCifarCnn } from '../src/lessons/cnn-basics/cliTraining';
import { TRAINING_COMMANDS, TRAINING_EXPERIMENTS, TRAINING_SHOW } from '../src/lessons/cnn-basics/trainingLesson';
import { rejectsArgument, relError, withoutMeta } from './helpers';

const PYTHON = '/usr/bin/python3';
let cifarTrain: ImageDataset;
let cifarTest: ImageDataset;
let mnistTrain: ImageDataset;
let mnistTest: ImageDataset;
const source = {
  load: async (name: string, o: LoadOptions) => (name === 'mnist' ? (o.split === 'test' ? mnistTest : mnistTrain) : (o.split === 'test' ? cifarTest : cifarTrain)),
};
/** One step of 64 images, 32 validation and 64 test images. */
const TINY = { trainSize: 64, valSize: 32, testSize: 64, epochs: 1, batchSize: 64, misclassified: 5, progress: false } as const;
let tiny: CifarCnnRecord;

before(async () => {
  await tf.setBackend('wasm');
  registerWasmKernelOverrides();
  cifarTrain = await loadDataset('cifar-10', { split: 'train' });
  cifarTest = await loadDataset('cifar-10', { split: 'test' });
  mnistTrain = await loadDataset('mnist', { split: 'train', allowPartial: true });
  mnistTest = await loadDataset('mnist', { split: 'test', allowPartial: true });
  tiny = await cifarCnn({ ...TINY, seed: 3 }, source);
});

test('weight counts: the MLP 932,362 and the CIFAR-10 CNN 1,345,066 (1,343,146 trainable) in tfjs, the same numbers torch_bench.py asserts in PyTorch; the small MNIST CNN 421,642 by hand', (t) => {
  const mlp = mlpModel(1);
  const cnn = cnnModel(1, { bnMomentum: 0.9 });
  const small = mnistCnnModel(1);
  try {
    assert.equal(mlp.countParams(), MLP_PARAMETERS);
    assert.equal(MLP_PARAMETERS, (784 + 1) * 512 + 2 * (512 + 1) * 512 + (512 + 1) * 10);
    assert.deepEqual(parameterCounts(cnn), { total: CIFAR_CNN_PARAMETERS, trainable: CIFAR_CNN_TRAINABLE, nonTrainable: 2 * (2 * (32 + 64 + 128) + 512) });
    assert.deepEqual([CIFAR_CNN_PARAMETERS, CIFAR_CNN_TRAINABLE], [1_345_066, 1_343_146]);
    // conv 3·3·1·32 + 32, conv 3·3·32·64 + 64, dense 7·7·64·128 + 128, dense 128·10 + 10
    assert.equal(MNIST_CNN_PARAMETERS, (9 * 32 + 32) + (9 * 32 * 64 + 64) + (7 * 7 * 64 * 128 + 128) + (128 * 10 + 10));
    assert.equal(small.countParams(), MNIST_CNN_PARAMETERS);
    assert.ok(MNIST_CNN_PARAMETERS < MLP_PARAMETERS / 2);
  } finally {
    for (const m of [mlp, cnn, small]) m.layers.forEach((l) => l.dispose());
  }
  const script = path.join(__dirname, '..', '..', 'bench', 'torch_bench.py');
  const py = fs.existsSync(script) ? script : path.join(__dirname, '..', 'bench', 'torch_bench.py');
  const r = spawnSync(PYTHON, [py, '--counts'], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0 && /No module named/.test(r.stderr)) { t.skip('PyTorch missing'); return; }
  assert.equal(r.status, 0, r.stderr);
  const counts = JSON.parse(r.stdout) as { mlp: number; cnn: number };
  assert.deepEqual([counts.mlp, counts.cnn], [MLP_PARAMETERS, CIFAR_CNN_PARAMETERS]);
});

test('cifarCnn on a tiny preset: one step, the record\'s parameters asserted, one seed gives one record, another seed another', async () => {
  assert.deepEqual(tiny.parameters, { total: 1_345_066, trainable: 1_343_146, nonTrainable: 1920 });
  assert.equal(tiny.steps, 1);
  assert.equal(tiny.losses.length, 1);
  assert.deepEqual(tiny.epochs.map((e) => e.epoch), [0, 1]);
  assert.ok(tiny.losses[0] > 0.5 && tiny.losses[0] < 20, `first loss ${tiny.losses[0]}`);
  const again = await cifarCnn({ ...TINY, seed: 3 }, source);
  assert.deepEqual(withoutMeta(again), withoutMeta(tiny));
  const other = await cifarCnn({ ...TINY, seed: 4 }, source);
  assert.notDeepEqual(other.losses, tiny.losses);
  assert.notDeepEqual(other.firstLayer.values, tiny.firstLayer.values);
});

test('the confusion matrix sums to the test count, its diagonal / total is the test accuracy, and it equals NumPy\'s from the same labels and predictions', (t) => {
  const m = tiny.confusion;
  assert.equal(m.length, 10);
  assert.ok(m.every((row) => row.length === 10));
  const total = m.flat().reduce((a, b) => a + b, 0);
  assert.equal(total, TINY.testSize);
  const diagonal = m.reduce((s, row, i) => s + row[i], 0);
  assert.equal(diagonal / total, tiny.testAccuracy);
  // rows: the test subset's true classes
  const perClass = m.map((row) => row.reduce((a, b) => a + b, 0));
  assert.equal(perClass.reduce((a, b) => a + b, 0), TINY.testSize);
  // confusionMatrix against NumPy on seeded labels and predictions
  const labels = Array.from({ length: 200 }, (_, i) => (i * 7) % 10);
  const predicted = Array.from({ length: 200 }, (_, i) => (i * i + 3) % 10);
  const mine = confusionMatrix(labels, predicted, 10);
  assert.equal(accuracy(predicted, labels), mine.reduce((s, row, i) => s + row[i], 0) / 200);
  const r = spawnSync(PYTHON, ['-c', 'import json,sys,numpy as np\nd=json.load(sys.stdin)\nm=np.zeros((10,10),int)\nnp.add.at(m,(np.array(d["t"]),np.array(d["p"])),1)\nprint(json.dumps(m.tolist()))'],
    { input: JSON.stringify({ t: labels, p: predicted }), encoding: 'utf8' });
  if (r.status !== 0 && /No module named/.test(r.stderr)) { t.skip('numpy missing'); return; }
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(mine, JSON.parse(r.stdout));
});

test('misclassified entries are misclassified: true ≠ predicted, the label is the test split\'s, the pixels are that test image\'s; the first-layer filters are 3×3×3×32', () => {
  assert.ok(tiny.misclassified.length > 0 && tiny.misclassified.length <= TINY.misclassified);
  const bytes = Buffer.from(tiny.misclassifiedPixels, 'base64');
  assert.equal(bytes.length, tiny.misclassified.length * 3072);
  tiny.misclassified.forEach((w, k) => {
    assert.notEqual(w.label, w.predicted);
    assert.equal(w.label, cifarTest.labels[w.index]);
    assert.deepEqual(bytes.subarray(k * 3072, (k + 1) * 3072), Buffer.from(cifarTest.images.subarray(w.index * 3072, (w.index + 1) * 3072)));
    // counted in the confusion matrix off the diagonal
    assert.ok(tiny.confusion[w.label][w.predicted] >= 1);
  });
  const wrongCount = tiny.confusion.flat().reduce((a, b) => a + b, 0) - tiny.confusion.reduce((s, row, i) => s + row[i], 0);
  assert.equal(tiny.misclassified.length, Math.min(TINY.misclassified, wrongCount));
  assert.deepEqual(tiny.firstLayer.shape, [3, 3, 3, 32]);
  assert.equal(tiny.firstLayer.values.length, 864);
  // learnedFilter reads filter f out of HWIO: value (i, j, c) of filter f is values[((i·3 + j)·3 + c)·32 + f]
  const f5 = learnedFilter(tiny, 5);
  assert.equal(f5[((1 * 3 + 2) * 3 + 1)], tiny.firstLayer.values[((1 * 3 + 2) * 3 + 1) * 32 + 5]);
});

test('cifarCnn and mlpVsCnn leave no tensor behind', async () => {
  const before = tf.memory().numTensors;
  await cifarCnn({ ...TINY, trainSize: 64, epochs: 1, seed: 9 }, source);
  await mlpVsCnn({ trainSize: 128, valSize: 32, testSize: 32, epochs: 1, batchSize: 64, progress: false }, source);
  assert.equal(tf.memory().numTensors, before);
});

test('mlpVsCnn on a small preset: both models\' weight counts, epoch 0 then 1, accuracies in [0, 1], deterministic by seed; the figure and the table', async () => {
  const o = { trainSize: 256, valSize: 64, testSize: 64, epochs: 1, batchSize: 64, seed: 2, progress: false } as const;
  const r = await mlpVsCnn(o, source);
  assert.deepEqual(r.runs.map((x) => x.parameters), [932_362, 421_642]);
  for (const run of r.runs) {
    assert.deepEqual(run.epochs.map((e) => e.epoch), [0, 1]);
    assert.equal(run.losses.length, 4);
    assert.ok(run.testAccuracy >= 0 && run.testAccuracy <= 1);
    // 64 test images: the accuracy is a multiple of 1/64
    assert.ok(Number.isInteger(Math.round(run.testAccuracy * 64 * 1e9) / 1e9));
  }
  const again = await mlpVsCnn(o, source);
  assert.deepEqual(withoutMeta(again), withoutMeta(r));
  const fig = mlpVsCnnFigure(r);
  assert.equal(fig.data.length, 3);
  assert.match(String((fig.data[0] as { name: string }).name), /932,362 weights/);
  assert.deepEqual(mlpVsCnnRows(r).map((row) => row.parameters), [932_362, 421_642]);
});

test('the CIFAR figures: curves (two panels), the confusion heatmap with class names, the filters and misclassified images as PNGs; a wrong record is named', () => {
  const curves = cifarCurvesFigure(tiny);
  assert.ok(curves.data.length >= 5);
  const heat = confusionFigure(tiny);
  assert.deepEqual((heat.data[0] as { x: string[] }).x, cifarTest.classNames);
  assert.deepEqual((heat.data[0] as { z: number[][] }).z, tiny.confusion);
  const html = learnedFiltersHtml(tiny, [{ name: 'Sobel x', kernel: [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]] }]);
  assert.equal((html.match(/<img /g) ?? []).length, 33);
  assert.match(html, /Sobel x/);
  const mis = misclassifiedHtml(tiny);
  const w = tiny.misclassified[0];
  assert.ok(mis.includes(`${tiny.classNames[w.label]} → ${tiny.classNames[w.predicted]} (#${w.index})`));
  assert.throws(() => confusionFigure({ experiment: 'other' } as never), /record must be a record returned by nn\.cnn\.cifarCnn\(\)/);
  assert.throws(() => learnedFiltersHtml(tiny, [{ name: 'bad', kernel: [[1, 2], [3]] }]), /classic\[0\]\.kernel/);
});

test('nnlab cifar-cnn --json on a tiny preset prints the record; the lesson part registers it; bad options are named before any work', async () => {
  const spec = CIFAR_CNN_COMMAND.spec;
  const r = JSON.parse(await runCifarCnn(parseArgs('cifar-cnn', ['--train-size', '64', '--val-size', '16', '--test-size', '32', '--epochs', '1', '--seed', '1', '--json'], spec)));
  assert.equal(r.experiment, 'cnnCifarCnn');
  assert.equal(r.steps, 1);
  assert.equal(r.parameters.total, 1_345_066);
  assert.equal(r.confusion.flat().reduce((a: number, b: number) => a + b, 0), 32);
  assert.ok(r.ms > 0);
  assert.equal(TRAINING_COMMANDS['cifar-cnn'], CIFAR_CNN_COMMAND);
  assert.deepEqual(Object.keys(TRAINING_EXPERIMENTS), ['mlpVsCnn', 'cifarCnn']);
  assert.deepEqual(Object.keys(TRAINING_SHOW), ['cnnMlpVsCnn', 'cnnCifarCnn']);
  await rejectsArgument(() => cifarCnn({ epochs: 0 }, source), /epochs/);
  await rejectsArgument(() => cifarCnn({ trainSize: 100, batchSize: 200 }, source), /batchSize must be at most trainSize/);
  await rejectsArgument(() => cifarCnn({ augment: ['spin' as never] }, source), /augment/);
  await rejectsArgument(() => mlpVsCnn({ trainSize: 20_000, valSize: 1000 }, source), /trainSize must be at most 14654/);
});

test('StepDropout: identity in inference; in training each call draws a new mask (kept values x / (1 − rate)), and a new layer with the same seed repeats the masks', () => {
  const x = tf.ones([4, 256]);
  const a = stepDropout(0.5, 7);
  const b = stepDropout(0.5, 7);
  const run = (l: StepDropout, training: boolean) => tf.tidy(() => Array.from((l.apply(x, { training }) as tf.Tensor).dataSync()));
  try {
    assert.ok(run(a, false).every((v) => v === 1));
    const [a1, a2] = [run(a, true), run(a, true)];
    const [b1, b2] = [run(b, true), run(b, true)];
    assert.ok(a1.every((v) => v === 0 || Math.abs(v - 2) < 1e-6));
    assert.notDeepEqual(a1, a2, 'a new mask at every call (tf.layers.dropout with a seed repeats its mask)');
    assert.deepEqual([b1, b2], [a1, a2]);
    const kept = a1.filter((v) => v > 0).length / a1.length;
    assert.ok(Math.abs(kept - 0.5) < 4 * Math.sqrt(0.25 / a1.length), `kept ${kept}`);
  } finally {
    x.dispose();
  }
});

test('dropoutMask(size, rate, seed): values 0 or float32(1/(1 − rate)), kept at rate 1 − rate, repeatable per seed; bad input names the argument', () => {
  for (const rate of [0.2, 0.5, 0.9]) {
    const m = dropoutMask(100_000, rate, 3);
    const scale = Math.fround(1 / (1 - rate));
    assert.ok(m.every((v) => v === 0 || v === scale), `rate ${rate}`);
    const kept = m.filter((v) => v > 0).length / m.length;
    assert.ok(Math.abs(kept - (1 - rate)) < 4 * Math.sqrt(rate * (1 - rate) / m.length), `rate ${rate}: kept ${kept}`);
  }
  assert.deepEqual(dropoutMask(1000, 0.5, 9), dropoutMask(1000, 0.5, 9));
  assert.notDeepEqual(dropoutMask(1000, 0.5, 9), dropoutMask(1000, 0.5, 10));
  assert.ok(dropoutMask(1000, 0, 1).every((v) => v === 1), 'rate 0 keeps everything');
  // neighbouring values are independent: P(both kept) = keep²
  const m = dropoutMask(200_000, 0.5, 4);
  let both = 0;
  for (let i = 1; i < m.length; i++) if (m[i] > 0 && m[i - 1] > 0) both++;
  assert.ok(Math.abs(both / (m.length - 1) - 0.25) < 0.005, `pairs kept ${both / (m.length - 1)}`);
  assert.throws(() => dropoutMask(10, 1, 1), /dropout rate/);
  assert.throws(() => dropoutMask(-1, 0.5, 1), /size/);
  assert.throws(() => dropoutMask(10, 0.5, 1.5), /seed/);
});

test('StepDropout\'s backward pass multiplies dy by the forward pass\'s mask', () => {
  const x = tf.ones([8, 64]);
  const dy = tf.randomUniform([8, 64], -1, 1, 'float32', 6);
  try {
    const grad = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(stepDropout(0.3, 2).apply(a, { training: true }) as tf.Tensor, dy)))(x);
    const mask = stepDropout(0.3, 2).apply(x, { training: true }) as tf.Tensor; // the same first mask, times 1
    const want = tf.mul(dy, mask);
    assert.deepEqual(Array.from(grad.dataSync()), Array.from(want.dataSync()));
    assert.ok(mask.dataSync().some((v) => v === 0) && mask.dataSync().some((v) => v > 1));
    tf.dispose([grad, mask, want]);
  } finally {
    tf.dispose([x, dy]);
  }
});

test('calibrateBatchNorm sets each BN layer\'s moving mean and variance to the batch statistics of its input (tf.moments), and keeps its momentum', () => {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [5], units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  model.add(tf.layers.batchNormalization({ momentum: 0.9 }));
  const x = tf.randomNormal([40, 5], 2, 3, 'float32', 4);
  try {
    calibrateBatchNorm(model, x);
    const bn = model.layers[1];
    const [, , mean, variance] = bn.getWeights().map((w) => Array.from(w.dataSync()));
    const want = tf.tidy(() => {
      const m = tf.moments(model.layers[0].apply(x) as tf.Tensor, 0);
      return { mean: Array.from(m.mean.dataSync()), variance: Array.from(m.variance.dataSync()) };
    });
    assert.ok(relError(mean, want.mean) < 1e-5, `${mean} vs ${want.mean}`);
    assert.ok(relError(variance, want.variance) < 1e-5, `${variance} vs ${want.variance}`);
    assert.equal((bn as unknown as { momentum: number }).momentum, 0.9);
  } finally {
    x.dispose();
    model.layers.forEach((l) => l.dispose());
  }
});
