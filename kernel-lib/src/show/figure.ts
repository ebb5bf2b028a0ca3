/**
 * Figures as plain data: each builder returns a plotly figure `{data, layout}` with the title and
 * both axis labels set. Builders are pure (no kernel, no DOM), so tests check them directly and
 * `showFigure` (./plot) is the only place that draws.
 *
 * @example
 * const fig = nn.figure.line({ title: 'Loss', xTitle: 'epoch', yTitle: 'loss',
 *   series: [{ name: 'train', y: [2.3, 1.1, 0.6] }] });
 * nn.plot(fig);
 */
import { ArgumentError, checkOptions } from '../core/errors';
import { FONT, legendRows, lineHeight, MIN_WIDTH_PX, PAD, PanelRoom, panelRoom, panelValues, wrapCategoryTicks, wrapLines, wrapTitle } from './grid';

/** A plotly trace: plain JSON as plotly.js reads it. */
export type Trace = Record<string, unknown>;
/** A plotly figure: traces plus layout, plain JSON. */
export interface Figure { data: Trace[]; layout: Record<string, unknown> }

/** Labels every figure must carry. */
export interface FigureLabels { title: string; xTitle: string; yTitle: string }

export interface XYSeries { name: string; x?: readonly number[]; y: readonly number[] }
export interface LineFigureOptions extends FigureLabels {
  series: readonly XYSeries[];
  /** 'log' for a log-scaled y axis (loss curves over many decades). */
  yScale?: 'linear' | 'log';
  xScale?: 'linear' | 'log';
}
export interface ScatterSeries { name: string; x: readonly number[]; y: readonly number[]; text?: readonly string[] }
export interface ScatterFigureOptions extends FigureLabels {
  series: readonly ScatterSeries[];
  xScale?: 'linear' | 'log';
  yScale?: 'linear' | 'log';
}
/** A histogram either from raw values (plotly bins them) or from precomputed bins. */
export type HistogramSeries =
  | { name: string; values: readonly number[] }
  | { name: string; edges: readonly number[]; counts: readonly number[] };
export interface HistogramFigureOptions extends FigureLabels {
  series: readonly HistogramSeries[];
  /** Number of bins for raw values (default 30). */
  bins?: number;
}
export interface HeatmapFigureOptions extends FigureLabels {
  /** Rows of values: z[i][j] is drawn at (x[j], y[i]). */
  z: readonly (readonly number[])[];
  x?: readonly (number | string)[];
  y?: readonly (number | string)[];
  colorscale?: string;
}
export interface BarFigureOptions extends FigureLabels {
  series: readonly { name: string; x: readonly (string | number)[]; y: readonly number[] }[];
}
export interface SubplotsOptions {
  title: string;
  rows: number;
  cols: number;
  /** Pixel height of the whole grid as a guide: each row's panel gets height / rows - 70 px (at least 120); the room for labels is added (default 300 per row). */
  height?: number;
  /** One y range for every panel, tick labels and y title on the first column only (default false). */
  shareY?: boolean;
  /** One x range for every panel, tick labels and x title on the bottom row only (default false). */
  shareX?: boolean;
}

function checkLabels(kind: string, o: FigureLabels): void {
  for (const key of ['title', 'xTitle', 'yTitle'] as const) {
    if (typeof o[key] !== 'string' || o[key].trim() === '') {
      throw new ArgumentError(`${kind}.${key}`, o[key], 'a non-empty string (every figure is labelled)');
    }
  }
}

function checkSeriesList(kind: string, series: unknown): void {
  if (!Array.isArray(series) || series.length === 0) {
    throw new ArgumentError(`${kind}.series`, series, 'a non-empty array of series');
  }
}

