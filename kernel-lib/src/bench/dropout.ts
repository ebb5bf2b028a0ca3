/**
 * Training-speed benchmark of lesson 09 (issue 7): one epoch of the 932,362-parameter MNIST MLP
 * 784-512-512-512-10 with inverted dropout p = 0.5 after every hidden layer, Adam, batch 128,
 * on 60,000 samples, in samples per second, for each backend available here, and the same model
 * and loop in PyTorch on the CPU (Debian's python3-torch via /usr/bin/python3) side by side.
 * Target: the wasm backend reaches at least 40 % of PyTorch's CPU throughput.
 *
 * The samples are synthetic (uniform pixels, random labels: the speed does not depend on them).
 * Each measurement runs in its own child process, after 3 warm-up steps. Slow backends (plain
 * JavaScript `cpu`) run the first --batches batches only and report the rate of those.
 *
 * PyTorch runs with as many threads as there are CPUs and with 1 thread; the faster of the two is the
 * baseline of the target (on a busy machine, OpenMP's spinning threads can make the threaded run slower).
 *
 * Usage: npm run bench:dropout -w nnlab [-- --rounds N] [--batches N] [--json]
 *   --rounds N   alternate PyTorch and the nnlab backends N times (default 1): the machine is shared
 *   --batches N  batches per epoch on the plain-JS cpu backend (default 5; wasm and others run all)
 */
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { useDevice } from '../engine/device';
import { seedStream } from '../core/rng';
import { batchIndices } from '../data/transform';
import { createMlpTrainer, DenseData, disposeMlpTrainer, mlpTrainEpoch, MNIST_MLP_SIZES } from '../lessons/dropout/mlp';
import { netParameterCount } from '../lessons/dropout/net';
import { torchEnv } from './run';

const SAMPLES = 60_000;
const BATCH = 128;
const P = 0.5;
const LR = 1e-3;
const WARMUP = 3;
const TARGET = 0.4;

interface Measurement {
  name: string;
  backend: string;
  detail: string;
  samples: number;
  seconds: number;
  samplesPerSecond: number;
  note: string;
}

/** Synthetic data: SAMPLES rows of uniform pixels and one-hot random labels. */
function syntheticData(seed: number): DenseData {
  const random = seedStream(seed).random();
  const x = new Float32Array(SAMPLES * 784);
  for (let i = 0; i < x.length; i++) x[i] = random();
  const y = new Float32Array(SAMPLES * 10);
  for (let n = 0; n < SAMPLES; n++) y[n * 10 + Math.floor(random() * 10)] = 1;
  return { x, y, count: SAMPLES };
}

/** Children: 'cpu-kernel' and 'gpu-kernel' pick a backend as the notebooks' kernels do; 'plain-cpu' is tfjs's JavaScript backend. */
async function child(which: string, maxBatches: number): Promise<void> {
  let detail: string;
  if (which === 'plain-cpu') {
    await tf.setBackend('cpu');
    detail = 'plain JavaScript';
  } else {
    const report = await useDevice(which === 'gpu-kernel' ? 'gpu' : 'cpu', { print: false });
    if (which === 'gpu-kernel' && (report.device !== 'gpu' || report.software)) {
      process.stdout.write(JSON.stringify({ skip: `no hardware GPU here (the GPU kernel would run on ${report.backend}${report.software ? ', a software GPU' : ''})` }));
      return;
    }
    detail = report.summary.replace(/^nnlab device: /, '');
  }
  const data = syntheticData(1);
  const seeds = seedStream(2);
  const order = batchIndices(SAMPLES, BATCH, seeds.derive('order'));
  const batches = which === 'plain-cpu' ? order.slice(0, maxBatches) : order;
  const trainer = createMlpTrainer(MNIST_MLP_SIZES, seeds.derive('init'), 'adam', LR);
  const masks = seeds.fork('masks');
  await mlpTrainEpoch(trainer, data, order.slice(0, WARMUP), { p: P, scheme: 'inverted', seeds: masks });
  const t0 = process.hrtime.bigint();
  await mlpTrainEpoch(trainer, data, batches, { p: P, scheme: 'inverted', seeds: masks });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  disposeMlpTrainer(trainer);
  const samples = batches.reduce((s, b) => s + b.length, 0);
  const m: Measurement = {
    name: which === 'plain-cpu' ? 'tfjs cpu (plain JS)' : `tfjs ${tf.getBackend()}`, backend: tf.getBackend(), detail, samples, seconds,
    samplesPerSecond: samples / seconds, note: samples < SAMPLES ? `first ${batches.length} of ${order.length} batches` : 'one full epoch',
  };
  process.stdout.write(JSON.stringify(m));
  process.exit(0); // pthread workers of a threaded wasm build would keep the process alive
}

