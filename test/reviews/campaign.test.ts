// 专项审核工作: the chief opens a campaign over the office's archives of some management levels with a
// due day (a 督办 row); reviews made for it name it; the campaign shows each archive's state and the
// progress; the chief closes it, with a note when archives are left unconfirmed. Other offices see
// nothing; a cadre the caller must avoid is not listed to them and still counts.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { addCalendarDays } from '../../server/materials/deps.ts';
import { beijingDay } from '../../server/notify/beijing.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const user = async (username: string) => db()('users').where({ username }).first();
const inDays = (n: number) => addCalendarDays(beijingDay(sys.clock.now()), n);

test.serial('a campaign from opening to closing: its archives, reviews made for it, progress, the 督办 row, closing with a note', async (t) => {
  const chief = await sys.as('chief1');
  const archivist = await sys.as('archivist1');
  const office = (await user('chief1')).org_unit_id;
  const municipal = await db()('archives as a')
    .join('cadres as c', 'c.id', 'a.cadre_id')
    .where({ 'a.custodian_org_id': office, 'c.management_level': 'municipal' })
    .whereNotIn('a.status', ['transferred', 'archived_state'])
    .orderBy('a.archive_no')
    .select('a.id', 'a.archive_no', 'a.cadre_id');
  t.true(municipal.length >= 3);

  // Refusals: the archivist may not open one; a due day in the past; levels the office holds none of.
  t.is((await archivist.post('/api/review-campaigns', { title: 'x', managementLevels: ['municipal'], dueDate: inDays(30) })).status, 403);
  t.like(await chief.post('/api/review-campaigns', { title: 'x', managementLevels: ['municipal'], dueDate: inDays(-1) }), { status: 422, body: { details: { rule: 'due_date' } } });
  t.like(await chief.post('/api/review-campaigns', { title: 'x', managementLevels: ['central'], dueDate: inDays(30) }), { status: 422, body: { details: { rule: 'campaign_empty' } } });
  t.is((await chief.post('/api/review-campaigns', { title: '', managementLevels: [], dueDate: inDays(30) })).status, 400);
  t.is(await db()('review_campaigns').count({ n: '*' }).then((r: any) => Number(r[0].n)), 0, 'nothing written by a refusal');

  const opened = await chief.post('/api/review-campaigns', { title: '2026年市管干部档案专项审核', managementLevels: ['municipal'], dueDate: inDays(60) });
  t.is(opened.status, 201, JSON.stringify(opened.body));
  const id = opened.body.id;
  t.like(opened.body, { status: 'open', managementLevels: ['municipal'], dueDate: inDays(60), overdue: false, progress: { total: municipal.length, confirmed: 0, byState: { not_started: municipal.length } } });
  t.deepEqual(opened.body.actions, ['start_review', 'close']);
  t.deepEqual((await archivist.get(`/api/review-campaigns/${id}`)).body.actions, ['start_review']);
  t.deepEqual((await (await sys.as('leader1')).get(`/api/review-campaigns/${id}`)).body.actions, []);
  const watch = await db()('deadlines').where({ kind: 'review_campaign', status: 'open' }).first();
  t.like(watch, { subject: `专项审核 2026年市管干部档案专项审核（${municipal.length} 卷）`, custodian_org_id: office });
  // The 督办 row leads to the campaign (it has no case to open).
  t.like((await archivist.get(`/api/deadlines/${watch.id}`)).body, { kind: 'review_campaign', campaignId: id, instanceId: null, caseReadable: false });

  // A review made for the campaign names it; an archive not in it is refused.
  const tied = new Set([...(await sys.services.access.excludedCadreIds(db(), (await user('archivist1')).id)), ...(await sys.services.access.excludedCadreIds(db(), (await user('chief1')).id))]);
  const [first, second] = municipal.filter((x: any) => !tied.has(x.cadre_id));
  t.truthy(first && second);
  const started = await archivist.post('/api/reviews', { archiveId: first.id, campaignId: id });
  t.is(started.status, 201, JSON.stringify(started.body));
  t.like(started.body, { campaignId: id, campaignTitle: '2026年市管干部档案专项审核' });
  const county = await db()('archives as a').join('cadres as c', 'c.id', 'a.cadre_id').where({ 'a.custodian_org_id': office, 'c.management_level': 'county', 'a.status': 'in_stock' }).whereNotIn('a.cadre_id', [...tied]).first('a.id');
  t.like(await archivist.post('/api/reviews', { archiveId: county.id, campaignId: id }), { status: 422, body: { details: { rule: 'not_in_campaign' } } });

  // The items and the progress follow the review: 审核中, then 合格 once confirmed.
  const itemOf = async (archiveId: number) => (await chief.get(`/api/review-campaigns/${id}/items?limit=500`)).body.items.find((i: any) => i.archiveId === archiveId);
  t.like(await itemOf(first.id), { state: 'draft', stateLabel: '审核中', reviewId: started.body.id });
  t.like(await itemOf(second.id), { state: 'not_started', reviewId: null });
  await put(archivist, `/api/reviews/${started.body.id}/items/10`, { deduction: 1, note: '缺培训材料' });
  await archivist.post(`/api/reviews/${started.body.id}/submit`, { summary: '基本齐全' });
  t.like(await itemOf(first.id), { state: 'submitted' });
  await chief.post(`/api/reviews/${started.body.id}/decide`, { decision: 'confirm' });
  t.like(await itemOf(first.id), { state: 'passed', score: 99, passed: true });
  t.is((await chief.get(`/api/review-campaigns/${id}/items?state=passed`)).body.maxScore, 100);

  // Started from the archive's page, naming no campaign: the open campaign listing the archive is
  // found and the review made for it; its page then leads to the review, not to a refusal.
  t.deepEqual((await archivist.get(`/api/review-campaigns?archiveId=${second.id}`)).body.items.map((c: any) => c.id), [id]);
  const loose = await archivist.post('/api/reviews', { archiveId: second.id });
  t.is(loose.status, 201);
  t.like(loose.body, { campaignId: id, campaignTitle: '2026年市管干部档案专项审核', standardVersion: opened.body.standardVersion });
  t.like(await itemOf(second.id), { state: 'draft', reviewId: loose.body.id, outside: null });
  t.like(await archivist.post('/api/reviews', { archiveId: second.id, campaignId: id }), { status: 409, body: { code: 'REVIEW_OPEN', details: { id: loose.body.id, campaignId: id } } });
  // A 合格 archive reviewed again from its page stays outside the campaign, which keeps counting it 合格.
  const again = await archivist.post('/api/reviews', { archiveId: first.id });
  t.like(again.body, { status: 'draft', campaignId: null });
  t.like(await itemOf(first.id), { state: 'passed', reviewId: started.body.id, outside: { reviewId: again.body.id, status: 'draft', campaignId: null, reason: 'passed_again' } });
  await archivist.post(`/api/reviews/${again.body.id}/cancel`, { reason: '误点' });
  t.like(await itemOf(first.id), { outside: null });
  await archivist.post(`/api/reviews/${loose.body.id}/cancel`, { reason: '稍后再审' });
  t.like(await itemOf(second.id), { state: 'not_started', reviewId: null });
  t.like((await chief.get(`/api/review-campaigns/${id}`)).body.progress, { total: municipal.length, confirmed: 1, byState: { passed: 1, not_started: municipal.length - 1 } });
  // The filters: by state, by 档案号; the campaign's reviews in the review list.
  t.deepEqual((await chief.get(`/api/review-campaigns/${id}/items?state=passed`)).body.items.map((i: any) => i.archiveId), [first.id]);
  t.is((await chief.get(`/api/review-campaigns/${id}/items?q=${encodeURIComponent(second.archive_no)}`)).body.items[0].archiveId, second.id);
  t.deepEqual((await chief.get(`/api/reviews?campaignId=${id}`)).body.items.map((r: any) => [r.id, r.status]), [[loose.body.id, 'cancelled'], [started.body.id, 'confirmed']]);

  // Other offices: 404, audited; the list leaves it out.
  const receiver = await sys.as('receiver1');
  t.is((await receiver.get(`/api/review-campaigns/${id}`)).status, 404);
  t.is((await receiver.get(`/api/review-campaigns/${id}/items`)).status, 404);
  t.false((await receiver.get('/api/review-campaigns')).body.items.some((c: any) => c.id === id));
  t.truthy(await db()('audit_log').where({ action: 'review_campaign.view', object_id: String(id), actor: 'receiver1', outcome: 'denied' }).first());

  // Past its due day with archives unconfirmed it is overdue, and its 督办 row red.
  sys.clock.advance(61 * 86_400_000);
  const late = await sys.as('chief1');
  t.like((await late.get(`/api/review-campaigns/${id}`)).body, { overdue: true });
  t.true((await late.get('/api/deadlines?light=red')).body.items.some((d: any) => d.kind === 'review_campaign'));

  // Closing: a note is required while archives are unconfirmed; then no review may start for it.
  const noNote = await late.post(`/api/review-campaigns/${id}/close`, {});
  t.is(noNote.status, 400);
  t.regex(JSON.stringify(noNote.body), new RegExp(`还有 ${municipal.length - 1} 份档案未认定`));
  const closed = await late.post(`/api/review-campaigns/${id}/close`, { note: '其余档案转入明年' });
  t.like(closed.body, { status: 'closed', closeNote: '其余档案转入明年', overdue: false, actions: [] });
  t.like(await db()('deadlines').where({ id: watch.id }).first(), { status: 'cancelled' });
  t.like(await (await sys.as('archivist1')).post('/api/reviews', { archiveId: second.id, campaignId: id }), { status: 409, body: { code: 'CAMPAIGN_CLOSED' } });
  t.like(await late.post(`/api/review-campaigns/${id}/close`, { note: '再次' }), { status: 409, body: { code: 'CAMPAIGN_CLOSED' } });
});

