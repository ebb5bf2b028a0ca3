/**
 * HTML exports of executed notebooks with plotly.js once per page (issue 22): `nnlab run --html`
 * and `nnlab site` take the executed .ipynb, drop every plotly bundle output the kernel published
 * (one per kernel session, more after `--rerun` or `nn.embedPlotly()`), mark the check cells
 * ✓ / ✗, convert with nbconvert and put one copy of plotly.js in the page's head:
 *
 * - `inline`: the library inside the page (a standalone file, ~4.9 MB of it plotly.js);
 * - `site`: `<script src="assets/plotly.min.js">`, one file that every page of a site shares;
 * - `static`: no plotly.js, and the figures' plotly scripts removed, so each figure shows its
 *   static SVG image (`<img class="nnlab-static">`) only: a light page that needs no JavaScript.
 *
 * jupyter/ may import core/ only, so the plotly source is passed in by the caller (show/plot.ts
 * `plotlyBundle()`). Everything here is pure except `exportNotebookHtml` (nbconvert).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ArgumentError, checkOneOf } from '../core/errors';
import { findJupyterPython } from './python';

/** The MIME type that marks a figure output. */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** One output of a code cell, as nbformat 4 stores it (only what the export reads). */
export interface NotebookOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
  [key: string]: unknown;
}

/** One cell of an nbformat 4 notebook. */
export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  metadata?: Record<string, unknown>;
  outputs?: NotebookOutput[];
  execution_count?: number | null;
  [key: string]: unknown;
}

/** An nbformat 4 notebook (only what the export reads). */
export interface Notebook {
  cells: NotebookCell[];
  metadata?: Record<string, unknown> & {
    kernelspec?: { name?: string; display_name?: string };
    nnlab?: { lesson?: string; title?: string; summary?: string };
  };
  [key: string]: unknown;
}

/** How a page gets plotly.js: inline (standalone page), one shared file (a site), or none (static images only). */
export type PlotlyMode = 'inline' | 'site' | 'static';
export const PLOTLY_MODES: readonly PlotlyMode[] = ['inline', 'site', 'static'];

/** The plotly.js library as show/plot.ts `plotlyBundle()` reads it. */
export interface PlotlySource { version: string; source: string }

/** The site's shared copy of plotly.js, relative to a page. */
export const SITE_PLOTLY_PATH = 'assets/plotly.min.js';

/** A check cell's result: passed (ran, no error), failed (an error), or not run (a cell before it failed). */
export interface CheckResult {
  /** Index of the cell in the notebook. */
  cell: number;
  status: 'pass' | 'fail' | 'not run';
  /** The cell's `ok: ...` line, or its error in one line. */
  message: string;
}

const text = (value: unknown): string => (Array.isArray(value) ? value.join('') : typeof value === 'string' ? value : '');

/** The source of a cell as one string. */
export function cellSource(cell: NotebookCell): string {
  return text(cell.source);
}

/**
 * True for the output that carries plotly.js itself (show/plot.ts `plotlyBundleHtml`): its HTML
 * holds the `nnlab-plotly-loaded` marker or the "embedded by nnlab" banner.
 *
 * @example
 * isPlotlyBundleOutput({ output_type: 'display_data', data: { 'text/html': '<div class="nnlab-plotly-loaded"></div>' } })   // true
 */
export function isPlotlyBundleOutput(output: NotebookOutput): boolean {
  const html = text(output.data?.['text/html']);
  return /class="nnlab-plotly-loaded"/.test(html) || /\/\* plotly\.js [^*]*embedded by nnlab/.test(html);
}

/** True when the output is a figure (its bundle has the plotly MIME type). */
export function isFigureOutput(output: NotebookOutput): boolean {
  return output.data !== undefined && PLOTLY_MIME in output.data;
}

/**
 * True for a lesson's check cell: a code cell whose source starts with `// Check` (`// Check:`, or
 * `// Check 1, ...` where a lesson numbers them) and calls `nn.expect`.
 *
 * @example
 * isCheckCell({ cell_type: 'code', source: '// Check: ...\nnn.expect.near(x, 1, 0.1, "x");' })   // true
 */
export function isCheckCell(cell: NotebookCell): boolean {
  const source = cellSource(cell);
  return cell.cell_type === 'code' && /^\/\/ Check\b/.test(source.trimStart()) && /\bnn\.expect\b/.test(source);
}

/** The error of a cell in one line (an error output, else the first error line of its stderr), or null. */
export function cellError(cell: NotebookCell): string | null {
  for (const o of cell.outputs ?? []) {
    if (o.output_type === 'error') return `${o.ename ?? 'Error'}: ${o.evalue ?? ''}`.trim();
  }
  const stderr = (cell.outputs ?? []).filter((o) => o.output_type === 'stream' && o.name === 'stderr').map((o) => text(o.text)).join('');
  if (!stderr.trim()) return null;
  const lines = stderr.trim().split('\n');
  return (lines.find((l) => /^[A-Za-z_$][\w$]*(Error|Exception|Failure)\b.*?:/.test(l)) ?? lines[0]).trim();
}

