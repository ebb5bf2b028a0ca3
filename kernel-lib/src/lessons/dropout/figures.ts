/**
 * Figures and tables of the dropout lesson (09). Figure builders are pure (record in, plain figure
 * out); the `show…` functions are the only side effects: each draws its experiment's figure and,
 * where the lesson has one, its table. The row builders are internal (the CLI prints them as text).
 *
 * @example
 * const r = await nn.dropout.expectation({ p: 0.5 });
 * nn.dropout.showExpectation(r); // the gap plot and the table
 */
import { ArgumentError } from '../../core/errors';
import type { EnsembleRecord } from './ensemble';
import { ExpectationProbe, EXPECTATION_PROBES } from './exact';
import type { ExpectationRecord } from './expectation';
import { OverfitRecord, overfitRunName } from './overfit';
import type { TfLayersKindRecord } from './tfLayersKind';
import { barFigure, Figure, lineFigure, scatterFigure, subplotsFigure, Trace } from '../../show/figure';
import { showFigure } from '../../show/plot';
import { showTable } from '../../show/table';

const PROBE_TITLES: Readonly<Record<ExpectationProbe, string>> = {
  first: 'z2: right after dropout 1 (affine in the mask)',
  hidden: 'h2 = max(0, z2): after the next ReLU',
  output: 'output (both dropout points)',
};
const CASE_SHORT = { vanilla: '(a) vanilla', vanillaForgot: '(b) vanilla, scaling forgotten', inverted: '(c) inverted' } as const;

/** The public call that makes each record kind, for error messages. */
const MADE_BY: Readonly<Record<string, string>> = {
  dropoutExpectation: 'nn.dropout.expectation()', dropoutEnsemble: 'nn.dropout.ensemble()',
  tfDropoutKind: 'nn.dropout.tfLayersKind()', dropoutOverfit: 'nn.dropout.overfit()',
};

function checkRecord(name: string, record: unknown, experiment: string): void {
  if (typeof record !== 'object' || record === null || (record as { experiment?: unknown }).experiment !== experiment) {
    throw new ArgumentError(name, record, `a record returned by ${MADE_BY[experiment]}`);
  }
}

/**
 * The two-input neuron: exact training-time expectation, Monte-Carlo mean and test-time output of
 * each case, side by side. (a) and (c): the bars agree; (b): the test output is 1/p times too big.
 *
 * @example
 * const r = await nn.dropout.expectation({ samples: 2000, seed: 1 });
 * nn.plot(nn.dropout.neuronFigure(r));
 */
export function neuronFigure(record: ExpectationRecord): Figure {
  checkRecord('record', record, 'dropoutExpectation');
  const { exact, monteCarlo } = record.neuron;
  const x = monteCarlo.map((m) => CASE_SHORT[m.scheme]);
  return barFigure({
    title: `Neuron a = ${exact.w[0]}·x + ${exact.w[1]}·y at (x, y) = (${exact.x[0]}, ${exact.x[1]}), p = ${exact.p}`,
    xTitle: 'case', yTitle: 'output a',
    series: [
      { name: 'E[a] at training time (exact, 4 masks)', x, y: monteCarlo.map((m) => m.exact) },
      { name: `mean over ${record.options.samples.toLocaleString('en-US')} masks`, x, y: monteCarlo.map((m) => m.trainMean) },
      { name: 'test-time output', x, y: monteCarlo.map((m) => m.test) },
    ],
  });
}

/**
 * Gap plots: for each probe (rows) and case (columns), every output's Monte-Carlo gap
 * mean(train) - test against its test value, with ±2 SE bars, and the exact gap (open circles).
 * Where the identity holds the points sit on zero within their bars.
 *
 * @example
 * const r = await nn.dropout.expectation({ samples: 2000, seed: 1 });
 * const fig = nn.dropout.expectationFigure(r, ['first', 'hidden', 'output']);
 * nn.plot(fig);
 */
