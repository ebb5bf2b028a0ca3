/**
 * Red-team tests of `nnlab grade` (issue 23): outputs, results and robustness. Every attack is a
 * real submission (the student or instructor version of hw09 plus the attacking cells), graded in
 * one batch through the real CLI on two kernels, with TMPDIR pointed at a folder of this test so
 * that what the grader leaves behind can be counted. Each asserts what the issue demands: score 0,
 * a status and note that say why, or (honest work with a stray error) the full score.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cellSource, homeworkDir, instructorDir, NotebookJson, sourceLines, SubmissionGrade } from '../src/homework';
import { repoRoot } from '../src/core/paths';

const BIN = path.join(repoRoot(), 'kernel-lib', 'bin', 'nnlab.js');
const OUT = path.join(repoRoot(), 'test-output', 'grade-redteam-graderobust');
const SUBS = path.join(OUT, 'submissions');
const TMP = path.join(OUT, 'tmp');
const JOBS = 2;

const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as NotebookJson;
const honest = () => read(path.join(instructorDir(), 'hw09-dropout.ipynb'));
const student = () => read(path.join(homeworkDir(), 'hw09-dropout.ipynb'));
const code = (source: string) => ({ cell_type: 'code', source: sourceLines(source), metadata: {}, outputs: [], execution_count: null });
/** `cells` added right after the cell that defines invertedDropout. */
function withCells(nb: NotebookJson, ...cells: string[]): NotebookJson {
  const at = nb.cells.findIndex((c) => cellSource(c).includes('function invertedDropout('));
  nb.cells.splice(at + 1, 0, ...cells.map(code));
  return nb;
}

/** The path of the notebook the kernel runs, from its parent's command line (the attack 3). */
const FIND_OWN_COPY = String.raw`
const fs = require('fs');
const argv = fs.readFileSync('/proc/' + process.ppid + '/cmdline', 'utf8').split('\0');
const ownCopy = argv.find((a: string) => a.endsWith('.ipynb')) ?? '';
console.log('attack: own copy ' + (fs.existsSync(ownCopy) ? 'found' : 'not found'));`;

/** Forges a well-formed full-score result output (the old grader read these), with whatever token it can find. */
const FORGE_RESULT = FIND_OWN_COPY + String.raw`
const { publish } = require('nnlab/dist/show/kernel');
const { exercise } = require('nnlab/dist/homework/registry');
function forge(name: string) {
  const e = exercise(name);
  const cases = e.cases.map((c: any) => ({ name: c.name, passed: true, relError: 0, tolerance: 1e-6, message: 'ok' }));
  publish({ 'application/vnd.nnlab.grade+json': { nonce: 'any', result: { exercise: name, homework: e.homework, title: e.title, points: e.points,
    score: e.points, passed: true, cases, hints: [], leaked: 0, error: null, ms: 1 } } });
  console.log('PASS ' + name + ': 7/7 cases, 10 / 10 points');
}
function invertedDropout(x: any, p: number, training: boolean, seed: number) {
  forge(training ? 'dropoutTrainMode' : 'dropoutTestMode');
  return x.add(1);   // wrong in every case: only the forged output says otherwise
}`;

/** The attack 1, on the kernel's side of the judge: the library's check machinery replaced by full-score stand-ins. */
const PATCH_CHECK = String.raw`
const checkModule = require('nnlab/dist/homework/check');
const exerciseModule = require('nnlab/dist/core/exercise');
exerciseModule.runExercise = async (e: any) => ({ exercise: e.name, points: e.points, score: 1000, passed: true, cases: [], hints: [] });
checkModule.runCheck = async () => ({ score: 1000, passed: true });
const realServe = checkModule.serveJudge;
checkModule.serveJudge = async (...args: any[]) => { console.log('PASS: 1000 / 10 points'); };
console.log('attack: patched ' + (require('nnlab').homework.serveJudge === checkModule.serveJudge));`;

/** The attack 2: a top-level require of the notebook's own, which the grader's cells would call. */
const SHADOW_REQUIRE = String.raw`
function require(id: string): any {
  return { homework: { serveJudge: async () => { console.log('PASS: 10 / 10 points'); } } };
}
console.log('attack: require shadowed ' + (typeof require('nnlab').homework.serveJudge));`;

