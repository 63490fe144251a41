// The security auditor's console (审计日志) in a real browser: a search by action and outcome shows
// exactly the matching rows, pages stay on the rows of the first search, a row's detail is shown
// as text, the chain verifies, a checkpoint is signed and listed, the export carries the filters
// and answers CSV. The system administrator is refused and has no link to it.
import test from 'ava';
import type { Page } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { openBrowser, logout, loginWithCode as loginAs, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
/** A username typed at the login that is markup: it must come back as text. */
const MARKUP = '<img src=x onerror="window.__xss=1">';

test.before(async () => {
  sys = await startSystem();
  // Failed logins, before the auditor looks: a wrong password and an unknown (markup) name.
  const c = sys.client();
  t401(await c.post('/api/auth/login', { username: 'archivist1', password: 'wrong-password' }));
  t401(await c.post('/api/auth/login', { username: MARKUP, password: 'whatever' }));
  await sys.client().login('archivist1'); // a successful one, which the filter must leave out
  b = await openBrowser(sys.url, { width: 1024, height: 800 });
});

test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

function t401(res: { status: number }) {
  if (res.status !== 401) throw new Error(`expected 401, got ${res.status}`);
}

/** The login page with the one-time code, as an administrator logs in. */
const loginWithCode = (page: Page, username: string) => loginAs(page, sys, username);

/** What went wrong in the page, but for the 401 that asks an administrator for the one-time code. */
const unexpected = () => b.problems.filter((m) => !/401/.test(m) || !/auth\/login|status of 401/.test(m));

const rowSeqs = (page: Page) => page.locator('table[aria-label="审计记录"] tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-seq'))));

