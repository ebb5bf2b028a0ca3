/**
 * Figures and tables of lesson 02's zero-mean and PCA experiments. Builders are pure (record in,
 * figure, rows or HTML out); `show…` functions are the only side effects.
 *
 * @example
 * const r = await nn.preprocessing.zeroMean();
 * nn.preprocessing.showZeroMean(r);   // loss curves, accuracy, gradient sign agreement, a table
 */
import { ArgumentError } from '../../core/errors';
import { Figure, lineFigure, referenceLine, scatterFigure, subplotsFigure, Trace } from '../../show/figure';
import { escapeHtml, inKernel, publish } from '../../show/kernel';
import { showFigure } from '../../show/plot';
import { encodePng } from '../../show/png';
import { showTable, tableText, toTable } from '../../show/table';
import type { SensitivityPanel, SensitivityRecord, ZeroMeanRecord } from './centering';
import type { PcaRecord } from './pca';

const MADE_BY: Readonly<Record<string, string>> = {
  preprocessingZeroMean: 'nn.preprocessing.zeroMean()', preprocessingSensitivity: 'nn.preprocessing.sensitivity()',
  preprocessingPca: 'nn.preprocessing.pcaCifar()',
};

function checkRecord(record: unknown, experiment: string): void {
  if (typeof record !== 'object' || record === null || (record as { experiment?: unknown }).experiment !== experiment) {
    throw new ArgumentError('record', record, `a record returned by ${MADE_BY[experiment]}`);
  }
}

// ============================================================================ zeroMean

/**
 * Three panels: the mini-batch loss per step, the validation accuracy per epoch, and per step the
 * fraction of each weight-gradient column dW[:, j] that shares its majority sign (1: the whole
 * column moves one way, lesson 01's zig-zag; 0.5: no preference), raw vs centred inputs.
 *
 * @example
 * nn.plot(nn.preprocessing.zeroMeanFigure(await nn.preprocessing.zeroMean()));
 */
export function zeroMeanFigure(record: ZeroMeanRecord): Figure {
  checkRecord(record, 'preprocessingZeroMean');
  const loss = lineFigure({
    title: 'Mini-batch loss per step', xTitle: 'step', yTitle: 'softmax loss',
    series: record.runs.map((r) => ({ name: r.label, x: r.stepLosses.map((_, i) => i + 1), y: r.stepLosses })),
  });
  const steps = Math.max(1, ...record.runs.map((r) => r.stepLosses.length));
  loss.data.push(referenceLine('chance, ln 10', 1, steps, Math.log(10)));
  const accuracy = lineFigure({
    title: 'Validation accuracy per epoch', xTitle: 'epoch', yTitle: 'accuracy',
    series: record.runs.map((r) => ({ name: r.label, x: r.epochs.map((e) => e.epoch), y: r.epochs.map((e) => e.valAccuracy) })),
  });
  accuracy.data.push(referenceLine('chance, 0.1', 0, record.options.epochs, 0.1));
  const signs = lineFigure({
    title: 'Share of dW[:, j] with the majority sign', xTitle: 'step', yTitle: 'fraction of the column',
    series: record.runs.map((r) => ({ name: r.label, x: r.signs.perStep.map((_, i) => i + 1), y: r.signs.perStep })),
  });
  signs.data.push(referenceLine('no preferred sign, 0.5', 1, steps, 0.5));
  return subplotsFigure([loss, accuracy, signs], {
    title: `Raw vs centred CIFAR-10 pixels, one linear classifier, lr ${record.options.lr}`, rows: 2, cols: 2,
  });
}

/** One row per run: accuracies, final loss, gradient signs. */
export function zeroMeanRows(record: ZeroMeanRecord): Record<string, string | number>[] {
  checkRecord(record, 'preprocessingZeroMean');
  return record.runs.map((r) => ({
    inputs: r.label, 'input mean': r.inputMean, 'final train loss': r.epochs[r.epochs.length - 1].trainLoss,
    'train accuracy': r.finalTrainAccuracy, 'val accuracy': r.finalValAccuracy,
    'sign agreement': r.signs.agreement, 'one-sign columns': r.signs.oneSignFraction,
    diverged: r.divergedAt === null ? 'no' : `at step ${r.divergedAt}`,
  }));
}

/** The table as text, with its title (the CLI). */
export function zeroMeanText(record: ZeroMeanRecord): string {
  return tableText(toTable(zeroMeanRows(record)), {
    title: `Linear classifier on ${record.data.trainImages} CIFAR-10 images, ${record.options.epochs} epochs, lr ${record.options.lr}, ` +
      `${record.options.centring} centring (${record.backend})`,
  });
}

