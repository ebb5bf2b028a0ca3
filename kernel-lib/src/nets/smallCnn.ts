/**
 * A small convolutional net for 32×32×3 images (CIFAR-10), with explicit weights so a lesson can
 * train it through THE loop (`nets/train`) with any update rule of `createOptimizer`:
 *
 *   x → (x − μ)/σ → conv 3×3, 16 → ReLU → max-pool 2 → conv 3×3, 32 → ReLU → max-pool 2 → dense 10
 *
 * shapes: [N, 32, 32, 3] → [N, 32, 32, 16] → [N, 16, 16, 16] → [N, 16, 16, 32] → [N, 8, 8, 32]
 * → [N, 2048] → [N, 10] (scores). Convolutions keep the size ('same' padding). μ and σ are
 * CIFAR-10's channel means and stds for pixels in [0, 1]. Weights: He normal, std √(2/fanIn)
 * (fanIn = 3·3·channels in, or 2048), biases 0; each weight drawn with its own sub-seed of `seed`,
 * so the same seed gives the same weights. About 25 k parameters; forward + backward of a batch of
 * 64 takes tens of ms on wasm (bench:augment prints it).
 *
 * @example
 * const net = nn.nets.createSmallCnn({ seed: 1 });
 * const scores = net.scores(tf.zeros([2, 32, 32, 3]));   // [2, 10]
 * net.dispose();
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt } from '../core/errors';
import { seedStream } from '../core/rng';

/** CIFAR-10's per-channel mean and std of pixels in [0, 1] (the training split). */
export const CIFAR_MEAN = [0.4914, 0.4822, 0.4465] as const;
export const CIFAR_STD = [0.2470, 0.2435, 0.2616] as const;

let nets = 0;

/** The sizes of {@link createSmallCnn}. */
export interface SmallCnnOptions {
  /** Filters of the first and second convolution (default 16, 32). */
  filters?: [number, number];
  classes?: number;
  seed?: number;
}

/** The net: its variables, its scores, one optimisation step's loss and gradients, and dispose. */
export interface SmallCnn {
  /** conv1W [3,3,3,f1], conv1b, conv2W [3,3,f1,f2], conv2b, denseW [8·8·f2, classes], denseb. */
  variables: tf.Variable[];
  /** The scores (logits) of a batch [N, 32, 32, 3] of pixels in [0, 1]: [N, classes]. */
  scores(x: tf.Tensor4D): tf.Tensor2D;
  /** The mean softmax cross-entropy of a batch and its gradient for every variable (in `variables`' order). */
  lossAndGrads(x: tf.Tensor4D, y: tf.Tensor1D): { loss: tf.Scalar; grads: tf.Tensor[] };
  /** Plain copies of the weights by name (tests, records). */
  weights(): Record<string, Float32Array>;
  dispose(): void;
}

/**
 * Creates the small CNN with seeded He-normal weights; see the module comment.
 *
 * @example
 * const a = nn.nets.createSmallCnn({ seed: 3 });
 * const b = nn.nets.createSmallCnn({ seed: 3 });   // the same weights as a
 * a.dispose(); b.dispose();
 */
export function createSmallCnn(options: SmallCnnOptions = {}): SmallCnn {
  const [f1, f2] = options.filters ?? [16, 32];
  checkInt('filters[0]', f1, { min: 1, max: 256 });
  checkInt('filters[1]', f2, { min: 1, max: 256 });
  const classes = checkInt('classes', options.classes ?? 10, { min: 2, max: 1000 });
  const seeds = seedStream(options.seed ?? 0);
  const id = nets++;   // tf variable names are global: each net's own prefix
  const he = (name: string, shape: number[], fanIn: number) =>
    tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seeds.derive(name)), true, `smallCnn${id}/${name}`));
  const zeros = (name: string, n: number) => tf.tidy(() => tf.variable(tf.zeros([n]), true, `smallCnn${id}/${name}`));
  const names = ['conv1W', 'conv1b', 'conv2W', 'conv2b', 'denseW', 'denseb'];
  const variables = [
    he('conv1W', [3, 3, 3, f1], 27), zeros('conv1b', f1),
    he('conv2W', [3, 3, f1, f2], 9 * f1), zeros('conv2b', f2),
    he('denseW', [8 * 8 * f2, classes], 64 * f2), zeros('denseb', classes),
  ];
  const [w1, b1, w2, b2, w3, b3] = variables;
  const mean = tf.tensor1d([...CIFAR_MEAN]);
  const std = tf.tensor1d([...CIFAR_STD]);
  const scores = (x: tf.Tensor4D): tf.Tensor2D => tf.tidy(() => {
    if (x.rank !== 4 || x.shape[1] !== 32 || x.shape[2] !== 32 || x.shape[3] !== 3) throw new ArgumentError('x', `a tensor of shape [${x.shape}]`, 'a batch [N, 32, 32, 3]');
    const z = x.sub(mean).div(std) as tf.Tensor4D;
    const h1 = tf.maxPool(tf.relu(tf.conv2d(z, w1 as tf.Tensor4D, 1, 'same').add(b1)) as tf.Tensor4D, 2, 2, 'valid');
    const h2 = tf.maxPool(tf.relu(tf.conv2d(h1, w2 as tf.Tensor4D, 1, 'same').add(b2)) as tf.Tensor4D, 2, 2, 'valid');
    return h2.reshape([x.shape[0], -1]).matMul(w3).add(b3) as tf.Tensor2D;
  });
  return {
    variables,
    scores,
    lossAndGrads(x, y) {
      const { value, grads } = tf.variableGrads(() => tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(y.toInt(), classes), scores(x)) as tf.Scalar), variables);
      return { loss: value, grads: variables.map((v) => grads[v.name]) };
    },
    weights: () => Object.fromEntries(variables.map((v, i) => [names[i], v.dataSync() as Float32Array])),
    dispose() { tf.dispose([...variables, mean, std]); },
  };
}
