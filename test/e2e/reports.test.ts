// 统计分析 in chromium: the city office's archivist opens 统计分析 from the navigation and sees the
// office's holdings, digitisation and this year's use with the request just filed counted; the year
// is kept in the URL; the leader above picks one of the offices under him; the CSV link downloads the
// figures of the year and office shown. Screenshot:
// docs/screenshots/reports.png (UPDATE_SCREENSHOTS=1), else a temp folder.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { fileConsultation } from '../helpers/cases.ts';
import { addUser } from '../helpers/users.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;

test.before(async () => {
  sys = await startSystem();
  await fileConsultation(sys, 'applicant1', '干部考察需要查阅任免材料。');
  await fileConsultation(sys, 'applicant1', '干部监督需要核实任职经历。', '4');
  // A leader of the city committee: both the city's and the district's archive offices are under him.
  await addUser(sys, { username: 'leader9', displayName: '赵建国', org: '150300', roles: ['auth_leader'] });
  b = await openBrowser(sys.url, { width: 1280, height: 900 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('the archivist’s statistics: holdings, digitisation and this year’s use; the year in the URL; the leader above both offices picks one', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'archivist1');
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '统计分析' }).click();
  await p.getByRole('heading', { name: '统计分析', level: 1 }).waitFor();

  const api = (await (await sys.as('archivist1')).get('/api/reports/summary')).body;
  t.true(api.use.total >= 2);
  await p.getByTestId('report-use-total').filter({ hasText: String(api.use.total) }).waitFor();
  t.is(await p.getByTestId('report-held').textContent(), String(api.holdings.held));
  await p.getByRole('heading', { name: `利用（${api.year}年）` }).waitFor();
  const consult = p.getByRole('row', { name: /^查阅/ });
  t.regex((await consult.textContent()) ?? '', new RegExp(`^查阅\\s*${api.use.byKind.find((k: any) => k.code === 'consult').total}`));
  await p.getByRole('progressbar', { name: '数字化进度' }).waitFor();
  await p.waitForTimeout(200);
  await shot(p, 'reports', { fullPage: true });

  // Last year: nothing filed; the choice survives a reload.
  await p.getByLabel('年度').selectOption(String(api.year - 1));
  await p.getByTestId('report-use-total').filter({ hasText: /^0$/ }).waitFor();
  t.regex(p.url(), new RegExp(`year=${api.year - 1}`));
  await p.reload();
  await p.getByRole('heading', { name: `利用（${api.year - 1}年）` }).waitFor();
  t.deepEqual(b.problems, []);

  await logout(p);
  await login(p, sys.url, 'leader9');
  await p.goto(`${sys.url}/reports`);
  const office = p.getByLabel('档案室');
  await office.waitFor();
  const names = await office.locator('option').allTextContents();
  t.deepEqual(names, ['全部档案室', '乌海市委组织部干部档案室', '海勃湾区委组织部干部档案室']);
  await p.getByTestId('report-use-total').filter({ hasText: String(api.use.total) }).waitFor();
  await office.selectOption({ label: '海勃湾区委组织部干部档案室' });
  // The district office had no request this year.
  await p.getByTestId('report-use-total').filter({ hasText: /^0$/ }).waitFor();
  t.regex(p.url(), /office=\d+/);
  // After a reload the choice is still there, with every office to choose from.
  await p.reload();
  await p.getByTestId('report-use-total').filter({ hasText: /^0$/ }).waitFor();
  t.is(await office.locator('option:checked').textContent(), '海勃湾区委组织部干部档案室');
  t.is(await office.locator('option').count(), 3);
  t.deepEqual(b.problems, []);
});

test.serial('统计分析: the CSV link carries the page’s year and office, and answers the figures as text/csv with the session’s cookie', async (t) => {
  const p = b.page;
  // Still the leader, with the district office chosen; now last year too.
  const year = Number(await p.getByLabel('年度').inputValue()) - 1;
  await p.getByLabel('年度').selectOption(String(year));
  await p.waitForURL(new RegExp(`year=${year}`));
  const office = new URL(p.url()).searchParams.get('office');
  t.truthy(office);
  const link = p.getByRole('link', { name: '导出 CSV' });
  t.not(await link.getAttribute('download'), null, 'a download, not a page of the app');
  const href = await link.getAttribute('href');
  const url = new URL(href!, sys.url);
  t.is(url.pathname, '/api/reports/summary.csv');
  t.is(url.searchParams.get('year'), String(year));
  t.is(url.searchParams.get('custodianOrgId'), office);

  const res = await p.request.get(url.href);
  t.is(res.status(), 200);
  t.regex(res.headers()['content-type'] ?? '', /^text\/csv/);
  t.regex(res.headers()['content-disposition'] ?? '', new RegExp(`report-${year}-${office}-`));
  const text = await res.text();
  t.true(text.includes('部分'), text.slice(0, 200));
  // Without the session's cookie the same address is refused.
  t.is((await fetch(url.href)).status, 401);
  t.deepEqual(b.problems, []);
});
