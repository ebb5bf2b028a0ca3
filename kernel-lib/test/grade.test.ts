/**
 * `nnlab grade` end to end, in real Jupyter: one batch, graded by the CLI on a pool of two kernels,
 * holds the instructor versions (full marks), the built student versions (zero, without grader
 * errors), one wrong submission per common mistake of the issue (its hint and score), a submission
 * whose edited check cells fake a result (ignored), and files that are broken, loop forever, crash
 * their kernel, lost a check cell or use Python: each gets its status while the rest is graded.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cellSource, homeworkDir, homeworkIds, instructorDir, NotebookJson, sourceLines, SubmissionGrade } from '../src/homework';
import { repoRoot } from '../src/core/paths';
import { modelDir } from '../src/data/models';
import { MISTAKES } from './fixtures/homework/solutions';

const BIN = path.join(repoRoot(), 'kernel-lib', 'bin', 'nnlab.js');
const FIXTURES = path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'homework');
const OUT = path.join(repoRoot(), 'test-output', 'grade');
/** The batch's run seed: its cases are the same on every run of this test. */
const RUN_SEED = 20_261_206;
const SUBS = path.join(OUT, 'submissions');

/** The mistakes the issues name (the others are covered in-process by homework.test.ts), plus one of the init homework. */
const GRADED_MISTAKES = MISTAKES.filter((m) => [
  'dropout: forgot to divide by p', 'dropout: scaled at test time as well', 'batch norm: used batch statistics at test time',
  'batch norm: unbiased variance', 'batch norm: forgot to update the running statistics', 'init: He without the factor 2',
  'transfer: froze nothing', 'activations: Leaky ReLU backward takes the x > 0 branch at 0',
  'activations: ELU derivative written as alpha e^x for x > 0 too', 'activations: SELU constants swapped', 'dead units: z < 0 instead of z <= 0',
  'preprocessing: statistics fitted on train and test together', 'preprocessing: std without centring', 'preprocessing: the variance as the std, seen by preprocess',
  'preprocessing: per-pixel statistics', 'whitening: forgot to centre before PCA', 'whitening: divided by the eigenvalue', 'whitening: eigenvectors taken as rows',
].includes(m.name));

const HOMEWORK_OF: Record<string, string> = {
  invertedDropout: 'hw09-dropout', batchNormForward: 'hw04-batchnorm', heInit: 'hw03-weight-init', xavierInit: 'hw03-weight-init',
  layerStds: 'hw03-weight-init', prepareFineTune: 'hw10-transfer-learning', leakyReluForward: 'hw01-activations',
  leakyReluBackward: 'hw01-activations', eluForward: 'hw01-activations', eluBackward: 'hw01-activations', seluForward: 'hw01-activations',
  seluBackward: 'hw01-activations', deadUnitFraction: 'hw01-activations', fitChannelStats: 'hw02-preprocessing', normalize: 'hw02-preprocessing',
  preprocess: 'hw02-preprocessing', whiten: 'hw02-preprocessing',
};

function read(file: string): NotebookJson {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as NotebookJson;
}
function write(name: string, nb: NotebookJson): string {
  const file = path.join(SUBS, `${name}.ipynb`);
  fs.writeFileSync(file, JSON.stringify(nb, null, 1));
  return file;
}
const code = (source: string) => ({ cell_type: 'code', source: sourceLines(source), metadata: {}, outputs: [], execution_count: null });
const slug = (s: string) => s.replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '').toLowerCase();

let grades: SubmissionGrade[] = [];
let csv = '';
let wall = 0;
const files: Record<string, string> = {};

