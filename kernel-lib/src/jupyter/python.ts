/**
 * Finding the Python that has Jupyter. Jupyter is Python, and the first `python3` on PATH is often
 * not the one that has it (a pyenv or conda Python beside Debian's). So nnlab never assumes:
 * it asks, in order, `NNLAB_PYTHON`, the interpreter named in the `jupyter` command's first line,
 * `/usr/bin/python3` and `python3`/`python` on PATH, and takes the first that imports the Jupyter
 * modules the notebook runner needs.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The Python modules nnlab needs: the kernel manager, the executor and the HTML exporter. */
export const REQUIRED_MODULES = ['jupyter_client', 'nbclient', 'nbconvert', 'nbformat'] as const;

export const JUPYTER_INSTALL_HINT =
  'Install Jupyter: on Debian/Ubuntu `sudo apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client` ' +
  '(scripts/setup.sh does it), elsewhere `python3 -m pip install notebook nbconvert nbclient`; or point NNLAB_PYTHON at a Python that has them.';

export interface PythonCandidate { python: string; source: string }

/** Finds `cmd` on PATH (like `which`); null when absent. */
export function which(cmd: string, env: Record<string, string | undefined> = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, cmd);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch { /* not here */ }
  }
  return null;
}

/** The interpreter a script's `#!` line names (`#!/usr/bin/python3`, `#!/usr/bin/env python3`). */
export function shebangInterpreter(file: string, env: Record<string, string | undefined> = process.env): string | null {
  let first: string;
  try {
    first = fs.readFileSync(file, 'utf8').split('\n', 1)[0];
  } catch {
    return null;
  }
  const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
  if (!m) return null;
  if (path.basename(m[1]) === 'env' && m[2]) return which(m[2], env);
  return m[1];
}

/** The candidates in the order they are tried (duplicates removed). */
export function pythonCandidates(env: Record<string, string | undefined> = process.env,
  systemPython: string | null = '/usr/bin/python3'): PythonCandidate[] {
  const out: PythonCandidate[] = [];
  const add = (python: string | null, source: string) => {
    if (python && !out.some((c) => c.python === python)) out.push({ python, source });
  };
  if (env.NNLAB_PYTHON) add(env.NNLAB_PYTHON, 'NNLAB_PYTHON');
  const jupyter = which('jupyter', env);
  if (jupyter) add(shebangInterpreter(jupyter, env), `the interpreter of ${jupyter}`);
  add(systemPython && fs.existsSync(systemPython) ? systemPython : null, 'the system Python');
  add(which('python3', env), 'python3 on PATH');
  add(which('python', env), 'python on PATH');
  return out;
}

/** True when `python` imports every module of {@link REQUIRED_MODULES}. */
export function hasJupyter(python: string): boolean {
  const r = spawnSync(python, ['-c', `import ${REQUIRED_MODULES.join(', ')}`], { stdio: 'ignore', timeout: 60_000 });
  return r.status === 0;
}

/** One interpreter tried and whether it has Jupyter's modules. */
export interface PythonProbe extends PythonCandidate { jupyter: boolean }

/** Every candidate, in order, each asked whether it imports {@link REQUIRED_MODULES} (`nnlab doctor`). */
export function probePythons(env: Record<string, string | undefined> = process.env,
  systemPython: string | null = '/usr/bin/python3', has: (python: string) => boolean = hasJupyter): PythonProbe[] {
  return pythonCandidates(env, systemPython).map((c) => ({ ...c, jupyter: has(c.python) }));
}

/** The first candidate with Jupyter; throws with install instructions when there is none. */
export function findJupyterPython(env: Record<string, string | undefined> = process.env,
  systemPython: string | null = '/usr/bin/python3'): PythonCandidate {
  const candidates = pythonCandidates(env, systemPython);
  const found = candidates.find((c) => hasJupyter(c.python));
  if (found) return found;
  const tried = candidates.map((c) => `${c.python} (${c.source})`).join(', ') || 'none found';
  throw new Error(`no Python with Jupyter (${REQUIRED_MODULES.join(', ')}) found; tried: ${tried}. ${JUPYTER_INSTALL_HINT}`);
}
