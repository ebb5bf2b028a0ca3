/**
 * Lesson 06's hyperparameter search: log-uniform sampling (a KS test against the uniform law of
 * log10 values), seeded trials independent of order and job count, the coarse-to-fine rule and the
 * edge flags against hand-computed ranges, the JSON-lines results file (append, a half-written last
 * line, a header mismatch), the worker pool (a throwing trial and a dying worker reported while the
 * rest finish), a real search process killed with SIGKILL mid-trial and resumed (the final table
 * equals an uninterrupted run's), tensor leaks and the named errors.
 *
 * Sizes are tiny (a few hundred CIFAR-10 images, 1 epoch): the file checks the machinery, not
 * the accuracies.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as nn from '../src/index';
import { ArgumentError } from '../src/core/errors';
import { mulberry32 } from '../src/core/rng';
import { countTensors } from '../src/core/leaks';
import {
  atEdge, checkSpace, COARSE_SPACE, logUniform, narrow, sampleTrial, sampleTrials,
} from '../src/lessons/hp-search/space';
import { appendTrial, parseResults, readResults, TrialLine, TrialResult, writeHeader } from '../src/lessons/hp-search/results';
import { runPool } from '../src/lessons/hp-search/pool';
import { hpSearch, HpSearchRecord } from '../src/lessons/hp-search/search';
import { loadTrialData, runTrial } from '../src/lessons/hp-search/trial';
import { searchFigure, searchRows, searchText } from '../src/lessons/hp-search/figures';

const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-hpsearch-'));
const MAIN = path.resolve(__dirname, '..', 'src', 'cli', 'main.js');
const TINY = { train: 300, val: 60, epochs: 1, batchSize: 100 } as const;

before(async () => { await nn.useDevice('cpu', { print: false }); });
after(() => { fs.rmSync(DIR, { recursive: true, force: true }); });

function throwsMessage(f: () => unknown, re: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof ArgumentError, String(e));
    assert.match((e as Error).message, re);
    return true;
  });
}

/** The Kolmogorov–Smirnov statistic of `values` against the uniform law on [a, b]. */
function ksUniform(values: readonly number[], a: number, b: number): number {
  const u = values.map((v) => (v - a) / (b - a)).sort((p, q) => p - q);
  let d = 0;
  u.forEach((x, i) => { d = Math.max(d, (i + 1) / u.length - x, x - i / u.length); });
  return d;
}

/** The table without wall times: what two runs with one seed must share. */
const tableOf = (r: HpSearchRecord) => r.table;

// ------------------------------------------------------------------------------------------ space

test('logUniform(random, 1e-6, 1e-3): log10 of 4000 draws is uniform on [−6, −3] (KS D below the α = 0.001 critical value 1.95/√n), and plain uniform draws fail the same test', () => {
  const random = mulberry32(11);
  const n = 4000;
  const logs = Array.from({ length: n }, () => Math.log10(logUniform(random, 1e-6, 1e-3)));
  assert.ok(logs.every((v) => v >= -6 && v <= -3));
  const critical = 1.95 / Math.sqrt(n); // Kolmogorov: P(√n·D > 1.95) ≈ 0.001
  const d = ksUniform(logs, -6, -3);
  assert.ok(d < critical, `KS D = ${d.toFixed(4)}, critical ${critical.toFixed(4)}`);
  // the mistake the lesson warns about: uniform in lr puts ~90 % of the draws in the top decade
  const r2 = mulberry32(11);
  const plain = Array.from({ length: n }, () => Math.log10(1e-6 + r2() * (1e-3 - 1e-6)));
  assert.ok(ksUniform(plain, -6, -3) > 0.5, 'uniform draws are far from log-uniform');
  assert.ok(plain.filter((v) => v > -4).length / n > 0.85);
});

