/**
 * Figures and tables of lesson 01 (activation functions). Builders are pure (record in, plain
 * figure or rows out); `show…` functions are the only side effects.
 *
 * @example
 * const r = await nn.activations.saturation();
 * nn.activations.showSaturation(r);   // the figure and the table of local gradients
 */
import { ArgumentError } from '../../core/errors';
import { barFigure, Figure, lineFigure, logAxis, referenceLine, subplotsFigure } from '../../show/figure';
import { showFigure } from '../../show/plot';
import { showTable, tableText, toTable } from '../../show/table';
import { FLOAT32_MIN_NORMAL, SaturationRecord } from './saturation';
import type { FunctionsTableRecord } from './table';
import type { ZigzagRecord } from './zigzag';
import type { DepthStatsRecord } from './depthStats';
import type { DeadReluRecord } from './deadRelu';
import type { RaceRecord } from './race';
import { ACTIVATION_FAMILIES, ActivationFamily, activationFunction } from './functions';

const MADE_BY: Readonly<Record<string, string>> = {
  activationSaturation: 'nn.activations.saturation()', activationsTable: 'nn.activations.functionsTable()',
  activationZigzag: 'nn.activations.zigzag()', activationDepthStats: 'nn.activations.depthStats()',
  activationDeadRelu: 'nn.activations.deadRelu()', activationRace: 'nn.activations.race()',
};

function checkRecord(record: unknown, experiment: string): void {
  if (typeof record !== 'object' || record === null || (record as { experiment?: unknown }).experiment !== experiment) {
    throw new ArgumentError('record', record, `a record returned by ${MADE_BY[experiment]}`);
  }
}

/**
 * Two panels. Left: the local gradient f'(x) of each function at each point, as bars (sigmoid's
 * 4.5e-5 at ±10 is a bar too small to see: that is the point). Right: the upstream gradient after
 * a chain of k saturated sigmoids, on a log axis, float32 next to float64, with float32's
 * smallest normal number as the reference line.
 *
 * @example
 * const r = await nn.activations.saturation();
 * nn.plot(nn.activations.saturationFigure(r));
 */
export function saturationFigure(record: SaturationRecord): Figure {
  checkRecord(record, 'activationSaturation');
  const local = barFigure({
    title: 'Local gradient f\'(x): what passes back through one unit',
    xTitle: 'input x', yTitle: 'f\'(x)',
    series: record.local.map((l) => ({ name: l.label, x: l.x.map((x) => `x = ${x}`), y: l.gradient })),
  });
  const ks = record.chain.rows.map((r) => r.k);
  const chain = lineFigure({
    title: `Upstream gradient after k sigmoids saturated at x = ${record.chain.saturatedAt}`,
    xTitle: 'k, sigmoids in the chain', yTitle: 'gradient ∂L/∂z₁ (log scale)',
    series: [
      { name: 'float64: σ\'(a)^k', x: ks, y: record.chain.rows.map((r) => r.float64) },
      { name: 'float32 backward pass', x: ks, y: record.chain.rows.map((r) => (r.float32 > 0 ? r.float32 : NaN)) },
    ],
  });
  chain.layout.yaxis = logAxis(chain.layout.yaxis as object, [...record.chain.rows.map((r) => r.float64), FLOAT32_MIN_NORMAL]);
  chain.data.push(referenceLine('float32\'s smallest normal, 1.2e-38', Math.min(...ks), Math.max(...ks), FLOAT32_MIN_NORMAL));
  return subplotsFigure([local, chain], { title: 'Saturation: sigmoid and tanh pass almost nothing back at |x| = 10', rows: 1, cols: 2 });
}

/** The local gradients as rows: one per function, one column per point. */
export function saturationRows(record: SaturationRecord): Record<string, string | number>[] {
  checkRecord(record, 'activationSaturation');
  return record.local.map((l) => ({ activation: l.label, ...Object.fromEntries(l.x.map((x, i) => [`f'(${x})`, l.gradient[i]])) }));
}

/** The chain as rows: k, float32, float64, decades lost. */
export function chainRows(record: SaturationRecord): Record<string, string | number | boolean>[] {
  checkRecord(record, 'activationSaturation');
  return record.chain.rows.map((r) => ({ k: r.k, float32: r.float32, float64: r.float64, log10: r.log10, 'below float32 normal range': r.subnormal }));
}

