// Every rule of a request to use an archive, broken one at a time: each answers 422
// RULE_VIOLATION naming the rule, in Chinese and English, and nothing is written — no case, no
// request, no task, no case number used up — except the auditor's row of the refusal. A wrong
// name/ID pair teaches the applicant nothing beyond "not in any office's holdings".
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { approve, completeAt } from '../helpers/workflow.ts';
import { addUser } from '../helpers/users.ts';
import { actor } from '../helpers/notify.ts';
import { approveStep, borrowingVariables, callRequestService, copyVariables, demoCadre, todayIn, type DemoCadre } from '../helpers/cases.ts';

let sys: TestSystem;
let cadre: DemoCadre;
test.before(async () => {
  sys = await startSystem();
  cadre = await demoCadre(sys, 'county', 20);
  await addUser(sys, { username: 'applicant9', displayName: '外单位查档员', org: '150300-RSJ', roles: ['applicant'] });
  await addUser(sys, { username: 'headjw2', displayName: '纪委另一负责人', org: '150300-JW', roles: ['unit_head'] });
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const count = async (table: string) => Number((await db()(table).count({ n: '*' }))[0].n);
const snapshot = async () => ({
  instances: await count('process_instances'),
  requests: await count('utilization_requests'),
  applicants: await count('request_applicants'),
  tasks: await count('tasks'),
  sequences: JSON.stringify(await db()('sequences').orderBy('name')),
  grants: await count('archive_grants'),
});

async function refused(t: any, over: Record<string, unknown>, rule: string, applicant = 'applicant1', target = cadre) {
  const before = await snapshot();
  const c = await sys.as(applicant);
  const res = await c.post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, applicant, target, over) });
  t.is(res.status, 422, JSON.stringify(res.body));
  t.is(res.body.code, 'RULE_VIOLATION');
  t.is(res.body.details.rule, rule);
  t.regex(res.body.message, /[\u4e00-\u9fff].* \/ [A-Za-z]/, 'Chinese first, English second');
  t.deepEqual(await snapshot(), before, 'nothing written');
  const audit = await db()('audit_log').where({ action: 'instance.start', outcome: 'denied' }).orderBy('seq', 'desc').first();
  t.deepEqual(JSON.parse(audit.detail), { rule });
  t.false(audit.detail.includes(target.idNumber));
  return res.body;
}

test.serial('applicants-min-two: the initiator alone (naming oneself as co-applicant) is refused', async (t) => {
  const me = (await actor(sys, 'applicant1')).id;
  await refused(t, { coApplicants: [String(me)] }, 'applicants-min-two');
});

test.serial('co-applicant-eligible: someone of another unit, someone without the applicant role, a disabled account, or garbage', async (t) => {
  await refused(t, { coApplicants: [String((await actor(sys, 'applicant9')).id)] }, 'co-applicant-eligible');
  await refused(t, { coApplicants: [String((await actor(sys, 'headjw2')).id)] }, 'co-applicant-eligible');
  await refused(t, { coApplicants: ['12abc'] }, 'co-applicant-eligible');
  const a2 = await actor(sys, 'applicant2');
  await db()('users').where({ id: a2.id }).update({ disabled: true });
  try {
    await refused(t, { coApplicants: [String(a2.id)] }, 'co-applicant-eligible');
  } finally {
    await db()('users').where({ id: a2.id }).update({ disabled: false });
  }
});

test.serial('applicants-max: more than ten people on one request', async (t) => {
  await refused(t, { coApplicants: Array.from({ length: 10 }, (_, i) => String(1000 + i)) }, 'applicants-max');
});

test.serial('target-not-held: a wrong ID number, a name that does not go with it, a right pair whose archive is away (借出, 数字化中, 转出中) — one answer, no state', async (t) => {
  const a = await refused(t, { cadreIdNumber: '150302199001011234' }, 'target-not-held');
  const b = await refused(t, { cadreName: '张三' }, 'target-not-held');
  // A real ID number with the name of another real cadre.
  const c = await refused(t, { cadreName: (await demoCadre(sys, 'county', 22)).name }, 'target-not-held');
  for (const x of [b, c]) t.deepEqual(x, a, 'one answer for every miss');
  t.deepEqual(a.details, { rule: 'target-not-held' }, 'a wrong pair is told no state');
  // The message names every way an archive is away for now, 数字化中 too, in both languages.
  t.regex(a.message, /借出、数字化中、转递中时暂不能申请 \/ .*out on loan, being digitised or being transferred/);
  // The cadre exists and is right, but the archive is out: the same answer, without the state — 借出
  // often means the cadre is being examined, 转出中 a move not yet announced.
  const other = await demoCadre(sys, 'county', 21);
  try {
    for (const status of ['digitizing', 'on_loan', 'transferring']) {
      await db()('archives').where({ id: other.archiveId }).update({ status });
      const d = await refused(t, {}, 'target-not-held', 'applicant1', other);
      t.deepEqual(d, a, `${status}: the same answer as a wrong pair`);
      t.false(JSON.stringify(d).includes(status));
    }
  } finally {
    await db()('archives').where({ id: other.archiveId }).update({ status: 'in_stock' });
  }
  // The ID number's letter may be typed in lower case.
  const lower = await sys.as('applicant1');
  const withX = await db()('cadres').where('id_number', 'like', '%X').first();
  if (withX) {
    const res = await lower.post('/api/process-instances', {
      processKey: 'borrowing',
      variables: await borrowingVariables(sys, 'applicant1', { ...cadre, name: withX.name, idNumber: withX.id_number.toLowerCase() }),
    });
    t.not(res.body?.details?.rule, 'target-not-held');
  }
  t.regex(a.message, /请核对姓名和身份证号/);
  // A name typed with spaces finds the cadre, and the case then carries the name as the archive records it.
  const spaced = [...cadre.name].join(' ');
  const started = await lower.post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', { ...cadre, name: ` ${spaced} ` }) });
  t.is(started.status, 201, JSON.stringify(started.body));
  t.is(JSON.parse((await db()('process_instances').where({ id: started.body.id }).first()).variables).cadreName, cadre.name);
});

