/**
 * Seeded randomness for everything that is not a tfjs op: shuffles, sampling, Monte-Carlo loops.
 *
 * One master `seed` per experiment feeds a {@link SeedStream}; every random draw takes its own
 * sub-seed from the stream (a mixing generator, not `seed + i`, so neighbouring seeds give
 * unrelated streams). Sub-seeds are integers in [1, 2^31 - 1]: never 0, because
 * `tf.randomNormal({seed: 0})` treats 0 as "unseeded" (STYLE.md, tfjs trap 2).
 *
 * @example
 * const seeds = seedStream(42);
 * const W = tf.randomNormal([500, 500], 0, 1, 'float32', seeds.next()); // reproducible
 * const order = shuffle([...Array(10).keys()], seeds.random());
 */
import { ArgumentError } from './errors';

/** A source of uniform random numbers in [0, 1), like Math.random but seeded. */
export type Random = () => number;

const MAX_SEED = 2 ** 31 - 1;

/** murmur3's 32-bit finaliser: a bijective mix of a uint32 (avalanche on every bit). */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Throws unless `seed` is an integer in [0, 2^53 - 1]; returns it. */
export function checkSeed(name: string, seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new ArgumentError(name, seed, 'an integer in [0, 2^53 - 1]');
  }
  return seed;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function toSubSeed(x: number): number {
  return (x % MAX_SEED) + 1;
}

/** A deterministic stream of sub-seeds derived from one master seed. */
export class SeedStream {
  readonly seed: number;
  private state: number;

  constructor(seed: number) {
    this.seed = checkSeed('seed', seed);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 2 ** 32) >>> 0;
    this.state = mix32(lo ^ mix32(hi ^ 0x5bd1e995));
  }

  /** The next sub-seed, an integer in [1, 2^31 - 1]. */
  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    return toSubSeed(mix32(this.state));
  }

  /**
   * A sub-seed that depends only on the master seed and `label`, not on how many draws came
   * before: adding a draw elsewhere does not shift it.
   */
  derive(label: string): number {
    const base = new SeedStream(this.seed).state;
    return toSubSeed(mix32(base ^ hashString(label)));
  }

  /** A child stream for a named part of an experiment (a layer, a trial). */
  fork(label: string): SeedStream {
    return new SeedStream(this.derive(label));
  }

  /** A seeded uniform generator on [0, 1) whose seed is the next sub-seed. */
  random(): Random {
    return mulberry32(this.next());
  }
}

/**
 * Shorthand for `new SeedStream(seed)`.
 *
 * @example
 * const seeds = nn.seedStream(42);
 * const a = seeds.next();               // a sub-seed, an integer in [1, 2^31 - 1]
 * const w = tf.randomNormal([3, 3], 0, 1, 'float32', seeds.next());   // a seeded tfjs draw
 * const layer1 = seeds.derive('layer 1');   // the same for every run with seed 42
 * const random = seeds.random();        // a seeded uniform generator on [0, 1)
 * console.log(a, layer1, random(), w.shape);
 */
export function seedStream(seed: number): SeedStream {
  return new SeedStream(seed);
}

/** mulberry32: a small, fast, well-mixed 32-bit generator. Uniform on [0, 1), 2^-32 resolution. */
export function mulberry32(seed: number): Random {
  checkSeed('seed', seed);
  let a = mix32(seed >>> 0) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes the multiplier of inverted dropout into `out`, as float32 bit patterns: each value kept
 * with probability 1 - rate, independently, as float32(1/(1 - rate)), else +0. Value i is kept
 * when the i-th uint32 of {@link mulberry32}'s generator for `seed`, shifted to 24 bits, is below
 * round((1 - rate)·2^24). Integer operations only and no branch: ~1.7 ns a value in V8 on memory
 * already touched (the wasm heap; a fresh JavaScript array pays its page faults on top).
 * `rate` in [0, 1) and `seed` an integer >= 0 are the caller's to check.
 *
 * @example
 * const mask = new Float32Array(8);
 * fillDropoutMask(new Uint32Array(mask.buffer), 0.5, 1);   // mask: 2 or 0 each
 */
export function fillDropoutMask(out: Uint32Array, rate: number, seed: number): void {
  const keepBits = new Uint32Array(new Float32Array([1 / (1 - rate)]).buffer)[0];
  const threshold = Math.round((1 - rate) * 16777216);
  let a = mix32(seed >>> 0) | 0;
  for (let i = 0; i < out.length; i++) {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t = t ^ ((t + Math.imul(t ^ (t >>> 7), t | 61)) | 0);
    // (u - threshold) >> 31 is -1 (all bits) when u < threshold, else 0
    out[i] = keepBits & ((((t ^ (t >>> 14)) >>> 8) - threshold) >> 31);
  }
}

/** An integer uniform on {0, ..., n - 1}. */
export function randomInt(random: Random, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError('n', n, 'an integer >= 1');
  return Math.floor(random() * n);
}

/** A standard normal draw N(0, 1) by the Box-Muller transform. */
export function randomNormal(random: Random): number {
  let u = 0;
  while (u === 0) u = random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A shuffled copy of `items` (Fisher-Yates); the input is not modified. */
export function shuffle<T>(items: readonly T[], random: Random): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** `k` distinct items drawn without replacement, in draw order. */
export function sample<T>(items: readonly T[], k: number, random: Random): T[] {
  if (!Number.isInteger(k) || k < 0 || k > items.length) {
    throw new ArgumentError('k', k, `an integer in [0, ${items.length}] (the number of items)`);
  }
  return shuffle(items, random).slice(0, k);
}
