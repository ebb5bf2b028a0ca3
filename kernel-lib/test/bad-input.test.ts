/**
 * Bad input to the shared layers (issue 17): every case the review measured as a raw TypeError or a
 * silently ignored option is now an ArgumentError that names the argument and the value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barFigure, heatmapFigure, histogramFigure, lineFigure, scatterFigure, subplotsFigure } from '../src/show/figure';
import { showFigure } from '../src/show/plot';
import { liveChart, progressBar } from '../src/show/progress';
import { imageGridHtml, showImages } from '../src/show/images';
import { countTensors } from '../src/core/leaks';
import { loadDataset } from '../src/data/load';
import { toTensors } from '../src/data/transform';
import { blobs, correlatedCloud, randomImages, spiral } from '../src/data/synthetic';
import { ArgumentError } from '../src/core/errors';

const call = (f: () => unknown) => async () => { await f(); };
const bad = <T>(x: unknown) => x as T;

const CASES: [string, () => unknown, RegExp][] = [
  ['lineFigure(null)', () => lineFigure(bad(null)), /^lineFigure options must be an object of options \(or nothing\), got null$/],
  ['scatterFigure(null)', () => scatterFigure(bad(null)), /^scatterFigure options must be an object/],
  ['histogramFigure(42)', () => histogramFigure(bad(42)), /^histogramFigure options must be an object of options \(or nothing\), got 42$/],
  ['heatmapFigure([])', () => heatmapFigure(bad([])), /^heatmapFigure options must be an object/],
  ['barFigure with a typo', () => barFigure(bad({ title: 't', xTitle: 'x', yTitle: 'y', serie: [] })), /^barFigure options\.serie must be one of the known options \(title, xTitle, yTitle, series\); "serie" is not an option/],
  ['lineFigure with an unknown key', () => lineFigure(bad({ title: 't', xTitle: 'x', yTitle: 'y', series: [{ name: 'a', y: [1] }], logY: true })), /lineFigure options\.logY must be one of the known options/],
  ['subplotsFigure([])', () => subplotsFigure([], bad(undefined)), /^subplotsFigure options must be an object with title, rows and cols, got undefined$/],
  ['subplotsFigure of a non-figure', () => subplotsFigure(bad([{}]), { title: 't', rows: 1, cols: 1 }), /^subplotsFigure\.figures\[0\] must be a figure/],
  ['showFigure(42)', () => showFigure(bad(42)), /^figure must be a figure: \{ data: \[traces\], layout: \{\.\.\.\} \}/],
  ['showFigure({})', () => showFigure(bad({})), /^figure must be a figure/],
  ['progressBar(null)', () => progressBar(bad(null)), /^progressBar options must be an object of options \(or nothing\), got null$/],
  ['progressBar with an unknown key', () => progressBar(bad({ total: 3, steps: 3, notebook: false, write: () => {} })), /progressBar options\.steps must be one of the known options/],
  ['liveChart(null)', () => liveChart(bad(null)), /^liveChart options must be an object/],
  ['imageGridHtml(null)', () => imageGridHtml(bad(null), [0], 1, 1), /^imageGridHtml: dataset must be an image dataset/],
  ['showImages({})', () => showImages(bad({})), /^images: dataset must be an image dataset/],
  ['countTensors(42)', call(() => countTensors(bad(42))), /^countTensors: fn must be a function, got 42$/],
  ['toTensors(null)', () => toTensors(bad(null)), /^toTensors: dataset must be an image dataset/],
  ['toTensors with an unknown key', () => toTensors(randomImages({ count: 2, height: 2, width: 2, channels: 1, classes: 2, seed: 1 }), bad({ normalization: 'unit' })), /toTensors options\.normalization must be one of the known options/],
  ['loadDataset(mnist, null)', call(() => loadDataset('mnist', bad(null))), /^loadDataset options must be an object of options \(or nothing\), got null$/],
  ['loadDataset dataDir 5', call(() => loadDataset('mnist', bad({ dataDir: 5 }))), /^loadDataset options\.dataDir must be a non-empty string, got 5$/],
  ['loadDataset mirror 5', call(() => loadDataset('mnist', bad({ mirror: 5 }))), /^loadDataset options\.mirror must be a string, got 5$/],
  ['loadDataset bogus', call(() => loadDataset('mnist', bad({ bogus: 1 }))), /loadDataset options\.bogus must be one of the known options/],
  ['loadDataset limit -1', call(() => loadDataset('mnist', bad({ limit: -1 }))), /loadDataset options\.limit must be one of the known options/],
  ['spiral()', () => spiral(bad(undefined)), /^spiral options must be an object of options with a seed, got undefined$/],
  ['spiral with a typo', () => spiral(bad({ pointsPerClas: 5, seed: 1 })), /spiral options\.pointsPerClas must be one of the known options/],
  ['blobs(null)', () => blobs(bad(null)), /^blobs options must be an object/],
  ['correlatedCloud([])', () => correlatedCloud(bad([])), /^correlatedCloud options must be an object/],
];

for (const [what, f, message] of CASES) {
  test(`bad input: ${what} is an ArgumentError naming the argument`, async () => {
    await assert.rejects(async () => { await f(); }, (err: unknown) => {
      assert.ok(err instanceof ArgumentError, `${what}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
      assert.match(err.message, message);
      return true;
    });
  });
}
