/**
 * `nnlab bench` (issue 4): its pure parts (median, ratios, the table, the kernel summary), the
 * interleaved rounds of issue 25 (the schedule, per-round ratios with their spread and flag, the
 * ratio table, bad --rounds), `bench:init-stats`'s rounds and table, the models' weight counts in
 * both frameworks, a leak-free in-process run on the cpu backend, and the built CLI's
 * `--quick --only gemm --rounds 2 --json` in a child process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { benchModel, cnnModel, denseParameterCount, TRAIN_SPECS } from '../src/bench/models';
import {
  BenchRecord, BenchResult, benchReportText, ceilingLines, benchTable, fastestCalls, formatRate, formatRatio, median,
  mergeRounds, missedTargetLines, ratio, ratios, ratioTable, runCounts, summarizeKernels, underLoad,
} from '../src/bench/report';
import { formatSpread, interleave, perRoundRatios, roundStats, SPREAD_BOUND } from '../src/bench/rounds';
import { MAX_ROUNDS, parseList, PYTHON, ROUND_ORDER, runBench, torchEnv, torchScript } from '../src/bench/run';
import { initStatsTable, parseArgs as parseInitArgs, productsFloor, rowOf, targetLines } from '../src/bench/initStats';
import { plannedSkip, runChildTask, timeRuns } from '../src/bench/train';
import { stepCeiling, stepLayers } from '../src/bench/ceiling';

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
  const one = (q: number) => ({ perRound: [q], min: q, max: q, spread: null, unstable: null });
  assert.deepEqual(rows, [
    { bench: 'mlp', config: 'wasm-nnlab', ratio: 0.75, target: 0.8, met: false, value: 2400, reference: 3200, ...one(0.75) },
    { bench: 'mlp', config: 'wasm-stock', ratio: 210 / 3200, target: null, met: null, value: 210, reference: 3200, ...one(210 / 3200) },
    { bench: 'cnn', config: 'wasm-nnlab', ratio: 0.31, target: 0.3, met: true, value: 31, reference: 100, ...one(0.31) },
  ]);
});

test('interleave(["A", "B", "C"], 3) runs every configuration once per round, round after round: ABCABCABC', () => {
  assert.deepEqual(interleave(['A', 'B', 'C'], 3).map((s) => `${s.config}${s.round}`), ['A0', 'B0', 'C0', 'A1', 'B1', 'C1', 'A2', 'B2', 'C2']);
  assert.deepEqual(interleave(['A'], 2), [{ round: 0, config: 'A' }, { round: 1, config: 'A' }]);
  assert.deepEqual(ROUND_ORDER.slice(0, 2), ['wasm-nnlab', 'pytorch'], 'the target configuration runs next to PyTorch');
  assert.throws(() => interleave(['A'], 0), { message: 'rounds must be an integer >= 1, got 0' });
});

test('roundStats([0.8, 1.0, 0.9]) is the median 0.9 with spread (1.0 - 0.8) / 2 / 0.9 = 0.111, under the ±15% bound', () => {
  const s = roundStats([0.8, 1.0, 0.9])!;
  assert.deepEqual([s.median, s.min, s.max, s.rounds, s.unstable], [0.9, 0.8, 1.0, 3, false]);
  assert.ok(Math.abs(s.spread! - 0.2 / 2 / 0.9) < 1e-12, String(s.spread));
  const wide = roundStats([0.5, 1.0, 0.9])!;
  assert.ok(Math.abs(wide.spread! - 0.5 / 2 / 0.9) < 1e-12);
  assert.equal(wide.unstable, true, 'spread 0.278 > 0.15');
  assert.equal(roundStats([0.5, 1.0, 0.9], 0.3)!.unstable, false, 'the bound is a parameter');
  assert.equal(SPREAD_BOUND, 0.15);
  assert.deepEqual(roundStats([1.2]), { median: 1.2, min: 1.2, max: 1.2, spread: null, unstable: null, rounds: 1 });
  assert.equal(roundStats([]), null);
  // exactly on the bound is not flagged: 0.875 and 1.125 around 1.0 give a spread of 0.125
  assert.equal(roundStats([0.875, 1.0, 1.125], 0.125)!.unstable, false);
});

test('perRoundRatios(values, references) divides round by round and leaves null where a side is missing', () => {
  assert.deepEqual(perRoundRatios([2, null, 3, 4], [4, 5, 6, 0]), [0.5, null, 0.5, null]);
});

test('formatSpread prints a half-range in percent, one decimal below 10%, and "-" without one', () => {
  assert.equal(formatSpread(0.0612), '±6.1%');
  assert.equal(formatSpread(0.234), '±23%');
  assert.equal(formatSpread(null), '-');
  assert.equal(formatSpread(Infinity), '±inf');
});

test('mergeRounds(rounds) gives the median of the rounds\' medians, every run, and an error only when no round has a figure', () => {
  const r1 = [result('wasm-nnlab', 'mlp', 100, { runs: [90, 100, 110], stepsPerRun: 7 }), result('wasm-nnlab', 'cnn', null, { error: 'boom' })];
  const r2 = [result('wasm-nnlab', 'mlp', 300, { runs: [300, 310, 290], stepsPerRun: 7 }), result('wasm-nnlab', 'cnn', null, { error: 'boom' })];
  const r3 = [result('wasm-nnlab', 'mlp', 120, { runs: [120], stepsPerRun: 7 }), result('wasm-nnlab', 'cnn', 5)];
  const [mlp, cnn] = mergeRounds([r1, null, r2, r3]);
  assert.deepEqual(mlp.perRound, [100, null, 300, 120]);
  assert.equal(mlp.value, 120, 'median of 100, 300, 120');
  assert.deepEqual(mlp.runs, [90, 100, 110, 300, 310, 290, 120]);
  assert.equal(mlp.stepsPerRun, 7);
  assert.equal(cnn.value, 5);
  assert.equal(cnn.error, undefined, 'a round with a figure: no error');
  const [failed] = mergeRounds([[result('wasm-stock', 'cnn', null, { error: 'no kernel' })], null]);
  assert.deepEqual([failed.value, failed.error, failed.perRound], [null, 'no kernel', [null, null]]);
});

test('ratios(results) is the median of the per-round ratios (not the ratio of the medians), with its spread and flag', () => {
  // rounds: tfjs 100, 200, 300 vs PyTorch 100, 400, 300: per-round ratios 1, 0.5, 1 -> median 1
  const results = [
    result('wasm-nnlab', 'mlp', 200, { perRound: [100, 200, 300] }), result('pytorch', 'mlp', 300, { perRound: [100, 400, 300] }),
    result('wasm-nnlab', 'gemm', 30, { perRound: [30, null, 31] }), result('pytorch', 'gemm', 100, { perRound: [100, 100, 100] }),
  ];
  const [mlp, gemm] = ratios(results, { mlp: 0.8 });
  assert.deepEqual(mlp, {
    bench: 'mlp', config: 'wasm-nnlab', ratio: 1, target: 0.8, met: true, value: 200, reference: 300,
    perRound: [1, 0.5, 1], min: 0.5, max: 1, spread: 0.25, unstable: true,
  });
  assert.notEqual(mlp.ratio, 200 / 300);
  assert.deepEqual(gemm.perRound, [0.3, null, 0.31]);
  assert.ok(Math.abs(gemm.ratio - 0.305) < 1e-12 && Math.abs(gemm.spread! - 0.005 / 0.305) < 1e-12 && gemm.unstable === false);
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
    options: { only: ['mlp', 'cnn'], configs: ['wasm-nnlab', 'pytorch', 'wasm-stock'], quick: false, rounds: 1, spreadBound: 0.15, schedule: { runs: 5 }, torchThreads: 2, seed: 1 },
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
  // with the step's ceiling: the most its products allow, and whether the target is beyond that
  const ceiling = (samplesPerSecond: number) => ({ bench: 'mlp' as const, batch: 128, flops: 1, ms: 1, samplesPerSecond, msFresh: 1, samplesPerSecondFresh: 1, products: [] });
  const record = fakeRecord();
  const reference = record.ratios.find((q) => q.bench === 'mlp')!.reference;
  assert.match(missedTargetLines({ ...record, ceilings: [ceiling(0.7 * reference)] })[0],
    /^mlp: wasm \+ nnlab at 0\.75x of PyTorch, target 0\.8x missed; the products alone allow at most 0\.70x: out of reach on this backend here; a profiled step/);
  assert.match(missedTargetLines({ ...record, ceilings: [ceiling(1.25 * reference)] })[0], /missed; the products alone allow at most 1\.25x; a profiled step/);
});

test('runCounts(results) names the usual number of timed runs and the configurations that ran fewer', () => {
  const rs = [result('wasm-nnlab', 'mlp', 1, { runs: [1, 2, 3, 4, 5] }), result('pytorch', 'mlp', 1, { runs: [1, 2, 3, 4, 5] }), result('cpu', 'mlp', 1, { runs: [1, 2, 3] })];
  assert.equal(runCounts(rs), '5 (cpu (plain JS): 3)');
  assert.equal(runCounts(rs.slice(0, 2)), '5');
  assert.equal(runCounts([result('pytorch', 'mlp', 1, { runs: [1, 2, 3, 4, 5, 6], perRound: [1, null, 2] })]), '3', '6 runs over 2 rounds that ran');
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

/** fakeRecord over three rounds: wasm + nnlab's MLP ratio is steady, the CNN's swings (flagged). */
function threeRounds(): BenchRecord {
  const record = fakeRecord();
  const per: Record<string, (number | null)[]> = {
    'wasm-nnlab/mlp': [2400, 2300, 2500], 'pytorch/mlp': [3200, 3000, 3300], 'wasm-stock/mlp': [210, 200, 220],
    'wasm-stock/cnn': [null, null, null], 'wasm-nnlab/cnn': [31, 30, 32], 'pytorch/cnn': [100, 60, 100],
  };
  record.options.rounds = 3;
  record.results = record.results.map((r) => {
    const perRound = per[`${r.config}/${r.bench}`];
    const values = perRound.filter((v): v is number => v !== null);
    return { ...r, perRound, value: values.length ? median(values) : null, runs: values.flatMap((v) => [v, v]) };
  });
  record.ratios = ratios(record.results, record.targets);
  return record;
}

