/**
 * Figures and tables of lesson 07's training part: loss per step per optimizer, the schedules
 * together, decay vs constant, averaged vs raw weights. Builders are pure (record in, figure or
 * rows out); the `show…` functions are the only side effects. Each optimizer keeps one colour in
 * every figure of the lesson ({@link optimizerColour}: its place in `nn.nets.OPTIMIZERS` in the
 * repo's palette).
 *
 * @example
 * nn.optimizers.showCompareOptimizers(await nn.optimizers.compareOptimizers());
 */
import { ArgumentError } from '../../core/errors';
import { Figure, SERIES_COLOURS, subplotsFigure, Trace } from '../../show/figure';
import { showFigure } from '../../show/plot';
import { showTable, tableText, toTable } from '../../show/table';
import { OPTIMIZERS, OptimizerName } from '../../nets/optim';
import { OPTIMIZER_COLOURS } from './figures';
import type { CompareOptimizersRecord } from './compare';
import type { EmaRunRecord } from './ema';
import type { DecayRunRecord, ScheduleCurvesRecord } from './scheduleRun';

const MADE_BY: Readonly<Record<string, string>> = {
  optimizersCompare: 'nn.optimizers.compareOptimizers()', optimizersScheduleCurves: 'nn.optimizers.scheduleCurves()',
  optimizersDecay: 'nn.optimizers.decayRun()', optimizersEma: 'nn.optimizers.emaRun()',
};

function checkRecord(record: unknown, experiment: string): void {
  if (typeof record !== 'object' || record === null || (record as { experiment?: unknown }).experiment !== experiment) {
    throw new ArgumentError('record', record, `a record returned by ${MADE_BY[experiment]}`);
  }
}

/**
 * The colour of optimizer `name` in every figure of lesson 07: the palette's colour at its index in `nn.nets.OPTIMIZERS`.
 *
 * @example
 * nn.optimizers.optimizerColour('sgd')    // '#1f77b4'
 * nn.optimizers.optimizerColour('adam')   // '#8c564b'
 */
export function optimizerColour(name: string): string {
  if (!(OPTIMIZERS as readonly string[]).includes(name)) throw new ArgumentError('optimizer', name, `one of ${OPTIMIZERS.join(', ')}`);
  return OPTIMIZER_COLOURS[name as OptimizerName];
}

function panel(title: string, xTitle: string, yTitle: string, data: Trace[], yaxis: Record<string, unknown> = {}): Figure {
  // epochs are whole numbers: one tick each
  const xaxis = xTitle === 'epoch' ? { dtick: 1 } : {};
  return { data, layout: { title: { text: title }, xaxis: { ...xaxis, title: { text: xTitle } }, yaxis: { ...yaxis, title: { text: yTitle } } } };
}

/** A learning-rate axis from just below 0 (a 0 tick on the x axis's line would collide with the x axis's 0). */
const lrAxis = (top: number) => ({ range: [-0.04 * top, 1.06 * top], exponentformat: 'e' });

function line(name: string, x: readonly number[], y: readonly (number | null)[], colour: string, extra: Record<string, unknown> = {}): Trace {
  return { type: 'scatter', mode: 'lines', name, x: [...x], y: [...y], line: { color: colour, width: 2 }, ...extra };
}

const steps1 = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const epochs0 = (n: number) => Array.from({ length: n }, (_, i) => i);
const r4 = (v: number | null) => (v === null ? null : Number(v.toPrecision(4)));

// ============================================================================ compare

/**
 * Two panels: the mini-batch loss of every step, one line per optimizer; validation accuracy after
 * each epoch (epoch 0: the init).
 *
 * @example
 * nn.plot(nn.optimizers.compareFigure(await nn.optimizers.compareOptimizers()));
 */
export function compareFigure(record: CompareOptimizersRecord): Figure {
  checkRecord(record, 'optimizersCompare');
  const loss = record.runs.map((r) => line(`${r.label} (lr ${r.lr})`, steps1(r.losses.length), r.losses, optimizerColour(r.optimizer), { legendgroup: r.optimizer }));
  const acc = record.runs.map((r) => line(`${r.label} (lr ${r.lr})`, epochs0(r.epochs.length), r.epochs.map((e) => e.valAcc), optimizerColour(r.optimizer),
    { legendgroup: r.optimizer, showlegend: false, mode: 'lines+markers' }));
  return subplotsFigure([
    panel('Mini-batch loss', 'step', 'loss', loss),
    panel('Validation accuracy', 'epoch', 'accuracy', acc),
  ], { title: `Each optimizer on one net, init and batch order`, rows: 1, cols: 2 });
}

