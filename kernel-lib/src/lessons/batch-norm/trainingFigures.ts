/**
 * Figures and tables of lesson 04's training experiments (modeBug, rescue, learningRates): pure
 * `...Figure(record)` and `...Rows(record)`, and `show...(record)`, the only side effect.
 *
 * @example
 * const r = await nn.batchNorm.rescue({ seed: 5 });
 * nn.batchNorm.showRescue(r);                  // the figure and the test accuracies
 * nn.plot(nn.batchNorm.rescueFigure(r));       // the figure only
 */
import type { BatchNormModeBugRecord } from './modeBug';
import type { BatchNormRescueRecord } from './rescue';
import type { BatchNormLearningRatesRecord } from './learningRates';
import { barFigure, divergedMarkers, Figure, lineFigure, referenceLine, subplotsFigure } from '../../show/figure';
import { showFigure } from '../../show/plot';
import { showTable } from '../../show/table';
import { BATCH_NORM_COLORS, colorize, linesOnly } from './figures';

// ---------------------------------------------------------------------------------------------
// batchNormModeBug

/**
 * Test accuracy under each way of evaluating the trained net, with the chance line. The training
 * loss is not repeated here: the experiment draws it live while the net trains (its progress
 * display), and `record.loss` keeps it.
 *
 * @example
 * const r = await nn.batchNorm.modeBug({ seed: 4 });
 * nn.plot(nn.batchNorm.modeBugFigure(r));
 */
export function batchNormModeBugFigure(record: BatchNormModeBugRecord): Figure {
  const chance = 1 / record.options.classes;
  const names = record.evaluations.map((e) => e.name);
  const bars = barFigure({ title: 'test accuracy of the same trained weights', xTitle: 'evaluation', yTitle: 'accuracy',
    series: [{ name: 'accuracy', x: names, y: record.evaluations.map((e) => e.accuracy) }] });
  bars.layout.yaxis = { ...(bars.layout.yaxis as object), range: [0, 1.05] };
  bars.data.push(referenceLine(`chance, 1/${record.options.classes}`, names[0], names[names.length - 1], chance));
  return subplotsFigure([bars], { title: 'The mode bug: one trained net, evaluated four ways', rows: 1, cols: 1, height: 420 });
}

/** One row per evaluation: BN mode, batching, accuracy, changed and distinct predictions (a table of showModeBug). */
export function batchNormModeBugRows(record: BatchNormModeBugRecord): Record<string, number | string | boolean>[] {
  return record.evaluations.map((e) => ({
    evaluation: e.name, 'BN mode': e.training ? 'training' : 'test', batches: e.batches,
    accuracy: e.accuracy, 'predictions changed': e.changed, 'distinct predictions': e.distinctPredictions,
  }));
}

/** One row per listed test example: its label and, per evaluation, the predicted class and its probability. */
export function batchNormModeBugExampleRows(record: BatchNormModeBugRecord): Record<string, number | string>[] {
  return record.examples.map((ex) => ({
    example: ex.index, label: ex.label,
    ...Object.fromEntries(record.evaluations.map((e, k) => [e.name, `${ex.predicted[k]} (p ${ex.probs[k][ex.predicted[k]].toFixed(2)})`])),
  }));
}

/**
 * Draws a modeBug record: the figure, the accuracy of each evaluation and some test examples' predictions as tables.
 *
 * @example
 * const r = await nn.batchNorm.modeBug({ seed: 4 });
 * nn.batchNorm.showModeBug(r);
 */
export function showBatchNormModeBug(record: BatchNormModeBugRecord): void {
  showFigure(batchNormModeBugFigure(record));
  showTable(batchNormModeBugRows(record), { title: 'Test accuracy of the same trained net' });
  showTable(batchNormModeBugExampleRows(record), { title: 'Some test examples: predicted class (probability)' });
}

// ---------------------------------------------------------------------------------------------
// batchNormRescue

/**
 * Activation std per layer at init (log scale) and the test accuracy after training, without and
 * with BN, with the chance line. The training loss is not repeated here: the experiment draws it
 * live while the nets train (its progress display), and `record.loss` keeps it.
 *
 * @example
 * const r = await nn.batchNorm.rescue({ seed: 5 });
 * nn.plot(nn.batchNorm.rescueFigure(r));
 */
