// 专项审核: an archivist scores an archive against the 23-item standard, the office's chief — never
// the reviewer — confirms it 合格 or 不合格 (a failed veto item, or a score under the pass mark), or
// sends it back. One review under way per archive; other offices, and a cadre the caller must avoid,
// get 404; the leaders above read.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { addUser } from '../helpers/users.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
  await addUser(sys, { username: 'chief2', displayName: '韩冬', org: '150300-ZZB-DAS', roles: ['archive_chief'] });
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const userId = async (username: string): Promise<number> => (await db()('users').where({ username }).first()).id;

/** Archives of archivist1's office on the shelf that neither archivist1 nor chief1 must avoid, oldest first. */
async function freeArchives(): Promise<Array<{ id: number; cadre_id: number; archive_no: string }>> {
  const office = (await db()('users').where({ username: 'archivist1' }).first()).org_unit_id;
  const tied = new Set([...(await sys.services.access.excludedCadreIds(db(), await userId('archivist1'))), ...(await sys.services.access.excludedCadreIds(db(), await userId('chief1')))]);
  const rows = await db()('archives').where({ custodian_org_id: office, status: 'in_stock' }).orderBy('id').select('id', 'cadre_id', 'archive_no');
  return rows.filter((a: any) => !tied.has(a.cadre_id));
}

const put = (c: Awaited<ReturnType<TestSystem['as']>>, path: string, body: unknown) => c.request('PUT', path, body);

