/**
 * Figures and tables of lesson 06's two experiments on search and estimation: random vs grid
 * search (`randomVsGrid`) and cross-validation vs one validation split (`crossValidation`).
 * Builders are pure (record in, figure or rows out); `show…` functions are the only side effects.
 *
 * @example
 * const r = await nn.hpSearch.randomVsGrid();
 * nn.hpSearch.showRandomVsGrid(r);   // the lecture's picture, the best found over repeats, a table
 */
import { ArgumentError } from '../../core/errors';
import { Figure, histogramFigure, lineFigure, referenceLine, scatterFigure, subplotsFigure } from '../../show/figure';
import { showFigure } from '../../show/plot';
import { showTable, tableText, toTable } from '../../show/table';
import type { CrossValidationRecord, SettingEstimates } from './crossValidation';
import type { RandomVsGridRecord, SearchRun } from './randomVsGrid';

const MADE_BY: Readonly<Record<string, string>> = {
  hpSearchRandomVsGrid: 'nn.hpSearch.randomVsGrid()', hpSearchCrossValidation: 'nn.hpSearch.crossValidation()',
};

function checkRecord(record: unknown, experiment: string): void {
  if (typeof record !== 'object' || record === null || (record as { experiment?: unknown }).experiment !== experiment) {
    throw new ArgumentError('record', record, `a record returned by ${MADE_BY[experiment]}`);
  }
}

// ============================================================================ randomVsGrid

/** Series names of the random-vs-grid picture (one colour each, in every panel). */
const RVG = {
  curve: 'g(a): the objective along a', projectedA: 'trials projected on a', projectedU: 'trials projected on u',
  trials: 'trials', best: 'best trial', optimum: 'optimum',
} as const;

/** Where the projections onto the axes are drawn, just outside [0, 1]. */
const RUG = -0.06;
const RANGE = [-0.1, 1.03];

const methodName = (m: SearchRun) => (m.method === 'grid' ? 'Grid' : 'Random');

/** The top panel of one method: g(a) and the trials' values of a on it. */
function marginalPanel(record: RandomVsGridRecord, m: SearchRun): Figure {
  const fig = lineFigure({
    title: `${methodName(m)}: ${m.distinctImportant} distinct values of a`, xTitle: 'important hyperparameter a', yTitle: 'g(a)',
    series: [{ name: RVG.curve, x: record.objective.important.x, y: record.objective.important.y }],
  });
  const g = (a: number) => Math.exp(-((a - record.options.peak) ** 2) / (2 * record.options.width ** 2));
  fig.data.push({ type: 'scatter', mode: 'markers', name: RVG.projectedA, x: [...m.samples.important], y: m.samples.important.map(g), marker: { size: 9, symbol: 'circle-open', line: { width: 2 } } });
  fig.layout.xaxis = { ...(fig.layout.xaxis as object), range: RANGE, zeroline: false };
  fig.layout.yaxis = { ...(fig.layout.yaxis as object), range: [-0.05, 1.1] };
  return fig;
}

/** The bottom panel of one method: the trials over (a, u), their projections on both axes, the best one. */
function samplesPanel(record: RandomVsGridRecord, m: SearchRun): Figure {
  const n = m.samples.important.length;
  const fig = scatterFigure({
    title: `${methodName(m)} search, ${n} trials: best f = ${m.best.value.toFixed(3)}`, xTitle: 'important hyperparameter a', yTitle: 'unimportant hyperparameter u',
    series: [{ name: RVG.trials, x: m.samples.important, y: m.samples.unimportant }],
  });
  fig.data.push(
    { type: 'scatter', mode: 'markers', name: RVG.projectedA, x: [...m.samples.important], y: m.samples.important.map(() => RUG), marker: { symbol: 'line-ns-open', size: 12, line: { width: 2 } } },
    { type: 'scatter', mode: 'markers', name: RVG.projectedU, x: m.samples.unimportant.map(() => RUG), y: [...m.samples.unimportant], marker: { symbol: 'line-ew-open', size: 12, line: { width: 2 } } },
    { type: 'scatter', mode: 'markers', name: RVG.best, x: [m.best.important], y: [m.best.unimportant], marker: { symbol: 'star', size: 14 } },
    { type: 'scatter', mode: 'markers', name: RVG.optimum, x: [record.objective.optimum.important], y: [record.objective.optimum.unimportant], marker: { symbol: 'x', size: 11 } },
  );
  // no zero lines: the projections sit just outside [0, 1], where a zero line would run through them
  fig.layout.xaxis = { ...(fig.layout.xaxis as object), range: RANGE, zeroline: false };
  fig.layout.yaxis = { ...(fig.layout.yaxis as object), range: RANGE, zeroline: false };
  return fig;
}

