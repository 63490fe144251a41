// A start form's first values from the page's query string (/start/collection-notice?cadreId=12
// &title=…&categoryCode=4-1), so that another page can open a process with what it already
// knows. Only keys that are fields the user may edit, and only values of the field's kind: a number
// for a number field (whole for a whole-number one), the text for a text field, for a select or
// radio one of its options. Everything else in the query is ignored; the form is validated as ever.
import { valueFields, type Data, type FormComponent } from './schema.ts';

export function prefillFrom(components: FormComponent[], query: URLSearchParams | undefined): Data {
  const out: Data = {};
  if (!query) return out;
  for (const c of valueFields(components)) {
    const key = c.key;
    if (!key || c.path || c.readonly || c.disabled) continue;
    const raw = query.get(key);
    if (raw === null || raw.trim() === '') continue;
    switch (c.type) {
      case 'number': {
        // Plain decimals only: Number() would also take '0x1f', '1e3' and ' '.
        if (!/^-?\d+(\.\d+)?$/.test(raw.trim())) break;
        const n = Number(raw.trim());
        if (c.decimalDigits !== 0 || Number.isInteger(n)) out[key] = n;
        break;
      }
      case 'textfield':
      case 'textarea':
        out[key] = raw;
        break;
      case 'select':
      case 'radio':
        if (c.values?.some((o) => o.value === raw)) out[key] = raw;
        break;
    }
  }
  return out;
}

/**
 * A task form's first values from its case: a field with properties.prefillFrom = "<variable>"
 * starts with that case variable (the 整理归档 form's 类号 and 页数 start with the hand-over's
 * categoryCode and pages), under the same rules as above; the user still edits.
 */
export function prefillFromCase(components: FormComponent[], variables: Record<string, unknown> | undefined): Data {
  const query = new URLSearchParams();
  for (const c of valueFields(components)) {
    const from = c.properties?.prefillFrom;
    const v = from && c.key ? variables?.[from] : undefined;
    if (typeof v === 'string' || typeof v === 'number') query.set(c.key!, String(v));
  }
  return prefillFrom(components, query);
}
