// Authentication as a user meets it: one generic answer for every failed login, a lockout that
// the right password does not open, a new session at every login, idle and absolute timeouts,
// disabled users thrown out at once, and the TOTP second factor (always for the 三员).
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SecretBox } from './secret-box.ts';
import { totpCode } from './totp.ts';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import { HttpClient } from '../../test/helpers/http.ts';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../db/seeds/demo.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem({ env: { LOGIN_MAX_FAILURES: '3', LOGIN_LOCK_SECONDS: '300', LOGIN_IP_MAX_FAILURES: '1000' } });
});
test.after.always(async () => {
  await sys?.close();
});

const MIN = 60_000;
const code = (secret = DEMO_TOTP_SECRET) => totpCode(secret, sys.clock.now());
const attempt = (username: string, password: string, totp?: string) =>
  sys.client().post('/api/auth/login', { username, password, ...(totp ? { totp } : {}) });
const auditRows = (action: string, objectId?: number) => {
  const q = sys.services.db('audit_log').where({ action }).orderBy('seq');
  return objectId === undefined ? q : q.where({ object_id: String(objectId) });
};
const userId = async (username: string) => (await sys.services.db('users').where({ username }).first()).id as number;
const cookieOf = (res: { headers: Headers }) => res.headers.getSetCookie().find((c) => c.startsWith('dangan_sid='))!.split(';')[0];
const withCookie = (cookie: string, path = '/api/me') => new HttpClient(sys.url).request('GET', path, undefined, { cookie });

test.serial('a wrong password, an unknown user and a locked account all get the same LOGIN_FAILED', async (t) => {
  const wrong = await attempt('applicant2', 'Wrong@2026x');
  const unknown = await attempt('nobody-here', 'Wrong@2026x');
  t.is(wrong.status, 401);
  t.deepEqual(wrong.body, unknown.body);
  t.is(wrong.body.code, 'LOGIN_FAILED');
  const rows = await auditRows('auth.login').whereIn('actor', ['applicant2', 'nobody-here']);
  t.deepEqual(rows.map((r: any) => [r.actor, r.outcome, JSON.parse(r.detail).reason]), [
    ['applicant2', 'failure', 'bad_password'],
    ['nobody-here', 'failure', 'unknown_user'],
  ]);
  t.false(JSON.stringify(rows).includes('Wrong@2026x'), 'no password in the log');
  // Clean slate for the lockout test.
  await sys.services.db('users').where({ username: 'applicant2' }).update({ failed_logins: 0 });
});

test.serial('a locked account stays locked with the right password until the lock runs out', async (t) => {
  const id = await userId('applicant2');
  for (let i = 0; i < 3; i++) t.is((await attempt('applicant2', `Wrong@2026-${i}`)).body.code, 'LOGIN_FAILED');
  const user = await sys.services.db('users').where({ id }).first();
  t.truthy(user.locked_until);
  const lockout = await auditRows('auth.lockout', id);
  t.is(lockout.length, 1);
  t.is(lockout[0].outcome, 'denied');

  const right = await attempt('applicant2', DEMO_PASSWORD);
  t.is(right.status, 401);
  t.is(right.body.code, 'LOGIN_FAILED');
  t.deepEqual(right.body, (await attempt('nobody-here', 'x')).body, 'the same answer as an unknown user');
  t.is(right.headers.getSetCookie().length, 0, 'no session cookie');
  t.is(JSON.parse((await auditRows('auth.login', id)).at(-1).detail).reason, 'locked');

  sys.clock.advance(4 * MIN);
  t.is((await attempt('applicant2', DEMO_PASSWORD)).status, 401, 'still locked after 4 of 5 minutes');
  sys.clock.advance(1 * MIN + 1000);
  const after = await attempt('applicant2', DEMO_PASSWORD);
  t.is(after.status, 200);
  t.is(after.body.username, 'applicant2');
  t.is((await sys.services.db('users').where({ id }).first()).failed_logins, 0);
});

test.serial('every login issues a new session token and ends the one presented with it', async (t) => {
  const c = sys.client();
  const first = await c.post('/api/auth/login', { username: 'applicant1', password: DEMO_PASSWORD });
  t.is(first.status, 200);
  const firstCookie = cookieOf(first);
  t.regex(first.headers.getSetCookie()[0], /HttpOnly/);
  t.regex(first.headers.getSetCookie()[0], /SameSite=Strict/);
  t.is((await withCookie(firstCookie)).status, 200);
  const second = await c.post('/api/auth/login', { username: 'applicant1', password: DEMO_PASSWORD });
  const secondCookie = cookieOf(second);
  t.not(secondCookie, firstCookie);
  t.is((await withCookie(firstCookie)).status, 401, 'the old token is dead');
  t.is((await withCookie(secondCookie)).status, 200);
  // The table keeps only a hash of the token.
  const raw = secondCookie.split('=')[1];
  t.falsy(await sys.services.db('sessions').where({ id: raw }).first());
});

