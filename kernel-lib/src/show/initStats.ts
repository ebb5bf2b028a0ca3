/**
 * Figures and tables of the weight-initialization lesson (03). Builders are pure functions of the
 * plain records of `initStats`, `initStatsGrid` and `initTraining`; `showInitStats` is the only
 * one that draws.
 *
 * @example
 * const record = await nn.initStats({ init: 'small', activation: 'tanh' });
 * nn.showInitStats(record);                      // table, mean/std vs layer, histograms per layer
 * nn.showFigure(nn.initGradientsFigure(record)); // std of dL/dW and dL/dx vs layer
 */
import { ArgumentError } from '../core/errors';
import type { InitStatsGrid, InitStatsRecord } from '../concepts/initStats';
import { initVerdict, stdFactorPerLayer } from '../concepts/initStats';
import type { InitTrainingResult } from '../concepts/initTraining';
import { Figure, histogramFigure, lineFigure, subplotsFigure } from './figure';
import { showFigure } from './plot';
import { showTable } from './table';

/** "small (0.01) init, tanh": how figures and tables name a record. */
export function initLabel(record: InitStatsRecord): string {
  const scale = record.options.scale === null ? '' : ` (${record.options.scale})`;
  return `${record.init}${scale} init, ${record.activation}`;
}

/** 'log' when the positive values span more than two decades and none is 0, else 'linear'. */
export function autoScale(values: readonly number[]): 'linear' | 'log' {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0 || finite.some((v) => v <= 0)) return 'linear';
  return Math.max(...finite) / Math.min(...finite) > 100 ? 'log' : 'linear';
}

function checkRecord(record: InitStatsRecord): void {
  if (!record || record.experiment !== 'initStats' || !Array.isArray(record.layers)) {
    throw new ArgumentError('record', record, 'a record returned by initStats');
  }
}

/** Two panels: the mean and the std of each layer's activations vs layer (the lecture's plots). */
export function initStatsFigure(record: InitStatsRecord): Figure {
  checkRecord(record);
  const x = record.layers.map((l) => l.layer);
  const stds = record.layers.map((l) => l.std);
  return subplotsFigure([
    lineFigure({ title: 'mean of the activations', xTitle: 'layer', yTitle: 'mean', series: [{ name: 'mean', x, y: record.layers.map((l) => l.mean) }] }),
    lineFigure({ title: 'std of the activations', xTitle: 'layer', yTitle: 'std', yScale: autoScale(stds), series: [{ name: 'std', x, y: stds }] }),
  ], { title: `Activation statistics: ${initLabel(record)}`, rows: 1, cols: 2, height: 340 });
}

/**
 * One row of histograms, one per layer, with the record's bins and range. The panels are narrow:
 * each x axis has three ticks (the range's quarters), and only the first panel names its axes.
 */
export function initHistogramsFigure(record: InitStatsRecord): Figure {
  checkRecord(record);
  const figures = record.layers.map((l) => histogramFigure({
    title: `layer ${l.layer}`, xTitle: 'activation', yTitle: 'count',
    series: [{ name: `layer ${l.layer}`, edges: l.histogram.edges, counts: l.histogram.counts }],
  }));
  const [lo, hi] = record.options.range;
  const fig = subplotsFigure(figures, {
    title: `Activations per layer, ${record.options.bins} bins on [${lo}, ${hi}]: ${initLabel(record)}`,
    rows: 1, cols: figures.length, height: 280,
  });
  figures.forEach((_, k) => {
    const suffix = k === 0 ? '' : String(k + 1);
    const xaxis = fig.layout[`xaxis${suffix}`] as Record<string, unknown>;
    const yaxis = fig.layout[`yaxis${suffix}`] as Record<string, unknown>;
    const quarter = (hi - lo) / 4; // ticks inside the panel, so that neighbouring labels do not touch
    fig.layout[`xaxis${suffix}`] = { ...xaxis, range: [lo, hi], tickvals: [lo + quarter, lo + 2 * quarter, hi - quarter], tickangle: 0, ...(k === 0 ? {} : { title: { text: '' } }) };
    fig.layout[`yaxis${suffix}`] = { ...yaxis, ...(k === 0 ? {} : { title: { text: '' } }) };
  });
  return fig;
}

/** The std of dL/dW and of dL/dx per layer (log scale when they span decades). */
export function initGradientsFigure(record: InitStatsRecord): Figure {
  checkRecord(record);
  if (!record.gradients) throw new ArgumentError('record.gradients', null, 'gradient statistics: run initStats with gradients: true');
  const x = record.gradients.map((g) => g.layer);
  const all = record.gradients.flatMap((g) => [g.std, g.dxStd]);
  return lineFigure({
    title: `Gradients on the backward pass: ${initLabel(record)}`, xTitle: 'layer', yTitle: 'std of the gradient',
    yScale: autoScale(all),
    series: [
      { name: 'dL/dW (weights)', x, y: record.gradients.map((g) => g.std) },
      { name: 'dL/dx (layer input)', x, y: record.gradients.map((g) => g.dxStd) },
    ],
  });
}

