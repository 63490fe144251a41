// Every rule of material collection broken once: each answers 422 RULE_VIOLATION naming the rule
// (or 400 naming the field where the form itself says it), and nothing is written.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { completeAt, taskAt } from '../helpers/workflow.ts';
import { cadreOfUser } from '../archives/helpers.ts';
import { registrationProblems } from '../../server/materials/intake.ts';
import { handoverTerms } from '../../server/materials/rules.ts';
import { loadConfig } from '../../server/config.ts';
import { addCalendarMonths } from '../../server/materials/deps.ts';
import { idCheckDigit } from '../../server/archives/validate.ts';
import { accept, countOf, daysAgo, pageScan, plainCadre, registration, secondProducer, today, uploadScan } from './material-helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const start = async (variables: Record<string, unknown>, as = 'producer1') =>
  (await sys.as(as)).post('/api/process-instances', { processKey: 'material-collection', variables });
const intakeOf = (instanceId: string) => sys.services.db('material_intakes').where({ instance_id: instanceId }).first();

/** Rows a registration writes (the audit rows of the case; logging in writes its own, and a refused
 * start one 'denied' row naming the rule, which the requests engineer added on purpose). */
const written = () =>
  Promise.all([
    ...['process_instances', 'material_intakes', 'material_intake_events', 'tasks', 'sequences', 'mail_outbox'].map((x) => countOf(sys, x)),
    sys.services
      .db('audit_log')
      .where((w) => w.where('action', 'like', 'material.%').orWhere('action', 'like', 'instance.%'))
      .andWhere('outcome', 'success')
      .count({ n: '*' })
      .then(([r]) => Number(r.n)),
  ]);

async function nothingWritten(t: any, fn: () => Promise<{ status: number; body: any }>, expect: { status: number; rule?: string; field?: string }) {
  const before = await written();
  const seq = await sys.services.db('sequences').where({ name: '收材' }).first();
  const res = await fn();
  t.is(res.status, expect.status, JSON.stringify(res.body));
  if (expect.rule) t.is(res.body.details?.rule, expect.rule);
  if (expect.field) t.true(res.body.details.some((d: any) => d.field === expect.field), JSON.stringify(res.body.details));
  t.deepEqual(await written(), before);
  t.deepEqual(await sys.services.db('sequences').where({ name: '收材' }).first(), seq, 'no case number used up');
}

test.serial('a cadre named by a wrong name or an unknown ID number is refused the same way', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false });
  await nothingWritten(t, () => start(registration({ ...cadre, name: `${cadre.name}甲` }, daysAgo(sys, 2))), { status: 422, rule: 'cadre_not_found' });
  const unknown = `${cadre.id_number.slice(0, 14)}${cadre.id_number[14] === '9' ? '0' : '9'}${cadre.id_number.slice(15)}`;
  const res = await start(registration({ ...cadre, id_number: unknown }, daysAgo(sys, 2)));
  t.is(res.status, 422);
  t.is(res.body.details.rule, 'cadre_not_found');
  t.is(res.body.message, '未找到姓名与身份证号相符的干部 / No cadre has this name and ID number');
  // A lower-case x is the same ID number.
  const lower = await start(registration({ ...cadre, id_number: cadre.id_number.replace('X', 'x') }, daysAgo(sys, 2)));
  t.is(lower.status, 201);
});

test.serial('a cadre whose archive is not held by an office in Dangan is refused with archive_not_held', async (t) => {
  const s = sys.services;
  const unit = await s.db('org_units').where({ code: '150300-RSJ' }).first();
  const cadreId = await s.db.transaction((trx) =>
    s.archives.createCadre(trx, { name: '档外人', gender: '1', birth_date: '1980-01-01', ethnicity: '汉族', native_place: '乌海', political_status: '群众', id_number: `15030219800101001${idCheckDigit('15030219800101001')}`, org_unit_id: unit.id, management_level: 'unit' }),
  );
  const cadre = await s.db('cadres').where({ id: cadreId }).first();
  await nothingWritten(t, () => start(registration(cadre, daysAgo(sys, 2))), { status: 422, rule: 'archive_not_held' });
});

