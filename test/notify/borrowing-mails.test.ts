// What the applicant and the staff of a 查阅/借阅 hear by mail, through a real SMTP server: the
// approval of an on-site reading or a loan with where to go and when (and never the cadre), the
// return date when the archive is lent and when a renewal is decided, one 待认领 for the return step
// however often a renewal interrupts it, and task_unstaffed when a step falls to a role nobody holds.
import test from 'ava';
import type { TestSystem } from '../helpers/server.ts';
import type { TestSmtp } from '../helpers/smtp.ts';
import { completeAt, reject } from '../helpers/workflow.ts';
import { actor, closeMailSystem, startMailSystem } from '../helpers/notify.ts';
import { addUser } from '../helpers/users.ts';
import { approveStep, borrowingVariables, demoCadre, todayIn, type DemoCadre } from '../helpers/cases.ts';
import { beijingDay, formatInstant } from '../../server/notify/beijing.ts';
import { readingCase } from '../reading/helpers.ts';
import { HBW, orgId, prepareAndApprove, send as sendTransfer } from '../processes/transfer-helpers.ts';

const PUBLIC = 'https://archive.dangan.example';
const CITY_OFFICE = '乌海市委组织部干部档案室';
const DAY = 86_400_000;
let sys: TestSystem;
let smtp: TestSmtp;

test.before(async () => {
  ({ sys, smtp } = await startMailSystem({ env: { PUBLIC_URL: PUBLIC } }));
});
test.after.always(() => closeMailSystem(sys, smtp));

const db = () => sys.services.db;
const send = async () => {
  while ((await sys.services.mailer.pollOnce()).sent > 0);
};
const inboxOf = (user: string) => smtp.to(`${user}@dangan.example`);
const caseNo = async (id: string) => (await db()('process_instances').where({ id }).first()).business_key as string;

async function file(applicant: string, cadre: DemoCadre, over: Record<string, unknown>): Promise<string> {
  const res = await (await sys.as(applicant)).post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, applicant, cadre, over) });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body.id as string;
}

/** Every approval step the route asks for, in order, by the demo approvers. */
async function approveAll(id: string): Promise<void> {
  for (const [user, step] of [['unithead1', 'unitHeadReview'], ['archivist1', 'archivistReview'], ['chief1', 'chiefApproval'], ['leader1', 'leaderApproval']] as const) {
    if (await db()('tasks').where({ instance_id: id, element_id: step, status: 'open' }).first()) await approveStep(sys, user, id, step);
  }
}

function assertNoCadre(t: any, cadre: DemoCadre, mails: Array<{ subject: string; text: string }>) {
  for (const m of mails) {
    t.false(m.subject.includes(cadre.name) || m.text.includes(cadre.name), 'the cadre is not named');
    t.false(m.subject.includes(cadre.idNumber) || m.text.includes(cadre.idNumber), 'nor their ID number');
  }
}

test.serial('an approved on-site reading: the applicant is told at the approval where to go and on which day, and not told 已批准 again at the end', async (t) => {
  const cadre = await demoCadre(sys, 'county', 20);
  const viewFrom = beijingDay(new Date(sys.clock.now().getTime() + 3 * DAY));
  const id = await file('applicant2', cadre, { mode: 'onsite', viewFrom });
  await approveAll(id);
  await send();
  const no = await caseNo(id);
  const approved = inboxOf('applicant2').filter((m) => m.subject.includes(no) && m.subject.includes('您的申请'));
  t.is(approved.length, 1, 'told when approved, before any reading');
  t.is(approved[0].subject, `【档案】您的申请已批准：查阅/借阅干部人事档案（${no}）`);
  t.true(approved[0].text.includes(`请于 ${viewFrom} 与共同申请的查档人员一同到${CITY_OFFICE}现场查阅`), approved[0].text);
  t.true(approved[0].text.includes(`${PUBLIC}/applications/${id}`));
  assertNoCadre(t, cadre, approved);

  // The reading takes place; the case ends approved, and the applicant gets no second 已批准.
  sys.clock.set(new Date(Date.parse(`${viewFrom}T11:00:00+08:00`)));
  const done = await completeAt(await sys.as('archivist1'), id, 'onsiteReading', {
    identityChecked: true, accompanied: true, readersSigned: true, readingDate: viewFrom, readingStartedAt: '09:00', readingEndedAt: '10:30',
  });
  t.is(done.status, 200, JSON.stringify(done.body));
  t.is(done.body.instance.status, 'completed');
  await send();
  t.is(inboxOf('applicant2').filter((m) => m.subject.includes(no) && m.subject.includes('您的申请')).length, 1);
});

