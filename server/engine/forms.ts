// Task and start forms: form-js schemas in processes/forms/<key>.form.json. The browser renders
// them and validates with shared/forms.ts; the server validates submitted variables with the same
// code against the same schema, so the two can never disagree. Unknown fields are refused.
import fs from 'node:fs';
import path from 'node:path';
import { evaluate } from '@bpmn-io/feelin';
import { validateForm, type FormSchema, type HideFn, type Problem } from '../../shared/forms.ts';

export type { FormComponent, FormSchema } from '../../shared/forms.ts';

export interface FieldProblem {
  field: string;
  message: string;
}

/** The server's words for each problem of the shared validator: "中文 / English". */
export function problemMessage(p: Problem): string {
  const n = p.n;
  switch (p.code) {
    case 'required':
      return '必填 / required';
    case 'text':
      return '须为文本 / must be text';
    case 'minLength':
      return `至少 ${n} 个字 / at least ${n} characters`;
    case 'maxLength':
      return `至多 ${n} 个字 / at most ${n} characters`;
    case 'pattern':
      return '格式不符 / does not match the required format';
    case 'number':
      return '须为数字 / must be a number';
    case 'min':
      return `不得小于 ${n} / at least ${n}`;
    case 'max':
      return `不得大于 ${n} / at most ${n}`;
    case 'integer':
      return '须为整数 / must be a whole number';
    case 'boolean':
      return '须为是/否 / must be true or false';
    case 'choice':
      return '须为选项之一 / must be one of the options';
    case 'option':
      return '不是有效选项 / not one of the options';
    case 'optionList':
      return '须为选项列表 / must be a list of options';
    case 'options':
      return '含无效选项 / contains an invalid option';
    case 'minItems':
      return `至少选 ${n} 项 / choose at least ${n}`;
    case 'minEntries':
      return `至少 ${n} 项 / at least ${n} entries`;
    case 'duplicates':
      return '有重复 / duplicates';
    case 'date':
      return '不是有效的日期 / not a valid date';
    case 'list':
      return '须为列表 / must be a list';
    case 'malformed':
      return '格式不对 / malformed entry';
    case 'unknown':
      return `不支持的字段类型 / unsupported field type ${p.type}`;
    case 'unknownField':
      return '未知字段 / unknown field';
  }
}

/** FEEL conditions of conditional fields; a condition that fails to evaluate hides nothing. */
const hide: HideFn = (expression, scope) => (evaluate(expression, scope) as { value: unknown }).value === true;

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
    return validateAgainst(schema, data);
  }
}

/** Every problem with the submitted data against one schema (a deployment's own copy of a form). */
export function validateAgainst(schema: FormSchema, data: Record<string, unknown>): FieldProblem[] {
  return validateForm(schema, data, hide).map((p) => ({ field: p.field, message: problemMessage(p) }));
}
