/**
 * The two nnlab Jupyter kernels: "TypeScript (nnlab, CPU)" and "TypeScript (nnlab, GPU)". Both run
 * `kernel-lib/bin/nnlab-kernel.js` by absolute path (with the absolute path of this Node, so Jupyter
 * needs nothing on PATH) and differ only by `NNLAB_DEVICE` in their environment, which
 * {@link useDevice} reads. Notebooks name the CPU kernel, so they run anywhere.
 *
 * The launcher starts the project's own tslab in the clone's root and then returns to the
 * notebook's folder: a cell's imports (TypeScript's check and Node's require) resolve from the
 * clone, so a lesson copied to any folder imports 'nnlab', while files it reads or writes stay
 * relative to the notebook. NODE_PATH would not do: tslab's TypeScript check ignores it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { kernelLibDir, tslabBin } from '../core/paths';

export const KERNEL_NAMES = { cpu: 'nnlab-cpu', gpu: 'nnlab-gpu' } as const;
export type KernelDevice = keyof typeof KERNEL_NAMES;

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  env: Record<string, string>;
  metadata: Record<string, unknown>;
}

/** The kernel's launcher in this clone (`kernel-lib/bin/nnlab-kernel.js`); checks that tslab is installed. */
export function kernelLauncher(): string {
  tslabBin();
  return path.join(kernelLibDir(), 'bin', 'nnlab-kernel.js');
}

/** The kernel.json of the CPU or GPU kernel for this clone. */
export function kernelSpec(device: KernelDevice, launcher = kernelLauncher(), node = process.execPath): KernelSpec {
  return {
    argv: [node, launcher, '--config-path', '{connection_file}'],
    display_name: `TypeScript (nnlab, ${device.toUpperCase()})`,
    language: 'typescript',
    env: { NNLAB_DEVICE: device },
    metadata: { nnlab: { device } },
  };
}

/**
 * Writes both kernelspecs under `<dataDir>/kernels/<name>/kernel.json` (the layout of a Jupyter
 * data directory, so `dataDir` can be put on JUPYTER_PATH). Returns the folders written.
 */
export function writeKernelSpecs(dataDir: string): string[] {
  return (Object.keys(KERNEL_NAMES) as KernelDevice[]).map((device) => {
    const dir = path.join(dataDir, 'kernels', KERNEL_NAMES[device]);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'kernel.json'), JSON.stringify(kernelSpec(device), null, 2) + '\n');
    return dir;
  });
}

/** A fresh temporary Jupyter data dir holding this clone's kernelspecs (for headless runs). */
export function temporaryKernelDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-kernels-'));
  writeKernelSpecs(dir);
  return dir;
}

/**
 * Registers both kernels with the Jupyter of `python` (`jupyter kernelspec install --replace`,
 * per user unless `prefix` is given). Returns the installed folders as Jupyter reports them.
 */
export function installKernelSpecs(python: string, opts: { prefix?: string } = {}): string[] {
  const staging = temporaryKernelDir();
  try {
    return (Object.values(KERNEL_NAMES)).map((name) => {
      const where = opts.prefix ? ['--prefix', opts.prefix] : ['--user'];
      const r = spawnSync(python, ['-m', 'jupyter', 'kernelspec', 'install', '--replace', '--name', name, ...where,
        path.join(staging, 'kernels', name)], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`jupyter kernelspec install ${name} failed: ${(r.stderr || r.stdout || '').trim()}`);
      const m = /Installed kernelspec \S+ in (.+)/.exec(`${r.stdout}\n${r.stderr}`);
      return m ? m[1].trim() : name;
    });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** A kernelspec Jupyter knows: its name, folder and argv (`jupyter kernelspec list --json`). */
export interface RegisteredKernel { name: string; dir: string; argv: string[] }

/**
 * The kernels registered with the Jupyter of `python`, as Jupyter resolves them (the first folder
 * on its path wins for each name). Throws with Jupyter's message when the listing fails.
 */
export function listKernelSpecs(python: string, env: Record<string, string | undefined> = process.env): RegisteredKernel[] {
  const r = spawnSync(python, ['-m', 'jupyter', 'kernelspec', 'list', '--json'], { encoding: 'utf8', env: env as NodeJS.ProcessEnv, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`jupyter kernelspec list failed: ${(r.stderr || r.stdout || String(r.error ?? '')).trim().split('\n').pop()}`);
  const json = JSON.parse(r.stdout) as { kernelspecs: Record<string, { resource_dir: string; spec: { argv?: string[] } }> };
  return Object.entries(json.kernelspecs).map(([name, k]) => ({ name, dir: k.resource_dir, argv: k.spec.argv ?? [] }));
}
