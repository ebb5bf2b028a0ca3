/**
 * nnlab's gradient overrides for the wasm backend: batch norm's backward pass in fewer, larger
 * steps. Lesson: backpropagation through batch normalization (issue 4, "a fast CPU floor").
 *
 * A training step of a conv net with batch norm spends much of its time outside the convolutions:
 * tfjs-core's gradient of `FusedBatchNorm` makes ten passes over the activation (a tile, eight
 * products, a difference) plus four reductions, and the gradient of `Mean` (twice per layer, through
 * `tf.moments`) builds a tensor of ones, multiplies and divides. Each pass over a [64, 32, 32, 32]
 * activation costs ~1 ms on one core. The two overrides compute the same derivatives with fewer
 * passes:
 *
 * **FusedBatchNorm** (`y = (x - μ)·r·γ + β` per channel c, r = 1/√(σ² + ε); x [..., C], μ, σ², γ, β
 * of shape [C]; the sums run over every axis but the last):
 *
 *   ∂L/∂x  = dy·(r·γ)                   ∂L/∂β = Σ dy
 *   ∂L/∂μ  = -(r·γ)·Σ dy                ∂L/∂γ = r·Σ dy·(x - μ)
 *   ∂L/∂σ² = -½·r³·γ·Σ dy·(x - μ)
 *
 * three passes (x - μ, dy·(x - μ), dy·(r·γ)) and two reductions: the per-channel factors are
 * formed on [C] vectors first, where stock forms them element by element. The results are the
 * same derivatives rounded differently (e.g. dy·(r·γ) against stock's (dy·r)·γ), within a few
 * float32 roundings of stock's; the tests compare both with float64 and with central differences.
 * Other layouts (μ not of shape [C]) keep tfjs's gradient.
 *
 * **Mean** over axes A of x: ∂L/∂x = dy/|A| repeated along A: the quotient is taken on dy's [C]
 * values, then tiled (one pass, by nnlab's Tile override). Stock computes (dy·1)/|A| element by
 * element, the same float32 quotient, so the result equals stock's bit for bit.
 *
 * Both apply only while 'wasm' is the current backend; on any other backend tfjs's own gradient
 * runs, unchanged. tfjs keeps one gradient registry for all backends, so installing them is a
 * process-wide switch like the kernel overrides ({@link ./kernels}): idempotent, and
 * `unregisterWasmGradientOverrides()` puts tfjs's gradients back.
 *
 * @example
 * registerWasmGradientOverrides(); // ['FusedBatchNorm', 'Mean'] (registerWasmKernelOverrides() does this too)
 * await tf.setBackend('wasm');
 * tf.grads((x, mean, variance) => tf.batchNorm(x, mean, variance).sum())([x, mean, variance]);
 */
import * as tf from '@tensorflow/tfjs';

/** The gradients nnlab overrides on wasm, by tfjs kernel name. */
export const WASM_GRADIENT_OVERRIDES = [tf.FusedBatchNorm, tf.Mean] as const;

export type WasmGradientOverride = typeof WASM_GRADIENT_OVERRIDES[number];

type GradFunc = tf.GradConfig['gradFunc'];
type Grads = ReturnType<GradFunc>;

/** Marks nnlab's gradient functions, so that any copy of nnlab in the process recognises them. */
const OVERRIDE = Symbol.for('nnlab.wasm.gradientOverride');

/** tfjs's own gradient configs, by kernel name, shared by every copy of nnlab (as tfjs's registry is). */
const replaced: Map<string, tf.GradConfig> = ((globalThis as Record<symbol, unknown>)[Symbol.for('nnlab.wasm.stockGradients')] ??=
  new Map<string, tf.GradConfig>()) as Map<string, tf.GradConfig>;

const OURS: Record<WasmGradientOverride, (dy: tf.Tensor, saved: tf.Tensor[], attrs: tf.NamedAttrMap) => Grads | null> = {
  FusedBatchNorm: fusedBatchNormGrad,
  Mean: meanGrad,
};

