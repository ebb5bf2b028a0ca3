/**
 * The figure layout check of every lesson (issue 16), in headless Chromium: each lesson's executed
 * quick-mode notebook is exported to HTML and every plotly figure is measured (test/layout.ts):
 * overlapping or clipped text, traces without a legend entry, one series name in several colours.
 * The findings are compared with the committed list of known failures, test/layout-known.json:
 * a new finding fails (no figure may regress), and so does a known one that no longer occurs (delete
 * its line, so the list shrinks as figures are fixed).
 *
 * Executed notebooks are reused from the notebook test (test-output/notebooks/cpu/<lesson>.ipynb)
 * when they are newer than the lesson and the built library; otherwise this test executes the
 * lesson itself (quick mode). The file is named so that `node --test` reaches it after
 * notebooks.test.js (reuse: ~25-40 s in all; executing the five lessons: ~6 min on 2 busy cores),
 * but it does not rely on that. Each page is measured in a 1280 px window (figures at their 960 px
 * maximum) and again in a 900 px one (figures ~760 px wide; lines tagged "in a 900 px window", only for what
 * goes wrong there alone). Exports, the findings and a screenshot of every figure at both widths
 * (<lesson>-figure-<n>.png and -narrow.png) go to test-output/layout/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { lessonRows } from '../src/lessons/registry';
import { repoRoot } from '../src/core/paths';
import { freshDir, launchChromium, openLoggedPage, phaseTimer, waitForFigures, writeLog } from './chromium';
import { Page } from 'playwright-core';
import { executedNotebook, exportHtml, FigureMeasure, figureFindings, findingLines, measureFigures, resizeFigures } from './layout';

const REPO = repoRoot();
const OUT = path.join(REPO, 'test-output', 'layout');
const KNOWN_FILE = path.join(REPO, 'kernel-lib', 'test', 'layout-known.json');

/** The second window width the figures are measured at (the first is 1280 px: figures at their 960 px maximum). */
const NARROW_WINDOW = 900;
const NARROW_WHERE = `in a ${NARROW_WINDOW} px window`;

/**
 * A screenshot of every figure of the page, as test-output/layout/<lesson>-figure-<n><suffix>.png
 * (what a student sees, to look at beside the findings).
 */
async function screenshotFigures(page: Page, name: string, suffix: string): Promise<void> {
  const elements = await page.locator('.nnlab-figure').all();
  for (const [i, el] of elements.entries()) {
    await el.screenshot({ path: path.join(OUT, `${name}-figure-${i + 1}${suffix}.png`) }).catch(() => undefined);
  }
}

test('figureFindings names overlapping and clipped text, run-together tick labels, labels on a neighbouring panel, SI labels on log axes, unlabelled traces and mis-coloured series', () => {
  const box = (left: number, top: number, right: number, bottom: number) => ({ left, top, right, bottom });
  const fig: FigureMeasure = {
    title: 'Two panels', drawn: true, box: box(0, 0, 400, 300), panels: ['xy', 'x2y2'],
    areas: [{ panel: 'xy', ...box(40, 40, 190, 270) }, { panel: 'x2y2', ...box(210, 40, 390, 270) }],
    texts: [
      { kind: 'title', axis: '', text: 'Two panels', ...box(-20, 5, 420, 25) },
      { kind: 'annotation', axis: '', text: 'relu', ...box(100, 20, 140, 35) },
      { kind: 'tick', axis: 'x2', text: '-0.5', ...box(200, 280, 222, 292) },
      { kind: 'tick', axis: 'x2', text: '0', ...box(218, 280, 228, 292) },
      { kind: 'tick', axis: 'x', text: '1', ...box(50, 280, 60, 292) },
      { kind: 'tick', axis: 'y', log: true, text: '10n', ...box(10, 250, 30, 262) },
      { kind: 'tick', axis: 'y', log: true, text: '1µ', ...box(10, 150, 30, 162) },
      { kind: 'tick', axis: 'y', log: true, text: '1e-4', ...box(10, 50, 30, 62) },
      { kind: 'axis title', axis: 'y', owner: ['y'], text: 'std', ...box(39.5, 200, 50, 220) },
      { kind: 'tick', axis: 'y2', owner: ['y2'], text: '60k', ...box(180, 100, 206, 112) },
    ],
    traces: [
      { index: 0, type: 'scatter', name: 'zeros', panel: 'xy', colour: '#1f77b4', inLegend: true, legendgroup: '', visible: true },
      { index: 1, type: 'scatter', name: 'zeros', panel: 'x2y2', colour: '#ff7f0e', inLegend: false, legendgroup: '', visible: true },
      { index: 2, type: 'scatter', name: '', panel: 'x2y2', colour: '#2ca02c', inLegend: false, legendgroup: '', visible: true },
      { index: 3, type: 'heatmap', name: 'w', panel: 'xy', colour: '', inLegend: false, legendgroup: '', visible: true },
    ],
  };
  assert.deepEqual(figureFindings(fig), [
    'SI labels: y is a log axis labelled with SI prefixes ("10n", "1µ"), not plain exponents such as 1e-8',
    'clipped: title "Two panels" reaches past the figure\'s left and right edge',
    'colour: series "zeros" is drawn in 2 colours (#1f77b4 in 1; #ff7f0e in 2 by panel number)',
    'overlap: annotation "relu" and title "Two panels"',
    'overlap: x2 tick labels run into each other ("-0.5" and "0")',
    'overlap: y2 tick labels on the plot area of panel 1',
    'unlabelled: scatter trace "#2" in panel 2 (x2y2) has no legend entry',
  ]);
  assert.deepEqual(findingLines('03-weight-init', [{ ...fig, texts: [], traces: [] }, { ...fig, drawn: false }]),
    ['03-weight-init figure 2 "Two panels": not drawn: no svg.main-svg (plotly did not draw it)']);
  assert.deepEqual(findingLines('03-weight-init', [{ ...fig, drawn: false }], 'in a 900 px window'),
    ['03-weight-init figure 1 "Two panels" in a 900 px window: not drawn: no svg.main-svg (plotly did not draw it)']);
});