test.serial('the filing conditions: no future formation date, a copy needs its date and a seal, 任免 materials their formalities, 机要 its number', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false, skip: 1 });
  const tomorrow = new Date(sys.clock.now().getTime() + 86_400_000).toISOString().slice(0, 10);
  await nothingWritten(t, () => start(registration(cadre, tomorrow)), { status: 422, rule: 'formed_date_future' });
  await nothingWritten(t, () => start(registration(cadre, daysAgo(sys, 9), { isCopy: true, copyDate: daysAgo(sys, 3) })), { status: 422, rule: 'copy_needs_date_and_seal' });
  await nothingWritten(t, () => start(registration(cadre, daysAgo(sys, 9), { isCopy: true, copyDate: daysAgo(sys, 12), copySealed: true })), { status: 422, rule: 'copy_date' });
  await nothingWritten(t, () => start(registration(cadre, daysAgo(sys, 9), { isCopy: true, copySealed: true })), { status: 400, field: 'copyDate' });
  const appointment = { title: '干部任免审批表', categoryCode: '9-2', approvalAuthority: '中共乌海市委', approvalDocNo: '乌党任〔2026〕3号' };
  await nothingWritten(t, () => start(registration(cadre, daysAgo(sys, 9), appointment)), { status: 400, field: 'approvalDate' });
  await nothingWritten(t, () => start(registration(cadre, daysAgo(sys, 9), { ...appointment, approvalDate: tomorrow })), { status: 422, rule: 'appointment_formalities' });
  await nothingWritten(t, () => start(registration(cadre, daysAgo(sys, 9), { deliveryMethod: 'confidential' })), { status: 400, field: 'confidentialNo' });
  await nothingWritten(t, () => start(registration(cadre, daysAgo(sys, 9), { cadreIdNumber: '15030219800101001' })), { status: 400, field: 'cadreIdNumber' });
  await nothingWritten(t, () => start(registration(cadre, daysAgo(sys, 9), { orgScopes: { archivist: 1 } })), { status: 400, field: 'orgScopes' });
  await nothingWritten(t, () => start(registration(cadre, daysAgo(sys, 9)), 'archivist1'), { status: 403 });
  // A material formed before the cadre was born (1900-01-01 typed for 2019-01-01) is refused at the field.
  const dayBeforeBirth = new Date(Date.parse(`${cadre.birth_date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  for (const formed of ['1900-01-01', dayBeforeBirth]) {
    await nothingWritten(t, () => start(registration(cadre, formed)), { status: 422, rule: 'formed_before_birth' });
  }
  const beforeBirth = await start(registration(cadre, '1900-01-01'));
  t.is(beforeBirth.body.details.field, 'formedDate');
  t.is(beforeBirth.body.message, `材料形成时间 1900-01-01 早于干部的出生日期 ${cadre.birth_date} / The formation date 1900-01-01 is before the cadre’s birth date ${cadre.birth_date}`);
  t.is((await start(registration(cadre, cadre.birth_date))).status, 201, 'formed on the day of birth is possible');
  // The same checks stand when a changed form stops asking (the server's own conditions).
  const d = today(sys);
  t.is(registrationProblems({ formedDate: daysAgo(sys, 1), categoryCode: '9-2' }, d)?.rule, 'appointment_formalities');
  t.deepEqual(registrationProblems({ formedDate: daysAgo(sys, 1), categoryCode: '9-2' }, d)?.details, { missing: ['approvalAuthority', 'approvalDate', 'approvalDocNo'] });
  t.is(registrationProblems({ formedDate: daysAgo(sys, 1), categoryCode: '3', deliveryMethod: 'confidential' }, d)?.rule, 'confidential_number');
  t.is(registrationProblems({ formedDate: daysAgo(sys, 1), categoryCode: '3', isCopy: true, copySealed: true }, d)?.rule, 'copy_needs_date_and_seal');
  t.is(registrationProblems({ formedDate: daysAgo(sys, 1), categoryCode: '3', deliveryMethod: 'hand' }, d), null);
});

test.serial('scans: only the producer who handed it over uploads them, only images, withdrawn scans stay on record; a wrong page count forces a return', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false, skip: 2 });
  const res = await start(registration(cadre, daysAgo(sys, 4), { pages: 2 }));
  const intake = await intakeOf(res.body.id);
  const producer = await sys.as('producer1');
  const colleague = await sys.as(await secondProducer(sys));
  t.is((await uploadScan(colleague, intake.id, await pageScan(1))).status, 403);
  t.is((await uploadScan(await sys.as('archivist1'), intake.id, await pageScan(1))).status, 403);
  t.is((await uploadScan(await sys.as('receiver1'), intake.id, await pageScan(1))).status, 403);
  const notImage = await producer.request('POST', `/api/material-intakes/${intake.id}/scans`, new TextEncoder().encode('not an image'), { 'content-type': 'image/jpeg' });
  t.is(notImage.status, 400);
  t.is((await producer.request('POST', `/api/material-intakes/${intake.id}/scans`, '{}', { 'content-type': 'application/json' })).status, 415);
  // A PDF is refused with the types the route takes, not with "send JSON".
  const pdf = await producer.request('POST', `/api/material-intakes/${intake.id}/scans`, new TextEncoder().encode('%PDF-1.4'), { 'content-type': 'application/pdf' });
  t.is(pdf.status, 415);
  t.is(pdf.body.code, 'UNSUPPORTED_MEDIA_TYPE');
  t.is(pdf.body.message, '请上传 JPEG、PNG 或 TIFF 文件（image/jpeg, image/png, image/tiff） / Upload a JPEG, PNG or TIFF file (image/jpeg, image/png, image/tiff)');
  const json = await producer.request('POST', `/api/material-intakes/${intake.id}/scans`, '{}', { 'content-type': 'application/json' });
  t.is(json.body.message, pdf.body.message);
  // A JSON route still asks for JSON.
  t.regex((await producer.request('POST', '/api/collection-notices/1/withdraw', new TextEncoder().encode('%PDF-1.4'), { 'content-type': 'application/pdf' })).body.message, /^请以 JSON 格式提交/);
  for (const n of [1, 2, 3]) t.is((await uploadScan(producer, intake.id, await pageScan(n))).status, 201);
  const low = await uploadScan(producer, intake.id, await pageScan(4, 96));
  t.is(low.status, 201);
  t.true(low.body.scanFindings.some((f: any) => f.code === 'LOW_DPI' && f.pageNo === 4));
  t.true(low.body.scanFindings.some((f: any) => f.code === 'PAGE_COUNT'));

  const archivist = await sys.as('archivist1');
  const refused = await completeAt(archivist, res.body.id, 'reviewMaterial', accept());
  t.is(refused.status, 422);
  t.is(refused.body.details.rule, 'scan_check');
  t.deepEqual(refused.body.details.findings.map((f: any) => f.code).sort(), ['LOW_DPI', 'PAGE_COUNT']);
  t.is((await intakeOf(res.body.id)).status, 'received');

  // The producer withdraws the extra and the blurred page: the scans stay on record, the pages renumber.
  t.is((await producer.post(`/api/material-intakes/${intake.id}/scans/4/withdraw`)).status, 200);
  const w = await producer.post(`/api/material-intakes/${intake.id}/scans/2/withdraw`);
  t.deepEqual(w.body.scans.map((s: any) => [s.seq, s.pageNo]), [[1, 1], [2, null], [3, 2], [4, null]]);
  t.deepEqual(w.body.scanFindings, []);
  t.is((await producer.post(`/api/material-intakes/${intake.id}/scans/2/withdraw`)).status, 409);
  t.is((await colleague.post(`/api/material-intakes/${intake.id}/scans/1/withdraw`)).status, 403);
  t.is(await countOf(sys, 'material_intake_scans', { intake_id: intake.id }), 4);
  const page = await archivist.get(`/api/material-intakes/${intake.id}/scans/3`);
  t.is(page.status, 200);
  t.is(page.headers.get('content-type'), 'image/jpeg');
  t.is((await (await sys.as('receiver1')).get(`/api/material-intakes/${intake.id}/scans/3`)).status, 404);

  t.is((await completeAt(archivist, res.body.id, 'reviewMaterial', accept())).status, 200);
  // Filing with a page count other than the scans' is refused by the archive's own check (even with
  // a reason for differing from the hand-over), and nothing is filed.
  const before = await countOf(sys, 'materials', { archive_id: cadre.archive_id });
  const wrong = await completeAt(archivist, res.body.id, 'fileMaterial', { filedCategoryCode: '3', filedPages: 3, pagesReason: '另有附页一页。' });
  t.is(wrong.status, 422);
  t.is(wrong.body.details.rule, 'scan_check');
  t.is(await countOf(sys, 'materials', { archive_id: cadre.archive_id }), before);
  t.is((await intakeOf(res.body.id)).status, 'ledgered');
  const ok = await completeAt(archivist, res.body.id, 'fileMaterial', { filedCategoryCode: '3', filedPages: 2 });
  t.is(ok.status, 200);
  const filed = await intakeOf(res.body.id);
  const pages = await sys.services.db('page_images').where({ material_id: filed.material_id }).orderBy('page_no');
  const scans = await sys.services.db('material_intake_scans').where({ intake_id: intake.id }).whereNull('withdrawn_at').orderBy('seq');
  t.deepEqual(pages.map((p: any) => p.sha256), scans.map((s: any) => s.sha256), 'the pages are the scans not withdrawn, in order');
});

test.serial('a digitised archive takes a material only with its scans', async (t) => {
  const cadre = await plainCadre(sys, { digitised: true });
  const res = await start(registration(cadre, daysAgo(sys, 4)));
  const refused = await completeAt(await sys.as('archivist1'), res.body.id, 'reviewMaterial', accept());
  t.is(refused.status, 422);
  t.is(refused.body.details.rule, 'scans_required');
});

test.serial('规避: an archivist cannot review a material of her own archive, nor see it in the ledger', async (t) => {
  const { cadre } = await cadreOfUser(sys, 'archivist1');
  const res = await start(registration(cadre, daysAgo(sys, 4)));
  t.is(res.status, 201, JSON.stringify(res.body));
  const archivist = await sys.as('archivist1');
  // The review is not offered to her (档案人员回避 in the inbox); by id it answers like an absent task.
  t.falsy(await taskAt(archivist, res.body.id, 'reviewMaterial'));
  const task = await sys.services.db('tasks').where({ instance_id: res.body.id, element_id: 'reviewMaterial', status: 'open' }).first();
  const refused = await archivist.post(`/api/tasks/${task.id}/complete`, { variables: accept() });
  t.is(refused.status, 404);
  t.is(JSON.parse((await sys.services.db('audit_log').where({ action: 'task.complete', object_id: task.id, outcome: 'denied' }).first()).detail).reason, 'self');
  t.is((await sys.services.db('tasks').where({ id: task.id }).first()).status, 'open');
  const intake = await intakeOf(res.body.id);
  t.is((await archivist.get(`/api/material-intakes/${intake.id}`)).status, 404);
  t.false((await archivist.get('/api/material-intakes?limit=500')).body.items.some((i: any) => i.id === intake.id));
  t.true((await (await sys.as('chief1')).get('/api/material-intakes?limit=500')).body.items.some((i: any) => i.id === intake.id));
});

test.serial('an intake takes at most 1000 uploads, withdrawn ones included', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false, skip: 3 });
  const res = await start(registration(cadre, daysAgo(sys, 4)));
  const intake = await intakeOf(res.body.id);
  const producer = await sys.as('producer1');
  t.is((await uploadScan(producer, intake.id, await pageScan(1))).status, 201);
  const row = await sys.services.db('material_intake_scans').where({ intake_id: intake.id }).first();
  const { id: _id, ...copy } = row;
  const rows = Array.from({ length: 999 }, (_, i) => ({ ...copy, seq: i + 2, withdrawn_at: copy.created_at, withdrawn_by: copy.created_by }));
  for (let i = 0; i < rows.length; i += 200) await sys.services.db('material_intake_scans').insert(rows.slice(i, i + 200));
  const refused = await uploadScan(producer, intake.id, await pageScan(2));
  t.is(refused.status, 422);
  t.is(refused.body.details.rule, 'scan_limit');
  t.is(await countOf(sys, 'material_intake_scans', { intake_id: intake.id }), 1000);
});

test.serial('filing: a category or page count other than the hand-over’s needs its reason, 9-2 its formalities, and the ledger says what was filed', async (t) => {
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false, skip: 4 });
  const res = await start(registration(cadre, daysAgo(sys, 5), { pages: 3 }));
  t.is(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id;
  const archivist = await sys.as('archivist1');
  t.is((await completeAt(archivist, id, 'reviewMaterial', accept())).status, 200);
  const materialsBefore = await countOf(sys, 'materials', { archive_id: cadre.archive_id });
  const file = (v: Record<string, unknown>) => completeAt(archivist, id, 'fileMaterial', v);

  // Another category than proposed (三类) without a reason: refused at the field, nothing filed.
  const noReason = await file({ filedCategoryCode: '9-1', filedPages: 3 });
  t.is(noReason.status, 422);
  t.like(noReason.body.details, { rule: 'category_reason', field: 'categoryReason', proposed: '3' });
  t.regex(noReason.body.message, /^归入的类别与移交时拟归的“三、考核鉴定材料”不同，须写明理由/);
  // Another page count than handed over without a reason.
  const pagesNoReason = await file({ filedCategoryCode: '3', filedPages: 5 });
  t.is(pagesNoReason.status, 422);
  t.like(pagesNoReason.body.details, { rule: 'pages_reason', field: 'pagesReason', handedOver: 3 });
  // 9-2 asks for the approval the hand-over (三类) never gave — the same rule as at registration.
  const reasons = { categoryReason: '系任免审批附件，应归任免材料。', pagesReason: '背面另有两页批示，移交时漏计。' };
  const noApproval = await file({ filedCategoryCode: '9-2', filedPages: 5, ...reasons });
  t.is(noApproval.status, 422);
  t.like(noApproval.body.details, { rule: 'appointment_formalities', field: 'filedApprovalAuthority', missing: ['approvalAuthority', 'approvalDate', 'approvalDocNo'] });
  const futureApproval = await file({ filedCategoryCode: '9-2', filedPages: 5, ...reasons, filedApprovalAuthority: '中共乌海市委', filedApprovalDate: '2999-01-01', filedApprovalDocNo: '乌党任〔2026〕20号' });
  t.is(futureApproval.body.details?.rule, 'appointment_formalities');
  t.is(await countOf(sys, 'materials', { archive_id: cadre.archive_id }), materialsBefore);
  t.is((await intakeOf(id)).status, 'ledgered');

  const approval = { approvalAuthority: '中共乌海市委', approvalDate: daysAgo(sys, 6), approvalDocNo: '乌党任〔2026〕20号' };
  const ok = await file({ filedCategoryCode: '9-2', filedPages: 5, ...reasons, filedApprovalAuthority: approval.approvalAuthority, filedApprovalDate: approval.approvalDate, filedApprovalDocNo: approval.approvalDocNo });
  t.is(ok.status, 200, JSON.stringify(ok.body));
  const intake = await intakeOf(id);
  const material = await db('materials').where({ id: intake.material_id }).first();
  t.like(material, { category_code: '9-2', pages: 5 });
  // The ledger records what was filed, not what was proposed.
  t.like(intake, { status: 'filed', category_code: '9-2', pages: 5, seq_no: material.seq_no, approval_authority: '中共乌海市委', approval_doc_no: '乌党任〔2026〕20号', approval_date: approval.approvalDate });
  const record = (await archivist.get(`/api/material-intakes/${intake.id}`)).body;
  t.like(record, { categoryCode: '9-2', categoryLabel: '9-2 任免材料', pages: 5, material: { seqNo: material.seq_no } });
  const filed = record.events.find((e: any) => e.kind === 'filed');
  t.deepEqual(filed.detail.handedOver, { categoryCode: '3', categoryLabel: '三、考核鉴定材料', pages: 3 });
  t.is(filed.detail.categoryReason, reasons.categoryReason);
  t.is(filed.detail.pagesReason, reasons.pagesReason);
  const ledger = (await archivist.get('/api/material-intakes?status=filed&limit=500')).body.items.find((i: any) => i.id === intake.id);
  t.like(ledger, { categoryCode: '9-2', pages: 5, seqNo: material.seq_no });
  // The application still reads as the producer handed it over (拟归类别 三类, 3 pages, no approval).
  const application = (await (await sys.as('producer1')).get(`/api/process-instances/${id}`)).body.variables;
  t.like(application, { categoryCode: '3', pages: 3 });
  t.is(application.approvalAuthority, undefined);
  const audit = await db('audit_log').where({ action: 'material.file', object_id: String(material.id) }).first();
  t.deepEqual(JSON.parse(audit.detail).handedOver, { categoryCode: '3', categoryLabel: '三、考核鉴定材料', pages: 3 });
});

test.serial('filing a 9-2 material handed over as 9-2 takes its approval from the hand-over; filing as proposed needs no reason', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false, skip: 5 });
  const approval = { approvalAuthority: '中共乌海市委', approvalDate: daysAgo(sys, 6), approvalDocNo: '乌党任〔2026〕21号' };
  const res = await start(registration(cadre, daysAgo(sys, 5), { title: '干部任免审批表', categoryCode: '9-2', ...approval }));
  const archivist = await sys.as('archivist1');
  t.is((await completeAt(archivist, res.body.id, 'reviewMaterial', accept())).status, 200);
  const ok = await completeAt(archivist, res.body.id, 'fileMaterial', { filedCategoryCode: '9-2', filedPages: 2 });
  t.is(ok.status, 200, JSON.stringify(ok.body));
  const intake = await intakeOf(res.body.id);
  t.like(intake, { status: 'filed', category_code: '9-2', pages: 2, approval_doc_no: '乌党任〔2026〕21号' });
  const filed = (await archivist.get(`/api/material-intakes/${intake.id}`)).body.events.find((e: any) => e.kind === 'filed');
  t.is(filed.detail.handedOver, undefined, 'nothing changed against the hand-over');
});

test('the hand-over period is calendar months (DOMAIN.md §1.2 “1个月内”, counted as 民法典 §202 does): the corresponding day next month; a day the month lacks gives its last day', (t) => {
  t.is(addCalendarMonths('2027-01-01', 1), '2027-02-01');
  t.is(addCalendarMonths('2027-01-31', 1), '2027-02-28');
  t.is(addCalendarMonths('2028-01-31', 1), '2028-02-29', 'a leap year');
  t.is(addCalendarMonths('2027-01-30', 1), '2027-02-28');
  t.is(addCalendarMonths('2026-04-30', 1), '2026-05-30', 'the corresponding day, not the month-end (民法典 §202)');
  t.is(addCalendarMonths('2027-02-28', 1), '2027-03-28');
  t.is(addCalendarMonths('2026-12-15', 1), '2027-01-15');
  t.is(addCalendarMonths('2026-11-27', 2), '2027-01-27');
  t.is(addCalendarMonths('2026-03-31', -1), '2026-02-28');
  // Formed 1 January: on time on 1 February, late on the 2nd; formed 31 January: on time up to 28 February.
  t.deepEqual(handoverTerms('2027-01-01', '2027-02-01', 1), { handoverDue: '2027-02-01', late: false });
  t.deepEqual(handoverTerms('2027-01-01', '2027-02-02', 1), { handoverDue: '2027-02-01', late: true });
  t.deepEqual(handoverTerms('2027-01-31', '2027-02-28', 1), { handoverDue: '2027-02-28', late: false });
  t.deepEqual(handoverTerms('2027-01-31', '2027-03-01', 1), { handoverDue: '2027-02-28', late: true });
});

test('MATERIAL_HANDOVER_MONTHS configures the period; the former MATERIAL_HANDOVER_DAYS is refused, not silently ignored', (t) => {
  t.is(loadConfig({ MATERIAL_HANDOVER_MONTHS: '2' }).params.materialHandoverMonths, 2);
  t.is(loadConfig({}).params.materialHandoverMonths, 1);
  t.throws(() => loadConfig({ MATERIAL_HANDOVER_DAYS: '30' }), { message: /MATERIAL_HANDOVER_MONTHS/ });
});
