/**
 * src/jupyter/kernelSends.ts: one ZeroMQ send at a time per socket, on a stand-in socket class
 * that fails like zeromq.js 6 does (EBUSY while a send is in progress). The real kernel path is
 * tested in notebooks.test.ts (a cell with 3,000 display updates).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTslabKernelProcess, queueKernelSends } from '../src/jupyter/kernelSends';

/** A socket like zeromq.js 6's: `send` resolves later, and a second send meanwhile throws EBUSY. */
function fakeSocketClass(log: string[], failOn?: string) {
  class FakeSocket {
    busy = false;
    send(message: unknown): Promise<void> {
      if (this.busy) throw Object.assign(new Error('Socket is busy writing; only one send operation may be in progress at any time'), { code: 'EBUSY' });
      this.busy = true;
      return new Promise((resolve, reject) => setTimeout(() => {
        this.busy = false;
        log.push(String(message));
        if (message === failOn) reject(new Error(`send of ${failOn} failed`));
        else resolve();
      }, 2));
    }
  }
  return FakeSocket;
}

test('without the queue, a second send while one is in progress throws EBUSY (the failure tslab meets)', () => {
  const Socket = fakeSocketClass([]);
  const s = new Socket();
  void s.send('a');
  assert.throws(() => s.send('b'), /Socket is busy writing/);
});

test('queueKernelSends(socketClass) makes sends wait for the previous one, in call order, per socket', async () => {
  const log: string[] = [];
  const Socket = fakeSocketClass(log);
  assert.equal(queueKernelSends(Socket), true);
  assert.equal(queueKernelSends(Socket), true, 'a second call changes nothing');
  const a = Object.seal(new Socket());
  const b = Object.seal(new Socket());
  const sends = ['1', '2', '3', '4', '5'].flatMap((m) => [a.send(`a${m}`), b.send(`b${m}`)]);
  await Promise.all(sends);
  assert.deepEqual(log.filter((m) => m.startsWith('a')), ['a1', 'a2', 'a3', 'a4', 'a5']);
  assert.deepEqual(log.filter((m) => m.startsWith('b')), ['b1', 'b2', 'b3', 'b4', 'b5']);
});

test('a failed send rejects its own promise and does not block the sends after it', async () => {
  const log: string[] = [];
  const Socket = fakeSocketClass(log, 'x2');
  queueKernelSends(Socket);
  const s = Object.seal(new Socket()); // zeromq's sockets are sealed: no property can be added
  const results = await Promise.allSettled(['x1', 'x2', 'x3'].map((m) => s.send(m)));
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.deepEqual(log, ['x1', 'x2', 'x3']);
});

test('queueKernelSends() changes nothing outside a tslab kernel process; isTslabKernelProcess reads argv (tslab kernel or the nnlab launcher)', () => {
  assert.equal(queueKernelSends(), false, 'node --test is not a kernel');
  assert.equal(isTslabKernelProcess(['/usr/bin/node', '/work/node_modules/.bin/tslab', 'kernel', '--config-path', 'x.json']), true);
  assert.equal(isTslabKernelProcess(['/usr/bin/node', '/usr/lib/node_modules/tslab/bin/tslab', 'kernel']), true);
  assert.equal(isTslabKernelProcess(['/usr/bin/node', '/work/node_modules/.bin/tslab', 'install']), false);
  assert.equal(isTslabKernelProcess(['/usr/bin/node', '/work/kernel-lib/bin/nnlab.js', 'kernel']), false);
  assert.equal(isTslabKernelProcess(['/usr/bin/node', '/work/kernel-lib/bin/nnlab-kernel.js', '--config-path', 'x.json']), true);
  assert.equal(isTslabKernelProcess(['/usr/bin/node', '/work/kernel-lib/bin/nnlab-kernel.js']), false);
});
