/** nn.expect (one-line check failures) and how the kernel prints the error that ends a cell. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as expect from '../src/core/expect';
import { ArgumentError } from '../src/core/errors';
import { cellErrorPrinter, cellErrorText } from '../src/jupyter/cellErrors';

test('nn.expect passes and returns the measured value, or throws one line: what, expected, measured, hint', () => {
  assert.equal(expect.near(0.998, 1, 0.01, 'std of layer 1'), 0.998);
  assert.equal(expect.within(0.42, [0.15, 0.7], 'std'), 0.42);
  assert.equal(expect.below(2e-7, 1e-6, 'relative error'), 2e-7);
  assert.equal(expect.above(0.93, 0.85, 'accuracy'), 0.93);
  assert.equal(expect.equal('healthy', 'healthy', 'verdict'), 'healthy');
  assert.equal(expect.withinSE(0.5012, 0.5, 0.0016, 'kept fraction'), 0.5012);
  expect.that(true, 'holds');
  const failure = (f: () => unknown) => {
    try { f(); } catch (e) { return e as Error; }
    throw new Error('expected a failure');
  };
  const e = failure(() => expect.near(0.9, 1, 0.01, 'std of layer 1', 'is the init scaled by 1/sqrt(fan_in)?'));
  assert.ok(e instanceof expect.CheckFailure);
  assert.equal(e.message, 'std of layer 1: expected 1 ± 0.01, measured 0.9 (hint: is the init scaled by 1/sqrt(fan_in)?)');
  assert.equal(e.stack, `CheckFailure: ${e.message}`, 'no stack frames');
  assert.equal(failure(() => expect.within(NaN, [0, 1], 'std')).message, 'std: expected a value in [0, 1], measured NaN');
  assert.equal(failure(() => expect.below(3e-6, 1e-6, 'relative error')).message, 'relative error: expected below 1e-6, measured 3e-6');
  assert.equal(failure(() => expect.above(0.5, 0.85, 'accuracy')).message, 'accuracy: expected above 0.85, measured 0.5');
  assert.equal(failure(() => expect.equal('vanishes', 'healthy', 'verdict')).message, 'verdict: expected "healthy", measured "vanishes"');
  assert.equal(failure(() => expect.withinSE(0.52, 0.5, 0.0016, 'kept fraction')).message,
    'kept fraction: expected 0.5 within 4 SE (± 0.0064), measured 0.52 (hint: 12.5 SE away)');
  assert.equal(failure(() => expect.that(false, 'every tensor is freed', '3 left')).message, 'every tensor is freed: does not hold (hint: 3 left)');
  assert.throws(() => expect.near(1, 1, -1, 'x'), { message: 'expect.near: tolerance must be a number >= 0, got -1' });
  assert.throws(() => expect.near(1, 1, 1, ''), { message: 'expect.near: what must be a non-empty string naming what is checked, got ""' });
  assert.deepEqual([0.98164, 3.2e-7, 0, 1234567, -0.5].map(expect.formatMeasured), ['0.9816', '3.2e-7', '0', '1.23e+6', '-0.5']);
});

test('the kernel prints a failed check, a bad argument and an error a cell throws as one line, and keeps only readable frames of other errors', () => {
  assert.equal(cellErrorText(new expect.CheckFailure('std: expected 1 ± 0.01, measured 0.9')), 'CheckFailure: std: expected 1 ± 0.01, measured 0.9');
  assert.equal(cellErrorText(new ArgumentError('depth', 0, 'an integer >= 1')), 'ArgumentError: depth must be an integer >= 1, got 0');
  const cell = new Error('kept fraction 0.6 is more than 4 SE from p');
  cell.stack = ['Error: kept fraction 0.6 is more than 4 SE from p', '    at evalmachine.<anonymous>:12:7',
    '    at Script.runInThisContext (node:vm:129:12)', '    at Object.runInThisContext (node:vm:307:38)',
    '    at Object.execute (/x/node_modules/tslab/dist/executor.js:160:38)'].join('\n');
  assert.equal(cellErrorText(cell), 'Error: kept fraction 0.6 is more than 4 SE from p');
  const deep = new TypeError('x is not a function');
  deep.stack = ['TypeError: x is not a function', '    at f (/x/kernel-lib/dist/nets/train.js:10:3)', '    at evalmachine.<anonymous>:3:1',
    '    at Script.runInThisContext (node:vm:129:12)', '    at /x/node_modules/tslab/dist/jupyter.js:208:57'].join('\n');
  assert.equal(cellErrorText(deep), 'TypeError: x is not a function\n    at f (/x/kernel-lib/dist/nets/train.js:10:3)');
  assert.equal(cellErrorText('a string'), 'a string');
  const printed: unknown[][] = [];
  const print = cellErrorPrinter((...a) => printed.push(a));
  print(new expect.CheckFailure('m'));
  print('%s%d', 'cell', 3);
  assert.deepEqual(printed, [['CheckFailure: m'], ['%s%d', 'cell', 3]]);
});
