/**
 * A class on a real JupyterHub (Debian's jupyterhub 3.0), started with the committed
 * scripts/classroom/jupyterhub_config.py on 127.0.0.1: ten system users created for the test (homes
 * 0700 under a temporary folder), their servers started through the Hub's REST API with an admin
 * token drawn for this run, lesson 00 and lesson 04 (batch norm) executed in quick mode in every
 * user's server through the Jupyter REST and websocket API, three at a time; a homework handed out,
 * saved by the students through the contents API, collected, graded in the bubblewrap sandbox and
 * returned; a student's notebook that tries to read a neighbour's home, the collected submissions
 * and the Hub's database is refused by the system and says so.
 *
 * Needs root (the Hub starts each server with its user's uid) and jupyterhub (scripts/test.sh
 * installs it). Bounded: every request, server start, cell and notebook has a time limit, and the
 * `after` hook stops the Hub, kills what the test users still run and deletes them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { addTrialUsers, hubConfigPath, RemoteRun, removeTrialUsers, startHub, StartedHub } from '../src/jupyter/hub';
import { homeworkPath } from '../src/homework/classroom';
import { instructorDir } from '../src/homework';
import type { SubmissionGrade } from '../src/homework/grade';
import { repoRoot } from '../src/core/paths';

const BIN = path.join(repoRoot(), 'kernel-lib', 'bin', 'nnlab.js');
const ROOT = typeof process.geteuid === 'function' && process.geteuid() === 0;
const HAS_HUB = spawnSync('sh', ['-c', 'command -v jupyterhub'], { encoding: 'utf8' }).status === 0;
const skip = !ROOT ? 'needs root: the Hub starts each server with its user\'s uid' : !HAS_HUB ? 'jupyterhub is not installed (scripts/test.sh installs it)' : false;
const N = Number(process.env.NNLAB_HUB_TEST_USERS ?? 10);   // fewer only to try the test by hand
const CONCURRENT_RUNS = 3;
const LESSONS = ['00-getting-started', '04-batchnorm'];
const HW = 'hw09-dropout';
const PASSWORD = randomBytes(12).toString('hex');
// user names of this run: 'nnh' + 4 random hex + 2 digits (a run never meets another's users)
const TAG = randomBytes(2).toString('hex');
const USERS = Array.from({ length: N }, (_, i) => `nnh${TAG}${String(i + 1).padStart(2, '0')}`);

let tmp: string;
let homes: string;
let kernels: string;
let hub: StartedHub | undefined;
const created: string[] = [];
const run = (args: string[], timeout = 300_000) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout });

/** A file of the user's memory cgroup, cgroup v2 (one tree) or v1 (memory/): its limit, peak or processes. */
function memoryCgroupFile(user: string, what: 'limit' | 'peak' | 'procs'): string {
  const v2 = fs.existsSync('/sys/fs/cgroup/cgroup.controllers');
  const name = { limit: v2 ? 'memory.max' : 'memory.limit_in_bytes', peak: v2 ? 'memory.peak' : 'memory.max_usage_in_bytes', procs: 'cgroup.procs' }[what];
  return path.join('/sys/fs/cgroup', v2 ? '' : 'memory', 'nnlab-hub', user, name);
}

/** Runs `jobs` with at most `limit` at once; every job's result or error, in order. */
async function bounded<T>(jobs: (() => Promise<T>)[], limit: number): Promise<(T | Error)[]> {
  const results: (T | Error)[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, async () => {
    while (next < jobs.length) {
      const i = next++;
      try { results[i] = await jobs[i](); } catch (e) { results[i] = e as Error; }
    }
  }));
  return results;
}