test('ratioTable(record) prints each side\'s median next to the median ratio, its spread and range, and flags a spread over ±15%', () => {
  const lines = ratioTable(threeRounds()).split('\n');
  assert.match(lines[0], /^benchmark\s+configuration\s+median\s+PyTorch median\s+ratio\s+spread\s+per round \(min-max\)\s+rounds\s+flag$/);
  // MLP: 2400/3200 = 0.75, 2300/3000 = 0.767, 2500/3300 = 0.758: median 0.758, spread (0.767 - 0.75) / 2 / 0.758 = 1.1%
  assert.match(lines[2], /^MLP\s+wasm \+ nnlab\s+2,400\s+3,200\s+0\.76x\s+±1\.1%\s+0\.75x-0\.77x\s+3\s*$/);
  // wasm stock: 210/3200 = 0.0656, 200/3000 = 0.0667, 220/3300 = 0.0667: median 0.0667, spread 0.0010 / 2 / 0.0667 = 0.8%
  assert.match(lines[3], /^MLP\s+wasm stock\s+210\s+3,200\s+0\.067x\s+±0\.8%\s+0\.066x-0\.067x\s+3\s*$/);
  // CNN: 0.31, 0.5, 0.32: median 0.32, spread (0.5 - 0.31) / 2 / 0.32 = 30%
  assert.match(lines[4], /^CNN\s+wasm \+ nnlab\s+31\s+100\s+0\.32x\s+±30%\s+0\.31x-0\.50x\s+3\s+UNSTABLE \(spread > ±15%\)$/);
  assert.equal(lines.length, 5);
});