/**
 * The result of every check cell of an executed notebook, in order.
 *
 * @example
 * checkResults(executed).filter((c) => c.status === 'pass').length   // e.g. 12 of 12 in lesson 03
 */
export function checkResults(nb: Notebook): CheckResult[] {
  const results: CheckResult[] = [];
  nb.cells.forEach((cell, index) => {
    if (!isCheckCell(cell)) return;
    const error = cellError(cell);
    const ran = cell.execution_count !== null && cell.execution_count !== undefined;
    if (error) results.push({ cell: index, status: 'fail', message: error });
    else if (!ran) results.push({ cell: index, status: 'not run', message: 'not run: an earlier cell failed' });
    else {
      const stdout = (cell.outputs ?? []).filter((o) => o.output_type === 'stream' && o.name !== 'stderr').map((o) => text(o.text)).join('');
      const ok = stdout.split('\n').filter((l) => l.startsWith('ok:'));
      results.push({ cell: index, status: 'pass', message: ok.join('; ') || 'passed' });
    }
  });
  return results;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The HTML of a check cell's mark: ✓ passed, ✗ failed (with the error), ○ not run. */
export function checkMarkHtml(result: CheckResult): string {
  const symbol = result.status === 'pass' ? '✓' : result.status === 'fail' ? '✗' : '○';
  const word = result.status === 'pass' ? 'check passed' : result.status === 'fail' ? 'check failed' : 'check not run';
  return `<div class="nnlab-check nnlab-check-${result.status.replace(' ', '-')}" data-check="${result.status}" title="${escapeHtml(result.message)}">` +
    `<span class="nnlab-check-mark">${symbol}</span> ${word}${result.status === 'pass' ? '' : `: ${escapeHtml(result.message)}`}</div>`;
}

/** Removes every `<script>...</script>` element from an HTML fragment. */
export function stripScripts(html: string): string {
  return html.replace(/<script\b[^>]*>[\s\S]*?<\/script\s*>/gi, '');
}

/**
 * The notebook a page is made from: every plotly bundle output dropped, each check cell's outputs
 * led by its ✓ / ✗ mark, and with `static` each figure's plotly script removed (its static SVG
 * image stays; a figure without one in its HTML falls back to its `image/svg+xml`). The input is
 * not changed.
 *
 * @example
 * const page = prepareNotebook(executed, 'site');
 * page.cells.flatMap((c) => c.outputs ?? []).some(isPlotlyBundleOutput)   // false
 */
export function prepareNotebook(nb: Notebook, mode: PlotlyMode): Notebook {
  checkOneOf('mode', mode, PLOTLY_MODES);
  const copy = JSON.parse(JSON.stringify(nb)) as Notebook;
  const checks = new Map(checkResults(nb).map((c) => [c.cell, c]));
  copy.cells.forEach((cell, index) => {
    if (cell.cell_type !== 'code') return;
    let outputs = (cell.outputs ?? []).filter((o) => !isPlotlyBundleOutput(o));
    if (mode === 'static') outputs = outputs.map(staticFigure);
    const check = checks.get(index);
    if (check) {
      const tags = Array.isArray(cell.metadata?.tags) ? cell.metadata!.tags as string[] : [];
      cell.metadata = { ...cell.metadata, tags: [...tags, `nnlab-check-${check.status.replace(' ', '-')}`] };
      outputs = [{ output_type: 'display_data', metadata: {}, data: { 'text/html': checkMarkHtml(check), 'text/plain': checkMarkHtml(check).replace(/<[^>]+>/g, '') } }, ...outputs];
    }
    cell.outputs = outputs;
  });
  return copy;
}

/** A figure output without its plotly script (static mode). */
function staticFigure(o: NotebookOutput): NotebookOutput {
  if (!isFigureOutput(o) || !o.data) return o;
  const data: Record<string, unknown> = { ...o.data };
  delete data[PLOTLY_MIME];
  const html = text(data['text/html']);
  if (/class="[^"]*nnlab-static/.test(html)) data['text/html'] = stripScripts(html);
  else delete data['text/html'];   // no static image in the HTML: nbconvert shows image/svg+xml (or the text)
  return { ...o, data };
}

/** The style of the check marks and the lesson page's top bar. */
export const EXPORT_STYLE = `<style>
.nnlab-check { display: inline-block; margin: 2px 0 4px; padding: 1px 8px; border-radius: 4px; font: 13px/1.6 system-ui, sans-serif; }
.nnlab-check-pass { background: #e6f4ea; color: #1e6b34; }
.nnlab-check-fail { background: #fce8e6; color: #a50e0e; }
.nnlab-check-not-run { background: #f1f3f4; color: #5f6368; }
.nnlab-check-mark { font-weight: bold; }
.nnlab-site-bar { font: 14px/1.6 system-ui, sans-serif; padding: 6px 16px; background: #f1f3f4; border-bottom: 1px solid #dadce0; }
.nnlab-site-bar a { margin-right: 16px; }
img.nnlab-static { max-width: 100%; height: auto; }
</style>`;

