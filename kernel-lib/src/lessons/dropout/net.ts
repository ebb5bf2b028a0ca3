/**
 * The lecture's network with dropout (lesson 09): fully connected ReLU layers, a dropout point
 * after every hidden layer, an affine output. sizes [D, H1, H2, C] is the lecture's 3-layer net
 * (two dropout points); [784, 512, 512, 512, 10] is the MNIST MLP of the overfitting experiment.
 *
 *   h_0 = X;  for l = 1..L-1:  z_l = d_{l-1} · W_l + b_l,  h_l = max(0, z_l),  d_l = drop(h_l)
 *   scores = d_{L-1} · W_L + b_L                      (d_0 = X: the input is not dropped)
 *
 * drop() is {@link forward}: train x ⊙ U (vanilla) or x ⊙ U / p (inverted); at test time
 * ("predict") p · x (vanilla) or x (inverted). Rows are examples: X [N, D], W_l [fanIn, fanOut]
 * (the lecture writes np.dot(W1, X) with examples as columns; same numbers, transposed).
 *
 * The backward pass is written out, cs231n style (`forward -> {scores, cache}`,
 * `backward(dscores, cache)`), with explicit transposes before every product: the wasm backend
 * runs plain products on XNNPACK and transposed ones in a slow scalar loop (FINDINGS.md).
 * A float64 JavaScript twin ({@link netForward64}) takes the masks as arguments, for exact
 * expectations and tests.
 *
 * @example
 * const params64 = nn.dropout.netParams64([4, 8, 8, 1], 1);
 * const params = nn.dropout.netTensors(params64);
 * const { scores, cache } = nn.dropout.netForward(X, params, { p: 0.5, scheme: 'inverted', training: true, seed: seeds.next() });
 * const test = nn.dropout.netPredict(X, params, { p: 0.5, scheme: 'inverted' });
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt, checkNumber, checkShape } from '../../core/errors';
import { checkSeed, mulberry32, randomNormal, seedStream } from '../../core/rng';
import { initStd } from '../../nets/init';
import { boolean, checkMemory, custom, oneOf, optional, seed as seedField } from '../../core/options';
import { checkFinite, checkTensor } from '../../core/tensorChecks';
import { DropoutCache, backwardStep, dropoutStep, DropoutScheme, SCHEMES } from './dropout';
import { dropoutOptions, keepProbability } from './options';

/** Hidden-layer activations: ReLU (the lecture), or none (a linear net, where dropout's expectation is exact everywhere). */
export const NET_ACTIVATIONS = ['relu', 'linear'] as const;
export type NetActivation = typeof NET_ACTIVATIONS[number];

/** One affine layer as plain float64 numbers: W[fanIn][fanOut], b[fanOut]. */
export interface NetLayer64 { W: number[][]; b: number[] }
/** One affine layer as tensors. */
export interface NetLayer { W: tf.Tensor2D; b: tf.Tensor1D }

/** Options of the forward pass. */
export interface NetOptions {
  p: number;
  scheme: DropoutScheme;
  /** Required: train (masks) or test (the scheme's test-time rule). */
  training: boolean;
  /** Required when training: the sub-seed of this forward pass; each dropout point derives its own mask seed from it. */
  seed?: number;
  /** Default 'relu'. */
  activation?: NetActivation;
}

/** The options of {@link netForward}, declared once: those of nn.dropout.forward and the activation. */
const NET_FIELDS = {
  p: keepProbability(),
  scheme: oneOf(SCHEMES),
  training: boolean(),
  seed: optional(seedField()),
  activation: oneOf(NET_ACTIVATIONS, { default: 'relu' }),
};
const seedWhenTraining = (c: { training: boolean; seed: number | null }): void => {
  if (c.training && c.seed === null) {
    throw new ArgumentError('seed', undefined, 'an integer sub-seed when training (a new one per mask, e.g. seeds.next(): ' +
      'tfjs seeds are stateless, so a fixed seed repeats the same mask)');
  }
};
const NET_OPTIONS = dropoutOptions('dropout.netForward', NET_FIELDS, { rules: seedWhenTraining, progress: false });
const { training: _training, seed: _seed, ...PREDICT_FIELDS } = NET_FIELDS;
const PREDICT_OPTIONS = dropoutOptions('dropout.netPredict', PREDICT_FIELDS, { progress: false });