test('sampleTrial(COARSE_SPACE, seed, i) over 1000 trials: log10 lr and log10 reg each pass a 10-bin chi-square (df 9, α = 0.001: 27.88), and lr and reg are uncorrelated (|r| < 4/√n)', () => {
  const n = 1000;
  const trials = sampleTrials(COARSE_SPACE, 3, n);
  const chi2 = (values: number[], a: number, b: number) => {
    const counts = new Array(10).fill(0);
    for (const v of values) counts[Math.min(9, Math.floor(((v - a) / (b - a)) * 10))] += 1;
    return counts.reduce((s, c) => s + (c - n / 10) ** 2 / (n / 10), 0);
  };
  const lr = trials.map((t) => Math.log10(t.config.lr));
  const reg = trials.map((t) => Math.log10(t.config.reg));
  assert.ok(chi2(lr, -6, -3) < 27.88, `lr chi2 ${chi2(lr, -6, -3)}`);
  assert.ok(chi2(reg, -5, 5) < 27.88, `reg chi2 ${chi2(reg, -5, 5)}`);
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const ml = mean(lr), mr = mean(reg);
  const cov = mean(lr.map((x, i) => (x - ml) * (reg[i] - mr)));
  const r = cov / Math.sqrt(mean(lr.map((x) => (x - ml) ** 2)) * mean(reg.map((x) => (x - mr) ** 2)));
  assert.ok(Math.abs(r) < 4 / Math.sqrt(n), `correlation ${r}`);
});

test('sampleTrial(space, seed, i) depends only on the seed and i: the trials drawn in reverse order, one at a time, equal sampleTrials; another seed or index differs; every training seed is distinct', () => {
  const forward = sampleTrials(COARSE_SPACE, 42, 20);
  const backward = Array.from({ length: 20 }, (_, k) => sampleTrial(COARSE_SPACE, 42, 19 - k)).reverse();
  assert.deepEqual(backward, forward);
  assert.notEqual(sampleTrial(COARSE_SPACE, 43, 0).config.lr, forward[0].config.lr);
  assert.notEqual(forward[1].config.lr, forward[0].config.lr);
  assert.equal(new Set(forward.map((t) => t.seed)).size, 20);
  // the key order of the space does not matter: one sub-seed per hyperparameter name
  const swapped = { reg: COARSE_SPACE.reg, lr: COARSE_SPACE.lr };
  assert.deepEqual(sampleTrial(swapped, 42, 5), forward[5]);
});

test('checkSpace / sampleTrials name the bad argument: low ≥ high, a non-positive bound on a log scale, a bad scale, trials < 1', () => {
  throwsMessage(() => checkSpace('space', { lr: { low: 1e-3, high: 1e-6, scale: 'log' } }), /^space\.lr must be a range with low < high, got /);
  throwsMessage(() => checkSpace('space', { lr: { low: 1e-3, high: 1e-3, scale: 'log' } }), /^space\.lr must be a range with low < high/);
  throwsMessage(() => checkSpace('space', { reg: { low: 0, high: 10, scale: 'log' } }), /^space\.reg\.low must be a positive number \(the range is on a log scale\), got 0$/);
  throwsMessage(() => checkSpace('space', { reg: { low: -1, high: 10, scale: 'log' } }), /^space\.reg\.low must be a positive number/);
  throwsMessage(() => checkSpace('space', { reg: { low: 1, high: 10, scale: 'ln' } }), /^space\.reg must be a range \{ low, high, scale: 'log' \| 'linear' \}/);
  throwsMessage(() => checkSpace('space', {}), /^space must be an object of ranges/);
  throwsMessage(() => sampleTrials(COARSE_SPACE, 0, 0), /^trials must be an integer in \[1, 100000\], got 0$/);
  throwsMessage(() => logUniform(Math.random, 0, 1), /^logUniform range\.low must be a positive number/);
});

test('hpSearch rejects trials: 0, a reversed range, a fine stage without coarse results and resume without a file, naming the option', async () => {
  const rejects = (o: object, re: RegExp) => assert.rejects(hpSearch({ ...o, progress: false }), (e: unknown) => { assert.ok(e instanceof ArgumentError, String(e)); assert.match((e as Error).message, re); return true; });
  await rejects({ trials: 0 }, /^trials must be an integer in \[1, 10000\], got 0$/);
  await rejects({ space: { lr: { low: 1, high: 0.1, scale: 'log' } } }, /^space\.lr must be a range with low < high/);
  await rejects({ stage: 'fine' }, /^from must be a coarse results file or record \(or give space\) for the fine stage, got undefined$/);
  await rejects({ resume: true }, /^resume must be false unless out names a results file to resume, got true$/);
});

