/**
 * `nnlab dropout` and `nnlab dropout-overfit`: lesson 09's experiments from the terminal, with the
 * same options and records as in the notebook.
 */
import { optionValue, UsageError } from '../../core/args';
import { Command, out } from '../../core/command';
import { useDevice } from '../../engine/device';
import { EXPECTATION_CASE_LABELS } from './exact';
import {
  expectation, EXPECTATION_DEFAULTS, EXPECTATION_MAX_SAMPLES, EXPECTATION_OPTIONS, ExpectationOptions, ExpectationRecord, expectationSeconds,
  resolveExpectationOptions,
} from './expectation';
import { overfit, OVERFIT_DEFAULTS, OVERFIT_LARGE, OVERFIT_OPTIONS, OVERFIT_QUICK, OverfitOptions, resolveOverfitOptions } from './overfit';
import { expectationRows, overfitRows } from './figures';
import { tableText, toTable } from '../../show/table';

/** The default run, written out so that NNLAB_QUICK in the environment cannot shrink it: the CLI has --quick. */
const OVERFIT_FULL: OverfitOptions = {
  ps: OVERFIT_DEFAULTS.ps, trainSize: OVERFIT_DEFAULTS.trainSize, valSize: OVERFIT_DEFAULTS.valSize, epochs: OVERFIT_DEFAULTS.epochs,
};

const E = EXPECTATION_OPTIONS.fields;
/** `nnlab dropout`'s value options: each is the declared expectation option of the same name (kind and range checked while parsing). */
const DROPOUT_VALUE_OPTIONS = { p: E.p, samples: E.samples, seed: E.seed } as const;
const O = OVERFIT_OPTIONS.fields;
/** `nnlab dropout-overfit`'s value options, the declared overfit options of the same name. */
const OVERFIT_VALUE_OPTIONS = { epochs: O.epochs, seed: O.seed } as const;

/** The options that the command line gives, each already checked by parseArgs against its field. */
function cliOptions<T>(command: string, given: Record<string, string>, fields: Record<string, Parameters<typeof optionValue>[3]>): Partial<T> {
  const o: Record<string, unknown> = {};
  for (const [flag, field] of Object.entries(fields)) if (given[flag] !== undefined) o[flag] = optionValue(command, flag, given[flag], field);
  return o as Partial<T>;
}

/** Runs longer than this (estimated) draw a progress bar on stderr. */
const PROGRESS_AFTER_SECONDS = 2;

function expectationText(r: ExpectationRecord): string {
  const n = r.neuron;
  const neuronRows = n.monteCarlo.map((m) => ({
    case: EXPECTATION_CASE_LABELS[m.scheme].split(':')[0], 'E[train] exact': m.exact, 'mean(train)': m.trainMean, 'SE': m.se, test: m.test,
    'gap / SE': Number((((m.trainMean - m.test) / m.se) || 0).toFixed(1)),
  }));
  return [
    `dropout expectation: p = ${r.options.p}, ${r.options.samples} masks per example, seed ${r.options.seed}, backend ${r.backend}`,
    '',
    `Neuron a = ${n.exact.w[0]}·x + ${n.exact.w[1]}·y at (x, y) = (${n.exact.x[0]}, ${n.exact.x[1]}); exact E[a] under vanilla training = p·(w·x) = ${n.exact.trainExpectation.vanilla}`,
    tableText(toTable(neuronRows)),
    '',
    `The ${r.options.sizes.join('-')} net (${r.options.activation}), ${r.options.batchSize} inputs; gap = mean over outputs of mean(train) − test:`,
    tableText(toTable(expectationRows(r))),
    '',
    'Exact where the value is affine in the masks (z2, or a linear net); after a ReLU the test-time rule only approximates the mean.',
  ].join('\n');
}