/**
 * Draws the saturation figure and its two tables (local gradients, the chain).
 *
 * @example
 * nn.activations.showSaturation(await nn.activations.saturation());
 */
export function showSaturation(record: SaturationRecord): void {
  showFigure(saturationFigure(record));
  showTable(saturationRows(record));
  showTable(chainRows(record));
}

const FAMILY_TITLES: Readonly<Record<ActivationFamily, string>> = {
  sigmoid: 'Sigmoid and tanh: bounded, flat at both ends',
  relu: 'The ReLU family: slope 1 above 0; 0, α or a learned α below',
  exponential: 'ELU and SELU: a smooth floor below 0 (-α; SELU: -λα)',
  maxout: 'Maxout: the larger of two learned affine maps',
  gated: 'Swish and GELU: x times a smooth gate',
};

/**
 * One family's functions (left) and their derivatives (right), side by side with one x axis, from
 * a {@link functionsTable} record over many points (`CURVES`): the picture of the lecture's slide.
 *
 * @example
 * const r = await nn.activations.functionsTable(nn.activations.CURVES);
 * for (const family of nn.activations.ACTIVATION_FAMILIES) nn.plot(nn.activations.familyFigure(r, family));
 */
export function familyFigure(record: FunctionsTableRecord, family: ActivationFamily): Figure {
  checkRecord(record, 'activationsTable');
  if (!ACTIVATION_FAMILIES.includes(family)) throw new ArgumentError('family', family, `one of ${ACTIVATION_FAMILIES.join(', ')}`);
  const rows = record.rows.filter((r) => r.family === family);
  if (rows.length === 0) throw new ArgumentError('family', family, `a family with a function in the record (it has ${[...new Set(record.rows.map((r) => r.family))].join(', ')})`);
  // the derivative has no value at a kink: a gap there, not a vertical segment joining the branches
  const atKink = (r: (typeof rows)[number], x: number) => activationFunction(r.name).kinks.some((k) => Math.abs(x - k) < 1e-12);
  const panel = (key: 'value' | 'derivative', title: string, yTitle: string) => lineFigure({
    title, xTitle: 'x', yTitle,
    series: rows.map((r) => ({ name: r.label, x: r.x, y: key === 'value' ? r.value : r.derivative.map((d, i) => (atKink(r, r.x[i]) ? NaN : d)) })),
  });
  return subplotsFigure([panel('value', 'f(x)', 'f(x)'), panel('derivative', 'f\'(x): the local gradient', 'f\'(x)')],
    { title: FAMILY_TITLES[family], rows: 1, cols: 2, shareX: true });
}

/** The values table as rows: one per function and point. */
export function functionsTableRows(record: FunctionsTableRecord): Record<string, string | number>[] {
  checkRecord(record, 'activationsTable');
  return record.rows.flatMap((r) => r.x.map((x, i) => ({ function: r.label, x, 'f(x)': r.value[i], "f'(x)": r.derivative[i] })));
}

/** The values table as text, one line per function and point (the CLI prints it). */
export function functionsTableText(record: FunctionsTableRecord): string {
  return tableText(toTable(functionsTableRows(record)), { title: `Activation functions and their derivatives (${record.backend}, float32)` });
}

/**
 * Draws the values table.
 *
 * @example
 * nn.activations.showFunctionsTable(await nn.activations.functionsTable({ at: [-10, 0, 10] }));
 */
export function showFunctionsTable(record: FunctionsTableRecord): void {
  showTable(functionsTableRows(record));
}

/**
 * Two panels. Left: the two optimisation paths on the (w₁, w₂) plane with equal axes, the start and
 * the target marked, and the update directions positive inputs forbid (quadrants II and IV around
 * the start) shaded. Right: the excess loss L(w) − L(w*) per step on a log axis.
 *
 * @example
 * const r = await nn.activations.zigzag();
 * nn.plot(nn.activations.zigzagFigure(r));
 */
