// A session that ends while the page holds unsaved work, in a real browser: the page is not left but
// locked — covered, hidden and inert (nothing of a cadre's data on the screen or in the accessibility
// tree) — until the same user logs in again; then the page is as it was, and nothing refused is
// sent again by itself. A wrong password is refused as at the login page; 退出 gives the work up.
// An administrator gives the one-time code too. A page with nothing to lose still goes to the
// login page. A password reset meanwhile is changed on the lock itself (the login page's form), and
// the lock reads in English at the 中文 | English switch the login page has.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Page } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { demoCadre, ensureScanned, fileConsultation, todayIn, type DemoCadre } from '../helpers/cases.ts';
import { taskAt } from '../helpers/workflow.ts';
import { clientDist } from '../../server/app.ts';
import { freshTotpCode } from '../helpers/totp.ts';
import { openBrowser, login, loginWithCode, settled, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

test.before(() => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
});

async function withSystem(env: Record<string, string>, fn: (sys: TestSystem, b: Browsing) => Promise<void>) {
  const sys = await startSystem({ env });
  const b = await openBrowser(sys.url, { width: 1280, height: 800 });
  try {
    await fn(sys, b);
  } finally {
    await b.close();
    await sys.close();
  }
}

const lockZh = (p: Page) => p.getByRole('dialog', { name: '会话已结束，请重新登录以继续' });
const lockEn = (p: Page) => p.getByRole('dialog', { name: 'Your session ended; log in again to continue' });

/** The borrowing start form, filled in as duplicate-request.test.ts does (the page's check of the cadre answered). */
async function fillBorrowing(sys: TestSystem, p: Page, cadre: DemoCadre, reason: string) {
  const checked = p.waitForResponse((r) => r.url().endsWith('/open-cases') && r.request().method() === 'POST');
  await p.getByLabel('被查阅干部姓名').fill(cadre.name);
  await p.getByLabel('被查阅干部身份证号').fill(cadre.idNumber);
  await checked;
  await p.getByRole('checkbox', { name: '李红梅' }).check();
  await p.getByLabel(/利用目的/).selectOption({ value: '2' });
  await p.getByLabel('查阅理由').fill(reason);
  await p.getByRole('radio', { name: '电子查阅' }).check();
  await p.getByRole('checkbox', { name: '一、履历材料' }).check();
  await p.getByLabel('拟查阅日期').fill(todayIn(sys));
  await p.getByLabel('电子查阅时限（天）').fill('2');
}

/** Every name and value in the browser's own accessibility tree (the nodes it does not ignore). */
async function accessibleText(p: Page): Promise<string> {
  const cdp = await p.context().newCDPSession(p);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: Array<{ ignored: boolean; name?: { value?: unknown }; value?: { value?: unknown } }> };
    return nodes
      .filter((n) => !n.ignored)
      .map((n) => `${n.name?.value ?? ''} ${n.value?.value ?? ''}`)
      .join('\n');
  } finally {
    await cdp.detach();
  }
}

/** Tab and Shift+Tab reach the lock's fields and never the page (past the last one, the browser's own). */
async function focusNeverOnThePage(p: Page, lock: ReturnType<typeof lockZh>): Promise<{ page: number; lock: number }> {
  const seen = { page: 0, lock: 0 };
  for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
    await p.keyboard.press(key);
    const where = await lock.evaluate((el) => {
      const active = el.ownerDocument.activeElement;
      if (!active || active === el.ownerDocument.body) return 'none';
      return el.contains(active) ? 'lock' : 'page';
    });
    if (where !== 'none') seen[where]++;
  }
  return seen;
}

const borrowingsOf = async (sys: TestSystem, username: string) => {
  const user = await sys.services.db('users').where({ username }).first();
  return sys.services.db('workflow_cases').where({ initiator_id: user.id, process_key: 'borrowing' });
};

