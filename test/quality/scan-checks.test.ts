// 扫描质检: the archive's scan checks recorded at upload, at filing through 材料收集归档 and on demand,
// and the list of failing materials for the archive offices in the caller's scope — page count
// against 页数, resolution below SCAN_MIN_DPI, a file that does not decode, a file changed on disk.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import sharp from 'sharp';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { completeAt, taskAt } from '../helpers/workflow.ts';
import { approveStep, borrowingVariables, cleanCadreWithCategories19, ensureScanned } from '../helpers/cases.ts';
import { auditRows, cadreNamed, plainArchiveOf, postBytes } from '../archives/helpers.ts';
import { accept, daysAgo, pageScan, plainCadre, registration, uploadScan } from '../processes/material-helpers.ts';
import { Scans } from '../../server/archives/scans.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;

/** A grey A4-proportioned page (distinct per shade) at the given resolution. */
async function page(dpi: number, shade = 240, width = 420, height = 594) {
  return sharp({ create: { width, height, channels: 3, background: { r: shade, g: shade, b: shade } } }).toColourspace('b-w').jpeg().withMetadata({ density: dpi }).toBuffer();
}

/** The first material of an archive with at least `min` pages and no scans yet. */
async function unscannedMaterial(archiveId: number, min = 2) {
  const m = await db()('materials as m')
    .where('m.archive_id', archiveId)
    .where('m.pages', '>=', min)
    .whereNotExists(db()('page_images as p').whereRaw('p.material_id = m.id').select('p.id'))
    .orderBy('m.id')
    .first('m.*');
  if (!m) throw new Error(`no unscanned material with ${min}+ pages in archive ${archiveId}`);
  return m as { id: number; pages: number; seq_no: string; archive_id: number };
}

const checksOf = (materialId: number) => db()('scan_checks').where({ material_id: materialId }).orderBy('id');

test.serial('a scan with the wrong page count is flagged at upload, recorded, and listed for the office until the missing page arrives', async (t) => {
  const a = await plainArchiveOf(sys, '150300-ZZB-DAS', 3);
  const m = await unscannedMaterial(a.archiveId, 2);
  const archivist = await sys.as('archivist1');
  for (let n = 1; n < m.pages; n++) {
    const up = await postBytes(archivist, `/api/materials/${m.id}/pages`, await page(300, 200 + n), 'image/jpeg');
    t.is(up.status, 201);
    t.true(up.body.findings.some((f: any) => f.code === 'PAGE_COUNT'));
  }
  const checks = await checksOf(m.id);
  t.is(checks.length, m.pages - 1, 'one recorded check per upload');
  t.like(checks.at(-1), { trigger: 'upload', archive_id: a.archiveId, pages_declared: m.pages, pages_scanned: m.pages - 1, min_dpi: 200 });
  t.false(!!checks.at(-1).passed);

  const list = await archivist.get(`/api/scan-checks/failing?archiveId=${a.archiveId}`);
  t.is(list.status, 200);
  t.is(list.body.total, 1);
  t.like(list.body.items[0], { materialId: m.id, seqNo: m.seq_no, archiveId: a.archiveId, cadreName: a.name, pagesDeclared: m.pages, pagesScanned: m.pages - 1, trigger: 'upload' });
  t.deepEqual(list.body.items[0].findings.map((f: any) => [f.code, f.pageNo ?? null]), [['PAGE_COUNT', null], ['PAGE_MISSING', m.pages]]);
  t.regex(list.body.items[0].findings[0].message, /^扫描页数 \d+ 与目录页数 \d+ 不符/);

  // The last page arrives: the newest check passes and the material leaves the list.
  const last = await postBytes(archivist, `/api/materials/${m.id}/pages`, await page(300, 180), 'image/jpeg');
  t.deepEqual(last.body.findings, []);
  t.true(!!(await checksOf(m.id)).at(-1).passed);
  t.is((await archivist.get(`/api/scan-checks/failing?archiveId=${a.archiveId}`)).body.total, 0);
});

