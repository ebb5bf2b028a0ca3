/**
 * The static twin of a figure: plotly.js itself draws the figure into a DOM without a browser
 * (jsdom), and plotly's own SVG export (`Plotly.Snapshot.toSVG`) gives the image. The same plotly
 * code, version and layout rules as the interactive chart, so the two agree on ranges, ticks, bins,
 * legends and colours; only text is measured here instead of by a browser (./textMetrics, DejaVu
 * Sans, the font a browser without Open Sans reads it in).
 *
 * What jsdom lacks and plotly needs is supplied on the window:
 * - text measurement (`getBoundingClientRect`, `getBBox`, `getComputedTextLength`) from the
 *   character widths, the font size in the style and plotly's line spacing;
 * - a 2D canvas that knows `fillRect`, `putImageData` and `toDataURL` (heatmaps and image traces
 *   are drawn pixel by pixel into a canvas and embedded as a PNG), encoded by ./png;
 * - `TextDecoder`, `URL.createObjectURL`.
 *
 * Loading jsdom and plotly takes about a second, once per process; a figure then takes tens of
 * milliseconds. Nothing happens at import: the first `renderSvg` call loads both.
 */
import * as fs from 'fs';
import { createHash } from 'crypto';
import { Figure } from './figure';
import { encodePng } from './png';
import { ASCENT_EM, DESCENT_EM, fontTextWidth } from './textMetrics';

/** Plotly's line spacing for text of several lines (svg_text_utils LINE_SPACING), in em. */
const LINE_SPACING_EM = 1.3;
/** The width a figure without one is drawn at: the widest an nnlab chart shows in a notebook. */
export const STATIC_WIDTH_PX = 960;
/** The height of a figure without one (plotly's default is 450; nnlab's builders set 360). */
const DEFAULT_HEIGHT_PX = 360;
/** How long one render may take before it is abandoned (plotly never resolving would hang). */
const RENDER_TIMEOUT_MS = 20_000;

/* eslint-disable @typescript-eslint/no-explicit-any */
type Win = any;
type El = any;

interface Box { left: number; top: number; width: number; height: number }

let windowPromise: Promise<Win> | null = null;

/** The jsdom window with plotly.js loaded (created on the first call, then shared). */
function plotlyWindow(): Promise<Win> {
  if (!windowPromise) {
    windowPromise = (async () => {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const { JSDOM } = require('jsdom') as { JSDOM: new (html: string, options: object) => { window: Win } };
      const { VirtualConsole } = require('jsdom') as { VirtualConsole: new () => object };
      // plotly's warnings ("Too many auto-margin redraws") go nowhere: the interactive chart says
      // the same in the browser's console, and a kernel's output is the student's
      const dom = new JSDOM('<!DOCTYPE html><html><head></head><body></body></html>',
        { runScripts: 'outside-only', pretendToBeVisual: true, virtualConsole: new VirtualConsole() });
      const win = dom.window;
      installPolyfills(win);
      win.eval(fs.readFileSync(require.resolve('plotly.js-dist-min/plotly.min.js'), 'utf8'));
      if (!win.Plotly?.Snapshot?.toSVG) throw new Error('plotly.js loaded without Plotly.Snapshot.toSVG');
      return win;
    })();
    windowPromise.catch(() => { windowPromise = null; });
  }
  return windowPromise;
}

// ---------------------------------------------------------------- text measurement

/** The font size (px) that applies to an element: its own or an ancestor's inline style. */
function fontSize(el: El): number {
  const percents: number[] = [];
  for (let e = el; e && e.style !== undefined; e = e.parentNode) {
    const value = String(e.style.fontSize || '');
    if (value.endsWith('%')) percents.push(parseFloat(value) / 100);
    else if (value.endsWith('px') || /^[\d.]+$/.test(value)) {
      return percents.reduce((size, p) => size * p, parseFloat(value));
    } else if (value.endsWith('em')) percents.push(parseFloat(value));
  }
  return percents.reduce((size, p) => size * p, 12);
}

function anchorOf(el: El): string {
  for (let e = el; e && e.getAttribute; e = e.parentNode) {
    const a = e.getAttribute('text-anchor') || (e.style && e.style.textAnchor);
    if (a) return a;
  }
  return 'start';
}

