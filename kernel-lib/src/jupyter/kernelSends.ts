/**
 * One message at a time on the tslab kernel's ZeroMQ sockets. Without this, a cell that updates a
 * display often (a progress bar, a live chart) can fail or hang the kernel: tslab 1.0.22 sends
 * every message with `socket.send(...)` and does not wait for it, but zeromq.js 6 allows only one
 * send in progress per socket. A send that cannot be queued at once (ZeroMQ's I/O thread has not
 * caught up: a busy CPU, another thread computing) leaves the socket busy, and the next send throws
 * "Socket is busy writing; only one send operation may be in progress at any time" (EBUSY).
 * Thrown from a display update, it ends the training loop; thrown from tslab's own error report
 * or its "idle" status message, Jupyter never hears that the cell finished and waits forever.
 * Measured here: a cell with 20,000 quick `display` calls hung the kernel every time; lesson 04's
 * learning-rate sweep with its progress bar hung or failed about one run in two with 2 wasm threads.
 *
 * {@link queueKernelSends} wraps `send` of zeromq's Socket class, the one tslab's sockets use:
 * each send starts when the socket's previous send has finished, in call order, and a failed send
 * does not block the ones after it. The IOPub publisher also gets an unlimited queue (ZeroMQ's
 * default high-water mark, 1,000 messages, silently dropped outputs, the cell's last lines among
 * them, once sends waited instead of failing). Nothing changes outside a tslab kernel process.
 *
 * @example
 * queueKernelSends(); // called when nnlab loads; true inside a tslab kernel
 */
import * as path from 'path';

/** Marks the wrapped `send`, so that any copy of nnlab in the process wraps it once. */
const QUEUED = Symbol.for('nnlab.zmq.sendQueue');
/** Per socket (zeromq's sockets are sealed: no property can be added): its last queued send. */
const tails: WeakMap<object, Promise<unknown>> = ((globalThis as Record<symbol, unknown>)[Symbol.for('nnlab.zmq.sendTails')] ??=
  new WeakMap<object, Promise<unknown>>()) as WeakMap<object, Promise<unknown>>;

type Send = (this: object, message: unknown) => Promise<void>;
interface SocketPrototype { send: Send & { [QUEUED]?: true } }

/**
 * True in a process that runs tslab's Jupyter kernel: `tslab kernel --config-path ...`, or the
 * nnlab kernels' launcher `nnlab-kernel.js --config-path ...` (kernel-lib/bin, see kernelspec.ts).
 */
export function isTslabKernelProcess(argv: readonly string[] = process.argv): boolean {
  const script = path.basename(argv[1] ?? '');
  if (script === 'nnlab-kernel.js') return argv[2] === '--config-path';
  return argv.length >= 3 && /tslab(\.js)?$/.test(script) && argv[2] === 'kernel';
}

/**
 * Serializes the sends of zeromq's sockets in this process (module comment). Returns true when
 * the wrapper is in place (now or before), false outside a tslab kernel or when zeromq cannot be
 * found beside tslab. `socketClass` is for tests: a class whose prototype has `send`.
 */
export function queueKernelSends(socketClass?: { prototype: object }): boolean {
  const target = socketClass ?? (isTslabKernelProcess() ? tslabZeromqSocket() : null);
  if (!target) return false;
  const proto = target.prototype as SocketPrototype;
  if (typeof proto.send !== 'function') return false;
  if (proto.send[QUEUED]) return true;
  const send = proto.send;
  const queued: Send = function (this: object, message: unknown): Promise<void> {
    if (!tails.has(this)) unlimitedPublisherQueue(this);
    const previous = tails.get(this) ?? Promise.resolve();
    const result = previous.then(() => send.call(this, message));
    tails.set(this, result.catch(() => undefined)); // also marks a failed send as handled
    return result;
  };
  try {
    // zeromq's native `send` is read-only but configurable: redefine it rather than assign
    Object.defineProperty(proto, 'send', { value: Object.assign(queued, { [QUEUED]: true as const }), writable: false, enumerable: false, configurable: true });
  } catch {
    return false;
  }
  return true;
}

/**
 * A publisher (tslab's IOPub) queues as many messages as it is given: ZeroMQ's default high-water
 * mark of 1,000 messages drops the rest when the client reads more slowly than a cell displays.
 * libzmq applies a new mark to connections that already exist.
 */
function unlimitedPublisherQueue(socket: object): void {
  const s = socket as { constructor?: { name?: string }; sendHighWaterMark?: number };
  if (s.constructor?.name !== 'Publisher') return;
  try {
    s.sendHighWaterMark = 0;
  } catch {
    // a socket type without the option: nothing to change
  }
}

/** zeromq's Socket class as tslab loads it (the module beside tslab's own package). */
function tslabZeromqSocket(): { prototype: object } | null {
  try {
    const tslabDir = path.dirname(require.resolve('tslab/package.json'));
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const zmq = require(require.resolve('zeromq', { paths: [tslabDir] })) as { Socket?: { prototype: object } };
    return zmq.Socket ?? null;
  } catch {
    return null;
  }
}
