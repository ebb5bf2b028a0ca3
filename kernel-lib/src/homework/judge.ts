/**
 * The judge: where `nnlab grade` decides a score, outside the student's process. One judge per
 * worker slot runs in a worker thread of the grader (./judgeWorker), with its own tfjs. For each
 * submission it listens on a unix socket in the submission's sandbox folder; the grader's cell in
 * the kernel ({@link serveJudge}) connects, and the judge runs the exercise's cases here, with a run
 * seed drawn for this grading: every call of a student function is sent to the kernel as data
 * (core/wire.ts), and only what the function returned comes back. The comparison, the score and
 * its cap at the exercise's points happen here, so nothing the student's code does to the library,
 * to `require`, to globals or to its own output can change a score.
 *
 * @example
 * const judge = new Judge();
 * await judge.open({ socket: '/tmp/box/run/j.sock', token: 'a1b2', runSeed: 12345, exercises: ['xavierInit'], uid: 0 });
 * // ... run the submission; its grader cell calls serveJudge(socket, token, 'xavierInit', [xavierInit])
 * const report = await judge.close();   // { judged: { xavierInit: { result, interrupted } }, strayErrors, refused }
 * await judge.terminate();
 */
import * as path from 'path';
import { Worker } from 'worker_threads';
import { CheckResult } from '../core/exercise';

/** What the judge needs for one submission. */
export interface JudgeSession {
  /** The unix socket path to listen on (inside the submission's sandbox folder). */
  socket: string;
  /** The secret the grader's cells send first (a connection without it is refused). */
  token: string;
  /** The run's seed: the cases' inputs (CaseContext.seed). */
  runSeed: number;
  /** The exercises that may be judged, each once. */
  exercises: string[];
  /** The uid that may connect (the sandbox's), 0 for the grader's own. */
  uid: number;
}

/** One exercise as judged. */
export interface JudgedExercise {
  result: CheckResult;
  /** Why the kernel went away before every case ran (then the remaining cases failed), else null. */
  interrupted: string | null;
}

export interface JudgeReport {
  judged: Record<string, JudgedExercise>;
  /** Errors the kernel caught outside any cell, as it reported them (notes only). */
  strayErrors: string[];
  /** Connections refused, in words (a wrong token, an exercise asked twice). */
  refused: string[];
}

type Reply = { id: number; ok: true; value?: unknown } | { id: number; ok: false; error: string };

/** A judge in its worker thread; one submission at a time. */
export class Judge {
  private worker: Worker;
  private nextId = 0;
  private waiting = new Map<number, (r: Reply) => void>();
  private failed: Error | null = null;

  constructor() {
    this.worker = new Worker(path.join(__dirname, 'judgeWorker.js'), {
      env: { ...process.env, NNLAB_WASM_THREADS: '1' }, stdout: false, stderr: false,
    });
    this.worker.on('message', (r: Reply) => { this.waiting.get(r.id)?.(r); this.waiting.delete(r.id); });
    const fail = (err: Error) => {
      this.failed = err;
      for (const [id, w] of this.waiting) w({ id, ok: false, error: `the judge stopped: ${err.message}` });
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`its thread exited (${code})`)));
  }

  private ask(cmd: Record<string, unknown>): Promise<unknown> {
    if (this.failed) return Promise.reject(new Error(`the judge stopped: ${this.failed.message}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (r) => (r.ok ? resolve(r.value) : reject(new Error(r.error))));
      this.worker.postMessage({ ...cmd, id });
    });
  }

  /** Starts listening for one submission's grader cells. */
  async open(session: JudgeSession): Promise<void> {
    await this.ask({ cmd: 'open', session });
  }

  /** Stops listening, ends the connections and resolves to what was judged. */
  async close(): Promise<JudgeReport> {
    return await this.ask({ cmd: 'close' }) as JudgeReport;
  }

  /** Ends the worker thread. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}
