// 个人设置 in a real browser: reached from the header; the deadline warnings fixed with their reason;
// leaving with unsaved changes asks; a refused language shown at its field; the daily digest at
// 18:00 and English saved, kept after a reload and on a new browser, and the next task mail then
// comes in English through the real SMTP test server. The header's language switch moves the
// account's language too. Screenshots at 1280 and 1024 in both languages.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Page } from 'playwright-core';
import type { TestSystem } from '../helpers/server.ts';
import type { TestSmtp } from '../helpers/smtp.ts';
import { closeMailSystem, startMailSystem } from '../helpers/notify.ts';
import { borrowingVariables, demoCadre } from '../helpers/cases.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let smtp: TestSmtp;
let b: Browsing;

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  ({ sys, smtp } = await startMailSystem());
  b = await openBrowser(sys.url, { width: 1280, height: 900 });
});
test.after.always(async () => {
  await b?.close();
  await closeMailSystem(sys, smtp);
});

const user = (username: string) => sys.services.db('users').where({ username }).first();
const settingsOf = async (username: string) => sys.services.db('notification_settings').where({ user_id: (await user(username)).id }).first();

async function openSettings(p: Page) {
  await p.locator('header').getByRole('link', { name: '个人设置' }).click();
  await p.getByRole('heading', { name: '个人设置', level: 1 }).waitFor();
  await p.getByRole('button', { name: '保存' }).waitFor();
}

test.serial('digest and English saved on 个人设置 stay after a reload and on a new browser; the task mail then comes in English', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'unithead1');
  await openSettings(p);
  t.regex(p.url(), /\/settings$/);
  await p.getByText('通知邮件发送至 unithead1@dangan.example').waitFor();

  // A deadline warning is fixed, and says why; an optional notice can be unticked.
  const overdue = p.locator('li[data-event="loan_overdue"]');
  t.true(await overdue.getByRole('checkbox').isChecked());
  t.true(await overdue.getByRole('checkbox').isDisabled());
  await overdue.getByText('必须接收').waitFor();
  const why = await overdue.getByRole('checkbox').getAttribute('aria-describedby');
  t.regex((await p.locator(`[id="${why!.split(' ').at(-1)}"]`).textContent()) ?? '', /^档案工作期限的督办提醒按规定不能关闭，可改为每日汇总。$/);
  t.true(await p.getByRole('checkbox', { name: /提交给我所在角色的待办/ }).isEnabled());
  // A password reset by the system administrator is always mailed, at once, under 账号安全.
  const reset = p.getByRole('group', { name: '账号安全' }).locator('li[data-event="password_reset"]');
  t.true(await reset.getByRole('checkbox', { name: /登录密码被重置/ }).isDisabled());
  t.true(await reset.getByRole('checkbox').isChecked());
  await p.getByText('账号被他人动过时您必须立即知晓：此项通知不能关闭，也不并入每日汇总，总是即时发送。').waitFor();
  t.is(await p.getByRole('status').filter({ hasText: '没有未保存的修改' }).count(), 1);

  // Unsaved changes: leaving by the navigation asks, and 继续编辑 keeps them.
  await p.getByRole('radio', { name: /每日汇总一封/ }).check();
  await p.getByLabel('汇总发送时间（北京时间）').selectOption('18');
  await p.getByLabel('界面和邮件的语言').selectOption('en');
  await p.getByText('有 3 项修改尚未保存').waitFor();
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '工作台' }).click();
  const leave = p.getByRole('dialog', { name: '放弃未保存的内容？' });
  await leave.getByText('您修改的个人设置还没有保存。').waitFor();
  await leave.getByRole('button', { name: '继续编辑' }).click();
  await leave.waitFor({ state: 'hidden' });
  t.regex(p.url(), /\/settings$/);
  t.is(await p.getByLabel('汇总发送时间（北京时间）').inputValue(), '18');
  await shot(p, 'my-settings-zh-1280', { fullPage: true });
  await shot(p, 'my-settings-zh-1280', { fullPage: true });

  // Save: the page says so, the screens turn English, and the account has both.
  await p.getByRole('button', { name: '保存' }).click();
  await p.getByRole('status').filter({ hasText: /^Saved \(/ }).waitFor();
  await p.getByRole('heading', { name: 'My settings', level: 1 }).waitFor();
  t.is((await user('unithead1')).language, 'en');
  const saved = await settingsOf('unithead1');
  t.truthy(saved.digest);
  t.is(saved.digest_hour, 18);
  const audit = await sys.services.db('audit_log').where({ action: 'user.language', actor: 'unithead1' });
  t.is(audit.length, 1);

  // A reload keeps them, in English.
  await p.reload();
  await p.getByRole('heading', { name: 'My settings', level: 1 }).waitFor();
  await p.getByRole('button', { name: 'Save' }).waitFor();
  t.true(await p.getByRole('radio', { name: /One daily digest/ }).isChecked());
  t.is(await p.getByLabel('Digest hour (Beijing time)').inputValue(), '18');
  t.is(await p.getByLabel('Language of screens and mail').inputValue(), 'en');
  await shot(p, 'my-settings-en-1280', { fullPage: true });

  // A new browser (nothing stored): the login page is Chinese, and the account's English applies after.
  const fresh = await openBrowser(sys.url, { width: 1024, height: 900 });
  try {
    const q = fresh.page;
    await q.goto(`${sys.url}/login`);
    await q.getByLabel('用户名').fill('unithead1');
    await q.getByLabel('密码').fill('Dangan@2026');
    await q.getByRole('button', { name: '登录' }).click();
    await q.getByRole('navigation', { name: 'Main navigation' }).waitFor();
    await q.locator('header').getByRole('link', { name: 'My settings' }).click();
    await q.getByRole('button', { name: 'Save' }).waitFor();
    t.true(await q.getByRole('radio', { name: /One daily digest/ }).isChecked());
    await shot(q, 'my-settings-en-1024', { fullPage: true });
    t.deepEqual(fresh.problems, []);
  } finally {
    await fresh.close();
  }

  // The next task for the unit head waits for 18:00 and comes, in English, in the digest.
  const applicant = await sys.as('applicant1');
  const started = await applicant.post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(sys, 'applicant1', await demoCadre(sys, 'county')),
  });
  t.is(started.status, 201);
  await sys.services.mailer.pollOnce();
  const me = (await user('unithead1')).id;
  const held = await sys.services.db('mail_outbox').where({ recipient_id: me, status: 'held' });
  t.is(held.length, 1);
  t.is(held[0].language, 'en');
  t.is(smtp.to('unithead1@dangan.example').length, 0, 'nothing before the digest hour');
  sys.clock.set(held[0].hold_until);
  t.is((await sys.services.mailer.pollOnce()).digests, 1);
  const [digest] = smtp.to('unithead1@dangan.example');
  t.regex(digest.subject, /^\[Dangan\] Daily digest /);
  t.regex(digest.text, /Task for your role: 单位负责人审核/);
  t.true(digest.text.includes('Dear 张志强,'));
  t.false(digest.text.includes('您好'), 'no Chinese greeting');
  t.deepEqual(b.problems, []);
});

