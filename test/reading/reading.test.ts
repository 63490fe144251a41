// The reading room (issue 9, part A) over HTTP: an approved reader sees the granted categories of
// one archive, each page watermarked with their name, unit, the request number and the time; every
// refusal (another request's grant, a category not granted, outside the window, a revoked grant)
// answers 404 exactly like an absent page and leaves a denied audit row; readers never get a clean
// scan from any route, while the custodian office's archivist does, logged; 结束阅档 completes the
// reader's task and the case revokes every grant.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import sharp from 'sharp';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import type { HttpClient } from '../helpers/http.ts';
import { watermarkPage } from '../../server/reading/watermark.ts';
import { formatInstant } from '../../server/notify/beijing.ts';
import { readingCase, type ReadingCase } from './helpers.ts';
import { todayIn } from '../helpers/cases.ts';
import { HBW, completeAt, inCaseOf, orgId, prepareAndApprove, send } from '../processes/transfer-helpers.ts';

let sys: TestSystem;
let rc: ReadingCase;
let other: ReadingCase;
let reader: HttpClient;
test.before(async () => {
  sys = await startSystem();
  rc = await readingCase(sys, 0);
  other = await readingCase(sys, 1);
  reader = await sys.as('applicant1');
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const pageUrl = (grant: number, material: number, page = 1) => `/api/reading/${grant}/materials/${material}/pages/${page}`;

/** Raw bytes of an image route (the JSON client reads text). */
async function image(c: HttpClient, url: string) {
  const res = await fetch(sys.url + url, { headers: { cookie: c.cookie } });
  return { status: res.status, headers: res.headers, data: Buffer.from(await res.arrayBuffer()) };
}

async function storedScan(materialId: number, pageNo = 1): Promise<Buffer> {
  const row = await db()('page_images').where({ material_id: materialId, page_no: pageNo }).first();
  return fs.readFileSync(path.join(sys.services.archives.scans.root, row.file));
}

/** Mean absolute difference per channel value over a region, both images decoded to RGB. */
async function meanDiff(a: Buffer, b: Buffer, region?: { left: number; top: number; width: number; height: number }): Promise<number> {
  const rgb = (x: Buffer) => (region ? sharp(x).extract(region) : sharp(x)).toColourspace('srgb').removeAlpha().raw().toBuffer();
  const [pa, pb] = await Promise.all([rgb(a), rgb(b)]);
  let sum = 0;
  for (let i = 0; i < pa.length; i++) sum += Math.abs(pa[i] - pb[i]);
  return sum / pa.length;
}

/** The share of pixels (above `height`) that differ clearly between two renderings of a page. */
async function changedShare(a: Buffer, b: Buffer, height?: number): Promise<number> {
  const meta = await sharp(a).metadata();
  const region = { left: 0, top: 0, width: meta.width!, height: height ?? meta.height! };
  const rgb = (x: Buffer) => sharp(x).extract(region).toColourspace('srgb').removeAlpha().raw().toBuffer();
  const [pa, pb] = await Promise.all([rgb(a), rgb(b)]);
  let n = 0;
  for (let i = 0; i < pa.length; i += 3) if (Math.abs(pa[i] - pb[i]) + Math.abs(pa[i + 1] - pb[i + 1]) + Math.abs(pa[i + 2] - pb[i + 2]) > 24) n++;
  return n / (pa.length / 3);
}

const lastAudit = async (action: string) => db()('audit_log').where({ action }).orderBy('seq', 'desc').first();

test.serial('the reader opens the reading room: the granted categories only, and the time left by the server clock', async (t) => {
  const res = await reader.get(`/api/reading/${rc.grants.applicant1}`);
  t.is(res.status, 200);
  const grant = await db()('archive_grants').where({ id: rc.grants.applicant1 }).first();
  t.like(res.body.grant, { id: grant.id, caseNo: rc.caseNo, archiveId: rc.cadre.archiveId, cadre: { id: rc.cadre.id, name: rc.cadre.name }, categories: ['1', '9'], validUntil: grant.valid_until });
  t.is(res.body.now, sys.clock.now().toISOString());
  t.is(res.body.remainingSeconds, Math.floor((Date.parse(grant.valid_until) - sys.clock.now().getTime()) / 1000));
  const codes = res.body.categories.map((c: any) => c.code.split('-')[0]);
  t.true(codes.length > 0 && codes.every((c: string) => c === '1' || c === '9'), codes.join(','));
  const listed = res.body.categories.flatMap((c: any) => c.materials);
  t.is(listed.find((m: any) => m.id === rc.materials.granted).scannedPages, 3);
  t.falsy(listed.find((m: any) => m.id === rc.materials.refused), 'a material outside the grant is not listed');
  t.is(typeof res.body.readingTaskId, 'string', 'the initiator holds the 电子阅档 task');
  const co = await (await sys.as('applicant2')).get(`/api/reading/${rc.grants.applicant2}`);
  t.is(co.status, 200);
  t.is(co.body.readingTaskId, null, 'the co-applicant has no task of their own');
  t.like(JSON.parse((await lastAudit('catalog.view')).detail), { grantId: rc.grants.applicant2, via: 'reading_room' });
});

test.serial('a page comes watermarked with the reader, unit, request number and time; never the stored scan; no-store; the view is recorded', async (t) => {
  const before = await db()('page_views').count({ n: '*' }).first();
  const res = await image(reader, pageUrl(rc.grants.applicant1, rc.materials.granted, 2));
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), 'image/jpeg');
  t.regex(res.headers.get('cache-control') ?? '', /no-store/);
  t.notRegex(res.headers.get('content-disposition') ?? '', /attachment/);
  const meta = await sharp(res.data).metadata();
  t.is(meta.width, 1600, 'screen size, not the 1654 px scan');

  const stored = await storedScan(rc.materials.granted, 2);
  t.notDeepEqual(res.data, stored);
  // Render the text we expect on the clean page and find it: the served page matches it closely,
  // and matches clearly worse a watermark with another reader's name, or no watermark at all.
  const clean = await sharp(stored).resize({ width: 1600 }).flatten({ background: '#ffffff' }).jpeg({ quality: 88 }).toBuffer();
  const when = formatInstant(sys.clock.now());
  const day = when.slice(0, 10);
  const expected = await watermarkPage(clean, ['查阅人 王建国 乌海市纪委监委', rc.caseNo, when], { quality: 82, tileLines: ['查阅人 王建国 乌海市纪委监委', rc.caseNo, day] });
  const stranger = await watermarkPage(clean, ['查阅人 李红梅 乌海市纪委监委', rc.caseNo, when], { quality: 82, tileLines: ['查阅人 李红梅 乌海市纪委监委', rc.caseNo, day] });
  const band = { left: 0, top: meta.height! - 40, width: 1600, height: 40 };
  const own = await meanDiff(res.data, expected.data, band);
  t.true((await meanDiff(res.data, expected.data)) < 0.5, 'the whole page is the expected rendering');
  t.true(own < 1.5, `the expected watermark: ${own}`);
  t.true((await meanDiff(res.data, stranger.data, band)) > own + 1, 'another name is visibly different');
  t.true((await changedShare(res.data, clean, band.top)) > 0.02, 'the whole page carries the diagonal text');

  // One page view row and one audit row, same instant; the thumbnail is watermarked too and not counted.
  const view = await db()('page_views').orderBy('id', 'desc').first();
  t.like(view, { user_id: (await db()('users').where({ username: 'applicant1' }).first()).id, grant_id: rc.grants.applicant1, archive_id: rc.cadre.archiveId, material_id: rc.materials.granted, page_no: 2, viewed_at: sys.clock.now().toISOString() });
  t.is(view.request_id, (await db()('utilization_requests').where({ instance_id: rc.instanceId }).first()).id);
  t.like(await lastAudit('page.view'), { actor: 'applicant1', object_id: `${rc.materials.granted}/2`, outcome: 'success' });
  const thumb = await image(reader, `${pageUrl(rc.grants.applicant1, rc.materials.granted, 1)}/thumbnail`);
  t.is(thumb.status, 200);
  t.is((await sharp(thumb.data).metadata()).width, 200);
  t.regex(thumb.headers.get('cache-control') ?? '', /no-store/);
  const cleanThumb = await sharp(await storedScan(rc.materials.granted, 1)).resize({ width: 200 }).jpeg().toBuffer();
  t.true((await changedShare(thumb.data, cleanThumb)) > 0.03, 'no clean thumbnail either');
  t.is(Number((await db()('page_views').count({ n: '*' }).first())?.n), Number(before?.n) + 1);
});

