/**
 * `nnlab augment`: lesson 08's data augmentation from the terminal: a grid of augmented draws of
 * real test images (`--png FILE` writes it), the cost of each op per batch, or the small CNN trained
 * with and without augmentation, with the same options and records as `nn.regularization.augment*`.
 */
import { writeFileSync } from 'fs';
import { optionValues, ParsedArgs } from '../../core/args';
import { Command } from '../../core/command';
import { oneOf } from '../../core/options';
import { runOnDevice } from '../../engine/device';
import { augmentEffect } from './augmentEffect';
import { augmentCost, augmentGrid, GRID_OPTIONS } from './augmentRun';
import { augmentCostText, augmentEffectText, augmentGridPng, augmentGridText } from './figuresAugment';

/** What `nnlab augment --show` runs. */
export const AUGMENT_WHAT = ['grid', 'cost', 'effect'] as const;

const AUGMENT_VALUE_OPTIONS = {
  show: oneOf(AUGMENT_WHAT, { default: 'grid' }),
  dataset: GRID_OPTIONS.fields.dataset, ops: GRID_OPTIONS.fields.ops, n: GRID_OPTIONS.fields.n, images: GRID_OPTIONS.fields.images, seed: GRID_OPTIONS.fields.seed,
} as const;

/** Runs `nnlab augment` for parsed arguments, without choosing a device; returns its text or JSON. */
export async function runAugment(a: ParsedArgs): Promise<string> {
  const v = optionValues('augment', a, AUGMENT_VALUE_OPTIONS) as { show?: typeof AUGMENT_WHAT[number]; dataset?: 'cifar-10'; ops?: string[]; n?: number; images?: number; seed?: number };
  const json = <R extends { meta: { ms: number } }>(r: R) => JSON.stringify({ ...r, ms: r.meta.ms }, null, 2);
  const seed = v.seed === undefined ? {} : { seed: v.seed };
  const dataset = v.dataset === undefined ? {} : { dataset: v.dataset };
  switch (v.show ?? 'grid') {
    case 'grid': {
      const r = await augmentGrid({ ...seed, ...dataset, ...(v.ops ? { ops: v.ops as never } : {}), ...(v.n ? { n: v.n } : {}), ...(v.images ? { images: v.images } : {}) });
      if (a.options.png !== undefined) {
        writeFileSync(a.options.png, augmentGridPng(r));
        return a.flags.has('json') ? json({ ...r, pixels: `${r.pixels.length} base64 characters, written as ${a.options.png}` }) : `${augmentGridText(r)}\nthe grid: ${a.options.png}`;
      }
      return a.flags.has('json') ? json(r) : augmentGridText(r);
    }
    case 'cost': {
      const r = await augmentCost({ ...seed, ...dataset, ...(v.ops ? { pipeline: v.ops as never } : {}), progress: false });
      return a.flags.has('json') ? json(r) : augmentCostText(r);
    }
    case 'effect': {
      const r = await augmentEffect({ ...seed, ...dataset, ...(v.ops ? { ops: v.ops as never } : {}), progress: false });
      return a.flags.has('json') ? json(r) : augmentEffectText(r);
    }
  }
}

export const AUGMENT_COMMAND: Command = {
  summary: 'lesson 08: data augmentation: a grid of augmented CIFAR-10 images, the cost per op, the effect on a small CNN',
  usage: `nnlab augment [--show grid|cost|effect] [--dataset cifar-10] [--ops flip,crop,jitter] [--n 8] [--images 4] [--seed 0] [--png FILE] [--json]

Data augmentation as tfjs ops on a whole batch (seeded per batch, labels untouched):
  grid     real test images, each followed by N augmented draws (--png FILE writes the grid)
  cost     ms per batch of 128 of each op and of the pipeline, against one training step
  effect   the small CNN trained with and without augmentation: train/val accuracy and the gap
  --ops LIST      ops in order, from flip, crop, jitter, translate, rotate, cutout (default flip,crop,jitter; effect: flip,crop)
  --n N           draws per image (grid; default 8)
  --images K      test images, one row each (grid; default 4)
  --seed S        seed of the images and draws (default 0)
  --png FILE      with --show grid: write the grid as a PNG
  --json          print the record as JSON (with "ms", the wall time, next to "meta"; with --png the pixels are left out)
Sizes shrink with NNLAB_QUICK=1. The backend is picked as in a notebook (NNLAB_DEVICE=cpu|gpu, else auto).`,
  spec: { flags: ['json'], options: { ...AUGMENT_VALUE_OPTIONS, png: null } },
  run: runOnDevice(runAugment),
};

/** Lesson 08's augmentation commands, for its lesson.ts (`commands: { ...AUGMENT_COMMANDS }`). */
export const AUGMENT_COMMANDS: Readonly<Record<string, Command>> = { augment: AUGMENT_COMMAND };
