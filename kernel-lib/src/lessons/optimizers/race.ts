/**
 * The optimizer race (lesson 07): every optimizer starts from the same point of a 2-D surface and
 * takes N steps with the foundation's tensor update rules (`nn.nets.createOptimizer` on one
 * 2-element tf.Variable: the same code that trains the real nets). The gradient comes from the
 * surface in float64 (plus seeded Gaussian noise on `noisy`), is handed to the rule as a tensor,
 * and the weights are read back after each step.
 *
 * Learning rates: each optimizer has one per surface (`RACE_LR`), chosen so that every method is
 * stable and the differences the lecture talks about show within 100 steps:
 * - quadratic (κ = 25) and noisy: SGD at lr = 0.075, so lr·κ = 1.875 < 2: it converges but
 *   zig-zags along the steep axis (its y-step flips sign every time) and crawls along the shallow
 *   one (x shrinks by 0.925 a step); momentum and Nesterov at 0.02 (Nesterov diverges at 0.075:
 *   its stability limit is lr·κ < 2(1 + ρ)/(1 + 2ρ) ≈ 1.36); AdaGrad 0.5, RMSProp 0.05, the Adams 0.1;
 * - saddle: 0.05 for the first three (SGD's escape rate from y = 10⁻³ is (1 + lr) a step: 140
 *   steps to reach y = 1, so after the default 100 it still sits near the ridge), 0.1 for the adaptive ones;
 * - local-min: 0.02 for SGD (it settles in the nearest minimum), momentum and Nesterov 0.02 (ρ = 0.9
 *   carries them over the barrier), adaptive 0.05;
 * - rosenbrock: SGD and momentum 2e-3 (3e-3 diverges), Nesterov 1e-3 (2e-3 diverges), adaptive
 *   0.05: in 200 steps SGD and momentum reach the valley's end, the adaptive ones crawl along it.
 * `lr` overrides them per optimizer; the other knobs are the foundation's defaults
 * (`nn.nets.OPTIMIZER_DEFAULTS`).
 *
 * Measured (8 optimizers × 200 steps, 1,600 tensor steps, 2 shared cores): 0.15-0.2 s on wasm
 * and 0.13-0.27 s on the cpu backend once warm; the first race of a process takes about 0.65 s
 * on wasm (kernel set-up). The 2-element updates cost their dispatch, not their arithmetic, so
 * the tensor rules are kept (they are the code that trains the real nets); a test holds every
 * point to the float64 rules (`step64`) within 1e-4.
 *
 * @example
 * const r = await nn.optimizers.optimizerRace({ surface: 'saddle', steps: 100 });
 * r.runs.map((run) => [run.optimizer, run.escapedAt])   // SGD still on the ridge, momentum gone
 * nn.optimizers.showOptimizerRace(r);
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkNumber } from '../../core/errors';
import { custom, defineOptions, int, list, number, oneOf, optional, seed } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { randomNormal, seedStream } from '../../core/rng';
import { experimentProgress } from '../../show/progress';
import { createOptimizer, OPTIMIZER_LABELS, OptimizerConfig, optimizerConfig, OptimizerName, OPTIMIZERS } from '../../nets/optim';
import { Point, surface, Surface, surfaceGrid, SurfaceName, SURFACES } from './surfaces';

/** Each optimizer's learning rate on each surface (see the module comment). */
export const RACE_LR: Readonly<Record<SurfaceName, Readonly<Record<OptimizerName, number>>>> = {
  quadratic: { sgd: 0.075, momentum: 0.02, nesterov: 0.02, adagrad: 0.5, rmsprop: 0.05, adam: 0.1, 'adam-nobias': 0.1, adamw: 0.1 },
  noisy: { sgd: 0.075, momentum: 0.02, nesterov: 0.02, adagrad: 0.5, rmsprop: 0.05, adam: 0.1, 'adam-nobias': 0.1, adamw: 0.1 },
  saddle: { sgd: 0.05, momentum: 0.05, nesterov: 0.05, adagrad: 0.1, rmsprop: 0.1, adam: 0.1, 'adam-nobias': 0.1, adamw: 0.1 },
  'local-min': { sgd: 0.02, momentum: 0.02, nesterov: 0.02, adagrad: 0.05, rmsprop: 0.05, adam: 0.05, 'adam-nobias': 0.05, adamw: 0.05 },
  rosenbrock: { sgd: 2e-3, momentum: 2e-3, nesterov: 1e-3, adagrad: 0.05, rmsprop: 0.05, adam: 0.05, 'adam-nobias': 0.05, adamw: 0.05 },
};

