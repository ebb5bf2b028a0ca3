/**
 * Lesson 12's gate figures: a circuit drawn the way the lecture draws them (inputs on the left,
 * gates as circles, forward values in green above each wire, gradients ∂f/∂value in red below it),
 * the patterns as a table, and the gate checks as a table.
 */
import { type Figure } from '../../show/figure';
import { showFigure } from '../../show/plot';
import { showTable } from '../../show/table';
import type { CircuitRecord, CircuitRun, GateChecksRecord, PatternRow } from './gatesRun';

/** The forward-value colour (green) and the gradient colour (red) of the circuit figures. */
export const CIRCUIT_COLOURS = { value: '#2ca02c', grad: '#d62728', wire: '#444444' } as const;

const SYMBOLS: Record<string, string> = { add: '+', multiply: '×', max: 'max', sigmoid: 'σ', tanh: 'tanh', relu: 'relu' };

/** A number for a wire: at most two decimals, no trailing zeros. */
export function wireNumber(v: number): string {
  const s = (Math.round(v * 100) / 100).toFixed(2).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
}

/**
 * The circuit as a plotly figure: shapes (gate circles) and annotations (wires as arrows, values
 * and gradients as labels, 35% along each wire). Columns are depths in the graph; a gate sits at
 * the mean height of its inputs.
 *
 * @example
 * const r = await nn.losses.circuit();
 * (nn.losses.circuitFigure(r.circuits[0]).layout.annotations as unknown[]).length   // 21
 */
export function circuitFigure(c: CircuitRun): Figure {
  const DX = 2.4; const R = 0.34;
  const pos: Record<string, { x: number; y: number; gate: boolean }> = {};
  c.inputs.forEach((name, i) => { pos[name] = { x: 0, y: (c.inputs.length - 1 - i) * 1.4, gate: false }; });
  const col: Record<string, number> = Object.fromEntries(c.inputs.map((n) => [n, 0]));
  for (const node of c.nodes) {
    const sources = Object.values(node.inputs);
    col[node.out] = 1 + Math.max(...sources.map((s) => col[s]));
    pos[node.out] = { x: col[node.out] * DX, y: sources.reduce((a, s) => a + pos[s].y, 0) / sources.length, gate: true };
  }
  const last = pos[c.output];
  const endX = last.x + DX;
  const annotations: Record<string, unknown>[] = [];
  const shapes: Record<string, unknown>[] = [];
  const label = (x: number, y: number, text: string, colour: string, yshift: number, anchor = 'center') =>
    annotations.push({ x, y, xref: 'x', yref: 'y', text, showarrow: false, font: { color: colour, size: 13 }, yshift, xanchor: anchor });
  // labels 35% along a wire, where wires converging on one gate are still apart
  const wire = (name: string, x0: number, y0: number, x1: number, y1: number, t = 0.35) => {
    annotations.push({ x: x1, y: y1, ax: x0, ay: y0, xref: 'x', yref: 'y', axref: 'x', ayref: 'y', text: '', showarrow: true, arrowhead: 2, arrowsize: 1, arrowwidth: 1.5, arrowcolor: CIRCUIT_COLOURS.wire });
    const mx = x0 + t * (x1 - x0); const my = y0 + t * (y1 - y0);
    label(mx, my, wireNumber(c.values[name]), CIRCUIT_COLOURS.value, 11);
    label(mx, my, wireNumber(c.grads[name] ?? 0), CIRCUIT_COLOURS.grad, -11);
  };
  for (const name of c.inputs) label(-0.15, pos[name].y, `<b>${name}</b>`, '#000000', 0, 'right');
  for (const node of c.nodes) {
    const p = pos[node.out];
    shapes.push({ type: 'circle', xref: 'x', yref: 'y', x0: p.x - R, x1: p.x + R, y0: p.y - R, y1: p.y + R, line: { color: CIRCUIT_COLOURS.wire, width: 1.5 }, fillcolor: '#ffffff' });
    label(p.x, p.y, SYMBOLS[node.gate] ?? node.gate, '#000000', 0);
    (annotations[annotations.length - 1].font as { size: number }).size = 16;
    for (const s of Object.values(node.inputs)) {
      const q = pos[s];
      const dx = p.x - q.x; const dy = p.y - q.y; const len = Math.hypot(dx, dy);
      const start = q.gate ? { x: q.x + (R * dx) / len, y: q.y + (R * dy) / len } : { x: q.x, y: q.y };
      wire(s, start.x, start.y, p.x - (R * dx) / len, p.y - (R * dy) / len);
    }
  }
  wire(c.output, last.x + R, last.y, endX, last.y, 0.5);
  label(endX + 0.1, last.y, `<b>${c.output}</b>`, '#000000', 0, 'left');
  const ys = Object.values(pos).map((p) => p.y);
  return {
    data: [{ type: 'scatter', x: [-1.2, endX + 0.9], y: [Math.min(...ys) - 0.6, Math.max(...ys) + 0.6], mode: 'markers', marker: { opacity: 0 }, hoverinfo: 'skip', showlegend: false }],
    layout: {
      title: { text: `${c.title}: values (green), gradients (red)` },
      xaxis: { visible: false, range: [-1.2, endX + 0.9] }, yaxis: { visible: false, range: [Math.min(...ys) - 0.6, Math.max(...ys) + 0.6], scaleanchor: 'x' },
      shapes, annotations, showlegend: false, height: 120 + 90 * c.inputs.length, margin: { l: 20, r: 20, t: 60, b: 20 },
    },
  };
}

/** The patterns as table rows. */
export function patternRows(rows: readonly PatternRow[]): Record<string, unknown>[] {
  return rows.map((p) => ({ gate: p.gate, x: p.x, y: p.y, dout: p.dout, dx: p.dx, dy: p.dy, pattern: p.pattern, holds: p.holds }));
}

/**
 * Draws both circuits and the patterns table.
 *
 * @example
 * nn.losses.showCircuit(await nn.losses.circuit());
 */
export function showCircuit(record: CircuitRecord): void {
  for (const c of record.circuits) showFigure(circuitFigure(c));
  showTable(patternRows(record.patterns), { title: 'The patterns of the backward pass' });
}

/** The gate checks as table rows. */
export function gateCheckRows(record: GateChecksRecord): Record<string, unknown>[] {
  return record.rows.map((r) => ({ gate: r.gate, gradient: `d${r.input}`, shape: `[${r.shape.join(', ')}]`, 'max rel. error': r.maxRelError.toExponential(1), verdict: r.verdict }));
}

/**
 * Draws the gate checks as a table.
 *
 * @example
 * nn.losses.showGateChecks(await nn.losses.gateChecks());
 */
export function showGateChecks(record: GateChecksRecord): void {
  showTable(gateCheckRows(record), { title: `Every gate against centred differences, float64, h = ${record.options.h}: worst ${record.worst.toExponential(1)} (${record.allRight ? 'all right' : 'NOT all right'}, threshold ${record.threshold})` });
}
