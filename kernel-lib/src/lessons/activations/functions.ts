/**
 * Lesson 01, activation functions: every function of the lecture with its derivative, as pure
 * functions over tensors, and `ACTIVATION_FUNCTIONS`, the same functions as data (name, family,
 * formula in LaTeX, forward, derivative, parameters) for notebooks, figures and the CLI to iterate
 * over.
 *
 *   sigmoid σ(x) = 1/(1 + e^-x)            σ' = σ(x)σ(-x) ≤ 1/4: saturates, not zero-centred
 *   tanh(x) = 2σ(2x) - 1                   tanh' = 1 - tanh² ≤ 1: zero-centred, still saturates
 *   relu(x) = max(0, x)                    relu' = [x > 0]: no saturation for x > 0, dead for x < 0
 *   leakyRelu(x) = max(αx, x)              α = 0.01 or 0.1: never dead
 *   prelu(x) = max(α_c x, x)               α learned, one per channel (He et al. 2015)
 *   elu(x) = x or α(e^x - 1)               α = 1 (Clevert et al. 2015)
 *   selu(x) = λx or λα(e^x - 1)            λ ≈ 1.0507, α ≈ 1.6733 (Klambauer et al. 2017)
 *   maxout(x) = max(xW1 + b1, xW2 + b2)    two affine maps (Goodfellow et al. 2013)
 *   swish(x) = x σ(βx)                     β = 1 (SiLU) or learned (Ramachandran et al. 2017)
 *   gelu(x) = x Φ(x)                       exact, Φ the normal CDF (Hendrycks & Gimpel 2016)
 *
 * The math itself lives in `nets/activations.ts` (the deep nets of lesson 03 use the same
 * kernels); the functions here check their arguments first: a tensor that is alive and finite,
 * numbers in range, shapes that fit, each failure an ArgumentError naming the argument.
 *
 * At x = 0 the ReLU family takes its x <= 0 branch, as tfjs's gradients do: relu'(0) = 0,
 * leakyRelu'(0) = α, prelu'(0) = α, elu'(0) = α, selu'(0) = λα. Maxout gives a tie to the first map.
 *
 * GELU: tfjs has `tf.erf` with a gradient (2/√π e^(-x²)), but (1 + erf(x/√2))/2 is 0 in float32
 * for x < -5.5, while Φ(-10) = 7.6e-24; Φ is computed here from erfc (Numerical Recipes, relative
 * error below 1.2e-7 in both tails), so gelu and gelu' keep their relative precision at x = -10.
 *
 * @example
 * const x = tf.tensor1d([-10, 0, 10]);
 * nn.activations.sigmoidGrad(x).arraySync()   // [4.54e-5, 0.25, 4.54e-5]: saturated at ±10
 * for (const f of nn.activations.ACTIVATION_FUNCTIONS) console.log(f.name, f.forward(x).arraySync());
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkNumber, checkShape } from '../../core/errors';
import { checkFinite, checkTensor } from '../../core/tensorChecks';
import * as k from '../../nets/activations';

export { SELU_ALPHA, SELU_LAMBDA } from '../../nets/activations';
export type { MaxoutGrads } from '../../nets/activations';

/** A live, finite tensor (any rank unless `rank` says). */
function checkInput<T extends tf.Tensor>(name: string, x: unknown, rank?: number): T {
  const t = checkTensor<T>(name, x, rank === undefined ? {} : { rank });
  checkFinite(name, t);
  return t;
}

/** Leaky ReLU's and ELU's α: a number in [0, 1] (α > 1 would not be a leak). */
function checkAlpha(alpha: unknown): number {
  return checkNumber('alpha', alpha, { min: 0, max: 1 });
}

/** Swish's β: a finite number; |β| ≤ 1000 keeps x²·σ' finite in float32 over the lesson's range. */
function checkBeta(beta: unknown): number {
  return checkNumber('beta', beta, { min: -1000, max: 1000 });
}

