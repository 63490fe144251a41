// 回避管理 in a real browser: the security administrator adds a cadre to archivist1's avoidance list
// by ID number (a malformed number refused at the field before any request, an unknown one by the
// server, in words), sees it listed with the cadre's 档案号 and masked ID number, never a name
// (no page, table, dialog or toast of the console shows one), and archivist1 can no
// longer open that archive; lifting it asks for a reason (2–500 characters), the row goes, the
// archive opens again and the avoidance.remove audit row carries the reason. A requester has no
// link and is refused at the address, asking the server nothing. Screenshots at 1280 and 1024 px,
// in Chinese and English: avoidance-*.png.
import test from 'ava';
import type { Page, Request } from 'playwright-core';
import { adminSuite } from './admin-setup.ts';
import { login, loginWithCode, logout } from './browser.ts';
import { shot } from './shots.ts';
import { plainArchiveOf } from '../archives/helpers.ts';

const suite = adminSuite();

async function loginSecAdmin(page: Page) {
  await page.context().clearCookies();
  await loginWithCode(page, suite.sys, 'secadmin');
  suite.b.problems.length = 0; // the first answer was 401 TOTP_REQUIRED
}

const nav = (p: Page) => p.getByRole('navigation', { name: '主导航' });
/** The avoidance calls the page made, as "METHOD path". */
function watchAvoidanceCalls(p: Page): string[] {
  const seen: string[] = [];
  p.on('request', (r: Request) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/api/avoidance-entries')) seen.push(`${r.method()} ${u.pathname}`);
  });
  return seen;
}

/** What the test provokes on purpose: the unknown ID number (400) and the entry added twice (409). */
const provoked = (m: string) => /HTTP (400|409): POST .*\/api\/avoidance-entries$|status of (400|409)/.test(m);