/** A new attack on the judge: connect to its socket first (the sandbox's layout is no secret) with a guessed token. */
const KNOCK_ON_JUDGE = String.raw`
const net = require('net');
const sock = require('path').join(process.cwd(), '..', 'run', 'j.sock');
setTimeout(() => {
  const c = net.connect(sock, () => {
    const header = Buffer.from(JSON.stringify({ $: 'object', v: { type: 'hello', token: 'guessed', exercise: 'dropoutTrainMode', defined: [true] } }));
    const prefix = Buffer.alloc(8); prefix.writeUInt32LE(header.length, 0); prefix.writeUInt32LE(0, 4);
    c.write(Buffer.concat([prefix, header]));
  });
  c.on('error', () => {});
}, 50);
console.log('attack: knocking on ' + sock);`;

/** A new attack on what crosses: values that are not data (a closure, a class instance, a getter that throws). */
const UNGRADABLE_RETURNS = String.raw`
function invertedDropout(x: any, p: number, training: boolean, seed: number): any {
  if (training) return () => x;
  return Object.defineProperty({}, 'y', { enumerable: true, get() { throw new Error('gotcha'); } });
}`;

/** The attack 4: other submissions of the batch, found in the temporary folders. */
const COPY_CLASSMATE = FIND_OWN_COPY + String.raw`
const os = require('os');
const path = require('path');
const others: string[] = [];
const walk = (dir: string, depth: number) => {
  let names: string[] = [];
  try { names = fs.readdirSync(dir); } catch { return; }
  for (const n of names) {
    const p = path.join(dir, n);
    if (p.endsWith('.ipynb') && p !== ownCopy) others.push(p);
    else if (depth < 2) { try { if (fs.statSync(p).isDirectory()) walk(p, depth + 1); } catch { /* gone */ } }
  }
};
walk(os.tmpdir(), 0);
console.log('attack: classmates found ' + others.length);`;

/** A new attack on the private work folder: a folder where the grader writes its summary. */
const BLOCK_RESULT = FIND_OWN_COPY + String.raw`
fs.mkdirSync(require('path').join(require('path').dirname(ownCopy), 'result.json'));
console.log('attack: result.json blocked');`;

let grades: SubmissionGrade[] = [];
let status: number | null = null;
let stderr = '';
let csv = '';
const files: Record<string, string> = {};

function write(name: string, nb: NotebookJson): void {
  files[name] = path.join(SUBS, `${name}.ipynb`);
  fs.writeFileSync(files[name], JSON.stringify(nb));
}
function grade(name: string): SubmissionGrade {
  const g = grades.find((x) => path.resolve(x.file) === path.resolve(files[name]));
  assert.ok(g, `no grade for ${name}: ${stderr.slice(-2000)}`);
  return g;
}
/** The text a cell of the executed copy printed that starts with "attack:". */
function attackOutput(name: string): string {
  grade(name);
  const nb = read(path.join(OUT, 'executed', fs.readdirSync(path.join(OUT, 'executed')).find((f) => f.endsWith(`-${name}.ipynb`))!));
  return nb.cells.flatMap((c) => (c.outputs ?? []) as { text?: string | string[] }[])
    .map((o) => cellSource({ source: o.text ?? '' })).filter((t) => t.includes('attack:')).join('');
}
const notes = (g: SubmissionGrade) => g.notes.join('; ');

