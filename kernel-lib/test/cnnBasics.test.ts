/**
 * Lesson 11, the convolution half (lessons/cnn-basics): convolution by hand against a
 * hand-computed cell, tf.conv2d and PyTorch's conv2d; output sizes and per-layer parameter counts
 * against tf.layers (the lecture's CIFAR-10 CNN built here layer by layer); pooling against
 * PyTorch; the receptive field's recurrence against the gradient measured by tf.grad and by
 * PyTorch autograd; named errors; leaks; the CLI commands with --json.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from '../src/core/args';
import { convByHand, trueConvolution, cellSteps } from '../src/lessons/cnn-basics/byHand';
import { CLASSIC_FILTERS, classicFilters } from '../src/lessons/cnn-basics/filters';
import { convSizes, LECTURE_CIFAR_SPEC, layerTable, parseNetSpec, specModel, tfLayersCheck } from '../src/lessons/cnn-basics/sizes';
import { pooling } from '../src/lessons/cnn-basics/pooling';
import { parseLayers, receptiveField, receptiveFieldOf } from '../src/lessons/cnn-basics/receptiveField';
import { CNN_COMMANDS, runConvByHand, runConvSize, runReceptiveField } from '../src/lessons/cnn-basics/cli';
import {
  classicFiltersFigure, convByHandFigure, strideFitFigure, convVariantsFigure, poolingFigure, poolingMapsFigure, receptiveFieldFigure,
} from '../src/lessons/cnn-basics/figures';
import { rejectsArgument, throwsArgument, withoutMeta } from './helpers';

/**
 * Runs `nnlab <argv>` in this process and returns its exit status and stderr. Unlike
 * helpers.cliInProcess it leaves stdout alone: the test runner's own report goes through stdout
 * asynchronously, and muting it would drop the lines of tests that finished just before.
 */
async function cliStatus(argv: readonly string[]): Promise<{ status: number; stderr: string }> {
  const { main } = await import('../src/cli/main');
  let stderr = '';
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => { stderr += String(chunk); return true; }) as typeof process.stderr.write;
  try {
    return { status: await main(argv), stderr };
  } finally {
    process.stderr.write = write;
    process.exitCode = undefined;
  }
}

const PYTHON = '/usr/bin/python3';
const torchProbe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const NO_TORCH = torchProbe.status === 0 ? false : `${PYTHON} with torch is missing: apt-get install python3-torch`;

/** Runs a Python snippet with `job` as JSON in sys.argv[1]; returns its JSON answer. */
function python<T>(script: string, job: unknown): T {
  const r = spawnSync(PYTHON, ['-c', script, JSON.stringify(job)], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

function leakCheck<T>(run: () => T): T {
  const before = tf.memory().numTensors;
  const out = run();
  assert.equal(tf.memory().numTensors, before, 'leaked tensors');
  return out;
}

test('convByHand({row: 1, col: 2}): the window, the nine products and the running sum of a hand-computed cell', async () => {
  await tf.setBackend('cpu');
  const r = convByHand({ row: 1, col: 2 });
  // the seed-0 image, row 1..3 and col 2..4, written out by hand from the record's image
  assert.deepEqual(r.cell.window, [[r.image[1][2], r.image[1][3], r.image[1][4]], [r.image[2][2], r.image[2][3], r.image[2][4]], [r.image[3][2], r.image[3][3], r.image[3][4]]]);
  const w = r.cell.window;
  const byHand = w[0][0] - w[0][2] + 2 * w[1][0] - 2 * w[1][2] + w[2][0] - w[2][2];   // the kernel [[1,0,-1],[2,0,-2],[1,0,-1]]
  assert.equal(r.cell.value, byHand);
  assert.equal(r.output[1][2], byHand);
  assert.deepEqual(r.cell.steps.map((s) => s.product), r.cell.products.flat());
  assert.equal(r.cell.steps[8].sum, byHand);
  assert.deepEqual(r.cell.steps.map((s) => s.sum), r.cell.products.flat().map((_, k, a) => a.slice(0, k + 1).reduce((x, y) => x + y, 0)));
  // the seed-0 numbers themselves (a change of the image generator is visible here)
  assert.deepEqual(r.cell.window, [[9, 4, 7], [4, 6, 4], [5, 1, 2]]);
  assert.equal(r.cell.value, 5);   // 9 − 7 + 8 − 8 + 5 − 2
  assert.equal(r.tfjs.maxAbsDiff, 0);
  assert.deepEqual(r.tfjs.output, r.output);
});

test('cellSteps and trueConvolution on tiny grids: 1·1 + 5·(−1) = −4; the true convolution turns the kernel by 180°', () => {
  assert.equal(cellSteps([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]], 0, 0).value, -4);
  assert.deepEqual(trueConvolution([[1, 2], [3, 4]], [[1, 0], [0, 0]]), [[4]]);
  // out[y][x] = Σ k[i][j]·img[y + 1 − i][x + 1 − j]: out[0][0] = 1·5 + 2·4 + 3·2 + 4·1
  assert.deepEqual(trueConvolution([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2], [3, 4]]), [[23, 33], [53, 63]]);
});

