// 复制件 as certified PDFs: from a copy request approved for one of two named materials and certified
// by the archivist, the PDF of a 复制登记 row holds exactly the approved pages — each the watermarked
// render of its own scan, never the clean bytes — and the 核证页; it is made once and downloaded as
// the same bytes, audited. Pages outside the row, a material not approved or of another archive, a
// request not approved, and callers out of scope are refused and audited, and nothing is written.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import test from 'ava';
import { PDFDocument } from 'pdf-lib';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { completeAt } from '../helpers/workflow.ts';
import type { HttpClient } from '../helpers/http.ts';
import { approveStep, copyVariables, demoCadre, fileConsultation, todayIn } from '../helpers/cases.ts';
import { certifiedCase, pdfImages, type CertifiedCase } from './helpers.ts';
import { auditRows } from '../archives/helpers.ts';
import { addUser } from '../helpers/users.ts';
import { watermarkPage } from '../../server/reading/watermark.ts';
import { copyWatermarkLines } from '../../server/copies/service.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
  fixture = await certifiedCase(sys);
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function getBytes(client: HttpClient, url: string) {
  const res = await fetch(client.base + url, { headers: { cookie: client.cookie } });
  return { status: res.status, headers: res.headers, data: Buffer.from(await res.arrayBuffer()) };
}

let fixture: CertifiedCase;

test.serial('the PDF of a copy holds exactly the approved pages, each the watermarked render of its own scan, and the certification page; made once, downloaded as the same bytes', async (t) => {
  const { approved, rows } = fixture;
  t.is(rows.length, 2);
  const row = rows[0];
  t.true(approved.pages >= 1);
  const archivist = await sys.as('archivist1');
  const made = await archivist.post(`/api/copy-register/${row.id}/pdf`, {});
  t.is(made.status, 201, JSON.stringify(made.body));
  t.like(made.body, { copyId: row.id, serialNo: row.serial_no, pages: { from: 1, to: approved.pages }, created: true });

  const after = await db()('copy_records').where({ id: row.id }).first();
  t.regex(after.pdf_file, new RegExp(`^${fixture.requestId}/${row.id}-[0-9a-f]{12}\\.pdf$`));
  const file = fs.readFileSync(path.join(sys.testDb.dataDir, 'copies', after.pdf_file));
  t.is(sha(file), after.pdf_sha256);
  t.is(made.body.sha256, after.pdf_sha256);
  t.is(after.pdf_bytes, file.length);

  // Page count = approved pages + the certification page.
  const images = await pdfImages(file);
  t.is(images.length, approved.pages + 1);
  const req = await db()('utilization_requests').where({ id: fixture.requestId }).first();
  const lines = copyWatermarkLines(after, req);
  t.deepEqual(lines, [`申请号 ${req.case_no}`, '用途 干部录用、聘用、考核、考察、任免、调配、职级晋升等', `复制件 ${row.serial_no} ${todayIn(sys)}`]);
  const scans = await db()('page_images').where({ material_id: approved.id }).orderBy('page_no');
  for (let i = 0; i < approved.pages; i++) {
    t.is(images[i].length, 1, 'one image per copied page');
    const img = images[i][0];
    const clean = fs.readFileSync(path.join(sys.testDb.dataDir, 'scans', scans[i].file));
    t.like(img, { width: scans[i].width, height: scans[i].height, filter: '/DCTDecode' });
    t.notDeepEqual(img.bytes, clean, 'never the clean scan');
    const expected = await watermarkPage(clean, lines, { format: 'jpeg', quality: 85 });
    t.true(img.bytes.equals(expected.data), `page ${i + 1} is the watermarked render of scan ${i + 1}`);
  }
  const cert = images[approved.pages];
  t.is(cert.length, 1);
  t.like(cert[0], { width: 1240, height: 1754, filter: '/FlateDecode' });

  // The register says so; asking again makes nothing new; downloads are the stored bytes.
  const register = await archivist.get(`/api/copy-register?requestId=${fixture.requestId}`);
  t.deepEqual(register.body.items.map((i: any) => [i.id, i.hasPdf]).sort(), [[rows[0].id, true], [rows[1].id, false]].sort());
  const again = await archivist.post(`/api/copy-register/${row.id}/pdf`, {});
  t.is(again.status, 201);
  t.like(again.body, { created: false, sha256: after.pdf_sha256 });
  t.is(fs.readdirSync(path.join(sys.testDb.dataDir, 'copies', String(fixture.requestId))).length, 1);
  const d1 = await getBytes(archivist, `/api/copy-register/${row.id}/pdf`);
  const d2 = await getBytes(await sys.as('chief1'), `/api/copy-register/${row.id}/pdf`);
  t.is(d1.status, 200);
  t.is(d1.headers.get('content-type'), 'application/pdf');
  t.is(d1.headers.get('cache-control'), 'no-store');
  t.true(d1.data.equals(file) && d2.data.equals(file));
  t.is((await auditRows(sys, 'copy.pdf_create')).length, 1);
  const downloads = await auditRows(sys, 'copy.pdf_download');
  t.deepEqual(downloads.map((r: any) => [r.object_id, r.outcome]), [[String(row.id), 'success'], [String(row.id), 'success']]);

  // The applicants on the request take their copy; the unit head has no such right.
  const applicant = await getBytes(await sys.as('applicant1'), `/api/copy-register/${row.id}/pdf`);
  t.is(applicant.status, 200);
  t.true(applicant.data.equals(file));
  t.is((await getBytes(await sys.as('unithead1'), `/api/copy-register/${row.id}/pdf`)).status, 403);
  t.is((await getBytes(await sys.as('receiver1'), `/api/copy-register/${row.id}/pdf`)).status, 404);
  t.is((await getBytes(archivist, `/api/copy-register/${rows[1].id}/pdf`)).status, 404, 'no PDF made yet');
  const denied = (await auditRows(sys, 'copy.pdf_download_denied')).map((r: any) => [r.object_id, JSON.parse(r.detail).reason]);
  t.deepEqual(denied, [[String(row.id), 'out_of_scope'], [String(rows[1].id), 'no_pdf']]);
});