test.serial('an approved on-site reading that does not take place: the archivist records 未查阅 with a reason, the case ends without a register entry, the applicant is told, and a transfer no longer counts it', async (t) => {
  const cadre = await demoCadre(sys, 'county', 21);
  const viewFrom = beijingDay(new Date(sys.clock.now().getTime() + DAY));
  const id = await file('applicant2', cadre, { mode: 'onsite', viewFrom });
  await approveAll(id);
  const req = await db()('utilization_requests').where({ instance_id: id }).first();
  const { openUses } = await import('../../server/transfers/holdings-store.ts');
  t.is((await openUses(db(), req.custodian_org_id, [cadre.archiveId])).length, 1, 'approved and not done: a transfer would be held back');
  const archivist = await sys.as('archivist1');
  // The form offers the choice; without a reason it is refused, and the case stays where it is.
  const form = (await archivist.get(`/api/forms/onsite-reading?instanceId=${id}`)).body;
  t.deepEqual(form.components[0].values.map((v: any) => v.value), ['held', 'not_held']);
  const noReason = await completeAt(archivist, id, 'onsiteReading', { readingHeld: 'not_held' });
  t.is(noReason.status, 400, JSON.stringify(noReason.body));
  t.deepEqual(noReason.body.details.map((d: any) => d.field), ['notHeldReason']);
  const blank = await completeAt(archivist, id, 'onsiteReading', { readingHeld: 'not_held', notHeldReason: '  甲 ' });
  t.is(blank.status, 400, 'a reason of one character is no reason');
  t.is((await db()('utilization_requests').where({ id: req.id }).first()).status, 'approved');

  const done = await completeAt(archivist, id, 'onsiteReading', { readingHeld: 'not_held', notHeldReason: '查档人员逾期未到场，电话联系后表示不再查阅。' });
  t.is(done.status, 200, JSON.stringify(done.body));
  t.is(done.body.instance.status, 'completed');
  t.like(await db()('utilization_requests').where({ id: req.id }).first(), { status: 'closed' });
  t.is(await db()('reading_register').where({ request_id: req.id }).first(), undefined, 'nothing was read: no 查阅登记簿 entry');
  t.deepEqual(await openUses(db(), req.custodian_org_id, [cadre.archiveId]), [], 'archive_in_use no longer counts it');
  // The reason is the archivist's opinion on the 审批表, which the applicant reads.
  const seen = (await (await sys.as('applicant2')).get(`/api/requests/${req.id}`)).body;
  t.like(seen.approvals.at(-1), { step: 'onsiteReading', decision: 'not_held', opinion: '查档人员逾期未到场，电话联系后表示不再查阅。' });

  await send();
  const no = await caseNo(id);
  const mails = inboxOf('applicant2').filter((m) => m.subject.includes(no));
  const told = mails.filter((m) => m.subject.includes('未查阅'));
  t.is(told.length, 1);
  t.is(told[0].subject, `【档案】您的申请已办结（未查阅）：查阅/借阅干部人事档案（${no}）`);
  t.true(told[0].text.includes(`${CITY_OFFICE}登记本次现场查阅未进行`), told[0].text);
  t.false(told[0].text.includes('逾期未到场'), 'the typed reason stays in the system');
  t.is(mails.filter((m) => m.subject.includes('您的申请')).length, 2, 'the approval, then this; no third at the end');
  assertNoCadre(t, cadre, mails);
});

