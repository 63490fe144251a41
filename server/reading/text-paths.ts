// Chinese text as SVG paths from the Noto Sans SC font shipped through npm (opentype.js), so that
// sharp/librsvg never needs fontconfig or a system CJK font. The font is parsed once per process
// and each glyph outline is drawn once; the watermark and the demo page renderer share this.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Font, PathCommand } from 'opentype.js';

// Loaded with the first text drawn: opentype.js takes ~0.2 s to load, and most requests draw none.
const loadOpentype = (): typeof import('opentype.js') => createRequire(import.meta.url)('opentype.js');

export const FONT_FILE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
);

const num = (n: number) => String(Math.round(n * 10) / 10);

/**
 * SVG path data with a separator between every number: opentype.js's own toPathData drops the
 * space before a 0 ("72.20" for "72.2 0"), which breaks glyphs such as 守 and 行.
 */
function pathData(cmds: PathCommand[]): string {
  return cmds
    .map((c) => {
      switch (c.type) {
        case 'M':
        case 'L':
          return `${c.type}${num(c.x)} ${num(c.y)}`;
        case 'Q':
          return `Q${num(c.x1)} ${num(c.y1)} ${num(c.x)} ${num(c.y)}`;
        case 'C':
          return `C${num(c.x1)} ${num(c.y1)} ${num(c.x2)} ${num(c.y2)} ${num(c.x)} ${num(c.y)}`;
        default:
          return 'Z';
      }
    })
    .join('');
}

export class TextPaths {
  private readonly font: Font;
  /** Glyph outlines at 100 units per em, drawn once per character. */
  private readonly glyphs = new Map<string, { d: string; advance: number }>();

  constructor(fontFile = FONT_FILE) {
    const buf = fs.readFileSync(fontFile);
    this.font = loadOpentype().parse(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  }

  private glyph(ch: string) {
    let g = this.glyphs.get(ch);
    if (!g) {
      g = { d: pathData(this.font.getPath(ch, 0, 0, 100).commands), advance: this.font.getAdvanceWidth(ch, 100) };
      this.glyphs.set(ch, g);
    }
    return g;
  }

  /** Width of `s` drawn at `size` px. */
  width(s: string, size: number): number {
    return [...s].reduce((w, ch) => w + this.glyph(ch).advance * (size / 100), 0);
  }

  /** Text as paths with its baseline at y; `anchor` aligns at x. */
  text(s: string, x: number, y: number, size: number, opts: { fill?: string; anchor?: 'start' | 'end' | 'middle' } = {}): string {
    const k = size / 100;
    const width = this.width(s, size);
    let cx = opts.anchor === 'end' ? x - width : opts.anchor === 'middle' ? x - width / 2 : x;
    const parts: string[] = [];
    for (const ch of s) {
      const g = this.glyph(ch);
      if (g.d) parts.push(`<path transform="translate(${cx.toFixed(1)} ${y}) scale(${k})" d="${g.d}"/>`);
      cx += g.advance * k;
    }
    return `<g fill="${opts.fill ?? '#1e1e1e'}">${parts.join('')}</g>`;
  }
}

let shared: TextPaths | undefined;
/** The process-wide instance (the font is ~10 MB; parse it once). */
export function textPaths(): TextPaths {
  shared ??= new TextPaths();
  return shared;
}
