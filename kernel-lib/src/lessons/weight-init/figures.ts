/**
 * Figures and tables of the weight-initialization lesson (03). The figure builders are pure
 * functions of the plain records of `stats`, `grid` and `training`; the row builders make the
 * tables from the same records; `showStats`, `showGrid` and `showTraining` are the only functions
 * that draw.
 *
 * @example
 * const record = await nn.weightInit.stats({ init: 'small', activation: 'tanh' });
 * nn.weightInit.showStats(record);                        // table, mean/std vs layer, histograms per layer
 * nn.plot(nn.weightInit.gradientsFigure(record));         // std of dL/dW and dL/dx vs layer
 */
import { ArgumentError } from '../../core/errors';
import { Figure, histogramFigure, lineFigure, referenceLine, subplotsFigure } from '../../show/figure';
import { showFigure } from '../../show/plot';
import { showTable } from '../../show/table';
import type { GridRecord } from './grid';
import { runLabel, stdFactorPerLayer, verdict } from './math';
import type { StatsRecord } from './stats';
import type { TrainingRecord } from './training';

/** 'log' when the positive values span more than two decades and none is 0, else 'linear'. */
export function autoScale(values: readonly number[]): 'linear' | 'log' {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0 || finite.some((v) => v <= 0)) return 'linear';
  return Math.max(...finite) / Math.min(...finite) > 100 ? 'log' : 'linear';
}

function checkRecord(record: StatsRecord): void {
  if (!record || record.experiment !== 'initStats' || !Array.isArray(record.layers)) {
    throw new ArgumentError('record', record, 'a record returned by weightInit.stats');
  }
}

function checkGrid(grid: GridRecord): void {
  if (!grid || grid.experiment !== 'initStatsGrid') throw new ArgumentError('grid', grid, 'a record returned by weightInit.grid');
}

function checkTraining(record: TrainingRecord): void {
  if (!record || record.experiment !== 'initTraining') throw new ArgumentError('record', record, 'a record returned by weightInit.training');
}

/**
 * Two panels: the mean and the std of each layer's activations vs layer (the lecture's plots).
 *
 * @example
 * nn.plot(nn.weightInit.statsFigure(await nn.weightInit.stats({ init: 'small', activation: 'tanh' })));
 */
export function statsFigure(record: StatsRecord): Figure {
  checkRecord(record);
  const x = record.layers.map((l) => l.layer);
  const stds = record.layers.map((l) => l.std);
  const means = record.layers.map((l) => l.mean);
  const scale = autoScale(stds);
  // honest axes: the mean is drawn on the scale of the spread (a mean of 1e-4 beside a std of 0.6 is
  // 0, not structure), and a linear std axis starts at 0 (a std from 0.9816 to 0.982 is flat)
  const spread = Math.max(...stds.map(Math.abs), ...means.map(Math.abs), 1e-12);
  const meanFig = lineFigure({ title: 'mean of the activations', xTitle: 'layer', yTitle: 'mean', series: [{ name: 'mean', x, y: means }] });
  meanFig.layout.yaxis = { ...(meanFig.layout.yaxis as object), range: [-1.15 * spread, 1.15 * spread], zeroline: true };
  const stdFig = lineFigure({ title: 'std of the activations', xTitle: 'layer', yTitle: 'std', yScale: scale, series: [{ name: 'std', x, y: stds }] });
  if (scale === 'linear') stdFig.layout.yaxis = { ...(stdFig.layout.yaxis as object), range: [0, 1.15 * Math.max(...stds, 1e-12)] };
  return subplotsFigure([meanFig, stdFig], { title: `Activation statistics: ${runLabel(record)}`, rows: 1, cols: 2, height: 340 });
}

/**
 * One row of histograms, one per layer, with the record's bins and range. The panels are narrow:
 * each x axis has two ticks (at the range's quarters), all panels share one count axis (so heights
 * compare across layers) and only the first panel names its axes.
 *
 * @example
 * nn.plot(nn.weightInit.histogramsFigure(await nn.weightInit.stats({ init: 'large', activation: 'tanh' }))); // piled up at ±1
 */
export function histogramsFigure(record: StatsRecord): Figure {
  checkRecord(record);
  const [lo, hi] = record.options.range;
  const quarter = (hi - lo) / 4; // ticks inside the panel, so that neighbouring labels do not touch
  const figures = record.layers.map((l, k) => {
    const fig = histogramFigure({
      title: `layer ${l.layer}`, xTitle: 'activation', yTitle: 'count',
      series: [{ name: `layer ${l.layer}`, edges: l.histogram.edges, counts: l.histogram.counts }],
    });
    fig.layout.xaxis = {
      range: [lo, hi], tickvals: [lo + quarter, hi - quarter], tickangle: 0, title: { text: k === 0 ? 'activation' : '' },
    };
    return fig;
  });
  return subplotsFigure(figures, {
    title: `Activations per layer, ${record.options.bins} bins on [${lo}, ${hi}]: ${runLabel(record)}`,
    rows: 1, cols: figures.length, height: 280, shareY: true,
  });
}

