/**
 * Notebooks are tests too: every lesson runs top to bottom in real Jupyter with the nnlab CPU
 * kernel in quick mode; lesson zero also runs under the GPU kernel on the software GPU, and from
 * folders outside the clone (as a student's copy); a sabotaged copy proves that check cells fail
 * and that `nnlab run` reports the failing cell.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lessonRows } from '../src/lessons/registry';
import { repoRoot } from '../src/core/paths';
import { runNotebook, RunNotebookResult } from '../src/jupyter/run';
import { SWIFTSHADER_ICD } from './helpers';

const OUT = path.join(repoRoot(), 'test-output', 'notebooks');

interface Output { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown>; ename?: string; evalue?: string }
interface Cell { cell_type: string; source: string | string[]; outputs?: Output[]; execution_count?: number | null }

function cells(file: string): Cell[] {
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: Cell[] }).cells;
}
function text(o: Output): string {
  return Array.isArray(o.text) ? o.text.join('') : o.text ?? '';
}
function errors(file: string): string[] {
  return cells(file).flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === 'error').map((o) => `${o.ename}: ${o.evalue}`));
}
function stdout(file: string): string {
  return cells(file).flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === 'stream').map(text)).join('');
}
function figureHtmls(file: string): string[] {
  return cells(file).flatMap((c) => (c.outputs ?? []).filter((o) => o.data?.['application/vnd.plotly.v1+json']).map((o) => String(o.data!['text/html'])));
}

/**
 * One Jupyter run per lesson serves two tests: top to bottom in quick mode with the CPU kernel (its
 * executed copy keeps that pass: test 1), then, in the same kernel, every cell again and the check
 * cells once more (the re-run test at the end of this file). The re-run test used to start its own
 * run and repeat the first pass; it awaits this one instead (or starts it when run alone).
 */
const quickRuns = new Map<string, Promise<RunNotebookResult>>();
function quickRun(name: string): Promise<RunNotebookResult> {
  let run = quickRuns.get(name);
  if (!run) {
    run = runNotebook({ notebook: name, quick: true, outDir: path.join(OUT, 'cpu'), timeout: 900, rerun: true });
    quickRuns.set(name, run);
  }
  return run;
}

for (const lesson of lessonRows()) {
  test(`nnlab run ${lesson.name} --quick executes every cell with the CPU kernel`, async () => {
    const r = await quickRun(lesson.name);
    assert.ok(r.ok, `exit code ${r.exitCode}; errors: ${errors(r.executed).join(' | ')}`);
    assert.deepEqual(errors(r.executed), []);
  });
}

test('lesson zero reports wasm under the CPU kernel and draws its figures with deterministic ids', async () => {
  const file = path.join(OUT, 'cpu', '00-getting-started.ipynb');
  assert.ok(fs.existsSync(file), 'the CPU run above must have written the executed notebook');
  assert.match(stdout(file), /^nnlab device: wasm \(SIMD, (1 thread|\d threads per op), nnlab kernels\)/m);
  assert.match(stdout(file), /ok: running on wasm \(CPU\), asked for "cpu"/);
  const figs = figureHtmls(file);
  assert.equal(figs.length, 2, 'the histogram grid and the live loss chart');
  const again = await runNotebook({ notebook: '00-getting-started', quick: true, outDir: path.join(OUT, 'cpu-again'), timeout: 900 });
  assert.ok(again.ok);
  assert.deepEqual(figureHtmls(again.executed), figs, 'same notebook, same seeds: the chart outputs must be identical');
});

test('lesson zero runs under the GPU kernel on WebGPU (SwiftShader software GPU)', async () => {
  assert.ok(fs.existsSync(SWIFTSHADER_ICD), `${SWIFTSHADER_ICD} is missing: install Debian's chromium`);
  const r = await runNotebook({
    notebook: '00-getting-started', quick: true, kernel: 'gpu', outDir: path.join(OUT, 'gpu'), timeout: 900,
    env: { VK_ICD_FILENAMES: SWIFTSHADER_ICD, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? os.tmpdir() },
  });
  assert.ok(r.ok, `errors: ${errors(r.executed).join(' | ')}`);
  const out = stdout(r.executed);
  assert.match(out, /^nnlab device: webgpu \(WebGPU on SwiftShader driver [\d.]+\); software GPU: correct but slow/m);
  assert.match(out, /ok: running on webgpu \(GPU\), asked for "gpu"/);
  assert.match(out, /ok: line recovered, loss at the noise level, no leaks/);
});

/** Copies lesson zero, plus a cell that prints the working directory, into `dir`; runs it; asserts every cell ran. */
async function runLessonZeroIn(dir: string, outName: string): Promise<void> {
  const nb = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'notebooks', '00-getting-started.ipynb'), 'utf8'));
  const source = "console.log(`working directory: ${process.cwd()}`);";
  nb.cells.push({ id: 'where', cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source });
  const file = path.join(dir, '00-getting-started.ipynb');
  fs.writeFileSync(file, JSON.stringify(nb));
  const r = await runNotebook({ notebook: file, quick: true, outDir: path.join(OUT, outName), timeout: 900 });
  assert.ok(r.ok, `exit code ${r.exitCode}; errors: ${errors(r.executed).join(' | ')}`);
  assert.deepEqual(errors(r.executed), []);
  const code = cells(r.executed).filter((c) => c.cell_type === 'code');
  assert.equal(code.length, nb.cells.filter((c: Cell) => c.cell_type === 'code').length);
  assert.deepEqual(code.flatMap((c, i) => (c.execution_count == null ? [i] : [])), [], 'code cells that did not run');
  const where = stdout(r.executed).split('\n').find((l) => l.startsWith('working directory: '));
  assert.equal(where, `working directory: ${dir}`);
}

