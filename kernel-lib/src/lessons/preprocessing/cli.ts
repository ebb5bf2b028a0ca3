/**
 * `nnlab whiten` and `nnlab preprocess`: lesson 02's experiments from the terminal, with the same
 * options and the same plain records as `nn.preprocessing.cloud` and `nn.preprocessing.channelStats`.
 */
import { optionValues, ParsedArgs } from '../../core/args';
import { Command } from '../../core/command';
import { runOnDevice } from '../../engine/device';
import { channelStats, CHANNEL_DATASETS, CHANNEL_FIELDS, CHANNEL_MODES, ChannelStatsOptions } from './channelStats';
import { cloud, CLOUD_FIELDS, CloudOptions } from './cloud';
import { channelStatsText, cloudText } from './figures';

/** `nnlab whiten`'s value options -> the declared cloud options they set. */
const WHITEN_VALUE_OPTIONS = { points: CLOUD_FIELDS.points, correlation: CLOUD_FIELDS.correlation, eps: CLOUD_FIELDS.eps, seed: CLOUD_FIELDS.seed } as const;

/** Runs the 2-D pipeline for parsed arguments, without choosing a device (tests call it on theirs). */
export async function runWhiten(a: ParsedArgs): Promise<string> {
  const record = await cloud({ ...(optionValues('whiten', a, WHITEN_VALUE_OPTIONS) as CloudOptions), progress: false });
  return a.flags.has('json') ? JSON.stringify({ ...record, ms: record.meta.ms }, null, 2) : cloudText(record);
}

export const WHITEN_COMMAND: Command = {
  summary: 'lesson 02: a correlated 2-D cloud zero-centred, normalised, decorrelated (PCA) and whitened',
  usage: `nnlab whiten [--points 500] [--correlation 0.8] [--eps 1e-5] [--seed 0] [--json]

Draws a Gaussian cloud with mean (3, 2), stds (2, 0.5) and the given correlation, then applies the
lecture's steps with tfjs ops: X − mean, ÷ std per feature, ·U (the eigenvectors of the covariance
XᵀX/N), ÷ sqrt(λ + eps). Prints each stage's mean, std, covariance and correlation, the PCA
directions, and the checks: the decorrelated correlation is 0 and the whitened covariance I, up to
eps's shrink λ/(λ + eps) and float32 rounding.
  --points N        points in the cloud (default 500)
  --correlation R   correlation of the two features, in [-0.99, 0.99] (default 0.8)
  --eps E           added to each eigenvalue before the square root (default 1e-5)
  --seed S          seed (default 0)
  --json            print the record as JSON (with "ms", the wall time, next to "meta")
The backend is picked as in a notebook (NNLAB_DEVICE=cpu|gpu, else auto).`,
  spec: { flags: ['json'], options: { ...WHITEN_VALUE_OPTIONS } },
  run: runOnDevice(runWhiten),
};

/** `nnlab preprocess`'s value options -> the declared channelStats options they set. */
const PREPROCESS_VALUE_OPTIONS = {
  dataset: CHANNEL_FIELDS.dataset, mode: CHANNEL_FIELDS.mode, 'train-size': CHANNEL_FIELDS.trainSize,
  'val-size': CHANNEL_FIELDS.valSize, 'test-size': CHANNEL_FIELDS.testSize,
} as const;

/** Runs the channel statistics for parsed arguments, without choosing a device. */
export async function runPreprocess(a: ParsedArgs): Promise<string> {
  const v = optionValues('preprocess', a, PREPROCESS_VALUE_OPTIONS);
  // only the options given: a key present (even undefined) would keep quick mode's preset from applying
  const names: Record<string, keyof ChannelStatsOptions> = { dataset: 'dataset', mode: 'mode', 'train-size': 'trainSize', 'val-size': 'valSize', 'test-size': 'testSize' };
  const options = Object.fromEntries(Object.entries(v).map(([flag, value]) => [names[flag], value])) as ChannelStatsOptions;
  const record = await channelStats({ ...options, progress: false });
  return a.flags.has('json') ? JSON.stringify({ ...record, ms: record.meta.ms }, null, 2) : channelStatsText(record);
}

export const PREPROCESS_COMMAND: Command = {
  summary: 'lesson 02: CIFAR-10 mean image / channel means / channel stds, fitted on training images only',
  usage: `nnlab preprocess [--dataset cifar-10] [--mode ${CHANNEL_MODES.join('|')}] [--train-size 45000] [--val-size 5000] [--test-size 10000] [--json]

Fits the statistics a CIFAR-10 net subtracts on the first --train-size training images only
(mean-image: AlexNet's 32×32×3 mean image; channel-mean: VGG's 3 channel means; channel-std:
ResNet's channel means and stds), prints them beside the published numbers (mean 0.4914, 0.4822,
0.4465; std 0.2470, 0.2435, 0.2616; the widely copied 0.2023, 0.1994, 0.2010 is about the mean of
per-image stds), then normalises the last --val-size training images and the first --test-size
test images with them and prints each split's channel means and stds.
  --dataset NAME     ${CHANNEL_DATASETS.join(', ')} (default cifar-10)
  --mode MODE        ${CHANNEL_MODES.join(', ')} (default channel-std)
  --train-size N     training images fitted (default 45000; 5000 with NNLAB_QUICK=1)
  --val-size N       held-out training images (default 5000; 1000 with NNLAB_QUICK=1)
  --test-size N      test images (default 10000; 1000 with NNLAB_QUICK=1; 0: the test split is not read)
  --json             print the record as JSON (with "ms", the wall time, next to "meta")
CIFAR-10 comes from the cache, a mirror (NNLAB_DATA_MIRROR) or the official URL.`,
  spec: { flags: ['json'], options: { ...PREPROCESS_VALUE_OPTIONS } },
  run: runOnDevice(runPreprocess),
};