/**
 * σ(x) = 1 / (1 + e^-x), elementwise.
 *
 * @example
 * nn.activations.sigmoid(tf.tensor1d([-10, 0, 10])).arraySync()   // [4.54e-5, 0.5, 0.99995]
 */
export function sigmoid(x: tf.Tensor): tf.Tensor {
  return k.sigmoid(checkInput('x', x));
}

/**
 * σ'(x) = σ(x)(1 - σ(x)) = σ(x)σ(-x): at most 1/4, at x = 0; 4.54e-5 at x = ±10.
 *
 * @example
 * nn.activations.sigmoidGrad(tf.tensor1d([-10, 0, 10])).arraySync()   // [4.54e-5, 0.25, 4.54e-5]
 */
export function sigmoidGrad(x: tf.Tensor): tf.Tensor {
  return k.sigmoidGrad(checkInput('x', x));
}

/**
 * tanh(x), elementwise: zero-centred, in (-1, 1).
 *
 * @example
 * nn.activations.tanh(tf.tensor1d([-1, 0, 1])).arraySync()   // [-0.762, 0, 0.762]
 */
export function tanh(x: tf.Tensor): tf.Tensor {
  return k.tanh(checkInput('x', x));
}

/**
 * tanh'(x) = 1 - tanh²(x) = 4σ(2x)σ(-2x): 1 at x = 0, 8.2e-9 at x = ±10.
 *
 * @example
 * nn.activations.tanhGrad(tf.tensor1d([-10, 0, 10])).arraySync()   // [8.2e-9, 1, 8.2e-9]
 */
export function tanhGrad(x: tf.Tensor): tf.Tensor {
  return k.tanhGrad(checkInput('x', x));
}

/**
 * relu(x) = max(0, x).
 *
 * @example
 * nn.activations.relu(tf.tensor1d([-10, 0, 10])).arraySync()   // [0, 0, 10]
 */
export function relu(x: tf.Tensor): tf.Tensor {
  return k.relu(checkInput('x', x));
}

/**
 * relu'(x) = 1 for x > 0, 0 for x <= 0 (the subgradient 0 at the kink, as tfjs).
 *
 * @example
 * nn.activations.reluGrad(tf.tensor1d([-10, 0, 10])).arraySync()   // [0, 0, 1]
 */
export function reluGrad(x: tf.Tensor): tf.Tensor {
  return k.reluGrad(checkInput('x', x));
}

/**
 * leakyRelu(x) = x for x > 0, αx otherwise (α in [0, 1]; the lecture: 0.01, also 0.1).
 *
 * @example
 * nn.activations.leakyRelu(tf.tensor1d([-10, 0, 10]), 0.01).arraySync()   // [-0.1, 0, 10]
 */
export function leakyRelu(x: tf.Tensor, alpha: number): tf.Tensor {
  return k.leakyRelu(checkInput('x', x), checkAlpha(alpha));
}

/**
 * leakyRelu'(x) = 1 for x > 0, α for x <= 0.
 *
 * @example
 * nn.activations.leakyReluGrad(tf.tensor1d([-10, 0, 10]), 0.1).arraySync()   // [0.1, 0.1, 1]
 */
export function leakyReluGrad(x: tf.Tensor, alpha: number): tf.Tensor {
  return k.leakyReluGrad(checkInput('x', x), checkAlpha(alpha));
}

/** PReLU's arguments: x of rank >= 1, α [C] (C = x's last dimension) or [1] (one α shared by every channel), both finite. */
function checkPrelu(x: unknown, alpha: unknown): [tf.Tensor, tf.Tensor1D] {
  const t = checkInput('x', x);
  if (t.rank < 1) throw new ArgumentError('x', t, 'a tensor of rank >= 1 (its last axis holds the channels)', `x must be a tensor of rank >= 1 (its last axis holds the channels), got a scalar`);
  const a = checkInput<tf.Tensor1D>('alpha', alpha, 1);
  const C = t.shape[t.rank - 1];
  if (a.shape[0] !== C && a.shape[0] !== 1) {
    throw new ArgumentError('alpha.shape', a.shape, `[${C}] (one α per channel, x's last axis) or [1] (one α shared by every channel)`);
  }
  return [t, a];
}

