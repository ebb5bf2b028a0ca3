/** Shared test helpers. */
import assert from 'node:assert/strict';
import { ArgumentError } from '../src/core/errors';
import { mulberry32 } from '../src/core/rng';

/** Unit roundoff of float32 and float64. */
export const U32 = 2 ** -24;
export const U64 = 2 ** -53;

/** γ_K = K·u / (1 - K·u): the relative error bound of a sum of K terms (Higham §3.1). */
export function gamma(terms: number, u = U32): number {
  return (terms * u) / (1 - terms * u);
}

/** `n` float32 values uniform in [lo, hi) (default [-1, 1)), seeded. */
export function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * random());
}

/**
 * Central differences (L(θ + h) - L(θ - h)) / 2h of a loss computed in float64, for each entry
 * of `theta` (restored afterwards). For a loss linear in θ the difference is exact for any h; its
 * only error is then float64 rounding, at most γ_T(2⁻⁵³)·Σ|terms of L| / h.
 */
export function centralDifferences(theta: Float64Array, loss: () => number, h: number): Float64Array {
  return theta.map((v, i) => {
    theta[i] = v + h;
    const up = loss();
    theta[i] = v - h;
    const down = loss();
    theta[i] = v;
    return (up - down) / (2 * h);
  });
}

/** The SwiftShader Vulkan driver from Debian's chromium package: the software GPU of CI. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** cs231n's relative error (the library's own, core/stats.ts). */
export { relError } from '../src/core/stats';

/** A record without its `meta` (timing) field: two runs with one seed must agree on the rest. */
export function withoutMeta<T extends { meta: unknown }>(r: T): Omit<T, 'meta'> {
  const { meta: _meta, ...rest } = r;
  return rest;
}

/**
 * Runs the nnlab CLI in this process (no node start-up per call): its exit status and what it
 * wrote to stderr (its text on stdout is dropped). With `timeoutMs`, a command still running then resolves to
 * status -1: a bad value must fail before any work starts.
 */
export async function cliInProcess(argv: readonly string[], timeoutMs?: number): Promise<{ status: number; stderr: string }> {
  const { main } = await import('../src/cli/main');
  let stderr = '';
  const write = process.stderr.write.bind(process.stderr);
  const writeOut = process.stdout.write.bind(process.stdout);
  process.stderr.write = ((chunk: string | Uint8Array) => { stderr += String(chunk); return true; }) as typeof process.stderr.write;
  // Drop the CLI's text only: under `node --test` the runner reports each test to its parent as
  // Buffers on this same stdout, and muting those loses the reports of tests that finish meanwhile.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => (typeof chunk === 'string' ? true
    : (writeOut as (c: Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest))) as typeof process.stdout.write;
  const exitCode = process.exitCode;
  let timer: NodeJS.Timeout | undefined;
  try {
    const run = main(argv);
    const status = timeoutMs === undefined ? await run
      : await Promise.race([run, new Promise<number>((resolve) => { timer = setTimeout(() => resolve(-1), timeoutMs); })]);
    return { status, stderr };
  } finally {
    clearTimeout(timer);
    process.stderr.write = write;
    process.stdout.write = writeOut;
    process.exitCode = exitCode;
  }
}

/** Asserts that `f` throws an ArgumentError whose message matches. */
export function throwsArgument(f: () => unknown, message: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof ArgumentError, String(e));
    assert.match(e.message, message);
    return true;
  });
}

/** Asserts that `f` rejects with an ArgumentError whose message matches. */
export async function rejectsArgument(f: () => Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(f, (e: unknown) => {
    assert.ok(e instanceof ArgumentError, String(e));
    assert.match(e.message, message);
    return true;
  });
}
