import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  barFigure, colourBySeriesName, divergedMarkers, figureText, heatmapFigure, histogramFigure, lineFigure, readableAxes, referenceLine,
  scatterFigure, subplotsFigure,
} from '../src/show/figure';
import { MIN_WIDTH_PX, panelRoom, textWidth, wrapCategoryTicks, wrapLines } from '../src/show/grid';

const labels = { title: 'Loss', xTitle: 'epoch', yTitle: 'loss' };

test('lineFigure sets the title and both axis labels and keeps the numbers', () => {
  const fig = lineFigure({ ...labels, series: [{ name: 'train', y: [3, 2, 1] }, { name: 'val', x: [1, 2, 3], y: [4, 3, 2.5] }] });
  assert.deepEqual(fig.layout.title, { text: 'Loss' });
  assert.deepEqual(fig.layout.xaxis, { title: { text: 'epoch' }, dtick: 1 }, 'whole-number x over a short span: whole-number ticks');
  assert.deepEqual(fig.layout.yaxis, { title: { text: 'loss' } });
  assert.deepEqual(fig.data[0], { type: 'scatter', mode: 'lines+markers', name: 'train', x: [0, 1, 2], y: [3, 2, 1] });
  assert.deepEqual(fig.data[1].x, [1, 2, 3]);
  const fractional = lineFigure({ ...labels, series: [{ name: 'train', x: [0, 0.5, 1], y: [3, 2, 1] }] });
  assert.deepEqual(fractional.layout.xaxis, { title: { text: 'epoch' } });
  const long = lineFigure({ ...labels, series: [{ name: 'train', y: Array.from({ length: 12 }, (_, i) => i) }] });
  assert.deepEqual(long.layout.xaxis, { title: { text: 'epoch' } });
});

test('lineFigure draws NaN (a diverged run) as a gap, and a log axis on request, labelled 1e-8 (not SI), 1-2-5 within two decades', () => {
  const fig = lineFigure({ ...labels, yScale: 'log', series: [{ name: 'lr 1e6', y: [2.3, NaN, NaN] }] });
  assert.deepEqual(fig.data[0].y, [2.3, null, null]);
  assert.deepEqual(fig.layout.yaxis, { title: { text: 'loss' }, type: 'log', exponentformat: 'e', dtick: 'D2', minorloglabels: 'complete' });
  const wide = lineFigure({ ...labels, yScale: 'log', series: [{ name: 'small init', y: [1e-1, 1e-5, 1e-9] }] });
  assert.deepEqual(wide.layout.yaxis, { title: { text: 'loss' }, type: 'log', exponentformat: 'e' });
  // a figure built by hand gets plain exponents when it is drawn
  const hand = readableAxes({ data: [], layout: { yaxis3: { type: 'log' }, xaxis: { type: 'log', exponentformat: 'power' } } });
  assert.deepEqual(hand.layout, { yaxis3: { type: 'log', exponentformat: 'e' }, xaxis: { type: 'log', exponentformat: 'power' } });
});

test('referenceLine is a dashed, named, grey line; divergedMarkers marks every NaN or infinite value, and nothing when none diverged', () => {
  assert.deepEqual(referenceLine('chance, ln 3', 0, 30, Math.log(3)), {
    type: 'scatter', mode: 'lines', name: 'chance, ln 3', x: [0, 30], y: [Math.log(3), Math.log(3)],
    line: { dash: 'dash', width: 1.5, color: '#7f7f7f' }, hoverinfo: 'name+y',
  });
  assert.throws(() => referenceLine('', 0, 1, 0), { message: 'referenceLine.name must be a non-empty string (the legend names every line), got ""' });
  assert.throws(() => referenceLine('x', 0, 1, NaN), { message: 'referenceLine.y must be a finite number, got NaN' });
  const d = divergedMarkers([0.01, 0.1, 1, 3], [0.9, 0.4, NaN, Infinity], 5)!;
  assert.deepEqual([d.name, d.x, d.y, d.text], ['diverged', [1, 3], [5, 5], ['diverged', 'diverged']]);
  assert.equal((d.marker as { symbol: string }).symbol, 'x');
  assert.equal(divergedMarkers([1, 2], [0.5, null], 0)!.x instanceof Array, true);
  assert.equal(divergedMarkers([1, 2], [0.5, 0.4], 0), null);
});

