// A sequence flow's condition is FEEL that gives true or false. Text without its = (`decision =
// "approve"`) or a bare `false` was deployed without a finding and, at run time, came back from the
// resolver as the text itself — which bpmn-elements takes as true: 不同意 went on as approval.
// Now the lint refuses it at the flow, and a diagram forced past the lint fails at the gateway
// with an incident instead of taking the flow.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import { fixture, forceDeployment } from '../../test/helpers/fixtures.ts';
import { reject, taskAt } from '../../test/helpers/workflow.ts';
import { processesDir } from '../services.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const borrowing = () => fs.readFileSync(path.join(processesDir, 'borrowing.bpmn'), 'utf8');
const FIRST = '>=decision = "approve"</bpmn:conditionExpression>';
const latestBorrowing = async (): Promise<number> => Number((await db()('process_deployments').where({ process_key: 'borrowing' }).max('version as v').first())?.v);

for (const [label, body] of [
  ['its = forgotten', 'decision = "approve"'],
  ['the text false', 'false'],
  ['a string literal', '="approve"'],
  ['an empty body', ''],
] as const) {
  test.serial(`validate refuses a condition that is not FEEL giving true or false (${label}), naming the flow in Chinese and English`, async (t) => {
    const admin = await sys.as('procadmin');
    const xml = borrowing().replace(FIRST, `>${body}</bpmn:conditionExpression>`);
    t.not(xml, borrowing());
    const res = await admin.post('/api/admin/processes/validate', { xml, forms: {} });
    t.is(res.status, 200);
    t.false(res.body.ok);
    const mine = res.body.errors.filter((e: any) => e.rule === 'dangan/feel-conditions');
    t.is(mine.length, 1, JSON.stringify(res.body.errors));
    t.is(mine[0].elementId, 'unitHeadApproves');
    t.regex(mine[0].message, /^顺序流“同意”（unitHeadApproves）的条件.* \/ The condition .*of flow "同意" \(unitHeadApproves\)/);
    const deployed = await admin.post('/api/admin/deployments', { xml, processKey: 'borrowing', baseVersion: null, note: '测试', forms: {} });
    t.is(deployed.status, 422);
    t.true(deployed.body.details.some((d: any) => d.rule === 'dangan/feel-conditions' && d.elementId === 'unitHeadApproves'));
  });
}