function checkFiniteArray(name: string, values: unknown, allowNaN = false): number[] {
  if (!Array.isArray(values) && !ArrayBuffer.isView(values)) throw new ArgumentError(name, values, 'an array of numbers');
  const arr = Array.from(values as ArrayLike<number>);
  const bad = arr.findIndex((v) => typeof v !== 'number' || (!allowNaN && !Number.isFinite(v)));
  if (bad >= 0) throw new ArgumentError(`${name}[${bad}]`, arr[bad], 'a finite number');
  return arr;
}

function baseLayout(o: FigureLabels, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: { text: o.title },
    xaxis: { title: { text: o.xTitle } },
    yaxis: { title: { text: o.yTitle } },
    margin: { t: 50, r: 20, b: 50, l: 60 },
    height: 360,
    ...extra,
  };
}

function withScales(layout: Record<string, unknown>, xScale?: string, yScale?: string, data: readonly Trace[] = []): Record<string, unknown> {
  if (xScale === 'log') layout.xaxis = logAxis(layout.xaxis as object, data.flatMap((t) => (Array.isArray(t.x) ? t.x : [])));
  if (yScale === 'log') layout.yaxis = logAxis(layout.yaxis as object, data.flatMap((t) => (Array.isArray(t.y) ? t.y : [])));
  return layout;
}

/**
 * A log axis labelled the way a student reads exponents: 1e-8, not plotly's SI "10n"; when the
 * values span under two decades, labels at 1, 2 and 5 times each power of ten only, written as
 * values (0.5, 2), where plotly would label every digit, as bare digits, running together.
 *
 * @example
 * const fig = nn.figure.line({ title: 'Loss', xTitle: 'lr', yTitle: 'loss', series: [{ name: 'run', x: [0.01, 0.1, 1], y: [0.9, 0.4, 0.2] }] });
 * fig.layout.xaxis = nn.figure.logAxis(fig.layout.xaxis as object, [0.01, 0.1, 1]);   // labels 0.01, 0.1, 1 and 2, 5 between
 */
export function logAxis(axis: object | undefined, values: readonly unknown[] = []): Record<string, unknown> {
  const positive = values.filter((v): v is number => typeof v === 'number' && v > 0 && Number.isFinite(v));
  const decades = positive.length ? Math.log10(Math.max(...positive) / Math.min(...positive)) : Infinity;
  // within two decades: ticks at 1, 2 and 5 times each power of ten, labelled with their values
  // (0.5, not plotly's bare digit "5")
  return { ...(axis ?? {}), type: 'log', exponentformat: 'e', ...(decades < 2 ? { dtick: 'D2', minorloglabels: 'complete' } : {}) };
}

/**
 * Every log axis of a figure labelled with plain exponents (1e-8) unless it chose a format: the
 * last step before a figure is drawn, so figures built by hand read like nnlab's own.
 */
export function readableAxes(fig: Figure): Figure {
  const layout: Record<string, unknown> = { ...fig.layout };
  for (const [key, axis] of Object.entries(fig.layout)) {
    if (!/^[xy]axis\d*$/.test(key) || !axis || typeof axis !== 'object') continue;
    const a = axis as Record<string, unknown>;
    if (a.type === 'log' && a.exponentformat === undefined) layout[key] = { ...a, exponentformat: 'e' };
  }
  return { data: fig.data, layout };
}

/**
 * Lines, one per series (loss curves, statistics vs depth). NaN breaks a line (a diverged run).
 * Series of up to {@link MARKERS_UP_TO} points get a marker on each point; longer ones (a curve
 * drawn from many samples) are plain lines, which markers would only thicken.
 *
 * @example
 * const fig = nn.figure.line({ title: 'Loss', xTitle: 'epoch', yTitle: 'loss', yScale: 'log',
 *   series: [{ name: 'train', x: [1, 2, 3], y: [2.3, 1.1, 0.6] }, { name: 'diverged', y: [2.3, 40, NaN] }] });
 * nn.plot(fig);   // the NaN breaks the second line
 */
