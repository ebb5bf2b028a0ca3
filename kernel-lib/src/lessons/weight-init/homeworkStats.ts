/**
 * Homework 03, exercises 3 and 4 (lesson 03): measuring the activation statistics of a deep net and
 * reproducing the lecture's finding with them.
 *
 *   layerStds(X, weights, activation):  h_0 = X, h_l = f(h_{l-1} · W_l), returns [std(h_1), ..., std(h_L)]
 *
 * (std over every value of the layer, batch and units together, dividing by n), checked against a
 * float64 JavaScript forward pass of the same float32 inputs. `initExperiment(init, activation, seed)`
 * runs the lecture's setup (a 200 x 500 unit-Gaussian batch through 10 layers of 500) and is checked
 * against the finding: Xavier keeps tanh healthy, Xavier with ReLU shrinks the std by 1/sqrt(2) per
 * layer, He with ReLU keeps it at sqrt(1 - 1/pi) = 0.826; and, since a grading run draws the seed
 * afresh, against the check's own run of the notebook's recipe with that seed (every number to 1e-4),
 * so numbers typed in or kept from another run score nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { he, xavier } from '../../nets/init';
import { normalArray } from '../../core/normal';
import { seedStream } from '../../core/rng';
import { CheckCase, diagnose, Exercise, fmt, Mistake, readNumbers, relError, ReturnError } from '../../core/exercise';

type Act = 'tanh' | 'relu';
const f64 = { tanh: Math.tanh, relu: (z: number) => (z > 0 ? z : 0) } as const;

/** h · W in float64: h [n, a] and W [a, b], row-major. */
function matMul64(h: Float64Array, n: number, a: number, W: Float64Array, b: number): Float64Array {
  const out = new Float64Array(n * b);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < a; k++) {
      const x = h[i * a + k];
      if (x === 0) continue;
      for (let j = 0; j < b; j++) out[i * b + j] += x * W[k * b + j];
    }
  }
  return out;
}

function std64(v: Float64Array, ddof = 0): number {
  let s = 0;
  for (const x of v) s += x;
  const m = s / v.length;
  let ss = 0;
  for (const x of v) ss += (x - m) ** 2;
  return Math.sqrt(ss / (v.length - ddof));
}

/** Mean over units of the per-unit std (a known mistake: statistics per column, not per layer). */
function meanColumnStd(v: Float64Array, n: number, b: number): number {
  let total = 0;
  for (let j = 0; j < b; j++) {
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = v[i * b + j];
    total += std64(col);
  }
  return total / b;
}

type Variant = 'right' | 'preActivation' | 'activationFirst' | 'noActivation' | 'sampleStd' | 'perUnit' | 'otherActivation';

/** The per-layer stds of the reference forward pass, or of a known mistake. */
function forward64(X: Float64Array, n: number, Ws: { values: Float64Array; shape: [number, number] }[], act: Act, variant: Variant): number[] {
  let h = X;
  const stds: number[] = [];
  const f = variant === 'otherActivation' ? f64[act === 'tanh' ? 'relu' : 'tanh'] : f64[act];
  for (const { values, shape } of Ws) {
    const input = variant === 'activationFirst' && stds.length > 0 ? h.map(f) : h;
    const z = matMul64(input, n, shape[0], values, shape[1]);
    const out = variant === 'preActivation' || variant === 'noActivation' || variant === 'activationFirst' ? z : z.map(f);
    stds.push(variant === 'sampleStd' ? std64(out, 1) : variant === 'perUnit' ? meanColumnStd(out, n, shape[1]) : std64(out));
    h = variant === 'preActivation' ? z.map(f) : out;
  }
  return stds;
}

const HINTS: Record<Exclude<Variant, 'right'>, string> = {
  preActivation: 'you measured z = h · W before the activation; the lecture plots the activations h = f(z)',
  activationFirst: 'apply the activation after the product: h_l = f(h_{l-1} · W_l), not f(h_{l-1}) · W_l',
  noActivation: 'the activation is missing: h_l = f(h_{l-1} · W_l) with f = tf.tanh or tf.relu, chosen by the activation argument',
  otherActivation: 'you applied the other activation: use the activation argument (\'tanh\' or \'relu\')',
  sampleStd: 'divide by n, not n - 1: the std over all values of the layer, like tf.moments',
  perUnit: 'take the std over all values of the layer (batch and units together), not per unit and then averaged',
};

// Tolerance: the student computes in float32; each product sums up to 64 terms, so the relative
// error of a std is a few float32 epsilons (1.2e-7) times sqrt(64) per layer: 1e-4 leaves a margin of ~10.
const TOL = 1e-4;

