/**
 * The table of lesson 01: every activation function's value f(x) and derivative f'(x) at a few
 * points, read from `ACTIVATION_FUNCTIONS` (what `nnlab activations --at -10,0,10` prints).
 *
 * What a student should see: at x = -10 sigmoid, tanh, ReLU and GELU pass (almost) no gradient
 * back; the leaky ones pass α; ELU and SELU pass αe^x; at x = 10 only the sigmoids saturate.
 *
 * @example
 * const r = await nn.activations.functionsTable({ at: [-10, 0, 10] });
 * r.rows.find((row) => row.name === 'selu').derivative   // [7.98e-5, 1.758, 1.0507]
 * nn.activations.showFunctionsTable(r);
 */
import * as tf from '@tensorflow/tfjs';
import { defineOptions, float32Bytes, list, number, oneOf } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { experimentProgress } from '../../show/progress';
import { activationFunction, ACTIVATION_FUNCTION_NAMES, ActivationFamily, ActivationFunctionName } from './functions';
import { X_LIMIT } from './saturation';

/**
 * Defaults of {@link functionsTable}: every function at x = -10, -1, 0, 1, 10.
 *
 * @example
 * nn.activations.TABLE_DEFAULTS.at   // [-10, -1, 0, 1, 10]
 */
export const TABLE_DEFAULTS = { at: [-10, -1, 0, 1, 10], functions: ACTIVATION_FUNCTION_NAMES } as const;

/**
 * Points for drawing the functions as curves: x = -5, -4.95, ..., 5 (201 points).
 *
 * @example
 * const r = await nn.activations.functionsTable(nn.activations.CURVES);
 * nn.plot(nn.activations.familyFigure(r, 'relu'));
 */
export const CURVES = { at: Array.from({ length: 201 }, (_, i) => (i - 100) / 20) } as const;

/** The options of {@link functionsTable}, declared once (the CLI's --at is checked against `at`). */
export const TABLE_FIELDS = {
  at: list(number({ min: -X_LIMIT, max: X_LIMIT }), { minLength: 1, maxLength: 1000, default: TABLE_DEFAULTS.at }),
  functions: list(oneOf(ACTIVATION_FUNCTION_NAMES), { minLength: 1, maxLength: ACTIVATION_FUNCTION_NAMES.length, unique: true, default: TABLE_DEFAULTS.functions }),
};

export const TABLE_OPTIONS = defineOptions('activations.functionsTable', TABLE_FIELDS, {
  memory: (c) => ({ bytes: float32Bytes(8 * c.at.length), argument: 'at', what: `${c.at.length} points, a few float32 tensors of that size at once` }),
});

/** Options of {@link functionsTable}. */
export interface TableOptions {
  at?: readonly number[];
  functions?: readonly ActivationFunctionName[];
  /** Live progress, one event per function; never recorded. */
  progress?: ProgressOption;
}

export type TableConfig = ReturnType<typeof TABLE_OPTIONS.resolve>;

/** One function's values and derivatives at the points (float32, from the device). */
export interface TableRow {
  name: ActivationFunctionName;
  label: string;
  family: ActivationFamily;
  formula: string;
  derivativeFormula: string;
  params: Record<string, number>;
  x: number[];
  value: number[];
  derivative: number[];
}

/** What {@link functionsTable} returns: plain JSON. */
export interface FunctionsTableRecord {
  experiment: 'activationsTable';
  options: TableConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  rows: TableRow[];
  meta: { ms: number };
}

/**
 * f(x) and f'(x) of each chosen function at the points `at`. Every tensor is disposed.
 *
 * @example
 * const r = await nn.activations.functionsTable({ at: [-1, 1], functions: ['relu', 'gelu'] });
 * r.rows[1].value   // [-0.1587, 0.8413]
 */
export async function functionsTable(options: TableOptions = {}): Promise<FunctionsTableRecord> {
  const start = performance.now();
  const { config, progress } = TABLE_OPTIONS.take(options);
  const bar = experimentProgress(progress, { label: 'activations.functionsTable' });
  try {
    const rows: TableRow[] = [];
    for (const name of config.functions) {
      const f = activationFunction(name);
      const x = tf.tensor1d(config.at);
      const y = f.forward(x);
      const d = f.derivative(x);
      const [value, derivative] = await Promise.all([y.data(), d.data()]);
      tf.dispose([x, y, d]);
      rows.push({
        name, label: f.label, family: f.family, formula: f.formula, derivativeFormula: f.derivativeFormula, params: { ...f.params },
        x: [...config.at], value: Array.from(value), derivative: Array.from(derivative),
      });
      bar.report({ done: rows.length, total: config.functions.length, phase: name, metrics: {} });
    }
    return { experiment: 'activationsTable', options: config, ...provenance(), rows, meta: { ms: performance.now() - start } };
  } finally {
    bar.finish();
  }
}
