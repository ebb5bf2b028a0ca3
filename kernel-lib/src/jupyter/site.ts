/**
 * `nnlab site`: a static site of the executed lessons that an instructor can host or open from
 * disk (issue 22). It writes
 *
 *   index.html                      the lesson list: number, title, summary, status, checks, run date, device, duration
 *   <lesson>.html                   each lesson (jupyter/export.ts), plotly.js from the shared file below
 *   assets/plotly.min.js            plotly.js, once for the whole site (none with `static`)
 *   notebooks/<lesson>.ipynb        the executed notebook, to download
 *   notebooks/clean/<lesson>.ipynb  the lesson as committed (no outputs)
 *   site.json                       the same facts as index.html, for scripts
 *
 * The lessons are executed through `runNotebook` (N at once) or taken from a folder of executed
 * notebooks (`from`). What the index says of a run is read from the executed notebook itself, so
 * it is the same either way: the date and duration from nbclient's cell timings, the device from
 * the `nnlab device: <backend> ...` line that `nn.useDevice()` prints in the first cell, the kernel
 * from the notebook's kernelspec. jupyter/ imports core/ only: the lessons and plotly.js are
 * passed in by the caller (cli/site.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ArgumentError, checkInt, checkString } from '../core/errors';
import { VERSION } from '../core/version';
import { cellError, CheckResult, checkResults, escapeHtml, EXPORT_STYLE, exportNotebookHtml, Notebook, PlotlySource, SITE_PLOTLY_PATH } from './export';
import { runNotebook, RunNotebookResult } from './run';

/** A lesson as the registry lists it (lessons/registry.ts `lessonRows`). */
export interface SiteLesson { name: string; lesson: string; title: string; summary: string }

/** What the index says about one lesson. */
export interface SiteEntry extends SiteLesson {
  status: 'ok' | 'failed';
  /** The failing cell's error in one line (or why there is no executed notebook). */
  error: string | null;
  /** The page and downloads, relative to the site (null when there is no executed notebook). */
  page: string | null;
  notebook: string | null;
  clean: string | null;
  /** When the first cell started (ISO 8601, UTC), how long the run took (s). */
  ran: string | null;
  seconds: number | null;
  /** The tfjs backend the lesson ran on and the kernel: "wasm (nnlab-cpu)". */
  device: string | null;
  checks: { pass: number; total: number; results: CheckResult[] };
}

