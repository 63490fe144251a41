// Enrolling an authenticator in a real browser: an account whose roles need a second factor and
// that has none (here the auditor, after the security administrator reset a lost device) is shown
// the enrolment step at the login — a QR code drawn in the page, the key in groups of 4 — takes a
// code from the authenticator (a wrong one first: told, and tried again) and goes on into the app
// with its navigation. Nothing leaves our server, the key is in no storage. The step comes after
// the forced password change when both are due, and 退出登录 leaves it.
import test from 'ava';
import type { Page } from 'playwright-core';
import { generateURI } from 'otplib';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { openBrowser, type Browsing } from './browser.ts';
import { shot } from './shots.ts';
import { DEMO_PASSWORD } from '../../db/seeds/demo.ts';
import { totpCode } from '../../server/people/totp.ts';
import { TOTP_ISSUER } from '../../server/people/credentials.ts';
import { qrPath } from '../../client/src/lib/qr.ts';

async function withSystem(fn: (sys: TestSystem, b: Browsing) => Promise<void>) {
  const sys = await startSystem();
  const b = await openBrowser(sys.url, { width: 1280, height: 1000 });
  try {
    await fn(sys, b);
  } finally {
    await b.close();
    await sys.close();
  }
}

/** The security administrator resets `username`'s authenticator through the API (a lost device). */
async function resetTotp(sys: TestSystem, username: string) {
  const user = await sys.services.db('users').where({ username }).first();
  const res = await (await sys.as('secadmin')).post(`/api/admin/users/${user.id}/totp-reset`);
  if (res.status !== 200) throw new Error(`totp-reset: ${res.status} ${JSON.stringify(res.body)}`);
  return user.id as number;
}

async function loginWithPassword(p: Page, sys: TestSystem, username: string, password = DEMO_PASSWORD) {
  await p.goto(`${sys.url}/login`);
  await p.getByLabel('用户名').fill(username);
  await p.getByLabel('密码').fill(password);
  await p.getByRole('button', { name: '登录', exact: true }).click();
}

/** The code an authenticator with `secret` shows now by the server's clock, and one it does not show in the window the server accepts. */
async function codes(sys: TestSystem, secret: string) {
  const now = sys.clock.now().getTime();
  const window = await Promise.all([-30_000, 0, 30_000].map((d) => totpCode(secret, new Date(now + d))));
  let wrong = 0;
  while (window.includes(String(wrong).padStart(6, '0'))) wrong++;
  return { right: window[1], wrong: String(wrong).padStart(6, '0') };
}

/** The key as the page shows it, and without the spaces. */
async function shownSecret(p: Page) {
  const text = (await p.getByLabel('密钥（手动输入用）').textContent())!.trim();
  return { text, secret: text.replace(/\s/g, '') };
}

