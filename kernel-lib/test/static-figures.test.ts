/**
 * Every lesson figure's static twin (issue 22), checked in headless Chromium on each lesson's executed
 * quick-mode notebook (the notebook test's, reused when fresh: test/layout.ts `executedNotebook`):
 *
 * 1. every figure output carries `image/svg+xml`, and its HTML an `<img class="nnlab-static">`
 *    showing the same SVG;
 * 2. the static SVG looks like plotly's own drawing in Chromium: both are drawn at 960 px into
 *    canvases, and (a) the dark pixels of each lie within 2 px of dark pixels of the other for at
 *    least {@link MIN_COVERAGE} of them, both ways, (b) the mean absolute difference of the pixels is
 *    at most {@link MAX_MEAN_DIFF}, (c) both carry the same texts (title, axis titles, tick labels,
 *    legend, annotations). The two drawings go side by side into
 *    test-output/static-figures/<lesson>-<n>.png (live above, static below) for a person to look at;
 * 3. opened in the classic Notebook as an untrusted notebook (its sanitizer drops every script),
 *    every figure shows its static image.
 * The HTML exports (`nnlab run --html`, the site's pages) with JavaScript off and on are checked on
 * every lesson by test/site.test.ts: static images shown with scripts off, interactive charts
 * instead with scripts on.
 * The file is named so that `node --test` reaches it after notebooks.test.js.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { ChildProcess, spawn } from 'child_process';
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Browser } from 'playwright-core';
import { lessonRows } from '../src/lessons/registry';
import { repoRoot } from '../src/core/paths';
import { findJupyterPython } from '../src/jupyter/python';
import { freshDir, launchChromium } from './chromium';
import { executedNotebook } from './layout';

const REPO = repoRoot();
const OUT = path.join(REPO, 'test-output', 'static-figures');
const PLOTLY = require.resolve('plotly.js-dist-min/plotly.min.js');
/** Share of each drawing's dark pixels that must lie within 2 px of the other's (measured: 0.93 at worst). */
const MIN_COVERAGE = 0.9;
/** Largest mean absolute pixel difference, as a fraction of 255 (measured: 0.03 at worst). */
const MAX_MEAN_DIFF = 0.05;

interface FigureOutput { figure: { data: unknown[]; layout: Record<string, unknown> }; svg?: string; html: string }

/** The figure outputs of an executed notebook, in order. */
function figureOutputs(file: string): FigureOutput[] {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: { outputs?: { data?: Record<string, unknown> }[] }[] };
  const out: FigureOutput[] = [];
  for (const cell of nb.cells) {
    for (const o of cell.outputs ?? []) {
      const d = o.data ?? {};
      const fig = d['application/vnd.plotly.v1+json'] as FigureOutput['figure'] | undefined;
      if (!fig) continue;
      const join = (v: unknown) => (Array.isArray(v) ? v.join('') : String(v ?? ''));
      out.push({ figure: fig, svg: d['image/svg+xml'] === undefined ? undefined : join(d['image/svg+xml']), html: join(d['text/html']) });
    }
  }
  return out;
}

interface Comparison { liveCovered: number; staticCovered: number; meanDiff: number; liveTexts: string[]; staticTexts: string[]; png: string }

let browser: Browser;
const lessons = lessonRows().map((l) => l.name);
const executed = new Map<string, string>();

before(async () => {
  freshDir(OUT);
  browser = await launchChromium();
});
after(async () => { await browser?.close(); });