export function lineFigure(o: LineFigureOptions): Figure {
  checkOptions('lineFigure options', o, ['title', 'xTitle', 'yTitle', 'series', 'yScale', 'xScale']);
  checkLabels('lineFigure', o);
  checkSeriesList('lineFigure', o.series);
  const data = o.series.map((s, i) => {
    const y = checkFiniteArray(`lineFigure.series[${i}].y`, s.y, true);
    const x = s.x ? checkFiniteArray(`lineFigure.series[${i}].x`, s.x) : y.map((_, k) => k);
    if (x.length !== y.length) throw new ArgumentError(`lineFigure.series[${i}].x.length`, x.length, `equal to y.length (${y.length})`);
    return { type: 'scatter', mode: y.length > MARKERS_UP_TO ? 'lines' : 'lines+markers', name: s.name, x, y: y.map((v) => (Number.isFinite(v) ? v : null)) };
  });
  const layout = withScales(baseLayout(o), o.xScale, o.yScale, data);
  // x values that are all whole numbers over a short span (epochs, counts): whole-number ticks,
  // never "epoch 0.5"
  const xs = data.flatMap((d) => d.x as number[]);
  if (o.xScale !== 'log' && xs.length > 0 && xs.every(Number.isInteger) && Math.max(...xs) - Math.min(...xs) <= 10) {
    layout.xaxis = { ...(layout.xaxis as Record<string, unknown> ?? {}), dtick: 1 };
  }
  return { data, layout };
}

/** The longest series {@link lineFigure} draws with a marker on every point. */
export const MARKERS_UP_TO = 100;

/**
 * Points, one colour per series.
 *
 * @example
 * const pts = nn.data.spiral({ pointsPerClass: 50, classes: 2, seed: 1 });
 * const series = [0, 1].map((k) => {
 *   const idx = Array.from({ length: pts.n }, (_, i) => i).filter((i) => pts.y[i] === k);
 *   return { name: `class ${k}`, x: idx.map((i) => pts.X[2 * i]), y: idx.map((i) => pts.X[2 * i + 1]) };
 * });
 * nn.plot(nn.figure.scatter({ title: 'Spiral', xTitle: 'x1', yTitle: 'x2', series }));
 */
export function scatterFigure(o: ScatterFigureOptions): Figure {
  checkOptions('scatterFigure options', o, ['title', 'xTitle', 'yTitle', 'series', 'yScale', 'xScale']);
  checkLabels('scatterFigure', o);
  checkSeriesList('scatterFigure', o.series);
  const data = o.series.map((s, i) => {
    const x = checkFiniteArray(`scatterFigure.series[${i}].x`, s.x);
    const y = checkFiniteArray(`scatterFigure.series[${i}].y`, s.y);
    if (x.length !== y.length) throw new ArgumentError(`scatterFigure.series[${i}].x.length`, x.length, `equal to y.length (${y.length})`);
    const trace: Trace = { type: 'scatter', mode: 'markers', name: s.name, x, y };
    if (s.text) trace.text = [...s.text];
    return trace;
  });
  return { data, layout: withScales(baseLayout(o), o.xScale, o.yScale, data) };
}

/**
 * Histograms, overlaid. Precomputed bins (edges.length = counts.length + 1) are drawn as bars.
 *
 * @example
 * const values = Array.from(nn.nets.initValues('he', [100, 100], 1));
 * nn.plot(nn.figure.histogram({ title: 'He weights', xTitle: 'w', yTitle: 'count', bins: 40,
 *   series: [{ name: 'he', values }] }));
 * // precomputed bins (edges.length = counts.length + 1) are drawn as bars
 * nn.plot(nn.figure.histogram({ title: 'Binned', xTitle: 'x', yTitle: 'count',
 *   series: [{ name: 'counts', edges: [0, 1, 2, 3], counts: [5, 12, 3] }] }));
 */
