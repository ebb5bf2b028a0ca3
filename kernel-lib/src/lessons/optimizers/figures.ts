/**
 * Lesson 07's figures, records in, figure specs out (pure): the race on the surface's contour
 * plot, each optimizer's path in its own colour with a slider that steps every optimizer's
 * position forward together (plotly `restyle` steps in the layout: no animation frames, works
 * offline), the loss against the step on a log axis, and the second-order comparison.
 *
 * @example
 * const r = await nn.optimizers.optimizerRace({ surface: 'saddle' });
 * nn.plot(nn.optimizers.raceContourFigure(r));
 * nn.plot(nn.optimizers.raceLossFigure(r));
 */
import { Figure, lineFigure, SERIES_COLOURS, Trace } from '../../show/figure';
import { showFigure } from '../../show/plot';
import { OPTIMIZER_LABELS, OptimizerName, OPTIMIZERS } from '../../nets/optim';
import { RaceRecord } from './race';
import { SecondOrderRecord } from './secondOrder';
import { Point, surface } from './surfaces';

/**
 * One colour per optimizer, the same in every figure of the lesson (plotly's category10, in the
 * order of `nn.nets.OPTIMIZERS`).
 *
 * @example
 * nn.optimizers.OPTIMIZER_COLOURS.adam   // '#8c564b'
 */
export const OPTIMIZER_COLOURS: Readonly<Record<OptimizerName, string>> = Object.fromEntries(
  OPTIMIZERS.map((name, i) => [name, SERIES_COLOURS[i % SERIES_COLOURS.length]])) as Record<OptimizerName, string>;

/** Positions the slider offers: about 50 evenly spaced steps, the last one included. */
function sliderSteps(steps: number): number[] {
  const every = Math.max(1, Math.ceil(steps / 50));
  const out: number[] = [];
  for (let k = 0; k <= steps; k += every) out.push(k);
  if (out[out.length - 1] !== steps) out.push(steps);
  return out;
}

/** Contour levels that show a surface's shape: log-spaced above its minimum for steep ones. */
function contourTrace(grid: { x: number[]; y: number[]; z: number[][] }, minValue: number, logScale: boolean): Trace {
  const z = logScale ? grid.z.map((row) => row.map((v) => Math.log10(v - minValue + 1e-3))) : grid.z;
  return {
    type: 'contour', x: grid.x, y: grid.y, z, ncontours: 25, showscale: false, colorscale: 'Greys', reversescale: true,
    contours: { coloring: 'lines' }, line: { width: 1 }, hoverinfo: 'skip', name: logScale ? 'log₁₀(f − f* + 10⁻³)' : 'f',
  };
}

/** f at a point, from the record's surface (the race's own parameters). */
function surfaceValue(record: RaceRecord, p: Point): number {
  const o = record.options;
  return surface(record.surface.name, { kappa: o.kappa ?? undefined, rotation: o.rotation ?? undefined, noise: o.noise ?? undefined }).value(p);
}

/** Where each path stands after step k (the last point of a run that stopped early). */
const at = (trajectory: readonly Point[], k: number): Point => trajectory[Math.min(k, trajectory.length - 1)];

/**
 * The race on the surface: contour lines, each optimizer's path, the start and the minimum, and a
 * slider (with the position of every optimizer at that step, as a dot).
 *
 * @example
 * const r = await nn.optimizers.optimizerRace({ surface: 'local-min' });
 * nn.plot(nn.optimizers.raceContourFigure(r));
 */
