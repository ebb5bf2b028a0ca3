/**
 * `nnlab conv-size`, `nnlab conv-by-hand` and `nnlab receptive-field`: lesson 11's convolution
 * arithmetic from the terminal, with the same functions and plain records as `nn.cnn.*` in a
 * notebook.
 */
import { optionValues, ParsedArgs } from '../../core/args';
import { Command } from '../../core/command';
import { custom, int } from '../../core/options';
import { ArgumentError } from '../../core/errors';
import { runOnDevice } from '../../engine/device';
import { convOutputSize, tfjsPadding } from '../../nets/conv64';
import { BY_HAND_OPTIONS, convByHand } from './byHand';
import { convByHandText, layerRows, receptiveFieldText } from './figures';
import { receptiveField, RF_OPTIONS } from './receptiveField';
import { layerTable, parseNetSpec, tfLayersCheck, Volume } from './sizes';
import { tableText, toTable } from '../../show/table';

const json = (r: unknown) => JSON.stringify(r, null, 2);

/** "32x32x3" → { H, W, C }. */
function parseInput(text: string): Volume {
  const m = /^(\d+)x(\d+)x(\d+)$/.exec(text);
  if (!m) throw new ArgumentError('input', text, 'HxWxC, such as 32x32x3');
  return { H: Number(m[1]), W: Number(m[2]), C: Number(m[3]) };
}

/** Runs a check of `v`; its ArgumentError is told under the option's own name (--net: spec[1] must be ...). */
function named(name: string, v: unknown, check: () => unknown): string {
  try {
    check();
  } catch (err) {
    if (err instanceof ArgumentError) throw new ArgumentError(name, v, err.message, `${name}: ${err.message}`);
    throw err;
  }
  return v as string;
}

const SIZE_OPTIONS = {
  W: int({ min: 1, max: 100_000 }), F: int({ min: 1, max: 100_000 }), P: int({ min: 0, max: 100_000 }), S: int({ min: 1, max: 100_000 }),
  net: custom((name, v) => named(name, v, () => parseNetSpec(v as string))),
  input: custom((name, v) => named(name, v, () => parseInput(v as string))),
} as const;

/** `nnlab conv-size` for parsed arguments: one axis by the formula, or a network's layer table. */
export async function runConvSize(a: ParsedArgs): Promise<string> {
  const o = optionValues('conv-size', a, SIZE_OPTIONS) as { W?: number; F?: number; P?: number; S?: number; net?: string; input?: string };
  const axisGiven = (['W', 'F', 'P', 'S'] as const).filter((k) => o[k] !== undefined);
  if (o.net !== undefined && axisGiven.length) throw new ArgumentError(axisGiven[0], o[axisGiven[0]], 'left out with --net (the layer table takes its sizes from the spec and --input)');
  if (o.net === undefined && o.input !== undefined) throw new ArgumentError('input', o.input, 'given only with --net');
  if (o.net !== undefined) {
    const input = o.input === undefined ? { H: 32, W: 32, C: 3 } : parseInput(o.input);
    const table = layerTable(o.net, input);
    const check = tfLayersCheck(o.net, input);
    if (a.flags.has('json')) return json({ command: 'conv-size', table, check });
    return `${tableText(toTable(layerRows(table, check)), { title: `${input.H}×${input.W}×${input.C} input: ${o.net}` })}\ntotal ${table.total.toLocaleString('en-US')} parameters (${table.trainable.toLocaleString('en-US')} trainable); tf.layers countParams() ${check.total.toLocaleString('en-US')}: ${check.equal ? 'every row equal' : 'DIFFERENT'}`;
  }
  for (const k of ['W', 'F'] as const) if (o[k] === undefined) throw new ArgumentError(k, undefined, 'given (or --net SPEC for a layer table)');
  const spec = { W: o.W as number, F: o.F as number, P: o.P ?? 0, S: o.S ?? 1 };
  const r = convOutputSize(spec, { exact: a.flags.has('exact') });
  const valid = spec.F <= spec.W ? tfjsPadding(spec.W, spec.F, spec.S, 'valid') : null;
  const same = tfjsPadding(spec.W, spec.F, spec.S, 'same');
  if (a.flags.has('json')) return json({ command: 'conv-size', ...r, tfjs: { valid, same } });
  return [`(W − F + 2P)/S + 1 = (${r.W} − ${r.F} + 2·${r.P})/${r.S} + 1 = ${(r.W - r.F + 2 * r.P) / r.S + 1} → output ${r.size}×${r.size}`,
    r.exact ? 'the stride fits: the last window touches the padded edge' : `the stride does not fit: ⌊…⌋ drops the last ${r.dropped} row(s) and column(s) of the padded input`,
    `tfjs 'valid' (no zeros): ${valid ? `${valid.size}×${valid.size}` : 'the filter does not fit'}; 'same': ${same.size}×${same.size} (zeros ${same.before} before, ${same.after} after)`].join('\n');
}

