/**
 * Saturation, the lecture's question "what happens when x = -10?" (lesson 01): the local gradient
 * f'(x) of sigmoid, tanh and ReLU at x = -10, 0, 10, then what a gradient becomes on its way back
 * through a chain of k saturated sigmoids.
 *
 *   local:    σ'(±10) = σ(10)σ(-10) ≈ 4.54e-5,  σ'(0) = 1/4 (its maximum);  tanh'(±10) ≈ 8.2e-9;
 *             relu'(-10) = relu'(0) = 0 (the subgradient at the kink), relu'(10) = 1
 *   chain:    h_i = σ(z_i), z_i = h_(i-1) + c_i with every z_i = a (a = 10: saturated) and unit
 *             links, so the upstream gradient at the chain's input is
 *             ∂L/∂z_1 = Π_(i=1..k) σ'(z_i) = σ'(a)^k:  about 4.5e-5, 1.9e-22 and 3.7e-44 for k = 1, 5, 10
 *
 * What a student should see: one saturated sigmoid already divides the gradient by 22,000; ten of
 * them leave nothing a float32 can hold (3.7e-44 is below float32's smallest normal number,
 * 1.2e-38: only a few significant bits survive). The product is computed on the device in
 * float32, one multiplication per link as a backward pass does it, next to the float64 product.
 *
 * @example
 * const r = await nn.activations.saturation();
 * r.local.find((l) => l.activation === 'sigmoid').gradient   // [4.54e-5, 0.25, 4.54e-5]
 * r.chain.rows.map((c) => c.float32)                         // [4.54e-5, 1.9e-22, 3.7e-44]
 * nn.activations.showSaturation(r);
 */
import * as tf from '@tensorflow/tfjs';
import { defineOptions, float32Bytes, int, list, number, oneOf } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { experimentProgress } from '../../show/progress';
import { sigmoidGrad as sigmoidGradKernel } from '../../nets/activations';
import { activationFunction, ACTIVATION_FUNCTION_NAMES, ActivationFunctionName } from './functions';

/** Inputs x are limited to ±1000: beyond, every function here is flat or linear in float32. */
export const X_LIMIT = 1000;

/**
 * Defaults of {@link saturation}: the lecture's points and activations, chains of 1, 5 and 10
 * sigmoids at x = 10.
 *
 * @example
 * nn.activations.SATURATION_DEFAULTS.chain   // [1, 5, 10]
 */
export const SATURATION_DEFAULTS = {
  points: [-10, 0, 10], activations: ['sigmoid', 'tanh', 'relu'], chain: [1, 5, 10], saturatedAt: 10,
} as const;

