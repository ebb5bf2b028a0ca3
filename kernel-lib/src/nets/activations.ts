/**
 * The activation functions of lesson 01 and their derivatives, as tensor kernels: the one source
 * of every activation's forward and derivative in nnlab. `nets/layers.ts` (the deep nets of lesson
 * 03) applies the elementwise ones from here; `lessons/activations/functions.ts` wraps every one
 * with argument checks and lists them in its table.
 *
 * Each derivative is written in x (the input), in a form that keeps float32's precision where
 * the function saturates: σ'(x) = σ(x)·σ(-x) rather than y(1 - y), tanh'(x) = 4σ(2x)·σ(-2x)
 * rather than 1 - y² (which is 0 in float32 for x > 9), and e^x - 1 as expm1 (ELU, SELU near 0⁻).
 *
 * Kinks: at x = 0 every ReLU-family derivative takes its x <= 0 branch (the subgradient tfjs's own
 * gradients use): relu'(0) = 0, leakyRelu'(0) = α, prelu'(0) = α (∂/∂α = 0), elu'(0) = α,
 * selu'(0) = λα. Maxout sends the gradient of a tie z1 = z2 to the first map (as tf.maximum).
 *
 * These kernels do not check their arguments (they run inside training loops); the checked,
 * public versions are `nn.activations.*`. Shapes: elementwise, x of any shape; PReLU's α is one
 * value per channel, the last axis of x; maxout maps x [N, D] with W [D, H], b [H] to [N, H].
 * Every function returns new tensors owned by the caller.
 */
import * as tf from '@tensorflow/tfjs';

/** The negative slope of leakyRelu in the deep nets of lesson 03 (lecture: max(0.01x, x)). */
export const LEAKY_RELU_ALPHA = 0.01;
/**
 * SELU's constants (Klambauer et al. 2017, "Self-Normalizing Neural Networks"), the doubles
 * nearest to α = 1.6732632423543772848170429916717 and λ = 1.0507009873554804934193349852946:
 * selu(x) = λx for x > 0, λα(e^x - 1) otherwise.
 */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_LAMBDA = 1.0507009873554805;

/** σ(x) = 1 / (1 + e^-x). */
export function sigmoid(x: tf.Tensor): tf.Tensor {
  return tf.sigmoid(x);
}

/** σ'(x) = σ(x)(1 - σ(x)) = σ(x)·σ(-x); at most 1/4 (at x = 0). */
export function sigmoidGrad(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.sigmoid(x), tf.sigmoid(tf.neg(x))));
}

/** tanh(x) = 2σ(2x) - 1. */
export function tanh(x: tf.Tensor): tf.Tensor {
  return tf.tanh(x);
}

/** tanh'(x) = 1 - tanh²(x) = 4σ(2x)·σ(-2x); 1 at x = 0. */
export function tanhGrad(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const x2 = tf.mul(x, 2);
    return tf.mul(tf.mul(tf.sigmoid(x2), tf.sigmoid(tf.neg(x2))), 4);
  });
}

/** relu(x) = max(0, x). */
export function relu(x: tf.Tensor): tf.Tensor {
  return tf.relu(x);
}

/** relu'(x) = 1 for x > 0, 0 for x <= 0 (the subgradient 0 at the kink). */
export function reluGrad(x: tf.Tensor): tf.Tensor {
  return tf.step(x, 0);
}

/** leakyRelu(x) = x for x > 0, αx otherwise: max(αx, x) for α in [0, 1]. */
export function leakyRelu(x: tf.Tensor, alpha: number): tf.Tensor {
  return tf.leakyRelu(x, alpha);
}

/** leakyRelu'(x) = 1 for x > 0, α for x <= 0. */
export function leakyReluGrad(x: tf.Tensor, alpha: number): tf.Tensor {
  return tf.step(x, alpha);
}

/** prelu(x) = x for x > 0, α_c·x otherwise; α [C] is learned, one per channel (last axis of x), or α [1] shared. */
export function prelu(x: tf.Tensor, alpha: tf.Tensor1D): tf.Tensor {
  return tf.tidy(() => tf.where(tf.greater(x, 0), x, tf.mul(alpha, x)));
}

