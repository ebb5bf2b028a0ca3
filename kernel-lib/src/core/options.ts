/**
 * The one validation layer of nnlab's experiments (issue 17): an experiment declares its options
 * once, as data — each option's kind, its allowed range and its default — and `resolve` turns a
 * user's options object into the checked, defaulted config that the record carries. The same
 * declaration drives the CLI (`--layers` is checked against the `depth` field before a backend
 * starts), the documentation and the generated bad-input test, which feeds every declared option
 * the values just outside what it allows.
 *
 * Rules that hold by construction:
 * - every size has an upper bound (`int` and `number` require `max`), so a huge value is an
 *   error at once instead of an out-of-memory abort minutes later;
 * - an unknown key is an error (`rate` where the experiment says `p`), never silently ignored;
 * - an option set to `undefined` is an option left out (the default applies);
 * - an experiment that allocates says how much, and `resolve` compares that estimate with the
 *   memory limit (see {@link memoryLimit}) before anything runs, naming the sizes responsible.
 *
 * @example
 * const OPTIONS = defineOptions('spiral', {
 *   pointsPerClass: int({ min: 1, max: 100_000, default: 100 }),
 *   noise: number({ min: 0, max: 10, default: 0.2 }),
 *   seed: seed(),
 * });
 * OPTIONS.resolve({ pointsPerClass: 1e9 }) // throws "spiral: pointsPerClass must be an integer in [1, 100000], got 1000000000"
 */
import * as os from 'os';
import { ArgumentError, checkBoolean, checkInt, checkKnownKeys, checkNumber, checkOneOf, checkProbability, describe } from './errors';
import { checkProgress, ProgressOption } from './progress';
import { checkSeed } from './rng';

/** One declared option. `T` is the type of its resolved value. */
export interface Field<T = unknown> {
  kind: 'int' | 'number' | 'probability' | 'oneOf' | 'boolean' | 'seed' | 'list' | 'range' | 'custom';
  /** What `resolve` uses when the option is left out; `undefined`: the option is required. */
  default?: T;
  /** The check: returns the value as resolved, or throws an ArgumentError naming `name`. */
  check(name: string, value: unknown): T;
  /** Bounds of numbers (and of list lengths), for messages, the CLI and the generated tests. */
  min?: number;
  max?: number;
  /** The allowed strings of a `oneOf`. */
  values?: readonly string[];
  /** The element of a `list`. */
  of?: Field;
  /** Which ends of a probability's [0, 1] are open (a keep probability: 'low', (0, 1]). */
  open?: 'none' | 'low' | 'high' | 'both';
  /** Values this option rejects, for the generated bad-input test (beyond the kind's own). */
  bad?: readonly unknown[];
}

type Defaulted<T> = { default?: T };

/** An integer in [min, max]: counts, sizes, steps. `max` is required: every size has a limit. */
export function int(o: { min: number; max: number } & Defaulted<number>): Field<number> {
  return { kind: 'int', min: o.min, max: o.max, default: o.default, check: (name, v) => checkInt(name, v, { min: o.min, max: o.max }) };
}

/** A finite number in [min, max] (learning rates, scales, noise). */
export function number(o: { min: number; max: number } & Defaulted<number>): Field<number> {
  return { kind: 'number', min: o.min, max: o.max, default: o.default, check: (name, v) => checkNumber(name, v, { min: o.min, max: o.max }) };
}

/** A probability: [0, 1], or open at one or both ends (a keep probability p is in (0, 1]). */
export function probability(o: { open?: 'none' | 'low' | 'high' | 'both' } & Defaulted<number> = {}): Field<number> {
  return { kind: 'probability', min: 0, max: 1, open: o.open ?? 'none', default: o.default, check: (name, v) => checkProbability(name, v, { open: o.open }) };
}

