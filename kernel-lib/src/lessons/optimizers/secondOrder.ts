/**
 * Second-order optimization (lesson 07): Newton's method and L-BFGS next to Adam on the 2-D
 * surfaces, in float64.
 *
 * - Newton: w ← w − H⁻¹∇f. On a quadratic the model is exact: one step lands on the minimum
 *   (to float precision), whatever κ; no learning rate. Each step needs the gradient and the
 *   Hessian (N² numbers for N parameters) and a solve (N³ operations).
 * - L-BFGS (full batch): the two-loop recursion builds H⁻¹∇f from the last m pairs
 *   (s = Δw, y = Δ∇f), scaled by sᵀy / yᵀy; the line search tries α = 1 and the minimum of the
 *   parabola through f(w), ∇fᵀd and f(w + d) (exact on a quadratic, so that there L-BFGS is
 *   conjugate gradients and stops after about N steps): when α = 1 passes Armijo's test
 *   f(w + αd) ≤ f(w) + 10⁻⁴·α·∇fᵀd it keeps the parabola's minimum (kept within [0.1, 10]) if
 *   that is lower and passes too; when α = 1 fails it starts from the parabola's minimum (within [0.1, ½])
 *   and halves until the test passes. Memory 2·m·N numbers.
 * - Adam and SGD (the foundation's float64 rules, `nn.nets.step64`): one gradient a step.
 *
 * Steps and evaluations are counted until ‖w − w*‖ < tol (default 10⁻⁶).
 *
 * @example
 * const r = await nn.optimizers.secondOrder({ surface: 'rosenbrock' });
 * r.methods.map((m) => [m.method, m.steps, m.gradients])   // Newton and L-BFGS in tens of steps, Adam in thousands
 * nn.optimizers.showSecondOrder(r);
 */
import { ArgumentError } from '../../core/errors';
import { defineOptions, int, number, oneOf, seed } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { experimentProgress } from '../../show/progress';
import { step64, State64 } from '../../nets/optim64';
import { Point, surface, Surface, surfaceGrid, SurfaceName } from './surfaces';

/**
 * One Newton step w − H⁻¹∇f (a 2 × 2 solve). A singular Hessian is an ArgumentError.
 *
 * @example
 * nn.optimizers.newtonStep(nn.optimizers.surface('quadratic', { kappa: 100 }), [-4, 2])   // [0, 0]: the minimum, in one step
 */
export function newtonStep(s: Surface, p: readonly number[]): Point {
  const [gx, gy] = s.gradient(p);
  const [[a, b], [, d]] = s.hessian(p);
  const det = a * d - b * b;
  if (det === 0 || !Number.isFinite(det)) throw new ArgumentError('hessian', [[a, b], [b, d]], 'an invertible 2 × 2 matrix');
  return [p[0] - (d * gx - b * gy) / det, p[1] - (-b * gx + a * gy) / det];
}

/** Options of {@link lbfgs}. */
export interface LbfgsOptions {
  /** History m: pairs (s, y) kept (default 5). */
  memory?: number;
  /** Stop once ‖∇f‖ < gradTol (default 1e-10) or after maxSteps steps (default 200). */
  gradTol?: number;
  maxSteps?: number;
}

/** An L-BFGS run: the points, and the evaluations of f and ∇f it took (line searches included). */
export interface LbfgsRun { trajectory: Point[]; evaluations: number[]; steps: number }

const dot = (a: readonly number[], b: readonly number[]) => a[0] * b[0] + a[1] * b[1];

/** Armijo's sufficient-decrease constant c₁: f(w + αd) ≤ f(w) + c₁·α·∇fᵀd. */
const ARMIJO = 1e-4;

/**
 * Full-batch L-BFGS on a 2-D surface from `start`: the two-loop recursion over the last m pairs,
 * a line search (α = 1 or the parabola's minimum, Armijo, halving). `evaluations[k]`: function + gradient evaluations
 * spent up to point k.
 *
 * @example
 * const run = nn.optimizers.lbfgs(nn.optimizers.surface('rosenbrock'), [-1.5, 2]);
 * run.trajectory[run.steps]   // ≈ [1, 1]
 */
