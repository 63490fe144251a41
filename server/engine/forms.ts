// Task and start forms: form-js schemas in processes/forms/<key>.form.json. The browser renders
// them with form-js; the server validates submitted variables against the same schema, so the
// two can never disagree. Unknown fields are refused.
import fs from 'node:fs';
import path from 'node:path';
import { evaluate } from '@bpmn-io/feelin';

export interface FormComponent {
  type: string;
  key?: string;
  path?: string;
  label?: string;
  values?: Array<{ label: string; value: string }>;
  validate?: { required?: boolean; minLength?: number; maxLength?: number; min?: number; max?: number; pattern?: string };
  conditional?: { hide?: string };
  subtype?: string;
  components?: FormComponent[];
  increment?: number;
  decimalDigits?: number;
}

export interface FormSchema {
  id?: string;
  type: string;
  components: FormComponent[];
}

export interface FieldProblem {
  field: string;
  message: string;
}

const STATIC = new Set(['text', 'spacer', 'separator', 'image', 'html', 'button', 'iframe', 'table', 'expression']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function hidden(c: FormComponent, data: Record<string, unknown>): boolean {
  const expr = c.conditional?.hide;
  if (!expr) return false;
  const e = expr.trim().startsWith('=') ? expr.trim().slice(1) : expr;
  try {
    return (evaluate(e, data) as { value: unknown }).value === true;
  } catch {
    return false;
  }
}

function checkValue(c: FormComponent, key: string, v: unknown, out: FieldProblem[]): void {
  const v8 = c.validate ?? {};
  const bad = (message: string): void => {
    out.push({ field: key, message });
  };
  switch (c.type) {
    case 'textfield':
    case 'textarea': {
      if (typeof v !== 'string') return bad('须为文本 / must be text');
      if (v8.minLength !== undefined && [...v].length < v8.minLength) bad(`至少 ${v8.minLength} 个字 / at least ${v8.minLength} characters`);
      if (v8.maxLength !== undefined && [...v].length > v8.maxLength) bad(`至多 ${v8.maxLength} 个字 / at most ${v8.maxLength} characters`);
      if (v8.pattern && !new RegExp(`^(?:${v8.pattern})$`).test(v)) bad('格式不符 / does not match the required format');
      return;
    }
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return bad('须为数字 / must be a number');
      if (v8.min !== undefined && v < v8.min) bad(`不得小于 ${v8.min} / at least ${v8.min}`);
      if (v8.max !== undefined && v > v8.max) bad(`不得大于 ${v8.max} / at most ${v8.max}`);
      if (c.decimalDigits === 0 && !Number.isInteger(v)) bad('须为整数 / must be a whole number');
      return;
    }
    case 'checkbox':
      if (typeof v !== 'boolean') bad('须为是/否 / must be true or false');
      return;
    case 'radio':
    case 'select': {
      if (typeof v !== 'string') return bad('须为选项之一 / must be one of the options');
      if (c.values && !c.values.some((o) => o.value === v)) bad('不是有效选项 / not one of the options');
      return;
    }
    case 'checklist':
    case 'taglist': {
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return bad('须为选项列表 / must be a list of options');
      if (c.values && v.some((x) => !c.values!.some((o) => o.value === x))) bad('含无效选项 / contains an invalid option');
      if (v8.required && v.length === 0) bad('必填 / required');
      if (v8.min !== undefined && v.length < v8.min) bad(`至少选 ${v8.min} 项 / choose at least ${v8.min}`);
      if (new Set(v).size !== v.length) bad('有重复 / duplicates');
      return;
    }
    case 'datetime': {
      const re = c.subtype === 'date' ? DATE : DATETIME;
      if (typeof v !== 'string' || !re.test(v) || Number.isNaN(Date.parse(v))) bad('日期格式不对 / invalid date');
      return;
    }
    default:
      bad(`不支持的字段类型 / unsupported field type ${c.type}`);
  }
}

function validateComponents(
  components: FormComponent[],
  data: Record<string, unknown>,
  scope: Record<string, unknown>,
  prefix: string,
  out: FieldProblem[],
  allowed: Set<string>,
): void {
  for (const c of components) {
    if (STATIC.has(c.type)) continue;
    if (c.type === 'group' || c.type === 'dynamiclist') {
      if (c.type === 'dynamiclist' && c.path) {
        allowed.add(c.path);
        const list = data[c.path];
        if (list === undefined) {
          if (c.validate?.required) out.push({ field: prefix + c.path, message: '必填 / required' });
          continue;
        }
        if (!Array.isArray(list)) {
          out.push({ field: prefix + c.path, message: '须为列表 / must be a list' });
          continue;
        }
        if (c.validate?.min !== undefined && list.length < c.validate.min) {
          out.push({ field: prefix + c.path, message: `至少 ${c.validate.min} 项 / at least ${c.validate.min} entries` });
        }
        list.forEach((item, i) => {
          if (!item || typeof item !== 'object' || Array.isArray(item)) {
            out.push({ field: `${prefix}${c.path}[${i}]`, message: '格式不对 / malformed entry' });
            return;
          }
          const inner = new Set<string>();
          validateComponents(c.components ?? [], item as Record<string, unknown>, { ...scope, ...item }, `${prefix}${c.path}[${i}].`, out, inner);
          for (const k of Object.keys(item)) if (!inner.has(k)) out.push({ field: `${prefix}${c.path}[${i}].${k}`, message: '未知字段 / unknown field' });
        });
      } else {
        validateComponents(c.components ?? [], data, scope, prefix, out, allowed);
      }
      continue;
    }
    if (!c.key) continue;
    allowed.add(c.key);
    const v = data[c.key];
    if (hidden(c, scope)) continue;
    if (v === undefined || v === null || v === '') {
      if (c.validate?.required) out.push({ field: prefix + c.key, message: '必填 / required' });
      continue;
    }
    checkValue(c, prefix + c.key, v, out);
  }
}

export class FormRegistry {
  private readonly forms = new Map<string, FormSchema>();

  constructor(dir?: string) {
    if (!dir || !fs.existsSync(dir)) return;
    for (const file of fs.readdirSync(dir)) {
      if (!file.endsWith('.form.json')) continue;
      this.forms.set(file.slice(0, -'.form.json'.length), JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
    }
  }

  keys(): string[] {
    return [...this.forms.keys()].sort();
  }

  get(key: string): FormSchema | undefined {
    return this.forms.get(key);
  }

  /** Every problem with the submitted data; empty means valid. Fields outside the form are refused. */
  validate(key: string, data: Record<string, unknown>): FieldProblem[] {
    const schema = this.forms.get(key);
    if (!schema) return [{ field: '', message: `未知表单 / unknown form ${key}` }];
    const out: FieldProblem[] = [];
    const allowed = new Set<string>();
    validateComponents(schema.components, data, data, '', out, allowed);
    for (const k of Object.keys(data)) if (!allowed.has(k)) out.push({ field: k, message: '未知字段 / unknown field' });
    return out;
  }
}
