// A cadre goes by one 档案号 outside the archive office — its 正本's, else its first registered
// 副本's — whoever reads it: the security administrator in 回避管理 and the auditor in the audit log.
// Before, each had its own rule for a cadre without a 正本 (回避管理 the lowest id, the audit log the
// first row the database happened to return), and the two named different 副本s for one cadre on
// PostgreSQL, which returns rows in storage order (SQLite's reads in id order happened to agree).
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { idCheckDigit } from '../../server/archives/validate.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

test('a cadre without a 正本 is named by the same 副本 in 回避管理 and in the audit log', async (t) => {
  const s = sys.services;
  const db = s.db;
  const unit = await db('org_units').where({ code: '150300-RSJ' }).first();
  const offices = await db('org_units').where({ is_custodian: true }).orderBy('id').limit(2).select('id', 'code');
  t.is(offices.length, 2);
  const first17 = '15030219810203003';
  const idNumber = `${first17}${idCheckDigit(first17)}`;
  const cadreId = await db.transaction((trx) =>
    s.archives.createCadre(trx, { name: '副本人', gender: '1', birth_date: '1981-02-03', ethnicity: '汉族', native_place: '乌海', political_status: '群众', id_number: idNumber, org_unit_id: unit.id, management_level: 'unit' }),
  );
  // Two 副本s and no 正本, the first registered (lower id) written to the table after the other: a
  // read in storage order (PostgreSQL) meets the later one first.
  const template = await db.transaction((trx) => s.archives.createArchive(trx, { cadreId, kind: 'copy', custodianOrgId: offices[1].id, archiveNo: 'FB-TMP-0000', volumes: 1 }, null));
  await db('archive_status_history').where({ archive_id: template.id }).delete();
  await db('archives').where({ id: template.id }).delete();
  const { id: _id, ...row } = template;
  const top = Number((await db('archives').max({ m: 'id' }))[0].m);
  await db('archives').insert({ ...row, id: top + 1001, custodian_org_id: offices[0].id, archive_no: 'FB-AA-0002' });
  await db('archives').insert({ ...row, id: top + 1000, custodian_org_id: offices[1].id, archive_no: 'FB-ZZ-0001' });

  const archivist = await db('users').where({ username: 'archivist1' }).first('id', 'display_name');
  const sec = await sys.as('secadmin');
  const added = await sec.post('/api/avoidance-entries', { userId: archivist.id, cadreIdNumber: idNumber, reason: '与该干部系同学关系。' });
  t.is(added.status, 201, JSON.stringify(added.body));
  t.is(added.body.archiveNo, 'FB-ZZ-0001', 'the first registered 副本');
  const listed = (await sec.get(`/api/avoidance-entries?userId=${archivist.id}`)).body.find((e: any) => e.id === added.body.id);
  t.is(listed.archiveNo, 'FB-ZZ-0001');

  const auditor = await sys.as('auditor');
  const res = await auditor.get('/api/audit/entries?action=avoidance.add');
  t.is(res.status, 200);
  const [e] = res.body.items;
  t.is(e.names.detail.cadreId, 'FB-ZZ-0001', 'the auditor reads the number the security administrator reads');
  t.is(e.names.object, `${archivist.display_name} → FB-ZZ-0001`);
  t.false(JSON.stringify(e.names).includes('副本人'), 'never the name');

  // With a 正本 registered, it is the 正本's for both.
  const original = await db.transaction((trx) => s.archives.createArchive(trx, { cadreId, kind: 'original', custodianOrgId: offices[1].id, archiveNo: 'ZB-ZZ-0003', volumes: 1 }, null));
  t.truthy(original.id);
  t.is((await sec.get(`/api/avoidance-entries?userId=${archivist.id}`)).body.find((x: any) => x.id === added.body.id).archiveNo, 'ZB-ZZ-0003');
  t.is((await auditor.get('/api/audit/entries?action=avoidance.add')).body.items[0].names.detail.cadreId, 'ZB-ZZ-0003');
});