export interface BuildSiteOptions {
  /** The lessons, in order (the registry's rows). */
  lessons: readonly SiteLesson[];
  /** Where the site goes (created; files of an earlier build are overwritten). */
  outDir: string;
  /** plotly.js; with `staticOnly` it is not used. */
  plotly?: PlotlySource;
  /** Pages without plotly.js: the figures' static images only. */
  staticOnly?: boolean;
  /** Take the executed notebooks from this folder (<lesson>.ipynb) instead of running them. */
  from?: string;
  /** Quick mode for the runs. */
  quick?: boolean;
  /** Lessons run at once (default 2). */
  jobs?: number;
  /** Seconds per cell (default 1200). */
  timeout?: number;
  /** Folder of the clean lessons (default: the repository's notebooks/). */
  notebooksDir?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface SiteResult { outDir: string; index: string; entries: SiteEntry[] }

/** The run facts an executed notebook records: start, duration, device, kernel. */
export interface RunFacts { ran: string | null; seconds: number | null; backend: string | null; kernel: string | null }

/**
 * Reads when a notebook ran and on what from the notebook itself: nbclient's cell timings
 * (`metadata.execution`), the `nnlab device: <backend>` line of `nn.useDevice()` and the kernelspec.
 *
 * @example
 * runFacts(executed)   // { ran: '2026-12-05T21:23:01.140Z', seconds: 6.4, backend: 'wasm', kernel: 'nnlab-cpu' }
 */
export function runFacts(nb: Notebook): RunFacts {
  const times = nb.cells.filter((c) => c.cell_type === 'code').map((c) => (c.metadata?.execution ?? {}) as Record<string, string>);
  const start = times.map((t) => Date.parse(t['iopub.status.busy'] ?? '')).filter(Number.isFinite);
  const end = times.map((t) => Date.parse(t['iopub.status.idle'] ?? t['shell.execute_reply'] ?? '')).filter(Number.isFinite);
  let backend: string | null = null;
  for (const cell of nb.cells) {
    for (const o of cell.outputs ?? []) {
      const line = /^nnlab device: ([\w-]+)/m.exec(o.output_type === 'stream' ? [o.text ?? ''].flat().join('') : '');
      if (line && !backend) backend = line[1];
    }
  }
  const first = start.length ? Math.min(...start) : null;
  return {
    ran: first === null ? null : new Date(first).toISOString(),
    seconds: first === null || !end.length ? null : Math.round((Math.max(...end) - first) / 100) / 10,
    backend,
    kernel: nb.metadata?.kernelspec?.name ?? null,
  };
}

/** The first error of an executed notebook, in one line, or null. */
export function notebookError(nb: Notebook): string | null {
  for (const cell of nb.cells) {
    if (cell.cell_type !== 'code') continue;
    const error = cellError(cell);
    if (error) return error;
  }
  return null;
}

/** "12/12 checks pass" */
export function checksText(checks: { pass: number; total: number }): string {
  return checks.total === 0 ? 'no checks' : `${checks.pass}/${checks.total} checks pass`;
}

function durationText(seconds: number | null): string {
  if (seconds === null) return '';
  return seconds < 90 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/**
 * The site's index page: one row per lesson with its number, title (a link to the page),
 * summary, status (a failed lesson shows its error), check count, run date, device and duration,
 * and the notebook downloads.
 *
 * @example
 * fs.writeFileSync('site/index.html', siteIndexHtml(entries, { built: new Date().toISOString() }));
 */
export function siteIndexHtml(entries: readonly SiteEntry[], info: { built: string; staticOnly?: boolean }): string {
  const rows = entries.map((e) => {
    const title = e.page ? `<a class="nnlab-lesson-link" href="${escapeHtml(e.page)}">${escapeHtml(e.title)}</a>` : escapeHtml(e.title);
    const status = e.status === 'ok' ? '<span class="ok">✓ ran</span>'
      : `<span class="failed">✗ failed</span><div class="error">${escapeHtml(e.error ?? 'failed')}</div>`;
    const checks = `<span class="${e.checks.total > 0 && e.checks.pass === e.checks.total ? 'ok' : 'failed'}">${checksText(e.checks)}</span>`;
    const downloads = [
      e.notebook ? `<a class="nnlab-download" href="${escapeHtml(e.notebook)}" download>executed .ipynb</a>` : '',
      e.clean ? `<a class="nnlab-download-clean" href="${escapeHtml(e.clean)}" download>clean .ipynb</a>` : '',
    ].filter(Boolean).join('<br>');
    return `<tr class="nnlab-lesson" data-lesson="${escapeHtml(e.name)}" data-status="${e.status}" data-checks="${e.checks.pass}/${e.checks.total}">` +
      `<td>${escapeHtml(e.lesson)}</td><td>${title}<div class="summary">${escapeHtml(e.summary)}</div></td>` +
      `<td class="nowrap">${status}</td><td class="nowrap">${checks}</td><td class="nowrap">${e.ran ? escapeHtml(e.ran.slice(0, 16).replace('T', ' ')) + ' UTC' : ''}</td>` +
      `<td class="nowrap">${escapeHtml(e.device ?? 'unknown')}</td><td class="nowrap">${durationText(e.seconds)}</td><td class="nowrap">${downloads}</td></tr>`;
  }).join('\n');
  const ok = entries.filter((e) => e.status === 'ok').length;
  const pass = entries.reduce((s, e) => s + e.checks.pass, 0);
  const total = entries.reduce((s, e) => s + e.checks.total, 0);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>nnlab lessons</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
${EXPORT_STYLE}
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 24px auto; max-width: 1200px; padding: 0 16px; color: #202124; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid #dadce0; }
th { background: #f1f3f4; }
.summary { color: #5f6368; font-size: 13px; }
td.nowrap { white-space: nowrap; }
.ok { color: #1e6b34; } .failed { color: #a50e0e; font-weight: bold; }
.error { color: #a50e0e; font: 12px monospace; white-space: pre-wrap; }
</style></head>
<body>
<h1>nnlab lessons</h1>
<p class="nnlab-site-summary">${ok}/${entries.length} lessons ran; ${checksText({ pass, total })}. Built ${escapeHtml(info.built.slice(0, 16).replace('T', ' '))} UTC with nnlab ${escapeHtml(VERSION)}${info.staticOnly ? '; static pages (figures as images, no JavaScript needed)' : '; interactive figures (plotly.js from assets/), with static images where scripts do not run'}.</p>
<table>
<thead><tr><th>#</th><th>lesson</th><th>status</th><th>checks</th><th>ran</th><th>device</th><th>duration</th><th>notebook</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}

/** Runs `tasks` with at most `jobs` at once, results in order. */
async function pool<T>(tasks: readonly (() => Promise<T>)[], jobs: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker));
  return results;
}

/** The executed notebook of one lesson: run now, or taken from `from`. */
async function executedNotebook(lesson: SiteLesson, options: BuildSiteOptions, runDir: string): Promise<{ file: string | null; error: string | null; run?: RunNotebookResult }> {
  if (options.from) {
    const file = path.join(options.from, `${lesson.name}.ipynb`);
    return fs.existsSync(file) ? { file, error: null } : { file: null, error: `no executed notebook ${file}` };
  }
  try {
    const run = await runNotebook({ notebook: lesson.name, quick: options.quick, outDir: runDir, timeout: options.timeout });
    if (!fs.existsSync(run.executed)) return { file: null, error: `the run wrote no executed notebook (exit ${run.exitCode})`, run };
    return { file: run.executed, error: run.ok ? null : `exit ${run.exitCode}`, run };
  } catch (err) {
    return { file: null, error: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}

/** One lesson of the site: its notebooks copied, its page written, its index entry. */
async function siteEntry(lesson: SiteLesson, options: BuildSiteOptions, outDir: string): Promise<SiteEntry> {
  const log = options.log ?? (() => undefined);
  const got = await executedNotebook(lesson, options, path.join(outDir, 'notebooks'));
  const cleanSource = path.join(options.notebooksDir ?? '', `${lesson.name}.ipynb`);
  const clean = options.notebooksDir && fs.existsSync(cleanSource) ? `notebooks/clean/${lesson.name}.ipynb` : null;
  if (clean) {
    fs.mkdirSync(path.join(outDir, 'notebooks', 'clean'), { recursive: true });
    fs.copyFileSync(cleanSource, path.join(outDir, clean));
  }
  const entry: SiteEntry = {
    ...lesson, status: 'failed', error: got.error, page: null, notebook: null, clean,
    ran: null, seconds: null, device: null, checks: { pass: 0, total: 0, results: [] },
  };
  if (!got.file) {
    log(`nnlab site: ${lesson.name}: failed: ${got.error}`);
    return entry;
  }
  const notebook = `notebooks/${lesson.name}.ipynb`;
  const target = path.join(outDir, notebook);
  if (path.resolve(got.file) !== path.resolve(target)) fs.copyFileSync(got.file, target);
  const nb = JSON.parse(fs.readFileSync(target, 'utf8')) as Notebook;
  const facts = runFacts(nb);
  const results = checkResults(nb);
  const error = notebookError(nb) ?? got.error;
  const page = `${lesson.name}.html`;
  const bar = `<a href="index.html">← all lessons</a><a href="${notebook}" download>download the executed notebook</a>` +
    (clean ? `<a href="${clean}" download>the clean notebook</a>` : '');
  await exportNotebookHtml(target, path.join(outDir, page), {
    mode: options.staticOnly ? 'static' : 'site', plotly: options.plotly, src: SITE_PLOTLY_PATH, bar,
  });
  localMathJax(path.join(outDir, page), outDir);
  Object.assign(entry, {
    status: error ? 'failed' : 'ok', error, page, notebook,
    ran: facts.ran, seconds: facts.seconds ?? got.run?.seconds ?? null,
    device: facts.backend ? `${facts.backend} (${facts.kernel ?? 'unknown kernel'})` : null,
    checks: { pass: results.filter((r) => r.status === 'pass').length, total: results.length, results },
  });
  log(`nnlab site: ${lesson.name}: ${entry.status}, ${checksText(entry.checks)}`);
  return entry;
}

/** Where the site keeps its copy of MathJax. */
export const SITE_MATHJAX_DIR = 'assets/mathjax';
/** The parts of MathJax 2 that typeset the lessons' formulas (TeX in, CommonHTML out): ~1.7 MB of its 54. */
const MATHJAX_PARTS = ['MathJax.js', 'extensions', 'jax/output/CommonHTML', 'jax/element', 'jax/input/TeX', 'fonts/HTML-CSS/TeX/woff', 'localization/en'];

/**
 * Points a page's MathJax at the site's own copy. nbconvert links the MathJax it was installed
 * with: on Debian a `file:///usr/share/javascript/mathjax/...` path that exists on this machine
 * only, so a hosted site (or one copied elsewhere) would show formulas as LaTeX source. The parts
 * the lessons need, and the page's configs, are copied into `assets/mathjax` once, and the page
 * loads them with a relative path. A MathJax from a URL (pip's nbconvert links a CDN) is left as
 * it is. Returns true when the page was changed.
 *
 * @example
 * localMathJax('site/03-weight-init.html', 'site')   // true: it loads assets/mathjax/MathJax.js
 */
export function localMathJax(page: string, outDir: string): boolean {
  const html = fs.readFileSync(page, 'utf8');
  const m = /src="file:\/\/(\/[^"?]*\/)MathJax\.js\?config=([^"&]*)"/.exec(html);
  if (!m || !fs.existsSync(path.join(m[1], 'MathJax.js'))) return false;
  const target = path.join(outDir, SITE_MATHJAX_DIR);
  const configs = m[2].split(',').map((c) => `config/${c}.js`);
  for (const part of [...MATHJAX_PARTS, ...configs]) {
    const from = path.join(m[1], part);
    const to = path.join(target, part);
    if (!fs.existsSync(from) || fs.existsSync(to)) continue;
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.cpSync(from, to, { recursive: true, dereference: true });
  }
  fs.writeFileSync(page, html.split(`src="file://${m[1]}MathJax.js?config=`).join(`src="${SITE_MATHJAX_DIR}/MathJax.js?config=`));
  return true;
}

/**
 * Builds the lesson site: runs (or takes `from`) every lesson, writes each page, the shared
 * plotly.js, the notebooks and index.html. A failed lesson is listed as failed with its error.
 *
 * @example
 * const site = await buildSite({ lessons: lessonRows(), outDir: 'site', quick: true, plotly: plotlyBundle() });
 * site.entries.filter((e) => e.status === 'failed')   // [] when every lesson ran
 */
export async function buildSite(options: BuildSiteOptions): Promise<SiteResult> {
  const outDir = path.resolve(checkString('outDir', options.outDir));
  const jobs = checkInt('jobs', options.jobs ?? 2, { min: 1, max: 64 });
  if (options.from !== undefined && !(fs.existsSync(options.from) && fs.statSync(options.from).isDirectory())) {
    checkString('from', options.from);
    throw new ArgumentError('from', options.from, 'a folder of executed notebooks',
      `from must be a folder of executed notebooks (<lesson>.ipynb), got ${JSON.stringify(options.from)}`);
  }
  fs.mkdirSync(path.join(outDir, 'notebooks'), { recursive: true });
  if (!options.staticOnly) {
    if (!options.plotly) throw new ArgumentError('plotly', options.plotly, 'the plotly.js source',
      'plotly must be the plotly.js source ({ version, source }) unless staticOnly is set, got undefined');
    fs.mkdirSync(path.join(outDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(outDir, SITE_PLOTLY_PATH), options.plotly.source);
  }
  const entries = await pool(options.lessons.map((l) => () => siteEntry(l, options, outDir)), jobs);
  const built = new Date().toISOString();
  const index = path.join(outDir, 'index.html');
  fs.writeFileSync(index, siteIndexHtml(entries, { built, staticOnly: options.staticOnly }));
  fs.writeFileSync(path.join(outDir, 'site.json'), JSON.stringify({ built, version: VERSION, staticOnly: Boolean(options.staticOnly), entries }, null, 2) + '\n');
  return { outDir, index, entries };
}