export function lbfgs(s: Surface, start: readonly number[], o: LbfgsOptions = {}): LbfgsRun {
  const m = o.memory ?? 5;
  const gradTol = o.gradTol ?? 1e-10;
  const maxSteps = o.maxSteps ?? 200;
  if (!Number.isInteger(m) || m < 1 || m > 100) throw new ArgumentError('memory', m, 'an integer in [1, 100]');
  let w: Point = [start[0], start[1]];
  let f = s.value(w);
  let g = s.gradient(w);
  let evals = 1;
  const trajectory: Point[] = [w];
  const evaluations = [evals];
  const hist: { s: Point; y: Point; rho: number }[] = [];
  for (let k = 0; k < maxSteps && Math.hypot(g[0], g[1]) >= gradTol; k++) {
    // two-loop recursion: d = −H·g
    const q: Point = [g[0], g[1]];
    const alphas: number[] = [];
    for (let i = hist.length - 1; i >= 0; i--) {
      const a = hist[i].rho * dot(hist[i].s, q);
      alphas[i] = a;
      q[0] -= a * hist[i].y[0]; q[1] -= a * hist[i].y[1];
    }
    const last = hist[hist.length - 1];
    const gamma = last ? dot(last.s, last.y) / dot(last.y, last.y) : 1 / Math.max(1, Math.hypot(g[0], g[1]));
    const r: Point = [gamma * q[0], gamma * q[1]];
    for (let i = 0; i < hist.length; i++) {
      const b = hist[i].rho * dot(hist[i].y, r);
      r[0] += hist[i].s[0] * (alphas[i] - b); r[1] += hist[i].s[1] * (alphas[i] - b);
    }
    let d: Point = [-r[0], -r[1]];
    if (dot(d, g) >= 0) { d = [-g[0], -g[1]]; hist.length = 0; } // not a descent direction: restart
    // line search: α = 1 and the minimum of the parabola through f(0), f'(0) and f(1) (exact on a
    // quadratic); see the module comment
    const gd = dot(g, d);
    const at = (a: number): Point => [w[0] + a * d[0], w[1] + a * d[1]];
    const armijo = (a: number, fa: number) => fa <= f + ARMIJO * a * gd;
    let alpha = 1;
    let next = at(1);
    let fNext = s.value(next);
    evals += 1;
    const curvature = fNext - f - gd;
    const aq = curvature > 0 ? -gd / (2 * curvature) : NaN;
    if (armijo(1, fNext)) {
      // α = 1 passes: the parabola's minimum (kept within [0.1, 10]; 10 when the parabola opens
      // downwards) if it passes too and is lower
      const a2 = curvature > 0 ? Math.min(10, Math.max(0.1, aq)) : 10;
      if (Math.abs(a2 - 1) > 1e-6) {
        const q = at(a2);
        const fq = s.value(q);
        evals += 1;
        if (armijo(a2, fq) && fq < fNext) { alpha = a2; next = q; fNext = fq; }
      }
    } else {
      // α = 1 fails: the parabola's minimum kept within [0.1, 0.5], then halving
      alpha = Number.isFinite(aq) ? Math.min(0.5, Math.max(0.1, aq)) : 0.5;
      next = at(alpha);
      fNext = s.value(next);
      evals += 1;
      while (!armijo(alpha, fNext) && alpha > 1e-12) {
        alpha /= 2;
        next = at(alpha);
        fNext = s.value(next);
        evals += 1;
      }
    }
    const gNext = s.gradient(next);
    const sk: Point = [next[0] - w[0], next[1] - w[1]];
    const yk: Point = [gNext[0] - g[0], gNext[1] - g[1]];
    const sy = dot(sk, yk);
    if (sy > 1e-300) { hist.push({ s: sk, y: yk, rho: 1 / sy }); if (hist.length > m) hist.shift(); }
    w = next; f = fNext; g = gNext;
    trajectory.push(w);
    evaluations.push(evals);
  }
  return { trajectory, evaluations, steps: trajectory.length - 1 };
}

/** The second-order comparison's methods. */
export const SECOND_ORDER_METHODS = ['newton', 'lbfgs', 'adam', 'sgd'] as const;
export type SecondOrderMethod = typeof SECOND_ORDER_METHODS[number];

