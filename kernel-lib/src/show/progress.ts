/**
 * Live progress for long loops: a progress bar with ETA and a live loss/accuracy chart. In a
 * notebook each is one output updated in place (Jupyter's update_display_data); in the CLI, CI and
 * tests the same calls write plain text lines to stderr, never "Not ready" errors.
 *
 * @example
 * const bar = nn.progressBar({ total: epochs, label: 'training' });
 * const chart = nn.liveChart({ title: 'Loss', xTitle: 'epoch', yTitle: 'loss', series: ['train', 'val'] });
 * for (let e = 1; e <= epochs; e++) { ...; chart.push(e, { train, val }); bar.update(e, { loss: train }); }
 * bar.finish(); chart.finish();
 */
import { ArgumentError, checkInt, checkOptions } from '../core/errors';
import { Figure, lineFigure } from './figure';
import { checkProgress, ProgressEvent, ProgressOption } from '../core/progress';
import { escapeHtml, inKernel, publish } from './kernel';
import { embedPlotly, figureBundle, figureId, nextFigureIndex } from './plot';

/** Where progress goes outside a kernel, and the clock (tests inject both). */
export interface ProgressIO {
  /** Writes one line of text (default: process.stderr). */
  write?: (line: string) => void;
  /** Milliseconds since some origin (default: Date.now). */
  now?: () => number;
  /** Force notebook output on or off (default: detected). */
  notebook?: boolean;
}

export interface ProgressBarOptions extends ProgressIO {
  /** Number of steps to completion (an integer >= 1). */
  total: number;
  /** What is progressing ("epochs", "training"). */
  label?: string;
  /** Minimum milliseconds between notebook redraws (default 100). */
  redrawMs?: number;
  /** Text mode prints at every `textEvery` fraction of the total (default 0.1: every 10 %). */
  textEvery?: number;
  /**
   * In a notebook, redraw at least this often (ms) while the bar runs, so elapsed time and ETA
   * keep moving between updates (default 1000; 0: only on updates).
   */
  tickMs?: number;
}

/** Extra figures to show beside the bar (loss, accuracy). */
export type ProgressValues = Record<string, number>;

export interface ProgressBar {
  /** Sets the number of completed steps (0..total) and the latest values. */
  update(done: number, values?: ProgressValues): void;
  /** Advances by one step. */
  tick(values?: ProgressValues): void;
  /** Marks completion and draws the final state. */
  finish(values?: ProgressValues): void;
  /** The current state as plain data. */
  state(): ProgressState;
  /**
   * Renames what is progressing (the phase of an experiment); drawn at the next update. A new
   * label starts a phase: the ETA then follows the new phase's rate.
   */
  relabel(label: string): void;
}

export interface ProgressState { done: number; total: number; elapsedMs: number; etaMs: number | null; values: ProgressValues }

let displayCounter = 0;
function nextDisplayId(kind: string): string {
  displayCounter += 1;
  return `nnlab-${kind}-${process.pid}-${displayCounter}`;
}

/** "1:05" or "12 s" style durations. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}:${String(s % 60).padStart(2, '0')}`;
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function formatValues(values: ProgressValues): string {
  return Object.entries(values).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toPrecision(4)}`).join(', ');
}

/** The text line of a progress state: "training  40% [########............]  4/10  2 s, ETA 3 s  loss 0.52". */
export function progressText(label: string, s: ProgressState, width = 20): string {
  const frac = s.total > 0 ? s.done / s.total : 1;
  const filled = Math.round(frac * width);
  const eta = s.done >= s.total ? 'done' : s.etaMs === null ? 'ETA ?' : `ETA ${formatDuration(s.etaMs)}`;
  const vals = Object.keys(s.values).length ? `  ${formatValues(s.values)}` : '';
  return `${label} ${String(Math.round(frac * 100)).padStart(3)}% [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` +
    `${s.done}/${s.total}  ${formatDuration(s.elapsedMs)}, ${eta}${vals}`;
}

