// 转递: the flow to the leader's approval (leaderIsNeeded) read `=route.needsLeader`, a bare path.
// Since a condition must give true or false (server/engine/conditions.ts), a route without that
// value — a decision table whose rule leaves the output empty, as an administrator may write it —
// was an incident at the gateway: the chief's 同意 answered 422 and the case stood still. Written
// `=route.needsLeader = true` like 借阅 (borrowing.bpmn), it takes the leader's step only when
// the decision says so and otherwise goes on as the default flow (否). The shipped diagram with the
// comparison is the version start-up deployed.
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

test.serial('the deployed transfer diagram compares needsLeader with true', async (t) => {
  const latest = await sys.services.db('process_deployments').where({ process_key: 'transfer' }).orderBy('version', 'desc').first();
  t.truthy(latest);
  t.true(latest.xml.includes('>=route.needsLeader = true</bpmn:conditionExpression>'));
  t.false(latest.xml.includes('>=route.needsLeader</bpmn:conditionExpression>'));
});

test.serial('a route without needsLeader: the chief’s approval goes on to issuing the slip, no incident', async (t) => {
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
  t.deepEqual(await openTasks(sys, id), ['issueSlip'], 'on to 出具转递单, not to the leader');
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
