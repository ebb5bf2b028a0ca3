/**
 * Writes the golden records: runs every case of ./golden and saves its normalized record to
 * test/golden/<id>.json (pretty-printed). Run it only on the code whose numbers are the reference:
 *   npm run build:test -w nnlab && NNLAB_DATA_MIRROR=<datasets> NNLAB_DATA_OFFLINE=1 \
 *     NNLAB_DATA_DIR=<temp cache> node kernel-lib/build-test/test/golden-record.js [id ...]
 * With ids, writes only those cases. Does nothing under `node --test` (which runs every .js of a
 * test/ folder), so that a test run never rewrites the records it checks.
 */
import * as fs from 'node:fs';
import { goldenBackend, goldenFile, GOLDEN_CASES, GOLDEN_DIR, normalizeRecord } from './golden';

async function main(): Promise<void> {
  if (process.env.NODE_TEST_CONTEXT !== undefined) {
    console.log('golden-record: not run under node --test (it writes test/golden/)');
    return;
  }
  const only = process.argv.slice(2);
  const unknown = only.filter((id) => !GOLDEN_CASES.some((c) => c.id === id));
  if (unknown.length > 0) throw new Error(`unknown case(s): ${unknown.join(', ')}; known: ${GOLDEN_CASES.map((c) => c.id).join(', ')}`);
  await goldenBackend();
  fs.mkdirSync(GOLDEN_DIR, { recursive: true });
  const start = performance.now();
  for (const c of GOLDEN_CASES) {
    if (only.length > 0 && !only.includes(c.id)) continue;
    const t0 = performance.now();
    const record = normalizeRecord(await c.run());
    const text = `${JSON.stringify(record, null, 2)}\n`;
    fs.writeFileSync(goldenFile(c.id), text);
    console.log(`${c.id.padEnd(28)} ${((performance.now() - t0) / 1000).toFixed(2).padStart(6)} s ${(text.length / 1024).toFixed(1).padStart(8)} KiB  ${c.call}`);
  }
  console.log(`total ${((performance.now() - start) / 1000).toFixed(1)} s -> ${GOLDEN_DIR}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
