/**
 * `hpSearch`: lesson 06's hyperparameter search as a real tool. A stage samples `trials`
 * configurations of (lr, reg) from its search space, trains the lecture's two-layer net on
 * CIFAR-10 with each for `epochs` epochs, and ranks them by validation accuracy.
 *
 * - coarse stage: the lecture's wide ranges, lr = 10^U(−6, −3), reg = 10^U(−5, 5), few epochs;
 * - fine stage: the ranges narrowed around the coarse stage's best trials (`narrow`), more epochs.
 *
 * The search is reproducible (trial i's configuration and training seed follow from the search
 * seed and i), resumable (each finished trial is appended to the `out` file as it completes; with
 * `resume: true` only the missing trials run) and parallel (a pool of `jobs` worker processes).
 * A run whose loss passes 3 × its initial value stops early and is recorded as diverged.
 *
 * @example
 * const coarse = await nn.hpSearch.hpSearch({ stage: 'coarse', trials: 8, epochs: 1, out: 'coarse.jsonl' });
 * nn.hpSearch.showSearch(coarse);
 * const fine = await nn.hpSearch.hpSearch({ stage: 'fine', from: coarse, trials: 8, epochs: 3, out: 'fine.jsonl' });
 */
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';
import { withQuickPreset } from '../../core/config';
import { ArgumentError, checkKnownKeys, checkString } from '../../core/errors';
import { boolean, custom, defineOptions, int, oneOf, optional, OptionsOf, seed } from '../../core/options';
import { provenance } from '../../core/record';
import { experimentProgress, liveFigure } from '../../show/progress';
import { inKernel } from '../../show/kernel';
import { defaultJobs, runPool } from './pool';
import { appendTrial, checkResumable, isFailure, readResults, repairResults, TrialFailure, TrialLine, TrialResult, writeHeader } from './results';
import { atEdge, checkSpace, COARSE_SPACE, EdgeFlag, narrow, NARROW_DEFAULTS, NarrowRule, ParamRange, sampleTrials, SearchSpace, TrialSpec } from './space';
import { loadTrialData, runTrial, STOP_IF_LOSS_ABOVE } from './trial';
import { searchScatterFigure } from './figures';

export const SEARCH_STAGES = ['coarse', 'fine'] as const;
export type SearchStage = typeof SEARCH_STAGES[number];

/** The defaults: a coarse stage of 20 trials of 2 epochs on 10 000 training and 1 000 validation images. */
export const SEARCH_DEFAULTS = {
  stage: 'coarse' as SearchStage, trials: 20, seed: 0, train: 10_000, val: 1_000, batchSize: 200, hiddenSize: 50, resume: false,
  /** Epochs per trial when not given: few for the coarse stage, more for the fine one. */
  epochs: { coarse: 2, fine: 5 } as const,
};

/** Quick mode (NNLAB_QUICK=1): 8 trials of 3 epochs in batches of 50 on 1000 images (60 steps: enough for a good lr to leave ln 10), a few seconds in all. */
export const SEARCH_QUICK = { trials: 8, train: 1000, val: 200, epochs: 3, batchSize: 50 } as const;

function checkFrom(name: string, v: unknown): string | HpSearchRecord {
  if (typeof v === 'string') return checkString(name, v);
  if (typeof v === 'object' && v !== null && (v as HpSearchRecord).experiment === 'hpSearch') return v as HpSearchRecord;
  throw new ArgumentError(name, v, 'a coarse results file (a path) or the record of a coarse search');
}

function checkRule(name: string, v: unknown): NarrowRule {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ArgumentError(name, v, 'an object { top, margin }');
  checkKnownKeys(name, v, ['top', 'margin']);
  const r = { ...NARROW_DEFAULTS, ...(v as Partial<NarrowRule>) };
  narrow([{ config: { x: 1 }, valAcc: 1 }], { x: { low: 0.1, high: 10, scale: 'log' } }, r); // checks top and margin
  return r;
}