/**
 * The std of dL/dW and of dL/dx per layer on the backward pass (log scale when they span decades).
 *
 * @example
 * nn.plot(nn.weightInit.gradientsFigure(await nn.weightInit.stats({ init: 'small', activation: 'tanh' })));
 */
export function gradientsFigure(record: StatsRecord): Figure {
  checkRecord(record);
  if (!record.gradients) throw new ArgumentError('record.gradients', null, 'gradient statistics: run weightInit.stats with gradients: true');
  const x = record.gradients.map((g) => g.layer);
  const all = record.gradients.flatMap((g) => [g.std, g.dxStd]);
  return lineFigure({
    title: `Gradients on the backward pass: ${runLabel(record)}`, xTitle: 'layer', yTitle: 'std of the gradient',
    yScale: autoScale(all),
    series: [
      { name: 'dL/dW (weights)', x, y: record.gradients.map((g) => g.std) },
      { name: 'dL/dx (layer input)', x, y: record.gradients.map((g) => g.dxStd) },
    ],
  });
}

/**
 * The std of dL/dW per layer for several records of `stats`: one line per record (log scale when
 * it spans decades); records without non-zero gradients (W = 0) are left out.
 *
 * @example
 * const runs = [await nn.weightInit.stats({ init: 'small' }), await nn.weightInit.stats({ init: 'xavier' })];
 * nn.plot(nn.weightInit.gradientsComparisonFigure(runs));
 */
export function gradientsComparisonFigure(records: readonly StatsRecord[]): Figure {
  if (!Array.isArray(records as unknown) || records.length === 0) throw new ArgumentError('records', records, 'a non-empty array of weightInit.stats records');
  records.forEach(checkRecord);
  const shown = records.filter((r) => r.gradients && r.gradients.some((g) => g.std > 0));
  if (shown.length === 0) throw new ArgumentError('records', records.length, 'records with non-zero gradients (run weightInit.stats with gradients: true)');
  return lineFigure({
    title: 'Std of the weight gradients dL/dW per layer', xTitle: 'layer', yTitle: 'std of dL/dW',
    yScale: autoScale(shown.flatMap((r) => r.gradients!.map((g) => g.std))),
    series: shown.map((r) => ({ name: runLabel(r), x: r.gradients!.map((g) => g.layer), y: r.gradients!.map((g) => g.std) })),
  });
}

/**
 * The std of the activations vs layer for every record of a grid: one panel per activation, one
 * line per init, one colour per init in both panels. W = 0 (std exactly 0) cannot be drawn on the
 * log axis and the title says so; Glorot is dashed over Xavier and named as equal to it when every
 * layer is square.
 *
 * @example
 * nn.plot(nn.weightInit.gridFigure(await nn.weightInit.grid({ batchSize: 200, depth: 10, width: 100 })));
 */
export function gridFigure(grid: GridRecord): Figure {
  checkGrid(grid);
  const { batchSize, inputWidth, widths } = grid.records[0].options;
  // Glorot's 2 / (fan_in + fan_out) equals Xavier's 1 / fan_in when every layer is square: say so,
  // and dash Glorot so that Xavier stays visible under it
  const square = widths.every((w) => w === inputWidth);
  const name = (init: string) => (init === 'glorot' && square ? 'glorot (= xavier: square layers)' : init);
  const zeros = grid.records.some((r) => r.layers.every((l) => l.std === 0));
  const panels = grid.activations.map((activation) => {
    const records = grid.records.filter((r) => r.activation === activation && r.layers.some((l) => l.std > 0));
    const fig = lineFigure({
      title: activation, xTitle: 'layer', yTitle: 'std of the activations', yScale: 'log',
      series: records.map((r) => ({ name: name(r.init), x: r.layers.map((l) => l.layer), y: r.layers.map((l) => l.std) })),
    });
    fig.data = fig.data.map((t) => (String(t.name).startsWith('glorot') ? { ...t, line: { dash: 'dash' }, marker: { symbol: 'circle-open', size: 9 } } : t));
    return fig;
  });
  return subplotsFigure(panels, {
    title: `Std of the activations by init (batch ${batchSize} x ${inputWidth}, ${widths.length} layers of ${widths[0]})` +
      (zeros ? '; W = 0 is not drawn: its std is exactly 0, off a log axis' : ''),
    rows: 1, cols: panels.length, height: 380,
  });
}

