// What the auditor reads for the business acts of the archive office, without business access:
// the rows of 材料收集 (登记, 接收鉴别, 整理归档) carry the address of the request that caused them,
// like every other row a user's request writes (a timer's or a job's row has none); a material
// intake reads by its 材料登记号, a material by its archive's 档案号 and its 序号, a page by the same
// (the console adds the page number), a reading grant by its case number, a copy by its 复制编号 —
// never a title or anything else of the record.
import test from 'ava';
import sharp from 'sharp';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import type { HttpClient } from '../helpers/http.ts';
import { completeAt } from '../helpers/workflow.ts';
import { fileConsultation } from '../helpers/cases.ts';
import { plainArchiveOf } from '../archives/helpers.ts';
import { accept, daysAgo, pageScan, plainCadre, registration, uploadScan } from '../processes/material-helpers.ts';

let sys: TestSystem;
let auditor: HttpClient;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;

async function entries(query: string): Promise<any[]> {
  auditor ??= await sys.as('auditor');
  const res = await auditor.get(`/api/audit/entries?${query}`);
  if (res.status !== 200) throw new Error(`${query}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items;
}

test.serial('材料登记, 接收 and 归档 rows carry the address of the request; the intake reads by its 材料登记号, the filed material by 档案号 · 序号', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false });
  const producer = await sys.as('producer1');
  const started = await producer.post('/api/process-instances', { processKey: 'material-collection', variables: registration(cadre, daysAgo(sys, 3)) });
  t.is(started.status, 201, JSON.stringify(started.body));
  const intake = await db()('material_intakes').where({ instance_id: started.body.id }).first();
  for (const n of [1, 2]) t.is((await uploadScan(producer, intake.id, await pageScan(n))).status, 201);
  t.is((await producer.get(`/api/material-intakes/${intake.id}`)).status, 200);
  const archivist = await sys.as('archivist1');
  t.is((await completeAt(archivist, started.body.id, 'reviewMaterial', accept())).status, 200);
  t.is((await completeAt(archivist, started.body.id, 'fileMaterial', { filedCategoryCode: '3', filedPages: 2 })).status, 200);
  const filed = await db()('material_intakes').where({ id: intake.id }).first();
  const archive = await db()('archives').where({ id: cadre.archive_id }).first();

  // The address each user logged in from is the one their requests come from.
  const ipOf = async (username: string) => (await db()('audit_log').where({ action: 'auth.login', actor: username, outcome: 'success' }).orderBy('seq', 'desc').first()).ip;
  const producerIp = await ipOf('producer1');
  const archivistIp = await ipOf('archivist1');
  t.truthy(producerIp);
  for (const [action, ip] of [
    ['material.register', producerIp],
    ['intake_scan.upload', producerIp],
    ['material_intake.view', producerIp],
    ['material.accept', archivistIp],
    ['material.file', archivistIp],
  ] as const) {
    const [e] = await entries(`action=${action}&actor=${action.startsWith('material.accept') || action === 'material.file' ? 'archivist1' : 'producer1'}`);
    t.truthy(e, action);
    t.is(e.ip, ip, `${action} has the request's address`);
  }

  // The intake by its 材料登记号: in the object and in the detail of the rows that had none.
  const [registered] = await entries('action=material.register&actor=producer1');
  t.is(registered.objectType, 'material_intake');
  t.is(registered.names.object, intake.intake_no);
  for (const action of ['intake_scan.upload', 'material_intake.view']) {
    const [e] = await entries(`action=${action}&actor=producer1`);
    t.is(e.detail.intakeNo, intake.intake_no, action);
    t.is(e.names.object, intake.intake_no, action);
  }
  // The filed material by its archive's 档案号 and its 序号, not its title.
  const [file] = await entries('action=material.file&actor=archivist1');
  t.is(file.objectType, 'material');
  t.is(file.names.object, `${archive.archive_no} · ${filed.seq_no}`);
  t.false(JSON.stringify(file.names).includes('考核登记表'), 'no title');

  // A row the system writes on its own has no address (no request borrowed).
  await sys.services.audit.record(null, { actorName: 'system', action: 'job.test', objectType: 'job' });
  const [system] = await entries('action=job.test');
  t.is(system.ip, null);
});

