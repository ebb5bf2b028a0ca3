/**
 * `nn.preprocessing`: lesson 02, data preprocessing.
 *
 * - experiments: `zeroMean` (one linear classifier on raw vs centred CIFAR-10 pixels),
 *   `sensitivity` (a tiny weight change on centred vs far-off 2-D data), `pcaCifar` (PCA of
 *   CIFAR-10: variance kept, reconstructions);
 * - figures: `zeroMeanFigure`, `showZeroMean`, `sensitivityFigure`, `showSensitivity`,
 *   `pcaFigure`, `showPcaCifar`.
 *
 * @example
 * const r = await nn.preprocessing.zeroMean();
 * nn.preprocessing.showZeroMean(r);
 */
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
