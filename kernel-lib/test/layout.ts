/**
 * The figure layout check (issue 16): what a student sees of every plotly figure of a lesson, measured
 * in headless Chromium on the lesson's HTML export. Per figure it reports
 *  - overlap: two text elements (title, subplot titles and other annotations, axis titles, tick
 *    labels, legend items, colour-bar titles) whose boxes overlap by more than a pixel each way;
 *    tick labels of one axis that run into each other ("-0.5 0 0.5") count;
 *  - clipped: text that reaches past the figure's own box (its `svg.main-svg`);
 *  - unlabelled: a trace drawn in a panel that has no legend entry (neither its own nor one of its
 *    legend group or name) and is not the only trace of its panel;
 *  - colour: one series name drawn in different colours in different panels.
 * Each finding is one line, `<notebook> figure <n> "<title>": <kind>: <details>`, with no pixel
 * coordinates in it, so the same notebook, seeds and Chromium give the same lines.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Page } from 'playwright-core';
import * as assert from 'node:assert/strict';
import { findJupyterPython } from '../src/jupyter/python';
import { repoRoot } from '../src/core/paths';
import { runNotebook } from '../src/jupyter/run';

/** A text element of a figure as drawn: what kind, which axis or group it belongs to, its box. */
export interface TextBox {
  /** 'title', 'annotation', 'axis title', 'tick', 'legend', 'colour-bar title'. */
  kind: string;
  /** For ticks and axis titles: the axis id ('x', 'y3'); otherwise ''. */
  axis: string;
  /** The axes the text belongs to ('x2', or 'x2', 'y2' for an annotation placed in data units); none for paper-placed text. */
  owner?: string[];
  /** For ticks: true on a log axis. */
  log?: boolean;
  text: string;
  left: number; top: number; right: number; bottom: number;
}

/** A trace as plotly resolved it (`gd._fullData`). */
export interface TraceInfo {
  index: number;
  type: string;
  name: string;
  /** 'x2y2' for cartesian traces, '' otherwise. */
  panel: string;
  /** The colour the eye sees (line colour for lines, marker colour otherwise); '' when per point. */
  colour: string;
  inLegend: boolean;
  legendgroup: string;
  visible: boolean;
}

/** One figure as measured in the page. */
export interface FigureMeasure {
  title: string;
  drawn: boolean;
  box: { left: number; top: number; right: number; bottom: number };
  texts: TextBox[];
  traces: TraceInfo[];
  /** The cartesian subplots in plotly's order ('xy', 'x2y2', ...). */
  panels: string[];
  /** Each cartesian subplot's plot area (where its data is drawn). */
  areas?: { panel: string; left: number; top: number; right: number; bottom: number }[];
}

/**
 * Pixels two boxes may share (each way), or text may pass the edge, before it counts. An SVG text box
 * spans the font's whole line height, so stacked labels that do not touch can share a pixel or two.
 */
export const TOLERANCE_PX = 2;

/**
 * Measures every `.nnlab-figure` of the page (in document order). Runs in the browser: the function
 * is serialised by playwright, so everything it uses is defined inside it.
 */
