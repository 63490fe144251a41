// Every timer of 转递, with the movable clock and the job poller: the 2-month transfer limit in the
// 督办 list (green → yellow → red, the notice when nothing was sent in time, silence when it was),
// the receipt chased once it is RECEIPT_CHASE_MONTHS calendar month overdue (repeatedly), and the
// 2-month review limit. Each limit ends at the end of a Beijing day (deadlines/service.ts monthsAfter).
import test from 'ava';
import { iso } from '../../server/clock.ts';
import { monthsAfter } from '../../server/deadlines/service.ts';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { cityCadre, completeAt, inCaseOf, instance, moveToHaibowan, openTasks, order, prepareAndApprove, send } from './transfer-helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(sys.clock.now());
const userId = async (username: string) => (await sys.services.db('users').where({ username }).first()).id;
const mails = async (event: string, instanceId: string) => sys.services.db('mail_outbox').where({ event, instance_id: instanceId });
/** Fires every due job of the system; answers how many of this case's timers have fired so far. */
const poll = async (id: string) => {
  await sys.services.jobs.pollOnce();
  return (await sys.services.db('jobs').where({ instance_id: id, status: 'done' })).length;
};
const history = async (id: string) => (await sys.services.db('history').where({ instance_id: id, event: 'end' }).orderBy('id')).map((h: any) => h.element_id);

test.serial('the 2-month transfer limit: green, yellow, red in the 督办 list; a notice when nothing was sent by then', async (t) => {
  const cadre = await cityCadre(sys);
  const noticeDay = today();
  const res = await moveToHaibowan(sys, await sys.as('archivist1'), cadre.cadreId, noticeDay);
  t.is(res.status, 201, JSON.stringify(res.body));
  const id = res.body.transfer.instanceId;
  const light = async (username: string) => {
    const list = await (await sys.as(username)).get(`/api/deadlines?kind=transfer&instanceId=${id}`);
    return list.body.items.map((d: any) => d.light);
  };
  t.deepEqual(await light('archivist1'), ['green']);
  t.deepEqual(await light('chief1'), ['green']);
  t.deepEqual(await light('leader1'), ['green']);
  t.deepEqual(await light('receiver1'), [], 'the receiving office does not watch the sender');

  sys.clock.advanceDays(50);
  t.is(await poll(id), 0);
  t.deepEqual(await light('archivist1'), ['yellow']);

  // notice day + 2 calendar months, met until the end of that Beijing day
  const due = monthsAfter(noticeDay, 2);
  t.is((await order(sys, id)).due_at, iso(due));
  sys.clock.set(new Date(due.getTime() - 3_600_000));
  t.deepEqual(await light('archivist1'), ['yellow'], 'the last day is still in time');
  t.is(await poll(id), 0);
  sys.clock.set(new Date(due.getTime() + 1));
  t.deepEqual(await light('archivist1'), ['red']);
  t.is((await mails('transfer_due', id)).length, 0);
  t.is(await poll(id), 1);
  const notices = await mails('transfer_due', id);
  t.deepEqual(notices.map((m: any) => m.recipient_id), [await userId('archivist1')]);
  t.true(notices[0].subject.includes('档案转递期限'));
  t.true((await history(id)).includes('notifyTransferDue'));
  t.deepEqual(await openTasks(sys, id), ['prepareArchive'], 'the work itself goes on');

  // sent late: the limit closes, marked late
  await prepareAndApprove(sys, id, cadre.cadreId);
  t.is((await send(sys, id)).status, 200);
  const closed = (await (await sys.as('archivist1')).get(`/api/deadlines?kind=transfer&instanceId=${id}&status=all`)).body.items;
  t.is(closed.length, 1);
  t.is(closed[0].status, 'closed');
  t.true(closed[0].closedLate);
});

test.serial('sent within the limit: when the limit passes, nobody is warned', async (t) => {
  const cadre = await cityCadre(sys);
  const id = (await moveToHaibowan(sys, await sys.as('archivist1'), cadre.cadreId, today())).body.transfer.instanceId;
  await prepareAndApprove(sys, id, cadre.cadreId);
  t.is((await send(sys, id)).status, 200);
  // the receipt is chased after a month (not the subject here), the limit passes after two
  sys.clock.set(new Date(monthsAfter(today(), 2).getTime() + 1));
  await poll(id);
  const ended = await history(id);
  t.true(ended.includes('limitMet'));
  t.false(ended.includes('notifyTransferDue'));
  t.is((await mails('transfer_due', id)).length, 0);
  const limit = (await (await sys.as('archivist1')).get(`/api/deadlines?kind=transfer&instanceId=${id}&status=all`)).body.items[0];
  t.false(limit.closedLate);
});

