// Cadre records and scans: registering a cadre with its archive, updateCadreField's versioned
// history (the only way an A01 field changes), and page scans checked against 页数.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import sharp from 'sharp';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { cadreNamed, materialIn, plainArchiveOf, postBytes } from './helpers.ts';
import { idCheckDigit } from '../../server/archives/validate.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const idFor = (birth: string, seq: string) => {
  const first = `150302${birth.replace(/-/g, '')}${seq}`;
  return first + idCheckDigit(first);
};

test.serial('an archivist registers a cadre with a 正本 archive in her own office; bad records are refused whole', async (t) => {
  const archivist = await sys.as('archivist1');
  const unit = await sys.services.db('org_units').where({ code: '150300-JYJ' }).first();
  const body = {
    name: '测试干部', gender: '1', birthDate: '1990-05-06', ethnicity: '汉族', nativePlace: '内蒙古乌海', politicalStatus: '中共党员',
    partyJoinDate: '2015-07-01', workStartDate: '2012-08-01', idNumber: idFor('1990-05-06', '911'), education: '大学本科', degree: '学士',
    unitId: unit.id, post: '一级科员', managementLevel: 'unit', archive: { volumes: 1, storeRoom: '一号库房', cabinet: '05号柜', shelf: '第2格' },
  };
  const before = Number((await sys.services.db('cadres').count({ n: '*' }))[0].n);
  for (const [over, field] of [
    [{ idNumber: idFor('1990-05-07', '911') }, 'id_number'], // birth date in the number differs
    [{ idNumber: `${idFor('1990-05-06', '911').slice(0, 17)}0` }, 'id_number'], // check digit
    [{ workStartDate: '2001-01-01' }, 'work_start_date'], // at age 10
    [{ gender: '2' }, 'id_number'], // gender digit odd = male
    [{ ethnicity: '汉' }, 'ethnicity'], // not the full name of one of the 56 (GB/T 3304)
    [{ ethnicity: '火星族' }, 'ethnicity'],
  ] as const) {
    const res = await archivist.post('/api/cadres', { ...body, ...over });
    t.is(res.status, 400, JSON.stringify(over));
    t.true(res.body.details.some((d: any) => d.field === field), JSON.stringify(res.body.details));
  }
  t.is(Number((await sys.services.db('cadres').count({ n: '*' }))[0].n), before);
  const ok = await archivist.post('/api/cadres', body);
  t.is(ok.status, 201);
  t.regex(ok.body.archiveNo, /^150300-ZZB-DAS-\d{5}$/);
  const dup = await archivist.post('/api/cadres', body);
  t.is(dup.status, 409);
  const read = await archivist.get(`/api/cadres/${ok.body.cadreId}`);
  t.is(read.body.archives[0].kind, 'original');
  t.is(read.body.archives[0].location.cabinet, '05号柜');
  const found = await archivist.get('/api/cadres?q=csgb');
  t.true(found.body.items.some((i: any) => i.id === ok.body.cadreId));
  // Applicants and producers do not register cadres.
  t.is((await (await sys.as('applicant1')).post('/api/cadres', body)).status, 403);
});

test.serial('updateCadreField writes a versioned history row with its basis; nothing without a basis', async (t) => {
  const s = sys.services;
  const { cadre, archive } = await cadreNamed(sys, '张建军');
  const basis = await materialIn(sys, archive.id, '5');
  const noBasis = await t.throwsAsync(s.db.transaction((trx) => s.archives.updateCadreField(trx, { cadreId: cadre.id, field: 'a0144', value: '2001-07-01', basis: {}, actor: null })));
  t.is((noBasis as any).details.rule, 'basis_required');
  const badDate = await t.throwsAsync(s.db.transaction((trx) => s.archives.updateCadreField(trx, { cadreId: cadre.id, field: 'party_join_date', value: '2001-13-01', basis: { materialId: basis.id }, actor: null })));
  t.is((badDate as any).code, 'VALIDATION_FAILED');
  const other = await plainArchiveOf(sys, '150300-ZZB-DAS', 2);
  const foreign = await materialIn(sys, other.archiveId, '1');
  const wrongBasis = await t.throwsAsync(s.db.transaction((trx) => s.archives.updateCadreField(trx, { cadreId: cadre.id, field: 'party_join_date', value: '2001-07-01', basis: { materialId: foreign.id }, actor: null })));
  t.is((wrongBasis as any).details.rule, 'basis_material');
  t.is((await s.db('cadres').where({ id: cadre.id }).first()).party_join_date, cadre.party_join_date);

  const archivist = await s.db('users').where({ username: 'archivist1' }).first();
  const h1 = await s.db.transaction((trx) => s.archives.updateCadreField(trx, { cadreId: cadre.id, field: 'a0144', value: '2001-07-01', basis: { materialId: basis.id, instanceId: 'corr-1' }, actor: { id: archivist.id, username: 'archivist1', displayName: '刘晓燕' } }));
  const h2 = await s.db.transaction((trx) => s.archives.updateCadreField(trx, { cadreId: cadre.id, field: 'party_join_date', value: '2001-06-28', basis: { instanceId: 'corr-2' }, actor: null }));
  t.deepEqual([h1.version, h1.old_value, h1.new_value, h1.basis_material_id, h1.basis_instance_id, h1.actor_name], [1, cadre.party_join_date, '2001-07-01', basis.id, 'corr-1', '刘晓燕']);
  t.deepEqual([h2.version, h2.old_value, h2.new_value], [2, '2001-07-01', '2001-06-28']);
  t.is((await s.db('cadres').where({ id: cadre.id }).first()).party_join_date, '2001-06-28');
  // A name change keeps the search keys in step.
  await s.db.transaction((trx) => s.archives.updateCadreField(trx, { cadreId: cadre.id, field: 'name', value: '张健军', basis: { instanceId: 'corr-3' }, actor: null }));
  t.is((await s.db('cadres').where({ id: cadre.id }).first()).name_pinyin, 'zhangjianjun');
  const hist = await (await sys.as('archivist1')).get(`/api/cadres/${cadre.id}/history`);
  t.deepEqual(hist.body.items.map((h: any) => [h.field, h.version]), [['party_join_date', 1], ['party_join_date', 2], ['name', 1]]);
  await s.db.transaction((trx) => s.archives.updateCadreField(trx, { cadreId: cadre.id, field: 'name', value: '张建军', basis: { instanceId: 'corr-4' }, actor: null }));
});

