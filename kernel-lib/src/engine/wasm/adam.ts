/**
 * The fused Adam update on wasm (issue 25): `tf.train.adam`'s step as one kernel call per variable,
 * one pass over x, m, v and g, bit for bit what tfjs computes with separate ops.
 *
 * Why: tfjs's `AdamOptimizer.applyGradients` (tfjs-core 4.22) updates each variable with 14 tensor
 * ops (Multiply ×5, Add ×4, RealDiv ×3, Square, Sqrt), each a pass over the whole variable and a
 * kernel call with its bookkeeping. On the MNIST MLP of `nnlab bench` (932,362 weights) they took
 * ~5.7 ms of a 31 ms training step (profiled: Multiply 1.7, Add 1.5, Sqrt 1.3, RealDiv 0.9,
 * Square 0.25), plus the JavaScript of 112 kernel calls.
 *
 * What: a kernel {@link ADAM_UPDATE} (inputs x, m, v, g and the optimizer's accBeta1, accBeta2;
 * attributes beta1, beta2, epsilon, learningRate; outputs x', m', v'), run by a ~0.4 KB
 * hand-written SIMD module (./adam.wat, bytes in ./adam-bytes.ts) on the backend's heap, and
 * `AdamOptimizer.prototype.applyGradients` replaced (while the overrides are installed) by a copy
 * of tfjs's own that calls the kernel when the backend is wasm: same moments, same lazily created
 * `name/m`, `name/v` variables, same bias-correction accumulators, so `getWeights`, `setWeights`
 * and `dispose` are unchanged, and every other backend runs tfjs's method. The step is
 *   m' = m·β1 + g·(1-β1),  v' = v·β2 + g²·(1-β2),  x' = (m'/(1-β1ᵗ)) / (√(v'/(1-β2ᵗ)) + ε) · (-lr) + x,
 * each operation in float32 in tfjs's order (WebAssembly never contracts a multiply-add, and its
 * float32 +, ×, ÷ and √ are correctly rounded like the stock kernels' and the cpu backend's), so
 * the weights are the same bits as stock tfjs on wasm or cpu: test/wasm-adam.test.ts compares
 * them over many steps.
 *
 * Fallback: without a heap module (no SIMD) the kernel runs the same operations in a JavaScript
 * loop (`Math.fround` after each); a variable or gradient that is not float32 sends the whole
 * call to tfjs's method.
 *
 * @example
 * registerWasmKernelOverrides();          // installs this too; NNLAB_WASM_KERNELS=0 does not
 * const opt = tf.train.adam(1e-3);
 * opt.minimize(() => loss(), false, vars); // one NnlabAdamUpdate call per variable on wasm
 */
import * as tf from '@tensorflow/tfjs';
import { BackendWasm, heap, Info, Inputs, KernelArgs, size } from './kernels-stock';
import { ADAM_WASM, ADAM_WASM_SHARED } from './adam-bytes';
import { heapMemory, watLoader } from './wat';

/** The fused update's kernel name (nnlab's own: tfjs has no Adam kernel). */
export const ADAM_UPDATE = 'NnlabAdamUpdate';

/** The exports of ./adam.wat. */
export interface AdamModule {
  /** One Adam step over n float32s (byte offsets); the float32 constants of {@link adamConstants}. */
  adam(x: number, m: number, v: number, g: number, xo: number, mo: number, vo: number, n: number,
    b1: number, c1: number, b2: number, c2: number, a1: number, a2: number, eps: number, nlr: number): void;
}

/** ./adam.wat on `memory`, cached per memory; null where it cannot be instantiated (the JavaScript loop runs). */
export const adamModule = watLoader<AdamModule>(ADAM_WASM, ADAM_WASM_SHARED);

/** The attributes of an {@link ADAM_UPDATE} call: the optimizer's fields. */
export interface AdamAttrs { beta1: number; beta2: number; epsilon: number; learningRate: number }

/** The float32 constants of one step, each what the tfjs op that uses it sees. */
export interface AdamConstants { b1: number; c1: number; b2: number; c2: number; a1: number; a2: number; eps: number; nlr: number }

/**
 * The constants of one step as tfjs's ops see them: a JavaScript number becomes a float32 scalar
 * (`mul(m, beta1)`, `mul(g, 1 - beta1)`: the difference in float64, then rounded), and the bias
 * corrections are `sub(1, accBeta)` of float32 scalars (exact in float64, then rounded).
 */
export function adamConstants(attrs: AdamAttrs, accBeta1: number, accBeta2: number): AdamConstants {
  const f = Math.fround;
  return {
    b1: f(attrs.beta1), c1: f(1 - attrs.beta1), b2: f(attrs.beta2), c2: f(1 - attrs.beta2),
    a1: f(1 - accBeta1), a2: f(1 - accBeta2), eps: f(attrs.epsilon), nlr: f(-attrs.learningRate),
  };
}

