// 用户管理 in a real browser: the system administrator creates an account (its initial password
// shown once), finds it and disables and enables it; the security administrator grants it a
// business role and sees a 三员 combination refused in words; the auditor has no such page.
import test from 'ava';
import type { Page } from 'playwright-core';
import { adminSuite } from './admin-setup.ts';
import { loginWithCode, logout } from './browser.ts';
import { shot } from './shots.ts';

const suite = adminSuite();

/** The 三员 log in with their password and then the authenticator's code (by the server's clock). */
async function loginAdmin(page: Page, username: string) {
  await page.context().clearCookies(); // whatever an earlier test left
  await loginWithCode(page, suite.sys, username);
  suite.b.problems.length = 0; // the first answer was 401 TOTP_REQUIRED
}

const row = (page: Page, username: string) => page.locator(`tr[data-username="${username}"]`);

/** Searches, and waits until the table shows the answer: only matching usernames, or (for '') more than one row. */
async function search(page: Page, text: string) {
  await page.getByLabel('用户名或姓名').fill(text);
  await page.getByRole('button', { name: '搜索', exact: true }).click();
  await page.waitForFunction((q) => {
    const names = [...(globalThis as any).document.querySelectorAll('tr[data-username]')].map((tr: any) => String(tr.getAttribute('data-username')));
    return q ? names.length > 0 && names.every((n) => n.includes(q)) : names.length > 1;
  }, text);
}

test.serial('the system administrator creates an account, sees its password once, finds it, disables and enables it', async (t) => {
  const { sys, b } = suite;
  const p = b.page;
  await loginAdmin(p, 'sysadmin');
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '用户管理' }).click();
  await p.getByRole('heading', { name: '用户管理', level: 1 }).waitFor();
  await row(p, 'archivist1').waitFor();
  t.is(await p.getByRole('button', { name: '授予角色' }).count(), 0, 'no security administrator actions for the system administrator');
  await row(p, 'sysadmin').getByText('本人账号').waitFor();

  // The form: missing fields at their field, then the server's refusal of a bad username at it.
  await p.getByRole('button', { name: '新建账号' }).click();
  const dlg = p.getByRole('dialog', { name: '新建账号' });
  await dlg.getByRole('button', { name: '创建' }).click();
  t.is(await dlg.getByLabel('姓名').getAttribute('aria-invalid'), 'true');
  t.is(await dlg.getByText('必填').count(), 3);
  const unit = await sys.services.db('org_units').where({ code: '150300-ZZB' }).first();
  await dlg.getByLabel('用户名').fill('9lives');
  await dlg.getByLabel('姓名').fill('张伟');
  await dlg.getByLabel('所属单位').selectOption(String(unit.id));
  await dlg.getByRole('button', { name: '创建' }).click();
  // The field's hint says the same words before the server answers: wait for the field marked.
  await dlg.locator('#cu-username[aria-invalid="true"]').waitFor();
  t.regex((await dlg.locator('#cu-username-hint.error-text').textContent()) ?? '', /3–32 个字母、数字或 _.-，以字母开头/);
  await dlg.getByLabel('用户名').fill('archivist1');
  await dlg.getByRole('button', { name: '创建' }).click();
  await dlg.getByText('该用户名已被使用').waitFor();
  await dlg.getByLabel('用户名').fill('zhangwei');
  await dlg.getByRole('button', { name: '创建' }).click();

  const shown = p.getByRole('dialog', { name: '账号已创建' });
  await shown.getByText('初始密码只显示这一次，关闭后无法再次查看。', { exact: false }).waitFor();
  const password = (await shown.locator('output').textContent())?.trim() ?? '';
  t.true(password.length >= 8, 'the initial password is shown');
  await shot(p, 'console-users-password-once');
  await shown.getByRole('button', { name: '我已记下，关闭' }).click();
  await shown.waitFor({ state: 'hidden' });
  t.is(await p.getByText(password).count(), 0, 'the password is gone once the dialog closed');

  await search(p, 'zhang');
  const r = row(p, 'zhangwei');
  await r.waitFor();
  t.is(await p.locator('tbody tr').count(), 1);
  await r.getByText('未授予角色').waitFor();
  await r.getByText('须修改密码').waitFor();
  await r.getByText('已启用').waitFor();

  await r.getByRole('button', { name: '停用' }).click();
  const confirm = p.getByRole('dialog', { name: '停用账号' });
  await confirm.getByText('立即退出所有会话').waitFor();
  await confirm.getByRole('button', { name: '停用' }).click();
  await r.getByText('已停用').waitFor();
  t.true((await sys.services.db('users').where({ username: 'zhangwei' }).first()).disabled == true);
  await r.getByRole('button', { name: '启用' }).click();
  await p.getByRole('dialog', { name: '启用账号' }).getByRole('button', { name: '启用' }).click();
  await r.getByText('已启用').waitFor();
  t.true((await sys.services.db('users').where({ username: 'zhangwei' }).first()).disabled == false);

  // A new password, shown once; the account must change it again.
  await r.getByRole('button', { name: '重置密码' }).click();
  await p.getByRole('dialog', { name: '重置密码' }).getByRole('button', { name: '重置密码' }).click();
  const reset = p.getByRole('dialog', { name: '密码已重置' });
  const second = (await reset.locator('output').textContent())?.trim() ?? '';
  t.true(second.length >= 8 && second !== password);
  await reset.getByText('只显示这一次', { exact: false }).waitFor();
  // The administrator is told the password does not work at this desk, and that the user was mailed.
  await reset.getByText('在本机上不能用它登录。重置密码时，系统已即时发邮件告知本人', { exact: false }).waitFor();
  t.is(await sys.services.db('mail_outbox').where({ event: 'password_reset', recipient_id: (await sys.services.db('users').where({ username: 'zhangwei' }).first()).id }).count({ n: '*' }).first().then((r) => Number(r!.n)), 1);
  await reset.getByRole('button', { name: '我已记下，关闭' }).click();

  // A locked account shows so and can be unlocked.
  await sys.services.db('users').where({ username: 'applicant2' }).update({ locked_until: new Date(sys.clock.now().getTime() + 3600_000).toISOString() });
  await search(p, 'applicant2');
  const locked = row(p, 'applicant2');
  await locked.getByText('已锁定').waitFor();
  await locked.getByRole('button', { name: '解锁' }).click();
  await p.getByRole('dialog', { name: '解锁账号' }).getByRole('button', { name: '解锁' }).click();
  await locked.getByRole('button', { name: '解锁' }).waitFor({ state: 'detached' });
  t.is(await locked.getByText('已锁定').count(), 0);

  // The only auditor cannot be disabled: the refusal stands in the dialog, in words.
  await search(p, 'auditor');
  await row(p, 'auditor').getByRole('button', { name: '停用' }).click();
  const last = p.getByRole('dialog', { name: '停用账号' });
  await last.getByRole('button', { name: '停用' }).click();
  await last.getByRole('alert').getByText('不能这样做：须至少保留一个启用的安全审计员账号。').waitFor();
  await last.getByRole('button', { name: '取消' }).click();

  await search(p, '');
  await row(p, 'archivist1').waitFor();
  await shot(p, 'console-users-sysadmin', { fullPage: true });
  await logout(p);
  // The only failed answers are the refused forms (each also reported on the console).
  t.deepEqual(b.problems.filter((m) => !/HTTP (400|409): POST .*\/api\/admin\/users$|HTTP 422: POST .*\/disable$|status of (400|409|422)/.test(m)), []);
});

