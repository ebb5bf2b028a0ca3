/**
 * Update rules as pure functions: `step(w, dw, state, config) -> { w, state }` over tensors (new
 * tensors, the caller's; nothing is mutated; `state` is null at the first step). Every optimizer
 * of lesson 07 is one of them, the training loops use them through `applyUpdate` (a rule over a
 * net's variables in place) or `createOptimizer` (a named rule holding its state per variable).
 * `optim64.ts` holds the same rules in float64 over plain arrays: the reference the tests and the
 * homework check against.
 *
 * The rules, with v, m, cache starting at 0 and t counting steps from 1:
 *
 * | name | update |
 * |---|---|
 * | `sgd` | w −= lr·dw |
 * | `momentum` (the lecture's form) | v = ρ·v + dw; w −= lr·v |
 * | `sgdMomentum` (the other common form) | v = ρ·v − lr·dw; w += v |
 * | `nesterov` (the lecture's change of variables) | v' = ρ·v − lr·dw; w += −ρ·v + (1 + ρ)·v'; v = v' |
 * | `adagrad` | cache += dw²; w −= lr·dw / (√cache + ε) |
 * | `rmsprop` | cache = d·cache + (1 − d)·dw²; w −= lr·dw / (√cache + ε) |
 * | `adam` | m = β₁m + (1 − β₁)dw; v = β₂v + (1 − β₂)dw²; m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ) (bias correction, on by default); w −= lr·m̂ / (√v̂ + ε) |
 * | `adamw` | w −= lr·λ·w (decoupled weight decay, PyTorch's order), then the Adam step |
 *
 * The two momentum forms give the same weights while lr is constant: the other form's v is −lr
 * times the lecture's. tfjs's `MomentumOptimizer` is the lecture's form (acc = m·acc + g;
 * w −= lr·acc). The conventions of the other tfjs optimizers (where ε sits, AdaGrad's initial
 * accumulator) are tested in `test/optimizers.test.ts`.
 *
 * @example
 * const tf = nn.tf;
 * const w = tf.tensor1d([1, 2]);
 * const { w: w1 } = nn.nets.sgd(w, tf.tensor1d([0.5, -0.5]), null, { lr: 0.1 });
 * w1.arraySync()   // [0.95, 2.05]
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkBoolean, checkNumber, checkOneOf } from '../core/errors';

/** An update rule: new weights and new state from the weights, their gradient and the old state (null at the start). */
export type UpdateRule<State, Config> = (w: tf.Tensor, dw: tf.Tensor, state: State | null, config: Config) => { w: tf.Tensor; state: State };

/** The optimizers by name; `adam-nobias` is Adam without bias correction. */
export const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'adam-nobias', 'adamw'] as const;
export type OptimizerName = typeof OPTIMIZERS[number];

/** Every knob of every rule; each rule reads its own. */
export interface OptimizerConfig {
  lr: number;
  /** Momentum ρ of `momentum` and `nesterov` (the lecture: 0.9 or 0.99). */
  rho?: number;
  /** RMSProp's decay rate d (0.99 in the lecture). */
  decay?: number;
  beta1?: number;
  beta2?: number;
  /** Added to the root in the denominator (AdaGrad, RMSProp, Adam). */
  eps?: number;
  /** Adam's bias correction (default true). */
  biasCorrection?: boolean;
  /** AdamW's decoupled weight decay λ. */
  weightDecay?: number;
}

/** Each optimizer's defaults (the lecture's values; lr 1e-3 for the adaptive ones). */
export const OPTIMIZER_DEFAULTS: Readonly<Record<OptimizerName, Readonly<OptimizerConfig>>> = {
  sgd: { lr: 1e-2 },
  momentum: { lr: 1e-2, rho: 0.9 },
  nesterov: { lr: 1e-2, rho: 0.9 },
  adagrad: { lr: 1e-2, eps: 1e-7 },
  rmsprop: { lr: 1e-3, decay: 0.99, eps: 1e-7 },
  adam: { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, biasCorrection: true },
  'adam-nobias': { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, biasCorrection: false },
  adamw: { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, biasCorrection: true, weightDecay: 1e-2 },
};

/** What each optimizer is called in a legend. */
export const OPTIMIZER_LABELS: Readonly<Record<OptimizerName, string>> = {
  sgd: 'SGD', momentum: 'SGD + momentum', nesterov: 'Nesterov', adagrad: 'AdaGrad', rmsprop: 'RMSProp',
  adam: 'Adam', 'adam-nobias': 'Adam, no bias correction', adamw: 'AdamW',
};