test.serial('a cadre the caller must avoid is not listed to them, and still counts', async (t) => {
  const chief = await sys.as('chief1');
  const office = (await user('chief1')).org_unit_id;
  const tied = await sys.services.access.excludedCadreIds(db(), (await user('chief1')).id);
  const relative = await db()('archives').where({ custodian_org_id: office }).whereIn('cadre_id', tied).whereNotIn('status', ['transferred', 'archived_state']).first('id');
  t.truthy(relative, 'the demo holds a relative of chief1 in her office');
  const opened = (await chief.post('/api/review-campaigns', { title: '全部档案专项审核', managementLevels: [], dueDate: inDays(90) })).body;
  const held = await db()('archives').where({ custodian_org_id: office }).whereNotIn('status', ['transferred', 'archived_state']).count({ n: '*' });
  t.is(opened.progress.total, Number(held[0].n), 'every archive the office holds, the relative’s too');
  const listed = (await chief.get(`/api/review-campaigns/${opened.id}/items?limit=500`)).body;
  t.is(listed.total, opened.progress.total - (await db()('archives').where({ custodian_org_id: office }).whereIn('cadre_id', tied).whereNotIn('status', ['transferred', 'archived_state']).count({ n: '*' }).then((r: any) => Number(r[0].n))));
  t.false(listed.items.some((i: any) => i.archiveId === relative.id));
  const archivistSees = (await (await sys.as('archivist1')).get(`/api/review-campaigns/${opened.id}/items?limit=500`)).body.items;
  t.true(archivistSees.some((i: any) => i.archiveId === relative.id));
  t.is((await chief.post(`/api/review-campaigns/${opened.id}/close`, { note: '改为分级开展' })).status, 200);
});