test.serial('a start form whose session ended on the server: 提交 shows the lock, the form is hidden, and after the login it is intact and files one case', async (t) => {
  await withSystem({}, async (sys, b) => {
    const p = b.page;
    const cadre = await demoCadre(sys, 'county', 0);
    await ensureScanned(sys, cadre.archiveId, ['1']);
    const reason = '拟提拔考察，需查阅该同志的履历材料。';
    await login(p, sys.url, 'applicant1');
    await p.goto(`${sys.url}/start/borrowing`);
    await p.getByRole('button', { name: '提交申请' }).waitFor();
    await fillBorrowing(sys, p, cadre, reason);

    // As if the user had come from the inbox inside the app: the back button has a page to go to.
    await p.evaluate(() => {
      const h = (globalThis as any).history;
      h.replaceState(null, '', '/inbox');
      h.pushState(null, '', '/start/borrowing');
    });
    // The page's own requests answered (the cadre box's search, the check of open cases): 提交 is
    // the first to meet the ended session, else the lock would come first and hide the button.
    await settled(p);
    await sys.services.db('sessions').delete();
    await p.getByRole('button', { name: '提交申请' }).click();
    const lock = lockZh(p);
    await lock.waitFor();
    t.regex(p.url(), /\/start\/borrowing$/, 'the page is not left');
    await lock.getByText('您填写的内容仍保留在本页，以同一账号重新登录后即恢复原样。刚才的操作未提交，登录后请再次提交。').waitFor();
    t.is(await lock.getByLabel('用户名').inputValue(), 'applicant1');
    t.false(await lock.getByLabel('用户名').isEditable(), 'the user is the same');
    t.true(await lock.getByLabel('密码').evaluate((el) => el === el.ownerDocument.activeElement), 'focus starts on the password');

    // Nothing of the form on the screen, in the accessibility tree, or within reach of the keyboard.
    t.false(await p.getByLabel('查阅理由').isVisible());
    t.false(await p.getByRole('button', { name: '提交申请' }).isVisible());
    t.true(await p.locator('#start-form').evaluate((el) => el.closest('[inert]') !== null), 'the page is inert');
    const tree = await accessibleText(p);
    t.true(tree.includes('会话已结束，请重新登录以继续'));
    for (const secret of [cadre.name, cadre.idNumber, reason, '提交申请']) t.false(tree.includes(secret), `${secret} is not in the accessibility tree`);
    t.log(await shot(p, 'session-lock-zh-1280'));
    const focus = await focusNeverOnThePage(p, lock);
    t.is(focus.page, 0, 'Tab never reaches the page');
    t.true(focus.lock >= 5);
    await p.keyboard.press('Escape');
    await p.waitForTimeout(200);
    t.true(await lock.isVisible(), 'Esc does not lift the lock');
    // The back button (mouse, Alt+←) neither leaves the page nor opens its question above the lock.
    await p.goBack();
    await p.waitForTimeout(300);
    t.regex(p.url(), /\/start\/borrowing$/, 'back stays on the page');
    t.true(await lock.isVisible());
    t.is(await p.getByRole('dialog', { name: '放弃未保存的内容？' }).count(), 0, 'no question on the hidden page');
    await lock.getByLabel('密码').focus();
    t.true(await lock.getByLabel('密码').evaluate((el) => el === el.ownerDocument.activeElement), 'the lock still takes the password');
    await p.setViewportSize({ width: 1024, height: 768 });
    t.log(await shot(p, 'session-lock-zh-1024'));
    t.is((await borrowingsOf(sys, 'applicant1')).length, 0);

    // The same user again: the form as it was; the refused submission is not sent by itself.
    await lock.getByLabel('密码').fill('Dangan@2026');
    await lock.getByRole('button', { name: '登录', exact: true }).click();
    await lock.waitFor({ state: 'hidden' });
    t.regex(p.url(), /\/start\/borrowing$/);
    t.is(await p.getByLabel('被查阅干部姓名').inputValue(), cadre.name);
    t.is(await p.getByLabel('被查阅干部身份证号').inputValue(), cadre.idNumber);
    t.is(await p.getByLabel('查阅理由').inputValue(), reason);
    t.true(await p.getByRole('radio', { name: '电子查阅' }).isChecked());
    await p.getByText('会话已结束，此操作未完成，请再试一次。').waitFor();
    await p.waitForTimeout(300);
    t.is((await borrowingsOf(sys, 'applicant1')).length, 0, 'nothing was filed by itself');
    t.log(await shot(p, 'session-lock-after-zh-1024'));

    await p.getByRole('button', { name: '提交申请' }).click();
    await p.getByRole('heading', { name: '办理过程' }).waitFor();
    const filed = await borrowingsOf(sys, 'applicant1');
    t.is(filed.length, 1, 'exactly one case');
    t.is(filed[0].cadre_id, cadre.id);
    t.true(b.problems.length > 0);
    t.true(b.problems.every((m) => /401/.test(m)), b.problems.join('\n'));
    t.deepEqual(b.outside, []);
  });
});

