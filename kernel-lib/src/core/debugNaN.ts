/**
 * `nn.debugNaN()`: find the op that made the first NaN (issue 17). A NaN in a loss is usually the
 * end of a chain — a log of 0 or of a negative number, 0 / 0, the sqrt of a negative variance, an
 * overflow — and by the time it reaches the loss every tensor after it is NaN too. In this mode
 * every kernel tfjs runs (forward ops, gradients, layers) has its output read back; the first
 * kernel whose inputs are free of NaN but whose output is not throws a NaNError naming the kernel,
 * its inputs (dtype, shape, range, infinite values) and where the NaN sits. Reading back every op
 * is slow: turn it on to find a bug, then off.
 *
 * @example
 * nn.debugNaN();                       // on
 * tf.tidy(() => tf.log(tf.tensor1d([1, -1])).sum());
 * // NaNError: NaN first made by the op Log: 1 of 2 values are NaN (the first at [1]); its input x:
 * //   float32 [2], values in [-1, 1]. Log is NaN for inputs < 0.
 * nn.debugNaN(false);                  // off
 */
import * as tf from '@tensorflow/tfjs';
import { checkBoolean } from './errors';
import { indexOf } from './tensorChecks';

/** The error debugNaN throws; `kernel` is tfjs's kernel name ("Log", "RealDiv", "Sqrt"). */
export class NaNError extends Error {
  readonly kernel: string;
  constructor(kernel: string, message: string) {
    super(message);
    this.name = 'NaNError';
    this.kernel = kernel;
  }
}

type KernelParams = { kernelName?: string; inputs: Record<string, tf.Tensor>; attrs?: Record<string, unknown> };
type Engine = { runKernelFunc(params: KernelParams): tf.Tensor | tf.Tensor[] };

let original: Engine['runKernelFunc'] | null = null;

/** Why a kernel gives NaN, for the kernels where a student meets it. */
const CAUSES: Record<string, string> = {
  Log: 'Log is NaN for inputs < 0 (and -Infinity at 0)',
  Log1p: 'Log1p is NaN for inputs < -1',
  Sqrt: 'Sqrt is NaN for inputs < 0 (a variance below 0 from rounding? add eps first)',
  Rsqrt: 'Rsqrt is NaN for inputs < 0',
  RealDiv: '0 / 0 and Infinity / Infinity are NaN',
  Pow: 'a negative base to a fractional power is NaN',
  Mul: '0 x Infinity is NaN',
  Sub: 'Infinity - Infinity is NaN',
  Add: 'Infinity + (-Infinity) is NaN',
  Acos: 'Acos is NaN outside [-1, 1]',
  Asin: 'Asin is NaN outside [-1, 1]',
};

/**
 * Turns NaN debugging on (default) or off. While on, every tfjs kernel's output is checked, and the
 * first kernel that turns NaN-free inputs into a NaN throws a {@link NaNError}.
 *
 * @example
 * nn.debugNaN();
 * await nn.batchNorm.learningRates({ lrs: [1e6] }); // throws at the first op that makes a NaN
 * nn.debugNaN(false);
 */
export function debugNaN(on: boolean = true): void {
  checkBoolean('on', on);
  const engine = tf.engine() as unknown as Engine;
  if (on && original === null) {
    const run = engine.runKernelFunc;
    original = run;
    engine.runKernelFunc = function checked(this: Engine, params: KernelParams) {
      const out = run.call(this, params);
      checkKernel(params, out);
      return out;
    };
  } else if (!on && original !== null) {
    engine.runKernelFunc = original;
    original = null;
  }
}

/** Whether {@link debugNaN} is on. */
export function debuggingNaN(): boolean {
  return original !== null;
}

function checkKernel(params: KernelParams, out: tf.Tensor | tf.Tensor[]): void {
  const outputs = Array.isArray(out) ? out : [out];
  const bad = outputs.map((t) => ({ t, nan: nanInfo(t) })).find((o) => o.nan !== null);
  if (!bad || bad.nan === null) return;
  const inputs = Object.entries(params.inputs ?? {}).filter(([, t]) => t instanceof tf.Tensor);
  if (inputs.some(([, t]) => nanInfo(t) !== null)) return; // not the first: its input was NaN already
  const kernel = params.kernelName ?? 'a custom gradient';
  const described = inputs.map(([name, t]) => `${name}: ${t.dtype} [${t.shape.join(', ')}]${rangeText(t)}`).join('; ');
  const message = `NaN first made by the op ${kernel}: ${bad.nan.count} of ${bad.t.size} values are NaN ` +
    `(the first at [${indexOf(bad.nan.first, bad.t.shape).join(', ')}]); ${inputs.length === 1 ? 'its input' : 'its inputs'} ` +
    `${described || 'none'}. ${CAUSES[kernel] ?? ''}`.trim() + `${caller()} (nn.debugNaN(false) turns this check off)`;
  for (const t of outputs) t.dispose();
  throw new NaNError(kernel, message);
}

function nanInfo(t: tf.Tensor): { count: number; first: number } | null {
  if (t.isDisposed || (t.dtype !== 'float32' && t.dtype !== 'complex64')) return null;
  const values = t.dataSync() as Float32Array;
  let count = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== values[i]) {
      if (first < 0) first = i;
      count += 1;
    }
  }
  return count ? { count, first } : null;
}

function rangeText(t: tf.Tensor): string {
  if (t.dtype !== 'float32' || t.size === 0) return '';
  const v = t.dataSync() as Float32Array;
  let lo = Infinity;
  let hi = -Infinity;
  let inf = 0;
  for (let i = 0; i < v.length; i++) {
    if (v[i] === Infinity || v[i] === -Infinity) inf += 1;
    else { if (v[i] < lo) lo = v[i]; if (v[i] > hi) hi = v[i]; }
  }
  const range = lo <= hi ? `, values in [${fmt(lo)}, ${fmt(hi)}]` : '';
  return `${range}${inf ? `, ${inf} infinite` : ''}`;
}

const fmt = (x: number): string => (x === 0 ? '0' : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? String(Number(x.toPrecision(4))) : x.toExponential(2));

/** " (called from cell 3, line 2)" style: the first stack frame outside tfjs and this file. */
function caller(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(1).map((l) => l.trim());
  const frame = frames.find((f) => !/node_modules|debugNaN|node:internal|<anonymous>$/.test(f) && /\(|at /.test(f));
  if (!frame) return '';
  const where = /\((.*)\)$/.exec(frame)?.[1] ?? frame.replace(/^at /, '');
  return `; called from ${where}`;
}
