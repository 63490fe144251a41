// Duplicate requests in a real browser: an applicant who already has an open 查阅 request about a
// cadre starts a second one for the same cadre. Once the name and ID number are in, the start page
// warns with the first case's number, date and current step (a link to it, in a new tab); submitting
// asks once, "返回修改" keeps everything typed, "仍要提交" files the second case. Another cadre
// gets no warning. Shown at 1024 px wide.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Page } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { demoCadre, todayIn, type DemoCadre, ensureScanned } from '../helpers/cases.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
let cadre: DemoCadre;
let other: DemoCadre;

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  cadre = await demoCadre(sys, 'county', 0);
  other = await demoCadre(sys, 'county', 1);
  // 电子查阅 needs page images in a requested category (server/requests/digitisation.ts).
  for (const c of [cadre, other]) await ensureScanned(sys, c.archiveId, ['1']);
  b = await openBrowser(sys.url, { width: 1024, height: 768 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

const openCasesAnswer = (p: Page) => p.waitForResponse((r) => r.url().endsWith('/open-cases') && r.request().method() === 'POST');

/** Names the cadre as the form asks (name and ID number), waiting for the page's check. */
async function nameCadre(p: Page, target: DemoCadre) {
  const answered = openCasesAnswer(p);
  await p.getByLabel('被查阅干部姓名').fill(target.name);
  await p.getByLabel('被查阅干部身份证号').fill(target.idNumber);
  return answered;
}

async function fillTheRest(p: Page, reason: string) {
  await p.getByRole('checkbox', { name: '李红梅' }).check();
  await p.getByLabel(/利用目的/).selectOption({ value: '2' });
  await p.getByLabel('查阅理由').fill(reason);
  await p.getByRole('radio', { name: '电子查阅' }).check();
  await p.getByRole('checkbox', { name: '一、履历材料' }).check();
  await p.getByLabel('拟查阅日期').fill(todayIn(sys));
  await p.getByLabel('电子查阅时限（天）').fill('2');
}

const myBorrowings = async () =>
  (await sys.services.db('workflow_cases').where({ initiator_id: (await sys.services.db('users').where({ username: 'applicant1' }).first()).id, process_key: 'borrowing', cadre_id: cadre.id }).orderBy('started_at')).map(
    (c: { instance_id: string }) => c.instance_id,
  );

test.serial('a second request for the same cadre warns with the first case’s number, asks once, and is filed after the confirmation', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  await login(p, sys.url, 'applicant1');

  // The first request: nothing open about this cadre, so no warning and no question.
  await p.goto(`${sys.url}/start/borrowing`);
  await p.getByRole('button', { name: '提交申请' }).waitFor();
  t.deepEqual((await (await nameCadre(p, cadre)).json()).items, []);
  await fillTheRest(p, '拟提拔考察，需查阅该同志的履历材料。');
  t.is(await p.locator('.notice-warn').count(), 0);
  await p.getByRole('button', { name: '提交申请' }).click();
  await p.getByRole('heading', { name: '办理过程' }).waitFor();
  const [firstId] = await myBorrowings();
  const first = await db('process_instances').where({ id: firstId }).first();
  t.regex(first.business_key, /^查借-\d{4}-\d{4}$/);
  sys.clock.advance(2 * 60_000);

  // The second one for the same cadre: the warning as soon as the cadre is named.
  await p.goto(`${sys.url}/start/borrowing`);
  await p.getByRole('button', { name: '提交申请' }).waitFor();
  await nameCadre(p, cadre);
  const box = p.locator('.notice-warn').filter({ hasText: '您已有一件针对该干部的未办结申请' });
  await box.waitFor();
  t.is(
    (await box.locator('p').first().textContent())!.replace(/\s+/g, ' ').trim(),
    `您已有一件针对该干部的未办结申请：${first.business_key}（在新标签页中打开）（2026年11月2日 09:00，当前环节 单位负责人审核）。仍要提交吗？`,
  );
  const link = box.getByRole('link', { name: new RegExp(`^${first.business_key}`) });
  t.is(await link.getAttribute('href'), `/applications/${firstId}`);
  t.is(await link.getAttribute('target'), '_blank', 'the form stays open in this tab');
  t.truthy(await box.getByText('如确需再次申请（例如利用目的不同），可以继续填写，提交时再确认一次。').count());
  await fillTheRest(p, '职级晋升需要核对学历学位材料。');
  await box.scrollIntoViewIfNeeded();
  await shot(p, 'duplicate-warning-1024');
  await shot(p, 'duplicate-warning');

  // In English too, and the form keeps what was typed across the switch.
  await p.getByLabel('语言').selectOption('en');
  await p.locator('.notice-warn').filter({ hasText: `You already have an open application about this cadre: ${first.business_key}` }).filter({ hasText: 'Submit another one anyway?' }).waitFor();
  await shot(p, 'duplicate-warning-en-1024');
  await p.getByLabel('Language').selectOption('zh');
  await box.waitFor();

  // Submitting asks once; 返回修改 files nothing and keeps the form as it was.
  await p.getByRole('button', { name: '提交申请' }).click();
  const dialog = p.getByRole('dialog', { name: '已有未办结的申请' });
  await dialog.getByRole('link', { name: new RegExp(`^${first.business_key}`) }).waitFor();
  await dialog.getByText('仍要提交吗？').waitFor();
  await shot(p, 'duplicate-dialog-1024');
  await dialog.getByRole('button', { name: '返回修改' }).click();
  await dialog.waitFor({ state: 'hidden' });
  t.deepEqual(await myBorrowings(), [firstId], 'nothing filed');
  t.is(await p.getByLabel('被查阅干部姓名').inputValue(), cadre.name);
  t.is(await p.getByLabel('查阅理由').inputValue(), '职级晋升需要核对学历学位材料。');
  t.true(await p.getByRole('checkbox', { name: '一、履历材料' }).isChecked());

  // Asked again until confirmed; 仍要提交 files the second case.
  await p.getByRole('button', { name: '提交申请' }).click();
  await dialog.getByRole('button', { name: '仍要提交' }).click();
  await p.getByRole('heading', { name: '办理过程' }).waitFor();
  await p.getByText('申请已提交。').waitFor();
  const both = await myBorrowings();
  t.is(both.length, 2);
  t.is(both[0], firstId);
  t.is(new URL(p.url()).pathname, `/applications/${both[1]}`);
  const second = await db('process_instances').where({ id: both[1] }).first();
  t.not(second.business_key, first.business_key);
  t.is(JSON.parse(second.variables).reason, '职级晋升需要核对学历学位材料。');
  t.deepEqual(b.problems, []);
});

test.serial('another cadre: no warning and no question; with two open, both are listed', async (t) => {
  const p = b.page;
  await p.goto(`${sys.url}/start/borrowing`);
  await p.getByRole('button', { name: '提交申请' }).waitFor();
  t.deepEqual((await (await nameCadre(p, other)).json()).items, []);
  t.is(await p.locator('.notice-warn').count(), 0);

  // The same cadre again: now two open cases, each with its number.
  const answered = openCasesAnswer(p);
  await p.getByLabel('被查阅干部姓名').fill(cadre.name);
  await p.getByLabel('被查阅干部身份证号').fill(cadre.idNumber);
  await answered;
  const box = p.locator('.notice-warn').filter({ hasText: '您已有 2 件针对该干部的未办结申请' });
  await box.waitFor();
  const keys = (await sys.services.db('process_instances').whereIn('id', await myBorrowings()).orderBy('started_at').select('business_key')).map((r: { business_key: string }) => r.business_key);
  const links = (await box.getByRole('link').allTextContents()).map((l) => l.replace('（在新标签页中打开）', ''));
  t.deepEqual(links, keys, 'oldest first');
  await box.getByText('（2026年11月2日 09:02，当前环节 单位负责人审核）').waitFor();
  await box.scrollIntoViewIfNeeded();
  await shot(p, 'duplicate-two-1024');
  t.deepEqual(b.problems, []);
});

test.serial('a lost answer to 提交申请: the page says it may be filed, and submitting again shows the case filed, not a second one', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  const before = await myBorrowings();
  await p.goto(`${sys.url}/start/borrowing`);
  await p.getByRole('button', { name: '提交申请' }).waitFor();
  await nameCadre(p, cadre);
  await fillTheRest(p, '干部调任前需核对该同志的任免材料。');

  // The filing reaches the server, which files it; its answer never reaches the page.
  let sent = 0;
  await p.route('**/api/process-instances', async (route) => {
    sent += 1;
    await route.fetch();
    await route.abort();
  });
  await p.getByRole('button', { name: '提交申请' }).click();
  await p.getByRole('dialog', { name: '已有未办结的申请' }).getByRole('button', { name: '仍要提交' }).click();
  const alert = p.locator('#start-form [role="alert"]');
  await alert.filter({ hasText: '申请可能已经提交' }).waitFor();
  t.is((await alert.textContent())!.trim(), '没有收到服务器的答复，申请可能已经提交。请检查网络后再次点击“提交申请”：同一份申请不会重复提交。');
  await p.unroute('**/api/process-instances');
  t.is(sent, 1);
  const filed = (await myBorrowings()).filter((id) => !before.includes(id));
  t.is(filed.length, 1, 'the server filed it');
  t.is(await p.getByLabel('查阅理由').inputValue(), '干部调任前需核对该同志的任免材料。', 'the form keeps what was typed');
  await alert.scrollIntoViewIfNeeded();
  await shot(p, 'start-lost-answer-1024');

  // Again: the server answers the case already filed; the page opens it as after any filing.
  await p.getByRole('button', { name: '提交申请' }).click();
  await p.getByRole('heading', { name: '办理过程' }).waitFor();
  await p.getByText('申请已提交。网络中断前的那次提交已经送达，没有重复提交。').waitFor();
  t.is(new URL(p.url()).pathname, `/applications/${filed[0]}`);
  t.deepEqual(await myBorrowings(), [...before, filed[0]], 'no second case');
  t.is(JSON.parse((await db('process_instances').where({ id: filed[0] }).first()).variables).reason, '干部调任前需核对该同志的任免材料。');
  await shot(p, 'start-lost-answer-retried-1024');
  t.deepEqual(b.problems.splice(0), [`request failed: POST ${sys.url}/api/process-instances net::ERR_FAILED`, 'console: Failed to load resource: net::ERR_FAILED'], 'the lost answer only');
});

