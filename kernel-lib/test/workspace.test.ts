/** The student's workspace (nnlab lessons update): copies outside the clone, updates that never overwrite a student's edits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cellsHash, MANIFEST, updateWorkspace, workspaceDir, workspaceFiles } from '../src/jupyter/workspace';
import { notebooksDir, repoRoot } from '../src/core/paths';

function notebook(file: string, sources: string[], outputs: unknown[] = []): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({
    cells: sources.map((source, i) => ({ cell_type: i === 0 ? 'markdown' : 'code', id: `c${i}`, metadata: {}, source, outputs, execution_count: null })),
    metadata: {}, nbformat: 4, nbformat_minor: 5,
  }));
}

test('nnlab lessons update adds new lessons, updates untouched copies, keeps edited ones and says so; running a lesson is not editing it', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-workspace-'));
  const source = path.join(root, 'notebooks');
  const dir = path.join(root, 'home', 'nnlab-lessons');
  notebook(path.join(source, '00-a.ipynb'), ['# A', 'const a = 1;']);
  notebook(path.join(source, '03-b.ipynb'), ['# B', 'const b = 1;']);
  notebook(path.join(source, 'homework', 'hw03-b.ipynb'), ['# HW', 'const h = 1;']);
  notebook(path.join(source, 'homework', 'instructor', 'hw03-b.ipynb'), ['# HW', 'const h = 42; // solution']);
  assert.deepEqual(workspaceFiles(source), ['00-a.ipynb', '03-b.ipynb', 'homework/hw03-b.ipynb'], 'no instructor versions');
  assert.deepEqual(updateWorkspace({ dir, source }).map((e) => e.action), ['added', 'added', 'added']);
  assert.ok(fs.existsSync(path.join(dir, MANIFEST)));
  // the student runs lesson 00 (outputs saved) and edits lesson 03; then new versions of both arrive
  notebook(path.join(dir, '00-a.ipynb'), ['# A', 'const a = 1;'], [{ output_type: 'stream', name: 'stdout', text: '1' }]);
  notebook(path.join(dir, '03-b.ipynb'), ['# B', 'const b = 2; // my answer']);
  assert.deepEqual(updateWorkspace({ dir, source }).map((e) => e.action), ['unchanged', 'edited', 'unchanged'], 'nothing new yet');
  notebook(path.join(source, '00-a.ipynb'), ['# A, improved', 'const a = 1;']);
  notebook(path.join(source, '03-b.ipynb'), ['# B, improved', 'const b = 1;']);
  notebook(path.join(source, '04-c.ipynb'), ['# C', 'const c = 1;']);
  const entries = updateWorkspace({ dir, source });
  assert.deepEqual(entries.map((e) => `${e.file} ${e.action}`), ['00-a.ipynb updated', '03-b.ipynb kept', '04-c.ipynb added', 'homework/hw03-b.ipynb unchanged']);
  assert.equal(cellsHash(path.join(dir, '00-a.ipynb')), cellsHash(path.join(source, '00-a.ipynb')));
  assert.match(fs.readFileSync(path.join(dir, '03-b.ipynb'), 'utf8'), /my answer/, 'the edited copy is untouched');
  // a later update still keeps it
  assert.equal(updateWorkspace({ dir, source })[1].action, 'kept');
  assert.throws(() => updateWorkspace({ dir: path.join(source, 'mine'), source }), /dir must be a folder outside the clone's notebooks\//);
  assert.equal(workspaceDir({ NNLAB_WORKSPACE: '/srv/class/ada' }), '/srv/class/ada');
  assert.equal(workspaceDir({}), path.join(os.homedir(), 'nnlab-lessons'));
});

test('nnlab lessons update copies every lesson and homework of the clone and reports it; lessons path prints the folder', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-lessons-cli-'));
  const bin = path.join(repoRoot(), 'kernel-lib', 'bin', 'nnlab.js');
  const r = spawnSync(process.execPath, [bin, 'lessons', 'update', '--dir', dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const n = workspaceFiles(notebooksDir()).length;
  assert.equal(r.stdout.trim(), `nnlab lessons: ${dir}: ${n} added, 0 updated, 0 unchanged, 0 kept`);
  assert.ok(fs.existsSync(path.join(dir, '00-getting-started.ipynb')));
  const p = spawnSync(process.execPath, [bin, 'lessons', 'path'], { encoding: 'utf8', env: { ...process.env, NNLAB_WORKSPACE: dir } });
  assert.equal(p.stdout.trim(), dir);
  const bad = spawnSync(process.execPath, [bin, 'lessons', 'sync'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /lessons: unknown action "sync" \(known: update, path\)/);
});

test('nnlab lessons update --no-homework copies the lessons only (a class Hub hands homework out with classroom assign); a later plain update adds it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-lessons-nohw-'));
  const bin = path.join(repoRoot(), 'kernel-lib', 'bin', 'nnlab.js');
  const all = workspaceFiles(notebooksDir());
  const lessons = all.filter((f) => !f.startsWith('homework/'));
  assert.ok(lessons.length >= 13 && all.length > lessons.length);
  const r = spawnSync(process.execPath, [bin, 'lessons', 'update', '--dir', dir, '--no-homework', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual((JSON.parse(r.stdout) as { entries: { file: string }[] }).entries.map((e) => e.file), lessons);
  assert.ok(!fs.existsSync(path.join(dir, 'homework')));
  const entries = updateWorkspace({ dir });
  assert.deepEqual(entries.filter((e) => e.action === 'added').map((e) => e.file), all.filter((f) => f.startsWith('homework/')));
  fs.rmSync(dir, { recursive: true, force: true });
});
