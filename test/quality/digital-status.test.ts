// 数字化进度: an archive's digital status moves from 未数字化 to 部分数字化 once some material is
// scanned, to 已数字化 only when a fresh check of every current material passes, and to 已验收 by the
// archive chief — never by the person who marked it 已数字化. Moves back need a note; another office
// gets 404 with a denied audit row; each move is in the archive's digital history. A recorded check
// that fails (an upload, a rescan, an on-demand check) moves an archive 已数字化 or 已验收 back to
// 部分数字化 with a note; an archive 已验收 takes no new or replaced page; 重扫此页 replaces a page.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
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

/** A readable page at 72 dpi, below SCAN_MIN_DPI. */
const lowDpiPage = () => sharp({ create: { width: 60, height: 85, channels: 3, background: '#ddd' } }).jpeg().withMetadata({ density: 72 }).toBuffer();

/** Scans every page of these materials, as a scanning process would file them. */
async function scan(materials: Array<{ id: number; pages: number }>) {
  for (const m of materials) {
    const pages = await Promise.all(Array.from({ length: m.pages }, (_, i) => page(100 + ((m.id * 7 + i) % 150))));
    await db().transaction((trx) => sys.services.archives.addPageScans(trx, m.id, pages));
  }
}

/** The `nth` archive of the city office nobody in the demo must avoid and not digitised, with its current materials. */
async function undigitisedArchive(nth: number) {
  for (let skip = 0, seen = 0; ; skip++) {
    const a = await plainArchiveOf(sys, '150300-ZZB-DAS', skip);
    if (!a) throw new Error('not enough undigitised demo archives');
    if ((await db()('archives').where({ id: a.archiveId }).first()).digital_status !== 'none' || seen++ < nth) continue;
    const materials: Array<{ id: number; pages: number; seq_no: string }> = await db()('materials').where({ archive_id: a.archiveId }).orderBy('id').select('id', 'pages', 'seq_no');
    return { archiveId: a.archiveId as number, materials };
  }
}

const move = async (username: string, archiveId: number, body: Record<string, unknown>) => (await sys.as(username)).post(`/api/archives/${archiveId}/digital-status`, body);
const digitalStatus = async (archiveId: number) => (await db()('archives').where({ id: archiveId }).first()).digital_status;