test.serial('an electronic reading ended because the archive was sent to another office: each reader is told by mail (reading_ended, Beijing time, their case number, no cadre); a reader who turned it off is not', async (t) => {
  const rc = await readingCase(sys, 22);
  // applicant2 turned the notice off in 个人设置: it is optional (the reading room says so too).
  const co = await sys.as('applicant2');
  t.is((await co.request('PUT', '/api/me/notification-settings', { events: { reading_ended: false } })).status, 200);
  t.like((await co.get('/api/me/notification-settings')).body.events.find((e: any) => e.event === 'reading_ended'), { enabled: false, mandatory: false });
  const started = await (await sys.as('archivist1')).post('/api/process-instances', {
    processKey: 'transfer',
    variables: { cadreId: rc.cadre.id, reason: 'transfer', destinationKind: 'office', toCustodianOrgId: await orgId(sys, HBW), noticeNo: '乌组任〔2026〕32号', noticeDate: todayIn(sys) },
  });
  t.is(started.status, 201, JSON.stringify(started.body));
  await prepareAndApprove(sys, started.body.id, rc.cadre.id);
  await send();
  t.deepEqual(inboxOf('applicant1').filter((m) => m.subject.includes('电子查阅已终止')), [], 'nothing before the archive leaves');
  t.is((await sendTransfer(sys, started.body.id)).status, 200);
  const sentAt = formatInstant(sys.clock.now());
  await send();
  const told = inboxOf('applicant1').filter((m) => m.subject.includes(rc.caseNo) && m.subject.includes('电子查阅已终止'));
  t.is(told.length, 1);
  t.is(told[0].subject, `【档案】电子查阅已终止：档案已转出（${rc.caseNo}）`);
  t.true(told[0].text.includes(`已于 ${sentAt}（北京时间）由${CITY_OFFICE}转出，查阅权限随之收回`), told[0].text);
  t.true(told[0].text.includes(`${PUBLIC}/applications/${rc.instanceId}`));
  assertNoCadre(t, rc.cadre, told);
  t.deepEqual(inboxOf('applicant2').filter((m) => m.subject.includes('电子查阅已终止')), [], 'turned off');
});

test.serial('an on-site reading approved after its planned day: the archive office’s approvers are told on the request, and the mail says the day has passed and to agree another with the office', async (t) => {
  const cadre = await demoCadre(sys, 'county', 21);
  const viewFrom = todayIn(sys);
  const id = await file('applicant2', cadre, { mode: 'onsite', viewFrom });
  // The approvers' task page reads the same rule from the request (server/requests/kit.ts
  // plannedDayPassed): the archive office is told while the request awaits approval, the
  // applicants are not (the mail tells them), and nobody once it is decided.
  const passedFor = async (user: string) => ((await (await sys.as(user)).get(`/api/requests?instanceId=${id}`)).body.items[0]?.plannedDayPassed as boolean);
  t.false(await passedFor('chief1'), 'the planned day is today: not passed');
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  sys.clock.advance(2 * DAY);
  await approveStep(sys, 'archivist1', id, 'archivistReview');
  t.true(await passedFor('chief1'), 'the chief deciding is told the day has passed');
  t.true(await passedFor('archivist1'));
  t.false(await passedFor('applicant2'), 'the applicant is told by the approval mail, not here');
  t.is((await (await sys.as('chief1')).get(`/api/requests/${(await db()('utilization_requests').where({ instance_id: id }).first()).id}`)).body.plannedDayPassed, true);
  await approveAll(id);
  t.false(await passedFor('chief1'), 'decided: nothing left to warn about');
  await send();
  const no = await caseNo(id);
  const [mail] = inboxOf('applicant2').filter((m) => m.subject.includes(no) && m.subject.includes('已批准'));
  t.truthy(mail);
  t.true(mail.text.includes(`拟查阅日期 ${viewFrom} 已过。请与${CITY_OFFICE}另约查阅时间`), mail.text);
  t.false(mail.text.includes(`请于 ${viewFrom}`));
});

