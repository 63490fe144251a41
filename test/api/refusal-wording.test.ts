// Refusals speak Chinese first, then English, like every other message: setting a variable the
// system sets ("initiator"), a step setting what the case is about ("route", "grant"), and
// disabling the last holder of an administrator role, which names the role in words (安全审计员),
// not by its code (auditor).
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { borrowingVariables, demoCadre } from '../helpers/cases.ts';
import { approve, taskAt } from '../helpers/workflow.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

test.serial('"initiator" at the start and "route" / "grant" at a step: refused in Chinese, then English', async (t) => {
  const applicant = await sys.as('applicant1');
  const cadre = await demoCadre(sys, 'county');
  const variables = await borrowingVariables(sys, 'applicant1', cadre);
  const bad = await applicant.post('/api/process-instances', { processKey: 'borrowing', variables: { ...variables, initiator: 1 } });
  t.is(bad.status, 400);
  t.is(bad.body.message, '“initiator”由系统设定，不能填写 / "initiator" cannot be set');
  t.is(bad.body.details[0].field, 'initiator');

  const res = await applicant.post('/api/process-instances', { processKey: 'borrowing', variables });
  t.is(res.status, 201, JSON.stringify(res.body));
  const head = await sys.as('unithead1');
  const task = await taskAt(head, res.body.id, 'unitHeadReview');
  for (const key of ['route', 'grant']) {
    const step = await head.post(`/api/tasks/${task.id}/complete`, { variables: { ...approve(), [key]: {} } });
    t.is(step.status, 400);
    t.is(step.body.message, `“${key}”在案件发起时已确定，办理环节不能修改 / "${key}" cannot be set by a step`);
  }
});

test.serial('disabling the only 安全审计员 names the role in words, in both languages', async (t) => {
  const sysadmin = await sys.as('sysadmin');
  const target = (await sys.services.db('users').where({ username: 'auditor' }).first()).id;
  const res = await sysadmin.post(`/api/admin/users/${target}/disable`);
  t.is(res.status, 422);
  t.is(res.body.message, '安全审计员至少需要保留一个可用账号 / At least one enabled security auditor account must remain');
  t.like(res.body.details, { rule: 'LAST_ADMINISTRATOR', role: 'auditor' });
});
