/**
 * `nnlab site` and the HTML exports with plotly.js once per page (issue 22): the post-processing on
 * small fixture notebooks (bundle outputs dropped, static mode without scripts, check cells
 * marked), the command line's errors, a real quick-mode site of lesson 00, the whole site from the
 * notebook test's executed notebooks, and that site in headless Chromium opened from disk with the
 * network blocked, with JavaScript on (every figure drawn by plotly) and off (every static image
 * decoded).
 *
 * Executed notebooks are reused from the notebook test (test-output/notebooks/cpu/<lesson>.ipynb)
 * when they are newer than the lesson and the built library, as test/plot-layout.test.ts does;
 * otherwise this test executes the lesson (quick mode). The file is named so that `node --test`
 * reaches it after notebooks.test.js. Sites and browser logs go to test-output/site/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Browser, BrowserContext, ConsoleMessage } from 'playwright-core';
import { lessonRows } from '../src/lessons/registry';
import { repoRoot } from '../src/core/paths';
import { plotlyBundle } from '../src/show/plot';
import {
  checkResults, exportNotebookHtml, finishHtml, isCheckCell, isPlotlyBundleOutput, Notebook, NotebookCell, NotebookOutput,
  prepareNotebook, SITE_PLOTLY_PATH,
} from '../src/jupyter/export';
import { buildSite, runFacts, SiteEntry, siteIndexHtml } from '../src/jupyter/site';
import { shortSummary, siteLessons } from '../src/cli/site';
import { cliInProcess, rejectsArgument, throwsArgument } from './helpers';
import { freshDir, launchChromium, phaseTimer } from './chromium';
import { executedNotebook } from './layout';

const REPO = repoRoot();
const OUT = path.join(REPO, 'test-output', 'site');
const PLOTLY = { version: '9.9.9', source: 'window.Plotly = { version: "9.9.9" };' };

// ---- fixtures: a notebook with two plotly bundles (a re-run, nn.embedPlotly()), a figure, check cells

const bundleOutput = (): NotebookOutput => ({
  output_type: 'display_data', metadata: {},
  data: {
    'text/html': '<script type="text/javascript">/* plotly.js 9.9.9, embedded by nnlab (no CDN) */\nwindow.Plotly={};\n</script>\n' +
      '<div class="nnlab-plotly-loaded" style="display:none">plotly.js 9.9.9</div>',
    'text/plain': '',
  },
});
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="red"/></svg>';
const figureOutput = (id: string): NotebookOutput => ({
  output_type: 'display_data', metadata: {},
  data: {
    'application/vnd.plotly.v1+json': { data: [], layout: { title: { text: 'A figure' } } },
    'image/svg+xml': SVG,
    'text/html': `<div id="${id}" class="nnlab-figure"><img class="nnlab-static" alt="A figure" src="data:image/svg+xml,${encodeURIComponent(SVG)}"></div>\n` +
      `<script type="text/javascript">\n(function () { var el = document.getElementById("${id}"); window.Plotly.newPlot(el, [], {}); })();\n</script>`,
    'text/plain': '[figure] A figure',
  },
});
const stdout = (text: string): NotebookOutput => ({ output_type: 'stream', name: 'stdout', text });
const code = (source: string, outputs: NotebookOutput[], count: number | null, execution?: Record<string, string>): NotebookCell =>
  ({ cell_type: 'code', source, metadata: execution ? { execution } : {}, outputs, execution_count: count });