test.serial('the security administrator grants a business role; a 三员 combination is refused with its reason', async (t) => {
  const { sys, b } = suite;
  const p = b.page;
  await loginAdmin(p, 'secadmin');
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '用户管理' }).click();
  await search(p, 'zhangwei');
  const r = row(p, 'zhangwei');
  await r.waitFor();
  t.is(await p.getByRole('button', { name: '停用' }).count(), 0, 'no system administrator actions for the security administrator');
  t.is(await p.getByRole('button', { name: '新建账号' }).count(), 0);

  await r.getByRole('button', { name: '授予角色' }).click();
  const dlg = p.getByRole('dialog', { name: '授予角色：张伟（zhangwei）' });
  await dlg.getByText('三员分立：', { exact: false }).waitFor();
  await dlg.getByLabel('档案管理员').check();
  await dlg.getByRole('button', { name: '保存' }).click();
  await dlg.waitFor({ state: 'hidden' });
  await r.getByText('档案管理员').waitFor();
  const id = (await sys.services.db('users').where({ username: 'zhangwei' }).first()).id;
  const held = async () => (await sys.services.db('user_roles').where({ user_id: id })).map((x: any) => x.role).sort();
  t.deepEqual(await held(), ['archivist']);

  await r.getByRole('button', { name: '授予角色' }).click();
  await dlg.getByLabel('安全审计员').check();
  await dlg.getByRole('button', { name: '保存' }).click();
  await dlg.getByRole('alert').getByText('违反三员分立：安全审计员不能兼任业务角色或流程管理员。').waitFor();
  t.true(await dlg.isVisible(), 'the dialog stays open with the reason');
  await shot(p, 'console-users-secadmin-refused');
  await dlg.getByRole('button', { name: '取消' }).click();
  t.deepEqual(await held(), ['archivist'], 'the refused set changed nothing');

  // Two administrator roles at once are refused too, naming both.
  await r.getByRole('button', { name: '授予角色' }).click();
  await dlg.getByLabel('档案管理员').uncheck();
  await dlg.getByLabel('系统管理员').check();
  await dlg.getByLabel('安全审计员').check();
  await dlg.getByRole('button', { name: '保存' }).click();
  await dlg.getByRole('alert').getByText('系统管理员、安全保密管理员、安全审计员不能由同一账号兼任（系统管理员、安全审计员）', { exact: false }).waitFor();
  await dlg.getByRole('button', { name: '取消' }).click();

  // The last auditor keeps the role.
  await search(p, 'auditor');
  await row(p, 'auditor').getByRole('button', { name: '授予角色' }).click();
  const only = p.getByRole('dialog', { name: '授予角色：何静（auditor）' });
  await only.getByLabel('安全审计员').uncheck();
  await only.getByRole('button', { name: '保存' }).click();
  await only.getByRole('alert').getByText('不能这样做：须至少保留一个启用的安全审计员账号。').waitFor();
  await only.getByRole('button', { name: '取消' }).click();

  // Another org unit, from the picker; a lost authenticator reset.
  await search(p, 'zhangwei');
  await r.getByRole('button', { name: '调整单位' }).click();
  const move = p.getByRole('dialog', { name: '调整单位：张伟（zhangwei）' });
  const other = await sys.services.db('org_units').where({ code: '150300-ZZB-DAS' }).first();
  await move.getByLabel('所属单位').selectOption(String(other.id));
  await move.getByRole('button', { name: '保存' }).click();
  await r.getByText(other.name).waitFor();
  t.is((await sys.services.db('users').where({ id }).first()).org_unit_id, other.id);
  await search(p, 'sysadmin');
  await row(p, 'sysadmin').getByRole('button', { name: '重置动态口令' }).click();
  await p.getByRole('dialog', { name: '重置动态口令' }).getByRole('button', { name: '重置动态口令' }).click();
  await row(p, 'sysadmin').getByText('未绑定动态口令').waitFor();

  await search(p, '');
  await row(p, 'archivist1').waitFor();
  await shot(p, 'console-users-secadmin', { fullPage: true });
  await logout(p);
  t.deepEqual(b.problems.filter((m) => !/HTTP 422: PUT .*\/api\/admin\/users\/\d+\/roles$|status of 422/.test(m)), []);
});

