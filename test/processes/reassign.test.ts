// 转办: an archivist who cannot finish a task (leave, a business trip) hands it to a colleague of the
// office who holds the same role, with the reason. The colleague is mailed (a real SMTP server),
// the case history and the audit log say who gave it to whom, and only the colleague works it now.
// Whom it may go to is the task's own candidates: not another office, not another role, not a
// disabled account, not someone tied to the case's cadre — refused with one answer for every reason.
// The process administrator hands on a task whose assignee is away, from 运行监控; the assignee is told.
import test from 'ava';
import type { TestSystem } from '../helpers/server.ts';
import type { TestSmtp } from '../helpers/smtp.ts';
import { addUser } from '../helpers/users.ts';
import { approve } from '../helpers/workflow.ts';
import { actor, asAdmin, closeMailSystem, startAs, startMailSystem, userId } from '../helpers/notify.ts';
import { approveStep, demoCadre, fileConsultation, REASONS, type DemoCadre } from '../helpers/cases.ts';

let sys: TestSystem;
let smtp: TestSmtp;
let cadre: DemoCadre;
const CITY = '150300-ZZB-DAS';

test.before(async () => {
  ({ sys, smtp } = await startMailSystem({ fixtures: ['assigned.bpmn'] }));
  cadre = await demoCadre(sys, 'county', 5);
  await addUser(sys, { username: 'archivist2', displayName: '周代办', org: CITY, roles: ['archivist'] });
  await addUser(sys, { username: 'archivist3', displayName: '吴回避', org: CITY, roles: ['archivist'] });
  const gone = await addUser(sys, { username: 'archivist4', displayName: '郑离职', org: CITY, roles: ['archivist'] });
  await sys.services.db('users').where({ id: gone }).update({ disabled: true });
  // archivist3 must avoid the cadre of every case below.
  const sec = await actor(sys, 'secadmin');
  await sys.services.db('avoidance_entries').insert({
    user_id: await userId(sys, 'archivist3'),
    cadre_id: cadre.id,
    reason: '同学关系',
    created_by: sec.id,
    created_at: sys.clock.now().toISOString(),
    removed_at: null,
    removed_by: null,
  });
});
test.after.always(() => closeMailSystem(sys, smtp));

const db = () => sys.services.db;

/** A consultation of the cadre waiting at the city office's 受理审查, unclaimed. */
async function atReview(): Promise<{ id: string; taskId: string }> {
  const id = await fileConsultation(sys, 'applicant1', REASONS[1], '2', 'electronic', cadre);
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  const task = await db()('tasks').where({ instance_id: id, element_id: 'archivistReview', status: 'open' }).first();
  return { id, taskId: task.id };
}

test.serial('the assignee hands the task to a colleague: the colleague is mailed and works it; the history and the audit log say who, to whom and why', async (t) => {
  const { id, taskId } = await atReview();
  const a1 = await sys.as('archivist1');
  t.is((await a1.post(`/api/tasks/${taskId}/claim`, {})).status, 200);
  t.like((await a1.get(`/api/tasks/${taskId}`)).body, { canReassign: true, handedOn: null });

  // The colleagues offered: the office's other active archivists not tied to the cadre.
  const offered = await a1.get(`/api/tasks/${taskId}/reassign-candidates`);
  t.is(offered.status, 200);
  t.deepEqual(offered.body.items.map((u: any) => u.name), ['周代办']);
  t.is(offered.body.items[0].orgName, '乌海市委组织部干部档案室');

  const to = await userId(sys, 'archivist2');
  await sys.services.mailer.pollOnce();
  const mailsBefore = smtp.to('archivist2@dangan.example').length;
  const res = await a1.post(`/api/tasks/${taskId}/reassign`, { userId: to, reason: '本人出差一周，请代为受理。' });
  t.is(res.status, 200, JSON.stringify(res.body));
  t.is(res.body.assigneeId, to);

  // Only the colleague works it now.
  const done = await a1.post(`/api/tasks/${taskId}/complete`, { variables: approve() });
  t.is(done.status, 409);
  t.is(done.body.code, 'TASK_CLAIMED');
  const a2 = await sys.as('archivist2');
  const view = await a2.get(`/api/tasks/${taskId}`);
  t.like(view.body, { canComplete: true, assigneeName: '周代办' });
  // The one it was taken from reads who handed it on (not "周代办 claimed it"); the reason stays out.
  const seen = (await a1.get(`/api/tasks/${taskId}`)).body;
  t.like(seen, { canComplete: false, handedOn: { byName: '刘晓燕', toName: '周代办' } });
  t.deepEqual(Object.keys(seen.handedOn).sort(), ['at', 'byName', 'toName']);

  // The colleague is told by mail, with the task's link.
  await sys.services.mailer.pollOnce();
  const mails = smtp.to('archivist2@dangan.example');
  t.is(mails.length, mailsBefore + 1);
  t.regex(mails.at(-1)!.subject, /档案管理员受理审查/);
  t.true(mails.at(-1)!.text.includes(`/tasks/${taskId}`));

  // The case history (what the timeline reads): the staff read the reason, the applicant only the fact.
  const reassigns = async (who: string) => (await (await sys.as(who)).get(`/api/process-instances/${id}`)).body.history.filter((h: any) => h.event === 'reassign');
  const history = await reassigns('archivist2');
  t.is(history.length, 1);
  t.like(history[0], { elementId: 'archivistReview', actor: (await db()('users').where({ username: 'archivist1' }).first()).display_name });
  t.like(history[0].detail, { taskId, toId: to, toName: '周代办', reason: '本人出差一周，请代为受理。' });
  const applicantSees = await reassigns('applicant1');
  t.like(applicantSees[0].detail, { toName: '周代办' });
  t.false('reason' in applicantSees[0].detail, 'the applicant does not read why the staff handed it on');
  const audit = await db()('audit_log').where({ action: 'task.reassign', object_id: taskId }).first();
  t.is(audit.actor, 'archivist1');
  t.deepEqual(JSON.parse(audit.detail), { fromId: await userId(sys, 'archivist1'), toId: to });

  t.is((await a2.post(`/api/tasks/${taskId}/complete`, { variables: approve() })).status, 200);
});

