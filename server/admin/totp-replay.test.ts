// A one-time code of the 三员's authenticators is good once (RFC 6238 §5.2, 等保 level 3): the
// server records the time step each code was accepted for and takes a code only for a later step.
// A replay gets the same LOGIN_FAILED as a wrong code, is audited as `totp_replayed` and counts
// towards the lockout; of two logins racing with one code exactly one gets in; a TOTP reset by the
// security administrator starts the user afresh.
import test from 'ava';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import { totpCode } from '../people/totp.ts';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../db/seeds/demo.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem({ env: { LOGIN_MAX_FAILURES: '3', LOGIN_LOCK_SECONDS: '300', LOGIN_IP_MAX_FAILURES: '1000' } });
});
test.after.always(async () => {
  await sys?.close();
});

const STEP = 30_000;
const code = (secret = DEMO_TOTP_SECRET, at = sys.clock.now()) => totpCode(secret, at);
const attempt = (username: string, totp?: string, password = DEMO_PASSWORD) =>
  sys.client().post('/api/auth/login', { username, password, ...(totp ? { totp } : {}) });
const user = (username: string) => sys.services.db('users').where({ username }).first();
const lastLogin = async (username: string) => {
  const row = await sys.services.db('audit_log').where({ action: 'auth.login', actor: username }).orderBy('seq', 'desc').first();
  return { outcome: row.outcome as string, reason: JSON.parse(row.detail).reason as string | undefined };
};
/** A fresh start for the next test: the clock a few windows on, no failures counted. */
const nextTest = async (username: string) => {
  sys.clock.advance(5 * STEP);
  await sys.services.db('users').where({ username }).update({ failed_logins: 0, locked_until: null });
};

test.serial('a code that logged in once is refused the second time in its window, also after logout, like a wrong code', async (t) => {
  const good = await code();
  const wrong = await attempt('auditor', good === '000000' ? '111111' : '000000');
  t.is(wrong.status, 401);
  t.is((await lastLogin('auditor')).reason, 'bad_totp');

  const first = await attempt('auditor', good);
  t.is(first.status, 200);
  t.is((await user('auditor')).failed_logins, 0);

  // The same code again, 10 s later (still in its window): refused with the wrong code's answer.
  sys.clock.advance(10_000);
  const replay = await attempt('auditor', good);
  t.is(replay.status, 401);
  t.deepEqual(replay.body, wrong.body, 'no hint that the code was right once');
  t.is(replay.headers.getSetCookie().length, 0, 'no session');
  t.deepEqual(await lastLogin('auditor'), { outcome: 'failure', reason: 'totp_replayed' });
  t.is((await user('auditor')).failed_logins, 1, 'counted like a wrong code');

  // Logging out of the first session does not make the code good again.
  const session = sys.client();
  session.cookie = first.headers.getSetCookie().find((c) => c.startsWith('dangan_sid='))!.split(';')[0];
  t.is((await session.post('/api/auth/logout')).status, 200);
  t.is((await attempt('auditor', good)).body.code, 'LOGIN_FAILED');
  t.is((await lastLogin('auditor')).reason, 'totp_replayed');

  // The next window's code is accepted, and resets the failures as any login does.
  sys.clock.advance(STEP);
  const next = await code();
  t.not(next, good);
  t.is((await attempt('auditor', next)).status, 200);
  t.deepEqual(await lastLogin('auditor'), { outcome: 'success', reason: undefined });
  t.is((await user('auditor')).failed_logins, 0);
});

test.serial('a code of an earlier step is refused once a later one was used (the ±30 s tolerance does not reopen it)', async (t) => {
  await nextTest('secadmin');
  const now = sys.clock.now();
  const previous = await code(DEMO_TOTP_SECRET, new Date(now.getTime() - STEP));
  const current = await code(DEMO_TOTP_SECRET, now);
  const ahead = await code(DEMO_TOTP_SECRET, new Date(now.getTime() + STEP));
  // The step after the server's (a phone's clock a little fast) is accepted...
  t.is((await attempt('secadmin', ahead)).status, 200);
  // ...and the steps before it are used up with it, though each is within ±30 s and never sent.
  for (const c of [current, previous]) {
    const res = await attempt('secadmin', c);
    t.is(res.body.code, 'LOGIN_FAILED');
    t.is((await lastLogin('secadmin')).reason, 'totp_replayed');
  }
  // A clock set back a minute (beyond the recorded step's window) still does not reopen it.
  await sys.services.db('users').where({ username: 'secadmin' }).update({ failed_logins: 0 });
  sys.clock.advance(-2 * STEP);
  t.is((await attempt('secadmin', await code())).body.code, 'LOGIN_FAILED');
  t.is((await lastLogin('secadmin')).reason, 'totp_replayed');
  sys.clock.advance(2 * STEP);
});

