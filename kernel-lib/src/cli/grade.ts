/**
 * `nnlab grade <notebook.ipynb|folder ...>`: grades homework submissions in fresh nnlab kernels on
 * a pool of kernels, with a progress bar on stderr, and prints the per-student, per-exercise score
 * table (or JSON, or writes CSV).
 */
import * as fs from 'fs';
import * as path from 'path';
import { optionValue, UsageError } from '../core/args';
import { ArgumentError } from '../core/errors';
import { checkWritableDir, checkWritableFile } from '../core/paths';
import type { Field } from '../core/options';
import { Command, out } from '../core/command';
import { gradeRows, gradesCsv, gradeSubmissions, homeworkIds } from '../homework';
import { checkSubmissionFiles, GRADE_OPTIONS } from '../homework/grade';
import { SANDBOX_MODES, SandboxMode } from '../homework/sandbox';

const F = GRADE_OPTIONS.fields;
import { progressBar } from '../show/progress';
import { tableText, toTable } from '../show/table';

/** parseArgs takes a fixed list of positionals: allow up to this many submissions on one command line. */
const MAX_FILES = 100_000;

/** Files as given, folders expanded to the .ipynb files inside them (sorted, not recursive). */
export function submissionFiles(args: readonly string[]): string[] {
  return args.flatMap((a) => {
    if (fs.existsSync(a) && fs.statSync(a).isDirectory()) {
      return fs.readdirSync(a).filter((f) => f.endsWith('.ipynb')).sort().map((f) => path.join(a, f));
    }
    return [a];
  });
}

/** Writes `text` to `file` through a private temporary file in the same folder and a rename: never half a file. */
function writeAtomically(file: string, text: string): void {
  const target = path.resolve(file);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(tmp, text, { flag: 'wx' });
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

export const GRADE_COMMAND: Command = {
  summary: 'grade homework submissions in fresh kernels: per-student, per-exercise scores',
  usage: `nnlab grade <notebook.ipynb|folder ...> [--json | --csv FILE] [--jobs N] [--timeout S] [--cell-timeout S] [--homework ID] [--out DIR] [--sandbox auto|uid|bwrap|none]

Runs each submission top to bottom in a fresh, sandboxed nnlab kernel (real Jupyter), then hands
the functions it defines to a judge outside the kernel, which draws new cases for this run, calls
them with those inputs and scores what they return (the submission's check cells and outputs do not
count), and prints one row per submission: status, score per exercise, total. Broken files,
infinite loops and kernel crashes get a status; the rest of the batch is graded.
  --json          print every grade as JSON (cases, hints, notes)
  --csv FILE      also write the score table as CSV
  --jobs N        kernels at once (default: the number of cores)
  --timeout S     seconds for a whole notebook (default 300)
  --cell-timeout S  seconds for one cell (default 60)
  --homework ID   grade every file as this homework (${homeworkIds().join(', ')}) instead of its metadata
  --out DIR       keep the executed notebooks in DIR
  --sandbox M     where each submission's kernel runs: auto (default: bwrap, else uid, else an error),
                  bwrap (bubblewrap: no network, own pid namespace, read-only library), uid (a uid of
                  its own with limits), none (unsandboxed, with a warning); see the README's threat model
  --seed N        the run seed of the cases (default: new for every batch, printed at the end); give a
                  batch's seed to regrade a late submission with the cases its class had`,
  spec: {
    flags: ['json'],
    options: { csv: null, jobs: F.jobs, timeout: F.timeout, 'cell-timeout': F.cellTimeout, homework: homeworkIds(), out: null, sandbox: SANDBOX_MODES, seed: F.runSeed },
    positionals: Array.from({ length: MAX_FILES }, (_, i) => (i === 0 ? 'notebook' : 'notebook?')),
  },
  flags: { cellTimeout: 'cell-timeout', outDir: 'out', files: 'notebook', runSeed: 'seed' },
  async run(a) {
    const files = submissionFiles(a.positionals);
    if (files.length === 0) throw new UsageError('grade: no .ipynb files found in the folders given');
    // every path is checked before the first kernel starts: a typo must not cost a graded batch
    checkSubmissionFiles('notebook', files);
    const others = files.filter((f) => !f.toLowerCase().endsWith('.ipynb'));
    if (others.length) throw new ArgumentError('notebook', others, '', `${JSON.stringify(others[0])} is not a notebook: give .ipynb files or folders of them`);
    if (a.options.csv !== undefined) checkWritableFile('--csv', a.options.csv);
    if (a.options.out !== undefined) checkWritableDir('--out', a.options.out);
    const number = (flag: string, field: Field): number | undefined =>
      (a.options[flag] === undefined ? undefined : optionValue('grade', flag, a.options[flag], field) as number);
    const json = a.flags.has('json');
    const bar = progressBar({ total: files.length, label: `grading ${files.length} submission(s)`, textEvery: 0.05, notebook: false });
    const grades = await gradeSubmissions(files, {
      jobs: number('jobs', F.jobs), timeout: number('timeout', F.timeout), cellTimeout: number('cell-timeout', F.cellTimeout), homework: a.options.homework, outDir: a.options.out,
      sandbox: a.options.sandbox as SandboxMode | undefined, runSeed: number('seed', F.runSeed),
      onGraded: (_g, done) => { if (done < files.length) bar.update(done); },
    });
    bar.finish();
    // written once, at the end, by the grader only: a temporary file in the same folder, then renamed
    if (a.options.csv) writeAtomically(a.options.csv, gradesCsv(grades));
    if (json) out(JSON.stringify(grades, null, 2));
    else out(tableText(toTable(gradeRows(grades).map(({ notes: _notes, ...r }) => r))));
    if (!json) {
      for (const g of grades.filter((x) => x.notes.length)) out(`${g.student} (${g.file}): ${g.notes.join('; ')}`);
      const seconds = grades.map((g) => g.seconds);
      out(`${grades.length} submission(s); ${seconds.length ? (seconds.reduce((s, x) => s + x, 0) / seconds.length).toFixed(1) : 0} s each on average; ` +
        `cases drawn from run seed ${grades[0]?.runSeed ?? '-'} (--seed ${grades[0]?.runSeed ?? '-'} regrades with the same cases)${a.options.csv ? `; wrote ${a.options.csv}` : ''}`);
    }
    return grades.some((g) => g.status === 'grader-error') ? 1 : 0;
  },
};
