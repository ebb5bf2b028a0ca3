/**
 * The tfjs side of `nnlab bench`: one backend configuration per process (a wasm thread count is
 * fixed when the backend starts), timing training steps of the lecture's models and a GEMM.
 * ./run.ts starts it as `node train.js '<task JSON>'`; it prints progress to stderr and one
 * {@link ConfigOutput} line, after {@link OUTPUT_MARKER}, to stdout.
 *
 * What one figure is: `warmup` steps (not timed; the last one sizes the runs), then `runs` timed
 * runs of the same number of steps, each ended by a read-back so nothing is left queued; the
 * figure is the median over runs of samples (or flops) per second. Data are synthetic: a few
 * batches made on the backend before timing and cycled, so the data pipeline is not measured
 * (the PyTorch side does the same).
 */
import * as tf from '@tensorflow/tfjs';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { installedPackageName } from '../engine/backends';
import { seedStream } from '../core/rng';
import { initWasmBackend } from '../engine/wasm/threads';
import { isWasmKernelOverridden, registerWasmKernelOverrides, unregisterWasmKernelOverrides, WASM_KERNEL_OVERRIDES } from '../engine/wasm/kernels';
import { VERSION } from '../core/version';
import { BenchName, benchModel, GEMM_SIZE, TRAIN_BENCHES, TRAIN_SPECS, TrainBench } from './models';
import { stepCeiling, StepCeiling } from './ceiling';
import { BenchResult, fastestCalls, median, ProfiledKernel, StepProfile, summarizeKernels } from './report';

/** The tfjs configurations, each in its own process. */
export const TFJS_CONFIGS = ['wasm-stock', 'wasm-nnlab', 'cpu', 'tfjs-node'] as const;
export type TfjsConfig = typeof TFJS_CONFIGS[number];

/** How many warm-up steps, timed runs, and how long a run should last (it gets whole steps, at least one). */
export interface Schedule { runs: number; warmup: number; minRunSeconds: number; maxStepsPerRun: number }

export const SCHEDULES = {
  /** One round of a full run (`nnlab bench` runs several, interleaved: ./rounds.ts). */
  full: { runs: 3, warmup: 3, minRunSeconds: 1, maxStepsPerRun: 500 },
  quick: { runs: 3, warmup: 1, minRunSeconds: 0.1, maxStepsPerRun: 5 },
  /** Plain JavaScript (`cpu`): one step per run, and only the GEMM, the MLP and the two-layer net. */
  cpu: { runs: 3, warmup: 1, minRunSeconds: 0, maxStepsPerRun: 1 },
  cpuQuick: { runs: 1, warmup: 1, minRunSeconds: 0, maxStepsPerRun: 1 },
} as const satisfies Record<string, Schedule>;

/** What ./run.ts asks one child for. */
export interface ChildTask {
  config: TfjsConfig;
  benches: BenchName[];
  schedule: Schedule;
  /** Profile training steps of each model (tf.profile; `schedule.runs` steps, each call's fastest) after timing it. */
  profile: boolean;
  /** Also time each training benchmark's products at their shapes (./ceiling). */
  ceiling?: boolean;
  seed: number;
  /**
   * Steps per timed run by benchmark, as the first round sized them, so that every round times the
   * same work; a benchmark left out is sized from its last warm-up step.
   */
  stepsPerRun?: Partial<Record<BenchName, number>>;
}

/** What one child prints. */
export interface ConfigOutput {
  config: string;
  /** tf.getBackend() (or 'torch'). */
  backend: string;
  /** Threads, build, overrides: how this configuration ran. */
  detail: string;
  versions: Record<string, string>;
  results: BenchResult[];
  profiles: StepProfile[];
  /** The step ceilings of the training benchmarks on this configuration's backend, when the task asked for them. */
  ceilings?: StepCeiling[];
}

/** Marks the child's result line on stdout (libraries may print there too). */
export const OUTPUT_MARKER = '@@nnlab-bench ';

/** Synthetic batches per training benchmark, made before timing and cycled. */
const DATA_BATCHES = 4;

/** Why a configuration does not run a benchmark at all, or null. */
export function plannedSkip(config: string, bench: BenchName): string | null {
  if (config === 'cpu' && bench === 'cnn') return 'plain JavaScript: tens of seconds per step, not timed';
  return null;
}

