// 督办 in chromium, in English: the row of a 专项审核工作 reads "Review campaign <title> (n archives)"
// — before, the English page showed the subject the system had stored, "专项审核 …（n 卷）". In
// Chinese it reads as before. Screenshot in a temp folder (shots.ts).
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { addCalendarDays } from '../../server/materials/deps.ts';
import { beijingDay } from '../../server/notify/beijing.ts';
import { openBrowser, login, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;

test.before(async () => {
  sys = await startSystem();
  b = await openBrowser(sys.url, { width: 1280, height: 800 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('a campaign’s 督办 row in English, and in Chinese', async (t) => {
  const opened = await (await sys.as('chief1')).post('/api/review-campaigns', { title: '2026年市管干部档案专项审核', managementLevels: ['municipal'], dueDate: addCalendarDays(beijingDay(sys.clock.now()), 30) });
  t.is(opened.status, 201, JSON.stringify(opened.body));
  const n = opened.body.progress.total;
  const chief = await sys.services.db('users').where({ username: 'chief1' }).first();
  const p = b.page;
  await login(p, sys.url, 'chief1');
  // The account reads English: a reload with the session takes the account's language.
  await sys.services.db('users').where({ id: chief.id }).update({ language: 'en' });
  await p.goto(`${sys.url}/deadlines?kind=review_campaign`);
  const link = p.locator('table.deadlines tbody tr td.subject a');
  await link.first().waitFor();
  t.is((await link.first().innerText()).trim(), `Review campaign 2026年市管干部档案专项审核 (${n} archives)`);
  t.is(await link.first().getAttribute('href'), `/review-campaigns/${opened.body.id}`);
  await shot(p, 'deadline-subject-en');

  await sys.services.db('users').where({ id: chief.id }).update({ language: 'zh' });
  await p.goto(`${sys.url}/deadlines?kind=review_campaign`);
  await link.first().waitFor();
  t.is((await link.first().innerText()).trim(), `专项审核 2026年市管干部档案专项审核（${n} 卷）`);
});
