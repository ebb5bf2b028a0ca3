/**
 * Lesson 07 (optimizers), part 1: the surfaces' gradients and Hessians against central
 * differences; the race (tensor rules) against the float64 rules, its invariants, the lecture's
 * claims (zig-zag, saddle, Adam's first step), leaks, progress, named errors and the CLI; Newton
 * and L-BFGS; the convention map to tfjs's optimizers (tf.train.*) and a PyTorch cross-check.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../src/core/rng';
import { OPTIMIZERS, optimizerConfig, createOptimizer, OptimizerName } from '../src/nets/optim';
import { step64, State64 } from '../src/nets/optim64';
import { surface, SURFACES } from '../src/lessons/optimizers/surfaces';
import { optimizerRace, RACE_LR } from '../src/lessons/optimizers/race';
import { adamFirstSteps, saddleEscapes, zigzag } from '../src/lessons/optimizers/checks';
import { hessianSizes, lbfgs, LECTURE_MLP_PARAMETERS, newtonStep, secondOrder } from '../src/lessons/optimizers/secondOrder';
import { raceContourFigure, raceLossFigure, raceText, secondOrderFigure, secondOrderText } from '../src/lessons/optimizers/figures';
import { runOptimizerRace, runSecondOrder } from '../src/lessons/optimizers/cli';
import type { ParsedArgs } from '../src/core/args';
import { showerOf } from '../src/lessons/registry';
import type { ProgressEvent } from '../src/core/progress';
import { rejectsArgument, throwsArgument, withoutMeta } from './helpers';

const args = (options: Record<string, string>, json = false): ParsedArgs => ({ flags: new Set(json ? ['json'] : []), options, positionals: [], help: false });

// --------------------------------------------------------------------------- surfaces

test('every surface: the gradient matches central differences of f and the Hessian central differences of the gradient (rel. error < 1e-6)', () => {
  const points = [[0.3, -0.7], [-1.2, 0.4], [1.7, 1.1], [0.05, 0.9]];
  for (const name of SURFACES) {
    for (const params of [{}, { kappa: 7, rotation: 30 }]) {
      const s = surface(name, params);
      for (const p of points) {
        const h = 1e-5;
        const g = s.gradient(p);
        const H = s.hessian(p);
        for (let i = 0; i < 2; i++) {
          const up = [...p]; up[i] += h;
          const down = [...p]; down[i] -= h;
          const num = (s.value(up) - s.value(down)) / (2 * h);
          assert.ok(Math.abs(num - g[i]) <= 1e-6 * Math.max(1, Math.abs(g[i])), `${name} ∂f/∂${'xy'[i]} at ${p}: ${g[i]} vs ${num}`);
          const gUp = s.gradient(up);
          const gDown = s.gradient(down);
          for (let j = 0; j < 2; j++) {
            const numH = (gUp[j] - gDown[j]) / (2 * h);
            assert.ok(Math.abs(numH - H[i][j]) <= 1e-5 * Math.max(1, Math.abs(H[i][j])), `${name} H[${i}][${j}] at ${p}: ${H[i][j]} vs ${numH}`);
          }
        }
      }
      // the minimum is stationary, and no lower than the other minima
      const gm = s.gradient(s.minimum);
      assert.ok(Math.hypot(gm[0], gm[1]) < 1e-12, `${name}: ∇f(minimum) = ${gm}`);
      for (const other of s.otherMinima) assert.ok(s.value(other) >= s.value(s.minimum) - 1e-12, `${name}: ${other} below the global minimum`);
    }
  }
  // local-min: the two wells, to the digits the module comment gives
  const lm = surface('local-min');
  assert.equal(lm.minimum[0].toFixed(3), '-1.036');
  assert.equal(lm.otherMinima[0][0].toFixed(3), '0.960');
  assert.equal(lm.value(lm.minimum).toFixed(3), '-0.305');
  assert.equal(lm.value(lm.otherMinima[0]).toFixed(3), '0.294');
  throwsArgument(() => surface('bowl'), /surface must be one of "quadratic", "saddle", "local-min", "noisy", "rosenbrock", got "bowl"/);
  throwsArgument(() => surface('quadratic', { kappa: 0.5 }), /kappa/);
  throwsArgument(() => surface('noisy', { noise: -1 }), /noise/);
});

// --------------------------------------------------------------------------- the race

test('the race\'s tensor rules follow the float64 rules (step64) on the quadratic: every point of every optimizer within 1e-4', async () => {
  await tf.setBackend('cpu');
  const r = await optimizerRace({ surface: 'quadratic', steps: 60, progress: false });
  const s = surface('quadratic');
  for (const run of r.runs) {
    let w = [...s.start];
    let state: State64 | null = null;
    for (let k = 1; k <= 60; k++) {
      ({ w, state } = step64(run.optimizer, w, s.gradient(w), state, { lr: RACE_LR.quadratic[run.optimizer] }));
      const p = run.trajectory[k];
      assert.ok(Math.hypot(p[0] - w[0], p[1] - w[1]) < 1e-4, `${run.optimizer} step ${k}: ${p} vs ${w}`);
    }
  }
});

test('the race: same seed, same record; the noise seed moves only the noisy surface; the record\'s shape; every run uses its surface\'s lr', async () => {
  const a = await optimizerRace({ surface: 'noisy', steps: 30, seed: 4, progress: false });
  const b = await optimizerRace({ surface: 'noisy', steps: 30, seed: 4, progress: false });
  assert.deepEqual(withoutMeta(a), withoutMeta(b));
  const c = await optimizerRace({ surface: 'noisy', steps: 30, seed: 5, progress: false });
  assert.notDeepEqual(a.runs[0].trajectory, c.runs[0].trajectory);
  const q1 = await optimizerRace({ surface: 'quadratic', steps: 30, seed: 4, progress: false });
  const q2 = await optimizerRace({ surface: 'quadratic', steps: 30, seed: 5, progress: false });
  assert.deepEqual(q1.runs, q2.runs);
  // an optimizer's noise does not depend on which others race
  const alone = await optimizerRace({ surface: 'noisy', optimizers: ['adam'], steps: 30, seed: 4, progress: false });
  assert.deepEqual(alone.runs[0], a.runs.find((r) => r.optimizer === 'adam'));
  assert.deepEqual(a.runs.map((r) => r.optimizer), [...OPTIMIZERS]);
  for (const run of a.runs) {
    assert.equal(run.trajectory.length, 31);
    assert.equal(run.loss.length, 31);
    assert.equal(run.config.lr, RACE_LR.noisy[run.optimizer]);
    assert.deepEqual(run.trajectory[0], [-4, 2]);
  }
  const over = await optimizerRace({ surface: 'quadratic', optimizers: ['sgd'], lr: { sgd: 0.01 }, steps: 3, progress: false });
  assert.equal(over.runs[0].config.lr, 0.01);
  assert.equal(a.surface.grid.z.length, 41);
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(a)));
});

test('SGD on the quadratic (κ = 25, lr·κ = 1.875) zig-zags: its y-step flips sign every step, its x-step never; x shrinks by exactly 0.925 a step, y by 0.875', async () => {
  const r = await optimizerRace({ surface: 'quadratic', optimizers: ['sgd', 'momentum'], steps: 40, progress: false });
  const z = zigzag(r.runs[0].trajectory);
  assert.equal(z.ySignChanges, 39);
  assert.equal(z.xSignChanges, 0);
  assert.ok(Math.abs(z.xLeft - 0.925 ** 40) < 1e-5 * 0.925 ** 40 * 40, `x left ${z.xLeft}`);
  assert.ok(Math.abs(z.yLeft - 0.875 ** 40) < 1e-5, `y left ${z.yLeft}`);
  // the shallow axis is the slow one: after 40 steps x kept 4 % of its start, y 0.5 %
  assert.ok(z.xLeft > 5 * z.yLeft);
  // momentum's y-steps flip less often than every step
  assert.ok(zigzag(r.runs[1].trajectory).ySignChanges < 39);
  throwsArgument(() => zigzag([[0, 0]]), /trajectory/);
});

test('the saddle: within 100 steps plain SGD has not left the ridge (|y| < ½) while momentum, Nesterov and the adaptive methods have', async () => {
  const r = await optimizerRace({ surface: 'saddle', steps: 100, progress: false });
  const escapes = Object.fromEntries(saddleEscapes(r).map((e) => [e.optimizer, e]));
  assert.equal(escapes.sgd.escapedAt, null);
  assert.ok(Math.abs(escapes.sgd.yAtEnd) < 0.2, `sgd's y ${escapes.sgd.yAtEnd}`);
  // SGD's y grows by (1 + lr) a step from 1e-3 while y is small: 1e-3·1.05^100 = 0.13
  assert.ok(Math.abs(escapes.sgd.yAtEnd - 1e-3 * 1.05 ** 100) < 0.02, `sgd's y ${escapes.sgd.yAtEnd}`);
  for (const name of ['momentum', 'nesterov', 'rmsprop', 'adam', 'adam-nobias', 'adamw', 'adagrad']) {
    assert.ok(escapes[name].escapedAt !== null && escapes[name].escapedAt! < 60, `${name} left at ${escapes[name].escapedAt}`);
  }
  // with more steps SGD leaves too: it is slow, not stuck
  const long = await optimizerRace({ surface: 'saddle', optimizers: ['sgd'], steps: 200, progress: false });
  assert.ok(long.runs[0].escapedAt !== null && long.runs[0].escapedAt > 100);
  const q = await optimizerRace({ surface: 'quadratic', optimizers: ['sgd'], steps: 2, progress: false });
  throwsArgument(() => saddleEscapes(q), /saddle/);
});

test('Adam\'s first step is lr in size for gradients from 1e-6 to 1e3 with bias correction; without it ≈ 3.16·lr for large gradients and less as they near ε', () => {
  const rows = adamFirstSteps([1e-9, 1e-6, 1e-3, 1, 1e3], 0.1);
  for (const row of rows.slice(1)) assert.ok(Math.abs(row.withCorrection - 1) < 0.011, `${row.scale}: ${row.withCorrection}`);
  for (const row of rows.slice(2)) assert.ok(Math.abs(row.withoutCorrection - 0.1 / Math.sqrt(0.001)) < 1e-3, `${row.scale}: ${row.withoutCorrection}`);
  // |g| near ε = 1e-8: both shrink, without correction by far more
  assert.ok(rows[0].withCorrection < 0.1 && rows[0].withoutCorrection < 0.02);
  assert.ok(rows[1].withoutCorrection < 3);
  // the race's Adam does the same: its first step on the quadratic moves each coordinate by lr
  return optimizerRace({ surface: 'quadratic', optimizers: ['adam', 'adam-nobias'], steps: 1, progress: false }).then((r) => {
    const [a, nb] = r.runs.map((run) => [Math.abs(run.trajectory[1][0] - run.trajectory[0][0]), Math.abs(run.trajectory[1][1] - run.trajectory[0][1])]);
    for (const d of a) assert.ok(Math.abs(d - 0.1) < 1e-6, `adam first step ${d}`);
    for (const d of nb) assert.ok(Math.abs(d - 0.1 * 0.1 / Math.sqrt(0.001)) < 1e-5, `adam-nobias first step ${d}`);
  });
});

test('the local minimum: SGD settles in the nearer, worse well; momentum and Nesterov roll over the barrier into the global one', async () => {
  const r = await optimizerRace({ surface: 'local-min', optimizers: ['sgd', 'momentum', 'nesterov'], steps: 200, progress: false });
  assert.deepEqual(r.runs.map((run) => run.endedIn), ['other', 'global', 'global']);
});

test('the race leaks no tensor, reports progress once per optimizer, and names bad options', async () => {
  await optimizerRace({ surface: 'saddle', steps: 5, progress: false });
  const before = tf.memory().numTensors;
  await optimizerRace({ surface: 'noisy', steps: 20, progress: false });
  assert.equal(tf.memory().numTensors, before);
  const events: ProgressEvent[] = [];
  await optimizerRace({ surface: 'quadratic', optimizers: ['sgd', 'adam', 'rmsprop'], steps: 5, progress: (e) => events.push(e) });
  assert.deepEqual(events.map((e) => [e.done, e.total, e.phase]), [[1, 3, 'sgd'], [2, 3, 'adam'], [3, 3, 'rmsprop']]);
  assert.ok(events.every((e) => Number.isFinite(e.metrics.loss)));
  await rejectsArgument(() => optimizerRace({ optimizers: ['sgd', 'lbfgs' as OptimizerName] }), /optimizers\[1\] must be one of "sgd", "momentum".*got "lbfgs"/);
  await rejectsArgument(() => optimizerRace({ surface: 'bowl' as 'saddle' }), /surface.*quadratic/);
  await rejectsArgument(() => optimizerRace({ lr: { sgd: -0.1 } }), /lr\.sgd/);
  await rejectsArgument(() => optimizerRace({ lr: { lbfgs: 0.1 } as never }), /lr key.*lbfgs/);
  await rejectsArgument(() => optimizerRace({ steps: 0 }), /steps/);
  await rejectsArgument(() => optimizerRace({ optimizers: ['sgd', 'sgd'] }), /optimizers\[1\]/);
  // the rules' own knobs are checked where they are set (the race takes the defaults)
  throwsArgument(() => optimizerConfig('adam', { beta1: 1 }), /beta1.*\[0, 1\)/);
  throwsArgument(() => optimizerConfig('rmsprop', { decay: -0.1 }), /decay/);
  throwsArgument(() => createOptimizer('momentum', { rho: 1.5 }), /rho/);
});

test('a diverging run stops and is marked: SGD at lr 0.1 on κ = 25 (lr·κ = 2.5 > 2)', async () => {
  const r = await optimizerRace({ surface: 'quadratic', optimizers: ['sgd'], lr: { sgd: 0.1 }, steps: 200, progress: false });
  assert.equal(r.runs[0].diverged, true);
  assert.ok(r.runs[0].trajectory.length < 201);
  assert.equal(r.runs[0].endedIn, null);
});

// --------------------------------------------------------------------------- second order

test('Newton: one step from anywhere lands on the quadratic\'s minimum to float precision, for any κ and rotation', () => {
  for (const [kappa, rotation] of [[1, 0], [25, 0], [1000, 30], [50, -75]]) {
    const s = surface('quadratic', { kappa, rotation });
    for (const p of [[-4, 2], [3.5, 0.1], [1e3, -7]]) {
      const q = newtonStep(s, p);
      assert.ok(Math.hypot(q[0], q[1]) < 1e-12 * Math.max(1, Math.hypot(p[0], p[1])) * kappa, `κ ${kappa} rot ${rotation} from ${p}: ${q}`);
    }
  }
  // on the saddle Newton goes to the stationary point, not down: it is attracted to saddles
  const q = newtonStep(surface('saddle'), [2, 1e-3]);
  assert.ok(Math.hypot(q[0], q[1]) < 1e-8, `saddle: ${q}`);
});

test('L-BFGS: on quadratics (κ up to 1,000, turned) to ‖∇f‖ < 1e-10 within 2·dims = 4 steps (its line search is exact there); on Rosenbrock to (1, 1) within 1e-10 in under 60 steps', () => {
  for (const [kappa, rotation] of [[1, 0], [25, 0], [1000, 30], [100, -75]]) {
    const q = lbfgs(surface('quadratic', { kappa, rotation }), [-4, 2], { gradTol: 1e-10 });
    assert.ok(q.steps <= 4, `quadratic κ ${kappa}: ${q.steps} steps`);
    const end = q.trajectory[q.steps];
    assert.ok(Math.hypot(end[0], end[1]) < 1e-10, `quadratic κ ${kappa}: ends at ${end}`);
  }
  const r = lbfgs(surface('rosenbrock'), [-1.5, 2]);
  const last = r.trajectory[r.steps];
  assert.ok(Math.hypot(last[0] - 1, last[1] - 1) < 1e-10, `rosenbrock end ${last}`);
  assert.ok(r.steps < 60, `rosenbrock: ${r.steps} steps`);
  assert.equal(r.evaluations.length, r.steps + 1);
  assert.ok(r.evaluations[r.steps] >= r.steps + 1);
  throwsArgument(() => lbfgs(surface('quadratic'), [1, 1], { memory: 0 }), /memory/);
});

test('secondOrder: Newton 1 step on the quadratic, Newton and L-BFGS far fewer gradients than Adam on Rosenbrock; the Hessian of the lecture\'s net is 95 GB', async () => {
  const q = await secondOrder({ surface: 'quadratic', progress: false });
  const by = (r: typeof q) => Object.fromEntries(r.methods.map((m) => [m.method, m]));
  assert.equal(by(q).newton.steps, 1);
  assert.equal(by(q).newton.hessians, 1);
  const r = await secondOrder({ surface: 'rosenbrock', progress: false });
  const m = by(r);
  assert.ok(m.newton.steps !== null && m.newton.steps <= 10);
  assert.ok(m.lbfgs.steps !== null && m.lbfgs.gradients < 100);
  assert.ok(m.adam.steps !== null && m.adam.steps > 20 * m.lbfgs.gradients, `adam ${m.adam.steps} vs lbfgs ${m.lbfgs.gradients}`);
  assert.equal(m.sgd.steps, null);
  assert.deepEqual(withoutMeta(r), withoutMeta(await secondOrder({ surface: 'rosenbrock', progress: false })));
  assert.equal(LECTURE_MLP_PARAMETERS, 154_160);
  const sizes = hessianSizes(5);
  assert.equal(sizes[1].parameters, 154_160);
  assert.equal(sizes[1].hessianBytes, 4 * 154_160 ** 2);
  assert.ok(sizes[1].hessianBytes > 9.5e10 && sizes[1].hessianBytes < 9.6e10);
  assert.equal(sizes[1].lbfgsBytes, 4 * 10 * 154_160);
  await rejectsArgument(() => secondOrder({ tol: 0 }), /tol/);
  await rejectsArgument(() => secondOrder({ surface: 'noisy' as 'saddle' }), /surface/);
});

// --------------------------------------------------------------------------- figures and CLI

test('figures: the contour figure has one path and one slider dot per optimizer in the optimizer\'s colour, a slider over the steps; the loss figure is log y', async () => {
  const r = await optimizerRace({ surface: 'saddle', optimizers: ['sgd', 'adam'], steps: 120, progress: false });
  const fig = raceContourFigure(r);
  const paths = fig.data.filter((t) => t.type === 'scatter' && t.mode === 'lines');
  assert.deepEqual(paths.map((t) => t.name), ['SGD', 'Adam']);
  const sliders = fig.layout.sliders as { steps: { label: string; args: [{ x: number[][] }, number[]] }[] }[];
  const steps = sliders[0].steps;
  assert.equal(steps[0].label, '0');
  assert.equal(steps[steps.length - 1].label, '120');
  assert.ok(steps.length <= 62);
  const dots = steps[0].args[1];
  assert.deepEqual(dots.map((i) => fig.data[i].mode), ['markers', 'markers']);
  assert.deepEqual(steps[0].args[0].x, [[2], [2]]);
  assert.equal((paths[0].line as { color: string }).color, (fig.data[dots[0]].marker as { color: string }).color);
  const loss = raceLossFigure(r);
  assert.equal((loss.layout.yaxis as { type: string }).type, 'log');
  assert.match(raceText(r), /SGD .*never/);
  const so = await secondOrder({ surface: 'quadratic', progress: false });
  assert.ok(secondOrderFigure(so).data.length >= 5);
  assert.match(secondOrderText(so), /Newton\s+1\s+1\s+1/);
  // nn.show(record) finds both figures through the registry
  assert.equal(typeof showerOf(r.experiment), 'function');
  assert.equal(typeof showerOf(so.experiment), 'function');
});

test('CLI: optimizer-race prints the table or the record; --optimizers and --lr are parsed with named errors; second-order prints its table', async () => {
  const text = await runOptimizerRace(args({ surface: 'saddle', optimizers: 'sgd,momentum', steps: '100' }));
  assert.match(text, /optimizer race on saddle/);
  assert.match(text, /SGD\s.*never/);
  assert.match(text, /SGD \+ momentum\s.*step \d+/);
  const json = JSON.parse(await runOptimizerRace(args({ surface: 'quadratic', optimizers: 'adam', lr: 'adam=0.2', steps: '5' }, true)));
  assert.equal(json.experiment, 'optimizersRace');
  assert.equal(json.runs[0].config.lr, 0.2);
  await rejectsArgument(() => runOptimizerRace(args({ optimizers: 'sgd,bogus' })), /--optimizers.*bogus/);
  await rejectsArgument(() => runOptimizerRace(args({ lr: 'sgd' })), /--lr/);
  assert.match(await runSecondOrder(args({ surface: 'quadratic' })), /Newton\s+1/);
});

// --------------------------------------------------------------------------- tfjs and PyTorch conventions

/** 20 seeded gradient vectors of 3 numbers, the same for every implementation. */
function gradientSequence(seed = 11, steps = 20): number[][] {
  const random = mulberry32(seed);
  return Array.from({ length: steps }, () => [0, 1, 2].map(() => (random() * 2 - 1) * 2));
}
const START = [0.5, -1.25, 2];

