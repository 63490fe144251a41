// The reading-room watermark: every page image a reader sees is rendered here with the reader's
// name, unit, request number and time burned into its pixels — tiled diagonally across the page,
// semi-transparent, plus a clear line along the bottom. The text is drawn as SVG paths (text-paths.ts)
// so librsvg needs no system font. The overlay (the diagonal tile repeated, the bottom band) is
// rasterised once per (lines, size) and kept in a small LRU: a reader paging through an archive
// within the same minute reuses it, and the per-page cost is decode + blend + encode.
// There is no code path that returns the source without compositing: callers can rely on
// "the result is never the clean scan".
import sharp from 'sharp';
import { textPaths } from './text-paths.ts';

export interface WatermarkOptions {
  maxWidth?: number; // scale down to this width first (screen size); default: keep size
  format?: 'jpeg' | 'png'; // default 'jpeg'
  quality?: number; // jpeg quality, default 80
}

export interface WatermarkedImage {
  data: Buffer;
  width: number;
  height: number;
  contentType: string;
}

/**
 * A full-page overlay kept sparse: only the pixels the watermark touches, with their colour
 * already multiplied by alpha. Blending these in JS is about twice as fast as libvips' composite
 * (which works in float over every pixel) for a watermark that covers a fifth of the page.
 */
interface SparseOverlay {
  index: Uint32Array; // pixel numbers (y * width + x)
  alpha: Uint8Array; // 1..255
  premul: Uint8Array; // r, g, b × alpha / 255, three per pixel
}

const INK = '#a02828';
const OVERLAY_CACHE_MAX = 16;
const overlays = new Map<string, SparseOverlay>();

/** Font size for an image `width` px wide: readable on screen, still present on thumbnails. */
export function watermarkFontSize(width: number): number {
  return Math.max(9, Math.min(64, Math.round(width / 55)));
}

/** The diagonal tile: the lines stacked, rotated −30°, centred in a box that holds them whole. */
function tileSvg(lines: string[], width: number, height: number): string {
  const tp = textPaths();
  const size = watermarkFontSize(width);
  const lead = size * 1.35;
  const bw = Math.max(...lines.map((l) => tp.width(l, size)));
  const bh = lines.length * lead;
  const a = Math.PI / 6;
  const gap = size * 2.5;
  // Never larger than the image: sharp refuses an overlay bigger than its base (thumbnails).
  const tw = Math.min(width, Math.ceil(bw * Math.cos(a) + bh * Math.sin(a) + gap));
  const th = Math.min(height, Math.ceil(bw * Math.sin(a) + bh * Math.cos(a) + gap));
  const rows = lines.map((l, i) => tp.text(l, 0, (i + 1) * lead - bh / 2 - size * 0.3, size, { fill: INK, anchor: 'middle' }));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${tw}" height="${th}"><g fill-opacity="0.2" transform="translate(${tw / 2} ${th / 2}) rotate(-30)">${rows.join('')}</g></svg>`;
}

/** The clear line along the bottom: all lines on one row, shrunk to fit, on a light band. */
function bandSvg(lines: string[], width: number, height: number): string {
  const tp = textPaths();
  const text = lines.join('　');
  const pad = Math.max(4, Math.round(width / 80));
  let size = Math.round(watermarkFontSize(width) * 0.8);
  const natural = tp.width(text, size);
  if (natural > width - 2 * pad) size = Math.max(4, size * ((width - 2 * pad) / natural));
  const bh = Math.min(height, Math.ceil(size * 1.8));
  const glyphs = tp.text(text, width / 2, bh / 2 + size * 0.36, size, { fill: INK, anchor: 'middle' });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${bh}"><rect width="${width}" height="${bh}" fill="#fff" fill-opacity="0.82"/>${glyphs}</svg>`;
}

/** Rasterises the tile repeated over the page and the band at the bottom, once per (lines, size). */
async function buildOverlay(lines: string[], width: number, height: number): Promise<SparseOverlay> {
  const tile = Buffer.from(tileSvg(lines, width, height));
  const band = Buffer.from(bandSvg(lines, width, height));
  const rgba = await sharp({ create: { width, height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .composite([
      { input: tile, tile: true, blend: 'over' },
      { input: band, gravity: 'south', blend: 'over' },
    ])
    .raw()
    .toBuffer();
  let n = 0;
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i]) n++;
  const index = new Uint32Array(n);
  const alpha = new Uint8Array(n);
  const premul = new Uint8Array(n * 3);
  for (let p = 0, k = 0; p < width * height; p++) {
    const a = rgba[p * 4 + 3];
    if (!a) continue;
    index[k] = p;
    alpha[k] = a;
    for (let c = 0; c < 3; c++) premul[k * 3 + c] = Math.round((rgba[p * 4 + c] * a) / 255);
    k++;
  }
  return { index, alpha, premul };
}

async function overlayFor(lines: string[], width: number, height: number): Promise<SparseOverlay> {
  const key = `${width}x${height}\n${lines.join('\n')}`;
  const hit = overlays.get(key);
  if (hit) {
    overlays.delete(key); // re-insert: Map order is the LRU order
    overlays.set(key, hit);
    return hit;
  }
  const made = await buildOverlay(lines, width, height);
  overlays.set(key, made);
  while (overlays.size > OVERLAY_CACHE_MAX) overlays.delete(overlays.keys().next().value!);
  return made;
}

/** Renders a page scan with the watermark burned into its pixels; never returns the clean bytes. */
export async function watermarkPage(source: Buffer | string /* file path */, lines: string[], opts: WatermarkOptions = {}): Promise<WatermarkedImage> {
  const text = lines.map((l) => l.trim()).filter(Boolean);
  if (!text.length) throw new Error('watermarkPage: no watermark text');
  const meta = await sharp(source).metadata();
  const srcW = meta.autoOrient?.width ?? meta.width;
  const srcH = meta.autoOrient?.height ?? meta.height;
  if (!srcW || !srcH) throw new Error('watermarkPage: not an image');
  const scale = opts.maxWidth && opts.maxWidth < srcW ? opts.maxWidth / srcW : 1;
  const width = Math.max(1, Math.round(srcW * scale));
  const height = Math.max(1, Math.round(srcH * scale));
  const overlay = await overlayFor(text, width, height);

  let img = sharp(source).autoOrient();
  if (scale !== 1) img = img.resize(width, height, { fit: 'fill' });
  const { data: px, info } = await img
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== width || info.height !== height || info.channels !== 3) throw new Error('watermarkPage: unexpected decode');
  const { index, alpha, premul } = overlay;
  for (let k = 0; k < index.length; k++) {
    const j = index[k] * 3;
    const keep = 255 - alpha[k];
    px[j] = premul[k * 3] + ((px[j] * keep) / 255) | 0;
    px[j + 1] = premul[k * 3 + 1] + ((px[j + 1] * keep) / 255) | 0;
    px[j + 2] = premul[k * 3 + 2] + ((px[j + 2] * keep) / 255) | 0;
  }
  const format = opts.format ?? 'jpeg';
  const raw = sharp(px, { raw: { width, height, channels: 3 } });
  const data = await (format === 'png' ? raw.png() : raw.jpeg({ quality: opts.quality ?? 80 })).toBuffer();
  return { data, width, height, contentType: format === 'png' ? 'image/png' : 'image/jpeg' };
}
