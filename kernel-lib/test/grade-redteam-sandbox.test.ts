/**
 * Red team, sandbox (issue 23, "each submission runs sandboxed"): one batch graded by the real CLI
 * with `--sandbox bwrap` on two kernels. Every attack is the instructor's hw09 (correct work, 20
 * points) plus one attacking cell that prints LEAKED when the attack got through and BLOCKED
 * otherwise: reading a classmate's submission and the grader's files, the grader's /proc, editing
 * the kernel specs and the library, a TCP connection to a server this test opens on 127.0.0.1, a
 * detached child that rewrites grades.csv after its kernel exits, a memory bomb. Each must be
 * blocked, and honest work (the attacker's own and the classmates graded after it) scores in full.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { cellSource, instructorDir, NotebookJson, sourceLines, SubmissionGrade } from '../src/homework';
import { bwrapProblem } from '../src/homework/sandbox';
import { kernelLibDir, repoRoot } from '../src/core/paths';

const BIN = path.join(repoRoot(), 'kernel-lib', 'bin', 'nnlab.js');
const OUT = path.join(repoRoot(), 'test-output', 'grade-redteam-sandbox');
const SUBS = path.join(OUT, 'submissions');
const CSV = path.join(OUT, 'grades.csv');
const NO_BWRAP = bwrapProblem();

const code = (source: string) => ({ cell_type: 'code', source: sourceLines(source), metadata: {}, outputs: [], execution_count: null });
const honest = () => JSON.parse(fs.readFileSync(path.join(instructorDir(), 'hw09-dropout.ipynb'), 'utf8')) as NotebookJson;
function write(name: string, attack: string | null): string {
  const nb = honest();
  if (attack) nb.cells.push(code(attack));
  const file = path.join(SUBS, `${name}.ipynb`);
  fs.writeFileSync(file, JSON.stringify(nb, null, 1));
  return file;
}
/** Wraps a probe: `probe()` returns what leaked (a non-empty string) or '' when everything was refused. */
const report = (probe: string) => `import * as fs from 'fs';
const leaked: string[] = [];
const tryIt = (what: string, f: () => unknown) => { try { const r = f(); leaked.push(what + ': ' + String(r).slice(0, 80)); } catch (e) { /* refused */ } };
${probe}
console.log(leaked.length ? 'LEAKED ' + leaked.join(' | ') : 'BLOCKED');`;

let server: net.Server;
let port = 0;
let connections = 0;
let grades: SubmissionGrade[] = [];
let csvAfterGrading = '';
let csvLater = '';
let stderr = '';
const outputs: Record<string, string> = {};