test.serial('idle and absolute timeouts end the session, and the end is audited', async (t) => {
  const idle = await sys.as('unithead1');
  sys.clock.advance(9 * MIN);
  t.is((await idle.get('/api/me')).status, 200, 'active within 10 minutes');
  sys.clock.advance(9 * MIN);
  t.is((await idle.get('/api/me')).status, 200, 'the last request moved the idle deadline');
  sys.clock.advance(10 * MIN + 1000);
  const gone = await idle.get('/api/me');
  t.is(gone.status, 401);
  t.is(gone.body.code, 'UNAUTHENTICATED');
  const id = await userId('unithead1');
  t.is(JSON.parse((await auditRows('auth.session_end', id)).at(-1).detail).reason, 'idle_timeout');

  const busy = await sys.as('unithead1');
  for (let elapsed = 0; elapsed < 8 * 60 * MIN - 5 * MIN; elapsed += 5 * MIN) {
    sys.clock.advance(5 * MIN);
    t.is((await busy.get('/api/me')).status, 200);
  }
  sys.clock.advance(6 * MIN);
  t.is((await busy.get('/api/me')).status, 401, 'eight hours after login, however busy');
  t.is(JSON.parse((await auditRows('auth.session_end', id)).at(-1).detail).reason, 'absolute_timeout');
});

test.serial('disabling a user ends all their sessions at once', async (t) => {
  const a = await sys.as('producer1');
  const b = await sys.as('producer1');
  const id = await userId('producer1');
  const admin = await sys.as('sysadmin');
  const res = await admin.post(`/api/admin/users/${id}/disable`);
  t.is(res.status, 200);
  t.true(res.body.disabled);
  t.is(Number((await sys.services.db('sessions').where({ user_id: id }).count({ n: '*' }))[0].n), 0);
  t.is((await a.get('/api/me')).status, 401);
  t.is((await b.get('/api/me')).status, 401);
  t.is((await attempt('producer1', DEMO_PASSWORD)).body.code, 'LOGIN_FAILED');
  const row = (await auditRows('user.disable', id)).at(-1);
  t.is(row.actor, 'sysadmin');
  t.is(JSON.parse(row.detail).sessionsEnded, 2);
  t.is((await admin.post(`/api/admin/users/${id}/enable`)).status, 200);
  t.is((await attempt('producer1', DEMO_PASSWORD)).status, 200);
});

test.serial('the three administrators need a TOTP code; a wrong code is a failed login', async (t) => {
  for (const username of ['sysadmin', 'secadmin', 'auditor']) {
    const noCode = await attempt(username, DEMO_PASSWORD);
    t.is(noCode.status, 401);
    t.is(noCode.body.code, 'TOTP_REQUIRED');
    t.is(noCode.headers.getSetCookie().length, 0);
  }
  const good = await code();
  const bad = good === '000000' ? '111111' : '000000';
  const wrong = await attempt('auditor', DEMO_PASSWORD, bad);
  t.is(wrong.body.code, 'LOGIN_FAILED');
  const id = await userId('auditor');
  t.is(JSON.parse((await auditRows('auth.login', id)).at(-1).detail).reason, 'bad_totp');
  t.is((await sys.services.db('users').where({ id }).first()).failed_logins, 1);
  // A wrong password with a right code is still just LOGIN_FAILED (no hint that the code was right).
  t.is((await attempt('auditor', 'Wrong@2026x', good)).body.code, 'LOGIN_FAILED');
  const ok = await attempt('auditor', DEMO_PASSWORD, good);
  t.is(ok.status, 200);
  t.false(ok.body.mustEnrollTotp);
  const success = (await auditRows('auth.login', id)).filter((r: any) => r.outcome === 'success').at(-1);
  t.is(JSON.parse(success.detail).factors, 2);
});

