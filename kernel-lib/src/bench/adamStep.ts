/**
 * An Adam step of the lecture's two-layer net 3072 → 50 → 10 (lesson 07), on wasm against PyTorch
 * CPU in one run: `steps` full training steps on a batch of 200 rows (forward, the hand-written
 * backward of nets/twoLayer, then `createOptimizer('adam').apply`), and `steps` Adam updates alone
 * (the update rule on fixed gradients: 4 variables, 153,600 + 50 + 500 + 10 weights). The PyTorch
 * side (bench/adam_step_torch.py, /usr/bin/python3) is the same net with autograd and
 * torch.optim.Adam, one thread by default. Random rows of the same shape on both sides (the values
 * do not change the time). Rounds alternate which side goes first; the summary is the median ratio.
 *
 * Usage: npm run bench:adam-step -w nnlab [-- --steps 100] [--rounds 3] [--threads 1] [--json]
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { checkInt } from '../core/errors';
import { useDevice } from '../engine/device';
import { createOptimizer } from '../nets/optim';
import { initTwoLayer, TwoLayerParams, twoLayerLoss } from '../nets/twoLayer';
import { tableText, toTable } from '../show/table';
import { torchEnv } from './run';

const MARKER = '@@nnlab-bench ';
const PYTHON = '/usr/bin/python3';
/** The timed step: the lecture's net, a batch of 200, L2 1e-3, Adam at 1e-3. */
export const ADAM_BENCH = { hidden: 50, batch: 200, reg: 1e-3, lr: 1e-3, warmup: 5 } as const;

interface Args { steps: number; rounds: number; threads: number; json: boolean }

function parse(argv: readonly string[]): Args {
  const a: Args = { steps: 100, rounds: 3, threads: 1, json: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--json') { a.json = true; continue; }
    const key = flag.replace(/^--/, '') as keyof Args;
    if (!['steps', 'rounds', 'threads'].includes(key)) throw new Error(`bench:adam-step: unknown option ${flag} (known: --steps, --rounds, --threads, --json)`);
    (a as unknown as Record<string, number>)[key] = checkInt(flag, Number(argv[++i]), { min: 1, max: 100_000 });
  }
  return a;
}