export function raceContourFigure(record: RaceRecord): Figure {
  const s = record.surface;
  const logScale = s.name === 'rosenbrock';
  const data: Trace[] = [contourTrace(s.grid, s.minValue, logScale)];
  for (const run of record.runs) {
    const color = OPTIMIZER_COLOURS[run.optimizer];
    data.push({
      type: 'scatter', mode: 'lines', name: run.label, legendgroup: run.optimizer, x: run.trajectory.map((p) => p[0]), y: run.trajectory.map((p) => p[1]),
      line: { color, width: 2 }, opacity: 0.8,
    });
  }
  const last = record.options.steps;
  const firstDot = data.length;
  for (const run of record.runs) {
    const p = at(run.trajectory, last);
    data.push({
      type: 'scatter', mode: 'markers', name: `${run.label} at the step`, legendgroup: run.optimizer, showlegend: false, x: [p[0]], y: [p[1]],
      marker: { color: OPTIMIZER_COLOURS[run.optimizer], size: 11, line: { color: 'white', width: 1.5 } },
    });
  }
  const minima = [s.minimum, ...s.otherMinima];
  // a minimum as low as the global one is a star too (the saddle's two)
  const best = minima.map((m) => Math.abs(surfaceValue(record, m) - s.minValue) < 1e-12);
  data.push({ type: 'scatter', mode: 'markers', name: 'start', x: [s.start[0]], y: [s.start[1]], marker: { symbol: 'circle-open', size: 13, color: 'black', line: { width: 2 } } });
  data.push({ type: 'scatter', mode: 'markers', name: minima.length === 1 ? 'minimum' : best.every(Boolean) ? 'minima' : 'minima (★ global, ✕ local)',
    x: minima.map((m) => m[0]), y: minima.map((m) => m[1]), marker: { symbol: best.map((b) => (b ? 'star' : 'x')), size: 14, color: 'black' } });
  const dotIndices = record.runs.map((_, i) => firstDot + i);
  const positions = sliderSteps(last);
  const noise = s.noise > 0 ? `, gradient noise σ = ${s.noise}` : '';
  return {
    data,
    layout: {
      title: { text: `Optimizer race on ${s.name}: f = ${s.formula}${noise}` },
      xaxis: { title: { text: 'x' }, range: s.range.x },
      yaxis: { title: { text: 'y' }, range: s.range.y },
      height: 560, margin: { t: 60, b: 140, l: 60, r: 20 },
      legend: { orientation: 'v', x: 1.02, y: 1 },
      sliders: [{
        active: positions.length - 1, pad: { t: 50 }, currentvalue: { prefix: 'step ', font: { size: 13 } },
        steps: positions.map((k) => ({
          label: String(k), method: 'restyle',
          args: [{ x: record.runs.map((r) => [at(r.trajectory, k)[0]]), y: record.runs.map((r) => [at(r.trajectory, k)[1]]) }, dotIndices],
        })),
      }],
    },
  };
}

/**
 * f − f* against the step, log y (f* the global minimum's value; a run stuck in a local minimum
 * levels off above 0).
 *
 * @example
 * nn.plot(nn.optimizers.raceLossFigure(await nn.optimizers.optimizerRace({ surface: 'quadratic' })));
 */
export function raceLossFigure(record: RaceRecord): Figure {
  const fig = lineFigure({
    title: `Loss per step on ${record.surface.name} (f − f*, log scale)`, xTitle: 'step', yTitle: 'f − f*', yScale: 'log',
    series: record.runs.map((r) => ({ name: r.label, y: r.loss.map((v) => Math.max(v - record.surface.minValue, 1e-16)) })),
  });
  const colours = record.runs.map((r) => OPTIMIZER_COLOURS[r.optimizer]);
  return { ...fig, data: fig.data.map((t, i) => ({ ...t, line: { color: colours[i] }, marker: { color: colours[i] } })) };
}

/**
 * Shows the race: the paths on the contour plot with the step slider, then the loss curves.
 *
 * @example
 * nn.optimizers.showOptimizerRace(await nn.optimizers.optimizerRace({ surface: 'saddle' }));
 */
export function showOptimizerRace(record: RaceRecord): void {
  showFigure(raceContourFigure(record));
  showFigure(raceLossFigure(record));
}

/** The race as text: one row per optimizer (the CLI's output). */
export function raceText(record: RaceRecord): string {
  const s = record.surface;
  const lines = [`optimizer race on ${s.name}: f = ${s.formula}${s.noise > 0 ? ` (gradient noise σ = ${s.noise})` : ''}`,
    `start (${s.start.join(', ')}), minimum (${s.minimum.map((v) => +v.toFixed(4)).join(', ')}), ${record.options.steps} steps, seed ${record.options.seed}`,
    `${'optimizer'.padEnd(26)}${'lr'.padStart(8)}${'final f'.padStart(12)}${'distance'.padStart(12)}  ended in${s.name === 'saddle' ? '   left the saddle at' : ''}`];
  for (const r of record.runs) {
    const end = r.diverged ? 'diverged' : r.endedIn === null ? 'neither' : r.endedIn === 'global' ? 'global min' : 'other min';
    const escape = s.name === 'saddle' ? `   ${r.escapedAt === null ? 'never' : `step ${r.escapedAt}`}` : '';
    lines.push(`${OPTIMIZER_LABELS[r.optimizer].padEnd(26)}${String(r.config.lr).padStart(8)}${r.loss[r.loss.length - 1].toPrecision(4).padStart(12)}` +
      `${r.finalDistance.toPrecision(3).padStart(12)}  ${end.padEnd(10)}${escape}`);
  }
  lines.push(`(${Math.round(record.meta.ms)} ms)`);
  return lines.join('\n');
}

