/**
 * `nnlab grade`: grades homework submissions. Each submission runs in a fresh nnlab kernel in real
 * Jupyter (grade-notebook.py, through nbclient) with a time limit for the whole notebook and one
 * for each cell; the grader's own cells re-run the library's checks on the functions the notebook
 * defines. A batch runs on a bounded pool of kernels (default: one per core); a file that is
 * broken, loops forever or crashes its kernel gets a status and a score for what did run, and the
 * rest of the batch goes on.
 *
 * @example
 * const grades = await nn.homework.gradeSubmissions(['alice.ipynb', 'bob.ipynb'], { jobs: 2 });
 * grades.map((g) => [g.student, g.total, g.status]);
 */
import { spawn } from 'child_process';
import { randomBytes, randomInt } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ArgumentError, checkFunction, checkOneOf, checkString } from '../core/errors';
import { custom, defineOptions, int, optional } from '../core/options';
import { checkWritableDir } from '../core/paths';
import { KERNEL_NAMES, temporaryKernelDir } from '../jupyter/kernelspec';
import { kernelLibDir } from '../core/paths';
import { findJupyterPython } from '../jupyter/python';
import { cellSource, homeworkDir, NotebookJson, notebookText } from './build';
import { Judge, JudgeReport } from './judge';
import { CheckResult, Exercise } from '../core/exercise';
import { homeworkExercises, homeworkIds } from './registry';
import { graderNotebook, inspectSubmission, studentName } from './submission';
import { closeSubmissionBox, resolveSandbox, sandboxRoot, Sandbox, SANDBOX_MODES, SandboxMode, submissionBox } from './sandbox';

export function graderScript(): string {
  return path.join(kernelLibDir(), 'src', 'homework', 'grade-notebook.py');
}

/** Per-file statuses, most severe first. */
export const FILE_STATUSES = [
  'invalid-json', 'not-a-notebook', 'unknown-homework', 'other-language', 'grader-error',
  'kernel-crash', 'timeout', 'check-cell-deleted', 'other-kernel', 'ok',
] as const;
export type FileStatus = typeof FILE_STATUSES[number];

export interface ExerciseGrade {
  exercise: string;
  points: number;
  score: number;
  /** Why there is no check result (timeout, crash, not run), else null. */
  error: string | null;
  hints: string[];
  result: CheckResult | null;
}

export interface SubmissionGrade {
  file: string;
  student: string;
  homework: string | null;
  status: FileStatus;
  /** Every problem found, in words. */
  notes: string[];
  exercises: ExerciseGrade[];
  total: number;
  max: number;
  /** Wall-clock seconds for this submission (kernel start included). */
  seconds: number;
  /** The run seed the judge drew this submission's cases from (the batch's; `--seed` regrades with the same cases). */
  runSeed: number;
  /** Cells of the submission that raised an error (not a grading problem: a student's bug). */
  cellErrors: number;
  /** Where the executed notebook was kept (null when nothing ran). */
  executed: string | null;
}

export interface GradeOptions {
  /** Kernels running at once (default: the number of cores). */
  jobs?: number;
  /** Seconds for a whole notebook (default 300). */
  timeout?: number;
  /** Seconds for one cell (default 60). */
  cellTimeout?: number;
  /** Grade every file as this homework instead of reading metadata.nnlab.homework. */
  homework?: string;
  /** Keep the executed notebooks here (default: a temporary folder, removed afterwards). */
  outDir?: string;
  /** Where each submission's kernel runs (sandbox.ts): `auto` (default) bubblewrap, else a uid of its own, else an error; `none` warns. */
  sandbox?: SandboxMode;
  /**
   * The run seed of the cases (default: a fresh random one per batch, so every submission of a batch
   * gets the same cases and every batch new ones). Give a batch's seed to regrade a late submission
   * with the cases its class had.
   */
  runSeed?: number;
  /** Called after each submission. */
  onGraded?: (grade: SubmissionGrade, done: number, total: number) => void;
}

/**
 * The declared options of {@link gradeSubmissions} (core/options.ts): a typo or an unknown key is
 * an error, and every number has a bound.
 */
