// Who learns what about a task by its id, and what the inbox search finds:
// - a task outside the caller's scope reads as 404 from every task route (claim, unclaim,
//   complete, 转办), like a made-up id; 403 only for a task the caller knows of (the archive chief
//   sees the office's tasks in 督办) but may not work;
// - a task no longer to be done says why (withdrawn, terminated, done by another) without the
//   case's content when the caller may no longer read the case;
// - the inbox search matches the case's cadre by name and 档案号, for the caller's own tasks only.
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { borrowingVariables, demoCadre, type DemoCadre } from '../helpers/cases.ts';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { approve, taskAt } from '../helpers/workflow.ts';
import { addUser } from '../helpers/users.ts';

let sys: TestSystem;

async function apply(cadre: DemoCadre, reason = '拟提拔考察，需查阅干部档案。') {
  const res = await (await sys.as('applicant1')).post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(sys, 'applicant1', cadre, { purpose: '2', mode: 'electronic', reason }),
  });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body.id as string;
}

const archiveNo = async (cadre: DemoCadre) => (await sys.services.db('archives').where({ id: cadre.archiveId }).first('archive_no')).archive_no as string;

test.before(async () => {
  sys = await startSystem();
  // A second unit head of the same unit: a colleague of the group.
  await addUser(sys, { username: 'unithead9', displayName: '韩立平', org: '150300-JW', roles: ['unit_head'] });
});
test.after.always(async () => {
  await sys?.close();
});

test.serial('a task outside my scope answers 404 to claim, unclaim, complete and 转办, like a made-up id; 403 only for one I know of', async (t) => {
  const id = await apply(await demoCadre(sys, 'county', 11));
  const unitHead = await sys.as('unithead1');
  const task = await taskAt(unitHead, id, 'unitHeadReview');
  const archivist = await sys.as('archivist1');
  const made = randomUUID();
  for (const [method, path, body] of [
    ['get', '', undefined],
    ['post', '/claim', undefined],
    ['post', '/unclaim', undefined],
    ['post', '/complete', { variables: approve() }],
    ['get', '/reassign-candidates', undefined],
    ['post', '/reassign', { userId: 1, reason: '出差，请同事办理。' }],
  ] as const) {
    for (const tid of [task.id, made]) {
      const r = method === 'get' ? await archivist.get(`/api/tasks/${tid}${path}`) : await archivist.post(`/api/tasks/${tid}${path}`, body);
      t.is(r.status, 404, `${method} ${path} ${tid === made ? 'made-up' : 'real'}`);
      t.is(r.body.code, 'NOT_FOUND');
    }
  }
  // Nothing moved.
  const row = await sys.services.db('tasks').where({ id: task.id }).first();
  t.is(row.status, 'open');
  t.is(row.assignee_id, null);

  // The archivists' step: the chief of the office lists it in 督办, so he knows of it; he may not work it.
  await unitHead.post(`/api/tasks/${task.id}/complete`, { variables: approve() });
  const step = await taskAt(archivist, id, 'archivistReview');
  const chief = await sys.as('chief1');
  t.true((await chief.get('/api/tasks/office')).body.items.some((x: any) => x.id === step.id));
  const claim = await chief.post(`/api/tasks/${step.id}/claim`);
  t.is(claim.status, 403);
  t.is(claim.body.code, 'NOT_CANDIDATE');
  const done = await chief.post(`/api/tasks/${step.id}/complete`, { variables: approve() });
  t.is(done.status, 403);
  t.is(done.body.code, 'NOT_CANDIDATE');
  // Another office's archivist: 404 as before.
  t.is((await (await sys.as('receiver1')).post(`/api/tasks/${step.id}/claim`)).status, 404);
});

