// 督办 in chromium: the city office's archivist sees the office's deadlines soonest first, each with
// its light in words (红灯·超期, 黄灯·临期, 绿灯·正常) and the days left or over; the light buttons
// carry the counts and filter the list (kept in the URL, so a reload keeps it), the kind and state
// selects narrow it; another office's deadline is not there. Screenshot: docs/screenshots/deadlines.png
// (UPDATE_SCREENSHOTS=1), else a temp folder. The workbench's 督办 tile counts them and leads to the red ones.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { deployFixture } from '../helpers/fixtures.ts';
import { orgId } from '../helpers/workflow.ts';
import { callService, startAs } from '../helpers/notify.ts';
import { openBrowser, login, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
const DAY = 86_400_000;

test.before(async () => {
  sys = await startSystem();
  await deployFixture(sys.services, 'assigned.bpmn');
  const city = await orgId(sys, '150300-ZZB-DAS');
  const district = await orgId(sys, '150302-ZZB-DAS');
  const now = sys.clock.now().getTime();
  const open = async (service: string, vars: Record<string, unknown>) => callService(sys, service, (await startAs(sys, 'assigned', 'applicant1', {})).id, vars);
  // A loan three days overdue, a receipt due in two days (yellow), a transfer due in 2 calendar months (green).
  await open('openLoanDeadline', { custodianOrgId: city, loanDueAt: new Date(now - 3 * DAY).toISOString() });
  // (the receipt's deadline opened when the archive was sent, on 4 October: due by the end of 4 November)
  sys.clock.set(new Date(now - 29 * DAY).toISOString());
  await open('openReceiptDeadline', { custodianOrgId: city });
  sys.clock.set(new Date(now).toISOString());
  await open('openTransferDeadline', { custodianOrgId: city });
  // The district office's review: not the city archivist's business.
  await open('openReviewDeadline', { receiverOrgId: district });
  b = await openBrowser(sys.url, { width: 1280, height: 800 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('the office’s deadlines with their lights, days and filters', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'archivist1');
  // The workbench's tile: three open, one red, one yellow; it leads to the red ones.
  const tile = p.locator('a.tile', { has: p.getByTestId('count-deadlines') });
  await tile.waitFor();
  t.is(await p.getByTestId('count-deadlines').innerText(), '3');
  t.true((await tile.innerText()).includes('红灯 1 · 黄灯 1'));
  t.is(await tile.getAttribute('href'), '/deadlines?light=red');
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '督办' }).click();
  await p.getByRole('heading', { name: '督办', level: 1 }).waitFor();
  const rows = p.locator('table.deadlines tbody tr');
  await rows.first().waitFor();
  t.is(await rows.count(), 3, 'the district office’s review is not listed');
  const cells = async () => (await rows.all()).map(async (r) => (await r.locator('td').allInnerTexts()).map((x) => x.trim()));
  const table = await Promise.all(await cells());
  // Soonest first: the overdue loan, the receipt, the transfer.
  t.deepEqual(table.map((r) => [r[0], r[1], r[5]]), [
    ['红灯·超期', '借出归还', '已超期 3 天'],
    ['黄灯·临期', '转递回执', '剩 2 天'],
    ['绿灯·正常', '档案转递', '剩 61 天'],
  ]);
  // These cases never had a step at the office: the archivist watches them but has no case to open.
  t.is(await rows.getByRole('link').count(), 0);
  for (const [name, n] of [['红灯·超期', 1], ['黄灯·临期', 1], ['绿灯·正常', 1]] as const) {
    t.is((await p.getByRole('button', { name: new RegExp(`^${name}`) }).innerText()).replace(/\s+/g, ''), `${name}${n}`);
  }
  await shot(p, 'deadlines', { fullPage: true });

  // 红灯 narrows to the overdue one, pressed, in the URL; a reload keeps it.
  const red = p.getByRole('button', { name: /^红灯·超期/ });
  const heading = await p.$('h1');
  await red.click();
  await p.waitForURL(/light=red/);
  await rows.nth(1).waitFor({ state: 'detached' });
  t.is(await rows.count(), 1);
  t.is(await red.getAttribute('aria-pressed'), 'true');
  // The same page, filtered in place: a new query string does not re-mount it (no flash of a spinner).
  t.true(await heading!.evaluate((el: any) => el.isConnected));
  await p.reload();
  await rows.first().waitFor();
  t.is(await rows.count(), 1);
  t.true((await rows.first().innerText()).includes('已超期 3 天'));
  // Pressed again, the filter is gone; the kind select narrows to the transfer.
  await p.getByRole('button', { name: /^红灯·超期/ }).click();
  await rows.nth(2).waitFor();
  await p.getByLabel('类型').selectOption({ label: '档案转递' });
  await rows.nth(1).waitFor({ state: 'detached' });
  t.true((await rows.first().innerText()).includes('档案转递'));
  // Nothing is done yet. Two filters changed in quick succession, the answer to the first (全部类型,
  // open) held back until the second's (已办结) is shown: the older answer must not overwrite it.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let holding = true;
  await p.route(/\/api\/deadlines\?/, async (route) => {
    if (holding && !route.request().url().includes('status=closed')) {
      holding = false;
      await held;
    }
    await route.continue();
  });
  const older = p.waitForEvent('requestfinished', (r) => /\/api\/deadlines\?/.test(r.url()) && r.url().includes('status=open'));
  await p.getByLabel('类型').selectOption({ label: '全部类型' });
  await p.getByLabel('状态').selectOption({ label: '已办结' });
  const empty = p.getByText('没有符合条件的督办事项。');
  await empty.waitFor();
  release();
  await older;
  await p.waitForTimeout(300); // the page's turn to handle the late answer
  t.true(await empty.isVisible(), 'the late answer to 全部类型 did not replace 已办结’s');
  t.is(await rows.count(), 0);
  await p.unroute(/\/api\/deadlines\?/);
  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});