test('convByHand over seeds 0-4 and every output cell: the loops, tf.conv2d and PyTorch F.conv2d agree exactly (integers), with stride 2 / padding 1 and 2 channels in and out; the flipped kernel gives the true convolution', { skip: NO_TORCH }, async () => {
  await tf.setBackend('cpu');
  const records = [0, 1, 2, 3, 4].map((seed) => leakCheck(() => convByHand({ seed, row: seed % 4, col: 3 - (seed % 4) })));
  const torch = python<{ base: number[][][]; strided: number[][][]; channels: number[][][][]; conv: number[][][] }>(`
import json, sys, torch
import torch.nn.functional as F
job = json.loads(sys.argv[1]); out = {'base': [], 'strided': [], 'channels': [], 'conv': []}
for r in job:
    x = torch.tensor(r['image'], dtype=torch.float64)[None, None]
    w = torch.tensor(r['kernel'], dtype=torch.float64)[None, None]
    out['base'].append(F.conv2d(x, w)[0, 0].tolist())
    out['strided'].append(F.conv2d(x, w, stride=2, padding=1)[0, 0].tolist())
    x2 = torch.stack([torch.tensor(r['image']), torch.tensor(r['image2'])]).double()[None]
    k = torch.tensor(r['kernels2'], dtype=torch.float64).permute(1, 0, 2, 3)   # [c][k] -> OIHW
    out['channels'].append(F.conv2d(x2, k)[0].tolist())
    out['conv'].append(F.conv2d(x, torch.flip(w, [2, 3]))[0, 0].tolist())   # a true convolution: the kernel flipped
print(json.dumps(out))`, records.map((r) => ({ image: r.image, image2: r.channels.image2, kernel: r.kernel, kernels2: r.channels.kernels2 })));
  records.forEach((r, i) => {
    assert.deepEqual(r.output, torch.base[i], `seed ${i}`);
    assert.deepEqual(r.variants[0].output[0], torch.strided[i]);
    assert.equal(r.variants[0].size, 3);   // ⌊(6 − 3 + 2)/2⌋ + 1
    assert.deepEqual(r.variants[1].output, torch.channels[i]);
    assert.deepEqual(r.flipped.convolution, torch.conv[i]);
    for (const v of r.variants) assert.equal(v.tfjsMaxAbsDiff, 0);
    assert.equal(r.flipped.maxAbsDiffFlipKernel, 0);
    assert.equal(r.flipped.maxAbsDiffTfjs, 0);
    // every cell step by step equals the map
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) assert.equal(cellSteps(r.image, r.kernel, y, x).value, r.output[y][x]);
  });
  assert.ok(records.some((r) => !r.flipped.sameAsCrossCorrelation), 'the flip matters for this (antisymmetric) kernel');
});

test('convByHand: one seed gives deep-equal records; bad options are named errors', () => {
  assert.deepEqual(withoutMeta(convByHand({ seed: 3 })), withoutMeta(convByHand({ seed: 3 })));
  throwsArgument(() => convByHand({ row: 4 }), /^row must be an integer in \[0, 3\] \(the 4×4 output of a 3×3 kernel on 6×6\), got 4$/);
  throwsArgument(() => convByHand({ col: -1 }), /^col must be an integer in \[0, 29\], got -1$/);
  throwsArgument(() => convByHand({ size: 2 }), /^size must be an integer in \[3, 32\]/);
  throwsArgument(() => convByHand({ stride: 2 } as never), /stride/);
});