test.serial('an unclaimed task: a candidate hands it to a colleague; the candidates list and the target are checked the same way', async (t) => {
  const { taskId } = await atReview();
  const a1 = await sys.as('archivist1');
  const refusedTo = async (username: string | number) => {
    const uid = typeof username === 'number' ? username : await userId(sys, username);
    const res = await a1.post(`/api/tasks/${taskId}/reassign`, { userId: uid, reason: '请代为受理。' });
    return [res.status, res.body.details?.rule ?? res.body.code];
  };
  // Another office's archivist, another role, a disabled account, one who must avoid the cadre, nobody:
  // one answer, which says nothing of the reason.
  for (const who of ['receiver1', 'chief1', 'archivist4', 'archivist3', 99_999_999]) t.deepEqual(await refusedTo(who), [422, 'reassign-target'], String(who));
  const bodies = await Promise.all(
    ['archivist3', 'receiver1'].map(async (u) => (await a1.post(`/api/tasks/${taskId}/reassign`, { userId: await userId(sys, u), reason: '请代为受理。' })).body.message),
  );
  t.is(bodies[0], bodies[1]);
  t.is((await db()('tasks').where({ id: taskId }).first()).assignee_id, null, 'nothing changed');
  t.is(await db()('audit_log').where({ action: 'task.reassign', object_id: taskId }).count({ n: '*' }).first().then((r: any) => Number(r.n)), 0);

  // The reason is required; unknown fields are refused.
  t.is((await a1.post(`/api/tasks/${taskId}/reassign`, { userId: await userId(sys, 'archivist2'), reason: ' ' })).status, 400);
  t.is((await a1.post(`/api/tasks/${taskId}/reassign`, { userId: await userId(sys, 'archivist2'), reason: '请代为受理。', assignee: 1 })).status, 400);

  // Not a candidate at all (another office): 404 like a task that does not exist, and nothing about the colleagues.
  const other = await sys.as('receiver1');
  t.is((await other.post(`/api/tasks/${taskId}/reassign`, { userId: await userId(sys, 'archivist2'), reason: '请代为受理。' })).status, 404);
  t.is((await other.get(`/api/tasks/${taskId}/reassign-candidates`)).status, 404);

  // archivist1 (a candidate, nobody has claimed it) hands it to archivist2.
  const ok = await a1.post(`/api/tasks/${taskId}/reassign`, { userId: await userId(sys, 'archivist2'), reason: '请代为受理。' });
  t.is(ok.status, 200, JSON.stringify(ok.body));
  // archivist1 now is neither assignee nor free to hand it on: the colleague holds it.
  const again = await a1.post(`/api/tasks/${taskId}/reassign`, { userId: await userId(sys, 'archivist1'), reason: '还是我来。' });
  t.is(again.status, 409);
  t.is(again.body.code, 'TASK_CLAIMED');
  t.false((await a1.get(`/api/tasks/${taskId}`)).body.canReassign);
  // The colleague cannot hand it to the one who holds it already (themselves).
  t.deepEqual(
    [(await (await sys.as('archivist2')).post(`/api/tasks/${taskId}/reassign`, { userId: await userId(sys, 'archivist2'), reason: '自己。' })).body.details?.rule],
    ['reassign-target'],
  );
});

