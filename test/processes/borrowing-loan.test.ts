// 借阅 (processes/borrowing.bpmn, mode loan) walked over HTTP by the demo users, with the movable
// clock for its timers: check-out against the catalogue, the reminder the day before and the
// overdue escalation, renewal granted and refused (and every way of asking wrongly), and the
// return check — intact, damaged, lost — with the archive's status, the loan, the 督办 deadline,
// the mails and the 查阅登记簿 asserted after each step.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { approve, completeAt, reject, taskAt } from '../helpers/workflow.ts';
import { approveStep, borrowingVariables, demoCadre, todayIn, type DemoCadre } from '../helpers/cases.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const poll = () => sys.services.jobs.pollOnce();
const userId = async (u: string) => (await db()('users').where({ username: u }).first()).id as number;
const requestOf = (instanceId: string) => db()('utilization_requests').where({ instance_id: instanceId }).first();
const loanOf = async (instanceId: string) => db()('loans').where({ request_id: (await requestOf(instanceId)).id }).first();
const archiveStatus = async (id: number) => (await db()('archives').where({ id }).first()).status;
const mails = (instanceId: string, event: string) => db()('mail_outbox').where({ instance_id: instanceId, event }).orderBy('created_at');
const open = async (instanceId: string) => (await db()('tasks').where({ instance_id: instanceId, status: 'open' })).map((t: any) => t.element_id).sort();
const CHECKOUT = { checkedAgainstCatalogue: true, sealed: true, comment: '共两卷，已密封。' };

/** 09:00 in Beijing on the next day: every scenario starts on a fresh morning. */
function nextMorning() {
  sys.clock.set(new Date(Date.parse(`${todayIn(sys)}T09:00:00+08:00`) + DAY));
}

/** A loan of `days` days, approved by the whole chain (a loan always reaches the leader) and checked out. */
async function lent(cadre: DemoCadre, days = 5) {
  nextMorning();
  const c = await sys.as('applicant1');
  const res = await c.post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', cadre, { mode: 'loan', loanDays: days }) });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  const id = res.body.id as string;
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'archivist1', id, 'archivistReview');
  await approveStep(sys, 'chief1', id, 'chiefApproval');
  await approveStep(sys, 'leader1', id, 'leaderApproval', '同意借出，按期归还。');
  const done = await completeAt(await sys.as('archivist1'), id, 'loanCheckout', CHECKOUT);
  if (done.status !== 200) throw new Error(JSON.stringify(done.body));
  return id;
}

/** The end of the Beijing day `days` after today: a loan's due instant. */
const dueAfter = (days: number) => new Date(Date.parse(`${todayIn(sys)}T00:00:00+08:00`) + (days + 1) * DAY - 1).toISOString();

