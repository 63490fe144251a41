// Applicants see no archive except through an open grant (only its categories, only inside its
// window by the service's clock); a grant never overrides self/relative; the security
// administrator's avoidance list hides a cadre from a user at once, and lifting it shows it again.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { auditRows, cadreNamed, materialIn, plainArchiveOf, sessionOf } from './helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

async function grant(username: string, archiveId: number, categories: string[], hours = 24) {
  const u = await sys.services.db('users').where({ username }).first();
  const now = sys.clock.now().getTime();
  await sys.services.db('archive_grants').insert({
    grantee_user_id: u.id,
    archive_id: archiveId,
    categories: JSON.stringify(categories),
    valid_from: new Date(now - 60_000).toISOString(),
    valid_until: new Date(now + hours * 3600_000).toISOString(),
    created_at: new Date(now).toISOString(),
  });
}

test.serial('an applicant sees no archive without a grant, and only the granted categories with one', async (t) => {
  let applicant = await sys.as('applicant1');
  const target = await plainArchiveOf(sys, '150300-ZZB-DAS', 3);
  t.is((await applicant.get(`/api/archives/${target.archiveId}`)).status, 404);
  t.is((await applicant.get(`/api/cadres/${target.cadreId}`)).status, 404);
  t.deepEqual((await applicant.get('/api/cadres')).body, { items: [], total: 0, totalExact: true, offset: 0, limit: 20 });

  await grant('applicant1', target.archiveId, ['1', '4']);
  const a = await applicant.get(`/api/archives/${target.archiveId}`);
  t.is(a.status, 200);
  t.is(a.body.access, 'grant');
  t.deepEqual(a.body.grantedCategories, ['1', '4']);
  // The grant opens the granted materials, not where the file is kept nor the cadre's family (third persons).
  t.deepEqual(a.body.location, { storeRoom: null, cabinet: null, shelf: null });
  t.deepEqual(a.body.statusHistory, [], 'its reasons name the shelves');
  t.true((await (await sys.as('archivist1')).get(`/api/archives/${target.archiveId}`)).body.statusHistory.length > 0);
  const held = await sys.services.db('archives').where({ id: target.archiveId }).first();
  t.truthy(held.store_room, 'the office knows the place');
  const record = await applicant.get(`/api/cadres/${target.cadreId}`);
  t.is(record.status, 200);
  t.like(record.body, { name: target.name, family: [], familyWithheld: true });
  t.deepEqual(record.body.archives.map((x: any) => x.location), [{ storeRoom: null, cabinet: null, shelf: null }]);
  const office = (await (await sys.as('archivist1')).get(`/api/cadres/${target.cadreId}`)).body;
  t.false(office.familyWithheld);
  t.is(office.family.length, (await sys.services.db('family_members').where({ cadre_id: target.cadreId })).length);
  const cat = await applicant.get(`/api/archives/${target.archiveId}/catalogue`);
  t.deepEqual(cat.body.categories.map((c: any) => c.code), ['1', '4', '4-1', '4-2', '4-3', '4-4']);
  t.is((await applicant.get(`/api/materials/${(await materialIn(sys, target.archiveId, '4-1')).id}`)).status, 200);
  // A material of a category not granted is as absent as any other.
  const party = await materialIn(sys, target.archiveId, '6');
  const res = await applicant.get(`/api/materials/${party.id}`);
  t.is(res.status, 404);
  const rows = await auditRows(sys, 'material.view_denied');
  t.deepEqual(JSON.parse(rows[rows.length - 1].detail), { reason: 'category' });
  // The cadre is found by search while the grant is open.
  const found = await applicant.get(`/api/cadres?q=${encodeURIComponent(target.name)}`);
  t.deepEqual(found.body.items.map((i: any) => i.id), [target.cadreId]);

  // After the window (the service's clock), nothing.
  sys.clock.advanceDays(2);
  applicant = await sys.as('applicant1'); // the old session timed out meanwhile
  t.is((await applicant.get(`/api/archives/${target.archiveId}`)).status, 404);
  t.is((await applicant.get(`/api/cadres?q=${encodeURIComponent(target.name)}`)).body.total, 0);
  sys.clock.advanceDays(-2);
  applicant = await sys.as('applicant1');
  // A revoked grant opens nothing either.
  await sys.services.db('archive_grants').where({ archive_id: target.archiveId }).update({ revoked_at: sys.clock.now().toISOString() });
  t.is((await applicant.get(`/api/archives/${target.archiveId}`)).status, 404);
});

test.serial("a grant never opens the grantee's own archive or a relative's", async (t) => {
  const applicant2 = await sys.as('applicant2');
  const spouse = await cadreNamed(sys, '张建军');
  const own = await sys.services.db('archives').where({ cadre_id: (await sys.services.db('users').where({ username: 'applicant2' }).first()).cadre_id }).first();
  await grant('applicant2', spouse.archive.id, ['1']);
  await grant('applicant2', own.id, ['1']);
  t.is((await applicant2.get(`/api/archives/${spouse.archive.id}`)).status, 404);
  t.is((await applicant2.get(`/api/archives/${own.id}`)).status, 404);
  t.is((await applicant2.get('/api/cadres')).body.total, 0);
});