/** The local derivatives of prelu, shaped like x: ∂y/∂x = 1 or α_c; ∂y/∂α_c = 0 or x (x <= 0). */
export function preluGrad(x: tf.Tensor, alpha: tf.Tensor1D): { dx: tf.Tensor; dAlpha: tf.Tensor } {
  return tf.tidy(() => {
    const positive = tf.greater(x, 0);
    return { dx: tf.where(positive, tf.onesLike(x), tf.mul(alpha, tf.onesLike(x))), dAlpha: tf.where(positive, tf.zerosLike(x), x) };
  });
}

/** Backward of prelu: dx = dout ⊙ ∂y/∂x; dα_c = Σ over every axis but the last of dout ⊙ ∂y/∂α_c (α [1]: over all). */
export function preluBackward(dout: tf.Tensor, x: tf.Tensor, alpha: tf.Tensor1D): { dx: tf.Tensor; dAlpha: tf.Tensor1D } {
  return tf.tidy(() => {
    const local = preluGrad(x, alpha);
    const terms = tf.mul(dout, local.dAlpha);
    // α [C]: sum over every axis but the channels; α [1] (shared): sum over everything
    const dAlpha = tf.sum(tf.reshape(terms, [-1, alpha.shape[0]]), 0);
    return { dx: tf.mul(dout, local.dx), dAlpha: dAlpha as tf.Tensor1D };
  });
}

/** elu(x) = x for x > 0, α(e^x - 1) otherwise (e^x - 1 as expm1: exact to float32 near 0⁻). */
export function elu(x: tf.Tensor, alpha: number): tf.Tensor {
  return tf.tidy(() => tf.where(tf.greater(x, 0), x, tf.mul(tf.expm1(tf.minimum(x, 0)), alpha)));
}

/** elu'(x) = 1 for x > 0, αe^x for x <= 0 (α at the kink: continuous for α = 1). */
export function eluGrad(x: tf.Tensor, alpha: number): tf.Tensor {
  return tf.tidy(() => tf.where(tf.greater(x, 0), tf.onesLike(x), tf.mul(tf.exp(tf.minimum(x, 0)), alpha)));
}

/** selu(x) = λx for x > 0, λα(e^x - 1) otherwise. */
export function selu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(elu(x, SELU_ALPHA), SELU_LAMBDA));
}

/** selu'(x) = λ for x > 0, λαe^x for x <= 0 (λα at the kink). */
export function seluGrad(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(eluGrad(x, SELU_ALPHA), SELU_LAMBDA));
}

/** maxout(x) = max(x·W1 + b1, x·W2 + b2): x [N, D], W [D, H], b [H] -> [N, H]. */
export function maxout(x: tf.Tensor2D, W1: tf.Tensor2D, b1: tf.Tensor1D, W2: tf.Tensor2D, b2: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => tf.maximum(tf.add(tf.matMul(x, W1), b1), tf.add(tf.matMul(x, W2), b2)));
}

/** The gradients of maxout. */
export interface MaxoutGrads { dx: tf.Tensor2D; dW1: tf.Tensor2D; db1: tf.Tensor1D; dW2: tf.Tensor2D; db2: tf.Tensor1D }

/**
 * Backward of maxout: the gradient flows through the map that won (z1 >= z2: the first, ties
 * included). d1 = dout ⊙ [z1 >= z2], d2 = dout - d1; dWk = xᵀ·dk, dbk = Σ_rows dk,
 * dx = d1·W1ᵀ + d2·W2ᵀ.
 */
