// An overdue step that reached nobody is not marked told (regression, found by an exploratory tester:
// the sweep set tasks.overdue_told_at although the step's unit had nobody in the role, so whoever took
// the role or the step afterwards was never told it was overdue). Now the mark stays off until a
// sweep tells someone, and the one who takes the role hears of it at the next sweep.
import test from 'ava';
import type { TestSystem } from '../helpers/server.ts';
import type { TestSmtp } from '../helpers/smtp.ts';
import { approve, completeAt } from '../helpers/workflow.ts';
import { actor, closeMailSystem, outbox, startMailSystem } from '../helpers/notify.ts';
import { borrowingVariables, demoCadre } from '../helpers/cases.ts';

let sys: TestSystem;
let smtp: TestSmtp;
test.before(async () => {
  ({ sys, smtp } = await startMailSystem());
});
test.after.always(() => closeMailSystem(sys, smtp));

const db = () => sys.services.db;
const sweepAndSend = async () => {
  const told = await sys.services.overdue.pollOnce();
  await sys.services.mailer.pollOnce();
  return told;
};

test.serial('a step overdue while its unit has nobody in the role is told to whoever takes the role later', async (t) => {
  const cadre = await demoCadre(sys, 'county', 5);
  const res = await (await sys.as('applicant1')).post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(sys, 'applicant1', cadre, { reason: '拟提拔考察，需查阅干部档案。' }),
  });
  t.is(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id as string;
  // The office's only archivist has lost the role when the step comes.
  const archivist = await actor(sys, 'archivist1');
  await db()('user_roles').where({ user_id: archivist.id, role: 'archivist' }).delete();
  t.is((await completeAt(await sys.as('unithead1'), id, 'unitHeadReview', approve())).status, 200);
  const task = await db()('tasks').where({ instance_id: id, element_id: 'archivistReview', status: 'open' }).first();
  sys.clock.set(new Date(new Date(task.due_at).getTime() + 60_000));

  t.is(await sweepAndSend(), 0, 'nobody told');
  t.is((await db()('tasks').where({ id: task.id }).first()).overdue_told_at, null, 'so not marked told');
  t.is(await outbox(sys).where({ event: 'task_overdue', instance_id: id }).count({ n: '*' }).then((r: any) => Number(r[0].n)), 0);

  // The role is given back: the next sweep tells her.
  await db()('user_roles').insert({ user_id: archivist.id, role: 'archivist' });
  sys.clock.advance(60_000);
  t.is(await sweepAndSend(), 1);
  t.truthy((await db()('tasks').where({ id: task.id }).first()).overdue_told_at);
  t.true(smtp.to('archivist1@dangan.example').some((m) => m.subject.startsWith('【档案】待办已逾期：档案管理员受理审查')));
  sys.clock.advance(60_000);
  t.is(await sweepAndSend(), 0, 'told once');
});
