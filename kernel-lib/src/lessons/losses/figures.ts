/**
 * Lesson 12's figures (losses and numerical gradients), records in, figure specs out (pure), and
 * the `showXxx(record)` functions that draw them with their tables.
 *
 * @example
 * nn.losses.showLossShapes(nn.losses.lossShapes());
 */
import { barFigure, Figure, lineFigure, REFERENCE_COLOUR, referenceLine, SERIES_COLOURS, subplotsFigure, Trace } from '../../show/figure';
import { showFigure } from '../../show/plot';
import { showTable, tableText, toTable } from '../../show/table';
import type { GradErrorVsHRecord, KinksRecord } from './gradNumerics';
import type { LossShapesRecord } from './lossShapes';
import type { MseVsCeRecord } from './mseVsCe';

const fmt = (v: number, digits = 3) => (Math.abs(v) >= 1e-3 || v === 0 ? Number(v.toFixed(digits)).toString() : v.toExponential(1));

/** A dashed vertical line from y0 to y1 at x, with a legend entry. */
function verticalLine(name: string, x: number, y0: number, y1: number, color: string = REFERENCE_COLOUR, dash = 'dash'): Trace {
  return { type: 'scatter', mode: 'lines', name, x: [x, x], y: [y0, y1], line: { dash, width: 1.5, color }, hoverinfo: 'name+x' };
}

// ============================================================================ loss shapes

/**
 * Left: each loss as a function of the correct class's score (the others fixed at the worked
 * example's); right: its derivative ∂L/∂s_y. Dotted: where hinge reaches 0 (s_y = max other + Δ).
 *
 * @example
 * nn.plot(nn.losses.lossShapesFigure(nn.losses.lossShapes()));
 */
export function lossShapesFigure(r: LossShapesRecord): Figure {
  const series = (key: 'loss' | 'dLoss') => r.curves.map((c) => ({ name: c.label, x: r.x, y: c[key] }));
  const loss = lineFigure({ title: 'L as a function of s_y', xTitle: 'correct class score s_y', yTitle: 'loss', series: series('loss') });
  const grad = lineFigure({ title: '∂L/∂s_y', xTitle: 'correct class score s_y', yTitle: '∂L/∂s_y', series: series('dLoss') });
  const top = Math.max(...r.curves.flatMap((c) => c.loss));
  loss.data.push(verticalLine(`hinge = 0 from s_y = ${fmt(r.hingeZeroFrom)}`, r.hingeZeroFrom, 0, top, REFERENCE_COLOUR, 'dot'));
  grad.data.push(verticalLine(`hinge = 0 from s_y = ${fmt(r.hingeZeroFrom)}`, r.hingeZeroFrom, Math.min(...r.curves.flatMap((c) => c.dLoss)), 0.2, REFERENCE_COLOUR, 'dot'));
  const others = r.example.scores.filter((_, j) => j !== r.example.label).map((v) => fmt(v)).join(', ');
  return subplotsFigure([loss, grad], { title: `Losses of one example as its correct class's score s_y moves (other scores ${others}; Δ = ${r.options.delta})`, rows: 1, cols: 2, height: 420 });
}

/**
 * The worked example: softmax probabilities (left) and hinge margins (right) per class.
 *
 * @example
 * nn.plot(nn.losses.lossExampleFigure(nn.losses.lossShapes()));
 */
export function lossExampleFigure(r: LossShapesRecord): Figure {
  const e = r.example;
  const probs = barFigure({ title: `softmax: p(${r.classes[e.label]}) = ${fmt(e.probs[e.label])}, CE = −log p = ${fmt(e.crossEntropy)}`, xTitle: 'class', yTitle: 'probability', series: [{ name: 'softmax probability', x: r.classes, y: e.probs }] });
  const margins = barFigure({ title: `hinge: Σ margins = ${fmt(e.hinge)}`, xTitle: 'class', yTitle: 'margin', series: [{ name: 'hinge margin max(0, s_j − s_y + Δ)', x: r.classes, y: e.margins }] });
  return subplotsFigure([probs, margins], { title: `Scores ${e.scores.map((v) => fmt(v)).join(', ')}, correct class ${r.classes[e.label]}`, rows: 1, cols: 2, height: 360 });
}