function runChild(which: string, maxBatches: number): Measurement | { skip: string } {
  const r = spawnSync(process.execPath, [__filename, '--child', which, String(maxBatches)], { encoding: 'utf8', maxBuffer: 1 << 20, timeout: 3_600_000 });
  if (r.status !== 0) return { skip: `failed: ${r.stderr.trim().split('\n').slice(-2).join(' ')}` };
  const start = r.stdout.lastIndexOf('{"');
  return JSON.parse(r.stdout.slice(start));
}

/** The same model, loop and data sizes in PyTorch (CPU). Reads its settings as JSON from argv[1]. */
const TORCH_SCRIPT = String.raw`
import json, sys, time
cfg = json.loads(sys.argv[1])
try:
    import torch
    from torch import nn
except ImportError as e:
    print(json.dumps({"skip": "PyTorch is not installed for " + sys.executable + " (" + str(e) + ")"}))
    sys.exit(0)
torch.manual_seed(0)
if cfg["threads"]:
    torch.set_num_threads(cfg["threads"])
sizes, p, B, N = cfg["sizes"], cfg["p"], cfg["batch"], cfg["samples"]
layers = []
for i in range(len(sizes) - 2):
    layers += [nn.Linear(sizes[i], sizes[i + 1]), nn.ReLU(), nn.Dropout(1 - p)]  # nn.Dropout takes the drop rate
layers.append(nn.Linear(sizes[-2], sizes[-1]))
model = nn.Sequential(*layers)
model.train()
opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
loss_fn = nn.CrossEntropyLoss()
X = torch.rand(N, sizes[0])
y = torch.randint(0, sizes[-1], (N,))
def step(idx):
    opt.zero_grad()
    loss = loss_fn(model(X[idx]), y[idx])
    loss.backward()
    opt.step()
    return loss.item()
perm = torch.randperm(N)
for i in range(cfg["warmup"]):
    step(perm[i * B:(i + 1) * B])
t0 = time.perf_counter()
for i in range(0, N, B):
    step(perm[i:i + B])
seconds = time.perf_counter() - t0
print(json.dumps({"name": "PyTorch " + torch.__version__ + " CPU", "backend": "torch", "detail": str(torch.get_num_threads()) + " threads",
                  "samples": N, "seconds": seconds, "samplesPerSecond": N / seconds, "note": "one full epoch",
                  "parameters": sum(t.numel() for t in model.parameters())}))
`;