/** The lines of a text element: plotly writes each line of a multi-line label as a `tspan.line`. */
function textLines(el: El): El[][] {
  const lines = Array.from(el.querySelectorAll ? el.querySelectorAll('tspan.line') : []) as El[];
  return lines.length ? lines.map((l) => [l]) : [[el]];
}

/** Width (px) of the text under `node`: each text node at the font size of its parent element. */
function runWidth(node: El): number {
  let width = 0;
  const walk = (n: El) => {
    if (n.nodeType === 3) width += fontTextWidth(n.nodeValue ?? '', fontSize(n.parentNode));
    else for (const c of Array.from(n.childNodes ?? []) as El[]) walk(c);
  };
  walk(node);
  return width;
}

type Matrix = [number, number, number, number, number, number]; // a b c d e f, as SVG writes it

function multiply(m: Matrix, n: Matrix): Matrix {
  return [m[0] * n[0] + m[2] * n[1], m[1] * n[0] + m[3] * n[1], m[0] * n[2] + m[2] * n[3], m[1] * n[2] + m[3] * n[3],
    m[0] * n[4] + m[2] * n[5] + m[4], m[1] * n[4] + m[3] * n[5] + m[5]];
}

/** An SVG `transform` attribute (translate, rotate, scale, matrix) as one matrix. */
export function parseTransform(t: string): Matrix {
  let m: Matrix = [1, 0, 0, 1, 0, 0];
  for (const [, fn, argText] of t.matchAll(/(\w+)\s*\(([^)]*)\)/g)) {
    const a = argText.split(/[\s,]+/).filter(Boolean).map(Number);
    if (fn === 'translate') m = multiply(m, [1, 0, 0, 1, a[0] || 0, a[1] || 0]);
    else if (fn === 'scale') m = multiply(m, [a[0] ?? 1, 0, 0, a[1] ?? a[0] ?? 1, 0, 0]);
    else if (fn === 'matrix' && a.length === 6) m = multiply(m, a as Matrix);
    else if (fn === 'rotate') {
      const r = ((a[0] || 0) * Math.PI) / 180;
      const [cx, cy] = [a[1] || 0, a[2] || 0];
      m = multiply(m, [1, 0, 0, 1, cx, cy]);
      m = multiply(m, [Math.cos(r), Math.sin(r), -Math.sin(r), Math.cos(r), 0, 0]);
      m = multiply(m, [1, 0, 0, 1, -cx, -cy]);
    }
  }
  return m;
}

/** The product of the transforms of an element and its ancestors: its coordinates in the page's. */
function screenMatrix(el: El): Matrix {
  let m: Matrix = [1, 0, 0, 1, 0, 0];
  for (let e = el; e && e.getAttribute; e = e.parentNode) {
    const t = e.getAttribute('transform');
    if (t) m = multiply(parseTransform(String(t)), m);
  }
  return m;
}

/** The box a browser would give a `<text>` (or `<tspan>`) element, from its content, in page coordinates. */
function textBox(el: El): Box | null {
  if (!(el.textContent ?? '').length) return null;
  const size = fontSize(el);
  const lines = textLines(el);
  const width = Math.max(...lines.map((nodes) => nodes.reduce((w, n) => w + runWidth(n), 0)));
  const x = parseFloat(el.getAttribute('x')) || 0;
  const y = parseFloat(el.getAttribute('y')) || 0;
  const anchor = anchorOf(el);
  const left = anchor === 'middle' ? x - width / 2 : anchor === 'end' ? x - width : x;
  const height = (ASCENT_EM + DESCENT_EM) * size + (lines.length - 1) * LINE_SPACING_EM * size;
  const top = y - ASCENT_EM * size;
  const m = screenMatrix(el);
  const corners = [[left, top], [left + width, top], [left, top + height], [left + width, top + height]]
    .map(([px, py]) => [m[0] * px + m[2] * py + m[4], m[1] * px + m[3] * py + m[5]]);
  const xs = corners.map((c) => c[0]);
  const ys = corners.map((c) => c[1]);
  return { left: Math.min(...xs), top: Math.min(...ys), width: Math.max(...xs) - Math.min(...xs), height: Math.max(...ys) - Math.min(...ys) };
}

