/**
 * `nnlab site`: executes the lessons (or takes executed notebooks from a folder) and writes a
 * static site of them (jupyter/site.ts): index.html, one page per lesson with plotly.js from one
 * shared file, the notebooks to download. This file parses the command line and passes in what
 * jupyter/ may not import: the lesson registry and plotly.js.
 */
import * as fs from 'fs';
import * as path from 'path';
import { optionValue, UsageError } from '../core/args';
import { int } from '../core/options';
import { checkWritableDir, notebooksDir } from '../core/paths';
import { Command, out } from '../core/command';
import { lessonRows } from '../lessons/registry';
import { plotlyBundle } from '../show/plot';
import { buildSite, checksText, SiteLesson } from '../jupyter/site';

/** Lessons run at once: 1 to 16. */
const JOBS = int({ min: 1, max: 16 });
/** Seconds one cell may take: a day at most. */
const CELL_TIMEOUT = int({ min: 1, max: 86_400 });

/**
 * The line the site's index shows under a lesson's title: the notebook's own summary
 * (`metadata.nnlab.summary`, written for a reader of the lesson), else the registry's without its
 * list of commands.
 *
 * @example
 * shortSummary('03-weight-init', 'the activation statistics experiment (`nnlab init-stats`)')
 * // 'activation statistics of a deep net under zeros, small, large, Xavier, Glorot and He inits; gradients; training'
 */
export function shortSummary(name: string, registry: string): string {
  try {
    const nb = JSON.parse(fs.readFileSync(path.join(notebooksDir(), `${name}.ipynb`), 'utf8')) as { metadata?: { nnlab?: { summary?: unknown } } };
    const s = nb.metadata?.nnlab?.summary;
    if (typeof s === 'string' && s.trim()) return s.trim();
  } catch { /* no notebook beside the library: the registry's summary */ }
  return registry.replace(/\s*\((`nnlab [^`]+`(, )?)+\)\s*$/, '');
}

/**
 * The lessons a `--lessons` list names ("00,03" or "00-getting-started,weight-init"), in the
 * registry's order; all of them without a list. An unknown name is a UsageError that lists the known ones.
 *
 * @example
 * siteLessons('00,3').map((l) => l.name)   // ['00-getting-started', '03-weight-init']
 */
export function siteLessons(list: string | undefined): SiteLesson[] {
  const rows = lessonRows().map((r) => ({ name: r.name, lesson: r.lesson, title: r.title, summary: shortSummary(r.name, r.summary) }));
  if (list === undefined) return rows;
  const wanted = list.split(',').map((x) => x.trim());
  const picked = new Set<string>();
  for (const w of wanted) {
    const hit = rows.find((r) => r.name === w || r.name.slice(r.lesson.length + 1) === w || (/^\d+$/.test(w) && Number(r.lesson) === Number(w)));
    if (!hit) {
      throw new UsageError(`site: --lessons must be a comma-separated list of lesson numbers or names (${rows.map((r) => r.lesson).join(', ')}), got "${list}": "${w}" is none of them`);
    }
    picked.add(hit.name);
  }
  return rows.filter((r) => picked.has(r.name));
}

export const SITE_COMMAND: Command = {
  summary: 'execute the lessons and write a static site of them (index, pages, notebooks)',
  usage: `nnlab site [--out DIR] [--quick] [--lessons 00,03,...] [--from DIR] [--static] [--jobs N] [--timeout S]

Executes every lesson (N at once) and writes a static site that works opened from disk or hosted
as plain files:
  DIR/index.html                 the lessons: title, summary, status (a failed lesson shows its
                                 error), check cells passed, run date, device, duration
  DIR/<lesson>.html              each lesson; figures interactive, with static images where
                                 scripts do not run; check cells marked ✓ / ✗
  DIR/assets/plotly.min.js       plotly.js, once for the whole site (pages load it by a
                                 relative <script src>, no CDN)
  DIR/notebooks/<lesson>.ipynb   the executed notebook (and notebooks/clean/: no outputs)
  DIR/site.json                  what index.html says, as JSON
Exits 1 when a lesson failed (the site is written all the same).
  --out DIR      the site's folder (default ./site)
  --quick        quick mode (NNLAB_QUICK=1): smaller data and fewer epochs
  --lessons L    only these lessons: numbers or names, comma-separated (default: all)
  --from DIR     do not execute: take DIR/<lesson>.ipynb, notebooks executed before
                 (e.g. by nnlab run)
  --static       no plotly.js: figures as static images only (light pages, no JavaScript)
  --jobs N       lessons executed at once (default 2)
  --timeout S    seconds allowed per cell (default 1200)`,
  spec: { flags: ['quick', 'static'], options: { out: null, lessons: null, from: null, jobs: JOBS, timeout: CELL_TIMEOUT } },
  async run(a) {
    const outDir = checkWritableDir('--out', a.options.out ?? 'site');
    const lessons = siteLessons(a.options.lessons);
    const from = a.options.from;
    if (from !== undefined && !(fs.existsSync(from) && fs.statSync(from).isDirectory())) {
      throw new UsageError(`site: --from must be a folder of executed notebooks (<lesson>.ipynb), got "${from}"`);
    }
    if (from !== undefined && a.flags.has('quick')) throw new UsageError('site: --quick runs the lessons, --from takes them executed: give one, not both');
    const jobs = a.options.jobs === undefined ? 2 : optionValue('site', 'jobs', a.options.jobs, JOBS) as number;
    const timeout = a.options.timeout === undefined ? undefined : optionValue('site', 'timeout', a.options.timeout, CELL_TIMEOUT) as number;
    const staticOnly = a.flags.has('static');
    const site = await buildSite({
      lessons, outDir, from, quick: a.flags.has('quick'), jobs, timeout, staticOnly,
      plotly: staticOnly ? undefined : plotlyBundle(), notebooksDir: notebooksDir(), log: (line) => process.stderr.write(`${line}\n`),
    });
    const failed = site.entries.filter((e) => e.status === 'failed');
    const pass = site.entries.reduce((s, e) => s + e.checks.pass, 0);
    const total = site.entries.reduce((s, e) => s + e.checks.total, 0);
    out(`nnlab site: ${site.index}: ${site.entries.length - failed.length}/${site.entries.length} lessons ran, ${checksText({ pass, total })}`);
    for (const e of failed) out(`  failed: ${e.name}: ${e.error}`);
    return failed.length ? 1 : 0;
  },
};
