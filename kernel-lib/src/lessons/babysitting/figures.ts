/**
 * Figures and tables of lesson 05's sanity checks. Builders are pure (record in, figure or rows
 * out); `show…` functions are the only side effects.
 *
 * @example
 * const r = await nn.babysitting.sanityChecks();
 * nn.babysitting.showSanityChecks(r);   // the checks table, the overfit curve, one loss curve per learning rate
 */
import { ArgumentError } from '../../core/errors';
import { divergedMarkers, Figure, lineFigure, referenceLine, subplotsFigure } from '../../show/figure';
import { showFigure } from '../../show/plot';
import { showTable, tableText, toTable } from '../../show/table';
import type { InitialLossRecord, LrCheckRecord, LrRun, OverfitTinyRecord, SanityChecksRecord } from './sanity';

const MADE_BY: Readonly<Record<string, string>> = {
  babysittingInitialLoss: 'nn.babysitting.initialLoss()', babysittingOverfitTiny: 'nn.babysitting.overfitTiny()',
  babysittingLrCheck: 'nn.babysitting.lrCheck()', babysittingSanityChecks: 'nn.babysitting.sanityChecks()',
};

/**
 * A learning rate as a student reads it, in powers of ten.
 *
 * @example
 * nn.babysitting.lrLabel(0.000001)   // '1e-6'
 * nn.babysitting.lrLabel(0.003)      // '3e-3'
 * nn.babysitting.lrLabel(1000000)    // '1e6'
 */
export function lrLabel(lr: number): string {
  return Number.isFinite(lr) && lr !== 0 ? lr.toExponential().replace(/\.?0+e/, 'e').replace('e+', 'e') : String(lr);
}

function checkRecord(record: unknown, experiment: string): void {
  if (typeof record !== 'object' || record === null || (record as { experiment?: unknown }).experiment !== experiment) {
    throw new ArgumentError('record', record, `a record returned by ${MADE_BY[experiment]}`);
  }
}

// ============================================================================ initial loss

/**
 * The initial-loss checks as table rows: measured, expected, tolerance and the lecture's numbers.
 *
 * @example
 * nn.table(nn.babysitting.initialLossRows(await nn.babysitting.initialLoss()));
 */
export function initialLossRows(record: InitialLossRecord): Record<string, string>[] {
  checkRecord(record, 'babysittingInitialLoss');
  const r = record.result;
  return [
    { check: 'reg 0', measured: r.loss.toFixed(5), expected: `ln ${r.classes} = ${r.expected.toFixed(5)}`, tolerance: `± ${r.tolerance.toPrecision(2)} (4 · sd ${r.perExampleSd.toPrecision(2)} / √${record.options.batchSize})`, lecture: r.lecture.reg0.toFixed(2), passed: r.withinTolerance ? 'yes' : 'NO' },
    { check: `reg ${r.bigReg.reg}`, measured: r.bigReg.loss.toFixed(5), expected: `${r.loss.toFixed(5)} + ½·reg·ΣW² = ${(r.loss + r.bigReg.expectedRegLoss).toFixed(5)}`, tolerance: '', lecture: r.lecture.bigReg.toFixed(2), passed: r.bigReg.loss > r.loss ? 'yes' : 'NO' },
  ];
}

/**
 * Draws the initial-loss table.
 *
 * @example
 * nn.babysitting.showInitialLoss(await nn.babysitting.initialLoss());
 */
export function showInitialLoss(record: InitialLossRecord): void {
  showTable(initialLossRows(record));
}

// ============================================================================ overfit

function overfitPanels(epochs: OverfitTinyRecord['epochs'], n: number, targetLoss: number): Figure[] {
  const trained = epochs.filter((e) => e.loss !== null);
  const loss = lineFigure({
    title: `Training loss on ${n} images (log scale)`, xTitle: 'epoch', yTitle: 'softmax loss', yScale: 'log',
    series: [{ name: 'loss', x: trained.map((e) => e.epoch), y: trained.map((e) => e.loss as number) }],
  });
  loss.data.push(referenceLine(`target < ${targetLoss}`, 1, Math.max(1, epochs.length - 1), targetLoss));
  const accuracy = lineFigure({
    title: 'Training accuracy', xTitle: 'epoch', yTitle: 'accuracy',
    series: [{ name: 'accuracy', x: epochs.map((e) => e.epoch), y: epochs.map((e) => e.trainAcc) }],
  });
  accuracy.data.push(referenceLine('100 %', 0, Math.max(1, epochs.length - 1), 1));
  accuracy.layout.yaxis = { ...(accuracy.layout.yaxis as object), range: [-0.05, 1.05] };
  return [loss, accuracy];
}

