// Sessions in a real browser: the idle-timeout notice, the automatic logout it announces, and a
// session that ended on the server sending the user to the login page and back where they were.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { openBrowser, login, settled, type Browsing } from './browser.ts';

async function withSystem(env: Record<string, string>, fn: (sys: TestSystem, b: Browsing) => Promise<void>) {
  const sys = await startSystem({ env });
  const b = await openBrowser(sys.url);
  try {
    await fn(sys, b);
  } finally {
    await b.close();
    await sys.close();
  }
}

test.serial('the idle notice comes before the timeout; "continue" keeps the session', async (t) => {
  // 40 s idle: the browser stops 20 s early (the server records activity every 15 s) and warns for
  // the last minute of that — for its last half when shorter —, so the notice shows about 10 s
  // after the last action.
  await withSystem({ SESSION_IDLE_SECONDS: '40' }, async (sys, b) => {
    const p = b.page;
    await login(p, sys.url, 'archivist1');
    const notice = p.getByRole('alertdialog', { name: '即将自动退出' });
    t.false(await notice.isVisible());
    await notice.waitFor({ timeout: 20_000 });
    await notice.getByText(/将在 \d+ 秒后自动退出/).waitFor();
    t.true(await notice.getByRole('button', { name: '继续使用' }).evaluate((el: any) => el === el.ownerDocument.activeElement), 'focus is on "continue"');
    await notice.getByRole('button', { name: '继续使用' }).click();
    await notice.waitFor({ state: 'hidden' });
    await p.getByRole('navigation', { name: '主导航' }).waitFor();
    t.deepEqual(b.problems, []);
  });
});

test.serial('idle too long: logged out, on the server too, with a notice on the login page', async (t) => {
  await withSystem({ SESSION_IDLE_SECONDS: '26' }, async (sys, b) => {
    const p = b.page;
    await login(p, sys.url, 'archivist1');
    const user = await sys.services.db('users').where({ username: 'archivist1' }).first();
    t.is((await sys.services.db('sessions').where({ user_id: user.id })).length, 1);
    await p.getByText('您因长时间未操作已自动退出，请重新登录。').waitFor({ timeout: 20_000 });
    t.regex(p.url(), /\/login\?reason=idle/);
    for (let i = 0; i < 20 && (await sys.services.db('sessions').where({ user_id: user.id })).length; i++) await p.waitForTimeout(100);
    t.is((await sys.services.db('sessions').where({ user_id: user.id })).length, 0, 'the server session is ended too');
    t.deepEqual(b.problems, []);
  });
});

test.serial('a session ended on the server: the next action goes to the login page, and back after login', async (t) => {
  await withSystem({}, async (sys, b) => {
    const p = b.page;
    await login(p, sys.url, 'archivist1');
    await p.getByText('没有待办事项。').waitFor(); // the workbench has shown its tasks
    // …and has nothing more under way (its other sections load beside them): the click below is the
    // first request to meet the ended session. ('networkidle' would not wait: the /login document
    // reached it before the login.)
    await settled(p);
    await sys.services.db('sessions').delete();
    await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: /待办/ }).click();
    await p.getByText('登录已失效，请重新登录。').waitFor();
    t.regex(decodeURIComponent(p.url()), /reason=expired&next=\/inbox/);
    await p.getByLabel('用户名').fill('archivist1');
    await p.getByLabel('密码').fill('Dangan@2026');
    await p.getByRole('button', { name: '登录' }).click();
    await p.getByRole('heading', { name: '待办', level: 1 }).waitFor();
    // The only failures are the refused calls of the ended session.
    t.true(b.problems.length > 0);
    t.true(b.problems.every((m) => /401/.test(m)), b.problems.join('\n'));
  });
});

