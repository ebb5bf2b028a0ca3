/**
 * The pure part of `nnlab bench`: medians over interleaved rounds, per-round ratios to PyTorch with
 * their spread (./rounds.ts), the per-kernel summary of a profiled step, and the printed tables. Everything here takes plain JSON (the `--json` record) and returns
 * plain JSON or text, so it is tested without running a benchmark.
 */
import type { StepCeiling } from './ceiling';
import { tableText, toTable } from '../show/table';
import type { BenchName } from './models';
import { formatSpread, median, perRoundRatios, present, roundStats, SPREAD_BOUND, unstableFlag } from './rounds';

export { median } from './rounds';

/**
 * One configuration x one benchmark: the median over rounds of each round's median rate (one
 * round: the median of its `runs`), or why there is none.
 */
export interface BenchResult {
  config: string;
  bench: BenchName;
  unit: 'samples/s' | 'GFLOP/s';
  /** Median over rounds of the rounds' medians; null when skipped or failed. */
  value: number | null;
  /** The rate of each timed run, every round's in turn. */
  runs: number[];
  /** Each round's median rate (null in a round where it failed or did not run); absent in a child's own result. */
  perRound?: (number | null)[];
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

/**
 * A ratio to PyTorch in the same invocation: the median of the per-round ratios (each round's
 * tfjs median / the same round's PyTorch median), their range and spread, each side's median, and
 * the issue's target where there is one.
 */
export interface RatioRow {
  bench: BenchName;
  config: string;
  /** The median of the per-round ratios. */
  ratio: number;
  /** Only for wasm-nnlab on the training benchmarks. */
  target: number | null;
  /** ratio >= target. */
  met: boolean | null;
  /** This configuration's median (BenchResult.value) and PyTorch's. */
  value: number;
  reference: number;
  /** The ratio of each round; null where a side is missing in that round. */
  perRound: (number | null)[];
  min: number;
  max: number;
  /** (max - min) / 2 / ratio over the rounds with a ratio; null with fewer than 2. */
  spread: number | null;
  /** spread > the record's spreadBound; null without a spread. */
  unstable: boolean | null;
}

/** What one configuration did: ran, or why not. */
export interface ConfigStatus { config: string; status: 'ran' | 'unavailable' | 'failed'; detail: string }

/** The `--json` record of one `nnlab bench` invocation. */
export interface BenchRecord {
  kind: 'nnlab-bench';
  /**
   * `configs`: the order of the configurations within a round; `rounds`: how many interleaved
   * rounds (each configuration once per round, its own process, one at a time); `schedule`: what
   * one configuration does per round; `spreadBound`: a ratio's spread above it is flagged.
   */
  options: { only: BenchName[]; configs: string[]; quick: boolean; rounds: number; spreadBound: number; schedule: object; torchThreads: number; seed: number };
  machine: { cpus: number; cpuModel: string; platform: string; memoryGB: number; loadAverageStart: number[]; loadAverageEnd: number[] };
  versions: Record<string, string>;
  configs: ConfigStatus[];
  results: BenchResult[];
  ratios: RatioRow[];
  profiles: StepProfile[];
  /** The step ceilings of the training benchmarks on wasm + nnlab (./ceiling), timed in the first round. */
  ceilings?: StepCeiling[];
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

/**
 * One configuration's results of every round merged per benchmark (`rounds[i]`: round i's results,
 * null where the child did not run or failed): `perRound` the rounds' medians, `value` their
 * median, `runs` every run; `error` / `skipped` only when no round has a figure.
 */
export function mergeRounds(rounds: readonly (readonly BenchResult[] | null)[]): BenchResult[] {
  const benches = [...new Set(rounds.flatMap((r) => (r ?? []).map((x) => x.bench)))];
  return benches.map((bench) => {
    const each = rounds.map((r) => r?.find((x) => x.bench === bench) ?? null);
    const first = each.find((x) => x !== null)!;
    const perRound = each.map((x) => x?.value ?? null);
    const values = present(perRound);
    const merged: BenchResult = {
      config: first.config, bench, unit: first.unit, value: values.length ? median(values) : null,
      runs: each.flatMap((x) => x?.runs ?? []), perRound,
      stepsPerRun: each.find((x) => x?.stepsPerRun)?.stepsPerRun ?? 0,
    };
    const seconds = each.flatMap((x) => x?.runSeconds ?? []);
    if (seconds.length) merged.runSeconds = seconds;
    if (merged.value === null) {
      const skipped = each.find((x) => x?.skipped)?.skipped;
      const error = each.find((x) => x?.error)?.error;
      if (skipped) merged.skipped = skipped;
      if (error) merged.error = error;
    }
    return merged;
  });
}

/**
 * Ratios of every tfjs configuration to PyTorch, bench by bench: the median of the per-round
 * ratios with their spread, flagged above `bound`; targets for wasm + nnlab. A result without
 * `perRound` counts as one round.
 */
export function ratios(results: readonly BenchResult[], targets: Partial<Record<BenchName, number>>, bound = SPREAD_BOUND): RatioRow[] {
  const rows: RatioRow[] = [];
  for (const r of results) {
    if (r.config === REFERENCE_CONFIG || r.value == null) continue;
    const ref = results.find((x) => x.config === REFERENCE_CONFIG && x.bench === r.bench);
    if (ref?.value == null) continue;
    const perRound = perRoundRatios(r.perRound ?? [r.value], ref.perRound ?? [ref.value]);
    const stats = roundStats(present(perRound), bound);
    if (stats === null) continue;
    const target = r.config === TARGET_CONFIG ? targets[r.bench] ?? null : null;
    rows.push({
      bench: r.bench, config: r.config, ratio: stats.median, target, met: target === null ? null : stats.median >= target,
      value: r.value, reference: ref.value, perRound, min: stats.min, max: stats.max, spread: stats.spread, unstable: stats.unstable,
    });
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

/**
 * One line per missed target, naming what takes the time in a profiled step on wasm + nnlab and,
 * where the step's ceiling was timed, the highest ratio the products alone allow (the ceiling's
 * samples/s over PyTorch's): a target above it is out of reach on this backend here.
 */
export function missedTargetLines(record: Pick<BenchRecord, 'ratios' | 'profiles'> & Partial<Pick<BenchRecord, 'ceilings'>>): string[] {
  return record.ratios.filter((q) => q.met === false).map((q) => {
    const p = record.profiles.find((x) => x.config === q.config && x.bench === q.bench);
    const c = record.ceilings?.find((x) => x.bench === q.bench);
    const most = c && q.reference > 0 ? c.samplesPerSecond / q.reference : null;
    const reach = most === null ? '' : `; the products alone allow at most ${most.toFixed(2)}x` +
      `${q.target !== null && most < q.target ? ': out of reach on this backend here' : ''}`;
    const head = `${q.bench}: wasm + nnlab at ${formatRatio(q.ratio)} of PyTorch, target ${q.target}x missed${reach}`;
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

/** Rounds in which a result has a figure (1 for a result without `perRound`). */
function roundsRan(r: BenchResult): number {
  return r.perRound ? Math.max(1, present(r.perRound).length) : 1;
}

/** How many timed runs each round's figure is the median of: `5`, or `5 (cpu (plain JS): 3)`. */
export function runCounts(results: readonly BenchResult[]): string {
  const counts = new Map<string, number>();
  for (const r of results) if (r.runs.length) counts.set(r.config, Math.round(r.runs.length / roundsRan(r)));
  const values = [...counts.values()];
  if (values.length === 0) return '?';
  const common = Math.max(...values);
  const others = [...counts].filter(([, n]) => n !== common).map(([c, n]) => `${CONFIG_TITLES[c] ?? c}: ${n}`);
  return `${common}${others.length ? ` (${others.join(', ')})` : ''}`;
}

/**
 * The ratio table: per benchmark and tfjs configuration, each side's median, the median of the
 * per-round ratios, their spread and range, and the flag when the spread is above the bound.
 */
export function ratioTable(record: Pick<BenchRecord, 'ratios' | 'options'>): string {
  const bound = record.options.spreadBound ?? SPREAD_BOUND;
  const rows = record.options.only.flatMap((bench) => record.ratios.filter((q) => q.bench === bench).map((q) => ({
    benchmark: BENCH_LABELS[bench],
    configuration: CONFIG_TITLES[q.config] ?? q.config,
    median: formatRate(q.value),
    'PyTorch median': formatRate(q.reference),
    ratio: formatRatio(q.ratio),
    spread: formatSpread(q.spread),
    'per round (min-max)': q.spread === null ? '-' : `${formatRatio(q.min)}-${formatRatio(q.max)}`,
    rounds: `${present(q.perRound).length}`,
    flag: unstableFlag(q, bound),
  })));
  return rows.length ? tableText(toTable(rows)) : '';
}

/** The lines that say how the figures were made: rounds, runs, what a ratio and its spread are. */
export function methodLines(record: Pick<BenchRecord, 'options' | 'results' | 'configs'>): string[] {
  const rounds = record.options.rounds ?? 1;
  const bound = Math.round(100 * (record.options.spreadBound ?? SPREAD_BOUND));
  const unavailable = new Set(record.configs.filter((c) => c.status === 'unavailable').map((c) => c.config));
  const order = record.options.configs.filter((c) => !unavailable.has(c)).map((c) => CONFIG_TITLES[c] ?? c).join(', ');
  return [
    `nnlab bench: training samples/s and GEMM GFLOP/s over ${rounds} interleaved round${rounds === 1 ? '' : 's'}` +
      `${record.options.quick ? ' (--quick: few steps, a smoke test)' : ''}; each round runs ${order}`,
    `in turn, one at a time, each in its own process; a figure is the median over rounds of each round's median of ${runCounts(record.results)} timed runs;`,
    "(0.81x) = ratio to PyTorch CPU: the median of the per-round ratios (each round's figure / PyTorch's in the same round);",
    `spread = (max - min) / 2 / median of the per-round ratios; above ±${bound}% a ratio is flagged UNSTABLE` +
      `${rounds < 2 ? ' (one round: no spread)' : ''}`,
  ];
}

/** Within this factor of the ceiling's time is the issue's goal for the CNN step. */
export const CEILING_GOAL = 1.3;

/**
 * The step ceilings next to the measured steps: what each training step's products alone cost at
 * XNNPACK's speed for their shapes, how that was derived, how far wasm + nnlab's step is from it,
 * the most a ratio to PyTorch can be on this backend (the ceiling's rate over PyTorch's), and the
 * slowest products.
 */
export function ceilingLines(record: Pick<BenchRecord, 'ceilings' | 'results'>): string[] {
  const ceilings = record.ceilings ?? [];
  if (ceilings.length === 0) return [];
  const rate = (config: string, bench: string) => record.results.find((r) => r.config === config && r.bench === bench)?.value ?? null;
  const gflops = (flops: number, ms: number) => (flops / ms / 1e6).toFixed(1);
  const lines = [
    'Step ceilings on wasm + nnlab: a training step\'s products only (conv forward, input and filter gradients; dense x·W, dy·Wᵀ, xᵀ·dy),',
    'each timed as the plain XNNPACK call of its shape (conv2d, or matMul over patches for a filter gradient), its fastest run;',
    '"fresh": each product\'s right operand new, as in a training step (XNNPACK packs it anew on every call).',
  ];
  for (const c of ceilings) {
    lines.push(`${c.bench}: ${(c.flops / 1e9).toFixed(2)} GFLOP per step of ${c.batch} in ${c.ms.toFixed(1)} ms (${gflops(c.flops, c.ms)} GFLOP/s) = ` +
      `at most ${formatRate(c.samplesPerSecond)} samples/s; fresh ${c.msFresh.toFixed(1)} ms, at most ${formatRate(c.samplesPerSecondFresh)} samples/s.`);
    const step = rate(TARGET_CONFIG, c.bench);
    if (step !== null) {
      const factor = c.samplesPerSecond / step;
      const goal = c.bench === 'cnn' ? ` (goal: within ${CEILING_GOAL}x)${factor <= CEILING_GOAL ? '' : ' -- the rest is in the profile below'}` : '';
      lines.push(`  the step ran ${formatRate(step)} samples/s: ${(100 / factor).toFixed(0)}% of the ceiling, its time ${factor.toFixed(2)}x the ` +
        `products'${goal}; ${(c.samplesPerSecondFresh / step).toFixed(2)}x the fresh products'.`);
    }
    const torch = rate('pytorch', c.bench);
    if (torch !== null) {
      lines.push(`  PyTorch ran ${formatRate(torch)} samples/s: a ratio to PyTorch above ${(c.samplesPerSecond / torch).toFixed(2)} ` +
        `(${(c.samplesPerSecondFresh / torch).toFixed(2)} with fresh operands) is out of reach on this backend here.`);
    }
    const slowest = [...c.products].sort((a, b) => b.ms - a.ms).slice(0, 4);
    lines.push(`  slowest products: ${slowest.map((p) => `${p.name} ${p.ms.toFixed(1)} ms (${gflops(p.flops, p.ms)} GFLOP/s)`).join('; ')}`);
  }
  return lines;
}

/** The whole printed report. */
export function benchReportText(record: BenchRecord): string {
  const m = record.machine;
  const v = record.versions;
  const lines = [
    ...methodLines(record),
    `${m.cpus} CPUs (${m.cpuModel}), ${m.platform}; Node ${v.node}, tfjs ${v.tfjs}${v.torch ? `, PyTorch ${v.torch} (${record.options.torchThreads} threads)` : ''}`,
  ];
  if (underLoad(m.loadAverageStart, m.cpus) || underLoad(m.loadAverageEnd, m.cpus)) {
    lines.push(`measured under load: load average ${m.loadAverageStart[0].toFixed(1)} at the start, ${m.loadAverageEnd[0].toFixed(1)} at the end, on ${m.cpus} CPUs; timings are unreliable`);
  }
  const { text, notes } = benchTable(record);
  lines.push('', text, '');
  notes.forEach((n, i) => lines.push(`[${i + 1}] ${n}`));
  for (const c of record.configs) lines.push(`${CONFIG_TITLES[c.config] ?? c.config}: ${c.status === 'ran' ? '' : `${c.status}: `}${c.detail}`);
  const table = ratioTable(record);
  if (table) {
    lines.push('', 'Ratios to PyTorch CPU, round by round:', table);
    const unstable = record.ratios.filter((q) => q.unstable).length;
    if (unstable) {
      lines.push(`${unstable} ratio${unstable === 1 ? '' : 's'} flagged: the rounds disagree by more than the bound; ` +
        'the machine was probably busy: rerun on an idle machine or with more --rounds');
    }
  }
  const missed = missedTargetLines(record);
  if (missed.length) lines.push('', ...missed);
  const ceiling = ceilingLines(record);
  if (ceiling.length) lines.push('', ...ceiling);
  if (record.profiles.length) {
    lines.push('', 'Profile of a training step (tf.profile; each kernel call its fastest over several steps; --json has every kernel):',
      ...profileLines(record).map((l) => `  ${l}`));
  }
  return lines.join('\n');
}
