/**
 * `nnlab gradcheck`: lesson 12's gradient check of the gates from the terminal. `--dtype float64`
 * (the default) checks the float64 gates against centred differences at h = 1e-5 (every input
 * 'right', below 1e-7); `--dtype float32` checks the same ops written in tfjs (tf.grads against
 * float32 centred differences, h = 1e-3 unless `--h`): right gradients that still fail the float64
 * tolerance, relative errors of about 1e-4 … 1e-2. Per input: the worst relative error and the
 * lecture's verdict.
 */
import { optionValues, ParsedArgs } from '../../core/args';
import { Command } from '../../core/command';
import { GRAD_CHECK_THRESHOLDS } from '../../core/gradCheck';
import { number, oneOf, seed } from '../../core/options';
import { provenance } from '../../core/record';
import { runOnDevice } from '../../engine/device';
import { tableText } from '../../show/table';
import { checkGate, type GateCheckRow, sampleGateInputs } from './gateCheck';
import { checkGate32 } from './gateCheck32';
import { GATE_NAMES, type GateName } from './gates';

/** The values of `--gate`: a gate's name or all. */
export const GRADCHECK_GATES = [...GATE_NAMES, 'all'] as const;

const GRADCHECK_OPTIONS = {
  gate: oneOf(GRADCHECK_GATES, { default: 'all' }),
  dtype: oneOf(['float64', 'float32'] as const, { default: 'float64' }),
  h: number({ min: 1e-10, max: 0.1 }),
  seed: seed(),
} as const;

/** What `nnlab gradcheck --json` prints. */
export interface GradcheckReport {
  experiment: 'lossesGradcheck';
  dtype: 'float64' | 'float32';
  h: number;
  seed: number;
  rows: GateCheckRow[];
  worst: number;
  /** The float64 threshold of a right gradient (1e-7). */
  threshold: number;
  /** Every row below the threshold. */
  passes: boolean;
  backend: string;
  ms: number;
}

/**
 * The gradient check of `nnlab gradcheck` as a plain report (float64 gates or their tfjs float32 ops).
 *
 * @example
 * nn.losses.gradcheckReport({ gate: 'relu', dtype: 'float64' }).passes   // true
 */
export function gradcheckReport(o: { gate?: GateName | 'all'; dtype?: 'float64' | 'float32'; h?: number; seed?: number } = {}): GradcheckReport {
  const t0 = Date.now();
  const dtype = o.dtype ?? 'float64';
  const h = o.h ?? (dtype === 'float64' ? 1e-5 : 1e-3);
  const s = o.seed ?? 0;
  const gates: GateName[] = !o.gate || o.gate === 'all' ? [...GATE_NAMES] : [o.gate];
  const rows = gates.flatMap((name, k) => {
    const sample = sampleGateInputs(name, s + k);
    const check = dtype === 'float64' ? checkGate : checkGate32;
    return check(name, sample.inputs, { h, seed: s + k, gateOptions: sample.options });
  });
  const worst = Math.max(...rows.map((r) => r.maxRelError));
  return {
    experiment: 'lossesGradcheck', dtype, h, seed: s, rows, worst, threshold: GRAD_CHECK_THRESHOLDS.right,
    passes: worst < GRAD_CHECK_THRESHOLDS.right, backend: provenance().backend, ms: Date.now() - t0,
  };
}

/** The report as text: a table and a verdict line. */
export function gradcheckText(r: GradcheckReport): string {
  const table = tableText({
    columns: ['gate', 'input', 'shape', 'max rel. error', 'verdict'],
    rows: r.rows.map((x) => [x.gate, `d${x.input}`, `[${x.shape.join(', ')}]`, x.maxRelError.toExponential(1), x.verdict]),
  });
  const line = r.passes
    ? `every input below ${r.threshold} in ${r.dtype} (h = ${r.h}): the backward passes are right`
    : `${r.rows.filter((x) => x.maxRelError >= r.threshold).length} of ${r.rows.length} inputs at or above ${r.threshold} in ${r.dtype} (h = ${r.h}; worst ${r.worst.toExponential(1)})` +
      (r.dtype === 'float32' ? ': float32 differences keep only a few digits; check in float64, or use a float32 tolerance of about 1e-2' : '');
  return `${table}\n${line}`;
}

/** Runs `nnlab gradcheck` for parsed arguments, without choosing a device. */
export async function runGradcheck(a: ParsedArgs): Promise<string> {
  const v = optionValues('gradcheck', a, GRADCHECK_OPTIONS) as { gate?: GateName | 'all'; dtype?: 'float64' | 'float32'; h?: number; seed?: number };
  const r = gradcheckReport(v);
  return a.flags.has('json') ? JSON.stringify(r, null, 2) : gradcheckText(r);
}

export const GRADCHECK_COMMAND: Command = {
  summary: 'lesson 12: every gate\'s backward pass against centred differences (float64 passes 1e-7; the same ops in tfjs float32 do not)',
  usage: `nnlab gradcheck [--gate ${GRADCHECK_GATES.join('|')}] [--dtype float64|float32] [--h H] [--seed S] [--json]

The gates of nn.losses.GATES checked on seeded inputs away from kinks; per input the largest relative
error |a − n| / max(|a|, |n|) over its coordinates and the lecture's verdict (< 1e-7 right).
  --gate NAME     one gate, or all (default)
  --dtype float64 the float64 JS gates, centred differences with h = 1e-5 (default)
  --dtype float32 the same ops in tfjs: tf.grads against float32 centred differences (h = 1e-3)
  --h H           the step of the centred differences
  --seed S        the seed of the inputs (default 0)
  --json          print the report as JSON`,
  spec: { flags: ['json'], options: GRADCHECK_OPTIONS },
  run: runOnDevice(runGradcheck),
};

/** Lesson 12's gate commands, for its lesson.ts (`commands: { ...GATES_COMMANDS }`). */
export const GATES_COMMANDS: Readonly<Record<string, Command>> = { gradcheck: GRADCHECK_COMMAND };
