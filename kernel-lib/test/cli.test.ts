/** The nnlab command line, run as a user runs it: the built bin in a child process. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { numberOption, parseArgs, UsageError } from '../src/core/args';
import { COMMANDS } from '../src/cli/main';
import { SWIFTSHADER_ICD } from './helpers';
import { availableCores } from '../src/core/cores';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'nnlab.js');

const MIRROR = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'datasets');

function nnlab(...args: string[]) {
  return nnlabWithin(120_000, ...args);
}

function nnlabWithin(timeout: number, ...args: string[]) {
  const env = { ...process.env, NNLAB_DEVICE: '', NNLAB_DATA_MIRROR: MIRROR, NNLAB_DATA_OFFLINE: '1', NNLAB_DATA_DIR: path.join(os.tmpdir(), `nnlab-cli-cache-${process.pid}`) };
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout, env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every command: the house's and each lesson's experiments (lessons add theirs to COMMANDS). */
const ALL_COMMANDS = Object.keys(COMMANDS);

test('nnlab --help lists every command', () => {
  const r = nnlab('--help');
  assert.equal(r.status, 0);
  for (const c of ['device', 'list', 'run', 'kernels', 'data', 'version']) assert.ok(ALL_COMMANDS.includes(c), `${c} is a command`);
  for (const c of ALL_COMMANDS) assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'));
});

test('nnlab bogus is an error with exit status 2, not ignored, and lists every known command', () => {
  const r = nnlab('bogus');
  assert.equal(r.status, 2);
  const known = /nnlab: unknown command "bogus" \(known: ([^)]*)\)/.exec(r.stderr);
  assert.ok(known, r.stderr);
  assert.deepEqual(known[1].split(', '), ALL_COMMANDS);
});

test('nnlab device --frobnicate is an error naming the option and the known ones', () => {
  const r = nnlab('device', '--frobnicate');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /device: unknown option "--frobnicate" \(known: --json, --help\)/);
});

test('every command answers --help with its usage', () => {
  for (const c of ALL_COMMANDS) {
    const r = nnlab(c, '--help');
    assert.equal(r.status, 0, `${c} --help`);
    assert.match(r.stdout, new RegExp(`^nnlab ${c}`), `${c} --help prints its usage`);
  }
});

test('nnlab device cpu --json reports wasm and why, as JSON', () => {
  const r = nnlab('device', 'cpu', '--json');
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.deepEqual([report.requested, report.source, report.candidate, report.backend, report.device], ['cpu', 'argument', 'wasm', 'wasm', 'cpu']);
  assert.deepEqual(report.attempts.map((a: { candidate: string; outcome: string }) => [a.candidate, a.outcome]),
    [['tfjs-node', 'unavailable'], ['wasm', 'selected']]);
  assert.match(report.summary, /^nnlab device: wasm \(SIMD, \d threads?( per op)?, nnlab kernels\); native backend not installed: `npm i @tensorflow\/tfjs-node@4\.22\.0` for more speed$/);
  assert.equal(report.versions.tfjs, '4.22.0');
  assert.deepEqual(report.details.wasm.kernels, ['BatchMatMul', '_FusedMatMul', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'Tile', 'Identity', 'MaxPoolGrad', 'Sum', 'Mean', 'Cast', 'Tanh', 'FusedBatchNorm', 'NnlabAdamUpdate', 'Transpose', 'NnlabDropoutMask']);
  assert.deepEqual(report.details.wasm.gradients, ['FusedBatchNorm', 'Mean']);
  // the default: 'auto' threads (the cores, at most 4), handed out per operation when there are several
  const auto = Math.min(availableCores(), 4);
  assert.deepEqual([report.details.wasm.threads.threads, report.details.wasm.threads.source, report.details.wasm.threads.perOp], [auto, 'default', auto > 1]);
  assert.match(report.description, auto > 1 ? new RegExp(`^SIMD, ${auto} threads per op, nnlab kernels$`) : /^SIMD, 1 thread, nnlab kernels$/);
});

