/**
 * Where a submission's kernel runs while `nnlab grade` grades it. The grader (nbclient, outside)
 * talks to the kernel over unix sockets in a folder of its own; the kernel runs in one of:
 *
 * - `bwrap` (Debian's bubblewrap): new pid, network, ipc and uts namespaces, a private /tmp, a
 *   working folder holding only the student's notebook, read-only binds of the system, the library
 *   and node_modules (nothing else of the clone or the grader), an unprivileged uid of its own with
 *   no capabilities, rlimits on memory, CPU time, processes and file size; the whole pid namespace
 *   dies with the kernel (--die-with-parent), so no child outlives grading.
 * - `uid`: the same uid, rlimits and folder, without namespaces (no bubblewrap here): other users'
 *   0700 folders are out of reach, every process of the uid is killed at the end, but the network
 *   and /proc stay visible.
 * - `none`: the kernel runs as the grader does (a warning says so).
 *
 * `auto` takes `bwrap` when a probe runs, else `uid` (as root), else fails closed.
 *
 * @example
 * const sandbox = resolveSandbox('auto');   // { mode: 'bwrap', ... } where bubblewrap works
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ArgumentError } from '../core/errors';
import { kernelLibDir, repoRoot } from '../core/paths';
import { kernelLauncher, KernelSpec } from '../jupyter/kernelspec';

export const SANDBOX_MODES = ['auto', 'uid', 'bwrap', 'none'] as const;
export type SandboxMode = typeof SANDBOX_MODES[number];

/** Limits for one submission's kernel (every process in its sandbox). */
export interface SandboxLimits {
  /** Bytes of data segment (RLIMIT_DATA: heap and array buffers; wasm reservations are not counted). */
  memoryBytes: number;
  /** Seconds of CPU time for the kernel process. */
  cpuSeconds: number;
  /** Processes and threads of the sandbox's uid. */
  processes: number;
  /** Largest file it may write, in bytes. */
  fileBytes: number;
}

export const SANDBOX_LIMITS: SandboxLimits = { memoryBytes: 4 * 2 ** 30, cpuSeconds: 900, processes: 256, fileBytes: 256 * 2 ** 20 };

/** A chosen sandbox: its mode and, for `bwrap` and `uid`, the first uid of the pool (one uid per worker slot). */
export interface Sandbox { mode: 'bwrap' | 'uid' | 'none'; baseUid: number; limits: SandboxLimits; why: string }

/** One submission's folders, all under the batch's 0700 work folder. */
export interface SubmissionBox {
  /** Its working folder (HOME and cwd of the kernel): only the student's notebook. */
  home: string;
  /** JUPYTER_RUNTIME_DIR: the connection file and the kernel's unix sockets. */
  runtime: string;
  /** A Jupyter data dir whose kernels/ hold this submission's (sandboxed) kernelspec. */
  kernels: string;
  /** The uid the kernel runs as (0 = the grader's own, mode none). */
  uid: number;
  /** More environment of the kernel (NNLAB_* settings of this grading, e.g. the homework). */
  env: Record<string, string>;
}

/** Sandbox uids: BASE_UID + 256 * (the grader's pid) + worker, so two batches at once never share one (the end of a box kills its uid's processes). */
const BASE_UID = 100_000_000;
const batchUid = () => BASE_UID + 256 * process.pid;
const BWRAP = '/usr/bin/bwrap';
const SETPRIV = '/usr/bin/setpriv';
const PRLIMIT = '/usr/bin/prlimit';

function which(file: string): string | null {
  return fs.existsSync(file) ? file : null;
}