test.serial('a review from opening to confirmation: marks, limits, the reviewer alone scores, sent back, a veto fails the archive', async (t) => {
  const [a, other] = await freeArchives();
  const archivist = await sys.as('archivist1');
  const chief = await sys.as('chief1');

  const started = await archivist.post('/api/reviews', { archiveId: a.id });
  t.is(started.status, 201, JSON.stringify(started.body));
  const id = started.body.id;
  t.like(started.body, { archiveId: a.id, archiveNo: a.archive_no, status: 'draft', statusLabel: '审核中', score: 100, maxScore: 100, vetoed: false, passScore: 80, passed: null, actions: ['mark', 'submit', 'cancel'] });
  t.is(started.body.items.length, 23);
  t.like(started.body.items[0], { no: 1, veto: true, maxScore: 1, categoryCodes: ['1'], mark: null });
  t.is(started.body.items.reduce((s: number, i: any) => s + i.maxScore, 0), 100);
  t.like(await archivist.post('/api/reviews', { archiveId: a.id }), { status: 409, body: { code: 'REVIEW_OPEN', details: { id } } });

  // Marks: within the item's points, in half points, with a note; a veto only on the veto item.
  const [material] = await db()('materials').where({ archive_id: a.id }).orderBy('id').select('id');
  const [foreign] = await db()('materials').where({ archive_id: other.id }).select('id');
  const item = (no: number, body: Record<string, unknown>, who = archivist) => put(who, `/api/reviews/${id}/items/${no}`, body);
  const marked = await item(3, { deduction: 5, note: '缺1999年《干部履历表》', materialIds: [material.id] });
  t.is(marked.status, 200, JSON.stringify(marked.body));
  t.like(marked.body, { score: 95, vetoed: false });
  t.like(marked.body.items[2], { no: 3, mark: { deduction: 5, veto: false, note: '缺1999年《干部履历表》', materialIds: [material.id] } });
  t.like((await item(10, { deduction: 1.5, note: '缺培训材料' })).body, { score: 93.5 });
  t.like(await item(10, { deduction: 2.5, note: '超出' }), { status: 422, body: { details: { rule: 'deduction_max', maxScore: 2 } } });
  t.is((await item(10, { deduction: 2.5, note: '超出' })).body.message, '第 10 项最多扣 2 分 / Item 10 is worth 2 points');
  t.is((await item(1, { deduction: 1.5, note: '超出' })).body.message, '第 1 项最多扣 1 分 / Item 1 is worth 1 point', 'one point, singular');
  t.like(await item(2, { deduction: 0, veto: true, note: '否决' }), { status: 422, body: { details: { rule: 'not_veto_item' } } });
  t.like(await item(4, { deduction: 1, note: '缺照片', materialIds: [foreign.id] }), { status: 422, body: { details: { rule: 'material_not_in_archive', materialIds: [foreign.id] } } });
  for (const body of [{ deduction: 0.3, note: 'x' }, { deduction: 1 }, { deduction: -1, note: 'x' }, { deduction: 1, note: 'x', extra: 1 }]) t.is((await item(4, body)).status, 400, JSON.stringify(body));
  // The refusals speak both languages in the schema's words, not zod's English.
  const said = async (body: Record<string, unknown>) => (await item(4, body)).body.details.map((d: any) => `${d.field}: ${d.message}`);
  t.deepEqual(await said({ deduction: -1, note: 'x' }), ['deduction: 扣分不能为负数 / points off cannot be negative']);
  t.deepEqual(await said({ deduction: 1, note: 'x'.repeat(501) }), ['note: 问题说明最多 500 个字 / at most 500 characters']);
  t.deepEqual(await said({ note: 'x' }), ['deduction: 请填写扣分 / give the points off']);
  t.is((await item(99, { deduction: 1, note: 'x' })).status, 404);
  // Clearing a mark gives the points back.
  t.like((await item(10, { deduction: 0 })).body, { score: 95 });
  t.is((await item(4, { deduction: 1, note: '签名缺' }, chief)).status, 403);

  // The chief may neither decide a draft nor be asked before submission; the archivist may not decide.
  t.like(await chief.post(`/api/reviews/${id}/decide`, { decision: 'confirm' }), { status: 409, body: { code: 'REVIEW_STATE' } });
  const noOpinion = await archivist.post(`/api/reviews/${id}/submit`, { summary: ' ' });
  t.is(noOpinion.status, 400);
  t.regex(JSON.stringify(noOpinion.body), /请填写审核意见/);
  const submitted = await archivist.post(`/api/reviews/${id}/submit`, { summary: '履历材料不全，其余符合要求' });
  t.like(submitted.body, { status: 'submitted', score: 95, passScore: 80, summary: '履历材料不全，其余符合要求', confirmable: true });
  t.deepEqual(submitted.body.actions, ['withdraw'], 'the reviewer may take it back until decided, nothing else');
  t.like(await item(4, { deduction: 1, note: 'x' }), { status: 409, body: { code: 'REVIEW_STATE' } });
  // The office's chiefs are told by mail: the archive's number and a link, not the cadre's name.
  const mails = async (event: string) => db()('mail_outbox as m').join('users as u', 'u.id', 'm.recipient_id').where({ 'm.event': event }).where('m.link', 'like', `%/reviews/${id}`).orderBy('u.username').select('u.username', 'm.subject', 'm.body');
  const cadreName = (await db()('cadres').where({ id: a.cadre_id }).first()).name;
  const told = await mails('review_submitted');
  t.deepEqual(told.map((m: any) => m.username), ['chief1', 'chief2']);
  t.is(told[0].subject, `【档案】专项审核待认定：档案 ${a.archive_no}`);
  t.false(told.some((m: any) => m.body.includes(cadreName)));
  t.is((await archivist.post(`/api/reviews/${id}/decide`, { decision: 'confirm' })).status, 403);
  t.deepEqual((await chief.get(`/api/reviews/${id}`)).body.actions, ['confirm', 'return']);

  // The 工作台 counts: the chief has it to confirm (beside the demo's one), the archivist none of hers open.
  const counts = async (who: typeof chief) => (await who.get('/api/reviews/counts')).body;
  t.like(await counts(chief), { toConfirm: 2 });
  t.like(await counts(archivist), { mine: 0, toConfirm: 0 });

  // Sent back with a reason; the reviewer marks the veto item and submits again.
  t.is((await chief.post(`/api/reviews/${id}/decide`, { decision: 'return' })).status, 400);
  const back = await chief.post(`/api/reviews/${id}/decide`, { decision: 'return', note: '履历表照片未核' });
  t.like(back.body, { status: 'draft', returns: 1, decisionNote: '履历表照片未核', submittedAt: null });
  t.deepEqual((await mails('review_returned')).map((m: any) => m.username), ['archivist1']);
  t.like(await counts(archivist), { mine: 1 });
  t.like(await counts(chief), { toConfirm: 1 });
  t.like((await item(1, { deduction: 0, veto: true, note: '1999年履历表无照片和组织印章' })).body, { score: 95, vetoed: true });
  await archivist.post(`/api/reviews/${id}/submit`, { summary: '履历表不合要求，单项否决' });
  const confirmed = await chief.post(`/api/reviews/${id}/decide`, { decision: 'confirm', note: '同意' });
  t.like(confirmed.body, { status: 'confirmed', statusLabel: '已认定', score: 95, vetoed: true, passed: false, decisionNote: '同意', actions: [] });
  t.is(confirmed.body.decidedByName, (await db()('users').where({ username: 'chief1' }).first()).display_name);
  // The history keeps every step with its note, the return reason too.
  t.deepEqual(
    confirmed.body.history.map((e: any) => [e.action, e.note, e.score]),
    [
      ['submit', '履历材料不全，其余符合要求', 95],
      ['return', '履历表照片未核', null],
      ['submit', '履历表不合要求，单项否决', 95],
      ['confirm', '同意', 95],
    ],
  );
  // The list finds it by 档案号 or the cadre's name; % is no wildcard.
  t.true((await chief.get(`/api/reviews?q=${encodeURIComponent(a.archive_no)}`)).body.items.some((r: any) => r.id === id));
  t.true((await chief.get(`/api/reviews?q=${encodeURIComponent(cadreName)}`)).body.items.some((r: any) => r.id === id));
  t.is((await chief.get(`/api/reviews?q=${encodeURIComponent('%')}`)).body.total, 0);

  // The 不合格 list holds it; the 合格 list does not. The leader above reads it, cannot score.
  const leader = await sys.as('leader1');
  t.true((await leader.get('/api/reviews?result=failed')).body.items.some((r: any) => r.id === id));
  t.false((await leader.get('/api/reviews?result=passed')).body.items.some((r: any) => r.id === id));
  t.like((await leader.get(`/api/reviews/${id}`)).body, { passed: false, actions: [] });
  t.is((await leader.post('/api/reviews', { archiveId: other.id })).status, 403);

  const actions = (await db()('audit_log').where({ object_type: 'archive_review', object_id: String(id) }).select('action')).map((r: any) => r.action);
  for (const a of ['review.start', 'review.mark', 'review.submit', 'review.return', 'review.confirm']) t.true(actions.includes(a), a);
});