test('NNLAB_WASM_THREADS=2 NNLAB_WASM_KERNELS=0 nnlab device cpu runs stock kernels on the threaded build', () => {
  const r = spawnSync(process.execPath, [BIN, 'device', 'cpu', '--json'], {
    encoding: 'utf8', timeout: 120_000, env: { ...process.env, NNLAB_WASM_THREADS: '2', NNLAB_WASM_KERNELS: '0' },
  });
  const report = JSON.parse(r.stdout);
  assert.match(report.description, /^SIMD, 2 threads per op, stock kernels$/);
  assert.equal(report.details.wasm.threads.build, 'threaded-simd');
  assert.deepEqual([report.details.wasm.kernels, report.details.wasm.gradients], [[], []]);
  const bad = spawnSync(process.execPath, [BIN, 'device', 'cpu'], { encoding: 'utf8', env: { ...process.env, NNLAB_WASM_KERNELS: 'maybe' } });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /NNLAB_WASM_KERNELS must be one of 1, true, on, yes, 0, false, off, no or empty, got "maybe"/);
  const badThreads = spawnSync(process.execPath, [BIN, 'device', 'cpu'], { encoding: 'utf8', env: { ...process.env, NNLAB_WASM_THREADS: '0' } });
  assert.equal(badThreads.status, 1);
  assert.match(badThreads.stderr, /NNLAB_WASM_THREADS must be an integer in \[1, 8\] or "auto", got "0"/);
});

test('nnlab device prints the one-line report', () => {
  const r = nnlab('device', 'cpu');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^nnlab device: wasm \(SIMD/);
  assert.equal(nnlab('device', 'tpu').status, 2);
});

test('nnlab list shows lesson zero with its summary; --json gives records', () => {
  const r = nnlab('list');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /00-getting-started\s+Getting started\s+the device report/);
  const list = JSON.parse(nnlab('list', '--json').stdout);
  assert.deepEqual(list[0], {
    name: '00-getting-started', lesson: '00', title: 'Getting started',
    summary: 'the device report, a first tensor and seeds, an inline chart, a table, a real dataset, live progress, check cells',
    namespace: null, commands: [], homework: null,
  });
  assert.deepEqual(list.find((l: { lesson: string }) => l.lesson === '04').commands.slice(0, 1), ['batchnorm']);
  assert.match(nnlab('list', '--markdown').stdout, /^\| notebook \| lesson \| library \| CLI \| homework \|$/m);
});

test('nnlab run checks its arguments before starting Jupyter', () => {
  let r = nnlab('run');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /run: missing <notebook>/);
  r = nnlab('run', '00', '--kernel', 'tpu');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--kernel must be one of cpu, gpu, got "tpu"/);
  r = nnlab('run', '00', '--timeout', '-3');
  assert.equal(r.status, 2);
  r = nnlab('run', 'no-such-lesson');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no notebook "no-such-lesson": give a path to an .ipynb or one of 00-getting-started/);
});

test('nnlab kernels prints both kernelspecs with absolute paths', () => {
  const specs = JSON.parse(nnlab('kernels').stdout);
  assert.deepEqual(Object.keys(specs), ['nnlab-cpu', 'nnlab-gpu']);
  assert.equal(specs['nnlab-gpu'].display_name, 'TypeScript (nnlab, GPU)');
  assert.ok(path.isAbsolute(specs['nnlab-cpu'].argv[1]));
});

test('parseArgs accepts --opt=value and --opt value, and rejects a missing value', () => {
  const spec = { flags: ['json'], options: { out: null, kernel: ['cpu', 'gpu'] }, positionals: ['notebook'] };
  const a = parseArgs('run', ['nb', '--out=x', '--kernel', 'gpu', '--json'], spec);
  assert.deepEqual([a.positionals, a.options, [...a.flags]], [['nb'], { out: 'x', kernel: 'gpu' }, ['json']]);
  assert.throws(() => parseArgs('run', ['nb', '--out'], spec), new UsageError('run: --out needs a value'));
  assert.throws(() => parseArgs('run', ['nb', '--json=1'], spec), /--json takes no value/);
  assert.throws(() => parseArgs('run', ['nb', 'extra'], spec), /unexpected argument "extra"/);
  assert.throws(() => parseArgs('run', ['nb', '-x'], spec), /unknown option "-x"/);
});