test.serial('applicant-is-target: nobody consults their own archive', async (t) => {
  const self = await db()('cadres as c').join('users as u', 'u.cadre_id', 'c.id').where('u.username', 'applicant1').first('c.name', 'c.id_number');
  const body = await refused(t, {}, 'applicant-is-target', 'applicant1', { ...cadre, name: self.name, idNumber: self.id_number });
  t.is(body.details.applicant, 'initiator');
});

test.serial('applicant-is-relative: 李红梅 is 张建军’s spouse — as initiator and as co-applicant', async (t) => {
  const zhang = await db()('cadres').where({ name: '张建军' }).first();
  const target = { ...cadre, name: zhang.name, idNumber: zhang.id_number };
  const asInitiator = await refused(t, {}, 'applicant-is-relative', 'applicant2', target);
  t.is(asInitiator.details.applicant, 'initiator');
  const asColleague = await refused(t, {}, 'applicant-is-relative', 'applicant1', target);
  t.is(asColleague.details.applicant, 'co-applicant');
});

test.serial('applicant-avoidance: an applicant on the avoidance list of the cadre; the answer does not say whose entry', async (t) => {
  const a2 = await actor(sys, 'applicant2');
  const sec = await actor(sys, 'secadmin');
  await db()('avoidance_entries').insert({ user_id: a2.id, cadre_id: cadre.id, reason: '曾共事', created_by: sec.id, created_at: sys.clock.now().toISOString(), removed_at: null, removed_by: null });
  try {
    const body = await refused(t, {}, 'applicant-avoidance');
    t.false(JSON.stringify(body).includes('曾共事'));
    t.is(body.details.applicant, 'co-applicant');
  } finally {
    await db()('avoidance_entries').where({ user_id: a2.id, cadre_id: cadre.id }).delete();
  }
});

test.serial('categories: a category the office has retired cannot be asked for', async (t) => {
  await db()('catalog_categories').where({ code: '8' }).update({ active: false });
  try {
    const body = await refused(t, { categories: ['1', '8'] }, 'categories');
    t.deepEqual(body.details.categories, ['8']);
  } finally {
    await db()('catalog_categories').where({ code: '8' }).update({ active: true });
  }
});

