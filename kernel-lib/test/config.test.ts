import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isQuick, quickOr, withQuickPreset } from '../src/core/config';

test('isQuick reads NNLAB_QUICK=1 as on and an unset variable as off', () => {
  assert.equal(isQuick({ NNLAB_QUICK: '1' }), true);
  assert.equal(isQuick({ NNLAB_QUICK: 'true' }), true);
  assert.equal(isQuick({ NNLAB_QUICK: '0' }), false);
  assert.equal(isQuick({}), false);
});

test('isQuick rejects an unreadable NNLAB_QUICK instead of guessing', () => {
  assert.throws(() => isQuick({ NNLAB_QUICK: 'maybe' }),
    { message: 'NNLAB_QUICK must be one of 1, true, yes, on, 0, false, no, off or empty, got "maybe"' });
});

test('quickOr(2, 20) picks by mode; withQuickPreset lets explicit options win', () => {
  assert.equal(quickOr(2, 20, { NNLAB_QUICK: '1' }), 2);
  assert.equal(quickOr(2, 20, { NNLAB_QUICK: '' }), 20);
  const preset = { epochs: 2, width: 64 };
  assert.deepEqual(withQuickPreset({ epochs: 5 }, preset, { NNLAB_QUICK: '1' }), { epochs: 5, width: 64 });
  assert.deepEqual(withQuickPreset({ epochs: 5 }, preset, {}), { epochs: 5 });
});