export function zigzagFigure(record: ZigzagRecord): Figure {
  checkRecord(record, 'activationZigzag');
  const [s1, s2] = record.options.start;
  const [t1, t2] = record.options.target;
  const all1 = [...record.runs.flatMap((r) => r.path.w1), s1, t1];
  const all2 = [...record.runs.flatMap((r) => r.path.w2), s2, t2];
  const lo = Math.min(...all1, ...all2);
  const hi = Math.max(...all1, ...all2);
  const pad = 0.1 * (hi - lo || 1);
  const [a, b] = [lo - pad, hi + pad];
  const name = (inputs: string) => `${inputs} inputs`;
  const paths = lineFigure({
    title: `Paths of (w₁, w₂), lr ${record.options.lr}`, xTitle: 'w₁', yTitle: 'w₂',
    series: record.runs.map((r) => ({ name: name(r.inputs), x: r.path.w1, y: r.path.w2 })),
  });
  paths.data.unshift({
    type: 'scatter', mode: 'lines', name: 'step directions forbidden at the start', fill: 'toself',
    fillcolor: 'rgba(127,127,127,0.18)', line: { width: 0, color: 'rgba(127,127,127,0.18)' }, hoverinfo: 'skip',
    x: [s1, b, b, s1, s1, a, a, s1, s1], y: [s2, s2, a, a, s2, s2, b, b, s2],
  });
  paths.data.push({ type: 'scatter', mode: 'markers', name: 'start', x: [s1], y: [s2], marker: { symbol: 'circle-open', size: 12, color: '#000' } });
  paths.data.push({ type: 'scatter', mode: 'markers', name: 'target w*', x: [t1], y: [t2], marker: { symbol: 'star', size: 14, color: '#000' } });
  paths.layout.xaxis = { ...(paths.layout.xaxis as object), range: [a, b] };
  paths.layout.yaxis = { ...(paths.layout.yaxis as object), range: [a, b], scaleanchor: 'x', scaleratio: 1 };
  const loss = lineFigure({
    title: 'Excess loss per step', xTitle: 'step', yTitle: 'L(w) − L(w*) (log scale)',
    series: record.runs.map((r) => ({ name: name(r.inputs), y: r.excessLoss.map((v) => (v > 0 ? v : NaN)) })),
  });
  loss.layout.yaxis = logAxis(loss.layout.yaxis as object, record.runs.flatMap((r) => r.excessLoss.filter((v) => v > 0)));
  return subplotsFigure([paths, loss], {
    title: 'Zig-zag: positive inputs move both weights the same way',
    rows: 1, cols: 2,
  });
}

/** The sweep as rows: lr, then the steps to tolerance of each input set. */
export function zigzagRows(record: ZigzagRecord): Record<string, string | number>[] {
  checkRecord(record, 'activationZigzag');
  return record.sweep.map((s) => ({ lr: s.lr, 'positive inputs: steps': s.positive ?? 'not reached', 'zero-centred inputs: steps': s.zeroCentred ?? 'not reached' }));
}

/** Each run's gradient sign patterns and update quadrants, as rows. */
export function zigzagSignRows(record: ZigzagRecord): Record<string, string | number | boolean>[] {
  checkRecord(record, 'activationZigzag');
  return record.runs.map((r) => ({ inputs: r.inputs, ...r.gradientSigns, 'same sign every step': r.sameSign, 'updates in I': r.updateQuadrants.I, II: r.updateQuadrants.II, III: r.updateQuadrants.III, IV: r.updateQuadrants.IV }));
}

/** The zig-zag record as text (the CLI prints it). */
export function zigzagText(record: ZigzagRecord): string {
  return [
    tableText(toTable(zigzagSignRows(record)), { title: `Gradient signs (∂L/∂w₁, ∂L/∂w₂) per step at lr ${record.options.lr}; the target needs quadrant ${record.quadrants.neededForTarget}` }),
    tableText(toTable(zigzagRows(record)), { title: `Steps to ‖w − w*‖ < ${record.options.tolerance} (of ${record.options.steps})` }),
  ].join('\n');
}

/**
 * Draws the zig-zag figure, the sign patterns and the learning-rate sweep.
 *
 * @example
 * nn.activations.showZigzag(await nn.activations.zigzag());
 */
export function showZigzag(record: ZigzagRecord): void {
  showFigure(zigzagFigure(record));
  showTable(zigzagSignRows(record));
  showTable(zigzagRows(record));
}