const METHOD_LABELS: Record<string, string> = { newton: 'Newton', lbfgs: 'L-BFGS', adam: 'Adam', sgd: 'SGD' };
const METHOD_COLOURS: Record<string, string> = { newton: '#17becf', lbfgs: '#bcbd22', adam: OPTIMIZER_COLOURS.adam, sgd: OPTIMIZER_COLOURS.sgd };

/**
 * The second-order comparison: the paths on the contour plot, and the distance to the minimum
 * against gradient evaluations (log-log).
 *
 * @example
 * const r = await nn.optimizers.secondOrder();
 * nn.plot(nn.optimizers.secondOrderFigure(r));
 */
export function secondOrderFigure(record: SecondOrderRecord): Figure {
  const s = record.surface;
  const data: Trace[] = [contourTrace(s.grid, 0, s.name === 'rosenbrock')];
  for (const m of record.methods) {
    data.push({ type: 'scatter', mode: m.trajectory.length <= 100 ? 'lines+markers' : 'lines', name: METHOD_LABELS[m.method],
      x: m.trajectory.map((p) => p[0]), y: m.trajectory.map((p) => p[1]), line: { color: METHOD_COLOURS[m.method], width: 2 }, marker: { color: METHOD_COLOURS[m.method], size: 5 } });
  }
  data.push({ type: 'scatter', mode: 'markers', name: 'minimum', x: [s.minimum[0]], y: [s.minimum[1]], marker: { symbol: 'star', size: 14, color: 'black' } });
  return {
    data,
    layout: {
      title: { text: `Newton, L-BFGS, Adam and SGD on ${s.name}` },
      xaxis: { title: { text: 'x' }, range: s.range.x }, yaxis: { title: { text: 'y' }, range: s.range.y }, height: 480,
    },
  };
}

/**
 * Distance to the minimum against the step, log y, one line per method.
 *
 * @example
 * nn.plot(nn.optimizers.secondOrderDistanceFigure(await nn.optimizers.secondOrder()));
 */
export function secondOrderDistanceFigure(record: SecondOrderRecord): Figure {
  const [mx, my] = record.surface.minimum;
  const fig = lineFigure({
    title: `Distance to the minimum after each step (tol ${record.options.tol.toExponential(0)})`, xTitle: 'step (log scale)', yTitle: '‖w − w*‖', yScale: 'log', xScale: 'log',
    series: record.methods.filter((m) => m.trajectory.length > 1).map((m) => ({
      name: METHOD_LABELS[m.method], x: m.trajectory.slice(1).map((_, k) => k + 1),
      y: m.trajectory.slice(1).map(([x, y]) => Math.max(Math.hypot(x - mx, y - my), 1e-16)),
    })),
  });
  const colour = (name: unknown) => METHOD_COLOURS[Object.keys(METHOD_LABELS).find((k) => METHOD_LABELS[k] === name) ?? 'sgd'];
  return { ...fig, data: fig.data.map((t) => ({ ...t, line: { color: colour(t.name) }, marker: { color: colour(t.name) } })) };
}

/**
 * Shows the second-order comparison: paths, distances, and the table of steps and evaluations.
 *
 * @example
 * nn.optimizers.showSecondOrder(await nn.optimizers.secondOrder({ surface: 'quadratic' }));
 */
export function showSecondOrder(record: SecondOrderRecord): void {
  showFigure(secondOrderFigure(record));
  showFigure(secondOrderDistanceFigure(record));
}

/** The second-order comparison as text. */
export function secondOrderText(record: SecondOrderRecord): string {
  const lines = [`second order on ${record.surface.name}: steps and gradient evaluations to ‖w − w*‖ < ${record.options.tol.toExponential(0)}`,
    `${'method'.padEnd(8)}${'steps'.padStart(8)}${'evaluations'.padStart(13)}${'Hessians'.padStart(10)}  memory per step`];
  for (const m of record.methods) {
    lines.push(`${METHOD_LABELS[m.method].padEnd(8)}${(m.steps === null ? `>${m.taken}` : String(m.steps)).padStart(8)}${String(m.gradients).padStart(13)}${String(m.hessians).padStart(10)}  ${m.memory}`);
  }
  return lines.join('\n');
}
