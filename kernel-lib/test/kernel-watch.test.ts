/**
 * The nnlab kernel (bin/nnlab-kernel.js) survives files changing on disk between cells: a rebuilt
 * dist/ or an edited library folder used to arm a TypeScript debounce timer that tslab never
 * fires, and the next cell died with "Unexpected pending rebuildTimer" (reproduced with this very
 * notebook before the launcher limited the watching).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runNotebook } from '../src/jupyter/run';

const LIBRARY = path.resolve(__dirname, '..', '..');

test('a kernel goes on after files change in the library\'s folder and in dist/ between cells', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-watch-'));
  const probe = path.join(LIBRARY, `.watch-probe-${process.pid}`);
  const decl = path.join(LIBRARY, 'dist', `.watch-probe-${process.pid}.d.ts`);
  const cells = [
    `import * as fs from 'fs';\nimport * as nn from 'nnlab';\n` +
      `const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));\n` +
      `fs.mkdirSync(${JSON.stringify(probe)}, { recursive: true });\nfs.writeFileSync(${JSON.stringify(path.join(probe, 'x.d.ts'))}, 'export {};');\n` +
      `await sleep(2000);`,
    `fs.writeFileSync(${JSON.stringify(decl)}, 'export {};');\nfs.rmSync(${JSON.stringify(probe)}, { recursive: true });\nawait sleep(2000);`,
    `fs.rmSync(${JSON.stringify(decl)});\nawait sleep(2000);`,
    `console.log('alive ' + (40 + 2) + ' ' + typeof nn.useDevice);`,
  ];
  const notebook = {
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: 'nnlab-cpu', display_name: 'TypeScript (nnlab, CPU)', language: 'typescript' } },
    cells: cells.map((source, i) => ({ cell_type: 'code', id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source })),
  };
  const file = path.join(dir, 'watch.ipynb');
  fs.writeFileSync(file, JSON.stringify(notebook));
  try {
    const r = await runNotebook({ notebook: file, outDir: path.join(dir, 'out'), timeout: 120 });
    const executed = JSON.parse(fs.readFileSync(r.executed, 'utf8'));
    const text = executed.cells.flatMap((c: { outputs?: { text?: string | string[]; evalue?: string }[] }) => c.outputs ?? [])
      .map((o: { text?: string | string[]; evalue?: string }) => [o.text ?? '', o.evalue ?? ''].flat().join('')).join('');
    assert.doesNotMatch(text, /rebuildTimer/);
    assert.equal(r.ok, true, text);
    assert.match(text, /alive 42 function/);
  } finally {
    fs.rmSync(probe, { recursive: true, force: true });
    fs.rmSync(decl, { force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
