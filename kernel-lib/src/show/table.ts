/**
 * Result tables: arrays of records or danfo DataFrames shown as HTML tables inline in a notebook,
 * and as aligned plain text in the CLI and logs.
 *
 * @example
 * nn.table([{ init: 'he', std: 0.81 }, { init: 'xavier', std: 0.02 }], { title: 'Last layer' });
 * const df = nn.dataFrame(records); // a danfo DataFrame, for sorting and grouping
 */
import { ArgumentError } from '../core/errors';
import { escapeHtml, inKernel, publish } from './kernel';

/** A cell value a table can show. */
export type Cell = string | number | boolean | null | undefined;
/** A table in one shape: column names and rows of cells. */
export interface Table { columns: string[]; rows: Cell[][] }
export interface TableOptions {
  /** A caption above the table. */
  title?: string;
  /** Significant digits for non-integer numbers (default 4). */
  digits?: number;
}

/** The part of a danfo DataFrame that tables read. */
export interface DataFrameLike { columns: string[]; values: unknown }

function isDataFrameLike(x: unknown): x is DataFrameLike {
  const d = x as DataFrameLike;
  return typeof x === 'object' && x !== null && !Array.isArray(x) && Array.isArray(d.columns) && Array.isArray(d.values);
}

/** Normalises records or a DataFrame to {columns, rows}. Columns: union of keys, first-seen order. */
export function toTable(input: readonly Record<string, unknown>[] | DataFrameLike): Table {
  if (isDataFrameLike(input)) {
    const values = input.values as unknown[];
    const rows = values.map((row, i) => {
      if (!Array.isArray(row)) throw new ArgumentError(`table.values[${i}]`, row, 'a row (an array): a 2-D DataFrame');
      return row.map(toCell);
    });
    return { columns: input.columns.map(String), rows };
  }
  if (!Array.isArray(input)) throw new ArgumentError('table', input, 'an array of records or a danfo DataFrame');
  const columns: string[] = [];
  input.forEach((rec, i) => {
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) throw new ArgumentError(`table[${i}]`, rec, 'a record (a plain object)');
    for (const key of Object.keys(rec)) if (!columns.includes(key)) columns.push(key);
  });
  return { columns, rows: input.map((rec) => columns.map((c) => toCell(rec[c]))) };
}

function toCell(v: unknown): Cell {
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/** A cell as text: integers as they are, other numbers to `digits` significant digits. */
export function formatCell(v: Cell, digits = 4): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
    const abs = Math.abs(v);
    return abs !== 0 && (abs < 1e-4 || abs >= 1e6) ? v.toExponential(digits - 1) : String(Number(v.toPrecision(digits)));
  }
  return String(v);
}

/** The table as an HTML `<table>` (numbers right-aligned, text escaped). */
export function tableHtml(table: Table, opts: TableOptions = {}): string {
  const digits = opts.digits ?? 4;
  const head = table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = table.rows.map((row) => '<tr>' + row.map((v) =>
    `<td style="text-align:${typeof v === 'number' ? 'right' : 'left'}">${escapeHtml(formatCell(v, digits))}</td>`).join('') + '</tr>').join('\n');
  const caption = opts.title ? `<caption style="caption-side:top;font-weight:bold">${escapeHtml(opts.title)}</caption>` : '';
  return `<table class="nnlab-table">${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/** The table as aligned plain text. */
export function tableText(table: Table, opts: TableOptions = {}): string {
  const digits = opts.digits ?? 4;
  const cells = table.rows.map((row) => row.map((v) => formatCell(v, digits)));
  const widths = table.columns.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j].length)));
  const numeric = table.columns.map((_, j) => table.rows.every((r) => typeof r[j] === 'number' || r[j] == null));
  const line = (vals: string[]) => vals.map((v, j) => (numeric[j] ? v.padStart(widths[j]) : v.padEnd(widths[j]))).join('  ').trimEnd();
  const out = [line(table.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  if (opts.title) out.unshift(opts.title);
  return out.join('\n');
}

/**
 * Shows records or a DataFrame as a table: HTML in a notebook, text elsewhere.
 *
 * @example
 * nn.table([{ init: 'he', std: 0.8123 }, { init: 'xavier', std: 0.0213 }], { title: 'Last layer', digits: 2 });
 * // Last layer
 * // init      std
 * // ------  -----
 * // he       0.81
 * // xavier  0.021
 */
export function showTable(input: readonly Record<string, unknown>[] | DataFrameLike, opts: TableOptions = {}): void {
  const table = toTable(input);
  if (inKernel()) {
    publish({ 'text/html': tableHtml(table, opts), 'text/plain': tableText(table, opts) });
  } else {
    console.log(tableText(table, opts));
  }
}

/**
 * A danfo DataFrame from records (danfojs-node is loaded on first use; it shares nnlab's single
 * tfjs). Use it to sort, filter and group results; `showTable(df)` shows it.
 *
 * @example
 * const df = nn.dataFrame([{ init: 'he', acc: 0.91 }, { init: 'xavier', acc: 0.88 }, { init: 'small', acc: 0.11 }]);
 * df.shape       // [3, 2]
 * nn.table(df);  // a DataFrame shows as a table too
 */
export function dataFrame(records: readonly Record<string, unknown>[]): import('danfojs-node').DataFrame {
  toTable(records); // validates
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const dfd = require('danfojs-node') as typeof import('danfojs-node');
  return new dfd.DataFrame(records as Record<string, unknown>[]);
}
