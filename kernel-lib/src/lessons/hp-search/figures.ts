/**
 * Figures and tables of lesson 06's search (the hpSearch record). Builders are pure (record in,
 * plain figure or rows out); `showSearch` is the only side effect. The random-vs-grid and
 * cross-validation figures are in figuresExperiments.ts.
 *
 * @example
 * const r = await nn.hpSearch.hpSearch({ trials: 4, epochs: 1 });
 * nn.hpSearch.showSearch(r);   // the scatter over (lr, reg) and the table, best first
 */
import { ArgumentError } from '../../core/errors';
import { DIVERGED_COLOUR, Figure, logAxis, REFERENCE_COLOUR, Trace } from '../../show/figure';
import { showFigure } from '../../show/plot';
import { showTable, tableText, toTable } from '../../show/table';
import { isFailure, TrialLine } from './results';
import type { HpSearchRecord } from './search';
import type { ParamRange } from './space';

function checkRecord(record: unknown): HpSearchRecord {
  if (typeof record !== 'object' || record === null || (record as { experiment?: unknown }).experiment !== 'hpSearch') {
    throw new ArgumentError('record', record, 'a record returned by nn.hpSearch.hpSearch()');
  }
  return record as HpSearchRecord;
}

type Point = { trial: number; lr: number; reg: number; valAcc: number | null; note: string };

function points(lines: readonly (TrialLine | HpSearchRecord['trials'][number])[]): { ok: Point[]; diverged: Point[]; failed: Point[] } {
  const ok: Point[] = [];
  const diverged: Point[] = [];
  const failed: Point[] = [];
  for (const l of lines) {
    const p = { trial: l.trial, lr: l.config.lr, reg: l.config.reg, valAcc: null as number | null, note: '' };
    if (isFailure(l)) failed.push({ ...p, note: `failed: ${(l as { error: string }).error}` });
    else if ((l as { valAcc: number | null }).valAcc === null) diverged.push({ ...p, note: 'diverged' });
    else ok.push({ ...p, valAcc: (l as { valAcc: number }).valAcc });
  }
  return { ok, diverged, failed };
}

const text = (p: Point) => `trial ${p.trial}<br>lr ${p.lr.toExponential(2)}<br>reg ${p.reg.toExponential(2)}<br>${p.valAcc === null ? p.note : `val acc ${(100 * p.valAcc).toFixed(1)} %`}`;
const sci = (v: number) => v.toExponential(1).replace('e+', 'e');

/**
 * Validation accuracy over (lr, reg), both on log axes spanning exactly the ranges searched:
 * one marker per trial coloured by its accuracy (one colour scale, with a colour bar), diverged
 * trials as red ✕, failed ones as grey ✕, the best ringed. Works on a finished record's trials
 * or on the lines of a search still running (the live scatter).
 *
 * @example
 * const r = await nn.hpSearch.hpSearch({ trials: 4, epochs: 1 });
 * nn.plot(nn.hpSearch.searchScatterFigure(r.trials, r.space, 'Coarse search'));
 */
export function searchScatterFigure(lines: readonly (TrialLine | HpSearchRecord['trials'][number])[], space: Readonly<Record<string, ParamRange>>, title: string): Figure {
  const { ok, diverged, failed } = points(lines);
  const accs = ok.map((p) => p.valAcc as number);
  const best = ok.length ? ok.reduce((a, b) => ((b.valAcc as number) > (a.valAcc as number) ? b : a)) : null;
  const data: Trace[] = [{
    type: 'scatter', mode: 'markers', name: 'trials (colour: validation accuracy)', x: ok.map((p) => p.lr), y: ok.map((p) => p.reg), text: ok.map(text), hoverinfo: 'text',
    marker: {
      size: 10, color: accs, colorscale: 'Viridis', cmin: accs.length ? Math.min(...accs) : 0, cmax: accs.length ? Math.max(...accs) : 1, showscale: true,
      colorbar: { title: { text: 'val acc' }, tickformat: '.0%', thickness: 14, x: 1.02 }, line: { width: 0.5, color: '#333' },
    },
  }];
  if (diverged.length) data.push({ type: 'scatter', mode: 'markers', name: 'diverged (loss > 3× initial)', x: diverged.map((p) => p.lr), y: diverged.map((p) => p.reg), text: diverged.map(text), hoverinfo: 'text', marker: { symbol: 'x', size: 9, color: DIVERGED_COLOUR } });
  if (failed.length) data.push({ type: 'scatter', mode: 'markers', name: 'failed', x: failed.map((p) => p.lr), y: failed.map((p) => p.reg), text: failed.map(text), hoverinfo: 'text', marker: { symbol: 'x-thin-open', size: 9, color: REFERENCE_COLOUR } });
  if (best) data.push({ type: 'scatter', mode: 'markers', name: `best: ${(100 * (best.valAcc as number)).toFixed(1)} % (lr ${sci(best.lr)}, reg ${sci(best.reg)})`, x: [best.lr], y: [best.reg], hoverinfo: 'skip', marker: { symbol: 'circle-open', size: 20, color: '#000', line: { width: 2 } } });
  // each axis spans the range searched (log10 units), with 3 % of room on each side so that a
  // marker on the edge is drawn whole; the dashed box is the range itself
  const axis = (key: string, label: string) => {
    const r = space[key];
    const values = r ? [r.low, r.high] : [];
    const pad = r ? 0.03 * (Math.log10(r.high) - Math.log10(r.low)) : 0;
    // a range of a decade or more is labelled at powers of ten only (1e-5, 1e-4): plotly's digit
    // labels between them run into each other in a narrow window
    const decades = r && r.scale === 'log' ? Math.log10(r.high) - Math.log10(r.low) : 0;
    return {
      ...logAxis({ title: { text: label } }, values), ...(r && r.scale === 'log' ? { range: [Math.log10(r.low) - pad, Math.log10(r.high) + pad] } : {}),
      ...(decades >= 1 ? { dtick: 1 } : {}),
    };
  };
  const box = space.lr && space.reg
    ? [{ type: 'rect', xref: 'x', yref: 'y', x0: space.lr.low, x1: space.lr.high, y0: space.reg.low, y1: space.reg.high, line: { dash: 'dash', width: 1, color: REFERENCE_COLOUR }, layer: 'below' }]
    : [];
  return {
    data,
    layout: {
      title: { text: title }, height: 420, margin: { t: 60, r: 140, b: 60, l: 80 },
      xaxis: axis('lr', 'learning rate lr (log scale; dashed box: the range searched)'), yaxis: axis('reg', 'regularisation reg (log scale)'),
      legend: { orientation: 'h', y: -0.22 }, shapes: box,
    },
  };
}

