/**
 * Room for every label of a figure, computed before plotly draws it (issue 16: "subplot spacing
 * computed from label sizes"). Plotly lays out the panels of a subplot grid at fixed fractions of
 * the figure and puts the labels around them wherever they fall, so long subplot titles run into
 * each other, tick labels land on the neighbouring panel and the legend sits on the data. Here
 * every label's size is estimated from its text (character widths of the default font, rounded
 * up), and the gaps between panels, the margins, the legend's place and the line breaks of long
 * titles follow from those sizes.
 *
 * The estimates assume a figure drawn no narrower than {@link MIN_WIDTH_PX} (a 900 px browser
 * window); wider figures only get more room. Everything here is pure: a figure in, a figure out.
 */

/** The narrowest width (px) a figure is laid out for: nnlab's figures are at most 960 px wide and shrink with the window. */
export const MIN_WIDTH_PX = 740;

/** Plotly's default font sizes (px) for the figure title, subplot titles (our annotations), axis titles, ticks and legend. */
export const FONT = { title: 17, subtitle: 13, axisTitle: 14, tick: 12, legend: 12 } as const;

/** Height of one line of text (px) at a font size: the box plotly's SVG text occupies. */
export function lineHeight(fontPx: number): number {
  return Math.ceil(fontPx * 1.3);
}

/**
 * The width (px) of a text in plotly's default font, rounded up: a per-character estimate in ems
 * (digits 0.64, lower case 0.6, upper case 0.72, narrow characters less), on the wide side of the
 * fonts browsers fall back to ("Open Sans", then DejaVu Sans or Arial). HTML tags are ignored.
 *
 * @example
 * textWidth('layer 10', 12)   // 55
 */
