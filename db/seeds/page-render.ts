// Renders a demo page that looks like a scanned form: the material's title, the cadre's name,
// ruled lines, the 序号 pencilled top right and the page number bottom right, a seal on the first
// page. Chinese text is drawn as SVG paths (server/reading/text-paths.ts: the Noto Sans SC font
// shipped through npm), so no system CJK font is needed; sharp turns the SVG into a 200 dpi grey JPEG.
import sharp from 'sharp';
import { textPaths } from '../../server/reading/text-paths.ts';

/** A4 at 100 px per inch for drawing; the JPEG is scaled to 200 dpi (1654 × 2339). */
const W = 827;
const H = 1170;
export const PAGE_DPI = 200;

export interface PageSpec {
  title: string;
  seqNo: string;
  pageNo: number;
  pages: number;
  cadreName: string;
  gender: string;
  birth: string;
  formedDate: string;
  unit: string;
  lines: string[];
  /** Small per-page variation (tilt, tone) so pages do not look identical. */
  jitter: number;
}

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

export class PageRenderer {
  private readonly paths = textPaths();

  /** Text as paths; `anchor` right aligns at x when 'end'. */
  text(s: string, x: number, y: number, size: number, opts: { fill?: string; anchor?: 'start' | 'end' | 'middle' } = {}): string {
    return this.paths.text(s, x, y, size, opts);
  }

  svg(p: PageSpec): string {
    const tilt = ((p.jitter % 7) - 3) * 0.12;
    const tone = 236 + (p.jitter % 12);
    const paper = `rgb(${tone},${tone - 2},${tone - 8})`;
    const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="${W}" height="${H}" fill="${paper}"/>`];
    out.push(`<g transform="rotate(${tilt.toFixed(2)} ${W / 2} ${H / 2})">`);
    out.push(this.text(p.seqNo, 760, 52, 20, { fill: '#777', anchor: 'end' }));
    if (p.pageNo === 1) {
      out.push(this.text(p.title, W / 2, 140, p.title.length > 14 ? 26 : 32, { anchor: 'middle' }));
      out.push('<g stroke="#333" stroke-width="1.2" fill="none">');
      out.push(`<rect x="70" y="190" width="687" height="160"/>`);
      for (const y of [230, 270, 310]) out.push(`<line x1="70" y1="${y}" x2="757" y2="${y}"/>`);
      for (const x of [170, 330, 430, 590]) out.push(`<line x1="${x}" y1="190" x2="${x}" y2="350"/>`);
      out.push('</g>');
      const cells: Array<[string, number, number]> = [['姓名', 85, 217], ['性别', 345, 217], ['出生年月', 440, 217], ['工作单位', 85, 257], ['形成时间', 85, 297], ['页数', 338, 297], ['序号', 440, 297]];
      for (const [label, x, y] of cells) out.push(this.text(label, x, y, 16, { fill: '#333' }));
      out.push(this.text(p.cadreName, 185, 219, 18, { fill: '#2a2a5a' }));
      out.push(this.text(p.gender, 345 + 50, 219, 18, { fill: '#2a2a5a' }));
      out.push(this.text(p.birth.slice(0, 7).replace('-', '.'), 600, 219, 18, { fill: '#2a2a5a' }));
      out.push(this.text(p.unit.slice(0, 24), 185, 259, 16, { fill: '#2a2a5a' }));
      out.push(this.text(p.formedDate.replace(/-/g, '.'), 185, 299, 18, { fill: '#2a2a5a' }));
      out.push(this.text(`共${p.pages}页`, 380, 299, 15, { fill: '#2a2a5a' }));
      out.push(this.text(p.seqNo, 600, 299, 18, { fill: '#2a2a5a' }));
    }
    const top = p.pageNo === 1 ? 400 : 120;
    out.push('<g stroke="#9a9a9a" stroke-width="0.8">');
    for (let y = top; y < 1020; y += 38) out.push(`<line x1="70" y1="${y}" x2="757" y2="${y}"/>`);
    out.push('</g>');
    p.lines.forEach((line, i) => {
      const y = top - 9 + (i + 1) * 38;
      if (y < 1015) out.push(this.text(line, 80, y, 17, { fill: '#2a2a5a' }));
    });
    if (p.pageNo === p.pages) {
      const [y, m, d] = p.formedDate.split('-');
      out.push(this.text(`${y}年${Number(m)}月${Number(d)}日`, 740, 1080, 18, { anchor: 'end', fill: '#2a2a5a' }));
      out.push(`<g opacity="0.55"><circle cx="640" cy="1060" r="52" fill="none" stroke="#555" stroke-width="3"/><circle cx="640" cy="1060" r="45" fill="none" stroke="#555" stroke-width="1"/></g>`);
      out.push(this.text('★', 640, 1072, 28, { fill: '#666', anchor: 'middle' }));
    }
    out.push('</g>');
    out.push(this.text(String(p.pageNo), 775, 1140, 16, { fill: '#888', anchor: 'end' }));
    out.push(`<desc>${esc(p.title)}</desc></svg>`);
    return out.join('');
  }

  async render(p: PageSpec): Promise<Buffer> {
    return sharp(Buffer.from(this.svg(p)))
      .resize(1654, 2339, { kernel: 'linear' })
      .toColourspace('b-w')
      .jpeg({ quality: 62 })
      .withDensity(PAGE_DPI)
      .toBuffer();
  }
}
