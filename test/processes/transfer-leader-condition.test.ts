// 转递 and 借阅: whether a case needs the leader's approval (and, for 借阅, the upper organisation
// department's) is read from the decision table's route. The flow that SKIPS the approval is the one
// with a condition (`=route.needsLeader = false`, `=route.referUpward = false`); the approval is the
// default flow. A route without the value — a rule whose output an administrator left empty — thus
// goes to the approval (one step too many, which the leader can wave through) rather than past it,
// and is no incident at the gateway either (a bare `=route.needsLeader` used to be one: a condition
// must give true or false, server/engine/conditions.ts). The shipped diagrams deployed at start-up
// are the ones that say so.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { cityCadre, completeAt, counts, moveToHaibowan, openTasks } from './transfer-helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

test.serial('the deployed diagrams make the approval the default and compare the skip with false', async (t) => {
  const latest = async (key: string) => (await sys.services.db('process_deployments').where({ process_key: key }).orderBy('version', 'desc').first()).xml as string;
  const transfer = await latest('transfer');
  t.regex(transfer, /id="leaderNeeded"[^>]*default="leaderIsNeeded"/);
  t.true(transfer.includes('>=route.needsLeader = false</bpmn:conditionExpression>'));
  t.false(/>=route\.needsLeader( = true)?<\/bpmn:conditionExpression>/.test(transfer));
  const borrowing = await latest('borrowing');
  t.regex(borrowing, /id="leaderNeeded"[^>]*default="leaderIsNeeded"/);
  t.regex(borrowing, /id="upperNeeded"[^>]*default="upperIsNeeded"/);
  t.true(borrowing.includes('>=route.needsLeader = false</bpmn:conditionExpression>'));
  t.true(borrowing.includes('>=route.referUpward = false</bpmn:conditionExpression>'));
  t.regex(borrowing, /id="renewalLeaderNeeded"[^>]*default="renewalLeaderIsNeeded"/, '续借 as well');
  // No shipped diagram takes a flow because a route says true: each such flow is an approval, the default.
  const keys: Array<{ process_key: string }> = await sys.services.db('process_deployments').distinct('process_key');
  for (const { process_key } of keys) {
    const xml = await latest(process_key);
    t.false(/>=route\.\w+( = true)?<\/bpmn:conditionExpression>/.test(xml), process_key);
  }
});

test.serial('a route without needsLeader: the chief’s approval goes on to the leader, no incident', async (t) => {
  // The 县管/单位管 rule with its output left empty: route.needsLeader is null.
  const table = (await sys.services.engine.decisions()).get('transfer-approval')!;
  const local = table.rules.find((r) => r.id === 'local')!;
  const kept = [...local.outputEntries];
  local.outputEntries[0] = '';
  t.teardown(() => {
    local.outputEntries.splice(0, local.outputEntries.length, ...kept);
  });

  const cadre = await cityCadre(sys);
  const archivist = await sys.as('archivist1');
  const res = await moveToHaibowan(sys, archivist, cadre.cadreId);
  t.is(res.status, 201, JSON.stringify(res.body));
  const id = res.body.transfer.instanceId;

  t.is((await completeAt(archivist, id, 'prepareArchive', { complete: 'yes', ...(await counts(sys, cadre.cadreId)) })).status, 200);
  const approved = await completeAt(await sys.as('chief1'), id, 'chiefApproval', { decision: 'approve', comment: '同意转出。' });
  t.is(approved.status, 200, JSON.stringify(approved.body));
  t.deepEqual(await openTasks(sys, id), ['leaderApproval'], 'on to the leader: an unknown route is not waved past the approval');
  t.is((await sys.services.db('process_instances').where({ id }).first()).status, 'running');
  t.is((await sys.services.db('jobs').where({ instance_id: id, status: 'incident' })).length, 0, 'no incident');
});

test.serial('the decision still routes: a 市管 cadre goes to the leader, a 县管 one does not', async (t) => {
  const archivist = await sys.as('archivist1');
  for (const [level, next] of [
    ['municipal', 'leaderApproval'],
    ['unit', 'issueSlip'],
  ] as const) {
    const cadre = await cityCadre(sys, 0, level);
    const res = await moveToHaibowan(sys, archivist, cadre.cadreId);
    t.is(res.status, 201, JSON.stringify(res.body));
    const id = res.body.transfer.instanceId;
    t.is((await completeAt(archivist, id, 'prepareArchive', { complete: 'yes', ...(await counts(sys, cadre.cadreId)) })).status, 200);
    t.is((await completeAt(await sys.as('chief1'), id, 'chiefApproval', { decision: 'approve', comment: '同意。' })).status, 200);
    t.deepEqual(await openTasks(sys, id), [next], level);
  }
});
