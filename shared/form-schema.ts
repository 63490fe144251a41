// Is an edited form-js schema one Dangan can render and validate? The form-js editor offers more
// than shared/forms.ts understands (file pickers, HTML, iframes, dynamic option sources, FEEL in
// labels, validation types); a form using any of that would be shown wrongly or checked loosely.
// ONE implementation, run by the browser while editing and by the server before it stores a form.
// Pure TypeScript; FEEL syntax is checked by @bpmn-io/feelin's parser (no evaluation).
import { parseExpression } from '@bpmn-io/feelin';
import type { FormComponent } from './forms.ts';

export interface FormFinding {
  /** Where: the component's key, path or id, or '' for the form itself. */
  where: string;
  /** "中文 / English". */
  message: string;
}

/** The value-carrying types shared/forms.ts validates, the containers, and the static types our renderer shows. */
export const SUPPORTED_INPUTS = ['textfield', 'textarea', 'number', 'checkbox', 'radio', 'select', 'checklist', 'taglist', 'datetime'] as const;
export const SUPPORTED_CONTAINERS = ['group', 'dynamiclist'] as const;
export const SUPPORTED_STATIC = ['text', 'separator', 'spacer'] as const;
const SUPPORTED = new Set<string>([...SUPPORTED_INPUTS, ...SUPPORTED_CONTAINERS, ...SUPPORTED_STATIC]);
const CHOICE = new Set(['radio', 'select', 'checklist', 'taglist']);
const VALIDATE_KEYS = new Set(['required', 'minLength', 'maxLength', 'min', 'max', 'pattern']);
/** Set by the engine itself; a form may not overwrite them (server/engine/index.ts RESERVED). */
export const ENGINE_RESERVED: readonly string[] = ['initiator', 'initiatorOrgId', 'orgScopes'];
const RESERVED = new Set(ENGINE_RESERVED);
/**
 * What a case is about, set by the process's start service after its checks (the cadre and
 * archive after the name, ID number and 回避 checks; the request, the case number, the office, the
 * approval route, the grant …). A start form may ask for some of them (the start service checks
 * them); the form of a later step may not carry them — the deploy check refuses such a form and
 * the engine refuses a task completion that sets one — or a step could switch the case to another
 * cadre after the checks ran. Server: server/engine/lint/variables.ts and server/engine/index.ts.
 */
export const CASE_KEYS: readonly string[] = [
  // every start service
  'caseNo', 'caseSubject', 'custodianOrgId', 'managementLevel', 'cadreId', 'archiveId', 'route',
  // 查阅/借阅, 复制/摘录
  'requestId', 'borrowerId', 'borrowerOrgId', 'coApplicantsLabels', 'grant', 'loanId',
  // 材料收集归档, 催收, 信息更正, 数字化
  'intakeId', 'intakeNo', 'producerOrgId', 'noticeId', 'correctionId', 'batchId', 'archiveCount',
  // 转递
  'orderId', 'inOrderId', 'receiverOrgId', 'receiverInside',
];
const KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/**
 * Names every JavaScript object already has (toString, constructor, __proto__, hasOwnProperty …):
 * as a field key, the form's data would read the inherited function for an empty field ("toString
 * 须为文本") and __proto__ could never hold a value.
 */
const BUILT_IN = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);
const MAX_COMPONENTS = 200;
const MAX_DEPTH = 4;

function feelError(expr: string): string | null {
  try {
    const tree = parseExpression(expr.trim().replace(/^=/, ''), {}, undefined);
    let bad: string | null = null;
    tree.iterate({
      enter(n: { type: { isError: boolean }; from: number }) {
        if (n.type.isError && !bad) bad = `at ${n.from}`;
      },
    });
    return bad;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Markup in a text component's text: an HTML tag (`<img …>`, `</b>`, `<!-- -->`) or a Markdown image
 * or link. The task page shows the text as written (never {@html}); form-js's preview in the form
 * editor renders it as Markdown with HTML, so the two disagreed and `<img src="http://…">` made the
 * modeler reach for the network. Plain text reads the same in both: markup is refused.
 */
const MARKUP = /<\s*[A-Za-z!/?]|!?\[[^\]]*\]\([^)]*\)/;