test.serial('the header’s language switch moves the account’s language, and a refused language is shown at its field', async (t) => {
  const p = b.page;
  // Another user on a browser of their own.
  await b.context.clearCookies();
  await p.goto(`${sys.url}/login`);
  await p.evaluate(() => (globalThis as any).localStorage.clear());
  await login(p, sys.url, 'archivist1');
  await openSettings(p);
  t.is(await p.getByLabel('界面和邮件的语言').inputValue(), 'zh');

  // The header's switch: the screens and the account (so the mails) follow, and this page shows it.
  await p.locator('header').getByLabel('语言').selectOption('en');
  await p.getByRole('heading', { name: 'My settings', level: 1 }).waitFor();
  await p.waitForFunction(() => (globalThis as any).document.querySelector('#my-language')?.value === 'en');
  for (let i = 0; i < 50 && (await user('archivist1')).language !== 'en'; i++) await p.waitForTimeout(100);
  t.is((await user('archivist1')).language, 'en');
  t.is(await p.getByRole('status').filter({ hasText: 'No unsaved changes' }).count(), 1, 'not an unsaved change of the page');
  await p.setViewportSize({ width: 1024, height: 900 });
  await shot(p, 'my-settings-en-1024-header', { fullPage: false });
  await p.locator('header').getByLabel('Language').selectOption('zh');
  await p.getByRole('heading', { name: '个人设置', level: 1 }).waitFor();
  for (let i = 0; i < 50 && (await user('archivist1')).language !== 'zh'; i++) await p.waitForTimeout(100);
  t.is((await user('archivist1')).language, 'zh');
  await shot(p, 'my-settings-zh-1024', { fullPage: true });
  await p.setViewportSize({ width: 1280, height: 900 });

  // A value the server does not take: its refusal stands at the language field, nothing is kept.
  await p.evaluate(() => {
    const g = globalThis as any;
    g.document.querySelector('#my-language').add(new g.Option('Français', 'fr'));
  });
  await p.getByLabel('界面和邮件的语言').selectOption('fr');
  await p.getByRole('button', { name: '保存' }).click();
  const error = p.locator('#my-language-error');
  await error.waitFor();
  t.is(await error.textContent(), '不是可选的值');
  t.is(await p.getByLabel('界面和邮件的语言').getAttribute('aria-invalid'), 'true');
  t.true(await p.getByLabel('界面和邮件的语言').evaluate((el) => el === (globalThis as any).document.activeElement), 'focus goes to the field');
  t.is((await user('archivist1')).language, 'zh');
  t.deepEqual(
    b.problems.map((x) => x.replace(/http:\/\/127\.0\.0\.1:\d+/, '')),
    ['HTTP 400: PUT /api/me/language', 'console: Failed to load resource: the server responded with a status of 400 (Bad Request)'],
  );
  b.problems.length = 0;

  // English picked on the login page is the user's word too: it becomes the account's at login.
  await p.getByRole('button', { name: '撤销修改' }).click();
  await logout(p);
  await p.getByRole('button', { name: 'English' }).click();
  await p.getByLabel('Username').fill('archivist1');
  await p.getByLabel('Password').fill('Dangan@2026');
  await p.getByRole('button', { name: 'Log in' }).click();
  await p.getByRole('navigation', { name: 'Main navigation' }).waitFor();
  for (let i = 0; i < 50 && (await user('archivist1')).language !== 'en'; i++) await p.waitForTimeout(100);
  t.is((await user('archivist1')).language, 'en');
  t.deepEqual(b.problems, []);
});