/**
 * Draws the figure and the table.
 *
 * @example
 * nn.preprocessing.showZeroMean(await nn.preprocessing.zeroMean());
 */
export function showZeroMean(record: ZeroMeanRecord): void {
  showFigure(zeroMeanFigure(record));
  showTable(zeroMeanRows(record));
}

// ============================================================================ sensitivity

function panelFigure(p: SensitivityPanel, title: string): Figure {
  const pick = (keep: (i: number) => boolean) => {
    const idx = p.x1.map((_, i) => i).filter(keep);
    return { x: idx.map((i) => p.x1[i]), y: idx.map((i) => p.x2[i]) };
  };
  const fig = scatterFigure({
    title, xTitle: 'x₁', yTitle: 'x₂',
    // a panel where nothing changes side has no such trace: an empty trace would take the legend entry
    series: [
      { name: 'class +1', ...pick((i) => p.y[i] > 0 && !p.flipped[i]) },
      { name: 'class −1', ...pick((i) => p.y[i] < 0 && !p.flipped[i]) },
      { name: 'changed side', ...pick((i) => p.flipped[i]) },
    ].filter((series) => series.x.length > 0),
  });
  const lo = Math.min(...p.x2);
  const hi = Math.max(...p.x2);
  const line = (name: string, w: [number, number], b: number, dash: string): Trace => ({
    type: 'scatter', mode: 'lines', name, x: [lo, hi].map((x2) => -(b + w[1] * x2) / w[0]), y: [lo, hi], line: { dash, width: 2, color: '#000' },
  });
  fig.data.push(line('w·x + b = 0', p.before.w, p.before.b, 'solid'), line('w rotated by δ', p.after.w, p.after.b, 'dot'));
  return fig;
}

/**
 * Two panels, the same two classes and the same tiny rotation δ of w: centred at the origin
 * (almost nothing changes side) and far from it (many points change side).
 *
 * @example
 * nn.plot(nn.preprocessing.sensitivityFigure(await nn.preprocessing.sensitivity()));
 */
export function sensitivityFigure(record: SensitivityRecord): Figure {
  checkRecord(record, 'preprocessingSensitivity');
  const { centred, far } = record.panels;
  const count = (p: SensitivityPanel) => p.flipped.filter(Boolean).length;
  return subplotsFigure([
    panelFigure(centred, `Centred: ${count(centred)} of ${centred.x1.length} points change side`),
    panelFigure(far, `At distance ${far.distance}: ${count(far)} of ${far.x1.length} change side`),
  ], { title: `One tiny weight change: w rotated by ${record.options.delta} rad`, rows: 1, cols: 2 });
}

/** One row per distance. */
export function sensitivityRows(record: SensitivityRecord): Record<string, number>[] {
  checkRecord(record, 'preprocessingSensitivity');
  return record.rows.map((r) => ({
    distance: r.distance, 'points changing side': r.flipped, fraction: r.flippedFraction, 'loss before': r.lossBefore, '|loss change|': r.lossChange, 'mean |score change|': r.meanScoreChange,
  }));
}

/**
 * Draws the two panels and the table over distances.
 *
 * @example
 * nn.preprocessing.showSensitivity(await nn.preprocessing.sensitivity());
 */
export function showSensitivity(record: SensitivityRecord): void {
  showFigure(sensitivityFigure(record));
  showTable(sensitivityRows(record));
}

// ============================================================================ PCA

/**
 * Two panels: the variance kept by the first k components (log k axis, with 90/95/99 % lines),
 * and the reconstruction MSE per pixel at each k on the training and the held-out images.
 *
 * @example
 * nn.plot(nn.preprocessing.pcaFigure(await nn.preprocessing.pcaCifar()));
 */
export function pcaFigure(record: PcaRecord): Figure {
  checkRecord(record, 'preprocessingPca');
  const K = record.varianceExplained.length;
  const ks = record.varianceExplained.map((_, i) => i + 1);
  const kept = lineFigure({
    title: `Variance kept by k of ${record.data.height * record.data.width * record.data.channels} components`, xTitle: 'k, components (log scale)',
    yTitle: 'fraction of the variance', xScale: 'log', series: [{ name: 'variance kept', x: ks, y: record.varianceExplained }],
  });
  for (const f of record.kFor) kept.data.push(referenceLine(`${Math.round(f.fraction * 100)} %${f.k === null ? ` (k > ${K})` : `: k = ${f.k}`}`, 1, K, f.fraction));
  const rk = record.reconstruction.map((r) => r.k);
  const mse = lineFigure({
    title: 'Reconstruction error', xTitle: 'k, components (log scale)', yTitle: 'MSE per pixel', xScale: 'log',
    series: [
      { name: `training images (${record.data.trainImages})`, x: rk, y: record.reconstruction.map((r) => r.trainMse) },
      { name: `held-out test images (${record.data.heldOutImages})`, x: rk, y: record.reconstruction.map((r) => r.heldOutMse) },
    ],
  });
  return subplotsFigure([kept, mse], { title: `PCA of ${record.data.trainImages} CIFAR-10 training images`, rows: 1, cols: 2 });
}

