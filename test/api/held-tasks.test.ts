// A claim does not outlive the role or the unit that allowed it (regression: a unit head moved to
// another unit, or a chief whose role was taken away, still had the claimed task in the inbox,
// read the case with the cadre's name and ID number, and approved it — 200):
// - the security administrator's change releases, in its transaction, the tasks the new roles or
//   unit no longer entitle the user to: back in the group's inbox, the case history saying why,
//   audited `task.release`;
// - independently, every task route and the case read check the roles and unit as they are now
//   (a claim left behind by a change made another way is refused: 404, like an unknown id);
// - a task the process assigned to the person by name stays theirs while they hold a business role;
//   left with none, it is `stranded`: history, audit, and the process administrators told.
// Disabling an account (regression: the disabled unit head kept his claims, and nobody else could
// work them until the chief handed them on) is such a change: every claim goes back to its group,
// a task named for them is stranded. A released task is told to its group as a new one is
// (task_offered), or, nobody there to tell, to the process administrators (task_unstaffed).
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { approveStep, borrowingVariables, demoCadre } from '../helpers/cases.ts';
import { approve, orgId, taskAt } from '../helpers/workflow.ts';
import { addUser } from '../helpers/users.ts';
import { readingCase } from '../reading/helpers.ts';
import type { HttpClient } from '../helpers/http.ts';

let sys: TestSystem;
let sec: HttpClient;

test.before(async () => {
  sys = await startSystem();
  sec = await sys.as('secadmin');
  // Colleagues who hold the same roles in the same units: the group the tasks go back to.
  await addUser(sys, { username: 'unithead9', displayName: '韩立平', org: '150300-JW', roles: ['unit_head'] });
  await addUser(sys, { username: 'chief9', displayName: '高晓东', org: '150300-ZZB-DAS', roles: ['archive_chief'] });
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const userId = async (username: string) => (await db()('users').where({ username }).first('id')).id as number;

async function apply(nth: number): Promise<string> {
  const cadre = await demoCadre(sys, 'county', nth);
  const res = await (await sys.as('applicant1')).post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(sys, 'applicant1', cadre, { purpose: '2', mode: 'onsite', reason: '拟提拔考察，需查阅干部档案。' }),
  });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body.id as string;
}

async function claimAt(username: string, instanceId: string, element: string): Promise<string> {
  const c = await sys.as(username);
  const task = await taskAt(c, instanceId, element);
  if (!task) throw new Error(`${username} has no ${element}`);
  const r = await c.post(`/api/tasks/${task.id}/claim`);
  if (r.status !== 200) throw new Error(`claim: ${r.status} ${JSON.stringify(r.body)}`);
  return task.id as string;
}

/** Who got task_offered for the task's release (not for its creation). */
async function releaseOffers(taskId: string): Promise<number[]> {
  const rows = await db()('mail_outbox').where({ event: 'task_offered' }).andWhere('idempotency_key', 'like', `task:released:${taskId}:%`).orderBy('recipient_id');
  return rows.map((r: any) => Number(r.recipient_id));
}

/** What the former holder can still do with the task and its case: every answer must be 404. */
async function formerHolderSees(t: any, username: string, instanceId: string, taskId: string) {
  const c = await sys.as(username);
  const inbox = await c.get('/api/tasks?filter=open&limit=200');
  t.is(inbox.status, 200);
  t.false(inbox.body.items.some((x: any) => x.id === taskId), 'not in their inbox');
  const view = await c.get(`/api/tasks/${taskId}`);
  t.is(view.status, 404);
  t.is(view.body.code, 'NOT_FOUND');
  const kase = await c.get(`/api/process-instances/${instanceId}`);
  t.is(kase.status, 404, 'the case (cadre name, ID number, reason) is not theirs to read');
  t.false(JSON.stringify(kase.body).includes('拟提拔考察'));
  const done = await c.post(`/api/tasks/${taskId}/complete`, { variables: approve() });
  t.is(done.status, 404);
  t.is(done.body.code, 'NOT_FOUND');
  const claim = await c.post(`/api/tasks/${taskId}/claim`);
  t.is(claim.status, 404);
}