test.serial('idle timeout with a task opinion typed: the lock (in English), the login, and the opinion still there to submit', async (t) => {
  // 85 s idle: the browser logs out at 65 s and warns for the last half of that, from 32.5 s (the
  // page's clock is moved on rather than waited for).
  await withSystem({ SESSION_IDLE_SECONDS: '85' }, async (sys, b) => {
    const p = b.page;
    const db = sys.services.db;
    const id = await fileConsultation(sys, 'applicant1', '干部考察需要查阅该同志档案。');
    const task = await taskAt(await sys.as('unithead1'), id, 'unitHeadReview');
    await db('users').where({ username: 'unithead1' }).update({ language: 'en' });
    await db('sessions').delete(); // the API's sessions above; the browser's is counted below
    const opinion = '情况属实，同意查阅履历材料。';

    // The account reads English: the navigation is named in English once logged in.
    await p.clock.install();
    await p.goto(`${sys.url}/login`);
    await p.getByLabel('用户名').fill('unithead1');
    await p.getByLabel('密码').fill('Dangan@2026');
    await p.getByRole('button', { name: '登录' }).click();
    await p.getByRole('navigation', { name: 'Main navigation' }).waitFor();
    await p.goto(`${sys.url}/tasks/${task.id}`);
    await p.getByRole('button', { name: 'Submit decision' }).waitFor();
    await p.getByRole('radio', { name: 'Approve', exact: true }).check();
    await p.getByLabel('意见说明').fill(opinion);
    // A typed opinion is unsaved work: leaving by a link asks first, as on a start form.
    await p.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: /Tasks/ }).click();
    const leave = p.getByRole('dialog', { name: 'Discard what you have not saved?' });
    await leave.getByRole('button', { name: 'Keep editing' }).click();
    await leave.waitFor({ state: 'hidden' });
    t.regex(p.url(), new RegExp(`/tasks/${task.id}$`));

    const user = await db('users').where({ username: 'unithead1' }).first();
    // The task page's own answers all in: one coming after the clock moved would count as activity.
    await settled(p);
    await p.clock.fastForward(35_000);
    await p.getByRole('alertdialog', { name: 'You will be logged out' }).waitFor();
    await p.clock.fastForward(35_000);
    const lock = lockEn(p);
    await lock.waitFor();
    await lock.getByText('You were logged out after a period of inactivity.').waitFor();
    for (let i = 0; i < 20 && (await db('sessions').where({ user_id: user.id })).length; i++) await p.waitForTimeout(100);
    t.is((await db('sessions').where({ user_id: user.id })).length, 0, 'the server session is ended too');
    t.false(await p.getByRole('alertdialog', { name: 'You will be logged out' }).isVisible(), 'the idle notice is gone');
    t.regex(p.url(), new RegExp(`/tasks/${task.id}$`));
    t.false(await p.getByLabel('意见说明').isVisible());
    t.false((await accessibleText(p)).includes(opinion), 'the opinion is not in the accessibility tree');
    t.log(await shot(p, 'session-lock-en-1280'));
    await p.setViewportSize({ width: 1024, height: 768 });
    t.log(await shot(p, 'session-lock-en-1024'));

    await lock.getByLabel('Password').fill('Dangan@2026');
    await lock.getByRole('button', { name: 'Log in', exact: true }).click();
    await lock.waitFor({ state: 'hidden' });
    t.is(await p.getByLabel('意见说明').inputValue(), opinion);
    t.true(await p.getByRole('radio', { name: 'Approve', exact: true }).isChecked());
    t.log(await shot(p, 'session-lock-after-en-1024'));
    t.is((await db('sessions').where({ user_id: user.id })).length, 1);

    await p.getByRole('button', { name: 'Submit decision' }).click();
    const confirm = p.getByRole('dialog', { name: 'Confirm' });
    await confirm.getByText(opinion).waitFor();
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    await p.getByRole('heading', { name: 'Tasks', level: 1 }).waitFor();
    const done = await db('workflow_cases').where({ instance_id: id }).first();
    t.truthy(done);
    t.is((await (await sys.as('unithead1')).get(`/api/tasks/${task.id}`)).body.status, 'completed');
    t.deepEqual(b.problems, []);
  });
});

