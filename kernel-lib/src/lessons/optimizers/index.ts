/**
 * `nn.optimizers`: lesson 07, optimizers and learning-rate schedules. The update rules themselves
 * live in `nn.nets` (sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, createOptimizer,
 * step64); this lesson races them on 2-D surfaces and sets them beside second-order methods.
 *
 * - surfaces: `SURFACES`, `surface` (value, gradient, Hessian, start, minimum), `surfaceGrid`;
 * - the race: `optimizerRace` (every optimizer from one start, the tensor rules), `RACE_LR`;
 * - the lecture's claims as checks: `zigzag`, `saddleEscapes`, `adamFirstSteps`;
 * - second order: `newtonStep`, `lbfgs`, `secondOrder`, `hessianSizes`;
 * - figures: `OPTIMIZER_COLOURS`, `raceContourFigure`, `raceLossFigure`, `showOptimizerRace`,
 *   `secondOrderFigure`, `secondOrderDistanceFigure`, `showSecondOrder`.
 *
 * tfjs's optimizers against `nn.nets`' rules (test/optimizers.test.ts, 20 seeded steps):
 * `tf.train.sgd(lr)` = `sgd`; `tf.train.momentum(lr, ρ)` = `momentum` (the lecture's form);
 * `tf.train.momentum(lr, ρ, true)` = `nesterov` (tfjs steps w −= lr·(g + ρ·acc'), the lecture
 * changes variables: the same weights at constant lr); `tf.train.adam(lr, β₁, β₂, ε)` = `adam`.
 * Different: `tf.train.adagrad` starts its accumulator at 0.1 and puts ε (1e-7) inside the root,
 * `tf.train.rmsprop` puts ε inside the root (and defaults to decay 0.9). PyTorch's Adam, AdamW,
 * RMSprop, Adagrad and SGD with (Nesterov) momentum give our float64 weights to 1e-12.
 *
 * @example
 * const r = await nn.optimizers.optimizerRace({ surface: 'saddle' });
 * nn.optimizers.showOptimizerRace(r);
 * const so = await nn.optimizers.secondOrder({ surface: 'rosenbrock' });
 * nn.optimizers.showSecondOrder(so);
 */
export { surface, surfaceGrid, SURFACES, SURFACE_DEFAULTS } from './surfaces';
export type { Point, Surface, SurfaceName, SurfaceParams } from './surfaces';
export { optimizerRace, RACE_DEFAULTS, RACE_LR, RACE_QUICK } from './race';
export type { RaceConfig, RaceOptions, RaceRecord, RaceRun } from './race';
export { adamFirstSteps, saddleEscapes, zigzag } from './checks';
export type { FirstStepRow, SaddleEscape, Zigzag } from './checks';
export { hessianSizes, lbfgs, newtonStep, secondOrder, SECOND_ORDER_DEFAULTS } from './secondOrder';
export type { HessianSize, LbfgsOptions, LbfgsRun, SecondOrderConfig, SecondOrderOptions, SecondOrderRecord, SecondOrderRun } from './secondOrder';
export {
  OPTIMIZER_COLOURS, raceContourFigure, raceLossFigure, secondOrderDistanceFigure, secondOrderFigure, showOptimizerRace, showSecondOrder,
} from './figures';
export * from './trainingIndex';
