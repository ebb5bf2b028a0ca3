/**
 * Figures and tables of lesson 02 (data preprocessing). Builders are pure (record in, plain figure
 * or rows out); `show…` functions are the only side effects.
 *
 * @example
 * const r = await nn.preprocessing.cloud();
 * nn.preprocessing.showCloud(r);   // five panels and the table of each stage's statistics
 */
import { ArgumentError } from '../../core/errors';
import { barFigure, Figure, scatterFigure, subplotsFigure, Trace } from '../../show/figure';
import { showFigure } from '../../show/plot';
import { showTable, tableText, toTable } from '../../show/table';
import type { CloudRecord } from './cloud';
import type { ChannelStatsRecord } from './channelStats';

const MADE_BY: Readonly<Record<string, string>> = {
  preprocessingCloud: 'nn.preprocessing.cloud()', preprocessingChannelStats: 'nn.preprocessing.channelStats()',
};

function checkRecord(record: unknown, experiment: string): void {
  if (typeof record !== 'object' || record === null || (record as { experiment?: unknown }).experiment !== experiment) {
    throw new ArgumentError('record', record, `a record returned by ${MADE_BY[experiment]}`);
  }
}

/**
 * Five panels side by side, one per stage (original → zero-centred → normalised → decorrelated →
 * whitened), each with equal x and y scales so that a round cloud looks round; the principal
 * directions ±2√λ·u are drawn on the zero-centred cloud.
 *
 * @example
 * nn.plot(nn.preprocessing.cloudFigure(await nn.preprocessing.cloud()));
 */
export function cloudFigure(record: CloudRecord): Figure {
  checkRecord(record, 'preprocessingCloud');
  const panels = record.stages.map((s, k) => {
    const fig = scatterFigure({
      title: s.stage, xTitle: k === 3 || k === 4 ? 'along u₁' : 'x₁', yTitle: k === 3 || k === 4 ? 'along u₂' : 'x₂',
      series: [{ name: 'points', x: s.x, y: s.y }],
    });
    (fig.data[0] as Trace).marker = { size: 3, opacity: 0.6 };
    if (s.stage === 'zero-centred') {
      record.pca.vectors.forEach((u, j) => {
        const r = 2 * Math.sqrt(record.pca.values[j]);
        fig.data.push({ type: 'scatter', mode: 'lines', name: 'principal directions ±2√λ·u', x: [-r * u[0], r * u[0]], y: [-r * u[1], r * u[1]], line: { width: 2 } });
      });
    }
    return fig;
  });
  const fig = subplotsFigure(panels, { title: 'A 2-D cloud: centre, normalise (÷ std), decorrelate (·U), whiten', rows: 1, cols: panels.length, height: 250 });
  panels.forEach((_, k) => {
    const suffix = k === 0 ? '' : String(k + 1);
    fig.layout[`yaxis${suffix}`] = { ...(fig.layout[`yaxis${suffix}`] as object), scaleanchor: `x${suffix}`, scaleratio: 1 };
  });
  return fig;
}

/** Each stage's mean, std, covariance and correlation, as rows. */
export function cloudRows(record: CloudRecord): Record<string, string | number>[] {
  checkRecord(record, 'preprocessingCloud');
  return record.stages.map((s) => ({
    stage: s.stage, formula: s.formula, 'mean x₁': s.mean[0], 'mean x₂': s.mean[1], 'std x₁': s.std[0], 'std x₂': s.std[1],
    'cov₁₁': s.covariance[0][0], 'cov₁₂': s.covariance[0][1], 'cov₂₂': s.covariance[1][1], correlation: s.correlation,
  }));
}

/** The checks of the cloud as rows: what each should be, and what it is. */
export function cloudCheckRows(record: CloudRecord): Record<string, string | number>[] {
  checkRecord(record, 'preprocessingCloud');
  const c = record.checks;
  return [
    { check: 'max |mean| after zero-centring', expected: '0 (float32 rounding)', measured: c.centredMaxMean },
    { check: 'max |std − 1| after normalising', expected: '0 (float32 rounding)', measured: c.normalisedMaxStdDeviation },
    { check: '|correlation| after decorrelating', expected: '0 (float32 rounding)', measured: c.decorrelatedOffDiagonal },
    { check: 'max |cov(Xwhite) − I|', expected: `eps's shrink max eps/(λ + eps) = ${c.epsShrink.toExponential(2)}`, measured: c.whitenedMaxDeviation },
    { check: 'max |cov(Xwhite) − diag(λ/(λ + eps))|', expected: '0 (float32 rounding)', measured: c.whitenedResidual },
  ];
}

/** The cloud record as text (the CLI prints it). */
export function cloudText(record: CloudRecord): string {
  const { values, vectors } = record.pca;
  return [
    tableText(toTable(cloudRows(record)), { title: `Each stage of ${record.options.points} points (statistics in float64 from the float32 points)` }),
    `PCA: λ = ${values.map((v) => v.toPrecision(6)).join(', ')}; u₁ = (${vectors[0].map((v) => v.toFixed(4)).join(', ')}), u₂ = (${vectors[1].map((v) => v.toFixed(4)).join(', ')}); u₁ explains ${(100 * record.pca.explained[0]).toFixed(1)}% of the variance`,
    tableText(toTable(cloudCheckRows(record)), { title: 'Checks' }),
  ].join('\n');
}

/**
 * Draws the five-stage figure, the statistics of each stage and the checks.
 *
 * @example
 * nn.preprocessing.showCloud(await nn.preprocessing.cloud());
 */
