/**
 * Lesson 11's sizes: the output size of a convolution ⌊(W − F + 2P)/S⌋ + 1 on the lecture's
 * examples, what tfjs does with 'valid' and 'same' on the same numbers, and a per-layer table of
 * output shapes and parameter counts for a whole network written as a short spec string, checked
 * against a tf.layers model built from the same spec.
 *
 * The spec: layers separated by commas, input 32×32×3 unless given.
 *
 * | token | layer | parameters |
 * |---|---|---|
 * | `conv3-32` | 3×3 conv, 32 filters, stride 1, 'same' padding | (F·F·Cin + 1)·K |
 * | `conv5-16s2p1` | 5×5 conv, 16 filters, stride 2 (`s2`), P = 1 zeros on each side (`p1`; or `valid` / `same`) | (F·F·Cin + 1)·K |
 * | `pool2`, `pool3s2`, `avgpool2` | max / average pooling, window F, stride F unless `s` | 0 |
 * | `bn` | batch norm over channels (γ, β trainable; moving mean and variance not) | 4·C (2·C trainable) |
 * | `drop`, `relu`, `flatten` | no parameters (a dense layer flattens by itself) | 0 |
 * | `fc512` | dense with 512 outputs | (in + 1)·out |
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt } from '../../core/errors';
import { custom, defineOptions, OptionsOf } from '../../core/options';
import { ExperimentRecord, provenance } from '../../core/record';
import { convOutputSize, tfjsPadding } from '../../nets/conv64';

/** The lecture's CIFAR-10 CNN as a spec: three blocks conv-BN-conv-BN-maxpool-dropout (32/64/128), dense 512, BN, dropout, dense 10. */
export const LECTURE_CIFAR_SPEC = 'conv3-32,bn,conv3-32,bn,pool2,drop,conv3-64,bn,conv3-64,bn,pool2,drop,conv3-128,bn,conv3-128,bn,pool2,drop,fc512,bn,drop,fc10';
/** Its parameter count, keras-style (batch norm's moving statistics included): 1,345,066, of which 1,343,146 trainable. */
export const LECTURE_CIFAR_PARAMS = { total: 1_345_066, trainable: 1_343_146 } as const;

/** One parsed layer of a spec. */
export type SpecLayer =
  | { kind: 'conv'; token: string; F: number; K: number; S: number; pad: number | 'same' | 'valid' }
  | { kind: 'pool'; token: string; F: number; S: number; mode: 'max' | 'avg' }
  | { kind: 'bn' | 'drop' | 'relu' | 'flatten'; token: string }
  | { kind: 'fc'; token: string; units: number };

/** An input volume H×W×C. */
export interface Volume { H: number; W: number; C: number }

const TOKENS = "conv<F>-<K>[s<S>][p<P>|valid|same], pool<F>[s<S>], avgpool<F>[s<S>], bn, drop, relu, flatten, fc<N>";

/**
 * Parses a network spec ("conv3-32,pool2,fc10") into layers; an unknown token is an ArgumentError
 * that names it and lists the grammar.
 *
 * @example
 * nn.cnn.parseNetSpec('conv5-16s2p1,pool2,fc10')
 * // [{ kind: 'conv', F: 5, K: 16, S: 2, pad: 1, ... }, { kind: 'pool', F: 2, S: 2, mode: 'max', ... }, { kind: 'fc', units: 10, ... }]
 */
