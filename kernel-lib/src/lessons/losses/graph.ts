/**
 * A computational graph of gates: a list of nodes, each a gate applied to named values. The
 * forward pass runs the nodes in order and stores every value; the backward pass runs them in
 * reverse, starting from ∂f/∂f = 1 at the last node's output, and hands each node the gradient of
 * its output; each node's backward gives the gradients of its inputs, which are ADDED to what
 * those values already have (a value that fans out to two gates gets both gradients: the
 * multivariable chain rule).
 *
 * @example
 * const g = nn.losses.runGraph([
 *   { out: 'q', gate: 'add', inputs: { x: 'x', y: 'y' } },
 *   { out: 'f', gate: 'multiply', inputs: { x: 'q', y: 'z' } },
 * ], { x: -2, y: 5, z: -4 });
 * g.values.f   // -12
 * g.grads.x    // -4
 */
import { ArgumentError, describe } from '../../core/errors';
import { type Array64, array64 } from '../../nets/array64';
import { gate, type Gate, type GateName, type Value64 } from './gates';

/** One node: `out = gate(inputs)`, its inputs given as names of values (graph inputs or earlier outputs). */
export interface GraphNode {
  /** The name of the value it produces. */
  out: string;
  /** A gate name of GATES, or a gate object. */
  gate: GateName | Gate;
  /** The gate's input name → the value's name. */
  inputs: Record<string, string>;
  /** The gate's options (dropout's p and seed, conv's stride, ...). */
  options?: Record<string, unknown>;
}

/** What {@link runGraph} gives back. */
export interface GraphRun {
  /** Every value: the graph's inputs and each node's output. */
  values: Record<string, Value64>;
  /** ∂(last output)/∂value for every value with a gradient (constants such as labels have none). */
  grads: Record<string, Value64>;
  /** The name of the output (the last node's `out`). */
  output: string;
}

function addInto(a: Value64 | undefined, b: Value64): Value64 {
  if (a === undefined) return typeof b === 'number' ? b : { shape: [...b.shape], data: Float64Array.from(b.data) };
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (typeof a !== 'number' && typeof b !== 'number' && a.data.length === b.data.length) {
    const out: Array64 = array64(a.shape);
    for (let i = 0; i < out.data.length; i++) out.data[i] = a.data[i] + b.data[i];
    return out;
  }
  throw new ArgumentError('graph', b, 'gradients of one shape per value', 'graph: two gradients of one value have different shapes');
}

/**
 * Runs a graph forward and backward (from dout = 1, or `dout`, at the last node's output).
 *
 * @example
 * const g = nn.losses.runGraph([{ out: 'a', gate: 'multiply', inputs: { x: 'x', y: 'x' } }], { x: 3 });
 * g.grads.x   // 6: x fans out to both inputs of the gate, and the two gradients add
 */
export function runGraph(nodes: readonly GraphNode[], inputs: Record<string, unknown>, dout: Value64 = 1): GraphRun {
  if (!Array.isArray(nodes) || nodes.length === 0) throw new ArgumentError('nodes', nodes, 'a non-empty array of { out, gate, inputs }');
  if (!inputs || typeof inputs !== 'object') throw new ArgumentError('inputs', inputs, 'an object of named values');
  const values: Record<string, Value64> = { ...(inputs as Record<string, Value64>) };
  const caches: unknown[] = [];
  const gates: Gate[] = [];
  nodes.forEach((node, k) => {
    if (!node || typeof node !== 'object' || typeof node.out !== 'string') throw new ArgumentError(`nodes[${k}]`, node, 'a node { out, gate, inputs }');
    const g = typeof node.gate === 'string' ? gate(node.gate) : node.gate;
    if (node.out in values) throw new ArgumentError(`nodes[${k}].out`, node.out, 'a new value name', `graph: value "${node.out}" is produced twice (nodes[${k}])`);
    const args: Record<string, unknown> = {};
    for (const [name, from] of Object.entries(node.inputs ?? {}) as [string, string][]) {
      if (!(from in values)) throw new ArgumentError(`nodes[${k}].inputs.${name}`, from, 'a graph input or an earlier output', `graph: nodes[${k}] (${g.name}) reads "${from}", which is neither a graph input nor an earlier node's output`);
      args[name] = values[from];
    }
    const r = g.forward(args, node.options);
    values[node.out] = r.out;
    caches.push(r.cache);
    gates.push(g);
  });
  const output = nodes[nodes.length - 1].out;
  const grads: Record<string, Value64> = { [output]: dout };
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k];
    const g = grads[node.out];
    if (g === undefined) continue; // the output does not reach the last node
    const d = gates[k].backward(g, caches[k]);
    for (const [name, from] of Object.entries(node.inputs) as [string, string][]) {
      if (gates[k].constants.includes(name)) continue;
      const dv = d[`d${name}`];
      if (dv === undefined) throw new ArgumentError('gate', gates[k].name, `a backward pass that returns d${name}`, `graph: ${gates[k].name}.backward returned no d${name} (got ${describe(Object.keys(d))})`);
      grads[from] = addInto(grads[from], dv);
    }
  }
  return { values, grads, output };
}

// -------------------------------------------------------------------------------- the circuits

/** The lecture's first circuit: q = x + y, f = q·z. */
export const SUM_TIMES_NODES: readonly GraphNode[] = [
  { out: 'q', gate: 'add', inputs: { x: 'x', y: 'y' } },
  { out: 'f', gate: 'multiply', inputs: { x: 'q', y: 'z' } },
];

/** The sigmoid neuron f = σ(w0·x0 + w1·x1 + w2), gate by gate. */
export const NEURON_NODES: readonly GraphNode[] = [
  { out: 'w0x0', gate: 'multiply', inputs: { x: 'w0', y: 'x0' } },
  { out: 'w1x1', gate: 'multiply', inputs: { x: 'w1', y: 'x1' } },
  { out: 'sum', gate: 'add', inputs: { x: 'w0x0', y: 'w1x1' } },
  { out: 's', gate: 'add', inputs: { x: 'sum', y: 'w2' } },
  { out: 'f', gate: 'sigmoid', inputs: { x: 's' } },
];