/**
 * The worked example as rows: per class its score, probability, cross-entropy gradient, margin
 * and hinge gradient.
 *
 * @example
 * nn.table(nn.losses.lossExampleRows(nn.losses.lossShapes()));
 */
export function lossExampleRows(r: LossShapesRecord): Record<string, string | number>[] {
  const e = r.example;
  return r.classes.map((name, j) => ({
    class: j === e.label ? `${name} (correct)` : name, score: e.scores[j], 'softmax p': Number(e.probs[j].toFixed(4)), '∂CE/∂s': Number(e.dCrossEntropy[j].toFixed(4)),
    'hinge margin': Number(e.margins[j].toFixed(4)), '∂hinge/∂s': e.dHinge[j],
  }));
}

/**
 * The loss curves, the worked example's figure and table, and the sanity values.
 *
 * @example
 * nn.losses.showLossShapes(nn.losses.lossShapes());
 */
export function showLossShapes(r: LossShapesRecord): void {
  showFigure(lossExampleFigure(r));
  showTable(lossExampleRows(r), { title: `cross-entropy ${fmt(r.example.crossEntropy, 4)}, hinge ${fmt(r.example.hinge, 4)}` });
  showFigure(lossShapesFigure(r));
  const s = r.sanity;
  showTable([
    { loss: 'softmax cross-entropy', 'at initialisation': Number(s.crossEntropy.toFixed(4)), expected: `log C = ${s.logC.toFixed(4)}` },
    { loss: 'multiclass hinge', 'at initialisation': Number(s.hinge.toFixed(4)), expected: `(C − 1)·Δ = ${s.expectedHinge}` },
  ], { title: `sanity check: C = ${s.classes}, ${s.examples} random examples, weights of std ${s.std}` });
}

/** The loss-shape record as text (the CLI). */
export function lossShapesText(r: LossShapesRecord): string {
  return [tableText(toTable(lossExampleRows(r)), { title: `cross-entropy ${fmt(r.example.crossEntropy, 4)}, hinge ${fmt(r.example.hinge, 4)}` }),
    `hinge is 0 from s_y = ${fmt(r.hingeZeroFrom)}; there ∂CE/∂s_y = ${fmt(r.crossEntropyGradAtHingeZero, 4)} (still pushing)`].join('\n');
}

// ============================================================================ MSE vs CE

/**
 * ‖∂L/∂s‖ of cross-entropy and of squared error on softmax outputs as the net grows confident in
 * a wrong class (log scale).
 *
 * @example
 * nn.losses.mseVsCeSweepFigure(await nn.losses.mseVsCe({ epochs: 1 }));
 */
export function mseVsCeSweepFigure(r: MseVsCeRecord): Figure {
  const s = r.sweep;
  const fig = lineFigure({
    title: `Gradient at a wrong prediction: C = ${r.options.classes}, one wrong class's score raised from 0 to ${r.options.maxWrongScore}`,
    xTitle: 'p(wrong class): the net\'s confidence in the wrong answer', yTitle: '‖∂L/∂s‖', yScale: 'log',
    series: [{ name: 'cross-entropy', x: s.pWrong, y: s.ceGradNorm }, { name: 'squared error on softmax', x: s.pWrong, y: s.mseGradNorm }],
  });
  const lo = Math.min(...s.mseGradNorm.filter((v) => v > 0), ...s.ceGradNorm);
  fig.data.push(verticalLine(`p = 0.99: CE ${fmt(r.confident.ceGradNorm)}, MSE ${fmt(r.confident.mseGradNorm)}`, r.confident.pWrong, lo, 2, REFERENCE_COLOUR, 'dot'));
  return fig;
}

