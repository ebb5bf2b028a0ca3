import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, liveChart, progressBar, progressHtml, progressText } from '../src/show/progress';

function clock(stepMs: number) {
  let t = 0;
  return { now: () => t, advance: (ms = stepMs) => { t += ms; } };
}

test('progressBar outside a kernel prints a line at start, every 10 % and at the end, with an ETA', () => {
  const c = clock(1000);
  const lines: string[] = [];
  const bar = progressBar({ total: 20, label: 'epochs', write: (l) => lines.push(l), now: c.now, notebook: false });
  for (let i = 1; i <= 20; i++) { c.advance(); bar.update(i, { loss: 1 / i }); }
  bar.finish();
  assert.equal(lines.length, 1 + 10 + 1);
  assert.equal(lines[0], 'epochs   0% [....................] 0/20  0 s, ETA ?');
  // after 4 of 20 steps at 1 s each: 4 s elapsed, 16 s to go
  assert.equal(lines[2], 'epochs  20% [####................] 4/20  4 s, ETA 16 s  loss 0.2500');
  assert.match(lines[lines.length - 1], /^epochs 100% \[#{20}\] 20\/20  20 s, done  loss 0\.05000$/);
});

test('progressBar validates total and the step count', () => {
  assert.throws(() => progressBar({ total: 0, notebook: false, write: () => {} }), { message: 'progressBar.total must be an integer >= 1, got 0' });
  const bar = progressBar({ total: 3, notebook: false, write: () => {} });
  assert.throws(() => bar.update(4), { message: 'progressBar.update(done) must be an integer in [0, 3], got 4' });
});

test('progressBar state reports elapsed time and a linear ETA', () => {
  const c = clock(500);
  const bar = progressBar({ total: 10, write: () => {}, now: c.now, notebook: false });
  c.advance(); bar.tick(); c.advance(); bar.tick();
  assert.deepEqual(bar.state(), { done: 2, total: 10, elapsedMs: 1000, etaMs: 4000, values: {} });
});

test('progressHtml and progressText show the same state', () => {
  const s = { done: 3, total: 4, elapsedMs: 75_000, etaMs: 25_000, values: { acc: 0.5 } };
  assert.match(progressHtml('fit <x>', s), /data-done="3" data-total="4".*fit &lt;x&gt;.*width:75\.0%.*3\/4 \(75%\) &middot; 1:15, ETA 25 s &middot; acc 0\.5000/s);
  assert.equal(progressText('fit', s), 'fit  75% [###############.....] 3/4  1:15, ETA 25 s  acc 0.5000');
  assert.deepEqual([formatDuration(59_400), formatDuration(3_600_000)], ['59 s', '1:00:00']);
});

test('liveChart outside a kernel prints every `every` points and keeps the whole curve', () => {
  const lines: string[] = [];
  const chart = liveChart({ title: 'Loss', xTitle: 'step', yTitle: 'loss', series: ['train', 'val'], every: 2, write: (l) => lines.push(l), notebook: false });
  for (let s = 1; s <= 4; s++) chart.push(s, { train: 1 / s, val: 2 / s });
  chart.finish();
  assert.deepEqual(lines, ['Loss @ step 2: train 0.5000, val 1', 'Loss @ step 4: train 0.2500, val 0.5000']);
  assert.deepEqual(chart.figure().data.map((t) => t.y), [[1, 0.5, 1 / 3, 0.25], [2, 1, 2 / 3, 0.5]]);
  assert.throws(() => chart.push(5, { test: 1 }), { message: 'liveChart.push(values.test) must be a value of one of the series train, val, got 1' });
});

test('progressBar takes its ETA from the current phase\'s rate once the phase has done a step', () => {
  const c = clock(1000);
  const bar = progressBar({ total: 20, label: 'small runs', write: () => {}, now: c.now, notebook: false });
  for (let i = 1; i <= 10; i++) { c.advance(100); bar.update(i); }   // 10 cheap steps: 1 s
  bar.relabel('large runs');
  assert.equal(bar.state().etaMs, 1000, 'no step of the new phase yet: the rate so far (0.1 s per step)');
  c.advance(2000); bar.update(11);                                    // the first large step takes 2 s
  assert.equal(bar.state().etaMs, 9 * 2000, 'the new phase\'s rate, not the average (which would say 2.3 s)');
  bar.relabel('large runs');                                          // the same label: no new phase
  assert.equal(bar.state().etaMs, 9 * 2000);
});

test('progressBar in a notebook redraws every tickMs between updates and stops once nothing can be shown', async () => {
  let draws = 0;
  const bar = progressBar({ total: 5, notebook: true, tickMs: 10, now: () => { draws += 1; return 0; } });
  await new Promise((resolve) => setTimeout(resolve, 60));
  // outside a kernel publish shows nothing, so the ticker stops after its first redraw
  assert.ok(draws >= 2 && draws <= 6, `${draws} clock reads`);
  const before = draws;
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.equal(draws, before, 'no redraws once stopped');
  bar.finish();
});
