/**
 * `nnlab zero-mean` and `nnlab pca`: lesson 02's zero-mean and PCA experiments from the terminal,
 * with the same options and the same plain records as `nn.preprocessing.zeroMean` and
 * `nn.preprocessing.pcaCifar` in a notebook.
 */
import { optionValues, ParsedArgs } from '../../core/args';
import { Command } from '../../core/command';
import { runOnDevice } from '../../engine/device';
import { zeroMean, ZERO_MEAN_FIELDS, ZeroMeanOptions } from './centering';
import { pcaText, zeroMeanText } from './figuresCentering';
import { pcaCifar, PCA_FIELDS, PcaOptions } from './pca';


/** `nnlab zero-mean`'s value options -> the declared zeroMean options they set. */
const ZERO_MEAN_VALUE_OPTIONS = {
  'train-size': ZERO_MEAN_FIELDS.trainSize, epochs: ZERO_MEAN_FIELDS.epochs, lr: ZERO_MEAN_FIELDS.lr,
  centring: ZERO_MEAN_FIELDS.centring, seed: ZERO_MEAN_FIELDS.seed,
} as const;

/** Runs the zero-mean experiment for parsed arguments, without choosing a device. */
export async function runZeroMean(a: ParsedArgs): Promise<string> {
  const { 'train-size': trainSize, ...rest } = optionValues('zero-mean', a, ZERO_MEAN_VALUE_OPTIONS);
  const record = await zeroMean({ ...(rest as ZeroMeanOptions), ...(trainSize === undefined ? {} : { trainSize: trainSize as number }), progress: false });
  return a.flags.has('json') ? JSON.stringify({ ...record, ms: record.meta.ms }, null, 2) : zeroMeanText(record);
}

export const ZERO_MEAN_COMMAND: Command = {
  summary: 'lesson 02: one linear classifier on raw vs zero-centred CIFAR-10 pixels (loss, accuracy, gradient signs)',
  usage: `nnlab zero-mean [--train-size 5000] [--epochs 5] [--lr 0.03] [--centring channel] [--seed 0] [--json]

Trains the same linear softmax classifier with plain SGD (same init, same batches) on CIFAR-10
pixels in [0, 1] and on the same pixels minus the training images' mean; prints the final loss and
accuracies, and how often a weight-gradient column dW[:, j] has one sign (all-positive inputs: the
zig-zag of lesson 01). CIFAR-10 comes from the cache, a mirror (NNLAB_DATA_MIRROR) or the official URL.
  --train-size N   training images (default 5000; 2000 with NNLAB_QUICK=1); the next 1000 validate
  --epochs N       epochs (default 5; 3 with NNLAB_QUICK=1)
  --lr LR          learning rate of both runs (default 0.03)
  --centring C     channel (per-channel means) or pixel (the mean image) (default channel)
  --seed S         seed of the init and the batch order (default 0)
  --json           print the record as JSON (with "ms", the wall time, next to "meta")
The backend is picked as in a notebook (NNLAB_DEVICE=cpu|gpu, else auto).`,
  spec: { flags: ['json'], options: { ...ZERO_MEAN_VALUE_OPTIONS } },
  run: runOnDevice(runZeroMean),
};

/** `nnlab pca`'s value options -> the declared pcaCifar options they set. */
const PCA_VALUE_OPTIONS = { 'train-size': PCA_FIELDS.trainSize, k: PCA_FIELDS.ks, seed: PCA_FIELDS.seed } as const;

/** Runs PCA for parsed arguments, without choosing a device. */
export async function runPca(a: ParsedArgs): Promise<string> {
  const { 'train-size': trainSize, k, ...rest } = optionValues('pca', a, PCA_VALUE_OPTIONS);
  const record = await pcaCifar({
    ...(rest as PcaOptions), ...(trainSize === undefined ? {} : { trainSize: trainSize as number }), ...(k === undefined ? {} : { ks: k as number[] }), progress: false,
  });
  return a.flags.has('json') ? JSON.stringify({ ...record, ms: record.meta.ms }, null, 2) : pcaText(record);
}

export const PCA_COMMAND: Command = {
  summary: 'lesson 02: PCA of CIFAR-10 images: variance kept by k components, reconstruction error',
  usage: `nnlab pca [--train-size 5000] [--k 10,50,200] [--seed 0] [--json]

Finds the top principal components of CIFAR-10 training images (3072 pixels, centred with the mean
image) by orthogonal iteration; prints the variance kept and the reconstruction MSE per pixel at
each k (training and held-out test images) and the components needed for 90, 95 and 99 % of the variance.
  --train-size N   training images (default 5000; 500 with NNLAB_QUICK=1)
  --k K,...        numbers of components, each in [1, 300] (default 10,50,200; 5,20,50 with NNLAB_QUICK=1)
  --seed S         seed of the iteration's random start (default 0)
  --json           print the record as JSON (with "ms", the wall time, next to "meta")
The backend is picked as in a notebook (NNLAB_DEVICE=cpu|gpu, else auto).`,
  spec: { flags: ['json'], options: { ...PCA_VALUE_OPTIONS } },
  flags: { ks: 'k' },
  run: runOnDevice(runPca),
};