export const GRADE_OPTIONS = defineOptions('gradeSubmissions', {
  jobs: optional(int({ min: 1, max: 256 })),
  timeout: int({ min: 1, max: 86_400, default: 300 }),
  cellTimeout: int({ min: 1, max: 86_400, default: 60 }),
  homework: optional(custom((name, v) => checkOneOf(name, v, homeworkIds()), { bad: ['hw99', 7] })),
  outDir: optional(custom((name, v) => checkString(name, v), { bad: ['', 7] })),
  onGraded: optional(custom((name, v) => checkFunction(name, v), { bad: ['log', 7] })),
  runSeed: optional(int({ min: 1, max: 2 ** 31 - 2 })),
  sandbox: optional(custom((name, v) => checkOneOf(name, v, SANDBOX_MODES), { bad: ['docker', 7] })),
});

/**
 * Throws an ArgumentError unless `files` is a non-empty list of existing paths, naming every one
 * that is missing (before any kernel starts: a typo must not cost a batch). A folder in the list
 * (one named like a notebook in a class folder) is graded as that entry's not-a-notebook.
 */
export function checkSubmissionFiles(name: string, files: unknown): string[] {
  if (!Array.isArray(files) || files.length === 0) throw new ArgumentError(name, files, 'a non-empty array of notebook paths');
  files.forEach((f, i) => checkString(`${name}[${i}]`, f));
  const missing = (files as string[]).filter((f) => !fs.existsSync(f));
  if (missing.length) {
    throw new ArgumentError(name, missing, '', `${missing.length === 1 ? 'no such file' : `${missing.length} files do not exist`}: ` +
      `${missing.slice(0, 5).map((f) => JSON.stringify(f)).join(', ')}${missing.length > 5 ? ', ...' : ''}`);
  }
  return files as string[];
}

interface CellRun { index: number; status: 'ok' | 'error' | 'timeout' | 'crash' | 'not-run'; seconds: number }
interface RunSummary { cells?: CellRun[]; restarts?: number; seconds?: number; error?: string }

/** The largest result file of grade-notebook.py read back (10,000 cells take ~0.5 MB). */
const MAX_RESULT_BYTES = 64 * 1024 * 1024;
/** The largest executed notebook read back (a bigger one is that submission's grader-error, not the batch's). */
const MAX_EXECUTED_BYTES = 512 * 1024 * 1024;
/** What the nnlab kernel prints when it catches a stray async error while grading (bin/nnlab-kernel.js). */
const ASYNC_ERROR_MARK = 'nnlab grade: caught an error thrown outside any cell';

/**
 * Private work folders of running gradings: removed at exit and on SIGINT/SIGTERM, together with
 * the process groups of their grader scripts (a student's child processes included).
 */
const live = { dirs: new Set<string>(), groups: new Set<number>(), users: 0, remove: null as null | (() => void) };

function cleanUp(): void {
  for (const g of live.groups) { try { process.kill(-g, 'SIGKILL'); } catch { /* gone */ } }
  for (const d of live.dirs) { try { fs.rmSync(d, { recursive: true, force: true }); } catch { /* best effort */ } }
  live.groups.clear();
  live.dirs.clear();
}

/** Installs the exit and signal handlers while at least one batch runs; returns their remover. */
function holdCleanUp(): () => void {
  if (live.users++ === 0) {
    const onSignal = (signal: NodeJS.Signals) => {
      cleanUp();
      live.remove?.();
      process.kill(process.pid, signal);
    };
    process.on('exit', cleanUp);
    // only where the signal would end the process (the CLI): a kernel's own SIGINT handler interrupts a cell instead
    const signals = (['SIGINT', 'SIGTERM'] as const).filter((sig) => process.listenerCount(sig) === 0);
    for (const sig of signals) process.once(sig, onSignal);
    live.remove = () => {
      process.removeListener('exit', cleanUp);
      for (const sig of signals) process.removeListener(sig, onSignal);
      live.remove = null;
    };
  }
  return () => { if (--live.users === 0) live.remove?.(); };
}

/** A private folder (mode 0700) for one submission: its notebook, executed copy and result only. */
function privateDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-grade-'));
  fs.chmodSync(dir, 0o700);
  live.dirs.add(dir);
  return dir;
}
function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  live.dirs.delete(dir);
}

/** The grade of a submission whose grading failed in the grader's own code (the batch goes on). */
function failedGrade(file: string, err: unknown, started: number, runSeed: number, homework?: string): SubmissionGrade {
  const hw = homework ?? null;
  const exercises = hw && homeworkIds().includes(hw) ? homeworkExercises(hw) : [];
  return {
    file, student: path.basename(file, '.ipynb'), homework: hw, status: 'grader-error',
    notes: [`the grader failed on this file: ${String((err as Error)?.message ?? err).split('\n')[0]}`],
    exercises: exercises.map((e) => ({ exercise: e.name, points: e.points, score: 0, error: 'not run', hints: [], result: null })),
    total: 0, max: exercises.reduce((s, e) => s + e.points, 0), seconds: (Date.now() - started) / 1000, cellErrors: 0, executed: null, runSeed,
  };
}

