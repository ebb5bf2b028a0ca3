/**
 * Homework 12 (lesson 12, losses and gradient checking): the backward passes of three gates, in
 * plain arrays (number[][], one row per example). Each case runs the gradient check: the student's
 * gradient against centred differences (h = 1e-5, float64) of the gate's forward pass, relative
 * error ≤ 1e-7; a failure is compared with what each known mistake gives, and the matching hint is
 * shown.
 *
 * 1. `affineBackward(dout, x, w)` → `{ dx, dw, db }` for out = x·w + b (x [N, D], w [D, M]):
 *    dx = dout·wᵀ, dw = xᵀ·dout, db = Σₙ dout. Mistakes: dw transposed (doutᵀ·x), dx with the
 *    wrong matrix transposed (dout·w), db summed over the wrong axis (per row), db averaged.
 * 2. `reluBackward(dout, x)` → dx = dout where x > 0, else 0. Mistakes: dout·relu(x) (the output
 *    instead of the input's mask), the mask reversed, no mask, the mask without dout. Using x ≥ 0
 *    instead of x > 0 is NOT a mistake (the cases' random points are never exactly 0).
 * 3. `softmaxLoss(scores, y)` → `{ loss, dscores }`: the mean softmax cross-entropy and
 *    dscores = (p − onehot(y))/N. Mistakes: no 1/N, no −1 at the label, the sign flipped, the
 *    summed loss, no max trick (NaN on scores of 1000).
 */
import { CheckCase, CaseOutcome, diagnose, Exercise, fmt, relError, ReturnError } from '../../core/exercise';
import { numericalGradient } from '../../core/gradCheck';
import { mulberry32, randomInt, randomNormal } from '../../core/rng';
import { softmaxCrossEntropy64 } from './losses64';

/** The hints of homework 12, by mistake. */
export const HINTS_12 = {
  dwTransposed: 'dw must have the shape of w [D, M]: dw = xᵀ·dout; you computed doutᵀ·x, its transpose (transposed the wrong matrix)',
  dxNoTranspose: 'transposed the wrong matrix: dx = dout·wᵀ (the shape of x [N, D]); you used dout·w',
  dbWrongAxis: 'summed the bias gradient over the wrong axis: db[m] = Σₙ dout[n][m], a sum over the rows (one number per column of w, the shape of b)',
  dbMean: 'db is the SUM of dout over the rows, not the mean: the affine gate has no 1/N (the loss brings it)',
  reluOutput: 'used the output instead of the input mask: dx = dout where x > 0 and 0 elsewhere (a 0/1 mask of the input), not dout·relu(x)',
  reluReversed: 'the mask is reversed: the gradient passes where x > 0 and is 0 where x < 0',
  reluNoMask: 'passed dout through unchanged: ReLU blocks the gradient where x < 0 (dx = 0 there)',
  reluNoDout: 'returned the mask alone: multiply it by the upstream gradient dout (the chain rule)',
  softmaxNoN: 'forgot to divide by N: the loss is the MEAN over the N rows, so dscores = (p − onehot(y)) / N',
  softmaxNoOne: 'forgot to subtract 1 at the label: dscores = (p − onehot(y)) / N',
  softmaxSign: 'sign: dscores = (p − onehot(y)) / N (raising the correct class\'s score lowers the loss, so its gradient is negative)',
  lossSum: 'the loss is the mean over the rows, not the sum: divide by N',
  overflow: 'NaN or Infinity with large scores: subtract each row\'s max before exp (the max trick); the probabilities do not change',
  shape: 'return arrays of the shapes of the inputs: dx like x, dw like w, db one number per column of w, dscores like scores',
} as const;

type Matrix = number[][];

const flat = (m: Matrix) => Float64Array.from(m.flat());
const tol = 1e-7;
const HINT_TOL = 1e-6;

/** A seeded matrix of normal values (`away` > 0 moves each at least that far from 0). */
export function randomMatrix(rows: number, cols: number, random: () => number, scale = 1, away = 0): Matrix {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => {
    const v = scale * randomNormal(random);
    return v >= 0 ? v + away : v - away;
  }));
}

function matmul(a: Matrix, b: Matrix): Matrix {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}

const transpose = (a: Matrix): Matrix => a[0].map((_, j) => a.map((row) => row[j]));

function readMatrix(what: string, v: unknown, rows: number, cols: number): Matrix | null {
  if (!Array.isArray(v) || v.some((r) => !Array.isArray(r) || r.some((x) => typeof x !== 'number'))) {
    throw new ReturnError(`${what} must be a number[][], got ${v === undefined ? 'undefined (did you forget to return it?)' : typeof v}`, HINTS_12.shape);
  }
  if (v.length !== rows || v.some((r) => r.length !== cols)) return null;
  return v as Matrix;
}

