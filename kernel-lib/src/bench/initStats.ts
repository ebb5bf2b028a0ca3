/**
 * Weight-initialization benchmark (issue 6): the full activation-statistics experiment, every init
 * with tanh, for the lecture's setup A (1000 x 500 input, 10 layers of 500) and setup B (16 x 4096,
 * 6 layers of 4096), timed in nnlab and in an independent NumPy implementation on the same machine
 * (kernel-lib/test/numpy/init_stats.py):
 * - NumPy float64: the lecture's code (np.random.randn, float64 throughout);
 * - NumPy float32: Generator.standard_normal(dtype=float32) and float32 products;
 * - nnlab grid: `weightInit.grid` (the six inits share their N(0, 1) draws, drawn once);
 * - nnlab each: six separate `weightInit.stats` calls, each drawing its own weights, as the NumPy code does.
 * Two passes: the forward statistics alone (what the lecture's code computes) and forward +
 * backward (the gradient statistics too, in both implementations). Every time is in-process (no
 * interpreter or backend start-up). The four implementations run interleaved (./rounds.ts): each
 * round runs every one once, in {@link IMPLEMENTATIONS} order, round after round; a time is the
 * median over rounds, a ratio the median of the per-round ratios (nnlab / NumPy in the same round)
 * with its spread (max - min) / 2 / median, flagged UNSTABLE above ±15 %. Targets: issue 6, nnlab
 * grid / NumPy float64 <= 1.0 for the forward statistics; issue 25, nnlab grid / NumPy float32
 * <= 1.0 for setups A and B, forward and forward + backward.
 *
 * The wasm backend runs with `--threads` XNNPACK threads (default 'auto': the cores, as the other
 * nnlab benchmarks; the lessons default to 1, NNLAB_WASM_THREADS), NumPy with its default BLAS
 * threads (all cores).
 *
 * Usage: npm run bench:init-stats -w nnlab [-- --rounds 3] [--setup A|B] [--threads auto|1..8] [--json]
 * (`--repeats N` is the old name of `--rounds N`.)
 */
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { useDevice } from '../engine/device';
import { INITS } from '../nets/init';
import { resolveStatsOptions, SETUP_A, SETUP_B, stats, StatsOptions } from '../lessons/weight-init/stats';
import { grid } from '../lessons/weight-init/grid';
import { fastestMs } from './ceiling';
import { formatSpread, interleave, median, perRoundRatios, present, RoundStats, roundStats, SPREAD_BOUND } from './rounds';
import { tableText, toTable } from '../show/table';

const NUMPY_SCRIPT = path.resolve(__dirname, '..', '..', 'test', 'numpy', 'init_stats.py');
const PYTHON = process.env.NNLAB_PYTHON ?? '/usr/bin/python3';

/** The implementations timed, in their order within a round. */
export const IMPLEMENTATIONS = ['nnlabGrid', 'numpy32', 'nnlabEach', 'numpy64'] as const;
export type Implementation = typeof IMPLEMENTATIONS[number];

/** The ratios reported: nnlab (grid or each) / NumPy (float32 or float64), per round. */
export const RATIOS = {
  gridF32: ['nnlabGrid', 'numpy32'], eachF32: ['nnlabEach', 'numpy32'], gridF64: ['nnlabGrid', 'numpy64'], eachF64: ['nnlabEach', 'numpy64'],
} as const satisfies Record<string, readonly [Implementation, Implementation]>;
export type RatioName = keyof typeof RATIOS;

export const DEFAULT_ROUNDS = 3;
export const MAX_ROUNDS = 20;

export interface Row {
  setup: 'A' | 'B';
  pass: 'forward' | 'forward+backward';
  /** Median milliseconds of the six inits over rounds, per implementation. */
  ms: Record<Implementation, number>;
  /** Milliseconds per round, per implementation. */
  samples: Record<Implementation, number[]>;
  /** Per ratio: the median of the per-round ratios, their range, spread and flag. */
  ratios: Record<RatioName, RoundStats>;
  /** The six inits' matrix products alone on this backend ({@link productsFloor}), when measured. */
  products?: ProductsFloor;
}