/** Our float64 rule over the sequence. */
function ours(name: OptimizerName, config: Record<string, number | boolean>): number[] {
  let w = [...START];
  let state: State64 | null = null;
  for (const g of gradientSequence()) ({ w, state } = step64(name, w, g, state, config));
  return w;
}

/** A tf.train optimizer over the same sequence (float32). */
function tfjs(make: () => tf.Optimizer): number[] {
  const w = tf.variable(tf.tensor1d(START));
  const opt = make();
  for (const g of gradientSequence()) {
    const grad = tf.tensor1d(g);
    opt.applyGradients({ [w.name]: grad });
    grad.dispose();
  }
  const out = Array.from(w.dataSync());
  opt.dispose();
  w.dispose();
  return out;
}

const maxRel = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.max(1e-3, Math.abs(b[i]))));

/**
 * The convention map (also in the notebook), tfjs-core/src/optimizers/*.ts:
 * - tf.train.sgd(lr)                      = sgd { lr }
 * - tf.train.momentum(lr, ρ)              = momentum { lr, rho: ρ } (acc = ρ·acc + g; w −= lr·acc: the lecture's form)
 * - tf.train.momentum(lr, ρ, true)        = nesterov { lr, rho: ρ }: tfjs steps w −= lr·(g + ρ·acc'), the lecture's
 *   change of variables steps w += −ρ·v + (1 + ρ)·v' with v = −lr·acc: the same weights at constant lr
 * - tf.train.adam(lr, β₁, β₂, ε)          = adam { lr, beta1, beta2, eps } (ε outside the root, after bias correction)
 * - tf.train.adagrad(lr, a₀)              ≠ adagrad: tfjs starts the accumulator at a₀ = 0.1 and puts ε (1e-7) inside
 *   the root, w −= lr·g/√(cache + ε); ours starts at 0 with w −= lr·g/(√cache + ε)
 * - tf.train.rmsprop(lr, d, 0, ε)         ≠ rmsprop: tfjs puts ε inside the root, w −= lr·g/√(cache + ε); and its
 *   default decay is 0.9 (the lecture's, ours: 0.99)
 */
