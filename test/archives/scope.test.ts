// Scope on the server for every read (issue 3 "Done means"): an archivist of one custodian office
// cannot read a cadre, archive, catalogue, material or page held by another (404, nothing of the
// record in the body, and an audit row saying 'denied'); the cadre themself and their relatives
// cannot read the archive; the 三员 see nothing.
import test from 'ava';
import sharp from 'sharp';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { auditRows, cadreNamed, cadreOfUser, materialIn, plainArchiveOf, sessionOf } from './helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
  // One scanned page on a material of 张建军 (city office) so that page reads can be tried.
  const { archive } = await cadreNamed(sys, '张建军');
  const m = await materialIn(sys, archive.id, '1');
  const page = await sharp({ create: { width: 400, height: 560, channels: 3, background: '#f0f0f0' } }).jpeg().withDensity(200).toBuffer();
  await sys.services.db.transaction((trx) => sys.services.archives.addPageScans(trx, m.id, [page]));
});
test.after.always(async () => {
  await sys?.close();
});

test.serial('an archivist reads the records her own office holds, and each read is audited', async (t) => {
  const archivist = await sys.as('archivist1');
  const { cadre, archive } = await cadreNamed(sys, '张建军');
  const m = await materialIn(sys, archive.id, '1');
  const c = await archivist.get(`/api/cadres/${cadre.id}`);
  t.is(c.status, 200);
  t.is(c.body.name, '张建军');
  t.is(c.body.managementLevel, 'municipal');
  t.is(c.body.archives[0].archiveNo, archive.archive_no);
  t.is((await archivist.get(`/api/archives/${archive.id}`)).body.status, 'in_stock');
  const cat = await archivist.get(`/api/archives/${archive.id}/catalogue`);
  t.is(cat.status, 200);
  t.true(cat.body.categories.find((x: any) => x.code === '1').materials.length >= 1);
  t.is((await archivist.get(`/api/materials/${m.id}`)).body.seqNo, '1-1');
  const page = await archivist.get(`/api/materials/${m.id}/pages/1`);
  t.is(page.status, 200);
  t.is(page.headers.get('content-type'), 'image/jpeg');
  for (const action of ['cadre.view', 'archive.view', 'catalog.view', 'material.view', 'page.view']) {
    const rows = await auditRows(sys, action);
    t.true(rows.some((r: any) => r.actor === 'archivist1' && r.outcome === 'success'), action);
  }
});

test.serial('an archivist of another custodian office gets 404 for cadre, archive, catalogue, material and page', async (t) => {
  const receiver = await sys.as('receiver1'); // 海勃湾区委组织部干部档案室
  const { cadre, archive } = await cadreNamed(sys, '张建军'); // held by 乌海市委组织部干部档案室
  const m = await materialIn(sys, archive.id, '1');
  const absent = await receiver.get('/api/cadres/999999');
  t.is(absent.status, 404);
  const tries: Array<[string, string, string]> = [
    [`/api/cadres/${cadre.id}`, '/api/cadres/999999', 'cadre.view_denied'],
    [`/api/cadres/${cadre.id}/history`, '/api/cadres/999999/history', 'cadre.view_denied'],
    [`/api/archives/${archive.id}`, '/api/archives/999999', 'archive.view_denied'],
    [`/api/archives/${archive.id}/catalogue`, '/api/archives/999999/catalogue', 'catalog.view_denied'],
    [`/api/materials/${m.id}`, '/api/materials/99999999', 'material.view_denied'],
    [`/api/materials/${m.id}/pages/1`, '/api/materials/99999999/pages/1', 'page.view_denied'],
    [`/api/materials/${m.id}/scan-check`, '/api/materials/99999999/scan-check', 'material.view_denied'],
  ];
  for (const [path, absentPath, action] of tries) {
    const before = (await auditRows(sys, action)).length;
    const res = await receiver.get(path);
    const none = await receiver.get(absentPath);
    t.is(res.status, 404, path);
    t.is(res.body.code, 'NOT_FOUND', path);
    // Nothing of the record: the same answer as for an id that does not exist.
    t.deepEqual(res.body, none.body, path);
    t.false(JSON.stringify(res.body).includes('张建军'));
    const rows = await auditRows(sys, action);
    t.is(rows.length, before + 2, action);
    t.is(rows[rows.length - 2].outcome, 'denied');
    t.is(rows[rows.length - 2].actor, 'receiver1');
    t.deepEqual(JSON.parse(rows[rows.length - 2].detail), { reason: 'out_of_scope' });
    t.deepEqual(JSON.parse(rows[rows.length - 1].detail), { reason: 'absent' });
  }
  // And the other way round: 周海涛's own office holds his colleagues; archivist1 cannot read them.
  const hbw = await plainArchiveOf(sys, '150302-ZZB-DAS');
  t.is((await receiver.get(`/api/archives/${hbw.archiveId}`)).status, 200);
  t.is((await (await sys.as('archivist1')).get(`/api/archives/${hbw.archiveId}`)).status, 404);
});

