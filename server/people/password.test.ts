// Passwords as an office meets them: a new account's initial password must be changed before
// anything else; the policy names every rule a new password breaks; old passwords come back only
// past the history; passwords expire (demo accounts excepted); a change ends the other sessions.
import test from 'ava';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import type { HttpClient } from '../../test/helpers/http.ts';
import { DEMO_PASSWORD } from '../../db/seeds/demo.ts';
import { orgId } from '../../test/helpers/workflow.ts';
import { loadConfig } from '../config.ts';
import { DEFAULT_SCRYPT_N, hashPassword, verifyPassword } from './passwords.ts';

let sys: TestSystem;
let admin: HttpClient;
/** The system administrator's desk; users log in from their own (127.0.0.1), behind a trusted proxy. */
const ADMIN_DESK = '10.20.0.7';
test.before(async () => {
  sys = await startSystem({ env: { TRUST_PROXY: 'loopback' } });
  admin = await sys.as('sysadmin');
  admin.headers['x-forwarded-for'] = ADMIN_DESK;
});
test.after.always(async () => {
  await sys?.close();
});

async function newAccount(username: string) {
  const res = await admin.post('/api/admin/users', { username, displayName: '新用户', orgUnitId: await orgId(sys, '150300-JW') });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return { id: res.body.user.id as number, initial: res.body.initialPassword as string };
}