test('classicFilters (CIFAR-10 test image 3): each filter equals tf.conv2d to float32 rounding and NumPy\'s direct sum; identity returns the image; Sobel on the black corner of an MNIST digit is 0', { skip: NO_TORCH }, async () => {
  await tf.setBackend('cpu');
  const before = tf.memory().numTensors;
  const r = await classicFilters({ index: 3 });
  assert.equal(tf.memory().numTensors, before, 'leaked tensors');
  assert.equal(r.filtered.length, CLASSIC_FILTERS.length);
  for (const f of r.filtered) assert.ok(f.tfjsMaxAbsDiff < 8 * 2 ** -24 * 9, `${f.name}: ${f.tfjsMaxAbsDiff}`);   // 9 products of values ≤ 8 in float32
  const identity = r.filtered.find((f) => f.name === 'identity');
  assert.deepEqual(identity?.output, r.image);
  const numpy = python<Record<string, number[][]>>(`
import json, sys, numpy as np
job = json.loads(sys.argv[1]); img = np.pad(np.array(job['image']), 1); out = {}
for f in job['filters']:
    k = np.array(f['kernel']); n = img.shape[0] - 2
    out[f['name']] = [[float(np.round((img[y:y+3, x:x+3] * k).sum(), 4)) for x in range(n)] for y in range(n)]
print(json.dumps(out))`, { image: r.image, filters: CLASSIC_FILTERS });
  for (const f of r.filtered) {
    const diff = Math.max(...f.output.flat().map((v, k) => Math.abs(v - numpy[f.name].flat()[k])));
    assert.ok(diff <= 1e-4 + 1e-12, `${f.name}: ${diff}`);
  }
  const sobel = (await classicFilters({ dataset: 'mnist', index: 0 })).filtered.find((f) => f.name === 'sobelX');
  assert.equal(sobel?.output[0][0], 0);   // MNIST's corner is black: no edge
});

test('layerTable(LECTURE_CIFAR_SPEC) is 1,345,066 parameters (1,343,146 trainable) and equals a tf.layers model built layer by layer: every output shape and countParams()', async () => {
  await tf.setBackend('cpu');
  const t = layerTable(LECTURE_CIFAR_SPEC);
  assert.equal(t.total, 1_345_066);
  assert.equal(t.trainable, 1_343_146);
  // the lecture's net written out with tf.layers, independently of specModel
  const model = tf.sequential();
  let first = true;
  for (const filters of [32, 64, 128]) {
    for (let k = 0; k < 2; k++) {
      model.add(tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', ...(first ? { inputShape: [32, 32, 3] } : {}) }));
      first = false;
      model.add(tf.layers.batchNormalization());
    }
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.dropout({ rate: 0.25 }));
  }
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 512 }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.dropout({ rate: 0.5 }));
  model.add(tf.layers.dense({ units: 10 }));
  assert.equal(model.countParams(), t.total);
  const theirs = model.layers.filter((l) => l.getClassName() !== 'Flatten').map((l) => ({ shape: (l.outputShape as number[]).slice(1).join('×'), params: l.countParams() }));
  assert.deepEqual(t.rows.map((r) => ({ shape: r.output.join('×'), params: r.params })), theirs);
  model.dispose();
  const check = leakCheck(() => tfLayersCheck(LECTURE_CIFAR_SPEC));
  assert.equal(check.equal, true);
  assert.equal(check.total, 1_345_066);
  assert.equal(check.trainable, 1_343_146);
});

test('layerTable vs tf.layers on two more nets: explicit padding and strides on 28×28×1, and the lecture\'s MLP 784-512-512-512-10 (932,362)', async () => {
  await tf.setBackend('cpu');
  const a = 'conv5-16s2p1,relu,pool2,conv3-32valid,avgpool2s1,flatten,fc10';
  const t = layerTable(a, { H: 28, W: 28, C: 1 });
  assert.deepEqual(t.rows.map((r) => r.output), [[13, 13, 16], [13, 13, 16], [6, 6, 16], [4, 4, 32], [3, 3, 32], [288], [10]]);
  assert.deepEqual(t.rows.map((r) => r.params), [(25 + 1) * 16, 0, 0, (9 * 16 + 1) * 32, 0, 0, 289 * 10]);
  assert.match(t.rows[0].note, /stride does not fit: 1 row\(s\) dropped/);
  const ca = leakCheck(() => tfLayersCheck(a, { H: 28, W: 28, C: 1 }));
  assert.equal(ca.equal, true);
  assert.equal(ca.total, t.total);
  const mlp = layerTable('fc512,fc512,fc512,fc10', { H: 28, W: 28, C: 1 });
  assert.equal(mlp.total, 932_362);
  assert.equal(leakCheck(() => tfLayersCheck('fc512,fc512,fc512,fc10', { H: 28, W: 28, C: 1 })).total, 932_362);
  const m = specModel('conv3-8,pool2,fc10', { H: 8, W: 8, C: 1 });
  assert.deepEqual(m.outputs[0].shape, [null, 10]);
  m.dispose();
});

