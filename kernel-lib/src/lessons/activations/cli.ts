/**
 * `nnlab activations`: lesson 01's table of every activation function's value and derivative at
 * a few points, from the terminal, with the same options and the same plain record as
 * `nn.activations.functionsTable` in a notebook.
 */
import { optionValue, optionValues, ParsedArgs } from '../../core/args';
import { Command, out } from '../../core/command';
import { runOnDevice } from '../../engine/device';
import { ACTIVATION_FUNCTION_NAMES } from './functions';
import { functionsTableText } from './figures';
import { FunctionsTableRecord, functionsTable, TABLE_FIELDS, TableOptions } from './table';
import { tableText, toTable } from '../../show/table';
import { deadReluText, depthStatsRows, raceText, zigzagText } from './figures';
import { race, RACE_ACTIVATIONS, RACE_FIELDS, RaceOptions } from './race';
import { deadRelu, DEAD_FIELDS, DeadReluOptions } from './deadRelu';
import { zigzag, ZIGZAG_FIELDS, ZigzagOptions } from './zigzag';
import { depthStats, DEPTH_FIELDS, DepthStatsOptions } from './depthStats';

/** CLI option -> the declared option it sets (its kind and range are checked while parsing). */
const VALUE_OPTIONS = { at: TABLE_FIELDS.at, functions: TABLE_FIELDS.functions } as const;

/** The functionsTable options the command line asks for (each value already checked by parseArgs). */
export function activationsCliOptions(options: Record<string, string>): TableOptions {
  const o: Record<string, unknown> = {};
  for (const [flag, field] of Object.entries(VALUE_OPTIONS)) {
    if (options[flag] !== undefined) o[flag] = optionValue('activations', flag, options[flag], field);
  }
  return o as TableOptions;
}

/** What the command prints for a record: the record as JSON (with "ms"), or the table as text. */
export function activationsOutput(record: FunctionsTableRecord, json: boolean): string {
  return json ? JSON.stringify({ ...record, ms: record.meta.ms }, null, 2) : functionsTableText(record);
}

/** Runs the table for parsed arguments, without choosing a device (tests call it on theirs). */
export async function runActivations(a: ParsedArgs): Promise<string> {
  const record = await functionsTable({ ...activationsCliOptions(a.options), progress: false });
  return activationsOutput(record, a.flags.has('json'));
}

export const ACTIVATIONS_COMMAND: Command = {
  summary: 'lesson 01: every activation function\'s value and derivative at a few points',
  usage: `nnlab activations [--at -10,-1,0,1,10] [--functions NAME,...] [--json]

Prints f(x) and f'(x) of each activation function of lesson 01 at the points --at, computed in
float32 on the device (at x = 0 the ReLU family takes its x <= 0 branch: relu'(0) = 0).
  --at X,...          points in [-1000, 1000] (default -10,-1,0,1,10)
  --functions NAME,.. ${ACTIVATION_FUNCTION_NAMES.join(', ')} (default all)
  --json              print the record as JSON (with "ms", the wall time, next to "meta")
The backend is picked as in a notebook (NNLAB_DEVICE=cpu|gpu, else auto).`,
  spec: { flags: ['json'], options: { ...VALUE_OPTIONS } },
  run: runOnDevice(runActivations),
};

/** `nnlab zigzag`'s value options -> the declared zigzag options they set. */
const ZIGZAG_VALUE_OPTIONS = { lr: ZIGZAG_FIELDS.lr, steps: ZIGZAG_FIELDS.steps, tolerance: ZIGZAG_FIELDS.tolerance, seed: ZIGZAG_FIELDS.seed } as const;

/** Runs the zig-zag experiment for parsed arguments, without choosing a device. */
export async function runZigzag(a: ParsedArgs): Promise<string> {
  const record = await zigzag({ ...(optionValues('zigzag', a, ZIGZAG_VALUE_OPTIONS) as ZigzagOptions), progress: false });
  return a.flags.has('json') ? JSON.stringify({ ...record, ms: record.meta.ms }, null, 2) : zigzagText(record);
}