const ATTACKS: Record<string, () => string> = {
  // a classmate's file by its real path, the grader's work and kernel folders, the clone's notebooks and solutions
  classmate: () => report(`
tryIt('classmate', () => fs.readFileSync(${JSON.stringify(path.join(SUBS, 'zz-honest.ipynb'))}, 'utf8').length);
tryIt('tmp', () => fs.readdirSync('/tmp').filter((f) => /^nnlab-(grade|kernels)-/.test(f)).join(',') || (() => { throw new Error('none'); })());
tryIt('instructor', () => fs.readdirSync(${JSON.stringify(instructorDir())}).length);
tryIt('tests', () => fs.readdirSync(${JSON.stringify(path.join(kernelLibDir(), 'test'))}).length);
tryIt('own folder', () => { const f = fs.readdirSync('.'); if (f.length !== 1) return f.join(','); throw new Error('only mine'); });`),
  // the grader's command line (it names the executed copy that holds the nonce)
  proc: () => report(`
for (const pid of fs.readdirSync('/proc').filter((p) => /^\\d+$/.test(p))) {
  tryIt('pid ' + pid, () => { const c = fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8'); if (/grade-notebook|nnlab\\.js|submission-/.test(c)) return c; throw new Error('harmless'); });
}
tryIt('ppid', () => { const c = fs.readFileSync('/proc/' + process.ppid + '/cmdline', 'utf8'); if (/grade-notebook|submission-/.test(c)) return c; throw new Error('harmless'); });`),
  // kernel.json of the batch (JUPYTER_PATH) and the library itself
  poison: () => report(`
const jp = process.env.JUPYTER_PATH ?? '';
tryIt('JUPYTER_PATH', () => { if (jp) return jp; throw new Error('unset'); });
for (const dir of ['/tmp', ...jp.split(':').filter(Boolean)]) {
  tryIt('kernels in ' + dir, () => { for (const k of fs.readdirSync(dir)) if (k.startsWith('nnlab-kernels')) { fs.appendFileSync(dir + '/' + k + '/kernels/nnlab-cpu/kernel.json', ' '); return k; } throw new Error('none'); });
}
tryIt('library', () => { fs.appendFileSync(require.resolve('nnlab'), '\\n// patched'); return 'patched'; });
tryIt('node_modules', () => { fs.writeFileSync(${JSON.stringify(path.join(repoRoot(), 'node_modules', 'evil.js'))}, 'x'); return 'written'; });`),
  // a detached child that outlives the kernel and rewrites the grades
  detached: () => report(`
const cp = require('child_process');
const child = cp.spawn('/bin/sh', ['-c', 'sleep 4; echo forged,hw09-dropout,ok,10,10,20,20 > ${CSV}; echo rewritten > ${path.join(OUT, 'child-was-here')}'], { detached: true, stdio: 'ignore' });
child.unref();
tryIt('csv now', () => { fs.appendFileSync(${JSON.stringify(CSV)}, 'x'); return 'written'; });`),
  // the network: a server of this test on 127.0.0.1 (the port is filled in before the batch)
  tcp: () => report(`
const sock = require('net').connect(PORT, '127.0.0.1');
const connected = await new Promise((resolve) => { sock.on('connect', () => resolve(true)); sock.on('error', () => resolve(false)); setTimeout(() => resolve(false), 3000); });
sock.destroy();
if (connected) leaked.push('tcp 127.0.0.1:PORT');`),
  // a memory bomb: 8 GiB of touched buffers
  memory: () => `const hog: Buffer[] = [];
for (let i = 0; i < 64; i++) hog.push(Buffer.alloc(128 * 2 ** 20, 1));
console.log('LEAKED allocated', hog.length * 128, 'MiB');`,
};

before(async () => {
  if (NO_BWRAP) return;
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(SUBS, { recursive: true });
  server = net.createServer((s) => { connections++; s.destroy(); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
  for (const [name, attack] of Object.entries(ATTACKS)) write(`attack-${name}`, attack().replace(/PORT/g, String(port)));
  write('zz-honest', null);   // graded after the attacks (files are sorted): their sabotage must not reach it
  const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, 'grade', SUBS, '--json', '--jobs', '2', '--sandbox', 'bwrap', '--csv', CSV, '--out', path.join(OUT, 'executed'),
      '--timeout', '120', '--cell-timeout', '40'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('close', (code) => resolve({ code, stdout, stderr: err }));
  });
  stderr = r.stderr;
  assert.equal(r.code, 0, `nnlab grade failed: ${r.stderr.slice(-2000)}`);
  grades = JSON.parse(r.stdout) as SubmissionGrade[];
  csvAfterGrading = fs.readFileSync(CSV, 'utf8');
  await new Promise((resolve) => setTimeout(resolve, 6000));   // the detached child would have written by now
  csvLater = fs.readFileSync(CSV, 'utf8');
  for (const g of grades) {
    const nb = JSON.parse(fs.readFileSync(g.executed as string, 'utf8')) as NotebookJson;
    const last = nb.cells.filter((c) => c.cell_type === 'code' && !(c.metadata?.nnlab as { grader?: string } | undefined)?.grader).pop();
    outputs[g.student] = ((last?.outputs ?? []) as { text?: string | string[]; ename?: string; evalue?: string }[])
      .map((o) => (o.text !== undefined ? cellSource({ source: o.text }) : `${o.ename}: ${o.evalue}`)).join('\n');
  }
});

after(() => { server?.close(); });

const skip = NO_BWRAP ? `bubblewrap does not run here: ${NO_BWRAP}` : false;
const grade = (student: string) => {
  const g = grades.find((x) => x.student === student);
  assert.ok(g, `no grade for ${student}`);
  return g;
};

