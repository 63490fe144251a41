// 办理回避 (server/workflow/bars.ts): the initiator and the co-applicants of a case are never
// candidates of a group step of their own case, and whoever completed a step of a case in one role
// works no step of it in another (two levels of approval need two people). Through the avoidance
// path: not offered (task_offered), not in the inbox or its counts, 404 on the task page, claim,
// complete and 转办 like absent with a denied audit row, nothing written; the other holders of the
// role work the step; consecutive steps of one role by one person stay allowed; a step nobody is left
// to work is told as unstaffed.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { actor, asAdmin } from '../helpers/notify.ts';
import { approve } from '../helpers/workflow.ts';
import { approveStep, borrowingVariables, copyVariables, demoCadre, todayIn, type DemoCadre } from '../helpers/cases.ts';
import type { HttpClient } from '../helpers/http.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const HOUR = 3_600_000;

/** The security administrator sets the user's roles the way the console does (PUT /api/admin/users/:id/roles). */
async function setRoles(username: string, roles: string[]): Promise<void> {
  const sec = await asAdmin(sys, 'secadmin');
  const me = await actor(sys, username);
  const res = await sec.request('PUT', `/api/admin/users/${me.id}/roles`, { roles });
  if (res.status !== 200) throw new Error(`roles: ${res.status} ${JSON.stringify(res.body)}`);
}

