/**
 * Is this code running inside a tslab (Jupyter) kernel cell? Detection only: no display, no
 * patching. The display bridge that publishes MIME bundles is show/kernel.ts.
 */

type WriteDisplayData = (data: { data: Record<string, unknown>; metadata: object; transient: { display_id?: string } },
  update: boolean) => void;

/** The part of tslab's `tslab/dist/jupyter` module nnlab uses. */
export interface TslabJupyter { lastWriteDisplayData: WriteDisplayData | null }

let cached: TslabJupyter | null | undefined;

/** tslab's jupyter module when tslab is installed (loaded on first use), else null. */
export function tslabJupyter(): TslabJupyter | null {
  if (cached !== undefined) return cached;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    cached = require('tslab/dist/jupyter') as TslabJupyter;
  } catch {
    cached = null;
  }
  return cached;
}

/** True while running inside a tslab kernel cell (false in the CLI, tests and plain Node). */
export function inKernel(): boolean {
  const j = tslabJupyter();
  return Boolean(j && typeof j.lastWriteDisplayData === 'function');
}