const put = (c: Awaited<ReturnType<TestSystem['as']>>, path: string, body: unknown) => c.request('PUT', path, body);

test.serial('a campaign is scored on the 审核标准 in force when it opened; reviews under way on it join when it opens, reviews started from the archive page join it, others stay outside and it says so', async (t) => {
  const chief = await sys.as('chief1');
  const archivist = await sys.as('archivist1');
  const admin = await sys.as('procadmin');
  const office = (await user('chief1')).org_unit_id;
  const v0 = (await admin.get('/api/review-standards')).body.current;
  const items = (await admin.get(`/api/review-standards/${v0}`)).body.items.map(({ no: _no, ...i }: any) => i);
  const points = (v: number) => admin.get(`/api/review-standards/${v}`).then((r) => r.body.points as number);
  // The first items kept, the points of those dropped given to item 2: every version totals 100.
  const publish = async (from: number, keep: number) => {
    const kept = items.slice(0, keep);
    const dropped = items.slice(keep).reduce((s: number, i: any) => s + i.maxScore, 0);
    kept[1] = { ...kept[1], maxScore: kept[1].maxScore + dropped };
    t.is((await admin.post('/api/review-standards', { baseVersion: from, basis: `保留前 ${keep} 项`, items: kept })).status, 201);
  };

  const tied = new Set([...(await sys.services.access.excludedCadreIds(db(), (await user('archivist1')).id)), ...(await sys.services.access.excludedCadreIds(db(), (await user('chief1')).id))]);
  const reviewed = new Set(await db()('archive_reviews').whereIn('status', ['draft', 'submitted']).pluck('archive_id'));
  const free = (level: string) =>
    db()('archives as a')
      .join('cadres as c', 'c.id', 'a.cadre_id')
      .where({ 'a.custodian_org_id': office, 'c.management_level': level, 'a.status': 'in_stock' })
      .orderBy('a.id')
      .select('a.id', 'a.cadre_id')
      .then((rows: any[]) => rows.filter((a) => !tied.has(a.cadre_id) && !reviewed.has(a.id)));
  const [a, b, c, d, e] = await free('county');
  t.truthy(e, 'five county archives to review');
  const [municipal] = await free('municipal');

  // Before the campaign: e reviewed on v0; then v1 is published and b (审核中) and c (待复核) are reviewed on it.
  const onV0 = (await archivist.post('/api/reviews', { archiveId: e.id })).body;
  t.like(onV0, { standardVersion: v0, campaignId: null });
  await publish(v0, items.length - 1);
  const v1 = v0 + 1;
  const draftB = (await archivist.post('/api/reviews', { archiveId: b.id })).body;
  const submittedC = (await archivist.post('/api/reviews', { archiveId: c.id })).body;
  t.like(submittedC, { standardVersion: v1, campaignId: null });
  t.is((await archivist.post(`/api/reviews/${submittedC.id}/submit`, { summary: '齐全' })).status, 200);

  // The campaign opens on v1: b and c join it, as they stand; e, on v0, stays outside and the campaign says so.
  const opened = (await chief.post('/api/review-campaigns', { title: '县管干部档案专项审核', managementLevels: ['county'], dueDate: inDays(60) })).body;
  t.is(opened.standardVersion, v1);
  t.like(opened.progress.byState, { draft: 1, submitted: 1 });
  t.like((await archivist.get(`/api/reviews/${draftB.id}`)).body, { campaignId: opened.id });
  t.deepEqual((await db()('audit_log').where({ action: 'review_campaign.start', object_id: String(opened.id) }).first().then((r: any) => JSON.parse(r.detail))).adoptedReviews, [draftB.id, submittedC.id]);
  const itemOf = async (archiveId: number) => (await archivist.get(`/api/review-campaigns/${opened.id}/items?limit=500`)).body.items.find((i: any) => i.archiveId === archiveId);
  t.like(await itemOf(b.id), { state: 'draft', reviewId: draftB.id, outside: null });
  t.like(await itemOf(c.id), { state: 'submitted', reviewId: submittedC.id });
  t.like(await itemOf(e.id), { state: 'not_started', reviewId: null, outside: { reviewId: onV0.id, status: 'draft', standardVersion: v0, campaignId: null, reason: 'other_version' } });
  // …and cannot be taken in: it would be scored on another standard than the others.
  t.like(await archivist.post('/api/reviews', { archiveId: e.id, campaignId: opened.id }), {
    status: 409,
    body: { code: 'REVIEW_OPEN', details: { id: onV0.id, adopted: false, campaignId: null, standardVersion: v0 } },
  });
  // Confirmed meanwhile, c counts for the campaign; e, confirmed on v0, still does not — the campaign shows it beside the row.
  t.like((await chief.post(`/api/reviews/${submittedC.id}/decide`, { decision: 'confirm' })).body, { campaignId: opened.id, passed: true });
  t.like(await itemOf(c.id), { state: 'passed', reviewId: submittedC.id });
  t.is((await archivist.post(`/api/reviews/${onV0.id}/submit`, { summary: '齐全' })).status, 200);
  t.like((await chief.post(`/api/reviews/${onV0.id}/decide`, { decision: 'confirm' })).body, { campaignId: null, passed: true });
  t.like(await itemOf(e.id), { state: 'not_started', outside: { reviewId: onV0.id, status: 'confirmed', passed: true, standardVersion: v0 } });

  // v2 is published. Made for the campaign, named or not (the archive page names none): its version, v1. Made for nothing: the newest.
  await publish(v1, items.length - 2);
  const v2 = v1 + 1;
  const forCampaign = (await archivist.post('/api/reviews', { archiveId: a.id, campaignId: opened.id })).body;
  t.like(forCampaign, { standardVersion: v1, maxScore: await points(v1), campaignId: opened.id });
  t.is(forCampaign.items.length, items.length - 1);
  const fromArchivePage = await archivist.post('/api/reviews', { archiveId: d.id });
  t.is(fromArchivePage.status, 201);
  t.like(fromArchivePage.body, { standardVersion: v1, campaignId: opened.id, campaignTitle: '县管干部档案专项审核' });
  t.like(await itemOf(d.id), { state: 'draft', reviewId: fromArchivePage.body.id });
  const alone = (await archivist.post('/api/reviews', { archiveId: municipal.id })).body;
  t.like(alone, { standardVersion: v2, maxScore: await points(v2), campaignId: null });

  // A review left outside before this rule (made for no campaign on the campaign's version) joins when confirmed.
  await db()('archive_reviews').where({ id: forCampaign.id }).update({ campaign_id: null });
  t.like(await itemOf(a.id), { state: 'not_started', outside: { reviewId: forCampaign.id } });
  t.is((await archivist.post(`/api/reviews/${forCampaign.id}/submit`, { summary: '齐全' })).status, 200);
  t.like((await chief.post(`/api/reviews/${forCampaign.id}/decide`, { decision: 'confirm' })).body, { campaignId: opened.id, status: 'confirmed' });
  t.like(await itemOf(a.id), { state: 'passed', reviewId: forCampaign.id, outside: null });
  t.truthy(await db()('audit_log').where({ action: 'review.adopt', object_id: String(forCampaign.id) }).first());
  t.like((await chief.get(`/api/review-campaigns/${opened.id}`)).body.progress, { confirmed: 2, byState: { passed: 2, draft: 2 } });

  // The campaign's page reads its scores against its own version; a campaign opened now takes the newest.
  const listed = (await archivist.get(`/api/review-campaigns/${opened.id}/items?limit=500`)).body;
  t.is(listed.maxScore, await points(v1));
  t.like(listed.items.find((i: any) => i.archiveId === a.id), { maxScore: await points(v1) });
  t.is((await chief.post(`/api/review-campaigns/${opened.id}/close`, { note: '标准已修订，重新开展' })).status, 200);
  const later = (await chief.post('/api/review-campaigns', { title: '复查', managementLevels: ['county'], dueDate: inDays(30) })).body;
  t.is(later.standardVersion, v2);
  t.is((await chief.post(`/api/review-campaigns/${later.id}/close`, { note: '仅作测试' })).status, 200);
});

