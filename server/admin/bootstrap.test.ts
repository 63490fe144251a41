// A real installation (no demo data): `npm run admins:init` creates the three administrators; each
// first changes the initial password and enrols an authenticator, and only then reaches the console.
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import test from 'ava';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import { projectRoot } from '../services.ts';
import { nodeScriptArgs } from '../../test/helpers/node-script.ts';
import { totpCode } from '../people/totp.ts';

let sys: TestSystem;
let initial: Record<string, string> = {};
test.before(async () => {
  sys = await startSystem({ demo: false });
});
test.after.always(async () => {
  await sys?.close();
});

function adminsInit(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, DANGAN_DATA_DIR: sys.testDb.dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test' };
  delete env.DATABASE_URL;
  if (sys.testDb.config.databaseUrl) env.DATABASE_URL = sys.testDb.config.databaseUrl;
  return spawnSync(process.execPath, nodeScriptArgs(projectRoot, 'scripts/create-admins.ts', args), { env, encoding: 'utf8', cwd: projectRoot, timeout: 120_000 });
}

test.serial('the first three administrators, each with an initial password; a second run creates none', async (t) => {
  t.is(Number((await sys.services.db('users').count({ n: '*' }))[0].n), 0);
  const run = adminsInit(['--org-code', '150300-ZZB', '--org-name', '乌海市委组织部']);
  t.is(run.status, 0, run.stderr);
  const lines = run.stdout.split('\n').filter((l) => /initial password/.test(l));
  t.deepEqual(lines.map((l) => l.split('\t').slice(0, 2).join(' ')), ['sys_admin sysadmin', 'sec_admin secadmin', 'auditor auditor']);
  const users = await sys.services.db('users').orderBy('id');
  t.true(users.every((u: any) => !!u.must_change_password && !u.totp_secret));
  const rows = await sys.services.db('audit_log').where({ action: 'user.create' });
  t.is(rows.length, 3);
  t.regex(rows[0].actor, /^os:/);
  const again = adminsInit(['--org-code', '150300-ZZB']);
  t.is(again.status, 0);
  t.is(Number((await sys.services.db('users').count({ n: '*' }))[0].n), 3);
  t.regex(again.stdout, /none created/);
  initial = Object.fromEntries(lines.map((l) => [l.split('\t')[1], l.split(': ')[1].trim()]));
});

test.serial('first login: change the password, enrol the authenticator, then the console answers', async (t) => {
  const pw = initial.sysadmin as string;
  t.truthy(pw);
  const c = sys.client();
  const login = await c.post('/api/auth/login', { username: 'sysadmin', password: pw });
  t.is(login.status, 200);
  t.true(login.body.mustChangePassword);
  t.true(login.body.mustEnrollTotp);
  t.is((await c.get('/api/admin/users')).body.code, 'PASSWORD_CHANGE_REQUIRED');
  t.is((await c.post('/api/auth/password', { currentPassword: pw, newPassword: 'Inner#Mongolia2026' })).status, 200);
  t.is((await c.get('/api/admin/users')).body.code, 'TOTP_ENROLMENT_REQUIRED');
  const { secret } = (await c.post('/api/auth/totp/setup')).body;
  t.is((await c.post('/api/auth/totp/confirm', { code: await totpCode(secret, sys.clock.now()) })).status, 200);
  const list = await c.get('/api/admin/users');
  t.is(list.status, 200);
  t.is(list.body.total, 3);
  const next = await sys.client().post('/api/auth/login', { username: 'sysadmin', password: 'Inner#Mongolia2026' });
  t.is(next.body.code, 'TOTP_REQUIRED');
});