test('narrow(results, COARSE_SPACE, { top: 2, margin: 0.5 }) spans the 2 best trials in log10, widens by half a decade and never leaves the old range', () => {
  const results = [
    { config: { lr: 1e-5, reg: 1e-2 }, valAcc: 0.40 },
    { config: { lr: 1e-4, reg: 1e1 }, valAcc: 0.38 },
    { config: { lr: 1e-6, reg: 1e4 }, valAcc: 0.10 },
    { config: { lr: 9e-4, reg: 1e-5 }, valAcc: null }, // diverged: no accuracy, left out
  ];
  const s = narrow(results, COARSE_SPACE, { top: 2, margin: 0.5 });
  const close = (a: number, b: number) => Math.abs(Math.log10(a) - Math.log10(b)) < 1e-12;
  assert.ok(close(s.lr.low, 10 ** -5.5) && close(s.lr.high, 10 ** -3.5), JSON.stringify(s.lr));
  assert.ok(close(s.reg.low, 10 ** -2.5) && close(s.reg.high, 10 ** 1.5), JSON.stringify(s.reg));
  // top 3 reaches lr 1e-6, whose widened span −6.5 is cut back to the old low 1e-6
  const t = narrow(results, COARSE_SPACE, { top: 3, margin: 0.5 });
  assert.equal(t.lr.low, 1e-6);
  // a bound cut back is the old bound exactly (10 ** log10(1e-5) would be 9.999999999999999e-6, outside the old range)
  assert.equal(narrow([{ config: { lr: 1e-4, reg: 2e-5 }, valAcc: 0.3 }], COARSE_SPACE, { top: 1, margin: 1 }).reg.low, 1e-5);
  assert.ok(close(t.reg.high, 10 ** 4.5)); // reg 1e4 + half a decade, inside the old 1e5
  // one best trial and margin 1: one decade each side
  const one = narrow(results, COARSE_SPACE, { top: 1, margin: 1 });
  assert.ok(close(one.lr.low, 1e-6) && close(one.lr.high, 1e-4));
  assert.throws(() => narrow([{ config: { lr: 1e-5, reg: 1 }, valAcc: null }], COARSE_SPACE), /narrow: no trial has a validation accuracy/);
  assert.throws(() => narrow(results, COARSE_SPACE, { top: 1, margin: 0 }), /the best trials all have lr = 0.00001 and rule.margin is 0/);
});

test('atEdge(best, COARSE_SPACE) flags a best value in the outer tenth of its log range and gives its position', () => {
  const f = atEdge({ lr: 9e-4, reg: 1e-2 }, COARSE_SPACE);
  assert.equal(f.lr.edge, 'high');
  assert.ok(Math.abs(f.lr.position - (Math.log10(9e-4) + 6) / 3) < 1e-12);
  assert.equal(f.reg.edge, null);
  assert.ok(Math.abs(f.reg.position - 0.3) < 1e-12);
  assert.equal(atEdge({ lr: 1.5e-6, reg: 1 }, COARSE_SPACE).lr.edge, 'low');
  assert.equal(atEdge({ lr: 1.5e-6, reg: 1 }, COARSE_SPACE, 0.05).lr.edge, null); // log10 1.5 / 3 = 0.059
});

// ------------------------------------------------------------------------------------ results file

const line = (trial: number, valAcc: number | null): TrialResult => ({
  trial, config: { lr: 1e-4, reg: 1 }, seed: 7, valAcc, trainAcc: valAcc, diverged: null, initialLoss: 2.3, finalLoss: 2.1, epochs: 1, ms: 5,
});

test('appendTrial writes one JSON line per trial after the header; readResults reads them back by trial', () => {
  const file = path.join(DIR, 'append.jsonl');
  writeHeader(file, { stage: 'coarse', trials: 3 });
  appendTrial(file, line(2, 0.3));
  appendTrial(file, line(0, 0.2));
  const text = fs.readFileSync(file, 'utf8');
  assert.equal(text.split('\n').length, 4); // 3 lines and the final newline
  const r = readResults(file);
  assert.deepEqual(r.header, { kind: 'nnlab.hpSearch', version: 1, options: { stage: 'coarse', trials: 3 } });
  assert.deepEqual([...r.trials.keys()], [2, 0]);
  assert.deepEqual(r.trials.get(2), line(2, 0.3));
  assert.equal(r.partial, null);
  assert.equal(r.completeBytes, Buffer.byteLength(text));
});

