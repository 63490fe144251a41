// The auditor reads the log by name in a real browser: the user column says 冯涛 (secadmin beneath),
// the object says whose account, which cadre, which case; a row's detail names the ids it holds and
// the roles in the reader's language; the user filter takes 冯涛 or SECADMIN. In Chinese at 1280 px
// and in English at 1024 px.
import test from 'ava';
import type { Page } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { demoCadre, fileConsultation, type DemoCadre } from '../helpers/cases.ts';
import { openBrowser, loginWithCode, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
let cadre: DemoCadre;
let archiveNo: string;
let caseNo: string;

test.before(async () => {
  sys = await startSystem();
  const db = sys.services.db;
  const sec = await sys.as('secadmin');
  const unithead = await db('users').where({ username: 'unithead1' }).first();
  const archivist = await db('users').where({ username: 'archivist1' }).first();
  // Refused first (三员分立), so that the successful change below is the newest roles_change row.
  const procadmin = await db('users').where({ username: 'procadmin' }).first();
  const refused = await sec.request('PUT', `/api/admin/users/${procadmin.id}/roles`, { roles: ['sys_admin', 'auditor'] });
  if (refused.status !== 422) throw new Error(`refused roles: ${refused.status}`);
  const roles = await sec.request('PUT', `/api/admin/users/${unithead.id}/roles`, { roles: ['unit_head', 'applicant'] });
  if (roles.status !== 200) throw new Error(`roles: ${roles.status}`);
  cadre = await demoCadre(sys, 'county', 3);
  archiveNo = (await sys.services.db('archives').where({ id: cadre.archiveId }).first()).archive_no;
  const added = await sec.post('/api/avoidance-entries', { userId: archivist.id, cadreIdNumber: cadre.idNumber, reason: '与该干部系亲属关系。' });
  if (added.status !== 201) throw new Error(`avoidance: ${added.status} ${JSON.stringify(added.body)}`);
  const id = await fileConsultation(sys, 'applicant1', '干部考察需要查阅该同志档案。');
  caseNo = (await db('process_instances').where({ id }).first()).business_key;
  b = await openBrowser(sys.url, { width: 1280, height: 900 });
});

test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

/** What went wrong in the page, but for the 401 that asks an administrator for the one-time code. */
const unexpected = () => b.problems.filter((m) => !/401/.test(m) || !/auth\/login|status of 401/.test(m));

const rowOf = (p: Page, table: string, action: string) => p.locator(`table[aria-label="${table}"] tbody tr`, { has: p.getByText(action, { exact: true }) }).first();

test.serial('in Chinese at 1280 px: the user, the account, the cadre and the case by name; the detail names ids and roles', async (t) => {
  const p = b.page;
  await loginWithCode(p, sys, 'auditor');
  await p.goto(`${sys.url}/console/audit`);
  const roleChange = rowOf(p, '审计记录', 'user.roles_change');
  await roleChange.waitFor();
  t.is(await roleChange.locator('td.who').innerText(), '冯涛\nsecadmin');
  t.regex(await roleChange.locator('td.object').innerText(), /^用户 张志强\nuser \d+$/);
  t.regex(await rowOf(p, '审计记录', 'avoidance.add').locator('td.object').innerText(), new RegExp(`^回避 刘晓燕 → ${archiveNo}\\navoidance \\d+$`));
  t.regex(await rowOf(p, '审计记录', 'instance.start').locator('td.object').innerText(), new RegExp(`^案件 ${caseNo}\\n`));
  t.log(await shot(p, 'console-audit-names-zh-1280'));

  await roleChange.getByRole('button', { name: /第 \d+ 条记录的详情/ }).click();
  const dialog = p.getByRole('dialog', { name: /审计记录 #\d+/ });
  await dialog.waitFor();
  await dialog.getByText('冯涛（secadmin，#', { exact: false }).waitFor();
  await dialog.getByText('乌海市委组织部（#', { exact: false }).waitFor();
  const detail = dialog.getByTestId('audit-detail');
  t.is(await detail.locator('dd').nth(0).innerText(), '单位负责人（unit_head）');
  t.is(await detail.locator('dd').nth(1).innerText(), '查档人员、单位负责人（applicant, unit_head）');
  t.log(await shot(p, 'console-audit-names-detail-zh-1280'));
  await dialog.getByRole('button', { name: '关闭' }).click();

  // A refused attempt's detail says the rule in words, the code beside.
  await p.locator('table[aria-label="审计记录"] tbody tr', { has: p.getByText('user.roles_change', { exact: true }) })
    .filter({ has: p.locator('.badge-danger') })
    .first()
    .getByRole('button', { name: /第 \d+ 条记录的详情/ })
    .click();
  await dialog.waitFor();
  t.regex(await dialog.getByTestId('audit-detail').innerText(), /rule\s+三员分立：.*（SEPARATION_OF_DUTIES）/);
  await dialog.getByRole('button', { name: '关闭' }).click();

  // The avoidance's detail: the user by name, the cadre by 档案号 (not by name), the stored ids beside.
  await rowOf(p, '审计记录', 'avoidance.add').getByRole('button', { name: /第 \d+ 条记录的详情/ }).click();
  await dialog.waitFor();
  const ids = await dialog.getByTestId('audit-detail').innerText();
  t.regex(ids, /userId\s+刘晓燕（\d+）/);
  t.regex(ids, new RegExp(`cadreId\\s+${archiveNo}（${cadre.id}）`));
  t.false(ids.includes(cadre.name));
  await dialog.getByRole('button', { name: '关闭' }).click();

  // The user filter: the display name, or the username in capitals.
  for (const who of ['冯涛', 'SECADMIN']) {
    await p.getByLabel('用户', { exact: true }).fill(who);
    // The total of the unfiltered search is on the page already: wait for this search's answer, then for it to be shown.
    const answered = p.waitForResponse((r) => new URL(r.url()).pathname === '/api/audit/entries' && new URL(r.url()).searchParams.get('actor') === who);
    await p.getByRole('button', { name: '查询' }).click();
    await answered;
    await p.locator('[role="status"]', { hasText: '正在加载' }).waitFor({ state: 'detached' });
    await p.getByTestId('audit-total').getByText(/共 [1-9]\d* 条记录/).waitFor();
    const names = await p.locator('table[aria-label="审计记录"] tbody td.who').allInnerTexts();
    t.true(names.length > 0 && names.every((n) => n === '冯涛\nsecadmin'), `${who}: ${names.join(' | ')}`);
  }
  t.deepEqual(unexpected(), []);
});

test.serial('in English at 1024 px: the roles by their English names, the table fits', async (t) => {
  const p = b.page;
  await p.setViewportSize({ width: 1024, height: 800 });
  await p.goto(`${sys.url}/console/audit`);
  await p.getByLabel('语言').selectOption('en');
  await p.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
  const roleChange = rowOf(p, 'Audit entries', 'user.roles_change');
  await roleChange.waitFor();
  t.regex(await roleChange.locator('td.object').innerText(), /^User 张志强\nuser \d+$/);
  t.false(await p.evaluate(() => (globalThis as any).document.documentElement.scrollWidth > (globalThis as any).document.documentElement.clientWidth), 'the page does not scroll sideways');
  // Nothing hides under the pinned View: the named objects leave the table inside its box.
  const fits = await p.locator('table[aria-label="Audit entries"]').evaluate((e: any) => ({ table: e.scrollWidth, box: e.parentElement.clientWidth }));
  t.true(fits.table <= fits.box + 1, `the table is ${fits.table} px wide in a box of ${fits.box} px`);
  await rowOf(p, 'Audit entries', 'instance.start').scrollIntoViewIfNeeded();
  t.log(await shot(p, 'console-audit-names-en-1024'));
  await roleChange.getByRole('button', { name: /Detail of entry \d+/ }).click();
  const dialog = p.getByRole('dialog', { name: /Audit entry #\d+/ });
  await dialog.waitFor();
  t.is(await dialog.getByTestId('audit-detail').locator('dd').nth(1).innerText(), 'Applicant, Unit head (applicant, unit_head)', 'half-width brackets in English');
  t.log(await shot(p, 'console-audit-names-detail-en-1024'));
  await dialog.getByRole('button', { name: 'Close' }).click();
  await p.getByLabel('Language').selectOption('zh');
  await p.getByRole('heading', { name: '审计日志', level: 1 }).waitFor();
  t.deepEqual(unexpected(), []);
});
