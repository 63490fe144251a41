// What a process's documentation says to its users. The first paragraph of the process's
// <documentation> (up to the first blank line) is the summary shown on 发起申请 and the start form;
// the paragraphs after it are for process administrators and the API (the modeler, OpenAPI). A
// configured value is written `{params.maxLoanDays}` and read as its number, so the text never
// names a setting and never disagrees with the installation.

const PARAM = /\{params\.([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The text with each `{params.NAME}` of a configured value replaced by that value; others stay. */
export function fillParams(text: string, params: Record<string, number>): string {
  return text.replace(PARAM, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/** The documentation's first paragraph, values filled in; null when the process has none. */
export function processSummary(documentation: string | undefined, params: Record<string, number>): string | null {
  const first = documentation?.trim().split(/\n\s*\n/)[0]?.trim();
  return first ? fillParams(first, params) : null;
}