test.serial('a low-resolution page and a file that does not decode are flagged by the on-demand check; a file replaced on disk too', async (t) => {
  const a = await plainArchiveOf(sys, '150300-ZZB-DAS', 4);
  const m = await unscannedMaterial(a.archiveId, 3);
  const good = await page(300, 222);
  const noisy = await sharp({ create: { width: 800, height: 1130, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).toColourspace('b-w').jpeg().withMetadata({ density: 300 }).toBuffer();
  const truncated = noisy.subarray(0, noisy.length >> 1); // the header reads, the image does not
  const s = sys.services;
  await s.db.transaction(async (trx) => s.archives.addPageScans(trx, m.id, [good, await page(150, 221), truncated]));
  t.is(await checksOf(m.id).then((r) => r.length), 0, 'adding pages from a process records nothing by itself');

  const archivist = await sys.as('archivist1');
  const res = await archivist.post(`/api/materials/${m.id}/scan-checks`, {});
  t.is(res.status, 200);
  t.false(res.body.passed);
  const codes = res.body.findings.map((f: any) => [f.code, f.pageNo ?? null]);
  t.deepEqual(codes.filter(([c]: [string]) => c === 'LOW_DPI' || c === 'UNREADABLE'), [['LOW_DPI', 2], ['UNREADABLE', 3]]);
  t.is(codes.some(([c]: [string]) => c === 'PAGE_COUNT'), m.pages !== 3);
  t.like((await checksOf(m.id)).at(-1), { trigger: 'material', checked_by: (await db()('users').where({ username: 'archivist1' }).first()).id });
  const audit = (await auditRows(sys, 'scan_check.run')).at(-1);
  t.like(audit, { object_type: 'material', object_id: String(m.id), outcome: 'success' });
  t.deepEqual(JSON.parse(audit.detail).codes.sort(), [...new Set(codes.map(([c]: [string]) => c))].sort());

  // Someone replaces page 1 on disk with another image: changed, and not the recorded size.
  const row = await db()('page_images').where({ material_id: m.id, page_no: 1 }).first();
  fs.writeFileSync(path.join(sys.testDb.dataDir, 'scans', row.file), await page(300, 10, 400, 500));
  const again = await archivist.post(`/api/materials/${m.id}/scan-checks`, {});
  t.deepEqual(again.body.findings.filter((f: any) => f.pageNo === 1).map((f: any) => f.code), ['FILE_CHANGED', 'SIZE_MISMATCH']);
  const listed = (await archivist.get(`/api/scan-checks/failing?archiveId=${a.archiveId}`)).body.items;
  t.deepEqual(listed.map((i: any) => i.materialId), [m.id]);
  t.is(listed[0].trigger, 'material');

  // The resolution is configurable: under SCAN_MIN_DPI=400 even the 300 dpi pages fail.
  const strict = new Scans(sys.testDb.dataDir, sys.clock, 400);
  t.deepEqual((await strict.checkScans(db(), m.id)).filter((f) => f.code === 'LOW_DPI').map((f) => f.pageNo), [1, 2, 3]);
  t.true((await strict.checkScans(db(), m.id)).find((f) => f.code === 'LOW_DPI')!.message.includes('400'));
});

test.serial('filing through 材料收集归档 records the check it passed', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false, skip: 2 });
  const producer = await sys.as('producer1');
  const started = await producer.post('/api/process-instances', { processKey: 'material-collection', variables: registration(cadre, daysAgo(sys, 3)) });
  t.is(started.status, 201, JSON.stringify(started.body));
  const intake = await db()('material_intakes').where({ instance_id: started.body.id }).first();
  for (const n of [1, 2]) t.is((await uploadScan(producer, intake.id, await pageScan(n + 20))).status, 201);
  const archivist = await sys.as('archivist1');
  t.is((await completeAt(archivist, started.body.id, 'reviewMaterial', accept())).status, 200);
  t.is((await completeAt(archivist, started.body.id, 'fileMaterial', { filedCategoryCode: '3', filedPages: 2 })).status, 200);
  const filed = await db()('material_intakes').where({ id: intake.id }).first();
  const checks = await checksOf(filed.material_id);
  t.is(checks.length, 1);
  t.like(checks[0], { trigger: 'filing', pages_declared: 2, pages_scanned: 2, findings: '[]', checked_by: (await db()('users').where({ username: 'archivist1' }).first()).id });
  t.true(!!checks[0].passed);
});

