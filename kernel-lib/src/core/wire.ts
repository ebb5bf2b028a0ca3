/**
 * The values that cross between `nnlab grade`'s judge (the trusted process that decides a score)
 * and a submission's kernel (where the student's function runs): the arguments of a case and what
 * the student's function returned. Only data crosses: numbers (NaN and infinities included),
 * strings, booleans, null, undefined, arrays, plain objects, typed arrays, tensors (their values),
 * Layers models (topology, weights and which layers train) and two kinds of function the cases pass
 * on purpose: a function the exercise names in its `wireFunctions` (sent by name, looked up on the
 * other side) and a {@link tapeRandom} (sent as the numbers it will return). Anything else (a class
 * instance, a closure, a symbol) is an error naming where it was, and the sizes are bounded.
 *
 * A message is one frame: 4 bytes of header length, 4 bytes of body length, the header (JSON: the
 * value's tree, tensors and typed arrays pointing into the body) and the body (their bytes).
 *
 * @example
 * const x = nn.tf.tensor2d([[1, 2], [3, 4]]);
 * const frame = nn.wire.encodeFrame({ args: [x, { p: 0.5 }] });
 * const back = nn.wire.decodeFrame(frame) as { args: [nn.tf.Tensor, { p: number }] };
 * back.args[0].arraySync()   // [[1, 2], [3, 4]]: a new tensor with the same values
 */
import * as tf from '@tensorflow/tfjs';
import { describe } from './errors';

/** Limits of one encoded value: nesting, nodes, and bytes of tensors and typed arrays together. */
export interface WireLimits { depth: number; nodes: number; bytes: number }
export const WIRE_LIMITS: WireLimits = { depth: 16, nodes: 1_000_000, bytes: 512 * 2 ** 20 };

/** An error in a value that cannot cross (the message names where in the value, and why). */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

/** Functions the sender may pass by name: the same table must exist on the receiving side. */
export type WireFunctions = Readonly<Record<string, (...args: never[]) => unknown>>;

const TAPE: unique symbol = Symbol.for('nnlab.wire.tape');

interface Tape { peek(n: number): number[]; consume(k: number): void }

/**
 * A random source that can cross: called here it returns `source()`'s numbers one by one (each
 * also passed to `onDraw`); sent to the kernel it becomes a function returning the next `size`
 * numbers `source` would have given, and the numbers the remote function used are drawn here
 * afterwards (so `onDraw` sees exactly the numbers the student's code consumed).
 *
 * @example
 * const used: number[] = [];
 * let k = 0;
 * const random = nn.wire.tapeRandom(() => (k++ % 10) / 10, (u) => used.push(u));
 * random(); random();
 * used.length   // 2
 */
export function tapeRandom(source: () => number, onDraw: (u: number) => void = () => {}, size = 64): () => number {
  const ahead: number[] = [];
  const next = () => (ahead.length ? ahead.shift() as number : source());
  const random = () => { const u = next(); onDraw(u); return u; };
  const tape: Tape = {
    peek(n) { while (ahead.length < Math.min(n, size)) ahead.push(source()); return ahead.slice(0, Math.min(n, size)); },
    consume(k) { for (let i = 0; i < k; i++) random(); },
  };
  return Object.assign(random, { [TAPE]: tape });
}

/** Tapes met while encoding (in order): after the remote call, {@link settleTapes} draws what each used. */
export type Tapes = Tape[];

/**
 * Draws, on this side, the numbers the remote function used from each tape (`used[i]` for the i-th).
 *
 * @example
 * const used: number[] = [];
 * const frame = nn.wire.encodeFrame([nn.wire.tapeRandom(Math.random, (u) => used.push(u))]);
 * nn.wire.settleTapes(frame.tapes ?? [], [3]);   // the remote side used 3 numbers
 * used.length   // 3
 */
export function settleTapes(tapes: Tapes, used: readonly number[]): void {
  tapes.forEach((t, i) => t.consume(Math.max(0, Math.min(Number(used[i]) || 0, 1e6))));
}

type Node = null | boolean | string | number | Node[] | { $: string; [k: string]: unknown };

const TYPED = {
  Float32Array, Float64Array, Int32Array, Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Uint8ClampedArray,
} as const;
type TypedName = keyof typeof TYPED;

/** The state of one encoding: the body's chunks, tapes met, counts against the limits. */
class Encoder {
  chunks: Uint8Array[] = [];
  offset = 0;
  nodes = 0;
  tapes: Tapes = [];
  constructor(readonly functions: WireFunctions, readonly limits: WireLimits) {}

