// Form keys, due dates, roles and assignees written as FEEL. A key `="nope-form"` or `=x` deployed:
// the task showed no form and completing it answered 400 未知表单, the case running with no incident.
// A due date `="abc"` deployed and its tasks silently got no deadline (no 督办, no escalation), only
// a log line. Now a FEEL constant is checked at deploy like the literal it gives, a form key
// computed from variables is refused, and a due date or form key that fails when a case reaches it
// is an incident at the step, seen by the process administrators.
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import { fixture, forceDeployment } from '../../test/helpers/fixtures.ts';
import { approve, taskAt } from '../../test/helpers/workflow.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const ARCHIVIST_STEP = 'camunda:formKey="approval" camunda:candidateGroups="archivist" camunda:dueDate="P3D"';
/** The three-step chain under a new key, its archivist step's attributes replaced. */
const chain = (key: string, archivistStep: string) => fixture('approval-chain.bpmn').replaceAll('approvalChain', key).replace(ARCHIVIST_STEP, archivistStep);
const q = (s: string) => s.replaceAll('"', '&quot;');

async function validate(xml: string) {
  const admin = await sys.as('procadmin');
  const res = await admin.post('/api/admin/processes/validate', { xml, forms: {} });
  if (res.status !== 200) throw new Error(`validate ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { ok: boolean; errors: Array<{ rule: string; elementId?: string; message: string }> };
}
const at = (body: { errors: Array<{ rule: string; elementId?: string; message: string }> }, id: string) => body.errors.filter((e) => e.elementId === id);

test.serial('a FEEL form key is checked at deploy: a constant naming no form and a key computed from variables are refused at the step', async (t) => {
  const admin = await sys.as('procadmin');
  for (const [formKey, rx] of [
    ['="nope-form"', /未知表单 \/ Unknown form "nope-form"/],
    ['=x', /须为固定的表单标识.* \/ camunda:formKey "=x" must name one form/],
    ['=decision', /须为固定的表单标识/],
  ] as const) {
    const xml = chain('feelForm', `camunda:formKey="${q(formKey)}" camunda:candidateGroups="archivist" camunda:dueDate="P3D"`);
    const body = await validate(xml);
    t.false(body.ok, formKey);
    const mine = at(body, 'archivistReview');
    t.is(mine.length, 1, `${formKey}: ${JSON.stringify(body.errors)}`);
    t.is(mine[0].rule, 'dangan/known-form-keys');
    t.regex(mine[0].message, rx);
    const res = await admin.post('/api/admin/deployments', { xml, processKey: null, baseVersion: null, note: '测试', forms: {} });
    t.is(res.status, 422, formKey);
    t.is(res.body.code, 'BPMN_INVALID');
  }
  t.is(await db()('process_deployments').where({ process_key: 'feelForm' }).first(), undefined, 'nothing deployed');
});

test.serial('a constant FEEL form key that names a known form deploys, and its step shows that form and completes', async (t) => {
  const key = `constForm${randomUUID().slice(0, 6)}`;
  const xml = chain(key, `camunda:formKey="${q('="approval"')}" camunda:candidateGroups="archivist" camunda:dueDate="P3D"`);
  t.deepEqual((await validate(xml)).errors, []);
  const admin = await sys.as('procadmin');
  const res = await admin.post('/api/admin/deployments', { xml, processKey: null, baseVersion: null, note: '测试', forms: {} });
  t.is(res.status, 201, JSON.stringify(res.body));
  const applicant = await sys.as('applicant1');
  const id = (await applicant.post('/api/process-instances', { processKey: key, variables: {} })).body.id;
  const head = await sys.as('unithead1');
  t.is((await head.post(`/api/tasks/${(await taskAt(head, id, 'unitHeadReview')).id}/complete`, { variables: approve() })).status, 200);
  const archivist = await sys.as('archivist1');
  const task = await taskAt(archivist, id, 'archivistReview');
  t.is((await db()('tasks').where({ id: task.id }).first()).form_key, 'approval');
  const done = await archivist.post(`/api/tasks/${task.id}/complete`, { variables: approve() });
  t.is(done.status, 200, JSON.stringify(done.body));
});

test.serial('constant FEEL due dates, roles and assignees are checked at deploy like literals; FEEL reading variables is left to the run time', async (t) => {
  const archivist = (await db()('users').where({ username: 'archivist1' }).first()).id;
  const cases: Array<[string, string, RegExp | null]> = [
    ['due-date', `camunda:formKey="approval" camunda:candidateGroups="archivist" camunda:dueDate="${q('="abc"')}"`, /办理期限“abc”既不是时长也不是日期.* \/ due date "abc" is neither/],
    ['due-date', `camunda:formKey="approval" camunda:candidateGroups="archivist" camunda:dueDate="${q('="P" + string(0) + "D"')}"`, /须大于零/],
    ['due-date', `camunda:formKey="approval" camunda:candidateGroups="archivist" camunda:dueDate="${q('="P" + string(3) + "D"')}"`, null],
    ['due-date', `camunda:formKey="approval" camunda:candidateGroups="archivist" camunda:dueDate="${q('=decision')}"`, null],
    ['business-roles', `camunda:formKey="approval" camunda:candidateGroups="${q('="jani" + "tor"')}" camunda:dueDate="P3D"`, /未知角色 \/ Unknown role "janitor"/],
    ['business-roles', `camunda:formKey="approval" camunda:candidateGroups="${q('="archi" + "vist"')}" camunda:dueDate="P3D"`, null],
    ['user-task-assignment', `camunda:formKey="approval" camunda:assignee="=99999" camunda:dueDate="P3D"`, /办理人编号 99999 不是可办理业务的在用账号/],
    ['user-task-assignment', `camunda:formKey="approval" camunda:assignee="${q('="abc"')}" camunda:dueDate="P3D"`, /不是用户编号/],
    ['user-task-assignment', `camunda:formKey="approval" camunda:assignee="=${archivist}" camunda:dueDate="P3D"`, null],
  ];
  for (const [rule, attrs, rx] of cases) {
    const body = await validate(chain('feelConst', attrs));
    const mine = at(body, 'archivistReview');
    if (rx === null) {
      t.deepEqual(body.errors, [], attrs);
      continue;
    }
    t.false(body.ok, attrs);
    t.is(mine.length, 1, `${attrs}: ${JSON.stringify(body.errors)}`);
    t.is(mine[0].rule, `dangan/${rule}`, attrs);
    t.regex(mine[0].message, rx, attrs);
  }
});

for (const [label, attrs, rx] of [
  ['a due date that gives no date', `camunda:formKey="approval" camunda:candidateGroups="archivist" camunda:dueDate="=decision"`, /archivistReview.*办理期限 =decision.*既不是时长也不是日期.* \/ .*due date =decision: due date "approve" is neither/],
  ['a due date reading a variable the case lacks', `camunda:formKey="approval" camunda:candidateGroups="archivist" camunda:dueDate="=missingDue"`, /办理期限“=missingDue”无法计算 \/ .*cannot be computed/],
  ['a form key that names no form', `camunda:formKey="=decision" camunda:candidateGroups="archivist" camunda:dueDate="P3D"`, /表单“approve”不存在，任务无法办理 \/ .*form "approve" does not exist/],
] as const) {
  test.serial(`forced past the lint, ${label}: the approval is not lost — 422 to the approver and an incident at the step`, async (t) => {
    const key = `forcedFeel${randomUUID().slice(0, 8)}`;
    await forceDeployment(db(), key, chain(key, attrs));
    const applicant = await sys.as('applicant1');
    const started = await applicant.post('/api/process-instances', { processKey: key, variables: {} });
    t.is(started.status, 201, JSON.stringify(started.body));
    const id = started.body.id;
    const head = await sys.as('unithead1');
    const task = await taskAt(head, id, 'unitHeadReview');
    const res = await head.post(`/api/tasks/${task.id}/complete`, { variables: approve() });
    t.is(res.status, 422, JSON.stringify(res.body));
    t.is(res.body.code, 'PROCESS_ERROR');
    await sys.services.engine.incidentsSettled();
    t.is(await db()('tasks').where({ instance_id: id, element_id: 'archivistReview' }).first(), undefined, 'no task without its form or deadline');
    t.is((await taskAt(head, id, 'unitHeadReview'))?.id, task.id, 'the head can approve again once it is mended');
    const jobs = await db()('jobs').where({ instance_id: id, status: 'incident' });
    t.is(jobs.length, 1);
    t.is(jobs[0].element_id, 'archivistReview');
    t.regex(jobs[0].last_error, rx);
    t.is((await db()('process_instances').where({ id }).first()).status, 'incident');
  });
}
