/**
 * Homework 12 (the backward passes of the affine, ReLU and softmax cross-entropy gates): the
 * checks' references against NumPy, the instructor's solutions (full marks, no leak), each known
 * mistake with its hint (and x ≥ 0 in ReLU passing), bad returns failing a case with a message,
 * and the instructor notebook holding the fixture's solutions.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as nn from '../src/index';
import { cellSource, instructorDir, NotebookJson, runCheck } from '../src/homework';
import { relError } from '../src/core/stats';
import { mulberry32, randomInt } from '../src/core/rng';
import { affineBackwardRef, HINTS_12, HOMEWORK_12, randomMatrix, reluBackwardRef, softmaxBackwardRef } from '../src/lessons/losses/homework';
import { compile12, edited12, MISTAKES_12, RIGHT_12 } from './fixtures/homework/losses';

before(async () => { await nn.useDevice('cpu', { print: false }); });

test('the references equal NumPy: affine dx = dout·wᵀ, dw = xᵀ·dout, db = Σ rows; ReLU mask; softmax loss and (p − onehot)/N, to 1e-12', (t) => {
  const r = mulberry32(7);
  const x = randomMatrix(4, 5, r); const w = randomMatrix(5, 3, r); const dout = randomMatrix(4, 3, r);
  const s = randomMatrix(6, 4, r, 3); const y = Array.from({ length: 6 }, () => randomInt(r, 4));
  const script = `
import json, sys
import numpy as np
j = json.load(sys.stdin)
x, w, g, s = (np.array(j[k], dtype=np.float64) for k in ('x', 'w', 'g', 's'))
y = np.array(j['y']); N = s.shape[0]
z = s - s.max(1, keepdims=True); p = np.exp(z); p /= p.sum(1, keepdims=True)
ds = p.copy(); ds[np.arange(N), y] -= 1; ds /= N
print(json.dumps({'dx': (g @ w.T).ravel().tolist(), 'dw': (x.T @ g).ravel().tolist(), 'db': g.sum(0).tolist(),
  'relu': (g[:, :3] * (x[:, :3] > 0)).ravel().tolist(), 'loss': float(-np.log(p[np.arange(N), y]).mean()), 'ds': ds.ravel().tolist()}))
`;
  const out = spawnSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify({ x, w, g: dout, s, y }), encoding: 'utf8' });
  if (out.status !== 0 && /No module named/.test(out.stderr)) { t.skip('numpy missing'); return; }
  assert.equal(out.status, 0, out.stderr);
  const np = JSON.parse(out.stdout) as Record<string, number[] | number>;
  const a = affineBackwardRef(dout, x, w);
  assert.ok(relError(a.dx.flat(), np.dx as number[]) < 1e-12);
  assert.ok(relError(a.dw.flat(), np.dw as number[]) < 1e-12);
  assert.ok(relError(a.db, np.db as number[]) < 1e-12);
  assert.ok(relError(reluBackwardRef(dout, x.map((row) => row.slice(0, 3))).flat(), np.relu as number[]) < 1e-12);
  const sm = softmaxBackwardRef(s, y);
  assert.ok(Math.abs(sm.loss - (np.loss as number)) < 1e-12);
  assert.ok(relError(sm.dscores.flat(), np.ds as number[]) < 1e-12);
});

for (const fn of Object.keys(RIGHT_12) as (keyof typeof RIGHT_12)[]) {
  test(`runCheck('${fn}', the instructor's solution) passes every case with full marks`, async () => {
    const r = await runCheck(fn, compile12(RIGHT_12[fn], fn));
    assert.equal(r.passed, true, r.cases.map((c) => `${c.name}: ${c.message}`).join('\n'));
    assert.equal(r.score, r.points);
    assert.equal(r.leaked, 0);
    assert.ok(r.cases.every((c) => c.relError !== null && c.relError <= 1e-7));
  });
}

for (const m of MISTAKES_12) {
  const what = m.hint ? `fails with the hint ${m.hint}` : 'passes (not a mistake)';
  test(`runCheck('${m.fn}', a solution with "${m.name}") ${what}`, async () => {
    const r = await runCheck(m.fn, compile12(edited12(m), m.fn));
    const report = r.cases.map((c) => `${c.passed} ${c.name}: ${c.message} [${c.hint}]`).join('\n');
    if (!m.hint) { assert.equal(r.passed, true, report); return; }
    assert.equal(r.passed, false, report);
    assert.match(r.hints.join('\n'), m.hint, report);
  });
}

test('bad returns fail a case with a message, not an exception; every hint is a sentence', async () => {
  const none = await runCheck('affineBackward', () => undefined);
  assert.equal(none.score, 0);
  assert.match(none.cases[0].message, /must return \{ dx, dw, db \}/);
  const relu = await runCheck('reluBackward', () => [[1]]);
  assert.equal(relu.score, 0);
  assert.match(relu.cases[0].message, /dx has shape 1×1, x has shape 3×4/);
  const sm = await runCheck('softmaxLoss', () => ({ loss: 'x' }));
  assert.match(sm.cases[0].message, /must return \{ loss: number, dscores/);
  assert.equal(HOMEWORK_12.length, 3);
  assert.ok(Object.values(HINTS_12).every((h) => h.length > 30));
});

test('the instructor notebook holds the fixture\'s solutions: every statement a mistake edits is in its function\'s cell', () => {
  const nb = JSON.parse(fs.readFileSync(path.join(instructorDir(), 'hw12-losses-gradcheck.ipynb'), 'utf8')) as NotebookJson;
  for (const m of MISTAKES_12) {
    const cell = nb.cells.find((c) => cellSource(c).includes(`function ${m.fn}(`));
    assert.ok(cell, `no cell defines ${m.fn}`);
    for (const [from] of m.edits) assert.ok(cellSource(cell).includes(from), `${m.name}: "${from}" is not in the notebook`);
  }
});
