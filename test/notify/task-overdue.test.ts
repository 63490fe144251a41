// 待办逾期提醒: once a task's due date (the diagram's dueDate) has passed and it is still open, whoever
// must act is told once, through a real SMTP server: the holder of an assigned task, or the holders of
// its role in its unit — not another office's, not one who must avoid the case's cadre. A task done
// before its due time tells nobody; a server down over the due time tells once after its restart;
// the notice cannot be turned off, and a digest reader gets it in the digest.
import test from 'ava';
import type { TestSystem } from '../helpers/server.ts';
import type { TestSmtp } from '../helpers/smtp.ts';
import { approve, completeAt } from '../helpers/workflow.ts';
import { actor, closeMailSystem, outbox, startAs, startMailSystem, userId } from '../helpers/notify.ts';
import { borrowingVariables, demoCadre } from '../helpers/cases.ts';
import { addUser } from '../helpers/users.ts';
import { OverdueTasks } from '../../server/notify/overdue.ts';
import { formatInstant } from '../../server/notify/beijing.ts';

const PUBLIC = 'https://archive.dangan.example';
let sys: TestSystem;
let smtp: TestSmtp;

test.before(async () => {
  ({ sys, smtp } = await startMailSystem({ env: { PUBLIC_URL: PUBLIC }, fixtures: ['assigned.bpmn', 'assigned-to.bpmn'] }));
});
test.after.always(() => closeMailSystem(sys, smtp));

const db = () => sys.services.db;
/** One sweep for overdue tasks, then the mail worker sends what it wrote. */
const sweepAndSend = async () => {
  const told = await sys.services.overdue.pollOnce();
  await sys.services.mailer.pollOnce();
  return told;
};
const overdueMails = (instanceId: string) => outbox(sys).where({ event: 'task_overdue', instance_id: instanceId }).orderBy('recipient_id');
const overdueIn = (user: string) => smtp.to(`${user}@dangan.example`).filter((m) => m.subject.includes('逾期') || m.subject.includes('overdue'));
const pastDue = (task: { due_at: string }) => sys.clock.set(new Date(new Date(task.due_at).getTime() + 60_000));

