// The first borrowing process (unit head → archivist → archive chief), walked over HTTP by the
// demo users, on the real processes/borrowing.bpmn.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { approve, completeAt, orgId, reject, taskAt } from '../helpers/workflow.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

async function startBorrowing() {
  const applicant = await sys.as('applicant1');
  const custodianOrgId = await orgId(sys, '150300-ZZB-DAS');
  const res = await applicant.post('/api/process-instances', {
    processKey: 'borrowing',
    variables: { custodianOrgId, purpose: '2', mode: 'electronic', reason: '拟提拔考察，需查阅干部档案。' },
  });
  return { applicant, res };
}

test.serial('given an application, when every approver agrees, then the case ends approved', async (t) => {
  const { res } = await startBorrowing();
  t.is(res.status, 201);
  t.deepEqual(res.body.activeElements, ['unitHeadReview']);
  const id = res.body.id;

  const unitHead = await sys.as('unithead1');
  const archivist = await sys.as('archivist1');
  const chief = await sys.as('chief1');

  // Only the unit head of the applicant's unit sees the first task.
  t.truthy(await taskAt(unitHead, id, 'unitHeadReview'));
  t.falsy(await taskAt(archivist, id, 'unitHeadReview'));

  t.is((await completeAt(unitHead, id, 'unitHeadReview', approve())).status, 200);
  t.truthy(await taskAt(archivist, id, 'archivistReview'));
  // The archivist of the other custodian office is not offered it.
  t.falsy(await taskAt(await sys.as('receiver1'), id, 'archivistReview'));

  t.is((await completeAt(archivist, id, 'archivistReview', approve('材料齐全，予以受理。'))).status, 200);
  const last = await completeAt(chief, id, 'chiefApproval', approve('同意查阅。'));
  t.is(last.status, 200);
  t.is(last.body.instance.status, 'completed');

  const inst = await (await sys.as('applicant1')).get(`/api/process-instances/${id}`);
  t.is(inst.status, 200);
  t.is(inst.body.status, 'completed');
  t.deepEqual(inst.body.activeElements, []);
  const ended = inst.body.history.filter((h: any) => h.event === 'end').map((h: any) => h.elementId);
  t.true(ended.includes('approved'));
  t.false(ended.includes('rejected'));
  const byStep = Object.fromEntries(inst.body.history.filter((h: any) => h.event === 'end' && h.elementType === 'bpmn:UserTask').map((h: any) => [h.elementId, h.actor]));
  t.deepEqual(byStep, { unitHeadReview: '张志强', archivistReview: '刘晓燕', chiefApproval: '陈立新' });
  t.true(inst.body.tasks.every((task: any) => task.status === 'completed' && task.outcome === 'approve'));
});

test.serial('given an application, when the unit head disagrees, then it ends rejected and nobody else is asked', async (t) => {
  const { res } = await startBorrowing();
  const id = res.body.id;
  const unitHead = await sys.as('unithead1');
  const done = await completeAt(unitHead, id, 'unitHeadReview', reject());
  t.is(done.status, 200);
  t.is(done.body.instance.status, 'completed');
  const inst = await unitHead.get(`/api/process-instances/${id}`);
  t.true(inst.body.history.some((h: any) => h.elementId === 'rejected' && h.event === 'end'));
  t.falsy(await taskAt(await sys.as('archivist1'), id, 'archivistReview'));
  t.is(inst.body.tasks.length, 1);
});

test.serial('the chief can reject after the archivist accepted', async (t) => {
  const { res } = await startBorrowing();
  const id = res.body.id;
  await completeAt(await sys.as('unithead1'), id, 'unitHeadReview', approve());
  await completeAt(await sys.as('archivist1'), id, 'archivistReview', approve());
  const done = await completeAt(await sys.as('chief1'), id, 'chiefApproval', reject('目的与查阅内容不符。'));
  t.is(done.body.instance.status, 'completed');
  const inst = await (await sys.as('chief1')).get(`/api/process-instances/${id}`);
  t.true(inst.body.history.some((h: any) => h.elementId === 'rejected' && h.event === 'end'));
});