/**
 * The lecture's picture (Bergstra & Bengio): for grid and random search, the objective's
 * dependence on the important hyperparameter a with the trials' values of a on it (top), and the
 * trials over (a, u) with their projections on both axes (bottom). The grid's n trials fall on √n
 * values of a; random search's on n.
 *
 * @example
 * nn.plot(nn.hpSearch.randomVsGridFigure(await nn.hpSearch.randomVsGrid({ trials: 9 })));
 */
export function randomVsGridFigure(record: RandomVsGridRecord): Figure {
  checkRecord(record, 'hpSearchRandomVsGrid');
  const [grid, random] = record.methods;
  return subplotsFigure([marginalPanel(record, grid), marginalPanel(record, random), samplesPanel(record, grid), samplesPanel(record, random)], {
    title: `Grid vs random search, ${record.options.trials} trials each: only a matters much`, rows: 2, cols: 2, height: 720,
  });
}

/**
 * The best value each method found over the repeats: with the pictured objective (left; the grid
 * always finds the same value) and with the peak μ drawn anew for every repeat (right).
 *
 * @example
 * nn.plot(nn.hpSearch.randomVsGridRepeatsFigure(await nn.hpSearch.randomVsGrid()));
 */
export function randomVsGridRepeatsFigure(record: RandomVsGridRecord): Figure {
  checkRecord(record, 'hpSearchRandomVsGrid');
  // 22 bins from 0 to the optimum 1 + ε (every best found lies in [0, 1 + ε])
  const width = record.objective.optimum.value / 22;
  const edges = Array.from({ length: 23 }, (_, k) => k * width);
  const bins = (values: readonly number[]) => {
    const counts = new Array(edges.length - 1).fill(0);
    for (const v of values) counts[Math.min(edges.length - 2, Math.max(0, Math.floor(v / width)))] += 1;
    return counts;
  };
  const panel = (title: string, s: { grid: number[]; random: number[] }) => histogramFigure({
    title, xTitle: 'best f found', yTitle: 'repeats',
    series: [
      { name: 'grid search', edges, counts: bins(s.grid) },
      { name: 'random search', edges, counts: bins(s.random) },
    ],
  });
  const n = record.options.repeats;
  const fixed = panel(`μ = ${record.options.peak}: mean ${record.fixedPeak.gridMean.toFixed(2)} (grid) vs ${record.fixedPeak.randomMean.toFixed(2)} (random)`, record.fixedPeak);
  const moving = panel(`μ ~ U(0.1, 0.9): mean ${record.randomPeak.gridMean.toFixed(2)} vs ${record.randomPeak.randomMean.toFixed(2)}`, record.randomPeak);
  return subplotsFigure([fixed, moving], { title: `Best found in ${record.options.trials} trials, over ${n} seeded repeats`, rows: 1, cols: 2 });
}

/**
 * One row per method: distinct values tried, best found, and the means over repeats.
 *
 * @example
 * nn.table(nn.hpSearch.randomVsGridRows(await nn.hpSearch.randomVsGrid({ trials: 16 })));
 */
