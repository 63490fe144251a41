// Cadre search: by name, pinyin initials, full pinyin, ID number, 档案号 and unit; paged and sorted by
// pinyin; never a cadre outside the caller's scope (filtered in SQL, so totals are right too).
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { cadreNamed, cadreOfUser, plainArchiveOf } from './helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const q = (s: string) => encodeURIComponent(s);

test('an archivist finds by name, initials, full pinyin and ID number prefix', async (t) => {
  const archivist = await sys.as('archivist1');
  const { cadre } = await cadreNamed(sys, '张建军');
  for (const term of ['张建军', '建军', 'zjj', 'ZJJ', 'zhangjianjun', cadre.id_number.slice(0, 12)]) {
    const res = await archivist.get(`/api/cadres?q=${q(term)}`);
    t.is(res.status, 200, term);
    t.true(res.body.items.some((i: any) => i.id === cadre.id), term);
    const hit = res.body.items.find((i: any) => i.id === cadre.id);
    t.deepEqual(Object.keys(hit).sort(), ['archiveNos', 'birthDate', 'gender', 'id', 'managementLevel', 'name', 'post', 'unitId', 'unitName']);
    t.is(hit.unitName, '乌海市财政局');
  }
  // A wildcard typed by the user is a literal character, not a pattern.
  t.is((await archivist.get(`/api/cadres?q=${q('%')}`)).body.total, 0);
  t.is((await archivist.get(`/api/cadres?q=${q('_')}`)).body.total, 0);
});

test('a 档案号 finds its cadre, whole or by its start, in any case — only among the archives the caller reads', async (t) => {
  const archivist = await sys.as('archivist1');
  const receiver = await sys.as('receiver1');
  // An office that numbers its archives WH…: one in the city office, one in the district office.
  const mine = await plainArchiveOf(sys, '150300-ZZB-DAS');
  const theirs = await plainArchiveOf(sys, '150302-ZZB-DAS');
  await sys.services.db('archives').where({ id: mine.archiveId }).update({ archive_no: 'WH000123' });
  await sys.services.db('archives').where({ id: theirs.archiveId }).update({ archive_no: 'WH000124' });
  for (const term of ['WH000123', 'wh000123', 'WH00012', 'Wh0001']) {
    const res = await archivist.get(`/api/cadres?q=${q(term)}`);
    t.is(res.status, 200, term);
    t.deepEqual(res.body.items.map((i: any) => i.id), [mine.cadreId], term);
    t.is(res.body.total, 1, `${term}: the district office’s WH000124 is not the city archivist’s`);
    t.deepEqual(res.body.items[0].archiveNos, ['WH000123'], 'the row names its 档案号');
  }
  t.is((await archivist.get(`/api/cadres?q=${q('WH000124')}`)).body.total, 0, 'another office’s 档案号 finds nothing');
  t.deepEqual((await receiver.get(`/api/cadres?q=${q('wh000124')}`)).body.items.map((i: any) => i.id), [theirs.cadreId]);
  t.is((await receiver.get(`/api/cadres?q=${q('WH000123')}`)).body.total, 0);
  // Not a substring: the number's middle finds nothing; the demo's own numbers are found by their start.
  t.is((await archivist.get(`/api/cadres?q=${q('000123')}`)).body.total, 0);
  const other = await sys.services.db('archives').where({ id: (await plainArchiveOf(sys, '150300-ZZB-DAS', 1)).archiveId }).first();
  const res = await archivist.get(`/api/cadres?q=${q(other.archive_no.toLowerCase())}`);
  t.true(res.body.items.some((i: any) => i.id === other.cadre_id && i.archiveNos.includes(other.archive_no)), other.archive_no);
  // Every row of a plain list names its archives' numbers, those the caller reads only.
  const list = await archivist.get('/api/cadres?limit=50');
  const city = await sys.services.db('org_units').where({ code: '150300-ZZB-DAS' }).first();
  for (const i of list.body.items) {
    const held = await sys.services.db('archives').where({ cadre_id: i.id, custodian_org_id: city.id }).pluck('archive_no');
    t.deepEqual([...i.archiveNos].sort(), held.sort(), i.name);
  }
});

