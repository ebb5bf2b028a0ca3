/**
 * Figures and tables of lesson 04 ("Batch normalization"). `...Figure(record)` and `...Rows(record)`
 * are pure (plain data in, plain data out, testable without a kernel); `show...(record)` draws them
 * inline in a notebook, or prints text elsewhere. The records come from concepts/batchNorm*.ts and
 * concepts/groupNorm.ts.
 *
 * @example
 * const record = await nn.batchNormStats({ seed: 1 });
 * nn.showBatchNormStats(record);                     // a table and a figure
 * nn.showFigure(nn.batchNormStatsFigure(record));    // the figure only
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../core/errors';
import type { BatchNormFoldRecord, BatchNormIdentityRecord, BatchNormRunningRecord, BatchNormStatsRecord } from '../concepts/batchNormExperiments';
import type { BatchNormLearningRatesRecord, BatchNormModeBugRecord, BatchNormRescueRecord } from '../concepts/batchNormTraining';
import type { NormComparisonRecord } from '../concepts/groupNorm';
import { barFigure, Figure, heatmapFigure, lineFigure, subplotsFigure, Trace } from './figure';
import { showFigure } from './plot';
import { showTable } from './table';

/** One colour per series name, so a series keeps its colour in every panel of a grid. */
export const BATCH_NORM_COLORS: Readonly<Record<string, string>> = {
  input: '#7f7f7f', 'training mode': '#1f77b4', 'test mode': '#d62728',
  plain: '#ff7f0e', 'batch norm': '#1f77b4', target: '#2ca02c',
};
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

/** Sets each trace's colour from `colors` (by trace name); traces without an entry keep plotly's. */
function colorize(fig: Figure, colors: Readonly<Record<string, string>>): Figure {
  const data = fig.data.map((t): Trace => {
    const color = colors[String(t.name)];
    if (!color) return t;
    return { ...t, marker: { ...(t.marker as object), color }, line: { ...(t.line as object), color } };
  });
  return { data, layout: fig.layout };
}

function dashed(fig: Figure, names: readonly string[]): Figure {
  return {
    data: fig.data.map((t) => (names.includes(String(t.name)) ? { ...t, mode: 'lines', line: { ...(t.line as object), dash: 'dot' } } : t)),
    layout: fig.layout,
  };
}

/** Lines without markers: for series of hundreds of steps, where markers hide the lines behind them. */
function linesOnly(fig: Figure): Figure {
  return { data: fig.data.map((t) => (t.mode === 'lines+markers' ? { ...t, mode: 'lines' } : t)), layout: fig.layout };
}

const features = (n: number): string[] => Array.from({ length: n }, (_, j) => `feature ${j}`);

// ---------------------------------------------------------------------------------------------
// batchNormStats

/** Per-feature means and stds of the input and of BN's output in each mode: two bar panels. */
export function batchNormStatsFigure(record: BatchNormStatsRecord): Figure {
  const x = features(record.options.features);
  const series = (key: 'mean' | 'std') => [
    { name: 'input', x, y: record.input[key] },
    ...(record.train ? [{ name: 'training mode', x, y: record.train[key] }] : []),
    ...(record.test ? [{ name: 'test mode', x, y: record.test[key] }] : []),
  ];
  const o = record.options;
  return subplotsFigure([
    colorize(barFigure({ title: 'per-feature mean', xTitle: 'feature', yTitle: 'mean', series: series('mean') }), BATCH_NORM_COLORS),
    colorize(barFigure({ title: 'per-feature std', xTitle: 'feature', yTitle: 'std', series: series('std') }), BATCH_NORM_COLORS),
  ], { title: `Batch norm of x ~ N(${o.inputMean}, ${o.inputStd}²): ${o.warmupSteps} warm-up steps, momentum ${o.momentum}`, rows: 1, cols: 2, height: 380 });
}

/** One row per feature: input, training-mode and test-mode statistics, and the running ones. */
export function batchNormStatsRows(record: BatchNormStatsRecord): Record<string, number | string>[] {
  return features(record.options.features).map((feature, j) => ({
    feature,
    'input mean': record.input.mean[j], 'input std': record.input.std[j],
    ...(record.train ? { 'train mean': record.train.mean[j], 'train std': record.train.std[j] } : {}),
    ...(record.test ? { 'test mean': record.test.mean[j], 'test std': record.test.std[j] } : {}),
    'running mean': record.running.mean[j], 'running var': record.running.var[j],
  }));
}

