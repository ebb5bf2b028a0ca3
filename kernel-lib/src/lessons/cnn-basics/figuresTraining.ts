/**
 * Lesson 11's training records drawn: the MLP vs the small CNN on MNIST (validation accuracy per
 * epoch, a table of parameters and test accuracy), and the lecture's CIFAR-10 CNN (learning
 * curves, the confusion matrix as a heatmap with class names, the learned first-layer filters as
 * RGB pictures next to the classic hand-made filters, misclassified test images with
 * "true → predicted" captions). Each `…Figure(record)` / `…Html(record)` is pure; `show…` draws.
 */
import { ArgumentError } from '../../core/errors';
import { Figure, heatmapFigure, referenceLine, SERIES_COLOURS, subplotsFigure, Trace } from '../../show/figure';
import { escapeHtml, inKernel, publish } from '../../show/kernel';
import { showFigure } from '../../show/plot';
import { encodePng } from '../../show/png';
import { showTable, tableText, toTable } from '../../show/table';
import type { CifarCnnRecord } from './cifarCnn';
import type { MlpVsCnnRecord } from './mlpVsCnn';

/** A classic hand-made filter: a name and a square kernel (rows of numbers), e.g. Sobel x. */
export interface NamedKernel { name: string; kernel: number[][] }

const MADE_BY: Readonly<Record<string, string>> = { cnnMlpVsCnn: 'nn.cnn.mlpVsCnn()', cnnCifarCnn: 'nn.cnn.cifarCnn()' };

function checkRecord(record: unknown, experiment: string): void {
  if (typeof record !== 'object' || record === null || (record as { experiment?: unknown }).experiment !== experiment) {
    throw new ArgumentError('record', record, `a record returned by ${MADE_BY[experiment]}`);
  }
}

function line(name: string, x: readonly number[], y: readonly (number | null)[], colour: string, dash = 'solid'): Trace {
  return { type: 'scatter', mode: 'lines+markers', name, x: [...x], y: [...y], line: { color: colour, width: 2, dash } };
}

// ============================================================================ MLP vs CNN

/**
 * Validation accuracy after every epoch of both models (epoch 0: before training), chance at 0.1.
 *
 * @example
 * nn.plot(nn.cnn.mlpVsCnnFigure(await nn.cnn.mlpVsCnn()));
 */
export function mlpVsCnnFigure(record: MlpVsCnnRecord): Figure {
  checkRecord(record, 'cnnMlpVsCnn');
  const data = record.runs.map((r, i) => line(`${r.name} (${r.parameters.toLocaleString('en-US')} weights)`, r.epochs.map((e) => e.epoch), r.epochs.map((e) => e.valAcc), SERIES_COLOURS[i]));
  data.push(referenceLine('chance (0.1)', 0, record.options.epochs, 0.1));
  return {
    data,
    layout: {
      title: { text: `MNIST, ${record.data.trainRows.toLocaleString('en-US')} training images: validation accuracy per epoch` },
      xaxis: { title: { text: 'epoch' }, dtick: 1 }, yaxis: { title: { text: 'validation accuracy' }, range: [0, 1.02] },
    },
  };
}

/**
 * One row per model: parameters, final validation and test accuracy, ms per step.
 *
 * @example
 * nn.table(nn.cnn.mlpVsCnnRows(await nn.cnn.mlpVsCnn()));
 */
export function mlpVsCnnRows(record: MlpVsCnnRecord): Record<string, string | number>[] {
  checkRecord(record, 'cnnMlpVsCnn');
  return record.runs.map((r, i) => ({
    model: r.name, layers: r.architecture, parameters: r.parameters, 'val accuracy': +r.finalValAcc.toFixed(3), 'test accuracy': +r.testAccuracy.toFixed(3),
    'ms per step': +(record.meta.msPerStep[i] ?? NaN).toFixed(1),
  }));
}

/**
 * The table as text (the CLI and logs).
 *
 * @example
 * console.log(nn.cnn.mlpVsCnnText(await nn.cnn.mlpVsCnn()));
 */
export function mlpVsCnnText(record: MlpVsCnnRecord): string {
  return tableText(toTable(mlpVsCnnRows(record)), { title: `MNIST: ${record.data.trainRows} training, ${record.data.testRows} test images, ${record.options.epochs} epochs (${record.backend})` });
}

/**
 * Draws the curves and the table.
 *
 * @example
 * nn.cnn.showMlpVsCnn(await nn.cnn.mlpVsCnn());
 */
export function showMlpVsCnn(record: MlpVsCnnRecord): void {
  showFigure(mlpVsCnnFigure(record));
  showTable(mlpVsCnnRows(record));
}

// ============================================================================ CIFAR-10 CNN: curves

