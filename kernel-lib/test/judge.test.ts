/**
 * The judge (homework/judge.ts) without Jupyter: the judge runs in its worker thread as under
 * `nnlab grade`, and this process plays the kernel, calling `serveJudge` as the grader's cell does.
 * Every exercise judged remotely must decide exactly what the same check decides in-process at the
 * same run seed: the instructor's solution scores full, and each known mistake fails the same
 * cases. Connections without the token, and a second request for an exercise, are refused.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { runExercise } from '../src/core/exercise';
import { encodeFrame } from '../src/core/wire';
import { useDevice } from '../src/engine/device';
import { serveJudge } from '../src/homework/check';
import { Judge, JudgeReport } from '../src/homework/judge';
import { EXERCISES, exercise } from '../src/homework/registry';
import { REFERENCES, right } from './fixtures/homework/references';
import { compile, MISTAKES, RIGHT } from './fixtures/homework/solutions';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-judge-test-'));
let judge: Judge;
let n = 0;

before(async () => {
  judge = new Judge();
  // the backend the judge and a kernel use (nnlab's wasm layer: tf's stock wasm lacks some gradients)
  await useDevice('cpu', { print: false });
});
after(async () => {
  await judge.terminate();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Judges `exercises` (name → the functions serveJudge hands over) in one session; the kernel's prints are kept quiet. */
async function judged(runSeed: number, exercises: Record<string, readonly unknown[]>, extra?: (socket: string) => Promise<void>): Promise<JudgeReport> {
  const socket = path.join(dir, `j${n++}.sock`);
  const token = `token-${n}`;
  await judge.open({ socket, token, runSeed, exercises: Object.keys(exercises), uid: 0 });
  const log = console.log;
  console.log = () => {};
  try {
    if (extra) await extra(socket);
    for (const [name, fns] of Object.entries(exercises)) await serveJudge(socket, token, name, fns);
  } finally {
    console.log = log;
    var report = await judge.close();   // eslint-disable-line no-var
  }
  return report;
}

const pattern = (cases: readonly { passed: boolean }[]) => cases.map((c) => (c.passed ? '+' : '-')).join('');

test('every exercise judged remotely scores its instructor solution in full, as the check does in-process', async () => {
  const runSeed = 24_681;
  const report = await judged(runSeed, Object.fromEntries(EXERCISES.map((e) => [e.name, REFERENCES[e.name]])));
  assert.deepEqual(report.refused, []);
  const short = EXERCISES.filter((e) => report.judged[e.name]?.result.score !== e.points)
    .map((e) => `${e.name}: ${report.judged[e.name]?.result.cases.filter((c) => !c.passed).map((c) => c.message).join(' | ') ?? 'not judged'}`);
  assert.deepEqual(short, []);
  for (const e of EXERCISES) {
    assert.equal(report.judged[e.name].interrupted, null, e.name);
    assert.equal(report.judged[e.name].result.leaked, 0, `${e.name} leaked in the kernel`);
  }
});

/** The function a mistake hands to its exercise's check (as test/homework.test.ts builds it). */
function mistaken(m: (typeof MISTAKES)[number]): (...a: unknown[]) => unknown {
  if (m.exercise !== 'preprocess') return compile(m.source, m.fn);
  const scope = { fitChannelStats: right.fitChannelStats, normalize: right.normalize, [m.fn]: compile(m.source, m.fn) };
  return m.fn === 'preprocess' ? compile(m.source, 'preprocess', scope) : compile(RIGHT.preprocess, 'preprocess', scope);
}

test('each known mistake fails the same cases judged remotely as in-process, with the same hints', async () => {
  const runSeed = 97_531;
  // one session per mistake of an exercise (an exercise is judged once per session)
  const rounds: (typeof MISTAKES)[number][][] = [];
  for (const m of MISTAKES) {
    const round = rounds.find((r) => !r.some((x) => x.exercise === m.exercise));
    if (round) round.push(m); else rounds.push([m]);
  }
  const differ: string[] = [];
  for (const round of rounds) {
    const fns = round.map((m) => mistaken(m));
    const report = await judged(runSeed, Object.fromEntries(round.map((m, i) => [m.exercise, [fns[i]]])));
    for (const [i, m] of round.entries()) {
      const local = await runExercise(exercise(m.exercise), [fns[i]], { runSeed });
      const remote = report.judged[m.exercise]?.result;
      if (!remote || pattern(remote.cases) !== pattern(local.cases) || remote.hints.join() !== local.hints.join()) {
        differ.push(`${m.name}: remote ${remote ? pattern(remote.cases) : 'not judged'} ${remote?.hints.join(';')}, local ${pattern(local.cases)} ${local.hints.join(';')}`);
      }
    }
  }
  assert.deepEqual(differ, []);
});

test('a connection without the token and a second request for a judged exercise are refused, and change nothing', async () => {
  const knock = (socket: string, token: string) => new Promise<void>((resolve) => {
    const c: net.Socket = net.connect(socket, () => c.write(encodeFrame({ type: 'hello', token, exercise: 'xavierInit', defined: [true] })));
    c.on('close', () => resolve());
    c.on('error', () => resolve());
  });
  let socketUsed = '';
  const report = await judged(1, { xavierInit: REFERENCES.xavierInit }, async (socket) => {
    socketUsed = socket;
    await knock(socket, 'guessed');
  });
  assert.equal(report.judged.xavierInit.result.score, 10);
  assert.deepEqual(report.refused, ['a connection without the grader\'s token']);
  // the grader's own cell asking again for the same exercise (a replayed cell) in one session
  const socket = path.join(dir, `j${n++}.sock`);
  await judge.open({ socket, token: 't', runSeed: 2, exercises: ['xavierInit'], uid: 0 });
  const log = console.log;
  console.log = () => {};
  try {
    await serveJudge(socket, 't', 'xavierInit', REFERENCES.xavierInit);
    await assert.rejects(serveJudge(socket, 't', 'xavierInit', [() => null]));
  } finally {
    console.log = log;
  }
  const second = await judge.close();
  assert.equal(second.judged.xavierInit.result.score, 10);
  assert.deepEqual(second.refused, ['a second request to judge "xavierInit"']);
  assert.ok(socketUsed && !fs.existsSync(socketUsed), 'the socket is removed when the judge closes');
});