test.serial('a task the process assigned by name is not handed on; a finished one neither', async (t) => {
  const started = await startAs(sys, 'assigned', 'applicant1', {});
  const task = await db()('tasks').where({ instance_id: started.id, status: 'open' }).first();
  const me = await sys.as('applicant1');
  t.false((await me.get(`/api/tasks/${task.id}`)).body.canReassign);
  const res = await me.post(`/api/tasks/${task.id}/reassign`, { userId: await userId(sys, 'applicant2'), reason: '请代为补充。' });
  t.is(res.status, 409);
  t.is(res.body.code, 'TASK_ASSIGNED');

  const { taskId } = await atReview();
  const a1 = await sys.as('archivist1');
  t.is((await a1.post(`/api/tasks/${taskId}/complete`, { variables: approve() })).status, 200);
  const late = await a1.post(`/api/tasks/${taskId}/reassign`, { userId: await userId(sys, 'archivist2'), reason: '请代为受理。' });
  t.is(late.status, 409);
  t.is(late.body.code, 'TASK_NOT_OPEN');
});

test.serial('the process administrator hands on a claimed task whose assignee is away; business users may not use that route', async (t) => {
  const { id, taskId } = await atReview();
  const a1 = await sys.as('archivist1');
  t.is((await a1.post(`/api/tasks/${taskId}/claim`, {})).status, 200);
  const admin = await asAdmin(sys, 'procadmin');
  const offered = await admin.get(`/api/admin/tasks/${taskId}/reassign-candidates`);
  t.is(offered.status, 200);
  t.deepEqual(offered.body.items.map((u: any) => u.name), ['周代办']);
  const res = await admin.post(`/api/admin/tasks/${taskId}/reassign`, { userId: await userId(sys, 'archivist2'), reason: '原经办人休假，改由周代办受理。' });
  t.is(res.status, 200, JSON.stringify(res.body));
  t.like(await db()('tasks').where({ id: taskId }).first(), { assignee_id: await userId(sys, 'archivist2'), status: 'open' });
  const audit = await db()('audit_log').where({ action: 'task.reassign_operator', object_id: taskId }).first();
  t.is(audit.actor, 'procadmin');
  const [h] = await db()('history').where({ instance_id: id, event: 'reassign' });
  t.is(JSON.parse(h.detail).fromId, await userId(sys, 'archivist1'));
  t.is((await a1.post(`/api/admin/tasks/${taskId}/reassign`, { userId: await userId(sys, 'archivist1'), reason: '我自己。' })).status, 403);

  // archivist1, who held it, learns by mail that it was handed on, and to whom; archivist2 gets the task's mail.
  await sys.services.mailer.pollOnce();
  const [taken] = smtp.to('archivist1@dangan.example').filter((m) => m.subject.startsWith('【档案】待办已转办'));
  t.truthy(taken, 'archivist1 is told');
  t.regex(taken.subject, /档案管理员受理审查/);
  t.true(taken.text.includes('转交周代办办理'));
  t.false(taken.text.includes('休假'), 'the reason stays in the case');
});

