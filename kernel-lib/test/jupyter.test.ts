/** Finding Jupyter's Python, the kernelspecs, and the lesson list. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { findJupyterPython, pythonCandidates, shebangInterpreter, which } from '../src/jupyter/python';
import { installKernelSpecs, kernelSpec, writeKernelSpecs } from '../src/jupyter/kernelspec';
import { listLessons, resolveNotebook } from '../src/jupyter/lessons';
import { notebooksDir, repoRoot } from '../src/core/paths';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-test-'));
}

function script(dir: string, name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body, { mode: 0o755 });
  return file;
}

test('the interpreter behind `jupyter` is found through its #! line, also with /usr/bin/env', () => {
  const dir = tmp();
  const py = script(dir, 'python3.11', '#!/bin/sh\n');
  const direct = script(dir, 'jupyter-a', `#!${py}\n`);
  assert.equal(shebangInterpreter(direct), py);
  const viaEnv = script(dir, 'jupyter-b', '#!/usr/bin/env python3.11\n');
  assert.equal(shebangInterpreter(viaEnv, { PATH: dir }), py);
  assert.equal(shebangInterpreter(path.join(dir, 'missing')), null);
  assert.equal(which('python3.11', { PATH: `/nonexistent${path.delimiter}${dir}` }), py);
});

test('pythonCandidates asks NNLAB_PYTHON first, then the jupyter command, never assuming the first python3', () => {
  const dir = tmp();
  const jupyterPy = script(dir, 'jpython', '#!/bin/sh\n');
  script(dir, 'jupyter', `#!${jupyterPy}\n`);
  script(dir, 'python3', '#!/bin/sh\n');
  const c = pythonCandidates({ PATH: dir, NNLAB_PYTHON: '/opt/py/bin/python' });
  assert.deepEqual(c.slice(0, 2).map((x) => x.python), ['/opt/py/bin/python', jupyterPy]);
  assert.equal(c[c.length - 1].python, path.join(dir, 'python3'));
});

test('findJupyterPython skips a python3 without Jupyter (the pyenv trap) and finds one that has it', () => {
  const dir = tmp();
  script(dir, 'python3', '#!/bin/sh\nexit 1\n'); // a Python without Jupyter: every import fails
  const found = findJupyterPython({ PATH: dir });
  assert.notEqual(found.python, path.join(dir, 'python3'));
  assert.equal(found.python, '/usr/bin/python3');
});

test('findJupyterPython without any Jupyter says how to install it', () => {
  const dir = tmp();
  script(dir, 'python3', '#!/bin/sh\nexit 1\n');
  const fakeSystem = script(dir, 'nope', '#!/bin/sh\nexit 1\n');
  assert.throws(() => findJupyterPython({ PATH: dir, NNLAB_PYTHON: fakeSystem }, null),
    new RegExp(`^Error: no Python with Jupyter \\(jupyter_client, nbclient, nbconvert, nbformat\\) found; tried: ${fakeSystem} \\(NNLAB_PYTHON\\), ` +
      `${path.join(dir, 'python3')} \\(python3 on PATH\\)\\. Install Jupyter: on Debian/Ubuntu .*apt-get install jupyter-notebook`));
});

test('kernelSpec(device) runs this clone\'s kernel launcher by absolute path and differs only by NNLAB_DEVICE', () => {
  const cpu = kernelSpec('cpu');
  const gpu = kernelSpec('gpu');
  assert.deepEqual(cpu.argv.slice(2), ['--config-path', '{connection_file}']);
  assert.equal(cpu.argv[0], process.execPath);
  assert.equal(cpu.argv[1], path.join(repoRoot(), 'kernel-lib', 'bin', 'nnlab-kernel.js'));
  assert.ok(fs.existsSync(cpu.argv[1]));
  assert.deepEqual([cpu.display_name, gpu.display_name], ['TypeScript (nnlab, CPU)', 'TypeScript (nnlab, GPU)']);
  assert.deepEqual([cpu.env, gpu.env], [{ NNLAB_DEVICE: 'cpu' }, { NNLAB_DEVICE: 'gpu' }]);
  assert.deepEqual({ ...cpu, env: null, display_name: null, metadata: null }, { ...gpu, env: null, display_name: null, metadata: null });
});

test('the kernel launcher `node kernel-lib/bin/nnlab-kernel.js` without a connection file exits 2 with its usage', () => {
  const r = spawnSync(process.execPath, [path.join(repoRoot(), 'kernel-lib', 'bin', 'nnlab-kernel.js')], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.equal(r.stderr, 'usage: nnlab-kernel.js --config-path <connection file> (Jupyter runs it from kernel.json)\n');
});

test('writeKernelSpecs lays out a Jupyter data dir', () => {
  const dir = tmp();
  writeKernelSpecs(dir);
  const spec = JSON.parse(fs.readFileSync(path.join(dir, 'kernels', 'nnlab-gpu', 'kernel.json'), 'utf8'));
  assert.equal(spec.language, 'typescript');
  assert.ok(fs.existsSync(path.join(dir, 'kernels', 'nnlab-cpu', 'kernel.json')));
});

test('every notebook names the nnlab CPU kernel and carries its lesson metadata', () => {
  const lessons = listLessons();
  assert.ok(lessons.length >= 1);
  for (const l of lessons) {
    const nb = JSON.parse(fs.readFileSync(l.path, 'utf8'));
    assert.deepEqual(nb.metadata.kernelspec, { display_name: 'TypeScript (nnlab, CPU)', language: 'typescript', name: 'nnlab-cpu' }, l.name);
    assert.match(l.name, /^\d\d-[a-z0-9-]+$/);
    assert.ok(l.summary.length > 10, `${l.name} needs metadata.nnlab.summary`);
  }
});

test('lesson notebooks are committed without outputs', () => {
  for (const l of listLessons()) {
    const nb = JSON.parse(fs.readFileSync(l.path, 'utf8'));
    for (const [i, c] of nb.cells.entries()) {
      if (c.cell_type !== 'code') continue;
      assert.deepEqual([c.outputs, c.execution_count], [[], null], `${l.name} cell ${i} has outputs`);
    }
  }
});

test('lesson notebooks of format 4.5 give every cell a unique id (nbformat warns, and a future nbformat refuses, without them)', () => {
  for (const l of listLessons()) {
    const nb = JSON.parse(fs.readFileSync(l.path, 'utf8'));
    if (nb.nbformat !== 4 || nb.nbformat_minor < 5) continue;
    const ids = nb.cells.map((c: { id?: unknown }) => c.id);
    const missing = ids.flatMap((id: unknown, i: number) => (typeof id === 'string' && /^[a-zA-Z0-9-_]{1,64}$/.test(id) ? [] : [i]));
    assert.deepEqual(missing, [], `${l.name}: cells without a valid id`);
    assert.equal(new Set(ids).size, ids.length, `${l.name}: cell ids repeat`);
  }
});

test('resolveNotebook accepts a name, a name without its number, a number and a path', () => {
  const file = path.join(notebooksDir(), '00-getting-started.ipynb');
  for (const q of ['00-getting-started', 'getting-started', '00', '0', '00-getting-started.ipynb', file]) {
    assert.equal(resolveNotebook(q), file, q);
  }
  assert.throws(() => resolveNotebook('99'), /no notebook "99"/);
});

test('installKernelSpecs registers both kernels with the real Jupyter, where `jupyter kernelspec list` sees them', () => {
  const prefix = tmp();
  const { python } = findJupyterPython();
  const dirs = installKernelSpecs(python, { prefix });
  assert.equal(dirs.length, 2);
  for (const name of ['nnlab-cpu', 'nnlab-gpu']) {
    const file = path.join(prefix, 'share', 'jupyter', 'kernels', name, 'kernel.json');
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')).env, { NNLAB_DEVICE: name.slice(6) });
  }
  const list = spawnSync(python, ['-m', 'jupyter', 'kernelspec', 'list', '--json'], {
    encoding: 'utf8', env: { ...process.env, JUPYTER_PATH: path.join(prefix, 'share', 'jupyter') },
  });
  const specs = JSON.parse(list.stdout).kernelspecs;
  assert.equal(specs['nnlab-gpu'].spec.display_name, 'TypeScript (nnlab, GPU)');
  assert.equal(specs['nnlab-cpu'].spec.display_name, 'TypeScript (nnlab, CPU)');
});
