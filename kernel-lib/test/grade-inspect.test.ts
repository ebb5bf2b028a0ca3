/**
 * What `nnlab grade` decides before running anything (no Jupyter needed): invalid JSON, not a
 * notebook, another language, an unknown homework, a deleted check cell; the grader cells it
 * appends; the score table and its CSV.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { homeworkIds } from '../src/homework/registry';
import { cellSource, gradeRows, gradesCsv, graderCellSource, graderNotebook, homeworkExercises, instructorDir, inspectSubmission, NotebookJson, studentName, SubmissionGrade } from '../src/homework';

const FIXTURES = path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'homework');
const DROPOUT = path.join(instructorDir(), 'hw09-dropout.ipynb');

function tmpNotebook(edit: (nb: NotebookJson) => void): string {
  const nb = JSON.parse(fs.readFileSync(DROPOUT, 'utf8')) as NotebookJson;
  edit(nb);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-inspect-')), 'alice.ipynb');
  fs.writeFileSync(file, JSON.stringify(nb));
  return file;
}

test('inspectSubmission of a truncated file is invalid-json with the parser\'s message', () => {
  const r = inspectSubmission(path.join(FIXTURES, 'broken-truncated.ipynb'));
  assert.equal(r.status, 'invalid-json');
  assert.match(r.message, /^not valid JSON \(.+\): the file is damaged or not a saved notebook$/);
});

test('inspectSubmission of JSON that is not a notebook is not-a-notebook', () => {
  assert.equal(inspectSubmission(path.join(FIXTURES, 'not-a-notebook.ipynb')).status, 'not-a-notebook');
  assert.match(inspectSubmission('/no/such/file.ipynb').message, /cannot read the file: ENOENT/);
});

test('inspectSubmission of the instructor version is ready, with the homework from its metadata and no notes', () => {
  const r = inspectSubmission(DROPOUT);
  assert.deepEqual([r.status, r.homework, r.kernel, r.deletedChecks, r.notes], ['ready', 'hw09-dropout', 'nnlab-cpu', [], []]);
});

test('a Python kernel is other-language and not run; a plain TypeScript kernel is graded with nnlab-cpu and noted', () => {
  const py = tmpNotebook((nb) => { nb.metadata.kernelspec = { name: 'python3', language: 'python', display_name: 'Python 3' }; });
  const r = inspectSubmission(py);
  assert.equal(r.status, 'other-language');
  assert.match(r.message, /uses the kernel "python3" \(python\), not TypeScript: not run/);
  const ts = inspectSubmission(tmpNotebook((nb) => { nb.metadata.kernelspec = { name: 'tslab', language: 'typescript', display_name: 'TypeScript' }; }));
  assert.equal(ts.status, 'ready');
  assert.deepEqual(ts.notes, ['uses the kernel "tslab" instead of nnlab-cpu or nnlab-gpu: graded with nnlab-cpu']);
});

test('a deleted check cell is noted by exercise; a submission without metadata is recognised by its check calls', () => {
  const deleted = inspectSubmission(tmpNotebook((nb) => { nb.cells = nb.cells.filter((c) => !cellSource(c).includes('check.dropoutTestMode(')); }));
  assert.deepEqual(deleted.deletedChecks, ['dropoutTestMode']);
  assert.match(deleted.notes[0], /check cell deleted: dropoutTestMode \(graded all the same\)/);
  const anonymous = inspectSubmission(tmpNotebook((nb) => { nb.metadata = {}; }));
  assert.deepEqual([anonymous.status, anonymous.homework], ['ready', 'hw09-dropout']);
  const unknown = inspectSubmission(tmpNotebook((nb) => { nb.metadata = {}; nb.cells = [{ cell_type: 'code', source: 'console.log(1)', metadata: {} }]; }));
  assert.equal(unknown.status, 'unknown-homework');
  // every registered homework, in the registry's order
  assert.ok(unknown.message.includes(`pass --homework ${homeworkIds().join('|')}`), unknown.message);
  assert.ok(homeworkIds().includes('hw05-babysitting') && homeworkIds().includes('hw09-dropout'));
});

test('graderNotebook appends one grader cell per exercise that hands each function, looked up by name, to the judge with the token', () => {
  const nb = graderNotebook(inspectSubmission(DROPOUT).notebook!, homeworkExercises('hw09-dropout'), 't0ken', '/tmp/box/run/j.sock');
  const graders = nb.cells.filter((c) => (c.metadata?.nnlab as { grader?: string } | undefined)?.grader);
  assert.deepEqual(graders.map((c) => (c.metadata!.nnlab as { grader: string }).grader), ['dropoutTrainMode', 'dropoutTestMode']);
  assert.equal(cellSource(graders[1]), graderCellSource(homeworkExercises('hw09-dropout')[1], 't0ken', '/tmp/box/run/j.sock'));
  assert.match(cellSource(graders[1]), /await require\('nnlab'\)\.homework\.serveJudge\("\/tmp\/box\/run\/j\.sock", "t0ken", "dropoutTestMode", \[\n {2}\/\/ @ts-ignore.*\n {2}typeof invertedDropout === 'undefined' \? undefined : invertedDropout,\n\]\);/);
  assert.ok(nb.cells.every((c) => c.cell_type !== 'code' || (c.outputs ?? []).length === 0));
  assert.equal((nb.metadata.kernelspec as { name: string }).name, 'nnlab-cpu');
});

test('studentName is the file name, or its folder for a file named after the homework', () => {
  assert.equal(studentName('/x/subs/alice.ipynb', 'hw09-dropout'), 'alice');
  assert.equal(studentName('/x/subs/bob/hw09-dropout.ipynb', 'hw09-dropout'), 'bob');
});

test('gradesCsv has one column per exercise and quotes notes with commas', () => {
  const g: SubmissionGrade = {
    file: 'a.ipynb', student: 'a', homework: 'hw09-dropout', status: 'timeout', notes: ['x, "y"'], total: 10, max: 20, seconds: 3.14, cellErrors: 0, executed: null, runSeed: 7,
    exercises: [{ exercise: 'dropoutTrainMode', points: 10, score: 10, error: null, hints: [], result: null }, { exercise: 'dropoutTestMode', points: 10, score: 0, error: 'timed out', hints: [], result: null }],
  };
  assert.deepEqual(gradeRows([g])[0], { student: 'a', homework: 'hw09-dropout', status: 'timeout', dropoutTrainMode: 10, dropoutTestMode: 0, total: 10, max: 20, seconds: 3.1, notes: 'x, "y"' });
  assert.equal(gradesCsv([g]), 'student,homework,status,dropoutTrainMode,dropoutTestMode,total,max,seconds,notes\na,hw09-dropout,timeout,10,0,10,20,3.1,"x, ""y"""\n');
});
