// 标为不合格: an archivist marks a page failing by eye (illegible, skewed, the wrong material) with a
// reason. The mark is recorded as a failing check — /quality lists it, 电子查阅 refuses its category,
// an archive 已数字化 or 已验收 moves back to 部分数字化 with a history note — and stands in every later
// check until 重扫此页 replaces the page. Another office, an avoided cadre, an absent material or
// page: 404, audited; bad reasons: 400; nothing written on a refusal.
import test from 'ava';
import sharp from 'sharp';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { taskAt } from '../helpers/workflow.ts';
import { approveStep, borrowingVariables, cleanCadreWithCategories19, ensureScanned } from '../helpers/cases.ts';
import { auditRows, cadreNamed, plainArchiveOf } from '../archives/helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;

/** A small readable page at 300 dpi, distinct per shade. */
const page = (shade: number) =>
  sharp({ create: { width: 60, height: 85, channels: 3, background: { r: shade, g: shade, b: shade } } }).jpeg().withMetadata({ density: 300 }).toBuffer();

/** An undigitised archive of the city office nobody in the demo must avoid, without any page image, scanned in full now. */
async function scannedArchive(skipFrom = 0) {
  for (let skip = skipFrom; ; skip++) {
    const a = await plainArchiveOf(sys, '150300-ZZB-DAS', skip);
    if (!a) throw new Error('not enough demo archives');
    if ((await db()('archives').where({ id: a.archiveId }).first()).digital_status !== 'none') continue;
    if (await db()('page_images as p').join('materials as m', 'm.id', 'p.material_id').where('m.archive_id', a.archiveId).first('p.id')) continue;
    const materials: Array<{ id: number; pages: number; seq_no: string; category_code: string }> = await db()('materials').where({ archive_id: a.archiveId }).orderBy('id').select('id', 'pages', 'seq_no', 'category_code');
    for (const m of materials) {
      const pages = await Promise.all(Array.from({ length: m.pages }, (_, i) => page(100 + ((m.id * 7 + i) % 150))));
      await db().transaction((trx) => sys.services.archives.addPageScans(trx, m.id, pages));
    }
    return { archiveId: a.archiveId as number, materials };
  }
}

const mark = async (username: string, materialId: number, pageNo: number, body: unknown) => (await sys.as(username)).post(`/api/materials/${materialId}/pages/${pageNo}/failing`, body);
const move = async (username: string, archiveId: number, body: Record<string, unknown>) => (await sys.as(username)).post(`/api/archives/${archiveId}/digital-status`, body);
const digitalStatus = async (archiveId: number) => (await db()('archives').where({ id: archiveId }).first()).digital_status;
const marksOf = (materialId: number) => db()('page_marks').where({ material_id: materialId }).orderBy('id');

