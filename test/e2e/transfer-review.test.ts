// What the people of a 转递 case read on its task pages, in a real browser: chief1 approves with the
// cadre named in the summary and the archivist's counts and the order on the case; receiver1 cannot
// return an archive without saying why but accepts without a comment; after a return archivist1's
// new preparation task says why (date, reason, who) and the timeline shows the return; the timeline
// words 查收 as its form does. Screenshots through shots.ts.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Page } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';
import { cityCadre, completeAt, counts, inCaseOf, moveToHaibowan, order, prepareAndApprove, send } from '../processes/transfer-helpers.ts';
import { shot } from './shots.ts';

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
  await p.getByRole('link', { name: `办理：${step}` }).first().click();
  await p.getByRole('heading', { name: step, level: 1 }).waitFor();
}

async function submit(p: Page) {
  await p.getByRole('button', { name: '提交办理意见' }).click();
  await p.getByRole('dialog', { name: '确认提交' }).getByRole('button', { name: '确认' }).click();
}

const fact = (p: Page, label: string) => p.locator('dt', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]');

test.serial('chief1 approves a transfer seeing the cadre by name, the counted volumes and materials, and the order', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  const cadre = await cityCadre(sys);
  const archivist = await sys.as('archivist1');
  const id = (await moveToHaibowan(sys, archivist, cadre.cadreId)).body.transfer.instanceId;
  const whole = await counts(sys, cadre.cadreId);
  t.is((await completeAt(archivist, id, 'prepareArchive', { complete: 'yes', ...whole })).status, 200);
  const o = await order(sys, id);
  const row = await db('cadres as c').join('org_units as u', 'u.id', 'c.org_unit_id').where('c.id', cadre.cadreId).first('u.name as unit', 'c.post');

  await openTask(p, 'chief1', '档案室负责人审批转出');
  const named = fact(p, '转出干部');
  await named.waitFor();
  t.is((await named.textContent())?.trim(), `${cadre.name}（${[row.unit, row.post].filter(Boolean).join(' ')}）`);
  const panel = p.getByRole('region', { name: '转递单' });
  await panel.getByText(`正本 ${whole.volumesMain} 卷，副本 ${whole.volumesCopy} 卷，材料 ${whole.materialCount} 份`).waitFor();
  await panel.getByText('待审批').waitFor();
  const link = panel.getByRole('link', { name: `查看转递单 ${o.case_no}` });
  t.is(await link.getAttribute('href'), `/transfers/${o.id}`);
  await shot(p, 'transfer-chief-approval', { fullPage: true });

  await p.getByRole('radio', { name: '同意', exact: true }).check();
  await p.getByLabel('意见说明').fill('同意转出。');
  await submit(p);
  await p.getByText(/已提交/).first().waitFor();
  await logout(p);
  t.is((await order(sys, id)).status, 'approving');
  t.deepEqual(b.problems, [], 'no console error, page error or failed request');
});

test.serial('a return needs its reason; the sender’s new preparation says why; an acceptance needs no comment and reads as the form words it', async (t) => {
  const p = b.page;
  const cadre = await cityCadre(sys);
  const archivist = await sys.as('archivist1');
  const id = (await moveToHaibowan(sys, archivist, cadre.cadreId)).body.transfer.instanceId;
  await prepareAndApprove(sys, id, cadre.cadreId);
  t.is((await send(sys, id)).status, 200);
  const inId = (await inCaseOf(sys, id))!;

  // 退回 without a reason: the field says so, the case does not move
  await openTask(p, 'receiver1', '对照转递单和目录查收');
  await p.getByRole('radio', { name: '不全、不规范或手续不完备，退回转出单位' }).check();
  // Wait for the server's answer itself: the field's label also says 退回须写明原因.
  const answered = p.waitForResponse((r) => r.url().endsWith('/complete') && r.request().method() === 'POST');
  await submit(p);
  t.is((await answered).status(), 422);
  await p.getByText(/退回须写明原因/).first().waitFor();
  t.is((await order(sys, inId)).status, 'checking');
  const refused = b.problems.filter((x) => /HTTP 422: POST .*\/complete$/.test(x));
  t.is(refused.length, 1);
  b.problems.splice(0, b.problems.length, ...b.problems.filter((x) => !refused.includes(x) && !/status of 422/.test(x)));
  await p.getByLabel('说明（退回须写明原因）').fill('缺少2025年度考核登记表。');
  await submit(p);
  await p.getByText(/已提交/).first().waitFor();
  await logout(p);
  t.is((await order(sys, id)).status, 'returned');

  // the sender's preparation task shows the return
  await openTask(p, 'archivist1', '核对整理档案（收齐零散材料）');
  const panel = p.getByRole('region', { name: '转递单' });
  const notice = panel.getByRole('status');
  await notice.getByText(/接收单位退回了档案/).waitFor();
  t.regex((await notice.textContent()) ?? '', /\d{4}年\d{1,2}月\d{1,2}日.*周海涛退回：缺少2025年度考核登记表。/);
  await panel.getByText('被退回').waitFor();
  await p.getByRole('heading', { name: '办理过程' }).waitFor();
  await p.locator('.timeline').getByText('接收单位退回').waitFor();
  await shot(p, 'transfer-returned-preparation', { fullPage: true });
  await logout(p);

  // re-sent; 查收 accepted without a comment
  await prepareAndApprove(sys, id, cadre.cadreId);
  t.is((await send(sys, id)).status, 200);
  const inId2 = (await inCaseOf(sys, id))!;
  t.not(inId2, inId);
  await openTask(p, 'receiver1', '对照转递单和目录查收');
  await p.getByRole('radio', { name: '与转递单、目录相符，签退回执' }).check();
  await submit(p);
  await p.getByRole('heading', { name: '审核入库', level: 1 }).waitFor();
  await p.locator('.timeline').getByText('对照转递单和目录查收 · 与转递单、目录相符，签退回执').waitFor();
  t.is(await p.getByText('合格，准予归档').count(), 0);
  await shot(p, 'transfer-accepted-timeline', { fullPage: true });
  await logout(p);
  t.is((await order(sys, id)).status, 'receipted');
  t.deepEqual(b.problems, [], 'no console error, page error or failed request');
  t.deepEqual(b.outside, []);
});
