// 查阅 (processes/borrowing.bpmn, electronic and on-site) walked over HTTP by the demo users:
// routing by management level through the decision table, every rejection, the viewing grant and
// its two ends (the reader ends it; the window runs out, with the movable clock), on-site reading,
// and what each step writes — the request, the opinions, the grants, the 查阅登记簿 — and leaves alone.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { approve, completeAt, orgId, reject, taskAt } from '../helpers/workflow.ts';
import { approveStep, borrowingVariables, demoCadre, todayIn, type DemoCadre } from '../helpers/cases.ts';
import { plusDays } from '../../server/requests/kit.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const HOUR = 3_600_000;

async function start(cadre: DemoCadre, over: Record<string, unknown> = {}, applicant = 'applicant1') {
  const c = await sys.as(applicant);
  const res = await c.post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, applicant, cadre, over) });
  if (res.status !== 201) throw new Error(`start: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; businessKey: string; activeElements: string[] };
}

const requestOf = (instanceId: string) => db()('utilization_requests').where({ instance_id: instanceId }).first();
const ORDER = ['unitHeadReview', 'archivistReview', 'chiefApproval', 'leaderApproval', 'upperApproval', 'electronicReading', 'onsiteReading'];
/** The case's tasks in the order of the diagram (several are created at one clock instant). */
const tasksOf = async (instanceId: string) =>
  (await db()('tasks').where({ instance_id: instanceId }))
    .sort((a: any, b: any) => ORDER.indexOf(a.element_id) - ORDER.indexOf(b.element_id))
    .map((t: any) => [t.element_id, t.status, t.outcome]);
const ended = async (instanceId: string) =>
  (await db()('history').where({ instance_id: instanceId, event: 'end' })).map((h: any) => h.element_id);
const variables = async (instanceId: string) => JSON.parse((await db()('process_instances').where({ id: instanceId }).first()).variables);

test.serial('given a county cadre, when the unit head, the archivist and the chief agree, then each applicant may read the approved categories until the reader ends, and the register has the entry', async (t) => {
  const cadre = await demoCadre(sys, 'county');
  const started = await start(cadre, { categories: ['1', '4', '9'] });
  t.deepEqual(started.activeElements, ['unitHeadReview']);
  t.regex(started.businessKey, /^查借-\d{4}-\d{4}$/);
  const id = started.id;
  const req = await requestOf(id);
  t.like(req, { kind: 'consult', mode: 'electronic', status: 'in_review', cadre_id: cadre.id, archive_id: cadre.archiveId, custodian_org_id: cadre.custodianOrgId, management_level: 'county', case_no: started.businessKey });
  const applicants = await db()('request_applicants').where({ request_id: req.id }).orderBy('id');
  t.deepEqual(applicants.map((a: any) => a.display_name), ['王建国', '李红梅']);
  t.like((await variables(id)).route, { needsLeader: false, referUpward: false });

  await approveStep(sys, 'unithead1', id, 'unitHeadReview', '情况属实，同意。');
  await approveStep(sys, 'archivist1', id, 'archivistReview', '材料齐全，予以受理。');
  // The chief narrows the categories to two of the three asked for.
  await approveStep(sys, 'chief1', id, 'chiefApproval', '同意查阅履历和任免材料。', { grantedCategories: ['1', '9'] });
  t.deepEqual(await tasksOf(id), [
    ['unitHeadReview', 'completed', 'approve'],
    ['archivistReview', 'completed', 'approve'],
    ['chiefApproval', 'completed', 'approve'],
    ['electronicReading', 'open', null],
  ]);
  const approved = await requestOf(id);
  t.is(approved.status, 'authorized');
  t.deepEqual(JSON.parse(approved.granted_categories), ['1', '9']);
  t.is((await variables(id)).outcome, 'approved');

  // One grant per applicant, the approved categories only, from now to the end of tomorrow (Beijing).
  const grants = await db()('archive_grants').where({ instance_id: id }).orderBy('id');
  t.is(grants.length, 2);
  t.deepEqual(grants.map((g: any) => g.grantee_user_id), applicants.map((a: any) => a.user_id));
  for (const g of grants) {
    t.deepEqual(JSON.parse(g.categories), ['1', '9']);
    t.is(g.archive_id, cadre.archiveId);
    t.is(g.revoked_at, null);
  }
  const tomorrowEnd = new Date(Date.parse(`${todayIn(sys)}T00:00:00+08:00`) + 2 * 24 * HOUR - 1).toISOString();
  t.is(grants[0].valid_until, tomorrowEnd);
  t.is(approved.window_end, tomorrowEnd);

  // The applicant reads the granted categories and nothing else; the co-applicant too.
  const reader = await sys.as('applicant1');
  const archive = await reader.get(`/api/archives/${cadre.archiveId}/catalogue`);
  t.is(archive.status, 200);
  const shown = archive.body.categories.filter((c: any) => c.materials.length).map((c: any) => c.code.split('-')[0]);
  t.true(shown.length > 0);
  t.true(shown.every((c: string) => c === '1' || c === '9'), shown.join(','));
  t.is((await (await sys.as('applicant2')).get(`/api/archives/${cadre.archiveId}`)).status, 200);
  const mine = await reader.get('/api/me/grants');
  t.is(mine.status, 200);
  t.like(mine.body.items[0], { caseNo: started.businessKey, archiveId: cadre.archiveId, cadre: { id: cadre.id, name: cadre.name }, categories: ['1', '9'], open: true });
  // 督办: the window's end is on the list.
  t.is((await db()('deadlines').where({ instance_id: id, kind: 'viewing_window', status: 'open' })).length, 1);

  // The reader ends the reading and signs.
  const task = await taskAt(reader, id, 'electronicReading');
  t.is(task.dueAt, tomorrowEnd);
  const done = await reader.post(`/api/tasks/${task.id}/complete`, { variables: { confirmed: true, comment: '已查阅履历材料。' } });
  t.is(done.status, 200);
  t.is(done.body.instance.status, 'completed');
  t.true((await ended(id)).includes('done'));
  for (const g of await db()('archive_grants').where({ instance_id: id })) t.is(g.revoked_at, sys.clock.now().toISOString());
  t.is((await reader.get(`/api/archives/${cadre.archiveId}`)).status, 404, 'the grant is gone');
  const entry = await db()('reading_register').where({ request_id: req.id }).first();
  t.like(entry, { mode: 'electronic', end_reason: 'finished', signed_by: req.initiator_id, custodian_org_id: cadre.custodianOrgId, cadre_id: cadre.id, note: '已查阅履历材料。' });
  t.deepEqual(JSON.parse(entry.readers).map((r: any) => r.name), ['王建国', '李红梅']);
  t.deepEqual(JSON.parse(entry.categories), ['1', '9']);
  t.like(await requestOf(id), { status: 'closed' });
  t.is((await db()('deadlines').where({ instance_id: id, kind: 'viewing_window' }).first()).status, 'closed');

  // The opinions of the 审批表, in order, with who and what.
  const opinions = await db()('request_approvals').where({ request_id: req.id }).orderBy('id');
  t.deepEqual(
    opinions.map((o: any) => [o.element_id, o.role, o.user_name, o.decision, o.opinion]),
    [
      ['unitHeadReview', 'unit_head', '张志强', 'approve', '情况属实，同意。'],
      ['archivistReview', 'archivist', '刘晓燕', 'approve', '材料齐全，予以受理。'],
      ['chiefApproval', 'archive_chief', '陈立新', 'approve', '同意查阅履历和任免材料。'],
    ],
  );
  // Nothing about the archive itself changed.
  t.is((await db()('archives').where({ id: cadre.archiveId }).first()).status, 'in_stock');
});

test.serial('given an electronic grant, when the window runs out, then the timer revokes it and the register says so without a signature', async (t) => {
  const cadre = await demoCadre(sys, 'county', 1);
  const { id } = await start(cadre, { viewDays: 1 });
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'archivist1', id, 'archivistReview');
  await approveStep(sys, 'chief1', id, 'chiefApproval');
  const job = await db()('jobs').where({ instance_id: id, element_id: 'windowEnds', status: 'pending' }).first();
  const windowEnd = (await requestOf(id)).window_end;
  t.is(job.due_at, new Date(Date.parse(windowEnd) + 1).toISOString().replace(/\.\d{3}Z$/, '.000Z'));

  // Nothing fires before its time.
  sys.clock.set(new Date(Date.parse(windowEnd) - HOUR));
  await sys.services.jobs.pollOnce();
  t.truthy(await taskAt(await sys.as('applicant1'), id, 'electronicReading'));
  t.is((await (await sys.as('applicant1')).get(`/api/archives/${cadre.archiveId}`)).status, 200);

  sys.clock.set(new Date(Date.parse(windowEnd) + 1000));
  await sys.services.jobs.pollOnce();
  t.is((await db()('process_instances').where({ id }).first()).status, 'completed');
  t.deepEqual((await tasksOf(id)).find((x) => x[0] === 'electronicReading'), ['electronicReading', 'cancelled', null]);
  t.true((await ended(id)).includes('windowEnds'));
  for (const g of await db()('archive_grants').where({ instance_id: id })) t.truthy(g.revoked_at);
  const entry = await db()('reading_register').where({ request_id: (await requestOf(id)).id }).first();
  t.like(entry, { end_reason: 'window_expired', signed_by: null, signed_at: null, ended_at: windowEnd });
  t.is((await requestOf(id)).status, 'closed');
});

test.serial('given an on-site reading, when the archivist records identities, company and times, then the register entry carries them', async (t) => {
  const cadre = await demoCadre(sys, 'county', 2);
  // The next morning, 08:00 in Beijing: approved, then read from 09:30 to 10:45 and recorded at noon.
  const day = new Date(Date.parse(`${todayIn(sys)}T08:00:00+08:00`) + 24 * HOUR);
  sys.clock.set(day);
  const { id } = await start(cadre, { mode: 'onsite' });
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'archivist1', id, 'archivistReview');
  await approveStep(sys, 'chief1', id, 'chiefApproval');
  t.is((await db()('archive_grants').where({ instance_id: id })).length, 0, 'no electronic grant for on-site reading');
  sys.clock.advance(4 * HOUR);
  const archivist = await sys.as('archivist1');
  const readingDay = todayIn(sys);
  // A reading that has not ended yet cannot be recorded.
  const early = await completeAt(archivist, id, 'onsiteReading', {
    identityChecked: true, accompanied: true, readersSigned: true, readingDate: readingDay, readingStartedAt: '11:30', readingEndedAt: '12:30',
  });
  t.is(early.status, 422);
  t.is(early.body.details.rule, 'reading-times');
  const done = await completeAt(archivist, id, 'onsiteReading', {
    identityChecked: true,
    accompanied: true,
    readersSigned: true,
    readingDate: readingDay,
    readingStartedAt: '09:30',
    readingEndedAt: '10:45',
    comment: '两人共同查阅，未摘抄。',
  });
  t.is(done.status, 200, JSON.stringify(done.body));
  t.is(done.body.instance.status, 'completed');
  const req = await requestOf(id);
  const entry = await db()('reading_register').where({ request_id: req.id }).first();
  t.like(entry, {
    mode: 'onsite',
    end_reason: 'onsite',
    started_at: new Date(`${readingDay}T09:30:00+08:00`).toISOString(),
    ended_at: new Date(`${readingDay}T10:45:00+08:00`).toISOString(),
    recorded_by: (await db()('users').where({ username: 'archivist1' }).first()).id,
    signed_by: req.initiator_id,
  });
  t.is(req.status, 'closed');
});

test.serial('an on-site reading is registered on the approved reading day or later: a date before it is refused, naming the day', async (t) => {
  const cadre = await demoCadre(sys, 'county', 9);
  sys.clock.set(new Date(Date.parse(`${todayIn(sys)}T08:00:00+08:00`) + 24 * HOUR));
  const today = todayIn(sys);
  const viewFrom = plusDays(today, 2);
  const { id } = await start(cadre, { mode: 'onsite', viewFrom });
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'archivist1', id, 'archivistReview');
  await approveStep(sys, 'chief1', id, 'chiefApproval');
  t.is((await requestOf(id)).view_from, viewFrom);
  const reading = { identityChecked: true, accompanied: true, readersSigned: true, readingStartedAt: '09:30', readingEndedAt: '10:45' };
  // Approved today for the day after tomorrow: a reading registered as held today is refused.
  sys.clock.advance(4 * HOUR);
  let archivist = await sys.as('archivist1');
  const early = await completeAt(archivist, id, 'onsiteReading', { ...reading, readingDate: today });
  t.is(early.status, 422);
  t.like(early.body.details, { rule: 'reading-date', field: 'readingDate', readingDate: today, earliest: viewFrom });
  t.is(early.body.message, `查阅日期 ${today} 早于批准的查阅日期 ${viewFrom}：只能登记批准的日期当天或以后进行的查阅 / The reading date ${today} is before the approved reading day, ${viewFrom}: only a reading held on or after that day can be registered`);
  t.is(await db()('reading_register').where({ request_id: (await requestOf(id)).id }).first(), undefined);
  t.truthy(await taskAt(archivist, id, 'onsiteReading'), 'the task stays open');
  // On the approved day, after the reading: registered.
  sys.clock.set(new Date(`${viewFrom}T12:00:00+08:00`));
  archivist = await sys.as('archivist1');
  const done = await completeAt(archivist, id, 'onsiteReading', { ...reading, readingDate: viewFrom });
  t.is(done.status, 200, JSON.stringify(done.body));
  t.like(await db()('reading_register').where({ request_id: (await requestOf(id)).id }).first(), { mode: 'onsite', started_at: new Date(`${viewFrom}T09:30:00+08:00`).toISOString() });
});

test.serial('an on-site reading is registered only from the shelf: the archive lent out meanwhile, the task page warns and completing is refused; back in stock, it goes through', async (t) => {
  const cadre = await demoCadre(sys, 'county', 7);
  sys.clock.set(new Date(Date.parse(`${todayIn(sys)}T08:00:00+08:00`) + 24 * HOUR));
  const { id } = await start(cadre, { mode: 'onsite' });
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'archivist1', id, 'archivistReview');
  await approveStep(sys, 'chief1', id, 'chiefApproval');
  // Meanwhile the paper file goes out on a loan.
  await db().transaction((trx) => sys.services.archives.changeArchiveStatus(trx, { archiveId: cadre.archiveId, to: 'on_loan', reason: '借出 查借-2026-9999', actor: null }));
  sys.clock.advance(4 * HOUR);
  const archivist = await sys.as('archivist1');
  // The task page knows before the archivist tries; the applicants are not told where the archive is.
  t.deepEqual((await archivist.get(`/api/requests?instanceId=${id}`)).body.items[0].archivePlace, { where: 'away', status: 'on_loan', otherOffice: false, batch: null });
  t.is((await (await sys.as('applicant1')).get(`/api/requests?instanceId=${id}`)).body.items[0].archivePlace, null);
  const reading = { identityChecked: true, accompanied: true, readersSigned: true, readingDate: todayIn(sys), readingStartedAt: '09:30', readingEndedAt: '10:45' };
  const refused = await completeAt(archivist, id, 'onsiteReading', reading);
  t.is(refused.status, 422);
  t.is(refused.body.details.rule, 'archive_status');
  t.like(refused.body.details, { status: 'on_loan', where: 'away' });
  t.regex(refused.body.message, /借出.*不能登记现场查阅.* \/ The archive is on loan/);
  const req = await requestOf(id);
  t.is(await db()('reading_register').where({ request_id: req.id }).first(), undefined, 'no 查阅登记簿 entry');
  t.is(req.status, 'approved');
  t.truthy(await taskAt(archivist, id, 'onsiteReading'), 'the task is still open');
  // Returned to the shelf: the same registration goes through.
  await db().transaction((trx) => sys.services.archives.changeArchiveStatus(trx, { archiveId: cadre.archiveId, to: 'in_stock', reason: '归还', actor: null }));
  t.like((await archivist.get(`/api/requests/${req.id}`)).body.archivePlace, { where: 'on_shelf', status: 'in_stock' });
  const done = await completeAt(archivist, id, 'onsiteReading', reading);
  t.is(done.status, 200, JSON.stringify(done.body));
  t.like(await db()('reading_register').where({ request_id: req.id }).first(), { mode: 'onsite', end_reason: 'onsite' });
});

test.serial('a case started while the 现场查阅 form had no 未查阅 choice keeps its form: the choice is refused there, and the reading is registered as before', async (t) => {
  const engine = sys.services.engine;
  const xml = fs.readFileSync(path.join(process.cwd(), 'processes/borrowing.bpmn'), 'utf8');
  const shipped = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'processes/forms/onsite-reading.form.json'), 'utf8'));
  const before = { ...shipped, components: shipped.components.filter((c: any) => !['readingHeld', 'notHeldReason'].includes(c.key)).map(({ conditional, ...c }: any) => c) };
  const old = await db().transaction((trx) => engine.definitions.deploy(trx, xml, null, 'before 未查阅', { forms: engine.formSource(trx, 'files', { 'onsite-reading': before }) }));
  t.true(old.created);
  const cadre = await demoCadre(sys, 'county', 3);
  sys.clock.set(new Date(Date.parse(`${todayIn(sys)}T08:00:00+08:00`) + 24 * HOUR));
  const { id } = await start(cadre, { mode: 'onsite' });
  // The shipped form is deployed again (as at an upgrade's start-up); the case keeps its version.
  const now = await db().transaction((trx) => engine.definitions.deploy(trx, xml, null, 'with 未查阅'));
  t.true(now.created);
  t.is((await db()('process_instances').where({ id }).first()).deployment_id, old.deployment.id);
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'archivist1', id, 'archivistReview');
  await approveStep(sys, 'chief1', id, 'chiefApproval');
  sys.clock.advance(4 * HOUR);
  const archivist = await sys.as('archivist1');
  const notHeld = await completeAt(archivist, id, 'onsiteReading', { readingHeld: 'not_held', notHeldReason: '查档人员未到场。' });
  t.is(notHeld.status, 400, 'its own form has no such field');
  const done = await completeAt(archivist, id, 'onsiteReading', { identityChecked: true, accompanied: true, readersSigned: true, readingDate: todayIn(sys), readingStartedAt: '09:30', readingEndedAt: '10:45' });
  t.is(done.status, 200, JSON.stringify(done.body));
  t.is(done.body.instance.status, 'completed');
  t.like(await db()('reading_register').where({ request_id: (await requestOf(id)).id }).first(), { mode: 'onsite', end_reason: 'onsite' });
});

test.serial('routing by management level: a 市管 cadre also needs the leader; a 省管 cadre also the higher department’s reply', async (t) => {
  const municipal = await demoCadre(sys, 'municipal');
  const a = await start(municipal);
  t.like((await variables(a.id)).route, { needsLeader: true, referUpward: false });
  await approveStep(sys, 'unithead1', a.id, 'unitHeadReview');
  await approveStep(sys, 'archivist1', a.id, 'archivistReview');
  await approveStep(sys, 'chief1', a.id, 'chiefApproval');
  t.falsy(await taskAt(await sys.as('applicant1'), a.id, 'electronicReading'), 'not yet');
  // The leader of the organisation department above the office decides.
  await approveStep(sys, 'leader1', a.id, 'leaderApproval', '同意。');
  t.truthy(await taskAt(await sys.as('applicant1'), a.id, 'electronicReading'));
  t.is((await requestOf(a.id)).status, 'authorized');

  const provincial = await demoCadre(sys, 'provincial', 0, 'copy');
  const b = await start(provincial);
  t.like((await variables(b.id)).route, { needsLeader: true, referUpward: true });
  await approveStep(sys, 'unithead1', b.id, 'unitHeadReview');
  await approveStep(sys, 'archivist1', b.id, 'archivistReview');
  await approveStep(sys, 'chief1', b.id, 'chiefApproval');
  await approveStep(sys, 'leader1', b.id, 'leaderApproval');
  // The chief records the higher department's written reply, with its number.
  const chief = await sys.as('chief1');
  const noRef = await completeAt(chief, b.id, 'upperApproval', approve('上级组织部门同意。'));
  t.is(noRef.status, 400);
  t.true(noRef.body.details.some((d: any) => d.field === 'replyRef'));
  t.is((await completeAt(chief, b.id, 'upperApproval', { ...approve('上级组织部门同意。'), replyRef: '内组干字〔2026〕12号' })).status, 200);
  t.truthy(await taskAt(await sys.as('applicant1'), b.id, 'electronicReading'));
  const opinion = await db()('request_approvals').where({ element_id: 'upperApproval' }).first();
  t.is(opinion.opinion, '上级组织部门同意。（批复文号：内组干字〔2026〕12号）');
  t.is((await db()('archive_grants').where({ instance_id: b.id, archive_id: provincial.archiveId })).length, 2, 'the 副本 the office holds');
});

for (const [step, who, after] of [
  ['unitHeadReview', 'unithead1', []],
  ['archivistReview', 'archivist1', ['unitHeadReview']],
  ['chiefApproval', 'chief1', ['unitHeadReview', 'archivistReview']],
  ['leaderApproval', 'leader1', ['unitHeadReview', 'archivistReview', 'chiefApproval']],
  ['upperApproval', 'chief1', ['unitHeadReview', 'archivistReview', 'chiefApproval', 'leaderApproval']],
] as const) {
  test.serial(`given a request, when ${step} disagrees, then it ends rejected: no grant, no register entry, no further task`, async (t) => {
    const cadre = step === 'upperApproval' ? await demoCadre(sys, 'provincial', 1, 'copy') : await demoCadre(sys, step === 'leaderApproval' ? 'municipal' : 'county', 3);
    const { id } = await start(cadre);
    for (const s of after) {
      const user = { unitHeadReview: 'unithead1', archivistReview: 'archivist1', chiefApproval: 'chief1', leaderApproval: 'leader1' }[s];
      await approveStep(sys, user, id, s);
    }
    const c = await sys.as(who);
    const res = await completeAt(c, id, step, step === 'upperApproval' ? { ...reject('上级组织部门不同意。'), replyRef: '内组干字〔2026〕13号' } : reject());
    t.is(res.status, 200);
    t.is(res.body.instance.status, 'completed');
    t.true((await ended(id)).includes('rejected'));
    t.false((await ended(id)).includes('recordApproval'));
    const req = await requestOf(id);
    t.like(req, { status: 'rejected', granted_categories: null, window_start: null });
    t.truthy(req.closed_at);
    t.is((await variables(id)).outcome, 'rejected');
    t.is((await db()('archive_grants').where({ instance_id: id })).length, 0);
    t.is(await db()('reading_register').where({ request_id: req.id }).first(), undefined);
    t.is((await db()('tasks').where({ instance_id: id, status: 'open' })).length, 0);
    const last = await db()('request_approvals').where({ request_id: req.id }).orderBy('id', 'desc').first();
    t.like(last, { element_id: step, decision: 'reject' });
  });
}

test.serial('withdrawn before any decision: the request says withdrawn and the unit head’s task is gone', async (t) => {
  const cadre = await demoCadre(sys, 'county', 4);
  const { id } = await start(cadre);
  const applicant = await sys.as('applicant1');
  const res = await applicant.post(`/api/process-instances/${id}/withdraw`, { reason: '查阅事由已取消。' });
  t.is(res.status, 200);
  t.like(await requestOf(id), { status: 'withdrawn' });
  t.falsy(await taskAt(await sys.as('unithead1'), id, 'unitHeadReview'));
  // Nothing is current any more: the diagram marks no step as waiting, the case lists none.
  t.like((await applicant.get(`/api/process-instances/${id}/diagram`)).body, { activeElements: [] });
  t.like((await applicant.get(`/api/process-instances/${id}`)).body, { status: 'terminated', activeElements: [] });
});

test.serial('the archivists of another office are not offered the request; the leader is the one above the holding office', async (t) => {
  const cadre = await demoCadre(sys, 'municipal', 1);
  const { id } = await start(cadre);
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  t.falsy(await taskAt(await sys.as('receiver1'), id, 'archivistReview'));
  const task = await db()('tasks').where({ instance_id: id, element_id: 'archivistReview' }).first();
  t.is(task.candidate_org_id, await orgId(sys, '150300-ZZB-DAS'));
  await approveStep(sys, 'archivist1', id, 'archivistReview');
  await approveStep(sys, 'chief1', id, 'chiefApproval');
  const leaderTask = await db()('tasks').where({ instance_id: id, element_id: 'leaderApproval' }).first();
  t.is(leaderTask.candidate_org_id, await orgId(sys, '150300-ZZB'));
});

// Carried over from the foundation's first borrowing test: who may work a task, and what a decision needs.
test.serial('the wrong user gets 404 (a task they cannot see) or 403 NOT_CANDIDATE (one they see); a finished task 409 TASK_NOT_OPEN; a decision without a comment is refused and nothing moves', async (t) => {
  const cadre = await demoCadre(sys, 'county', 5);
  const { id } = await start(cadre);
  const unitHead = await sys.as('unithead1');
  const task = await taskAt(unitHead, id, 'unitHeadReview');
  // Out of scope reads as absent, as GET /api/tasks/:id does.
  const wrong = await (await sys.as('archivist1')).post(`/api/tasks/${task.id}/complete`, { variables: approve() });
  t.is(wrong.status, 404);
  t.is(wrong.body.code, 'NOT_FOUND');
  t.is((await (await sys.as('applicant1')).post(`/api/tasks/${task.id}/complete`, { variables: approve() })).status, 404);

  const bare = await unitHead.post(`/api/tasks/${task.id}/complete`, { variables: { decision: 'approve' } });
  t.is(bare.status, 400);
  t.is(bare.body.code, 'VALIDATION_FAILED');
  t.true(bare.body.details.some((d: any) => d.field === 'comment'));
  const odd = await unitHead.post(`/api/tasks/${task.id}/complete`, { variables: { decision: 'maybe', comment: '看看再说' } });
  t.is(odd.status, 400);
  t.truthy(await taskAt(unitHead, id, 'unitHeadReview'), 'still open');
  t.is((await db()('request_approvals').where({ request_id: (await requestOf(id)).id })).length, 0);

  t.is((await unitHead.post(`/api/tasks/${task.id}/complete`, { variables: approve() })).status, 200);
  const again = await unitHead.post(`/api/tasks/${task.id}/complete`, { variables: approve() });
  t.is(again.status, 409);
  t.is(again.body.code, 'TASK_NOT_OPEN');
  // The archive chief lists the archivists' step in 督办: he knows of it, and may not work it.
  const step = await db()('tasks').where({ instance_id: id, element_id: 'archivistReview' }).first();
  const chief = await (await sys.as('chief1')).post(`/api/tasks/${step.id}/complete`, { variables: approve() });
  t.is(chief.status, 403);
  t.is(chief.body.code, 'NOT_CANDIDATE');
});

test.serial('claim and unclaim: a claimed task leaves the group and comes back', async (t) => {
  const cadre = await demoCadre(sys, 'county', 6);
  const { id } = await start(cadre);
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  const archivist = await sys.as('archivist1');
  const task = await taskAt(archivist, id, 'archivistReview');
  const claimed = await archivist.post(`/api/tasks/${task.id}/claim`);
  t.is(claimed.status, 200);
  t.is(claimed.body.assigneeId, (await archivist.get('/api/me')).body.id);
  t.true((await archivist.get('/api/tasks?filter=mine')).body.items.some((x: any) => x.id === task.id));
  t.false((await archivist.get('/api/tasks?filter=candidate')).body.items.some((x: any) => x.id === task.id));
  t.is((await archivist.post(`/api/tasks/${task.id}/unclaim`)).status, 200);
  t.true((await archivist.get('/api/tasks?filter=candidate')).body.items.some((x: any) => x.id === task.id));
});