export function histogramFigure(o: HistogramFigureOptions): Figure {
  checkOptions('histogramFigure options', o, ['title', 'xTitle', 'yTitle', 'series', 'bins']);
  checkLabels('histogramFigure', o);
  checkSeriesList('histogramFigure', o.series);
  const bins = o.bins ?? 30;
  if (!Number.isInteger(bins) || bins < 1) throw new ArgumentError('histogramFigure.bins', bins, 'an integer >= 1');
  const data = o.series.map((s, i) => {
    if ('values' in s) {
      const values = checkFiniteArray(`histogramFigure.series[${i}].values`, s.values);
      return { type: 'histogram', name: s.name, x: values, nbinsx: bins, opacity: 0.75 };
    }
    const edges = checkFiniteArray(`histogramFigure.series[${i}].edges`, s.edges);
    const counts = checkFiniteArray(`histogramFigure.series[${i}].counts`, s.counts);
    if (edges.length !== counts.length + 1) {
      throw new ArgumentError(`histogramFigure.series[${i}].edges.length`, edges.length, `counts.length + 1 (${counts.length + 1})`);
    }
    const centers = counts.map((_, k) => (edges[k] + edges[k + 1]) / 2);
    const widths = counts.map((_, k) => edges[k + 1] - edges[k]);
    return { type: 'bar', name: s.name, x: centers, y: counts, width: widths, opacity: 0.75 };
  });
  const layout = baseLayout(o, { barmode: 'overlay', bargap: 0 });
  const binned = o.series.filter((s): s is { name: string; edges: readonly number[]; counts: readonly number[] } => 'edges' in s);
  if (binned.length === o.series.length) {
    // a little room beyond the outer bins, so the first x label does not sit under the y axis's
    const lo = Math.min(...binned.map((s) => s.edges[0]));
    const hi = Math.max(...binned.map((s) => s.edges[s.edges.length - 1]));
    layout.xaxis = { ...(layout.xaxis as object), range: [lo - 0.03 * (hi - lo), hi + 0.03 * (hi - lo)] };
  }
  return { data, layout };
}

/**
 * A heatmap of a matrix (a confusion matrix, a grid search, a weight matrix).
 *
 * @example
 * nn.plot(nn.figure.heatmap({ title: 'Confusion matrix', xTitle: 'predicted', yTitle: 'true',
 *   z: [[50, 2], [7, 41]], x: ['cat', 'dog'], y: ['cat', 'dog'], colorscale: 'Blues' }));
 */
export function heatmapFigure(o: HeatmapFigureOptions): Figure {
  checkOptions('heatmapFigure options', o, ['title', 'xTitle', 'yTitle', 'z', 'x', 'y', 'colorscale']);
  checkLabels('heatmapFigure', o);
  if (!Array.isArray(o.z) || o.z.length === 0) throw new ArgumentError('heatmapFigure.z', o.z, 'a non-empty array of rows');
  const width = o.z[0].length;
  const z = o.z.map((row, i) => {
    const r = checkFiniteArray(`heatmapFigure.z[${i}]`, row, true);
    if (r.length !== width) throw new ArgumentError(`heatmapFigure.z[${i}].length`, r.length, `${width} (the length of row 0)`);
    return r;
  });
  const trace: Trace = { type: 'heatmap', z, colorscale: o.colorscale ?? 'Viridis' };
  if (o.x) trace.x = [...o.x];
  if (o.y) trace.y = [...o.y];
  return { data: [trace], layout: baseLayout(o) };
}

/**
 * Grouped bars (per-category comparisons).
 *
 * @example
 * nn.plot(nn.figure.bar({ title: 'Test accuracy', xTitle: 'init', yTitle: 'accuracy', series: [
 *   { name: 'tanh', x: ['small', 'xavier', 'he'], y: [0.11, 0.88, 0.86] },
 *   { name: 'relu', x: ['small', 'xavier', 'he'], y: [0.11, 0.84, 0.91] },
 * ] }));
 */
