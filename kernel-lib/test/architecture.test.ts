/**
 * The layering of kernel-lib/src, enforced: the import rules of architecture.json hold for every
 * source file, a fixture that breaks them is caught (so the check can fail), and no module does
 * I/O when it is loaded.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArchitectureConfig, sourceFiles, violations } from './architecture';

const LIB = path.resolve(__dirname, '..', '..');
const SRC = path.join(LIB, 'src');
const CONFIG = JSON.parse(fs.readFileSync(path.join(LIB, 'architecture.json'), 'utf8')) as ArchitectureConfig;

test('every import in kernel-lib/src follows architecture.json', () => {
  assert.deepEqual(violations(SRC, CONFIG), []);
});

test('every folder of kernel-lib/src has a rule and a role', () => {
  const folders = new Set(sourceFiles(SRC).filter((f) => f.includes('/')).map((f) => f.split('/')[0]));
  for (const f of folders) assert.ok(CONFIG.folders[f]?.role, `src/${f}/ has no rule in architecture.json`);
});

test('violations(fixture) reports a lesson importing cli/, a lesson importing another lesson, and data/ importing show/', () => {
  const fixture = path.join(LIB, 'test', 'fixtures', 'architecture', 'src');
  assert.deepEqual(violations(fixture, CONFIG), [
    'data/load.ts imports show/bar.ts: data/ may import only core/',
    'lessons/alpha/index.ts imports cli/args.ts: lessons/ may import only core/, engine/, nets/, data/, show/',
    'lessons/alpha/index.ts imports lessons/beta/index.ts: a lesson never imports another lesson (move what both need to nets/ or core/)',
  ]);
});

test('loading any library module (entry scripts aside) touches no file, process or network', () => {
  const built = path.resolve(__dirname, '..', 'src');
  const modules = sourceFiles(SRC).filter((f) => !CONFIG.importTime.entryScripts.includes(f)).map((f) => path.join(built, f.replace(/\.ts$/, '.js')));
  // A child process replaces the fs, child_process and network entry points with recorders (calls
  // made by Node's module loader itself are not counted), then loads every module.
  const script = `
    const fs = require('fs'), cp = require('child_process'), http = require('http'), https = require('https');
    const calls = [];
    const watch = (obj, name, names) => { for (const k of names) { const f = obj[k]; if (typeof f !== 'function') continue;
      obj[k] = function (...a) { if (!String(new Error().stack).split('\\n')[2].includes('node:internal/')) calls.push(name + '.' + k + '(' + String(a[0]).slice(0, 80) + ')'); return f.apply(this, a); }; } };
    watch(fs, 'fs', Object.keys(fs).filter((k) => /Sync$/.test(k) || ['readFile', 'writeFile', 'readdir', 'stat', 'mkdir', 'open', 'createReadStream', 'createWriteStream'].includes(k)));
    watch(fs.promises, 'fs.promises', Object.keys(fs.promises));
    watch(cp, 'child_process', ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']);
    watch(http, 'http', ['request', 'get']); watch(https, 'https', ['request', 'get']);
    watch(globalThis, 'global', ['fetch']);
    for (const m of JSON.parse(process.argv[1])) {
      const before = calls.length;
      require(m);
      for (const c of calls.slice(before)) console.log(require('path').relative(${JSON.stringify(built)}, m) + ': ' + c);
    }`;
  const r = spawnSync(process.execPath, ['-e', script, JSON.stringify(modules)], { encoding: 'utf8', timeout: 120_000, cwd: LIB });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '', `modules that do I/O when loaded:\n${r.stdout}`);
});
