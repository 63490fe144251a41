// An archive transferred to an office outside Dangan (DOMAIN.md §1.7: digital archives follow the
// paper's rules for 转递): until the paper receipt the office holds the paper and works on the
// archive as before; once the receipt is recorded (已转出) it keeps the register record — number,
// status, history with the 转出 — but its catalogue, pages, thumbnails, certified copies and any
// reading grant are refused (404, audited as the out-of-scope reads are), and nothing about it may
// change (422 RULE_VIOLATION, rule 'archive_gone'): digital status, scan checks, catalogue, scans,
// stock-check marks. The scan-check list no longer shows it.
import test from 'ava';
import sharp from 'sharp';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import type { HttpClient } from '../helpers/http.ts';
import { completeAt, openTasks, order, prepareAndApprove, send } from '../processes/transfer-helpers.ts';
import { readingCase, type ReadingCase } from '../reading/helpers.ts';
import { certifiedCase, type CertifiedCase } from '../copies/helpers.ts';
import { postBytes } from './helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;

async function getBytes(client: HttpClient, url: string) {
  const res = await fetch(client.base + url, { headers: { cookie: client.cookie } });
  return { status: res.status, type: res.headers.get('content-type') ?? '' };
}

const page = (shade: number) => sharp({ create: { width: 420, height: 594, channels: 3, background: { r: shade, g: shade, b: shade } } }).toColourspace('b-w').jpeg().withMetadata({ density: 300 }).toBuffer();

/**
 * What the office (archivist1, chief1) and the reader (applicant1) may do with the archive, each
 * read and write answered by its status code (writes that pass change little: a scan check, a
 * stock-check mark, a digital-status move the table allows).
 */
async function probe(rc: ReadingCase, copy: CertifiedCase, stockCheckId: number, archiveNo: string) {
  const archivist = await sys.as('archivist1');
  const reader = await sys.as('applicant1');
  const a = rc.cadre.archiveId;
  const m = rc.materials.granted;
  const row = copy.rows[0];
  const digital = (await db()('archives').where({ id: a }).first('digital_status')).digital_status;
  const answer = (r: { status: number; body: any }) => (r.status < 300 ? r.status : `${r.status}:${r.body?.details?.rule ?? r.body?.code}`);
  return {
    catalogue: (await archivist.get(`/api/archives/${a}/catalogue`)).status,
    material: (await archivist.get(`/api/materials/${m}`)).status,
    page: (await getBytes(archivist, `/api/materials/${m}/pages/1`)).status,
    thumbnail: (await getBytes(archivist, `/api/materials/${m}/pages/1/thumbnail`)).status,
    scanFindings: (await archivist.get(`/api/materials/${m}/scan-check`)).status,
    copyPdf: (await getBytes(archivist, `/api/copy-register/${row.id}/pdf`)).status,
    readingSession: (await reader.get(`/api/reading/${rc.grants.applicant1}`)).status,
    readingPage: (await getBytes(reader, `/api/reading/${rc.grants.applicant1}/materials/${m}/pages/1`)).status,
    scanCheckRun: answer(await archivist.post(`/api/archives/${a}/scan-checks`, {})),
    // 未数字化 → 部分数字化 before; after, whatever the table would say, the archive has gone.
    digitalStatus: answer(await archivist.post(`/api/archives/${a}/digital-status`, { to: digital === 'none' ? 'partial' : 'done', note: 'test' })),
    stockMark: answer(await archivist.post(`/api/stock-checks/${stockCheckId}/marks`, { archiveNo, result: 'found' })),
  };
}