test('lesson zero copied to a temporary folder outside the clone runs every cell there: the nnlab kernel imports nnlab from the clone and works in the notebook\'s folder', async () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-anywhere-')));
  assert.match(path.relative(repoRoot(), dir), /^\.\./, `${dir} must be outside the clone`);
  try {
    await runLessonZeroIn(dir, 'anywhere');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('lesson zero runs in a folder whose node_modules/nnlab is a symlink into the clone (tslab alone fails there with TS2742 "not portable" on a danfo DataFrame)', async () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-symlinked-')));
  try {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(path.join(repoRoot(), 'kernel-lib'), path.join(dir, 'node_modules', 'nnlab'), 'dir');
    await runLessonZeroIn(dir, 'symlinked');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a check cell fails when a result is wrong, and nnlab run shows the failing cell', () => {
  const dir = path.join(OUT, 'sabotaged');
  fs.mkdirSync(dir, { recursive: true });
  const nb = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'notebooks', '00-getting-started.ipynb'), 'utf8'));
  const cell = nb.cells.find((c: Cell) => String(Array.isArray(c.source) ? c.source.join('') : c.source).includes('const mean ='));
  cell.source = String(Array.isArray(cell.source) ? cell.source.join('') : cell.source).replace('const mean = ', 'const mean = 0.5 + ');
  const file = path.join(dir, 'sabotaged.ipynb');
  fs.writeFileSync(file, JSON.stringify(nb));
  const bin = path.join(repoRoot(), 'kernel-lib', 'bin', 'nnlab.js');
  const r = spawnSync(process.execPath, [bin, 'run', file, '--quick', '--out', path.join(dir, 'out')], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /FAILED: cell 4\/\d+ .*raised CheckFailure: sample mean: expected 0 within 4 SE \(± 0\.04\), measured 0\.50\d+ \(hint: [\d.]+ SE away\)/);
  assert.match(r.stderr, /--- cell source ---\n\/\/ Check: the sample mean is within 4 standard errors/);
  assert.match(r.stdout, /failed: see the cell above/);
  // the student sees one line under the failing cell: the reason, no frames of node:vm or tslab
  const executed = /executed copy \(up to the failure\): (\S+)/.exec(r.stderr)?.[1];
  assert.ok(executed && fs.existsSync(executed), r.stderr);
  const failing = cells(executed).find((c) => String(Array.isArray(c.source) ? c.source.join('') : c.source).startsWith('// Check: the sample mean'))!;
  const shown = (failing.outputs ?? []).filter((o) => o.output_type === 'stream' && o.name === 'stderr').map(text).join('');
  assert.match(shown, /^CheckFailure: sample mean: expected 0 within 4 SE \(± 0\.04\), measured 0\.50\d+ \(hint: [\d.]+ SE away\)\n$/);
});

test('a cell that updates displays 3,000 times in a row finishes with every output: nnlab queues the kernel\'s ZeroMQ sends and lifts the IOPub high-water mark (tslab alone hangs)', async () => {
  const dir = path.join(OUT, 'display-burst');
  fs.mkdirSync(dir, { recursive: true });
  const nb = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'notebooks', '00-getting-started.ipynb'), 'utf8'));
  const source = [
    "import * as nn from 'nnlab';",
    "import * as tslab from 'tslab';",
    "const bar = nn.progressBar({ total: 3000, label: 'burst', redrawMs: 0 });",
    "for (let i = 1; i <= 3000; i++) { tslab.display.text(`line ${i}`); bar.update(i); }",
    "bar.finish();",
    "console.log('burst done');",
  ].join('\n');
  nb.cells = [{ id: 'display-burst', cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source }];
  const file = path.join(dir, 'display-burst.ipynb');
  fs.writeFileSync(file, JSON.stringify(nb));
  // 60 s for what takes ~3 s: without the queue the cell never reports back
  const r = await runNotebook({ notebook: file, quick: true, outDir: path.join(dir, 'out'), timeout: 60 });
  assert.ok(r.ok, `errors: ${errors(r.executed).join(' | ')}`);
  assert.match(stdout(r.executed), /burst done/);
  const displays = cells(r.executed)[0].outputs!.filter((o) => o.output_type === 'display_data');
  assert.ok(displays.length >= 3000, `${displays.length} display outputs`);
});

// Re-running (issue 17): students re-run cells all the time. Each lesson runs top to bottom, then
// again in the same kernel, then its check cells once more: no cell may fail on a re-run, and a
// re-run may not leave tensors behind. Lessons with known failures are listed until they are fixed.
const RERUN_KNOWN: Record<string, string> = {};
for (const lesson of lessonRows()) {
  test(`${lesson.name}: running it again in the same kernel, then its check cells once more, fails nowhere and leaks no tensors`,
    { skip: RERUN_KNOWN[lesson.name] }, async () => {
      const r = await quickRun(lesson.name);
      assert.ok(r.ok && r.rerun, `the first pass failed (exit ${r.exitCode})`);
      assert.deepEqual(r.rerun.errors, []);
      const [first, second, third] = r.rerun.tensors;
      assert.deepEqual({ second, third }, { second: first, third: first },
        `live tensors after each pass: ${r.rerun.tensors.join(', ')} (a re-run must not leave tensors behind)`);
    });
}
