/**
 * `nn.data`: the datasets (MNIST, Fashion-MNIST, CIFAR-10 from the cache, a mirror or the official
 * URLs), subsets, tensors and synthetic sets, and the model store. `loadDataset` here draws live
 * download progress (the data layer itself never draws: it takes progress as a callback).
 *
 * @example
 * const train = await nn.data.loadDataset('mnist', { split: 'train' });
 * nn.data.classCounts(train)   // 10 counts
 */
import { checkOptions } from '../core/errors';
import { loadDataset as loadDatasetQuiet, ImageDataset, LoadOptions } from '../data/load';
import { downloadBars } from '../show/download';

// everything the data layer makes public; loadDataset below adds the live download bars
export * from '../data';

/**
 * Loads one split of a registered dataset (cache, then NNLAB_DATA_MIRROR, then the official URLs),
 * with a live progress bar per downloaded file unless `progress: false` or an `onProgress` is given.
 *
 * @example
 * const train = await nn.data.loadDataset('mnist', { split: 'train' });   // a live bar per downloaded file
 * const test = await nn.data.loadDataset('fashion-mnist', { split: 'test', progress: false });
 * train.count   // 60000
 * test.classNames[0]   // 'T-shirt/top'
 * nn.images(test, { count: 16, seed: 1 });
 */
export function loadDataset(name: string, options: LoadOptions & { progress?: boolean } = {}): Promise<ImageDataset> {
  const { progress, ...rest } = checkOptions('loadDataset options', options);
  const onProgress = rest.onProgress ?? (progress === false ? undefined : downloadBars());
  return loadDatasetQuiet(name, { ...rest, onProgress });
}
