/**
 * Figures and tables of the transfer-learning lesson (10). Builders are pure (record in, plain
 * figure or rows out); the `show…` functions are the only side effects. Tables go through danfo
 * DataFrames ({@link transferTableFrame}) so a student can sort and filter them.
 *
 * @example
 * const r = await nn.transferTable();
 * nn.showTransferTable(r); // heatmap of every strategy in every cell, then the table
 */
import { ArgumentError } from '../core/errors';
import { TRANSFER_STRATEGY_LABELS, TransferStrategy } from '../concepts/transfer';
import {
  TARGET_SIZES, TRANSFER_ADVICE, TransferCurveRecord, TransferDepthRecord, TransferHooks, TransferRunResult,
  TransferTableRecord,
} from '../concepts/transferTable';
import { barFigure, Figure, heatmapFigure, lineFigure } from './figure';
import { showFigure } from './plot';
import { progressBar, ProgressIO } from './progress';
import { dataFrame, showTable } from './table';

function checkRecord(name: string, record: unknown, experiment: string): void {
  if (typeof record !== 'object' || record === null || (record as { experiment?: unknown }).experiment !== experiment) {
    throw new ArgumentError(name, record, `a record returned by nn.${experiment}()`);
  }
}

const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
const cellName = (size: string, similarity: string) => `${size} data, ${similarity === 'similar' ? 'similar' : 'very different'} task`;

/** The lecture's table: advice per cell, rows small/large, columns similar/very different. */
export function transferAdviceRows(): Record<string, string>[] {
  return TARGET_SIZES.map((size) => ({
    '': `${size} target data`,
    'similar task': TRANSFER_ADVICE[`${size}/similar`].advice,
    'very different task': TRANSFER_ADVICE[`${size}/different`].advice,
  }));
}

/** Heatmap: rows are the four cells, columns the strategies, colour and label the mean test accuracy. */
export function transferTableFigure(record: TransferTableRecord): Figure {
  checkRecord('record', record, 'transferTable');
  const strategies = record.options.strategies;
  const fig = heatmapFigure({
    title: `Test accuracy of each strategy in each cell (chance 20 %; small: ${record.options.small}/class, large: ${record.options.large}/class)`,
    xTitle: 'strategy', yTitle: 'cell of the 2 × 2 table',
    x: strategies.map((s) => TRANSFER_STRATEGY_LABELS[s]),
    y: record.cells.map((c) => cellName(c.size, c.similarity)),
    z: record.cells.map((c) => strategies.map((s) => c.results.find((r) => r.strategy === s)!.accuracy)),
  });
  Object.assign(fig.data[0], { texttemplate: '%{z:.3f}', zmin: 0.2, zmax: 1, colorbar: { title: { text: 'accuracy' } } });
  fig.layout.margin = { t: 50, r: 20, b: 90, l: 200 };
  return fig;
}

/** One row per cell: every strategy's accuracy (± std over the draws), the winner, the advice. */
export function transferTableRows(record: TransferTableRecord): Record<string, string | number>[] {
  checkRecord('record', record, 'transferTable');
  return record.cells.map((c) => ({
    cell: cellName(c.size, c.similarity),
    'train images': c.trainImages,
    ...Object.fromEntries(c.results.map((r) => [r.strategy, r.accuracies.length > 1 ? `${pct(r.accuracy)} ± ${(100 * r.std).toFixed(1)}` : pct(r.accuracy)])),
    best: c.best,
    'lecture advice': c.advice,
    'advice wins': c.agrees ? 'yes' : 'no',
  }));
}

/** The table as a danfo DataFrame (numbers, not strings: one row per cell and strategy). */
export function transferTableFrame(record: TransferTableRecord): ReturnType<typeof dataFrame> {
  checkRecord('record', record, 'transferTable');
  return dataFrame(record.cells.flatMap((c) => c.results.map((r) => ({
    size: c.size, similarity: c.similarity, strategy: r.strategy, accuracy: Number(r.accuracy.toFixed(4)),
    std: Number(r.std.toFixed(4)), draws: r.accuracies.length, 'trained parameters': r.trainedParameters, best: c.best === r.strategy,
  }))));
}