test.serial('a unit head moved to another unit loses the claimed task: back in the unit heads’ inbox, the history says why', async (t) => {
  const id = await apply(21);
  const taskId = await claimAt('unithead1', id, 'unitHeadReview');
  const head = await userId('unithead1');
  const jw = await orgId(sys, '150300-JW');
  const moved = await sec.request('PUT', `/api/admin/users/${head}/org-unit`, { orgUnitId: await orgId(sys, '150302') });
  t.is(moved.status, 200, JSON.stringify(moved.body));

  const row = await db()('tasks').where({ id: taskId }).first();
  t.is(row.status, 'open');
  t.is(row.assignee_id, null, 'released');
  t.is(row.claimed_at, null);
  await formerHolderSees(t, 'unithead1', id, taskId);

  // The colleague of the old unit finds it offered to the group, and works it.
  const colleague = await sys.as('unithead9');
  const offered = (await colleague.get('/api/tasks?filter=candidate&limit=200')).body.items.find((x: any) => x.id === taskId);
  t.truthy(offered, 'in the unit heads’ inbox again');
  t.is(offered.assigneeId ?? null, null);
  const history = (await colleague.get(`/api/process-instances/${id}`)).body.history.find((h: any) => h.event === 'release');
  t.like(history?.detail, { taskId, fromId: head, fromName: '张志强', reason: 'scope_change' });
  t.is(history.actor, null, 'the account change did it, not someone of the case');
  const audit = await db()('audit_log').where({ action: 'task.release', object_id: taskId }).first();
  t.is(audit.actor, 'secadmin');
  t.like(JSON.parse(audit.detail), { instanceId: id, userId: head, reason: 'scope_change' });
  // Told as of a new task of the group: the colleague, not the one who was moved away.
  const offers = await releaseOffers(taskId);
  t.true(offers.includes(await userId('unithead9')), JSON.stringify(offers));
  t.false(offers.includes(head));
  t.is((await colleague.post(`/api/tasks/${taskId}/claim`)).status, 200);
  t.is((await colleague.post(`/api/tasks/${taskId}/complete`, { variables: approve() })).status, 200);

  // Moved back: a claim of the unit they are in now is theirs as ever.
  t.is((await sec.request('PUT', `/api/admin/users/${head}/org-unit`, { orgUnitId: jw })).status, 200);
  const other = await apply(22);
  const kept = await claimAt('unithead1', other, 'unitHeadReview');
  t.is((await db()('audit_log').where({ action: 'task.release', object_id: kept })).length, 0);
  t.is((await db()('tasks').where({ id: kept }).first()).assignee_id, head);
});

test.serial('a chief whose role is taken away loses the claimed task; a role kept keeps it', async (t) => {
  const id = await apply(23);
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'archivist1', id, 'archivistReview');
  const taskId = await claimAt('chief1', id, 'chiefApproval');
  const chief = await userId('chief1');

  const res = await sec.request('PUT', `/api/admin/users/${chief}/roles`, { roles: ['applicant'] });
  t.is(res.status, 200, JSON.stringify(res.body));
  t.is((await db()('tasks').where({ id: taskId }).first()).assignee_id, null);
  await formerHolderSees(t, 'chief1', id, taskId);
  const colleague = await sys.as('chief9');
  t.truthy((await colleague.get('/api/tasks?filter=candidate&limit=200')).body.items.find((x: any) => x.id === taskId));
  const history = (await colleague.get(`/api/process-instances/${id}`)).body.history.find((h: any) => h.event === 'release');
  t.like(history?.detail, { taskId, fromId: chief, reason: 'roles_change' });
  t.truthy(await db()('audit_log').where({ action: 'task.release', object_id: taskId }).first());

  // Given the role back and claiming again; a change that keeps the role releases nothing.
  t.is((await sec.request('PUT', `/api/admin/users/${chief}/roles`, { roles: ['archive_chief'] })).status, 200);
  const again = await claimAt('chief1', id, 'chiefApproval');
  t.is((await sec.request('PUT', `/api/admin/users/${chief}/roles`, { roles: ['archive_chief', 'applicant'] })).status, 200);
  t.is((await db()('tasks').where({ id: again }).first()).assignee_id, chief);
  t.is((await sec.request('PUT', `/api/admin/users/${chief}/roles`, { roles: ['archive_chief'] })).status, 200);
});

