/**
 * Lesson 11's figures (convolution half): record → figure spec (pure) and `show<Experiment>`
 * (the only side effect). Grids are heatmaps drawn with row 0 at the top, numbers in the cells.
 */
import { ArgumentError } from '../../core/errors';
import { Figure, REFERENCE_COLOUR, SERIES_COLOURS, subplotsFigure, Trace } from '../../show/figure';
import { showFigure } from '../../show/plot';
import { showTable, tableText, toTable } from '../../show/table';
import type { ConvByHandRecord, Grid } from './byHand';
import type { ClassicFiltersRecord } from './filters';
import type { PoolingRecord } from './pooling';
import type { ReceptiveFieldRecord } from './receptiveField';
import type { ConvSizesRecord, LayerTable } from './sizes';

const MADE_BY: Readonly<Record<string, string>> = {
  cnnConvByHand: 'nn.cnn.convByHand()', cnnClassicFilters: 'nn.cnn.classicFilters()', cnnConvSizes: 'nn.cnn.convSizes()',
  cnnPooling: 'nn.cnn.pooling()', cnnReceptiveField: 'nn.cnn.receptiveField()',
};

function checkRecord(record: unknown, experiment: string): void {
  if (typeof record !== 'object' || record === null || (record as { experiment?: unknown }).experiment !== experiment) {
    throw new ArgumentError('record', record, `a record returned by ${MADE_BY[experiment]}`);
  }
}

const HIGHLIGHT: string = SERIES_COLOURS[3];
/** Light colour scales, so black numbers stay readable in every cell. */
const SEQUENTIAL = [[0, '#ffffff'], [1, '#6fa8dc']];
const DIVERGING = [[0, '#6fa8dc'], [0.5, '#f7f7f7'], [1, '#e8836f']];
const GREYS = [[0, '#000000'], [1, '#ffffff']];
const FIELD = [[0, '#ffffff'], [1, '#08306b']];

/** Square cells in every panel of a subplots figure: each y axis scales with its own x axis. */
function squareCells(fig: Figure): Figure {
  for (const [key, axis] of Object.entries(fig.layout)) {
    const m = /^yaxis(\d*)$/.exec(key);
    if (m && axis && typeof axis === 'object' && (axis as Record<string, unknown>).scaleanchor) (axis as Record<string, unknown>).scaleanchor = `x${m[1]}`;
  }
  return fig;
}

/** The largest |value| away from the 1-pixel border (where zero padding makes edges of its own). */
function interiorRange(z: Grid): number {
  let m = 0;
  for (let y = 1; y < z.length - 1; y++) for (let x = 1; x < z[0].length - 1; x++) m = Math.max(m, Math.abs(z[y][x]));
  return m || 1;
}
const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));

/** A grid as a heatmap panel: row 0 on top, square cells, whole-number ticks (or none). */
function gridPanel(title: string, z: Grid, o: { colorscale?: unknown[]; zmid?: number; zmin?: number; zmax?: number; ticks?: boolean } = {}): Figure {
  const ticks = o.ticks ?? true;
  const trace: Trace = {
    type: 'heatmap', z, colorscale: o.colorscale ?? SEQUENTIAL, showscale: false, showlegend: false, name: title,
    hovertemplate: 'row %{y}, col %{x}: %{z}<extra></extra>', xgap: ticks ? 1 : 0, ygap: ticks ? 1 : 0,
  };
  if (o.zmid !== undefined) trace.zmid = o.zmid;
  if (o.zmin !== undefined) Object.assign(trace, { zmin: o.zmin, zmax: o.zmax });
  const axis = ticks ? { dtick: 1, showgrid: false, zeroline: false } : { showticklabels: false, showgrid: false, zeroline: false, ticks: '' };
  return {
    data: [trace],
    layout: { title: { text: title }, xaxis: { ...axis, title: { text: ticks ? 'col' : '' }, constrain: 'domain' }, yaxis: { ...axis, title: { text: ticks ? 'row' : '' }, autorange: 'reversed', scaleanchor: 'x', constrain: 'domain' } },
  };
}