test.serial('given an approved loan, when the archivist checks it out, then the archive is 借出 with its 出借清单 and due date; the reminder comes the day before; an intact return puts it back 在库 and closes the case', async (t) => {
  const cadre = await demoCadre(sys, 'county', 10);
  const id = await lent(cadre, 5);
  const due = dueAfter(5);
  const loan = await loanOf(id);
  const catalogue = await db()('materials').where({ archive_id: cadre.archiveId });
  t.like(loan, { status: 'on_loan', due_at: due, borrower_id: await userId('applicant1'), material_count: catalogue.length, archive_id: cadre.archiveId });
  t.is(loan.page_count, catalogue.reduce((n: number, m: any) => n + m.pages, 0));
  t.is(JSON.parse(loan.snapshot).length, catalogue.length);
  t.is(await archiveStatus(cadre.archiveId), 'on_loan');
  const history = await db()('archive_status_history').where({ archive_id: cadre.archiveId }).orderBy('id', 'desc').first();
  t.like(history, { from_status: 'in_stock', to_status: 'on_loan', instance_id: id });
  t.like(await requestOf(id), { status: 'on_loan', kind: 'loan' });
  const deadline = await db()('deadlines').where({ instance_id: id, kind: 'loan_due' }).first();
  t.like(deadline, { status: 'open', due_at: due });
  // The return check waits for the borrower: it has no due date of its own (the archivist is not
  // late when the borrower is); the loan's due date is the 督办 deadline above.
  const task = await taskAt(await sys.as('archivist1'), id, 'loanReturn');
  t.is(task.dueAt, null);
  const jobs = await db()('jobs').where({ instance_id: id, status: 'pending' }).orderBy('due_at');
  const remindAt = new Date(Date.parse(due) + 1 - 2 * DAY + 9 * HOUR).toISOString();
  t.deepEqual(jobs.map((j: any) => [j.element_id, j.due_at]), [
    ['loanDueSoon', remindAt],
    ['loanOverdue', new Date(Date.parse(due) + 1).toISOString()],
  ]);

  // The day before the due day at 09:00: the borrower is reminded, once, and the loan goes on.
  sys.clock.set(new Date(Date.parse(remindAt) - 1000));
  await poll();
  t.is((await mails(id, 'loan_due_soon')).length, 0);
  sys.clock.set(remindAt);
  await poll();
  await poll();
  const reminded = await mails(id, 'loan_due_soon');
  t.is(reminded.length, 1);
  t.is(reminded[0].recipient_id, await userId('applicant1'));
  t.deepEqual((await db()('loan_notices').where({ loan_id: loan.id })).map((n: any) => n.kind), ['due_soon']);
  t.deepEqual(await open(id), ['loanReturn']);

  // Returned on time and intact.
  sys.clock.advance(3 * HOUR);
  const back = await completeAt(await sys.as('archivist1'), id, 'loanReturn', { intact: 'yes', comment: '当面核对，与出借清单一致。' });
  t.is(back.status, 200);
  t.is(back.body.instance.status, 'completed');
  t.is(await archiveStatus(cadre.archiveId), 'in_stock');
  t.like(await loanOf(id), { status: 'returned', check_result: 'intact', returned_at: sys.clock.now().toISOString(), return_checked_by: await userId('archivist1') });
  t.like(await db()('deadlines').where({ instance_id: id, kind: 'loan_due' }).first(), { status: 'closed' });
  t.is((await db()('jobs').where({ instance_id: id, status: 'pending' })).length, 0, 'the overdue timer is gone');
  const entry = await db()('reading_register').where({ request_id: loan.request_id }).first();
  t.like(entry, { mode: 'loan', end_reason: 'returned', started_at: loan.checked_out_at, signed_by: await userId('applicant1') });
  t.like(await requestOf(id), { status: 'closed' });
  t.is((await mails(id, 'loan_overdue')).length, 0);
});

test.serial('given a loan nobody returns, when the due date passes, then the borrower’s unit head and the chief are told, the loan is overdue and the 督办 light is red', async (t) => {
  const cadre = await demoCadre(sys, 'county', 11);
  const id = await lent(cadre, 3);
  const due = dueAfter(3);
  sys.clock.set(new Date(Date.parse(due) + 2 * HOUR));
  await poll();
  await poll();
  const overdue = await mails(id, 'loan_overdue');
  t.deepEqual(overdue.map((m: any) => m.recipient_id).sort(), [await userId('unithead1'), await userId('chief1')].sort());
  t.is((await mails(id, 'loan_due_soon')).length, 1, 'the reminder went out too, before');
  t.like(await loanOf(id), { status: 'overdue' });
  t.like(await requestOf(id), { status: 'overdue' });
  t.deepEqual((await db()('loan_notices').where({ loan_id: (await loanOf(id)).id }).orderBy('id')).map((n: any) => n.kind), ['due_soon', 'overdue']);
  const light = await (await sys.as('chief1')).get(`/api/deadlines?instanceId=${id}`);
  t.is(light.body.items[0].light, 'red');
  const loans = await (await sys.as('archivist1')).get('/api/loans?state=overdue');
  t.true(loans.body.items.some((l: any) => l.instanceId === id && l.overdue));
  // Returned late: the deadline closes late, the archive is back.
  t.is((await completeAt(await sys.as('archivist1'), id, 'loanReturn', { intact: 'yes', comment: '逾期两小时归还，完好。' })).status, 200);
  t.is(await archiveStatus(cadre.archiveId), 'in_stock');
  const d = await (await sys.as('chief1')).get(`/api/deadlines?instanceId=${id}&status=closed`);
  t.true(d.body.items[0].closedLate);
});

