// The archive API as a whole: documented in the OpenAPI document, the org tree and categories
// readable, custody ranges managed by the chief of the office that holds them.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

test('every archive route is in the OpenAPI document', async (t) => {
  const doc = await sys.client().get('/api/openapi.json');
  t.is(doc.status, 200);
  for (const p of ['/api/cadres', '/api/cadres/{id}', '/api/archives/{id}/catalogue', '/api/materials/{id}/pages/{pageNo}', '/api/imports', '/api/avoidance-entries', '/api/custody-ranges', '/api/org-units']) {
    t.truthy(doc.body.paths[p], p);
  }
  t.truthy(doc.body.paths['/api/materials/{id}/pages'].post.requestBody.content['image/jpeg']);
});

test('the org tree and the ten categories with their sub-categories', async (t) => {
  const archivist = await sys.as('archivist1');
  const orgs = await archivist.get('/api/org-units');
  t.deepEqual(orgs.body.filter((o: any) => o.isCustodian).map((o: any) => o.name), ['乌海市委组织部干部档案室', '海勃湾区委组织部干部档案室']);
  const cats = await archivist.get('/api/catalog-categories');
  t.deepEqual(cats.body.filter((c: any) => !c.parentCode).map((c: any) => c.numeral).join(''), '一二三四五六七八九十');
  t.deepEqual(cats.body.filter((c: any) => c.parentCode === '9').map((c: any) => c.code), ['9-1', '9-2', '9-3', '9-4']);
});

test('each user’s archive offices: the archivist’s own, the offices under the leader’s unit, none for an applicant', async (t) => {
  const offices = async (username: string) => (await (await sys.as(username)).get('/api/archive-offices')).body;
  t.deepEqual((await offices('archivist1')).map((o: any) => [o.name, o.own]), [['乌海市委组织部干部档案室', true]]);
  t.deepEqual((await offices('receiver1')).map((o: any) => o.name), ['海勃湾区委组织部干部档案室']);
  t.deepEqual((await offices('leader1')).map((o: any) => [o.name, o.own]), [['乌海市委组织部干部档案室', false]]);
  t.deepEqual(await offices('applicant1'), []);
});

test('custody ranges: read by all, set and removed by the chief of the office they belong to', async (t) => {
  const chief = await sys.as('chief1');
  const ranges = await chief.get('/api/custody-ranges');
  t.is(ranges.body.length, 4);
  const wuda = await sys.services.db('org_units').where({ code: '150304' }).first();
  const added = await chief.post('/api/custody-ranges', { rootOrgId: wuda.id, managementLevels: ['county'], note: '乌达区县管干部' });
  t.is(added.status, 201);
  const city = await sys.services.db('org_units').where({ code: '150300-ZZB-DAS' }).first();
  t.is(added.body.custodianOrgId, city.id);
  // The deeper range now decides for 乌达区 (and still names the same office).
  const unit = await sys.services.db('org_units').where({ code: '150304-ZF' }).first();
  t.is((await sys.services.archives.custodianFor(sys.services.db, unit.id, 'county'))?.rangeId, added.body.id);
  t.is((await (await sys.as('receiver1')).request('DELETE', `/api/custody-ranges/${added.body.id}`)).status, 403);
  t.is((await chief.request('DELETE', `/api/custody-ranges/${added.body.id}`)).status, 200);
  t.is((await chief.get('/api/custody-ranges')).body.length, 4);
  t.is((await (await sys.as('archivist1')).post('/api/custody-ranges', { rootOrgId: wuda.id, managementLevels: ['county'] })).status, 403);
});
