import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableCores, cgroupCpuQuota } from '../src/core/cores';
import { ArgumentError } from '../src/core/errors';

/** A /proc and /sys of a process in a cgroup, as files. */
const files = (map: Record<string, string>) => (f: string) => {
  if (f in map) return map[f];
  throw new Error(`ENOENT ${f}`);
};

test('cgroupCpuQuota reads cgroup v2 cpu.max and v1 cfs_quota_us / cfs_period_us; no quota is null', () => {
  assert.equal(cgroupCpuQuota(files({ '/proc/self/cgroup': '0::/nnlab-hub/ada\n', '/sys/fs/cgroup/nnlab-hub/ada/cpu.max': '150000 100000\n' })), 1.5);
  assert.equal(cgroupCpuQuota(files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': 'max 100000\n' })), null);
  assert.equal(cgroupCpuQuota(files({
    '/proc/self/cgroup': '5:memory:/nnlab-hub/ada\n4:cpu,cpuacct:/nnlab-hub/ada\n0::/\n',
    '/sys/fs/cgroup/cpu/nnlab-hub/ada/cpu.cfs_quota_us': '100000\n', '/sys/fs/cgroup/cpu/nnlab-hub/ada/cpu.cfs_period_us': '100000\n',
  })), 1);
  assert.equal(cgroupCpuQuota(files({
    '/proc/self/cgroup': '4:cpu,cpuacct:/\n', '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
  })), null);
  assert.equal(cgroupCpuQuota(files({})), null);
});

test('availableCores: NNLAB_CORES, else the quota rounded up, capped by the cores offered; a bad NNLAB_CORES names itself', () => {
  const v2 = (quota: string) => files({ '/proc/self/cgroup': '0::/u\n', '/sys/fs/cgroup/u/cpu.max': quota });
  assert.equal(availableCores({ env: {}, readFile: v2('100000 100000'), parallelism: 64 }), 1);
  assert.equal(availableCores({ env: {}, readFile: v2('150000 100000'), parallelism: 64 }), 2);
  assert.equal(availableCores({ env: {}, readFile: v2('50000 100000'), parallelism: 64 }), 1);
  assert.equal(availableCores({ env: {}, readFile: v2('800000 100000'), parallelism: 2 }), 2);
  assert.equal(availableCores({ env: {}, readFile: v2('max 100000'), parallelism: 16 }), 16);
  assert.equal(availableCores({ env: { NNLAB_CORES: '3' }, readFile: v2('100000 100000'), parallelism: 16 }), 3);
  assert.equal(availableCores({ env: { NNLAB_CORES: '32' }, parallelism: 16 }), 16);
  for (const bad of ['0', '1.5', 'many', '-2']) {
    assert.throws(() => availableCores({ env: { NNLAB_CORES: bad }, parallelism: 4 }),
      (e: unknown) => e instanceof ArgumentError && e.argument === 'NNLAB_CORES' && e.message.includes(`"${bad}"`) && /whole number of cores in \[1, 1024\]/.test(e.message));
  }
});
