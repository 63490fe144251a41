// The certified copy as a PDF (pdf-lib): one page per copied page — the watermarked image at the
// scan's physical size — and a last page, the certification (核证页). A 摘录件 (extract) has no page
// of the archive: its pages are drawn from the text the archivist entered and checked, with the same
// head as the 核证页 and the same watermark as a copy's pages, then the same 核证页. Chinese is drawn
// as SVG paths from the Noto Sans SC font shipped through npm (server/reading/text-paths.ts) and
// rasterised, so no font is embedded and pdf-lib needs no fontkit: one way of drawing Chinese on the
// server, the same as the watermark's, and a page nobody can edit as text.
import sharp from 'sharp';
import { textPaths } from '../reading/text-paths.ts';
import { EXTRACT_FONT_SIZE, EXTRACT_LINE_WIDTH, extractLines, wrapText } from '../../shared/extract-text.ts';

const A4 = { w: 595.28, h: 841.89 };
/** The certification page is drawn at 150 dpi: sharp enough to print, small in the file. */
export const CERT_DPI = 150;

export interface CopyPage {
  data: Buffer;
  format: 'jpeg' | 'png';
  width: number;
  height: number;
  dpi: number;
}

/** The head of a 核证页 or of an extract's page: a title and what it cites, label by label. */
export interface PageHead {
  title: string;
  rows: Array<[label: string, value: string]>;
}

export interface Certification extends PageHead {
  certification: string;
  sealText: string;
  certifiedBy: string;
  certifiedDay: string;
  footer: string;
}

/** Splits text into lines no wider than `max` px at `size`; a line break in the text starts a new line (shared/extract-text.ts). */
function wrap(text: string, size: number, max: number): string[] {
  const tp = textPaths();
  return wrapText(text, max, (ch) => tp.width(ch, size));
}

/** The lines an extract's text makes on its pages, as renderExtractPages wraps them: what the API limits (EXTRACT_MAX_LINES). */
export function extractLineCount(text: string): number {
  const tp = textPaths();
  return extractLines(text, (ch) => tp.width(ch, EXTRACT_FONT_SIZE));
}

const PAGE = { w: Math.round((A4.w / 72) * CERT_DPI), h: Math.round((A4.h / 72) * CERT_DPI) };
const MARGIN = 130;
const SIZE = 30;

/** The title, a rule and the cited rows (label, wrapped value); returns the glyphs and the y below them. */
function drawHead(h: PageHead): { parts: string[]; y: number } {
  const tp = textPaths();
  const { w: W } = PAGE;
  const m = MARGIN;
  const parts: string[] = [];
  parts.push(tp.text(h.title, W / 2, 200, 52, { anchor: 'middle', fill: '#111' }));
  parts.push(`<line x1="${m}" y1="245" x2="${W - m}" y2="245" stroke="#333" stroke-width="3"/>`);
  let y = 330;
  const labelW = 230;
  for (const [label, value] of h.rows) {
    parts.push(tp.text(label, m, y, SIZE, { fill: '#555' }));
    for (const line of wrap(value, SIZE, W - 2 * m - labelW)) {
      parts.push(tp.text(line, m + labelW, y, SIZE, { fill: '#111' }));
      y += SIZE * 1.6;
    }
    y += SIZE * 0.4;
  }
  return { parts, y };
}

/** A drawn page as a palette PNG: half the bytes of the watermark's full-colour PNG, the same text. */
export function palettePng(png: Buffer): Promise<Buffer> {
  return sharp(png).png({ compressionLevel: 9, palette: true }).toBuffer();
}

/** One A4 page at CERT_DPI as a palette PNG. */
function pagePng(parts: string[]): Promise<Buffer> {
  const { w: W, h: H } = PAGE;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="${W}" height="${H}" fill="#fff"/>${parts.join('')}</svg>`;
  return sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).png({ compressionLevel: 9, palette: true }).toBuffer();
}

/** The 核证页 as a PNG (A4 at CERT_DPI). Every value is user or catalogue text: drawn as glyph paths, never markup. */
export async function renderCertification(c: Certification): Promise<Buffer> {
  const tp = textPaths();
  const { w: W, h: H } = PAGE;
  const m = MARGIN;
  const size = SIZE;
  const head = drawHead(c);
  const parts = head.parts;
  let y = head.y + 30;
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
  return pagePng(parts);
}

export interface ExtractText extends PageHead {
  /** The extracted text as the archivist checked it (line breaks kept). */
  text: string;
  /** Heads the pages after the first: the title and the serial, say. */
  continued: string;
}

/**
 * The pages of a 摘录件 as PNGs (A4 at CERT_DPI): the first with the head (title, what it cites), the
 * text under 摘录内容 running on over as many pages as it needs, each numbered 第 n 页，共 N 页. Only
 * the text is drawn: no image of the archive enters an extract.
 */
export async function renderExtractPages(e: ExtractText): Promise<Buffer[]> {
  const tp = textPaths();
  const { w: W, h: H } = PAGE;
  const m = MARGIN;
  const lead = SIZE * 1.7;
  const bottom = H - 260; // above the page number and the watermark's band
  const lines = wrap(e.text, EXTRACT_FONT_SIZE, EXTRACT_LINE_WIDTH); // W - 2 * m - 40: the lines extractLineCount counts
  const pages: string[][] = [];
  let head = drawHead(e);
  let parts = head.parts;
  parts.push(tp.text('摘录内容', m, head.y + 30, SIZE, { fill: '#555' }));
  let y = head.y + 30 + SIZE * 2;
  for (const line of lines) {
    if (y > bottom) {
      pages.push(parts);
      head = drawHead({ title: e.continued, rows: [] });
      parts = head.parts;
      y = head.y - 20;
    }
    parts.push(tp.text(line, m + 20, y, SIZE, { fill: '#111' }));
    y += lead;
  }
  pages.push(parts);
  return Promise.all(
    pages.map((p, i) => {
      p.push(tp.text(`第 ${i + 1} 页，共 ${pages.length} 页`, W / 2, H - 190, 24, { anchor: 'middle', fill: '#666' }));
      return pagePng(p);
    }),
  );
}

/** The PDF: each page at its physical size (pixels / dpi), then the certification on A4. */
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
    const img = p.format === 'png' ? await doc.embedPng(p.data) : await doc.embedJpg(p.data);
    const w = (p.width / p.dpi) * 72;
    const h = (p.height / p.dpi) * 72;
    doc.addPage([w, h]).drawImage(img, { x: 0, y: 0, width: w, height: h });
  }
  const cert = await doc.embedPng(certification);
  doc.addPage([A4.w, A4.h]).drawImage(cert, { x: 0, y: 0, width: A4.w, height: A4.h });
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