export function textWidth(text: string, fontPx: number): number {
  let em = 0;
  for (const ch of text.replace(/<[^>]*>/g, '')) {
    if (/[0-9]/.test(ch)) em += 0.64;
    else if (/[ilj.,:;'|!()[\]{}]/.test(ch)) em += 0.32;
    else if (ch === ' ') em += 0.32;
    else if (/[A-Z@%&MWmw—]/.test(ch)) em += 0.8;
    else em += 0.62;
  }
  return Math.ceil(em * fontPx);
}

/**
 * Breaks a text into lines no wider than `maxPx` at spaces (a word longer than the line keeps a
 * line of its own). Returns the lines.
 *
 * @example
 * wrapLines('a title that is far too long for one narrow panel', 120, 13)
 * // ['a title that is', 'far too long for', 'one narrow panel']
 */
export function wrapLines(text: string, maxPx: number, fontPx: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    const next = line ? `${line} ${w}` : w;
    if (line && textWidth(next, fontPx) > maxPx) {
      lines.push(line);
      line = w;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

/** A "nice" tick step for a range: 1, 2 or 5 times a power of ten, about `count` steps over it. */
export function niceStep(span: number, count = 5): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/**
 * A tick label as plotly draws it on a linear axis with its defaults (SI suffixes k, M, G above
 * 10^4 in absolute value, as many decimals as the step needs); used only to estimate widths.
 */
export function tickLabel(v: number, step: number): string {
  const a = Math.abs(v);
  if (a >= 1e4) {
    const [div, suffix] = a >= 1e9 ? [1e9, 'G'] : a >= 1e6 ? [1e6, 'M'] : [1e3, 'k'];
    const decimals = Math.max(0, -Math.floor(Math.log10(step / div) + 1e-9));
    return `${(v / div).toFixed(Math.min(decimals, 3))}${suffix}`;
  }
  if (a > 0 && a < 1e-3) return v.toExponential(0);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return v.toFixed(Math.min(decimals, 6));
}

/** An axis of a plotly layout (the keys this module reads and writes). */
type Axis = Record<string, unknown> & {
  type?: string; range?: unknown; tickvals?: unknown; ticktext?: unknown; showticklabels?: boolean;
  title?: { text?: string }; exponentformat?: string;
};

/** The numbers or categories a trace puts on one of its axes ('x' or 'y'), error bars included. */
function traceValues(t: Record<string, unknown>, dim: 'x' | 'y'): (number | string)[] {
  const raw = t[dim];
  const values: (number | string)[] = [];
  if (Array.isArray(raw)) {
    for (const v of raw) if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string') values.push(v);
  } else if (t.type === 'heatmap' && Array.isArray(t.z)) {
    const z = t.z as unknown[][];
    const n = dim === 'y' ? z.length : (z[0]?.length ?? 0);
    for (let i = 0; i < n; i++) values.push(i);
  }
  const err = t[`error_${dim}`] as { array?: number[] } | undefined;
  if (err?.array && Array.isArray(raw)) {
    raw.forEach((v, i) => {
      const e = err.array![i];
      if (typeof v === 'number' && typeof e === 'number' && Number.isFinite(e)) values.push(v + e, v - e);
    });
  }
  return values;
}

/**
 * The widest and the tallest tick label (px) an axis will get, from its explicit tick texts or
 * categories, or from the range its traces span (nice steps, plotly's formats; log axes as 1e-8).
 */
export function tickLabelSize(axis: Axis, values: readonly (number | string)[], angle = 0): { width: number; height: number } {
  const font = FONT.tick;
  const h = lineHeight(font);
  if (axis.showticklabels === false) return { width: 0, height: 0 };
  let labels: string[];
  if (Array.isArray(axis.ticktext)) labels = axis.ticktext.map(String);
  else if (values.some((v) => typeof v === 'string')) labels = values.map(String);
  else if (Array.isArray(axis.tickvals)) {
    const tv = axis.tickvals as number[];
    const step = tv.length > 1 ? Math.abs(tv[1] - tv[0]) : 1;
    labels = tv.map((v) => tickLabel(v, step));
  } else {
    const nums = values as number[];
    let lo = nums.length ? Math.min(...nums) : 0;
    let hi = nums.length ? Math.max(...nums) : 1;
    if (Array.isArray(axis.range) && axis.range.length === 2 && axis.type !== 'log') [lo, hi] = axis.range as number[];
    if (axis.type === 'log') {
      labels = ['1e-10', '5'];
    } else {
      const step = niceStep(hi - lo || Math.abs(hi) || 1);
      labels = [lo, hi, Math.ceil(lo / step) * step, Math.floor(hi / step) * step, -step, step]
        .filter((v) => v >= lo - step && v <= hi + step)
        .map((v) => tickLabel(Math.round(v / step) * step, step));
    }
  }
  const lines = labels.map((l) => l.split(/<br\s*\/?>/i));
  const width = Math.max(0, ...lines.flat().map((l) => textWidth(l, font)));
  const height = Math.max(1, ...lines.map((l) => l.length)) * h;
  if (angle !== 0) return { width: height, height: width };
  return { width, height };
}

/** Plotly's layout key of an axis id: 'x' → 'xaxis', 'y3' → 'yaxis3'. */
export function axisKey(id: string): string {
  return id.replace(/^([xy])/, '$1axis');
}

/** What one panel of a grid needs around its plot area (px). */
export interface PanelRoom {
  /** Left of the plot area: y tick labels and the y axis title. */
  left: number;
  /** Below: x tick labels and the x axis title. */
  below: number;
  /** Above: the subplot title (its wrapped lines). */
  above: number;
}

/** Pixels kept between a label block and its neighbour. */
export const PAD = 8;

/**
 * The room one panel's labels need, for a panel `panelPx` wide: y tick labels plus the y title's
 * line on the left; x tick labels plus the x title below; the wrapped subplot title above.
 */
export function panelRoom(xaxis: Axis, yaxis: Axis, traces: readonly Record<string, unknown>[], titleLines: number): PanelRoom {
  const xs = traces.flatMap((t) => traceValues(t, 'x'));
  const ys = traces.flatMap((t) => traceValues(t, 'y'));
  const yTicks = tickLabelSize(yaxis, ys);
  const xTicks = tickLabelSize(xaxis, xs, typeof xaxis.tickangle === 'number' ? xaxis.tickangle : 0);
  const yTitle = yaxis.title?.text ? lineHeight(FONT.axisTitle) + 6 : 0;
  const xTitle = xaxis.title?.text ? lineHeight(FONT.axisTitle) + 4 : 0;
  return {
    left: (yTicks.width ? yTicks.width + 6 : 0) + yTitle + PAD,
    below: (xTicks.height ? xTicks.height + 6 : 0) + xTitle + PAD,
    above: titleLines ? titleLines * lineHeight(FONT.subtitle) + 6 : 0,
  };
}

/**
 * How many rows a horizontal legend of these entries takes at `widthPx` (each entry: its symbol,
 * 40 px, and its text).
 */
export function legendRows(entries: readonly string[], widthPx: number): number {
  if (entries.length === 0) return 0;
  let rows = 1;
  let used = 0;
  for (const e of entries) {
    const w = 40 + textWidth(e, FONT.legend) + 10;
    if (used > 0 && used + w > widthPx) {
      rows += 1;
      used = 0;
    }
    used += w;
  }
  return rows;
}

/** A main title broken to fit a figure of `widthPx`; returns the plotly text (lines joined by <br>) and its line count. */
export function wrapTitle(title: string, widthPx: number, fontPx: number = FONT.title): { text: string; lines: number } {
  const lines = wrapLines(title, widthPx - 20, fontPx);
  return { text: lines.join('<br>'), lines: lines.length };
}

/**
 * Category tick labels broken into lines that fit their slot (the panel's width over the number of
 * categories), drawn level: returns the axis with `tickvals`, `ticktext` and `tickangle: 0`, or the
 * axis unchanged when every label fits on one line or the axis is not a category axis.
 *
 * @example
 * wrapCategoryTicks({}, ['test mode', 'training mode, batch of 1'], 160).ticktext
 * // ['test mode', 'training mode,<br>batch of 1']
 */
export function wrapCategoryTicks(axis: Record<string, unknown>, values: readonly (number | string)[], panelPx: number): Record<string, unknown> {
  const categories = Array.from(new Set(values.filter((v): v is string => typeof v === 'string')));
  if (categories.length === 0 || Array.isArray(axis.ticktext) || axis.showticklabels === false) return axis;
  const slot = panelPx / categories.length - 6;
  const wrapped = categories.map((c) => wrapLines(c.replace(/<br\s*\/?>/gi, ' '), slot, FONT.tick).join('<br>'));
  if (wrapped.every((w, i) => w === categories[i])) return axis;
  return { ...axis, tickmode: 'array', tickvals: categories, ticktext: wrapped, tickangle: 0 };
}

/** The values the traces of a panel put on one axis ('x' or 'y'). */
export function panelValues(traces: readonly Record<string, unknown>[], dim: 'x' | 'y'): (number | string)[] {
  return traces.flatMap((t) => traceValues(t, dim));
}
