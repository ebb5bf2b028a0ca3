/**
 * Losses and scores the lessons share: the softmax loss on raw scores with its gradient (for nets
 * with a hand-written backward pass), cross-entropy on softmax probabilities (tf.layers models),
 * and accuracy. Lessons that differentiate with tfjs use `tf.losses.softmaxCrossEntropy` directly.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Softmax loss (cs231n's softmax_loss): L = -(1/N) Σ_n log softmax(scores_n)[y_n],
 * dL/dscores = (softmax(scores) - Y) / N, with Y one-hot [N, C]. New tensors, the caller's.
 * The backward pass starts here when a lesson writes its own (lesson 09's MLP).
 *
 * @example
 * const scores = tf.tensor2d([[0, 0]]);
 * const Y = tf.tensor2d([[1, 0]]);
 * const { loss, dscores } = nn.nets.softmaxLoss(scores, Y);
 * loss.dataSync()[0]        // ln 2 = 0.6931
 * dscores.arraySync()       // [[-0.5, 0.5]]
 * tf.dispose([scores, Y, loss, dscores]);
 */
export function softmaxLoss(scores: tf.Tensor2D, Y: tf.Tensor2D): { loss: tf.Scalar; dscores: tf.Tensor2D } {
  return tf.tidy(() => {
    const N = scores.shape[0];
    const logp = tf.logSoftmax(scores);
    return { loss: tf.div(tf.neg(tf.sum(tf.mul(Y, logp))), N) as tf.Scalar, dscores: tf.div(tf.sub(tf.exp(logp), Y), N) as tf.Tensor2D };
  });
}

/**
 * −(1/N) Σ y·log(clip(p, 1e-7, 1)): cross-entropy of softmax probabilities p [N, C] against one-hot y
 * (for tf.layers models whose last layer is a softmax; lesson 10).
 *
 * @example
 * const p = tf.tensor2d([[0.25, 0.75]]);
 * const y = tf.tensor2d([[0, 1]]);
 * const loss = nn.nets.crossEntropy(p, y);
 * console.log(loss.dataSync()[0]); // -log 0.75 = 0.2877
 * tf.dispose([p, y, loss]);
 */
export function crossEntropy(p: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(tf.clipByValue(p, 1e-7, 1))), 1))) as tf.Scalar);
}

/**
 * Fraction of `predicted` equal to `labels`.
 *
 * @example
 * nn.nets.accuracyOf([0, 1, 2, 2], [0, 1, 1, 2])   // 0.75
 */
export function accuracyOf(predicted: readonly number[], labels: ArrayLike<number>): number {
  let hits = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === labels[i]) hits += 1;
  return hits / predicted.length;
}
