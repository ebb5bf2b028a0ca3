/**
 * Figures, tables and pictures of lesson 05's monitoring experiments (loss shapes, train/val gap,
 * update/weight ratios, first-layer templates). Builders are pure (record in, figure, rows, PNG
 * or HTML out); the `show…` functions are the only side effects.
 *
 * @example
 * const r = await nn.babysitting.lossShapes();
 * nn.babysitting.showLossShapes(r);   // three panels: raw and smoothed loss of each run, with its reading
 */
import { ArgumentError, checkInt, checkOneOf } from '../../core/errors';
import type { ImageDataset } from '../../data/load';
import { divergedMarkers, Figure, logAxis, referenceLine, REFERENCE_COLOUR, SERIES_COLOURS, subplotsFigure, Trace } from '../../show/figure';
import { imageGridPng } from '../../show/images';
import { escapeHtml, inKernel, publish } from '../../show/kernel';
import { showFigure } from '../../show/plot';
import { showTable, tableText, toTable } from '../../show/table';
import { LOSS_SHAPE_SHORT, lrText } from './monitor';
import type { LossShapesRecord, TrainValGapRecord } from './monitor';
import { RATIO_LAYERS } from './monitorRatios';
import type { UpdateRatiosRecord } from './monitorRatios';
import type { TemplatesRecord } from './templates';

const MADE_BY: Readonly<Record<string, string>> = {
  babysittingLossShapes: 'nn.babysitting.lossShapes()', babysittingTrainValGap: 'nn.babysitting.trainValGap()',
  babysittingUpdateRatios: 'nn.babysitting.updateRatios()', babysittingTemplates: 'nn.babysitting.templates()',
};

function checkRecord(record: unknown, experiment: string): void {
  if (typeof record !== 'object' || record === null || (record as { experiment?: unknown }).experiment !== experiment) {
    throw new ArgumentError('record', record, `a record returned by ${MADE_BY[experiment]}`);
  }
}

/** A panel as subplotsFigure reads it: traces and labelled axes. */
function panel(title: string, xTitle: string, yTitle: string, data: Trace[], yaxis: Record<string, unknown> = {}): Figure {
  return {
    data,
    layout: { title: { text: title }, xaxis: { title: { text: xTitle } }, yaxis: { ...yaxis, title: { text: yTitle } } },
  };
}

/** A line in one colour (null: a gap in the line). */
function line(name: string, x: readonly number[], y: readonly (number | null)[], colour: string, extra: Record<string, unknown> = {}): Trace {
  return { type: 'scatter', mode: 'lines', name, x: [...x], y: [...y], line: { color: colour, width: 2 }, ...extra };
}

const steps1 = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

// ============================================================================ lossShapes

/**
 * One panel per run, side by side: the mini-batch loss of every step (light) and its smoothed line
 * (dark, the same colour), the initial loss ln 10 as a reference, the run's measured shape and
 * the lecture's reading in its title. A run that explodes gets a log y axis (its loss spans
 * decades) and a red ✕ where the loop stopped it.
 *
 * @example
 * nn.plot(nn.babysitting.lossShapesFigure(await nn.babysitting.lossShapes()));
 */
export function lossShapesFigure(record: LossShapesRecord): Figure {
  checkRecord(record, 'babysittingLossShapes');
  const panels = record.runs.map((run, i) => {
    const colour = SERIES_COLOURS[i % SERIES_COLOURS.length];
    const x = steps1(run.losses.length);
    const finite = run.losses.filter((v): v is number => v !== null);
    const log = run.reading.shape === 'explodes' && Math.max(...finite) > 10 * run.reading.initial;
    const data: Trace[] = [
      line(run.label, x, run.smoothed, colour),
      line(run.label, x, run.losses, colour, { opacity: 0.3, line: { color: colour, width: 1 }, hoverinfo: 'x+y' }),
      referenceLine('initial loss ln 10', 1, Math.max(2, x.length), Math.log(10)),
    ];
    if (run.diverged) {
      const top = Math.max(...finite);
      const marker = divergedMarkers([run.diverged.step], [null], top, `stopped: loss ${run.diverged.reason === 'above' ? '> 3× initial' : 'not finite'}`);
      if (marker) data.push(marker);
    }
    const yaxis = log ? logAxis({}, finite) : {};
    return panel(`${run.label}: ${run.reading.shape} (${LOSS_SHAPE_SHORT[run.reading.shape]})`, 'step', log ? 'loss (log scale)' : 'mini-batch loss', data, yaxis);
  });
  return subplotsFigure(panels, {
    title: `Reading the loss curve: ${record.options.trainSize} CIFAR-10 rows, batch ${record.options.batchSize}, reg ${record.options.reg} (light: every step; dark: smoothed, β = ${record.options.smoothing})`,
    rows: 1, cols: panels.length,
  });
}

