import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barFigure, colourBySeriesName, figureText, heatmapFigure, histogramFigure, lineFigure, scatterFigure, subplotsFigure } from '../src/show/figure';

const labels = { title: 'Loss', xTitle: 'epoch', yTitle: 'loss' };

test('lineFigure sets the title and both axis labels and keeps the numbers', () => {
  const fig = lineFigure({ ...labels, series: [{ name: 'train', y: [3, 2, 1] }, { name: 'val', x: [1, 2, 3], y: [4, 3, 2.5] }] });
  assert.deepEqual(fig.layout.title, { text: 'Loss' });
  assert.deepEqual(fig.layout.xaxis, { title: { text: 'epoch' } });
  assert.deepEqual(fig.layout.yaxis, { title: { text: 'loss' } });
  assert.deepEqual(fig.data[0], { type: 'scatter', mode: 'lines+markers', name: 'train', x: [0, 1, 2], y: [3, 2, 1] });
  assert.deepEqual(fig.data[1].x, [1, 2, 3]);
});

test('lineFigure draws NaN (a diverged run) as a gap, and a log axis on request', () => {
  const fig = lineFigure({ ...labels, yScale: 'log', series: [{ name: 'lr 1e6', y: [2.3, NaN, NaN] }] });
  assert.deepEqual(fig.data[0].y, [2.3, null, null]);
  assert.equal((fig.layout.yaxis as { type: string }).type, 'log');
});

test('every builder refuses a figure without a title or axis label', () => {
  assert.throws(() => lineFigure({ ...labels, title: '', series: [{ name: 'a', y: [1] }] }),
    { message: 'lineFigure.title must be a non-empty string (every figure is labelled), got ""' });
  assert.throws(() => scatterFigure({ ...labels, xTitle: ' ', series: [{ name: 'a', x: [1], y: [1] }] }), /scatterFigure.xTitle/);
  assert.throws(() => barFigure({ ...labels, yTitle: undefined as never, series: [{ name: 'a', x: ['a'], y: [1] }] }), /barFigure.yTitle/);
});

test('builders name the bad element of a series', () => {
  assert.throws(() => scatterFigure({ ...labels, series: [{ name: 'a', x: [1, 2], y: [1, Infinity] }] }),
    { message: 'scatterFigure.series[0].y[1] must be a finite number, got Infinity' });
  assert.throws(() => lineFigure({ ...labels, series: [{ name: 'a', x: [1], y: [1, 2] }] }),
    { message: 'lineFigure.series[0].x.length must be equal to y.length (2), got 1' });
  assert.throws(() => lineFigure({ ...labels, series: [] }), { message: 'lineFigure.series must be a non-empty array of series, got []' });
});

test('histogramFigure draws precomputed bins as bars at the bin centres with the bin widths', () => {
  const fig = histogramFigure({ ...labels, series: [{ name: 'layer 1', edges: [-1, 0, 0.5, 1], counts: [5, 3, 2] }] });
  assert.deepEqual(fig.data[0], { type: 'bar', name: 'layer 1', x: [-0.5, 0.25, 0.75], y: [5, 3, 2], width: [1, 0.5, 0.5], opacity: 0.75 });
  assert.throws(() => histogramFigure({ ...labels, series: [{ name: 'h', edges: [0, 1], counts: [1, 2] }] }),
    { message: 'histogramFigure.series[0].edges.length must be counts.length + 1 (3), got 2' });
  const raw = histogramFigure({ ...labels, bins: 10, series: [{ name: 'raw', values: [1, 2, 3] }] });
  assert.deepEqual([raw.data[0].type, raw.data[0].nbinsx], ['histogram', 10]);
});

test('heatmapFigure checks that rows have one length', () => {
  const fig = heatmapFigure({ ...labels, z: [[1, 2], [3, 4]], x: ['a', 'b'], y: [0, 1] });
  assert.deepEqual(fig.data[0].z, [[1, 2], [3, 4]]);
  assert.throws(() => heatmapFigure({ ...labels, z: [[1, 2], [3]] }), { message: 'heatmapFigure.z[1].length must be 2 (the length of row 0), got 1' });
});

test('subplotsFigure puts figure k in its own axes, with non-overlapping domains and its title as a heading', () => {
  const a = lineFigure({ title: 'mean', xTitle: 'layer', yTitle: 'mean', series: [{ name: 'tanh', y: [1, 2] }] });
  const b = lineFigure({ title: 'std', xTitle: 'layer', yTitle: 'std', series: [{ name: 'tanh', y: [3, 4] }] });
  const c = barFigure({ title: 'dead', xTitle: 'layer', yTitle: 'fraction', series: [{ name: 'relu', x: [1, 2], y: [0.1, 0.2] }] });
  const fig = subplotsFigure([a, b, c], { title: 'Statistics', rows: 2, cols: 2 });
  assert.deepEqual(fig.data.map((t) => [t.xaxis, t.yaxis]), [['x', 'y'], ['x2', 'y2'], ['x3', 'y3']]);
  const dom = (k: string) => (fig.layout[k] as { domain: number[] }).domain;
  assert.ok(dom('xaxis')[1] < dom('xaxis2')[0], 'columns overlap');
  assert.ok(dom('yaxis3')[1] < dom('yaxis')[0], 'rows overlap');
  assert.deepEqual((fig.layout.xaxis2 as { title: unknown }).title, { text: 'layer' });
  assert.deepEqual((fig.layout.annotations as { text: string }[]).map((x) => x.text), ['mean', 'std', 'dead']);
  assert.throws(() => subplotsFigure([a, b, c], { title: 'x', rows: 1, cols: 2 }),
    { message: 'subplotsFigure.figures.length must be an integer in [1, 2] (rows x cols), got 3' });
});

test('subplotsFigure draws one series name in one colour in every panel, keeping colours set by the caller', () => {
  const panel = (title: string, names: string[]) => lineFigure({ title, xTitle: 'layer', yTitle: 'std',
    series: names.map((name) => ({ name, y: [1, 2] })) });
  const fig = subplotsFigure([panel('tanh', ['small', 'he']), panel('relu', ['small', 'he'])], { title: 'Std by init', rows: 1, cols: 2 });
  const colours = fig.data.map((t) => [t.name, t.xaxis, (t.line as { color: string }).color, (t.marker as { color: string }).color]);
  assert.deepEqual(colours, [
    ['small', 'x', '#1f77b4', '#1f77b4'], ['he', 'x', '#ff7f0e', '#ff7f0e'],
    ['small', 'x2', '#1f77b4', '#1f77b4'], ['he', 'x2', '#ff7f0e', '#ff7f0e'],
  ]);
  assert.deepEqual(colourBySeriesName([{ type: 'scatter', name: 'target', line: { color: 'gray' } }, { type: 'bar', name: 'he' },
    { type: 'heatmap', name: 'w' }, { type: 'scatter' }]),
  [{ type: 'scatter', name: 'target', line: { color: 'gray' } }, { type: 'bar', name: 'he', marker: { color: '#1f77b4' } },
    { type: 'heatmap', name: 'w' }, { type: 'scatter' }]);
});

test('figureText describes a figure in one line', () => {
  const fig = lineFigure({ ...labels, series: [{ name: 'train', y: [3, 2, 1] }] });
  assert.equal(figureText(fig), '[figure] Loss: train (3 points)');
});