  blob(bytes: Uint8Array): [number, number] {
    const at = this.offset;
    // 8-byte alignment keeps every typed array readable in place
    const pad = (8 - (bytes.byteLength % 8)) % 8;
    this.chunks.push(bytes);
    if (pad) this.chunks.push(new Uint8Array(pad));
    this.offset += bytes.byteLength + pad;
    if (this.offset > this.limits.bytes) throw new WireError(`more than ${this.limits.bytes / 2 ** 20} MB of tensor data`);
    return [at, bytes.byteLength];
  }

  node(v: unknown, where: string, depth: number): Node {
    if (++this.nodes > this.limits.nodes) throw new WireError(`more than ${this.limits.nodes} values`);
    if (depth > this.limits.depth) throw new WireError(`${where} is nested more than ${this.limits.depth} levels deep`);
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (v === undefined) return { $: 'undefined' };
    if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0) ? v : { $: 'number', v: String(v) === '0' ? '-0' : String(v) };
    if (v instanceof tf.Tensor) {
      if (v.isDisposed) return { $: 'disposed-tensor', shape: [...v.shape] };
      if (v.dtype === 'string' || v.dtype === 'complex64') throw new WireError(`${where} is a ${v.dtype} tensor: only number tensors can be graded`);
      const data = v.dataSync() as Float32Array | Int32Array | Uint8Array;
      return { $: 'tensor', dtype: v.dtype, shape: [...v.shape], blob: this.blob(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) };
    }
    if (v instanceof tf.LayersModel) return this.model(v, where);
    if (ArrayBuffer.isView(v)) {
      const name = v.constructor.name as TypedName;
      if (!(name in TYPED)) throw new WireError(`${where} is a ${name}: not a typed array that can be graded`);
      return { $: 'typed', type: name, blob: this.blob(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
    }
    if (Array.isArray(v)) return v.map((x, i) => this.node(x, `${where}[${i}]`, depth + 1));
    if (typeof v === 'function') {
      const tape = (v as { [TAPE]?: Tape })[TAPE];
      if (tape) {
        this.tapes.push(tape);
        return { $: 'tape', values: tape.peek(Infinity) };
      }
      const name = Object.keys(this.functions).find((k) => this.functions[k] === v);
      if (name) return { $: 'function', name };
      throw new WireError(`${where} is a function: functions cannot be graded (return values instead)`);
    }
    if (typeof v === 'object') {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) throw new WireError(`${where} is ${typeof proto?.constructor?.name === 'string' && proto.constructor.name ? `a ${proto.constructor.name} object` : describe(v)}: only plain objects, arrays, numbers and tensors can be graded`);
      const out = Object.create(null) as Record<string, Node>;   // a key named __proto__ is data
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = this.node(x, `${where}.${k}`, depth + 1);
      return { $: 'object', v: out };
    }
    throw new WireError(`${where} is a ${typeof v}: it cannot be graded`);
  }

  /** A Layers model: its topology (with each layer's `trainable`) and every weight's values, by the weight's name. */
  model(m: tf.LayersModel, where: string): Node {
    let topology: unknown;
    try {
      topology = m.toJSON(null, false);
    } catch (err) {
      throw new WireError(`${where}: the model cannot be serialized (${(err as Error).message.split('\n')[0]})`);
    }
    const weights = m.weights.map((w) => {
      const t = w.read();
      const data = t.dataSync() as Float32Array;
      return { name: w.originalName, dtype: t.dtype, shape: [...t.shape], blob: this.blob(new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength))) };
    });
    return { $: 'model', topology: topology as Node, weights, trainable: m.layers.map((l) => l.trainable) };
  }
}

/**
 * Encodes `value` as a frame (see the module's comment). `functions` are the functions that may be
 * passed by name; the tapes met are returned for {@link settleTapes}.
 *
 * @example
 * const frame = nn.wire.encodeFrame({ w: [1, 2, 3], lr: 0.1 });
 * frame.length   // header and body bytes, with the 8-byte prefix
 */
export function encodeFrame(value: unknown, functions: WireFunctions = {}, limits: WireLimits = WIRE_LIMITS): Buffer & { tapes?: Tapes } {
  const enc = new Encoder(functions, limits);
  const tree = enc.node(value, 'the value', 0);
  const header = Buffer.from(JSON.stringify(tree), 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32LE(header.length, 0);
  prefix.writeUInt32LE(enc.offset, 4);
  const frame = Buffer.concat([prefix, header, ...enc.chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength))]);
  return Object.assign(frame, { tapes: enc.tapes });
}

/**
 * Decodes one frame's value; tensors become new tensors of this process (the caller owns them).
 *
 * @example
 * const back = await nn.wire.decodeFrame(nn.wire.encodeFrame({ w: new Float64Array([1, 2]) })) as { w: Float64Array };
 * back.w[1]   // 2
 */