test.serial('a loan: approved → where to collect it; lent → the return date; renewal granted → the new date, refused → the date stands; one 待认领 for the return check; no 已批准 after the return', async (t) => {
  const cadre = await demoCadre(sys, 'county', 22);
  const id = await file('applicant1', cadre, { mode: 'loan', loanDays: 5 });
  await approveAll(id);
  await send();
  const no = await caseNo(id);
  const mine = () => inboxOf('applicant1').filter((m) => m.subject.includes(no));
  const approved = mine().filter((m) => m.subject.includes('您的申请已批准'));
  t.is(approved.length, 1, 'told at the approval, not after the return');
  t.true(approved[0].text.includes(`请到${CITY_OFFICE}办理借出`), approved[0].text);
  t.true(approved[0].text.includes('借阅期限 5 天，自借出之日起计算'));

  t.is((await completeAt(await sys.as('archivist1'), id, 'loanCheckout', { checkedAgainstCatalogue: true, sealed: true })).status, 200);
  await send();
  const loan = await db()('loans').where({ request_id: (await db()('utilization_requests').where({ instance_id: id }).first()).id }).first();
  const due = (d: string) => {
    const b = new Date(Date.parse(d) + 8 * 3_600_000).toISOString();
    return `${b.slice(0, 10)} ${b.slice(11, 16)}`;
  };
  const lent = mine().filter((m) => m.subject.includes('档案已借出'));
  t.is(lent.length, 1);
  t.is(lent[0].subject, `【档案】档案已借出，请于 ${due(loan.due_at)} 前归还（${no}）`);
  t.true(lent[0].text.includes(`请于 ${due(loan.due_at)}（北京时间）前归还${CITY_OFFICE}`));
  // The return check is the archivist's to do when the borrower comes: it has no due date of its
  // own; the loan's due date is the 督办 deadline (loan_due).
  const returnTask = await db()('tasks').where({ instance_id: id, element_id: 'loanReturn', status: 'open' }).first();
  t.is(returnTask.due_at, null);
  t.like(await db()('deadlines').where({ instance_id: id, kind: 'loan_due' }).first(), { status: 'open', due_at: loan.due_at });
  const offersOfReturn = () => inboxOf('archivist1').filter((m) => m.subject === `【档案】待认领：归还核对（对照目录当面清点）（${no}）`);
  t.is(offersOfReturn().length, 1);

  // Renewal granted by the chief and the leader.
  const borrower = await sys.as('applicant1');
  t.is((await borrower.post(`/api/loans/${loan.id}/renewal`, { days: 3, reason: '考察工作延长，需继续使用。' })).status, 201);
  await approveStep(sys, 'chief1', id, 'renewalApproval');
  await approveStep(sys, 'leader1', id, 'renewalLeaderApproval');
  await send();
  const newDue = new Date(Date.parse(loan.due_at) + 3 * DAY).toISOString();
  const granted = mine().filter((m) => m.subject.includes('续借已批准'));
  t.is(granted.length, 1);
  t.is(granted[0].subject, `【档案】续借已批准，新的归还期限 ${due(newDue)}（${no}）`);
  t.true(granted[0].text.includes(`新的归还期限为 ${due(newDue)}（北京时间）`));
  t.is((await db()('tasks').where({ instance_id: id, element_id: 'loanReturn' })).length, 2, 'the return step was re-created');
  t.is(offersOfReturn().length, 1, 'the archivist is not offered the same return check twice');

  // A second renewal, refused by the chief.
  t.is((await borrower.post(`/api/loans/${loan.id}/renewal`, { days: 2, reason: '工作需要，再次申请续借。' })).status, 201);
  t.is((await completeAt(await sys.as('chief1'), id, 'renewalApproval', reject('不同意续借。'))).status, 200);
  await send();
  const refused = mine().filter((m) => m.subject.includes('续借未获批准'));
  t.is(refused.length, 1);
  t.is(refused[0].subject, `【档案】续借未获批准，请于 ${due(newDue)} 前归还（${no}）`);
  t.is(offersOfReturn().length, 1);

  // Returned: the case ends approved, with no second 已批准.
  t.is((await completeAt(await sys.as('archivist1'), id, 'loanReturn', { intact: 'yes', comment: '完好。' })).status, 200);
  await send();
  t.is(mine().filter((m) => m.subject.includes('您的申请')).length, 1);
  assertNoCadre(t, cadre, mine());
});

test.serial('a step re-created after a renewal is offered to a holder of the role who joined since, and only to them', async (t) => {
  const cadre = await demoCadre(sys, 'county', 23);
  const id = await file('applicant1', cadre, { mode: 'loan', loanDays: 5 });
  await approveAll(id);
  t.is((await completeAt(await sys.as('archivist1'), id, 'loanCheckout', { checkedAgainstCatalogue: true, sealed: true })).status, 200);
  const loan = await db()('loans').where({ request_id: (await db()('utilization_requests').where({ instance_id: id }).first()).id }).first();
  t.is((await (await sys.as('applicant1')).post(`/api/loans/${loan.id}/renewal`, { days: 1, reason: '需要继续使用。' })).status, 201);
  // A new archivist of the office (not the chief: who approved the renewal works no archivist's step
  // of the case — 办理回避, server/workflow/bars.ts).
  const office = await db()('org_units').where({ id: (await actor(sys, 'archivist1')).orgUnitId }).first('code');
  const newcomer = await addUser(sys, { username: 'archivist7', displayName: '赵新', org: office.code, roles: ['archivist'] });
  t.teardown(() => db()('user_roles').where({ user_id: newcomer }).delete());
  t.is((await completeAt(await sys.as('chief1'), id, 'renewalApproval', reject('不同意。'))).status, 200);
  await send();
  const no = await caseNo(id);
  const subject = `【档案】待认领：归还核对（对照目录当面清点）（${no}）`;
  t.is(inboxOf('archivist7').filter((m) => m.subject === subject).length, 1, 'the new archivist hears of it');
  t.is(inboxOf('archivist1').filter((m) => m.subject === subject).length, 1, 'the first archivist once');
  t.is(await db()('mail_outbox').where({ instance_id: id, event: 'task_unstaffed' }).count({ n: '*' }).first().then((r: any) => Number(r.n)), 0);
});