const KNOBS: Record<OptimizerName, (keyof OptimizerConfig)[]> = {
  sgd: ['lr'], momentum: ['lr', 'rho'], nesterov: ['lr', 'rho'], adagrad: ['lr', 'eps'], rmsprop: ['lr', 'decay', 'eps'],
  adam: ['lr', 'beta1', 'beta2', 'eps', 'biasCorrection'], 'adam-nobias': ['lr', 'beta1', 'beta2', 'eps', 'biasCorrection'],
  adamw: ['lr', 'beta1', 'beta2', 'eps', 'biasCorrection', 'weightDecay'],
};

function lrOf(config: { lr: number }): number { return checkNumber('lr', config.lr, { min: 0 }); }
function unit(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) throw new ArgumentError(name, value, 'a number in [0, 1)');
  return value;
}
function positive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new ArgumentError(name, value, 'a finite number > 0');
  return value;
}

/**
 * The full, checked config of optimizer `name`: its defaults with `overrides` on top. Unknown
 * optimizer, an option the rule does not have, lr < 0, ρ, d or β outside [0, 1), ε ≤ 0 or λ < 0
 * is an ArgumentError naming it.
 *
 * @example
 * nn.nets.optimizerConfig('adam', { lr: 5e-4 })   // { lr: 5e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8, biasCorrection: true }
 * nn.nets.optimizerConfig('momentum', { rho: 1 })  // throws: rho must be a number in [0, 1), got 1
 */