export function showCloud(record: CloudRecord): void {
  showFigure(cloudFigure(record));
  showTable(cloudRows(record));
  showTable(cloudCheckRows(record));
}

/**
 * The channel statistics beside the published CIFAR-10 numbers: bars of the per-channel means and
 * stds (0-1 scale), with the mean of per-image stds and the widely copied (0.2023, 0.1994, 0.2010)
 * next to the std; with mode 'mean-image', the mean image itself first (its range stretched to
 * black-white: its real contrast is small, 98 to 141 of 255).
 *
 * @example
 * nn.plot(nn.preprocessing.channelStatsFigure(await nn.preprocessing.channelStats({ mode: 'mean-image' })));
 */
export function channelStatsFigure(record: ChannelStatsRecord): Figure {
  checkRecord(record, 'preprocessingChannelStats');
  const names = record.channels.map((c) => c.channel);
  const means = barFigure({
    title: 'Channel means (0-1 scale)', xTitle: 'channel', yTitle: 'mean',
    series: [
      { name: `this training set (${record.fit.count} images)`, x: names, y: record.channels.map((c) => c.mean01) },
      { name: 'published (all 50,000)', x: names, y: record.channels.map((c) => c.publishedMean01) },
    ],
  });
  const stds = barFigure({
    title: 'Channel stds (0-1 scale)', xTitle: 'channel', yTitle: 'std',
    series: [
      { name: `this training set (${record.fit.count} images)`, x: names, y: record.channels.map((c) => c.std01) },
      { name: 'published (all 50,000)', x: names, y: record.channels.map((c) => c.publishedStd01) },
      { name: 'mean of per-image stds', x: names, y: record.channels.map((c) => c.meanPerImageStd01) },
      { name: 'widely copied (0.2023, ...)', x: names, y: record.channels.map((c) => c.copiedStd01) },
    ],
  });
  const panels = [means, stds];
  if (record.fit.meanImage) panels.unshift(meanImagePanel(record));
  return subplotsFigure(panels, { title: `CIFAR-10 statistics fitted on training images only (${record.options.mode})`, rows: 1, cols: panels.length, height: 360 });
}

/** The mean image as a plotly image trace, stretched from [min, max] to [0, 255]. */
function meanImagePanel(record: ChannelStatsRecord): Figure {
  const { height: H, width: W, channels: C } = record.fit;
  const m = record.fit.meanImage!;
  const [lo, hi] = record.meanImageRange ?? [0, 255];
  const stretch = (v: number) => Math.round((255 * (v - lo)) / Math.max(hi - lo, 1e-9));
  const z = Array.from({ length: H }, (_, h) => Array.from({ length: W }, (_, w) => Array.from({ length: 3 }, (_, c) => stretch(m[(h * W + w) * C + (C === 3 ? c : 0)]))));
  return {
    data: [{ type: 'image', z, name: 'mean image', hovertemplate: 'row %{y}, column %{x}<extra></extra>' }],
    layout: {
      title: { text: `Mean image (AlexNet), ${lo.toFixed(0)}-${hi.toFixed(0)} stretched` },
      xaxis: { title: { text: 'column' } }, yaxis: { title: { text: 'row' }, scaleanchor: 'x' },
    },
  };
}

/** Each channel's statistics beside the published ones, as rows. */
export function channelRows(record: ChannelStatsRecord): Record<string, string | number>[] {
  checkRecord(record, 'preprocessingChannelStats');
  return record.channels.map((c) => ({
    channel: c.channel, 'mean (0-255)': c.mean255, mean: c.mean01, 'published mean': c.publishedMean01,
    'std (0-255)': c.std255, std: c.std01, 'published std': c.publishedStd01, 'mean of per-image stds': c.meanPerImageStd01, 'widely copied': c.copiedStd01,
  }));
}

/** Each split's per-channel mean and std after normalising with the training statistics, as rows. */
export function appliedRows(record: ChannelStatsRecord): Record<string, string | number>[] {
  checkRecord(record, 'preprocessingChannelStats');
  return record.applied.map((a) => ({
    split: a.split, images: a.images,
    ...Object.fromEntries(record.channels.flatMap((c, k) => [[`mean ${c.channel}`, a.mean[k]], [`std ${c.channel}`, a.std[k]]])),
  }));
}

/** The channel statistics as text (the CLI prints it). */
export function channelStatsText(record: ChannelStatsRecord): string {
  return [
    tableText(toTable(channelRows(record)), { title: `CIFAR-10 per-channel statistics of ${record.data.fittedOn} (published: all 50,000; the widely copied std is about the mean of per-image stds)` }),
    tableText(toTable(appliedRows(record)), { title: `After ${record.options.mode}: ${record.formula}, with the training statistics on every split` }),
    ...(record.meanImageRange ? [`mean image: ${record.fit.height}×${record.fit.width}×${record.fit.channels} values from ${record.meanImageRange[0].toFixed(2)} to ${record.meanImageRange[1].toFixed(2)} (0-255)`] : []),
  ].join('\n');
}

/**
 * Draws the statistics figure and the two tables (statistics, each split after normalising).
 *
 * @example
 * nn.preprocessing.showChannelStats(await nn.preprocessing.channelStats());
 */
export function showChannelStats(record: ChannelStatsRecord): void {
  showFigure(channelStatsFigure(record));
  showTable(channelRows(record));
  showTable(appliedRows(record));
}

