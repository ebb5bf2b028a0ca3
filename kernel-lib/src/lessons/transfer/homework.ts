/**
 * Homework 10 (lesson 10): freeze a pretrained model and fine-tune its top,
 * `prepareFineTune(base, classes, trainTop) -> model`:
 *
 *   - cut the old head (base's last layer) off, keep every layer below it (shared, not copied);
 *   - freeze the pretrained layers with weights, except the top `trainTop` of them (nearest the output);
 *   - put a new Dense softmax layer with `classes` units on the layer below the old head.
 *
 * The base is the lesson's CNN (conv1, pool1, conv2, pool2, conv3, flatten, head; nn.transfer.buildBaseCnn)
 * with seeded weights, so the checks need no dataset. Cases check the output shape, that the
 * pretrained layers are reused and the old head is gone, exactly which layers are trainable, and
 * that a few Adam steps change the trainable weights and leave every frozen weight bit-identical.
 * Known mistakes: froze nothing, froze the new head too, unfroze the bottom layers instead of the
 * top, counted layers without weights (pooling, flatten) as layers, kept the old head, stacked the
 * new head on the old one, built fresh layers instead of reusing the pretrained ones.
 */
import * as tf from '@tensorflow/tfjs';
import { buildBaseCnn, weightSnapshot } from './strategies';
import { crossEntropy } from './train';
import { describe } from '../../core/errors';
import { CaseContext, CaseOutcome, CheckCase, Exercise, REMOTE_CALL, ReturnError } from '../../core/exercise';

const FN = 'prepareFineTune';
const SIGNATURE = 'function prepareFineTune(base: nn.tf.LayersModel, classes: number, trainTop: number): nn.tf.LayersModel';

/** The pretrained weight layers below the head of the lesson's base CNN, input side first. */
const BASE_WEIGHT_LAYERS = ['conv1', 'conv2', 'conv3'];

interface Built {
  base: tf.LayersModel;
  model: tf.LayersModel;
  /**
   * True when `model` layer `l` is the base's layer `b`: the same object, or (the student's code ran
   * in the grader's kernel and the model came back as data) the same name and the same weights.
   */
  same(l: tf.layers.Layer, b: tf.layers.Layer): boolean;
  /** Frees the student's new layers and the base, and adds any tensor the student's code leaked to ctx. */
  release(): void;
}

/** Builds a seeded base, calls the student's function and checks that it returned a Layers model. */
async function build(ctx: CaseContext, fn: unknown, classes: number, trainTop: number, seed: number): Promise<Built> {
  if (typeof fn !== 'function') throw new ReturnError(`${FN} is not a function (got ${describe(fn)})`);
  const before = tf.memory().numTensors;
  const base = buildBaseCnn({ classes: 5, seed });
  const release = (model?: tf.LayersModel) => {
    const own = new Set(base.layers);
    for (const l of model?.layers ?? []) {
      if (!own.has(l)) try { l.dispose(); } catch { /* not built, or already disposed */ }
    }
    try { base.dispose(); } catch { /* the student disposed it */ }
    ctx.leaked += Math.max(0, tf.memory().numTensors - before);
  };
  let model: unknown;
  try {
    model = await (fn as (...a: unknown[]) => unknown)(base, classes, trainTop);
  } catch (err) {
    release();
    throw err;
  }
  if (!(model instanceof tf.LayersModel)) {
    release();
    const kind = model === undefined ? 'undefined (did you forget to return?)' : describe(model);
    throw new ReturnError(`${FN}(base, ${classes}, ${trainTop}) must return a tf.LayersModel (tf.model({inputs, outputs})), got ${kind}`);
  }
  const remote = REMOTE_CALL in fn;
  const same = (l: tf.layers.Layer, b: tf.layers.Layer) => l === b || (remote && l.name === b.name && sameWeights(l, b));
  return { base, model, same, release: () => release(model as tf.LayersModel) };
}

