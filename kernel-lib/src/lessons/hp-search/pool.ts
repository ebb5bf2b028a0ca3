/**
 * A pool of worker processes for a hyperparameter search: `jobs` child processes (one per core by
 * default), each with its own tfjs backend and its own copy of the data, each running one trial
 * at a time (worker.ts). Trials are independent, so the pool hands the next waiting trial to
 * whichever worker is free. The first worker starts alone and the others once it has loaded the
 * data, so a dataset is downloaded or extracted into the cache once, not once per worker.
 *
 * A trial that throws comes back as `{ trial, error }`; a worker process that dies mid-trial
 * (killed, out of memory, a crash in native code) is recorded the same way, and a fresh worker
 * takes its place, so the rest of the search finishes. The returned lines are in trial order,
 * whatever order the trials finished in.
 *
 * @example
 * const specs = nn.hpSearch.sampleTrials(nn.hpSearch.COARSE_SPACE, 0, 4);
 * const lines = await nn.hpSearch.runPool(specs, {
 *   jobs: 2, setup: { epochs: 1, batchSize: 100, hiddenSize: 50 }, data: { train: 500, val: 100, seed: 0 },
 * });
 * lines.map((l) => l.trial)   // [0, 1, 2, 3]
 */
import { availableCores } from '../../core/cores';
import { ChildProcess, fork } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { checkInt } from '../../core/errors';
import type { TrialSpec } from './space';
import type { TrialLine } from './results';
import type { TrialSetup } from './trial';
import type { ToWorker } from './worker';

/** The pool's options. */
export interface PoolOptions {
  /** Worker processes (default: one per core this process may use, `availableCores()`), at most one per trial. */
  jobs?: number;
  setup: TrialSetup;
  /** Which data every worker loads (the search's seed picks the split). */
  data: { train: number; val: number; seed: number };
  /** Called with each trial's line as soon as it finishes (the search appends it to its file). */
  onLine?: (line: TrialLine) => void;
}

/** One per core this process may use (a Hub's CPU limit counts: `availableCores`): the default number of workers. */
export function defaultJobs(): number {
  return availableCores();
}

type FromWorker = { type: 'ready' } | { type: 'done'; line: TrialLine } | { type: 'fatal'; error: string };

/**
 * Runs `specs` in a pool of worker processes; resolves to one line per spec, in trial order.
 * Rejects only when a worker cannot start at all (its setup, e.g. loading the data, fails).
 *
 * @example
 * const lines = await nn.hpSearch.runPool(nn.hpSearch.sampleTrials(nn.hpSearch.COARSE_SPACE, 1, 2), {
 *   jobs: 1, setup: { epochs: 1, batchSize: 100, hiddenSize: 50 }, data: { train: 500, val: 100, seed: 1 },
 * });
 */
export function runPool(specs: readonly TrialSpec[], options: PoolOptions): Promise<TrialLine[]> {
  const jobs = Math.min(checkInt('jobs', options.jobs ?? defaultJobs(), { min: 1, max: 256 }), Math.max(1, specs.length));
  const queue = [...specs];
  const lines = new Map<number, TrialLine>();
  const workers = new Set<ChildProcess>();
  const script = path.join(__dirname, 'worker.js');
  return new Promise<TrialLine[]>((resolve, reject) => {
    if (specs.length === 0) { resolve([]); return; }
    let settled = false;
    const finishIfDone = () => {
      if (settled || lines.size < specs.length) return;
      settled = true;
      for (const w of workers) w.disconnect();
      resolve(specs.map((s) => lines.get(s.trial)!));
    };
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      for (const w of workers) w.kill();
      reject(err);
    };
    const record = (line: TrialLine) => {
      if (lines.has(line.trial)) return;
      lines.set(line.trial, line);
      try {
        options.onLine?.(line);
      } catch (err) {
        fail(err as Error);
      }
    };
    const start = (first: boolean) => {
      const child = fork(script, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
      workers.add(child);
      let current: TrialSpec | null = null;
      let ready = false;
      const next = () => {
        current = queue.shift() ?? null;
        if (current) child.send({ type: 'trial', spec: current } satisfies ToWorker);
        else child.disconnect();
      };
      child.on('message', (msg: FromWorker) => {
        if (msg.type === 'ready') {
          ready = true;
          // the first worker has the data in the cache now (downloaded or extracted once): start the rest
          if (first) for (let k = 1; k < jobs; k++) start(false);
          next();
        }
        else if (msg.type === 'fatal') fail(new Error(`hpSearch: a worker could not start: ${msg.error}`));
        else if (msg.type === 'done') { record(msg.line); finishIfDone(); if (!settled) next(); }
      });
      child.on('error', (err) => fail(new Error(`hpSearch: a worker process failed: ${err.message}`)));
      child.on('exit', (code, signal) => {
        workers.delete(child);
        if (settled) return;
        if (current) {
          const spec: TrialSpec = current;
          record({ trial: spec.trial, config: spec.config, seed: spec.seed, error: `the worker process died during the trial (${signal ? `signal ${signal}` : `exit code ${code}`})` });
          finishIfDone();
          if (!settled && queue.length > 0) start(false);
        } else if (!ready) {
          fail(new Error(`hpSearch: a worker exited before it was ready (${signal ? `signal ${signal}` : `exit code ${code}`})`));
        }
      });
      child.send({ type: 'setup', setup: options.setup, data: options.data } satisfies ToWorker);
    };
    // one worker first: it fills the dataset cache (a download or an extraction happens once), then the others start
    start(true);
  });
}
