// 档案人员回避 in the inbox: an archivist on the avoidance list of a cadre is not offered the cases
// about that cadre. The task is missing from their inbox and counts, and opening, claiming or
// completing it by id answers 404 like absent, with a denied audit row. Once the security
// administrator lifts the entry, the same archivist works the task again.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { actor } from '../helpers/notify.ts';
import { approve } from '../helpers/workflow.ts';
import { approveStep, demoCadre, fileConsultation, REASONS, type DemoCadre } from '../helpers/cases.ts';

let sys: TestSystem;
let cadre: DemoCadre;
test.before(async () => {
  sys = await startSystem();
  cadre = await demoCadre(sys, 'county', 7);
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;

test.serial('an archivist who must avoid the cadre neither sees nor works the task; lifted, they do', async (t) => {
  const id = await fileConsultation(sys, 'applicant1', REASONS[1], '2', 'electronic', cadre);
  t.is((await db()('workflow_cases').where({ instance_id: id }).first()).cadre_id, cadre.id, 'the case knows its cadre');
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  const task = await db()('tasks').where({ instance_id: id, element_id: 'archivistReview', status: 'open' }).first();
  t.truthy(task, 'the archivists of the custodian office are offered the review');

  const archivist = await sys.as('archivist1');
  const inboxIds = async () => (await archivist.get('/api/tasks?filter=open&limit=200')).body.items.map((x: any) => x.id);
  const openCount = async () => (await archivist.get('/api/tasks/summary')).body.open;
  t.true((await inboxIds()).includes(task.id));
  const countBefore = await openCount();

  const me = await actor(sys, 'archivist1');
  const sec = await actor(sys, 'secadmin');
  await db()('avoidance_entries').insert({ user_id: me.id, cadre_id: cadre.id, reason: '同学关系', created_by: sec.id, created_at: sys.clock.now().toISOString(), removed_at: null, removed_by: null });

  t.false((await inboxIds()).includes(task.id), 'not in the inbox');
  t.is(await openCount(), countBefore - 1, 'not counted on the workbench');
  for (const [method, url, action] of [
    ['get', `/api/tasks/${task.id}`, 'task.view'],
    ['post', `/api/tasks/${task.id}/claim`, 'task.claim'],
    ['post', `/api/tasks/${task.id}/complete`, 'task.complete'],
  ] as const) {
    const res = method === 'get' ? await archivist.get(url) : await archivist.post(url, method === 'post' && url.endsWith('complete') ? { variables: approve() } : {});
    t.is(res.status, 404, `${action}: ${JSON.stringify(res.body)}`);
    t.is(res.body.code, 'NOT_FOUND');
    const row = await db()('audit_log').where({ action, object_id: task.id, outcome: 'denied' }).orderBy('seq', 'desc').first();
    t.is(JSON.parse(row.detail).reason, 'avoided', `${action} is audited`);
    t.false(row.detail.includes('同学关系'), 'the entry itself stays the security administrator’s');
  }
  const after = await db()('tasks').where({ id: task.id }).first();
  t.like(after, { status: 'open', assignee_id: null }, 'nothing changed');
  // Nor the case itself, though a task of it is offered to their role: no summary, no comments,
  // no attachments, and nothing added to it.
  for (const url of [`/api/process-instances/${id}`, `/api/process-instances/${id}/comments`, `/api/process-instances/${id}/attachments`]) {
    t.is((await archivist.get(url)).status, 404, url);
  }
  t.is((await archivist.post(`/api/process-instances/${id}/comments`, { body: '不应能留言' })).status, 404);
  t.is((await db()('case_comments').where({ instance_id: id })).length, 0, 'no comment was added');

  await db()('avoidance_entries').where({ user_id: me.id, cadre_id: cadre.id }).update({ removed_at: sys.clock.now().toISOString(), removed_by: sec.id });
  t.true((await inboxIds()).includes(task.id));
  t.is((await archivist.get(`/api/process-instances/${id}`)).status, 200, 'lifted, the case reads again');
  t.is((await archivist.post(`/api/tasks/${task.id}/claim`, {})).status, 200);
});

test.serial('no notice of the task goes to an archivist who must avoid the cadre; the office’s other archivists get theirs', async (t) => {
  const other = await demoCadre(sys, 'county', 8);
  const me = await actor(sys, 'archivist1');
  const chief = await actor(sys, 'chief1');
  const sec = await actor(sys, 'secadmin');
  await db()('avoidance_entries').insert({ user_id: me.id, cadre_id: other.id, reason: '同学关系', created_by: sec.id, created_at: sys.clock.now().toISOString(), removed_at: null, removed_by: null });
  // A second archivist in the same office: the chief takes the role too.
  await db()('user_roles').insert({ user_id: chief.id, role: 'archivist' });
  t.teardown(() => db()('user_roles').where({ user_id: chief.id, role: 'archivist' }).delete());

  const id = await fileConsultation(sys, 'applicant1', REASONS[1], '2', 'electronic', other);
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  const task = await db()('tasks').where({ instance_id: id, element_id: 'archivistReview', status: 'open' }).first();
  const offered = (await db()('mail_outbox').where({ event: 'task_offered', instance_id: id }).select('recipient_id', 'link')).filter((m: any) => m.link.includes(task.id));
  t.deepEqual(offered.map((m: any) => m.recipient_id), [chief.id], 'the chief is told, the avoiding archivist is not');

  // Any notice to the archivists' role about this case leaves them out; one addressed to them by name does not.
  const result = await db().transaction((trx) =>
    sys.services.notify.notify(trx, { event: 'task_offered', recipients: [{ role: 'archivist', orgUnitId: task.candidate_org_id }], vars: { taskName: 'x', processName: 'y', caseRef: 'z', dueAt: '', roleName: 'r' }, link: { task: task.id }, instanceId: id, key: `test:role:${id}` }),
  );
  t.like(result, { queued: 1, avoided: 1 });
  const named = await db().transaction((trx) =>
    sys.services.notify.notify(trx, { event: 'task_assigned', recipients: [{ userId: me.id }], vars: { taskName: 'x', processName: 'y', caseRef: 'z', dueAt: '' }, link: { task: task.id }, instanceId: id, key: `test:named:${id}` }),
  );
  t.like(named, { queued: 1, avoided: 0 });
});

test.serial('when everyone who could work the task must avoid the cadre, the chief and the process administrators are told, without the cadre’s name', async (t) => {
  const third = await demoCadre(sys, 'county', 9);
  const me = await actor(sys, 'archivist1'); // the office's only archivist
  const sec = await actor(sys, 'secadmin');
  await db()('avoidance_entries').insert({ user_id: me.id, cadre_id: third.id, reason: '同学关系', created_by: sec.id, created_at: sys.clock.now().toISOString(), removed_at: null, removed_by: null });

  const id = await fileConsultation(sys, 'applicant1', REASONS[1], '2', 'electronic', third);
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  const task = await db()('tasks').where({ instance_id: id, element_id: 'archivistReview', status: 'open' }).first();
  const mails = await db()('mail_outbox').where({ instance_id: id }).whereIn('event', ['task_offered', 'task_unstaffed']).select('event', 'recipient_id', 'subject', 'body', 'link');
  t.false(mails.some((m: any) => m.event === 'task_offered' && m.link.includes(task.id)), 'the avoiding archivist is not offered it');
  const unstaffed = mails.filter((m: any) => m.event === 'task_unstaffed');
  const chief = await actor(sys, 'chief1');
  const procadmin = await actor(sys, 'procadmin');
  t.deepEqual(unstaffed.map((m: any) => m.recipient_id).sort(), [chief.id, procadmin.id].sort());
  const toAdmin = unstaffed.find((m: any) => m.recipient_id === procadmin.id);
  t.true(toAdmin.link.endsWith(`/admin/instances/${id}`));
  t.regex(toAdmin.subject, /待办无人可办：档案管理员受理审查|Nobody may work a task: 档案管理员受理审查/);
  t.regex(toAdmin.body, /均须回避|must avoid/);
  for (const m of unstaffed) t.false(`${m.subject}${m.body}`.includes(third.name), 'the cadre is not named');

  // With a second archivist in the office, the next such task is simply offered to them.
  await db()('user_roles').insert({ user_id: chief.id, role: 'archivist' });
  t.teardown(() => db()('user_roles').where({ user_id: chief.id, role: 'archivist' }).delete());
  const again = await fileConsultation(sys, 'applicant1', REASONS[1], '2', 'electronic', third);
  await approveStep(sys, 'unithead1', again, 'unitHeadReview');
  t.is(await db()('mail_outbox').where({ instance_id: again, event: 'task_unstaffed' }).count({ n: '*' }).first().then((r: any) => Number(r.n)), 0);
});
