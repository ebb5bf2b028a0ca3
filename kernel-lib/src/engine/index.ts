/**
 * `nn.engine`: the device chain and the wasm performance layer, for engineers who want to look
 * under the hood (`nn.useDevice()` is all a lesson needs).
 */
export { useDevice, deviceReport, resolveRequest, runOnDevice, selectDevice, DEVICE_CHAINS, DEVICE_REQUESTS } from './device';
export type { DeviceRequest, DeviceReport, DeviceAttempt, BackendProbe, ProbeResult, CandidateId, UseDeviceOptions } from './device';
export { nativeInstallState, realProbe } from './backends';
export type { WasmLayerOptions, NativeState, NativeInstallView } from './backends';
export { initWasmBackend, resolveWasmThreads } from './wasm/threads';
export type { WasmThreadsReport, WasmThreadsOptions, WasmThreadsRequest } from './wasm/threads';
export { registerWasmKernelOverrides, unregisterWasmKernelOverrides, WASM_KERNEL_OVERRIDES } from './wasm/kernels';
