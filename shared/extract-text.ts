// The text of a 摘录件 (extract) as it is kept and certified, the same for the server's check
// (server/copies/schema.ts) and the archivist's dialog (client ExtractDialog), so the count the
// dialog shows is the count the server limits.

/** The longest extract, in characters as a textarea counts them (UTF-16 units). */
export const EXTRACT_MAX = 5000;

/** Plain line breaks (Windows' made plain), no trailing spaces on a line, no blank lines around the whole. */
export function cleanExtractText(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trim();
}
