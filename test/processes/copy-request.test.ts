// 复制/摘录 (processes/copy-request.bpmn) walked over HTTP by the demo users: materials named by 序号
// in advance, approval of all or some of them, copies made and certified by the archivist with a
// register row per copy, the using unit's report of filing or destruction — and the reminder when
// it is late (movable clock); every rejection and every rule, with nothing written when refused.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { approve, completeAt, reject, taskAt } from '../helpers/workflow.ts';
import { approveStep, callRequestService, copyVariables, demoCadre, todayIn, type DemoCadre } from '../helpers/cases.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const DAY = 86_400_000;
const SEAL = { made: true, sealText: '中共乌海市委组织部干部档案室（印）', certification: '经核对与原件一致。' };
const userId = async (u: string) => (await db()('users').where({ username: u }).first()).id as number;
const requestOf = (instanceId: string) => db()('utilization_requests').where({ instance_id: instanceId }).first();
const copiesOf = async (instanceId: string) => db()('copy_records').where({ request_id: (await requestOf(instanceId)).id }).orderBy('id');
const count = async (table: string) => Number((await db()(table).count({ n: '*' }))[0].n);

async function start(cadre: DemoCadre, over: Record<string, unknown> = {}, n = 2) {
  const c = await sys.as('applicant1');
  const res = await c.post('/api/process-instances', { processKey: 'copy-request', variables: await copyVariables(sys, 'applicant1', cadre, over, n) });
  return res;
}

async function started(cadre: DemoCadre, over: Record<string, unknown> = {}, n = 2) {
  const res = await start(cadre, over, n);
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body as { id: string; businessKey: string };
}

test.serial('given two named materials, when the chief approves one of them, then the archivist’s two certified copies of it are registered and the using unit reports their destruction', async (t) => {
  const cadre = await demoCadre(sys, 'unit', 0);
  const { id, businessKey } = await started(cadre);
  t.regex(businessKey, /^复制-\d{4}-\d{4}$/);
  const req = await requestOf(id);
  const asked = JSON.parse(req.materials);
  t.is(asked.length, 2);
  t.like(req, { kind: 'copy', status: 'in_review', copies: 2, mode: null });
  const materials = await db()('materials').where({ archive_id: cadre.archiveId }).orderBy('id').limit(2);
  t.deepEqual(asked.map((m: any) => [m.seqNo, m.materialId]), materials.map((m: any) => [m.seq_no, m.id]));

  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'chief1', id, 'chiefApproval', '同意复制第一份。', { approvedMaterials: [asked[0].seqNo] });
  t.like(await requestOf(id), { status: 'approved', approved_materials: JSON.stringify([asked[0].seqNo]) });
  t.is(JSON.parse((await db()('process_instances').where({ id }).first()).variables).outcome, 'approved');
  t.is(await count('copy_records'), 0, 'nothing is registered before the copies are made');

  const archivist = await sys.as('archivist1');
  const made = await completeAt(archivist, id, 'makeCopies', SEAL);
  t.is(made.status, 200);
  const rows = await copiesOf(id);
  t.deepEqual(
    rows.map((r: any) => [r.serial_no, r.seq_no, r.copy_no, r.copies, r.page_from, r.page_to]),
    [
      [`${businessKey}-01`, asked[0].seqNo, 1, 2, 1, materials[0].pages],
      [`${businessKey}-02`, asked[0].seqNo, 2, 2, 1, materials[0].pages],
    ],
  );
  for (const r of rows) {
    t.like(r, { kind: 'copy', seal_text: SEAL.sealText, certification: SEAL.certification, certified_by: await userId('archivist1'), certified_at: sys.clock.now().toISOString(), recipient_org_id: req.requester_org_id, material_id: materials[0].id, disposition: null, pdf_file: null, custodian_org_id: cadre.custodianOrgId });
  }
  t.like(await requestOf(id), { status: 'copied' });

  // The applicant's unit reports what became of them.
  const applicant = await sys.as('applicant1');
  const task = await taskAt(applicant, id, 'confirmDisposition');
  t.is(task.dueAt, new Date(sys.clock.now().getTime() + 30 * DAY).toISOString());
  sys.clock.advance(2 * DAY);
  const reported = await completeAt(await sys.as('applicant1'), id, 'confirmDisposition', { disposition: 'destroyed', dispositionDate: todayIn(sys), comment: '使用完毕，已登记销毁。' });
  t.is(reported.status, 200);
  t.is(reported.body.instance.status, 'completed');
  for (const r of await copiesOf(id)) t.like(r, { disposition: 'destroyed', disposition_date: todayIn(sys), disposition_by: await userId('applicant1'), disposition_note: '使用完毕，已登记销毁。' });
  t.like(await requestOf(id), { status: 'closed' });
  t.is((await db()('mail_outbox').where({ instance_id: id, event: 'copy_disposition_due' })).length, 0);
  const opinions = await db()('request_approvals').where({ request_id: req.id }).orderBy('id');
  t.deepEqual(opinions.map((o: any) => [o.element_id, o.decision]), [['unitHeadReview', 'approve'], ['chiefApproval', 'approve']]);
  // The catalogue itself is untouched.
  t.is(await db()('materials').where({ archive_id: cadre.archiveId }).count({ n: '*' }).then((r: any) => Number(r[0].n)), (await db()('materials').where({ archive_id: cadre.archiveId })).length);
});

