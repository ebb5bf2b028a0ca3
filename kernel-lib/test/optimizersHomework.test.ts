/**
 * Homework 07 (optimizers): the instructor's solutions get full marks with no hint; every known
 * mistake (a text edit of a solution) fails and gets its own hint in every case it fails; the
 * mistakes' float64 trajectories differ from the right one in at least one case each (so no
 * mistake can pass a whole exercise); a wrong return shape fails with a message.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as nn from '../src/index';
import { runCheck } from '../src/homework';
import { relError } from '../src/core/stats';
import { adamTrajectory, HW07_DESIGNS, HW07_HINTS, momentumTrajectory, rmspropTrajectory } from '../src/lessons/optimizers/homework';
import { compile } from './fixtures/homework/solutions';
import { RIGHT_07 } from './fixtures/homework/optimizers';

before(async () => { await nn.useDevice('cpu', { print: false }); });

const replace = (name: keyof typeof RIGHT_07, from: string, to: string) => {
  assert.ok(RIGHT_07[name].includes(from), `${from} is in the solution`);
  return compile(RIGHT_07[name].replace(from, to), name);
};

test('the solutions of the fixture are the instructor notebook\'s statements', () => {
  const nb = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'notebooks', 'homework', 'instructor', 'hw07-optimizers.ipynb'), 'utf8')) as { cells: { source: string[] }[] };
  const code = nb.cells.map((c) => c.source.join('')).join('\n');
  for (const src of Object.values(RIGHT_07)) for (const line of src.split('\n').slice(1, -1)) assert.ok(code.includes(line.trim()), line);
});

test('the instructor\'s solutions get full marks, leak nothing and get no hint', async () => {
  for (const name of ['momentumStep', 'rmspropStep', 'adamStep'] as const) {
    const r = await runCheck(name, compile(RIGHT_07[name], name));
    assert.equal(r.score, 10, JSON.stringify(r.cases.filter((c) => !c.passed)));
    assert.equal(r.leaked, 0);
    assert.deepEqual(r.hints, []);
  }
});

test('a correct Adam written with loops and Float64Arrays passes too', async () => {
  const loops = compile(`function adamStep(w, dw, m, v, t, lr, beta1, beta2, eps) {
  const W = new Float64Array(w.length), M = new Float64Array(w.length), V = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) {
    M[i] = beta1 * m[i] + (1 - beta1) * dw[i];
    V[i] = beta2 * v[i] + (1 - beta2) * dw[i] ** 2;
    W[i] = w[i] - lr * (M[i] / (1 - Math.pow(beta1, t))) / (Math.sqrt(V[i] / (1 - Math.pow(beta2, t))) + eps);
  }
  return { w: W, m: M, v: V };
}`, 'adamStep');
  assert.equal((await runCheck('adamStep', loops)).score, 10);
});

const MISTAKES: [keyof typeof RIGHT_07, string, string, string][] = [
  ['momentumStep', 'rho * vi + dw[i]', 'rho * vi - dw[i]', HW07_HINTS.momentum.signFlipped],
  ['momentumStep', 'wi - lr * vNew[i]', 'wi + lr * vNew[i]', HW07_HINTS.momentum.signFlipped],
  ['momentumStep', 'rho * vi + dw[i]', 'dw[i]', HW07_HINTS.momentum.noRho],
  ['momentumStep', 'rho * vi + dw[i]', 'rho * vi + lr * dw[i]', HW07_HINTS.momentum.lrInVelocity],
  ['rmspropStep', '(Math.sqrt(cacheNew[i]) + eps)', 'Math.sqrt(cacheNew[i] + eps)', HW07_HINTS.rmsprop.epsInside],
  ['rmspropStep', '(1 - decay) * dw[i] * dw[i]', 'dw[i] * dw[i]', HW07_HINTS.rmsprop.noOneMinusDecay],
  ['adamStep', '(mNew[i] / (1 - beta1 ** t)) / (Math.sqrt(vNew[i] / (1 - beta2 ** t)) + eps)', 'mNew[i] / (Math.sqrt(vNew[i]) + eps)', HW07_HINTS.adam.noBiasCorrection],
  ['adamStep', '(mNew[i] / (1 - beta1 ** t)) / (Math.sqrt(vNew[i] / (1 - beta2 ** t)) + eps)', '(mNew[i] / (1 - beta2 ** t)) / (Math.sqrt(vNew[i] / (1 - beta1 ** t)) + eps)', HW07_HINTS.adam.swappedCorrection],
  ['adamStep', 'Math.sqrt(vNew[i] / (1 - beta2 ** t))', 'Math.sqrt(vNew[i])', HW07_HINTS.adam.onlyFirstCorrected],
  ['adamStep', '(mNew[i] / (1 - beta1 ** t))', 'mNew[i]', HW07_HINTS.adam.onlySecondCorrected],
  ['adamStep', '(Math.sqrt(vNew[i] / (1 - beta2 ** t)) + eps)', 'Math.sqrt(vNew[i] / (1 - beta2 ** t) + eps)', HW07_HINTS.adam.epsInside],
];

for (const [name, from, to, hint] of MISTAKES) {
  test(`${name}: "${to}" fails with its hint`, async () => {
    const r = await runCheck(name, replace(name, from, to));
    assert.equal(r.passed, false);
    const failed = r.cases.filter((c) => !c.passed);
    assert.ok(failed.length > 0);
    for (const c of failed) assert.equal(c.hint, hint, `${c.name}: ${c.message}`);
    assert.deepEqual(r.hints, [hint]);
  });
}

test('every mistake moves the weights in some case of its exercise, by far more than the tolerance', () => {
  const far = (a: number[][], b: number[][]) => relError(a.flat(), b.flat()) > 1e-4;
  for (const variant of Object.keys(HW07_HINTS.momentum) as (keyof typeof HW07_HINTS.momentum)[]) {
    assert.ok(HW07_DESIGNS.momentum.some((d) => far(momentumTrajectory(variant, d.w0, d.grads, d.config.lr, d.config.rho), momentumTrajectory('right', d.w0, d.grads, d.config.lr, d.config.rho))), variant);
  }
  for (const variant of Object.keys(HW07_HINTS.rmsprop) as (keyof typeof HW07_HINTS.rmsprop)[]) {
    assert.ok(HW07_DESIGNS.rmsprop.some((d) => far(rmspropTrajectory(variant, d.w0, d.grads, d.config.lr, d.config.decay, d.config.eps), rmspropTrajectory('right', d.w0, d.grads, d.config.lr, d.config.decay, d.config.eps))), variant);
  }
  for (const variant of Object.keys(HW07_HINTS.adam) as (keyof typeof HW07_HINTS.adam)[]) {
    const c = (d: typeof HW07_DESIGNS.adam[number]) => [d.config.lr, d.config.beta1, d.config.beta2, d.config.eps] as const;
    assert.ok(HW07_DESIGNS.adam.some((d) => far(adamTrajectory(variant, d.w0, d.grads, ...c(d)), adamTrajectory('right', d.w0, d.grads, ...c(d)))), variant);
  }
});

test('a wrong return shape fails each case with a message naming the field', async () => {
  const r = await runCheck('momentumStep', compile('function momentumStep(w, dw, v, lr, rho) { return { w }; }', 'momentumStep'));
  assert.equal(r.score, 0);
  assert.match(r.cases[0].message, /\.v is missing/);
});