async function putBytes(username: string, path: string, body: Buffer) {
  const client = await sys.as(username);
  const res = await fetch(client.base + path, { method: 'PUT', headers: { cookie: (client as unknown as { cookie: string }).cookie, 'content-type': 'image/jpeg' }, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

test.serial('a page marked failing moves an archive 已数字化 back, is listed on /quality, survives a re-check and is cleared by 重扫此页', async (t) => {
  // Given: an archive scanned in full and marked 已数字化.
  const a = await scannedArchive();
  t.is((await move('archivist1', a.archiveId, { to: 'done' })).status, 200);
  const m = a.materials.find((x) => x.pages >= 2) ?? a.materials[0];
  const pageNo = Math.min(2, m.pages);

  // When: the archivist marks the page failing by eye.
  const marked = await mark('archivist1', m.id, pageNo, { reason: '  字迹模糊，第二段无法辨认  ' });
  t.is(marked.status, 200, JSON.stringify(marked.body));
  t.like(marked.body, { materialId: m.id, seqNo: m.seq_no, pageNo, passed: false, digitalStatus: { status: 'partial', label: '部分数字化', from: 'done' } });
  t.deepEqual(marked.body.findings, [
    { code: 'MARKED_FAILING', pageNo, reason: '字迹模糊，第二段无法辨认', message: `第 ${pageNo} 页经人工检查不合格：字迹模糊，第二段无法辨认 / page ${pageNo} marked failing on inspection: 字迹模糊，第二段无法辨认` },
  ]);

  // Then: recorded as a failing check (trigger mark), the archive moved back with a note naming the material.
  const check = await db()('scan_checks').where({ material_id: m.id }).orderBy('id', 'desc').first();
  t.like(check, { trigger: 'mark', archive_id: a.archiveId });
  t.false(!!check.passed);
  t.is(await digitalStatus(a.archiveId), 'partial');
  const history = await db()('archive_digital_history').where({ archive_id: a.archiveId }).orderBy('id');
  t.like(history.at(-1), { from_status: 'done', to_status: 'partial' });
  t.true(history.at(-1).note.startsWith(`扫描质检未通过，自动退回：材料 ${m.seq_no}（MARKED_FAILING）`), history.at(-1).note);
  const audit = (await auditRows(sys, 'page.mark_failing')).at(-1);
  t.like(audit, { actor: 'archivist1', object_id: String(m.id), outcome: 'success' });
  t.like(JSON.parse(audit.detail), { archiveId: a.archiveId, seqNo: m.seq_no, pageNo, reason: '字迹模糊，第二段无法辨认', codes: ['MARKED_FAILING'] });
  const moved = (await auditRows(sys, 'archive.digital_status')).at(-1);
  t.like(JSON.parse(moved.detail), { from: 'done', to: 'partial', auto: true, materialId: m.id, trigger: 'mark', codes: ['MARKED_FAILING'] });

  // /quality lists it with the archivist's reason; the material shows the mark on its page.
  const archivist = await sys.as('archivist1');
  const list = await archivist.get(`/api/scan-checks/failing?archiveId=${a.archiveId}`);
  t.is(list.body.total, 1);
  t.like(list.body.items[0], { materialId: m.id, trigger: 'mark', checkedByName: '刘晓燕' });
  t.like(list.body.items[0].findings[0], { code: 'MARKED_FAILING', pageNo, reason: '字迹模糊，第二段无法辨认' });
  const detail = await archivist.get(`/api/materials/${m.id}`);
  t.like(detail.body.pageMarks, [{ pageNo, reason: '字迹模糊，第二段无法辨认', markedByName: '刘晓燕' }]);
  // The marks are the office's quality control: a reader holding a grant on the category sees the pages, not the marks.
  const applicantId = (await db()('users').where({ username: 'applicant1' }).first()).id;
  const now = sys.clock.now();
  await db()('archive_grants').insert({
    grantee_user_id: applicantId,
    archive_id: a.archiveId,
    categories: JSON.stringify([m.category_code.split('-')[0]]),
    valid_from: new Date(now.getTime() - 3_600_000).toISOString(),
    valid_until: new Date(now.getTime() + 3_600_000).toISOString(),
    revoked_at: null,
    instance_id: null,
    created_by: null,
    created_at: now.toISOString(),
  });
  const asReader = await (await sys.as('applicant1')).get(`/api/materials/${m.id}`);
  t.is(asReader.status, 200, JSON.stringify(asReader.body));
  t.is(asReader.body.pageImages.length, m.pages);
  t.deepEqual(asReader.body.pageMarks, []);
  // Nor through the scan check's findings, which the office reads with the mark and its reason.
  const readerFindings = await (await sys.as('applicant1')).get(`/api/materials/${m.id}/scan-check`);
  t.is(readerFindings.status, 200);
  t.false(JSON.stringify(readerFindings.body).includes('字迹模糊'), JSON.stringify(readerFindings.body));
  t.false(readerFindings.body.findings.some((f: any) => f.code === 'MARKED_FAILING'));
  const officeFindings = await archivist.get(`/api/materials/${m.id}/scan-check`);
  t.true(officeFindings.body.findings.some((f: any) => f.code === 'MARKED_FAILING' && f.reason === '字迹模糊，第二段无法辨认'));
  // In the reading room the marked page is withheld (it may be illegible, or another material's page); the others open.
  const reader = await sys.as('applicant1');
  const grant = await db()('archive_grants').where({ grantee_user_id: applicantId, archive_id: a.archiveId }).orderBy('id', 'desc').first();
  const room = await reader.get(`/api/reading/${grant.id}`);
  t.is(room.status, 200, JSON.stringify(room.body));
  const listed = room.body.categories.flatMap((c: any) => c.materials).find((x: any) => x.id === m.id);
  t.deepEqual(listed.withheldPages, [pageNo]);
  t.is((await reader.get(`/api/reading/${grant.id}/materials/${m.id}/pages/${pageNo}`)).status, 404);
  t.like((await auditRows(sys, 'page.view_denied')).at(-1), { object_id: `${m.id}/${pageNo}`, outcome: 'denied' });
  t.is(JSON.parse((await auditRows(sys, 'page.view_denied')).at(-1).detail).reason, 'withheld');
  const otherPage = pageNo === 1 ? 2 : 1;
  if (otherPage <= m.pages) t.is((await reader.get(`/api/reading/${grant.id}/materials/${m.id}/pages/${otherPage}`)).status, 200);

  // A re-check cannot see a blur: the mark stands, and 已数字化 stays refused.
  const recheck = await archivist.post(`/api/materials/${m.id}/scan-checks`, {});
  t.is(recheck.status, 200);
  t.false(recheck.body.passed);
  t.deepEqual(recheck.body.findings.map((f: any) => [f.code, f.pageNo]), [['MARKED_FAILING', pageNo]]);
  const refused = await move('archivist1', a.archiveId, { to: 'done' });
  t.is(refused.status, 422);
  t.is(refused.body.details.rule, 'digital_scans');
  t.deepEqual(refused.body.details.failing.map((f: any) => f.materialId), [m.id]);
  t.regex(refused.body.message, /\/ 1 material does not pass the scan check$/);

  // The same page again: 409, nothing added.
  const again = await mark('chief1', m.id, pageNo, { reason: '页面歪斜' });
  t.is(again.status, 409);
  t.is(again.body.code, 'PAGE_MARKED');
  t.is((await marksOf(m.id)).length, 1);

  // 重扫此页 clears the mark: the material passes, leaves the list, and the archive may be marked again.
  const rescan = await putBytes('archivist1', `/api/materials/${m.id}/pages/${pageNo}`, await page(3));
  t.is(rescan.status, 200, JSON.stringify(rescan.body));
  t.deepEqual(rescan.body.findings, []);
  const [cleared] = await marksOf(m.id);
  t.truthy(cleared.cleared_at);
  t.is(cleared.cleared_by, (await db()('users').where({ username: 'archivist1' }).first()).id);
  t.is((await archivist.get(`/api/scan-checks/failing?archiveId=${a.archiveId}`)).body.total, 0);
  t.deepEqual((await archivist.get(`/api/materials/${m.id}`)).body.pageMarks, []);
  t.is((await move('archivist1', a.archiveId, { to: 'done' })).status, 200);
  t.is((await reader.get(`/api/reading/${grant.id}/materials/${m.id}/pages/${pageNo}`)).status, 200, 'rescanned, the page opens to the reader');
  // A rescanned page may be marked again.
  t.is((await mark('chief1', m.id, pageNo, { reason: '重扫后仍歪斜' })).status, 200);
});

test.serial('a page of an archive 已验收 may be marked: the 验收 no longer holds and the archive is 部分数字化 again', async (t) => {
  const a = await scannedArchive();
  t.is((await move('archivist1', a.archiveId, { to: 'done' })).status, 200);
  t.is((await move('chief1', a.archiveId, { to: 'verified' })).status, 200);
  const m = a.materials[0];
  const marked = await mark('chief1', m.id, 1, { reason: '夹带了其他干部的材料' });
  t.is(marked.status, 200, JSON.stringify(marked.body));
  t.like(marked.body.digitalStatus, { status: 'partial', from: 'verified' });
  t.is(await digitalStatus(a.archiveId), 'partial');
  // Now open for scans again: the page can be rescanned, which clears the mark.
  const rescan = await putBytes('archivist1', `/api/materials/${m.id}/pages/1`, await page(5));
  t.is(rescan.status, 200);
  t.deepEqual(rescan.body.findings, []);
});

test.serial('电子查阅 of a category with a page marked failing is refused until the page is rescanned', async (t) => {
  const cadre = await cleanCadreWithCategories19(sys);
  await ensureScanned(sys, cadre.archiveId, ['1', '9']);
  const applicant = await sys.as('applicant1');
  const start = async (categories: string[]) =>
    applicant.post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', cadre, { mode: 'electronic', categories }) });
  const before = await start(['1', '9']);
  t.is(before.status, 201, JSON.stringify(before.body));
  const m9 = await db()('materials as m').join('page_images as p', 'p.material_id', 'm.id').where('m.archive_id', cadre.archiveId).where((w) => w.where('m.category_code', '9').orWhere('m.category_code', 'like', '9-%')).first('m.id', 'm.pages');
  // Its pages all scanned, so that the mark alone decides.
  const have = (await db()('page_images').where({ material_id: m9.id })).length;
  if (have < m9.pages) {
    const rest = await Promise.all(Array.from({ length: m9.pages - have }, (_, i) => page(40 + i)));
    await db().transaction((trx) => sys.services.archives.addPageScans(trx, m9.id, rest));
  }
  t.is((await sys.as('archivist1').then((c) => c.post(`/api/materials/${m9.id}/scan-checks`, {}))).body.passed, true, 'category 9 passes before the mark');

  t.is((await mark('archivist1', m9.id, 1, { reason: '扫错了材料，不是本人的工资表' })).status, 200);
  const refused = await start(['1', '9']);
  t.is(refused.status, 422, JSON.stringify(refused.body));
  t.like(refused.body.details, { rule: 'electronic-scans-failing', field: 'categories', categories: ['9'] });

  // The request made before: the chief cannot grant category 9 by name.
  await approveStep(sys, 'unithead1', before.body.id, 'unitHeadReview');
  await approveStep(sys, 'archivist1', before.body.id, 'archivistReview');
  const chief = await sys.as('chief1');
  const task = await taskAt(chief, before.body.id, 'chiefApproval');
  const named = await chief.post(`/api/tasks/${task.id}/complete`, { variables: { decision: 'approve', comment: '同意。', grantedCategories: ['1', '9'] } });
  t.is(named.status, 422);
  t.like(named.body.details, { rule: 'electronic-scans-failing', categories: ['9'] });

  // Rescanned (the material's page count unchanged): category 9 may be asked for again.
  const rescan = await putBytes('archivist1', `/api/materials/${m9.id}/pages/1`, await sharp({ create: { width: 400, height: 560, channels: 3, background: '#efe9dc' } }).jpeg().withDensity(200).toBuffer());
  t.is(rescan.status, 200, JSON.stringify(rescan.body));
  t.deepEqual(rescan.body.findings, []);
  t.is((await start(['1', '9'])).status, 201);
});

test.serial('another office, an avoided cadre, an absent material or page and a role without the right get nothing; bad reasons are 400; nothing is written', async (t) => {
  const a = await scannedArchive();
  const m = a.materials[0];
  const checksBefore = (await db()('scan_checks').where({ material_id: m.id })).length;

  const foreign = await mark('receiver1', m.id, 1, { reason: '字迹模糊' });
  t.is(foreign.status, 404);
  t.is(foreign.body.code, 'NOT_FOUND');
  const absent = await mark('archivist1', 99_999_999, 1, { reason: '字迹模糊' });
  t.is(absent.status, 404);
  t.is(absent.body.code, 'NOT_FOUND');
  t.is(foreign.body.message, absent.body.message, 'another office learns no more than of an absent material');
  const noPage = await mark('archivist1', m.id, m.pages + 1, { reason: '字迹模糊' });
  t.is(noPage.status, 404);
  t.is(noPage.body.code, 'NOT_FOUND');
  t.is((await mark('applicant1', m.id, 1, { reason: '字迹模糊' })).status, 403);
  t.is((await mark('leader1', m.id, 1, { reason: '字迹模糊' })).status, 403, 'a leader reads the figures but does not keep the archive');

  // chief1's brother, held by her own office: she must avoid him, so for her the page is not there.
  const brother = await cadreNamed(sys, '陈立军');
  const bm = await db()('materials').where({ archive_id: brother.archive.id }).orderBy('id').first();
  if (!(await db()('page_images').where({ material_id: bm.id }).first())) {
    await db().transaction(async (trx) => sys.services.archives.addPageScans(trx, bm.id, [await page(9)]));
  }
  const avoided = await mark('chief1', bm.id, 1, { reason: '字迹模糊' });
  t.is(avoided.status, 404);
  t.is(avoided.body.code, 'NOT_FOUND');

  const denied = (await auditRows(sys, 'page.mark_failing')).filter((r: any) => r.outcome === 'denied');
  t.deepEqual(
    denied.slice(-3).map((r: any) => [r.actor, r.object_id, JSON.parse(r.detail).reason]),
    [
      ['receiver1', String(m.id), 'out_of_scope'],
      ['archivist1', '99999999', 'absent'],
      ['chief1', String(bm.id), 'relative'],
    ],
  );

  for (const body of [{}, { reason: '' }, { reason: ' 糊 ' }, { reason: '糊'.repeat(201) }, { reason: 12 }, { reason: '字迹模糊', extra: 1 }]) {
    const r = await mark('archivist1', m.id, 1, body);
    t.is(r.status, 400, JSON.stringify(body));
    t.is(r.body.code, 'VALIDATION_FAILED');
  }
  t.is((await mark('archivist1', m.id, 1, { reason: '糊'.repeat(200) })).status, 200, '200 characters are allowed');
  t.is((await marksOf(m.id)).length, 1, 'only the valid mark was written');
  t.is((await marksOf(bm.id)).length, 0);
  t.is((await db()('scan_checks').where({ material_id: m.id })).length, checksBefore + 1);

  // A corrected row is out of the catalogue and of /quality: its pages are not marked (409), nothing is written.
  const old = a.materials[1];
  const corrected = await (await sys.as('archivist1')).post(`/api/materials/${old.id}/supersede`, { reason: '材料名称有误', title: '更正后的材料名称' });
  t.is(corrected.status, 201, JSON.stringify(corrected.body));
  const checksOfOld = (await db()('scan_checks').where({ material_id: old.id })).length;
  const onOld = await mark('archivist1', old.id, 1, { reason: '字迹模糊' });
  t.is(onOld.status, 409);
  t.is(onOld.body.code, 'MATERIAL_SUPERSEDED');
  t.is((await marksOf(old.id)).length, 0);
  t.is((await db()('scan_checks').where({ material_id: old.id })).length, checksOfOld);
});