test.serial('an archive is in one open campaign at most: a second campaign over any of the same archives is refused, naming the first, even when both requests come at once', async (t) => {
  const chief = await sys.as('chief1');
  for (const c of (await chief.get('/api/review-campaigns')).body.items.filter((c: any) => c.status === 'open')) await chief.post(`/api/review-campaigns/${c.id}/close`, { note: '重新安排' });
  const watches = async () => Number((await db()('deadlines').where({ kind: 'review_campaign', status: 'open' }).count({ n: '*' }))[0].n);
  t.is(await watches(), 0);

  // The same request twice at once (a double click): one campaign, one 督办 row; the other is told which.
  const body = { title: '县管干部档案专项审核（复查）', managementLevels: ['county'], dueDate: inDays(45) };
  const both = await Promise.all([chief.post('/api/review-campaigns', body), chief.post('/api/review-campaigns', body)]);
  t.deepEqual(both.map((r) => r.status).sort(), [201, 409]);
  const made = both.find((r) => r.status === 201)!.body;
  const refused = both.find((r) => r.status === 409)!.body;
  t.like(refused, { code: 'CAMPAIGN_OPEN', details: { campaignId: made.id, title: body.title, shared: made.progress.total } });
  t.regex(refused.message, new RegExp(`进行中的专项审核工作“${body.title.replace(/[()（）]/g, '.')}”（第 ${made.id} 号）.*/ The open campaign`));
  t.is(Number((await db()('review_campaigns').where({ status: 'open' }).count({ n: '*' }))[0].n), 1);
  t.is(await watches(), 1);

  // Every archive overlaps the county ones: refused. 市管 archives are apart: a campaign of their own is fine.
  t.like(await chief.post('/api/review-campaigns', { title: '全部档案', managementLevels: [], dueDate: inDays(45) }), { status: 409, body: { code: 'CAMPAIGN_OPEN', details: { campaignId: made.id } } });
  t.is((await chief.post('/api/review-campaigns', { title: '市管档案', managementLevels: ['municipal'], dueDate: inDays(45) })).status, 201);
  // Once the first is closed, its archives may be in a new one.
  await chief.post(`/api/review-campaigns/${made.id}/close`, { note: '复查改期' });
  t.is((await chief.post('/api/review-campaigns', body)).status, 201);
});

