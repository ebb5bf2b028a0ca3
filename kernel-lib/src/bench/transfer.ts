/**
 * Speed of lesson 10 (issue 9): the measured 2 × 2 transfer table, in full and in quick mode, on
 * the backend a notebook's CPU kernel gets (wasm here), with the wall time of each part. Targets:
 * the full table under 15 minutes on 2 CPU cores, the quick table under 2 minutes. The zoo model
 * is built first (timed separately: a user pays that once) in a fresh zoo folder.
 *
 * Usage: npm run bench:transfer -w nnlab [-- --quick-only] [--json]
 * Needs MNIST and Fashion-MNIST (NNLAB_DATA_MIRROR or the cache).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useDevice } from '../engine/device';
import { loadPretrained } from '../lessons/transfer/zoo';
import { table, TABLE_QUICK } from '../lessons/transfer/table';
import { depth, DEPTH_QUICK } from '../lessons/transfer/depth';
import { curve, CURVE_QUICK } from '../lessons/transfer/curve';
import { tableRows } from '../lessons/transfer/figures';
import { tableText, toTable } from '../show/table';

interface Timing { part: string; mode: string; seconds: number; target: string; met: boolean | null }

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const quickOnly = process.argv.includes('--quick-only');
  const device = await useDevice('cpu', { print: !json });
  const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-bench-zoo-'));
  const timings: Timing[] = [];
  const time = async <T>(part: string, mode: string, target: number | null, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const value = await fn();
    const seconds = (performance.now() - t0) / 1000;
    timings.push({ part, mode, seconds: Number(seconds.toFixed(1)), target: target === null ? '' : `< ${target} s`, met: target === null ? null : seconds < target });
    if (!json) process.stderr.write(`${part} (${mode}): ${seconds.toFixed(1)} s\n`);
    return value;
  };
  try {
    const base = await time('zoo model (first use)', 'once', null, () => loadPretrained('mnist-0-4-cnn', { dir: modelDir }));
    base.dispose();
    const sources = { modelDir };
    await time('2 × 2 table', 'quick', 120, () => table({ ...TABLE_QUICK }, sources));
    await time('depth probes', 'quick', null, () => depth({ ...DEPTH_QUICK }, sources));
    await time('learning curve', 'quick', null, () => curve({ ...CURVE_QUICK }, sources));
    let full = null;
    if (!quickOnly) {
      full = await time('2 × 2 table', 'full', 900, () => table({}, sources));
      await time('depth probes', 'full', null, () => depth({}, sources));
      await time('learning curve', 'full', null, () => curve({}, sources));
    }
    const load = os.loadavg()[0];
    if (json) {
      console.log(JSON.stringify({ backend: tf.getBackend(), device: device.description, cores: os.cpus().length, loadAverage: load, timings, table: full }, null, 2));
    } else {
      console.log(`\nbackend ${tf.getBackend()} (${device.description}), ${os.cpus().length} cores, load average ${load.toFixed(2)} at the end`);
      console.log(tableText(toTable(timings.map((t) => ({ part: t.part, mode: t.mode, seconds: t.seconds, target: t.target, met: t.met === null ? '' : t.met ? 'yes' : 'NO' })))));
      if (full) console.log(`\nThe full table:\n${tableText(toTable(tableRows(full)))}`);
    }
  } finally {
    fs.rmSync(modelDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