export function parseNetSpec(spec: string): SpecLayer[] {
  if (typeof spec !== 'string' || spec.trim() === '') throw new ArgumentError('spec', spec, `a comma-separated list of layers: ${TOKENS}`);
  const tokens = spec.split(',').map((t) => t.trim());
  if (tokens.length > 200) throw new ArgumentError('spec', `${tokens.length} layers`, 'at most 200 layers');
  return tokens.map((token, n) => {
    const name = `spec[${n}]`;
    const bad = () => new ArgumentError(name, token, `one of ${TOKENS}`);
    let m = /^conv(\d+)-(\d+)(?:s(\d+))?(?:p(\d+)|(valid)|(same))?$/.exec(token);
    if (m) {
      const F = checkInt(`${name} filter size`, Number(m[1]), { min: 1, max: 1024 });
      const K = checkInt(`${name} filters`, Number(m[2]), { min: 1, max: 65536 });
      const S = checkInt(`${name} stride`, Number(m[3] ?? 1), { min: 1, max: 1024 });
      const pad = m[4] !== undefined ? checkInt(`${name} padding`, Number(m[4]), { min: 0, max: 1024 }) : (m[5] as 'valid' | undefined) ?? 'same';
      return { kind: 'conv', token, F, K, S, pad };
    }
    m = /^(avg)?pool(\d+)(?:s(\d+))?$/.exec(token);
    if (m) {
      const F = checkInt(`${name} window`, Number(m[2]), { min: 1, max: 1024 });
      return { kind: 'pool', token, F, S: checkInt(`${name} stride`, Number(m[3] ?? F), { min: 1, max: 1024 }), mode: m[1] ? 'avg' : 'max' };
    }
    m = /^fc(\d+)$/.exec(token);
    if (m) return { kind: 'fc', token, units: checkInt(`${name} units`, Number(m[1]), { min: 1, max: 1_000_000 }) };
    if (token === 'bn' || token === 'drop' || token === 'relu' || token === 'flatten') return { kind: token, token };
    throw bad();
  });
}

/** One row of {@link layerTable}. */
export interface LayerRow {
  layer: string;
  /** The output shape without the batch: [H, W, C] or [N]. */
  output: number[];
  params: number;
  trainable: number;
  /** How the size came out: the formula with its numbers, and a warning where the stride does not fit. */
  note: string;
}

/** The per-layer table of a spec, with its totals. */
export interface LayerTable { spec: string; input: Volume; rows: LayerRow[]; total: number; trainable: number }

function checkVolume(input: unknown): Volume {
  if (!input || typeof input !== 'object') throw new ArgumentError('input', input, 'an object { H, W, C }');
  const v = input as Volume;
  return { H: checkInt('input.H', v.H, { min: 1, max: 4096 }), W: checkInt('input.W', v.W, { min: 1, max: 4096 }), C: checkInt('input.C', v.C, { min: 1, max: 4096 }) };
}

/** Output size along one axis for a conv or pool layer, with the formula in words. */
function axis(W: number, F: number, S: number, pad: number | 'same' | 'valid', layer: string): { size: number; note: string } {
  if (pad === 'same' || pad === 'valid') {
    if (pad === 'valid' && F > W) throw new ArgumentError('spec', layer, `a layer whose window fits its ${W}-wide input`, `${layer}: a ${F}-wide window does not fit a ${W}-wide input`);
    const p = tfjsPadding(W, F, S, pad);
    if (pad === 'valid') {
      const r = convOutputSize({ W, F, P: 0, S });
      return { size: p.size, note: `⌊(${W} − ${F})/${S}⌋ + 1 = ${p.size}${r.exact ? '' : ` (stride does not fit: ${r.dropped} dropped)`}` };
    }
    return { size: p.size, note: `'same': ⌈${W}/${S}⌉ = ${p.size}${p.before + p.after ? ` (zeros: ${p.before} before, ${p.after} after)` : ''}` };
  }
  if (F > W + 2 * pad) throw new ArgumentError('spec', layer, `a layer whose window fits its padded input`, `${layer}: a ${F}-wide window does not fit the padded ${W + 2 * pad}-wide input`);
  const r = convOutputSize({ W, F, P: pad, S });
  return { size: r.size, note: `⌊(${W} − ${F} + 2·${pad})/${S}⌋ + 1 = ${r.size}${r.exact ? '' : ` (stride does not fit: ${r.dropped} row(s) dropped)`}` };
}