/** Defaults of {@link optimizerRace}: the quadratic, every optimizer, 100 steps. */
export const RACE_DEFAULTS = { surface: 'quadratic' as SurfaceName, steps: 100, seed: 0 } as const;

/** The race's quick preset (NNLAB_QUICK=1 notebooks): the same, it already runs in well under a second. */
export const RACE_QUICK = { steps: 100 } as const;

/** A run stops (diverged) once a coordinate's size passes this. */
export const DIVERGED_ABOVE = 1e6;

/** How far past the ridge counts as having left the saddle: |y| ≥ ½ (half-way to a minimum at y = ±1). */
export const ESCAPE_Y = 0.5;

function checkLrMap(name: string, value: unknown): Record<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ArgumentError(name, value, 'an object { optimizer: lr }');
  for (const [k, v] of Object.entries(value)) {
    if (!(OPTIMIZERS as readonly string[]).includes(k)) throw new ArgumentError(`${name} key`, k, `one of ${OPTIMIZERS.join(', ')}`);
    checkNumber(`${name}.${k}`, v, { min: 0, max: 100 });
  }
  return { ...(value as Record<string, number>) };
}

/** The options of {@link optimizerRace}, declared once (core/options.ts). */
export const RACE_FIELDS = {
  surface: oneOf(SURFACES, { default: RACE_DEFAULTS.surface }),
  /** Which optimizers race, each once (default: all of `nn.nets.OPTIMIZERS`). */
  optimizers: list(oneOf(OPTIMIZERS), { minLength: 1, maxLength: OPTIMIZERS.length, unique: true, default: OPTIMIZERS }),
  steps: int({ min: 1, max: 10_000, default: RACE_DEFAULTS.steps }),
  /** Learning rates by optimizer, over `RACE_LR` (e.g. { sgd: 0.01 }). */
  lr: custom(checkLrMap, { default: {}, bad: [{ sgd: -1 }, { nope: 0.1 }, [0.1]] }),
  /** κ of the quadratic and noisy surfaces (default 25). */
  kappa: optional(number({ min: 1, max: 1e4 })),
  /** Degrees the quadratic's axes are turned (default 0). */
  rotation: optional(number({ min: -180, max: 180 })),
  /** Gaussian noise σ added to each gradient coordinate (default 2 on `noisy`, 0 elsewhere). */
  noise: optional(number({ min: 0, max: 100 })),
  seed: seed({ default: RACE_DEFAULTS.seed }),
};

export const RACE_OPTIONS = defineOptions('optimizers.optimizerRace', RACE_FIELDS);

/** Options of {@link optimizerRace}. */
export interface RaceOptions {
  surface?: SurfaceName; optimizers?: readonly OptimizerName[]; steps?: number; lr?: Partial<Record<OptimizerName, number>>;
  kappa?: number | null; rotation?: number | null; noise?: number | null; seed?: number;
  /** Progress per optimizer; never recorded. */
  progress?: ProgressOption;
}
export type RaceConfig = ReturnType<typeof RACE_OPTIONS.resolve>;

/** One optimizer's run. */
export interface RaceRun {
  optimizer: OptimizerName;
  label: string;
  /** The full config it ran with (`nn.nets.optimizerConfig`). */
  config: OptimizerConfig;
  /** Points [x, y] from the start: steps + 1 of them (fewer when it diverged). */
  trajectory: Point[];
  /** f at each point of the trajectory (the noise-free value). */
  loss: number[];
  /** Distance from the last point to the global minimum. */
  finalDistance: number;
  /** Nearest minimum at the end: 'global', 'other' (a local minimum, the saddle's mirror one) or null when near neither (0.1). */
  endedIn: 'global' | 'other' | null;
  /** Saddle only: the first step at which |y| ≥ ½, or null (never, or another surface). */
  escapedAt: number | null;
  /** A coordinate passed 10⁶ or became NaN: the run stopped there. */
  diverged: boolean;
}

