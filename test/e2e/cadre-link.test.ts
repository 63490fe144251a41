// 关联干部 in a real browser: the security administrator links a new archivist's account to her own
// cadre record by ID number in 用户管理, giving the reason (asked before any request, as the number's
// form is) — a malformed number refused at the field before any request,
// an unknown one by the server (干部不存在), a cadre another account already is named in words — and
// the row then shows the number masked (never the cadre's name); the archivist no longer reads that
// archive, in the session she has. Unlinking gives it back. In English at 1024 px the table still
// fits. Screenshots: cadre-link-*.png (and /tmp/hi/ for the report).
import fs from 'node:fs';
import test from 'ava';
import type { Page, Request, Response } from 'playwright-core';
import { adminSuite } from './admin-setup.ts';
import { loginWithCode, logout } from './browser.ts';
import { shot } from './shots.ts';
import { plainArchiveOf } from '../archives/helpers.ts';
import { hashPassword } from '../../server/people/passwords.ts';
import * as people from '../../server/people/store.ts';
import { iso } from '../../server/clock.ts';
import { DEMO_PASSWORD } from '../../db/seeds/demo.ts';

const suite = adminSuite({
  // A real installation's archivist: made without any cadre (as POST /api/admin/users makes one).
  prepare: async (sys) => {
    const s = sys.services;
    const office = await s.db('org_units').where({ code: '150300-ZZB-DAS' }).first();
    const now = iso(sys.clock.now());
    const row = people.newAccountRow({ username: 'liuyang', displayName: '刘洋', orgUnitId: office.id, passwordHash: await hashPassword(DEMO_PASSWORD, s.config.passwordScryptN), now });
    await people.insertUser(s.db, { ...row, must_change_password: false }, ['archivist']);
  },
});

const mask = (n: string) => `${n.slice(0, 6)}********${n.slice(-4)}`;
const row = (page: Page, username: string) => page.locator(`tr[data-username="${username}"]`);
const save = async (p: Page, name: string) => {
  const file = await shot(p, name, { fullPage: true });
  fs.mkdirSync('/tmp/hi', { recursive: true });
  fs.copyFileSync(file, `/tmp/hi/${name}.png`);
};

async function search(page: Page, text: string) {
  await page.getByLabel('用户名或姓名').fill(text);
  await page.getByRole('button', { name: '搜索', exact: true }).click();
  await page.waitForFunction((q) => {
    const names = [...(globalThis as any).document.querySelectorAll('tr[data-username]')].map((tr: any) => String(tr.getAttribute('data-username')));
    return q ? names.length > 0 && names.every((n) => n.includes(q)) : names.length > 1;
  }, text);
}

/** What the test provokes on purpose: the unknown number (400) and the cadre linked elsewhere (409). */
const provoked = (m: string) => /HTTP (400|409): PUT .*\/api\/admin\/users\/\d+\/cadre$|status of (400|409)/.test(m);

