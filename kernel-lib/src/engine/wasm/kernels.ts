/**
 * nnlab's kernel overrides for the wasm backend: the part of the "fast CPU floor" (issue 4) that
 * makes training on `@tensorflow/tfjs-backend-wasm` 4.22 possible and fast. Thirteen kernels are
 * replaced (or, for the filter gradient, added) for backend 'wasm' only, and two are nnlab's own
 * (the fused Adam update, which `tf.train.adam`'s optimizer calls while the overrides are installed,
 * and the dropout mask of `nets/models` StepDropout):
 *
 * | kernel                 | stock 4.22                                  | override                                       |
 * |------------------------|---------------------------------------------|------------------------------------------------|
 * | `BatchMatMul`          | transposed or batched: scalar loop          | explicit transposes + XNNPACK, operands swapped when that packs less ({@link batchMatMul}) |
 * | `_FusedMatMul`         | same loop; wrong bias there                 | same + bias/activation like cpu ({@link fusedMatMul}) |
 * | `Conv2DBackpropFilter` | not registered: conv layers cannot train    | SIMD wasm sums straight from x and dy, helper threads ({@link conv2dBackpropFilter}) |
 * | `Conv2DBackpropInput`  | scalar loop                                 | conv of the spread dy with the rotated filter ({@link conv2dBackpropInput}) |
 * | `Tile`                 | element by element (BN's backward pass)     | block copies in the wasm heap ({@link tile})   |
 * | `Identity`             | a copy of every element                     | shares x's memory, like cpu ({@link identity}) |
 * | `Cast` (same dtype)    | a copy of every element                     | shares x's memory ({@link cast})               |
 * | `MaxPoolGrad`          | scalar loop; drops windows with max <= 0    | argmax routing like cpu, SIMD for windows apart ({@link maxPoolGrad}) |
 * | `Sum`, `Mean`          | leading axes: a full transpose first        | float64 column sums on the heap, SIMD ({@link sum}, {@link mean}) |
 * | `Tanh`                 | scalar loop; 1/4 of values off cpu by 1 ulp | SIMD wasm on the heap, cpu's values ({@link tanh}) |
 * | `FusedBatchNorm`       | scalar float32 loop, off cpu in last bits   | float64 SIMD on the heap, cpu's bits ({@link ./batchnorm}) |
 * | `NnlabAdamUpdate`      | (Adam: 14 elementwise ops a variable)       | one SIMD pass on the heap, the same bits ({@link ./adam}) |
 * | `Transpose`            | element by element                          | batched 2-D swaps in SIMD 4x4 blocks, the same bits ({@link ./transpose}) |
 * | `NnlabDropoutMask`     | (tf.dropout: JS random numbers, 3 more ops) | the mask written into the heap, ~1.7 ns a value ({@link ./dropout-mask}) |
 *
 * Each override computes what the stock kernel (or, for the filter gradient, the cpu kernel)
 * computes, from the stock kernels' fast paths (PadV2, Conv2D, the plain XNNPACK product, and
 * Transpose where nnlab's does not apply) called directly with the backend, or (Tile, Identity,
 * Cast, MaxPoolGrad with overlapping windows, the input gradient's filter reversal) in JavaScript
 * on the wasm heap, or (Tanh, FusedBatchNorm, MaxPoolGrad, Sum, Mean, the Adam update, Transpose
 * and the filter gradient's patches) in nnlab's own small SIMD wasm modules on that heap
 * (./wat.ts); intermediates are freed with `backend.disposeData`. Cases without a fast path fall
 * back to a correct kernel (see each module). Two gradients are replaced
 * too, by the same call ({@link ./gradients}: batch norm's and the mean's, in fewer passes); all
 * other gradients are tfjs's own and call these kernels.
 *
 * The registry is global to tfjs, so installing is a process-wide switch: `register` is
 * idempotent, and `unregister` puts the stock kernels back (benchmarks compare the two). Install
 * before or after `tf.setBackend('wasm')`: each override carries the stock kernel's setup.
 *
 * @example
 * import * as tf from '@tensorflow/tfjs';
 * import '@tensorflow/tfjs-backend-wasm';
 * registerWasmKernelOverrides(); // ['BatchMatMul', '_FusedMatMul', 'Conv2DBackpropFilter', ..., 'Tanh', 'NnlabAdamUpdate']
 * await tf.setBackend('wasm');
 * // ... model.fit(...) with conv and dense layers
 * unregisterWasmKernelOverrides(); // stock tfjs-backend-wasm again
 */
