// A holder tied to the case's cadre some way that released nothing — a tie written straight into the
// database here, as a relative recorded by an import or a restore would be — can no longer open or
// complete the task (404, like an absent one), but can still give it back (退回), so the claim does
// not stay stuck with someone who may not work it. Before, 退回 was refused as well (404): only the
// chief's 转办 got the task moving again. GET /api/tasks/avoided lists it for him to give back (the
// inbox's 办理回避 box), by the step and the process only.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { borrowingAtReview, demoCadre } from '../helpers/cases.ts';
import { addUser } from '../helpers/users.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
  await addUser(sys, { username: 'archivist6', displayName: '钱晓雯', org: '150300-ZZB-DAS', roles: ['archivist'] });
});
test.after.always(async () => {
  await sys?.close();
});

test('a holder tied to the cadre behind the system’s back cannot work the task but gives it back', async (t) => {
  const db = sys.services.db;
  const cadre = await demoCadre(sys, 'county', 0);
  const { taskId } = await borrowingAtReview(sys, cadre, 'archivist6', { claim: true });
  const task = { id: taskId };
  const holder = await sys.as('archivist6');

  const me = await db('users').where({ username: 'archivist6' }).first('id');
  const admin = await db('users').where({ username: 'secadmin' }).first('id');
  await db('avoidance_entries').insert({ user_id: me.id, cadre_id: cadre.id, reason: '数据恢复带入', created_by: admin.id, created_at: new Date().toISOString(), removed_at: null, removed_by: null });
  t.like(await db('tasks').where({ id: task.id }).first(), { status: 'open', assignee_id: me.id }, 'nothing released it');

  t.is((await holder.get(`/api/tasks/${task.id}`)).status, 404);
  // The inbox offers it to be given back (办理回避), by the step and the process only.
  const avoided = await holder.get('/api/tasks/avoided');
  t.is(avoided.status, 200);
  t.deepEqual(avoided.body.items.map((x: any) => Object.keys(x).sort()), [['claimedAt', 'id', 'name', 'processName']]);
  t.like(avoided.body.items[0], { id: task.id, name: '档案管理员受理审查' });
  t.false(JSON.stringify(avoided.body).includes(cadre.name), 'nothing of the case');
  t.deepEqual((await (await sys.as('archivist1')).get('/api/tasks/avoided')).body.items, [], 'nobody else’s');
  t.is((await holder.post(`/api/tasks/${task.id}/complete`, { variables: { decision: 'approve', comment: '同意。' } })).status, 404);
  const back = await holder.post(`/api/tasks/${task.id}/unclaim`);
  t.is(back.status, 200, JSON.stringify(back.body));
  t.like(await db('tasks').where({ id: task.id }).first(), { status: 'open', assignee_id: null });
  t.deepEqual((await holder.get('/api/tasks/avoided')).body.items, [], 'given back, no longer listed');
  // Back with the group: a colleague sees it offered and takes it; the tied archivist may not claim it again.
  const colleague = await sys.as('archivist1');
  t.true((await colleague.get('/api/tasks?filter=candidate&limit=200')).body.items.some((x: any) => x.id === task.id));
  t.is((await holder.post(`/api/tasks/${task.id}/claim`)).status, 404);
  t.is((await colleague.post(`/api/tasks/${task.id}/claim`)).status, 200);
});
