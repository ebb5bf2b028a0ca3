/**
 * The static twin of a figure (show/staticRender, show/static): plotly.js drawing in jsdom, with
 * text measured from DejaVu Sans's widths and a canvas that encodes PNGs. These tests read the SVG
 * itself; test/static-figures.test.ts compares every lesson figure with plotly in Chromium.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'zlib';
import { barFigure, heatmapFigure, histogramFigure, lineFigure, subplotsFigure } from '../src/show/figure';
import { parseCssColour, parseTransform, pathPoints, renderSvg } from '../src/show/staticRender';
import { staticSvg, svgDataUri } from '../src/show/static';
import { fontTextWidth } from '../src/show/textMetrics';

/** The texts of an SVG, in document order. */
function texts(svg: string): string[] {
  return Array.from(svg.matchAll(/<text[^>]*>(.*?)<\/text>/g), (m) => m[1].replace(/<[^>]+>/g, ''));
}

const loss = lineFigure({ title: 'Loss per epoch', xTitle: 'epoch', yTitle: 'loss',
  series: [{ name: 'train', y: [2.3, 1.1, 0.6, 0.4] }, { name: 'val', y: [2.4, 1.3, 0.9, 0.8] }] });

test('a line figure drawn without a browser has its title, axis titles, tick labels, legend and one path per series', async () => {
  const svg = await renderSvg(loss);
  assert.match(svg, /^<svg class="main-svg" [^>]*width="960" height="360"/);
  const t = texts(svg);
  for (const label of ['Loss per epoch', 'epoch', 'loss', 'train', 'val', '0', '1', '2', '3']) assert.ok(t.includes(label), `"${label}" in ${JSON.stringify(t)}`);
  // y ticks as plotly labels them (0.5 steps), with its minus sign convention irrelevant here
  assert.ok(t.includes('0.5') && t.includes('1.5'), `y tick labels in ${JSON.stringify(t)}`);
  const lines = Array.from(svg.matchAll(/<path class="js-line"[^>]* d="([^"]+)"/g), (m) => m[1]).filter((d) => !d.startsWith('M5,0h30'));
  assert.equal(lines.length, 2, 'one line per series (besides the legend\'s samples)');
  assert.equal(lines[0].split('L').length, 4, 'four points');
  // the series keep plotly's colours
  assert.match(svg, /stroke: rgb\(31, 119, 180\)/);
  assert.match(svg, /stroke: rgb\(255, 127, 14\)/);
});

test('the same figure gives the same SVG every time (plotly\'s random ids are seeded by the figure)', async () => {
  const a = await renderSvg(loss);
  const b = await renderSvg(loss);
  assert.equal(a, b);
  const other = await renderSvg(lineFigure({ title: 'Loss per epoch', xTitle: 'epoch', yTitle: 'loss', series: [{ name: 'train', y: [2.3, 1.0] }] }));
  assert.notEqual(a, other);
});

test('a heatmap is drawn through the canvas into a PNG with the colours of its cells', async () => {
  const fig = heatmapFigure({ title: 'Two cells', xTitle: 'x', yTitle: 'y', z: [[0, 1]], colorscale: 'Greys' });
  const svg = await renderSvg(fig);
  const href = /<image [^>]*xlink:href="data:image\/png;base64,([^"]+)"/.exec(svg);
  assert.ok(href, 'the heatmap is an embedded PNG');
  const png = Buffer.from(href[1], 'base64');
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  assert.equal(png[25], 6, 'RGBA');
  // decode the one IDAT (filter 0 rows) and read the two cells: plotly's 'Greys' goes black -> white
  const idat = png.indexOf('IDAT');
  const raw = zlib.inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
  const pixel = (x: number, y: number) => Array.from(raw.subarray(y * (width * 4 + 1) + 1 + x * 4, y * (width * 4 + 1) + 1 + x * 4 + 4));
  const left = pixel(0, Math.floor(height / 2));
  const right = pixel(width - 1, Math.floor(height / 2));
  assert.deepEqual([width, height], [2, 1], 'one pixel per cell');
  assert.deepEqual(left, [0, 0, 0, 255], `z = 0 is black, got ${left}`);
  assert.deepEqual(right, [255, 255, 255, 255], `z = 1 is white, got ${right}`);
});