test.serial('the steps after the chief: the archivist reads which materials were approved, the case lists its copies by number, and an empty 说明 of the disposition is not the chief’s comment', async (t) => {
  const cadre = await demoCadre(sys, 'unit', 6);
  const { id, businessKey } = await started(cadre);
  const asked = JSON.parse((await requestOf(id)).materials);
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'chief1', id, 'chiefApproval', '同意复制第一份。', { approvedMaterials: [asked[0].seqNo] });
  // What the archivist's case panel reads: the requested materials and the approved ones.
  const archivist = await sys.as('archivist1');
  const shown = await archivist.get(`/api/requests?instanceId=${id}`);
  t.is(shown.status, 200);
  t.like(shown.body.items[0], { materials: asked, approvedMaterials: [asked[0].seqNo], copies: 2 });

  t.is((await completeAt(archivist, id, 'makeCopies', SEAL)).status, 200);
  const panel = await (await sys.as('applicant1')).get(`/api/copy-register/by-case/${id}`);
  t.is(panel.status, 200);
  t.deepEqual(panel.body.items.map((r: any) => r.serialNo), [`${businessKey}-01`, `${businessKey}-02`]);
  const office = await archivist.get(`/api/copy-register/by-case/${id}`);
  t.deepEqual(office.body.items.map((r: any) => r.serialNo), [`${businessKey}-01`, `${businessKey}-02`]);

  const reported = await completeAt(await sys.as('applicant1'), id, 'confirmDisposition', { disposition: 'filed', dispositionDate: todayIn(sys) });
  t.is(reported.status, 200, JSON.stringify(reported.body));
  for (const r of await copiesOf(id)) t.like(r, { disposition: 'filed', disposition_note: null });
});

test.serial('an extract: one certified extract per approved material, whatever copies says; the chief approving nothing narrower approves all', async (t) => {
  const cadre = await demoCadre(sys, 'unit', 1);
  const { id } = await started(cadre, { kind: 'extract', copies: undefined }, 3);
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'chief1', id, 'chiefApproval');
  t.is((await completeAt(await sys.as('archivist1'), id, 'makeCopies', { ...SEAL, certification: '摘录内容经核对无误。' })).status, 200);
  const rows = await copiesOf(id);
  t.is(rows.length, 3);
  t.true(rows.every((r: any) => r.kind === 'extract' && r.copies === 1));
  t.is((await requestOf(id)).kind, 'extract');
});

test.serial('given copies taken, when the using unit does not report within COPY_DISPOSITION_DAYS, then it is reminded once and may still report filing', async (t) => {
  const cadre = await demoCadre(sys, 'unit', 2);
  const { id } = await started(cadre);
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'chief1', id, 'chiefApproval');
  await completeAt(await sys.as('archivist1'), id, 'makeCopies', SEAL);
  const job = await db()('jobs').where({ instance_id: id, element_id: 'dispositionReminder', status: 'pending' }).first();
  t.is(job.due_at, new Date(sys.clock.now().getTime() + sys.services.config.params.copyDispositionDays * DAY).toISOString());
  sys.clock.advance(29 * DAY);
  await sys.services.jobs.pollOnce();
  t.is((await db()('mail_outbox').where({ instance_id: id, event: 'copy_disposition_due' })).length, 0);
  sys.clock.advance(DAY + 1000);
  await sys.services.jobs.pollOnce();
  const mails = await db()('mail_outbox').where({ instance_id: id, event: 'copy_disposition_due' });
  t.is(mails.length, 1);
  t.is(mails[0].recipient_id, await userId('applicant1'));
  t.regex(mails[0].subject, /请报告复制件的处置情况/);
  t.regex(mails[0].body, /共 4 份/);
  t.truthy(await taskAt(await sys.as('applicant1'), id, 'confirmDisposition'), 'the report is still owed');
  const done = await completeAt(await sys.as('applicant1'), id, 'confirmDisposition', { disposition: 'filed', dispositionDate: todayIn(sys) });
  t.is(done.status, 200);
  t.true((await copiesOf(id)).every((r: any) => r.disposition === 'filed'));
});