/** True when the gradient of `name` is nnlab's override. */
export function isWasmGradientOverridden(name: WasmGradientOverride): boolean {
  const gradFunc = tf.getGradient(name)?.gradFunc;
  return gradFunc !== undefined && OVERRIDE in gradFunc;
}

/**
 * Installs the gradient overrides (tfjs's `inputsToSave`/`outputsToSave` kept) and returns their
 * kernel names: {@link WASM_GRADIENT_OVERRIDES}. Calling it again changes nothing.
 */
export function registerWasmGradientOverrides(): string[] {
  for (const name of WASM_GRADIENT_OVERRIDES) {
    if (isWasmGradientOverridden(name)) continue;
    const stock = tf.getGradient(name);
    if (stock === undefined) throw new Error(`nnlab wasm gradients: tfjs registered no gradient for '${name}'`);
    if (!replaced.has(name)) replaced.set(name, stock);
    const ours = OURS[name];
    const gradFunc: GradFunc = (dy, saved, attrs) => {
      const grads = tf.getBackend() === 'wasm' ? ours(dy as tf.Tensor, saved, attrs) : null;
      return grads ?? stock.gradFunc(dy, saved, attrs);
    };
    tf.registerGradient({ ...stock, gradFunc: Object.assign(gradFunc, { [OVERRIDE]: true }) });
  }
  return [...WASM_GRADIENT_OVERRIDES];
}

/** Puts tfjs's gradients back; returns the names it restored ([] when none was installed). */
export function unregisterWasmGradientOverrides(): string[] {
  const undone: string[] = [];
  for (const name of WASM_GRADIENT_OVERRIDES) {
    const stock = replaced.get(name);
    if (!isWasmGradientOverridden(name) || stock === undefined) continue;
    tf.registerGradient(stock);
    undone.push(name);
  }
  return undone;
}

/**
 * The FusedBatchNorm derivatives of the module comment, or null (tfjs's gradient runs) unless
 * μ, σ² and γ are vectors over x's last axis. Shared factors are computed now, in the caller's
 * scope; each derivative is formed when tfjs asks for it.
 */
function fusedBatchNormGrad(dy: tf.Tensor, saved: tf.Tensor[], attrs: tf.NamedAttrMap): Grads | null {
  const [x, mean, variance, scale] = saved;
  const channels = x.shape[x.rank - 1];
  const perChannel = (t: tf.Tensor | undefined | null): boolean => t == null || (t.rank === 1 && t.shape[0] === channels);
  if (x.rank < 2 || mean.rank !== 1 || !perChannel(mean) || !perChannel(variance) || !perChannel(scale)) return null;
  const { varianceEpsilon } = attrs as unknown as tf.FusedBatchNormAttrs;
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const r = tf.rsqrt(tf.add(variance, varianceEpsilon)); // [C]
  const rg = scale == null ? r : tf.mul(r, scale); // r·γ, [C]
  const sumDy = tf.sum(dy, axes); // Σ dy, [C]
  const sumDyXm = tf.sum(tf.mul(dy, tf.sub(x, mean)), axes); // Σ dy·(x - μ), [C]
  return {
    x: () => tf.mul(dy, rg),
    mean: () => tf.neg(tf.mul(rg, sumDy)),
    variance: () => tf.mul(tf.mul(tf.mul(tf.mul(r, r), rg), sumDyXm), -0.5),
    scale: () => tf.mul(r, sumDyXm),
    offset: () => tf.clone(sumDy),
  };
}

/** ∂L/∂x of a mean: dy/|A| tiled along the reduced axes A. */
function meanGrad(dy: tf.Tensor, saved: tf.Tensor[], attrs: tf.NamedAttrMap): Grads | null {
  const [x] = saved;
  const { axis } = attrs as unknown as tf.MeanAttrs;
  const axes = new Set(tf.util.parseAxisParam(axis, x.shape));
  const keptShape = x.shape.map((d, i) => (axes.has(i) ? 1 : d));
  const reps = x.shape.map((d, i) => (axes.has(i) ? d : 1));
  const count = x.shape.reduce((p, d, i) => (axes.has(i) ? p * d : p), 1);
  return { x: () => tf.tile(tf.reshape(tf.div(dy, count), keptShape), reps) };
}