/** What the products of one setup and pass cost on their own: a floor under nnlab's time. */
export interface ProductsFloor {
  /** Σ FLOPs of the six inits' products. */
  flops: number;
  /** Σ of each product's fastest time, with a new right operand each run (as in the experiment). */
  ms: number;
}

/**
 * The six inits' matrix products of a setup and pass, each timed alone on the current backend
 * (fastest of `reps`, a new right operand each run, so XNNPACK packs it as the experiment makes it):
 * per layer the forward product x·W, and with gradients the input gradient dz·Wᵀ and, when the
 * experiment forms it (batch above the width: setup A), the weight gradient xᵀ·dz. Nothing else is
 * counted, so nnlab's time cannot go below this; NumPy's time next to it says how much of a gap is
 * wasm's product speed (128-bit SIMD without FMA, against native BLAS).
 */
export function productsFloor(setup: 'A' | 'B', gradients: boolean, reps = 3): ProductsFloor {
  const o = setup === 'A' ? SETUP_A : SETUP_B;
  const widths = [o.inputWidth, ...Array.from({ length: o.depth }, () => o.width)];
  const n = o.batchSize;
  let flops = 0;
  let ms = 0;
  const u = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);
  for (let l = 1; l < widths.length; l++) {
    const [fin, fout] = [widths[l - 1], widths[l]];
    const x = u([n, fin], 3 * l);
    const w = u([fin, fout], 3 * l + 1);
    const dz = u([n, fout], 3 * l + 2);
    try {
      // [operand made new each run, the product, its FLOPs]
      const products: Array<[tf.Tensor, (t: tf.Tensor) => tf.Tensor, number]> = [[w, (t) => tf.matMul(x, t as tf.Tensor2D), 2 * n * fin * fout]];
      if (gradients) {
        products.push([w, (t) => tf.matMul(dz, t as tf.Tensor2D, false, true), 2 * n * fin * fout]);
        // the weight gradient's moments as productMoments takes them: xᵀ·dz, or two n x n Gram matrices
        if (n * (fin + fout) >= fin * fout) products.push([dz, (t) => tf.matMul(x, t as tf.Tensor2D, true, false), 2 * n * fin * fout]);
        else {
          products.push([x, (t) => tf.matMul(x, t as tf.Tensor2D, false, true), 2 * n * n * fin]);
          products.push([dz, (t) => tf.matMul(dz, t as tf.Tensor2D, false, true), 2 * n * n * fout]);
        }
      }
      for (const [operand, op, f] of products) {
        flops += INITS.length * f;
        ms += INITS.length * fastestMs(operand, op, reps);
      }
    } finally {
      tf.dispose([x, w, dz]);
    }
  }
  return { flops, ms };
}

/**
 * A row's medians and ratios from its per-round times: each ratio is the median of the per-round
 * ratios, with the spread (max - min) / 2 / median flagged above `bound`.
 */
export function rowOf(setup: Row['setup'], pass: Row['pass'], samples: Record<Implementation, number[]>, bound = SPREAD_BOUND): Row {
  const ms = Object.fromEntries(IMPLEMENTATIONS.map((k) => [k, median(samples[k])])) as Row['ms'];
  const ratios = Object.fromEntries(Object.entries(RATIOS).map(([name, [a, b]]) =>
    [name, roundStats(present(perRoundRatios(samples[a], samples[b])), bound)!])) as Row['ratios'];
  return { setup, pass, ms, samples, ratios };
}

