// A relative recorded after a claim gives it back (regression: releaseTiedTasks ran on an avoidance
// entry and on an account's link to its cadre, but not when an archivist recorded, in a cadre's
// 家庭成员, a relative who is another cadre — the account linked to either cadre was tied to the
// other's cases from then on (access cadreTies, both directions), could no longer open the task it
// held (404), and nobody else could take it until the chief handed it on). Now the archivist's
// POST /api/cadres/:id/family-members gives those tasks back in its transaction
// (workflow/held-tasks.ts releaseFamilyTies): history `release` (reason `avoidance`, as for any tie:
// the applicant reads it), audit `task.release` by the archivist with reason `relative`, the group
// told. A task the process named the person for is `stranded`, and the process administrators'
// mail says that the person named must avoid the cadre (assignee_avoids), not that everyone holding
// a role must.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { borrowingAtReview, demoCadre, type DemoCadre } from '../helpers/cases.ts';
import { addUser } from '../helpers/users.ts';
import { readingCase } from '../reading/helpers.ts';
import { render } from '../../server/notify/templates.ts';

let sys: TestSystem;
/** Picked before any link or family row changes which cadres demoCadre counts as clean. */
const cadres: DemoCadre[] = [];

test.before(async () => {
  sys = await startSystem();
  for (let n = 0; n < 5; n++) cadres.push(await demoCadre(sys, 'county', n));
  await addUser(sys, { username: 'archivist8', displayName: '孙丽娟', org: '150300-ZZB-DAS', roles: ['archivist'] });
  await addUser(sys, { username: 'archivist7', displayName: '赵文静', org: '150300-ZZB-DAS', roles: ['archivist'] });
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const userId = async (username: string) => (await db()('users').where({ username }).first('id')).id as number;

/** The security administrator links the account to the cadre it is (nothing held about that cadre yet). */
async function link(username: string, cadre: DemoCadre) {
  const res = await (await sys.as('secadmin')).request('PUT', `/api/admin/users/${await userId(username)}/cadre`, { cadreIdNumber: cadre.idNumber, reason: '本人入职时登记的干部身份。' });
  if (res.status !== 200) throw new Error(`link: ${res.status} ${JSON.stringify(res.body)}`);
}

/** The archivist of the holding office records `relative` in `cadre`'s 家庭成员, by ID number, as the form does. */
async function recordRelative(cadre: DemoCadre, relative: DemoCadre) {
  return (await sys.as('archivist1')).post(`/api/cadres/${cadre.id}/family-members`, { name: relative.name, relation: '兄弟', idNumber: relative.idNumber });
}

const claimedReview = (cadre: DemoCadre, archivist: string) => borrowingAtReview(sys, cadre, archivist, { claim: true });

/** Back with the group: unclaimed, the history says avoidance, the audit says relative (by the archivist), the colleague offered it and sees it, the holder 404. */
async function assertReleased(t: any, taskId: string, instanceId: string, from: string) {
  const fromId = await userId(from);
  t.like(await db()('tasks').where({ id: taskId }).first(), { status: 'open', assignee_id: null, claimed_at: null });
  const history = await db()('history').where({ instance_id: instanceId, event: 'release' }).first();
  t.truthy(history, 'a release row in the case history');
  t.like(JSON.parse(history.detail), { taskId, fromId, reason: 'avoidance' });
  const audit = await db()('audit_log').where({ action: 'task.release', object_id: taskId }).first();
  t.truthy(audit, 'a task.release audit row');
  t.like(JSON.parse(audit.detail), { userId: fromId, reason: 'relative', instanceId });
  t.is(audit.actor_id, await userId('archivist1'), 'the archivist who recorded the relative');
  const offered = (await db()('mail_outbox').where({ event: 'task_offered' }).andWhere('idempotency_key', 'like', `task:released:${taskId}:%`)).map((r: any) => Number(r.recipient_id));
  t.true(offered.includes(await userId('archivist1')), 'the colleague is offered it');
  t.false(offered.includes(fromId));
  t.true((await (await sys.as('archivist1')).get('/api/tasks?filter=candidate&limit=200')).body.items.some((x: any) => x.id === taskId));
  t.is((await (await sys.as(from)).get(`/api/tasks/${taskId}`)).status, 404);
}

test.serial('a relative recorded in the linked cadre’s 家庭成员 gives back the tasks its account holds on the relative’s cases, and only those', async (t) => {
  const [self, relative, other] = cadres;
  await link('archivist8', self);
  const rel = await claimedReview(relative, 'archivist8');
  const kept = await claimedReview(other, 'archivist8');

  const res = await recordRelative(self, relative);
  t.is(res.status, 201, JSON.stringify(res.body));

  await assertReleased(t, rel.taskId, rel.instanceId, 'archivist8');
  t.like(await db()('tasks').where({ id: kept.taskId }).first(), { status: 'open', assignee_id: await userId('archivist8') }, 'the claim on an unrelated cadre’s case stays');
  t.is((await (await sys.as('archivist8')).get(`/api/tasks/${kept.taskId}`)).status, 200);
  t.is((await db()('audit_log').where({ action: 'task.release', object_id: kept.taskId })).length, 0);
});

test.serial('the other way round: the linked cadre recorded as a relative of another cadre gives back the tasks held on that cadre’s cases', async (t) => {
  const [, , , self, recorder] = cadres;
  await link('archivist7', self);
  const held = await claimedReview(recorder, 'archivist7');

  // `self` is recorded in `recorder`'s family: archivist7 (who is `self`) is now the relative of `recorder`.
  const res = await recordRelative(recorder, self);
  t.is(res.status, 201, JSON.stringify(res.body));

  await assertReleased(t, held.taskId, held.instanceId, 'archivist7');
});

test.serial('a task the process named the person for is stranded by a relative recorded, and the process administrators read that the person named must avoid the cadre', async (t) => {
  const { instanceId, cadre } = await readingCase(sys, 10);
  const applicant = await userId('applicant1');
  const task = await db()('tasks').where({ instance_id: instanceId, element_id: 'electronicReading', status: 'open' }).first();
  t.like(task, { assignee_id: applicant, candidate_role: null });
  // applicant1 is linked to a cadre of the demo data, held by the city office.
  const self = { id: (await db()('users').where({ id: applicant }).first('cadre_id')).cadre_id } as DemoCadre;
  t.truthy(self.id);

  const res = await recordRelative(self, { ...cadre, name: '王某' } as DemoCadre);
  t.is(res.status, 201, JSON.stringify(res.body));

  t.is((await db()('tasks').where({ id: task.id }).first()).assignee_id, applicant, 'no group to give it to');
  const history = await db()('history').where({ instance_id: instanceId, event: 'stranded' }).first();
  t.truthy(history, 'a stranded row in the case history');
  t.like(JSON.parse(history.detail), { taskId: task.id, fromId: applicant, reason: 'avoidance' });
  t.like(JSON.parse((await db()('audit_log').where({ action: 'task.stranded', object_id: task.id }).first()).detail), { reason: 'relative' });
  const procadmin = await userId('procadmin');
  const told = (await db()('mail_outbox').where({ instance_id: instanceId, event: 'task_unstaffed' })).find((m: any) => Number(m.recipient_id) === procadmin);
  t.truthy(told, 'the process administrators are told');
  const body = String(told.body);
  t.regex(body, /应由.+的指定办理人办理，但指定的办理人须回避本案所涉干部，不能再办理，案件因此停在这一步。/);
  t.regex(body, /流程指定由此人办理，不能转办他人：请在运行监控中取消该案件。/);
  t.false(body.includes('担任该岗位的人员'), 'not the words for a group step');
  t.false(body.includes('授予该岗位'));
  t.false(body.includes(cadre.name), 'the cadre is not named');
});

test('the assignee_avoids notice in English says the person named must avoid the cadre, not everyone holding a role', (t) => {
  const vars = { taskName: '电子阅档', processName: '档案查阅', caseRef: 'CY2026-0001', roleName: 'assignee', orgName: '乌海市委组织部', why: 'assignee_avoids', name: 'procadmin' };
  const en = render('task_unstaffed', 'en', vars, 'https://dangan.example/x').body;
  t.regex(en, /but the person it was assigned to must avoid the cadre the case concerns and may not work it any more, so the case waits at this step\./);
  t.regex(en, /The process names this person, so the task cannot be handed on to anyone else: please cancel the case in Operations\./);
  t.false(en.includes('everyone holding that role'));
  t.false(en.includes('give the role'));
});

test('no way to record a relative that gives back nothing: the archives service offers only addFamily', (t) => {
  // ArchivesService.addFamilyMember wrote a 家庭成员 row in the caller's transaction and released
  // nothing; nothing called it, and it is gone, so no new caller can record a relative past the release.
  t.false('addFamilyMember' in sys.services.archives);
  t.is(typeof sys.services.archives.addFamily, 'function');
});