/** One line on how far training-mode and test-mode outputs are apart (empty unless both ran). */
export function batchNormDiscrepancyText(record: BatchNormStatsRecord): string {
  if (!record.discrepancy) return '';
  const { maxAbs, meanAbs } = record.discrepancy;
  return `train/test discrepancy on this batch: max |y_train - y_test| = ${maxAbs.toPrecision(3)}, mean ${meanAbs.toPrecision(3)}`;
}

export function showBatchNormStats(record: BatchNormStatsRecord): void {
  showTable(batchNormStatsRows(record), { title: `Per-feature statistics (batch of ${record.options.batchSize})` });
  const line = batchNormDiscrepancyText(record);
  if (line) console.log(line);
  showFigure(batchNormStatsFigure(record));
}

// ---------------------------------------------------------------------------------------------
// batchNormIdentity

export function batchNormIdentityRows(record: BatchNormIdentityRecord): Record<string, number | string>[] {
  return features(record.options.features).map((feature, j) => ({
    feature, 'μ_B': record.batchMean[j], 'σ²_B': record.batchVar[j],
    'γ = sqrt(σ²_B + eps)': record.gamma[j], 'β = μ_B': record.beta[j],
  }));
}

export function showBatchNormIdentity(record: BatchNormIdentityRecord): void {
  showTable(batchNormIdentityRows(record), { title: 'γ and β set to undo the normalisation' });
  console.log(`max |y - x| = ${record.maxAbsDiff.toExponential(2)}, relative error ${record.relError.toExponential(2)} ` +
    '(float32 rounding is ~6e-8 relative)');
}

// ---------------------------------------------------------------------------------------------
// batchNormRunning

/** Running mean and variance of feature 0 over the steps, one line per momentum, with the closed forms. */
export function batchNormRunningFigure(record: BatchNormRunningRecord): Figure {
  const steps = Array.from({ length: record.options.steps }, (_, i) => i + 1);
  const colors: Record<string, string> = { target: BATCH_NORM_COLORS.target };
  const panel = (key: 'Mean' | 'Var', target: number, title: string, yTitle: string): Figure => {
    const series = record.curves.flatMap((c, i) => {
      colors[`momentum ${c.momentum}`] = PALETTE[i % PALETTE.length];
      colors[`expected, ${c.momentum}`] = PALETTE[i % PALETTE.length];
      return [
        { name: `momentum ${c.momentum}`, x: steps, y: c[`running${key}`] },
        { name: `expected, ${c.momentum}`, x: steps, y: c[`expected${key}`] },
      ];
    });
    const fig = lineFigure({ title, xTitle: 'training step', yTitle, series: [...series, { name: 'target', x: [1, steps.length], y: [target, target] }] });
    return colorize(dashed(linesOnly(fig), [...record.curves.map((c) => `expected, ${c.momentum}`), 'target']), colors);
  };
  return subplotsFigure([
    panel('Mean', record.target.mean, 'running mean (feature 0)', 'running mean'),
    panel('Var', record.target.var, 'running variance (feature 0)', 'running var'),
  ], { title: `Running statistics: batches of ${record.options.batchSize} from N(${record.target.mean}, ${record.options.inputStd}²)`,
    rows: 1, cols: 2, height: 380 });
}

export function showBatchNormRunning(record: BatchNormRunningRecord): void {
  showFigure(batchNormRunningFigure(record));
  showTable(record.curves.map((c) => ({
    momentum: c.momentum, 'final running mean (feature 0)': c.runningMean[c.runningMean.length - 1], 'target mean': record.target.mean,
    'final running var (feature 0)': c.runningVar[c.runningVar.length - 1], 'target var σ²(B-1)/B': record.target.var,
  })), { title: `After ${record.options.steps} steps` });
}

// ---------------------------------------------------------------------------------------------
// batchNormFold

export function batchNormFoldRows(record: BatchNormFoldRecord): Record<string, number | string>[] {
  return (['dense', 'conv'] as const).map((kind) => {
    const c = record[kind];
    return { layer: kind, W: `[${c.kernelShape.join(', ')}]`, output: `[${c.outputShape.join(', ')}]`,
      'max |folded - unfolded|': c.maxAbsDiff, 'relative error': c.relError, 'max |output|': c.maxAbsOutput };
  });
}

export function showBatchNormFold(record: BatchNormFoldRecord): void {
  showTable(batchNormFoldRows(record), { title: 'Test-mode batch norm folded into the layer before it' });
}

// ---------------------------------------------------------------------------------------------
// batchNormModeBug

