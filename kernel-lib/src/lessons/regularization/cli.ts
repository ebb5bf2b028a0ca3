/**
 * `nnlab regularize`, `nnlab ensemble` and `nnlab bn-noise`: lesson 08's penalties, ensembles and
 * batch-norm noise from the terminal, with the same options and the same plain records as
 * `nn.regularization.regularize`, `ensemble`, `snapshotEnsemble` and `bnNoise` in a notebook.
 */
import { optionValues, ParsedArgs } from '../../core/args';
import { Command } from '../../core/command';
import { runOnDevice } from '../../engine/device';
import { bnNoise, BN_NOISE_FIELDS, BnNoiseOptions } from './bnNoise';
import { ensemble, ENSEMBLE_FIELDS, EnsembleOptions, snapshotEnsemble, SNAPSHOT_FIELDS, SnapshotOptions } from './ensemble';
import { bnNoiseText, ensembleText, regularizeText, snapshotText } from './figures';
import { regularize, REGULARIZE_FIELDS, RegularizeOptions } from './penalties';

const json = (r: { meta: { ms: number } }) => JSON.stringify({ ...r, ms: r.meta.ms }, null, 2);

const REGULARIZE_VALUE_OPTIONS = {
  penalty: REGULARIZE_FIELDS.penalties, lambdas: REGULARIZE_FIELDS.lambdas, steps: REGULARIZE_FIELDS.steps, seed: REGULARIZE_FIELDS.seed,
} as const;

/** Runs the λ sweep for parsed arguments, without choosing a device; returns its text or JSON. */
export async function runRegularize(a: ParsedArgs): Promise<string> {
  const { penalty, ...rest } = optionValues('regularize', a, REGULARIZE_VALUE_OPTIONS);
  const record = await regularize({ ...(rest as RegularizeOptions), ...(penalty === undefined ? {} : { penalties: penalty as RegularizeOptions['penalties'] }), progress: false });
  return a.flags.has('json') ? json(record) : regularizeText(record);
}

export const REGULARIZE_COMMAND: Command = {
  summary: 'lesson 08: L2, L1 and elastic-net penalties swept over λ on an overfitting two-layer net; λ chosen on validation, test read once',
  usage: `nnlab regularize [--penalty l2,l1,elastic] [--lambdas 1e-4,1e-3,...] [--steps 400] [--seed 0] [--json]

Trains the lecture's two-layer net (3072 → 50 → 10, plain SGD) on 500 CIFAR-10 rows, which it
overfits, with loss + λ·R(W) on the weights (not the biases) for each penalty and each λ, plus one
run without a penalty. Prints train and validation accuracy, the gap, the fraction of near-zero
weights (|w| < 0.001·max|w|) of every run, the penalty and λ chosen on validation, and the test
accuracy of that one model (the test rows are read once).
  --penalty P     one or more of l2, l1, elastic, comma-separated (default all three)
  --lambdas L     λ values >= 0, comma-separated, for every penalty (default: a grid per penalty,
                  L2 1e-2 … 100, L1 and elastic 1e-4 … 0.1: L1 bites at a much smaller λ)
  --steps N       SGD steps of 50 rows per run (default 400)
  --seed S        seed of the data, the init and the batch order (default 0)
  --json          print the record as JSON (with "ms", the wall time, next to "meta")
Sizes shrink with NNLAB_QUICK=1. The backend is picked as in a notebook (NNLAB_DEVICE=cpu|gpu, else auto).`,
  spec: { flags: ['json'], options: { ...REGULARIZE_VALUE_OPTIONS } },
  flags: { penalties: 'penalty' },
  run: runOnDevice(runRegularize),
};

const ENSEMBLE_VALUE_OPTIONS = {
  members: ENSEMBLE_FIELDS.members, cycles: SNAPSHOT_FIELDS.cycles, steps: ENSEMBLE_FIELDS.steps, seed: ENSEMBLE_FIELDS.seed,
} as const;