/** Defaults of {@link secondOrder}: Rosenbrock, tol 1e-6, at most 5,000 steps, Adam at lr 0.02, SGD at 1e-3. */
export const SECOND_ORDER_DEFAULTS = { surface: 'rosenbrock' as SurfaceName, tol: 1e-6, maxSteps: 5000, adamLr: 0.02, sgdLr: 1e-3, memory: 5, seed: 0 } as const;

/** The options of {@link secondOrder}, declared once. */
export const SECOND_ORDER_FIELDS = {
  surface: oneOf(['quadratic', 'rosenbrock', 'local-min', 'saddle'] as const, { default: SECOND_ORDER_DEFAULTS.surface }),
  /** Stop once ‖w − w*‖ < tol. */
  tol: number({ min: 1e-12, max: 1, default: SECOND_ORDER_DEFAULTS.tol }),
  maxSteps: int({ min: 1, max: 100_000, default: SECOND_ORDER_DEFAULTS.maxSteps }),
  adamLr: number({ min: 1e-6, max: 10, default: SECOND_ORDER_DEFAULTS.adamLr }),
  sgdLr: number({ min: 1e-6, max: 10, default: SECOND_ORDER_DEFAULTS.sgdLr }),
  /** L-BFGS's history m. */
  memory: int({ min: 1, max: 100, default: SECOND_ORDER_DEFAULTS.memory }),
  seed: seed({ default: SECOND_ORDER_DEFAULTS.seed }),
};
export const SECOND_ORDER_OPTIONS = defineOptions('optimizers.secondOrder', SECOND_ORDER_FIELDS);

/** Options of {@link secondOrder}. */
export interface SecondOrderOptions {
  surface?: 'quadratic' | 'rosenbrock' | 'local-min' | 'saddle'; tol?: number; maxSteps?: number; adamLr?: number; sgdLr?: number; memory?: number; seed?: number;
  progress?: ProgressOption;
}
export type SecondOrderConfig = ReturnType<typeof SECOND_ORDER_OPTIONS.resolve>;

/** One method's run. */
export interface SecondOrderRun {
  method: SecondOrderMethod;
  /** Steps until ‖w − w*‖ < tol, or null (not within maxSteps, or it went elsewhere). */
  steps: number | null;
  /** Steps taken (≤ maxSteps; Newton and L-BFGS stop once converged or stuck). */
  taken: number;
  /**
   * Gradient evaluations until then (or in all, when it never got there): one a step for Newton,
   * Adam and SGD; L-BFGS counts every function + gradient evaluation, its line search's included.
   */
  gradients: number;
  /** Hessian evaluations (Newton only). */
  hessians: number;
  /** Numbers each step keeps beyond the weights, for N parameters, as a formula and for N = 2. */
  memory: string;
  trajectory: Point[];
  loss: number[];
  finalDistance: number;
}

/** The Hessian's size for a model of N parameters. */
export interface HessianSize { model: string; parameters: number; hessianNumbers: number; hessianBytes: number; lbfgsBytes: number }

/** What {@link secondOrder} returns: plain JSON. */
export interface SecondOrderRecord {
  experiment: 'optimizersSecondOrder';
  options: SecondOrderConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  surface: { name: SurfaceName; formula: string; start: Point; minimum: Point; range: { x: Point; y: Point }; grid: { x: number[]; y: number[]; z: number[][] } };
  methods: SecondOrderRun[];
  /** N² for the lecture's nets: why Newton is not used on them (float32, 4 bytes a number; L-BFGS with m pairs keeps 2·m·N). */
  hessianSizes: HessianSize[];
  meta: { ms: number };
}

/** The parameters of the lecture's two-layer net (3072 → 50 → 10): 3072·50 + 50 + 50·10 + 10. */
export const LECTURE_MLP_PARAMETERS = 3072 * 50 + 50 + 50 * 10 + 10;

/**
 * N² for models of N parameters: the lecture's two-layer net (154,160 parameters: a 95 GB Hessian),
 * a 1-million and a 100-million parameter net; L-BFGS's 2·m·N beside it.
 *
 * @example
 * nn.optimizers.hessianSizes(5)[1]   // { model: 'two-layer net 3072-50-10', parameters: 154160, hessianBytes: 9.5e10, ... }
 */