before(() => {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(SUBS, { recursive: true });
  fs.mkdirSync(TMP, { recursive: true });
  write('honest', honest());
  write('stray-async-errors', withCells(honest(), "setTimeout(() => { throw new Error('stray timer'); }, 0);\nPromise.reject(new Error('forgot await'));"));
  const huge = honest();
  huge.cells.push(...Array.from({ length: 10_000 }, () => code('')));
  write('ten-thousand-cells', huge);
  write('forged-result', withCells(student(), FORGE_RESULT));
  write('patched-check', withCells(student(), PATCH_CHECK));
  write('shadowed-require', withCells(student(), SHADOW_REQUIRE));
  write('knock-on-judge', withCells(honest(), KNOCK_ON_JUDGE));
  write('ungradable-returns', withCells(student(), UNGRADABLE_RETURNS));
  write('classmate-copy', withCells(student(), COPY_CLASSMATE));
  write('blocked-result', withCells(honest(), BLOCK_RESULT));
  // the kernel is killed over and over (the killer cell is replayed after each restart): the grader
  // gives up restarting before the notebook's limit, and must say so with the real time
  write('kernel-keeps-dying', withCells(honest(), "setTimeout(() => process.kill(process.pid, 'SIGKILL'), 500);",
    ...Array.from({ length: 12 }, (_, i) => `await new Promise((r) => setTimeout(r, 3000)); // ${i}`)));
  // the attack 9: "solutions" that call the library's own initializers
  const hw03 = read(path.join(homeworkDir(), 'hw03-weight-init.ipynb'));
  for (const [fn, lib] of [['xavierInit', 'xavier'], ['heInit', 'he']]) {
    const cell = hw03.cells.find((c) => cellSource(c).includes(`function ${fn}(`))!;
    cell.source = sourceLines(`function ${fn}(shape: number[], seed: number): nn.tf.Tensor {\n  return nn.nets.${lib}(shape, seed);\n}`);
  }
  write('library-solutions', hw03);
  // a new attack on that defence: the library's initializers taken in a cell before the grader's run
  const captured = read(path.join(homeworkDir(), 'hw03-weight-init.ipynb'));
  const first = captured.cells.findIndex((c) => c.cell_type === 'code' && cellSource(c).includes('nn.'));
  captured.cells.splice(first + 1, 0, code('const keptXavier = nn.nets.xavier;\nconst keptHe = nn.nets.he;'));
  for (const [fn, kept] of [['xavierInit', 'keptXavier'], ['heInit', 'keptHe']]) {
    const cell = captured.cells.find((c) => cellSource(c).includes(`function ${fn}(`))!;
    cell.source = sourceLines(`function ${fn}(shape: number[], seed: number): nn.tf.Tensor {\n  return ${kept}(shape, seed);\n}`);
  }
  write('captured-library', captured);
  // the attack 9: an experiment that returns numbers saved from a real run (seed 5, the check's
  // seed in nn.check) whatever seed it is asked for
  const memo = read(path.join(instructorDir(), 'hw03-weight-init.ipynb'));
  const real = memo.cells.findIndex((c) => cellSource(c).includes('function initExperiment('));
  memo.cells[real].source = sourceLines(cellSource(memo.cells[real]).replace('function initExperiment(', 'function realExperiment('));
  memo.cells.splice(real + 1, 0, code(String.raw`const saved: Record<string, number[]> = {};
function initExperiment(init: (shape: number[], seed: number) => nn.tf.Tensor, activation: 'tanh' | 'relu', seed: number): number[] {
  const key = init.name + '/' + activation;
  return (saved[key] ??= realExperiment(init, activation, 5));
}`));
  write('saved-experiment', memo);
  fs.mkdirSync(path.join(SUBS, 'a-folder-named-like-a-notebook.ipynb'));
  files.folder = path.join(SUBS, 'a-folder-named-like-a-notebook.ipynb');
  // with the sandbox active (auto: bubblewrap here), as a class is graded
  const r = spawnSync(process.execPath, [BIN, 'grade', SUBS, '--json', '--jobs', String(JOBS), '--timeout', '150', '--cell-timeout', '20',
    '--csv', path.join(OUT, 'grades.csv'), '--out', path.join(OUT, 'executed')],
  { encoding: 'utf8', timeout: 600_000, env: { ...process.env, TMPDIR: TMP }, maxBuffer: 64 * 2 ** 20 });
  status = r.status;
  stderr = r.stderr;
  grades = JSON.parse(r.stdout) as SubmissionGrade[];
  csv = fs.readFileSync(path.join(OUT, 'grades.csv'), 'utf8');
});

test('the batch completes: every file has a grade, the honest submission scores full, none is a grader-error', () => {
  assert.equal(grades.length, Object.keys(files).length);
  const g = grade('honest');
  assert.equal(g.status, 'ok', notes(g));
  assert.equal(g.total, 20);
  assert.deepEqual(grades.filter((x) => x.status === 'grader-error').map((x) => `${path.basename(x.file)}: ${notes(x)}`), []);
  assert.equal(status, 0, stderr.slice(-2000));
  for (const x of grades) assert.ok(x.total <= x.max && x.exercises.every((e) => e.score <= e.points), `${x.file}: ${x.total} > ${x.max}`);
});

test('a folder named like a notebook in the class folder is that entry\'s not-a-notebook, not the end of the batch', () => {
  const g = grade('folder');
  assert.equal(g.status, 'not-a-notebook');
  assert.match(notes(g), /cannot read the file: EISDIR/);
});

test('a stray timer throw and an unawaited rejection do not zero correct work: full score, both named in the notes', () => {
  const g = grade('stray-async-errors');
  assert.equal(g.status, 'ok', notes(g));
  assert.equal(g.total, 20, notes(g));
  assert.match(notes(g), /errors thrown outside any cell were caught in the kernel, not fatal/);
  assert.match(notes(g), /thrown in a timer or callback: Error: stray timer/);
  assert.match(notes(g), /rejected in a promise nobody awaited: Error: forgot await/);
});