test.serial('a closed campaign keeps its figures: reviews under way when it closes leave it and go on as ordinary reviews, confirmed later without changing it', async (t) => {
  const chief = await sys.as('chief1');
  const archivist = await sys.as('archivist1');
  for (const c of (await chief.get('/api/review-campaigns')).body.items.filter((c: any) => c.status === 'open')) await chief.post(`/api/review-campaigns/${c.id}/close`, { note: '重新安排' });
  const office = (await user('chief1')).org_unit_id;
  const tied = new Set([...(await sys.services.access.excludedCadreIds(db(), (await user('archivist1')).id)), ...(await sys.services.access.excludedCadreIds(db(), (await user('chief1')).id))]);
  const busy = new Set(await db()('archive_reviews').whereIn('status', ['draft', 'submitted']).pluck('archive_id'));
  const free = (
    await db()('archives as a')
      .join('cadres as c', 'c.id', 'a.cadre_id')
      .where({ 'a.custodian_org_id': office, 'c.management_level': 'county', 'a.status': 'in_stock' })
      .orderBy('a.id')
      .select('a.id', 'a.cadre_id')
  ).filter((a: any) => !tied.has(a.cadre_id) && !busy.has(a.id));
  const [a, b, c] = free;
  t.truthy(c, 'three county archives to review');

  const campaign = (await chief.post('/api/review-campaigns', { title: '县管档案年度审核', managementLevels: ['county'], dueDate: inDays(30) })).body;
  const start = async (archiveId: number) => (await archivist.post('/api/reviews', { archiveId, campaignId: campaign.id })).body;
  // a confirmed 合格, b submitted (待复核), c 审核中.
  const [ra, rb, rc] = [await start(a.id), await start(b.id), await start(c.id)];
  for (const r of [ra, rb]) t.is((await archivist.post(`/api/reviews/${r.id}/submit`, { summary: '齐全' })).status, 200);
  t.like((await chief.post(`/api/reviews/${ra.id}/decide`, { decision: 'confirm' })).body, { passed: true });
  const before = (await chief.get(`/api/review-campaigns/${campaign.id}`)).body.progress;
  t.like(before, { confirmed: 1, byState: { passed: 1, submitted: 1, draft: 1 } });

  const closed = await chief.post(`/api/review-campaigns/${campaign.id}/close`, { note: '年底截止' });
  t.is(closed.status, 200, JSON.stringify(closed.body));
  // b and c are no longer its work: the campaign counts them 未开始, and 1 confirmed as before.
  const fixed = closed.body.progress;
  t.like(fixed, { total: before.total, confirmed: 1, byState: { passed: 1, submitted: 0, draft: 0, not_started: before.byState.not_started + 2 } });
  t.deepEqual(JSON.parse((await db()('audit_log').where({ action: 'review_campaign.close', object_id: String(campaign.id) }).first()).detail).detachedReviews, [rb.id, rc.id]);
  for (const r of [rb, rc]) {
    const now = (await archivist.get(`/api/reviews/${r.id}`)).body;
    t.like(now, { campaignId: null, campaignTitle: null });
    t.like(now.history.at(-1), { action: 'detach', actorName: (await user('chief1')).display_name, note: '县管档案年度审核' });
  }
  t.like((await archivist.get(`/api/reviews/${ra.id}`)).body, { campaignId: campaign.id, status: 'confirmed' });

  // The reviewers' work goes on: b confirmed, c marked, submitted and confirmed — as ordinary reviews.
  t.like((await chief.post(`/api/reviews/${rb.id}/decide`, { decision: 'confirm' })).body, { status: 'confirmed', campaignId: null });
  t.like((await archivist.request('PUT', `/api/reviews/${rc.id}/items/10`, { deduction: 1, note: '缺培训材料' })).body, { score: 99 });
  t.is((await archivist.post(`/api/reviews/${rc.id}/submit`, { summary: '基本齐全' })).status, 200);
  t.like((await chief.post(`/api/reviews/${rc.id}/decide`, { decision: 'confirm' })).body, { status: 'confirmed', campaignId: null });
  // …and the closed campaign's figures are as they were when it closed.
  t.deepEqual((await chief.get(`/api/review-campaigns/${campaign.id}`)).body.progress, fixed);
  t.deepEqual((await chief.get('/api/review-campaigns')).body.items.find((x: any) => x.id === campaign.id).progress, fixed);
  const items = (await chief.get(`/api/review-campaigns/${campaign.id}/items?limit=500`)).body.items;
  t.like(items.find((i: any) => i.archiveId === b.id), { state: 'not_started', reviewId: null, outside: { reviewId: rb.id, status: 'confirmed', campaignId: null, reason: 'after_close' } });
  t.deepEqual(await chief.get(`/api/reviews?campaignId=${campaign.id}`).then((r) => r.body.items.map((x: any) => x.id)), [ra.id]);
});