/** Starts the configuration's backend; resolves to its detail line. */
async function startBackend(config: TfjsConfig): Promise<string> {
  if (config === 'wasm-stock') {
    unregisterWasmKernelOverrides();
    const r = await initWasmBackend({ threads: 1 });
    const left = WASM_KERNEL_OVERRIDES.filter(isWasmKernelOverridden);
    if (left.length) throw new Error(`stock wasm still has nnlab overrides: ${left.join(', ')}`);
    return `stock tfjs-backend-wasm ${version_wasm}, ${r.threads} thread (${r.build}), no overrides`;
  }
  if (config === 'wasm-nnlab') {
    registerWasmKernelOverrides();
    // the layer's threads: NNLAB_WASM_THREADS when set, else 'auto' (the cores, at most 4)
    const r = await initWasmBackend(process.env.NNLAB_WASM_THREADS ? {} : { threads: 'auto' });
    return `nnlab kernel overrides; ${r.reason}`;
  }
  if (config === 'tfjs-node') {
    if (installedPackageName('@tensorflow/tfjs-node') !== '@tensorflow/tfjs-node') throw new Error('@tensorflow/tfjs-node is not installed');
    require('@tensorflow/tfjs-node');
    if (!(await tf.setBackend('tensorflow'))) throw new Error("tf.setBackend('tensorflow') failed");
    return 'native TensorFlow (@tensorflow/tfjs-node)';
  }
  if (!(await tf.setBackend('cpu'))) throw new Error("tf.setBackend('cpu') failed");
  return 'plain JavaScript: very slow, so only the GEMM, the MLP and the two-layer net, one step per run';
}

/**
 * Times `step` (each run ended by `sync`): `schedule.warmup` untimed steps, then `schedule.runs`
 * runs of `stepsPerRun` steps: `fixedSteps` when given (a later round), else sized from the last
 * warm-up step to last `minRunSeconds`.
 */
export function timeRuns(step: () => void, sync: () => void, schedule: Schedule, fixedSteps?: number): { runSeconds: number[]; stepsPerRun: number } {
  let last = 0;
  for (let i = 0; i < Math.max(1, schedule.warmup); i++) {
    const t0 = performance.now();
    step();
    sync();
    last = (performance.now() - t0) / 1000;
  }
  const stepsPerRun = fixedSteps ?? Math.min(schedule.maxStepsPerRun, Math.max(1, Math.ceil(schedule.minRunSeconds / Math.max(last, 1e-6))));
  const runSeconds: number[] = [];
  for (let r = 0; r < schedule.runs; r++) {
    const t0 = performance.now();
    for (let s = 0; s < stepsPerRun; s++) step();
    sync();
    runSeconds.push((performance.now() - t0) / 1000);
  }
  return { runSeconds, stepsPerRun };
}

interface Trainer { step(): void; sync(): void; dispose(): void }

/**
 * One training step of `bench`'s model as a lesson's custom loop does it: forward in training
 * mode (dropout on, BN batch statistics), softmax cross-entropy on the logits, gradients of the
 * trainable weights, one optimizer update; no loss read back.
 */
function trainer(bench: TrainBench, seed: number): Trainer {
  const spec = TRAIN_SPECS[bench];
  const seeds = seedStream(seed);
  const model = benchModel(bench, seeds.derive('model') % 100_000);
  const optimizer = spec.optimizer === 'adam' ? tf.train.adam(spec.lr) : tf.train.sgd(spec.lr);
  const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const batches = Array.from({ length: DATA_BATCHES }, (_, i) => tf.tidy(() => ({
    X: tf.randomUniform([spec.batchSize, ...spec.inputShape], 0, 1, 'float32', seeds.derive(`X${i}`)),
    y: tf.oneHot(tf.randomUniform([spec.batchSize], 0, spec.classes, 'int32', seeds.derive(`y${i}`)), spec.classes),
  })));
  let next = 0;
  return {
    step() {
      const { X, y } = batches[next++ % DATA_BATCHES];
      tf.tidy(() => {
        optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(X, { training: true }) as tf.Tensor) as tf.Scalar, false, weights);
      });
    },
    sync() { weights[weights.length - 1].dataSync(); },
    dispose() {
      batches.forEach(({ X, y }) => tf.dispose([X, y]));
      optimizer.dispose();
      model.layers.forEach((l) => l.dispose());
    },
  };
}

function gemm(n: number, seed: number): Trainer {
  const A = tf.randomUniform([n, n], 0, 1, 'float32', seedStream(seed).derive('A'));
  const B = tf.randomUniform([n, n], 0, 1, 'float32', seedStream(seed).derive('B'));
  let C: tf.Tensor | null = null;
  return {
    step() {
      const c = tf.matMul(A, B);
      C?.dispose();
      C = c;
    },
    sync() { C?.dataSync(); },
    dispose() { tf.dispose([A, B]); C?.dispose(); },
  };
}

