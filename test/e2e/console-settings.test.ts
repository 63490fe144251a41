// 系统设置, 数据备份 and 安全策略 in chromium, at 1024 px. The system administrator (password and
// one-time code) renames the system and sets a two-line login notice, confirming old → new, and
// finds both on the login page after logging out, as text; an empty name is refused at its field
// and nothing changes; leaving with unsaved edits asks first. A backup shows its progress while
// the server works (the request held at a barrier), then its result and its ledger row. The
// security administrator raises the minimum password length to 12, and 6 (under 等保's 8) is
// refused at the field. The auditor has neither the links nor the pages.
// Screenshots (UPDATE_SCREENSHOTS=1 → docs/screenshots/, else a temp folder): console-settings*.png,
// console-backups*.png, console-security*.png, login-notice.png, console-refusal.png.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Page, Route } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, logout, loginWithCode, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
const siteName = '临江市委组织部干部人事档案管理系统';
const notice = '系统维护通知：11 月 30 日 22:00 起暂停服务。\n<b>请勿</b>在公共场所登录。';

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  b = await openBrowser(sys.url, { width: 1024, height: 800 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

/** The refusals the test provokes (the server's 400s), and nothing else, may show in the console. */
const expected = [
  /^HTTP 400: PUT .*\/api\/admin\/(settings|security-policy)$/,
  /^console: Failed to load resource: .*status of 400/,
  /^HTTP 401: POST .*\/api\/auth\/login$/,
  /^console: Failed to load resource: .*status of 401/,
];
const otherProblems = () => b.problems.filter((x) => !expected.some((re) => re.test(x)));

/** An administrator's login through the page: password, then the one-time code. */
const loginAdmin = (p: Page, username: string) => loginWithCode(p, sys, username);

const nav = (p: Page) => p.getByRole('navigation', { name: '主导航' });
const field = (p: Page, key: string) => p.locator(`[data-field="${key}"]`);
const formState = (p: Page) => p.getByTestId('form-state');

test.serial('the system administrator sets the system name and login notice, confirming old → new; the login page shows them as text', async (t) => {
  const p = b.page;
  // Nothing set yet: the system's default name, and the built-in notice.
  await p.goto(`${sys.url}/login`);
  await p.getByTestId('site-name').filter({ hasText: /^干部人事档案管理系统$/ }).waitFor();
  t.is(await p.getByTestId('login-notice').textContent(), '本系统仅限授权人员使用，所有操作均被记录。');
  await loginAdmin(p, 'sysadmin');
  t.is(await nav(p).getByRole('link', { name: '安全策略' }).count(), 0, 'not the security administrator’s page');
  await nav(p).getByRole('link', { name: '系统设置' }).click();
  await p.getByRole('heading', { name: '系统设置', level: 1 }).waitFor();

  const name = p.getByLabel('系统名称');
  t.is(await name.inputValue(), '干部人事档案管理系统', 'the value in force');
  await field(p, 'system.loginNotice').getByTestId('current').filter({ hasText: '当前生效值：（空）' }).waitFor();
  t.true(await p.getByRole('button', { name: '保存更改…' }).isDisabled(), 'nothing to save yet');

  await name.fill(siteName);
  await p.getByLabel('登录公告').fill(notice);
  await formState(p).filter({ hasText: '有 2 项未保存的更改。' }).waitFor();
  await p.getByRole('button', { name: '保存更改…' }).click();
  const dialog = p.getByRole('dialog', { name: '确认保存以下更改' });
  const nameRow = dialog.locator('tr[data-change="system.siteName"]');
  t.is(await nameRow.locator('td').nth(0).textContent(), '干部人事档案管理系统');
  t.is(await nameRow.locator('td').nth(1).textContent(), `→ ${siteName}`);
  t.is(await dialog.locator('tr[data-change="system.loginNotice"] td').nth(0).textContent(), '（空）');
  await shot(p, 'console-settings-confirm');
  await dialog.getByRole('button', { name: '确认保存' }).click();
  await formState(p).filter({ hasText: /已于 .* 保存，新设置已生效。/ }).waitFor();
  await field(p, 'system.siteName').getByTestId('current').filter({ hasText: `当前生效值：${siteName}` }).waitFor();

  const info = (await sys.client().get('/api/system/info')).body;
  t.deepEqual(info, { siteName, loginNotice: notice });
  const audited = await sys.services.db('audit_log').where({ action: 'config.change' }).select('object_id');
  t.deepEqual(audited.map((r) => r.object_id).sort(), ['system.loginNotice', 'system.siteName'], 'each change audited');
  t.log(await shot(p, 'console-settings', { fullPage: true }));

  await logout(p);
  await p.getByTestId('site-name').filter({ hasText: siteName }).waitFor();
  const shown = p.getByTestId('login-notice');
  await shown.filter({ hasText: '系统维护通知' }).waitFor();
  t.is(await shown.textContent(), notice, 'the notice as text, markup and all');
  t.is(await shown.locator('b').count(), 0, 'no markup made of it');
  t.true((await shown.innerText()).includes('\n'), 'its line break kept');
  t.log(await shot(p, 'login-notice'));
});

test.serial('an empty system name is refused at its field and nothing changes; leaving with the edit asks first', async (t) => {
  const p = b.page;
  await loginAdmin(p, 'sysadmin');
  await nav(p).getByRole('link', { name: '系统设置' }).click();
  const name = p.getByLabel('系统名称');
  await name.fill('   ');
  await p.getByRole('button', { name: '保存更改…' }).click();
  await p.getByRole('dialog', { name: '确认保存以下更改' }).getByRole('button', { name: '确认保存' }).click();
  const error = field(p, 'system.siteName').locator('.error-text');
  await error.waitFor();
  t.regex((await error.textContent()) ?? '', /[\u4e00-\u9fff]/, 'the refusal in Chinese');
  t.false((await error.textContent())!.includes(' / '), 'the Chinese half only');
  t.is(await name.getAttribute('aria-invalid'), 'true');
  await p.getByText('服务器未接受这些更改').waitFor();
  await formState(p).filter({ hasText: '有 1 项未保存的更改。' }).waitFor();
  t.is((await sys.client().get('/api/system/info')).body.siteName, siteName, 'the name in force is unchanged');
  t.log(await shot(p, 'console-settings-refused', { fullPage: true }));

  // Leaving asks; 继续编辑 keeps the edit on the page, 放弃并离开 goes.
  await nav(p).getByRole('link', { name: '数据备份' }).click();
  const ask = p.getByRole('dialog', { name: '放弃未保存的内容？' });
  await ask.getByText('有设置的更改尚未保存').waitFor();
  await ask.getByRole('button', { name: '继续编辑' }).click();
  await p.getByRole('heading', { name: '系统设置', level: 1 }).waitFor();
  t.is(await name.inputValue(), '   ', 'the edit is still there');
  await nav(p).getByRole('link', { name: '数据备份' }).click();
  await ask.getByRole('button', { name: '放弃并离开' }).click();
  await p.getByRole('heading', { name: '数据备份', level: 1 }).waitFor();
});

test.serial('a backup shows its progress while it runs, then its result and its row in the ledger', async (t) => {
  const p = b.page;
  await p.getByText('还没有备份记录。').waitFor();
  await p.getByText('密钥不在备份中').waitFor();
  await p.getByLabel('存放介质').selectOption({ label: '光盘' });

  // The backup request waits at a barrier, so the page is seen while the server would still work.
  let release!: () => void;
  const barrier = new Promise<void>((r) => (release = r));
  const hold = async (route: Route) => {
    if (route.request().method() !== 'POST') return route.continue();
    await barrier;
    await route.continue();
  };
  await p.route('**/api/admin/backups', hold);
  await p.getByRole('button', { name: '立即备份' }).click();
  await p.getByTestId('backup-progress').getByText(/正在备份，已用时/).waitFor();
  t.true(await p.getByRole('button', { name: '立即备份' }).isDisabled(), 'one backup at a time');
  t.log(await shot(p, 'console-backups-running'));
  release();
  await p.getByTestId('backup-progress').getByText(/^备份已完成：/).waitFor();
  await p.unroute('**/api/admin/backups', hold);

  const [row] = await sys.services.db('backups').select();
  t.is(row.medium, 'optical');
  t.is(row.operator, 'sysadmin');
  const ledgerRow = p.locator(`tr[data-backup="${row.id}"]`);
  await ledgerRow.filter({ hasText: '光盘' }).filter({ hasText: 'sysadmin' }).filter({ hasText: row.path }).waitFor();
  await p.getByText('共 1 条记录（含失败的备份）').waitFor();
  t.true(fs.existsSync(path.join(row.path, 'SHA256SUMS')), 'the backup is where the ledger says');
  t.log(await shot(p, 'console-backups', { fullPage: true }));
  await logout(p);
});

test.serial('the security administrator raises the minimum password length; 6, under the bound of 8, is refused at the field', async (t) => {
  const p = b.page;
  await loginAdmin(p, 'secadmin');
  t.is(await nav(p).getByRole('link', { name: '系统设置' }).count(), 0);
  t.is(await nav(p).getByRole('link', { name: '数据备份' }).count(), 0);
  await nav(p).getByRole('link', { name: '安全策略' }).click();
  await p.getByRole('heading', { name: '安全策略', level: 1 }).waitFor();
  const minLength = p.getByLabel('口令最小长度');
  t.is(await minLength.inputValue(), '8');
  await field(p, 'password.minLength').getByText('不接受少于 8 个字符').waitFor();

  await minLength.fill('12');
  await p.getByRole('button', { name: '保存更改…' }).click();
  const row = p.getByRole('dialog', { name: '确认保存以下更改' }).locator('tr[data-change="password.minLength"]');
  t.is(await row.locator('td').nth(0).textContent(), '8 个字符');
  t.is(await row.locator('td').nth(1).textContent(), '→ 12 个字符');
  await p.getByRole('button', { name: '确认保存' }).click();
  await formState(p).filter({ hasText: /已于 .* 保存/ }).waitFor();
  const policy = async () => (await (await sys.as('secadmin')).get('/api/admin/security-policy')).body;
  t.is((await policy()).password.minLength, 12);
  t.log(await shot(p, 'console-security', { fullPage: true }));

  await minLength.fill('6');
  await p.getByRole('button', { name: '保存更改…' }).click();
  await p.getByRole('button', { name: '确认保存' }).click();
  const error = field(p, 'password.minLength').locator('.error-text');
  await error.waitFor();
  t.regex((await error.textContent()) ?? '', /8/, 'the refusal names the bound');
  t.is(await minLength.getAttribute('aria-invalid'), 'true');
  t.true(await minLength.evaluate((el: any) => el === el.ownerDocument.activeElement), 'focus on the refused field');
  t.is((await policy()).password.minLength, 12, 'unchanged');
  t.log(await shot(p, 'console-security-refused'));
  await p.getByRole('button', { name: '退出登录' }).click();
  await p.getByRole('dialog', { name: '放弃未保存的内容？' }).getByRole('button', { name: '放弃并离开' }).click();
  await p.getByRole('heading', { name: '登录', exact: true }).waitFor();
});

test.serial('the auditor has neither the links nor the pages', async (t) => {
  const p = b.page;
  await loginAdmin(p, 'auditor');
  for (const name of ['系统设置', '数据备份', '安全策略']) t.is(await nav(p).getByRole('link', { name }).count(), 0, name);
  const before = b.problems.length;
  for (const [url, title] of [
    ['/console/settings', '系统设置'],
    ['/console/backups', '数据备份'],
    ['/console/security', '安全策略'],
  ]) {
    await p.goto(`${sys.url}${url}`);
    await p.getByRole('heading', { name: title, level: 1 }).waitFor();
    await p.getByTestId('refusal').filter({ hasText: /仅限.*管理员使用/ }).waitFor();
    t.is(await p.locator('form, table, button:has-text("立即备份")').count(), 0, `${title}: nothing of the page`);
  }
  t.log(await shot(p, 'console-refusal'));
  t.is(b.problems.length, before, 'no call the server would refuse');
  t.deepEqual(otherProblems(), []);
  t.deepEqual(b.outside, []);
});
