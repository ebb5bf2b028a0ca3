/**
 * The results file of a hyperparameter search: JSON lines. The first line is the header (the
 * options that decide which trials the search runs and what they compute); then one line per
 * finished trial, appended as the trial completes with one `fs.appendFileSync` call, so a search
 * killed at any moment leaves every finished trial on disk and at most one half-written line.
 *
 * Reading tolerates exactly that: a last line without its newline, or that is not valid JSON, is
 * reported (`partial`) and dropped, and that trial runs again. A bad line before the last is
 * corruption and an error.
 *
 * @example
 * const file = nn.hpSearch.readResults('coarse.jsonl');
 * file.trials.size   // trials already finished
 */
import * as fs from 'fs';
import { ArgumentError, describe } from '../../core/errors';

/** What a finished trial recorded: a normal result (possibly diverged) ... */
export interface TrialResult {
  trial: number;
  config: Record<string, number>;
  seed: number;
  /** Validation accuracy after the last epoch; null when the run diverged. */
  valAcc: number | null;
  /** Training accuracy (on the first evalTrainSize training rows) after the last epoch; null when diverged. */
  trainAcc: number | null;
  /** Why the run stopped early (NaN/Inf loss, or loss over 3× the initial one), else null. */
  diverged: { step: number; loss: number | null; reason: 'nan' | 'inf' | 'above' } | null;
  /** The loss of the first step and the mean training loss of the last completed epoch. */
  initialLoss: number | null;
  finalLoss: number | null;
  /** Epochs completed. */
  epochs: number;
  /** Wall time of the trial. */
  ms: number;
}

/** ... or a trial that threw, or whose process died: the search goes on. */
export interface TrialFailure { trial: number; config: Record<string, number>; seed: number; error: string }

export type TrialLine = TrialResult | TrialFailure;

/**
 * True for a failed trial (a line with an `error`).
 *
 * @example
 * nn.hpSearch.isFailure({ trial: 0, config: { lr: 1e-4, reg: 1 }, seed: 3, error: 'worker died' })   // true
 */
export function isFailure<T extends { trial: number }>(line: T | TrialFailure): line is TrialFailure {
  return typeof (line as TrialFailure).error === 'string';
}

/** The first line of a results file. */
export interface ResultsHeader { kind: 'nnlab.hpSearch'; version: 1; options: Record<string, unknown> }

/** What a results file holds. */
export interface ResultsFile {
  header: ResultsHeader | null;
  /** Finished trials by index (a later line for the same trial replaces an earlier one). */
  trials: Map<number, TrialLine>;
  /** A half-written last line, dropped: its 1-based line number and its text. */
  partial: { line: number; text: string } | null;
  /** Bytes of the complete lines (where a repair cuts the file). */
  completeBytes: number;
}

/**
 * Reads a results file (a missing or empty file: no header, no trials).
 *
 * @example
 * const { header, trials, partial } = nn.hpSearch.readResults('coarse.jsonl');
 * if (partial) console.log(`line ${partial.line} was half-written; that trial runs again`);
 */
export function readResults(file: string): ResultsFile {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  return parseResults(text, file);
}

/** Parses the text of a results file (see {@link readResults}); `file` names it in errors. */
export function parseResults(text: string, file = 'results'): ResultsFile {
  const out: ResultsFile = { header: null, trials: new Map(), partial: null, completeBytes: 0 };
  if (text === '') return out;
  const lines = text.split('\n');
  const endsClean = text.endsWith('\n');
  if (endsClean) lines.pop();
  let bytes = 0;
  for (let k = 0; k < lines.length; k++) {
    const last = k === lines.length - 1;
    let value: unknown;
    try {
      value = JSON.parse(lines[k]);
    } catch {
      value = undefined;
    }
    const ok = value !== undefined && (last && !endsClean ? false : true) && (k === 0 ? isHeader(value) : isTrialLine(value));
    if (!ok) {
      if (last) {
        out.partial = { line: k + 1, text: lines[k] };
        break;
      }
      throw new Error(`${file}: line ${k + 1} is not a ${k === 0 ? 'search header' : 'trial'} (${describe(lines[k].slice(0, 60))}); the file is corrupt beyond its last line, remove it or pick another --out`);
    }
    bytes += Buffer.byteLength(lines[k], 'utf8') + 1;
    if (k === 0) out.header = value as ResultsHeader;
    else out.trials.set((value as TrialLine).trial, value as TrialLine);
  }
  out.completeBytes = bytes;
  return out;
}

function isHeader(v: unknown): v is ResultsHeader {
  return typeof v === 'object' && v !== null && (v as ResultsHeader).kind === 'nnlab.hpSearch' && typeof (v as ResultsHeader).options === 'object';
}

function isTrialLine(v: unknown): v is TrialLine {
  return typeof v === 'object' && v !== null && Number.isInteger((v as TrialLine).trial) && typeof (v as TrialLine).config === 'object';
}

/**
 * Cuts a half-written last line off the file (so the next append starts on a fresh line).
 * Returns what was read.
 *
 * @example
 * const file = repairResults('coarse.jsonl');
 * file.partial   // the dropped line, or null when the file was whole
 */
export function repairResults(file: string): ResultsFile {
  const r = readResults(file);
  if (r.partial) fs.truncateSync(file, r.completeBytes);
  return r;
}

/**
 * Starts a results file with its header line (the file must not exist or be empty).
 *
 * @example
 * writeHeader('coarse.jsonl', { stage: 'coarse', trials: 20, seed: 0 });
 */
export function writeHeader(file: string, options: Record<string, unknown>): void {
  const header: ResultsHeader = { kind: 'nnlab.hpSearch', version: 1, options };
  fs.appendFileSync(file, `${JSON.stringify(header)}\n`);
}

/**
 * Appends one finished trial as one line, with one write (a crash leaves the line whole or
 * half-written, never interleaved with another).
 *
 * @example
 * appendTrial('coarse.jsonl', { trial: 3, config: { lr: 1e-4, reg: 1e-2 }, seed: 12, error: 'worker died' });
 */
export function appendTrial(file: string, line: TrialLine): void {
  fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
}

/**
 * The first option in which a header differs from the options of this run, as one line, or null
 * when they agree (the check before resuming).
 *
 * @example
 * headerDifference({ kind: 'nnlab.hpSearch', version: 1, options: { epochs: 2 } }, { epochs: 3 })
 * // 'epochs: the file was written with 2, this search asks for 3'
 */
export function headerDifference(header: ResultsHeader, options: Record<string, unknown>): string | null {
  const keys = [...new Set([...Object.keys(header.options), ...Object.keys(options)])];
  for (const key of keys) {
    const a = JSON.stringify(header.options[key]);
    const b = JSON.stringify(options[key]);
    if (a !== b) return `${key}: the file was written with ${a ?? 'nothing'}, this search asks for ${b ?? 'nothing'}`;
  }
  return null;
}

/** Throws the one-line resume error when the header and the options differ. */
export function checkResumable(file: string, header: ResultsHeader | null, options: Record<string, unknown>): void {
  if (header === null) return;
  const diff = headerDifference(header, options);
  if (diff !== null) throw new ArgumentError('resume', true, '', `cannot resume ${file}: ${diff} (run with the same options, or write to another file)`);
}
