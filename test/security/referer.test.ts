// A Referer that is not a URL cannot show a state change comes from our own pages: it is refused
// as a foreign origin (403 FOREIGN_ORIGIN, audited as authz.denied), not answered 500 INTERNAL
// (new URL threw a TypeError in sameOrigin). The change does not happen.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const lastDenial = async () => sys.services.db('audit_log').where({ action: 'authz.denied' }).orderBy('seq', 'desc').first();

test.serial('PUT /api/me/language with Referer: not a url → 403 FOREIGN_ORIGIN, audited, the language unchanged', async (t) => {
  const c = await sys.as('applicant1');
  const before = (await c.get('/api/me')).body.language;
  const to = before === 'en' ? 'zh' : 'en';
  const res = await c.request('PUT', '/api/me/language', { language: to }, { referer: 'not a url' });
  t.is(res.status, 403, JSON.stringify(res.body));
  t.is(res.body.code, 'FOREIGN_ORIGIN');
  t.is(res.body.message, '拒绝跨站请求 / Cross-site request refused');
  t.is((await c.get('/api/me')).body.language, before);
  const row = await lastDenial();
  t.is(JSON.parse(row.detail).code, 'FOREIGN_ORIGIN');
  // Our own page as the Referer still works.
  const ok = await c.request('PUT', '/api/me/language', { language: to }, { referer: `${sys.url}/settings` });
  t.is(ok.status, 200);
});

test.serial('an unauthenticated POST /api/auth/login with Referer: x → 403 FOREIGN_ORIGIN, no session, audited', async (t) => {
  const res = await fetch(`${sys.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', referer: 'x' },
    body: JSON.stringify({ username: 'applicant1', password: 'Dangan@2026' }),
  });
  t.is(res.status, 403);
  t.is(((await res.json()) as any).code, 'FOREIGN_ORIGIN');
  t.is(res.headers.getSetCookie().length, 0);
  t.is(JSON.parse((await lastDenial()).detail).code, 'FOREIGN_ORIGIN');
  const bad = await fetch(`${sys.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'null' }, body: '{}' });
  t.is(bad.status, 403);
});