import * as tf from '@tensorflow/tfjs';
import { batchMatMul } from './batch-mat-mul';
import { conv2dBackpropFilter } from './conv2d-backprop-filter';
import { conv2dBackpropInput } from './conv2d-backprop-input';
import { fusedMatMul } from './fused-mat-mul';
import { cast, identity } from './identity';
import { registerWasmGradientOverrides, unregisterWasmGradientOverrides } from './gradients';
import { maxPoolGrad } from './max-pool-grad';
import { mean, sum } from './reduce';
import { KernelArgs, rememberStock, rememberedStock } from './kernels-stock';
import { tanh } from './tanh';
import { fusedBatchNorm } from './batchnorm';
import { ADAM_UPDATE, adamUpdate, installFusedAdam, uninstallFusedAdam } from './adam';
import { tile } from './tile';
import { transpose } from './transpose';
import { DROPOUT_MASK, dropoutMaskKernel } from './dropout-mask';
import { isPooled, pooled, unpooled } from './pool';

export { planBatchMatMul, LOOP_MIN_WORK } from './batch-mat-mul';
export type { MatMulPlan, MatMulPath } from './batch-mat-mul';
export { planConv2dBackpropFilter, conv2dBackpropFilterReference } from './conv2d-backprop-filter';
export { planConv2dBackpropInput } from './conv2d-backprop-input';
export { planTile, mergeAxes, SHORT_RUN } from './tile';
export { planTranspose } from './transpose';
export type { TransposePlan, TransposePath } from './transpose';
export { planReduce, columnSums } from './reduce';
export type { ReducePlan, ReducePath } from './reduce';
export { WASM_GRADIENT_OVERRIDES, isWasmGradientOverridden, registerWasmGradientOverrides, unregisterWasmGradientOverrides } from './gradients';
export type { TilePlan, TilePath } from './tile';
export { heapMemory, tanhModule } from './tanh';
export { ADAM_UPDATE, adamModule, isFusedAdamInstalled } from './adam';
export type { AdamModule } from './adam';
export type { TanhModule } from './tanh';

const BACKEND = 'wasm';

/** The kernels nnlab overrides on wasm, by tfjs kernel name. */
export const WASM_KERNEL_OVERRIDES = [tf.BatchMatMul, tf._FusedMatMul, tf.Conv2DBackpropFilter, tf.Conv2DBackpropInput, tf.Tile, tf.Identity, tf.MaxPoolGrad, tf.Sum, tf.Mean, tf.Cast, tf.Tanh, tf.FusedBatchNorm, ADAM_UPDATE, tf.Transpose, DROPOUT_MASK] as const;

export type WasmKernelOverride = typeof WASM_KERNEL_OVERRIDES[number];

/** Marks nnlab's kernel functions, so that any copy of nnlab in the process recognises them. */
const OVERRIDE = Symbol.for('nnlab.wasm.kernelOverride');

