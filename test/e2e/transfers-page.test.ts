// The 转递 pages in a real browser: the archivist records a 任免 notice (the transfer starts), opens
// an order to an office outside Dangan, reads its slip and records the paper receipt.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';
import { cityCadre, order, prepareAndApprove, send } from '../processes/transfer-helpers.ts';
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

test.serial('recording a 任免 notice starts the transfer; the slip is shown and a paper receipt closes an outside transfer', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  const moving = await cityCadre(sys);
  const leaving = await cityCadre(sys, 1);

  await login(p, sys.url, 'archivist1');
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '转递' }).click();
  await p.getByRole('heading', { name: '转递', level: 1 }).waitFor();
  await p.getByText(/本单位现保管的档案/).waitFor();

  // the notice
  await p.getByRole('combobox', { name: '干部' }).fill(moving.name);
  await p.getByRole('option', { name: new RegExp(moving.name) }).first().click();
  await p.getByLabel('新任职单位').selectOption({ label: '海勃湾区新华街道办事处' });
  await p.getByLabel('新职务').fill('副主任');
  await p.getByLabel('管理权限').selectOption({ label: '县管' });
  await p.getByLabel('通知文号').fill('乌组任〔2026〕61号');
  await p.getByLabel('通知日期').fill('2026-11-01');
  await p.getByRole('button', { name: '登记' }).click();
  await p.getByText(/管档单位变更为海勃湾区委组织部干部档案室，已发起转出：转出-2026-\d{4}/).waitFor();
  const change = await db('position_changes').where({ cadre_id: moving.cadreId }).first();
  t.truthy(change.transfer_order_id);
  await p.getByRole('link', { name: '查看转出案件' }).click();
  await p.getByText('当前环节：核对整理档案（收齐零散材料）').waitFor();

  // an order to an office outside Dangan, sent
  const started = await (await sys.as('archivist1')).post('/api/process-instances', {
    processKey: 'transfer',
    variables: { cadreId: leaving.cadreId, reason: 'transfer', destinationKind: 'outside_office', toUnitName: '包头市委组织部干部档案室', noticeNo: '乌组干〔2026〕62号', noticeDate: '2026-11-01' },
  });
  await prepareAndApprove(sys, started.body.id, leaving.cadreId);
  t.is((await send(sys, started.body.id)).status, 200);
  const o = await order(sys, started.body.id);

  await p.goto(`${sys.url}/transfers`);
  await p.getByRole('link', { name: o.case_no }).click();
  await p.getByRole('heading', { name: new RegExp(o.case_no), level: 1 }).waitFor();
  await p.getByText(`${leaving.name}等1名同志的档案正本`).first().waitFor();
  await p.getByRole('button', { name: '打印转递单' }).waitFor();
  await p.getByText('接收单位在系统外').waitFor();
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(sys.clock.now());
  await p.getByLabel('签收日期').fill(today);
  await p.getByLabel('收件人', { exact: true }).fill('张伟');
  // the receipt takes the archive off the 名册 for good: a dialog says so first, and 取消 changes nothing
  await p.getByRole('button', { name: '登记纸质回执' }).click();
  const confirm = p.getByRole('dialog', { name: '确认登记纸质回执' });
  await confirm.getByText(/永久移出本单位名册，不能撤销/).waitFor();
  await confirm.getByText(/收件人：张伟/).waitFor();
  await confirm.getByRole('button', { name: '取消' }).click();
  await confirm.waitFor({ state: 'hidden' });
  t.is((await order(sys, started.body.id)).status, 'sent');
  await p.getByRole('button', { name: '登记纸质回执' }).click();
  await confirm.getByRole('button', { name: '登记回执' }).click();
  await p.getByText('回执已登记，档案已移出名册。').waitFor();
  await p.getByText(/张伟于.*签收（纸质回执）/).waitFor();
  t.is(await p.getByText('接收单位在系统外').count(), 0);
  t.is((await order(sys, started.body.id)).status, 'receipted');
  t.is((await db('archives').where({ id: leaving.archiveId }).first()).status, 'transferred');
  await logout(p);

  t.deepEqual(b.problems, [], 'no console error, page error or failed request');
  t.deepEqual(b.outside, []);
});

