/**
 * Golden records: every experiment of the library, run with small options and a fixed seed, so
 * that test/golden.test.ts can prove a refactor leaves every number of every record unchanged.
 * test/golden-record.ts writes the records (normalized) to test/golden/<id>.json.
 *
 * Backend: `useDevice('cpu', { print: false, wasm: { threads: 1, kernels: true } })`, the path a
 * notebook takes on the CPU kernel (wasm, SIMD, 1 thread, nnlab's kernel overrides); threads and
 * kernels are pinned so that NNLAB_WASM_THREADS / NNLAB_WASM_KERNELS cannot change the numbers.
 *
 * Data. dropoutOverfit reads MNIST: run with NNLAB_DATA_MIRROR (the read-only mirror),
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
import { useDevice } from '../src/core/device';
import { randomImages } from '../src/data/synthetic';
import type { ImageDataset } from '../src/data/load';
import { initStats, initStatsGrid } from '../src/concepts/initStats';
import { initTraining, INIT_TRAINING_QUICK } from '../src/concepts/initTraining';
import { batchNormFold, batchNormIdentity, batchNormRunning, batchNormStats } from '../src/concepts/batchNormExperiments';
import {
  BATCH_NORM_LEARNING_RATES_QUICK, BATCH_NORM_MODE_BUG_QUICK, BATCH_NORM_RESCUE_QUICK, batchNormLearningRates,
  batchNormModeBug, batchNormRescue,
} from '../src/concepts/batchNormTraining';
import { normComparison } from '../src/concepts/groupNorm';
import { dropoutExpectation } from '../src/concepts/dropoutExpectation';
import { dropoutEnsemble } from '../src/concepts/dropoutEnsemble';
import { tfDropoutKind } from '../src/concepts/dropoutTfLayers';
import { dropoutOverfit, DROPOUT_OVERFIT_QUICK } from '../src/concepts/dropoutOverfit';
import type { TaskData } from '../src/concepts/transferTasks';
import { transferCurve, transferDepth, transferTable } from '../src/concepts/transferTable';

/** Switches tfjs to the notebook's CPU backend (wasm + nnlab kernels, 1 thread). */
export async function goldenBackend(): Promise<void> {
  const report = await useDevice('cpu', { print: false, wasm: { threads: 1, kernels: true } });
  if (report.backend !== 'wasm') throw new Error(`golden records are made on wasm, got ${report.backend} (${report.summary})`);
}

// ------------------------------------------------------------------ transfer: synthetic tasks

/** Synthetic stand-ins for MNIST and Fashion-MNIST (as test/transfer.test.ts): 28×28×1, 10 classes, random pixels. */
function fakeSplit(name: 'mnist' | 'fashion-mnist', split: 'train' | 'test', count: number, seed: number): ImageDataset {
  return { ...randomImages({ count, height: 28, width: 28, channels: 1, classes: 10, seed }), name, split };
}
let transferData: TaskData | undefined;
let zooDir: string | undefined;
/** The synthetic tasks and a temporary zoo folder (its model is trained on first use, then read back). */
function transferHooks(): { data: TaskData; modelDir: string } {
  transferData ??= {
    mnist: { train: fakeSplit('mnist', 'train', 600, 1), test: fakeSplit('mnist', 'test', 300, 2) },
    'fashion-mnist': { train: fakeSplit('fashion-mnist', 'train', 600, 3), test: fakeSplit('fashion-mnist', 'test', 300, 4) },
  };
  if (zooDir === undefined) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-golden-zoo-'));
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    zooDir = path.join(dir, 'zoo');
  }
  return { data: transferData, modelDir: zooDir };
}

// ------------------------------------------------------------------ the cases

export interface GoldenCase {
  /** File name of the record: test/golden/<id>.json. */
  id: string;
  /** The call, as the test names it. */
  call: string;
  run: () => Promise<unknown>;
}

const INIT_SMALL = { batchSize: 200, depth: 4, width: 100 } as const;
const TRANSFER_SYNTHETIC = '(synthetic MNIST/Fashion-MNIST, zoo model trained on it)';