test.serial('a start form left open while a version adds a required field: the new form comes back with what was typed and names the new field', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  await p.goto(`${sys.url}/start/borrowing`);
  await p.getByRole('button', { name: '提交申请' }).waitFor();
  await nameCadre(p, other);
  await fillTheRest(p, '年度考核需查阅该同志的考核材料。');

  // Meanwhile the process administrator deploys a version whose start form asks for 联系电话.
  const admin = await sys.as('procadmin');
  const latest = ((await admin.get('/api/admin/processes')).body as Array<{ key: string; latestVersion: number }>).find((x) => x.key === 'borrowing')!.latestVersion;
  const cur = (await admin.get(`/api/admin/processes/borrowing/versions/${latest}`)).body;
  const form = cur.forms['borrowing-start'];
  const edited = { ...form, components: [...form.components, { type: 'textfield', key: 'contactPhone', label: '联系电话', validate: { required: true, maxLength: 20 } }] };
  const dep = await admin.post('/api/admin/deployments', { xml: cur.xml, processKey: 'borrowing', baseVersion: latest, note: '增加联系电话', forms: { 'borrowing-start': edited } });
  t.is(dep.status, 201, JSON.stringify(dep.body));

  const before = await db('workflow_cases').where({ process_key: 'borrowing' }).count({ n: '*' }).first();
  await p.getByRole('button', { name: '提交申请' }).click();
  const alert = p.locator('#start-form [role="alert"]');
  await alert.filter({ hasText: '申请表已更新' }).waitFor();
  t.is((await alert.textContent())!.trim(), '申请表已更新，请补填新增内容：联系电话');
  const phone = p.getByLabel('联系电话');
  t.is(await phone.getAttribute('aria-invalid'), 'true', 'the new field is marked');
  t.true(await phone.evaluate((el) => el === el.ownerDocument.activeElement), 'and has the focus');
  // Everything typed is still there.
  t.is(await p.getByLabel('被查阅干部姓名').inputValue(), other.name);
  t.is(await p.getByLabel('查阅理由').inputValue(), '年度考核需查阅该同志的考核材料。');
  t.true(await p.getByRole('checkbox', { name: '一、履历材料' }).isChecked());
  t.true(await p.getByRole('checkbox', { name: '李红梅' }).isChecked());
  t.deepEqual(await db('workflow_cases').where({ process_key: 'borrowing' }).count({ n: '*' }).first(), before, 'nothing filed');
  await phone.scrollIntoViewIfNeeded();
  await shot(p, 'start-form-changed-1024');

  await phone.fill('0471-6612345');
  await p.getByRole('button', { name: '提交申请' }).click();
  await p.getByRole('heading', { name: '办理过程' }).waitFor();
  await p.getByText('申请已提交。').waitFor();
  const id = new URL(p.url()).pathname.split('/').pop()!;
  const inst = await db('process_instances').where({ id }).first();
  t.is(inst.version, dep.body.version);
  t.like(JSON.parse(inst.variables), { contactPhone: '0471-6612345', reason: '年度考核需查阅该同志的考核材料。', cadreName: other.name });
  t.deepEqual(b.problems.splice(0), [`HTTP 409: POST ${sys.url}/api/process-instances`, 'console: Failed to load resource: the server responded with a status of 409 (Conflict)'], 'the FORM_CHANGED answer only');
});