test.serial('a return on paper is confirmed first; at 1024 px status and slip number stay on one line; in English the codes read in English', async (t) => {
  const p = b.page;
  const leaving = await cityCadre(sys);
  const started = await (await sys.as('archivist1')).post('/api/process-instances', {
    processKey: 'transfer',
    variables: { cadreId: leaving.cadreId, reason: 'transfer', destinationKind: 'outside_office', toUnitName: '包头市委组织部干部档案室', noticeNo: '乌组干〔2026〕63号', noticeDate: '2026-11-01' },
  });
  await prepareAndApprove(sys, started.body.id, leaving.cadreId);
  t.is((await send(sys, started.body.id)).status, 200);
  const o = await order(sys, started.body.id);

  await p.setViewportSize({ width: 1024, height: 800 });
  await login(p, sys.url, 'archivist1');
  await p.goto(`${sys.url}/transfers`);
  const row = p.getByRole('row', { name: new RegExp(o.case_no) });
  await row.waitFor();
  t.is(await p.locator('.table-scroll > table').count(), 1, 'the table scrolls inside its wrapper');
  // a text's line boxes: one each, no "待审/批", no slip number over three lines
  const lines = (text: string) =>
    row.getByRole('cell', { name: text, exact: true }).evaluate((td: any) => {
      const r = td.ownerDocument.createRange();
      r.selectNodeContents(td);
      return new Set([...r.getClientRects()].map((x: any) => Math.round(x.top))).size;
    });
  t.is(await lines('已发出'), 1);
  t.is(await lines(`乌海档转字第${o.slip_no}号`), 1);
  await shot(p, 'transfers-1024', { fullPage: true });

  // 登记退回 is confirmed in a dialog naming what follows
  await row.getByRole('link', { name: o.case_no }).click();
  await p.getByLabel('退回原因').fill('缺少任免审批表。');
  await p.getByRole('button', { name: '登记退回' }).click();
  const confirm = p.getByRole('dialog', { name: '确认登记退回' });
  await confirm.getByText(/案件回到“核对整理”/).waitFor();
  await confirm.getByText('退回原因：缺少任免审批表。').waitFor();
  t.is((await order(sys, started.body.id)).status, 'sent');
  await confirm.getByRole('button', { name: '登记退回' }).click();
  await p.getByText('已登记退回，请重新核对整理后再转。').waitFor();
  t.is((await order(sys, started.body.id)).status, 'returned');

  // in English: statuses, reasons, kinds and destinations by code
  await p.getByLabel('语言').selectOption('en');
  await p.getByText(/· Returned as defective$/).waitFor();
  await p.getByText('Moved to another unit').waitFor();
  await p.getByText(/Archive office outside Dangan/).waitFor();
  await p.getByText(new RegExp(`^Original ${leaving.archiveNo}`)).waitFor();
  const facts = p.locator('section', { has: p.locator('#f-h') });
  t.notRegex((await p.locator('.page-head').textContent()) + ((await facts.textContent()) ?? ''), /被退回|调出|正本|已发出|系统外/);
  await shot(p, 'transfer-english', { fullPage: true });
  await p.goto(`${sys.url}/transfers`);
  await p.getByRole('row', { name: new RegExp(o.case_no) }).getByRole('cell', { name: 'Returned as defective', exact: true }).waitFor();
  // 登记任免（调动）通知: its management levels in English too (they stayed 中管…单位管).
  t.deepEqual(await p.locator('#pc-level option:not([value=""])').allInnerTexts(), ['Central', 'Provincial', 'Municipal', 'County', 'Unit']);
  await p.getByLabel('Language').selectOption('zh');
  await logout(p);
  await p.setViewportSize({ width: 1280, height: 800 });

  t.deepEqual(b.problems, [], 'no console error, page error or failed request');
});