for (const name of ['classmate', 'proc', 'poison', 'detached', 'tcp']) {
  test(`attack "${name}" is refused by the sandbox and the attacker's honest work still scores 20/20`, { skip }, () => {
    const g = grade(`attack-${name}`);
    assert.match(outputs[g.student], /^BLOCKED/m, `the attack cell printed: ${outputs[g.student]}`);
    assert.doesNotMatch(outputs[g.student], /LEAKED/);
    assert.deepEqual([g.total, g.max, g.status], [20, 20, 'ok'], g.notes.join('; '));
  });
}

test('a TCP connection from a kernel never reaches a server on 127.0.0.1', { skip }, () => {
  assert.equal(connections, 0);
});

test('a detached child is killed with its kernel: grades.csv is not rewritten after the batch', { skip }, () => {
  assert.equal(csvLater, csvAfterGrading);
  assert.doesNotMatch(csvLater, /^forged,/m);
  assert.ok(!fs.existsSync(path.join(OUT, 'child-was-here')), 'the child wrote outside its sandbox');
});

test('a memory bomb hits the memory limit, is reported, and the functions defined before it still score', { skip }, () => {
  const g = grade('attack-memory');
  assert.doesNotMatch(outputs[g.student], /LEAKED/, 'the bomb allocated 8 GiB');
  assert.ok(g.status === 'kernel-crash' || g.cellErrors === 1, `status ${g.status}, notes ${g.notes.join('; ')}`);
  assert.ok(g.notes.some((n) => /crashed|raised errors/.test(n)), g.notes.join('; '));
  assert.equal(g.total, 20, g.notes.join('; '));
});

test('an honest submission graded after the attacks scores in full, and the batch warns of nothing', { skip }, () => {
  const g = grade('zz-honest');
  assert.deepEqual([g.total, g.max, g.status, g.notes], [20, 20, 'ok', []]);
  assert.equal(grades.length, Object.keys(ATTACKS).length + 1);
  assert.doesNotMatch(stderr, /WARNING/);
});

test('--sandbox takes auto, uid, bwrap or none: anything else is a one-line error before any kernel starts', () => {
  const file = path.join(instructorDir(), 'hw09-dropout.ipynb');
  const r = spawnSync(process.execPath, [BIN, 'grade', file, '--sandbox', 'docker'], { encoding: 'utf8', timeout: 60_000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /sandbox/);
  assert.match(r.stderr, /docker/);
  assert.match(r.stderr, /auto.*uid.*bwrap.*none/);
});

test('--sandbox uid (the fallback without bubblewrap) grades honest work in full and kills what a submission left running', { skip: process.getuid?.() === 0 ? false : 'the uid sandbox needs root' }, async () => {
  const dir = path.join(OUT, 'uid');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const mark = `/tmp/nnlab-uid-child-${process.pid}`;
  fs.rmSync(mark, { force: true });
  const honestFile = path.join(dir, 'honest.ipynb');
  fs.writeFileSync(honestFile, JSON.stringify(honest()));
  const nb = honest();
  // a child detached from the kernel, which would write into the world-writable /tmp after grading
  nb.cells.push(code(`require('child_process').spawn('/bin/sh', ['-c', 'sleep 4; echo alive > ${mark}'], { detached: true, stdio: 'ignore' }).unref();`));
  const attackFile = path.join(dir, 'left-running.ipynb');
  fs.writeFileSync(attackFile, JSON.stringify(nb));
  const r = spawnSync(process.execPath, [BIN, 'grade', honestFile, attackFile, '--json', '--jobs', '2', '--sandbox', 'uid', '--timeout', '120', '--cell-timeout', '40'],
    { encoding: 'utf8', timeout: 240_000 });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  const uidGrades = JSON.parse(r.stdout) as SubmissionGrade[];
  assert.deepEqual(uidGrades.map((g) => [g.student, g.total, g.status]), [['honest', 20, 'ok'], ['left-running', 20, 'ok']], JSON.stringify(uidGrades.map((g) => g.notes)));
  await new Promise((resolve) => setTimeout(resolve, 6000));
  assert.ok(!fs.existsSync(mark), 'the detached child outlived its grading');
});
