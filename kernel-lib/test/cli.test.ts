/** The nnlab command line, run as a user runs it: the built bin in a child process. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { parseArgs, UsageError } from '../src/cli/args';
import { COMMANDS } from '../src/cli/main';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'nnlab.js');

const MIRROR = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'datasets');

function nnlab(...args: string[]) {
  const env = { ...process.env, NNLAB_DEVICE: '', NNLAB_DATA_MIRROR: MIRROR, NNLAB_DATA_OFFLINE: '1', NNLAB_DATA_DIR: path.join(os.tmpdir(), `nnlab-cli-cache-${process.pid}`) };
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000, env });
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
  assert.match(report.summary, /^nnlab device: wasm \(SIMD, \d threads?, nnlab kernels\); native backend not installed: `npm i @tensorflow\/tfjs-node@4\.22\.0` for more speed$/);
  assert.equal(report.versions.tfjs, '4.22.0');
  assert.deepEqual(report.details.wasm.kernels, ['BatchMatMul', '_FusedMatMul', 'Conv2DBackpropFilter', 'Conv2DBackpropInput']);
  assert.deepEqual([report.details.wasm.threads.threads, report.details.wasm.threads.source], [1, 'default']);
});

test('NNLAB_WASM_THREADS=2 NNLAB_WASM_KERNELS=0 nnlab device cpu runs stock kernels on the threaded build', () => {
  const r = spawnSync(process.execPath, [BIN, 'device', 'cpu', '--json'], {
    encoding: 'utf8', timeout: 120_000, env: { ...process.env, NNLAB_WASM_THREADS: '2', NNLAB_WASM_KERNELS: '0' },
  });
  const report = JSON.parse(r.stdout);
  assert.match(report.description, /^SIMD, 2 threads, stock kernels$/);
  assert.equal(report.details.wasm.threads.build, 'threaded-simd');
  assert.deepEqual(report.details.wasm.kernels, []);
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
  });
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
  const info = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
  assert.equal(info.mirror, MIRROR);
  assert.deepEqual(info.files.map((f: { status: string }) => f.status), ['partial', 'verified', 'verified', 'verified']);
  assert.deepEqual(info.splits[1].perClass, [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
});

test('nnlab data fetch mnist offline exits 1 and names the missing file', () => {
  const r = nnlab('data', 'fetch', 'mnist');
  assert.equal(r.status, 1);
  assert.match(r.stdout, /train-images-idx3-ubyte\.gz\s+9912422\s+partial/);
});

test('nnlab data with a bad action or dataset is an error naming it', () => {
  let r = nnlab('data', 'frob');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /data: unknown action "frob" \(known: list, fetch, info\)/);
  r = nnlab('data', 'info', 'imagenet');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /dataset must be one of "mnist", "fashion-mnist", "cifar-10", got "imagenet"/);
  assert.equal(nnlab('data', 'info').status, 2);
});