function torchVersion(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Times `steps` full steps and `steps` updates alone on wasm; seconds. */
async function wasmSide(steps: number): Promise<{ full: number; update: number; loss: number }> {
  const init = initTwoLayer({ inputSize: 3072, hiddenSize: ADAM_BENCH.hidden, classes: 10, seed: 0 });
  const vars = [tf.variable(init.W1), tf.variable(init.b1), tf.variable(init.W2), tf.variable(init.b2)];
  tf.dispose(Object.values(init));
  const params = { W1: vars[0], b1: vars[1], W2: vars[2], b2: vars[3] } as unknown as TwoLayerParams;
  const X = tf.mul(tf.randomNormal([ADAM_BENCH.batch, 3072], 0, 1, 'float32', 1), 60) as tf.Tensor2D;
  const y = tf.randomUniform([ADAM_BENCH.batch], 0, 10, 'int32', 2) as tf.Tensor1D;
  const adam = createOptimizer('adam', { lr: ADAM_BENCH.lr });
  let lastGrads: tf.Tensor[] = [];
  const step = () => {
    const { loss, dataLoss, regLoss, grads } = twoLayerLoss(params, X, y, { reg: ADAM_BENCH.reg });
    const g = [grads.W1, grads.b1, grads.W2, grads.b2];
    adam.apply(vars, g);
    const value = loss.dataSync()[0];
    tf.dispose([loss, dataLoss, regLoss, ...lastGrads]);
    lastGrads = g;
    return value;
  };
  for (let i = 0; i < ADAM_BENCH.warmup; i++) step();
  let started = performance.now();
  let loss = 0;
  for (let i = 0; i < steps; i++) loss = step();
  const full = (performance.now() - started) / 1000;
  started = performance.now();
  for (let i = 0; i < steps; i++) adam.apply(vars, lastGrads);
  vars[0].dataSync();
  const update = (performance.now() - started) / 1000;
  adam.dispose();
  tf.dispose([...vars, X, y, ...lastGrads]);
  return { full, update, loss };
}

async function main(): Promise<void> {
  const a = parse(process.argv.slice(2));
  const device = await useDevice('cpu', { print: false });
  const torch = torchVersion();
  if (!torch) process.stderr.write(`PyTorch is not installed for ${PYTHON}: only the wasm side is timed.\n`);
  const torchSide = () => {
    const task = { ...ADAM_BENCH, steps: a.steps, threads: a.threads };
    const r = spawnSync(PYTHON, [path.join(__dirname, '..', '..', 'bench', 'adam_step_torch.py'), JSON.stringify(task)], { encoding: 'utf8', env: torchEnv() });
    const line = r.stdout.split('\n').find((l) => l.startsWith(MARKER));
    if (r.status !== 0 || !line) throw new Error(`bench:adam-step: the PyTorch side failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return JSON.parse(line.slice(MARKER.length)) as { full: number; update: number; loss: number };
  };
  const rounds: { round: number; wasmStepMs: number; torchStepMs: number | null; stepRatio: number | null; wasmUpdateMs: number; torchUpdateMs: number | null; updateRatio: number | null }[] = [];
  for (let round = 1; round <= a.rounds; round++) {
    let w: Awaited<ReturnType<typeof wasmSide>>;
    let t: ReturnType<typeof torchSide> | null = null;
    if (round % 2 === 1 || !torch) { w = await wasmSide(a.steps); if (torch) t = torchSide(); } else { t = torchSide(); w = await wasmSide(a.steps); }
    const ms = (s: number) => (1000 * s) / a.steps;
    rounds.push({
      round, wasmStepMs: ms(w.full), torchStepMs: t ? ms(t.full) : null, stepRatio: t ? w.full / t.full : null,
      wasmUpdateMs: ms(w.update), torchUpdateMs: t ? ms(t.update) : null, updateRatio: t ? w.update / t.update : null,
    });
    process.stderr.write(`  round ${round}: step wasm ${ms(w.full).toFixed(2)} ms${t ? `, pytorch ${ms(t.full).toFixed(2)} ms` : ''}; update alone wasm ${ms(w.update).toFixed(2)} ms${t ? `, pytorch ${ms(t.update).toFixed(2)} ms` : ''}\n`);
  }
  const median = (xs: (number | null)[]) => { const v = xs.filter((x): x is number => x !== null).sort((p, q) => p - q); return v.length ? v[Math.floor(v.length / 2)] : null; };
  const summary = {
    bench: { ...ADAM_BENCH, steps: a.steps, net: '3072 → 50 → 10' }, wasm: device.summary, torch: torch ? `${torch}, ${a.threads} thread${a.threads > 1 ? 's' : ''}` : null,
    rounds, medianStepRatio: median(rounds.map((r) => r.stepRatio)), medianUpdateRatio: median(rounds.map((r) => r.updateRatio)),
  };
  if (a.json) { console.log(JSON.stringify(summary, null, 2)); return; }
  console.log(tableText(toTable(rounds.map((r) => ({
    round: r.round, 'step wasm ms': r.wasmStepMs, 'step pytorch ms': r.torchStepMs ?? '', 'step wasm / pytorch': r.stepRatio ?? '',
    'update wasm ms': r.wasmUpdateMs, 'update pytorch ms': r.torchUpdateMs ?? '', 'update wasm / pytorch': r.updateRatio ?? '',
  }))), { title: `Adam on the two-layer net 3072 → 50 → 10, batch ${ADAM_BENCH.batch}, ${a.steps} steps; ${device.summary}; PyTorch ${summary.torch ?? 'not installed'}` }));
  if (summary.medianStepRatio !== null) console.log(`median wasm / pytorch: full step ${summary.medianStepRatio.toFixed(2)}, Adam update alone ${summary.medianUpdateRatio!.toFixed(2)} (under 1: wasm faster)`);
}

if (require.main === module) {
  main().catch((err: Error) => { console.error(err.message); process.exit(1); });
}
