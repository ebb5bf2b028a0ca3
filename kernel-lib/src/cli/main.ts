/**
 * The `nnlab` command line: `npx nnlab <command> [options]`. Every command has `--help`; unknown
 * commands and options are errors (exit status 2). Experiments of the lessons are added here as
 * commands too, each with `--json` for a machine-readable record.
 */
import { optionValue, parseArgs, UsageError } from '../core/args';
import { int } from '../core/options';
import { checkWritableDir } from '../core/paths';
import { cliMessage, Command, out } from '../core/command';
import { ArgumentError } from '../core/errors';
import { EXPERIMENT_COMMANDS } from './experiments';
import { DATA_COMMAND } from './data';
import { BENCH_COMMAND } from './bench';
import { HOMEWORK_COMMAND } from './homework';
import { GRADE_COMMAND } from './grade';
import { CLASSROOM_COMMAND } from './classroom';
import { DOCTOR_COMMAND } from './doctor';
import { SITE_COMMAND } from './site';
import { useDevice } from '../engine/device';
import { lessonRows, lessonTableMarkdown } from '../lessons/registry';
import { installKernelSpecs, kernelSpec, KERNEL_NAMES, KernelDevice } from '../jupyter/kernelspec';
import { updateWorkspace, workspaceDir } from '../jupyter/workspace';
import { findJupyterPython } from '../jupyter/python';
import { runNotebook } from '../jupyter/run';
import { tableText, toTable } from '../show/table';
import { plotlyBundle } from '../show/plot';
import { VERSION } from '../core/version';


/** Seconds one cell of `nnlab run` may take: a day at most. */
const CELL_TIMEOUT = int({ min: 1, max: 86_400 });

