// The runtime's guarantees: one transaction per command, 409 for the loser of a race, timers in the
// jobs table that fire exactly once (after a restart too) under a movable clock.
import test from 'ava';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import { deployFixture } from '../../test/helpers/fixtures.ts';
import { borrowingVariables, demoCadre } from '../../test/helpers/cases.ts';
import { approve, taskAt } from '../../test/helpers/workflow.ts';
import { JobRunner } from './jobs.ts';
import { createLogger } from '../logger.ts';
import { actorOf } from '../workflow/service.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
  await deployFixture(sys.services, 'timers.bpmn');
});
test.after.always(async () => {
  await sys?.close();
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function startBorrowing() {
  const applicant = await sys.as('applicant1');
  const res = await applicant.post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(sys, 'applicant1', await demoCadre(sys), { purpose: '6', mode: 'onsite', reason: '熟悉了解干部情况。' }),
  });
  return res.body.id as string;
}

async function actor(username: string) {
  const u = await sys.services.db('users').where({ username }).first();
  const roles = (await sys.services.db('user_roles').where({ user_id: u.id })).map((r: any) => r.role);
  return { id: u.id, username, roles, orgUnitId: u.org_unit_id, displayName: u.display_name, language: 'zh', sessionId: 'test' };
}

async function startTimers() {
  const applicant = await actor('applicant1');
  return sys.services.db.transaction((trx) =>
    sys.services.engine.start(trx, { processKey: 'timers', variables: {}, actor: actorOf(applicant) }),
  );
}

const jobsOf = (instanceId: string) => sys.services.db('jobs').where({ instance_id: instanceId }).orderBy('due_at');
const historyOf = (instanceId: string) => sys.services.db('history').where({ instance_id: instanceId }).orderBy('id');

test.serial('two concurrent completions of one task: one succeeds, the other gets 409, one history row', async (t) => {
  const id = await startBorrowing();
  const a = await sys.as('unithead1');
  const b = await sys.as('unithead1');
  const task = await taskAt(a, id, 'unitHeadReview');
  const [r1, r2] = await Promise.all([
    a.post(`/api/tasks/${task.id}/complete`, { variables: approve('同意（甲）') }),
    b.post(`/api/tasks/${task.id}/complete`, { variables: approve('同意（乙）') }),
  ]);
  t.deepEqual([r1.status, r2.status].sort(), [200, 409]);
  t.is([r1, r2].find((r) => r.status === 409)!.body.code, 'TASK_NOT_OPEN');
  const ends = (await historyOf(id)).filter((h: any) => h.element_id === 'unitHeadReview' && h.event === 'end');
  t.is(ends.length, 1);
  const archivistTasks = await sys.services.db('tasks').where({ instance_id: id, element_id: 'archivistReview' });
  t.is(archivistTasks.length, 1);
});

test.serial('a failure after the state write but before commit leaves the task open and nothing written', async (t) => {
  const id = await startBorrowing();
  const unitHead = await sys.as('unithead1');
  const task = await taskAt(unitHead, id, 'unitHeadReview');
  const db = sys.services.db;
  const before = {
    instance: await db('process_instances').where({ id }).first(),
    tasks: await db('tasks').where({ instance_id: id }).orderBy('id'),
    history: await historyOf(id),
    audit: await db('audit_head').first(),
  };
  const user = await actor('unithead1');
  const err = await t.throwsAsync(
    db.transaction(async (trx) => {
      const r = await sys.services.engine.complete(trx, task.id, actorOf(user), approve());
      t.is(r.instance.activeElements[0], 'archivistReview'); // the state was written in this transaction
      throw new Error('injected: power cut before commit');
    }),
  );
  t.regex(err!.message, /injected/);
  t.deepEqual(await db('process_instances').where({ id }).first(), before.instance);
  t.deepEqual(await db('tasks').where({ instance_id: id }).orderBy('id'), before.tasks);
  t.deepEqual(await historyOf(id), before.history);
  t.deepEqual(await db('audit_head').first(), before.audit);

  // The same through the API when the audit row cannot be written: refused, nothing changes.
  const record = sys.services.audit.record;
  sys.services.audit.record = async () => {
    throw new Error('audit storage unavailable');
  };
  try {
    const res = await unitHead.post(`/api/tasks/${task.id}/complete`, { variables: approve() });
    t.is(res.status, 500);
  } finally {
    sys.services.audit.record = record;
  }
  t.deepEqual(await db('process_instances').where({ id }).first(), before.instance);
  t.truthy(await taskAt(unitHead, id, 'unitHeadReview'));
  // And afterwards the task can still be completed normally.
  t.is((await unitHead.post(`/api/tasks/${task.id}/complete`, { variables: approve() })).status, 200);
});

