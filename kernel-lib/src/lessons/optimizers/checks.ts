/**
 * The lecture's claims about the update rules as functions that the notebook's check cells call
 * and the tests assert: SGD zig-zags along the steep axis of an ill-conditioned bowl and crawls
 * along the shallow one; plain SGD stalls near a saddle where momentum escapes; Adam's first step
 * is lr in size whatever the gradient's scale (while it is well above ε), with bias correction only.
 *
 * @example
 * const r = await nn.optimizers.optimizerRace({ surface: 'quadratic', optimizers: ['sgd'] });
 * nn.optimizers.zigzag(r.runs[0].trajectory)   // { ySignChanges: 99, xSignChanges: 0, ... }
 */
import { ArgumentError } from '../../core/errors';
import { step64 } from '../../nets/optim64';
import { RaceRecord } from './race';

/** How a trajectory's steps turn: sign changes of the x-steps and of the y-steps. */
export interface Zigzag {
  /** Steps taken (points − 1). */
  steps: number;
  /** How often consecutive x-steps have opposite signs (0: x moves one way, monotone). */
  xSignChanges: number;
  ySignChanges: number;
  /** |x| and |y| at the end over their start values (how far each coordinate came down). */
  xLeft: number;
  yLeft: number;
}

function signChanges(d: number[]): number {
  let n = 0;
  for (let i = 1; i < d.length; i++) if (d[i] * d[i - 1] < 0) n += 1;
  return n;
}

/**
 * Sign changes of the x-steps and the y-steps of a trajectory [[x, y], ...]: SGD on the quadratic
 * ½(x² + κy²) with lr·κ > 1 flips its y-step every step and moves x one way.
 *
 * @example
 * nn.optimizers.zigzag([[-4, 2], [-3.7, -1.75], [-3.42, 1.53]])   // { steps: 2, xSignChanges: 0, ySignChanges: 1, ... }
 */
export function zigzag(trajectory: readonly (readonly number[])[]): Zigzag {
  if (!Array.isArray(trajectory) || trajectory.length < 2) throw new ArgumentError('trajectory', trajectory, 'an array of at least 2 points [x, y]');
  const dx = trajectory.slice(1).map((p, i) => p[0] - trajectory[i][0]);
  const dy = trajectory.slice(1).map((p, i) => p[1] - trajectory[i][1]);
  const first = trajectory[0];
  const last = trajectory[trajectory.length - 1];
  return {
    steps: trajectory.length - 1, xSignChanges: signChanges(dx), ySignChanges: signChanges(dy),
    xLeft: Math.abs(last[0] / first[0]), yLeft: Math.abs(last[1] / first[1]),
  };
}

/** Saddle escapes from a race record: per optimizer, the step at which it left (|y| ≥ ½), or null. */
export interface SaddleEscape { optimizer: string; escapedAt: number | null; yAtEnd: number }

/**
 * Which runs of a saddle race left the ridge, and when.
 *
 * @example
 * const r = await nn.optimizers.optimizerRace({ surface: 'saddle', optimizers: ['sgd', 'momentum'], steps: 100 });
 * nn.optimizers.saddleEscapes(r)   // [{ optimizer: 'sgd', escapedAt: null, ... }, { optimizer: 'momentum', escapedAt: 37, ... }]
 */
export function saddleEscapes(record: RaceRecord): SaddleEscape[] {
  if (record?.surface?.name !== 'saddle') throw new ArgumentError('record.surface.name', record?.surface?.name, "'saddle' (a race on the saddle surface)");
  return record.runs.map((r) => ({ optimizer: r.optimizer, escapedAt: r.escapedAt, yAtEnd: r.trajectory[r.trajectory.length - 1][1] }));
}

/** Adam's first step for one gradient scale, with and without bias correction. */
export interface FirstStepRow { scale: number; withCorrection: number; withoutCorrection: number }

/**
 * The size of Adam's first step (float64 rules, `nn.nets.step64`) for gradients of each scale,
 * in units of lr: with bias correction ≈ 1 for every scale (the ratio m̂/√v̂ is ±1 at t = 1);
 * without, (1 − β₁)/√(1 − β₂) ≈ 3.16 where the gradient is ≫ ε and much less where it nears ε.
 *
 * @example
 * nn.optimizers.adamFirstSteps([1e-9, 1e-6, 1, 1e3])
 * // 1e-9 (near ε = 1e-8): 0.091 and 0.010; 1e-6: 0.990 and 2.40; 1 and 1e3: 1.000 and 3.162
 */
export function adamFirstSteps(scales: readonly number[] = [1e-9, 1e-6, 1e-3, 1, 1e3], lr = 0.1): FirstStepRow[] {
  if (!Array.isArray(scales) || scales.length === 0) throw new ArgumentError('scales', scales, 'a non-empty array of gradient scales > 0');
  return scales.map((scale) => {
    if (!(typeof scale === 'number' && scale > 0 && Number.isFinite(scale))) throw new ArgumentError('scale', scale, 'a finite number > 0');
    const size = (name: string) => Math.abs(step64(name, [0], [scale], null, { lr }).w[0]) / lr;
    return { scale, withCorrection: size('adam'), withoutCorrection: size('adam-nobias') };
  });
}