/** Resolved options of the forward pass (internal). */
export interface NetConfig { p: number; scheme: DropoutScheme; training: boolean; seed: number | null; activation: NetActivation }

/** One hidden layer's saved values. */
export interface NetHiddenCache { x: tf.Tensor2D; z: tf.Tensor2D; h: tf.Tensor2D; dropout: DropoutCache }
/** What {@link netBackward} needs. `x` of the first layer is the caller's X (not owned). */
export interface NetCache { hidden: NetHiddenCache[]; x: tf.Tensor2D; activation: NetActivation }

/**
 * Seeded parameters: W_l ~ N(0, 2 / fanIn) (He, drawn from the normal itself: tf's initializers
 * truncate, STYLE.md trap 1), b_l = 0, every number rounded to float32 so that the tensors and
 * the float64 twin hold the same values.
 *
 * @example
 * const params64 = nn.dropout.netParams64([4, 8, 8, 1], 1); // [{W: 4x8, b: 8}, {W: 8x8, b: 8}, {W: 8x1, b: 1}]
 */
export function netParams64(sizes: readonly number[], seed: number): NetLayer64[] {
  checkSizes(sizes);
  checkSeed('seed', seed);
  const weights = netParameterCount(sizes);
  // float64 arrays of arrays (8 bytes a number and more), and the float32 draws of the widest layer
  checkMemory('dropout.netParams64', { bytes: 16 * weights, argument: 'sizes', what: `${weights} parameters of the ${sizes.join('-')} net as float64 arrays` });
  return sizes.slice(1).map((fanOut, l) => {
    const flat = heWeights(sizes[l], fanOut, seed, l + 1);
    const W = Array.from({ length: sizes[l] }, (_, i) => Array.from(flat.subarray(i * fanOut, (i + 1) * fanOut)));
    return { W, b: new Array<number>(fanOut).fill(0) };
  });
}

/**
 * The weights of layer `layer` (1-based) of {@link netParams64}, row-major [fanIn, fanOut]
 * float32: W ~ N(0, 2 / fanIn) from the sub-seed seedStream(seed).derive('W<layer>').
 */
export function heWeights(fanIn: number, fanOut: number, seed: number, layer: number): Float32Array {
  const random = mulberry32(seedStream(seed).derive(`W${layer}`));
  const std = initStd('he', [fanIn, fanOut]);
  const W = new Float32Array(fanIn * fanOut);
  for (let k = 0; k < W.length; k++) W[k] = std * randomNormal(random);
  return W;
}

/**
 * Tensors of float64 parameters (the caller disposes them, e.g. with {@link disposeNet}).
 *
 * @example
 * const params = nn.dropout.netTensors(nn.dropout.netParams64([4, 8, 8, 1], 1));
 * console.log(params.map((l) => l.W.shape)); // [[4, 8], [8, 8], [8, 1]]
 * nn.dropout.disposeNet(params);
 */
export function netTensors(params: readonly NetLayer64[]): NetLayer[] {
  checkParams64(params);
  return params.map(({ W, b }) => ({ W: tf.tensor2d(W), b: tf.tensor1d(b) }));
}

/**
 * Frees parameter tensors.
 *
 * @example
 * const params = nn.dropout.netTensors(nn.dropout.netParams64([4, 8, 8, 1], 1));
 * nn.dropout.disposeNet(params); // frees every W and b
 */
export function disposeNet(params: readonly NetLayer[]): void {
  if (!Array.isArray(params)) throw new ArgumentError('params', params, 'an array of layers {W, b} (nn.dropout.netTensors(params64))');
  for (const layer of params) tf.dispose([layer?.W, layer?.b].filter((t): t is tf.Tensor => t instanceof tf.Tensor));
}

