// 审核标准 in versions: the process administrator publishes a new version with its basis; a review
// under way keeps the version it was opened on (its items, its points), new reviews take the newest;
// a version published meanwhile, an unchanged standard, unknown categories and a standard nobody
// could pass are refused; two publications at once make one version.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { addUser } from '../helpers/users.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
  await addUser(sys, { username: 'procadmin_b', displayName: '钱晓梅', org: '150300-ZZB', roles: ['process_admin'] });
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
type Item = { no: number; criterion: string; deductionRule: string; maxScore: number; veto: boolean; categoryCodes: string[] };
/** A version's items as a publication takes them (without their numbers). */
const asNew = (items: Item[]) => items.map(({ no: _no, ...i }) => i);

/** Archives of archivist1's office on the shelf that neither archivist1 nor chief1 must avoid and that have no review yet. */
async function freeArchives(): Promise<number[]> {
  const me = await db()('users').where({ username: 'archivist1' }).first();
  const chief = await db()('users').where({ username: 'chief1' }).first();
  const tied = new Set([...(await sys.services.access.excludedCadreIds(db(), me.id)), ...(await sys.services.access.excludedCadreIds(db(), chief.id))]);
  const reviewed = await db()('archive_reviews').pluck('archive_id');
  const rows = await db()('archives').where({ custodian_org_id: me.org_unit_id, status: 'in_stock' }).whereNotIn('id', [...reviewed, -1]).orderBy('id').select('id', 'cadre_id');
  return rows.filter((a: any) => !tied.has(a.cadre_id)).map((a: any) => a.id);
}

