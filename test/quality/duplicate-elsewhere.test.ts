// 扫描质检 flags a page whose image (sha256) is already a page of another cadre's archive
// (DUPLICATE_ELSEWHERE: scanned into the wrong archive, or the wrong file uploaded) — found by an
// exploratory tester: the same image went into two archives unnoticed. /quality names the other
// archive's 档案号 to a reader whose scope covers it and tells anyone else nothing — not even that one
// exists (a count was an oracle: upload a known image, learn whether it is on file elsewhere); only an
// archive of the same office is looked for at all. The check's own answers name no other archive. A blank page (one flat colour) is not counted.
import test from 'ava';
import sharp from 'sharp';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { plainArchiveOf, postBytes } from '../archives/helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const CITY = '150300-ZZB-DAS';
const COUNTY = '150302-ZZB-DAS';

/** A page no other test makes: a scanned sheet's grain (random), at 300 dpi. */
const page = (_shade: number) => sharp({ create: { width: 433, height: 611, channels: 3, background: '#c8c8c8', noise: { type: 'gaussian', mean: 200, sigma: 20 } } }).jpeg().withMetadata({ density: 300 }).toBuffer();
/** A blank page: one flat colour, as a generated placeholder is. */
const blank = () => sharp({ create: { width: 433, height: 611, channels: 3, background: { r: 250, g: 250, b: 250 } } }).jpeg().withMetadata({ density: 300 }).toBuffer();

/** The archive (number, cadre) and a material of one page with no scans yet. */
async function target(office: string, skip: number) {
  const a = await plainArchiveOf(sys, office, skip);
  const archive = await db()('archives').where({ id: a.archiveId }).first('archive_no');
  const m = await db()('materials as m')
    .where('m.archive_id', a.archiveId)
    .whereNotExists(db()('page_images as p').whereRaw('p.material_id = m.id').select('p.id'))
    .orderBy([{ column: 'm.pages' }, { column: 'm.id' }])
    .first('m.id');
  if (!m) throw new Error(`archive ${a.archiveId} has no unscanned material`);
  return { archiveId: a.archiveId as number, archiveNo: archive.archive_no as string, cadreName: a.name as string, materialId: m.id as number };
}

const elsewhere = (findings: any[]) => findings.filter((f) => f.code === 'DUPLICATE_ELSEWHERE');
const failingOf = async (user: string, archiveId: number) => {
  const res = await (await sys.as(user)).get(`/api/scan-checks/failing?archiveId=${archiveId}`);
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  return res.body.items as any[];
};

test.serial('one image uploaded into two archives of the office: the second upload’s check flags it, a re-check of the first too, and /quality names the other archive’s 档案号', async (t) => {
  const [a, b] = [await target(CITY, 20), await target(CITY, 21)];
  const archivist = await sys.as('archivist1');
  const image = await page(201);
  const first = await postBytes(archivist, `/api/materials/${a.materialId}/pages`, image, 'image/jpeg');
  t.is(first.status, 201, JSON.stringify(first.body));
  t.deepEqual(elsewhere(first.body.findings), [], 'the first archive to hold it: nothing elsewhere yet');

  const second = await postBytes(archivist, `/api/materials/${b.materialId}/pages`, image, 'image/jpeg');
  t.is(second.status, 201, JSON.stringify(second.body));
  const [found] = elsewhere(second.body.findings);
  t.like(found, { code: 'DUPLICATE_ELSEWHERE', pageNo: 1 });
  t.false(JSON.stringify(second.body).includes(a.archiveNo), 'the check’s answer names no other archive');
  const stored = await db()('scan_checks').where({ material_id: b.materialId }).orderBy('id', 'desc').first();
  t.false(!!stored.passed);
  t.false(stored.findings.includes(a.archiveNo), 'nor does the recorded check');

  // The first archive's page is the same image: its re-check flags it too.
  const again = await archivist.post(`/api/materials/${a.materialId}/scan-checks`, {});
  t.is(again.status, 200, JSON.stringify(again.body));
  t.like(elsewhere(again.body.findings)[0], { pageNo: 1 });

  const [item] = await failingOf('archivist1', b.archiveId);
  t.truthy(item, 'listed on /quality');
  const [listed] = elsewhere(item.findings);
  t.deepEqual(listed.elsewhere, { archiveNos: [a.archiveNo] });
  t.regex(listed.message, new RegExp(`^第 1 页的图像与档案 ${a.archiveNo} 中的页相同 / page 1: the same image is a page of archive ${a.archiveNo}$`));
});

