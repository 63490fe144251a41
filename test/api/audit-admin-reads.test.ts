// Acts of the administrators that the auditor must see and did not: the security administrator
// reading the account list and the avoidance list (who must avoid which cadre, and why) — each a
// list-level row with the count; a refused change of the settings or the security policy (400) — a
// denied config.change naming the fields tried and refused, never a value; and the system
// administrator opening the audit console, which asks the server, whose 403 is authz.denied.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const lastRow = (action: string, actor: string) => sys.services.db('audit_log').where({ action, actor }).orderBy('seq', 'desc').first();

test.serial('the security administrator reading the account list and the avoidance list is audited with the counts', async (t) => {
  const sec = await sys.as('secadmin');
  const users = await sec.get('/api/admin/users?q=archivist&limit=5');
  t.is(users.status, 200);
  const row = await lastRow('user.list', 'secadmin');
  t.truthy(row, 'user.list written');
  t.like(JSON.parse(row.detail), { filter: { q: 'archivist' }, total: users.body.total, returned: users.body.items.length });
  t.truthy(row.ip);

  const avoid = await sec.get('/api/avoidance-entries');
  t.is(avoid.status, 200);
  const a = await lastRow('avoidance.list', 'secadmin');
  t.truthy(a, 'avoidance.list written');
  t.is(a.object_type, 'avoidance');
  t.deepEqual(JSON.parse(a.detail), { total: avoid.body.length });
  const cadre = await sys.services.db('cadres').where({ id: avoid.body[0].cadreId }).first('name');
  t.false(a.detail.includes(cadre.name), 'no cadre name in the row');

  // The system administrator's read of the list too.
  await (await sys.as('sysadmin')).get('/api/admin/users');
  t.truthy(await lastRow('user.list', 'sysadmin'));
});

test.serial('a refused settings or policy write is a denied config.change naming the fields, not the values', async (t) => {
  const sys1 = await sys.as('sysadmin');
  const retention = await sys1.request('PUT', '/api/admin/settings', { audit: { retentionDays: 30 } });
  t.is(retention.status, 400);
  const r = await lastRow('config.change', 'sysadmin');
  t.is(r.outcome, 'denied');
  t.is(r.object_type, 'setting');
  const d = JSON.parse(r.detail);
  t.like(d, { owner: 'sys_admin', code: 'VALIDATION_FAILED' });
  t.deepEqual(d.fields, ['audit.retentionDays']);
  t.false(r.detail.includes('30'), 'no value');

  const sec = await sys.as('secadmin');
  const secret = 'Lockout0-999999';
  const policy = await sec.request('PUT', '/api/admin/security-policy', { lockout: { maxFailures: 0 }, password: { minLength: secret } });
  t.is(policy.status, 400);
  const p = await lastRow('config.change', 'secadmin');
  t.is(p.outcome, 'denied');
  const pd = JSON.parse(p.detail);
  t.is(pd.owner, 'sec_admin');
  t.deepEqual(pd.fields, ['lockout.maxFailures', 'password.minLength']);
  t.true(pd.refused.length > 0);
  t.false(p.detail.includes(secret), 'never the value typed');
  // An accepted write is still one success row per change, as before.
  const ok = await sec.request('PUT', '/api/admin/security-policy', { lockout: { maxFailures: 6 } });
  t.is(ok.status, 200);
  t.is((await lastRow('config.change', 'secadmin')).outcome, 'success');
});