const shapeOf = (v: unknown) => (Array.isArray(v) ? `${v.length}×${Array.isArray(v[0]) ? v[0].length : '?'}` : typeof v);

// ============================================================================ 1. affine

/** The right gradients of the affine gate (the reference; the checker compares with centred differences too). */
export function affineBackwardRef(dout: Matrix, x: Matrix, w: Matrix): { dx: Matrix; dw: Matrix; db: number[] } {
  return { dx: matmul(dout, transpose(w)), dw: matmul(transpose(x), dout), db: dout[0].map((_, m) => dout.reduce((s, r) => s + r[m], 0)) };
}

/** ∂(Σ out ⊙ dout)/∂(one input) by centred differences, out = x·w + b. */
function affineNumeric(dout: Matrix, x: Matrix, w: Matrix, b: number[], which: 'x' | 'w' | 'b'): Float64Array {
  const f = (v: Float64Array) => {
    const X = which === 'x' ? x.map((r, i) => r.map((_, j) => v[i * r.length + j])) : x;
    const W = which === 'w' ? w.map((r, i) => r.map((_, j) => v[i * r.length + j])) : w;
    const B = which === 'b' ? Array.from(v) : b;
    const out = matmul(X, W);
    return out.reduce((s, r, n) => s + r.reduce((t, o, m) => t + (o + B[m]) * dout[n][m], 0), 0);
  };
  const start = which === 'x' ? flat(x) : which === 'w' ? flat(w) : Float64Array.from(b);
  return numericalGradient(f, start, 1e-5);
}

function affineCase(name: string, N: number, D: number, M: number, seed: number): CheckCase {
  return {
    name,
    async run([fn], ctx): Promise<CaseOutcome> {
      const r = mulberry32(ctx.seed(seed));
      const x = randomMatrix(N, D, r); const w = randomMatrix(D, M, r); const b = randomMatrix(1, M, r)[0]; const dout = randomMatrix(N, M, r);
      const got = await ctx.call('affineBackward', fn, [dout.map((v) => [...v]), x.map((v) => [...v]), w.map((v) => [...v])], (o) => o as { dx?: unknown; dw?: unknown; db?: unknown });
      if (!got || typeof got !== 'object') throw new ReturnError('affineBackward must return { dx, dw, db }');
      const numeric = { dx: affineNumeric(dout, x, w, b, 'x'), dw: affineNumeric(dout, x, w, b, 'w'), db: affineNumeric(dout, x, w, b, 'b') };
      const wrongAxis = dout.map((row) => row.reduce((s, v) => s + v, 0));
      const hints: string[] = [];
      const errs: string[] = [];
      let worst = 0;
      // dx
      const dx = readMatrix('dx', got.dx, N, D);
      if (!dx) {
        throw new ReturnError(`dx has shape ${shapeOf(got.dx)}, x has shape ${N}×${D}`, HINTS_12.dxNoTranspose);
      }
      const ex = relError(flat(dx), numeric.dx);
      worst = Math.max(worst, Number.isNaN(ex) ? Infinity : ex); errs.push(`dx ${fmt(ex)}`);
      if (!(ex <= tol) && D === M) { const h = diagnose(flat(dx), [{ hint: HINTS_12.dxNoTranspose, expected: flat(matmul(dout, w)) }], HINT_TOL); if (h) hints.push(h); }
      // dw
      const dw = readMatrix('dw', got.dw, D, M);
      if (!dw) {
        const t = readMatrix('dw', got.dw, M, D);
        if (t && relError(flat(t), flat(matmul(transpose(dout), x))) <= HINT_TOL) throw new ReturnError(`dw has shape ${M}×${D}, w has shape ${D}×${M}`, HINTS_12.dwTransposed);
        throw new ReturnError(`dw has shape ${shapeOf(got.dw)}, w has shape ${D}×${M}`, HINTS_12.shape);
      }
      const ew = relError(flat(dw), numeric.dw);
      worst = Math.max(worst, Number.isNaN(ew) ? Infinity : ew); errs.push(`dw ${fmt(ew)}`);
      if (!(ew <= tol) && D === M) { const h = diagnose(flat(dw), [{ hint: HINTS_12.dwTransposed, expected: flat(matmul(transpose(dout), x)) }], HINT_TOL); if (h) hints.push(h); }
      // db
      const db = got.db;
      if (!Array.isArray(db) || db.some((v) => typeof v !== 'number')) throw new ReturnError(`db must be a number[] of ${M}, got ${typeof db}`, HINTS_12.shape);
      if (db.length !== M) {
        if (db.length === N && relError(db, wrongAxis) <= HINT_TOL) throw new ReturnError(`db has ${db.length} numbers (one per row), b has ${M}`, HINTS_12.dbWrongAxis);
        throw new ReturnError(`db has ${db.length} numbers, b has ${M}`, HINTS_12.shape);
      }
      const eb = relError(db, numeric.db);
      worst = Math.max(worst, Number.isNaN(eb) ? Infinity : eb); errs.push(`db ${fmt(eb)}`);
      if (!(eb <= tol)) {
        const h = diagnose(db, [
          ...(N === M ? [{ hint: HINTS_12.dbWrongAxis, expected: wrongAxis }] : []),
          { hint: HINTS_12.dbMean, expected: Float64Array.from(numeric.db, (v) => v / N) },
        ], HINT_TOL);
        if (h) hints.push(h);
      }
      const message = `gradient check against centred differences (h = 1e-5): relative errors ${errs.join(', ')}`;
      if (worst <= tol) return { passed: true, relError: worst, tolerance: tol, message };
      return { passed: false, relError: Number.isFinite(worst) ? worst : null, tolerance: tol, message, hint: hints.length ? hints.join('; ') : undefined };
    },
  };
}