export function measureFigures(page: Page): Promise<FigureMeasure[]> {
  return page.evaluate(() => {
    type Gd = HTMLElement & { data?: unknown[]; _fullData?: Record<string, any>[]; _fullLayout?: Record<string, any> };
    const clean = (s: string) => s.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
    const rect = (el: Element) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    };
    const visible = (el: Element) => {
      for (let e: Element | null = el; e; e = e.parentElement) {
        const s = getComputedStyle(e);
        if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') return false;
      }
      return true;
    };
    const colourOf = (t: Record<string, any>): string => {
      const mode = String(t.mode ?? '');
      const line = t.line?.color;
      const marker = t.marker?.color;
      const pick = (t.type === 'scatter' || t.type === 'scattergl') && mode.includes('lines') ? line : marker ?? line;
      return typeof pick === 'string' ? pick.replace(/\s+/g, '').toLowerCase() : '';
    };
    return Array.from(document.querySelectorAll('.nnlab-figure')).map((node) => {
      const gd = node as Gd;
      const layout = gd._fullLayout ?? {};
      const title = clean(String(layout.title?.text ?? ''));
      const svg = gd.querySelector('svg.main-svg');
      if (!svg || !gd._fullData) {
        return { title, drawn: false, box: { left: 0, top: 0, right: 0, bottom: 0 }, texts: [], traces: [], panels: [] };
      }
      const texts: { kind: string; axis: string; owner: string[]; log?: boolean; text: string; left: number; top: number; right: number; bottom: number }[] = [];
      const add = (el: Element, kind: string, axis: string, owner: string[]) => {
        const text = clean(el.textContent ?? '');
        if (!text || !visible(el)) return;
        const r = rect(el);
        if (r.right - r.left < 0.5 || r.bottom - r.top < 0.5) return;
        texts.push({ kind, axis, owner, text, ...r });
      };
      const annotations: Record<string, any>[] = layout.annotations ?? [];
      gd.querySelectorAll('.gtitle').forEach((el) => add(el, 'title', '', []));
      gd.querySelectorAll('.annotation-text').forEach((el) => {
        const a = annotations[Number(el.closest('.annotation')?.getAttribute('data-index') ?? -1)] ?? {};
        add(el, 'annotation', '', [a.xref, a.yref].filter((r) => typeof r === 'string' && /^[xy]\d*$/.test(r)));
      });
      gd.querySelectorAll('text').forEach((el) => {
        const cls = el.getAttribute('class') ?? '';
        const m = /(?:^|\s)([xy]\d*)title(?:\s|$)/.exec(cls);
        if (m) add(el, 'axis title', m[1], [m[1]]);
        if (/(?:^|\s)cbtitle(?:\s|$)/.test(cls) || el.closest('.cbtitle')) add(el, 'colour-bar title', '', []);
      });
      gd.querySelectorAll('g').forEach((g) => {
        const m = /(?:^|\s)([xy]\d*)tick(?:\s|$)/.exec(g.getAttribute('class') ?? '');
        if (!m) return;
        const before = texts.length;
        g.querySelectorAll(':scope > text').forEach((el) => add(el, 'tick', m[1], [m[1]]));
        const axis = layout[m[1].replace(/^([xy])/, '$1axis')];
        for (const t of texts.slice(before)) Object.assign(t, { log: axis?.type === 'log' });
      });
      gd.querySelectorAll('.legendtext').forEach((el) => add(el, 'legend', '', []));
      const legendShown = Boolean(layout.showlegend);
      const traces = gd._fullData.map((t, index) => ({
        index,
        type: String(t.type ?? ''),
        name: clean(String(t.name ?? '')),
        panel: t.xaxis && t.yaxis ? `${t.xaxis}${t.yaxis}` : '',
        colour: colourOf(t),
        inLegend: legendShown && t.showlegend !== false,
        legendgroup: String(t.legendgroup ?? ''),
        visible: t.visible === true,
      }));
      const panels: string[] = (layout._subplots?.cartesian ?? []).map(String);
      const origin = rect(svg);
      const areas = panels.flatMap((panel) => {
        const plot = layout._plots?.[panel];
        const xa = plot?.xaxis;
        const ya = plot?.yaxis;
        if (!xa || !ya) return [];
        return [{ panel, left: origin.left + xa._offset, right: origin.left + xa._offset + xa._length,
          top: origin.top + ya._offset, bottom: origin.top + ya._offset + ya._length }];
      });
      return { title, drawn: true, box: origin, texts, traces, panels, areas };
    });
  });
}

/** How a text element is named in a finding. */
function describe(t: TextBox): string {
  const quoted = JSON.stringify(t.text.length > 40 ? `${t.text.slice(0, 39)}…` : t.text);
  if (t.kind === 'tick') return `${t.axis} tick labels`;
  if (t.kind === 'axis title') return `${t.axis} axis title ${quoted}`;
  return `${t.kind} ${quoted}`;
}

function overlaps(a: TextBox, b: TextBox, tol = TOLERANCE_PX): boolean {
  const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
  const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
  return w > tol && h > tol;
}

/** Which edges of the figure's box a text element reaches past. */
function clippedEdges(t: TextBox, box: FigureMeasure['box'], tol = TOLERANCE_PX): string[] {
  const edges: string[] = [];
  if (t.left < box.left - tol) edges.push('left');
  if (t.right > box.right + tol) edges.push('right');
  if (t.top < box.top - tol) edges.push('top');
  if (t.bottom > box.bottom + tol) edges.push('bottom');
  return edges;
}