function stdsCase(name: string, act: Act, sizes: number[], batch: number, seed: number): CheckCase {
  return {
    name,
    async run([fn], ctx) {
      const X64 = Float64Array.from(normalArray(batch * sizes[0], ctx.seed(seed), 1));
      const Ws = sizes.slice(1).map((b, l) => {
        const shape: [number, number] = [sizes[l], b];
        const W = (act === 'relu' ? he : xavier)(shape, ctx.seed(seed + 100 + l));
        return { W, values: Float64Array.from(W.dataSync()), shape };
      });
      const X = tf.tensor2d(Float32Array.from(X64), [batch, sizes[0]], 'float32');
      const L = Ws.length;
      const what = `layerStds(X [${batch}, ${sizes[0]}], ${L} weights, '${act}')`;
      const got = await ctx.call('layerStds', fn, [X, Ws.map((w) => w.W), act], (out) => {
        const n = Array.isArray(out) || ArrayBuffer.isView(out) ? (out as ArrayLike<number>).length : -1;
        if (n === L + 1) throw new ReturnError(`${what} returned ${L + 1} numbers, expected ${L}`, 'return one std per layer (h_1 ... h_L), without the input X');
        return readNumbers(what, out, L);
      });
      if (X.isDisposed || Ws.some((w) => w.W.isDisposed)) {
        return { passed: false, message: 'your function disposed its inputs (X or a weight matrix)', hint: 'dispose only tensors you created; tf.tidy does that for you' };
      }
      const expected = forward64(X64, batch, Ws, act, 'right');
      const err = relError(got, expected);
      const message = `stds ${Array.from(got, fmt).join(', ')}; expected ${expected.map(fmt).join(', ')}`;
      if (Number.isFinite(err) && err <= TOL) return { passed: true, relError: err, tolerance: TOL, message: `${L} stds match` };
      const mistakes: Mistake[] = (Object.keys(HINTS) as Exclude<Variant, 'right'>[])
        .map((v) => ({ hint: HINTS[v], expected: forward64(X64, batch, Ws, act, v) }));
      return { passed: false, relError: err, tolerance: TOL, message, hint: diagnose(got, mistakes, TOL) };
    },
  };
}

/** Homework 03, exercise 3: the per-layer std of the activations. */
export const LAYER_STDS: Exercise = {
  name: 'layerStds', homework: 'hw03-weight-init', lesson: '03', title: 'Activation statistics per layer', points: 10,
  functions: ['layerStds'], signature: 'function layerStds(X: nn.tf.Tensor2D, weights: nn.tf.Tensor2D[], activation: \'tanh\' | \'relu\'): number[]',
  cases: [
    stdsCase('tanh, 100 x 64 input, 4 layers of 64 (Xavier weights)', 'tanh', [64, 64, 64, 64, 64], 100, 31),
    stdsCase('relu, widths 64 -> 48 -> 32 -> 16 (He weights)', 'relu', [64, 48, 32, 16], 80, 32),
    stdsCase('edge case: one layer', 'tanh', [30, 20], 50, 33),
    stdsCase('edge case: a batch of one example, 3 relu layers of 40', 'relu', [40, 40, 40, 40], 1, 34),
  ],
};

/** std(h_L) / std(h_1) per layer, geometric mean (the lesson's stdFactorPerLayer). */
function factorPerLayer(stds: ArrayLike<number>): number {
  return stds[0] === 0 ? 0 : (stds[stds.length - 1] / stds[0]) ** (1 / (stds.length - 1));
}

type InitFn = (shape: number[], seed: number) => tf.Tensor;

/**
 * The lecture's run exactly as the notebook prescribes it, computed by the check: from
 * nn.seedStream(seed), X = tf.randomNormal([200, 500], 0, 1, 'float32', seeds.next()) first, then
 * W_l = init([500, 500], seeds.next()) for 10 layers; h_l = f(h_{l-1} · W_l); the std of each h_l
 * (over all values, ÷ n) in float64. Only a real run of the student's experiment gives these numbers
 * for a seed drawn fresh in every grading run.
 */
function lectureRunStds(init: 'xavier' | 'he', act: Act, seed: number): number[] {
  const seeds = seedStream(seed);
  return tf.tidy(() => {
    let h = tf.randomNormal([200, 500], 0, 1, 'float32', seeds.next()) as tf.Tensor2D;
    const stds: number[] = [];
    for (let l = 0; l < 10; l++) {
      const z = tf.matMul(h, (init === 'he' ? he : xavier)([500, 500], seeds.next()) as tf.Tensor2D);
      h = (act === 'tanh' ? tf.tanh(z) : tf.relu(z)) as tf.Tensor2D;
      stds.push(std64(Float64Array.from(h.dataSync())));
    }
    return stds;
  });
}

/**
 * How close the student's stds must come to the check's run of the same seed. The student computes
 * in float32: tf.moments over the 100,000 values of a ReLU layer (all >= 0, so rounding does not
 * cancel) is off by up to 1.8e-4 on the wasm backend (cs231n's relative error over the 10 layers,
 * measured on 25 seeds), a tanh layer's by 4e-6. Runs with two different seeds differ by at least
 * 6.7e-4 (tanh), 4.0e-3 (Xavier + ReLU) and 2.3e-2 (He + ReLU) (the smallest of 300 pairs): 1e-4 for
 * tanh and 1e-3 for ReLU sit between the two with a margin of 4 to 25 either side, so numbers from
 * another seed's run do not pass.
 */