/** The numbers of a grid as annotations on panel `k` (1-based axis suffix). */
function numbers(z: Grid, k: number, size = 12): Record<string, unknown>[] {
  const s = k === 1 ? '' : String(k);
  return z.flatMap((row, y) => row.map((v, x) => ({ x, y, text: fmt(v), showarrow: false, xref: `x${s}`, yref: `y${s}`, font: { size, color: '#111' } })));
}

/** A rectangle around cells [r0, r1] × [c0, c1] of panel `k`. */
function box(k: number, r0: number, c0: number, r1: number, c1: number, colour = HIGHLIGHT): Record<string, unknown> {
  const s = k === 1 ? '' : String(k);
  return { type: 'rect', xref: `x${s}`, yref: `y${s}`, x0: c0 - 0.5, x1: c1 + 0.5, y0: r0 - 0.5, y1: r1 + 0.5, line: { color: colour, width: 3 } };
}

/**
 * The dot product of one cell in words: "9·1 + 4·0 + 7·(−1) + … = 5".
 *
 * @example
 * nn.cnn.dotProductText(nn.cnn.convByHand({ row: 1, col: 2 }))   // 'out[1, 2] = 9·1 + 4·0 + ... = 5'
 */
export function dotProductText(record: ConvByHandRecord, row = record.cell.row, col = record.cell.col): string {
  checkRecord(record, 'cnnConvByHand');
  const F = record.kernel.length;
  const terms: string[] = [];
  let sum = 0;
  for (let i = 0; i < F; i++) for (let j = 0; j < F; j++) {
    const x = record.image[row + i][col + j]; const w = record.kernel[i][j];
    terms.push(`${x}·${w < 0 ? `(${w})` : w}`);
    sum += x * w;
  }
  return `out[${row}, ${col}] = ${terms.join(' + ')} = ${sum}`;
}

/**
 * The convolution by hand: the input with the 3×3 window of the chosen output cell, the kernel,
 * and the output map with that cell, numbers in every cell; a slider moves the window over every
 * output cell and writes the dot product under the panels.
 *
 * @example
 * nn.plot(nn.cnn.convByHandFigure(nn.cnn.convByHand({ row: 0, col: 0 })));
 */
export function convByHandFigure(record: ConvByHandRecord): Figure {
  checkRecord(record, 'cnnConvByHand');
  const { row, col } = record.cell;
  const F = record.kernel.length;
  const n = record.output.length;
  const fig = squareCells(subplotsFigure([
    gridPanel(`input ${record.image.length}×${record.image.length}`, record.image, { colorscale: SEQUENTIAL, zmin: 0, zmax: 12 }),
    gridPanel(`kernel ${F}×${F}`, record.kernel, { colorscale: DIVERGING, zmid: 0 }),
    gridPanel(`output ${n}×${n} (stride 1, no padding)`, record.output, { colorscale: DIVERGING, zmid: 0 }),
  ], { title: `Convolution by hand: output cell [${row}, ${col}] is the sum of the window × the kernel`, rows: 1, cols: 3, height: 380 }));
  const layout = fig.layout as Record<string, unknown> & { annotations: unknown[]; height: number; margin: Record<string, number> };
  const small = record.image.length > 8 ? 8 : 12;
  layout.annotations.push(...numbers(record.image, 1, small), ...numbers(record.kernel, 2), ...numbers(record.output, 3, small));
  const sumAt = layout.annotations.length;
  layout.annotations.push({ text: dotProductText(record), showarrow: false, xref: 'paper', yref: 'paper', x: 0.5, y: 0, yshift: -60, xanchor: 'center', yanchor: 'top', font: { size: 13 } });
  layout.shapes = [box(1, row, col, row + F - 1, col + F - 1), box(3, row, col, row, col)];
  const cells = Array.from({ length: n * n }, (_, k) => [Math.floor(k / n), k % n] as const);
  layout.sliders = [{
    active: row * n + col, x: 0.05, len: 0.9, y: 0, yanchor: 'top', pad: { t: 80 }, currentvalue: { prefix: 'output cell ', font: { size: 12 } }, font: { size: 10 },
    steps: cells.map(([r, c]) => ({
      label: `${r},${c}`, method: 'relayout',
      args: [{
        'shapes[0].x0': c - 0.5, 'shapes[0].x1': c + F - 0.5, 'shapes[0].y0': r - 0.5, 'shapes[0].y1': r + F - 0.5,
        'shapes[1].x0': c - 0.5, 'shapes[1].x1': c + 0.5, 'shapes[1].y0': r - 0.5, 'shapes[1].y1': r + 0.5,
        [`annotations[${sumAt}].text`]: dotProductText(record, r, c),
      }],
    })),
  }];
  layout.margin = { ...layout.margin, b: layout.margin.b + 160 };
  layout.height += 160;
  return fig;
}