test('convSizes(): the lecture\'s examples (26, 28, 13 with a dropped row, 14, 32×32×10 with 760 parameters) equal tf.conv2d\'s shapes; tfjs \'same\' pads 1 + 2 where the stride does not fit; dense vs conv', async () => {
  await tf.setBackend('cpu');
  const r = leakCheck(() => convSizes());
  assert.deepEqual(r.examples.map((e) => e.size), [26, 28, 13, 14, 32]);
  assert.deepEqual(r.examples.map((e) => e.exact), [true, true, false, true, true]);
  assert.equal(r.examples[2].dropped, 1);
  for (const e of r.examples) assert.deepEqual(e.tfjs.explicit, [e.size, e.size, e.K]);
  assert.deepEqual(r.examples[2].tfjs.valid, [12, 12, 1]);
  assert.deepEqual(r.examples[2].tfjs.same, [14, 14, 1]);
  assert.deepEqual(r.examples[2].tfjs.samePadding, [1, 2]);
  assert.equal(r.examples[4].params, 760);
  assert.equal(r.denseVsConv.denseParams, 3073 * 10240);
  assert.equal(r.check.equal, true);
  assert.deepEqual(withoutMeta(convSizes()), withoutMeta(r));
});

test('parseNetSpec and layerTable: named errors for unknown tokens, bad numbers, windows that do not fit and convs after a dense layer', () => {
  throwsArgument(() => parseNetSpec('conv3-32,pol2'), /^spec\[1\] must be one of conv<F>-<K>.*got "pol2"$/);
  throwsArgument(() => parseNetSpec(''), /^spec must be a comma-separated list of layers/);
  throwsArgument(() => parseNetSpec('conv0-3'), /^spec\[0\] filter size must be an integer in \[1, 1024\], got 0$/);
  throwsArgument(() => layerTable('conv7-4valid', { H: 5, W: 5, C: 1 }), /conv7-4valid: a 7-wide window does not fit a 5-wide input/);
  throwsArgument(() => layerTable('fc10,conv3-4'), /conv3-4 comes after a dense layer/);
  throwsArgument(() => layerTable('fc10', { H: 0, W: 3, C: 1 }), /^input\.H must be an integer in \[1, 4096\], got 0$/);
  throwsArgument(() => convSizes({ spec: 'conv3' }), /^spec\[0\] must be one of/);
});

test('pooling(): max [[6, 8], [3, 4]] and average [[3.25, 5.25], [2, 2]] on the 4×4 example, equal to PyTorch; pooling layers have 0 parameters; the real maps halve', { skip: NO_TORCH }, async () => {
  await tf.setBackend('cpu');
  const before = tf.memory().numTensors;
  const r = await pooling();
  assert.equal(tf.memory().numTensors, before, 'leaked tensors');
  assert.deepEqual(r.max, [[6, 8], [3, 4]]);
  assert.deepEqual(r.avg, [[3.25, 5.25], [2, 2]]);
  assert.deepEqual(r.argmax, [[[1, 1], [1, 3]], [[2, 0], [3, 3]]]);
  assert.deepEqual(r.tfjs, { maxAbsDiffMax: 0, maxAbsDiffAvg: 0 });
  assert.deepEqual(r.params, { maxPooling2d: 0, averagePooling2d: 0, conv3x3: 10 });
  const torch = python<{ max: number[][][]; avg: number[][][] }>(`
import json, sys, torch
import torch.nn.functional as F
job = json.loads(sys.argv[1]); out = {'max': [], 'avg': []}
for g in job:
    x = torch.tensor(g, dtype=torch.float64)[None, None]
    out['max'].append(F.max_pool2d(x, 2, 2)[0, 0].tolist()); out['avg'].append(F.avg_pool2d(x, 2, 2)[0, 0].tolist())
print(json.dumps(out))`, [r.example, ...r.maps.map((m) => m.before)]);
  assert.deepEqual(torch.max[0], r.max);
  assert.deepEqual(torch.avg[0], r.avg);
  r.maps.forEach((m, i) => {
    assert.equal(m.max.length, m.before.length / 2);
    assert.deepEqual(m.max, torch.max[i + 1]);
    const d = Math.max(...m.avg.flat().map((v, k) => Math.abs(v - torch.avg[i + 1].flat()[k])));
    assert.ok(d <= 5e-5 + 1e-12, `avg ${d}`);
  });
});