/** Homework 12, exercise 1: the affine gate's backward pass. */
export const AFFINE_BACKWARD: Exercise = {
  name: 'affineBackward', homework: 'hw12-losses-gradcheck', lesson: '12', title: 'The backward pass of the affine gate', points: 10,
  functions: ['affineBackward'],
  signature: 'function affineBackward(dout: number[][], x: number[][], w: number[][]): { dx: number[][]; dw: number[][]; db: number[] }',
  cases: [
    affineCase('4 rows, 5 features, 3 outputs', 4, 5, 3, 1201),
    affineCase('square: 3 rows, 3 features, 3 outputs (a transposition keeps the shape)', 3, 3, 3, 1202),
    affineCase('7 rows, 2 features, 6 outputs', 7, 2, 6, 1203),
  ],
};

// ============================================================================ 2. ReLU

/** The right ReLU backward: dout where x > 0, else 0. */
export function reluBackwardRef(dout: Matrix, x: Matrix): Matrix {
  return dout.map((row, i) => row.map((g, j) => (x[i][j] > 0 ? g : 0)));
}

function reluCase(name: string, rows: number, cols: number, seed: number): CheckCase {
  return {
    name,
    async run([fn], ctx): Promise<CaseOutcome> {
      const r = mulberry32(ctx.seed(seed));
      const x = randomMatrix(rows, cols, r, 1, 0.01); const dout = randomMatrix(rows, cols, r);
      const raw = await ctx.call('reluBackward', fn, [dout.map((v) => [...v]), x.map((v) => [...v])], (o) => o);
      const dx = readMatrix('dx', raw, rows, cols);
      if (!dx) throw new ReturnError(`dx has shape ${shapeOf(raw)}, x has shape ${rows}×${cols}`, HINTS_12.shape);
      const f = (v: Float64Array) => v.reduce((s, xv, i) => s + Math.max(0, xv) * dout[Math.floor(i / cols)][i % cols], 0);
      const numeric = numericalGradient(f, flat(x), 1e-5);
      const e = relError(flat(dx), numeric);
      const message = `gradient check against centred differences (h = 1e-5; no x within 0.01 of the kink): relative error ${fmt(e)}`;
      if (e <= tol) return { passed: true, relError: e, tolerance: tol, message };
      const hint = diagnose(flat(dx), [
        { hint: HINTS_12.reluOutput, expected: Float64Array.from(flat(x), (v, i) => Math.max(0, v) * flat(dout)[i]) },
        { hint: HINTS_12.reluReversed, expected: Float64Array.from(flat(x), (v, i) => (v < 0 ? flat(dout)[i] : 0)) },
        { hint: HINTS_12.reluNoMask, expected: flat(dout) },
        { hint: HINTS_12.reluNoDout, expected: Float64Array.from(flat(x), (v) => (v > 0 ? 1 : 0)) },
      ], HINT_TOL);
      return { passed: false, relError: Number.isFinite(e) ? e : null, tolerance: tol, message, hint };
    },
  };
}

/** Homework 12, exercise 2: the ReLU gate's backward pass. */
export const RELU_BACKWARD: Exercise = {
  name: 'reluBackward', homework: 'hw12-losses-gradcheck', lesson: '12', title: 'The backward pass of the ReLU gate', points: 10,
  functions: ['reluBackward'],
  signature: 'function reluBackward(dout: number[][], x: number[][]): number[][]',
  cases: [reluCase('3×4, about half the inputs negative', 3, 4, 1211), reluCase('8×5', 8, 5, 1212)],
};