test('nnlab data list shows the three registered datasets', () => {
  const r = nnlab('data', 'list', '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).map((d: { name: string; train: number }) => [d.name, d.train]),
    [['mnist', 60000], ['fashion-mnist', 60000], ['cifar-10', 50000]]);
});

test('nnlab data info mnist --json reports checksum status, the mirror and counts per class', () => {
  const r = nnlab('data', 'info', 'mnist', '--json');
  assert.equal(r.status, 0, r.stderr);
  const info = JSON.parse(r.stdout); // pure JSON: the partial-file note goes to stderr
  assert.equal(info.mirror, MIRROR);
  assert.deepEqual(info.files.map((f: { status: string }) => f.status), ['partial', 'verified', 'verified', 'verified']);
  assert.deepEqual(info.splits[1].perClass, [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
});

test('nnlab data fetch mnist offline exits 1 and names the missing file', () => {
  const r = nnlab('data', 'fetch', 'mnist');
  assert.equal(r.status, 1);
  assert.match(r.stdout, /train-images-idx3-ubyte\.gz\s+9912422\s+partial/);
});

test('nnlab data fetch fashion-mnist offline with an empty mirror prints the whole reason: where it looked, the URLs and the advice', () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-empty-mirror-'));
  const env = { ...process.env, NNLAB_DEVICE: '', NNLAB_DATA_MIRROR: empty, NNLAB_DATA_OFFLINE: '1', NNLAB_DATA_DIR: path.join(empty, 'cache') };
  const r = spawnSync(process.execPath, [BIN, 'data', 'fetch', 'fashion-mnist'], { encoding: 'utf8', timeout: 120_000, env });
  fs.rmSync(empty, { recursive: true, force: true });
  assert.equal(r.status, 1, r.stderr);
  const reason = new RegExp([
    '^test: not loadable: fashion-mnist: t10k-images-idx3-ubyte\\.gz is not available\\. Looked in:',
    `  cache ${empty}/cache/fashion-mnist/t10k-images-idx3-ubyte\\.gz: missing`,
    `  mirror ${empty}/fashion-mnist/t10k-images-idx3-ubyte\\.gz: missing`,
    `  mirror ${empty}/t10k-images-idx3-ubyte\\.gz: missing`,
    '  official URLs: not tried \\(offline: NNLAB_DATA_OFFLINE=1 or download: false\\)',
    'It comes from http://fashion-mnist\\.s3-website\\.eu-central-1\\.amazonaws\\.com/t10k-images-idx3-ubyte\\.gz or ' +
      'https://raw\\.githubusercontent\\.com/zalandoresearch/fashion-mnist/master/data/fashion/t10k-images-idx3-ubyte\\.gz\\. ' +
      'Offline, set NNLAB_DATA_MIRROR to a folder',
  ].join('\n'), 'm');
  assert.match(r.stdout, reason);
  assert.match(r.stdout, /^train: not loadable: fashion-mnist: train-images-idx3-ubyte\.gz is not available\. Looked in:\n  cache /m);
});

test('nnlab device with no Vulkan driver leaves stderr clean and says in the report what Dawn found', () => {
  const env = { ...process.env, NNLAB_DEVICE: '', VK_ICD_FILENAMES: path.join(os.tmpdir(), 'no-such-vulkan-icd.json') };
  const r = spawnSync(process.execPath, [BIN, 'device', '--json'], { encoding: 'utf8', timeout: 120_000, env });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'no "Warning: vkCreateInstance: Found no drivers!" from the native library');
  const webgpu = JSON.parse(r.stdout).attempts.find((a: { candidate: string }) => a.candidate === 'webgpu');
  assert.equal(webgpu.outcome, 'unavailable');
  assert.match(webgpu.detail, /^no WebGPU adapter \(Dawn found no usable Vulkan, Metal or D3D12 GPU; Dawn says ".*vkCreateInstance: Found no drivers!/);
});

test('nnlab device gpu with the SwiftShader Vulkan driver finds the software GPU, stderr clean', () => {
  const env = { ...process.env, NNLAB_DEVICE: '', VK_ICD_FILENAMES: SWIFTSHADER_ICD };
  const r = spawnSync(process.execPath, [BIN, 'device', 'gpu'], { encoding: 'utf8', timeout: 120_000, env });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /^nnlab device: webgpu \(WebGPU on SwiftShader driver [\d.]+\); software GPU: correct but slow$/m);
});

test('nnlab data with a bad action or dataset is an error naming it', () => {
  let r = nnlab('data', 'frob');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /data: unknown action "frob" \(known: list, fetch, info\)/);
  r = nnlab('data', 'info', 'imagenet');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /dataset must be one of "mnist", "fashion-mnist", "cifar-10", got "imagenet"/);
  assert.equal(nnlab('data', 'info').status, 2);
});