/**
 * The variants of the example: stride 2 with zero padding 1 (3×3), the two output channels of
 * the 2-in / 2-out kernel, and the true convolution (the kernel flipped).
 *
 * @example
 * nn.plot(nn.cnn.convVariantsFigure(nn.cnn.convByHand()));
 */
export function convVariantsFigure(record: ConvByHandRecord): Figure {
  checkRecord(record, 'cnnConvByHand');
  const [strided, channels] = record.variants;
  const panels = [
    { title: `stride 2, padding 1: ${strided.size}×${strided.size}`, z: strided.output[0] },
    { title: '2 in → filter 0', z: channels.output[0] },
    { title: '2 in → filter 1', z: channels.output[1] },
    { title: 'true convolution (flipped)', z: record.flipped.convolution },
  ];
  const fig = squareCells(subplotsFigure(panels.map((p) => gridPanel(p.title, p.z, { colorscale: DIVERGING, zmid: 0 })),
    { title: 'The same image with stride and padding, two channels in and out, and the kernel flipped', rows: 1, cols: 4, height: 330 }));
  (fig.layout.annotations as unknown[]).push(...panels.flatMap((p, k) => numbers(p.z, k + 1, 10)));
  return fig;
}

/**
 * The steps of the chosen cell as table rows: window value × weight = product, running sum.
 *
 * @example
 * nn.table(nn.cnn.byHandSteps(nn.cnn.convByHand()));   // step, row, col, x, w, x·w, running sum
 */
export function byHandSteps(record: ConvByHandRecord): Record<string, number>[] {
  checkRecord(record, 'cnnConvByHand');
  return record.cell.steps.map((s, k) => ({ step: k + 1, row: record.cell.row + s.i, col: record.cell.col + s.j, x: s.x, w: s.w, 'x·w': s.product, 'running sum': s.sum }));
}

/**
 * The by-hand record in a few lines (the CLI's text).
 *
 * @example
 * console.log(nn.cnn.convByHandText(nn.cnn.convByHand()));
 */
export function convByHandText(record: ConvByHandRecord): string {
  checkRecord(record, 'cnnConvByHand');
  const grid = (g: Grid) => g.map((r) => r.map((v) => String(v).padStart(4)).join('')).join('\n');
  return [`image ${record.image.length}×${record.image.length} (seed ${record.options.seed}):`, grid(record.image), 'kernel:', grid(record.kernel),
    tableText(toTable(byHandSteps(record)), { title: `output cell [${record.cell.row}, ${record.cell.col}] step by step` }),
    dotProductText(record), 'output (stride 1, no padding):', grid(record.output),
    `max |loops − tf.conv2d| = ${record.tfjs.maxAbsDiff}`,
    ...record.variants.map((v) => `${v.name}: ${v.size}×${v.size}×${v.output.length}, max |loops − tf.conv2d| = ${v.tfjsMaxAbsDiff}`),
    `true convolution (kernel flipped) vs cross-correlation with flipKernel64(w): max diff ${record.flipped.maxAbsDiffFlipKernel}; vs tf.conv2d: ${record.flipped.maxAbsDiffTfjs}`,
  ].join('\n');
}

/**
 * Shows the by-hand figure, the steps table and the variants.
 *
 * @example
 * nn.cnn.showConvByHand(nn.cnn.convByHand());
 */
