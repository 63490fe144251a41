// The consoles of the system and the security administrator: the 三员 separation enforced on role
// changes whoever asks, nobody managing their own account, the last administrator of a duty kept,
// the security policy and the system settings audited as configuration changes.
import test from 'ava';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import type { HttpClient } from '../../test/helpers/http.ts';
import { orgId } from '../../test/helpers/workflow.ts';
import { DEMO_PASSWORD } from '../../db/seeds/demo.ts';

let sys: TestSystem;
let sec: HttpClient;
let sysadmin: HttpClient;
test.before(async () => {
  sys = await startSystem();
  sec = await sys.as('secadmin');
  sysadmin = await sys.as('sysadmin');
});
test.after.always(async () => {
  await sys?.close();
});

const id = async (username: string) => (await sys.services.db('users').where({ username }).first()).id as number;
const rolesOf = async (username: string) =>
  (await sys.services.db('user_roles').where({ user_id: await id(username) }).orderBy('role')).map((r: any) => r.role);
const put = (c: HttpClient, path: string, body: unknown) => c.request('PUT', path, body);

test.serial('role sets that break the 三员 separation are refused and change nothing', async (t) => {
  const target = await id('applicant1');
  for (const roles of [['applicant', 'auditor'], ['sys_admin', 'auditor'], ['sec_admin', 'process_admin'], ['sys_admin', 'sec_admin', 'auditor']]) {
    const res = await put(sec, `/api/admin/users/${target}/roles`, { roles });
    t.is(res.status, 422, roles.join('+'));
    t.is(res.body.code, 'RULE_VIOLATION');
    t.is(res.body.details.rule, 'SEPARATION_OF_DUTIES');
  }
  t.deepEqual(await rolesOf('applicant1'), ['applicant']);
  t.is((await sys.services.db('audit_log').where({ action: 'user.roles_change', object_id: String(target), outcome: 'success' })).length, 0);

  const ok = await put(sec, `/api/admin/users/${target}/roles`, { roles: ['applicant', 'unit_head'] });
  t.is(ok.status, 200);
  t.deepEqual(ok.body.roles, ['applicant', 'unit_head']);
  const row = await sys.services.db('audit_log').where({ action: 'user.roles_change', object_id: String(target), outcome: 'success' }).first();
  t.is(row.actor, 'secadmin');
  t.deepEqual(JSON.parse(row.detail), { from: ['applicant'], to: ['applicant', 'unit_head'] });
  await put(sec, `/api/admin/users/${target}/roles`, { roles: ['applicant'] });
});

test.serial('an administrator role on a business user must be the only role', async (t) => {
  const target = await id('applicant2');
  const res = await put(sec, `/api/admin/users/${target}/roles`, { roles: ['auditor'] });
  t.is(res.status, 200, 'a second auditor, holding nothing else');
  t.deepEqual(res.body.roles, ['auditor']);
  t.is((await put(sec, `/api/admin/users/${target}/roles`, { roles: ['applicant'] })).status, 200);
});

test.serial('nobody manages their own account, and the last holder of a duty stays', async (t) => {
  const own = await put(sec, `/api/admin/users/${await id('secadmin')}/roles`, { roles: ['sec_admin', 'auditor'] });
  t.is(own.status, 422);
  t.is(own.body.details.rule, 'SEPARATION_OF_DUTIES', 'the role set is checked first');
  const own2 = await put(sec, `/api/admin/users/${await id('secadmin')}/roles`, { roles: [] });
  t.is(own2.body.details.rule, 'NOT_OWN_ACCOUNT');
  t.is((await sysadmin.post(`/api/admin/users/${await id('sysadmin')}/disable`)).body.details.rule, 'NOT_OWN_ACCOUNT');

  const lastAuditor = await put(sec, `/api/admin/users/${await id('auditor')}/roles`, { roles: [] });
  t.is(lastAuditor.status, 422);
  t.is(lastAuditor.body.details.rule, 'LAST_ADMINISTRATOR');
  const disable = await sysadmin.post(`/api/admin/users/${await id('auditor')}/disable`);
  t.is(disable.status, 422);
  t.is(disable.body.details.rule, 'LAST_ADMINISTRATOR');
  t.deepEqual(await rolesOf('auditor'), ['auditor']);
  t.false((await sysadmin.get(`/api/admin/users/${await id('auditor')}`)).body.disabled);
});