test.serial('the auditor searches by action and outcome, opens a row, verifies, signs a checkpoint and exports', async (t) => {
  const p = b.page;
  await loginWithCode(p, 'auditor');
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '审计日志' }).click();
  await p.getByRole('heading', { name: '审计日志', level: 1 }).waitFor();
  await p.locator('table[aria-label="审计记录"]').waitFor();

  // 登录 失败: exactly the failed logins, newest first.
  await p.getByLabel('操作', { exact: true }).fill('auth.login');
  await p.getByLabel('结果').selectOption({ label: '失败' });
  await p.getByRole('button', { name: '查询' }).click();
  const failed = await sys.services.db('audit_log').where({ action: 'auth.login', outcome: 'failure' }).orderBy('seq', 'desc').select('seq');
  t.is(failed.length, 2);
  await p.getByTestId('audit-total').getByText(/共 2 条记录/).waitFor();
  t.deepEqual(await rowSeqs(p), failed.map((r) => Number(r.seq)));
  const table = p.locator('table[aria-label="审计记录"]');
  t.is(await table.getByText('登录', { exact: true }).count(), 2, 'the action has its Chinese name');
  t.is(await table.getByText('失败', { exact: true }).count(), 2);
  await table.getByText(MARKUP, { exact: true }).waitFor(); // the markup name, as text
  t.is(await p.evaluate(() => (globalThis as any).__xss), undefined);
  const page = await p.evaluate(() => ({ scroll: (globalThis as any).document.documentElement.scrollWidth, client: (globalThis as any).document.documentElement.clientWidth }));
  t.true(page.scroll <= page.client, 'at 1024 px the page does not scroll sideways');
  await shot(p, 'console-audit-search');

  // The wrong password's row in full: who typed what, and why it failed.
  const wrongPassword = failed[1].seq;
  await p.getByRole('button', { name: `第 ${wrongPassword} 条记录的详情` }).click();
  const dialog = p.getByRole('dialog', { name: `审计记录 #${wrongPassword}` });
  await dialog.waitFor();
  await dialog.getByText('archivist1').first().waitFor();
  const detail = dialog.getByTestId('audit-detail');
  t.is(await detail.locator('dt').innerText(), 'reason');
  t.is(await detail.locator('dd').innerText(), 'bad_password');
  await shot(p, 'console-audit-detail');
  await dialog.getByRole('button', { name: '关闭' }).click();
  await dialog.waitFor({ state: 'hidden' });

  // The export carries the filters and the pinned head, and answers the same rows as CSV.
  const href = (await p.getByTestId('audit-export').getAttribute('href'))!;
  const url = new URL(href, sys.url);
  t.is(url.pathname, '/api/audit/export.csv');
  t.is(url.searchParams.get('action'), 'auth.login');
  t.is(url.searchParams.get('outcome'), 'failure');
  t.truthy(url.searchParams.get('maxSeq'));
  const csv = await p.request.get(url.href);
  t.is(csv.status(), 200);
  t.regex(csv.headers()['content-type'], /^text\/csv/);
  const lines = (await csv.text()).trim().split(/\r?\n/);
  t.is(lines.length, 1 + 2, 'a header and the two failed logins');
  t.true(lines.slice(1).every((l) => l.includes('auth.login') && l.includes('failure')));

  // 完整性校验: the chain is intact.
  await p.getByRole('tab', { name: '完整性校验' }).click();
  await p.getByRole('button', { name: '开始校验' }).click();
  const verdict = p.getByTestId('verify-result');
  await verdict.getByText('校验通过：日志完整，未被改动。').waitFor();
  t.regex(await verdict.innerText(), /共核对 \d+ 条记录/);
  await shot(p, 'console-audit-verify');

  // 签名检查点: one signed now is listed at the head's seq.
  await p.getByRole('tab', { name: '签名检查点' }).click();
  const before = (await sys.services.db('audit_checkpoints').count({ n: '*' }))[0].n;
  await p.getByRole('button', { name: '立即签名检查点' }).click();
  await p.getByText(/已签名检查点：第 \d+ 条记录。/).waitFor();
  const newest = await sys.services.db('audit_checkpoints').orderBy('id', 'desc').first();
  t.is(Number((await sys.services.db('audit_checkpoints').count({ n: '*' }))[0].n), Number(before) + 1);
  const row = p.locator(`tr[data-checkpoint="${newest.id}"]`);
  await row.waitFor();
  t.is(await row.locator('td').first().innerText(), String(newest.seq));
  t.true((await row.innerText()).includes('手动'));
  await shot(p, 'console-audit-checkpoints');

  // 清理 asks first, saying what goes and that checkpoints come first; cancelling deletes nothing.
  await p.getByRole('tab', { name: '清理' }).click();
  await p.getByRole('button', { name: '清理过期记录…' }).click();
  const confirm = p.getByRole('dialog', { name: '确认清理过期审计记录' });
  await confirm.getByText(/早于保存期限（不少于 180 天）/).waitFor();
  await confirm.getByText(/最后一条被删除的记录签名检查点/).waitFor(); // not the toast of the checkpoint just signed, shown above the dialog
  await shot(p, 'console-audit-prune');
  const rows = Number((await sys.services.db('audit_log').count({ n: '*' }))[0].n);
  await confirm.getByRole('button', { name: '取消' }).click();
  await confirm.waitFor({ state: 'hidden' });
  t.false(await p.getByTestId('prune-result').isVisible());
  // No prune ran: no audit.prune row, and the log only grew.
  t.is((await sys.services.db('audit_log').where({ action: 'audit.prune' })).length, 0);
  t.true(Number((await sys.services.db('audit_log').count({ n: '*' }))[0].n) >= rows);

  t.deepEqual(unexpected(), []);
});

test.serial('the next page stays on the rows of the first search, whatever was written since', async (t) => {
  const p = b.page;
  const write = (n: number) => sys.services.audit.record(null, { actorName: 'system', action: 'job.retry', objectType: 'job', objectId: n, detail: { n } });
  for (let i = 0; i < 60; i++) await write(i);
  await p.getByRole('tab', { name: '日志查询' }).click();
  await p.getByRole('button', { name: '清除条件' }).click();
  await p.getByLabel('操作', { exact: true }).fill('job.*');
  await p.getByRole('button', { name: '查询' }).click();
  await p.getByTestId('audit-total').getByText(/共 60 条记录/).waitFor();
  t.is((await rowSeqs(p)).length, 50);
  t.is(await p.locator('table[aria-label="审计记录"] tbody tr').first().locator('td').nth(3).innerText(), '后台任务 · 重试\njob.retry');

  for (let i = 60; i < 63; i++) await write(i); // written while the auditor reads page 1
  await p.getByRole('button', { name: '下一页' }).click();
  await p.getByText('第 2 / 2 页').waitFor();
  const page2 = await rowSeqs(p);
  const expected = await sys.services.db('audit_log').where({ action: 'job.retry' }).orderBy('seq', 'asc').limit(10).select('seq');
  t.deepEqual(page2, expected.map((r) => Number(r.seq)).reverse(), 'the ten oldest, none of the three new ones');
  t.regex(await p.getByTestId('audit-total').innerText(), /共 60 条记录/);
  t.deepEqual(unexpected(), []);
});