test.serial('an archive becomes 已数字化 only when every material passes a fresh check, and 已验收 only by another person, the chief', async (t) => {
  const a = await undigitisedArchive(0);
  t.true(a.materials.length >= 3, 'the demo archive has materials');
  const [first, ...rest] = a.materials;

  // Nothing scanned yet: neither 部分数字化 nor 已数字化.
  const empty = await move('archivist1', a.archiveId, { to: 'partial' });
  t.is(empty.status, 422);
  t.like(empty.body.details, { rule: 'digital_scans', notScanned: a.materials.length });

  // One material scanned: 已数字化 is refused and names exactly the others; nothing moves.
  await scan([first]);
  const refused = await move('archivist1', a.archiveId, { to: 'done' });
  t.is(refused.status, 422);
  t.is(refused.body.details.rule, 'digital_scans');
  t.is(refused.body.details.checked, a.materials.length, 'every current material was checked');
  t.is(refused.body.details.notScanned, rest.length);
  const byId = (x: number, y: number) => x - y;
  t.deepEqual(refused.body.details.failing.map((f: any) => f.materialId).sort(byId), rest.map((m: { id: number }) => m.id).sort(byId));
  t.true(refused.body.details.failing.every((f: any) => f.findings.some((x: any) => x.code === 'PAGE_COUNT')));
  // Listed in catalogue order (一 … 十, then 序号), as the archivist reads the catalogue.
  const catalogue = await (await sys.as('archivist1')).get(`/api/archives/${a.archiveId}/catalogue`);
  const inOrder = catalogue.body.categories.flatMap((c: any) => c.materials.map((m: any) => m.id)).filter((id: number) => id !== first.id);
  t.deepEqual(refused.body.details.failing.map((f: any) => f.materialId), inOrder);
  t.is(await digitalStatus(a.archiveId), 'none');
  t.is((await db()('archive_digital_history').where({ archive_id: a.archiveId })).length, 0);
  t.is(
    (await db()('scan_checks').where({ archive_id: a.archiveId, trigger: 'archive' })).length,
    a.materials.length,
    'the checks made for the refused move are kept: they are facts about the scans',
  );

  const partial = await move('archivist1', a.archiveId, { to: 'partial', note: '第一批扫描' });
  t.is(partial.status, 200);
  t.like(partial.body, { archiveId: a.archiveId, fromStatus: 'none', toStatus: 'partial', toStatusLabel: '部分数字化', checked: 0 });

  // Every material scanned: 已数字化, with a passing check of each.
  await scan(rest);
  const done = await move('archivist1', a.archiveId, { to: 'done' });
  t.is(done.status, 200, JSON.stringify(done.body));
  t.like(done.body, { fromStatus: 'partial', toStatus: 'done', checked: a.materials.length });
  t.true(done.body.results.every((r: any) => r.passed));
  t.is(await digitalStatus(a.archiveId), 'done');

  // 验收 is the chief's: the archivist may not, and sees what she may do instead.
  const notHers = await move('archivist1', a.archiveId, { to: 'verified' });
  t.is(notHers.status, 422);
  t.like(notHers.body.details, { rule: 'digital_status', from: 'done', to: 'verified', allowed: ['partial'] });
  const archivistView = await (await sys.as('archivist1')).get(`/api/archives/${a.archiveId}`);
  t.deepEqual(archivistView.body.digitalTransitions, ['partial']);

  const verified = await move('chief1', a.archiveId, { to: 'verified', note: '验收合格' });
  t.is(verified.status, 200, JSON.stringify(verified.body));
  t.like(verified.body, { fromStatus: 'done', toStatus: 'verified', checked: a.materials.length });

  // A move back needs a note. Whoever withdrew a 验收 does not verify it again: an archivist reviews
  // it and marks it 已数字化 again (via 部分数字化), and the chief verifies that. Once she herself
  // marks it 已数字化, 验收 must be someone else's.
  const noNote = await move('chief1', a.archiveId, { to: 'done' });
  t.is(noNote.status, 400);
  t.is(noNote.body.code, 'VALIDATION_FAILED');
  t.is((await move('chief1', a.archiveId, { to: 'done', note: '   ' })).status, 400, 'a blank note is no note');
  t.is((await move('chief1', a.archiveId, { to: 'done', note: '复核发现第3页模糊，重扫' })).status, 200);
  const again = await move('chief1', a.archiveId, { to: 'verified', note: '重扫后复验' });
  t.is(again.status, 422);
  t.like(again.body.details, { rule: 'four_eyes', reason: 'withdrew' });
  t.is((await move('archivist1', a.archiveId, { to: 'partial', note: '复核第3页' })).status, 200);
  t.is((await move('archivist1', a.archiveId, { to: 'done' })).status, 200);
  t.is((await move('chief1', a.archiveId, { to: 'verified', note: '重扫后复验' })).status, 200);
  t.is((await move('chief1', a.archiveId, { to: 'partial', note: '补扫新材料' })).status, 200);
  t.is((await move('chief1', a.archiveId, { to: 'done' })).status, 200);
  const ownVerify = await move('chief1', a.archiveId, { to: 'verified' });
  t.is(ownVerify.status, 422);
  t.is(ownVerify.body.details.rule, 'four_eyes');
  t.is(await digitalStatus(a.archiveId), 'done');

  // The archive shows its digital history, oldest first, with who and why.
  const view = await (await sys.as('chief1')).get(`/api/archives/${a.archiveId}`);
  t.is(view.status, 200);
  t.like(view.body, { digitalStatus: 'done', digitalStatusLabel: '已数字化' });
  const n = a.materials.length;
  t.deepEqual(
    view.body.digitalHistory.map((h: any) => [h.fromStatus, h.toStatus, h.note, h.checked]),
    [
      ['none', 'partial', '第一批扫描', 0],
      ['partial', 'done', null, n],
      ['done', 'verified', '验收合格', n],
      ['verified', 'done', '复核发现第3页模糊，重扫', 0],
      ['done', 'partial', '复核第3页', 0],
      ['partial', 'done', null, n],
      ['done', 'verified', '重扫后复验', n],
      ['verified', 'partial', '补扫新材料', 0],
      ['partial', 'done', null, n],
    ],
  );
  const names = Object.fromEntries((await db()('users').whereIn('username', ['archivist1', 'chief1']).select('username', 'display_name')).map((u: any) => [u.username, u.display_name]));
  t.deepEqual(
    view.body.digitalHistory.map((h: any) => h.actorName),
    [names.archivist1, names.archivist1, names.chief1, names.chief1, names.archivist1, names.archivist1, ...Array(3).fill(names.chief1)],
  );
  t.deepEqual(view.body.digitalTransitions, ['verified', 'partial'], 'the chief may verify (and be refused by the four-eyes rule) or move it back');

  const rows = (await auditRows(sys, 'archive.digital_status')).filter((r: any) => r.object_id === String(a.archiveId) && r.outcome === 'success');
  t.is(rows.length, 9, 'each move is audited');
});