test('a notebook with 10,000 cells is graded (its summary comes through a file, not one cut-off stdout line)', () => {
  const g = grade('ten-thousand-cells');
  assert.equal(g.status, 'ok', notes(g));
  assert.equal(g.total, 20);
});

test('a forged full-score result output is just output: the judge decides, 0 points, and the sandbox hides the grader\'s copy', () => {
  assert.match(attackOutput('forged-result'), /attack: own copy not found/);
  const g = grade('forged-result');
  assert.equal(g.status, 'ok', notes(g));
  assert.equal(g.total, 0);
  assert.ok(g.exercises.every((e) => e.result && e.result.cases.every((c) => !c.passed)), JSON.stringify(g.exercises.map((e) => e.result?.cases[0])));
});

test('a library check patched in the kernel changes nothing: the patched cells never reach the judge, 0 points, and the exercises say so', () => {
  assert.match(attackOutput('patched-check'), /attack: patched true/);
  const g = grade('patched-check');
  assert.equal(g.total, 0);
  assert.ok(g.exercises.every((e) => e.score === 0 && /never reached the judge/.test(e.error ?? '')), JSON.stringify(g.exercises.map((e) => e.error)));
});

test('a notebook-level require that stands in for the grader\'s scores 0: its cells never reach the judge', () => {
  assert.match(attackOutput('shadowed-require'), /attack: require shadowed function/);
  const g = grade('shadowed-require');
  assert.equal(g.total, 0);
  assert.ok(g.exercises.every((e) => e.score === 0 && /never reached the judge/.test(e.error ?? '')), JSON.stringify(g.exercises.map((e) => e.error)));
});

test('a connection to the judge without the grader\'s token is refused and noted; the honest work behind it scores full', () => {
  assert.match(attackOutput('knock-on-judge'), /attack: knocking on /);
  const g = grade('knock-on-judge');
  assert.equal(g.total, 20, notes(g));
  assert.match(notes(g), /the judge refused a connection without the grader's token/);
});

test('return values that are not data (a closure, a getter that throws) fail their cases with a message, never the batch', () => {
  const g = grade('ungradable-returns');
  assert.equal(g.status, 'ok', notes(g));
  assert.equal(g.total, 0);
  const messages = g.exercises.flatMap((e) => e.result!.cases.map((c) => c.message)).join('\n');
  assert.match(messages, /returned a value that cannot be graded: the result is a function/);
  assert.match(messages, /gotcha/);
});

test('a submission sees at most the one graded beside it, never the whole batch, and scores 0', () => {
  const found = Number(/attack: classmates found (\d+)/.exec(attackOutput('classmate-copy'))?.[1]);
  assert.ok(found <= JOBS - 1, `found ${found} other submissions (batch of ${grades.length})`);
  assert.equal(grade('classmate-copy').total, 0);
});

test('a submission cannot reach the grader\'s summary file to block it: the honest work behind the attempt scores full', () => {
  assert.match(attackOutput('blocked-result'), /attack: own copy not found/);
  const g = grade('blocked-result');
  assert.equal(g.status, 'ok', notes(g));
  assert.equal(g.total, 20);
});

test('a kernel that keeps dying is reported with the real elapsed time, not as a used-up time limit', () => {
  const g = grade('kernel-keeps-dying');
  assert.equal(g.status, 'kernel-crash', notes(g));
  const m = /the kernel died (\d+) time\(s\) and the grader stopped restarting it after (\d+) s/.exec(notes(g));
  assert.ok(m, notes(g));
  assert.ok(Number(m[2]) < 150 && Number(m[2]) <= Math.ceil(g.seconds), `${m[2]} s of ${g.seconds} s`);
  assert.doesNotMatch(notes(g), /limit was used up/);
});

test('the CSV is written once, atomically (no temporary file left), and agrees with the JSON', () => {
  assert.deepEqual(fs.readdirSync(OUT).filter((f) => f.endsWith('.tmp')), []);
  const rows = csv.trim().split('\n');
  assert.equal(rows.length, grades.length + 1);
  const total = rows[0].split(',').indexOf('total');
  for (const g of grades) {
    const row = rows.find((r) => r.startsWith(`${g.student},`));
    assert.ok(row, g.student);
    assert.equal(Number(row.split(',')[total]), g.total);
  }
});

test('"solutions" that call the library\'s nn.nets.xavier / nn.nets.he score 0: "not available in homework" while graded', () => {
  const g = grade('library-solutions');
  assert.equal(g.status, 'ok', notes(g));
  for (const name of ['xavierInit', 'heInit']) {
    const e = g.exercises.find((x) => x.exercise === name)!;
    assert.equal(e.score, 0, name);
    assert.ok(e.result!.cases.length > 0 && e.result!.cases.every((c) => /nn\.nets\.(xavier|he) is not available in homework/.test(c.message)), JSON.stringify(e.result!.cases[0]));
  }
});

test('library initializers taken before grading starts are the guarded ones too: 0 points, "not available in homework"', () => {
  const g = grade('captured-library');
  for (const name of ['xavierInit', 'heInit']) {
    const e = g.exercises.find((x) => x.exercise === name)!;
    assert.equal(e.score, 0, name);
    assert.ok(e.result!.cases.every((c) => /nn\.nets\.(xavier|he) is not available in homework/.test(c.message)), JSON.stringify(e.result!.cases[0]));
  }
});

test('no work folder, kernel folder or submission copy is left in TMPDIR after the batch', () => {
  assert.deepEqual(fs.readdirSync(TMP), []);
});

test('output paths and submission paths are checked before grading: one line naming the flag, exit 2', () => {
  const nb = files.honest;
  const txt = path.join(OUT, 'notes.txt');
  fs.writeFileSync(txt, 'not a notebook');
  for (const [args, message] of [
    [[nb, '--csv', '/nonexistent-dir/x.csv'], /^nnlab: grade: --csv cannot be written: the folder \/nonexistent-dir does not exist/m],
    [[nb, '--out', path.join(txt, 'executed')], /^nnlab: grade: --out cannot be written: .*notes\.txt is a file, not a folder/m],
    [['does-not-exist.ipynb'], /^nnlab: grade: no such file: "does-not-exist.ipynb"$/m],
    [[txt], /^nnlab: grade: ".*notes\.txt" is not a notebook: give \.ipynb files or folders of them$/m],
  ] as [string[], RegExp][]) {
    const started = Date.now();
    const r = spawnSync(process.execPath, [BIN, 'grade', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, TMPDIR: TMP } });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /grading \d+ submission/, 'nothing was graded');
    assert.ok(Date.now() - started < 30_000);
  }
  assert.ok(!fs.existsSync('/nonexistent-dir'));
});

