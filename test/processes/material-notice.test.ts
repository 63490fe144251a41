// 材料催收 on the real processes/collection-notice.bpmn: the archive office chases a producing unit
// for a material; the 督办 hand-over deadline, the notices by mail, the reminder when the deadline
// passes (movable clock + job poller), the material's arrival ending the chase, and withdrawal.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { completeAt, orgId } from '../helpers/workflow.ts';
import { beijingDay, endOfBeijingDay } from '../../server/notify/beijing.ts';
import { noticeDueDay } from '../../server/materials/notices.ts';
import { iso } from '../../server/clock.ts';
import { addCalendarMonths } from '../../server/materials/deps.ts';
import { accept, countOf, daysAgo, plainCadre, registration } from './material-helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const DAY = 86_400_000;
const noticeOf = (instanceId: string) => sys.services.db('collection_notices').where({ instance_id: instanceId }).first();
const mailsTo = async (username: string, instanceId: string) => {
  const u = await sys.services.db('users').where({ username }).first();
  return sys.services.db('mail_outbox').where({ recipient_id: u.id, instance_id: instanceId }).orderBy('created_at').select('event', 'subject');
};

async function sendNotice(cadreId: number, formedDate: string, over: Record<string, unknown> = {}) {
  const archivist = await sys.as('archivist1');
  const res = await archivist.post('/api/process-instances', {
    processKey: 'collection-notice',
    variables: { cadreId, producerOrgId: await orgId(sys, '150300-RSJ'), title: '2026年度公务员年度考核登记表', categoryCode: '3', formedDate, note: '请尽快移交。', ...over },
  });
  return { archivist, res };
}

test.serial('given a collection notice, the unit is told and the deadline watched; when the deadline passes it is told again; when the material arrives the chase ends and the deadline closes', async (t) => {
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false });
  const formed = daysAgo(sys, 20);
  const { archivist, res } = await sendNotice(cadre.id, formed);
  t.is(res.status, 201, JSON.stringify(res.body));
  t.regex(res.body.businessKey, /^催收-2026-\d{4}$/);
  t.true(res.body.activeElements.includes('materialArrived'));
  const id = res.body.id;
  const notice = await noticeOf(id);
  const dueAt = iso(endOfBeijingDay(addCalendarMonths(formed, 1)));
  t.like(notice, { status: 'open', cadre_id: cadre.id, category_code: '3', formed_date: formed, due_at: dueAt });

  // The 督办 deadline and the first notice to the unit's producers.
  const deadline = await db('deadlines').where({ instance_id: id }).first();
  t.like(deadline, { kind: 'handover', status: 'open', due_at: dueAt, org_unit_id: await orgId(sys, '150300-RSJ'), custodian_org_id: await orgId(sys, '150300-ZZB-DAS') });
  t.deepEqual((await mailsTo('producer1', id)).map((m: any) => m.event), ['handover_due']);
  const listed = await (await sys.as('producer1')).get('/api/collection-notices?status=open');
  t.true(listed.body.items.some((n: any) => n.id === notice.id && n.cadre.name === cadre.name && n.statusLabel === '待移交'));
  t.false((await (await sys.as('receiver1')).get('/api/collection-notices')).body.items.some((n: any) => n.id === notice.id));
  t.is((await (await sys.as('receiver1')).get(`/api/collection-notices/${notice.id}`)).status, 404);

  // When the deadline passes (timer at handoverDueAt), the unit is told once more; the light is red.
  const job = await db('jobs').where({ instance_id: id, status: 'pending' }).first();
  t.true(job.due_at >= dueAt && Date.parse(job.due_at) - Date.parse(dueAt) < 1000, job.due_at);
  t.is(await sys.services.jobs.pollOnce(), 0, 'nothing is due yet');
  sys.clock.set(new Date(new Date(dueAt).getTime() + 1000));
  t.is(await sys.services.jobs.pollOnce(), 1);
  t.deepEqual((await mailsTo('producer1', id)).map((m: any) => m.event), ['handover_due', 'handover_due']);
  const again = await sys.as('archivist1'); // the session before the jump has idled out
  const red = await again.get(`/api/deadlines?instanceId=${id}`);
  t.is(red.body.items?.[0]?.light, 'red', JSON.stringify(red.body));
  t.deepEqual((await db('process_instances').where({ id }).first()).status, 'running');
  t.true((await db('history').where({ instance_id: id, element_id: 'reminded', event: 'end' }).first()) !== undefined);

  // When the producer hands the material over (same cadre, same category), the notice is answered.
  const producer = await sys.as('producer1');
  const reg = await producer.post('/api/process-instances', { processKey: 'material-collection', variables: registration(cadre, formed) });
  t.is(reg.status, 201, JSON.stringify(reg.body));
  const intake = await db('material_intakes').where({ instance_id: reg.body.id }).first();
  t.is(intake.notice_id, notice.id);
  t.true(!!intake.late);
  t.like(await noticeOf(id), { status: 'answered', intake_id: intake.id });
  // The notice's case waits for the filing (a hand-over withdrawn before it opens the notice again).
  const waiting = await db('process_instances').where({ id }).first();
  t.is(waiting.status, 'running');
  t.true(JSON.parse(waiting.active_elements).includes('materialFiled'));
  const closed = await db('deadlines').where({ instance_id: id }).first();
  t.is(closed.status, 'closed');
  const view = await again.get(`/api/deadlines/${closed.id}`);
  t.true(view.body.closedLate);
  const record = await again.get(`/api/material-intakes/${intake.id}`);
  t.is(record.body.noticeNo, notice.notice_no);
  const n = await again.get(`/api/collection-notices/${notice.id}`);
  t.deepEqual(n.body.intake, { id: intake.id, intakeNo: intake.intake_no });
  // When the material is filed, the notice's case ends; the archivist who sent it hears so.
  t.is((await completeAt(again, reg.body.id, 'reviewMaterial', accept())).status, 200);
  t.is((await completeAt(again, reg.body.id, 'fileMaterial', { filedCategoryCode: '3', filedPages: 2 })).status, 200);
  t.is((await db('process_instances').where({ id }).first()).status, 'completed');
  t.true(!!(await db('history').where({ instance_id: id, element_id: 'answered', event: 'end' }).first()));
  t.true((await mailsTo('archivist1', id)).some((m: any) => m.event === 'application_decided'));
});