/**
 * The tiny subset's loss per epoch (log scale, toward 0) and its training accuracy (toward 100 %).
 *
 * @example
 * nn.plot(nn.babysitting.overfitFigure(await nn.babysitting.overfitTiny()));
 */
export function overfitFigure(record: OverfitTinyRecord): Figure {
  checkRecord(record, 'babysittingOverfitTiny');
  return subplotsFigure(overfitPanels(record.epochs, record.options.n, record.options.targetLoss), {
    title: `Overfitting ${record.options.n} CIFAR-10 images: reg 0, lr ${lrLabel(record.options.lr)}${record.memorisedAt !== null ? `, 100 % at epoch ${record.memorisedAt}` : ', never 100 %'}`,
    rows: 1, cols: 2,
  });
}

/**
 * Draws the overfit figure.
 *
 * @example
 * nn.babysitting.showOverfitTiny(await nn.babysitting.overfitTiny());
 */
export function showOverfitTiny(record: OverfitTinyRecord): void {
  showFigure(overfitFigure(record));
}

// ============================================================================ learning rates

function lossPanel(runs: readonly LrRun[], title: string): Figure {
  const fig = lineFigure({
    title, xTitle: 'step', yTitle: 'mini-batch loss (log scale)', yScale: 'log',
    series: runs.map((r) => ({ name: `lr ${lrLabel(r.lr)}: ${r.verdict}`, x: r.losses.map((_, i) => i + 1), y: r.losses.map((l) => (l === null ? NaN : l)) })),
  });
  const steps = Math.max(1, ...runs.map((r) => r.losses.length));
  fig.data.push(referenceLine('ln 10', 1, steps, Math.log(10)));
  for (const r of runs) {
    if (!r.diverged) continue;
    // the ✕ sits at the last finite loss before the run stopped (a NaN has no height)
    const finite = r.losses.filter((l) => l !== null && Number.isFinite(l));
    const y = r.diverged.reason === 'above' ? r.diverged.loss : finite.length ? finite[finite.length - 1] : Math.log(10);
    const marker = divergedMarkers([r.diverged.step], [NaN], y, `stopped at step ${r.diverged.step} (${r.diverged.reason === 'above' ? `> ${Math.round((r.diverged.threshold ?? 0) / r.initialLoss)} × first loss` : r.diverged.reason === 'nan' ? 'NaN' : '∞'})`);
    if (marker) fig.data.push(marker);
  }
  return fig;
}

/**
 * The learning-rate check as text (the CLI's output): the verdict and the epoch table.
 *
 * @example
 * console.log(nn.babysitting.lrCheckText(await nn.babysitting.lrCheck({ lr: 1e-6 })));
 */
export function lrCheckText(record: LrCheckRecord): string {
  checkRecord(record, 'babysittingLrCheck');
  const r = record.run;
  const rows = r.epochs.map((e) => ({ epoch: e.epoch, 'mean loss': e.loss ?? '', 'train accuracy': e.trainAcc, 'validation accuracy': e.valAcc ?? '' }));
  const stopped = r.diverged ? `stopped at step ${r.diverged.step}: loss ${r.diverged.loss}${r.diverged.threshold ? ` > ${r.diverged.threshold.toFixed(3)}` : ''}\n` : '';
  return `lr ${r.lr}: ${r.verdict} (${r.reading})\nfirst loss ${r.initialLoss}${r.relativeChange !== null ? `, relative change ${r.relativeChange}` : ''}\n${stopped}` +
    tableText(toTable(rows), { title: `${record.data} (${record.backend})` });
}

function accuracyPanel(run: LrRun): Figure {
  const series = [{ name: 'train', x: run.epochs.map((e) => e.epoch), y: run.epochs.map((e) => e.trainAcc) }];
  if (run.epochs.some((e) => e.valAcc !== null)) series.push({ name: 'validation', x: run.epochs.map((e) => e.epoch), y: run.epochs.map((e) => e.valAcc ?? NaN) });
  const fig = lineFigure({ title: 'Accuracy per epoch', xTitle: 'epoch', yTitle: 'accuracy', series });
  // 0 sits just above the x axis, clear of its tick labels
  fig.layout.yaxis = { ...(fig.layout.yaxis as object), range: [-0.05, 1.05] };
  if (run.epochs.length <= 12) fig.layout.xaxis = { ...(fig.layout.xaxis as object), dtick: 1 };   // whole epochs
  return fig;
}

