/**
 * The real GPU path on the software GPU: Dawn (the `webgpu` package) on the SwiftShader Vulkan
 * driver that Debian's chromium ships. Results must match the plain-JS cpu backend.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import { useDevice } from '../src/engine/device';
import { relError, SWIFTSHADER_ICD } from './helpers';

async function on<T>(backend: 'cpu' | 'webgpu', fn: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  const t = fn();
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

test('useDevice("gpu") runs WebGPU on SwiftShader and its results match the cpu backend', async () => {
  assert.ok(fs.existsSync(SWIFTSHADER_ICD), `${SWIFTSHADER_ICD} is missing: install Debian's chromium (scripts/test.sh does)`);
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  process.env.XDG_RUNTIME_DIR ??= os.tmpdir();
  const r = await useDevice('gpu', { print: false, env: {} });
  assert.deepEqual([r.candidate, r.backend, r.device, r.software, r.fellBack], ['webgpu', 'webgpu', 'gpu', true, false], r.summary);
  assert.match(r.description, /SwiftShader/);

  const a = () => tf.randomNormal([128, 96], 0, 1, 'float32', 11);
  const b = () => tf.randomNormal([96, 64], 0, 1, 'float32', 12);
  const matmul = () => tf.tidy(() => tf.matMul(a(), b()));
  const x = () => tf.randomNormal([2, 9, 9, 3], 0, 1, 'float32', 13) as tf.Tensor4D;
  const w = () => tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 14) as tf.Tensor4D;
  const conv = () => tf.tidy(() => tf.relu(tf.conv2d(x(), w(), 1, 'same')));
  const grad = () => tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.matMul(v as tf.Tensor2D, b()))))(a()));

  for (const [name, fn] of [['matMul 128x96 @ 96x64', matmul], ['conv2d + relu', conv], ['gradient of sum((aB)^2)', grad]] as const) {
    const gpu = await on('webgpu', fn);
    const cpu = await on('cpu', fn);
    const err = relError(gpu, cpu);
    // float32 accumulation over <= 96 terms: a few ulps relative to the largest terms
    assert.ok(err < 1e-5, `${name}: relative error ${err} between webgpu and cpu`);
  }
  await tf.setBackend('webgpu');
  tf.removeBackend('webgpu');
});