test.serial('the pass mark, four eyes, withdrawing a draft', async (t) => {
  const [, , b, c] = await freeArchives();
  const chief = await sys.as('chief1');
  const chief2 = await sys.as('chief2');
  const archivist = await sys.as('archivist1');
  const before = (await chief.get('/api/reports/summary')).body.reviews;

  // The chief reviews; 20.5 points off leaves 79.5, under the pass mark of 80: 不合格 without a veto.
  const rb = (await chief.post('/api/reviews', { archiveId: b.id })).body;
  for (const [no, deduction] of [[9, 10], [11, 7], [15, 3.5]] as const) t.is((await put(chief, `/api/reviews/${rb.id}/items/${no}`, { deduction, note: '缺材料' })).status, 200);
  t.like((await chief.post(`/api/reviews/${rb.id}/submit`, { summary: '学历、职称、入党材料缺失' })).body, { score: 79.5 });
  // Only the other chief is asked to confirm: the reviewer may not confirm her own (four eyes).
  const asked = await db()('mail_outbox as m').join('users as u', 'u.id', 'm.recipient_id').where({ 'm.event': 'review_submitted' }).where('m.link', 'like', `%/reviews/${rb.id}`).select('u.username');
  t.deepEqual(asked.map((m: any) => m.username), ['chief2']);
  t.like(await chief.post(`/api/reviews/${rb.id}/decide`, { decision: 'confirm' }), { status: 422, body: { details: { rule: 'four_eyes' }, message: '审核人不能认定自己的审核 / The reviewer cannot confirm their own review' } });
  // Nor send it back: the refusal speaks of returning, not of confirming.
  t.like(await chief.post(`/api/reviews/${rb.id}/decide`, { decision: 'return', note: '自行退回' }), {
    status: 422,
    body: { details: { rule: 'four_eyes' }, message: '审核人不能退回自己的审核 / The reviewer cannot send back their own review' },
  });
  t.like((await chief2.post(`/api/reviews/${rb.id}/decide`, { decision: 'confirm' })).body, { passed: false, vetoed: false, score: 79.5 });

  // 80 points kept is 合格.
  const rc = (await archivist.post('/api/reviews', { archiveId: c.id })).body;
  await put(archivist, `/api/reviews/${rc.id}/items/9`, { deduction: 10, note: '缺学位材料' });
  await put(archivist, `/api/reviews/${rc.id}/items/5`, { deduction: 8, note: '缺任前考察材料' });
  await put(archivist, `/api/reviews/${rc.id}/items/22`, { deduction: 2, note: '目录涂改' });
  await archivist.post(`/api/reviews/${rc.id}/submit`, { summary: '基本齐全' });
  t.like((await chief.post(`/api/reviews/${rc.id}/decide`, { decision: 'confirm' })).body, { score: 80, passed: true });

  // A second review of the same archive, withdrawn by the chief with a reason; then the archive is free again.
  const again = (await archivist.post('/api/reviews', { archiveId: c.id })).body;
  t.is((await chief.post(`/api/reviews/${again.id}/cancel`, {})).status, 400);
  t.like((await chief.post(`/api/reviews/${again.id}/cancel`, { reason: '重复发起' })).body, { status: 'cancelled', statusLabel: '已撤销', decisionNote: '重复发起' });
  t.like(await chief.post(`/api/reviews/${again.id}/cancel`, { reason: '再次' }), { status: 409, body: { code: 'REVIEW_STATE' } });
  const third = await archivist.post('/api/reviews', { archiveId: c.id });
  t.is(third.status, 201);

  // The archive's reviews, newest first.
  const ofC = (await chief.get(`/api/reviews?archiveId=${c.id}`)).body;
  t.deepEqual(ofC.items.map((r: any) => r.status), ['draft', 'cancelled', 'confirmed']);
  t.deepEqual(
    (await chief.get(`/api/reviews?archiveId=${c.id}&status=confirmed`)).body.items.map((r: any) => r.id),
    [rc.id],
  );

  // 统计分析 counts the two confirmed here (79.5 failed, 80 passed) and the third review, under way.
  const figures = (await chief.get('/api/reports/summary')).body.reviews;
  const scores = (await db()('archive_reviews').where({ status: 'confirmed' }).pluck('score')).map(Number);
  t.deepEqual(figures, {
    confirmed: before.confirmed + 2,
    passed: before.passed + 1,
    failed: before.failed + 1,
    vetoed: before.vetoed,
    meanScore: Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 10) / 10,
    underWay: before.underWay + 1,
  });
  t.true(scores.includes(79.5) && scores.includes(80));
});

