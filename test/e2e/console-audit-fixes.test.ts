// The auditor's console as an auditor reads it, after an explorer's findings: the table fits 1024
// px in English and in Chinese (the IP whole, not under the pinned 查看; the time on at most two
// lines), every object in words (接口, 审计日志, 档案页面 …); the search's conditions stay in the
// address across a reload; a quick check never says the whole log is intact; a full check lists
// every break; the system administrator's visit asks the server, whose 403 is in the log.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Page } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { openBrowser, loginWithCode, logout, type Browsing } from './browser.ts';

let sys: TestSystem;
let b: Browsing;
const SHOTS = process.env.AUDITFIX_SHOTS ?? '';

test.before(async () => {
  sys = await startSystem();
  // Rows of many kinds: a denied route, a refused settings write, list reads, a report.
  const sysadmin = await sys.as('sysadmin');
  await sysadmin.get('/api/audit/entries');
  await sysadmin.request('PUT', '/api/admin/settings', { audit: { retentionDays: 30 } });
  const sec = await sys.as('secadmin');
  await sec.get('/api/admin/users');
  await sec.get('/api/avoidance-entries');
  b = await openBrowser(sys.url, { width: 1024, height: 800 });
});

test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

async function shot(p: Page, name: string) {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  await p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });
}

const table = (p: Page) => p.locator('table.audit');

/** The table inside its box (nothing under the pinned button), and each time on at most two lines. */
async function layout(p: Page) {
  return table(p).evaluate((e: any) => {
    const box = e.parentElement.clientWidth;
    // The lines a time's text takes: the distinct tops of its text's boxes (the cell is as tall as the row).
    const lines = [...e.querySelectorAll('td.at')].map((td: any) => {
      const range = (globalThis as any).document.createRange();
      range.selectNodeContents(td);
      return new Set([...range.getClientRects()].map((r: any) => Math.round(r.top))).size;
    });
    const ipCut = [...e.querySelectorAll('tbody tr')].some((tr: any) => {
      const ip = tr.children[6].getBoundingClientRect();
      const act = tr.querySelector('td.row-action').getBoundingClientRect();
      return ip.right > act.left + 1;
    });
    return { table: e.scrollWidth, box, maxTimeLines: Math.max(...lines), ipCut };
  });
}

test.serial('the table fits at 1024 and 1280 px in Chinese and English; objects read in words', async (t) => {
  const p = b.page;
  await loginWithCode(p, sys, 'auditor');
  for (const lang of ['zh', 'en'] as const) {
    for (const width of [1024, 1280]) {
      await p.setViewportSize({ width, height: 800 });
      await p.goto(`${sys.url}/console/audit`);
      await p.getByLabel(/语言|Language/).first().selectOption(lang);
      await table(p).locator('tbody tr').first().waitFor();
      const l = await layout(p);
      t.true(l.table <= l.box + 1, `${lang} ${width}: the table is ${l.table} px in a box of ${l.box}`);
      t.false(l.ipCut, `${lang} ${width}: no IP under the pinned button`);
      t.true(l.maxTimeLines <= 2, `${lang} ${width}: the time takes ${l.maxTimeLines} lines`);
      await shot(p, `audit-${lang}-${width}`);
    }
  }
  // In words: the route refused the system administrator, and the audit log itself.
  const objects = await table(p).locator('td.object').allInnerTexts();
  t.true(objects.some((o) => o.startsWith('API route GET /api/audit/entries')), objects.join(' | '));
  await p.getByLabel('Language').selectOption('zh');
  await table(p).locator('tbody tr').first().waitFor();
  const zh = await table(p).locator('td.object').allInnerTexts();
  t.true(zh.some((o) => o.startsWith('接口 GET /api/audit/entries')), zh.join(' | '));
  t.true(zh.some((o) => o.startsWith('审计日志')), zh.join(' | '));
  t.false(zh.some((o) => /^(route|audit_log)\b/.test(o)), 'no raw code first');
});