export async function decodeFrame(frame: Buffer, functions: WireFunctions = {}): Promise<unknown> {
  if (frame.length < 8) throw new WireError('a frame shorter than its 8-byte prefix');
  const headerLength = frame.readUInt32LE(0);
  const bodyLength = frame.readUInt32LE(4);
  if (frame.length !== 8 + headerLength + bodyLength) throw new WireError(`a frame of ${frame.length} bytes, its prefix says ${8 + headerLength + bodyLength}`);
  const tree = JSON.parse(frame.subarray(8, 8 + headerLength).toString('utf8')) as Node;
  // a copy, so typed arrays are aligned and own their memory
  const body = new Uint8Array(bodyLength);
  body.set(frame.subarray(8 + headerLength));
  // models are rebuilt first (tfjs builds them asynchronously), then the tree is decoded around them
  const models = new Map<object, tf.LayersModel>();
  const found: { [k: string]: unknown }[] = [];
  const walk = (x: unknown): void => {
    if (x === null || typeof x !== 'object') return;
    if (Array.isArray(x)) { x.forEach(walk); return; }
    const o = x as { $?: string; v?: unknown };
    if (o.$ === 'model') found.push(o as { [k: string]: unknown });
    else if (o.$ === 'object') Object.values(o.v as object).forEach(walk);
  };
  walk(tree);
  for (const m of found) models.set(m, await decodeModel(m, body));
  return decodeNode(tree, body, functions, models);
}

function bytes(body: Uint8Array, blob: unknown): Uint8Array {
  const [at, length] = Array.isArray(blob) ? blob as number[] : [NaN, NaN];
  if (!Number.isInteger(at) || !Number.isInteger(length) || at < 0 || length < 0 || at + length > body.byteLength) throw new WireError('a blob outside the frame');
  return body.subarray(at, at + length);
}