test.serial('the security administrator adds an entry by ID number, archivist1 loses the archive, and lifting it with a reason gives it back', async (t) => {
  const { sys, b } = suite;
  const p = b.page;
  await p.setViewportSize({ width: 1280, height: 800 });
  const db = sys.services.db;
  const target = await plainArchiveOf(sys, '150300-ZZB-DAS', 7);
  const cadre = await db('cadres').where({ id: target.cadreId }).first();
  const archiveNo = (await db('archives').where({ id: target.archiveId }).first('archive_no')).archive_no as string;
  const masked = `${cadre.id_number.slice(0, 6)}********${cadre.id_number.slice(-4)}`;
  const archivist = await db('users').where({ username: 'archivist1' }).first();
  const asArchivist = await sys.as('archivist1');
  t.is((await asArchivist.get(`/api/archives/${target.archiveId}`)).status, 200, 'archivist1 reads the archive before');

  await loginSecAdmin(p);
  const calls = watchAvoidanceCalls(p);
  await nav(p).getByRole('link', { name: '回避管理' }).click();
  await p.getByRole('heading', { name: '回避管理', level: 1 }).waitFor();
  // The seeded entry: archivist1 avoids one 市管 cadre.
  const seeded = await db('avoidance_entries').where({ user_id: archivist.id }).whereNull('removed_at').first();
  await p.locator(`tr[data-entry="${seeded.id}"]`).getByText('曾与该干部在同一科室共事，按规定回避').waitFor();

  // An empty form is refused at its fields, a malformed ID number too, and nothing is sent.
  await p.getByRole('button', { name: '加入回避名单' }).click();
  const dlg = p.getByRole('dialog', { name: '加入回避名单' });
  const submit = dlg.getByRole('button', { name: '加入回避名单' });
  await submit.click();
  await dlg.locator('#avoid-user-err').getByText('请选择用户').waitFor();
  t.is(await dlg.getByText('必填', { exact: true }).count(), 2);
  t.is(await dlg.getByLabel('干部身份证号').getAttribute('aria-invalid'), 'true');
  await dlg.getByLabel('查找用户').fill('archivist');
  await dlg.getByLabel('选择用户').locator(`option[value="${archivist.id}"]`).waitFor({ state: 'attached' });
  await dlg.getByLabel('选择用户').selectOption(String(archivist.id));
  await dlg.getByLabel('干部身份证号').fill(cadre.id_number.slice(0, 17));
  await dlg.getByLabel('回避原因').fill('曾在同一处室共事');
  await submit.click();
  await dlg.getByText('身份证号应为 18 位数字，末位可为 X').waitFor();
  await dlg.getByLabel('干部身份证号').fill(`${cadre.id_number.slice(0, 16)}Y${cadre.id_number.slice(17)}`);
  await submit.click();
  await dlg.getByText('身份证号应为 18 位数字，末位可为 X').waitFor();
  t.deepEqual(calls, ['GET /api/avoidance-entries'], 'no request for a malformed form');

  // A well-formed number of nobody: the server's answer at the field.
  let unknown = '110101190001010010';
  while (await db('cadres').where({ id_number: unknown }).first()) unknown = `${String(Number(unknown.slice(0, 17)) + 1)}0`;
  await dlg.getByLabel('干部身份证号').fill(unknown);
  await submit.click();
  await dlg.locator('#avoid-id-err').getByText('干部不存在').waitFor();
  t.is(await dlg.getByLabel('干部身份证号').getAttribute('aria-invalid'), 'true');
  t.log(await shot(p, 'avoidance-add-refused'));

  // The right number (spaces and a small x are forgiven); the button is busy and a second submit sends nothing.
  await p.route('**/api/avoidance-entries', async (route) => {
    if (route.request().method() === 'POST') await new Promise((r) => setTimeout(r, 600));
    await route.continue();
  });
  await dlg.getByLabel('干部身份证号').fill(` ${cadre.id_number.toLowerCase()} `);
  await submit.click();
  const busy = dlg.getByRole('button', { name: '正在加入…' });
  await busy.waitFor();
  t.true(await busy.isDisabled(), 'the button is busy while the server answers');
  await dlg.locator('form').evaluate((f: any) => f.requestSubmit());
  await dlg.waitFor({ state: 'hidden' });
  await p.unroute('**/api/avoidance-entries');
  t.is(calls.filter((c) => c === 'POST /api/avoidance-entries').length, 2, 'the refused one and one more, not three');
  await p.getByText(`已将干部（档案号 ${archiveNo}，身份证号 ${masked}）加入 archivist1 的回避名单。`).waitFor();

  const added = await db('avoidance_entries').where({ user_id: archivist.id, cadre_id: cadre.id }).whereNull('removed_at');
  t.is(added.length, 1);
  t.is(added[0].reason, '曾在同一处室共事');
  const row = p.locator(`tr[data-entry="${added[0].id}"]`);
  await row.getByText(archiveNo, { exact: true }).waitFor();
  await row.getByText(`身份证号 ${masked}`).waitFor();
  await row.getByText('曾在同一处室共事').waitFor();
  t.is(await row.locator('td').first().textContent(), 'archivist1');
  const rowText = (await row.textContent()) ?? '';
  t.false(rowText.includes(cadre.id_number), 'the list shows the ID number masked, never whole');
  t.false(rowText.includes(cadre.name), 'nor the cadre’s name');
  t.false(rowText.includes(cadre.birth_date ?? '\u0000'), 'nor anything else of the record');

  // archivist1 no longer sees the cadre at all.
  t.is((await asArchivist.get(`/api/archives/${target.archiveId}`)).status, 404);
  t.is((await asArchivist.get(`/api/cadres/${target.cadreId}`)).status, 404);

  // Added twice: the server's refusal in words, in the dialog.
  await p.getByRole('button', { name: '加入回避名单' }).click();
  await dlg.getByLabel('选择用户').locator(`option[value="${archivist.id}"]`).waitFor({ state: 'attached' });
  await dlg.getByLabel('选择用户').selectOption(String(archivist.id));
  await dlg.getByLabel('干部身份证号').fill(cadre.id_number);
  await dlg.getByLabel('回避原因').fill('再次加入');
  await submit.click();
  await dlg.getByRole('alert').getByText('该用户已对该干部回避').waitFor();
  await dlg.getByRole('button', { name: '取消' }).click();
  await dlg.waitFor({ state: 'hidden' });

  // The filter by user narrows the list to archivist1's entries.
  await p.getByLabel('按用户筛选').selectOption(String(archivist.id));
  t.deepEqual(
    await p.locator('tbody tr').evaluateAll((rs) => [...new Set(rs.map((r) => r.getAttribute('data-username')))]),
    ['archivist1'],
  );
  t.is(await p.locator('tbody tr').count(), 2, 'the seeded entry and the new one');
  await p.getByText('共 2 条生效的回避条目').waitFor();
  const seededName = (await db('cadres').where({ id: seeded.cadre_id }).first('name')).name as string;
  const pageText = (await p.locator('body').textContent()) ?? '';
  t.false(pageText.includes(cadre.name) || pageText.includes(seededName), 'the page names no cadre');
  await shot(p, 'avoidance-1280-zh', { fullPage: true });

  // Lifting: a reason of at least 2 characters, asked before anything is sent.
  await row.getByRole('button', { name: '解除回避' }).click();
  const lift = p.getByRole('dialog', { name: '解除回避' });
  await lift.getByText(`archivist1 将可以按其权限再次看到干部（档案号 ${archiveNo}，身份证号 ${masked}）`, { exact: false }).waitFor();
  t.false(((await lift.textContent()) ?? '').includes(cadre.name), 'the lift dialog names no one');
  const liftButton = lift.getByRole('button', { name: '解除回避' });
  await liftButton.click();
  await lift.getByText('解除原因至少 2 个字').waitFor();
  await lift.getByLabel('解除原因').fill(' 调 ');
  await liftButton.click();
  await lift.getByText('解除原因至少 2 个字').waitFor();
  t.false(calls.some((c) => c.startsWith('DELETE')), 'no request for a reason too short');
  await shot(p, 'avoidance-lift-refused');
  await lift.getByLabel('解除原因').fill('已调离该处室，不再共事');
  await liftButton.click();
  await lift.waitFor({ state: 'hidden' });
  await row.waitFor({ state: 'detached' });
  await p.getByText(`已解除 archivist1 对干部（档案号 ${archiveNo}，身份证号 ${masked}）的回避。`).waitFor();
  await p.locator(`tr[data-entry="${seeded.id}"]`).waitFor();
  t.is(calls.filter((c) => c.startsWith('DELETE')).length, 1);

  const gone = await db('avoidance_entries').where({ id: added[0].id }).first();
  t.truthy(gone.removed_at, 'kept for the record, lifted');
  const audit = await db('audit_log').where({ action: 'avoidance.remove', object_id: String(added[0].id) }).orderBy('seq');
  t.is(audit.length, 1);
  t.deepEqual(JSON.parse(audit[0].detail), { userId: archivist.id, cadreId: cadre.id, reason: '已调离该处室，不再共事' });
  t.is((await asArchivist.get(`/api/archives/${target.archiveId}`)).status, 200, 'archivist1 reads the archive again');

  t.deepEqual(b.problems.filter((m) => !provoked(m)), []);
  t.deepEqual(b.outside, []);
});

