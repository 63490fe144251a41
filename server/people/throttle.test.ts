// The per-IP limit on failed logins lives in the database: failures counted on one server block
// the address on another. Successful logins do not count; a forged X-Forwarded-For does not help
// unless the installation trusts its proxy.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import test from 'ava';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import { HttpClient } from '../../test/helpers/http.ts';
import { createServices } from '../services.ts';
import { createApp } from '../app.ts';
import { createLogger } from '../logger.ts';
import { DEMO_PASSWORD } from '../../db/seeds/demo.ts';

let sys: TestSystem;
let second: Server;
let secondUrl: string;
test.before(async () => {
  sys = await startSystem({ env: { LOGIN_IP_MAX_FAILURES: '5', LOGIN_IP_WINDOW_SECONDS: '600' } });
  // A second server on the same database, behind a proxy it trusts (loopback).
  const services = createServices({ config: { ...sys.testDb.config, trustProxy: 'loopback' }, db: sys.testDb.db, clock: sys.clock, log: createLogger('silent') });
  second = await new Promise<Server>((resolve) => {
    const s = createApp(services).listen(0, '127.0.0.1', () => resolve(s));
  });
  secondUrl = `http://127.0.0.1:${(second.address() as AddressInfo).port}`;
});
test.after.always(async () => {
  second?.closeAllConnections?.();
  await new Promise((r) => second?.close(r));
  await sys?.close();
});

const login = (base: string, username: string, password: string, headers: Record<string, string> = {}) =>
  new HttpClient(base).post('/api/auth/login', { username, password }, headers);

test.serial('successful logins do not count towards the limit', async (t) => {
  for (let i = 0; i < 12; i++) t.is((await login(sys.url, 'applicant1', DEMO_PASSWORD)).status, 200);
});

test.serial('failures on one server block the address on the other, before any password is checked', async (t) => {
  for (let i = 0; i < 3; i++) t.is((await login(sys.url, `ghost${i}`, 'Wrong@2026x')).body.code, 'LOGIN_FAILED');
  for (let i = 3; i < 5; i++) t.is((await login(secondUrl, `ghost${i}`, 'Wrong@2026x')).body.code, 'LOGIN_FAILED');
  const loginRowsBefore = Number((await sys.services.db('audit_log').where({ action: 'auth.login' }).count({ n: '*' }))[0].n);

  const blocked = await login(sys.url, 'applicant1', DEMO_PASSWORD);
  t.is(blocked.status, 429);
  t.is(blocked.body.code, 'RATE_LIMITED');
  t.is(blocked.headers.getSetCookie().length, 0);
  t.is((await login(secondUrl, 'applicant1', DEMO_PASSWORD)).status, 429, 'on the other server too');
  t.is((await login(sys.url, 'applicant1', DEMO_PASSWORD, { 'x-forwarded-for': '10.9.9.9' })).status, 429, 'a forged X-Forwarded-For is ignored');
  const loginRowsAfter = Number((await sys.services.db('audit_log').where({ action: 'auth.login' }).count({ n: '*' }))[0].n);
  t.is(loginRowsAfter, loginRowsBefore, 'refused before the credentials were looked at');
  const blocks = await sys.services.db('audit_log').where({ action: 'auth.ip_blocked' });
  t.is(blocks.length, 1, 'the block is audited once, not every refused attempt');
  t.regex(blocks[0].ip, /127\.0\.0\.1/);

  sys.clock.advance(10 * 60_000);
  t.is((await login(sys.url, 'applicant1', DEMO_PASSWORD)).status, 200, 'a new window, a new chance');
});

test.serial('behind a trusted proxy each client address is counted on its own', async (t) => {
  for (let i = 0; i < 5; i++) await login(secondUrl, 'ghost', 'Wrong@2026x', { 'x-forwarded-for': '10.0.0.1' });
  t.is((await login(secondUrl, 'applicant1', DEMO_PASSWORD, { 'x-forwarded-for': '10.0.0.1' })).status, 429);
  t.is((await login(secondUrl, 'applicant1', DEMO_PASSWORD, { 'x-forwarded-for': '10.0.0.2' })).status, 200);
  const row = await sys.services.db('rate_limits').where('bucket', 'login-fail:10.0.0.1').first();
  t.is(Number(row.count), 5);
});
