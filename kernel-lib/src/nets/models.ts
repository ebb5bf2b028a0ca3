/**
 * The lecture's two reference networks as tfjs-layers models, shared by `nnlab bench` (bench/models)
 * and lesson 11 (CNN basics); `kernel-lib/bench/torch_bench.py` builds the same two in PyTorch and
 * asserts the same parameter counts.
 *
 * - {@link mlpModel}: the MNIST MLP 784-512-512-512-10, ReLU, dropout 0.5 after every hidden layer:
 *   932,362 parameters (Σ (fanIn + 1)·fanOut).
 * - {@link cnnModel}: the CIFAR-10 CNN: 3 blocks of conv3x3('same', ReLU)-BN-conv3x3-BN-maxpool2x2-
 *   dropout with 32/64/128 filters (dropout 0.2/0.3/0.4), flatten, dense 512 (ReLU), BN, dropout 0.5,
 *   dense 10: 1,345,066 parameters counted like Keras, i.e. BN's moving mean and variance included
 *   (1,343,146 trainable + 1,920 moving statistics).
 * Dropout is {@link StepDropout}: a new, seeded mask at every training step.
 * Both end in linear logits (the loss is softmax cross-entropy on them). BN uses tfjs's defaults
 * (momentum 0.99, epsilon 1e-3).
 */
import * as tf from '@tensorflow/tfjs';
import { checkInt, checkNumber } from '../core/errors';
import { fillDropoutMask } from '../core/rng';

/** The kernel that writes a dropout mask straight into the wasm heap (engine/wasm/dropout-mask), when installed. */
const DROPOUT_MASK_KERNEL = 'NnlabDropoutMask';

/**
 * The multiplier of inverted dropout with drop probability `rate` for `size` values: each value is
 * kept with probability 1 - rate, independently, and scaled by float32(1/(1 - rate)), else 0;
 * seeded ({@link fillDropoutMask}, mulberry32). tf.dropout draws tf.randomUniform instead
 * (seedrandom's alea, ~6 ns a value in JavaScript) and then adds, floors and divides on the
 * backend: three more passes.
 *
 * @example
 * dropoutMask(8, 0.5, 1)   // Float32Array [2, 2, 0, 2, 2, 0, 2, 0] (kept values 1/(1 - 0.5))
 */
export function dropoutMask(size: number, rate: number, seed: number): Float32Array {
  checkInt('size', size, { min: 0 });
  checkNumber('dropout rate', rate, { min: 0, max: 0.999 });
  checkInt('seed', seed, { min: 0 });
  const mask = new Float32Array(size);
  fillDropoutMask(new Uint32Array(mask.buffer), rate, seed);
  return mask;
}

/**
 * {@link dropoutMask} as a tensor of `shape`: on wasm with nnlab's kernels installed, written
 * straight into the heap by the kernel NnlabDropoutMask (no JavaScript array, no copy); elsewhere
 * uploaded from {@link dropoutMask}. The same values either way.
 */
export function dropoutMaskTensor(shape: number[], rate: number, seed: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  if (tf.getBackend() === 'wasm' && tf.getKernel(DROPOUT_MASK_KERNEL, 'wasm') !== undefined) {
    checkNumber('dropout rate', rate, { min: 0, max: 0.999 });
    checkInt('seed', seed, { min: 0 });
    return tf.engine().runKernel(DROPOUT_MASK_KERNEL, {}, { shape, rate, seed } as unknown as tf.NamedAttrMap) as tf.Tensor;
  }
  return tf.tensor(dropoutMask(size, rate, seed), shape, 'float32');
}

/**
 * Inverted dropout as a tf.layers layer whose mask is seeded per call: call k in training mode
 * draws its mask from seed `seed·100003 + k` ({@link dropoutMaskTensor}), so a run is repeatable and
 * every step gets a new mask. (tf.layers.dropout with a fixed `seed` draws the SAME mask at every
 * call: STYLE.md trap 3; without a seed it cannot be repeated.) In inference mode it is the
 * identity. No weights. The backward pass multiplies dy by the same mask (tf.mul's gradient).
 */