export function showConvByHand(record: ConvByHandRecord): void {
  showFigure(convByHandFigure(record));
  showTable(byHandSteps(record), { title: `${dotProductText(record)}; tf.conv2d gives ${record.tfjs.output[record.cell.row][record.cell.col]} (max |diff| over the map ${record.tfjs.maxAbsDiff})` });
}

/**
 * Shows the stride/padding, channels and flipped-kernel variants.
 *
 * @example
 * nn.cnn.showConvVariants(nn.cnn.convByHand());
 */
export function showConvVariants(record: ConvByHandRecord): void {
  showFigure(convVariantsFigure(record));
}

// ============================================================================ filters

/**
 * The image and its five filtered versions in one grid (grey: intensity; red/blue: the sign of an
 * edge filter's response).
 *
 * @example
 * nn.plot(nn.cnn.classicFiltersFigure(await nn.cnn.classicFilters()));
 */
export function classicFiltersFigure(record: ClassicFiltersRecord): Figure {
  checkRecord(record, 'cnnClassicFilters');
  const grey = GREYS;
  const panels = [gridPanel(`original (${record.label})`, record.image, { colorscale: grey, zmin: 0, zmax: 1, ticks: false }),
    ...record.filtered.filter((f) => f.name !== 'identity').map((f) => (f.name.startsWith('sobel')
      ? gridPanel(`${f.label}: ${f.name === 'sobelX' ? 'vertical' : 'horizontal'} edges`, f.output, { colorscale: DIVERGING, zmin: -interiorRange(f.output), zmax: interiorRange(f.output), ticks: false })
      : gridPanel(f.label, f.output, { colorscale: grey, zmin: 0, zmax: 1, ticks: false })))];
  return squareCells(subplotsFigure(panels, { title: `Classic 3×3 filters on a ${record.options.dataset} test image (#${record.options.index}, grayscale, padding 1)`, rows: 1, cols: 5, height: 260 }));
}

/**
 * Shows the filtered images and the kernels.
 *
 * @example
 * nn.cnn.showClassicFilters(await nn.cnn.classicFilters());
 */
export function showClassicFilters(record: ClassicFiltersRecord): void {
  showFigure(classicFiltersFigure(record));
  showTable(record.filtered.map((f) => ({ filter: f.label, kernel: f.kernel.map((r) => r.map(fmt).join(' ')).join(' / '), 'what it does': f.does, 'max |loops − tf.conv2d|': f.tfjsMaxAbsDiff })),
    { title: 'The kernels (rows separated by /)' });
}

// ============================================================================ sizes

/** The worked examples as table rows. */
export function sizeRows(record: ConvSizesRecord): Record<string, string | number>[] {
  checkRecord(record, 'cnnConvSizes');
  return record.examples.map((e) => ({
    input: `${e.W}×${e.W}×${e.C}`, 'F, S, P': `${e.F}, ${e.S}, ${e.P}`, '(W − F + 2P)/S + 1': `(${e.W} − ${e.F} + ${2 * e.P})/${e.S} + 1 = ${(e.W - e.F + 2 * e.P) / e.S + 1}`,
    size: e.size, 'stride fits': e.exact ? 'yes' : `no: ${e.dropped} row dropped`, 'tf.conv2d (P zeros)': e.tfjs.explicit.join('×'),
    "'valid'": e.tfjs.valid.join('×'), "'same'": `${e.tfjs.same.join('×')} (zeros ${e.tfjs.samePadding[0]} + ${e.tfjs.samePadding[1]})`, params: e.params,
  }));
}

/** A layer table with the tf.layers numbers beside it. */
export function layerRows(table: LayerTable, check?: ConvSizesRecord['check']): Record<string, string | number>[] {
  return table.rows.map((r, i) => ({
    layer: r.layer, output: r.output.join('×'), params: r.params, ...(check ? { 'tf.layers output': check.rows[i].output.join('×'), 'tf.layers params': check.rows[i].params } : {}), how: r.note,
  }));
}

/**
 * The sizes record as text (the CLI's --net output and a notebook's plain view).
 *
 * @example
 * console.log(nn.cnn.convSizesText(nn.cnn.convSizes()));
 */
