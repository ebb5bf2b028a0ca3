/**
 * A class's homework over the users' home folders, as a JupyterHub's users have them: hand a
 * homework out (`assignHomework`), gather it back (`collectHomework`) for `nnlab grade`, and put
 * each student's feedback next to their copy (`returnFeedback`).
 *
 * One layout, the one `nnlab lessons` gives a student: `<homes>/<user>/nnlab-lessons/homework/<id>.ipynb`,
 * the feedback beside it as `<id>-feedback.html`. Without an explicit user list the class is every
 * folder of `homes` that holds an `nnlab-lessons` folder (a student who has opened the lessons):
 * service accounts, the instructor's own home and `lost+found` are left alone; `users` names the
 * others (their folders are created).
 *
 * Student folders are untrusted: a student may put a link where their notebook should be (to a
 * neighbour's notebook, to /etc). Run as root, every operation on a user's folder runs with that
 * user's uid and gids (seteuid), so the kernel's permission checks are the student's: nothing is
 * read or written that the student could not read or write, and what is created belongs to them.
 * On top, a file is never opened through a link (O_NOFOLLOW), a notebook whose real path leaves the
 * user's home is refused, and the sizes read are bounded.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ArgumentError } from '../core/errors';
import { homeworkDir } from './build';
import { homeworkIds } from './registry';
import type { SubmissionGrade } from './grade';

/** The folder inside a home that holds a student's lessons (what `nnlab lessons` installs). */
export const LESSONS_FOLDER = 'nnlab-lessons';
/** The largest notebook `collectHomework` copies, by default: 20 MB (a notebook with outputs and figures). */
export const MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024;
/** A user name as Debian's adduser allows it (NAME_REGEX), dots included: never a path. */
const USER_NAME = /^[a-z_][a-z0-9_.-]*\$?$/i;

/**
 * Where one user's copy of a homework lives: `<homes>/<user>/nnlab-lessons/homework/<id><suffix>`.
 *
 * @example
 * nn.homework.homeworkPath('/home', 'alice', 'hw09-dropout')   // '/home/alice/nnlab-lessons/homework/hw09-dropout.ipynb'
 */
export function homeworkPath(homes: string, user: string, id: string, suffix = '.ipynb'): string {
  return path.join(homes, user, LESSONS_FOLDER, 'homework', `${id}${suffix}`);
}

function checkHomeworkId(id: string): void {
  const ids = homeworkIds();
  if (!ids.includes(id)) throw new ArgumentError('homework', id, `one of ${ids.join(', ')}`);
}

function checkOptions(fn: string, options: unknown, required: string[] = []): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ArgumentError('options', options, `an object of options`, `${fn} options must be an object of options, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : JSON.stringify(options)}`);
  }
  for (const r of required) {
    if (typeof (options as Record<string, unknown>)[r] !== 'string') throw new ArgumentError(r, (options as Record<string, unknown>)[r], 'a path', `${r} must be a folder path for ${fn}, got ${JSON.stringify((options as Record<string, unknown>)[r])}`);
  }
}

function checkUsers(users: readonly string[]): void {
  for (const u of users) {
    if (!USER_NAME.test(u) || u === '.' || u === '..') throw new ArgumentError('users', u, 'user names (letters, digits, _ . -), never a path');
  }
  const dup = users.find((u, i) => users.indexOf(u) !== i);
  if (dup !== undefined) throw new ArgumentError('users', dup, 'each user once');
}

/**
 * The class: `users` when given (checked to be user names), else every folder of `homes` that holds
 * an `nnlab-lessons` folder, sorted.
 *
 * @example
 * nn.homework.classroomUsers('/home')                  // ['alice', 'bob', ...]: those with ~/nnlab-lessons
 * nn.homework.classroomUsers('/home', ['alice', 'bob']) // ['alice', 'bob']
 */
export function classroomUsers(homes: string, users?: readonly string[]): string[] {
  if (users !== undefined) {
    if (users.length === 0) throw new ArgumentError('users', users, 'at least one user name');
    checkUsers(users);
    return [...users];
  }
  let names: string[];
  try {
    names = fs.readdirSync(homes);
  } catch (err) {
    throw new ArgumentError('homes', homes, 'a readable folder of home folders', `homes ${JSON.stringify(homes)} is not a readable folder (${(err as NodeJS.ErrnoException).code})`);
  }
  const found = names.filter((u) => USER_NAME.test(u) && isRealDir(path.join(homes, u)) && isRealDir(path.join(homes, u, LESSONS_FOLDER))).sort();
  if (found.length === 0) {
    // a class of nobody is a mistake: the wrong folder, or homes this user may not look into
    throw new ArgumentError('homes', homes, 'a folder of homes with nnlab-lessons folders', `homes ${JSON.stringify(homes)} holds no home with an ${LESSONS_FOLDER} folder that this user can see: name the class with users${isRoot() ? '' : ', or run as root'}`);
  }
  return found;
}