/**
 * prelu(x) = x for x > 0, α_c·x otherwise: a leaky ReLU whose slope is learned, one α per channel
 * (the last axis of x: α [C]), or one α shared by every channel (α [1]). He et al. (2015) start
 * from α = 0.25.
 *
 * @example
 * nn.activations.prelu(tf.tensor2d([[-2, 3], [-4, -1]]), tf.tensor1d([0.25, 0.1])).arraySync()   // [[-0.5, 3], [-1, -0.1]]
 */
export function prelu(x: tf.Tensor, alpha: tf.Tensor1D): tf.Tensor {
  return k.prelu(...checkPrelu(x, alpha));
}

/**
 * The local derivatives of prelu, shaped like x: ∂y/∂x = 1 (x > 0) or α_c (x <= 0), and
 * ∂y/∂α_c = 0 (x > 0) or x (x <= 0).
 *
 * @example
 * const { dx, dAlpha } = nn.activations.preluGrad(tf.tensor1d([-2, 3]), tf.tensor1d([0.25, 0.25]));
 * dx.arraySync()       // [0.25, 1]
 * dAlpha.arraySync()   // [-2, 0]
 */
export function preluGrad(x: tf.Tensor, alpha: tf.Tensor1D): { dx: tf.Tensor; dAlpha: tf.Tensor } {
  return k.preluGrad(...checkPrelu(x, alpha));
}

/**
 * Backward of prelu for an upstream gradient `dout` (shaped like x): dx = dout ⊙ ∂y/∂x and
 * dα_c = Σ dout ⊙ ∂y/∂α_c over every axis but the channels: dα [C] (or [1], summed over
 * everything, for a shared α).
 *
 * @example
 * const x = tf.tensor2d([[-2, 3], [-4, -1]]);
 * const { dAlpha } = nn.activations.preluBackward(tf.onesLike(x), x, tf.tensor1d([0.25, 0.1]));
 * dAlpha.arraySync()   // [-6, -1]: the negative inputs of each channel, summed
 */
export function preluBackward(dout: tf.Tensor, x: tf.Tensor, alpha: tf.Tensor1D): { dx: tf.Tensor; dAlpha: tf.Tensor1D } {
  const [t, a] = checkPrelu(x, alpha);
  const d = checkInput('dout', dout);
  checkShape('dout', d.shape, t.shape);
  return k.preluBackward(d, t, a);
}

/**
 * elu(x) = x for x > 0, α(e^x - 1) otherwise (α in [0, 1]; the lecture: α = 1). Negative outputs
 * saturate at -α, smoothly: closer to zero-mean than ReLU.
 *
 * @example
 * nn.activations.elu(tf.tensor1d([-10, 0, 10]), 1).arraySync()   // [-0.99995, 0, 10]
 */
export function elu(x: tf.Tensor, alpha: number): tf.Tensor {
  return k.elu(checkInput('x', x), checkAlpha(alpha));
}

/**
 * elu'(x) = 1 for x > 0, αe^x for x <= 0.
 *
 * @example
 * nn.activations.eluGrad(tf.tensor1d([-10, 0, 10]), 1).arraySync()   // [4.54e-5, 1, 1]
 */
export function eluGrad(x: tf.Tensor, alpha: number): tf.Tensor {
  return k.eluGrad(checkInput('x', x), checkAlpha(alpha));
}

/**
 * selu(x) = λx for x > 0, λα(e^x - 1) otherwise, with the constants of Klambauer et al. (2017):
 * λ = 1.0507009873554804934193349852946, α = 1.6732632423543772848170429916717 (SELU_LAMBDA,
 * SELU_ALPHA). They make N(0, 1) a fixed point of the activation statistics (self-normalising).
 *
 * @example
 * nn.activations.selu(tf.tensor1d([-10, 0, 1])).arraySync()   // [-1.758, 0, 1.0507]
 */