test.serial('a new version: published with its basis; a review under way keeps its own, a new review takes the new one', async (t) => {
  const admin = await sys.as('procadmin');
  const archivist = await sys.as('archivist1');
  const [first, second] = await freeArchives();

  // Version 1: the seeded Hebei standard, read by the reviewers and the administrator alike.
  const list = await archivist.get('/api/review-standards');
  t.is(list.status, 200, JSON.stringify(list.body));
  t.like(list.body, { current: 1, passScore: 80 });
  t.like(list.body.items[0], { version: 1, items: 23, vetoItems: 1, points: 100, publishedByName: null });
  t.true(list.body.items[0].reviews >= 3, 'the demo reviews were made on version 1');
  const v1 = await admin.get('/api/review-standards/1');
  t.like(v1.body, { version: 1, current: true, points: 100 });
  t.is(v1.body.items.length, 23);
  t.is((await admin.get('/api/review-standards/2')).status, 404);

  // A review opened on version 1 and marked on its last item.
  const old = await archivist.post('/api/reviews', { archiveId: first });
  t.like(old.body, { standardVersion: 1, maxScore: 100 });
  t.like((await archivist.request('PUT', `/api/reviews/${old.body.id}/items/23`, { deduction: 1, note: '第3页脱页' })).body, { score: 99 });

  // Version 2: item 2 dropped (no longer a 中管 matter here), item 9 worth 12, a new item at the end; 100 points still.
  const items = asNew(v1.body.items);
  items.splice(1, 1);
  items[7] = { ...items[7], maxScore: 12 };
  items.push({ criterion: '干部人事档案专项审核认定表归档', deductionRule: '缺认定表的扣1分', maxScore: 1, veto: false, categoryCodes: ['10'] });
  const published = await admin.post('/api/review-standards', { baseVersion: 1, basis: '市委组织部2026年第5号通知', items });
  t.is(published.status, 201, JSON.stringify(published.body));
  t.like(published.body, { version: 2, current: true, basis: '市委组织部2026年第5号通知', publishedByName: '吴国平', points: 100 });
  t.deepEqual(
    published.body.items.map((i: Item) => i.no),
    Array.from({ length: 23 }, (_, n) => n + 1),
    'numbered 1… as given',
  );
  t.like(published.body.items[7], { no: 8, maxScore: 12, categoryCodes: ['4-1'] });
  t.like(published.body.items[22], { no: 23, criterion: '干部人事档案专项审核认定表归档', maxScore: 1 });
  const audit = await db()('audit_log').where({ action: 'review_standard.publish', object_id: '2' }).first();
  t.like(audit, { actor: 'procadmin', outcome: 'success' });
  t.like((await archivist.get('/api/review-standards')).body, { current: 2 });

  // The old review still shows version 1: its 23 items, 100 points, the mark on item 23 as it was.
  const kept = await archivist.get(`/api/reviews/${old.body.id}`);
  t.like(kept.body, { standardVersion: 1, maxScore: 100, score: 99 });
  t.is(kept.body.items[1].criterion, v1.body.items[1].criterion);
  t.like(kept.body.items[22], { no: 23, criterion: v1.body.items[22].criterion, mark: { deduction: 1 } });
  // …and its item 9 is still worth 10: 12 points off is refused.
  t.like(await archivist.request('PUT', `/api/reviews/${old.body.id}/items/9`, { deduction: 12, note: '缺学历材料' }), { status: 422, body: { details: { rule: 'deduction_max', maxScore: 10 } } });
  const submitted = await archivist.post(`/api/reviews/${old.body.id}/submit`, { summary: '脱页一处。' });
  t.like(submitted.body, { status: 'submitted', score: 99, maxScore: 100 });

  // A new review: version 2; item 8 (学历) is worth 12 there.
  const fresh = await archivist.post('/api/reviews', { archiveId: second });
  t.like(fresh.body, { standardVersion: 2, maxScore: 100, score: 100 });
  t.is(fresh.body.items.length, 23);
  t.like((await archivist.request('PUT', `/api/reviews/${fresh.body.id}/items/8`, { deduction: 12, note: '缺全部学历材料' })).body, { score: 88 });
  // The list reads each review against its own version.
  const listed = (await archivist.get('/api/reviews?status=draft')).body.items.find((r: any) => r.id === fresh.body.id);
  t.like(listed, { maxScore: 100, score: 88, standardVersion: 2 });
  const theOld = (await archivist.get(`/api/reviews?archiveId=${first}`)).body.items[0];
  t.like(theOld, { maxScore: 100, score: 99, standardVersion: 1 });

  // Both confirmed, each on its own version.
  const chief = await sys.as('chief1');
  t.is((await archivist.post(`/api/reviews/${fresh.body.id}/submit`, { summary: '学历材料缺失。' })).status, 200);
  for (const id of [old.body.id, fresh.body.id]) t.like((await chief.post(`/api/reviews/${id}/decide`, { decision: 'confirm', note: '' })).body, { status: 'confirmed', passed: true });
});