test('label sizes: text widths grow with the text, long titles wrap at spaces, category labels wrap to their slot', () => {
  assert.ok(textWidth('layer 10', 12) > textWidth('layer 1', 12));
  assert.ok(textWidth('WWW', 12) > textWidth('iii', 12));
  assert.equal(textWidth('<b>ab</b>', 12), textWidth('ab', 12), 'tags take no room');
  const lines = wrapLines('(b) vanilla, scaling forgotten · z2: right after dropout 1 (affine in the mask)', 200, 13);
  assert.ok(lines.length > 1 && lines.every((l) => textWidth(l, 13) <= 200), JSON.stringify(lines));
  assert.equal(lines.join(' '), '(b) vanilla, scaling forgotten · z2: right after dropout 1 (affine in the mask)');
  const axis = wrapCategoryTicks({}, ['test mode', 'training mode, one-class batches'], 200);
  assert.deepEqual(axis.tickvals, ['test mode', 'training mode, one-class batches']);
  assert.equal(axis.tickangle, 0);
  assert.ok((axis.ticktext as string[])[1].includes('<br>'));
  assert.deepEqual(wrapCategoryTicks({}, ['a', 'b'], 200), {}, 'short labels stay as they are');
  // a panel with a y title and wide tick labels needs more room on its left than one without
  const wide = panelRoom({}, { title: { text: 'count' } }, [{ y: [0, 120000] }], 1);
  const bare = panelRoom({}, { showticklabels: false }, [{ y: [0, 1] }], 1);
  assert.ok(wide.left > bare.left + 40, `${wide.left} vs ${bare.left}`);
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

test('subplotsFigure leaves room for every label: the gap between columns holds the next panel\'s y labels, rows keep their titles clear, the legend sits above the panels', () => {
  const panel = (title: string, yTitle: string, y: number[]) => lineFigure({ title, xTitle: 'test-time value', yTitle,
    series: [{ name: 'Monte Carlo', y }, { name: 'exact', y }] });
  const long = '(b) vanilla, scaling forgotten · z2: right after dropout 1 (affine in the mask)';
  const fig = subplotsFigure([panel(long, 'mean(train) − test', [0, 120000]), panel(long, 'mean(train) − test', [0, 1]),
    panel('c', 'y', [0, 1]), panel('d', 'y', [0, 1])], { title: 'Gaps', rows: 2, cols: 2 });
  const L = fig.layout as Record<string, any>;
  const plotW = MIN_WIDTH_PX - L.margin.l - L.margin.r;
  const gapPx = (L.xaxis2.domain[0] - L.xaxis.domain[1]) * plotW;
  const room = panelRoom(L.yaxis2, L.yaxis2, [{ y: [0, 120000] }], 0).left;
  assert.ok(gapPx >= room, `gap ${gapPx} px < the ${room} px the y labels of panel 2 need`);
  // a long subplot title wraps to its panel's width, and the rows are far enough apart to hold it
  const title = L.annotations[0].text as string;
  assert.ok(title.includes('<br>'), title);
  const lines = title.split('<br>').length;
  const plotH = L.height - L.margin.t - L.margin.b;
  assert.ok((L.yaxis.domain[0] - L.yaxis3.domain[1]) * plotH >= lines * 17, 'row 2 leaves room for row 1\'s x labels and its own titles');
  // one legend entry per name, above the panels
  assert.deepEqual(fig.data.filter((t) => t.showlegend).map((t) => t.name), ['Monte Carlo', 'exact']);
  assert.equal(L.legend.orientation, 'h');
  assert.ok(L.legend.y * L.height > L.height - L.margin.t, 'the legend is in the top margin');
  // shared y: one range, tick labels and title on the first column only
  const shared = subplotsFigure([panel('a', 'count', [0, 5]), panel('b', 'count', [0, 9])], { title: 'Shared', rows: 1, cols: 2, shareY: true });
  assert.deepEqual([shared.layout.yaxis2 as object], [{ ...(shared.layout.yaxis2 as object), matches: 'y', showticklabels: false, title: { text: '' } }]);
  assert.throws(() => subplotsFigure([a0()], { title: 'x', rows: 1, cols: 1, height: 20 }), { message: 'subplotsFigure.height must be a number of pixels >= 100, got 20' });
});

function a0() {
  return lineFigure({ title: 'a', xTitle: 'x', yTitle: 'y', series: [{ name: 's', y: [1] }] });
}

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
