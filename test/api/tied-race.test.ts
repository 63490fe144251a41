// A claim and a new avoidance entry at the same moment (PostgreSQL, READ COMMITTED). The claim has
// taken its case's lock and written the claim, not yet committed, when the security administrator
// adds the entry for its holder. Before, the entry read the held tasks at once — the claim not yet
// visible — released nothing, and both committed: the avoided archivist kept the task. Now the entry
// waits for the case's lock (held-tasks.ts releaseTiedTasks), then sees the claim and gives it back —
// without holding the audit chain's head meanwhile (its own audit row comes after the release).
// On SQLite the two run one after the other anyway; the outcome asserted is the same.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { borrowingAtReview, demoCadre } from '../helpers/cases.ts';
import { addUser } from '../helpers/users.ts';
import { usingPg } from '../helpers/db.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
  await addUser(sys, { username: 'archivist5', displayName: '周雅琴', org: '150300-ZZB-DAS', roles: ['archivist'] });
});
test.after.always(async () => {
  await sys?.close();
});

test('an avoidance entry made while a claim on the cadre’s case is being written gives that claim back', async (t) => {
  const db = sys.services.db;
  const cadre = await demoCadre(sys, 'county', 0);
  const { instanceId, taskId } = await borrowingAtReview(sys, cadre, 'archivist5');
  const task = { id: taskId };
  const me = (await db('users').where({ username: 'archivist5' }).first('id')).id as number;
  const sec = await sys.as('secadmin');

  // The claim, as a task command makes it: the case's lock, then the task written; held open.
  const claim = await db.transaction();
  let added: Promise<{ status: number; body: any }> | undefined;
  try {
    await claim('process_instances').where({ id: instanceId }).modify((qb) => (usingPg ? qb.forUpdate() : qb)).first();
    await claim('tasks').where({ id: task.id }).update({ assignee_id: me, claimed_at: new Date().toISOString() });
    // …and its audit row, which holds the audit chain's head until commit: the entry must not hold
    // that head while it waits for the case (regression: a deadlock, the entry 500, the claim kept).
    await sys.services.audit.record(claim, { actor: { id: me, username: 'archivist5', roles: ['archivist'] }, ip: '127.0.0.1', action: 'task.claim', objectType: 'task', objectId: task.id });
    added = sec.post('/api/avoidance-entries', { userId: me, cadreIdNumber: cadre.idNumber, reason: '与该干部系同学关系，按规定回避' });
    if (usingPg) {
      const early = await Promise.race([added.then(() => 'answered'), new Promise((r) => setTimeout(() => r('waiting'), 500))]);
      t.is(early, 'waiting', 'the entry waits for the case being worked');
    }
  } finally {
    await claim.commit();
  }
  const answer = await added!;
  t.is(answer.status, 201, JSON.stringify(answer.body));
  t.like(await db('tasks').where({ id: task.id }).first(), { status: 'open', assignee_id: null }, 'the claim is given back');
  t.truthy(await db('audit_log').where({ action: 'task.release', object_id: task.id }).first());
});
