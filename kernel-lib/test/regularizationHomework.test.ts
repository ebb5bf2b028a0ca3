/**
 * Homework 08 (regularization: L2 in a linear classifier's loss and gradient; a random flip and a
 * random crop of a batch): the checks' float64 reference against NumPy, the augmentation
 * references (shift, mirror) against index arithmetic written here, the instructor's solutions
 * (full marks, no leak, deterministic) and each deliberate mistake with its hint, and the
 * instructor notebook holding the fixture's solutions.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as nn from '../src/index';
import { runCheck } from '../src/homework';
import { cellSource, instructorDir, NotebookJson } from '../src/homework';
import { relError } from '../src/core/stats';
import { HINTS_08, HOMEWORK_08, LINEAR_LOSS_L2, linearL2Variant, makeLinear, mirrorImage64, shiftImage64, softmaxData64 } from '../src/lessons/regularization/homework';
import { compile08, edited08, MISTAKES_08, RIGHT_08 } from './fixtures/homework/regularization';

before(async () => { await nn.useDevice('cpu', { print: false }); });

const DESIGNS = [{ D: 4, C: 3, N: 6, reg: 0, std: 0.5, biasStd: 0.5, seed: 801 }, { D: 5, C: 4, N: 8, reg: 0.1, std: 0.5, biasStd: 1, seed: 802 }, { D: 3, C: 3, N: 4, reg: 2, std: 1, biasStd: 3, seed: 803 }];

test('linearL2Variant(c) equals NumPy\'s softmax loss + reg·ΣW² with dW + 2·reg·W on the three cases, to 1e-12', (t) => {
  const script = `
import json, sys
import numpy as np
for job in json.load(sys.stdin):
    W, b, X, y, reg = (np.array(job[k], dtype=np.float64) for k in ('W', 'b', 'X', 'y', 'reg'))
    y = y.astype(int); N = X.shape[0]
    s = X @ W + b; s -= s.max(1, keepdims=True); p = np.exp(s); p /= p.sum(1, keepdims=True)
    loss = -np.log(p[np.arange(N), y]).mean() + reg * (W * W).sum()
    ds = p.copy(); ds[np.arange(N), y] -= 1; ds /= N
    print(json.dumps({'loss': loss, 'dW': (X.T @ ds + 2 * reg * W).ravel().tolist(), 'db': ds.sum(0).tolist()}))
`;
  const cases = DESIGNS.map(makeLinear);
  const rows = (v: Float64Array, m: number) => Array.from({ length: v.length / m }, (_, i) => Array.from(v.subarray(i * m, (i + 1) * m)));
  const job = cases.map((c) => ({ W: rows(c.W, c.C), b: Array.from(c.b), X: rows(c.X, c.D), y: Array.from(c.y), reg: c.reg }));
  const out = spawnSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(job), encoding: 'utf8' });
  if (out.status !== 0 && /No module named/.test(out.stderr)) { t.skip('numpy missing'); return; }
  assert.equal(out.status, 0, out.stderr);
  out.stdout.trim().split('\n').forEach((line, i) => {
    const np = JSON.parse(line) as { loss: number; dW: number[]; db: number[] };
    const mine = linearL2Variant(cases[i]);
    assert.ok(relError([mine.loss], [np.loss]) < 1e-12, `case ${i}: loss ${mine.loss} vs ${np.loss}`);
    assert.ok(relError(mine.dW, np.dW) < 1e-12, `case ${i}: dW`);
    assert.ok(relError(mine.db, np.db) < 1e-12, `case ${i}: db`);
  });
});

test('the mistake variants differ from the right penalty by their formula: halfLoss by ½·reg·ΣW² in the loss, noTwo by reg·W in dW, regBiases by reg·Σb² and 2·reg·b', () => {
  const c = makeLinear(DESIGNS[1]);
  const right = linearL2Variant(c);
  const sq = c.W.reduce((s, w) => s + w * w, 0);
  assert.ok(Math.abs(right.loss - linearL2Variant(c, 'halfLoss').loss - 0.5 * c.reg * sq) < 1e-12);
  assert.ok(relError(Float64Array.from(right.dW, (g, i) => g - linearL2Variant(c, 'noTwo').dW[i]), Float64Array.from(c.W, (w) => c.reg * w)) < 1e-12);
  const rb = linearL2Variant(c, 'regBiases');
  assert.ok(Math.abs(rb.loss - right.loss - c.reg * c.b.reduce((s, v) => s + v * v, 0)) < 1e-12);
  assert.ok(relError(Float64Array.from(rb.db, (g, k) => g - right.db[k]), Float64Array.from(c.b, (v) => 2 * c.reg * v)) < 1e-12);
  assert.equal(relError(softmaxData64(c).db, right.db), 0, 'biases free');
});

test('shiftImage64 and mirrorImage64 move pixels as written: a 2×3×1 image shifted by dx = 1 (zeros / edge) and mirrored on either axis', () => {
  const img = [1, 2, 3, 4, 5, 6];
  assert.deepEqual(Array.from(shiftImage64(img, 2, 3, 1, 1, 0, 'zeros')), [2, 3, 0, 5, 6, 0]);
  assert.deepEqual(Array.from(shiftImage64(img, 2, 3, 1, 1, 0, 'edge')), [2, 3, 3, 5, 6, 6]);
  assert.deepEqual(Array.from(shiftImage64(img, 2, 3, 1, 0, -1, 'zeros')), [0, 0, 0, 1, 2, 3]);
  assert.deepEqual(Array.from(mirrorImage64(img, 2, 3, 1, 2)), [3, 2, 1, 6, 5, 4]);
  assert.deepEqual(Array.from(mirrorImage64(img, 2, 3, 1, 1)), [4, 5, 6, 1, 2, 3]);
});

test('runCheck(linearLossL2 / flipBatch / cropBatch, the instructor\'s solutions) passes every case with full marks and no leak; the checks are deterministic', async () => {
  for (const e of HOMEWORK_08) {
    const fn = compile08(RIGHT_08[e.name as keyof typeof RIGHT_08], e.name as keyof typeof RIGHT_08);
    const [a, b] = [await runCheck(e.name, fn), await runCheck(e.name, fn)];
    assert.deepEqual(a.cases.filter((c) => !c.passed).map((c) => `${c.name}: ${c.message} ${c.hint ?? ''}`), []);
    assert.deepEqual([a.score, a.leaked], [e.points, 0]);
    assert.deepEqual(a.cases.map((c) => c.message), b.cases.map((c) => c.message), e.name);
  }
});

for (const m of MISTAKES_08) {
  test(`runCheck('${m.fn}', a solution with the mistake "${m.name}") fails with the hint ${m.hint}`, async () => {
    const r = await runCheck(m.fn, compile08(edited08(m), m.fn));
    assert.equal(r.passed, false);
    assert.match(r.hints.join('\n'), m.hint, r.cases.map((c) => `${c.passed} ${c.name}: ${c.message} [${c.hint}]`).join('\n'));
    assert.equal(r.leaked, 0);
  });
}

test('linearLossL2 that returns nothing, or dW of the wrong shape, fails each case with the message, not an exception', async () => {
  const none = await runCheck('linearLossL2', () => undefined);
  assert.equal(none.score, 0);
  assert.match(none.cases[0].message, /must return \{loss, dW, db\}/);
  const wrong = await runCheck('linearLossL2', (W: number[][], b: number[]) => ({ loss: 0, dW: [[0]], db: b }));
  assert.match(wrong.cases[0].message, /dW must be a number\[\]\[\] of 4 rows of 3/);
  assert.equal(LINEAR_LOSS_L2.cases.length, 3);
  assert.ok(Object.values(HINTS_08).every((h) => h.length > 20));
});

test('the instructor notebook holds the fixture\'s solutions and helpers: every statement a mistake edits is in its function\'s cell', () => {
  const nb = JSON.parse(fs.readFileSync(path.join(instructorDir(), 'hw08-regularization.ipynb'), 'utf8')) as NotebookJson;
  for (const m of MISTAKES_08) {
    const cell = nb.cells.find((c) => cellSource(c).includes(`function ${m.fn}(`));
    assert.ok(cell, `no cell defines ${m.fn}`);
    for (const [from] of m.edits) assert.ok(cellSource(cell).includes(from), `${m.name}: "${from}" is not in the notebook`);
  }
  const all = nb.cells.map(cellSource).join('\n');
  for (const line of ['loss -= Math.log(e[y[n]] / Z) / N;', 'x.forEach((xi, i) => { dW[i][k] += xi * ds; });']) assert.ok(all.includes(line), line);
});