/**
 * The full-data loss vs epoch, one line per init, with the chance level ln(classes).
 *
 * @example
 * nn.plot(nn.weightInit.trainingFigure(await nn.weightInit.training({ inits: ['zeros', 'he'] })));
 */
export function trainingFigure(record: TrainingRecord): Figure {
  checkTraining(record);
  const epochs = record.curves[0].loss.map((_, e) => e);
  const o = record.options;
  const all = record.curves.flatMap((c) => c.loss).filter((v) => Number.isFinite(v) && v > 0);
  const fig = lineFigure({
    title: `Training loss by init: ${o.depth} x ${o.width} ${o.activation} MLP on the spiral`,
    xTitle: 'epoch', yTitle: 'cross-entropy loss (full data)', yScale: autoScale([...all, record.chanceLoss]),
    series: record.curves.map((c) => ({ name: c.init, x: epochs, y: c.loss })),
  });
  // runs stuck at chance lie on top of each other: each init keeps its own dash and marker, so
  // every line stays visible where they coincide
  const styles = [['solid', 'circle'], ['dash', 'square'], ['dot', 'diamond'], ['dashdot', 'triangle-up'], ['longdash', 'x']];
  fig.data = fig.data.map((t, i) => ({
    ...t, line: { dash: styles[i % styles.length][0], width: 2 }, marker: { symbol: styles[i % styles.length][1], size: 6 },
  }));
  fig.data.push(referenceLine(`chance, ln ${o.classes}`, 0, Math.max(o.epochs, epochs.length - 1), record.chanceLoss));
  return fig;
}

/** The table of a `stats` record: one row per layer, activation and (when present) gradient statistics. */
export function statsRows(record: StatsRecord): Record<string, number>[] {
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

/** The table of a grid: one row per run, first and last std, the factor per layer, saturation, gradients, verdict. */
export function summaryRows(grid: GridRecord): Record<string, string | number>[] {
  checkGrid(grid);
  return grid.records.map((r) => {
    const first = r.layers[0];
    const last = r.layers[r.layers.length - 1];
    const row: Record<string, string | number> = {
      init: r.init, activation: r.activation, 'std layer 1': first.std, [`std layer ${last.layer}`]: last.std,
      'std factor per layer': stdFactorPerLayer(r), 'saturated (last)': last.saturated, 'dead units (last)': last.deadUnits,
    };
    if (r.gradients) row['std dL/dW (layer 1)'] = r.gradients[0].std;
    row.verdict = verdict(r);
    return row;
  });
}

/** The table of a training record: one row per init, loss before and after, accuracy after. */
export function trainingRows(record: TrainingRecord): Record<string, string | number>[] {
  checkTraining(record);
  return record.curves.map((c) => ({
    init: c.init, 'loss before': c.loss[0], 'loss after': c.loss[c.loss.length - 1], 'accuracy after': c.accuracy[c.accuracy.length - 1],
  }));
}

/**
 * Shows a `stats` record: the per-layer table, mean and std vs layer, and the row of histograms.
 *
 * @example
 * nn.weightInit.showStats(await nn.weightInit.stats({ init: 'xavier', activation: 'tanh' }));
 */
export function showStats(record: StatsRecord): void {
  showTable(statsRows(record), { title: `${runLabel(record)}: ${record.options.batchSize} x ${record.options.inputWidth} input, ` +
    `${record.layers.length} layers (saturated: ${record.saturation})` });
  showFigure(statsFigure(record));
  showFigure(histogramsFigure(record));
}

/**
 * Shows a grid: the std per layer by init (one panel per activation) and a table with one row per
 * run and its verdict.
 *
 * @example
 * nn.weightInit.showGrid(await nn.weightInit.grid({ ...nn.weightInit.SETUP_B }));
 */
export function showGrid(grid: GridRecord): void {
  showFigure(gridFigure(grid));
  const { batchSize, inputWidth, widths } = grid.records[0].options;
  showTable(summaryRows(grid), { title: `Verdict per run: ${batchSize} x ${inputWidth} input, ${widths.length} layers of ${widths[0]}` });
}

/**
 * Shows a training record: the loss curves by init with the chance level, and a table of the loss
 * before and after training and the final accuracy.
 *
 * @example
 * nn.weightInit.showTraining(await nn.weightInit.training({ inits: ['zeros', 'xavier', 'he'] }));
 */
export function showTraining(record: TrainingRecord): void {
  showFigure(trainingFigure(record));
  const { epochs, classes } = record.options;
  showTable(trainingRows(record), {
    title: `After ${epochs} epochs (chance: loss ln ${classes} = ${record.chanceLoss.toFixed(4)}, accuracy 1/${classes})`,
  });
}
