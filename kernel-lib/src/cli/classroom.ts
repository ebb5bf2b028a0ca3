/**
 * `nnlab classroom <assign|collect|return> <homework>`: a class's homework over the users' home
 * folders (homework/classroom.ts): hand it out, gather it for `nnlab grade`, return the feedback.
 * `nnlab classroom setup` and `nnlab classroom hub`: the machine made ready for a JupyterHub class
 * (jupyter/hub.ts) and the Hub started with the committed configuration.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import { UsageError } from '../core/args';
import { ArgumentError } from '../core/errors';
import { Command, out } from '../core/command';
import { homeworkIds } from '../homework/registry';
import { assignHomework, collectHomework, LESSONS_FOLDER, MAX_NOTEBOOK_BYTES, returnFeedback } from '../homework/classroom';
import type { SubmissionGrade } from '../homework/grade';
import { tableText, toTable } from '../show/table';
import { hubConfigPath, setupClassroom } from '../jupyter/hub';

const ACTIONS = ['setup', 'hub', 'assign', 'collect', 'return'];
/** Which options each action takes. */
const ACTION_OPTIONS: Record<string, string[]> = {
  setup: ['homes', 'prefix', 'private-homes', 'check', 'json'],
  hub: [],
  assign: ['homes', 'users', 'force', 'json'],
  collect: ['homes', 'users', 'out', 'max-mb', 'json'],
  return: ['homes', 'users', 'grades', 'json'],
};

export const CLASSROOM_COMMAND: Command = {
  summary: "a class on JupyterHub: set the machine up, start the Hub, assign, collect, return homework",
  usage: `nnlab classroom setup [--prefix DIR] [--homes DIR] [--private-homes] [--check] [--json]
nnlab classroom hub
nnlab classroom <assign|collect|return> <homework> [--homes DIR] [--users a,b,...] [--force] [--out DIR] [--grades FILE] [--max-mb N] [--json]

  setup     (as root) register the two nnlab kernels system-wide, pointing at this install
            (--prefix, default /usr/local: <prefix>/share/jupyter/kernels), and check what a Hub
            class needs: jupyterhub and the proxy installed, the library built, this install
            readable by every user and writable only by root, the homes under --homes private
            (--private-homes: chmod 700 the open ones), NNLAB_DATA_MIRROR readable. --check: only
            check. Exits 1 when a check fails.
  hub       (as root) start JupyterHub with scripts/classroom/jupyterhub_config.py in the
            foreground; its settings are NNLAB_HUB_* variables (see the file and docs/classroom.md)

Each student's copy is <homes>/<user>/${LESSONS_FOLDER}/homework/<homework>.ipynb, where \`nnlab lessons\`
puts it. The class is --users, else every folder of --homes that holds ${LESSONS_FOLDER}/. Run as root,
every file is read and written with the student's own uid: files they own, mode 0600, and nothing
they could not read themselves (a link to a neighbour's notebook is refused).
  assign    copy the student version into each user's homework/ folder; an existing copy is kept
            unless --force (then renamed to <homework>.backup-<UTC time>.ipynb first)
  collect   copy each user's notebook into --out as <user>.ipynb with manifest.json (source, mtime,
            size, sha256, status: collected, missing, unreadable, outside-home, not-a-notebook,
            too-large); then grade with: nnlab grade DIR --json > grades.json
  return    write each graded user's feedback, homework/<homework>-feedback.html (scores, each
            case's message, hints), from the JSON of nnlab grade --json
  --homes DIR    the folder of home folders (default /home)
  --users LIST   comma-separated user names (default: every home with ${LESSONS_FOLDER}/)
  --force        assign: replace existing copies (after a timestamped backup)
  --out DIR      collect: a new or empty folder for the submissions (required)
  --max-mb N     collect: the largest notebook copied, in MB (default ${MAX_NOTEBOOK_BYTES / 1024 / 1024})
  --grades FILE  return: the output of nnlab grade --json (required)
  --json         print what was done as JSON`,
  spec: {
    flags: ['force', 'json', 'private-homes', 'check'],
    options: { homes: null, users: null, out: null, grades: null, 'max-mb': null, prefix: null },
    positionals: ['action', 'homework?'],
  },
  async run(a) {
    const [action, homework] = a.positionals;
    if (!ACTIONS.includes(action)) throw new UsageError(`classroom: unknown action "${action}" (known: ${ACTIONS.join(', ')})`);
    const given = [...a.flags, ...Object.keys(a.options)];
    const stray = given.find((o) => !ACTION_OPTIONS[action].includes(o));
    if (stray) throw new UsageError(`classroom: --${stray} does not go with ${action} (${action} takes ${ACTION_OPTIONS[action].map((o) => `--${o}`).join(', ')})`);
    if (action === 'setup' || action === 'hub') {
      if (homework !== undefined) throw new UsageError(`classroom: ${action} takes no homework (got "${homework}")`);
      return action === 'setup' ? setup(a.options.homes, a.options.prefix, a.flags) : runHub();
    }
    if (homework === undefined) throw new UsageError(`classroom: ${action} needs a homework (one of ${homeworkIds().join(', ')})`);
    if (!homeworkIds().includes(homework)) throw new ArgumentError('homework', homework, `one of ${homeworkIds().join(', ')}`);
    const homes = a.options.homes ?? '/home';
    const users = a.options.users === undefined ? undefined : a.options.users.split(',').map((u) => u.trim()).filter((u) => u !== '');
    const json = a.flags.has('json');
    if (action === 'assign') {
      const entries = assignHomework(homework, { homes, users, force: a.flags.has('force') });
      out(json ? JSON.stringify(entries, null, 2) : tableText(toTable(entries.map((e) => ({ user: e.user, action: e.action, file: e.file, note: e.backup ? `backup: ${e.backup}` : e.reason ?? '' })))));
      if (!json) out(`${entries.filter((e) => e.action === 'assigned' || e.action === 'replaced').length} of ${entries.length} user(s) got ${homework}`);
      return entries.some((e) => e.action === 'failed') ? 1 : 0;
    }
    if (action === 'collect') {
      if (a.options.out === undefined) throw new UsageError('classroom: collect needs --out DIR');
      let maxBytes: number | undefined;
      if (a.options['max-mb'] !== undefined) {
        const mb = Number(a.options['max-mb']);
        if (!Number.isFinite(mb) || mb <= 0 || mb > 1024) throw new ArgumentError('max-mb', a.options['max-mb'], 'a number of megabytes in (0, 1024]', `max-mb must be a number of megabytes in (0, 1024], got ${JSON.stringify(a.options['max-mb'])}`);
        maxBytes = Math.max(1, Math.round(mb * 1024 * 1024));
      }
      const manifest = collectHomework(homework, { out: a.options.out, homes, users, maxBytes });
      if (json) out(JSON.stringify(manifest, null, 2));
      else {
        out(tableText(toTable(manifest.entries.map((e) => ({ user: e.user, status: e.status, size: e.size ?? '', sha256: e.sha256 ? e.sha256.slice(0, 12) : '', note: e.reason ?? '' })))));
        const n = manifest.entries.filter((e) => e.status === 'collected').length;
        out(`${n} of ${manifest.entries.length} notebook(s) collected into ${a.options.out} (manifest.json); grade them with: nnlab grade ${a.options.out} --json > grades.json`);
      }
      return 0;
    }
    if (a.options.grades === undefined) throw new UsageError('classroom: return needs --grades FILE (the output of nnlab grade --json)');
    let grades: SubmissionGrade[];
    try {
      grades = JSON.parse(fs.readFileSync(a.options.grades, 'utf8')) as SubmissionGrade[];
    } catch (err) {
      throw new ArgumentError('grades', a.options.grades, 'the JSON file nnlab grade --json wrote', `grades ${JSON.stringify(a.options.grades)} is not readable JSON: ${(err as Error).message.split('\n')[0]}`);
    }
    const entries = returnFeedback(homework, grades, { homes, users });
    out(json ? JSON.stringify(entries, null, 2) : tableText(toTable(entries.map((e) => ({ user: e.user, action: e.action, score: e.total === undefined ? '' : `${e.total} / ${e.max}`, file: e.file, note: e.reason ?? '' })))));
    return entries.some((e) => e.action === 'failed') ? 1 : 0;
  },
};