/** What {@link optimizerRace} returns: plain JSON. */
export interface RaceRecord {
  experiment: 'optimizersRace';
  options: RaceConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  surface: {
    name: SurfaceName; formula: string; start: Point; minimum: Point; minValue: number; otherMinima: Point[]; noise: number;
    range: { x: Point; y: Point };
    /** f on a 41 × 41 grid over the range: z[i][j] = f(x[j], y[i]). */
    grid: { x: number[]; y: number[]; z: number[][] };
  };
  runs: RaceRun[];
  meta: { ms: number };
}

/** The surface a race config describes. */
export function raceSurface(c: Pick<RaceConfig, 'surface' | 'kappa' | 'rotation' | 'noise'>): Surface {
  return surface(c.surface, { kappa: c.kappa ?? undefined, rotation: c.rotation ?? undefined, noise: c.noise ?? undefined });
}

const dist = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** One optimizer from the start for `steps` steps with the tensor rule. */
function runOne(name: OptimizerName, s: Surface, config: OptimizerConfig, steps: number, noiseSeed: number): RaceRun {
  const random = seedStream(noiseSeed).random();
  const initial = tf.tensor1d(s.start, 'float32');
  const w = tf.variable(initial);
  initial.dispose();
  const opt = createOptimizer(name, config);
  const trajectory: Point[] = [[w.dataSync()[0], w.dataSync()[1]]];
  let diverged = false;
  try {
    for (let t = 0; t < steps; t++) {
      const p = trajectory[trajectory.length - 1];
      const g = s.gradient(p);
      if (s.noise > 0) { g[0] += s.noise * randomNormal(random); g[1] += s.noise * randomNormal(random); }
      const grad = tf.tensor1d(g, 'float32');
      opt.apply([w], [grad]);
      grad.dispose();
      const d = w.dataSync();
      const next: Point = [d[0], d[1]];
      if (!next.every((v) => Number.isFinite(v) && Math.abs(v) <= DIVERGED_ABOVE)) { diverged = true; break; }
      trajectory.push(next);
    }
  } finally {
    opt.dispose();
    w.dispose();
  }
  const last = trajectory[trajectory.length - 1];
  const nearest = [s.minimum, ...s.otherMinima].map((m) => dist(last, m));
  const near = Math.min(...nearest);
  const escape = s.name === 'saddle' ? trajectory.findIndex(([, y]) => Math.abs(y) >= ESCAPE_Y) : -1;
  return {
    optimizer: name, label: OPTIMIZER_LABELS[name], config, trajectory, loss: trajectory.map((p) => s.value(p)),
    finalDistance: dist(last, s.minimum), endedIn: diverged || near > 0.1 ? null : nearest[0] === near ? 'global' : 'other',
    escapedAt: escape >= 0 ? escape : null, diverged,
  };
}

/**
 * The race: each chosen optimizer from the surface's start for `steps` steps (see the module
 * comment for the learning rates). Same seed, same record (the noise is drawn per optimizer from
 * the seed, so adding an optimizer changes no other's noise).
 *
 * @example
 * const r = await nn.optimizers.optimizerRace({ surface: 'quadratic', optimizers: ['sgd', 'momentum', 'adam'], steps: 50 });
 * r.runs.map((run) => run.finalDistance)
 */
export async function optimizerRace(options: RaceOptions = {}): Promise<RaceRecord> {
  const started = performance.now();
  const { config, progress } = RACE_OPTIONS.take(options);
  const s = raceSurface(config);
  const bar = experimentProgress(progress, { label: 'optimizers.optimizerRace' });
  const seeds = seedStream(config.seed);
  try {
    const runs: RaceRun[] = [];
    for (const [k, name] of config.optimizers.entries()) {
      const lr = (config.lr as Record<string, number>)[name] ?? RACE_LR[config.surface][name];
      const run = runOne(name, s, optimizerConfig(name, { lr }), config.steps, seeds.derive(`noise ${name}`));
      runs.push(run);
      bar.report({ done: k + 1, total: config.optimizers.length, phase: name, metrics: { loss: run.loss[run.loss.length - 1] } });
      await new Promise((r) => setImmediate(r));
    }
    return {
      experiment: 'optimizersRace', options: config, ...provenance(),
      surface: {
        name: s.name, formula: s.formula, start: s.start, minimum: s.minimum, minValue: s.value(s.minimum), otherMinima: s.otherMinima,
        noise: s.noise, range: s.range, grid: surfaceGrid(s, 41),
      },
      runs,
      meta: { ms: performance.now() - started },
    };
  } finally {
    bar.finish();
  }
}
