/**
 * The pure part of `nnlab bench`: medians, ratios to PyTorch, the per-kernel summary of a profiled
 * step, and the printed table. Everything here takes plain JSON (the `--json` record) and returns
 * plain JSON or text, so it is tested without running a benchmark.
 */
import { tableText, toTable } from '../show/table';
import type { BenchName } from './models';

/** One configuration x one benchmark: the median of `runs` (per-run rates), or why there is none. */
export interface BenchResult {
  config: string;
  bench: BenchName;
  unit: 'samples/s' | 'GFLOP/s';
  /** Median over runs; null when skipped or failed. */
  value: number | null;
  /** The rate of each timed run. */
  runs: number[];
  stepsPerRun: number;
  runSeconds?: number[];
  skipped?: string;
  error?: string;
}

/** One kernel call as tf.profile reports it. */
export interface ProfiledKernel { name: string; ms: number; inputShapes: (number[] | null)[] }

export interface KernelTotal { kernel: string; ms: number; calls: number; /** of the step's wall time */ share: number }

/** tf.profile of one training step. */
export interface StepProfile {
  config: string;
  bench: BenchName;
  /** The fastest profiled step, read-back included (profiling adds a little). */
  wallMs: number;
  /** Sum of the kernels' times. */
  kernelMs: number;
  /**
   * wallMs - kernelMs: JavaScript around the kernels (tape, gradient bookkeeping, tensor creation)
   * and the profiler's own cost. On a loaded machine it is overstated: the kernel times are each
   * call's fastest over several steps, the wall time the fastest whole step.
   */
  outsideKernelsMs: number;
  /** Every kernel, by total time, slowest first. */
  kernels: KernelTotal[];
  /** The slowest single calls, with their input shapes. */
  slowest: { kernel: string; ms: number; inputShapes: (number[] | null)[] }[];
}

/** A ratio to PyTorch in the same invocation, with the issue's target where there is one. */
export interface RatioRow {
  bench: BenchName;
  config: string;
  ratio: number;
  /** Only for wasm-nnlab on the training benchmarks. */
  target: number | null;
  met: boolean | null;
}

/** What one configuration did: ran, or why not. */
export interface ConfigStatus { config: string; status: 'ran' | 'unavailable' | 'failed'; detail: string }

/** The `--json` record of one `nnlab bench` invocation. */
export interface BenchRecord {
  kind: 'nnlab-bench';
  options: { only: BenchName[]; configs: string[]; quick: boolean; schedule: object; torchThreads: number; seed: number };
  machine: { cpus: number; cpuModel: string; platform: string; memoryGB: number; loadAverageStart: number[]; loadAverageEnd: number[] };
  versions: Record<string, string>;
  configs: ConfigStatus[];
  results: BenchResult[];
  ratios: RatioRow[];
  profiles: StepProfile[];
  /** Targets of the training benchmarks (wasm + nnlab / PyTorch). */
  targets: Partial<Record<BenchName, number>>;
  meta: { startedAt: string; seconds: number };
}

export const CONFIG_TITLES: Record<string, string> = {
  'wasm-stock': 'wasm stock',
  'wasm-nnlab': 'wasm + nnlab',
  cpu: 'cpu (plain JS)',
  'tfjs-node': 'tfjs-node',
  pytorch: 'PyTorch CPU',
};

/** The configuration the targets are about. */
export const TARGET_CONFIG = 'wasm-nnlab';
export const REFERENCE_CONFIG = 'pytorch';

/** The median: the middle value, or the mean of the two middle ones. `median([3, 1, 2])` -> 2. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** value / reference, or null when either is missing or the reference is not > 0. */
export function ratio(value: number | null | undefined, reference: number | null | undefined): number | null {
  if (value == null || reference == null || !(reference > 0)) return null;
  return value / reference;
}

/**
 * Each kernel call's smallest time over several profiled steps that ran the same kernels in the
 * same order; when their sequences differ, the last step as it is.
 */
export function fastestCalls(steps: readonly (readonly ProfiledKernel[])[]): ProfiledKernel[] {
  if (steps.length === 0) return [];
  const last = steps[steps.length - 1];
  const alike = steps.every((s) => s.length === last.length && s.every((c, j) => c.name === last[j].name));
  if (!alike) return [...last];
  return last.map((c, j) => ({ ...c, ms: Math.min(...steps.map((s) => s[j].ms)) }));
}