/**
 * Output shape and parameter count of every layer of a spec, by the lecture's formulas: a conv
 * layer has (F·F·Cin + 1)·K parameters (K filters of F·F·Cin weights and a bias each, shared over
 * every position), pooling and dropout none, batch norm 4·C (γ, β trainable; the moving mean and
 * variance counted as keras and tf.layers do), a dense layer (in + 1)·out.
 *
 * @example
 * const t = nn.cnn.layerTable(nn.cnn.LECTURE_CIFAR_SPEC);
 * t.total       // 1345066
 * t.trainable   // 1343146
 * nn.cnn.layerTable('conv5-16s2p1', { H: 28, W: 28, C: 1 }).rows[0].output   // [13, 13, 16]
 */
export function layerTable(spec: string, input: Volume = { H: 32, W: 32, C: 3 }): LayerTable {
  const layers = parseNetSpec(spec);
  const v = checkVolume(input);
  let shape: number[] = [v.H, v.W, v.C];
  const rows: LayerRow[] = [];
  for (const l of layers) {
    let params = 0; let trainable = 0; let note = '';
    if (l.kind === 'conv' || l.kind === 'pool') {
      if (shape.length !== 3) throw new ArgumentError('spec', l.token, 'a conv or pool layer before any dense layer', `${l.token} comes after a dense layer: its input is flat`);
      const pad = l.kind === 'conv' ? l.pad : 'valid';
      const h = axis(shape[0], l.F, l.S, pad, l.token);
      const w = axis(shape[1], l.F, l.S, pad, l.token);
      const C = l.kind === 'conv' ? l.K : shape[2];
      if (l.kind === 'conv') { params = trainable = (l.F * l.F * shape[2] + 1) * l.K; note = `${h.note}; (${l.F}·${l.F}·${shape[2]} + 1)·${l.K}`; } else note = `${h.note}; no parameters`;
      shape = [h.size, w.size, C];
    } else if (l.kind === 'bn') {
      const C = shape[shape.length - 1];
      params = 4 * C; trainable = 2 * C; note = `γ, β: 2·${C} trainable; moving mean, variance: 2·${C} not`;
    } else if (l.kind === 'fc') {
      const n = shape.reduce((a, b) => a * b, 1);
      params = trainable = (n + 1) * l.units; note = `(${n} + 1)·${l.units}`;
      shape = [l.units];
    } else if (l.kind === 'flatten') {
      shape = [shape.reduce((a, b) => a * b, 1)];
      note = 'no parameters';
    } else note = 'no parameters';
    rows.push({ layer: l.token, output: [...shape], params, trainable, note });
  }
  return { spec, input: v, rows, total: rows.reduce((a, r) => a + r.params, 0), trainable: rows.reduce((a, r) => a + r.trainable, 0) };
}

/**
 * The spec as a tf.layers model (explicit padding P as a zeroPadding2d layer before a 'valid'
 * conv; a dense layer after a volume gets a flatten first). The caller disposes it.
 *
 * @example
 * const model = nn.cnn.specModel('conv3-32,pool2,fc10');
 * model.summary();
 * model.dispose();
 */
export function specModel(spec: string, input: Volume = { H: 32, W: 32, C: 3 }): tf.Sequential {
  const layers = parseNetSpec(spec);
  const v = checkVolume(input);
  layerTable(spec, v);   // the same errors as the table, before any tfjs work
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [v.H, v.W, v.C] }));
  let flat = false;
  for (const l of layers) {
    if (l.kind === 'conv') {
      if (typeof l.pad === 'number' && l.pad > 0) model.add(tf.layers.zeroPadding2d({ padding: l.pad }));
      model.add(tf.layers.conv2d({ filters: l.K, kernelSize: l.F, strides: l.S, padding: l.pad === 'same' ? 'same' : 'valid' }));
    } else if (l.kind === 'pool') {
      const o = { poolSize: l.F, strides: l.S, padding: 'valid' as const };
      model.add(l.mode === 'max' ? tf.layers.maxPooling2d(o) : tf.layers.averagePooling2d(o));
    } else if (l.kind === 'bn') model.add(tf.layers.batchNormalization());
    else if (l.kind === 'drop') model.add(tf.layers.dropout({ rate: 0.25 }));
    else if (l.kind === 'relu') model.add(tf.layers.activation({ activation: 'relu' }));
    else if (l.kind === 'flatten') { model.add(tf.layers.flatten()); flat = true; } else if (l.kind === 'fc') {
      if (!flat) { model.add(tf.layers.flatten()); flat = true; }
      model.add(tf.layers.dense({ units: l.units }));
    }
  }
  return model;
}

