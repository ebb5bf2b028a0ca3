/**
 * Inline plotly charts that work with no network.
 *
 * The plotly.js bundle (plotly.js-dist-min from node_modules, ~4.9 MB) is embedded once per kernel
 * session, as its own invisible output just before the first chart; every chart after that is a
 * small `<div>` plus a `Plotly.newPlot` call. Saved notebooks and `jupyter nbconvert --to html`
 * exports therefore render offline, opened from disk. Each chart output is a MIME bundle:
 * - `application/vnd.plotly.v1+json`: the figure itself, which JupyterLab (with its plotly
 *   renderer) and VS Code draw natively;
 * - `text/html`: the div and script, which the classic Notebook and nbconvert's HTML use, with the
 *   figure's static image inside the div until the script replaces it (./static);
 * - `image/svg+xml`: the static image on its own (plotly.js drawing without a browser);
 * - `text/plain`: a one-line description for logs and text front ends.
 * Element ids are deterministic (a content hash and a per-session counter): the same notebook gives
 * the same output.
 */
import * as fs from 'fs';
import { createHash } from 'crypto';
import { checkFigure, Figure, figureText, readableAxes } from './figure';
import { escapeHtml, inKernel, MimeBundle, publish } from './kernel';
import { staticFiguresEnabled, staticSvg, svgDataUri, warnNoStatic } from './static';

const PLOTLY_CONFIG = { responsive: true, displaylogo: false };

let bundleCache: { version: string; source: string } | null = null;
let embeddedInSession = false;
let figureCounter = 0;

/** The embedded plotly.js bundle: its version and source text (read once from node_modules). */
export function plotlyBundle(): { version: string; source: string } {
  if (!bundleCache) {
    const file = require.resolve('plotly.js-dist-min/plotly.min.js');
    const pkg = JSON.parse(fs.readFileSync(require.resolve('plotly.js-dist-min/package.json'), 'utf8')) as { version: string };
    bundleCache = { version: pkg.version, source: fs.readFileSync(file, 'utf8') };
  }
  return bundleCache;
}

/** JSON that is safe inside a `<script>` element (no `</script>`, no line separators). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A stable element id for a figure: a hash of its content and its position in the session. */
export function figureId(fig: Figure, index: number): string {
  const hash = createHash('sha256').update(JSON.stringify(fig)).digest('hex').slice(0, 10);
  return `nnlab-fig-${index}-${hash}`;
}

/**
 * The HTML of the bundle output: a script that defines `window.Plotly`, and an empty marker element
 * (empty, so an untrusted notebook, whose sanitizer drops the script and the styles, shows nothing).
 */
export function plotlyBundleHtml(): string {
  const { version, source } = plotlyBundle();
  return `<script type="text/javascript">/* plotly.js ${version}, embedded by nnlab (no CDN) */\n` +
    `${source}\n</script>\n<div class="nnlab-plotly-loaded" title="plotly.js ${version}"></div>`;
}

/**
 * The HTML of one chart: a div and the script that draws into it (needs `window.Plotly`). With
 * `svg`, the div holds the chart's static image (an `<img class="nnlab-static">`), which stays
 * where the script does not run (an export opened with scripts off, an untrusted notebook) and
 * which the script removes before it draws the interactive chart.
 */
export function figureHtml(fig: Figure, id: string, svg?: string): string {
  const height = typeof fig.layout.height === 'number' ? fig.layout.height : 360;
  const title = ((fig.layout.title as { text?: string } | undefined)?.text ?? 'figure').replace(/<br\s*\/?>/gi, ' ').replace(/<[^>]*>/g, '').trim();
  const missing = escapeHtml('The interactive chart needs plotly.js, which nnlab embeds with the first chart of a kernel ' +
    'session. Run the notebook from the top (or call nn.embedPlotly()) to load it.');
  const image = svg === undefined ? '' :
    `<img class="nnlab-static" alt="${escapeHtml(title)}" src="${svgDataUri(svg)}" style="display:block;width:100%;height:auto;">`;
  const box = svg === undefined ? `height:${height}px;` : `min-height:${height}px;`;
  return `<div id="${id}" class="nnlab-figure" style="width:100%;max-width:960px;${box}">${image}</div>\n` +
    `<script type="text/javascript">\n(function () {\n` +
    `  var el = document.getElementById(${JSON.stringify(id)});\n  if (!el) return;\n` +
    `  var fig = ${scriptJson(fig)};\n` +
    `  if (!window.Plotly) {\n` +
    `    var note = document.createElement('div'); note.style.font = '12px sans-serif'; note.style.color = '#555';\n` +
    `    note.textContent = ${JSON.stringify(missing)}; el.style.height = 'auto'; el.appendChild(note); return;\n  }\n` +
    `  var still = el.querySelector('.nnlab-static'); if (still) still.remove();\n` +
    `  el.style.height = '${height}px';\n` +
    `  window.Plotly.newPlot(el, fig.data, fig.layout, ${JSON.stringify(PLOTLY_CONFIG)});\n})();\n</script>`;
}

/**
 * The MIME bundle of one chart: plotly's JSON, the HTML (with the static image inside unless
 * `withStatic` is false: live redraws skip it), `image/svg+xml` (the static image on its own) and
 * a line of text.
 */
export function figureBundle(figure: Figure, id: string, withStatic = true): MimeBundle {
  const fig = readableAxes(figure);
  let svg: string | undefined;
  if (withStatic && staticFiguresEnabled()) {
    const r = staticSvg(fig);
    if ('svg' in r) svg = r.svg;
    else warnNoStatic(r.error);
  }
  return {
    'application/vnd.plotly.v1+json': { data: fig.data, layout: fig.layout, config: PLOTLY_CONFIG },
    'text/html': figureHtml(fig, id, svg),
    ...(svg === undefined ? {} : { 'image/svg+xml': svg }),
    'text/plain': figureText(fig),
  };
}

/**
 * Publishes the plotly.js bundle into the current cell's output (once per kernel session unless
 * `force`). Returns true when it was published now. Outside a kernel it does nothing.
 */
export function embedPlotly(force = true): boolean {
  if (!inKernel() || (embeddedInSession && !force)) return false;
  publish({ 'text/html': plotlyBundleHtml(), 'text/plain': '' });
  embeddedInSession = true;
  return true;
}

/** The next figure position of this session (1, 2, ...): with the content, it makes the element id. */
export function nextFigureIndex(): number {
  figureCounter += 1;
  return figureCounter;
}

/**
 * Shows a figure inline in the notebook; outside a kernel (CLI, tests) prints its one-line
 * description instead.
 *
 * @example
 * const fig = nn.figure.line({ title: 'Loss', xTitle: 'epoch', yTitle: 'loss',
 *   series: [{ name: 'train', y: [2.3, 1.1, 0.6] }, { name: 'val', y: [2.4, 1.3, 0.9] }] });
 * nn.plot(fig);   // an inline chart; outside a notebook it prints "[figure] Loss: train (3 points), val (3 points)"
 */
export function showFigure(fig: Figure): void {
  checkFigure('figure', fig);
  if (!inKernel()) {
    console.log(figureText(fig));
    return;
  }
  embedPlotly(false);
  publish(figureBundle(fig, figureId(fig, nextFigureIndex())));
}