/** The printed table: medians in seconds, each ratio with its spread, and the flag. */
export function initStatsTable(rows: readonly Row[]): string {
  const q = (r: RoundStats) => `${r.median.toFixed(2)} ${formatSpread(r.spread)}`;
  return tableText(toTable(rows.map((row) => ({
    setup: row.setup, pass: row.pass,
    ...Object.fromEntries(([['nnlab grid', 'nnlabGrid'], ['nnlab each', 'nnlabEach'], ['numpy f32', 'numpy32'], ['numpy f64', 'numpy64']] as const)
      .map(([label, k]) => [label, `${(row.ms[k] / 1000).toFixed(2)} s`])),
    'grid/f32': q(row.ratios.gridF32), 'each/f32': q(row.ratios.eachF32), 'grid/f64': q(row.ratios.gridF64), 'each/f64': q(row.ratios.eachF64),
    flag: Object.values(row.ratios).some((r) => r.unstable) ? 'UNSTABLE' : '',
  }))));
}

/** The verdicts of both issues' targets on nnlab grid, with how many ratios were flagged. */
export function targetLines(rows: readonly Row[]): string[] {
  const worst = (rs: readonly Row[], name: RatioName) => Math.max(...rs.map((row) => row.ratios[name].median));
  const forward = rows.filter((row) => row.pass === 'forward');
  const lines: string[] = [];
  if (forward.length) {
    const w = worst(forward, 'gridF64');
    lines.push(`target (issue 6): nnlab grid / NumPy float64 <= 1.0 for the forward statistics of each setup: ${w <= 1 ? 'met' : 'NOT met'} (worst ${w.toFixed(2)})`);
  }
  if (rows.length) {
    const w = worst(rows, 'gridF32');
    lines.push(`target (issue 25): nnlab grid / NumPy float32 <= 1.0 for each setup, forward and forward+backward: ${w <= 1 ? 'met' : 'NOT met'} (worst ${w.toFixed(2)})`);
  }
  for (const row of rows) {
    if (!row.products) continue;
    const { ms, flops } = row.products;
    lines.push(`setup ${row.setup} ${row.pass}: the matrix products alone take ${(ms / 1000).toFixed(2)} s on this backend ` +
      `(${(flops / 1e9).toFixed(1)} GFLOP at ${(flops / ms / 1e6).toFixed(1)} GFLOP/s), ${(ms / row.ms.numpy32).toFixed(2)}x NumPy float32's ` +
      `whole run; nnlab grid takes ${(row.ms.nnlabGrid / ms).toFixed(2)}x its products`);
  }
  const flagged = rows.flatMap((row) => Object.entries(row.ratios).filter(([, r]) => r.unstable).map(([name]) => `${row.setup} ${row.pass} ${name}`));
  if (flagged.length) lines.push(`UNSTABLE (spread > ±${Math.round(100 * SPREAD_BOUND)}%): ${flagged.join(', ')}; rerun on an idle machine or with more --rounds`);
  return lines;
}

