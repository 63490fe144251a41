// CSV for the exports (audit log, 统计分析): UTF-8 with a BOM (so spreadsheet programs show
// Chinese), RFC 4180 quoting, CRLF lines, and cells that a spreadsheet would take for a formula
// (=, +, -, @, tab, CR) prefixed with an apostrophe, so an export cannot run anything when opened.

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole CSV document of these rows. */
export function csvDocument(rows: unknown[][]): string {
  return '\uFEFF' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