test.serial('refused: a version published meanwhile, nothing changed, unknown categories, bad input, anyone but the administrator', async (t) => {
  const admin = await sys.as('procadmin');
  const { current } = (await admin.get('/api/review-standards')).body;
  const items = asNew((await admin.get(`/api/review-standards/${current}`)).body.items);
  const publish = (body: Record<string, unknown>, who = admin) => who.post('/api/review-standards', { baseVersion: current, basis: '测试依据', items, ...body });

  t.like(await publish({ baseVersion: current - 1 }), { status: 409, body: { code: 'STANDARD_CHANGED', details: { current } } });
  t.like(await publish({}), { status: 422, body: { details: { rule: 'standard_unchanged' } } });
  t.like(await publish({ items: [...items, { criterion: '新增项目', deductionRule: '扣1分', maxScore: 1, veto: false, categoryCodes: ['11', '4-9'] }] }), {
    status: 422,
    body: { details: { rule: 'category_unknown', codes: ['11', '4-9'] } },
  });
  // One criterion twice (here once as a veto item, once not) would score one fault twice.
  const twice = items.map((i, n) => (n === 1 ? { ...i, criterion: ` ${items[0].criterion} ` } : i));
  t.like(await publish({ items: twice }), { status: 422, body: { details: { rule: 'criterion_repeated', items: [1, 2] } } });
  // A category retired from the catalogue is not named by a new version.
  await db()('catalog_categories').where({ code: '7' }).update({ active: false });
  try {
    t.like(await publish({ items: items.map((i, n) => (n === 0 ? { ...i, categoryCodes: ['1', '7'] } : i)) }), { status: 422, body: { details: { rule: 'category_unknown', codes: ['7'] } } });
  } finally {
    await db()('catalog_categories').where({ code: '7' }).update({ active: true });
  }
  // The same categories in another order, or named twice, are the same standard.
  const reordered = items.map((i) => ({ ...i, categoryCodes: [...i.categoryCodes].reverse().concat(i.categoryCodes) }));
  t.true(reordered.some((i, n) => i.categoryCodes[0] !== items[n].categoryCodes[0]), 'some item names two categories');
  t.like(await publish({ items: reordered }), { status: 422, body: { details: { rule: 'standard_unchanged' } } });
  const bad = [
    { basis: '' },
    { items: [] },
    { items: [{ ...items[0], maxScore: 0.3 }] },
    { items: [{ ...items[0], maxScore: 0 }] },
    { items: [{ ...items[0], criterion: ' ' }] },
    { items: [{ ...items[0], extra: true }] },
    { extra: 1 },
  ];
  for (const body of bad) t.is((await publish(body)).status, 400, JSON.stringify(body));
  // The messages are the schema's own, in both languages — not zod's English ("Invalid input: expected string…").
  const said = async (body: Record<string, unknown>) => (await publish(body)).body.details.map((d: any) => `${d.field}: ${d.message}`);
  const { criterion: _c, ...noCriterion } = items[0];
  t.deepEqual(await said({ items: [noCriterion] }), ['items.0.criterion: 请填写审核内容 / give the criterion']);
  t.deepEqual(await said({ basis: undefined }), ['basis: 请填写依据 / give the basis']);
  t.deepEqual(await said({ items: [{ ...items[0], maxScore: -1, deductionRule: 'x'.repeat(201) }] }), [
    'items.0.deductionRule: 扣分标准最多 200 个字 / the deduction rule takes at most 200 characters',
    'items.0.maxScore: 分值至少 0.5 分 / at least 0.5 points',
  ]);
  for (const body of [{ items: [noCriterion] }, { basis: undefined }, { items: [] }, { items: [{ ...items[0], veto: 'yes' }] }, { baseVersion: 'x' }]) {
    t.notRegex(JSON.stringify((await publish(body)).body.details), /Invalid input|Too small|Too big|expected/, JSON.stringify(body));
  }
  for (const who of ['archivist1', 'chief1', 'leader1']) t.is((await publish({ items: items.slice(1) }, await sys.as(who))).status, 403, who);
  t.is((await (await sys.as('applicant1')).get('/api/review-standards')).status, 403);
  t.is((await db()('review_standards').max({ v: 'version' }))[0].v, current, 'nothing was published');
});

test.serial('administrators publish from the same version at once: one version is made, the others are told to start again', async (t) => {
  const admins = [await sys.as('procadmin'), await sys.as('procadmin_b')];
  const { current } = (await admins[0].get('/api/review-standards')).body;
  const items = asNew((await admins[0].get(`/api/review-standards/${current}`)).body.items);
  // Four publications, each with its own change to item 1, all from the same version.
  const answers = await Promise.all(
    ['甲', '乙', '丙', '丁'].map((who, n) =>
      admins[n % 2].post('/api/review-standards', { baseVersion: current, basis: `${who}的修改`, items: items.map((i, k) => (k === 0 ? { ...i, deductionRule: `${i.deductionRule}（${who}）` } : i)) }),
    ),
  );
  t.deepEqual(answers.map((r) => r.status).sort(), [201, 409, 409, 409], JSON.stringify(answers.map((r) => r.body)));
  for (const r of answers.filter((a) => a.status === 409)) t.like(r.body, { code: 'STANDARD_CHANGED', details: { current: current + 1 } });
  const versions = await db()('review_standards').where('version', '>', current).select('version', 'basis');
  t.is(versions.length, 1);
  const won = answers.find((r) => r.status === 201)!;
  t.is(versions[0].basis, won.body.basis);
  t.is((await db()('review_standard_items').where({ version: current + 1 })).length, items.length);
});

