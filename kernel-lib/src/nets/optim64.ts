/**
 * The update rules of `optim.ts` in float64 over plain arrays, written independently of the tensor
 * versions (one loop per element, no tfjs): the reference that the tests, the lesson's check cells
 * and homework hw07 compare against. Same names, same configs, same state (as number arrays).
 *
 * @example
 * let w = [1, 1];
 * let state = null;
 * for (const g of [[1, 2], [1, 2]]) ({ w, state } = nn.nets.step64('momentum', w, g, state, { lr: 0.1, rho: 0.9 }));
 * w   // [0.71, 0.42]: v = [1, 2] then [1.9, 3.8]
 */
import { ArgumentError } from '../core/errors';
import { OptimizerConfig, optimizerConfig } from './optim';

/** A rule's state in float64: arrays per moment, and Adam's step count t. */
export interface State64 { v?: number[]; m?: number[]; cache?: number[]; t?: number }

/**
 * One step of optimizer `name` in float64: new weights and state (the inputs are not changed).
 * `config` goes over the optimizer's defaults and is checked as the tensor rules check it.
 *
 * @example
 * nn.nets.step64('adam', [0, 0], [1e-3, 1e3], null, { lr: 0.1 }).w   // [-0.09999, -0.1]: lr in size, whatever the scale
 */
export function step64(name: string, w: readonly number[], dw: readonly number[], state: State64 | null,
  config: Partial<OptimizerConfig> = {}): { w: number[]; state: State64 } {
  const c = optimizerConfig(name, config);
  if (dw.length !== w.length) throw new ArgumentError('dw', `${dw.length} values`, `as many values as w (${w.length})`);
  const n = w.length;
  const zeros = () => new Array<number>(n).fill(0);
  const lr = c.lr;
  const out = w.slice();
  switch (name) {
    case 'sgd':
      for (let i = 0; i < n; i++) out[i] = w[i] - lr * dw[i];
      return { w: out, state: {} };
    case 'momentum': {
      const v = state?.v ? state.v.slice() : zeros();
      for (let i = 0; i < n; i++) { v[i] = c.rho! * v[i] + dw[i]; out[i] = w[i] - lr * v[i]; }
      return { w: out, state: { v } };
    }
    case 'nesterov': {
      const old = state?.v ? state.v : zeros();
      const v = zeros();
      for (let i = 0; i < n; i++) { v[i] = c.rho! * old[i] - lr * dw[i]; out[i] = w[i] - c.rho! * old[i] + (1 + c.rho!) * v[i]; }
      return { w: out, state: { v } };
    }
    case 'adagrad': {
      const cache = state?.cache ? state.cache.slice() : zeros();
      for (let i = 0; i < n; i++) { cache[i] += dw[i] * dw[i]; out[i] = w[i] - lr * dw[i] / (Math.sqrt(cache[i]) + c.eps!); }
      return { w: out, state: { cache } };
    }
    case 'rmsprop': {
      const cache = state?.cache ? state.cache.slice() : zeros();
      const d = c.decay!;
      for (let i = 0; i < n; i++) { cache[i] = d * cache[i] + (1 - d) * dw[i] * dw[i]; out[i] = w[i] - lr * dw[i] / (Math.sqrt(cache[i]) + c.eps!); }
      return { w: out, state: { cache } };
    }
    default: { // adam, adam-nobias, adamw
      const b1 = c.beta1!;
      const b2 = c.beta2!;
      const t = (state?.t ?? 0) + 1;
      const m = state?.m ? state.m.slice() : zeros();
      const v = state?.v ? state.v.slice() : zeros();
      const decay = name === 'adamw' ? c.weightDecay! : 0;
      for (let i = 0; i < n; i++) {
        m[i] = b1 * m[i] + (1 - b1) * dw[i];
        v[i] = b2 * v[i] + (1 - b2) * dw[i] * dw[i];
        const mHat = c.biasCorrection ? m[i] / (1 - b1 ** t) : m[i];
        const vHat = c.biasCorrection ? v[i] / (1 - b2 ** t) : v[i];
        out[i] = w[i] - lr * decay * w[i] - lr * mHat / (Math.sqrt(vHat) + c.eps!);
      }
      return { w: out, state: { m, v, t } };
    }
  }
}
