/**
 * Lesson zero in a real browser: headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core) looks at what a student sees.
 * 1. The HTML export of `nnlab run`, opened from disk with every network request blocked: the
 *    embedded plotly.js defines `window.Plotly` and every chart is drawn as SVG.
 * 2. The live classic Notebook (`python -m notebook` on loopback): Cell > Run All on a copy of the
 *    lesson; no cell fails, the charts are drawn, and the progress bar is one output updated in
 *    place (update_display_data) whose `data-done` climbs to `data-total`.
 *
 * Needs the built library (`npx tsc -p tsconfig.json`), Chromium and Jupyter's classic Notebook.
 * Screenshots, browser console logs and the server log go to test-output/browser/.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Browser, Page } from 'playwright-core';
import { BrowserLog, freshDir, launchChromium, openLoggedPage, phaseTimer, waitForFigures, writeLog } from './chromium';
import { temporaryKernelDir } from '../src/jupyter/kernelspec';
import { findJupyterPython } from '../src/jupyter/python';
import { repoRoot } from '../src/core/paths';
import { plotlyBundle } from '../src/show/plot';

const LESSON = '00-getting-started';
/** Lesson zero draws two charts: the first-tensor histogram (bar + line subplots) and the training loss. */
const EXPECTED_FIGURES = 2;
const REPO = repoRoot();
const OUT = path.join(REPO, 'test-output', 'browser');
const NNLAB_BIN = path.join(REPO, 'kernel-lib', 'bin', 'nnlab.js');

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What the page shows of each `.nnlab-figure`: its id, SVG layers and plotly trace groups. */
interface FigureInfo { id: string; mainSvgs: number; traces: number; barTraces: number; scatterTraces: number; text: string }

function figureInfo(page: Page, root = 'body'): Promise<FigureInfo[]> {
  return page.evaluate((rootSelector) => {
    const figures = Array.from(document.querySelectorAll(`${rootSelector} .nnlab-figure`));
    return figures.map((f) => ({
      id: f.id,
      mainSvgs: f.querySelectorAll('svg.main-svg').length,
      traces: f.querySelectorAll('.trace').length,
      barTraces: f.querySelectorAll('g.barlayer .trace').length,
      scatterTraces: f.querySelectorAll('g.scatterlayer .trace').length,
      text: (f.textContent ?? '').slice(0, 120),
    }));
  }, root);
}

// ---------------------------------------------------------------------------------------------
// Processes

/** Runs `command args` and resolves with its exit code and output; kills it after `timeoutMs`. */
function runProcess(command: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }):
  Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => { output += d; });
    child.stderr!.on('data', (d) => { output += d; });
    const timer = setTimeout(() => {
      output += `\n[killed after ${opts.timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, output }); });
  });
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** The HTTP status of a GET (0 when nothing answers). */
function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 5_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

interface NotebookServer {
  url: string;
  port: number;
  token: string;
  /** Everything the server printed so far. */
  output(): string;
  /** Stops the server (SIGTERM, which shuts its kernels down; SIGKILL to its group after 15 s). */
  stop(): Promise<void>;
}

/** Server processes still alive; killed on exit even if a test is cut off by its timeout. */
const liveServers = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of liveServers) {
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
  }
});

/**
 * Starts Jupyter's classic Notebook on 127.0.0.1 and a free port, serving `notebookDir`, with this
 * clone's kernelspecs on JUPYTER_PATH and Jupyter's config, data and runtime dirs in `scratch`;
 * resolves once `/api/status` answers.
 */
async function startNotebookServer(notebookDir: string, scratch: string, extraEnv: NodeJS.ProcessEnv): Promise<NotebookServer> {
  const python = findJupyterPython().python;
  const probe = await runProcess(python, ['-c', 'import notebook; print(notebook.__version__)'], { cwd: scratch, timeoutMs: 60_000 });
  assert.equal(probe.code, 0, `${python} has no classic Notebook (Debian: apt-get install jupyter-notebook):\n${probe.output}`);
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_CONFIG_DIR: path.join(scratch, 'config'),
    JUPYTER_DATA_DIR: path.join(scratch, 'data'),
    JUPYTER_RUNTIME_DIR: path.join(scratch, 'runtime'),
    ...extraEnv,
  };
  const args = ['-m', 'notebook', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0',
    `--NotebookApp.token=${token}`, `--notebook-dir=${notebookDir}`];
  if (process.getuid?.() === 0) args.push('--allow-root');
  // detached: its own process group, so the kernels it started can be killed with it if need be.
  const child = spawn(python, args, { cwd: notebookDir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  liveServers.add(child);
  let output = '';
  child.stdout!.on('data', (d) => { output += d; });
  child.stderr!.on('data', (d) => { output += d; });
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) => child.on('exit', (code, signal) => {
    exited = code ?? (signal ? -1 : null);
    liveServers.delete(child);
    resolve();
  }));
  const url = `http://127.0.0.1:${port}`;
  const server: NotebookServer = {
    url, port, token,
    output: () => output,
    async stop() {
      if (exited !== undefined) return;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const stopped = await Promise.race([exit.then(() => true),
        new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), 15_000); })]);
      clearTimeout(timer);
      if (!stopped) {
        try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
        await exit;
      }
    },
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited !== undefined) break;
    if (await httpStatus(`${url}/api/status?token=${token}`) === 200) return server;
    await sleep(250);
  }
  await server.stop();
  throw new Error(`the classic Notebook did not answer on ${url} within 60 s (exit code ${exited}):\n${output.slice(-4000)}`);
}

