// The requester's side over HTTP: my applications, withdrawal (only the applicant, only before any
// decision, never crossing a decision), comments, the diagram of the case's own version, forms,
// the task's own flags and the public bootstrap.
import test from 'ava';
import { borrowingVariables, demoCadre } from '../../test/helpers/cases.ts';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import { approve, orgId, taskAt } from '../../test/helpers/workflow.ts';
import { addUser } from '../../test/helpers/users.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
  await addUser(sys, { username: 'archivist2', displayName: '孟凡', org: '150300-ZZB-DAS', roles: ['archivist'] });
  await addUser(sys, { username: 'applicant3', displayName: '钱晓东', org: '150300-JW', roles: ['applicant'] });
});
test.after.always(async () => {
  await sys?.close();
});

async function apply(username = 'applicant1', reason = '拟提拔考察，需查阅干部档案。') {
  const applicant = await sys.as(username);
  const res = await applicant.post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(sys, username, await demoCadre(sys), { purpose: '2', mode: 'electronic', reason }),
  });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return { applicant, id: res.body.id as string };
}

const auditRows = (action: string, objectId: string) =>
  sys.services.db('audit_log').where({ action, object_id: objectId }).select('actor', 'outcome', 'detail');

test.serial('my applications: newest first, with the step each is at and whether it can be withdrawn', async (t) => {
  const first = await apply();
  sys.clock.advance(60_000);
  const second = await apply();
  // A colleague's request that does not name applicant1 (a request naming them is theirs too: 共同申请).
  const applicant3 = (await sys.services.db('users').where({ username: 'applicant3' }).first()).id;
  const others = await (await sys.as('applicant2')).post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(sys, 'applicant2', await demoCadre(sys), { purpose: '6', mode: 'onsite', reason: '了解干部情况。', coApplicants: [String(applicant3)] }),
  });
  const unitHead = await sys.as('unithead1');
  const task = await taskAt(unitHead, first.id, 'unitHeadReview');
  await unitHead.post(`/api/tasks/${task.id}/complete`, { variables: approve() });

  const list = await second.applicant.get('/api/applications');
  t.is(list.status, 200);
  const mine = list.body.items.filter((a: any) => [first.id, second.id].includes(a.id));
  t.deepEqual(mine.map((a: any) => a.id), [second.id, first.id]);
  t.is(others.status, 201);
  t.false(list.body.items.some((a: any) => a.id === others.body.id), "nobody else's applications");
  t.is(list.body.total, 2);
  t.like(mine[0], { processName: '查阅/借阅干部人事档案', status: 'running', currentSteps: ['单位负责人审核'], canWithdraw: true });
  t.like(mine[1], { status: 'running', currentSteps: ['档案管理员受理审查'], canWithdraw: false });
  t.is((await second.applicant.get('/api/applications?state=closed')).body.total, 0);
  t.is((await (await sys.as('procadmin')).get('/api/applications')).status, 403);
});