/** One of a closed set of strings (an init, an activation, a mode). */
export function oneOf<T extends string>(values: readonly T[], o: Defaulted<T> = {}): Field<T> {
  return { kind: 'oneOf', values, default: o.default, check: (name, v) => checkOneOf(name, v, values) };
}

/** true or false, nothing truthy. */
export function boolean(o: Defaulted<boolean> = {}): Field<boolean> {
  return { kind: 'boolean', default: o.default, check: checkBoolean };
}

/** A seed: an integer in [0, 2^53 - 1] (default 0). */
export function seed(o: Defaulted<number> = { default: 0 }): Field<number> {
  return { kind: 'seed', min: 0, max: Number.MAX_SAFE_INTEGER, default: o.default, check: checkSeed };
}

/** A list of `of` with minLength..maxLength elements; `unique` rejects repeats. */
export function list<T>(of: Field<T>, o: { minLength: number; maxLength: number; unique?: boolean } & Defaulted<readonly T[]>): Field<T[]> {
  return {
    kind: 'list', of, min: o.minLength, max: o.maxLength, default: o.default as T[] | undefined,
    check(name, v) {
      const count = o.minLength === o.maxLength ? `${o.minLength}` : o.minLength === 1 ? `1 to ${o.maxLength}` : `${o.minLength} to ${o.maxLength}`;
      const allowed = `an array of ${count} ${of.values ? `of ${of.values.join(', ')}${o.unique ? ', each once' : ''}` : 'values'}`;
      if (!Array.isArray(v) || v.length < o.minLength || v.length > o.maxLength) throw new ArgumentError(name, v, allowed);
      const out = v.map((x, i) => of.check(`${name}[${i}]`, x));
      if (o.unique) {
        const seen = new Set<unknown>();
        for (const [i, x] of out.entries()) {
          if (seen.has(x)) throw new ArgumentError(`${name}[${i}]`, x, `a value not already in ${name} (each once)`);
          seen.add(x);
        }
      }
      return out;
    },
  };
}

/** A pair [lo, hi] of finite numbers with lo < hi, each within ±limit. */
export function range(o: { limit: number } & Defaulted<readonly [number, number]>): Field<[number, number]> {
  return {
    kind: 'range', min: -o.limit, max: o.limit, default: o.default as [number, number] | undefined,
    check(name, v) {
      if (!Array.isArray(v) || v.length !== 2) throw new ArgumentError(name, v, 'a pair [lo, hi]');
      const lo = checkNumber(`${name}[0]`, v[0], { min: -o.limit, max: o.limit });
      const hi = checkNumber(`${name}[1]`, v[1], { min: -o.limit, max: o.limit });
      if (!(lo < hi)) throw new ArgumentError(name, v, 'a pair [lo, hi] with lo < hi');
      return [lo, hi];
    },
  };
}

/** An option with its own check (a dataset, a model, a function); `bad` lists values it rejects. */
export function custom<T>(check: (name: string, value: unknown) => T, o: Defaulted<T> & { bad?: readonly unknown[] } = {}): Field<T> {
  return { kind: 'custom', default: o.default, check, bad: o.bad };
}