function fixture(): Notebook {
  return {
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: 'nnlab-cpu', display_name: 'TypeScript (nnlab, CPU)' }, nnlab: { lesson: '99', title: 'Fixture', summary: 'a fixture' } },
    cells: [
      { cell_type: 'markdown', source: '# Fixture\n\nText $x^2$.', metadata: {} },
      code("import * as nn from 'nnlab';\nconst device = await nn.useDevice();", [stdout('nnlab device: wasm (SIMD, 1 thread, nnlab kernels)\n')], 1,
        { 'iopub.status.busy': '2026-12-05T21:00:00.000Z', 'iopub.status.idle': '2026-12-05T21:00:02.000Z' }),
      code('nn.embedPlotly();\nnn.showFigure(fig);', [bundleOutput(), figureOutput('nnlab-fig-1-aaaa'), bundleOutput()], 2),
      code('// Check: the mean is near zero.\nnn.expect.near(m, 0, 0.1, "mean");', [stdout('ok: mean 0.01 within 0.1 of 0\n')], 3),
      code('// Check: the std is one.\nnn.expect.near(s, 1, 0.1, "std");', [
        { output_type: 'error', ename: 'CheckFailure', evalue: 'std is 1.5, expected 1 ± 0.1', traceback: [] }], 4,
      { 'iopub.status.busy': '2026-12-05T21:00:03.000Z', 'iopub.status.idle': '2026-12-05T21:00:12.500Z' }),
      code('// Check 2, numbered: never reached.\nnn.expect.equal(a, b, "a");', [], null),
      code('// Check: a comment, and no expect call\nconsole.log(1);', [stdout('1\n')], 5),
    ],
  };
}

const outputsOf = (nb: Notebook) => nb.cells.flatMap((c) => c.outputs ?? []);
const htmlOf = (o: NotebookOutput) => String((o.data ?? {})['text/html'] ?? '');
const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

test('prepareNotebook(nb, mode) drops every plotly bundle output (two here: a re-run and nn.embedPlotly()) and keeps the figure', () => {
  const nb = fixture();
  assert.equal(outputsOf(nb).filter(isPlotlyBundleOutput).length, 2);
  for (const mode of ['inline', 'site', 'static'] as const) {
    const page = prepareNotebook(nb, mode);
    assert.equal(outputsOf(page).filter(isPlotlyBundleOutput).length, 0, `${mode}: bundle outputs left`);
    assert.equal(outputsOf(page).filter((o) => htmlOf(o).includes('class="nnlab-figure"')).length, 1, `${mode}: the figure`);
  }
  assert.equal(outputsOf(nb).filter(isPlotlyBundleOutput).length, 2, 'the input notebook is not changed');
});

