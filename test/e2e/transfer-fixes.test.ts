// 转递 as the tester found it, in a real browser: a cancelled transfer says the 任免 notice went back
// and its badge reads 已办结 · 已撤销 (neutral, not a success) in both languages; a receipted one
// 已办结 · 已转出; the printed slip stays Chinese in English; /transfers fits 1024 px in English; 查收 →
// 退回 without 说明 says 退回须写明原因 once.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Page } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, logout, logoutDiscarding, type Browsing } from './browser.ts';
import { cityCadre, completeAt, inCaseOf, moveToHaibowan, order, prepareAndApprove, send } from '../processes/transfer-helpers.ts';

let sys: TestSystem;
let b: Browsing;
const SHOTS = '/tmp/xfer';

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  fs.mkdirSync(SHOTS, { recursive: true });
  sys = await startSystem();
  b = await openBrowser(sys.url);
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

const shot = (p: Page, name: string) => p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(sys.clock.now());

/** An order to an office outside Dangan, sent (the paper receipt is recorded on /transfers/:id). */
async function sentOutside(skip = 0) {
  const leaving = await cityCadre(sys, skip);
  const started = await (await sys.as('archivist1')).post('/api/process-instances', {
    processKey: 'transfer',
    variables: { cadreId: leaving.cadreId, reason: 'transfer', destinationKind: 'outside_office', toUnitName: '包头市委组织部干部档案室', noticeNo: '乌组干〔2026〕81号', noticeDate: '2026-11-01' },
  });
  await prepareAndApprove(sys, started.body.id, leaving.cadreId);
  if ((await send(sys, started.body.id)).status !== 200) throw new Error('send failed');
  return { leaving, instanceId: started.body.id as string, order: await order(sys, started.body.id) };
}

test.serial('a cancelled transfer: the notice went back, 已办结 · 已撤销 in a neutral badge; a receipted one 已办结 · 已转出', async (t) => {
  const p = b.page;
  const cadre = await cityCadre(sys);
  const archivist = await sys.as('archivist1');
  const id = (await moveToHaibowan(sys, archivist, cadre.cadreId)).body.transfer.instanceId;
  t.is((await completeAt(archivist, id, 'prepareArchive', { complete: 'cancel', comment: '任免决定已撤销。' })).status, 200);
  const outside = await sentOutside();
  t.is((await archivist.post(`/api/transfers/${outside.order.id}/receipt`, { receivedOn: today(), signer: '张伟' })).status, 200);

  await login(p, sys.url, 'archivist1');
  await p.goto(`${sys.url}/applications/${id}`);
  const badge = p.locator('.badge', { hasText: '已办结' }).first();
  await badge.waitFor();
  t.is((await badge.textContent())?.trim(), '已办结 · 已撤销');
  t.false(await badge.evaluate((e) => e.classList.contains('badge-ok')), 'a cancellation is not shown as a success');
  await p.getByText('办结：已撤销').waitFor();
  await p.getByTestId('position-reverted').getByText(/任免通知 乌组任〔2026〕15号 已撤回：干部的单位、职务和管理权限已恢复为乌海市.*（单位管），见变更记录。$/).waitFor();
  t.notRegex((await p.locator('main').textContent()) ?? '', /cancelled|transferred/);
  await shot(p, 'case-cancelled-zh');

  // 我的申请 lists both, in words
  await p.goto(`${sys.url}/applications`);
  await p.getByText('已办结 · 已撤销').first().waitFor();
  await p.getByText('已办结 · 已转出').first().waitFor();
  t.notRegex((await p.locator('main').textContent()) ?? '', /· (cancelled|transferred)/);

  await p.getByLabel('语言').selectOption('en');
  await p.goto(`${sys.url}/applications/${id}`);
  await p.locator('.badge', { hasText: 'Closed · cancelled' }).first().waitFor();
  await p.getByTestId('position-reverted').getByText(/The transfer was cancelled and the notice 乌组任〔2026〕15号 taken back/).waitFor();
  await shot(p, 'case-cancelled-en');
  await p.goto(`${sys.url}/applications/${outside.instanceId}`);
  await p.locator('.badge', { hasText: 'Closed · transferred' }).first().waitFor();
  await p.getByLabel('Language').selectOption('zh');
  await logout(p);
  t.deepEqual(b.problems, [], 'no console error, page error or failed request');
});