export const ZIGZAG_COMMAND: Command = {
  summary: 'lesson 01: zig-zag, a 2-weight sigmoid neuron trained on positive vs zero-centred inputs',
  usage: `nnlab zigzag [--lr 1] [--steps 1000] [--tolerance 0.05] [--seed 0] [--json]

Trains σ(w₁x₁ + w₂x₂) one example per step toward w* = (1, -1) from (-1, 1), once with inputs in
[1, 3]² and once with the same inputs zero-centred; prints the sign pattern of every step's
gradient (with positive inputs ∂L/∂w₁ and ∂L/∂w₂ always share a sign) and the steps to reach
‖w − w*‖ < tolerance over a sweep of learning rates. Computed in float64 JS (two weights).
  --lr LR         learning rate of the two runs whose signs are counted (default 1)
  --steps N       steps of every run (default 1000)
  --tolerance T   distance to w* that counts as reached (default 0.05)
  --seed S        seed of the data and the example order (default 0)
  --json          print the record as JSON (with "ms", the wall time, next to "meta")`,
  spec: { flags: ['json'], options: { ...ZIGZAG_VALUE_OPTIONS } },
  async run(a) {
    out(await runZigzag(a));
    return 0;
  },
};

/** `nnlab depth-stats`'s value options -> the declared depthStats options they set. */
const DEPTH_VALUE_OPTIONS = { depth: DEPTH_FIELDS.depth, width: DEPTH_FIELDS.width, batch: DEPTH_FIELDS.batchSize, seed: DEPTH_FIELDS.seed } as const;

/** Runs the depth statistics for parsed arguments, without choosing a device. */
export async function runDepthStats(a: ParsedArgs): Promise<string> {
  const { batch, ...rest } = optionValues('depth-stats', a, DEPTH_VALUE_OPTIONS);
  const record = await depthStats({ ...(rest as DepthStatsOptions), ...(batch === undefined ? {} : { batchSize: batch as number }), progress: false });
  if (a.flags.has('json')) return JSON.stringify({ ...record, ms: record.meta.ms }, null, 2);
  const last = depthStatsRows(record).filter((r) => r.layer === record.options.depth);
  const selu = record.selu === null ? '' : `\nSELU within ${record.selu.seMultiple} standard errors of mean 0, std 1 at every layer: ${record.selu.ok}`;
  return tableText(toTable(last), { title: `Activations after ${record.options.depth} layers (${record.backend})` }) + selu;
}

export const DEPTH_STATS_COMMAND: Command = {
  summary: 'lesson 01: mean and std of activations across a 10-layer net, each activation with its matching init',
  usage: `nnlab depth-stats [--depth 10] [--width 500] [--batch 1000] [--seed 0] [--json]

Pushes N(0, 1) inputs through --depth dense layers of --width units: tanh + Xavier, ReLU + He,
SELU + LeCun normal, GELU + He. Prints the last layer's mean and std with their standard errors,
and whether SELU stayed within 4 standard errors of mean 0, std 1 at every layer.
  --depth N   layers (default 10)
  --width N   units per layer (default 500)
  --batch N   inputs (default 1000; 200 with NNLAB_QUICK=1)
  --seed S    seed (default 0)
  --json      print the record as JSON (with "ms", the wall time, next to "meta")
The backend is picked as in a notebook (NNLAB_DEVICE=cpu|gpu, else auto).`,
  spec: { flags: ['json'], options: { ...DEPTH_VALUE_OPTIONS } },
  run: runOnDevice(runDepthStats),
};

/** `nnlab dead-relu`'s value options -> the declared deadRelu options they set. */
const DEAD_VALUE_OPTIONS = { bias: DEAD_FIELDS.bias, lr: DEAD_FIELDS.lr, images: DEAD_FIELDS.trainSize, epochs: DEAD_FIELDS.epochs, seed: DEAD_FIELDS.seed } as const;

