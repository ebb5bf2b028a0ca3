/**
 * The bridge to the tslab kernel: is this code running inside a Jupyter cell, and how to publish
 * a display bundle (several MIME types at once) into it, or update one in place.
 *
 * tslab's public `display` sends one MIME type per call; a chart needs a bundle (plotly JSON for
 * JupyterLab and VS Code, HTML for the classic Notebook and HTML exports, plain text for logs),
 * so this module calls the same function tslab's own display uses (`lastWriteDisplayData`),
 * which is set only while a kernel executes a cell. tslab is pinned exactly, and the notebook
 * tests exercise this path in real Jupyter.
 */

import { inKernel, tslabJupyter } from '../core/kernel';

export { inKernel };

/** A Jupyter MIME bundle: MIME type -> content (JSON types carry objects). */
export type MimeBundle = Record<string, unknown>;

/**
 * Publishes `bundle` as a display_data message; with `displayId`, later calls with `update: true`
 * replace that output in place (update_display_data). Returns false outside a kernel.
 */
export function publish(bundle: MimeBundle, opts: { displayId?: string; update?: boolean } = {}): boolean {
  const j = tslabJupyter();
  if (!j || typeof j.lastWriteDisplayData !== 'function') return false;
  j.lastWriteDisplayData({
    data: bundle,
    metadata: {},
    transient: opts.displayId ? { display_id: opts.displayId } : {},
  }, Boolean(opts.update));
  return true;
}

/** HTML-escapes text for element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
