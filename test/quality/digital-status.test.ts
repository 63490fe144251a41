// 数字化进度: an archive's digital status moves from 未数字化 to 部分数字化 once some material is
// scanned, to 已数字化 only when a fresh check of every current material passes, and to 已验收 by the
// archive chief — never by the person who marked it 已数字化. Moves back need a note; another office
// gets 404 with a denied audit row; each move is in the archive's digital history.
import test from 'ava';
import sharp from 'sharp';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { auditRows, plainArchiveOf } from '../archives/helpers.ts';

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

  // A move back needs a note. Withdrawing a 验收 is no declaration that the archive is complete: the
  // chief may verify it again. But once she herself marks it 已数字化, 验收 must be someone else's.
  const noNote = await move('chief1', a.archiveId, { to: 'done' });
  t.is(noNote.status, 400);
  t.is(noNote.body.code, 'VALIDATION_FAILED');
  t.is((await move('chief1', a.archiveId, { to: 'done', note: '   ' })).status, 400, 'a blank note is no note');
  t.is((await move('chief1', a.archiveId, { to: 'done', note: '复核发现第3页模糊，重扫' })).status, 200);
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
      ['done', 'verified', '重扫后复验', n],
      ['verified', 'partial', '补扫新材料', 0],
      ['partial', 'done', null, n],
    ],
  );
  const names = Object.fromEntries((await db()('users').whereIn('username', ['archivist1', 'chief1']).select('username', 'display_name')).map((u: any) => [u.username, u.display_name]));
  t.deepEqual(
    view.body.digitalHistory.map((h: any) => h.actorName),
    [names.archivist1, names.archivist1, ...Array(5).fill(names.chief1)],
  );
  t.deepEqual(view.body.digitalTransitions, ['verified', 'partial'], 'the chief may verify (and be refused by the four-eyes rule) or move it back');

  const rows = (await auditRows(sys, 'archive.digital_status')).filter((r: any) => r.object_id === String(a.archiveId) && r.outcome === 'success');
  t.is(rows.length, 7, 'each move is audited');
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
