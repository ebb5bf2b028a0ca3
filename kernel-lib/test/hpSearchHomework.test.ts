/**
 * Homework 06 (hyperparameter search): the instructor's solutions pass both checks, other correct
 * ways of writing them pass too, every known mistake fails with its own hint, the cases tell each
 * mistake apart from the right answer, and the homework's one-parameter narrowing rule is the
 * library's `narrow` (lesson 06) on every case.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as nn from '../src/index';
import { runCheck } from '../src/homework';
import { relError } from '../src/core/stats';
import { mulberry32 } from '../src/core/rng';
import {
  KS_CRITICAL, KS_DRAWS, ksUniform, LOG_UNIFORM_DESIGNS, LOG_UNIFORM_HINTS, logUniform64, LogUniformVariant, NARROW_DESIGNS, NARROW_HINTS,
  narrowRange64, NarrowVariant,
} from '../src/lessons/hp-search/homework';
import { narrow } from '../src/lessons/hp-search/space';
import { compile06, RIGHT_06 } from './fixtures/homework/hpSearch';

before(async () => { await nn.useDevice('cpu', { print: false }); });

const compile = compile06;
const replace = (name: keyof typeof RIGHT_06, from: string, to: string) => {
  assert.ok(RIGHT_06[name].includes(from), `${from} is in the solution`);
  return compile(RIGHT_06[name].replace(from, to), name);
};

test('the solutions of the fixture are the instructor notebook\'s statements', () => {
  const nb = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'notebooks', 'homework', 'instructor', 'hw06-hyperparameter-search.ipynb'), 'utf8')) as { cells: { source: string[] }[] };
  const code = nb.cells.map((c) => c.source.join('')).join('\n');
  // the notebook's TypeScript casts aside, every statement of the solutions is in it
  const ts = code.replace(/ as number/g, '').replace(/\((q|p)\.valAcc\)/g, '$1.valAcc');
  for (const src of Object.values(RIGHT_06)) for (const line of src.split('\n').slice(1, -1)) assert.ok(ts.includes(line.trim()), line);
});

test('nn.check.logUniform and nn.check.narrowRange give the instructor\'s solutions full marks, leak nothing and give no hint', async () => {
  for (const name of ['logUniform', 'narrowRange'] as const) {
    const r = await runCheck(name, compile(RIGHT_06[name], name));
    assert.equal(r.score, 10, JSON.stringify(r.cases.filter((c) => !c.passed)));
    assert.equal(r.leaked, 0);
    assert.deepEqual(r.hints, []);
  }
});

test('other correct logUniforms pass: natural logs with Math.exp, and one that calls random() twice per draw (checked as a distribution)', async () => {
  const natural = compile(`function logUniform(random, low, high) {
  return Math.exp(Math.log(low) + random() * (Math.log(high) - Math.log(low)));
}`, 'logUniform');
  assert.equal((await runCheck('logUniform', natural)).score, 10);
  const twice = compile(`function logUniform(random, low, high) {
  random();
  return 10 ** (Math.log10(low) + random() * (Math.log10(high) - Math.log10(low)));
}`, 'logUniform');
  const r = await runCheck('logUniform', twice);
  assert.equal(r.score, 10, JSON.stringify(r.cases));
  assert.match(r.cases[0].message, /random\(\) was called 100 times/);
});

const LOG_MISTAKES: [Exclude<LogUniformVariant, 'right'>, string, string][] = [
  ['uniform', 'return 10 ** (a + random() * (b - a));', 'return low + random() * (high - low);'],
  ['exponent', 'return 10 ** (a + random() * (b - a));', 'return a + random() * (b - a);'],
  ['mixedBases', 'const a = Math.log10(low), b = Math.log10(high);', 'const a = Math.log(low), b = Math.log(high);'],
  ['noOffset', 'return 10 ** (a + random() * (b - a));', 'return 10 ** (random() * (b - a));'],
  ['noScale', 'return 10 ** (a + random() * (b - a));', 'return 10 ** (a + random() * b);'],
];

for (const [variant, from, to] of LOG_MISTAKES) {
  test(`nn.check.logUniform with the mistake "${variant}" fails every case with its hint`, async () => {
    const r = await runCheck('logUniform', replace('logUniform', from, to));
    assert.equal(r.passed, false);
    // the value cases name the mistake; the distribution case fails too (or names the uniform mistake)
    for (const c of r.cases.slice(0, LOG_UNIFORM_DESIGNS.length)) {
      assert.equal(c.passed, false, c.name);
      assert.equal(c.hint, LOG_UNIFORM_HINTS[variant], `${c.name}: ${c.message}`);
    }
    assert.equal(r.cases[LOG_UNIFORM_DESIGNS.length].passed, false);
    assert.equal(r.score, 0);
  });
}

test('nn.check.logUniform fails a constant (random() never called) and a draw from the wrong law that stays in range', async () => {
  const constant = await runCheck('logUniform', compile('function logUniform(random, low, high) { return Math.sqrt(low * high); }', 'logUniform'));
  assert.equal(constant.score, 0);
  assert.match(constant.hints.join(' '), /call random\(\) once per draw/);
  // u² instead of u: in range, but log10 is not uniform; the value cases and the KS test both catch it
  const squared = await runCheck('logUniform', replace('logUniform', 'random() * (b - a)', 'random() ** 2 * (b - a)'));
  assert.equal(squared.score, 0);
  assert.match(squared.cases[LOG_UNIFORM_DESIGNS.length].message, /^KS D = 0\.\d+, over the critical/);
});

test('the logUniform cases tell every mistake apart from the right answer (relative error over 1e-3 on the same draws), and the KS case\'s critical D passes the formula and fails uniform draws', () => {
  for (const d of LOG_UNIFORM_DESIGNS) {
    const random = mulberry32(d.seed);
    const us = Array.from({ length: 50 }, () => random());
    const right = us.map((u) => logUniform64(u, d.low, d.high));
    for (const [variant] of LOG_MISTAKES) {
      const wrong = us.map((u) => logUniform64(u, d.low, d.high, variant));
      assert.ok(relError(wrong, right) > 1e-3, `${variant} in ${d.name}`);
    }
  }
  const random = mulberry32(615);
  const us = Array.from({ length: KS_DRAWS }, () => random());
  assert.ok(ksUniform(us.map((u) => Math.log10(logUniform64(u, 1e-6, 1e-3))), -6, -3) < KS_CRITICAL);
  assert.ok(ksUniform(us.map((u) => Math.log10(logUniform64(u, 1e-6, 1e-3, 'uniform'))), -6, -3) > 10 * KS_CRITICAL);
});

const NARROW_MISTAKES: [Exclude<NarrowVariant, 'right'>, string, string][] = [
  ['keepsDiverged', 'trials.filter((t) => t.valAcc !== null)', 'trials.map((t) => ({ ...t, valAcc: t.valAcc ?? 0 }))'],
  ['worst', '.sort((p, q) => q.valAcc - p.valAcc)', '.sort((p, q) => p.valAcc - q.valAcc)'],
  ['noClip', 'Math.max(Math.log10(range.low), Math.min(...best) - margin);\n  const high = Math.min(Math.log10(range.high), Math.max(...best) + margin);', 'Math.min(...best) - margin;\n  const high = Math.max(...best) + margin;'],
  ['first', '.sort((p, q) => q.valAcc - p.valAcc)', ''],
];

for (const [variant, from, to] of NARROW_MISTAKES) {
  test(`nn.check.narrowRange with the mistake "${variant}" fails with its hint`, async () => {
    const r = await runCheck('narrowRange', replace('narrowRange', from, to));
    assert.equal(r.passed, false);
    assert.ok(r.hints.includes(NARROW_HINTS[variant]), JSON.stringify(r.cases));
    for (const c of r.cases.filter((x) => !x.passed)) assert.equal(c.hint, NARROW_HINTS[variant], `${c.name}: ${c.message}`);
  });
}

test('nn.check.narrowRange with the margin in value units (not decades) fails with its hint', async () => {
  const linear = compile(`function narrowRange(trials, range, top, margin) {
  const best = trials.filter((t) => t.valAcc !== null).sort((p, q) => q.valAcc - p.valAcc).slice(0, top).map((t) => t.value);
  return { low: Math.max(range.low, Math.min(...best) - margin), high: Math.min(range.high, Math.max(...best) + margin) };
}`, 'narrowRange');
  const r = await runCheck('narrowRange', linear);
  assert.equal(r.score, 0);
  assert.deepEqual(r.hints, [NARROW_HINTS.linearMargin]);
});

test('each narrowRange mistake differs from the right answer in at least one case; linearMargin in every case, worst and first wherever more trials finished than top', () => {
  for (const [variant] of [...NARROW_MISTAKES, ['linearMargin'] as [NarrowVariant]]) {
    const differs = NARROW_DESIGNS.map((d) => {
      const a = narrowRange64(d.trials, d.range, d.top, d.margin);
      const b = narrowRange64(d.trials, d.range, d.top, d.margin, variant);
      return Math.abs(Math.log10(a.low) - Math.log10(b.low)) + Math.abs(Math.log10(a.high) - Math.log10(b.high)) > 1e-6 || !(b.low > 0);
    });
    assert.ok(differs.some(Boolean), variant);
    const finishedOverTop = NARROW_DESIGNS.map((d) => d.trials.filter((t) => t.valAcc !== null).length > d.top);
    if (variant === 'linearMargin') assert.ok(differs.every(Boolean), `${variant}: ${differs}`);
    if (variant === 'worst' || variant === 'first') assert.ok(differs.every((x, k) => x || !finishedOverTop[k]), `${variant}: ${differs}`);
  }
});

test('narrowRange64 (the homework\'s rule for one hyperparameter) equals nn.hpSearch.narrow (lesson 06) on every case', () => {
  for (const d of NARROW_DESIGNS) {
    const want = narrowRange64(d.trials, d.range, d.top, d.margin);
    const got = narrow(d.trials.map((t) => ({ config: { x: t.value }, valAcc: t.valAcc })), { x: { ...d.range, scale: 'log' } }, { top: d.top, margin: d.margin }).x;
    assert.ok(Math.abs(Math.log10(got.low) - Math.log10(want.low)) < 1e-12 && Math.abs(Math.log10(got.high) - Math.log10(want.high)) < 1e-12, d.name);
  }
  // the first case by hand: the best three are 7e-5, 3e-5 and 1.5e-5 → [log10 1.5e-5 − 0.5, log10 7e-5 + 0.5]
  const first = narrowRange64(NARROW_DESIGNS[0].trials, NARROW_DESIGNS[0].range, 3, 0.5);
  assert.ok(Math.abs(Math.log10(first.low) - (Math.log10(1.5e-5) - 0.5)) < 1e-12);
  assert.ok(Math.abs(Math.log10(first.high) - (Math.log10(7e-5) + 0.5)) < 1e-12);
});