/** Sum of NumPy's in-process times of one run per init. */
function numpyMs(options: StatsOptions, dtype: 'float64' | 'float32', seed: number): number {
  const jobs = INITS.map((init) => ({ options: resolveStatsOptions({ ...options, init, activation: 'tanh' }), seeds: [seed], dtype }));
  const r = spawnSync(PYTHON, [NUMPY_SCRIPT, JSON.stringify(jobs)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`NumPy run failed (${PYTHON}): ${(r.error?.message ?? r.stderr).trim()}`);
  return (JSON.parse(r.stdout) as { ms: number }[][]).reduce((sum, runs) => sum + runs[0].ms, 0);
}

async function nnlabEachMs(options: StatsOptions): Promise<number> {
  let ms = 0;
  for (const init of INITS) ms += (await stats({ ...options, init, activation: 'tanh' })).meta.ms;
  return ms;
}

async function measure(setup: 'A' | 'B', gradients: boolean, rounds: number, progress: (line: string) => void): Promise<Row> {
  const options = { ...(setup === 'A' ? SETUP_A : SETUP_B), gradients };
  const samples: Record<Implementation, number[]> = { nnlabGrid: [], numpy32: [], nnlabEach: [], numpy64: [] };
  const pass = gradients ? 'forward+backward' : 'forward';
  const products = productsFloor(setup, gradients);
  progress(`setup ${setup}, ${pass}: the products alone ${(products.ms / 1000).toFixed(2)} s (${(products.flops / products.ms / 1e6).toFixed(1)} GFLOP/s)`);
  for (const { round, config } of interleave(IMPLEMENTATIONS, rounds)) {
    const seed = round + 1;
    const ms = config === 'nnlabGrid' ? (await grid({ ...options, seed, activations: ['tanh'] })).meta.ms
      : config === 'nnlabEach' ? await nnlabEachMs({ ...options, seed })
        : numpyMs(options, config === 'numpy32' ? 'float32' : 'float64', seed);
    samples[config].push(ms);
    progress(`setup ${setup}, ${pass}, round ${round + 1}/${rounds}: ${config} ${(ms / 1000).toFixed(2)} s`);
  }
  return { ...rowOf(setup, pass, samples), products };
}

export interface InitBenchArgs { rounds: number; setups: ('A' | 'B')[]; threads: number | 'auto'; json: boolean }

/**
 * The command line of `bench:init-stats`; a bad value is a one-line error naming the argument,
 * the value and what is allowed.
 */
export function parseArgs(argv: readonly string[]): InitBenchArgs {
  const args: InitBenchArgs = { rounds: DEFAULT_ROUNDS, setups: ['A', 'B'], threads: 'auto', json: false };
  const value = (i: number, allowed: string, ok: (v: string) => boolean): string => {
    const v = argv[i + 1];
    if (v === undefined || !ok(v)) throw new Error(`bench:init-stats: ${argv[i]} must be ${allowed}, got ${v === undefined ? 'nothing' : `"${v}"`}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--rounds' || a === '--repeats') {
      args.rounds = Number(value(i++, `an integer in [1, ${MAX_ROUNDS}]`, (v) => /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= MAX_ROUNDS));
    } else if (a === '--setup') args.setups = [value(i++, 'A or B', (v) => v === 'A' || v === 'B') as 'A' | 'B'];
    else if (a === '--threads') {
      const v = value(i++, 'auto or an integer in [1, 8]', (t) => /^(auto|[1-8])$/.test(t));
      args.threads = v === 'auto' ? 'auto' : Number(v);
    } else throw new Error(`bench:init-stats: unknown argument "${a}" (known: --rounds N, --setup A|B, --threads auto|1..8, --json)`);
  }
  return args;
}

async function main(): Promise<void> {
  const { rounds, setups, threads, json } = parseArgs(process.argv.slice(2));
  const device = await useDevice('cpu', { print: !json, wasm: { threads } });
  const numpy = spawnSync(PYTHON, ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' });
  if (numpy.status !== 0) throw new Error(`${PYTHON} with numpy is needed for the comparison (apt-get install python3-numpy)`);
  const machine = `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), load average ${os.loadavg()[0].toFixed(1)} at the start`;
  const progress = (line: string) => process.stderr.write(`  ${line}\n`);
  const rows: Row[] = [];
  for (const setup of setups) {
    for (const gradients of [false, true]) rows.push(await measure(setup, gradients, rounds, progress));
  }
  if (json) {
    console.log(JSON.stringify({
      device: device.summary, backend: tf.getBackend(), machine, numpy: numpy.stdout.trim(),
      rounds, repeats: rounds, order: IMPLEMENTATIONS, spreadBound: SPREAD_BOUND, rows,
    }, null, 2));
    return;
  }
  console.log(`machine: ${machine}; NumPy ${numpy.stdout.trim()} with its default BLAS threads`);
  console.log(`each time: the 6 inits (${INITS.join(', ')}) with tanh, the median of ${rounds} interleaved rounds ` +
    `(each round: ${IMPLEMENTATIONS.join(', ')});`);
  console.log('a ratio: the median of the per-round ratios (nnlab / NumPy in the same round), ' +
    `±spread = (max - min) / 2 / median over the rounds, UNSTABLE above ±${Math.round(100 * SPREAD_BOUND)}%;`);
  console.log('timings on a shared machine are noisy\n');
  console.log(initStatsTable(rows));
  console.log('');
  for (const line of targetLines(rows)) console.log(line);
}

if (require.main === module) {
  main().then(() => process.exit(0), (err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