export function selu(x: tf.Tensor): tf.Tensor {
  return k.selu(checkInput('x', x));
}

/**
 * selu'(x) = λ for x > 0, λαe^x for x <= 0 (λα ≈ 1.7581 at the kink).
 *
 * @example
 * nn.activations.seluGrad(tf.tensor1d([-10, 0, 1])).arraySync()   // [7.98e-5, 1.758, 1.0507]
 */
export function seluGrad(x: tf.Tensor): tf.Tensor {
  return k.seluGrad(checkInput('x', x));
}

/** Maxout's arguments: x [N, D], W1 and W2 [D, H], b1 and b2 [H], all finite. */
function checkMaxout(x: unknown, W1: unknown, b1: unknown, W2: unknown, b2: unknown): [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D] {
  const t = checkInput<tf.Tensor2D>('x', x, 2);
  const w1 = checkInput<tf.Tensor2D>('W1', W1, 2);
  checkShape('W1', w1.shape, [t.shape[1], null]);
  const H = w1.shape[1];
  const c1 = checkInput<tf.Tensor1D>('b1', b1, 1);
  checkShape('b1', c1.shape, [H]);
  const w2 = checkInput<tf.Tensor2D>('W2', W2, 2);
  checkShape('W2', w2.shape, [t.shape[1], H]);
  const c2 = checkInput<tf.Tensor1D>('b2', b2, 1);
  checkShape('b2', c2.shape, [H]);
  return [t, w1, c1, w2, c2];
}

/**
 * maxout(x) = max(x·W1 + b1, x·W2 + b2): x [N, D], W1, W2 [D, H], b1, b2 [H] -> [N, H]. With
 * W2 = 0, b2 = 0 it is a ReLU; it never saturates and never dies, at twice the parameters.
 *
 * @example
 * const x = tf.tensor2d([[-2], [3]]);
 * const y = nn.activations.maxout(x, tf.tensor2d([[1]]), tf.tensor1d([0]), tf.tensor2d([[0]]), tf.tensor1d([0]));
 * y.arraySync()   // [[0], [3]]: a ReLU
 */
export function maxout(x: tf.Tensor2D, W1: tf.Tensor2D, b1: tf.Tensor1D, W2: tf.Tensor2D, b2: tf.Tensor1D): tf.Tensor2D {
  return k.maxout(...checkMaxout(x, W1, b1, W2, b2));
}

/**
 * Backward of maxout for an upstream gradient dout [N, H]: the gradient flows through the map
 * that won (z1 >= z2: the first, ties included). d1 = dout ⊙ [z1 >= z2], d2 = dout ⊙ [z1 < z2];
 * dW_k = xᵀ·d_k [D, H], db_k = Σ_rows d_k [H], dx = d1·W1ᵀ + d2·W2ᵀ [N, D].
 *
 * @example
 * const x = tf.tensor2d([[-2], [3]]);
 * const g = nn.activations.maxoutBackward(tf.ones([2, 1]), x, tf.tensor2d([[1]]), tf.tensor1d([0]), tf.tensor2d([[0]]), tf.tensor1d([0]));
 * g.dx.arraySync()   // [[0], [1]]: like relu'
 */
export function maxoutBackward(dout: tf.Tensor2D, x: tf.Tensor2D, W1: tf.Tensor2D, b1: tf.Tensor1D, W2: tf.Tensor2D, b2: tf.Tensor1D): k.MaxoutGrads {
  const args = checkMaxout(x, W1, b1, W2, b2);
  const d = checkInput<tf.Tensor2D>('dout', dout, 2);
  checkShape('dout', d.shape, [args[0].shape[0], args[1].shape[1]]);
  return k.maxoutBackward(d, ...args);
}

