/**
 * Datasets: parsers on hand-made files, checksums, the mirror, the cache, downloads from a local
 * HTTP server (good, corrupt, dropped), and the real files in ../shared/datasets. No test reaches
 * the internet: official URLs are switched off (download: false / NNLAB_DATA_OFFLINE).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { AddressInfo } from 'net';
import * as tf from '@tensorflow/tfjs';
import { parseCifarBatch, parseIdx, readTar } from '../src/data/formats';
import { loadDataset } from '../src/data/load';
import { datasetSpec } from '../src/data/registry';
import { cacheProblem, findFile } from '../src/data/files';
import { spawnSync } from 'child_process';
import { hashFile, removeStaleDownloads } from '../src/data/download';
import { classCounts, imageStats, onlyClasses, perClass, take, toTensors, trainValSplit, batchIndices } from '../src/data/transform';
import { correlatedCloud, randomImages, spiral } from '../src/data/synthetic';
import { datasetInfo } from '../src/data/info';
import { crc32, encodePng } from '../src/show/png';
import { showImages } from '../src/show/images';
import { repoRoot } from '../src/core/paths';

const MIRROR = path.resolve(repoRoot(), '..', 'shared', 'datasets');
const offline = { download: false } as const;

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-data-'));
}

function idx(dims: number[], data: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

test('parseIdx reads a hand-made 3 x 2 x 2 file', () => {
  const r = parseIdx(idx([3, 2, 2], [...Array(12).keys()]), 'tiny');
  assert.deepEqual(r.dims, [3, 2, 2]);
  assert.deepEqual([...r.data], [...Array(12).keys()]);
  assert.equal(r.complete, 3);
});

test('parseIdx rejects bad magic, a wrong type, and a truncated or overlong file', () => {
  const good = idx([3, 2, 2], [...Array(12).keys()]);
  assert.throws(() => parseIdx(Buffer.from([1, 0, 8, 1]), 'x'), { message: 'x: not an IDX file (magic 1 0, expected 0 0)' });
  assert.throws(() => parseIdx(Buffer.from([0, 0, 0x0d, 1, 0, 0, 0, 0]), 'x'), { message: 'x: IDX data type 0xd is not 0x08 (unsigned byte)' });
  assert.throws(() => parseIdx(good.subarray(0, good.length - 5), 'x'),
    { message: 'x: truncated: its header announces 3 items (28 bytes) but it has 23 bytes (1 complete items)' });
  const partial = parseIdx(good.subarray(0, good.length - 5), 'x', { allowTruncated: true });
  assert.deepEqual([partial.complete, [...partial.data]], [1, [0, 1, 2, 3]]);
  assert.throws(() => parseIdx(Buffer.concat([good, Buffer.from([9])]), 'x'), { message: 'x: 29 bytes, more than the 28 its header announces' });
});

test('parseCifarBatch turns planar R, G, B records into NHWC pixels', () => {
  const rec = Buffer.alloc(3073);
  rec[0] = 7;
  rec[1 + 5] = 10; // R of pixel 5
  rec[1 + 1024 + 5] = 20; // G of pixel 5
  rec[1 + 2048 + 5] = 30; // B of pixel 5
  const r = parseCifarBatch(Buffer.concat([rec, rec]), 'tiny');
  assert.equal(r.count, 2);
  assert.deepEqual([...r.labels], [7, 7]);
  assert.deepEqual([...r.images.subarray(15, 18)], [10, 20, 30]);
  assert.deepEqual([...r.images.subarray(3072 + 15, 3072 + 18)], [10, 20, 30]);
  assert.throws(() => parseCifarBatch(rec.subarray(1), 'x'), { message: 'x: 3072 bytes is not a whole number of 3073-byte CIFAR-10 records' });
  const bad = Buffer.from(rec);
  bad[0] = 12;
  assert.throws(() => parseCifarBatch(bad, 'x'), { message: 'x: record 0 has label 12, expected 0 to 9' });
});

function tarOf(files: Record<string, Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, data] of Object.entries(files)) {
    const h = Buffer.alloc(512);
    h.write(name, 0, 'latin1');
    h.write(data.length.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
    h.write('0', 156, 'latin1');
    parts.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  return Buffer.concat([...parts, Buffer.alloc(1024)]);
}

test('readTar lists the regular files of an archive', () => {
  const entries = readTar(tarOf({ 'd/a.bin': Buffer.from('hello'), 'd/b.txt': Buffer.alloc(700, 1) }), 't');
  assert.deepEqual(entries.map((e) => [e.name, e.data.length]), [['d/a.bin', 5], ['d/b.txt', 700]]);
  assert.equal(entries[0].data.toString(), 'hello');
});

test('loadDataset("mnist", {split: "test"}) reads the real files: 10,000 images, known labels and pixel sums', async () => {
  const ds = await loadDataset('mnist', { split: 'test', mirror: MIRROR, dataDir: tmp(), ...offline });
  assert.deepEqual([ds.count, ds.height, ds.width, ds.channels, ds.images.length], [10000, 28, 28, 1, 7_840_000]);
  assert.deepEqual([...ds.labels.subarray(0, 10)], [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  assert.deepEqual(classCounts(ds), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  // sums computed once with NumPy from the official files
  assert.equal(ds.images.reduce((a, v) => a + v, 0), 264_923_200);
  assert.equal(ds.images.subarray(0, 784).reduce((a, v) => a + v, 0), 18_454);
});

test('loadDataset("mnist") without the complete train images says which file, where from, and how to set a mirror', async () => {
  await assert.rejects(loadDataset('mnist', { split: 'train', mirror: MIRROR, dataDir: tmp(), ...offline }), (err: Error) => {
    assert.match(err.message, /^mnist: train-images-idx3-ubyte\.gz is not available\. Looked in:/);
    assert.match(err.message, /It comes from http:\/\/yann\.lecun\.com\/exdb\/mnist\/train-images-idx3-ubyte\.gz or https:\/\/storage\.googleapis\.com/);
    assert.match(err.message, /set NNLAB_DATA_MIRROR to a folder/);
    assert.match(err.message, /pass \{ allowPartial: true \} to use its complete images/);
    return true;
  });
});

test('loadDataset("mnist", {allowPartial: true}) uses the 15,654 complete images of the truncated file and says so', async () => {
  const lines: string[] = [];
  const error = console.error; // outside a kernel the note goes to stderr, keeping stdout for --json
  console.error = (s: string) => { lines.push(s); };
  let ds;
  try {
    ds = await loadDataset('mnist', { split: 'train', mirror: MIRROR, dataDir: tmp(), allowPartial: true, ...offline });
  } finally { console.error = error; }
  assert.equal(ds.count, 15_654);
  assert.equal(ds.labels.length, 15_654);
  assert.equal(ds.images.reduce((a, v) => a + v, 0), 413_246_940);
  assert.match(lines[0], /^note: mnist train: only the first 15654 of 60000 images/);
  assert.match(ds.note!, /truncated file/);
});

test('loadDataset("cifar-10") reads the extracted official batches: 50,000 + 10,000 images, NHWC, known values', async () => {
  const opts = { mirror: MIRROR, dataDir: tmp(), ...offline };
  const test_ = await loadDataset('cifar-10', { ...opts, split: 'test' });
  assert.deepEqual([test_.count, test_.height, test_.width, test_.channels], [10000, 32, 32, 3]);
  assert.deepEqual([...test_.labels.subarray(0, 10)], [3, 8, 8, 0, 6, 6, 1, 6, 3, 1]);
  assert.deepEqual([...test_.images.subarray(0, 3)], [158, 112, 49]); // pixel (0, 0) of image 0: R, G, B
  assert.deepEqual([...test_.images.subarray((5 * 32 + 7) * 3, (5 * 32 + 7) * 3 + 3)], [167, 115, 41]);
  assert.equal(test_.images.reduce((a, v) => a + v, 0), 3_733_375_634);
  const train = await loadDataset('cifar-10', { ...opts, split: 'train' });
  assert.equal(train.count, 50000);
  assert.deepEqual(classCounts(train), Array(10).fill(5000));
  const stats = imageStats(train);
  // per-channel mean and std from NumPy (float64) over the 50,000 training images
  const npMean = [125.306918046875, 122.950394140625, 113.86538318359375];
  const npStd = [62.99321927813685, 62.088707640014405, 66.70489964063101];
  stats.channelMean.forEach((m, c) => assert.ok(Math.abs(m - npMean[c]) < 1e-9, `mean ${c}: ${m}`));
  stats.channelStd.forEach((s, c) => assert.ok(Math.abs(s - npStd[c]) < 1e-6, `std ${c}: ${s}`));
});

test('the CIFAR-10 archive is accepted from a mirror and extracted into the cache, never into the mirror', async () => {
  const spec = datasetSpec('cifar-10');
  const mirror = tmp();
  // an archive with the real test batch and meta file (the registry checks each member)
  const member = (f: string) => fs.readFileSync(path.join(MIRROR, 'cifar-10', 'cifar-10-batches-bin', f));
  const tar = tarOf({ 'cifar-10-batches-bin/test_batch.bin': member('test_batch.bin'), 'cifar-10-batches-bin/batches.meta.txt': member('batches.meta.txt') });
  fs.writeFileSync(path.join(mirror, 'cifar-10-binary.tar.gz'), zlib.gzipSync(tar, { level: 1 }));
  // the fake archive has other checksums than the official one: give the registry its own
  const sums = await hashFile(path.join(mirror, 'cifar-10-binary.tar.gz'));
  const saved = spec.files['cifar-10-binary.tar.gz'];
  spec.files['cifar-10-binary.tar.gz'] = { ...saved, ...sums };
  const cache = tmp();
  try {
    const ds = await loadDataset('cifar-10', { split: 'test', mirror, dataDir: cache, ...offline });
    assert.equal(ds.count, 10000);
    assert.ok(fs.existsSync(path.join(cache, 'cifar-10', 'cifar-10-batches-bin', 'test_batch.bin')));
    assert.deepEqual(fs.readdirSync(mirror), ['cifar-10-binary.tar.gz']);
  } finally {
    spec.files['cifar-10-binary.tar.gz'] = saved;
  }
});

test('a mirror file that does not match the registry is an error naming both checksums', async () => {
  const mirror = tmp();
  const bytes = fs.readFileSync(path.join(MIRROR, 'mnist', 't10k-labels-idx1-ubyte.gz'));
  bytes[100] ^= 0xff;
  fs.writeFileSync(path.join(mirror, 't10k-labels-idx1-ubyte.gz'), bytes);
  await assert.rejects(findFile(datasetSpec('mnist'), 't10k-labels-idx1-ubyte.gz', { mirror, dataDir: tmp(), ...offline }),
    new RegExp(`^Error: the mirror file ${mirror}/t10k-labels-idx1-ubyte\\.gz does not match the registry \\(expected md5 ec29112dd5afa0611ce80d1b7f02629c, got [0-9a-f]{32}\\)`));
});

test('a corrupt cached file is named, removed and fetched again in the same call; with no other copy, the tried list names the corruption', async () => {
  const cache = tmp();
  const file = path.join(cache, 'mnist', 't10k-labels-idx1-ubyte.gz');
  const corrupt = () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const bytes = fs.readFileSync(path.join(MIRROR, 'mnist', 't10k-labels-idx1-ubyte.gz'));
    bytes[100] ^= 0xff; bytes[200] ^= 0x01; // two flipped bytes
    fs.writeFileSync(file, bytes);
  };
  corrupt();
  const repairs: string[] = [];
  const r = await findFile(datasetSpec('mnist'), 't10k-labels-idx1-ubyte.gz',
    { dataDir: cache, mirror: MIRROR, ...offline, onRepair: (f, why) => repairs.push(`${f}: ${why}`) });
  assert.equal(r.found?.source, 'mirror');
  assert.match(r.tried[0], /^cache .*t10k-labels-idx1-ubyte\.gz: corrupt \(checksum mismatch: expected md5 ec29112dd5afa0611ce80d1b7f02629c, got [0-9a-f]{32}\), removed$/);
  assert.equal(repairs.length, 1);
  assert.match(repairs[0], /^t10k-labels-idx1-ubyte\.gz: the cached copy .* was corrupt \(checksum mismatch: .*\); removed it and fetched it again$/);
  corrupt();
  const none = await findFile(datasetSpec('mnist'), 't10k-labels-idx1-ubyte.gz', { dataDir: cache, mirror: '', ...offline });
  assert.equal(none.found, null);
  assert.match(none.tried[0], /corrupt \(checksum mismatch/);
  assert.equal(fs.existsSync(file), false);
});

test('nnlab data fetch names a corrupt cached file and repairs it in the same call (exit 0)', () => {
  const cache = tmp();
  const file = path.join(cache, 'mnist', 't10k-labels-idx1-ubyte.gz');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const bytes = fs.readFileSync(path.join(MIRROR, 'mnist', 't10k-labels-idx1-ubyte.gz'));
  bytes[10] ^= 0xff; bytes[20] ^= 0xff;
  fs.writeFileSync(file, bytes);
  const bin = path.join(__dirname, '..', '..', 'bin', 'nnlab.js');
  const r = spawnSync(process.execPath, [bin, 'data', 'fetch', 'mnist'], {
    encoding: 'utf8', timeout: 120_000, env: { ...process.env, NNLAB_DATA_DIR: cache, NNLAB_DATA_MIRROR: MIRROR, NNLAB_DATA_OFFLINE: '1' },
  });
  assert.match(r.stdout, /t10k-labels-idx1-ubyte\.gz: the cached copy .* was corrupt \(checksum mismatch: expected md5 ec29112dd5afa0611ce80d1b7f02629c/);
  assert.match(r.stdout, /t10k-labels-idx1-ubyte\.gz +4542 +verified +mirror/);
});

test('a cache path that runs through a file says so (ENOTDIR), not just "missing"', async () => {
  const root = tmp();
  fs.writeFileSync(path.join(root, 'cache'), 'not a folder');
  const r = await findFile(datasetSpec('mnist'), 't10k-labels-idx1-ubyte.gz', { dataDir: path.join(root, 'cache'), mirror: '', ...offline });
  assert.equal(r.found, null);
  assert.match(r.tried[0], /cache .*: .*\/cache is a file, not a folder \(ENOTDIR\): set NNLAB_DATA_DIR to a folder$/);
  assert.equal(cacheProblem(path.join(tmp(), 'mnist', 'x.gz')), null);
});

test('temporary download files of processes that no longer run are removed; a live process\'s are kept', () => {
  const dir = tmp();
  const dest = path.join(dir, 't10k-labels-idx1-ubyte.gz');
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  const stale = `${dest}.download-${dead}-1700000000000`;
  const live = `${dest}.download-${process.pid}-1700000000001`;
  fs.writeFileSync(stale, 'half');
  fs.writeFileSync(live, 'half');
  fs.writeFileSync(path.join(dir, 'other.download-1-2'), 'not ours');
  assert.deepEqual(removeStaleDownloads(dest), [stale]);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['other.download-1-2', path.basename(live)].sort());
});

/** A local HTTP server that serves `body` for every path, or misbehaves. */
async function server(mode: 'ok' | 'corrupt' | 'drop', body: Buffer): Promise<{ url: string; close: () => Promise<void>; hits: string[] }> {
  const hits: string[] = [];
  const srv = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    if (!req.url?.startsWith('/mnist/')) { res.writeHead(404); res.end(); return; }
    if (mode === 'drop') {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, body.length >> 1), () => req.socket.destroy());
      return;
    }
    const out = Buffer.from(body);
    if (mode === 'corrupt') out[10] ^= 0xff;
    res.writeHead(200, { 'content-length': out.length });
    res.end(out);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, hits, close: () => new Promise((r) => srv.close(() => r())) };
}