test.serial('readers never get a clean scan: the archive route refuses a grant holder, the custodian archivist gets it, logged', async (t) => {
  const url = `/api/materials/${rc.materials.granted}/pages/1`;
  const refused = await reader.get(url);
  t.is(refused.status, 404);
  t.is(refused.body.code, 'NOT_FOUND');
  t.like(await lastAudit('page.view_denied'), { actor: 'applicant1', outcome: 'denied', detail: JSON.stringify({ reason: 'reading_room' }) });
  const archivist = await sys.as('archivist1');
  const ok = await image(archivist, url);
  t.is(ok.status, 200);
  t.deepEqual(ok.data, await storedScan(rc.materials.granted, 1), 'the archivist works on the clean scan');
  t.like(await lastAudit('page.view'), { actor: 'archivist1', object_id: `${rc.materials.granted}/1`, outcome: 'success' });
});

test.serial('outside the granted categories, with another request\'s grant, or someone else\'s grant: 404 like absent, and a denied audit row', async (t) => {
  const absent = await reader.get(pageUrl(rc.grants.applicant1, 99999999));
  t.is(absent.status, 404);
  const viewsBefore = Number((await db()('page_views').count({ n: '*' }).first())!.n);
  const tries: Array<[HttpClient, string, string]> = [
    [reader, pageUrl(rc.grants.applicant1, rc.materials.refused), 'category'],
    [reader, pageUrl(rc.grants.applicant1, other.materials.granted), 'other_archive'],
    [reader, pageUrl(other.grants.applicant1, rc.materials.granted), 'other_archive'],
    [await sys.as('applicant2'), pageUrl(rc.grants.applicant1, rc.materials.granted), 'not_grantee'],
    [await sys.as('archivist1'), pageUrl(rc.grants.applicant1, rc.materials.granted), 'not_grantee'],
    [reader, pageUrl(rc.grants.applicant1, rc.materials.granted, 9), 'no_page'],
  ];
  for (const [c, url, reason] of tries) {
    const res = await c.get(url);
    t.is(res.status, 404, url);
    t.deepEqual(res.body, absent.body, `${url}: nothing but "not found"`);
    const row = await lastAudit('page.view_denied');
    t.is(row.outcome, 'denied');
    t.is(JSON.parse(row.detail).reason, reason, url);
  }
  const session = await (await sys.as('applicant2')).get(`/api/reading/${rc.grants.applicant1}`);
  t.is(session.status, 404);
  t.is(JSON.parse((await lastAudit('catalog.view_denied')).detail).reason, 'not_grantee');
  t.is(Number((await db()('page_views').count({ n: '*' }).first())!.n), viewsBefore, 'no view recorded for a refusal');
});

