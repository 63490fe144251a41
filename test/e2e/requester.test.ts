// The requester's side in a real browser: withdrawing an application nobody has decided yet,
// and the whole interface in English at the switch of a menu.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { fileConsultation, REASONS } from '../helpers/cases.ts';
import { taskAt } from '../helpers/workflow.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';

let sys: TestSystem;
let b: Browsing;

test.before(async () => {
  sys = await startSystem();
  b = await openBrowser(sys.url);
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('withdrawing an application: a reason is required, then it ends and leaves the approver’s inbox', async (t) => {
  const p = b.page;
  const id = await fileConsultation(sys, 'applicant1', REASONS[3], '1');
  t.truthy(await taskAt(await sys.as('unithead1'), id, 'unitHeadReview'));

  await login(p, sys.url, 'applicant1');
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的申请' }).click();
  await p.getByRole('link', { name: /^电子查阅：发展党员政治审查/ }).first().click();
  await p.getByRole('heading', { name: '办理过程' }).waitFor();
  await p.getByRole('button', { name: '撤回申请' }).click();
  const dialog = p.getByRole('dialog', { name: '撤回申请' });
  await dialog.getByRole('button', { name: '撤回申请' }).click();
  await dialog.getByRole('alert').waitFor();
  t.is((await sys.services.db('process_instances').where({ id }).first()).status, 'running', 'no reason, no withdrawal');
  await dialog.getByLabel('撤回理由').fill('查阅事由已取消，无需查阅。');
  await dialog.getByRole('button', { name: '撤回申请' }).click();
  await p.getByText('申请已撤回。').waitFor();
  await p.locator('.badge', { hasText: '已撤回' }).first().waitFor();
  await p.getByText('申请人撤回申请').waitFor();
  await p.getByText('查阅事由已取消，无需查阅。').first().waitFor();
  t.false(await p.getByRole('button', { name: '撤回申请' }).isVisible());
  t.is((await sys.services.db('process_instances').where({ id }).first()).status, 'terminated');
  t.falsy(await taskAt(await sys.as('unithead1'), id, 'unitHeadReview'));
  await logout(p);
  t.deepEqual(b.problems, []);
});

test.serial('English at the switch of a menu, Chinese again after', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'unithead1');
  await p.getByLabel('语言').selectOption('en');
  const nav = p.getByRole('navigation', { name: 'Main navigation' });
  await nav.getByRole('link', { name: 'Workbench' }).waitFor();
  await nav.getByRole('link', { name: /Tasks/ }).click();
  await p.getByRole('heading', { name: 'Tasks', level: 1 }).waitFor();
  await p.getByRole('tab', { name: /To claim/ }).waitFor();
  t.is(await p.evaluate(() => (globalThis as any).document.documentElement.lang), 'en');
  await p.reload();
  await p.getByRole('heading', { name: 'Tasks', level: 1 }).waitFor();
  await p.getByLabel('Language').selectOption('zh');
  await p.getByRole('heading', { name: '待办', level: 1 }).waitFor();
  t.is(await p.evaluate(() => (globalThis as any).document.documentElement.lang), 'zh-CN');
  t.deepEqual(b.problems, []);
});

test.serial('in English, a field with two problems lists them with an English separator', async (t) => {
  const p = b.page;
  await logout(p);
  await login(p, sys.url, 'applicant1');
  await p.getByLabel('语言').selectOption('en');
  await p.goto(`${sys.url}/start/borrowing`);
  await p.getByRole('button', { name: 'Submit application' }).click();
  await p.locator('#start-form .error-text').first().waitFor();
  const errors = await p.locator('#start-form .error-text').allTextContents();
  t.true(errors.length > 0);
  t.true(errors.some((e) => /Required; /.test(e)), errors.join(' | '));
  t.false(errors.some((e) => e.includes('；')), errors.join(' | '));
  await p.getByLabel('Language').selectOption('zh');
  await p.getByRole('heading', { level: 1 }).first().waitFor();
  t.deepEqual(b.problems, []);
});

test.serial('the process administrator gets a workbench without business entries, the process administration entries, and no refused requests', async (t) => {
  const other = await openBrowser(sys.url);
  try {
    await login(other.page, sys.url, 'procadmin');
    await other.page.getByText('您的角色（流程管理员）不办理档案业务事项').waitFor();
    const links = await other.page.getByRole('navigation', { name: '主导航' }).getByRole('link').allTextContents();
    t.deepEqual(links.map((l) => l.trim()), ['工作台', '流程管理', '运行监控', '审核标准']);
    await other.page.waitForTimeout(500);
    t.deepEqual(other.problems, []);
  } finally {
    await other.close();
  }
});
