import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineFigure } from '../src/show/figure';
import { figureBundle, figureHtml, figureId, plotlyBundle, plotlyBundleHtml, scriptJson, showFigure } from '../src/show/plot';

const fig = lineFigure({ title: 'Loss </script><b>', xTitle: 'epoch', yTitle: 'loss', series: [{ name: 'train', y: [1, 0.5] }] });

test('figureId is deterministic: same figure and position, same id; any change, another id', () => {
  assert.equal(figureId(fig, 1), figureId(fig, 1));
  assert.match(figureId(fig, 1), /^nnlab-fig-1-[0-9a-f]{10}$/);
  assert.notEqual(figureId(fig, 1), figureId(fig, 2));
  const other = lineFigure({ title: 'Loss', xTitle: 'epoch', yTitle: 'loss', series: [{ name: 'train', y: [1, 0.6] }] });
  assert.notEqual(figureId(fig, 1), figureId(other, 1));
});

test('figureHtml embeds the figure as script-safe JSON that parses back to the same figure', () => {
  const html = figureHtml(fig, 'nnlab-fig-1-abc');
  assert.ok(!html.includes('</script><b>'), 'a title must not be able to close the script element');
  const json = /var fig = (.*);\n/.exec(html)![1];
  assert.deepEqual(JSON.parse(json), fig);
  assert.match(html, /<div id="nnlab-fig-1-abc" class="nnlab-figure"/);
  assert.match(html, /window\.Plotly\.newPlot\(el, fig\.data, fig\.layout/);
  assert.equal(scriptJson('\u2028</'), '"\\u2028\\u003c/"');
});

test('figureBundle carries plotly JSON for JupyterLab and VS Code, HTML for the classic Notebook with the static image inside, the SVG, and text', () => {
  const b = figureBundle(fig, 'id-1');
  assert.deepEqual(Object.keys(b).sort(), ['application/vnd.plotly.v1+json', 'image/svg+xml', 'text/html', 'text/plain']);
  const svg = b['image/svg+xml'] as string;
  assert.match(svg, /^<svg [^>]*width="960" height="\d+"/);
  const img = /<img class="nnlab-static" alt="([^"]*)" src="([^"]*)"/.exec(b['text/html'] as string);
  assert.ok(img, 'the HTML holds the static image');
  assert.equal(decodeURIComponent(img[2].replace(/^data:image\/svg\+xml,/, '')), svg, 'the <img> shows the same SVG');
  assert.equal(img[1], 'Loss', 'the alt text is the title without its tags');
  assert.match(b['text/html'] as string, /still\.remove\(\)/, 'the script removes the static image before drawing');
  // a live redraw skips it, and NNLAB_STATIC_FIGURES=0 turns it off
  assert.deepEqual(Object.keys(figureBundle(fig, 'id-2', false)).sort(), ['application/vnd.plotly.v1+json', 'text/html', 'text/plain']);
  process.env.NNLAB_STATIC_FIGURES = '0';
  try {
    const off = figureBundle(fig, 'id-3');
    assert.equal(off['image/svg+xml'], undefined);
    assert.doesNotMatch(off['text/html'] as string, /nnlab-static"/);
  } finally { delete process.env.NNLAB_STATIC_FIGURES; }
  assert.deepEqual((b['application/vnd.plotly.v1+json'] as { data: unknown }).data, fig.data);
  assert.match(b['text/plain'] as string, /^\[figure\] Loss/);
});

test('the embedded plotly bundle is the local plotly.js-dist-min file, with no CDN reference', () => {
  const { version, source } = plotlyBundle();
  assert.match(version, /^\d+\.\d+\.\d+$/);
  assert.ok(source.length > 1_000_000, `bundle only ${source.length} bytes`);
  const html = plotlyBundleHtml();
  assert.ok(!/<script[^>]+src=/.test(html), 'the bundle must be inline, not loaded from a URL');
  assert.ok(!/cdn\.plot\.ly/.test(html.slice(0, 500)));
  assert.equal(html.match(/<\/script>/g)!.length, 1, 'the bundle text must not close its script element early');
});

test('showFigure outside a kernel prints the one-line description instead of failing', () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => { lines.push(s); };
  try { showFigure(fig); } finally { console.log = log; }
  assert.deepEqual(lines, ['[figure] Loss </script><b>: train (2 points)']);
});
