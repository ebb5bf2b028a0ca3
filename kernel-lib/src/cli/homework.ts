/**
 * `nnlab homework`: the homework notebooks. `build` writes the student versions
 * (notebooks/homework/<name>.ipynb) from the instructor versions (notebooks/homework/instructor/),
 * replacing every `// ### BEGIN SOLUTION` ... `// ### END SOLUTION` region by a stub that throws
 * "not implemented yet"; `build --check` only reports whether they are up to date; `list` shows the
 * exercises and their points.
 */
import * as path from 'path';
import { UsageError } from '../core/args';
import { Command, out } from '../core/command';
import { buildHomework, EXERCISES } from '../homework';
import { repoRoot } from '../core/paths';
import { tableText, toTable } from '../show/table';

export const HOMEWORK_COMMAND: Command = {
  summary: 'build the student versions of the homework notebooks; list the graded exercises',
  usage: `nnlab homework <build|list> [--check] [--json]

  build          write notebooks/homework/<name>.ipynb (student versions) from
                 notebooks/homework/instructor/<name>.ipynb: each // ### BEGIN SOLUTION ...
                 // ### END SOLUTION region becomes a stub that throws "not implemented yet";
                 outputs are cleared; the output is deterministic
  build --check  write nothing; exit 1 when a student version is missing or out of date
  list           the exercises of each homework: check name, functions, points
  --json         print the result as JSON`,
  spec: { flags: ['check', 'json'], positionals: ['action'] },
  async run(a) {
    const action = a.positionals[0];
    const json = a.flags.has('json');
    if (action === 'list') {
      if (a.flags.has('check')) throw new UsageError('homework: --check goes with build');
      const rows = EXERCISES.map((e) => ({ homework: e.homework, check: `nn.check.${e.name}`, functions: e.functions.join(', '), points: e.points, cases: e.cases.length, title: e.title }));
      out(json ? JSON.stringify(rows, null, 2) : tableText(toTable(rows)));
      return 0;
    }
    if (action !== 'build') throw new UsageError(`homework: unknown action "${action}" (known: build, list)`);
    const check = a.flags.has('check');
    const entries = buildHomework({ check });
    const rel = (f: string) => path.relative(repoRoot(), f);
    if (json) {
      out(JSON.stringify(entries.map((e) => ({ ...e, instructor: rel(e.instructor), student: rel(e.student) })), null, 2));
    } else {
      for (const e of entries) {
        const state = e.upToDate ? 'up to date' : check ? 'OUT OF DATE (run nnlab homework build)' : 'written';
        out(`${rel(e.student)}  ${state}  (${e.regions} solution regions stubbed, from ${rel(e.instructor)})`);
      }
    }
    return check && entries.some((e) => !e.upToDate) ? 1 : 0;
  },
};
