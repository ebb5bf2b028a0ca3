/**
 * `nnlab classroom`: homework out, back in, graded and returned, over fake home folders of a
 * class: alice (the student version as handed out), bob (the instructor's solution: full marks),
 * carol (a function that throws HTML: the feedback must escape it), dave (a copy only he could read,
 * and he cannot), eve (a link to alice's notebook), frank (a folder named like the notebook), gina
 * (no home folder) and svc (a home without nnlab-lessons: not a student). Run as root (as on a Hub),
 * each home belongs to a numeric uid of its own and every file must end up owned by it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { homeworkDir, instructorDir, SubmissionGrade } from '../src/homework';
import { assignHomework, classroomUsers, collectHomework, CollectManifest, escapeHtml, feedbackHtml, homeworkPath, returnFeedback } from '../src/homework/classroom';
import { repoRoot } from '../src/core/paths';
import { ArgumentError } from '../src/core/errors';

const BIN = path.join(repoRoot(), 'kernel-lib', 'bin', 'nnlab.js');
const HW = 'hw09-dropout';
const ROOT = typeof process.geteuid === 'function' && process.geteuid() === 0;
const UIDS: Record<string, number> = { alice: 23001, bob: 23002, carol: 23003, dave: 23004, eve: 23005, frank: 23006, svc: 23007 };
const STUDENTS = ['alice', 'bob', 'carol', 'dave', 'eve', 'frank'];
const XSS = '<img src=x onerror=alert(1)>';

let tmp: string;
let homes: string;
const nb = (user: string) => homeworkPath(homes, user, HW);
const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 300_000 });

function chownTree(p: string, uid: number): void {
  fs.lchownSync(p, uid, uid);
  if (fs.lstatSync(p).isDirectory()) for (const f of fs.readdirSync(p)) chownTree(path.join(p, f), uid);
}

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-classroom-'));
  fs.chmodSync(tmp, 0o755);   // like /home: every user may pass through it
  homes = path.join(tmp, 'home');
  fs.mkdirSync(homes, { mode: 0o755 });
  for (const u of Object.keys(UIDS)) {
    fs.mkdirSync(path.join(homes, u), { mode: 0o700 });
    if (u !== 'svc') fs.mkdirSync(path.join(homes, u, 'nnlab-lessons'));
  }
  // frank has a folder where his notebook should be
  fs.mkdirSync(path.dirname(nb('frank')), { recursive: true });
  fs.mkdirSync(nb('frank'));
  if (ROOT) for (const [u, uid] of Object.entries(UIDS)) chownTree(path.join(homes, u), uid);
});

after(() => { if (!process.env.NNLAB_KEEP_TEST_OUTPUT) fs.rmSync(tmp, { recursive: true, force: true }); });

test('the class is the homes with an nnlab-lessons folder, or --users; bad names are refused', () => {
  assert.deepEqual(classroomUsers(homes), STUDENTS);
  assert.deepEqual(classroomUsers(homes, ['gina', 'alice']), ['gina', 'alice']);
  assert.throws(() => classroomUsers(homes, ['../alice']), (e: unknown) => e instanceof ArgumentError && e.argument === 'users' && /"\.\.\/alice"/.test(e.message));
  assert.throws(() => classroomUsers(homes, ['alice', 'alice']), /each user once/);
  assert.throws(() => classroomUsers(path.join(tmp, 'nope')), /homes ".*nope" is not a readable folder/);
  fs.mkdirSync(path.join(tmp, 'empty', 'svc'), { recursive: true });
  assert.throws(() => classroomUsers(path.join(tmp, 'empty')), (e: unknown) => e instanceof ArgumentError && e.argument === 'homes' && /holds no home with an nnlab-lessons folder .*: name the class with users/.test(e.message));
  assert.throws(() => assignHomework('hw99-nothing', { homes }), /homework must be one of hw01-activations.*got "hw99-nothing"/);
  assert.throws(() => assignHomework(HW, null as unknown as object), /^ArgumentError: assignHomework options must be an object of options, got null$/);
  assert.throws(() => collectHomework(HW, { homes } as unknown as { out: string }), /^ArgumentError: out must be a folder path for collectHomework, got undefined$/);
  assert.throws(() => returnFeedback(HW, {} as unknown as SubmissionGrade[], { homes }), /grades must be the JSON array of `nnlab grade --json`, got \{\}/);
});

test('assign: the student version into each homework/ folder, owned by the student, 0600 in 0700; kept unless --force', () => {
  const entries = assignHomework(HW, { homes, users: [...STUDENTS, 'gina'] });
  const action = Object.fromEntries(entries.map((e) => [e.user, e.action]));
  assert.deepEqual(action, { alice: 'assigned', bob: 'assigned', carol: 'assigned', dave: 'assigned', eve: 'assigned', frank: 'kept', gina: 'failed' });
  assert.equal(entries.find((e) => e.user === 'gina')!.reason, 'no home folder');
  const student = fs.readFileSync(path.join(homeworkDir(), `${HW}.ipynb`));
  for (const u of ['alice', 'bob', 'carol', 'dave', 'eve']) {
    assert.deepEqual(fs.readFileSync(nb(u)), student, u);
    const st = fs.statSync(nb(u));
    assert.equal(st.mode & 0o777, 0o600, `${u}: mode ${(st.mode & 0o777).toString(8)}`);
    assert.equal(fs.statSync(path.dirname(nb(u))).mode & 0o777, 0o700);
    if (ROOT) assert.deepEqual([st.uid, st.gid], [UIDS[u], UIDS[u]], `${u} owns the copy`);
    if (ROOT) assert.equal(fs.statSync(path.dirname(nb(u))).uid, UIDS[u]);
  }
  assert.ok(!fs.existsSync(path.join(homes, 'svc', 'nnlab-lessons')), 'svc is not a student');

  // alice works on her copy; a second assign keeps it, --force backs it up first
  fs.appendFileSync(nb('alice'), ' ');
  const worked = fs.readFileSync(nb('alice'));
  assert.equal(assignHomework(HW, { homes, users: ['alice'] })[0].action, 'kept');
  assert.deepEqual(fs.readFileSync(nb('alice')), worked);
  const [forced] = assignHomework(HW, { homes, users: ['alice'], force: true, now: new Date('2026-12-06T01:02:03Z') });
  assert.equal(forced.action, 'replaced');
  assert.equal(forced.backup, homeworkPath(homes, 'alice', HW, '.backup-20261206T010203Z.ipynb'));
  assert.deepEqual(fs.readFileSync(forced.backup!), worked, 'the backup is her work');
  assert.deepEqual(fs.readFileSync(nb('alice')), student);
  if (ROOT) assert.equal(fs.statSync(forced.backup!).uid, UIDS.alice);
  const again = assignHomework(HW, { homes, users: ['alice'], force: true, now: new Date('2026-12-06T01:02:03Z') });
  assert.equal(again[0].action, 'failed', 'never overwrites a backup');
  assert.match(again[0].reason!, /backup .* exists already/);

  // a link where homework/ should be is refused, not followed (it would write into bob's home)
  fs.mkdirSync(path.join(tmp, 'mallory', 'nnlab-lessons'), { recursive: true });
  fs.renameSync(path.join(tmp, 'mallory'), path.join(homes, 'mallory'));
  fs.symlinkSync(path.join(homes, 'bob', 'nnlab-lessons', 'homework'), path.join(homes, 'mallory', 'nnlab-lessons', 'homework'));
  const [m] = assignHomework(HW, { homes, users: ['mallory'] });
  assert.equal(m.action, 'failed');
  assert.match(m.reason!, /is a link/);
  fs.rmSync(path.join(homes, 'mallory'), { recursive: true });
});

let manifest: CollectManifest;
let out: string;

test('collect: one <user>.ipynb per readable notebook, a manifest with checksums and a status for every other case', () => {
  // bob hands in the instructor's solution, carol a function that throws HTML
  fs.writeFileSync(nb('bob'), fs.readFileSync(path.join(instructorDir(), `${HW}.ipynb`)));
  const carol = fs.readFileSync(nb('carol'), 'utf8');
  assert.ok(carol.includes("throw new Error('not implemented yet')"));
  fs.writeFileSync(nb('carol'), carol.replace("throw new Error('not implemented yet')", `throw new Error('${XSS}')`));
  fs.chmodSync(nb('dave'), 0o000);                       // not even dave can read it
  fs.rmSync(nb('eve'));
  fs.symlinkSync(nb('alice'), nb('eve'));                // eve hands in alice's notebook
  if (ROOT) fs.lchownSync(nb('eve'), UIDS.eve, UIDS.eve);
  out = path.join(tmp, 'collected');
  manifest = collectHomework(HW, { out, homes, users: [...STUDENTS, 'gina', 'svc'] });
  const status = Object.fromEntries(manifest.entries.map((e) => [e.user, e.status]));
  assert.deepEqual(status, {
    alice: 'collected', bob: 'collected', carol: 'collected', dave: 'unreadable', eve: 'outside-home',
    frank: 'not-a-notebook', gina: 'missing', svc: 'missing',
  });
  assert.deepEqual(fs.readdirSync(out).sort(), ['alice.ipynb', 'bob.ipynb', 'carol.ipynb', 'manifest.json']);
  assert.equal(fs.statSync(out).mode & 0o777, 0o700);
  const onDisk = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as CollectManifest;
  assert.deepEqual(onDisk, manifest);
  for (const u of ['alice', 'bob', 'carol']) {
    const e = manifest.entries.find((x) => x.user === u)!;
    assert.equal(e.file, path.join(out, `${u}.ipynb`));
    assert.equal(e.sha256, sha(nb(u)), `${u}: the checksum of the student's file`);
    assert.equal(e.sha256, sha(e.file!), `${u}: the copy is the file`);
    assert.equal(e.size, fs.statSync(nb(u)).size);
    assert.equal(e.mtime, fs.statSync(nb(u)).mtime.toISOString());
    assert.equal(e.source, nb(u));
  }
  const eve = manifest.entries.find((x) => x.user === 'eve')!;
  assert.match(eve.reason!, /a link to .*alice.*outside the user's home/);
  assert.equal(eve.sha256, null);
  assert.equal(manifest.entries.find((x) => x.user === 'dave')!.reason, 'EACCES');
  assert.equal(manifest.entries.find((x) => x.user === 'frank')!.reason, 'a folder, not a file');

  // the size limit; a collection never mixes with an earlier one
  const small = collectHomework(HW, { out: path.join(tmp, 'small'), homes, users: ['alice'], maxBytes: 100 });
  assert.equal(small.entries[0].status, 'too-large');
  assert.match(small.entries[0].reason!, /over the limit of 100/);
  assert.throws(() => collectHomework(HW, { out, homes }), (e: unknown) => e instanceof ArgumentError && e.argument === 'out' && /is not empty/.test(e.message));
});

test('the CLI: usage errors name the flag; collect --json prints the manifest', () => {
  let r = run(['classroom', 'collect', HW, '--homes', homes]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /collect needs --out DIR/);
  r = run(['classroom', 'assign', HW, '--homes', homes, '--out', 'x']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--out does not go with assign/);
  r = run(['classroom', 'collect', HW, '--homes', homes, '--users', 'alice,../bob', '--out', path.join(tmp, 'cli')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^nnlab: classroom: --users must be user names .*got "\.\.\/bob"$/m);
  r = run(['classroom', 'collect', HW, '--homes', homes, '--max-mb', '-1', '--out', path.join(tmp, 'cli')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--max-mb must be a number of megabytes in \(0, 1024\], got "-1"/);
  r = run(['classroom', 'assign', HW, '--homes', path.join(tmp, 'empty')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^nnlab: classroom: --homes ".*empty" holds no home with an nnlab-lessons folder/m);
  r = run(['classroom', 'return', HW, '--homes', homes, '--grades', path.join(tmp, 'none.json')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--grades ".*none\.json" is not readable JSON/);
  r = run(['classroom', 'collect', HW, '--homes', homes, '--out', path.join(tmp, 'cli'), '--json']);
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(r.stdout) as CollectManifest;
  assert.deepEqual(m.entries.map((e) => `${e.user}:${e.status}`), ['alice:collected', 'bob:collected', 'carol:collected', 'dave:unreadable', 'eve:outside-home', 'frank:not-a-notebook']);
});

test('grade the collected folder with nnlab grade, return the feedback: scores, messages and hints, escaped, owned by the student', () => {
  const r = run(['grade', out, '--json', '--jobs', '2', '--timeout', '120', '--cell-timeout', '30']);
  assert.equal(r.status, 0, r.stderr);
  const grades = JSON.parse(r.stdout) as SubmissionGrade[];
  fs.writeFileSync(path.join(tmp, 'grades.json'), r.stdout);
  const by = Object.fromEntries(grades.map((g) => [path.basename(g.file, '.ipynb'), g]));
  assert.deepEqual(Object.keys(by).sort(), ['alice', 'bob', 'carol']);
  assert.ok(by.bob.max > 0 && by.bob.total === by.bob.max, `bob: full marks, got ${by.bob.total} / ${by.bob.max}`);
  assert.equal(by.alice.total, 0);

  const rr = run(['classroom', 'return', HW, '--homes', homes, '--grades', path.join(tmp, 'grades.json'), '--json']);
  assert.equal(rr.status, 0, rr.stderr);
  const entries = JSON.parse(rr.stdout) as { user: string; action: string; file: string; total: number }[];
  assert.deepEqual(entries.map((e) => `${e.user}:${e.action}:${e.total}`), [`alice:returned:0`, `bob:returned:${by.bob.max}`, `carol:returned:${by.carol.total}`]);
  for (const e of entries) {
    assert.equal(e.file, homeworkPath(homes, e.user, HW, '-feedback.html'));
    const st = fs.statSync(e.file);
    assert.equal(st.mode & 0o777, 0o600);
    if (ROOT) assert.equal(st.uid, UIDS[e.user], `${e.user} owns the feedback`);
    const html = fs.readFileSync(e.file, 'utf8');
    const g = by[e.user];
    assert.ok(html.includes(`<h1>${HW}: ${g.total} / ${g.max}`), `${e.user}: the total in the title`);
    for (const x of g.exercises) {
      assert.ok(html.includes(`${x.score} / ${x.points}</span>`), `${e.user}: ${x.exercise}'s score`);
      for (const c of x.result?.cases ?? []) assert.ok(html.includes(escapeHtml(c.message)), `${e.user}: case ${c.name}'s message`);
      for (const h of x.hints) assert.ok(html.includes(escapeHtml(h)), `${e.user}: hint ${h}`);
    }
  }
  const carol = fs.readFileSync(entries[2].file, 'utf8');
  assert.ok(carol.includes(escapeHtml(XSS)), "carol's error message is shown, escaped");
  assert.ok(!carol.includes(XSS), 'and never as markup');
  assert.ok(!fs.existsSync(homeworkPath(homes, 'dave', HW, '-feedback.html')), 'no grade, no feedback');

  // returning again replaces the page; a link planted in its place is replaced, not followed
  const target = path.join(homes, 'alice', 'nnlab-lessons', 'homework', `${HW}.ipynb`);
  const was = sha(target);
  fs.rmSync(entries[0].file);
  fs.symlinkSync(target, entries[0].file);
  const [again] = returnFeedback(HW, grades, { homes, users: ['alice'] });
  assert.equal(again.action, 'returned');
  assert.ok(!fs.lstatSync(again.file).isSymbolicLink());
  assert.equal(sha(target), was, 'the link target is untouched');
});

test('feedbackHtml escapes every text of a grade, student and notes included', () => {
  const grade: SubmissionGrade = {
    file: 'x/<b>.ipynb', student: '<b>', homework: HW, status: 'ok', notes: [`note ${XSS}`], total: 1, max: 2, seconds: 1, cellErrors: 0,
    exercises: [{ exercise: 'invertedDropout', points: 2, score: 1, error: `err ${XSS}`, hints: [`hint ${XSS}`],
      result: { exercise: 'invertedDropout', homework: HW, title: `t ${XSS}`, points: 2, score: 1, passed: false, hints: [], leaked: 0,
        cases: [{ name: `case ${XSS}`, passed: false, message: `msg ${XSS}`, hint: `h ${XSS}`, relError: null, tolerance: null }] } }],
  } as unknown as SubmissionGrade;
  const html = feedbackHtml(grade);
  assert.ok(!html.includes('<img'), html);
  assert.ok(html.includes('Student: <b>&lt;b&gt;</b>'), 'the name, escaped, in the markup of the page');
  for (const t of ['note', 'err', 'hint', 't', 'case', 'msg', 'h']) assert.ok(html.includes(`${t} ${escapeHtml(XSS)}`), t);
});