test.serial('a version whose points do not total 100 is refused, naming the total; one already in the database judges its reviews in percent of its own total', async (t) => {
  const admin = await sys.as('procadmin');
  const { current } = (await admin.get('/api/review-standards')).body;
  const items = asNew((await admin.get(`/api/review-standards/${current}`)).body.items);
  // Item 2 worth 50: about 147 points, and the pass mark of 80 would be 54 %.
  const heavy = items.map((i, n) => (n === 1 ? { ...i, maxScore: 50 } : i));
  const total = heavy.reduce((s, i) => s + i.maxScore, 0);
  t.not(total, 100);
  const refused = await admin.post('/api/review-standards', { baseVersion: current, basis: '第 2 项加重', items: heavy });
  t.like(refused, { status: 422, body: { code: 'RULE_VIOLATION', details: { rule: 'points_total', points: total, required: 100 } } });
  t.true(refused.body.message.includes(`各项分值合计须为 100 分（现为 ${total} 分）`), refused.body.message);
  t.true(refused.body.message.includes(`must total 100 (now ${total})`), refused.body.message);
  // Fewer points too (the former pass_unreachable): 100 and nothing else.
  t.like(await admin.post('/api/review-standards', { baseVersion: current, basis: '只留 5 项', items: items.slice(0, 5) }), { status: 422, body: { details: { rule: 'points_total' } } });
  t.is((await db()('review_standards').max({ v: 'version' }))[0].v, current, 'nothing was published');

  // Such a version made before the rule (written straight into the database) is the newest: a review
  // on it keeping 87 of its ~147 points (59 %) is 不合格 against the pass mark of 80 — not 合格 because 87 ≥ 80.
  const legacy = current + 1;
  const procadmin = await db()('users').where({ username: 'procadmin' }).first();
  await sys.services.db.transaction((trx) =>
    (async () => {
      const { insertVersion } = await import('../../server/reviews/store.ts');
      await insertVersion(
        trx,
        { version: legacy, basis: '旧版（合计 147 分）', published_by: procadmin.id, published_at: new Date(sys.clock.now()).toISOString() },
        heavy.map((i, n) => ({ no: n + 1, criterion: i.criterion, deduction_rule: i.deductionRule, max_score: i.maxScore, veto: i.veto, category_codes: i.categoryCodes })),
      );
    })(),
  );
  const archivist = await sys.as('archivist1');
  const chief = await sys.as('chief1');
  const [archive] = await freeArchives();
  const review = (await archivist.post('/api/reviews', { archiveId: archive })).body;
  t.like(review, { standardVersion: legacy, maxScore: total, score: total });
  t.like((await archivist.request('PUT', `/api/reviews/${review.id}/items/2`, { deduction: 50, note: '缺件' })).body, { score: total - 50 });
  const rest = total - 50 - 87;
  const other = heavy.findIndex((i, n) => n > 1 && !i.veto && i.maxScore >= rest) + 1;
  t.like((await archivist.request('PUT', `/api/reviews/${review.id}/items/${other}`, { deduction: rest, note: '缺件' })).body, { score: 87 });
  t.is((await archivist.post(`/api/reviews/${review.id}/submit`, { summary: '缺件较多。' })).status, 200);
  const before = (await chief.get('/api/reports/summary')).body.reviews;
  t.like((await chief.post(`/api/reviews/${review.id}/decide`, { decision: 'confirm', note: '' })).body, { status: 'confirmed', score: 87, passed: false });
  // 统计分析 reads the same review as 59.2 of 100: the decision and the figure agree.
  const after = (await chief.get('/api/reports/summary')).body.reviews;
  const expected = (before.meanScore * before.confirmed + (87 * 100) / total) / after.confirmed;
  t.true(Math.abs(after.meanScore - expected) <= 0.1, `${after.meanScore} ≈ ${expected}`);
});