/**
 * swish(x) = x·σ(βx): β = 1 is SiLU; β can be learned (large β: ReLU-like, β = 0: x/2).
 *
 * @example
 * nn.activations.swish(tf.tensor1d([-10, 0, 10]), 1).arraySync()   // [-4.54e-4, 0, 9.9995]
 */
export function swish(x: tf.Tensor, beta: number): tf.Tensor {
  return k.swish(checkInput('x', x), checkBeta(beta));
}

/**
 * The local derivatives of swish, shaped like x: ∂y/∂x = σ(βx)(1 + βx·σ(-βx)) and
 * ∂y/∂β = x²σ(βx)σ(-βx). Swish dips below zero: ∂y/∂x = 0 at x ≈ -1.278 (β = 1).
 *
 * @example
 * const { dx, dBeta } = nn.activations.swishGrad(tf.tensor1d([0, 1]), 1);
 * dx.arraySync()      // [0.5, 0.9277]
 * dBeta.arraySync()   // [0, 0.1966]
 */
export function swishGrad(x: tf.Tensor, beta: number): { dx: tf.Tensor; dBeta: tf.Tensor } {
  return k.swishGrad(checkInput('x', x), checkBeta(beta));
}

/**
 * Backward of swish for an upstream gradient dout (shaped like x): dx = dout ⊙ ∂y/∂x and
 * dβ = Σ dout ⊙ ∂y/∂β, a scalar (β is one learned number).
 *
 * @example
 * const x = tf.tensor1d([0, 1]);
 * nn.activations.swishBackward(tf.onesLike(x), x, 1).dBeta.arraySync()   // 0.1966
 */
export function swishBackward(dout: tf.Tensor, x: tf.Tensor, beta: number): { dx: tf.Tensor; dBeta: tf.Scalar } {
  const t = checkInput('x', x);
  const d = checkInput('dout', dout);
  checkShape('dout', d.shape, t.shape);
  return k.swishBackward(d, t, checkBeta(beta));
}

/**
 * gelu(x) = x·Φ(x) = x(1 + erf(x/√2))/2, the exact GELU (not its tanh approximation).
 *
 * @example
 * nn.activations.gelu(tf.tensor1d([-1, 0, 1])).arraySync()   // [-0.1587, 0, 0.8413]
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  return k.gelu(checkInput('x', x));
}

/**
 * gelu'(x) = Φ(x) + x·φ(x), φ the standard normal density: 0.5 at x = 0, 0 at x ≈ -0.7518.
 *
 * @example
 * nn.activations.geluGrad(tf.tensor1d([-1, 0, 1])).arraySync()   // [-0.0833, 0.5, 1.0833]
 */
export function geluGrad(x: tf.Tensor): tf.Tensor {
  return k.geluGrad(checkInput('x', x));
}

// ---------------------------------------------------------------------------------------------
// The table

/** The lecture's grouping, for one figure per family. */
export const ACTIVATION_FAMILIES = ['sigmoid', 'relu', 'exponential', 'maxout', 'gated'] as const;
export type ActivationFamily = typeof ACTIVATION_FAMILIES[number];

/** The names of {@link ACTIVATION_FUNCTIONS}, in order. */
export const ACTIVATION_FUNCTION_NAMES = [
  'sigmoid', 'tanh', 'relu', 'leakyRelu-0.01', 'leakyRelu-0.1', 'prelu', 'elu', 'selu', 'maxout', 'swish', 'gelu',
] as const;
export type ActivationFunctionName = typeof ACTIVATION_FUNCTION_NAMES[number];

/** One activation function as data. */
export interface ActivationFunction {
  name: ActivationFunctionName;
  /** As a figure's legend says it: "Leaky ReLU (α = 0.01)". */
  label: string;
  family: ActivationFamily;
  /** f(x) in LaTeX, with the parameters as symbols. */
  formula: string;
  /** f'(x) in LaTeX. */
  derivativeFormula: string;
  /** The parameters' values used by `forward` and `derivative`. */
  params: Readonly<Record<string, number>>;
  /** Which parameters are learned in a network (PReLU's α, Swish's β, Maxout's weights). */
  learned: readonly string[];
  /** Where f' jumps (its value there is the x <= 0 branch's, or the first map's for maxout). */
  kinks: readonly number[];
  /** f(x), elementwise, with `params` (checked like the functions above). */
  forward(x: tf.Tensor): tf.Tensor;
  /** f'(x) = ∂f/∂x, elementwise, with `params`. */
  derivative(x: tf.Tensor): tf.Tensor;
}