test.serial('a wrong password is refused with a clear message, and the keyboard alone logs in', async (t) => {
  await withSystem({}, async (sys, b) => {
    const p = b.page;
    await p.goto(`${sys.url}/inbox`);
    await p.getByLabel('用户名').waitFor();
    t.regex(decodeURIComponent(p.url()), /next=\/inbox/);
    await p.keyboard.press('Tab');
    await p.getByLabel('用户名').focus();
    await p.keyboard.type('unithead1');
    await p.keyboard.press('Tab');
    await p.keyboard.type('wrong-password');
    await p.keyboard.press('Enter');
    await p.getByText('用户名或密码错误，或账户已被锁定。').waitFor();
    await p.getByLabel('密码').focus();
    await p.keyboard.type('Dangan@2026');
    await p.keyboard.press('Enter');
    await p.getByRole('heading', { name: '待办', level: 1 }).waitFor();
    t.true(b.problems.length > 0);
    t.true(b.problems.every((m) => /401/.test(m)), b.problems.join('\n'));
  });
});

test.serial('an administrator is asked for the one-time code after the password', async (t) => {
  await withSystem({}, async (sys, b) => {
    const p = b.page;
    await p.goto(`${sys.url}/login`);
    await p.getByLabel('用户名').fill('sysadmin');
    await p.getByLabel('密码').fill('Dangan@2026');
    await p.getByRole('button', { name: '登录' }).click();
    const code = p.getByLabel('动态验证码');
    await code.waitFor();
    t.true(await code.evaluate((el: any) => el === el.ownerDocument.activeElement), 'focus moves to the code');
    await p.getByText('请输入身份验证器上显示的 6 位数字').waitFor();
    await code.fill('000000');
    await p.getByRole('button', { name: '登录' }).click();
    // A wrong code is refused (the message depends on the security piece's TOTP checks).
    await p.getByRole('alert').waitFor();
    t.is((await sys.services.db('sessions')).length, 0, 'no session without the right code');
  });
});

test.serial('a logout while a page is still loading: nothing of the page reaches the server after, and the login page says logged out', async (t) => {
  await withSystem({}, async (sys, b) => {
    const p = b.page;
    await login(p, sys.url, 'archivist1');
    const nav = p.getByRole('navigation', { name: '主导航' });
    await nav.getByRole('link', { name: /待办/ }).click(); // the inbox's code is loaded once
    await p.getByRole('heading', { name: '待办', level: 1 }).waitFor();
    await nav.getByRole('link', { name: /工作台/ }).click();
    await p.getByText('没有待办事项。').waitFor();

    // The inbox's requests are held until the server has ended the session: any that went out
    // would then be answered 401.
    const loggedOut = p.waitForResponse((r) => r.url().endsWith('/api/auth/logout'));
    const held: string[] = [];
    await p.route(/\/api\/tasks(\?|\/facets)/, async (route) => {
      held.push(route.request().url());
      await loggedOut;
      await route.continue().catch(() => undefined);
    });
    // The user opens 待办 and logs out before its first load has started.
    const inboxLink = await nav.getByRole('link', { name: /待办/ }).elementHandle();
    const logoutButton = await p.getByRole('button', { name: '退出登录' }).elementHandle();
    await p.evaluate(([link, button]: any[]) => {
      link.click();
      button.click();
    }, [inboxLink, logoutButton]);
    await p.getByRole('heading', { name: '登录', exact: true }).waitFor();
    await loggedOut;
    await p.waitForTimeout(300); // time for a held request to come back
    t.regex(p.url(), /\/login\?reason=loggedOut/);
    t.false(await p.getByText('登录已失效，请重新登录。').isVisible());
    t.deepEqual(b.problems, [], `held: ${held.join(', ')}`);

    // The next login works as before.
    await p.unroute(/\/api\/tasks(\?|\/facets)/);
    await p.getByLabel('用户名').fill('archivist1');
    await p.getByLabel('密码').fill('Dangan@2026');
    await p.getByRole('button', { name: '登录' }).click();
    await nav.getByRole('link', { name: /待办/ }).click();
    await p.getByRole('heading', { name: '待办', level: 1 }).waitFor();
    await p.getByText('待办已全部处理完毕。').waitFor();
    t.deepEqual(b.problems, []);
  });
});