test.serial('on the lock, a wrong password is refused as at the login page, and 退出 gives the work up for the login page', async (t) => {
  await withSystem({}, async (sys, b) => {
    const p = b.page;
    const cadre = await demoCadre(sys, 'county', 0);
    await login(p, sys.url, 'applicant1');
    await p.goto(`${sys.url}/start/borrowing`);
    await p.getByLabel('查阅理由').fill('拟提拔考察，需查阅该同志的履历材料。');

    // The page's own check of the named cadre meets the ended session.
    await sys.services.db('sessions').delete();
    await p.getByLabel('被查阅干部姓名').fill(cadre.name);
    await p.getByLabel('被查阅干部身份证号').fill(cadre.idNumber);
    const lock = lockZh(p);
    await lock.waitFor();
    t.false(await lock.getByText('您因长时间未操作已自动退出。').isVisible(), 'no idle reason: the server ended it');

    await lock.getByLabel('密码').fill('wrong-password');
    await lock.getByRole('button', { name: '登录', exact: true }).click();
    await lock.getByRole('alert').getByText('用户名或密码错误，或账户已被锁定。').waitFor();
    t.is(await lock.getByLabel('密码').inputValue(), '', 'the password is cleared');
    t.true(await lock.isVisible());
    t.is((await sys.services.db('sessions')).length, 0);
    t.log(await shot(p, 'session-lock-wrong-zh'));

    let asked = 0;
    p.on('dialog', (d) => {
      asked++;
      void d.dismiss();
    });
    await lock.getByRole('button', { name: '退出，以其他用户登录' }).click();
    await p.getByRole('heading', { name: '登录', exact: true }).waitFor();
    t.regex(p.url(), /\/login\?reason=expired$/, 'no way back to the form');
    t.is(await p.getByLabel('用户名').inputValue(), '');
    t.is(asked, 0, 'no question on leaving');
    t.is(await lockZh(p).count(), 0);

    // The work is gone: logged in again, the workbench, and the form empty.
    await p.getByLabel('用户名').fill('applicant1');
    await p.getByLabel('密码').fill('Dangan@2026');
    await p.getByRole('button', { name: '登录', exact: true }).click();
    await p.waitForURL(`${sys.url}/`);
    await p.goto(`${sys.url}/start/borrowing`);
    await p.getByRole('button', { name: '提交申请' }).waitFor();
    t.is(await p.getByLabel('查阅理由').inputValue(), '');
    t.true(b.problems.every((m) => /401/.test(m)), b.problems.join('\n'));
  });
});

test.serial('a page with nothing typed still goes to the login page, and back after the login', async (t) => {
  await withSystem({}, async (sys, b) => {
    const p = b.page;
    await login(p, sys.url, 'applicant1');
    await p.goto(`${sys.url}/start/borrowing`);
    await p.getByRole('button', { name: '提交申请' }).waitFor();
    // The page's own loading done: the click below is the first request to meet the ended session.
    // (Lost once in CI: a request of the page still under way met it first, the page went to the
    // login page, and the click waited for a button no longer there.)
    await p.waitForLoadState('networkidle');
    await sys.services.db('sessions').delete();
    await p.getByRole('button', { name: '查看审批流程' }).click();
    await p.getByText('登录已失效，请重新登录。').waitFor();
    t.regex(decodeURIComponent(p.url()), /\/login\?reason=expired&next=\/start\/borrowing$/);
    t.is(await lockZh(p).count(), 0);
    await p.getByLabel('用户名').fill('applicant1');
    await p.getByLabel('密码').fill('Dangan@2026');
    await p.getByRole('button', { name: '登录', exact: true }).click();
    await p.getByRole('button', { name: '提交申请' }).waitFor();
    t.regex(p.url(), /\/start\/borrowing$/);
    t.true(b.problems.every((m) => /401/.test(m)), b.problems.join('\n'));
  });
});