before(async () => {
  if (skip) return;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-hub-test-'));
  fs.chmodSync(tmp, 0o755);            // like /: every user passes through it to their home
  homes = path.join(tmp, 'home');
  fs.mkdirSync(homes, { mode: 0o755 });
  created.push(...addTrialUsers(USERS, homes));
  fs.chmodSync(path.join(homes, USERS[0]), 0o755);   // one home left open: setup --private-homes closes it
  // the machine set up as the instructor does it, with the kernels in a prefix of this test
  kernels = path.join(tmp, 'kernels');
  const s = run(['classroom', 'setup', '--prefix', kernels, '--homes', homes, '--private-homes', '--json']);
  const checks = JSON.parse(s.stdout || '[]') as { check: string; status: string; detail: string }[];
  assert.equal(s.status, 0, `classroom setup: ${s.stderr} ${JSON.stringify(checks.filter((c) => c.status === 'fail'))}`);
  assert.deepEqual(checks.find((c) => c.check === 'private homes'), { check: 'private homes', status: 'fixed', detail: `chmod 700 ${path.join(homes, USERS[0])}` });
  assert.ok(fs.existsSync(path.join(kernels, 'share', 'jupyter', 'kernels', 'nnlab-cpu', 'kernel.json')));
  hub = await startHub({
    state: path.join(tmp, 'state'),
    env: {
      NNLAB_HUB_DUMMY_PASSWORD: PASSWORD, NNLAB_HUB_TESTING: '1', NNLAB_HUB_KERNEL_PREFIX: kernels,
      NNLAB_QUICK: '1', NNLAB_DATA_OFFLINE: '1', NNLAB_HUB_MEM_LIMIT: '3G',
      ...(process.env.NNLAB_DATA_MIRROR ? { NNLAB_DATA_MIRROR: process.env.NNLAB_DATA_MIRROR } : {}),
    },
  });
});

after(async () => {
  if (skip) return;
  try { await hub?.stop(); } catch { /* stopped */ }
  if (process.env.NNLAB_KEEP_TEST_OUTPUT && hub) fs.copyFileSync(path.join(hub.state, 'hub.log'), path.join(os.tmpdir(), `nnlab-hub-test-${TAG}.log`));
  removeTrialUsers(created);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('the committed config: PAM by default on 127.0.0.1:8000; the dummy authenticator only with NNLAB_HUB_TESTING=1 and on loopback', { skip: HAS_HUB ? false : 'jupyterhub is not installed' }, () => {
  const load = (env: Record<string, string>) => spawnSync('/usr/bin/python3', ['-c', `
import json, sys
from traitlets.config.loader import PyFileConfigLoader
c = PyFileConfigLoader(sys.argv[1], path=sys.argv[2]).load_config()
print(json.dumps({k: str(v) for k, v in [('auth', c.JupyterHub.authenticator_class), ('url', c.JupyterHub.bind_url),
  ('spawner', c.JupyterHub.spawner_class.__name__), ('mem', c.Spawner.mem_limit), ('cpu', c.Spawner.cpu_limit),
  ('services', c.JupyterHub.services if 'services' in c.JupyterHub else None),
  ('memoryLimit', c.Spawner.environment.get('NNLAB_MEMORY_LIMIT'))]}))
`, path.basename(hubConfigPath()), path.dirname(hubConfigPath())], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NNLAB_HUB_STATE: path.join(os.tmpdir(), `nnlab-hub-config-${TAG}`), ...env } });
  const plain = load({});
  assert.equal(plain.status, 0, plain.stderr);
  assert.deepEqual(JSON.parse(plain.stdout), { auth: 'jupyterhub.auth.PAMAuthenticator', url: 'http://127.0.0.1:8000', spawner: 'NnlabSpawner', mem: '2G', cpu: '1.0', services: 'None', memoryLimit: '1228MB' });
  const noFlag = load({ NNLAB_HUB_DUMMY_PASSWORD: 'x' });
  assert.notEqual(noFlag.status, 0);
  assert.match(noFlag.stderr, /refused unless NNLAB_HUB_TESTING=1/);
  const exposed = load({ NNLAB_HUB_DUMMY_PASSWORD: 'x', NNLAB_HUB_TESTING: '1', NNLAB_HUB_URL: 'http://0.0.0.0:8000' });
  assert.notEqual(exposed.status, 0);
  assert.match(exposed.stderr, /for tests on one machine only, and NNLAB_HUB_URL is 'http:\/\/0\.0\.0\.0:8000'/);
  const test = load({ NNLAB_HUB_DUMMY_PASSWORD: 'x', NNLAB_HUB_TESTING: '1' });
  assert.equal(test.status, 0, test.stderr);
  assert.equal(JSON.parse(test.stdout).auth, 'jupyterhub.auth.DummyAuthenticator');
  fs.rmSync(path.join(os.tmpdir(), `nnlab-hub-config-${TAG}`), { recursive: true, force: true });
});

