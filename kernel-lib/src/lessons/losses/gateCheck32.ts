/**
 * The same gate checks in tfjs float32: each gate's op written with tf ops, its analytic gradient
 * from `tf.grads`, its numerical gradient from centred differences evaluated in float32. Both
 * sides are right, yet the relative errors land around 1e-4 … 1e-2: f(x + h) − f(x − h) in float32
 * keeps only a few of its ~7 digits, so the float64 tolerance (1e-7) cannot be met. The lesson's
 * point: check gradients in float64, or use float32 tolerances (about 1e-2).
 *
 * @example
 * const s = nn.losses.sampleGateInputs('affine', 0);
 * nn.losses.checkGate32('affine', s.inputs, { h: 1e-3 }).map((r) => r.verdict)   // e.g. ['uncomfortable', ...]
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt, checkNumber } from '../../core/errors';
import { gradVerdict } from '../../core/gradCheck';
import { mix32, mulberry32, randomNormal } from '../../core/rng';
import type { Array64 } from '../../nets/array64';
import { gateRelError, type GateCheckRow } from './gateCheck';
import { dropoutMask64, gate, type GateName, GATES } from './gates';

type TfGate = (t: Record<string, tf.Tensor>, o: Record<string, unknown>, c: Record<string, unknown>) => tf.Tensor;

/** The gates as tf ops (float32); `c` holds the constants (labels, the dropout mask). */
const TF_GATES: Record<GateName, TfGate> = {
  add: (t) => tf.add(t.x, t.y),
  multiply: (t) => tf.mul(t.x, t.y),
  max: (t) => tf.maximum(t.x, t.y),
  relu: (t) => tf.relu(t.x),
  sigmoid: (t) => tf.sigmoid(t.x),
  tanh: (t) => tf.tanh(t.x),
  affine: (t) => tf.add(tf.matMul(t.x as tf.Tensor2D, t.w as tf.Tensor2D), t.b),
  softmaxCrossEntropy: (t, _o, c) => {
    const s = t.scores as tf.Tensor2D;
    const onehot = tf.oneHot(tf.tensor1d(c.labels as number[], 'int32'), s.shape[1]);
    return tf.mean(tf.sub(tf.logSumExp(s, 1), tf.sum(tf.mul(s, onehot), 1)));
  },
  hinge: (t, o, c) => {
    const s = t.scores as tf.Tensor2D;
    const onehot = tf.oneHot(tf.tensor1d(c.labels as number[], 'int32'), s.shape[1]);
    const sy = tf.sum(tf.mul(s, onehot), 1, true);
    const margins = tf.mul(tf.relu(tf.add(tf.sub(s, sy), (o.delta as number | undefined) ?? 1)), tf.sub(1, onehot));
    return tf.div(tf.sum(margins), s.shape[0]);
  },
  batchNorm: (t, o) => {
    const { mean, variance } = tf.moments(t.x, 0);
    const xhat = tf.div(tf.sub(t.x, mean), tf.sqrt(tf.add(variance, (o.eps as number | undefined) ?? 1e-5)));
    return tf.add(tf.mul(xhat, t.gamma), t.beta);
  },
  dropout: (t, _o, c) => tf.mul(t.x, c.mask as tf.Tensor),
  conv: (t, o) => {
    const stride = (o.stride as number | undefined) ?? 1;
    const pad = o.pad ?? 0;
    if (pad === 'same' || pad === 'valid') return tf.add(tf.conv2d(t.x as tf.Tensor4D, t.w as tf.Tensor4D, stride, pad), t.b);
    if (typeof pad !== 'number') throw new ArgumentError('pad', pad, "a number, 'same' or 'valid' (float32 check)");
    const padded = tf.pad(t.x, [[0, 0], [pad, pad], [pad, pad], [0, 0]]) as tf.Tensor4D;
    return tf.add(tf.conv2d(padded, t.w as tf.Tensor4D, stride, 'valid'), t.b);
  },
  maxPool: (t, o) => tf.maxPool(t.x as tf.Tensor4D, (o.size as number | undefined) ?? 2, (o.stride as number | undefined) ?? 2, 'valid'),
};

/**
 * Checks a gate in tfjs float32: tf.grads against float32 centred differences with step h
 * (default 1e-3: with 1e-5 the float32 difference is mostly rounding), one row per input.
 * Disposes every tensor it makes.
 *
 * @example
 * nn.losses.checkGate32('tanh', { x: nn.nets.randn64([2, 3], 1) })[0].maxRelError > 1e-7   // true
 */
export function checkGate32(name: GateName | string, inputs: Record<string, unknown>, options: { h?: number; seed?: number; gateOptions?: Record<string, unknown> } = {}): GateCheckRow[] {
  const g = gate(name);
  const h = checkNumber('h', options.h ?? 1e-3, { min: 1e-12, max: 1 });
  // the upstream gradient's own stream: never the sequence that drew the inputs (a BN input x = 2R + 1 gives dx = 0)
  const random = mulberry32(mix32(checkInt('seed', options.seed ?? 0, { min: 0 }) + 0x5eed));
  const o = options.gateOptions ?? {};
  const { out } = GATES[g.name as GateName].forward(inputs, o); // validates the inputs and gives the output's shape
  const names = g.inputs.filter((k) => !g.constants.includes(k));
  const as32 = (v: unknown) => (typeof v === 'number' ? { shape: [] as number[], data: Float32Array.of(v) } : { shape: (v as Array64).shape, data: Float32Array.from((v as Array64).data) });
  const values = Object.fromEntries(names.map((k) => [k, as32(inputs[k])]));
  const outShape = typeof out === 'number' ? [] : out.shape;
  const R = Float32Array.from({ length: outShape.reduce((a, b) => a * b, 1) }, () => (typeof out === 'number' ? 0.5 + random() : randomNormal(random)));
  const consts: Record<string, unknown> = { labels: inputs.labels };
  return tf.tidy(() => {
    if (g.name === 'dropout') {
      const x = inputs.x;
      const mask = dropoutMask64(typeof x === 'number' ? [] : (x as Array64).shape, (o.p as number | undefined) ?? 0.5, (o.seed as number | undefined) ?? 0);
      consts.mask = tf.tensor(Float32Array.from(mask.data), mask.shape);
    }
    const r = tf.tensor(R, outShape);
    const f = (...ts: tf.Tensor[]) => tf.sum(tf.mul(TF_GATES[g.name as GateName](Object.fromEntries(names.map((k, i) => [k, ts[i]])), o, consts), r));
    const tensors = names.map((k) => tf.tensor(values[k].data, values[k].shape, 'float32'));
    const analytic = tf.grads(f)(tensors).map((t) => t.dataSync());
    const evalAt = (k: number, data: Float32Array) => tf.tidy(() => f(...tensors.map((t, i) => (i === k ? tf.tensor(data, values[names[k]].shape, 'float32') : t))).dataSync()[0]);
    return names.map((input, k) => {
      const base = values[input].data;
      let worst = 0;
      for (let i = 0; i < base.length; i++) {
        const x = Float32Array.from(base);
        x[i] = base[i] + h;
        const plus = evalAt(k, x);
        x[i] = base[i] - h;
        const minus = evalAt(k, x);
        worst = Math.max(worst, gateRelError(analytic[k][i], (plus - minus) / (2 * h)));
      }
      return { gate: g.name, input, shape: [...values[input].shape], maxRelError: worst, verdict: gradVerdict(worst) };
    });
  });
}
