/**
 * One trial of lesson 06's hyperparameter search, on wasm against the same trial in PyTorch CPU
 * (issue 19's speed figure): the lecture's two-layer net 3072 → 50 → 10 trained with plain SGD on
 * the same CIFAR-10 rows (train-only channel means subtracted), the same number of epochs, batch
 * size and per-epoch evaluation. The PyTorch side (bench/hp_trial_torch.py, /usr/bin/python3) reads
 * the very rows this script writes to a temporary folder and uses autograd, as a PyTorch user
 * would; both run one thread by default (a search runs one trial per core).
 *
 * Rounds alternate which side goes first (this VM is noisy); each round prints both times and their
 * ratio, and the summary is the median ratio. Data loading and process start-up are not timed on
 * either side: a trial is timed from the first weight draw to the last evaluation.
 *
 * Usage: npm run bench:hp-trial -w nnlab [-- --train 10000] [--val 1000] [--epochs 2] [--rounds 3]
 *        [--threads 1] [--json]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkInt } from '../core/errors';
import { flatSplits } from '../data/splits';
import { useDevice } from '../engine/device';
import { trainTwoLayer } from '../nets/twoLayerTrain';
import { tableText, toTable } from '../show/table';
import { torchEnv } from './run';

const MARKER = '@@nnlab-bench ';
const PYTHON = '/usr/bin/python3';

/** The trial: the coarse stage's learning rate and regularisation in the middle of their ranges. */
export const HP_TRIAL = { lr: 1e-4, reg: 1e-2, std: 1e-4, hidden: 50, batchSize: 200, seed: 0 } as const;

interface Args { train: number; val: number; epochs: number; rounds: number; threads: number; json: boolean }

function parse(argv: readonly string[]): Args {
  // the coarse stage's trial (hp-search SEARCH_DEFAULTS): 10,000 training and 1,000 validation images, 2 epochs
  const a: Args = { train: 10_000, val: 1000, epochs: 2, rounds: 3, threads: 1, json: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--json') { a.json = true; continue; }
    const key = flag.replace(/^--/, '') as keyof Args;
    if (!['train', 'val', 'epochs', 'rounds', 'threads'].includes(key)) throw new Error(`bench:hp-trial: unknown option ${flag} (known: --train, --val, --epochs, --rounds, --threads, --json)`);
    (a as unknown as Record<string, number>)[key] = checkInt(flag, Number(argv[++i]), { min: 1, max: 49_000 });
  }
  return a;
}

function torchVersion(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

async function main(): Promise<void> {
  const a = parse(process.argv.slice(2));
  const device = await useDevice('cpu', { print: false });
  const data = await flatSplits({ train: a.train, val: a.val, test: 0, seed: 0 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-hp-trial-'));
  const files = { trainX: path.join(dir, 'trainX.f32'), trainY: path.join(dir, 'trainY.i32'), valX: path.join(dir, 'valX.f32'), valY: path.join(dir, 'valY.i32') };
  fs.writeFileSync(files.trainX, data.train.X);
  fs.writeFileSync(files.trainY, data.train.y);
  fs.writeFileSync(files.valX, data.val.X);
  fs.writeFileSync(files.valY, data.val.y);
  const torch = torchVersion();
  if (!torch) process.stderr.write(`PyTorch is not installed for ${PYTHON}: only the wasm side is timed. Install it with \`apt-get install python3-torch\` (Debian) or \`pip install torch\`.\n`);
  const wasmTrial = async () => {
    const started = performance.now();
    const run = await trainTwoLayer({ train: data.train, val: data.val, reg: HP_TRIAL.reg, lr: HP_TRIAL.lr, epochs: a.epochs, batchSize: HP_TRIAL.batchSize, std: HP_TRIAL.std, hiddenSize: HP_TRIAL.hidden, seed: HP_TRIAL.seed });
    return { seconds: (performance.now() - started) / 1000, valAcc: run.epochs[run.epochs.length - 1].valAcc };
  };
  const torchTrial = () => {
    const task = { ...files, dims: data.dims, epochs: a.epochs, threads: a.threads, ...HP_TRIAL };
    const r = spawnSync(PYTHON, [path.join(__dirname, '..', '..', 'bench', 'hp_trial_torch.py'), JSON.stringify(task)], { encoding: 'utf8', env: torchEnv() });
    const line = r.stdout.split('\n').find((l) => l.startsWith(MARKER));
    if (r.status !== 0 || !line) throw new Error(`bench:hp-trial: the PyTorch side failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return JSON.parse(line.slice(MARKER.length)) as { seconds: number; valAcc: number; threads: number };
  };
  const rounds: { round: number; wasm: number; torch: number | null; ratio: number | null; wasmValAcc: number | null; torchValAcc: number | null }[] = [];
  for (let round = 1; round <= a.rounds; round++) {
    let w: Awaited<ReturnType<typeof wasmTrial>>;
    let t: ReturnType<typeof torchTrial> | null = null;
    if (round % 2 === 1 || !torch) {
      w = await wasmTrial();
      if (torch) t = torchTrial();
    } else {
      t = torchTrial();
      w = await wasmTrial();
    }
    rounds.push({ round, wasm: w.seconds, torch: t?.seconds ?? null, ratio: t ? w.seconds / t.seconds : null, wasmValAcc: w.valAcc, torchValAcc: t?.valAcc ?? null });
    process.stderr.write(`  round ${round}: wasm ${w.seconds.toFixed(2)} s${t ? `, pytorch ${t.seconds.toFixed(2)} s, ratio ${(w.seconds / t.seconds).toFixed(2)}` : ''}\n`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const ratios = rounds.map((r) => r.ratio).filter((r): r is number => r !== null).sort((x, y) => x - y);
  const median = ratios.length ? ratios[Math.floor(ratios.length / 2)] : null;
  const summary = {
    trial: { ...HP_TRIAL, train: a.train, val: a.val, epochs: a.epochs, steps: Math.ceil(a.train / HP_TRIAL.batchSize) * a.epochs },
    wasm: device.summary, torch: torch ? `${torch}, ${a.threads} thread${a.threads > 1 ? 's' : ''}` : null, rounds, medianRatio: median,
  };
  if (a.json) { console.log(JSON.stringify(summary, null, 2)); return; }
  console.log(tableText(toTable(rounds.map((r) => ({
    round: r.round, 'wasm s': r.wasm, 'pytorch s': r.torch ?? '', 'wasm / pytorch': r.ratio ?? '', 'val acc (wasm)': r.wasmValAcc ?? '', 'val acc (pytorch)': r.torchValAcc ?? '',
  }))), { title: `One search trial: ${summary.trial.train} rows, ${a.epochs} epochs (${summary.trial.steps} steps of ${HP_TRIAL.batchSize}); ${device.summary}; PyTorch ${summary.torch ?? 'not installed'}` }));
  if (median !== null) console.log(`median wasm / pytorch: ${median.toFixed(2)} (under 1: wasm faster)`);
}

if (require.main === module) {
  main().catch((err: Error) => { console.error(err.message); process.exit(1); });
}