test.serial('an administrator’s lock asks for the one-time code after the password, above the confirmation that met the ended session', async (t) => {
  await withSystem({}, async (sys, b) => {
    const p = b.page;
    const db = sys.services.db;
    const before = (await sys.client().get('/api/system/info')).body.siteName;
    await loginWithCode(p, sys, 'sysadmin');
    await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '系统设置' }).click();
    await p.getByLabel('系统名称').fill('临江市委组织部档案系统');
    await p.getByRole('button', { name: '保存更改…' }).click();
    const confirm = p.getByRole('dialog', { name: '确认保存以下更改' });
    await confirm.waitFor();

    // The settings page's own requests answered: 确认保存 is the first to meet the ended session.
    await settled(p);
    await db('sessions').delete();
    await confirm.getByRole('button', { name: '确认保存' }).click();
    const lock = lockZh(p);
    await lock.waitFor();
    t.true(await lock.getByLabel('密码').evaluate((el) => el === el.ownerDocument.activeElement), 'focus on the password, not left in the closed confirmation');
    await lock.getByLabel('密码').fill('Dangan@2026');
    await lock.getByRole('button', { name: '登录', exact: true }).click();
    const code = lock.getByLabel('动态验证码');
    await code.waitFor();
    t.true(await code.evaluate((el) => el === el.ownerDocument.activeElement), 'focus moves to the code');
    t.is((await db('sessions')).length, 0, 'no session without the code');
    await code.fill((await freshTotpCode(sys, 'sysadmin'))!);
    await lock.getByRole('button', { name: '登录', exact: true }).click();
    await lock.waitFor({ state: 'hidden' });

    t.is(await p.getByLabel('系统名称').inputValue(), '临江市委组织部档案系统');
    t.log(await shot(p, 'session-lock-after-settings'));
    await p.getByText('会话已结束，此操作未完成，请再试一次。').waitFor();
    t.is((await sys.client().get('/api/system/info')).body.siteName, before, 'nothing saved by itself');
    await p.getByRole('button', { name: '保存更改…' }).click();
    await confirm.getByRole('button', { name: '确认保存' }).click();
    await p.getByTestId('form-state').filter({ hasText: /已于 .* 保存，新设置已生效。/ }).waitFor();
    t.is((await sys.client().get('/api/system/info')).body.siteName, '临江市委组织部档案系统');
    t.true(b.problems.every((m) => /401/.test(m)), b.problems.join('\n'));
  });
});

/** The system administrator, acting from their own desk behind the trusted proxy (an initial password does not log in from the desk that set it). */
async function adminAtDesk(sys: TestSystem) {
  const admin = await sys.as('sysadmin');
  admin.headers['x-forwarded-for'] = '10.20.0.7';
  return admin;
}