test.serial('given a loan, when the borrower asks for a renewal and the chief and the leader agree, then the due date moves, the old timers do not fire and the new ones do', async (t) => {
  const cadre = await demoCadre(sys, 'county', 12);
  const id = await lent(cadre, 5);
  const loan = await loanOf(id);
  sys.clock.advance(2 * DAY);
  const borrower = await sys.as('applicant1');
  const res = await borrower.post(`/api/loans/${loan.id}/renewal`, { days: 3, reason: '考察工作延长，需继续使用。' });
  t.is(res.status, 201, JSON.stringify(res.body));
  t.deepEqual(res.body.activeElements, ['renewalApproval']);
  t.deepEqual(await open(id), ['renewalApproval'], 'the return check waits while the renewal is decided');
  const comment = await db()('case_comments').where({ instance_id: id }).orderBy('id', 'desc').first();
  t.regex(comment.body, /^申请续借 3 天（至 \d{4}-\d{2}-\d{2}）。理由：考察工作延长，需继续使用。$/);
  t.like(await db()('loan_renewals').where({ loan_id: loan.id }).first(), { status: 'pending', days: 3, old_due_at: loan.due_at });
  t.like(await db()('audit_log').where({ action: 'loan.renewal_request' }).orderBy('seq', 'desc').first(), { object_id: String(loan.id) });

  await approveStep(sys, 'chief1', id, 'renewalApproval', '同意续借三天。');
  await approveStep(sys, 'leader1', id, 'renewalLeaderApproval', '同意。');
  const newDue = new Date(Date.parse(loan.due_at) + 3 * DAY).toISOString();
  t.like(await loanOf(id), { due_at: newDue, status: 'on_loan' });
  t.like(await db()('loan_renewals').where({ loan_id: loan.id }).first(), { status: 'granted', new_due_at: newDue });
  t.like(await db()('deadlines').where({ instance_id: id, kind: 'loan_due', status: 'open' }).first(), { due_at: newDue });
  t.deepEqual(await open(id), ['loanReturn']);
  t.is((await taskAt(await sys.as('archivist1'), id, 'loanReturn')).dueAt, null, 'the return check has no due date of its own');
  // The archivist's old link (the first 待认领 mail) leads to the return check as it is now.
  const [first, again] = await db()('tasks').where({ instance_id: id, element_id: 'loanReturn' }).orderBy('created_at').orderBy('id');
  const viaOldLink = await (await sys.as('archivist1')).get(`/api/tasks/${first.id}`);
  t.like(viaOldLink.body, { status: 'cancelled', closedReason: 'stepCancelled', reopenedAs: again.id });
  t.is((await (await sys.as('archivist1')).get(`/api/tasks/${again.id}`)).body.reopenedAs, null);
  const opinions = await db()('request_approvals').where({ request_id: loan.request_id }).orderBy('id');
  t.deepEqual(opinions.slice(-2).map((o: any) => [o.element_id, o.decision]), [['renewalApproval', 'approve'], ['renewalLeaderApproval', 'approve']]);

  // The old due date passes quietly; the new one does not.
  sys.clock.set(new Date(Date.parse(loan.due_at) + HOUR));
  await poll();
  await poll();
  t.is((await mails(id, 'loan_overdue')).length, 0);
  t.like(await loanOf(id), { status: 'on_loan' });
  sys.clock.set(new Date(Date.parse(newDue) + HOUR));
  await poll();
  await poll();
  t.is((await mails(id, 'loan_overdue')).length, 2);
  t.like(await loanOf(id), { status: 'overdue' });
});

