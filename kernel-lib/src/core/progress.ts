/**
 * The one progress shape of every experiment: an optional `progress` option that is `true`
 * (draw a live bar, and a live chart where the experiment trains), `false` (silent), or a
 * callback that receives `{ done, total, phase, metrics }` after each unit of work. In a kernel
 * the default is `true`; elsewhere (CLI, tests) it is `false`. Drawing is show/progress.ts's
 * `experimentProgress`; this module holds the shape and its validation only.
 *
 * @example
 * await nn.batchNorm.rescue({ seed: 5, progress: ({ done, total, phase, metrics }) =>
 *   console.log(`${phase}: ${done}/${total} loss ${metrics.loss}`) });
 */
import { ArgumentError } from './errors';

/**
 * One progress report: `done` of `total` units of the whole experiment (steps, epochs or runs
 * summed over every run), the phase running now (a run's name: an init, a strategy, a learning
 * rate) and its latest numbers (`loss`, `accuracy`, and `epoch` or `step` within the phase).
 */
export interface ProgressEvent {
  done: number;
  total: number;
  phase: string;
  metrics: Record<string, number>;
}

export type ProgressCallback = (event: ProgressEvent) => void;

/** The `progress` option of every experiment. */
export type ProgressOption = boolean | ProgressCallback;

/** Checks a `progress` option (undefined, a boolean or a function). */
export function checkProgress(value: unknown): ProgressOption | undefined {
  if (value === undefined || typeof value === 'boolean' || typeof value === 'function') return value as ProgressOption | undefined;
  throw new ArgumentError('progress', value, 'true, false or a function ({ done, total, phase, metrics }) => void');
}

/**
 * Splits an experiment's options into the recorded part and its progress option: `progress` is
 * how a run is watched, not what it computes, so it never appears in the record.
 */
export function takeProgress<T extends { progress?: ProgressOption }>(options: T): { options: Omit<T, 'progress'>; progress: ProgressOption | undefined } {
  if (typeof options !== 'object' || options === null) return { options, progress: undefined };
  const { progress, ...rest } = options;
  return { options: rest, progress: checkProgress(progress) };
}