/** The table next to tf.layers: each row's output shape and countParams() from the model. */
export interface TfLayersCheck {
  rows: { layer: string; output: number[]; params: number }[];
  total: number;
  trainable: number;
  /** Every row's shape and count equal, and the totals equal. */
  equal: boolean;
}

/**
 * Builds {@link specModel} and reads back, per spec layer, the output shape and countParams() of
 * its tf.layers layer (a zeroPadding2d / flatten it added folds into the next layer), the
 * model's countParams() and its trainable count; compares them with {@link layerTable}.
 *
 * @example
 * nn.cnn.tfLayersCheck(nn.cnn.LECTURE_CIFAR_SPEC).equal   // true
 */
export function tfLayersCheck(spec: string, input: Volume = { H: 32, W: 32, C: 3 }): TfLayersCheck {
  const table = layerTable(spec, input);
  const model = specModel(spec, input);
  try {
    const rows: TfLayersCheck['rows'] = [];
    const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
    let k = 0;
    for (const row of table.rows) {
      let params = 0;
      // helper layers added before this spec layer (padding, an implicit flatten) have no parameters
      while (k < layers.length - 1 && (layers[k].getClassName() === 'ZeroPadding2D' || (layers[k].getClassName() === 'Flatten' && !row.layer.startsWith('flatten')))) {
        params += layers[k].countParams(); k++;
      }
      const layer = layers[k++];
      params += layer.countParams();
      rows.push({ layer: row.layer, output: (layer.outputShape as (number | null)[]).slice(1) as number[], params });
    }
    const trainable = model.trainableWeights.reduce((a, w) => a + (w.shape as number[]).reduce((x, y) => x * y, 1), 0);
    const total = model.countParams();
    const equal = total === table.total && trainable === table.trainable && rows.every((r, i) => r.params === table.rows[i].params && r.output.join('×') === table.rows[i].output.join('×'));
    return { rows, total, trainable, equal };
  } finally {
    model.dispose();
  }
}

/** One worked example of the output-size formula, with what tfjs does on the same axis. */
export interface SizeExample {
  W: number; F: number; P: number; S: number; C: number; K: number;
  /** ⌊(W − F + 2P)/S⌋ + 1 and whether the stride fits (the rows dropped if not). */
  size: number; exact: boolean; dropped: number;
  /** Output shape of tf.conv2d on a zero-padded W×W×C input (the lecture's P), and with tfjs's 'valid' and 'same'. */
  tfjs: { explicit: number[]; valid: number[]; same: number[]; samePadding: [number, number] };
  /** (F·F·C + 1)·K. */
  params: number;
}

export const SIZE_EXAMPLES: readonly { W: number; F: number; P: number; S: number; C: number; K: number }[] = [
  { W: 28, F: 3, P: 0, S: 1, C: 1, K: 1 },
  { W: 28, F: 3, P: 1, S: 1, C: 1, K: 1 },
  { W: 28, F: 5, P: 1, S: 2, C: 1, K: 1 },
  { W: 28, F: 4, P: 1, S: 2, C: 1, K: 1 },
  { W: 32, F: 5, P: 2, S: 1, C: 3, K: 10 },
];