export function convSizesText(record: ConvSizesRecord): string {
  checkRecord(record, 'cnnConvSizes');
  return [tableText(toTable(sizeRows(record)), { title: 'Output size ⌊(W − F + 2P)/S⌋ + 1' }),
    tableText(toTable(layerRows(record.table, record.check)), { title: `Per layer: ${record.table.spec}` }),
    `total ${record.table.total.toLocaleString('en-US')} parameters (${record.table.trainable.toLocaleString('en-US')} trainable); tf.layers countParams() ${record.check.total.toLocaleString('en-US')} (${record.check.trainable.toLocaleString('en-US')} trainable): ${record.check.equal ? 'equal' : 'DIFFERENT'}`,
  ].join('\n\n');
}

/** One axis of a padded input: where each window sits, the zeros, and the rows no window covers. */
function windowsPanel(title: string, W: number, F: number, S: number, before: number, after: number, size: number): Figure {
  const length = W + before + after;
  const x: (number | null)[] = []; const y: (number | null)[] = [];
  for (let k = 0; k < size; k++) x.push(k * S - 0.4, k * S + F - 1 + 0.4, null), y.push(k, k, null);
  const covered = (size - 1) * S + F;
  const zeros = [...Array.from({ length: before }, (_, i) => i), ...Array.from({ length: after }, (_, i) => W + before + i)];
  const missed = Array.from({ length: length - covered }, (_, i) => covered + i);
  const data: Trace[] = [
    { type: 'scatter', mode: 'lines', name: `window (F = ${F})`, x, y, line: { color: SERIES_COLOURS[0], width: 5 } },
    { type: 'scatter', mode: 'markers', name: 'zero padding', x: zeros, y: zeros.map(() => -1), marker: { color: REFERENCE_COLOUR, size: 9, symbol: 'square' } },
  ];
  if (missed.length) data.push({ type: 'scatter', mode: 'markers', name: 'never covered (dropped)', x: missed, y: missed.map(() => -1), marker: { color: HIGHLIGHT, size: 11, symbol: 'x' } });
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { title: { text: `row of the padded input (0 … ${length - 1})` }, range: [-1, length], zeroline: false },
      yaxis: { title: { text: 'output row (window)' }, range: [size - 0.4, -1.6], zeroline: false, tickvals: Array.from({ length: Math.ceil(size / 2) }, (_, i) => 2 * i) },
    },
  };
}

/**
 * Where the stride does not fit (28×28, F = 5, S = 2, P = 1 by default): the 13 window positions
 * along one axis of the padded input and its last row that no window covers, next to tfjs's
 * 'same' padding of the same layer (zeros 1 before and 2 after: 14 windows, nothing dropped).
 *
 * @example
 * nn.plot(nn.cnn.strideFitFigure(nn.cnn.convSizes()));
 */
export function strideFitFigure(record: ConvSizesRecord, example = 2): Figure {
  checkRecord(record, 'cnnConvSizes');
  const e = record.examples[example];
  if (!e) throw new ArgumentError('example', example, `an index in [0, ${record.examples.length - 1}] of record.examples`);
  const [before, after] = e.tfjs.samePadding;
  return subplotsFigure([
    windowsPanel(`P = ${e.P} on each side: ${e.size} windows${e.exact ? '' : `, ${e.dropped} row dropped`}`, e.W, e.F, e.S, e.P, e.P, e.size),
    windowsPanel(`tfjs 'same': zeros ${before} before, ${after} after: ${e.tfjs.same[0]} windows`, e.W, e.F, e.S, before, after, e.tfjs.same[0]),
  ], { title: `W = ${e.W}, F = ${e.F}, S = ${e.S}: (W − F + 2P)/S = ${(e.W - e.F + 2 * e.P) / e.S}${e.exact ? ' fits' : ' does not fit'}`, rows: 1, cols: 2, height: 420, shareY: false });
}

/**
 * Shows the worked examples, the per-layer table next to tf.layers, and dense vs conv.
 *
 * @example
 * nn.cnn.showConvSizes(nn.cnn.convSizes());
 */
