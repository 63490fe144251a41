// A chief with no task but a review awaiting his confirmation (the demo's): the 工作台's 最需要处理的
// 事项 lists it, 待办 shows it above the tabs and does not say all is done, and 督办's 本室在办事项
// lists the office's reviews 待复核 with how long they have waited — at 1280 px in Chinese and at
// 1024 px in English. Screenshots in a temp folder (docs/screenshots with UPDATE_SCREENSHOTS=1).
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { openBrowser, login, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
let review: { id: number; archive_no: string; submitted_at: string };
let waited: number;

test.before(async () => {
  sys = await startSystem();
  review = await sys.services.db('archive_reviews as r').join('archives as a', 'a.id', 'r.archive_id').where('r.status', 'submitted').first('r.id', 'a.archive_no', 'r.submitted_at');
  const day = (ms: number) => Date.parse(new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10));
  waited = (day(sys.clock.now().getTime()) - day(Date.parse(review.submitted_at))) / 86_400_000;
  b = await openBrowser(sys.url, { width: 1280, height: 800 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('the chief’s review awaiting confirmation is on his 工作台, in his 待办 and in the office’s 在办事项 (1280, 中文)', async (t) => {
  t.true(waited > 0, 'the demo’s review was submitted days ago');
  const p = b.page;
  await login(p, sys.url, 'chief1');
  await p.getByTestId('count-reviews-confirm').waitFor();
  t.is(await p.getByTestId('count-reviews-confirm').innerText(), '1');
  const urgent = p.getByTestId('urgent-review');
  await urgent.waitFor();
  t.is(await p.getByText('没有待办事项。').count(), 0, 'the home page does not say there is nothing to do');
  t.is(await urgent.getByRole('link').getAttribute('href'), `/reviews/${review.id}`);
  t.true((await urgent.innerText()).includes(`专项审核待认定：档案 ${review.archive_no}`));
  t.true((await urgent.innerText()).includes(`已等 ${waited} 天`));
  t.log(await shot(p, 'chief-waiting-workbench', { fullPage: true }));

  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '待办' }).click();
  const section = p.getByTestId('awaiting-reviews');
  await section.waitFor();
  t.true((await section.getByRole('heading').innerText()).includes('专项审核待您认定（1）'));
  t.true((await section.innerText()).includes(`已等 ${waited} 天`));
  await p.getByText('没有待办任务。').waitFor();
  t.is(await p.getByText('待办已全部处理完毕。').count(), 0, 'the inbox does not claim all is done');
  await shot(p, 'chief-waiting-inbox', { fullPage: true });
  await section.getByRole('link', { name: `档案 ${review.archive_no}` }).click();
  await p.waitForURL(new RegExp(`/reviews/${review.id}$`));
  await p.getByRole('button', { name: '认定' }).first().waitFor();

  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '督办' }).click();
  const office = p.getByTestId('office-reviews');
  await office.waitFor();
  t.true((await office.getByRole('heading').innerText()).includes('待复核的专项审核（1）'));
  const cells = (await office.locator('tbody tr').first().locator('td').allInnerTexts()).map((x) => x.trim());
  t.is(cells[0], review.archive_no);
  t.is(cells[3], `已等 ${waited} 天`);
  t.is(await p.getByText('本室没有在办事项。').count(), 0, '在办事项 does not say the office has nothing open');
  await shot(p, 'chief-waiting-deadlines', { fullPage: true });
  t.deepEqual(b.problems, []);
});

test.serial('the same at 1024 px in English: nothing sideways, the words in English', async (t) => {
  const p = b.page;
  await p.setViewportSize({ width: 1024, height: 768 });
  await p.goto(`${sys.url}/inbox`);
  await p.getByTestId('awaiting-reviews').waitFor();
  await p.getByLabel('语言').selectOption('en');
  const fits = async (what: string) => {
    const width = (await p.evaluate('document.documentElement.scrollWidth')) as number;
    t.true(width <= 1024, `${what}: no sideways scrolling (${width} px)`);
  };
  const section = p.getByTestId('awaiting-reviews');
  await section.getByRole('heading', { name: 'Reviews awaiting your confirmation (1)' }).waitFor();
  t.true((await section.innerText()).includes(`waiting ${waited} day${waited === 1 ? '' : 's'}`));
  await p.getByText('No tasks.').waitFor();
  t.is(await p.getByText('All tasks are done.').count(), 0);
  await fits('inbox');
  await shot(p, 'chief-waiting-inbox-1024-en', { fullPage: true });

  await p.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Workbench' }).click();
  const urgent = p.getByTestId('urgent-review');
  await urgent.waitFor();
  t.true((await urgent.innerText()).includes(`Review to confirm: archive ${review.archive_no}`));
  await fits('home');
  await shot(p, 'chief-waiting-workbench-1024-en', { fullPage: true });

  await p.goto(`${sys.url}/deadlines`);
  const office = p.getByTestId('office-reviews');
  await office.getByRole('heading', { name: 'Reviews awaiting confirmation (1)' }).waitFor();
  await office.getByRole('columnheader', { name: 'Waiting' }).waitFor();
  await fits('deadlines');
  t.true(await p.locator('[data-testid="office-reviews"] .table-scroll').evaluate((el) => el.scrollWidth <= el.clientWidth), 'the reviews table fits');
  await shot(p, 'chief-waiting-deadlines-1024-en', { fullPage: true });
  t.deepEqual(b.problems, []);
});
