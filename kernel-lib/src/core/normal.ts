/**
 * Fast seeded normal samples: `normalArray(size, seed, std)` fills a Float32Array with draws from
 * N(0, std²). The weight-initialization lesson (lesson 03) draws ~100 million of them for the
 * lecture's second setup (six 4096 x 4096 matrices); tfjs's own `tf.randomNormal` does it in
 * JavaScript at ~50 ns a sample, this at a few ns.
 *
 * The method is Marsaglia and Tsang's ziggurat (2000) with 128 layers: one 32-bit draw gives the
 * layer (bits 0-6) and a signed 25-bit position inside it (bits 7-31, disjoint from the layer bits,
 * which avoids the correlation Doornik (2005) found in the original RNOR); 99 % of samples are one
 * table look-up, one compare and one multiply. The uniform source is xoshiro128** (Blackman and
 * Vigna), seeded through the splitmix32 mixer, period 2^128 - 1. Same seed, same numbers, on every
 * backend: the draws happen in JavaScript before any tensor exists.
 *
 * @example
 * const W = tf.tensor(normalArray(500 * 500, seeds.derive('W1'), 1 / Math.sqrt(500)), [500, 500]);
 */
import { ArgumentError, checkInt, checkNumber } from './errors';
import { checkSeed } from './rng';

const LAYERS = 128;
/** Right edge of the base strip (layer 0 is the strip plus the tail beyond R). */
const R = 3.442619855899;
/** Area of every layer (and of the base strip including the tail). */
const V = 9.91256303526217e-3;
/** The 25-bit signed position in a layer: |j| < 2^24. */
const M = 2 ** 24;

interface Tables { k: Int32Array; w: Float64Array; f: Float64Array }
let tables: Tables | null = null;

/** The ziggurat tables (Marsaglia & Tsang 2000, "The ziggurat method", zigset), for |j| < 2^24. */
function zigguratTables(): Tables {
  if (tables) return tables;
  const k = new Int32Array(LAYERS);
  const w = new Float64Array(LAYERS);
  const f = new Float64Array(LAYERS);
  let dn = R;
  let tn = dn;
  const q = V / Math.exp(-0.5 * dn * dn);
  k[0] = Math.floor((dn / q) * M);
  k[1] = 0;
  w[0] = q / M;
  w[LAYERS - 1] = dn / M;
  f[0] = 1;
  f[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(V / dn + Math.exp(-0.5 * dn * dn)));
    k[i + 1] = Math.floor((dn / tn) * M);
    tn = dn;
    f[i] = Math.exp(-0.5 * dn * dn);
    w[i] = dn / M;
  }
  tables = { k, w, f };
  return tables;
}

/** splitmix32: a 32-bit mixer that turns one seed into well-spread generator state words. */
function splitmix32(state: { x: number }): number {
  state.x = (state.x + 0x9e3779b9) | 0;
  let z = state.x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) | 0;
}

/**
 * Fills `out` with independent N(0, std²) samples and returns it: each a standard normal draw z
 * rounded to float32, times float32(std), rounded once more: exactly what a float32 product does,
 * so `fillNormal(out, seed, std)` equals `fillNormal(out, seed, 1)` multiplied by std afterwards
 * (in JavaScript or by `tf.mul` on a tensor), bit for bit. `seed`: an integer in [0, 2^53 - 1];
 * the same seed always gives the same numbers.
 */
export function fillNormal(out: Float32Array, seed: number, std = 1): Float32Array {
  if (!(out instanceof Float32Array)) throw new ArgumentError('out', out, 'a Float32Array');
  checkSeed('seed', seed);
  checkNumber('std', std, { min: 0 });
  const { k, w } = zigguratTables();
  const s32 = Math.fround(std);
  const state = xoshiroState(seed);
  // the generator's state lives in locals inside the hot loop (V8 keeps them in registers) and in
  // `state` across the rare slow path
  let s0 = state[0];
  let s1 = state[1];
  let s2 = state[2];
  let s3 = state[3];
  const n = out.length;
  for (let idx = 0; idx < n; idx++) {
    // xoshiro128**: one 32-bit word
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11);
    const i = r & 127; // the layer
    const j = r >> 7; // the signed position in it, |j| <= 2^24
    if ((j < 0 ? -j : j) < k[i]) {
      out[idx] = Math.fround(j * w[i]) * s32; // inside the layer's rectangle: accept at once (~99 %)
    } else {
      state[0] = s0; state[1] = s1; state[2] = s2; state[3] = s3;
      out[idx] = Math.fround(slowNormal(state, i, j)) * s32;
      s0 = state[0]; s1 = state[1]; s2 = state[2]; s3 = state[3];
    }
  }
  return out;
}

/** xoshiro128** state from a seed, through splitmix32 (never all zero). */
function xoshiroState(seed: number): Int32Array {
  const mixer = { x: (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32), 0x27d4eb2f) };
  const state = Int32Array.of(splitmix32(mixer), splitmix32(mixer), splitmix32(mixer), splitmix32(mixer));
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
  return state;
}

/** The next xoshiro128** word, state kept in `s`. */
function nextWord(s: Int32Array): number {
  const r = Math.imul(rotl(Math.imul(s[1], 5), 7), 9);
  const t = s[1] << 9;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 11);
  return r;
}

/** A uniform draw in (0, 1), never 0 (it goes into a log). */
function uniformOpen(s: Int32Array): number {
  return ((nextWord(s) >>> 0) + 0.5) / 4294967296;
}

/** The ziggurat's slow path: the wedge under the curve, or the tail beyond R (Marsaglia 1964). */
function slowNormal(s: Int32Array, i: number, j: number): number {
  const { k, w, f } = zigguratTables();
  for (;;) {
    const x = j * w[i];
    if (i === 0) {
      let xt: number;
      let y: number;
      do {
        xt = -Math.log(uniformOpen(s)) / R;
        y = -Math.log(uniformOpen(s));
      } while (y + y < xt * xt);
      return j > 0 ? R + xt : -R - xt;
    }
    if (f[i] + uniformOpen(s) * (f[i - 1] - f[i]) < Math.exp(-0.5 * x * x)) return x;
    const r = nextWord(s);
    i = r & 127;
    j = r >> 7;
    if ((j < 0 ? -j : j) < k[i]) return j * w[i];
  }
}

function rotl(x: number, s: number): number {
  return (x << s) | (x >>> (32 - s));
}

/** Multiplies every value by float32(std) in place, rounding as a float32 product (as {@link fillNormal}). */
export function scaleInPlace(values: Float32Array, std: number): Float32Array {
  const s32 = Math.fround(std);
  for (let i = 0; i < values.length; i++) values[i] *= s32;
  return values;
}

/**
 * A new Float32Array of `size` independent N(0, std²) samples.
 * @example normalArray(4, 7) // Float32Array(4) of standard normal draws, the same for seed 7 every time
 */
export function normalArray(size: number, seed: number, std = 1): Float32Array {
  checkInt('size', size, { min: 0 });
  return fillNormal(new Float32Array(size), seed, std);
}
