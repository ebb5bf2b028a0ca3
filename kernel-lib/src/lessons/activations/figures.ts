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
import { ACTIVATION_FAMILIES, ActivationFamily, activationFunction } from './functions';

const MADE_BY: Readonly<Record<string, string>> = {
  activationSaturation: 'nn.activations.saturation()', activationsTable: 'nn.activations.functionsTable()',
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