export function hessianSizes(memory = 5): HessianSize[] {
  const rows: [string, number][] = [['the 2-D surface', 2], ['two-layer net 3072-50-10', LECTURE_MLP_PARAMETERS], ['a 1M-parameter net', 1e6], ['a 100M-parameter net', 1e8]];
  return rows.map(([model, n]) => ({ model, parameters: n, hessianNumbers: n * n, hessianBytes: 4 * n * n, lbfgsBytes: 4 * 2 * memory * n }));
}

/** Index of the first point within tol of the minimum, or null. */
function reached(trajectory: readonly Point[], minimum: Point, tol: number): number | null {
  const k = trajectory.findIndex((p) => Math.hypot(p[0] - minimum[0], p[1] - minimum[1]) < tol);
  return k >= 0 ? k : null;
}

function firstOrder(name: 'adam' | 'sgd', s: Surface, lr: number, c: SecondOrderConfig): Point[] {
  let w: number[] = [...s.start];
  let state: State64 | null = null;
  const trajectory: Point[] = [[w[0], w[1]]];
  for (let k = 0; k < c.maxSteps; k++) {
    ({ w, state } = step64(name, w, s.gradient(w), state, { lr }));
    if (!w.every(Number.isFinite)) break;
    trajectory.push([w[0], w[1]]);
    if (Math.hypot(w[0] - s.minimum[0], w[1] - s.minimum[1]) < c.tol) break;
  }
  return trajectory;
}

/**
 * Newton, L-BFGS, Adam and SGD from the surface's start: steps and gradient evaluations until
 * within `tol` of the minimum, and the Hessian's size for real nets.
 *
 * @example
 * const r = await nn.optimizers.secondOrder({ surface: 'quadratic' });
 * r.methods.find((m) => m.method === 'newton')?.steps   // 1
 */
export async function secondOrder(options: SecondOrderOptions = {}): Promise<SecondOrderRecord> {
  const started = performance.now();
  const { config, progress } = SECOND_ORDER_OPTIONS.take(options);
  const bar = experimentProgress(progress, { label: 'optimizers.secondOrder' });
  try {
    const s = surface(config.surface);
    const runs: SecondOrderRun[] = [];
    const finish = (method: SecondOrderMethod, trajectory: Point[], gradientsAt: (k: number) => number, hessiansAt: (k: number) => number, memory: string) => {
      const steps = reached(trajectory, s.minimum, config.tol);
      const k = steps ?? trajectory.length - 1;
      const last = trajectory[trajectory.length - 1];
      runs.push({
        method, steps, taken: trajectory.length - 1, gradients: gradientsAt(k), hessians: hessiansAt(k), memory, trajectory,
        loss: trajectory.map((p) => s.value(p)), finalDistance: Math.hypot(last[0] - s.minimum[0], last[1] - s.minimum[1]),
      });
      bar.report({ done: runs.length, total: SECOND_ORDER_METHODS.length, phase: method, metrics: {} });
    };
    // Newton: stop once within tol, or once a step no longer moves
    const newton: Point[] = [[...s.start] as Point];
    for (let k = 0; k < Math.min(config.maxSteps, 100); k++) {
      const p = newton[newton.length - 1];
      if (Math.hypot(p[0] - s.minimum[0], p[1] - s.minimum[1]) < config.tol) break;
      const next = newtonStep(s, p);
      if (!next.every(Number.isFinite) || (next[0] === p[0] && next[1] === p[1])) break;
      newton.push(next);
    }
    finish('newton', newton, (k) => k, (k) => k, 'N² (the Hessian) + a solve of N³ operations');
    const run = lbfgs(s, s.start, { memory: config.memory, maxSteps: Math.min(config.maxSteps, 1000), gradTol: 1e-12 });
    finish('lbfgs', run.trajectory, (k) => run.evaluations[k], () => 0, `2·m·N (m = ${config.memory} pairs s, y)`);
    finish('adam', firstOrder('adam', s, config.adamLr, config), (k) => k, () => 0, '2·N (m, v)');
    finish('sgd', firstOrder('sgd', s, config.sgdLr, config), (k) => k, () => 0, 'none');
    return {
      experiment: 'optimizersSecondOrder', options: config, ...provenance(),
      surface: { name: s.name, formula: s.formula, start: s.start, minimum: s.minimum, range: s.range, grid: surfaceGrid(s, 41) },
      methods: runs, hessianSizes: hessianSizes(config.memory),
      meta: { ms: performance.now() - started },
    };
  } finally {
    bar.finish();
  }
}