/**
 * Grades `files` on a bounded pool of kernels; resolves to one grade per file, in order.
 *
 * @example
 * const grades = await nn.homework.gradeSubmissions(['submissions/alice.ipynb', 'submissions/bob.ipynb'], {
 *   jobs: 2, timeout: 300, cellTimeout: 60,
 *   onGraded: (g, done, total) => console.log(`${done}/${total} ${g.student}: ${g.total} / ${g.max} (${g.status})`),
 * });
 * nn.table(nn.homework.gradeRows(grades));
 */
export async function gradeSubmissions(files: readonly string[], options: GradeOptions = {}): Promise<SubmissionGrade[]> {
  checkSubmissionFiles('files', files);
  const c = GRADE_OPTIONS.resolve(options);
  const jobs = c.jobs ?? os.cpus().length;
  const runSeed = c.runSeed ?? randomInt(1, 2 ** 31 - 1);
  const { timeout, cellTimeout } = c;
  if (c.outDir !== null) checkWritableDir('outDir', c.outDir);
  const sandbox = resolveSandbox(c.sandbox ?? 'auto');
  const boxes = sandboxRoot();
  const python = findJupyterPython().python;
  const kernelDir = temporaryKernelDir();
  const outDir = options.outDir ? path.resolve(options.outDir) : null;
  if (outDir) fs.mkdirSync(outDir, { recursive: true });
  const grades: SubmissionGrade[] = new Array(files.length);
  let next = 0;
  let done = 0;
  const release = holdCleanUp();
  live.dirs.add(kernelDir);
  live.dirs.add(boxes);
  // one judge per worker slot, each in a thread of its own (judge.ts)
  const judges = Array.from({ length: Math.min(jobs, files.length) }, () => new Judge());
  const worker = async (w: number) => {
    while (next < files.length) {
      const i = next++;
      const started = Date.now();
      // one submission cannot end the batch: whatever fails in grading it is its own grader-error
      const work = privateDir();
      try {
        grades[i] = await gradeOne(files[i], { runSeed, python, kernelDir, judge: judges[w], sandbox, boxes, worker: w, work, outDir, timeout, cellTimeout, homework: options.homework, slot: i });
      } catch (err) {
        grades[i] = failedGrade(files[i], err, started, runSeed, options.homework);
      } finally {
        try { removeDir(work); } catch { /* removed at exit */ }
      }
      done++;
      options.onGraded?.(grades[i], done, files.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, (_, w) => worker(w)));
  } finally {
    removeDir(kernelDir);
    removeDir(boxes);
    await Promise.all(judges.map((j) => j.terminate()));
    release();
  }
  return grades;
}

interface GradeContext {
  runSeed: number; python: string; kernelDir: string; judge: Judge; sandbox: Sandbox; boxes: string; worker: number; work: string; outDir: string | null; graderArgs?: string[];
  timeout: number; cellTimeout: number; homework?: string; slot: number;
}