/**
 * Two panels sharing the layer axis: the mean and the std of each layer's activations, one colour
 * per activation (with its init), with the SELU fixed point (mean 0, std 1) as reference lines.
 *
 * @example
 * nn.plot(nn.activations.depthStatsFigure(await nn.activations.depthStats()));
 */
export function depthStatsFigure(record: DepthStatsRecord): Figure {
  checkRecord(record, 'activationDepthStats');
  const depth = record.options.depth;
  const panel = (key: 'mean' | 'std', title: string, reference: number) => {
    const fig = lineFigure({
      title, xTitle: 'layer', yTitle: key === 'mean' ? 'mean of activations' : 'std of activations',
      series: record.runs.map((r) => ({ name: `${r.label} + ${r.init}`, x: r.layers.map((l) => l.layer), y: r.layers.map((l) => l[key]) })),
    });
    fig.data.push(referenceLine(`SELU's fixed point (mean 0, std 1)`, 1, depth, reference));
    return fig;
  };
  return subplotsFigure([panel('mean', 'Mean per layer', 0), panel('std', 'Std per layer', 1)],
    { title: `${depth} layers, each activation with its init`, rows: 1, cols: 2, shareX: true });
}

/** Every layer's statistics as rows. */
export function depthStatsRows(record: DepthStatsRecord): Record<string, string | number>[] {
  checkRecord(record, 'activationDepthStats');
  return record.runs.flatMap((r) => r.layers.map((l) => ({ activation: r.label, init: r.init, layer: l.layer, mean: l.mean, 'SE(mean)': l.seMean, std: l.std, 'SE(std)': l.seStd })));
}

/**
 * Draws the depth figure and the last layer of each activation as a table.
 *
 * @example
 * nn.activations.showDepthStats(await nn.activations.depthStats());
 */
export function showDepthStats(record: DepthStatsRecord): void {
  showFigure(depthStatsFigure(record));
  showTable(depthStatsRows(record).filter((r) => r.layer === record.options.depth));
}

/** A run's name in the dead-ReLU figure and tables: its setup and activation. */
function deadRunName(run: DeadReluRecord['runs'][number]): string {
  // short enough for one bar's slot: "(a) ReLU, b = -3", "(b) Leaky ReLU, lr 5"
  const label = run.activation === 'relu' ? 'ReLU' : run.activation === 'leakyRelu' ? 'Leaky ReLU' : 'ELU';
  return `(${run.setup[0]}) ${label}, ${run.lr === null ? `b\u00a0=\u00a0${run.bias}` : `lr\u00a0${run.lr}`}`;
}

/**
 * One bar per run and measure: the fraction of hidden units that never activate (z ≤ 0 on every
 * training image) and the fraction with no gradient at all (f'(z) = 0 on every image).
 *
 * @example
 * nn.plot(nn.activations.deadReluFigure(await nn.activations.deadRelu()));
 */
export function deadReluFigure(record: DeadReluRecord): Figure {
  checkRecord(record, 'activationDeadRelu');
  const x = record.runs.map(deadRunName);
  const hidden = record.options.hidden;
  const fig = barFigure({
    title: 'fraction of the hidden layer',
    xTitle: 'setup: (a) bias at init, (b) too-large lr, (c) sane', yTitle: 'fraction of hidden units',
    series: [
      { name: 'never active (z ≤ 0 on all images)', x, y: record.runs.map((r) => r.deadFraction) },
      { name: 'no gradient (f\'(z) = 0 on all)', x, y: record.runs.map((r) => r.noGradientUnits / hidden) },
    ],
  });
  fig.layout.yaxis = { ...(fig.layout.yaxis as object), range: [0, 1.05] };
  // through subplotsFigure: it wraps the category labels to their slots and makes room for them
  return subplotsFigure([fig], { title: `Dead units of ${hidden} on ${record.data.images} MNIST images`, rows: 1, cols: 1 });
}

/** The runs as rows. */
export function deadReluRows(record: DeadReluRecord): Record<string, string | number>[] {
  checkRecord(record, 'activationDeadRelu');
  return record.runs.map((r) => ({
    setup: r.setup, activation: r.label, 'bias b₁': r.bias, lr: r.lr ?? 'not trained', 'dead at init': r.deadAtInit,
    'dead (never active)': r.deadUnits, 'no gradient': r.noGradientUnits, 'train accuracy': r.accuracy,
    'last epoch loss': r.epochLosses.length ? r.epochLosses[r.epochLosses.length - 1] : 'not trained',
  }));
}

