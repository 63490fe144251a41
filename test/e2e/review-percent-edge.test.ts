// A review on a 审核标准 version of 1250 points (one published before totals were held to 100),
// 999.5 kept: 79.96 of 100, under the pass mark of 80. Regression: the chief's 认定 dialog judged the
// points against the pass mark (999.5 ≥ 80) and said 合格, and confirming then gave 不合格. Now the
// dialog and the sheet read the server's percent (server/reviews/percent.ts, truncated): 不合格
// before confirming, as after.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, type Browsing } from './browser.ts';
import { shot } from './shots.ts';
import { insertVersion } from '../../server/reviews/store.ts';

let sys: TestSystem;
let b: Browsing;
test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  b = await openBrowser(sys.url, { width: 1280, height: 900 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

type Item = { no: number; criterion: string; deductionRule: string; maxScore: number; veto: boolean; categoryCodes: string[] };

test.serial('the chief’s 认定 dialog says 不合格 for 79.96 of 100 against the pass mark of 80, as confirming gives', async (t) => {
  const db = sys.services.db;
  const archivist = await sys.as('archivist1');
  const chief = await sys.as('chief1');
  // An archive of the office neither must avoid, with no review yet.
  const users = await db('users').whereIn('username', ['archivist1', 'chief1']).select('id', 'org_unit_id');
  const tied = new Set<number>();
  for (const u of users) for (const id of await sys.services.access.excludedCadreIds(db, u.id)) tied.add(id);
  const reviewed = new Set(await db('archive_reviews').pluck('archive_id'));
  const archive = (await db('archives').where({ custodian_org_id: users[0].org_unit_id, status: 'in_stock' }).orderBy('id').select('id', 'cadre_id')).find(
    (a: any) => !tied.has(a.cadre_id) && !reviewed.has(a.id),
  );
  t.truthy(archive);

  const newest = Number((await db('review_standard_items').max({ v: 'version' }).first())!.v);
  const items = (await chief.get(`/api/review-standards/${newest}`)).body.items as Item[];
  const [x, y, z] = items.map((i, n) => (i.veto ? -1 : n)).filter((n) => n >= 0);
  const others = items.reduce((s, i, n) => s + ([x, y, z].includes(n) ? 0 : i.maxScore), 0);
  const heavy = items.map((i, n) => (n === x ? { ...i, maxScore: 1250 - others - 200 } : n === y || n === z ? { ...i, maxScore: 100 } : i));
  const procadmin = await db('users').where({ username: 'procadmin' }).first();
  await db.transaction((trx) =>
    insertVersion(
      trx,
      { version: newest + 1, basis: '旧版（合计 1250 分）', published_by: procadmin.id, published_at: new Date(sys.clock.now()).toISOString() },
      heavy.map((i, n) => ({ no: n + 1, criterion: i.criterion, deduction_rule: i.deductionRule, max_score: i.maxScore, veto: i.veto, category_codes: i.categoryCodes })),
    ),
  );
  const review = (await archivist.post('/api/reviews', { archiveId: archive.id })).body;
  t.is(review.maxScore, 1250);
  await archivist.request('PUT', `/api/reviews/${review.id}/items/${x + 1}`, { deduction: 100, note: '缺件' });
  await archivist.request('PUT', `/api/reviews/${review.id}/items/${y + 1}`, { deduction: 100, note: '缺件' });
  t.like((await archivist.request('PUT', `/api/reviews/${review.id}/items/${z + 1}`, { deduction: 50.5, note: '缺件' })).body, { score: 999.5, percent: 79.9 });
  t.is((await archivist.post(`/api/reviews/${review.id}/submit`, { summary: '缺件较多。' })).status, 200);

  const p = b.page;
  await login(p, sys.url, 'chief1');
  await p.goto(`${sys.url}/reviews/${review.id}`);
  // The sheet shows the score in red: under the pass mark.
  await p.locator('[data-testid="review-score"].low').waitFor();
  // Beside the points, the score out of 100 that the pass mark reads (the version's total is not 100).
  t.is(await p.getByTestId('review-score').innerText(), '999.5 / 1250（折合 79.9 分）');
  await p.getByRole('button', { name: '认定' }).click();
  const confirm = p.getByRole('dialog', { name: '认定审核结果' });
  await confirm.getByText('得分 999.5 / 1250，合格线 80 分。认定后本档案为：').waitFor();
  await confirm.locator('[data-result="failed"]').filter({ hasText: '不合格' }).waitFor();
  t.is(await confirm.locator('[data-result="passed"]').count(), 0, 'not 合格');
  t.log(await shot(p, 'review-percent-edge-confirm'));
  await confirm.getByRole('button', { name: '认定' }).click();
  await confirm.waitFor({ state: 'hidden' });
  await p.getByTestId('review-result').locator('[data-result="failed"]').filter({ hasText: '不合格' }).waitFor();
  t.false((await db('archive_reviews').where({ id: review.id }).first()).passed ? true : false);
  // The reviews list shows it the same way, in Chinese and in English.
  await p.goto(`${sys.url}/reviews`);
  const row = p.locator(`tr[data-review="${review.id}"]`);
  await row.waitFor();
  t.regex(await row.innerText(), /999\.5 \/ 1250（折合 79\.9 分）/);
  // A review on a version of 100 points shows its points alone.
  const hundred = p.locator('tr[data-review]').filter({ hasText: / \/ 100\b/ }).first();
  await hundred.waitFor();
  t.notRegex(await hundred.innerText(), /折合/);
  t.log(await shot(p, 'review-percent-edge-list'));
  await p.getByLabel('语言').selectOption('en');
  await row.getByText('999.5 / 1250 (79.9 of 100)').waitFor();
  await p.getByLabel('Language').selectOption('zh');
  await row.getByText('999.5 / 1250（折合 79.9 分）').waitFor();
  t.deepEqual(b.problems, []);
});