function isRealDir(p: string): boolean {
  try {
    return fs.lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

const isRoot = (): boolean => typeof process.geteuid === 'function' && process.geteuid() === 0;

/**
 * Runs `fn` with the uid and gid of the home folder's owner when this process is root (and the
 * owner is not root), so the kernel checks the student's rights; else runs it as it is.
 */
function asOwner<T>(home: fs.Stats, fn: () => T): T {
  if (!isRoot() || home.uid === 0) return fn();
  const groups = process.getgroups!();
  process.setgroups!([home.gid]);
  process.setegid!(home.gid);
  process.seteuid!(home.uid);
  try {
    return fn();
  } finally {
    process.seteuid!(0);
    process.setegid!(0);
    process.setgroups!(groups);
  }
}

/** The user's home folder: a real folder (not a link), else null. */
function homeStat(homes: string, user: string): fs.Stats | null {
  try {
    const st = fs.lstatSync(path.join(homes, user));
    return st.isDirectory() ? st : null;
  } catch {
    return null;
  }
}

/** Creates `dir` (mode 0700) unless it exists; refuses a link or a file in its place. */
function ensureDir(dir: string): void {
  let st: fs.Stats | null = null;
  try {
    st = fs.lstatSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (st === null) {
    fs.mkdirSync(dir, { mode: 0o700 });
    fs.chmodSync(dir, 0o700);
  } else if (!st.isDirectory()) {
    throw new Error(`${dir} is ${st.isSymbolicLink() ? 'a link' : 'not a folder'}`);
  }
}

/** Writes a new file (never through a link, never over an existing one), mode 0600. */
function writeNew(file: string, data: string | Buffer): void {
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
  try {
    fs.writeFileSync(fd, data);
    fs.fchmodSync(fd, 0o600);
  } finally {
    fs.closeSync(fd);
  }
}

/** `2026-12-06T02:10:00.123Z` -> `20261206T021000Z`, for backup names. */
const stamp = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/** What `assignHomework` did for one user. */
export interface AssignEntry {
  user: string;
  /** The student's copy. */
  file: string;
  /**
   * assigned: a new copy; replaced: an existing copy replaced (--force), its backup in `backup`;
   * kept: a copy exists and was left as it is; failed: see `reason` (no home folder, a link in the way).
   */
  action: 'assigned' | 'replaced' | 'kept' | 'failed';
  backup?: string;
  reason?: string;
}

/** Options of `assignHomework`. */
export interface AssignOptions {
  /** The folder of home folders (default /home). */
  homes?: string;
  /** The class (default: every home with an nnlab-lessons folder). */
  users?: readonly string[];
  /** Replace an existing copy, keeping it as `<id>.backup-<UTC time>.ipynb`. */
  force?: boolean;
  /** The time for backup names (default now). */
  now?: Date;
}

/**
 * Copies the student version of homework `id` into each user's `nnlab-lessons/homework/`, owned by
 * the user (created with their uid when run as root), mode 0600 in folders of mode 0700. A student's
 * existing copy is kept unless `force`, which renames it to a timestamped backup first.
 *
 * @example
 * const entries = nn.homework.assignHomework('hw09-dropout', { homes: '/home', users: ['alice', 'bob'] });
 * entries.map((e) => `${e.user}: ${e.action}`);   // ['alice: assigned', 'bob: kept']
 */
export function assignHomework(id: string, options: AssignOptions = {}): AssignEntry[] {
  checkOptions('assignHomework', options);
  checkHomeworkId(id);
  const homes = path.resolve(options.homes ?? '/home');
  const users = classroomUsers(homes, options.users);
  const source = fs.readFileSync(path.join(homeworkDir(), `${id}.ipynb`));
  const now = options.now ?? new Date();
  return users.map((user): AssignEntry => {
    const file = homeworkPath(homes, user, id);
    const home = homeStat(homes, user);
    if (!home) return { user, file, action: 'failed', reason: 'no home folder' };
    try {
      return asOwner(home, (): AssignEntry => {
        ensureDir(path.join(homes, user, LESSONS_FOLDER));
        ensureDir(path.dirname(file));
        let exists = true;
        try {
          fs.lstatSync(file);
        } catch {
          exists = false;
        }
        if (exists && !options.force) return { user, file, action: 'kept' };
        let backup: string | undefined;
        if (exists) {
          backup = homeworkPath(homes, user, id, `.backup-${stamp(now)}.ipynb`);
          if (fs.existsSync(backup)) throw new Error(`the backup ${backup} exists already`);
          fs.renameSync(file, backup);   // renames a link itself, never what it points to
        }
        writeNew(file, source);
        return backup ? { user, file, action: 'replaced', backup } : { user, file, action: 'assigned' };
      });
    } catch (err) {
      return { user, file, action: 'failed', reason: (err as Error).message };
    }
  });
}

/** Statuses of a collected notebook. */
export const COLLECT_STATUSES = ['collected', 'missing', 'unreadable', 'outside-home', 'not-a-notebook', 'too-large'] as const;
export type CollectStatus = typeof COLLECT_STATUSES[number];

/** One line of the collection's manifest.json. */
export interface CollectEntry {
  user: string;
  /** The student's copy, as found. */
  source: string;
  /**
   * collected: copied to `file`; missing: no home, no copy; unreadable: the student's own rights
   * do not allow reading it; outside-home: a link out of the user's home (a neighbour's notebook);
   * not-a-notebook: a folder, a device, or not notebook JSON; too-large: over the size limit.
   */
  status: CollectStatus;
  /** The copy in the output folder (`<user>.ipynb`), when collected. */
  file: string | null;
  /** Modification time of the student's copy (ISO), size in bytes and SHA-256 of what was read. */
  mtime: string | null;
  size: number | null;
  sha256: string | null;
  reason?: string;
}

/** Options of `collectHomework`. */
export interface CollectOptions {
  /** Where the notebooks go, as `<user>.ipynb`, with manifest.json (created, mode 0700). */
  out: string;
  homes?: string;
  users?: readonly string[];
  /** The largest notebook copied, in bytes (default MAX_NOTEBOOK_BYTES). */
  maxBytes?: number;
}

/** The result of `collectHomework`: also written as `<out>/manifest.json`. */
export interface CollectManifest {
  homework: string;
  homes: string;
  collectedAt: string;
  entries: CollectEntry[];
}

/** Reads one student's copy with their rights; the entry without `file`. */
function readSubmission(homes: string, user: string, id: string, maxBytes: number): { entry: Omit<CollectEntry, 'file'>; data?: Buffer } {
  const source = homeworkPath(homes, user, id);
  const entry = (status: CollectStatus, reason?: string, st?: fs.Stats, data?: Buffer): { entry: Omit<CollectEntry, 'file'>; data?: Buffer } => ({
    entry: {
      user, source, status,
      mtime: st ? st.mtime.toISOString() : null, size: st ? st.size : null,
      sha256: data ? createHash('sha256').update(data).digest('hex') : null,
      ...(reason ? { reason } : {}),
    },
    data,
  });
  const home = homeStat(homes, user);
  if (!home) return entry('missing', 'no home folder');
  // a link may point anywhere: the real path must stay inside the user's home
  let real: string;
  try {
    real = fs.realpathSync(source);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? entry('missing', 'no copy of the homework') : entry('unreadable', code);
  }
  const realHome = fs.realpathSync(path.join(homes, user));
  if (!real.startsWith(realHome + path.sep)) return entry('outside-home', `a link to ${real}, outside the user's home`);
  return asOwner(home, () => {
    let fd: number;
    try {
      fd = fs.openSync(real, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EISDIR') return entry('not-a-notebook', 'a folder, not a file');
      return entry('unreadable', code);
    }
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile()) return entry('not-a-notebook', st.isDirectory() ? 'a folder, not a file' : 'not a regular file', st);
      if (st.size > maxBytes) return entry('too-large', `${st.size} bytes, over the limit of ${maxBytes}`, st);
      const data = Buffer.alloc(st.size);
      let got = 0;
      while (got < st.size) {
        const n = fs.readSync(fd, data, got, st.size - got, got);
        if (n === 0) break;
        got += n;
      }
      const read = data.subarray(0, got);
      let nb: unknown;
      try {
        nb = JSON.parse(read.toString('utf8'));
      } catch {
        return entry('not-a-notebook', 'not JSON', st, read);
      }
      if (typeof nb !== 'object' || nb === null || !Array.isArray((nb as { cells?: unknown }).cells)) {
        return entry('not-a-notebook', 'JSON without notebook cells', st, read);
      }
      return entry('collected', undefined, st, read);
    } catch (err) {
      return entry('unreadable', (err as NodeJS.ErrnoException).code ?? (err as Error).message);
    } finally {
      fs.closeSync(fd);
    }
  });
}

/**
 * Gathers each user's copy of homework `id` into `out` as `<user>.ipynb`, with `manifest.json`
 * (source, mtime, size, sha256 and status per user). Missing, unreadable, linked-out, oversized
 * and non-notebook copies are reported, never fatal. `out` must be new or empty; it is made mode 0700.
 *
 * @example
 * const manifest = nn.homework.collectHomework('hw09-dropout', { out: 'submissions/hw09', homes: '/home' });
 * manifest.entries.filter((e) => e.status !== 'collected').map((e) => `${e.user}: ${e.status}`);
 */
export function collectHomework(id: string, options: CollectOptions): CollectManifest {
  checkOptions('collectHomework', options, ['out']);
  checkHomeworkId(id);
  const homes = path.resolve(options.homes ?? '/home');
  const maxBytes = options.maxBytes ?? MAX_NOTEBOOK_BYTES;
  if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new ArgumentError('maxBytes', maxBytes, 'an integer >= 1');
  const users = classroomUsers(homes, options.users);
  const out = path.resolve(options.out);
  if (fs.existsSync(out)) {
    if (!fs.statSync(out).isDirectory()) throw new ArgumentError('out', options.out, 'a new or empty folder', `out ${JSON.stringify(options.out)} is not a folder`);
    if (fs.readdirSync(out).length) throw new ArgumentError('out', options.out, 'a new or empty folder', `out ${JSON.stringify(options.out)} is not empty: collect into a new folder`);
  }
  fs.mkdirSync(out, { recursive: true, mode: 0o700 });
  fs.chmodSync(out, 0o700);
  const entries = users.map((user): CollectEntry => {
    const { entry, data } = readSubmission(homes, user, id, maxBytes);
    if (entry.status !== 'collected' || !data) return { ...entry, file: null };
    const file = path.join(out, `${user}.ipynb`);
    writeNew(file, data);
    return { ...entry, file };
  });
  const manifest: CollectManifest = { homework: id, homes, collectedAt: new Date().toISOString(), entries };
  writeNew(path.join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text made safe for HTML, in elements and in quoted attributes.
 *
 * @example
 * nn.homework.escapeHtml('<script>alert("x")</script>')   // '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
 */
export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * One student's feedback as a standalone HTML page: status, total, notes, and per exercise the
 * score, each case's verdict and message, and the hints. Every text is escaped (student code's
 * messages are untrusted).
 *
 * @example
 * const [grade] = await nn.homework.gradeSubmissions(['alice.ipynb']);
 * const html = nn.homework.feedbackHtml(grade);
 */
export function feedbackHtml(grade: SubmissionGrade): string {
  const e = escapeHtml;
  const pct = (score: number, max: number): string => (max > 0 ? `${Math.round((100 * score) / max)}%` : '');
  const exercises = grade.exercises.map((x) => {
    const title = x.result?.title ?? x.exercise;
    const cases = (x.result?.cases ?? []).map((c) =>
      `<tr class="${c.passed ? 'ok' : 'fail'}"><td>${c.passed ? 'ok' : 'FAIL'}</td><td>${e(c.name)}</td><td>${e(c.message)}${c.hint ? `<div class="hint">hint: ${e(c.hint)}</div>` : ''}</td></tr>`).join('\n');
    const hints = x.hints.length ? `<ul class="hints">${x.hints.map((h) => `<li>${e(h)}</li>`).join('')}</ul>` : '';
    return `<section>
<h2>${e(title)} <span class="score">${e(String(x.score))} / ${e(String(x.points))}</span></h2>
<p class="name"><code>${e(x.exercise)}</code></p>
${x.error ? `<p class="error">${e(x.error)}</p>` : ''}${hints}
${cases ? `<table><tr><th></th><th>case</th><th>message</th></tr>\n${cases}\n</table>` : ''}
</section>`;
  }).join('\n');
  const notes = grade.notes.length ? `<ul class="notes">${grade.notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${e(grade.homework ?? 'homework')}: feedback for ${e(grade.student)}</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
.score { float: right; font-weight: normal; } table { border-collapse: collapse; width: 100%; }
td, th { border-top: 1px solid #ddd; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
tr.fail td:first-child { color: #b00; font-weight: bold; } tr.ok td:first-child { color: #070; }
.hint, .hints { color: #735c00; } .error { color: #b00; } code { font-size: 90%; }
</style></head>
<body>
<h1>${e(grade.homework ?? 'homework')}: ${e(String(grade.total))} / ${e(String(grade.max))} <small>${e(pct(grade.total, grade.max))}</small></h1>
<p>Student: <b>${e(grade.student)}</b>. Status: <b>${e(grade.status)}</b>.</p>
${notes}
${exercises}
</body></html>
`;
}

/** What `returnFeedback` did for one user. */
export interface ReturnEntry {
  user: string;
  /** The feedback file. */
  file: string;
  /** returned: written (replacing an earlier feedback); no-grade: not in the grades; failed: see `reason`. */
  action: 'returned' | 'no-grade' | 'failed';
  total?: number;
  max?: number;
  reason?: string;
}

/** Options of `returnFeedback`. */
export interface ReturnOptions {
  homes?: string;
  /** Return to these users only (default: every user the grades name). */
  users?: readonly string[];
}

/**
 * Writes each graded student's feedback page (`feedbackHtml`) into their home, as
 * `nnlab-lessons/homework/<id>-feedback.html`, owned by them (written with their uid when run as
 * root), mode 0600. A grade belongs to the user its file is named after (`<user>.ipynb`, as
 * `collectHomework` names them).
 *
 * @example
 * const grades = await nn.homework.gradeSubmissions(['submissions/hw09/alice.ipynb']);   // or nnlab grade DIR --json
 * nn.homework.returnFeedback('hw09-dropout', grades, { homes: '/home' });   // [{ user: 'alice', action: 'returned', ... }]
 */
export function returnFeedback(id: string, grades: readonly SubmissionGrade[], options: ReturnOptions = {}): ReturnEntry[] {
  checkOptions('returnFeedback', options);
  checkHomeworkId(id);
  if (!Array.isArray(grades)) throw new ArgumentError('grades', grades, 'the JSON array of `nnlab grade --json`');
  const homes = path.resolve(options.homes ?? '/home');
  const byUser = new Map<string, SubmissionGrade>();
  for (const g of grades) {
    if (typeof g !== 'object' || g === null || typeof g.file !== 'string' || !Array.isArray(g.exercises)) {
      throw new ArgumentError('grades', g, 'grades as `nnlab grade --json` prints them (file, exercises, total, ...)');
    }
    if (g.homework !== null && g.homework !== id) throw new ArgumentError('grades', g.homework, `grades of ${id}`, `grades: ${JSON.stringify(g.file)} is a grade of ${g.homework}, not ${id}`);
    const user = path.basename(g.file, '.ipynb');
    if (byUser.has(user)) throw new ArgumentError('grades', user, 'one grade per user', `grades: two grades for user ${JSON.stringify(user)}`);
    byUser.set(user, g);
  }
  const users = options.users !== undefined ? classroomUsers(homes, options.users) : [...byUser.keys()].filter((u) => USER_NAME.test(u)).sort();
  return users.map((user): ReturnEntry => {
    const file = homeworkPath(homes, user, id, '-feedback.html');
    const grade = byUser.get(user);
    if (!grade) return { user, file, action: 'no-grade' };
    const home = homeStat(homes, user);
    if (!home) return { user, file, action: 'failed', reason: 'no home folder' };
    try {
      asOwner(home, () => {
        ensureDir(path.join(homes, user, LESSONS_FOLDER));
        ensureDir(path.dirname(file));
        // a new private file, then a rename over the old feedback (a link there is replaced, not followed)
        const tmp = `${file}.${process.pid}.tmp`;
        fs.rmSync(tmp, { force: true });
        writeNew(tmp, feedbackHtml({ ...grade, student: user }));
        fs.renameSync(tmp, file);
      });
      return { user, file, action: 'returned', total: grade.total, max: grade.max };
    } catch (err) {
      return { user, file, action: 'failed', reason: (err as Error).message };
    }
  });
}