function setup(homes: string | undefined, prefix: string | undefined, flags: Set<string>): number {
  const checkOnly = flags.has('check');
  if (!checkOnly && prefix === undefined && process.getuid?.() !== 0) {
    throw new UsageError('classroom: setup registers the kernels system-wide: run it as root (sudo), or give --prefix DIR, or --check to only check');
  }
  const checks = setupClassroom({ homes, prefix, privateHomes: flags.has('private-homes'), install: !checkOnly });
  if (flags.has('json')) out(JSON.stringify(checks, null, 2));
  else {
    out(tableText(toTable(checks.map((c) => ({ check: c.check, status: c.status, detail: c.detail })))));
    const failed = checks.filter((c) => c.status === 'fail').length;
    out(failed ? `${failed} check(s) failed: the Hub would not serve the lessons` :
      `ready: start the Hub with \`sudo npx nnlab classroom hub\` (students log in with their accounts on this machine)`);
  }
  return checks.some((c) => c.status === 'fail') ? 1 : 0;
}

/** Runs JupyterHub in the foreground with the committed config; returns its exit code. */
function runHub(): Promise<number> {
  if (process.getuid?.() !== 0) throw new UsageError('classroom: hub starts each student\'s server with their uid: run it as root (sudo)');
  const state = process.env.NNLAB_HUB_STATE ?? '/var/lib/nnlab-hub';
  fs.mkdirSync(state, { recursive: true, mode: 0o700 });
  const child = spawn('jupyterhub', ['-f', hubConfigPath()], { stdio: 'inherit', cwd: state });
  const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  return new Promise((resolve) => {
    child.on('error', (e) => { out(`classroom: could not start jupyterhub (${e.message}): sudo apt-get install -y jupyterhub`); resolve(1); });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}
