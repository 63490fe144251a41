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

/** A form as users read it: `{params.NAME}` in labels and descriptions shown as the configured value ("不超过 5 天"). */
export function formWithParams<T>(form: T, params: Record<string, number>): T {
  const fill = (c: any): any => {
    if (!c || typeof c !== 'object') return c;
    const out = { ...c };
    for (const k of ['label', 'description', 'text'] as const) if (typeof out[k] === 'string') out[k] = fillParams(out[k], params);
    if (Array.isArray(out.components)) out.components = out.components.map(fill);
    return out;
  };
  return fill(form);
}

/** The documentation's first paragraph, values filled in; null when the process has none. */
export function processSummary(documentation: string | undefined, params: Record<string, number>): string | null {
  const first = documentation?.trim().split(/\n\s*\n/)[0]?.trim();
  return first ? fillParams(first, params) : null;
}