test.serial('timers live in the jobs table: a 2-hour reminder and a 30-day deadline from configuration', async (t) => {
  const started = sys.clock.now().getTime();
  const inst = await startTimers();
  const jobs = await jobsOf(inst.id);
  t.deepEqual(
    jobs.map((j: any) => [j.element_id, new Date(j.due_at).getTime() - started]),
    [
      ['reminder', 2 * HOUR],
      ['deadline', 30 * DAY],
    ],
  );

  // Nothing fires before it is due.
  sys.clock.advance(2 * HOUR - 1000);
  t.is(await sys.services.jobs.pollOnce(), 0);

  sys.clock.advance(2000);
  t.is(await sys.services.jobs.pollOnce(), 1);
  const remind = await sys.services.db('tasks').where({ instance_id: inst.id, element_id: 'remind' });
  t.is(remind.length, 1);
  t.is(remind[0].candidate_role, 'archive_chief');

  // The 30-day deadline fires when the clock passes 30 days, interrupting the work.
  sys.clock.advance(30 * DAY);
  t.is(await sys.services.jobs.pollOnce(), 1);
  const work = await sys.services.db('tasks').where({ instance_id: inst.id, element_id: 'work' }).first();
  t.is(work.status, 'cancelled');
  const h = await historyOf(inst.id);
  t.true(h.some((r: any) => r.element_id === 'deadline' && r.event === 'timeout'));
  t.true(h.some((r: any) => r.element_id === 'overdue' && r.event === 'end'));
  t.deepEqual(
    (await jobsOf(inst.id)).map((j: any) => [j.element_id, j.status]),
    [
      ['reminder', 'done'],
      ['deadline', 'done'],
    ],
  );
  t.is(await sys.services.jobs.pollOnce(), 0);
});

test.serial('completing the task cancels its pending timers', async (t) => {
  const inst = await startTimers();
  const archivist = await sys.as('archivist1');
  const task = await taskAt(archivist, inst.id, 'work');
  t.is((await archivist.post(`/api/tasks/${task.id}/complete`, { variables: {} })).status, 200);
  const jobs = await jobsOf(inst.id);
  t.deepEqual(jobs.map((j: any) => j.status), ['cancelled', 'cancelled']);
  sys.clock.advance(31 * DAY);
  t.is(await sys.services.jobs.pollOnce(), 0);
  t.is((await sys.services.db('process_instances').where({ id: inst.id }).first()).status, 'completed');
});

test.serial('a timer due while the server was down fires exactly once after restart', async (t) => {
  const inst = await startTimers();
  await sys.restart(); // the old poller is stopped; nothing fires while "down"
  sys.clock.advance(3 * HOUR);
  await sys.restart();
  // Two servers poll at once after the restart: the reminder still fires once.
  const log = createLogger('silent');
  const other = new JobRunner(sys.services.db, sys.clock, log, (id) => sys.services.workflow.fireJob(id), { pollMs: 1000, lockSeconds: 60 });
  const [a, b] = await Promise.all([sys.services.jobs.pollOnce(), other.pollOnce()]);
  t.is(a + b, 1);
  t.is(await sys.services.jobs.pollOnce(), 0);
  const timeouts = (await historyOf(inst.id)).filter((h: any) => h.element_id === 'reminder' && h.event === 'timeout');
  t.is(timeouts.length, 1);
  t.is((await sys.services.db('tasks').where({ instance_id: inst.id, element_id: 'remind' })).length, 1);
});

test.serial('a job that keeps failing becomes an incident on its case', async (t) => {
  const inst = await startTimers();
  const fire = sys.services.workflow.fireJob.bind(sys.services.workflow);
  const log = createLogger('silent');
  const failing = new JobRunner(sys.services.db, sys.clock, log, async () => {
    throw new Error('mail gateway down');
  }, { pollMs: 1000, lockSeconds: 60 });
  sys.clock.advance(3 * HOUR);
  for (let i = 0; i < 3; i++) {
    await failing.pollOnce();
    sys.clock.advance(10 * 60_000);
  }
  const job = await sys.services.db('jobs').where({ instance_id: inst.id, element_id: 'reminder' }).first();
  t.is(job.status, 'incident');
  t.is(job.attempts, 3);
  t.regex(job.last_error, /mail gateway down/);
  t.is((await sys.services.db('process_instances').where({ id: inst.id }).first()).status, 'incident');
  // The case still works; the incident waits for an administrator.
  t.is(await sys.services.jobs.pollOnce(), 0);
  void fire;
});

