/**
 * Figures and tables of lesson 08's penalties, ensembles and batch-norm noise. Builders are pure
 * (record in, figure spec or rows out); the `show…` functions are the only side effects.
 *
 * @example
 * const r = await nn.regularization.regularize();
 * nn.regularization.showRegularize(r);   // accuracy vs λ per penalty, the weight histograms, a table
 */
import { ArgumentError } from '../../core/errors';
import { Figure, logAxis, referenceLine, SERIES_COLOURS, subplotsFigure, Trace } from '../../show/figure';
import { showFigure } from '../../show/plot';
import { showTable, tableText, toTable } from '../../show/table';
import type { BnNoiseRecord } from './bnNoise';
import type { EnsembleRecord, SnapshotRecord } from './ensemble';
import type { RegularizeRecord } from './penalties';
import { PENALTY_LABELS } from './penalty';

const MADE_BY: Readonly<Record<string, string>> = {
  regularizationRegularize: 'nn.regularization.regularize()', regularizationEnsemble: 'nn.regularization.ensemble()',
  regularizationSnapshotEnsemble: 'nn.regularization.snapshotEnsemble()', regularizationBnNoise: 'nn.regularization.bnNoise()',
};

function checkRecord(record: unknown, experiment: string): void {
  if (typeof record !== 'object' || record === null || (record as { experiment?: unknown }).experiment !== experiment) {
    throw new ArgumentError('record', record, `a record returned by ${MADE_BY[experiment]}`);
  }
}

function panel(title: string, xTitle: string, yTitle: string, data: Trace[], xaxis: Record<string, unknown> = {}, yaxis: Record<string, unknown> = {}): Figure {
  return { data, layout: { title: { text: title }, xaxis: { ...xaxis, title: { text: xTitle } }, yaxis: { ...yaxis, title: { text: yTitle } } } };
}

