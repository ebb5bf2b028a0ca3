/**
 * The student's workspace: their own copies of the lessons and homework, outside the clone's
 * tracked tree (default ~/nnlab-lessons, or NNLAB_WORKSPACE). Jupyter autosaves what it runs, so
 * lessons opened straight from notebooks/ would dirty the checkout and break the test that the
 * committed notebooks carry no outputs; `scripts/setup.sh` therefore serves the workspace, filled
 * from notebooks/ on first start.
 *
 * `nnlab lessons update` brings new and changed lessons in without losing a student's work: a
 * manifest (.nnlab-lessons.json) remembers what each copy held when it was installed, compared by
 * the cells' types and sources only (outputs and execution counts are what running changes, not
 * editing). A copy whose cells are still as installed is replaced by the new version; an edited
 * copy is kept, and the update says so.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ArgumentError } from '../core/errors';
import { notebooksDir } from '../core/paths';

/** The manifest's file name inside the workspace. */
export const MANIFEST = '.nnlab-lessons.json';

/**
 * Where the lessons are copied to: NNLAB_WORKSPACE when set, else ~/nnlab-lessons.
 *
 * @example
 * workspaceDir({ NNLAB_WORKSPACE: '/srv/class/ada' })   // '/srv/class/ada'
 */
export function workspaceDir(env: Record<string, string | undefined> = process.env): string {
  const set = env.NNLAB_WORKSPACE?.trim();
  return path.resolve(set ? set : path.join(os.homedir(), 'nnlab-lessons'));
}

/** What an update did with one file. */
export interface WorkspaceEntry {
  /** The path inside the workspace ('03-weight-init.ipynb', 'homework/hw03-weight-init.ipynb'). */
  file: string;
  /**
   * added: new here; updated: replaced by a newer version (the copy was not edited); unchanged;
   * edited: edited here, and no newer version exists; kept: edited here and left as it is, though
   * a newer version exists.
   */
  action: 'added' | 'updated' | 'unchanged' | 'edited' | 'kept';
}

interface NotebookCells { cells?: { cell_type?: string; source?: string | string[] }[] }

/**
 * A hash of what a person writes in a notebook: each cell's type and source, in order. Outputs,
 * execution counts and metadata do not count, so running a lesson does not make it "edited".
 */
export function cellsHash(file: string): string {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as NotebookCells;
  const cells = (nb.cells ?? []).map((c) => [c.cell_type ?? '', Array.isArray(c.source) ? c.source.join('') : c.source ?? '']);
  return createHash('sha256').update(JSON.stringify(cells)).digest('hex');
}

/** The lesson and homework notebooks a workspace receives, relative to notebooks/ (instructor versions excluded). */
export function workspaceFiles(source: string = notebooksDir()): string[] {
  const top = fs.readdirSync(source).filter((f) => f.endsWith('.ipynb')).sort();
  const hw = path.join(source, 'homework');
  const homework = fs.existsSync(hw) ? fs.readdirSync(hw).filter((f) => f.endsWith('.ipynb')).sort().map((f) => `homework/${f}`) : [];
  return [...top, ...homework];
}

/**
 * Copies the lessons into the workspace: new files are added, files not edited since they were
 * installed are updated, edited files are kept. Returns one entry per file. `homework: false`
 * leaves the homework out (a class's Hub hands it out with `nnlab classroom assign`).
 *
 * @example
 * const entries = updateWorkspace({ dir: '/tmp/my-lessons' });
 * entries.filter((e) => e.action === 'kept')   // the student's edited copies, left alone
 */
export function updateWorkspace(options: { dir?: string; source?: string; homework?: boolean } = {}): WorkspaceEntry[] {
  const source = path.resolve(options.source ?? notebooksDir());
  const dir = path.resolve(options.dir ?? workspaceDir());
  if (dir === source || dir.startsWith(`${source}${path.sep}`)) {
    throw new ArgumentError('dir', dir, `a folder outside the clone's notebooks/ (${source}): lessons run there would be saved into the tracked files`);
  }
  fs.mkdirSync(dir, { recursive: true });
  const manifestFile = path.join(dir, MANIFEST);
  let manifest: { files: Record<string, string> } = { files: {} };
  if (fs.existsSync(manifestFile)) {
    try {
      manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
      if (!manifest || typeof manifest.files !== 'object') manifest = { files: {} };
    } catch {
      manifest = { files: {} }; // unreadable: treat every existing copy as the student's
    }
  }
  const entries: WorkspaceEntry[] = [];
  for (const file of workspaceFiles(source).filter((f) => options.homework !== false || !f.startsWith('homework/'))) {
    const from = path.join(source, file);
    const to = path.join(dir, file);
    const fresh = cellsHash(from);
    let action: WorkspaceEntry['action'];
    if (!fs.existsSync(to)) action = 'added';
    else {
      const here = cellsHash(to);
      const installed = manifest.files[file];
      if (here === fresh) action = 'unchanged';
      else if (installed === here) action = 'updated';
      else if (installed === fresh) action = 'edited';
      else action = 'kept';
    }
    if (action === 'added' || action === 'updated') {
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(from, to);
    }
    if (action !== 'kept' && action !== 'edited') manifest.files[file] = fresh;
    entries.push({ file, action });
  }
  fs.writeFileSync(manifestFile, `${JSON.stringify({ about: 'nnlab lessons update: the cells of each copy as installed (sha256), to tell edited copies from untouched ones', ...manifest }, null, 2)}\n`);
  return entries;
}