export function barFigure(o: BarFigureOptions): Figure {
  checkOptions('barFigure options', o, ['title', 'xTitle', 'yTitle', 'series']);
  checkLabels('barFigure', o);
  checkSeriesList('barFigure', o.series);
  const data = o.series.map((s, i) => {
    const y = checkFiniteArray(`barFigure.series[${i}].y`, s.y);
    if (s.x.length !== y.length) throw new ArgumentError(`barFigure.series[${i}].x.length`, s.x.length, `equal to y.length (${y.length})`);
    return { type: 'bar', name: s.name, x: [...s.x], y };
  });
  return { data, layout: baseLayout(o, { barmode: 'group' }) };
}

/**
 * A grid of subplots: figure k (row-major) goes to cell (floor(k / cols), k mod cols) with its own
 * axes, its title as the cell's heading and its axis labels kept. The gaps between panels, the
 * margins and the line breaks of long titles are computed from the sizes of the labels (./grid),
 * so no label runs into a neighbouring panel; the legend (one entry per series name, one colour per
 * name in every panel) sits under the title, above the panels. `shareY` gives every panel the
 * same y range with labels on the first column only; `shareX` the same for x and the bottom row.
 *
 * @example
 * const loss = nn.figure.line({ title: 'Loss', xTitle: 'epoch', yTitle: 'loss', series: [{ name: 'train', y: [2.3, 1.1, 0.6] }] });
 * const acc = nn.figure.line({ title: 'Accuracy', xTitle: 'epoch', yTitle: 'accuracy', series: [{ name: 'val', y: [0.3, 0.7, 0.8] }] });
 * nn.plot(nn.figure.subplots([loss, acc], { title: 'Training', rows: 1, cols: 2 }));
 */