export function batchNormRescueFigure(record: BatchNormRescueRecord): Figure {
  const o = record.options;
  const layers = record.layers.map((l) => l.layer);
  const chance = 1 / o.classes;
  const names = ['plain', 'batch norm'];
  const accuracy = [record.accuracy.plain, record.accuracy.batchNorm].map((v) => (v === null ? NaN : v));
  const bars = barFigure({ title: `test accuracy after ${o.steps} steps`, xTitle: 'net', yTitle: 'accuracy',
    series: [{ name: 'accuracy', x: names, y: accuracy }] });
  bars.layout.yaxis = { ...(bars.layout.yaxis as object), range: [0, 1.05] };
  bars.data.push(referenceLine(`chance, 1/${o.classes}`, names[0], names[1], chance));
  return subplotsFigure([
    colorize(lineFigure({ title: 'activation std per layer, at init', xTitle: 'layer', yTitle: 'std of activations', yScale: 'log',
      series: [{ name: 'plain', x: layers, y: record.layers.map((l) => l.plain) }, { name: 'batch norm', x: layers, y: record.layers.map((l) => l.batchNorm) }] }), BATCH_NORM_COLORS),
    bars,
  ], { title: `${o.depth} ${o.activation} layers of ${o.width}, init "${o.init}", lr ${o.lr}: without and with batch norm`, rows: 1, cols: 2, height: 380 });
}

/**
 * Draws a rescue record: the figure and the test accuracy of both nets.
 *
 * @example
 * const r = await nn.batchNorm.rescue({ seed: 5 });
 * nn.batchNorm.showRescue(r);
 */
export function showBatchNormRescue(record: BatchNormRescueRecord): void {
  showFigure(batchNormRescueFigure(record));
  const pct = (v: number | null) => (v === null ? 'diverged' : `${(100 * v).toFixed(1)} %`);
  console.log(`test accuracy after ${record.options.steps} steps: plain ${pct(record.accuracy.plain)}, batch norm ${pct(record.accuracy.batchNorm)}`);
}

// ---------------------------------------------------------------------------------------------
// batchNormLearningRates

/**
 * Final loss and test accuracy against the learning rate (log x), without and with BN; a diverged run
 * is a red ✕ labelled "diverged" (at the top of the loss panel, at 0 accuracy).
 *
 * @example
 * const r = await nn.batchNorm.learningRates({ seed: 6 });
 * nn.plot(nn.batchNorm.learningRatesFigure(r));
 */
export function batchNormLearningRatesFigure(record: BatchNormLearningRatesRecord): Figure {
  const lrs = record.options.lrs;
  const pick = (bn: boolean, key: 'finalLoss' | 'accuracy') =>
    lrs.map((lr) => { const r = record.runs.find((x) => x.lr === lr && x.batchNorm === bn); return r && !r.diverged ? (r[key] ?? NaN) : NaN; });
  const finiteLoss = [...pick(false, 'finalLoss'), ...pick(true, 'finalLoss')].filter((v) => Number.isFinite(v) && v > 0);
  const panel = (key: 'finalLoss' | 'accuracy', title: string, yTitle: string, yScale: 'log' | 'linear') => {
    const fig = colorize(lineFigure({
      title, xTitle: 'learning rate', yTitle, xScale: 'log', yScale,
      series: [{ name: 'plain', x: lrs, y: pick(false, key) }, { name: 'batch norm', x: lrs, y: pick(true, key) }],
    }), BATCH_NORM_COLORS);
    // a diverged run is shown where it failed: at the top of the loss axis, at 0 accuracy
    const at = key === 'finalLoss' ? 2 * Math.max(...finiteLoss, 1) : 0;
    for (const bn of [false, true]) {
      const marks = divergedMarkers(lrs, pick(bn, key), at, 'diverged');
      if (marks) fig.data.push(marks);
    }
    return fig;
  };
  const o = record.options;
  return subplotsFigure([
    panel('finalLoss', 'final training loss', 'cross-entropy', 'log'),
    panel('accuracy', 'test accuracy', 'accuracy', 'linear'),
  ], { title: `SGD on ${o.depth} ${o.activation} layers of ${o.width} (init "${o.init}"), ${o.steps} steps per run`, rows: 1, cols: 2, height: 380 });
}

/** One row per learning rate: final loss and accuracy without and with BN, "diverged" where a run overflowed (the table of showLearningRates). */
export function batchNormLearningRatesRows(record: BatchNormLearningRatesRecord): Record<string, number | string>[] {
  const cell = (v: number | null) => (v === null ? 'diverged' : v);
  return record.options.lrs.map((lr) => {
    const plain = record.runs.find((r) => r.lr === lr && !r.batchNorm)!;
    const bn = record.runs.find((r) => r.lr === lr && r.batchNorm)!;
    return { lr, 'plain loss': cell(plain.finalLoss), 'plain accuracy': cell(plain.accuracy), 'BN loss': cell(bn.finalLoss), 'BN accuracy': cell(bn.accuracy) };
  });
}

/**
 * Draws a learningRates record: the figure, and the final loss and accuracy per learning rate as a table.
 *
 * @example
 * const r = await nn.batchNorm.learningRates({ seed: 6 });
 * nn.batchNorm.showLearningRates(r);
 */
export function showBatchNormLearningRates(record: BatchNormLearningRatesRecord): void {
  showFigure(batchNormLearningRatesFigure(record));
  showTable(batchNormLearningRatesRows(record), { title: 'Final loss and test accuracy per learning rate' });
}