test.serial('each administrator has only their own console', async (t) => {
  const target = await id('applicant1');
  const asSys = await put(sysadmin, `/api/admin/users/${target}/roles`, { roles: ['archivist'] });
  t.is(asSys.status, 403);
  t.is(asSys.body.code, 'FORBIDDEN');
  t.is((await sec.post('/api/admin/users', { username: 'wangwu', displayName: '王五', orgUnitId: 1 })).status, 403);
  t.is((await sec.get('/api/admin/backups')).status, 403);
  t.is((await sysadmin.get('/api/admin/security-policy')).status, 403);
  t.is((await sysadmin.get('/api/audit/entries')).status, 403);
  t.is((await sec.get('/api/audit/entries')).status, 403);
  const auditor = await sys.as('auditor');
  t.is((await auditor.get('/api/admin/users')).status, 403);
  for (const c of [sysadmin, sec, auditor]) {
    t.is((await c.get('/api/tasks')).status, 403, 'no business data for the 三员');
    t.is((await c.get('/api/process-definitions')).status, 403);
  }
  // Both account consoles read the list.
  t.is((await sysadmin.get('/api/admin/users')).status, 200);
  const list = await sec.get('/api/admin/users?role=auditor');
  t.deepEqual(list.body.items.map((u: any) => u.username), ['auditor']);
  t.false(JSON.stringify(list.body).includes('scrypt'), 'no password hashes leave the server');
});

test.serial('creating an account: unique name, real org unit, no roles until the security administrator grants them', async (t) => {
  const org = await orgId(sys, '150300-RSJ');
  const res = await sysadmin.post('/api/admin/users', { username: 'wangwu', displayName: '王五', orgUnitId: org, email: 'wangwu@dangan.example' });
  t.is(res.status, 201);
  t.deepEqual(res.body.user.roles, []);
  t.true(res.body.user.mustChangePassword);
  t.is(res.body.user.orgUnit.name, '乌海市人力资源和社会保障局');
  t.is((await sysadmin.post('/api/admin/users', { username: 'WangWu', displayName: '另一个', orgUnitId: org })).body.code, 'USERNAME_TAKEN');
  const badOrg = await sysadmin.post('/api/admin/users', { username: 'zhaoliu', displayName: '赵六', orgUnitId: 99999 });
  t.is(badOrg.status, 400);
  t.is(badOrg.body.details[0].field, 'orgUnitId');
  t.is((await sysadmin.post('/api/admin/users', { username: '1bad', displayName: 'x', orgUnitId: org })).status, 400);
  t.falsy(await sys.services.db('users').where({ username: 'zhaoliu' }).first());
  const created = await sys.services.db('audit_log').where({ action: 'user.create', object_id: String(res.body.user.id) }).first();
  t.is(created.actor, 'sysadmin');
  t.false(JSON.stringify(created).includes(res.body.initialPassword));
});

test.serial('moving an account to another org unit changes its scope at once, audited', async (t) => {
  const target = await id('receiver1');
  const from = (await sys.services.db('users').where({ id: target }).first()).org_unit_id;
  const to = await orgId(sys, '150300-ZZB-DAS');
  const receiver = await sys.as('receiver1');
  const res = await put(sec, `/api/admin/users/${target}/org-unit`, { orgUnitId: to });
  t.is(res.status, 200);
  t.is(res.body.orgUnit.code, '150300-ZZB-DAS');
  t.is((await receiver.get('/api/me')).body.orgUnit.id, to, 'the live session sees the new unit');
  const row = await sys.services.db('audit_log').where({ action: 'user.scope_change', object_id: String(target) }).first();
  t.deepEqual(JSON.parse(row.detail), { from, to });
  await put(sec, `/api/admin/users/${target}/org-unit`, { orgUnitId: from });
});

test.serial('a lost authenticator: the security administrator resets it, the user enrols again', async (t) => {
  const target = await id('auditor');
  const live = await sys.as('auditor');
  const res = await sec.post(`/api/admin/users/${target}/totp-reset`);
  t.is(res.status, 200);
  t.false(res.body.totpEnrolled);
  t.is((await live.get('/api/audit/entries')).status, 401, 'its sessions ended');
  const c = sys.client();
  const login = await c.post('/api/auth/login', { username: 'auditor', password: DEMO_PASSWORD });
  t.is(login.status, 200);
  t.true(login.body.mustEnrollTotp);
  t.is((await c.get('/api/audit/entries')).body.code, 'TOTP_ENROLMENT_REQUIRED');
  // Put the demo secret back for the other tests.
  await sys.services.db('users').where({ id: target }).update({ totp_secret: 'JBSWY3DPEHPK3PXP' });
});