/** Why bubblewrap cannot run here (null when a probe `bwrap ... true` succeeds). */
export function bwrapProblem(): string | null {
  const bwrap = which(BWRAP);
  if (!bwrap) return 'bubblewrap is not installed (apt-get install bubblewrap)';
  if (!which(SETPRIV) || !which(PRLIMIT)) return 'setpriv/prlimit (util-linux) are missing';
  const r = spawnSync(bwrap, [...systemBinds(), '--unshare-pid', '--unshare-net', '--die-with-parent', '--cap-drop', 'ALL',
    '--cap-add', 'CAP_SETUID', '--cap-add', 'CAP_SETGID', '--', SETPRIV, '--reuid', String(BASE_UID), '--regid', String(BASE_UID),
    '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '/bin/true'], { encoding: 'utf8', timeout: 20_000 });
  return r.status === 0 ? null : `bwrap probe failed: ${(r.stderr || String(r.error ?? r.status)).trim().split('\n').pop()}`;
}

/**
 * The sandbox for `mode`: `auto` takes bubblewrap when it works, else a dedicated uid (needs
 * root), else throws one line saying how to get bubblewrap. `none` warns on stderr.
 *
 * @example
 * resolveSandbox('none').mode   // 'none' (with a warning on stderr)
 */
export function resolveSandbox(mode: SandboxMode, limits: SandboxLimits = SANDBOX_LIMITS): Sandbox {
  if (!(SANDBOX_MODES as readonly string[]).includes(mode)) throw new ArgumentError('sandbox', mode, `one of ${SANDBOX_MODES.join(', ')}`);
  const root = process.getuid?.() === 0;
  if (mode === 'none') {
    process.stderr.write('nnlab grade: WARNING: --sandbox none: submissions run with the grader\'s rights (they can read other submissions and change grades)\n');
    return { mode: 'none', baseUid: 0, limits, why: 'asked for none' };
  }
  const bwrapWhy = mode === 'uid' ? 'not tried' : bwrapProblem();
  if (bwrapWhy === null) return { mode: 'bwrap', baseUid: batchUid(), limits, why: 'bubblewrap works' };
  if (mode === 'bwrap') throw new ArgumentError('sandbox', mode, '', `--sandbox bwrap: ${bwrapWhy}`);
  if (root && which(SETPRIV) && which(PRLIMIT)) return { mode: 'uid', baseUid: batchUid(), limits, why: bwrapWhy };
  throw new ArgumentError('sandbox', mode, '', `no sandbox works here: ${bwrapWhy}${root ? '' : '; the uid sandbox needs root'}. ` +
    'Install bubblewrap (sudo apt-get install bubblewrap) or pass --sandbox none to grade unsandboxed');
}

/** Read-only binds of the system (the dynamic loader, libraries, node, /etc), /proc, /dev and a private /tmp. */
function systemBinds(): string[] {
  const out: string[] = ['--ro-bind', '/usr', '/usr'];
  for (const dir of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    if (!fs.existsSync(dir)) continue;
    const link = fs.lstatSync(dir).isSymbolicLink() ? fs.readlinkSync(dir) : null;
    out.push(...(link ? ['--symlink', link, dir] : ['--ro-bind', dir, dir]));
  }
  out.push('--ro-bind', '/etc', '/etc', '--proc', '/proc', '--dev', '/dev', '--perms', '1777', '--tmpfs', '/tmp');
  return out;
}

/** The library, its node_modules and node itself, read-only (not the clone's notebooks, tests or outputs). */
function libraryBinds(): string[] {
  const root = repoRoot();
  const lib = kernelLibDir();
  const node = path.dirname(fs.realpathSync(process.execPath));
  const dirs = [path.join(root, 'package.json'), path.join(root, 'node_modules'), path.join(root, 'datasets'), path.join(lib, 'package.json'),
    path.join(lib, 'dist'), path.join(lib, 'bin'), path.join(lib, 'node_modules'), node];
  dirs.push(...Object.values(dataDirs()));
  return dirs.filter((d) => fs.existsSync(d)).flatMap((d) => [...parents(d), '--ro-bind', d, d]);
}

/** `--dir` with mode 0755 for each folder above `dest` (bwrap would make them 0700: unreachable for the uid). */
function parents(dest: string): string[] {
  const out: string[] = [];
  for (let d = path.dirname(dest); d !== path.dirname(d); d = path.dirname(d)) {
    if (!['/usr', '/etc', '/tmp', '/proc', '/dev'].includes(d)) out.unshift('--perms', '0755', '--dir', d);
  }
  return out;
}

/**
 * The dataset cache, its mirror and the model zoo as the grader sees them (data/files.ts and
 * data/models.ts, which homework/ may not import): bound read-only and named in the sandbox's env,
 * where HOME is the submission's folder.
 */
function dataDirs(): Record<string, string> {
  const env = process.env;
  const data = env.NNLAB_DATA_DIR ? path.resolve(env.NNLAB_DATA_DIR) : path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'nnlab', 'datasets');
  const out: Record<string, string> = { NNLAB_DATA_DIR: data, NNLAB_MODEL_DIR: env.NNLAB_MODEL_DIR ? path.resolve(env.NNLAB_MODEL_DIR) : path.join(path.dirname(data), 'models') };
  if (env.NNLAB_DATA_MIRROR && !/^https?:/.test(env.NNLAB_DATA_MIRROR)) out.NNLAB_DATA_MIRROR = path.resolve(env.NNLAB_DATA_MIRROR);
  return out;
}

/** The environment inside the sandbox: the grader's NNLAB_* settings, PATH and locale; nothing else. */
function sandboxEnv(home: string): string[] {
  const keep = Object.entries(process.env).filter(([k]) => k.startsWith('NNLAB_') || k === 'LANG' || k === 'LC_ALL');
  const env: [string, string][] = [...keep as [string, string][], ...Object.entries(dataDirs()), ['PATH', '/usr/local/bin:/usr/bin:/bin'], ['HOME', home], ['TMPDIR', '/tmp'],
    ['NNLAB_QUICK', '1'], ['NNLAB_WASM_THREADS', '1'], ['NNLAB_DEVICE', 'cpu'], ['NNLAB_GRADING', '1']];
  return env.flatMap(([k, v]) => ['--setenv', k, v]);
}

function limitArgs(l: SandboxLimits): string[] {
  return [PRLIMIT, `--data=${l.memoryBytes}`, `--cpu=${l.cpuSeconds}`, `--nproc=${l.processes}`, `--fsize=${l.fileBytes}`, '--core=0', '--'];
}

function dropTo(uid: number): string[] {
  return [SETPRIV, '--reuid', String(uid), '--regid', String(uid), '--clear-groups', '--inh-caps=-all', '--bounding-set=-all'];
}

/**
 * The argv of the kernel for one submission (kernel.json's argv): the nnlab launcher inside the
 * sandbox, with Jupyter's `{connection_file}` placeholder.
 *
 * @example
 * sandboxKernelArgv(resolveSandbox('auto'), box);   // ['/usr/bin/bwrap', ..., 'nnlab-sandbox-kernel.js', '--config-path', '{connection_file}']
 */
export function sandboxKernelArgv(sandbox: Sandbox, box: SubmissionBox): string[] {
  const launcher = path.join(path.dirname(kernelLauncher()), 'nnlab-sandbox-kernel.js');
  const kernel = [process.execPath, launcher, '--config-path', '{connection_file}'];
  if (sandbox.mode === 'none') return kernel;
  const inner = [...dropTo(box.uid), ...limitArgs(sandbox.limits), ...kernel];
  const extra = Object.entries(box.env);
  if (sandbox.mode === 'uid') return ['/usr/bin/env', '-i', `HOME=${box.home}`, 'PATH=/usr/local/bin:/usr/bin:/bin', 'NNLAB_QUICK=1', 'NNLAB_WASM_THREADS=1', 'NNLAB_DEVICE=cpu', 'NNLAB_GRADING=1', ...extra.map(([k, v]) => `${k}=${v}`), ...inner];
  return [BWRAP, '--clearenv', ...sandboxEnv(box.home), ...extra.flatMap(([k, v]) => ['--setenv', k, v]), ...systemBinds(), ...libraryBinds(),
    ...parents(box.home), '--bind', box.home, box.home, '--bind', box.runtime, box.runtime, '--chdir', '/', '--setenv', 'NNLAB_SANDBOX_HOME', box.home,
    '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try', '--hostname', 'sandbox',
    '--die-with-parent', '--new-session', '--cap-drop', 'ALL', '--cap-add', 'CAP_SETUID', '--cap-add', 'CAP_SETGID',
    '--', ...inner];
}

/**
 * A fresh folder for a batch's submission boxes, apart from the grader's work folder: mode 0711, so
 * a sandbox uid reaches its own box by name and lists nothing.
 *
 * @example
 * const boxes = sandboxRoot();   // '/tmp/nnlab-boxes-XXXXXX'
 */
export function sandboxRoot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-boxes-'));
  fs.chmodSync(dir, 0o711);
  return dir;
}