export class StepDropout extends tf.layers.Layer {
  static className = 'StepDropout';
  readonly rate: number;
  readonly seed: number;
  private calls = 0;
  constructor(args: { rate: number; seed: number; name?: string }) {
    super(args.name ? { name: args.name } : {});
    this.rate = checkNumber('dropout rate', args.rate, { min: 0, max: 0.999 });
    this.seed = checkInt('dropout seed', args.seed, { min: 0 });
  }
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.rate === 0) return tf.clone(x);
    const seed = this.seed * 100_003 + this.calls++;
    return tf.tidy(() => tf.mul(x, dropoutMaskTensor(x.shape, this.rate, seed)));
  }
  computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] { return shape; }
  getConfig(): tf.serialization.ConfigDict { return { ...super.getConfig(), rate: this.rate, seed: this.seed }; }
}
tf.serialization.registerClass(StepDropout);

/**
 * A {@link StepDropout} layer (drop probability `rate`, tfjs's convention).
 *
 * @example
 * const layer = nn.nets.stepDropout(0.5, 1);   // a new mask at every training call, repeatable
 */
export function stepDropout(rate: number, seed: number): StepDropout {
  return new StepDropout({ rate, seed });
}

/** Weights of the lecture's MNIST MLP 784-512-512-512-10. */
export const MLP_PARAMETERS = 932_362;
/** Weights of the lecture's CIFAR-10 CNN, Keras-style (BN moving statistics included), and the trainable ones. */
export const CIFAR_CNN_PARAMETERS = 1_345_066;
export const CIFAR_CNN_TRAINABLE = 1_343_146;

/**
 * The MNIST MLP: dense-ReLU-dropout(0.5) per hidden layer, dense 10 (logits). `hidden` defaults to
 * the lecture's [512, 512, 512].
 *
 * @example
 * const model = nn.nets.mlpModel(1);
 * model.countParams()   // 932362
 * model.dispose();
 */
export function mlpModel(seed: number, hidden: readonly number[] = [512, 512, 512]): tf.Sequential {
  hidden.forEach((h, i) => checkInt(`hidden[${i}]`, h, { min: 1, max: 100_000 }));
  const model = tf.sequential();
  hidden.forEach((units, i) => {
    model.add(tf.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [784] } : {}), kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 31 + 2 * i }) }));
    model.add(stepDropout(0.5, seed * 7 + i));
  });
  model.add(tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 31 + 97 }) }));
  return model;
}

/**
 * Variants of {@link cnnModel}: filters per block and units of the dense layer (the lecture's:
 * [32, 64, 128] and 512), and BN's momentum (tfjs's and Keras's default 0.99; PyTorch's default
 * is 0.9 in this convention, `moving = momentum·moving + (1 − momentum)·batch`). None changes the
 * architecture; `bnMomentum` does not change the parameter count.
 */
export interface CnnWidths { filters?: [number, number, number]; dense?: number; bnMomentum?: number }

/**
 * The lecture's CIFAR-10 CNN (1,345,066 weights with the default widths); smaller `widths` give
 * the same architecture, narrower (tests). Every initializer is seeded: one seed, one model.
 *
 * @example
 * const model = nn.nets.cnnModel(1);
 * model.countParams()   // 1345066
 * model.dispose();
 */
export function cnnModel(seed: number, widths: CnnWidths = {}): tf.Sequential {
  const filters = widths.filters ?? [32, 64, 128];
  filters.forEach((f, i) => checkInt(`filters[${i}]`, f, { min: 1, max: 1024 }));
  const dense = checkInt('dense', widths.dense ?? 512, { min: 1, max: 100_000 });
  const momentum = checkNumber('bnMomentum', widths.bnMomentum ?? 0.99, { min: 0, max: 1 });
  const model = tf.sequential();
  const rates = [0.2, 0.3, 0.4];
  let k = 0;
  const init = () => tf.initializers.glorotUniform({ seed: seed * 31 + k++ });
  filters.forEach((f, i) => {
    for (let j = 0; j < 2; j++) {
      const first = i === 0 && j === 0;
      model.add(tf.layers.conv2d({ filters: f, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(), ...(first ? { inputShape: [32, 32, 3] } : {}) }));
      model.add(tf.layers.batchNormalization({ momentum }));
    }
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(stepDropout(rates[i], seed * 7 + i));
  });
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: dense, activation: 'relu', kernelInitializer: init() }));
  model.add(tf.layers.batchNormalization({ momentum }));
  model.add(stepDropout(0.5, seed * 7 + 3));
  model.add(tf.layers.dense({ units: 10, kernelInitializer: init() }));
  return model;
}
