// A claim does not outlive a tie to the case's cadre (regression: an archivist who claimed a case's
// 受理审查 kept it after the security administrator put its cadre on her avoidance list, or linked
// her account to the cadre she is: she could no longer open it (404), nobody else could take it, and
// it waited until the chief handed it on). Made in the same transaction as the entry or the link
// (workflow/held-tasks.ts releaseTiedTasks), exactly as for a role change: the task goes back to its
// group (history `release`, audit `task.release`, the group told task_offered); a task the process
// assigned to the person by name is `stranded` and the process administrators are told. The
// history says `avoidance` whatever the tie (its readers include the applicant); the audit row says
// which change it was. Tasks on other cases stay held.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { borrowingAtReview, demoCadre, type DemoCadre } from '../helpers/cases.ts';
import { addUser } from '../helpers/users.ts';
import { readingCase } from '../reading/helpers.ts';
import type { HttpClient } from '../helpers/http.ts';

let sys: TestSystem;
let sec: HttpClient;
/** Picked before any entry or link changes which cadres demoCadre counts as clean. */
const cadres: DemoCadre[] = [];

test.before(async () => {
  sys = await startSystem();
  sec = await sys.as('secadmin');
  for (let n = 0; n < 5; n++) cadres.push(await demoCadre(sys, 'county', n));
  await addUser(sys, { username: 'archivist8', displayName: '孙丽娟', org: '150300-ZZB-DAS', roles: ['archivist'] });
  await addUser(sys, { username: 'archivist7', displayName: '赵文静', org: '150300-ZZB-DAS', roles: ['archivist'] });
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const userId = async (username: string) => (await db()('users').where({ username }).first('id')).id as number;

const claimedReview = (cadre: DemoCadre, archivist: string) => borrowingAtReview(sys, cadre, archivist, { claim: true });

/** Who got task_offered for the task's release (not for its creation). */
async function releaseOffers(taskId: string): Promise<number[]> {
  const rows = await db()('mail_outbox').where({ event: 'task_offered' }).andWhere('idempotency_key', 'like', `task:released:${taskId}:%`);
  return rows.map((r: any) => Number(r.recipient_id));
}

/** The task is back with the group: unclaimed, the history and the audit say why, the group is told and sees it. */
async function assertReleased(t: any, taskId: string, instanceId: string, from: string, auditReason: string) {
  const fromId = await userId(from);
  t.like(await db()('tasks').where({ id: taskId }).first(), { status: 'open', assignee_id: null, claimed_at: null });
  const history = await db()('history').where({ instance_id: instanceId, event: 'release' }).first();
  t.truthy(history, 'a release row in the case history');
  t.deepEqual(JSON.parse(history.detail), { taskId, fromId, fromName: (await db()('users').where({ id: fromId }).first()).display_name, reason: 'avoidance' });
  const audit = await db()('audit_log').where({ action: 'task.release', object_id: taskId }).first();
  t.like(JSON.parse(audit.detail), { userId: fromId, reason: auditReason });
  t.is(audit.actor_id, await userId('secadmin'));
  const offered = await releaseOffers(taskId);
  t.true(offered.includes(await userId('archivist1')), 'the colleague is offered it');
  t.false(offered.includes(fromId), 'not the one who must avoid the cadre');
  // The colleague sees it offered in her inbox and takes it; the former holder cannot open it.
  const colleague = await sys.as('archivist1');
  t.true((await colleague.get('/api/tasks?filter=candidate&limit=200')).body.items.some((x: any) => x.id === taskId));
  t.is((await (await sys.as(from)).get(`/api/tasks/${taskId}`)).status, 404);
  // Every reader of the case (the applicant, the colleague who takes it on) reads that it went back,
  // and not who must avoid the cadre: that names a personal tie (regression: the timeline said
  // 「孙丽娟须回避本案所涉干部」 to the applicant). The stored row and the audit row keep the name.
  const fromName = (await db()('users').where({ id: fromId }).first()).display_name as string;
  for (const reader of ['applicant1', 'archivist1']) {
    const kase = await (await sys.as(reader)).get(`/api/process-instances/${instanceId}`);
    t.is(kase.status, 200);
    const row = kase.body.history.find((h: any) => h.event === 'release');
    t.deepEqual(row.detail, { taskId, reason: 'avoidance' }, `${reader} reads no one in the release`);
    t.false(JSON.stringify(kase.body.history).includes(fromName), `${reader}: the history does not name ${fromName}`);
  }
}

test.serial('an avoidance entry gives back the tasks the user holds on cases about that cadre, and only those', async (t) => {
  const [avoided, other] = cadres;
  const a = await claimedReview(avoided, 'archivist8');
  const b = await claimedReview(other, 'archivist8');

  const res = await sec.post('/api/avoidance-entries', { userId: await userId('archivist8'), cadreIdNumber: avoided.idNumber, reason: '曾与该干部同一科室工作，按规定回避' });
  t.is(res.status, 201, JSON.stringify(res.body));

  await assertReleased(t, a.taskId, a.instanceId, 'archivist8', 'avoidance');
  t.like(await db()('tasks').where({ id: b.taskId }).first(), { status: 'open', assignee_id: await userId('archivist8') }, 'the claim on another cadre’s case stays');
  t.is((await (await sys.as('archivist8')).get(`/api/tasks/${b.taskId}`)).status, 200);
  t.is((await db()('audit_log').where({ action: 'task.release', object_id: b.taskId })).length, 0);
});

test.serial('linking an account to its cadre gives back the tasks held on cases about that cadre and about a relative', async (t) => {
  const [, , self, relative] = cadres;
  // The relative is recorded in the cadre's 家庭成员 as a cadre.
  await db()('family_members').insert({ cadre_id: self.id, name: relative.name, relation: '兄弟姐妹', related_cadre_id: relative.id, created_at: new Date().toISOString() });
  const own = await claimedReview(self, 'archivist7');
  const rel = await claimedReview(relative, 'archivist7');
  const me = await userId('archivist7');

  const res = await sec.request('PUT', `/api/admin/users/${me}/cadre`, { cadreIdNumber: self.idNumber, reason: '本人入职时登记的干部身份。' });
  t.is(res.status, 200, JSON.stringify(res.body));

  await assertReleased(t, own.taskId, own.instanceId, 'archivist7', 'cadre_link');
  await assertReleased(t, rel.taskId, rel.instanceId, 'archivist7', 'cadre_link');
});

test.serial('a task the process assigned to the person by name is stranded by an avoidance entry, and the process administrators are told', async (t) => {
  const { instanceId, cadre } = await readingCase(sys, 10);
  const applicant = await userId('applicant1');
  const task = await db()('tasks').where({ instance_id: instanceId, element_id: 'electronicReading', status: 'open' }).first();
  t.like(task, { assignee_id: applicant, candidate_role: null });

  const res = await sec.post('/api/avoidance-entries', { userId: applicant, cadreIdNumber: cadre.idNumber, reason: '申请人系该干部的利害关系人' });
  t.is(res.status, 201, JSON.stringify(res.body));

  t.is((await db()('tasks').where({ id: task.id }).first()).assignee_id, applicant, 'no group to give it to');
  const history = await db()('history').where({ instance_id: instanceId, event: 'stranded' }).first();
  t.like(JSON.parse(history.detail), { taskId: task.id, fromId: applicant, reason: 'avoidance' });
  // The case's readers read that nobody may work it, not who must avoid the cadre.
  const read = await (await sys.as('applicant1')).get(`/api/process-instances/${instanceId}`);
  t.deepEqual(read.body.history.find((h: any) => h.event === 'stranded').detail, { taskId: task.id, reason: 'avoidance' });
  t.like(JSON.parse((await db()('audit_log').where({ action: 'task.stranded', object_id: task.id }).first()).detail), { reason: 'avoidance' });
  const told = await db()('mail_outbox').where({ instance_id: instanceId, event: 'task_unstaffed' });
  const procadmin = await userId('procadmin');
  const mail = told.find((m: any) => m.recipient_id === procadmin);
  t.truthy(mail, 'the process administrators are told');
  t.regex(String(mail.body), /回避/);
  t.false(String(mail.body).includes(cadre.name), 'the cadre is not named');
});