/**
 * One learning rate: the loss of every step (with where the run stopped) and the accuracy per epoch.
 *
 * @example
 * nn.plot(nn.babysitting.lrCheckFigure(await nn.babysitting.lrCheck({ lr: 1e-6 })));
 */
export function lrCheckFigure(record: LrCheckRecord): Figure {
  checkRecord(record, 'babysittingLrCheck');
  return subplotsFigure([lossPanel([record.run], 'Mini-batch loss per step'), accuracyPanel(record.run)], {
    title: `lr ${lrLabel(record.run.lr)}: ${record.run.verdict}`, rows: 1, cols: 2,
  });
}

/**
 * Draws the learning-rate figure and the epoch table.
 *
 * @example
 * nn.babysitting.showLrCheck(await nn.babysitting.lrCheck({ lr: 1e6 }));
 */
export function showLrCheck(record: LrCheckRecord): void {
  showFigure(lrCheckFigure(record));
  showTable(record.run.epochs.map((e) => ({ epoch: e.epoch, 'mean loss': e.loss === null ? '' : e.loss.toFixed(4), 'train accuracy': e.trainAcc.toFixed(3), 'validation accuracy': e.valAcc === null ? '' : e.valAcc.toFixed(3) })));
}

// ============================================================================ all checks

/**
 * The sanity checks as table rows (check, measured, expected, passed).
 *
 * @example
 * nn.table(nn.babysitting.sanityRows(await nn.babysitting.sanityChecks()));
 */
export function sanityRows(record: SanityChecksRecord): Record<string, string>[] {
  checkRecord(record, 'babysittingSanityChecks');
  return record.checks.map((c) => ({ check: c.check, measured: c.measured, expected: c.expected, passed: c.passed ? 'yes' : 'NO' }));
}

/**
 * The checks as text (the CLI's output).
 *
 * @example
 * console.log(nn.babysitting.sanityText(await nn.babysitting.sanityChecks()));
 */
export function sanityText(record: SanityChecksRecord): string {
  return tableText(toTable(sanityRows(record)), { title: `Sanity checks, ${record.data} (${record.backend}): ${record.passed ? 'all passed' : 'SOME FAILED'}` });
}

/**
 * The overfit run as text (the CLI's output).
 *
 * @example
 * console.log(nn.babysitting.overfitText(await nn.babysitting.overfitTiny()));
 */
export function overfitText(record: OverfitTinyRecord): string {
  checkRecord(record, 'babysittingOverfitTiny');
  const every = Math.max(1, Math.ceil(record.epochs.length / 12));
  const rows = record.epochs.filter((e, i) => i % every === 0 || i === record.epochs.length - 1).map((e) => ({ epoch: e.epoch, 'mean loss': e.loss ?? '', 'train accuracy': e.trainAcc }));
  return tableText(toTable(rows), {
    title: `Overfitting ${record.options.n} images (reg 0, lr ${record.options.lr}): ${record.passed ? 'passed' : 'FAILED'}, ` +
      `${record.memorisedAt !== null ? `100 % at epoch ${record.memorisedAt}` : 'never 100 %'}, final loss ${record.finalLoss} (${record.backend})`,
  });
}

/**
 * Two panels: the tiny subset's loss per epoch, and the loss per step at each learning rate checked.
 *
 * @example
 * nn.plot(nn.babysitting.sanityFigure(await nn.babysitting.sanityChecks()));
 */
export function sanityFigure(record: SanityChecksRecord): Figure {
  checkRecord(record, 'babysittingSanityChecks');
  const [overfitLoss] = overfitPanels(record.overfit.epochs, record.options.tinySize, 0.05);
  return subplotsFigure([overfitLoss, lossPanel(record.lrRuns, 'Loss per step at each learning rate')], {
    title: 'Sanity checks of the two-layer net on CIFAR-10', rows: 1, cols: 2,
  });
}

/**
 * Draws the checks table and the figure.
 *
 * @example
 * nn.babysitting.showSanityChecks(await nn.babysitting.sanityChecks());
 */
export function showSanityChecks(record: SanityChecksRecord): void {
  showTable(sanityRows(record));
  showFigure(sanityFigure(record));
}
