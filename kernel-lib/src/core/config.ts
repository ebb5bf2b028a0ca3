/**
 * Quick mode: a switch that notebooks use to shrink data sets and epochs for tests and instructor
 * demos while still executing every cell. On when the environment has `NNLAB_QUICK=1` (the
 * notebook runner sets it with `nnlab run --quick`).
 *
 * @example
 * const epochs = nn.quickOr(2, 20); // 2 in quick mode, 20 otherwise
 */
import { ArgumentError } from './errors';

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['', '0', 'false', 'no', 'off'];

/** Whether quick mode is on, read from `env.NNLAB_QUICK` (default: this process's environment). */
export function isQuick(env: Record<string, string | undefined> = process.env): boolean {
  const raw = (env.NNLAB_QUICK ?? '').trim().toLowerCase();
  if (TRUE.includes(raw)) return true;
  if (FALSE.includes(raw)) return false;
  throw new ArgumentError('NNLAB_QUICK', env.NNLAB_QUICK, 'one of 1, true, yes, on, 0, false, no, off or empty');
}

/** `quick` in quick mode, `full` otherwise. */
export function quickOr<T>(quick: T, full: T, env?: Record<string, string | undefined>): T {
  return isQuick(env) ? quick : full;
}

/**
 * Applies a preset of overrides (e.g. an experiment's `QUICK` preset) in quick mode:
 * `{...defaults, ...(quick ? preset : {}), ...options}`; explicit options always win.
 */
export function withQuickPreset<T extends object>(options: Partial<T>, preset: Partial<T>,
  env?: Record<string, string | undefined>): Partial<T> {
  return isQuick(env) ? { ...preset, ...options } : { ...options };
}
