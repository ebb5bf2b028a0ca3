/**
 * Learning-rate schedules as pure functions of the step: `lr(t)` for t = 0, 1, 2, ... (steps taken
 * before this one). The training loop takes one as its `schedule` option and hands each step its
 * learning rate (`at.lr`).
 *
 * | kind | lr(t) |
 * |---|---|
 * | `constant` | α₀ |
 * | `step` | α₀·factorᵏ, k = ⌊t / every⌋ (the lecture: ×0.1 every few epochs) |
 * | `exp` | α₀·e^(−k·t) |
 * | `inv` | α₀ / (1 + k·t) (1/t decay) |
 * | `invsqrt` | α₀ / √(1 + k·t) |
 * | `cosine` | lrMin + (α₀ − lrMin)·(1 + cos(π·t/total))/2, then lrMin |
 * | `linear` | α₀ + (lrMin − α₀)·t/total, then lrMin |
 * | `sgdr` | cosine from α₀ to lrMin over each cycle, restarting at α₀; cycles of `period`, `period·mult`, ... steps |
 *
 * `warmup: w` puts a linear warmup in front of any of them: lr(t) = inner(0)·(t + 1)/w for t < w,
 * then inner(t − w).
 *
 * @example
 * const lr = nn.nets.makeSchedule({ kind: 'step', lr0: 0.1, every: 10, factor: 0.1 });
 * [lr(0), lr(9), lr(10), lr(25)]   // [0.1, 0.1, 0.01, 0.001] (to float precision)
 */
import { ArgumentError, checkInt, checkNumber, checkOneOf } from '../core/errors';

export const SCHEDULES = ['constant', 'step', 'exp', 'inv', 'invsqrt', 'cosine', 'linear', 'sgdr'] as const;
export type ScheduleKind = typeof SCHEDULES[number];

/** A schedule as data (what a record stores and the CLI parses). */
export interface ScheduleSpec {
  kind: ScheduleKind;
  /** The initial learning rate α₀. */
  lr0: number;
  /** `step`: steps between drops. */
  every?: number;
  /** `step`: the multiplier at each drop (default 0.1). */
  factor?: number;
  /** `exp`, `inv`, `invsqrt`: the decay rate per step. */
  k?: number;
  /** `cosine`, `linear`: the steps to reach lrMin. */
  total?: number;
  /** `sgdr`: the first cycle's length in steps. */
  period?: number;
  /** `sgdr`: each cycle is this many times longer than the one before (default 1). */
  mult?: number;
  /** `cosine`, `linear`, `sgdr`: the lowest rate (default 0). */
  lrMin?: number;
  /** Linear warmup steps in front (default 0). */
  warmup?: number;
}

/** The knobs each kind takes (besides lr0 and warmup); the required ones have no default below. */
const KNOBS: Record<ScheduleKind, (keyof ScheduleSpec)[]> = {
  constant: [], step: ['every', 'factor'], exp: ['k'], inv: ['k'], invsqrt: ['k'],
  cosine: ['total', 'lrMin'], linear: ['total', 'lrMin'], sgdr: ['period', 'mult', 'lrMin'],
};

/** The plain functions; `makeSchedule` checks a spec and picks one. */
export const constantLr = (lr0: number) => (_t: number) => lr0;
export const stepDecay = (lr0: number, every: number, factor: number) => (t: number) => lr0 * factor ** Math.floor(t / every);
export const expDecay = (lr0: number, k: number) => (t: number) => lr0 * Math.exp(-k * t);
export const invDecay = (lr0: number, k: number) => (t: number) => lr0 / (1 + k * t);
export const invSqrtDecay = (lr0: number, k: number) => (t: number) => lr0 / Math.sqrt(1 + k * t);
export const cosineDecay = (lr0: number, total: number, lrMin = 0) => (t: number) =>
  t >= total ? lrMin : lrMin + (lr0 - lrMin) * (1 + Math.cos(Math.PI * t / total)) / 2;
export const linearDecay = (lr0: number, total: number, lrMin = 0) => (t: number) =>
  t >= total ? lrMin : lr0 + (lrMin - lr0) * t / total;