/**
 * One row per optimizer: lr, final loss, final validation accuracy.
 *
 * @example
 * nn.table(nn.optimizers.compareRows(await nn.optimizers.compareOptimizers()));
 */
export function compareRows(record: CompareOptimizersRecord): Record<string, string | number | null>[] {
  checkRecord(record, 'optimizersCompare');
  return record.runs.map((r) => ({
    optimizer: r.label, lr: r.lr, [`final loss (mean of last ${record.options.tail})`]: r4(r.finalLoss), 'val accuracy': r4(r.finalValAcc),
    diverged: r.divergedAt === null ? 'no' : `step ${r.divergedAt}`,
  }));
}

/**
 * The table as text (the CLI).
 *
 * @example
 * console.log(nn.optimizers.compareText(await nn.optimizers.compareOptimizers()));
 */
export function compareText(record: CompareOptimizersRecord): string {
  return tableText(toTable(compareRows(record)), {
    title: `Two-layer net, ${record.options.trainSize} rows, ${record.options.epochs} epoch${record.options.epochs === 1 ? '' : 's'} (${record.backend}); lowest final loss: ${record.best ?? 'none'}`,
  });
}

/**
 * Draws the figure and the table.
 *
 * @example
 * nn.optimizers.showCompareOptimizers(await nn.optimizers.compareOptimizers());
 */
export function showCompareOptimizers(record: CompareOptimizersRecord): void {
  showFigure(compareFigure(record));
  showTable(compareRows(record));
}

// ============================================================================ schedules

/**
 * Two panels of lr vs step: the decays (step, exp, 1/t, 1/√t, cosine, linear, constant) and the
 * ones that raise the rate again (SGDR's restarts, warmup + cosine).
 *
 * @example
 * nn.plot(nn.optimizers.scheduleCurvesFigure(nn.optimizers.scheduleCurves()));
 */
export function scheduleCurvesFigure(record: ScheduleCurvesRecord): Figure {
  checkRecord(record, 'optimizersScheduleCurves');
  const raising = new Set(['sgdr', 'warmup']);
  const traces = record.curves.map((c, i) => line(c.label, epochs0(c.values.length), c.values, SERIES_COLOURS[i % SERIES_COLOURS.length]));
  const yaxis = lrAxis(record.options.lr0);
  return subplotsFigure([
    panel('Decays', 'step t', 'learning rate', traces.filter((_, i) => !raising.has(record.curves[i].kind)), yaxis),
    panel('Restarts and warmup', 'step t', 'learning rate', traces.filter((_, i) => raising.has(record.curves[i].kind)), yaxis),
  ], { title: `Learning-rate schedules from lr0 = ${record.options.lr0} over ${record.options.steps} steps`, rows: 1, cols: 2 });
}

/**
 * One row per schedule: lr at a few steps.
 *
 * @example
 * nn.table(nn.optimizers.scheduleRows(nn.optimizers.scheduleCurves()));
 */
export function scheduleRows(record: ScheduleCurvesRecord): Record<string, string | number>[] {
  checkRecord(record, 'optimizersScheduleCurves');
  const n = record.options.steps;
  const at = [0, Math.floor(n / 10), Math.floor(n / 4), Math.floor(n / 2), Math.floor((3 * n) / 4), n - 1];
  return record.curves.map((c) => ({ schedule: c.label, ...Object.fromEntries(at.map((t) => [`t=${t}`, Number(c.values[t].toPrecision(3))])) }));
}

/**
 * Draws the figure and the table.
 *
 * @example
 * nn.optimizers.showScheduleCurves(nn.optimizers.scheduleCurves());
 */
export function showScheduleCurves(record: ScheduleCurvesRecord): void {
  showFigure(scheduleCurvesFigure(record));
  showTable(scheduleRows(record));
}

// ============================================================================ decay

/**
 * Three panels: the learning rate of each run, its mini-batch loss, its validation accuracy per epoch.
 *
 * @example
 * nn.plot(nn.optimizers.decayFigure(await nn.optimizers.decayRun()));
 */