test.serial('the same image in another office’s archive is no oracle: the upload is not flagged, and /quality says nothing of it', async (t) => {
  const theirs = await target(COUNTY, 0);
  const mine = await target(CITY, 22);
  const image = await page(202);
  const receiver = await sys.as('receiver1');
  t.is((await postBytes(receiver, `/api/materials/${theirs.materialId}/pages`, image, 'image/jpeg')).status, 201);
  const up = await postBytes(await sys.as('archivist1'), `/api/materials/${mine.materialId}/pages`, image, 'image/jpeg');
  t.is(up.status, 201, JSON.stringify(up.body));
  t.deepEqual(elsewhere(up.body.findings), [], 'an upload does not test whether the image is on file in another office');
  for (const [user, a] of [['archivist1', mine], ['receiver1', theirs]] as const) {
    if (user === 'receiver1') t.is((await receiver.post(`/api/materials/${theirs.materialId}/scan-checks`, {})).status, 200);
    const said = JSON.stringify(await failingOf(user, a.archiveId));
    t.false(said.includes('DUPLICATE_ELSEWHERE'), `${user}: no flag`);
    t.false(said.includes('无权查看'), `${user}: no count of archives he may not see`);
  }
});

test.serial('an archive of the office whose cadre the reader must avoid: the flag and its archive are left out for him, kept for a colleague', async (t) => {
  const [a, b] = [await target(CITY, 27), await target(CITY, 28)];
  const archivist = await sys.as('archivist1');
  const image = await page(205);
  t.is((await postBytes(archivist, `/api/materials/${a.materialId}/pages`, image, 'image/jpeg')).status, 201);
  t.is((await postBytes(archivist, `/api/materials/${b.materialId}/pages`, image, 'image/jpeg')).status, 201);
  const chief = await db()('users').where({ username: 'chief1' }).first('id');
  const admin = await db()('users').where({ username: 'secadmin' }).first('id');
  const cadreA = await db()('archives').where({ id: a.archiveId }).first('cadre_id');
  await db()('avoidance_entries').insert({ user_id: chief.id, cadre_id: cadreA.cadre_id, reason: '测试回避', created_by: admin.id, created_at: new Date().toISOString(), removed_at: null, removed_by: null });
  const [mineFound] = elsewhere((await failingOf('archivist1', b.archiveId))[0].findings);
  t.deepEqual(mineFound.elsewhere, { archiveNos: [a.archiveNo] }, 'a colleague whose scope covers both is told');
  const said = JSON.stringify(await failingOf('chief1', b.archiveId));
  t.false(said.includes('DUPLICATE_ELSEWHERE'), 'the one who must avoid a\'s cadre is not told an archive holds it');
  t.false(said.includes(a.archiveNo));
  t.false(said.includes('无权查看'));
});

test.serial('a blank page (one flat colour) in two archives is not flagged: it says nothing of anyone', async (t) => {
  const [a, b] = [await target(CITY, 25), await target(CITY, 26)];
  const archivist = await sys.as('archivist1');
  const image = await blank();
  t.is((await postBytes(archivist, `/api/materials/${a.materialId}/pages`, image, 'image/jpeg')).status, 201);
  const up = await postBytes(archivist, `/api/materials/${b.materialId}/pages`, image, 'image/jpeg');
  t.is(up.status, 201);
  t.deepEqual(elsewhere(up.body.findings), []);
});

test.serial('a page withdrawn or rescanned no longer counts: a re-check clears the finding', async (t) => {
  const [a, b] = [await target(CITY, 23), await target(CITY, 24)];
  const archivist = await sys.as('archivist1');
  const image = await page(203);
  await postBytes(archivist, `/api/materials/${a.materialId}/pages`, image, 'image/jpeg');
  const up = await postBytes(archivist, `/api/materials/${b.materialId}/pages`, image, 'image/jpeg');
  t.is(elsewhere(up.body.findings).length, 1);
  // 重扫此页 with the page's own image.
  const res = await fetch(`${archivist.base}/api/materials/${b.materialId}/pages/1`, { method: 'PUT', headers: { cookie: (archivist as any).cookie, 'content-type': 'image/jpeg' }, body: await page(204) });
  t.is(res.status, 200, await res.clone().text());
  t.deepEqual(elsewhere(((await res.json()) as any).findings), []);
});
