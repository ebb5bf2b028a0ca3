/**
 * What every option declaration of lesson 09 shares (core/options.ts): the keep probability p as a
 * declared field, the one trap the schemas catch before anything else (tf.layers' `rate`, the DROP
 * probability, where nnlab takes the KEEP probability p), and the run-time estimates that keep
 * every experiment well under a minute.
 */
import { ArgumentError, checkKnownKeys } from '../../core/errors';
import { ConfigOf, defineOptions, Field, MemoryNeed, OptionSchema, probability } from '../../core/options';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Fields = Record<string, Field<any>>;

/** Throws unless `p` is a keep probability in (0, 1]; returns it (internal: every entry point's check). */
export function checkKeepProbability(name: string, p: unknown): number {
  if (typeof p !== 'number' || !Number.isFinite(p) || !(p > 0 && p <= 1)) {
    throw new ArgumentError(name, p, 'a keep probability in (0, 1] (p = 1 keeps every unit: no dropout; ' +
      'p is the keep probability, tf.layers.dropout\'s rate is 1 - p)');
  }
  return p;
}

/** A keep probability p in (0, 1] (p = 1: no dropout), with the lesson's message for a bad one. */
export function keepProbability(o: { default?: number } = {}): Field<number> {
  return { ...probability({ open: 'low', default: o.default }), check: checkKeepProbability };
}

/**
 * Throws the lesson's message when `options` has tf.layers' `rate` (or `rates`): nnlab's dropout
 * takes the keep probability p = 1 - rate, and a silently ignored rate runs the wrong experiment.
 */
export function rejectRate(name: string, options: unknown, keep: string): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return;
  for (const key of ['rate', 'rates']) {
    if (!(key in options)) continue;
    const value = (options as Record<string, unknown>)[key];
    const hint = typeof value === 'number' && Number.isFinite(value) ? ` (rate ${value} is ${keep} = ${+(1 - value).toPrecision(12)})` : '';
    throw new ArgumentError(key, value, '', `${name}: ${key} is not an option: rate is tf.layers' drop rate; ` +
      `nnlab's dropout takes the keep probability ${keep} = 1 - rate${hint}`);
  }
}

/**
 * defineOptions for lesson 09: also rejects tf.layers' `rate` with its own message (`keep` names
 * the field that takes the keep probability: p, or ps), and, for functions that are not
 * experiments (`progress: false`), takes no `progress` option (one step: nothing to report).
 */
export function dropoutOptions<F extends Fields>(name: string, fields: F,
  extra: {
    rules?: (config: ConfigOf<F>, given: Record<string, unknown>) => void;
    memory?: (config: ConfigOf<F>) => MemoryNeed | MemoryNeed[];
    keep?: string;
    progress?: boolean;
  } = {}): OptionSchema<F> {
  const { keep = 'p', progress = true, ...rest } = extra;
  const schema = defineOptions(name, fields, rest);
  const take = (options: unknown) => {
    rejectRate(name, options, keep);
    // one step, no progress to report: `progress` is an unknown option like any other
    if (!progress && options !== null && typeof options === 'object' && !Array.isArray(options)) checkKnownKeys(name, options, Object.keys(fields));
    return schema.take(options);
  };
  return { ...schema, take, resolve: (options: unknown) => take(options).config };
}

/** The longest run an experiment of this lesson accepts, by its own estimate (seconds). */
export const MAX_RUN_SECONDS = 30;

/**
 * Throws when an estimated run time is over {@link MAX_RUN_SECONDS}, naming the option most
 * responsible and the sizes behind the estimate.
 */
export function checkRunTime(name: string, seconds: number, argument: string, what: string, fix: string): void {
  if (seconds <= MAX_RUN_SECONDS) return;
  throw new ArgumentError(argument, undefined, '', `${argument} is too large: ${name} would run for about ` +
    `${seconds >= 120 ? `${Math.round(seconds / 60)} minutes` : `${Math.round(seconds)} s`} (${what}), over its limit of ` +
    `${MAX_RUN_SECONDS} s; ${fix}`);
}

/** Droppable units of a net [D, H1, ..., C]: the hidden widths summed. */
export function droppableUnits(sizes: readonly number[]): number {
  return sizes.slice(1, -1).reduce((a, b) => a + b, 0);
}

/** Multiply-adds of one example's forward pass through `sizes`. */
export function netMacs(sizes: readonly number[]): number {
  let macs = 0;
  for (let l = 1; l < sizes.length; l++) macs += sizes[l - 1] * sizes[l];
  return macs;
}

/**
 * Seconds of the Monte Carlo of expectation / ensemble: `masks` forward passes of `batchSize`
 * examples, read back and summed in float64. Measured on wasm, one thread: expectation about
 * 0.85 µs per mask and example for the 4-8-8-1 net, 6 µs for 4-64-64-1, 80 µs for 4-512-512-1;
 * ensemble about 2.6 µs for 4-8-8-1 (its bookkeeping per mask: `base` 2.5 µs). The model errs high.
 */
export function monteCarloSeconds(masks: number, batchSize: number, sizes: readonly number[], base = 0.25): number {
  const entries = sizes.slice(1).reduce((a, b) => a + b, 0);
  return masks * batchSize * (base + 0.04 * entries + 0.0002 * netMacs(sizes)) * 1e-6;
}

/**
 * Seconds of the exact enumeration (all 2^units masks, float64, per example and scheme): layer l's
 * affine map runs once per mask of the layers before it, each run about 0.3 µs + 5 ns per
 * multiply-add + 20 ns per input unit (measured: 5 to 8 s for 8 examples, two schemes and 20
 * units; the model errs high). 0 where the net has more than `maxUnits` units: not enumerated.
 */
export function exactSeconds(sizes: readonly number[], batchSize: number, schemes: number, maxUnits: number): number {
  if (droppableUnits(sizes) > maxUnits) return 0;
  let visits = 1;
  let micros = 0;
  for (let l = 1; l < sizes.length; l++) {
    micros += visits * (0.3 + 0.005 * sizes[l - 1] * sizes[l] + 0.02 * sizes[l - 1]);
    if (l < sizes.length - 1) visits *= 2 ** sizes[l];
  }
  return schemes * batchSize * micros * 1e-6;
}

