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
import { ArgumentError } from '../core/errors';

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
  /** Pixel height of the whole grid (default 300 per row). */
  height?: number;
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

function withScales(layout: Record<string, unknown>, xScale?: string, yScale?: string): Record<string, unknown> {
  if (xScale === 'log') layout.xaxis = { ...(layout.xaxis as object), type: 'log' };
  if (yScale === 'log') layout.yaxis = { ...(layout.yaxis as object), type: 'log' };
  return layout;
}

/**
 * Lines, one per series (loss curves, statistics vs depth). NaN breaks a line (a diverged run).
 *
 * @example
 * const fig = nn.figure.line({ title: 'Loss', xTitle: 'epoch', yTitle: 'loss', yScale: 'log',
 *   series: [{ name: 'train', x: [1, 2, 3], y: [2.3, 1.1, 0.6] }, { name: 'diverged', y: [2.3, 40, NaN] }] });
 * nn.plot(fig);   // the NaN breaks the second line
 */
export function lineFigure(o: LineFigureOptions): Figure {
  checkLabels('lineFigure', o);
  checkSeriesList('lineFigure', o.series);
  const data = o.series.map((s, i) => {
    const y = checkFiniteArray(`lineFigure.series[${i}].y`, s.y, true);
    const x = s.x ? checkFiniteArray(`lineFigure.series[${i}].x`, s.x) : y.map((_, k) => k);
    if (x.length !== y.length) throw new ArgumentError(`lineFigure.series[${i}].x.length`, x.length, `equal to y.length (${y.length})`);
    return { type: 'scatter', mode: 'lines+markers', name: s.name, x, y: y.map((v) => (Number.isFinite(v) ? v : null)) };
  });
  return { data, layout: withScales(baseLayout(o), o.xScale, o.yScale) };
}

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
  return { data, layout: withScales(baseLayout(o), o.xScale, o.yScale) };
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
  return { data, layout: baseLayout(o, { barmode: 'overlay', bargap: 0 }) };
}

/**
 * A heatmap of a matrix (a confusion matrix, a grid search, a weight matrix).
 *
 * @example
 * nn.plot(nn.figure.heatmap({ title: 'Confusion matrix', xTitle: 'predicted', yTitle: 'true',
 *   z: [[50, 2], [7, 41]], x: ['cat', 'dog'], y: ['cat', 'dog'], colorscale: 'Blues' }));
 */
export function heatmapFigure(o: HeatmapFigureOptions): Figure {
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
 * axes, its title as the cell's heading and its axis labels kept.
 *
 * @example
 * const loss = nn.figure.line({ title: 'Loss', xTitle: 'epoch', yTitle: 'loss', series: [{ name: 'train', y: [2.3, 1.1, 0.6] }] });
 * const acc = nn.figure.line({ title: 'Accuracy', xTitle: 'epoch', yTitle: 'accuracy', series: [{ name: 'val', y: [0.3, 0.7, 0.8] }] });
 * nn.plot(nn.figure.subplots([loss, acc], { title: 'Training', rows: 1, cols: 2 }));
 */
export function subplotsFigure(figures: readonly Figure[], o: SubplotsOptions): Figure {
  if (typeof o.title !== 'string' || o.title.trim() === '') throw new ArgumentError('subplotsFigure.title', o.title, 'a non-empty string');
  if (!Number.isInteger(o.rows) || o.rows < 1) throw new ArgumentError('subplotsFigure.rows', o.rows, 'an integer >= 1');
  if (!Number.isInteger(o.cols) || o.cols < 1) throw new ArgumentError('subplotsFigure.cols', o.cols, 'an integer >= 1');
  if (!Array.isArray(figures) || figures.length === 0 || figures.length > o.rows * o.cols) {
    throw new ArgumentError('subplotsFigure.figures.length', Array.isArray(figures) ? figures.length : figures, `an integer in [1, ${o.rows * o.cols}] (rows x cols)`);
  }
  const gapX = 0.08 / o.cols;
  const gapY = 0.16 / o.rows;
  const data: Trace[] = [];
  const layout: Record<string, unknown> = {
    title: { text: o.title },
    height: o.height ?? 300 * o.rows,
    margin: { t: 70, r: 20, b: 50, l: 60 },
    showlegend: figures.some((f) => f.data.length > 1),
    annotations: [] as unknown[],
  };
  figures.forEach((fig, k) => {
    const row = Math.floor(k / o.cols);
    const col = k % o.cols;
    const suffix = k === 0 ? '' : String(k + 1);
    const x0 = col / o.cols + gapX / 2;
    const x1 = (col + 1) / o.cols - gapX / 2;
    const y1 = 1 - row / o.rows - gapY / 2;
    const y0 = 1 - (row + 1) / o.rows + gapY / 2;
    for (const trace of fig.data) {
      data.push({ ...trace, xaxis: `x${suffix}`, yaxis: `y${suffix}`, showlegend: fig.data.length > 1 && k === 0 });
    }
    const fl = fig.layout as { title?: { text?: string }; xaxis?: object; yaxis?: object };
    layout[`xaxis${suffix}`] = { ...(fl.xaxis ?? {}), domain: [x0, x1], anchor: `y${suffix}` };
    layout[`yaxis${suffix}`] = { ...(fl.yaxis ?? {}), domain: [y0, y1], anchor: `x${suffix}` };
    (layout.annotations as unknown[]).push({
      text: fl.title?.text ?? '', showarrow: false, xref: 'paper', yref: 'paper',
      x: (x0 + x1) / 2, y: y1, xanchor: 'center', yanchor: 'bottom', font: { size: 13 },
    });
  });
  return { data: colourBySeriesName(data), layout };
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
  const title = (fig.layout.title as { text?: string } | undefined)?.text ?? '(untitled)';
  const traces = fig.data.map((t) => {
    const n = Array.isArray(t.y) ? t.y.length : Array.isArray(t.x) ? t.x.length : Array.isArray(t.z) ? t.z.length : 0;
    return `${String(t.name ?? t.type)} (${n} points)`;
  });
  return `[figure] ${title}: ${traces.join(', ')}`;
}