const RUN_TOL = { tanh: 1e-4, relu: 1e-3 } as const;

const RUN_HINT = 'your stds are not those of the lecture\'s run for this seed: from seeds = nn.seedStream(seed) draw X = tf.randomNormal([200, 500], 0, 1, \'float32\', seeds.next()) first, ' +
  'then each layer\'s W = init([500, 500], seeds.next()), and return layerStds(X, weights, activation) (numbers typed in or kept from another run do not match a fresh seed)';

function findingCase(name: string, init: 'xavier' | 'he', act: Act, judge: (stds: Float64Array) => { passed: boolean; message: string; hint?: string }): CheckCase {
  return {
    name,
    async run([fn], ctx) {
      const seed = ctx.seed(5);
      const what = `initExperiment(${init}, '${act}', ${seed})`;
      const stds = await ctx.call('initExperiment', fn, [(init === 'he' ? he : xavier) as InitFn, act, seed], (out) => readNumbers(what, out, 10));
      const verdict = judge(stds);
      if (!verdict.passed) return verdict;
      // the finding holds; now that the numbers come from a real run with this seed
      const want = lectureRunStds(init, act, seed);
      const err = relError(stds, want);
      if (Number.isFinite(err) && err <= RUN_TOL[act]) return verdict;
      return {
        passed: false, relError: Number.isFinite(err) ? err : null, tolerance: RUN_TOL[act],
        message: `${what}: stds ${Array.from(stds, fmt).join(', ')}; the run with seed ${seed} gives ${want.map(fmt).join(', ')}`, hint: RUN_HINT,
      };
    },
  };
}

const LAYER_HINT = 'check that layerStds passes its own check first; initExperiment feeds a [200, 500] N(0, 1) batch through 10 layers of [500, 500] weights drawn with init(shape, seed)';

/** Homework 03, exercise 4: the lecture's finding, reproduced with the student's experiment. */
export const INIT_EXPERIMENT: Exercise = {
  name: 'initExperiment', homework: 'hw03-weight-init', lesson: '03', title: 'Reproduce the activation-statistics finding', points: 10,
  functions: ['initExperiment'],
  signature: 'function initExperiment(init: (shape: number[], seed: number) => nn.tf.Tensor, activation: \'tanh\' | \'relu\', seed: number): number[]',
  // the library's initializers the cases pass in, by name when the student's code runs in the grader's kernel
  wireFunctions: { xavier, he },
  cases: [
    findingCase('Xavier + tanh stays healthy: std factor per layer in [0.8, 1.02], layer 1 std in [0.5, 0.75]', 'xavier', 'tanh', (s) => {
      const r = factorPerLayer(s);
      const passed = r >= 0.8 && r <= 1.02 && s[0] >= 0.5 && s[0] <= 0.75;
      return { passed, message: `layer 1 std ${fmt(s[0])}, factor ${fmt(r)} per layer`, hint: passed ? undefined : LAYER_HINT };
    }),
    findingCase('Xavier + ReLU vanishes: std factor per layer 1/sqrt(2) = 0.707 ± 0.05', 'xavier', 'relu', (s) => {
      const r = factorPerLayer(s);
      const passed = Math.abs(r - Math.SQRT1_2) <= 0.05;
      return { passed, message: `factor ${fmt(r)} per layer`, hint: passed ? undefined : LAYER_HINT };
    }),
    findingCase('He + ReLU is stable: layer 1 std sqrt(1 - 1/pi) = 0.826 ± 0.05, factor 1 ± 0.05', 'he', 'relu', (s) => {
      const r = factorPerLayer(s);
      const passed = Math.abs(r - 1) <= 0.05 && Math.abs(s[0] - Math.sqrt(1 - 1 / Math.PI)) <= 0.05;
      return { passed, message: `layer 1 std ${fmt(s[0])}, factor ${fmt(r)} per layer`, hint: passed ? undefined : LAYER_HINT };
    }),
    {
      name: 'seeded: one seed twice gives the same stds, another seed other stds',
      async run([fn], ctx) {
        const run = (seed: number) => ctx.call('initExperiment', fn, [xavier as InitFn, 'tanh', seed], (out) => readNumbers(`initExperiment(xavier, 'tanh', ${seed})`, out, 10));
        const a = await run(ctx.seed(5));
        const b = await run(ctx.seed(5));
        const c = await run(ctx.seed(6));
        const passed = a.every((v, i) => v === b[i]) && a.some((v, i) => v !== c[i]);
        return {
          passed, message: passed ? 'reproducible and seed-dependent' : 'the stds do not follow the seed',
          hint: passed ? undefined : 'draw X with the seed and give every layer its own sub-seed (nn.seedStream(seed).next()); never Math.random',
        };
      },
    },
  ],
};