/** Four significant digits (tables: an exploded loss of 7.085767754640711e+29 reads as 7.086e+29). */
const round4 = (v: number | null) => (v === null ? null : Number(v.toPrecision(4)));

/** One row per run: learning rate, measured shape, numbers and the lecture's reading. */
export function lossShapesRows(record: LossShapesRecord): Record<string, string | number | null>[] {
  checkRecord(record, 'babysittingLossShapes');
  return record.runs.map((r) => ({
    run: r.role, lr: lrText(r.lr), 'first loss': r.reading.initial, 'final (smoothed)': round4(r.reading.final), 'relative change': round4(r.reading.relativeChange),
    shape: r.reading.shape, reading: r.reading.text, diverged: r.diverged ? `step ${r.diverged.step} (${r.diverged.reason})` : 'no',
  }));
}

/** The table as text (the CLI). */
export function lossShapesText(record: LossShapesRecord): string {
  return tableText(toTable(lossShapesRows(record)), {
    title: `Loss curves of the two-layer net, ${record.options.trainSize} rows, ${record.options.epochs} epochs (${record.backend}); best: ${record.best ?? 'none'}`,
  });
}

/**
 * Draws the figure and the table.
 *
 * @example
 * nn.babysitting.showLossShapes(await nn.babysitting.lossShapes());
 */
export function showLossShapes(record: LossShapesRecord): void {
  showFigure(lossShapesFigure(record));
  showTable(lossShapesRows(record));
}

// ============================================================================ trainValGap

/**
 * Three panels: train and validation accuracy after each epoch of the tiny-subset run and of the
 * full-set run (x = training steps, so the two runs line up), and the gap train − val of both,
 * with the big-gap bound as a reference. Each run's panel title carries its verdict.
 *
 * @example
 * nn.plot(nn.babysitting.trainValGapFigure(await nn.babysitting.trainValGap()));
 */
export function trainValGapFigure(record: TrainValGapRecord): Figure {
  checkRecord(record, 'babysittingTrainValGap');
  const steps = record.options.steps;
  const accAxis = { range: [-0.05, 1.05] };   // not from 0: the y axis's 0 would sit on the x axis's
  const accPanels = record.runs.map((run) => {
    const x = run.epochs.map((e) => e.step);
    return panel(`${run.name} (${run.trainRows} rows, reg ${run.reg}): ${run.verdict}`, 'step', 'accuracy', [
      line('train accuracy', x, run.epochs.map((e) => e.trainAcc), SERIES_COLOURS[0]),
      line('validation accuracy', x, run.epochs.map((e) => e.valAcc), SERIES_COLOURS[1]),
      referenceLine('chance, 0.1', 0, steps, 0.1),
    ], accAxis);
  });
  const gap = panel('The gap: train − validation accuracy', 'step', 'gap', [
    ...record.runs.map((run, i) => line(`gap, ${run.name}`, run.epochs.map((e) => e.step), run.epochs.map((e) => e.gap), SERIES_COLOURS[2 + i])),
    referenceLine(`big gap, ${record.options.bigGap}`, 0, steps, record.options.bigGap),
  ], { range: [Math.min(-0.05, ...record.runs.flatMap((r) => r.epochs.map((e) => e.gap))) - 0.02, 1.05] });
  return subplotsFigure([...accPanels, gap], {
    title: 'Train vs validation accuracy: a big gap means overfitting (more regularisation), no gap with low accuracy means more capacity',
    rows: 1, cols: 3,
  });
}

