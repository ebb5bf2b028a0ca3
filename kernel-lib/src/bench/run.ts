/**
 * `nnlab bench` (issue 4, "Benchmark"): how fast the lecture's networks train on each tfjs backend
 * configuration here, next to PyTorch's CPU backend on the same machine, in one invocation.
 *
 * Configurations, each in its own child process (a wasm thread count is fixed per process), one
 * at a time so they do not compete for the cores, interleaved over `rounds` rounds (./rounds.ts:
 * each round runs every configuration once, ABAB..., so that a ratio compares minutes that are
 * close; the report gives the median of the per-round ratios and their spread):
 * - `wasm-stock`: tfjs-backend-wasm as shipped: 1 thread, no overrides (conv layers cannot train);
 * - `wasm-nnlab`: nnlab's kernel overrides and threads (`NNLAB_WASM_THREADS`, else 'auto');
 * - `cpu`: plain JavaScript, very slow: the GEMM, the MLP and the two-layer net, one step per run;
 * - `tfjs-node`: native TensorFlow, when `@tensorflow/tfjs-node` is installed;
 * - `pytorch`: `kernel-lib/bench/torch_bench.py` on /usr/bin/python3, torch.set_num_threads(2),
 *   OMP_WAIT_POLICY=PASSIVE ({@link torchEnv}: without it Debian's torch runs 2-5x slower here).
 *
 * @example
 * const record = await runBench({ only: ['gemm'], quick: true, rounds: 2 });
 * console.log(benchReportText(record));
 */
import type { StepCeiling } from './ceiling';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { installedPackageName } from '../engine/backends';
import { kernelLibDir } from '../core/paths';
import { VERSION } from '../core/version';
import { checkInt } from '../core/errors';
import { BENCH_NAMES, BenchName, GEMM_SIZE, TRAIN_BENCHES, TRAIN_SPECS } from './models';
import { BenchRecord, BenchResult, ConfigStatus, mergeRounds, ratios, StepProfile } from './report';
import { interleave, SPREAD_BOUND } from './rounds';
import { ChildTask, ConfigOutput, OUTPUT_MARKER, Schedule, SCHEDULES, TfjsConfig } from './train';

export const CONFIG_NAMES = ['wasm-stock', 'wasm-nnlab', 'cpu', 'tfjs-node', 'pytorch'] as const;
export type ConfigName = typeof CONFIG_NAMES[number];

/**
 * The order of the configurations within a round: wasm + nnlab next to PyTorch, so that the ratio
 * the targets are about compares nearby minutes.
 */
export const ROUND_ORDER: readonly ConfigName[] = ['wasm-nnlab', 'pytorch', 'wasm-stock', 'cpu', 'tfjs-node'];

/**
 * Rounds of a full run. A round of every configuration and benchmark takes about 80 s on 2 idle
 * cores (110 s at load average 9: measured in parts, 45 s for the MLP and two-layer net, 47 s for
 * the CNN and GEMM without cpu, 15-20 s for cpu's GEMM), so a default `nnlab bench` takes 7 to 9
 * minutes; --quick runs 1.
 */
export const DEFAULT_ROUNDS = 5;
export const MAX_ROUNDS = 20;

/** Threads PyTorch gets (issue 4: "2 threads"). */
export const TORCH_THREADS = 2;
/**
 * The environment PyTorch runs in: this process's, with `OMP_WAIT_POLICY=PASSIVE` unless it is
 * set. Debian's torch runs its own ops on OpenMP threads and its products on OpenBLAS's pthreads;
 * by default an OpenMP thread spins for a while after each parallel region, on the core OpenBLAS
 * needs next. Measured here (2 cores, 2 threads, `nnlab bench`'s MLP, 12 runs of 60 steps):
 * 3,698 samples/s median, runs from 3,008 to 6,384, by default; 9,900 (9,254 to 10,309) with
 * PASSIVE; the two-layer net 18,938 against 97,446. A PyTorch from pip (MKL, one OpenMP pool)
 * does not pay this, so the peer runs without it: the fast and steady PyTorch is the fair one.
 */
export function torchEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, OMP_WAIT_POLICY: env.OMP_WAIT_POLICY ?? 'PASSIVE' };
}

