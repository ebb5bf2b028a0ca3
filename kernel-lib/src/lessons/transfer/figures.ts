/**
 * Figures and tables of the transfer-learning lesson (10). Figures are pure (record in, plain figure
 * spec out); the `show…` functions are the only side effects: each draws its experiment's figure and
 * then its table (built from the record here; the row builders are internal).
 *
 * @example
 * const r = await nn.transfer.table({ seed: 1 });
 * nn.transfer.showTable(r); // heatmap of every strategy in every cell, then the table
 */
import { ArgumentError } from '../../core/errors';
import { STRATEGY_LABELS, TransferStrategy } from './strategies';
import { TARGET_SIZES } from './plan';
import { ADVICE, TableRecord } from './table';
import type { DepthRecord } from './depth';
import type { CurveRecord } from './curve';
import { barFigure, Figure, lineFigure, referenceLine, subplotsFigure } from '../../show/figure';
import { showFigure } from '../../show/plot';
import { dataFrame, showTable as showRows } from '../../show/table';

function checkRecord(name: string, record: unknown, experiment: string, fn: string): void {
  if (typeof record !== 'object' || record === null || (record as { experiment?: unknown }).experiment !== experiment) {
    throw new ArgumentError(name, record, `a record returned by nn.transfer.${fn}()`);
  }
}

/** A percentage with a non-breaking space before the sign, so that "73.5 %" never wraps in a table cell. */
const pct = (v: number) => `${(100 * v).toFixed(1)}\u00a0%`;
const cellName = (size: string, similarity: string) => `${size} data, ${similarity === 'similar' ? 'similar' : 'very different'} task`;

/** The lecture's table: advice per cell, rows small/large, columns similar/very different. */
export function adviceRows(): Record<string, string>[] {
  return TARGET_SIZES.map((size) => ({
    '': `${size} target data`,
    'similar task': ADVICE[`${size}/similar`].advice,
    'very different task': ADVICE[`${size}/different`].advice,
  }));
}

/**
 * Shows the lecture's 2 × 2 table of advice (before measuring it): rows small/large target data,
 * columns similar/very different task.
 *
 * @example
 * nn.transfer.showAdvice();
 */
export function showAdvice(): void {
  showRows(adviceRows(), { title: 'The lecture\'s advice' });
}

/**
 * The lecture's 2 × 2 table, measured: rows small / large target data, columns similar / very
 * different task; in each cell one bar per strategy (one colour per strategy in every cell), its
 * mean test accuracy (± std over the draws) written on it, the advised strategies marked, and the
 * chance line. Bars start at 0 accuracy.
 *
 * @example
 * const r = await nn.transfer.table({ strategies: ['linear', 'finetune-all'], small: 2, large: 20, repeats: 1, testPerClass: 50, minSteps: 20, seed: 1 });
 * nn.plot(nn.transfer.tableFigure(r));
 */
export function tableFigure(record: TableRecord): Figure {
  checkRecord('record', record, 'transferTable', 'table');
  const strategies = record.options.strategies;
  const letter = (s: TransferStrategy) => STRATEGY_LABELS[s].slice(0, 3);
  const chance = 1 / 5;
  const order = ['small/similar', 'small/different', 'large/similar', 'large/different'];
  const cells = order.map((key) => record.cells.find((c) => `${c.size}/${c.similarity}` === key))
    .filter((c): c is TableRecord['cells'][number] => c !== undefined);
  const panels = cells.map((c) => {
    const fig = barFigure({
      title: `${cellName(c.size, c.similarity)} (${c.perClass}/class)`, xTitle: 'strategy', yTitle: 'test accuracy',
      series: strategies.map((s) => {
        const r = c.results.find((x) => x.strategy === s)!;
        return { name: STRATEGY_LABELS[s], x: [letter(s)], y: [r.accuracy] };
      }),
    });
    fig.data = fig.data.map((t, i) => {
      const s = strategies[i];
      const r = c.results.find((x) => x.strategy === s)!;
      const advised = c.advised.includes(s);
      return {
        ...t, text: [`${(100 * r.accuracy).toFixed(0)} %${advised ? ' ★' : ''}`], textposition: 'outside', cliponaxis: false,
        ...(r.accuracies.length > 1 ? { error_y: { type: 'data', array: [r.std], visible: true } } : {}),
      };
    });
    fig.layout.yaxis = { ...(fig.layout.yaxis as object), range: [0, 1.12] };
    fig.layout.xaxis = { ...(fig.layout.xaxis as object), categoryorder: 'array', categoryarray: strategies.map(letter) };
    fig.data.push(referenceLine('chance, 1/5', letter(strategies[0]), letter(strategies[strategies.length - 1]), chance));
    return fig;
  });
  const fig = subplotsFigure(panels, {
    title: `Test accuracy of each strategy in each cell of the table (★ = the lecture's advice; chance 20 %)`,
    rows: Math.ceil(panels.length / 2), cols: Math.min(2, panels.length), height: 300 * Math.ceil(panels.length / 2), shareY: true,
  });
  return { data: fig.data, layout: { ...fig.layout, barmode: 'group' } };
}