test('SIGTERM during grading removes every work folder and ends the kernels', async () => {
  const tmp = path.join(OUT, 'tmp-sigterm');
  fs.mkdirSync(tmp, { recursive: true });
  const child = spawn(process.execPath, [BIN, 'grade', files.honest, files['stray-async-errors'], '--jobs', '2'],
    { env: { ...process.env, TMPDIR: tmp }, stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const copies = () => fs.readdirSync(tmp).filter((d) => d.startsWith('nnlab-grade-') && fs.existsSync(path.join(tmp, d, 'submission.ipynb')));
  const deadline = Date.now() + 60_000;
  while (copies().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.equal(copies().length, 2, 'two private work folders, one per submission being graded');
  for (const d of copies()) assert.equal(fs.statSync(path.join(tmp, d)).mode & 0o777, 0o700);
  await new Promise((r) => setTimeout(r, 1500));   // the kernels are starting
  child.kill('SIGTERM');
  assert.equal(await exited, 'SIGTERM');
  assert.deepEqual(fs.readdirSync(tmp), []);
  // the grader's scripts and the kernels inherited TMPDIR: none of them may outlive the run
  const ofRun = () => fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try { return fs.readFileSync(`/proc/${p}/environ`, 'latin1').split('\0').some((v) => v.startsWith(`TMPDIR=${tmp}`)); } catch { return false; }
  });
  const until = Date.now() + 10_000;
  while (ofRun().length && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
  assert.deepEqual(ofRun(), [], 'no grader or kernel process of that run is left');
});

test('an initExperiment that returns numbers saved from a real run scores 0 (the judge asks fresh seeds); the real functions beside it score full', () => {
  const g = grade('saved-experiment');
  assert.equal(g.status, 'ok', notes(g));
  const score = (n: string) => g.exercises.find((e) => e.exercise === n)!.score;
  assert.deepEqual(['xavierInit', 'heInit', 'layerStds'].map(score), [10, 10, 10], notes(g));
  assert.equal(score('initExperiment'), 0, JSON.stringify(g.exercises.find((e) => e.exercise === 'initExperiment')!.result?.cases.map((c) => c.message)));
});