test.serial('a notice is not answered by another material of the same category; the producer may name it; when that hand-over is withdrawn the notice, its 督办 and the chase open again', async (t) => {
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false, skip: 5 });
  const { res } = await sendNotice(cadre.id, daysAgo(sys, 3), { title: '2026年度考核登记表' });
  t.is(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id;
  const notice = await noticeOf(id);
  const producer = await sys.as('producer1');

  // Another material of the same cadre and category: the notice stays open, its deadline too.
  const other = await producer.post('/api/process-instances', { processKey: 'material-collection', variables: registration(cadre, daysAgo(sys, 30), { title: '其他考核材料' }) });
  t.is(other.status, 201, JSON.stringify(other.body));
  t.is((await db('material_intakes').where({ instance_id: other.body.id }).first()).notice_id, null);
  t.like(await noticeOf(id), { status: 'open', intake_id: null });
  t.is((await db('deadlines').where({ instance_id: id, status: 'open' })).length, 1);

  // A number that is not an open notice of this unit for the cadre and category is refused at the field.
  const wrong = await producer.post('/api/process-instances', { processKey: 'material-collection', variables: registration(cadre, daysAgo(sys, 2), { title: '考核登记表（补）', noticeNo: '催收-2026-9999' }) });
  t.deepEqual([wrong.status, wrong.body.details?.rule, wrong.body.details?.field], [422, 'notice_not_open', 'noticeNo']);

  // Named by the producer: the notice is answered by it, the 督办 closes.
  const named = await producer.post('/api/process-instances', { processKey: 'material-collection', variables: registration(cadre, daysAgo(sys, 2), { title: '考核登记表（补）', noticeNo: notice.notice_no }) });
  t.is(named.status, 201, JSON.stringify(named.body));
  const intake = await db('material_intakes').where({ instance_id: named.body.id }).first();
  t.like(await noticeOf(id), { status: 'answered', intake_id: intake.id });
  t.is((await db('deadlines').where({ instance_id: id, status: 'open' })).length, 0);
  const mailsBefore = (await mailsTo('producer1', id)).length;

  // The producer withdraws that hand-over: the notice is open again, with an open 督办 and a mail.
  sys.clock.advance(60_000);
  const w = await producer.post(`/api/process-instances/${named.body.id}/withdraw`, { reason: '送错了材料' });
  t.is(w.status, 200, JSON.stringify(w.body));
  t.is((await db('material_intakes').where({ id: intake.id }).first()).status, 'withdrawn');
  t.like(await noticeOf(id), { status: 'open', intake_id: null, closed_at: null });
  const inst = await db('process_instances').where({ id }).first();
  t.is(inst.status, 'running');
  t.true(JSON.parse(inst.active_elements).includes('materialArrived'));
  const open = await db('deadlines').where({ instance_id: id, status: 'open' });
  t.is(open.length, 1);
  t.is(open[0].due_at, notice.due_at);
  t.is((await mailsTo('producer1', id)).length, mailsBefore + 1);
  t.true(!!(await db('audit_log').where({ action: 'collection_notice.reopen', object_id: String(notice.id) }).first()));
  // The office can withdraw it again, as any open notice.
  t.is((await (await sys.as('archivist1')).post(`/api/collection-notices/${notice.id}/withdraw`, { reason: '已当面催交。' })).status, 200);
});