test.serial('a message interrupts a waiting task through its boundary event; only message events receive', async (t) => {
  // The fixture uses two steps the domains deliver to (ServiceRegistry.receives): renewalRequested, awaitReceipt.
  await deployFixture(sys.services, 'messages.bpmn');
  const applicant = await actor('applicant1');
  const inst = await sys.services.db.transaction((trx) =>
    sys.services.engine.start(trx, { processKey: 'messages', variables: {}, actor: actorOf(applicant) }),
  );
  const deliver = (elementId: string, payload: Record<string, unknown>) =>
    sys.services.db.transaction((trx) => sys.services.engine.deliver(trx, inst.id, elementId, payload, actorOf(applicant)));
  const refused = await t.throwsAsync(deliver('loan', { decision: 'approve' }));
  t.is((refused as any).code, 'NOT_A_MESSAGE_EVENT');
  const early = await t.throwsAsync(deliver('awaitReceipt', {}));
  t.is((early as any).code, 'NOT_WAITING');

  const r = await deliver('renewalRequested', { renewDays: 3 });
  t.deepEqual(r.activeElements, ['approveRenewal']);
  // Both rows carry the same instant (the clock stands still): order by step, not by time, or
  // PostgreSQL may return them either way.
  const tasks = await sys.services.db('tasks').where({ instance_id: inst.id }).orderBy('element_id');
  t.deepEqual(tasks.map((x: any) => [x.element_id, x.status]), [
    ['approveRenewal', 'open'],
    ['loan', 'cancelled'],
  ]);
  const vars = JSON.parse((await sys.services.db('process_instances').where({ id: inst.id }).first()).variables);
  t.is(vars.renewDays, 3);
});

test.serial('a timeDate timer waits for our clock, even when the wall clock is already past it (regression)', async (t) => {
  await deployFixture(sys.services, 'timedate.bpmn');
  const applicant = await actor('applicant1');
  // The service clock stands ten days behind the wall clock; the due date is two days ahead of it.
  sys.clock.set(new Date(Date.now() - 10 * DAY));
  const dueAt = new Date(sys.clock.now().getTime() + 2 * DAY).toISOString();
  const inst = await sys.services.db.transaction(async (trx) =>
    sys.services.engine.startWith(trx, await sys.services.engine.definitions.latest(trx, 'timedate'), { variables: { dueAt }, actor: actorOf(applicant) }),
  );
  t.deepEqual(inst.activeElements.sort(), ['due', 'wait']);
  const [job] = await jobsOf(inst.id);
  t.is(job.due_at, dueAt);
  sys.clock.advance(2 * DAY - 1000);
  t.is(await sys.services.jobs.pollOnce(), 0);
  sys.clock.advance(2000);
  t.is(await sys.services.jobs.pollOnce(), 1);
  t.is((await sys.services.db('process_instances').where({ id: inst.id }).first()).status, 'completed');
});

test.serial('a case whose start waits for a timer first is in 我的申请 at once; the start answers only what the API declares', async (t) => {
  await deployFixture(sys.services, 'start-wait.bpmn');
  const applicant = await sys.as('applicant1');
  const res = await applicant.post('/api/process-instances', { processKey: 'startWait', variables: {} });
  t.is(res.status, 201);
  // The process variables (the initiator, what start services add) stay on the server.
  t.deepEqual(Object.keys(res.body).sort(), ['activeElements', 'businessKey', 'id', 'processKey', 'replayed', 'status', 'version']);
  t.false(res.body.replayed, 'a first filing, not the answer to a repeated key');
  t.deepEqual(res.body.activeElements, ['cooling']);
  t.is((await sys.services.db('tasks').where({ instance_id: res.body.id })).length, 0, 'no task yet');
  const mine = (await applicant.get('/api/applications?state=open&limit=100')).body.items.find((a: any) => a.id === res.body.id);
  t.like(mine, { processName: '先等待后办理', status: 'running' });

  sys.clock.advance(2 * HOUR + 1000);
  await sys.services.jobs.pollOnce();
  const work = await sys.services.db('tasks').where({ instance_id: res.body.id, element_id: 'work' }).first();
  t.is(work?.status, 'open');
});