/** One row per run: rows, reg, final accuracies, gap and verdict. */
export function trainValGapRows(record: TrainValGapRecord): Record<string, string | number>[] {
  checkRecord(record, 'babysittingTrainValGap');
  return record.runs.map((r) => ({
    run: r.name, 'training rows': r.trainRows, reg: r.reg, 'train accuracy': r.finalTrainAcc, 'val accuracy': r.finalValAcc, gap: r.gap, reading: r.reading,
  }));
}

/** The table as text (the CLI). */
export function trainValGapText(record: TrainValGapRecord): string {
  return tableText(toTable(trainValGapRows(record)), {
    title: `Train vs validation accuracy after ${record.options.steps} steps, ${record.options.valSize} validation rows (${record.backend})`,
  });
}

/**
 * Draws the figure and the table.
 *
 * @example
 * nn.babysitting.showTrainValGap(await nn.babysitting.trainValGap());
 */
export function showTrainValGap(record: TrainValGapRecord): void {
  showFigure(trainValGapFigure(record));
  showTable(trainValGapRows(record));
}

// ============================================================================ updateRatios

/**
 * Two panels, W1 and W2: ‖ΔW‖/‖W‖ at every step on a log axis, one line per learning rate, the
 * lecture's ≈ 1e-3 as a reference and the reading's bounds dotted (where they differ from it); a red ✕ where a run stopped.
 *
 * @example
 * nn.plot(nn.babysitting.updateRatiosFigure(await nn.babysitting.updateRatios()));
 */
export function updateRatiosFigure(record: UpdateRatiosRecord): Figure {
  checkRecord(record, 'babysittingUpdateRatios');
  const { low, high, steps } = record.options;
  const panels = RATIO_LAYERS.map((layer) => {
    const values = record.runs.flatMap((r) => r.ratios[layer].filter((v): v is number => v !== null && v > 0));
    const top = Math.max(high, ...values);
    const data: Trace[] = record.runs.map((run, i) => line(run.label, steps1(run.ratios[layer].length), run.ratios[layer], SERIES_COLOURS[i % SERIES_COLOURS.length]));
    data.push(referenceLine(`lecture's healthy ≈ ${lrText(record.healthy)}${low === record.healthy ? ' (below: too low)' : ''}`, 1, steps, record.healthy));
    const bound = (name: string, y: number): Trace => ({ type: 'scatter', mode: 'lines', name, x: [1, steps], y: [y, y], line: { dash: 'dot', width: 1, color: REFERENCE_COLOUR }, hoverinfo: 'name+y' });
    if (low !== record.healthy) data.push(bound(`too low below ${lrText(low)}`, low));
    data.push(bound(`too high above ${lrText(high)}`, high));
    const stopped = record.runs.filter((r) => r.diverged !== null);
    if (stopped.length) {
      const marker = divergedMarkers(stopped.map((r) => r.diverged!.step), stopped.map(() => null), top, 'run stopped: loss not finite');
      if (marker) data.push(marker);
    }
    return panel(`${layer}: ‖ΔW${layer.slice(1)}‖ / ‖W${layer.slice(1)}‖ per step`, 'step', 'update / weight ratio (log scale)', data,
      logAxis({}, [...values, low, high, record.healthy]));
  });
  return subplotsFigure(panels, {
    title: `Update / weight ratio per layer (${record.options.trainSize} rows, batch ${record.options.batchSize}, weights initialised at std ${record.options.std})`,
    rows: 1, cols: 2,
  });
}

/** One row per run: medians and verdicts of W1 and W2, first and last loss. */
export function updateRatiosRows(record: UpdateRatiosRecord): Record<string, string | number | null>[] {
  checkRecord(record, 'babysittingUpdateRatios');
  return record.runs.map((r) => ({
    lr: lrText(r.lr), 'median W1': r.median.W1, 'W1 reads': r.verdict.W1, 'median W2': r.median.W2, 'W2 reads': r.verdict.W2,
    'first loss': r.firstLoss, 'last loss': r.lastLoss, stopped: r.diverged ? `step ${r.diverged.step} (${r.diverged.reason})` : 'no',
  }));
}

/** The table as text (the CLI). */
export function updateRatiosText(record: UpdateRatiosRecord): string {
  return tableText(toTable(updateRatiosRows(record)), {
    title: `‖ΔW‖/‖W‖ over ${record.options.steps} steps (median; the lecture's healthy ≈ ${lrText(record.healthy)}; ${record.backend})`,
  });
}