test.serial('given an open notice, the office withdraws it: the case ends as withdrawn, the deadline is cancelled, its timer too; later hand-overs do not answer it', async (t) => {
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false, skip: 1 });
  const { archivist, res } = await sendNotice(cadre.id, daysAgo(sys, 2));
  const id = res.body.id;
  const notice = await noticeOf(id);
  t.is((await (await sys.as('producer1')).post(`/api/collection-notices/${notice.id}/withdraw`, { reason: '不要了' })).status, 403);
  t.is((await (await sys.as('receiver1')).post(`/api/collection-notices/${notice.id}/withdraw`, { reason: '不要了' })).status, 404);
  t.is((await archivist.post(`/api/collection-notices/${notice.id}/withdraw`, { reason: '' })).status, 400);
  const ok = await archivist.post(`/api/collection-notices/${notice.id}/withdraw`, { reason: '材料已由本人直接交来，无需催收。' });
  t.is(ok.status, 200, JSON.stringify(ok.body));
  t.like(await noticeOf(id), { status: 'withdrawn', closed_reason: '材料已由本人直接交来，无需催收。' });
  t.is((await db('process_instances').where({ id }).first()).status, 'completed');
  t.true(!!(await db('history').where({ instance_id: id, element_id: 'withdrawn', event: 'end' }).first()));
  t.is((await db('deadlines').where({ instance_id: id }).first()).status, 'cancelled');
  t.is(await countOf(sys, 'jobs', { instance_id: id, status: 'pending' }), 0);
  const again = await archivist.post(`/api/collection-notices/${notice.id}/withdraw`, { reason: '再撤一次' });
  t.deepEqual([again.status, again.body.code], [409, 'NOTICE_CLOSED']);
  t.true(!!(await db('audit_log').where({ action: 'collection_notice.withdraw', object_id: String(notice.id) }).first()));

  const reg = await (await sys.as('producer1')).post('/api/process-instances', { processKey: 'material-collection', variables: registration(cadre, daysAgo(sys, 2)) });
  t.is(reg.status, 201);
  t.is((await db('material_intakes').where({ instance_id: reg.body.id }).first()).notice_id, null);
  sys.clock.advance(40 * DAY);
  t.is(await sys.services.jobs.pollOnce(), 0);
});

test.serial('a notice is refused for a cadre the office does not hold (404), to an archive office, for a material not yet formed, and from anyone but the archive office', async (t) => {
  const other = await sys.services.db('archives as a').join('org_units as o', 'o.id', 'a.custodian_org_id').where('o.code', '150302-ZZB-DAS').first('a.cadre_id');
  const before = await countOf(sys, 'collection_notices');
  const foreign = await sendNotice(other.cadre_id, daysAgo(sys, 2));
  t.deepEqual([foreign.res.status, foreign.res.body.code], [404, 'NOT_FOUND']);
  const cadre = await plainCadre(sys, { digitised: false, skip: 2 });
  const office = await sendNotice(cadre.id, daysAgo(sys, 2), { producerOrgId: await orgId(sys, '150302-ZZB-DAS') });
  t.is(office.res.body.details?.rule, 'producer_unit');
  const future = await sendNotice(cadre.id, new Date(sys.clock.now().getTime() + 2 * DAY).toISOString().slice(0, 10));
  t.is(future.res.body.details?.rule, 'formed_date_future');
  const applicant = await (await sys.as('producer1')).post('/api/process-instances', { processKey: 'collection-notice', variables: { cadreId: cadre.id, producerOrgId: 1, title: 'x', categoryCode: '3', formedDate: daysAgo(sys, 1) } });
  t.is(applicant.status, 403);
  t.is(await countOf(sys, 'collection_notices'), before);
});