/**
 * The same net trained with each loss: cross-entropy (left, both runs measured by it) and test
 * accuracy (right) per epoch.
 *
 * @example
 * nn.losses.mseVsCeTrainingFigure(await nn.losses.mseVsCe({ epochs: 5 }));
 */
export function mseVsCeTrainingFigure(r: MseVsCeRecord): Figure {
  const line = (key: 'crossEntropy' | 'testAccuracy', title: string, yTitle: string) => lineFigure({
    title, xTitle: 'epoch', yTitle, series: r.runs.map((run) => ({ name: `trained with ${run.label}`, x: run.epochs.map((e) => e.epoch), y: run.epochs.map((e) => e[key]) })),
  });
  const ce = line('crossEntropy', 'training-set cross-entropy', 'cross-entropy');
  ce.data.push(referenceLine(`chance, log ${r.options.spiralClasses}`, 0, r.options.epochs, Math.log(r.options.spiralClasses)));
  const acc = line('testAccuracy', 'test accuracy', 'accuracy');
  return subplotsFigure([ce, acc], {
    title: `One two-layer net (hidden ${r.options.hidden}), same initial weights and batches, ${r.options.optimizer} lr ${r.options.lr}: spiral of ${r.options.spiralClasses} classes`,
    rows: 1, cols: 2, height: 400,
  });
}

/**
 * Both figures and the final numbers.
 *
 * @example
 * nn.losses.showMseVsCe(await nn.losses.mseVsCe());
 */
export function showMseVsCe(r: MseVsCeRecord): void {
  showFigure(mseVsCeSweepFigure(r));
  showFigure(mseVsCeTrainingFigure(r));
  showTable(mseVsCeRows(r), { title: 'the two runs after the first quarter of training and at the end' });
}

/**
 * Each run at a quarter of the epochs and at the end.
 *
 * @example
 * nn.table(nn.losses.mseVsCeRows(await nn.losses.mseVsCe({ epochs: 4 })));
 */
export function mseVsCeRows(r: MseVsCeRecord): Record<string, string | number>[] {
  const quarter = Math.max(1, Math.round(r.options.epochs / 4));
  return r.runs.flatMap((run) => [quarter, r.options.epochs].filter((e, i, a) => a.indexOf(e) === i).map((epoch) => {
    const e = run.epochs.find((x) => x.epoch === epoch) ?? run.epochs[run.epochs.length - 1];
    return { 'trained with': run.label, epoch: e.epoch, 'cross-entropy': Number(e.crossEntropy.toFixed(4)), 'train accuracy': Number(e.trainAccuracy.toFixed(3)), 'test accuracy': Number(e.testAccuracy.toFixed(3)) };
  }));
}

// ============================================================================ error vs h

/**
 * The max relative error of the centred difference against h, float64 and float32, log-log; ∛ε
 * of each dtype dotted, the float64 tolerance 1e-7 dashed.
 *
 * @example
 * nn.plot(nn.losses.gradErrorVsHFigure(await nn.losses.gradErrorVsH()));
 */
export function gradErrorVsHFigure(r: GradErrorVsHRecord): Figure {
  const fig = lineFigure({
    title: 'Centred difference vs the exact gradient: max relative error over W\'s coordinates',
    xTitle: 'step h', yTitle: 'max |a − n| / max(|a|, |n|)', xScale: 'log', yScale: 'log',
    series: r.dtypes.map((d) => ({ name: d.dtype === 'float32' ? 'float32 (tfjs tensors)' : 'float64 (JS numbers)', x: r.h, y: d.maxRelError.map((v) => Math.max(v, 1e-17)) })),
  });
  const all = r.dtypes.flatMap((d) => d.maxRelError).filter((v) => v > 0);
  const [lo, hi] = [Math.min(...all), Math.max(...all)];
  r.dtypes.forEach((d, i) => fig.data.push(verticalLine(`∛ε ${d.dtype} = ${d.cbrtEps.toExponential(1)}`, d.cbrtEps, lo, hi, SERIES_COLOURS[i], 'dot')));
  fig.data.push(referenceLine('float64 tolerance 1e-7', Math.min(...r.h), Math.max(...r.h), 1e-7));
  return fig;
}

