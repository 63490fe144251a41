// The certified copy as a PDF (pdf-lib): one page per copied page — the watermarked image at the
// scan's physical size — and a last page, the certification (核证页). Chinese on that page is drawn
// as SVG paths from the Noto Sans SC font shipped through npm (server/reading/text-paths.ts) and
// rasterised, so no font is embedded and pdf-lib needs no fontkit: one way of drawing Chinese on the
// server, the same as the watermark's, and a page nobody can edit as text.
import sharp from 'sharp';
import { textPaths } from '../reading/text-paths.ts';

const A4 = { w: 595.28, h: 841.89 };
/** The certification page is drawn at 150 dpi: sharp enough to print, small in the file. */
const CERT_DPI = 150;

export interface CopyPage {
  jpeg: Buffer;
  width: number;
  height: number;
  dpi: number;
}

export interface Certification {
  title: string;
  rows: Array<[label: string, value: string]>;
  certification: string;
  sealText: string;
  certifiedBy: string;
  certifiedDay: string;
  footer: string;
}

/** Splits text into lines no wider than `max` px at `size`. */
function wrap(text: string, size: number, max: number): string[] {
  const tp = textPaths();
  const out: string[] = [];
  let line = '';
  for (const ch of text) {
    // Closing punctuation never starts a line (禁则): it may stick out past the margin instead.
    if (tp.width(line + ch, size) > max && line && !'，。、；：！？）》」'.includes(ch)) {
      out.push(line);
      line = '';
    }
    line += ch;
  }
  if (line) out.push(line);
  return out;
}

/** The 核证页 as a PNG (A4 at CERT_DPI). Every value is user or catalogue text: drawn as glyph paths, never markup. */
export async function renderCertification(c: Certification): Promise<Buffer> {
  const tp = textPaths();
  const W = Math.round((A4.w / 72) * CERT_DPI);
  const H = Math.round((A4.h / 72) * CERT_DPI);
  const m = 130;
  const parts: string[] = [];
  parts.push(tp.text(c.title, W / 2, 200, 52, { anchor: 'middle', fill: '#111' }));
  parts.push(`<line x1="${m}" y1="245" x2="${W - m}" y2="245" stroke="#333" stroke-width="3"/>`);
  let y = 330;
  const size = 30;
  const labelW = 230;
  for (const [label, value] of c.rows) {
    parts.push(tp.text(label, m, y, size, { fill: '#555' }));
    for (const line of wrap(value, size, W - 2 * m - labelW)) {
      parts.push(tp.text(line, m + labelW, y, size, { fill: '#111' }));
      y += size * 1.6;
    }
    y += size * 0.4;
  }
  y += 30;
  parts.push(tp.text('签注意见', m, y, size, { fill: '#555' }));
  y += size * 1.8;
  parts.push(`<rect x="${m}" y="${y - size * 1.3}" width="${W - 2 * m}" height="${size * 1.6 * 4 + size}" fill="none" stroke="#999" stroke-width="2"/>`);
  for (const line of wrap(c.certification, size, W - 2 * m - 40).slice(0, 4)) {
    parts.push(tp.text(line, m + 20, y, size, { fill: '#111' }));
    y += size * 1.6;
  }
  y = Math.max(y + 200, H - 620);
  // The seal: its text in a red ring, as the office's electronic seal is recorded (text, not an image of a seal).
  const cx = W - m - 190;
  const cy = y + 90;
  parts.push(`<circle cx="${cx}" cy="${cy}" r="170" fill="none" stroke="#c0282d" stroke-width="8"/>`);
  parts.push(tp.text('★', cx, cy + 18, 56, { anchor: 'middle', fill: '#c0282d' }));
  const sealLines = wrap(c.sealText, 26, 280).slice(0, 3);
  sealLines.forEach((l, i) => parts.push(tp.text(l, cx, cy + 80 + i * 32, 26, { anchor: 'middle', fill: '#c0282d' })));
  parts.push(tp.text(`核证人：${c.certifiedBy}`, m, y + 40, size, { fill: '#111' }));
  parts.push(tp.text(`核证日期：${c.certifiedDay}`, m, y + 100, size, { fill: '#111' }));
  parts.push(tp.text(`公章：${c.sealText}`, m, y + 160, 24, { fill: '#555' }));
  for (const [i, line] of wrap(c.footer, 24, W - 2 * m).entries()) parts.push(tp.text(line, m, H - 150 + i * 36, 24, { fill: '#666' }));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="${W}" height="${H}" fill="#fff"/>${parts.join('')}</svg>`;
  return sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).png({ compressionLevel: 9, palette: true }).toBuffer();
}

/** The PDF: each copied page at its physical size (pixels / dpi), then the certification on A4. */
export async function buildCopyPdf(pages: CopyPage[], certification: Buffer, meta: { title: string; subject: string; at: Date }): Promise<Buffer> {
  // Loaded on first use: pdf-lib takes ~0.5 s to load, and only a certified copy needs it.
  const { PDFDocument } = await import('pdf-lib');
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(meta.title);
  doc.setSubject(meta.subject);
  doc.setProducer('Dangan');
  doc.setCreationDate(meta.at);
  doc.setModificationDate(meta.at);
  for (const p of pages) {
    const img = await doc.embedJpg(p.jpeg);
    const w = (p.width / p.dpi) * 72;
    const h = (p.height / p.dpi) * 72;
    doc.addPage([w, h]).drawImage(img, { x: 0, y: 0, width: w, height: h });
  }
  const cert = await doc.embedPng(certification);
  doc.addPage([A4.w, A4.h]).drawImage(cert, { x: 0, y: 0, width: A4.w, height: A4.h });
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