/** The HTML of a progress state: a bar, the counts, elapsed time, ETA and values. */
export function progressHtml(label: string, s: ProgressState): string {
  const pct = s.total > 0 ? (100 * s.done) / s.total : 100;
  const eta = s.done >= s.total ? 'done' : s.etaMs === null ? 'ETA ?' : `ETA ${formatDuration(s.etaMs)}`;
  const vals = Object.keys(s.values).length ? ` &middot; ${escapeHtml(formatValues(s.values))}` : '';
  return `<div class="nnlab-progress" data-done="${s.done}" data-total="${s.total}" style="font-family:monospace;font-size:13px">` +
    `<span>${escapeHtml(label)}</span> ` +
    `<span style="display:inline-block;width:240px;height:12px;border:1px solid #999;vertical-align:middle;background:#eee">` +
    `<span class="nnlab-progress-fill" style="display:block;height:100%;width:${pct.toFixed(1)}%;background:#4c78a8"></span></span> ` +
    `<span class="nnlab-progress-text">${s.done}/${s.total} (${Math.round(pct)}%) &middot; ${formatDuration(s.elapsedMs)}, ${eta}${vals}</span></div>`;
}

/**
 * A progress bar with ETA: one live output in a notebook, text lines elsewhere.
 *
 * @example
 * const bar = nn.progressBar({ total: 5, label: 'epochs' });
 * for (let e = 1; e <= 5; e++) {
 *   await new Promise((resolve) => setTimeout(resolve, 100));   // one epoch of work
 *   bar.update(e, { loss: 1 / e });
 * }
 * bar.finish();   // "epochs 100% [####################] 5/5  1 s, done  loss 0.2000"
 */
export function progressBar(options: ProgressBarOptions): ProgressBar {
  checkOptions('progressBar options', options, ['total', 'label', 'redrawMs', 'textEvery', 'tickMs', 'write', 'now', 'notebook']);
  if (options === undefined) throw new ArgumentError('progressBar options', options, 'an object with total (the number of steps)');
  const total = checkInt('progressBar.total', options.total, { min: 1 });
  let label = options.label ?? 'progress';
  const now = options.now ?? Date.now;
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const notebook = options.notebook ?? inKernel();
  const redrawMs = options.redrawMs ?? 100;
  const textEvery = options.textEvery ?? 0.1;
  if (!(textEvery > 0 && textEvery <= 1)) throw new ArgumentError('progressBar.textEvery', textEvery, 'a number in (0, 1]');
  const start = now();
  const displayId = nextDisplayId('progress');
  let done = 0;
  let values: ProgressValues = {};
  let lastDraw = -Infinity;
  let lastTextBucket = -1;
  let published = false;
  let finished = false;

  // the ETA comes from the rate of the current phase (a relabel starts one) once it has done a
  // step, else from the rate so far: phases of different cost per step (a small run, then a large
  // one) would otherwise give an ETA that runs low or high for the whole of the later phase
  let phaseStart = { at: start, done: 0 };
  const state = (): ProgressState => {
    const t = now();
    const elapsedMs = t - start;
    const inPhase = done - phaseStart.done;
    const etaMs = inPhase > 0 && t > phaseStart.at ? ((t - phaseStart.at) / inPhase) * (total - done)
      : done > 0 ? (elapsedMs / done) * (total - done) : null;
    return { done, total, elapsedMs, etaMs, values: { ...values } };
  };
  let ticker: ReturnType<typeof setInterval> | null = null;
  let lastUpdate = start;
  const stopTicker = () => {
    if (ticker) clearInterval(ticker);
    ticker = null;
  };
  const draw = (force: boolean) => {
    const s = state();
    if (notebook) {
      const t = now();
      if (!force && t - lastDraw < redrawMs) return;
      lastDraw = t;
      const shown = publish({ 'text/html': progressHtml(label, s), 'text/plain': progressText(label, s) }, { displayId, update: published });
      published = true;
      // the cell that owns the bar has ended (or ten idle minutes passed): stop redrawing
      if (!shown || t - lastUpdate > 600_000) stopTicker();
    } else {
      const bucket = Math.floor(done / total / textEvery);
      if (!force && bucket === lastTextBucket) return;
      lastTextBucket = bucket;
      write(progressText(label, s));
    }
  };
  const bar: ProgressBar = {
    update(n, vals) {
      if (finished) return;
      done = checkInt('progressBar.update(done)', n, { min: 0, max: total });
      if (vals) values = { ...values, ...vals };
      lastUpdate = now();
      draw(false);
    },
    tick(vals) { bar.update(Math.min(total, done + 1), vals); },
    finish(vals) {
      if (finished) return;
      if (vals) values = { ...values, ...vals };
      done = total;
      stopTicker();
      draw(true);
      finished = true;
    },
    state,
    relabel(l) {
      if (l !== label) phaseStart = { at: now(), done };
      label = l;
    },
  };
  draw(true);
  const tickMs = options.tickMs ?? 1000;
  if (notebook && tickMs > 0) {
    ticker = setInterval(() => draw(true), tickMs);
    ticker.unref?.();
  }
  return bar;
}

