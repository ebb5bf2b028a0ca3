/**
 * The wasm `BatchMatMul` override: every product runs on XNNPACK's fast GEMM, whatever the
 * transposes. Lesson: the backward pass of a Dense layer (issue 4, "a fast CPU floor").
 *
 * Why: stock tfjs-backend-wasm 4.22 (`batch_mat_mul_impl.cc`) calls XNNPACK only when neither
 * operand is transposed and both batch sizes are 1; everything else runs a scalar loop, ~0.4-1.9
 * GFLOP/s against ~22 for XNNPACK on one core. tfjs's matMul gradient needs exactly those
 * products: for `C = A·B`, `dA = dC·Bᵀ = matMul(dC, B, false, true)` and
 * `dB = Aᵀ·dC = matMul(A, dC, true, false)`, so every Dense backward pass took the slow loop.
 *
 * What it computes: `C[..., i, j] = Σ_k op(A)[..., i, k] · op(B)[..., k, j]` with
 * `op(X) = Xᵀ` (last two axes) when the transpose flag is set, exactly as the stock kernel. Shapes:
 * `op(A)` [...batchA, M, K], `op(B)` [...batchB, K, N] -> C [...broadcast(batchA, batchB), M, N].
 *
 * How (the path {@link planBatchMatMul} picks):
 * - `single` (both batches 1, some transpose): transpose the flagged operand explicitly (stock
 *   Transpose, exact), then the plain XNNPACK product; or, when {@link swapOperands} says so (with
 *   or without transposes), Cᵀ = op(B)ᵀ·op(A)ᵀ and one transpose of Cᵀ, so that XNNPACK packs
 *   the smaller operand.
 * - `foldBatchA` (B not batched): stack A's batch into rows, `[batchA·M, K] · [K, N]`, one product.
 * - `foldBatchB` (A not batched): lay B's batch side by side, `[M, K] · [K, batchB·N]`, then move
 *   the batch axis to the front (one transpose of C).
 * - `loop` (same batch on both sides, products of at least {@link LOOP_MIN_WORK} multiply-adds):
 *   one XNNPACK product per batch element, copied into C.
 * - `stock`: no transpose and no batch (already XNNPACK) and no swap; small batched products (the loop's
 *   per-product set-up costs more than the scalar loop saves); batch shapes that broadcast both
 *   ways (tfjs 4.22 gets those wrong on every backend: `[2,1,m,k]·[1,3,k,n]` returns 3 matrices
 *   for a shape of 6; we keep tfjs's behaviour rather than invent one); empty tensors; non-float32.
 * Transposes and copies move numbers without rounding, so each path returns the same floats as a
 * float32 product with the same summation order; differences from the stock loop are summation
 * order only (at most 2·γ_K·Σ|a||b| per element, γ_K ≈ K·2⁻²⁴).
 *
 * @example
 * registerWasmKernelOverrides();
 * tf.matMul(x, dy, true, false); // x [batchSize, fanIn], dy [batchSize, fanOut] -> dW [fanIn, fanOut]
 */
import * as tf from '@tensorflow/tfjs';
import { BackendWasm, copyRange, heap, Info, Inputs, KernelArgs, runStock, Scratch, size, view, withScratch } from './kernels-stock';

/**
 * Smallest per-product work `M·K·N` for which the `loop` path beats the stock scalar loop on
 * batched products. Measured on this 2-core machine (one thread, batch 16 and 64, square
 * products): at 32³ the two are within noise, at 40³ the loop is ~1.5x faster, at 64³ ~2.5x.
 */
export const LOOP_MIN_WORK = 40 * 40 * 40;

export type MatMulPath = 'stock' | 'single' | 'foldBatchA' | 'foldBatchB' | 'loop';

/** Why a product stays on the stock kernel. */
export type StockReason = 'shapes' | 'empty' | 'plain' | 'small batched' | 'two-way broadcast';

/** What {@link planBatchMatMul} decided, with the sizes of `op(A)` [batchA, M, K] · `op(B)` [batchB, K, N]. */
export interface MatMulPlan {
  path: MatMulPath;
  /** Set when `path` is `stock`. */
  why?: StockReason;
  batchA: number;
  batchB: number;
  m: number;
  k: number;
  n: number;
  /** Shape of C: broadcast batch dims, then [M, N]; empty when the shapes do not multiply. */
  outShape: number[];
  /** `single` only: compute Cᵀ = op(B)ᵀ·op(A)ᵀ, so that XNNPACK packs op(A) instead of op(B) ({@link swapOperands}). */
  swap?: boolean;
}