/**
 * Two panels: the training loss of every step with each epoch's mean, and the accuracy per epoch
 * (running training accuracy on augmented batches, dashed; validation accuracy), chance at 0.1.
 *
 * @example
 * nn.plot(nn.cnn.cifarCurvesFigure(await nn.cnn.cifarCnn()));
 */
export function cifarCurvesFigure(record: CifarCnnRecord): Figure {
  checkRecord(record, 'cnnCifarCnn');
  const perEpoch = record.steps / Math.max(1, record.epochs.length - 1);
  const trained = record.epochs.filter((e) => e.epoch > 0);
  const loss: Figure = {
    data: [
      { type: 'scatter', mode: 'lines', name: 'loss of each step', x: record.losses.map((_, i) => (i + 1) / perEpoch), y: record.losses, line: { color: SERIES_COLOURS[0], width: 1 } },
      line('mean loss of the epoch', trained.map((e) => e.epoch), trained.map((e) => e.loss), SERIES_COLOURS[1]),
      referenceLine('chance, ln 10', 0, record.options.epochs, Math.log(10)),
    ],
    layout: { title: { text: 'Training loss' }, xaxis: { title: { text: 'epoch' }, range: [-0.05 * record.options.epochs, 1.05 * record.options.epochs] }, yaxis: { title: { text: 'cross-entropy loss' }, rangemode: 'tozero' } },
  };
  const acc: Figure = {
    data: [
      line('train (augmented, dropout on)', trained.map((e) => e.epoch), trained.map((e) => e.trainAcc), SERIES_COLOURS[2], 'dash'),
      line('validation', record.epochs.map((e) => e.epoch), record.epochs.map((e) => e.valAcc), SERIES_COLOURS[3]),
      referenceLine('chance (0.1)', 0, record.options.epochs, 0.1),
    ],
    layout: { title: { text: 'Accuracy per epoch' }, xaxis: { title: { text: 'epoch' }, dtick: 1, range: [-0.2, record.options.epochs + 0.2] }, yaxis: { title: { text: 'accuracy' }, range: [0, 1.02] } },
  };
  return subplotsFigure([loss, acc], { title: `The lecture's CIFAR-10 CNN: ${record.data.trainRows.toLocaleString('en-US')} images, ${record.options.epochs} epoch${record.options.epochs === 1 ? '' : 's'} of batches of ${record.options.batchSize}`, rows: 1, cols: 2 });
}

/**
 * The run in a few rows: parameters, steps, accuracies.
 *
 * @example
 * nn.table(nn.cnn.cifarCnnRows(await nn.cnn.cifarCnn()));
 */
export function cifarCnnRows(record: CifarCnnRecord): Record<string, string | number>[] {
  checkRecord(record, 'cnnCifarCnn');
  const last = record.epochs[record.epochs.length - 1];
  return [
    { what: 'parameters (BN moving statistics included)', value: record.parameters.total },
    { what: 'trainable parameters', value: record.parameters.trainable },
    { what: 'training steps', value: record.steps },
    { what: 'ms per step (this run)', value: +record.meta.msPerStep.toFixed(0) },
    { what: 'final training accuracy (augmented batches)', value: last.trainAcc === null ? '–' : +last.trainAcc.toFixed(3) },
    { what: `validation accuracy (${record.data.valRows} images)`, value: +last.valAcc.toFixed(3) },
    { what: `test accuracy (${record.data.testRows} images)`, value: +record.testAccuracy.toFixed(3) },
  ];
}

/**
 * The run as text: the rows, the confusion matrix and the misclassified images (`nnlab cifar-cnn`).
 *
 * @example
 * console.log(nn.cnn.cifarCnnText(await nn.cnn.cifarCnn()));
 */
export function cifarCnnText(record: CifarCnnRecord): string {
  const m = record.confusion;
  const confusion = record.classNames.map((name, t) => `${name.padEnd(11)}${m[t].map((v) => String(v).padStart(5)).join('')}`).join('\n');
  return `${tableText(toTable(cifarCnnRows(record)), { title: `The lecture's CIFAR-10 CNN (${record.backend})` })}\n` +
    `confusion matrix (rows: true class, columns: predicted, in the same order)\n${confusion}\n` +
    `misclassified: ${record.misclassified.map((w) => `#${w.index} ${record.classNames[w.label]} → ${record.classNames[w.predicted]}`).join(', ')}`;
}

// ============================================================================ confusion matrix

/** Short column labels of the confusion matrix for CIFAR-10's longer class names. */
const SHORT_CLASS_NAMES: Readonly<Record<string, string>> = { airplane: 'plane', automobile: 'car' };

/**
 * The confusion matrix as a heatmap: rows the true class, columns the predicted one, each cell's
 * count written in it; the diagonal holds the right answers.
 *
 * @example
 * nn.plot(nn.cnn.confusionFigure(await nn.cnn.cifarCnn()));
 */
