/**
 * Bad input to the shared layers (issue 17): every case the review measured as a raw TypeError or a
 * silently ignored option is now an ArgumentError that names the argument and the value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barFigure, heatmapFigure, histogramFigure, lineFigure, scatterFigure, subplotsFigure } from '../src/show/figure';
import { showFigure } from '../src/show/plot';
import { liveChart, progressBar } from '../src/show/progress';
import { imageGridHtml, showImages } from '../src/show/images';
import { countTensors } from '../src/core/leaks';
import { loadDataset } from '../src/data/load';
import { toTensors } from '../src/data/transform';
import { blobs, correlatedCloud, randomImages, spiral } from '../src/data/synthetic';
import { ArgumentError } from '../src/core/errors';

const call = (f: () => unknown) => async () => { await f(); };
const bad = <T>(x: unknown) => x as T;

const CASES: [string, () => unknown, RegExp][] = [
  ['lineFigure(null)', () => lineFigure(bad(null)), /^lineFigure options must be an object of options \(or nothing\), got null$/],
  ['scatterFigure(null)', () => scatterFigure(bad(null)), /^scatterFigure options must be an object/],
  ['histogramFigure(42)', () => histogramFigure(bad(42)), /^histogramFigure options must be an object of options \(or nothing\), got 42$/],
  ['heatmapFigure([])', () => heatmapFigure(bad([])), /^heatmapFigure options must be an object/],
  ['barFigure with a typo', () => barFigure(bad({ title: 't', xTitle: 'x', yTitle: 'y', serie: [] })), /^barFigure options\.serie must be one of the known options \(title, xTitle, yTitle, series\); "serie" is not an option/],
  ['lineFigure with an unknown key', () => lineFigure(bad({ title: 't', xTitle: 'x', yTitle: 'y', series: [{ name: 'a', y: [1] }], logY: true })), /lineFigure options\.logY must be one of the known options/],
  ['subplotsFigure([])', () => subplotsFigure([], bad(undefined)), /^subplotsFigure options must be an object with title, rows and cols, got undefined$/],
  ['subplotsFigure of a non-figure', () => subplotsFigure(bad([{}]), { title: 't', rows: 1, cols: 1 }), /^subplotsFigure\.figures\[0\] must be a figure/],
  ['showFigure(42)', () => showFigure(bad(42)), /^figure must be a figure: \{ data: \[traces\], layout: \{\.\.\.\} \}/],
  ['showFigure({})', () => showFigure(bad({})), /^figure must be a figure/],
  ['progressBar(null)', () => progressBar(bad(null)), /^progressBar options must be an object of options \(or nothing\), got null$/],
  ['progressBar with an unknown key', () => progressBar(bad({ total: 3, steps: 3, notebook: false, write: () => {} })), /progressBar options\.steps must be one of the known options/],
  ['liveChart(null)', () => liveChart(bad(null)), /^liveChart options must be an object/],
  ['imageGridHtml(null)', () => imageGridHtml(bad(null), [0], 1, 1), /^imageGridHtml: dataset must be an image dataset/],
  ['showImages({})', () => showImages(bad({})), /^images: dataset must be an image dataset/],
  ['countTensors(42)', call(() => countTensors(bad(42))), /^countTensors: fn must be a function, got 42$/],
  ['toTensors(null)', () => toTensors(bad(null)), /^toTensors: dataset must be an image dataset/],
  ['toTensors with an unknown key', () => toTensors(randomImages({ count: 2, height: 2, width: 2, channels: 1, classes: 2, seed: 1 }), bad({ normalization: 'unit' })), /toTensors options\.normalization must be one of the known options/],
  ['loadDataset(mnist, null)', call(() => loadDataset('mnist', bad(null))), /^loadDataset options must be an object of options \(or nothing\), got null$/],
  ['loadDataset dataDir 5', call(() => loadDataset('mnist', bad({ dataDir: 5 }))), /^loadDataset options\.dataDir must be a non-empty string, got 5$/],
  ['loadDataset mirror 5', call(() => loadDataset('mnist', bad({ mirror: 5 }))), /^loadDataset options\.mirror must be a string, got 5$/],
  ['loadDataset bogus', call(() => loadDataset('mnist', bad({ bogus: 1 }))), /loadDataset options\.bogus must be one of the known options/],
  ['loadDataset limit -1', call(() => loadDataset('mnist', bad({ limit: -1 }))), /loadDataset options\.limit must be one of the known options/],
  ['spiral()', () => spiral(bad(undefined)), /^spiral options must be an object of options with a seed, got undefined$/],
  ['spiral with a typo', () => spiral(bad({ pointsPerClas: 5, seed: 1 })), /spiral options\.pointsPerClas must be one of the known options/],
  ['blobs(null)', () => blobs(bad(null)), /^blobs options must be an object/],
  ['correlatedCloud([])', () => correlatedCloud(bad([])), /^correlatedCloud options must be an object/],
];

for (const [what, f, message] of CASES) {
  test(`bad input: ${what} is an ArgumentError naming the argument`, async () => {
    await assert.rejects(async () => { await f(); }, (err: unknown) => {
      assert.ok(err instanceof ArgumentError, `${what}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
      assert.match(err.message, message);
      return true;
    });
  });
}

// ------------------------------------------------------------------ NaN, memory, the grader's paths

test('nn.debugNaN names the first op that makes a NaN from NaN-free inputs, and only that one', async () => {
  const tf = await import('@tensorflow/tfjs');
  const { debugNaN, NaNError } = await import('../src/core/debugNaN');
  const before = tf.memory().numTensors;
  debugNaN();
  try {
    assert.throws(() => tf.tidy(() => tf.log(tf.tensor1d([4, -1, 1])).mul(2).sum()), (err: unknown) => {
      assert.ok(err instanceof NaNError);
      assert.equal(err.kernel, 'Log');
      assert.match(err.message, /^NaN first made by the op Log: 1 of 3 values are NaN \(the first at \[1\]\); its input x: float32 \[3\], values in \[-1, 4\]\. Log is NaN for inputs < 0/);
      return true;
    });
    assert.throws(() => tf.tidy(() => tf.div(tf.zeros([2, 2]), tf.zeros([2, 2]))), /op RealDiv: 4 of 4 values are NaN \(the first at \[0, 0\]\)/);
    // a NaN that comes in is not made here: the op that passes it on is not blamed
    const nan = tf.tidy(() => tf.tensor1d([NaN, 1]).add(1));
    assert.ok(Number.isNaN(nan.dataSync()[0]));
    nan.dispose();
    assert.equal(tf.memory().numTensors, before, 'the failing ops leave no tensors behind');
    // gradients run through the same check (tfjs itself keeps the tensor it saved for the backward pass)
    assert.throws(() => tf.tidy(() => tf.grad((x: import('@tensorflow/tfjs').Tensor) => tf.sqrt(x).sum())(tf.tensor1d([-1, 4]))), /NaN first made by the op Sqrt/);
  } finally {
    debugNaN(false);
  }
  const off = tf.log(tf.tensor1d([-1]));
  assert.ok(Number.isNaN(off.dataSync()[0]), 'off again: tfjs gives NaN without a word');
  off.dispose();
  assert.throws(() => debugNaN('yes' as unknown as boolean), /^ArgumentError: on must be true or false, got "yes"$/);
});

test('the memory limit is checked before an experiment runs and names the sizes; nn.setMemoryLimit and NNLAB_MEMORY_LIMIT change it', async () => {
  const { setMemoryLimit, memoryLimit, parseBytes } = await import('../src/core/options');
  const { stats, SETUP_B } = await import('../src/lessons/weight-init/stats');
  setMemoryLimit(64 * 2 ** 20);
  try {
    await assert.rejects(stats({ ...SETUP_B }), (err: unknown) => {
      assert.ok(err instanceof ArgumentError);
      assert.match(err.message, /^widths is too large: weightInit\.stats would hold about 38\d MB at once \(6 layers of up to 4096 units: 100663296 weights and 393216 activations for batchSize 16\), over the memory limit of 64 MB \(set by nn\.setMemoryLimit\)$/);
      return true;
    });
  } finally {
    setMemoryLimit(null);
  }
  const saved = process.env.NNLAB_MEMORY_LIMIT;
  try {
    process.env.NNLAB_MEMORY_LIMIT = '8GB';
    assert.deepEqual(memoryLimit(), { bytes: 8 * 2 ** 30, source: 'NNLAB_MEMORY_LIMIT' });
    process.env.NNLAB_MEMORY_LIMIT = 'lots';
    assert.throws(() => memoryLimit(), /^ArgumentError: NNLAB_MEMORY_LIMIT must be a size such as 8GB, 512MB or a number of bytes, got "lots"$/);
  } finally {
    if (saved === undefined) delete process.env.NNLAB_MEMORY_LIMIT; else process.env.NNLAB_MEMORY_LIMIT = saved;
  }
  assert.deepEqual([parseBytes('512 MB'), parseBytes('1e9'), parseBytes('-1'), parseBytes('')], [512 * 2 ** 20, 1e9, null, null]);
  assert.throws(() => setMemoryLimit(0), /^ArgumentError: bytes must be a finite number in \[1048576, /);
});

test('nnlab grade checks its paths before the first kernel starts: a missing notebook, an unwritable --csv or --out exit 2 at once', async () => {
  const { spawnSync } = await import('child_process');
  const path = await import('path');
  const bin = path.resolve(__dirname, '..', '..', 'bin', 'nnlab.js');
  const hw = path.resolve(__dirname, '..', '..', '..', 'notebooks', 'homework', 'hw03-weight-init.ipynb');
  const cases: [string[], RegExp][] = [
    [['does-not-exist.ipynb'], /^nnlab: grade: no such file: "does-not-exist\.ipynb"$/m],
    [[hw, 'missing-2.ipynb'], /^nnlab: grade: no such file: "missing-2\.ipynb"$/m],
    [[hw, '--csv', '/nonexistent-dir/x.csv'], /^nnlab: grade: --csv cannot be written: the folder \/nonexistent-dir does not exist, got "\/nonexistent-dir\/x\.csv"$/m],
    [[hw, '--csv', path.dirname(hw)], /^nnlab: grade: --csv must be a file to write, got ".*homework": that is a folder$/m],
    [[hw, '--out', `${hw}/executed`], /^nnlab: grade: --out cannot be written: .*hw03-weight-init\.ipynb is a file, not a folder/m],
    [[hw, '--jobs', '1', '--jobs', '2'], /--jobs is given twice/],
  ];
  for (const [args, message] of cases) {
    const started = Date.now();
    const r = spawnSync(process.execPath, [bin, 'grade', ...args], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.ok(Date.now() - started < 15_000, 'fails before any kernel starts');
  }
});

test('gradeSubmissions rejects unknown options and missing files before a kernel starts', async () => {
  const { gradeSubmissions } = await import('../src/homework/grade');
  await assert.rejects(gradeSubmissions(['x.ipynb']), /^ArgumentError: no such file: "x\.ipynb"$/);
  await assert.rejects(gradeSubmissions([]), /^ArgumentError: files must be a non-empty array of notebook paths, got \[\]$/);
  await assert.rejects(gradeSubmissions([__filename], bad({ job: 2 })), /gradeSubmissions\.job must be one of the known options .*\(did you mean "jobs"\?\)/);
  await assert.rejects(gradeSubmissions([__filename], { timeout: 0 }), /^ArgumentError: timeout must be an integer in \[1, 86400\], got 0$/);
});