async function start(applicant: string, cadre: DemoCadre, over: Record<string, unknown> = {}): Promise<string> {
  const c = await sys.as(applicant);
  const res = await c.post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, applicant, cadre, over) });
  if (res.status !== 201) throw new Error(`start: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

const openTask = (instanceId: string, elementId: string) => db()('tasks').where({ instance_id: instanceId, element_id: elementId, status: 'open' }).first();
const offeredTo = async (taskId: string) =>
  (await db()('mail_outbox').where({ event: 'task_offered' }).select('recipient_id', 'link')).filter((m: any) => m.link.includes(taskId)).map((m: any) => m.recipient_id as number);

/**
 * Everything a barred user tries on the task is refused as absent, audited with `reason`, and changes
 * nothing. `answersFor`: the archive chief of the task's office, who may hand it on (转办, 督办), reads
 * it — told why he cannot work it (`bar`), offered neither claim nor complete — but works it no more.
 */
async function assertRefused(t: any, c: HttpClient, taskId: string, reason: string, opts: { answersFor?: boolean } = {}) {
  const inbox = (await c.get('/api/tasks?filter=open&limit=200')).body.items.map((x: any) => x.id);
  t.false(inbox.includes(taskId), 'not in the inbox');
  t.false((await c.get('/api/tasks?filter=candidate&limit=200')).body.items.some((x: any) => x.id === taskId), 'not offered in the inbox');
  const before = await db()('tasks').where({ id: taskId }).first();
  if (opts.answersFor) {
    const page = await c.get(`/api/tasks/${taskId}`);
    t.is(page.status, 200, JSON.stringify(page.body));
    t.like(page.body, { bar: reason, canClaim: false, canComplete: false, canReassign: true, blockedChoices: [] });
  }
  for (const [method, url, action] of [
    ...(opts.answersFor ? [] : ([['get', `/api/tasks/${taskId}`, 'task.view']] as const)),
    ['post', `/api/tasks/${taskId}/claim`, 'task.claim'],
    ['post', `/api/tasks/${taskId}/complete`, 'task.complete'],
  ] as const) {
    const res = method === 'get' ? await c.get(url) : await c.post(url, url.endsWith('complete') ? { variables: approve() } : {});
    t.is(res.status, 404, `${action}: ${JSON.stringify(res.body)}`);
    t.is(res.body.code, 'NOT_FOUND');
    const row = await db()('audit_log').where({ action, object_id: taskId, outcome: 'denied' }).orderBy('seq', 'desc').first();
    t.is(row && JSON.parse(row.detail).reason, reason, `${action} is audited as ${reason}`);
  }
  t.deepEqual(await db()('tasks').where({ id: taskId }).first(), before, 'nothing written to the task');
  t.is((await db()('audit_log').where({ object_id: taskId, outcome: 'success' }).whereIn('action', ['task.claim', 'task.complete'])).length, 0);
}

test.serial('an applicant who is also the unit head neither is offered nor works the 单位负责人审核 of his own request; the other unit head does', async (t) => {
  const cadre = await demoCadre(sys, 'county', 3);
  await setRoles('applicant1', ['applicant', 'unit_head']);
  t.teardown(() => setRoles('applicant1', ['applicant']));
  const me = await actor(sys, 'applicant1');
  const head = await actor(sys, 'unithead1');
  const summary = async (c: HttpClient) => (await c.get('/api/tasks/summary')).body.open;
  const applicant = await sys.as('applicant1');
  const before = await summary(applicant);

  const id = await start('applicant1', cadre, { coApplicants: [String(await actor(sys, 'applicant2').then((a) => a.id))] });
  const task = await openTask(id, 'unitHeadReview');
  t.truthy(task);
  const offered = await offeredTo(task.id);
  t.false(offered.includes(me.id), 'the applicant is not offered his own request');
  t.true(offered.includes(head.id), 'the unit’s other head is');
  t.is(await summary(applicant), before, 'not counted on his workbench');
  await assertRefused(t, applicant, task.id, 'own_request');

  // He still reads his own case, as its initiator.
  t.is((await applicant.get(`/api/process-instances/${id}`)).status, 200);

  // 转办 to him is refused like any colleague who cannot take it, and he is not proposed.
  const unithead = await sys.as('unithead1');
  const proposed = (await unithead.get(`/api/tasks/${task.id}/reassign-candidates`)).body.items?.map((x: any) => x.id) ?? [];
  t.false(proposed.includes(me.id), 'not proposed for 转办');
  const handOn = await unithead.post(`/api/tasks/${task.id}/reassign`, { userId: me.id, reason: '请他审核' });
  t.is(handOn.status, 422, JSON.stringify(handOn.body));
  t.is(handOn.body.details?.rule, 'reassign-target');
  t.like(await db()('tasks').where({ id: task.id }).first(), { assignee_id: null, status: 'open' });

  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  t.like(await db()('tasks').where({ id: task.id }).first(), { status: 'completed', completed_by: head.id });
});

test.serial('a co-applicant who is also the unit head is barred from the request as the initiator is', async (t) => {
  const cadre = await demoCadre(sys, 'county', 4);
  await setRoles('applicant2', ['applicant', 'unit_head']);
  t.teardown(() => setRoles('applicant2', ['applicant']));
  const co = await actor(sys, 'applicant2');
  const id = await start('applicant1', cadre, { coApplicants: [String(co.id)] });
  const task = await openTask(id, 'unitHeadReview');
  t.false((await offeredTo(task.id)).includes(co.id), 'the co-applicant is not offered it');
  await assertRefused(t, await sys.as('applicant2'), task.id, 'own_request');

  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
});

test.serial('the same for a copy request (复制/摘录): its applicant who is also the unit head does not 审核 it', async (t) => {
  const cadre = await demoCadre(sys, 'county', 8);
  await setRoles('applicant1', ['applicant', 'unit_head']);
  t.teardown(() => setRoles('applicant1', ['applicant']));
  const me = await actor(sys, 'applicant1');
  const res = await (await sys.as('applicant1')).post('/api/process-instances', { processKey: 'copy-request', variables: await copyVariables(sys, 'applicant1', cadre) });
  t.is(res.status, 201, JSON.stringify(res.body));
  const task = await openTask(res.body.id, 'unitHeadReview');
  t.false((await offeredTo(task.id)).includes(me.id));
  await assertRefused(t, await sys.as('applicant1'), task.id, 'own_request');
  await approveStep(sys, 'unithead1', res.body.id, 'unitHeadReview');
});

test.serial('the unit’s only unit head is the applicant: nobody may work the step, and the chief and the process administrators are told', async (t) => {
  const cadre = await demoCadre(sys, 'county', 5);
  const head = await actor(sys, 'unithead1');
  await db()('user_roles').where({ user_id: head.id, role: 'unit_head' }).delete();
  t.teardown(() => db()('user_roles').insert({ user_id: head.id, role: 'unit_head' }));
  await setRoles('applicant1', ['applicant', 'unit_head']);
  t.teardown(() => setRoles('applicant1', ['applicant']));
  const id = await start('applicant1', cadre);
  const task = await openTask(id, 'unitHeadReview');
  t.deepEqual(await offeredTo(task.id), [], 'offered to nobody');
  const unstaffed = await db()('mail_outbox').where({ instance_id: id, event: 'task_unstaffed' }).select('recipient_id', 'subject', 'body');
  const procadmin = await actor(sys, 'procadmin');
  t.true(unstaffed.some((m: any) => m.recipient_id === procadmin.id), 'the process administrators are told');
  for (const m of unstaffed) {
    t.regex(m.body, /不能办理这一环节|may work this step/);
    t.false(`${m.subject}${m.body}`.includes(cadre.name), 'the cadre is not named');
  }
});

test.serial('one archivist who is also the chief does 受理审查 but not the 审批 of the same case; the chief does; his archivist steps stay his', async (t) => {
  // The next morning, 08:00 in Beijing, so that the on-site reading below can be recorded the same day.
  sys.clock.set(new Date(Date.parse(`${todayIn(sys)}T08:00:00+08:00`) + 24 * HOUR));
  const cadre = await demoCadre(sys, 'county', 6);
  await setRoles('archivist1', ['archivist', 'archive_chief']);
  t.teardown(() => setRoles('archivist1', ['archivist']));
  const me = await actor(sys, 'archivist1');
  const chief = await actor(sys, 'chief1');

  const id = await start('applicant1', cadre, { mode: 'onsite' });
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  // The review is his as an archivist.
  await approveStep(sys, 'archivist1', id, 'archivistReview');
  const task = await openTask(id, 'chiefApproval');
  const offered = await offeredTo(task.id);
  t.false(offered.includes(me.id), 'not offered the second level');
  t.true(offered.includes(chief.id));
  const archivist = await sys.as('archivist1');
  // As the office's chief he answers for the step: he reads it, told why it is not his to work.
  await assertRefused(t, archivist, task.id, 'other_level', { answersFor: true });
  // He reads the case he worked on.
  t.is((await archivist.get(`/api/process-instances/${id}`)).status, 200);

  // The chief cannot hand it to him either.
  const c = await sys.as('chief1');
  const handOn = await c.post(`/api/tasks/${task.id}/reassign`, { userId: me.id, reason: '请他审批' });
  t.is(handOn.status, 422, JSON.stringify(handOn.body));
  t.like(await db()('tasks').where({ id: task.id }).first(), { assignee_id: null, status: 'open' });

  await approveStep(sys, 'chief1', id, 'chiefApproval');

  // The on-site reading is an archivist's step again: the same archivist is offered it and records it.
  const reading = await openTask(id, 'onsiteReading');
  t.true((await offeredTo(reading.id)).includes(me.id), 'offered his next archivist step');
  // The chief who approved works no archivist's step of the case, but still answers for it (督办):
  // he hands it on to the archivist.
  const handed = await c.post(`/api/tasks/${reading.id}/reassign`, { userId: me.id, reason: '请刘晓燕陪同查阅' });
  t.is(handed.status, 200, JSON.stringify(handed.body));
  t.is(handed.body.assigneeId, me.id);
  sys.clock.advance(4 * HOUR);
  const done = await (await sys.as('archivist1')).post(`/api/tasks/${reading.id}/complete`, {
    variables: { identityChecked: true, accompanied: true, readersSigned: true, readingDate: todayIn(sys), readingStartedAt: '09:30', readingEndedAt: '10:45', comment: '两人共同查阅，未摘抄。' },
  });
  t.is(done.status, 200, JSON.stringify(done.body));
  t.is(done.body.instance.status, 'completed');
});

test.serial('the chief who did the archivist’s review is not offered the chief’s step when he is the office’s only chief: it is told as unstaffed', async (t) => {
  const cadre = await demoCadre(sys, 'county', 7);
  const chief = await actor(sys, 'chief1');
  await db()('user_roles').insert({ user_id: chief.id, role: 'archivist' });
  t.teardown(() => db()('user_roles').where({ user_id: chief.id, role: 'archivist' }).delete());
  const id = await start('applicant1', cadre, { mode: 'onsite' });
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'chief1', id, 'archivistReview');
  const task = await openTask(id, 'chiefApproval');
  t.deepEqual(await offeredTo(task.id), []);
  const procadmin = await actor(sys, 'procadmin');
  const unstaffed = await db()('mail_outbox').where({ instance_id: id, event: 'task_unstaffed' }).select('recipient_id', 'body');
  t.deepEqual(unstaffed.map((m: any) => m.recipient_id), [procadmin.id]);
  await assertRefused(t, await sys.as('chief1'), task.id, 'other_level', { answersFor: true });
});
