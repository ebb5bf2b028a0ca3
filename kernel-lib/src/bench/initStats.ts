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
 * interpreter or backend start-up), the median of `--repeats` interleaved rounds. The target of
 * the issue: nnlab / NumPy float64 <= 1.0 for setups A and B on the wasm backend.
 *
 * The wasm backend runs with `--threads` XNNPACK threads (default 'auto': the cores, as the other
 * nnlab benchmarks; the lessons default to 1, NNLAB_WASM_THREADS), NumPy with its default BLAS
 * threads (all cores).
 *
 * Usage: npm run bench:init-stats -w nnlab [-- --repeats 3] [--setup A|B] [--threads auto|1..8] [--json]
 */
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { useDevice } from '../engine/device';
import { INITS } from '../nets/init';
import { resolveStatsOptions, SETUP_A, SETUP_B, stats, StatsOptions } from '../lessons/weight-init/stats';
import { grid } from '../lessons/weight-init/grid';

const NUMPY_SCRIPT = path.resolve(__dirname, '..', '..', 'test', 'numpy', 'init_stats.py');
const PYTHON = process.env.NNLAB_PYTHON ?? '/usr/bin/python3';

interface Row {
  setup: 'A' | 'B';
  pass: 'forward' | 'forward+backward';
  /** Median milliseconds of the six inits, per implementation. */
  ms: { nnlabGrid: number; nnlabEach: number; numpy64: number; numpy32: number };
  samples: Record<string, number[]>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
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

async function measure(setup: 'A' | 'B', gradients: boolean, repeats: number): Promise<Row> {
  const options = { ...(setup === 'A' ? SETUP_A : SETUP_B), gradients };
  const samples: Record<string, number[]> = { nnlabGrid: [], nnlabEach: [], numpy64: [], numpy32: [] };
  for (let round = 0; round < repeats; round++) {
    const seed = round + 1;
    samples.nnlabGrid.push((await grid({ ...options, seed, activations: ['tanh'] })).meta.ms);
    samples.numpy64.push(numpyMs(options, 'float64', seed));
    samples.nnlabEach.push(await nnlabEachMs({ ...options, seed }));
    samples.numpy32.push(numpyMs(options, 'float32', seed));
  }
  const ms = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])) as Row['ms'];
  return { setup, pass: gradients ? 'forward+backward' : 'forward', ms, samples };
}

function parseArgs(argv: string[]): { repeats: number; setups: ('A' | 'B')[]; threads: number | 'auto'; json: boolean } {
  let repeats = 3;
  let setups: ('A' | 'B')[] = ['A', 'B'];
  let threads: number | 'auto' = 'auto';
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') json = true;
    else if (argv[i] === '--repeats' && /^[1-9]\d*$/.test(argv[i + 1] ?? '')) repeats = Number(argv[++i]);
    else if (argv[i] === '--setup' && ['A', 'B'].includes(argv[i + 1])) setups = [argv[++i] as 'A' | 'B'];
    else if (argv[i] === '--threads' && /^(auto|[1-8])$/.test(argv[i + 1] ?? '')) threads = argv[++i] === 'auto' ? 'auto' : Number(argv[i]);
    else throw new Error(`bench:init-stats: unknown argument "${argv[i]}" (known: --repeats N, --setup A|B, --threads auto|1..8, --json)`);
  }
  return { repeats, setups, threads, json };
}

async function main(): Promise<void> {
  const { repeats, setups, threads, json } = parseArgs(process.argv.slice(2));
  const device = await useDevice('cpu', { print: !json, wasm: { threads } });
  const numpy = spawnSync(PYTHON, ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' });
  if (numpy.status !== 0) throw new Error(`${PYTHON} with numpy is needed for the comparison (apt-get install python3-numpy)`);
  const machine = `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), load average ${os.loadavg()[0].toFixed(1)} at the start`;
  if (!json) {
    console.log(`machine: ${machine}; NumPy ${numpy.stdout.trim()} with its default BLAS threads`);
    console.log(`each time: the 6 inits (${INITS.join(', ')}) with tanh, median of ${repeats} interleaved rounds; ` +
      'timings on a shared machine are noisy\n');
    console.log('setup  pass               nnlab grid  nnlab each  numpy f64  numpy f32   grid/f64  each/f64  grid/f32  each/f32');
  }
  const rows: Row[] = [];
  for (const setup of setups) {
    for (const gradients of [false, true]) {
      const row = await measure(setup, gradients, repeats);
      rows.push(row);
      if (!json) {
        const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`.padStart(10);
        const r = (a: number, b: number) => (a / b).toFixed(2).padStart(9);
        const m = row.ms;
        console.log(`${setup.padEnd(6)} ${row.pass.padEnd(17)} ${s(m.nnlabGrid)}  ${s(m.nnlabEach)} ${s(m.numpy64)} ${s(m.numpy32)} ` +
          `${r(m.nnlabGrid, m.numpy64)} ${r(m.nnlabEach, m.numpy64)} ${r(m.nnlabGrid, m.numpy32)} ${r(m.nnlabEach, m.numpy32)}`);
      }
    }
  }
  if (json) {
    console.log(JSON.stringify({ device: device.summary, backend: tf.getBackend(), machine, numpy: numpy.stdout.trim(), repeats, rows }, null, 2));
    return;
  }
  const forward = rows.filter((row) => row.pass === 'forward');
  const worst = Math.max(...forward.map((row) => row.ms.nnlabGrid / row.ms.numpy64));
  console.log(`\ntarget (issue 6): nnlab / NumPy float64 <= 1.0 for the forward statistics of each setup: ` +
    `${worst <= 1 ? 'met' : 'NOT met'} (worst grid/f64 ${worst.toFixed(2)})`);
}

main().then(() => process.exit(0), (err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