test.serial('the demo data holds a 合格 and a 不合格 review and one awaiting the chief', async (t) => {
  const chief = await sys.as('chief1');
  const waiting = (await chief.get('/api/reviews?status=submitted')).body.items;
  t.is(waiting.length, 1);
  t.is(waiting[0].reviewerName, '刘晓燕');
  const sheet = (await chief.get(`/api/reviews/${waiting.at(-1).id}`)).body;
  t.deepEqual(sheet.actions, ['confirm', 'return']);
  t.true(sheet.items.some((i: any) => i.mark?.materialIds.length === 1));
  const failed = (await chief.get('/api/reviews?result=failed')).body.items.filter((r: any) => !r.vetoed);
  t.true(failed.some((r: any) => r.score < r.passScore));
  t.true((await chief.get('/api/reviews?result=passed')).body.total >= 1);
});

test.serial('another office and an avoided cadre get 404, audited; an archive gone cannot be reviewed', async (t) => {
  const [a] = await freeArchives();
  const [existing] = (await (await sys.as('chief1')).get(`/api/reviews?archiveId=${a.id}`)).body.items;
  const receiver = await sys.as('receiver1');
  t.is((await receiver.get(`/api/reviews/${existing.id}`)).status, 404);
  t.is((await receiver.post('/api/reviews', { archiveId: a.id })).status, 404);
  t.false((await receiver.get('/api/reviews')).body.items.some((r: any) => r.id === existing.id));
  const office = (await db()('users').where({ username: 'chief1' }).first()).org_unit_id;
  t.is((await receiver.get(`/api/reviews?custodianOrgId=${office}`)).status, 404);
  const denied = await db()('audit_log').where({ object_type: 'archive_review', object_id: String(existing.id), outcome: 'denied' });
  t.true(denied.some((r: any) => r.action === 'review.view'));

  // A relative of chief1 in her office: the archivist reviews it; the chief neither lists nor opens it.
  const tied = await sys.services.access.excludedCadreIds(db(), await userId('chief1'));
  const relative = await db()('archives').where({ custodian_org_id: office, status: 'in_stock' }).whereIn('cadre_id', tied).first('id');
  t.truthy(relative, 'the demo holds a relative of chief1 in her office');
  const r = (await (await sys.as('archivist1')).post('/api/reviews', { archiveId: relative.id })).body;
  const chief = await sys.as('chief1');
  t.is((await chief.get(`/api/reviews/${r.id}`)).status, 404);
  t.false((await chief.get('/api/reviews?limit=500')).body.items.some((x: any) => x.id === r.id));
  t.is((await chief.post('/api/reviews', { archiveId: relative.id })).status, 404);

  // An archive transferred out is no longer reviewed here.
  const [, , , , gone] = await freeArchives();
  await db()('archives').where({ id: gone.id }).update({ status: 'transferred' });
  t.like(await (await sys.as('archivist1')).post('/api/reviews', { archiveId: gone.id }), { status: 422, body: { details: { rule: 'archive_gone' } } });
});