for (const name of lessons) {
  test(`${name}: every figure carries a static twin that looks like plotly's own drawing`, { timeout: 20 * 60_000 }, async (t) => {
    const { file, reused } = await executedNotebook(name, OUT);
    executed.set(name, file);
    t.diagnostic(`${reused ? 'reused' : 'executed'} ${file}`);
    const outputs = figureOutputs(file);
    assert.ok(outputs.length > 0, `${name} shows no plotly figure`);

    // 1. the bundle
    outputs.forEach((o, k) => {
      assert.ok(o.svg && o.svg.startsWith('<svg'), `${name} figure ${k + 1}: no image/svg+xml in its output`);
      const img = /<img class="nnlab-static" alt="[^"]*" src="data:image\/svg\+xml,([^"]*)"/.exec(o.html);
      assert.ok(img, `${name} figure ${k + 1}: its HTML holds no static image`);
      assert.equal(decodeURIComponent(img[1]), o.svg, `${name} figure ${k + 1}: the <img> shows another SVG than image/svg+xml`);
    });

    // 2. the static drawing against plotly's in Chromium
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    const page = await context.newPage();
    await page.route('**/*', (route) => (route.request().url().startsWith('about:') ? route.continue() : route.abort()));
    await page.setContent('<html><body style="margin:0;background:#fff"><div id="live" style="width:960px"></div></body></html>');
    await page.addScriptTag({ path: PLOTLY });
    const problems: string[] = [];
    for (const [k, o] of outputs.entries()) {
      const m = await page.evaluate(compareInPage, { figure: o.figure, svg: o.svg! }) as Comparison;
      fs.writeFileSync(path.join(OUT, `${name}-${String(k + 1).padStart(2, '0')}.png`), Buffer.from(m.png.split(',')[1], 'base64'));
      const title = String((o.figure.layout.title as { text?: string } | undefined)?.text ?? '').slice(0, 60);
      const numbers = `dark pixels matched ${m.liveCovered.toFixed(3)} / ${m.staticCovered.toFixed(3)}, mean difference ${m.meanDiff.toFixed(4)}`;
      t.diagnostic(`figure ${k + 1} "${title}": ${numbers}`);
      if (Math.min(m.liveCovered, m.staticCovered) < MIN_COVERAGE || m.meanDiff > MAX_MEAN_DIFF) {
        problems.push(`figure ${k + 1} "${title}": ${numbers} (bounds ${MIN_COVERAGE}, ${MAX_MEAN_DIFF})`);
      }
      const missing = m.liveTexts.filter((s) => !m.staticTexts.includes(s));
      const extra = m.staticTexts.filter((s) => !m.liveTexts.includes(s));
      if (missing.length || extra.length) problems.push(`figure ${k + 1} "${title}": texts differ: only live ${JSON.stringify(missing)}, only static ${JSON.stringify(extra)}`);
    }
    await context.close();
    assert.deepEqual(problems, [], `${name}: static figures that do not look like plotly's (side by side in ${OUT})`);

  });
}

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

test('opened as untrusted notebooks in the classic Notebook, every lesson shows each figure as its static image', { timeout: 20 * 60_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-untrusted-'));
  const expected = new Map<string, number>();
  for (const name of lessons) {
    const file = executed.get(name) ?? (await executedNotebook(name, OUT)).file;
    const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as { metadata: Record<string, unknown> };
    // a notebook this machine never signed is untrusted: scripts and styles are dropped from its HTML
    nb.metadata.nnlab_untrusted_copy = Date.now();
    fs.writeFileSync(path.join(dir, `${name}.ipynb`), JSON.stringify(nb));
    expected.set(name, figureOutputs(file).length);
  }
  const port = await freePort();
  const token = Math.random().toString(36).slice(2);
  const python = findJupyterPython().python;
  // the server's log goes to a file, not a pipe: kernels it starts must not hold this process open
  const logFile = path.join(dir, 'server.log');
  const logFd = fs.openSync(logFile, 'w');
  const server: ChildProcess = spawn(python, ['-m', 'notebook', '--no-browser', `--port=${port}`, '--ip=127.0.0.1', `--NotebookApp.token=${token}`,
    '--allow-root', `--notebook-dir=${dir}`, '--NotebookApp.open_browser=False'],
  { stdio: ['ignore', logFd, logFd], env: { ...process.env, JUPYTER_RUNTIME_DIR: path.join(dir, '.runtime') } });
  fs.closeSync(logFd);
  const api = `http://127.0.0.1:${port}/api`;
  /** Shuts down every kernel the server started (opening a notebook starts one). */
  const shutdownKernels = async () => {
    const kernels = await fetch(`${api}/kernels?token=${token}`).then((r) => r.json() as Promise<{ id: string }[]>, () => []);
    for (const k of kernels) await fetch(`${api}/kernels/${k.id}?token=${token}`, { method: 'DELETE' }).catch(() => undefined);
  };
  const log = () => fs.readFileSync(logFile, 'utf8');
  try {
    const deadline = Date.now() + 60_000;
    while (!/Jupyter Notebook [\d.]+ is running|http:\/\/127\.0\.0\.1/.test(log())) {
      assert.ok(Date.now() < deadline, `the classic Notebook server did not start:\n${log().slice(-2000)}`);
      assert.equal(server.exitCode, null, `the classic Notebook server exited:\n${log().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.route('**/*', (route) => {
      const url = route.request().url();
      return url.startsWith(`http://127.0.0.1:${port}/`) || url.startsWith('data:') ? route.continue() : route.abort();
    });
    const problems: string[] = [];
    for (const name of lessons) {
      await page.goto(`http://127.0.0.1:${port}/notebooks/${name}.ipynb?token=${token}`);
      await page.waitForFunction((n) => (window as unknown as { IPython?: { notebook?: { _fully_loaded?: boolean } } }).IPython?.notebook?._fully_loaded === true &&
        document.querySelectorAll('.output_area img.nnlab-static').length >= n, expected.get(name)!, { timeout: 90_000 }).catch(() => undefined);
      const r = await page.evaluate(async () => {
        const nb = (window as unknown as { IPython: { notebook: { trusted: boolean; kernel?: { kill?: () => void } } } }).IPython.notebook;
        const imgs = Array.from(document.querySelectorAll('.output_area img.nnlab-static')) as HTMLImageElement[];
        const ok = [];
        for (const img of imgs) ok.push(await img.decode().then(() => img.naturalWidth > 0 && img.getBoundingClientRect().width > 300, () => false));
        return { trusted: nb.trusted, shown: ok.filter(Boolean).length, interactive: document.querySelectorAll('.output_area svg.main-svg').length };
      });
      t.diagnostic(`${name}: trusted ${r.trusted}, ${r.shown} of ${expected.get(name)} static images shown, ${r.interactive} interactive charts`);
      if (r.trusted) problems.push(`${name}: the copy opened as trusted, so this checks nothing`);
      if (r.shown !== expected.get(name)) problems.push(`${name}: ${r.shown} of ${expected.get(name)} static images shown`);
      await shutdownKernels();
    }
    await context.close();
    assert.deepEqual(problems, []);
  } finally {
    await shutdownKernels();
    server.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    if (server.exitCode === null) server.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Runs in the page (plotly.js loaded, a 960 px `#live` div): draws the figure with plotly and the
 * static SVG as an image, both into 960 px canvases, and compares them.
 */
async function compareInPage(arg: { figure: { data: unknown[]; layout: Record<string, unknown> }; svg: string }): Promise<Comparison> {
  const Plotly = (window as unknown as { Plotly: { newPlot: (...a: unknown[]) => Promise<unknown>; toImage: (el: unknown, o: object) => Promise<string>; purge: (el: unknown) => void } }).Plotly;
  const live = document.getElementById('live')!;
  live.innerHTML = '';
  const W = 960;
  const H = typeof arg.figure.layout.height === 'number' ? arg.figure.layout.height : 360;
  live.style.height = `${H}px`;
  await Plotly.newPlot(live, arg.figure.data, { ...arg.figure.layout, width: W, height: H }, { staticPlot: true });
  const liveSvg = decodeURIComponent((await Plotly.toImage(live, { format: 'svg', width: W, height: H })).replace(/^data:image\/svg\+xml,/, ''));
  Plotly.purge(live);
  const draw = async (svg: string) => {
    const img = new Image();
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = W; c.height = H;
    const x = c.getContext('2d')!;
    x.fillStyle = '#fff'; x.fillRect(0, 0, W, H); x.drawImage(img, 0, 0, W, H);
    return c;
  };
  const ca = await draw(liveSvg);
  const cb = await draw(arg.svg);
  const da = ca.getContext('2d')!.getImageData(0, 0, W, H).data;
  const db = cb.getContext('2d')!.getImageData(0, 0, W, H).data;
  const ink = (d: Uint8ClampedArray) => { const m = new Uint8Array(W * H); for (let i = 0; i < W * H; i++) m[i] = (d[4 * i] + d[4 * i + 1] + d[4 * i + 2]) / 3 < 200 ? 1 : 0; return m; };
  const near = (m: Uint8Array, r: number) => {
    const o = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      if (!m[y * W + x]) continue;
      for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) { const yy = y + dy; const xx = x + dx; if (yy >= 0 && yy < H && xx >= 0 && xx < W) o[yy * W + xx] = 1; }
    }
    return o;
  };
  const ia = ink(da); const ib = ink(db); const na = near(ia, 2); const nb = near(ib, 2);
  let inkA = 0; let covA = 0; let inkB = 0; let covB = 0; let diff = 0;
  for (let i = 0; i < W * H; i++) {
    if (ia[i]) { inkA++; if (nb[i]) covA++; }
    if (ib[i]) { inkB++; if (na[i]) covB++; }
    diff += (Math.abs(da[4 * i] - db[4 * i]) + Math.abs(da[4 * i + 1] - db[4 * i + 1]) + Math.abs(da[4 * i + 2] - db[4 * i + 2])) / 3;
  }
  const texts = (svg: string) => {
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
    return Array.from(doc.querySelectorAll('text')).map((e) => (e.textContent ?? '').trim()).filter(Boolean).sort();
  };
  const side = document.createElement('canvas');
  side.width = W; side.height = 2 * H + 8;
  const sx = side.getContext('2d')!;
  sx.fillStyle = '#d62728'; sx.fillRect(0, 0, W, 2 * H + 8); sx.drawImage(ca, 0, 0); sx.drawImage(cb, 0, H + 8);
  return { liveCovered: covA / Math.max(1, inkA), staticCovered: covB / Math.max(1, inkB), meanDiff: diff / (W * H) / 255, liveTexts: texts(liveSvg), staticTexts: texts(arg.svg), png: side.toDataURL('image/png') };
}
