/**
 * Step ceilings (issue 25): how fast a training benchmark's step could run on this backend if it
 * did nothing but its products, each at the speed XNNPACK itself reaches for that exact shape.
 * The step's measured time divided by this is how far the rest (batch norm, ReLU, pooling,
 * dropout, the optimizer, transposes and tfjs's bookkeeping) and our gradient kernels are from the
 * hardware's wasm limit; a peer's whole step next to it says whether a ratio is reachable at all.
 *
 * Derivation. Every conv layer (3x3, 'same', stride 1) costs 2·B·H·W·9·ci·co FLOPs three times
 * per step: forward, input gradient (not for the first layer: the inputs need none) and filter
 * gradient. Every dense layer costs 2·B·in·out three times the same way (twice when it is first).
 * Each is timed as the plain XNNPACK call of the same shape, on the backend as it runs (threads
 * per operation):
 * - forward: `conv2d(x[B,H,W,ci], w[3,3,ci,co])`;
 * - input gradient: `conv2d(dy[B,H,W,co], w[3,3,co,ci])` (the rotated filter: what the
 *   Conv2DBackpropInput override runs);
 * - filter gradient: the GEMM over patches `matMul(P[9·ci, B·H·W], dy[B·H·W, co])`;
 * - dense: `x·W`, `dy·Wᵀ`, `xᵀ·dy`.
 * The ceiling is the sum of their fastest times (nothing else counted): what the step would take
 * if everything that is not a product cost nothing and every product ran at XNNPACK's speed for its
 * shape (the issue's definition). It is not a hard bound once nnlab's own kernels beat XNNPACK:
 * the filter gradients run nnlab's direct kernel (engine/wasm/conv2d-backprop-filter.ts) on every
 * core, measured faster than XNNPACK's product over patches at the same shapes (87 against 94 ms
 * for the lecture CNN's six, dy already packed).
 *
 * Packing. XNNPACK repacks an operator's weights (the conv filter, the matMul's right operand)
 * when it creates the operator, and tfjs-backend-wasm caches operators by the weight tensor, so
 * the timings above, which reuse their operands, leave packing out. In a training step every
 * product meets a new right operand (the weights change every step, and activations and
 * gradients are new), so each is packed anew: the second figure, `msFresh`, times each product on
 * a fresh copy of that operand (made before the clock starts). The difference is large where the
 * packed operand is tall (the filter gradient packs dy, [B·H·W, co]: measured 13 ms for conv4's
 * 1M values) and small elsewhere. The CNN's goal is stated against the first figure; the second
 * says how much of the gap tfjs's per-call packing alone explains.
 *
 * @example
 * const c = stepCeiling('cnn', { batch: 64, reps: 5 });
 * console.log(`${(c.flops / 1e9).toFixed(1)} GFLOP in ${c.ms.toFixed(0)} ms: ${c.samplesPerSecond.toFixed(0)} samples/s at most`);
 */
import * as tf from '@tensorflow/tfjs';
import { benchModel, TRAIN_SPECS, TrainBench } from './models';

/** One product of the step, timed at its shape. */
export interface CeilingProduct {
  /** e.g. 'conv2 forward', 'dense1 filter gradient'. */
  name: string;
  /** What was timed, e.g. 'conv2d [64,32,32,32] * [3,3,32,32]'. */
  op: string;
  flops: number;
  /** Fastest milliseconds of the op over the runs, operands reused (XNNPACK's packed weights cached). */
  ms: number;
  /** Fastest milliseconds with a fresh right operand each run, as in a training step (packing included). */
  msFresh: number;
}

export interface StepCeiling {
  /** Which training benchmark's step. */
  bench: TrainBench;
  batch: number;
  products: CeilingProduct[];
  /** Σ flops: one training step's products. */
  flops: number;
  /** Σ ms: the step if it were only its products. */
  ms: number;
  /** batch / ms: the most samples/s this backend can train the model at. */
  samplesPerSecond: number;
  /** Σ msFresh: the products with their weights packed anew, as tfjs-backend-wasm does in every step. */
  msFresh: number;
  /** batch / msFresh. */
  samplesPerSecondFresh: number;
}

interface Layer { kind: 'conv' | 'dense'; name: string; x: number[]; w: number[] }