export function showTransferTable(record: TransferTableRecord): void {
  showFigure(transferTableFigure(record));
  showTable(dataFrame(transferTableRows(record)), { title: 'The 2 × 2 table, measured' });
}

/** Grouped bars: linear-classifier accuracy on features from each depth, one bar group per layer. */
export function transferDepthFigure(record: TransferDepthRecord): Figure {
  checkRecord('record', record, 'transferDepth');
  const layers = record.options.layers;
  const label = (layer: string) => {
    const r = record.rows.find((x) => x.layer === layer)!;
    return `${layer} (${r.features} features)`;
  };
  return barFigure({
    title: `Linear classifier on frozen features of each depth, ${record.options.perClass} examples per class`,
    xTitle: 'features taken after (input side → top)', yTitle: 'test accuracy',
    series: record.options.tasks.map((task) => ({
      name: `${task} task`,
      x: layers.map(label),
      y: layers.map((layer) => record.rows.find((r) => r.task === task && r.layer === layer)!.accuracy),
    })),
  });
}

export function transferDepthRows(record: TransferDepthRecord): Record<string, string | number>[] {
  checkRecord('record', record, 'transferDepth');
  return record.rows.map((r) => ({
    task: r.task, layer: r.layer, features: r.features,
    accuracy: r.accuracies.length > 1 ? `${pct(r.accuracy)} ± ${(100 * r.std).toFixed(1)}` : pct(r.accuracy),
    best: record.best[r.task] === r.layer ? 'best' : '',
  }));
}

export function showTransferDepth(record: TransferDepthRecord): void {
  showFigure(transferDepthFigure(record));
  showTable(dataFrame(transferDepthRows(record)), { title: 'Which depth transfers best' });
}

/** Test accuracy against target examples per class (log x axis), one line per strategy. */
export function transferCurveFigure(record: TransferCurveRecord): Figure {
  checkRecord('record', record, 'transferCurve');
  return lineFigure({
    title: `Learning curve on the ${record.options.task} task: accuracy vs target examples`,
    xTitle: 'training examples per class (log scale)', yTitle: 'test accuracy', xScale: 'log',
    series: record.options.strategies.map((s: TransferStrategy) => {
      const pts = record.points.filter((p) => p.strategy === s);
      return { name: TRANSFER_STRATEGY_LABELS[s], x: pts.map((p) => p.perClass), y: pts.map((p) => p.accuracy) };
    }),
  });
}

export function transferCurveRows(record: TransferCurveRecord): Record<string, string | number>[] {
  checkRecord('record', record, 'transferCurve');
  return record.options.sizes.map((n) => ({
    'per class': n,
    ...Object.fromEntries(record.options.strategies.map((s) => [s, pct(record.points.find((p) => p.strategy === s && p.perClass === n)!.accuracy)])),
  }));
}

export function showTransferCurve(record: TransferCurveRecord): void {
  showFigure(transferCurveFigure(record));
  showTable(dataFrame(transferCurveRows(record)), { title: 'Accuracy by training-set size' });
}

/**
 * Live progress for the transfer experiments: one bar over every training step of the experiment,
 * showing the last finished run's accuracy. Pass `hooks` to the experiment, then call `finish()`.
 */
export function transferLive(label: string, io: ProgressIO = {}): { hooks: TransferHooks; finish(): void } {
  let bar: ReturnType<typeof progressBar> | null = null;
  let last: Record<string, number> = {};
  return {
    hooks: {
      onStep(done: number, total: number) {
        bar ??= progressBar({ ...io, total, label });
        bar.update(done, last);
      },
      onRun(r: TransferRunResult) {
        last = { 'last run acc': Number(r.accuracy.toFixed(3)) };
      },
    },
    finish() {
      bar?.finish(last);
    },
  };
}