const LABELS = () => fs.readFileSync(path.join(MIRROR, 'mnist', 't10k-labels-idx1-ubyte.gz'));

test('a URL mirror on 127.0.0.1 is downloaded into the cache, verified, and reused without a request', async () => {
  const s = await server('ok', LABELS());
  const cache = tmp();
  try {
    const r = await findFile(datasetSpec('mnist'), 't10k-labels-idx1-ubyte.gz', { mirror: s.url, dataDir: cache, ...offline });
    assert.equal(r.found?.source, 'download');
    assert.deepEqual(fs.readFileSync(r.found!.path), LABELS());
    const again = await findFile(datasetSpec('mnist'), 't10k-labels-idx1-ubyte.gz', { mirror: s.url, dataDir: cache, ...offline });
    assert.equal(again.found?.source, 'cache');
    assert.deepEqual(s.hits, ['/mnist/t10k-labels-idx1-ubyte.gz']);
  } finally { await s.close(); }
});

for (const mode of ['corrupt', 'drop'] as const) {
  test(`a ${mode === 'drop' ? 'dropped connection' : 'corrupted download'} leaves no file in the cache`, async () => {
    const s = await server(mode, LABELS());
    const cache = tmp();
    try {
      const r = await findFile(datasetSpec('mnist'), 't10k-labels-idx1-ubyte.gz', { mirror: s.url, dataDir: cache, ...offline, timeoutMs: 5000 });
      assert.equal(r.found, null);
      const why = r.tried.find((t) => t.startsWith(`${s.url}mnist/`))!;
      assert.match(why, mode === 'drop' ? /(connection closed after 2271 of 4542 bytes|aborted|expected 4542 bytes, got 2271)/ : /expected md5 ec29112dd5afa0611ce80d1b7f02629c, got/);
      const left = fs.existsSync(path.join(cache, 'mnist')) ? fs.readdirSync(path.join(cache, 'mnist')) : [];
      assert.deepEqual(left, [], `files left in the cache: ${left.join(', ')}`);
    } finally { await s.close(); }
  });
}

