// 转递 walked in a real browser, by clicking: archivist1 starts a transfer to 海勃湾区 with the start
// form (cadre picker, unit select, conditional fields), prepares it (a wrong count is refused with
// the rule's words), chief1 approves, archivist1 issues the slip with two couriers (a dynamic list),
// receiver1 checks it and signs the receipt, then reviews and stores it. Any console error, page
// error or failed request other than the refused count fails the test.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Page } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';
import { shot } from './shots.ts';
import { cityCadre, counts, orgId } from '../processes/transfer-helpers.ts';

let sys: TestSystem;
let b: Browsing;

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  b = await openBrowser(sys.url);
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

async function openTask(p: Page, username: string, step: string) {
  await login(p, sys.url, username);
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: /待办/ }).click();
  await p.getByRole('heading', { name: '待办', level: 1 }).waitFor();
  await p.getByRole('link', { name: `办理：${step}` }).click();
  await p.getByRole('heading', { name: step, level: 1 }).waitFor();
}

async function submit(p: Page) {
  await p.getByRole('button', { name: '提交办理意见' }).click();
  await p.getByRole('dialog', { name: '确认提交' }).getByRole('button', { name: '确认' }).click();
}

test.serial('a transfer from the city office to 海勃湾区, started and worked by clicking', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  const cadre = await cityCadre(sys);
  const whole = await counts(sys, cadre.cadreId);

  // The archivist starts the transfer by hand.
  await login(p, sys.url, 'archivist1');
  await p.goto(`${sys.url}/start/transfer`);
  await p.getByRole('button', { name: '提交申请' }).waitFor();
  await p.getByRole('combobox', { name: '转出干部' }).fill(cadre.name);
  await p.getByRole('option', { name: new RegExp(cadre.name) }).first().click();
  await p.getByText(`已选择：${cadre.name}`).waitFor();
  await p.getByLabel('转出原因').selectOption({ label: '调出' });
  // the secrecy review is asked only for resignation, dismissal …
  t.is(await p.getByLabel('保密审查结论').count(), 0);
  await p.getByLabel('接收单位类别').selectOption({ label: '系统内管档单位' });
  await p.getByLabel('接收单位（管档单位）').selectOption({ label: '海勃湾区委组织部干部档案室' });
  t.is(await p.getByLabel('接收单位名称').count(), 0);
  await p.getByLabel('任免（调动）通知或处理决定文号').fill('乌组干〔2026〕52号');
  await p.getByLabel('通知日期').fill('2026-11-01');
  await p.getByRole('button', { name: '提交申请' }).click();
  await p.getByRole('heading', { name: '办理过程' }).waitFor();
  await p.getByText('当前环节：核对整理档案（收齐零散材料）').waitFor();
  const id = new URL(p.url()).pathname.split('/').pop()!;
  const out = await db('transfer_orders').where({ instance_id: id }).first();
  t.is(out.cadre_id, cadre.cadreId);
  t.is(out.to_org_id, await orgId(sys, '150302-ZZB-DAS'));
  await logout(p);

  // Preparation: the counts appear once "齐全" is chosen; a count short of the catalogue is refused.
  await openTask(p, 'archivist1', '核对整理档案（收齐零散材料）');
  t.is(await p.getByLabel('档案材料（份）').count(), 0);
  await p.getByRole('radio', { name: '齐全，卷数、份数与目录一致，可以转出' }).check();
  await p.getByLabel('正本（卷）').fill(String(whole.volumesMain));
  await p.getByLabel('副本（卷）').fill(String(whole.volumesCopy));
  await p.getByLabel('档案材料（份）').fill(String(whole.materialCount - 1));
  await submit(p);
  await p.getByText(/核对的卷数、份数与档案目录不符/).first().waitFor();
  t.is((await db('transfer_orders').where({ id: out.id }).first()).status, 'preparing');
  await p.getByLabel('档案材料（份）').fill(String(whole.materialCount));
  await submit(p);
  await p.getByText(/已提交/).first().waitFor();
  await logout(p);
  // the refused attempt is the one HTTP error this walk expects
  const refused = b.problems.filter((x) => /HTTP 422: POST .*\/complete$/.test(x));
  t.is(refused.length, 1);
  b.problems.splice(0, b.problems.length, ...b.problems.filter((x) => !refused.includes(x) && !/status of 422/.test(x)));

  // The chief approves.
  await openTask(p, 'chief1', '档案室负责人审批转出');
  await p.getByRole('radio', { name: '同意', exact: true }).check();
  await p.getByLabel('意见说明').fill('同意转出。');
  await submit(p);
  await p.getByText(/已提交/).first().waitFor();
  await logout(p);

  // The slip is issued: two couriers, both Party members, the package sealed.
  await openTask(p, 'archivist1', '开具转递单、密封发出');
  await p.getByRole('radio', { name: '派专人送取' }).check();
  await p.getByRole('button', { name: /添加一项/ }).click();
  const names = p.getByLabel('姓名');
  await names.nth(0).fill('王强');
  await names.nth(1).fill('李明');
  await p.getByLabel('中共党员').nth(0).check();
  await p.getByLabel('中共党员').nth(1).check();
  await p.getByLabel('已按转递单、目录装袋，密封并在封口处加盖公章').check();
  await submit(p);
  await p.getByText(/已提交/).first().waitFor();
  await logout(p);
  const sent = await db('transfer_orders').where({ id: out.id }).first();
  t.is(sent.status, 'sent');
  t.deepEqual(JSON.parse(sent.couriers), [{ name: '王强', partyMember: true }, { name: '李明', partyMember: true }]);

  // The receiving archivist checks it against the slip and signs the receipt.
  await openTask(p, 'receiver1', '对照转递单和目录查收');
  await p.getByText(sent.cadre_name).first().waitFor();
  await p.getByText(`乌海档转字第${sent.slip_no}号`).first().waitFor();
  await p.getByRole('radio', { name: '与转递单、目录相符，签退回执' }).check();
  await p.getByLabel('说明（退回须写明原因）').fill('与转递单、目录相符。');
  await submit(p);
  await p.getByText(/已提交/).first().waitFor();
  t.is((await db('archives').where({ id: cadre.archiveId }).first()).custodian_org_id, await orgId(sys, '150302-ZZB-DAS'));

  // Between the receipt and 入库 the archive page says it has no place here yet, and that its
  // number is still the sender's (read in a second tab of the same session).
  const view = await p.context().newPage();
  await view.goto(`${sys.url}/archives/${cadre.archiveId}`);
  await view.getByTestId('archive-location').getByText('待入库上架').waitFor();
  t.is(await view.getByTestId('archive-no').textContent(), cadre.archiveNo);
  t.regex((await view.getByTestId('sender-number').textContent()) ?? '', /转出单位的档案号，入库时改编/);
  await shot(view, 'archive-awaiting-shelving');
  await view.close();

  // … and stores it after the review (the next task opens by itself).
  await p.getByRole('heading', { name: '审核入库', level: 1 }).waitFor();
  await p.getByLabel('已审核三龄二历一身份，材料齐全').check();
  await p.getByLabel('库房').fill('2');
  await p.getByRole('textbox', { name: /^柜/ }).fill('7');
  await p.getByRole('textbox', { name: /^格/ }).fill('4');
  // The toast of the step before (已提交。接下来办理：审核入库) may still be up: wait until this
  // step's answer has taken the page elsewhere, then for its own toast.
  const storing = p.url();
  await submit(p);
  await p.waitForURL((u) => u.href !== storing);
  await p.getByText(/已提交/).first().waitFor();
  await logout(p);

  const stored = await db('archives').where({ id: cadre.archiveId }).first();
  t.deepEqual([stored.store_room, stored.cabinet, stored.shelf], ['2', '7', '4']);
  t.is((await db('transfer_orders').where({ id: out.id }).first()).status, 'receipted');
  t.is((await db('process_instances').where({ id }).first()).status, 'completed');
  t.deepEqual(b.problems, [], 'no console error, page error or failed request');
  t.deepEqual(b.outside, [], 'nothing requested from outside our server');
});