test('results never leave the scope: the other office, self, relatives and the avoided are absent', async (t) => {
  const archivist = await sys.as('archivist1');
  const receiver = await sys.as('receiver1');
  const city = await sys.services.db('org_units').where({ code: '150300-ZZB-DAS' }).first();
  const hbw = await sys.services.db('org_units').where({ code: '150302-ZZB-DAS' }).first();
  const all = await archivist.get('/api/cadres?limit=100');
  const inCity = await sys.services.db('archives').where({ custodian_org_id: city.id }).countDistinct({ n: 'cadre_id' });
  const self = (await cadreOfUser(sys, 'archivist1')).cadre.id;
  const avoided = await sys.services.db('avoidance_entries as e').join('users as u', 'u.id', 'e.user_id').where('u.username', 'archivist1').first('e.cadre_id');
  t.is(all.body.total, Number(inCity[0].n) - 2);
  const ids = new Set<number>();
  for (let offset = 0; offset < all.body.total; offset += 100) {
    for (const i of (await archivist.get(`/api/cadres?limit=100&offset=${offset}`)).body.items) ids.add(i.id);
  }
  t.is(ids.size, all.body.total);
  t.false(ids.has(self));
  t.false(ids.has(avoided.cadre_id));
  const held = await sys.services.db('cadres').whereIn('id', [...ids]).select('custodian_org_id');
  t.true(held.every((c: any) => c.custodian_org_id === city.id));

  const theirs = await receiver.get('/api/cadres?limit=100');
  const inHbw = await sys.services.db('archives').where({ custodian_org_id: hbw.id }).countDistinct({ n: 'cadre_id' });
  t.is(theirs.body.total, Number(inHbw[0].n) - 1); // minus receiver1 himself
  const chief = await sys.as('chief1');
  const brother = await cadreNamed(sys, '陈立军');
  t.false((await chief.get(`/api/cadres?q=${q('陈立军')}`)).body.items.some((i: any) => i.id === brother.cadre.id));
  t.true((await archivist.get(`/api/cadres?q=${q('陈立军')}`)).body.items.some((i: any) => i.id === brother.cadre.id));
});

test('paged and sorted by pinyin, with a stable total; unit filter covers the subtree', async (t) => {
  const archivist = await sys.as('archivist1');
  const p1 = await archivist.get('/api/cadres?limit=7');
  const p2 = await archivist.get('/api/cadres?limit=7&offset=7');
  t.is(p1.body.items.length, 7);
  t.is(p1.body.total, p2.body.total);
  t.deepEqual(new Set([...p1.body.items, ...p2.body.items].map((i: any) => i.id)).size, 14);
  const keys = await sys.services.db('cadres').whereIn('id', [...p1.body.items, ...p2.body.items].map((i: any) => i.id)).select('id', 'name_pinyin');
  const byId = new Map(keys.map((k: any) => [k.id, k.name_pinyin]));
  const order = [...p1.body.items, ...p2.body.items].map((i: any) => byId.get(i.id));
  t.deepEqual(order, [...order].sort());

  const haibowan = await sys.services.db('org_units').where({ code: '150302' }).first();
  const hb = await (await sys.as('receiver1')).get(`/api/cadres?unitId=${haibowan.id}&limit=100`);
  t.true(hb.body.total > 0);
  const units = await sys.services.db('org_units').whereIn('id', hb.body.items.map((i: any) => i.unitId)).select('path');
  t.true(units.every((u: any) => u.path.startsWith(haibowan.path)));
  // A unit's name finds its cadres too.
  const byUnit = await archivist.get(`/api/cadres?q=${q('财政局')}&limit=100`);
  t.true(byUnit.body.items.length > 0);
  t.true(byUnit.body.items.every((i: any) => i.unitName.includes('财政局') || i.name.includes('财政局')));
});

test('bad paging parameters are refused with VALIDATION_FAILED', async (t) => {
  const archivist = await sys.as('archivist1');
  for (const qs of ['limit=0', 'limit=101', 'offset=-1', `q=${'x'.repeat(41)}`, 'unitId=abc']) {
    const res = await archivist.get(`/api/cadres?${qs}`);
    t.is(res.status, 400, qs);
    t.is(res.body.code, 'VALIDATION_FAILED', qs);
  }
});
