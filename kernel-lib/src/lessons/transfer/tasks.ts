/**
 * The tasks of the transfer-learning lesson (lesson 10), all 28×28 grey images, 5 classes each:
 *
 *   source     MNIST digits 0–4            what the zoo's base CNN is trained on
 *   similar    MNIST digits 5–9            same kind of images (pen strokes), new classes
 *   different  Fashion-MNIST classes 0–4   photos of clothes: T-shirt/top, trouser, pullover, dress, coat
 *
 * Why this split: the three tasks have the same input shape and the same number of classes, so one
 * base CNN serves all of them and chance is 20 % everywhere; the similar task shares the source's
 * low- and mid-level features (strokes, loops, line ends) but not its classes; the different task
 * shares only the lowest-level ones (edges) — its top pretrained features (tuned to tell digits
 * apart) are the wrong ones. Everything trains in seconds on a 2-core CPU.
 *
 * Labels are renumbered 0–4 in each task. Training images come from the official training files,
 * test images from the test files (only the complete images of a truncated mirror file are used).
 *
 * @example
 * const few = nn.data.perClass(await nn.transfer.loadTask('similar', 'train'), 5, 1); // 25 images of digits 5–9, labels 0–4
 */
import { ArgumentError, checkOneOf } from '../../core/errors';
import { loadDataset } from '../../data/load';
import type { ImageDataset } from '../../data/load';
import { onlyClasses } from '../../data/transform';

/**
 * The names of the lesson's three tasks.
 *
 * @example
 * nn.transfer.TASK_NAMES // ['source', 'similar', 'different']
 */
export const TASK_NAMES = ['source', 'similar', 'different'] as const;
export type TransferTaskName = typeof TASK_NAMES[number];

export interface TransferTask {
  name: TransferTaskName;
  dataset: 'mnist' | 'fashion-mnist';
  classes: readonly number[];
  description: string;
}

/**
 * The three tasks: dataset, the classes taken from it (renumbered 0–4) and a description.
 *
 * @example
 * nn.transfer.TASKS.different.description // 'Fashion-MNIST T-shirt, trouser, pullover, dress, coat'
 */
export const TASKS: Record<TransferTaskName, TransferTask> = {
  source: { name: 'source', dataset: 'mnist', classes: [0, 1, 2, 3, 4], description: 'MNIST digits 0–4' },
  similar: { name: 'similar', dataset: 'mnist', classes: [5, 6, 7, 8, 9], description: 'MNIST digits 5–9' },
  different: { name: 'different', dataset: 'fashion-mnist', classes: [0, 1, 2, 3, 4], description: 'Fashion-MNIST T-shirt, trouser, pullover, dress, coat' },
};

/** Where a task's images come from: the loader (default: loadDataset from the cache/mirror), or given datasets (tests). */
export type TaskData = Partial<Record<'mnist' | 'fashion-mnist', { train: ImageDataset; test: ImageDataset }>>;

const loaded = new Map<string, Promise<ImageDataset>>();

/**
 * The task's split with labels 0–4. Datasets are loaded once per process (the files are read-only);
 * `data` replaces them (tests).
 *
 * @example
 * const test = await nn.transfer.loadTask('different', 'test'); // Fashion-MNIST classes 0–4
 * console.log(test.count, test.classNames); // 5000 test images, 5 class names, labels 0–4
 */
export async function loadTask(name: TransferTaskName, split: 'train' | 'test', data?: TaskData): Promise<ImageDataset> {
  const task = TASKS[checkOneOf('task', name, TASK_NAMES)];
  checkOneOf('split', split, ['train', 'test'] as const);
  const given = data?.[task.dataset]?.[split];
  let ds: ImageDataset;
  if (given) {
    ds = given;
  } else {
    const key = `${task.dataset}/${split}`;
    if (!loaded.has(key)) loaded.set(key, loadDataset(task.dataset, { split, allowPartial: true }));
    try {
      ds = await loaded.get(key)!;
    } catch (err) {
      loaded.delete(key);
      throw err;
    }
  }
  if (ds.height !== 28 || ds.width !== 28 || ds.channels !== 1) {
    throw new ArgumentError(`data.${task.dataset}.${split}`, `${ds.height}x${ds.width}x${ds.channels} images`, '28x28x1 images');
  }
  const out = onlyClasses(ds, task.classes, true);
  return { ...out, note: ds.note };
}
