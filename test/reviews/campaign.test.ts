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

  // A review under way made for no campaign becomes the campaign's when the campaign asks for it.
  const loose = await archivist.post('/api/reviews', { archiveId: second.id });
  t.is(loose.status, 201);
  t.like(await itemOf(second.id), { state: 'not_started' });
  t.like(await archivist.post('/api/reviews', { archiveId: second.id, campaignId: id }), { status: 409, body: { code: 'REVIEW_OPEN', details: { id: loose.body.id, adopted: true } } });
  t.like(await itemOf(second.id), { state: 'draft', reviewId: loose.body.id });
  t.like((await archivist.get(`/api/reviews/${loose.body.id}`)).body, { campaignId: id });
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

test.serial('a campaign is scored on the 审核标准 in force when it opened, whatever is published later', async (t) => {
  const chief = await sys.as('chief1');
  const archivist = await sys.as('archivist1');
  const admin = await sys.as('procadmin');
  const office = (await user('chief1')).org_unit_id;
  const opened = (await chief.post('/api/review-campaigns', { title: '县管干部档案专项审核', managementLevels: ['county'], dueDate: inDays(60) })).body;
  const before = (await admin.get('/api/review-standards')).body.current;
  t.is(opened.standardVersion, before);

  // A new version: the last item dropped (3 points fewer).
  const items = (await admin.get(`/api/review-standards/${before}`)).body.items.map(({ no: _no, ...i }: any) => i);
  const published = await admin.post('/api/review-standards', { baseVersion: before, basis: '删除第23项', items: items.slice(0, -1) });
  t.is(published.status, 201, JSON.stringify(published.body));
  const points = (v: number) => admin.get(`/api/review-standards/${v}`).then((r) => r.body.points as number);
  t.is(await points(before + 1), (await points(before)) - 3);

  const tied = new Set(await sys.services.access.excludedCadreIds(db(), (await user('archivist1')).id));
  const reviewed = new Set(await db()('archive_reviews').whereIn('status', ['draft', 'submitted']).pluck('archive_id'));
  const county = (await db()('archives as a').join('cadres as c', 'c.id', 'a.cadre_id').where({ 'a.custodian_org_id': office, 'c.management_level': 'county', 'a.status': 'in_stock' }).orderBy('a.id').select('a.id', 'a.cadre_id')).filter(
    (a: any) => !tied.has(a.cadre_id) && !reviewed.has(a.id),
  );
  const [a, b] = county;
  t.truthy(a && b);

  // Made for the campaign: its version. Made for nothing: the newest.
  const forCampaign = await archivist.post('/api/reviews', { archiveId: a.id, campaignId: opened.id });
  t.like(forCampaign.body, { standardVersion: before, maxScore: await points(before), campaignId: opened.id });
  t.is(forCampaign.body.items.length, items.length);
  const alone = await archivist.post('/api/reviews', { archiveId: b.id });
  t.like(alone.body, { standardVersion: before + 1, maxScore: await points(before + 1), campaignId: null });
  // …and so it cannot join the campaign: it would be scored on another standard than the others.
  t.like(await archivist.post('/api/reviews', { archiveId: b.id, campaignId: opened.id }), {
    status: 409,
    body: { code: 'REVIEW_OPEN', details: { id: alone.body.id, adopted: false, campaignId: null, standardVersion: before + 1 } },
  });
  t.is((await db()('archive_reviews').where({ id: alone.body.id }).first()).campaign_id, null);

  // The campaign's page reads its scores against its own version; a campaign opened now takes the new one.
  t.like((await chief.get(`/api/review-campaigns/${opened.id}`)).body, { standardVersion: before });
  const listed = (await archivist.get(`/api/review-campaigns/${opened.id}/items?limit=500`)).body;
  t.is(listed.maxScore, await points(before));
  t.like(listed.items.find((i: any) => i.archiveId === a.id), { reviewId: forCampaign.body.id, maxScore: await points(before) });
  t.is((await chief.post(`/api/review-campaigns/${opened.id}/close`, { note: '标准已修订，重新开展' })).status, 200);
  const later = (await chief.post('/api/review-campaigns', { title: '复查', managementLevels: ['county'], dueDate: inDays(30) })).body;
  t.is(later.standardVersion, before + 1);
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