export const SEARCH_FIELDS = {
  stage: oneOf(SEARCH_STAGES, { default: SEARCH_DEFAULTS.stage }),
  trials: int({ min: 1, max: 10_000, default: SEARCH_DEFAULTS.trials }),
  /** Epochs per trial (default: 2 coarse, 5 fine). */
  epochs: optional(int({ min: 1, max: 1000 })),
  /** Worker processes (default one per core); 0 runs the trials in this process, one after another. */
  jobs: optional(int({ min: 0, max: 256 })),
  /** The results file (JSON lines); null: the results are kept in memory only. */
  out: optional(custom((name, v) => checkString(name, v))),
  resume: boolean({ default: SEARCH_DEFAULTS.resume }),
  seed: seed(),
  train: int({ min: 10, max: 49_000, default: SEARCH_DEFAULTS.train }),
  val: int({ min: 10, max: 10_000, default: SEARCH_DEFAULTS.val }),
  batchSize: int({ min: 1, max: 10_000, default: SEARCH_DEFAULTS.batchSize }),
  hiddenSize: int({ min: 1, max: 4096, default: SEARCH_DEFAULTS.hiddenSize }),
  /** The ranges searched: coarse default COARSE_SPACE; fine: narrowed from `from` unless given. */
  space: optional(custom((name, v) => checkSpace(name, v))),
  /** The fine stage's coarse results: a results file or a coarse record. */
  from: optional(custom(checkFrom)),
  /** The coarse-to-fine rule (default { top: 5, margin: 0.5 } decades). */
  narrow: custom(checkRule, { default: { ...NARROW_DEFAULTS } }),
};

export const SEARCH_OPTIONS = defineOptions('hpSearch', SEARCH_FIELDS, {
  rules(c, given) {
    if (c.stage === 'fine' && c.space === null && c.from === null) throw new ArgumentError('from', undefined, 'a coarse results file or record (or give space) for the fine stage');
    if (c.stage === 'coarse' && c.from !== null) throw new ArgumentError('from', given.from, 'left out for the coarse stage (it samples the lecture\'s wide ranges)');
    if (c.resume && c.out === null) throw new ArgumentError('resume', true, 'false unless out names a results file to resume');
    if (c.val + c.train > 50_000) throw new ArgumentError('val', c.val, `at most ${50_000 - c.train} (train + val come from CIFAR-10's 50 000 training images)`);
  },
  memory: (c) => ({ bytes: 4 * 3072 * (c.train + c.val) * 2, argument: 'train', what: `${c.train + c.val} images of 3072 floats in each worker` }),
});

export type HpSearchOptions = OptionsOf<typeof SEARCH_FIELDS>;

/** One row of the results table. */
export interface SearchRow {
  rank: number | null; trial: number; lr: number; reg: number; valAcc: number | null; trainAcc: number | null;
  /** 'diverged (loss > 3× initial)', 'diverged (NaN)', 'failed: ...', or '' */
  status: string;
  best: boolean;
}

/** A trial as the record keeps it (its wall time goes to `meta.trialMs`). */
export type RecordedTrial = Omit<TrialResult, 'ms'> | TrialFailure;

export interface HpSearchRecord {
  experiment: 'hpSearch';
  /** What decides the trials and their numbers (the results file's header). */
  options: Record<string, unknown> & { stage: SearchStage; trials: number; epochs: number; seed: number };
  backend: string;
  versions: { nnlab: string; tfjs: string };
  stage: SearchStage;
  /** The ranges sampled. */
  space: Record<string, ParamRange>;
  /** For the fine stage: the coarse space and the rule that narrowed it. */
  narrowedFrom: { space: Record<string, ParamRange>; rule: NarrowRule; trials: number } | null;
  /** Every trial, in trial order. */
  trials: RecordedTrial[];
  /** Sorted by validation accuracy (best first); diverged, then failed trials last. */
  table: SearchRow[];
  best: Omit<TrialResult, 'ms'> | null;
  /** Where the best values sit in their ranges (an edge: the optimum may lie outside). */
  edges: Record<string, EdgeFlag> | null;
  counts: { finished: number; diverged: number; failed: number };
  meta: {
    ms: number; jobs: number; out: string | null;
    /** Trials read back from the results file, and the half-written line dropped, if any. */
    resumed: { trials: number; partial: { line: number } | null } | null;
    /** Trials run by this call. */
    ran: number;
    /** Wall time of each trial (null for failures), by trial index. */
    trialMs: (number | null)[];
  };
}

/**
 * Runs one stage of the search; see the module comment. Options: `stage` ('coarse' | 'fine'),
 * `trials`, `epochs`, `jobs`, `out`, `resume`, `seed`, `train` / `val` (image counts), `batchSize`,
 * `hiddenSize`, `space`, `from` (fine stage), `narrow` (the rule), `progress`.
 *
 * @example
 * const r = await nn.hpSearch.hpSearch({ trials: 4, epochs: 1, train: 1000, val: 200, jobs: 2 });
 * r.table[0]        // the best trial: { rank: 1, lr, reg, valAcc, ... }
 * r.edges?.lr.edge  // 'high' when the best lr sits in the top tenth of its range
 */
