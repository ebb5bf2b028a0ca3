/**
 * Golden records: every experiment of the library, run with small options and a fixed seed, so
 * that test/golden.test.ts can prove a refactor leaves every number of every record unchanged.
 * test/golden-record.ts writes the records (normalized) to test/golden/<id>.json.
 *
 * Backend: `useDevice('cpu', { print: false, wasm: { threads: 'auto', kernels: true } })`, the path a
 * notebook takes on the CPU kernel (wasm, SIMD, 'auto' threads handed out per operation, nnlab's
 * kernel overrides); threads and kernels are pinned so that NNLAB_WASM_THREADS / NNLAB_WASM_KERNELS
 * cannot change the numbers. The records were written with 1 thread: they hold with threads per
 * operation too (XNNPACK splits work into output tiles, never a sum), which this file proves.
 *
 * Data. dropoutOverfit reads MNIST, the preprocessing channel statistics CIFAR-10: run with NNLAB_DATA_MIRROR (the read-only mirror),
 * NNLAB_DATA_OFFLINE=1 and NNLAB_DATA_DIR (a throw-away cache), as scripts/test.sh does. The
 * transfer experiments run on synthetic MNIST / Fashion-MNIST stand-ins with a zoo model trained
 * on them in a temporary folder, exactly as test/transfer.test.ts does (the real-data zoo model
 * takes minutes to train on wasm).
 *
 * Experiments that take a hooks argument get none (the transfer ones only their `data` and
 * `modelDir`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { useDevice } from '../src/engine/device';
import { randomImages } from '../src/data/synthetic';
import type { ImageDataset } from '../src/data/load';
import { CASES as ACTIVATIONS } from './golden-cases/activations';
import { CASES as PREPROCESSING } from './golden-cases/preprocessing';
import { CASES as PREPROCESSING_CENTERING } from './golden-cases/preprocessing-centering';
import { CASES as WEIGHT_INIT } from './golden-cases/weight-init';
import { CASES as BATCH_NORM } from './golden-cases/batch-norm';
import { CASES as BABYSITTING } from './golden-cases/babysitting';
import { CASES as DROPOUT } from './golden-cases/dropout';
import { CASES as TRANSFER } from './golden-cases/transfer';
import { CASES as HP_SEARCH_EXPERIMENTS } from './golden-cases/hp-search-experiments';
import { CASES as HP_SEARCH } from './golden-cases/hp-search';
import { CASES as BABYSITTING_MONITOR } from './golden-cases/babysitting-monitor';
import { CASES as OPTIMIZERS } from './golden-cases/optimizers';
import { CASES as OPTIMIZERS_TRAINING } from './golden-cases/optimizers-training';
import { CASES as REGULARIZATION } from './golden-cases/regularization';
import { CASES as REGULARIZATION_AUGMENT } from './golden-cases/regularization-augment';
import { CASES as CNN_BASICS } from './golden-cases/cnn-basics';
import { CASES as CNN_TRAINING } from './golden-cases/cnn-training';
import { CASES as LOSSES } from './golden-cases/losses';
import { CASES as LOSSES_GATES } from './golden-cases/losses-gates';

/** Switches tfjs to the notebook's CPU backend (wasm + nnlab kernels, 'auto' threads per operation). */
export async function goldenBackend(): Promise<void> {
  const report = await useDevice('cpu', { print: false, wasm: { threads: 'auto', kernels: true } });
  if (report.backend !== 'wasm') throw new Error(`golden records are made on wasm, got ${report.backend} (${report.summary})`);
}

// ------------------------------------------------------------------ the cases

export interface GoldenCase {
  /** File name of the record: test/golden/<id>.json. */
  id: string;
  /** The call, as the test names it. */
  call: string;
  run: () => Promise<unknown>;
}

/** One case per experiment function, plus the CLI's own option sets where they differ (one file per lesson). */
export const GOLDEN_CASES: GoldenCase[] = [...ACTIVATIONS, ...PREPROCESSING, ...PREPROCESSING_CENTERING, ...WEIGHT_INIT, ...BATCH_NORM, ...BABYSITTING, ...BABYSITTING_MONITOR, ...HP_SEARCH_EXPERIMENTS, ...HP_SEARCH, ...OPTIMIZERS, ...OPTIMIZERS_TRAINING, ...REGULARIZATION, ...REGULARIZATION_AUGMENT, ...DROPOUT, ...TRANSFER, ...CNN_BASICS, ...CNN_TRAINING, ...LOSSES, ...LOSSES_GATES];

// ------------------------------------------------------------------ normalization

/**
 * Keys dropped from a record (at any depth) before it is compared, because they change between
 * runs or between versions without any number of the experiment changing:
 *   meta, ms, seconds, elapsed, elapsedMs, wallMs, durationMs, time, timing(s): wall-clock timing
 *     (every record's `meta: { ms }`; the CLI's `ms`);
 *   backend: the tfjs backend name (always "wasm" here; also in the zoo model's metadata);
 *   version, versions: nnlab / tfjs / node versions;
 *   tfjs, nnlab, node: version strings (the zoo model's metadata carries `nnlab` and `tfjs`);
 *     dropped only when the value is a string;
 *   data.note at the top of a record (dropoutOverfit): the dataset loader's note on the files it
 *     found, e.g. "only the first 15654 of 60000 images (... /work/shared/datasets/mnist/...partial)":
 *     it names the machine's mirror and how complete its download is, not anything the code
 *     computes (the experiment uses the first trainSize + valSize images either way). The
 *     transfer records' data.<task>.note (synthetic data descriptions) are kept.
 * Everything else is kept, and numbers are kept exact: the refactor must not change any number.
 */
const DROPPED_KEYS = new Set([
  'meta', 'ms', 'seconds', 'elapsed', 'elapsedMs', 'wallMs', 'durationMs', 'time', 'timing', 'timings',
  'backend', 'version', 'versions',
]);
const DROPPED_STRING_KEYS = new Set(['tfjs', 'nnlab', 'node']);
const DROPPED_PATHS = new Set(['$.data.note']);

/** A deep copy of `r` as plain JSON, without the keys above; throws on what JSON cannot hold. */
export function normalizeRecord(r: unknown): unknown {
  return normalize(r, '$');
}

function normalize(v: unknown, where: string): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    // JSON has no NaN or ±Infinity: keep them as tagged strings so the comparison still sees them.
    return Number.isFinite(v) ? (Object.is(v, -0) ? 0 : v) : String(v);
  }
  if (Array.isArray(v)) return v.map((x, i) => normalize(x, `${where}[${i}]`));
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, (x, i) => normalize(x, `${where}[${i}]`));
  if (typeof v === 'object') {
    if (v instanceof tf.Tensor) throw new Error(`golden: ${where} is a tensor, not plain JSON`);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (DROPPED_KEYS.has(k) || (DROPPED_STRING_KEYS.has(k) && typeof x === 'string') || DROPPED_PATHS.has(`${where}.${k}`)) continue;
      if (x === undefined) continue; // JSON.stringify drops it too
      out[k] = normalize(x, `${where}.${k}`);
    }
    return out;
  }
  if (v === undefined) return null; // as JSON.stringify writes undefined array entries
  throw new Error(`golden: ${where} is a ${typeof v}, not plain JSON`);
}

/** Where the records live: kernel-lib/test/golden (this file compiles to kernel-lib/<out>/test/). */
export const GOLDEN_DIR = path.resolve(__dirname, '..', '..', 'test', 'golden');

export function goldenFile(id: string): string {
  return path.join(GOLDEN_DIR, `${id}.json`);
}