function marked(kernelFunc: (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[]): tf.KernelFunc {
  return Object.assign(kernelFunc as tf.KernelFunc, { [OVERRIDE]: true });
}

const KERNEL_FUNCS: Record<WasmKernelOverride, tf.KernelFunc> = {
  BatchMatMul: marked(batchMatMul),
  _FusedMatMul: marked(fusedMatMul),
  Conv2DBackpropFilter: marked(conv2dBackpropFilter),
  Conv2DBackpropInput: marked(conv2dBackpropInput),
  Tile: marked(tile),
  Identity: marked(identity),
  MaxPoolGrad: marked(maxPoolGrad),
  Sum: marked(sum),
  Mean: marked(mean),
  Cast: marked(cast),
  Tanh: marked(tanh),
  FusedBatchNorm: marked(fusedBatchNorm),
  NnlabAdamUpdate: marked(adamUpdate),
  Transpose: marked(transpose),
  NnlabDropoutMask: marked(dropoutMaskKernel),
};

/** True when the wasm kernel `name` is nnlab's override. */
export function isWasmKernelOverridden(name: WasmKernelOverride): boolean {
  const kernelFunc = tf.getKernel(name, BACKEND)?.kernelFunc;
  return kernelFunc !== undefined && OVERRIDE in unpooled(kernelFunc);
}

/**
 * Installs the overrides for backend 'wasm' (the stock configs are kept), and the gradient
 * overrides of ./gradients and the fused Adam update of ./adam, and returns the names of the kernels now overridden:
 * {@link WASM_KERNEL_OVERRIDES}. Calling it again changes nothing.
 *
 * @example
 * await nn.useDevice('cpu');                                 // wasm when tfjs-node is not installed
 * const kernels = nn.engine.registerWasmKernelOverrides();   // ['BatchMatMul', '_FusedMatMul', 'Conv2DBackpropFilter', ...]
 * kernels.length   // 15, the same list as nn.engine.WASM_KERNEL_OVERRIDES
 */
export function registerWasmKernelOverrides(): string[] {
  registerWasmGradientOverrides();
  installFusedAdam();
  for (const name of WASM_KERNEL_OVERRIDES) {
    if (isWasmKernelOverridden(name)) continue;
    const stock = tf.getKernel(name, BACKEND);
    if (stock !== undefined) {
      rememberStock(stock);
      tf.unregisterKernel(name, BACKEND);
    }
    // threads per operation (./pool): pooled like the kernel it replaces
    const kernelFunc = stock !== undefined && isPooled(stock.kernelFunc) ? pooled(name, KERNEL_FUNCS[name]) : KERNEL_FUNCS[name];
    tf.registerKernel({ kernelName: name, backendName: BACKEND, kernelFunc, setupFunc: stock?.setupFunc });
  }
  return [...WASM_KERNEL_OVERRIDES];
}

/**
 * Removes the overrides and re-registers the stock kernels (`Conv2DBackpropFilter`,
 * `NnlabAdamUpdate` and `NnlabDropoutMask` have none: they are unregistered again), tfjs's gradients and tfjs's Adam update. Returns the names of the kernels it restored or
 * removed; calling it when nothing is installed returns [].
 *
 * @example
 * const restored = nn.engine.unregisterWasmKernelOverrides();   // the stock tfjs kernels run again
 * console.log(`stock kernels for ${restored.join(', ')}`);
 * nn.engine.registerWasmKernelOverrides();                      // and nnlab's fast ones once more
 */
export function unregisterWasmKernelOverrides(): string[] {
  unregisterWasmGradientOverrides();
  uninstallFusedAdam();
  const undone: string[] = [];
  for (const name of WASM_KERNEL_OVERRIDES) {
    if (!isWasmKernelOverridden(name)) continue;
    const current = tf.getKernel(name, BACKEND)!;
    tf.unregisterKernel(name, BACKEND);
    const stock = rememberedStock(name);
    if (stock !== undefined) {
      // the pool wrappers came after the overrides: the stock kernel gets one too
      const pool = isPooled(current.kernelFunc) && !isPooled(stock.kernelFunc);
      tf.registerKernel(pool ? { ...stock, kernelFunc: pooled(name, stock.kernelFunc) } : stock);
    }
    undone.push(name);
  }
  return undone;
}