/** The union of the text boxes inside an element (a group of labels), or an empty box at 0, 0. */
function elementBox(el: El): Box {
  const tag = String(el.tagName || '').toLowerCase();
  if (tag === 'text') return textBox(el) ?? { left: 0, top: 0, width: 0, height: 0 };
  const boxes = (tag === 'tspan' ? [textBox(el)] : (Array.from(el.querySelectorAll ? el.querySelectorAll('text') : []) as El[]).map(textBox))
    .filter((b): b is Box => b !== null);
  if (!boxes.length) return { left: 0, top: 0, width: 0, height: 0 };
  const left = Math.min(...boxes.map((b) => b.left));
  const top = Math.min(...boxes.map((b) => b.top));
  const right = Math.max(...boxes.map((b) => b.left + b.width));
  const bottom = Math.max(...boxes.map((b) => b.top + b.height));
  return { left, top, width: right - left, height: bottom - top };
}

function rect(b: Box): Record<string, number> {
  return { x: b.left, y: b.top, left: b.left, top: b.top, width: b.width, height: b.height, right: b.left + b.width, bottom: b.top + b.height };
}

// ---------------------------------------------------------------- path lengths (annotation arrows)

/**
 * The vertices of an SVG path's `d` (M, L, H, V, Z and their relative forms; a curve counts as the
 * chord to its end point): enough for plotly's arrows, which are straight lines.
 */
export function pathPoints(d: string): [number, number][] {
  const tokens = d.match(/[a-zA-Z]|-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/g) ?? [];
  const pts: [number, number][] = [];
  let x = 0;
  let y = 0;
  let start: [number, number] = [0, 0];
  let cmd = 'M';
  const ARGS: Record<string, number> = { M: 2, L: 2, H: 1, V: 1, C: 6, S: 4, Q: 4, T: 2, A: 7, Z: 0 };
  let i = 0;
  while (i < tokens.length) {
    if (/[a-zA-Z]/.test(tokens[i])) cmd = tokens[i++];
    const up = cmd.toUpperCase();
    const rel = cmd !== up;
    const n = ARGS[up] ?? 0;
    if (up === 'Z') { x = start[0]; y = start[1]; pts.push([x, y]); if (i < tokens.length && !/[a-zA-Z]/.test(tokens[i])) i++; continue; }
    const a = tokens.slice(i, i + n).map(Number);
    if (a.length < n) break;
    i += n;
    if (up === 'H') x = (rel ? x : 0) + a[0];
    else if (up === 'V') y = (rel ? y : 0) + a[0];
    else { x = (rel ? x : 0) + a[n - 2]; y = (rel ? y : 0) + a[n - 1]; }
    pts.push([x, y]);
    if (up === 'M') { start = [x, y]; cmd = rel ? 'l' : 'L'; }
  }
  return pts;
}

function pathLength(pts: readonly [number, number][]): number {
  let total = 0;
  for (let k = 1; k < pts.length; k++) total += Math.hypot(pts[k][0] - pts[k - 1][0], pts[k][1] - pts[k - 1][1]);
  return total;
}

function pointAtLength(pts: readonly [number, number][], at: number): { x: number; y: number } {
  if (!pts.length) return { x: 0, y: 0 };
  let left = Math.max(0, at);
  for (let k = 1; k < pts.length; k++) {
    const seg = Math.hypot(pts[k][0] - pts[k - 1][0], pts[k][1] - pts[k - 1][1]);
    if (seg > 0 && left <= seg) {
      const t = left / seg;
      return { x: pts[k - 1][0] + t * (pts[k][0] - pts[k - 1][0]), y: pts[k - 1][1] + t * (pts[k][1] - pts[k - 1][1]) };
    }
    left -= seg;
  }
  const last = pts[pts.length - 1];
  return { x: last[0], y: last[1] };
}

// ---------------------------------------------------------------- a 2D canvas

interface Pixels { width: number; height: number; data: Uint8ClampedArray }