/**
 * The forward pass: scores [N, C] and the cache (new tensors, the caller's; free the cache with
 * {@link disposeNetCache}). Training draws one mask per dropout point, mask l with the
 * seed seedStream(seed).derive('U<l>').
 *
 * @example
 * const seeds = nn.seedStream(1);
 * const X = tf.tensor2d([[1, 0, -1, 2], [0.5, 1, 1, -2], [2, 2, 0, 1]]); // 3 examples, D = 4
 * const params = nn.dropout.netTensors(nn.dropout.netParams64([4, 8, 8, 1], 1));
 * const { scores, cache } = nn.dropout.netForward(X, params, { p: 0.5, scheme: 'inverted', training: true, seed: seeds.next() });
 * scores.print(); // [3, 1]: a new mask on every call
 * nn.dropout.disposeNetCache(cache);
 * tf.dispose([X, scores]);
 * nn.dropout.disposeNet(params);
 */
export function netForward(X: tf.Tensor2D, params: readonly NetLayer[], options: NetOptions):
  { scores: tf.Tensor2D; cache: NetCache } {
  const config = NET_OPTIONS.resolve(options);
  checkNetInput(X, params);
  return netForwardStep(X, params, config);
}

/** Throws unless X is a finite [N, D] tensor and params a net of live [fanIn, fanOut] tensors that takes D inputs. */
function checkNetInput(X: unknown, params: readonly NetLayer[]): void {
  checkNetParams(params);
  const x = checkTensor<tf.Tensor2D>('X', X, { rank: 2 });
  checkShape('X', x.shape, [null, params[0].W.shape[0]]);
  checkFinite('X', x);
}

/** Throws unless params is a non-empty array of layers {W [fanIn, fanOut], b [fanOut]} of live tensors that chain. */
function checkNetParams(params: unknown): asserts params is NetLayer[] {
  if (!Array.isArray(params) || params.length === 0) throw new ArgumentError('params', params, 'a non-empty array of layers {W, b} (nn.dropout.netTensors(params64))');
  params.forEach((layer: Partial<NetLayer> | null, l) => {
    const W = checkTensor<tf.Tensor2D>(`params[${l}].W`, layer?.W, { rank: 2 });
    checkTensor(`params[${l}].b`, layer?.b, { rank: 1 });
    checkShape(`params[${l}].b`, (layer as NetLayer).b.shape, [W.shape[1]]);
    if (l > 0) checkShape(`params[${l}].W`, W.shape, [(params[l - 1] as NetLayer).W.shape[1], null]);
  });
}

/**
 * {@link netForward} without the checks (internal: the experiments check their inputs once, not at
 * every chunk of masks or training step).
 */
export function netForwardStep(X: tf.Tensor2D, params: readonly NetLayer[], config: NetConfig):
  { scores: tf.Tensor2D; cache: NetCache } {
  const { p, scheme, training, seed, activation } = config;
  const seeds = training ? seedStream(seed as number) : null;
  const hidden: NetHiddenCache[] = [];
  let x = X;
  for (let l = 0; l < params.length - 1; l++) {
    const input = x;
    const layer = tf.tidy(() => {
      const z = tf.add(tf.matMul(input, params[l].W), params[l].b) as tf.Tensor2D;
      const h = activation === 'relu' ? tf.relu(z) as tf.Tensor2D : z.clone();
      const { out, cache } = dropoutStep(h, { p, scheme, training, seed: seeds ? seeds.derive(`U${l + 1}`) : null });
      return { z, h, multiplier: cache.multiplier, out: out as tf.Tensor2D };
    });
    hidden.push({ x: input, z: layer.z, h: layer.h, dropout: { multiplier: layer.multiplier } });
    x = layer.out;
  }
  const last = params[params.length - 1];
  const scores = tf.tidy(() => tf.add(tf.matMul(x, last.W), last.b)) as tf.Tensor2D;
  return { scores, cache: { hidden, x, activation } };
}