export function randomVsGridRows(record: RandomVsGridRecord): Record<string, string | number>[] {
  checkRecord(record, 'hpSearchRandomVsGrid');
  return record.methods.map((m) => {
    const key = m.method;
    return {
      method: `${m.method} search`, trials: m.samples.important.length, 'distinct a': m.distinctImportant, 'distinct u': m.distinctUnimportant,
      'best f': m.best.value, 'best a': m.best.important, 'best u': m.best.unimportant,
      [`mean best, μ = ${record.options.peak}`]: record.fixedPeak[`${key}Mean`],
      'mean best, random μ': record.randomPeak[`${key}Mean`],
    };
  });
}

/** The table and the repeats' verdict as text (the CLI). */
export function randomVsGridText(record: RandomVsGridRecord): string {
  const o = record.options;
  return `${record.objective.formula}, optimum f(${o.peak}, 0.5) = ${record.objective.optimum.value}\n` +
    tableText(toTable(randomVsGridRows(record)), { title: `Grid vs random search, ${o.trials} trials each (seed ${o.seed})` }) +
    `\nover ${o.repeats} repeats random search found more than the grid in ${(100 * record.fixedPeak.randomWins).toFixed(1)} % of them ` +
    `(μ = ${o.peak}) and in ${(100 * record.randomPeak.randomWins).toFixed(1)} % (μ drawn from U(0.1, 0.9) each time)`;
}

/**
 * Draws the lecture's picture, the best found over repeats and the table.
 *
 * @example
 * nn.hpSearch.showRandomVsGrid(await nn.hpSearch.randomVsGrid({ trials: 16 }));
 */
export function showRandomVsGrid(record: RandomVsGridRecord): void {
  showFigure(randomVsGridFigure(record));
  showFigure(randomVsGridRepeatsFigure(record));
  showTable(randomVsGridRows(record));
}

// ============================================================================ crossValidation

const CV = {
  single: 'one split (each seed)', kFold: 'k-fold: mean ± std over folds (each cut)', spread: 'mean ± std over seeds or cuts', test: 'test accuracy, trained on the whole pool',
} as const;

/** Small deterministic offsets so the points of one group sit side by side. */
function offsets(n: number, width = 0.3): number[] {
  return Array.from({ length: n }, (_, i) => (n === 1 ? 0 : -width / 2 + (width * i) / (n - 1)));
}

function settingPanel(s: SettingEstimates, k: number, yRange: [number, number]): Figure {
  const single = s.singleSplits.map((x) => x.valAccuracy);
  const fig = scatterFigure({
    title: s.label, xTitle: 'estimate', yTitle: 'validation accuracy',
    series: [{ name: CV.single, x: offsets(single.length).map((d) => d), y: single }],
  });
  const kx = offsets(s.kFold.length).map((d) => 1 + d);
  fig.data.push({
    type: 'scatter', mode: 'markers', name: CV.kFold.replace('k-fold', `${k}-fold`), x: kx, y: s.kFold.map((r) => r.mean),
    error_y: { type: 'data', array: s.kFold.map((r) => r.std), visible: true }, marker: { size: 9, symbol: 'diamond' },
  });
  const spreadX: number[] = [0.4];
  const spreadY: number[] = [s.singleSpread.mean];
  const spreadE: number[] = [s.singleSpread.std];
  if (s.kFold.length > 1) { spreadX.push(1.4); spreadY.push(s.kFoldSpread.mean); spreadE.push(s.kFoldSpread.std); }
  fig.data.push({
    type: 'scatter', mode: 'markers', name: CV.spread, x: spreadX, y: spreadY,
    error_y: { type: 'data', array: spreadE, visible: true, thickness: 3 }, marker: { size: 10, symbol: 'square', color: '#000' },
  });
  if (s.test !== null) fig.data.push(referenceLine(CV.test, -0.35, 1.6, s.test.accuracy));
  fig.layout.xaxis = { ...(fig.layout.xaxis as object), range: [-0.4, 1.65], zeroline: false, tickmode: 'array', tickvals: [0, 1], ticktext: ['one split', `${k}-fold`] };
  fig.layout.yaxis = { ...(fig.layout.yaxis as object), range: yRange };
  return fig;
}