test.serial('withdrawal: only the applicant, with a reason; the case ends, its tasks leave every inbox, audited', async (t) => {
  const { applicant, id } = await apply();
  const unitHead = await sys.as('unithead1');
  const task = await taskAt(unitHead, id, 'unitHeadReview');

  const byApprover = await unitHead.post(`/api/process-instances/${id}/withdraw`, { reason: '不想要了' });
  t.is(byApprover.status, 403, 'involved, but not the applicant');
  const byStranger = await (await sys.as('receiver1')).post(`/api/process-instances/${id}/withdraw`, { reason: '不想要了' });
  t.is(byStranger.status, 404, 'outside the case: same as absent');
  t.is(byStranger.body.code, 'NOT_FOUND');
  const noReason = await applicant.post(`/api/process-instances/${id}/withdraw`, { reason: ' ' });
  t.is(noReason.status, 400);
  t.is(noReason.body.code, 'VALIDATION_FAILED');
  t.is((await sys.services.db('process_instances').where({ id }).first()).status, 'running', 'nothing changed so far');

  const ok = await applicant.post(`/api/process-instances/${id}/withdraw`, { reason: '查阅事由已取消。' });
  t.is(ok.status, 200);
  t.deepEqual(ok.body, { id, status: 'terminated', outcome: 'withdrawn' });
  const inst = await applicant.get(`/api/process-instances/${id}`);
  t.like(inst.body, { status: 'terminated', outcome: 'withdrawn', endReason: '查阅事由已取消。', canWithdraw: false });
  t.is((await sys.services.db('tasks').where({ id: task.id }).first()).status, 'cancelled');
  t.falsy(await taskAt(unitHead, id, 'unitHeadReview'));
  const rows = await auditRows('instance.withdraw', id);
  t.is(rows.length, 1);
  t.is(rows[0].actor, 'applicant1');
  t.false(String(rows[0].detail).includes('查阅事由'), 'no free text in the audit detail');
  // The applicant withdrew it: no "您的申请已终止 … 审批意见请登录查看" mail to them.
  t.deepEqual(await sys.services.db('mail_outbox').where({ instance_id: id, event: 'application_decided' }).select('id'), []);

  const again = await applicant.post(`/api/process-instances/${id}/withdraw`, { reason: '再撤一次。' });
  t.is(again.status, 409);
  t.is(again.body.code, 'INSTANCE_NOT_ACTIVE');
  const listed = (await applicant.get('/api/applications?state=closed')).body.items.find((a: any) => a.id === id);
  t.like(listed, { status: 'terminated', outcome: 'withdrawn', canWithdraw: false });
});

test.serial('no withdrawal once an approver has decided: 409 ALREADY_DECIDED and the case goes on', async (t) => {
  const { applicant, id } = await apply();
  const unitHead = await sys.as('unithead1');
  await unitHead.post(`/api/tasks/${(await taskAt(unitHead, id, 'unitHeadReview')).id}/complete`, { variables: approve() });
  const res = await applicant.post(`/api/process-instances/${id}/withdraw`, { reason: '查阅事由已取消。' });
  t.is(res.status, 409);
  t.is(res.body.code, 'ALREADY_DECIDED');
  t.truthy(await taskAt(await sys.as('archivist1'), id, 'archivistReview'));
  t.is((await auditRows('instance.withdraw', id)).length, 0);
});

test.serial('a withdrawal racing a decision: exactly one wins', async (t) => {
  for (let round = 0; round < 3; round++) {
    const { applicant, id } = await apply();
    const unitHead = await sys.as('unithead1');
    const task = await taskAt(unitHead, id, 'unitHeadReview');
    const [w, c] = await Promise.all([
      applicant.post(`/api/process-instances/${id}/withdraw`, { reason: '查阅事由已取消。' }),
      unitHead.post(`/api/tasks/${task.id}/complete`, { variables: approve() }),
    ]);
    t.is([w.status, c.status].filter((s) => s === 200).length, 1, `round ${round}: ${w.status}/${c.status}`);
    const inst = await sys.services.db('process_instances').where({ id }).first();
    const completed = await sys.services.db('tasks').where({ instance_id: id, status: 'completed' });
    if (w.status === 200) {
      t.is(inst.status, 'terminated');
      t.is(completed.length, 0);
    } else {
      t.is(w.body.code, 'ALREADY_DECIDED');
      t.is(inst.status, 'running');
      t.is(completed.length, 1);
    }
  }
});

test.serial('comments: the people of the case read and write them; strangers get 404; closed cases take none', async (t) => {
  const { applicant, id } = await apply();
  const unitHead = await sys.as('unithead1');
  const added = await unitHead.post(`/api/process-instances/${id}/comments`, { body: '请补充单位介绍信。' });
  t.is(added.status, 201);
  t.like(added.body, { authorName: '张志强', body: '请补充单位介绍信。' });
  t.is((await applicant.post(`/api/process-instances/${id}/comments`, { body: '已补充，见附件。' })).status, 201);
  const list = await applicant.get(`/api/process-instances/${id}/comments`);
  t.deepEqual(list.body.map((c: any) => c.body), ['请补充单位介绍信。', '已补充，见附件。']);
  const stranger = await sys.as('receiver1');
  t.is((await stranger.get(`/api/process-instances/${id}/comments`)).status, 404);
  t.is((await stranger.post(`/api/process-instances/${id}/comments`, { body: '路过' })).status, 404);
  t.is((await applicant.post(`/api/process-instances/${id}/comments`, { body: 'x'.repeat(2001) })).status, 400);
  t.is((await auditRows('case.comment', id)).length, 2);
  await applicant.post(`/api/process-instances/${id}/withdraw`, { reason: '查阅事由已取消。' });
  const late = await applicant.post(`/api/process-instances/${id}/comments`, { body: '还有一句。' });
  t.is(late.status, 409);
  t.is(late.body.code, 'INSTANCE_NOT_ACTIVE');
  t.is((await applicant.get(`/api/process-instances/${id}/comments`)).body.length, 2);
});