/**
 * Whether a single product op(A) [M, K] · op(B) [K, N] runs faster as Cᵀ = op(B)ᵀ · op(A)ᵀ.
 * XNNPACK packs the right operand of every product into its own layout, and tfjs-backend-wasm
 * keeps the packed copy only while that tensor lives: in training every product meets a new
 * right operand (new weights, new activations and gradients), and 4.22's packing costs about
 * 4 ns a value, as much as the product itself when M is a batch of 128. Swapping packs K·M values
 * instead of K·N, for up to three transposes of ~1.3 ns a value (op(B) when not transposed, op(A)
 * when not transposed, and Cᵀ). Measured with a new right operand each call (2 threads):
 * 128x784x512 6.0 -> 5.3 ms, 128x512x512 3.8 -> 3.3 ms, the same with B transposed 4.3 -> 3.4 ms,
 * and the CNN's dense input gradient 64x512x2048 (B transposed: 1M values to transpose and pack)
 * 16.4 -> 3.9 ms; but 784x128x512 with A transposed 3.0 -> 4.6 ms. Hence: swap when it at least
 * halves the packing (2M <= N), or when op(B) is transposed (the plain way transposes B too) and
 * M < N; and only when the packing saved, K·(N - M), is at least {@link SWAP_MIN_SAVED} values.
 * The products are the same dot products, so C is the same floats (measured: identical bits).
 */
export function swapOperands(m: number, k: number, n: number, transposeB: boolean): boolean {
  return (2 * m <= n || (transposeB && m < n)) && k * (n - m) >= SWAP_MIN_SAVED;
}

/** The fewest packed values a swap must save to pay for its extra kernel calls (transposes). */
export const SWAP_MIN_SAVED = 2 ** 15;

/** Picks how to run `matMul(a, b, transposeA, transposeB)` (see the module comment). Pure. */
export function planBatchMatMul(aShape: readonly number[], bShape: readonly number[],
  transposeA: boolean, transposeB: boolean): MatMulPlan {
  const invalid: MatMulPlan = { path: 'stock', why: 'shapes', batchA: 0, batchB: 0, m: 0, k: 0, n: 0, outShape: [] };
  if (aShape.length < 2 || bShape.length < 2) return invalid;
  const [a1, a2] = aShape.slice(-2);
  const [b1, b2] = bShape.slice(-2);
  const m = transposeA ? a2 : a1;
  const k = transposeA ? a1 : a2;
  const n = transposeB ? b1 : b2;
  if ((transposeB ? b2 : b1) !== k) return invalid;
  const outerA = aShape.slice(0, -2);
  const outerB = bShape.slice(0, -2);
  let outer: number[];
  try {
    outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  } catch {
    return invalid;
  }
  const batchA = size(outerA);
  const batchB = size(outerB);
  const sized = { batchA, batchB, m, k, n, outShape: [...outer, m, n] };
  const plan = (path: MatMulPath): MatMulPlan => ({ path, ...sized });
  const stock = (why: StockReason): MatMulPlan => ({ path: 'stock', why, ...sized });
  if (m * k * n * batchA * batchB === 0) return stock('empty');
  if (batchA === 1 && batchB === 1) {
    if (swapOperands(m, k, n, transposeB)) return { ...plan('single'), swap: true };
    return transposeA || transposeB ? plan('single') : stock('plain');
  }
  if (batchB === 1) return plan('foldBatchA');
  if (batchA === 1) return plan('foldBatchB');
  const sameBatch = outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i]);
  if (!sameBatch) return stock('two-way broadcast');
  return m * k * n >= LOOP_MIN_WORK ? plan('loop') : stock('small batched');
}

/** The kernel function registered for `BatchMatMul` on wasm. */
export function batchMatMul(args: KernelArgs): Info {
  const backend = args.backend as BackendWasm;
  const { a, b } = args.inputs as Inputs<'a' | 'b'>;
  const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
  const plan = planBatchMatMul(a.shape, b.shape, transposeA, transposeB);
  if (plan.path === 'stock' || a.dtype !== 'float32' || b.dtype !== 'float32') {
    return runStock(backend, tf.BatchMatMul, { a, b }, { transposeA, transposeB });
  }
  return withScratch(backend, (scratch) => {
    switch (plan.path) {
      case 'single': return single(scratch, a, b, transposeA, transposeB, plan);
      case 'foldBatchA': return foldBatchA(scratch, a, b, transposeA, transposeB, plan);
      case 'foldBatchB': return foldBatchB(scratch, a, b, transposeA, transposeB, plan);
      default: return loop(scratch, a, b, transposeA, transposeB, plan);
    }
  });
}

