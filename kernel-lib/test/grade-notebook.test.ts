/**
 * grade-notebook.py (the runner `nnlab grade` starts for every submission) on a kernel that does not
 * answer in time, as on a busy machine: the run replaces it and goes on; one that never answers is
 * "the kernel did not start" after START_TRIES tries. A fake kernelspec (a Python script that
 * sleeps instead of answering, then hands over to ipykernel) plays the slow kernel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { graderScript } from '../src/homework/grade';
import { findJupyterPython } from '../src/jupyter/python';

/** A kernelspec `name` in `dir`/kernels whose first `silentStarts` starts never answer; later starts are ipykernel. */
function slowKernel(dir: string, name: string, python: string, silentStarts: number): void {
  const spec = path.join(dir, 'kernels', name);
  fs.mkdirSync(spec, { recursive: true });
  const script = path.join(spec, 'kernel.py');
  fs.writeFileSync(script, `import os, sys, time
count = os.path.join(os.path.dirname(__file__), 'starts')
n = int(open(count).read()) if os.path.exists(count) else 0
open(count, 'w').write(str(n + 1))
if n < ${silentStarts}:
    time.sleep(120)   # never answers: the grader gives up on it after --start-timeout
    sys.exit(0)
os.execv(sys.executable, [sys.executable, '-m', 'ipykernel_launcher', '-f', sys.argv[1]])
`);
  fs.writeFileSync(path.join(spec, 'kernel.json'), JSON.stringify({ argv: [python, script, '{connection_file}'], display_name: name, language: 'python' }));
}

function run(dir: string, kernel: string, python: string): { summary: { cells?: { status: string }[]; restarts?: number; error?: string }; out: string; ms: number } {
  const nb = path.join(dir, 'nb.ipynb');
  fs.writeFileSync(nb, JSON.stringify({
    nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: kernel, display_name: kernel, language: 'python' } },
    cells: [{ cell_type: 'code', id: 'a', metadata: {}, outputs: [], execution_count: null, source: 'print(6 * 7)' }],
  }));
  const out = path.join(dir, `${kernel}-out.ipynb`);
  const t0 = Date.now();
  const r = spawnSync(python, [graderScript(), nb, '--kernel', kernel, '--out', out, '--cwd', dir, '--timeout', '90',
    '--cell-timeout', '30', '--start-timeout', '3'], { encoding: 'utf8', env: { ...process.env, JUPYTER_PATH: dir }, timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return { summary: JSON.parse(r.stdout.trim().split('\n').pop() as string), out: fs.readFileSync(out, 'utf8'), ms: Date.now() - t0 };
}

test('grade-notebook.py replaces a kernel that does not answer within --start-timeout and runs the notebook on the next one', () => {
  const python = findJupyterPython().python;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-slowstart-'));
  try {
    slowKernel(dir, 'slow-once', python, 1);
    const { summary, out } = run(dir, 'slow-once', python);
    assert.equal(summary.error, undefined);
    assert.deepEqual(summary.cells?.map((c) => c.status), ['ok']);
    assert.ok((summary.restarts ?? 0) >= 1, JSON.stringify(summary));
    assert.match(out, /42/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('grade-notebook.py reports "the kernel did not start" after 3 kernels that never answer', () => {
  const python = findJupyterPython().python;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-nostart-'));
  try {
    slowKernel(dir, 'silent', python, 99);
    const { summary, ms } = run(dir, 'silent', python);
    assert.match(summary.error ?? '', /^the kernel did not start: /);
    assert.equal(fs.readFileSync(path.join(dir, 'kernels', 'silent', 'starts'), 'utf8'), '3', 'three starts tried');
    assert.ok(ms < 60_000, `took ${ms} ms`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
