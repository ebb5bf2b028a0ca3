/**
 * nnlab: the kernel library of the nnlab lessons. Notebooks import it as a package:
 *
 *   import * as nn from 'nnlab';
 *   await nn.useDevice();          // picks the backend (NNLAB_DEVICE from the kernel)
 *   const tf = nn.tf;              // the one TensorFlow.js instance every lesson shares
 *
 * This file only re-exports. Computing modules live in core/ (and concepts/ as lessons land);
 * drawing modules in show/; Jupyter plumbing in jupyter/; the command line in cli/.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export { tf };
export { VERSION } from './version';

export * from './core/errors';
export * from './core/rng';
export * from './core/config';
export * from './core/leaks';
export {
  useDevice, resolveRequest, selectDevice, summarize, DEVICE_CHAINS, DEVICE_REQUESTS,
} from './core/device';
export type { WasmLayerOptions } from './core/backends';
export { initWasmBackend, resolveWasmThreads } from './core/wasm/threads';
export type { WasmThreadsReport, WasmThreadsOptions, WasmThreadsRequest } from './core/wasm/threads';
export { registerWasmKernelOverrides, unregisterWasmKernelOverrides, WASM_KERNEL_OVERRIDES } from './core/wasm/kernels';
export type {
  DeviceRequest, DeviceReport, DeviceAttempt, BackendProbe, ProbeResult, CandidateId, UseDeviceOptions,
} from './core/device';

export * from './show/figure';
export { showFigure, embedPlotly, figureHtml, figureBundle, plotlyBundle } from './show/plot';
export * from './show/table';
export * from './show/progress';
export { inKernel } from './show/kernel';

export { listLessons } from './jupyter/lessons';
export type { Lesson } from './jupyter/lessons';
export { runNotebook } from './jupyter/run';
export type { RunNotebookOptions, RunNotebookResult } from './jupyter/run';

export * from './data';
export { showImages, imageGridHtml, imageGridPng } from './show/images';
export { encodePng } from './show/png';