/**
 * Test-time scores ("predict"): the forward pass with training false, no mask, the scheme's
 * test-time rule (every hidden layer times p for vanilla, nothing for inverted).
 *
 * @example
 * const X = tf.tensor2d([[1, 0, -1, 2], [0.5, 1, 1, -2], [2, 2, 0, 1]]); // 3 examples, D = 4
 * const params = nn.dropout.netTensors(nn.dropout.netParams64([4, 8, 8, 1], 1));
 * const scores = nn.dropout.netPredict(X, params, { p: 0.5, scheme: 'vanilla' }); // [3, 1], no mask
 * scores.print();
 * tf.dispose([X, scores]);
 * nn.dropout.disposeNet(params);
 */
export function netPredict(X: tf.Tensor2D, params: readonly NetLayer[],
  options: Omit<NetOptions, 'training' | 'seed'>): tf.Tensor2D {
  const config = PREDICT_OPTIONS.resolve(options);
  checkNetInput(X, params);
  return netPredictStep(X, params, config);
}

/** {@link netPredict} without the checks (internal). */
export function netPredictStep(X: tf.Tensor2D, params: readonly NetLayer[], config: { p: number; scheme: DropoutScheme; activation: NetActivation }): tf.Tensor2D {
  const { scores, cache } = netForwardStep(X, params, { ...config, training: false, seed: null });
  disposeNetCache(cache);
  return scores;
}

/**
 * The backward pass from dscores = dL/dscores [N, C]: for the output layer dW = dᵀ · dscores,
 * db = Σ_rows dscores, dd = dscores · Wᵀ; for each hidden layer, last to first, through dropout
 * (dh = dd ⊙ multiplier), the ReLU (dz = dh ⊙ [z > 0]) and the affine map. Returns the gradient of
 * every layer (new tensors, the caller's), first layer first.
 *
 * @example
 * const seeds = nn.seedStream(1);
 * const X = tf.tensor2d([[1, 0, -1, 2], [0.5, 1, 1, -2], [2, 2, 0, 1]]); // 3 examples, D = 4
 * const params = nn.dropout.netTensors(nn.dropout.netParams64([4, 8, 8, 1], 1));
 * const { scores, cache } = nn.dropout.netForward(X, params, { p: 0.5, scheme: 'inverted', training: true, seed: seeds.next() });
 * const dscores = tf.onesLike(scores); // dL/dscores for L = Σ scores
 * const grads = nn.dropout.netBackward(dscores, cache, params); // [{dW, db}] per layer
 * console.log(grads.map((g) => g.dW.shape)); // [[4, 8], [8, 8], [8, 1]]
 * grads.forEach((g) => tf.dispose([g.dW, g.db]));
 * nn.dropout.disposeNetCache(cache);
 * tf.dispose([X, scores, dscores]);
 * nn.dropout.disposeNet(params);
 */
export function netBackward(dscores: tf.Tensor2D, cache: NetCache, params: readonly NetLayer[]):
  { dW: tf.Tensor2D; db: tf.Tensor1D }[] {
  checkNetParams(params);
  const d = checkTensor<tf.Tensor2D>('dscores', dscores, { rank: 2 });
  if (cache === null || typeof cache !== 'object' || !Array.isArray(cache.hidden) || cache.hidden.length !== params.length - 1) {
    throw new ArgumentError('cache', cache, `the cache that nn.dropout.netForward returned for these params (${params.length - 1} hidden layers)`);
  }
  checkTensor('cache.x', cache.x, { rank: 2 });
  checkShape('dscores', d.shape, [cache.x.shape[0], params[params.length - 1].W.shape[1]]);
  checkFinite('dscores', d);
  return netBackwardStep(d, cache, params);
}

