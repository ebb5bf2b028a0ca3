/** Golden cases of the transfer lesson (see ../golden.ts). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { GoldenCase } from '../golden';
import { randomImages } from '../../src/data/synthetic';
import type { ImageDataset } from '../../src/data/load';
import type { TaskData } from '../../src/lessons/transfer/tasks';
import type { TransferSources } from '../../src/lessons/transfer/plan';
import { table } from '../../src/lessons/transfer/table';
import { depth } from '../../src/lessons/transfer/depth';
import { curve } from '../../src/lessons/transfer/curve';

// ------------------------------------------------------------------ transfer: synthetic tasks

/** Synthetic stand-ins for MNIST and Fashion-MNIST (as test/transfer.test.ts): 28×28×1, 10 classes, random pixels. */
function fakeSplit(name: 'mnist' | 'fashion-mnist', split: 'train' | 'test', count: number, seed: number): ImageDataset {
  return { ...randomImages({ count, height: 28, width: 28, channels: 1, classes: 10, seed }), name, split };
}
let transferData: TaskData | undefined;
let zooDir: string | undefined;
/** The synthetic tasks and a temporary zoo folder (its model is trained on first use, then read back). */
function transferSources(): TransferSources {
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

const TRANSFER_SYNTHETIC = '(synthetic MNIST/Fashion-MNIST, zoo model trained on it)';

export const CASES: GoldenCase[] = [
  // lesson 10: transfer learning
  { id: 'transferTable', call: `transfer.table({small: 3, large: 8, repeats: 2, minSteps: 4, epochs: 1, testPerClass: 10, seed: 5}) ${TRANSFER_SYNTHETIC}`,
    run: () => table({ small: 3, large: 8, repeats: 2, minSteps: 4, epochs: 1, testPerClass: 10, seed: 5 }, transferSources()) },
  { id: 'transferDepth', call: `transfer.depth({perClass: 3, repeats: 1, minSteps: 2, epochs: 1, testPerClass: 10, seed: 1}) ${TRANSFER_SYNTHETIC}`,
    run: () => depth({ perClass: 3, repeats: 1, minSteps: 2, epochs: 1, testPerClass: 10, seed: 1 }, transferSources()) },
  { id: 'transferCurve', call: `transfer.curve({sizes: [4, 1, 2], minSteps: 2, epochs: 1, testPerClass: 10, seed: 1}) ${TRANSFER_SYNTHETIC}`,
    run: () => curve({ sizes: [4, 1, 2], minSteps: 2, epochs: 1, testPerClass: 10, seed: 1 }, transferSources()) },
];