/**
 * Makes one submission's folders under `work` (from {@link sandboxRoot}): its home holds only a copy
 * of `notebook`; home and runtime belong to the slot's uid; the kernelspec stays the grader's.
 *
 * @example
 * const box = submissionBox(resolveSandbox('auto'), sandboxRoot(), 3, 'alice.ipynb', 0);
 */
export function submissionBox(sandbox: Sandbox, work: string, slot: number, notebook: string, worker: number, env: Record<string, string> = {}): SubmissionBox {
  const dir = path.join(work, `box-${slot}`);
  const box: SubmissionBox = { home: path.join(dir, 'home'), runtime: path.join(dir, 'run'), kernels: path.join(dir, 'jupyter'), uid: sandbox.mode === 'none' ? 0 : sandbox.baseUid + worker, env };
  for (const d of [box.home, box.runtime, path.join(box.kernels, 'kernels', 'nnlab-cpu')]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
  fs.copyFileSync(notebook, path.join(box.home, path.basename(notebook)));
  if (sandbox.mode !== 'none') {
    fs.chmodSync(dir, 0o711);   // the uid may pass through to home and run, not list or read the rest
    for (const d of [box.home, box.runtime]) {
      fs.chownSync(d, box.uid, box.uid);
      for (const f of fs.readdirSync(d)) fs.chownSync(path.join(d, f), box.uid, box.uid);
    }
  }
  const spec: KernelSpec = {
    argv: sandboxKernelArgv(sandbox, box), display_name: 'TypeScript (nnlab, sandboxed)', language: 'typescript',
    env: { NNLAB_DEVICE: 'cpu' }, metadata: { nnlab: { device: 'cpu', sandbox: sandbox.mode } },
  };
  fs.writeFileSync(path.join(box.kernels, 'kernels', 'nnlab-cpu', 'kernel.json'), JSON.stringify(spec, null, 2) + '\n');
  return box;
}

/**
 * Ends everything the submission started and removes its folders: in the uid sandbox, kills every
 * process of its uid (bwrap's pid namespace has already died with its kernel).
 *
 * @example
 * closeSubmissionBox(resolveSandbox('auto'), box);
 */
export function closeSubmissionBox(sandbox: Sandbox, box: SubmissionBox): void {
  if (sandbox.mode !== 'none') {
    // kill(-1) as the uid reaches exactly its processes; repeat in case one forked meanwhile
    for (let i = 0; i < 3; i++) spawnSync(SETPRIV, [...dropTo(box.uid).slice(1), '/bin/kill', '-KILL', '-1'], { stdio: 'ignore', timeout: 10_000 });
  }
  fs.rmSync(path.dirname(box.home), { recursive: true, force: true });
}
