/** `nnlab data list | fetch <name> | info <name>`: the datasets from the terminal. */
import { UsageError } from '../core/args';
import { Command, out } from '../core/command';
import { datasetInfo, datasetNames, datasetSpec } from '../data';
import { tableText, toTable } from '../show/table';
import { downloadBars } from '../show/download';

export const DATA_COMMAND: Command = {
  summary: 'datasets: list, fetch (with progress) and inspect',
  usage: `nnlab data <list|fetch|info> [<name>] [--json]

  list           the registered datasets
  fetch <name>   make every file of <name> available and verified: cache, then the mirror
                 (NNLAB_DATA_MIRROR), then the official URLs; shows download progress
  info <name>    files, sizes, checksum status, cache location, counts per class
  --json         print a JSON record
Cache folder: NNLAB_DATA_DIR (default ~/.cache/nnlab/datasets). Offline: NNLAB_DATA_MIRROR.`,
  spec: { flags: ['json'], positionals: ['action', 'name?'] },
  async run(a) {
    const [action, name] = a.positionals;
    if (action === 'list') {
      if (name !== undefined) throw new UsageError(`data list takes no name, got "${name}"`);
      const rows = datasetNames().map((n) => {
        const s = datasetSpec(n);
        return { name: n, title: s.title, shape: s.imageShape.join('x'), classes: s.classNames.length, train: s.splits.train.count, test: s.splits.test.count };
      });
      out(a.flags.has('json') ? JSON.stringify(rows, null, 2) : tableText(toTable(rows)));
      return 0;
    }
    if (action !== 'fetch' && action !== 'info') throw new UsageError(`data: unknown action "${action}" (known: list, fetch, info)`);
    if (name === undefined) throw new UsageError(`data ${action}: missing <name> (one of ${datasetNames().join(', ')})`);
    datasetSpec(name);
    const info = await datasetInfo(name, { fetch: action === 'fetch', onProgress: downloadBars() });
    if (a.flags.has('json')) {
      out(JSON.stringify(info, null, 2));
    } else {
      out(`${info.name}: ${info.title} (${info.licence})\ncache: ${info.cache}\nmirror: ${info.mirror ?? '(none: set NNLAB_DATA_MIRROR)'}`);
      out(tableText(toTable(info.files.map((f) => ({ file: f.file, bytes: f.size, status: f.status, from: f.source ?? '', path: f.path ?? '' })))));
      for (const f of info.files) if (f.note) out(`${f.file}: ${f.note}`);
      for (const s of info.splits) {
        out(s.loaded === null ? `${s.split}: not loadable: ${s.error}` :
          `${s.split}: ${s.loaded} of ${s.expected} images; per class ${s.perClass!.join(' ')}${s.note ? ` (${s.note})` : ''}`);
      }
    }
    const complete = info.files.every((f) => f.status === 'verified');
    return action === 'fetch' && !complete ? 1 : 0;
  },
};