test.serial('a slow answer to an earlier search never overwrites the newer one', async (t) => {
  const p = b.page;
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await p.route(/\/api\/audit\/entries\?.*action=job/, async (route) => {
    await held;
    await route.continue();
  });
  await p.getByLabel('操作', { exact: true }).fill('job.*');
  await p.getByRole('button', { name: '查询' }).click(); // held
  await p.getByLabel('操作', { exact: true }).fill('auth.login');
  await p.getByRole('button', { name: '查询' }).click();
  const logins = (await sys.services.db('audit_log').where({ action: 'auth.login' }).orderBy('seq', 'desc').select('seq')).map((r) => Number(r.seq));
  await p.getByTestId('audit-total').getByText(`共 ${logins.length} 条记录`, { exact: false }).waitFor();
  const late = p.waitForResponse(/\/api\/audit\/entries\?.*action=job/);
  release();
  await late;
  await p.waitForTimeout(200); // time for the late answer to be (wrongly) shown
  t.deepEqual(await rowSeqs(p), logins);
  t.regex(await p.getByTestId('audit-total').innerText(), new RegExp(`共 ${logins.length} 条记录`));
  await p.unroute(/\/api\/audit\/entries/);
  t.deepEqual(unexpected(), []);
});

test.serial('an action the server refuses is said at its field; the rows and their export stay those shown', async (t) => {
  const p = b.page;
  const href = await p.getByTestId('audit-export').getAttribute('href');
  await p.getByLabel('操作', { exact: true }).fill('Auth.Login');
  await p.getByRole('button', { name: '查询' }).click();
  const field = p.getByLabel('操作', { exact: true });
  await p.locator('#au-action-err').getByText('操作名如 auth.login，或前缀如 auth.*').waitFor();
  t.is(await field.getAttribute('aria-invalid'), 'true');
  t.is(await field.getAttribute('aria-describedby'), 'au-action-err');
  t.is(await p.getByTestId('audit-export').getAttribute('href'), href);
  t.true(await p.locator('table[aria-label="审计记录"]').isVisible());
  await shot(p, 'console-audit-field-error');
  t.true(b.problems.some((m) => /HTTP 400: GET .*\/api\/audit\/entries/.test(m)));
  b.problems.length = 0;
});

test.serial('a confirmed prune says what the server did: nothing is younger than 180 days here', async (t) => {
  const p = b.page;
  await p.getByRole('tab', { name: '清理' }).click();
  await p.getByRole('button', { name: '清理过期记录…' }).click();
  await p.getByRole('dialog', { name: '确认清理过期审计记录' }).getByRole('button', { name: '确认清理' }).click();
  await p.getByTestId('prune-result').getByText(/没有早于 2026年5月6日 09:00 的记录，未删除任何记录（保存期限 180 天）/).waitFor();
  const prunes = await sys.services.db('audit_log').where({ action: 'audit.prune' });
  t.is(prunes.length, 1);
  t.deepEqual(JSON.parse(prunes[0].detail), { cutoff: '2026-05-06T01:00:00.000Z', retentionDays: 180, throughSeq: 0 });
  t.deepEqual(unexpected(), []);
});

test.serial('a row changed behind the application fails the check at its seq, in red, with what it means', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  const target = await db('audit_log').where({ action: 'auth.login', outcome: 'failure', actor: 'archivist1' }).first();
  // What someone with database rights would do: take the trigger away and make the failure a success.
  if (db.client.config.client === 'pg') await db.raw('DROP TRIGGER audit_log_no_update ON audit_log');
  else await db.raw('DROP TRIGGER audit_log_no_update');
  await db('audit_log').where({ seq: target.seq }).update({ outcome: 'success' });

  await p.getByRole('tab', { name: '完整性校验' }).click();
  await p.getByRole('button', { name: '开始校验' }).click();
  const verdict = p.getByTestId('verify-result');
  await verdict.getByText(`校验未通过：自第 ${target.seq} 条记录起日志不可信。`).waitFor();
  await verdict.getByText(/该记录的内容与其哈希不符：记录在写入后被改动过。/).waitFor();
  t.is(await verdict.getAttribute('role'), 'alert');
  t.is(await verdict.evaluate((el) => (globalThis as any).getComputedStyle(el).color), 'rgb(163, 32, 26)'); // --c-danger
  await shot(p, 'console-audit-verify-broken');
  t.deepEqual(unexpected(), []);
});