test('nnlab batchnorm --json prints the record: train-mode features at mean 0, std 1, and the train/test discrepancy', () => {
  const r = nnlab('batchnorm', '--json', '--seed', '3');
  assert.equal(r.status, 0, r.stderr);
  const record = JSON.parse(r.stdout);
  assert.equal(record.experiment, 'batchNormStats');
  assert.equal(record.options.seed, 3);
  assert.equal(record.options.mode, 'both');
  for (const m of record.train.mean) assert.ok(Math.abs(m) < 1e-5);
  for (const s of record.train.std) assert.ok(Math.abs(s - 1) < 1e-5);
  assert.ok(record.discrepancy.maxAbs > 0);
  const test = JSON.parse(nnlab('batchnorm', '--mode', 'test', '--json').stdout);
  assert.deepEqual([test.train, test.discrepancy, test.test.mean.length], [null, null, 4]);
});

test('nnlab batchnorm prints per-feature statistics as a table, and rejects a bad --mode or --seed', () => {
  const r = nnlab('batchnorm', '--mode', 'both');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^feature\s+input mean\s+input std\s+train mean\s+train std\s+test mean\s+test std\s+running mean\s+running var$/m);
  assert.match(r.stdout, /^train\/test discrepancy on this batch: max \|y_train - y_test\| = /m);
  let bad = nnlab('batchnorm', '--mode', 'eval');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /batchnorm: --mode must be one of train, test, both, got "eval"/);
  bad = nnlab('batchnorm', '--seed', 'x');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /batchnorm: --seed must be an integer >= 0, got "x"/);
  bad = nnlab('batchnorm', '--batch', '1000000', '--features', '100000');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^nnlab: batchnorm: --batch is too large: batchNorm\.stats would do about/);
});

test('nnlab batchnorm and batchnorm-fold take the sizes and constants the notebook does, checked as declared', () => {
  const r = nnlab('batchnorm', '--batch', '32', '--features', '3', '--warmup', '2', '--momentum', '0.5', '--eps', '1e-3', '--json');
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout).options;
  assert.deepEqual([o.batchSize, o.features, o.warmupSteps, o.momentum, o.eps], [32, 3, 2, 0.5, 1e-3]);
  const f = nnlab('batchnorm-fold', '--batch', '4', '--warmup', '1', '--json');
  assert.equal(f.status, 0, f.stderr);
  assert.deepEqual([JSON.parse(f.stdout).options.batchSize, JSON.parse(f.stdout).options.warmupSteps], [4, 1]);
});

test('nnlab batchnorm-fold --json prints the max abs difference between folded and unfolded outputs', () => {
  const r = nnlab('batchnorm-fold', '--json');
  assert.equal(r.status, 0, r.stderr);
  const record = JSON.parse(r.stdout);
  assert.equal(record.experiment, 'batchNormFold');
  for (const kind of ['dense', 'conv']) {
    assert.ok(record[kind].maxAbsDiff < 1e-5 * 2 * record[kind].maxAbsOutput, `${kind}: ${record[kind].maxAbsDiff}`);
  }
  assert.match(nnlab('batchnorm-fold').stdout, /^conv\s+\[3, 3, 3, 8\]\s+\[32, 8, 8, 8\]/m);
});