test.serial('given a renewal, when the chief refuses it, then the due date stands and the return check waits again; the leader may refuse too', async (t) => {
  const cadre = await demoCadre(sys, 'county', 13);
  const id = await lent(cadre, 5);
  const loan = await loanOf(id);
  const borrower = await sys.as('applicant1');
  t.is((await borrower.post(`/api/loans/${loan.id}/renewal`, { days: 2, reason: '需要继续核对材料。' })).status, 201);
  t.is((await completeAt(await sys.as('chief1'), id, 'renewalApproval', reject('借阅期限已足够，不同意续借。'))).status, 200);
  t.like(await db()('loan_renewals').where({ loan_id: loan.id }).first(), { status: 'refused', new_due_at: null });
  t.like(await loanOf(id), { due_at: loan.due_at, status: 'on_loan' });
  t.deepEqual(await open(id), ['loanReturn']);
  t.like(await db()('deadlines').where({ instance_id: id, kind: 'loan_due', status: 'open' }).first(), { due_at: loan.due_at });
  const jobs = await db()('jobs').where({ instance_id: id, status: 'pending', element_id: 'loanOverdue' });
  t.is(jobs.length, 1);
  t.is(jobs[0].due_at, new Date(Date.parse(loan.due_at) + 1).toISOString());

  // A second renewal, refused by the leader this time.
  t.is((await borrower.post(`/api/loans/${loan.id}/renewal`, { days: 2, reason: '工作需要，再次申请续借。' })).status, 201);
  await approveStep(sys, 'chief1', id, 'renewalApproval');
  t.is((await completeAt(await sys.as('leader1'), id, 'renewalLeaderApproval', reject('不同意。'))).status, 200);
  const renewals = await db()('loan_renewals').where({ loan_id: loan.id }).orderBy('id');
  t.deepEqual(renewals.map((r: any) => r.status), ['refused', 'refused']);
  t.deepEqual(await open(id), ['loanReturn']);
  t.like(await loanOf(id), { due_at: loan.due_at });
});

test.serial('asking for a renewal wrongly: not the borrower, too many days, after the due date, twice at once, after the return — refused, nothing written', async (t) => {
  const cadre = await demoCadre(sys, 'county', 14);
  const id = await lent(cadre, 2);
  const loan = await loanOf(id);
  const url = `/api/loans/${loan.id}/renewal`;
  const body = { days: 2, reason: '需要继续使用。' };
  const count = async () => Number((await db()('loan_renewals').where({ loan_id: loan.id }).count({ n: '*' }))[0].n);

  const archivist = await (await sys.as('archivist1')).post(url, body);
  t.is(archivist.status, 403, 'only applicants ask');
  const colleague = await (await sys.as('applicant2')).post(url, body);
  t.is(colleague.status, 403, 'the co-applicant reads the loan but is not the borrower');
  t.is(colleague.body.code, 'FORBIDDEN');
  const tooLong = await (await sys.as('applicant1')).post(url, { days: sys.services.config.params.maxLoanDays + 1, reason: '需要继续使用。' });
  t.is(tooLong.status, 422);
  t.is(tooLong.body.details.rule, 'renewal-days');
  const bad = await (await sys.as('applicant1')).post(url, { days: 0, reason: 'x' });
  t.is(bad.status, 400);
  t.is(await count(), 0);

  t.is((await (await sys.as('applicant1')).post(url, body)).status, 201);
  const twice = await (await sys.as('applicant1')).post(url, body);
  t.is(twice.status, 409);
  t.is(twice.body.code, 'RENEWAL_PENDING');
  t.is(await count(), 1);
  await completeAt(await sys.as('chief1'), id, 'renewalApproval', reject());

  sys.clock.set(new Date(Date.parse(loan.due_at) + 1000));
  const late = await (await sys.as('applicant1')).post(url, body);
  t.is(late.status, 422);
  t.is(late.body.details.rule, 'renewal-after-due');
  t.is(await count(), 1);

  await completeAt(await sys.as('archivist1'), id, 'loanReturn', { intact: 'yes', comment: '已归还。' });
  const after = await (await sys.as('applicant1')).post(url, body);
  t.is(after.status, 409);
  t.is(after.body.code, 'LOAN_NOT_OUT');
  t.is(await count(), 1);
});

