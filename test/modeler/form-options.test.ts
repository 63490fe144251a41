// The modeler's form select names each form by what it is for, with its key — "审批意见（approval）",
// not the bare "approval" — in both languages; a form made in the browser has no title and shows
// its key. Every shipped form (processes/forms) has its title.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { ModelerContext } from '../../client/src/lib/modeler/context.ts';
import { adminZh } from '../../client/src/lib/i18n/admin.zh.ts';
import { adminEn } from '../../client/src/lib/i18n/admin.en.ts';
import { processesDir } from '../../server/services.ts';

const shipped = fs.readdirSync(path.join(processesDir, 'forms')).filter((f) => f.endsWith('.form.json')).map((f) => f.replace(/\.form\.json$/, ''));

test('every shipped form has a title in Chinese and English', (t) => {
  t.true(shipped.length > 10);
  for (const key of shipped) {
    t.truthy((adminZh.formTitles as Record<string, string>)[key], `zh ${key}`);
    t.truthy((adminEn.formTitles as Record<string, string>)[key], `en ${key}`);
  }
});

test('the form select shows the title with the key, in the brackets of the language; a form made here shows its key', (t) => {
  let locale: 'zh' | 'en' = 'zh';
  const titles = () => (locale === 'zh' ? adminZh.formTitles : adminEn.formTitles) as Record<string, string>;
  const lint = { services: [], messages: [], roles: [], forms: ['approval', 'borrowing-chief'], decisions: [], timerMinCycleSeconds: 3600, timerMaxRepetitions: 1000 };
  const ctx = new ModelerContext(lint, (r) => r, null, () => locale, undefined, (k) => titles()[k] ?? null);
  ctx.draftForms.add('leader-approval');
  t.deepEqual(ctx.formOptions(), [
    { value: 'approval', label: '审批意见（approval）' },
    { value: 'borrowing-chief', label: '档案室负责人审批查借阅（borrowing-chief）' },
    { value: 'leader-approval', label: 'leader-approval' },
  ]);
  locale = 'en';
  t.is(ctx.formOptions()[0].label, 'Approval opinion (approval)');
});