test.serial('pages outside the register row are refused and audited; a narrower range is what the register then records', async (t) => {
  const row = fixture.rows[1];
  const archivist = await sys.as('archivist1');
  const over = await archivist.post(`/api/copy-register/${row.id}/pdf`, { pageFrom: 1, pageTo: row.page_to + 1 });
  t.is(over.status, 422);
  t.is(over.body.details.rule, 'pages-outside-approval');
  t.is((await archivist.post(`/api/copy-register/${row.id}/pdf`, { pageFrom: 0 })).status, 400);
  t.is((await db()('copy_records').where({ id: row.id }).first()).pdf_file, null);
  const audit = (await auditRows(sys, 'copy.pdf_denied')).at(-1);
  t.like(audit, { object_id: String(row.id), outcome: 'denied' });
  t.deepEqual(JSON.parse(audit.detail), { reason: 'pages_not_approved', kind: 'copy' });
  // A range typed backwards is told as such, not as outside the approval.
  const reversed = await archivist.post(`/api/copy-register/${row.id}/pdf`, { pageFrom: row.page_from + 1, pageTo: row.page_from });
  t.is(reversed.body.details.rule, 'pages-reversed', JSON.stringify(reversed.body));
  t.regex(reversed.body.message, /不能在结束页/);

  const last = row.page_to;
  // A page marked failing (illegible, or another material's page) is not certified until rescanned.
  const archivistId = (await db()('users').where({ username: 'archivist1' }).first()).id;
  const [mark] = await db()('page_marks').insert({ material_id: row.material_id, page_no: last, reason: '字迹模糊', marked_by: archivistId, marked_at: sys.clock.now().toISOString() }).returning('id');
  const refusedMarked = await archivist.post(`/api/copy-register/${row.id}/pdf`, { pageFrom: last, pageTo: last });
  t.is(refusedMarked.status, 422, JSON.stringify(refusedMarked.body));
  t.like(refusedMarked.body.details, { rule: 'pages-marked', pages: [last] });
  t.is((await db()('copy_records').where({ id: row.id }).first()).pdf_file, null);
  await db()('page_marks').where({ id: typeof mark === 'object' ? mark.id : mark }).update({ cleared_at: sys.clock.now().toISOString(), cleared_by: archivistId });
  const one = await archivist.post(`/api/copy-register/${row.id}/pdf`, { pageFrom: last, pageTo: last });
  t.is(one.status, 201);
  t.like(await db()('copy_records').where({ id: row.id }).first(), { page_from: last, page_to: last });
  const file = fs.readFileSync(path.join(sys.testDb.dataDir, 'copies', (await db()('copy_records').where({ id: row.id }).first()).pdf_file));
  t.is((await PDFDocument.load(file)).getPageCount(), 2);
  // Made: the copy is that page now; asking again gives the same PDF, a wider range is outside the row.
  t.like((await archivist.post(`/api/copy-register/${row.id}/pdf`, {})).body, { created: false, pages: { from: last, to: last } });
  if (last > 1) t.is((await archivist.post(`/api/copy-register/${row.id}/pdf`, { pageFrom: 1, pageTo: last })).body.details.rule, 'pages-outside-approval');
});

