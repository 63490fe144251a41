// The reading room in a real browser (issue 9): the approved reader opens 阅档室 from the main
// navigation, enters the grant, reads three pages of a material by clicking 下一页 — each one the
// server's watermarked rendering, counted in page_views — and sees the viewer end when the SERVER's
// clock passes the window's end (the browser's own clock is never moved). Any console error, page
// error, failed request or HTTP error answer fails the test; nothing is fetched from outside.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { clientDist } from '../../server/app.ts';
import { readingCase, type ReadingCase } from '../reading/helpers.ts';
import { openBrowser, login, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
let rc: ReadingCase;
let rc2: ReadingCase;

// 23:55 in Beijing: a one-day window ends at 23:59:59.999, five minutes on — inside the session's
// 10-minute idle limit, so moving the server's clock past it does not log the reader out.
const START = '2026-11-02T15:55:00.000Z';
const AFTER = '2026-11-02T16:00:01.000Z';

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  sys.clock.set(new Date(START));
  rc = await readingCase(sys, 0, { viewDays: 1 });
  b = await openBrowser(sys.url, { width: 1366, height: 900 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('a reader reads three pages of the granted archive by clicking, and the viewer ends when the server says the window is over', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'applicant1');
  // The workbench counts the grants open now (the reader holds exactly one).
  await p.getByTestId('count-grants').filter({ hasText: '1' }).waitFor();
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '阅档室' }).click();
  await p.getByRole('heading', { name: '阅档室', level: 1 }).waitFor();
  await p.getByRole('cell', { name: rc.caseNo }).waitFor();
  await shot(p, 'reading-list');
  await p.getByRole('link', { name: `进入阅档室：${rc.cadre.name}` }).click();
  await p.getByRole('heading', { name: `阅档室：${rc.cadre.name}` }).waitFor();

  // The countdown comes from the server: five minutes left, whatever the PC's clock says.
  await t.notThrowsAsync(p.getByTestId('time-left').filter({ hasText: /00:0[45]:\d\d/ }).waitFor());

  const title = (await sys.services.db('materials').where({ id: rc.materials.granted }).first()).title as string;
  await p.getByRole('navigation', { name: '目录（批准的类别）' }).getByRole('button', { name: new RegExp(title) }).first().click();
  const page = p.locator('img.page');
  const loaded = async (n: number) => {
    await p.getByTestId('page-of').filter({ hasText: `第 ${n} / 3 页` }).waitFor();
    // Locator waits and evaluate() only: a polled waitForFunction evaluates a string in the page,
    // which the page's CSP (no eval) refuses.
    const img = p.locator(`img.page[src$="/materials/${rc.materials.granted}/pages/${n}"]`);
    await img.waitFor();
    const decoded = () => img.evaluate((el: any) => el.complete && el.naturalWidth > 0);
    for (let i = 0; i < 150 && !(await decoded()); i++) await p.waitForTimeout(100);
    t.true(await decoded(), `page ${n} is shown`);
  };
  await loaded(1);
  await p.getByRole('button', { name: '下一页' }).click();
  await loaded(2);
  await p.getByRole('button', { name: '下一页' }).click();
  await loaded(3);
  t.true(await p.getByRole('button', { name: '下一页' }).isDisabled(), 'the last page');

  // No way to save: the page image is not draggable, no download link, the context menu is refused.
  t.false(await page.evaluate((img: any) => img.draggable));
  t.is(await p.locator('a[download]').count(), 0);
  t.false(await page.evaluate((img: any) => img.dispatchEvent(new (globalThis as any).MouseEvent('contextmenu', { bubbles: true, cancelable: true }))), 'context menu prevented');
  await p.getByRole('button', { name: '第 2 页缩略图' }).waitFor();
  await shot(p, 'reading-room');
  // In English at 1024 px the room fits its window: the page image does not widen its column.
  await p.setViewportSize({ width: 1024, height: 760 });
  await p.getByLabel('语言').selectOption('en');
  await p.getByRole('button', { name: 'Zoom in' }).waitFor();
  t.true(await p.evaluate(() => (globalThis as any).document.documentElement.scrollWidth <= (globalThis as any).innerWidth), 'no sideways scroll at 1024 px');
  t.true(await p.getByRole('button', { name: 'Fit width' }).isVisible());
  await shot(p, 'reading-room-en-1024');
  await p.getByLabel('Language').selectOption('zh');
  await p.setViewportSize({ width: 1280, height: 800 });
  await p.getByRole('button', { name: '下一页' }).waitFor();

  // The server counted the three page views of this reader (thumbnails are not page views).
  const views = await sys.services.db('page_views').where({ grant_id: rc.grants.applicant1 }).orderBy('id');
  t.deepEqual(views.map((v: any) => [v.material_id, v.page_no]), [[rc.materials.granted, 1], [rc.materials.granted, 2], [rc.materials.granted, 3]]);

  // The server's clock passes the window's end: the viewer ends at the next sync, no click needed.
  sys.clock.set(new Date(AFTER));
  await p.getByTestId('reading-ended').filter({ hasText: '查阅时限已到' }).waitFor({ timeout: 20_000 });
  t.is(await p.locator('img.page').count(), 0, 'the page is gone');
  t.is(await p.getByRole('button', { name: '结束阅档' }).count(), 0);
  await shot(p, 'reading-ended');

  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});

test.serial('the reading room open in two windows: 结束阅档 in one, the other says the reading ended — not that time ran out', async (t) => {
  const p = b.page;
  rc2 = await readingCase(sys, 1, { viewDays: 1 });
  const url = `${sys.url}/reading/${rc2.grants.applicant1}`;
  const other = await b.context.newPage();
  try {
    await other.goto(url);
    await other.getByTestId('time-left').waitFor();
    await p.goto(url);
    await p.getByTestId('time-left').waitFor();
    b.problems.length = 0;
    await p.getByRole('button', { name: '结束阅档' }).click();
    const dialog = p.getByRole('dialog', { name: '结束阅档' });
    await dialog.getByLabel('本人确认遵守查阅纪律').check();
    await dialog.getByRole('button', { name: '结束阅档' }).click();
    await p.getByTestId('reading-ended').filter({ hasText: '本次阅档已结束' }).waitFor();

    // The other window learns it at its next sync with the server (every 10 s).
    const ended = other.getByTestId('reading-ended');
    await ended.waitFor({ timeout: 20_000 });
    const said = await ended.innerText();
    t.true(said.includes('本次阅档已结束'), said);
    t.false(said.includes('查阅时限已到'), 'the window had not run out');
    t.is(await other.locator('img.page').count(), 0);
    t.log(await shot(other, 'reading-ended-elsewhere'));
  } finally {
    await other.close();
  }
});