test('parseResults detects a half-written last line (no newline, or cut JSON) and drops it; a bad line before the last is an error', () => {
  const head = `${JSON.stringify({ kind: 'nnlab.hpSearch', version: 1, options: {} })}\n${JSON.stringify(line(0, 0.2))}\n`;
  const half = JSON.stringify(line(1, 0.3)).slice(0, 25);
  const r = parseResults(head + half);
  assert.deepEqual(r.partial, { line: 3, text: half });
  assert.deepEqual([...r.trials.keys()], [0]);
  assert.equal(r.completeBytes, Buffer.byteLength(head));
  // a whole line whose newline was not written yet is also incomplete
  const noNewline = parseResults(head + JSON.stringify(line(1, 0.3)));
  assert.equal(noNewline.partial?.line, 3);
  assert.throws(() => parseResults(`${head}{"trial": 1, "con\n${JSON.stringify(line(2, 0.1))}\n`, 'x.jsonl'), /^Error: x\.jsonl: line 3 is not a trial/);
});

test('hpSearch({ out, resume: true }) with other options than the file\'s header fails with one line naming the difference; without resume an existing file is not overwritten', async () => {
  const file = path.join(DIR, 'mismatch.jsonl');
  writeHeader(file, { stage: 'coarse', trials: 2, epochs: 1, seed: 0 });
  await assert.rejects(hpSearch({ ...TINY, trials: 2, out: file, resume: true, progress: false }),
    /^ArgumentError: cannot resume .*mismatch\.jsonl: space: the file was written with nothing, this search asks for \{.*\} \(run with the same options, or write to another file\)$/);
  await assert.rejects(hpSearch({ ...TINY, trials: 2, out: file, progress: false }), /already holds results; pass resume: true \(--resume\)/);
});

// --------------------------------------------------------------------------- trials, pool, leaks

test('runTrial on tiny data leaks no tensor, and lr = 10 is recorded as diverged (a result, not an error) with null accuracies', async () => {
  const data = await loadTrialData({ train: TINY.train, val: TINY.val, seed: 0 });
  const setup = { epochs: 1, batchSize: 50, hiddenSize: 20 };
  const ok = await countTensors(() => runTrial(setup, { trial: 0, config: { lr: 1e-4, reg: 1e-3 }, seed: 5 }, data));
  assert.equal(ok.leaked, 0);
  assert.equal(ok.result.diverged, null);
  assert.ok(ok.result.valAcc !== null && ok.result.valAcc >= 0 && ok.result.valAcc <= 1);
  const bad = await countTensors(() => runTrial(setup, { trial: 1, config: { lr: 10, reg: 1e-3 }, seed: 5 }, data));
  assert.equal(bad.leaked, 0);
  assert.ok(bad.result.diverged !== null, JSON.stringify(bad.result));
  assert.equal(bad.result.valAcc, null);
});

test('runPool(4 trials, { jobs: 2 }) with trial 1 throwing and trial 2 killing its worker: both reported as { trial, error }, the other two finish, lines in trial order', async () => {
  const specs = sampleTrials(COARSE_SPACE, 9, 4);
  const seen: number[] = [];
  process.env.NNLAB_HPSEARCH_FAULT = 'throw:1,exit:2';
  let lines: TrialLine[];
  try {
    lines = await runPool(specs, { jobs: 2, setup: { epochs: 1, batchSize: 100, hiddenSize: 20 }, data: { train: TINY.train, val: TINY.val, seed: 9 }, onLine: (l) => seen.push(l.trial) });
  } finally {
    delete process.env.NNLAB_HPSEARCH_FAULT;
  }
  assert.deepEqual(lines.map((l) => l.trial), [0, 1, 2, 3]);
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3]);
  assert.match((lines[1] as { error: string }).error, /^injected fault in trial 1/);
  assert.match((lines[2] as { error: string }).error, /^the worker process died during the trial \(exit code 70\)$/);
  for (const k of [0, 3]) assert.equal(typeof (lines[k] as TrialResult).valAcc, 'number', JSON.stringify(lines[k]));
  assert.deepEqual(lines[0].config, specs[0].config);
});

