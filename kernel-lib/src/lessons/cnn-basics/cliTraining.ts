/**
 * `nnlab cifar-cnn`: lesson 11's CIFAR-10 CNN from the terminal, the same experiment and record as
 * `nn.cnn.cifarCnn` (`--quick`: its quick preset, as NNLAB_QUICK=1 does).
 */
import { optionValues, ParsedArgs } from '../../core/args';
import { Command } from '../../core/command';
import { runOnDevice } from '../../engine/device';
import { cifarCnn, CifarCnnOptions, CIFAR_CNN_DEFAULTS, CIFAR_CNN_OPTIONS, CIFAR_CNN_QUICK } from './cifarCnn';
import { cifarCnnText } from './figuresTraining';

const F = CIFAR_CNN_OPTIONS.fields;
const CIFAR_CNN_VALUE_OPTIONS = {
  epochs: F.epochs, 'train-size': F.trainSize, 'val-size': F.valSize, 'test-size': F.testSize, 'batch-size': F.batchSize, lr: F.lr, augment: F.augment, seed: F.seed,
} as const;

/** Runs `nnlab cifar-cnn` for parsed arguments, without choosing a device; returns its text or JSON. */
export async function runCifarCnn(a: ParsedArgs): Promise<string> {
  const v = optionValues('cifar-cnn', a, CIFAR_CNN_VALUE_OPTIONS) as Record<string, unknown>;
  const o: Record<string, unknown> = a.flags.has('quick') ? { ...CIFAR_CNN_QUICK } : {};
  const rename: Record<string, string> = { 'train-size': 'trainSize', 'val-size': 'valSize', 'test-size': 'testSize', 'batch-size': 'batchSize' };
  for (const [k, value] of Object.entries(v)) o[rename[k] ?? k] = value;
  const r = await cifarCnn({ ...(o as CifarCnnOptions), progress: false });
  return a.flags.has('json') ? JSON.stringify({ ...r, ms: r.meta.ms }, null, 2) : cifarCnnText(r);
}

const D = CIFAR_CNN_DEFAULTS;
export const CIFAR_CNN_COMMAND: Command = {
  summary: 'lesson 11: train the lecture\'s CIFAR-10 CNN (1,345,066 weights) with flips and crops; accuracy, confusion matrix, misclassified images',
  usage: `nnlab cifar-cnn [--epochs E] [--train-size N] [--val-size N] [--test-size N] [--batch-size B] [--lr LR] [--augment flip,crop] [--seed S] [--quick] [--json]

The lecture's CNN (3 blocks conv-BN-conv-BN-maxpool-dropout with 32/64/128 filters, dense 512, BN,
dropout, dense 10), Adam, every batch augmented, trained on a seeded CIFAR-10 subset:
  --epochs E        passes over the training images (default ${D.epochs})
  --train-size N    training images (default ${D.trainSize}); --val-size (${D.valSize}), --test-size (${D.testSize})
  --batch-size B    (default ${D.batchSize}); --lr: Adam's learning rate (default ${D.lr})
  --augment LIST    ops from lesson 08 applied to every batch (default ${D.augment.join(',')})
  --seed S          seed of the subsets, the weights, the batch order and the draws (default ${D.seed})
  --quick           ${CIFAR_CNN_QUICK.trainSize} images, ${CIFAR_CNN_QUICK.epochs} epoch: a smoke test (also NNLAB_QUICK=1)
  --json            print the record as JSON (with "ms", the wall time)
One step (64 images) takes about 0.8 s on wasm: the defaults run 13 to 20 minutes (test accuracy 0.566 with seed 0).
The backend is picked as in a notebook (NNLAB_DEVICE=cpu|gpu, else auto).`,
  spec: { flags: ['json', 'quick'], options: CIFAR_CNN_VALUE_OPTIONS },
  run: runOnDevice(runCifarCnn),
};

/** Lesson 11's training commands, for its lesson.ts (`commands: { ...TRAINING_COMMANDS }`). */
export const TRAINING_COMMANDS: Readonly<Record<string, Command>> = { 'cifar-cnn': CIFAR_CNN_COMMAND };
