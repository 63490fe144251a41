// 办理回避 on the task page. The archive chief who approved a case works none of its later archivist
// steps ('other_level'), but he answers for them (转办, 督办): before, GET /api/tasks/:id answered
// him 404, so the task page — where 转办 is — never opened for him. Now whoever may hand the task on
// reads it, and the page is told why he cannot work it himself (`bar`): neither claim nor complete is
// offered — also to the archivist who is the chief as well, whom a naive fix offered the claim — and
// the server still refuses both (404, as absent). A holder who became barred gives the task back
// (unclaim); he still cannot complete it.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { actor, asAdmin } from '../helpers/notify.ts';
import { approve } from '../helpers/workflow.ts';
import { approveStep, borrowingVariables, demoCadre } from '../helpers/cases.ts';
import { addUser } from '../helpers/users.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
  await addUser(sys, { username: 'archivist8', displayName: '孙丽娟', org: '150300-ZZB-DAS', roles: ['archivist'] });
  await addUser(sys, { username: 'chief8', displayName: '高晓东', org: '150300-ZZB-DAS', roles: ['archive_chief'] });
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;

async function setRoles(username: string, roles: string[]): Promise<void> {
  const sec = await asAdmin(sys, 'secadmin');
  const res = await sec.request('PUT', `/api/admin/users/${(await actor(sys, username)).id}/roles`, { roles });
  if (res.status !== 200) throw new Error(`roles: ${res.status} ${JSON.stringify(res.body)}`);
}

/** An on-site borrowing approved by `chief` (the archivist's review by archivist8), at its 现场查阅 (an archivist step). */
async function atReading(nth: number, chief: string): Promise<{ id: string; reading: any }> {
  const cadre = await demoCadre(sys, 'county', nth);
  const res = await (await sys.as('applicant1')).post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', cadre, { mode: 'onsite' }) });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  const id = res.body.id as string;
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await approveStep(sys, 'archivist8', id, 'archivistReview');
  await approveStep(sys, chief, id, 'chiefApproval');
  const reading = await db()('tasks').where({ instance_id: id, element_id: 'onsiteReading', status: 'open' }).first();
  if (!reading) throw new Error('no 现场查阅');
  return { id, reading };
}

test.serial('the chief who approved reads the later archivist step he may hand on, told why he cannot work it; claim and complete stay refused', async (t) => {
  const { reading } = await atReading(0, 'chief1');
  const chief = await sys.as('chief1');
  const page = await chief.get(`/api/tasks/${reading.id}`);
  t.is(page.status, 200, JSON.stringify(page.body));
  t.like(page.body, { id: reading.id, status: 'open', bar: 'other_level', canClaim: false, canComplete: false, canUnclaim: false, canReassign: true, caseReadable: true });
  t.is((await chief.post(`/api/tasks/${reading.id}/claim`)).status, 404);
  t.is((await chief.post(`/api/tasks/${reading.id}/complete`, { variables: approve() })).status, 404);
  t.like(await db()('tasks').where({ id: reading.id }).first(), { assignee_id: null, status: 'open' });

  // Another chief of the office, who did nothing in the case, reads it too (督办), with no bar: not his role to work.
  const other = await (await sys.as('chief8')).get(`/api/tasks/${reading.id}`);
  t.is(other.status, 200, JSON.stringify(other.body));
  t.like(other.body, { bar: null, canClaim: false, canComplete: false, canReassign: true });

  // From the page he hands it on.
  const archivist8 = await actor(sys, 'archivist8');
  const handed = await chief.post(`/api/tasks/${reading.id}/reassign`, { userId: archivist8.id, reason: '请孙丽娟陪同查阅' });
  t.is(handed.status, 200, JSON.stringify(handed.body));
  t.is(handed.body.assigneeId, archivist8.id);
});

test.serial('an archivist who is the chief as well and approved the case is not offered the claim of its archivist step on the page, nor may he claim it', async (t) => {
  await setRoles('archivist1', ['archivist', 'archive_chief']);
  t.teardown(() => setRoles('archivist1', ['archivist']));
  const { reading } = await atReading(1, 'archivist1');
  const c = await sys.as('archivist1');
  const page = await c.get(`/api/tasks/${reading.id}`);
  t.is(page.status, 200, JSON.stringify(page.body));
  t.like(page.body, { bar: 'other_level', canClaim: false, canComplete: false, canReassign: true, blockedChoices: [] });
  const claim = await c.post(`/api/tasks/${reading.id}/claim`);
  t.is(claim.status, 404);
  t.is(JSON.parse((await db()('audit_log').where({ action: 'task.claim', object_id: reading.id, outcome: 'denied' }).first()).detail).reason, 'other_level');
  t.like(await db()('tasks').where({ id: reading.id }).first(), { assignee_id: null });
});

test.serial('a holder who became barred sees why on the page and gives the task back; he cannot complete it', async (t) => {
  await setRoles('archivist1', ['archivist', 'archive_chief']);
  t.teardown(() => setRoles('archivist1', ['archivist']));
  const { reading } = await atReading(2, 'archivist1');
  const me = await actor(sys, 'archivist1');
  // A claim made before he became barred (the rule came later, or a step of another role done since).
  await db()('tasks').where({ id: reading.id }).update({ assignee_id: me.id, claimed_at: new Date().toISOString() });
  const c = await sys.as('archivist1');
  // He finds it under 我的 (a user of two roles has the bars filtered in SQL: a held task stays).
  t.true((await c.get('/api/tasks?filter=mine&limit=200')).body.items.some((x: any) => x.id === reading.id), 'listed as his');
  const page = await c.get(`/api/tasks/${reading.id}`);
  t.is(page.status, 200, JSON.stringify(page.body));
  t.like(page.body, { bar: 'other_level', canComplete: false, canClaim: false, canUnclaim: true });
  t.is((await c.post(`/api/tasks/${reading.id}/complete`, { variables: approve() })).status, 404);
  const back = await c.post(`/api/tasks/${reading.id}/unclaim`);
  t.is(back.status, 200, JSON.stringify(back.body));
  t.like(await db()('tasks').where({ id: reading.id }).first(), { assignee_id: null, status: 'open' });
  t.truthy(await db()('audit_log').where({ action: 'task.unclaim', object_id: reading.id, outcome: 'success' }).first());
  t.false((await c.get('/api/tasks?filter=open&limit=200')).body.items.some((x: any) => x.id === reading.id), 'given back, it is not offered to him');
  // Back with the group: a colleague takes it.
  t.is((await (await sys.as('archivist8')).post(`/api/tasks/${reading.id}/claim`)).status, 200);
});