export function showConvSizes(record: ConvSizesRecord): void {
  checkRecord(record, 'cnnConvSizes');
  showTable(sizeRows(record), { title: 'Output size ⌊(W − F + 2P)/S⌋ + 1, and what tf.conv2d gives' });
  const misfit = record.examples.findIndex((e) => !e.exact);
  if (misfit >= 0) showFigure(strideFitFigure(record, misfit));
  showTable(layerRows(record.table, record.check), {
    title: `Per layer, ${record.table.input.H}×${record.table.input.W}×${record.table.input.C} input: ${record.table.total.toLocaleString('en-US')} parameters (${record.table.trainable.toLocaleString('en-US')} trainable); tf.layers: ${record.check.total.toLocaleString('en-US')} — ${record.check.equal ? 'every row equal' : 'DIFFERENT'}`,
  });
  const d = record.denseVsConv;
  showTable([
    { layer: 'conv: ten 5×5×3 filters, P 2', output: '32×32×10', params: d.convParams, 'weights per output unit': d.convUnitWeights, 'sees': 'a 5×5×3 patch' },
    { layer: 'dense: 3072 → 10,240', output: '10,240', params: d.denseParams, 'weights per output unit': d.denseUnitWeights, 'sees': 'the whole image' },
  ], { title: `Local connectivity and weight sharing: the dense layer has ${Math.round(d.ratio).toLocaleString('en-US')}× the parameters` });
}

// ============================================================================ pooling

/**
 * The 4×4 example with its four 2×2 windows (the max of each boxed), the max-pooled and the
 * average-pooled 2×2.
 *
 * @example
 * nn.plot(nn.cnn.poolingFigure(await nn.cnn.pooling()));
 */
export function poolingFigure(record: PoolingRecord): Figure {
  checkRecord(record, 'cnnPooling');
  const fig = squareCells(subplotsFigure([
    gridPanel('input 4×4, four 2×2 windows', record.example, { colorscale: SEQUENTIAL, zmin: 0, zmax: 9 }),
    gridPanel('max pool 2×2, stride 2', record.max, { colorscale: SEQUENTIAL, zmin: 0, zmax: 9 }),
    gridPanel('average pool 2×2, stride 2', record.avg, { colorscale: SEQUENTIAL, zmin: 0, zmax: 9 }),
  ], { title: 'Pooling: each 2×2 window becomes one number (no parameters)', rows: 1, cols: 3, height: 330 }));
  const layout = fig.layout as Record<string, unknown> & { annotations: unknown[] };
  layout.annotations.push(...numbers(record.example, 1), ...numbers(record.max, 2), ...numbers(record.avg, 3));
  const windows = [0, 2].flatMap((r) => [0, 2].map((c) => box(1, r, c, r + 1, c + 1, REFERENCE_COLOUR)));
  const maxima = record.argmax.flat().map(([r, c]) => box(1, r, c, r, c));
  layout.shapes = [...windows, ...maxima];
  return fig;
}

/**
 * The Sobel maps of a real image before and after 2×2 max and average pooling.
 *
 * @example
 * nn.plot(nn.cnn.poolingMapsFigure(await nn.cnn.pooling()));
 */
export function poolingMapsFigure(record: PoolingRecord): Figure {
  checkRecord(record, 'cnnPooling');
  const panels = record.maps.flatMap((m) => {
    const n = m.before.length;
    const range = { colorscale: DIVERGING, zmin: -interiorRange(m.before), zmax: interiorRange(m.before), ticks: false };
    return [
      gridPanel(`${m.label} ${n}×${n}`, m.before, range),
      gridPanel(`max pooled ${n / 2}×${n / 2}`, m.max, range),
      gridPanel(`average pooled ${n / 2}×${n / 2}`, m.avg, range),
    ];
  });
  return squareCells(subplotsFigure(panels, { title: `Pooling real feature maps (${record.label}): half the size; max keeps the strongest positive response`, rows: 2, cols: 3, height: 560 }));
}

/**
 * Shows the 4×4 example, the real maps, and the parameter counts.
 *
 * @example
 * nn.cnn.showPooling(await nn.cnn.pooling());
 */