// ============================================================================ 3. softmax cross-entropy

/** The right mean softmax cross-entropy and its gradient (p − onehot(y))/N, with the max trick. */
export function softmaxBackwardRef(scores: Matrix, y: number[]): { loss: number; dscores: Matrix } {
  const r = softmaxCrossEntropy64({ shape: [scores.length, scores[0].length], data: flat(scores) }, y);
  const C = scores[0].length;
  return { loss: r.loss, dscores: scores.map((_, n) => Array.from(r.dscores.data.subarray(n * C, (n + 1) * C))) };
}

function softmaxCase(name: string, N: number, C: number, seed: number, scale = 1, shift = 0): CheckCase {
  return {
    name,
    async run([fn], ctx): Promise<CaseOutcome> {
      const r = mulberry32(ctx.seed(seed));
      const scores = randomMatrix(N, C, r, scale).map((row) => row.map((v) => v + shift));
      const y = Array.from({ length: N }, () => randomInt(r, C));
      const got = await ctx.call('softmaxLoss', fn, [scores.map((v) => [...v]), [...y]], (o) => o as { loss?: unknown; dscores?: unknown });
      if (!got || typeof got !== 'object' || typeof got.loss !== 'number') throw new ReturnError('softmaxLoss must return { loss: number, dscores: number[][] }');
      const ds = readMatrix('dscores', got.dscores, N, C);
      if (!ds) throw new ReturnError(`dscores has shape ${shapeOf(got.dscores)}, scores has shape ${N}×${C}`, HINTS_12.shape);
      const ref = softmaxBackwardRef(scores, y);
      const f = (v: Float64Array) => softmaxCrossEntropy64({ shape: [N, C], data: v }, y).loss;
      const numeric = numericalGradient(f, flat(scores), 1e-5);
      const el = relError([got.loss], [ref.loss]);
      const ed = relError(flat(ds), numeric);
      const worst = Math.max(Number.isNaN(el) ? Infinity : el, Number.isNaN(ed) ? Infinity : ed);
      const message = `loss ${fmt(got.loss)} (expected ${fmt(ref.loss)}, relative error ${fmt(el)}); dscores against centred differences (h = 1e-5): relative error ${fmt(ed)}`;
      if (worst <= tol) return { passed: true, relError: worst, tolerance: tol, message };
      const hints: string[] = [];
      if (!Number.isFinite(got.loss) || flat(ds).some((v) => !Number.isFinite(v))) hints.push(HINTS_12.overflow);
      else {
        const onehot = Float64Array.from({ length: N * C }, (_, i) => (i % C === y[Math.floor(i / C)] ? 1 : 0));
        const p = Float64Array.from(flat(ref.dscores), (v, i) => v * N + onehot[i]); // the softmax probabilities
        if (!(ed <= tol)) {
          const h = diagnose(flat(ds), [
            { hint: HINTS_12.softmaxNoN, expected: Float64Array.from(p, (v, i) => v - onehot[i]) },
            { hint: HINTS_12.softmaxNoOne, expected: Float64Array.from(p, (v) => v / N) },
            { hint: HINTS_12.softmaxSign, expected: Float64Array.from(p, (v, i) => (onehot[i] - v) / N) },
          ], HINT_TOL);
          if (h) hints.push(h);
        }
        if (!(el <= tol) && relError([got.loss], [ref.loss * N]) <= HINT_TOL) hints.push(HINTS_12.lossSum);
      }
      return { passed: false, relError: Number.isFinite(worst) ? worst : null, tolerance: tol, message, hint: hints.length ? hints.join('; ') : undefined };
    },
  };
}

/** Homework 12, exercise 3: the softmax cross-entropy loss gate and its backward pass. */
export const SOFTMAX_LOSS: Exercise = {
  name: 'softmaxLoss', homework: 'hw12-losses-gradcheck', lesson: '12', title: 'Softmax cross-entropy: the loss and its gradient', points: 10,
  functions: ['softmaxLoss'],
  signature: 'function softmaxLoss(scores: number[][], y: number[]): { loss: number; dscores: number[][] }',
  cases: [
    softmaxCase('5 rows, 4 classes', 5, 4, 1221),
    softmaxCase('2 rows, 10 classes, scores of scale 3', 2, 10, 1222, 3),
    softmaxCase('scores near 1000 (the max trick: e^1000 overflows)', 3, 4, 1223, 2, 1000),
  ],
};

/** Homework 12's exercises, in order. */
export const HOMEWORK_12: Exercise[] = [AFFINE_BACKWARD, RELU_BACKWARD, SOFTMAX_LOSS];
