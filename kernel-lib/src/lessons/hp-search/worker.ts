/**
 * The worker process of a hyperparameter search's pool (pool.ts forks this file, compiled, from
 * beside pool.js). It sets up its own tfjs backend (the CPU chain with one wasm thread: the pool
 * runs one worker per core), loads the search's data once, then runs the trials it is sent, one
 * at a time, and sends each result back. It never writes the results file: only the parent does.
 *
 * Protocol (process.send messages): parent → `{ type: 'setup', setup, data }`, then
 * `{ type: 'trial', spec }` per trial; worker → `{ type: 'ready' }`, `{ type: 'done', line }` per
 * trial, or `{ type: 'fatal', error }` when the setup fails. The worker exits when the parent
 * disconnects (the parent finished, or was killed).
 */
import { useDevice } from '../../engine/device';
import { firstLine } from '../../core/errors';
import type { TrialSpec } from './space';
import { loadTrialData, runTrial, TrialData, TrialSetup } from './trial';

/** A message from the parent. */
export type ToWorker =
  | { type: 'setup'; setup: TrialSetup; data: { train: number; val: number; seed: number } }
  | { type: 'trial'; spec: TrialSpec };

let setup: TrialSetup | null = null;
let data: TrialData | null = null;

async function onMessage(msg: ToWorker): Promise<void> {
  if (msg.type === 'setup') {
    try {
      await useDevice('cpu', { print: false, wasm: { threads: 1 } });
      data = await loadTrialData(msg.data);
      setup = msg.setup;
      process.send!({ type: 'ready' });
    } catch (err) {
      process.send!({ type: 'fatal', error: firstLine(err) });
    }
    return;
  }
  const spec = msg.spec;
  try {
    if (!setup || !data) throw new Error('worker: a trial came before the setup');
    process.send!({ type: 'done', line: await runTrial(setup, spec, data) });
  } catch (err) {
    process.send!({ type: 'done', line: { trial: spec.trial, config: spec.config, seed: spec.seed, error: firstLine(err) } });
  }
}

if (typeof process.send === 'function') {
  process.on('message', (msg: ToWorker) => { void onMessage(msg); });
  process.on('disconnect', () => process.exit(0));
}