test.serial('a material that fails its newest check keeps an archive from 已数字化 even when every material is scanned', async (t) => {
  const a = await undigitisedArchive(1);
  const [short, ...rest] = a.materials.filter((m: any) => m.pages >= 1);
  await scan(rest);
  // One material a page short, as happens at a scanner.
  const pages = await Promise.all(Array.from({ length: Math.max(short.pages - 1, 0) }, (_, i) => page(60 + i)));
  if (pages.length) await db().transaction((trx) => sys.services.archives.addPageScans(trx, short.id, pages));
  const res = await move('chief1', a.archiveId, { to: 'done' });
  t.is(res.status, 422);
  t.deepEqual(res.body.details.failing.map((f: any) => f.materialId), [short.id]);
  t.is(await digitalStatus(a.archiveId), 'none');
});

test.serial('another office, a requester and bad input are refused; the refusal of scope is audited', async (t) => {
  const a = await undigitisedArchive(2);
  const foreign = await move('receiver1', a.archiveId, { to: 'partial' });
  t.is(foreign.status, 404);
  const absent = await move('archivist1', 99_999_999, { to: 'partial' });
  t.is(absent.status, 404);
  const denied = (await auditRows(sys, 'archive.digital_status')).filter((r: any) => r.outcome === 'denied');
  t.deepEqual(
    denied.slice(-2).map((r: any) => r.object_id),
    [String(a.archiveId), '99999999'],
  );
  t.is((await move('applicant1', a.archiveId, { to: 'partial' })).status, 403);
  t.is((await move('leader1', a.archiveId, { to: 'partial' })).status, 403, 'a leader reads the figures but does not keep the archive');
  for (const body of [{ to: 'none' }, { to: 'finished' }, {}, { to: 'partial', extra: 1 }, { to: 'partial', note: 'x'.repeat(501) }]) {
    const r = await move('archivist1', a.archiveId, body);
    t.is(r.status, 400, JSON.stringify(body));
  }
  t.is(await digitalStatus(a.archiveId), 'none');
});

/** A clean undigitised archive of the city office with no page image at all (untouched by the tests before). */
async function unscannedArchive() {
  for (let nth = 0; ; nth++) {
    const a = await undigitisedArchive(nth);
    const scanned = await db()('page_images as p').join('materials as m', 'm.id', 'p.material_id').where('m.archive_id', a.archiveId).first('p.id');
    if (!scanned) return a;
  }
}

