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
import { randomBytes } from 'crypto';
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
import { GRADE_MIME } from './check';
import { CheckResult } from '../core/exercise';
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
  sandbox: optional(custom((name, v) => checkOneOf(name, v, SANDBOX_MODES), { bad: ['docker', 7] })),
});

/**
 * Throws an ArgumentError unless `files` is a non-empty list of existing files, naming every one
 * that is missing (before any kernel starts: a typo must not cost a batch).
 */
export function checkSubmissionFiles(name: string, files: unknown): string[] {
  if (!Array.isArray(files) || files.length === 0) throw new ArgumentError(name, files, 'a non-empty array of notebook paths');
  files.forEach((f, i) => checkString(`${name}[${i}]`, f));
  const missing = (files as string[]).filter((f) => !fs.existsSync(f));
  if (missing.length) {
    throw new ArgumentError(name, missing, '', `${missing.length === 1 ? 'no such file' : `${missing.length} files do not exist`}: ` +
      `${missing.slice(0, 5).map((f) => JSON.stringify(f)).join(', ')}${missing.length > 5 ? ', ...' : ''}`);
  }
  const folders = (files as string[]).filter((f) => fs.statSync(f).isDirectory());
  if (folders.length) throw new ArgumentError(name, folders, '', `${JSON.stringify(folders[0])} is a folder; give notebook files (nnlab grade expands folders)`);
  return files as string[];
}

interface CellRun { index: number; status: 'ok' | 'error' | 'timeout' | 'crash' | 'not-run'; seconds: number }
interface RunSummary { cells?: CellRun[]; restarts?: number; seconds?: number; error?: string }

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
  const { timeout, cellTimeout } = c;
  if (c.outDir !== null) checkWritableDir('outDir', c.outDir);
  const sandbox = resolveSandbox(c.sandbox ?? 'auto');
  const boxes = sandboxRoot();
  const python = findJupyterPython().python;
  const kernelDir = temporaryKernelDir();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-grade-'));
  const outDir = options.outDir ? path.resolve(options.outDir) : path.join(work, 'executed');
  fs.mkdirSync(outDir, { recursive: true });
  const grades: SubmissionGrade[] = new Array(files.length);
  let next = 0;
  let done = 0;
  const worker = async (w: number) => {
    while (next < files.length) {
      const i = next++;
      const ctx = { python, kernelDir, sandbox, boxes, worker: w, work, outDir: options.outDir ? outDir : null, timeout, cellTimeout, homework: options.homework, slot: i };
      grades[i] = await gradeOne(files[i], ctx);
      done++;
      options.onGraded?.(grades[i], done, files.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, (_, w) => worker(w)));
  } finally {
    fs.rmSync(kernelDir, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(boxes, { recursive: true, force: true });
  }
  return grades;
}

interface GradeContext {
  python: string; kernelDir: string; sandbox: Sandbox; boxes: string; worker: number; work: string; outDir: string | null; graderArgs?: string[];
  timeout: number; cellTimeout: number; homework?: string; slot: number;
}

