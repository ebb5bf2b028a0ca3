/**
 * `npm run bench:optimizers`: lesson 07's speed targets (issue 20's quality bar), in one run on the
 * backend a notebook's CPU kernel gets (wasm, 1 thread):
 * - the optimizer race (8 optimizers × 100 steps, the tensor rules) on each surface, warm, median
 *   of 3 (target: the notebook cell under 2 s);
 * - one Adam step over the lecture's two-layer net's parameters (W1 3072 × 50, b1 50, W2 50 × 10,
 *   b2 10: 154,160 numbers): `nn.nets.createOptimizer('adam')` (the lesson's rule, ~13 tensor ops
 *   a variable), tfjs's own `tf.train.adam` and a fused one-loop prototype (below), median of 50
 *   steps after 5 warm-up steps; and
 *   PyTorch's `torch.optim.Adam` on the CPU (2 threads) over the same shapes when /usr/bin/python3
 *   has torch.
 * Prints one JSON object. The machine's other load shows in the numbers (`loadAverage`).
 */
import { execFileSync } from 'child_process';
import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import { useDevice } from '../engine/device';
import { createOptimizer } from '../nets/optim';
import { optimizerRace } from '../lessons/optimizers/race';
import { SURFACES } from '../lessons/optimizers/surfaces';
import { torchEnv } from './run';

const SHAPES: number[][] = [[3072, 50], [50], [50, 10], [10]];
const WARM = 5;
const STEPS = 50;

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return Number(s[Math.floor(s.length / 2)].toFixed(3)); };

/** Milliseconds per step of `step` over the MLP's variables with fixed random gradients. */
function timeSteps(step: (vars: tf.Variable[], grads: tf.Tensor[]) => void): number {
  const vars = SHAPES.map((s, i) => tf.variable(tf.randomNormal(s, 0, 0.01, 'float32', i + 1)));
  const grads = SHAPES.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', 100 + i));
  const times: number[] = [];
  for (let k = 0; k < WARM + STEPS; k++) {
    const t0 = performance.now();
    step(vars, grads);
    vars[0].dataSync(); // wait for the backend
    if (k >= WARM) times.push(performance.now() - t0);
  }
  tf.dispose([...vars, ...grads]);
  return median(times);
}

/**
 * A fused Adam step as one JS loop over w, m, v (m and v kept as Float32Arrays, w and dw read
 * from the backend and w written back): is a single pass faster than ~13 tensor ops on wasm?
 * A measurement only; the library keeps the tensor rule.
 */
function fusedAdamPrototype(lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8): (vars: tf.Variable[], grads: tf.Tensor[]) => void {
  let t = 0;
  const ms: Float32Array[] = [];
  const vs: Float32Array[] = [];
  return (vars, grads) => {
    t += 1;
    const c1 = 1 / (1 - b1 ** t);
    const c2 = 1 / (1 - b2 ** t);
    vars.forEach((variable, i) => {
      const w = variable.dataSync() as Float32Array;
      const g = grads[i].dataSync() as Float32Array;
      const m = (ms[i] ??= new Float32Array(w.length));
      const v = (vs[i] ??= new Float32Array(w.length));
      const out = new Float32Array(w.length);
      for (let k = 0; k < w.length; k++) {
        m[k] = b1 * m[k] + (1 - b1) * g[k];
        v[k] = b2 * v[k] + (1 - b2) * g[k] * g[k];
        out[k] = w[k] - lr * (m[k] * c1) / (Math.sqrt(v[k] * c2) + eps);
      }
      const next = tf.tensor(out, variable.shape);
      variable.assign(next);
      next.dispose();
    });
  };
}

function torchAdamMs(): number | string {
  const script = `
import time, torch
torch.set_num_threads(2)
shapes = [(3072, 50), (50,), (50, 10), (10,)]
ps = [torch.zeros(s, requires_grad=True) for s in shapes]
for p in ps: p.grad = torch.randn(p.shape)
opt = torch.optim.Adam(ps, lr=1e-3)
times = []
for k in range(${WARM + STEPS}):
    t0 = time.perf_counter(); opt.step(); t1 = time.perf_counter()
    if k >= ${WARM}: times.append((t1 - t0) * 1000)
times.sort(); print(times[len(times) // 2])`;
  try {
    return Number(Number(execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: torchEnv() }).trim()).toFixed(3));
  } catch (err) {
    return `not measured: ${String((err as { stderr?: string }).stderr ?? err).split('\n').filter(Boolean).pop()}`;
  }
}

async function main(): Promise<void> {
  const device = await useDevice('cpu', { print: false, wasm: { threads: 1 } });
  const race: Record<string, number> = {};
  for (const surface of SURFACES) {
    const ms: number[] = [];
    for (let k = 0; k < 4; k++) {
      const r = await optimizerRace({ surface, progress: false });
      if (k > 0) ms.push(r.meta.ms);
    }
    race[surface] = median(ms);
  }
  const ours = createOptimizer('adam', { lr: 1e-3 });
  const oursMs = timeSteps((vars, grads) => ours.apply(vars, grads));
  ours.dispose();
  const tfAdam = tf.train.adam(1e-3);
  const tfjsMs = timeSteps((vars, grads) => tfAdam.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: grads[i] }))));
  tfAdam.dispose();
  const fusedMs = timeSteps(fusedAdamPrototype());
  console.log(JSON.stringify({
    device: device.summary, cores: os.availableParallelism?.() ?? os.cpus().length, loadAverage: os.loadavg().map((v) => Number(v.toFixed(2))),
    raceMs: race, raceTarget: '< 2000 ms (8 optimizers × 100 steps)',
    adamStepMs: { parameters: 154_160, nnlab: oursMs, tfjsTrainAdam: tfjsMs, fusedJsLoopPrototype: fusedMs, pytorchCpu2Threads: torchAdamMs() },
  }, null, 2));
}

main().catch((err) => { console.error(err); process.exit(1); });