test.serial('the security policy: read, change (audited per key), refuse what does not fit', async (t) => {
  const before = await sec.get('/api/admin/security-policy');
  t.is(before.status, 200);
  t.deepEqual(before.body.lockout, { maxFailures: 5, lockSeconds: 300 });
  t.deepEqual(before.body.session, { idleSeconds: 600, absoluteSeconds: 28800 });
  const changed = await put(sec, '/api/admin/security-policy', { lockout: { maxFailures: 3 }, session: { idleSeconds: 900 } });
  t.is(changed.status, 200);
  t.is(changed.body.lockout.maxFailures, 3);
  t.is(changed.body.session.idleSeconds, 900);
  const rows = await sys.services.db('audit_log').where({ action: 'config.change' }).orderBy('seq');
  const byKey = Object.fromEntries(rows.map((r: any) => [r.object_id, JSON.parse(r.detail)]));
  t.deepEqual(byKey['lockout.maxFailures'], { from: 5, to: 3 });
  t.deepEqual(byKey['session.idleSeconds'], { from: 600, to: 900 });
  t.true(rows.every((r: any) => r.actor === 'secadmin'));

  for (const bad of [{ password: { minLength: 4 } }, { lockout: { maxFailures: 0 } }, { totp: { roles: ['auditor'] } }, { session: { idleSeconds: 600, absoluteSeconds: 300 } }, { password: { color: 'red' } }, { system: { siteName: 'x' } }]) {
    const res = await put(sec, '/api/admin/security-policy', bad);
    t.is(res.status, 400, JSON.stringify(bad));
  }
  t.is((await sec.get('/api/admin/security-policy')).body.password.minLength, 8, 'nothing of a refused change was kept');
  // The new lockout applies at once: three wrong passwords lock.
  for (let i = 0; i < 3; i++) await sys.client().post('/api/auth/login', { username: 'leader1', password: `Wrong#${i}xyz` });
  t.truthy((await sys.services.db('users').where({ username: 'leader1' }).first()).locked_until);
  const unlocked = await sysadmin.post(`/api/admin/users/${await id('leader1')}/unlock`);
  t.false(unlocked.body.locked);
  t.is((await sys.client().post('/api/auth/login', { username: 'leader1', password: DEMO_PASSWORD })).status, 200);
  await put(sec, '/api/admin/security-policy', { lockout: { maxFailures: 5 }, session: { idleSeconds: 600 } });
});

test.serial("the idle timeout the browser is given is the security policy's, not the startup default", async (t) => {
  const idleOf = async (c: HttpClient) => (await c.get('/api/ui/bootstrap')).body.settings.sessionIdleSeconds;
  const procadmin = await sys.as('procadmin');
  t.is(await idleOf(procadmin), 600);
  // Shorter than the startup default: the browser must warn and lock before the server ends the session.
  t.is((await put(sec, '/api/admin/security-policy', { session: { idleSeconds: 60 } })).status, 200);
  t.is(await idleOf(procadmin), 60, 'a page already open reads the new value at its next bootstrap');
  t.is(await idleOf(sys.client()), 60, 'and so does the login page');
  // Longer: the browser must not log out before the server would.
  t.is((await put(sec, '/api/admin/security-policy', { session: { idleSeconds: 3600 } })).status, 200);
  t.is(await idleOf(procadmin), 3600);
  await put(sec, '/api/admin/security-policy', { session: { idleSeconds: 600 } });
  t.is(await idleOf(procadmin), 600);
});

test.serial('system settings belong to the system administrator and show on the login page', async (t) => {
  const res = await put(sysadmin, '/api/admin/settings', { system: { siteName: '乌海市干部人事档案管理系统', loginNotice: '本系统仅限授权人员使用。' } });
  t.is(res.status, 200);
  const info = await sys.client().get('/api/system/info');
  t.deepEqual(info.body, { siteName: '乌海市干部人事档案管理系统', loginNotice: '本系统仅限授权人员使用。' });
  t.is((await put(sec, '/api/admin/settings', { system: { siteName: 'x' } })).status, 403);
  t.is((await put(sysadmin, '/api/admin/settings', { system: { siteName: '' } })).status, 400);
  const row = await sys.services.db('audit_log').where({ action: 'config.change', object_id: 'system.siteName' }).first();
  t.is(row.actor, 'sysadmin');
});
