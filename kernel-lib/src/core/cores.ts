/**
 * How many CPU cores this process may really use: what sizes worker pools and thread counts.
 *
 * `os.availableParallelism()` counts the cores the process may be scheduled on, not the CPU time
 * it may use: a student's kernel on a 64-core JupyterHub machine with a 1-core limit (a cgroup CPU
 * quota, as nnlab's Hub config and Kubernetes set) still sees 64, and a pool of one worker per core
 * would start 64 processes in 1 core's time and 2 GB. So: `NNLAB_CORES` when set, else the CPU quota
 * of the process's cgroup (v2 `cpu.max`, v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`, rounded up)
 * when there is one, capped by `os.availableParallelism()`.
 */
import * as fs from 'fs';
import * as os from 'os';
import { ArgumentError } from './errors';

/** What {@link availableCores} reads, injectable for tests. */
export interface CoresSource {
  env?: Record<string, string | undefined>;
  /** Reads a file of /proc or /sys; throws when absent. */
  readFile?: (file: string) => string;
  /** The cores the scheduler offers (default `os.availableParallelism()`). */
  parallelism?: number;
}

/** The cgroup CPU quota of this process in cores (fractional), or null when there is none. */
export function cgroupCpuQuota(readFile: (file: string) => string = (f) => fs.readFileSync(f, 'utf8')): number | null {
  let lines: string[];
  try { lines = readFile('/proc/self/cgroup').split('\n'); } catch { return null; }
  for (const line of lines) {
    const [, controllers, where] = line.split(':');
    if (where === undefined) continue;
    try {
      if (controllers === '') {
        // cgroup v2: "max 100000" or "<quota> <period>"
        const [quota, period] = readFile(`/sys/fs/cgroup${where}/cpu.max`).trim().split(/\s+/);
        if (quota !== 'max' && Number(period) > 0) return Number(quota) / Number(period);
      } else if (controllers.split(',').includes('cpu')) {
        const dir = fs.existsSync('/sys/fs/cgroup/cpu,cpuacct') && !fs.existsSync('/sys/fs/cgroup/cpu') ? '/sys/fs/cgroup/cpu,cpuacct' : '/sys/fs/cgroup/cpu';
        const quota = Number(readFile(`${dir}${where}/cpu.cfs_quota_us`).trim());
        const period = Number(readFile(`${dir}${where}/cpu.cfs_period_us`).trim());
        if (quota > 0 && period > 0) return quota / period;
      }
    } catch { /* this controller's files are not visible here */ }
  }
  return null;
}

/**
 * The cores this process may use: NNLAB_CORES, else the cgroup's CPU quota rounded up, each capped
 * by the cores the scheduler offers; at least 1.
 *
 * @example
 * nn.availableCores()                         // 2 on a 2-core laptop; 1 in a JupyterHub server limited to 1 core
 * nn.availableCores({ env: { NNLAB_CORES: '4' }, parallelism: 16 })   // 4
 */
export function availableCores(source: CoresSource = {}): number {
  const env = source.env ?? process.env;
  const parallelism = source.parallelism ?? (typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
  const set = env.NNLAB_CORES?.trim();
  if (set) {
    const n = Number(set);
    if (!Number.isInteger(n) || n < 1 || n > 1024) throw new ArgumentError('NNLAB_CORES', set, 'a whole number of cores in [1, 1024]');
    return Math.min(n, parallelism);
  }
  const quota = cgroupCpuQuota(source.readFile);
  return Math.max(1, Math.min(parallelism, quota === null ? parallelism : Math.ceil(quota - 1e-9)));
}