/** An archive scanned in full and marked 已数字化 by archivist1. */
async function digitisedArchive() {
  const a = await unscannedArchive();
  await scan(a.materials);
  const done = await move('archivist1', a.archiveId, { to: 'done' });
  if (done.status !== 200) throw new Error(JSON.stringify(done.body));
  return a;
}

const summaryDigital = async () => {
  const s = (await (await sys.as('chief1')).get('/api/reports/summary')).body.holdings;
  const n = (code: string) => s.byDigital.find((x: any) => x.code === code)?.n ?? 0;
  return { digitised: s.digitised as number, done: n('done'), partial: n('partial') };
};

test.serial('已验收 takes no new page until the chief withdraws it; a failing upload moves an archive 已数字化 back to 部分数字化 with a note, and 统计分析 stops counting it', async (t) => {
  const a = await digitisedArchive();
  const m = a.materials[0];
  t.is((await move('chief1', a.archiveId, { to: 'verified' })).status, 200);
  const pagesOf = async () => Number((await db()('page_images').where({ material_id: m.id }).count({ n: '*' }))[0].n);
  const before = await pagesOf();

  // 验收 closed the archive: an upload is refused and nothing is written.
  const archivist = await sys.as('archivist1');
  const refused = await postBytes(archivist, `/api/materials/${m.id}/pages`, await lowDpiPage(), 'image/jpeg');
  t.is(refused.status, 422, JSON.stringify(refused.body));
  t.is(refused.body.details.rule, 'digital_verified');
  t.regex(refused.body.message, /^档案已验收，不能再上传或替换扫描页/);
  t.is(await pagesOf(), before);
  t.is(await digitalStatus(a.archiveId), 'verified');

  // Asking for the status it already has says so in words, in both languages.
  const same = await move('chief1', a.archiveId, { to: 'verified' });
  t.is(same.status, 422);
  t.is(same.body.message, '档案已是“已验收” / The archive is already Verified');

  // The chief withdraws the 验收 (a move back with a note); a 72 dpi page then fails its check, and the
  // archive is 部分数字化 again, with the reason in its digital history.
  t.is((await move('chief1', a.archiveId, { to: 'done', note: '补扫第一份材料' })).status, 200);
  const counted = await summaryDigital();
  const up = await postBytes(archivist, `/api/materials/${m.id}/pages`, await lowDpiPage(), 'image/jpeg');
  t.is(up.status, 201, JSON.stringify(up.body));
  const n = before + 1;
  const low = up.body.findings.find((f: any) => f.code === 'LOW_DPI');
  t.is(low.message, `第 ${n} 页分辨率 72 dpi 低于 200 / page ${n}: 72 dpi, below 200 dpi`, 'the English half carries the page and the value');
  t.deepEqual(up.body.digitalStatus, { status: 'partial', label: '部分数字化', from: 'done' });
  t.is(await digitalStatus(a.archiveId), 'partial');
  const view = await archivist.get(`/api/archives/${a.archiveId}`);
  const last = view.body.digitalHistory.at(-1);
  t.like(last, { fromStatus: 'done', toStatus: 'partial', checked: 1 });
  t.regex(last.note, new RegExp(`^扫描质检未通过，自动退回：材料 ${m.seq_no}（PAGE_COUNT、.*LOW_DPI`));
  // The page words it from its parts, not from the note: the material and the findings' codes.
  t.is(last.autoBack.seqNo, m.seq_no);
  t.true(last.autoBack.codes.includes('PAGE_COUNT') && last.autoBack.codes.includes('LOW_DPI'), JSON.stringify(last.autoBack));
  t.true(view.body.digitalHistory.slice(0, -1).every((h: any) => h.autoBack === null), 'the moves people made carry no parts');
  t.is(last.actorName, (await db()('users').where({ username: 'archivist1' }).first()).display_name);
  const audit = (await auditRows(sys, 'archive.digital_status')).at(-1);
  t.like(audit, { object_id: String(a.archiveId), actor: 'archivist1', outcome: 'success' });
  t.like(JSON.parse(audit.detail), { from: 'done', to: 'partial', auto: true, materialId: m.id, trigger: 'upload' });
  t.deepEqual(await summaryDigital(), { digitised: counted.digitised - 1, done: counted.done - 1, partial: counted.partial + 1 });

  // Marking it 已数字化 again waits for the material to pass.
  t.is((await move('archivist1', a.archiveId, { to: 'done' })).body.details?.rule, 'digital_scans', 'the bad page still fails');
});