/** The conv and dense layers of a training benchmark's model, with input and kernel shapes for `batch`. */
export function stepLayers(bench: TrainBench, batch: number): Layer[] {
  const model = benchModel(bench, 1);
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
 * disturbed (the median moved by 20% between runs here). With `w` given, `op` gets a new copy of
 * it every run (a tensor XNNPACK has not packed yet), made and synced before the clock starts;
 * with `w` null it gets nothing new.
 */
export function fastestMs(w: tf.Tensor | null, op: (w: tf.Tensor) => tf.Tensor, reps: number): number {
  const run = (): number => {
    const fresh = w === null ? null : tf.add(w, 0);
    fresh?.dataSync();
    const t0 = performance.now();
    const y = op(fresh ?? (w as tf.Tensor));
    y.dataSync();
    const ms = performance.now() - t0;
    tf.dispose([y, ...(fresh ? [fresh] : [])]);
    return ms;
  };
  run();
  return Math.min(...Array.from({ length: reps }, run));
}

/** A product timed both ways: operands reused, and a fresh right operand `w` each run. */
function product(name: string, op: string, flops: number, w: tf.Tensor, run: (w: tf.Tensor) => tf.Tensor, reps: number): CeilingProduct {
  return { name, op, flops, ms: fastestMs(null, () => run(w), reps), msFresh: fastestMs(w, run, reps) };
}

/**
 * Times every product of one training step of `bench` at its shape (see the module comment) on
 * the current backend; `batch` defaults to the benchmark's. Inputs are uniform in [-1, 1) with a
 * fixed seed; every tensor is disposed.
 */
export function stepCeiling(bench: TrainBench, options: { batch?: number; reps?: number } = {}): StepCeiling {
  const batch = options.batch ?? TRAIN_SPECS[bench].batchSize;
  const reps = options.reps ?? 5;
  const products: CeilingProduct[] = [];
  const u = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);
  const shape = (s: number[]) => `[${s.join(',')}]`;
  stepLayers(bench, batch).forEach((l, i) => {
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
        products.push(product(`${l.name} forward`, `conv2d ${shape(l.x)} * ${shape(l.w)}`, flops, k, (f) => tf.conv2d(x, f as tf.Tensor4D, 1, 'same'), reps));
        if (i > 0) products.push(product(`${l.name} input gradient`, `conv2d ${shape(dy.shape)} * ${shape(kr.shape)}`, flops, kr, (f) => tf.conv2d(dy, f as tf.Tensor4D, 1, 'same'), reps));
        products.push(product(`${l.name} filter gradient`, `matMul ${shape(patches.shape)} x ${shape(dy2.shape)}`, flops, dy2, (d) => tf.matMul(patches, d as tf.Tensor2D), reps));
      } else {
        const [b, n] = l.x;
        const m = l.w[1];
        const flops = 2 * b * n * m;
        const x = keep(u(l.x, 10 * i)) as tf.Tensor2D;
        const k = keep(u(l.w, 10 * i + 1)) as tf.Tensor2D;
        const dy = keep(u([b, m], 10 * i + 2)) as tf.Tensor2D;
        products.push(product(`${l.name} forward`, `matMul [${b},${n}] x [${n},${m}]`, flops, k, (w) => tf.matMul(x, w as tf.Tensor2D), reps));
        if (i > 0) products.push(product(`${l.name} input gradient`, `matMul [${b},${m}] x [${n},${m}]ᵀ`, flops, k, (w) => tf.matMul(dy, w as tf.Tensor2D, false, true), reps));
        products.push(product(`${l.name} filter gradient`, `matMul [${b},${n}]ᵀ x [${b},${m}]`, flops, dy, (d) => tf.matMul(x, d as tf.Tensor2D, true, false), reps));
      }
    } finally {
      tf.dispose(hold);
    }
  });
  const flops = products.reduce((a, p) => a + p.flops, 0);
  const ms = products.reduce((a, p) => a + p.ms, 0);
  const msFresh = products.reduce((a, p) => a + p.msFresh, 0);
  return { bench, batch, products, flops, ms, samplesPerSecond: (batch * 1000) / ms, msFresh, samplesPerSecondFresh: (batch * 1000) / msFresh };
}