/** A register row nobody approved: the real row of the case with another material (as if the table were tampered with). */
async function forgedRow(over: Record<string, unknown>) {
  const { id, ...base } = fixture.rows[0];
  const [ret] = await db()('copy_records').insert({ ...base, serial_no: `X-${Math.random().toString(36).slice(2, 10)}`, pdf_file: null, pdf_sha256: null, pdf_bytes: null, pdf_made_by: null, pdf_made_at: null, ...over }).returning('id');
  return Number(typeof ret === 'object' ? ret.id : ret);
}

test.serial('a material the chief did not approve, another archive’s material, and a request not approved are refused and audited; nothing is written', async (t) => {
  const archivist = await sys.as('archivist1');
  const { other } = fixture;
  const notApproved = await forgedRow({ material_id: other.id, seq_no: other.seq_no, title: other.title, page_to: other.pages });
  const foreignMaterial = await db()('materials').whereNot({ archive_id: fixture.approved.archive_id }).orderBy('id').first();
  const foreign = await forgedRow({ material_id: foreignMaterial.id, seq_no: fixture.approved.seq_no, page_to: 1 });
  const pending = await sys.as('applicant1');
  const cadre = await demoCadre(sys, 'county', 4);
  const started = await pending.post('/api/process-instances', { processKey: 'copy-request', variables: await copyVariables(sys, 'applicant1', cadre) });
  const pendingReq = await db()('utilization_requests').where({ instance_id: started.body.id }).first();
  const pendingMaterial = await db()('materials').where({ id: JSON.parse(pendingReq.materials)[0].materialId }).first();
  const unapproved = await forgedRow({ request_id: pendingReq.id, archive_id: pendingReq.archive_id, material_id: pendingMaterial.id, seq_no: pendingMaterial.seq_no, page_to: pendingMaterial.pages });

  const cases: Array<[number, string, string]> = [
    [notApproved, 'copy-outside-approval', 'material_not_approved'],
    [foreign, 'copy-outside-approval', 'material_not_approved'],
    [unapproved, 'copy-not-approved', 'not_approved'],
  ];
  for (const [id, rule, reason] of cases) {
    const res = await archivist.post(`/api/copy-register/${id}/pdf`, {});
    t.is(res.status, 422, `${rule}: ${JSON.stringify(res.body)}`);
    t.is(res.body.details.rule, rule);
    t.is((await db()('copy_records').where({ id }).first()).pdf_file, null);
    const audit = (await auditRows(sys, 'copy.pdf_denied')).at(-1);
    t.like(audit, { object_id: String(id), outcome: 'denied' });
    t.is(JSON.parse(audit.detail).reason, reason);
  }
  // Rejected is no better than pending.
  await approveStep(sys, 'unithead1', started.body.id, 'unitHeadReview');
  const chief = await sys.as('chief1');
  const task = (await chief.get('/api/tasks?filter=candidate')).body.items.find((x: any) => x.instanceId === started.body.id);
  t.is((await chief.post(`/api/tasks/${task.id}/complete`, { variables: { decision: 'reject', comment: '理由不充分。' } })).status, 200);
  t.is((await db()('utilization_requests').where({ id: pendingReq.id }).first()).status, 'rejected');
  t.is((await archivist.post(`/api/copy-register/${unapproved}/pdf`, {})).body.details.rule, 'copy-not-approved');
  t.false(fs.readdirSync(path.join(sys.testDb.dataDir, 'copies')).includes(String(pendingReq.id)));
});

