/**
 * Argument errors that say what went wrong: the argument's name, the value it got and what is
 * allowed (STYLE.md, "Options"). Every public function of nnlab validates its inputs with these
 * helpers, so a bad call fails at once with a readable message instead of a silent NaN.
 *
 * @example
 * checkInt('depth', 0, { min: 1 }); // throws "depth must be an integer >= 1, got 0"
 */

/** The error every nnlab argument check throws. `argument` names the offending argument. */
export class ArgumentError extends Error {
  readonly argument: string;
  readonly value: unknown;
  /** `message` replaces the usual "<argument> must be <allowed>, got <value>". */
  constructor(argument: string, value: unknown, allowed: string, message?: string) {
    super(message ?? `${argument} must be ${allowed}, got ${describe(value)}`);
    this.name = 'ArgumentError';
    this.argument = argument;
    this.value = value;
  }
}

/** A short, unambiguous rendering of a value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (typeof value === 'function') return 'a function';
  try {
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return String(value);
  }
}

/** Throws unless `value` is a finite number within [min, max] (bounds optional, inclusive). */
export function checkNumber(name: string, value: unknown, range: { min?: number; max?: number } = {}): number {
  const { min, max } = range;
  const ok = typeof value === 'number' && Number.isFinite(value) &&
    (min === undefined || value >= min) && (max === undefined || value <= max);
  if (!ok) throw new ArgumentError(name, value, `a finite number${rangeText(min, max)}`);
  return value as number;
}

/** Throws unless `value` is an integer within [min, max] (bounds optional, inclusive). */
export function checkInt(name: string, value: unknown, range: { min?: number; max?: number } = {}): number {
  const { min, max } = range;
  const ok = typeof value === 'number' && Number.isInteger(value) &&
    (min === undefined || value >= min) && (max === undefined || value <= max);
  if (!ok) throw new ArgumentError(name, value, `an integer${rangeText(min, max)}`);
  return value as number;
}

/**
 * Throws unless `value` is a probability. By default the closed interval [0, 1]; pass
 * `{ open: 'low' }` for (0, 1] (a keep probability p: p = 0 keeps nothing), `{ open: 'high' }`
 * for [0, 1) and `{ open: 'both' }` for (0, 1).
 */
export function checkProbability(name: string, value: unknown,
  opts: { open?: 'none' | 'low' | 'high' | 'both' } = {}): number {
  const open = opts.open ?? 'none';
  const lowOpen = open === 'low' || open === 'both';
  const highOpen = open === 'high' || open === 'both';
  const ok = typeof value === 'number' && Number.isFinite(value) &&
    (lowOpen ? value > 0 : value >= 0) && (highOpen ? value < 1 : value <= 1);
  if (!ok) {
    const interval = `${lowOpen ? '(' : '['}0, 1${highOpen ? ')' : ']'}`;
    throw new ArgumentError(name, value, `a probability in ${interval}`);
  }
  return value as number;
}

/** Throws unless `value` is one of `allowed` (compared with ===). */
export function checkOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new ArgumentError(name, value, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  }
  return value as T;
}

/** Throws unless `value` is a boolean (no truthy/falsy guessing: modes are the lesson). */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ArgumentError(name, value, 'true or false');
  return value;
}

/**
 * An on/off environment variable: unset or empty is on (the default), `1/true/on/yes` on,
 * `0/false/off/no` off (any case, spaces trimmed); anything else throws, naming the variable.
 *
 * @example
 * envSwitch('NNLAB_WASM_KERNELS', { NNLAB_WASM_KERNELS: 'off' })   // false
 * envSwitch('NNLAB_WASM_PER_OP', {})                              // true
 */
export function envSwitch(name: string, env: Record<string, string | undefined>): boolean {
  const v = (env[name] ?? '').trim().toLowerCase();
  if (['', '1', 'true', 'on', 'yes'].includes(v)) return true;
  if (['0', 'false', 'off', 'no'].includes(v)) return false;
  throw new ArgumentError(name, env[name], 'one of 1, true, on, yes, 0, false, off, no or empty');
}

