/** Datasets: registry, fetching (cache, mirror, download), loading, subsets, tensors, synthetic sets. */
export { datasetNames, datasetSpec, splitFiles, SPLITS } from './registry';
export type { DatasetSpec, FileSpec, Split } from './registry';
export { dataDir } from './files';
export { loadDataset } from './load';
export type { ImageDataset, LoadOptions } from './load';
export {
  select, take, perClass, onlyClasses, trainValSplit, classCounts, indicesByClass, imageStats, toTensors, batchIndices, NORMALIZATIONS,
} from './transform';
export type { ImageStats, Normalization, BatchOptions } from './transform';
export { flatSplits } from './splits';
export type { FlatSplit, FlatSplits, FlatSplitsOptions } from './splits';
export { spiral, blobs, correlatedCloud, randomImages } from './synthetic';
export type { PointSet } from './synthetic';
export { datasetInfo } from './info';
export type { DatasetInfo, FileStatus } from './info';
export { modelDir, saveModel } from './models';