test('nnlab dropout --p 0.5 --samples 4000 --json prints the three cases\' training-time means, test outputs and gaps', () => {
  const r = nnlab('dropout', '--p', '0.5', '--samples', '4000', '--seed', '2', '--json');
  assert.equal(r.status, 0, r.stderr);
  const record = JSON.parse(r.stdout);
  assert.equal(record.experiment, 'dropoutExpectation');
  assert.deepEqual([record.options.p, record.options.samples, record.options.seed], [0.5, 4000, 2]);
  assert.deepEqual(record.cases.map((c: { scheme: string }) => c.scheme), ['vanilla', 'vanillaForgot', 'inverted']);
  assert.deepEqual(record.neuron.monteCarlo.map((m: { test: number }) => m.test), [2.5, 5, 5]);
  const text = nnlab('dropout', '--samples', '4000');
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^dropout expectation: p = 0\.5, 4000 masks per example, seed 0, backend wasm$/m);
  assert.match(text.stdout, /^\(b\) vanilla, scaling forgotten\s+first\s/m);
  assert.match(text.stdout, /^case\s+probe\s+mean\(train\)\s+test\s+gap ± SE\s+max \|gap\|\/SE\s+max \|exact − test\|$/m);
});

test('nnlab dropout shows a progress bar on stderr when the run takes seconds (stdout keeps only the JSON), none for a quick one', () => {
  const r = nnlab('dropout', '--samples', '400000', '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).options.samples, 400000);
  assert.match(r.stderr, /^dropout\.expectation: net: masks\s+\d+% \[#*\.*\] \d+\/\d+ /m);
  assert.doesNotMatch(nnlab('dropout', '--samples', '4000', '--json').stderr, /dropout\.expectation/);
});

test('nnlab dropout --p 0 fails naming the keep probability; --p abc is a usage error', () => {
  let r = nnlab('dropout', '--p', '0');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^nnlab: dropout: --p must be a keep probability in \(0, 1\] \(p = 1 keeps every unit: no dropout; p is the keep probability, tf\.layers\.dropout's rate is 1 - p\), got "0"$/m);
  r = nnlab('dropout', '--p', 'abc');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /dropout: --p must be a decimal number in \(0, 1\] \(such as 0\.5 or 1e-3\), got "abc"/);
});

test('nnlab dropout-overfit --quick --epochs 1 prints per-epoch train and validation accuracy for each p', () => {
  const r = nnlab('dropout-overfit', '--quick', '--epochs', '1');
  assert.equal(r.status, 0, r.stderr);
  for (const name of ['no dropout \\(p = 1\\)', 'dropout p = 0\\.5']) {
    assert.match(r.stdout, new RegExp(`^${name}\\s+epoch   1: train acc 0\\.\\d{4}, val acc 0\\.\\d{4}`, 'm'));
  }
  const json = nnlab('dropout-overfit', '--quick', '--epochs', '1', '--json');
  assert.equal(json.status, 0, json.stderr);
  const record = JSON.parse(json.stdout); // pure JSON: the dataset note goes to stderr
  assert.deepEqual([record.parameters, record.options.epochs, record.runs.length], [932_362, 1, 2]);
});

test('nnlab dropout-overfit --quick --large is a usage error: the two presets exclude each other', () => {
  const r = nnlab('dropout-overfit', '--quick', '--large');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /dropout-overfit: --quick and --large exclude each other/);
});

test('nnlab init-stats --json prints the record: init, activation, backend, layers with histograms, gradients, ms', () => {
  const r = nnlab('init-stats', '--init', 'small', '--activation', 'tanh', '--layers', '4', '--width', '50', '--batch', '100', '--bins', '10', '--seed', '3', '--json');
  assert.equal(r.status, 0, r.stderr);
  const record = JSON.parse(r.stdout);
  assert.deepEqual([record.init, record.activation, record.backend, record.options.seed, record.options.widths], ['small', 'tanh', 'wasm', 3, [50, 50, 50, 50]]);
  assert.deepEqual(record.layers.map((l: { layer: number }) => l.layer), [1, 2, 3, 4]);
  for (const l of record.layers) {
    assert.equal(typeof l.mean, 'number');
    assert.equal(typeof l.std, 'number');
    assert.deepEqual([l.histogram.edges.length, l.histogram.counts.length], [11, 10]);
  }
  assert.deepEqual(record.gradients.map((g: { layer: number; std: number }) => [g.layer, typeof g.std]), [[1, 'number'], [2, 'number'], [3, 'number'], [4, 'number']]);
  assert.ok(record.ms > 0 && record.ms === record.meta.ms);
  assert.ok(record.layers[3].std < record.layers[0].std / 100, 'small init: the std collapses');
});

test('nnlab init-stats prints a per-layer table and a verdict; --grid runs every init x {tanh, relu}', () => {
  const r = nnlab('init-stats', '--init', 'he', '--activation', 'relu', '--layers', '3', '--width', '40', '--batch', '60');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^he init, relu, 60 x 40 input \(saturated: a = 0 \(dead\)\)$/m);
  assert.match(r.stdout, /^layer\s+mean\s+std\s+saturated\s+dead units\s+std dL\/dW\s+std dL\/dx$/m);
  assert.match(r.stdout, /^verdict: healthy; 3 layers in \d+ ms on wasm$/m);
  const defaults = JSON.parse(nnlab('init-stats', '--layers', '2', '--width', '20', '--batch', '30', '--json').stdout);
  assert.deepEqual([defaults.init, defaults.activation, defaults.options.scale, defaults.options.bins], ['xavier', 'tanh', null, 30]);
  const grid = JSON.parse(nnlab('init-stats', '--grid', '--layers', '2', '--width', '20', '--batch', '30', '--json').stdout);
  assert.equal(grid.records.length, 12);
  assert.deepEqual(grid.records.slice(0, 2).map((x: { init: string; activation: string }) => `${x.init}/${x.activation}`), ['zeros/tanh', 'zeros/relu']);
});

test('nnlab init-stats rejects an unknown init, bad sizes and bins by option name, before starting a backend', () => {
  let r = nnlab('init-stats', '--init', 'kaiming');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /init-stats: --init must be one of zeros, small, large, xavier, glorot, he, got "kaiming"/);
  r = nnlab('init-stats', '--layers', '0');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /init-stats: --layers must be an integer in \[1, 1000\], got "0"/);
  r = nnlab('init-stats', '--batch', '-5');
  assert.match(r.stderr, /init-stats: --batch must be an integer in \[1, 1000000\], got "-5"/);
  r = nnlab('init-stats', '--bins', '0');
  assert.match(r.stderr, /init-stats: --bins must be an integer in \[1, 10000\], got "0"/);
  r = nnlab('init-stats', '--width', 'wide');
  assert.match(r.stderr, /init-stats: --width must be an integer in \[1, 65536\], got "wide"/);
  r = nnlab('init-stats', '--activation', 'softmax');
  assert.match(r.stderr, /init-stats: --activation must be one of tanh, relu, leakyRelu, sigmoid, elu, selu, got "softmax"/);
  r = nnlab('init-stats', '--init', 'he', '--scale', '2');
  assert.match(r.stderr, /init-stats: --scale must be left out for init "he"/);
  r = nnlab('init-stats', '--grid', '--init', 'he');
  assert.match(r.stderr, /init-stats: --grid runs every init and activation: leave out --init, --activation and --scale/);
  assert.doesNotMatch(r.stdout, /nnlab device/);
});