test.serial('callers out of scope: another office’s archivist gets 404, the chief and applicants may not make copies, all audited', async (t) => {
  const row = fixture.rows[0];
  const other = await sys.as('receiver1');
  const res = await other.post(`/api/copy-register/${row.id}/pdf`, {});
  t.is(res.status, 404);
  t.is(res.body.code, 'NOT_FOUND');
  t.is((await other.post('/api/copy-register/99999999/pdf', {})).status, 404);
  const denied = (await auditRows(sys, 'copy.pdf_denied')).slice(-2).map((r: any) => [r.object_id, JSON.parse(r.detail).reason]);
  t.deepEqual(denied, [[String(row.id), 'out_of_scope'], ['99999999', 'absent']]);
  t.is((await (await sys.as('chief1')).post(`/api/copy-register/${row.id}/pdf`, {})).status, 403);
  t.is((await (await sys.as('applicant1')).post(`/api/copy-register/${row.id}/pdf`, {})).status, 403);
});

test.serial('a case’s register rows: the office’s staff and the leader above it see them with their PDF state, the request’s applicants their own copies; another office, another applicant, an avoided cadre, a case of another kind and an absent id answer 404; unit heads 403; audited', async (t) => {
  const url = (id: string) => `/api/copy-register/by-case/${id}`;
  const [first, second] = fixture.rows;
  // The request's rows: the two registered (both PDFs made above, the second of its last page only,
  // which the row now records) and the two forged into it by the test before (no PDF).
  const inDb = await db()('copy_records').where({ request_id: fixture.requestId }).orderBy('id');
  t.is(inDb.length, 4);
  const expected = inDb.map((r: any) => [r.id, r.serial_no, r.pdf_file !== null, { from: r.page_from, to: r.page_to }]);
  t.deepEqual(expected.slice(0, 2), [[first.id, first.serial_no, true, { from: 1, to: first.page_to }], [second.id, second.serial_no, true, { from: second.page_to, to: second.page_to }]]);
  for (const who of ['archivist1', 'chief1', 'leader1']) {
    const res = await (await sys.as(who)).get(url(fixture.instanceId));
    t.is(res.status, 200, `${who}: ${JSON.stringify(res.body)}`);
    t.is(res.body.total, 4);
    t.deepEqual(res.body.items.map((i: any) => [i.id, i.serialNo, i.hasPdf, i.pages]).sort((a: any, b: any) => a[0] - b[0]), expected);
  }
  // The initiator and the co-applicant read the same rows, as applicants.
  for (const who of ['applicant1', 'applicant2']) {
    const res = await (await sys.as(who)).get(url(fixture.instanceId));
    t.is(res.status, 200, `${who}: ${JSON.stringify(res.body)}`);
    t.is(res.body.viewer, 'applicant');
    t.deepEqual(res.body.items.map((i: any) => [i.id, i.serialNo, i.hasPdf, i.pages]).sort((a: any, b: any) => a[0] - b[0]), expected);
  }
  const seen = (await auditRows(sys, 'copy.case_list')).slice(-5);
  t.deepEqual(
    seen.map((r: any) => [r.object_type, r.object_id, JSON.parse(r.detail)]),
    [...Array(3).fill('office'), 'applicant', 'applicant'].map((viewer) => ['process_instance', fixture.instanceId, { requestId: fixture.requestId, rows: 4, viewer }]),
  );
  const outsider = await addUser(sys, { username: 'applicant9', displayName: '赵外人', org: '150300-JW', roles: ['applicant'] });
  t.true(outsider > 0);

  // A copy case about the cadre archivist1 must avoid: the chief sees it (nothing registered yet), archivist1 does not.
  const avoided = await db()('avoidance_entries as v').join('users as u', 'u.id', 'v.user_id').join('cadres as c', 'c.id', 'v.cadre_id').join('archives as a', 'a.cadre_id', 'c.id')
    .where({ 'u.username': 'archivist1', 'a.kind': 'original' }).first('c.id', 'c.name', 'c.id_number as idNumber', 'c.management_level as level', 'a.id as archiveId', 'a.custodian_org_id as custodianOrgId');
  const started = await (await sys.as('applicant1')).post('/api/process-instances', { processKey: 'copy-request', variables: await copyVariables(sys, 'applicant1', avoided) });
  t.is(started.status, 201, JSON.stringify(started.body));
  t.like((await (await sys.as('chief1')).get(url(started.body.id))).body, { total: 0, items: [] });
  const consultation = await fileConsultation(sys, 'applicant1', '干部考察需要查阅履历材料。');
  const refused: Array<[string, string, string]> = [
    ['receiver1', fixture.instanceId, 'out_of_scope'],
    ['applicant9', fixture.instanceId, 'out_of_scope'],
    ['archivist1', started.body.id, 'avoided'],
    ['archivist1', consultation, 'absent'],
    ['archivist1', '00000000-0000-4000-8000-000000000000', 'absent'],
  ];
  for (const [who, id, reason] of refused) {
    const res = await (await sys.as(who)).get(url(id));
    t.is(res.status, 404, `${who} ${reason}`);
    t.is(res.body.code, 'NOT_FOUND');
    const audit = (await auditRows(sys, 'copy.case_list_denied')).at(-1);
    t.like(audit, { object_id: id, outcome: 'denied' });
    t.deepEqual(JSON.parse(audit.detail), { reason });
  }
  const head = await (await sys.as('unithead1')).get(url(fixture.instanceId));
  t.is(head.status, 403);
  t.is(head.body.code, 'FORBIDDEN');
  t.is((await (await sys.as('archivist1')).get(url('not-a-uuid'))).status, 400);
  t.is((await auditRows(sys, 'copy.case_list')).length, 6, 'refusals wrote no success row');
});

