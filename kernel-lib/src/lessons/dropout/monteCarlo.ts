/**
 * Monte-Carlo statistics of the expectation experiment (lesson 09): running float64 sums of the
 * gap d = train - test per value, its mean and standard error se = std / sqrt(n), and the largest
 * |gap| / se. Internal to {@link expectation}.
 */

/** Running float64 sums of d = train - test per entry, and of the per-mask averages over entries. */
export class GapAccumulator {
  readonly sum: Float64Array;
  readonly sumSq: Float64Array;
  avgSum = 0;
  avgSumSq = 0;
  count = 0;
  constructor(readonly entries: number) {
    this.sum = new Float64Array(entries);
    this.sumSq = new Float64Array(entries);
  }

  /** Adds `samples` masks' values, row-major [sample, entry], against the test values. */
  add(values: Float32Array, test: readonly number[], samples: number): void {
    const k = this.entries;
    for (let s = 0; s < samples; s++) {
      let avg = 0;
      for (let i = 0; i < k; i++) {
        const d = values[s * k + i] - test[i];
        this.sum[i] += d;
        this.sumSq[i] += d * d;
        avg += d;
      }
      avg /= k;
      this.avgSum += avg;
      this.avgSumSq += avg * avg;
    }
    this.count += samples;
  }

  /** Mean gap and standard error per entry, and of the average over entries. */
  result(): { gap: number[]; se: number[]; meanGap: number; meanGapSe: number } {
    const n = this.count;
    const stat = (sum: number, sumSq: number) => {
      const mean = sum / n;
      const variance = Math.max(0, (sumSq - n * mean * mean) / (n - 1));
      return { mean, se: Math.sqrt(variance / n) };
    };
    const per = Array.from(this.sum, (s, i) => stat(s, this.sumSq[i]));
    const avg = stat(this.avgSum, this.avgSumSq);
    return { gap: per.map((q) => q.mean), se: per.map((q) => q.se), meanGap: avg.mean, meanGapSe: avg.se };
  }
}

/** |a| / se, with 0 for 0 / 0 and null for a nonzero difference with se = 0 (infinitely many SE). */
export function maxAbsZ(diffs: readonly number[], se: readonly number[]): number | null {
  let max = 0;
  for (let i = 0; i < diffs.length; i++) {
    if (diffs[i] === 0) continue;
    if (se[i] === 0) return null;
    max = Math.max(max, Math.abs(diffs[i]) / se[i]);
  }
  return max;
}