/**
 * The scatter of a finished search (see {@link searchScatterFigure}), titled with its stage and best.
 *
 * @example
 * nn.plot(nn.hpSearch.searchFigure(await nn.hpSearch.hpSearch({ trials: 4, epochs: 1 })));
 */
export function searchFigure(record: HpSearchRecord): Figure {
  const r = checkRecord(record);
  return searchScatterFigure(r.trials, r.space, `Where do good runs sit? ${r.stage} search, ${r.trials.length} trials × ${r.options.epochs} epochs`);
}

/**
 * The results table's rows: best first by validation accuracy, then diverged and failed trials;
 * the best row flagged, and an edge warning on a best value in the outer tenth of its range.
 *
 * @example
 * const rows = nn.hpSearch.searchRows(await nn.hpSearch.hpSearch({ trials: 4, epochs: 1 }));
 * rows[0]['val acc']   // the best validation accuracy, e.g. '31.5 %'
 */
export function searchRows(record: HpSearchRecord): Record<string, string | number>[] {
  const r = checkRecord(record);
  return r.table.map((row) => ({
    rank: row.rank ?? '',
    trial: row.trial,
    lr: row.lr.toExponential(2),
    reg: row.reg.toExponential(2),
    'val acc': row.valAcc === null ? '' : `${(100 * row.valAcc).toFixed(1)} %`,
    'train acc': row.trainAcc === null ? '' : `${(100 * row.trainAcc).toFixed(1)} %`,
    note: row.best ? `best${edgeNote(r)}` : row.status,
  }));
}

/** ", lr at its high edge" for each best value in the outer part of its range. */
function edgeNote(r: HpSearchRecord): string {
  const flagged = Object.entries(r.edges ?? {}).filter(([, f]) => f.edge !== null);
  return flagged.map(([k, f]) => `; ${k} at the ${f.edge} edge of its range`).join('');
}

/**
 * The search as text (the CLI's output): the stage, the ranges, the table and the edge warnings.
 *
 * @example
 * console.log(nn.hpSearch.searchText(await nn.hpSearch.hpSearch({ trials: 4, epochs: 1 })));
 */
export function searchText(record: HpSearchRecord): string {
  const r = checkRecord(record);
  const ranges = Object.entries(r.space).map(([k, s]) => `${k} ∈ [${s.low.toExponential(1)}, ${s.high.toExponential(1)}] (${s.scale})`).join(', ');
  const lines = [
    `hp-search ${r.stage}: ${r.trials.length} trials × ${r.options.epochs} epochs on ${r.options.train} training / ${r.options.val} validation images, ${ranges}`,
    `finished ${r.counts.finished}, diverged ${r.counts.diverged}, failed ${r.counts.failed}${r.meta.resumed ? `; resumed: ${r.meta.resumed.trials} trials read from ${r.meta.out}${r.meta.resumed.partial ? `, a half-written line ${r.meta.resumed.partial.line} dropped and its trial rerun` : ''}` : ''}`,
    tableText(toTable(searchRows(r))),
  ];
  for (const [k, f] of Object.entries(r.edges ?? {})) {
    if (f.edge) lines.push(`warning: the best ${k} (${f.value.toExponential(2)}) sits at the ${f.edge} edge of its range (position ${f.position.toFixed(2)}): the optimum may lie outside; widen the range on that side`);
  }
  return lines.join('\n');
}

/**
 * Shows a search: the scatter, the table (best first) and the edge warnings.
 *
 * @example
 * nn.hpSearch.showSearch(await nn.hpSearch.hpSearch({ trials: 4, epochs: 1 }));
 */
export function showSearch(record: HpSearchRecord): void {
  const r = checkRecord(record);
  showFigure(searchFigure(r));
  showTable(searchRows(r));
  for (const [k, f] of Object.entries(r.edges ?? {})) {
    if (f.edge) console.log(`⚠ the best ${k} sits at the ${f.edge} edge of its range: the optimum may lie outside it`);
  }
}