test.serial('once the using unit reports the copies destroyed, the applicants can no longer download them; the office still can', async (t) => {
  const row = fixture.rows[0];
  const applicant = await sys.as('applicant1');
  const done = await completeAt(applicant, fixture.instanceId, 'confirmDisposition', { disposition: 'destroyed', dispositionDate: todayIn(sys) });
  t.is(done.status, 200, JSON.stringify(done.body));
  t.is((await getBytes(applicant, `/api/copy-register/${row.id}/pdf`)).status, 404);
  t.is(JSON.parse((await auditRows(sys, 'copy.pdf_download_denied')).at(-1).detail).reason, 'disposed');
  // the case page tells the applicants why: every copy of the request reads 已销毁
  const listed = await applicant.get(`/api/copy-register/by-case/${fixture.instanceId}`);
  t.deepEqual([...new Set(listed.body.items.map((i: any) => i.disposition))], ['destroyed']);
  t.is((await getBytes(await sys.as('archivist1'), `/api/copy-register/${row.id}/pdf`)).status, 200);
  // And no new certified copy comes into being after that: a row still without its PDF is refused, audited.
  const unmade = await forgedRow({});
  const late = await (await sys.as('archivist1')).post(`/api/copy-register/${unmade}/pdf`, {});
  t.is(late.status, 422, JSON.stringify(late.body));
  t.is(late.body.details.rule, 'copy-disposed');
  t.is((await db()('copy_records').where({ id: unmade }).first()).pdf_file, null);
  t.like((await auditRows(sys, 'copy.pdf_denied')).at(-1), { object_id: String(unmade), outcome: 'denied', detail: JSON.stringify({ reason: 'disposed', kind: 'copy' }) });
});