test.serial('nobody in the office may confirm (回避): the submission is taken, the reviewer is told, the leaders above and the process administrators get review_unstaffed; the reviewer may take it back', async (t) => {
  // chief1's brother is held in her office; chief2, the office's other chief, is away (disabled).
  const office = (await db()('users').where({ username: 'chief1' }).first()).org_unit_id;
  const tied = await sys.services.access.excludedCadreIds(db(), await userId('chief1'));
  const relative = await db()('archives').where({ custodian_org_id: office, status: 'in_stock' }).whereIn('cadre_id', tied).first('id', 'archive_no', 'cadre_id');
  t.truthy(relative);
  await db()('users').where({ username: 'chief2' }).update({ disabled: true });
  t.teardown(() => db()('users').where({ username: 'chief2' }).update({ disabled: false }));
  const archivist = await sys.as('archivist1');
  const chief = await sys.as('chief1');
  const open = await db()('archive_reviews').where({ archive_id: relative.id }).whereIn('status', ['draft', 'submitted']).first('id');
  const id = open?.id ?? (await archivist.post('/api/reviews', { archiveId: relative.id })).body.id;
  await put(archivist, `/api/reviews/${id}/items/10`, { deduction: 1, note: '缺培训材料' });

  const submitted = await archivist.post(`/api/reviews/${id}/submit`, { summary: '基本齐全' });
  t.is(submitted.status, 200, JSON.stringify(submitted.body));
  t.like(submitted.body, { status: 'submitted', confirmable: false });
  t.deepEqual(submitted.body.actions, ['withdraw']);

  // Nobody gets review_submitted; the leader above (who reads the office's reviews) and the process
  // administrators get review_unstaffed — the archive and the office, never the cadre.
  const mails = async (event: string) => db()('mail_outbox as m').join('users as u', 'u.id', 'm.recipient_id').where({ 'm.event': event }).where('m.idempotency_key', 'like', `review:${id}:%`).orderBy('u.username').select('u.username', 'm.subject', 'm.body', 'm.link');
  t.deepEqual(await mails('review_submitted'), []);
  const told = await mails('review_unstaffed');
  t.deepEqual(told.map((m: any) => m.username), ['leader1', 'procadmin']);
  t.is(told[0].subject, `【档案】专项审核无人可认定：档案 ${relative.archive_no}`);
  t.regex(told[0].body, /须回避该档案所涉干部/);
  t.regex(told[0].link, new RegExp(`/reviews/${id}$`));
  const cadreName = (await db()('cadres').where({ id: relative.cadre_id }).first()).name;
  t.false(told.some((m: any) => m.body.includes(cadreName)));
  t.like((await (await sys.as('leader1')).get(`/api/reviews/${id}`)).body, { status: 'submitted', confirmable: false, actions: [] });

  // The chief still may not see it; the reviewer may not confirm her own.
  t.is((await chief.get(`/api/reviews/${id}`)).status, 404);
  t.is((await chief.post(`/api/reviews/${id}/decide`, { decision: 'confirm' })).status, 404);
  t.is((await archivist.post(`/api/reviews/${id}/decide`, { decision: 'confirm' })).status, 403);

  // 撤回提交: the reviewer alone, with a reason, while nobody has decided; then it is hers to mend or withdraw.
  t.is((await archivist.post(`/api/reviews/${id}/withdraw`, { reason: ' ' })).status, 400);
  t.is((await chief.post(`/api/reviews/${id}/withdraw`, { reason: '代撤' })).status, 404);
  const back = await archivist.post(`/api/reviews/${id}/withdraw`, { reason: '本室负责人须回避，待另行安排' });
  t.is(back.status, 200, JSON.stringify(back.body));
  t.like(back.body, { status: 'draft', submittedAt: null, confirmable: null });
  t.deepEqual(back.body.actions, ['mark', 'submit', 'cancel']);
  t.deepEqual(back.body.history.slice(-2).map((e: any) => [e.action, e.note]), [['submit', '基本齐全'], ['withdraw', '本室负责人须回避，待另行安排']]);
  t.like(await archivist.post(`/api/reviews/${id}/withdraw`, { reason: '再次' }), { status: 409, body: { code: 'REVIEW_STATE' } });
  t.truthy(await db()('audit_log').where({ action: 'review.withdraw', object_id: String(id) }).first());

  // A chief who may confirm is back: the submission is confirmable and is confirmed; a decided review cannot be taken back.
  await db()('users').where({ username: 'chief2' }).update({ disabled: false });
  sys.clock.advance(60_000);
  const again = await archivist.post(`/api/reviews/${id}/submit`, { summary: '基本齐全，已复核' });
  t.like(again.body, { status: 'submitted', confirmable: true });
  t.deepEqual((await mails('review_submitted')).map((m: any) => m.username), ['chief2']);
  t.is((await mails('review_unstaffed')).length, 2, 'no new review_unstaffed');
  t.like((await (await sys.as('chief2')).post(`/api/reviews/${id}/decide`, { decision: 'confirm' })).body, { status: 'confirmed', passed: true });
  t.like(await archivist.post(`/api/reviews/${id}/withdraw`, { reason: '晚了' }), { status: 409, body: { code: 'REVIEW_STATE' } });
});