test('the Kubernetes values and image agree with the one-machine Hub: per-student limits, the start command, the paths they name', () => {
  const dir = path.join(repoRoot(), 'scripts', 'classroom', 'kubernetes');
  const r = spawnSync('/usr/bin/python3', ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', path.join(dir, 'values.yaml')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const v = JSON.parse(r.stdout) as { singleuser: { cmd: string; defaultUrl: string; memory: { limit: string }; cpu: { limit: number }; extraEnv: Record<string, string>; storage: { extraVolumeMounts: { mountPath: string; readOnly: boolean }[] } } };
  const config = fs.readFileSync(hubConfigPath(), 'utf8');
  assert.match(config, /c\.Spawner\.mem_limit = env\('NNLAB_HUB_MEM_LIMIT', '2G'\)/);
  assert.match(config, /c\.Spawner\.cpu_limit = float\(env\('NNLAB_HUB_CPU_LIMIT', '1'\)\)/);
  assert.match(config, /c\.Spawner\.default_url = '\/tree\/nnlab-lessons'/);
  assert.equal(v.singleuser.memory.limit, '2G');
  assert.equal(v.singleuser.cpu.limit, 1);
  assert.equal(v.singleuser.defaultUrl, '/tree/nnlab-lessons');
  assert.equal(v.singleuser.cmd, '/opt/nnlab/scripts/classroom/nnlab-singleuser');
  assert.ok(fs.existsSync(path.join(repoRoot(), 'scripts', 'classroom', 'nnlab-singleuser')));
  assert.equal(v.singleuser.extraEnv.NNLAB_DATA_MIRROR, '/srv/nnlab-data');
  assert.deepEqual(v.singleuser.storage.extraVolumeMounts.map((m) => [m.mountPath, m.readOnly]), [['/srv/nnlab-data', true]]);
  const docker = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
  assert.match(docker, /COPY \. \/opt\/nnlab/);
  assert.match(docker, /NNLAB_DATA_MIRROR=\/srv\/nnlab-data/);
  assert.match(docker, /CMD \["\/opt\/nnlab\/scripts\/classroom\/nnlab-singleuser"\]/);
  assert.match(docker, /kernels install --prefix \/usr\/local/);
});

test(`${N} users log in, get their lessons, and run lesson 00 and lesson 04 in quick mode, ${CONCURRENT_RUNS} at a time, without a cell error`, { skip, timeout: 900_000 }, async (t) => {
  const h = hub!;
  const starts = await bounded(USERS.map((u) => async () => { await h.client.createUser(u); return h.client.startServer(u); }), 5);
  const failed = starts.map((s, i) => (s instanceof Error ? `${USERS[i]}: ${s.message}` : null)).filter((x) => x);
  assert.deepEqual(failed, [], `servers that did not start:\n${failed.join('\n')}\n${h.log().split('\n').slice(-20).join('\n')}`);
  for (const u of USERS) {
    // the lessons were copied at login, owned by the student; their home stayed private
    const lesson = path.join(homes, u, 'nnlab-lessons', `${LESSONS[0]}.ipynb`);
    assert.ok(fs.existsSync(lesson), `${u} has ${lesson}`);
    const uid = Number(spawnSync('id', ['-u', u], { encoding: 'utf8' }).stdout.trim());
    assert.equal(fs.statSync(lesson).uid, uid);
    assert.equal(fs.statSync(path.join(homes, u)).mode & 0o777, 0o700);
    // and the server runs in the user's cgroup with the config's memory limit
    const procs = fs.readFileSync(memoryCgroupFile(u, 'procs'), 'utf8').trim().split('\n').filter((l) => l);
    assert.ok(procs.length >= 1, `${u}'s server is in its memory cgroup`);
    assert.equal(fs.readFileSync(memoryCgroupFile(u, 'limit'), 'utf8').trim(), String(3 * 1024 ** 3));
  }
  const jobs = USERS.flatMap((u) => LESSONS.map((l) => () => h.client.runNotebook(u, `nnlab-lessons/${l}.ipynb`, { cellTimeoutMs: 240_000, timeoutMs: 420_000 })));
  const runs = await bounded(jobs, CONCURRENT_RUNS);
  const bad = runs.map((r, i) => {
    const what = `${USERS[Math.floor(i / LESSONS.length)]} ${LESSONS[i % LESSONS.length]}`;
    if (r instanceof Error) return `${what}: ${r.message}`;
    if (r.error) return `${what}: cell ${r.error.cell}: ${r.error.ename}: ${r.error.evalue.split('\n')[0]}`;
    if (r.executed !== r.codeCells || r.codeCells < 5) return `${what}: ran ${r.executed} of ${r.codeCells} code cells`;
    return null;
  }).filter((x) => x);
  assert.deepEqual(bad, [], bad.join('\n'));
  const secs = (l: string) => (runs as RemoteRun[]).filter((r) => r.notebook.includes(l)).map((r) => r.seconds).sort((x, y) => x - y);
  t.diagnostic(`server starts ${(starts as number[]).map((s) => s.toFixed(1)).join(' ')} s; ${LESSONS.map((l) => `${l}: ${secs(l).map((s) => s.toFixed(0)).join(' ')} s`).join('; ')}`);
  // every lesson's own check cells passed (they print "ok: ..." and throw otherwise)
  for (const r of runs as RemoteRun[]) assert.ok(r.texts.join('').includes('ok: '), `${r.user} ${r.notebook} printed its checks`);
  // the kernels ran in their user's cgroup: each user's peak holds a kernel (> 200 MB) and stayed under the limit
  for (const u of USERS) {
    const peak = Number(fs.readFileSync(memoryCgroupFile(u, 'peak'), 'utf8'));
    assert.ok(peak > 200e6 && peak < 3 * 1024 ** 3, `${u}: peak ${(peak / 1e6).toFixed(0)} MB`);
  }
});

test('homework on the Hub: assigned into each home, saved through the contents API, collected, graded in the sandbox, feedback returned', { skip, timeout: 600_000 }, async () => {
  const h = hub!;
  const [done, blank, absent] = USERS;
  // the lessons came at login, the homework comes when it is assigned
  for (const u of [done, blank, absent]) assert.ok(!fs.existsSync(homeworkPath(homes, u, HW)), `${u} has no ${HW} before it is assigned`);
  const a = run(['classroom', 'assign', HW, '--homes', homes, '--users', `${done},${blank}`, '--json']);
  assert.equal(a.status, 0, a.stderr);
  assert.deepEqual((JSON.parse(a.stdout) as { user: string; action: string }[]).map((e) => `${e.user}:${e.action}`), [`${done}:assigned`, `${blank}:assigned`]);
  // the student sees it in their server, and saves their work there as the notebook's Save does
  const handed = await h.client.getFile(done, `nnlab-lessons/homework/${HW}.ipynb`) as { cells: unknown[] };
  assert.ok(handed.cells.length > 5);
  const solution = JSON.parse(fs.readFileSync(path.join(instructorDir(), `${HW}.ipynb`), 'utf8'));
  await h.client.putNotebook(done, `nnlab-lessons/homework/${HW}.ipynb`, solution);
  const out = path.join(tmp, 'collected');
  const c = run(['classroom', 'collect', HW, '--homes', homes, '--users', `${done},${blank},${absent}`, '--out', out, '--json']);
  assert.equal(c.status, 0, c.stderr);
  const manifest = JSON.parse(c.stdout) as { entries: { user: string; status: string }[] };
  assert.deepEqual(manifest.entries.map((e) => `${e.user}:${e.status}`), [`${done}:collected`, `${blank}:collected`, `${absent}:missing`]);
  fs.chmodSync(out, 0o700);
  const g = run(['grade', out, '--json', '--sandbox', 'bwrap', '--jobs', '2', '--timeout', '180', '--cell-timeout', '60'], 600_000);
  assert.equal(g.status, 0, g.stderr);
  const grades = JSON.parse(g.stdout) as SubmissionGrade[];
  const by = Object.fromEntries(grades.map((x) => [path.basename(x.file, '.ipynb'), x]));
  assert.ok(by[done].max > 0 && by[done].total === by[done].max, `${done}: full marks, got ${by[done].total} / ${by[done].max}`);
  assert.equal(by[blank].total, 0);
  const gradesFile = path.join(out, 'grades.json');
  fs.writeFileSync(gradesFile, g.stdout, { mode: 0o600 });
  const r = run(['classroom', 'return', HW, '--homes', homes, '--grades', gradesFile, '--json']);
  assert.equal(r.status, 0, r.stderr);
  // each student reads their feedback in their own server
  for (const u of [done, blank]) {
    const html = await h.client.getFile(u, `nnlab-lessons/homework/${HW}-feedback.html`);
    assert.match(String(html), new RegExp(`<h1>${HW}: ${by[u].total} / ${by[u].max}`));
    assert.ok(fs.existsSync(homeworkPath(homes, u, HW, '-feedback.html')));
  }
});

test("a student's notebook cannot read a neighbour's home, the collected submissions or the Hub's database, and says so", { skip, timeout: 300_000 }, async () => {
  const h = hub!;
  const [, neighbour] = USERS;
  const student = USERS[USERS.length - 1];
  const targets = {
    'neighbour home': path.join(homes, neighbour),
    'neighbour notebook': homeworkPath(homes, neighbour, HW),
    'neighbour feedback': homeworkPath(homes, neighbour, HW, '-feedback.html'),
    'collected folder': path.join(tmp, 'collected'),
    'collected notebook': path.join(tmp, 'collected', `${neighbour}.ipynb`),
    'grades': path.join(tmp, 'collected', 'grades.json'),
    'hub database': path.join(hub!.state, 'jupyterhub.sqlite'),
    'hub cookie secret': path.join(hub!.state, 'jupyterhub_cookie_secret'),
  };
  for (const [what, p] of Object.entries(targets)) assert.ok(fs.existsSync(p), `${what} exists: ${p}`);
  const probe = `import * as fs from 'fs';
const targets: Record<string, string> = ${JSON.stringify(targets)};
for (const [what, p] of Object.entries(targets)) {
  try {
    if (fs.statSync(p).isDirectory()) fs.readdirSync(p); else fs.readFileSync(p);
    console.log('READ ' + what);
  } catch (e) { console.log('DENIED ' + what + ' ' + (e as NodeJS.ErrnoException).code); }
}
try { fs.writeFileSync(${JSON.stringify(path.join(homes, neighbour, 'planted.txt'))}, 'x'); console.log('WROTE neighbour home'); }
catch (e) { console.log('DENIED write neighbour home ' + (e as NodeJS.ErrnoException).code); }
import * as nn from 'nnlab';
console.log('CORES ' + nn.availableCores() + ' MEMORY ' + process.env.NNLAB_MEMORY_LIMIT);`;
  const nb = { cells: [{ cell_type: 'code', source: probe, metadata: {}, outputs: [], execution_count: null }], metadata: { kernelspec: { name: 'nnlab-cpu', display_name: 'TypeScript (nnlab, CPU)', language: 'typescript' } }, nbformat: 4, nbformat_minor: 5 };
  await h.client.putNotebook(student, 'snoop.ipynb', nb);
  const r = await h.client.runNotebook(student, 'snoop.ipynb');
  assert.equal(r.error, null, JSON.stringify(r.error));
  const lines = r.texts.join('').trim().split('\n');
  assert.deepEqual(lines, [...Object.keys(targets).map((w) => `DENIED ${w} EACCES`), 'DENIED write neighbour home EACCES',
    // the kernel knows its share: 1 core (the cgroup's CPU quota: a worker pool starts 1 worker, not
    // one per core of the machine) and 60 % of the 3G memory limit for its experiments
    'CORES 1 MEMORY 1843MB']);
  assert.ok(!fs.existsSync(path.join(homes, neighbour, 'planted.txt')));
});

test('stopping the Hub stops every server and leaves no process of the test users', { skip, timeout: 120_000 }, async () => {
  await hub!.stop();
  const left = USERS.filter((u) => spawnSync('pgrep', ['-u', u]).status === 0);
  assert.deepEqual(left, [], `processes left for ${left.join(', ')}`);
  for (const u of USERS) assert.ok(!fs.existsSync(path.dirname(memoryCgroupFile(u, 'procs'))), `${u}'s cgroup removed`);
});