test('datasetInfo reports files, checksum status and counts per class without any request', async () => {
  const info = await datasetInfo('fashion-mnist', { mirror: MIRROR, dataDir: tmp() });
  assert.deepEqual(info.files.map((f) => [f.file, f.status]), [
    ['train-images-idx3-ubyte.gz', 'partial'], ['train-labels-idx1-ubyte.gz', 'verified'],
    ['t10k-images-idx3-ubyte.gz', 'partial'], ['t10k-labels-idx1-ubyte.gz', 'verified'],
  ]);
  assert.deepEqual(info.splits.map((s) => [s.split, s.loaded]), [['train', 8226], ['test', 4443]]);
  assert.equal(info.splits[1].perClass!.reduce((a, b) => a + b, 0), 4443);
});

test('subsets: take, perClass, onlyClasses (relabelled) and a seeded trainValSplit', async () => {
  const ds = await loadDataset('mnist', { split: 'test', mirror: MIRROR, dataDir: tmp(), ...offline });
  assert.equal(take(ds, 100).count, 100);
  const pc = perClass(ds, 7, 1);
  assert.deepEqual(classCounts(pc), Array(10).fill(7));
  assert.deepEqual(perClass(ds, 7, 1).labels, pc.labels);
  const three = onlyClasses(ds, [3, 8]);
  assert.deepEqual([three.count, three.classNames, classCounts(three)], [1010 + 974, ['3', '8'], [1010, 974]]);
  const { train, val } = trainValSplit(ds, 0.2, 5);
  assert.deepEqual([train.count, val.count], [8000, 2000]);
  assert.deepEqual(trainValSplit(ds, 0.2, 5).val.labels, val.labels);
  assert.notDeepEqual(trainValSplit(ds, 0.2, 6).val.labels, val.labels);
  assert.throws(() => perClass(ds, 2000, 1), { message: 'n must be an integer in [1, 892], got 2000' });
  assert.throws(() => onlyClasses(ds, [3, 3]), /classes must be a non-empty list of distinct class numbers/);
});

