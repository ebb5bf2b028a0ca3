/**
 * Where things are in a clone: the repository root, the notebooks, the runner script and the
 * project's own tslab. nnlab runs from its clone (the package is a workspace of the repository).
 * Each path is found on first use (nothing touches the filesystem when this module loads).
 */
import * as fs from 'fs';
import * as path from 'path';

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