test.serial('an initial password must be changed first; each broken rule is named', async (t) => {
  const { id, initial } = await newAccount('zhangsan');
  t.regex(initial, /^[A-Za-z0-9@#%+=?!]{16}$/);
  // Not from the desk the account was created at: the administrator does not log in as the user.
  const desk = sys.client();
  desk.headers['x-forwarded-for'] = ADMIN_DESK;
  t.is((await desk.post('/api/auth/login', { username: 'zhangsan', password: initial })).body.code, 'INITIAL_PASSWORD_SAME_ADDRESS');
  const c = sys.client();
  const login = await c.post('/api/auth/login', { username: 'zhangsan', password: initial });
  t.is(login.status, 200);
  t.true(login.body.mustChangePassword);
  const blocked = await c.get('/api/tasks');
  t.is(blocked.status, 403);
  t.is(blocked.body.code, 'PASSWORD_CHANGE_REQUIRED');
  t.is((await c.get('/api/me')).status, 200);

  const weak = await c.post('/api/auth/password', { currentPassword: initial, newPassword: 'abc' });
  t.is(weak.status, 400);
  t.is(weak.body.code, 'PASSWORD_POLICY');
  t.deepEqual(weak.body.details.map((d: any) => d.rule), ['minLength', 'classes']);
  t.regex(weak.body.details[0].message, /至少 8 个字符/);
  const named = await c.post('/api/auth/password', { currentPassword: initial, newPassword: 'Zhangsan@2026' });
  t.deepEqual(named.body.details.map((d: any) => d.rule), ['containsUsername']);
  const wrong = await c.post('/api/auth/password', { currentPassword: 'not-it', newPassword: 'Harbour#Light7' });
  t.is(wrong.status, 400);
  t.is(wrong.body.code, 'CURRENT_PASSWORD_WRONG');
  t.is((await sys.services.db('users').where({ id }).first()).failed_logins, 1, 'a wrong current password counts');
  const before = (await sys.services.db('users').where({ id }).first()).password_hash;
  t.not(before, undefined);

  const ok = await c.post('/api/auth/password', { currentPassword: initial, newPassword: 'Harbour#Light7' });
  t.is(ok.status, 200);
  t.false(ok.body.mustChangePassword);
  // No role yet (the security administrator grants them): the permission layer answers now.
  t.is((await c.get('/api/tasks')).body.code, 'FORBIDDEN');
  const rows = await sys.services.db('audit_log').where({ action: 'auth.password_change', object_id: String(id) }).orderBy('seq');
  t.deepEqual(rows.map((r: any) => [r.outcome, JSON.parse(r.detail).reason ?? null]), [
    ['failure', 'policy'],
    ['failure', 'policy'],
    ['failure', 'wrong_current'],
    ['success', null],
  ]);
  t.false(JSON.stringify(rows).includes('Harbour#Light7'));
});

test.serial('a recent password cannot come back; the history length is the policy', async (t) => {
  const c = sys.client();
  await c.post('/api/auth/login', { username: 'zhangsan', password: 'Harbour#Light7' });
  t.is((await c.post('/api/auth/password', { currentPassword: 'Harbour#Light7', newPassword: 'Second#Try88' })).status, 200);
  const back = await c.post('/api/auth/password', { currentPassword: 'Second#Try88', newPassword: 'Harbour#Light7' });
  t.is(back.status, 400);
  t.deepEqual(back.body.details.map((d: any) => d.rule), ['history']);
  const same = await c.post('/api/auth/password', { currentPassword: 'Second#Try88', newPassword: 'Second#Try88' });
  t.deepEqual(same.body.details.map((d: any) => d.rule), ['history']);
  const sec = await sys.as('secadmin');
  t.is((await sec.request('PUT', '/api/admin/security-policy', { password: { historyCount: 1 } })).status, 200);
  t.is((await c.post('/api/auth/password', { currentPassword: 'Second#Try88', newPassword: 'Harbour#Light7' })).status, 200);
  await sec.request('PUT', '/api/admin/security-policy', { password: { historyCount: 5 } });
});

test.serial('the minimum length follows the security administrator', async (t) => {
  const sec = await sys.as('secadmin');
  t.is((await sec.request('PUT', '/api/admin/security-policy', { password: { minLength: 14 } })).status, 200);
  const c = sys.client();
  await c.post('/api/auth/login', { username: 'zhangsan', password: 'Harbour#Light7' });
  const short = await c.post('/api/auth/password', { currentPassword: 'Harbour#Light7', newPassword: 'Twelve#Chars1' });
  t.is(short.status, 400);
  t.is(short.body.details[0].rule, 'minLength');
  t.is(short.body.details[0].min, 14);
  await sec.request('PUT', '/api/admin/security-policy', { password: { minLength: 8 } });
});

test.serial('changing the password ends my other sessions, not this one', async (t) => {
  const a = sys.client();
  const b = sys.client();
  await a.post('/api/auth/login', { username: 'zhangsan', password: 'Harbour#Light7' });
  await b.post('/api/auth/login', { username: 'zhangsan', password: 'Harbour#Light7' });
  t.is((await a.post('/api/auth/password', { currentPassword: 'Harbour#Light7', newPassword: 'Third#Window42' })).status, 200);
  t.is((await a.get('/api/me')).status, 200);
  t.is((await b.get('/api/me')).status, 401);
});

test.serial('a password expires after 90 days; demo accounts are exempt', async (t) => {
  sys.clock.advanceDays(91);
  const c = sys.client();
  const login = await c.post('/api/auth/login', { username: 'zhangsan', password: 'Third#Window42' });
  t.is(login.status, 200);
  t.true(login.body.mustChangePassword);
  t.is((await c.get('/api/admin/users')).body.code, 'PASSWORD_CHANGE_REQUIRED');
  const demo = await sys.client().post('/api/auth/login', { username: 'applicant1', password: DEMO_PASSWORD });
  t.false(demo.body.mustChangePassword);
  t.is((await c.post('/api/auth/password', { currentPassword: 'Third#Window42', newPassword: 'Fourth#Season9' })).status, 200);
  t.false((await c.get('/api/me')).body.mustChangePassword);
});

test.serial('a reset by the system administrator gives a new initial password and ends the sessions', async (t) => {
  admin = await sys.as('sysadmin');
  admin.headers['x-forwarded-for'] = ADMIN_DESK;
  const { id } = await newAccount('lisi');
  const reset = await admin.post(`/api/admin/users/${id}/reset-password`);
  t.is(reset.status, 200);
  t.true(reset.body.user.mustChangePassword);
  const c = sys.client();
  const login = await c.post('/api/auth/login', { username: 'lisi', password: reset.body.initialPassword });
  t.true(login.body.mustChangePassword);
  const row = await sys.services.db('audit_log').where({ action: 'user.password_reset', object_id: String(id) }).first();
  t.is(row.actor, 'sysadmin');
  t.false(JSON.stringify(row).includes(reset.body.initialPassword));
});

test.serial('the system administrator cannot become a user by a reset: the initial password does not open the account from their address, and the user is mailed at once', async (t) => {
  // leader1 reads cadre records; the demo gives them a mailbox and the daily digest is asked for.
  const leader = await sys.services.db('users').where({ username: 'leader1' }).first();
  await sys.services.db('notification_settings').insert({ user_id: leader.id, digest: true, digest_hour: 8, muted_events: '["password_reset"]', updated_at: '2026-11-01T00:00:00.000Z' }).onConflict('user_id').merge();
  const reset = await admin.post(`/api/admin/users/${leader.id}/reset-password`, {});
  t.is(reset.status, 200);

  // From the administrator's own desk the initial password is refused, and the auditor sees the try.
  const there = sys.client();
  there.headers['x-forwarded-for'] = ADMIN_DESK;
  const refused = await there.post('/api/auth/login', { username: 'leader1', password: reset.body.initialPassword });
  t.is(refused.status, 403);
  t.is(refused.body.code, 'INITIAL_PASSWORD_SAME_ADDRESS');
  t.regex(refused.body.message, /本人的计算机/);
  t.is((await there.get('/api/cadres?q=%E5%BC%A0')).status, 401, 'no session was made');
  const flagged = await sys.services.db('audit_log').where({ action: 'auth.reset_login_same_ip', object_id: String(leader.id) }).first();
  t.is(flagged.outcome, 'denied');
  t.is(flagged.ip, ADMIN_DESK);
  t.deepEqual(JSON.parse(flagged.detail), { givenBy: 'sysadmin', given: 'reset' });
  t.is((await sys.services.db('users').where({ id: leader.id }).first()).last_login_at, leader.last_login_at);

  // The user is told at once — mandatory, not muted, not held for the digest — who reset it and when.
  const mails = await sys.services.db('mail_outbox').where({ recipient_id: leader.id, event: 'password_reset' });
  t.is(mails.length, 1);
  t.is(mails[0].status, 'pending');
  t.is(mails[0].to_address, leader.email);
  t.regex(mails[0].subject, /登录密码已被重置/);
  const beijing = new Date(sys.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
  t.true(mails[0].body.includes(`的登录密码已于 ${beijing}（北京时间）由系统管理员郑明（sysadmin）重置`), mails[0].body);
  t.false(mails[0].body.includes(reset.body.initialPassword));

  // From their own computer the user logs in (a demo account is spared the change); the refusal
  // counted against neither the account nor the address.
  const own = await sys.client().post('/api/auth/login', { username: 'leader1', password: reset.body.initialPassword });
  t.is(own.status, 200);
  t.is(own.body.username, 'leader1');
  t.is((await sys.services.db('users').where({ id: leader.id }).first()).failed_logins, 0);
});

test('a password is hashed at the configured scrypt cost and keeps it; an installation hashes at 2^14', async (t) => {
  t.is(loadConfig({}).passwordScryptN, DEFAULT_SCRYPT_N);
  t.is(DEFAULT_SCRYPT_N, 16384);
  t.throws(() => loadConfig({ PASSWORD_SCRYPT_N: '3000' }), { message: /power of two/ });
  const hash = await hashPassword('Wrong@horse9', 2048);
  t.regex(hash, /^scrypt\$2048\$8\$1\$/);
  t.true(await verifyPassword('Wrong@horse9', hash));
  t.false(await verifyPassword('Wrong@horse8', hash));
  // The suite's accounts: the cost set for it (test/helpers/db.ts), the same for every user it seeds.
  const row = await sys.services.db('users').where({ username: 'applicant1' }).first();
  t.true(row.password_hash.startsWith(`scrypt$${sys.services.config.passwordScryptN}$`));
  const { id } = await newAccount('scrypt_cost');
  const created = await sys.services.db('users').where({ id }).first();
  t.true(created.password_hash.startsWith(`scrypt$${sys.services.config.passwordScryptN}$`));
});
