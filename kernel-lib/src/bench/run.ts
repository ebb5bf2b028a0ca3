/**
 * `nnlab bench` (issue 4, "Benchmark"): how fast the lecture's networks train on each tfjs backend
 * configuration here, next to PyTorch's CPU backend on the same machine, in one invocation.
 *
 * Configurations, each in its own child process (a wasm thread count is fixed per process), one
 * after another so they do not compete for the cores:
 * - `wasm-stock`: tfjs-backend-wasm as shipped: 1 thread, no overrides (conv layers cannot train);
 * - `wasm-nnlab`: nnlab's kernel overrides and threads (`NNLAB_WASM_THREADS`, else 'auto');
 * - `cpu`: plain JavaScript, very slow: the GEMM, the MLP and the two-layer net, one step per run;
 * - `tfjs-node`: native TensorFlow, when `@tensorflow/tfjs-node` is installed;
 * - `pytorch`: `kernel-lib/bench/torch_bench.py` on /usr/bin/python3, torch.set_num_threads(2).
 *
 * @example
 * const record = await runBench({ only: ['gemm'], quick: true });
 * console.log(benchReportText(record));
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { installedPackageName } from '../engine/backends';
import { kernelLibDir } from '../core/paths';
import { VERSION } from '../core/version';
import { BENCH_NAMES, BenchName, GEMM_SIZE, TRAIN_BENCHES, TRAIN_SPECS } from './models';
import { BenchRecord, BenchResult, ConfigStatus, ratios, StepProfile } from './report';
import { ChildTask, ConfigOutput, OUTPUT_MARKER, Schedule, SCHEDULES, TfjsConfig } from './train';

export const CONFIG_NAMES = ['wasm-stock', 'wasm-nnlab', 'cpu', 'tfjs-node', 'pytorch'] as const;
export type ConfigName = typeof CONFIG_NAMES[number];

/** Threads PyTorch gets (issue 4: "2 threads"). */
export const TORCH_THREADS = 2;
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
function runChild(command: string, args: string[]): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
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

function tfjsTask(config: TfjsConfig, only: BenchName[], quick: boolean, seed: number): ChildTask {
  const schedule: Schedule = config === 'cpu' ? (quick ? SCHEDULES.cpuQuick : SCHEDULES.cpu) : quick ? SCHEDULES.quick : SCHEDULES.full;
  return { config, benches: only, schedule, profile: config === 'wasm-nnlab', seed };
}

async function runConfig(config: ConfigName, only: BenchName[], quick: boolean, seed: number): Promise<ChildOutcome> {
  if (config === 'pytorch') {
    if (!fs.existsSync(PYTHON)) return { unavailable: `${PYTHON} not found; ${TORCH_INSTALL_HINT}` };
    const task = {
      benches: only, specs: TRAIN_SPECS, gemmSize: GEMM_SIZE, threads: TORCH_THREADS, seed,
      schedule: quick ? SCHEDULES.quick : SCHEDULES.full,
    };
    const r = await runChild(PYTHON, [torchScript(), JSON.stringify(task)]);
    return r.unavailable ? { unavailable: `${r.unavailable}; ${TORCH_INSTALL_HINT}` } : r;
  }
  if (config === 'tfjs-node' && installedPackageName('@tensorflow/tfjs-node') !== '@tensorflow/tfjs-node') {
    return { unavailable: '@tensorflow/tfjs-node is not installed (`npm i @tensorflow/tfjs-node@4.22.0` where libtensorflow can be downloaded)' };
  }
  const script = path.join(__dirname, 'train.js');
  return runChild(process.execPath, [script, JSON.stringify(tfjsTask(config, only, quick, seed))]);
}

/** Runs the benchmark; resolves to its plain-JSON record (print it with benchReportText). */
export async function runBench(options: BenchOptions = {}): Promise<BenchRecord> {
  const started = new Date();
  const t0 = performance.now();
  const only = options.only ?? [...BENCH_NAMES];
  const configs = options.configs ?? [...CONFIG_NAMES];
  const quick = options.quick ?? false;
  const seed = options.seed ?? 1;
  const progress = options.onProgress ?? (() => undefined);
  const loadAverageStart = os.loadavg();
  const statuses: ConfigStatus[] = [];
  const results: BenchResult[] = [];
  const profiles: StepProfile[] = [];
  const versions: Record<string, string> = { nnlab: VERSION, node: process.version };
  // wasm + nnlab next to PyTorch, so that the ratios the targets are about come from nearby minutes
  const order = ['wasm-nnlab', 'pytorch', 'wasm-stock', 'cpu', 'tfjs-node'].filter((c) => configs.includes(c as ConfigName)) as ConfigName[];
  for (const config of order) {
    progress(`${config}: starting`);
    const r = await runConfig(config, only, quick, seed);
    if (r.output) {
      statuses.push({ config, status: 'ran', detail: r.output.detail });
      results.push(...r.output.results);
      profiles.push(...r.output.profiles);
      Object.assign(versions, r.output.versions);
    } else {
      statuses.push({ config, status: r.unavailable ? 'unavailable' : 'failed', detail: (r.unavailable ?? r.failed)! });
      progress(`${config}: ${r.unavailable ? 'unavailable' : 'failed'}: ${r.unavailable ?? r.failed}`);
    }
  }
  const targets = Object.fromEntries(TRAIN_BENCHES.filter((b) => only.includes(b)).map((b) => [b, TRAIN_SPECS[b].target]));
  const cpus = os.cpus();
  return {
    kind: 'nnlab-bench',
    options: { only, configs: order, quick, schedule: quick ? SCHEDULES.quick : SCHEDULES.full, torchThreads: TORCH_THREADS, seed },
    machine: {
      cpus: cpus.length, cpuModel: cpus[0]?.model.trim() ?? 'unknown', platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      memoryGB: Math.round(os.totalmem() / 2 ** 30), loadAverageStart, loadAverageEnd: os.loadavg(),
    },
    versions,
    configs: statuses,
    results,
    ratios: ratios(results, targets),
    profiles,
    targets,
    meta: { startedAt: started.toISOString(), seconds: (performance.now() - t0) / 1000 },
  };
}