export const SIZES_OPTIONS = defineOptions('cnn.convSizes', {
  /** The network whose per-layer table is built and checked against tf.layers (default the lecture's CIFAR-10 CNN). */
  spec: custom((name, v) => { parseNetSpec(v as string); return v as string; }, { default: LECTURE_CIFAR_SPEC, bad: ['conv3', 'fc', ''] }),
});

export type ConvSizesOptions = OptionsOf<typeof SIZES_OPTIONS.fields>;

export interface ConvSizesRecord extends ExperimentRecord<ReturnType<typeof SIZES_OPTIONS.resolve>> {
  experiment: 'cnnConvSizes';
  examples: SizeExample[];
  table: LayerTable;
  check: TfLayersCheck;
  /**
   * Local connectivity and weight sharing on a 32×32×3 input: ten 5×5 filters (P = 2) give a
   * 32×32×10 volume with (5·5·3 + 1)·10 = 760 parameters; a dense layer to the same 10,240
   * outputs has (3072 + 1)·10240; one unit: 76 weights seeing a 5×5×3 patch vs 3073 seeing everything.
   */
  denseVsConv: { convParams: number; denseParams: number; ratio: number; convUnitWeights: number; denseUnitWeights: number };
  meta: { ms: number };
}

function tfShape(W: number, C: number, F: number, K: number, S: number, pad: number | 'valid' | 'same'): number[] {
  const shape = tf.tidy(() => {
    const x = tf.zeros([1, W, W, C]) as tf.Tensor4D;
    const padded = typeof pad === 'number' ? tf.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]]) : x;
    return tf.conv2d(padded, tf.zeros([F, F, C, K]) as tf.Tensor4D, S, typeof pad === 'number' ? 'valid' : pad).shape.slice(1);
  });
  return shape;
}

/**
 * The lecture's output-size examples (28×28: F3 S1 P0 → 26; F3 S1 P1 → 28; F5 S2 P1 → 13,
 * where the stride does not fit — (28 − 5 + 2)/2 = 12.5 — and the last row is dropped; F4 S2 P1 → 14,
 * where it fits; 32×32×3 with ten 5×5 filters,
 * P2 → 32×32×10, 760 parameters), each with the shapes tf.conv2d gives with that padding, with
 * 'valid' and with 'same'; the per-layer table of a network spec checked against tf.layers;
 * dense vs conv parameters on one input.
 *
 * @example
 * const r = nn.cnn.convSizes();
 * r.examples.map((e) => e.size)   // [26, 28, 13, 14, 32]
 * r.check.equal                    // true
 * nn.cnn.showConvSizes(r);
 */
export function convSizes(options: ConvSizesOptions = {}): ConvSizesRecord {
  const t0 = Date.now();
  const config = SIZES_OPTIONS.resolve(options);
  const examples = SIZE_EXAMPLES.map((e) => {
    const r = convOutputSize({ W: e.W, F: e.F, P: e.P, S: e.S });
    const same = tfjsPadding(e.W, e.F, e.S, 'same');
    return {
      ...e, size: r.size, exact: r.exact, dropped: r.dropped,
      tfjs: { explicit: tfShape(e.W, e.C, e.F, e.K, e.S, e.P), valid: tfShape(e.W, e.C, e.F, e.K, e.S, 'valid'), same: tfShape(e.W, e.C, e.F, e.K, e.S, 'same'), samePadding: [same.before, same.after] as [number, number] },
      params: (e.F * e.F * e.C + 1) * e.K,
    };
  });
  const convParams = (5 * 5 * 3 + 1) * 10;
  const denseParams = (32 * 32 * 3 + 1) * 32 * 32 * 10;
  return {
    experiment: 'cnnConvSizes', options: config, ...provenance(),
    examples, table: layerTable(config.spec), check: tfLayersCheck(config.spec),
    denseVsConv: { convParams, denseParams, ratio: denseParams / convParams, convUnitWeights: 5 * 5 * 3 + 1, denseUnitWeights: 32 * 32 * 3 + 1 },
    meta: { ms: Date.now() - t0 },
  };
}