test('toTensors normalises as asked: unit in [0, 1], channel-standard to mean 0 and std 1 per channel, no leaks', async () => {
  await tf.setBackend('cpu');
  const ds = randomImages({ count: 200, seed: 3 });
  const stats = imageStats(ds);
  const before = tf.memory().numTensors;
  const unit = toTensors(ds, { size: 50 });
  const [lo, hi] = tf.tidy(() => [unit.x.min().dataSync()[0], unit.x.max().dataSync()[0]]);
  assert.ok(lo >= 0 && hi <= 1);
  assert.deepEqual(unit.x.shape, [50, 32, 32, 3]);
  const std = toTensors(ds, { normalize: 'channel-standard', stats, oneHot: true });
  const [means, sds] = tf.tidy(() => {
    const m = tf.moments(std.x, [0, 1, 2]);
    return [m.mean.dataSync(), m.variance.sqrt().dataSync()];
  });
  for (let c = 0; c < 3; c++) {
    assert.ok(Math.abs(means[c]) < 1e-4, `channel ${c} mean ${means[c]}`);
    assert.ok(Math.abs(sds[c] - 1) < 1e-4, `channel ${c} std ${sds[c]}`);
  }
  assert.deepEqual(std.y.shape, [200, 10]);
  tf.dispose([unit.x, unit.y, std.x, std.y]);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => toTensors(ds, { normalize: 'mean-image' }), /stats must be the training set's imageStats\(train\)/);
  assert.deepEqual(batchIndices(5, 2, null), [[0, 1], [2, 3], [4]]);
});