test.serial('the auditor after a device reset: the enrolment step, a wrong code told, the right one, and the console', async (t) => {
  await withSystem(async (sys, b) => {
    const p = b.page;
    const id = await resetTotp(sys, 'auditor');
    const confirms: string[] = [];
    p.on('request', (r) => {
      if (r.url().endsWith('/api/auth/totp/confirm')) confirms.push(r.postData() ?? '');
    });

    await loginWithPassword(p, sys, 'auditor');
    const step = p.getByRole('heading', { name: '绑定身份验证器', level: 1 });
    await step.waitFor();
    t.regex(p.url(), /\/login$/);
    await p.getByText('在经本办公室批准使用的手机上打开身份验证器应用。').waitFor();
    t.false(await p.getByRole('navigation', { name: '主导航' }).isVisible(), 'not in the app yet');

    // The key: 160 bits in base32, shown in groups of 4; the QR code an inline SVG of the otpauth URI with that key.
    const { text, secret } = await shownSecret(p);
    t.regex(text, /^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    const qr = p.getByRole('img', { name: '绑定二维码，供身份验证器扫描' });
    t.is(await qr.evaluate((el) => el.tagName.toLowerCase()), 'svg');
    t.is(await p.locator('img').count(), 0, 'no <img>: nothing to load');
    const expected = qrPath(generateURI({ issuer: TOTP_ISSUER, label: 'auditor', secret }));
    t.is(await qr.locator('path').getAttribute('d'), expected.d, 'the QR code holds the otpauth URI of the key shown');
    t.is(await qr.getAttribute('viewBox'), `0 0 ${expected.size} ${expected.size}`);
    t.log(await shot(p, 'totp-enrol-zh'));

    // Not six digits: told at the field, nothing sent.
    const code = p.getByLabel('6 位验证码');
    t.true(await code.evaluate((el) => el === el.ownerDocument.activeElement), 'focus is on the code');
    await code.fill('12345');
    await p.getByRole('button', { name: '完成绑定' }).click();
    await p.getByText('请输入 6 位数字。').waitFor();
    t.deepEqual(confirms, []);

    // A wrong code: told, still on the step, the field empty for the next one.
    const { right, wrong } = await codes(sys, secret);
    await code.fill(wrong);
    await p.getByRole('button', { name: '完成绑定' }).click();
    await p.getByText('验证码不正确。请确认手机时间准确，待应用显示新的验证码后重新输入。').waitFor();
    t.is(await code.getAttribute('aria-invalid'), 'true');
    t.is(await code.inputValue(), '');
    await step.waitFor();
    t.is((await sys.services.db('users').where({ id }).first()).totp_secret, null, 'not enrolled by a wrong code');
    t.log(await shot(p, 'totp-enrol-wrong-zh'));

    // The step reads in English at the page's switch, the key unchanged.
    await p.getByRole('button', { name: 'English' }).click();
    await p.getByRole('heading', { name: 'Set up your authenticator', level: 1 }).waitFor();
    await p.getByText('Open the authenticator app on a phone approved by the office.').waitFor();
    await p.getByText('The code is wrong.', { exact: false }).waitFor();
    t.is((await p.getByLabel('Key (for typing in)').textContent())!.trim(), text);
    t.log(await shot(p, 'totp-enrol-en'));
    await p.getByRole('button', { name: '中文' }).click();
    await step.waitFor();

    // The key is in no storage of the page.
    const stored = await p.evaluate(() => { const g = globalThis as any; return JSON.stringify({ ...g.localStorage }) + JSON.stringify({ ...g.sessionStorage }); });
    t.false(stored.includes(secret));

    await code.fill(right);
    await p.getByRole('button', { name: '完成绑定' }).click();
    const nav = p.getByRole('navigation', { name: '主导航' });
    await nav.waitFor();
    t.notRegex(p.url(), /\/login/);
    t.regex((await sys.services.db('users').where({ id }).first()).totp_secret, /^v1:/, 'enrolled');
    // A working page: the auditor's console.
    await nav.getByRole('link', { name: '审计日志' }).click();
    await p.getByRole('heading', { name: '审计日志', level: 1 }).waitFor();
    await p.locator('table[aria-label="审计记录"] tbody tr').first().waitFor();
    t.log(await shot(p, 'totp-enrol-done-zh'));

    t.deepEqual(b.outside, [], 'no request left our server');
    t.is(confirms.length, 2);
    // The only failure: the wrong code's refusal.
    t.deepEqual(
      b.problems.filter((m) => !/HTTP 400: POST .*\/api\/auth\/totp\/confirm|status of 400/.test(m)),
      [],
    );
  });
});

test.serial('a password to change and an authenticator to enrol: the change first, then the step; 退出登录 leaves the step', async (t) => {
  await withSystem(async (sys, b) => {
    const p = b.page;
    const db = sys.services.db;
    // As after `npm run admins:init`: an initial password and no authenticator.
    await db('users').where({ username: 'secadmin' }).update({ is_demo: false, must_change_password: true, totp_secret: null });

    await loginWithPassword(p, sys, 'secadmin');
    await p.getByRole('heading', { name: '请修改密码' }).waitFor();
    await p.getByLabel('当前密码').fill(DEMO_PASSWORD);
    await p.getByLabel('新密码', { exact: true }).fill('Harbour#Light7');
    await p.getByLabel('再次输入新密码').fill('Harbour#Light7');
    await p.getByRole('button', { name: '修改密码' }).click();
    await p.getByRole('heading', { name: '绑定身份验证器', level: 1 }).waitFor();
    t.regex(p.url(), /\/login$/);
    const first = (await shownSecret(p)).secret;

    // A page of the app typed in the address bar comes back to the step.
    await p.goto(`${sys.url}/console/users`);
    await p.getByRole('heading', { name: '绑定身份验证器', level: 1 }).waitFor();
    t.regex(p.url(), /\/login$/);
    const second = (await shownSecret(p)).secret;
    t.not(second, first, 'each setup gives a new key');

    await p.getByRole('button', { name: '退出登录' }).click();
    await p.getByRole('heading', { name: '登录', exact: true }).waitFor();
    await p.getByText('您已安全退出。').waitFor();
    const user = await db('users').where({ username: 'secadmin' }).first();
    t.is((await db('sessions').where({ user_id: user.id })).length, 0, 'the session is ended on the server');

    // Back with the new password: straight to the step (the change is done), and through it into the app.
    await loginWithPassword(p, sys, 'secadmin', 'Harbour#Light7');
    await p.getByRole('heading', { name: '绑定身份验证器', level: 1 }).waitFor();
    const { secret } = await shownSecret(p);
    await p.getByLabel('6 位验证码').fill((await codes(sys, secret)).right);
    await p.getByRole('button', { name: '完成绑定' }).click();
    const nav = p.getByRole('navigation', { name: '主导航' });
    await nav.waitFor();
    await nav.getByRole('link', { name: '用户管理' }).click();
    await p.getByRole('heading', { name: '用户管理', level: 1 }).waitFor();
    t.deepEqual(b.outside, []);
    t.deepEqual(b.problems, []);
  });
});
