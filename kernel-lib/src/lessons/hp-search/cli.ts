/**
 * `nnlab hp-search`: lesson 06's coarse-to-fine search from the terminal, with the same options
 * and record as `nn.hpSearch.hpSearch`, resumable from its results file.
 */
import { optionValues, ParsedArgs } from '../../core/args';
import { Command } from '../../core/command';
import { runOnDevice } from '../../engine/device';
import { searchText } from './figures';
import { hpSearch, HpSearchOptions, SEARCH_FIELDS } from './search';

/** `nnlab hp-search`'s value options -> the declared search options they set. */
const HP_SEARCH_VALUE_OPTIONS = {
  stage: SEARCH_FIELDS.stage, trials: SEARCH_FIELDS.trials, epochs: SEARCH_FIELDS.epochs, jobs: SEARCH_FIELDS.jobs,
  seed: SEARCH_FIELDS.seed, train: SEARCH_FIELDS.train, val: SEARCH_FIELDS.val,
  'batch-size': SEARCH_FIELDS.batchSize,
} as const;

/** The results file a stage writes when --out is not given. */
export const defaultOut = (stage: string): string => `hp-search-${stage}.jsonl`;

/** Runs the search for parsed arguments, without choosing a device (tests call it on theirs). */
export async function runHpSearch(a: ParsedArgs): Promise<string> {
  const v = optionValues('hp-search', a, HP_SEARCH_VALUE_OPTIONS);
  const names: Record<string, keyof HpSearchOptions> = { 'batch-size': 'batchSize' };
  // only the options given: a key present (even undefined) would keep quick mode's preset from applying
  const options = Object.fromEntries(Object.entries(v).map(([flag, value]) => [names[flag] ?? flag, value])) as HpSearchOptions;
  const stage = (options.stage ?? 'coarse') as string;
  // paths are free text (spec: null)
  if (stage === 'fine') options.from = a.options.from ?? defaultOut('coarse');
  else if (a.options.from !== undefined) options.from = a.options.from;
  const record = await hpSearch({ ...options, out: a.options.out ?? defaultOut(stage), resume: a.flags.has('resume'), progress: a.flags.has('json') ? false : textProgress });
  return a.flags.has('json') ? JSON.stringify({ ...record, ms: record.meta.ms }, null, 2) : searchText(record);
}

function textProgress(e: { done: number; total: number; metrics: Record<string, number> }): void {
  const acc = e.metrics.valAcc === undefined ? 'diverged or failed' : `val acc ${(100 * e.metrics.valAcc).toFixed(1)} %`;
  const best = e.metrics.bestValAcc === undefined ? '' : `, best so far ${(100 * e.metrics.bestValAcc).toFixed(1)} %`;
  process.stderr.write(`trial ${e.metrics.trial} done (${e.done}/${e.total}): ${acc}${best}\n`);
}

export const HP_SEARCH_COMMAND: Command = {
  summary: 'lesson 06: coarse-to-fine random search over (lr, reg) for the two-layer net, in parallel, resumable',
  usage: `nnlab hp-search --stage coarse|fine [--trials N] [--epochs E] [--jobs N] [--out results.jsonl] [--resume] [--seed S] [--json]

Samples --trials configurations of the learning rate and the regularisation strength
log-uniformly (coarse: the lecture's lr = 10^U(−6, −3), reg = 10^U(−5, 5); fine: the ranges
spanned by the coarse stage's 5 best trials, widened by half a decade on each side), trains the
two-layer net (3072 → 50 → 10, plain SGD) on CIFAR-10 with each for --epochs epochs, stopping a
run whose loss passes 3 × its initial value (recorded as diverged), and prints the trials sorted
by validation accuracy, with a warning when a best value sits at the edge of its range.
Each finished trial is appended to --out as one JSON line; after an interruption, run the same
command with --resume to run only the missing trials (a half-written last line is rerun).
  --stage S         coarse or fine (default coarse)
  --trials N        trials (default 20; 6 with NNLAB_QUICK=1)
  --epochs E        epochs per trial (default 2 coarse, 5 fine; 1 with NNLAB_QUICK=1)
  --jobs N          worker processes (default one per core; 0: in this process)
  --out FILE        results file (default hp-search-<stage>.jsonl)
  --from FILE       fine stage: the coarse results file (default hp-search-coarse.jsonl)
  --resume          continue the search in --out (same options), running only missing trials
  --seed S          search seed: trial i's lr, reg and training seed follow from it and i (default 0)
  --train N         training images (default 10000; 1000 with NNLAB_QUICK=1)
  --val N           validation images (default 1000; 200 with NNLAB_QUICK=1)
  --batch-size N    mini-batch size (default 200)
  --json            print the record as JSON (with "ms", the wall time, next to "meta")
Each worker runs tfjs on the CPU chain with one thread. CIFAR-10 comes from the cache, a mirror
(NNLAB_DATA_MIRROR) or the official URL.`,
  spec: { flags: ['json', 'resume'], options: { ...HP_SEARCH_VALUE_OPTIONS, out: null, from: null } },
  flags: { batchSize: 'batch-size' },
  run: runOnDevice(runHpSearch),
};
