// A 三员 rule refusing an administrator's attempt is audited (regression: secadmin giving one account
// sys_admin + auditor, and sysadmin disabling the only auditor, were answered 422 and left no
// trace, while a 403 leaves authz.denied): the auditor finds the attempt as `denied`, with who
// tried what on whom and the rule, and nothing of the account changed.
import test from 'ava';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import type { HttpClient } from '../../test/helpers/http.ts';

let sys: TestSystem;
let sec: HttpClient;
let sysadmin: HttpClient;
let auditor: HttpClient;
test.before(async () => {
  sys = await startSystem();
  sec = await sys.as('secadmin');
  sysadmin = await sys.as('sysadmin');
  auditor = await sys.as('auditor');
});
test.after.always(async () => {
  await sys?.close();
});

const id = async (username: string) => (await sys.services.db('users').where({ username }).first()).id as number;
const denied = async (action: string, objectId: number) =>
  (await auditor.get(`/api/audit/entries?action=${action}&outcome=denied&objectType=user&objectId=${objectId}&limit=50`)).body.items as any[];

test.serial('secadmin giving one account two administrator roles: 422, and a denied row the auditor finds', async (t) => {
  const target = await id('archivist1');
  const res = await sec.request('PUT', `/api/admin/users/${target}/roles`, { roles: ['sys_admin', 'auditor'] });
  t.is(res.status, 422);
  t.is(res.body.details.rule, 'SEPARATION_OF_DUTIES');
  const rows = await denied('user.roles_change', target);
  t.is(rows.length, 1);
  t.is(rows[0].actor, 'secadmin');
  t.is(rows[0].outcome, 'denied');
  t.like(rows[0].detail, { rule: 'SEPARATION_OF_DUTIES', to: ['auditor', 'sys_admin'] });
  // Nothing changed, and no success row claims it did.
  t.deepEqual((await sys.services.db('user_roles').where({ user_id: target })).map((r: any) => r.role), ['archivist']);
  t.is((await sys.services.db('audit_log').where({ action: 'user.roles_change', object_id: String(target), outcome: 'success' })).length, 0);
});

test.serial('sysadmin disabling the only auditor: 422, and a denied row naming the duty', async (t) => {
  const target = await id('auditor');
  const res = await sysadmin.post(`/api/admin/users/${target}/disable`);
  t.is(res.status, 422);
  t.is(res.body.details.rule, 'LAST_ADMINISTRATOR');
  const rows = await denied('user.disable', target);
  t.is(rows.length, 1);
  t.is(rows[0].actor, 'sysadmin');
  t.like(rows[0].detail, { rule: 'LAST_ADMINISTRATOR', role: 'auditor' });
  t.false((await sysadmin.get(`/api/admin/users/${target}`)).body.disabled);

  // Stripping the last auditor of the role, and an administrator managing their own account, alike.
  t.is((await sec.request('PUT', `/api/admin/users/${target}/roles`, { roles: [] })).status, 422);
  t.like((await denied('user.roles_change', target))[0]?.detail, { rule: 'LAST_ADMINISTRATOR', role: 'auditor', to: [] });
  const own = await id('sysadmin');
  t.is((await sysadmin.post(`/api/admin/users/${own}/reset-password`)).status, 422);
  t.like((await denied('user.password_reset', own))[0]?.detail, { rule: 'NOT_OWN_ACCOUNT' });

  // The log stays verifiable with the rows written beside the failed requests.
  const verify = await auditor.get('/api/audit/verify');
  t.is(verify.status, 200);
  t.true(verify.body.ok, JSON.stringify(verify.body));
});

test.serial('a refusal that is not a 三员 rule (an account already disabled) is only answered', async (t) => {
  const target = await id('applicant2');
  t.is((await sysadmin.post(`/api/admin/users/${target}/disable`)).status, 200);
  const again = await sysadmin.post(`/api/admin/users/${target}/disable`);
  t.is(again.status, 409);
  t.is((await denied('user.disable', target)).length, 0);
  t.is((await sysadmin.post(`/api/admin/users/${target}/enable`)).status, 200);
});