test.serial('a truncated page uploaded to an archive 已数字化 is caught by its check and moves the archive back', async (t) => {
  const a = await digitisedArchive();
  const m = a.materials.at(-1)!;
  const noisy = await sharp({ create: { width: 400, height: 560, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg()
    .withMetadata({ density: 300 })
    .toBuffer();
  const up = await postBytes(await sys.as('archivist1'), `/api/materials/${m.id}/pages`, noisy.subarray(0, noisy.length >> 1), 'image/jpeg');
  t.is(up.status, 201, JSON.stringify(up.body));
  t.true(up.body.findings.some((f: any) => f.code === 'UNREADABLE'));
  t.like(up.body.digitalStatus, { status: 'partial', from: 'done' });
  t.is(await digitalStatus(a.archiveId), 'partial');
  // The archive page no longer offers 验收; the archivist may mark it 已数字化 again once it passes.
  t.deepEqual((await (await sys.as('chief1')).get(`/api/archives/${a.archiveId}`)).body.digitalTransitions, ['done']);
  const skip = await move('archivist1', a.archiveId, { to: 'verified' });
  t.is(skip.body.message, '数字化状态不能由您从“部分数字化”变为“已验收” / You cannot move the digital status from Partly digitised to Verified');
});

/** PUT an image body (重扫此页), as postBytes does for POST. */
async function putBytes(username: string, path: string, body: Buffer, contentType = 'image/jpeg') {
  const client = await sys.as(username);
  const res = await fetch(client.base + path, { method: 'PUT', headers: { cookie: (client as unknown as { cookie: string }).cookie, 'content-type': contentType }, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

test.serial('重扫此页 replaces a page in the middle: audited with the old image kept, checked again; a bad rescan moves 已数字化 back, a good one lets it be marked again', async (t) => {
  const a = await digitisedArchive();
  const m = a.materials.find((x) => x.pages >= 2) ?? a.materials[0];
  const old = await db()('page_images').where({ material_id: m.id, page_no: 1 }).first();

  // A 72 dpi rescan of page 1: the page count stays, the check fails, the archive goes back.
  const bad = await putBytes('archivist1', `/api/materials/${m.id}/pages/1`, await lowDpiPage());
  t.is(bad.status, 200, JSON.stringify(bad.body));
  t.like(bad.body.page, { pageNo: 1, dpi: 72 });
  t.deepEqual(bad.body.findings.map((f: any) => [f.code, f.pageNo]), [['LOW_DPI', 1]]);
  t.like(bad.body.digitalStatus, { status: 'partial', from: 'done' });
  t.is(Number((await db()('page_images').where({ material_id: m.id }).count({ n: '*' }))[0].n), m.pages, 'replaced, not appended');
  const audit = (await auditRows(sys, 'page.replace')).at(-1);
  t.like(audit, { actor: 'archivist1', object_id: String(m.id) });
  t.like(JSON.parse(audit.detail), { pageNo: 1, oldSha256: old.sha256, oldFile: old.file, dpi: 72 });
  t.true(fs.existsSync(path.join(sys.testDb.dataDir, 'scans', old.file)), 'the old image is kept on disk');

  // A good rescan: the material passes again, leaves 扫描质检's list, and the archive may be marked 已数字化.
  const good = await putBytes('archivist1', `/api/materials/${m.id}/pages/1`, await page(33));
  t.is(good.status, 200);
  t.deepEqual(good.body.findings, []);
  t.like(good.body.digitalStatus, { status: 'partial', from: null });
  const served = await fetch(`${(await sys.as('archivist1')).base}/api/materials/${m.id}/pages/1`, { headers: { cookie: ((await sys.as('archivist1')) as unknown as { cookie: string }).cookie } });
  t.is(served.headers.get('x-content-sha256'), good.body.page.sha256, 'the page served is the rescan');
  t.is((await (await sys.as('archivist1')).get(`/api/scan-checks/failing?archiveId=${a.archiveId}`)).body.total, 0);
  t.is((await move('archivist1', a.archiveId, { to: 'done' })).status, 200);

  // No such page (new pages are appended with POST), another office, not an image, a verified archive.
  t.is((await putBytes('archivist1', `/api/materials/${m.id}/pages/${m.pages + 1}`, await page(34))).status, 404);
  t.is((await putBytes('receiver1', `/api/materials/${m.id}/pages/1`, await page(35))).status, 404);
  t.is((await putBytes('archivist1', `/api/materials/${m.id}/pages/1`, Buffer.from('not an image'))).status, 400);
  t.is((await putBytes('applicant1', `/api/materials/${m.id}/pages/1`, await page(36))).status, 403);
  t.is((await move('chief1', a.archiveId, { to: 'verified' })).status, 200);
  const closed = await putBytes('archivist1', `/api/materials/${m.id}/pages/1`, await page(37));
  t.is(closed.status, 422);
  t.is(closed.body.details.rule, 'digital_verified');
  t.is((await db()('page_images').where({ material_id: m.id, page_no: 1 }).first()).sha256, good.body.page.sha256, 'nothing changed');
});

test.serial('a page changed on disk under an archive 已验收: the on-demand check finds it and the archive is 部分数字化 again, the history saying why', async (t) => {
  const a = await digitisedArchive();
  t.is((await move('chief1', a.archiveId, { to: 'verified' })).status, 200);
  const m = a.materials[0];
  const row = await db()('page_images').where({ material_id: m.id, page_no: 1 }).first();
  fs.writeFileSync(path.join(sys.testDb.dataDir, 'scans', row.file), await page(12));
  const res = await (await sys.as('chief1')).post(`/api/archives/${a.archiveId}/scan-checks`, {});
  t.is(res.status, 200);
  t.is(res.body.failing, 1);
  t.is(await digitalStatus(a.archiveId), 'partial');
  const last = (await (await sys.as('chief1')).get(`/api/archives/${a.archiveId}`)).body.digitalHistory.at(-1);
  t.like(last, { fromStatus: 'verified', toStatus: 'partial' });
  t.regex(last.note, /FILE_CHANGED/);
  t.like(JSON.parse((await auditRows(sys, 'archive.digital_status')).at(-1).detail), { from: 'verified', to: 'partial', auto: true, trigger: 'archive' });
});

test.serial('a page upload naming its page is safe to retry: the same image again is the page already there (200, nothing written), another image is 409 PAGE_EXISTS, a gap 409 PAGE_NOT_NEXT', async (t) => {
  const a = await unscannedArchive();
  const m = a.materials.find((x) => x.pages >= 2)!;
  const archivist = await sys.as('archivist1');
  const url = (q: string) => `/api/materials/${m.id}/pages${q}`;
  const rows = () => db()('page_images').where({ material_id: m.id }).orderBy('page_no').select('page_no', 'sha256');
  const checks = async () => Number((await db()('scan_checks').where({ material_id: m.id }).count({ n: '*' }))[0].n);
  const uploads = async () => (await auditRows(sys, 'page.upload')).filter((r: any) => r.object_id === String(m.id)).length;

  const one = await page(31);
  const first = await postBytes(archivist, url('?pageNo=1'), one, 'image/jpeg');
  t.is(first.status, 201, JSON.stringify(first.body));
  t.is(first.body.replayed, false);
  t.deepEqual(first.body.pages.map((p: any) => p.pageNo), [1]);
  const written = { rows: await rows(), checks: await checks(), uploads: await uploads() };

  // The answer was lost and the client sends the same page again: page 1 is the answer, no page 2.
  const retry = await postBytes(archivist, url('?pageNo=1'), one, 'image/jpeg');
  t.is(retry.status, 200, JSON.stringify(retry.body));
  t.is(retry.body.replayed, true);
  t.deepEqual(retry.body.pages, first.body.pages);
  t.false(retry.body.findings.some((f: any) => f.code === 'PAGE_DUPLICATE'));
  t.deepEqual({ rows: await rows(), checks: await checks(), uploads: await uploads() }, written, 'nothing written, no check recorded, no audit row');

  // Another image under page 1 is a conflict: replacing is 重扫此页's work.
  const other = await postBytes(archivist, url('?pageNo=1'), await page(201), 'image/jpeg');
  t.is(other.status, 409, JSON.stringify(other.body));
  t.is(other.body.code, 'PAGE_EXISTS');
  t.is(other.body.message, '第 1 页已有另一幅图像；如需替换，请用“重扫此页” / Page 1 already holds another image; use Rescan this page to replace it');
  // A number past the next page leaves a gap.
  const gap = await postBytes(archivist, url('?pageNo=3'), await page(202), 'image/jpeg');
  t.is(gap.status, 409);
  t.like(gap.body, { code: 'PAGE_NOT_NEXT', details: { pageNo: 3, next: 2 } });
  for (const bad of ['?pageNo=0', '?pageNo=x', '?pageNo=2001']) t.is((await postBytes(archivist, url(bad), await page(203), 'image/jpeg')).status, 400, bad);
  t.deepEqual(await rows(), written.rows, 'refusals wrote nothing');

  // The next page is appended; without pageNo an API client appends as before.
  t.is((await postBytes(archivist, url('?pageNo=2'), await page(204), 'image/jpeg')).status, 201);
  const plain = await postBytes(archivist, url(''), await page(205), 'image/jpeg');
  t.is(plain.status, 201);
  t.deepEqual(plain.body.pages.map((p: any) => p.pageNo), [3]);
  t.deepEqual((await rows()).map((r: any) => r.page_no), [1, 2, 3]);
});

test.serial('a material filed directly or corrected without pages moves an archive 已数字化 / 已验收 back to 部分数字化, the history naming it and /quality listing it', async (t) => {
  const a = await digitisedArchive();
  t.is((await move('chief1', a.archiveId, { to: 'verified' })).status, 200);
  const archivist = await sys.as('archivist1');
  const filed = await archivist.post(`/api/archives/${a.archiveId}/materials`, { categoryCode: '1', title: '干部履历表', formedDate: '2024-03-01', pages: 1 });
  t.is(filed.status, 201, JSON.stringify(filed.body));
  t.is(await digitalStatus(a.archiveId), 'partial', 'an unscanned current material: the archive is no longer digitised');
  const last = (await archivist.get(`/api/archives/${a.archiveId}`)).body.digitalHistory.at(-1);
  t.like(last, { fromStatus: 'verified', toStatus: 'partial', checked: 1 });
  t.regex(last.note, new RegExp(`^扫描质检未通过，自动退回：材料 ${filed.body.seqNo}（PAGE_COUNT`));
  t.like(await db()('scan_checks').where({ material_id: filed.body.id }).first(), { trigger: 'filing', pages_scanned: 0 });
  const audit = (await auditRows(sys, 'archive.digital_status')).at(-1);
  t.like(JSON.parse(audit.detail), { from: 'verified', to: 'partial', auto: true, materialId: filed.body.id, trigger: 'filing' });
  const listed = (await archivist.get(`/api/scan-checks/failing?archiveId=${a.archiveId}`)).body.items.map((i: any) => i.materialId);
  t.deepEqual(listed, [filed.body.id]);

  // A 更正 row of a scanned material arrives without pages: the same.
  const b = await digitisedArchive();
  const corrected = await archivist.post(`/api/materials/${b.materials[0].id}/supersede`, { reason: '材料名称有误', title: '更正后的材料名称' });
  t.is(corrected.status, 201, JSON.stringify(corrected.body));
  t.is(await digitalStatus(b.archiveId), 'partial');
  t.like((await archivist.get(`/api/archives/${b.archiveId}`)).body.digitalHistory.at(-1), { fromStatus: 'done', toStatus: 'partial' });

  // An archive not marked digitised files without scans as before: no check, no move.
  const c = await unscannedArchive();
  const plain = await archivist.post(`/api/archives/${c.archiveId}/materials`, { categoryCode: '1', title: '干部履历表', formedDate: '2024-03-01', pages: 1 });
  t.is(plain.status, 201);
  t.is(await digitalStatus(c.archiveId), 'none');
  t.is((await db()('scan_checks').where({ material_id: plain.body.id })).length, 0);
});

test.serial('four eyes on 验收: the chief who withdrew it and rescanned a page does not verify it again; his own image on a page since it was marked keeps him out until an archivist re-marks it', async (t) => {
  // The tester's path: archivist1 marks it 已数字化, chief1 verifies, withdraws with a note, rescans page 1, verifies again.
  const a = await digitisedArchive();
  const m = a.materials[0];
  const tick = () => sys.clock.advance(1000);
  tick();
  t.is((await move('chief1', a.archiveId, { to: 'verified' })).status, 200);
  tick();
  t.is((await move('chief1', a.archiveId, { to: 'done', note: '第1页模糊，重扫' })).status, 200);
  tick();
  const rescan = await putBytes('chief1', `/api/materials/${m.id}/pages/1`, await page(77));
  t.is(rescan.status, 200, JSON.stringify(rescan.body));
  t.like(rescan.body.digitalStatus, { status: 'done' }, 'a good rescan keeps it 已数字化');
  tick();
  const own = await move('chief1', a.archiveId, { to: 'verified', note: '复验' });
  t.is(own.status, 422, 'nobody else has seen the rescanned page');
  t.like(own.body, { code: 'RULE_VIOLATION', details: { rule: 'four_eyes', reason: 'withdrew' } });
  t.regex(own.body.message, /^您撤回了该档案的验收，重新验收须由另一位档案室负责人进行.* \/ You withdrew this archive’s verification/);
  t.is(await digitalStatus(a.archiveId), 'done');

  // Without the withdrawal: an image the chief put on a page after the archive was marked keeps him out too.
  const b = await digitisedArchive();
  const n = b.materials[0];
  tick();
  t.is((await putBytes('chief1', `/api/materials/${n.id}/pages/1`, await page(78))).status, 200);
  tick();
  const changed = await move('chief1', b.archiveId, { to: 'verified' });
  t.is(changed.status, 422);
  t.like(changed.body.details, { rule: 'four_eyes', reason: 'changed_pages', pages: [{ materialId: n.id, seqNo: n.seq_no, pageNo: 1 }] });
  t.is(changed.body.message, `您在该档案标记“已数字化”后上传或重扫了扫描页（${n.seq_no} 第 1 页），验收须由另一人进行 / You uploaded or rescanned pages of this archive after it was marked digitised (${n.seq_no} p. 1): someone else must verify it`);
  t.is(await digitalStatus(b.archiveId), 'done');

  // The archivist reviews it and marks it 已数字化 again (via 部分数字化): now a second person has seen
  // both rescans, and the chief verifies.
  for (const id of [a.archiveId, b.archiveId]) {
    tick();
    t.is((await move('archivist1', id, { to: 'partial', note: '复核重扫页' })).status, 200);
    tick();
    t.is((await move('archivist1', id, { to: 'done' })).status, 200);
    tick();
    const ok = await move('chief1', id, { to: 'verified', note: '复核后验收' });
    t.is(ok.status, 200, JSON.stringify(ok.body));
  }
  t.is(await digitalStatus(a.archiveId), 'verified');
});
