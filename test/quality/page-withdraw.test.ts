// 撤下多余页: a page uploaded by mistake past a material's 页数 is withdrawn — only the last page,
// never below the catalogue's 页数, never on an archive 已验收 — by the holding office's archivist or
// chief (404 for anyone else, as for an absent material or page; audited page.withdraw). The row
// is kept marked withdrawn and the image stays on disk; the material is checked again, so
// PAGE_COUNT clears and the archive can be marked 已数字化 again; the page number is free again.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { auditRows, plainArchiveOf, postBytes } from '../archives/helpers.ts';

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

/** An undigitised archive of the city office, without any page image, scanned in full now. */
async function scannedArchive(skipFrom = 0) {
  for (let skip = skipFrom; ; skip++) {
    const a = await plainArchiveOf(sys, '150300-ZZB-DAS', skip);
    if (!a) throw new Error('not enough demo archives');
    if ((await db()('archives').where({ id: a.archiveId }).first()).digital_status !== 'none') continue;
    if (await db()('page_images as p').join('materials as m', 'm.id', 'p.material_id').where('m.archive_id', a.archiveId).first('p.id')) continue;
    const materials: Array<{ id: number; pages: number; seq_no: string }> = await db()('materials').where({ archive_id: a.archiveId }).orderBy('id').select('id', 'pages', 'seq_no');
    for (const m of materials) {
      const pages = await Promise.all(Array.from({ length: m.pages }, (_, i) => page(100 + ((m.id * 7 + i) % 150))));
      await db().transaction((trx) => sys.services.archives.addPageScans(trx, m.id, pages));
    }
    return { archiveId: a.archiveId as number, materials };
  }
}

const withdraw = async (username: string, materialId: number, pageNo: number, body: unknown) => (await sys.as(username)).post(`/api/materials/${materialId}/pages/${pageNo}/withdraw`, body);
const move = async (username: string, archiveId: number, body: Record<string, unknown>) => (await sys.as(username)).post(`/api/archives/${archiveId}/digital-status`, body);
const digitalStatus = async (archiveId: number) => (await db()('archives').where({ id: archiveId }).first()).digital_status;
const rowsOf = (materialId: number) => db()('page_images').where({ material_id: materialId }).orderBy('id');