test.serial('督办: the archive chief sees the office’s open tasks with who holds them and hands one on; another office’s chief may not', async (t) => {
  const { taskId } = await atReview();
  const a1 = await sys.as('archivist1');
  t.is((await a1.post(`/api/tasks/${taskId}/claim`, {})).status, 200);
  // A case about a cadre chief1 must avoid, waiting at the same office.
  const avoided = await demoCadre(sys, 'county', 8);
  const sec = await actor(sys, 'secadmin');
  await db()('avoidance_entries').insert({ user_id: await userId(sys, 'chief1'), cadre_id: avoided.id, reason: '亲属关系', created_by: sec.id, created_at: sys.clock.now().toISOString(), removed_at: null, removed_by: null });
  const hidden = await fileConsultation(sys, 'applicant1', REASONS[1], '2', 'electronic', avoided);
  await approveStep(sys, 'unithead1', hidden, 'unitHeadReview');
  const hiddenTask = (await db()('tasks').where({ instance_id: hidden, status: 'open' }).first()).id;

  const chief = await sys.as('chief1');
  const list = await chief.get('/api/tasks/office?limit=200');
  t.is(list.status, 200, JSON.stringify(list.body));
  const ids = list.body.items.map((x: any) => x.id);
  t.true(ids.includes(taskId));
  t.false(ids.includes(hiddenTask), 'not a case about a cadre the chief must avoid');
  t.like(list.body.items.find((x: any) => x.id === taskId), { assigneeName: '刘晓燕', name: '档案管理员受理审查' });
  const city = (await db()('org_units').where({ code: CITY }).first()).id;
  const orgs = await db()('tasks').whereIn('id', ids).distinct('candidate_org_id', 'status');
  t.deepEqual(orgs, [{ candidate_org_id: city, status: 'open' }], 'only the office’s open tasks');
  t.is(list.body.total, ids.length);
  t.is(JSON.parse((await db()('audit_log').where({ action: 'task.office_list', actor: 'chief1' }).orderBy('seq', 'desc').first()).detail).total, list.body.total);
  t.is((await a1.get('/api/tasks/office')).status, 403, 'archivists do not oversee');

  // The chief hands it to archivist2; archivist1 is told.
  t.deepEqual((await chief.get(`/api/tasks/${taskId}/reassign-candidates`)).body.items.map((u: any) => u.name), ['周代办']);
  const res = await chief.post(`/api/tasks/${taskId}/reassign`, { userId: await userId(sys, 'archivist2'), reason: '刘晓燕出差，改由周代办受理。' });
  t.is(res.status, 200, JSON.stringify(res.body));
  const audit = await db()('audit_log').where({ action: 'task.reassign', object_id: taskId, actor: 'chief1' }).first();
  t.deepEqual(JSON.parse(audit.detail), { fromId: await userId(sys, 'archivist1'), toId: await userId(sys, 'archivist2'), asHead: true });
  await sys.services.mailer.pollOnce();
  t.true(smtp.to('archivist1@dangan.example').some((m) => m.subject.startsWith('【档案】待办已转办') && m.text.includes('转交周代办办理')));

  // The district office's chief: not their office.
  await addUser(sys, { username: 'chief2', displayName: '孙主任', org: '150302-ZZB-DAS', roles: ['archive_chief'] });
  const other = await sys.as('chief2');
  t.false((await other.get('/api/tasks/office?limit=200')).body.items.some((x: any) => x.id === taskId));
  const refused = await other.post(`/api/tasks/${taskId}/reassign`, { userId: await userId(sys, 'archivist1'), reason: '越权。' });
  t.is(refused.status, 404, 'a task they do not see reads as absent');
});

test.serial('a task handed on and back, in a case whose tasks were handed on many times: the task page names the latest hand-on of this task, read as one history row', async (t) => {
  const { id, taskId } = await atReview();
  const a1 = await sys.as('archivist1');
  const a2 = await sys.as('archivist2');
  t.is((await a1.post(`/api/tasks/${taskId}/claim`, {})).status, 200);
  t.is((await a1.post(`/api/tasks/${taskId}/reassign`, { userId: await userId(sys, 'archivist2'), reason: '本人出差一周，请代为受理。' })).status, 200);
  // Thirty hand-ons of the case's other tasks are in its history after it …
  const row = await db()('history').where({ instance_id: id, event: 'reassign' }).orderBy('id', 'desc').first();
  const { id: _id, ...copy } = row;
  const others = Array.from({ length: 30 }, (_, i) => ({ ...copy, detail: JSON.stringify({ ...JSON.parse(row.detail), taskId: `other-task-${i}` }) }));
  await db()('history').insert(others);
  // … and archivist2 hands it back.
  t.is((await a2.post(`/api/tasks/${taskId}/reassign`, { userId: await userId(sys, 'archivist1'), reason: '出差取消，交还。' })).status, 200);
  await db()('history').insert(others.slice(0, 5));

  // The task page reads one history row for it, and names who handed it on last.
  const historyRows: number[] = [];
  const seen = (res: unknown, q: { sql: string }) => {
    if (/\bhistory\b/.test(q.sql)) historyRows.push(Array.isArray(res) ? res.length : res ? 1 : 0);
  };
  db().on('query-response', seen);
  let view;
  try {
    view = (await a1.get(`/api/tasks/${taskId}`)).body;
  } finally {
    db().off('query-response', seen);
  }
  t.like(view, { canComplete: true, handedOn: { byName: '周代办', toName: '刘晓燕' } });
  t.deepEqual(historyRows, [1]);
});