/** The Python that runs PyTorch: Debian's, where `apt-get install python3-torch` puts it. */
export const PYTHON = '/usr/bin/python3';
export function torchScript(): string {
  return path.join(kernelLibDir(), 'bench', 'torch_bench.py');
}
export const TORCH_INSTALL_HINT = 'install it with `sudo apt-get install -y python3-torch` (Debian/Ubuntu), or `pip install torch` for /usr/bin/python3';

/** Longest a configuration may run before it is stopped (the cpu one at full size takes minutes). */
const CHILD_TIMEOUT_MS = 20 * 60_000;

export interface BenchOptions {
  /** Benchmarks to run (default all: mlp, cnn, two-layer, gemm). */
  only?: BenchName[];
  /** Configurations to run (default all; tfjs-node only when installed). */
  configs?: ConfigName[];
  /** Few steps and runs: a smoke test, not a measurement. */
  quick?: boolean;
  /** Interleaved rounds, 1..MAX_ROUNDS (default DEFAULT_ROUNDS, quick 1). */
  rounds?: number;
  seed?: number;
  /** Progress lines (the children's stderr goes to this process's stderr). */
  onProgress?: (line: string) => void;
}

/** Parses a comma-separated list against the allowed names; the error names the value. */
export function parseList<T extends string>(option: string, value: string, allowed: readonly T[]): T[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = items.filter((s) => !allowed.includes(s as T));
  if (items.length === 0 || bad.length) {
    throw new Error(`--${option} must be a comma-separated list of ${allowed.join(', ')}, got "${value}"`);
  }
  return allowed.filter((a) => items.includes(a));
}

interface ChildOutcome { output?: ConfigOutput; unavailable?: string; failed?: string }

/** Runs `command args`, passes its stderr through, and parses the marked line of its stdout. */
function runChild(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], env: env ?? process.env });
    let stdout = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.on('error', (err) => { clearTimeout(timer); resolve({ unavailable: `${command} did not start (${err.message})` }); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(OUTPUT_MARKER));
      if (code !== 0 || !line) {
        resolve({ failed: `exited with ${signal ?? `status ${code}`}${line ? '' : ', no result'} (its messages are above)` });
        return;
      }
      const parsed = JSON.parse(line.slice(OUTPUT_MARKER.length)) as ConfigOutput & { unavailable?: string };
      resolve(parsed.unavailable ? { unavailable: parsed.unavailable } : { output: parsed });
    });
  });
}

/** What one configuration runs in one round: the first round sizes the runs and profiles, later ones reuse the sizes. */
interface RoundTask { only: BenchName[]; quick: boolean; seed: number; profile: boolean; stepsPerRun?: Partial<Record<BenchName, number>> }

function tfjsTask(config: TfjsConfig, t: RoundTask): ChildTask {
  const schedule: Schedule = config === 'cpu' ? (t.quick ? SCHEDULES.cpuQuick : SCHEDULES.cpu) : t.quick ? SCHEDULES.quick : SCHEDULES.full;
  const first = t.profile && config === 'wasm-nnlab'; // the first round also profiles and times the CNN ceiling
  return { config, benches: t.only, schedule, profile: first, ceiling: first, seed: t.seed, stepsPerRun: t.stepsPerRun };
}

async function runConfig(config: ConfigName, t: RoundTask): Promise<ChildOutcome> {
  if (config === 'pytorch') {
    if (!fs.existsSync(PYTHON)) return { unavailable: `${PYTHON} not found; ${TORCH_INSTALL_HINT}` };
    const task = {
      benches: t.only, specs: TRAIN_SPECS, gemmSize: GEMM_SIZE, threads: TORCH_THREADS, seed: t.seed,
      schedule: t.quick ? SCHEDULES.quick : SCHEDULES.full, stepsPerRun: t.stepsPerRun ?? {},
    };
    const r = await runChild(PYTHON, [torchScript(), JSON.stringify(task)], torchEnv());
    return r.unavailable ? { unavailable: `${r.unavailable}; ${TORCH_INSTALL_HINT}` } : r;
  }
  if (config === 'tfjs-node' && installedPackageName('@tensorflow/tfjs-node') !== '@tensorflow/tfjs-node') {
    return { unavailable: '@tensorflow/tfjs-node is not installed (`npm i @tensorflow/tfjs-node@4.22.0` where libtensorflow can be downloaded)' };
  }
  const script = path.join(__dirname, 'train.js');
  return runChild(process.execPath, [script, JSON.stringify(tfjsTask(config, t))]);
}

