/**
 * `nn.show(x)`: draws any experiment record with its lesson's figure (dispatching on
 * `record.experiment` through the lesson registry), a figure spec as a chart, and an array of
 * plain rows as a table.
 *
 * @example
 * const r = await nn.batchNorm.rescue({ seed: 5 });
 * nn.show(r);   // the same as nn.batchNorm.showRescue(r)
 */
import { ArgumentError } from '../core/errors';
import { LESSONS, showerOf } from '../lessons/registry';
import type { Figure } from '../show/figure';
import { showFigure } from '../show/plot';
import { showTable } from '../show/table';

function isFigure(x: unknown): x is Figure {
  return typeof x === 'object' && x !== null && Array.isArray((x as Figure).data) && typeof (x as Figure).layout === 'object';
}

/**
 * Draws a record (by its `experiment`), a figure spec, or an array of rows.
 *
 * @example
 * nn.show([{ init: 'he', std: 0.81 }, { init: 'xavier', std: 0.58 }]);   // rows: a table
 * nn.show(nn.figure.bar({ title: 'Test accuracy', xTitle: 'init', yTitle: 'accuracy',
 *   series: [{ name: 'test', x: ['he', 'xavier'], y: [0.91, 0.88] }] }));   // a figure spec: a chart
 * const r = await nn.batchNorm.rescue({ seed: 5 });
 * nn.show(r);   // a record: its lesson's figure, the same as nn.batchNorm.showRescue(r)
 */
export function show(x: unknown): void {
  if (Array.isArray(x)) {
    showTable(x as Record<string, unknown>[]);
    return;
  }
  if (isFigure(x)) {
    showFigure(x);
    return;
  }
  const experiment = typeof x === 'object' && x !== null ? (x as { experiment?: unknown }).experiment : undefined;
  const draw = typeof experiment === 'string' ? showerOf(experiment) : undefined;
  if (!draw) {
    const known = LESSONS.flatMap((l) => Object.keys(l.show));
    if (typeof experiment === 'string') throw new ArgumentError('show(record).experiment', experiment, `one of ${known.join(', ')}`);
    throw new ArgumentError('show(x)', x, 'an experiment record, a figure { data, layout } or an array of rows');
  }
  draw(x);
}
