/**
 * Homework 11 (CNN basics: the output size of a convolution; a naive convolution forward pass):
 * the checks' references against tf.conv2d and conv64's convOutputSize, the instructor's solutions
 * (full marks, no leak, deterministic), each deliberate mistake with its hint, and the instructor
 * notebook holding the fixture's solutions.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import * as nn from '../src/index';
import { runCheck } from '../src/homework';
import { cellSource, instructorDir, NotebookJson } from '../src/homework';
import { relError } from '../src/core/stats';
import { convOutputSize } from '../src/nets/conv64';
import { CONV_DESIGNS, convVariant, HINTS_11, HOMEWORK_11, makeConvCase, SIZE_EXAMPLES, SIZE_MISTAKES, sizeGrid } from '../src/lessons/cnn-basics/homework';
import { compile11, edited11, MISTAKES_11, RIGHT_11 } from './fixtures/homework/cnnBasics';

before(async () => { await nn.useDevice('cpu', { print: false }); });

test('convVariant(c, "right") equals tf.conv2d (+ b) on the three check designs and a stride-3 case, to float32 rounding', () => {
  const designs = [...CONV_DESIGNS, { N: 1, H: 7, W: 6, C: 2, F: 3, K: 3, stride: 3, pad: 1, seed: 5 }];
  for (const d of designs) {
    const c = makeConvCase(d);
    const mine = convVariant(c);
    const ref = tf.tidy(() => {
      const x = tf.tensor4d(Float32Array.from(c.x.data), c.x.shape as [number, number, number, number]);
      const w = tf.tensor4d(Float32Array.from(c.w.data), c.w.shape as [number, number, number, number]);
      const padded = tf.pad(x, [[0, 0], [d.pad, d.pad], [d.pad, d.pad], [0, 0]]);
      const y = tf.conv2d(padded, w, d.stride, 'valid').add(tf.tensor1d(Float32Array.from(c.b)));
      return { shape: y.shape, data: y.dataSync() };
    });
    assert.deepEqual(mine.shape, ref.shape, JSON.stringify(d));
    assert.ok(relError(mine.data, ref.data) < 1e-5, `${JSON.stringify(d)}: ${relError(mine.data, ref.data)}`);
  }
});

test('every mistake variant differs from the right answer on the multi-channel designs (so each hint can fire), and the size mistakes differ from ⌊(W − F + 2P)/S⌋ + 1 on the grid', () => {
  for (const d of CONV_DESIGNS.slice(1)) {
    const c = makeConvCase(d);
    const right = convVariant(c);
    for (const v of ['noPad', 'offByOne', 'nchwIn', 'nchwOut', 'oihw', 'flipped', 'noBias'] as const) {
      const m = convVariant(c, v);
      assert.ok(m.shape.join() !== right.shape.join() || relError(m.data, right.data) > 1e-3, `${v} on ${JSON.stringify(d)}`);
    }
  }
  const grid = sizeGrid(1101);
  assert.equal(grid.length, 150);
  const right = grid.map(([W, F, P, S]) => convOutputSize({ W, F, P, S }).size);
  assert.ok(grid.filter(([W, F, P, S]) => !convOutputSize({ W, F, P, S }).exact).length > 30, 'the stride does not fit in many specs');
  for (const [name, f] of Object.entries(SIZE_MISTAKES)) assert.ok(grid.some(([W, F, P, S], i) => f(W, F, P, S) !== right[i]), name);
  assert.deepEqual(SIZE_EXAMPLES.slice(0, 3).map(([W, F, P, S]) => convOutputSize({ W, F, P, S }).size), [26, 28, 13]);
});

test('runCheck(convOutputSize / convForward, the instructor\'s solutions) passes every case with full marks and no leak; the checks are deterministic', async () => {
  for (const e of HOMEWORK_11) {
    const fn = compile11(RIGHT_11[e.name as keyof typeof RIGHT_11], e.name as keyof typeof RIGHT_11);
    const [a, b] = [await runCheck(e.name, fn), await runCheck(e.name, fn)];
    assert.deepEqual(a.cases.filter((c) => !c.passed).map((c) => `${c.name}: ${c.message} ${c.hint ?? ''}`), []);
    assert.deepEqual([a.score, a.leaked], [e.points, 0]);
    assert.deepEqual(a.cases.map((c) => c.message), b.cases.map((c) => c.message), e.name);
  }
});

for (const m of MISTAKES_11) {
  test(`runCheck('${m.fn}', a solution with the mistake "${m.name}") fails with the hint ${m.hint}`, async () => {
    const r = await runCheck(m.fn, compile11(edited11(m), m.fn));
    assert.equal(r.passed, false);
    assert.match(r.hints.join('\n'), m.hint, r.cases.map((c) => `${c.passed} ${c.name}: ${c.message} [${c.hint}]`).join('\n'));
    assert.equal(r.leaked, 0);
  });
}

test('convForward returning nothing, or a shape that does not match its data, fails each case with the message, not an exception; the hints are sentences', async () => {
  const none = await runCheck('convForward', () => undefined);
  assert.equal(none.score, 0);
  assert.match(none.cases[0].message, /must return \{ shape, data \}/);
  const wrong = await runCheck('convForward', () => ({ shape: [1, 2, 2, 1], data: new Float64Array(3) }));
  assert.match(wrong.cases[0].message, /does not match data\.length 3/);
  const str = await runCheck('convOutputSize', () => '26');
  assert.match(str.cases[0].message, /expected a number/);
  assert.ok(Object.values(HINTS_11).every((h) => h.length > 20));
});

test('the instructor notebook holds the fixture\'s solutions: every statement a mistake edits is in its function\'s cell', () => {
  const nb = JSON.parse(fs.readFileSync(path.join(instructorDir(), 'hw11-cnn-basics.ipynb'), 'utf8')) as NotebookJson;
  for (const m of MISTAKES_11) {
    const cell = nb.cells.find((c) => cellSource(c).includes(`function ${m.fn}(`));
    assert.ok(cell, `no cell defines ${m.fn}`);
    for (const [from] of m.edits) assert.ok(cellSource(cell).includes(from), `${m.name}: "${from}" is not in the notebook`);
  }
});