// The Java / JavaScript habit: feelin parses `decision == "approve"` as decision compared with the
// test `= "approve"` and gives null, never true or false — every case stopped at the gateway when
// the unit head approved (409 PROCESS_ERROR, an incident), though validate had answered ok.
for (const body of ['=decision == "approve"', '=decision = = "approve"', '=decision === "approve"']) {
  test.serial(`validate and deploy refuse the doubled comparison ${body} at the flow, saying to write =decision = "approve"`, async (t) => {
    const admin = await sys.as('procadmin');
    const xml = borrowing().replace(FIRST, `>${body}</bpmn:conditionExpression>`);
    t.not(xml, borrowing());
    const res = await admin.post('/api/admin/processes/validate', { xml, forms: {} });
    t.is(res.status, 200);
    t.false(res.body.ok);
    const mine = res.body.errors.filter((e: any) => e.elementId === 'unitHeadApproves');
    t.is(mine.length, 1, JSON.stringify(res.body.errors));
    t.is(mine[0].rule, 'dangan/feel-conditions');
    t.regex(mine[0].message, /^顺序流“同意”（unitHeadApproves）的条件.*运算符写了两次.*请写作 =decision = "approve" \/ .*FEEL's equality is one =.*write =decision = "approve"$/);
    const deployed = await admin.post('/api/admin/deployments', { xml, processKey: 'borrowing', baseVersion: await latestBorrowing(), note: '测试', forms: {} });
    t.is(deployed.status, 422);
    t.true(deployed.body.details.some((d: any) => d.rule === 'dangan/feel-conditions' && d.elementId === 'unitHeadApproves'));
  });
}

test.serial('validate and deploy refuse a condition that gives no boolean for any value the forms can give (string length(decision))', async (t) => {
  const admin = await sys.as('procadmin');
  const xml = borrowing().replace(FIRST, '>=string length(decision)</bpmn:conditionExpression>');
  const res = await admin.post('/api/admin/processes/validate', { xml, forms: {} });
  t.false(res.body.ok);
  const mine = res.body.errors.filter((e: any) => e.elementId === 'unitHeadApproves');
  t.is(mine.length, 1, JSON.stringify(res.body.errors));
  t.is(mine[0].rule, 'condition-boolean');
  t.regex(mine[0].message, /得不出“是”或“否”（试过 decision = "approve", "reject"/);
  t.regex(mine[0].message, / \/ The condition "=string length\(decision\)" of flow "同意" \(unitHeadApproves\) gives neither true nor false/);
  const deployed = await admin.post('/api/admin/deployments', { xml, processKey: 'borrowing', baseVersion: await latestBorrowing(), note: '测试', forms: {} });
  t.is(deployed.status, 422, JSON.stringify(deployed.body));
  t.true(deployed.body.details.some((d: any) => d.rule === 'condition-boolean' && d.elementId === 'unitHeadApproves'));
});

test.serial('the shipped diagrams pass the condition rule (every condition is a FEEL comparison or boolean path)', async (t) => {
  const admin = await sys.as('procadmin');
  for (const file of fs.readdirSync(processesDir).filter((f) => f.endsWith('.bpmn'))) {
    const res = await admin.post('/api/admin/processes/validate', { xml: fs.readFileSync(path.join(processesDir, file), 'utf8'), forms: {} });
    t.deepEqual(res.body.errors.filter((e: any) => e.rule === 'dangan/feel-conditions' || e.rule === 'condition-boolean'), [], file);
  }
});

for (const [label, body] of [
  ['its = forgotten', 'decision = "approve"'],
  ['the text false', 'false'],
  ['a FEEL string', '="approve"'],
] as const) {
  test.serial(`forced into the database with a condition of ${label}, a rejection does not take the approving flow: the gateway gets an incident`, async (t) => {
    const key = `forcedCondition${randomUUID().slice(0, 8)}`;
    const xml = fixture('approval-chain.bpmn')
      .replaceAll('approvalChain', key)
      .replace('>=decision = "approve"</bpmn:conditionExpression>', `>${body}</bpmn:conditionExpression>`);
    await forceDeployment(db(), key, xml);
    const applicant = await sys.as('applicant1');
    const started = await applicant.post('/api/process-instances', { processKey: key, variables: {} });
    t.is(started.status, 201, JSON.stringify(started.body));
    const id = started.body.id;
    const head = await sys.as('unithead1');
    const task = await taskAt(head, id, 'unitHeadReview');
    t.truthy(task);

    const res = await head.post(`/api/tasks/${task.id}/complete`, { variables: reject() });
    t.is(res.status, 422, JSON.stringify(res.body));
    t.is(res.body.code, 'PROCESS_ERROR');
    await sys.services.engine.incidentsSettled();

    // Not approved: no archivist step, the head's task still open, an incident at the gateway.
    const archivist = await sys.as('archivist1');
    t.falsy(await taskAt(archivist, id, 'archivistReview'), 'the case did not go on to 受理审查');
    t.is(await db()('tasks').where({ instance_id: id, element_id: 'archivistReview' }).first(), undefined);
    t.is((await taskAt(head, id, 'unitHeadReview'))?.id, task.id);
    const jobs = await db()('jobs').where({ instance_id: id });
    t.is(jobs.length, 1);
    t.like(jobs[0], { status: 'incident', element_id: 'unitHeadDecision' });
    t.regex(jobs[0].last_error, /unitHeadApproves.*不是“是”或“否” \/ .*not true or false/);
    t.is((await db()('process_instances').where({ id }).first()).status, 'incident');
  });
}

test('the guarded flow takes a true condition, skips a false one, refuses anything else (text, a number, null)', async (t) => {
  const { BooleanSequenceFlow } = await import('./conditions.ts');
  const { createExpressions } = await import('./expressions.ts');
  const ex = createExpressions({ service: () => undefined, params: {} });
  const context = { environment: { variables: { dangan: { decision: 'reject', n: null } } } };
  const environment = {
    Logger: () => ({ debug() {}, error() {}, warn() {} }),
    registerScript() {},
    getScript() {},
    resolveExpression: (expr: string) => ex.resolveExpression(expr, context),
  };
  const run = (body: string) => {
    const def = { id: 'f', type: 'bpmn:SequenceFlow', parent: { id: 'p', type: 'bpmn:Process' }, behaviour: { conditionExpression: { body } } };
    const flow = new (BooleanSequenceFlow as any)(def, { environment });
    let out: { err: Error | null; result?: unknown } = { err: null };
    flow.evaluate({ content: {} }, (err: Error | null, result?: unknown) => {
      out = { err, result };
    });
    return out;
  };
  t.deepEqual(run('=decision = "approve"'), { err: null, result: false });
  t.deepEqual(run('=decision = "reject"'), { err: null, result: true });
  for (const body of ['decision = "approve"', 'false', 'true', '="yes"', '=1', '=n']) {
    const r = run(body);
    t.regex(String(r.err?.message), /not true or false/, body);
    t.is(r.result, undefined, body);
  }
});
