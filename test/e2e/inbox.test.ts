// The inbox in a real browser: it refreshes itself when work arrives (no reload), filters and
// tabs by clicking and by keyboard, claims and releases in place, and keeps filters in the URL.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { addUser } from '../helpers/users.ts';
import { atArchive, REASONS } from '../helpers/cases.ts';
import { openBrowser, login, type Browsing } from './browser.ts';

let sys: TestSystem;
let b: Browsing;

test.before(async () => {
  sys = await startSystem({ env: { INBOX_POLL_SECONDS: '5' } });
  await addUser(sys, { username: 'applicant3', displayName: '高志远', org: '150300-RSJ', roles: ['applicant'] });
  await addUser(sys, { username: 'unithead3', displayName: '马秀兰', org: '150300-RSJ', roles: ['unit_head'] });
  // Every request needs a second applicant of the same unit (查(借)阅 by two or more).
  await addUser(sys, { username: 'applicant4', displayName: '罗晓东', org: '150300-RSJ', roles: ['applicant'] });
  b = await openBrowser(sys.url);
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

const rows = () => b.page.locator('table.inbox tbody tr');
const total = (p: import('playwright-core').Page, n: number) => p.getByTestId('inbox-total').filter({ hasText: `共 ${n} 件` });

test.serial('new work appears without a reload; filters, tabs, claim and release work in place', async (t) => {
  const p = b.page;
  await atArchive(sys, 'applicant1', 'unithead1', REASONS[0]);
  await atArchive(sys, 'applicant3', 'unithead3', REASONS[1], '3');

  await login(p, sys.url, 'archivist1');
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: /待办/ }).click();
  await total(p, 2).waitFor();
  t.is(await rows().count(), 2);
  await p.evaluate(() => ((globalThis as any).__sameDocument = true));

  // Work arrives while the page is open: it shows up by itself within a poll or two.
  await atArchive(sys, 'applicant2', 'unithead1', REASONS[2], '4');
  await total(p, 3).waitFor({ timeout: 15_000 });
  t.is(await rows().count(), 3);
  t.true(await p.evaluate(() => (globalThis as any).__sameDocument === true), 'the page was not reloaded');
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: /待办\s*3/ }).waitFor({ timeout: 15_000 });

  // Filter by applying unit (from the menu of units present) and by text; the URL keeps them.
  await p.getByLabel('申请单位').selectOption({ label: '乌海市人力资源和社会保障局（1）' });
  await total(p, 1).waitFor();
  t.is(await rows().count(), 1);
  await rows().first().getByText('高志远').waitFor();
  t.regex(p.url(), /unitId=\d+/);
  await p.getByRole('button', { name: '清除筛选' }).click();
  await total(p, 3).waitFor();
  await p.getByRole('searchbox', { name: '搜索' }).fill('李红梅');
  await total(p, 1).waitFor();
  await rows().first().getByText('李红梅').waitFor();
  t.regex(decodeURIComponent(p.url()), /q=李红梅/);
  await p.reload();
  await total(p, 1).waitFor();
  t.is(await p.getByRole('searchbox', { name: '搜索' }).inputValue(), '李红梅', 'a reload keeps the filter');
  await p.getByRole('button', { name: '清除筛选' }).click();
  await total(p, 3).waitFor();

  // Claim in place; it moves to "claimed by me"; release it again.
  await p.getByRole('button', { name: '认领：档案管理员受理审查' }).first().click();
  await p.getByText('已认领「档案管理员受理审查」').waitFor();
  await rows().filter({ hasText: '已认领' }).first().waitFor();
  const claimed = await sys.services.db('tasks').where({ element_id: 'archivistReview', status: 'open' }).whereNotNull('assignee_id');
  t.is(claimed.length, 1);
  await p.getByRole('tab', { name: /我已认领/ }).click();
  await total(p, 1).waitFor();
  // Keyboard: arrows move between the tabs.
  await p.getByRole('tab', { name: /我已认领/ }).press('ArrowRight');
  await p.getByRole('tab', { name: /待认领/, selected: true }).waitFor();
  await total(p, 2).waitFor();
  await p.getByRole('tab', { name: /待认领/ }).press('ArrowLeft');
  await p.getByRole('tab', { name: /我已认领/, selected: true }).waitFor();
  await p.getByRole('button', { name: '退回组内：档案管理员受理审查' }).click();
  await p.getByText('已退回组内').waitFor();
  await total(p, 0).waitFor();
  t.is((await sys.services.db('tasks').where({ element_id: 'archivistReview', status: 'open' }).whereNotNull('assignee_id')).length, 0);

  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});

test.serial('a tablet shows the same inbox as cards', async (t) => {
  const tablet = await openBrowser(sys.url, { width: 820, height: 1180 });
  try {
    await login(tablet.page, sys.url, 'archivist1');
    await tablet.page.goto(`${sys.url}/inbox`);
    await total(tablet.page, 3).waitFor();
    const display = await tablet.page.locator('table.inbox tbody tr').first().evaluate((el: any) => el.ownerDocument.defaultView.getComputedStyle(el).display);
    t.not(display, 'table-row', 'rows become cards');
    const overflow = await tablet.page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth > (globalThis as any).innerWidth);
    t.false(overflow, 'no horizontal scrolling');
    t.deepEqual(tablet.problems, []);
  } finally {
    await tablet.close();
  }
});
