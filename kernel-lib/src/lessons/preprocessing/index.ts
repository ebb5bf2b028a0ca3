/**
 * `nn.preprocessing`: lesson 02, data preprocessing. Zero-centring, normalising, PCA and whitening
 * on a 2-D cloud; the image recipes of AlexNet (mean image), VGG (channel means) and ResNet
 * (channel means and stds) on CIFAR-10, fitted on training images only.
 *
 * - math: `covariance`, `pcaFit` (every direction for D <= 512, the top k by subspace iteration
 *   beyond), `decorrelate`, `whiten`; `fitStats`, `applyStats`, `meanPerImageStd`;
 * - experiments: `cloud` (the five stages of the 2-D pipeline), `channelStats` (CIFAR-10's
 *   statistics beside the published ones, applied to validation and test images);
 * - experiments on why zero-mean inputs matter: `zeroMean` (one linear classifier on raw vs
 *   centred CIFAR-10 pixels), `sensitivity` (a tiny weight change on centred vs far-off 2-D data);
 *   `pcaCifar` (PCA of CIFAR-10: variance kept, reconstructions);
 * - figures: `cloudFigure`, `showCloud`, `channelStatsFigure`, `showChannelStats`, `zeroMeanFigure`,
 *   `showZeroMean`, `sensitivityFigure`, `showSensitivity`, `pcaFigure`, `showPcaCifar`;
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
export { CENTRINGS, sensitivity, SENSITIVITY_DEFAULTS, zeroMean, ZERO_MEAN_DEFAULTS, ZERO_MEAN_INPUTS, ZERO_MEAN_QUICK } from './centering';
export type {
  Centring, GradientSigns, PixelSet, SensitivityConfig, SensitivityOptions, SensitivityPanel, SensitivityRecord, SensitivityRow,
  ZeroMeanConfig, ZeroMeanInputs, ZeroMeanOptions, ZeroMeanRecord, ZeroMeanRun,
} from './centering';
export { pcaCifar, PCA_DEFAULTS, PCA_FRACTIONS, PCA_MAX_K, PCA_QUICK } from './pca';
export type { PcaConfig, PcaOptions, PcaRecord } from './pca';
export {
  pcaFigure, sensitivityFigure, showPcaCifar, showSensitivity, showZeroMean, zeroMeanFigure,
} from './figuresCentering';