/** A cadre whose archive the 海勃湾区 office holds (an office with an archivist and no archive chief). */
async function districtCadre(): Promise<DemoCadre> {
  const office = await db()('org_units').where({ code: '150302-ZZB-DAS' }).first('id');
  const r = await db()('cadres as c')
    .join('archives as a', 'a.cadre_id', 'c.id')
    .where({ 'a.custodian_org_id': office.id, 'a.kind': 'original', 'a.status': 'in_stock' })
    .whereNotIn('c.id', db()('users').whereNotNull('cadre_id').select('cadre_id'))
    .whereNotIn('c.id', db()('family_members').whereNotNull('related_cadre_id').select('related_cadre_id'))
    .whereNotIn('c.id', db()('family_members').whereNotNull('related_cadre_id').select('cadre_id'))
    .whereNotIn('c.id', db()('avoidance_entries').select('cadre_id'))
    .orderBy('c.id')
    .first('c.id', 'c.name', 'c.id_number', 'c.management_level', 'a.id as archive_id', 'a.custodian_org_id');
  return { id: r.id, name: r.name, idNumber: r.id_number, level: r.management_level, archiveId: r.archive_id, custodianOrgId: r.custodian_org_id };
}

test.serial('a step offered to a role nobody holds in its office (海勃湾区 has no archive chief): the process administrators get task_unstaffed, without the cadre', async (t) => {
  const cadre = await districtCadre();
  const id = await file('applicant1', cadre, { mode: 'onsite' });
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'receiver1', id, 'archivistReview');
  const task = await db()('tasks').where({ instance_id: id, element_id: 'chiefApproval', status: 'open' }).first();
  t.truthy(task, 'the case waits at the chief’s approval');
  await send();
  const no = await caseNo(id);
  const unstaffed = smtp.received.filter((m) => m.subject === `【档案】待办无人可办：档案室负责人审批（${no}）`);
  t.deepEqual(unstaffed.map((m) => m.envelopeTo[0]), ['procadmin@dangan.example'], 'the office has no chief to tell');
  t.true(unstaffed[0].text.includes('应由海勃湾区委组织部干部档案室的档案室负责人办理，但该单位目前没有担任该岗位的在职人员'), unstaffed[0].text);
  t.true(unstaffed[0].text.includes(`${PUBLIC}/admin/instances/${id}`));
  assertNoCadre(t, cadre, unstaffed);
  const row = await db()('mail_outbox').where({ instance_id: id, event: 'task_unstaffed' }).first();
  t.is(row.status, 'sent');
});

test.serial('a request from a unit with no unit head: its first step reaches nobody, so the process administrators are told', async (t) => {
  const head = await actor(sys, 'unithead1');
  await db()('user_roles').where({ user_id: head.id, role: 'unit_head' }).delete();
  t.teardown(() => db()('user_roles').insert({ user_id: head.id, role: 'unit_head' }));
  const before = smtp.received.length;
  const id = await file('applicant1', await demoCadre(sys, 'county', 24), { mode: 'onsite' });
  await send();
  const no = await caseNo(id);
  const fresh = smtp.received.slice(before);
  t.false(fresh.some((m) => m.subject.includes('待认领')), 'nobody to offer it to');
  const unstaffed = fresh.filter((m) => m.subject === `【档案】待办无人可办：单位负责人审核（${no}）`);
  t.deepEqual(unstaffed.map((m) => m.envelopeTo[0]), ['procadmin@dangan.example']);
  t.true(unstaffed[0].text.includes('应由乌海市纪委监委的单位负责人办理，但该单位目前没有担任该岗位的在职人员'), unstaffed[0].text);
});
