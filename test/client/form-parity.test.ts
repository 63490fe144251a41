// The browser and the server validate forms with one implementation (shared/forms.ts): the
// browser through client/src/lib/forms/validate.ts, the server through FormRegistry. Run both
// entry points over the shipped forms and a form with every field type, on valid, missing,
// wrong-typed, boundary and unknown inputs, and compare the fields each one flags; and every
// problem has words in both UI languages and on the server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { evaluate } from '@bpmn-io/feelin';
import { FormRegistry, problemMessage } from '../../server/engine/forms.ts';
import { PROBLEM_CODES } from '../../shared/forms.ts';
import { isoDate } from '../../server/http/zod.ts';
import { zh } from '../../client/src/lib/i18n/zh.ts';
import { en } from '../../client/src/lib/i18n/en.ts';
import { processesDir } from '../../server/services.ts';
import { validateForm, submittable } from '../../client/src/lib/forms/validate.ts';
import type { FormSchema } from '../../client/src/lib/forms/schema.ts';

const hide = (e: string, scope: Record<string, unknown>) => (evaluate(e, scope) as { value: unknown }).value === true;

const EVERY_TYPE: FormSchema = {
  type: 'default',
  id: 'every-type',
  components: [
    { type: 'text', text: '说明文字' },
    { type: 'textfield', key: 'name', label: '姓名', validate: { required: true, minLength: 2, maxLength: 5 } },
    { type: 'textfield', key: 'code', label: '编号', validate: { pattern: '[A-Z]{2}\\d{3}' } },
    { type: 'textarea', key: 'note', label: '备注', validate: { maxLength: 10 } },
    { type: 'number', key: 'count', label: '份数', decimalDigits: 0, validate: { required: true, min: 1, max: 9 } },
    { type: 'checkbox', key: 'copy', label: '需要复制' },
    { type: 'radio', key: 'mode', label: '方式', values: [{ label: '电子', value: 'e' }, { label: '纸质', value: 'p' }], validate: { required: true } },
    { type: 'select', key: 'purpose', label: '目的', values: [{ label: '一', value: '1' }, { label: '二', value: '2' }] },
    { type: 'checklist', key: 'cats', label: '类别', values: [{ label: '一', value: '1' }, { label: '四', value: '4' }, { label: '九', value: '9' }], validate: { required: true, min: 2 } },
    { type: 'taglist', key: 'tags', label: '标签', values: [{ label: 'a', value: 'a' }, { label: 'b', value: 'b' }] },
    { type: 'datetime', subtype: 'date', key: 'from', label: '起', validate: { required: true } },
    { type: 'datetime', key: 'at', label: '时刻' },
    { type: 'textfield', key: 'copyReason', label: '复制理由', conditional: { hide: '=copy != true' }, validate: { required: true } },
    {
      type: 'group',
      label: '分组',
      components: [{ type: 'textfield', key: 'phone', label: '电话', validate: { pattern: '\\d{11}' } }],
    },
    {
      type: 'dynamiclist',
      path: 'persons',
      label: '查档人员',
      validate: { required: true, min: 2 },
      components: [
        { type: 'textfield', key: 'personName', label: '姓名', validate: { required: true } },
        { type: 'checkbox', key: 'partyMember', label: '中共党员' },
      ],
    },
    { type: 'image', source: 'x' } as any,
  ],
};

const VALID = {
  name: '王建国',
  code: 'AB123',
  note: '无',
  count: 2,
  copy: false,
  mode: 'e',
  purpose: '1',
  cats: ['1', '4'],
  tags: ['a'],
  from: '2026-11-02',
  at: '2026-11-02T09:30:00+08:00',
  phone: '13800000000',
  persons: [{ personName: '王建国', partyMember: true }, { personName: '李红梅' }],
};

/** Variations of a valid input: each field removed, emptied, of the wrong type, at the edges. */
function variations(schema: FormSchema, valid: Record<string, unknown>): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [valid, {}, { ...valid, extra: 1 }];
  const odd: unknown[] = ['', null, 0, -1, 1.5, 100, 'x', 'a'.repeat(20), true, [], ['x'], ['1', '1'], {}, '2026-13-40', '2026-11-02', '2026-11-02T09:30'];
  for (const k of Object.keys(valid)) {
    const { [k]: _drop, ...rest } = valid;
    out.push(rest);
    for (const v of odd) out.push({ ...valid, [k]: v });
  }
  if ('persons' in valid) {
    out.push({ ...valid, persons: [{ personName: '王' }] });
    out.push({ ...valid, persons: [{ personName: '王' }, 'x'] });
    out.push({ ...valid, persons: [{ personName: '王' }, { personName: '' , other: 1 }] });
    out.push({ ...valid, copy: true });
    out.push({ ...valid, copy: true, copyReason: '需要复印学历材料' });
  }
  void schema;
  return out;
}