export function subplotsFigure(figures: readonly Figure[], o: SubplotsOptions): Figure {
  checkOptions('subplotsFigure options', o, ['title', 'rows', 'cols', 'height', 'shareY', 'shareX']);
  if (o === undefined) throw new ArgumentError('subplotsFigure options', o, 'an object with title, rows and cols');
  if (typeof o.title !== 'string' || o.title.trim() === '') throw new ArgumentError('subplotsFigure.title', o.title, 'a non-empty string');
  if (!Number.isInteger(o.rows) || o.rows < 1) throw new ArgumentError('subplotsFigure.rows', o.rows, 'an integer >= 1');
  if (!Number.isInteger(o.cols) || o.cols < 1) throw new ArgumentError('subplotsFigure.cols', o.cols, 'an integer >= 1');
  if (!Array.isArray(figures) || figures.length === 0 || figures.length > o.rows * o.cols) {
    throw new ArgumentError('subplotsFigure.figures.length', Array.isArray(figures) ? figures.length : figures, `an integer in [1, ${o.rows * o.cols}] (rows x cols)`);
  }
  figures.forEach((f, k) => checkFigure(`subplotsFigure.figures[${k}]`, f));
  if (o.height !== undefined && !(Number.isFinite(o.height) && o.height >= 100)) {
    throw new ArgumentError('subplotsFigure.height', o.height, 'a number of pixels >= 100');
  }
  const { rows, cols } = o;
  const W = MIN_WIDTH_PX;
  // each panel's axes as the grid shows them: shared axes keep their labels on the outer panels only
  const panels = figures.map((fig, k) => {
    const row = Math.floor(k / cols);
    const col = k % cols;
    const fl = fig.layout as { title?: { text?: string }; xaxis?: Record<string, unknown>; yaxis?: Record<string, unknown> };
    const xaxis: Record<string, unknown> = { ...(fl.xaxis ?? {}) };
    const yaxis: Record<string, unknown> = { ...(fl.yaxis ?? {}) };
    if (o.shareY && k > 0) yaxis.matches = 'y';
    if (o.shareY && col > 0) Object.assign(yaxis, { showticklabels: false, title: { text: '' } });
    if (o.shareX && k > 0) xaxis.matches = 'x';
    const lastInColumn = k + cols >= figures.length;
    if (o.shareX && !lastInColumn) Object.assign(xaxis, { showticklabels: false, title: { text: '' } });
    return { fig, row, col, xaxis, yaxis, title: fl.title?.text ?? '' };
  });
  const room = (titleLines: number[]) => panels.map((p, k) => panelRoom(p.xaxis, p.yaxis, p.fig.data, titleLines[k]));
  const hasScale = figures.some((f) => f.data.some((t: Trace) => SCALE_TYPES.has(String(t.type)) && t.showscale !== false));
  const right = hasScale ? 90 : 20;
  // columns: the room left of each column is the widest need of its panels
  const columnWidths = (r: PanelRoom[]) => {
    const left = Array.from({ length: cols }, (_, c) => Math.max(PAD, ...r.filter((_, k) => panels[k].col === c).map((x) => x.left)));
    const gaps = left.slice(1).reduce((a, b) => a + b + PAD, 0);
    return { left, panelW: Math.max(40, (W - left[0] - right - gaps) / cols) };
  };
  const first = columnWidths(room(panels.map(() => 1)));
  for (const p of panels) Object.assign(p, { xaxis: wrapCategoryTicks(p.xaxis, panelValues(p.fig.data, 'x'), first.panelW) });
  const wrapped = panels.map((p) => wrapLines(p.title, first.panelW + PAD, FONT.subtitle));
  const rooms = room(wrapped.map((l) => (l.length === 1 && l[0] === '' ? 0 : l.length)));
  const { left, panelW } = columnWidths(rooms);
  const plotW = W - left[0] - right;
  // rows: the room above a row is its tallest title, below it its tallest tick labels and x title
  const above = Array.from({ length: rows }, (_, r) => Math.max(0, ...rooms.filter((_, k) => panels[k].row === r).map((x) => x.above)));
  const below = Array.from({ length: rows }, (_, r) => Math.max(PAD, ...rooms.filter((_, k) => panels[k].row === r).map((x) => x.below)));
  const showlegend = figures.some((f) => f.data.length > 1);
  const seen = new Set<string>();
  const data: Trace[] = [];
  panels.forEach((p, k) => {
    const suffix = k === 0 ? '' : String(k + 1);
    for (const trace of p.fig.data) {
      const name = typeof trace.name === 'string' ? trace.name : '';
      const firstOfName = showlegend && trace.showlegend !== false && trace.visible !== false && !!name && !seen.has(name);
      if (firstOfName) seen.add(name);
      data.push({ ...trace, xaxis: `x${suffix}`, yaxis: `y${suffix}`, showlegend: firstOfName, ...(name ? { legendgroup: name } : {}) });
    }
  });
  const entries = Array.from(seen); // the legend: the first trace of each name
  const title = wrapTitle(o.title, W);
  const titleH = title.lines * lineHeight(FONT.title) + 14;
  const legendH = legendRows(entries, W - 20) * 22;
  const top = titleH + legendH + above[0] + 4;
  const bottom = below[rows - 1];
  const gapsY = Array.from({ length: rows - 1 }, (_, r) => below[r] + above[r + 1]);
  const panelH = Math.max(120, Math.round((o.height ?? 300 * rows) / rows) - 70);
  const plotH = panelH * rows + gapsY.reduce((a, b) => a + b, 0);
  const height = top + plotH + bottom;
  const layout: Record<string, unknown> = {
    // plotly centres a title of several lines on its y, whatever the anchor: place its middle
    title: { text: title.text, x: 0.5, xanchor: 'center', xref: 'container', y: 1 - (6 + title.lines * lineHeight(FONT.title) / 2) / height, yanchor: 'middle', yref: 'container' },
    height,
    margin: { t: top, r: right, b: bottom, l: left[0], autoexpand: false },
    showlegend: entries.length > 0,
    annotations: [] as unknown[],
  };
  if (entries.length) {
    layout.legend = { orientation: 'h', x: 0, xanchor: 'left', xref: 'container', y: 1 - titleH / height, yanchor: 'top', yref: 'container' };
  }
  panels.forEach((p, k) => {
    const suffix = k === 0 ? '' : String(k + 1);
    const xStart = left.slice(1, p.col + 1).reduce((a, g) => a + panelW + g + PAD, 0);
    const x0 = xStart / plotW;
    const x1 = (xStart + panelW) / plotW;
    const yTop = Array.from({ length: p.row }, (_, r) => panelH + gapsY[r]).reduce((a, b) => a + b, 0);
    const y1 = 1 - yTop / plotH;
    const y0 = 1 - (yTop + panelH) / plotH;
    layout[`xaxis${suffix}`] = { ...p.xaxis, domain: [clamp01(x0), clamp01(x1)], anchor: `y${suffix}` };
    layout[`yaxis${suffix}`] = { ...p.yaxis, domain: [clamp01(y0), clamp01(y1)], anchor: `x${suffix}` };
    if (p.title) {
      (layout.annotations as unknown[]).push({
        text: wrapped[k].join('<br>'), showarrow: false, xref: 'paper', yref: 'paper',
        x: (x0 + x1) / 2, y: y1, xanchor: 'center', yanchor: 'bottom', yshift: 2, font: { size: FONT.subtitle },
      });
    }
  });
  return { data: colourBySeriesName(data), layout };
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, Math.round(v * 1e4) / 1e4));
}

