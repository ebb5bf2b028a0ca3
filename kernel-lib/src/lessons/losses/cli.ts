/**
 * `nnlab losses` and `nnlab grad-h`: lesson 12's worked example (softmax probabilities,
 * cross-entropy, hinge margins and both gradients for any scores) and the error-vs-h study of the
 * centred difference in float64 and float32, with the same plain records as
 * `nn.losses.lossShapes` and `nn.losses.gradErrorVsH` in a notebook.
 */
import { optionValues, ParsedArgs, UsageError } from '../../core/args';
import { Command, out } from '../../core/command';
import { runOnDevice } from '../../engine/device';
import { gradErrorVsHText, lossShapesText } from './figures';
import { gradErrorVsH, GRAD_H_FIELDS, GradErrorVsHOptions } from './gradNumerics';
import { lossShapes, LOSS_SHAPES_FIELDS } from './lossShapes';

const LOSSES_VALUE_OPTIONS = { label: LOSS_SHAPES_FIELDS.label, delta: LOSS_SHAPES_FIELDS.delta } as const;

/** `--scores 3.2,5.1,-1.7` -> [3.2, 5.1, -1.7] (a named usage error otherwise). */
export function parseScores(text: unknown): number[] {
  const parts = String(text).split(',').map((s) => s.trim());
  const values = parts.map(Number);
  if (parts.length < 2 || parts.some((p) => p === '') || !values.every(Number.isFinite)) {
    throw new UsageError(`losses: --scores must be at least 2 comma-separated numbers (3.2,5.1,-1.7), got "${String(text)}"`);
  }
  return values;
}

/** Runs `nnlab losses` for parsed arguments (float64 JS: no backend needed). */
export async function runLosses(a: ParsedArgs): Promise<string> {
  const o = optionValues('losses', a, LOSSES_VALUE_OPTIONS) as { label?: number; delta?: number };
  const scores = a.options.scores === undefined ? undefined : parseScores(a.options.scores);
  const record = lossShapes({ ...o, ...(scores ? { scores } : {}), points: 2 });
  if (a.flags.has('json')) {
    const { example, classes, hingeZeroFrom, crossEntropyGradAtHingeZero, sanity, options } = record;
    return JSON.stringify({ experiment: record.experiment, options, classes, ...example, hingeZeroFrom, crossEntropyGradAtHingeZero, sanity, ms: record.meta.ms }, null, 2);
  }
  return lossShapesText(record);
}

export const LOSSES_COMMAND: Command = {
  summary: 'lesson 12: softmax probabilities, cross-entropy, hinge margins and both gradients for one example\'s class scores',
  usage: `nnlab losses [--scores 3.2,5.1,-1.7] [--label 0] [--delta 1] [--json]

Prints, per class, the score, the softmax probability (max trick), ∂CE/∂s = p − onehot, the hinge
margin max(0, s_j − s_y + Δ) and ∂hinge/∂s; then the cross-entropy −log p_y, the hinge loss and
the score from which hinge is 0 while cross-entropy still pushes.
  --scores S   comma-separated class scores (default 3.2,5.1,-1.7: cat, car, frog)
  --label Y    the correct class, 0-based (default 0)
  --delta D    the hinge's margin Δ (default 1)
  --json       print the numbers as JSON (probs, crossEntropy, dCrossEntropy, margins, hinge, dHinge, ...)`,
  spec: { flags: ['json'], options: { ...LOSSES_VALUE_OPTIONS, scores: null } },
  async run(a) { out(await runLosses(a)); return 0; },
};

const GRAD_H_VALUE_OPTIONS = { 'per-decade': GRAD_H_FIELDS.perDecade, seed: GRAD_H_FIELDS.seed } as const;

/** Runs `nnlab grad-h` for parsed arguments. */
export async function runGradH(a: ParsedArgs): Promise<string> {
  const { 'per-decade': perDecade, ...rest } = optionValues('grad-h', a, GRAD_H_VALUE_OPTIONS);
  const record = await gradErrorVsH({ ...(rest as GradErrorVsHOptions), ...(perDecade === undefined ? {} : { perDecade: perDecade as number }), progress: false });
  return a.flags.has('json') ? JSON.stringify({ ...record, ms: record.meta.ms }, null, 2) : gradErrorVsHText(record);
}

export const GRAD_H_COMMAND: Command = {
  summary: 'lesson 12: the centred difference\'s error against h in float64 and float32 (best h near ∛ε)',
  usage: `nnlab grad-h [--per-decade 4] [--seed 0] [--json]

Checks the gradient of a small softmax classifier's loss by centred differences at h from 1 down
to 1e-12, in float64 JS and in tfjs float32 tensors, and prints per dtype the best h, ∛ε, the error
there and at h = 1e-5 (float32 fails the 1e-7 tolerance there), and the lesson's tolerances.
  --per-decade N   values of h per decade (default 4)
  --seed S         seed of X and W (default 0)
  --json           print the record as JSON (with "ms", the wall time, next to "meta")`,
  spec: { flags: ['json'], options: { ...GRAD_H_VALUE_OPTIONS } },
  run: runOnDevice(runGradH),
};