/** The dead-ReLU record as text (the CLI prints it). */
export function deadReluText(record: DeadReluRecord): string {
  return tableText(toTable(deadReluRows(record)), { title: `Dead hidden units out of ${record.options.hidden}, ${record.data.images} MNIST training images (${record.backend})` });
}

/**
 * Draws the dead-unit figure and its table.
 *
 * @example
 * nn.activations.showDeadRelu(await nn.activations.deadRelu());
 */
export function showDeadRelu(record: DeadReluRecord): void {
  showFigure(deadReluFigure(record));
  showTable(deadReluRows(record));
}

/** Points of each loss curve of the race, about: each the mean of a window of steps. */
export const RACE_LOSS_POINTS = 40;

/** Steps averaged into one point of the race's loss curves (1 for a run of up to 40 steps). */
export function raceLossWindow(steps: number): number {
  return Math.max(1, Math.ceil(steps / RACE_LOSS_POINTS));
}

/** Means of consecutive windows of `size` values (the last one may be shorter), at their last step. */
function windowMeans(values: readonly number[], size: number): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (let start = 0; start < values.length; start += size) {
    const part = values.slice(start, start + size);
    x.push(start + part.length);
    y.push(part.reduce((s, v) => s + v, 0) / part.length);
  }
  return { x, y };
}

/**
 * Two panels. Left: the training loss of each activation, each point the mean of a window of
 * steps (about 40 points a curve; the raw mini-batch losses are in the record). Right: test accuracy after each epoch (epoch 0: at init).
 *
 * @example
 * nn.plot(nn.activations.raceFigure(await nn.activations.race()));
 */
export function raceFigure(record: RaceRecord): Figure {
  checkRecord(record, 'activationRace');
  const window = raceLossWindow(Math.max(...record.runs.map((r) => r.stepLosses.length)));
  const loss = lineFigure({
    title: window === 1 ? 'Training loss per step' : `Training loss (mean of every ${window} steps)`, xTitle: 'step', yTitle: 'cross-entropy',
    series: record.runs.map((r) => ({ name: r.label, ...windowMeans(r.stepLosses.filter(Number.isFinite), window) })),
  });
  const accuracy = lineFigure({
    title: `Accuracy on ${record.data.testImages} test images`, xTitle: 'epoch', yTitle: 'test accuracy',
    series: record.runs.map((r) => ({ name: r.label, x: r.testAccuracy.map((_, e) => e), y: r.testAccuracy })),
  });
  accuracy.layout.yaxis = { ...(accuracy.layout.yaxis as object), range: [0, 1] };
  const o = record.options;
  return subplotsFigure([loss, accuracy], {
    title: `Only the activation changes (${o.layers} × ${o.width} hidden, lr ${o.lr})`, rows: 1, cols: 2,
  });
}

/** The race as rows, best final test accuracy first. */
export function raceRows(record: RaceRecord): Record<string, string | number>[] {
  checkRecord(record, 'activationRace');
  return [...record.runs].sort((a, b) => a.rank - b.rank).map((r) => ({
    rank: r.rank, activation: r.label, init: r.init, parameters: r.parameters,
    'last epoch loss': r.epochLosses.length ? r.epochLosses[r.epochLosses.length - 1] : 'diverged',
    'train accuracy': r.trainAccuracy, 'test accuracy': r.testAccuracy[r.testAccuracy.length - 1],
    'the lecture says': r.advice,
  }));
}

/** The race as text (the CLI prints it). */
export function raceText(record: RaceRecord): string {
  const o = record.options;
  return tableText(toTable(raceRows(record)), {
    title: `${o.layers} hidden layers of ${o.width}, ${record.data.trainImages} ${record.data.dataset} training images, ${o.epochs} epochs, lr ${o.lr} (${record.backend})`,
  });
}

/**
 * Draws the race's figure and its table.
 *
 * @example
 * nn.activations.showRace(await nn.activations.race());
 */
export function showRace(record: RaceRecord): void {
  showFigure(raceFigure(record));
  showTable(raceRows(record));
}