test.serial('at 1024 px, in Chinese and in English, the list, the filter and the dialogs fit', async (t) => {
  const { sys, b } = suite;
  const p = b.page;
  b.problems.length = 0; // the refusals the test before provoked
  await p.setViewportSize({ width: 1024, height: 768 });
  await p.goto(`${sys.url}/console/avoidance`);
  await p.locator('tbody tr').first().waitFor();
  const fits = async (what: string) => {
    const width = (await p.evaluate('document.documentElement.scrollWidth')) as number;
    t.true(width <= 1024, `${what}: no sideways scrolling of the page (${width} px)`);
    t.true(await p.locator('.table-scroll').evaluate((el) => el.scrollWidth <= el.clientWidth), `${what}: the table fits, its actions visible`);
  };
  await fits('zh');
  await shot(p, 'avoidance-1024-zh', { fullPage: true });
  await p.getByRole('button', { name: '加入回避名单' }).click();
  const dlg = p.getByRole('dialog', { name: '加入回避名单' });
  await dlg.getByLabel('选择用户').locator('option').nth(1).waitFor({ state: 'attached' });
  await shot(p, 'avoidance-1024-zh-add');
  await dlg.getByRole('button', { name: '取消' }).click();

  await p.getByLabel('语言').selectOption('en');
  await p.getByRole('heading', { name: 'Avoidance', level: 1 }).waitFor();
  await p.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Avoidance' }).waitFor();
  await p.getByRole('columnheader', { name: 'Cadre' }).waitFor();
  await p.locator('tbody tr').first().getByRole('button', { name: 'Lift' }).waitFor();
  await fits('en');
  await shot(p, 'avoidance-1024-en', { fullPage: true });
  await p.locator('tbody tr').first().getByRole('button', { name: 'Lift' }).click();
  const lift = p.getByRole('dialog', { name: 'Lift the avoidance' });
  await lift.getByRole('button', { name: 'Lift' }).click();
  await lift.getByText('The reason needs at least 2 characters').waitFor();
  await shot(p, 'avoidance-1024-en-lift');
  await lift.getByRole('button', { name: 'Cancel' }).click();

  await p.setViewportSize({ width: 1280, height: 800 });
  await p.getByRole('button', { name: 'Add to an avoidance list' }).click();
  const add = p.getByRole('dialog', { name: 'Add to an avoidance list' });
  await add.getByLabel('Cadre’s ID number').fill('12345');
  await add.getByRole('button', { name: 'Add to an avoidance list' }).click();
  await add.getByText('An ID number has 18 digits; the last may be X').waitFor();
  await shot(p, 'avoidance-1280-en-add');
  await add.getByRole('button', { name: 'Cancel' }).click();
  await shot(p, 'avoidance-1280-en', { fullPage: true });
  await p.getByLabel('Language').selectOption('zh');
  await p.getByRole('heading', { name: '回避管理', level: 1 }).waitFor();
  await logout(p);
  t.deepEqual(b.problems, []);
});

test.serial('a requester has no 回避管理 link and is refused at its address, asking the server nothing', async (t) => {
  const { sys, b } = suite;
  const p = b.page;
  await p.context().clearCookies();
  await login(p, sys.url, 'applicant1');
  t.is(await nav(p).getByRole('link', { name: '回避管理' }).count(), 0);
  const calls = watchAvoidanceCalls(p);
  await p.goto(`${sys.url}/console/avoidance`);
  await p.getByRole('heading', { name: '回避管理', level: 1 }).waitFor();
  await p.getByTestId('refusal').getByText('此页面仅限安全保密管理员使用', { exact: false }).waitFor();
  t.is(await p.locator('main').locator('table, select, button:has-text("加入回避名单")').count(), 0, 'nothing of the page');
  t.deepEqual(calls, [], 'the page asks the server nothing it would refuse');
  await shot(p, 'avoidance-requester-refused');
  // And the server refuses the requester on its own.
  const applicant = await sys.as('applicant1');
  t.is((await applicant.get('/api/avoidance-entries')).status, 403);
  t.deepEqual(b.problems, []);
});
