// The text of a 摘录件 (extract) as it is kept and certified, the same for the server's check
// (server/copies/schema.ts) and the archivist's dialog (client ExtractDialog), so the count the
// dialog shows is the count the server limits. Also the way a line of it is wrapped on the PDF's
// pages (server/copies/pdf.ts draws with this very function), so the lines counted are the lines drawn.

/** The longest extract, in characters as a textarea counts them (UTF-16 units). */
export const EXTRACT_MAX = 5000;

/**
 * The most lines an extract's text may run to once wrapped on its pages (a blank line counts as one):
 * about 10 A4 pages of text. A full extract of 5000 characters in lines of text is some 160 lines (7 pages);
 * without this, 5000 line breaks would be 5000 lines, some 200 pages drawn on the server.
 */
export const EXTRACT_MAX_LINES = 220;
/** The pages those lines make at most (the first under the head holds fewer): said with the limit. */
export const EXTRACT_MAX_PAGES = 10;

/** How the renderer sets the extract's text: glyph size and the width of a line, in px at 150 dpi. */
export const EXTRACT_FONT_SIZE = 30;
export const EXTRACT_LINE_WIDTH = 940;

/**
 * Plain line breaks (Windows' made plain), no trailing spaces on a line, no blank lines around the
 * whole, and at most one blank line between paragraphs (a run of them is one).
 */
export function cleanExtractText(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Closing punctuation never starts a line (禁则): it may stick out past the margin instead. */
const NO_LINE_START = '，。、；：！？）》」';

/**
 * Splits text into lines no wider than `max`, measuring each character with `width` (its advance at
 * the size drawn); a line break in the text starts a new line, an empty paragraph is an empty line.
 */
export function wrapText(text: string, max: number, width: (ch: string) => number): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const para of text.split('\n')) {
    if (!para) {
      out.push('');
      continue;
    }
    let line = '';
    let w = 0;
    for (const ch of para) {
      const cw = width(ch);
      if (w + cw > max && line && !NO_LINE_START.includes(ch)) {
        out.push(line);
        line = '';
        w = 0;
      }
      line += ch;
      w += cw;
    }
    if (line) out.push(line);
  }
  return out;
}

// The advance of the printable ASCII characters (space to ~) in the PDF's font (Noto Sans SC), in
// tenths of a per-cent of the em; CJK characters and full-width forms are a whole em.
const ASCII_ADVANCE = [
  224, 323, 474, 555, 555, 921, 680, 278, 338, 338, 467, 555, 278, 347, 278, 392, 555, 555, 555, 555, 555, 555, 555, 555, 555, 555, 278, 278, 555, 555, 555, 474, 946, 608,
  657, 638, 688, 589, 552, 689, 728, 293, 535, 646, 543, 812, 723, 742, 633, 742, 635, 596, 599, 721, 575, 878, 573, 531, 603, 338, 392, 338, 555, 559, 606, 563, 618, 510,
  620, 554, 325, 564, 607, 275, 275, 552, 284, 926, 610, 606, 620, 620, 388, 468, 377, 607, 521, 802, 498, 521, 475, 338, 270, 338, 555,
];

/** A character's advance in the PDF's font as the browser can know it without the font: exact for ASCII and CJK, else one em. */
export function estimatedAdvance(ch: string, size = EXTRACT_FONT_SIZE): number {
  const c = ch.codePointAt(0) ?? 0;
  const em = c >= 32 && c < 127 ? ASCII_ADVANCE[c - 32] / 1000 : 1;
  return em * size;
}

/** The lines an extract's text makes on its pages: `width` is the font's (server), the estimate by default (dialog). */
export function extractLines(text: string, width: (ch: string) => number = (ch) => estimatedAdvance(ch)): number {
  return wrapText(text, EXTRACT_LINE_WIDTH, width).length;
}