test('nnlab transfer-table --quick --large 20 --json prints the measured 2 × 2 table: cells with every strategy, the best, the advice', () => {
  const r = nnlabWithin(600_000, 'transfer-table', '--quick', '--large', '20', '--json');
  assert.equal(r.status, 0, r.stderr);
  const record = JSON.parse(r.stdout);
  assert.equal(record.experiment, 'transferTable');
  assert.deepEqual([record.options.small, record.options.large, record.options.repeats], [5, 20, 1]);
  assert.deepEqual(record.cells.map((c: { size: string; similarity: string }) => `${c.size}/${c.similarity}`), ['small/similar', 'small/different', 'large/similar', 'large/different']);
  for (const c of record.cells) {
    assert.deepEqual(c.results.map((x: { strategy: string }) => x.strategy), ['scratch', 'linear', 'finetune-top', 'finetune-all', 'ensemble']);
    for (const x of c.results) assert.ok(x.accuracy > 0.3 && x.accuracy <= 1, `${c.size}/${c.similarity} ${x.strategy}: ${x.accuracy}`);
    assert.ok(c.results.some((x: { strategy: string }) => x.strategy === c.best));
    assert.match(c.advice, /\w+/);
  }
  assert.ok(record.model.testAccuracy > 0.97, `the zoo model: ${record.model.testAccuracy}`);
  const list = nnlab('zoo', 'list', '--json');
  assert.equal(list.status, 0, list.stderr);
  assert.deepEqual(JSON.parse(list.stdout).map((m: { name: string; built: boolean }) => [m.name, m.built]), [['mnist-0-4-cnn', true]]);
  const bad = nnlab('transfer-table', '--large', 'many');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /transfer-table: --large must be an integer in \[2, 10000\], got "many"/);
});

