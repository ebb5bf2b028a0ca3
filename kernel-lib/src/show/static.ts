/**
 * Static twins of figures, for every place that does not run a chart's script: GitHub's and
 * nbviewer's notebook views, an untrusted notebook, an HTML export opened with scripts off, a PDF,
 * an e-mail to a teacher. `staticSvg(fig)` returns the figure drawn by plotly.js itself, without a
 * browser (./staticRender), as SVG text; ./plot puts it into every chart's display bundle, both as
 * `image/svg+xml` and as an `<img>` inside the chart's HTML that the chart's script replaces with the
 * interactive figure.
 *
 * A kernel's display calls are synchronous, and plotly draws some traces (image, heatmap) after a
 * promise, so the drawing runs in a worker thread (./staticWorker) and the caller waits for it on a
 * shared flag (`Atomics.wait`): tens of milliseconds per figure, about a second more for the first
 * one of a process (loading jsdom and plotly). `NNLAB_STATIC_FIGURES=0` turns static images off.
 */
import * as path from 'path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';
import { Figure } from './figure';
import { StaticRenderOptions } from './staticRender';

/** The longest a display waits for a static image: the first one loads jsdom and plotly. */
const FIRST_WAIT_MS = 60_000;
const WAIT_MS = 25_000;

let worker: Worker | null = null;
let served = 0;
/** Why static images stopped for this process: a drawing thread that never answers is not waited for again. */
let gaveUp: string | null = null;
let warned = false;

/**
 * Are static images on? `NNLAB_STATIC_FIGURES=0` (or `false`, `off`) turns them off.
 *
 * @example
 * nn.figure.staticFiguresEnabled()   // true unless NNLAB_STATIC_FIGURES=0
 */
export function staticFiguresEnabled(): boolean {
  return !/^(0|false|off|no)$/i.test(process.env.NNLAB_STATIC_FIGURES ?? '');
}

function renderer(): Worker {
  if (!worker) {
    worker = new Worker(path.join(__dirname, 'staticWorker.js'));
    worker.unref();
    worker.on('error', () => { worker = null; });
    worker.on('exit', () => { worker = null; });
  }
  return worker;
}

/**
 * The figure as SVG text, drawn by plotly.js without a browser, or `{ error }` saying why not (the
 * interactive chart does not depend on it). Synchronous: it waits for the drawing thread.
 *
 * @example
 * const fig = nn.figure.line({ title: 'Loss', xTitle: 'epoch', yTitle: 'loss', series: [{ name: 'train', y: [2.3, 1.1, 0.6] }] });
 * const r = nn.figure.staticSvg(fig);
 * if ('svg' in r) console.log(r.svg.length);   // ~10,000 characters of SVG
 */
export function staticSvg(fig: Figure, options: StaticRenderOptions = {}): { svg: string } | { error: string } {
  if (gaveUp) return { error: gaveUp };
  let w: Worker;
  try {
    w = renderer();
  } catch (e) {
    return { error: `the drawing thread did not start: ${e instanceof Error ? e.message : String(e)}` };
  }
  const flag = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  try {
    w.postMessage({ figure: { data: fig.data, layout: fig.layout }, options, flag, port: port2 }, [port2]);
    const limit = served === 0 ? FIRST_WAIT_MS : WAIT_MS;
    const waited = Atomics.wait(new Int32Array(flag), 0, 0, limit);
    const answer = receiveMessageOnPort(port1)?.message as { svg?: string; error?: string } | undefined;
    if (waited === 'timed-out' && !answer) {
      gaveUp = `drawing took longer than ${limit / 1000} s; no more static images in this session`;
      return { error: gaveUp };
    }
    served += 1;
    if (!answer) {
      gaveUp = 'the drawing thread gave no answer; no more static images in this session';
      return { error: gaveUp };
    }
    return answer.svg !== undefined ? { svg: answer.svg } : { error: answer.error ?? 'unknown error' };
  } finally {
    port1.close();
  }
}

/**
 * Says once per process, on stderr, that a figure has no static image and why.
 */
export function warnNoStatic(reason: string): void {
  if (warned) return;
  warned = true;
  process.stderr.write(`nnlab: a figure has no static image (${reason}); the interactive chart is not affected. ` +
    'Set NNLAB_STATIC_FIGURES=0 to stop trying.\n');
}

/**
 * An SVG document as a `data:` URI for an `<img src>`: percent-encoded only where a URI or an HTML
 * attribute needs it, so it stays close to the SVG's own size (base64 would add a third).
 *
 * @example
 * svgDataUri('<svg xmlns="http://www.w3.org/2000/svg"/>')   // 'data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E' (spaces stay)
 */
export function svgDataUri(svg: string): string {
  return `data:image/svg+xml,${svg.replace(/[%#"<>&\n\r\t]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}`;
}