test.serial('in English, the page speaks English', async (t) => {
  const p = b.page;
  await p.getByLabel('语言').selectOption('en');
  await p.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
  await p.getByRole('tab', { name: 'Search' }).click();
  await p.getByRole('columnheader', { name: 'Outcome' }).waitFor();
  t.true(await p.locator('table[aria-label="Audit entries"]').getByText('Login', { exact: true }).first().isVisible());
  await shot(p, 'console-audit-english');
  await p.getByLabel('Language').selectOption('zh');
  await p.getByRole('heading', { name: '审计日志', level: 1 }).waitFor();
  t.deepEqual(unexpected(), []);
});

test.serial('at 1024 px a user’s name reads whole, the table fits its box and 查看 is in view without scrolling it, in Chinese and English', async (t) => {
  const p = b.page;
  for (const lang of ['zh', 'en'] as const) {
    await p.goto(`${sys.url}/console/audit`);
    if (lang === 'en') await p.getByLabel('语言').selectOption('en');
    const table = p.locator(`table[aria-label="${lang === 'en' ? 'Audit entries' : '审计记录'}"]`);
    // The user column: the display name, the username beneath.
    const row = table.locator('tbody tr', { has: p.getByRole('cell', { name: '何静 auditor', exact: true }) }).first();
    await row.waitFor();
    t.log(await shot(p, `console-audit-${lang}-1024`));
    // "auditor" on one line, not "au/dit/or".
    const who = row.locator('td.who code');
    t.is(await who.innerText(), 'auditor');
    const lines = await who.evaluate((e: any) => {
      const r = e.ownerDocument.createRange();
      r.selectNodeContents(e);
      return r.getClientRects().length;
    });
    t.is(lines, 1, `${lang}: the name on one line`);
    // The row's button is within the scrolling box's visible part.
    const scroller = await table.locator('xpath=..').boundingBox();
    const button = await row.getByRole('button').boundingBox();
    t.true(button!.x + button!.width <= scroller!.x + scroller!.width + 1, `${lang}: the button ends at ${button!.x + button!.width}, the table's box at ${scroller!.x + scroller!.width}`);
    // Nothing sits under the pinned 查看: the table fits its box, so the IP column reads whole.
    const fits = await table.evaluate((e: any) => ({ table: e.scrollWidth, box: e.parentElement.clientWidth }));
    t.true(fits.table <= fits.box + 1, `${lang}: the table is ${fits.table} px wide in a box of ${fits.box} px`);
    const ip = await table.locator('thead th').nth(6).evaluate((e: any) => e.scrollWidth <= e.clientWidth + 1);
    t.true(ip, `${lang}: the IP column's heading reads whole`);
    t.false(await p.evaluate(() => (globalThis as any).document.documentElement.scrollWidth > (globalThis as any).document.documentElement.clientWidth), 'the page does not scroll sideways');
  }
  await p.getByLabel('Language').selectOption('zh');
  await p.getByRole('heading', { name: '审计日志', level: 1 }).waitFor();
  t.deepEqual(unexpected(), []);
});

test.serial('the system administrator is refused the audit log and has no link to it', async (t) => {
  const p = b.page;
  await logout(p);
  await loginWithCode(p, 'sysadmin');
  const nav = p.getByRole('navigation', { name: '主导航' });
  await nav.getByRole('link', { name: '用户管理' }).waitFor();
  t.is(await nav.getByRole('link', { name: '审计日志' }).count(), 0);
  await p.goto(`${sys.url}/console/audit`);
  await p.getByTestId('audit-refused').getByText('您无权查看审计日志').waitFor();
  t.is(await p.getByRole('tab').count(), 0);
  await shot(p, 'console-audit-refused');
  const api = await p.request.get(`${sys.url}/api/audit/entries`);
  t.is(api.status(), 403);
  t.is((await api.json()).code, 'FORBIDDEN');
});