/** Runs an ensemble (or, with --snapshot, a snapshot ensemble) for parsed arguments; returns its text or JSON. */
export async function runEnsemble(a: ParsedArgs): Promise<string> {
  const { members, cycles, ...rest } = optionValues('ensemble', a, ENSEMBLE_VALUE_OPTIONS) as { members?: number; cycles?: number; steps?: number; seed?: number };
  if (a.flags.has('snapshot')) {
    const record = await snapshotEnsemble({ ...(rest as SnapshotOptions), ...(cycles === undefined ? {} : { cycles }), progress: false });
    return a.flags.has('json') ? json(record) : snapshotText(record);
  }
  const record = await ensemble({ ...(rest as EnsembleOptions), ...(members === undefined ? {} : { members }), progress: false });
  return a.flags.has('json') ? json(record) : ensembleText(record);
}

export const ENSEMBLE_COMMAND: Command = {
  summary: 'lesson 08: an ensemble of independently trained two-layer nets vs each alone; --snapshot: snapshots of one cyclic (SGDR) run',
  usage: `nnlab ensemble [--members 5] [--steps 500] [--seed 0] [--json]
nnlab ensemble --snapshot [--cycles 5] [--steps 500] [--seed 0] [--json]

Trains M two-layer nets on 5,000 CIFAR-10 rows that differ only in their seed and prints each
one's test accuracy, their mean and best, and the test accuracy of their averaged probabilities.
With --snapshot: one run with a cyclic learning rate (cosine restarts, SGDR), a snapshot of the
weights at the end of each cycle, their average vs one model trained for the same steps with one
cosine decay.
  --members M   models in the ensemble, at least 1 (default 5)
  --snapshot    the snapshot ensemble instead
  --cycles C    with --snapshot: cycles, one snapshot each (default 5)
  --steps N     SGD steps of 100 rows per model (or of the cyclic run) (default 500)
  --seed S      seed of the data and of the members' seeds (default 0)
  --json        print the record as JSON (with "ms", the wall time, next to "meta")
Sizes shrink with NNLAB_QUICK=1. The backend is picked as in a notebook (NNLAB_DEVICE=cpu|gpu, else auto).`,
  spec: { flags: ['json', 'snapshot'], options: { ...ENSEMBLE_VALUE_OPTIONS } },
  run: runOnDevice(runEnsemble),
};

const BN_NOISE_VALUE_OPTIONS = { seeds: BN_NOISE_FIELDS.seeds, epochs: BN_NOISE_FIELDS.epochs, seed: BN_NOISE_FIELDS.seed } as const;

/** Runs the batch-norm noise measurement for parsed arguments; returns its text or JSON. */
export async function runBnNoise(a: ParsedArgs): Promise<string> {
  const record = await bnNoise({ ...(optionValues('bn-noise', a, BN_NOISE_VALUE_OPTIONS) as BnNoiseOptions), progress: false });
  return a.flags.has('json') ? json(record) : bnNoiseText(record);
}

export const BN_NOISE_COMMAND: Command = {
  summary: 'lesson 08: batch norm as a regulariser? the train/val gap at batch size 8 vs 128, with and without batch norm, over seeds',
  usage: `nnlab bn-noise [--seeds 3] [--epochs 8] [--seed 0] [--json]

Trains a small MLP (3072 → 100 → 10, Adam) on 1,000 CIFAR-10 rows with batch norm and without, at
batch size 8 and 128 for the same epochs, for several seeds, and prints the mean train and
validation accuracy and the train − validation gap of each setting.
  --seeds N     seeds (data, init and batch order) (default 3)
  --epochs N    passes over the training rows (default 8)
  --seed S      the master seed (default 0)
  --json        print the record as JSON (with "ms", the wall time, next to "meta")
Sizes shrink with NNLAB_QUICK=1. The backend is picked as in a notebook (NNLAB_DEVICE=cpu|gpu, else auto).`,
  spec: { flags: ['json'], options: { ...BN_NOISE_VALUE_OPTIONS } },
  run: runOnDevice(runBnNoise),
};
