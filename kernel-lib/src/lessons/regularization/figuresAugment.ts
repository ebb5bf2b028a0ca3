/**
 * Lesson 08's augmentation records drawn: the grid of draws (one PNG, with an HTML caption), the
 * cost per op as bars against the training step, and the train/validation accuracy of the runs
 * with and without augmentation. Each `…Figure(record)` / `…Png(record)` is pure; `show…` draws.
 */
import { ArgumentError } from '../../core/errors';
import { Figure, logAxis, referenceLine, REFERENCE_COLOUR, SERIES_COLOURS, subplotsFigure, Trace } from '../../show/figure';
import { imageGridPng } from '../../show/images';
import { escapeHtml, inKernel, publish } from '../../show/kernel';
import { showFigure } from '../../show/plot';
import { showTable, tableText, toTable } from '../../show/table';
import type { AugmentCostRecord, AugmentGridRecord } from './augmentRun';
import type { AugmentEffectRecord } from './augmentEffect';

const MADE_BY: Readonly<Record<string, string>> = {
  regularizationAugmentGrid: 'nn.regularization.augmentGrid()', regularizationAugmentCost: 'nn.regularization.augmentCost()',
  regularizationAugmentEffect: 'nn.regularization.augmentEffect()',
};

function checkRecord(record: unknown, experiment: string): void {
  if (typeof record !== 'object' || record === null || (record as { experiment?: unknown }).experiment !== experiment) {
    throw new ArgumentError('record', record, `a record returned by ${MADE_BY[experiment]}`);
  }
}

// ============================================================================ grid

/**
 * The grid as one PNG: a row per test image, its original first, then its draws (2× scale).
 *
 * @example
 * const png = nn.regularization.augmentGridPng(await nn.regularization.augmentGrid());   // a PNG file's bytes
 */
export function augmentGridPng(record: AugmentGridRecord, scale = 2): Buffer {
  checkRecord(record, 'regularizationAugmentGrid');
  const cols = record.options.n + 1;
  const count = record.options.images * cols;
  const images = Uint8Array.from(Buffer.from(record.pixels, 'base64'));
  const labels = new Uint8Array(count);
  record.labels.forEach((label, i) => labels.fill(label, i * cols, (i + 1) * cols));
  const ds = { name: 'augmented', split: 'test' as const, count, height: 32, width: 32, channels: 3, images, labels, classNames: record.classNames };
  return imageGridPng(ds, Array.from({ length: count }, (_, i) => i), cols, scale);
}

/** The grid's caption: the ops and what each row is. */
export function augmentGridText(record: AugmentGridRecord): string {
  checkRecord(record, 'regularizationAugmentGrid');
  const rows = record.indices.map((idx, i) => `${record.classNames[record.labels[i]]} (#${idx})`).join(', ');
  return `${record.options.dataset} test images, each followed by ${record.options.n} draws of ${record.options.ops.join(' → ')}: ${rows}`;
}

/**
 * Shows the grid (first column: the original image; the label is the same in every draw).
 *
 * @example
 * nn.regularization.showAugmentGrid(await nn.regularization.augmentGrid({ ops: ['crop'] }));
 */
export function showAugmentGrid(record: AugmentGridRecord): void {
  const png = augmentGridPng(record).toString('base64');
  const text = augmentGridText(record);
  if (!inKernel()) { console.log(`[augment grid] ${text}`); return; }
  const html = `<div style="font-weight:bold">Same image, new draws: ${escapeHtml(record.options.ops.join(' → '))}</div>` +
    `<div style="font:12px sans-serif">first column: the original; then ${record.options.n} augmented draws. Rows: ${escapeHtml(text.split(': ').slice(1).join(': '))}</div>` +
    `<img src="data:image/png;base64,${png}" style="image-rendering:pixelated" alt="augmentation grid"/>`;
  publish({ 'text/html': html, 'image/png': png, 'text/plain': text });
}

// ============================================================================ cost

/**
 * Horizontal bars on a log axis: milliseconds per batch of each op, the pipeline and the training
 * step they accompany (grey), each labelled with its value.
 *
 * @example
 * nn.plot(nn.regularization.augmentCostFigure(await nn.regularization.augmentCost()));
 */
export function augmentCostFigure(record: AugmentCostRecord): Figure {
  checkRecord(record, 'regularizationAugmentCost');
  const t = [...record.meta.timings].reverse();   // the first op at the top
  const ms = t.map((r) => r.ms);
  return {
    data: [{
      type: 'bar', orientation: 'h', name: 'median ms per batch', x: ms, y: t.map((r) => r.name), showlegend: false,
      marker: { color: t.map((r) => (r.name === 'training step' ? REFERENCE_COLOUR : SERIES_COLOURS[0])) },
      text: ms.map((v) => `${v.toFixed(1)} ms`), textposition: 'outside', cliponaxis: false,
    }],
    layout: {
      title: { text: `Augmentation vs a training step: ms per batch of ${record.options.batchSize} (${record.backend})` },
      xaxis: { ...logAxis({ title: { text: `ms per batch, median of ${record.options.rounds} (log scale)` } }, [Math.min(...ms) / 2, Math.max(...ms) * 3]), dtick: 1 },
      yaxis: { title: { text: 'op' }, automargin: true },
      margin: { l: 200 },
    },
  };
}

