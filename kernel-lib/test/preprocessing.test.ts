/**
 * Lesson 02, data preprocessing: PCA and whitening against numpy.linalg.eigh and a closed-form 2×2
 * eigen-decomposition written here in float64; the cloud pipeline's invariants; CIFAR-10's channel
 * statistics against NumPy on the official files and against the published numbers; proof that the
 * test split never enters the fit; figures, CLI commands, leaks, progress and bad input.
 *
 * Tolerances (u = 2^-24, float32's unit roundoff):
 * - the covariance XᵀX/N on the device: each entry is a float32 sum of N products, off by at most
 *   γ_N·Σ|xᵢ||yᵢ|/N ≤ N·u·max|C| (Higham); with N = 500 and max|C| ≈ 4, that is 1.2e-4 worst case.
 *   Eigenvalues move by at most ‖ΔC‖₂ ≤ 2·max|ΔC| (Weyl), eigenvectors by ‖ΔC‖₂ / gap (Davis–Kahan).
 * - whitened or decorrelated points: a float32 matMul of 2 terms and a division, then sums of N
 *   products for their covariance: again N·u relative to the variances (~1).
 * - channel statistics: ours are float64 sums over the bytes like NumPy's, so they agree to float64
 *   rounding (1e-12 relative); statistics after normalising use float32 device sums over a batch's
 *   1000 images per pixel (γ_1000 ≈ 6e-5 relative at worst, far less in practice), then float64.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { spawnSync } from 'child_process';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import * as P from '../src/lessons/preprocessing';
import { CLOUD_OPTIONS, pipeline } from '../src/lessons/preprocessing/cloud';
import { CHANNEL_OPTIONS } from '../src/lessons/preprocessing/channelStats';
import { PREPROCESS_COMMAND, runPreprocess, runWhiten, WHITEN_COMMAND } from '../src/lessons/preprocessing/cli';
import { appliedRows, channelRows, cloudCheckRows, cloudRows } from '../src/lessons/preprocessing/figures';
import { PREPROCESSING_LESSON } from '../src/lessons/preprocessing/lesson';
import { correlatedCloud, randomImages } from '../src/data/synthetic';
import { loadDataset } from '../src/data/load';
import type { ImageDataset, LoadOptions } from '../src/data/load';
import { parseArgs } from '../src/core/args';
import { ArgumentError } from '../src/core/errors';
import { countTensors } from '../src/core/leaks';
import { mulberry32, randomNormal, seedStream } from '../src/core/rng';
import type { ProgressEvent } from '../src/core/progress';
import { withoutMeta } from './helpers';

const U = 2 ** -24;
const PYTHON = '/usr/bin/python3';
const NUMPY_DIR = path.resolve(__dirname, '..', '..', 'test', 'numpy');
const NO_NUMPY = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0 ? false : `${PYTHON} with numpy is missing: apt-get install python3-numpy`;
const CIFAR_DIR = process.env.NNLAB_DATA_MIRROR ? path.join(process.env.NNLAB_DATA_MIRROR, 'cifar-10', 'cifar-10-batches-bin') : '';
const NO_CIFAR = NO_NUMPY || (CIFAR_DIR === '' ? 'set NNLAB_DATA_MIRROR to a folder with cifar-10/cifar-10-batches-bin' : false);

before(async () => {
  await tf.setBackend('wasm');
});

function numpy(script: string, job: unknown): any {   // eslint-disable-line @typescript-eslint/no-explicit-any
  const py = spawnSync(PYTHON, [path.join(NUMPY_DIR, script), JSON.stringify(job)], { encoding: 'utf8', maxBuffer: 256 << 20 });
  assert.equal(py.status, 0, py.stderr);
  return JSON.parse(py.stdout);
}

function throwsMessage(f: () => unknown, re: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof Error, String(e));
    assert.match(e.message, re);
    return true;
  });
}

async function rejectsWith(f: () => Promise<unknown>, re: RegExp): Promise<void> {
  await assert.rejects(f, (e: unknown) => {
    assert.ok(e instanceof ArgumentError, String(e));
    assert.match(e.message, re);
    return true;
  });
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The 2×2 covariance (÷N) of row-major points, in float64. */
function cov2(P: ArrayLike<number>): [number, number, number] {
  const N = P.length / 2;
  let m1 = 0; let m2 = 0;
  for (let i = 0; i < N; i++) { m1 += P[2 * i]; m2 += P[2 * i + 1]; }
  m1 /= N; m2 /= N;
  let a = 0; let b = 0; let c = 0;
  for (let i = 0; i < N; i++) {
    const x = P[2 * i] - m1;
    const y = P[2 * i + 1] - m2;
    a += x * x; b += x * y; c += y * y;
  }
  return [a / N, b / N, c / N];
}

