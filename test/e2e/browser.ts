// Real-browser testing: Debian's chromium driven by playwright-core, a fresh profile per run,
// no network beyond our own server. Every console error, page error, failed request and HTTP
// error answer is collected, so a test can fail on any of them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { DEMO_PASSWORD } from '../../db/seeds/demo.ts';
import { withFreshTotp, type TotpSystem } from '../helpers/totp.ts';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The requests of each watched page still under way, and how many it has started (see `settled`). */
const underWay = new WeakMap<Page, { open: Set<Request>; started: number }>();

export interface Browsing {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Everything that went wrong in the page: console errors, page errors, failed requests. */
  problems: string[];
  /** Requests that left our own server (there must be none). */
  outside: string[];
  close(): Promise<void>;
}

/** A browser on a fresh profile, with one page watched for problems. */
export async function openBrowser(baseUrl: string, viewport = { width: 1280, height: 800 }): Promise<Browsing> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const problems: string[] = [];
  const outside: string[] = [];
  const origin = new URL(baseUrl).origin;
  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => {
      // A navigation away aborts in-flight polls: that is not a failure of the product.
      if (r.failure()?.errorText === 'net::ERR_ABORTED') return;
      problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`);
    });
    page.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) outside.push(u);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
    });
    const net = { open: new Set<Request>(), started: 0 };
    underWay.set(page, net);
    page.on('request', (r) => {
      net.open.add(r);
      net.started++;
    });
    page.on('requestfinished', (r) => net.open.delete(r));
    page.on('requestfailed', (r) => net.open.delete(r));
  };
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());
  watch(page);
  return {
    browser: context.browser()!,
    context,
    page,
    problems,
    outside,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until nothing the page asked for is under way and nothing new has started for `quietMs`.
 * Before the test changes what the server or the page's clock says (ends the sessions, moves the
 * clock), so that the test's next action, not an answer of the page's own loading still on its
 * way, is the first to meet the change. Playwright's 'networkidle' does not do this: it is reached
 * once per document, so after a login or a click inside the app it has long been reached.
 */
export async function settled(page: Page, quietMs = 500, timeoutMs = 15_000): Promise<void> {
  const net = underWay.get(page);
  if (!net) throw new Error('settled: not a page of openBrowser');
  const until = Date.now() + timeoutMs;
  for (;;) {
    const started = net.started;
    if (net.open.size === 0) {
      await new Promise((r) => setTimeout(r, quietMs));
      if (net.open.size === 0 && net.started === started) return;
    } else await new Promise((r) => setTimeout(r, 50));
    if (Date.now() > until) throw new Error(`settled: still under way after ${timeoutMs} ms: ${[...net.open].map((r) => r.url()).join(', ')}`);
  }
}

/**
 * After the page's next animation frame: what the page queued for it before this call (a diagram's
 * second opening, once the layout is done) has run. A fixed sleep instead loses on a loaded machine.
 */
export async function nextFrame(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => (globalThis as any).requestAnimationFrame(() => resolve())));
}

/**
 * Switches the page's language at the header's switch (语言 / Language), once the page has drawn it
 * (read at once after a goto, it may not be there yet), and waits for the page to speak it.
 */
export async function setLanguage(page: Page, lang: 'zh' | 'en'): Promise<void> {
  await page.getByLabel('语言').or(page.getByLabel('Language')).first().waitFor();
  const select = page.getByLabel(lang === 'en' ? '语言' : 'Language');
  if (await select.count()) await select.selectOption(lang);
  await page.waitForFunction((l) => (globalThis as any).document.documentElement.lang.startsWith(l), lang);
}

/** Logs in through the login page as a user would. */
export async function login(page: Page, baseUrl: string, username: string, password = 'Dangan@2026'): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('navigation', { name: '主导航' }).waitFor();
}

/**
 * Logs one of the 三员 in through the login page: the password, then the authenticator's code for a
 * time step the server has not accepted for this user yet (a code is good once; test/helpers/totp.ts
 * moves the test clock on when needed). The first answer is 401 TOTP_REQUIRED, which the page watch
 * records.
 */
export async function loginWithCode(page: Page, sys: TotpSystem & { url: string }, username: string): Promise<void> {
  await withFreshTotp(sys, username, async (code) => {
    if (!code) throw new Error(`${username} has no authenticator`);
    await page.goto(`${sys.url}/login`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByLabel('动态验证码').fill(code);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('navigation', { name: '主导航' }).waitFor();
  });
}

export async function logout(page: Page): Promise<void> {
  await page.getByRole('button', { name: '退出登录' }).click();
  await page.getByRole('heading', { name: '登录', exact: true }).waitFor();
}

/** 退出登录 from a page holding unsaved work (a form typed in, not submitted): the page asks, and it is given up. */
export async function logoutDiscarding(page: Page): Promise<void> {
  await page.getByRole('button', { name: '退出登录' }).click();
  await page.getByRole('dialog', { name: '放弃未保存的内容？' }).getByRole('button', { name: '放弃并离开' }).click();
  await page.getByRole('heading', { name: '登录', exact: true }).waitFor();
}
