/**
 * The lesson list, read from the notebooks themselves: each lesson notebook carries
 * `metadata.nnlab = {lesson, title, summary}`, so the list and the files cannot drift apart.
 */
import * as fs from 'fs';
import * as path from 'path';
import { notebooksDir } from '../core/paths';

export interface Lesson {
  /** The file name without .ipynb, e.g. "00-getting-started". */
  name: string;
  /** The lesson number as written in the file name ("00"). */
  lesson: string;
  title: string;
  summary: string;
  path: string;
}

interface NotebookJson { metadata?: { nnlab?: { title?: string; summary?: string } }; cells?: { cell_type: string; source: string | string[] }[] }

/** Reads one notebook's lesson metadata (title and summary fall back to its first heading). */
export function readLesson(file: string): Lesson {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as NotebookJson;
  const name = path.basename(file, '.ipynb');
  const meta = nb.metadata?.nnlab ?? {};
  const firstMd = nb.cells?.find((c) => c.cell_type === 'markdown');
  const text = firstMd ? (Array.isArray(firstMd.source) ? firstMd.source.join('') : firstMd.source) : '';
  const heading = /^#\s+(.+)$/m.exec(text)?.[1]?.trim() ?? name;
  return { name, lesson: name.split('-')[0], title: meta.title ?? heading, summary: meta.summary ?? '', path: file };
}

/** All lessons in `dir` (default: the repository's notebooks/), sorted by file name. */
export function listLessons(dir = notebooksDir()): Lesson[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort().map((f) => readLesson(path.join(dir, f)));
}

/**
 * Resolves what a user typed to a notebook file: a path to an .ipynb, a lesson name
 * ("00-getting-started"), a name without its number ("getting-started") or a number ("00", "0").
 */
export function resolveNotebook(query: string, dir = notebooksDir()): string {
  if (query.endsWith('.ipynb') && fs.existsSync(query)) return path.resolve(query);
  const lessons = listLessons(dir);
  const q = query.replace(/\.ipynb$/, '');
  const hit = lessons.find((l) => l.name === q) ??
    lessons.find((l) => l.name.slice(l.lesson.length + 1) === q) ??
    (/^\d+$/.test(q) ? lessons.find((l) => Number(l.lesson) === Number(q)) : undefined);
  if (!hit) {
    throw new Error(`no notebook "${query}": give a path to an .ipynb or one of ${lessons.map((l) => l.name).join(', ')} (see \`nnlab list\`)`);
  }
  return hit.path;
}
