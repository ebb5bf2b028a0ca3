/**
 * `nnlab homework build`: student versions from instructor versions. Solution regions become a
 * stub that throws "not implemented yet", the output is deterministic, and the committed student
 * notebooks are up to date with the instructor notebooks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildHomework, cellSource, homeworkIds, instructorDir, NotebookJson, notebookText, stripSolutions, studentNotebook } from '../src/homework';
import { listLessons } from '../src/jupyter/lessons';
import { repoRoot } from '../src/core/paths';

const BIN = path.join(repoRoot(), 'kernel-lib', 'bin', 'nnlab.js');

test('stripSolutions replaces each BEGIN/END SOLUTION region by the stub at the BEGIN line\'s indentation', () => {
  const src = 'function f(x: number): number {\n  // ### BEGIN SOLUTION\n  return x + 1;\n  // ### END SOLUTION\n}\n//### BEGIN SOLUTION\nconst y = 2;\n//   ### END SOLUTION';
  const r = stripSolutions(src);
  assert.equal(r.regions, 2);
  assert.equal(r.text, "function f(x: number): number {\n  // YOUR CODE HERE\n  throw new Error('not implemented yet');\n}\n// YOUR CODE HERE\nthrow new Error('not implemented yet');");
});

test('stripSolutions rejects unbalanced markers, naming the place and the line', () => {
  assert.throws(() => stripSolutions('// ### BEGIN SOLUTION\nx', 'hw, cell 3'), /hw, cell 3: BEGIN SOLUTION on line 1 is never closed by \/\/ ### END SOLUTION/);
  assert.throws(() => stripSolutions('x\n// ### END SOLUTION', 'hw, cell 3'), /hw, cell 3, line 2: END SOLUTION without a BEGIN SOLUTION/);
  assert.throws(() => stripSolutions('// ### BEGIN SOLUTION\n// ### BEGIN SOLUTION\n// ### END SOLUTION'), /line 2: BEGIN SOLUTION inside the region opened on line 1/);
});

test('studentNotebook clears outputs, marks the edition and refuses a notebook without solutions', () => {
  const nb: NotebookJson = {
    nbformat: 4, nbformat_minor: 4, metadata: { nnlab: { homework: 'hw09-dropout', edition: 'instructor' } },
    cells: [{ cell_type: 'code', source: ['// ### BEGIN SOLUTION\n', 'secret();\n', '// ### END SOLUTION'], outputs: [{ output_type: 'stream' }], execution_count: 3, metadata: {} }],
  };
  const s = studentNotebook(nb);
  assert.deepEqual([s.cells[0].outputs, s.cells[0].execution_count, (s.metadata.nnlab as { edition: string }).edition], [[], null, 'student']);
  assert.doesNotMatch(cellSource(s.cells[0]), /secret/);
  assert.equal(notebookText(studentNotebook(nb)), notebookText(s), 'deterministic');
  assert.throws(() => studentNotebook({ ...nb, cells: [{ cell_type: 'code', source: 'x', metadata: {} }] }, 'x.ipynb'), /x.ipynb: no \/\/ ### BEGIN SOLUTION region/);
});

test('the committed student notebooks are up to date with the instructor notebooks (nnlab homework build --check)', () => {
  const entries = buildHomework({ check: true });
  assert.deepEqual(entries.map((e) => path.basename(e.student)), homeworkIds().map((h) => `${h}.ipynb`));
  assert.deepEqual(entries.filter((e) => !e.upToDate).map((e) => e.student), [], 'run `npx nnlab homework build` and commit the result');
  for (const e of entries) {
    const text = fs.readFileSync(e.student, 'utf8');
    assert.doesNotMatch(text, /BEGIN SOLUTION|END SOLUTION/);
    assert.ok(e.regions >= 1);
  }
  const r = spawnSync(process.execPath, [BIN, 'homework', 'build', '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /notebooks\/homework\/hw09-dropout\.ipynb {2}up to date/);
});

test('nnlab homework build --check exits 1 for a stale student version; build writes it, byte-identical on a second build', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-hw-build-'));
  try {
    const studentDir = path.join(dir, 'student');
    assert.ok(buildHomework({ studentDir, check: true }).every((e) => !e.upToDate));
    const first = buildHomework({ studentDir });
    const texts = first.map((e) => fs.readFileSync(e.student, 'utf8'));
    assert.ok(buildHomework({ studentDir }).every((e) => e.upToDate));
    assert.deepEqual(buildHomework({ studentDir }).map((e) => fs.readFileSync(e.student, 'utf8')), texts);
    assert.deepEqual(fs.readdirSync(instructorDir()).sort(), fs.readdirSync(studentDir).sort());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the homework notebooks are not lessons: nnlab list does not pick up notebooks/homework/', () => {
  assert.ok(listLessons().every((l) => path.dirname(l.path) === path.join(repoRoot(), 'notebooks')));
  assert.ok(!listLessons().some((l) => l.name.startsWith('hw')));
});

test('every instructor notebook names its homework, the CPU kernel, and has one check cell per exercise', () => {
  for (const id of homeworkIds()) {
    const nb = JSON.parse(fs.readFileSync(path.join(instructorDir(), `${id}.ipynb`), 'utf8')) as NotebookJson;
    assert.equal((nb.metadata.nnlab as { homework: string }).homework, id);
    assert.equal((nb.metadata.kernelspec as { name: string }).name, 'nnlab-cpu');
    const checks = nb.cells.map((c) => ((c.metadata?.nnlab ?? {}) as { check?: string }).check).filter(Boolean);
    const sources = nb.cells.map(cellSource).join('\n');
    for (const name of checks) assert.match(sources, new RegExp(`await nn\\.check\\.${name}\\(`));
    assert.ok(nb.cells.every((c) => !c.outputs || c.outputs.length === 0), `${id} is committed without outputs`);
    assert.match(sources, /Predict before you run/);
  }
});