export async function hpSearch(options: HpSearchOptions = {}): Promise<HpSearchRecord> {
  const started = Date.now();
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  const { config: c, progress } = SEARCH_OPTIONS.take(isObject ? withQuickPreset<HpSearchOptions>(options, SEARCH_QUICK) : options);
  const epochs = c.epochs ?? SEARCH_DEFAULTS.epochs[c.stage];
  const jobs = c.jobs ?? defaultJobs();
  const { space, narrowedFrom } = stageSpace(c.stage, c.space, c.from, c.narrow);
  const identity = {
    stage: c.stage, trials: c.trials, epochs, seed: c.seed, space, train: c.train, val: c.val,
    batchSize: c.batchSize, hiddenSize: c.hiddenSize, stopIfLossAbove: STOP_IF_LOSS_ABOVE,
  };
  const specs = sampleTrials(space, c.seed, c.trials);
  const { done, resumed } = openResults(c.out, c.resume, identity);
  const todo = specs.filter((s) => !done.has(s.trial));
  const live = searchDisplay(progress, c.stage, todo.length, space, [...done.values()]);
  const onLine = (line: TrialLine) => {
    if (c.out !== null) appendTrial(c.out, line);
    done.set(line.trial, line);
    live.add(line);
  };
  const setup = { epochs, batchSize: c.batchSize, hiddenSize: c.hiddenSize };
  const data = { train: c.train, val: c.val, seed: c.seed };
  try {
    if (todo.length > 0 && jobs === 0) await runHere(todo, setup, data, onLine);
    else if (todo.length > 0) await runPool(todo, { jobs, setup, data, onLine });
  } finally {
    live.finish();
  }
  const lines = specs.map((s) => done.get(s.trial)!);
  const record = searchRecord(c.stage, identity, space, narrowedFrom, lines);
  record.meta = {
    ms: Date.now() - started, jobs, out: c.out, resumed, ran: todo.length,
    trialMs: lines.map((l) => (isFailure(l) ? null : l.ms)),
  };
  return record;
}

/** The ranges a stage samples: the given space, the lecture's coarse ranges, or the coarse results narrowed. */
function stageSpace(stage: SearchStage, given: SearchSpace | null, from: string | HpSearchRecord | null, rule: NarrowRule):
  { space: Record<string, ParamRange>; narrowedFrom: HpSearchRecord['narrowedFrom'] } {
  if (given !== null) return { space: { ...given }, narrowedFrom: null };
  if (stage === 'coarse' || from === null) return { space: { ...COARSE_SPACE }, narrowedFrom: null };
  const coarse = typeof from === 'string' ? coarseFromFile(from) : { space: from.space, trials: from.trials };
  const scored = coarse.trials.filter((t): t is Omit<TrialResult, 'ms'> => !isFailure(t));
  return { space: narrow(scored, coarse.space, rule), narrowedFrom: { space: coarse.space, rule, trials: scored.length } };
}

function coarseFromFile(file: string): { space: Record<string, ParamRange>; trials: RecordedTrial[] } {
  if (!fs.existsSync(file)) throw new ArgumentError('from', file, 'an existing results file of a coarse search');
  const r = readResults(file);
  if (!r.header) throw new ArgumentError('from', file, 'a results file with a search header on its first line');
  return { space: checkSpace(`${file}: space`, r.header.options.space), trials: [...r.trials.values()] };
}

/** Opens the results file: new (header written), or resumed (header checked, half line cut off). */
function openResults(out: string | null, resume: boolean, identity: Record<string, unknown>):
  { done: Map<number, TrialLine>; resumed: HpSearchRecord['meta']['resumed'] } {
  const done = new Map<number, TrialLine>();
  if (out === null) return { done, resumed: null };
  const exists = fs.existsSync(out) && fs.statSync(out).size > 0;
  if (exists && !resume) throw new ArgumentError('out', out, '', `hpSearch: ${out} already holds results; pass resume: true (--resume) to finish that search, or choose another file`);
  if (!exists) {
    writeHeader(out, identity);
    return { done, resumed: resume ? { trials: 0, partial: null } : null };
  }
  const file = repairResults(out);
  checkResumable(out, file.header, identity);
  if (!file.header) writeHeader(out, identity);
  // a failed trial runs again on resume (its worker may have been killed with the search)
  for (const [k, line] of file.trials) if (!isFailure(line)) done.set(k, line);
  return { done, resumed: { trials: done.size, partial: file.partial ? { line: file.partial.line } : null } };
}