/** Marks a field optional: left out, it resolves to `null` (a value the experiment computes). */
export function optional<T>(field: Field<T>): Field<T | null> {
  return { ...field, default: null, check: (name, v) => (v === null ? null : field.check(name, v)) } as Field<T | null>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Fields = Record<string, Field<any>>;
/** The config an options declaration resolves to: each field's resolved type. */
export type ConfigOf<F extends Fields> = { [K in keyof F]: F[K] extends Field<infer T> ? T : never };
/** The options a user may pass: every field optional, plus `progress`. */
export type OptionsOf<F extends Fields> = { [K in keyof F]?: F[K] extends Field<infer T> ? (T extends unknown[] ? readonly T[number][] : T) : never } & { progress?: ProgressOption };

/** What an experiment will hold in memory at its peak, and which sizes make it so. */
export interface MemoryNeed {
  /** Bytes at the peak (float32 tensors: 4 bytes a number). */
  bytes: number;
  /** The option most responsible, named by the error. */
  argument: string;
  /** The sizes behind the estimate, in words: "6 weight matrices of 4096 x 4096 and ...". */
  what: string;
}

export interface OptionSchema<F extends Fields> {
  /** The experiment's name, as errors say it ("weightInit.stats"). */
  name: string;
  fields: F;
  /** The default of each field that has one. */
  defaults: Partial<ConfigOf<F>>;
  /**
   * Checks `options` and fills in defaults: not an object, an unknown key, a value of the wrong
   * kind or out of range, a failed cross-option rule or an estimate over the memory limit is an
   * ArgumentError naming the option. `progress` is taken out and checked on its own.
   */
  resolve(options: unknown): ConfigOf<F>;
  /** Same as resolve, and also hands back `progress`. */
  take(options: unknown): { config: ConfigOf<F>; progress: ProgressOption | undefined };
}

/**
 * Declares an experiment's options. `rules` checks what crosses options (small < large) and
 * throws an ArgumentError naming the option the user gave; `memory` estimates the peak.
 */
export function defineOptions<F extends Fields>(name: string, fields: F,
  extra: { rules?: (config: ConfigOf<F>, given: Record<string, unknown>) => void; memory?: (config: ConfigOf<F>) => MemoryNeed | MemoryNeed[] } = {}): OptionSchema<F> {
  const defaults = Object.fromEntries(Object.entries(fields).filter(([, f]) => f.default !== undefined).map(([k, f]) => [k, f.default])) as Partial<ConfigOf<F>>;
  const known = [...Object.keys(fields), 'progress'];
  function take(options: unknown): { config: ConfigOf<F>; progress: ProgressOption | undefined } {
    if (options === undefined) options = {};
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new ArgumentError(name.endsWith(' options') ? name : `${name} options`, options, 'an object of options (or nothing)');
    }
    checkKnownKeys(name, options, known);
    const given: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options)) if (value !== undefined) given[key] = value;
    const progress = checkProgress(given.progress);
    const config: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(fields)) {
      if (key in given) config[key] = field.check(key, given[key]);
      else if (field.default !== undefined) config[key] = field.default === null ? null : clone(field.default);
      else throw new ArgumentError(key, undefined, `given (${name} needs it)`);
    }
    extra.rules?.(config as ConfigOf<F>, given);
    if (extra.memory) checkMemory(name.replace(/ options$/, ''), extra.memory(config as ConfigOf<F>));
    return { config: config as ConfigOf<F>, progress };
  }
  return { name, fields, defaults, take, resolve: (options) => take(options).config };
}

function clone<T>(v: T): T {
  return Array.isArray(v) ? (v.map(clone) as unknown as T) : v;
}

// ---------------------------------------------------------------------------------------------
// Memory

let limitOverride: number | null = null;

/** Bytes written for people: "1.5 GB", "640 MB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(0)} MB`;
  return `${Math.ceil(bytes / 2 ** 10)} KB`;
}

/** Parses "8GB", "512 MB", "1e9" (bytes); null when the text is not a size. */
export function parseBytes(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*(b|kb|mb|gb|tb)?\s*$/i.exec(text);
  if (!m) return null;
  const unit = { b: 1, kb: 2 ** 10, mb: 2 ** 20, gb: 2 ** 30, tb: 2 ** 40 }[(m[2] ?? 'b').toLowerCase() as 'b'];
  const v = Number(m[1]) * unit;
  return Number.isFinite(v) && v > 0 ? v : null;
}

/** Most bytes one run may hold at its peak by default: tfjs's wasm heap cannot grow past 4 GB. */
export const DEFAULT_MEMORY_CAP = 3 * 2 ** 30;