test.serial('replays count towards the lockout like wrong codes', async (t) => {
  await nextTest('auditor');
  const good = await code();
  t.is((await attempt('auditor', good)).status, 200);
  for (let i = 0; i < 3; i++) t.is((await attempt('auditor', good)).body.code, 'LOGIN_FAILED');
  t.truthy((await user('auditor')).locked_until);
  t.is((await lastLogin('auditor')).reason, 'totp_replayed_locked');
  // Locked: even the next window's fresh code does not open it.
  sys.clock.advance(STEP);
  t.is((await attempt('auditor', await code())).body.code, 'LOGIN_FAILED');
  t.is((await lastLogin('auditor')).reason, 'locked');
});

test.serial('two logins racing with one code: exactly one gets in', async (t) => {
  await nextTest('sysadmin');
  const good = await code();
  const answers = await Promise.all([attempt('sysadmin', good), attempt('sysadmin', good), attempt('sysadmin', good)]);
  t.deepEqual(answers.map((a) => a.status).sort(), [200, 401, 401]);
  t.true(answers.filter((a) => a.status === 401).every((a) => a.body.code === 'LOGIN_FAILED'));
  const id = (await user('sysadmin')).id;
  t.is(await sys.services.db('sessions').where({ user_id: id }).count({ n: '*' }).first().then((r: any) => Number(r.n)), 1, 'one session');
  const rows = await sys.services.db('audit_log').where({ action: 'auth.login', actor: 'sysadmin' }).orderBy('seq', 'desc').limit(3);
  t.deepEqual(rows.map((r: any) => JSON.parse(r.detail).reason ?? r.outcome).sort(), ['success', 'totp_replayed', 'totp_replayed']);
});

test.serial('a TOTP reset starts afresh: the user enrols a new authenticator, its confirming code does not log in twice', async (t) => {
  await nextTest('sysadmin');
  const sec = await sys.as('secadmin');
  const target = (await user('sysadmin')).id;
  t.not((await user('sysadmin')).totp_last_step, null);
  const reset = await sec.post(`/api/admin/users/${target}/totp-reset`);
  t.is(reset.status, 200);
  t.false(reset.body.totpEnrolled);
  t.is((await user('sysadmin')).totp_last_step, null, 'the used steps of the old authenticator are forgotten');

  const c = sys.client();
  const login = await c.post('/api/auth/login', { username: 'sysadmin', password: DEMO_PASSWORD });
  t.is(login.status, 200);
  t.true(login.body.mustEnrollTotp);
  const { secret } = (await c.post('/api/auth/totp/setup')).body;
  const enrolCode = await code(secret);
  const confirmed = await c.post('/api/auth/totp/confirm', { code: enrolCode });
  t.is(confirmed.status, 200);
  t.false(confirmed.body.mustEnrollTotp);
  t.is((await c.get('/api/admin/users')).status, 200);

  // The code that confirmed the enrolment has been used.
  t.is((await attempt('sysadmin', enrolCode)).body.code, 'LOGIN_FAILED');
  t.is((await lastLogin('sysadmin')).reason, 'totp_replayed');
  sys.clock.advance(STEP);
  const fresh = await attempt('sysadmin', await code(secret));
  t.is(fresh.status, 200);
  t.false(fresh.body.mustEnrollTotp);

  // Put the demo secret back for the next test.
  await sys.services.db('users').where({ id: target }).update({ totp_secret: sys.services.secrets.seal(DEMO_TOTP_SECRET), totp_last_step: null, failed_logins: 0 });
});

test.serial('the helpers bring a fresh code for every administrator login', async (t) => {
  await nextTest('auditor');
  const start = sys.clock.now().getTime();
  // Five logins of one administrator at one instant: the window holds three steps, then the helper
  // moves the test clock on by 30 s per login; none is refused.
  for (let i = 0; i < 5; i++) t.is((await (await sys.as('auditor')).get('/api/me')).status, 200);
  t.is(sys.clock.now().getTime() - start, 2 * STEP);
  const failures = await sys.services.db('audit_log').where({ action: 'auth.login', actor: 'auditor', outcome: 'failure' }).where('at', '>=', new Date(start).toISOString());
  t.is(failures.length, 0);
});