test.serial('no receipt: the receiving office is chased once the receipt is a month overdue, again each month, each chase recorded; the receipt stops it', async (t) => {
  const db = sys.services.db;
  const cadre = await cityCadre(sys);
  const id = (await moveToHaibowan(sys, await sys.as('archivist1'), cadre.cadreId, today())).body.transfer.instanceId;
  await prepareAndApprove(sys, id, cadre.cadreId);
  t.is((await send(sys, id)).status, 200);
  const out = await order(sys, id);
  const inId = (await inCaseOf(sys, id))!;

  const receiptDue = monthsAfter(out.sent_at, 1);
  t.is((await db('deadlines').where({ instance_id: id, kind: 'receipt' }).first()).due_at, iso(receiptDue));
  /** Fires every due job; answers how many chases of this case have fired so far. */
  const chased = async () => {
    await sys.services.jobs.pollOnce();
    return (await db('jobs').where({ instance_id: id, element_id: 'chase', status: 'done' })).length;
  };
  sys.clock.set(new Date(receiptDue.getTime() - 3_600_000));
  t.is(await chased(), 0, 'not chased on the last day of the month');
  t.deepEqual((await (await sys.as('archivist1')).get(`/api/deadlines?kind=receipt&instanceId=${id}`)).body.items.map((d: any) => d.light), ['yellow']);

  sys.clock.set(new Date(receiptDue.getTime() + 1000));
  t.is(await chased(), 1);
  sys.clock.advanceDays(32);
  t.is(await chased(), 2);

  const chases = await db('transfer_chases').where({ order_id: out.id }).orderBy('seq');
  t.deepEqual(chases.map((c: any) => [c.seq, c.channel]), [[1, 'mail'], [2, 'mail']]);
  const notices = await mails('receipt_chase', id);
  t.is(notices.length, 2);
  const receiver1 = await userId('receiver1');
  t.true(notices.every((m: any) => m.recipient_id === receiver1));
  t.true(notices[0].subject.includes('催退回执'));
  t.true(notices[0].body.includes(`乌海档转字第${out.slip_no}号`));
  t.deepEqual((await (await sys.as('archivist1')).get(`/api/deadlines?kind=receipt&instanceId=${id}`)).body.items.map((d: any) => d.light), ['red']);
  const detail = await (await sys.as('archivist1')).get(`/api/transfers/${out.id}`);
  t.deepEqual(detail.body.chases.map((c: any) => c.channelLabel), ['系统通知接收单位', '系统通知接收单位']);
  t.is((await db('jobs').where({ instance_id: id, element_id: 'chase', status: 'pending' })).length, 1);

  t.is((await completeAt(await sys.as('receiver1'), inId, 'checkPackage', { decision: 'accept', comment: '迟收，查收无误。' })).status, 200);
  t.is((await instance(sys, id)).status, 'completed');
  t.is((await db('jobs').where({ instance_id: id, status: 'pending' })).length, 0);
  sys.clock.advanceDays(32);
  t.is(await chased(), 2);
  t.is((await db('transfer_chases').where({ order_id: out.id })).length, 2);
});

test.serial('review and storage not done within 2 months of receipt: the receiving archivists are warned, the work stays open', async (t) => {
  const db = sys.services.db;
  const cadre = await cityCadre(sys);
  const id = (await moveToHaibowan(sys, await sys.as('archivist1'), cadre.cadreId, today())).body.transfer.instanceId;
  await prepareAndApprove(sys, id, cadre.cadreId);
  t.is((await send(sys, id)).status, 200);
  const inId = (await inCaseOf(sys, id))!;
  t.is((await completeAt(await sys.as('receiver1'), inId, 'checkPackage', { decision: 'accept', comment: '查收无误。' })).status, 200);
  const review = await db('deadlines').where({ instance_id: inId, kind: 'review' }).first();
  const due = monthsAfter(today(), 2);
  t.is(review.due_at, iso(due), 'the day of receipt + 2 calendar months, to the end of that day');

  sys.clock.set(new Date(due.getTime() - 3_600_000));
  t.is(await poll(inId), 0);
  sys.clock.set(new Date(due.getTime() + 1));
  t.is(await poll(inId), 1);
  const warned = await mails('review_due', inId);
  t.deepEqual(warned.map((m: any) => m.recipient_id), [await userId('receiver1')]);
  t.deepEqual(await openTasks(sys, inId), ['reviewAndStore']);
  const list = await (await sys.as('receiver1')).get(`/api/deadlines?kind=review&instanceId=${inId}`);
  t.deepEqual(list.body.items.map((d: any) => d.light), ['red']);
  t.is((await (await sys.as('archivist1')).get(`/api/deadlines?kind=review&instanceId=${inId}`)).body.items.length, 0);

  sys.clock.advanceDays(3);
  t.is((await completeAt(await sys.as('receiver1'), inId, 'reviewAndStore', { reviewed: true, room: '2', cabinet: '1', shelf: '1' })).status, 200);
  const closed = (await (await sys.as('receiver1')).get(`/api/deadlines?kind=review&instanceId=${inId}&status=all`)).body.items[0];
  t.is(closed.status, 'closed');
  t.true(closed.closedLate);
});

test.serial('an open chase-by-letter task is withdrawn when the paper receipt comes', async (t) => {
  const cadre = await cityCadre(sys);
  const archivist = await sys.as('archivist1');
  const started = await archivist.post('/api/process-instances', {
    processKey: 'transfer',
    variables: { cadreId: cadre.cadreId, reason: 'transfer', destinationKind: 'outside_office', toUnitName: '呼和浩特市委组织部干部档案室', noticeNo: '乌组干〔2027〕3号', noticeDate: today() },
  });
  t.is(started.status, 201, JSON.stringify(started.body));
  const id = started.body.id;
  await prepareAndApprove(sys, id, cadre.cadreId);
  t.is((await send(sys, id)).status, 200);
  sys.clock.set(new Date(monthsAfter(today(), 1).getTime() + 1000));
  await poll(id);
  t.deepEqual(await openTasks(sys, id), ['chaseByLetter']);
  const o = await order(sys, id);
  const r = await (await sys.as('archivist1')).post(`/api/transfers/${o.id}/receipt`, { receivedOn: today(), signer: '赵敏' });
  t.is(r.status, 200, JSON.stringify(r.body));
  t.deepEqual(await openTasks(sys, id), []);
  const task = await sys.services.db('tasks').where({ instance_id: id, element_id: 'chaseByLetter' }).first();
  t.is(task.status, 'cancelled');
  t.is((await instance(sys, id)).status, 'completed');
});