test.serial('a claim left behind by a change made outside the console is refused by the task routes and the case read (defence in depth)', async (t) => {
  const id = await apply(24);
  const taskId = await claimAt('unithead1', id, 'unitHeadReview');
  const head = await userId('unithead1');
  // The role taken away straight in the database (a restore, a script): nothing released the task.
  await db()('user_roles').where({ user_id: head }).update({ role: 'applicant' });
  try {
    t.is((await db()('tasks').where({ id: taskId }).first()).assignee_id, head, 'still claimed in the row');
    await formerHolderSees(t, 'unithead1', id, taskId);
    t.is((await db()('tasks').where({ id: taskId }).first()).status, 'open', 'nothing completed');
  } finally {
    await db()('user_roles').where({ user_id: head }).update({ role: 'unit_head' });
  }
  // Once the role is back, the claim is theirs again.
  const c = await sys.as('unithead1');
  t.is((await c.get(`/api/tasks/${taskId}`)).status, 200);
  t.is((await c.get(`/api/process-instances/${id}`)).status, 200);
});

test.serial('a task the process assigned by name stays with a person who keeps a business role, and is told to the process administrators when they keep none', async (t) => {
  const { instanceId } = await readingCase(sys, 25);
  const applicant = await userId('applicant1');
  const task = await db()('tasks').where({ instance_id: instanceId, element_id: 'electronicReading', status: 'open' }).first();
  t.is(task.assignee_id, applicant);
  t.is(task.candidate_role, null);

  // Moved to another unit: the process named the person, not a unit.
  t.is((await sec.request('PUT', `/api/admin/users/${applicant}/org-unit`, { orgUnitId: await orgId(sys, '150300-RSJ') })).status, 200);
  t.is((await db()('tasks').where({ id: task.id }).first()).assignee_id, applicant);
  t.is((await (await sys.as('applicant1')).get(`/api/tasks/${task.id}`)).status, 200);
  t.is((await db()('audit_log').where({ object_id: task.id }).whereIn('action', ['task.release', 'task.stranded'])).length, 0);

  // Made the process administrator: no business role left, nobody can work the step.
  t.is((await sec.request('PUT', `/api/admin/users/${applicant}/roles`, { roles: ['process_admin'] })).status, 200);
  t.is((await db()('tasks').where({ id: task.id }).first()).assignee_id, applicant, 'no group to give it to');
  const history = await db()('history').where({ instance_id: instanceId, event: 'stranded' }).first();
  t.like(JSON.parse(history.detail), { taskId: task.id, fromId: applicant, reason: 'roles_change' });
  t.truthy(await db()('audit_log').where({ action: 'task.stranded', object_id: task.id }).first());
  const told = await db()('mail_outbox').where({ instance_id: instanceId, event: 'task_unstaffed' });
  const procadmin = await userId('procadmin');
  t.true(told.some((m: any) => m.recipient_id === procadmin), JSON.stringify(told.map((m: any) => m.recipient_id)));
  t.true(told.some((m: any) => String(m.body).includes('不再担任任何可办理业务的角色')), 'the mail says why');

  await sec.request('PUT', `/api/admin/users/${applicant}/roles`, { roles: ['applicant'] });
  await sec.request('PUT', `/api/admin/users/${applicant}/org-unit`, { orgUnitId: await orgId(sys, '150300-JW') });
});