/** Every reason the schema cannot be used; empty means it can. */
export function checkFormSchema(schema: unknown): FormFinding[] {
  const out: FormFinding[] = [];
  const add = (where: string, message: string) => out.push({ where, message });
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return [{ where: '', message: '表单须为 JSON 对象 / A form is a JSON object' }];
  const s = schema as { type?: unknown; components?: unknown };
  if (s.type !== 'default') add('', '表单类型须为 default / The form type must be "default"');
  if (!Array.isArray(s.components)) return [...out, { where: '', message: '表单须有字段列表 / The form needs a components list' }];
  let count = 0;

  const walk = (components: unknown[], depth: number, keys: Set<string>) => {
    for (const raw of components) {
      if (++count > MAX_COMPONENTS) {
        if (count === MAX_COMPONENTS + 1) add('', `字段过多（上限 ${MAX_COMPONENTS}）/ More than ${MAX_COMPONENTS} components`);
        return;
      }
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
        add('', '字段格式不对 / A component is not an object');
        continue;
      }
      const c = raw as FormComponent & Record<string, unknown>;
      const where = String(c.key ?? c.path ?? c.id ?? c.type ?? '');
      if (typeof c.type !== 'string' || !SUPPORTED.has(c.type)) {
        add(where, `不支持的字段类型“${String(c.type)}” / Field type "${String(c.type)}" is not supported (supported: ${[...SUPPORTED].join(', ')})`);
        continue;
      }
      // FEEL or templates anywhere but conditional.hide would be shown as written.
      for (const [prop, value] of Object.entries(c)) {
        if (typeof value === 'string' && value.trim().startsWith('=') && prop !== 'key' && prop !== 'path') {
          add(where, `属性 ${prop} 不支持表达式 / An expression in "${prop}" is not supported`);
        }
        if (typeof value === 'string' && /\{\{.*\}\}/.test(value)) add(where, `属性 ${prop} 不支持模板 / A template in "${prop}" is not supported`);
      }
      for (const dyn of ['valuesKey', 'valuesExpression']) {
        if (c[dyn] !== undefined) add(where, `不支持动态选项 ${dyn} / Dynamic options (${dyn}) are not supported: list the options`);
      }
      if (c.conditional?.hide !== undefined) {
        const err = typeof c.conditional.hide === 'string' ? feelError(c.conditional.hide) : 'not text';
        if (err) add(where, `隐藏条件的 FEEL 表达式有误 / The hide condition is not valid FEEL (${err})`);
      }
      if ((SUPPORTED_CONTAINERS as readonly string[]).includes(c.type)) {
        if (depth >= MAX_DEPTH) add(where, `嵌套过深 / Groups nest deeper than ${MAX_DEPTH}`);
        if (!Array.isArray(c.components)) add(where, '分组须有字段列表 / A group needs a components list');
        else if (c.type === 'dynamiclist' && c.path !== undefined) {
          if (typeof c.path !== 'string' || !KEY.test(c.path)) add(where, `列表路径须为字母、数字或下划线 / The list path must be a plain name`);
          else checkKey(c.path, where, keys);
          walk(c.components, depth + 1, new Set());
        } else walk(c.components, depth + 1, keys);
        continue;
      }
      if (c.type === 'text' && typeof c.text === 'string' && MARKUP.test(c.text)) {
        add(
          where,
          '说明文字只能是纯文字，不能含 HTML 标签或 Markdown 图片、链接（任务页面原样显示文字，预览却会渲染，图片还会从网络加载） / ' +
            'A text component is plain text: no HTML tags nor Markdown images or links (the task page shows the text as written, while the preview rendered it and would load an image from the network)',
        );
      }
      if ((SUPPORTED_STATIC as readonly string[]).includes(c.type)) continue;
      // An input: a plain, unique, unreserved key, options for a choice, and only the checks we run.
      if (typeof c.key !== 'string' || !KEY.test(c.key)) add(where, '字段标识须以字母开头，只含字母、数字、下划线 / The key must be a plain name (letters, digits, _)');
      else checkKey(c.key, where, keys);
      // A choice lists its options, unless a custom widget (properties.widget, a picker) supplies them.
      if (CHOICE.has(c.type) && !(c.values === undefined && c.properties?.widget)) {
        const values = c.values;
        if (!Array.isArray(values) || !values.length) add(where, '选项字段须列出选项 / A choice field needs its options');
        else {
          const seen = new Set<string>();
          for (const v of values) {
            if (!v || typeof v.value !== 'string' || !v.value || typeof v.label !== 'string') add(where, '每个选项须有文字和取值 / Each option needs a label and a value');
            else if (seen.has(v.value)) add(where, `选项取值重复“${v.value}” / Duplicate option value "${v.value}"`);
            else seen.add(v.value);
          }
        }
      }
      const v = (c.validate ?? {}) as Record<string, unknown>;
      for (const k of Object.keys(v)) {
        if (!VALIDATE_KEYS.has(k)) add(where, `不支持的校验 ${k} / The check "${k}" is not supported (use required, minLength, maxLength, min, max, pattern)`);
      }
      for (const k of ['minLength', 'maxLength', 'min', 'max']) {
        if (v[k] !== undefined && (typeof v[k] !== 'number' || !Number.isFinite(v[k]))) add(where, `${k} 须为数字 / ${k} must be a number`);
      }
      if (typeof v.minLength === 'number' && typeof v.maxLength === 'number' && v.minLength > v.maxLength) add(where, '最少字数大于最多字数 / minLength exceeds maxLength');
      if (typeof v.min === 'number' && typeof v.max === 'number' && v.min > v.max) add(where, '最小值大于最大值 / min exceeds max');
      if (v.pattern !== undefined) {
        try {
          if (typeof v.pattern !== 'string' || v.pattern.length > 200) throw new Error('too long');
          new RegExp(`^(?:${v.pattern})$`);
        } catch {
          add(where, '格式（正则表达式）无效 / The pattern is not a valid regular expression (≤ 200 characters)');
        }
      }
    }
  };

  const checkKey = (key: string, where: string, keys: Set<string>) => {
    if (RESERVED.has(key)) add(where, `字段标识“${key}”为系统保留 / The key "${key}" is reserved`);
    else if (BUILT_IN.has(key)) add(where, `字段标识“${key}”是 JavaScript 的内置名称，请换一个 / The key "${key}" is a built-in JavaScript name: choose another`);
    if (keys.has(key)) add(where, `字段标识重复“${key}” / Duplicate key "${key}"`);
    keys.add(key);
  };

  walk(s.components, 0, new Set());
  return out;
}