export function maxoutBackward(dout: tf.Tensor2D, x: tf.Tensor2D, W1: tf.Tensor2D, b1: tf.Tensor1D, W2: tf.Tensor2D, b2: tf.Tensor1D): MaxoutGrads {
  return tf.tidy(() => {
    const first = tf.greaterEqual(tf.add(tf.matMul(x, W1), b1), tf.add(tf.matMul(x, W2), b2));
    const d1 = tf.where(first, dout, tf.zerosLike(dout)) as tf.Tensor2D;
    const d2 = tf.where(first, tf.zerosLike(dout), dout) as tf.Tensor2D;
    return {
      dx: tf.add(tf.matMul(d1, W1, false, true), tf.matMul(d2, W2, false, true)) as tf.Tensor2D,
      dW1: tf.matMul(x, d1, true, false) as tf.Tensor2D, db1: tf.sum(d1, 0) as tf.Tensor1D,
      dW2: tf.matMul(x, d2, true, false) as tf.Tensor2D, db2: tf.sum(d2, 0) as tf.Tensor1D,
    };
  });
}

/** swish(x) = x·σ(βx) (β = 1: SiLU; β learned in Ramachandran et al. 2017). */
export function swish(x: tf.Tensor, beta: number): tf.Tensor {
  return tf.tidy(() => tf.mul(x, tf.sigmoid(tf.mul(x, beta))));
}

/**
 * The local derivatives of swish, shaped like x: ∂y/∂x = σ(βx)·(1 + βx·σ(-βx)),
 * ∂y/∂β = x²·σ(βx)·σ(-βx).
 */
export function swishGrad(x: tf.Tensor, beta: number): { dx: tf.Tensor; dBeta: tf.Tensor } {
  return tf.tidy(() => {
    const bx = tf.mul(x, beta);
    const s = tf.sigmoid(bx);
    const sNeg = tf.sigmoid(tf.neg(bx));
    return { dx: tf.mul(s, tf.add(1, tf.mul(bx, sNeg))), dBeta: tf.mul(tf.square(x), tf.mul(s, sNeg)) };
  });
}

/** Backward of swish: dx = dout ⊙ ∂y/∂x; dβ = Σ dout ⊙ ∂y/∂β (a scalar: β is one number). */
export function swishBackward(dout: tf.Tensor, x: tf.Tensor, beta: number): { dx: tf.Tensor; dBeta: tf.Scalar } {
  return tf.tidy(() => {
    const local = swishGrad(x, beta);
    return { dx: tf.mul(dout, local.dx), dBeta: tf.sum(tf.mul(dout, local.dBeta)) };
  });
}

/** Numerical Recipes' erfc coefficients (erfcc, fractional error < 1.2e-7 for every z). */
const ERFC = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];

/**
 * Φ(x) = P(N(0, 1) <= x) = erfc(-x/√2) / 2, with erfc to a relative 1.2e-7 in both tails
 * (Numerical Recipes' erfcc: t = 1/(1 + |z|/2), erfc(|z|) = t·exp(-z² + P(t))). Through erf,
 * Φ(-10) = (1 + erf(-7.07))/2 is 0 in float32; here it is 7.6e-24.
 */
export function normalCdf(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const z = tf.mul(tf.abs(x), Math.SQRT1_2);
    const t = tf.div(1, tf.add(1, tf.mul(z, 0.5)));
    let poly: tf.Tensor = tf.scalar(ERFC[ERFC.length - 1]);
    for (let i = ERFC.length - 2; i >= 0; i--) poly = tf.add(ERFC[i], tf.mul(t, poly));
    const half = tf.mul(tf.mul(t, tf.exp(tf.sub(poly, tf.mul(tf.square(x), 0.5)))), 0.5); // erfc(|z|)/2 = Φ(-|x|)
    return tf.where(tf.greater(x, 0), tf.sub(1, half), half);
  });
}

/** φ(x) = e^(-x²/2) / √(2π), the standard normal density. */
export function normalPdf(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.exp(tf.mul(tf.square(x), -0.5)), 1 / Math.sqrt(2 * Math.PI)));
}

/** gelu(x) = x·Φ(x) = x(1 + erf(x/√2))/2, exact (not the tanh approximation). */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(x, normalCdf(x)));
}

/** gelu'(x) = Φ(x) + x·φ(x). */
export function geluGrad(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(normalCdf(x), tf.mul(x, normalPdf(x))));
}