export function decayFigure(record: DecayRunRecord): Figure {
  checkRecord(record, 'optimizersDecay');
  const colours = [SERIES_COLOURS[0], SERIES_COLOURS[1]];
  const lr = record.runs.map((r, i) => line(r.label, steps1(r.lrs.length), r.lrs, colours[i], { legendgroup: r.name }));
  const loss = record.runs.map((r, i) => line(r.label, steps1(r.losses.length), r.losses, colours[i], { legendgroup: r.name, showlegend: false }));
  const acc = record.runs.map((r, i) => line(r.label, epochs0(r.epochs.length), r.epochs.map((e) => e.valAcc), colours[i],
    { legendgroup: r.name, showlegend: false, mode: 'lines+markers' }));
  return subplotsFigure([
    panel('Learning rate', 'step', 'lr', lr, lrAxis(Math.max(...record.runs.flatMap((r) => r.lrs)))),
    panel('Mini-batch loss', 'step', 'loss', loss),
    panel('Validation accuracy', 'epoch', 'accuracy', acc),
  ], { title: `Constant rate vs ${record.options.kind} decay (${record.options.optimizer})`, rows: 1, cols: 3 });
}

/**
 * One row per run of decayRun: last lr, final loss, validation loss and accuracy.
 *
 * @example
 * nn.table(nn.optimizers.decayRows(await nn.optimizers.decayRun()));
 */
export function decayRows(record: DecayRunRecord): Record<string, string | number | null>[] {
  checkRecord(record, 'optimizersDecay');
  return record.runs.map((r) => ({
    run: r.label, 'last lr': Number(r.lrs[r.lrs.length - 1].toPrecision(3)), [`final loss (mean of last ${record.options.tail})`]: r4(r.finalLoss),
    'val loss': r4(r.finalValLoss), 'val accuracy': r4(r.finalValAcc),
  }));
}

/**
 * The table as text.
 *
 * @example
 * console.log(nn.optimizers.decayText(await nn.optimizers.decayRun()));
 */
export function decayText(record: DecayRunRecord): string {
  return tableText(toTable(decayRows(record)), { title: `Constant vs ${record.options.kind} decay, ${record.options.optimizer} (${record.backend})` });
}

/**
 * Draws the figure and the table.
 *
 * @example
 * nn.optimizers.showDecayRun(await nn.optimizers.decayRun());
 */
export function showDecayRun(record: DecayRunRecord): void {
  showFigure(decayFigure(record));
  showTable(decayRows(record));
}

// ============================================================================ EMA

/**
 * Two panels: validation accuracy and validation loss after each epoch, raw weights vs their
 * moving average.
 *
 * @example
 * nn.plot(nn.optimizers.emaFigure(await nn.optimizers.emaRun()));
 */
export function emaFigure(record: EmaRunRecord): Figure {
  checkRecord(record, 'optimizersEma');
  const x = epochs0(record.raw.valAcc.length);
  const series = (key: 'valAcc' | 'valLoss', legend: boolean) => [
    line('raw weights', x, record.raw[key], SERIES_COLOURS[0], { mode: 'lines+markers', legendgroup: 'raw', showlegend: legend }),
    line(`moving average, β = ${record.options.decay}`, x, record.ema[key], SERIES_COLOURS[1], { mode: 'lines+markers', legendgroup: 'ema', showlegend: legend }),
  ];
  return subplotsFigure([
    panel('Validation accuracy', 'epoch', 'accuracy', series('valAcc', true)),
    panel('Validation loss', 'epoch', 'data loss', series('valLoss', false)),
  ], { title: `Raw vs averaged weights (${record.options.optimizer}, lr ${record.options.lr})`, rows: 1, cols: 2 });
}

/**
 * The last epoch's numbers, raw vs averaged.
 *
 * @example
 * nn.table(nn.optimizers.emaRows(await nn.optimizers.emaRun()));
 */
export function emaRows(record: EmaRunRecord): Record<string, string | number | null>[] {
  checkRecord(record, 'optimizersEma');
  return (['raw', 'ema'] as const).map((k) => ({
    weights: k === 'raw' ? 'raw' : `moving average (β = ${record.options.decay})`, 'val accuracy': r4(record.final[k].valAcc), 'val loss': r4(record.final[k].valLoss),
  }));
}

/**
 * The table as text.
 *
 * @example
 * console.log(nn.optimizers.emaText(await nn.optimizers.emaRun()));
 */
export function emaText(record: EmaRunRecord): string {
  return tableText(toTable(emaRows(record)), { title: `Raw vs averaged weights after ${record.options.epochs} epochs (${record.backend})` });
}

/**
 * Draws the figure and the table.
 *
 * @example
 * nn.optimizers.showEma(await nn.optimizers.emaRun());
 */
export function showEma(record: EmaRunRecord): void {
  showFigure(emaFigure(record));
  showTable(emaRows(record));
}