// ---------------------------------------------------------------------------------------------
// The classic Notebook's page (its global `Jupyter` object, notebook 6)

interface JupyterCell {
  cell_type: string;
  input_prompt_number?: number | string | null;
  element: ArrayLike<Element>;
  get_text(): string;
}
interface JupyterGlobal {
  notebook?: {
    kernel?: { is_connected(): boolean; info_reply: Record<string, unknown> } | null;
    kernel_busy: boolean;
    get_cells(): JupyterCell[];
    execute_all_cells(): void;
  };
}
type JupyterWindow = Window & { Jupyter?: JupyterGlobal; nnlabProgress?: { done: string[]; total: string[]; elements: number } };

// ---------------------------------------------------------------------------------------------

test('the HTML export of lesson zero, opened from disk, shows the rendered plotly figures', { timeout: 600_000 }, async (t) => {
  const phase = phaseTimer(t);
  assert.ok(fs.existsSync(path.join(REPO, 'kernel-lib', 'dist', 'cli', 'main.js')),
    'the nnlab CLI is not built: run `npx tsc -p tsconfig.json` in kernel-lib first');
  const exportDir = freshDir(path.join(OUT, 'export'));
  const run = await runProcess(process.execPath, [NNLAB_BIN, 'run', LESSON, '--quick', '--html', '--out', exportDir],
    { cwd: REPO, timeoutMs: 420_000 });
  phase('nnlab run --quick --html');
  assert.equal(run.code, 0, `nnlab run ${LESSON} --quick --html failed:\n${run.output.slice(-4000)}`);
  const html = path.join(exportDir, `${LESSON}.html`);
  assert.ok(fs.existsSync(html), `nnlab run did not write ${html}:\n${run.output.slice(-2000)}`);

  const browser = await launchChromium();
  phase('Chromium launch');
  try {
    const { page, log } = await openLoggedPage(browser, (url) => url.startsWith('file:') || url.startsWith('data:'));
    try {
      await page.goto(`file://${html}`, { waitUntil: 'load', timeout: 120_000 });
      await waitForFigures(page, 30_000);
      phase('export page load and figures');
      // Let MathJax finish, so its "Loading ..." box is not in the screenshot (it does not affect the charts).
      await page.waitForFunction(() => {
        const box = document.getElementById('MathJax_Message');
        return !box || box.style.display === 'none' || !box.textContent;
      }, null, { timeout: 15_000, polling: 250 }).catch(() => undefined);
      await page.screenshot({ path: path.join(OUT, 'export.png'), fullPage: true });

      const plotlyVersion = await page.evaluate(() => (window as Window & { Plotly?: { version?: string } }).Plotly?.version);
      assert.equal(plotlyVersion, plotlyBundle().version,
        `window.Plotly.version should be the embedded plotly.js ${plotlyBundle().version}, got ${plotlyVersion}; ` +
        `page errors: ${JSON.stringify(log.pageErrors)}`);
      const figures = await figureInfo(page);
      assert.equal(figures.length, EXPECTED_FIGURES, `the export should hold ${EXPECTED_FIGURES} .nnlab-figure divs: ${JSON.stringify(figures)}`);
      for (const f of figures) {
        assert.ok(f.mainSvgs > 0, `figure ${f.id} has no svg.main-svg (not drawn by plotly); it shows "${f.text}"`);
      }
      const [first] = figures;
      assert.deepEqual({ bar: first.barTraces, scatter: first.scatterTraces }, { bar: 1, scatter: 1 },
        `the first figure should draw one histogram bar trace and one line trace: ${JSON.stringify(first)}`);
      const progress = await page.evaluate(() => Array.from(document.querySelectorAll('.nnlab-progress'))
        .map((p) => [p.getAttribute('data-done'), p.getAttribute('data-total')]));
      assert.equal(progress.length, 1, `the export should hold one progress bar, found ${JSON.stringify(progress)}`);
      assert.equal(progress[0][0], progress[0][1], `the exported progress bar should be complete: data-done/total = ${progress[0].join('/')}`);
      assert.deepEqual(log.pageErrors, [], 'the exported page threw uncaught errors');
    } finally {
      writeLog(path.join(OUT, 'export-console.txt'), log);
    }
  } finally {
    await browser.close();
  }
});