/** The open tasks as they are, but those the user holds (they are to change). */
const othersOpenTasks = async (held: string[]) => db()('tasks').where({ status: 'open' }).whereNotIn('id', held).orderBy('id').select('id', 'assignee_id', 'claimed_at', 'status');

test.serial('a unit head whose account is disabled loses every claimed task: back with the unit heads, who are told, and another unit head works it; nothing else changes', async (t) => {
  const sysadmin = await sys.as('sysadmin');
  const head = await userId('unithead1');
  const id = await apply(26);
  const taskId = await claimAt('unithead1', id, 'unitHeadReview');
  // A colleague's claim: the disable is not about it (nor about the open tasks earlier tests left).
  const other = await apply(27);
  const theirs = await claimAt('unithead9', other, 'unitHeadReview');
  const held = (await db()('tasks').where({ assignee_id: head, status: 'open' }).select('id')).map((r: any) => r.id as string);
  t.true(held.includes(taskId));
  const before = await othersOpenTasks(held);
  const account = await db()('users').where({ id: head }).first('org_unit_id');
  const roles = (await db()('user_roles').where({ user_id: head }).orderBy('role')).map((r: any) => r.role);

  try {
    const res = await sysadmin.post(`/api/admin/users/${head}/disable`);
    t.is(res.status, 200, JSON.stringify(res.body));
    t.true(res.body.disabled);

    for (const tid of held) {
      const row = await db()('tasks').where({ id: tid }).first();
      t.is(row.status, 'open', tid);
      t.is(row.assignee_id, null, `${tid} released`);
      t.is(row.claimed_at, null);
      const audit = await db()('audit_log').where({ action: 'task.release', object_id: tid }).orderBy('seq', 'desc').first();
      t.is(audit?.actor, 'sysadmin', tid);
      t.like(JSON.parse(audit.detail), { userId: head, reason: 'disable' });
    }
    t.truthy(await db()('audit_log').where({ action: 'user.disable', object_id: String(head) }).first());
    // Nothing else: the other tasks as they were, the account's roles and unit kept.
    t.deepEqual(await othersOpenTasks(held), before);
    t.is((await db()('tasks').where({ id: theirs }).first()).assignee_id, await userId('unithead9'));
    t.is((await db()('audit_log').where({ action: 'task.release' }).whereIn('object_id', [theirs])).length, 0);
    t.is((await db()('users').where({ id: head }).first('org_unit_id')).org_unit_id, account.org_unit_id);
    t.deepEqual((await db()('user_roles').where({ user_id: head }).orderBy('role')).map((r: any) => r.role), roles);

    // The group is told, as of a new task; the disabled account is not.
    const offers = await releaseOffers(taskId);
    t.true(offers.includes(await userId('unithead9')), JSON.stringify(offers));
    t.false(offers.includes(head));
    const mail = await db()('mail_outbox').where({ event: 'task_offered', recipient_id: await userId('unithead9') }).andWhere('idempotency_key', 'like', `task:released:${taskId}:%`).first();
    t.true(String(mail.subject).includes('待认领'), mail.subject);

    // Another unit head finds it offered, claims and completes it; the history says why it came back.
    const colleague = await sys.as('unithead9');
    t.truthy((await colleague.get('/api/tasks?filter=candidate&limit=200')).body.items.find((x: any) => x.id === taskId), 'in the unit heads’ inbox again');
    const history = (await colleague.get(`/api/process-instances/${id}`)).body.history.find((h: any) => h.event === 'release' && h.detail?.taskId === taskId);
    t.like(history?.detail, { taskId, fromId: head, fromName: '张志强', reason: 'disable' });
    t.is(history.actor, null);
    t.is((await colleague.post(`/api/tasks/${taskId}/claim`)).status, 200);
    const done = await colleague.post(`/api/tasks/${taskId}/complete`, { variables: approve() });
    t.is(done.status, 200, JSON.stringify(done.body));
    t.is((await db()('tasks').where({ id: taskId }).first()).completed_by, await userId('unithead9'));
    t.truthy(await taskAt(await sys.as('archivist1'), id, 'archivistReview'), 'the case went on');

    // Disabled twice is refused as before, and releases nothing more.
    const again = await sysadmin.post(`/api/admin/users/${head}/disable`);
    t.is(again.status, 409);
    t.is(again.body.code, 'ALREADY_DISABLED');
  } finally {
    t.is((await sysadmin.post(`/api/admin/users/${head}/enable`)).status, 200);
  }
  // Enabled again: nothing comes back by itself.
  for (const tid of held) t.not((await db()('tasks').where({ id: tid }).first()).assignee_id, head);
});

