// A task mail tells of work there is to do (regression, found by an exploratory tester who read
// every mail a real SMTP receiver took): a 待办 mail that failed and was retried after the task was
// done arrived "新的待办 …" for work already finished; the daily digest listed tasks the recipient had
// completed; and a retried mail carried the Date of the notice, hours in the past. Now, at send and at
// digest time, a task notice whose task is no longer open or no longer the recipient's is dropped
// (status `obsolete`, not an incident), and a mail is dated when it leaves.
import test from 'ava';
import type { TestSystem } from '../helpers/server.ts';
import type { TestSmtp } from '../helpers/smtp.ts';
import { completeAt, taskAt } from '../helpers/workflow.ts';
import { borrowingVariables, demoCadre } from '../helpers/cases.ts';
import { addUser } from '../helpers/users.ts';
import { closeMailSystem, outbox, startAs, startMailSystem, userId } from '../helpers/notify.ts';

let sys: TestSystem;
let smtp: TestSmtp;
test.before(async () => {
  ({ sys, smtp } = await startMailSystem({ fixtures: ['assigned.bpmn'] }));
  // A second unit head of the applicants' unit: offered the same 单位审核 as unithead1.
  await addUser(sys, { username: 'unithead9', displayName: '韩立平', org: '150300-JW', roles: ['unit_head'] });
});
test.after.always(() => closeMailSystem(sys, smtp));

const send = () => sys.services.mailer.pollOnce();
const incidents = (id: string) => sys.services.db('audit_log').where({ action: 'mail.incident', object_id: id });

test.serial('a task mail that failed is not sent once the task is done; nothing counts as an incident', async (t) => {
  await send();
  smtp.mode = 'tempfail';
  const inst = await startAs(sys, 'assigned', 'applicant1', {});
  t.like(await send(), { sent: 0, retried: 1 });
  const [mail] = await outbox(sys).where({ instance_id: inst.id, event: 'task_assigned' });
  t.truthy(mail.task_id, 'the notice names its task');

  const done = await completeAt(await sys.as('applicant1'), inst.id, 'supplement', {});
  t.is(done.status, 200, JSON.stringify(done.body));
  smtp.mode = 'accept';
  sys.clock.advance(60_000);
  const n = smtp.received.length;
  const r = await send();
  t.like(r, { obsolete: 1, incidents: 0 });
  const got = smtp.received.slice(n);
  t.false(got.some((m) => m.subject.includes('待办')), `no 待办 mail for a task done: ${got.map((m) => m.subject).join(' | ')}`);
  const after = await outbox(sys).where({ id: mail.id }).first();
  t.is(after.status, 'obsolete');
  t.is(after.last_error, 'TASK_CLOSED');
  t.is((await incidents(mail.id)).length, 0);
});

test.serial('a mail retried hours later is dated when it is sent, not when the notice was written', async (t) => {
  await send();
  smtp.mode = 'tempfail';
  const inst = await startAs(sys, 'assigned', 'applicant2', {});
  t.like(await send(), { retried: 1 });
  smtp.mode = 'accept';
  sys.clock.advance(3 * 3_600_000);
  const n = smtp.received.length;
  t.like(await send(), { sent: 1 });
  const [got] = smtp.received.slice(n);
  t.regex(got.subject, /新的待办/);
  const [row] = await outbox(sys).where({ instance_id: inst.id, event: 'task_assigned' });
  const dated = (got.headers.get('date') as Date).getTime();
  t.true(Math.abs(dated - sys.clock.now().getTime()) < 2_000, `Date ${new Date(dated).toISOString()} is the send time ${sys.clock.now().toISOString()}`);
  t.true(dated - new Date(row.created_at).getTime() >= 3 * 3_600_000 - 2_000);
});

test.serial('the daily digest leaves out tasks the recipient has completed since', async (t) => {
  await send();
  const applicant = await sys.as('applicant2');
  t.is((await applicant.request('PUT', '/api/me/notification-settings', { digest: true, digestHour: 18 })).status, 200);
  const me = await userId(sys, 'applicant2');
  const kept = await startAs(sys, 'assigned', 'applicant2', {});
  const finished = await startAs(sys, 'assigned', 'applicant2', {});
  await send();
  const held = await outbox(sys).where({ recipient_id: me, status: 'held', event: 'task_assigned' });
  t.is(held.length, 2);
  t.is((await completeAt(applicant, finished.id, 'supplement', {})).status, 200);
  const finishedTask = await sys.services.db('tasks').where({ instance_id: finished.id }).first();
  const keptTask = await sys.services.db('tasks').where({ instance_id: kept.id }).first();

  sys.clock.set(held[0].hold_until);
  const n = smtp.received.length;
  const r = await send();
  t.like(r, { digests: 1, obsolete: 1 });
  const digest = smtp.received.slice(n).find((m) => m.subject.includes('每日通知汇总'));
  t.truthy(digest);
  // The task still open and the finished case's decision (application_decided), not the finished task.
  t.regex(digest!.subject, /（2 条）$/);
  t.true(digest!.text.includes(`/tasks/${keptTask.id}`));
  t.false(digest!.text.includes(`/tasks/${finishedTask.id}`), 'the completed task is not listed');
  const dropped = await outbox(sys).where({ recipient_id: me, instance_id: finished.id, event: 'task_assigned' }).first();
  t.like(dropped, { status: 'obsolete', last_error: 'TASK_CLOSED', digest_id: null });
  t.is((await (await sys.as('applicant2')).request('PUT', '/api/me/notification-settings', { digest: false })).status, 200);
});

test.serial('a task offered to a role is not mailed to the holders once a colleague has claimed it', async (t) => {
  await send();
  smtp.mode = 'tempfail';
  const cadre = await demoCadre(sys, 'county', 11);
  const res = await (await sys.as('applicant1')).post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(sys, 'applicant1', cadre, { purpose: '2', mode: 'onsite', reason: '拟提拔考察，需查阅干部档案。' }),
  });
  t.is(res.status, 201, JSON.stringify(res.body));
  await send();
  const head = await sys.as('unithead1');
  const task = await taskAt(head, res.body.id, 'unitHeadReview');
  const offers = await outbox(sys).where({ task_id: task.id, event: 'task_offered' });
  t.is(offers.length, 2, 'both unit heads are offered it');
  t.is((await head.post(`/api/tasks/${task.id}/claim`)).status, 200);
  smtp.mode = 'accept';
  sys.clock.advance(120_000);
  await send();
  const after = await outbox(sys).whereIn('id', offers.map((o: any) => o.id));
  const headId = await userId(sys, 'unithead1');
  // The one who claimed it still has it: his mail goes; any other holder's is dropped.
  for (const m of after) t.is(m.status, m.recipient_id === headId ? 'sent' : 'obsolete', `${m.recipient_id}: ${m.status} ${m.last_error}`);
  t.false(smtp.to('unithead9@dangan.example').some((m) => m.subject.includes('待办')), 'the colleague is not offered work already taken');
});