/** The training loss, and test accuracy under each way of evaluating the trained net. */
export function batchNormModeBugFigure(record: BatchNormModeBugRecord): Figure {
  const loss = record.loss.map((v) => (v === null ? NaN : v));
  const chance = 1 / record.options.classes;
  return subplotsFigure([
    linesOnly(lineFigure({ title: 'training loss (batch norm, training mode)', xTitle: 'step', yTitle: 'cross-entropy', series: [{ name: 'loss', y: loss }] })),
    barFigure({ title: `test accuracy (chance ${chance.toFixed(2)})`, xTitle: 'evaluation', yTitle: 'accuracy',
      series: [{ name: 'accuracy', x: record.evaluations.map((e) => e.name.replace(', ', ',<br>')), y: record.evaluations.map((e) => e.accuracy) }] }),
  ], { title: 'The mode bug: one trained net, evaluated four ways', rows: 1, cols: 2, height: 420 });
}

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

export function showBatchNormModeBug(record: BatchNormModeBugRecord): void {
  showFigure(batchNormModeBugFigure(record));
  showTable(batchNormModeBugRows(record), { title: 'Test accuracy of the same trained net' });
  showTable(batchNormModeBugExampleRows(record), { title: 'Some test examples: predicted class (probability)' });
}

// ---------------------------------------------------------------------------------------------
// batchNormRescue

/** Activation std per layer at init (log scale) and the training loss, without and with BN. */
export function batchNormRescueFigure(record: BatchNormRescueRecord): Figure {
  const o = record.options;
  const layers = record.layers.map((l) => l.layer);
  const nan = (v: number | null) => (v === null ? NaN : v);
  return subplotsFigure([
    colorize(lineFigure({ title: 'activation std per layer, at init', xTitle: 'layer', yTitle: 'std of activations', yScale: 'log',
      series: [{ name: 'plain', x: layers, y: record.layers.map((l) => l.plain) }, { name: 'batch norm', x: layers, y: record.layers.map((l) => l.batchNorm) }] }), BATCH_NORM_COLORS),
    colorize(linesOnly(lineFigure({ title: 'training loss (SGD)', xTitle: 'step', yTitle: 'cross-entropy',
      series: [{ name: 'plain', y: record.loss.plain.map(nan) }, { name: 'batch norm', y: record.loss.batchNorm.map(nan) }] })), BATCH_NORM_COLORS),
  ], { title: `${o.depth} ${o.activation} layers of ${o.width}, init "${o.init}", lr ${o.lr}: without and with batch norm`, rows: 1, cols: 2, height: 380 });
}

export function showBatchNormRescue(record: BatchNormRescueRecord): void {
  showFigure(batchNormRescueFigure(record));
  const pct = (v: number | null) => (v === null ? 'diverged' : `${(100 * v).toFixed(1)} %`);
  console.log(`test accuracy after ${record.options.steps} steps: plain ${pct(record.accuracy.plain)}, batch norm ${pct(record.accuracy.batchNorm)}`);
}

// ---------------------------------------------------------------------------------------------
// batchNormLearningRates

/** Final loss and test accuracy against the learning rate (log x), without and with BN; diverged runs leave gaps. */
export function batchNormLearningRatesFigure(record: BatchNormLearningRatesRecord): Figure {
  const lrs = record.options.lrs;
  const pick = (bn: boolean, key: 'finalLoss' | 'accuracy') =>
    lrs.map((lr) => record.runs.find((r) => r.lr === lr && r.batchNorm === bn)?.[key] ?? NaN);
  const panel = (key: 'finalLoss' | 'accuracy', title: string, yTitle: string, yScale: 'log' | 'linear') => colorize(lineFigure({
    title, xTitle: 'learning rate', yTitle, xScale: 'log', yScale,
    series: [{ name: 'plain', x: lrs, y: pick(false, key) }, { name: 'batch norm', x: lrs, y: pick(true, key) }],
  }), BATCH_NORM_COLORS);
  const o = record.options;
  return subplotsFigure([
    panel('finalLoss', 'final training loss (gap: diverged)', 'cross-entropy', 'log'),
    panel('accuracy', 'test accuracy (gap: diverged)', 'accuracy', 'linear'),
  ], { title: `SGD on ${o.depth} ${o.activation} layers of ${o.width} (init "${o.init}"), ${o.steps} steps per run`, rows: 1, cols: 2, height: 380 });
}

