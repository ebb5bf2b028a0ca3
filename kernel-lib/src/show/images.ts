/**
 * Inline grids of dataset images with their labels: each image a PNG (nearest-neighbour scaled),
 * captioned with its class name, in an HTML grid; the bundle also carries the whole grid as one
 * PNG (image/png) and a text line.
 *
 * @example
 * nn.images(test, { count: 16, seed: 1 }); // 16 random test images with their labels
 */
import { ArgumentError, checkImageDataset, checkInt, checkOptions } from '../core/errors';
import { mulberry32, sample } from '../core/rng';
import type { ImageDataset } from '../data/load';
import { escapeHtml, inKernel, publish } from './kernel';
import { encodePng } from './png';

export interface ImageGridOptions {
  /** Which examples (default: `count` drawn with `seed`, or the first `count` without a seed). */
  indices?: readonly number[];
  count?: number;
  seed?: number;
  /** Images per row (default 8). */
  cols?: number;
  /** Pixel scale factor (default 3 for 28 px, 2 for 32 px images). */
  scale?: number;
  title?: string;
}

function pickIndices(ds: ImageDataset, o: ImageGridOptions): number[] {
  if (o.indices) {
    o.indices.forEach((i, k) => checkInt(`indices[${k}]`, i, { min: 0, max: ds.count - 1 }));
    return [...o.indices];
  }
  const count = checkInt('count', o.count ?? 16, { min: 1, max: ds.count });
  const all = Array.from({ length: ds.count }, (_, i) => i);
  return o.seed === undefined ? all.slice(0, count) : sample(all, count, mulberry32(o.seed)).sort((a, b) => a - b);
}

/** One example scaled up, as HWC bytes with 1 or 3 channels. */
function scaled(ds: ImageDataset, idx: number, scale: number): Uint8Array {
  const { height: h, width: w, channels: c } = ds;
  const out = new Uint8Array(h * scale * w * scale * c);
  const src = idx * h * w * c;
  for (let y = 0; y < h * scale; y++) {
    for (let x = 0; x < w * scale; x++) {
      for (let k = 0; k < c; k++) out[(y * w * scale + x) * c + k] = ds.images[src + (Math.floor(y / scale) * w + Math.floor(x / scale)) * c + k];
    }
  }
  return out;
}

/** The grid as one PNG: images in rows of `cols`, one pixel of padding. */
export function imageGridPng(ds: ImageDataset, indices: readonly number[], cols: number, scale: number): Buffer {
  if (ds.channels !== 1 && ds.channels !== 3) throw new ArgumentError('dataset.channels', ds.channels, '1 or 3');
  const c = ds.channels as 1 | 3;
  const cw = ds.width * scale + 2;
  const ch = ds.height * scale + 2;
  const rows = Math.ceil(indices.length / cols);
  const W = cols * cw;
  const H = rows * ch;
  const canvas = new Uint8Array(W * H * c).fill(255);
  indices.forEach((idx, k) => {
    const img = scaled(ds, idx, scale);
    const ox = (k % cols) * cw + 1;
    const oy = Math.floor(k / cols) * ch + 1;
    const rowBytes = ds.width * scale * c;
    for (let y = 0; y < ds.height * scale; y++) canvas.set(img.subarray(y * rowBytes, (y + 1) * rowBytes), ((oy + y) * W + ox) * c);
  });
  return encodePng(canvas, W, H, c);
}

/** The HTML grid: one captioned PNG per example. */
export function imageGridHtml(ds: ImageDataset, indices: readonly number[], cols: number, scale: number, title?: string): string {
  checkImageDataset('imageGridHtml: dataset', ds);
  if (ds.channels !== 1 && ds.channels !== 3) throw new ArgumentError('dataset.channels', ds.channels, '1 or 3');
  const cells = indices.map((idx) => {
    const png = encodePng(scaled(ds, idx, scale), ds.width * scale, ds.height * scale, ds.channels as 1 | 3).toString('base64');
    const label = ds.classNames[ds.labels[idx]] ?? String(ds.labels[idx]);
    return `<figure style="margin:2px;text-align:center"><img src="data:image/png;base64,${png}" alt="${escapeHtml(label)}" ` +
      `style="image-rendering:pixelated"/><figcaption style="font:11px sans-serif">${escapeHtml(label)} <span style="color:#888">#${idx}</span></figcaption></figure>`;
  });
  const head = title ? `<div style="font-weight:bold">${escapeHtml(title)}</div>` : '';
  return `${head}<div class="nnlab-images" style="display:grid;grid-template-columns:repeat(${cols}, max-content);gap:2px">${cells.join('')}</div>`;
}

/**
 * Shows a grid of examples with their labels (HTML + PNG in a notebook, a text line elsewhere).
 * Returns nothing, like every display function, so a cell that ends with it shows only the grid.
 *
 * @example
 * const train = nn.data.randomImages({ count: 20, height: 8, width: 8, channels: 1, classes: 2, seed: 1 });
 * nn.images(train, { count: 8, seed: 1, cols: 4, scale: 4 });   // 8 random images with their labels (seeded)
 * nn.images(train, { indices: [0, 1, 2], title: 'The first three' });
 */
export function showImages(ds: ImageDataset, o: ImageGridOptions = {}): void {
  checkImageDataset('images: dataset', ds);
  checkOptions('images options', o, ['indices', 'count', 'seed', 'cols', 'scale', 'title']);
  const indices = pickIndices(ds, o);
  const cols = checkInt('cols', o.cols ?? 8, { min: 1 });
  const scale = checkInt('scale', o.scale ?? (ds.width <= 28 ? 3 : 2), { min: 1, max: 16 });
  const title = o.title ?? `${ds.name} ${ds.split}: ${indices.length} of ${ds.count} images`;
  const text = `[images] ${title}; labels ${indices.map((i) => ds.classNames[ds.labels[i]]).join(', ')}`;
  if (inKernel()) {
    publish({
      'text/html': imageGridHtml(ds, indices, cols, scale, title),
      'image/png': imageGridPng(ds, indices, cols, scale).toString('base64'),
      'text/plain': text,
    });
  } else {
    console.log(text);
  }
}
