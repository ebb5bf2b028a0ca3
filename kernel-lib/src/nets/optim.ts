/**
 * Update rules as pure functions: `step(w, dw, state, config) -> { w, state }` over tensors (new
 * tensors, the caller's; nothing is mutated). The optimizers lesson adds the rest (Nesterov,
 * AdaGrad, RMSProp, Adam) here; `applyUpdate` runs a rule over a net's variables in place.
 *
 * Conventions (FINDINGS trap 8): the lecture's momentum keeps v = ρ·v − lr·dw and w += v; tfjs's
 * MomentumOptimizer keeps acc = ρ·acc + dw and w −= lr·acc. The two give the same weights while
 * lr is constant (v = −lr·acc).
 *
 * @example
 * const tf = nn.tf;
 * const w = tf.tensor1d([1, 2]);
 * const { w: w1 } = nn.nets.sgd(w, tf.tensor1d([0.5, -0.5]), null, { lr: 0.1 });
 * w1.arraySync()   // [0.95, 2.05]
 */
import * as tf from '@tensorflow/tfjs';
import { checkNumber } from '../core/errors';

/** An update rule: new weights and new state from the weights, their gradient and the old state (null at the start). */
export type UpdateRule<State, Config> = (w: tf.Tensor, dw: tf.Tensor, state: State | null, config: Config) => { w: tf.Tensor; state: State };

/** Vanilla SGD: w − lr·dw. */
export const sgd: UpdateRule<null, { lr: number }> = (w, dw, _state, config) => {
  checkNumber('lr', config.lr, { min: 0 });
  return { w: tf.tidy(() => tf.sub(w, tf.mul(dw, config.lr))), state: null };
};

/** SGD with momentum, the lecture's form: v = ρ·v − lr·dw; w = w + v (v starts at 0). */
export const sgdMomentum: UpdateRule<{ v: tf.Tensor }, { lr: number; momentum: number }> = (w, dw, state, config) => {
  checkNumber('lr', config.lr, { min: 0 });
  checkNumber('momentum', config.momentum, { min: 0, max: 1 });
  return tf.tidy(() => {
    const v0 = state ? state.v : tf.zerosLike(w);
    const v = tf.sub(tf.mul(v0, config.momentum), tf.mul(dw, config.lr));
    return { w: tf.add(w, v), state: { v } };
  });
};

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
    const { w, state } = rule(v, grads[v.name], states[i], config);
    v.assign(w);
    w.dispose();
    if (states[i]) tf.dispose(Object.values(states[i] as object) as tf.Tensor[]);
    return state;
  });
}