/** PReLU in the table: one channel, α = 0.25 (He et al.'s start), broadcast over any x. */
const PRELU_ALPHA = 0.25;
/** Maxout in the table: the scalar case max(w1·x + b1, w2·x + b2); a kink at x = -1. */
const MAXOUT_1D = { w1: 1, b1: 0, w2: 0.5, b2: -0.5 } as const;

/** Applies maxout to every element of x, as a batch of 1-D inputs. */
function maxout1d(x: tf.Tensor, grad: boolean): tf.Tensor {
  const t = checkInput('x', x);
  const { w1, b1, w2, b2 } = MAXOUT_1D;
  return tf.tidy(() => {
    const args = [tf.reshape(t, [t.size, 1]) as tf.Tensor2D, tf.tensor2d([[w1]]), tf.tensor1d([b1]), tf.tensor2d([[w2]]), tf.tensor1d([b2])] as const;
    const y = grad ? k.maxoutBackward(tf.ones([t.size, 1]) as tf.Tensor2D, ...args).dx : k.maxout(...args);
    return tf.reshape(y, t.shape);
  });
}

function alpha1(x: tf.Tensor): [tf.Tensor, tf.Tensor1D] {
  return [x, tf.fill([1], PRELU_ALPHA) as tf.Tensor1D];
}

/**
 * The lesson's activation functions as data, in the lecture's order: name, family, formula and
 * derivative in LaTeX, parameters, and `forward` / `derivative` over a tensor with those
 * parameters. Notebooks, figures and the CLI iterate over it.
 *
 * @example
 * const x = tf.linspace(-5, 5, 101);
 * for (const f of nn.activations.ACTIVATION_FUNCTIONS.filter((g) => g.family === 'relu')) {
 *   console.log(f.label, f.formula, f.derivative(x).max().arraySync());
 * }
 */