/** SGDR (cosine with warm restarts): where t falls in its cycle, and the cosine there. */
export const sgdrSchedule = (lr0: number, period: number, mult = 1, lrMin = 0) => (t: number) => {
  let start = 0;
  let length = period;
  while (t >= start + length) { start += length; length *= mult; }
  return lrMin + (lr0 - lrMin) * (1 + Math.cos(Math.PI * (t - start) / length)) / 2;
};
/** A linear warmup of `steps` in front of `inner`. */
export const withWarmup = (inner: (t: number) => number, steps: number) => (t: number) =>
  t < steps ? inner(0) * (t + 1) / steps : inner(t - steps);

/**
 * The schedule a spec describes, checked: an unknown kind, a missing or out-of-range knob, or a
 * knob the kind does not take is an ArgumentError naming it.
 *
 * @example
 * const lr = nn.nets.makeSchedule({ kind: 'cosine', lr0: 1e-3, total: 100, warmup: 10 });
 * [lr(0), lr(9), lr(10), lr(60), lr(110)]   // [1e-4, 1e-3, 1e-3, 5e-4, 0]
 * nn.nets.makeSchedule({ kind: 'exp', lr0: 0.1 })   // throws: k (schedule exp) must be a finite number in [0, 1000000], got undefined
 */
export function makeSchedule(spec: ScheduleSpec): (t: number) => number {
  if (!spec || typeof spec !== 'object') throw new ArgumentError('schedule', spec, 'an object { kind, lr0, ... }');
  const kind = checkOneOf('schedule kind', spec.kind, SCHEDULES);
  const lr0 = checkNumber('lr0', spec.lr0, { min: 0, max: 1e6 });
  const allowed = new Set<string>(['kind', 'lr0', 'warmup', ...KNOBS[kind]]);
  for (const [key, value] of Object.entries(spec)) {
    if (value !== undefined && !allowed.has(key)) throw new ArgumentError(`schedule ${kind} option`, key, `one of ${[...allowed].join(', ')}`);
  }
  const name = (knob: string) => `${knob} (schedule ${kind})`;
  const lrMin = checkNumber(name('lrMin'), spec.lrMin ?? 0, { min: 0, max: lr0 });
  const inner = (() => {
    switch (kind) {
      case 'constant': return constantLr(lr0);
      case 'step': return stepDecay(lr0, checkInt(name('every'), spec.every, { min: 1, max: 1e9 }), checkNumber(name('factor'), spec.factor ?? 0.1, { min: 0, max: 1 }));
      case 'exp': return expDecay(lr0, checkNumber(name('k'), spec.k, { min: 0, max: 1e6 }));
      case 'inv': return invDecay(lr0, checkNumber(name('k'), spec.k, { min: 0, max: 1e6 }));
      case 'invsqrt': return invSqrtDecay(lr0, checkNumber(name('k'), spec.k, { min: 0, max: 1e6 }));
      case 'cosine': return cosineDecay(lr0, checkInt(name('total'), spec.total, { min: 1, max: 1e9 }), lrMin);
      case 'linear': return linearDecay(lr0, checkInt(name('total'), spec.total, { min: 1, max: 1e9 }), lrMin);
      case 'sgdr': return sgdrSchedule(lr0, checkInt(name('period'), spec.period, { min: 1, max: 1e9 }), checkNumber(name('mult'), spec.mult ?? 1, { min: 1, max: 100 }), lrMin);
    }
  })();
  const warmup = checkInt('warmup', spec.warmup ?? 0, { min: 0, max: 1e9 });
  return warmup > 0 ? withWarmup(inner, warmup) : inner;
}

/**
 * The first `steps` values of a schedule (t = 0 .. steps − 1), for a figure or a record.
 *
 * @example
 * nn.nets.scheduleValues({ kind: 'sgdr', lr0: 1, period: 2 }, 4)   // [1, 0.5, 1, 0.5]
 */
export function scheduleValues(spec: ScheduleSpec, steps: number): number[] {
  const lr = makeSchedule(spec);
  return Array.from({ length: checkInt('steps', steps, { min: 1, max: 10_000_000 }) }, (_, t) => lr(t));
}