export interface LiveChartOptions extends ProgressIO {
  title: string;
  xTitle: string;
  yTitle: string;
  /** Names of the series, in legend order. */
  series: readonly string[];
  /** Redraw (or print a line) every `every` points (default 1). */
  every?: number;
  /** Minimum milliseconds between notebook redraws (default 250). */
  redrawMs?: number;
  yScale?: 'linear' | 'log';
}

export interface LiveChart {
  /** Adds one x position with a value per series (missing series get no point). */
  push(x: number, values: Record<string, number>): void;
  /** Draws the final state. */
  finish(): void;
  /** The chart so far, as a plain figure. */
  figure(): Figure;
}

/**
 * A line chart that grows while a loop runs: one live output in a notebook, text lines elsewhere.
 *
 * @example
 * const chart = nn.liveChart({ title: 'Loss', xTitle: 'epoch', yTitle: 'loss', series: ['train', 'val'] });
 * for (let e = 1; e <= 5; e++) {
 *   await new Promise((resolve) => setTimeout(resolve, 100));   // one epoch of work
 *   chart.push(e, { train: 1 / e, val: 1.2 / e });
 * }
 * chart.finish();
 * const fig = chart.figure();   // the final chart as a plain figure, e.g. for nn.figure.subplots
 */
export function liveChart(options: LiveChartOptions): LiveChart {
  checkOptions('liveChart options', options, ['title', 'xTitle', 'yTitle', 'series', 'every', 'redrawMs', 'yScale', 'write', 'now', 'notebook']);
  if (options === undefined) throw new ArgumentError('liveChart options', options, 'an object with title, xTitle, yTitle and series');
  const every = checkInt('liveChart.every', options.every ?? 1, { min: 1 });
  if (!Array.isArray(options.series) || options.series.length === 0) {
    throw new ArgumentError('liveChart.series', options.series, 'a non-empty array of series names');
  }
  const now = options.now ?? Date.now;
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const notebook = options.notebook ?? inKernel();
  const points = new Map(options.series.map((name) => [name, { x: [] as number[], y: [] as number[] }]));
  let count = 0;

  const figure = (): Figure => lineFigure({
    title: options.title, xTitle: options.xTitle, yTitle: options.yTitle, yScale: options.yScale,
    series: options.series.map((name) => ({ name, x: points.get(name)!.x, y: points.get(name)!.y })),
  });
  const live = notebook ? liveFigure(figure, { notebook, now, redrawMs: options.redrawMs ?? 250 }) : null;
  const draw = (force: boolean, latest: string) => {
    if (live) live.update(force);
    else write(latest);
  };
  return {
    push(x, values) {
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new ArgumentError('liveChart.push(x)', x, 'a finite number');
      for (const [name, v] of Object.entries(values)) {
        const p = points.get(name);
        if (!p) throw new ArgumentError(`liveChart.push(values.${name})`, v, `a value of one of the series ${options.series.join(', ')}`);
        p.x.push(x);
        p.y.push(v);
      }
      count += 1;
      if (count % every === 0) draw(false, `${options.title} @ ${options.xTitle} ${x}: ${formatValues(values)}`);
    },
    finish() {
      live?.finish();
    },
    figure,
  };
}

/** A figure redrawn in place while a loop runs (one notebook output); see {@link liveFigure}. */
export interface LiveFigure {
  /** Redraws from the figure function (at most every `redrawMs` unless `force`). */
  update(force?: boolean): void;
  /** Draws the final state. */
  finish(): void;
}