test.serial('a draft withdrawn by the chief: its reviewer is told (review_cancelled), with the archive number and not the cadre; withdrawn by the reviewer, nobody is', async (t) => {
  const archivist = await sys.as('archivist1');
  const chief = await sys.as('chief1');
  const open = new Set(await db()('archive_reviews').whereIn('status', ['draft', 'submitted']).pluck('archive_id'));
  const a = (await freeArchives()).find((x) => !open.has(x.id))!;
  const told = (id: number) => db()('mail_outbox as m').join('users as u', 'u.id', 'm.recipient_id').where({ 'm.event': 'review_cancelled' }).where('m.link', 'like', `%/reviews/${id}`).select('u.username', 'm.subject', 'm.body');

  // Her own draft, withdrawn by herself: no notice.
  const own = (await archivist.post('/api/reviews', { archiveId: a.id })).body;
  t.like((await archivist.post(`/api/reviews/${own.id}/cancel`, { reason: '选错档案' })).body, { status: 'cancelled' });
  t.deepEqual(await told(own.id), []);

  // Her draft, withdrawn by the chief: she hears of it, by the archive's number.
  const hers = (await archivist.post('/api/reviews', { archiveId: a.id })).body;
  t.like((await chief.post(`/api/reviews/${hers.id}/cancel`, { reason: '改由他人审核' })).body, { status: 'cancelled', decisionNote: '改由他人审核' });
  const mails = await told(hers.id);
  t.deepEqual(mails.map((m: any) => m.username), ['archivist1']);
  t.is(mails[0].subject, `【档案】专项审核被撤销：档案 ${a.archive_no}`);
  t.true(mails[0].body.includes((await db()('users').where({ username: 'chief1' }).first()).display_name));
  t.false(mails[0].body.includes((await db()('cadres').where({ id: a.cadre_id }).first()).name), 'the cadre is not named');
});
