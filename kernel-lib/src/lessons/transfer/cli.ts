/**
 * `nnlab transfer-table` and `nnlab zoo`: lesson 10's measured 2 × 2 table from the terminal, and
 * the local model zoo (list, build).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { optionValue, UsageError } from '../../core/args';
import { cliMessage, Command, out } from '../../core/command';
import { ArgumentError } from '../../core/errors';
import { useDevice } from '../../engine/device';
import { loadPretrained, MODEL_ZOO, zooMetadata } from './zoo';
import { modelDir } from '../../data/models';
import { resolveTableOptions, runTable, TABLE_DEFAULTS, TABLE_OPTIONS, TABLE_QUICK, TableOptions } from './table';
import { TASKS } from './tasks';
import { tableRows } from './figures';
import { tableText, toTable } from '../../show/table';

const F = TABLE_OPTIONS.fields;
/** CLI option -> the declared table option it sets (its kind and range are checked while parsing). */
const VALUE_OPTIONS = { seed: F.seed, repeats: F.repeats, small: F.small, large: F.large } as const;

/** The table options that the command line asks for (each value already checked by parseArgs); only those given. */
export function tableCliOptions(options: Record<string, string>): TableOptions {
  const o: Record<string, unknown> = {};
  for (const [flag, field] of Object.entries(VALUE_OPTIONS)) {
    if (options[flag] !== undefined) o[flag] = optionValue('transfer-table', flag, options[flag], field);
  }
  return o as TableOptions;
}

export const TRANSFER_COMMANDS: Record<string, Command> = {
  'transfer-table': {
    summary: 'the 2 × 2 transfer-learning table (small/large × similar/different), measured (lesson 10)',
    usage: `nnlab transfer-table [--quick] [--seed N] [--repeats N] [--small N] [--large N] [--json]

Loads the zoo's base CNN (${TABLE_DEFAULTS.model}: trained on ${TASKS.source.description}, built on first use)
and, for a similar target task (${TASKS.similar.description}) and a very different one
(${TASKS.different.description}), with ${TABLE_DEFAULTS.small} (small) or ${TABLE_DEFAULTS.large} (large) training images per class,
trains (a) from scratch, (b) a linear classifier on frozen features, (c) fine-tuning of the top
layer, (d) fine-tuning of everything, (e) an ensemble of linear classifiers on the frozen features
of three depths, and prints every test accuracy, the winner per cell and the lecture's advice. Needs MNIST and Fashion-MNIST (nnlab data fetch, or NNLAB_DATA_MIRROR).
  --quick      ${TABLE_QUICK.large} per class in the large cells, one draw of the small sets, ${TABLE_QUICK.testPerClass} test images per class,
               ${TABLE_QUICK.minSteps} training steps per run (instead of ${TABLE_DEFAULTS.minSteps})
  --seed N     master seed (default ${TABLE_DEFAULTS.seed})
  --repeats N  draws of each small training set (default ${TABLE_DEFAULTS.repeats})
  --small N    training images per class in the small cells (default ${TABLE_DEFAULTS.small})
  --large N    training images per class in the large cells (default ${TABLE_DEFAULTS.large})
  --json       print the record as JSON (cells: [{size, similarity, results: [{strategy, accuracy}], best, advice}])`,
    spec: { flags: ['json', 'quick'], options: VALUE_OPTIONS },
    async run(a) {
      const json = a.flags.has('json');
      // --quick or the full table, whatever NNLAB_QUICK says; the preset fills in only what is not given
      const quick = a.flags.has('quick');
      const options = tableCliOptions(a.options);
      try {
        resolveTableOptions(options, quick); // rules and memory fail here, before a backend starts
      } catch (err) {
        // "small must be less than large (750)": both options in the command line's words
        if (err instanceof ArgumentError && /^(small|large)$/.test(err.argument)) {
          throw new UsageError(`transfer-table: ${cliMessage(TRANSFER_COMMANDS['transfer-table'], err.argument, err.message).replace(/ than (small|large) \(/, ' than --$1 (')}`);
        }
        throw err;
      }
      await useDevice(undefined, { print: !json });
      let reported = -1;
      const r = await runTable({
        ...options,
        progress: json ? false : ({ done, total }) => {
          const tenth = Math.floor((10 * done) / total);
          if (tenth !== reported) { reported = tenth; process.stderr.write(`training: ${done}/${total} steps\n`); }
        },
      }, {}, quick);
      if (json) {
        out(JSON.stringify(r, null, 2));
      } else {
        out(`base model: ${r.model?.name ?? r.options.model} (source ${r.model?.task ?? '?'}, source test accuracy ${r.model ? (100 * r.model.testAccuracy).toFixed(1) : '?'} %)`);
        out(tableText(toTable(tableRows(r))));
        out(`${(r.meta.ms / 1000).toFixed(1)} s on ${r.backend}`);
      }
      return 0;
    },
  },
  zoo: {
    summary: 'the local model zoo of pretrained models: list, build',
    usage: `nnlab zoo [list|build <name>] [--json]

The zoo folder is NNLAB_MODEL_DIR, else models/ beside the dataset cache (now: ${modelDir()}).
  list          the zoo's models and whether each is built (default)
  build <name>  train the model on its source task and save it (again, if it exists)
  --json        print as JSON`,
    spec: { flags: ['json'], positionals: ['action?', 'name?'] },
    async run(a) {
      const action = a.positionals[0] ?? 'list';
      const json = a.flags.has('json');
      if (action === 'list') {
        const rows = Object.values(MODEL_ZOO).map((e) => ({
          name: e.name, built: fs.existsSync(path.join(modelDir(), e.name, 'model.json')), description: e.description,
        }));
        out(json ? JSON.stringify(rows, null, 2) : tableText(toTable(rows)));
        return 0;
      }
      if (action !== 'build') throw new UsageError(`zoo: the action must be list or build, got "${action}"`);
      const name = a.positionals[1];
      if (!name || !MODEL_ZOO[name]) throw new UsageError(`zoo build: <name> must be one of ${Object.keys(MODEL_ZOO).join(', ')}, got ${name === undefined ? 'nothing' : `"${name}"`}`);
      await useDevice(undefined, { print: !json });
      fs.rmSync(path.join(modelDir(), name), { recursive: true, force: true });
      const model = await loadPretrained(name);
      const meta = zooMetadata(model);
      model.dispose();
      out(json ? JSON.stringify(meta, null, 2) : `built ${name} in ${path.join(modelDir(), name)}: source test accuracy ${(100 * (meta?.testAccuracy ?? 0)).toFixed(2)} %`);
      return 0;
    },
  },
};