test('spiral follows the cs231n formula: radius i/(N-1), arms of equal size, seeded', () => {
  const s = spiral({ pointsPerClass: 50, classes: 3, noise: 0, seed: 1 });
  assert.equal(s.n, 150);
  for (let i = 0; i < 50; i++) {
    const r = Math.hypot(s.X[2 * i], s.X[2 * i + 1]);
    assert.ok(Math.abs(r - i / 49) < 1e-6);
  }
  assert.deepEqual(spiral({ seed: 9 }).X, spiral({ seed: 9 }).X);
});

test('correlatedCloud has the asked correlation within 4 standard errors', () => {
  const n = 20000;
  const c = correlatedCloud({ n, rho: 0.8, mean: [3, -2], std: [2, 0.5], seed: 4 });
  let sx = 0, sy = 0;
  for (let i = 0; i < n; i++) { sx += c.X[2 * i]; sy += c.X[2 * i + 1]; }
  const mx = sx / n, my = sy / n;
  let cxx = 0, cyy = 0, cxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = c.X[2 * i] - mx, dy = c.X[2 * i + 1] - my;
    cxx += dx * dx; cyy += dy * dy; cxy += dx * dy;
  }
  const rho = cxy / Math.sqrt(cxx * cyy);
  // SE of a sample correlation: (1 - rho^2) / sqrt(n)
  assert.ok(Math.abs(rho - 0.8) < 4 * (1 - 0.64) / Math.sqrt(n), `rho ${rho}`);
  assert.ok(Math.abs(mx - 3) < 4 * 2 / Math.sqrt(n) && Math.abs(my + 2) < 4 * 0.5 / Math.sqrt(n));
});

test('encodePng writes a valid PNG that inflates back to the pixels', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  const pixels = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
  const png = encodePng(pixels, 2, 2, 3);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.readUInt32BE(16), 2);
  const idatLen = png.readUInt32BE(33);
  assert.equal(png.subarray(37, 41).toString(), 'IDAT');
  const raw = zlib.inflateSync(png.subarray(41, 41 + idatLen));
  assert.deepEqual([...raw], [0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 10, 20, 30]);
  assert.throws(() => encodePng(pixels, 3, 2, 3), { message: 'pixels.length must be width * height * channels = 18, got 12' });
});

test('showImages outside a kernel prints the labels it would show and returns nothing', () => {
  const ds = randomImages({ count: 10, classes: 3, seed: 2 });
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => { lines.push(s); };
  let returned: unknown = 'not called';
  try { returned = showImages(ds, { indices: [0, 1] }); } finally { console.log = log; }
  assert.equal(returned, undefined, 'a display function returns nothing (a cell ending with it echoes no stray array)');
  assert.equal(lines[0], `[images] random-images train: 2 of 10 images; labels ${ds.classNames[ds.labels[0]]}, ${ds.classNames[ds.labels[1]]}`);
});