/** The std of dL/dW per layer for several records: one line per record (log scale when it spans decades). */
export function initGradientsComparisonFigure(records: readonly InitStatsRecord[]): Figure {
  if (!Array.isArray(records as unknown) || records.length === 0) throw new ArgumentError('records', records, 'a non-empty array of initStats records');
  records.forEach(checkRecord);
  const shown = records.filter((r) => r.gradients && r.gradients.some((g) => g.std > 0));
  if (shown.length === 0) throw new ArgumentError('records', records.length, 'records with non-zero gradients (run initStats with gradients: true)');
  return lineFigure({
    title: 'Std of the weight gradients dL/dW per layer', xTitle: 'layer', yTitle: 'std of dL/dW',
    yScale: autoScale(shown.flatMap((r) => r.gradients!.map((g) => g.std))),
    series: shown.map((r) => ({ name: initLabel(r), x: r.gradients!.map((g) => g.layer), y: r.gradients!.map((g) => g.std) })),
  });
}

/** The std of the activations vs layer for every record of a grid: one panel per activation, one line per init. */
export function initGridFigure(grid: InitStatsGrid): Figure {
  if (!grid || grid.experiment !== 'initStatsGrid') throw new ArgumentError('grid', grid, 'a result of initStatsGrid');
  const panels = grid.activations.map((activation) => {
    const records = grid.records.filter((r) => r.activation === activation && r.layers.some((l) => l.std > 0));
    return lineFigure({
      title: activation, xTitle: 'layer', yTitle: 'std of the activations', yScale: 'log',
      series: records.map((r) => ({ name: r.init, x: r.layers.map((l) => l.layer), y: r.layers.map((l) => l.std) })),
    });
  });
  const { batchSize, inputWidth, widths } = grid.records[0].options;
  return subplotsFigure(panels, {
    title: `Std of the activations by init (batch ${batchSize} x ${inputWidth}, ${widths.length} layers of ${widths[0]})`,
    rows: 1, cols: panels.length, height: 380,
  });
}

/** The full-data loss vs epoch, one line per init, with the chance level ln(classes). */
export function initTrainingFigure(result: InitTrainingResult): Figure {
  if (!result || result.experiment !== 'initTraining') throw new ArgumentError('result', result, 'a result of initTraining');
  const epochs = result.curves[0].loss.map((_, e) => e);
  const o = result.options;
  return lineFigure({
    title: `Training loss by init: ${o.depth} x ${o.width} ${o.activation} MLP on the spiral`,
    xTitle: 'epoch', yTitle: 'cross-entropy loss (full data)', yScale: 'log',
    series: [
      ...result.curves.map((c) => ({ name: c.init, x: epochs, y: c.loss })),
      { name: `chance, ln ${o.classes}`, x: [0, o.epochs], y: [result.chanceLoss, result.chanceLoss] },
    ],
  });
}

/** One row per layer: the activation statistics and, when present, the gradient statistics. */
export function initStatsTable(record: InitStatsRecord): Record<string, number>[] {
  checkRecord(record);
  return record.layers.map((l, i) => {
    const row: Record<string, number> = { layer: l.layer, mean: l.mean, std: l.std, saturated: l.saturated, 'dead units': l.deadUnits };
    if (record.gradients) {
      row['std dL/dW'] = record.gradients[i].std;
      row['std dL/dx'] = record.gradients[i].dxStd;
    }
    return row;
  });
}

/** One row per record of a grid: first and last std, their ratio, saturation, gradients, verdict. */
export function initSummaryTable(grid: InitStatsGrid): Record<string, string | number>[] {
  if (!grid || grid.experiment !== 'initStatsGrid') throw new ArgumentError('grid', grid, 'a result of initStatsGrid');
  return grid.records.map((r) => {
    const first = r.layers[0];
    const last = r.layers[r.layers.length - 1];
    const row: Record<string, string | number> = {
      init: r.init, activation: r.activation, 'std layer 1': first.std, [`std layer ${last.layer}`]: last.std,
      'std factor per layer': stdFactorPerLayer(r), 'saturated (last)': last.saturated, 'dead units (last)': last.deadUnits,
    };
    if (r.gradients) row['std dL/dW (layer 1)'] = r.gradients[0].std;
    row.verdict = initVerdict(r);
    return row;
  });
}

/** Shows a record: the per-layer table, mean and std vs layer, and the row of histograms. */
export function showInitStats(record: InitStatsRecord): void {
  showTable(initStatsTable(record), { title: `${initLabel(record)}: ${record.options.batchSize} x ${record.options.inputWidth} input, ` +
    `${record.layers.length} layers (saturated: ${record.saturation})` });
  showFigure(initStatsFigure(record));
  showFigure(initHistogramsFigure(record));
}