/** The grey of reference lines (chance, targets, zero). */
export const REFERENCE_COLOUR = '#7f7f7f';

/**
 * A dashed horizontal reference line from x0 to x1 at height y, with a legend entry: the chance
 * loss, a target value, zero. Add it to a figure's traces.
 *
 * @example
 * const fig = nn.figure.line({ title: 'Loss', xTitle: 'epoch', yTitle: 'loss', series: [{ name: 'train', y: [1.1, 0.7, 0.4] }] });
 * fig.data.push(nn.figure.referenceLine('chance, ln 3', 0, 2, Math.log(3)));
 * nn.plot(fig);
 */
export function referenceLine(name: string, x0: number | string, x1: number | string, y: number): Trace {
  if (typeof name !== 'string' || name.trim() === '') throw new ArgumentError('referenceLine.name', name, 'a non-empty string (the legend names every line)');
  if (!Number.isFinite(y)) throw new ArgumentError('referenceLine.y', y, 'a finite number');
  return {
    type: 'scatter', mode: 'lines', name, x: [x0, x1], y: [y, y],
    line: { dash: 'dash', width: 1.5, color: REFERENCE_COLOUR }, hoverinfo: 'name+y',
  };
}

/**
 * Markers for runs that diverged (their value is NaN or infinite), drawn as a red ✕ at height `y`
 * (the top of a loss axis, 0 on an accuracy axis) with a legend entry, so a failed run is shown, not
 * left out. Returns null when no value diverged.
 *
 * @example
 * const lrs = [0.01, 0.1, 1], loss = [0.9, 0.4, NaN];
 * const fig = nn.figure.line({ title: 'Final loss', xTitle: 'lr', yTitle: 'loss', xScale: 'log', series: [{ name: 'plain', x: lrs, y: loss }] });
 * const d = nn.figure.divergedMarkers(lrs, loss, 2);
 * if (d) fig.data.push(d);
 */