/**
 * Throws unless `shape` matches `expected`, where `null` in `expected` matches any size.
 * @example checkShape('X', x.shape, [null, 784]) // an N x 784 batch
 */
export function checkShape(name: string, shape: readonly number[], expected: readonly (number | null)[]): void {
  const ok = shape.length === expected.length && expected.every((e, i) => e === null || e === shape[i]);
  if (!ok) {
    const want = `[${expected.map((e) => (e === null ? 'any' : String(e))).join(', ')}]`;
    throw new ArgumentError(`${name}.shape`, [...shape], `${want}`);
  }
}

/**
 * The options object of a call: `undefined` becomes `{}`; anything that is not a plain object (null,
 * a number, an array, a tensor) is an ArgumentError naming `name`; with `known`, an unknown key is
 * one too (see {@link checkKnownKeys}).
 *
 * @example
 * checkOptions('spiral options', { pointsPerClass: 50 }, ['pointsPerClass', 'classes', 'noise', 'seed'])   // the object
 * checkOptions('spiral options', null)   // throws "spiral options must be an object of options (or nothing), got null"
 */
export function checkOptions<T extends object>(name: string, options: T | undefined | null, known?: readonly string[]): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ArgumentError(name, options, 'an object of options (or nothing)');
  }
  if (known) checkKnownKeys(name, options, known);
  return options;
}

/** Throws unless `value` is a string (empty allowed only with `allowEmpty`). */
export function checkString(name: string, value: unknown, allowEmpty = false): string {
  if (typeof value !== 'string' || (!allowEmpty && value.trim() === '')) throw new ArgumentError(name, value, allowEmpty ? 'a string' : 'a non-empty string');
  return value;
}

/**
 * Throws unless `value` looks like an image dataset (what `nn.data.loadDataset` returns): an object
 * with count, height, width, channels, images and labels of matching sizes, and class names.
 */
export function checkImageDataset(name: string, value: unknown): void {
  const ds = value as { count?: unknown; height?: unknown; width?: unknown; channels?: unknown; images?: unknown; labels?: unknown; classNames?: unknown } | null;
  const ok = typeof ds === 'object' && ds !== null && Number.isInteger(ds.count) && Number.isInteger(ds.height) &&
    Number.isInteger(ds.width) && Number.isInteger(ds.channels) && ds.images instanceof Uint8Array && ds.labels instanceof Uint8Array &&
    Array.isArray(ds.classNames) && (ds.images as Uint8Array).length === (ds.count as number) * (ds.height as number) * (ds.width as number) * (ds.channels as number) &&
    (ds.labels as Uint8Array).length === ds.count;
  if (!ok) throw new ArgumentError(name, value, 'an image dataset (as nn.data.loadDataset returns: count, height, width, channels, images, labels, classNames)');
}

/** Throws unless `value` is a function. */
export function checkFunction(name: string, value: unknown): (...args: never[]) => unknown {
  if (typeof value !== 'function') throw new ArgumentError(name, value, 'a function');
  return value as (...args: never[]) => unknown;
}

/**
 * Rejects option keys that an experiment does not know: a typo like `{ seeed: 1 }` is an error,
 * not a silently ignored option.
 */
export function checkKnownKeys(name: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ArgumentError(`${name}.${key}`, (options as Record<string, unknown>)[key],
        `one of the known options (${known.join(', ')}); "${key}" is not an option${nearMiss(key, known)}`);
    }
  }
}

/** "; did you mean "p"?" for a key one or two letters away from a known one (or in other case). */
function nearMiss(key: string, known: readonly string[]): string {
  const lower = key.toLowerCase();
  const close = known.find((k) => k.toLowerCase() === lower || editDistance(k.toLowerCase(), lower) <= Math.min(2, Math.floor(k.length / 3)));
  return close ? ` (did you mean "${close}"?)` : '';
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

function rangeText(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return ` in [${min}, ${max}]`;
  if (min !== undefined) return ` >= ${min}`;
  if (max !== undefined) return ` <= ${max}`;
  return '';
}

/** The first line of an error's message (or of any thrown value), for one-line reports. */
export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : typeof err === 'object' && err && 'message' in err ? String((err as { message: unknown }).message) : String(err);
  return text.split('\n')[0];
}