test.serial('nobody reads their own archive, even when their own office holds it', async (t) => {
  for (const username of ['archivist1', 'chief1', 'leader1', 'receiver1']) {
    const { cadre, archive } = await cadreOfUser(sys, username);
    const me = await sys.as(username);
    t.is((await me.get(`/api/cadres/${cadre.id}`)).status, 404, username);
    t.is((await me.get(`/api/archives/${archive.id}`)).status, 404, username);
    t.is((await me.get(`/api/archives/${archive.id}/catalogue`)).status, 404, username);
    const rows = await auditRows(sys, 'archive.view_denied');
    t.deepEqual(JSON.parse(rows[rows.length - 1].detail), { reason: 'self' });
    // A colleague of the same office does read it.
    const other = username === 'archivist1' ? 'chief1' : username === 'chief1' ? 'archivist1' : null;
    if (other) t.is((await (await sys.as(other)).get(`/api/archives/${archive.id}`)).status, 200);
  }
});

test.serial("nobody reads a relative's archive, in either direction of the family record", async (t) => {
  const chief = await sys.as('chief1');
  const brother = await cadreNamed(sys, '陈立军'); // chief1's brother, held by chief1's office
  t.is((await chief.get(`/api/archives/${brother.archive.id}`)).status, 404);
  t.is((await chief.get(`/api/cadres/${brother.cadre.id}`)).status, 404);
  const rows = await auditRows(sys, 'cadre.view_denied');
  t.deepEqual(JSON.parse(rows[rows.length - 1].detail), { reason: 'relative' });
  t.is((await (await sys.as('archivist1')).get(`/api/archives/${brother.archive.id}`)).status, 200);
  // relationTo, as the borrowing start check will call it.
  const applicant2 = await sys.services.db('users').where({ username: 'applicant2' }).first();
  const spouse = await cadreNamed(sys, '张建军');
  t.is(await sys.services.access.relationTo(sys.services.db, applicant2.id, spouse.cadre.id), 'relative');
  t.is(await sys.services.access.relationTo(sys.services.db, applicant2.id, applicant2.cadre_id), 'self');
  t.is(await sys.services.access.relationTo(sys.services.db, applicant2.id, brother.cadre.id), null);
});

test.serial('the 三员 and the process admin see no business data', async (t) => {
  const { cadre, archive } = await cadreNamed(sys, '张建军');
  for (const username of ['sysadmin', 'secadmin', 'auditor', 'procadmin']) {
    const u = await sessionOf(sys, username);
    const search = await u.get('/api/cadres?q=张');
    t.is(search.status, 403, username);
    t.is(search.body.code, 'FORBIDDEN');
    t.is((await u.get(`/api/cadres/${cadre.id}`)).status, 403);
    t.is((await u.get(`/api/archives/${archive.id}`)).status, 403);
  }
  // Even a grant row written for one of them opens nothing.
  const sysadmin = await sys.services.db('users').where({ username: 'sysadmin' }).first();
  const now = sys.clock.now();
  t.is((await sys.services.access.checkArchive(sys.services.db, { id: sysadmin.id, roles: ['sys_admin'], orgUnitId: sysadmin.org_unit_id }, archive.id)).ok, false);
  await sys.services.db('archive_grants').insert({ grantee_user_id: sysadmin.id, archive_id: archive.id, categories: '["1"]', valid_from: new Date(now.getTime() - 1000).toISOString(), valid_until: new Date(now.getTime() + 3600_000).toISOString(), created_at: now.toISOString() });
  t.is((await sys.services.access.checkArchive(sys.services.db, { id: sysadmin.id, roles: ['sys_admin'], orgUnitId: sysadmin.org_unit_id }, archive.id)).ok, false);
});