/** Sums a profiled step's kernel calls by kernel name; each share is of the step's wall time. */
export function summarizeKernels(config: string, bench: BenchName, calls: readonly ProfiledKernel[], wallMs: number): StepProfile {
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const c of calls) {
    const t = byName.get(c.name) ?? { ms: 0, calls: 0 };
    t.ms += c.ms;
    t.calls += 1;
    byName.set(c.name, t);
  }
  const kernelMs = calls.reduce((s, c) => s + c.ms, 0);
  const kernels = [...byName].map(([kernel, t]) => ({ kernel, ms: t.ms, calls: t.calls, share: wallMs > 0 ? t.ms / wallMs : 0 }))
    .sort((a, b) => b.ms - a.ms);
  const slowest = [...calls].sort((a, b) => b.ms - a.ms).slice(0, 5).map((c) => ({ kernel: c.name, ms: c.ms, inputShapes: c.inputShapes }));
  return { config, bench, wallMs, kernelMs, outsideKernelsMs: Math.max(0, wallMs - kernelMs), kernels, slowest };
}

/** Ratios of every tfjs configuration to PyTorch, bench by bench; targets for wasm + nnlab. */
export function ratios(results: readonly BenchResult[], targets: Partial<Record<BenchName, number>>): RatioRow[] {
  const rows: RatioRow[] = [];
  for (const r of results) {
    if (r.config === REFERENCE_CONFIG) continue;
    const ref = results.find((x) => x.config === REFERENCE_CONFIG && x.bench === r.bench);
    const q = ratio(r.value, ref?.value);
    if (q === null) continue;
    const target = r.config === TARGET_CONFIG ? targets[r.bench] ?? null : null;
    rows.push({ bench: r.bench, config: r.config, ratio: q, target, met: target === null ? null : q >= target });
  }
  return rows;
}

/** A rate as text: 3 significant digits below 100, whole numbers with thousands separators above. */
export function formatRate(v: number): string {
  return v >= 100 ? Math.round(v).toLocaleString('en-US') : String(Number(v.toPrecision(3)));
}

/** A ratio as text: `0.81x`. */
export function formatRatio(q: number): string {
  return `${q >= 10 ? q.toFixed(0) : q >= 0.1 ? q.toFixed(2) : q.toPrecision(2)}x`;
}

const BENCH_LABELS: Record<BenchName, string> = { mlp: 'MLP', cnn: 'CNN', 'two-layer': 'two-layer', gemm: 'GEMM 1024' };

/**
 * The table: one row per benchmark, one column per configuration that ran; a cell is the median
 * and, for tfjs configurations, its ratio to PyTorch; the last column the wasm + nnlab target.
 * Failed and skipped cells point to numbered notes.
 */
export function benchTable(record: Pick<BenchRecord, 'results' | 'ratios' | 'targets' | 'configs' | 'options'>): { text: string; notes: string[] } {
  const configs = record.configs.filter((c) => c.status === 'ran').map((c) => c.config);
  const notes: string[] = [];
  const note = (text: string): string => {
    let i = notes.indexOf(text);
    if (i < 0) i = notes.push(text) - 1;
    return `[${i + 1}]`;
  };
  const rows = record.options.only.map((bench) => {
    const row: Record<string, string> = { benchmark: BENCH_LABELS[bench], unit: bench === 'gemm' ? 'GFLOP/s' : 'samples/s' };
    for (const config of configs) {
      const r = record.results.find((x) => x.config === config && x.bench === bench);
      const title = CONFIG_TITLES[config] ?? config;
      let cell = '';
      if (r?.value != null) {
        const q = record.ratios.find((x) => x.config === config && x.bench === bench);
        cell = formatRate(r.value) + (q ? ` (${formatRatio(q.ratio)})` : '');
      } else if (r?.error) {
        cell = `failed ${note(`${title}, ${bench}: ${r.error}`)}`;
      } else if (r?.skipped) {
        cell = `skipped ${note(`${title}, ${bench}: ${r.skipped}`)}`;
      }
      row[title] = cell;
    }
    const target = record.targets[bench];
    const q = record.ratios.find((x) => x.config === TARGET_CONFIG && x.bench === bench);
    row['target (wasm + nnlab)'] = target === undefined ? '' : `>= ${target}x${q ? (q.met ? '  met' : '  MISSED') : ''}`;
    return row;
  });
  return { text: tableText(toTable(rows)), notes };
}