/** The plain XNNPACK product `a2` [M, K] · `b2` [K, N] -> new [1, M, N] (stock kernel, no transposes). */
export function plainProduct(backend: BackendWasm, a2: Info, b2: Info): Info {
  const [m, k] = a2.shape;
  const n = b2.shape[1];
  return runStock(backend, tf.BatchMatMul, { a: view(a2, [1, m, k]), b: view(b2, [1, k, n]) },
    { transposeA: false, transposeB: false });
}

/** `op(X)` of a matrix X with one batch: [rows, cols] ready for the plain product. */
export function matrix(scratch: Scratch, x: Info, transposed: boolean): Info {
  const [r, c] = x.shape.slice(-2);
  return transposed ? scratch.transpose(view(x, [r, c]), [1, 0]) : view(x, [r, c]);
}

function single(scratch: Scratch, a: Info, b: Info, ta: boolean, tb: boolean, p: MatMulPlan): Info {
  if (p.swap) {
    // Cᵀ [N, M] = op(B)ᵀ [N, K] · op(A)ᵀ [K, M]: a flagged operand is already stored transposed
    const ct = scratch.keep(plainProduct(scratch.backend, matrix(scratch, b, !tb), matrix(scratch, a, !ta)));
    return view(runStock(scratch.backend, tf.Transpose, { x: view(ct, [p.n, p.m]) }, { perm: [1, 0] }), p.outShape);
  }
  const c = plainProduct(scratch.backend, matrix(scratch, a, ta), matrix(scratch, b, tb));
  return view(c, p.outShape);
}

/** C[(i, r), j] = Σ_k op(A)[i, r, k] · op(B)[k, j]: A's batch stacked into rows. */
function foldBatchA(scratch: Scratch, a: Info, b: Info, ta: boolean, tb: boolean, p: MatMulPlan): Info {
  const a3 = ta ? scratch.transpose(view(a, [p.batchA, p.k, p.m]), [0, 2, 1]) : a;
  const c = plainProduct(scratch.backend, view(a3, [p.batchA * p.m, p.k]), matrix(scratch, b, tb));
  return view(c, p.outShape);
}

/** C[i] = op(A) · op(B)[i] as one product [M, K] · [K, (i, j)], then C [M, i, j] -> [i, M, j]. */
function foldBatchB(scratch: Scratch, a: Info, b: Info, ta: boolean, tb: boolean, p: MatMulPlan): Info {
  const bkn = tb
    ? scratch.transpose(view(b, [p.batchB, p.n, p.k]), [2, 0, 1])
    : scratch.transpose(view(b, [p.batchB, p.k, p.n]), [1, 0, 2]);
  const side = scratch.keep(plainProduct(scratch.backend, matrix(scratch, a, ta), view(bkn, [p.k, p.batchB * p.n])));
  const c = runStock(scratch.backend, tf.Transpose, { x: view(side, [p.m, p.batchB, p.n]) }, { perm: [1, 0, 2] });
  return view(c, p.outShape);
}

/** C[i] = op(A)[i] · op(B)[i], one XNNPACK product per batch element. */
function loop(scratch: Scratch, a: Info, b: Info, ta: boolean, tb: boolean, p: MatMulPlan): Info {
  const { batchA: batch, m, k, n } = p;
  const a3 = ta ? scratch.transpose(view(a, [batch, k, m]), [0, 2, 1]) : view(a, [batch, m, k]);
  const b3 = tb ? scratch.transpose(view(b, [batch, n, k]), [0, 2, 1]) : view(b, [batch, k, n]);
  const backend = scratch.backend;
  const out = backend.makeOutput([batch, m, n], 'float32');
  try {
    for (let i = 0; i < batch; i++) {
      withScratch(backend, (step) => {
        const ai = step.keep(copyRange(backend, a3, i * m * k, [m, k]));
        const bi = step.keep(copyRange(backend, b3, i * k * n, [k, n]));
        const ci = step.keep(plainProduct(backend, ai, bi));
        heap(backend, out).set(heap(backend, ci), i * m * n);
      });
    }
  } catch (err) {
    backend.disposeData(out.dataId);
    throw err;
  }
  return view(out, p.outShape);
}
