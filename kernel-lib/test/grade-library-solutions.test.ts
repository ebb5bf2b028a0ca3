/**
 * Issue 23: "Graded runs hide or disable the library functions that solve the exercise; calling one
 * gives a clear 'not available in homework' error." For every homework, a submission built from the
 * student version whose graded functions are the library's own solution with a little glue (each is
 * first shown to be a real solution: runCheck, outside grading, gives it full marks), graded in one
 * batch through the real CLI with the instructor notebooks: each such exercise scores 0 and every
 * case names the locked function; the instructor solutions still score full (none of them calls a
 * locked function inside a graded function).
 *
 * Exercises no library function solves, so they have no entry here:
 * - layerStds (hw03): the forward pass through given weights and its per-layer stds; the
 *   weight-init lesson's experiments (nn.weightInit.stats, grid) draw their own inputs and weights,
 *   and the check's float64 forward pass is private to homeworkStats.ts. The building blocks
 *   (tf.matMul, nn.nets.activate, tf.moments) are what the student is meant to use.
 * - initExperiment (hw03): an experiment the check reruns on fresh seeds; only its inputs (the
 *   student's own init) and tf ops go into it.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as nn from '../src/index';
import { cellSource, EXERCISES, homeworkDir, homeworkIds, instructorDir, NotebookJson, runCheck, sourceLines, SubmissionGrade } from '../src/homework';
import { lockDown } from '../src/homework/check';
import { repoRoot } from '../src/core/paths';
import { compile } from './fixtures/homework/solutions';

const BIN = path.join(repoRoot(), 'kernel-lib', 'bin', 'nnlab.js');
const OUT = path.join(repoRoot(), 'test-output', 'grade-library-solutions');
const SUBS = path.join(OUT, 'submissions');

/** A module of the library that no nn namespace re-exports, as a notebook requires it. */
const ref = (module: string) => `require('nnlab/dist/${module}')`;
/** In-process, `require('nnlab/dist/<m>')` is the compiled source beside this test. */
const requireLib = (id: string): unknown => require(path.join(__dirname, '..', 'src', id.replace(/^nnlab\/dist\//, '')));

/**
 * Per homework and graded function: the name of the library function it calls, as the error names
 * it, and the function (plain JS, as a notebook cell) that is the library's solution plus glue.
 */
const LIBRARY_SOLUTIONS: Record<string, Record<string, [string, string]>> = {
  'hw01-activations': {
    leakyReluForward: ['nn.activations.leakyRelu', `function leakyReluForward(x, alpha) {
  return nn.activations.leakyRelu(x, alpha);
}`],
    leakyReluBackward: ['nn.activations.leakyReluGrad', `function leakyReluBackward(dout, x, alpha) {
  return tf.tidy(() => tf.mul(dout, nn.activations.leakyReluGrad(x, alpha)));
}`],
    eluForward: ['nn.activations.elu', `function eluForward(x, alpha) {
  return nn.activations.elu(x, alpha);
}`],
    eluBackward: ['nn.activations.eluGrad', `function eluBackward(dout, x, alpha) {
  return tf.tidy(() => tf.mul(dout, nn.activations.eluGrad(x, alpha)));
}`],
    // the lesson's table of activation functions holds its own references: locked all the same
    seluForward: ['nn.activations.selu', `function seluForward(x) {
  return nn.activations.activationFunction('selu').forward(x);
}`],
    seluBackward: ['nn.activations.seluGrad', `function seluBackward(dout, x) {
  return tf.tidy(() => tf.mul(dout, nn.activations.seluGrad(x)));
}`],
    deadUnitFraction: ['nnlab/dist/lessons/activations/homeworkDead.deadFraction64', `function deadUnitFraction(X, W, b) {
  const [N, D] = X.shape, H = W.shape[1];
  return ${ref('lessons/activations/homeworkDead')}.deadFraction64({ N, D, H, X: X.dataSync(), W: W.dataSync(), b: b.dataSync() });
}`],
  },
  'hw02-preprocessing': {
    fitChannelStats: ['nnlab/dist/lessons/preprocessing/homework.channelStats64', `function fitChannelStats(images) {
  const [N, H, W, C] = images.shape;
  const s = ${ref('lessons/preprocessing/homework')}.channelStats64([{ N, H, W, C, x: images.dataSync() }]);
  return { mean: tf.tensor1d(s.mean), std: tf.tensor1d(s.std) };
}`],
    normalize: ['nnlab/dist/lessons/preprocessing/homework.normalize64', `function normalize(images, stats) {
  const [N, H, W, C] = images.shape;
  const s = { mean: Array.from(stats.mean.dataSync()), std: Array.from(stats.std.dataSync()) };
  return tf.tensor4d(Float32Array.from(${ref('lessons/preprocessing/homework')}.normalize64({ N, H, W, C, x: images.dataSync() }, s)), images.shape);
}`],
    preprocess: ['nnlab/dist/lessons/preprocessing/homework.channelStats64', `function preprocess(splits) {
  const ref = ${ref('lessons/preprocessing/homework')};
  const im = (t) => ({ N: t.shape[0], H: t.shape[1], W: t.shape[2], C: t.shape[3], x: t.dataSync() });
  const s = ref.channelStats64([im(splits.train)]);
  const out = (t) => tf.tensor4d(Float32Array.from(ref.normalize64(im(t), s)), t.shape);
  return { train: out(splits.train), test: out(splits.test) };
}`],
    whiten: ['nn.preprocessing.whiten', `function whiten(X) {
  return nn.preprocessing.whiten(X);
}`],
  },
  'hw03-weight-init': {
    xavierInit: ['nn.nets.xavier', `function xavierInit(shape, seed) {
  return nn.nets.xavier(shape, seed);
}`],
    heInit: ['nn.nets.initStd', `function heInit(shape, seed) {
  return nn.tf.randomNormal(shape, 0, nn.nets.initStd('he', shape), 'float32', seed);
}`],
  },
  'hw04-batchnorm': {
    batchNormForward: ['nn.batchNorm.forward', `function batchNormForward(x, gamma, beta, running, config) {
  const r = nn.batchNorm.forward(x, { gamma, beta }, { runningMean: running.mean, runningVar: running.variance }, config);
  return { y: r.y, running: { mean: r.state.runningMean, variance: r.state.runningVar } };
}`],
  },
  'hw05-babysitting': {
    twoLayerLoss64: ['nnlab/dist/lessons/babysitting/homework.twoLayer64', `function twoLayerLoss64(params, X, y, reg) {
  const f = (a) => Float64Array.from(a.flat());
  const net = { N: X.length, D: X[0].length, H: params.b1.length, C: params.b2.length, reg,
    W1: f(params.W1), b1: f(params.b1), W2: f(params.W2), b2: f(params.b2), X: f(X), y: Int32Array.from(y) };
  const r = ${ref('lessons/babysitting/homework')}.twoLayer64(net);
  const rows = (a, c) => Array.from({ length: a.length / c }, (_, i) => Array.from(a.subarray(i * c, (i + 1) * c)));
  return { loss: r.loss, grads: { W1: rows(r.grads.W1, net.H), b1: Array.from(r.grads.b1), W2: rows(r.grads.W2, net.C), b2: Array.from(r.grads.b2) } };
}`],
    twoLayerLossTf: ['nn.nets.twoLayerLoss', `function twoLayerLossTf(params, X, y, reg) {
  const r = nn.nets.twoLayerLoss(params, X, y, { reg });
  tf.dispose([r.dataLoss, r.regLoss]);
  return { loss: r.loss, grads: r.grads };
}`],
  },
  'hw06-hyperparameter-search': {
    logUniform: ['nn.hpSearch.logUniform', `function logUniform(random, low, high) {
  return nn.hpSearch.logUniform(random, low, high);
}`],
    narrowRange: ['nnlab/dist/lessons/hp-search/homework.narrowRange64', `function narrowRange(trials, range, top, margin) {
  return ${ref('lessons/hp-search/homework')}.narrowRange64(trials, range, top, margin);
}`],
  },
  'hw07-optimizers': {
    momentumStep: ['nn.nets.step64', `function momentumStep(w, dw, v, lr, rho) {
  const r = nn.nets.step64('momentum', w, dw, { v }, { lr, rho });
  return { w: r.w, v: r.state.v };
}`],
    rmspropStep: ['nn.nets.step64', `function rmspropStep(w, dw, cache, lr, decay, eps) {
  const r = nn.nets.step64('rmsprop', w, dw, { cache }, { lr, decay, eps });
  return { w: r.w, cache: r.state.cache };
}`],
    adamStep: ['nn.nets.step64', `function adamStep(w, dw, m, v, t, lr, beta1, beta2, eps) {
  const r = nn.nets.step64('adam', w, dw, { m, v, t: t - 1 }, { lr, beta1, beta2, eps });
  return { w: r.w, m: r.state.m, v: r.state.v };
}`],
  },
  'hw08-regularization': {
    linearLossL2: ['nn.regularization.penalty64', `function linearLossL2(W, b, X, y, reg) {
  const D = W.length, C = b.length, N = X.length;
  const scores = { shape: [N, C], data: new Float64Array(N * C) };
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) {
    let s = b[c];
    for (let d = 0; d < D; d++) s += X[n][d] * W[d][c];
    scores.data[n * C + c] = s;
  }
  const data = nn.losses.softmaxCrossEntropy64(scores, y);
  const pen = nn.regularization.penalty64(W.flat(), 'l2', 2 * reg);
  const dW = W.map((row, d) => row.map((_, c) => {
    let s = pen.grad[d * C + c];
    for (let n = 0; n < N; n++) s += X[n][d] * data.dscores.data[n * C + c];
    return s;
  }));
  const db = b.map((_, c) => { let s = 0; for (let n = 0; n < N; n++) s += data.dscores.data[n * C + c]; return s; });
  return { loss: data.loss + pen.loss, dW, db };
}`],
    flipBatch: ['nn.regularization.randomFlip', `function flipBatch(x, y, seed) {
  return { x: nn.regularization.randomFlip(x, seed), y: y.clone() };
}`],
    cropBatch: ['nn.regularization.randomCrop', `function cropBatch(x, y, seed, pad) {
  return { x: nn.regularization.randomCrop(x, seed, { pad }), y: y.clone() };
}`],
  },
  'hw09-dropout': {
    invertedDropout: ['nn.dropout.inverted', `function invertedDropout(x, p, training, seed) {
  return nn.dropout.inverted(x, { p, training, seed });
}`],
  },
  'hw10-transfer-learning': {
    prepareFineTune: ['nn.transfer.withNewHead', `function prepareFineTune(base, classes, trainTop) {
  const model = nn.transfer.withNewHead(base, base.layers[base.layers.length - 2].name, classes, 1);
  const pretrained = base.layers.slice(0, -1).filter((l) => l.getWeights().length > 0);
  pretrained.forEach((l, i) => { l.trainable = i >= pretrained.length - trainTop; });
  return model;
}`],
  },
  'hw11-cnn-basics': {
    convOutputSize: ['nn.nets.tfjsPadding', `function convOutputSize(W, F, P, S) {
  return nn.nets.tfjsPadding(W + 2 * P, F, S, 'valid').size;
}`],
    convForward: ['nn.nets.conv2d64', `function convForward(x, w, b, stride, pad) {
  return nn.nets.conv2d64(x, w, { shape: [b.length], data: b }, { stride, pad });
}`],
  },
  'hw12-losses-gradcheck': {
    affineBackward: ['nn.losses.GATES.affine.backward', `function affineBackward(dout, x, w) {
  const arr = (m) => ({ shape: [m.length, m[0].length], data: Float64Array.from(m.flat()) });
  const rows = (a) => Array.from({ length: a.shape[0] }, (_, i) => Array.from(a.data.subarray(i * a.shape[1], (i + 1) * a.shape[1])));
  const gate = nn.losses.GATES.affine;
  const { cache } = gate.forward({ x: arr(x), w: arr(w), b: { shape: [w[0].length], data: new Float64Array(w[0].length) } });
  const g = gate.backward(arr(dout), cache);
  return { dx: rows(g.dx), dw: rows(g.dw), db: Array.from(Object(g.db).data) };
}`],
    reluBackward: ['nn.losses.GATES.relu.backward', `function reluBackward(dout, x) {
  const arr = (m) => ({ shape: [m.length, m[0].length], data: Float64Array.from(m.flat()) });
  const rows = (a) => Array.from({ length: a.shape[0] }, (_, i) => Array.from(a.data.subarray(i * a.shape[1], (i + 1) * a.shape[1])));
  const gate = nn.losses.GATES.relu;
  return rows(gate.backward(arr(dout), gate.forward({ x: arr(x) }).cache).dx);
}`],
    softmaxLoss: ['nn.losses.lossExample', `function softmaxLoss(scores, y) {
  const N = scores.length;
  const rows = scores.map((s, i) => nn.losses.lossExample(s, y[i]));
  return { loss: rows.reduce((a, r) => a + r.crossEntropy, 0) / N, dscores: rows.map((r) => r.dCrossEntropy.map((g) => g / N)) };
}`],
  },
};

/** Exercises with no library solution, and why (the file's comment says more). */
const NO_LIBRARY_SOLUTION: Record<string, string> = {
  layerStds: 'the lesson\'s experiments draw their own inputs; the check\'s forward pass is private',
  initExperiment: 'an experiment of the student\'s own init, rerun on fresh seeds',
};

const files: Record<string, string> = {};
let grades: SubmissionGrade[] = [];
let stderr = '';
let status: number | null = null;

const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as NotebookJson;
function write(name: string, nb: NotebookJson): void {
  files[name] = path.join(SUBS, `${name}.ipynb`);
  fs.writeFileSync(files[name], JSON.stringify(nb));
}
function grade(name: string): SubmissionGrade {
  const g = grades.find((x) => path.resolve(x.file) === path.resolve(files[name]));
  assert.ok(g, `no grade for ${name}: ${stderr.slice(-2000)}`);
  return g;
}
const notes = (g: SubmissionGrade) => g.notes.join('; ');

/**
 * The student version of `homework` cut to its first code cell (the import), the cells that define
 * the graded functions (the library solution where there is one, the student's stub otherwise) and
 * the check cells; the experiments and the rest are left out, to keep the batch short.
 */
function librarySubmission(homework: string): NotebookJson {
  const nb = read(path.join(homeworkDir(), `${homework}.ipynb`));
  const fns = [...new Set(EXERCISES.filter((e) => e.homework === homework).flatMap((e) => e.functions))];
  const first = nb.cells.find((c) => c.cell_type === 'code');
  const cells: NotebookJson['cells'] = [];
  for (const cell of nb.cells.filter((c) => c.cell_type === 'code')) {
    const src = cellSource(cell);
    const fn = fns.find((f) => src.includes(`function ${f}(`));
    const solution = fn ? LIBRARY_SOLUTIONS[homework]?.[fn] : undefined;
    if (solution) cells.push({ ...cell, source: sourceLines(solution[1]), outputs: [], execution_count: null });
    else if (cell === first || fn || src.includes('nn.check.')) cells.push(cell);
  }
  for (const fn of fns) assert.ok(cells.some((c) => cellSource(c).includes(`function ${fn}(`)), `${homework}: no cell defines ${fn}`);
  return { ...nb, cells };
}

before(() => {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(SUBS, { recursive: true });
  for (const id of homeworkIds()) {
    write(`library-${id}`, librarySubmission(id));
    write(`instructor-${id}`, read(path.join(instructorDir(), `${id}.ipynb`)));
  }
  const r = spawnSync(process.execPath, [BIN, 'grade', SUBS, '--json', '--jobs', '2'],
    { encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * 2 ** 20 });
  status = r.status;
  stderr = r.stderr;
  fs.writeFileSync(path.join(OUT, 'grades.json'), r.stdout);   // for a look when a test fails
  grades = JSON.parse(r.stdout) as SubmissionGrade[];
});

test('every exercise of EXERCISES has a library solution here, or is listed as having none', () => {
  for (const e of EXERCISES) {
    const solved = e.functions.every((fn) => LIBRARY_SOLUTIONS[e.homework]?.[fn]);
    assert.ok(solved !== (e.name in NO_LIBRARY_SOLUTION), `${e.name}: ${solved ? 'has a library solution but is listed as having none' : 'has no library solution here and no reason why'}`);
  }
});

test('runCheck(exercise, library solution), outside grading, gives every library solution full marks: each is a real solution', async () => {
  await nn.useDevice('cpu', { print: false });
  for (const e of EXERCISES.filter((x) => !(x.name in NO_LIBRARY_SOLUTION))) {
    const fns = e.functions.map((fn) => compile(LIBRARY_SOLUTIONS[e.homework][fn][1], fn, { require: requireLib }));
    const r = await runCheck(e.name, ...fns);
    assert.equal(r.score, e.points, `${e.name}: ${JSON.stringify(r.cases.find((c) => !c.passed))} ${JSON.stringify(r.error)}`);
  }
});

test('nnlab grade <dir> --json --jobs 2 completes the batch: every submission graded, exit 0, none but "ok"', () => {
  assert.equal(grades.length, Object.keys(files).length, stderr.slice(-2000));
  assert.equal(status, 0, stderr.slice(-2000));
  assert.deepEqual(grades.filter((g) => g.status !== 'ok').map((g) => `${path.basename(g.file)}: ${g.status} ${notes(g)}`), []);
});

test('nnlab grade: every library solution scores 0, and each of its cases names the function that is "not available in homework"', () => {
  for (const id of homeworkIds()) {
    const g = grade(`library-${id}`);
    for (const e of EXERCISES.filter((x) => x.homework === id && !(x.name in NO_LIBRARY_SOLUTION))) {
      const x = g.exercises.find((y) => y.exercise === e.name);
      assert.ok(x?.result, `${id} ${e.name}: no result (${notes(g)})`);
      assert.equal(x.score, 0, `${e.name}: ${JSON.stringify(x.result.cases.find((c) => c.passed))}`);
      const locked = e.functions.map((fn) => LIBRARY_SOLUTIONS[id][fn][0]);
      const says = new RegExp(`(${locked.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')}) is not available in homework: .*${e.name}.* write it yourself`);
      assert.ok(x.result.cases.length > 0, e.name);
      for (const c of x.result.cases) assert.match(c.message, says, `${e.name}, case ${c.name}`);
    }
  }
});

test('nnlab grade: the instructor solutions, in the same batch under the same locks, still score full', () => {
  for (const id of homeworkIds()) {
    const g = grade(`instructor-${id}`);
    assert.equal(g.status, 'ok', notes(g));
    assert.equal(g.total, g.max, `${id}: ${g.exercises.filter((e) => e.score < e.points).map((e) => `${e.exercise} ${JSON.stringify(e.result?.cases.find((c) => !c.passed) ?? e.error)}`).join('; ')}`);
  }
});

// last: it locks this process's own copy of the library (harmless here: no student code runs in it)
test('lockDown(homework) finds every function its table lists, for every homework (a renamed export fails here, not go unlocked)', () => {
  for (const id of homeworkIds()) {
    const { locked, missing } = lockDown(id);
    assert.deepEqual(missing, [], id);
    const expected = Object.values(LIBRARY_SOLUTIONS[id] ?? {}).map(([name]) => name);
    for (const name of expected) assert.ok(locked.includes(name), `${id}: ${name} is not locked (locked: ${locked.join(', ')})`);
  }
});