test('receptiveFieldOf: r ← r + (F − 1)·j, j ← j·S: three 3×3 convs see 7×7; a 2×2 pool doubles the jump', () => {
  assert.deepEqual(receptiveFieldOf('conv3,conv3,conv3').map((r) => r.r), [3, 5, 7]);
  assert.deepEqual(receptiveFieldOf('conv3,pool2,conv3').map((r) => [r.r, r.jump]), [[3, 1], [4, 2], [8, 2]]);
  assert.deepEqual(receptiveFieldOf('conv7s2,pool3s2,conv3,conv3').map((r) => r.r), [7, 11, 19, 27]);
  assert.deepEqual(parseLayers('pool3s2'), [{ token: 'pool3s2', kind: 'pool', F: 3, S: 2 }]);
});

test('receptiveField over several stacks: computed == measured by tf.grad at every depth, and == PyTorch autograd\'s nonzero count; max pooling reaches fewer pixels; no leaks', { skip: NO_TORCH }, async () => {
  await tf.setBackend('cpu');
  const stacks = ['conv3,conv3,pool2,conv3,conv3,pool2,conv3', 'conv5s2,conv3s2,pool3s2,conv3', 'conv3s3,conv3', 'conv7s2,pool3s2,conv3,conv3', 'pool2,pool2,conv3'];
  const records = stacks.map((layers) => leakCheck(() => receptiveField({ layers })));
  const torch = python<number[][]>(`
import json, sys, torch
import torch.nn.functional as F
out = []
for stack in json.loads(sys.argv[1]):
    counts = []
    for d in range(1, len(stack['layers']) + 1):
        n = stack['inputs'][d - 1]
        x = torch.ones(1, 1, n, n, dtype=torch.float64, requires_grad=True); h = x
        for kind, f, s in stack['layers'][:d]:
            h = F.conv2d(h, torch.ones(1, 1, f, f, dtype=torch.float64), stride=s) if kind == 'conv' else F.avg_pool2d(h, f, s)
        c = (h.shape[2] - 1) // 2
        h[0, 0, c, c].backward()
        counts.append(int((x.grad != 0).sum()))
    out.append(counts)
print(json.dumps(out))`, records.map((r) => ({ layers: parseLayers(r.options.layers).map((l) => [l.kind, l.F, l.S]), inputs: r.rows.map((row) => row.measured.input) })));
  records.forEach((r, i) => {
    assert.equal(r.agree, true, stacks[i]);
    assert.deepEqual(r.rows.map((row) => row.measured.count), r.rows.map((row) => row.r * row.r));
    assert.deepEqual(torch[i], r.rows.map((row) => row.r * row.r), `PyTorch on ${stacks[i]}`);
    r.rows.forEach((row) => assert.ok(row.measured.countMaxPool <= row.measured.count));
  });
  assert.ok(records[0].rows[2].measured.countMaxPool < records[0].rows[2].measured.count, 'max pooling routes the gradient to one pixel per window');
  assert.deepEqual(withoutMeta(receptiveField({ seed: 2 })), withoutMeta(receptiveField({ seed: 2 })));
});

test('receptiveField: named errors for a bad stack', () => {
  throwsArgument(() => receptiveField({ layers: 'conv3,dense3' }), /^layers\[1\] must be conv<F>\[s<S>\].*got "dense3"$/);
  throwsArgument(() => receptiveField({ layers: 'conv65' }), /^layers\[0\] window must be an integer in \[1, 64\], got 65$/);
  throwsArgument(() => receptiveField({ layers: 'pool2,pool2,pool2,pool2,pool2,pool2,pool2,conv3' }), /at most 512 pixels/);
  throwsArgument(() => receptiveField({ layers: 'conv3', depth: 2 } as never), /depth/);
});

