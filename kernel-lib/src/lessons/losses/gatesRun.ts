/**
 * Lesson 12's gate experiments:
 *
 * - `gateChecks`: every gate's backward pass against centred differences in float64 at h = 1e-5 on
 *   seeded inputs away from kinks: a row per gate and input with the worst relative error and the
 *   lecture's verdict (all 'right', below 1e-7);
 * - `circuit`: the lecture's two circuits run through {@link runGraph} (f = (x + y)·z and the
 *   sigmoid neuron σ(w0·x0 + w1·x1 + w2)), every value and gradient, and the three patterns of
 *   the backward pass (add distributes, multiply swaps, max routes) checked on one example.
 *
 * @example
 * const r = await nn.losses.gateChecks({ gates: ['affine', 'relu'] });
 * r.allRight   // true
 */
import { ArgumentError } from '../../core/errors';
import { GRAD_CHECK_THRESHOLDS } from '../../core/gradCheck';
import { defineOptions, list, number, oneOf, type OptionsOf, seed } from '../../core/options';
import { provenance, type ExperimentRecord } from '../../core/record';
import { experimentProgress } from '../../show/progress';
import { checkGate, type GateCheckRow, sampleGateInputs } from './gateCheck';
import { GATE_NAMES, GATES, type Value64 } from './gates';
import { NEURON_NODES, runGraph, SUM_TIMES_NODES, type GraphNode } from './graph';

// ---------------------------------------------------------------------------------- gateChecks

export const GATE_CHECKS_DEFAULTS = { gates: GATE_NAMES, seed: 0, h: 1e-5 } as const;

export const GATE_CHECKS_OPTIONS = defineOptions('losses.gateChecks', {
  gates: list(oneOf(GATE_NAMES), { minLength: 1, maxLength: GATE_NAMES.length, unique: true, default: GATE_CHECKS_DEFAULTS.gates }),
  seed: seed(),
  h: number({ min: 1e-10, max: 0.1, default: GATE_CHECKS_DEFAULTS.h }),
});

export type GateChecksOptions = OptionsOf<typeof GATE_CHECKS_OPTIONS.fields>;

export interface GateChecksRecord extends ExperimentRecord<{ gates: string[]; seed: number; h: number }> {
  experiment: 'lossesGateChecks';
  rows: GateCheckRow[];
  /** The largest relative error of all rows. */
  worst: number;
  /** The float64 threshold of a right gradient (1e-7). */
  threshold: number;
  /** Every row below the threshold. */
  allRight: boolean;
  meta: { ms: number };
}

/**
 * Checks every gate (or `gates`) against centred differences in float64: a row per gate and input.
 *
 * @example
 * const r = await nn.losses.gateChecks();
 * r.rows.length   // 22: one per differentiable input of the 13 gates
 */
export async function gateChecks(options: GateChecksOptions = {}): Promise<GateChecksRecord> {
  const t0 = Date.now();
  const { config, progress } = GATE_CHECKS_OPTIONS.take(options);
  const bar = experimentProgress(progress, { label: 'gate checks' });
  const rows: GateCheckRow[] = [];
  config.gates.forEach((name, k) => {
    const s = sampleGateInputs(name, config.seed + k);
    rows.push(...checkGate(name, s.inputs, { h: config.h, seed: config.seed + k, gateOptions: s.options }));
    bar.report({ done: k + 1, total: config.gates.length, phase: name, metrics: {} });
  });
  bar.finish();
  const worst = Math.max(...rows.map((r) => r.maxRelError));
  return {
    experiment: 'lossesGateChecks', options: { gates: [...config.gates], seed: config.seed, h: config.h }, ...provenance(),
    rows, worst, threshold: GRAD_CHECK_THRESHOLDS.right, allRight: worst < GRAD_CHECK_THRESHOLDS.right, meta: { ms: Date.now() - t0 },
  };
}

// ------------------------------------------------------------------------------------- circuit

export const CIRCUIT_DEFAULTS = { x: -2, y: 5, z: -4, w: [2, -3, -3], inputs: [-1, -2] } as const;

const coordinate = number({ min: -1e6, max: 1e6 });

