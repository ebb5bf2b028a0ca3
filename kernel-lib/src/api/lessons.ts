import { runNotebook as runNotebookWith, RunNotebookOptions, RunNotebookResult } from '../jupyter/run';
import { plotlyBundle } from '../show/plot';

/**
 * `nn.listLessons()`: the lessons of the registry as plain rows (notebook, title, summary, the
 * `nn.` namespace, CLI commands, homework), the same list `nnlab list` prints; `nn.runNotebook`
 * runs one headless, giving its HTML export plotly.js (jupyter/ cannot read it itself).
 *
 * @example
 * nn.table(nn.listLessons().map((l) => ({ notebook: l.name, title: l.title })));
 */
export { lessonRows as listLessons } from '../lessons/registry';
export type { LessonRow } from '../lessons/registry';

/**
 * Runs a notebook headless in real Jupyter and resolves when it is done; `ok` is false when a cell
 * failed. With `html` it also writes an HTML page with one copy of plotly.js inside (or none with
 * `htmlMode: 'static'`: the figures' static images only).
 *
 * @example
 * const run = await nn.runNotebook({ notebook: '00', kernel: 'cpu', quick: true, html: true, outDir: 'out' });
 * run.ok         // false when a cell failed
 * run.executed   // e.g. '/home/me/nnlab/out/00-getting-started.ipynb', beside it the .html
 */
export function runNotebook(options: RunNotebookOptions): Promise<RunNotebookResult> {
  const inline = options.html && (options.htmlMode ?? 'inline') === 'inline';
  return runNotebookWith({ ...options, plotly: options.plotly ?? (inline ? plotlyBundle() : undefined) });
}