test('tfjs convention map: sgd, momentum, Nesterov and Adam reproduce tf.train\'s weights over 20 seeded steps (rel. error < 1e-5: float32)', async () => {
  await tf.setBackend('cpu');
  const cases: [string, number[], number[]][] = [
    ['sgd', ours('sgd', { lr: 0.1 }), tfjs(() => tf.train.sgd(0.1))],
    ['momentum', ours('momentum', { lr: 0.05, rho: 0.9 }), tfjs(() => tf.train.momentum(0.05, 0.9))],
    ['nesterov', ours('nesterov', { lr: 0.05, rho: 0.9 }), tfjs(() => tf.train.momentum(0.05, 0.9, true))],
    ['adam', ours('adam', { lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8 }), tfjs(() => tf.train.adam(0.05, 0.9, 0.999, 1e-8))],
  ];
  for (const [name, a, b] of cases) assert.ok(maxRel(a, b) < 1e-5, `${name}: ours ${a} vs tfjs ${b}`);
});

test('tfjs convention map: AdaGrad and RMSProp differ in ε\'s place (inside the root) and AdaGrad\'s start (0.1); a float64 rule in tfjs\'s form reproduces tfjs, ours differs by exactly that', async () => {
  await tf.setBackend('cpu');
  const seq = gradientSequence();
  const tfjsForm = (kind: 'adagrad' | 'rmsprop', lr: number, eps: number, start: number, d = 0) => {
    const w = [...START];
    const cache = w.map(() => start);
    for (const g of seq) {
      for (let i = 0; i < 3; i++) {
        cache[i] = kind === 'adagrad' ? cache[i] + g[i] * g[i] : d * cache[i] + (1 - d) * g[i] * g[i];
        w[i] -= lr * g[i] / Math.sqrt(cache[i] + eps);
      }
    }
    return w;
  };
  const eps32 = 1e-7; // tfjs's backend epsilon (float32), AdaGrad's ε
  const tfAdagrad = tfjs(() => tf.train.adagrad(0.1));
  assert.ok(maxRel(tfjsForm('adagrad', 0.1, eps32, 0.1), tfAdagrad) < 2e-6, 'tfjs adagrad in its own form');
  assert.ok(maxRel(ours('adagrad', { lr: 0.1, eps: 1e-7 }), tfAdagrad) > 1e-3, 'ours differs from tfjs adagrad (initial accumulator 0.1)');
  // with tfjs's accumulator started near 0 the two agree to ε's place: √(c + ε) vs √c + ε
  assert.ok(maxRel(ours('adagrad', { lr: 0.1, eps: 1e-7 }), tfjs(() => tf.train.adagrad(0.1, 1e-12))) < 1e-4);
  const tfRms = tfjs(() => tf.train.rmsprop(0.01, 0.9, 0, 0.1));
  assert.ok(maxRel(tfjsForm('rmsprop', 0.01, 0.1, 0, 0.9), tfRms) < 2e-6, 'tfjs rmsprop in its own form');
  assert.ok(maxRel(ours('rmsprop', { lr: 0.01, decay: 0.9, eps: 0.1 }), tfRms) > 1e-3, 'with a large ε, where it sits shows');
  assert.ok(maxRel(ours('rmsprop', { lr: 0.01, decay: 0.9, eps: 1e-10 }), tfjs(() => tf.train.rmsprop(0.01, 0.9, 0, 1e-10))) < 1e-4, 'with a tiny ε they agree');
});