test('histograms, bars and subplots render with every panel\'s labels', async () => {
  const hist = histogramFigure({ title: 'Weights', xTitle: 'w', yTitle: 'count', bins: 10, series: [{ name: 'he', values: [0.1, 0.2, 0.2, 0.5, 0.9, -0.3] }] });
  const bars = barFigure({ title: 'Accuracy', xTitle: 'init', yTitle: 'accuracy', series: [{ name: 'tanh', x: ['small', 'xavier'], y: [0.1, 0.9] }] });
  const svg = await renderSvg(subplotsFigure([hist, bars], { title: 'Two panels', rows: 1, cols: 2 }));
  const t = texts(svg);
  for (const label of ['Two panels', 'Weights', 'Accuracy', 'w', 'init', 'small', 'xavier']) assert.ok(t.includes(label), `"${label}" in ${JSON.stringify(t)}`);
  assert.ok((svg.match(/class="point"/g) ?? []).length >= 3, 'bars are drawn');
});

test('text is measured in DejaVu Sans\'s widths, so labels placed by their size land where a browser puts them', () => {
  assert.equal(fontTextWidth('0000', 10), 25.44);
  assert.ok(fontTextWidth('WWW', 12) > fontTextWidth('iii', 12) * 3);
  assert.equal(fontTextWidth('', 12), 0);
});

test('transforms, path lengths and CSS colours parse as a browser reads them', () => {
  assert.deepEqual(parseTransform('translate(10,20)'), [1, 0, 0, 1, 10, 20]);
  const r = parseTransform('rotate(-90,5,5)');
  // (5, 0) turns about (5, 5) to (0, 5)
  assert.ok(Math.abs(r[0] * 5 + r[2] * 0 + r[4] - 0) < 1e-9 && Math.abs(r[1] * 5 + r[3] * 0 + r[5] - 5) < 1e-9, JSON.stringify(r));
  assert.deepEqual(pathPoints('M0,0L3,4H6V8Z'), [[0, 0], [3, 4], [6, 4], [6, 8], [0, 0]]);
  assert.deepEqual(pathPoints('m1,1l2,0'), [[1, 1], [3, 1]]);
  assert.deepEqual(parseCssColour('rgba(10, 20, 30, 0.5)'), [10, 20, 30, 0.5]);
  assert.deepEqual(parseCssColour('#0f8'), [0, 255, 136, 1]);
  assert.deepEqual(parseCssColour('rgb(1,2,3)'), [1, 2, 3, 1]);
});

test('staticSvg waits for the drawing thread and gives the same SVG as renderSvg; a figure plotly cannot draw is an error, not a hang', async () => {
  const sync = staticSvg(loss);
  assert.ok('svg' in sync, JSON.stringify(sync).slice(0, 200));
  assert.equal(sync.svg, await renderSvg(loss));
  const started = Date.now();
  const bad = staticSvg({ data: [{ type: 'scatter', x: [1, 2], y: [1, 2] }], layout: { xaxis: { type: 'no-such-type' }, sliders: [{ steps: 'not a list' }], images: [{ source: 'http://example.invalid/a.png', xref: 'paper', yref: 'paper', x: 0, y: 1, sizex: 1, sizey: 1 }] } });
  // plotly draws what it can (bad attributes fall back to defaults); the image's URL is never fetched
  assert.ok(Date.now() - started < 25_000);
  assert.ok('svg' in bad || 'error' in bad);
});

test('svgDataUri escapes only what a URI or an attribute needs and decodes back to the SVG', () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>50% & #1 "q"\n</text></svg>';
  const uri = svgDataUri(svg);
  assert.ok(!/[<>"#&\n]/.test(uri.slice('data:image/svg+xml,'.length)), uri);
  assert.equal(decodeURIComponent(uri.slice('data:image/svg+xml,'.length)), svg);
  assert.ok(uri.includes(' '), 'spaces stay as they are (smaller)');
});
