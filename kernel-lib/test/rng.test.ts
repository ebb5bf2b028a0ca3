import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mix32, mulberry32, randomInt, randomNormal, sample, seedStream, shuffle, checkSeed } from '../src/core/rng';

test('seedStream(42) gives the same sub-seeds every time, all in [1, 2^31 - 1]', () => {
  const a = seedStream(42);
  const b = seedStream(42);
  const xs = Array.from({ length: 1000 }, () => a.next());
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => b.next()));
  for (const x of xs) assert.ok(Number.isInteger(x) && x >= 1 && x <= 2 ** 31 - 1, `sub-seed ${x} out of range`);
  assert.equal(new Set(xs).size, 1000, 'sub-seeds repeat');
});

test('neighbouring master seeds give unrelated streams (not seed + i)', () => {
  const first = (s: number) => seedStream(s).next();
  const firsts = Array.from({ length: 100 }, (_, s) => first(s));
  assert.equal(new Set(firsts).size, 100);
  // consecutive master seeds differ in about half of the 31 bits of their first sub-seed
  let bits = 0;
  for (let s = 0; s < 99; s++) {
    let x = (firsts[s] ^ firsts[s + 1]) >>> 0;
    while (x) { bits += x & 1; x >>>= 1; }
  }
  const mean = bits / 99;
  assert.ok(mean > 12 && mean < 19, `mean differing bits ${mean}, expected about 15.5`);
});

test('stream.derive(label) does not depend on earlier draws', () => {
  const a = seedStream(7);
  const b = seedStream(7);
  b.next(); b.next();
  assert.equal(a.derive('layer-3'), b.derive('layer-3'));
  assert.notEqual(a.derive('layer-3'), a.derive('layer-4'));
  assert.deepEqual([a.fork('x').next(), a.fork('x').next()], [b.fork('x').next(), b.fork('x').next()]);
});

test('mix32 is a bijection on a sample (no collisions on 100,000 inputs)', () => {
  const seen = new Set<number>();
  for (let i = 0; i < 100_000; i++) seen.add(mix32(i));
  assert.equal(seen.size, 100_000);
});

test('mulberry32 is uniform on [0, 1): mean 1/2 and variance 1/12 within 4 standard errors', () => {
  const random = mulberry32(123);
  const n = 200_000;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const u = random();
    assert.ok(u >= 0 && u < 1);
    sum += u;
    sumSq += u * u;
  }
  const mean = sum / n;
  const variance = sumSq / n - mean * mean;
  // SE of the mean: sqrt(1/12 / n); SE of the variance of U(0,1): sqrt((1/80 - 1/144) / n)
  assert.ok(Math.abs(mean - 0.5) < 4 * Math.sqrt(1 / 12 / n), `mean ${mean}`);
  assert.ok(Math.abs(variance - 1 / 12) < 4 * Math.sqrt((1 / 80 - 1 / 144) / n), `variance ${variance}`);
});

test('randomNormal(random) has mean 0 and variance 1 within 4 standard errors', () => {
  const random = mulberry32(5);
  const n = 100_000;
  const xs = Array.from({ length: n }, () => randomNormal(random));
  const mean = xs.reduce((a, x) => a + x, 0) / n;
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  assert.ok(Math.abs(mean) < 4 / Math.sqrt(n), `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 4 * Math.sqrt(2 / n), `variance ${variance}`);
});

test('shuffle(items, random) is a seeded permutation and leaves its input alone', () => {
  const items = Array.from({ length: 50 }, (_, i) => i);
  const a = shuffle(items, mulberry32(1));
  assert.deepEqual(a, shuffle(items, mulberry32(1)));
  assert.notDeepEqual(a, items);
  assert.deepEqual([...a].sort((x, y) => x - y), items);
  assert.deepEqual(items, Array.from({ length: 50 }, (_, i) => i));
});

test('shuffle puts each item in each position equally often (chi-square, 3 items)', () => {
  const random = mulberry32(99);
  const counts = new Map<string, number>();
  const n = 60_000;
  for (let i = 0; i < n; i++) {
    const key = shuffle([0, 1, 2], random).join('');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  assert.equal(counts.size, 6);
  const expected = n / 6;
  const chi2 = [...counts.values()].reduce((a, c) => a + (c - expected) ** 2 / expected, 0);
  assert.ok(chi2 < 20.5, `chi-square ${chi2} with 5 degrees of freedom (p < 0.001 above 20.5)`);
});

test('sample(items, k, random) draws k distinct items and rejects k out of range', () => {
  const s = sample(['a', 'b', 'c', 'd'], 3, mulberry32(3));
  assert.equal(new Set(s).size, 3);
  assert.throws(() => sample([1, 2], 3, mulberry32(3)), { message: 'k must be an integer in [0, 2] (the number of items), got 3' });
  assert.throws(() => randomInt(mulberry32(1), 0), { message: 'n must be an integer >= 1, got 0' });
});

test('seedStream(-1) and seedStream(1.5) are argument errors', () => {
  assert.throws(() => seedStream(-1), { message: 'seed must be an integer in [0, 2^53 - 1], got -1' });
  assert.throws(() => checkSeed('seed', 1.5), { message: 'seed must be an integer in [0, 2^53 - 1], got 1.5' });
  assert.doesNotThrow(() => seedStream(2 ** 40 + 3).next());
  assert.notEqual(seedStream(2 ** 32).next(), seedStream(0).next());
});