test.serial('before the window opens and after it closes: 404 and a denied audit row; the clock says the session is over', async (t) => {
  const u = await db()('users').where({ username: 'applicant1' }).first();
  const now = sys.clock.now().getTime();
  const [{ id: early }] = await db()('archive_grants')
    .insert({ grantee_user_id: u.id, archive_id: rc.cadre.archiveId, categories: '["1"]', valid_from: new Date(now + 3600_000).toISOString(), valid_until: new Date(now + 7200_000).toISOString(), created_at: new Date(now).toISOString() })
    .returning('id');
  t.is((await reader.get(pageUrl(early, rc.materials.granted))).status, 404);
  t.is(JSON.parse((await lastAudit('page.view_denied')).detail).reason, 'before_window');

  const grant = await db()('archive_grants').where({ id: rc.grants.applicant1 }).first();
  const saved = sys.clock.now();
  try {
    sys.clock.set(new Date(Date.parse(grant.valid_until) + 1000)); // the timer has not fired yet
    reader = await sys.as('applicant1'); // two days on: the session from before has expired
    const res = await reader.get(pageUrl(rc.grants.applicant1, rc.materials.granted));
    t.is(res.status, 404);
    t.is(JSON.parse((await lastAudit('page.view_denied')).detail).reason, 'after_window');
    t.is((await reader.get(`/api/reading/${rc.grants.applicant1}`)).status, 404);
    t.like((await reader.get(`/api/reading/${rc.grants.applicant1}/clock`)).body, { open: false, remainingSeconds: 0 });
  } finally {
    sys.clock.set(saved);
    reader = await sys.as('applicant1');
  }
  t.like((await reader.get(`/api/reading/${rc.grants.applicant1}/clock`)).body, { open: true, now: saved.toISOString() });
});

