/**
 * The judge's worker thread (./judge.ts): listens for a submission's grader cells, runs each
 * exercise's cases here with the student's functions standing in as remote calls, and reports
 * the results to the grader. Entry script of a worker thread: acts when loaded.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as tf from '@tensorflow/tfjs';
import { parentPort } from 'worker_threads';
import { checkResultText, collectTensors, REMOTE_CALL, RemoteCall, ReturnError, runExercise } from '../core/exercise';
import { decodeFrame, encodeFrame, FrameChannel, settleTapes } from '../core/wire';
import { useDevice } from '../engine/device';
import type { JudgeMessage } from './check';
import type { JudgedExercise, JudgeReport, JudgeSession } from './judge';
import { exercise } from './registry';

/** Seconds a connection may take to say hello, and the kernel to answer the end of an exercise. */
const HELLO_S = 30;
const BYE_S = 10;

interface Open {
  session: JudgeSession;
  server: net.Server;
  report: JudgeReport;
  running: Set<Promise<void>>;
  sockets: Set<net.Socket>;
}

let current: Open | null = null;
const ready = useDevice('cpu', { print: false });

async function serve(open: Open, socket: net.Socket): Promise<void> {
  const conn = new FrameChannel(socket, 'the kernel');
  const first = await conn.next(HELLO_S);
  let hello: JudgeMessage | null = null;
  try {
    hello = first ? await decodeFrame(first) as JudgeMessage : null;
  } catch { /* not a hello */ }
  const { session, report } = open;
  if (!hello || hello.type !== 'hello' || hello.token !== session.token) {
    report.refused.push('a connection without the grader\'s token');
    conn.end('refused');
    return;
  }
  const name = hello.exercise;
  if (!session.exercises.includes(name) || report.judged[name]) {
    report.refused.push(`a second request to judge ${JSON.stringify(String(name)).slice(0, 80)}`);
    conn.end('refused');
    return;
  }
  const e = exercise(name);
  const functions = e.wireFunctions ?? {};
  let nextId = 0;
  const pending = new Map<number, (m: JudgeMessage | null) => void>();
  // replies arrive in order: one call at a time, as a case awaits each
  const pump = (async () => {
    for (;;) {
      const frame = await conn.next();
      if (!frame) break;
      let m: JudgeMessage;
      try {
        m = await decodeFrame(frame, functions) as JudgeMessage;
      } catch (err) {
        conn.end(`a reply the judge could not read (${(err as Error).message.split('\n')[0]})`);
        break;
      }
      if (m.type === 'reply') { pending.get(m.id)?.(m); pending.delete(m.id); } else if (m.type === 'bye') {
        report.strayErrors.push(...(Array.isArray(m.strayErrors) ? m.strayErrors.slice(0, 20).map((x) => String(x).slice(0, 400)) : []));
        pending.get(-1)?.(m);
      }
    }
    for (const [, w] of pending) w(null);
    pending.clear();
  })();
  const remote = (index: number, fnName: string): RemoteCall => async (args) => {
    if (conn.closed) throw new ReturnError(`not run: ${conn.closed} (a time limit or a crash of the kernel; see the notes)`);
    const id = nextId++;
    const frame = encodeFrame({ type: 'call', id, fn: index, args }, functions);
    const reply = new Promise<JudgeMessage | null>((resolve) => pending.set(id, resolve));
    void conn.send(frame).catch(() => { /* ended: the reply's wait sees it */ });
    const r = await reply;
    if (!r || r.type !== 'reply') throw new ReturnError(`${fnName} did not return: ${conn.closed ?? 'the kernel stopped'} (a time limit or a crash; see the notes)`);
    settleTapes(frame.tapes ?? [], Array.isArray(r.tapes) ? r.tapes : []);
    // the arguments the student's function disposed there are disposed here too
    const argTensors = collectTensors(args);
    for (const i of Array.isArray(r.disposed) ? r.disposed : []) if (argTensors[i] && !argTensors[i].isDisposed) argTensors[i].dispose();
    const leaked = Number.isFinite(r.leaked) ? Math.max(0, Math.min(r.leaked, 1e9)) : 0;
    if (!r.ok) {
      const err = r.error?.name === 'ReturnError' ? new ReturnError(String(r.error.message)) : Object.assign(new Error(String(r.error?.message ?? 'an error')), { name: String(r.error?.name ?? 'Error') });
      throw Object.assign(err, { leaked });
    }
    return { value: r.value, leaked };
  };
  const fns = e.functions.map((f, i) => (hello!.type === 'hello' && hello!.defined[i] === true
    ? Object.assign(async (...args: unknown[]) => (await remote(i, f)(args)).value, { [REMOTE_CALL]: remote(i, f) })
    : undefined));
  await ready;
  const result = await runExercise(e, fns, { runSeed: session.runSeed });
  const judged: JudgedExercise = { result, interrupted: conn.closed };
  report.judged[name] = judged;
  // the kernel prints the report and says goodbye with the errors it caught outside any cell
  const bye = new Promise<JudgeMessage | null>((resolve) => pending.set(-1, resolve));
  await conn.send(encodeFrame({ type: 'done', text: checkResultText(result) })).catch(() => { /* the kernel has gone */ });
  await Promise.race([bye, new Promise((r) => setTimeout(r, BYE_S * 1000).unref())]);
  conn.end('done');
  await pump;
}

async function openSession(session: JudgeSession): Promise<void> {
  if (current) throw new Error('the judge is already open');
  try { fs.unlinkSync(session.socket); } catch { /* none */ }
  const server = net.createServer();
  const open: Open = { session, server, report: { judged: {}, strayErrors: [], refused: [] }, running: new Set(), sockets: new Set() };
  server.on('connection', (socket) => {
    open.sockets.add(socket);
    socket.on('close', () => open.sockets.delete(socket));
    const p = serve(open, socket).catch((err) => { open.report.refused.push(`the judge failed: ${(err as Error).message}`); });
    open.running.add(p);
    void p.finally(() => open.running.delete(p));
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(session.socket, resolve); });
  fs.chmodSync(session.socket, 0o600);
  if (session.uid) fs.chownSync(session.socket, session.uid, session.uid);
  current = open;
}

async function closeSession(): Promise<JudgeReport> {
  const open = current;
  if (!open) throw new Error('the judge is not open');
  current = null;
  open.server.close();
  // the kernel has gone by now: its connections end and the cases still running fail quickly
  for (const s of open.sockets) s.destroy();
  await Promise.all([...open.running]);
  try { fs.unlinkSync(open.session.socket); } catch { /* gone */ }
  tf.disposeVariables();
  return open.report;
}

parentPort?.on('message', (m: { id: number; cmd: string; session?: JudgeSession }) => {
  const answer = (p: Promise<unknown>) => p.then(
    (value) => parentPort?.postMessage({ id: m.id, ok: true, value }),
    (err) => parentPort?.postMessage({ id: m.id, ok: false, error: (err as Error).message }),
  );
  if (m.cmd === 'open') void answer(openSession(m.session as JudgeSession));
  else if (m.cmd === 'close') void answer(closeSession());
  else parentPort?.postMessage({ id: m.id, ok: false, error: `unknown command ${m.cmd}` });
});