/**
 * The memory limit experiments are checked against before they run: `nn.setMemoryLimit(bytes)`
 * if called, else NNLAB_MEMORY_LIMIT ("8GB"), else half the free memory, at most 3 GB (the wasm
 * heap's reach; with tfjs-node raise it with the variable) and at least 256 MB.
 *
 * @example
 * nn.memoryLimit() // { bytes: 3221225472, source: 'the default cap; raise it with NNLAB_MEMORY_LIMIT' }
 */
export function memoryLimit(): { bytes: number; source: string } {
  if (limitOverride !== null) return { bytes: limitOverride, source: 'set by nn.setMemoryLimit' };
  const env = process.env.NNLAB_MEMORY_LIMIT;
  if (env !== undefined && env !== '') {
    const bytes = parseBytes(env);
    if (bytes === null) throw new ArgumentError('NNLAB_MEMORY_LIMIT', env, 'a size such as 8GB, 512MB or a number of bytes');
    return { bytes, source: 'NNLAB_MEMORY_LIMIT' };
  }
  const bytes = Math.max(256 * 2 ** 20, Math.min(DEFAULT_MEMORY_CAP, os.freemem() / 2));
  return { bytes, source: bytes === DEFAULT_MEMORY_CAP ? 'the default cap; raise it with NNLAB_MEMORY_LIMIT' : 'half the free memory; change it with NNLAB_MEMORY_LIMIT' };
}

/**
 * Sets the memory limit of every experiment for this process (`null`: back to the default).
 *
 * @example
 * nn.setMemoryLimit(8 * 2 ** 30); // allow runs that hold up to 8 GB (tfjs-node)
 */
export function setMemoryLimit(bytes: number | null): void {
  limitOverride = bytes === null ? null : checkNumber('bytes', bytes, { min: 2 ** 20, max: 2 ** 50 });
}

/** Throws an ArgumentError naming the biggest need when the estimate is over the limit. */
export function checkMemory(name: string, need: MemoryNeed | MemoryNeed[]): void {
  const needs = Array.isArray(need) ? need : [need];
  const total = needs.reduce((s, n) => s + n.bytes, 0);
  const limit = memoryLimit();
  if (!(total <= limit.bytes)) {
    const top = needs.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    throw new ArgumentError(top.argument, undefined, 'small enough to fit in memory',
      `${top.argument} is too large: ${name} would hold about ${formatBytes(total)} at once ` +
      `(${needs.map((n) => n.what).join('; ')}), over the memory limit of ${formatBytes(limit.bytes)} (${limit.source})`);
  }
}

/** Bytes of `numbers` float32 values. */
export const float32Bytes = (numbers: number): number => numbers * 4;

/** Most numbers one tensor may hold: 2^28 float32 (1 GB); tfjs's wasm heap holds at most 4 GB. */
export const MAX_TENSOR_NUMBERS = 2 ** 28;

/**
 * Throws an ArgumentError naming `name` when a tensor of `shape` is more than one tensor may hold
 * ({@link MAX_TENSOR_NUMBERS}) or more than the memory limit, before anything is allocated (a raw
 * "Invalid typed array length" or an out-of-memory abort otherwise).
 *
 * @example
 * checkTensorSize('shape', [1e9, 1e9], 'nets.initWeights') // "shape is too large: nets.initWeights would hold ..."
 */
export function checkTensorSize(name: string, shape: readonly number[], owner: string, copies = 1): void {
  const numbers = shape.reduce((a, b) => a * b, 1);
  const what = `${copies === 1 ? 'a tensor' : `${copies} tensors`} of shape [${shape.join(', ')}]: ${numbers} float32 numbers${copies === 1 ? '' : ' each'}`;
  if (numbers > MAX_TENSOR_NUMBERS) {
    throw new ArgumentError(name, shape, '', `${name} is too large: ${owner} would make ${what}, over the limit of ` +
      `${MAX_TENSOR_NUMBERS} numbers (1 GB) for one tensor`);
  }
  checkMemory(owner, { bytes: float32Bytes(numbers * copies), argument: name, what });
}
