// A producer with a right name/ID pair learns that the cadre's archive is being transferred only when
// he is of the cadre's own unit (usually the one who arranged the move): a producer of another unit
// gets the answer of an archive not held — the same as for one already gone —, which tells him to
// send the material by 材料转递 without revealing a move before it is announced.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { orgId } from '../helpers/workflow.ts';
import { daysAgo, plainCadre, registration } from './material-helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;

test.serial('an archive 转出中: the cadre’s own unit is told it is leaving; another unit gets the answer of an archive gone, no state', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false, skip: 12 });
  const register = async () => {
    const res = await (await sys.as('producer1')).post('/api/process-instances', { processKey: 'material-collection', variables: registration(cadre, daysAgo(sys, 3)) });
    t.is(res.status, 422, JSON.stringify(res.body));
    return { code: res.body.code, message: res.body.message, details: res.body.details };
  };
  const own = await orgId(sys, '150300-RSJ'); // producer1's unit
  const other = await orgId(sys, '150300-JW');

  await db()('archives').where({ id: cadre.archive_id }).update({ status: 'transferred' });
  await db()('cadres').where({ id: cadre.id }).update({ org_unit_id: other });
  const gone = await register();
  t.is(gone.details.rule, 'archive_not_held');
  t.regex(gone.message, /材料转递/);

  await db()('archives').where({ id: cadre.archive_id }).update({ status: 'transferring' });
  const leavingElsewhere = await register();
  t.deepEqual(leavingElsewhere, gone, 'a producer of another unit cannot tell 转出中 from gone');

  await db()('cadres').where({ id: cadre.id }).update({ org_unit_id: own });
  const leavingOwn = await register();
  t.is(leavingOwn.details.rule, 'archive_leaving', 'the cadre’s own unit is told the archive is leaving');
  t.regex(leavingOwn.message, /正在转出/);
  t.regex(leavingOwn.message, /材料转递/);
});