test.serial('TOTP for a business role by policy: enrol first, then a code is required', async (t) => {
  const sec = await sys.as('secadmin');
  t.is((await sec.request('PUT', '/api/admin/security-policy', { totp: { roles: ['archivist'] } })).status, 200);
  const c = sys.client();
  const first = await c.post('/api/auth/login', { username: 'receiver1', password: DEMO_PASSWORD });
  t.is(first.status, 200);
  t.true(first.body.mustEnrollTotp);
  const blocked = await c.get('/api/tasks');
  t.is(blocked.status, 403);
  t.is(blocked.body.code, 'TOTP_ENROLMENT_REQUIRED');
  const setup = await c.post('/api/auth/totp/setup');
  t.is(setup.status, 200);
  t.regex(setup.body.otpauthUri, /^otpauth:\/\/totp\//);
  const secret = setup.body.secret as string;
  const wrongCode = (await code(secret)) === '000000' ? '111111' : '000000';
  const wrong = await c.post('/api/auth/totp/confirm', { code: wrongCode });
  t.is(wrong.status, 400);
  t.is(wrong.body.code, 'TOTP_INVALID');
  const confirmed = await c.post('/api/auth/totp/confirm', { code: await code(secret) });
  t.is(confirmed.status, 200);
  t.false(confirmed.body.mustEnrollTotp);
  t.is((await c.get('/api/tasks')).status, 200);
  t.is((await c.post('/api/auth/totp/setup')).body.code, 'TOTP_ALREADY_ENROLLED');
  const again = await attempt('receiver1', DEMO_PASSWORD);
  t.is(again.body.code, 'TOTP_REQUIRED');
  // A code is good once: the one that confirmed the enrolment is used; the next window's logs in.
  sys.clock.advance(30_000);
  t.is((await attempt('receiver1', DEMO_PASSWORD, await code(secret))).status, 200);
  const id = await userId('receiver1');
  t.deepEqual((await auditRows('auth.totp_enroll', id)).map((r: any) => r.outcome), ['failure', 'success']);
  t.false(JSON.stringify(await sys.services.db('audit_log').where({ object_id: String(id) })).includes(secret), 'no secret in the log');
  const stored = (await sys.services.db('users').where({ id }).first()).totp_secret as string;
  t.regex(stored, /^v1:/, 'the secret is stored encrypted');
  t.false(stored.includes(secret));
  await sec.request('PUT', '/api/admin/security-policy', { totp: { roles: [] } });
});

test.serial('TOTP secrets at rest: encrypted under a key file outside the database; a copy of the row alone gives nothing', async (t) => {
  const { db, secrets, config } = sys.services;
  // The demo seed wrote the 三员's secret in clear; the start encrypted it.
  const admins = await db('users').whereIn('username', ['sysadmin', 'secadmin', 'auditor']).select('totp_secret');
  t.is(admins.length, 3);
  for (const a of admins) {
    t.regex(a.totp_secret, /^v1:/);
    t.is(secrets.open(a.totp_secret), DEMO_TOTP_SECRET);
  }
  t.is((await fs.promises.stat(config.totpKeyFile)).mode & 0o777, 0o600);
  // Under another key (a database restored without its key file) the secret does not open, and the
  // right code of the real secret does not log in.
  const other = new SecretBox(path.join(await fs.promises.mkdtemp(path.join(os.tmpdir(), 'dangan-key-')), 'k'));
  t.is(other.open(admins[0].totp_secret), null);
  const sysadmin = await db('users').where({ username: 'sysadmin' }).first();
  await db('users').where({ id: sysadmin.id }).update({ totp_secret: other.seal(DEMO_TOTP_SECRET) });
  try {
    const res = await attempt('sysadmin', DEMO_PASSWORD, await code());
    t.is(res.status, 401);
    t.is(res.body.code, 'LOGIN_FAILED');
  } finally {
    await db('users').where({ id: sysadmin.id }).update({ totp_secret: sysadmin.totp_secret, failed_logins: 0, locked_until: null });
  }
  // A secret written in clear (a tool, an older installation) is sealed at the next start.
  await db('users').where({ id: sysadmin.id }).update({ totp_pending_secret: 'KRUGS4ZANFZSAYJAONSWG4TFOQ' });
  t.is(await secrets.sealClearSecrets(db), 1);
  t.is(secrets.open((await db('users').where({ id: sysadmin.id }).first()).totp_pending_secret), 'KRUGS4ZANFZSAYJAONSWG4TFOQ');
  await db('users').where({ id: sysadmin.id }).update({ totp_pending_secret: null });
});

test.serial('regression: a login whose settings cache runs out during the password check does not deadlock SQLite', async (t) => {
  // The policy was read through the root handle inside the login transaction: when the 5 s cache
  // had expired meanwhile (a slow scrypt under load), SQLite's single connection waited on itself
  // for the pool's 60 s timeout and the login answered 500.
  const s = sys.services;
  const user = await s.db('users').where({ username: 'archivist1' }).first();
  (s.settings as unknown as { cache: unknown }).cache = null;
  const created = s.db.transaction((trx) => s.sessions.create(trx, user.id, '127.0.0.1', 'test'));
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('session creation hung')), 5000));
  t.is(typeof (await Promise.race([created, timeout])), 'string');
});