async function gradeOne(file: string, ctx: GradeContext): Promise<SubmissionGrade> {
  const started = Date.now();
  const info = inspectSubmission(file, ctx.homework);
  const exercises = info.homework ? homeworkExercises(info.homework) : [];
  const grade: SubmissionGrade = {
    file, student: studentName(file, info.homework), homework: info.homework, status: 'ok', notes: [...info.notes],
    exercises: exercises.map((e) => ({ exercise: e.name, points: e.points, score: 0, error: null, hints: [], result: null })),
    total: 0, max: exercises.reduce((s, e) => s + e.points, 0), seconds: 0, cellErrors: 0, executed: null, runSeed: ctx.runSeed,
  };
  const finish = (status: FileStatus) => {
    grade.status = status;
    grade.total = Math.round(10 * grade.exercises.reduce((s, e) => s + e.score, 0)) / 10;
    grade.seconds = (Date.now() - started) / 1000;
    return grade;
  };
  if (info.status !== 'ready' || !info.notebook || !info.homework) {
    grade.notes.unshift(info.message);
    for (const e of grade.exercises) e.error = 'not run';
    return finish(info.status === 'ready' ? 'grader-error' : info.status);
  }
  // the grader's cells connect to the judge (a thread of this process, outside the sandbox) with this
  // token; it draws the cases from this run's seed, calls the functions remotely and decides the score
  const token = randomBytes(12).toString('hex');
  const input = path.join(ctx.work, 'submission.ipynb');
  const base = `${String(ctx.slot).padStart(4, '0')}-${path.basename(file, '.ipynb')}`;
  const executed = ctx.outDir ? path.join(ctx.outDir, `${base}.ipynb`) : path.join(ctx.work, 'executed.ipynb');
  // the kernel runs in the submission's sandbox: its own folders, kernelspec and uid (sandbox.ts)
  // (--sandbox none: the batch's kernelspec, TCP, the homework folder as before)
  // the kernel locks the library functions that solve this homework from its start (check.ts lockDown)
  const kernelEnv = { NNLAB_GRADING_HOMEWORK: info.homework };
  const box = ctx.sandbox.mode === 'none' ? null : submissionBox(ctx.sandbox, ctx.boxes, ctx.slot, file, ctx.worker, kernelEnv);
  const socket = path.join(box ? box.runtime : ctx.work, 'j.sock');
  fs.writeFileSync(input, notebookText(graderNotebook(info.notebook, exercises, token, socket)), { mode: 0o600 });
  // the grader's cells are appended after the submission's: the grader knows where they are
  const graderCell = new Map(exercises.map((e, k) => [e.name, info.notebook!.cells.length + k]));
  let run: RunSummary;
  let judged: JudgeReport;
  try {
    await ctx.judge.open({ socket, token, runSeed: ctx.runSeed, exercises: exercises.map((e) => e.name), uid: box?.uid ?? 0 });
    try {
      run = await runGraderScript(box ? { ...ctx, kernelDir: box.kernels, graderArgs: ['--cwd', box.home, '--runtime', box.runtime, '--transport', 'ipc', '--uid', String(box.uid)] } : ctx, input, executed, kernelEnv);
    } finally {
      judged = await ctx.judge.close();
    }
  } finally {
    if (box) closeSubmissionBox(ctx.sandbox, box);
  }
  if (run.error || !run.cells) {
    grade.notes.unshift(run.error ?? 'the grader produced no result');
    for (const e of grade.exercises) e.error = 'not run';
    return finish('grader-error');
  }
  let nb: NotebookJson;
  try {
    const size = fs.statSync(executed).size;
    if (size > MAX_EXECUTED_BYTES) throw new Error(`${(size / 2 ** 20).toFixed(0)} MB is over the ${MAX_EXECUTED_BYTES / 2 ** 20} MB limit`);
    nb = JSON.parse(fs.readFileSync(executed, 'utf8')) as NotebookJson;
    grade.executed = ctx.outDir ? executed : null;
  } catch (err) {
    // the scores come from the judge, not from this file: only the notes lose their cell details
    grade.notes.push(`the executed notebook could not be read (${(err as Error).message}): notes without cell details`);
    nb = { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 4 };
  }
  const byIndex = new Map(run.cells.map((c) => [c.index, c]));
  const elapsed = Math.round(run.seconds ?? (Date.now() - started) / 1000);
  // the run stopped before its limit: the grader gave up restarting a kernel that kept dying
  const gaveUp = elapsed < ctx.timeout - 1;
  const whyNotRun = gaveUp
    ? `the kernel died ${run.restarts ?? 0} time(s) and the grader stopped restarting it after ${elapsed} s`
    : `the notebook's ${ctx.timeout} s limit was used up (after ${elapsed} s)`;
  const cellWhy = (index: number): string => (({
    timeout: `timed out: the check ran past the ${ctx.cellTimeout} s cell limit (an infinite loop?)`,
    crash: 'the kernel crashed during the check',
    'not-run': `not run: ${whyNotRun}`,
    error: `the grader's cell failed before the check could run: ${errorText(nb.cells[index]?.outputs ?? [])}`,
    ok: 'the grader\'s cell never reached the judge',
  } as Record<string, string>)[byIndex.get(index)?.status ?? 'not-run']);
  for (const eg of grade.exercises) {
    const index = graderCell.get(eg.exercise) as number;
    const j = judged.judged[eg.exercise];
    if (j) {
      // decided by the judge; capped at the exercise's points all the same
      const result = j.result;
      Object.assign(eg, { score: Math.min(eg.points, Math.max(0, result.score)), hints: result.hints, result, error: result.error });
      if (j.interrupted && !result.passed) eg.error = `${cellWhy(index)}; ${result.cases.filter((c) => c.passed).length} of ${result.cases.length} cases passed before that`;
    } else {
      eg.error = cellWhy(index);
    }
  }
  const timeouts = run.cells.filter((c) => c.status === 'timeout');
  const crashes = run.cells.filter((c) => c.status === 'crash');
  const notRun = run.cells.filter((c) => c.status === 'not-run');
  grade.cellErrors = run.cells.filter((c) => c.status === 'error' && !isGraderCell(nb, c.index)).length;
  const cellNo = (c: CellRun) => `cell ${c.index + 1}`;
  if (crashes.length) grade.notes.push(`the kernel crashed in ${crashes.map(cellNo).join(', ')}${crashes.some((c) => isGraderCell(nb, c.index)) ? ' (a grader check)' : ''}; restarted without it`);
  if (timeouts.length) grade.notes.push(`ran past the time limit in ${timeouts.map(cellNo).join(', ')} (an infinite loop?); restarted without it`);
  if (notRun.length) grade.notes.push(`${notRun.length} cell(s) not run: ${whyNotRun}`);
  const strayErrors = new Set(judged.strayErrors);
  const inCells = asyncErrors(nb).filter((i) => !isGraderCell(nb, i));
  if (strayErrors.size || inCells.length) {
    grade.notes.push(`errors thrown outside any cell were caught in the kernel, not fatal (the other work is graded)${inCells.length ? ` during ${inCells.map((i) => `cell ${i + 1}`).join(', ')}` : ''}` +
      `${strayErrors.size ? `: ${[...strayErrors].slice(0, 3).join('; ')}${strayErrors.size > 3 ? `; and ${strayErrors.size - 3} more` : ''}` : ''}`);
  }
  if (judged.refused.length) grade.notes.push(`the judge refused ${[...new Set(judged.refused)].slice(0, 3).join('; ')} (not the grader's cells: ignored)`);
  if (grade.cellErrors) grade.notes.push(`${grade.cellErrors} cell(s) of the submission raised errors`);
  // every grader cell failed without reaching the judge: the grading setup (or a submission that redefines require or nnlab)
  const unreached = grade.exercises.filter((e) => e.error?.startsWith('the grader\'s cell failed'));
  if (unreached.length === grade.exercises.length && unreached.length > 0) {
    grade.notes.unshift(`no grader cell reached the judge: ${unreached[0].error} (a problem of the grading setup, or the submission redefines require or nnlab)`);
  }
  const status: FileStatus = unreached.length === grade.exercises.length && unreached.length > 0 ? 'grader-error' : crashes.length ? 'kernel-crash' : timeouts.length || notRun.length ? 'timeout'
    : info.deletedChecks.length ? 'check-cell-deleted' : info.notes.some((n) => n.startsWith('uses the kernel')) ? 'other-kernel' : 'ok';
  return finish(status);
}