/** Runs the dead-ReLU experiment for parsed arguments, without choosing a device. */
export async function runDeadRelu(a: ParsedArgs): Promise<string> {
  const { images, ...rest } = optionValues('dead-relu', a, DEAD_VALUE_OPTIONS);
  const record = await deadRelu({ ...(rest as DeadReluOptions), ...(images === undefined ? {} : { trainSize: images as number }), progress: false });
  return a.flags.has('json') ? JSON.stringify({ ...record, ms: record.meta.ms }, null, 2) : deadReluText(record);
}

export const DEAD_RELU_COMMAND: Command = {
  summary: 'lesson 01: dead ReLUs on MNIST, at init with a negative bias, after a too-large learning rate, and sane',
  usage: `nnlab dead-relu [--bias -3] [--lr 5] [--images 2000] [--epochs 3] [--seed 0] [--json]

Counts the hidden units of a 784-100-10 net whose pre-activation is <= 0 on every training image
(dead: no gradient reaches them): (a) ReLU at init with hidden bias --bias, (b) ReLU after SGD with
the too-large learning rate --lr, (c) ReLU after SGD with lr 0.1, and (b) with Leaky ReLU and ELU.
MNIST comes from the cache, a mirror (NNLAB_DATA_MIRROR) or the official URLs.
  --bias B      hidden bias of setup (a) (default -3)
  --lr LR       learning rate of setup (b) (default 5)
  --images N    MNIST training images (default 2000; 500 with NNLAB_QUICK=1)
  --epochs N    epochs (default 3; 2 with NNLAB_QUICK=1)
  --seed S      seed (default 0)
  --json        print the record as JSON (with "ms", the wall time, next to "meta")
The backend is picked as in a notebook (NNLAB_DEVICE=cpu|gpu, else auto).`,
  spec: { flags: ['json'], options: { ...DEAD_VALUE_OPTIONS } },
  run: runOnDevice(runDeadRelu),
};

/** `nnlab activation-race`'s value options -> the declared race options they set. */
const RACE_VALUE_OPTIONS = {
  dataset: RACE_FIELDS.dataset, activations: RACE_FIELDS.activations, images: RACE_FIELDS.trainSize, layers: RACE_FIELDS.layers,
  width: RACE_FIELDS.width, epochs: RACE_FIELDS.epochs, lr: RACE_FIELDS.lr, seed: RACE_FIELDS.seed,
} as const;

/** Runs the training race for parsed arguments, without choosing a device. */
export async function runRace(a: ParsedArgs): Promise<string> {
  const { images, ...rest } = optionValues('activation-race', a, RACE_VALUE_OPTIONS);
  const record = await race({ ...(rest as RaceOptions), ...(images === undefined ? {} : { trainSize: images as number }), progress: false });
  return a.flags.has('json') ? JSON.stringify({ ...record, ms: record.meta.ms }, null, 2) : raceText(record);
}

export const RACE_COMMAND: Command = {
  summary: 'lesson 01: a training race, one net and one seed, each activation with its matching init',
  usage: `nnlab activation-race [--activations NAME,...] [--images 2000] [--layers 4] [--width 64] [--epochs 5] [--lr 0.05] [--seed 0] [--json]

Trains the same 784 -> width x layers -> 10 net on MNIST with each activation (its matching init,
the same draws, the same batches, plain SGD) and prints the last epoch's loss, train and test
accuracy, the rank, and the lecture's advice. Sigmoid in hidden layers barely moves from ln 10.
  --activations NAME,..  ${RACE_ACTIVATIONS.join(', ')} (default all)
  --dataset NAME         mnist or fashion-mnist (default mnist)
  --images N             training images (default 2000; 600 with NNLAB_QUICK=1)
  --layers N             hidden layers (default 4)
  --width N              units per hidden layer (default 64)
  --epochs N             epochs (default 5; 3 with NNLAB_QUICK=1)
  --lr LR                learning rate (default 0.05)
  --seed S               seed (default 0)
  --json                 print the record as JSON (with "ms", the wall time, next to "meta")
The backend is picked as in a notebook (NNLAB_DEVICE=cpu|gpu, else auto).`,
  spec: { flags: ['json'], options: { ...RACE_VALUE_OPTIONS } },
  run: runOnDevice(runRace),
};