test('benchReportText(record) defines the rounds, the ratio and the spread, and counts the flagged ratios', () => {
  const text = benchReportText(threeRounds());
  assert.match(text, /^nnlab bench: training samples\/s and GEMM GFLOP\/s over 3 interleaved rounds; each round runs wasm \+ nnlab, PyTorch CPU, wasm stock$/m, 'tfjs-node is unavailable: not in the order');
  assert.match(text, /^in turn, one at a time, each in its own process; a figure is the median over rounds of each round's median of 2 timed runs;$/m);
  assert.match(text, /^\(0\.81x\) = ratio to PyTorch CPU: the median of the per-round ratios/m);
  assert.match(text, /^spread = \(max - min\) \/ 2 \/ median of the per-round ratios; above ±15% a ratio is flagged UNSTABLE$/m);
  assert.match(text, /^Ratios to PyTorch CPU, round by round:$/m);
  assert.match(text, /^1 ratio flagged: the rounds disagree by more than the bound; .* more --rounds$/m);
  assert.match(text, /^MLP\s+samples\/s\s+2,400 \(0\.76x\)\s+3,200\s+210 \(0\.067x\)\s+>= 0\.8x  MISSED$/m, 'the main table shows the median ratio');
  const single = benchReportText(fakeRecord());
  assert.match(single, /over 1 interleaved round; /);
  assert.match(single, /flagged UNSTABLE \(one round: no spread\)$/m);
  assert.ok(!single.includes('ratio flagged'));
});

test('runBench({ rounds: 0 }) rejects the value before running anything, naming rounds, the value and the range', async () => {
  await assert.rejects(runBench({ rounds: 0 }), { message: `rounds must be an integer in [1, ${MAX_ROUNDS}], got 0` });
  await assert.rejects(runBench({ rounds: 2.5 }), { message: /^rounds must be an integer in \[1, 20\], got 2\.5$/ });
});

test('nnlab bench --rounds 0, 21 or x is a usage error naming --rounds, the value and the range', () => {
  for (const bad of ['0', '21', 'x', '-1']) {
    const r = spawnSync(process.execPath, [BIN, 'bench', '--rounds', bad], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2, `--rounds ${bad}: ${r.stderr}`);
    assert.equal(r.stderr.split('\n')[0], `nnlab: bench: --rounds must be an integer in [1, 20], got "${bad}"`);
  }
});

test('bench:init-stats parseArgs takes --rounds (and the old --repeats), and a bad value is one line naming it', () => {
  assert.deepEqual(parseInitArgs([]), { rounds: 3, setups: ['A', 'B'], threads: 'auto', json: false });
  assert.deepEqual(parseInitArgs(['--rounds', '5', '--setup', 'B', '--threads', '2', '--json']), { rounds: 5, setups: ['B'], threads: 2, json: true });
  assert.equal(parseInitArgs(['--repeats', '4']).rounds, 4);
  assert.throws(() => parseInitArgs(['--rounds', '0']), { message: 'bench:init-stats: --rounds must be an integer in [1, 20], got "0"' });
  assert.throws(() => parseInitArgs(['--rounds']), { message: 'bench:init-stats: --rounds must be an integer in [1, 20], got nothing' });
  assert.throws(() => parseInitArgs(['--setup', 'C']), { message: 'bench:init-stats: --setup must be A or B, got "C"' });
  assert.throws(() => parseInitArgs(['--fast']), { message: /unknown argument "--fast" \(known: --rounds N/ });
});

test('bench:init-stats rowOf(samples) gives median times and per-round ratios with spread; the table and targets read them', () => {
  // NumPy f32 100, 100, 100 ms; nnlab grid 90, 120, 80: grid/f32 per round 0.9, 1.2, 0.8 -> median 0.9, spread 0.4 / 2 / 0.9 = 22%;
  // grid/f64 90/190, 120/200, 80/210 = 0.474, 0.6, 0.381 -> 0.47 ±23%; each/f64 0.5, 0.475, 0.452 -> 0.47 ±5.0%
  const row = rowOf('A', 'forward', { nnlabGrid: [90, 120, 80], numpy32: [100, 100, 100], nnlabEach: [95, 95, 95], numpy64: [190, 200, 210] });
  assert.deepEqual(row.ms, { nnlabGrid: 90, numpy32: 100, nnlabEach: 95, numpy64: 200 });
  assert.equal(row.ratios.gridF32.median, 0.9);
  assert.ok(Math.abs(row.ratios.gridF32.spread! - 0.4 / 2 / 0.9) < 1e-12);
  assert.equal(row.ratios.gridF32.unstable, true);
  assert.equal(row.ratios.eachF32.unstable, false);
  assert.ok(Math.abs(row.ratios.eachF64.median - 95 / 200) < 1e-12);
  const steady = rowOf('B', 'forward+backward', { nnlabGrid: [1100, 1100, 1100], numpy32: [1000, 1000, 1000], nnlabEach: [1200, 1200, 1200], numpy64: [2000, 2000, 2000] });
  const lines = initStatsTable([row, steady]).split('\n');
  assert.match(lines[0], /^setup\s+pass\s+nnlab grid\s+nnlab each\s+numpy f32\s+numpy f64\s+grid\/f32\s+each\/f32\s+grid\/f64\s+each\/f64\s+flag$/);
  assert.match(lines[2], /^A\s+forward\s+0\.09 s\s+0\.10 s\s+0\.10 s\s+0\.20 s\s+0\.90 ±22%\s+0\.95 ±0\.0%\s+0\.47 ±23%\s+0\.47 ±5\.0%\s+UNSTABLE$/);
  assert.match(lines[3], /^B\s+forward\+backward\s+1\.10 s\s+1\.20 s\s+1\.00 s\s+2\.00 s\s+1\.10 ±0\.0%/);
  assert.deepEqual(targetLines([row, steady]), [
    'target (issue 6): nnlab grid / NumPy float64 <= 1.0 for the forward statistics of each setup: met (worst 0.47)',
    'target (issue 25): nnlab grid / NumPy float32 <= 1.0 for each setup, forward and forward+backward: NOT met (worst 1.10)',
    'UNSTABLE (spread > ±15%): A forward gridF32, A forward gridF64; rerun on an idle machine or with more --rounds',
  ]);
  const floored = { ...steady, products: { flops: 90e9, ms: 2000 } };
  assert.equal(targetLines([floored]).at(-1), 'setup B forward+backward: the matrix products alone take 2.00 s on this backend ' +
    '(90.0 GFLOP at 45.0 GFLOP/s), 2.00x NumPy float32\'s whole run; nnlab grid takes 0.55x its products');
});

test('bench:init-stats productsFloor counts the six inits\' products (setup A forward: 6 x 10 x 2·1000·500·500 FLOPs) and times them, leaving no tensor', async () => {
  await tf.ready();
  const before = tf.memory().numTensors;
  const a = productsFloor('A', false, 1);
  assert.equal(a.flops, 6 * 10 * 2 * 1000 * 500 * 500);
  assert.ok(a.ms > 0);
  assert.equal(tf.memory().numTensors, before);
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
  steps = 0;
  assert.equal(timeRuns(() => { steps++; }, () => undefined, { runs: 2, warmup: 1, minRunSeconds: 1, maxStepsPerRun: 4 }, 3).stepsPerRun, 3, 'a later round reuses the first round\'s size');
  assert.equal(steps, 1 + 2 * 3);
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

test('torchEnv: PyTorch runs with OMP_WAIT_POLICY=PASSIVE unless the caller set a policy; the rest of the environment is kept', () => {
  assert.deepEqual(torchEnv({ PATH: '/bin', OMP_NUM_THREADS: '2' }), { PATH: '/bin', OMP_NUM_THREADS: '2', OMP_WAIT_POLICY: 'PASSIVE' });
  assert.deepEqual(torchEnv({ OMP_WAIT_POLICY: 'ACTIVE' }), { OMP_WAIT_POLICY: 'ACTIVE' });
  assert.equal(torchEnv().PATH, process.env.PATH);
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

test('nnlab bench --quick --only gemm --rounds 2 --json runs every configuration in a child process per round, interleaved, and prints the records', () => {
  const r = spawnSync(process.execPath, [BIN, 'bench', '--quick', '--only', 'gemm', '--rounds', '2', '--json'], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(r.status, 0, r.stderr);
  const record = JSON.parse(r.stdout) as BenchRecord;
  assert.equal(record.kind, 'nnlab-bench');
  assert.deepEqual(record.options.only, ['gemm']);
  assert.deepEqual([record.options.rounds, record.options.spreadBound], [2, 0.15]);
  assert.ok(record.machine.cpus >= 1 && record.versions.tfjs === '4.22.0');
  const ran = record.configs.filter((c) => c.status === 'ran').map((c) => c.config);
  for (const config of ['wasm-nnlab', 'wasm-stock', 'cpu']) assert.ok(ran.includes(config), `${config} ran: ${JSON.stringify(record.configs)}`);
  // the children started ABAB: every configuration once per round, the unavailable ones asked once
  const starts = [...r.stderr.matchAll(/^round (\d)\/2: (\S+): starting$/gm)].map((m) => `${m[2]}@${m[1]}`);
  const available = record.options.configs.filter((c) => record.configs.find((s) => s.config === c)!.status !== 'unavailable');
  const unavailable = record.options.configs.filter((c) => !available.includes(c));
  assert.deepEqual(starts.filter((s) => !unavailable.includes(s.split('@')[0])), interleave(available, 2).map((s) => `${s.config}@${s.round + 1}`));
  for (const config of ran) {
    const gemm = record.results.find((x) => x.config === config && x.bench === 'gemm');
    assert.ok(gemm && gemm.unit === 'GFLOP/s' && gemm.value! > 0 && gemm.perRound?.length === 2 && gemm.runs.length >= 2, `${config}: ${JSON.stringify(gemm)}`);
    assert.equal(gemm.value, median(gemm.perRound!.filter((v): v is number => v !== null)));
  }
  const torch = record.configs.find((c) => c.config === 'pytorch')!;
  if (torch.status === 'ran') {
    const q = record.ratios.find((x) => x.config === 'wasm-nnlab' && x.bench === 'gemm')!;
    assert.ok(q.ratio > 0 && q.perRound.length === 2 && q.spread !== null && typeof q.unstable === 'boolean', JSON.stringify(q));
    assert.equal(q.reference, record.results.find((x) => x.config === 'pytorch')!.value);
    assert.match(torch.detail, /OMP_WAIT_POLICY=PASSIVE/, 'the peer runs without spinning OpenMP threads');
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

test('stepLayers lists the lecture CNN\'s six convs and two dense layers with their shapes; the ceiling counts 15.13 GFLOP per step of 64', async () => {
  await tf.ready();
  const layers = stepLayers('cnn', 64);
  assert.deepEqual(layers.map((l) => [l.name, l.x, l.w]), [
    ['conv1', [64, 32, 32, 3], [3, 3, 3, 32]], ['conv2', [64, 32, 32, 32], [3, 3, 32, 32]],
    ['conv3', [64, 16, 16, 32], [3, 3, 32, 64]], ['conv4', [64, 16, 16, 64], [3, 3, 64, 64]],
    ['conv5', [64, 8, 8, 64], [3, 3, 64, 128]], ['conv6', [64, 8, 8, 128], [3, 3, 128, 128]],
    ['dense1', [64, 2048], [2048, 512]], ['dense2', [64, 512], [512, 10]],
  ]);
  // by hand: forward conv FLOPs 2*64*H*W*9*ci*co, three passes each but no input gradient for conv1; dense 3 x 2*64*in*out
  const conv = [113_246_208, 1_207_959_552, 603_979_776, 1_207_959_552, 603_979_776, 1_207_959_552];
  const expected = 3 * conv.reduce((a, b) => a + b) - conv[0] + 3 * (2 * 64 * 2048 * 512 + 2 * 64 * 512 * 10);
  assert.equal(expected, 15_126_626_304);
  const c = stepCeiling('cnn', { batch: 2, reps: 1 });
  assert.equal(c.bench, 'cnn');
  assert.equal(c.products.length, 6 * 3 - 1 + 2 * 3);
  assert.equal(c.flops * 32, expected, 'FLOPs scale with the batch');
  assert.ok(c.products.every((p) => p.ms > 0 && p.msFresh > 0));
  assert.ok(Math.abs(c.samplesPerSecond - 2000 / c.ms) < 1e-9);
  assert.ok(Math.abs(c.samplesPerSecondFresh - 2000 / c.msFresh) < 1e-9);
});

test('the MLP and two-layer ceilings: dense layers only, no input gradient for the first (by hand: 0.61 and 0.06 GFLOP per step)', async () => {
  await tf.ready();
  assert.deepEqual(stepLayers('mlp', 128).map((l) => [l.name, l.x, l.w]), [
    ['dense1', [128, 784], [784, 512]], ['dense2', [128, 512], [512, 512]], ['dense3', [128, 512], [512, 512]], ['dense4', [128, 512], [512, 10]],
  ]);
  const mlp = stepCeiling('mlp', { batch: 4, reps: 1 });
  assert.equal(mlp.batch, 4);
  assert.deepEqual(mlp.products.map((p) => p.name).slice(0, 3), ['dense1 forward', 'dense1 filter gradient', 'dense2 forward']);
  assert.equal(mlp.products.length, 4 * 3 - 1);
  const perSample = (d: number[][]) => d.reduce((a, [i, o], k) => a + (k === 0 ? 2 : 3) * 2 * i * o, 0);
  assert.equal(mlp.flops, 4 * perSample([[784, 512], [512, 512], [512, 512], [512, 10]]));
  assert.equal(128 * perSample([[784, 512], [512, 512], [512, 512], [512, 10]]), 612_106_240);
  const two = stepCeiling('two-layer', { reps: 1 });
  assert.equal(two.batch, 100, 'the benchmark\'s batch by default');
  assert.equal(two.flops, 100 * perSample([[3072, 50], [50, 10]]));
  assert.equal(two.flops, 61_740_000);
});

test('stepCeiling leaves no tensor behind', async () => {
  await tf.ready();
  const before = tf.memory().numTensors;
  stepCeiling('cnn', { batch: 1, reps: 1 });
  stepCeiling('mlp', { batch: 1, reps: 1 });
  assert.equal(tf.memory().numTensors, before);
});

test('ceilingLines puts each ceiling, its derivation, the step\'s distance from it and the reachable ratio into the report', () => {
  const ceilings = [{ bench: 'cnn' as const, batch: 64, flops: 15.12e9, ms: 300, samplesPerSecond: 213.3, msFresh: 400, samplesPerSecondFresh: 160, products: [
    { name: 'conv2 forward', op: 'conv2d', flops: 1.2e9, ms: 24, msFresh: 25 }, { name: 'dense2 forward', op: 'matMul', flops: 655_360, ms: 0.05, msFresh: 0.06 },
  ] }, { bench: 'mlp' as const, batch: 128, flops: 0.5e9, ms: 10, samplesPerSecond: 12_800, msFresh: 12.8, samplesPerSecondFresh: 10_000, products: [
    { name: 'dense1 forward', op: 'matMul', flops: 1e8, ms: 2, msFresh: 2.5 },
  ] }];
  const result = (config: string, bench: 'cnn' | 'mlp', value: number) => ({ config, bench, unit: 'samples/s' as const, value, runs: [value], stepsPerRun: 5 });
  const results = [result('wasm-nnlab', 'cnn', 120), result('pytorch', 'cnn', 400), result('wasm-nnlab', 'mlp', 6400), result('pytorch', 'mlp', 10_000)];
  const lines = ceilingLines({ ceilings, results });
  assert.equal(lines[3], 'cnn: 15.12 GFLOP per step of 64 in 300.0 ms (50.4 GFLOP/s) = at most 213 samples/s; fresh 400.0 ms, at most 160 samples/s.');
  assert.match(lines[4], /^  the step ran 120 samples\/s: 56% of the ceiling, its time 1\.78x the products' \(goal: within 1\.3x\) -- the rest is in the profile below; 1\.33x the fresh products'\.$/);
  assert.equal(lines[5], '  PyTorch ran 400 samples/s: a ratio to PyTorch above 0.53 (0.40 with fresh operands) is out of reach on this backend here.');
  assert.equal(lines[6], '  slowest products: conv2 forward 24.0 ms (50.0 GFLOP/s); dense2 forward 0.1 ms (13.1 GFLOP/s)');
  assert.equal(lines[8], '  the step ran 6,400 samples/s: 50% of the ceiling, its time 2.00x the products\'; 1.56x the fresh products\'.');
  assert.match(lines[9], /above 1\.28 \(1\.00 with fresh operands\)/);
  assert.deepEqual(ceilingLines({ results }), []);
});