/** rgb(), rgba(), #rgb and #rrggbb as [r, g, b, a in 0..1]; anything else is opaque black. */
export function parseCssColour(s: string): [number, number, number, number] {
  const t = String(s).trim().toLowerCase();
  const fn = /^rgba?\(([^)]*)\)$/.exec(t);
  if (fn) {
    const p = fn[1].split(/[\s,/]+/).filter(Boolean).map(parseFloat);
    return [p[0] || 0, p[1] || 0, p[2] || 0, p.length > 3 ? p[3] : 1];
  }
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(t);
  if (hex) {
    const h = hex[1].length === 3 ? hex[1].split('').map((c) => c + c).join('') : hex[1];
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16), 1];
  }
  if (t === 'white') return [255, 255, 255, 1];
  if (t === 'transparent') return [0, 0, 0, 0];
  return [0, 0, 0, 1];
}

/** The pixels behind a canvas element, reallocated when its size changes. */
const canvasPixels = new WeakMap<object, Pixels>();

function pixelsOf(canvas: El): Pixels {
  const width = Math.max(1, Math.round(Number(canvas.width) || 0));
  const height = Math.max(1, Math.round(Number(canvas.height) || 0));
  let p = canvasPixels.get(canvas);
  if (!p || p.width !== width || p.height !== height) {
    p = { width, height, data: new Uint8ClampedArray(width * height * 4) };
    canvasPixels.set(canvas, p);
  }
  return p;
}

/** The part of CanvasRenderingContext2D plotly's heatmap and image traces use. */
class Context2D {
  fillStyle = '#000000';
  globalAlpha = 1;
  imageSmoothingEnabled = false;
  constructor(readonly canvas: El) {}

  fillRect(x: number, y: number, w: number, h: number): void {
    const p = pixelsOf(this.canvas);
    const [r, g, b, a0] = parseCssColour(this.fillStyle);
    const a = a0 * this.globalAlpha;
    const x0 = Math.max(0, Math.round(x));
    const x1 = Math.min(p.width, Math.round(x + w));
    const y0 = Math.max(0, Math.round(y));
    const y1 = Math.min(p.height, Math.round(y + h));
    for (let yy = y0; yy < y1; yy++) {
      for (let xx = x0; xx < x1; xx++) {
        const i = (yy * p.width + xx) * 4;
        const da = p.data[i + 3] / 255;
        const oa = a + da * (1 - a);
        if (oa === 0) continue;
        p.data[i] = (r * a + p.data[i] * da * (1 - a)) / oa;
        p.data[i + 1] = (g * a + p.data[i + 1] * da * (1 - a)) / oa;
        p.data[i + 2] = (b * a + p.data[i + 2] * da * (1 - a)) / oa;
        p.data[i + 3] = oa * 255;
      }
    }
  }

  clearRect(x: number, y: number, w: number, h: number): void {
    const p = pixelsOf(this.canvas);
    for (let yy = Math.max(0, Math.round(y)); yy < Math.min(p.height, Math.round(y + h)); yy++) {
      p.data.fill(0, (yy * p.width + Math.max(0, Math.round(x))) * 4, (yy * p.width + Math.min(p.width, Math.round(x + w))) * 4);
    }
  }

  createImageData(w: number, h: number): Pixels {
    return { width: w, height: h, data: new Uint8ClampedArray(Math.max(0, w * h * 4)) };
  }

  getImageData(x: number, y: number, w: number, h: number): Pixels {
    const p = pixelsOf(this.canvas);
    const out = this.createImageData(w, h);
    for (let yy = 0; yy < h; yy++) {
      for (let xx = 0; xx < w; xx++) {
        const sx = xx + x;
        const sy = yy + y;
        if (sx < 0 || sy < 0 || sx >= p.width || sy >= p.height) continue;
        out.data.set(p.data.subarray((sy * p.width + sx) * 4, (sy * p.width + sx) * 4 + 4), (yy * w + xx) * 4);
      }
    }
    return out;
  }

  putImageData(img: Pixels, dx: number, dy: number): void {
    const p = pixelsOf(this.canvas);
    for (let yy = 0; yy < img.height; yy++) {
      for (let xx = 0; xx < img.width; xx++) {
        const tx = xx + Math.round(dx);
        const ty = yy + Math.round(dy);
        if (tx < 0 || ty < 0 || tx >= p.width || ty >= p.height) continue;
        p.data.set(img.data.subarray((yy * img.width + xx) * 4, (yy * img.width + xx) * 4 + 4), (ty * p.width + tx) * 4);
      }
    }
  }

  drawImage(): void {
    throw new Error('the static figure renderer cannot draw images into a canvas (an image trace with a URL source)');
  }