export function confusionFigure(record: CifarCnnRecord): Figure {
  checkRecord(record, 'cnnCifarCnn');
  const fig = heatmapFigure({
    title: `Confusion matrix on ${record.data.testRows} test images (accuracy ${record.testAccuracy.toFixed(3)})`,
    xTitle: 'predicted class', yTitle: 'true class', z: record.confusion, x: record.classNames, y: record.classNames, colorscale: 'Blues',
  });
  // white for 0, dark blue for many ('Blues' runs dark → light in plotly, hence reversescale)
  Object.assign(fig.data[0], { reversescale: true, zmin: 0, texttemplate: '%{z}', hovertemplate: 'true %{y}, predicted %{x}: %{z}<extra></extra>', colorbar: { title: { text: 'images' } } });
  fig.layout.yaxis = { ...(fig.layout.yaxis as object), autorange: 'reversed', automargin: true };
  // the columns get short names drawn level (10 full names do not fit a narrow window's columns)
  const short = record.classNames.map((n) => SHORT_CLASS_NAMES[n] ?? n);
  fig.layout.xaxis = { ...(fig.layout.xaxis as object), automargin: true, tickmode: 'array', tickvals: [...record.classNames], ticktext: short, tickangle: 0 };
  fig.layout.margin = { ...(fig.layout.margin as object ?? {}), l: 110, b: 90 };
  return fig;
}

/**
 * Draws the confusion matrix.
 *
 * @example
 * nn.cnn.showConfusion(await nn.cnn.cifarCnn());
 */
export function showConfusion(record: CifarCnnRecord): void {
  showFigure(confusionFigure(record));
}

// ============================================================================ filters

/** A k×k×c kernel as image bytes: min → 0, max → 255 (per filter), each cell `scale` pixels. */
function kernelBytes(values: ArrayLike<number>, k: number, c: 1 | 3, scale: number): Uint8Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) { lo = Math.min(lo, values[i]); hi = Math.max(hi, values[i]); }
  const span = hi - lo;
  const out = new Uint8Array(k * scale * k * scale * c);
  for (let y = 0; y < k * scale; y++) for (let x = 0; x < k * scale; x++) for (let ch = 0; ch < c; ch++) {
    // a constant kernel (a box blur) is mid-grey: nothing to stretch
    out[(y * k * scale + x) * c + ch] = span > 0 ? Math.round((255 * (values[(Math.floor(y / scale) * k + Math.floor(x / scale)) * c + ch] - lo)) / span) : 128;
  }
  return out;
}

/**
 * Filter f of the first layer, HWC [3, 3, 3] as one array (from the HWIO kernel [3, 3, 3, 32]).
 *
 * @example
 * const r = await nn.cnn.cifarCnn();
 * nn.cnn.learnedFilter(r, 0).length   // 27
 */
export function learnedFilter(record: CifarCnnRecord, f: number): Float64Array {
  checkRecord(record, 'cnnCifarCnn');
  const [kh, kw, cin, cout] = record.firstLayer.shape;
  if (!Number.isInteger(f) || f < 0 || f >= cout) throw new ArgumentError('f', f, `a filter index in 0 … ${cout - 1}`);
  const out = new Float64Array(kh * kw * cin);
  for (let i = 0; i < kh * kw * cin; i++) out[i] = record.firstLayer.values[i * cout + f];
  return out;
}

function cell(png: Buffer, caption: string): string {
  return `<figure style="margin:3px;text-align:center"><img src="data:image/png;base64,${png.toString('base64')}" style="image-rendering:pixelated" alt="${escapeHtml(caption)}"/>` +
    `<figcaption style="font:11px sans-serif">${escapeHtml(caption)}</figcaption></figure>`;
}

function gridHtml(cells: string[], cols: number): string {
  return `<div style="display:grid;grid-template-columns:repeat(${cols}, max-content);gap:2px">${cells.join('')}</div>`;
}

/**
 * The 32 learned first-layer filters as RGB pictures (each 3×3×3 filter stretched to 0–255 on its
 * own, 16 px per weight), and, when given, classic hand-made filters (grey, stretched likewise).
 *
 * @example
 * const html = nn.cnn.learnedFiltersHtml(await nn.cnn.cifarCnn(), [{ name: 'Sobel x', kernel: [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]] }]);
 */