test.serial('the auditor has no 用户管理 link and is refused at its address', async (t) => {
  const { b } = suite;
  const p = b.page;
  await loginAdmin(p, 'auditor');
  const nav = p.getByRole('navigation', { name: '主导航' });
  await nav.getByRole('link', { name: '审计日志' }).waitFor();
  t.is(await nav.getByRole('link', { name: '用户管理' }).count(), 0);
  const asked: string[] = [];
  p.on('request', (req) => {
    if (req.url().includes('/api/admin/')) asked.push(req.url());
  });
  await p.goto(`${suite.sys.url}/console/users`);
  await p.getByRole('heading', { name: '用户管理', level: 1 }).waitFor();
  await p.getByRole('alert').getByText('您无权使用用户管理。').waitFor();
  t.is(await p.locator('table').count(), 0);
  t.deepEqual(asked, [], 'the page asks the server nothing it would refuse');
  await shot(p, 'console-users-auditor-refused');
  t.deepEqual(b.problems, []);
});

test.serial('at 1024 px the list and its actions fit', async (t) => {
  const { b } = suite;
  const p = b.page;
  await loginAdmin(p, 'secadmin'); // sysadmin's authenticator was reset above
  await p.setViewportSize({ width: 1024, height: 768 });
  await p.goto(`${suite.sys.url}/console/users`);
  await row(p, 'archivist1').getByRole('button', { name: '调整单位' }).waitFor();
  await shot(p, 'console-users-1024', { fullPage: true });

  // The role filter asks the server for that role's holders only.
  await p.getByLabel('角色', { exact: true }).selectOption('archivist');
  await row(p, 'applicant1').waitFor({ state: 'detached' });
  t.deepEqual(await p.locator('tbody tr').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-username'))), ['archivist1', 'receiver1', 'zhangwei']);

  // In English, the page and its role names follow the language.
  await p.getByLabel('语言').selectOption('en');
  await p.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
  await row(p, 'archivist1').getByText('Archivist', { exact: true }).waitFor();
  await row(p, 'archivist1').getByRole('button', { name: 'Roles' }).waitFor();
  // Every account, in English: the longer words still leave the actions column in sight.
  await p.getByLabel('Role', { exact: true }).selectOption('');
  await row(p, 'applicant1').waitFor();
  await shot(p, 'console-users-en-1024', { fullPage: true });
  const en = p.locator('.table-scroll');
  t.true(await en.evaluate((el) => el.scrollWidth <= el.clientWidth), 'in English the table fits without scrolling');
  const actions = await p.getByRole('columnheader', { name: 'Actions' }).boundingBox();
  const box = await en.boundingBox();
  t.true(!!actions && !!box && actions.x + actions.width <= box.x + box.width + 1, 'the Actions heading is whole');
  await p.getByLabel('Language').selectOption('zh');
  const width = (await p.evaluate('document.documentElement.scrollWidth')) as number;
  t.true(width <= 1024, `no sideways scrolling of the page (${width} px)`);
  const table = p.locator('.table-scroll');
  t.true(await table.evaluate((el) => el.scrollWidth <= el.clientWidth), 'the table fits without scrolling, its actions visible');
  t.deepEqual(b.problems, []);
});