function typed(type: string, b: Uint8Array): ArrayBufferView {
  const T = TYPED[type as TypedName];
  if (!T) throw new WireError(`unknown typed array ${type}`);
  const size = T.BYTES_PER_ELEMENT;
  if (b.byteLength % size) throw new WireError(`${type} of ${b.byteLength} bytes`);
  return new T(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
}

function decodeNode(n: Node, body: Uint8Array, functions: WireFunctions, models: Map<object, tf.LayersModel>): unknown {
  if (n === null || typeof n !== 'object') return n;
  if (Array.isArray(n)) return n.map((x) => decodeNode(x, body, functions, models));
  switch (n.$) {
    case 'undefined': return undefined;
    case 'number': return n.v === '-0' ? -0 : Number(n.v);
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(n.v as Record<string, Node>)) {
        Object.defineProperty(out, k, { value: decodeNode(x, body, functions, models), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'typed': return typed(String(n.type), bytes(body, n.blob));
    case 'tensor': {
      const dtype = String(n.dtype) as 'float32' | 'int32' | 'bool';
      if (!['float32', 'int32', 'bool'].includes(dtype)) throw new WireError(`a tensor of dtype ${dtype}`);
      const data = typed(dtype === 'float32' ? 'Float32Array' : dtype === 'int32' ? 'Int32Array' : 'Uint8Array', bytes(body, n.blob));
      return tf.tensor(data as Float32Array, n.shape as number[], dtype);
    }
    case 'disposed-tensor': {
      // a tensor the sender had already disposed: the same here (reading it says so)
      const t = tf.zeros(n.shape as number[]);
      t.dispose();
      return t;
    }
    case 'function': {
      const f = functions[String(n.name)];
      if (!f) throw new WireError(`no function "${String(n.name)}" on this side`);
      return f;
    }
    case 'tape': {
      const values = (n.values as unknown[]).map(Number);
      let i = 0;
      const random = () => {
        if (i >= values.length) throw new Error(`random() was called more than ${values.length} times in one call`);
        return values[i++];
      };
      return Object.assign(random, { [USED]: () => i });
    }
    case 'model': return models.get(n);
    default: throw new WireError(`unknown value kind ${JSON.stringify(n.$)}`);
  }
}

const USED: unique symbol = Symbol.for('nnlab.wire.tapeUsed');

/**
 * How many numbers each decoded tape (in decoding order, found in `value`) has handed out.
 *
 * @example
 * const args = await nn.wire.decodeFrame(nn.wire.encodeFrame([nn.wire.tapeRandom(Math.random)])) as [() => number];
 * args[0](); args[0]();
 * nn.wire.tapeUse(args)   // [2]
 */
export function tapeUse(value: unknown, depth = 0): number[] {
  if (typeof value === 'function') {
    const used = (value as { [USED]?: () => number })[USED];
    return used ? [used()] : [];
  }
  if (depth > 16 || value === null || typeof value !== 'object' || value instanceof tf.Tensor || ArrayBuffer.isView(value)) return [];
  if (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) return [];
  return (Array.isArray(value) ? value : Object.values(value as Record<string, unknown>)).flatMap((v) => tapeUse(v, depth + 1));
}

async function decodeModel(n: { [k: string]: unknown }, body: Uint8Array): Promise<tf.LayersModel> {
  let model: tf.LayersModel;
  try {
    model = await tf.models.modelFromJSON({ modelTopology: n.topology as tf.io.ModelJSON['modelTopology'] });
  } catch (err) {
    throw new WireError(`the model cannot be rebuilt here: ${(err as Error).message.split('\n')[0]}`);
  }
  const weights = n.weights as { name: string; dtype: string; shape: number[]; blob: unknown }[];
  if (weights.length !== model.weights.length) throw new WireError(`the rebuilt model has ${model.weights.length} weights, ${weights.length} were sent`);
  model.weights.forEach((w, i) => {
    const sent = weights[i];
    if (sent.name !== w.originalName && sent.name !== w.name) throw new WireError(`weight ${i} of the rebuilt model is ${w.originalName}, ${sent.name} was sent`);
    const t = tf.tensor(typed('Float32Array', bytes(body, sent.blob)) as Float32Array, sent.shape, 'float32');
    w.write(t);
    t.dispose();
  });
  const trainable = n.trainable as boolean[];
  model.layers.forEach((l, i) => { if (typeof trainable[i] === 'boolean') l.trainable = trainable[i]; });
  return model;
}

/**
 * Cuts a byte stream into frames: `push` each chunk received, get back the frames it completed.
 * A frame longer than `maxBytes` is an error (the stream is then unusable).
 *
 * @example
 * const reader = new nn.wire.FrameReader();
 * const frame = nn.wire.encodeFrame({ type: 'hello' });
 * reader.push(frame.subarray(0, 5)).length   // 0: not complete yet
 * reader.push(frame.subarray(5)).length      // 1
 */
export class FrameReader {
  private pending: Buffer[] = [];
  private size = 0;
  constructor(readonly maxBytes = WIRE_LIMITS.bytes + 64 * 2 ** 20) {}

  push(chunk: Buffer): Buffer[] {
    this.pending.push(chunk);
    this.size += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.size < 8) break;
      let head = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
      this.pending = [head];
      const total = 8 + head.readUInt32LE(0) + head.readUInt32LE(4);
      if (total > this.maxBytes) throw new WireError(`a message of ${total} bytes, over the ${this.maxBytes} limit`);
      if (this.size < total) break;
      frames.push(head.subarray(0, total));
      head = head.subarray(total);
      this.pending = head.length ? [head] : [];
      this.size = head.length;
    }
    return frames;
  }
}

/** The socket side a {@link FrameChannel} needs (a net.Socket). */
export interface FrameSocket {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  write(data: Buffer, callback: (err?: Error | null) => void): unknown;
  destroy(): unknown;
}

/**
 * Frames over a connected socket, both ways: `next()` waits for the next whole frame (null once the
 * connection has ended, or after `seconds`), `send()` writes one; `closed` says why it ended, in
 * words (`peer` names the other side: "the kernel closed the connection").
 *
 * @example
 * const net = require('net');
 * const channel = new nn.wire.FrameChannel(net.connect('/tmp/box/run/j.sock'), 'the judge');
 * await channel.send(nn.wire.encodeFrame({ type: 'hello' }));
 * const reply = await channel.next(30);   // a frame, or null: channel.closed says why
 */
export class FrameChannel {
  private reader = new FrameReader();
  private queue: Buffer[] = [];
  private wake: (() => void) | null = null;
  closed: string | null = null;

  constructor(readonly socket: FrameSocket, peer: string) {
    socket.on('data', (chunk: Buffer) => {
      try {
        this.queue.push(...this.reader.push(chunk));
      } catch (err) {
        this.end(`a message that could not be read (${(err as Error).message})`);
      }
      this.wake?.();
    });
    socket.on('error', (err: Error) => this.end(`the connection failed (${err.message})`));
    socket.on('close', () => this.end(`${peer} closed the connection`));
  }

  /** Ends the connection, keeping the first reason given. */
  end(why: string): void {
    this.closed ??= why;
    this.socket.destroy();
    this.wake?.();
  }

  /** The next frame, or null when the connection has ended or `seconds` passed. */
  async next(seconds = Infinity): Promise<Buffer | null> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      if (this.queue.length) return this.queue.shift() as Buffer;
      if (this.closed || Date.now() >= deadline) return null;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        if (Number.isFinite(seconds)) setTimeout(resolve, Math.max(0, deadline - Date.now())).unref();
      });
      this.wake = null;
    }
  }

  /** Writes one frame; resolves once written (nothing is written after the connection ended). */
  send(frame: Buffer): Promise<void> {
    if (this.closed) return Promise.reject(new Error(this.closed));
    return new Promise((resolve, reject) => { this.socket.write(frame, (err) => (err ? reject(err) : resolve())); });
  }
}
