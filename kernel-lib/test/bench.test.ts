/**
 * `nnlab bench` (issue 4): its pure parts (median, ratios, the table, the kernel summary), the
 * models' weight counts in both frameworks, a leak-free in-process run on the cpu backend, and
 * the built CLI's `--quick --only gemm --json` in a child process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { benchModel, cnnModel, denseParameterCount, TRAIN_SPECS } from '../src/bench/models';
import {
  BenchRecord, BenchResult, benchReportText, benchTable, fastestCalls, formatRate, formatRatio, median,
  missedTargetLines, ratio, ratios, runCounts, summarizeKernels, underLoad,
} from '../src/bench/report';
import { parseList, PYTHON, torchScript } from '../src/bench/run';
import { plannedSkip, runChildTask, timeRuns } from '../src/bench/train';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'nnlab.js');

const result = (config: string, bench: BenchResult['bench'], value: number | null, extra: Partial<BenchResult> = {}): BenchResult =>
  ({ config, bench, unit: bench === 'gemm' ? 'GFLOP/s' : 'samples/s', value, runs: value === null ? [] : [value], stepsPerRun: 1, ...extra });

test('median([3, 1, 2]) is 2, median([4, 1, 3, 2]) is 2.5, and median([]) throws', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  assert.throws(() => median([]), { message: 'median of no values' });
});

test('ratio(value, reference) is value / reference, and null without a positive reference', () => {
  assert.equal(ratio(2400, 3200), 0.75);
  assert.equal(ratio(null, 3200), null);
  assert.equal(ratio(1, 0), null);
  assert.equal(ratio(1, undefined), null);
});

test('formatRate and formatRatio print 3 significant digits below 100, grouped integers above', () => {
  assert.equal(formatRate(2612.4), '2,612');
  assert.equal(formatRate(11.43), '11.4');
  assert.equal(formatRate(0.2537), '0.254');
  assert.equal(formatRatio(0.8123), '0.81x');
  assert.equal(formatRatio(0.0172), '0.017x');
  assert.equal(formatRatio(11.2), '11x');
});

test('ratios(results, targets) compares each tfjs configuration with PyTorch and judges only wasm + nnlab against the target', () => {
  const results = [
    result('pytorch', 'mlp', 3200), result('wasm-nnlab', 'mlp', 2400), result('wasm-stock', 'mlp', 210),
    result('pytorch', 'cnn', 100), result('wasm-nnlab', 'cnn', 31), result('wasm-stock', 'cnn', null, { error: 'no kernel' }),
    result('wasm-nnlab', 'gemm', 45),
  ];
  const rows = ratios(results, { mlp: 0.8, cnn: 0.3 });
  assert.deepEqual(rows, [
    { bench: 'mlp', config: 'wasm-nnlab', ratio: 0.75, target: 0.8, met: false },
    { bench: 'mlp', config: 'wasm-stock', ratio: 210 / 3200, target: null, met: null },
    { bench: 'cnn', config: 'wasm-nnlab', ratio: 0.31, target: 0.3, met: true },
  ]);
});

test('fastestCalls keeps each kernel call\'s smallest time over steps, and the last step when the kernels differ', () => {
  const k = (name: string, ms: number) => ({ name, ms, inputShapes: [] });
  assert.deepEqual(fastestCalls([[k('A', 5), k('B', 1)], [k('A', 2), k('B', 9)]]), [k('A', 2), k('B', 1)]);
  assert.deepEqual(fastestCalls([[k('A', 5)], [k('B', 3)]]), [k('B', 3)]);
  assert.deepEqual(fastestCalls([]), []);
});

test('summarizeKernels sums calls by kernel, slowest first, with shares of the step and the time outside kernels', () => {
  const calls = [
    { name: 'BatchMatMul', ms: 20, inputShapes: [[128, 512], [512, 512]] },
    { name: 'Multiply', ms: 5, inputShapes: [] },
    { name: 'BatchMatMul', ms: 10, inputShapes: [] },
  ];
  const p = summarizeKernels('wasm-nnlab', 'mlp', calls, 50);
  assert.deepEqual(p.kernels, [{ kernel: 'BatchMatMul', ms: 30, calls: 2, share: 0.6 }, { kernel: 'Multiply', ms: 5, calls: 1, share: 0.1 }]);
  assert.equal(p.kernelMs, 35);
  assert.equal(p.outsideKernelsMs, 15);
  assert.deepEqual(p.slowest[0], { kernel: 'BatchMatMul', ms: 20, inputShapes: [[128, 512], [512, 512]] });
});

function fakeRecord(): BenchRecord {
  const results = [
    result('wasm-nnlab', 'mlp', 2400), result('pytorch', 'mlp', 3200),
    result('wasm-stock', 'mlp', 210), result('wasm-stock', 'cnn', null, { error: "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'" }),
    result('wasm-nnlab', 'cnn', 31), result('pytorch', 'cnn', 100),
  ];
  const targets = { mlp: 0.8, cnn: 0.3 };
  return {
    kind: 'nnlab-bench',
    options: { only: ['mlp', 'cnn'], configs: ['wasm-nnlab', 'pytorch', 'wasm-stock'], quick: false, schedule: { runs: 5 }, torchThreads: 2, seed: 1 },
    machine: { cpus: 2, cpuModel: 'test CPU', platform: 'linux', memoryGB: 8, loadAverageStart: [0.1, 0, 0], loadAverageEnd: [0.2, 0, 0] },
    versions: { node: 'v20', tfjs: '4.22.0', torch: '1.13.1' },
    configs: [
      { config: 'wasm-nnlab', status: 'ran', detail: '2 threads' }, { config: 'pytorch', status: 'ran', detail: 'PyTorch' },
      { config: 'wasm-stock', status: 'ran', detail: '1 thread' }, { config: 'tfjs-node', status: 'unavailable', detail: 'not installed' },
    ],
    results,
    ratios: ratios(results, targets),
    profiles: [summarizeKernels('wasm-nnlab', 'mlp', [{ name: 'BatchMatMul', ms: 30, inputShapes: [] }, { name: 'Multiply', ms: 5, inputShapes: [] }], 50)],
    targets,
    meta: { startedAt: '2025-01-01T00:00:00.000Z', seconds: 1 },
  };
}

test('benchTable(record) prints one row per benchmark, ratios in cells, the target verdict, and numbered notes for failures', () => {
  const { text, notes } = benchTable(fakeRecord());
  const lines = text.split('\n');
  assert.match(lines[0], /^benchmark\s+unit\s+wasm \+ nnlab\s+PyTorch CPU\s+wasm stock\s+target \(wasm \+ nnlab\)$/);
  assert.match(lines[2], /^MLP\s+samples\/s\s+2,400 \(0\.75x\)\s+3,200\s+210 \(0\.066x\)\s+>= 0\.8x  MISSED$/);
  assert.match(lines[3], /^CNN\s+samples\/s\s+31 \(0\.31x\)\s+100\s+failed \[1\]\s+>= 0\.3x  met$/);
  assert.deepEqual(notes, ["wasm stock, cnn: Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'"]);
  assert.ok(!text.includes('tfjs-node'), 'a configuration that did not run has no column');
});

test('missedTargetLines(record) names the kernels that take the time of a profiled wasm + nnlab step', () => {
  assert.deepEqual(missedTargetLines(fakeRecord()), [
    'mlp: wasm + nnlab at 0.75x of PyTorch, target 0.8x missed; a profiled step (50 ms): BatchMatMul 60% (1 call), Multiply 10% (1 call); outside kernels 30%',
  ]);
});

test('runCounts(results) names the usual number of timed runs and the configurations that ran fewer', () => {
  const rs = [result('wasm-nnlab', 'mlp', 1, { runs: [1, 2, 3, 4, 5] }), result('pytorch', 'mlp', 1, { runs: [1, 2, 3, 4, 5] }), result('cpu', 'mlp', 1, { runs: [1, 2, 3] })];
  assert.equal(runCounts(rs), '5 (cpu (plain JS): 3)');
  assert.equal(runCounts(rs.slice(0, 2)), '5');
});

test('benchReportText(record) says when the machine is under load, and lists unavailable configurations', () => {
  const quiet = benchReportText(fakeRecord());
  assert.ok(!quiet.includes('under load'));
  assert.match(quiet, /^tfjs-node: unavailable: not installed$/m);
  const loaded = fakeRecord();
  loaded.machine.loadAverageStart = [5.5, 5, 5];
  assert.match(benchReportText(loaded), /measured under load: load average 5\.5 at the start, 0\.2 at the end, on 2 CPUs/);
  assert.equal(underLoad([1.1], 2), true);
  assert.equal(underLoad([0.9], 2), false);
});

test('parseList("only", "gemm,mlp", names) keeps the canonical order, and an unknown name is an error naming the value', () => {
  const names = ['mlp', 'cnn', 'two-layer', 'gemm'] as const;
  assert.deepEqual(parseList('only', 'gemm,mlp', names), ['mlp', 'gemm']);
  assert.throws(() => parseList('only', 'mlp,resnet', names), { message: '--only must be a comma-separated list of mlp, cnn, two-layer, gemm, got "mlp,resnet"' });
  assert.throws(() => parseList('only', '', names), { message: /got ""/ });
});

test('timeRuns(step, sync, schedule) warms up, sizes runs from the last warm-up step, and times each run', () => {
  let steps = 0;
  let syncs = 0;
  const { runSeconds, stepsPerRun } = timeRuns(() => { steps++; }, () => { syncs++; }, { runs: 3, warmup: 2, minRunSeconds: 1, maxStepsPerRun: 4 });
  assert.equal(stepsPerRun, 4, 'a near-instant step needs many per run; capped at maxStepsPerRun');
  assert.equal(runSeconds.length, 3);
  assert.equal(steps, 2 + 3 * 4);
  assert.equal(syncs, 2 + 3);
});

test('plannedSkip("cpu", "cnn") skips the CNN on plain JavaScript only', () => {
  assert.match(plannedSkip('cpu', 'cnn') ?? '', /plain JavaScript/);
  assert.equal(plannedSkip('cpu', 'mlp'), null);
  assert.equal(plannedSkip('wasm-nnlab', 'cnn'), null);
});

test('the tfjs models have the lecture\'s weight counts: MLP 932,362, CNN 1,345,066 (1,343,146 trainable + 1,920 BN moving statistics), two-layer 154,160', async () => {
  await tf.setBackend('cpu');
  assert.equal(denseParameterCount([784, 512, 512, 512, 10]), 932_362);
  assert.equal(denseParameterCount([3072, 50, 10]), 154_160);
  for (const bench of ['mlp', 'cnn', 'two-layer'] as const) {
    const model = benchModel(bench, 1);
    assert.equal(model.countParams(), TRAIN_SPECS[bench].parameters, bench);
    model.layers.forEach((l) => l.dispose());
  }
  const cnn = cnnModel(1);
  const trainable = cnn.trainableWeights.reduce((s, w) => s + tf.util.sizeFromShape(w.shape as number[]), 0);
  assert.equal(trainable, 1_343_146);
  assert.equal(TRAIN_SPECS.cnn.parameters - trainable, 2 * (32 + 32 + 64 + 64 + 128 + 128 + 512));
  cnn.layers.forEach((l) => l.dispose());
});

test('the PyTorch models of torch_bench.py have the same weight counts (Keras-style, BN running statistics included)', { skip: !fs.existsSync(PYTHON) && 'no /usr/bin/python3' }, (t) => {
  const r = spawnSync(PYTHON, [torchScript(), '--counts'], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0 && /No module named 'torch'/.test(r.stderr)) {
    t.skip('PyTorch is not installed (apt-get install -y python3-torch)');
    return;
  }
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { mlp: 932_362, cnn: 1_345_066, 'two-layer': 154_160 });
});

test('runChildTask on the cpu backend times the two-layer net, profiles a step, and leaves no tensor behind', async () => {
  await tf.setBackend('cpu');
  const before = tf.memory().numTensors;
  const out = await runChildTask({ config: 'cpu', benches: ['two-layer', 'cnn'], schedule: { runs: 2, warmup: 1, minRunSeconds: 0, maxStepsPerRun: 1 }, profile: true, seed: 3 });
  assert.equal(tf.memory().numTensors, before);
  const [twoLayer, cnn] = out.results;
  assert.equal(twoLayer.runs.length, 2);
  assert.ok(twoLayer.value! > 0);
  assert.match(cnn.skipped ?? '', /plain JavaScript/);
  assert.equal(out.profiles.length, 1);
  assert.ok(out.profiles[0].kernels.some((k) => k.kernel === 'BatchMatMul' || k.kernel === '_FusedMatMul'), JSON.stringify(out.profiles[0].kernels.slice(0, 5)));
});

test('nnlab bench --quick --only gemm --json runs every configuration in a child process and prints the records', () => {
  const r = spawnSync(process.execPath, [BIN, 'bench', '--quick', '--only', 'gemm', '--json'], { encoding: 'utf8', timeout: 150_000 });
  assert.equal(r.status, 0, r.stderr);
  const record = JSON.parse(r.stdout) as BenchRecord;
  assert.equal(record.kind, 'nnlab-bench');
  assert.deepEqual(record.options.only, ['gemm']);
  assert.ok(record.machine.cpus >= 1 && record.versions.tfjs === '4.22.0');
  const ran = record.configs.filter((c) => c.status === 'ran').map((c) => c.config);
  for (const config of ['wasm-nnlab', 'wasm-stock', 'cpu']) assert.ok(ran.includes(config), `${config} ran: ${JSON.stringify(record.configs)}`);
  for (const config of ran) {
    const gemm = record.results.find((x) => x.config === config && x.bench === 'gemm');
    assert.ok(gemm && gemm.unit === 'GFLOP/s' && gemm.value! > 0 && gemm.runs.length >= 1, `${config}: ${JSON.stringify(gemm)}`);
  }
  const torch = record.configs.find((c) => c.config === 'pytorch')!;
  if (torch.status === 'ran') {
    assert.ok(record.ratios.some((q) => q.config === 'wasm-nnlab' && q.bench === 'gemm' && q.ratio > 0));
  } else {
    assert.match(torch.detail, /apt-get install -y python3-torch/);
  }
});

test('bench:notebooks: cellTimes reads each code cell\'s busy-to-idle seconds and first line; the text gives time / budget', async () => {
  const { cellTimes, notebookBenchText } = await import('../src/bench/notebooks');
  const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'nnlab-bench-nb-'));
  try {
    const file = path.join(dir, 'x.ipynb');
    const cell = (source: string, busy: string, idle: string) => ({ cell_type: 'code', source, metadata: { execution: { 'iopub.status.busy': busy, 'iopub.status.idle': idle } } });
    fs.writeFileSync(file, JSON.stringify({ cells: [
      cell('\nconst a = 1;\n', '2026-12-05T03:44:16.320000Z', '2026-12-05T03:44:17.440000Z'),
      { cell_type: 'markdown', source: '# text', metadata: {} },
      cell('slow();', '2026-12-05T03:44:17.500000Z', '2026-12-05T03:44:21.000000Z'),
      { cell_type: 'code', source: 'never ran', metadata: {} },
    ] }));
    const times = cellTimes(file);
    assert.deepEqual(times.slice(0, 2), [{ index: 1, firstLine: 'const a = 1;', seconds: 1.12 }, { index: 2, firstLine: 'slow();', seconds: 3.5 }]);
    assert.ok(Number.isNaN(times[2].seconds));
    const text = notebookBenchText([{ notebook: 'x', mode: 'quick', cells: times.slice(0, 2), seconds: 4.62, wallSeconds: 6, overBudget: [times[1]], ratio: 3.5 / 3 }]);
    assert.match(text, /x\s+quick\s+2\s+4\.6\s+6\.0\s+3\.50 \(cell 2\)\s+each cell < 3 s\s+1\.17/);
    assert.match(text, /over 3 s: cell 2/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