test('lesson zero runs in the live classic Notebook: the figures render and the progress bar updates in place', { timeout: 600_000 }, async (t) => {
  const phase = phaseTimer(t);
  // The notebook folder must lie inside the repository, so that `import 'nnlab'` in the kernel
  // resolves through the repository's node_modules.
  const liveDir = freshDir(path.join(OUT, 'live'));
  fs.copyFileSync(path.join(REPO, 'notebooks', `${LESSON}.ipynb`), path.join(liveDir, `${LESSON}.ipynb`));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-browser-'));
  const kernelDir = temporaryKernelDir();
  const jupyterPath = [kernelDir, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
  let server: NotebookServer | null = null;
  let browser: Browser | null = null;
  try {
    server = await startNotebookServer(liveDir, scratch, { JUPYTER_PATH: jupyterPath, NNLAB_QUICK: '0' });
    phase('notebook server start');
    browser = await launchChromium();
    phase('Chromium launch');
    const origin = server.url;
    const { page, log } = await openLoggedPage(browser,
      (url) => url.startsWith(`${origin}/`) || url.startsWith('data:') || url.startsWith('blob:'));
    try {
      await page.goto(`${origin}/notebooks/${LESSON}.ipynb?token=${server.token}`, { waitUntil: 'load', timeout: 60_000 });
      // The kernel is ready once it is connected, has answered kernel_info and is idle.
      await page.waitForFunction(() => {
        const nb = (window as JupyterWindow).Jupyter?.notebook;
        const kernel = nb?.kernel;
        return Boolean(kernel && kernel.is_connected() && Object.keys(kernel.info_reply ?? {}).length > 0 && !nb!.kernel_busy);
      }, null, { timeout: 90_000, polling: 250 });
      phase('notebook page load and kernel ready');

      // Record every distinct data-done of the progress bar, whichever element carries it.
      await page.evaluate(() => {
        const w = window as JupyterWindow;
        const rec = { done: [] as string[], total: [] as string[], elements: 0 };
        const seen = new WeakSet<Element>();
        w.nnlabProgress = rec;
        const record = () => {
          for (const el of Array.from(document.querySelectorAll('.nnlab-progress'))) {
            if (!seen.has(el)) { seen.add(el); rec.elements += 1; }
            const done = el.getAttribute('data-done') ?? '';
            const total = el.getAttribute('data-total') ?? '';
            if (!rec.done.includes(done)) rec.done.push(done);
            if (!rec.total.includes(total)) rec.total.push(total);
          }
        };
        new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-done'] });
      });

      const started = Date.now();
      await page.evaluate(() => (window as JupyterWindow).Jupyter!.notebook!.execute_all_cells());
      // Done when the kernel is idle and every code cell has an execution count (or a cell failed).
      await page.waitForFunction(() => {
        const nb = (window as JupyterWindow).Jupyter!.notebook!;
        if (nb.kernel_busy) return false;
        if (document.querySelector('.output_error')) return true;
        return nb.get_cells().filter((c) => c.cell_type === 'code').every((c) => typeof c.input_prompt_number === 'number');
      }, null, { timeout: 120_000, polling: 250 }).catch(() => undefined);
      const runSeconds = (Date.now() - started) / 1000;
      phase('Run All');
      await waitForFigures(page, 30_000);

      const state = await page.evaluate(() => {
        const w = window as JupyterWindow;
        const cells = w.Jupyter!.notebook!.get_cells().filter((c) => c.cell_type === 'code');
        const training = cells.find((c) => c.get_text().includes('nn.progressBar('));
        const trainingEl = training?.element[0];
        return {
          prompts: cells.map((c) => c.input_prompt_number ?? null),
          errors: Array.from(document.querySelectorAll('.output_error')).map((e) => (e.textContent ?? '').slice(0, 500)),
          trainingFound: Boolean(trainingEl),
          trainingProgress: trainingEl ? Array.from(trainingEl.querySelectorAll('.nnlab-progress'))
            .map((p) => ({ done: p.getAttribute('data-done'), total: p.getAttribute('data-total') })) : [],
          trainingFigures: trainingEl ? trainingEl.querySelectorAll('.nnlab-figure').length : 0,
          progressInPage: document.querySelectorAll('.nnlab-progress').length,
          observed: w.nnlabProgress!,
        };
      });

      // Screenshots before asserting, so a failure leaves a picture: the whole notebook (the page
      // scrolls inside #site, so let it grow) and the training cell.
      const trainingCell = page.locator('.cell.code_cell').filter({ hasText: 'gradient descent' }).last();
      if (await trainingCell.count()) await trainingCell.screenshot({ path: path.join(OUT, 'live-training.png') }).catch(() => undefined);
      await page.evaluate(() => {
        const site = document.getElementById('site');
        if (site) { site.style.height = 'auto'; site.style.overflow = 'visible'; }
      });
      await page.screenshot({ path: path.join(OUT, 'live.png'), fullPage: true });
      phase('screenshots');

      assert.deepEqual(state.errors, [], 'no cell of lesson zero should fail in the classic Notebook');
      assert.ok(state.prompts.length > 0 && state.prompts.every((p) => typeof p === 'number'),
        `every code cell should have run within 120 s (after ${runSeconds.toFixed(1)} s the prompts are ${JSON.stringify(state.prompts)})`);
      const plotlyVersion = await page.evaluate(() => (window as Window & { Plotly?: { version?: string } }).Plotly?.version);
      assert.equal(plotlyVersion, plotlyBundle().version,
        `the plotly.js output should define window.Plotly ${plotlyBundle().version}, got ${plotlyVersion}; page errors: ${JSON.stringify(log.pageErrors)}`);
      const figures = await figureInfo(page);
      assert.equal(figures.length, EXPECTED_FIGURES, `the notebook should show ${EXPECTED_FIGURES} .nnlab-figure divs: ${JSON.stringify(figures)}`);
      for (const f of figures) {
        assert.ok(f.mainSvgs > 0, `figure ${f.id} has no svg.main-svg (not drawn by plotly); it shows "${f.text}"`);
      }
      assert.ok(state.trainingFound, 'no code cell calls nn.progressBar( (the training cell of lesson zero)');
      assert.equal(state.trainingProgress.length, 1,
        `the training cell should hold exactly one .nnlab-progress (updated in place), found ${JSON.stringify(state.trainingProgress)}`);
      assert.equal(state.progressInPage, 1, `the page should hold one .nnlab-progress, found ${state.progressInPage}`);
      assert.equal(state.trainingFigures, 1, `the live loss chart should be one output updated in place, found ${state.trainingFigures} figures`);
      const { done, total } = state.observed;
      assert.ok(done.length >= 3,
        `the progress bar should redraw while training: at least 3 distinct data-done values, saw ${JSON.stringify(done)}`);
      assert.deepEqual(total, [state.trainingProgress[0].total], `data-total should never change, saw ${JSON.stringify(total)}`);
      assert.equal(done[done.length - 1], total[0], `the last data-done should equal data-total: saw ${JSON.stringify(done)}`);
      assert.deepEqual(log.pageErrors, [], 'the notebook page threw uncaught errors');
    } finally {
      writeLog(path.join(OUT, 'live-console.txt'), log);
    }
  } finally {
    if (browser) await browser.close();
    if (server) {
      await server.stop();
      fs.writeFileSync(path.join(OUT, 'live-server.log'), server.output());
    }
    phase('shutdown');
    fs.rmSync(kernelDir, { recursive: true, force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});
