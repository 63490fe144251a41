// A reading grant whose cadre the grantee must avoid — an avoidance entry added after the grant —
// is no longer listed by GET /api/me/grants (current or all): every read of it answers 404, so the
// 阅档室 must not offer a reading that then fails. Lifting the entry lists it again.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { readingCase, type ReadingCase } from './helpers.ts';

let sys: TestSystem;
let rc: ReadingCase;
test.before(async () => {
  sys = await startSystem();
  rc = await readingCase(sys);
});
test.after.always(async () => {
  await sys?.close();
});

const listed = async (state: 'current' | 'all') => {
  const res = await (await sys.as('applicant1')).get(`/api/me/grants?state=${state}`);
  if (res.status !== 200) throw new Error(`grants ${res.status}`);
  return res.body.items.filter((g: any) => g.id === rc.grants.applicant1);
};

test.serial('an avoidance entry added after the grant takes it off the reading list; lifting it brings it back', async (t) => {
  const before = await listed('current');
  t.is(before.length, 1);
  t.true(before[0].open);
  const applicant = await sys.as('applicant1');
  t.is((await applicant.get(`/api/reading/${rc.grants.applicant1}`)).status, 200);

  const secadmin = await sys.as('secadmin');
  const user = await sys.services.db('users').where({ username: 'applicant1' }).first();
  const added = await secadmin.post('/api/avoidance-entries', { userId: user.id, cadreIdNumber: rc.cadre.idNumber, reason: '近亲属关系，按规定回避' });
  t.is(added.status, 201, JSON.stringify(added.body));

  t.is((await applicant.get(`/api/reading/${rc.grants.applicant1}`)).status, 404, 'the read answers as absent');
  t.deepEqual(await listed('current'), [], 'not offered as a current reading');
  t.deepEqual(await listed('all'), [], 'nor in the whole list');
  // The co-applicant, who need not avoid the cadre, still has theirs.
  const other = await (await sys.as('applicant2')).get('/api/me/grants?state=current');
  t.true(other.body.items.some((g: any) => g.id === rc.grants.applicant2 && g.open));

  t.is((await secadmin.request('DELETE', `/api/avoidance-entries/${added.body.id}`, { reason: '关系已核实不存在' })).status, 200);
  t.is((await listed('current')).length, 1);
});