test.serial('a claim released by a disable with nobody else in the group: the process administrators are told it waits', async (t) => {
  const sysadmin = await sys.as('sysadmin');
  const chief = await userId('chief1');
  const colleague = await userId('chief9');
  const id = await apply(28);
  // The unit head enabled again (above) works as ever.
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'archivist1', id, 'archivistReview');
  const taskId = await claimAt('chief1', id, 'chiefApproval');
  try {
    t.is((await sysadmin.post(`/api/admin/users/${colleague}/disable`)).status, 200);
    t.is((await sysadmin.post(`/api/admin/users/${chief}/disable`)).status, 200);
    t.is((await db()('tasks').where({ id: taskId }).first()).assignee_id, null);
    t.deepEqual(await releaseOffers(taskId), [], 'no active chief to offer it to');
    const told = await db()('mail_outbox').where({ event: 'task_unstaffed', instance_id: id }).andWhere('idempotency_key', 'like', `unstaffed:released:${taskId}:%`);
    t.deepEqual(told.map((m: any) => Number(m.recipient_id)), [await userId('procadmin')]);
    t.true(String(told[0].body).includes('该单位目前没有担任该岗位的在职人员'), told[0].body);
  } finally {
    await sysadmin.post(`/api/admin/users/${chief}/enable`);
    await sysadmin.post(`/api/admin/users/${colleague}/enable`);
  }
});

test.serial('a task the process named a person for is stranded when the account is disabled, and theirs again when it is enabled', async (t) => {
  const sysadmin = await sys.as('sysadmin');
  const applicant = await userId('applicant1');
  // The 电子阅档 step an earlier test left open (or, run alone, a new one).
  const open = () => db()('tasks').where({ element_id: 'electronicReading', status: 'open', assignee_id: applicant }).first();
  const task = (await open()) ?? (await readingCase(sys, 25), await open());
  const instanceId = task.instance_id as string;
  t.is(task.candidate_role, null);
  try {
    t.is((await sysadmin.post(`/api/admin/users/${applicant}/disable`)).status, 200);
    t.is((await db()('tasks').where({ id: task.id }).first()).assignee_id, applicant, 'no group to give it to');
    const history = (await db()('history').where({ instance_id: instanceId, event: 'stranded' })).map((h: any) => JSON.parse(h.detail));
    t.truthy(history.find((d: any) => d.taskId === task.id && d.fromId === applicant && d.reason === 'disable'), JSON.stringify(history));
    const audit = await db()('audit_log').where({ action: 'task.stranded', object_id: task.id }).orderBy('seq', 'desc').first();
    t.is(audit.actor, 'sysadmin');
    t.like(JSON.parse(audit.detail), { userId: applicant, reason: 'disable' });
    const told = await db()('mail_outbox').where({ instance_id: instanceId, event: 'task_unstaffed', recipient_id: await userId('procadmin') }).andWhere('idempotency_key', 'like', `stranded:${task.id}:${applicant}:disabled%`);
    t.is(told.length, 1);
    t.true(String(told[0].body).includes('指定的办理人账号已停用'), told[0].body);
    t.true(String(told[0].body).includes('重新启用其账号'), 'the mail says what to do');
  } finally {
    t.is((await sysadmin.post(`/api/admin/users/${applicant}/enable`)).status, 200);
  }
  t.is((await (await sys.as('applicant1')).get(`/api/tasks/${task.id}`)).status, 200);
});
