/** Shared test helpers. */

/** The SwiftShader Vulkan driver from Debian's chromium package: the software GPU of CI. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** cs231n's relative error: max |a - b| / max(|a| + |b|), in float64. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(a[i]) + Math.abs(b[i]));
  }
  return den === 0 ? 0 : num / den;
}

/** A record without its `meta` (timing) field: two runs with one seed must agree on the rest. */
export function withoutMeta<T extends { meta: unknown }>(r: T): Omit<T, 'meta'> {
  const { meta: _meta, ...rest } = r;
  return rest;
}