test.serial("the diagram is the case's own version, with done and active steps; strangers get 404", async (t) => {
  const { applicant, id } = await apply();
  const unitHead = await sys.as('unithead1');
  await unitHead.post(`/api/tasks/${(await taskAt(unitHead, id, 'unitHeadReview')).id}/complete`, { variables: approve() });
  const original = (await sys.services.db('process_deployments').where({ process_key: 'borrowing', version: 1 }).first()).xml;

  const d = await applicant.get(`/api/process-instances/${id}/diagram`);
  t.is(d.status, 200);
  t.is(d.body.version, 1);
  t.is(d.body.xml, original);
  t.deepEqual(d.body.activeElements, ['archivistReview']);
  for (const el of ['start', 'checkRequest', 'route', 'unitHeadReview', 'unitHeadDecision']) t.true(d.body.doneElements.includes(el), el);
  t.false(d.body.doneElements.includes('archivistReview'));
  t.is((await (await sys.as('receiver1')).get(`/api/process-instances/${id}/diagram`)).status, 404);

  // A new version does not change what an older case shows.
  const v2 = original.replace('name="单位负责人审核"', 'name="单位负责人审核（新版）"');
  const dep = await (await sys.as('procadmin')).request('POST', '/api/process-definitions', v2, { 'content-type': 'application/xml' });
  t.is(dep.status, 201);
  t.is(dep.body.version, 2);
  t.is((await applicant.get(`/api/process-instances/${id}/diagram`)).body.xml, original);
  const latest = await applicant.get('/api/process-definitions/borrowing/diagram');
  t.is(latest.status, 200);
  t.is(latest.body.version, 2);
  t.is((await (await sys.as('archivist1')).get('/api/process-definitions/borrowing/diagram')).status, 404, 'not a starter');
});

test.serial('the case view names the people and says who may withdraw; the task says what I may do', async (t) => {
  const { applicant, id } = await apply();
  const inst = await applicant.get(`/api/process-instances/${id}`);
  t.like(inst.body, {
    processName: '查阅/借阅干部人事档案',
    subject: '电子查阅：拟提拔考察，需查阅干部档案。',
    initiatorName: '王建国',
    initiatorOrgName: '乌海市纪委监委',
    startFormKey: 'borrowing-start',
    canWithdraw: true,
  });
  const unitHead = await sys.as('unithead1');
  t.false((await unitHead.get(`/api/process-instances/${id}`)).body.canWithdraw);
  await unitHead.post(`/api/tasks/${(await taskAt(unitHead, id, 'unitHeadReview')).id}/complete`, { variables: approve('情况属实。') });

  const a1 = await sys.as('archivist1');
  const a2 = await sys.as('archivist2');
  const task = await taskAt(a1, id, 'archivistReview');
  t.like((await a1.get(`/api/tasks/${task.id}`)).body, { canClaim: true, canComplete: true, canUnclaim: false, dueState: 'later' });
  await a1.post(`/api/tasks/${task.id}/claim`);
  t.like((await a1.get(`/api/tasks/${task.id}`)).body, { canClaim: false, canComplete: true, canUnclaim: true, assigneeName: '刘晓燕' });
  const other = await a2.get(`/api/tasks/${task.id}`);
  t.is(other.status, 200, 'a colleague of the group sees who holds it');
  t.like(other.body, { canClaim: false, canComplete: false, assigneeName: '刘晓燕' });
  t.is((await (await sys.as('receiver1')).get(`/api/tasks/${task.id}`)).status, 404);

  const view = await applicant.get(`/api/process-instances/${id}`);
  const decided = view.body.tasks.find((x: any) => x.elementId === 'unitHeadReview');
  t.like(decided, { completedByName: '张志强', outcome: 'approve', comment: '情况属实。' });
});

