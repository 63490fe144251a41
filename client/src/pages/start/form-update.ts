// The start form after a lost answer or a new version of the process. `newStartKey`: the key one
// application is filed under (POST /api/process-instances `idempotencyKey`), so a retry answers
// the case already filed instead of filing a second. `carryOver`: when the process administrator
// deployed a new start form while this one was open (409 FORM_CHANGED), what was typed moves to
// the new form for every field that still exists, and the new fields are named.
import type { ProcessDefinition } from '../../lib/api/types.ts';
import { call } from '../../lib/api/client.ts';
import { loadHide } from '../../lib/forms/feel.ts';
import { prefillFrom } from '../../lib/forms/prefill.ts';
import { valueFields, type Data, type FormComponent, type FormSchema } from '../../lib/forms/schema.ts';

/**
 * A random UUID (v4). crypto.randomUUID exists only in a secure context, and an office intranet
 * may serve the system over plain HTTP; getRandomValues works on both.
 */
export function newStartKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const keyOf = (c: FormComponent): string | undefined => c.key ?? c.path;

/**
 * The values for the new form: its first values (`initial`: defaults, the query's prefill), then
 * everything typed for a field the new form still has. `added`: the new form's fields the old one
 * did not have, in the new form's order.
 */
export function carryOver(before: FormComponent[], after: FormComponent[], typed: Data, initial: Data): { data: Data; added: FormComponent[] } {
  const had = new Set(valueFields(before).map(keyOf));
  const now = valueFields(after);
  const data: Data = { ...initial };
  for (const c of now) {
    const k = keyOf(c);
    if (k && had.has(k) && typed[k] !== undefined) data[k] = typed[k];
  }
  return { data, added: now.filter((c) => !had.has(keyOf(c))) };
}

/** The start form of the process's latest version (an empty one when it has none). */
export async function startFormOf(d: ProcessDefinition): Promise<FormSchema> {
  if (!d.startFormKey) return { type: 'default', components: [] };
  return (await call('GET /api/forms/:key', { params: { key: d.startFormKey }, query: { processKey: d.key } })) as unknown as FormSchema;
}

/**
 * The process's latest version and its start form, with what was typed on the form shown so far
 * (`before`) carried over; `added` names the new fields by their labels. Null when the caller may
 * no longer start the process (it was withdrawn meanwhile).
 */
export async function latestStartForm(processKey: string, before: FormComponent[], typed: Data, query: URLSearchParams | undefined) {
  const def = (await call('GET /api/process-definitions')).find((x) => x.key === processKey);
  if (!def) return null;
  const schema = await startFormOf(def);
  const hide = await loadHide(schema);
  const { data, added } = carryOver(before, schema.components, typed, prefillFrom(schema.components, query));
  return { def, schema, hide, data, added: added.map((c) => c.label ?? keyOf(c) ?? '').filter(Boolean) };
}