test.serial('the security administrator links an account to its cadre by ID number; the archive is hidden from it at once; unlinking gives it back', async (t) => {
  const { sys, b } = suite;
  const p = b.page;
  const db = sys.services.db;
  await p.setViewportSize({ width: 1280, height: 800 });
  const own = await plainArchiveOf(sys, '150300-ZZB-DAS', 9);
  const cadre = await db('cadres').where({ id: own.cadreId }).first();
  const liuyang = await sys.as('liuyang');
  t.is((await liuyang.get(`/api/archives/${own.archiveId}`)).status, 200, 'unlinked, she reads her own archive (the hole)');

  await p.context().clearCookies();
  await loginWithCode(p, sys, 'secadmin');
  b.problems.length = 0; // the first answer was 401 TOTP_REQUIRED
  const calls: string[] = [];
  p.on('request', (r: Request) => {
    if (/\/api\/admin\/users\/\d+\/cadre$/.test(new URL(r.url()).pathname)) calls.push(r.method());
  });
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '用户管理' }).click();
  await p.getByRole('heading', { name: '用户管理', level: 1 }).waitFor();
  await p.getByText('按身份证号关联本人干部档案', { exact: false }).waitFor();
  await search(p, 'liuyang');
  const r = row(p, 'liuyang');
  t.is(await r.getByText('本人干部（身份证号）').count(), 0, 'not linked yet');

  // Empty and malformed numbers are refused at the field; nothing is sent.
  await r.getByRole('button', { name: '关联干部' }).click();
  const dlg = p.getByRole('dialog', { name: '关联干部：刘洋（liuyang）' });
  await dlg.getByText('系统不显示干部姓名', { exact: false }).waitFor();
  const link = dlg.getByRole('button', { name: '关联', exact: true });
  await link.click();
  await dlg.locator('#cadre-id-err').getByText('必填', { exact: true }).waitFor();
  t.is(await dlg.getByLabel('本人居民身份证号').getAttribute('aria-invalid'), 'true');
  // The reason is asked too (2–200 characters, written to the audit log).
  await dlg.locator('#cadre-reason-err').getByText('必填', { exact: true }).waitFor();
  t.is(await dlg.getByLabel('关联原因').getAttribute('aria-invalid'), 'true');
  await dlg.getByLabel('关联原因').fill('错');
  await link.click();
  await dlg.locator('#cadre-reason-err').getByText('原因至少 2 个字').waitFor();
  await dlg.getByLabel('关联原因').fill('本人系干部，经组织部门核实。');
  await dlg.getByLabel('本人居民身份证号').fill(cadre.id_number.slice(0, 17));
  await link.click();
  await dlg.getByText('身份证号应为 18 位数字，末位可为 X').waitFor();
  t.deepEqual(calls, [], 'no request for a malformed number');

  // A number of nobody: the server's 干部不存在 at the field.
  let unknown = '110101190001010010';
  while (await db('cadres').where({ id_number: unknown }).first()) unknown = `${String(Number(unknown.slice(0, 17)) + 1)}0`;
  await dlg.getByLabel('本人居民身份证号').fill(unknown);
  await link.click();
  await dlg.locator('#cadre-id-err').getByText('干部不存在').waitFor();

  // A cadre that is another account already: that account is named.
  const a1 = await db('users').where({ username: 'archivist1' }).first();
  const a1Number = (await db('cadres').where({ id: a1.cadre_id }).first()).id_number;
  await dlg.getByLabel('本人居民身份证号').fill(a1Number);
  await link.click();
  await dlg.getByRole('alert').getByText(`该干部已关联账号 ${a1.display_name}（archivist1）。一名干部只能关联一个账号。`).waitFor();
  await save(p, 'cadre-link-refused');

  // Her own number (spaces and a small x forgiven): linked, shown masked, no name.
  await dlg.getByLabel('本人居民身份证号').fill(` ${cadre.id_number.toLowerCase()} `);
  await link.click();
  await dlg.waitFor({ state: 'hidden' });
  await p.getByText(`已将 liuyang 关联到本人干部（${mask(cadre.id_number)}）。`).waitFor();
  await r.getByText(mask(cadre.id_number)).waitFor();
  await r.getByText('本人干部（身份证号）').waitFor();
  const text = (await r.textContent()) ?? '';
  t.false(text.includes(cadre.name), 'the row names no cadre');
  t.false(text.includes(cadre.id_number), 'nor the whole number');
  t.is((await db('users').where({ username: 'liuyang' }).first()).cadre_id, own.cadreId);
  t.is((await liuyang.get(`/api/archives/${own.archiveId}`)).status, 404, 'hidden from her at once, in the same session');

  await search(p, '');
  await row(p, 'archivist1').getByText('本人干部（身份证号）').waitFor();
  await save(p, 'cadre-link-zh-1280');

  // Unlinking: the dialog shows the link and asks why; lifting it gives the archive back.
  await search(p, 'liuyang');
  await r.getByRole('button', { name: '解除干部关联' }).click();
  await dlg.getByText(`已关联本人干部：身份证号 ${mask(cadre.id_number)}`).waitFor();
  await dlg.getByRole('button', { name: '解除关联' }).click();
  await dlg.locator('#cadre-reason-err').getByText('必填', { exact: true }).waitFor();
  await dlg.getByLabel('解除原因').fill('身份证号登记有误，解除后重新核对。');
  await save(p, 'cadre-link-unlink-dialog');
  await dlg.getByRole('button', { name: '解除关联' }).click();
  await dlg.waitFor({ state: 'hidden' });
  await p.getByText('已解除 liuyang 与干部的关联。').waitFor();
  await r.getByRole('button', { name: '关联干部' }).waitFor();
  t.is(await r.getByText('本人干部（身份证号）').count(), 0);
  t.is((await db('users').where({ username: 'liuyang' }).first()).cadre_id, null);
  t.is((await liuyang.get(`/api/archives/${own.archiveId}`)).status, 200, 'her office holds it: she reads it again');
  t.deepEqual(calls, ['PUT', 'PUT', 'PUT', 'DELETE']);

  const audit = await db('audit_log').whereIn('action', ['user.cadre_link', 'user.cadre_unlink']).orderBy('seq');
  t.deepEqual(
    audit.map((a: any) => [a.action, a.outcome, JSON.parse(a.detail).idNumber, a.outcome === 'success' ? JSON.parse(a.detail).reason : null]),
    [
      ['user.cadre_link', 'denied', mask(unknown), null],
      ['user.cadre_link', 'success', mask(cadre.id_number), '本人系干部，经组织部门核实。'],
      ['user.cadre_unlink', 'success', mask(cadre.id_number), '身份证号登记有误，解除后重新核对。'],
    ],
  );
  t.deepEqual(b.problems.filter((m) => !provoked(m)), []);
});

