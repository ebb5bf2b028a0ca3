/**
 * The lesson registry (src/lessons/registry.ts) is the one list of lessons: the README's lesson
 * table, the notebooks on disk, the homework notebooks, the CLI's commands and nn.show all agree
 * with it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LESSONS, lessonCommands, lessonRows, lessonTableMarkdown, showerOf } from '../src/lessons/registry';
import { COMMANDS } from '../src/cli/main';
import { homeworkIds } from '../src/homework';
import { notebooksDir, repoRoot } from '../src/core/paths';
import { show } from '../src/api/show';

test("README.md's lesson table is lessonTableMarkdown() (regenerate it with `npx nnlab list --markdown`)", () => {
  const readme = fs.readFileSync(path.join(repoRoot(), 'README.md'), 'utf8');
  const block = /<!-- lessons:begin[^>]*-->\n([\s\S]*?)\n<!-- lessons:end -->/.exec(readme);
  assert.ok(block, 'README.md has no <!-- lessons:begin --> ... <!-- lessons:end --> block');
  assert.equal(block[1], lessonTableMarkdown());
});

test('the notebooks in notebooks/ are exactly the registry\'s, with the same number and title in their metadata', () => {
  const onDisk = fs.readdirSync(notebooksDir()).filter((f) => f.endsWith('.ipynb')).sort();
  assert.deepEqual(onDisk, LESSONS.map((l) => l.notebook).sort());
  for (const l of LESSONS) {
    const meta = (JSON.parse(fs.readFileSync(path.join(notebooksDir(), l.notebook), 'utf8')) as { metadata: { nnlab?: { lesson?: string; title?: string } } }).metadata.nnlab;
    assert.deepEqual({ lesson: meta?.lesson, title: meta?.title }, { lesson: l.number, title: l.title }, l.notebook);
  }
});

test('every registry homework has its notebooks, and the grader knows exactly those homeworks', () => {
  const homeworks = LESSONS.flatMap((l) => (l.homework ? [l.homework] : []));
  for (const h of homeworks) {
    assert.ok(fs.existsSync(path.join(notebooksDir(), 'homework', h)), `notebooks/homework/${h}`);
    assert.ok(fs.existsSync(path.join(notebooksDir(), 'homework', 'instructor', h)), `notebooks/homework/instructor/${h}`);
  }
  assert.deepEqual(homeworkIds().map((h) => `${h}.ipynb`), homeworks);
  for (const l of LESSONS) for (const e of l.exercises) assert.equal(`${e.homework}.ipynb`, l.homework, `${e.name} belongs to ${l.id}`);
});

test('every lesson command is an nnlab command, and lessonRows() lists them', () => {
  for (const [name, command] of Object.entries(lessonCommands())) assert.equal(COMMANDS[name], command, name);
  assert.deepEqual(lessonRows().flatMap((r) => r.commands), Object.keys(lessonCommands()));
});

test('lesson ids are their folder names, numbers are unique two-digit strings, namespaces are unique', () => {
  const lessonsDir = path.resolve(__dirname, '..', '..', 'src', 'lessons');
  for (const l of LESSONS.filter((x) => x.namespace)) assert.ok(fs.existsSync(path.join(lessonsDir, l.id, 'index.ts')), `src/lessons/${l.id}/index.ts`);
  assert.equal(new Set(LESSONS.map((l) => l.number)).size, LESSONS.length);
  for (const l of LESSONS) assert.match(l.number, /^\d\d$/);
  const ns = LESSONS.flatMap((l) => (l.namespace ? [l.namespace] : []));
  assert.equal(new Set(ns).size, ns.length);
});

test('show(record) dispatches on record.experiment to the lesson\'s figure, and names the known ones otherwise', () => {
  for (const l of LESSONS) for (const [experiment, fn] of Object.entries(l.show)) assert.equal(showerOf(experiment), fn, experiment);
  assert.throws(() => show({ experiment: 'noSuchExperiment' }), /show\(record\)\.experiment must be one of .*batchNormFold.*, got "noSuchExperiment"/);
  assert.throws(() => show(42), /show\(x\) must be an experiment record, a figure \{ data, layout \} or an array of rows, got 42/);
});