test.serial('结束阅档: a co-applicant ends their own grant; the initiator completes the task and the case revokes every grant', async (t) => {
  const co = await sys.as('applicant2');
  t.is((await co.post(`/api/reading/${rc.grants.applicant2}/end`, { confirmed: false })).body.details?.rule, 'reading-confirmation');
  const coEndedAt = sys.clock.now().toISOString();
  const ended = await co.post(`/api/reading/${rc.grants.applicant2}/end`, { confirmed: true, comment: '已阅第1类材料，无异议。' });
  t.is(ended.status, 200);
  t.deepEqual(ended.body, { ended: true, taskCompleted: false });
  t.is((await db()('archive_grants').where({ id: rc.grants.applicant2 }).first()).revoked_at, sys.clock.now().toISOString());
  t.is((await db()('archive_grants').where({ id: rc.grants.applicant1 }).first()).revoked_at, null, 'the other reader goes on');
  t.is((await co.get(pageUrl(rc.grants.applicant2, rc.materials.granted))).status, 404);
  t.is(JSON.parse((await lastAudit('page.view_denied')).detail).reason, 'revoked');
  t.is((await co.post(`/api/reading/${rc.grants.applicant2}/end`, { confirmed: true })).body.code, 'READING_ENDED');

  sys.clock.set(new Date(sys.clock.now().getTime() + 60_000)); // the initiator ends a minute later
  const done = await reader.post(`/api/reading/${rc.grants.applicant1}/end`, { confirmed: true, comment: '已查阅履历材料。' });
  t.is(done.status, 200);
  t.deepEqual(done.body, { ended: true, taskCompleted: true });
  t.is((await db()('process_instances').where({ id: rc.instanceId }).first()).status, 'completed');
  t.truthy((await db()('archive_grants').where({ id: rc.grants.applicant1 }).first()).revoked_at);
  const req = await db()('utilization_requests').where({ instance_id: rc.instanceId }).first();
  t.like(await db()('reading_register').where({ request_id: req.id }).first(), { end_reason: 'finished', note: '已查阅履历材料。' });
  // Each reader's own end is signed in the register: the co-applicant's note is kept beside the initiator's.
  const ids = Object.fromEntries((await db()('users').whereIn('username', ['applicant1', 'applicant2'])).map((u: any) => [u.username, u.id]));
  const entry = (await (await sys.as('archivist1')).get('/api/reading-register')).body.items.find((e: any) => e.requestId === req.id);
  t.deepEqual(entry.signatures, [
    { userId: ids.applicant2, name: '李红梅', signedAt: coEndedAt, note: '已阅第1类材料，无异议。' },
    { userId: ids.applicant1, name: '王建国', signedAt: sys.clock.now().toISOString(), note: '已查阅履历材料。' },
  ]);
  // Each reader's grants list says why their reading ended: their own 结束阅档.
  t.like((await co.get('/api/me/grants?state=all')).body.items.find((g: any) => g.id === rc.grants.applicant2), { open: false, endedReason: 'finished' });
  t.like((await reader.get('/api/me/grants?state=all')).body.items.find((g: any) => g.id === rc.grants.applicant1), { open: false, endedReason: 'finished' });
  // The 查阅登记簿 entry counts the pages its readers viewed in the reading room.
  const views = Number((await db()('page_views').where({ request_id: req.id }).count({ n: '*' }))[0].n);
  t.true(views > 0);
  const book = await (await sys.as('archivist1')).get('/api/reading-register');
  t.like(book.body.items.find((e: any) => e.requestId === req.id), { caseNo: req.case_no, pageViews: views });
  t.is((await reader.get(pageUrl(rc.grants.applicant1, rc.materials.granted))).status, 404);
  t.is(JSON.parse((await lastAudit('page.view_denied')).detail).reason, 'revoked');
});