test.serial('an archive transferred outside Dangan: after the paper receipt the office keeps its register record only — contents refused and audited, nothing changes', async (t) => {
  // The archive has scans, a reader's open grant, a certified copy with its PDF, a stock check listing it.
  const rc = await readingCase(sys, 0);
  const copy = await certifiedCase(sys, 0);
  t.is(copy.approved.archive_id, rc.cadre.archiveId, 'the copies are of the same archive');
  const archivist = await sys.as('archivist1');
  t.is((await archivist.post(`/api/copy-register/${copy.rows[0].id}/pdf`, {})).status, 201);
  const stock = await archivist.post('/api/stock-checks', {});
  t.is(stock.status, 201, JSON.stringify(stock.body));
  // Not digitised yet (the demo marks some archives 部分数字化): the office may move it to 部分数字化.
  await db()('archives').where({ id: rc.cadre.archiveId }).update({ digital_status: 'none' });
  const archive = await db()('archives').where({ id: rc.cadre.archiveId }).first();

  // A failing scan check to list: one page more than the catalogue says.
  const extra = await postBytes(archivist, `/api/materials/${rc.materials.refused}/pages`, await page(200), 'image/jpeg');
  t.is(extra.status, 201, JSON.stringify(extra.body));
  const failing = async () => (await archivist.get(`/api/scan-checks/failing?archiveId=${archive.id}&limit=50`)).body.total;
  t.true((await failing()) > 0);

  // The transfer to 包头 (outside Dangan): approved and sent, the paper receipt not back yet.
  const started = await archivist.post('/api/process-instances', {
    processKey: 'transfer',
    variables: { cadreId: rc.cadre.id, reason: 'transfer', destinationKind: 'outside_office', toUnitName: '包头市委组织部干部档案室', noticeNo: '乌组干〔2026〕31号', noticeDate: '2026-10-28' },
  });
  t.is(started.status, 201, JSON.stringify(started.body));
  const id = started.body.id;
  await prepareAndApprove(sys, id, rc.cadre.id);
  if ((await openTasks(sys, id)).includes('leaderApproval')) {
    t.is((await completeAt(await sys.as('leader1'), id, 'leaderApproval', { decision: 'approve', comment: '同意转出。' })).status, 200);
  }
  const sent = await send(sys, id);
  t.is(sent.status, 200, JSON.stringify(sent.body));
  t.is((await db()('archives').where({ id: archive.id }).first()).status, 'transferring');

  // Before the receipt (转出中) the paper is still here: the office's own work goes on as before.
  // The reader's electronic viewing ended when the archive was sent (its grant revoked; a grant
  // opens nothing of an archive 转出中): their session and pages are 404 like an absent grant.
  t.deepEqual(await probe(rc, copy, stock.body.id, archive.archive_no), {
    catalogue: 200,
    material: 200,
    page: 200,
    thumbnail: 200,
    scanFindings: 200,
    copyPdf: 200,
    readingSession: 404,
    readingPage: 404,
    scanCheckRun: 200,
    digitalStatus: 200,
    stockMark: 200,
  });

  // The paper receipt comes back: 已转出.
  const out = await order(sys, id);
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(sys.clock.now());
  const receipt = await archivist.post(`/api/transfers/${out.id}/receipt`, { receivedOn: day, signer: '张伟' });
  t.is(receipt.status, 200, JSON.stringify(receipt.body));
  const gone = await db()('archives').where({ id: archive.id }).first();
  t.is(gone.status, 'transferred');
  const digitalBefore = gone.digital_status;
  const pagesBefore = (await db()('page_images').where({ material_id: rc.materials.granted })).length;
  const checksBefore = (await db()('scan_checks').where({ archive_id: archive.id })).length;
  const markedBefore = await db()('stock_check_items').where({ check_id: stock.body.id, archive_id: archive.id }).first();

  // After it: every content read is 404 like an archive out of scope; every write is refused by rule.
  const seq = (await db()('audit_log').max({ s: 'seq' }))[0].s;
  t.deepEqual(await probe(rc, copy, stock.body.id, archive.archive_no), {
    catalogue: 404,
    material: 404,
    page: 404,
    thumbnail: 404,
    scanFindings: 404,
    copyPdf: 404,
    readingSession: 404,
    readingPage: 404,
    scanCheckRun: '422:archive_gone',
    digitalStatus: '422:archive_gone',
    stockMark: '422:archive_gone',
  });
  const refused = await archivist.post(`/api/archives/${archive.id}/digital-status`, { to: 'partial', note: 'test' });
  t.like(refused, { status: 422, body: { code: 'RULE_VIOLATION', details: { rule: 'archive_gone', status: 'transferred' } } });
  t.regex(refused.body.message, /档案已转出，本室不能再更改 \/ The archive has left this office/);
  t.like(await postBytes(archivist, `/api/materials/${rc.materials.granted}/pages`, await page(210), 'image/jpeg'), { status: 422, body: { details: { rule: 'archive_gone' } } });
  t.like(await archivist.post(`/api/materials/${rc.materials.granted}/supersede`, { reason: '更正题名', title: '更正后的题名' }), { status: 422, body: { details: { rule: 'archive_gone' } } });
  t.like(await archivist.post(`/api/archives/${archive.id}/materials`, { categoryCode: '9', title: '补充材料', formedDate: '2020-01-01', pages: 1, isCopy: false }), { status: 422 });
  t.is((await archivist.post(`/api/copy-register/${copy.rows[1].id}/pdf`, {})).status, 404, 'no new certified copy');
  t.is((await (await sys.as('chief1')).get(`/api/archives/${archive.id}/catalogue`)).status, 404, 'nor for the chief');

  // Nothing changed.
  const after = await db()('archives').where({ id: archive.id }).first();
  t.is(after.digital_status, digitalBefore);
  t.is((await db()('page_images').where({ material_id: rc.materials.granted })).length, pagesBefore);
  t.is((await db()('scan_checks').where({ archive_id: archive.id })).length, checksBefore);
  t.deepEqual(await db()('stock_check_items').where({ check_id: stock.body.id, archive_id: archive.id }).first(), markedBefore);
  t.is(await failing(), 0, 'the scan-check list no longer shows the archive');

  // The denied reads are audited with their reason, as out-of-scope reads are.
  const denied = await db()('audit_log').where('seq', '>', seq).where({ outcome: 'denied' }).orderBy('seq').select('action', 'detail');
  const reasons = denied.map((r: any) => `${r.action}:${JSON.parse(r.detail).reason}`);
  for (const r of ['catalog.view_denied:gone', 'material.view_denied:gone', 'page.view_denied:gone', 'copy.pdf_download_denied:gone', 'archive.digital_status:gone', 'scan_check.run:gone']) {
    t.true(reasons.includes(r), `${r} in ${reasons.join(', ')}`);
  }
  t.true(
    // (revoked: the grant ended when the archive was sent)
    denied.some((r: any) => r.action === 'catalog.view_denied' && JSON.parse(r.detail).reason === 'revoked' && JSON.parse(r.detail).grantId === rc.grants.applicant1),
    `the reader’s session is refused and audited: ${JSON.stringify(denied.filter((r: any) => JSON.parse(r.detail).grantId))}`,
  );

  // The register record stays: number, status 已转出, the history with the 转出, no digital move offered.
  const record = await archivist.get(`/api/archives/${archive.id}`);
  t.is(record.status, 200);
  t.like(record.body, { archiveNo: archive.archive_no, status: 'transferred', access: 'custody', digitalTransitions: [] });
  t.true(record.body.statusHistory.some((h: any) => h.toStatus === 'transferred'), JSON.stringify(record.body.statusHistory));
  const cadre = await archivist.get(`/api/cadres/${rc.cadre.id}`);
  t.is(cadre.status, 200);
  t.true(cadre.body.archives.some((x: any) => x.id === archive.id && x.status === 'transferred'));
});

test.serial('an archive of the office that has not left is read and changed as before', async (t) => {
  const rc = await readingCase(sys, 1);
  await db()('archives').where({ id: rc.cadre.archiveId }).update({ digital_status: 'none' });
  const archivist = await sys.as('archivist1');
  t.is((await archivist.get(`/api/archives/${rc.cadre.archiveId}/catalogue`)).status, 200);
  t.is((await getBytes(archivist, `/api/materials/${rc.materials.granted}/pages/1`)).status, 200);
  t.is((await (await sys.as('applicant1')).get(`/api/reading/${rc.grants.applicant1}`)).status, 200);
  const moved = await archivist.post(`/api/archives/${rc.cadre.archiveId}/digital-status`, { to: 'partial' });
  t.is(moved.status, 200, JSON.stringify(moved.body));
  t.like((await archivist.get(`/api/archives/${rc.cadre.archiveId}`)).body, { digitalStatus: 'partial', digitalTransitions: ['done'] });
});
