/**
 * `nnlab monitor`: lesson 05's monitoring experiments from the terminal (loss shapes, the
 * train/validation gap, update/weight ratios, first-layer templates), with the same options and
 * the same plain records as `nn.babysitting.lossShapes` & co. in a notebook.
 */
import { optionValues, ParsedArgs } from '../../core/args';
import { Command } from '../../core/command';
import { oneOf } from '../../core/options';
import { runOnDevice } from '../../engine/device';
import { writeFileSync } from 'fs';
import { lossShapesText, templatesPng, templatesText, trainValGapText, updateRatiosText } from './figuresMonitor';
import { lossShapes, LOSS_SHAPES_FIELDS, trainValGap } from './monitor';
import { updateRatios } from './monitorRatios';
import { templates } from './templates';

/** The experiments `nnlab monitor --show` runs. */
export const MONITOR_WHAT = ['loss-shapes', 'train-val-gap', 'update-ratios', 'templates'] as const;
export type MonitorWhat = typeof MONITOR_WHAT[number];

const MONITOR_VALUE_OPTIONS = { show: oneOf(MONITOR_WHAT, { default: 'loss-shapes' }), seed: LOSS_SHAPES_FIELDS.seed } as const;

/** Runs one monitoring experiment for parsed arguments, without choosing a device; returns its text or JSON. */
export async function runMonitor(a: ParsedArgs): Promise<string> {
  const v = optionValues('monitor', a, MONITOR_VALUE_OPTIONS) as { show?: MonitorWhat; seed?: number };
  const o = { ...(v.seed === undefined ? {} : { seed: v.seed }), progress: false as const };
  const json = (r: { meta: { ms: number } }) => JSON.stringify({ ...r, ms: r.meta.ms }, null, 2);
  switch (v.show ?? 'loss-shapes') {
    case 'loss-shapes': { const r = await lossShapes(o); return a.flags.has('json') ? json(r) : lossShapesText(r); }
    case 'train-val-gap': { const r = await trainValGap(o); return a.flags.has('json') ? json(r) : trainValGapText(r); }
    case 'update-ratios': { const r = await updateRatios(o); return a.flags.has('json') ? json(r) : updateRatiosText(r); }
    case 'templates': {
      const r = await templates(o);
      if (a.options.png !== undefined) writeFileSync(a.options.png, templatesPng(r, 'after'));
      return a.flags.has('json') ? json(r) : templatesText(r) + (a.options.png !== undefined ? `\nthe templates after training: ${a.options.png}` : '');
    }
  }
}

export const MONITOR_COMMAND: Command = {
  summary: 'lesson 05: monitoring while training: loss-curve shapes, train/val gap, update/weight ratios, first-layer templates',
  usage: `nnlab monitor [--show loss-shapes|train-val-gap|update-ratios|templates] [--seed 0] [--png FILE] [--json]

Trains the lecture's two-layer net (3072 → 50 → 10, plain SGD) on CIFAR-10 rows and prints what a
babysitter watches, read the lecture's way:
  loss-shapes     three learning rates (3e-4, 2e-3, 5e-3): each loss curve's shape (flat, linear,
                  fast then slow, explodes) and what it says about the learning rate
  train-val-gap   a tiny subset without regularisation vs the full set: train and validation
                  accuracy and their gap (big gap: more regularisation; no gap, low accuracy: more capacity)
  update-ratios   ‖ΔW‖/‖W‖ per layer (median over the steps) for lr 1e-6, 2e-3, 1e-2, vs the lecture's 1e-3
  templates       W1's columns as 32×32×3 images before and after training: how smooth they became
  --show WHAT      which one (default loss-shapes)
  --seed S         seed of the data, the init and the batch order (default 0)
  --png FILE       with --show templates: write the trained templates as one PNG grid
  --json           print the record as JSON (with "ms", the wall time, next to "meta")
Sizes shrink with NNLAB_QUICK=1. CIFAR-10 comes from the cache, a mirror (NNLAB_DATA_MIRROR) or the
official URL. The backend is picked as in a notebook (NNLAB_DEVICE=cpu|gpu, else auto).`,
  spec: { flags: ['json'], options: { ...MONITOR_VALUE_OPTIONS, png: null } },
  run: runOnDevice(runMonitor),
};

/** Lesson 05's monitoring commands, for its lesson.ts (`commands: { ...MONITOR_COMMANDS }`). */
export const MONITOR_COMMANDS: Readonly<Record<string, Command>> = { monitor: MONITOR_COMMAND };