test.serial('a password reset while the page was locked: the new password is set on the lock, and the form comes back intact to file one case', async (t) => {
  await withSystem({ TRUST_PROXY: 'loopback' }, async (sys, b) => {
    const p = b.page;
    const db = sys.services.db;
    const cadre = await demoCadre(sys, 'county', 0);
    await ensureScanned(sys, cadre.archiveId, ['1']);
    const reason = '拟提拔考察，需查阅该同志的履历材料。';
    // An ordinary account: a demo account never has to change its password.
    await db('users').where({ username: 'applicant1' }).update({ is_demo: false });
    await login(p, sys.url, 'applicant1');
    await p.goto(`${sys.url}/start/borrowing`);
    await p.getByRole('button', { name: '提交申请' }).waitFor();
    await fillBorrowing(sys, p, cadre, reason);

    // Meanwhile the system administrator resets the password (which ends the session); 提交 meets it
    // (the page's own requests answered before, as in the first test).
    await settled(p);
    const user = await db('users').where({ username: 'applicant1' }).first();
    const reset = await (await adminAtDesk(sys)).post(`/api/admin/users/${user.id}/reset-password`);
    t.is(reset.status, 200, JSON.stringify(reset.body));
    const initial: string = reset.body.initialPassword;
    await p.getByRole('button', { name: '提交申请' }).click();
    const lock = lockZh(p);
    await lock.waitFor();

    // The login with the initial password: the lock asks for a new one, and the page is still there behind it.
    await lock.getByLabel('密码').fill(initial);
    await lock.getByRole('button', { name: '登录', exact: true }).click();
    const change = p.getByRole('dialog', { name: '请设置新密码以继续' });
    await change.waitFor();
    await change.getByText('您的密码已被重置或已过期，须设置新密码。').waitFor();
    t.true(await change.getByLabel('当前密码').evaluate((el) => el === el.ownerDocument.activeElement), 'focus on the first field');
    t.regex(p.url(), /\/start\/borrowing$/, 'the page is not left for /login');
    t.false(await p.getByLabel('查阅理由').isVisible(), 'the form is still hidden');
    t.true(await p.locator('#start-form').evaluate((el) => el.closest('[inert]') !== null), 'and inert');
    t.log(await shot(p, 'session-lock-change-zh'));

    // The rules of the login page's forced change: a mismatch, then a password the policy refuses.
    await change.getByLabel('当前密码').fill(initial);
    await change.getByLabel('新密码', { exact: true }).fill('Harbour#Light7');
    await change.getByLabel('再次输入新密码').fill('Harbour#Light8');
    await change.getByRole('button', { name: '修改密码' }).click();
    await change.getByText('两次输入的新密码不一致').waitFor();
    await change.getByLabel('新密码', { exact: true }).fill('abc');
    await change.getByLabel('再次输入新密码').fill('abc');
    await change.getByRole('button', { name: '修改密码' }).click();
    await change.getByText('密码至少 8 个字符；至少包含大写字母、小写字母、数字、符号中的 3 类').waitFor();
    t.is(await change.getByLabel('新密码', { exact: true }).getAttribute('aria-invalid'), 'true');
    t.log(await shot(p, 'session-lock-change-refused-zh'));
    t.true(await change.isVisible());
    t.regex(p.url(), /\/start\/borrowing$/);
    // The step reads in English too (the switch as on the login page), and what was typed stays.
    await change.getByRole('button', { name: 'English' }).click();
    const changeEn = p.getByRole('dialog', { name: 'Set a new password to continue' });
    await changeEn.getByRole('button', { name: 'Change password' }).waitFor();
    t.is(await changeEn.getByLabel('Current password').inputValue(), initial);
    await changeEn.getByText('At least 8 characters; Use at least 3 of: upper case, lower case, digits, symbols').waitFor();
    t.log(await shot(p, 'session-lock-change-en'));
    await changeEn.getByRole('button', { name: '中文' }).click();
    await change.waitFor();

    await change.getByLabel('新密码', { exact: true }).fill('Harbour#Light7');
    await change.getByLabel('再次输入新密码').fill('Harbour#Light7');
    await change.getByRole('button', { name: '修改密码' }).click();
    await change.waitFor({ state: 'hidden' });
    t.regex(p.url(), /\/start\/borrowing$/);
    t.is(await p.getByLabel('被查阅干部姓名').inputValue(), cadre.name);
    t.is(await p.getByLabel('被查阅干部身份证号').inputValue(), cadre.idNumber);
    t.is(await p.getByLabel('查阅理由').inputValue(), reason);
    t.true(await p.getByRole('radio', { name: '电子查阅' }).isChecked());
    t.is((await borrowingsOf(sys, 'applicant1')).length, 0, 'nothing was filed by itself');

    await p.getByRole('button', { name: '提交申请' }).click();
    await p.getByRole('heading', { name: '办理过程' }).waitFor();
    const filed = await borrowingsOf(sys, 'applicant1');
    t.is(filed.length, 1, 'exactly one case');
    t.is(filed[0].cadre_id, cadre.id);
    // The new password is the account's, with no change due.
    const again = await sys.client().post('/api/auth/login', { username: 'applicant1', password: 'Harbour#Light7' });
    t.is(again.status, 200);
    t.false(again.body.mustChangePassword);
    const unexpected = b.problems.filter((m) => !/HTTP 401/.test(m) && !/status of 401/.test(m) && !/HTTP 400: POST .*\/api\/auth\/password$/.test(m) && !/status of 400/.test(m));
    t.deepEqual(unexpected, []);
    t.true(b.problems.some((m) => /HTTP 400: POST .*\/api\/auth\/password$/.test(m)), 'the policy refused the weak one');
  });
});

