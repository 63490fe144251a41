// The form-js schema subset Dangan's forms use, and its validation: ONE implementation run by
// the server (server/engine/forms.ts, before a start or a task completion) and by the browser
// (before sending), so the two can never disagree. Pure TypeScript: no DOM, no Node, no FEEL
// engine of its own (conditions are evaluated by the HideFn the caller passes).
// Problems carry a code and its parameters; each side words them in its own way.

export interface FormValue {
  label: string;
  value: string;
}

export interface FormComponent {
  type: string;
  id?: string;
  key?: string;
  path?: string;
  label?: string;
  description?: string;
  text?: string;
  values?: FormValue[];
  validate?: { required?: boolean; minLength?: number; maxLength?: number; min?: number; max?: number; pattern?: string };
  conditional?: { hide?: string };
  subtype?: string;
  components?: FormComponent[];
  decimalDigits?: number;
  increment?: number;
  readonly?: boolean;
  disabled?: boolean;
  /** form-js "custom properties"; Dangan reads properties.widget (see client/src/lib/forms). */
  properties?: Record<string, string>;
}

export interface FormSchema {
  id?: string;
  type: string;
  components: FormComponent[];
}

export type Data = Record<string, unknown>;

/** Types that carry no value (shown or skipped). */
export const STATIC = new Set(['text', 'spacer', 'separator', 'image', 'html', 'button', 'iframe', 'table', 'expression']);

/** Every component with a value, groups flattened (dynamic lists kept as one entry). */
export function valueFields(components: FormComponent[]): FormComponent[] {
  return components.flatMap((c) => {
    if (STATIC.has(c.type)) return [];
    if (c.type === 'group' || (c.type === 'dynamiclist' && !c.path)) return valueFields(c.components ?? []);
    return c.key || c.path ? [c] : [];
  });
}

export const PROBLEM_CODES = [
  'required',
  'text',
  'minLength',
  'maxLength',
  'pattern',
  'number',
  'min',
  'max',
  'integer',
  'boolean',
  'choice',
  'option',
  'optionList',
  'options',
  'minItems',
  'minEntries',
  'duplicates',
  'date',
  'list',
  'malformed',
  'unknown',
  'unknownField',
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

export interface Problem {
  field: string;
  code: ProblemCode;
  /** The limit of min/max/minLength/maxLength/minItems/minEntries. */
  n?: number;
  /** The component type, for 'unknown'. */
  type?: string;
}

/** Evaluates a conditional.hide FEEL expression (without its leading "="). */
export type HideFn = (expression: string, scope: Data) => boolean;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar day that exists: Date.parse takes 2026-02-30 for 2 March, so the day must come back unchanged. */
export function isCalendarDay(v: string): boolean {
  if (!DATE.test(v)) return false;
  const t = Date.parse(`${v}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === v;
}
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
      if (r.minLength !== undefined && [...v.trim()].length < r.minLength) bad('minLength', r.minLength);
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
      if (typeof v !== 'string') return bad('choice');
      if (c.values && !c.values.some((o) => o.value === v)) bad('option');
      return;
    }
    case 'checklist':
    case 'taglist': {
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return bad('optionList');
      if (c.values && v.some((x) => !c.values!.some((o) => o.value === x))) bad('options');
      if (r.required && v.length === 0) bad('required');
      if (r.min !== undefined && v.length < r.min) bad('minItems', r.min);
      if (new Set(v).size !== v.length) bad('duplicates');
      return;
    }
    case 'datetime': {
      const re = c.subtype === 'date' ? DATE : DATETIME;
      if (typeof v !== 'string' || !re.test(v) || Number.isNaN(Date.parse(v)) || !isCalendarDay(v.slice(0, 10))) bad('date');
      return;
    }
    default:
      out.push({ field: key, code: 'unknown', type: c.type });
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

/** A field's value: the data's own property only, never one every object inherits (toString, __proto__). */
const own = (data: Data, key: string): unknown => (Object.prototype.hasOwnProperty.call(data, key) ? data[key] : undefined);

function walk(components: FormComponent[], data: Data, scope: Data, prefix: string, out: Problem[], allowed: Set<string>, hide?: HideFn): void {
  for (const c of components) {
    if (STATIC.has(c.type)) continue;
    if (c.type === 'group' || c.type === 'dynamiclist') {
      if (c.type === 'dynamiclist' && c.path) {
        allowed.add(c.path);
        const list = own(data, c.path);
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
    const v = own(data, c.key);
    if (isHidden(c, scope, hide)) continue;
    // Text of nothing but spaces is no answer: a reason of six spaces does not fill 查阅理由.
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
      if (c.validate?.required) out.push({ field: prefix + c.key, code: 'required' });
      continue;
    }
    checkValue(c, prefix + c.key, v, out);
  }
}

/** Every problem with the data; empty means valid. Fields outside the form are refused. */
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
        const list = own(data, c.path);
        if (Array.isArray(list) && !isHidden(c, scope, hide)) {
          out[c.path] = list.map((item) => submittable(c.components ?? [], item as Data, hide, { ...scope, ...(item as Data) }));
        }
        continue;
      }
      if (!c.key || isHidden(c, scope, hide)) continue;
      const v = own(data, c.key);
      if (v === undefined || v === null || v === '') continue;
      out[c.key] = v;
    }
  };
  visit(components);
  return out;
}