/** One row per k: variance kept and the MSEs. */
export function pcaRows(record: PcaRecord): Record<string, number>[] {
  checkRecord(record, 'preprocessingPca');
  return record.reconstruction.map((r) => ({
    k: r.k, 'variance kept': record.varianceExplained[r.k - 1], 'train MSE': r.trainMse, 'held-out MSE': r.heldOutMse,
  }));
}

/** The table and the k for each fraction, as text (the CLI). */
export function pcaText(record: PcaRecord): string {
  const K = record.varianceExplained.length;
  const kFor = record.kFor.map((f) => `${Math.round(f.fraction * 100)} %: ${f.k === null ? `more than ${K}` : f.k}`).join(', ');
  return tableText(toTable(pcaRows(record)), { title: `PCA of ${record.data.trainImages} CIFAR-10 training images (${record.backend})` }) +
    `\ncomponents needed for ${kFor}\n${record.convergence.iterations} iterations, largest residual ${record.convergence.maxResidual.toExponential(1)} of λ₁`;
}

/** The pictures as one grid: rows = test images, columns = original and each k; HWC bytes, one pixel of padding, scaled. */
export function pcaPicturesPng(record: PcaRecord, scale = 2): Buffer {
  checkRecord(record, 'preprocessingPca');
  const { height: h, width: w } = record.data;
  const columns = [record.pictures.original, ...record.pictures.reconstructed.map((r) => r.images)];
  const cw = w * scale + 2;
  const ch = h * scale + 2;
  const W = columns.length * cw;
  const H = Math.max(1, record.pictures.original.length) * ch;
  const canvas = new Uint8Array(W * H * 3).fill(255);
  columns.forEach((images, c) => images.forEach((img, r) => {
    for (let y = 0; y < h * scale; y++) {
      for (let x = 0; x < w * scale; x++) {
        const src = (Math.floor(y / scale) * w + Math.floor(x / scale)) * 3;
        const dst = ((r * ch + 1 + y) * W + c * cw + 1 + x) * 3;
        canvas[dst] = img[src];
        canvas[dst + 1] = img[src + 1];
        canvas[dst + 2] = img[src + 2];
      }
    }
  }));
  return encodePng(canvas, W, H, 3);
}

/** The pictures as an HTML table with column headers (original, k = ...) and the class of each row. */
export function pcaPicturesHtml(record: PcaRecord): string {
  const png = pcaPicturesPng(record, 3).toString('base64');
  const heads = ['original', ...record.pictures.reconstructed.map((r) => `k = ${r.k}`)];
  const cell = 32 * 3 + 2;
  return `<div style="font-weight:bold">Test images rebuilt from k principal components</div>` +
    `<div style="display:flex;gap:6px;align-items:flex-start"><div style="font:11px sans-serif;margin-top:16px">` +
    record.pictures.labels.map((l) => `<div style="height:${cell}px;line-height:${cell}px">${escapeHtml(l)}</div>`).join('') + '</div><div>' +
    `<div style="display:flex;font:11px sans-serif">${heads.map((hd) => `<div style="width:${cell}px;text-align:center">${escapeHtml(hd)}</div>`).join('')}</div>` +
    `<img src="data:image/png;base64,${png}" alt="reconstructions" style="image-rendering:pixelated"/></div></div>`;
}

/**
 * Draws the variance figure, the table, and the grid of reconstructed test images.
 *
 * @example
 * nn.preprocessing.showPcaCifar(await nn.preprocessing.pcaCifar());
 */
export function showPcaCifar(record: PcaRecord): void {
  showFigure(pcaFigure(record));
  showTable(pcaRows(record));
  if (record.pictures.original.length === 0) return;
  const text = `[images] ${record.pictures.labels.length} test images: original and k = ${record.pictures.reconstructed.map((r) => r.k).join(', ')}`;
  if (inKernel()) publish({ 'text/html': pcaPicturesHtml(record), 'image/png': pcaPicturesPng(record).toString('base64'), 'text/plain': text });
  else console.log(text);
}