/**
 * The error-vs-h figure and a table per dtype: best h, ∛ε, the error at h = 1e-5.
 *
 * @example
 * nn.losses.showGradErrorVsH(await nn.losses.gradErrorVsH());
 */
export function showGradErrorVsH(r: GradErrorVsHRecord): void {
  showFigure(gradErrorVsHFigure(r));
  showTable(gradErrorRows(r), { title: r.f });
}

/**
 * One row per dtype.
 *
 * @example
 * nn.table(nn.losses.gradErrorRows(await nn.losses.gradErrorVsH()));
 */
export function gradErrorRows(r: GradErrorVsHRecord): Record<string, string | number | boolean>[] {
  return r.dtypes.map((d) => ({
    dtype: d.dtype, 'ε': d.epsilon.toExponential(2), '∛ε': d.cbrtEps.toExponential(2), 'best h': d.bestH.toExponential(1), 'error at best h': d.bestError.toExponential(1),
    'error at h = 1e-5': d.atH1e5.toExponential(1), 'passes 1e-7 at h = 1e-5': d.passesAtH1e5,
  }));
}

/** The error-vs-h record as text (the CLI). */
export function gradErrorVsHText(r: GradErrorVsHRecord): string {
  return [tableText(toTable(gradErrorRows(r)), { title: r.f }),
    `float32 check: h = ${r.tolerances.float32.h}, tolerance ${r.tolerances.float32.tolerance}; float64: h = ${r.tolerances.float64.h}, tolerance ${r.tolerances.float64.tolerance}`].join('\n');
}

// ============================================================================ kinks

/**
 * False alarms at kinks against h: the fraction of coordinates whose check fails, the fraction of
 * inputs within h of the kink, and the Gaussian's prediction.
 *
 * @example
 * nn.plot(nn.losses.kinksFigure(nn.losses.kinks()));
 */
export function kinksFigure(r: KinksRecord): Figure {
  const rows = r.rows.filter((row) => row.expected > 0);
  const fig = lineFigure({
    title: `ReLU kinks: failing checks vs inputs within h of 0 (${r.options.count} inputs, N(0, ${r.options.std}²))`,
    xTitle: 'step h', yTitle: 'fraction of coordinates', xScale: 'log', yScale: 'log',
    series: [
      { name: 'false alarms (relative error > 1e-7)', x: rows.map((x) => x.h), y: rows.map((x) => (x.falseAlarms > 0 ? x.falseAlarms : NaN)) },
      { name: 'inputs with |x| < h', x: rows.map((x) => x.h), y: rows.map((x) => (x.withinH > 0 ? x.withinH : NaN)) },
      { name: 'theory P(|x| < h) ≈ 2h / (σ√(2π))', x: rows.map((x) => x.h), y: rows.map((x) => x.expected) },
    ],
  });
  // the measured fractions coincide: draw the first one wider so both show
  (fig.data[0] as { line: Record<string, unknown> }).line = { width: 6 };
  (fig.data[2] as { line: Record<string, unknown> }).line = { dash: 'dash' };
  return fig;
}

/**
 * The worked kinks as a table, then the figure.
 *
 * @example
 * nn.losses.showKinks(nn.losses.kinks());
 */
export function showKinks(r: KinksRecord): void {
  showTable(r.examples.map((e) => ({ gate: e.gate, at: e.at, analytic: e.analytic, numeric: Number(e.numeric.toFixed(6)), 'relative error': Number(e.relError.toPrecision(3)) })),
    { title: `centred differences at h = 1e-5 across a kink` });
  showFigure(kinksFigure(r));
}