/** One case per experiment function, plus the CLI's own option sets where they differ. */
export const GOLDEN_CASES: GoldenCase[] = [
  // lesson 03: initialization
  { id: 'initStats', call: "initStats({batchSize: 200, depth: 4, width: 100, init: 'he', activation: 'relu', seed: 1})",
    run: () => initStats({ ...INIT_SMALL, init: 'he', activation: 'relu', seed: 1 }) },
  { id: 'initStats-small-tanh', call: "initStats({batchSize: 200, depth: 4, width: 100, init: 'small', activation: 'tanh', seed: 1})",
    run: () => initStats({ ...INIT_SMALL, init: 'small', activation: 'tanh', seed: 1 }) },
  { id: 'cli-init-stats', call: 'nnlab init-stats: initStats({seed: 0}) (setup A: 1000 x 500, 10 layers of 500, xavier, tanh)',
    run: () => initStats({ seed: 0 }) },
  { id: 'initStatsGrid', call: 'initStatsGrid({batchSize: 200, depth: 4, width: 100, seed: 1}) (every init x tanh, relu)',
    run: () => initStatsGrid({ ...INIT_SMALL, seed: 1 }) },
  { id: 'cli-init-stats-grid', call: 'nnlab init-stats --grid: initStatsGrid({seed: 0}) (setup A, every init x tanh, relu)',
    run: () => initStatsGrid({ seed: 0 }) },
  { id: 'initTraining', call: 'initTraining({...INIT_TRAINING_QUICK (epochs: 10), seed: 1})',
    run: () => initTraining({ ...INIT_TRAINING_QUICK, seed: 1 }) },
  // lesson 04: batch normalization
  { id: 'batchNormStats', call: 'batchNormStats({seed: 1})', run: () => batchNormStats({ seed: 1 }) },
  { id: 'cli-batchnorm', call: "nnlab batchnorm: batchNormStats({mode: 'both'}) (seed 0)", run: () => batchNormStats({ mode: 'both' }) },
  { id: 'batchNormIdentity', call: 'batchNormIdentity({seed: 1})', run: () => batchNormIdentity({ seed: 1 }) },
  { id: 'batchNormRunning', call: 'batchNormRunning({seed: 1})', run: () => batchNormRunning({ seed: 1 }) },
  { id: 'batchNormFold', call: 'batchNormFold({seed: 1})', run: () => batchNormFold({ seed: 1 }) },
  { id: 'cli-batchnorm-fold', call: 'nnlab batchnorm-fold: batchNormFold({}) (seed 0)', run: () => batchNormFold({}) },
  { id: 'batchNormModeBug', call: 'batchNormModeBug({...BATCH_NORM_MODE_BUG_QUICK (steps: 100), seed: 1})',
    run: () => batchNormModeBug({ ...BATCH_NORM_MODE_BUG_QUICK, seed: 1 }) },
  { id: 'batchNormRescue', call: 'batchNormRescue({...BATCH_NORM_RESCUE_QUICK (depth: 5, steps: 80), seed: 1})',
    run: () => batchNormRescue({ ...BATCH_NORM_RESCUE_QUICK, seed: 1 }) },
  { id: 'batchNormLearningRates', call: 'batchNormLearningRates({...BATCH_NORM_LEARNING_RATES_QUICK (lrs: [0.01, 0.3, 3], depth: 4, steps: 60), seed: 1})',
    run: () => batchNormLearningRates({ ...BATCH_NORM_LEARNING_RATES_QUICK, seed: 1 }) },
  { id: 'normComparison', call: 'normComparison({seed: 1})', run: () => normComparison({ seed: 1 }) },
  // lesson 09: dropout
  { id: 'dropoutExpectation', call: 'dropoutExpectation({samples: 2000, seed: 1})', run: () => dropoutExpectation({ samples: 2000, seed: 1 }) },
  { id: 'cli-dropout', call: 'nnlab dropout: dropoutExpectation({}) (20,000 masks, seed 0)', run: () => dropoutExpectation({}) },
  { id: 'dropoutEnsemble', call: 'dropoutEnsemble({ks: [1, 2, 4, ..., 256], repeats: 4, seed: 1})',
    run: () => dropoutEnsemble({ ks: [1, 2, 4, 8, 16, 32, 64, 128, 256], repeats: 4, seed: 1 }) },
  { id: 'tfDropoutKind', call: 'tfDropoutKind({seed: 1})', run: () => tfDropoutKind({ seed: 1 }) },
  { id: 'dropoutOverfit', call: 'dropoutOverfit({sizes: [784, 32, 32, 32, 10], trainSize: 300, valSize: 100, epochs: 2, batchSize: 50, ps: [1, 0.5], seed: 1}) (MNIST)',
    run: () => dropoutOverfit({ sizes: [784, 32, 32, 32, 10], trainSize: 300, valSize: 100, epochs: 2, batchSize: 50, ps: [1, 0.5], seed: 1 }) },
  { id: 'cli-dropout-overfit-quick', call: 'nnlab dropout-overfit --quick: dropoutOverfit(DROPOUT_OVERFIT_QUICK) (1,000 / 500 MNIST images, 3 epochs, seed 0)',
    run: () => dropoutOverfit({ ...DROPOUT_OVERFIT_QUICK }) },
  // lesson 10: transfer learning
  { id: 'transferTable', call: `transferTable({small: 3, large: 8, repeats: 2, minSteps: 4, epochs: 1, testPerClass: 10, seed: 5}) ${TRANSFER_SYNTHETIC}`,
    run: () => transferTable({ small: 3, large: 8, repeats: 2, minSteps: 4, epochs: 1, testPerClass: 10, seed: 5 }, transferHooks()) },
  { id: 'transferDepth', call: `transferDepth({perClass: 3, repeats: 1, minSteps: 2, epochs: 1, testPerClass: 10, seed: 1}) ${TRANSFER_SYNTHETIC}`,
    run: () => transferDepth({ perClass: 3, repeats: 1, minSteps: 2, epochs: 1, testPerClass: 10, seed: 1 }, transferHooks()) },
  { id: 'transferCurve', call: `transferCurve({sizes: [4, 1, 2], minSteps: 2, epochs: 1, testPerClass: 10, seed: 1}) ${TRANSFER_SYNTHETIC}`,
    run: () => transferCurve({ sizes: [4, 1, 2], minSteps: 2, epochs: 1, testPerClass: 10, seed: 1 }, transferHooks()) },
];

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