test.serial('the archive is sent to another office: the reading ends at once — grants revoked with the reason, pages refused, the room told why; no grant opens it there; the register says why', async (t) => {
  const rc3 = await readingCase(sys, 2);
  const r = await sys.as('applicant1');
  const co = await sys.as('applicant2');
  t.is((await r.get(`/api/reading/${rc3.grants.applicant1}`)).status, 200);
  // archivist1 transfers the archive to 海勃湾区: an electronic reading does not hold it back (it reads the scans) …
  const hbw = await orgId(sys, HBW);
  const started = await (await sys.as('archivist1')).post('/api/process-instances', {
    processKey: 'transfer',
    variables: { cadreId: rc3.cadre.id, reason: 'transfer', destinationKind: 'office', toCustodianOrgId: hbw, noticeNo: '乌组任〔2026〕31号', noticeDate: todayIn(sys) },
  });
  t.is(started.status, 201, JSON.stringify(started.body));
  const id = started.body.id as string;
  await prepareAndApprove(sys, id, rc3.cadre.id);
  t.is((await image(r, pageUrl(rc3.grants.applicant1, rc3.materials.granted))).status, 200, 'still on the shelf: still readable');
  // … and ends when it is sent.
  t.is((await send(sys, id)).status, 200);
  const sentAt = sys.clock.now().toISOString();
  for (const g of Object.values(rc3.grants)) t.like(await db()('archive_grants').where({ id: g }).first(), { revoked_at: sentAt, revoke_reason: 'archive_transferred' });
  t.like(JSON.parse((await lastAudit('grant.revoke')).detail), { reason: 'archive_transferred', grantIds: Object.values(rc3.grants).sort((a, b) => a - b) });
  t.is((await r.get(`/api/reading/${rc3.grants.applicant1}`)).status, 404);
  t.is((await image(r, pageUrl(rc3.grants.applicant1, rc3.materials.granted))).status, 404);
  // The reader's room and list say why: 档案已转出，阅档已终止.
  t.like((await r.get(`/api/reading/${rc3.grants.applicant1}/clock`)).body, { open: false, remainingSeconds: 0, endedReason: 'archive_transferred' });
  t.like((await r.get('/api/me/grants?state=all')).body.items.find((g: any) => g.id === rc3.grants.applicant1), { open: false, endedReason: 'archive_transferred' });

  // A grant nobody revoked (given before this rule) opens nothing either: not while 转出中 …
  await db()('archive_grants').where({ id: rc3.grants.applicant2 }).update({ revoked_at: null, revoke_reason: null });
  const refusedEverywhere = async () => {
    t.is((await image(co, pageUrl(rc3.grants.applicant2, rc3.materials.granted))).status, 404);
    t.is(JSON.parse((await lastAudit('page.view_denied')).detail).reason, 'gone');
    t.is((await co.get(`/api/archives/${rc3.cadre.archiveId}`)).status, 404);
    t.like((await co.get(`/api/reading/${rc3.grants.applicant2}/clock`)).body, { open: false, endedReason: 'archive_transferred' });
    t.false((await co.get('/api/me/grants')).body.items.some((g: any) => g.id === rc3.grants.applicant2));
  };
  await refusedEverywhere();
  // … nor once 海勃湾 has signed for it and the archive is theirs, in stock.
  const signed = await completeAt(await sys.as('receiver1'), (await inCaseOf(sys, id))!, 'checkPackage', { decision: 'accept', comment: '与转递单、目录相符。' });
  t.is(signed.status, 200, JSON.stringify(signed.body));
  t.like(await db()('archives').where({ id: rc3.cadre.archiveId }).first(), { custodian_org_id: hbw, status: 'in_stock' });
  await refusedEverywhere();

  // The reader signs off from the 电子阅档 task: the 查阅登记簿 entry ends when the archive was sent, and says why.
  const done = await r.post(`/api/reading/${rc3.grants.applicant1}/end`, { confirmed: true });
  t.deepEqual(done.body, { ended: true, taskCompleted: true });
  const req = await db()('utilization_requests').where({ instance_id: rc3.instanceId }).first();
  t.like(await db()('reading_register').where({ request_id: req.id }).first(), { end_reason: 'transferred', ended_at: sentAt, signed_by: req.initiator_id });
});