/**
 * tf.profile of a training step: kernels by total time, the slowest single calls. On a shared
 * machine one step can be preempted anywhere, so `steps` steps are profiled and each kernel call
 * gets its smallest time over them (the steps run the same kernels in the same order).
 */
async function profileStep(t: Trainer, config: string, bench: TrainBench, steps: number): Promise<StepProfile> {
  const profiled: ProfiledKernel[][] = [];
  let wallMs = Infinity;
  for (let i = 0; i < Math.max(1, steps); i++) {
    const t0 = performance.now();
    const info = await tf.profile(() => { t.step(); t.sync(); });
    wallMs = Math.min(wallMs, performance.now() - t0);
    profiled.push(info.kernels.map((k) => ({ name: k.name, ms: typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0, inputShapes: k.inputShapes })));
  }
  return summarizeKernels(config, bench, fastestCalls(profiled), wallMs);
}

/** Runs one benchmark; a failure (a kernel wasm stock lacks) is a result with `error`. */
async function runOne(task: ChildTask, bench: BenchName): Promise<{ result: BenchResult; profile?: StepProfile }> {
  const base = { config: task.config, bench, unit: bench === 'gemm' ? 'GFLOP/s' as const : 'samples/s' as const };
  const skip = plannedSkip(task.config, bench);
  if (skip) return { result: { ...base, value: null, runs: [], stepsPerRun: 0, skipped: skip } };
  const t = bench === 'gemm' ? gemm(GEMM_SIZE, task.seed) : trainer(bench, task.seed);
  try {
    const { runSeconds, stepsPerRun } = timeRuns(() => t.step(), () => t.sync(), task.schedule, task.stepsPerRun?.[bench]);
    const work = bench === 'gemm' ? 2 * GEMM_SIZE ** 3 / 1e9 : TRAIN_SPECS[bench].batchSize;
    const runs = runSeconds.map((s) => (work * stepsPerRun) / s);
    const result: BenchResult = { ...base, value: median(runs), runs, stepsPerRun, runSeconds };
    const profile = task.profile && bench !== 'gemm' ? await profileStep(t, task.config, bench, task.schedule.runs) : undefined;
    return { result, profile };
  } catch (err) {
    return { result: { ...base, value: null, runs: [], stepsPerRun: 0, error: (err instanceof Error ? err.message : String(err)).split('\n')[0] } };
  } finally {
    t.dispose();
  }
}

/** Runs a child task in this process. */
export async function runChildTask(task: ChildTask, progress: (line: string) => void = () => undefined): Promise<ConfigOutput> {
  const detail = await startBackend(task.config);
  progress(`${task.config}: ${detail}`);
  const results: BenchResult[] = [];
  const profiles: StepProfile[] = [];
  for (const bench of task.benches) {
    const { result, profile } = await runOne(task, bench);
    results.push(result);
    if (profile) profiles.push(profile);
    const what = result.value !== null
      ? `${result.value.toFixed(result.unit === 'GFLOP/s' ? 2 : 0)} ${result.unit} (median of ${result.runs.length} runs x ${result.stepsPerRun} steps)`
      : result.error ? `failed: ${result.error}` : `skipped: ${result.skipped}`;
    progress(`${task.config}: ${bench}: ${what}`);
  }
  const ceilings: StepCeiling[] = [];
  for (const bench of task.ceiling ? TRAIN_BENCHES.filter((b) => task.benches.includes(b)) : []) {
    const c = stepCeiling(bench, { reps: task.schedule.runs + 4 });
    ceilings.push(c);
    progress(`${task.config}: ${bench} ceiling: ${(c.flops / 1e9).toFixed(2)} GFLOP of products per step in ${c.ms.toFixed(1)} ms: ` +
      `at most ${c.samplesPerSecond.toFixed(0)} samples/s`);
  }
  const versions = { nnlab: VERSION, tfjs: tf.version.tfjs, 'tfjs-backend-wasm': version_wasm, node: process.version };
  return { config: task.config, backend: tf.getBackend(), detail, versions, results, profiles, ...(ceilings.length ? { ceilings } : {}) };
}

if (require.main === module) {
  const task = JSON.parse(process.argv[2]) as ChildTask;
  runChildTask(task, (line) => process.stderr.write(`  ${line}\n`))
    .then((output) => {
      // exit once written: the pthread workers are unref'ed, but nothing else may keep the child alive
      process.stdout.write(`${OUTPUT_MARKER}${JSON.stringify(output)}\n`, () => process.exit(0));
    })
    .catch((err) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