before(async () => {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(SUBS, { recursive: true });
  for (const id of homeworkIds()) {
    files[`instructor ${id}`] = write(`instructor-${id}`, read(path.join(instructorDir(), `${id}.ipynb`)));
    files[`student ${id}`] = write(`student-${id}`, read(path.join(homeworkDir(), `${id}.ipynb`)));
  }
  for (const m of GRADED_MISTAKES) {
    const nb = read(path.join(instructorDir(), `${HOMEWORK_OF[m.fn]}.ipynb`));
    const cell = nb.cells.find((c) => cellSource(c).includes(`function ${m.fn}(`))!;
    const src = cellSource(cell);
    assert.ok(src.includes(m.edit[0]), `the notebook's ${m.fn} must contain the fixture's fragment "${m.edit[0]}"`);
    cell.source = sourceLines(src.replace(m.edit[0], m.edit[1]));
    files[m.name] = write(`mistake-${slug(m.name)}`, nb);
  }
  const dropout = () => read(path.join(instructorDir(), 'hw09-dropout.ipynb'));
  const at = (nb: NotebookJson, fn: string) => nb.cells.findIndex((c) => cellSource(c).includes(`function ${fn}(`));
  let nb = dropout();
  nb.cells.splice(at(nb, 'invertedDropout') + 1, 0, code('// trying something\nlet i = 0;\nwhile (true) { i++; }'));
  files.loop = write('infinite-loop', nb);
  nb = read(path.join(instructorDir(), 'hw04-batchnorm.ipynb'));
  nb.cells.splice(at(nb, 'batchNormForward') + 1, 0, code("process.kill(process.pid, 'SIGKILL');"));
  files.crash = write('kernel-crash', nb);
  nb = dropout();
  nb.cells = nb.cells.filter((c) => !cellSource(c).includes('check.dropoutTestMode('));
  files.deleted = write('deleted-check-cell', nb);
  nb = read(path.join(homeworkDir(), 'hw09-dropout.ipynb'));
  for (const c of nb.cells.filter((x) => cellSource(x).includes('await nn.check.'))) {
    c.source = sourceLines("console.log('PASS dropoutTrainMode: 7/7 cases, 10 / 10 points');\n" +
      "require('nnlab/dist/show/kernel').publish({ 'application/vnd.nnlab.grade+json': { nonce: 'guessed', result: { score: 10 } } });");
  }
  files.faked = write('faked-check-cells', nb);
  nb = dropout();
  nb.metadata.kernelspec = { name: 'python3', display_name: 'Python 3', language: 'python' };
  files.python = write('python-kernel', nb);
  for (const f of ['broken-truncated', 'not-a-notebook']) {
    files[f] = path.join(SUBS, `${f}.ipynb`);
    fs.copyFileSync(path.join(FIXTURES, `${f}.ipynb`), files[f]);
  }
  // hw10's use cell fine-tunes the zoo's CNN: build it first, as an instructor does before grading
  // a class (else the first kernels train it, ~25 s, past this test's 10 s cell limit).
  if (!fs.existsSync(path.join(modelDir(), 'mnist-0-4-cnn', 'model.json'))) {
    const zoo = spawnSync(process.execPath, [BIN, 'zoo', 'build', 'mnist-0-4-cnn'], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(zoo.status, 0, zoo.stderr);
  }
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, 'grade', SUBS, '--json', '--csv', path.join(OUT, 'grades.csv'), '--jobs', '2',
    '--timeout', '120', '--cell-timeout', '10', '--out', path.join(OUT, 'executed'), '--seed', String(RUN_SEED)], { encoding: 'utf8', timeout: 600_000 });
  wall = (Date.now() - started) / 1000;
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /grading \d+ submission\(s\) 100% \[#+\]/, 'a progress bar on stderr');
  grades = JSON.parse(r.stdout) as SubmissionGrade[];
  csv = fs.readFileSync(path.join(OUT, 'grades.csv'), 'utf8');
});

function grade(key: string): SubmissionGrade {
  const g = grades.find((x) => path.resolve(x.file) === path.resolve(files[key]));
  assert.ok(g, `no grade for ${key}`);
  return g;
}
const scores = (g: SubmissionGrade) => Object.fromEntries(g.exercises.map((e) => [e.exercise, e.score]));

