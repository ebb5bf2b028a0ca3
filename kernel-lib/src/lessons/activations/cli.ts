/**
 * `nnlab activations`: lesson 01's table of every activation function's value and derivative at
 * a few points, from the terminal, with the same options and the same plain record as
 * `nn.activations.functionsTable` in a notebook.
 */
import { optionValue, ParsedArgs } from '../../core/args';
import { Command, out } from '../../core/command';
import { useDevice } from '../../engine/device';
import { ACTIVATION_FUNCTION_NAMES } from './functions';
import { functionsTableText } from './figures';
import { FunctionsTableRecord, functionsTable, TABLE_FIELDS, TableOptions } from './table';

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
  async run(a) {
    const device = await useDevice(undefined, { print: false });
    if (!a.flags.has('json')) out(device.summary);
    out(await runActivations(a));
    return 0;
  },
};
