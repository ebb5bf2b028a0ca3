/**
 * `npm run bench:hp-search`: lesson 06's search timed (issue 19's closing note). Prints one JSON
 * object with
 * - one coarse trial at the default sizes (10 000 training and 1 000 validation images, 2 epochs,
 *   batch 200) in one worker process: the trial's own wall time (`meta.trialMs`) and the search's;
 * - the pool's speed-up: the same `trials` trials with `jobs: 1` and `jobs: 2`, in one run, wall
 *   time of each and their ratio (the records' tables are asserted equal: the trials do not depend
 *   on the job count).
 * Arguments: [trials = 4] [train = 10000] [epochs = 2]. The machine's other load shows in the
 * numbers; `os.loadavg()` is printed beside them.
 */
import * as os from 'os';
import { isDeepStrictEqual } from 'util';
import { useDevice } from '../engine/device';
import { hpSearch } from '../lessons/hp-search/search';

async function main(): Promise<void> {
  const [trials = 4, train = 10_000, epochs = 2] = process.argv.slice(2).map(Number);
  const device = await useDevice('cpu', { print: false, wasm: { threads: 1 } });
  const base = { stage: 'coarse' as const, train, val: 1000, epochs, batchSize: 200, seed: 0, progress: false };
  const load = () => os.loadavg().map((v) => Number(v.toFixed(2)));
  const one = await hpSearch({ ...base, trials: 1, jobs: 1 });
  const timed = async (jobs: number) => {
    const started = Date.now();
    const r = await hpSearch({ ...base, trials, jobs });
    return { record: r, ms: Date.now() - started, load: load() };
  };
  const serial = await timed(1);
  const parallel = await timed(2);
  console.log(JSON.stringify({
    device: device.summary, cores: os.availableParallelism?.() ?? os.cpus().length, sizes: { train, val: 1000, epochs, batchSize: 200 },
    oneTrial: { trialMs: one.meta.trialMs[0], searchMs: one.meta.ms, valAcc: one.best?.valAcc ?? null },
    pool: {
      trials, jobs1Ms: serial.ms, jobs2Ms: parallel.ms, speedUp: Number((serial.ms / parallel.ms).toFixed(2)),
      meanTrialMs: { jobs1: mean(serial.record.meta.trialMs), jobs2: mean(parallel.record.meta.trialMs) },
      sameTable: isDeepStrictEqual(serial.record.table, parallel.record.table),
      loadAverage: { afterJobs1: serial.load, afterJobs2: parallel.load },
    },
  }, null, 2));
}

function mean(values: readonly (number | null)[]): number {
  const v = values.filter((x): x is number => x !== null);
  return Math.round(v.reduce((s, x) => s + x, 0) / Math.max(1, v.length));
}

main().catch((err) => { console.error(err); process.exit(1); });