async function runHere(specs: readonly TrialSpec[], setup: { epochs: number; batchSize: number; hiddenSize: number },
  data: { train: number; val: number; seed: number }, onLine: (line: TrialLine) => void): Promise<void> {
  await tf.ready();
  const loaded = await loadTrialData(data);
  for (const spec of specs) {
    let line: TrialLine;
    try {
      line = await runTrial(setup, spec, loaded);
    } catch (err) {
      line = { trial: spec.trial, config: spec.config, seed: spec.seed, error: err instanceof Error ? err.message.split('\n')[0] : String(err) };
    }
    onLine(line);
  }
}

/** Progress: the one bar (trials done, best so far) and, in a notebook, a live scatter of the trials. */
function searchDisplay(progress: ReturnType<typeof SEARCH_OPTIONS.take>['progress'], stage: SearchStage, total: number,
  space: Record<string, ParamRange>, earlier: readonly TrialLine[]) {
  const bar = experimentProgress(progress, { label: 'hpSearch' });
  const lines = [...earlier];
  const showScatter = progress === true || (progress === undefined && inKernel());
  const scatter = showScatter ? liveFigure(() => searchScatterFigure(lines, space, `${stage} search so far: ${lines.length} trials`), { redrawMs: 500 }) : null;
  let ran = 0;
  let best = bestOf(lines);
  return {
    add(line: TrialLine) {
      lines.push(line);
      ran += 1;
      best = bestOf(lines);
      const metrics: Record<string, number> = { trial: line.trial };
      if (best !== null) metrics.bestValAcc = best;
      if (!isFailure(line) && line.valAcc !== null) metrics.valAcc = line.valAcc;
      bar.report({ done: ran, total: Math.max(1, total), phase: stage, metrics });
      scatter?.update();
    },
    finish() {
      bar.finish();
      scatter?.finish();
    },
  };
}

function bestOf(lines: readonly TrialLine[]): number | null {
  const accs = lines.filter((l): l is TrialResult => !isFailure(l) && l.valAcc !== null).map((l) => l.valAcc as number);
  return accs.length ? Math.max(...accs) : null;
}

/** The record from the trial lines (pure: the same lines give the same record, however they were run). */
export function searchRecord(stage: SearchStage, options: HpSearchRecord['options'], space: Record<string, ParamRange>,
  narrowedFrom: HpSearchRecord['narrowedFrom'], lines: readonly TrialLine[]): HpSearchRecord {
  const trials: RecordedTrial[] = lines.map((l) => {
    if (isFailure(l)) return { trial: l.trial, config: l.config, seed: l.seed, error: l.error };
    const { ms: _ms, ...rest } = l;
    return rest;
  });
  const ok = trials.filter((t): t is Omit<TrialResult, 'ms'> => !isFailure(t));
  const scored = ok.filter((t) => t.valAcc !== null).sort((a, b) => (b.valAcc as number) - (a.valAcc as number) || a.trial - b.trial);
  const diverged = ok.filter((t) => t.valAcc === null);
  const failed = trials.filter(isFailure);
  const best = scored[0] ?? null;
  const row = (t: RecordedTrial, rank: number | null): SearchRow => ({
    rank, trial: t.trial, lr: t.config.lr, reg: t.config.reg,
    valAcc: isFailure(t) ? null : t.valAcc, trainAcc: isFailure(t) ? null : t.trainAcc,
    status: isFailure(t) ? `failed: ${t.error}` : t.diverged ? `diverged (${t.diverged.reason === 'above' ? `loss > ${STOP_IF_LOSS_ABOVE}× initial` : t.diverged.reason === 'nan' ? 'NaN loss' : 'infinite loss'} at step ${t.diverged.step})` : '',
    best: t === best,
  });
  const table = [...scored.map((t, k) => row(t, k + 1)), ...diverged.map((t) => row(t, null)), ...failed.map((t) => row(t, null))];
  return {
    experiment: 'hpSearch', options, ...provenance(), stage, space, narrowedFrom, trials, table, best,
    edges: best ? atEdge(best.config, space) : null,
    counts: { finished: scored.length, diverged: diverged.length, failed: failed.length },
    meta: { ms: 0, jobs: 0, out: null, resumed: null, ran: 0, trialMs: [] },
  };
}