export const ACTIVATION_FUNCTIONS: readonly ActivationFunction[] = Object.freeze(<ActivationFunction[]>[
  {
    name: 'sigmoid', label: 'sigmoid', family: 'sigmoid', params: {}, learned: [], kinks: [],
    formula: '\\sigma(x) = \\frac{1}{1 + e^{-x}}', derivativeFormula: '\\sigma(x)\\,(1 - \\sigma(x))',
    forward: sigmoid, derivative: sigmoidGrad,
  },
  {
    name: 'tanh', label: 'tanh', family: 'sigmoid', params: {}, learned: [], kinks: [],
    formula: '\\tanh(x) = 2\\sigma(2x) - 1', derivativeFormula: '1 - \\tanh^2(x)',
    forward: tanh, derivative: tanhGrad,
  },
  {
    name: 'relu', label: 'ReLU', family: 'relu', params: {}, learned: [], kinks: [0],
    formula: '\\max(0, x)', derivativeFormula: '\\begin{cases} 1 & x > 0 \\\\ 0 & x \\le 0 \\end{cases}',
    forward: relu, derivative: reluGrad,
  },
  ...[0.01, 0.1].map((alpha) => ({
    name: `leakyRelu-${alpha}` as ActivationFunctionName, label: `Leaky ReLU (α = ${alpha})`, family: 'relu' as const,
    params: { alpha }, learned: [], kinks: [0],
    formula: '\\max(\\alpha x, x)', derivativeFormula: '\\begin{cases} 1 & x > 0 \\\\ \\alpha & x \\le 0 \\end{cases}',
    forward: (x: tf.Tensor) => leakyRelu(x, alpha), derivative: (x: tf.Tensor) => leakyReluGrad(x, alpha),
  })),
  {
    name: 'prelu', label: `PReLU (α = ${PRELU_ALPHA})`, family: 'relu', params: { alpha: PRELU_ALPHA }, learned: ['alpha'], kinks: [0],
    formula: '\\max(\\alpha_c x, x)', derivativeFormula: '\\begin{cases} 1 & x > 0 \\\\ \\alpha_c & x \\le 0 \\end{cases}, \\quad \\frac{\\partial y}{\\partial \\alpha_c} = \\min(x, 0)',
    forward: (x) => tf.tidy(() => prelu(...alpha1(x))), derivative: (x) => tf.tidy(() => preluGrad(...alpha1(x)).dx),
  },
  {
    name: 'elu', label: 'ELU (α = 1)', family: 'exponential', params: { alpha: 1 }, learned: [], kinks: [],
    formula: '\\begin{cases} x & x > 0 \\\\ \\alpha (e^x - 1) & x \\le 0 \\end{cases}', derivativeFormula: '\\begin{cases} 1 & x > 0 \\\\ \\alpha e^x & x \\le 0 \\end{cases}',
    forward: (x) => elu(x, 1), derivative: (x) => eluGrad(x, 1),
  },
  {
    name: 'selu', label: 'SELU', family: 'exponential', params: { lambda: k.SELU_LAMBDA, alpha: k.SELU_ALPHA }, learned: [], kinks: [0],
    formula: '\\lambda \\begin{cases} x & x > 0 \\\\ \\alpha (e^x - 1) & x \\le 0 \\end{cases}', derivativeFormula: '\\lambda \\begin{cases} 1 & x > 0 \\\\ \\alpha e^x & x \\le 0 \\end{cases}',
    forward: selu, derivative: seluGrad,
  },
  {
    name: 'maxout', label: 'Maxout (max(x, x/2 - 1/2))', family: 'maxout', params: { ...MAXOUT_1D }, learned: ['w1', 'b1', 'w2', 'b2'], kinks: [-1],
    formula: '\\max(w_1^\\top x + b_1,\\; w_2^\\top x + b_2)', derivativeFormula: '\\begin{cases} w_1 & z_1 \\ge z_2 \\\\ w_2 & z_1 < z_2 \\end{cases}',
    forward: (x) => maxout1d(x, false), derivative: (x) => maxout1d(x, true),
  },
  {
    name: 'swish', label: 'Swish (β = 1, or learned)', family: 'gated', params: { beta: 1 }, learned: ['beta'], kinks: [],
    formula: 'x\\,\\sigma(\\beta x)', derivativeFormula: '\\sigma(\\beta x)\\,(1 + \\beta x\\,\\sigma(-\\beta x)), \\quad \\frac{\\partial y}{\\partial \\beta} = x^2 \\sigma(\\beta x)\\,\\sigma(-\\beta x)',
    forward: (x) => swish(x, 1), derivative: (x) => tf.tidy(() => swishGrad(x, 1).dx),
  },
  {
    name: 'gelu', label: 'GELU', family: 'gated', params: {}, learned: [], kinks: [],
    formula: 'x\\,\\Phi(x) = \\tfrac{x}{2}\\left(1 + \\operatorname{erf}(x/\\sqrt{2})\\right)', derivativeFormula: '\\Phi(x) + x\\,\\varphi(x)',
    forward: gelu, derivative: geluGrad,
  },
]);

/**
 * The table's entry called `name` (an ArgumentError naming the known ones otherwise).
 *
 * @example
 * nn.activations.activationFunction('selu').params.lambda   // 1.0507009873554805
 */
export function activationFunction(name: string): ActivationFunction {
  const f = ACTIVATION_FUNCTIONS.find((g) => g.name === name);
  if (!f) throw new ArgumentError('name', name, `one of ${ACTIVATION_FUNCTION_NAMES.join(', ')}`);
  return f;
}