/** {@link netBackward} without the checks (internal: the training step). */
export function netBackwardStep(dscores: tf.Tensor2D, cache: NetCache, params: readonly NetLayer[]):
  { dW: tf.Tensor2D; db: tf.Tensor1D }[] {
  return tf.tidy(() => {
    const grads: { dW: tf.Tensor2D; db: tf.Tensor1D }[] = new Array(params.length);
    const L = params.length - 1;
    grads[L] = { dW: matMulAT(cache.x, dscores), db: tf.sum(dscores, 0) };
    let dd = matMulBT(dscores, params[L].W);
    for (let l = L - 1; l >= 0; l--) {
      const c = cache.hidden[l];
      const dh = backwardStep(dd, c.dropout);
      const dz = (cache.activation === 'relu' ? tf.mul(dh, tf.step(c.z, 0)) : dh) as tf.Tensor2D;
      grads[l] = { dW: matMulAT(c.x, dz), db: tf.sum(dz, 0) };
      if (l > 0) dd = matMulBT(dz, params[l].W);
    }
    return grads;
  });
}

/**
 * Frees a forward cache (not the input X).
 *
 * @example
 * const X = tf.tensor2d([[1, 0, -1, 2], [0.5, 1, 1, -2], [2, 2, 0, 1]]); // 3 examples, D = 4
 * const params = nn.dropout.netTensors(nn.dropout.netParams64([4, 8, 8, 1], 1));
 * const { scores, cache } = nn.dropout.netForward(X, params, { p: 0.5, scheme: 'vanilla', training: true, seed: 1 });
 * nn.dropout.disposeNetCache(cache); // frees the saved activations and masks, not X
 * tf.dispose([X, scores]);
 * nn.dropout.disposeNet(params);
 */
export function disposeNetCache(cache: NetCache): void {
  if (cache === null || typeof cache !== 'object' || !Array.isArray(cache.hidden) || !(cache.x instanceof tf.Tensor)) {
    throw new ArgumentError('cache', cache, 'the cache that nn.dropout.netForward returned ({ hidden, x, activation })');
  }
  cache.hidden.forEach((c, l) => {
    if (l > 0) c.x.dispose();
    tf.dispose([c.z, c.h, c.dropout.multiplier]);
  });
  if (cache.hidden.length > 0) cache.x.dispose();
}

/** Options of the float64 twin: the masks are given (one 0/1 array per hidden layer) when training. */
export interface Net64Options {
  p: number;
  scheme: DropoutScheme;
  training: boolean;
  /** masks[l][j] in {0, 1}: unit j of hidden layer l + 1 kept or dropped. Required when training. */
  masks?: readonly (readonly number[])[];
  activation?: NetActivation;
}

/** The options of {@link netForward64}, declared once. */
const NET64_OPTIONS = dropoutOptions('dropout.netForward64', {
  p: keepProbability(),
  scheme: oneOf(SCHEMES),
  training: boolean(),
  masks: optional(custom((name, v) => {
    if (!Array.isArray(v) || v.some((m) => !Array.isArray(m))) throw new ArgumentError(name, v, 'an array of 0/1 arrays, one per hidden layer');
    return v as number[][];
  })),
  activation: oneOf(NET_ACTIVATIONS, { default: 'relu' }),
}, { progress: false });

/** Every layer's values for one example, in float64. */
export interface Net64Values {
  /** z_l per hidden layer (pre-activations). */
  z: number[][];
  /** h_l = max(0, z_l) per hidden layer (before dropout). */
  h: number[][];
  scores: number[];
}

/**
 * The forward pass for one example x [D] in float64 with given masks: the reference that tests
 * and exact expectations use. Same formulas as {@link netForward}.
 *
 * @example
 * const params64 = nn.dropout.netParams64([4, 8, 8, 1], 1);
 * const x = [1, 0, -1, 2];
 * const { z, h, scores } = nn.dropout.netForward64(x, params64, { p: 0.5, scheme: 'inverted', training: true, masks: [[1, 0, 1, 1, 0, 1, 1, 0], [0, 1, 1, 1, 1, 0, 1, 1]] });
 * console.log(z.length, h[0].length, scores); // 2 8 [one score]
 */