/** Closed-form eigenpairs of [[a, b], [b, c]]: λ = (a + c)/2 ± sqrt(((a − c)/2)² + b²), v ∝ (b, λ − a); largest component positive. */
function eig2(a: number, b: number, c: number): { values: [number, number]; vectors: [[number, number], [number, number]] } {
  const mid = (a + c) / 2;
  const r = Math.hypot((a - c) / 2, b);
  const values: [number, number] = [mid + r, mid - r];
  const vec = (l: number): [number, number] => {
    // (b, λ − a) and (λ − c, b) are both eigenvectors; take the longer for accuracy
    const v1: [number, number] = [b, l - a];
    const v2: [number, number] = [l - c, b];
    const v = Math.hypot(...v1) >= Math.hypot(...v2) ? v1 : v2;
    const n = Math.hypot(...v);
    const s = Math.abs(v[0]) >= Math.abs(v[1]) ? Math.sign(v[0]) : Math.sign(v[1]);
    return [(s * v[0]) / n, (s * v[1]) / n];
  };
  return { values, vectors: [vec(values[0]), vec(values[1])] };
}

// ------------------------------------------------------------------------------ PCA and whitening

test('pcaFit(X) of 400 correlated 5-D rows equals numpy.linalg.eigh of the same covariance (values, and vectors up to sign); whiten(X) has covariance diag(λ/(λ + eps))', { skip: NO_NUMPY }, async () => {
  const N = 400;
  const D = 5;
  const random = mulberry32(21);
  const mix = Array.from({ length: D * D }, () => randomNormal(random));
  const rows = new Float32Array(N * D);
  for (let i = 0; i < N; i++) {
    const z = Array.from({ length: D }, (_, j) => randomNormal(random) * (j + 1));
    for (let j = 0; j < D; j++) rows[i * D + j] = 10 + z.reduce((s, zk, k) => s + zk * mix[k * D + j], 0);
  }
  // float64 covariance of the float32 rows, then NumPy's eigh
  const C = new Float64Array(D * D);
  const mean = Array.from({ length: D }, (_, j) => { let s = 0; for (let i = 0; i < N; i++) s += rows[i * D + j]; return s / N; });
  for (let i = 0; i < N; i++) for (let j = 0; j < D; j++) for (let k = 0; k < D; k++) C[j * D + k] += (rows[i * D + j] - mean[j]) * (rows[i * D + k] - mean[k]) / N;
  const np = numpy('eigh.py', { A: Array.from(C), n: D });
  const X = tf.tensor2d(rows, [N, D]);
  const fit = P.pcaFit(X);
  const scale = np.values[0];
  const tol = 2 * N * U * scale;   // Weyl: |Δλ| <= ‖ΔC‖₂, ‖ΔC‖ <= N·u·max|C| per entry
  assert.ok(maxAbs(fit.values, np.values) < tol, `values ${fit.values} vs ${np.values}`);
  const gaps = np.values.slice(0, -1).map((l: number, j: number) => l - np.values[j + 1]);
  assert.ok(maxAbs(fit.vectors, np.vectors) < tol / Math.min(...gaps) * 4, `vectors off by ${maxAbs(fit.vectors, np.vectors)}`);
  assert.ok(Math.abs(fit.totalVariance - np.values.reduce((a: number, b: number) => a + b, 0)) < tol);
  // whitened: covariance diag(λ / (λ + eps)), within float32 rounding
  const eps = 0.5;
  const W = P.whiten(X, { fit, eps });
  const w = await W.data();
  for (let j = 0; j < D; j++) for (let k = 0; k < D; k++) {
    let s = 0;
    for (let i = 0; i < N; i++) s += w[i * D + j] * w[i * D + k];
    const expected = j === k ? fit.values[j] / (fit.values[j] + eps) : 0;
    assert.ok(Math.abs(s / N - expected) < 4 * N * U, `cov(W)[${j}][${k}] = ${s / N}, expected ${expected}`);
  }
  tf.dispose([X, W]);
});