test.serial('the avoidance list: set by the security administrator, effective at once, lifted on record', async (t) => {
  const archivist = await sys.as('archivist1');
  const secadmin = await sessionOf(sys, 'secadmin');
  const target = await plainArchiveOf(sys, '150300-ZZB-DAS', 5);
  t.is((await archivist.get(`/api/archives/${target.archiveId}`)).status, 200);
  const archivistUser = await sys.services.db('users').where({ username: 'archivist1' }).first();
  const cadreIdNumber = (await sys.services.db('cadres').where({ id: target.cadreId }).first('id_number')).id_number as string;

  // Only the security administrator manages the lists.
  t.is((await archivist.post('/api/avoidance-entries', { userId: archivistUser.id, cadreIdNumber, reason: '同学关系' })).status, 403);
  t.is((await (await sys.as('chief1')).get('/api/avoidance-entries')).status, 403);

  const bad = await secadmin.post('/api/avoidance-entries', { userId: archivistUser.id, reason: '同学关系' });
  t.is(bad.status, 400);
  // The reason for adding is as accountable as the one for lifting: 2–200 characters, in the audit row.
  const terse = await secadmin.post('/api/avoidance-entries', { userId: archivistUser.id, cadreIdNumber, reason: ' 同 ' });
  t.is(terse.status, 400);
  t.regex(JSON.stringify(terse.body.details), /回避原因至少 2 个字/);
  t.is((await secadmin.post('/api/avoidance-entries', { userId: archivistUser.id, cadreIdNumber, reason: '同'.repeat(201) })).status, 400);
  const added = await secadmin.post('/api/avoidance-entries', { userId: archivistUser.id, cadreIdNumber, reason: '同学关系' });
  t.is(added.status, 201);
  t.false(JSON.stringify(added.body).includes(target.name), 'the answer names no one');
  const twice = await secadmin.post('/api/avoidance-entries', { userId: archivistUser.id, cadreIdNumber, reason: '同学关系' });
  t.is(twice.status, 409);

  t.is((await archivist.get(`/api/archives/${target.archiveId}`)).status, 404);
  t.is((await archivist.get(`/api/cadres/${target.cadreId}`)).status, 404);
  const search = await archivist.get(`/api/cadres?q=${encodeURIComponent(target.name)}`);
  t.false(search.body.items.some((i: any) => i.id === target.cadreId));
  const rows = await auditRows(sys, 'cadre.view_denied');
  t.deepEqual(JSON.parse(rows[rows.length - 1].detail), { reason: 'avoided' });
  // The colleague is not affected.
  t.is((await (await sys.as('chief1')).get(`/api/archives/${target.archiveId}`)).status, 200);

  const list = await secadmin.get(`/api/avoidance-entries?userId=${archivistUser.id}`);
  t.true(list.body.some((e: any) => e.id === added.body.id));
  // Lifting an entry lets the user see the cadre again: it takes a reason, like adding one.
  const bare = await secadmin.request('DELETE', `/api/avoidance-entries/${added.body.id}`);
  t.is(bare.status, 400);
  t.is(bare.body.code, 'VALIDATION_FAILED');
  const short = await secadmin.request('DELETE', `/api/avoidance-entries/${added.body.id}`, { reason: ' 调 ' });
  t.is(short.status, 400);
  t.regex(JSON.stringify(short.body.details), /至少 2 个字/);
  t.is((await secadmin.request('DELETE', `/api/avoidance-entries/${added.body.id}`, { reason: 'x'.repeat(501) })).status, 400);
  t.falsy((await sys.services.db('avoidance_entries').where({ id: added.body.id }).first()).removed_at);
  t.is((await archivist.get(`/api/archives/${target.archiveId}`)).status, 404);
  t.is((await auditRows(sys, 'avoidance.remove')).length, 0);
  t.is((await secadmin.request('DELETE', `/api/avoidance-entries/${added.body.id}`, { reason: '同学已调离本市，经研究解除回避' })).status, 200);
  t.is((await archivist.get(`/api/archives/${target.archiveId}`)).status, 200);
  const kept = await sys.services.db('avoidance_entries').where({ id: added.body.id }).first();
  t.truthy(kept.removed_at);
  const addedRows = await auditRows(sys, 'avoidance.add');
  t.is(addedRows.length, 1);
  t.deepEqual(JSON.parse(addedRows[0].detail), { userId: archivistUser.id, cadreId: target.cadreId, reason: '同学关系' });
  const lifted = await auditRows(sys, 'avoidance.remove');
  t.is(lifted.length, 1);
  t.is(JSON.parse(lifted[0].detail).reason, '同学已调离本市，经研究解除回避');
});

