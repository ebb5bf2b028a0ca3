/**
 * Small tensors as one table: for following an algorithm one tensor at a time (lesson 04 steps
 * through batch norm's μ_B, σ²_B, x̂ and y). Each 1-D tensor is one row, each 2-D tensor one row per
 * row of it, and the columns are the features (the last axis): "feature 0", "feature 1", ...
 *
 * @example
 * await nn.batchNorm.showTensors({ x, 'μ_B': mu, 'σ²_B': sigma2, 'x̂': xHat }, { title: 'Batch norm, step by step' });
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../core/errors';
import { showTable } from './table';

/**
 * The rows of a stack of small named matrices and vectors over the same D columns ("feature 0", ...):
 * a vector `v` gives the row "v", a matrix `m` the rows "m[0]", "m[1]", ...
 *
 * @example
 * tensorStackRows({ x: [[1, 2], [3, 4]], 'μ_B': [2, 3] });
 * // [{ '': 'x[0]', 'feature 0': 1, 'feature 1': 2 }, { '': 'x[1]', ... }, { '': 'μ_B', 'feature 0': 2, 'feature 1': 3 }]
 */
export function tensorStackRows(named: Readonly<Record<string, readonly number[] | readonly (readonly number[])[]>>): Record<string, number | string>[] {
  const rows: Record<string, number | string>[] = [];
  let D: number | null = null;
  for (const [name, value] of Object.entries(named)) {
    const matrix = (Array.isArray(value[0]) ? value : [value]) as readonly (readonly number[])[];
    for (const [i, row] of matrix.entries()) {
      if (D === null) D = row.length;
      if (row.length !== D) throw new ArgumentError(`${name}[${i}].length`, row.length, `${D} (every row has one value per feature)`);
      const label = matrix.length === 1 && !Array.isArray(value[0]) ? name : `${name}[${i}]`;
      rows.push({ '': label, ...Object.fromEntries(row.map((v, j) => [`feature ${j}`, v])) });
    }
  }
  return rows;
}

/**
 * Shows small 1-D and 2-D tensors stacked in one table, one column per feature (the last axis).
 * Reads each tensor once (await: works on every backend); the tensors stay the caller's.
 *
 * @example
 * const x = tf.randomNormal([4, 3], 5, 3, 'float32', 1);
 * const mu = x.mean(0), sigma2 = x.sub(mu).square().mean(0);
 * await nn.batchNorm.showTensors({ x, 'μ_B': mu, 'σ²_B': sigma2 }, { title: 'Batch norm in training mode' });
 */
export async function showTensors(named: Readonly<Record<string, tf.Tensor>>, opts: { title?: string; digits?: number } = {}): Promise<void> {
  const values: Record<string, number[] | number[][]> = {};
  for (const [name, t] of Object.entries(named)) {
    if (!(t instanceof tf.Tensor) || (t.rank !== 1 && t.rank !== 2)) {
      throw new ArgumentError(`${name}.shape`, t instanceof tf.Tensor ? [...t.shape] : t, 'a 1-D or 2-D tensor');
    }
    values[name] = (await t.array()) as number[] | number[][];
  }
  showTable(tensorStackRows(values), opts);
}