export const COMMANDS: Record<string, Command> = {
  device: {
    summary: 'which TensorFlow.js backend runs here, and why',
    usage: `nnlab device [auto|cpu|gpu] [--json]

Picks a backend like a notebook does (default: NNLAB_DEVICE, else auto) and reports it.
  auto   tfjs-node-gpu, tfjs-node, WebGPU on a hardware GPU, wasm, cpu
  cpu    tfjs-node, wasm, cpu
  gpu    tfjs-node-gpu, WebGPU (hardware or software), then the cpu chain
  --json print the report as JSON`,
    spec: { flags: ['json'], positionals: ['device?'] },
    async run(a) {
      const request = a.positionals[0];
      if (request !== undefined && !['auto', 'cpu', 'gpu'].includes(request)) {
        throw new UsageError(`device: <device> must be one of auto, cpu, gpu, got "${request}"`);
      }
      const report = await useDevice(request as 'auto' | 'cpu' | 'gpu' | undefined, { print: !a.flags.has('json') });
      if (a.flags.has('json')) out(JSON.stringify(report, null, 2));
      return 0;
    },
  },
  list: {
    summary: 'the lessons, with one-line descriptions',
    usage: `nnlab list [--json | --markdown]

Lists the lessons of the registry: notebook, title, summary, library namespace, CLI commands and
homework.
  --json      print the list as JSON
  --markdown  print the README's lesson table`,
    spec: { flags: ['json', 'markdown'] },
    async run(a) {
      const rows = lessonRows();
      if (a.flags.has('json') && a.flags.has('markdown')) throw new UsageError('list: give --json or --markdown, not both');
      if (a.flags.has('json')) out(JSON.stringify(rows, null, 2));
      else if (a.flags.has('markdown')) out(lessonTableMarkdown());
      else out(tableText(toTable(rows.map((l) => ({ lesson: l.name, title: l.title, summary: l.summary })))));
      return 0;
    },
  },
  run: {
    summary: 'execute a notebook headless in real Jupyter',
    usage: `nnlab run <notebook> [--quick] [--html] [--static] [--rerun] [--out DIR] [--kernel cpu|gpu] [--timeout SECONDS]

Executes a lesson top to bottom with an nnlab kernel, writes DIR/<name>.ipynb (and
DIR/<name>.html with --html). Exits non-zero and shows the failing cell on failure.
  <notebook>  a lesson name (00-getting-started), a number (00) or a path to an .ipynb
  --quick     quick mode (NNLAB_QUICK=1): smaller data and fewer epochs
  --html      also export HTML (charts render offline, opened from disk): one page with
              plotly.js inside once (~4.9 MB of the page)
  --static    with --html: no plotly.js, the figures as static images only (a light page)
  --rerun     then run every cell again and the check cells once more, in the same kernel, and
              report errors and live tensors after each pass (exit 1 on an error or a leak)
  --out DIR   output folder (default ./out)
  --kernel    cpu (default) or gpu
  --timeout   seconds allowed per cell (default 1200)`,
    spec: { flags: ['quick', 'html', 'static', 'rerun'], options: { out: null, kernel: ['cpu', 'gpu'], timeout: CELL_TIMEOUT }, positionals: ['notebook'] },
    async run(a) {
      const timeout = a.options.timeout === undefined ? undefined : optionValue('run', 'timeout', a.options.timeout, CELL_TIMEOUT) as number;
      if (a.options.out !== undefined) checkWritableDir('--out', a.options.out);
      if (a.flags.has('static') && !a.flags.has('html')) throw new UsageError('run: --static is an option of the HTML export: give it with --html');
      const r = await runNotebook({
        notebook: a.positionals[0], quick: a.flags.has('quick'), html: a.flags.has('html'),
        htmlMode: a.flags.has('static') ? 'static' : 'inline', plotly: a.flags.has('html') && !a.flags.has('static') ? plotlyBundle() : undefined,
        outDir: a.options.out, kernel: a.options.kernel as KernelDevice | undefined, timeout, rerun: a.flags.has('rerun'),
      });
      out(r.ok ? `ok: ${r.executed}${r.html ? `, ${r.html}` : ''} (${r.seconds.toFixed(1)} s)` : `failed: see the cell above; partial output in ${r.executed}`);
      if (!r.rerun) return r.ok ? 0 : 1;
      const [first, ...later] = r.rerun.tensors;
      const leaked = later.some((n) => n !== first);
      out(`re-run: live tensors after each pass ${r.rerun.tensors.join(', ')}${leaked ? ' (a re-run leaves tensors behind)' : ''}`);
      for (const e of r.rerun.errors) out(`re-run: ${e}`);
      return r.rerun.errors.length || leaked ? 1 : 0;
    },
  },
  lessons: {
    summary: 'copy the lessons into your own folder (outside the clone), or bring new ones in',
    usage: `nnlab lessons <update|path> [--dir DIR] [--no-homework] [--json]

Students work on their own copies of the lessons, so that running them (Jupyter saves outputs)
leaves the clone clean. The folder is --dir, else NNLAB_WORKSPACE, else ~/nnlab-lessons.
  update  copy the lessons and homework of notebooks/ into the folder: new files are added,
          copies you have not edited are replaced by newer versions, copies you edited are kept
          (listed as "kept"; rename yours and update again to get the new version)
  path    print the folder
  --no-homework  update: the lessons only (on a class's JupyterHub, homework arrives with
          nnlab classroom assign)
  --json  print the result as JSON`,
    spec: { flags: ['json', 'no-homework'], options: { dir: null }, positionals: ['action'] },
    async run(a) {
      const action = a.positionals[0];
      const dir = a.options.dir ?? workspaceDir();
      if (action === 'path') {
        out(a.flags.has('json') ? JSON.stringify({ dir }) : dir);
        return 0;
      }
      if (action !== 'update') throw new UsageError(`lessons: unknown action "${action}" (known: update, path)`);
      const entries = updateWorkspace({ dir, homework: !a.flags.has('no-homework') });
      if (a.flags.has('json')) {
        out(JSON.stringify({ dir, entries }, null, 2));
        return 0;
      }
      const count = (x: string) => entries.filter((e) => e.action === x).length;
      out(`nnlab lessons: ${dir}: ${count('added')} added, ${count('updated')} updated, ${count('unchanged') + count('edited')} unchanged, ${count('kept')} kept`);
      for (const e of entries.filter((x) => x.action === 'kept')) {
        out(`  kept your edited copy of ${e.file} (a newer version exists: rename yours, then run nnlab lessons update)`);
      }
      return 0;
    },
  },
  kernels: {
    summary: 'show or install the two nnlab Jupyter kernels',
    usage: `nnlab kernels [install] [--prefix DIR] [--json]

Without "install": prints the kernelspecs (kernel.json) of "TypeScript (nnlab, CPU)" and
"TypeScript (nnlab, GPU)" for this clone. With "install": registers them with the Jupyter
found on this machine (per user, or under --prefix DIR).`,
    spec: { flags: ['json'], options: { prefix: null }, positionals: ['action?'] },
    async run(a) {
      const action = a.positionals[0];
      if (action === undefined) {
        const specs = Object.fromEntries((Object.keys(KERNEL_NAMES) as KernelDevice[]).map((d) => [KERNEL_NAMES[d], kernelSpec(d)]));
        out(JSON.stringify(specs, null, 2));
        return 0;
      }
      if (action !== 'install') throw new UsageError(`kernels: unknown action "${action}" (known: install)`);
      const python = findJupyterPython();
      const dirs = installKernelSpecs(python.python, { prefix: a.options.prefix });
      if (a.flags.has('json')) out(JSON.stringify({ python, kernels: dirs }, null, 2));
      else out(`installed with ${python.python} (${python.source}):\n${dirs.map((d) => `  ${d}`).join('\n')}`);
      return 0;
    },
  },
  doctor: DOCTOR_COMMAND,
  data: DATA_COMMAND,
  bench: BENCH_COMMAND,
  homework: HOMEWORK_COMMAND,
  grade: GRADE_COMMAND,
  classroom: CLASSROOM_COMMAND,
  site: SITE_COMMAND,
  version: {
    summary: 'print the nnlab version',
    usage: 'nnlab version',
    spec: {},
    async run() {
      out(VERSION);
      return 0;
    },
  },
  ...EXPERIMENT_COMMANDS,
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `nnlab ${VERSION}: lessons on how neural networks are trained, in TypeScript notebooks

Usage: nnlab <command> [options]     (nnlab <command> --help for more)

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`).join('\n')}`;
}

/** Runs the CLI; resolves to the exit status (also set on process.exitCode). */
export async function main(argv: readonly string[]): Promise<number> {
  let status: number;
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      out(mainHelp());
      status = name === undefined ? 2 : 0;
    } else if (!command) {
      throw new UsageError(`unknown command "${name}" (known: ${Object.keys(COMMANDS).join(', ')})`);
    } else {
      const args = parseArgs(name, rest, command.spec);
      if (args.help) {
        out(command.usage);
        status = 0;
      } else {
        status = await command.run(args);
      }
    }
  } catch (err) {
    if (err instanceof ArgumentError && command && !/^[A-Z][A-Z0-9_]+$/.test(err.argument)) {
      // a bad value the library caught (a rule across options, a memory estimate): a usage error;
      // a bad environment variable (NNLAB_WASM_THREADS) stays an error of the environment (exit 1)
      err = new UsageError(`${name}: ${cliMessage(command, err.argument, err.message)}`);
    }
    if (err instanceof UsageError) {
      process.stderr.write(`nnlab: ${err.message}\n${command ? `usage: ${command.usage.split('\n')[0]}` : 'see nnlab --help'}\n`);
      status = 2;
    } else {
      process.stderr.write(`nnlab: ${err instanceof Error ? err.message : String(err)}\n`);
      status = 1;
    }
  }
  process.exitCode = status;
  return status;
}
