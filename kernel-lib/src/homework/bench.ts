/**
 * `npm run bench:grade -w nnlab`: grades a synthetic class and reports the time per submission and
 * for the batch. The class cycles through the homeworks, each as the instructor version
 * (full marks), the student version (zero) and versions with one common mistake, so the kernels do
 * the same work as for real submissions.
 *
 *   node dist/homework/bench.js [--n 100] [--jobs N] [--sandbox auto|bwrap|uid|none] [--honest] [--json]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cellSource, homeworkDir, instructorDir, NotebookJson, sourceLines } from './build';
import { gradeSubmissions } from './grade';
import { homeworkIds } from './registry';
import type { SandboxMode } from './sandbox';

/** Text edits that put one common mistake into an instructor notebook's solution. */
const MISTAKE_EDITS: Record<string, [string, string][]> = {
  'hw09-dropout': [['return x.mul(mask).div(p);', 'return x.mul(mask);'], ['if (!training) return x.clone();', 'if (!training) return x.div(p);']],
  'hw04-batchnorm': [['const { mean, variance } = tf.moments(x, 0);', 'const mean = x.mean(0); const variance = x.sub(mean).square().sum(0).div(x.shape[0] - 1);']],
  'hw03-weight-init': [['mul(Math.sqrt(2 / fanIn))', 'mul(Math.sqrt(1 / fanIn))']],
  'hw10-transfer-learning': [['for (const l of base.layers) l.trainable = false;', '']],
};

function classNotebooks(n: number, dir: string): string[] {
  const variants: { name: string; nb: NotebookJson }[] = [];
  for (const id of homeworkIds()) {
    const read = (f: string) => JSON.parse(fs.readFileSync(f, 'utf8')) as NotebookJson;
    variants.push({ name: `${id}-instructor`, nb: read(path.join(instructorDir(), `${id}.ipynb`)) });
    // --honest: a class of correct work only (every case of every check runs)
    if (process.argv.includes('--honest')) continue;
    variants.push({ name: `${id}-student`, nb: read(path.join(homeworkDir(), `${id}.ipynb`)) });
    (MISTAKE_EDITS[id] ?? []).forEach(([from, to], k) => {
      const nb = read(path.join(instructorDir(), `${id}.ipynb`));
      for (const c of nb.cells) if (cellSource(c).includes(from)) c.source = sourceLines(cellSource(c).replace(from, to));
      variants.push({ name: `${id}-mistake${k + 1}`, nb });
    });
  }
  return Array.from({ length: n }, (_, i) => {
    const v = variants[i % variants.length];
    const file = path.join(dir, `student${String(i + 1).padStart(3, '0')}-${v.name}.ipynb`);
    fs.writeFileSync(file, JSON.stringify(v.nb));
    return file;
  });
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i < 0 ? fallback : Number(process.argv[i + 1]);
  if (!(Number.isInteger(v) && v >= 1)) throw new Error(`--${name} must be a whole number >= 1, got ${process.argv[i + 1]}`);
  return v;
}

async function main(): Promise<void> {
  const n = option('n', 100);
  const jobs = option('jobs', os.cpus().length);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-bench-grade-'));
  try {
    const files = classNotebooks(n, dir);
    const loadBefore = os.loadavg();
    const started = Date.now();
    const at = process.argv.indexOf('--sandbox');
    const sandbox = at < 0 ? 'auto' : process.argv[at + 1] as SandboxMode;
    const grades = await gradeSubmissions(files, {
      jobs, sandbox, onGraded: (g, done) => process.stderr.write(`\r${done}/${n} graded (${g.student}: ${g.total}/${g.max}, ${g.seconds.toFixed(1)} s)   `),
    });
    const wall = (Date.now() - started) / 1000;
    process.stderr.write('\n');
    const per = grades.map((g) => g.seconds).sort((a, b) => a - b);
    const report = {
      submissions: n, jobs, sandbox, cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown',
      batchSeconds: Number(wall.toFixed(1)),
      throughputSecondsPerSubmission: Number((wall / n).toFixed(2)),
      perSubmissionSeconds: { mean: Number((per.reduce((s, x) => s + x, 0) / n).toFixed(2)), median: per[Math.floor(n / 2)], min: per[0], max: per[n - 1] },
      statuses: grades.reduce<Record<string, number>>((m, g) => ({ ...m, [g.status]: (m[g.status] ?? 0) + 1 }), {}),
      loadAverage1m: { before: Number(loadBefore[0].toFixed(2)), after: Number(os.loadavg()[0].toFixed(2)) },
    };
    if (process.argv.includes('--json')) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      process.stdout.write(`graded ${n} submissions (sandbox ${sandbox}) with ${jobs} kernel(s) at once on ${report.cores} cores in ${report.batchSeconds} s ` +
        `(${report.throughputSecondsPerSubmission} s per submission of batch time); one submission takes ${report.perSubmissionSeconds.mean} s ` +
        `on average (median ${report.perSubmissionSeconds.median.toFixed(1)}, max ${report.perSubmissionSeconds.max.toFixed(1)}); ` +
        `statuses ${JSON.stringify(report.statuses)}; load average ${report.loadAverage1m.before} before, ${report.loadAverage1m.after} after\n`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