/** PyTorch with `threads` intra-op threads (its default here can be 1: OpenMP sees one CPU). */
function runTorch(threads: number): Measurement | { skip: string } {
  const cfg = { sizes: MNIST_MLP_SIZES, p: P, batch: BATCH, samples: SAMPLES, lr: LR, warmup: WARMUP, threads };
  const r = spawnSync('/usr/bin/python3', ['-c', TORCH_SCRIPT, JSON.stringify(cfg)], { encoding: 'utf8', timeout: 3_600_000, env: torchEnv() });
  if (r.error) return { skip: `/usr/bin/python3 did not run (${r.error.message})` };
  if (r.status !== 0) return { skip: `failed: ${r.stderr.trim().split('\n').slice(-2).join(' ')}` };
  const out = JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('{"')));
  if (out.parameters !== undefined && out.parameters !== netParameterCount(MNIST_MLP_SIZES)) {
    return { skip: `PyTorch model has ${out.parameters} parameters, expected ${netParameterCount(MNIST_MLP_SIZES)}` };
  }
  return out;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1], Number(args[2]));
  const opt = (name: string, dflt: number) => {
    const i = args.indexOf(`--${name}`);
    const v = i < 0 ? dflt : Number(args[i + 1]);
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be an integer >= 1, got ${args[i + 1]}`);
    return v;
  };
  const rounds = opt('rounds', 1);
  const maxBatches = opt('batches', 5);
  const json = args.includes('--json');
  const log = (s: string) => { if (!json) console.log(s); };
  log(`One epoch of the MLP ${MNIST_MLP_SIZES.join('-')} (${netParameterCount(MNIST_MLP_SIZES).toLocaleString('en-US')} parameters), ` +
    `inverted dropout p = ${P}, Adam, batch ${BATCH}, ${SAMPLES.toLocaleString('en-US')} samples; ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}`);
  const results: { round: number; result: Measurement | { skip: string }; which: string }[] = [];
  const record = (round: number, which: string, result: Measurement | { skip: string }) => {
    results.push({ round, which, result });
    log('skip' in result ? `  ${which.padEnd(22)} skipped: ${result.skip}` :
      `  ${result.name.padEnd(22)} ${result.samplesPerSecond.toFixed(0).padStart(7)} samples/s  (${result.seconds.toFixed(1)} s, ${result.detail.split(';')[0]}; ${result.note})`);
  };
  for (let round = 1; round <= rounds; round++) {
    if (rounds > 1) log(`round ${round}:`);
    record(round, 'torch', runTorch(os.cpus().length));
    if (os.cpus().length > 1) record(round, 'torch-1-thread', runTorch(1));
    record(round, 'cpu-kernel', runChild('cpu-kernel', maxBatches));
    if (round === 1) {
      record(round, 'gpu-kernel', runChild('gpu-kernel', maxBatches));
      record(round, 'plain-cpu', runChild('plain-cpu', maxBatches));
    }
  }
  const rate = (which: string) => results.filter((r) => r.which === which && !('skip' in r.result))
    .map((r) => (r.result as Measurement).samplesPerSecond);
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const ours = rate('cpu-kernel');
  // PyTorch's best thread setting is the baseline: on a busy machine its OpenMP threads can be far slower than one
  const torchRates = [rate('torch'), rate('torch-1-thread')].filter((v) => v.length > 0).map(median);
  const torchBest = torchRates.length ? Math.max(...torchRates) : null;
  const ratio = torchBest !== null && ours.length ? median(ours) / torchBest : null;
  if (json) {
    console.log(JSON.stringify({ results, ratio, torchBest, target: TARGET, load: os.loadavg()[0], cpus: os.cpus().length }, null, 2));
    return;
  }
  if (ratio === null) {
    log(torchBest !== null ? '' : 'No PyTorch measurement: install it with `apt-get install -y python3-torch` (Debian/Ubuntu) or `pip install torch`, then run again.');
    return;
  }
  const kernel = results.find((r) => r.which === 'cpu-kernel' && !('skip' in r.result))!.result as Measurement;
  log(`CPU kernel (${kernel.detail.split(';')[0]}) ${median(ours).toFixed(0)} samples/s / best PyTorch CPU ${torchBest!.toFixed(0)} samples/s ` +
    `= ${(100 * ratio).toFixed(0)} % (medians over ${ours.length} round(s)); target >= ${100 * TARGET} %: ${ratio >= TARGET ? 'met' : 'NOT met'}`);
}

main().catch((err) => { console.error(err instanceof Error ? err.message : err); process.exitCode = 1; });