export function expectationFigure(record: ExpectationRecord, probes: readonly ExpectationProbe[] = ['first', 'output']): Figure {
  checkRecord('record', record, 'dropoutExpectation');
  probes.forEach((probe, i) => { if (!EXPECTATION_PROBES.includes(probe)) throw new ArgumentError(`probes[${i}]`, probe, `one of ${EXPECTATION_PROBES.join(', ')}`); });
  const cells: Figure[] = [];
  for (const probe of probes) {
    for (const c of record.cases) {
      const s = c.probes[probe];
      const gaps = s.trainMean.map((m, i) => m - s.test[i]);
      const fig = scatterFigure({
        title: `${CASE_SHORT[c.scheme]} · ${PROBE_TITLES[probe]}`, xTitle: 'test-time value', yTitle: 'mean(train) − test',
        series: [{ name: 'Monte Carlo ± 2 SE', x: s.test, y: gaps }],
      });
      (fig.data[0] as Trace).error_y = { type: 'data', array: s.se.map((e) => 2 * e), visible: true };
      if (s.exact) {
        fig.data.push({ type: 'scatter', mode: 'markers', name: 'exact (all masks)', x: s.test, y: s.exact.map((e, i) => e - s.test[i]),
          marker: { symbol: 'circle-open', size: 10 } });
      }
      fig.data.push({ type: 'scatter', mode: 'lines', name: 'no gap', x: [Math.min(...s.test), Math.max(...s.test)], y: [0, 0],
        line: { dash: 'dot', color: 'gray' } });
      cells.push(fig);
    }
  }
  return subplotsFigure(cells, {
    title: `Training-time mean vs test-time value, p = ${record.options.p} (${record.options.samples.toLocaleString('en-US')} masks per example)`,
    rows: probes.length, cols: record.cases.length, height: 320 * probes.length,
  });
}

/** One row per case and probe: the numbers behind {@link expectationFigure} (internal: the table of {@link showExpectation}). */
export function expectationRows(record: ExpectationRecord, probes: readonly ExpectationProbe[] = EXPECTATION_PROBES):
  Record<string, string | number | null>[] {
  checkRecord('record', record, 'dropoutExpectation');
  const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return probes.flatMap((probe) => record.cases.map((c) => {
    const s = c.probes[probe];
    return {
      case: CASE_SHORT[c.scheme], probe,
      'mean(train)': mean(s.trainMean), test: mean(s.test),
      'gap ± SE': `${fmt(s.gap)} ± ${fmt(s.gapSe)}`,
      'max |gap|/SE': s.maxZ === null ? '∞' : round(s.maxZ, 1),
      'max |exact − test|': s.maxExactGap === null ? null : Number(s.maxExactGap.toPrecision(2)),
    };
  }));
}

/** The neuron's four masks: probability and output under vanilla training (internal: the table of {@link showNeuron}). */
export function neuronRows(record: ExpectationRecord): Record<string, string | number>[] {
  checkRecord('record', record, 'dropoutExpectation');
  const { exact } = record.neuron;
  return exact.masks.map((m) => ({
    'mask (x, y)': `(${m.mask[0]}, ${m.mask[1]})`, probability: m.probability,
    'a = w1·m1·x + w2·m2·y': m.a, 'P · a': m.probability * m.a,
  }));
}

/**
 * Shows the 3-layer net's gap plots (probes 'first' and 'output' unless given) and the table of
 * gaps per case and probe.
 *
 * @example
 * const r = await nn.dropout.expectation({ samples: 2000, seed: 1 });
 * nn.dropout.showExpectation(r, ['first', 'hidden', 'output']);
 */
export function showExpectation(record: ExpectationRecord, probes?: readonly ExpectationProbe[]): void {
  showFigure(expectationFigure(record, probes));
  showTable(expectationRows(record, probes), { title: `Gaps in the ${record.options.sizes.join('-')} net (${record.units} droppable units: ${record.thinnedNetworks.toLocaleString('en-US')} thinned networks)` });
}

