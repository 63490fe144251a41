// 转递's limits are calendar months (第二十五条 "2个月内", 民法典 第二百零二条): a transfer noticed on
// 30 April is due 30 June, not 29 June; one noticed on 31 December is due 28 February; an archive
// received on 30 April is reviewed by 30 June, and its timer and 督办 fire after that day, not before;
// the 回执 is chased once it is a month overdue. The former *_DAYS settings are refused at start-up,
// and a case still running on a diagram deployed before keeps its timer.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { MovableClock } from '../../server/clock.ts';
import { loadConfig } from '../../server/config.ts';
import { monthsAfter } from '../../server/deadlines/service.ts';
import { addCalendarMonths } from '../../server/notify/beijing.ts';
import { render } from '../../server/notify/templates.ts';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { cityCadre, completeAt, inCaseOf, moveToHaibowan, openTasks, order, prepareAndApprove, send } from './transfer-helpers.ts';

let sys: TestSystem;
test.before(async () => {
  // 30 April 2026, 10:00 in Beijing
  sys = await startSystem({ clock: new MovableClock('2026-04-30T02:00:00.000Z') });
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const deadline = async (instanceId: string, kind: string) => db()('deadlines').where({ instance_id: instanceId, kind }).first();
const job = async (instanceId: string, elementId: string) => db()('jobs').where({ instance_id: instanceId, element_id: elementId }).orderBy('created_at', 'desc').first();
const mails = async (event: string, instanceId: string) => db()('mail_outbox').where({ event, instance_id: instanceId });
const poll = () => sys.services.jobs.pollOnce();
const beijing = (day: string, time: string) => new Date(`${day}T${time}+08:00`);
const END_OF_30_JUNE = '2026-06-30T15:59:59.999Z';

test('calendar months end on the corresponding day, or the last day of a shorter month (民法典 第二百零二条)', (t) => {
  t.is(addCalendarMonths('2026-04-30', 2), '2026-06-30', 'not 29 June (60 days)');
  t.is(addCalendarMonths('2026-12-31', 2), '2027-02-28');
  t.is(addCalendarMonths('2027-12-31', 2), '2028-02-29', 'a leap year');
  t.is(addCalendarMonths('2026-07-31', 1), '2026-08-31');
  // met until the end of that Beijing day; an instant counts from its Beijing day
  t.is(monthsAfter('2026-04-30', 2).toISOString(), END_OF_30_JUNE);
  t.is(monthsAfter('2026-04-29T16:30:00.000Z', 2).toISOString(), END_OF_30_JUNE, '00:30 on 30 April in Beijing is 30 April');
  t.is(monthsAfter('2026-12-31', 2).toISOString(), '2027-02-28T15:59:59.999Z');
});

test('the limits are configured in months; the former day settings are refused at start-up, naming the replacement', (t) => {
  const p = loadConfig({}).params;
  t.like(p, { transferDeadlineMonths: 2, inboundReviewMonths: 2, receiptChaseMonths: 1 });
  t.like(loadConfig({ TRANSFER_DEADLINE_MONTHS: '1', INBOUND_REVIEW_MONTHS: '3', RECEIPT_CHASE_MONTHS: '2' }).params, { transferDeadlineMonths: 1, inboundReviewMonths: 3, receiptChaseMonths: 2 });
  t.throws(() => loadConfig({ TRANSFER_DEADLINE_DAYS: '60' }), { message: /TRANSFER_DEADLINE_DAYS is replaced by TRANSFER_DEADLINE_MONTHS/ });
  t.throws(() => loadConfig({ INBOUND_REVIEW_DAYS: '60' }), { message: /INBOUND_REVIEW_DAYS is replaced by INBOUND_REVIEW_MONTHS/ });
  t.throws(() => loadConfig({ RECEIPT_CHASE_DAYS: '30' }), { message: /RECEIPT_CHASE_DAYS is replaced by RECEIPT_CHASE_MONTHS/ });
  t.throws(() => loadConfig({ TRANSFER_DEADLINE_MONTHS: '0' }), { message: /TRANSFER_DEADLINE_MONTHS/ });
  t.throws(() => loadConfig({ INBOUND_REVIEW_MONTHS: '13' }), { message: /INBOUND_REVIEW_MONTHS/ });
});

test.serial('noticed and received on 30 April: transfer and review due 30 June, the receipt chased after 30 May; each fires after its day, not before', async (t) => {
  const archivist = await sys.as('archivist1');
  // A: sent, never receipted (the chase); B: sent and received the same day (the review); C: never sent (the transfer limit)
  const started = [];
  for (let i = 0; i < 3; i++) {
    const cadre = await cityCadre(sys, 0);
    const res = await moveToHaibowan(sys, archivist, cadre.cadreId, '2026-04-30');
    t.is(res.status, 201, JSON.stringify(res.body));
    started.push({ cadre, id: res.body.transfer.instanceId as string });
  }
  const [a, b, c] = started;
  for (const x of started) {
    t.is((await order(sys, x.id)).due_at, END_OF_30_JUNE, 'the order says 30 June');
    t.is((await deadline(x.id, 'transfer')).due_at, END_OF_30_JUNE, 'so does the 督办');
    t.is((await job(x.id, 'transferLimit')).due_at, END_OF_30_JUNE, 'and the limit timer');
  }
  const page = await archivist.get(`/api/transfers/${(await order(sys, c.id)).id}`);
  t.is(page.status, 200);
  t.is(page.body.dueAt, END_OF_30_JUNE, 'the transfer page shows 30 June');

  for (const x of [a, b]) {
    await prepareAndApprove(sys, x.id, x.cadre.cadreId);
    t.is((await send(sys, x.id)).status, 200);
  }
  const receiptDue = '2026-05-30T15:59:59.999Z';
  t.is((await deadline(a.id, 'receipt')).due_at, receiptDue, 'sent 30 April: the receipt is due by the end of 30 May');
  const inB = (await inCaseOf(sys, b.id))!;
  t.is((await completeAt(await sys.as('receiver1'), inB, 'checkPackage', { decision: 'accept', comment: '查收无误。' })).status, 200);
  t.is((await deadline(inB, 'review')).due_at, END_OF_30_JUNE, 'received 30 April: reviewed by 30 June');
  t.is((await job(inB, 'reviewOverdue')).due_at, END_OF_30_JUNE, 'the review timer waits until then');
  t.deepEqual(await openTasks(sys, inB), ['reviewAndStore']);

  // 30 May, late evening: the receipt is not yet a month overdue
  sys.clock.set(beijing('2026-05-30', '23:00:00'));
  await poll();
  t.is((await db()('transfer_chases').where({ order_id: (await order(sys, a.id)).id })).length, 0);
  // 31 May: chased
  sys.clock.set(beijing('2026-05-31', '00:00:01'));
  await poll();
  t.is((await db()('transfer_chases').where({ order_id: (await order(sys, a.id)).id })).length, 1);
  t.is((await mails('receipt_chase', a.id)).length, 1);

  // 30 June, late evening: neither the review nor the transfer limit has passed
  sys.clock.set(beijing('2026-06-30', '23:00:00'));
  await poll();
  t.is((await mails('review_due', inB)).length, 0, 'no review warning on 30 June');
  t.is((await mails('transfer_due', c.id)).length, 0, 'no transfer warning on 30 June');
  const lights = async (username: string, kind: string, id: string) =>
    (await (await sys.as(username)).get(`/api/deadlines?kind=${kind}&instanceId=${id}`)).body.items.map((d: any) => d.light);
  t.deepEqual(await lights('receiver1', 'review', inB), ['yellow']);
  t.deepEqual(await lights('archivist1', 'transfer', c.id), ['yellow']);

  // 1 July: both are overdue; the warnings name 30 June and say 2 个月
  sys.clock.set(beijing('2026-07-01', '00:00:01'));
  await poll();
  const review = await mails('review_due', inB);
  t.is(review.length, 1);
  t.true(review[0].body.includes('应在接收之日起2个月内、即 2026-06-30 23:59 前完成审核入库'), review[0].body);
  const transfer = await mails('transfer_due', c.id);
  t.is(transfer.length, 1);
  t.true(transfer[0].body.includes('应在2个月内、即 2026-06-30 23:59 前完成核对整理和转递'), transfer[0].body);
  t.deepEqual(await lights('receiver1', 'review', inB), ['red']);
  t.deepEqual(await lights('archivist1', 'transfer', c.id), ['red']);
  t.deepEqual(await openTasks(sys, inB), ['reviewAndStore'], 'the review itself stays open');
});

test('the start form says the transfer limit in months, from the installation', async (t) => {
  const res = await (await sys.as('archivist1')).get('/api/forms/transfer-start?processKey=transfer');
  t.is(res.status, 200, JSON.stringify(res.body));
  const text = JSON.stringify(res.body);
  t.true(text.includes('2 个月转递期限自此日起算（按日历月计，到期日为对应日）'), text);
  t.false(text.includes('{params.'));
});

test('the warnings name the configured number of months, in both languages', (t) => {
  const v = { recipientName: '王芳', caseRef: 'ZC-2026-0001', dueAt: '2026-05-30 23:59', months: '1' };
  t.true(render('transfer_due', 'zh', v, 'http://x').body.includes('应在1个月内、即 2026-05-30 23:59 前'));
  t.true(render('transfer_due', 'en', v, 'http://x').body.includes('within one month, by 2026-05-30 23:59'));
  t.true(render('review_due', 'en', { ...v, months: '3' }, 'http://x').body.includes('within three months of receipt'));
  // a warning queued before the months were a variable still reads right
  const { months: _m, ...queued } = v;
  t.true(render('review_due', 'zh', queued, 'http://x').body.includes('接收之日起2个月内'));
});

test.serial('noticed on 31 December: due on 28 February, the last day of the shorter month', async (t) => {
  sys.clock.set(beijing('2027-01-04', '10:00:00'));
  const cadre = await cityCadre(sys, 0);
  const res = await moveToHaibowan(sys, await sys.as('archivist1'), cadre.cadreId, '2026-12-31');
  t.is(res.status, 201, JSON.stringify(res.body));
  const id = res.body.transfer.instanceId;
  t.is((await order(sys, id)).due_at, '2027-02-28T15:59:59.999Z');
  t.is((await deadline(id, 'transfer')).due_at, '2027-02-28T15:59:59.999Z');
  t.is((await job(id, 'transferLimit')).due_at, '2027-02-28T15:59:59.999Z');
});

test.serial('a case on a transfer-in diagram deployed before the months keeps its day timer and runs on', async (t) => {
  // The diagram as shipped before: a P{params.inboundReviewDays}D timer.
  const current = readFileSync('processes/transfer-in.bpmn', 'utf8');
  const before = current
    .replace('<bpmn:timeDate>=reviewDueAt</bpmn:timeDate>', '<bpmn:timeDuration>="P" + string(params.inboundReviewDays) + "D"</bpmn:timeDuration>')
    .replace('{params.inboundReviewMonths} 个月内', '{params.inboundReviewDays} 天内');
  t.not(before, current);
  const deploy = (xml: string) => db().transaction(async (trx) => (await sys.services.engine.definitions.deploy(trx, xml, null)).deployment);
  const old = await deploy(before);
  const cadre = await cityCadre(sys, 0);
  const id = (await moveToHaibowan(sys, await sys.as('archivist1'), cadre.cadreId, '2027-01-04')).body.transfer.instanceId;
  await prepareAndApprove(sys, id, cadre.cadreId);
  t.is((await send(sys, id)).status, 200);
  const inId = (await inCaseOf(sys, id))!;
  t.is((await db()('process_instances').where({ id: inId }).first()).deployment_id, old.id, 'started on the old version');
  // the current diagram is deployed again while the case waits
  t.not((await deploy(current)).id, old.id);

  const now = sys.clock.now();
  t.is((await completeAt(await sys.as('receiver1'), inId, 'checkPackage', { decision: 'accept', comment: '查收无误。' })).status, 200);
  t.deepEqual(await openTasks(sys, inId), ['reviewAndStore']);
  t.is((await db()('process_instances').where({ id: inId }).first()).status, 'running', 'no incident');
  // 31 days a month: the old timer never fires before the calendar-month deadline
  const timer = await job(inId, 'reviewOverdue');
  t.is(new Date(timer.due_at).getTime() - now.getTime(), 62 * 86_400_000);
  t.true(timer.due_at >= (await deadline(inId, 'review')).due_at);
});