function isGraderCell(nb: NotebookJson, index: number): boolean {
  return Boolean((nb.cells[index]?.metadata?.nnlab as { grader?: string } | undefined)?.grader);
}

/** Indices of the cells whose output holds the kernel's note of a caught stray async error. */
function asyncErrors(nb: NotebookJson): number[] {
  return nb.cells.flatMap((c, i) => ((c.outputs ?? []) as { output_type?: string; text?: string | string[] }[])
    .some((o) => o.output_type === 'stream' && cellSource({ source: o.text ?? '' }).includes(ASYNC_ERROR_MARK)) ? [i] : []);
}

function errorText(outputs: unknown[]): string {
  for (const o of outputs as { output_type?: string; ename?: string; evalue?: string; name?: string; text?: string | string[] }[]) {
    if (o.output_type === 'error') return `${o.ename}: ${o.evalue}`;
    if (o.output_type === 'stream' && o.name === 'stderr') return cellSource({ source: o.text ?? '' }).trim().split('\n')[0];
  }
  return 'no output';
}

/** Runs grade-notebook.py in its own process group; kills the group if it overruns the limit by a minute. */
function runGraderScript(ctx: GradeContext, input: string, executed: string, kernelEnv: Record<string, string> = {}): Promise<RunSummary> {
  // the summary goes to a file of the submission's private folder, not to one unbounded stdout line
  const resultFile = path.join(ctx.work, 'result.json');
  const tmp = path.join(ctx.work, 'tmp');
  fs.mkdirSync(tmp, { mode: 0o700 });
  const args = [graderScript(), input, '--kernel', KERNEL_NAMES.cpu, '--out', executed, '--cwd', homeworkDir(),
    '--timeout', String(ctx.timeout), '--cell-timeout', String(ctx.cellTimeout), '--result', resultFile, ...ctx.graderArgs ?? []];
  const env = {
    ...process.env,
    JUPYTER_PATH: [ctx.kernelDir, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter),
    // NNLAB_GRADING: the nnlab kernel catches stray async errors instead of dying (bin/nnlab-kernel.js)
    NNLAB_QUICK: '1', NNLAB_WASM_THREADS: '1', NNLAB_GRADING: '1', ...kernelEnv,
    // temporary files of the grader script, Jupyter and the kernel stay in the submission's own folder
    TMPDIR: tmp,
  };
  return new Promise((resolve) => {
    const child = spawn(ctx.python, args, { env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const group = child.pid;
    if (group) live.groups.add(group);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
    const killer = setTimeout(() => { try { process.kill(-(child.pid as number), 'SIGKILL'); } catch { /* gone */ } }, (ctx.timeout + 60) * 1000);
    child.on('error', (err) => { clearTimeout(killer); resolve({ error: `could not start ${ctx.python}: ${err.message}` }); });
    // 'exit', not 'close': a kernel the script could not end (the uid sandbox: no pid namespace dies
    // with it) may still hold its stderr; the submission's box ends it next (closeSubmissionBox)
    let ended = false;
    const end = (code: number | null, signal: NodeJS.Signals | null) => {
      if (ended) return;
      ended = true;
      child.stderr.destroy();
      clearTimeout(killer);
      // whatever the submission started and left in the grader's process group ends with it
      if (group) { try { process.kill(-group, 'SIGKILL'); } catch { /* none left */ } live.groups.delete(group); }
      let problem = '';
      try {
        if (code === 0) {
          const size = fs.statSync(resultFile).size;
          if (size > MAX_RESULT_BYTES) throw new Error(`its result file is ${size} bytes, over the ${MAX_RESULT_BYTES} limit`);
          resolve(JSON.parse(fs.readFileSync(resultFile, 'utf8')) as RunSummary);
          return;
        }
      } catch (err) { problem = (err as Error).message.split('\n')[0]; }
      const last = stderr.trim().split('\n').slice(-3).join(' | ');
      resolve({ error: `the grader process ${signal ? `was killed (${signal})` : `exited with ${code}`}: ${problem || last || 'no output'}` });
    };
    child.on('close', end);
    child.on('exit', (code, signal) => { setTimeout(() => end(code, signal), 500); });
  });
}

/**
 * The score table: one row per submission, one column per exercise of the homeworks seen.
 *
 * @example
 * const grades = await nn.homework.gradeSubmissions(['submissions/alice.ipynb', 'submissions/bob.ipynb']);
 * nn.table(nn.homework.gradeRows(grades), { title: 'hw03-weight-init' });
 * // student  homework  status  xavierInit  heInit  ...  total  max  seconds  notes
 */
export function gradeRows(grades: readonly SubmissionGrade[]): Record<string, string | number>[] {
  const columns = [...new Set(grades.flatMap((g) => g.exercises.map((e) => e.exercise)))];
  return grades.map((g) => {
    const row: Record<string, string | number> = { student: g.student, homework: g.homework ?? '', status: g.status };
    for (const c of columns) {
      const e = g.exercises.find((x) => x.exercise === c);
      row[c] = e ? e.score : '';
    }
    row.total = g.total;
    row.max = g.max;
    row.seconds = Number(g.seconds.toFixed(1));
    row.notes = g.notes.join('; ');
    return row;
  });
}

/**
 * RFC 4180 CSV of {@link gradeRows}.
 *
 * @example
 * const grades = await nn.homework.gradeSubmissions(['submissions/alice.ipynb', 'submissions/bob.ipynb']);
 * const csv = nn.homework.gradesCsv(grades);   // 'student,homework,status,xavierInit,...\nalice,hw03-weight-init,ok,...'
 * console.log(csv);
 */
export function gradesCsv(grades: readonly SubmissionGrade[]): string {
  const rows = gradeRows(grades);
  const header = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => {
    const s = v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header.join(','), ...rows.map((r) => header.map((h) => cell(r[h])).join(','))].join('\n') + '\n';
}