test.serial("the archive office's staff read the cases that went through the office, except one about a cadre they must avoid", async (t) => {
  const read = async (username: string, id: string) => (await (await sys.as(username)).get(`/api/process-instances/${id}`)).status;
  // Before the case reaches the office, the office has no part in it.
  const { id } = await apply();
  t.is(await read('chief1', id), 404);
  t.is(await read('archivist2', id), 404);
  const unitHead = await sys.as('unithead1');
  await unitHead.post(`/api/tasks/${(await taskAt(unitHead, id, 'unitHeadReview')).id}/complete`, { variables: approve('同意。') });
  // At the office: the chief, whose own step has not come, and every archivist read it, with its
  // comments and diagram; another office, a leader above and the process administrator do not.
  t.is(await read('chief1', id), 200);
  t.is(await read('archivist2', id), 200);
  t.is((await (await sys.as('chief1')).get(`/api/process-instances/${id}/comments`)).status, 200);
  t.is((await (await sys.as('chief1')).get(`/api/process-instances/${id}/diagram`)).status, 200);
  for (const other of ['receiver1', 'leader1', 'procadmin']) t.is(await read(other, id), 404, other);
  // The office reads it; only the applicant withdraws it.
  t.is((await (await sys.as('chief1')).post(`/api/process-instances/${id}/withdraw`, { reason: '代为撤回' })).status, 403);

  // A case about the chief's relative: the office's colleague reads it, she does not.
  const db = sys.services.db;
  const chief = await db('users').where({ username: 'chief1' }).first('id');
  const tied = new Set((await sys.services.access.excludedCadreIds(db, chief.id)) as number[]);
  const relative = await db('cadres as c')
    .join('archives as a', 'a.cadre_id', 'c.id')
    .whereIn('c.id', [...tied])
    .where({ 'a.kind': 'original', 'a.status': 'in_stock', 'a.custodian_org_id': await orgId(sys, '150300-ZZB-DAS') })
    .first('c.id', 'c.name', 'c.id_number', 'c.management_level', 'a.id as archive_id', 'a.custodian_org_id');
  t.truthy(relative, 'the demo holds a relative of chief1 in her office');
  const applicant = await sys.as('applicant1');
  const started = await applicant.post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(
      sys,
      'applicant1',
      { id: relative.id, name: relative.name, idNumber: relative.id_number, level: relative.management_level, archiveId: relative.archive_id, custodianOrgId: relative.custodian_org_id },
      { purpose: '2', mode: 'electronic', reason: '拟提拔考察，需查阅干部档案。' },
    ),
  });
  t.is(started.status, 201, JSON.stringify(started.body));
  await unitHead.post(`/api/tasks/${(await taskAt(unitHead, started.body.id, 'unitHeadReview')).id}/complete`, { variables: approve('同意。') });
  t.is(await read('archivist2', started.body.id), 200);
  t.is(await read('chief1', started.body.id), 404);
});

test.serial('forms, org lookups and the public bootstrap', async (t) => {
  const applicant = await sys.as('applicant1');
  const form = await applicant.get('/api/forms/approval');
  t.is(form.status, 200);
  t.is(form.body.components[0].key, 'decision');
  t.is((await applicant.get('/api/forms/nope')).status, 404);
  t.is((await applicant.get('/api/forms/a.b')).status, 400);
  const custodians = await applicant.get('/api/lookups/org-units?custodian=true');
  t.deepEqual(custodians.body.map((o: any) => o.name), ['乌海市委组织部干部档案室', '海勃湾区委组织部干部档案室']);

  const anon = await sys.client().get('/api/ui/bootstrap');
  t.is(anon.status, 200);
  t.is(anon.body.user, null);
  t.like(anon.body.settings, { sessionIdleSeconds: 600, pollSeconds: 15, dueSoonHours: 24 });
  const me = await applicant.get('/api/ui/bootstrap');
  t.like(me.body.user, { username: 'applicant1', displayName: '王建国' });
  t.is((await sys.client().get('/api/lookups/org-units')).status, 401);
});