/**
 * One panel per (lr, reg) setting: the single-split estimates (one point per split seed) beside the
 * k-fold estimates (mean ± std over folds, one point per cut of the pool), each group's spread as
 * a black error bar (mean ± std over seeds or cuts), and the accuracy on test images of a net
 * trained on the whole pool. The point: how much one split's number moves with the seed.
 *
 * @example
 * nn.plot(nn.hpSearch.crossValidationFigure(await nn.hpSearch.crossValidation()));
 */
export function crossValidationFigure(record: CrossValidationRecord): Figure {
  checkRecord(record, 'hpSearchCrossValidation');
  const values = record.settings.flatMap((s) => [
    ...s.singleSplits.map((x) => x.valAccuracy), ...s.kFold.flatMap((r) => [r.mean - r.std, r.mean + r.std]),
    s.singleSpread.mean - s.singleSpread.std, s.singleSpread.mean + s.singleSpread.std, ...(s.test ? [s.test.accuracy] : []),
  ]);
  const lo = Math.max(0, Math.min(...values) - 0.03);
  const hi = Math.min(1, Math.max(...values) + 0.03);
  const k = record.options.folds;
  const cols = Math.min(3, record.settings.length);
  return subplotsFigure(record.settings.map((s) => settingPanel(s, k, [lo, hi])), {
    title: `${k}-fold cross-validation vs one validation split, ${record.data.poolSize} CIFAR-10 images`,
    rows: Math.ceil(record.settings.length / cols), cols, shareY: true,
  });
}

/**
 * One row per setting: both estimates with their spreads, and the test accuracy.
 *
 * @example
 * nn.table(nn.hpSearch.crossValidationRows(await nn.hpSearch.crossValidation()));
 */
export function crossValidationRows(record: CrossValidationRecord): Record<string, string | number>[] {
  checkRecord(record, 'hpSearchCrossValidation');
  const k = record.options.folds;
  const pm = (m: number, s: number) => `${m.toFixed(3)} ± ${s.toFixed(3)}`;
  return record.settings.map((s) => ({
    setting: s.label,
    [`${k}-fold (first cut), mean ± std over folds`]: pm(s.kFold[0].mean, s.kFold[0].std),
    // one cut has no spread to show
    [`${k}-fold over ${s.kFold.length} cut${s.kFold.length === 1 ? '' : 's'}, mean ± std`]: s.kFold.length === 1 ? '(one cut)' : pm(s.kFoldSpread.mean, s.kFoldSpread.std),
    [`one split over ${s.singleSplits.length} seeds, mean ± std`]: pm(s.singleSpread.mean, s.singleSpread.std),
    'one split, min – max': `${s.singleSpread.min.toFixed(3)} – ${s.singleSpread.max.toFixed(3)}`,
    'test accuracy': s.test === null ? '' : s.test.accuracy,
  }));
}

/** The table as text, with its title (the CLI). */
export function crossValidationText(record: CrossValidationRecord): string {
  const o = record.options;
  return tableText(toTable(crossValidationRows(record)), {
    title: `${o.folds}-fold cross-validation vs one split: ${record.data.poolSize} CIFAR-10 images (folds of ${record.data.foldSizes.join('/')}), ` +
      `${o.epochs} epochs, batch ${o.batchSize} (${record.backend})`,
  });
}

/**
 * Draws the error-bar figure and the table.
 *
 * @example
 * nn.hpSearch.showCrossValidation(await nn.hpSearch.crossValidation());
 */
export function showCrossValidation(record: CrossValidationRecord): void {
  showFigure(crossValidationFigure(record));
  showTable(crossValidationRows(record));
}