/**
 * Draws the figure and the table.
 *
 * @example
 * nn.babysitting.showUpdateRatios(await nn.babysitting.updateRatios());
 */
export function showUpdateRatios(record: UpdateRatiosRecord): void {
  showFigure(updateRatiosFigure(record));
  showTable(updateRatiosRows(record));
}

// ============================================================================ templates

/** The record's templates of one moment as an image dataset (labels: the unit numbers), for show/images. */
function templateDataset(record: TemplatesRecord, which: 'before' | 'after'): ImageDataset {
  const [height, width, channels] = record.shape;
  const list = record.images[which];
  const size = height * width * channels;
  const images = new Uint8Array(list.length * size);
  list.forEach((b64, k) => images.set(Buffer.from(b64, 'base64'), k * size));
  return {
    name: `templates ${which} training`, split: 'train', count: list.length, height, width, channels, images,
    labels: Uint8Array.from(list, (_, k) => k % 256), classNames: list.map((_, k) => `unit ${k + 1}`),
  };
}

/**
 * The templates of `which` ('before' or 'after' training) as one PNG grid (show/images'
 * `imageGridPng`): `cols` per row, each pixel drawn `scale`× (defaults 10 and 3).
 *
 * @example
 * const png = nn.babysitting.templatesPng(await nn.babysitting.templates(), 'after');   // a Buffer
 */
export function templatesPng(record: TemplatesRecord, which: 'before' | 'after', cols = 10, scale = 3): Buffer {
  checkRecord(record, 'babysittingTemplates');
  checkOneOf('which', which, ['before', 'after']);
  const ds = templateDataset(record, which);
  return imageGridPng(ds, Array.from({ length: ds.count }, (_, k) => k), checkInt('cols', cols, { min: 1, max: 100 }), checkInt('scale', scale, { min: 1, max: 16 }));
}

/** The two grids side by side with headings and the measured smoothness, as HTML. */
export function templatesHtml(record: TemplatesRecord): string {
  checkRecord(record, 'babysittingTemplates');
  const grid = (which: 'before' | 'after', title: string) =>
    `<div><div style="font:12px sans-serif;margin-bottom:4px">${escapeHtml(title)}</div>` +
    `<img src="data:image/png;base64,${templatesPng(record, which, 10, 2).toString('base64')}" alt="first-layer templates ${which} training" style="image-rendering:pixelated"/></div>`;
  return `<div style="font-weight:bold">${escapeHtml(templatesTitle(record))}</div>` +
    `<div style="display:flex;gap:16px;align-items:flex-start;flex-wrap:wrap">` +
    grid('before', `before training: neighbour correlation ${record.smoothness.before.toFixed(2)}, val accuracy ${record.valAcc.before.toFixed(2)}`) +
    grid('after', `after ${record.steps} steps: neighbour correlation ${record.smoothness.after.toFixed(2)}, val accuracy ${record.valAcc.after.toFixed(2)}`) + '</div>';
}

function templatesTitle(record: TemplatesRecord): string {
  return `First-layer weights W1[:, k] as ${record.shape.join('×')} images, one per hidden unit (each min-max scaled on its own)`;
}

/** One line of numbers (the CLI and the plain-text fallback). */
export function templatesText(record: TemplatesRecord): string {
  checkRecord(record, 'babysittingTemplates');
  return `${templatesTitle(record)}\n${record.images.after.length} templates; neighbour correlation ${record.smoothness.before.toFixed(3)} before, ` +
    `${record.smoothness.after.toFixed(3)} after ${record.steps} steps; validation accuracy ${record.valAcc.before.toFixed(3)} → ${record.valAcc.after.toFixed(3)} (${record.backend})`;
}

/**
 * Shows the templates before and after training (HTML with a PNG twin in a notebook, a text line elsewhere).
 *
 * @example
 * nn.babysitting.showTemplates(await nn.babysitting.templates());
 */
export function showTemplates(record: TemplatesRecord): void {
  const text = templatesText(record);
  if (inKernel()) publish({ 'text/html': templatesHtml(record), 'image/png': templatesPng(record, 'after').toString('base64'), 'text/plain': text });
  else console.log(text);
}