async function page(dpi: number, shade = 240) {
  return sharp({ create: { width: 600, height: 848, channels: 3, background: { r: shade, g: shade, b: shade } } }).toColourspace('b-w').jpeg().withDensity(dpi).toBuffer();
}

test.serial('page scans: one file and row per page with sha256, dpi, size; checkScans reports against 页数', async (t) => {
  const s = sys.services;
  const { archive } = await cadreNamed(sys, '陈立军');
  const m = await materialIn(sys, archive.id, '6'); // 入团志愿书, 4 pages
  t.is(m.pages, 4);
  const archivist = await sys.as('archivist1');
  const up = await postBytes(archivist, `/api/materials/${m.id}/pages`, await page(300), 'image/jpeg');
  t.is(up.status, 201);
  t.is(up.body.pages[0].pageNo, 1);
  t.is(up.body.pages[0].dpi, 300);
  t.is(up.body.pages[0].colourMode, 'gray');
  t.deepEqual(up.body.findings.map((f: any) => f.code), ['PAGE_COUNT', 'PAGE_MISSING', 'PAGE_MISSING', 'PAGE_MISSING']);
  const notImage = await postBytes(archivist, `/api/materials/${m.id}/pages`, 'not an image', 'image/jpeg');
  t.is(notImage.status, 400);
  t.is((await postBytes(archivist, `/api/materials/${m.id}/pages`, await page(300), 'image/gif')).status, 415);
  // Another office's archivist cannot add pages to it: 404, and nothing added.
  t.is((await postBytes(await sys.as('receiver1'), `/api/materials/${m.id}/pages`, await page(300), 'image/jpeg')).status, 404);
  t.is(Number((await s.db('page_images').where({ material_id: m.id }).count({ n: '*' }))[0].n), 1);
  const empty = await t.throwsAsync(s.db.transaction((trx) => s.archives.addPageScans(trx, m.id, [])));
  t.is((empty as any).code, 'VALIDATION_FAILED');
  await s.db.transaction(async (trx) => s.archives.addPageScans(trx, m.id, [await page(300, 230), await page(150, 220), await page(300, 230)]));
  const findings = await s.archives.checkScans(m.id);
  t.deepEqual(findings.map((f) => [f.code, f.pageNo]), [['LOW_DPI', 3], ['PAGE_DUPLICATE', 4]]);
  const rows = await s.db('page_images').where({ material_id: m.id }).orderBy('page_no');
  t.deepEqual(rows.map((r: any) => r.page_no), [1, 2, 3, 4]);
  t.true(rows.every((r: any) => r.width === 600 && r.height === 848 && r.sha256.length === 64 && fs.existsSync(path.join(sys.testDb.dataDir, 'scans', r.file))));
  // A file changed on disk is reported and not served.
  fs.appendFileSync(path.join(sys.testDb.dataDir, 'scans', rows[1].file), Buffer.from('x'));
  t.true((await s.archives.checkScans(m.id)).some((f) => f.code === 'FILE_CHANGED' && f.pageNo === 2));
  const served = await archivist.get(`/api/materials/${m.id}/pages/2`);
  t.is(served.status, 409);
  t.is(served.body.code, 'SCAN_CHANGED');
  const ok = await archivist.get(`/api/materials/${m.id}/pages/1`);
  t.is(ok.status, 200);
  t.is(ok.headers.get('x-content-sha256'), rows[0].sha256);

  // The viewer's thumbnails: the page scaled to READING_THUMB_WIDTH, audited as page.thumbnail; the
  // changed file is refused like the page; another office gets 404 and a denied row.
  const thumb = await fetch(`${sys.url}/api/materials/${m.id}/pages/1/thumbnail`, { headers: { cookie: (archivist as any).cookie } });
  t.is(thumb.status, 200);
  t.is(thumb.headers.get('content-type'), 'image/jpeg');
  t.is((await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).width, s.config.reading.thumbWidth);
  t.truthy(await s.db('audit_log').where({ action: 'page.thumbnail', object_id: `${m.id}/1`, actor: 'archivist1' }).first());
  t.like(await archivist.get(`/api/materials/${m.id}/pages/2/thumbnail`), { status: 409, body: { code: 'SCAN_CHANGED' } });
  t.is((await (await sys.as('receiver1')).get(`/api/materials/${m.id}/pages/1/thumbnail`)).status, 404);
  t.truthy(await s.db('audit_log').where({ action: 'page.view_denied', object_id: `${m.id}/1`, actor: 'receiver1' }).first());
});
