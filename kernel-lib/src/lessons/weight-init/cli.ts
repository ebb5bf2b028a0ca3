/**
 * `nnlab init-stats`: the activation-statistics experiment of lesson 03 from the terminal, with the
 * same options and the same plain record as `nn.weightInit.stats` in the notebook (`--grid`:
 * `nn.weightInit.grid`).
 */
import { optionValue, UsageError } from '../../core/args';
import { Command, out } from '../../core/command';
import type { ProgressEvent } from '../../core/progress';
import { useDevice } from '../../engine/device';
import { INITS } from '../../nets/init';
import { ACTIVATIONS } from '../../nets/layers';
import { resolveStatsOptions, SETUP_A, SETUP_B, stats, STATS_OPTIONS, StatsOptions } from './stats';
import { GRID_DEFAULTS, grid as runGrid } from './grid';
import { runLabel, verdict } from './math';
import { statsRows, summaryRows } from './figures';
import { tableText, toTable } from '../../show/table';

const F = STATS_OPTIONS.fields;
/** CLI option -> the declared stats option it sets (its kind and range are checked while parsing). */
const VALUE_OPTIONS = {
  layers: ['depth', F.depth], width: ['width', F.width], batch: ['batchSize', F.batchSize], 'input-width': ['inputWidth', F.inputWidth],
  bins: ['bins', F.bins], range: ['range', F.range], seed: ['seed', F.seed], scale: ['scale', F.scale],
} as const;

/** The stats options that the command line asks for (each value already checked by parseArgs). */
export function statsCliOptions(options: Record<string, string>): StatsOptions {
  const setup = options.setup === undefined ? {} : options.setup === 'A' ? SETUP_A : SETUP_B;
  const o: Record<string, unknown> = { ...setup };
  for (const [flag, [key, field]] of Object.entries(VALUE_OPTIONS)) {
    if (options[flag] !== undefined) o[key] = optionValue('init-stats', flag, options[flag], field);
  }
  if (options.init !== undefined) o.init = options.init;
  if (options.activation !== undefined) o.activation = options.activation;
  return o as StatsOptions;
}

export const INIT_STATS_COMMAND: Command = {
  summary: 'lesson 03: activation and gradient statistics of a deep net under a weight init',
  usage: `nnlab init-stats [--init NAME] [--activation NAME] [--layers 10] [--width 500] [--batch 1000] [--bins 30] [--seed N] [--json]
nnlab init-stats --grid [--json] [same size options]

Pushes a batch of N(0, 1) data through a deep fully connected net and reports every layer's
activation mean, std, histogram and saturated fraction, and the std of the gradients dL/dW and
dL/dx on the backward pass (lesson 03, weight initialization).
  --init NAME        ${INITS.join(', ')} (default xavier)
  --activation NAME  ${ACTIVATIONS.join(', ')} (default tanh)
  --scale S          the factor of the small and large inits (default 0.01 and 1.0)
  --setup A|B        the lecture's setups: A = 1000 x 500 input, 10 layers of 500 (the default);
                     B = 16 x 4096 input, 6 layers of 4096
  --layers, --width, --batch, --input-width   sizes (override the setup)
  --bins, --range LO,HI   histogram bins and range (default 30 on -1,1)
  --seed N           the master seed (default 0)
  --grid             every init x {tanh, relu}, with a summary table
  --json             print the record as JSON (with "ms", the wall time, next to "meta")
The backend is picked as in a notebook (NNLAB_DEVICE=cpu|gpu, else auto).`,
  spec: {
    flags: ['json', 'grid'],
    options: {
      init: INITS, activation: ACTIVATIONS, setup: ['A', 'B'],
      ...Object.fromEntries(Object.entries(VALUE_OPTIONS).map(([flag, [, field]]) => [flag, field])),
    },
  },
  flags: { depth: 'layers', width: 'width', widths: 'layers', batchSize: 'batch' },
  async run(a) {
    const json = a.flags.has('json');
    const grid = a.flags.has('grid');
    if (grid && (a.options.init !== undefined || a.options.activation !== undefined || a.options.scale !== undefined)) {
      throw new UsageError('init-stats: --grid runs every init and activation: leave out --init, --activation and --scale');
    }
    const options = statsCliOptions(a.options);
    const { init, activation, scale, ...sizes } = options;
    resolveStatsOptions(grid ? sizes : options); // rules and memory fail here, before a backend starts
    const device = await useDevice(undefined, { print: false });
    if (!json) out(device.summary);
    if (grid) {
      // one line per run on stderr, when the grid reports the run's last layer with its time:
      // "  3/12 small (0.01) init, tanh: 120 ms"
      const runs = GRID_DEFAULTS.inits.length * GRID_DEFAULTS.activations.length;
      let finished = 0;
      const progress = json ? false : ({ phase, metrics }: ProgressEvent) => {
        if (metrics.ms === undefined) return;
        finished += 1;
        process.stderr.write(`  ${finished}/${runs} ${phase}: ${metrics.ms.toFixed(0)} ms\n`);
      };
      const result = await runGrid({ ...sizes, progress });
      if (json) out(JSON.stringify({ ...result, ms: result.meta.ms }, null, 2));
      else out(`${tableText(toTable(summaryRows(result)))}\n${result.records.length} runs in ${(result.meta.ms / 1000).toFixed(1)} s on ${device.backend}`);
      return 0;
    }
    const record = await stats({ ...sizes, init, activation, scale, progress: false });
    if (json) {
      out(JSON.stringify({ ...record, ms: record.meta.ms }, null, 2));
    } else {
      out(tableText(toTable(statsRows(record)), { title: `${runLabel(record)}, ${record.options.batchSize} x ${record.options.inputWidth} input (saturated: ${record.saturation})` }));
      out(`verdict: ${verdict(record)}; ${record.layers.length} layers in ${record.meta.ms.toFixed(0)} ms on ${record.backend}`);
    }
    return 0;
  },
};