test.serial('in English at 1024 px the link shows and the table fits', async (t) => {
  const { sys, b } = suite;
  const p = b.page;
  b.problems.length = 0; // the refusals the test above provoked
  await p.setViewportSize({ width: 1024, height: 768 });
  await p.goto(`${sys.url}/console/users`);
  await row(p, 'archivist1').getByRole('button', { name: '解除干部关联' }).waitFor();
  await p.getByLabel('语言').selectOption('en');
  await p.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
  await row(p, 'archivist1').getByText('Own cadre (ID number)').waitFor();
  await row(p, 'archivist1').getByRole('button', { name: 'Unlink cadre' }).waitFor();
  await row(p, 'liuyang').getByRole('button', { name: 'Link cadre' }).waitFor();
  await save(p, 'cadre-link-en-1024');
  const table = p.locator('.table-scroll');
  t.true(await table.evaluate((el) => el.scrollWidth <= el.clientWidth), 'the table fits without scrolling');
  const width = (await p.evaluate('document.documentElement.scrollWidth')) as number;
  t.true(width <= 1024, `no sideways scrolling (${width} px)`);
  await row(p, 'liuyang').getByRole('button', { name: 'Link cadre' }).click();
  const dlg = p.getByRole('dialog', { name: 'Link cadre: 刘洋 (liuyang)' });
  await dlg.getByLabel('Their own resident ID number').waitFor();
  await dlg.getByLabel('Reason for the link').waitFor();
  await save(p, 'cadre-link-en-dialog');
  await dlg.getByRole('button', { name: 'Cancel' }).click();
  await p.getByLabel('Language').selectOption('zh');
  await logout(p);
  t.deepEqual(b.problems, []);
});

test.serial('the system administrator’s 用户管理 works and shows no account as a cadre', async (t) => {
  const { sys, b } = suite;
  const p = b.page;
  b.problems.length = 0;
  await p.setViewportSize({ width: 1280, height: 800 });
  const calls: string[] = [];
  const onResponse = async (res: Response) => {
    if (new URL(res.url()).pathname === '/api/admin/users') calls.push(await res.text());
  };
  p.on('response', onResponse);
  await p.context().clearCookies();
  await loginWithCode(p, sys, 'sysadmin');
  b.problems.length = 0; // the first answer was 401 TOTP_REQUIRED
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '用户管理' }).click();
  await p.getByRole('heading', { name: '用户管理', level: 1 }).waitFor();
  // archivist1 is a cadre (linked): her row looks like any other to him, with his actions.
  const a1 = row(p, 'archivist1');
  await a1.getByRole('button', { name: '重置密码' }).waitFor();
  t.is(await a1.getByRole('button', { name: '停用' }).count(), 1);
  t.is(await p.getByText('本人干部（身份证号）').count(), 0, 'no row shows a cadre link');
  t.is(await a1.getByRole('button', { name: '解除干部关联' }).count(), 0);
  t.true(calls.length > 0);
  for (const body of calls) t.false(body.includes('cadreIdNumber'), 'the answers carry no cadre field');
  await save(p, 'cadre-link-sysadmin');
  p.off('response', onResponse);
  await logout(p);
  t.deepEqual(b.problems, []);
});