export function optimizerConfig(name: string, overrides: Partial<OptimizerConfig> = {}): Required<Pick<OptimizerConfig, 'lr'>> & OptimizerConfig {
  const optimizer = checkOneOf('optimizer', name, OPTIMIZERS);
  const knobs = KNOBS[optimizer];
  for (const key of Object.keys(overrides)) {
    if ((overrides as Record<string, unknown>)[key] === undefined) continue;
    if (!knobs.includes(key as keyof OptimizerConfig)) throw new ArgumentError(`${optimizer} option`, key, `one of ${knobs.join(', ')}`);
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const config = { ...OPTIMIZER_DEFAULTS[optimizer], ...defined } as OptimizerConfig;
  checkConfig(optimizer, config);
  return config as Required<Pick<OptimizerConfig, 'lr'>> & OptimizerConfig;
}

function checkConfig(name: OptimizerName, c: OptimizerConfig): void {
  lrOf(c);
  if (KNOBS[name].includes('rho')) unit('rho', c.rho);
  if (KNOBS[name].includes('decay')) unit('decay', c.decay);
  if (KNOBS[name].includes('beta1')) { unit('beta1', c.beta1); unit('beta2', c.beta2); checkBoolean('biasCorrection', c.biasCorrection); }
  if (KNOBS[name].includes('eps')) positive('eps', c.eps);
  if (KNOBS[name].includes('weightDecay')) checkNumber('weightDecay', c.weightDecay, { min: 0 });
}

/** Vanilla SGD: w − lr·dw. */
export const sgd: UpdateRule<null, { lr: number }> = (w, dw, _state, config) => {
  const lr = lrOf(config);
  return { w: tf.tidy(() => tf.sub(w, tf.mul(dw, lr))), state: null };
};

/**
 * SGD with momentum, the lecture's form: v = ρ·v + dw; w = w − lr·v (also tfjs's and PyTorch's).
 *
 * @example
 * const tf = nn.tf;
 * let w = tf.tensor1d([1]);
 * let state = null;
 * for (let i = 0; i < 3; i++) ({ w, state } = nn.nets.momentum(w, tf.tensor1d([1]), state, { lr: 0.1, rho: 0.9 }));
 * w.arraySync()   // [0.439]: steps of 0.1, 0.19, 0.271 as v builds up
 */
export const momentum: UpdateRule<{ v: tf.Tensor }, { lr: number; rho: number }> = (w, dw, state, config) => {
  const lr = lrOf(config);
  const rho = unit('rho', config.rho);
  return tf.tidy(() => {
    const v = state ? tf.add(tf.mul(state.v, rho), dw) : tf.clone(dw);
    return { w: tf.sub(w, tf.mul(v, lr)), state: { v } };
  });
};

/** SGD with momentum, the other common form: v = ρ·v − lr·dw; w = w + v (v starts at 0). Same weights as `momentum` at constant lr. */
export const sgdMomentum: UpdateRule<{ v: tf.Tensor }, { lr: number; momentum: number }> = (w, dw, state, config) => {
  const lr = lrOf(config);
  checkNumber('momentum', config.momentum, { min: 0, max: 1 });
  return tf.tidy(() => {
    const v0 = state ? state.v : tf.zerosLike(w);
    const v = tf.sub(tf.mul(v0, config.momentum), tf.mul(dw, lr));
    return { w: tf.add(w, v), state: { v } };
  });
};

/**
 * Nesterov momentum in the lecture's change of variables (the gradient is taken at the stored
 * weights, which are the look-ahead point): v' = ρ·v − lr·dw; w = w − ρ·v + (1 + ρ)·v'.
 */
export const nesterov: UpdateRule<{ v: tf.Tensor }, { lr: number; rho: number }> = (w, dw, state, config) => {
  const lr = lrOf(config);
  const rho = unit('rho', config.rho);
  return tf.tidy(() => {
    const vOld = state ? state.v : tf.zerosLike(w);
    const v = tf.sub(tf.mul(vOld, rho), tf.mul(dw, lr));
    return { w: tf.add(tf.sub(w, tf.mul(vOld, rho)), tf.mul(v, 1 + rho)), state: { v } };
  });
};

/** AdaGrad: cache += dw²; w −= lr·dw / (√cache + ε). */
export const adagrad: UpdateRule<{ cache: tf.Tensor }, { lr: number; eps: number }> = (w, dw, state, config) => {
  const lr = lrOf(config);
  const eps = positive('eps', config.eps);
  return tf.tidy(() => {
    const cache = state ? tf.add(state.cache, tf.square(dw)) : tf.square(dw);
    return { w: tf.sub(w, tf.div(tf.mul(dw, lr), tf.add(tf.sqrt(cache), eps))), state: { cache } };
  });
};

/** RMSProp ("leaky AdaGrad"): cache = d·cache + (1 − d)·dw²; w −= lr·dw / (√cache + ε). */
export const rmsprop: UpdateRule<{ cache: tf.Tensor }, { lr: number; decay: number; eps: number }> = (w, dw, state, config) => {
  const lr = lrOf(config);
  const d = unit('decay', config.decay);
  const eps = positive('eps', config.eps);
  return tf.tidy(() => {
    const sq = tf.mul(tf.square(dw), 1 - d);
    const cache = state ? tf.add(tf.mul(state.cache, d), sq) : sq;
    return { w: tf.sub(w, tf.div(tf.mul(dw, lr), tf.add(tf.sqrt(cache), eps))), state: { cache } };
  });
};

export interface AdamConfig { lr: number; beta1: number; beta2: number; eps: number; biasCorrection?: boolean; weightDecay?: number }
export interface AdamState { m: tf.Tensor; v: tf.Tensor; t: number }

/**
 * Adam: m = β₁m + (1 − β₁)dw; v = β₂v + (1 − β₂)dw²; with bias correction (default)
 * m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ); w −= lr·m̂ / (√v̂ + ε). With it the first step is lr in
 * size whatever the gradient's scale; without it, lr·(1 − β₁)/√(1 − β₂) ≈ 3.16·lr where |dw| ≫ ε
 * and far smaller where |dw| is near ε (both moments start at 0).
 *
 * @example
 * const tf = nn.tf;
 * const { w } = nn.nets.adam(tf.tensor1d([1, 1]), tf.tensor1d([1e-3, 1e3]), null, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
 * w.arraySync()   // [0.9, 0.9]: the first step is lr in size whatever the gradient's scale
 */
export const adam: UpdateRule<AdamState, AdamConfig> = (w, dw, state, config) => {
  const lr = lrOf(config);
  const b1 = unit('beta1', config.beta1);
  const b2 = unit('beta2', config.beta2);
  const eps = positive('eps', config.eps);
  const correct = config.biasCorrection ?? true;
  const decay = config.weightDecay === undefined ? 0 : checkNumber('weightDecay', config.weightDecay, { min: 0 });
  const t = (state ? state.t : 0) + 1;
  return tf.tidy(() => {
    const m = tf.add(state ? tf.mul(state.m, b1) : tf.zerosLike(dw), tf.mul(dw, 1 - b1));
    const v = tf.add(state ? tf.mul(state.v, b2) : tf.zerosLike(dw), tf.mul(tf.square(dw), 1 - b2));
    const mHat = correct ? tf.div(m, 1 - b1 ** t) : m;
    const vHat = correct ? tf.div(v, 1 - b2 ** t) : v;
    const base = decay > 0 ? tf.sub(w, tf.mul(w, lr * decay)) : w;
    return { w: tf.sub(base, tf.div(tf.mul(mHat, lr), tf.add(tf.sqrt(vHat), eps))), state: { m, v, t } };
  });
};

/** AdamW: w −= lr·λ·w (decoupled weight decay, applied before the Adam step as PyTorch does), then Adam. */
export const adamw: UpdateRule<AdamState, AdamConfig & { weightDecay: number }> = (w, dw, state, config) => {
  checkNumber('weightDecay', config.weightDecay, { min: 0 });
  return adam(w, dw, state, config);
};

/**
 * The tensors of a rule's state (numbers such as Adam's t are not tensors).
 *
 * @example
 * const { w, state } = nn.nets.adam(tf.tensor1d([1]), tf.tensor1d([1]), null, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
 * tf.dispose([w, ...nn.nets.stateTensors(state)]);   // m and v (t is a number)
 */
export function stateTensors(state: unknown): tf.Tensor[] {
  if (!state || typeof state !== 'object') return [];
  return Object.values(state as object).filter((v): v is tf.Tensor => v instanceof tf.Tensor);
}

/**
 * The rule of optimizer `name` (Adam with or without bias correction is one rule: the config says).
 *
 * @example
 * nn.nets.updateRule('nesterov') === nn.nets.nesterov   // true
 */
export function updateRule(name: string): UpdateRule<unknown, OptimizerConfig> {
  const optimizer = checkOneOf('optimizer', name, OPTIMIZERS);
  const rules: Record<OptimizerName, UpdateRule<any, any>> = {
    sgd, momentum, nesterov, adagrad, rmsprop, adam, 'adam-nobias': adam, adamw,
  };
  return rules[optimizer];
}

/**
 * Applies `rule` to every variable with its gradient (`grads[variable.name]`), in place:
 * assigns the new weights and returns the new states (the old ones are disposed).
 *
 * @example
 * const w = tf.variable(tf.tensor1d([1, 2]));
 * let states: ({ v: nn.tf.Tensor } | null)[] = [null];
 * for (let step = 0; step < 3; step++) {
 *   const grads = { [w.name]: tf.tensor1d([0.5, -0.5]) };
 *   states = nn.nets.applyUpdate(nn.nets.sgdMomentum, [w], grads, states, { lr: 0.1, momentum: 0.9 });
 *   tf.dispose(grads);
 * }
 * w.arraySync()   // [0.7195, 2.2805]: the steps grow as the velocity builds up
 */
export function applyUpdate<State, Config>(rule: UpdateRule<State, Config>, variables: readonly tf.Variable[], grads: tf.NamedTensorMap,
  states: (State | null)[], config: Config): (State | null)[] {
  return variables.map((v, i) => {
    const dw = grads[v.name];
    if (!dw) throw new ArgumentError('grads', Object.keys(grads), `a gradient for every variable (${v.name} has none)`);
    const { w, state } = rule(v, dw, states[i], config);
    v.assign(w);
    w.dispose();
    tf.dispose(stateTensors(states[i]));
    return state;
  });
}

/** A named optimizer with its state per variable: what a training step calls. */
export interface Optimizer {
  readonly name: OptimizerName;
  readonly config: OptimizerConfig;
  /** Steps taken. */
  readonly steps: number;
  /**
   * One update of `variables` in place, with their gradients (by index, or by variable name as
   * tf.variableGrads gives them); `lr` (a schedule's value at this step) replaces config.lr.
   */
  apply(variables: readonly tf.Variable[], grads: readonly tf.Tensor[] | tf.NamedTensorMap, lr?: number): void;
  /** The state tensors, per variable (for tests and inspection). */
  state(): tf.Tensor[][];
  /** Frees the state. The variables are the caller's. */
  dispose(): void;
}

/**
 * Optimizer `name` with `config` over the defaults (checked: `optimizerConfig`), holding its state
 * per variable. The same object can train any set of tf variables, one `apply` per step.
 *
 * @example
 * const w = tf.variable(tf.tensor1d([3, -2]));
 * const opt = nn.nets.createOptimizer('adam', { lr: 0.1 });
 * for (let i = 0; i < 100; i++) {
 *   const { value, grads } = tf.variableGrads(() => w.square().sum() as nn.tf.Scalar);   // f = |w|², minimum at 0
 *   opt.apply([w], grads);
 *   tf.dispose([value, ...Object.values(grads)]);
 * }
 * w.arraySync()   // close to [0, 0]
 * opt.dispose(); w.dispose();
 */
export function createOptimizer(name: string, config: Partial<OptimizerConfig> = {}): Optimizer {
  const full = optimizerConfig(name, config);
  const rule = updateRule(name);
  const optimizer = name as OptimizerName;
  let states: unknown[] = [];
  let steps = 0;
  return {
    name: optimizer,
    config: full,
    get steps() { return steps; },
    apply(variables, grads, lr) {
      const stepConfig = lr === undefined ? full : { ...full, lr: checkNumber('lr', lr, { min: 0 }) };
      const list = Array.isArray(grads) ? grads : null;
      if (list && list.length !== variables.length) throw new ArgumentError('grads', list.length, `one gradient per variable (${variables.length})`);
      if (states.length === 0) states = variables.map(() => null);
      if (states.length !== variables.length) throw new ArgumentError('variables', variables.length, `the ${states.length} variables of the first step`);
      const byName = list ? Object.fromEntries(variables.map((v, i) => [v.name, list[i]])) : grads as tf.NamedTensorMap;
      states = applyUpdate(rule, variables, byName, states, stepConfig);
      steps += 1;
    },
    state: () => states.map(stateTensors),
    dispose() { tf.dispose(states.flatMap(stateTensors)); states = []; },
  };
}
