/**
 * Headless notebook runs: `nnlab run <notebook>` executes a notebook top to bottom in real Jupyter
 * with an nnlab kernel (through scripts/run-notebook.py and nbclient), writes the executed .ipynb
 * and optionally an HTML export, and fails with the failing cell and its error.
 *
 * The run registers this clone's kernelspecs in a temporary Jupyter data dir (JUPYTER_PATH), so it
 * works without `nnlab kernels install` and always runs this clone's tslab.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ArgumentError, checkInt, checkOneOf } from '../core/errors';
import { KERNEL_NAMES, KernelDevice, temporaryKernelDir } from './kernelspec';
import { resolveNotebook } from './lessons';
import { runnerScript } from '../core/paths';
import { findJupyterPython } from './python';
import { exportNotebookHtml, PlotlySource } from './export';

export interface RunNotebookOptions {
  /** A lesson name ("00-getting-started"), number ("00") or path to an .ipynb. */
  notebook: string;
  /** Which nnlab kernel runs it (default 'cpu'). */
  kernel?: KernelDevice;
  /** Quick mode: NNLAB_QUICK=1 for the kernel (default false). */
  quick?: boolean;
  /** Also write an HTML export (default false): plotly.js once in the page, or none with `htmlMode: 'static'`. */
  html?: boolean;
  /** The export's plotly.js: 'inline' (default: one copy inside the page) or 'static' (none: the figures' static images). */
  htmlMode?: 'inline' | 'static';
  /** plotly.js for an inline export (show/plot.ts `plotlyBundle()`; jupyter/ cannot read it itself). */
  plotly?: PlotlySource;
  /** Output folder (default ./out). */
  outDir?: string;
  /** Seconds allowed per cell (default 1200). */
  timeout?: number;
  /** Extra environment for the kernel. */
  env?: Record<string, string>;
  /**
   * After the first pass, run every code cell again and then every check cell once more, in the
   * same kernel, counting live tensors after each pass (default false): `result.rerun`.
   */
  rerun?: boolean;
}

/** What re-running a notebook in the same kernel showed. */
export interface RerunReport {
  /** Live tensors after pass 1 (top to bottom), pass 2 (again) and pass 3 (the check cells again). */
  tensors: number[];
  /** Errors of passes 2 and 3, one line each. */
  errors: string[];
}

export interface RunNotebookResult {
  ok: boolean;
  exitCode: number;
  notebook: string;
  executed: string;
  html: string | null;
  seconds: number;
  /** With `rerun`, when the first pass succeeded. */
  rerun?: RerunReport;
}

/**
 * Runs a notebook and resolves when Jupyter is done; `ok` is false when a cell failed.
 *
 * @example
 * const run = await runNotebook({ notebook: '00', kernel: 'cpu', quick: true, html: true, outDir: 'out', plotly: plotlyBundle() });
 * run.ok         // false when a cell failed
 * run.executed   // e.g. '/home/me/nnlab/out/00-getting-started.ipynb', beside it the .html (plotly.js once, inline)
 */
export async function runNotebook(options: RunNotebookOptions): Promise<RunNotebookResult> {
  const kernel = checkOneOf('kernel', options.kernel ?? 'cpu', ['cpu', 'gpu'] as const);
  const timeout = checkInt('timeout', options.timeout ?? 1200, { min: 1 });
  const htmlMode = checkOneOf('htmlMode', options.htmlMode ?? 'inline', ['inline', 'static'] as const);
  if (options.html && htmlMode === 'inline' && !options.plotly) {
    throw new ArgumentError('plotly', options.plotly, 'the plotly.js source', "plotly must be the plotly.js source ({ version, source }) for an inline HTML export (or htmlMode: 'static'), got undefined");
  }
  const notebook = resolveNotebook(options.notebook);
  const outDir = path.resolve(options.outDir ?? 'out');
  fs.mkdirSync(outDir, { recursive: true });
  const base = path.basename(notebook, '.ipynb');
  const executed = path.join(outDir, `${base}.ipynb`);
  const html = options.html ? path.join(outDir, `${base}.html`) : null;
  const python = findJupyterPython();
  const kernelDir = temporaryKernelDir();
  const env = {
    ...process.env,
    ...options.env,
    JUPYTER_PATH: [kernelDir, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter),
    NNLAB_QUICK: options.quick ? '1' : '0',
  };
  const args = [runnerScript(), notebook, '--kernel', KERNEL_NAMES[kernel], '--out', executed, '--timeout', String(timeout)];
  const rerunFile = path.join(outDir, `${base}.rerun.json`);
  if (options.rerun) {
    fs.rmSync(rerunFile, { force: true });
    args.push('--rerun', rerunFile);
  }
  const started = Date.now();
  try {
    const exitCode = await new Promise<number>((resolve, reject) => {
      const child = spawn(python.python, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
      child.on('error', reject);
      child.on('close', (code) => resolve(code ?? 1));
    });
    if (html && fs.existsSync(executed)) await exportNotebookHtml(executed, html, { mode: htmlMode, plotly: options.plotly });
    const rerun = options.rerun && fs.existsSync(rerunFile) ? JSON.parse(fs.readFileSync(rerunFile, 'utf8')) as RerunReport : undefined;
    return { ok: exitCode === 0, exitCode, notebook, executed, html, seconds: (Date.now() - started) / 1000, ...(rerun ? { rerun } : {}) };
  } finally {
    fs.rmSync(kernelDir, { recursive: true, force: true });
  }
}