test.serial('the list is scoped to the caller’s custody range: the other office, an avoided cadre, applicants and out-of-scope checks', async (t) => {
  // A failing material of each office, and one of 陈立军 (the brother of chief1, held by her own office).
  const city = await plainArchiveOf(sys, '150300-ZZB-DAS', 5);
  const hbw = await plainArchiveOf(sys, '150302-ZZB-DAS', 0);
  const brother = await cadreNamed(sys, '陈立军');
  const cityM = await unscannedMaterial(city.archiveId, 2);
  const hbwM = await unscannedMaterial(hbw.archiveId, 2);
  const brotherM = await unscannedMaterial(brother.archive.id, 2);
  t.is((await postBytes(await sys.as('archivist1'), `/api/materials/${cityM.id}/pages`, await page(300, 101), 'image/jpeg')).status, 201);
  t.is((await postBytes(await sys.as('archivist1'), `/api/materials/${brotherM.id}/pages`, await page(300, 102), 'image/jpeg')).status, 201);
  t.is((await postBytes(await sys.as('receiver1'), `/api/materials/${hbwM.id}/pages`, await page(300, 103), 'image/jpeg')).status, 201);

  const ids = async (user: string) => new Set(((await (await sys.as(user)).get('/api/scan-checks/failing?limit=500')).body.items as any[]).map((i) => i.materialId));
  const archivist = await ids('archivist1');
  t.true(archivist.has(cityM.id) && archivist.has(brotherM.id));
  t.false(archivist.has(hbwM.id));
  const receiver = await ids('receiver1');
  t.true(receiver.has(hbwM.id));
  t.false(receiver.has(cityM.id) || receiver.has(brotherM.id));
  const chief = await ids('chief1');
  t.true(chief.has(cityM.id));
  t.false(chief.has(brotherM.id), 'nobody sees a relative’s archive, not even in this list');
  t.false(chief.has(hbwM.id));

  // Applicants have no such list; another office cannot check or even learn of the material.
  const applicant = await (await sys.as('applicant1')).get('/api/scan-checks/failing');
  t.is(applicant.status, 403);
  const before = (await checksOf(cityM.id)).length;
  const foreign = await (await sys.as('receiver1')).post(`/api/materials/${cityM.id}/scan-checks`, {});
  t.is(foreign.status, 404);
  t.is(foreign.body.code, 'NOT_FOUND');
  t.is((await (await sys.as('receiver1')).post('/api/materials/99999999/scan-checks', {})).body.code, 'NOT_FOUND');
  t.is((await checksOf(cityM.id)).length, before, 'nothing recorded');
  const denied = (await auditRows(sys, 'scan_check.run')).filter((r: any) => r.outcome === 'denied');
  t.deepEqual(denied.slice(-2).map((r: any) => [r.object_id, JSON.parse(r.detail).reason]), [[String(cityM.id), 'out_of_scope'], ['99999999', 'absent']]);
  t.is((await (await sys.as('receiver1')).get(`/api/scan-checks/failing?custodianOrgId=${city.archiveId ? (await db()('archives').where({ id: city.archiveId }).first()).custodian_org_id : 0}`)).status, 404);
});

