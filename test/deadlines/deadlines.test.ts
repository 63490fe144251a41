// 督办: the deadline list shows the right light for each case under a movable clock, to the right
// people only, with filters and the 工作台 counters; processes open, move and close deadlines.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { deployFixture } from '../helpers/fixtures.ts';
import { orgId } from '../helpers/workflow.ts';
import { asAdmin, callService, startAs } from '../helpers/notify.ts';
import { addUser } from '../helpers/users.ts';
import * as people from '../../server/people/store.ts';

let sys: TestSystem;
let cityArchive: number;
let districtArchive: number;
let rsj: number;
const T0 = '2026-11-02T01:00:00.000Z';
const DAY = 86_400_000;

test.before(async () => {
  sys = await startSystem();
  await deployFixture(sys.services, 'assigned.bpmn');
  cityArchive = await orgId(sys, '150300-ZZB-DAS');
  districtArchive = await orgId(sys, '150302-ZZB-DAS');
  rsj = await orgId(sys, '150300-RSJ');
});
test.after.always(async () => {
  await sys?.close();
});

const at = (ms: number) => new Date(ms).toISOString();
const caseOf = async (username = 'applicant1') => (await startAs(sys, 'assigned', username, {})).id as string;
/** The deadlines of one case as `username` sees them now (a fresh login: the clock moves). */
async function seen(username: string, query: string) {
  const res = await (await sys.as(username)).get(`/api/deadlines?${query}`);
  if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

test.serial('each kind turns from green to yellow to red as the clock moves, at the limits the rules set', async (t) => {
  sys.clock.set(T0);
  const t0 = Date.parse(T0);
  const kinds = [
    { service: 'openLoanDeadline', vars: { custodianOrgId: cityArchive }, due: at(t0 + 7 * DAY), viewer: 'unithead1' },
    // Calendar months from the Beijing day of the start (2 November), met until the end of that day.
    { service: 'openReceiptDeadline', vars: { custodianOrgId: cityArchive, transferSentAt: T0 }, due: '2026-12-02T15:59:59.999Z', viewer: 'archivist1' },
    { service: 'openTransferDeadline', vars: { custodianOrgId: cityArchive }, due: '2027-01-02T15:59:59.999Z', viewer: 'chief1' },
    { service: 'openReviewDeadline', vars: { receiverOrgId: districtArchive }, due: '2027-01-02T15:59:59.999Z', viewer: 'receiver1' },
    // One month after formation on 20 October: met until the end of 19 November, Beijing time.
    { service: 'openHandoverDeadline', vars: { producerOrgId: rsj, custodianOrgId: cityArchive, formedDate: '2026-10-20' }, due: '2026-11-20T15:59:59.999Z', viewer: 'producer1' },
    { service: 'openViewingWindowDeadline', vars: { custodianOrgId: cityArchive, windowEnd: at(t0 + 8 * 3_600_000) }, due: at(t0 + 8 * 3_600_000), viewer: 'leader1' },
  ];
  for (const k of kinds) {
    sys.clock.set(T0);
    const id = await caseOf();
    await callService(sys, k.service, id, k.vars);
    const [d] = (await seen(k.viewer, `instanceId=${id}`)).items;
    t.is(d.dueAt, k.due, k.service);
    // Yellow in the last 20 % (DEADLINE_YELLOW_PERCENT) of the span.
    const span = Date.parse(k.due) - t0;
    t.true(Math.abs(Date.parse(d.dueAt) - Date.parse(d.warnAt) - span * 0.2) <= 1, k.service);
    t.is(d.light, 'green', k.service);
    // Days left count Beijing calendar days: a deadline later today is due today (0), not 1 day away.
    const beijingDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
    t.is(d.daysLeft, (Date.parse(beijingDay(Date.parse(k.due))) - Date.parse(beijingDay(t0))) / DAY, k.service);
    t.false(d.overdue, k.service);
    if (k.service === 'openViewingWindowDeadline') t.is(d.daysLeft, 0, 'eight hours ahead, the same Beijing day: due today');
    const checks: Array<[number, string]> = [
      [Date.parse(d.warnAt) - 1, 'green'],
      [Date.parse(d.warnAt), 'yellow'],
      [Date.parse(d.dueAt) - 1, 'yellow'],
      [Date.parse(d.dueAt), 'red'],
      [Date.parse(d.dueAt) + 30 * DAY, 'red'],
    ];
    for (const [when, light] of checks) {
      sys.clock.set(at(when));
      const [now] = (await seen(k.viewer, `instanceId=${id}`)).items;
      t.is(now.light, light, `${k.service} at ${at(when)}`);
      t.is(now.overdue, when >= Date.parse(d.dueAt), `${k.service} overdue at ${at(when)}`);
    }
    t.true((await seen(k.viewer, `instanceId=${id}`)).items[0].daysLeft <= -30);
    await sys.services.db.transaction((trx) => sys.services.deadlines.closeDeadline(trx, { instanceId: id }));
  }
  sys.clock.set(T0);
});

test.serial('scope: the unit, the answerable archive office and its leaders see a deadline; others get 404; admins none', async (t) => {
  sys.clock.set(T0);
  const id = await caseOf('applicant1');
  await callService(sys, 'openLoanDeadline', id, { custodianOrgId: cityArchive });
  const deadlineId = (await seen('chief1', `instanceId=${id}`)).items[0].id;
  for (const who of ['applicant1', 'applicant2', 'unithead1', 'archivist1', 'chief1', 'leader1']) {
    const c = await sys.as(who);
    t.is((await c.get(`/api/deadlines?instanceId=${id}`)).body.total, 1, who);
    const one = await c.get(`/api/deadlines/${deadlineId}`);
    t.is(one.status, 200, who);
    // Only the applicant had a part in this case (no task of it went to the office): only she opens it from 督办.
    t.is(one.body.caseReadable, who === 'applicant1', who);
    t.is((await c.get(`/api/deadlines?instanceId=${id}`)).body.items[0].caseReadable, who === 'applicant1', who);
  }
  for (const who of ['receiver1', 'producer1']) {
    const c = await sys.as(who);
    t.is((await c.get(`/api/deadlines?instanceId=${id}`)).body.total, 0, who);
    const one = await c.get(`/api/deadlines/${deadlineId}`);
    t.is(one.status, 404, who);
    t.is(one.body.code, 'NOT_FOUND');
  }
  for (const c of [await sys.as('procadmin'), await asAdmin(sys, 'sysadmin'), await asAdmin(sys, 'secadmin'), await asAdmin(sys, 'auditor')]) {
    t.is((await c.get('/api/deadlines')).status, 403);
    t.is((await c.get('/api/deadlines/counts')).status, 403);
    t.is((await c.get(`/api/deadlines/${deadlineId}`)).status, 403);
  }
  t.is((await sys.client().get('/api/deadlines')).status, 401);
  await sys.services.db.transaction((trx) => sys.services.deadlines.closeDeadline(trx, { instanceId: id }));
});

test.serial('a case about a cadre the archivist must avoid: its deadline is neither listed, counted nor opened for them', async (t) => {
  sys.clock.set(T0);
  const id = await caseOf('applicant1');
  await callService(sys, 'openLoanDeadline', id, { custodianOrgId: cityArchive });
  const db = sys.services.db;
  const cadre = await db('cadres').orderBy('id').first('id');
  await db('workflow_cases').where({ instance_id: id }).update({ cadre_id: cadre.id });
  const deadlineId = (await seen('archivist1', `instanceId=${id}`)).items[0].id;
  const redBefore = (await (await sys.as('archivist1')).get('/api/deadlines/counts')).body;
  const me = await db('users').where({ username: 'archivist1' }).first();
  const sec = await db('users').where({ username: 'secadmin' }).first();
  await db('avoidance_entries').insert({ user_id: me.id, cadre_id: cadre.id, reason: '亲属以外的利害关系', created_by: sec.id, created_at: T0, removed_at: null, removed_by: null });
  try {
    const c = await sys.as('archivist1');
    t.is((await c.get(`/api/deadlines?instanceId=${id}`)).body.total, 0);
    t.is((await c.get(`/api/deadlines/${deadlineId}`)).status, 404);
    t.is((await c.get('/api/deadlines/counts')).body.open, redBefore.open - 1);
    t.is((await seen('chief1', `instanceId=${id}`)).total, 1, 'the chief still sees it');
  } finally {
    await db('avoidance_entries').where({ user_id: me.id, cadre_id: cadre.id }).delete();
    await db.transaction((trx) => sys.services.deadlines.closeDeadline(trx, { instanceId: id }));
  }
});

test.serial('counts for 工作台 and filters by kind, light, status and unit', async (t) => {
  sys.clock.set(T0);
  const t0 = Date.parse(T0);
  const s = sys.services;
  const open = (kind: any, dueAt: string, subject: string) =>
    s.db.transaction((trx) => s.deadlines.openDeadline(trx, { kind, subject, dueAt, orgUnitId: districtArchive, custodianOrgId: districtArchive }));
  // Opened a while ago, so that now some are yellow and one is red.
  sys.clock.set(at(t0 - 10 * DAY));
  await open('review', at(t0 + 50 * DAY), '转入审核 A');
  await open('review', at(t0 + 1 * DAY), '转入审核 B');
  await open('receipt', at(t0 - 1 * DAY), '转递回执 C');
  sys.clock.set(T0);
  const receiver = await sys.as('receiver1');
  const counts = await receiver.get('/api/deadlines/counts');
  t.is(counts.status, 200);
  t.like(counts.body, { open: 3, green: 1, yellow: 1, red: 1 });
  t.deepEqual(counts.body.byKind.review, { green: 1, yellow: 1, red: 0 });
  t.deepEqual(counts.body.byKind.receipt, { green: 0, yellow: 0, red: 1 });
  t.deepEqual(counts.body.byKind.loan_due, { green: 0, yellow: 0, red: 0 });
  // The city archive office sees none of the district's.
  t.is((await (await sys.as('chief1')).get('/api/deadlines/counts')).body.open, 0);

  const subjects = async (q: string) => (await receiver.get(`/api/deadlines?${q}`)).body.items.map((d: any) => d.subject);
  t.deepEqual(await subjects(''), ['转递回执 C', '转入审核 B', '转入审核 A'], 'soonest first');
  t.deepEqual(await subjects('kind=review'), ['转入审核 B', '转入审核 A']);
  t.deepEqual(await subjects('light=red'), ['转递回执 C']);
  t.deepEqual(await subjects('light=yellow'), ['转入审核 B']);
  t.deepEqual(await subjects('light=green'), ['转入审核 A']);
  t.deepEqual(await subjects(`dueBefore=${at(t0 + 2 * DAY)}`), ['转递回执 C', '转入审核 B']);
  t.deepEqual(await subjects(`orgUnitId=${rsj}`), []);
  const page = await receiver.get('/api/deadlines?limit=1&offset=1');
  t.is(page.body.total, 3);
  t.deepEqual(page.body.items.map((d: any) => d.subject), ['转入审核 B']);
  for (const bad of ['kind=birthday', 'light=blue', 'limit=0', 'status=gone', 'dueBefore=tomorrow', 'orgUnitId=x', 'sort=due']) {
    const r = await receiver.get(`/api/deadlines?${bad}`);
    t.is(r.status, 400, bad);
    t.is(r.body.code, 'VALIDATION_FAILED');
  }

  // Closing: the met one says so, the late one too; closed ones leave the counters.
  const items = (await receiver.get('/api/deadlines')).body.items;
  await s.db.transaction(async (trx) => {
    for (const d of items) await s.deadlines.closeDeadline(trx, { id: d.id });
  });
  // (The first test's review deadline, closed a month late, is the district's too.)
  const closed = (await receiver.get('/api/deadlines?status=closed')).body.items.filter((d: any) => !d.instanceId);
  t.deepEqual(
    closed.map((d: any) => [d.subject, d.light, d.closedLate]),
    [['转递回执 C', null, true], ['转入审核 B', null, false], ['转入审核 A', null, false]],
  );
  t.is((await receiver.get('/api/deadlines/counts')).body.open, 0);
  t.is((await receiver.get('/api/deadlines?status=all')).body.total, 4);
});

test.serial('opening a case’s deadline again moves it (a renewal); an ending case closes its deadlines, a terminated one cancels them', async (t) => {
  sys.clock.set(T0);
  const t0 = Date.parse(T0);
  const id = await caseOf('applicant1');
  const first = await callService(sys, 'openLoanDeadline', id, { custodianOrgId: cityArchive });
  sys.clock.set(at(t0 + 7 * DAY));
  t.is((await seen('chief1', `instanceId=${id}`)).items[0].light, 'red');
  const renewed = await callService(sys, 'openLoanDeadline', id, { custodianOrgId: cityArchive, loanDueAt: '2026-11-16' });
  t.deepEqual(renewed, { loanDueAt: '2026-11-16T15:59:59.999Z' });
  t.notDeepEqual(first, renewed);
  const list = await seen('chief1', `instanceId=${id}&status=all`);
  t.is(list.total, 1, 'moved, not doubled');
  t.is(list.items[0].light, 'green');

  // The applicant completes the case's only task: the case ends, its deadline is closed.
  const applicant = await sys.as('applicant1');
  const task = await sys.services.db('tasks').where({ instance_id: id, status: 'open' }).first();
  t.is((await applicant.post(`/api/tasks/${task.id}/complete`, { variables: {} })).status, 200);
  t.like((await seen('chief1', `instanceId=${id}&status=all`)).items[0], { status: 'closed', closedLate: false });

  const id2 = await caseOf('applicant1');
  await callService(sys, 'openLoanDeadline', id2, { custodianOrgId: cityArchive });
  await sys.services.db.transaction((trx) => sys.services.engine.terminate(trx, id2, '申请人撤回'));
  t.like((await seen('chief1', `instanceId=${id2}&status=all`)).items[0], { status: 'cancelled', light: null });
  sys.clock.set(T0);
});

test.serial('bad deadlines are refused and nothing is written', async (t) => {
  const s = sys.services;
  const good = { kind: 'loan_due' as const, subject: '借阅 JY-1', dueAt: '2026-11-20', orgUnitId: cityArchive };
  const bad: Array<[object, string]> = [
    [{ dueAt: 'next week' }, 'dueAt'],
    [{ warnAt: '2026-12-01T00:00:00.000Z' }, 'warnAt'],
    [{ orgUnitId: 99_999 }, 'orgUnitId'],
    [{ custodianOrgId: 99_999 }, 'custodianOrgId'],
    [{ subject: ' \r\n ' }, 'subject'],
  ];
  const before = Number((await s.db('deadlines').count({ n: '*' }))[0].n);
  for (const [patch, field] of bad) {
    const err = await t.throwsAsync(s.db.transaction((trx) => s.deadlines.openDeadline(trx, { ...good, ...patch })));
    t.is((err as any).code, 'VALIDATION_FAILED');
    t.is((err as any).details[0].field, field);
  }
  t.is(Number((await s.db('deadlines').count({ n: '*' }))[0].n), before);
  const missing = await t.throwsAsync(callService(sys, 'openHandoverDeadline', await caseOf('producer1'), { producerOrgId: rsj }));
  t.is((missing as any).details.rule, 'process_variable');
});

test.serial('a leader above several archive offices (乌海市) sees the deadlines of every office under him, however far down, and none outside (分级负责)', async (t) => {
  sys.clock.set(T0);
  const s = sys.services;
  const db = s.db;
  // The tester's account: auth_leader at 乌海市 (150300), whose offices are two and three levels down.
  await addUser(sys, { username: 'cityleader', displayName: '高志远', org: '150300', roles: ['auth_leader'] });
  // An office outside 乌海市: 包头市委组织部干部档案室, beside it under 内蒙古自治区.
  const region = (await people.findOrgUnitByCode(db, '150000'))!;
  const baotou = await people.insertOrgUnit(db, { code: '150200', name: '包头市', kind: 'region', parent_id: region.id });
  const outside = (await people.insertOrgUnit(db, { code: '150200-ZZB-DAS', name: '包头市委组织部干部档案室', kind: 'department', parent_id: baotou.id, is_custodian: true })).id;
  const open = (subject: string, orgUnitId: number, custodianOrgId: number, instanceId?: string) =>
    db.transaction((trx) => s.deadlines.openDeadline(trx, { kind: 'transfer', subject, dueAt: '2026-12-20', orgUnitId, custodianOrgId, instanceId }));
  const city = await open('转递 市档案室', rsj, cityArchive);
  const district = await open('转递 区档案室', districtArchive, districtArchive);
  const far = await open('转递 包头', outside, outside);
  // A case about a cadre the new leader must avoid, answered for by the city office.
  const caseId = await caseOf('applicant1');
  const avoided = await open('转递 回避', rsj, cityArchive, caseId);
  const cadre = await db('cadres').orderBy('id').first('id');
  await db('workflow_cases').where({ instance_id: caseId }).update({ cadre_id: cadre.id });
  const leaderId = (await db('users').where({ username: 'cityleader' }).first()).id;
  const sec = await db('users').where({ username: 'secadmin' }).first();
  await db('avoidance_entries').insert({ user_id: leaderId, cadre_id: cadre.id, reason: '亲属以外的利害关系', created_by: sec.id, created_at: T0, removed_at: null, removed_by: null });
  const mine = [city, district, far, avoided].map((d) => d.id);
  const subjectsFor = async (who: string) => {
    const c = await sys.as(who);
    const res = await c.get('/api/deadlines?status=all&limit=200');
    t.is(res.status, 200, who);
    return res.body.items.filter((d: any) => mine.includes(d.id)).map((d: any) => d.subject).sort();
  };
  try {
    const leader = await sys.as('cityleader');
    t.deepEqual(await subjectsFor('cityleader'), ['转递 区档案室', '转递 市档案室'], 'both offices under 乌海市; not 包头, not the avoided cadre');
    t.is((await leader.get(`/api/deadlines/${district.id}`)).status, 200);
    t.is((await leader.get(`/api/deadlines/${far.id}`)).status, 404);
    t.is((await leader.get(`/api/deadlines/${avoided.id}`)).status, 404);
    const counts = (await leader.get('/api/deadlines/counts')).body;
    t.true(counts.byKind.transfer.green + counts.byKind.transfer.yellow >= 2);
    t.is((await leader.get(`/api/deadlines?orgUnitId=${outside}&status=all`)).body.total, 0, 'filtering by the outside office shows nothing');
    // The leader of 乌海市委组织部 (one level above the city office) sees as before: the city office only.
    t.deepEqual(await subjectsFor('leader1'), ['转递 回避', '转递 市档案室']);
    t.deepEqual(await subjectsFor('chief1'), ['转递 回避', '转递 市档案室']);
    t.deepEqual(await subjectsFor('receiver1'), ['转递 区档案室']);
  } finally {
    await db('avoidance_entries').where({ user_id: leaderId }).delete();
    await db.transaction(async (trx) => {
      for (const id of mine) await s.deadlines.closeDeadline(trx, { id });
    });
  }
});
