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

/**
 * Whether quick mode is on, read from `env.NNLAB_QUICK` (default: this process's environment).
 *
 * @example
 * if (nn.isQuick()) console.log('quick mode: a small subset and one epoch');
 * nn.isQuick({ NNLAB_QUICK: '1' })   // true
 * nn.isQuick({})                     // false
 */
export function isQuick(env: Record<string, string | undefined> = process.env): boolean {
  const raw = (env.NNLAB_QUICK ?? '').trim().toLowerCase();
  if (TRUE.includes(raw)) return true;
  if (FALSE.includes(raw)) return false;
  throw new ArgumentError('NNLAB_QUICK', env.NNLAB_QUICK, 'one of 1, true, yes, on, 0, false, no, off or empty');
}

/**
 * `quick` in quick mode, `full` otherwise.
 *
 * @example
 * const epochs = nn.quickOr(1, 20);      // 1 in quick mode (NNLAB_QUICK=1), 20 otherwise
 * const count = nn.quickOr(500, 60000);
 * console.log(`${epochs} epochs on ${count} examples`);
 */
export function quickOr<T>(quick: T, full: T, env?: Record<string, string | undefined>): T {
  return isQuick(env) ? quick : full;
}

/**
 * Applies a preset of overrides (e.g. an experiment's `QUICK` preset) in quick mode:
 * `{...defaults, ...(quick ? preset : {}), ...options}`; explicit options always win.
 *
 * @example
 * interface Options { epochs: number; count: number; seed: number }
 * const QUICK: Partial<Options> = { epochs: 1, count: 200 };
 * const options = nn.withQuickPreset<Options>({ seed: 3, epochs: 2 }, QUICK);
 * // quick mode: { epochs: 2, count: 200, seed: 3 } (explicit options win); otherwise { seed: 3, epochs: 2 }
 */
export function withQuickPreset<T extends object>(options: Partial<T>, preset: Partial<T>,
  env?: Record<string, string | undefined>): Partial<T> {
  return isQuick(env) ? { ...preset, ...options } : { ...options };
}