test.serial('an offered task past its due time mails each holder of its role in its unit once — not another office, not one who must avoid the cadre', async (t) => {
  const cadre = await demoCadre(sys, 'county', 3);
  const applicant = await sys.as('applicant1');
  const res = await applicant.post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', cadre, { reason: '拟提拔考察，需查阅干部档案。' }) });
  t.is(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id as string;
  t.is((await completeAt(await sys.as('unithead1'), id, 'unitHeadReview', approve())).status, 200);
  const task = await db()('tasks').where({ instance_id: id, element_id: 'archivistReview', status: 'open' }).first();
  t.truthy(task.due_at, 'the step has a due date (P3D)');

  // The custodian office has a second archivist (the chief takes the role too); archivist1 must avoid the cadre.
  const chief = await actor(sys, 'chief1');
  const me = await actor(sys, 'archivist1');
  const sec = await actor(sys, 'secadmin');
  await db()('user_roles').insert({ user_id: chief.id, role: 'archivist' });
  await db()('avoidance_entries').insert({ user_id: me.id, cadre_id: cadre.id, reason: '同学关系', created_by: sec.id, created_at: sys.clock.now().toISOString(), removed_at: null, removed_by: null });
  t.teardown(async () => {
    await db()('user_roles').where({ user_id: chief.id, role: 'archivist' }).delete();
    await db()('avoidance_entries').where({ user_id: me.id, cadre_id: cadre.id }).delete();
  });

  await sweepAndSend();
  t.is((await overdueMails(id)).length, 0, 'nothing before the due time');

  pastDue(task);
  const told = await sweepAndSend();
  t.true(told >= 1);
  const rows = await overdueMails(id);
  t.deepEqual(rows.map((r: any) => r.recipient_id), [chief.id], 'the other archivist of the office only');
  t.is(overdueIn('archivist1').length, 0, 'the archivist who must avoid the cadre is not told');
  t.is(overdueIn('receiver1').length, 0, 'the archivist of another office is not told');

  const caseNo = (await db()('process_instances').where({ id }).first()).business_key;
  const [mail] = overdueIn('chief1');
  t.is(mail.subject, `【档案】待办已逾期：档案管理员受理审查（${caseNo}）`);
  t.true(mail.text.includes('陈立新，您好'));
  t.true(mail.text.includes(`“查阅/借阅干部人事档案”（编号 ${caseNo}）中提交给您单位档案管理员的“档案管理员受理审查”应于 ${formatInstant(task.due_at)}（北京时间）前办理，现已逾期，尚无人认领。`));
  t.true(mail.text.includes(`${PUBLIC}/tasks/${task.id}`));
  t.false(mail.text.includes(cadre.name), 'the cadre is never named');

  // Later polls, and two servers sweeping at once, tell nobody again.
  const other = new OverdueTasks(db(), sys.clock, sys.services.notify, sys.services.notify.log!);
  sys.clock.advance(3_600_000);
  await Promise.all([sys.services.overdue.pollOnce(), other.pollOnce()]);
  await sweepAndSend();
  t.is((await overdueMails(id)).length, 1);
  t.is(overdueIn('chief1').length, 1);
});

test.serial('a task done before its due time tells nobody; its open neighbour tells its holder — in the digest when they read one, and the notice cannot be turned off', async (t) => {
  const applicant = await sys.as('applicant1');
  const off = await applicant.request('PUT', '/api/me/notification-settings', { events: { task_overdue: false } });
  t.is(off.status, 422);
  t.deepEqual(off.body.details, { rule: 'mandatory_notice', events: ['task_overdue'] });
  t.regex(off.body.message, /^此类提醒必须接收，不能关闭/, 'the refusal does not call it a deadline warning');
  const settings = (await applicant.get('/api/me/notification-settings')).body;
  t.like(settings.events.find((e: any) => e.event === 'task_overdue'), { enabled: true, mandatory: true });

  const done = await startAs(sys, 'assigned', 'applicant1', {});
  const open = await startAs(sys, 'assigned', 'applicant1', {});
  const doneId = done.id;
  const openId = open.id;
  t.is((await completeAt(applicant, doneId, 'supplement', {})).status, 200);
  t.is((await applicant.request('PUT', '/api/me/notification-settings', { digest: true })).status, 200);
  t.teardown(() => applicant.request('PUT', '/api/me/notification-settings', { digest: false }));

  const task = await db()('tasks').where({ instance_id: openId, element_id: 'supplement' }).first();
  const before = overdueIn('applicant1').length;
  pastDue(task);
  await sweepAndSend();
  t.is((await overdueMails(doneId)).length, 0, 'the completed task is not mailed');
  const [row] = await overdueMails(openId);
  t.like(row, { recipient_id: await userId(sys, 'applicant1'), status: 'held' }, 'held for the digest');
  t.is(overdueIn('applicant1').length, before, 'no single mail');
  t.true(row.body.includes(`中由您办理的“补充 申请材料”应于 ${formatInstant(task.due_at)}（北京时间）前办理，现已逾期。`));
});

test.serial('a server down over the due time tells once after its restart, in the holder’s language', async (t) => {
  await db()('users').where({ username: 'applicant2' }).update({ language: 'en' });
  t.teardown(() => db()('users').where({ username: 'applicant2' }).update({ language: 'zh' }));
  const started = await startAs(sys, 'assigned', 'applicant2', {});
  const id = started.id;
  const task = await db()('tasks').where({ instance_id: id, element_id: 'supplement' }).first();
  await sweepAndSend();

  pastDue(task); // the server is down meanwhile
  await sys.restart();
  await sweepAndSend();
  await sys.restart();
  await sweepAndSend();

  const rows = await overdueMails(id);
  t.is(rows.length, 1);
  const mails = overdueIn('applicant2');
  t.is(mails.length, 1);
  t.regex(mails[0].subject, /^\[Dangan\] Task overdue: 补充 申请材料 \([0-9A-F]{8}\)$/);
  t.true(mails[0].text.includes(`which you hold, was due by ${formatInstant(task.due_at)} (Beijing time) and is overdue.`));
  t.true(mails[0].text.includes(`${PUBLIC}/tasks/${task.id}`));
});

test.serial('a task assigned by name to a disabled account: the office chief and the process administrators are told nobody can work it; past its due time nobody is told', async (t) => {
  const gone = await addUser(sys, { username: 'archivist9', displayName: '郑离职', org: '150300-ZZB-DAS', roles: ['archivist'] });
  await db()('users').where({ id: gone }).update({ disabled: true });
  const { id } = await startAs(sys, 'assignedTo', 'applicant1', { handler: gone });
  const task = await db()('tasks').where({ instance_id: id, element_id: 'supplement' }).first();
  t.is(task.assignee_id, gone);
  await sys.services.mailer.pollOnce();

  // Told at once: the chief of the assignee's office and the process administrators, as 指定办理人.
  const unstaffed = await outbox(sys).where({ event: 'task_unstaffed', instance_id: id }).orderBy('recipient_id');
  const chief = await actor(sys, 'chief1');
  const admin = await actor(sys, 'procadmin');
  t.deepEqual(unstaffed.map((r: any) => r.recipient_id).sort(), [chief.id, admin.id].sort());
  t.is(await outbox(sys).where({ event: 'task_assigned', instance_id: id, recipient_id: gone }).whereNot('status', 'refused').first(), undefined);
  const [mail] = smtp.to('chief1@dangan.example').filter((m) => m.subject.includes('待办无人可办') && m.subject.includes('代为办理'));
  t.true(mail.text.includes('中的“代为办理”应由乌海市委组织部干部档案室的指定办理人办理，但指定的办理人账号已停用，案件因此停在这一步。'), mail.text);

  // Past its due time the disabled assignee is still the only one it is told to: nobody.
  pastDue(task);
  await sweepAndSend();
  t.deepEqual(await overdueMails(id), []);
  t.is(await outbox(sys).where({ event: 'task_unstaffed', instance_id: id }).count({ n: '*' }).first().then((r: any) => Number(r.n)), 2, 'not told again');
});