/** What one configuration did over the rounds: its results per round (null: not run or failed). */
interface ConfigRounds { rounds: (BenchResult[] | null)[]; detail?: string; failures: string[]; unavailable?: string }

/** A configuration's status line from its rounds: ran (with the rounds that failed), unavailable or failed. */
function configStatus(config: ConfigName, c: ConfigRounds): ConfigStatus {
  if (c.unavailable) return { config, status: 'unavailable', detail: c.unavailable };
  if (c.detail === undefined) return { config, status: 'failed', detail: c.failures.join('; ') };
  return { config, status: 'ran', detail: c.failures.length ? `${c.detail}; failed ${c.failures.join('; ')}` : c.detail };
}

/** Runs the benchmark; resolves to its plain-JSON record (print it with benchReportText). */
export async function runBench(options: BenchOptions = {}): Promise<BenchRecord> {
  const started = new Date();
  const t0 = performance.now();
  const only = options.only ?? [...BENCH_NAMES];
  const configs = options.configs ?? [...CONFIG_NAMES];
  const quick = options.quick ?? false;
  const rounds = checkInt('rounds', options.rounds ?? (quick ? 1 : DEFAULT_ROUNDS), { min: 1, max: MAX_ROUNDS });
  const seed = options.seed ?? 1;
  const progress = options.onProgress ?? (() => undefined);
  const loadAverageStart = os.loadavg();
  const profiles: StepProfile[] = [];
  let ceilings: StepCeiling[] | undefined;
  const versions: Record<string, string> = { nnlab: VERSION, node: process.version };
  const order = ROUND_ORDER.filter((c) => configs.includes(c));
  const done = new Map<ConfigName, ConfigRounds>(order.map((c) => [c, { rounds: Array<null>(rounds).fill(null), failures: [] }]));
  const stepsPerRun = new Map<ConfigName, Partial<Record<BenchName, number>>>();
  for (const { round, config } of interleave(order, rounds)) {
    const c = done.get(config)!;
    if (c.unavailable) continue; // not installed: asked once
    progress(`round ${round + 1}/${rounds}: ${config}: starting`);
    const r = await runConfig(config, { only, quick, seed, profile: round === 0, stepsPerRun: stepsPerRun.get(config) });
    if (r.output) {
      c.rounds[round] = r.output.results;
      c.detail ??= r.output.detail;
      if (!stepsPerRun.has(config)) stepsPerRun.set(config, Object.fromEntries(r.output.results.filter((x) => x.stepsPerRun > 0).map((x) => [x.bench, x.stepsPerRun])));
      profiles.push(...r.output.profiles);
      ceilings ??= r.output.ceilings;
      Object.assign(versions, r.output.versions);
    } else {
      if (r.unavailable) c.unavailable = r.unavailable;
      else c.failures.push(`in round ${round + 1}: ${r.failed}`);
      progress(`round ${round + 1}/${rounds}: ${config}: ${r.unavailable ? 'unavailable' : 'failed'}: ${r.unavailable ?? r.failed}`);
    }
  }
  const results = order.flatMap((config) => mergeRounds(done.get(config)!.rounds));
  const targets = Object.fromEntries(TRAIN_BENCHES.filter((b) => only.includes(b)).map((b) => [b, TRAIN_SPECS[b].target]));
  const cpus = os.cpus();
  return {
    kind: 'nnlab-bench',
    options: {
      only, configs: order, quick, rounds, spreadBound: SPREAD_BOUND,
      schedule: quick ? SCHEDULES.quick : SCHEDULES.full, torchThreads: TORCH_THREADS, seed,
    },
    machine: {
      cpus: cpus.length, cpuModel: cpus[0]?.model.trim() ?? 'unknown', platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      memoryGB: Math.round(os.totalmem() / 2 ** 30), loadAverageStart, loadAverageEnd: os.loadavg(),
    },
    versions,
    configs: order.map((config) => configStatus(config, done.get(config)!)),
    results,
    ratios: ratios(results, targets, SPREAD_BOUND),
    profiles,
    ...(ceilings ? { ceilings } : {}),
    targets,
    meta: { startedAt: started.toISOString(), seconds: (performance.now() - t0) / 1000 },
  };
}
