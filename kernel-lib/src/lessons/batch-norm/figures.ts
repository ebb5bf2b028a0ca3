/**
 * Figures and tables of lesson 04 ("Batch normalization") for the experiments that need no training
 * (stats, identity, running, fold, normComparison; the training ones are in trainingFigures.ts).
 * `...Figure(record)` and `...Rows(record)` are pure (plain data in, plain data out, testable
 * without a kernel); `show...(record)` draws the figure and the table inline in a notebook, or
 * prints text elsewhere: the only side effect.
 *
 * @example
 * const r = await nn.batchNorm.stats({ seed: 1 });
 * nn.batchNorm.showStats(r);                  // a table and a figure
 * nn.plot(nn.batchNorm.statsFigure(r));       // the figure only
 */
import type { BatchNormStatsRecord } from './stats';
import type { BatchNormIdentityRecord } from './identity';
import type { BatchNormRunningRecord } from './running';
import type { BatchNormFoldRecord } from './fold';
import type { NormComparisonRecord } from './normComparison';
import { barFigure, Figure, heatmapFigure, lineFigure, subplotsFigure, Trace } from '../../show/figure';
import { showFigure } from '../../show/plot';
import { showTable } from '../../show/table';

/** One colour per series name, so a series keeps its colour in every panel of a grid. */
export const BATCH_NORM_COLORS: Readonly<Record<string, string>> = {
  input: '#7f7f7f', 'training mode': '#1f77b4', 'test mode': '#d62728',
  plain: '#ff7f0e', 'batch norm': '#1f77b4', target: '#2ca02c',
};
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

/** Sets each trace's colour from `colors` (by trace name); traces without an entry keep plotly's. */
export function colorize(fig: Figure, colors: Readonly<Record<string, string>>): Figure {
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
export function linesOnly(fig: Figure): Figure {
  return { data: fig.data.map((t) => (t.mode === 'lines+markers' ? { ...t, mode: 'lines' } : t)), layout: fig.layout };
}

const features = (n: number): string[] => Array.from({ length: n }, (_, j) => `feature ${j}`);

// ---------------------------------------------------------------------------------------------
// batchNormStats

/**
 * Per-feature means and stds of the input and of BN's output in each mode: two bar panels (one colour per mode in both).
 *
 * @example
 * const r = await nn.batchNorm.stats({ seed: 1 });
 * nn.plot(nn.batchNorm.statsFigure(r));
 */
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

/**
 * Draws a stats record: the per-feature table (input, each mode, running statistics), the train/test discrepancy and the figure.
 *
 * @example
 * const r = await nn.batchNorm.stats({ seed: 1 });
 * nn.batchNorm.showStats(r);
 */
export function showBatchNormStats(record: BatchNormStatsRecord): void {
  showTable(batchNormStatsRows(record), { title: `Per-feature statistics (batch of ${record.options.batchSize})` });
  const line = batchNormDiscrepancyText(record);
  if (line) console.log(line);
  showFigure(batchNormStatsFigure(record));
}

// ---------------------------------------------------------------------------------------------
// batchNormIdentity

/** One row per feature: μ_B, σ²_B and the γ, β set from them (the table of showIdentity; the CLI and tests read it). */
export function batchNormIdentityRows(record: BatchNormIdentityRecord): Record<string, number | string>[] {
  return features(record.options.features).map((feature, j) => ({
    feature, 'μ_B': record.batchMean[j], 'σ²_B': record.batchVar[j],
    'γ = sqrt(σ²_B + eps)': record.gamma[j], 'β = μ_B': record.beta[j],
  }));
}

/**
 * Draws an identity record: γ and β per feature as a table, and how close y is to x.
 *
 * @example
 * const r = await nn.batchNorm.identity({ seed: 2 });
 * nn.batchNorm.showIdentity(r);
 */
export function showBatchNormIdentity(record: BatchNormIdentityRecord): void {
  showTable(batchNormIdentityRows(record), { title: 'γ and β set to undo the normalisation' });
  console.log(`max |y - x| = ${record.maxAbsDiff.toExponential(2)}, relative error ${record.relError.toExponential(2)} ` +
    '(float32 rounding is ~6e-8 relative)');
}

// ---------------------------------------------------------------------------------------------
// batchNormRunning

/**
 * Running mean and variance of feature 0 over the steps, one line per momentum, with the closed forms (dotted) and the target.
 *
 * @example
 * const r = await nn.batchNorm.running({ seed: 3 });
 * nn.plot(nn.batchNorm.runningFigure(r));
 */
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

/**
 * Draws a running record: the figure, and the final running statistics against their targets as a table.
 *
 * @example
 * const r = await nn.batchNorm.running({ seed: 3 });
 * nn.batchNorm.showRunning(r);
 */
export function showBatchNormRunning(record: BatchNormRunningRecord): void {
  showFigure(batchNormRunningFigure(record));
  showTable(record.curves.map((c) => ({
    momentum: c.momentum, 'final running mean (feature 0)': c.runningMean[c.runningMean.length - 1], 'target mean': record.target.mean,
    'final running var (feature 0)': c.runningVar[c.runningVar.length - 1], 'target var σ²(B-1)/B': record.target.var,
  })), { title: `After ${record.options.steps} steps` });
}

// ---------------------------------------------------------------------------------------------
// batchNormFold

/** One row per layer kind: W's shape, the output shape and folded-vs-unfolded errors (the table of showFold and `nnlab batchnorm-fold`). */
export function batchNormFoldRows(record: BatchNormFoldRecord): Record<string, number | string>[] {
  return (['dense', 'conv'] as const).map((kind) => {
    const c = record[kind];
    return { layer: kind, W: `[${c.kernelShape.join(', ')}]`, output: `[${c.outputShape.join(', ')}]`,
      'max |folded - unfolded|': c.maxAbsDiff, 'relative error': c.relError, 'max |output|': c.maxAbsOutput };
  });
}

/**
 * Draws a fold record: folded against unfolded outputs, dense and conv, as a table.
 *
 * @example
 * const r = await nn.batchNorm.fold({ seed: 5 });
 * nn.batchNorm.showFold(r);
 */
export function showBatchNormFold(record: BatchNormFoldRecord): void {
  showTable(batchNormFoldRows(record), { title: 'Test-mode batch norm folded into the layer before it' });
}

// ---------------------------------------------------------------------------------------------
// normComparison

/**
 * One heatmap per method: which statistic each (example, channel) uses; one colour = one (μ, σ²).
 *
 * @example
 * const r = await nn.batchNorm.normComparison({ seed: 7 });
 * nn.plot(nn.batchNorm.normComparisonFigure(r));
 */
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

/** One row per method: what its statistics pool, how many, and its checks (the table of showNormComparison). */
export function normComparisonRows(record: NormComparisonRecord): Record<string, number | string | boolean>[] {
  return record.methods.map((m) => ({
    method: m.method, 'statistics over': m.over, statistics: m.statistics, 'values each': m.valuesPerStatistic,
    'max |mean|': m.maxAbsMean, 'max |std - 1|': m.maxAbsStdError, 'same output alone as in the batch': m.independentOfBatch,
  }));
}

/**
 * Draws a normComparison record: the heatmaps, and per method its statistics and whether it depends on the batch, as a table.
 *
 * @example
 * const r = await nn.batchNorm.normComparison({ seed: 7 });
 * nn.batchNorm.showNormComparison(r);
 */
export function showNormComparison(record: NormComparisonRecord): void {
  showFigure(normComparisonFigure(record));
  showTable(normComparisonRows(record), { title: 'Batch, layer, instance and group norm on one tensor' });
}
