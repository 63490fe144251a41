// The browser's idle timeout follows the security policy the security administrator keeps (安全策略,
// 等保 连接超时自动退出), not the startup default of 600 s: shorter, the page warns and logs out
// before the server ends the session; longer, it does not log out early; changed while a page is
// open, the page learns it at its next background read (the inbox's poll interval, 15 s). The
// page's clock is moved on rather than waited for.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Page } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, settled, type Browsing } from './browser.ts';

test.before(() => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
});

async function withSystem(fn: (sys: TestSystem, b: Browsing) => Promise<void>) {
  const sys = await startSystem();
  const b = await openBrowser(sys.url);
  try {
    await fn(sys, b);
  } finally {
    await b.close();
    await sys.close();
  }
}

async function setIdlePolicy(sys: TestSystem, idleSeconds: number) {
  const res = await (await sys.as('secadmin')).request('PUT', '/api/admin/security-policy', { session: { idleSeconds } });
  if (res.status !== 200) throw new Error(`policy not saved: ${res.status} ${JSON.stringify(res.body)}`);
}

/**
 * Logs in with the page's clock installed, and waits until the workbench has loaded — all of it:
 * an answer of its own that came after the clock was moved would count as activity then, and the
 * idle time would run from it.
 */
async function loginWithClock(p: Page, sys: TestSystem, username: string) {
  await p.clock.install();
  await p.goto(`${sys.url}/login`);
  await p.getByLabel('用户名').fill(username);
  await p.getByLabel('密码').fill('Dangan@2026');
  await p.getByRole('button', { name: '登录' }).click();
  await p.getByRole('navigation', { name: '主导航' }).waitFor();
  await p.getByText('没有待办事项。').waitFor();
  await settled(p);
}

const notice = (p: Page) => p.getByRole('alertdialog', { name: '即将自动退出' });

async function serverSessions(sys: TestSystem, username: string): Promise<number> {
  const user = await sys.services.db('users').where({ username }).first();
  for (let i = 0; i < 20; i++) {
    const n = (await sys.services.db('sessions').where({ user_id: user.id })).length;
    if (n === 0) return 0;
    await new Promise((r) => setTimeout(r, 100));
  }
  return (await sys.services.db('sessions').where({ user_id: user.id })).length;
}

test.serial('a policy of 90 s idle: the page warns at 35 s and logs out at 70 s, not after the startup default of 600 s', async (t) => {
  await withSystem(async (sys, b) => {
    const p = b.page;
    await setIdlePolicy(sys, 90);
    await loginWithClock(p, sys, 'archivist1');

    // 90 s less the 20 s the server may lag in recording activity: 70 s; the notice for its last half.
    await p.clock.fastForward(30_000);
    t.false(await notice(p).isVisible(), 'no notice 30 s after the last action');
    await p.clock.fastForward(8_000);
    await notice(p).waitFor();
    await notice(p).getByText(/将在 \d+ 秒后自动退出/).waitFor();
    await p.clock.fastForward(33_000);
    await p.getByText('您因长时间未操作已自动退出，请重新登录。').waitFor();
    t.regex(p.url(), /\/login\?reason=idle/);
    t.is(await serverSessions(sys, 'archivist1'), 0, 'the server session is ended too');
    t.deepEqual(b.problems, []);
  });
});

test.serial('a policy longer than the startup default: the page is not logged out at 600 s', async (t) => {
  await withSystem(async (sys, b) => {
    const p = b.page;
    await setIdlePolicy(sys, 3600);
    await loginWithClock(p, sys, 'archivist1');
    await p.clock.fastForward(700_000);
    await p.waitForTimeout(300); // time for a logout the page would send
    t.false(await notice(p).isVisible());
    t.notRegex(p.url(), /\/login/);
    t.true(await p.getByRole('navigation', { name: '主导航' }).isVisible());
    t.deepEqual(b.problems, []);
  });
});

test.serial('the policy shortened while a page is open: the page learns it at its next background read and logs out by it', async (t) => {
  await withSystem(async (sys, b) => {
    const p = b.page;
    await loginWithClock(p, sys, 'archivist1');
    // The secadmin stores 90 s while archivist1's page is open with 600 s.
    await setIdlePolicy(sys, 90);
    const reread = p.waitForResponse((r) => r.url().endsWith('/api/ui/bootstrap') && r.request().headers()['x-dangan-background'] === '1');
    await p.clock.fastForward(16_000);
    t.is((await (await reread).json()).settings.sessionIdleSeconds, 90);
    await p.clock.fastForward(20_000);
    await notice(p).waitFor();
    await p.clock.fastForward(35_000);
    await p.getByText('您因长时间未操作已自动退出，请重新登录。').waitFor();
    t.regex(p.url(), /\/login\?reason=idle/);
    t.deepEqual(b.problems, []);
  });
});