for (const [step, who] of [['unitHeadReview', 'unithead1'], ['chiefApproval', 'chief1']] as const) {
  test.serial(`when ${step} disagrees, the request ends rejected and no copy is made`, async (t) => {
    const cadre = await demoCadre(sys, 'unit', 3);
    const { id } = await started(cadre);
    if (step === 'chiefApproval') await approveStep(sys, 'unithead1', id, 'unitHeadReview');
    const res = await completeAt(await sys.as(who), id, step, reject('复制理由不充分。'));
    t.is(res.status, 200);
    t.is(res.body.instance.status, 'completed');
    t.like(await requestOf(id), { status: 'rejected', approved_materials: null });
    t.is((await copiesOf(id)).length, 0);
    t.is(JSON.parse((await db()('process_instances').where({ id }).first()).variables).outcome, 'rejected');
    t.is((await db()('tasks').where({ instance_id: id, status: 'open' })).length, 0);
  });
}

test.serial('material-numbers and materials-not-in-catalogue: 序号 must be well formed and in the cadre’s catalogue; the answer does not say which', async (t) => {
  const cadre = await demoCadre(sys, 'unit', 4);
  const before = await count('utilization_requests');
  const bad = await start(cadre, { materials: ['第一份'] });
  t.is(bad.status, 422);
  t.is(bad.body.details.rule, 'material-numbers');
  const first = ((await copyVariables(sys, 'applicant1', cadre)).materials as string[])[0];
  const absent = await start(cadre, { materials: [first, '8-99'] });
  t.is(absent.status, 422);
  t.is(absent.body.details.rule, 'materials-not-in-catalogue');
  t.false(JSON.stringify(absent.body).includes('8-99'));
  const others = await start(cadre, { cadreIdNumber: '150302199001011234' });
  t.is(others.body.details.rule, 'target-not-held');
  const alone = await start(cadre, { coApplicants: [String(await userId('applicant1'))] });
  t.is(alone.body.details.rule, 'applicants-min-two');
  t.is(await count('utilization_requests'), before);
});

test.serial('approved-within-request, copies-not-made, disposition-date: refused at the step, the step stays open, nothing registered', async (t) => {
  const cadre = await demoCadre(sys, 'unit', 5);
  const { id } = await started(cadre);
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  const chief = await sys.as('chief1');
  const other = await completeAt(chief, id, 'chiefApproval', { ...approve(), approvedMaterials: ['1-99'] });
  t.is(other.status, 422);
  t.is(other.body.details.rule, 'approved-within-request');
  t.deepEqual(other.body.details.materials, ['1-99']);
  t.is((await requestOf(id)).status, 'in_review');
  t.is((await completeAt(chief, id, 'chiefApproval', approve())).status, 200);

  const archivist = await sys.as('archivist1');
  const unmade = await completeAt(archivist, id, 'makeCopies', { ...SEAL, made: false });
  t.is(unmade.status, 422);
  t.is(unmade.body.details.rule, 'copies-not-made');
  // A seal of nothing but spaces: the form refuses it first; the step's own rule says the same.
  const unsealed = await completeAt(archivist, id, 'makeCopies', { ...SEAL, sealText: '   ' });
  t.is(unsealed.status, 400);
  t.true(unsealed.body.details.some((d: any) => d.field === 'sealText'));
  const bare = await t.throwsAsync(callRequestService(sys, 'registerCopies', { ...SEAL, sealText: '   ' }, { instanceId: id, as: 'archivist1' }));
  t.is((bare as any).details.rule, 'seal-required');
  t.is((await copiesOf(id)).length, 0);
  t.is((await completeAt(archivist, id, 'makeCopies', SEAL)).status, 200);

  const applicant = await sys.as('applicant1');
  const tomorrow = new Date(Date.parse(`${todayIn(sys)}T12:00:00+08:00`) + DAY).toISOString().slice(0, 10);
  const future = await completeAt(applicant, id, 'confirmDisposition', { disposition: 'filed', dispositionDate: tomorrow });
  t.is(future.status, 422);
  t.is(future.body.details.rule, 'disposition-date');
  const yesterday = new Date(Date.parse(`${todayIn(sys)}T12:00:00+08:00`) - DAY).toISOString().slice(0, 10);
  const early = await completeAt(applicant, id, 'confirmDisposition', { disposition: 'filed', dispositionDate: yesterday });
  t.is(early.body.details.rule, 'disposition-date');
  // A disposition outside filed/destroyed (the form's radio refuses it first).
  const odd = await t.throwsAsync(callRequestService(sys, 'recordCopyDisposition', { disposition: 'lost', dispositionDate: todayIn(sys) }, { instanceId: id }));
  t.is((odd as any).details.rule, 'disposition');
  t.true((await copiesOf(id)).every((r: any) => r.disposition === null));
});