export const CONV_SIZE_COMMAND: Command = {
  summary: 'lesson 11: the output size ⌊(W − F + 2P)/S⌋ + 1 of a conv layer, or a per-layer table of a whole network (--net)',
  usage: `nnlab conv-size --W 28 --F 5 [--P 1] [--S 2] [--exact] [--json]
nnlab conv-size --net SPEC [--input 32x32x3] [--json]

One axis: the output size by the lecture's formula, whether the stride fits (else the last rows
are dropped), and what tfjs's 'valid' and 'same' paddings give on the same axis.
  --W, --F        input size and filter size (required without --net)
  --P, --S        zero padding on each side (default 0) and stride (default 1)
  --exact         fail (exit 2) when the stride does not fit
With --net: output shape and parameters of every layer, checked against a tf.layers model of the
same spec. SPEC is comma-separated layers:
  conv3-32        3×3 conv, 32 filters, stride 1, 'same' padding; add s2 for stride 2, p1 for one
                  zero on each side, or valid (conv5-16s2p1, conv3-64valid)
  pool2, pool3s2  max pooling (stride = window unless s); avgpool2 averages
  bn, drop, relu, flatten   batch norm (4·C parameters, 2·C trainable), no-parameter layers
  fc512           dense layer with 512 outputs (flattens a volume first)
  --input HxWxC   the input volume (default 32x32x3)
  --json          print the result as JSON`,
  spec: { flags: ['json', 'exact'], options: { ...SIZE_OPTIONS } },
  run: runOnDevice(runConvSize),
};

const BY_HAND_VALUE_OPTIONS = { row: BY_HAND_OPTIONS.fields.row, col: BY_HAND_OPTIONS.fields.col, size: BY_HAND_OPTIONS.fields.size, seed: BY_HAND_OPTIONS.fields.seed } as const;

/** `nnlab conv-by-hand` for parsed arguments. */
export async function runConvByHand(a: ParsedArgs): Promise<string> {
  const record = convByHand(optionValues('conv-by-hand', a, BY_HAND_VALUE_OPTIONS));
  return a.flags.has('json') ? json({ ...record, ms: record.meta.ms }) : convByHandText(record);
}

export const CONV_BY_HAND_COMMAND: Command = {
  summary: 'lesson 11: a 3×3 convolution on a 6×6 integer image step by step, checked against tf.conv2d',
  usage: `nnlab conv-by-hand [--row 1] [--col 2] [--size 6] [--seed 0] [--json]

A seeded image of integers 0..9 and the kernel [[1, 0, -1], [2, 0, -2], [1, 0, -1]]: the window
under one output cell, the nine products and the running sum, the whole output map, the same map
from tf.conv2d (max difference), then stride 2 with padding 1, 2 channels in and 2 filters out,
and the true convolution (the kernel flipped).
  --row, --col   the output cell computed step by step (default 1, 2)
  --size         the image's side (default 6)
  --seed         seed of the image (default 0)
  --json         print the record as JSON (with "ms", the wall time, next to "meta")`,
  spec: { flags: ['json'], options: { ...BY_HAND_VALUE_OPTIONS } },
  run: runOnDevice(runConvByHand),
};

const RF_VALUE_OPTIONS = { layers: RF_OPTIONS.fields.layers, seed: RF_OPTIONS.fields.seed } as const;

/** `nnlab receptive-field` for parsed arguments. */
export async function runReceptiveField(a: ParsedArgs): Promise<string> {
  const record = receptiveField(optionValues('receptive-field', a, RF_VALUE_OPTIONS));
  return a.flags.has('json') ? json({ ...record, map: { ...record.map, values: `${record.map.n}×${record.map.n} (left out)` }, ms: record.meta.ms }) : receptiveFieldText(record);
}

export const RECEPTIVE_FIELD_COMMAND: Command = {
  summary: 'lesson 11: the receptive field of a stack of convs and pools, computed (r ← r + (F − 1)·j) and measured by gradient',
  usage: `nnlab receptive-field [--layers conv3,conv3,pool2,conv3,conv3,pool2,conv3] [--seed 0] [--json]

Per layer: the jump j, the field r by the recurrence r ← r + (F − 1)·j, j ← j·S, and the field
measured as the input pixels with a nonzero gradient of one centre unit of the same stack (tfjs
ops, all-ones weights, average pooling; with max pooling the gradient reaches fewer pixels).
  --layers L   comma-separated conv<F>[s<S>] (stride 1 unless given) and pool<F>[s<S>] (stride F
               unless given), such as conv3,conv3,pool2,conv3s2
  --seed S     seed of the random input of the max-pooling count (default 0)
  --json       print the record as JSON (the gradient map left out)`,
  spec: { flags: ['json'], options: { ...RF_VALUE_OPTIONS } },
  run: runOnDevice(runReceptiveField),
};

export const CNN_COMMANDS: Record<string, Command> = {
  'conv-size': CONV_SIZE_COMMAND, 'conv-by-hand': CONV_BY_HAND_COMMAND, 'receptive-field': RECEPTIVE_FIELD_COMMAND,
};