/** Points joined by a line, one colour; `legend: false` hides a repeat of a series already in the legend. */
function series(name: string, x: readonly (number | string)[], y: readonly (number | null)[], colour: string, legend = true, extra: Record<string, unknown> = {}): Trace {
  return { type: 'scatter', mode: 'lines+markers', name, x: [...x], y: [...y], line: { color: colour, width: 2 }, marker: { color: colour, size: 7 }, legendgroup: name, showlegend: legend, ...extra };
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
/**
 * λ as a student reads it: powers of ten below 0.1, decimals from 0.1.
 *
 * @example
 * nn.regularization.lambdaText(0.003)   // '3e-3'
 * nn.regularization.lambdaText(30)      // '30'
 */
export function lambdaText(v: number): string {
  if (v === 0) return '0';
  if (v >= 0.1 && v < 1e4) return String(Number(v.toPrecision(3)));
  const [m, e] = v.toExponential().split('e');
  return `${Number(Number(m).toPrecision(3))}e${Number(e)}`;
}

const ACC_AXIS = { range: [-0.05, 1.05] };

// ============================================================================ regularize

/**
 * One panel per penalty: train and validation accuracy vs λ (log x), the no-penalty run as two
 * dashed references, the λ chosen on validation marked (the sweet spot between overfitting on
 * the left and underfitting on the right), and chance.
 *
 * @example
 * nn.plot(nn.regularization.regularizeFigure(await nn.regularization.regularize()));
 */
export function regularizeFigure(record: RegularizeRecord): Figure {
  checkRecord(record, 'regularizationRegularize');
  const penalties = record.options.penalties;
  const panels = penalties.map((penalty, k) => {
    const runs = record.runs.filter((r) => r.penalty === penalty);
    const x = runs.map((r) => r.lambda);
    const best = record.bestPerPenalty.find((b) => b.penalty === penalty)!;
    const lo = Math.min(...x);
    const hi = Math.max(...x);
    return panel(`${PENALTY_LABELS[penalty]}: best λ ${lambdaText(best.lambda)} (val ${pct(best.valAcc)})`, 'λ (log scale)', 'accuracy', [
      series('train accuracy', x, runs.map((r) => r.trainAcc), SERIES_COLOURS[0], k === 0),
      series('validation accuracy', x, runs.map((r) => r.valAcc), SERIES_COLOURS[1], k === 0),
      { ...referenceLine('no penalty: train', lo, hi, record.baseline.trainAcc), line: { dash: 'dot', width: 1.5, color: SERIES_COLOURS[0] }, legendgroup: 'b-train', showlegend: k === 0 },
      { ...referenceLine('no penalty: validation', lo, hi, record.baseline.valAcc), line: { dash: 'dot', width: 1.5, color: SERIES_COLOURS[1] }, legendgroup: 'b-val', showlegend: k === 0 },
      { ...referenceLine('chance, 0.1', lo, hi, 0.1), legendgroup: 'chance', showlegend: k === 0 },
      {
        type: 'scatter', mode: 'markers', name: 'sweet spot (best validation)', x: [best.lambda], y: [best.valAcc], legendgroup: 'best', showlegend: k === 0,
        marker: { symbol: 'star', size: 16, color: SERIES_COLOURS[2], line: { width: 1, color: '#333333' } },
      },
    ], logAxis({}, x), ACC_AXIS);
  });
  return subplotsFigure(panels, {
    title: `Accuracy vs penalty strength λ (${record.data.trainRows} training rows): overfitting on the left, underfitting on the right`,
    rows: 1, cols: panels.length, shareY: true,
  });
}

/**
 * Weight histograms at the end of training: no penalty and each penalty at its best λ (counts on
 * a log axis, one shared range), and the fraction of near-zero weights vs λ for every penalty.
 *
 * @example
 * nn.plot(nn.regularization.weightHistogramFigure(await nn.regularization.regularize()));
 */
export function weightHistogramFigure(record: RegularizeRecord): Figure {
  checkRecord(record, 'regularizationRegularize');
  const colourOf = (p: string) => SERIES_COLOURS[['none', 'l2', 'l1', 'elastic'].indexOf(p) + 3];
  const best = record.histograms.filter((h) => h.penalty !== 'none').map((h) => `${h.penalty.toUpperCase().replace('ELASTIC', 'elastic')} ${lambdaText(h.lambda)}`).join(', ');
  const hist = panel(`W₁ and W₂ after training, each penalty at its best λ (${best})`, 'weight value', 'count (log scale)', record.histograms.map((h) => {
    const centres = h.counts.map((_, i) => (h.edges[i] + h.edges[i + 1]) / 2);
    return {
      type: 'scatter', mode: 'lines', line: { shape: 'hvh', color: colourOf(h.penalty), width: 2 }, name: PENALTY_LABELS[h.penalty], hovertemplate: `${h.penalty === 'none' ? 'no penalty' : `λ ${lambdaText(h.lambda)}`}: %{y} weights near %{x:.2e}<extra></extra>`,
      legendgroup: PENALTY_LABELS[h.penalty],
      x: centres, y: h.counts.map((c) => (c > 0 ? c : null)), connectgaps: false,
    };
  }), {}, logAxis({}, record.histograms.flatMap((h) => h.counts.filter((c) => c > 0))));
  const all = record.runs.map((r) => r.lambda);
  const zeros = panel('Near-zero weights: |w| < 0.001 · max |w| (colours as on the left)', 'λ (log scale)', 'fraction of weights', [
    ...record.options.penalties.map((p) => {
      const runs = record.runs.filter((r) => r.penalty === p);
      return series(PENALTY_LABELS[p], runs.map((r) => r.lambda), runs.map((r) => r.weights.nearZero), colourOf(p), false);
    }),
    referenceLine(`no penalty, ${pct(record.baseline.weights.nearZero)}`, Math.min(...all), Math.max(...all), record.baseline.weights.nearZero),
  ], logAxis({}, all), ACC_AXIS);
  return subplotsFigure([hist, zeros], { title: 'What the penalties do to the weights: L1 pushes many to zero, L2 keeps them small and dense', rows: 1, cols: 2 });
}

/** One row per run: penalty, λ, accuracies, gap, weights. */
export function regularizeRows(record: RegularizeRecord): Record<string, string | number | null>[] {
  checkRecord(record, 'regularizationRegularize');
  return [record.baseline, ...record.runs].map((r) => ({
    penalty: PENALTY_LABELS[r.penalty], λ: lambdaText(r.lambda), 'train acc': r.trainAcc, 'val acc': r.valAcc, gap: Number(r.gap.toFixed(3)),
    'near-zero weights': Number(r.weights.nearZero.toFixed(3)), 'mean |w|': Number(r.weights.meanAbs.toPrecision(3)),
  }));
}

/** The table and the choice, as text (the CLI). */
export function regularizeText(record: RegularizeRecord): string {
  const c = record.chosen;
  return `${tableText(toTable(regularizeRows(record)), { title: `Weight penalties on ${record.data.trainRows} CIFAR-10 rows, ${record.options.steps} steps (${record.backend})` })}
chosen on validation: ${PENALTY_LABELS[c.penalty]}, λ ${lambdaText(c.lambda)} (val ${pct(c.valAcc)}); its test accuracy, read once: ${pct(c.testAcc)}`;
}

/**
 * Draws both figures, the table and the one test read.
 *
 * @example
 * nn.regularization.showRegularize(await nn.regularization.regularize());
 */
export function showRegularize(record: RegularizeRecord): void {
  showFigure(regularizeFigure(record));
  showFigure(weightHistogramFigure(record));
  showTable(regularizeRows(record), { title: `chosen on validation: ${PENALTY_LABELS[record.chosen.penalty]}, λ ${lambdaText(record.chosen.lambda)}; test accuracy (read once): ${pct(record.chosen.testAcc)}` });
}

// ============================================================================ ensemble

/**
 * Left: each member's test accuracy, their mean and the ensemble's. Right: the ensemble's test
 * accuracy as members are added (k = 1..M), against the members' mean and best.
 *
 * @example
 * nn.plot(nn.regularization.ensembleFigure(await nn.regularization.ensemble()));
 */
export function ensembleFigure(record: EnsembleRecord): Figure {
  checkRecord(record, 'regularizationEnsemble');
  const M = record.members.length;
  const names = record.members.map((m) => `model ${m.member}`);
  const bars = panel('Test accuracy of each model and of their average', 'model', 'test accuracy', [
    { type: 'bar', name: 'one model', x: names, y: record.members.map((m) => m.testAcc), marker: { color: SERIES_COLOURS[0] } },
    { type: 'bar', name: `ensemble of ${M}`, x: ['ensemble'], y: [record.ensembleAcc], marker: { color: SERIES_COLOURS[1] } },
    referenceLine(`members' mean, ${pct(record.memberMean)}`, names[0], 'ensemble', record.memberMean),
  ], { type: 'category' });
  const ks = record.byMembers.map((_, k) => k + 1);
  const lo = Math.min(...record.byMembers, record.memberMean, ...record.members.map((m) => m.testAcc));
  const hi = Math.max(...record.byMembers, record.memberBest);
  const curve = panel('Average of the first k models', 'models averaged, k', 'test accuracy', [
    series('ensemble of k', ks, record.byMembers, SERIES_COLOURS[1]),
    referenceLine(`members' mean, ${pct(record.memberMean)}`, 1, Math.max(2, M), record.memberMean),
    { ...referenceLine(`best member, ${pct(record.memberBest)}`, 1, Math.max(2, M), record.memberBest), line: { dash: 'dot', width: 1.5, color: SERIES_COLOURS[0] } },
  ], { dtick: 1 }, { range: [lo - 0.02, hi + 0.02] });
  return subplotsFigure([bars, curve], {
    title: `Ensemble of ${M} two-layer nets: ${pct(record.ensembleAcc)} vs ${pct(record.memberMean)} for one (mean), ${record.gain >= 0 ? '+' : ''}${(100 * record.gain).toFixed(1)} points`,
    rows: 1, cols: 2,
  });
}

/** One row per member, then the mean, best and ensemble. */
export function ensembleRows(record: EnsembleRecord): Record<string, string | number>[] {
  checkRecord(record, 'regularizationEnsemble');
  return [
    ...record.members.map((m) => ({ model: `member ${m.member}`, 'test accuracy': m.testAcc })),
    { model: "members' mean", 'test accuracy': record.memberMean },
    { model: 'best member', 'test accuracy': record.memberBest },
    { model: `ensemble (average of ${record.members.length})`, 'test accuracy': record.ensembleAcc },
  ];
}

/** The table as text (the CLI). */
export function ensembleText(record: EnsembleRecord): string {
  return tableText(toTable(ensembleRows(record)), { title: `Ensemble of ${record.members.length} two-layer nets, ${record.data.trainRows} rows, ${record.options.steps} steps each, ${record.data.testRows} test rows (${record.backend})` });
}

/**
 * Draws the figure and the table.
 *
 * @example
 * nn.regularization.showEnsemble(await nn.regularization.ensemble());
 */
export function showEnsemble(record: EnsembleRecord): void {
  showFigure(ensembleFigure(record));
  showTable(ensembleRows(record));
}

/**
 * Left: the learning rate of every step, the cyclic run (SGDR) and the single model's cosine,
 * with each snapshot marked. Right: test accuracy of each snapshot, of their average and of the
 * single model of the same budget.
 *
 * @example
 * nn.plot(nn.regularization.snapshotFigure(await nn.regularization.snapshotEnsemble()));
 */
export function snapshotFigure(record: SnapshotRecord): Figure {
  checkRecord(record, 'regularizationSnapshotEnsemble');
  const steps = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  const lr = panel('Learning rate per step', 'step', 'learning rate', [
    { type: 'scatter', mode: 'lines', name: 'cyclic (SGDR)', x: steps(record.cyclic.lrs.length), y: record.cyclic.lrs, line: { color: SERIES_COLOURS[0], width: 2 } },
    { type: 'scatter', mode: 'lines', name: 'single model (cosine)', x: steps(record.single.lrs.length), y: record.single.lrs, line: { color: SERIES_COLOURS[1], width: 2 } },
    {
      type: 'scatter', mode: 'markers', name: 'snapshot taken', x: record.snapshots.map((s) => s.step), y: record.snapshots.map((s) => record.cyclic.lrs[s.step - 1] ?? 0),
      marker: { symbol: 'diamond', size: 10, color: SERIES_COLOURS[2] },
    },
  ]);
  const names = record.snapshots.map((_, k) => `snapshot ${k + 1}`);
  const accs = [...record.snapshots.map((s) => s.testAcc), record.snapshotEnsembleAcc, record.single.testAcc];
  const acc = panel('Test accuracy', 'model', 'test accuracy', [
    { type: 'bar', name: 'one snapshot', x: names, y: record.snapshots.map((s) => s.testAcc), marker: { color: SERIES_COLOURS[0] } },
    { type: 'bar', name: 'snapshot ensemble', x: ['average'], y: [record.snapshotEnsembleAcc], marker: { color: SERIES_COLOURS[2] } },
    { type: 'bar', name: 'single model, same steps', x: ['single'], y: [record.single.testAcc], marker: { color: SERIES_COLOURS[1] } },
  ], { type: 'category' }, { range: [0, Math.min(1, Math.max(...accs) + 0.03)] });   // bars start at 0: their lengths compare
  return subplotsFigure([lr, acc], {
    title: `Snapshot ensemble: ${record.snapshots.length} snapshots of one cyclic run ${pct(record.snapshotEnsembleAcc)} vs one model of the same budget ${pct(record.single.testAcc)}`,
    rows: 1, cols: 2,
  });
}

/** One row per snapshot, then the average and the single model. */
export function snapshotRows(record: SnapshotRecord): Record<string, string | number>[] {
  checkRecord(record, 'regularizationSnapshotEnsemble');
  return [
    ...record.snapshots.map((s, k) => ({ model: `snapshot ${k + 1} (after step ${s.step})`, 'test accuracy': s.testAcc })),
    { model: `snapshot ensemble (average of ${record.snapshots.length})`, 'test accuracy': record.snapshotEnsembleAcc },
    { model: `single model, ${record.options.steps} steps, cosine`, 'test accuracy': record.single.testAcc },
  ];
}

/** The table as text (the CLI). */
export function snapshotText(record: SnapshotRecord): string {
  return tableText(toTable(snapshotRows(record)), { title: `Snapshot ensemble: ${record.options.cycles} cycles of ${record.period} steps, ${record.data.trainRows} rows (${record.backend})` });
}

/**
 * Draws the figure and the table.
 *
 * @example
 * nn.regularization.showSnapshotEnsemble(await nn.regularization.snapshotEnsemble());
 */
export function showSnapshotEnsemble(record: SnapshotRecord): void {
  showFigure(snapshotFigure(record));
  showTable(snapshotRows(record));
}

// ============================================================================ bnNoise

/**
 * Left: the gap train − validation per batch size, with batch norm and without (mean over seeds
 * as a bar, each seed a dot). Right: train and validation accuracy of each setting (means).
 *
 * @example
 * nn.plot(nn.regularization.bnNoiseFigure(await nn.regularization.bnNoise()));
 */
export function bnNoiseFigure(record: BnNoiseRecord): Figure {
  checkRecord(record, 'regularizationBnNoise');
  const x = (bn: boolean, b: number) => `batch ${b}, ${bn ? 'BN' : 'no BN'}`;
  const kinds = [true, false];
  const name = (bn: boolean) => (bn ? 'BN' : 'no BN');
  const gap: Trace[] = [
    ...kinds.map((bn, i) => {
      const rows = record.summary.filter((s) => s.batchNorm === bn);
      return { type: 'bar', name: `gap, ${name(bn)} (mean)`, x: rows.map((s) => x(bn, s.batchSize)), y: rows.map((s) => s.gap), marker: { color: SERIES_COLOURS[i], opacity: 0.8 } };
    }),
    {
      type: 'scatter', mode: 'markers', name: 'one seed', x: record.runs.map((r) => x(r.batchNorm, r.batchSize)), y: record.runs.map((r) => r.gap),
      marker: { color: '#333333', size: 7, symbol: 'circle-open', line: { width: 2, color: '#333333' } },
    },
  ];
  const order = record.options.batchSizes.flatMap((b) => kinds.map((bn) => x(bn, b)));
  const acc: Trace[] = kinds.flatMap((bn, i) => {
    const rows = record.summary.filter((s) => s.batchNorm === bn);
    return [
      series(`train, ${name(bn)}`, rows.map((s) => `batch ${s.batchSize}`), rows.map((s) => s.trainAcc), SERIES_COLOURS[i]),
      series(`validation, ${name(bn)}`, rows.map((s) => `batch ${s.batchSize}`), rows.map((s) => s.valAcc), SERIES_COLOURS[i], true, { line: { color: SERIES_COLOURS[i], width: 2, dash: 'dash' }, marker: { color: SERIES_COLOURS[i], size: 7, symbol: 'square' } }),
    ];
  });
  return subplotsFigure([
    panel('Train − validation gap', 'batch size, batch norm', 'gap', gap, { type: 'category', categoryorder: 'array', categoryarray: order }),
    panel('Train and validation accuracy (means)', 'batch size', 'accuracy', acc, { type: 'category' }),
  ], { title: `Batch norm as a regulariser? ${record.options.epochs} epochs on ${record.data.trainRows} rows, ${record.options.seeds} seeds`, rows: 1, cols: 2 });
}

/** One row per setting (means over seeds). */
export function bnNoiseRows(record: BnNoiseRecord): Record<string, string | number>[] {
  checkRecord(record, 'regularizationBnNoise');
  return record.summary.map((s) => ({
    'batch norm': s.batchNorm ? 'yes' : 'no', 'batch size': s.batchSize, 'train acc': Number(s.trainAcc.toFixed(3)), 'val acc': Number(s.valAcc.toFixed(3)),
    'gap (mean)': Number(s.gap.toFixed(3)), 'gap (min … max over seeds)': `${s.minGap.toFixed(3)} … ${s.maxGap.toFixed(3)}`,
  }));
}

/** The table as text (the CLI). */
export function bnNoiseText(record: BnNoiseRecord): string {
  return tableText(toTable(bnNoiseRows(record)), { title: `Train/val gap with and without batch norm, ${record.options.epochs} epochs, ${record.options.seeds} seeds (${record.backend})` });
}

/**
 * Draws the figure and the table.
 *
 * @example
 * nn.regularization.showBnNoise(await nn.regularization.bnNoise());
 */
export function showBnNoise(record: BnNoiseRecord): void {
  showFigure(bnNoiseFigure(record));
  showTable(bnNoiseRows(record));
}