export function divergedMarkers(x: readonly (number | string)[], values: readonly (number | null)[], y: number, name = 'diverged'): Trace | null {
  if (!Number.isFinite(y)) throw new ArgumentError('divergedMarkers.y', y, 'a finite number (where the markers sit)');
  const at = x.filter((_, i) => { const v = values[i]; return v === null || !Number.isFinite(v); });
  if (at.length === 0) return null;
  return {
    type: 'scatter', mode: 'markers+text', name, x: [...at], y: at.map(() => y), text: at.map(() => 'diverged'),
    textposition: 'top center', textfont: { color: DIVERGED_COLOUR, size: 11 }, cliponaxis: false,
    marker: { symbol: 'x', size: 11, color: DIVERGED_COLOUR, line: { width: 1, color: DIVERGED_COLOUR } },
  };
}

/** The red of diverged-run markers. */
export const DIVERGED_COLOUR = '#d62728';

/**
 * Throws unless `value` is a figure: an object with a `data` array of trace objects and a `layout`
 * object (what the nn.figure builders return).
 */
export function checkFigure(name: string, value: unknown): Figure {
  const f = value as { data?: unknown; layout?: unknown } | null;
  const ok = typeof f === 'object' && f !== null && Array.isArray(f.data) && f.data.every((t) => typeof t === 'object' && t !== null) &&
    typeof f.layout === 'object' && f.layout !== null && !Array.isArray(f.layout);
  if (!ok) throw new ArgumentError(name, value, 'a figure: { data: [traces], layout: {...} } (from nn.figure.line, nn.figure.bar, ...)');
  return value as Figure;
}

/** plotly's default colour cycle (D3 category10), the colours a trace without one would get. */
export const SERIES_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'] as const;

/** Trace types coloured by a colour scale rather than by one colour. */
const SCALE_TYPES = new Set(['heatmap', 'contour', 'image', 'surface', 'histogram2d']);

/**
 * One series name, one colour, in every panel (STYLE.md, "Figures a student can read"): each named
 * trace without a colour of its own gets the colour of its name, in the order names first appear
 * (plotly would colour by trace index, so a series changes colour from panel to panel). Traces with
 * a colour, unnamed traces and colour-scale traces are left as they are. Returns new traces.
 *
 * @example
 * colourBySeriesName([{ type: 'scatter', name: 'he' }, { type: 'scatter', name: 'he', xaxis: 'x2' }])
 * // both get line and marker colour '#1f77b4'
 */
export function colourBySeriesName(traces: readonly Trace[]): Trace[] {
  const names: string[] = [];
  return traces.map((t) => {
    const marker = (t.marker ?? {}) as Record<string, unknown>;
    const line = (t.line ?? {}) as Record<string, unknown>;
    const name = typeof t.name === 'string' ? t.name : '';
    if (!name || SCALE_TYPES.has(String(t.type)) || marker.color !== undefined || line.color !== undefined) return t;
    if (!names.includes(name)) names.push(name);
    const color = SERIES_COLOURS[names.indexOf(name) % SERIES_COLOURS.length];
    return t.type === 'scatter' ? { ...t, marker: { ...marker, color }, line: { ...line, color } } : { ...t, marker: { ...marker, color } };
  });
}

/**
 * A one-line text description of a figure, for logs and the plain-text fallback.
 *
 * @example
 * const fig = nn.figure.line({ title: 'Loss', xTitle: 'epoch', yTitle: 'loss', series: [{ name: 'train', y: [2.3, 1.1, 0.6] }] });
 * nn.figure.text(fig)   // '[figure] Loss: train (3 points)'
 */
export function figureText(fig: Figure): string {
  const title = ((fig.layout.title as { text?: string } | undefined)?.text ?? '(untitled)').replace(/<br\s*\/?>/gi, ' ');
  const traces = fig.data.map((t) => {
    const n = Array.isArray(t.y) ? t.y.length : Array.isArray(t.x) ? t.x.length : Array.isArray(t.z) ? t.z.length : 0;
    return `${String(t.name ?? t.type)} (${n} points)`;
  });
  return `[figure] ${title}: ${traces.join(', ')}`;
}