export const DROPOUT_COMMANDS: Record<string, Command> = {
  dropout: {
    summary: 'dropout vs inverted dropout: expected training output vs test output (lesson 09)',
    usage: `nnlab dropout [--p P] [--samples N] [--seed N] [--json]

Monte-Carlo mean of the training-time output over N masks against the test-time output, for
(a) vanilla dropout, (b) vanilla with the test-time scaling forgotten, (c) inverted dropout: on
the two-input neuron and on the lecture's 3-layer net (exact expectations by enumeration beside).
  --p P        keep probability in (0, 1] (default ${EXPECTATION_DEFAULTS.p}; tf.layers' rate is 1 - p)
  --samples N  masks per example, 2 to ${EXPECTATION_MAX_SAMPLES} (default ${EXPECTATION_DEFAULTS.samples}); about 7 s per
               million masks on one wasm thread, twice that on a busy machine; a progress
               bar on stderr for runs over ${PROGRESS_AFTER_SECONDS} s
  --seed N     master seed (default ${EXPECTATION_DEFAULTS.seed})
  --json       print the record as JSON`,
    spec: { flags: ['json'], options: DROPOUT_VALUE_OPTIONS },
    async run(a) {
      const json = a.flags.has('json');
      const options = cliOptions<ExpectationOptions>('dropout', a.options, DROPOUT_VALUE_OPTIONS);
      const config = resolveExpectationOptions(options); // rules and memory fail here, before a backend starts
      const { monteCarlo, exact } = expectationSeconds(config);
      await useDevice(undefined, { print: !json });
      const r = await expectation({ ...options, progress: monteCarlo + exact > PROGRESS_AFTER_SECONDS });
      out(json ? JSON.stringify(r, null, 2) : expectationText(r));
      return 0;
    },
  },
  'dropout-overfit': {
    summary: 'MNIST MLP 784-512-512-512-10 with and without dropout: train/val per epoch (lesson 09)',
    usage: `nnlab dropout-overfit [--quick | --large] [--epochs N] [--seed N] [--json]

Trains the 932,362-parameter MLP on ${OVERFIT_DEFAULTS.trainSize} MNIST training images (${OVERFIT_DEFAULTS.valSize} held out for
validation) with keep probabilities p = ${OVERFIT_DEFAULTS.ps.join(', ')} (1 = no dropout) and prints train and validation
accuracy after every epoch. Needs MNIST (nnlab data fetch mnist, or NNLAB_DATA_MIRROR).
  --quick     ${OVERFIT_QUICK.trainSize} training images, ${OVERFIT_QUICK.valSize} validation, ${OVERFIT_QUICK.epochs} epochs
  --large     ${OVERFIT_LARGE.trainSize} training images, ${OVERFIT_LARGE.valSize} validation, ${OVERFIT_LARGE.epochs} epochs, p = ${OVERFIT_LARGE.ps!.join(', ')} (minutes)
  --epochs N  epochs, 1 to ${O.epochs.max} (default ${OVERFIT_DEFAULTS.epochs}; a run may train at most twice --large's work)
  --seed N    master seed (default ${OVERFIT_DEFAULTS.seed})
  --json      print the record as JSON (no per-epoch lines; a progress bar on stderr)`,
    spec: { flags: ['json', 'quick', 'large'], options: OVERFIT_VALUE_OPTIONS },
    async run(a) {
      const json = a.flags.has('json');
      if (a.flags.has('quick') && a.flags.has('large')) throw new UsageError('dropout-overfit: --quick and --large exclude each other');
      const preset = a.flags.has('quick') ? OVERFIT_QUICK : a.flags.has('large') ? OVERFIT_LARGE : OVERFIT_FULL;
      const options: OverfitOptions = { ...preset, ...cliOptions<OverfitOptions>('dropout-overfit', a.options, OVERFIT_VALUE_OPTIONS) };
      resolveOverfitOptions(options); // rules and memory fail here, before a backend starts
      await useDevice(undefined, { print: !json });
      // one line per epoch (the events with validation metrics), nothing per step
      const r = await overfit({
        ...options,
        // --json: the text bar on stderr (stdout holds only the record); else one line per epoch
        progress: json ? true : ({ phase, metrics: e }) => {
          if (e.valLoss === undefined) return;
          out(`${phase.padEnd(20)} epoch ${String(e.epoch).padStart(3)}: ` +
            `train acc ${e.trainAcc.toFixed(4)}, val acc ${e.valAcc.toFixed(4)}   (loss: train ${e.trainLoss.toFixed(4)}, val ${e.valLoss.toFixed(4)})`);
        },
      });
      if (json) {
        out(JSON.stringify(r, null, 2));
      } else {
        out(`\n${r.data.trainSize} training, ${r.data.valSize} validation images; ${r.parameters} parameters; ${(r.meta.ms / 1000).toFixed(1)} s on ${r.backend}`);
        out(tableText(toTable(overfitRows(r))));
      }
      return 0;
    },
  },
};