test.serial('loan-days, viewing-days, viewing-date: limits from configuration, reading dates not in the past', async (t) => {
  const { maxLoanDays, maxViewingDays } = sys.services.config.params;
  t.is(maxLoanDays, 7);
  t.is(maxViewingDays, 5);
  const loan = await refused(t, { mode: 'loan', loanDays: maxLoanDays + 1 }, 'loan-days');
  t.is(loan.details.max, 7);
  await refused(t, { viewDays: maxViewingDays + 1 }, 'viewing-days');
  const yesterday = new Date(Date.parse(`${todayIn(sys)}T12:00:00+08:00`) - 86_400_000).toISOString().slice(0, 10);
  await refused(t, { viewFrom: yesterday }, 'viewing-date');
  await refused(t, { mode: 'onsite', viewFrom: yesterday }, 'viewing-date');
  // Nor planned further ahead than MAX_VIEWING_LEAD_DAYS (30): the last day allowed is today + 30.
  const { maxViewingLeadDays } = sys.services.config.params;
  t.is(maxViewingLeadDays, 30);
  const ahead = (n: number) => new Date(Date.parse(`${todayIn(sys)}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  const far = await refused(t, { viewFrom: ahead(31) }, 'viewing-date');
  t.is(far.details.latest, ahead(30));
  t.regex(far.message, /须在今后 30 天之内/);
  await refused(t, { mode: 'onsite', viewFrom: '2099-12-31' }, 'viewing-date');
  const c = await sys.as('applicant1');
  const lastDay = await c.post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', cadre, { mode: 'onsite', viewFrom: ahead(30) }) });
  t.is(lastDay.status, 201, JSON.stringify(lastDay.body));
});

test.serial('purpose and mode outside their lists: the form refuses them first (400), the start check names the rule when called directly', async (t) => {
  const c = await sys.as('applicant1');
  const res = await c.post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', cadre, { purpose: '9' }) });
  t.is(res.status, 400);
  t.is(res.body.code, 'VALIDATION_FAILED');
  const call = (variables: Record<string, unknown>) => callRequestService(sys, 'checkBorrowingRequest', variables);
  const base = await borrowingVariables(sys, 'applicant1', cadre);
  const purpose = await t.throwsAsync(call({ ...base, purpose: '9' }));
  t.is((purpose as any).details.rule, 'purpose');
  const mode = await t.throwsAsync(call({ ...base, mode: 'post' }));
  t.is((mode as any).details.rule, 'mode');
  const kind = await t.throwsAsync(callRequestService(sys, 'checkCopyRequest', { ...(await copyVariables(sys, 'applicant1', cadre)), kind: 'photo' }));
  t.is((kind as any).details.rule, 'kind');
  // Only an applicant files (a case started by the system has no actor).
  const nobody = await t.throwsAsync(callRequestService(sys, 'checkBorrowingRequest', base, { as: null }));
  t.is((nobody as any).details.rule, 'applicant');
});

test.serial('granted-within-request: the chief cannot open a category nobody asked for; the chief’s task stays open', async (t) => {
  const c = await sys.as('applicant1');
  const res = await c.post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', cadre, { categories: ['1'] }) });
  const id = res.body.id;
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'archivist1', id, 'archivistReview');
  const chief = await sys.as('chief1');
  const wide = await completeAt(chief, id, 'chiefApproval', { ...approve(), grantedCategories: ['1', '8'] });
  t.is(wide.status, 422);
  t.is(wide.body.details.rule, 'granted-within-request');
  t.deepEqual(wide.body.details.categories, ['8']);
  t.is((await db()('tasks').where({ instance_id: id, element_id: 'chiefApproval' }).first()).status, 'open');
  t.is((await db()('utilization_requests').where({ instance_id: id }).first()).granted_categories, null);
  t.is((await db()('request_approvals').where({ element_id: 'chiefApproval', request_id: (await db()('utilization_requests').where({ instance_id: id }).first()).id })).length, 0);

  // Ending the reading needs the confirmation; the grants stay until it is given.
  t.is((await completeAt(chief, id, 'chiefApproval', approve())).status, 200);
  const reader = await sys.as('applicant1');
  const unconfirmed = await completeAt(reader, id, 'electronicReading', { confirmed: false });
  t.is(unconfirmed.status, 422);
  t.is(unconfirmed.body.details.rule, 'reading-confirmation');
  t.true((await db()('archive_grants').where({ instance_id: id })).every((g: any) => g.revoked_at === null));
});

test.serial('onsite-checks: the archivist cannot record an on-site reading without identities, company and signatures', async (t) => {
  const c = await sys.as('applicant1');
  const res = await c.post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', cadre, { mode: 'onsite' }) });
  const id = res.body.id;
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'archivist1', id, 'archivistReview');
  await approveStep(sys, 'chief1', id, 'chiefApproval');
  const r = await completeAt(await sys.as('archivist1'), id, 'onsiteReading', {
    identityChecked: false, accompanied: true, readersSigned: true, readingDate: todayIn(sys), readingStartedAt: '00:00', readingEndedAt: '00:01',
  });
  t.is(r.status, 422);
  t.is(r.body.details.rule, 'onsite-checks');
  t.is(await db()('reading_register').where({ request_id: (await db()('utilization_requests').where({ instance_id: id }).first()).id }).first(), undefined);
});

test.serial('the limits are configuration: with MAX_LOAN_DAYS=3 a five-day loan is refused, three days pass', async (t) => {
  const other = await startSystem({ env: { MAX_LOAN_DAYS: '3', MAX_VIEWING_DAYS: '1' } });
  try {
    const target = await demoCadre(other, 'county', 0);
    const c = await other.as('applicant1');
    const five = await c.post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(other, 'applicant1', target, { mode: 'loan', loanDays: 5 }) });
    t.is(five.status, 422);
    t.like(five.body.details, { rule: 'loan-days', field: 'loanDays', max: 3 });
    const two = await c.post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(other, 'applicant1', target, { viewDays: 2 }) });
    t.like(two.body.details, { rule: 'viewing-days', field: 'viewDays', max: 1 });
    const three = await c.post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(other, 'applicant1', target, { mode: 'loan', loanDays: 3 }) });
    t.is(three.status, 201);
  } finally {
    await other.close();
  }
});