/** Kernel names with their share of a profiled step: `BatchMatMul 41% (9 calls)`. */
export function topKernels(p: StepProfile, n = 3): string {
  return p.kernels.slice(0, n).map((k) => `${k.kernel} ${(100 * k.share).toFixed(0)}% (${k.calls} call${k.calls === 1 ? '' : 's'})`).join(', ');
}

/** One line per missed target, naming what takes the time in a profiled step on wasm + nnlab. */
export function missedTargetLines(record: Pick<BenchRecord, 'ratios' | 'profiles'>): string[] {
  return record.ratios.filter((q) => q.met === false).map((q) => {
    const p = record.profiles.find((x) => x.config === q.config && x.bench === q.bench);
    const head = `${q.bench}: wasm + nnlab at ${formatRatio(q.ratio)} of PyTorch, target ${q.target}x missed`;
    if (!p) return `${head} (no profile)`;
    const outside = (100 * p.outsideKernelsMs) / p.wallMs;
    return `${head}; a profiled step (${p.wallMs.toFixed(0)} ms): ${topKernels(p)}; outside kernels ${outside.toFixed(0)}%`;
  });
}

/** The profiles as short lines: the top kernels of each profiled step. */
export function profileLines(record: Pick<BenchRecord, 'profiles'>, n = 5): string[] {
  return record.profiles.map((p) => `${CONFIG_TITLES[p.config] ?? p.config}, ${p.bench}: ${p.wallMs.toFixed(0)} ms a step; ${topKernels(p, n)}; ` +
    `outside kernels ${((100 * p.outsideKernelsMs) / p.wallMs).toFixed(0)}%`);
}

/** True when the 1-minute load average says other processes compete for the cores. */
export function underLoad(loadAverage: readonly number[], cpus: number): boolean {
  return loadAverage[0] > 0.5 * cpus;
}

/** How many timed runs the figures are medians of: `5`, or `5 (cpu (plain JS): 3)`. */
export function runCounts(results: readonly BenchResult[]): string {
  const counts = new Map<string, number>();
  for (const r of results) if (r.runs.length) counts.set(r.config, r.runs.length);
  const values = [...counts.values()];
  if (values.length === 0) return '?';
  const common = Math.max(...values);
  const others = [...counts].filter(([, n]) => n !== common).map(([c, n]) => `${CONFIG_TITLES[c] ?? c}: ${n}`);
  return `${common}${others.length ? ` (${others.join(', ')})` : ''}`;
}

/** The whole printed report. */
export function benchReportText(record: BenchRecord): string {
  const m = record.machine;
  const v = record.versions;
  const lines = [
    `nnlab bench: training samples/s and GEMM GFLOP/s, each the median of ${runCounts(record.results)} timed runs` +
      `${record.options.quick ? ' (--quick: few steps, a smoke test)' : ''}; (0.81x) = ratio to PyTorch CPU in this run`,
    `${m.cpus} CPUs (${m.cpuModel}), ${m.platform}; Node ${v.node}, tfjs ${v.tfjs}${v.torch ? `, PyTorch ${v.torch} (${record.options.torchThreads} threads)` : ''}`,
  ];
  if (underLoad(m.loadAverageStart, m.cpus) || underLoad(m.loadAverageEnd, m.cpus)) {
    lines.push(`measured under load: load average ${m.loadAverageStart[0].toFixed(1)} at the start, ${m.loadAverageEnd[0].toFixed(1)} at the end, on ${m.cpus} CPUs; timings are unreliable`);
  }
  const { text, notes } = benchTable(record);
  lines.push('', text, '');
  notes.forEach((n, i) => lines.push(`[${i + 1}] ${n}`));
  for (const c of record.configs) lines.push(`${CONFIG_TITLES[c.config] ?? c.config}: ${c.status === 'ran' ? '' : `${c.status}: `}${c.detail}`);
  const missed = missedTargetLines(record);
  if (missed.length) lines.push('', ...missed);
  if (record.profiles.length) {
    lines.push('', 'Profile of a training step (tf.profile; each kernel call its fastest over several steps; --json has every kernel):',
      ...profileLines(record).map((l) => `  ${l}`));
  }
  return lines.join('\n');
}
