/**
 * `nnlab random-vs-grid` and `nnlab cross-validate`: lesson 06's random-vs-grid and
 * cross-validation experiments from the terminal, with the same options and the same plain records
 * as `nn.hpSearch.randomVsGrid` and `nn.hpSearch.crossValidation` in a notebook.
 */
import { optionValues, ParsedArgs } from '../../core/args';
import { Command, out } from '../../core/command';
import { runOnDevice } from '../../engine/device';
import { crossValidation, CROSS_VALIDATION_FIELDS, CrossValidationOptions } from './crossValidation';
import { crossValidationText, randomVsGridText } from './figuresExperiments';
import { randomVsGrid, RANDOM_VS_GRID_FIELDS, RandomVsGridOptions } from './randomVsGrid';

/** `nnlab random-vs-grid`'s value options -> the declared randomVsGrid options they set. */
const RANDOM_VS_GRID_VALUE_OPTIONS = {
  trials: RANDOM_VS_GRID_FIELDS.trials, repeats: RANDOM_VS_GRID_FIELDS.repeats, seed: RANDOM_VS_GRID_FIELDS.seed,
} as const;

/** Runs random vs grid search for parsed arguments (pure JS: no backend needed). */
export async function runRandomVsGrid(a: ParsedArgs): Promise<string> {
  const record = await randomVsGrid({ ...(optionValues('random-vs-grid', a, RANDOM_VS_GRID_VALUE_OPTIONS) as RandomVsGridOptions), progress: false });
  return a.flags.has('json') ? JSON.stringify({ ...record, ms: record.meta.ms }, null, 2) : randomVsGridText(record);
}

export const RANDOM_VS_GRID_COMMAND: Command = {
  summary: 'lesson 06: grid vs random search with one important and one unimportant hyperparameter (Bergstra & Bengio)',
  usage: `nnlab random-vs-grid [--trials 9] [--repeats 200] [--seed 0] [--json]

Searches the synthetic objective f(a, u) = exp(−(a − 0.7)²/(2·0.05²)) + 0.05·(1 − (2u − 1)²) on
[0, 1]², where only a matters much, with a √n × √n grid and with n random trials; prints how many
distinct values of a each method tried, the best each found, and the mean best over seeded repeats
(with the same objective, and with the peak of a drawn anew each time).
  --trials N    the budget n of both searches, a perfect square: 4, 9, 16, ... (default 9)
  --repeats N   seeded repeats behind the means (default 200)
  --seed S      seed of the random trials (default 0)
  --json        print the record as JSON (with "ms", the wall time, next to "meta")`,
  spec: { flags: ['json'], options: { ...RANDOM_VS_GRID_VALUE_OPTIONS } },
  async run(a) {
    out(await runRandomVsGrid(a));
    return 0;
  },
};

/** `nnlab cross-validate`'s value options -> the declared crossValidation options they set. */
const CROSS_VALIDATE_VALUE_OPTIONS = {
  folds: CROSS_VALIDATION_FIELDS.folds, 'pool-size': CROSS_VALIDATION_FIELDS.poolSize, splits: CROSS_VALIDATION_FIELDS.splits,
  shuffles: CROSS_VALIDATION_FIELDS.shuffles, epochs: CROSS_VALIDATION_FIELDS.epochs, 'batch-size': CROSS_VALIDATION_FIELDS.batchSize,
  'test-size': CROSS_VALIDATION_FIELDS.testSize,
  seed: CROSS_VALIDATION_FIELDS.seed,
} as const;

/** Runs the cross-validation experiment for parsed arguments, without choosing a device. */
export async function runCrossValidate(a: ParsedArgs): Promise<string> {
  const { 'pool-size': poolSize, 'test-size': testSize, 'batch-size': batchSize, ...rest } = optionValues('cross-validate', a, CROSS_VALIDATE_VALUE_OPTIONS);
  const record = await crossValidation({
    ...(rest as CrossValidationOptions), ...(poolSize === undefined ? {} : { poolSize: poolSize as number }),
    ...(batchSize === undefined ? {} : { batchSize: batchSize as number }),
    ...(testSize === undefined ? {} : { testSize: testSize as number }), progress: false,
  });
  return a.flags.has('json') ? JSON.stringify({ ...record, ms: record.meta.ms }, null, 2) : crossValidationText(record);
}

export const CROSS_VALIDATE_COMMAND: Command = {
  summary: 'lesson 06: k-fold cross-validation vs one validation split on a small CIFAR-10 pool (the variance of the estimate)',
  usage: `nnlab cross-validate [--folds 5] [--pool-size 1000] [--splits 5] [--shuffles 3] [--epochs 10] [--batch-size 50] [--test-size 1000] [--seed 0] [--json]

Trains the lecture's two-layer net (3072 → 50 → 10, plain SGD) at two (lr, reg) settings on a seeded
pool of CIFAR-10 training images; estimates each setting's validation accuracy by k-fold
cross-validation (mean ± std over folds, for several cuts of the pool) and by one validation split
with several seeds, and prints both with their spread, next to the accuracy on test images of a net
trained on the whole pool. Each run centres with the channel means of its own training rows.
CIFAR-10 comes from the cache, a mirror (NNLAB_DATA_MIRROR) or the official URL.
  --folds K       k, the folds (default 5); a single split holds out one fold's worth
  --pool-size N   images in the pool (default 1000; 250 with NNLAB_QUICK=1)
  --splits N      single splits, each with its own seed (default 5; 3 with NNLAB_QUICK=1)
  --shuffles N    cuts of the pool into k folds (default 3; 1 with NNLAB_QUICK=1)
  --epochs N      epochs of every run (default 10; 4 with NNLAB_QUICK=1)
  --batch-size N  mini-batch size of plain SGD (default 50), at most the training rows of a run
  --test-size N   test images for the whole-pool run, 0 to skip it (default 1000; 250 with NNLAB_QUICK=1)
  --seed S        seed of the pool, the folds, the splits and the inits (default 0)
  --json          print the record as JSON (with "ms", the wall time, next to "meta")
The backend is picked as in a notebook (NNLAB_DEVICE=cpu|gpu, else auto).`,
  spec: { flags: ['json'], options: { ...CROSS_VALIDATE_VALUE_OPTIONS } },
  run: runOnDevice(runCrossValidate),
};