/**
 * Shows the lecture's neuron from an expectation record: the table of its four masks and the
 * three cases' bars (exact E[a], Monte-Carlo mean, test output).
 *
 * @example
 * nn.dropout.showNeuron(await nn.dropout.expectation({ samples: 2000, seed: 1 }));
 */
export function showNeuron(record: ExpectationRecord): void {
  const e = record.neuron.exact;
  showTable(neuronRows(record), { title: `The four masks of a = w1·x + w2·y, p = ${e.p}: E[a] = Σ P·a = ${fmt(e.trainExpectation.vanilla)} = p · ${fmt(e.full)}` });
  showFigure(neuronFigure(record));
}

/**
 * Ensemble convergence, log-log: RMS error of the average of k thinned networks to the exact
 * ensemble mean (falls like 1/√k), to the test-time output (levels off at the floor), the noise
 * σ/√k alone and the floor |E[f] - test|.
 *
 * @example
 * const r = await nn.dropout.ensemble({ ks: [1, 4, 16, 64], repeats: 4, seed: 1 });
 * nn.plot(nn.dropout.ensembleFigure(r));
 */
export function ensembleFigure(record: EnsembleRecord): Figure {
  checkRecord('record', record, 'dropoutEnsemble');
  const { ks } = record;
  const series = [
    { name: 'to the test-time output', x: ks, y: record.toTest },
    ...(record.toExact ? [{ name: `to the exact mean of all ${record.thinnedNetworks.toLocaleString('en-US')} thinned nets`, x: ks, y: record.toExact }] : []),
    { name: 'noise alone: σ/√k', x: ks, y: record.noise },
  ];
  const fig = lineFigure({
    title: `Averaging k thinned networks (${record.options.scheme}, p = ${record.options.p}, ${record.options.activation})`,
    xTitle: 'k (masks averaged)', yTitle: 'RMS error', xScale: 'log', yScale: 'log', series,
  });
  (fig.data[fig.data.length - 1] as Trace).line = { dash: 'dot' };
  if (record.floor !== null && record.floor > 0) {
    fig.data.push({ type: 'scatter', mode: 'lines', name: 'floor: |E[output] − test output|', x: [ks[0], ks[ks.length - 1]],
      y: [record.floor, record.floor], line: { dash: 'dash', color: 'gray' } });
  }
  return fig;
}

/**
 * Shows the ensemble convergence plot ({@link ensembleFigure}).
 *
 * @example
 * nn.dropout.showEnsemble(await nn.dropout.ensemble({ ks: [1, 4, 16, 64], repeats: 4, seed: 1 }));
 */
export function showEnsemble(record: EnsembleRecord): void {
  showFigure(ensembleFigure(record));
}

/** The tf.layers.dropout comparison as rows: max |layer − ours| per mode and implementation (internal: {@link showTfLayersKind}'s table). */
export function tfLayersKindRows(record: TfLayersKindRecord): Record<string, string | number>[] {
  checkRecord('record', record, 'tfDropoutKind');
  return [
    { mode: 'test (training: false)', 'max |layer − vanilla|': record.test.toVanilla, 'max |layer − inverted|': record.test.toInverted },
    { mode: 'training, same seed', 'max |layer − vanilla|': record.train.toVanilla, 'max |layer − inverted|': record.train.toInverted },
  ];
}

/**
 * Shows the tf.layers.dropout comparison: a table of max |layer − ours| per mode and
 * implementation, titled with the verdict (which kind it is) and the kept fraction.
 *
 * @example
 * nn.dropout.showTfLayersKind(await nn.dropout.tfLayersKind({ p: 0.8, rows: 20, cols: 50, seed: 1 }));
 */