test('pcaFit(X, { k: 3 }) keeps the top 3 directions by subspace iteration, equal to the full fit; whiten and decorrelate reject a fit of other data', () => {
  const random = mulberry32(4);
  const rows = Float32Array.from({ length: 300 * 6 }, (_, i) => randomNormal(random) * (1 + (i % 6)));
  const X = tf.tensor2d(rows, [300, 6]);
  const full = P.pcaFit(X);
  const top = P.pcaFit(X, { k: 3, iterations: 200, seed: 1 });
  assert.equal(top.k, 3);
  assert.ok(maxAbs(top.values, full.values.slice(0, 3)) < 1e-4 * full.values[0], `${top.values} vs ${full.values}`);
  const fullTop = Array.from({ length: 6 * 3 }, (_, i) => full.vectors[Math.floor(i / 3) * 6 + (i % 3)]);
  assert.ok(maxAbs(top.vectors, fullTop) < 1e-3, `vectors off by ${maxAbs(top.vectors, fullTop)}`);
  const other = tf.zeros([5, 4]) as tf.Tensor2D;
  throwsMessage(() => P.whiten(other, { fit: full }), /^fit\.D must be the number of features of X \(4\)/);
  throwsMessage(() => P.decorrelate(other, { nope: 1 } as unknown as P.PcaFit), /^fit must be a fit returned by nn\.preprocessing\.pcaFit\(X\)/);
  throwsMessage(() => P.pcaFit(X, { k: 7 }), /^k must be an integer in \[1, 6\], got 7$/);
  throwsMessage(() => P.whiten(X, { eps: -1 }), /^eps must be a finite number in \[0, 1000000\], got -1$/);
  const wide = tf.zeros([2, 600]) as tf.Tensor2D;
  throwsMessage(() => P.pcaFit(wide), /k must be given for data of 600 features \(every direction needs D <= 512/);
  tf.dispose([X, other, wide]);
});

// ------------------------------------------------------------------------------ the 2-D cloud

test('cloud(): the PCA directions equal a closed-form 2×2 eigen-decomposition in float64 and numpy.linalg.eigh of the same points, up to sign', { skip: NO_NUMPY }, async () => {
  const r = await P.cloud({ progress: false });
  // the same float32 points the experiment drew (data/synthetic with its derived seed)
  const drawn = correlatedCloud({ n: 500, mean: [3, 2], std: [2, 0.5], rho: 0.8, seed: seedStream(0).derive('cloud') });
  assert.ok(maxAbs(r.stages[0].x, Array.from({ length: 500 }, (_, i) => drawn.X[2 * i])) <= 5e-6, 'the record holds the drawn points (5 decimals)');
  const [a, b, c] = cov2(drawn.X);
  const closed = eig2(a, b, c);
  const np = numpy('eigh.py', { A: [a, b, b, c], n: 2 });
  const tol = 2 * 500 * U * Math.max(a, c);   // ‖ΔC‖₂ of the float32 covariance (module comment)
  const gap = closed.values[0] - closed.values[1];
  assert.ok(maxAbs(r.pca.values, closed.values) < tol, `values ${r.pca.values} vs ${closed.values}`);
  assert.ok(maxAbs(r.pca.values, np.values) < tol);
  const ours = [...r.pca.vectors[0], ...r.pca.vectors[1]];
  assert.ok(maxAbs(ours, [...closed.vectors[0], ...closed.vectors[1]]) < tol / gap, `vectors ${ours} vs ${closed.vectors}`);
  // numpy's columns are the vectors: [u11, u12, u21, u22] row-major -> vector j = (v[j], v[2 + j])
  assert.ok(maxAbs(ours, [np.vectors[0], np.vectors[2], np.vectors[1], np.vectors[3]]) < tol / gap);
  // the first direction points along the correlated diagonal and explains most of the variance
  assert.ok(r.pca.explained[0] > 0.95 && Math.abs(r.pca.explained[0] + r.pca.explained[1] - 1) < 1e-12);
  console.log(`cloud PCA: λ ${r.pca.values.map((v) => v.toFixed(6))}, |Δλ| vs float64 ${maxAbs(r.pca.values, closed.values).toExponential(1)} (bound ${tol.toExponential(1)})`);
});

test('cloud(): centred means 0, normalised stds 1 with the correlation kept, decorrelated correlation 0, whitened covariance diag(λ/(λ + eps)); with eps 0, the identity, all within float32 rounding', async () => {
  const r = await P.cloud({ progress: false });
  const tol = 4 * 500 * U;
  const [orig, centred, normalised, decorrelated, whitened] = r.stages;
  assert.deepEqual(r.stages.map((s) => s.stage), [...P.CLOUD_STAGES]);
  assert.ok(Math.abs(orig.mean[0] - 3) < 4 * 2 / Math.sqrt(500) && Math.abs(orig.mean[1] - 2) < 4 * 0.5 / Math.sqrt(500), 'the drawn mean is within 4 SE of (3, 2)');
  assert.ok(r.checks.centredMaxMean < tol * 5, `centred mean ${centred.mean}`);
  assert.ok(r.checks.normalisedMaxStdDeviation < tol);
  assert.ok(Math.abs(normalised.correlation - orig.correlation) < tol, 'normalising keeps the correlation');
  assert.ok(Math.abs(orig.correlation - 0.8) < 0.1);
  assert.ok(r.checks.decorrelatedOffDiagonal < tol);
  // decorrelated variances are the eigenvalues
  assert.ok(Math.abs(decorrelated.covariance[0][0] - r.pca.values[0]) < tol * r.pca.values[0]);
  assert.ok(Math.abs(decorrelated.covariance[1][1] - r.pca.values[1]) < tol * r.pca.values[0]);
  assert.ok(r.checks.whitenedResidual < tol, `residual ${r.checks.whitenedResidual}`);
  assert.ok(Math.abs(r.checks.epsShrink - 1e-5 / (r.pca.values[1] + 1e-5)) < 1e-15);
  assert.ok(Math.abs(r.checks.whitenedMaxDeviation - r.checks.epsShrink) < tol);
  assert.ok(Math.abs(whitened.std[0] - 1) < 1e-4 && Math.abs(whitened.std[1] - 1) < 2e-4);
  const noEps = await P.cloud({ eps: 0, progress: false });
  assert.ok(noEps.checks.whitenedMaxDeviation < tol, `eps 0: max |cov − I| ${noEps.checks.whitenedMaxDeviation}`);
  console.log(`cloud checks: ${JSON.stringify(r.checks)}; eps 0: ${noEps.checks.whitenedMaxDeviation.toExponential(1)}`);
});

test('cloud({ correlation: -0.5, std: [1, 3], points: 2000, seed: 3 }) follows its options: the correlation, and u₁ along x₂', async () => {
  const r = await P.cloud({ correlation: -0.5, std: [1, 3], points: 2000, seed: 3, progress: false });
  assert.equal(r.stages[0].x.length, 2000);
  assert.ok(Math.abs(r.stages[0].correlation + 0.5) < 4 * (1 - 0.25) / Math.sqrt(2000), `correlation ${r.stages[0].correlation}`);
  assert.ok(Math.abs(r.pca.vectors[0][1]) > Math.abs(r.pca.vectors[0][0]));
  assert.deepEqual(r.population.covariance, [[1, -1.5], [-1.5, 9]]);
});

test('cloud() twice with one seed gives deep-equal records, another seed other points; one progress event per stage; no tensor left behind', async () => {
  const events: ProgressEvent[] = [];
  const { result: a, leaked } = await countTensors(() => P.cloud({ progress: (e) => events.push(e) }));
  assert.equal(leaked, 0);
  assert.deepEqual(withoutMeta(await P.cloud({ progress: false })), withoutMeta(a));
  assert.notDeepEqual((await P.cloud({ seed: 1, progress: false })).stages[0].x, a.stages[0].x);
  assert.deepEqual(events.map((e) => [e.done, e.total, e.phase]), P.CLOUD_STAGES.map((s, k) => [k + 1, 5, s]));
  const { leaked: fitLeaks } = await countTensors(() => {
    const X = tf.tensor2d([1, 2, 2, 3.5, 3, 4, 4, 6.5], [4, 2]);
    const fit = P.pcaFit(X);
    tf.dispose([P.whiten(X, { fit }), P.decorrelate(X, fit), X]);
    const Y = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const cv = P.covariance(Y);
    tf.dispose([cv.mean, cv.covariance, Y]);
  });
  assert.equal(fitLeaks, 0, 'pcaFit, whiten, decorrelate and covariance leave only what they return');
});

test('pipeline(X): every stage is the formula of its name (float64 recomputation from the drawn points)', () => {
  const drawn = correlatedCloud({ n: 50, mean: [3, 2], std: [2, 0.5], rho: 0.8, seed: 9 });
  const { points, fit } = pipeline(drawn.X, { points: 50, eps: 1e-5 });
  const N = 50;
  const m = [0, 1].map((j) => Array.from({ length: N }, (_, i) => drawn.X[2 * i + j]).reduce((s, v) => s + v, 0) / N);
  const [a, , c] = cov2(drawn.X);
  const sd = [Math.sqrt(a), Math.sqrt(c)];
  for (let i = 0; i < N; i++) {
    const xc = [drawn.X[2 * i] - m[0], drawn.X[2 * i + 1] - m[1]];
    const rot = [0, 1].map((j) => xc[0] * fit.vectors[j] + xc[1] * fit.vectors[2 + j]);
    const expect: Record<string, number[]> = {
      'zero-centred': xc, normalised: [xc[0] / sd[0], xc[1] / sd[1]], decorrelated: rot,
      whitened: rot.map((v, j) => v / Math.sqrt(fit.values[j] + 1e-5)),
    };
    for (const [stage, e] of Object.entries(expect)) {
      const got = points[stage as P.CloudStage];
      const bound = 64 * U * (1 + Math.abs(e[0]) + Math.abs(e[1]) + Math.hypot(...m));
      assert.ok(Math.abs(got[2 * i] - e[0]) < bound && Math.abs(got[2 * i + 1] - e[1]) < bound, `${stage} point ${i}: ${got[2 * i]}, ${got[2 * i + 1]} vs ${e}`);
    }
  }
});

test('cloud rejects bad options with an ArgumentError naming the option, before any work', async () => {
  const cases: [() => Promise<unknown>, RegExp][] = [
    [() => P.cloud({ points: 1 }), /^points must be an integer in \[2, 100000\], got 1$/],
    [() => P.cloud({ correlation: 1 }), /^correlation must be a finite number in \[-0\.99, 0\.99\], got 1$/],
    [() => P.cloud({ std: [0, 1] }), /^std\[0\] must be a finite number in \[0\.001, 10000\], got 0$/],
    [() => P.cloud({ mean: [1, 2, 3] }), /^mean must be an array of 2 values, got \[1, 2, 3\]$/],
    [() => P.cloud({ eps: NaN }), /^eps must be a finite number in \[0, 1\], got NaN$/],
    [() => P.cloud({ seed: -1 }), /^seed must be/],
    [() => P.cloud({ rho: 0.5 } as unknown as P.CloudOptions), /rho/],
    [() => P.cloud(null as unknown as P.CloudOptions), /^preprocessing\.cloud options must be an object of options \(or nothing\), got null$/],
  ];
  for (const [f, re] of cases) await rejectsWith(f, re);
  for (const [key, field] of Object.entries({ ...CLOUD_OPTIONS.fields, ...CHANNEL_OPTIONS.fields })) {
    const f = field as { kind: string; max?: number; of?: { max?: number } };
    if (f.kind === 'int' || f.kind === 'number') assert.ok(f.max !== undefined, key);
    if (f.kind === 'list') assert.ok(f.of?.max !== undefined, key);
  }
});

test('cloudFigure(record): five labelled scatter panels side by side with equal axes, one "points" series, the principal directions on the zero-centred cloud', async () => {
  const r = await P.cloud({ points: 100, progress: false });
  const fig = P.cloudFigure(r);
  const layout = fig.layout as Record<string, { scaleanchor?: string; title?: { text?: string } }>;
  for (const [k, suffix] of ['', '2', '3', '4', '5'].entries()) {
    assert.equal(layout[`yaxis${suffix}`].scaleanchor, `x${suffix}`, `panel ${k + 1} has equal axes`);
    assert.ok(layout[`xaxis${suffix}`].title?.text && layout[`yaxis${suffix}`].title?.text, `panel ${k + 1} axis titles`);
  }
  const annotations = (fig.layout.annotations as { text: string }[]).map((a) => a.text.replace(/<br>/g, ' '));
  assert.deepEqual(annotations, [...P.CLOUD_STAGES]);
  assert.equal(fig.data.filter((t) => t.name === 'points').length, 5);
  const dirs = fig.data.filter((t) => String(t.name).startsWith('principal directions'));
  assert.equal(dirs.length, 2);
  assert.ok(dirs.every((t) => t.xaxis === 'x2'));
  assert.match(String((fig.layout.title as { text: string }).text).replace(/<br>/g, ' '), /^A 2-D cloud: centre, normalise \(÷ std\), decorrelate \(·U\), whiten$/);
  assert.equal(cloudRows(r).length, 5);
  assert.equal(cloudCheckRows(r).length, 5);
  throwsMessage(() => P.cloudFigure({ experiment: 'x' } as unknown as P.CloudRecord), /^record must be a record returned by nn\.preprocessing\.cloud\(\)/);
});

test('the whiten command: `--points 200 --json` prints the record; the text has the stages and the checks; a bad --correlation is a usage error naming it', async () => {
  const spec = WHITEN_COMMAND.spec;
  const json = JSON.parse(await runWhiten(parseArgs('whiten', ['--points', '200', '--seed', '2', '--json'], spec)));
  assert.equal(json.experiment, 'preprocessingCloud');
  assert.equal(json.options.points, 200);
  assert.equal(json.options.seed, 2);
  assert.equal(typeof json.ms, 'number');
  const text = await runWhiten(parseArgs('whiten', ['--points=100'], spec));
  for (const s of ['zero-centred', 'whitened', 'PCA: λ', 'Checks', 'max |cov(Xwhite) − I|']) assert.ok(text.includes(s), s);
  throwsMessage(() => parseArgs('whiten', ['--correlation', '2'], spec), /^whiten: --correlation must be a finite number in \[-0\.99, 0\.99\], got \"2\"$/);
  throwsMessage(() => parseArgs('whiten', ['--points', '1e9'], spec), /^whiten: --points must be an integer/);
  assert.deepEqual(Object.keys(PREPROCESSING_LESSON.commands), ['whiten', 'preprocess', 'zero-mean', 'pca']);
});

// ------------------------------------------------------------------------------ channel statistics

/** A loader that serves synthetic images and records every split asked for. */
function spyLoader(train: ImageDataset, test: ImageDataset): { load: (name: string, o: LoadOptions) => Promise<ImageDataset>; calls: string[] } {
  const calls: string[] = [];
  return { calls, load: async (_name, o) => { calls.push(o.split ?? 'train'); return o.split === 'test' ? test : train; } };
}

test('channelStats never reads the test split to fit: a spy loader sees "train" first and "test" only after the fit; altering every test image leaves the fit unchanged', async () => {
  const train = randomImages({ count: 200, height: 32, width: 32, channels: 3, seed: 1 });
  const test = randomImages({ count: 50, height: 32, width: 32, channels: 3, seed: 2 });
  for (const mode of P.CHANNEL_MODES) {
    const spy = spyLoader(train, test);
    const a = await P.channelStats({ mode, trainSize: 150, valSize: 50, testSize: 50, progress: false }, { load: spy.load });
    assert.deepEqual(spy.calls, ['train', 'test'], mode);
    const altered = { ...test, images: test.images.map(() => 255) };
    const b = await P.channelStats({ mode, trainSize: 150, valSize: 50, testSize: 50, progress: false }, { load: spyLoader(train, altered).load });
    assert.deepEqual(b.fit, a.fit, `${mode}: the fit does not depend on the test images`);
    assert.deepEqual(b.channels, a.channels);
    assert.notDeepEqual(b.applied[2], a.applied[2], `${mode}: the test split's normalised statistics do`);
    // the fit equals fitStats of the first 150 training images alone (4 decimals in the record)
    const alone = P.fitStats({ ...train, count: 150, images: train.images.slice(0, 150 * 3072), labels: train.labels.slice(0, 150) }, mode);
    assert.ok(maxAbs(a.fit.channelMean, alone.channelMean) <= 5e-5);
  }
  const spy = spyLoader(train, test);
  await P.channelStats({ trainSize: 100, valSize: 0, testSize: 0, progress: false }, { load: spy.load });
  assert.deepEqual(spy.calls, ['train'], 'testSize 0: the test split is not read at all');
});

test('applyStats(fit, images) computes each mode\'s formula: (x − μ_image)/255, (x − μ_c)/255, (x − μ_c)/σ_c (float64 recomputation)', async () => {
  const ds = randomImages({ count: 30, height: 4, width: 4, channels: 3, seed: 5 });
  for (const mode of P.CHANNEL_MODES) {
    const fit = P.fitStats(ds, mode);
    const x = P.applyStats(fit, ds, { start: 10, size: 5 });
    assert.deepEqual(x.shape, [5, 4, 4, 3]);
    const got = await x.data();
    x.dispose();
    for (let i = 0; i < got.length; i++) {
      const v = ds.images[10 * 48 + i];
      const c = i % 3;
      const e = mode === 'mean-image' ? (v - fit.meanImage![i % 48]) / 255 : mode === 'channel-mean' ? (v - fit.channelMean[c]) / 255 : (v - fit.channelMean[c]) / fit.channelStd![c];
      assert.ok(Math.abs(got[i] - e) <= 4 * U * (1 + Math.abs(e)), `${mode} [${i}] ${got[i]} vs ${e}`);
    }
  }
  // float64 fit: the mean image is the mean over images, the channel std the population std
  const fit = P.fitStats(ds, 'channel-std');
  let s = 0; let q = 0;
  for (let i = 0; i < ds.images.length; i += 3) { s += ds.images[i]; q += ds.images[i] ** 2; }
  const n = ds.images.length / 3;
  assert.ok(Math.abs(fit.channelMean[0] - s / n) < 1e-12 * 255);
  assert.ok(Math.abs(fit.channelStd![0] - Math.sqrt(q / n - (s / n) ** 2)) < 1e-9);
  const gray = randomImages({ count: 2, height: 4, width: 4, channels: 1, seed: 1 });
  throwsMessage(() => P.applyStats(fit, gray), /^images must be images of the fitted shape 4×4×3, got "4×4×1 images"$/);
  throwsMessage(() => P.applyStats({ mode: 'pca' } as unknown as P.ChannelStatsFit, ds), /^fit must be statistics returned by nn\.preprocessing\.fitStats\(train, mode\)/);
  throwsMessage(() => P.fitStats(ds, 'zca' as P.ChannelMode), /^mode must be one of/);
});

test('channelStats({ trainSize: 2000, valSize: 500, testSize: 500 }) on CIFAR-10 equals NumPy in float64 on the official files (mean image, channel means and stds, mean of per-image stds, each split after normalising)', { skip: NO_CIFAR }, async () => {
  const np = numpy('cifar_stats.py', { dir: CIFAR_DIR, trainSize: 2000, valSize: 500, testSize: 500 });
  const std = await P.channelStats({ mode: 'channel-std', trainSize: 2000, valSize: 500, testSize: 500, progress: false });
  const img = await P.channelStats({ mode: 'mean-image', trainSize: 2000, valSize: 0, testSize: 0, progress: false });
  // the record rounds fitted numbers to 4 decimals (0-255 scale); the rows carry the unrounded ones
  assert.ok(maxAbs(img.fit.meanImage!, np.meanImage) <= 5e-5 + 1e-9, `mean image off by ${maxAbs(img.fit.meanImage!, np.meanImage)}`);
  assert.ok(maxAbs(std.channels.map((c) => c.mean255), np.channelMean) < 1e-10);
  assert.ok(maxAbs(std.channels.map((c) => c.std255), np.channelStd) < 1e-9);
  assert.ok(maxAbs(std.channels.map((c) => c.meanPerImageStd01 * 255), np.meanPerImageStd) < 1e-9);
  assert.ok(maxAbs(std.fit.channelStd!, np.channelStd) <= 5e-5 + 1e-9);
  for (const [k, split] of (['train', 'val', 'test'] as const).entries()) {
    const a = std.applied[k];
    assert.equal(a.split, split);
    // float32 device sums over 500-2000 images per pixel, float64 after: 1e-5 is ~γ_2000 at |x'| ~ 2
    assert.ok(maxAbs(a.mean, np[split].mean) < 1e-5, `${split} mean ${a.mean} vs ${np[split].mean}`);
    assert.ok(maxAbs(a.std, np[split].std) < 1e-5, `${split} std ${a.std} vs ${np[split].std}`);
  }
  assert.ok(maxAbs(std.applied[0].mean, [0, 0, 0]) < 1e-5 && maxAbs(std.applied[0].std, [1, 1, 1]) < 1e-5, 'the training images land on mean 0, std 1');
});

test('channelStats on all 50,000 CIFAR-10 training images gives the published mean (0.4914, 0.4822, 0.4465) and std (0.2470, 0.2435, 0.2616); the copied (0.2023, 0.1994, 0.2010) is within 2e-4 of the mean of per-image stds (NumPy agrees)', { skip: NO_CIFAR }, async () => {
  const r = await P.channelStats({ trainSize: 50_000, valSize: 0, testSize: 0, progress: false });
  const np = numpy('cifar_stats.py', { dir: CIFAR_DIR, trainSize: 50_000, valSize: 0, testSize: 0 });
  const mean = r.channels.map((c) => c.mean01);
  const sd = r.channels.map((c) => c.std01);
  const perImage = r.channels.map((c) => c.meanPerImageStd01);
  assert.ok(maxAbs(mean, P.CIFAR10_PUBLISHED.mean) <= 5e-5, `mean ${mean}`);   // published to 4 decimals
  assert.ok(maxAbs(sd, P.CIFAR10_PUBLISHED.std) <= 5e-5, `std ${sd}`);
  assert.ok(maxAbs(perImage, P.CIFAR10_PUBLISHED.copiedStd) <= 2e-4, `mean of per-image stds ${perImage}`);
  assert.ok(Math.min(...sd.map((s, c) => s - perImage[c])) > 0.04, 'the pixel std exceeds the mean per-image std: images differ from each other');
  assert.ok(maxAbs(mean, np.channelMean.map((v: number) => v / 255)) < 1e-12);
  assert.ok(maxAbs(sd, np.channelStd.map((v: number) => v / 255)) < 1e-12);
  assert.ok(maxAbs(perImage, np.meanPerImageStd.map((v: number) => v / 255)) < 1e-12);
  console.log(`CIFAR-10 train (50,000): mean ${mean.map((v) => v.toFixed(5))}, std ${sd.map((v) => v.toFixed(5))}, mean per-image std ${perImage.map((v) => v.toFixed(5))}; ${r.meta.ms.toFixed(0)} ms`);
});

test('channelStats(): deep-equal records twice, one progress event per phase, the quick preset, no tensor left behind', async () => {
  const train = randomImages({ count: 120, height: 32, width: 32, channels: 3, seed: 3 });
  const test = randomImages({ count: 40, height: 32, width: 32, channels: 3, seed: 4 });
  const events: ProgressEvent[] = [];
  const { result: a, leaked } = await countTensors(() => P.channelStats({ mode: 'mean-image', trainSize: 100, valSize: 20, testSize: 40, progress: (e) => events.push(e) }, spyLoader(train, test)));
  assert.equal(leaked, 0);
  const b = await P.channelStats({ mode: 'mean-image', trainSize: 100, valSize: 20, testSize: 40, progress: false }, spyLoader(train, test));
  assert.deepEqual(withoutMeta(b), withoutMeta(a));
  assert.deepEqual(events.map((e) => [e.done, e.total]), [[1, 4], [2, 4], [3, 4], [4, 4]]);
  assert.equal(a.fit.meanImage!.length, 3072);
  assert.deepEqual(a.applied.map((s) => [s.split, s.images]), [['train', 100], ['val', 20], ['test', 40]]);
  const saved = process.env.NNLAB_QUICK;
  process.env.NNLAB_QUICK = '1';
  try {
    const big = randomImages({ count: 6000, height: 32, width: 32, channels: 3, seed: 1 });
    const q = await P.channelStats({ mode: 'channel-mean', progress: false }, spyLoader(big, test));
    assert.deepEqual([q.options.trainSize, q.options.valSize, q.options.testSize], [5000, 1000, 1000]);
    assert.equal(q.applied[2].images, 40, 'testSize beyond the split: all of its images');
  } finally {
    if (saved === undefined) delete process.env.NNLAB_QUICK; else process.env.NNLAB_QUICK = saved;
  }
});

test('channelStats rejects bad options with an ArgumentError naming the option, before reading any image', async () => {
  const never = { load: async (): Promise<ImageDataset> => { throw new Error('must not load'); } };
  const cases: [() => Promise<unknown>, RegExp][] = [
    [() => P.channelStats({ mode: 'pca' as P.ChannelMode }, never), /^mode must be one of "mean-image", "channel-mean", "channel-std", got "pca"$|^mode must be one of/],
    [() => P.channelStats({ dataset: 'mnist' as 'cifar-10' }, never), /^dataset must be one of "cifar-10"|^dataset must be one of/],
    [() => P.channelStats({ trainSize: 0 }, never), /^trainSize must be an integer in \[1, 50000\], got 0$/],
    [() => P.channelStats({ trainSize: 48_000, valSize: 5000 }, never), /^valSize must be at most 2000 \(the 50000 training images less the 48000 fitted: validation images are never in the fit\), got 5000$/],
    [() => P.channelStats({ trainSize: 50_000 }, never), /^trainSize must be at most 45000 \(the 50000 training images less the 5000 held out for validation/],
    [() => P.channelStats({ testSize: 10_001 }, never), /^testSize must be an integer in \[0, 10000\], got 10001$/],
    [() => P.channelStats({ bogus: 1 } as unknown as P.ChannelStatsOptions, never), /bogus/],
  ];
  for (const [f, re] of cases) await rejectsWith(f, re);
  const small = randomImages({ count: 10, height: 32, width: 32, channels: 3, seed: 1 });
  await rejectsWith(() => P.channelStats({ trainSize: 8, valSize: 5, testSize: 0, progress: false }, spyLoader(small, small)), /^trainSize must be at most 5: the training split holds 10 images/);
});

test('channelStatsFigure(record): the mean image (mode mean-image) beside bars of the channel means and stds with the published numbers; rows and text', async () => {
  const train = randomImages({ count: 60, height: 32, width: 32, channels: 3, seed: 3 });
  const r = await P.channelStats({ mode: 'mean-image', trainSize: 50, valSize: 10, testSize: 10, progress: false }, spyLoader(train, train));
  const fig = P.channelStatsFigure(r);
  const image = fig.data.find((t) => t.type === 'image')!;
  const z = image.z as number[][][];
  assert.equal(z.length, 32);
  assert.equal(z[0].length, 32);
  assert.deepEqual([Math.min(...z.flat(2)), Math.max(...z.flat(2))], [0, 255], 'stretched to the full range');
  const names = new Set(fig.data.map((t) => t.name));
  for (const n of ['published (all 50,000)', 'mean of per-image stds', 'widely copied (0.2023, ...)']) assert.ok(names.has(n), n);
  const annotations = (fig.layout.annotations as { text: string }[]).map((a) => a.text).join(' | ');
  assert.match(annotations, /Mean image/);
  assert.match(annotations, /Channel means/);
  assert.match(annotations, /Channel stds/);
  const plain = await P.channelStats({ mode: 'channel-std', trainSize: 50, valSize: 0, testSize: 0, progress: false }, spyLoader(train, train));
  assert.ok(!P.channelStatsFigure(plain).data.some((t) => t.type === 'image'));
  assert.equal(channelRows(r).length, 3);
  assert.deepEqual(appliedRows(r).map((x) => x.split), ['train', 'val', 'test']);
  throwsMessage(() => P.channelStatsFigure({ experiment: 'preprocessingCloud' } as unknown as P.ChannelStatsRecord), /^record must be a record returned by nn\.preprocessing\.channelStats\(\)/);
});

test('the preprocess command: `--mode channel-mean --train-size 1000 --val-size 0 --test-size 100 --json` prints the record; the text names the published numbers; a bad --mode or --dataset is a usage error', { skip: NO_CIFAR }, async () => {
  const spec = PREPROCESS_COMMAND.spec;
  const json = JSON.parse(await runPreprocess(parseArgs('preprocess', ['--mode', 'channel-mean', '--train-size', '1000', '--val-size', '0', '--test-size', '100', '--json'], spec)));
  assert.equal(json.experiment, 'preprocessingChannelStats');
  assert.deepEqual([json.options.mode, json.options.trainSize, json.options.valSize, json.options.testSize], ['channel-mean', 1000, 0, 100]);
  assert.equal(json.fit.channelStd, null);
  const text = await runPreprocess(parseArgs('preprocess', ['--mode=mean-image', '--train-size=500', '--val-size=100', '--test-size=0'], spec));
  for (const s of ['published mean', 'mean of per-image stds', 'mean image: 32×32×3']) assert.ok(text.includes(s), s);
  // quick mode's preset applies to the sizes the command line leaves out
  const saved = process.env.NNLAB_QUICK;
  process.env.NNLAB_QUICK = '1';
  try {
    const quick = JSON.parse(await runPreprocess(parseArgs('preprocess', ['--test-size', '10', '--json'], spec)));
    assert.deepEqual([quick.options.mode, quick.options.trainSize, quick.options.valSize, quick.options.testSize], ['channel-std', 5000, 1000, 10]);
  } finally {
    if (saved === undefined) delete process.env.NNLAB_QUICK; else process.env.NNLAB_QUICK = saved;
  }
  throwsMessage(() => parseArgs('preprocess', ['--mode', 'zca'], spec), /^preprocess: --mode must be one of/);
  throwsMessage(() => parseArgs('preprocess', ['--dataset', 'mnist'], spec), /^preprocess: --dataset must be one of cifar-10|^preprocess: --dataset must be/);
  throwsMessage(() => parseArgs('preprocess', ['--train-size', '0'], spec), /^preprocess: --train-size must be an integer in \[1, 50000\]/);
});

test('loadDataset is what channelStats reads by default (the mirror\'s CIFAR-10 training split has 50,000 images)', { skip: NO_CIFAR }, async () => {
  const ds = await loadDataset('cifar-10', { split: 'train' });
  assert.equal(ds.count, 50_000);
});
