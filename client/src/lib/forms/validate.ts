// Client-side validation of form data against a form-js schema. It mirrors the server's
// validator (server/engine/forms.ts) rule for rule, so what the browser accepts the server
// accepts; test/client/form-parity.test.ts runs both over the same inputs to keep it so.
// Problems carry an i18n key and its parameters, not text.
import { STATIC, type Data, type FormComponent, type FormSchema } from './schema.ts';

export type ProblemCode =
  | 'required'
  | 'text'
  | 'minLength'
  | 'maxLength'
  | 'pattern'
  | 'number'
  | 'min'
  | 'max'
  | 'integer'
  | 'boolean'
  | 'option'
  | 'options'
  | 'minItems'
  | 'minEntries'
  | 'duplicates'
  | 'date'
  | 'list'
  | 'malformed'
  | 'unknown'
  | 'unknownField';

export interface Problem {
  field: string;
  code: ProblemCode;
  n?: number;
}

/** Evaluates a conditional.hide FEEL expression (loaded only for forms that have one). */
export type HideFn = (expression: string, scope: Data) => boolean;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function checkValue(c: FormComponent, key: string, v: unknown, out: Problem[]): void {
  const r = c.validate ?? {};
  const bad = (code: ProblemCode, n?: number): void => {
    out.push(n === undefined ? { field: key, code } : { field: key, code, n });
  };
  switch (c.type) {
    case 'textfield':
    case 'textarea': {
      if (typeof v !== 'string') return bad('text');
      if (r.minLength !== undefined && [...v].length < r.minLength) bad('minLength', r.minLength);
      if (r.maxLength !== undefined && [...v].length > r.maxLength) bad('maxLength', r.maxLength);
      if (r.pattern && !new RegExp(`^(?:${r.pattern})$`).test(v)) bad('pattern');
      return;
    }
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return bad('number');
      if (r.min !== undefined && v < r.min) bad('min', r.min);
      if (r.max !== undefined && v > r.max) bad('max', r.max);
      if (c.decimalDigits === 0 && !Number.isInteger(v)) bad('integer');
      return;
    }
    case 'checkbox':
      if (typeof v !== 'boolean') bad('boolean');
      return;
    case 'radio':
    case 'select': {
      if (typeof v !== 'string') return bad('option');
      if (c.values && !c.values.some((o) => o.value === v)) bad('option');
      return;
    }
    case 'checklist':
    case 'taglist': {
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return bad('options');
      if (c.values && v.some((x) => !c.values!.some((o) => o.value === x))) bad('options');
      if (r.required && v.length === 0) bad('required');
      if (r.min !== undefined && v.length < r.min) bad('minItems', r.min);
      if (new Set(v).size !== v.length) bad('duplicates');
      return;
    }
    case 'datetime': {
      const re = c.subtype === 'date' ? DATE : DATETIME;
      if (typeof v !== 'string' || !re.test(v) || Number.isNaN(Date.parse(v))) bad('date');
      return;
    }
    default:
      bad('unknown');
  }
}

export function isHidden(c: FormComponent, scope: Data, hide?: HideFn): boolean {
  const expr = c.conditional?.hide;
  if (!expr || !hide) return false;
  const e = expr.trim().startsWith('=') ? expr.trim().slice(1) : expr;
  try {
    return hide(e, scope);
  } catch {
    return false;
  }
}

function walk(components: FormComponent[], data: Data, scope: Data, prefix: string, out: Problem[], allowed: Set<string>, hide?: HideFn): void {
  for (const c of components) {
    if (STATIC.has(c.type)) continue;
    if (c.type === 'group' || c.type === 'dynamiclist') {
      if (c.type === 'dynamiclist' && c.path) {
        allowed.add(c.path);
        const list = data[c.path];
        if (list === undefined) {
          if (c.validate?.required) out.push({ field: prefix + c.path, code: 'required' });
          continue;
        }
        if (!Array.isArray(list)) {
          out.push({ field: prefix + c.path, code: 'list' });
          continue;
        }
        if (c.validate?.min !== undefined && list.length < c.validate.min) out.push({ field: prefix + c.path, code: 'minEntries', n: c.validate.min });
        list.forEach((item, i) => {
          if (!item || typeof item !== 'object' || Array.isArray(item)) {
            out.push({ field: `${prefix}${c.path}[${i}]`, code: 'malformed' });
            return;
          }
          const inner = new Set<string>();
          walk(c.components ?? [], item as Data, { ...scope, ...(item as Data) }, `${prefix}${c.path}[${i}].`, out, inner, hide);
          for (const k of Object.keys(item)) if (!inner.has(k)) out.push({ field: `${prefix}${c.path}[${i}].${k}`, code: 'unknownField' });
        });
      } else {
        walk(c.components ?? [], data, scope, prefix, out, allowed, hide);
      }
      continue;
    }
    if (!c.key) continue;
    allowed.add(c.key);
    const v = data[c.key];
    if (isHidden(c, scope, hide)) continue;
    if (v === undefined || v === null || v === '') {
      if (c.validate?.required) out.push({ field: prefix + c.key, code: 'required' });
      continue;
    }
    checkValue(c, prefix + c.key, v, out);
  }
}

/** Every problem with the data; empty means the server will accept it too. */
export function validateForm(schema: FormSchema, data: Data, hide?: HideFn): Problem[] {
  const out: Problem[] = [];
  const allowed = new Set<string>();
  walk(schema.components, data, data, '', out, allowed, hide);
  for (const k of Object.keys(data)) if (!allowed.has(k)) out.push({ field: k, code: 'unknownField' });
  return out;
}

/** The data to submit: empty values dropped, and values of hidden fields dropped (as form-js does). */
export function submittable(components: FormComponent[], data: Data, hide?: HideFn, scope: Data = data): Data {
  const out: Data = {};
  const visit = (cs: FormComponent[]) => {
    for (const c of cs) {
      if (STATIC.has(c.type)) continue;
      if (c.type === 'group' || (c.type === 'dynamiclist' && !c.path)) {
        if (!isHidden(c, scope, hide)) visit(c.components ?? []);
        continue;
      }
      if (c.type === 'dynamiclist' && c.path) {
        const list = data[c.path];
        if (Array.isArray(list) && !isHidden(c, scope, hide)) {
          out[c.path] = list.map((item) => submittable(c.components ?? [], item as Data, hide, { ...scope, ...(item as Data) }));
        }
        continue;
      }
      if (!c.key || isHidden(c, scope, hide)) continue;
      const v = data[c.key];
      if (v === undefined || v === null || v === '') continue;
      out[c.key] = v;
    }
  };
  visit(components);
  return out;
}