/** The kernel function registered for {@link ADAM_UPDATE} on wasm: [x', m', v']. */
export function adamUpdate(args: KernelArgs): Info[] {
  const backend = args.backend as BackendWasm;
  const { x, m, v, g, accBeta1, accBeta2 } = args.inputs as Inputs<'x' | 'm' | 'v' | 'g' | 'accBeta1' | 'accBeta2'>;
  const attrs = args.attrs as unknown as AdamAttrs;
  const n = size(x.shape);
  for (const [name, t] of [['x', x], ['m', m], ['v', v], ['g', g], ['accBeta1', accBeta1], ['accBeta2', accBeta2]] as const) {
    if (t.dtype !== 'float32') throw new Error(`${ADAM_UPDATE}: input ${name} has dtype ${t.dtype}; allowed: float32`);
    const want = name.startsWith('acc') ? 1 : n;
    if (size(t.shape) !== want) throw new Error(`${ADAM_UPDATE}: input ${name} has shape [${t.shape}]; allowed: ${name.startsWith('acc') ? 'a scalar' : `x's shape [${x.shape}]`}`);
  }
  const outs = [x, m, v].map(() => backend.makeOutput(x.shape, 'float32'));
  const k = adamConstants(attrs, heap(backend, accBeta1)[0], heap(backend, accBeta2)[0]);
  const [xs, ms, vs, gs, xo, mo, vo] = [x, m, v, g, ...outs].map((t) => heap(backend, t)); // after the last allocation
  const module = n > 0 ? adamModule(heapMemory(backend)) : null;
  if (module !== null) {
    module.adam(xs.byteOffset, ms.byteOffset, vs.byteOffset, gs.byteOffset, xo.byteOffset, mo.byteOffset, vo.byteOffset, n,
      k.b1, k.c1, k.b2, k.c2, k.a1, k.a2, k.eps, k.nlr);
  } else {
    adamLoop(xs, ms, vs, gs, xo, mo, vo, k);
  }
  return outs;
}

/** The same step in JavaScript, one float32 rounding per operation (no SIMD, or n = 0). */
export function adamLoop(x: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array,
  xo: Float32Array, mo: Float32Array, vo: Float32Array, k: AdamConstants): void {
  const f = Math.fround;
  for (let i = 0; i < x.length; i++) {
    const gi = g[i];
    const mi = f(f(m[i] * k.b1) + f(gi * k.c1));
    const vi = f(f(v[i] * k.b2) + f(f(gi * gi) * k.c2));
    mo[i] = mi;
    vo[i] = vi;
    xo[i] = f(f(f(f(mi / k.a1) / f(f(Math.sqrt(f(vi / k.a2))) + k.eps)) * k.nlr) + x[i]);
  }
}

/** tfjs's NamedTensor (not exported by @tensorflow/tfjs): a gradient with its variable's name. */
interface NamedTensor { name: string; tensor: tf.Tensor }

/** The fields of tfjs 4.22's AdamOptimizer that its applyGradients uses (protected in its typings). */
interface AdamInternals {
  learningRate: number; beta1: number; beta2: number; epsilon: number;
  accBeta1: tf.Variable; accBeta2: tf.Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  incrementIterations(): void;
}

type ApplyGradients = (this: tf.AdamOptimizer, variableGradients: tf.NamedTensorMap | NamedTensor[]) => void;

/** tfjs's own applyGradients, kept on globalThis so that two copies of nnlab in one process share it. */
const stockApply: { method?: ApplyGradients } = ((globalThis as Record<symbol, unknown>)[Symbol.for('nnlab.wasm.stockAdamApply')] ??= {}) as { method?: ApplyGradients };

const FUSED = Symbol.for('nnlab.wasm.fusedAdam');

/** True while `tf.AdamOptimizer` updates through {@link ADAM_UPDATE} on wasm. */
export function isFusedAdamInstalled(): boolean {
  return FUSED in tf.AdamOptimizer.prototype.applyGradients;
}

/** Replaces `AdamOptimizer.prototype.applyGradients` by the fused one; idempotent. */
export function installFusedAdam(): void {
  if (isFusedAdamInstalled()) return;
  stockApply.method ??= tf.AdamOptimizer.prototype.applyGradients as ApplyGradients;
  tf.AdamOptimizer.prototype.applyGradients = Object.assign(fusedApplyGradients, { [FUSED]: true });
}

/** Puts tfjs's applyGradients back; returns whether it was replaced. */
export function uninstallFusedAdam(): boolean {
  if (!isFusedAdamInstalled()) return false;
  tf.AdamOptimizer.prototype.applyGradients = stockApply.method!;
  return true;
}

/** tfjs 4.22's AdamOptimizer.applyGradients with the per-variable ops replaced by one kernel call. */
function fusedApplyGradients(this: tf.AdamOptimizer, variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
  const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
  const gradientOf = (name: string, i: number): tf.Tensor | undefined =>
    Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
  const registered = tf.engine().registeredVariables;
  const fused = tf.getBackend() === 'wasm' && tf.getKernel(ADAM_UPDATE, 'wasm') !== undefined &&
    names.every((name, i) => registered[name]?.dtype === 'float32' && (gradientOf(name, i)?.dtype ?? 'float32') === 'float32');
  if (!fused) return stockApply.method!.call(this, variableGradients);
  const self = this as unknown as AdamInternals;
  tf.tidy(() => {
    names.forEach((name, i) => {
      const value = registered[name];
      self.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.variable(tf.zerosLike(value), false)) };
      self.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.variable(tf.zerosLike(value), false)) };
      const gradient = gradientOf(name, i);
      if (gradient == null) return;
      const firstMoment = self.accumulatedFirstMoment[i]!.variable;
      const secondMoment = self.accumulatedSecondMoment[i]!.variable;
      const attrs: AdamAttrs = { beta1: self.beta1, beta2: self.beta2, epsilon: self.epsilon, learningRate: self.learningRate };
      const [x, m, v] = tf.engine().runKernel(ADAM_UPDATE,
        { x: value, m: firstMoment, v: secondMoment, g: gradient, accBeta1: self.accBeta1, accBeta2: self.accBeta2 },
        attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      firstMoment.assign(m);
      secondMoment.assign(v);
      value.assign(x);
    });
    self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
    self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
  });
  self.incrementIterations();
}