test('numberOption reads a number or a whole number >= 0, and its errors name the command, option and value', () => {
  assert.equal(numberOption(undefined, 'dropout', 'p'), undefined);
  assert.equal(numberOption(' 0.25 ', 'dropout', 'p'), 0.25);
  assert.equal(numberOption('-3', 'dropout', 'seed'), -3);
  assert.equal(numberOption('007', 'batchnorm', 'seed', 'whole'), 7);
  assert.deepEqual(['1e-3', '.5', '+2', '2.5E+1'].map((v) => numberOption(v, 'dropout', 'p')), [1e-3, 0.5, 2, 25]);
  assert.throws(() => numberOption('', 'dropout', 'p'), new UsageError('dropout: --p must be a decimal number (such as 0.5 or 1e-3), got ""'));
  for (const bad of ['Infinity', '0x10', '0b11', '1e999', '1,5', '5%']) {
    assert.throws(() => numberOption(bad, 'dropout', 'samples'), new UsageError(`dropout: --samples must be a decimal number (such as 0.5 or 1e-3), got "${bad}"`));
  }
  for (const bad of ['1e3', '-1', '2.5', 'x', '', String(2 ** 53)]) {
    assert.throws(() => numberOption(bad, 'transfer-table', 'small', 'whole'), new UsageError(`transfer-table: --small must be a whole number >= 0, got "${bad}"`));
  }
});

test('an option or flag given twice is a usage error naming both values, not "the last one wins"', () => {
  const spec = { flags: ['json'], options: { p: null, mode: ['train', 'test'] } };
  assert.throws(() => parseArgs('dropout', ['--p', '0.5', '--p', '0.9'], spec),
    new UsageError('dropout: --p is given twice ("0.5" and "0.9"); give it once'));
  assert.throws(() => parseArgs('batchnorm', ['--mode', 'train', '--mode=test'], spec),
    new UsageError('batchnorm: --mode is given twice ("train" and "test"); give it once'));
  assert.throws(() => parseArgs('list', ['--json', '--json'], spec), new UsageError('list: --json is given twice; give it once'));
  for (const argv of [['dropout', '--p', '0.5', '--p', '0.9'], ['init-stats', '--layers', '2', '--layers', '3'], ['grade', 'x.ipynb', '--jobs', '1', '--jobs', '2']]) {
    const r = spawnSync(process.execPath, [BIN, ...argv], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 2, `${argv.join(' ')}: exit ${r.status}\n${r.stderr}`);
    assert.match(r.stderr, new RegExp(`${argv[0]}: --${argv[argv.length - 2].slice(2)} is given twice`));
  }
});