/** True when two layers hold weights of the same shapes and values. */
function sameWeights(a: tf.layers.Layer, b: tf.layers.Layer): boolean {
  const wa = a.getWeights();
  const wb = b.getWeights();
  return wa.length === wb.length && wa.every((t, i) => {
    const u = wb[i];
    if (t.shape.join() !== u.shape.join()) return false;
    const x = t.dataSync();
    const y = u.dataSync();
    return x.every((v, k) => v === y[k]);
  });
}

/** What the returned model trains, among the pretrained layers (by name), and whether its head is new and trainable. */
function trainableLayers(b: Built): { pretrained: string[]; headTrainable: boolean } {
  const trainable = b.model.layers.filter((l) => l.trainable && l.trainableWeights.length > 0);
  const pretrained = b.base.layers.filter((l) => l.weights.length > 0 && trainable.some((t) => b.same(t, l))).map((l) => l.name);
  const head = b.model.layers[b.model.layers.length - 1];
  return { pretrained, headTrainable: trainable.includes(head) };
}

/** The structural problems of a returned model (null when the shape and the wiring are right). */
function wiringProblem(b: Built, classes: number): { message: string; hint: string } | null {
  const out = b.model.outputs[0].shape;
  const oldHead = b.base.layers[b.base.layers.length - 1];
  if (b.model.layers.some((l) => b.same(l, oldHead))) {
    return out[out.length - 1] === 5 && classes !== 5
      ? { message: `the output has 5 units (the old head's), expected ${classes}`, hint: 'kept the old head: cut it off (start from the layer below it, base.layers[base.layers.length - 2].output) and put a new Dense(classes, softmax) there' }
      : { message: 'the old head is still in the model', hint: 'stacked the new head on top of the old head: the old head\'s 5 softmax outputs are not features; put the new head on the layer below it' };
  }
  if (out.length !== 2 || out[1] !== classes) {
    return { message: `the output has shape [${out.join(', ')}], expected [null, ${classes}]`, hint: `the new head needs ${classes} units: tf.layers.dense({units: classes, activation: 'softmax'})` };
  }
  const missing = BASE_WEIGHT_LAYERS.filter((n) => !b.model.layers.some((l) => b.same(l, b.base.getLayer(n))));
  if (missing.length > 0) {
    return {
      message: `the pretrained layers ${missing.join(', ')} are not in the model`,
      hint: 'built new layers instead of reusing the pretrained ones (their weights would be random): build the model from base.inputs and the output of the layer below the old head, tf.model({inputs: base.inputs, outputs})',
    };
  }
  const last = b.model.layers[b.model.layers.length - 1];
  if (last.getClassName() !== 'Dense' || (last.getConfig().activation as string) !== 'softmax') {
    return { message: `the last layer is a ${last.getClassName()} (activation ${String(last.getConfig().activation)})`, hint: 'the new head is a Dense layer with a softmax activation' };
  }
  return null;
}

/**
 * A case on a correctly wired model: builds it with the student's function, fails the case on a
 * wiring problem, else runs `body`; frees the model and the base afterwards.
 */
function wiredCase(name: string, classes: number, trainTop: number, seed: number, body: (b: Built, seed: number) => CaseOutcome | Promise<CaseOutcome>): CheckCase {
  return {
    name,
    async run([fn], ctx) {
      const s = ctx.seed(seed); // the base's weights (and the training batch): fresh in every grading run
      const b = await build(ctx, fn, classes, trainTop, s);
      try {
        const problem = wiringProblem(b, classes);
        return problem ? { passed: false, ...problem } : await body(b, s);
      } finally {
        b.release();
      }
    },
  };
}

