/**
 * Dataset loading benchmark: time to load MNIST (from the cache or mirror) into tensors, time to
 * load CIFAR-10 into compact storage plus one batch of tensors, and the peak RSS of each, each
 * measured in its own child process. Targets (issue 5): MNIST under 2 s, CIFAR-10 under 10 s,
 * CIFAR-10 peak RSS under 1 GB.
 *
 * Usage: npm run bench:data -w nnlab [-- --json]   (set NNLAB_DATA_MIRROR or have the cache filled)
 */
import { spawnSync } from 'child_process';
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../data/load';
import { toTensors } from '../data/transform';

interface Result { dataset: string; seconds: number; peakRssMB: number; images: number; targetSeconds: number; note: string }

async function child(name: string): Promise<void> {
  await tf.setBackend('cpu');
  const t0 = process.hrtime.bigint();
  let images = 0;
  let note = '';
  if (name === 'mnist') {
    for (const split of ['train', 'test'] as const) {
      const ds = await loadDataset('mnist', { split, allowPartial: true });
      const { x, y } = toTensors(ds);
      images += ds.count;
      if (ds.note) note = ds.note;
      tf.dispose([x, y]);
    }
  } else {
    for (const split of ['train', 'test'] as const) {
      const ds = await loadDataset('cifar-10', { split });
      const { x, y } = toTensors(ds, { size: 128 });
      images += ds.count;
      tf.dispose([x, y]);
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ dataset: name, seconds, peakRssMB, images, note }));
}

function run(name: string): Result {
  const r = spawnSync(process.execPath, [__filename, '--child', name], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${name}: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
  const rec = JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('{"dataset"')));
  return { ...rec, targetSeconds: name === 'mnist' ? 2 : 10 };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1]);
  const results = ['mnist', 'cifar-10'].map(run);
  if (args.includes('--json')) {
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  console.log('dataset    images   seconds  target   peak RSS');
  for (const r of results) {
    console.log(`${r.dataset.padEnd(9)} ${String(r.images).padStart(7)}  ${r.seconds.toFixed(2).padStart(7)}  < ${r.targetSeconds} s  ${r.peakRssMB.toFixed(0).padStart(5)} MB` +
      `${r.dataset === 'cifar-10' ? ' (target < 1024 MB)' : ''}${r.note ? `  [${r.note}]` : ''}`);
  }
}

main().catch((err) => { console.error(err instanceof Error ? err.message : err); process.exitCode = 1; });