/** A tick label with an SI prefix: "10n", "100µ", "1T". */
const SI_LABEL = /^[−-]?[\d.]+\s?[yzafpnµμumkMGTPEZY]$/;

/** Trace types that colour their data by a colour scale and need no legend entry. */
const SCALE_TYPES = new Set(['heatmap', 'contour', 'image', 'surface', 'histogram2d']);

/** The findings of one figure, as `<kind>: <details>` strings (sorted, without duplicates). */
export function figureFindings(f: FigureMeasure): string[] {
  if (!f.drawn) return ['not drawn: no svg.main-svg (plotly did not draw it)'];
  const out = new Set<string>();
  // (a) overlaps, one line per pair of names (all tick labels of one axis share a name)
  for (let i = 0; i < f.texts.length; i++) {
    for (let j = i + 1; j < f.texts.length; j++) {
      const a = f.texts[i];
      const b = f.texts[j];
      if (!overlaps(a, b)) continue;
      const [da, db] = [describe(a), describe(b)].sort();
      if (da === db && a.kind === 'tick') out.add(`overlap: ${da} run into each other (${JSON.stringify(a.text)} and ${JSON.stringify(b.text)})`);
      else if (da === db) out.add(`overlap: two copies of ${da}`);
      else out.add(`overlap: ${da} and ${db}`);
    }
  }
  // tick-label pairs of one axis: keep only the first pair named (the set keeps insertion order)
  const seenAxes = new Set<string>();
  for (const line of Array.from(out)) {
    const m = /^overlap: (\S+) tick labels run into each other/.exec(line);
    if (!m) continue;
    if (seenAxes.has(m[1])) out.delete(line);
    seenAxes.add(m[1]);
  }
  // (a') text drawn on the plot area of a panel it does not belong to (tick labels or an axis
  // title on the neighbouring panel's data, a paper-placed subplot title on a plot)
  const panelLabel = (p: string) => `panel ${f.panels.indexOf(p) + 1}`;
  for (const a of f.areas ?? []) {
    const axes = /^(x\d*)(y\d*)$/.exec(a.panel)?.slice(1) ?? [];
    for (const t of f.texts) {
      if (t.kind === 'legend' || (t.owner ?? []).some((o) => axes.includes(o))) continue;
      if (overlaps(t, { ...a, kind: '', axis: '', text: '' })) out.add(`overlap: ${describe(t)} on the plot area of ${panelLabel(a.panel)}`);
    }
  }
  // (b) clipped by the figure's edge
  for (const t of f.texts) {
    const edges = clippedEdges(t, f.box);
    if (edges.length) out.add(`clipped: ${describe(t)} reaches past the figure's ${edges.join(' and ')} edge`);
  }
  // (b') log axes labelled with SI prefixes ("10n", "100µ") where a student expects 1e-8
  const siByAxis = new Map<string, string[]>();
  for (const t of f.texts) {
    if (t.kind !== 'tick' || !t.log || !SI_LABEL.test(t.text)) continue;
    siByAxis.set(t.axis, [...(siByAxis.get(t.axis) ?? []), t.text]);
  }
  for (const [axis, labels] of siByAxis) {
    out.add(`SI labels: ${axis} is a log axis labelled with SI prefixes (${labels.slice(0, 3).map((l) => JSON.stringify(l)).join(', ')}), not plain exponents such as 1e-8`);
  }
  // (c) traces with no legend entry in a panel with other traces
  const shown = f.traces.filter((t) => t.visible);
  const legendNames = new Set(shown.filter((t) => t.inLegend).map((t) => t.name));
  const legendGroups = new Set(shown.filter((t) => t.inLegend && t.legendgroup).map((t) => t.legendgroup));
  const panelSize = new Map<string, number>();
  for (const t of shown) panelSize.set(t.panel, (panelSize.get(t.panel) ?? 0) + 1);
  const panelName = (p: string) => (f.panels.length > 1 ? `panel ${f.panels.indexOf(p) + 1} (${p})` : 'the plot');
  for (const t of shown) {
    if (t.inLegend || SCALE_TYPES.has(t.type) || (panelSize.get(t.panel) ?? 0) < 2) continue;
    if (t.name && legendNames.has(t.name)) continue;
    if (t.legendgroup && legendGroups.has(t.legendgroup)) continue;
    out.add(`unlabelled: ${t.type} trace ${JSON.stringify(t.name || `#${t.index}`)} in ${panelName(t.panel)} has no legend entry`);
  }
  // (d) one series name, several colours across panels
  const byName = new Map<string, Map<string, string[]>>();
  for (const t of shown) {
    if (!t.name || !t.colour || SCALE_TYPES.has(t.type)) continue;
    const colours = byName.get(t.name) ?? new Map<string, string[]>();
    byName.set(t.name, colours);
    const panels = colours.get(t.colour) ?? [];
    if (!panels.includes(t.panel)) panels.push(t.panel);
    colours.set(t.colour, panels);
  }
  for (const [name, colours] of byName) {
    if (colours.size < 2) continue;
    const allPanels = new Set(Array.from(colours.values()).flat());
    if (allPanels.size < 2) continue;
    const parts = Array.from(colours).map(([c, ps]) => `${c} in ${ps.map((p) => f.panels.indexOf(p) + 1).join(',')}`);
    out.add(`colour: series ${JSON.stringify(name)} is drawn in ${colours.size} colours (${parts.join('; ')} by panel number)`);
  }
  return Array.from(out).sort();
}

/**
 * Every finding of a page's figures, one line each: `<notebook> figure <n> "<title>": <finding>`;
 * with `where` (e.g. 'in a 900 px window'), `<notebook> figure <n> "<title>" <where>: <finding>`.
 */
export function findingLines(notebook: string, figures: FigureMeasure[], where = ''): string[] {
  return figures.flatMap((f, i) => {
    const title = f.title.length > 60 ? `${f.title.slice(0, 59)}…` : f.title;
    const at = where ? ` ${where}` : '';
    return figureFindings(f).map((finding) => `${notebook} figure ${i + 1} ${JSON.stringify(title)}${at}: ${finding}`);
  });
}

/** Resizes the page's window and has plotly lay every figure out again at its new width. */
export async function resizeFigures(page: Page, width: number, height = 900): Promise<void> {
  await page.setViewportSize({ width, height });
  await page.evaluate(() => {
    const Plotly = (window as unknown as { Plotly?: { Plots: { resize(gd: Element): Promise<unknown> } } }).Plotly;
    return Promise.all(Array.from(document.querySelectorAll('.nnlab-figure'))
      .filter((gd) => gd.querySelector('svg.main-svg'))
      .map((gd) => Plotly?.Plots.resize(gd))).then(() => undefined);
  });
}

/** Exports an executed notebook to HTML with nbconvert's HTMLExporter (as `nnlab run --html` does). */
export function exportHtml(ipynb: string, html: string): Promise<void> {
  const python = findJupyterPython().python;
  const script = [
    'import sys, nbformat',
    'from nbconvert import HTMLExporter',
    'nb = nbformat.read(sys.argv[1], as_version=4)',
    'body, _ = HTMLExporter().from_notebook_node(nb)',
    "open(sys.argv[2], 'w', encoding='utf-8').write(body)",
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-c', script, ipynb, html], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 && fs.existsSync(html) ? resolve()
      : reject(new Error(`nbconvert could not export ${ipynb} to ${path.basename(html)} (exit ${code}):\n${err.slice(-2000)}`))));
  });
}

/**
 * The executed quick-mode notebook of a lesson: the notebook test's (test-output/notebooks/cpu)
 * when it is newer than both the lesson and the built library, else run here into `outDir`/executed.
 * The browser tests (plot-layout, static-figures, site) share it.
 */
export async function executedNotebook(name: string, outDir: string): Promise<{ file: string; reused: boolean }> {
  const repo = repoRoot();
  const source = path.join(repo, 'notebooks', `${name}.ipynb`);
  const library = path.join(repo, 'kernel-lib', 'dist', 'index.js');
  const reused = path.join(repo, 'test-output', 'notebooks', 'cpu', `${name}.ipynb`);
  const newest = Math.max(fs.statSync(source).mtimeMs, fs.existsSync(library) ? fs.statSync(library).mtimeMs : 0);
  if (fs.existsSync(reused) && fs.statSync(reused).mtimeMs > newest) return { file: reused, reused: true };
  const r = await runNotebook({ notebook: name, quick: true, outDir: path.join(outDir, 'executed'), timeout: 900 });
  assert.ok(r.ok, `nnlab run ${name} --quick failed (exit ${r.exitCode}); the browser check needs the executed notebook`);
  return { file: r.executed, reused: false };
}