test('hpSearch on 2 workers and in this process (jobs: 0) gives one table; in-process it leaks no tensor; the record\'s figure and rows show every trial', async () => {
  const o = { ...TINY, trials: 4, seed: 5, progress: false } as const;
  const pooled = await hpSearch({ ...o, jobs: 2 });
  const here = await countTensors(() => hpSearch({ ...o, jobs: 0 }));
  assert.equal(here.leaked, 0);
  assert.deepEqual(tableOf(here.result), tableOf(pooled));
  assert.deepEqual(here.result.trials, pooled.trials);
  assert.equal(pooled.table.length, 4);
  const accs = pooled.table.filter((r) => r.valAcc !== null).map((r) => r.valAcc as number);
  assert.deepEqual(accs, [...accs].sort((a, b) => b - a), 'sorted by validation accuracy');
  assert.equal(pooled.table.filter((r) => r.best).length, accs.length > 0 ? 1 : 0);
  const fig = searchFigure(pooled);
  const drawn = fig.data.filter((t) => t.name !== undefined && !String(t.name).startsWith('best')).reduce((s, t) => s + (t.x as unknown[]).length, 0);
  assert.equal(drawn, 4);
  // the axes span the range searched (log10 units) with 3 % of room each side; the dashed box is the range
  const near = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) < 1e-12);
  assert.ok(near((fig.layout.xaxis as { range: number[] }).range, [-6 - 0.09, -3 + 0.09]));
  assert.ok(near((fig.layout.yaxis as { range: number[] }).range, [-5 - 0.3, 5 + 0.3]));
  assert.deepEqual((fig.layout.shapes as { x0: number; x1: number; y0: number; y1: number }[]).map((b) => [b.x0, b.x1, b.y0, b.y1]), [[1e-6, 1e-3, 1e-5, 1e5]]);
  assert.equal(searchRows(pooled).length, 4);
  assert.match(searchText(pooled), /^hp-search coarse: 4 trials × 1 epochs on 300 training \/ 60 validation images/);
});

test('hpSearch({ stage: \'fine\', from: coarse }) samples inside the narrowed ranges and records where they came from', async () => {
  const coarse = await hpSearch({ ...TINY, trials: 4, seed: 2, jobs: 0, progress: false });
  const fine = await hpSearch({ ...TINY, stage: 'fine', from: coarse, trials: 3, seed: 2, jobs: 0, progress: false });
  const expected = narrow(coarse.trials.filter((t) => !('error' in t)) as TrialResult[], coarse.space, { top: 5, margin: 0.5 });
  assert.deepEqual(fine.space, expected);
  assert.deepEqual(fine.narrowedFrom?.space, coarse.space);
  for (const t of fine.trials) {
    assert.ok(t.config.lr >= fine.space.lr.low && t.config.lr <= fine.space.lr.high);
    assert.ok(t.config.reg >= fine.space.reg.low && t.config.reg <= fine.space.reg.high);
  }
  assert.equal(fine.options.epochs, 1);
});