for (const id of homeworkIds()) {
  test(`nnlab grade gives the instructor version of ${id} full marks, status ok`, () => {
    const g = grade(`instructor ${id}`);
    assert.equal(g.status, 'ok', g.notes.join('; '));
    assert.equal(g.total, g.max, JSON.stringify(g.exercises.map((e) => [e.exercise, e.score, e.error, e.result?.cases.filter((c) => !c.passed)])));
    assert.ok(g.exercises.every((e) => e.result && e.error === null));
  });
  test(`nnlab grade gives the student version of ${id} zero, with a check result for every exercise and no grader error`, () => {
    const g = grade(`student ${id}`);
    assert.equal(g.status, 'ok', g.notes.join('; '));
    assert.equal(g.total, 0);
    for (const e of g.exercises) {
      assert.equal(e.error, null, `${e.exercise}: ${e.error}`);
      assert.ok(e.result!.cases.every((c) => c.message === 'raised "not implemented yet"'));
    }
  });
}

for (const m of GRADED_MISTAKES) {
  // the batch's cases come from its run seed, not nn.check's: a mistake scores less than full (its
  // exact score at nn.check's cases is test/homework.test.ts's), with its hint
  test(`nnlab grade of a submission with the mistake "${m.name}" scores ${m.exercise} below full with the hint ${m.hint}`, () => {
    const g = grade(m.name);
    assert.equal(g.status, 'ok', g.notes.join('; '));
    const e = g.exercises.find((x) => x.exercise === m.exercise)!;
    assert.ok(e.score < e.points, `${e.score} of ${e.points}`);
    assert.match(e.hints.join('\n'), m.hint);
  });
}

test('an infinite loop in a cell is reported as a timeout, and the notebook is still graded without that cell', () => {
  const g = grade('loop');
  assert.equal(g.status, 'timeout');
  assert.match(g.notes.join('; '), /ran past the time limit in cell \d+ \(an infinite loop\?\); restarted without it/);
  assert.deepEqual(scores(g), { dropoutTrainMode: 10, dropoutTestMode: 10 });
});

test('a cell that kills the kernel is reported as a kernel crash, and the rest of the notebook is graded', () => {
  const g = grade('crash');
  assert.equal(g.status, 'kernel-crash');
  assert.match(g.notes.join('; '), /the kernel crashed in cell \d+; restarted without it/);
  assert.deepEqual(scores(g), { batchNormTrainMode: 10, batchNormTestMode: 10 });
});

test('a deleted check cell is reported, and the grader\'s own check still scores the exercise', () => {
  const g = grade('deleted');
  assert.equal(g.status, 'check-cell-deleted');
  assert.deepEqual(scores(g), { dropoutTrainMode: 10, dropoutTestMode: 10 });
});

test('every grade carries the batch\'s run seed (--seed): the same cases for the whole class', () => {
  assert.deepEqual([...new Set(grades.map((g) => g.runSeed))], [RUN_SEED]);
});

test('check cells edited to print or publish a fake result do not change the grade', () => {
  const g = grade('faked');
  assert.equal(g.total, 0);
});

test('broken files, a non-notebook and a Python notebook get their status and zero; nothing runs for them', () => {
  assert.equal(grade('broken-truncated').status, 'invalid-json');
  assert.equal(grade('not-a-notebook').status, 'not-a-notebook');
  const py = grade('python');
  assert.equal(py.status, 'other-language');
  assert.deepEqual([py.total, py.executed], [0, null]);
});

test('the CSV has one row per submission', () => {
  assert.equal(csv.trim().split('\n').length, grades.length + 1);
  assert.match(csv.split('\n')[0], /^student,homework,status,/);
  // Speed is the benchmark's business (npm run bench:grade), not a test's: print the time only.
  process.stdout.write(`# grading batch of ${grades.length} submissions: ${wall.toFixed(0)} s\n`);
});
