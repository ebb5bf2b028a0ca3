/**
 * Golden records: every experiment, run with the small options and seeds of ./golden, returns
 * exactly the numbers recorded in test/golden/<id>.json (by test/golden-record.ts, before the
 * refactor), fields that legitimately vary aside (timing, backend, versions: see normalizeRecord).
 * Needs MNIST for dropoutOverfit: NNLAB_DATA_MIRROR, NNLAB_DATA_OFFLINE=1, NNLAB_DATA_DIR as in
 * scripts/test.sh.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { goldenBackend, goldenFile, GOLDEN_CASES, normalizeRecord } from './golden';

before(async () => {
  await goldenBackend();
});

for (const c of GOLDEN_CASES) {
  test(`${c.call} returns the recorded numbers (test/golden/${c.id}.json)`, async () => {
    const expected: unknown = JSON.parse(fs.readFileSync(goldenFile(c.id), 'utf8'));
    assert.deepStrictEqual(normalizeRecord(await c.run()), expected);
  });
}
