/**
 * Where things are in a clone: the repository root, the notebooks, the runner script and the
 * project's own tslab. nnlab runs from its clone (the package is a workspace of the repository).
 * Each path is found on first use (nothing touches the filesystem when this module loads).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ArgumentError, checkString } from './errors';

let packageDir: string | undefined;

/** The folder of the nnlab package (kernel-lib/), found upwards from this file (dist/ or build-test/). */
export function kernelLibDir(): string {
  packageDir ??= findPackageDir(__dirname, 'nnlab');
  return packageDir;
}
/** The repository root: the folder above kernel-lib/. */
export function repoRoot(): string {
  return path.resolve(kernelLibDir(), '..');
}
/** The lesson notebooks. */
export function notebooksDir(): string {
  return path.join(repoRoot(), 'notebooks');
}
/** The script that executes a notebook in real Jupyter. */
export function runnerScript(): string {
  return path.join(repoRoot(), 'scripts', 'run-notebook.py');
}
/** The dataset registry (official files, URLs, sizes, checksums). */
export function datasetRegistryPath(): string {
  return path.join(repoRoot(), 'datasets', 'registry.json');
}

function findPackageDir(from: string, name: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj) && (JSON.parse(fs.readFileSync(pj, 'utf8')) as { name?: string }).name === name) return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the ${name} package folder above ${from}`);
  }
}

/** The absolute path of the project's `node_modules/.bin/tslab`. */
export function tslabBin(): string {
  const pkgDir = path.dirname(require.resolve('tslab/package.json'));
  const bin = path.join(pkgDir, '..', '.bin', 'tslab');
  if (!fs.existsSync(bin)) throw new Error(`tslab is not installed: ${bin} is missing (run npm ci in ${repoRoot()})`);
  return bin;
}

/**
 * Throws an ArgumentError naming `name` unless `file` can be written: its folder exists and is
 * writable, and `file` is not a folder. Called before a long job, so that the job's result is not
 * lost at the end for want of a place to put it.
 */
export function checkWritableFile(name: string, file: unknown): string {
  checkString(name, file);
  const target = path.resolve(file as string);
  const dir = path.dirname(target);
  if (fs.existsSync(target) && fs.statSync(target).isDirectory()) {
    throw new ArgumentError(name, file, 'a file to write', `${name} must be a file to write, got ${JSON.stringify(file)}: that is a folder`);
  }
  const problem = folderProblem(dir);
  if (problem) throw new ArgumentError(name, file, 'a file to write', `${name} cannot be written: ${problem}, got ${JSON.stringify(file)}`);
  return target;
}

/**
 * Throws an ArgumentError naming `name` unless `dir` is a writable folder or can be made one (its
 * nearest existing ancestor is a writable folder).
 */
export function checkWritableDir(name: string, dir: unknown): string {
  checkString(name, dir);
  const target = path.resolve(dir as string);
  let existing = target;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  const problem = folderProblem(existing);
  if (problem) throw new ArgumentError(name, dir, 'a folder to write', `${name} cannot be written: ${problem}, got ${JSON.stringify(dir)}`);
  return target;
}

/** Why `dir` is not a folder this process can write to, or null. */
function folderProblem(dir: string): string | null {
  if (!fs.existsSync(dir)) return `the folder ${dir} does not exist`;
  if (!fs.statSync(dir).isDirectory()) return `${dir} is a file, not a folder`;
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    return `the folder ${dir} is not writable`;
  }
  return null;
}