test('the figures: numbers in every cell of the by-hand panels, a slider step per output cell, titles set, records of another experiment rejected', async () => {
  await tf.setBackend('cpu');
  const r = convByHand({ row: 2, col: 1 });
  const fig = convByHandFigure(r);
  const sliders = fig.layout.sliders as { steps: { label: string; args: Record<string, unknown>[] }[] }[];
  assert.equal(sliders[0].steps.length, 16);
  assert.equal(sliders[0].steps[6].label, '1,2');
  assert.match(String(Object.values(sliders[0].steps[6].args[0]).pop()), /^out\[1, 2\] = 9·1 \+ 4·0 \+ 7·\(-1\).* = 5$/);
  const texts = (fig.layout.annotations as { text: string }[]).map((a) => a.text);
  assert.ok(texts.length >= 36 + 9 + 16);
  assert.equal(convVariantsFigure(r).data.length, 4);
  const fit = strideFitFigure(convSizes());
  // P = 1: 13 windows cover rows 0..28 of the 30 padded rows, row 29 is never covered; 'same' (1 + 2 zeros): 14 windows, nothing missed
  assert.deepEqual(fit.data.map((t) => t.name), ['window (F = 5)', 'zero padding', 'never covered (dropped)', 'window (F = 5)', 'zero padding']);
  assert.deepEqual(fit.data[2].x, [29]);
  assert.deepEqual(fit.data[4].x, [0, 29, 30]);
  assert.equal((fit.data[3].y as (number | null)[]).filter((v) => v !== null).length, 2 * 14);
  const rf = receptiveFieldFigure(receptiveField({ layers: 'conv3,pool2' }));
  assert.deepEqual(rf.data.slice(0, 2).map((t) => t.y), [[3, 4], [3, 4]]);
  assert.equal(poolingFigure(await pooling()).data.length, 3);
  assert.equal(poolingMapsFigure(await pooling()).data.length, 6);
  assert.equal(classicFiltersFigure(await classicFilters()).data.length, 5);
  throwsArgument(() => convByHandFigure(rf as never), /^record must be a record returned by nn\.cnn\.convByHand\(\)/);
  await rejectsArgument(async () => classicFilters({ dataset: 'svhn' as never }), /^dataset must be one of "cifar-10", "mnist", got "svhn"$/);
});

test('nnlab conv-size --W 28 --F 5 --P 1 --S 2 --json, conv-size --net, conv-by-hand --json and receptive-field --json print the records; --exact and bad specs exit 2 with the named error', async () => {
  await tf.setBackend('cpu');
  const args = (name: string, argv: string[]) => parseArgs(name, argv, CNN_COMMANDS[name].spec);
  const size = JSON.parse(await runConvSize(args('conv-size', ['--W', '28', '--F', '5', '--P', '1', '--S', '2', '--json'])));
  assert.equal(size.size, 13);
  assert.equal(size.exact, false);
  assert.equal(size.dropped, 1);
  assert.deepEqual([size.tfjs.valid.size, size.tfjs.same.size], [12, 14]);
  const net = JSON.parse(await runConvSize(args('conv-size', ['--net', LECTURE_CIFAR_SPEC, '--json'])));
  assert.equal(net.table.total, 1_345_066);
  assert.equal(net.check.equal, true);
  assert.match(await runConvSize(args('conv-size', ['--net', 'conv3-8,fc10', '--input', '8x8x1'])), /total 5,210 parameters/);
  const hand = JSON.parse(await runConvByHand(args('conv-by-hand', ['--row', '0', '--col', '0', '--json'])));
  assert.equal(hand.experiment, 'cnnConvByHand');
  assert.equal(hand.cell.value, hand.output[0][0]);
  const rf = JSON.parse(await runReceptiveField(args('receptive-field', ['--layers', 'conv3,conv3,pool2,conv3', '--json'])));
  assert.deepEqual(rf.rows.map((r: { r: number }) => r.r), [3, 5, 6, 10]);
  assert.equal(rf.agree, true);
  const exact = await cliStatus(['conv-size', '--W', '28', '--F', '5', '--P', '1', '--S', '2', '--exact']);
  assert.equal(exact.status, 2);
  assert.match(exact.stderr, /does not fit: \(W − F \+ 2P\)\/S = 25\/2 is not an integer/);
  const bad = await cliStatus(['conv-size', '--net', 'conv3-32,pol2']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /spec\[1\] must be one of conv<F>-<K>/);
  const noW = await cliStatus(['conv-size', '--F', '3']);
  assert.equal(noW.status, 2);
  assert.match(noW.stderr, /W must be given \(or --net SPEC for a layer table\)/);
  const both = await cliStatus(['conv-size', '--net', 'fc10', '--W', '28']);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /--W must be left out with --net/);
  const inputAlone = await cliStatus(['conv-size', '--W', '28', '--F', '3', '--input', '8x8x1']);
  assert.equal(inputAlone.status, 2);
  assert.match(inputAlone.stderr, /--input must be given only with --net/);
  const badLayers = await cliStatus(['receptive-field', '--layers', 'conv3,x']);
  assert.equal(badLayers.status, 2);
  assert.match(badLayers.stderr, /layers\[1\] must be conv<F>\[s<S>\]/);
});
