// An approved 信息更正 of an ID number that a 家庭成员 row names gives back the claims the new tie
// reaches (regression: a relative recorded later released them — relative-ties.test.ts — but a
// corrected number that turned an existing 家庭成员 row into a cadre relative released nothing: the
// account linked to either cadre kept a task it could no longer open). Now the approving leader's
// transaction gives them back, as the archivist's does when she records the relative: history
// `release` (reason `avoidance`), audit `task.release` by the leader with reason `relative`. Both
// directions: the corrected cadre's cases for the account linked to the family row's cadre, and the
// family row's cadre's cases for the account linked to the corrected cadre.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { borrowingAtReview, demoCadre, type DemoCadre } from '../helpers/cases.ts';
import { addUser } from '../helpers/users.ts';
import { approve, completeAt } from '../helpers/workflow.ts';
import { idCheckDigit } from '../../server/archives/validate.ts';
import { usingPg } from '../helpers/db.ts';

let sys: TestSystem;
const cadres: DemoCadre[] = [];

test.before(async () => {
  sys = await startSystem();
  for (let n = 0; n < 7; n++) cadres.push(await demoCadre(sys, 'county', n));
  await addUser(sys, { username: 'archivist8', displayName: '孙丽娟', org: '150300-ZZB-DAS', roles: ['archivist'] });
  await addUser(sys, { username: 'archivist7', displayName: '赵文静', org: '150300-ZZB-DAS', roles: ['archivist'] });
  await addUser(sys, { username: 'archivist6', displayName: '钱晓雯', org: '150300-ZZB-DAS', roles: ['archivist'] });
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const userId = async (username: string) => (await db()('users').where({ username }).first('id')).id as number;

async function link(username: string, cadre: DemoCadre) {
  const res = await (await sys.as('secadmin')).request('PUT', `/api/admin/users/${await userId(username)}/cadre`, { cadreIdNumber: cadre.idNumber, reason: '本人入职时登记的干部身份。' });
  if (res.status !== 200) throw new Error(`link: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Another valid ID number of the same birth date and sex, nobody's yet (a new card after a 户口 correction). */
async function freshNumber(of: DemoCadre): Promise<string> {
  for (let seq = Number(of.idNumber[16]) % 2; ; seq += 2) {
    const first17 = `${of.idNumber.slice(0, 14)}${String(seq).padStart(3, '0')}`;
    const n = `${first17}${idCheckDigit(first17)}`;
    if (n !== of.idNumber && !(await db()('cadres').where({ id_number: n }).first()) && !(await db()('family_members').where({ id_number: n }).first())) return n;
  }
}

/** The archivist records, in `cadre`'s 家庭成员, a relative by an ID number no cadre has (yet). */
async function recordRelativeByNumber(cadre: DemoCadre, idNumber: string) {
  const res = await (await sys.as('archivist1')).post(`/api/cadres/${cadre.id}/family-members`, { name: '王某', relation: '兄弟', idNumber });
  if (res.status !== 201) throw new Error(`family: ${res.status} ${JSON.stringify(res.body)}`);
}

/** 信息更正 of the cadre's ID number, walked to the leader's approval; the approval's answer. */
async function correctIdNumber(cadre: DemoCadre, idNumber: string) {
  return (await correctionUpToApproval(cadre, idNumber))();
}

/** 信息更正 of the cadre's ID number, walked up to the leader's approval; the approval, to make. */
async function correctionUpToApproval(cadre: DemoCadre, idNumber: string) {
  const archivist = await sys.as('archivist1');
  const opened = await archivist.post('/api/process-instances', { processKey: 'correction', variables: { cadreId: cadre.id, item: 'id_number', proposedValue: idNumber, trigger: 'cadre_request', reason: '本人已换领身份证。' } });
  if (opened.status !== 201) throw new Error(`open: ${opened.status} ${JSON.stringify(opened.body)}`);
  const id = opened.body.id;
  const ev = (await archivist.get(`/api/corrections/by-case/${id}`)).body;
  const investigated = await completeAt(archivist, id, 'investigate', { basisMaterials: [ev.evidence[0].seqNo], findings: '核对新身份证及户口簿。', proposedValue: idNumber });
  if (investigated.status !== 200) throw new Error(`investigate: ${investigated.status} ${JSON.stringify(investigated.body)}`);
  const opinion = await completeAt(await sys.as('chief1'), id, 'chiefOpinion', approve());
  if (opinion.status !== 200) throw new Error(`opinion: ${opinion.status} ${JSON.stringify(opinion.body)}`);
  const leader = await sys.as('leader1');
  return () => completeAt(leader, id, 'authorityApproval', approve());
}

async function assertReleased(t: any, held: { taskId: string; instanceId: string }, from: string) {
  const fromId = await userId(from);
  t.like(await db()('tasks').where({ id: held.taskId }).first(), { status: 'open', assignee_id: null, claimed_at: null }, 'given back to the group');
  const history = await db()('history').where({ instance_id: held.instanceId, event: 'release' }).first();
  t.truthy(history, 'a release row in the case history');
  t.like(JSON.parse(history.detail), { taskId: held.taskId, reason: 'avoidance' });
  const audit = await db()('audit_log').where({ action: 'task.release', object_id: held.taskId }).first();
  t.truthy(audit, 'a task.release audit row');
  t.like(JSON.parse(audit.detail), { userId: fromId, reason: 'relative', instanceId: held.instanceId });
  t.is(audit.actor_id, await userId('leader1'), 'the leader who approved the correction');
  t.true((await (await sys.as('archivist1')).get('/api/tasks?filter=candidate&limit=200')).body.items.some((x: any) => x.id === held.taskId), 'a colleague is offered it');
}

test.serial('a corrected ID number that a 家庭成员 row of the linked cadre names gives back the claims its account holds on the corrected cadre’s cases, and only those', async (t) => {
  const [self, corrected, other] = cadres;
  await link('archivist8', self);
  const newNumber = await freshNumber(corrected);
  await recordRelativeByNumber(self, newNumber);
  const held = await borrowingAtReview(sys, corrected, 'archivist8', { claim: true });
  const kept = await borrowingAtReview(sys, other, 'archivist8', { claim: true });
  t.is((await db()('tasks').where({ id: held.taskId }).first()).assignee_id, await userId('archivist8'), 'not a relative yet: the claim stands');

  const approved = await correctIdNumber(corrected, newNumber);
  t.is(approved.status, 200, JSON.stringify(approved.body));
  t.is((await db()('cadres').where({ id: corrected.id }).first()).id_number, newNumber);

  await assertReleased(t, held, 'archivist8');
  t.is((await (await sys.as('archivist8')).get(`/api/tasks/${held.taskId}`)).status, 404, 'the relative’s case is out of sight');
  t.like(await db()('tasks').where({ id: kept.taskId }).first(), { status: 'open', assignee_id: await userId('archivist8') }, 'the claim on an unrelated cadre’s case stays');
  t.is((await db()('audit_log').where({ action: 'task.release', object_id: kept.taskId })).length, 0);
});

test.serial('the other way round: the linked cadre’s own ID number corrected to one a 家庭成员 row of another cadre names gives back the tasks held on that cadre’s cases', async (t) => {
  const [, , , self, recorder] = cadres;
  await link('archivist7', self);
  const newNumber = await freshNumber(self);
  await recordRelativeByNumber(recorder, newNumber);
  const held = await borrowingAtReview(sys, recorder, 'archivist7', { claim: true });

  const approved = await correctIdNumber(self, newNumber);
  t.is(approved.status, 200, JSON.stringify(approved.body));

  await assertReleased(t, held, 'archivist7');
});

// PostgreSQL: the approval records itself (correction.approval, holding the audit chain's head to
// commit) before the next step changes the number and gives back the claims. Had it locked the cases
// it gives back only then, a claim being written on one of them (its case locked, its audit row
// still to come) and the approval would wait on each other (a deadlock, one of them aborted). The
// approval locks those cases before its audit row: it waits for the claim, then gives it back.
test.serial('an approval made while a claim on the corrected cadre’s case is being written waits for it and gives it back', async (t) => {
  const [, , , , , self, corrected] = cadres;
  await link('archivist6', self);
  const newNumber = await freshNumber(corrected);
  await recordRelativeByNumber(self, newNumber);
  const { instanceId, taskId } = await borrowingAtReview(sys, corrected, 'archivist6');
  const approveNow = await correctionUpToApproval(corrected, newNumber);
  const me = await userId('archivist6');

  // The claim, as a task command makes it: the case's lock, the task written, then (later) its audit row.
  const claim = await db().transaction();
  let approved: ReturnType<typeof approveNow> | undefined;
  try {
    await claim('process_instances').where({ id: instanceId }).modify((qb) => (usingPg ? qb.forUpdate() : qb)).first();
    await claim('tasks').where({ id: taskId }).update({ assignee_id: me, claimed_at: new Date().toISOString() });
    approved = approveNow();
    if (usingPg) {
      const early = await Promise.race([approved.then(() => 'answered'), new Promise((r) => setTimeout(() => r('waiting'), 500))]);
      t.is(early, 'waiting', 'the approval waits for the case being worked');
    }
    await sys.services.audit.record(claim, { actor: { id: me, username: 'archivist6', roles: ['archivist'] }, ip: '127.0.0.1', action: 'task.claim', objectType: 'task', objectId: taskId });
  } finally {
    await claim.commit();
  }
  const answer = await approved!;
  t.is(answer.status, 200, JSON.stringify(answer.body));
  t.like(await db()('tasks').where({ id: taskId }).first(), { status: 'open', assignee_id: null }, 'the claim is given back');
  t.truthy(await db()('audit_log').where({ action: 'task.release', object_id: taskId }).first());
});