  save(): void { /* no transforms are used */ }
  restore(): void { /* no transforms are used */ }
}

function installPolyfills(win: Win): void {
  win.TextDecoder = TextDecoder;
  win.TextEncoder = TextEncoder;
  win.URL.createObjectURL = () => 'blob:nnlab-static';
  win.URL.revokeObjectURL = () => undefined;
  win.Element.prototype.getBoundingClientRect = function getBoundingClientRect(this: El) {
    return rect(elementBox(this));
  };
  win.SVGElement.prototype.getBBox = function getBBox(this: El) {
    const b = elementBox(this);
    return { x: b.left, y: b.top, width: b.width, height: b.height };
  };
  win.SVGElement.prototype.getComputedTextLength = function getComputedTextLength(this: El) {
    return runWidth(this);
  };
  win.SVGElement.prototype.getTotalLength = function getTotalLength(this: El) {
    return pathLength(pathPoints(String(this.getAttribute('d') ?? '')));
  };
  win.SVGElement.prototype.getPointAtLength = function getPointAtLength(this: El, at: number) {
    return pointAtLength(pathPoints(String(this.getAttribute('d') ?? '')), at);
  };
  win.HTMLCanvasElement.prototype.getContext = function getContext(this: El, kind: string) {
    if (kind !== '2d') return null;
    if (!this.__nnlabContext) this.__nnlabContext = new Context2D(this);
    return this.__nnlabContext;
  };
  win.HTMLCanvasElement.prototype.toDataURL = function toDataURL(this: El) {
    const p = pixelsOf(this);
    return `data:image/png;base64,${encodePng(new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.length), p.width, p.height, 4).toString('base64')}`;
  };
}

// ---------------------------------------------------------------- the render

/**
 * Plotly names clip paths, gradients and traces after random ids (`Math.random`), so the same
 * figure would give another SVG every run. Each render draws them from a generator seeded by a hash
 * of the figure: a notebook run twice gives the same outputs.
 */
function seededRandom(fig: Figure): () => number {
  let state = createHash('sha256').update(JSON.stringify(fig)).digest().readUInt32LE(0) || 1;
  return () => {
    // xorshift32
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state / 4294967296;
  };
}

/** Options of {@link renderSvg}. */
export interface StaticRenderOptions {
  /** Width in px (default: the figure's `layout.width`, else {@link STATIC_WIDTH_PX}). */
  width?: number;
  /** Height in px (default: the figure's `layout.height`, else 360). */
  height?: number;
}

/**
 * The figure as an SVG document, drawn by plotly.js without a browser. Rejects when plotly fails
 * on the figure or takes longer than 20 s.
 *
 * @example
 * const fig = nn.figure.line({ title: 'Loss', xTitle: 'epoch', yTitle: 'loss', series: [{ name: 'train', y: [2.3, 1.1, 0.6] }] });
 * const svg = await nn.figure.renderSvg(fig);   // '<svg class="main-svg" ... width="960" height="360" ...>'
 */
export async function renderSvg(fig: Figure, options: StaticRenderOptions = {}): Promise<string> {
  const win = await plotlyWindow();
  const layout = JSON.parse(JSON.stringify(fig.layout)) as Record<string, unknown>;
  const width = options.width ?? (typeof layout.width === 'number' ? layout.width : STATIC_WIDTH_PX);
  const height = options.height ?? (typeof layout.height === 'number' ? layout.height : DEFAULT_HEIGHT_PX);
  win.Math.random = seededRandom(fig);
  const div = win.document.createElement('div');
  win.document.body.appendChild(div);
  let timer: NodeJS.Timeout | undefined;
  try {
    const drawn = win.Plotly.newPlot(div, JSON.parse(JSON.stringify(fig.data)), { ...layout, width, height, autosize: false },
      { staticPlot: true, displayModeBar: false, responsive: false });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`plotly did not finish drawing within ${RENDER_TIMEOUT_MS / 1000} s`)), RENDER_TIMEOUT_MS);
    });
    await Promise.race([drawn, timeout]);
    return String(win.Plotly.Snapshot.toSVG(div));
  } finally {
    if (timer) clearTimeout(timer);
    try { win.Plotly.purge(div); } catch { /* already failed */ }
    div.remove();
  }
}