test.serial('a colleague of the group sees a task another finished: 已由他人办理 by name, and claiming it answers 409', async (t) => {
  const id = await apply(await demoCadre(sys, 'county', 12));
  const unitHead = await sys.as('unithead1');
  const task = await taskAt(unitHead, id, 'unitHeadReview');
  t.is((await unitHead.post(`/api/tasks/${task.id}/claim`)).status, 200);
  t.is((await unitHead.post(`/api/tasks/${task.id}/complete`, { variables: approve('同意查阅。') })).status, 200);
  const colleague = await sys.as('unithead9');
  const seen = await colleague.get(`/api/tasks/${task.id}`);
  t.is(seen.status, 200);
  t.is(seen.body.status, 'completed');
  t.is(seen.body.closedReason, 'doneByOther');
  t.is(seen.body.completedByName, '张志强');
  t.false(seen.body.caseReadable);
  t.is(seen.body.subject, null);
  t.is(seen.body.comment, null);
  t.is(seen.body.form, null);
  t.false(seen.body.canComplete);
  const claim = await colleague.post(`/api/tasks/${task.id}/claim`);
  t.is(claim.status, 409);
  t.is(claim.body.code, 'TASK_NOT_OPEN');
  // The one who did it reads it as his own, with the case.
  const own = (await unitHead.get(`/api/tasks/${task.id}`)).body;
  t.is(own.closedReason, 'done');
  t.true(own.caseReadable);
  t.is(own.comment, '同意查阅。');
});

test.serial('a withdrawn case’s task says 申请人已撤回 without the case; one the administrator cancelled says terminated', async (t) => {
  const id = await apply(await demoCadre(sys, 'county', 13), '撤回测试：核对学历材料。');
  const unitHead = await sys.as('unithead1');
  const task = await taskAt(unitHead, id, 'unitHeadReview');
  t.is((await (await sys.as('applicant1')).post(`/api/process-instances/${id}/withdraw`, { reason: '材料不全，撤回重报。' })).status, 200);
  t.is((await unitHead.get(`/api/process-instances/${id}`)).status, 404, 'the case is no longer his to read');
  const r = await unitHead.get(`/api/tasks/${task.id}`);
  t.is(r.status, 200);
  t.is(r.body.status, 'cancelled');
  t.is(r.body.closedReason, 'withdrawn');
  t.false(r.body.caseReadable);
  t.is(r.body.subject, null);
  t.is(r.body.form, null);
  t.false(r.body.canComplete);
  t.false(r.body.canClaim);

  const id2 = await apply(await demoCadre(sys, 'county', 14));
  const task2 = await taskAt(unitHead, id2, 'unitHeadReview');
  t.is((await (await sys.as('procadmin')).post(`/api/admin/instances/${id2}/cancel`, { reason: '重复申请，予以终止。' })).status, 200);
  const r2 = await unitHead.get(`/api/tasks/${task2.id}`);
  t.is(r2.status, 200);
  t.is(r2.body.closedReason, 'terminated');
  t.is(r2.body.subject, null);
  // An open task names no reason.
  const id3 = await apply(await demoCadre(sys, 'county', 15));
  const open = await unitHead.get(`/api/tasks/${(await taskAt(unitHead, id3, 'unitHeadReview')).id}`);
  t.is(open.body.closedReason, null);
  t.true(open.body.caseReadable);
  t.truthy(open.body.subject);
});

test.serial('the inbox search finds a case by its cadre’s name and 档案号, in my own tasks only', async (t) => {
  const cadre = await demoCadre(sys, 'county', 16);
  const id = await apply(cadre, '检索测试：核对工作经历。');
  const no = await archiveNo(cadre);
  const unitHead = await sys.as('unithead1');
  const ids = async (u: Awaited<ReturnType<typeof sys.as>>, q: string) =>
    (await u.get(`/api/tasks?q=${encodeURIComponent(q)}&limit=200`)).body.items.map((x: any) => x.instanceId);
  t.true((await ids(unitHead, cadre.name)).includes(id), 'by name');
  t.true((await ids(unitHead, no)).includes(id), 'by 档案号');
  t.true((await ids(unitHead, no.toLowerCase())).includes(id), 'case-insensitive');
  // A wildcard is text, not a pattern.
  t.deepEqual(await ids(unitHead, '%'), []);
  // The archivists are not yet offered this case: their search finds nothing of it.
  const archivist = await sys.as('archivist1');
  t.false((await ids(archivist, cadre.name)).includes(id));
  t.false((await ids(archivist, no)).includes(id));
  // Once it is theirs, it is found; the completed list of the unit head finds it too.
  const step = await taskAt(unitHead, id, 'unitHeadReview');
  t.is((await unitHead.post(`/api/tasks/${step.id}/complete`, { variables: approve() })).status, 200);
  t.true((await ids(archivist, cadre.name)).includes(id));
  t.true((await ids(archivist, no)).includes(id));
  const completed = (await unitHead.get(`/api/tasks?filter=completed&q=${encodeURIComponent(no)}`)).body.items.map((x: any) => x.instanceId);
  t.deepEqual(completed, [id]);
});