test.serial('in English the slip stays Chinese, and /transfers fits 1024 px', async (t) => {
  const p = b.page;
  const { order: o } = await sentOutside();
  await p.setViewportSize({ width: 1024, height: 800 });
  await login(p, sys.url, 'archivist1');
  await p.getByLabel('语言').selectOption('en');
  await p.getByLabel('Language').waitFor();
  await p.goto(`${sys.url}/transfers`);
  const row = p.getByRole('row', { name: new RegExp(o.case_no) });
  await row.waitFor().catch(async (e) => {
    await shot(p, 'transfers-1024-en-failed');
    throw e;
  });
  await shot(p, 'transfers-1024-en');
  const overflow = await p.evaluate(() => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).document.documentElement.clientWidth);
  t.true(overflow <= 0, `no horizontal overflow (by ${overflow}px)`);
  const table = await p.locator('.table-scroll').first().evaluate((e) => e.scrollWidth - e.clientWidth);
  t.true(table <= 0, `the orders table fits its column (by ${table}px)`);
  // the route stays readable: at most three lines
  const routeLines = await row.locator('td').nth(2).evaluate((td) => {
    const r = td.ownerDocument.createRange();
    r.selectNodeContents(td);
    return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size;
  });
  t.true(routeLines <= 3, `route over ${routeLines} lines`);

  await row.getByRole('link', { name: o.case_no }).click();
  const slip = p.locator('.slip');
  await slip.waitFor();
  await shot(p, 'transfer-slip-en');
  const text = (await slip.textContent()) ?? '';
  for (const w of ['存根', '正文', '回执', '转递方式', '发件人', '收件人', '姓名', '档案材料（份）']) t.true(text.includes(w), w);
  t.notRegex(text, /Stub|Letter|Receipt|Method|Sender|Received by|Name|November|Nov\b/);
  t.regex(text, /\d{4}年\d{2}月\d{2}日/);
  await p.getByLabel('Language').selectOption('zh');
  await p.goto(`${sys.url}/transfers`);
  await p.getByRole('row', { name: new RegExp(o.case_no) }).waitFor();
  await shot(p, 'transfers-1024-zh');
  await logout(p);
  await p.setViewportSize({ width: 1280, height: 800 });
  t.deepEqual(b.problems, [], 'no console error, page error or failed request');
});

test.serial('查收 → 退回 without 说明 says why once, at the field', async (t) => {
  const p = b.page;
  const cadre = await cityCadre(sys);
  const id = (await moveToHaibowan(sys, await sys.as('archivist1'), cadre.cadreId)).body.transfer.instanceId;
  await prepareAndApprove(sys, id, cadre.cadreId);
  t.is((await send(sys, id)).status, 200);
  const inId = (await inCaseOf(sys, id))!;
  const task = await sys.services.db('tasks').where({ instance_id: inId, status: 'open' }).first();

  await login(p, sys.url, 'receiver1');
  await p.goto(`${sys.url}/tasks/${task.id}`);
  await p.getByRole('radio', { name: '不全、不规范或手续不完备，退回转出单位' }).check();
  await p.getByRole('button', { name: '提交办理意见' }).click();
  await p.getByRole('dialog', { name: '确认提交' }).getByRole('button', { name: '确认' }).click();
  await p.getByText('退回须写明原因').first().waitFor();
  await p.waitForTimeout(200);
  t.is(await p.getByText('退回须写明原因', { exact: true }).count(), 1, 'said once');
  await p.getByText(/表单中有 1 处需要修改/).waitFor();
  await shot(p, 'check-return-no-reason-zh');
  t.is((await sys.services.db('tasks').where({ id: task.id }).first()).status, 'open');
  await logoutDiscarding(p);
  // the refused submission is the one expected failed request
  t.true(b.problems.every((x) => /422/.test(x)), JSON.stringify(b.problems));
});