test.serial('the search stays in the address: a reload keeps it', async (t) => {
  const p = b.page;
  await p.setViewportSize({ width: 1280, height: 800 });
  await p.goto(`${sys.url}/console/audit`);
  await table(p).locator('tbody tr').first().waitFor();
  await p.getByLabel('操作', { exact: true }).fill('config.*');
  await p.getByLabel('结果').selectOption({ label: '拒绝' });
  await p.getByRole('button', { name: '查询' }).click();
  await p.waitForURL(/action=config\.\*/);
  const url = new URL(p.url());
  t.is(url.searchParams.get('outcome'), 'denied');
  await p.reload();
  await p.getByTestId('audit-total').getByText(/共 1 条记录/).waitFor();
  t.is(await p.getByLabel('操作', { exact: true }).inputValue(), 'config.*');
  t.is(await p.getByLabel('结果').inputValue(), 'denied');
  t.is(await table(p).locator('tbody tr').count(), 1);
  await shot(p, 'audit-url-kept');
});

test.serial('a quick check says it checked from the checkpoint only; a full check lists every break', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  await sys.services.audit.checkpoint('manual');
  const head = Number((await db('audit_head').first()).seq);
  // Behind the triggers' back: a changed row and, further on, a deleted one — both before the checkpoint.
  if (db.client.config.client === 'pg') await db.raw('DROP TRIGGER audit_log_no_update ON audit_log; DROP TRIGGER audit_log_guarded_delete ON audit_log');
  else for (const tr of ['audit_log_no_update', 'audit_log_guarded_delete']) await db.raw(`DROP TRIGGER ${tr}`);
  await db('audit_log').where({ seq: 3 }).update({ outcome: 'failure' });
  await db('audit_log').where({ seq: 6 }).delete();

  await p.goto(`${sys.url}/console/audit?tab=verify`);
  await p.getByLabel('从最近的检查点起快速校验').check();
  await p.getByRole('button', { name: '开始校验' }).click();
  const quick = p.getByTestId('verify-result');
  await quick.waitFor();
  const said = await quick.innerText();
  t.true(said.includes(`自第 ${head} 条（检查点）起未发现改动；此前的记录未核对，需完整校验`), said);
  t.false(said.includes('日志完整'), 'never that the whole log is intact');
  await shot(p, 'audit-verify-quick-zh');

  await p.getByLabel('从头完整校验').check();
  await p.getByRole('button', { name: '开始校验' }).click();
  await p.getByTestId('verify-breaks').waitFor();
  const items = await p.getByTestId('verify-breaks').locator('li').allInnerTexts();
  t.is(items.length, 2);
  t.regex(items[0], /^第 3 条 .*被改动过/);
  t.regex(items[1], /^第 6 条 .*有记录被删除/);
  await shot(p, 'audit-verify-breaks-zh');
  await p.getByLabel('语言').selectOption('en');
  await p.getByTestId('verify-breaks').waitFor();
  await shot(p, 'audit-verify-breaks-en');
  await p.getByLabel('Language').selectOption('zh');
});

test.serial("the system administrator's visit asks the server: the 403 is in the log", async (t) => {
  const p = b.page;
  await logout(p);
  await loginWithCode(p, sys, 'sysadmin');
  const before = Number((await sys.services.db('audit_log').where({ action: 'authz.denied', actor: 'sysadmin' }).count({ n: '*' }))[0].n);
  await p.goto(`${sys.url}/console/audit`);
  await p.getByTestId('audit-refused').getByText('您无权查看审计日志').waitFor();
  t.is(await p.getByRole('tab').count(), 0);
  const rows = await sys.services.db('audit_log').where({ action: 'authz.denied', actor: 'sysadmin' }).orderBy('seq');
  t.is(rows.length, before + 1);
  t.is(rows.at(-1).object_id, 'GET /api/audit/entries');
});