test('every figure of every lesson is laid out without overlapping or clipped text, SI labels on log axes, unlabelled traces or mis-coloured series, apart from the known failures in layout-known.json',
  { timeout: 3_600_000 }, async (t) => {
    const phase = phaseTimer(t);
    freshDir(OUT);
    const known: string[] = JSON.parse(fs.readFileSync(KNOWN_FILE, 'utf8')).known;
    const executed: { name: string; file: string }[] = [];
    for (const lesson of lessonRows()) {
      const { file, reused } = await executedNotebook(lesson.name, OUT);
      executed.push({ name: lesson.name, file });
      phase(`${lesson.name}: ${reused ? 'reused the notebook test\'s executed notebook' : 'executed (quick)'}`);
    }
    const found: string[] = [];
    const browser = await launchChromium();
    try {
      for (const { name, file } of executed) {
        const html = path.join(OUT, `${name}.html`);
        await exportHtml(file, html);
        const { page, log } = await openLoggedPage(browser, (url) => url.startsWith('file:') || url.startsWith('data:'));
        try {
          await page.goto(`file://${html}`, { waitUntil: 'load', timeout: 120_000 });
          await waitForFigures(page, 30_000);
          // plotly lays out text after web fonts settle; wait for them so boxes are final
          await page.evaluate(() => document.fonts.ready.then(() => undefined));
          const figures = await measureFigures(page);
          assert.ok(figures.length > 0, `${name}: the HTML export shows no .nnlab-figure`);
          const lines = findingLines(name, figures);
          await screenshotFigures(page, name, '');
          // a laptop-sized window: the figures shrink below their 960 px maximum; report what only
          // goes wrong there
          await resizeFigures(page, NARROW_WINDOW);
          const narrow = findingLines(name, await measureFigures(page), NARROW_WHERE)
            .filter((l) => !lines.includes(l.replace(` ${NARROW_WHERE}:`, ':')));
          await screenshotFigures(page, name, '-narrow');
          found.push(...lines, ...narrow);
          assert.deepEqual(log.pageErrors, [], `${name}: the exported page threw uncaught errors`);
        } finally {
          writeLog(path.join(OUT, `${name}-console.txt`), log);
          await page.context().close();
        }
        phase(`${name}: export and measure`);
      }
    } finally {
      await browser.close();
    }
    fs.writeFileSync(path.join(OUT, 'findings.txt'), found.join('\n') + '\n');
    const fresh = found.filter((l) => !known.includes(l));
    const gone = known.filter((l) => !found.includes(l));
    assert.deepEqual({ fresh, gone }, { fresh: [], gone: [] },
      `${fresh.length} new layout finding(s): fix the figure (a shared helper in show/ if several share the fault):\n` +
      fresh.map((l) => `  + ${l}\n`).join('') +
      `${gone.length} known finding(s) no longer occur: delete these lines from kernel-lib/test/layout-known.json:\n` +
      gone.map((l) => `  - ${l}\n`).join('') +
      'Every finding is in test-output/layout/findings.txt, with a screenshot of every figure beside it.');
  });