test("prepareNotebook(nb, 'static') removes the figures' plotly scripts and keeps their static images; 'site' keeps the scripts", () => {
  const figure = (mode: 'site' | 'static') => outputsOf(prepareNotebook(fixture(), mode)).find((o) => htmlOf(o).includes('nnlab-figure'))!;
  const staticHtml = htmlOf(figure('static'));
  assert.equal(count(staticHtml, /<script/g), 0, staticHtml);
  assert.match(staticHtml, /<img class="nnlab-static" alt="A figure" src="data:image\/svg\+xml,/);
  assert.ok(!('application/vnd.plotly.v1+json' in figure('static').data!), 'no plotly JSON in a static page');
  assert.match(htmlOf(figure('site')), /window\.Plotly\.newPlot/);
});

test('checkResults(nb) finds check cells by "// Check" and nn.expect: a pass, a CheckFailure, one not run after it; a comment without nn.expect is no check', () => {
  const nb = fixture();
  assert.deepEqual(nb.cells.map(isCheckCell), [false, false, false, true, true, true, false]);
  assert.deepEqual(checkResults(nb), [
    { cell: 3, status: 'pass', message: 'ok: mean 0.01 within 0.1 of 0' },
    { cell: 4, status: 'fail', message: 'CheckFailure: std is 1.5, expected 1 ± 0.1' },
    { cell: 5, status: 'not run', message: 'not run: an earlier cell failed' },
  ]);
  const marks = prepareNotebook(nb, 'site').cells.map((c) => htmlOf((c.outputs ?? [])[0] ?? { output_type: 'x' }));
  assert.match(marks[3], /class="nnlab-check nnlab-check-pass"[^>]*>.*✓/);
  assert.match(marks[4], /class="nnlab-check nnlab-check-fail"[^>]*>.*✗.*CheckFailure: std is 1.5/);
  assert.match(marks[5], /nnlab-check-not-run/);
  assert.doesNotMatch(marks[6], /nnlab-check/);
});

test('runFacts(nb) reads the start and duration from the cell timings, the backend from "nnlab device:" and the kernel from the kernelspec', () => {
  assert.deepEqual(runFacts(fixture()), { ran: '2026-12-05T21:00:00.000Z', seconds: 12.5, backend: 'wasm', kernel: 'nnlab-cpu' });
  const bare = fixture();
  bare.cells = bare.cells.slice(2);
  assert.deepEqual(runFacts(bare), { ran: '2026-12-05T21:00:03.000Z', seconds: 9.5, backend: null, kernel: 'nnlab-cpu' });
});

test("finishHtml(html, mode, plotly) puts plotly.js in the head once (inline), as a relative <script src> (site), or not at all (static)", () => {
  const page = '<html><head><title>t</title></head><body><p>x</p></body></html>';
  const inline = finishHtml(page, 'inline', PLOTLY);
  assert.equal(count(inline, /window\.Plotly = \{ version: "9\.9\.9" \}/g), 1);
  assert.ok(inline.indexOf('window.Plotly =') < inline.indexOf('</head>'));
  const site = finishHtml(page, 'site', PLOTLY, { bar: '<a href="index.html">back</a>' });
  assert.equal(count(site, /<script type="text\/javascript" src="assets\/plotly\.min\.js"><\/script>/g), 1);
  assert.match(site, /<body>\n<div class="nnlab-site-bar"><a href="index.html">back<\/a><\/div>/);
  assert.equal(count(finishHtml(page, 'static'), /<script/g), 0);
  throwsArgument(() => finishHtml(page, 'inline'), /^plotly must be the plotly\.js source \(\{ version, source \}\) for a page in inline mode, got undefined$/);
  throwsArgument(() => finishHtml('<p>x</p>', 'static'), /html must be a whole page with a <\/head>/);
});

test('exportNotebookHtml(fixture) through nbconvert: one plotly.js inline, none in static, the check marks in the page', async () => {
  const dir = freshDir(path.join(OUT, 'fixture'));
  const ipynb = path.join(dir, 'fixture.ipynb');
  fs.writeFileSync(ipynb, JSON.stringify(fixture()));
  const inline = path.join(dir, 'inline.html');
  const bytes = await exportNotebookHtml(ipynb, inline, { mode: 'inline', plotly: PLOTLY });
  const html = fs.readFileSync(inline, 'utf8');
  assert.equal(bytes, Buffer.byteLength(html));
  assert.equal(count(html, /window\.Plotly = \{ version/g), 1, 'plotly.js once');
  assert.equal(count(html, /nnlab-plotly-loaded/g), 0, 'no bundle output');
  assert.equal(count(html, /class="nnlab-check nnlab-check-pass"/g), 1);
  assert.equal(count(html, /class="nnlab-check nnlab-check-fail"/g), 1);
  await exportNotebookHtml(ipynb, path.join(dir, 'static.html'), { mode: 'static' });
  const light = fs.readFileSync(path.join(dir, 'static.html'), 'utf8');
  assert.equal(count(light, /window\.Plotly|plotly\.min\.js|<script[^>]*>[^<]*nnlab-fig/g), 0, 'no plotly.js and no figure script in a static page');
  assert.match(light, /<img class="nnlab-static"/);
  await rejectsArgument(() => exportNotebookHtml(ipynb, path.join(dir, 'x.html'), { mode: 'site' }), /^plotly must be the plotly\.js source/);
});

test('siteIndexHtml(entries) lists each lesson with its checks, device and duration, and a failed lesson with its error', () => {
  const base: SiteEntry = {
    name: '00-a', lesson: '00', title: 'A <lesson>', summary: 's', status: 'ok', error: null, page: '00-a.html', notebook: 'notebooks/00-a.ipynb',
    clean: null, ran: '2026-12-05T21:00:00.000Z', seconds: 12.5, device: 'wasm (nnlab-cpu)', checks: { pass: 3, total: 3, results: [] },
  };
  const failed: SiteEntry = { ...base, name: '01-b', lesson: '01', status: 'failed', error: 'CheckFailure: std is 1.5', checks: { pass: 1, total: 2, results: [] } };
  const html = siteIndexHtml([base, failed], { built: '2026-12-05T22:00:00.000Z' });
  assert.match(html, /<a class="nnlab-lesson-link" href="00-a.html">A &lt;lesson&gt;<\/a>/);
  assert.match(html, /3\/3 checks pass.*2026-12-05 21:00 UTC<\/td><td class="nowrap">wasm \(nnlab-cpu\)<\/td><td class="nowrap">12\.5 s/);
  assert.match(html, /data-lesson="01-b" data-status="failed".*✗ failed<\/span><div class="error">CheckFailure: std is 1\.5<\/div>.*1\/2 checks pass/);
  assert.match(html, /1\/2 lessons ran; 4\/5 checks pass/);
});

test('buildSite({ from }) lists a lesson whose check failed, and one with no executed notebook, as failed with their errors', async () => {
  const from = freshDir(path.join(OUT, 'failed-from'));
  fs.writeFileSync(path.join(from, '99-fixture.ipynb'), JSON.stringify(fixture()));
  const outDir = freshDir(path.join(OUT, 'failed'));
  const lessons = [{ name: '99-fixture', lesson: '99', title: 'Fixture', summary: 'a fixture' }, { name: '98-missing', lesson: '98', title: 'Missing', summary: 'none' }];
  const site = await buildSite({ lessons, from, outDir, plotly: PLOTLY });
  const [fixtureEntry, missing] = site.entries;
  assert.deepEqual({ status: fixtureEntry.status, error: fixtureEntry.error, checks: [fixtureEntry.checks.pass, fixtureEntry.checks.total], device: fixtureEntry.device, seconds: fixtureEntry.seconds },
    { status: 'failed', error: 'CheckFailure: std is 1.5, expected 1 ± 0.1', checks: [1, 3], device: 'wasm (nnlab-cpu)', seconds: 12.5 });
  assert.ok(fs.existsSync(path.join(outDir, '99-fixture.html')), 'a failed lesson still gets its page');
  assert.deepEqual({ status: missing.status, page: missing.page, error: missing.error }, { status: 'failed', page: null, error: `no executed notebook ${path.join(from, '98-missing.ipynb')}` });
  const index = fs.readFileSync(site.index, 'utf8');
  assert.match(index, /data-lesson="99-fixture" data-status="failed".*<div class="error">CheckFailure: std is 1\.5, expected 1 ± 0\.1<\/div>.*1\/3 checks pass/);
  assert.match(index, /data-lesson="98-missing" data-status="failed".*no executed notebook/);
  assert.equal(fs.readFileSync(path.join(outDir, SITE_PLOTLY_PATH), 'utf8'), PLOTLY.source);
});

test('nnlab site rejects bad flags with one line naming the flag, the value and what is allowed', async () => {
  const cases: [string[], RegExp][] = [
    [['site', '--jobs', '0'], /site: --jobs must be an integer in \[1, 16\], got "0"/],
    [['site', '--lessons', '00,99'], /site: --lessons must be a comma-separated list of lesson numbers or names \(00, 01, .*\), got "00,99": "99" is none of them/],
    [['site', '--from', '/no/such/folder'], /site: --from must be a folder of executed notebooks \(<lesson>\.ipynb\), got "\/no\/such\/folder"/],
    [['site', '--from', OUT, '--quick'], /site: --quick runs the lessons, --from takes them executed: give one, not both/],
    [['site', '--lessons', '00', '--out', path.join(REPO, 'package.json', 'site')], /site: --out cannot be written: .*package\.json is a file, not a folder/],
    [['site', '--bogus'], /site: unknown option "--bogus"/],
    [['run', '00', '--static'], /run: --static is an option of the HTML export: give it with --html/],
  ];
  for (const [argv, message] of cases) {
    const r = await cliInProcess(argv, 20_000);
    assert.equal(r.status, 2, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, argv.join(' '));
  }
  assert.deepEqual(siteLessons('0,weight-init,03-weight-init').map((l) => l.name), ['00-getting-started', '03-weight-init']);
  await rejectsArgument(() => buildSite({ lessons: [], outDir: path.join(OUT, 'x'), from: '/no/such/folder' }), /^from must be a folder of executed notebooks/);
});

/** Index facts every site must show for the entries it lists. */
function assertSite(dir: string, names: readonly string[]): SiteEntry[] {
  const site = JSON.parse(fs.readFileSync(path.join(dir, 'site.json'), 'utf8')) as { entries: SiteEntry[] };
  assert.deepEqual(site.entries.map((e) => e.name), names);
  const index = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  for (const e of site.entries) {
    assert.equal(e.status, 'ok', `${e.name} failed: ${e.error}`);
    assert.match(e.device ?? '', /^(wasm|cpu|tensorflow|webgpu|webgl) \(nnlab-cpu\)$/, `${e.name}: device`);
    assert.ok(e.seconds !== null && e.seconds > 0 && e.seconds < 3600, `${e.name}: duration ${e.seconds}`);
    assert.ok(e.ran !== null && Date.now() - Date.parse(e.ran) < 7 * 86_400_000, `${e.name}: ran ${e.ran}`);
    assert.ok(e.checks.total > 0 && e.checks.pass === e.checks.total, `${e.name}: ${e.checks.pass}/${e.checks.total} checks pass`);
    for (const file of [e.page, e.notebook, e.clean]) assert.ok(file && fs.existsSync(path.join(dir, file)), `${e.name}: ${file} is missing`);
    assert.ok(index.includes(`href="${e.page}"`) && index.includes(`href="${e.notebook}"`), `${e.name}: the index links its page and notebook`);
    const page = fs.readFileSync(path.join(dir, e.page!), 'utf8');
    assert.equal(count(page, /nnlab-plotly-loaded/g), 0, `${e.name}: a plotly bundle output left in the page`);
    assert.equal(count(page, /class="nnlab-check nnlab-check-pass"/g), e.checks.total, `${e.name}: one ✓ per check cell`);
  }
  return site.entries;
}

test('nnlab site --quick --lessons 00 executes lesson 00 and writes the index, the page, plotly.js once and the notebooks', { timeout: 900_000 }, async () => {
  const dir = freshDir(path.join(OUT, 'quick'));
  const r = await cliInProcess(['site', '--quick', '--lessons', '00', '--out', dir]);
  assert.equal(r.status, 0, r.stderr.slice(-3000));
  assertSite(dir, ['00-getting-started']);
  assert.equal(fs.readFileSync(path.join(dir, SITE_PLOTLY_PATH), 'utf8'), plotlyBundle().source);
  const page = fs.readFileSync(path.join(dir, '00-getting-started.html'), 'utf8');
  assert.equal(count(page, /<script[^>]*src="assets\/plotly\.min\.js"/g), 1);
  assert.ok(!page.includes(plotlyBundle().source.slice(0, 2000)), 'the page loads the shared plotly.js, it does not hold a copy');
});

/** A context whose every request that is not file: or data: is aborted and recorded; console errors recorded. */
async function offlineContext(browser: Browser, javaScriptEnabled: boolean): Promise<{ context: BrowserContext; blocked: string[]; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled });
  const blocked: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    blocked.push(url);
    return route.abort('blockedbyclient');
  });
  context.on('page', (page) => {
    page.on('console', (m: ConsoleMessage) => { if (m.type() === 'error') errors.push(`${page.url().split('/').pop()}: ${m.text()}`); });
    page.on('pageerror', (e: Error) => errors.push(`${page.url().split('/').pop()}: ${e.message}`));
  });
  return { context, blocked, errors };
}

