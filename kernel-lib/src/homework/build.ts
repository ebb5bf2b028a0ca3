/**
 * `nnlab homework build`: the student versions of the homework notebooks, made from the instructor
 * versions (the source of truth) by nbgrader's convention adapted to TypeScript comments: every
 * region between a `// ### BEGIN SOLUTION` line and a `// ### END SOLUTION` line is replaced by a
 * stub that throws, at the indentation of the BEGIN line:
 *
 *   // YOUR CODE HERE
 *   throw new Error('not implemented yet');
 *
 * Outputs and execution counts are cleared and `metadata.nnlab.edition` becomes "student". The
 * output is deterministic (keys sorted, nbformat's one-space indent), so a test can check that
 * the committed student files are up to date.
 */
import * as fs from 'fs';
import * as path from 'path';
import { notebooksDir } from '../core/paths';

export function homeworkDir(): string {
  return path.join(notebooksDir(), 'homework');
}
export function instructorDir(): string {
  return path.join(homeworkDir(), 'instructor');
}

export const BEGIN_SOLUTION = /^(\s*)\/\/\s*### BEGIN SOLUTION\s*$/;
export const END_SOLUTION = /^\s*\/\/\s*### END SOLUTION\s*$/;
export const STUB_MESSAGE = 'not implemented yet';

export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  metadata?: Record<string, unknown>;
  outputs?: unknown[];
  execution_count?: number | null;
  [key: string]: unknown;
}
export interface NotebookJson { cells: NotebookCell[]; metadata: Record<string, unknown>; nbformat: number; nbformat_minor: number }

/** A cell's source as one string. */
export function cellSource(cell: Pick<NotebookCell, 'source'>): string {
  return Array.isArray(cell.source) ? cell.source.join('') : String(cell.source ?? '');
}

/** Splits text into nbformat's list of lines (each but the last keeps its newline). */
export function sourceLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  return lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l)).filter((l) => l !== '');
}

/** Replaces every solution region of `text` by the stub; throws naming `where` and the line on unbalanced markers. */
export function stripSolutions(text: string, where = 'cell'): { text: string; regions: number } {
  const out: string[] = [];
  let open: { line: number } | null = null;
  let regions = 0;
  text.split('\n').forEach((line, i) => {
    const begin = BEGIN_SOLUTION.exec(line);
    if (begin) {
      if (open) throw new Error(`${where}, line ${i + 1}: BEGIN SOLUTION inside the region opened on line ${open.line}`);
      open = { line: i + 1 };
      out.push(`${begin[1]}// YOUR CODE HERE`, `${begin[1]}throw new Error('${STUB_MESSAGE}');`);
      regions++;
    } else if (END_SOLUTION.test(line)) {
      if (!open) throw new Error(`${where}, line ${i + 1}: END SOLUTION without a BEGIN SOLUTION`);
      open = null;
    } else if (!open) {
      out.push(line);
    }
  });
  if (open) throw new Error(`${where}: BEGIN SOLUTION on line ${(open as { line: number }).line} is never closed by // ### END SOLUTION`);
  return { text: out.join('\n'), regions };
}

/** The student version of an instructor notebook (a new object). */
export function studentNotebook(nb: NotebookJson, name = 'notebook'): NotebookJson {
  let regions = 0;
  const cells = nb.cells.map((cell, index) => {
    const copy: NotebookCell = { ...cell, metadata: { ...(cell.metadata ?? {}) } };
    if (cell.cell_type === 'code') {
      const r = stripSolutions(cellSource(cell), `${name}, cell ${index}`);
      regions += r.regions;
      copy.source = sourceLines(r.text);
      copy.outputs = [];
      copy.execution_count = null;
    } else if (BEGIN_SOLUTION.test(cellSource(cell))) {
      throw new Error(`${name}, cell ${index}: solution markers belong in code cells`);
    }
    return copy;
  });
  if (regions === 0) throw new Error(`${name}: no // ### BEGIN SOLUTION region: is this an instructor notebook?`);
  const nnlab = { ...((nb.metadata.nnlab as Record<string, unknown>) ?? {}), edition: 'student' };
  return { ...nb, cells, metadata: { ...nb.metadata, nnlab } };
}

/** JSON with sorted keys and a one-space indent, like nbformat writes notebooks (plus a final newline). */
export function notebookText(nb: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return `${JSON.stringify(sort(nb), null, 1)}\n`;
}

export interface BuildEntry { instructor: string; student: string; upToDate: boolean; regions: number }

/**
 * Builds (or with `check`, only compares) the student version of every instructor notebook in
 * `instructorDir`, writing `<studentDir>/<name>.ipynb`. Returns one entry per notebook.
 *
 * @example
 * const entries = nn.homework.buildHomework({ check: true });   // compares only, writes nothing
 * nn.table(entries.map((e) => ({ student: e.student, upToDate: e.upToDate, regions: e.regions })));
 * nn.homework.buildHomework({ instructorDir: 'homework/instructor', studentDir: 'homework/student' });   // writes them
 */
export function buildHomework(opts: { instructorDir?: string; studentDir?: string; check?: boolean } = {}): BuildEntry[] {
  const instructorFolder = opts.instructorDir ?? instructorDir();
  const studentDir = opts.studentDir ?? homeworkDir();
  const files = fs.readdirSync(instructorFolder).filter((f) => f.endsWith('.ipynb')).sort();
  return files.map((f) => {
    const instructor = path.join(instructorFolder, f);
    const student = path.join(studentDir, f);
    const nb = JSON.parse(fs.readFileSync(instructor, 'utf8')) as NotebookJson;
    const built = studentNotebook(nb, f);
    const text = notebookText(built);
    const upToDate = fs.existsSync(student) && fs.readFileSync(student, 'utf8') === text;
    if (!opts.check && !upToDate) {
      fs.mkdirSync(studentDir, { recursive: true });
      fs.writeFileSync(student, text);
    }
    const regions = built.cells.reduce((n, c) => n + (cellSource(c).match(/throw new Error\('not implemented yet'\)/g)?.length ?? 0), 0);
    return { instructor, student, upToDate, regions };
  });
}