test.serial('the lock reads in English at a click on English, and in Chinese again; the pick becomes the account’s at the login', async (t) => {
  await withSystem({}, async (sys, b) => {
    const p = b.page;
    const db = sys.services.db;
    const cadre = await demoCadre(sys, 'county', 0);
    const reason = '拟提拔考察，需查阅该同志的履历材料。';
    await login(p, sys.url, 'applicant1');
    await p.goto(`${sys.url}/start/borrowing`);
    await p.getByLabel('查阅理由').fill(reason);
    await db('sessions').delete();
    await p.getByLabel('被查阅干部姓名').fill(cadre.name);
    await p.getByLabel('被查阅干部身份证号').fill(cadre.idNumber);
    await lockZh(p).waitFor();

    await lockZh(p).getByRole('button', { name: 'English' }).click();
    const lock = lockEn(p);
    await lock.waitFor();
    await lock.getByRole('heading', { name: 'Your session ended; log in again to continue' }).waitFor();
    t.true(await lock.getByRole('button', { name: 'Log in', exact: true }).isVisible());
    t.true(await lock.getByRole('button', { name: 'Log out and log in as another user' }).isVisible());
    t.is(await lock.getByLabel('Username').inputValue(), 'applicant1');
    t.is(await lock.getByRole('button', { name: 'English' }).getAttribute('aria-pressed'), 'true');
    t.is(await lockZh(p).count(), 0);
    t.log(await shot(p, 'session-lock-switched-en'));

    await lock.getByRole('button', { name: '中文' }).click();
    await lockZh(p).getByRole('heading', { name: '会话已结束，请重新登录以继续' }).waitFor();
    t.true(await lockZh(p).getByRole('button', { name: '登录', exact: true }).isVisible());
    t.is(await lockZh(p).getByRole('button', { name: '中文' }).getAttribute('aria-pressed'), 'true');
    t.log(await shot(p, 'session-lock-switched-zh'));

    // English again, and the login: no session to send the pick with until then; the account has it after.
    await lockZh(p).getByRole('button', { name: 'English' }).click();
    await lock.getByLabel('Password').fill('Dangan@2026');
    await lock.getByRole('button', { name: 'Log in', exact: true }).click();
    await lock.waitFor({ state: 'hidden' });
    t.is(await p.getByLabel('查阅理由').inputValue(), reason);
    await p.getByRole('navigation', { name: 'Main navigation' }).waitFor();
    const language = async () => (await db('users').where({ username: 'applicant1' }).first()).language;
    for (let i = 0; i < 50 && (await language()) !== 'en'; i++) await p.waitForTimeout(100);
    t.is(await language(), 'en');
    t.true(b.problems.every((m) => /401/.test(m)), b.problems.join('\n'));
  });
});

test.serial('the login page’s forced change, the same form: a reset password is changed there and the user goes on, 发起申请 in the menu at once', async (t) => {
  await withSystem({ TRUST_PROXY: 'loopback' }, async (sys, b) => {
    const p = b.page;
    const db = sys.services.db;
    await db('users').where({ username: 'applicant1' }).update({ is_demo: false });
    const user = await db('users').where({ username: 'applicant1' }).first();
    const reset = await (await adminAtDesk(sys)).post(`/api/admin/users/${user.id}/reset-password`);
    t.is(reset.status, 200, JSON.stringify(reset.body));
    const initial: string = reset.body.initialPassword;

    await p.goto(`${sys.url}/login`);
    await p.getByLabel('用户名').fill('applicant1');
    await p.getByLabel('密码').fill(initial);
    await p.getByRole('button', { name: '登录', exact: true }).click();
    await p.getByRole('heading', { name: '请修改密码' }).waitFor();
    t.regex(p.url(), /\/login$/);
    await p.getByLabel('当前密码').fill('not-it');
    await p.getByLabel('新密码', { exact: true }).fill('Harbour#Light7');
    await p.getByLabel('再次输入新密码').fill('Harbour#Light7');
    await p.getByRole('button', { name: '修改密码' }).click();
    await p.getByText('当前密码不正确').waitFor();
    t.is(await p.getByLabel('当前密码').getAttribute('aria-invalid'), 'true');
    t.log(await shot(p, 'login-change-wrong-zh'));

    await p.getByLabel('当前密码').fill(initial);
    await p.getByRole('button', { name: '修改密码' }).click();
    const nav = p.getByRole('navigation', { name: '主导航' });
    await nav.waitFor();
    await nav.getByRole('link', { name: '发起申请' }).waitFor();
    t.notRegex(p.url(), /\/login/);
    t.false((await sys.client().post('/api/auth/login', { username: 'applicant1', password: 'Harbour#Light7' })).body.mustChangePassword);
    const unexpected = b.problems.filter((m) => !/40[01]/.test(m));
    t.deepEqual(unexpected, []);
  });
});