async function gradeOne(file: string, ctx: GradeContext): Promise<SubmissionGrade> {
  const started = Date.now();
  const info = inspectSubmission(file, ctx.homework);
  const exercises = info.homework ? homeworkExercises(info.homework) : [];
  const grade: SubmissionGrade = {
    file, student: studentName(file, info.homework), homework: info.homework, status: 'ok', notes: [...info.notes],
    exercises: exercises.map((e) => ({ exercise: e.name, points: e.points, score: 0, error: null, hints: [], result: null })),
    total: 0, max: exercises.reduce((s, e) => s + e.points, 0), seconds: 0, cellErrors: 0, executed: null,
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
  const nonce = randomBytes(12).toString('hex');
  const input = path.join(ctx.work, `submission-${ctx.slot}.ipynb`);
  const base = `${String(ctx.slot).padStart(4, '0')}-${path.basename(file, '.ipynb')}`;
  const executed = ctx.outDir ? path.join(ctx.outDir, `${base}.ipynb`) : path.join(ctx.work, `executed-${ctx.slot}.ipynb`);
  fs.writeFileSync(input, notebookText(graderNotebook(info.notebook, exercises, nonce)));
  // the kernel runs in the submission's sandbox: its own folders, kernelspec and uid (sandbox.ts)
  // (--sandbox none: the batch's kernelspec, TCP, the homework folder as before)
  const box = ctx.sandbox.mode === 'none' ? null : submissionBox(ctx.sandbox, ctx.boxes, ctx.slot, file, ctx.worker);
  let run: RunSummary;
  try {
    run = await runGraderScript(box ? { ...ctx, kernelDir: box.kernels, graderArgs: ['--cwd', box.home, '--runtime', box.runtime, '--transport', 'ipc', '--uid', String(box.uid)] } : ctx, input, executed);
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
    nb = JSON.parse(fs.readFileSync(executed, 'utf8')) as NotebookJson;
  } catch (err) {
    grade.notes.unshift(`the executed notebook could not be read: ${(err as Error).message}`);
    return finish('grader-error');
  }
  grade.executed = ctx.outDir ? executed : null;
  const byIndex = new Map(run.cells.map((c) => [c.index, c]));
  const graderIndex = new Map(nb.cells.map((c, i) => [((c.metadata?.nnlab as { grader?: string }) ?? {}).grader, i]));
  for (const eg of grade.exercises) {
    const index = graderIndex.get(eg.exercise) as number;
    const result = readResult(nb.cells[index]?.outputs ?? [], nonce);
    if (result) {
      Object.assign(eg, { score: result.score, hints: result.hints, result, error: result.error });
    } else {
      eg.error = ({
        timeout: `timed out: the check ran past the ${ctx.cellTimeout} s cell limit (an infinite loop?)`,
        crash: 'the kernel crashed during the check',
        'not-run': `not run: the notebook's ${ctx.timeout} s limit was used up`,
        error: `the grader cell failed: ${errorText(nb.cells[index]?.outputs ?? [])}`,
        ok: 'the check published no result',
      } as Record<string, string>)[byIndex.get(index)?.status ?? 'not-run'];
    }
  }
  const timeouts = run.cells.filter((c) => c.status === 'timeout');
  const crashes = run.cells.filter((c) => c.status === 'crash');
  const notRun = run.cells.filter((c) => c.status === 'not-run');
  grade.cellErrors = run.cells.filter((c) => c.status === 'error' && !isGraderCell(nb, c.index)).length;
  const cellNo = (c: CellRun) => `cell ${c.index + 1}`;
  if (crashes.length) grade.notes.push(`the kernel crashed in ${crashes.map(cellNo).join(', ')}${crashes.some((c) => isGraderCell(nb, c.index)) ? ' (a grader check)' : ''}; restarted without it`);
  if (timeouts.length) grade.notes.push(`ran past the time limit in ${timeouts.map(cellNo).join(', ')} (an infinite loop?); restarted without it`);
  if (notRun.length) grade.notes.push(`${notRun.length} cell(s) not run: the notebook's ${ctx.timeout} s limit was used up`);
  if (grade.cellErrors) grade.notes.push(`${grade.cellErrors} cell(s) of the submission raised errors`);
  const graderFailed = grade.exercises.filter((e) => e.error?.startsWith('the grader cell failed'));
  if (graderFailed.length) grade.notes.unshift(`grader cells failed (a problem of the grading setup, not of the submission): ${graderFailed[0].error}`);
  const status: FileStatus = graderFailed.length ? 'grader-error' : crashes.length ? 'kernel-crash' : timeouts.length || notRun.length ? 'timeout'
    : info.deletedChecks.length ? 'check-cell-deleted' : info.notes.some((n) => n.startsWith('uses the kernel')) ? 'other-kernel' : 'ok';
  return finish(status);
}

function isGraderCell(nb: NotebookJson, index: number): boolean {
  return Boolean((nb.cells[index]?.metadata?.nnlab as { grader?: string } | undefined)?.grader);
}

/** The check result a grader cell published with this run's nonce (anything else is ignored). */
function readResult(outputs: unknown[], nonce: string): CheckResult | null {
  for (const o of outputs as { output_type?: string; data?: Record<string, unknown> }[]) {
    const payload = o.output_type === 'display_data' ? o.data?.[GRADE_MIME] as { nonce?: string; result?: CheckResult } | undefined : undefined;
    if (payload && payload.nonce === nonce && payload.result) return payload.result;
  }
  return null;
}

function errorText(outputs: unknown[]): string {
  for (const o of outputs as { output_type?: string; ename?: string; evalue?: string; name?: string; text?: string | string[] }[]) {
    if (o.output_type === 'error') return `${o.ename}: ${o.evalue}`;
    if (o.output_type === 'stream' && o.name === 'stderr') return cellSource({ source: o.text ?? '' }).trim().split('\n')[0];
  }
  return 'no output';
}

/** Runs grade-notebook.py in its own process group; kills the group if it overruns the limit by a minute. */
function runGraderScript(ctx: GradeContext, input: string, executed: string): Promise<RunSummary> {
  const args = [graderScript(), input, '--kernel', KERNEL_NAMES.cpu, '--out', executed, '--cwd', homeworkDir(),
    '--timeout', String(ctx.timeout), '--cell-timeout', String(ctx.cellTimeout), ...ctx.graderArgs ?? []];
  const env = {
    ...process.env,
    JUPYTER_PATH: [ctx.kernelDir, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter),
    NNLAB_QUICK: '1', NNLAB_WASM_THREADS: '1',
  };
  return new Promise((resolve) => {
    const child = spawn(ctx.python, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
    const killer = setTimeout(() => { try { process.kill(-(child.pid as number), 'SIGKILL'); } catch { /* gone */ } }, (ctx.timeout + 60) * 1000);
    child.on('error', (err) => { clearTimeout(killer); resolve({ error: `could not start ${ctx.python}: ${err.message}` }); });
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        if (code === 0) { resolve(JSON.parse(line) as RunSummary); return; }
      } catch { /* fall through */ }
      const last = stderr.trim().split('\n').slice(-3).join(' | ');
      resolve({ error: `the grader process ${signal ? `was killed (${signal})` : `exited with ${code}`}: ${last || 'no output'}` });
    });
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
