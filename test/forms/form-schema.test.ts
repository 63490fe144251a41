// The check of edited forms (shared/form-schema.ts): every shipped form passes it — so an
// administrator can open any of them in the form editor and apply it unchanged — and what Dangan
// cannot render or validate is refused, each with its own finding.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { checkFormSchema } from '../../shared/form-schema.ts';
import { submittable, validateForm } from '../../shared/forms.ts';
import { processesDir } from '../../server/services.ts';

const forms = path.join(processesDir, 'forms');

test('every shipped form passes the check', (t) => {
  const files = fs.readdirSync(forms).filter((f) => f.endsWith('.form.json'));
  t.true(files.length > 0);
  for (const f of files) t.deepEqual(checkFormSchema(JSON.parse(fs.readFileSync(path.join(forms, f), 'utf8'))), [], f);
});

// The form editor's preview rendered HTML and Markdown in 说明文字 while the task page shows the
// text as written: `<img src="http://…">` made the modeler load from the network.
test('a text component is plain text: HTML tags and Markdown images or links are refused, in Chinese and English', (t) => {
  const text = (s: string) => checkFormSchema({ type: 'default', components: [{ type: 'text', text: s }] }).map((x) => x.message);
  for (const bad of ['<img src="http://203.0.113.9/x.png">', '请阅读</b>', '<!-- x -->', '![图](http://203.0.113.9/x.png)', '见[附件](http://example.org)', '< script>']) {
    const found = text(bad);
    t.is(found.length, 1, bad);
    t.regex(found[0], /^说明文字只能是纯文字.* \/ A text component is plain text/, bad);
  }
  for (const ok of ['出生日期以形成最早的本人填写材料为依据；不以其为依据的，须写明理由。', '1 < 2 且 3 > 2', '见第[3]条（附件）', '**注意**：按时归还']) t.deepEqual(text(ok), [], ok);
});

test('a picker widget supplies the options of a choice; plain choices must list theirs', (t) => {
  const picker = { type: 'default', components: [{ type: 'taglist', key: 'people', properties: { widget: 'user-picker' } }] };
  t.deepEqual(checkFormSchema(picker), []);
  const bare = { type: 'default', components: [{ type: 'select', key: 'level' }] };
  t.is(checkFormSchema(bare).length, 1);
  const dup = { type: 'default', components: [{ type: 'radio', key: 'x', values: [{ label: 'a', value: '1' }, { label: 'b', value: '1' }] }] };
  t.regex(checkFormSchema(dup)[0].message, /Duplicate option value/);
});

test('refused: unsupported types, bad keys, reserved keys, unknown checks, bad patterns, broken FEEL, too deep or too big', (t) => {
  const f = (components: unknown[]) => checkFormSchema({ type: 'default', components }).map((x) => x.message).join('\n');
  t.regex(f([{ type: 'iframe', url: 'https://example.org' }]), /iframe/);
  t.regex(f([{ type: 'textfield', key: '1abc' }]), /plain name/);
  t.regex(f([{ type: 'textfield', key: 'orgScopes' }]), /reserved/);
  t.regex(f([{ type: 'textfield', key: 'a', validate: { validationType: 'email' } }]), /validationType/);
  t.regex(f([{ type: 'textfield', key: 'a', validate: { pattern: '(' } }]), /pattern/);
  t.regex(f([{ type: 'textfield', key: 'a', conditional: { hide: '=x > ' } }]), /hide condition/);
  t.regex(f([{ type: 'textfield', key: 'a', label: '{{ secret }}' }]), /template/);
  t.regex(f([{ type: 'textfield', key: 'a', validate: { minLength: 5, maxLength: 2 } }]), /minLength exceeds maxLength/);
  const deep = (n: number): unknown => (n === 0 ? { type: 'textfield', key: 'z' } : { type: 'group', components: [deep(n - 1)] });
  t.regex(f([deep(6)]), /nest deeper/);
  t.regex(f(Array.from({ length: 201 }, (_, i) => ({ type: 'textfield', key: `k${i}` }))), /More than 200/);
  t.deepEqual(checkFormSchema('nope'), [{ where: '', message: '表单须为 JSON 对象 / A form is a JSON object' }]);
  t.regex(checkFormSchema({ type: 'custom', components: [] })[0].message, /must be "default"/);
});

test('a key every JavaScript object already has (toString, constructor, __proto__) is refused like a reserved one', (t) => {
  for (const key of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'prototype']) {
    const found = checkFormSchema({ type: 'default', components: [{ type: 'textfield', key, label: 'x' }] });
    t.is(found.length, 1, key);
    t.regex(found[0].message, /built-in JavaScript name/, key);
    t.is(found[0].where, key);
  }
  t.deepEqual(checkFormSchema({ type: 'default', components: [{ type: 'textfield', key: 'toStringNote', label: 'x' }] }), []);
});

test('values are read from the data itself, never inherited: an empty optional field named toString is no wrong text', (t) => {
  // A form stored before the key check (or any schema) still validates by own properties only.
  const schema = { type: 'default', components: [{ type: 'textfield', key: 'toString' }, { type: 'textfield', key: 'constructor', validate: { required: true } }] } as any;
  t.deepEqual(validateForm(schema, {}), [{ field: 'constructor', code: 'required' }]);
  t.deepEqual(submittable(schema.components, {}), {});
});