test.serial('a surplus last page is withdrawn: the file stays, the re-check passes, /quality drops it and the archive can be 已数字化 again', async (t) => {
  // Given: an archive scanned in full and marked 已数字化; then one page too many uploaded by mistake.
  const a = await scannedArchive();
  t.is((await move('archivist1', a.archiveId, { to: 'done' })).status, 200);
  const m = a.materials.find((x) => x.pages >= 2) ?? a.materials[0];
  const archivist = await sys.as('archivist1');
  const surplus = m.pages + 1;
  const up = await postBytes(archivist, `/api/materials/${m.id}/pages`, await page(3), 'image/jpeg');
  t.is(up.status, 201, JSON.stringify(up.body));
  t.true(up.body.findings.some((f: { code: string }) => f.code === 'PAGE_COUNT'));
  t.is(await digitalStatus(a.archiveId), 'partial', 'the surplus page moved the archive back');
  const failing = async () => (await archivist.get('/api/scan-checks/failing?limit=100')).body.items.map((i: { materialId: number }) => i.materialId);
  t.true((await failing()).includes(m.id));
  const listed = (await archivist.get('/api/scan-checks/failing?limit=100')).body.items.find((i: { materialId: number }) => i.materialId === m.id);
  t.like(listed, { pagesDeclared: m.pages, pagesScanned: surplus, lastPage: surplus }, '/quality is told which page may be withdrawn');
  t.is((await move('archivist1', a.archiveId, { to: 'done' })).status, 422, 'stuck: 已数字化 is refused while the material fails');

  // A page that is not the last is refused in words; nothing is written.
  if (m.pages >= 1) {
    const notLast = await withdraw('archivist1', m.id, 1, { reason: '误传的页面' });
    t.is(notLast.status, 422, JSON.stringify(notLast.body));
    t.like(notLast.body.details, { rule: 'page_withdraw', kind: 'not_last', last: surplus });
    t.is(notLast.body.message, `只能撤下最后一页（第 ${surplus} 页），第 1 页不是最后一页 / Only the last page (page ${surplus}) can be withdrawn; page 1 is not the last`);
  }
  // Bad reasons: 400.
  for (const body of [{}, { reason: ' 误 ' }, { reason: '误'.repeat(201) }, { reason: '误传\u200b页' }, { reason: '误传的页面', extra: 1 }]) {
    const r = await withdraw('archivist1', m.id, surplus, body);
    t.is(r.status, 400, JSON.stringify(body));
    t.is(r.body.code, 'VALIDATION_FAILED');
  }
  t.true((await rowsOf(m.id)).every((r: { withdrawn_at: string | null }) => r.withdrawn_at === null), 'nothing withdrawn by a refusal');

  // When: the archivist withdraws the surplus page with a reason.
  const before = (await rowsOf(m.id)).find((r: { page_no: number }) => r.page_no === surplus);
  const checksBefore = (await db()('scan_checks').where({ material_id: m.id })).length;
  const done = await withdraw('archivist1', m.id, surplus, { reason: '  误传：另一份材料的页面  ' });
  t.is(done.status, 200, JSON.stringify(done.body));
  t.like(done.body, { materialId: m.id, seqNo: m.seq_no, pageNo: surplus, scannedPages: m.pages, declaredPages: m.pages, findings: [] });

  // Then: the row is kept, marked withdrawn; its image is still on disk, unchanged.
  const after = await db()('page_images').where({ id: before.id }).first();
  t.like(after, { page_no: surplus, file: before.file, sha256: before.sha256, withdrawn_reason: '误传：另一份材料的页面' });
  t.truthy(after.withdrawn_at);
  const user = await db()('users').where({ username: 'archivist1' }).first('id');
  t.is(after.withdrawn_by, user.id);
  t.true(fs.existsSync(path.join(sys.testDb.config.dataDir, 'scans', before.file)), 'the image file is kept');
  // The page is gone from the material: not served, not counted.
  t.is((await archivist.get(`/api/materials/${m.id}/pages/${surplus}`)).status, 404);
  t.is((await archivist.get(`/api/materials/${m.id}/scan-check`)).body.findings?.length ?? 0, 0);

  // Audited with the file, its hash and the reason; the re-check recorded (trigger withdraw, passed).
  const audit = (await auditRows(sys, 'page.withdraw')).at(-1);
  t.like(audit, { actor: 'archivist1', object_id: String(m.id), outcome: 'success' });
  t.like(JSON.parse(audit.detail), { pageNo: surplus, reason: '误传：另一份材料的页面', file: before.file, sha256: before.sha256, declaredPages: m.pages });
  const checks = await db()('scan_checks').where({ material_id: m.id }).orderBy('id');
  t.is(checks.length, checksBefore + 1);
  t.like(checks.at(-1), { trigger: 'withdraw', pages_scanned: m.pages });
  t.true(!!checks.at(-1).passed);
  t.false((await failing()).includes(m.id), '/quality no longer lists the material');

  // The counts match now: withdrawing another page would leave too few.
  if (m.pages >= 1) {
    const tooFew = await withdraw('archivist1', m.id, m.pages, { reason: '再撤一页' });
    t.is(tooFew.status, 422);
    t.like(tooFew.body.details, { rule: 'page_withdraw', kind: 'too_few', scanned: m.pages, declared: m.pages });
    t.regex(tooFew.body.message, /撤下后将少于目录页数/);
  }
  // Withdrawn twice: the page is not there any more.
  t.is((await withdraw('archivist1', m.id, surplus, { reason: '再撤一次' })).status, 404);

  // The archive can be marked 已数字化 again.
  t.is((await move('archivist1', a.archiveId, { to: 'done' })).status, 200);
  // The page number is free: a later upload that names it is the next page (201), not PAGE_EXISTS.
  const again = await postBytes(archivist, `/api/materials/${m.id}/pages?pageNo=${surplus}`, await page(5), 'image/jpeg');
  t.is(again.status, 201, JSON.stringify(again.body));
  t.is((await rowsOf(m.id)).filter((r: { page_no: number }) => r.page_no === surplus).length, 2, 'the withdrawn row stays beside the new page');
});

test.serial('scope: another office, an absent material or page, a role without the right get 404/403, audited; an archive 已验收 is refused', async (t) => {
  const a = await scannedArchive();
  const m = a.materials[0];
  await db().transaction(async (trx) => sys.services.archives.addPageScans(trx, m.id, [await page(7)]));
  const last = m.pages + 1;

  const foreign = await withdraw('receiver1', m.id, last, { reason: '误传的页面' });
  t.is(foreign.status, 404);
  t.is(foreign.body.code, 'NOT_FOUND');
  const absent = await withdraw('archivist1', 99_999_999, 1, { reason: '误传的页面' });
  t.is(absent.status, 404);
  t.is(foreign.body.message, absent.body.message, 'another office learns no more than of an absent material');
  t.is((await withdraw('archivist1', m.id, last + 1, { reason: '误传的页面' })).status, 404, 'no such page');
  t.is((await withdraw('applicant1', m.id, last, { reason: '误传的页面' })).status, 403);
  const denied = (await auditRows(sys, 'page.withdraw')).filter((r: any) => r.outcome === 'denied');
  t.deepEqual(
    denied.slice(-2).map((r: any) => [r.actor, r.object_id, JSON.parse(r.detail).reason]),
    [
      ['receiver1', String(m.id), 'out_of_scope'],
      ['archivist1', '99999999', 'absent'],
    ],
  );

  // 已验收 closes the archive to page changes.
  await db()('archives').where({ id: a.archiveId }).update({ digital_status: 'verified' });
  const verified = await withdraw('chief1', m.id, last, { reason: '误传的页面' });
  t.is(verified.status, 422);
  t.is(verified.body.details.rule, 'digital_verified');
  t.is((await rowsOf(m.id)).filter((r: { withdrawn_at: string | null }) => r.withdrawn_at).length, 0, 'nothing withdrawn');

  // The chief of the office may withdraw once the archive is open again.
  await db()('archives').where({ id: a.archiveId }).update({ digital_status: 'partial' });
  const byChief = await withdraw('chief1', m.id, last, { reason: '误传的页面' });
  t.is(byChief.status, 200, JSON.stringify(byChief.body));
  t.deepEqual(byChief.body.findings, []);
});
