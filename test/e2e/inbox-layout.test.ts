// The unit head's lists at a desk width, in Chinese and English: many identical steps of on-site
// readings (现场查阅) in the inbox, overdue ones and the unit's loans on 督办. Nothing leaves its
// card (no sideways scrolling of the page), the subject keeps a readable width, the case number
// (编号) is shown whole in every row and named in the row's tooltip, and 督办's "days left" reads
// whole. Screenshots in a temp folder (or docs/screenshots with UPDATE_SCREENSHOTS=1).
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { deployFixture } from '../helpers/fixtures.ts';
import { orgId } from '../helpers/workflow.ts';
import { callService, startAs } from '../helpers/notify.ts';
import { demoCadre, fileConsultation, REASONS } from '../helpers/cases.ts';
import { openBrowser, login, setLanguage, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
const DAY = 86_400_000;

test.before(async () => {
  sys = await startSystem();
  await deployFixture(sys.services, 'assigned.bpmn');
  const city = await orgId(sys, '150300-ZZB-DAS');
  const now = sys.clock.now().getTime();
  // The unit's loans: one due in four days, one overdue.
  const open = async (service: string, vars: Record<string, unknown>) => callService(sys, service, (await startAs(sys, 'assigned', 'applicant1', {})).id, vars);
  await open('openLoanDeadline', { custodianOrgId: city, loanDueAt: new Date(now + 10 * DAY + 3_600_000).toISOString() });
  await open('openLoanDeadline', { custodianOrgId: city, loanDueAt: new Date(now - 2 * DAY).toISOString() });
  // Twelve on-site readings waiting for the unit head, all named alike (单位负责人审核): overdue by now.
  for (let i = 0; i < 12; i++) await fileConsultation(sys, 'applicant1', REASONS[i % REASONS.length], '2', 'onsite', await demoCadre(sys, 'county', i));
  sys.clock.set(new Date(now + 6 * DAY).toISOString());
  b = await openBrowser(sys.url, { width: 1024, height: 800 });
  await login(b.page, sys.url, 'unithead1');
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

/** Every table of the page against the card (or panel) that holds it, and the page's own width. */
async function overflow(p: Browsing['page']) {
  return p.evaluate(() => {
    const d = (globalThis as any).document;
    const tables = [...d.querySelectorAll('main table')].map((tb: any) => {
      const box = tb.closest('.card, .tab-panel');
      return { cls: tb.className, right: Math.round(tb.getBoundingClientRect().right), boxRight: Math.round(box.getBoundingClientRect().right) };
    });
    return { tables, pageScrolls: d.documentElement.scrollWidth > d.documentElement.clientWidth };
  });
}

for (const lang of ['en', 'zh'] as const) {
  for (const width of [1024, 1280]) {
    test.serial(`at ${width} px in ${lang === 'en' ? 'English' : 'Chinese'} the inbox and 督办 stay in their cards; subject and case number read whole`, async (t) => {
      const p = b.page;
      await p.setViewportSize({ width, height: 800 });
      await p.goto(`${sys.url}/inbox`);
      const rows = p.locator('table.inbox tbody tr');
      await rows.nth(11).waitFor();
      await setLanguage(p, lang);
      await p.locator('th', { hasText: lang === 'en' ? 'Task' : '事项' }).first().waitFor();

      t.log(await shot(p, `inbox-layout-${lang}-${width}`));
      const inbox = await overflow(p);
      for (const x of inbox.tables) t.true(x.right <= x.boxRight, `inbox table ${x.right} within its panel ${x.boxRight}`);
      t.false(inbox.pageScrolls, 'the inbox page does not scroll sideways');
      // The task column keeps a readable width, and each row names its case number whole.
      const first = rows.first();
      const cell = first.locator('td').first();
      t.true((await cell.boundingBox())!.width >= 190, `task column ${(await cell.boundingBox())!.width} px`);
      const key = first.getByTestId('case-no');
      const text = (await key.innerText()).trim();
      t.regex(text, /^查借-\d{4}-\d{4}$/);
      t.true(await key.evaluate((e: any) => e.scrollWidth <= e.clientWidth + 1), 'the case number is not cut');
      const subject = first.locator('.subject');
      t.true((await subject.getAttribute('title'))!.includes(text), 'the tooltip names the case number');
      t.true((await subject.boundingBox())!.width >= 180, 'the subject has room to read');
      // The applicant over the unit (王建国 / 乌海市纪委监委): each on one line, not broken into three or four.
      const unitLines = await first.locator('td.applicant .sub').evaluate((e: any) => Math.round(e.getBoundingClientRect().height / parseFloat((globalThis as any).getComputedStyle(e).lineHeight)));
      const nameLines = await first.locator('td.applicant').evaluate((e: any) => {
        const r = e.ownerDocument.createRange();
        r.setStart(e.firstChild, 0);
        r.setEnd(e.firstChild, e.firstChild.textContent.length);
        return Math.round(r.getBoundingClientRect().height / parseFloat((globalThis as any).getComputedStyle(e).lineHeight));
      });
      t.is(unitLines, 1, `the unit on one line: ${await first.locator('td.applicant').innerText()}`);
      t.is(nameLines, 1, 'the applicant’s name on one line');

      await p.goto(`${sys.url}/deadlines`);
      await p.locator('table.deadlines tbody tr').nth(1).waitFor({ timeout: 8000 }).catch(async (e) => {
        t.log(await shot(p, `deadlines-failed-${lang}-${width}`, { fullPage: true }), b.problems);
        throw e;
      });
      await p.locator('table.inbox tbody tr').first().waitFor();
      t.log(await shot(p, `deadlines-layout-${lang}-${width}`, { fullPage: true }));
      const dl = await overflow(p);
      for (const x of dl.tables) t.true(x.right <= x.boxRight, `${x.cls} ${x.right} within its card ${x.boxRight}`);
      t.false(dl.pageScrolls, '督办 does not scroll sideways');
      // "4 days left" reads whole.
      const left = p.locator('table.deadlines tbody tr td:last-child');
      for (const c of await left.all()) t.true(await c.evaluate((e: any) => e.scrollWidth <= e.clientWidth + 1), `days left cut: ${await c.innerText()}`);
      t.true((await left.allInnerTexts()).some((x) => /4/.test(x)));
      t.true((await left.allInnerTexts()).some((x) => /(^|\s)(剩 4 天|4 days left)(\s|$)/.test(x)), 'the days left read whole: 剩 4 天 / 4 days left');
    });
  }
}

test.serial('督办 titles my overdue tasks with the server’s total and pages them', async (t) => {
  const p = b.page;
  await p.setViewportSize({ width: 1280, height: 800 });
  await p.goto(`${sys.url}/deadlines`);
  const api = await (await sys.as('unithead1')).get('/api/tasks?filter=open&due=overdue&limit=1');
  t.is(api.body.total, 12);
  const part = p.getByRole('region', { name: /^已逾期/ });
  const rows = part.locator('table.inbox tbody tr');
  await rows.first().waitFor();
  // The heading counts what the server counts, not the rows of the page.
  t.is((await part.getByRole('heading').innerText()).trim(), `已逾期（${api.body.total}）`);
  t.is(await rows.count(), 10, 'a page of ten');
  const pager = part.getByRole('navigation', { name: '分页' });
  await pager.getByText('第 1 / 2 页').waitFor();
  const first = await rows.first().getAttribute('data-task-id');
  await pager.getByRole('button', { name: '下一页' }).click();
  await pager.getByText('第 2 / 2 页').waitFor();
  t.is(await rows.count(), 2);
  t.not(await rows.first().getAttribute('data-task-id'), first);
  t.is(await p.getByRole('region', { name: /^即将到期/ }).count(), 0, 'nothing due soon: no empty part');
  t.log(await shot(p, 'deadlines-mine-paged', { fullPage: true }));
});

test.serial('on a tablet the rows are cards that still name the case number first', async (t) => {
  const p = b.page;
  await p.setViewportSize({ width: 800, height: 1000 });
  await p.goto(`${sys.url}/inbox`);
  const first = p.locator('table.inbox tbody tr').first();
  await first.waitFor();
  t.regex((await first.getByTestId('case-no').innerText()).trim(), /^查借-\d{4}-\d{4}$/);
  t.false(await p.evaluate(() => (globalThis as any).document.documentElement.scrollWidth > (globalThis as any).document.documentElement.clientWidth));
  t.log(await shot(p, 'inbox-layout-tablet'));
});

test.serial('the search box finds a case by its cadre’s name and by 档案号', async (t) => {
  const p = b.page;
  await p.setViewportSize({ width: 1280, height: 800 });
  const cadre = await demoCadre(sys, 'county', 3);
  const no = (await sys.services.db('archives').where({ id: cadre.archiveId }).first('archive_no')).archive_no as string;
  await p.goto(`${sys.url}/inbox`);
  const box = p.getByRole('searchbox', { name: '搜索' });
  t.true((await box.getAttribute('title'))!.includes('档案号'));
  for (const q of [no, cadre.name]) {
    // The number's answer, the same case, is on screen when the name is typed: the name's own
    // answer says what it finds, then the page shows it.
    const answered = p.waitForResponse((r) => new URL(r.url()).pathname === '/api/tasks' && new URL(r.url()).searchParams.get('q') === q);
    await box.fill(q);
    t.is((await (await answered).json()).total, 1, q);
    await p.getByTestId('inbox-total').filter({ hasText: '共 1 件' }).waitFor();
    t.is(await p.locator('table.inbox tbody tr').count(), 1, q);
  }
});