/** One row per timed thing: median, min, max ms and the share of a training step. */
export function augmentCostRows(record: AugmentCostRecord): Record<string, string | number>[] {
  checkRecord(record, 'regularizationAugmentCost');
  return record.meta.timings.map((r) => ({ what: r.name, 'ms (median)': +r.ms.toFixed(2), min: +r.min.toFixed(2), max: +r.max.toFixed(2), '÷ training step': +r.perStep.toFixed(3) }));
}

export function augmentCostText(record: AugmentCostRecord): string {
  return tableText(toTable(augmentCostRows(record)), { title: `Augmentation cost per batch of ${record.options.batchSize} (${record.backend})` });
}

/**
 * Draws the bars and the table.
 *
 * @example
 * nn.regularization.showAugmentCost(await nn.regularization.augmentCost());
 */
export function showAugmentCost(record: AugmentCostRecord): void {
  showFigure(augmentCostFigure(record));
  showTable(augmentCostRows(record));
}

// ============================================================================ effect

function panel(title: string, xTitle: string, yTitle: string, data: Trace[], yaxis: Record<string, unknown> = {}): Figure {
  return { data, layout: { title: { text: title }, xaxis: { title: { text: xTitle }, dtick: 1 }, yaxis: { ...yaxis, title: { text: yTitle } } } };
}

function line(name: string, x: readonly number[], y: readonly number[], colour: string, dash = 'solid'): Trace {
  return { type: 'scatter', mode: 'lines+markers', name, x: [...x], y: [...y], line: { color: colour, width: 2, dash } };
}

/**
 * Two panels: train (dashed) and validation accuracy per epoch of both runs ('none': no augmentation), and their gap.
 *
 * @example
 * nn.plot(nn.regularization.augmentEffectFigure(await nn.regularization.augmentEffect()));
 */
export function augmentEffectFigure(record: AugmentEffectRecord): Figure {
  checkRecord(record, 'regularizationAugmentEffect');
  const epochs = record.options.epochs;
  const short = (name: string) => (name === 'augmented' ? 'augmented' : 'none');
  const acc = panel('Accuracy per epoch', 'epoch', 'accuracy', [
    ...record.runs.flatMap((run, i) => [
      line(`train, ${short(run.name)}`, run.epochs.map((e) => e.epoch), run.epochs.map((e) => e.trainAcc), SERIES_COLOURS[2 * i], 'dash'),
      line(`val, ${short(run.name)}`, run.epochs.map((e) => e.epoch), run.epochs.map((e) => e.valAcc), SERIES_COLOURS[2 * i + 1]),
    ]),
    referenceLine('chance', 0, epochs, 0.1),
  ], { range: [-0.05, 1.05] });
  const gap = panel('Train − validation accuracy', 'epoch', 'gap', [
    ...record.runs.map((run, i) => line(`gap, ${short(run.name)}`, run.epochs.map((e) => e.epoch), run.epochs.map((e) => e.gap), SERIES_COLOURS[4 + i])),
    referenceLine('no gap', 0, epochs, 0),
  ]);
  return subplotsFigure([acc, gap], {
    title: `${record.options.ops.join(' + ')} vs no augmentation: small CNN, ${record.data.trainRows} images`, rows: 1, cols: 2,
  });
}

/** One row per run: final accuracies, gap and the TTA accuracy. */
export function augmentEffectRows(record: AugmentEffectRecord): Record<string, string | number>[] {
  checkRecord(record, 'regularizationAugmentEffect');
  return record.runs.map((r) => ({
    run: r.name, 'train accuracy': +r.finalTrainAcc.toFixed(3), 'val accuracy': +r.finalValAcc.toFixed(3), gap: +r.finalGap.toFixed(3),
    'val accuracy, TTA': r.ttaValAcc === null ? '–' : +r.ttaValAcc.toFixed(3),
  }));
}

export function augmentEffectText(record: AugmentEffectRecord): string {
  return tableText(toTable(augmentEffectRows(record)), {
    title: `Small CNN, ${record.data.trainRows} training / ${record.data.valRows} validation images, ${record.options.epochs} epochs (${record.backend})`,
  });
}

/**
 * Draws the figure and the table.
 *
 * @example
 * nn.regularization.showAugmentEffect(await nn.regularization.augmentEffect());
 */
export function showAugmentEffect(record: AugmentEffectRecord): void {
  showFigure(augmentEffectFigure(record));
  showTable(augmentEffectRows(record));
}