/** The same sequence through PyTorch, or null when torch is missing. */
function torchWeights(): Record<string, number[]> | null {
  const script = `
import json, sys, torch
seq = json.loads(sys.argv[1]); start = json.loads(sys.argv[2])
def run(make):
    w = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = make([w])
    for g in seq:
        w.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
    return w.detach().tolist()
print(json.dumps({
  'adam': run(lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.9, 0.999), eps=1e-8)),
  'adamw': run(lambda p: torch.optim.AdamW(p, lr=0.05, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)),
  'rmsprop': run(lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.99, eps=1e-7)),
  'nesterov': run(lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True)),
  'momentum': run(lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
  'adagrad': run(lambda p: torch.optim.Adagrad(p, lr=0.1, eps=1e-7)),
}))`;
  try {
    return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(gradientSequence()), JSON.stringify(START)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }));
  } catch (e) {
    if (/No module named 'torch'|ENOENT/.test(String((e as { stderr?: string }).stderr ?? e))) return null;
    throw e;
  }
}

test('PyTorch cross-check over 20 seeded steps (float64): Adam, AdamW, RMSProp, Nesterov, momentum and AdaGrad give our weights (rel. error < 1e-12)', (t) => {
  const torch = torchWeights();
  if (torch === null) { t.skip('torch is not installed'); return; }
  const expected: Record<string, number[]> = {
    adam: ours('adam', { lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8 }),
    adamw: ours('adamw', { lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 }),
    rmsprop: ours('rmsprop', { lr: 0.01, decay: 0.99, eps: 1e-7 }),
    nesterov: ours('nesterov', { lr: 0.05, rho: 0.9 }),
    momentum: ours('momentum', { lr: 0.05, rho: 0.9 }),
    adagrad: ours('adagrad', { lr: 0.1, eps: 1e-7 }),
  };
  for (const [name, w] of Object.entries(expected)) assert.ok(maxRel(w, torch[name]) < 1e-12, `${name}: ours ${w} vs torch ${torch[name]}`);
});
