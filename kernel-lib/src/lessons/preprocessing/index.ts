/**
 * `nn.preprocessing`: lesson 02, data preprocessing. Zero-centring, normalising, PCA and whitening
 * on a 2-D cloud; the image recipes of AlexNet (mean image), VGG (channel means) and ResNet
 * (channel means and stds) on CIFAR-10, fitted on training images only.
 *
 * - math: `covariance`, `pcaFit` (every direction for D <= 512, the top k by subspace iteration
 *   beyond), `decorrelate`, `whiten`; `fitStats`, `applyStats`, `meanPerImageStd`;
 * - experiments: `cloud` (the five stages of the 2-D pipeline), `channelStats` (CIFAR-10's
 *   statistics beside the published ones, applied to validation and test images);
 * - figures: `cloudFigure`, `showCloud`, `channelStatsFigure`, `showChannelStats`;
 * - homework 02: `eigh`, the eigenpairs of a small symmetric matrix as plain arrays (for PCA and
 *   whitening by hand).
 *
 * @example
 * const r = await nn.preprocessing.cloud();
 * nn.preprocessing.showCloud(r);
 * const s = await nn.preprocessing.channelStats({ mode: 'channel-std' });
 * nn.preprocessing.showChannelStats(s);
 */
export { covariance, decorrelate, pcaFit, PCA_FULL_MAX_D, whiten } from './whitening';
export type { PcaFit } from './whitening';
export { cloud, CLOUD_DEFAULTS, CLOUD_STAGES } from './cloud';
export type { CloudConfig, CloudOptions, CloudRecord, CloudStage, CloudStageRecord } from './cloud';
export {
  applyStats, channelStats, CHANNEL_DEFAULTS, CHANNEL_MODES, CHANNEL_QUICK, CIFAR10_PUBLISHED, fitStats, meanPerImageStd,
} from './channelStats';
export type {
  AppliedSplit, ChannelMode, ChannelRow, ChannelStatsConfig, ChannelStatsFit, ChannelStatsOptions, ChannelStatsRecord, ChannelStatsSource,
} from './channelStats';
export { channelStatsFigure, cloudFigure, showChannelStats, showCloud } from './figures';
export { eigh } from './homeworkWhiten';
export type { Eigh } from './homeworkWhiten';
