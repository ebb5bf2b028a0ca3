/**
 * The CNN ceiling (issue 25): how fast the lecture CNN's training step could run on this
 * backend if it did nothing but its products, each at the speed XNNPACK itself reaches for that
 * exact shape. The step's measured time divided by this is how far the rest (batch norm, ReLU,
 * pooling, dropout, the optimizer, transposes and tfjs's bookkeeping) and our gradient kernels
 * are from the hardware's wasm limit.
 *
 * Derivation. Every conv layer (3x3, 'same', stride 1) costs 2·B·H·W·9·ci·co FLOPs three times
 * per step: forward, input gradient (not for the first layer: the images need none) and filter
 * gradient. Every dense layer costs 2·B·in·out three times the same way. Each is timed as the
 * plain XNNPACK call of the same shape, on the backend as it runs (threads per operation):
 * - forward: `conv2d(x[B,H,W,ci], w[3,3,ci,co])`;
 * - input gradient: `conv2d(dy[B,H,W,co], w[3,3,co,ci])` (the rotated filter: what the
 *   Conv2DBackpropInput override runs);
 * - filter gradient: the GEMM over patches `matMul(P[9·ci, B·H·W], dy[B·H·W, co])`;
 * - dense: `x·W`, `dy·Wᵀ`, `xᵀ·dy`.
 * The ceiling is the sum of their fastest times (nothing else counted), so it is an upper bound on
 * samples/s: reaching it would mean zero cost for everything that is not a product.
 *
 * @example
 * const c = cnnCeiling({ batch: 64, reps: 5 });
 * console.log(`${(c.flops / 1e9).toFixed(1)} GFLOP in ${c.ms.toFixed(0)} ms: ${c.samplesPerSecond.toFixed(0)} samples/s at most`);
 */
import * as tf from '@tensorflow/tfjs';
import { cnnModel } from '../nets/models';

/** One product of the step, timed at its shape. */
export interface CeilingProduct {
  /** e.g. 'conv2 forward', 'dense1 filter gradient'. */
  name: string;
  /** What was timed, e.g. 'conv2d [64,32,32,32] * [3,3,32,32]'. */
  op: string;
  flops: number;
  /** Fastest milliseconds of the op over the runs. */
  ms: number;
}

export interface CnnCeiling {
  batch: number;
  products: CeilingProduct[];
  /** Σ flops: one training step's products. */
  flops: number;
  /** Σ ms: the step if it were only its products. */
  ms: number;
  /** batch / ms: the most samples/s this backend can train the CNN at. */
  samplesPerSecond: number;
}

interface Layer { kind: 'conv' | 'dense'; name: string; x: number[]; w: number[] }

/** The conv and dense layers of the lecture CNN, with input and kernel shapes for `batch`. */
export function cnnLayers(batch: number): Layer[] {
  const model = cnnModel(1);
  try {
    const out: Layer[] = [];
    let convs = 0;
    let denses = 0;
    for (const layer of model.layers) {
      const cls = layer.getClassName();
      if (cls !== 'Conv2D' && cls !== 'Dense') continue;
      const input = (layer.input as tf.SymbolicTensor).shape.slice(1) as number[];
      const kernel = layer.getWeights()[0].shape;
      out.push(cls === 'Conv2D'
        ? { kind: 'conv', name: `conv${++convs}`, x: [batch, ...input], w: kernel }
        : { kind: 'dense', name: `dense${++denses}`, x: [batch, ...input], w: kernel });
    }
    return out;
  } finally {
    model.layers.forEach((l) => l.dispose());
  }
}

/**
 * Fastest ms of `op` over `reps` timed runs (each synced by reading its result) after one warm-up:
 * a ceiling is the best the backend does, and on a noisy machine the fastest run is the one least
 * disturbed (the median moved by 20% between runs here).
 */
function timeOp(op: () => tf.Tensor, reps: number): number {
  const run = (): number => {
    const t0 = performance.now();
    const y = op();
    y.dataSync();
    const ms = performance.now() - t0;
    y.dispose();
    return ms;
  };
  run();
  return Math.min(...Array.from({ length: reps }, run));
}

/**
 * Times every product of one CNN training step at its shape (see the module comment) on the
 * current backend. Inputs are uniform in [-1, 1) with a fixed seed; every tensor is disposed.
 */
export function cnnCeiling(options: { batch?: number; reps?: number } = {}): CnnCeiling {
  const batch = options.batch ?? 64;
  const reps = options.reps ?? 5;
  const products: CeilingProduct[] = [];
  const u = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);
  cnnLayers(batch).forEach((l, i) => {
    const hold: tf.Tensor[] = [];
    const keep = <T extends tf.Tensor>(t: T): T => { hold.push(t); return t; };
    try {
      if (l.kind === 'conv') {
        const [b, h, w, ci] = l.x;
        const co = l.w[3];
        const flops = 2 * b * h * w * 9 * ci * co;
        const x = keep(u(l.x, 10 * i)) as tf.Tensor4D;
        const k = keep(u(l.w, 10 * i + 1)) as tf.Tensor4D;
        const dy = keep(u([b, h, w, co], 10 * i + 2)) as tf.Tensor4D;
        const kr = keep(u([3, 3, co, ci], 10 * i + 3)) as tf.Tensor4D;
        const patches = keep(u([9 * ci, b * h * w], 10 * i + 4)) as tf.Tensor2D;
        const dy2 = keep(dy.reshape([b * h * w, co])) as tf.Tensor2D;
        const shape = (s: number[]) => `[${s.join(',')}]`;
        products.push({ name: `${l.name} forward`, op: `conv2d ${shape(l.x)} * ${shape(l.w)}`, flops, ms: timeOp(() => tf.conv2d(x, k, 1, 'same'), reps) });
        if (i > 0) products.push({ name: `${l.name} input gradient`, op: `conv2d ${shape(dy.shape)} * ${shape(kr.shape)}`, flops, ms: timeOp(() => tf.conv2d(dy, kr, 1, 'same'), reps) });
        products.push({ name: `${l.name} filter gradient`, op: `matMul ${shape(patches.shape)} x ${shape(dy2.shape)}`, flops, ms: timeOp(() => tf.matMul(patches, dy2), reps) });
      } else {
        const [b, n] = l.x;
        const m = l.w[1];
        const flops = 2 * b * n * m;
        const x = keep(u(l.x, 10 * i)) as tf.Tensor2D;
        const k = keep(u(l.w, 10 * i + 1)) as tf.Tensor2D;
        const dy = keep(u([b, m], 10 * i + 2)) as tf.Tensor2D;
        products.push({ name: `${l.name} forward`, op: `matMul [${b},${n}] x [${n},${m}]`, flops, ms: timeOp(() => tf.matMul(x, k), reps) });
        products.push({ name: `${l.name} input gradient`, op: `matMul [${b},${m}] x [${n},${m}]ᵀ`, flops, ms: timeOp(() => tf.matMul(dy, k, false, true), reps) });
        products.push({ name: `${l.name} filter gradient`, op: `matMul [${b},${n}]ᵀ x [${b},${m}]`, flops, ms: timeOp(() => tf.matMul(x, dy, true, false), reps) });
      }
    } finally {
      tf.dispose(hold);
    }
  });
  const flops = products.reduce((a, p) => a + p.flops, 0);
  const ms = products.reduce((a, p) => a + p.ms, 0);
  return { batch, products, flops, ms, samplesPerSecond: (batch * 1000) / ms };
}