test.serial('checking a whole archive checks its scanned materials and counts the rest', async (t) => {
  const a = await plainArchiveOf(sys, '150300-ZZB-DAS', 6);
  const m1 = await unscannedMaterial(a.archiveId, 1);
  const s = sys.services;
  const pages: Buffer[] = [];
  for (let n = 1; n <= m1.pages; n++) pages.push(await page(300, 150 + n));
  await s.db.transaction(async (trx) => s.archives.addPageScans(trx, m1.id, pages));
  const m2 = await unscannedMaterial(a.archiveId, 2);
  await s.db.transaction(async (trx) => s.archives.addPageScans(trx, m2.id, [await page(100, 77)]));
  const total = (await db()('materials').where({ archive_id: a.archiveId })).length;

  const res = await (await sys.as('chief1')).post(`/api/archives/${a.archiveId}/scan-checks`, {});
  t.is(res.status, 200);
  t.like(res.body, { archiveId: a.archiveId, checked: 2, failing: 1, notScanned: total - 2 });
  t.deepEqual(res.body.results.map((r: any) => [r.materialId, r.passed]).sort(), [[m1.id, true], [m2.id, false]].sort());
  t.like((await checksOf(m2.id)).at(-1), { trigger: 'archive' });
  t.is((await (await sys.as('receiver1')).post(`/api/archives/${a.archiveId}/scan-checks`, {})).status, 404);
});

test.serial('电子查阅 of a category whose scans fail 扫描质检 is refused at the start and at the chief’s approval; “as requested” leaves it out', async (t) => {
  const cadre = await cleanCadreWithCategories19(sys);
  await ensureScanned(sys, cadre.archiveId, ['1', '9']);
  const applicant = await sys.as('applicant1');
  const start = async (categories: string[]) =>
    applicant.post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', cadre, { mode: 'electronic', categories }) });
  const before = await start(['1', '9']);
  t.is(before.status, 201, JSON.stringify(before.body));
  const id = before.body.id as string;

  // Category 9's scanned material gets a page too many at 150 dpi: its newest check fails.
  const m9 = await db()('materials as m').join('page_images as p', 'p.material_id', 'm.id').where('m.archive_id', cadre.archiveId).where((w) => w.where('m.category_code', '9').orWhere('m.category_code', 'like', '9-%')).first('m.id');
  const up = await postBytes(await sys.as('archivist1'), `/api/materials/${m9.id}/pages`, await page(150, 90), 'image/jpeg');
  t.is(up.status, 201);
  t.true(up.body.findings.length > 0);

  // A new electronic request naming category 9 is refused at the categories, saying which and why.
  const refused = await start(['1', '9']);
  t.is(refused.status, 422, JSON.stringify(refused.body));
  t.like(refused.body.details, { rule: 'electronic-scans-failing', field: 'categories', categories: ['9'] });
  t.regex(refused.body.message, /^以下类别的扫描件未通过扫描质检，暂不能电子查阅：九、工资、任免、出国和会议代表材料/);
  t.is((await start(['1'])).status, 201, 'the sound category alone is accepted');

  // The request made before: the chief cannot grant category 9 by name; "as requested" grants 1 only.
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'archivist1', id, 'archivistReview');
  const chief = await sys.as('chief1');
  const task = await taskAt(chief, id, 'chiefApproval');
  const named = await chief.post(`/api/tasks/${task.id}/complete`, { variables: { decision: 'approve', comment: '同意。', grantedCategories: ['1', '9'] } });
  t.is(named.status, 422, JSON.stringify(named.body));
  t.like(named.body.details, { rule: 'electronic-scans-failing', field: 'grantedCategories', categories: ['9'] });
  const asRequested = await chief.post(`/api/tasks/${task.id}/complete`, { variables: { decision: 'approve', comment: '同意查阅扫描合格的类别。' } });
  t.is(asRequested.status, 200, JSON.stringify(asRequested.body));
  t.deepEqual(JSON.parse((await db()('utilization_requests').where({ instance_id: id }).first()).granted_categories), ['1']);
});