test.serial('returned with materials missing: the archive is back on the shelf, a loss report is opened and the chief reports it upward', async (t) => {
  const cadre = await demoCadre(sys, 'county', 15);
  const id = await lent(cadre, 5);
  const res = await completeAt(await sys.as('archivist1'), id, 'loanReturn', { intact: 'damaged', comment: '4-1-2 缺第3页，9-2-1 有折损。' });
  t.is(res.status, 200);
  t.deepEqual(await open(id), ['reportLoss']);
  t.is(await archiveStatus(cadre.archiveId), 'in_stock');
  const loan = await loanOf(id);
  t.like(loan, { status: 'returned', check_result: 'damaged' });
  t.like(await db()('loss_reports').where({ loan_id: loan.id }).first(), { kind: 'damaged', finding: '4-1-2 缺第3页，9-2-1 有折损。', report: null });
  t.like(await db()('reading_register').where({ request_id: loan.request_id }).first(), { end_reason: 'damaged' });

  const chief = await sys.as('chief1');
  const short = await completeAt(chief, id, 'reportLoss', { report: '太短', reportedTo: '市委组织部' });
  t.is(short.status, 400);
  const done = await completeAt(chief, id, 'reportLoss', { report: '借阅归还时发现材料缺页、折损，已责成借阅单位说明情况，拟补充证明材料。', reportedTo: '乌海市委组织部' });
  t.is(done.status, 200);
  t.is(done.body.instance.status, 'completed');
  t.like(await db()('loss_reports').where({ loan_id: loan.id }).first(), { reported_to: '乌海市委组织部', reported_by: await userId('chief1') });
  const history = await db()('history').where({ instance_id: id, event: 'end', element_id: 'lossReported' });
  t.is(history.length, 1);
  const detail = await chief.get(`/api/loans/${loan.id}`);
  t.like(detail.body, { status: 'returned', checkResult: 'damaged', lossReport: { kind: 'damaged', reportedTo: '乌海市委组织部' } });
});

test.serial('not returned at all (lost): the archive stays 借出, the loan is lost and the loss report is opened', async (t) => {
  const cadre = await demoCadre(sys, 'county', 16);
  const id = await lent(cadre, 5);
  t.is((await completeAt(await sys.as('archivist1'), id, 'loanReturn', { intact: 'lost', comment: '借阅人报告档案遗失。' })).status, 200);
  t.is(await archiveStatus(cadre.archiveId), 'on_loan');
  t.like(await loanOf(id), { status: 'lost', check_result: 'lost', returned_at: null });
  t.like(await db()('loss_reports').where({ loan_id: (await loanOf(id)).id }).first(), { kind: 'lost' });
  t.like(await db()('reading_register').where({ request_id: (await loanOf(id)).request_id }).first(), { end_reason: 'lost', signed_by: null });
  t.like(await db()('deadlines').where({ instance_id: id, kind: 'loan_due' }).first(), { status: 'closed' });
});

test.serial('check-out refused without counting and sealing, and while the archive is out on another loan; nothing is written', async (t) => {
  const cadre = await demoCadre(sys, 'county', 17);
  nextMorning();
  const starts = [];
  for (let i = 0; i < 2; i++) {
    const c = await sys.as('applicant1');
    const res = await c.post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', cadre, { mode: 'loan', loanDays: 3 }) });
    t.is(res.status, 201);
    const id = res.body.id;
    await approveStep(sys, 'unithead1', id, 'unitHeadReview');
    await approveStep(sys, 'archivist1', id, 'archivistReview');
    await approveStep(sys, 'chief1', id, 'chiefApproval');
    await approveStep(sys, 'leader1', id, 'leaderApproval');
    starts.push(id);
  }
  const archivist = await sys.as('archivist1');
  const unsealed = await completeAt(archivist, starts[0], 'loanCheckout', { checkedAgainstCatalogue: true, sealed: false });
  t.is(unsealed.status, 422);
  t.is(unsealed.body.details.rule, 'checkout-checks');
  t.is(await archiveStatus(cadre.archiveId), 'in_stock');
  t.is(await loanOf(starts[0]), undefined);
  t.is((await completeAt(archivist, starts[0], 'loanCheckout', CHECKOUT)).status, 200);
  const busy = await completeAt(archivist, starts[1], 'loanCheckout', CHECKOUT);
  t.is(busy.status, 422);
  t.is(busy.body.details.rule, 'archive_status');
  t.is(await loanOf(starts[1]), undefined);
  t.deepEqual(await open(starts[1]), ['loanCheckout']);
  t.is((await db()('loans').where({ archive_id: cadre.archiveId })).length, 1);
  void approve;
});
