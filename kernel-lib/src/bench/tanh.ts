/**
 * The wasm Tanh override (engine/wasm/tanh.ts, issue 25 part 4): its speed against the stock
 * kernel, and, with `--exhaustive`, its exactness over every float32.
 *
 * Speed: tanh of a [1000, 500] N(0, 1) tensor (a setup A layer of lesson 03) by three routes,
 * interleaved (./rounds.ts) over `--rounds` rounds of `--calls` calls each: the stock wasm kernel
 * (a scalar C++ loop), a plain JavaScript loop with `Math.tanh` over the wasm heap (exact, the
 * simplest alternative) and nnlab's SIMD module. A time is the median over rounds of the
 * per-call milliseconds; a ratio (stock / route) the median of the per-round ratios, with its
 * spread (max - min) / 2 / median.
 *
 * Exactness (`--exhaustive`, a few minutes): every float32 x in [0, 10] (2^30 values, in chunks
 * of 2^20) through the module on its own memory: (1) the largest |y64 - Math.tanh(x)| in float64
 * ulps of y64, where y64 is the module's float64 value before rounding; the module's margin K =
 * 4096 ulps must exceed it, and that makes the rounded results equal Math.fround(Math.tanh(x));
 * (2) the rounded results themselves against Math.fround(Math.tanh(x)): the count of mismatches
 * (expected 0) and of elements the module sent to Math.tanh. Negative x is the same computation
 * on |x| with the sign put back (Math.tanh is odd too); x > 10, ±Inf and NaN are covered by the
 * test's special values (the module clamps |x| at 10, where tanh rounds to 1).
 *
 * Usage: npm run bench:tanh -w nnlab [-- --rounds 7] [--calls 5] [--exhaustive] [--json]
 */
import * as tf from '@tensorflow/tfjs';
import { useDevice } from '../engine/device';
import { BackendWasm, runStock } from '../engine/wasm/kernels-stock';
import { heapMemory, tanhModule, TanhModule } from '../engine/wasm/tanh';
import { interleave, perRoundRatios, present, roundStats, formatSpread, SPREAD_BOUND } from './rounds';

export const ROUTES = ['stock', 'js', 'nnlab'] as const;
export type Route = typeof ROUTES[number];

export interface TanhBenchArgs { rounds: number; calls: number; exhaustive: boolean; json: boolean }

/** The command line; a bad value is a one-line error naming the argument, the value and what is allowed. */
export function parseArgs(argv: readonly string[]): TanhBenchArgs {
  const args: TanhBenchArgs = { rounds: 7, calls: 5, exhaustive: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--exhaustive') args.exhaustive = true;
    else if (a === '--rounds' || a === '--calls') {
      const v = argv[++i];
      if (v === undefined || !/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 50) {
        throw new Error(`bench:tanh: ${a} must be an integer in [1, 50], got ${v === undefined ? 'nothing' : `"${v}"`}`);
      }
      args[a === '--rounds' ? 'rounds' : 'calls'] = Number(v);
    } else throw new Error(`bench:tanh: unknown argument "${a}" (known: --rounds N, --calls N, --exhaustive, --json)`);
  }
  return args;
}

/** One call of `route` on x; the result is freed. */
function runRoute(route: Route, backend: BackendWasm, x: tf.TensorInfo, module: TanhModule): void {
  const out = route === 'stock' ? runStock(backend, tf.Tanh, { x }) : backend.makeOutput(x.shape, 'float32');
  if (route !== 'stock') {
    const src = backend.typedArrayFromHeap(x) as Float32Array;
    const dst = backend.typedArrayFromHeap(out) as Float32Array;
    if (route === 'js') for (let i = 0; i < src.length; i++) dst[i] = Math.tanh(src[i]);
    else module.tanh(src.byteOffset, dst.byteOffset, src.length);
  }
  backend.disposeData(out.dataId);
}

