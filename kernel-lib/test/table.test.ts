import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataFrame, formatCell, showTable, tableHtml, tableText, toTable } from '../src/show/table';

const rows = [{ init: 'he', std: 0.8123456, layer: 10 }, { init: 'xavier <tanh>', std: 1.5e-7, dead: true }];

test('toTable takes the union of keys in first-seen order', () => {
  assert.deepEqual(toTable(rows), {
    columns: ['init', 'std', 'layer', 'dead'],
    rows: [['he', 0.8123456, 10, undefined], ['xavier <tanh>', 1.5e-7, undefined, true]],
  });
  assert.throws(() => toTable([1] as never), { message: 'table[0] must be a record (a plain object), got 1' });
});

test('formatCell keeps integers and rounds other numbers to 4 significant digits', () => {
  assert.deepEqual([formatCell(10), formatCell(0.8123456), formatCell(1.5e-7), formatCell(123456789.5), formatCell(NaN), formatCell(null)],
    ['10', '0.8123', '1.500e-7', '1.235e+8', 'NaN', '']);
});

test('tableHtml escapes text and right-aligns numbers', () => {
  const html = tableHtml(toTable(rows), { title: 'Init <stats>' });
  assert.match(html, /<caption[^>]*>Init &lt;stats&gt;<\/caption>/);
  assert.match(html, /<td style="text-align:left">xavier &lt;tanh&gt;<\/td>/);
  assert.match(html, /<td style="text-align:right">0\.8123<\/td>/);
  assert.equal((html.match(/<tr>/g) ?? []).length, 3);
});

test('tableText right-aligns numeric columns (header included) and left-aligns text', () => {
  assert.equal(tableText(toTable([{ a: 1, b: 'x' }, { a: 22.5, b: 'yy' }])), '   a  b\n----  --\n   1  x\n22.5  yy');
});

test('dataFrame(records) gives a danfo DataFrame that showTable reads', () => {
  const df = dataFrame([{ seed: 1, mean: 0.5 }, { seed: 2, mean: -0.25 }]);
  assert.deepEqual(df.columns, ['seed', 'mean']);
  assert.deepEqual(toTable(df), { columns: ['seed', 'mean'], rows: [[1, 0.5], [2, -0.25]] });
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => { lines.push(s); };
  try { showTable(df); } finally { console.log = log; }
  assert.equal(lines[0], 'seed   mean\n----  -----\n   1    0.5\n   2  -0.25');
});