export function showPooling(record: PoolingRecord): void {
  showFigure(poolingFigure(record));
  showFigure(poolingMapsFigure(record));
  showTable([
    { layer: 'tf.layers.maxPooling2d({ poolSize: 2 })', 'countParams()': record.params.maxPooling2d },
    { layer: 'tf.layers.averagePooling2d({ poolSize: 2 })', 'countParams()': record.params.averagePooling2d },
    { layer: 'tf.layers.conv2d({ filters: 1, kernelSize: 3 }) on 1 channel', 'countParams()': record.params.conv3x3 },
  ], { title: 'Pooling has no parameters' });
}

// ============================================================================ receptive field

/**
 * Left: the receptive field per layer, computed by the recurrence (line) and measured by the
 * gradient (markers). Right: the gradient of the centre unit of the last layer on the input,
 * the field boxed.
 *
 * @example
 * nn.plot(nn.cnn.receptiveFieldFigure(nn.cnn.receptiveField()));
 */
export function receptiveFieldFigure(record: ReceptiveFieldRecord): Figure {
  checkRecord(record, 'cnnReceptiveField');
  const x = record.rows.map((r, i) => `${i + 1}: ${r.layer}`);
  const growth: Figure = {
    data: [
      { type: 'scatter', mode: 'lines', name: 'computed: r ← r + (F − 1)·j', x, y: record.rows.map((r) => r.r), line: { color: SERIES_COLOURS[0], width: 2 } },
      { type: 'scatter', mode: 'markers', name: 'measured: side of the nonzero gradient', x, y: record.rows.map((r) => r.measured.width), marker: { color: SERIES_COLOURS[1], size: 10, symbol: 'circle-open', line: { width: 2 } } },
    ],
    layout: { title: { text: 'Field side per layer' }, xaxis: { title: { text: 'layer' }, type: 'category' }, yaxis: { title: { text: 'receptive field (input pixels per side)' }, rangemode: 'tozero' } },
  };
  const last = record.rows[record.rows.length - 1];
  const map = gridPanel(`gradient of one unit after layer ${record.rows.length} (${last.r}×${last.r})`, record.map.values, { colorscale: FIELD, zmin: 0, zmax: 1, ticks: false });
  const fig = squareCells(subplotsFigure([growth, map], { title: `Receptive field of ${record.options.layers}`, rows: 1, cols: 2, height: 420 }));
  fig.layout.shapes = [box(2, record.map.rows[0], record.map.cols[0], record.map.rows[1], record.map.cols[1])];
  return fig;
}

/**
 * The receptive-field rows as a table.
 *
 * @example
 * nn.table(nn.cnn.receptiveFieldRows(nn.cnn.receptiveField()));
 */
export function receptiveFieldRows(record: ReceptiveFieldRecord): Record<string, string | number>[] {
  checkRecord(record, 'cnnReceptiveField');
  return record.rows.map((r, i) => ({
    depth: i + 1, layer: r.layer, 'jump j': r.jump, 'r (computed)': r.r, 'measured side': `${r.measured.height}×${r.measured.width}`,
    'nonzero pixels': r.measured.count, 'r²': r.r * r.r, 'with max pooling': r.measured.countMaxPool,
  }));
}

/**
 * The receptive field in a few lines (the CLI's text).
 *
 * @example
 * console.log(nn.cnn.receptiveFieldText(nn.cnn.receptiveField({ layers: 'conv3,conv3' })));
 */
export function receptiveFieldText(record: ReceptiveFieldRecord): string {
  return `${tableText(toTable(receptiveFieldRows(record)), { title: `Receptive field of ${record.options.layers}` })}\ncomputed == measured at every depth: ${record.agree}`;
}

/**
 * Shows the growth figure and the per-layer table.
 *
 * @example
 * nn.cnn.showReceptiveField(nn.cnn.receptiveField());
 */
export function showReceptiveField(record: ReceptiveFieldRecord): void {
  showFigure(receptiveFieldFigure(record));
  showTable(receptiveFieldRows(record), { title: `computed r vs the gradient measurement: ${record.agree ? 'equal at every depth' : 'DIFFERENT'} ("with max pooling": the pixels a random input's max routes the gradient to)` });
}