/** Per route, the per-call milliseconds of each round. */
export function timeRoutes(rounds: number, calls: number): Record<Route, number[]> {
  const backend = tf.backend() as BackendWasm;
  const module = tanhModule(heapMemory(backend));
  if (module === null) throw new Error('bench:tanh: the SIMD tanh module did not load on this backend\'s heap');
  const x = tf.randomNormal([1000, 500], 0, 1, 'float32', 1);
  const samples: Record<Route, number[]> = { stock: [], js: [], nnlab: [] };
  for (const route of ROUTES) runRoute(route, backend, x, module); // warm-up
  for (const { config } of interleave(ROUTES, rounds)) {
    const t0 = performance.now();
    for (let c = 0; c < calls; c++) runRoute(config, backend, x, module);
    samples[config].push((performance.now() - t0) / calls);
  }
  x.dispose();
  return samples;
}

export interface ExhaustiveResult { count: number; maxUlps: number; atX: number; mismatches: number; viaMathTanh: number }

/** The exactness check of the module comment, over float32 bit patterns [from, to). */
export function exhaustive(from = 0, to = 0x41200001): ExhaustiveResult {
  const N = 1 << 20;
  const memory = new WebAssembly.Memory({ initial: (16 * N) / 65536 });
  const module = tanhModule(memory);
  if (module === null) throw new Error('bench:tanh: the SIMD tanh module did not instantiate');
  const bits = new Uint32Array(memory.buffer, 0, N);
  const x = new Float32Array(memory.buffer, 0, N);
  const y = new Float32Array(memory.buffer, 4 * N, N);
  const y64 = new Float64Array(memory.buffer, 8 * N, N);
  const word = new Float64Array(1);
  const exponent = new Uint16Array(word.buffer, 6, 1);
  const ulp = (v: number) => { word[0] = v; return 2 ** (Math.max((exponent[0] >> 4) & 0x7ff, 1) - 1075); };
  const result: ExhaustiveResult = { count: 0, maxUlps: 0, atX: 0, mismatches: 0, viaMathTanh: 0 };
  for (let start = from; start < to; start += N) {
    const n = Math.min(N, to - start);
    for (let i = 0; i < n; i++) bits[i] = start + i;
    module.tanh64(0, 8 * N, n & ~1);
    result.viaMathTanh += module.tanh(0, 4 * N, n);
    for (let i = 0; i < n; i++) {
      const m = Math.tanh(x[i]);
      if (i < (n & ~1)) {
        const e = Math.abs(y64[i] - m) / ulp(y64[i]);
        if (e > result.maxUlps) { result.maxUlps = e; result.atX = x[i]; }
      }
      if (y[i] !== Math.fround(m)) result.mismatches++;
    }
    result.count += n;
  }
  return result;
}

async function main(): Promise<void> {
  const { rounds, calls, exhaustive: full, json } = parseArgs(process.argv.slice(2));
  const device = await useDevice('cpu', { print: !json });
  const samples = timeRoutes(rounds, calls);
  const ms = Object.fromEntries(ROUTES.map((r) => [r, roundStats(samples[r])])) as Record<Route, ReturnType<typeof roundStats>>;
  const speedup = Object.fromEntries(ROUTES.map((r) => [r, roundStats(present(perRoundRatios(samples.stock, samples[r])))]));
  const check = full ? exhaustive() : null;
  if (json) {
    console.log(JSON.stringify({ device: device.summary, rounds, calls, samples, ms, speedup, exhaustive: check }, null, 2));
    return;
  }
  console.log(`tanh of [1000, 500] float32 on wasm, per call: median (min-max) of ${rounds} interleaved rounds of ${calls} calls; ` +
    `speed-up = stock / route per round, ±spread (UNSTABLE above ±${Math.round(100 * SPREAD_BOUND)}%)`);
  for (const r of ROUTES) {
    const s = ms[r]!;
    const up = speedup[r]!;
    console.log(`  ${r.padEnd(6)} ${s.median.toFixed(2)} ms (${s.min.toFixed(2)}-${s.max.toFixed(2)})  ` +
      `speed-up ${up.median.toFixed(2)}x ${formatSpread(up.spread)}${up.unstable ? ' UNSTABLE' : ''}`);
  }
  if (check) {
    console.log(`exhaustive, every float32 in [0, 10] (${check.count} values): largest |float64 value - Math.tanh| = ` +
      `${check.maxUlps} ulps (at x = ${check.atX}; margin K = 4096), ${check.mismatches} results differ from ` +
      `Math.fround(Math.tanh(x)), ${check.viaMathTanh} went through Math.tanh`);
  }
}

if (require.main === module) {
  main().then(() => process.exit(0), (err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