/** One row per cell: every strategy's accuracy (± std over the draws), the winner, the advice. */
export function tableRows(record: TableRecord): Record<string, string | number>[] {
  checkRecord('record', record, 'transferTable', 'table');
  return record.cells.map((c) => ({
    cell: cellName(c.size, c.similarity),
    'train images': c.trainImages,
    ...Object.fromEntries(c.results.map((r) => [r.strategy, r.accuracies.length > 1 ? `${pct(r.accuracy)}\u00a0±\u00a0${(100 * r.std).toFixed(1)}` : pct(r.accuracy)])),
    best: c.best,
    'lecture advice': c.advice,
    'advice wins': c.agrees ? 'yes' : 'no',
  }));
}

/** The table as a danfo DataFrame (numbers, not strings: one row per cell and strategy). */
export function tableFrame(record: TableRecord): ReturnType<typeof dataFrame> {
  checkRecord('record', record, 'transferTable', 'table');
  return dataFrame(record.cells.flatMap((c) => c.results.map((r) => ({
    size: c.size, similarity: c.similarity, strategy: r.strategy, accuracy: Number(r.accuracy.toFixed(4)),
    std: Number(r.std.toFixed(4)), draws: r.accuracies.length, 'trained parameters': r.trainedParameters, best: c.best === r.strategy,
  }))));
}

/**
 * Shows a {@link table} record: the heatmap ({@link tableFigure}), then one row per cell with every
 * strategy's accuracy (± std over the draws), the winner and the lecture's advice.
 *
 * @example
 * nn.transfer.showTable(await nn.transfer.table({ strategies: ['linear', 'finetune-all'], small: 2, large: 20, repeats: 1, testPerClass: 50, minSteps: 20, seed: 1 }));
 */
export function showTable(record: TableRecord): void {
  showFigure(tableFigure(record));
  showRows(dataFrame(tableRows(record)), { title: 'The 2 × 2 table, measured' });
}

/**
 * Grouped bars of a {@link depth} record: linear-classifier accuracy on features from each depth,
 * one bar group per layer, one colour per task.
 *
 * @example
 * const r = await nn.transfer.depth({ layers: ['pool1', 'flatten'], perClass: 5, repeats: 1, testPerClass: 50, minSteps: 20, seed: 1 });
 * nn.plot(nn.transfer.depthFigure(r));
 */
export function depthFigure(record: DepthRecord): Figure {
  checkRecord('record', record, 'transferDepth', 'depth');
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

export function depthRows(record: DepthRecord): Record<string, string | number>[] {
  checkRecord('record', record, 'transferDepth', 'depth');
  return record.rows.map((r) => ({
    task: r.task, layer: r.layer, features: r.features,
    accuracy: r.accuracies.length > 1 ? `${pct(r.accuracy)}\u00a0±\u00a0${(100 * r.std).toFixed(1)}` : pct(r.accuracy),
    best: record.best[r.task] === r.layer ? 'best' : '',
  }));
}

/**
 * Shows a {@link depth} record: the bars ({@link depthFigure}), then one row per task and layer with
 * the features, the accuracy (± std) and the best layer.
 *
 * @example
 * nn.transfer.showDepth(await nn.transfer.depth({ layers: ['pool1', 'flatten'], perClass: 5, repeats: 1, testPerClass: 50, minSteps: 20, seed: 1 }));
 */
export function showDepth(record: DepthRecord): void {
  showFigure(depthFigure(record));
  showRows(dataFrame(depthRows(record)), { title: 'Which depth transfers best' });
}

/**
 * The learning curve of a {@link curve} record: test accuracy against target examples per class
 * (log x axis), one line per strategy.
 *
 * @example
 * const r = await nn.transfer.curve({ strategies: ['scratch', 'linear'], sizes: [1, 10], testPerClass: 50, minSteps: 20, seed: 1 });
 * nn.plot(nn.transfer.curveFigure(r));
 */
export function curveFigure(record: CurveRecord): Figure {
  checkRecord('record', record, 'transferCurve', 'curve');
  return lineFigure({
    title: `Learning curve on the ${record.options.task} task: accuracy vs target examples`,
    xTitle: 'training examples per class (log scale)', yTitle: 'test accuracy', xScale: 'log',
    series: record.options.strategies.map((s: TransferStrategy) => {
      const pts = record.points.filter((p) => p.strategy === s);
      return { name: STRATEGY_LABELS[s], x: pts.map((p) => p.perClass), y: pts.map((p) => p.accuracy) };
    }),
  });
}

export function curveRows(record: CurveRecord): Record<string, string | number>[] {
  checkRecord('record', record, 'transferCurve', 'curve');
  return record.options.sizes.map((n) => ({
    'per class': n,
    ...Object.fromEntries(record.options.strategies.map((s) => [s, pct(record.points.find((p) => p.strategy === s && p.perClass === n)!.accuracy)])),
  }));
}

/**
 * Shows a {@link curve} record: the learning curve ({@link curveFigure}), then one row per size with
 * every strategy's accuracy.
 *
 * @example
 * nn.transfer.showCurve(await nn.transfer.curve({ strategies: ['scratch', 'linear'], sizes: [1, 10], testPerClass: 50, minSteps: 20, seed: 1 }));
 */
export function showCurve(record: CurveRecord): void {
  showFigure(curveFigure(record));
  showRows(dataFrame(curveRows(record)), { title: 'Accuracy by training-set size' });
}