/**
 * One notebook output that shows `figure()` and is redrawn in place on `update()` (at most every
 * `redrawMs`, default 250): the live part of {@link liveChart}, for any figure (a live scatter of
 * a search's trials). Outside a kernel it draws nothing (the progress bar's text lines say enough).
 *
 * @example
 * const xs: number[] = [];
 * const live = nn.liveFigure(() => nn.figure.scatter({ title: 'Trials so far', xTitle: 'trial', yTitle: 'value', series: [{ name: 'trials', x: xs, y: xs }] }));
 * for (let i = 0; i < 5; i++) { xs.push(i); live.update(); }
 * live.finish();
 */
export function liveFigure(figure: () => Figure, options: ProgressIO & { redrawMs?: number } = {}): LiveFigure {
  const notebook = options.notebook ?? inKernel();
  const now = options.now ?? Date.now;
  const redrawMs = options.redrawMs ?? 250;
  const displayId = nextDisplayId('chart');
  // one position for the figure's whole life, so its final element id does not depend on how many
  // redraws the timing allowed
  const figureIndex = notebook ? nextFigureIndex() : 0;
  let lastDraw = -Infinity;
  let published = false;
  // live redraws are interactive only; the last one (finish) carries the static image (./static)
  const draw = (force: boolean, final = false) => {
    if (!notebook) return;
    const t = now();
    if (!force && t - lastDraw < redrawMs) return;
    lastDraw = t;
    if (!published) embedPlotly(false);
    const fig = figure();
    publish(figureBundle(fig, figureId(fig, figureIndex), final), { displayId, update: published });
    published = true;
  };
  return { update: (force = false) => draw(force), finish: () => draw(true, true) };
}

/** How an experiment draws its own progress (see core/progress.ts for the option's shape). */
export interface ExperimentProgressOptions extends ProgressIO {
  /** What runs, as the bar names it ("batchNorm.rescue"). */
  label: string;
  /**
   * A live chart of one metric, one series per phase (e.g. the loss of each run): x is
   * `metrics.epoch`, else `metrics.step`, else `done`. Without it only the bar is drawn.
   */
  chart?: { metric: string; title: string; xTitle: string; yTitle: string; series: readonly string[]; yScale?: 'linear' | 'log'; every?: number };
}

/** The reporter an experiment calls: `report(event)` per unit of work, `finish()` at the end. */
export interface ExperimentProgress {
  report(event: ProgressEvent): void;
  finish(): void;
}

/**
 * The reporter for an experiment's `progress` option: a callback is called as is; `false` is
 * silent; `true`, or no option inside a kernel, draws a live bar (phase and metrics beside it)
 * and, with `chart`, a live chart. Outside a kernel no option means silent, so `--json` output
 * and tests stay clean.
 */
export function experimentProgress(option: ProgressOption | undefined, options: ExperimentProgressOptions): ExperimentProgress {
  const progress = checkProgress(option);
  if (typeof progress === 'function') return { report: progress, finish() { /* the caller's callback owns its output */ } };
  const notebook = options.notebook ?? inKernel();
  if (progress === false || (progress === undefined && !notebook)) return { report() { /* silent */ }, finish() { /* silent */ } };
  let bar: ProgressBar | null = null;
  let chart: LiveChart | null = null;
  let phase = '';
  return {
    report(e) {
      const total = Math.max(1, e.total);
      if (!bar || bar.state().total !== total) {
        bar?.finish();
        bar = progressBar({ ...ioOf(options), total, label: options.label });
      }
      if (e.phase !== phase) {
        phase = e.phase;
        bar.relabel(phase ? `${options.label}: ${phase}` : options.label);
      }
      bar.update(Math.min(Math.max(0, e.done), total), e.metrics);
      const c = options.chart;
      const y = c ? e.metrics[c.metric] : undefined;
      if (c && typeof y === 'number' && Number.isFinite(y) && c.series.includes(e.phase)) {
        chart ??= liveChart({ ...ioOf(options), title: c.title, xTitle: c.xTitle, yTitle: c.yTitle, series: c.series, yScale: c.yScale, every: c.every });
        chart.push(e.metrics.epoch ?? e.metrics.step ?? e.done, { [e.phase]: y });
      }
    },
    finish() {
      bar?.finish();
      chart?.finish();
    },
  };
}

function ioOf(o: ProgressIO): ProgressIO {
  return { write: o.write, now: o.now, notebook: o.notebook };
}