/** The script element that gives a page plotly.js, or '' in static mode. */
export function plotlyScript(mode: PlotlyMode, plotly?: PlotlySource, src = SITE_PLOTLY_PATH): string {
  if (mode === 'static') return '';
  if (!plotly) throw new ArgumentError('plotly', plotly, 'the plotly.js source ({ version, source })', `plotly must be the plotly.js source ({ version, source }) for a page in ${mode} mode, got undefined`);
  if (mode === 'site') return `<script type="text/javascript" src="${escapeHtml(src)}"></script>`;
  return `<script type="text/javascript">/* plotly.js ${plotly.version}, embedded once by nnlab (no CDN) */\n` +
    `${plotly.source.replace(/<\/script/gi, '<\\/script')}\n</script>`;
}

/**
 * Finishes nbconvert's HTML: the style and one plotly.js (per `mode`) at the end of `<head>`, so it
 * is defined before any figure's script runs, and an optional bar at the top of `<body>`.
 *
 * @example
 * finishHtml(nbconvertHtml, 'inline', plotlyBundle())                 // a standalone page
 * finishHtml(nbconvertHtml, 'site', plotlyBundle(), { src: '../assets/plotly.min.js' })
 */
export function finishHtml(html: string, mode: PlotlyMode, plotly?: PlotlySource, options: { src?: string; bar?: string } = {}): string {
  const head = `${EXPORT_STYLE}\n${plotlyScript(mode, plotly, options.src)}\n`;
  const at = html.search(/<\/head>/i);
  if (at < 0) throw new ArgumentError('html', html.slice(0, 40), 'an HTML page with a <head>', 'html must be a whole page with a </head> (nbconvert\'s output), got a fragment');
  let page = html.slice(0, at) + head + html.slice(at);
  if (options.bar) page = page.replace(/<body[^>]*>/i, (body) => `${body}\n<div class="nnlab-site-bar">${options.bar}</div>`);
  return page;
}

/** Runs nbconvert's HTMLExporter on a notebook (as JSON text): the page's HTML. */
export function nbconvertHtml(notebookJson: string): Promise<string> {
  const python = findJupyterPython().python;
  const script = [
    'import sys, nbformat',
    'from nbconvert import HTMLExporter',
    'nb = nbformat.reads(sys.stdin.buffer.read().decode("utf-8"), as_version=4)',
    'body, _ = HTMLExporter().from_notebook_node(nb)',
    'sys.stdout.buffer.write(body.encode("utf-8"))',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-c', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let err = '';
    child.stdout!.on('data', (d: Buffer) => chunks.push(d));
    child.stderr!.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks).toString('utf8'))
      : reject(new Error(`nbconvert could not export the notebook (exit ${code}): ${err.trim().split('\n').slice(-1)[0] ?? ''}`))));
    child.stdin!.end(notebookJson);
  });
}

/** Options of `exportNotebookHtml`. */
export interface ExportHtmlOptions {
  /** inline (default), site or static. */
  mode?: PlotlyMode;
  /** plotly.js (show/plot.ts `plotlyBundle()`); needed unless `mode` is static. */
  plotly?: PlotlySource;
  /** With `site`: the shared plotly.js, relative to the page (default assets/plotly.min.js). */
  src?: string;
  /** HTML of a bar at the top of the page (links back to a site's index). */
  bar?: string;
}

/**
 * Writes the HTML page of an executed notebook with one copy of plotly.js (or none in static
 * mode); returns the page's size in bytes.
 *
 * @example
 * await exportNotebookHtml('out/03-weight-init.ipynb', 'out/03-weight-init.html', { mode: 'inline', plotly: plotlyBundle() });
 */
export async function exportNotebookHtml(ipynb: string, html: string, options: ExportHtmlOptions = {}): Promise<number> {
  const mode = checkOneOf('mode', options.mode ?? 'inline', PLOTLY_MODES);
  if (mode !== 'static' && !options.plotly) plotlyScript(mode, options.plotly);   // the one-line error, before nbconvert runs
  const nb = JSON.parse(fs.readFileSync(ipynb, 'utf8')) as Notebook;
  const page = finishHtml(await nbconvertHtml(JSON.stringify(prepareNotebook(nb, mode))), mode, options.plotly,
    { src: options.src, bar: options.bar });
  fs.mkdirSync(path.dirname(path.resolve(html)), { recursive: true });
  fs.writeFileSync(html, page);
  return Buffer.byteLength(page);
}
