// Migration 20261127_3003 fills workflow_cases for instances that existed before the case index:
// initiator, unit, process name, and how ended cases ended.
import test from 'ava';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import { approveStep, fileConsultation, REASONS } from '../../test/helpers/cases.ts';
import { up as backfill } from '../../db/migrations/20261127_3003_cases_backfill.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

test('instances without a case row get one; existing rows are left alone', async (t) => {
  const db = sys.services.db;
  const running = await fileConsultation(sys, 'applicant1', REASONS[0]);
  const rejected = await fileConsultation(sys, 'applicant2', REASONS[1]);
  const u = await sys.as('unithead1');
  const task = (await u.get('/api/tasks')).body.items.find((x: any) => x.instanceId === rejected);
  await u.post(`/api/tasks/${task.id}/complete`, { variables: { decision: 'reject', comment: '理由不充分。' } });
  const kept = await fileConsultation(sys, 'applicant1', REASONS[2]);
  await approveStep(sys, 'unithead1', kept, 'unitHeadReview');
  const keptBefore = await db('workflow_cases').where({ instance_id: kept }).first();

  // The engine hook wrote the same thing when the case ended.
  t.like(await db('workflow_cases').where({ instance_id: rejected }).first(), { outcome: 'rejected', outcome_element_id: 'rejected' });

  await db('workflow_cases').whereIn('instance_id', [running, rejected]).delete();
  await backfill(db);

  const r = await db('workflow_cases').where({ instance_id: running }).first();
  t.like(r, {
    process_key: 'borrowing',
    process_name: '查阅/借阅干部人事档案',
    initiator_name: '王建国',
    initiator_org_name: '乌海市纪委监委',
    ended_at: null,
    outcome: null,
  });
  t.regex(r.initiator_org_path, /^\/\d+\/\d+\/\d+\/$/);
  const x = await db('workflow_cases').where({ instance_id: rejected }).first();
  t.like(x, { initiator_name: '李红梅', outcome: '已驳回', outcome_element_id: 'rejected' });
  t.truthy(x.ended_at);
  t.deepEqual(await db('workflow_cases').where({ instance_id: kept }).first(), keptBefore);
  t.is((await db('workflow_cases')).length, 3);
});