export function netForward64(x: readonly number[], params: readonly NetLayer64[], options: Net64Options): Net64Values {
  const { p, scheme, training, masks, activation } = NET64_OPTIONS.resolve(options);
  const relu = activation === 'relu';
  checkParams64(params);
  if (!Array.isArray(x) || x.length !== params[0].W.length) throw new ArgumentError('x', x, `an array of ${params[0].W.length} numbers (the net's inputs)`);
  x.forEach((v, i) => checkNumber(`x[${i}]`, v));
  if (training && (!masks || masks.length !== params.length - 1)) {
    throw new ArgumentError('masks', masks ?? undefined, `one mask per hidden layer (${params.length - 1}) when training`);
  }
  masks?.forEach((m, l) => {
    if (l >= params.length - 1 || m.length !== params[l].b.length || m.some((v) => v !== 0 && v !== 1)) {
      throw new ArgumentError(`masks[${l}]`, m, `${params[l]?.b.length ?? 'no'} values, each 0 or 1 (hidden layer ${l + 1}'s units)`);
    }
  });
  const z: number[][] = [];
  const h: number[][] = [];
  let d: readonly number[] = x;
  for (let l = 0; l < params.length - 1; l++) {
    const zl = affine64(d, params[l]);
    const hl = relu ? zl.map((v) => (v > 0 ? v : 0)) : zl;
    z.push(zl);
    h.push(hl);
    const mult = training ? masks![l].map((m) => (scheme === 'inverted' ? m / p : m)) : null;
    d = hl.map((v, j) => v * (mult ? mult[j] : scheme === 'vanilla' ? p : 1));
  }
  return { z, h, scores: affine64(d, params[params.length - 1]) };
}

/**
 * Number of parameters (weights and biases) of a net of `sizes`: Σ (fanIn + 1) · fanOut.
 *
 * @example
 * nn.dropout.netParameterCount([784, 512, 512, 512, 10]); // 932,362
 */
export function netParameterCount(sizes: readonly number[]): number {
  checkSizes(sizes);
  let n = 0;
  for (let l = 1; l < sizes.length; l++) n += (sizes[l - 1] + 1) * sizes[l];
  return n;
}

/** x · W + b for one example, in float64. */
export function affine64(x: readonly number[], { W, b }: NetLayer64): number[] {
  const out = b.slice();
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    const row = W[i];
    for (let j = 0; j < out.length; j++) out[j] += xi * row[j];
  }
  return out;
}

/** aᵀ · b as an explicit transpose and a plain product (fast on wasm). */
function matMulAT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.matMul(tf.transpose(a), b));
}

/** a · bᵀ as an explicit transpose and a plain product (fast on wasm). */
function matMulBT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.matMul(a, tf.transpose(b)));
}

/** Most layers and units per layer of a net here (the MNIST MLP is 784-512-512-512-10). */
export const NET_LIMITS = { layers: 32, width: 65_536 } as const;

function checkSizes(sizes: readonly number[]): void {
  if (!Array.isArray(sizes) || sizes.length < 2 || sizes.length > NET_LIMITS.layers) {
    throw new ArgumentError('sizes', sizes, `an array [D, H1, ..., C] of 2 to ${NET_LIMITS.layers} layer sizes`);
  }
  sizes.forEach((s, i) => checkInt(`sizes[${i}]`, s, { min: 1, max: NET_LIMITS.width }));
}

export function checkParams64(params: readonly NetLayer64[]): void {
  if (!Array.isArray(params) || params.length < 1) throw new ArgumentError('params', params, 'a non-empty array of layers {W, b}');
  params.forEach(({ W, b }, l) => {
    if (!Array.isArray(W) || W.length === 0 || !Array.isArray(W[0])) throw new ArgumentError(`params[${l}].W`, W, 'a non-empty [fanIn][fanOut] array');
    if (!Array.isArray(b) || b.length !== W[0].length) throw new ArgumentError(`params[${l}].b.length`, b?.length, `fanOut (${W[0].length})`);
    if (l > 0 && W.length !== params[l - 1].b.length) throw new ArgumentError(`params[${l}].W.length`, W.length, `the previous layer's fanOut (${params[l - 1].b.length})`);
  });
}
