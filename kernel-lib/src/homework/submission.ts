/**
 * What `nnlab grade` knows about a submission before it runs anything: is it JSON, is it a
 * notebook, which homework it is, which kernel it names, whether its check cells are still there;
 * and the notebook the grader actually executes: the submission's code cells followed by one
 * grader cell per exercise, which hands the functions the notebook defines to the judge
 * (judge.ts), outside the kernel, which checks them (so neither an edited check cell nor printed
 * text nor anything the code does to the library can pose as a result).
 */
import * as fs from 'fs';
import * as path from 'path';
import { KERNEL_NAMES } from '../jupyter/kernelspec';
import { cellSource, NotebookCell, NotebookJson, sourceLines } from './build';
import { Exercise } from '../core/exercise';
import { homeworkExercises, homeworkIds } from './registry';

export type InspectStatus = 'ready' | 'invalid-json' | 'not-a-notebook' | 'unknown-homework' | 'other-language';

export interface Inspection {
  file: string;
  status: InspectStatus;
  /** One sentence for the table when the file cannot be graded. */
  message: string;
  homework: string | null;
  /** The kernelspec name the notebook names (null when none). */
  kernel: string | null;
  /** Exercises whose check cell (a cell calling `check.<name>(`) is gone. */
  deletedChecks: string[];
  notes: string[];
  notebook: NotebookJson | null;
}

/** Reads and classifies a submission; never throws on bad content. */
export function inspectSubmission(file: string, homeworkOverride?: string): Inspection {
  const base: Inspection = { file, status: 'ready', message: '', homework: null, kernel: null, deletedChecks: [], notes: [], notebook: null };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return { ...base, status: 'not-a-notebook', message: `cannot read the file: ${(err as Error).message.split('\n')[0]}` };
  }
  let nb: unknown;
  try {
    nb = JSON.parse(text);
  } catch (err) {
    return { ...base, status: 'invalid-json', message: `not valid JSON (${(err as Error).message.split('\n')[0]}): the file is damaged or not a saved notebook` };
  }
  const n = nb as Partial<NotebookJson>;
  if (!n || typeof n !== 'object' || !Array.isArray(n.cells) || typeof n.nbformat !== 'number' ||
      n.cells.some((c) => !c || typeof c !== 'object' || typeof (c as NotebookCell).cell_type !== 'string')) {
    return { ...base, status: 'not-a-notebook', message: 'valid JSON but not a Jupyter notebook (no nbformat and cells)' };
  }
  if (n.nbformat !== 4) return { ...base, status: 'not-a-notebook', message: `nbformat ${n.nbformat} is not supported (save it with Jupyter as nbformat 4)` };
  const notebook = { ...n, metadata: n.metadata ?? {} } as NotebookJson;
  const meta = (notebook.metadata.nnlab ?? {}) as { homework?: string };
  const spec = (notebook.metadata.kernelspec ?? {}) as { name?: string; language?: string };
  const kernel = typeof spec.name === 'string' ? spec.name : null;
  const sources = notebook.cells.filter((c) => c.cell_type === 'code').map(cellSource);
  const homework = homeworkOverride ?? meta.homework ?? guessHomework(sources);
  const found = { ...base, notebook, kernel };
  if (!homework || !homeworkIds().includes(homework)) {
    return { ...found, homework: homework ?? null, status: 'unknown-homework',
      message: homework ? `homework "${homework}" is not one of ${homeworkIds().join(', ')}` : `not a homework notebook (no metadata.nnlab.homework and no check cells; pass --homework ${homeworkIds().join('|')})` };
  }
  const notes: string[] = [];
  const known = Object.values(KERNEL_NAMES) as string[];
  if (kernel !== null && !known.includes(kernel)) {
    const language = (spec.language ?? (notebook.metadata.language_info as { name?: string } | undefined)?.name ?? '').toLowerCase();
    if (language && language !== 'typescript') {
      return { ...found, homework, status: 'other-language', message: `uses the kernel "${kernel}" (${language}), not TypeScript: not run` };
    }
    notes.push(`uses the kernel "${kernel}" instead of ${known.join(' or ')}: graded with nnlab-cpu`);
  }
  const deletedChecks = homeworkExercises(homework).filter((e) => !sources.some((s) => s.includes(`check.${e.name}(`))).map((e) => e.name);
  if (deletedChecks.length) notes.push(`check cell deleted: ${deletedChecks.join(', ')} (graded all the same)`);
  return { ...found, homework, deletedChecks, notes };
}

/** The homework whose check calls or function names a notebook mentions most (null when none). */
function guessHomework(sources: string[]): string | null {
  const all = sources.join('\n');
  let best: string | null = null;
  let bestHits = 0;
  for (const id of homeworkIds()) {
    const hits = homeworkExercises(id).filter((e) => all.includes(`check.${e.name}(`) || e.functions.every((f) => new RegExp(`\\b${f}\\b`).test(all))).length;
    if (hits > bestHits) { best = id; bestHits = hits; }
  }
  return best;
}

/**
 * The source of the grader's cell for one exercise: it hands the notebook's functions (each looked
 * up by name, undefined if absent) to the judge at `socket`, which calls them with its own inputs.
 */
export function graderCellSource(e: Exercise, token: string, socket: string): string {
  const args = e.functions.map((f) => `  // @ts-ignore: the function may be missing or have another type; the check reports that\n  typeof ${f} === 'undefined' ? undefined : ${f},`);
  return [
    `// nnlab grade: the judge outside this kernel checks "${e.name}" by calling this notebook's functions (the submission's own check cells do not count)`,
    `await require('nnlab').homework.serveJudge(${JSON.stringify(socket)}, ${JSON.stringify(token)}, ${JSON.stringify(e.name)}, [`,
    ...args,
    ']);',
  ].join('\n');
}

/** The notebook the grader runs: the submission's cells (outputs dropped), then one grader cell per exercise. */
export function graderNotebook(nb: NotebookJson, exercises: readonly Exercise[], token: string, socket: string): NotebookJson {
  const cells: NotebookCell[] = nb.cells.map((c) => (c.cell_type === 'code'
    ? { cell_type: 'code', source: cellSource(c), metadata: {}, outputs: [], execution_count: null }
    : { cell_type: c.cell_type === 'raw' ? 'raw' : 'markdown', source: cellSource(c), metadata: {} }));
  for (const e of exercises) {
    cells.push({ cell_type: 'code', source: sourceLines(graderCellSource(e, token, socket)), metadata: { nnlab: { grader: e.name } }, outputs: [], execution_count: null });
  }
  return {
    cells, nbformat: 4, nbformat_minor: 4,
    metadata: { kernelspec: { name: KERNEL_NAMES.cpu, display_name: 'TypeScript (nnlab, CPU)', language: 'typescript' } },
  };
}

/** The student's name for the table: the file name, or its folder when the file is named after the homework. */
export function studentName(file: string, homework: string | null): string {
  const base = path.basename(file, '.ipynb');
  return homework && base === homework ? path.basename(path.dirname(path.resolve(file))) : base;
}