export function learnedFiltersHtml(record: CifarCnnRecord, classic: readonly NamedKernel[] = []): string {
  checkRecord(record, 'cnnCifarCnn');
  if (!Array.isArray(classic)) throw new ArgumentError('classic', classic, 'an array of { name, kernel: number[][] } (e.g. nn.cnn.CLASSIC_FILTERS)');
  const [k, , , cout] = record.firstLayer.shape;
  const scale = 16;
  const learned = Array.from({ length: cout }, (_, f) => cell(encodePng(kernelBytes(learnedFilter(record, f), k, 3, scale), k * scale, k * scale, 3), `#${f}`));
  const hand = classic.map((c, i) => {
    const n = Array.isArray(c?.kernel) ? c.kernel.length : 0;
    if (n === 0 || c.kernel.some((row: unknown) => !Array.isArray(row) || row.length !== n || row.some((v: unknown) => typeof v !== 'number' || !Number.isFinite(v)))) {
      throw new ArgumentError(`classic[${i}].kernel`, c?.kernel, 'a square array of finite numbers');
    }
    const s = Math.max(4, Math.round((k * scale) / n));
    return cell(encodePng(kernelBytes(c.kernel.flat(), n, 1, s), n * s, n * s, 1), c.name);
  });
  const epochs = record.options.epochs;
  return `<div style="font-weight:bold">The ${cout} learned first-layer filters (3×3×3, RGB) after ${epochs} epoch${epochs === 1 ? '' : 's'}</div>` +
    `<div style="font:12px sans-serif">each filter stretched to black … white on its own; a filter that looks like an edge detector responds to that edge in that colour</div>` +
    gridHtml(learned, 16) +
    (hand.length ? `<div style="font-weight:bold;margin-top:6px">Classic hand-made filters (grey: one kernel for every channel)</div>${gridHtml(hand, hand.length)}` : '');
}

/**
 * Shows the learned first-layer filters next to the classic ones (e.g. `nn.cnn.CLASSIC_FILTERS`).
 *
 * @example
 * nn.cnn.showLearnedFilters(await nn.cnn.cifarCnn(), nn.cnn.CLASSIC_FILTERS);
 */
export function showLearnedFilters(record: CifarCnnRecord, classic: readonly NamedKernel[] = []): void {
  const html = learnedFiltersHtml(record, classic);
  const text = `[filters] ${record.firstLayer.shape.join('×')} learned first-layer weights${classic.length ? ` next to ${classic.map((c) => c.name).join(', ')}` : ''}`;
  if (!inKernel()) { console.log(text); return; }
  publish({ 'text/html': html, 'text/plain': text });
}

// ============================================================================ misclassified

/**
 * The misclassified test images, 3× scale, captioned "true → predicted" and their index.
 *
 * @example
 * const html = nn.cnn.misclassifiedHtml(await nn.cnn.cifarCnn());
 */
export function misclassifiedHtml(record: CifarCnnRecord): string {
  checkRecord(record, 'cnnCifarCnn');
  const bytes = Buffer.from(record.misclassifiedPixels, 'base64');
  const size = 32 * 32 * 3;
  const scale = 3;
  const cells = record.misclassified.map((w, k) => {
    const src = bytes.subarray(k * size, (k + 1) * size);
    const img = new Uint8Array(32 * scale * 32 * scale * 3);
    for (let y = 0; y < 32 * scale; y++) for (let x = 0; x < 32 * scale; x++) for (let c = 0; c < 3; c++) img[(y * 32 * scale + x) * 3 + c] = src[(Math.floor(y / scale) * 32 + Math.floor(x / scale)) * 3 + c];
    return cell(encodePng(img, 32 * scale, 32 * scale, 3), `${record.classNames[w.label]} → ${record.classNames[w.predicted]} (#${w.index})`);
  });
  return `<div style="font-weight:bold">The first ${record.misclassified.length} misclassified test images: true → predicted</div>${gridHtml(cells, 6)}`;
}

/**
 * Shows the misclassified test images.
 *
 * @example
 * nn.cnn.showMisclassified(await nn.cnn.cifarCnn());
 */
export function showMisclassified(record: CifarCnnRecord): void {
  const html = misclassifiedHtml(record);
  const text = `[misclassified] ${record.misclassified.map((w) => `${record.classNames[w.label]} → ${record.classNames[w.predicted]}`).join(', ')}`;
  if (!inKernel()) { console.log(text); return; }
  publish({ 'text/html': html, 'text/plain': text });
}

/**
 * Everything of a CIFAR-10 CNN run: curves, the summary table, the confusion matrix, the learned
 * filters and the misclassified images (what `nn.show(record)` draws).
 *
 * @example
 * nn.cnn.showCifarCnn(await nn.cnn.cifarCnn());
 */
export function showCifarCnn(record: CifarCnnRecord, classic: readonly NamedKernel[] = []): void {
  showFigure(cifarCurvesFigure(record));
  showTable(cifarCnnRows(record));
  showConfusion(record);
  showLearnedFilters(record, classic);
  showMisclassified(record);
}