test.serial('a page read in the reading room reads by 档案号 · 序号 and its grant by the case number; a copy by its 复制编号 and case number', async (t) => {
  // A scanned material of an archive the applicant is not tied to, and a reading grant for a case.
  const a = (await plainArchiveOf(sys, '150300-ZZB-DAS', 5))!;
  const m = await db()('materials').where({ archive_id: a.archiveId }).orderBy('id').first();
  const shade = (n: number) => sharp({ create: { width: 60, height: 85, channels: 3, background: { r: n, g: n, b: n } } }).jpeg().withMetadata({ density: 300 }).toBuffer();
  const pages = await Promise.all(Array.from({ length: m.pages }, (_, i) => shade(90 + i)));
  await db().transaction((trx) => sys.services.archives.addPageScans(trx, m.id, pages));
  const caseId = await fileConsultation(sys, 'applicant1', '干部考察需要查阅该同志档案材料。');
  const request = await db()('utilization_requests').where({ instance_id: caseId }).first();
  t.truthy(request.case_no);
  const applicant = await db()('users').where({ username: 'applicant1' }).first();
  const now = sys.clock.now();
  const [grant] = await db()('archive_grants')
    .insert({
      grantee_user_id: applicant.id,
      archive_id: a.archiveId,
      categories: JSON.stringify([m.category_code.split('-')[0]]),
      valid_from: new Date(now.getTime() - 3_600_000).toISOString(),
      valid_until: new Date(now.getTime() + 3_600_000).toISOString(),
      revoked_at: null,
      instance_id: caseId,
      created_by: null,
      created_at: now.toISOString(),
    })
    .returning('id');
  const grantId = typeof grant === 'object' ? grant.id : grant;
  const reader = await sys.as('applicant1');
  t.is((await reader.get(`/api/reading/${grantId}/materials/${m.id}/pages/1`)).status, 200);
  t.is((await reader.get(`/api/reading/${grantId}/materials/${m.id}/pages/99`)).status, 404);
  const archive = await db()('archives').where({ id: a.archiveId }).first();

  const [view] = await entries('action=page.view&actor=applicant1');
  t.is(view.objectId, `${m.id}/1`);
  t.is(view.names.object, `${archive.archive_no} · ${m.seq_no}`);
  t.is(view.names.detail.grantId, request.case_no);
  t.is(view.names.detail.materialId, `${archive.archive_no} · ${m.seq_no}`);
  t.false(JSON.stringify(view.names).includes(m.title), 'no title');
  const [denied] = await entries('action=page.view_denied&actor=applicant1');
  t.is(denied.names.detail.grantId, request.case_no);
  t.is(denied.names.object, `${archive.archive_no} · ${m.seq_no}`, 'a page that is not there still names its material');

  // A copy record by its serial and the request's case number.
  const office = await db()('org_units').where({ code: '150300-ZZB-DAS' }).first();
  const [copy] = await db()('copy_records')
    .insert({
      request_id: request.id,
      serial_no: 'FZ-2026-9001',
      custodian_org_id: office.id,
      archive_id: a.archiveId,
      material_id: m.id,
      seq_no: m.seq_no,
      title: m.title,
      page_from: 1,
      page_to: 1,
      copy_no: 1,
      copies: 1,
      kind: 'copy',
      seal_text: '档案复制件专用章',
      certification: '与原件一致',
      certified_by: applicant.id,
      certified_at: now.toISOString(),
      recipient_org_id: office.id,
      purpose: '2',
      created_at: now.toISOString(),
    })
    .returning('id');
  const copyId = typeof copy === 'object' ? copy.id : copy;
  await sys.services.audit.record(null, { actorName: 'x', action: 'copy.pdf_download', objectType: 'copy_record', objectId: copyId });
  const [c] = await entries('action=copy.pdf_download');
  t.is(c.names.object, `FZ-2026-9001 · ${request.case_no}`);

  // The CSV names the page with its number.
  const csv = await auditor.get('/api/audit/export.csv?action=page.view');
  t.true(String(csv.body).includes(`${archive.archive_no} · ${m.seq_no} · 第1页`), String(csv.body).slice(0, 400));
});