/** Case: the model's wiring, and exactly the top `trainTop` pretrained weight layers plus the new head trainable. */
function freezeCase(name: string, classes: number, trainTop: number, seed: number): CheckCase {
  return wiredCase(name, classes, trainTop, seed, (b) => {
    const { pretrained, headTrainable } = trainableLayers(b);
    const expected = BASE_WEIGHT_LAYERS.slice(BASE_WEIGHT_LAYERS.length - trainTop);
    const message = `trainable: ${[...pretrained, ...(headTrainable ? ['new head'] : [])].join(', ') || 'nothing'}; expected ${[...expected, 'new head'].join(', ')}`;
    if (headTrainable && pretrained.join() === expected.join()) return { passed: true, message };
    let hint: string | undefined;
    if (!headTrainable) hint = 'froze the new head too: the new layer must train (it starts from random weights)';
    else if (pretrained.length === BASE_WEIGHT_LAYERS.length && trainTop < BASE_WEIGHT_LAYERS.length) hint = 'froze nothing: set layer.trainable = false on the pretrained layers below the top ones';
    else if (pretrained.join() === BASE_WEIGHT_LAYERS.slice(0, trainTop).join()) hint = 'unfroze the bottom layers: the top layers are the ones nearest the output (the end of base.layers)';
    else if (pretrained.length < expected.length) hint = 'count only the layers that have weights (conv, dense): pooling and flatten layers have nothing to train (layer.weights.length > 0)';
    return { passed: false, message, hint };
  });
}

/** Case: three Adam steps on random data change every trainable weight and no frozen one. */
function trainingCase(name: string, classes: number, trainTop: number, seed: number): CheckCase {
  return wiredCase(name, classes, trainTop, seed, (b, s) => {
    const vars = b.model.trainableWeights.map((w) => w.read() as tf.Variable);
    if (vars.length === 0) return { passed: false, message: 'the model has no trainable weights', hint: 'froze the new head too: the new layer must train' };
    const before = weightSnapshot(b.model);
    const optimizer = tf.train.adam(1e-2);
    const x = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', s);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1], 'int32'), classes));
    try {
      for (let step = 0; step < 3; step++) {
        const cost = optimizer.minimize(() => crossEntropy(b.model.apply(x, { training: true }) as tf.Tensor2D, y as tf.Tensor2D), true, vars);
        cost?.dispose();
      }
    } finally {
      optimizer.dispose();
      tf.dispose([x, y]);
    }
    const after = weightSnapshot(b.model);
    const trainable = new Set(b.model.trainableWeights.map((w) => w.originalName));
    const moved = Object.keys(before).filter((k) => before[k].some((v, i) => v !== after[k][i]));
    const frozenMoved = moved.filter((k) => !trainable.has(k));
    const stuck = [...trainable].filter((k) => !moved.includes(k));
    const passed = frozenMoved.length === 0 && stuck.length === 0;
    const frozenCount = Object.keys(before).length - trainable.size;
    return {
      passed,
      message: passed ? `after 3 Adam steps: ${moved.length} trainable weight tensors changed, ${frozenCount} frozen ones bit-identical`
        : `after 3 Adam steps: frozen weights changed: ${frozenMoved.join(', ') || 'none'}; trainable weights that did not change: ${stuck.join(', ') || 'none'}`,
      hint: passed ? undefined : frozenMoved.length > 0 ? 'a weight you froze still changed: freeze with layer.trainable = false before training' : undefined,
    };
  });
}

/** Homework 10: freeze a pretrained model and fine-tune its top. */
export const FREEZE_AND_FINE_TUNE: Exercise = {
  name: 'prepareFineTune', homework: 'hw10-transfer-learning', lesson: '10', title: 'Freeze a pretrained model, new head, fine-tune the top', points: 10,
  functions: [FN], signature: SIGNATURE,
  cases: [
    freezeCase('trainTop = 0, 3 classes: a linear classifier on frozen features (only the new head trains)', 3, 0, 61),
    freezeCase('trainTop = 1, 4 classes: conv3 and the new head train, conv1 and conv2 are frozen', 4, 1, 62),
    freezeCase('trainTop = 2, 2 classes: conv2, conv3 and the head train', 2, 2, 63),
    freezeCase('edge case trainTop = 3 (all pretrained layers), 6 classes: everything trains', 6, 3, 64),
    trainingCase('training with trainTop = 1: frozen weights stay bit-identical, trainable ones move', 4, 1, 65),
    trainingCase('training with trainTop = 0: only the new head moves', 3, 0, 66),
  ],
};