export function batchNormLearningRatesRows(record: BatchNormLearningRatesRecord): Record<string, number | string>[] {
  const cell = (v: number | null) => (v === null ? 'diverged' : v);
  return record.options.lrs.map((lr) => {
    const plain = record.runs.find((r) => r.lr === lr && !r.batchNorm)!;
    const bn = record.runs.find((r) => r.lr === lr && r.batchNorm)!;
    return { lr, 'plain loss': cell(plain.finalLoss), 'plain accuracy': cell(plain.accuracy), 'BN loss': cell(bn.finalLoss), 'BN accuracy': cell(bn.accuracy) };
  });
}

export function showBatchNormLearningRates(record: BatchNormLearningRatesRecord): void {
  showFigure(batchNormLearningRatesFigure(record));
  showTable(batchNormLearningRatesRows(record), { title: 'Final loss and test accuracy per learning rate' });
}

// ---------------------------------------------------------------------------------------------
// normComparison

/** One heatmap per method: which statistic each (example, channel) uses; one colour = one (μ, σ²). */
export function normComparisonFigure(record: NormComparisonRecord): Figure {
  const o = record.options;
  const figs = record.methods.map((m) => heatmapFigure({
    title: `${m.method}: ${m.statistics} × ${m.valuesPerStatistic} values`, xTitle: 'channel c', yTitle: 'example n',
    z: m.groupOf, x: Array.from({ length: o.channels }, (_, c) => c), y: Array.from({ length: o.batchSize }, (_, n) => n),
    colorscale: 'Portland',
  }));
  const fig = subplotsFigure(figs, {
    title: `What each method normalises over, x [N ${o.batchSize}, H ${o.height}, W ${o.width}, C ${o.channels}]: one colour = one (μ, σ²), shared by all H × W positions`,
    rows: 1, cols: 4, height: 340,
  });
  return { data: fig.data.map((t) => ({ ...t, showscale: false })), layout: fig.layout };
}

export function normComparisonRows(record: NormComparisonRecord): Record<string, number | string | boolean>[] {
  return record.methods.map((m) => ({
    method: m.method, 'statistics over': m.over, statistics: m.statistics, 'values each': m.valuesPerStatistic,
    'max |mean|': m.maxAbsMean, 'max |std - 1|': m.maxAbsStdError, 'same output alone as in the batch': m.independentOfBatch,
  }));
}

export function showNormComparison(record: NormComparisonRecord): void {
  showFigure(normComparisonFigure(record));
  showTable(normComparisonRows(record), { title: 'Batch, layer, instance and group norm on one tensor' });
}

// ---------------------------------------------------------------------------------------------
// tensors as a table

/** Rows of a stack of small named matrices and vectors over the same D columns ("feature 0", ...). */
export function tensorStackRows(named: Readonly<Record<string, readonly number[] | readonly (readonly number[])[]>>): Record<string, number | string>[] {
  const rows: Record<string, number | string>[] = [];
  let D: number | null = null;
  for (const [name, value] of Object.entries(named)) {
    const matrix = (Array.isArray(value[0]) ? value : [value]) as readonly (readonly number[])[];
    for (const [i, row] of matrix.entries()) {
      if (D === null) D = row.length;
      if (row.length !== D) throw new ArgumentError(`${name}[${i}].length`, row.length, `${D} (every row has one value per feature)`);
      const label = matrix.length === 1 && !Array.isArray(value[0]) ? name : `${name}[${i}]`;
      rows.push({ '': label, ...Object.fromEntries(row.map((v, j) => [`feature ${j}`, v])) });
    }
  }
  return rows;
}

/**
 * Shows small 1-D and 2-D tensors stacked in one table, one column per feature (the last axis):
 * for following an algorithm step by step. Reads each tensor once (await: works on every backend).
 *
 * @example
 * await nn.showTensors({ x, 'μ_B': mean, 'σ²_B': variance, 'x̂': xHat, y }, { title: 'Batch norm, step by step' });
 */
export async function showTensors(named: Readonly<Record<string, tf.Tensor>>, opts: { title?: string; digits?: number } = {}): Promise<void> {
  const values: Record<string, number[] | number[][]> = {};
  for (const [name, t] of Object.entries(named)) {
    if (!(t instanceof tf.Tensor) || (t.rank !== 1 && t.rank !== 2)) {
      throw new ArgumentError(`${name}.shape`, t instanceof tf.Tensor ? [...t.shape] : t, 'a 1-D or 2-D tensor');
    }
    values[name] = (await t.array()) as number[] | number[][];
  }
  showTable(tensorStackRows(values), opts);
}
