/**
 * `nnlab sanity-checks`, `nnlab overfit-tiny` and `nnlab lr-check`: lesson 05's sanity checks from
 * the terminal, with the same options and the same plain records as `nn.babysitting.sanityChecks`,
 * `overfitTiny` and `lrCheck` in a notebook.
 */
import { optionValues, ParsedArgs } from '../../core/args';
import { Command } from '../../core/command';
import { runOnDevice } from '../../engine/device';
import { lrCheckText, overfitText, sanityText } from './figures';
import { lrCheck, LrCheckOptions, LR_CHECK_OPTIONS, overfitTiny, OverfitTinyOptions, OVERFIT_OPTIONS, sanityChecks, SanityChecksOptions, SANITY_OPTIONS } from './sanity';

const SANITY_VALUE_OPTIONS = {
  lrs: SANITY_OPTIONS.fields.lrs, 'train-size': SANITY_OPTIONS.fields.trainSize, epochs: SANITY_OPTIONS.fields.epochs, seed: SANITY_OPTIONS.fields.seed,
} as const;

/** Runs the sanity checks for parsed arguments, without choosing a device. */
export async function runSanityChecks(a: ParsedArgs): Promise<{ text: string; status: number }> {
  const { 'train-size': trainSize, ...rest } = optionValues('sanity-checks', a, SANITY_VALUE_OPTIONS);
  const record = await sanityChecks({ ...(rest as SanityChecksOptions), ...(trainSize === undefined ? {} : { trainSize: trainSize as number }), progress: false });
  return { text: a.flags.has('json') ? JSON.stringify({ ...record, ms: record.meta.ms }, null, 2) : sanityText(record), status: record.passed ? 0 : 1 };
}

const DEVICE_NOTE = 'The backend is picked as in a notebook (NNLAB_DEVICE=cpu|gpu, else auto). CIFAR-10 comes from the cache, a mirror (NNLAB_DATA_MIRROR) or the official URL.';

export const SANITY_COMMAND: Command = {
  summary: 'lesson 05: the two-layer net\'s sanity checks on CIFAR-10 (initial loss, overfit 20 images, extreme learning rates)',
  usage: `nnlab sanity-checks [--lrs 1e-6,1e6] [--train-size 5000] [--epochs 10] [--seed 0] [--json]

Runs the lecture's checks before a long training run, on the two-layer net 3072 → 50 → 10 with
weights 1e-4 · randn: the initial loss with reg 0 (ln 10 within 4 standard errors of the batch
mean) and with reg 1e3 (higher), 100 % training accuracy on 20 images, and one run per learning
rate with its verdict (too low / learning / exploding / NaN). Exit status 1 when a check fails.
  --lrs LR,...     learning rates to check (default 1e-6,1e6)
  --train-size N   training images of the learning-rate runs (default 5000; 1000 with NNLAB_QUICK=1)
  --epochs N       epochs of each learning-rate run (default 10; 5 with NNLAB_QUICK=1)
  --seed S         seed of the data draw, the init and the batch order (default 0)
  --json           print the record as JSON (with "ms", the wall time, next to "meta")
${DEVICE_NOTE}`,
  spec: { flags: ['json'], options: { ...SANITY_VALUE_OPTIONS } },
  run: runOnDevice(runSanityChecks),
};

const OVERFIT_VALUE_OPTIONS = { n: OVERFIT_OPTIONS.fields.n, lr: OVERFIT_OPTIONS.fields.lr, epochs: OVERFIT_OPTIONS.fields.epochs, seed: OVERFIT_OPTIONS.fields.seed } as const;

/** Runs the overfit check for parsed arguments, without choosing a device. */
export async function runOverfitTiny(a: ParsedArgs): Promise<{ text: string; status: number }> {
  const record = await overfitTiny({ ...(optionValues('overfit-tiny', a, OVERFIT_VALUE_OPTIONS) as OverfitTinyOptions), progress: false });
  return { text: a.flags.has('json') ? JSON.stringify({ ...record, ms: record.meta.ms }, null, 2) : overfitText(record), status: record.passed ? 0 : 1 };
}

export const OVERFIT_COMMAND: Command = {
  summary: 'lesson 05: overfit a tiny CIFAR-10 subset with reg 0 (100 % training accuracy, loss near 0)',
  usage: `nnlab overfit-tiny [--n 20] [--lr 1e-3] [--epochs 200] [--seed 0] [--json]

Trains the two-layer net on n training images without regularisation, all n in one batch per
epoch; prints the loss and training accuracy per epoch. A net that cannot memorise 20 images has a
bug. Exit status 1 when it does not reach 100 % and a loss below 0.05.
  --n N            training images (default 20)
  --lr LR          learning rate (default 1e-3)
  --epochs N       the bound on epochs (default 200; 100 with NNLAB_QUICK=1)
  --seed S         seed of the data draw and the init (default 0)
  --json           print the record as JSON (with "ms", the wall time, next to "meta")
${DEVICE_NOTE}`,
  spec: { flags: ['json'], options: { ...OVERFIT_VALUE_OPTIONS } },
  run: runOnDevice(runOverfitTiny),
};

const LR_VALUE_OPTIONS = {
  lr: LR_CHECK_OPTIONS.fields.lr, reg: LR_CHECK_OPTIONS.fields.reg, 'stop-if-loss-above': LR_CHECK_OPTIONS.fields.stopIfLossAbove, 'train-size': LR_CHECK_OPTIONS.fields.trainSize, epochs: LR_CHECK_OPTIONS.fields.epochs, seed: LR_CHECK_OPTIONS.fields.seed,
} as const;

/** Runs one learning-rate check for parsed arguments, without choosing a device. */
export async function runLrCheck(a: ParsedArgs): Promise<string> {
  const { 'train-size': trainSize, 'stop-if-loss-above': above, ...rest } = optionValues('lr-check', a, LR_VALUE_OPTIONS);
  const record = await lrCheck({
    ...(rest as LrCheckOptions), ...(trainSize === undefined ? {} : { trainSize: trainSize as number }), ...(above === undefined ? {} : { stopIfLossAbove: above as number }), progress: false,
  });
  return a.flags.has('json') ? JSON.stringify({ ...record, ms: record.meta.ms }, null, 2) : lrCheckText(record);
}

export const LR_CHECK_COMMAND: Command = {
  summary: 'lesson 05: one training run at a learning rate and the lecture\'s verdict (too low, learning, exploding, NaN)',
  usage: `nnlab lr-check --lr LR [--reg 1e-3] [--stop-if-loss-above K] [--train-size 5000] [--epochs 10] [--seed 0] [--json]

Trains the two-layer net with plain SGD at one learning rate and reads the run: 'too low' when the
loss barely moves (relative change below 1e-3), 'NaN' when it stops being a number (the run stops
at once), 'exploding' when it passes K × its first value (with --stop-if-loss-above K; the lecture's
rule for a search is 3), else 'learning'.
  --lr LR          learning rate (default 1e-3)
  --reg R          L2 strength (default 1e-3)
  --stop-if-loss-above K  stop when the loss passes K × its first value (default: only on NaN/Inf)
  --train-size N   training images (default 5000; 1000 with NNLAB_QUICK=1); 1000 more validate (200 quick)
  --epochs N       epochs (default 10; 5 with NNLAB_QUICK=1)
  --seed S         seed of the data draw, the init and the batch order (default 0)
  --json           print the record as JSON (with "ms", the wall time, next to "meta")
${DEVICE_NOTE}`,
  spec: { flags: ['json'], options: { ...LR_VALUE_OPTIONS } },
  run: runOnDevice(runLrCheck),
};
