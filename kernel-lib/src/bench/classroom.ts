/**
 * `npm run bench:classroom -w nnlab`: what one student costs on a JupyterHub with nnlab's
 * committed configuration, measured on this machine, for the sizing in docs/classroom.md.
 *
 * A real Hub on 127.0.0.1 (test accounts, the dummy authenticator of the test flag, everything
 * removed afterwards), then:
 * - the Hub's and the proxy's resident memory, and the time until the Hub answers;
 * - per user: the time to start a server through the REST API, the memory of an idle server, of
 *   a started nnlab kernel (wasm, 1 thread) and of that kernel after lesson 00 (MNIST loaded and a
 *   model trained), and the peak of the user's cgroup;
 * - lesson time against the number of students running it at once: lesson 00 and lesson 04 in
 *   quick mode started together by 1, 2, 4, ... `--users` students (the median and the slowest).
 *
 *   node dist/bench/classroom.js [--users 8] [--lessons 00-getting-started,04-batchnorm] [--json]
 *
 * Needs root and Debian's jupyterhub. It takes a few minutes on 2 cores; run it on an otherwise
 * idle machine (the load average is in the report).
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { addTrialUsers, pgrep, removeTrialUsers, rssOf, startHub, StartedHub, userRss } from '../jupyter/hub';

interface Options { users: number; lessons: string[]; json: boolean }

function parse(argv: string[]): Options {
  const get = (name: string) => { const i = argv.indexOf(`--${name}`); return i < 0 ? undefined : argv[i + 1]; };
  const users = Number(get('users') ?? 8);
  if (!Number.isInteger(users) || users < 1 || users > 64) throw new Error(`--users must be a whole number in [1, 64], got ${JSON.stringify(get('users'))}`);
  const lessons = (get('lessons') ?? '00-getting-started,04-batchnorm').split(',').map((l) => l.trim()).filter((l) => l);
  return { users, lessons, json: argv.includes('--json') };
}

const mb = (bytes: number) => Math.round(bytes / 1e6);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN; };
const round1 = (x: number) => Math.round(x * 10) / 10;

export interface ClassroomBenchRecord {
  machine: { cores: number; memoryGB: number; cpu: string; loadAverageStart: number[]; loadAverageEnd: number[] };
  hub: { upSeconds: number; hubMB: number; proxyMB: number };
  serverStartSeconds: { median: number; max: number };
  memoryMB: { idleServer: number; serverWithIdleKernel: number; serverAfterLesson00: number; cgroupPeak: number };
  lessons: { lesson: string; concurrent: number; medianSeconds: number; maxSeconds: number; errors: string[] }[];
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  if (process.geteuid?.() !== 0) throw new Error('bench:classroom starts a Hub whose servers run with their users\' uids: run it as root');
  const loadAverageStart = os.loadavg();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-bench-class-'));
  fs.chmodSync(tmp, 0o755);
  const tag = randomBytes(2).toString('hex');
  const names = Array.from({ length: o.users }, (_, i) => `nnb${tag}${String(i + 1).padStart(2, '0')}`);
  const log = (s: string) => process.stderr.write(`${s}\n`);
  let users: string[] = [];
  let hub: StartedHub | undefined;
  const cleanUp = async () => {
    await hub?.stop().catch(() => undefined);
    removeTrialUsers(users);
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  // Ctrl-C or a kill: the Hub, the accounts and their processes go too
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => { log(`bench:classroom: ${sig}, cleaning up`); void cleanUp().then(() => process.exit(130)); });
  }
  try {
    users = addTrialUsers(names, path.join(tmp, 'home'));
    const kernels = path.join(tmp, 'kernels');
    const setup = spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'bin', 'nnlab.js'), 'kernels', 'install', '--prefix', kernels], { encoding: 'utf8' });
    if (setup.status !== 0) throw new Error(`nnlab kernels install failed: ${setup.stderr}`);
    const t0 = Date.now();
    hub = await startHub({
      state: path.join(tmp, 'state'),
      env: {
        NNLAB_HUB_DUMMY_PASSWORD: randomBytes(12).toString('hex'), NNLAB_HUB_TESTING: '1', NNLAB_HUB_KERNEL_PREFIX: kernels,
        NNLAB_QUICK: '1', NNLAB_DATA_OFFLINE: process.env.NNLAB_DATA_OFFLINE ?? '', NNLAB_HUB_MEM_LIMIT: '4G',
        ...(process.env.NNLAB_DATA_MIRROR ? { NNLAB_DATA_MIRROR: process.env.NNLAB_DATA_MIRROR } : {}),
      },
    });
    const upSeconds = (Date.now() - t0) / 1000;
    const h = hub;
    await new Promise((r) => setTimeout(r, 1000));
    const hubMB = mb(rssOf(pgrep(['-f', 'jupyterhub -f'])));
    const proxyMB = mb(rssOf(pgrep(['-f', 'configurable-http-proxy'])));
    log(`hub up in ${upSeconds.toFixed(1)} s (hub ${hubMB} MB, proxy ${proxyMB} MB)`);

    // servers, one after another: the start time of one server on an otherwise quiet machine
    const starts: number[] = [];
    for (const u of users) { await h.client.createUser(u); starts.push(await h.client.startServer(u)); }
    await new Promise((r) => setTimeout(r, 2000));
    const idle = median(users.map(userRss));
    log(`${users.length} servers: start ${starts.map((s) => s.toFixed(1)).join(' ')} s; idle server ${mb(idle)} MB`);

    // one user's kernel: started (idle), then after lesson 00
    const first = users[0];
    const lesson00 = 'nnlab-lessons/00-getting-started.ipynb';
    const probe = { cells: [{ cell_type: 'code', source: "import * as nn from 'nnlab';\nawait nn.useDevice('cpu');", metadata: {}, outputs: [], execution_count: null }], metadata: { kernelspec: { name: 'nnlab-cpu', display_name: 'TypeScript (nnlab, CPU)', language: 'typescript' } }, nbformat: 4, nbformat_minor: 5 };
    await h.client.putNotebook(first, 'idle-kernel.ipynb', probe);
    // keep the kernel: run the probe through a session we end ourselves
    const withKernel = await measureDuring(h, first, 'idle-kernel.ipynb');
    const afterLesson = await measureDuring(h, first, lesson00);
    const peakFile = `/sys/fs/cgroup/memory/nnlab-hub/${first}/memory.max_usage_in_bytes`;
    const cgroupPeak = fs.existsSync(peakFile) ? Number(fs.readFileSync(peakFile, 'utf8')) : NaN;
    log(`memory: idle server ${mb(idle)} MB, + kernel ${mb(withKernel)} MB, after lesson 00 ${mb(afterLesson)} MB, cgroup peak ${mb(cgroupPeak)} MB`);

    // lesson time against the number of students running it together
    const lessons: ClassroomBenchRecord['lessons'] = [];
    const counts: number[] = [];
    for (let c = 1; c <= users.length; c *= 2) counts.push(c);
    if (counts[counts.length - 1] !== users.length) counts.push(users.length);
    for (const lesson of o.lessons) {
      for (const c of counts) {
        const runs = await Promise.all(users.slice(0, c).map((u) => h.client.runNotebook(u, `nnlab-lessons/${lesson}.ipynb`, { cellTimeoutMs: 600_000, timeoutMs: 1_800_000 }).catch((e: Error) => e)));
        const secs = runs.map((r) => (r instanceof Error ? NaN : r.seconds));
        const errors = runs.map((r, i) => (r instanceof Error ? `${users[i]}: ${r.message}` : r.error ? `${users[i]}: cell ${r.error.cell}: ${r.error.ename}: ${r.error.evalue.split('\n')[0]}` : null)).filter((e): e is string => e !== null);
        lessons.push({ lesson, concurrent: c, medianSeconds: round1(median(secs)), maxSeconds: round1(Math.max(...secs)), errors });
        log(`${lesson} x ${c} at once: median ${median(secs).toFixed(1)} s, slowest ${Math.max(...secs).toFixed(1)} s${errors.length ? `; ${errors.length} failed: ${errors[0]}` : ''}`);
      }
    }
    const record: ClassroomBenchRecord = {
      machine: { cores: os.cpus().length, memoryGB: Math.round(os.totalmem() / 2 ** 30), cpu: os.cpus()[0]?.model ?? 'unknown', loadAverageStart, loadAverageEnd: os.loadavg() },
      hub: { upSeconds: round1(upSeconds), hubMB, proxyMB },
      serverStartSeconds: { median: round1(median(starts)), max: round1(Math.max(...starts)) },
      memoryMB: { idleServer: mb(idle), serverWithIdleKernel: mb(withKernel), serverAfterLesson00: mb(afterLesson), cgroupPeak: mb(cgroupPeak) },
      lessons,
    };
    if (o.json) process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    else {
      process.stdout.write(`machine: ${record.machine.cores} cores, ${record.machine.memoryGB} GB, ${record.machine.cpu}; load ${loadAverageStart.map((x) => x.toFixed(2)).join(' ')} -> ${record.machine.loadAverageEnd.map((x) => x.toFixed(2)).join(' ')}\n`);
      process.stdout.write(`hub: up in ${record.hub.upSeconds} s, ${hubMB} MB + proxy ${proxyMB} MB; a server starts in ${record.serverStartSeconds.median} s (max ${record.serverStartSeconds.max})\n`);
      process.stdout.write(`one student: idle server ${record.memoryMB.idleServer} MB; with an nnlab kernel ${record.memoryMB.serverWithIdleKernel} MB; after lesson 00 ${record.memoryMB.serverAfterLesson00} MB (cgroup peak ${record.memoryMB.cgroupPeak} MB)\n`);
      for (const l of lessons) process.stdout.write(`${l.lesson.padEnd(20)} ${String(l.concurrent).padStart(3)} at once: median ${l.medianSeconds} s, slowest ${l.maxSeconds} s${l.errors.length ? ` (${l.errors.length} failed)` : ''}\n`);
    }
    if (lessons.some((l) => l.errors.length)) process.exitCode = 1;
  } finally {
    await cleanUp();
  }
}

/**
 * Runs a notebook in the user's server, keeping its kernel alive until the user's memory is read:
 * the resident memory of all the user's processes while the kernel is still there.
 */
async function measureDuring(h: StartedHub, user: string, notebook: string): Promise<number> {
  const r = await h.client.runNotebook(user, notebook, { keepKernel: true });
  if (r.error) throw new Error(`${notebook} failed for ${user}: ${r.error.ename}: ${r.error.evalue}`);
  await new Promise((res) => setTimeout(res, 1000));
  const rss = userRss(user);
  await r.shutdown?.();
  return rss;
}

main().catch((e: Error) => {
  process.stderr.write(`bench:classroom: ${e.message}\n`);
  process.exitCode = 1;
});