test.serial('a closed campaign says why it does not count a review: made for a later campaign over the same archive, or going on after it closed', async (t) => {
  const chief = await sys.as('chief1');
  const archivist = await sys.as('archivist1');
  for (const c of (await chief.get('/api/review-campaigns')).body.items.filter((c: any) => c.status === 'open')) await chief.post(`/api/review-campaigns/${c.id}/close`, { note: '重新安排' });
  const office = (await user('chief1')).org_unit_id;
  const tied = new Set([...(await sys.services.access.excludedCadreIds(db(), (await user('archivist1')).id)), ...(await sys.services.access.excludedCadreIds(db(), (await user('chief1')).id))]);
  const busy = new Set(await db()('archive_reviews').pluck('archive_id'));
  const [a, b] = (
    await db()('archives as a')
      .join('cadres as c', 'c.id', 'a.cadre_id')
      .where({ 'a.custodian_org_id': office, 'c.management_level': 'county', 'a.status': 'in_stock' })
      .orderBy('a.id')
      .select('a.id', 'a.cadre_id')
  ).filter((x: any) => !tied.has(x.cadre_id) && !busy.has(x.id));
  t.truthy(b);

  // The first campaign closes with b's review under way: it goes on after the close.
  const first = (await chief.post('/api/review-campaigns', { title: '第一轮', managementLevels: ['county'], dueDate: inDays(30) })).body;
  const rb = (await archivist.post('/api/reviews', { archiveId: b.id, campaignId: first.id })).body;
  t.is((await chief.post(`/api/review-campaigns/${first.id}/close`, { note: '转入第二轮' })).status, 200);
  // A second campaign over the same archives, a's review made for it.
  const second = (await chief.post('/api/review-campaigns', { title: '第二轮', managementLevels: ['county'], dueDate: inDays(30) })).body;
  const ra = (await archivist.post('/api/reviews', { archiveId: a.id, campaignId: second.id })).body;
  t.like(ra, { campaignId: second.id });

  const itemOf = async (archiveId: number) => (await chief.get(`/api/review-campaigns/${first.id}/items?limit=500`)).body.items.find((i: any) => i.archiveId === archiveId);
  // a: another campaign's work, named — not "another version of the standard" (it is the same).
  t.like(await itemOf(a.id), { state: 'not_started', outside: { reviewId: ra.id, campaignId: second.id, campaignTitle: '第二轮', standardVersion: first.standardVersion, reason: 'other_campaign' } });
  // b: left the first when it closed (and the second took it up, as it was made for none on its version).
  const bOutside = (await itemOf(b.id)).outside;
  t.like(bOutside, { reviewId: rb.id });
  t.true(['after_close', 'other_campaign'].includes(bOutside.reason), bOutside.reason);
  t.is(bOutside.reason === 'other_campaign', (await archivist.get(`/api/reviews/${rb.id}`)).body.campaignId === second.id);
  // The second campaign's own item of a is its own work; nothing outside.
  t.like((await chief.get(`/api/review-campaigns/${second.id}/items?limit=500`)).body.items.find((i: any) => i.archiveId === a.id), { state: 'draft', reviewId: ra.id, outside: null });
});