test.serial('the leader reads the holdings of custodian offices in his org subtree only', async (t) => {
  const leader = await sys.as('leader1'); // 乌海市委组织部 → 市委组织部干部档案室
  const city = await plainArchiveOf(sys, '150300-ZZB-DAS');
  const hbw = await plainArchiveOf(sys, '150302-ZZB-DAS');
  t.is((await leader.get(`/api/archives/${city.archiveId}`)).status, 200);
  t.is((await leader.get(`/api/archives/${hbw.archiveId}`)).status, 404);
  // Read only: filing is for the archivists of the holding office.
  const res = await leader.post(`/api/archives/${city.archiveId}/materials`, { categoryCode: '7', title: '嘉奖审批表', formedDate: '2026-01-10', pages: 1 });
  t.is(res.status, 403);
  t.is(await sys.services.db('materials').where({ archive_id: city.archiveId, title: '嘉奖审批表', formed_date: '2026-01-10' }).first(), undefined);
});

test.serial('the ties of a user: every direction of the family record, by cadre id or ID number; self outranks relative outranks the avoidance list', async (t) => {
  const s = sys.services;
  const db = s.db;
  // A user who is a cadre, and four other cadres, each tied to them one way.
  const cadres = await db('cadres').whereNotNull('id_number').orderBy('id').limit(60).select('id', 'id_number');
  const user = await db('users').where({ username: 'producer1' }).first('id', 'cadre_id');
  const before = await s.access.exclusions(db, user.id);
  t.deepEqual([...before], [[user.cadre_id, 'self']]);
  const [fwdId, fwdNo, backId, backNo, avoided] = cadres.filter((c: any) => c.id !== user.cadre_id).slice(0, 5);
  const me = await db('cadres').where({ id: user.cadre_id }).first('id', 'id_number');
  const now = '2026-11-02T01:00:00.000Z';
  const row = (cadreId: number, extra: object) => ({ cadre_id: cadreId, name: '某某', relation: '兄弟姐妹', created_at: now, ...extra });
  await db('family_members').insert([
    row(me.id, { related_cadre_id: fwdId.id }), // my record names them by cadre id
    row(me.id, { id_number: fwdNo.id_number }), // my record names them by ID number only
    row(backId.id, { related_cadre_id: me.id }), // their record names me by cadre id
    row(backNo.id, { id_number: me.id_number }), // their record names me by ID number only
  ]);
  await db('avoidance_entries').insert([
    { user_id: user.id, cadre_id: avoided.id, reason: '同一科室', created_at: now, created_by: user.id },
    { user_id: user.id, cadre_id: fwdId.id, reason: '亲属', created_at: now, created_by: user.id },
    { user_id: user.id, cadre_id: me.id, reason: '本人', created_at: now, created_by: user.id },
  ]);
  const ties = await s.access.exclusions(db, user.id);
  t.deepEqual(
    Object.fromEntries([...ties].sort((a, b) => a[0] - b[0])),
    Object.fromEntries(
      [
        [me.id, 'self'],
        [fwdId.id, 'relative'],
        [fwdNo.id, 'relative'],
        [backId.id, 'relative'],
        [backNo.id, 'relative'],
        [avoided.id, 'avoided'],
      ].sort((a, b) => (a[0] as number) - (b[0] as number)),
    ),
  );
  // A user who is no cadre is tied only by their avoidance list.
  const notCadre = await db('users as u')
    .whereNull('u.cadre_id')
    .whereNotExists(db('avoidance_entries as e').whereRaw('e.user_id = u.id').select('e.id'))
    .first('u.id');
  t.deepEqual([...(await s.access.exclusions(db, notCadre.id))], []);
});