test.serial('a notice sent after the deadline has passed gives one more hand-over period from the notice day: the notice, the deadline and the mail say that day, the light is green, and the reminder comes when it passes', async (t) => {
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false, skip: 3 });
  const { res } = await sendNotice(cadre.id, daysAgo(sys, 50));
  t.is(res.status, 201);
  const id = res.body.id;
  const dueAt = iso(endOfBeijingDay(addCalendarMonths(beijingDay(sys.clock.now()), 1)));
  const notice = await noticeOf(id);
  t.is(notice.due_at, dueAt, 'not formation + 1 month, already past');
  const archivist = await sys.as('archivist1');
  t.is((await archivist.get(`/api/collection-notices/${notice.id}`)).body.dueAt, dueAt);
  const [deadline] = (await archivist.get(`/api/deadlines?instanceId=${id}`)).body.items;
  t.is(deadline.light, 'green');
  t.is((await db('deadlines').where({ instance_id: id }).first()).due_at, dueAt);
  const [mail] = await db('mail_outbox').where({ instance_id: id, event: 'handover_due' });
  t.true(mail.body.includes(`即 ${addCalendarMonths(beijingDay(sys.clock.now()), 1)} 23:59 前移交`), mail.body);
  // The reminder at the end of that day, not before.
  const job = await db('jobs').where({ instance_id: id, status: 'pending' }).first();
  t.true(job.due_at >= dueAt && Date.parse(job.due_at) - Date.parse(dueAt) < 1000, job.due_at);
  sys.clock.set(new Date(Date.parse(dueAt) - 1000));
  t.is(await sys.services.jobs.pollOnce(), 0);
  sys.clock.advance(2000);
  t.is(await sys.services.jobs.pollOnce(), 1);
  t.deepEqual((await mailsTo('producer1', id)).map((m: any) => m.event), ['handover_due', 'handover_due']);
  t.is((await noticeOf(id)).status, 'open', 'still waiting for the material');
});

test('noticeDueDay: the rule’s day while it has not passed, else one more period from the notice day', (t) => {
  t.is(noticeDueDay('2026-11-20', '2026-11-28', 1), '2026-12-20');
  t.is(noticeDueDay('2026-10-28', '2026-11-28', 1), '2026-11-28', 'due today: still the rule’s day');
  // The tester's case: formed 20 October, chased 28 November — due 28 December, not 20 November.
  t.is(noticeDueDay('2026-10-20', '2026-11-28', 1), '2026-12-28');
  t.is(noticeDueDay('2026-10-01', '2027-01-31', 1), '2027-02-28', 'a month-end notice day: the last day of the next month');
});

test.serial('a notice case withdrawn from the case page ends the notice and cancels its deadline too', async (t) => {
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false, skip: 4 });
  const { archivist, res } = await sendNotice(cadre.id, daysAgo(sys, 3));
  const w = await archivist.post(`/api/process-instances/${res.body.id}/withdraw`, { reason: '发错单位。' });
  t.is(w.status, 200, JSON.stringify(w.body));
  t.like(await noticeOf(res.body.id), { status: 'withdrawn' });
  t.is((await db('deadlines').where({ instance_id: res.body.id }).first()).status, 'cancelled');
  t.is(await countOf(sys, 'jobs', { instance_id: res.body.id, status: 'pending' }), 0);
});

test.serial('the notice’s unit list offers only units that form materials — no region, no archive office — and the server refuses the same', async (t) => {
  const db = sys.services.db;
  const archivist = await sys.as('archivist1');
  const list = await archivist.get('/api/lookups/org-units?producer=true');
  t.is(list.status, 200);
  const offered = new Set(list.body.map((o: any) => o.id));
  const all = await db('org_units').select('id', 'kind', 'is_custodian', 'name');
  t.true(all.some((o: any) => o.kind === 'region') && all.some((o: any) => !!o.is_custodian), 'the fixture has both');
  for (const o of all) t.is(offered.has(o.id), o.kind !== 'region' && !o.is_custodian, o.name);
  t.true(offered.has(await orgId(sys, '150300-RSJ')));
  const cadre = await plainCadre(sys, { digitised: false, skip: 5 });
  const region = all.find((o: any) => o.kind === 'region');
  const refused = await sendNotice(cadre.id, daysAgo(sys, 2), { producerOrgId: region.id });
  t.is(refused.res.status, 422);
  t.is(refused.res.body.details?.rule, 'producer_unit');
});