export function showTfLayersKind(record: TfLayersKindRecord): void {
  showTable(tfLayersKindRows(record), {
    title: `tf.layers.dropout({rate: ${Number(record.rate.toPrecision(12))}}) vs ours with p = ${record.options.p}: it is ${record.kind} dropout ` +
      `(kept ${fmt(record.keptFraction)} of the units, p ± SE = ${record.options.p} ± ${fmt(record.keptFractionSe)})`,
  });
}

/**
 * Train and validation curves: loss (left) and accuracy (right) per epoch, training dashed,
 * validation solid, one colour per p.
 *
 * @example
 * // random images with random labels (offline, seconds): the net memorizes, validation stays at chance
 * const data = nn.data.randomImages({ count: 300, height: 28, width: 28, channels: 1, classes: 10, seed: 0 });
 * const r = await nn.dropout.overfit({ ps: [1, 0.5], sizes: [784, 64, 10], trainSize: 200, valSize: 100, epochs: 3, seed: 1 }, { data });
 * nn.plot(nn.dropout.overfitFigure(r));
 */
export function overfitFigure(record: OverfitRecord): Figure {
  checkRecord('record', record, 'dropoutOverfit');
  const colors = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
  const panel = (metric: 'Loss' | 'Acc', title: string, yTitle: string) => {
    const fig = lineFigure({
      title, xTitle: 'epoch', yTitle,
      series: record.runs.flatMap((run) => (['train', 'val'] as const).map((split) => ({
        name: `${overfitRunName(run.p)}, ${split === 'train' ? 'training' : 'validation'}`,
        x: run.epochs.map((e) => e.epoch), y: run.epochs.map((e) => e[`${split}${metric}`]),
      }))),
    });
    fig.data.forEach((t, i) => { t.line = { color: colors[Math.floor(i / 2) % colors.length], dash: i % 2 === 0 ? 'dash' : 'solid' }; });
    return fig;
  };
  return subplotsFigure([panel('Loss', 'loss (test mode)', 'cross-entropy'), panel('Acc', 'accuracy (test mode)', 'accuracy')], {
    title: `MNIST MLP ${record.options.sizes.join('-')} (${record.parameters.toLocaleString('en-US')} parameters), ` +
      `${record.data.trainSize.toLocaleString('en-US')} training images: training dashed, validation solid`,
    rows: 1, cols: 2, height: 400,
  });
}

/** The last epoch of every run, and the epoch with the lowest validation loss (internal: {@link showOverfit}'s table, the CLI's). */
export function overfitRows(record: OverfitRecord): Record<string, string | number>[] {
  checkRecord('record', record, 'dropoutOverfit');
  return record.runs.map((run) => {
    const last = run.epochs[run.epochs.length - 1];
    const best = run.epochs.reduce((a, b) => (b.valLoss < a.valLoss ? b : a));
    return {
      run: overfitRunName(run.p), 'train acc': round(last.trainAcc, 4), 'val acc': round(last.valAcc, 4),
      'train loss': round(last.trainLoss, 4), 'val loss': round(last.valLoss, 4),
      'best val loss (epoch)': `${round(best.valLoss, 4)} (${best.epoch})`,
      'val − train loss': round(last.valLoss - last.trainLoss, 4),
    };
  });
}

/**
 * Shows the training and validation curves ({@link overfitFigure}) and a table of the last epoch
 * of every run with its best validation loss.
 *
 * @example
 * const data = nn.data.randomImages({ count: 300, height: 28, width: 28, channels: 1, classes: 10, seed: 0 });
 * nn.dropout.showOverfit(await nn.dropout.overfit({ ps: [1, 0.5], sizes: [784, 64, 10], trainSize: 200, valSize: 100, epochs: 3, seed: 1 }, { data }));
 */
export function showOverfit(record: OverfitRecord): void {
  showFigure(overfitFigure(record));
  showTable(overfitRows(record), { title: `After ${record.options.epochs} epochs` });
}

function fmt(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

function round(v: number, digits: number): number {
  return Number(v.toFixed(digits));
}
