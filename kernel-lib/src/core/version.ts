/** The nnlab library version (kept equal to kernel-lib/package.json by a test). */
export const VERSION = '0.1.0';
