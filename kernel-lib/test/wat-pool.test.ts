/**
 * Helper threads for nnlab's own wasm modules (src/engine/wasm/wat-pool.ts), on a shared memory of
 * the test's own (no tfjs backend): the split runs give the same bits as one thread, a failing
 * helper is an error that names it and is never used again, and a process with helpers exits by
 * itself. The filter gradient through them on the threaded backend is in wasm-threads.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { directJobs, PatchesModule, patchesModule } from '../src/engine/wasm/conv2d-backprop-filter';
import { evenRanges, runJobs, watPool } from '../src/engine/wasm/wat-pool';
import { uniform } from './helpers';

/** A shared memory with x [n, hp, wp, ci], dy [n, oh, ow, co] and two dW buffers laid out in it. */
function setUp(memory: WebAssembly.Memory) {
  const [n, hp, wp, ci, oh, ow, co, fh, fw] = [3, 10, 10, 5, 8, 8, 40, 3, 3];
  const f32 = new Float32Array(memory.buffer);
  const x = 1024;
  const dy = x + 4 * n * hp * wp * ci;
  const dwA = dy + 4 * n * oh * ow * co;
  const dwB = dwA + 4 * fh * fw * ci * co;
  f32.set(uniform(n * hp * wp * ci, 11), x / 4);
  f32.set(uniform(n * oh * ow * co, 12), dy / 4);
  const args = (dw: number, ob: number) => [x, dy, dw, n, hp, wp, ci, oh, ow, co, fh, fw, 1, 1, ob];
  const read = (dw: number) => f32.slice(dw / 4, dw / 4 + fh * fw * ci * co);
  return { co, args, read, dwA, dwB };
}

function sharedMemory(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: 32, maximum: 64, shared: true });
}

test('evenRanges(total, parts) covers 0..total in order with ranges as even as they go, none empty', () => {
  assert.deepEqual(evenRanges(10, 3), [[0, 3], [3, 6], [6, 10]]);
  assert.deepEqual(evenRanges(64, 2), [[0, 32], [32, 64]]);
  assert.deepEqual(evenRanges(2, 4), [[0, 1], [1, 2]]);
  assert.deepEqual(evenRanges(5, 1), [[0, 5]]);
  for (const total of [1, 2, 7, 64, 1000]) for (const parts of [1, 2, 3, 4, 8]) {
    const r = evenRanges(total, parts);
    assert.equal(r.length, Math.min(total, parts));
    assert.deepEqual([r[0][0], r[r.length - 1][1]], [0, total]);
    r.forEach(([a, b], i) => { assert.ok(b > a); if (i > 0) assert.equal(a, r[i - 1][1]); });
    const sizes = r.map(([a, b]) => b - a);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `${total}, ${parts}: ${sizes}`);
  }
});

test('runJobs without a pool runs every job on this thread, in order', () => {
  const seen: number[][] = [];
  runJobs(null, 'direct', [[1], [2], [3]], (a) => seen.push(a));
  assert.deepEqual(seen, [[1], [2], [3]]);
});

test('watPool is null on a plain memory, without a memory and with no helper', () => {
  assert.equal(watPool(new WebAssembly.Memory({ initial: 1 }), 1), null);
  assert.equal(watPool(undefined, 1), null);
  assert.equal(watPool(sharedMemory(), 0), null);
});

test('watPool.run: the direct filter gradient split over 1 and 3 helpers gives the same bits as one thread', () => {
  for (const helpers of [1, 3]) {
    const memory = sharedMemory();
    const module = patchesModule(memory) as PatchesModule;
    const pool = watPool(memory, helpers)!;
    assert.equal(watPool(memory, helpers), pool, 'one pool per memory');
    const { co, args, read, dwA, dwB } = setUp(memory);
    const local = (a: number[]) => module.direct(...(a as Parameters<PatchesModule['direct']>));
    for (const [cb, ce] of directJobs(co, 1)) local([...args(dwA, 3), cb, ce]);
    const jobs = directJobs(co, 1 + helpers).map(([cb, ce]) => [...args(dwB, 3), cb, ce]);
    assert.equal(jobs.length, 1 + helpers);
    pool.run('direct', jobs, local);
    assert.equal(pool.helpers, helpers);
    assert.deepEqual(read(dwB), read(dwA));
    assert.ok(read(dwA).some((v) => v !== 0));
    pool.close();
  }
});

test('watPool.run: a helper whose job fails is an error naming it, is retired, and its share then runs on the calling thread', () => {
  const memory = sharedMemory();
  const module = patchesModule(memory) as PatchesModule;
  const pool = watPool(memory, 1)!;
  const { co, args, read, dwA, dwB } = setUp(memory);
  const local = (a: number[]) => module.direct(...(a as Parameters<PatchesModule['direct']>));
  const jobs = directJobs(co, 2).map(([cb, ce]) => [...args(dwA, 2), cb, ce]);
  const outside = [...jobs[1]];
  outside[0] = 2 ** 31 - 64; // x far outside the memory: the helper's wasm traps
  assert.throws(() => pool.run('direct', [jobs[0], outside], local), {
    message: 'nnlab wasm kernels: direct: helper thread 1 failed; it is not used again (its part runs on the calling thread)',
  });
  assert.equal(pool.helpers, 0);
  pool.run('direct', jobs, local);
  for (const [cb, ce] of directJobs(co, 1)) local([...args(dwB, 2), cb, ce]);
  assert.deepEqual(read(dwA), read(dwB));
  pool.close();
});

test('a process whose helpers ran exits by itself (the workers never keep it alive)', () => {
  const dist = path.resolve(__dirname, '..', 'src', 'engine', 'wasm');
  const script = `
    const { watPool } = require(${JSON.stringify(path.join(dist, 'wat-pool.js'))});
    const { patchesModule } = require(${JSON.stringify(path.join(dist, 'conv2d-backprop-filter.js'))});
    const memory = new WebAssembly.Memory({ initial: 32, maximum: 64, shared: true });
    const m = patchesModule(memory);
    const job = (cb, ce) => [1024, 8192, 65536, 1, 4, 4, 1, 2, 2, 8, 3, 3, 1, 1, 2, cb, ce];
    watPool(memory, 2).run('direct', [job(0, 4), job(4, 8)], (a) => m.direct(...a));
    console.log('RAN');`;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'RAN');
  assert.ok(Date.now() - t0 < 10_000, `the child took ${Date.now() - t0} ms`);
});
