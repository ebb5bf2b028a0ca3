/**
 * nnlab's own small wasm kernels (./tanh.wat, ./adam.wat) run on the wasm backend's heap: each is
 * a hand-written module that imports the backend's memory, so it reads and writes tensors where
 * they are, with no copy. This file finds that memory and instantiates a module on it, once per
 * heap: the one-thread build's heap is a plain memory, the threaded build's a shared one, and each
 * module is compiled twice (scripts/build-wat.sh) because a memory import must say which.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** The emscripten glue's fields that may hold the heap's memory object (4.22: `asm.memory` one thread, `wasmMemory` threaded). */
interface Glue { wasmMemory?: unknown; asm?: { memory?: unknown }; HEAPU8?: Uint8Array }

/** The WebAssembly.Memory behind the backend's heap, or undefined when the glue does not show it. */
export function heapMemory(backend: BackendWasm): WebAssembly.Memory | undefined {
  const glue = backend.wasm as unknown as Glue;
  const buffer = glue.HEAPU8?.buffer;
  for (const m of [glue.wasmMemory, glue.asm?.memory]) {
    if (m instanceof WebAssembly.Memory && m.buffer === buffer) return m;
  }
  return undefined;
}

/**
 * A loader of one module: `load(memory)` gives the module's exports instantiated on `memory`
 * (cached per memory), or null when `memory` is undefined or the engine rejects the module (no
 * SIMD), and the caller falls back. `plain` and `shared` are the base64 builds; `imports` are
 * the module's `env` imports besides the memory.
 */
export function watLoader<T>(plain: string, shared: string, imports: Record<string, unknown> = {}): (memory: WebAssembly.Memory | undefined) => T | null {
  const instances = new WeakMap<WebAssembly.Memory, T | null>();
  return (memory) => {
    if (memory === undefined) return null;
    let module = instances.get(memory);
    if (module === undefined) {
      module = instantiate<T>(memory, plain, shared, imports);
      instances.set(memory, module);
    }
    return module;
  };
}

function instantiate<T>(memory: WebAssembly.Memory, plain: string, shared: string, imports: Record<string, unknown>): T | null {
  const isShared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  try {
    const bytes = Uint8Array.from(atob(isShared ? shared : plain), (c) => c.charCodeAt(0));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { ...imports, memory } });
    return instance.exports as unknown as T;
  } catch {
    return null;
  }
}