export const CIRCUIT_OPTIONS = defineOptions('losses.circuit', {
  x: number({ min: -1e6, max: 1e6, default: CIRCUIT_DEFAULTS.x }),
  y: number({ min: -1e6, max: 1e6, default: CIRCUIT_DEFAULTS.y }),
  z: number({ min: -1e6, max: 1e6, default: CIRCUIT_DEFAULTS.z }),
  w: list(coordinate, { minLength: 3, maxLength: 3, default: CIRCUIT_DEFAULTS.w }),
  inputs: list(coordinate, { minLength: 2, maxLength: 2, default: CIRCUIT_DEFAULTS.inputs }),
});

export type CircuitOptions = OptionsOf<typeof CIRCUIT_OPTIONS.fields>;

/** One circuit as run: its nodes (gate names), graph inputs, every value and gradient. */
export interface CircuitRun {
  name: 'sumTimes' | 'neuron';
  title: string;
  nodes: { out: string; gate: string; inputs: Record<string, string> }[];
  /** The graph's input names, in order. */
  inputs: string[];
  output: string;
  values: Record<string, number>;
  grads: Record<string, number>;
}

/** One pattern of the backward pass on one example. */
export interface PatternRow {
  gate: 'add' | 'multiply' | 'max';
  pattern: string;
  x: number; y: number; dout: number;
  dx: number; dy: number;
  /** What the pattern predicts for dx and dy. */
  expectedDx: number; expectedDy: number;
  holds: boolean;
}

export interface CircuitRecord extends ExperimentRecord<{ x: number; y: number; z: number; w: number[]; inputs: number[] }> {
  experiment: 'lossesCircuit';
  circuits: CircuitRun[];
  patterns: PatternRow[];
  meta: { ms: number };
}

function numbers(r: Record<string, Value64>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? v : v.data[0]]));
}

function runCircuit(name: CircuitRun['name'], title: string, nodes: readonly GraphNode[], inputs: Record<string, number>): CircuitRun {
  const g = runGraph(nodes, inputs);
  return {
    name, title, nodes: nodes.map((n) => ({ out: n.out, gate: n.gate as string, inputs: { ...n.inputs } })), inputs: Object.keys(inputs),
    output: g.output, values: numbers(g.values), grads: numbers(g.grads),
  };
}

/**
 * The three patterns of the backward pass on x, y and an upstream gradient dout.
 *
 * @example
 * nn.losses.gatePatterns(4, -2, 2).map((p) => [p.dx, p.dy])   // [[2, 2], [-4, 8], [2, 0]]
 */
export function gatePatterns(x = 4, y = -2, dout = 2): PatternRow[] {
  if (![x, y, dout].every(Number.isFinite)) throw new ArgumentError('x, y, dout', [x, y, dout], 'finite numbers');
  const rows: [PatternRow['gate'], string, number, number][] = [
    ['add', 'add distributes: both inputs get dout', dout, dout],
    ['multiply', 'multiply swaps: dx = dout·y, dy = dout·x', dout * y, dout * x],
    ['max', 'max routes: dout to the larger input, 0 to the other', x >= y ? dout : 0, x >= y ? 0 : dout],
  ];
  return rows.map(([name, pattern, expectedDx, expectedDy]) => {
    const g = GATES[name];
    const { cache } = g.forward({ x, y });
    const d = g.backward(dout, cache) as { dx: number; dy: number };
    return { gate: name, pattern, x, y, dout, dx: d.dx, dy: d.dy, expectedDx, expectedDy, holds: d.dx === expectedDx && d.dy === expectedDy };
  });
}

/**
 * The lecture's circuits through the graph evaluator, and the patterns.
 *
 * @example
 * const r = await nn.losses.circuit();
 * r.circuits[0].grads   // { f: 1, q: -4, z: 3, x: -4, y: -4 }
 */
export async function circuit(options: CircuitOptions = {}): Promise<CircuitRecord> {
  const t0 = Date.now();
  const o = CIRCUIT_OPTIONS.resolve(options);
  const { w, inputs: xs } = o;
  const circuits = [
    runCircuit('sumTimes', 'f(x, y, z) = (x + y) · z', SUM_TIMES_NODES, { x: o.x, y: o.y, z: o.z }),
    runCircuit('neuron', 'f(w, x) = σ(w0·x0 + w1·x1 + w2)', NEURON_NODES, { w0: w[0], x0: xs[0], w1: w[1], x1: xs[1], w2: w[2] }),
  ];
  return {
    experiment: 'lossesCircuit', options: { x: o.x, y: o.y, z: o.z, w: [...w], inputs: [...xs] }, ...provenance(),
    circuits, patterns: gatePatterns(), meta: { ms: Date.now() - t0 },
  };
}