function serverRegistry(schemas: FormSchema[]): FormRegistry {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-forms-'));
  for (const s of schemas) fs.writeFileSync(path.join(dir, `${s.id}.form.json`), JSON.stringify(s));
  return new FormRegistry(dir);
}

const fieldsOf = (ps: Array<{ field: string }>) => ps.map((p) => p.field).sort();

test('every field type: the browser flags exactly the fields the server flags', (t) => {
  const server = serverRegistry([EVERY_TYPE]);
  let compared = 0;
  for (const data of variations(EVERY_TYPE, VALID)) {
    const s = server.validate('every-type', data);
    const c = validateForm(EVERY_TYPE, data, hide);
    t.deepEqual(fieldsOf(c), fieldsOf(s), JSON.stringify(data));
    compared++;
  }
  t.true(compared > 200);
  t.deepEqual(validateForm(EVERY_TYPE, VALID, hide), [], 'the valid input is valid');
});

test('text of nothing but spaces is no answer: a required field is unfilled, a minimum counts what is written', (t) => {
  const server = serverRegistry([EVERY_TYPE]);
  for (const check of [(d: Record<string, unknown>) => server.validate('every-type', d), (d: Record<string, unknown>) => validateForm(EVERY_TYPE, d, hide)]) {
    const blank = check({ ...VALID, name: '      ' });
    t.deepEqual(blank.map((p) => p.field), ['name']);
    t.regex(JSON.stringify(blank), /required|必填/);
    t.deepEqual(fieldsOf(check({ ...VALID, name: ' 王 ' })), ['name'], 'one character between spaces is under the minimum of 2');
    t.deepEqual(check({ ...VALID, name: ' 王建 ' }), []);
  }
});

test('a day that does not exist is no date, in a form and in an API date: 2026-02-30 is not 2 March', (t) => {
  const server = serverRegistry([EVERY_TYPE]);
  for (const check of [(d: Record<string, unknown>) => server.validate('every-type', d), (d: Record<string, unknown>) => validateForm(EVERY_TYPE, d, hide)]) {
    for (const day of ['2026-02-30', '2026-02-29', '2026-04-31', '2026-13-01']) {
      t.deepEqual(fieldsOf(check({ ...VALID, from: day })), ['from'], day);
    }
    t.deepEqual(check({ ...VALID, from: '2028-02-29' }), [], 'a leap day exists');
  }
  t.deepEqual(validateForm(EVERY_TYPE, { ...VALID, from: '2026-02-30' }, hide).map((p) => p.code), ['date']);
  t.false(isoDate.safeParse('2026-02-30').success);
  t.regex(isoDate.safeParse('2026-02-30').error!.issues[0].message, /^不是有效的日期 \/ not a date that exists$/);
  t.true(isoDate.safeParse('2028-02-29').success);
});

test('the shipped forms: the same agreement', (t) => {
  const dir = path.join(processesDir, 'forms');
  const server = new FormRegistry(dir);
  const samples: Record<string, Record<string, unknown>> = {
    approval: { decision: 'approve', comment: '同意。' },
    'borrowing-start': {
      cadreName: '张建军',
      cadreIdNumber: '150302197205061234',
      coApplicants: ['3'],
      purpose: '2',
      reason: '拟提拔考察。',
      mode: 'electronic',
      categories: ['1', '9'],
      viewFrom: '2026-11-03',
      viewDays: 2,
    },
    'copy-start': { cadreName: '张建军', cadreIdNumber: '15030219720506123X', coApplicants: ['3'], kind: 'copy', purpose: '2', reason: '复制任免表。', materials: ['9-2-1'], copies: 2 },
  };
  for (const key of server.keys()) {
    const schema = server.get(key) as unknown as FormSchema;
    const valid = samples[key] ?? {};
    for (const data of variations(schema, valid)) {
      t.deepEqual(fieldsOf(validateForm(schema, data, hide)), fieldsOf(server.validate(key, data)), `${key}: ${JSON.stringify(data)}`);
    }
  }
});

test('what the browser submits drops empty and hidden values, and the server accepts it', (t) => {
  const server = serverRegistry([EVERY_TYPE]);
  const typed = { ...VALID, note: '', copyReason: '不会提交', tags: undefined };
  const data = submittable(EVERY_TYPE.components, typed as any, hide);
  t.false('note' in data);
  t.false('copyReason' in data, 'hidden while copy is false');
  t.false('tags' in data);
  t.deepEqual(server.validate('every-type', data), []);
  const withCopy = submittable(EVERY_TYPE.components, { ...typed, copy: true } as any, hide);
  t.is(withCopy.copyReason, '不会提交');
});

test('every problem code is worded in Chinese and English in the browser and on the server', (t) => {
  for (const code of PROBLEM_CODES) {
    t.truthy((zh.form as Record<string, string>)[code], `zh form.${code}`);
    t.truthy((en.form as Record<string, string>)[code], `en form.${code}`);
    t.regex(problemMessage({ field: 'x', code, n: 3, type: 't' }), / \/ /, `server ${code}`);
  }
});