test('the full site from the executed lessons, opened from disk offline: every page loads, every figure is drawn (JS on) or shown as its static image (JS off), the index links every lesson and notebook, pass marks are there',
  { timeout: 3_600_000 }, async (t) => {
    const phase = phaseTimer(t);
    const names = lessonRows().map((l) => l.name);
    const from = freshDir(path.join(OUT, 'executed-reused'));
    for (const name of names) fs.copyFileSync((await executedNotebook(name, OUT)).file, path.join(from, `${name}.ipynb`));
    phase('executed notebooks');
    const dir = freshDir(path.join(OUT, 'full'));
    const r = await cliInProcess(['site', '--from', from, '--out', dir]);
    assert.equal(r.status, 0, r.stderr.slice(-3000));
    const entries = assertSite(dir, names);
    phase('site built');
    const staticDir = freshDir(path.join(OUT, 'static'));
    const s = await cliInProcess(['site', '--from', from, '--out', staticDir, '--static', '--lessons', '00,03']);
    assert.equal(s.status, 0, s.stderr.slice(-3000));
    assert.ok(!fs.existsSync(path.join(staticDir, SITE_PLOTLY_PATH)), 'a static site has no plotly.js');
    for (const e of entries.filter((x) => ['00', '03'].includes(x.lesson))) {
      const light = fs.readFileSync(path.join(staticDir, e.page!), 'utf8');
      assert.equal(count(light, /<img class="nnlab-static"/g), count(fs.readFileSync(path.join(dir, e.page!), 'utf8'), /class="nnlab-figure"/g),
        `${e.name}: one static image per figure in the static page`);
      assert.ok(light.length < fs.statSync(path.join(dir, e.page!)).size, `${e.name}: the static page is lighter than the site's`);
      assert.equal(count(fs.readFileSync(path.join(staticDir, e.page!), 'utf8'), /window\.Plotly|plotly\.min\.js/g), 0, `${e.name}: a static page with plotly.js or a figure script`);
    }
    phase('static site of lessons 00 and 03 built');

    const browser = await launchChromium();
    try {
      const on = await offlineContext(browser, true);
      const page = await on.context.newPage();
      await page.goto(`file://${path.join(dir, 'index.html')}`, { waitUntil: 'load' });
      const links = await page.evaluate(() => ({
        pages: Array.from(document.querySelectorAll('a.nnlab-lesson-link')).map((a) => (a as HTMLAnchorElement).getAttribute('href')),
        notebooks: Array.from(document.querySelectorAll('a.nnlab-download')).map((a) => (a as HTMLAnchorElement).getAttribute('href')),
        checks: Array.from(document.querySelectorAll('tr.nnlab-lesson')).map((tr) => tr.textContent ?? ''),
      }));
      assert.deepEqual(links.pages, entries.map((e) => e.page));
      assert.deepEqual(links.notebooks, entries.map((e) => e.notebook));
      entries.forEach((e, i) => assert.match(links.checks[i], new RegExp(`${e.checks.total}/${e.checks.total} checks pass`)));
      for (const e of entries) {
        await page.goto(`file://${path.join(dir, e.page!)}`, { waitUntil: 'load', timeout: 120_000 });
        await page.waitForFunction(() => Array.from(document.querySelectorAll('.nnlab-figure')).every((f) => f.querySelector('svg.main-svg')),
          null, { timeout: 30_000, polling: 250 }).catch(() => undefined);
        const figures = await page.evaluate(() => Array.from(document.querySelectorAll('.nnlab-figure'))
          .map((f) => ({ id: f.id, drawn: Boolean(f.querySelector('svg.main-svg')), text: (f.textContent ?? '').slice(0, 120) })));
        assert.ok(figures.length > 0, `${e.name}: no .nnlab-figure`);
        for (const f of figures) assert.ok(f.drawn, `${e.name}: figure ${f.id} not drawn by plotly; it shows "${f.text}"`);
        const left = await page.locator('.nnlab-figure img.nnlab-static').count();
        assert.equal(left, 0, `${e.name}: with scripts on, ${left} static images stayed beside the interactive charts`);
        if (e.lesson === '03') {
          // formulas typeset by the site's own MathJax (assets/mathjax), not the system's
          await page.waitForFunction(() => document.querySelectorAll('.MathJax_CHTML').length > 10, null, { timeout: 60_000 }).catch(() => undefined);
          const math = await page.evaluate(() => ({ typeset: document.querySelectorAll('.MathJax_CHTML').length,
            src: Array.from(document.scripts).map((x) => x.getAttribute('src') ?? '').filter((x) => /MathJax\.js/.test(x)) }));
          assert.ok(math.typeset > 10, `${e.name}: formulas not typeset (${math.typeset})`);
          if (fs.existsSync('/usr/share/javascript/mathjax/MathJax.js')) assert.ok(math.src.every((x) => x.startsWith('assets/mathjax/')), `MathJax from ${math.src}`);
        }
        const marks = await page.locator('.nnlab-check-pass').count();
        assert.equal(marks, e.checks.total, `${e.name}: ✓ marks`);
      }
      phase('pages with JavaScript');
      assert.deepEqual(on.errors, [], 'console errors with JavaScript on');
      assert.deepEqual(on.blocked, [], 'requests that tried to leave the machine');
      await on.context.close();

      const off = await offlineContext(browser, false);
      const still = await off.context.newPage();
      for (const e of entries) {
        await still.goto(`file://${path.join(dir, e.page!)}`, { waitUntil: 'load', timeout: 120_000 });
        const images = await still.evaluate(() => Array.from(document.querySelectorAll('.nnlab-figure')).map((f) => {
          const img = f.querySelector('img.nnlab-static') as HTMLImageElement | null;
          const box = img?.getBoundingClientRect();
          return { id: f.id, img: Boolean(img), complete: img?.complete ?? false, width: img?.naturalWidth ?? 0, shown: Boolean(box && box.width > 0 && box.height > 0) };
        }));
        assert.ok(images.length > 0, `${e.name}: no .nnlab-figure`);
        for (const im of images) {
          assert.ok(im.img && im.complete && im.width > 0 && im.shown, `${e.name}: figure ${im.id}: the static image is missing, not decoded or hidden: ${JSON.stringify(im)}`);
        }
      }
      phase('pages without JavaScript');
      assert.deepEqual(off.errors, [], 'console errors with JavaScript off');
      assert.deepEqual(off.blocked, [], 'requests that tried to leave the machine');
      await off.context.close();
    } finally {
      await browser.close();
    }
  });

test('the index shows each lesson\'s own short summary (the notebook\'s metadata), else the registry\'s without its commands', () => {
  const nb = JSON.parse(fs.readFileSync(path.join(REPO, 'notebooks', '03-weight-init.ipynb'), 'utf8')) as { metadata: { nnlab: { summary: string } } };
  assert.equal(shortSummary('03-weight-init', 'long registry text (`nnlab init-stats`)'), nb.metadata.nnlab.summary);
  assert.equal(shortSummary('99-no-such-lesson', 'what it teaches (`nnlab a`, `nnlab b-c`)'), 'what it teaches');
  for (const l of siteLessons(undefined)) assert.ok(l.summary.length < 400 && !/`nnlab /.test(l.summary), `${l.name}: ${l.summary}`);
});