/** The options of {@link saturation}, declared once (core/options.ts). */
export const SATURATION_FIELDS = {
  /** Where to read each local gradient. */
  points: list(number({ min: -X_LIMIT, max: X_LIMIT }), { minLength: 1, maxLength: 1000, default: SATURATION_DEFAULTS.points }),
  /** Which functions of the table (ACTIVATION_FUNCTIONS) to read. */
  activations: list(oneOf(ACTIVATION_FUNCTION_NAMES), { minLength: 1, maxLength: ACTIVATION_FUNCTION_NAMES.length, unique: true, default: SATURATION_DEFAULTS.activations }),
  /** Chain lengths k. */
  chain: list(int({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 100, unique: true, default: SATURATION_DEFAULTS.chain }),
  /** The pre-activation a of every sigmoid of the chain. */
  saturatedAt: number({ min: -100, max: 100, default: SATURATION_DEFAULTS.saturatedAt }),
};

export const SATURATION_OPTIONS = defineOptions('activations.saturation', SATURATION_FIELDS, {
  memory: (c) => ({
    bytes: float32Bytes(8 * (c.points.length * c.activations.length + Math.max(...c.chain))),
    argument: 'chain',
    what: `${c.activations.length} functions at ${c.points.length} points and a chain of ${Math.max(...c.chain)} links`,
  }),
});

/** Options of {@link saturation}. */
export interface SaturationOptions {
  points?: readonly number[];
  activations?: readonly ActivationFunctionName[];
  chain?: readonly number[];
  saturatedAt?: number;
  /** Live progress (one event per activation, then the chain); never recorded. */
  progress?: ProgressOption;
}

/** The resolved options, as the record carries them. */
export type SaturationConfig = ReturnType<typeof SATURATION_OPTIONS.resolve>;

/** One function's local gradients at the points. */
export interface LocalGradients { activation: ActivationFunctionName; label: string; x: number[]; gradient: number[] }

/** One chain length. */
export interface ChainRow {
  k: number;
  /** Π σ'(a) over k links, multiplied on the device in float32, one link at a time. */
  float32: number;
  /** σ'(a)^k in float64 (σ'(a) = σ(a)σ(-a) from Math.exp). */
  float64: number;
  /** log10 of the float64 product: how many decades the gradient lost. */
  log10: number;
  /** True when the float64 product is below float32's smallest normal number, 2^-126 ≈ 1.18e-38. */
  subnormal: boolean;
}

/** What {@link saturation} returns: plain JSON. */
export interface SaturationRecord {
  experiment: 'activationSaturation';
  options: SaturationConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  local: LocalGradients[];
  /** σ' on a grid of step 1/1000 over [-10, 10], float32: its maximum and where. */
  sigmoidMax: { x: number; value: number };
  chain: { saturatedAt: number; localGradient: number; rows: ChainRow[] };
  meta: { ms: number };
}

/** float32's smallest normal number. */
export const FLOAT32_MIN_NORMAL = 2 ** -126;

/**
 * The saturation experiment: local gradients of the chosen functions at the points, σ'(x)'s
 * maximum on [-10, 10], and the upstream gradient after chains of k sigmoids saturated at
 * `saturatedAt`. Every tensor is disposed before it resolves.
 *
 * @example
 * const r = await nn.activations.saturation({ chain: [1, 2, 3, 4, 5] });
 * r.chain.rows.map((c) => c.log10)   // [-4.3, -8.7, -13.0, -17.4, -21.7]
 */
export async function saturation(options: SaturationOptions = {}): Promise<SaturationRecord> {
  const start = performance.now();
  const { config, progress } = SATURATION_OPTIONS.take(options);
  const bar = experimentProgress(progress, { label: 'activations.saturation' });
  const total = config.activations.length + 2;
  try {
    const local: LocalGradients[] = [];
    for (const name of config.activations) {
      local.push(await localGradients(name, config.points));
      bar.report({ done: local.length, total, phase: 'local gradients', metrics: {} });
    }
    const sigmoidMax = await sigmoidMaximum();
    bar.report({ done: total - 1, total, phase: 'max of σ\'', metrics: { value: sigmoidMax.value } });
    const chain = await chainProducts(config.chain, config.saturatedAt);
    bar.report({ done: total, total, phase: 'chain', metrics: {} });
    return { experiment: 'activationSaturation', options: config, ...provenance(), local, sigmoidMax, chain, meta: { ms: performance.now() - start } };
  } finally {
    bar.finish();
  }
}

async function localGradients(name: ActivationFunctionName, points: readonly number[]): Promise<LocalGradients> {
  const f = activationFunction(name);
  const x = tf.tensor1d(points as number[]);
  const d = f.derivative(x);
  const gradient = Array.from(await d.data());
  tf.dispose([x, d]);
  return { activation: name, label: f.label, x: [...points], gradient };
}

/** σ' on x = -10, -9.999, ..., 10 (20001 points): its largest value and where it is. */
async function sigmoidMaximum(): Promise<{ x: number; value: number }> {
  const n = 20_001;
  const grid = Array.from({ length: n }, (_, i) => (i - 10_000) / 1000);
  const x = tf.tensor1d(grid);
  const d = sigmoidGradKernel(x);
  const v = await d.data();
  tf.dispose([x, d]);
  let best = 0;
  for (let i = 1; i < n; i++) if (v[i] > v[best]) best = i;
  return { x: grid[best], value: v[best] };
}

/** σ'(a)^k for each k: float32 on the device, link by link, and float64 in JS. */
async function chainProducts(ks: readonly number[], a: number): Promise<SaturationRecord['chain']> {
  const K = Math.max(...ks);
  const z = tf.fill([1], a);
  const g = sigmoidGradKernel(z);
  // upstream_i = upstream_(i-1) · σ'(z_i), upstream_0 = 1: what a backward pass through the chain multiplies
  const upstream = tf.tidy(() => {
    const values: tf.Tensor[] = [];
    let u: tf.Tensor = tf.ones([1]);
    for (let i = 1; i <= K; i++) { u = tf.mul(u, g); values.push(u); }
    return tf.concat(values);
  });
  const [products, local] = await Promise.all([upstream.data(), g.data()]);
  tf.dispose([z, g, upstream]);
  const a32 = Math.fround(a);
  const g64 = sigmoid64(a32) * sigmoid64(-a32);
  const rows = [...ks].map((k) => {
    const float64 = g64 ** k;
    return { k, float32: products[k - 1], float64, log10: Math.log10(float64), subnormal: float64 < FLOAT32_MIN_NORMAL };
  });
  return { saturatedAt: a, localGradient: local[0], rows };
}

function sigmoid64(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
