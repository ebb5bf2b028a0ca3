/**
 * `nn.figure`: figure specs (plain data, no display) for the chart kinds the lessons use. Draw
 * one with `nn.plot(spec)`.
 *
 * @example
 * nn.plot(nn.figure.line({ title: 'Loss', xTitle: 'epoch', yTitle: 'loss', series: [{ name: 'train', x: [1, 2], y: [2.3, 1.1] }] }));
 */
export {
  lineFigure as line, scatterFigure as scatter, histogramFigure as histogram, heatmapFigure as heatmap, barFigure as bar,
  subplotsFigure as subplots, figureText as text, referenceLine, divergedMarkers, logAxis,
} from '../show/figure';
export type {
  Trace, Figure, FigureLabels, XYSeries, LineFigureOptions, ScatterSeries, ScatterFigureOptions, HistogramSeries,
  HistogramFigureOptions, HeatmapFigureOptions, BarFigureOptions, SubplotsOptions,
} from '../show/figure';
/** The static twin of a figure (plotly.js drawing without a browser): `staticSvg` waits for it, `renderSvg` is the promise. */
export { staticSvg, staticFiguresEnabled } from '../show/static';
export { renderSvg } from '../show/staticRender';
export type { StaticRenderOptions } from '../show/staticRender';