test.serial('the wrong user gets 403 NOT_CANDIDATE; a finished task gets 409 TASK_NOT_OPEN', async (t) => {
  const { res } = await startBorrowing();
  const id = res.body.id;
  const unitHead = await sys.as('unithead1');
  const task = await taskAt(unitHead, id, 'unitHeadReview');
  const archivist = await sys.as('archivist1');
  const wrong = await archivist.post(`/api/tasks/${task.id}/complete`, { variables: approve() });
  t.is(wrong.status, 403);
  t.is(wrong.body.code, 'NOT_CANDIDATE');
  const applicant = await sys.as('applicant1');
  const notAllowed = await applicant.post(`/api/tasks/${task.id}/complete`, { variables: approve() });
  t.is(notAllowed.status, 403);

  t.is((await unitHead.post(`/api/tasks/${task.id}/complete`, { variables: approve() })).status, 200);
  const again = await unitHead.post(`/api/tasks/${task.id}/complete`, { variables: approve() });
  t.is(again.status, 409);
  t.is(again.body.code, 'TASK_NOT_OPEN');
});

test.serial('a decision without a comment is refused with the field named, and nothing moves', async (t) => {
  const { res } = await startBorrowing();
  const unitHead = await sys.as('unithead1');
  const task = await taskAt(unitHead, res.body.id, 'unitHeadReview');
  const bad = await unitHead.post(`/api/tasks/${task.id}/complete`, { variables: { decision: 'approve' } });
  t.is(bad.status, 400);
  t.is(bad.body.code, 'VALIDATION_FAILED');
  t.true(bad.body.details.some((d: any) => d.field === 'comment'));
  const odd = await unitHead.post(`/api/tasks/${task.id}/complete`, { variables: { decision: 'maybe', comment: '看看再说' } });
  t.is(odd.status, 400);
  t.truthy(await taskAt(unitHead, res.body.id, 'unitHeadReview'));
});

test.serial('an application naming a unit that holds no archives is refused with the rule', async (t) => {
  const applicant = await sys.as('applicant1');
  const before = await sys.services.db('process_instances').count({ n: '*' });
  const res = await applicant.post('/api/process-instances', {
    processKey: 'borrowing',
    variables: { custodianOrgId: await orgId(sys, '150300-JW'), purpose: '2', mode: 'onsite', reason: '工作需要查阅。' },
  });
  t.is(res.status, 422);
  t.is(res.body.code, 'RULE_VIOLATION');
  t.is(res.body.details.rule, 'custodian');
  const after = await sys.services.db('process_instances').count({ n: '*' });
  t.deepEqual(after, before);
});

test.serial('claim and unclaim: a claimed task leaves the group and comes back', async (t) => {
  const { res } = await startBorrowing();
  const id = res.body.id;
  await completeAt(await sys.as('unithead1'), id, 'unitHeadReview', approve());
  const archivist = await sys.as('archivist1');
  const task = await taskAt(archivist, id, 'archivistReview');
  const claimed = await archivist.post(`/api/tasks/${task.id}/claim`);
  t.is(claimed.status, 200);
  t.is(claimed.body.assigneeId, (await archivist.get('/api/me')).body.id);
  const mine = await archivist.get('/api/tasks?filter=mine');
  t.true(mine.body.items.some((x: any) => x.id === task.id));
  const offered = await archivist.get('/api/tasks?filter=candidate');
  t.false(offered.body.items.some((x: any) => x.id === task.id));
  t.is((await archivist.post(`/api/tasks/${task.id}/unclaim`)).status, 200);
  const back = await archivist.get('/api/tasks?filter=candidate');
  t.true(back.body.items.some((x: any) => x.id === task.id));
});
