#!/usr/bin/env node
'use strict';
// The nnlab Jupyter kernel (argv of both kernel.json files, see src/jupyter/kernelspec.ts): this
// clone's tslab, started so that a lesson imports 'nnlab' from any folder.
//
// tslab resolves a cell's imports from the folder it starts in, for its TypeScript check (Node10
// resolution from <cwd>/__tslab__.ts; TypeScript ignores NODE_PATH) and for Node's require alike
// (a require created at <cwd>/src.js). Jupyter starts a kernel in the notebook's folder, so a lesson
// copied outside the clone finds no node_modules/nnlab. Here tslab starts in the clone's root (its
// node_modules hold nnlab, tfjs and tslab itself), then the process returns to the notebook's folder:
// imports resolve from the clone, and files a cell reads or writes are relative to the notebook.
// Also the declarations tslab emits per cell name types by the clone's paths (no TS2742).
const path = require('path');

const args = process.argv.slice(2);
const at = args.indexOf('--config-path');
if (at < 0 || !args[at + 1] || args.length !== 2) {
  console.error('usage: nnlab-kernel.js --config-path <connection file> (Jupyter runs it from kernel.json)');
  process.exit(2);
}
const configPath = path.resolve(args[at + 1]);
const cloneRoot = path.resolve(__dirname, '..', '..');
const { startKernel } = require(require.resolve('tslab/dist/main.js', { paths: [cloneRoot] }));
// tslab prints the error that ends a cell with console.error (captured when the kernel starts):
// print it as one line for failed checks and errors a cell throws, without tslab's and node:vm's
// frames for the rest (src/jupyter/cellErrors.ts). Without a built library, tslab's own printing.
try {
  const { cellErrorPrinter } = require(path.join(__dirname, '..', 'dist', 'jupyter', 'cellErrors.js'));
  console.error = cellErrorPrinter(console.error.bind(console));
} catch {
  // dist/ not built yet: nnlab cannot be imported either, and tslab says so
}
// While `nnlab grade` runs a submission (NNLAB_GRADING=1), an error thrown in a timer or a promise
// nobody awaited must not kill the kernel: the wasm backend's glue adds process listeners that
// rethrow it (fatal), and the replay after each restart would kill the kernel again, zeroing correct
// work. Uncaught errors go to a capture callback instead (Node then calls no 'uncaughtException'
// listener), are printed, and the kernel goes on; tslab sends the print to the cell running (or last
// run), where the grader finds the line and notes it (src/homework/grade.ts).
if (process.env.NNLAB_GRADING === '1') {
  const reported = new WeakSet();
  const report = (what, err) => {
    if (err !== null && typeof err === 'object') {
      if (reported.has(err)) return;
      reported.add(err);
    }
    const text = `${what}: ${(err instanceof Error ? `${err.name}: ${err.message}` : String(err)).split('\n')[0].slice(0, 300)}`;
    // kept for the grader's cells (gradeInKernel publishes them with the result: a timer that fires
    // after its cell ended prints to no cell), and printed for a cell still running
    const seen = (globalThis[Symbol.for('nnlab.grade.strayErrors')] ??= []);
    if (seen.length < 20) seen.push(text);
    process.stderr.write(`nnlab grade: caught an error thrown outside any cell (${text})\n`);
  };
  process.setUncaughtExceptionCaptureCallback((err) => report('thrown in a timer or callback', err));
  process.prependListener('unhandledRejection', (reason) => report('rejected in a promise nobody awaited', reason));
  // Jupyter starts a kernel in a session of its own: if the grader is killed, the kernel is not, so
  // it ends itself when its parent is gone (Jupyter's JPY_PARENT_PID, as ipykernel's parent poller)
  // the library functions that solve the homework's exercises say "not available in homework" to the
  // student's graded functions, even when the notebook took them before the grader's cells ran
  if (process.env.NNLAB_GRADING_HOMEWORK) {
    try {
      require(path.join(__dirname, '..', 'dist', 'homework', 'check.js')).lockDown(process.env.NNLAB_GRADING_HOMEWORK);
    } catch (err) {
      process.stderr.write(`nnlab grade: could not lock the homework's library functions: ${String(err && err.message).split('\n')[0]}\n`);
    }
  }
  const parent = Number(process.env.JPY_PARENT_PID);
  if (parent > 1) {
    setInterval(() => {
      try { process.kill(parent, 0); } catch { process.exit(1); }
      if (process.ppid !== parent) process.exit(1);
    }, 1000).unref();
  }
}
const notebookDir = process.cwd();
// tslab's TypeScript watches files and folders on disk. A change there between two cells (a
// rebuilt dist/, an edited library source, anything under a watched node_modules folder) makes
// TypeScript arm a debounce timer through tslab's stand-in `setTimeout`, which tslab never fires;
// the next cell then dies with "Unexpected pending rebuildTimer", and so does every cell after it
// until the kernel restarts. The kernel therefore watches only files in the notebook's own folder
// and no folders: a rebuilt library is picked up by restarting the kernel, as its JavaScript is
// anyway.
// test/kernel-watch.test.ts changes files under dist/ and the library's folder between cells.
try {
  const tslabDir = path.dirname(require.resolve('tslab/dist/main.js', { paths: [cloneRoot] }));
  const ts = require(require.resolve('@tslab/typescript-for-tslab', { paths: [tslabDir] }));
  const watchFile = ts.sys.watchFile && ts.sys.watchFile.bind(ts.sys);
  const inert = () => ({ close() {} });
  const local = (file) => {
    const rel = path.relative(notebookDir, path.resolve(file));
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) && !rel.split(path.sep).includes('node_modules');
  };
  ts.sys.watchDirectory = inert;
  ts.sys.watchFile = (file, ...rest) => (watchFile && local(file) ? watchFile(file, ...rest) : inert());
} catch (err) {
  process.stderr.write(`nnlab kernel: could not limit TypeScript's file watching (${String(err && err.message).split('\n')[0]})\n`);
}
process.chdir(cloneRoot);
try {
  // startKernel creates the TypeScript converter and the cell require from process.cwd() before it
  // returns; enableFindLocal: false keeps this clone's tslab even where the clone has another one.
  startKernel({ configPath, enableFindLocal: false, jsKernel: false });
} finally {
  process.chdir(notebookDir);
}
