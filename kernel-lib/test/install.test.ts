/** The installed tree: one TensorFlow.js, no native backend by default, pinned versions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '../src/core/paths';
import { VERSION } from '../src/core/version';

function findPackages(dir: string, name: string, found: string[] = []): string[] {
  let entries: fs.Dirent[];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return found; }
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const full = path.join(dir, e.name);
    if (e.name.startsWith('@')) { findPackages(full, name, found); continue; }
    const pj = path.join(full, 'package.json');
    if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, 'utf8')).name === name) found.push(full);
    findPackages(path.join(full, 'node_modules'), name, found);
  }
  return found;
}

const rootPkg = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8'));
const libPkg = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'kernel-lib', 'package.json'), 'utf8'));

test('exactly one copy of @tensorflow/tfjs-core is installed (danfojs-node shares it)', () => {
  const copies = findPackages(path.join(repoRoot(), 'node_modules'), '@tensorflow/tfjs-core');
  assert.equal(copies.length, 1, `copies: ${copies.join(', ')}`);
  const danfoTf = require.resolve('@tensorflow/tfjs-core', { paths: [path.dirname(require.resolve('danfojs-node/package.json'))] });
  assert.equal(fs.realpathSync(danfoTf), fs.realpathSync(require.resolve('@tensorflow/tfjs-core')));
});

test('the native backends are not in the default install and not required dependencies', () => {
  for (const name of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']) {
    assert.equal(findPackages(path.join(repoRoot(), 'node_modules'), name).length, 0, `${name} is installed`);
    assert.equal(libPkg.dependencies[name], undefined);
    assert.equal(rootPkg.dependencies?.[name], undefined);
    assert.equal(libPkg.peerDependenciesMeta[name].optional, true);
  }
});

test('every dependency is pinned to an exact version and the lockfile is committed', () => {
  for (const pkg of [rootPkg, libPkg]) {
    for (const group of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
      for (const [name, range] of Object.entries<string>(pkg[group] ?? {})) {
        assert.match(range, /^\d+\.\d+\.\d+$/, `${pkg.name} ${group}.${name} = ${range} is not exact`);
      }
    }
  }
  assert.ok(fs.existsSync(path.join(repoRoot(), 'package-lock.json')));
  const lock = fs.readFileSync(path.join(repoRoot(), 'package-lock.json'), 'utf8');
  assert.ok(!/"resolved": "https:\/\/cdn\./.test(lock), 'a package resolves to a CDN tarball: npm ci would fail offline');
});

test('WebGPU packages are optional dependencies and the tfjs packages share one version', () => {
  assert.deepEqual(Object.keys(libPkg.optionalDependencies).sort(), ['@tensorflow/tfjs-backend-webgpu', 'webgpu']);
  const tfjs = libPkg.dependencies['@tensorflow/tfjs'];
  for (const name of ['@tensorflow/tfjs-backend-wasm']) assert.equal(libPkg.dependencies[name], tfjs);
  assert.equal(libPkg.optionalDependencies['@tensorflow/tfjs-backend-webgpu'], tfjs);
  assert.equal(libPkg.peerDependencies['@tensorflow/tfjs-node'], tfjs);
  assert.equal(libPkg.version, VERSION);
});