// ------------------------------------------------------------------------- a real kill, resumed

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(MAIN)}).main(process.argv.slice(1)).then((c) => { process.exitCode = c; })`, ...args],
    { encoding: 'utf8', timeout: 240_000, env: { ...process.env, NNLAB_DEVICE: 'cpu' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('nnlab hp-search killed with SIGKILL mid-trial, then a half-written line, then --resume: only the missing trials run and the final table equals an uninterrupted run\'s', async () => {
  const args = ['hp-search', '--stage', 'coarse', '--trials', '6', '--epochs', '1', '--train', '600', '--val', '60', '--batch-size', '50', '--seed', '4', '--jobs', '1'];
  const killedFile = path.join(DIR, 'killed.jsonl');
  const child = spawn(process.execPath, ['-e', `require(${JSON.stringify(MAIN)}).main(process.argv.slice(1))`, ...args, '--out', killedFile, '--json'],
    { stdio: 'ignore', env: { ...process.env, NNLAB_DEVICE: 'cpu' } });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  // kill the search as soon as its first trial is on disk: the second is then running in the worker
  const trialsOnDisk = () => (fs.existsSync(killedFile) ? fs.readFileSync(killedFile, 'utf8').split('\n').filter(Boolean).length - 1 : 0);
  const deadline = Date.now() + 180_000;
  while (trialsOnDisk() < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  const before = readResults(killedFile);
  assert.ok(before.trials.size >= 1 && before.trials.size < 6, `killed after ${before.trials.size} of 6 trials (the kill must land mid-search)`);
  // a crash in the middle of a write leaves half a line: the next missing trial's line, cut
  const missing = [0, 1, 2, 3, 4, 5].find((k) => !before.trials.has(k))!;
  const spec = sampleTrial(COARSE_SPACE, 4, missing);
  fs.appendFileSync(killedFile, JSON.stringify({ trial: missing, config: spec.config, seed: spec.seed, valAcc: 0.99 }).slice(0, 40));

  const resumed = cli([...args, '--out', killedFile, '--resume', '--json']);
  assert.equal(resumed.status, 0, resumed.stderr);
  const r = JSON.parse(resumed.stdout) as HpSearchRecord;
  assert.equal(r.meta.ran, 6 - before.trials.size);
  assert.deepEqual(r.meta.resumed, { trials: before.trials.size, partial: { line: before.trials.size + 2 } });

  const whole = cli([...args, '--out', path.join(DIR, 'whole.jsonl'), '--json']);
  assert.equal(whole.status, 0, whole.stderr);
  const w = JSON.parse(whole.stdout) as HpSearchRecord;
  assert.deepEqual(r.table, w.table);
  assert.deepEqual(r.trials, w.trials);
  // the file now holds the header and exactly one whole line per trial
  const after = readResults(killedFile);
  assert.equal(after.partial, null);
  assert.deepEqual([...after.trials.keys()].sort(), [0, 1, 2, 3, 4, 5]);
  assert.equal(fs.readFileSync(killedFile, 'utf8').split('\n').filter(Boolean).length, 7);
});

test('hpSearch({ progress: callback }) reports each trial once: done 1..N of N, phase = the stage, the best validation accuracy so far never falling', async () => {
  const events: { done: number; total: number; phase: string; metrics: Record<string, number> }[] = [];
  const r = await hpSearch({ ...TINY, trials: 3, seed: 8, jobs: 0, progress: (e) => events.push(e) });
  assert.deepEqual(events.map((e) => [e.done, e.total, e.phase]), [[1, 3, 'coarse'], [2, 3, 'coarse'], [3, 3, 'coarse']]);
  assert.deepEqual(events.map((e) => e.metrics.trial), [0, 1, 2]);
  const best = events.map((e) => e.metrics.bestValAcc ?? -1);
  assert.deepEqual(best, [...best].sort((a, b) => a - b));
  assert.equal(best[2], r.best?.valAcc ?? -1);
});

test('hpSearch({ resume: true }) reruns a trial the file records as failed, runs nothing else, and appends its new line', async () => {
  const file = path.join(DIR, 'failed.jsonl');
  const o = { ...TINY, trials: 3, seed: 3, jobs: 0, out: file, progress: false } as const;
  const first = await hpSearch(o);
  // trial 1 recorded as failed (as a killed worker leaves it)
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const spec = sampleTrial(COARSE_SPACE, 3, 1);
  fs.writeFileSync(file, `${[lines[0], lines[1], JSON.stringify({ trial: 1, config: spec.config, seed: spec.seed, error: 'the worker process died during the trial (signal SIGKILL)' }), lines[3]].join('\n')}\n`);
  const resumed = await hpSearch({ ...o, resume: true });
  assert.equal(resumed.meta.ran, 1);
  assert.deepEqual(resumed.trials, first.trials);
  assert.equal(fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length, 5); // header, 3 trials, the rerun
  const again = await hpSearch({ ...o, resume: true });
  assert.equal(again.meta.ran, 0);
  assert.deepEqual(again.table, first.table);
});
