/**
 * Lesson 08, data augmentation (src/lessons/regularization/augment*.ts, figuresAugment.ts,
 * cliAugment.ts) and the small CNN (src/nets/smallCnn.ts), on wasm with CIFAR-10 from the mirror.
 *
 * References and tolerances:
 * - flip, crop (zero-padded shift), translate (edge-clamped shift) and cutout against plain JS index
 *   arithmetic written here, exactly (the ops only move or zero pixels: 1e-6 allows the
 *   interpolation's float32 arithmetic at exact integer sample points);
 * - jitter against the three steps (brightness, contrast, saturation, clip) computed one after the
 *   other in float64 here: the op computes them as one affine map in float32, so 1e-5 (a few ulps
 *   of pixels ≤ 1 through ~10 operations);
 * - rotation by 90° (nearest) against the exact transpose-flip out[r][c] = in[W−1−c][r]; by 0 the
 *   identity; by a small angle the centre pixel unchanged;
 * - test-time augmentation with one view against softmax(scores) (1e-6); the 10-view mean against
 *   the mean of the views computed here.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernelOverrides } from '../src/engine/wasm/kernels';
import { loadDataset } from '../src/data/load';
import type { ImageDataset, LoadOptions } from '../src/data/load';
import { parseArgs } from '../src/core/args';
import type { ProgressEvent } from '../src/core/progress';
import {
  augment, AUGMENT_OPS, AUGMENTATIONS, augmentConfig, cutoutImages, flipWhere, imageBatch, jitterImages, randomCrop, randomFlip, rotateImages, scaleShift, shiftImages, ttaPredict,
} from '../src/lessons/regularization/augment';
import { augmentCost, augmentGrid } from '../src/lessons/regularization/augmentRun';
import { augmentEffect } from '../src/lessons/regularization/augmentEffect';
import { augmentCostFigure, augmentEffectFigure, augmentGridPng } from '../src/lessons/regularization/figuresAugment';
import { AUGMENT_COMMAND, runAugment } from '../src/lessons/regularization/cliAugment';
import { AUGMENT_EXPERIMENTS, AUGMENT_SHOW } from '../src/lessons/regularization/augmentLesson';
import { createSmallCnn } from '../src/nets/smallCnn';
import { rejectsArgument, throwsArgument, withoutMeta } from './helpers';

let train: ImageDataset;
let testSplit: ImageDataset;
const source = { load: async (_name: string, o: LoadOptions) => (o.split === 'test' ? testSplit : train) };

before(async () => {
  await tf.setBackend('wasm');
  registerWasmKernelOverrides();
  train = await loadDataset('cifar-10', { split: 'train' });
  testSplit = await loadDataset('cifar-10', { split: 'test' });
});

// a small batch of distinct values: N = 3 images of 5×6×3
const [N, H, W, C] = [3, 5, 6, 3];
const values = Float32Array.from({ length: N * H * W * C }, (_, i) => Math.fround(((i * 37) % 101) / 101 + 0.004));
const at = (v: ArrayLike<number>, n: number, r: number, c: number, k: number) => v[((n * H + r) * W + c) * C + k];
const batch = () => tf.tensor4d(values, [N, H, W, C]);
function build(f: (n: number, r: number, c: number, k: number) => number): Float64Array {
  const out = new Float64Array(N * H * W * C);
  for (let n = 0; n < N; n++) for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) for (let k = 0; k < C; k++) out[((n * H + r) * W + c) * C + k] = f(n, r, c, k);
  return out;
}
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
function run(f: (x: tf.Tensor4D) => tf.Tensor4D): Float32Array {
  const x = batch();
  const y = f(x);
  const out = y.dataSync() as Float32Array;
  tf.dispose([x, y]);
  return out;
}

// ------------------------------------------------------------------------------ the ops vs JS

test('flipWhere(x, [1, 0, 1]) mirrors images 0 and 2 left–right (x\'[n, r, c] = x[n, r, W−1−c]) and keeps image 1, exactly', () => {
  const got = run((x) => flipWhere(x, tf.tensor1d([1, 0, 1])));
  assert.equal(maxDiff(got, build((n, r, c, k) => at(values, n, r, n === 1 ? c : W - 1 - c, k))), 0);
});

test('shiftImages(x, dx, dy, "zeros") is the crop of the zero-padded image: x\'[r, c] = x[r+dy, c+dx], 0 outside; "edge" clamps the index instead', () => {
  const dx = [2, -1, 0];
  const dy = [-2, 1, 0];
  const inside = (n: number, r: number, c: number) => r + dy[n] >= 0 && r + dy[n] < H && c + dx[n] >= 0 && c + dx[n] < W;
  const zeros = run((x) => shiftImages(x, tf.tensor1d(dx), tf.tensor1d(dy), 'zeros'));
  assert.ok(maxDiff(zeros, build((n, r, c, k) => (inside(n, r, c) ? at(values, n, r + dy[n], c + dx[n], k) : 0))) < 1e-6);
  const clamp = (v: number, hi: number) => Math.min(hi - 1, Math.max(0, v));
  const edge = run((x) => shiftImages(x, tf.tensor1d(dx), tf.tensor1d(dy), 'edge'));
  assert.ok(maxDiff(edge, build((n, r, c, k) => at(values, n, clamp(r + dy[n], H), clamp(c + dx[n], W), k))) < 1e-6);
});

test('randomCrop(x, seed, { pad: 2 }) gives each image a zero-padded shift with dx, dy in −2 … 2; the same seed the same batch; scale 1 is exact', () => {
  const got = run((x) => randomCrop(x, 11, { pad: 2 }));
  for (let n = 0; n < N; n++) {
    let found = false;
    for (let dy = -2; dy <= 2 && !found; dy++) {
      for (let dx = -2; dx <= 2 && !found; dx++) {
        let ok = true;
        for (let r = 0; r < H && ok; r++) for (let c = 0; c < W && ok; c++) for (let k = 0; k < C && ok; k++) {
          const inside = r + dy >= 0 && r + dy < H && c + dx >= 0 && c + dx < W;
          ok = Math.abs(at(got, n, r, c, k) - (inside ? at(values, n, r + dy, c + dx, k) : 0)) < 1e-6;
        }
        found = ok;
      }
    }
    assert.ok(found, `image ${n} is no zero-padded shift within ±2`);
  }
  assert.deepEqual(run((x) => randomCrop(x, 11, { pad: 2 })), got);
});

test('randomCrop\'s offsets are uniform on −pad … pad: over 2,000 images each of the 9 offsets of pad 1 within 4 standard errors of 1/9', () => {
  // a one-pixel image per batch row would lose the shift; 3×3 images with a single bright centre pixel show it
  const n = 2000;
  const img = Float32Array.from({ length: n * 9 }, (_, i) => (i % 9 === 4 ? 1 : 0));
  const x = tf.tensor4d(img, [n, 3, 3, 1]);
  const y = randomCrop(x, 5, { pad: 1 });
  const out = y.dataSync();
  tf.dispose([x, y]);
  const counts = new Array<number>(9).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < 9; j++) if (out[i * 9 + j] === 1) counts[j]++;
  assert.equal(counts.reduce((a, b) => a + b, 0), n, 'the bright pixel stays inside the 3×3 image for every shift of ±1');
  const se = Math.sqrt(n * (1 / 9) * (8 / 9));
  for (const c of counts) assert.ok(Math.abs(c - n / 9) < 4 * se, `${counts}`);
});

test('jitterImages(x, β, γ, σ) equals brightness x·β, contrast (x − m)·γ + m (m: the image\'s mean grey), saturation g + (x − g)·σ, then clip, computed step by step in float64 (1e-5)', () => {
  const beta = [1.3, 0.8, 1];
  const gamma = [0.7, 1.25, 1];
  const sigma = [1.4, 0.5, 0];
  const grey = (p: number[]) => 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
  const want = new Float64Array(values.length);
  for (let n = 0; n < N; n++) {
    const px: number[][] = [];
    for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) px.push([0, 1, 2].map((k) => at(values, n, r, c, k) * beta[n]));
    const m = px.reduce((s, p) => s + grey(p), 0) / px.length;
    px.forEach((p, j) => {
      const contrasted = p.map((v) => (v - m) * gamma[n] + m);
      const g = grey(contrasted);
      contrasted.forEach((v, k) => { want[(n * H * W + j) * C + k] = Math.min(1, Math.max(0, g + (v - g) * sigma[n])); });
    });
  }
  const got = run((x) => jitterImages(x, tf.tensor1d(beta), tf.tensor1d(gamma), tf.tensor1d(sigma)));
  assert.ok(maxDiff(got, want) < 1e-5, `${maxDiff(got, want)}`);
  // σ = 0: every pixel grey (three equal channels)
  for (let j = 0; j < H * W; j++) assert.ok(Math.abs(got[(2 * H * W + j) * 3] - got[(2 * H * W + j) * 3 + 2]) < 1e-6);
});

test('rotateImages by 90° (nearest) is the exact transpose-flip out[r][c] = in[W−1−c][r] of a square image; by 0 the identity; by 5° the centre pixel of an odd image stays', () => {
  const S = 7;
  const img = Float32Array.from({ length: 2 * S * S * 2 }, (_, i) => (i * 13) % 97);
  const x = tf.tensor4d(img, [2, S, S, 2]);
  const r90 = rotateImages(x, tf.tensor1d([Math.PI / 2, Math.PI / 2]), 'nearest');
  const got = r90.dataSync();
  for (let n = 0; n < 2; n++) for (let r = 0; r < S; r++) for (let c = 0; c < S; c++) for (let k = 0; k < 2; k++) {
    assert.equal(got[((n * S + r) * S + c) * 2 + k], img[((n * S + (S - 1 - c)) * S + r) * 2 + k], `[${n}, ${r}, ${c}, ${k}]`);
  }
  const r0 = rotateImages(x, tf.tensor1d([0, 0]));
  assert.ok(maxDiff(r0.dataSync(), img) < 1e-4);
  const r5 = rotateImages(x, tf.tensor1d([0.087, -0.087]));
  const centre = ((3 * S) + 3) * 2;
  assert.ok(Math.abs(r5.dataSync()[centre] - img[centre]) < 1e-4);
  const s1 = scaleShift(x, tf.tensor1d([1, 1]), tf.tensor1d([0, 0]), tf.tensor1d([0, 0]));
  assert.ok(maxDiff(s1.dataSync(), img) < 1e-4, 'scale 1, no shift: the identity');
  tf.dispose([x, r90, r0, r5, s1]);
});

test('cutoutImages(x, cy, cx, 3) zeroes rows cy−1 … cy+1 and columns cx−1 … cx+1 (clipped at the edges) and nothing else', () => {
  const cy = [0, 2, 4];
  const cx = [0, 3, 5];
  const got = run((x) => cutoutImages(x, tf.tensor1d(cy), tf.tensor1d(cx), 3));
  const hole = (n: number, r: number, c: number) => r >= cy[n] - 1 && r <= cy[n] + 1 && c >= cx[n] - 1 && c <= cx[n] + 1;
  assert.equal(maxDiff(got, build((n, r, c, k) => (hole(n, r, c) ? 0 : at(values, n, r, c, k)))), 0);
});

// ------------------------------------------------------------------------- seeds, labels, errors

test('augment(x, every op, seed) is deterministic per seed, differs across seeds, keeps the shape; each op alone too; nothing leaks', () => {
  const x = imageBatch(testSplit, [0, 1, 2, 3]);
  const before = tf.memory().numTensors;
  for (const op of AUGMENTATIONS) {
    const [a, b, c] = [AUGMENT_OPS[op](x, 3), AUGMENT_OPS[op](x, 3), AUGMENT_OPS[op](x, 4)];
    assert.deepEqual(a.shape, [4, 32, 32, 3]);
    assert.deepEqual(a.dataSync(), b.dataSync(), `${op}: one seed, one batch`);
    assert.notDeepEqual(a.dataSync(), c.dataSync(), `${op}: another seed, another batch`);
    tf.dispose([a, b, c]);
  }
  const all = augment(x, [...AUGMENTATIONS], 9);
  const again = augment(x, 'flip,crop,jitter,translate,rotate,cutout', 9);
  assert.deepEqual(all.dataSync(), again.dataSync());
  tf.dispose([all, again]);
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind by any op');
  x.dispose();
});

test('randomFlip mirrors about half: of 1,000 images, within 4 standard errors of 500', () => {
  const n = 1000;
  const x = tf.tensor4d(Float32Array.from({ length: n * 2 }, (_, i) => i % 2), [n, 1, 2, 1]);
  const y = randomFlip(x, 21);
  const out = y.dataSync();
  const flipped = Array.from({ length: n }, (_, i) => out[2 * i] === 1).filter(Boolean).length;
  assert.ok(Math.abs(flipped - n / 2) < 4 * Math.sqrt(n / 4), `${flipped}`);
  tf.dispose([x, y]);
});

test('bad input is an ArgumentError naming it: an unknown op, a bad strength, a tensor that is no batch', () => {
  const x = tf.zeros([1, 8, 8, 3]) as tf.Tensor4D;
  throwsArgument(() => augment(x, ['flip', 'blur'], 1), /^ops\[1\] must be one of flip, crop, jitter, translate, rotate, cutout, got "blur"/);
  throwsArgument(() => augmentConfig({ pad: -1 }), /^config\.pad must be/);
  throwsArgument(() => augmentConfig({ padding: 2 } as never), /^config\.padding must be a known strength/);
  throwsArgument(() => randomFlip(tf.zeros([8, 8, 3]) as never, 1), /^x must be a batch tensor \[N, H, W, C\]/);
  throwsArgument(() => jitterImages(tf.zeros([1, 4, 4, 1]) as tf.Tensor4D, tf.ones([1]) as tf.Tensor1D, tf.ones([1]) as tf.Tensor1D, tf.ones([1]) as tf.Tensor1D), /^x must be RGB images/);
  x.dispose();
});

// --------------------------------------------------------------------------------- TTA and the CNN

test('ttaPredict with pad 0 and no flip is softmax(scores); with pad 2 and flip it is the mean of the 10 views\' softmax, computed here', () => {
  const net = createSmallCnn({ seed: 4 });
  const x = imageBatch(testSplit, [5, 6]);
  const one = ttaPredict(net.scores, x, { pad: 0, flip: false });
  const direct = tf.tidy(() => tf.softmax(net.scores(x)));
  assert.ok(maxDiff(one.dataSync(), direct.dataSync()) < 1e-6);
  const ten = ttaPredict(net.scores, x, { pad: 2, flip: true });
  const mean = tf.tidy(() => {
    const views: tf.Tensor[] = [];
    for (const m of [x, tf.reverse(x, 2) as tf.Tensor4D]) {
      for (const [dx, dy] of [[0, 0], [-2, -2], [-2, 2], [2, -2], [2, 2]]) {
        const padded = tf.pad(m, [[0, 0], [2, 2], [2, 2], [0, 0]]);
        views.push(tf.softmax(net.scores(padded.slice([0, 2 + dy, 2 + dx, 0], [2, 32, 32, 3]) as tf.Tensor4D)));
      }
    }
    return tf.addN(views).div(10);
  });
  assert.ok(maxDiff(ten.dataSync(), mean.dataSync()) < 1e-5);
  const sums = tf.tidy(() => ten.sum(1).dataSync());
  for (const s of sums) assert.ok(Math.abs(s - 1) < 1e-5);
  tf.dispose([one, direct, ten, mean, x]);
  net.dispose();
});

test('createSmallCnn: one seed gives the same weights, another other ones; He std √(2/fanIn) within 4 standard errors; scores [N, 10]; nothing leaks', () => {
  const before = tf.memory().numTensors;
  const [a, b, c] = [createSmallCnn({ seed: 1 }), createSmallCnn({ seed: 1 }), createSmallCnn({ seed: 2 })];
  assert.deepEqual(a.weights(), b.weights());
  assert.notDeepEqual(a.weights().conv1W, c.weights().conv1W);
  const w = a.weights().denseW;
  const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
  const want = Math.sqrt(2 / 2048);
  assert.ok(Math.abs(std - want) < 4 * want / Math.sqrt(2 * w.length), `${std} vs ${want}`);
  const x = imageBatch(testSplit, [0, 1, 2]);
  const s = a.scores(x);
  assert.deepEqual(s.shape, [3, 10]);
  const y = tf.tensor1d([0, 1, 2], 'int32');
  const { loss, grads } = a.lossAndGrads(x, y);
  assert.ok(Math.abs(loss.dataSync()[0] - Math.log(10)) < 3, 'an initial loss of the order of ln 10');
  assert.deepEqual(grads.map((g) => g.shape), a.variables.map((v) => v.shape));
  tf.dispose([s, x, y, loss, ...grads]);
  [a, b, c].forEach((net) => net.dispose());
  assert.equal(tf.memory().numTensors, before);
  throwsArgument(() => createSmallCnn({ filters: [0, 4] }), /^filters\[0\] must be/);
});

// ------------------------------------------------------------------------------------ experiments

test('augmentGrid({ images: 3, n: 4 }) on real test images: one seed one record, labels those of the dataset, column 0 the originals, draws that change pixels; its PNG has the grid\'s size', async () => {
  const before = tf.memory().numTensors;
  const r = await augmentGrid({ images: 3, n: 4, ops: ['flip', 'crop'], seed: 2 }, source);
  assert.equal(tf.memory().numTensors, before, 'no leak');
  assert.deepEqual(withoutMeta(await augmentGrid({ images: 3, n: 4, ops: ['flip', 'crop'], seed: 2 }, source)), withoutMeta(r));
  assert.deepEqual(r.labels, r.indices.map((i) => testSplit.labels[i]), 'labels untouched');
  const px = Buffer.from(r.pixels, 'base64');
  assert.equal(px.length, 3 * 5 * 3072);
  const first = testSplit.images.subarray(r.indices[0] * 3072, (r.indices[0] + 1) * 3072);
  assert.deepEqual([...px.subarray(0, 3072)], [...first], 'row 0, column 0: the original bytes');
  assert.equal(r.meanChange[0], 0);
  assert.ok(r.meanChange.slice(1).every((m) => m > 0));
  const png = augmentGridPng(r, 2);
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [5 * 66, 3 * 66]);
  await rejectsArgument(() => augmentGrid({ n: 0 }, source), /^n must be an integer in \[1, 32\], got 0/);
  await rejectsArgument(() => augmentGrid({ dataset: 'mnist' as never }, source), /^dataset must be one of "cifar-10", got "mnist"/);
  await rejectsArgument(() => augmentGrid({ ops: ['flip', 'zoom' as never] }, source), /^ops\[1\] must be one of "flip", "crop"/);
});

test('augmentCost({ batchSize: 16, rounds: 2, warmup: 1 }) times every op, the pipeline and the training step; the record without meta is the options; progress reports every round; nothing leaks', async () => {
  const before = tf.memory().numTensors;
  const events: ProgressEvent[] = [];
  const r = await augmentCost({ batchSize: 16, rounds: 2, warmup: 1, progress: (e) => events.push(e) }, source);
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(r.names, [...AUGMENTATIONS, 'pipeline (flip + crop + jitter)', 'training step']);
  assert.deepEqual(r.meta.timings.map((t) => t.name), r.names);
  assert.ok(r.meta.timings.every((t) => t.ms > 0 && t.min <= t.ms && t.ms <= t.max));
  assert.equal(r.meta.timings[r.names.length - 1].perStep, 1);
  assert.deepEqual(events.map((e) => [e.done, e.total, e.phase]), [[1, 3, 'warm-up'], [2, 3, 'timed'], [3, 3, 'timed']]);
  const fig = augmentCostFigure(r);
  assert.match((fig.layout.title as { text: string }).text, /^Augmentation vs a training step: ms per batch of 16/);
});

test('augmentEffect (64 images, 2 epochs): one seed one record, both runs from one init (epoch 0 equal), the augmented run trains on other batches, TTA accuracy in [0, 1]; progress counts every step; nothing leaks', async () => {
  const o = { trainSize: 64, valSize: 32, epochs: 2, batchSize: 32, seed: 3 } as const;
  const before = tf.memory().numTensors;
  const events: ProgressEvent[] = [];
  const r = await augmentEffect({ ...o, progress: (e) => events.push(e) }, source);
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(withoutMeta(await augmentEffect(o, source)), withoutMeta(r));
  const [plain, aug] = r.runs;
  assert.deepEqual([plain.name, aug.name, aug.ops], ['no augmentation', 'augmented', ['flip', 'crop']]);
  assert.deepEqual(plain.epochs[0], aug.epochs[0], 'one init: the same accuracies before training');
  assert.notDeepEqual(plain.epochs[2], aug.epochs[2]);
  for (const run of r.runs) {
    assert.equal(run.epochs.length, 3);
    for (const e of run.epochs) assert.ok(Math.abs(e.gap - (e.trainAcc - e.valAcc)) < 1e-12);
    assert.ok(run.ttaValAcc !== null && run.ttaValAcc >= 0 && run.ttaValAcc <= 1);
  }
  const steps = events.filter((e) => e.metrics.loss !== undefined);
  assert.equal(steps.length, 2 * 2 * 2);
  assert.equal(events[events.length - 1].done, 8);
  const fig = augmentEffectFigure(r);
  assert.equal(fig.data.filter((t) => typeof t.name === 'string' && t.name.startsWith('val, ')).length, 2);
  await rejectsArgument(() => augmentEffect({ batchSize: 100, trainSize: 50 }, source), /^batchSize must be at most trainSize \(50\)/);
  await rejectsArgument(() => augmentEffect({ optimizer: 'lbfgs' as never }, source), /^optimizer must be one of/);
});

test('the lesson lists the three experiments with their options and a show for each record', () => {
  assert.deepEqual(Object.keys(AUGMENT_EXPERIMENTS), ['augmentGrid', 'augmentCost', 'augmentEffect']);
  assert.deepEqual(Object.keys(AUGMENT_SHOW), ['regularizationAugmentGrid', 'regularizationAugmentCost', 'regularizationAugmentEffect']);
});

// ------------------------------------------------------------------------------------------- CLI

test('nnlab augment --json prints the grid record; --png FILE writes a PNG and leaves the pixels out of --json; bad flags are usage errors', async () => {
  const spec = AUGMENT_COMMAND.spec;
  const prev = process.env.NNLAB_DATA_MIRROR;
  const r = JSON.parse(await runAugment(parseArgs('augment', ['--dataset', 'cifar-10', '--ops', 'flip,crop', '--n', '2', '--images', '2', '--seed', '5', '--json'], spec)));
  assert.equal(r.experiment, 'regularizationAugmentGrid');
  assert.deepEqual([r.options.ops, r.options.n, r.options.images, r.options.seed], [['flip', 'crop'], 2, 2, 5]);
  assert.equal(Buffer.from(r.pixels, 'base64').length, 2 * 3 * 3072);
  assert.equal(typeof r.ms, 'number');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-augment-')), 'grid.png');
  const j = JSON.parse(await runAugment(parseArgs('augment', ['--n', '3', '--png', file, '--json'], spec)));
  assert.match(j.pixels, /base64 characters, written as/);
  const png = fs.readFileSync(file);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const text = await runAugment(parseArgs('augment', ['--n', '1', '--images', '1', '--png', file], spec));
  assert.ok(text.endsWith(`the grid: ${file}`));
  fs.rmSync(path.dirname(file), { recursive: true });
  assert.throws(() => parseArgs('augment', ['--ops', 'flip,blur'], spec), /augment: --ops\[1\] must be one of/);
  assert.throws(() => parseArgs('augment', ['--n', '0'], spec), /augment: --n must be an integer in \[1, 32\]/);
  assert.throws(() => parseArgs('augment', ['--dataset', 'imagenet'], spec), /augment: --dataset must be one of "cifar-10"/);
  assert.equal(process.env.NNLAB_DATA_MIRROR, prev);
});
