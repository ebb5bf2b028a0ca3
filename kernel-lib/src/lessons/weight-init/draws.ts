/**
 * Where the activation-statistics experiment of lesson 03 gets its random numbers: seeded
 * standard normals, scaled by an init's std, as tensors. `freshDraws` draws on demand (one run);
 * `sharedDraws` keeps the N(0, 1) numbers of every label on the device so that a grid of runs
 * with one seed scales the same numbers (common random numbers). Both give the same values.
 */
import * as tf from '@tensorflow/tfjs';
import { fillNormal, normalArray } from '../../core/normal';
import type { SeedStream } from '../../core/rng';

/**
 * `draw(label, shape, std)` returns a new tensor of std · N(0, 1) draws from the sub-seed
 * `seeds.derive(label)` ("X", "W1", ..., "G"), each a float32 standard normal times float32(std),
 * rounded once. The labels make every draw independent of the others and of their order.
 */
export interface Draws {
  draw(label: string, shape: [number, number], std: number): tf.Tensor2D;
  /** Frees what the draws keep (the shared cache). */
  dispose(): void;
}

/**
 * Makes tensors of seeded normal draws. The wasm backend copies a new tensor's values into its
 * heap at once (BackendWasm.move), so there one scratch array is refilled for every draw: a fresh
 * 64 MB array costs ~0.3 s of page faults on our VMs, more than drawing its numbers. Other
 * backends keep a reference to the array they are given, so each draw gets its own.
 */
function normalTensors(): (shape: [number, number], seed: number, std: number) => tf.Tensor2D {
  let scratch: Float32Array | null = null;
  return (shape, seed, std) => {
    const size = shape[0] * shape[1];
    if (tf.getBackend() !== 'wasm') return tf.tensor2d(normalArray(size, seed, std), shape);
    if (scratch === null || scratch.length < size) scratch = new Float32Array(size);
    return tf.tensor2d(fillNormal(scratch.subarray(0, size), seed, std), shape);
  };
}

/** Draws made on demand, in JavaScript (one experiment). */
export function freshDraws(seeds: SeedStream): Draws {
  const normal = normalTensors();
  return {
    draw: (label, shape, std) => normal(shape, seeds.derive(label), std),
    dispose: () => undefined,
  };
}

/**
 * Draws that keep the standard normals of every label on the device, for a grid of experiments
 * with one seed: each init scales the same N(0, 1) numbers (common random numbers), so the inits
 * differ by their scale only, and the numbers are drawn and uploaded once. The scaling is one
 * float32 product on the device, the same rounding as {@link freshDraws}: the results are equal.
 * `onDraw(label)` is called after each label's numbers are drawn (once per label and shape): a
 * draw of setup B's 4096 x 4096 normals takes about as long as a layer's pass, so the grid counts
 * it as a unit of progress.
 */
export function sharedDraws(seeds: SeedStream, onDraw?: (label: string) => void): Draws {
  const normal = normalTensors();
  const cache = new Map<string, tf.Tensor2D>();
  return {
    draw(label, shape, std) {
      const key = `${label}:${shape.join('x')}`;
      if (!cache.has(key)) {
        cache.set(key, normal(shape, seeds.derive(label), 1));
        onDraw?.(label);
      }
      const z = cache.get(key)!;
      return tf.tidy(() => tf.mul(z, tf.scalar(std))) as tf.Tensor2D;
    },
    dispose() {
      for (const z of cache.values()) z.dispose();
      cache.clear();
    },
  };
}