test.serial('the security administrator names a cadre by ID number only: a cadre id is refused, so names cannot be read by counting (regression: cadreId 35 answered 201 with the name)', async (t) => {
  const secadmin = await sessionOf(sys, 'secadmin');
  const user = await sys.services.db('users').where({ username: 'chief1' }).first();
  const target = await plainArchiveOf(sys, '150300-ZZB-DAS', 7);
  const entries = async () => (await sys.services.db('avoidance_entries').where({ user_id: user.id })).length;
  const before = await entries();

  const byId = await secadmin.post('/api/avoidance-entries', { userId: user.id, cadreId: target.cadreId, reason: '同学关系' });
  t.is(byId.status, 400);
  t.is(byId.body.code, 'VALIDATION_FAILED');
  t.regex(JSON.stringify(byId.body.details), /请按身份证号指定干部/);
  t.false(JSON.stringify(byId.body).includes(target.name), 'the name is not in the answer');
  const both = await secadmin.post('/api/avoidance-entries', { userId: user.id, cadreId: target.cadreId, cadreIdNumber: '150302198001011234', reason: '同学关系' });
  t.is(both.status, 400);
  t.is(await entries(), before, 'nothing added');

  // An ID number no archive holds: refused at its field, in words, with no name; the attempt is
  // audited with the number masked, so trying numbers shows in the log.
  const unknown = await secadmin.post('/api/avoidance-entries', { userId: user.id, cadreIdNumber: '15030219000101000X', reason: '同学关系' });
  t.is(unknown.status, 400);
  t.deepEqual(unknown.body.details, [{ field: 'cadreIdNumber', message: '干部不存在 / no such cadre' }]);
  const denied = (await auditRows(sys, 'avoidance.add')).filter((r: any) => r.outcome === 'denied');
  t.is(denied.length, 1);
  t.is(denied[0].actor, 'secadmin');
  t.deepEqual(JSON.parse(denied[0].detail), { userId: user.id, reason: 'no_such_cadre', idNumber: '150302********000X' });
  t.is(await entries(), before);

  // By the ID number the form asks for, the entry is made and answered as the list shows it.
  const idNo = (await sys.services.db('cadres').where({ id: target.cadreId }).first('id_number')).id_number as string;
  const added = await secadmin.post('/api/avoidance-entries', { userId: user.id, cadreIdNumber: idNo, reason: '同学关系' });
  t.is(added.status, 201);
  t.like(added.body, { userId: user.id, cadreId: target.cadreId, cadreIdNumber: `${idNo.slice(0, 6)}********${idNo.slice(-4)}` });
  await secadmin.request('DELETE', `/api/avoidance-entries/${added.body.id}`, { reason: '测试结束，解除回避' });
});

test.serial('the security administrator never reads a cadre name: an ID number typed answers its masked number and the 正本’s 档案号, and so does the list (regression: POST answered cadreName, a number → name lookup)', async (t) => {
  const secadmin = await sessionOf(sys, 'secadmin');
  const user = await sys.services.db('users').where({ username: 'chief1' }).first();
  const target = await plainArchiveOf(sys, '150300-ZZB-DAS', 9);
  const cadre = await sys.services.db('cadres').where({ id: target.cadreId }).first();
  const original = await sys.services.db('archives').where({ id: target.archiveId }).first();
  t.is(original.kind, 'original');
  const masked = `${cadre.id_number.slice(0, 6)}********${cadre.id_number.slice(-4)}`;

  const added = await secadmin.post('/api/avoidance-entries', { userId: user.id, cadreIdNumber: cadre.id_number, reason: '同学关系' });
  t.is(added.status, 201);
  t.like(added.body, { cadreIdNumber: masked, archiveNo: original.archive_no });
  t.false('cadreName' in added.body);
  t.false(JSON.stringify(added.body).includes(cadre.name), 'no name anywhere in the answer');
  t.false(JSON.stringify(added.body).includes(cadre.id_number), 'nor the whole number');

  const list = await secadmin.get('/api/avoidance-entries');
  t.is(list.status, 200);
  const listed = list.body.find((e: any) => e.id === added.body.id);
  t.like(listed, { cadreId: cadre.id, cadreIdNumber: masked, archiveNo: original.archive_no });
  const names = (await sys.services.db('cadres').whereIn('id', list.body.map((e: any) => e.cadreId)).select('name')).map((r: any) => r.name as string);
  t.true(names.length > 1, 'the seeded entry is listed too');
  for (const name of names) t.false(JSON.stringify(list.body).includes(name), `the list does not name ${name}`);
  await secadmin.request('DELETE', `/api/avoidance-entries/${added.body.id}`, { reason: '测试结束，解除回避' });
});

test.serial('the demo avoidance entry hides one 市管 cadre from archivist1', async (t) => {
  const entry = await sys.services.db('avoidance_entries as e').join('users as u', 'u.id', 'e.user_id').where('u.username', 'archivist1').whereNull('e.removed_at').first('e.cadre_id');
  const archive = await sys.services.db('archives').where({ cadre_id: entry.cadre_id }).first();
  t.is((await (await sys.as('archivist1')).get(`/api/archives/${archive.id}`)).status, 404);
  t.is((await (await sys.as('chief1')).get(`/api/archives/${archive.id}`)).status, 200);
});
