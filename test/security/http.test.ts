// The HTTP layer's defences, as a browser or an attacker meets them: a CSP that allows no inline
// script and no outside origin, state changes from a foreign Origin refused, JSON only with a
// body limit, no caching of API answers, and errors that say nothing about the inside.
import fs from 'node:fs';
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { clientDist } from '../../server/app.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name, values]),
  );
}

test('the CSP allows no inline script and nothing from another origin', async (t) => {
  // The built client's pages too, when it is built (npm test builds it first).
  for (const path of ['/api/health', '/api/me', ...(fs.existsSync(clientDist) ? ['/', '/inbox'] : [])]) {
    const res = await fetch(sys.url + path);
    const csp = res.headers.get('content-security-policy');
    t.truthy(csp, path);
    const d = directives(csp!);
    t.deepEqual(d.get('script-src'), ["'self'"], `${path}: scripts from us only, no 'unsafe-inline' or 'unsafe-eval'`);
    t.deepEqual(d.get('default-src'), ["'self'"]);
    t.deepEqual(d.get('object-src'), ["'none'"]);
    t.deepEqual(d.get('frame-ancestors'), ["'none'"]);
    for (const [name, values] of d) {
      for (const v of values) {
        t.true(["'self'", "'none'", "'unsafe-inline'", 'data:', 'blob:'].includes(v), `${name} ${v}: no outside origin, no wildcard`);
        if (v === "'unsafe-inline'") t.is(name, 'style-src', 'inline is allowed for styles only');
      }
    }
    t.is(res.headers.get('x-content-type-options'), 'nosniff');
    t.is(res.headers.get('x-powered-by'), null);
  }
});

test('a state change from a foreign Origin is refused before it runs, and audited', async (t) => {
  const c = await sys.as('applicant1');
  const res = await c.post('/api/auth/logout', {}, { origin: 'http://evil.example' });
  t.is(res.status, 403);
  t.is(res.body.code, 'FOREIGN_ORIGIN');
  t.is((await c.get('/api/me')).status, 200, 'still logged in: the logout did not happen');
  const viaReferer = await c.post('/api/auth/logout', {}, { referer: 'http://evil.example/page' });
  t.is(viaReferer.body.code, 'FOREIGN_ORIGIN');
  const row = await sys.services.db('audit_log').where({ action: 'authz.denied' }).orderBy('seq', 'desc').first();
  t.is(JSON.parse(row.detail).code, 'FOREIGN_ORIGIN');
  const same = await c.post('/api/auth/logout', {}, { origin: sys.url });
  t.is(same.status, 200);
});

test('JSON only: a form post or plain text is refused, not ignored', async (t) => {
  const form = await fetch(`${sys.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'username=applicant1&password=Dangan%402026',
  });
  t.is(form.status, 415);
  t.is(((await form.json()) as any).code, 'UNSUPPORTED_MEDIA_TYPE');
  t.is(form.headers.getSetCookie().length, 0);
  const text = await fetch(`${sys.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"username":"applicant1"}' });
  t.is(text.status, 415);
  const malformed = await fetch(`${sys.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' });
  t.is(malformed.status, 400);
  t.is(((await malformed.json()) as any).code, 'VALIDATION_FAILED');
});

test('a body over the limit is refused with 413', async (t) => {
  const big = JSON.stringify({ username: 'x', password: 'y'.repeat(1_100_000) });
  const res = await fetch(`${sys.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
  t.is(res.status, 413);
  t.is(((await res.json()) as any).code, 'PAYLOAD_TOO_LARGE');
});

test('unknown fields are refused, API answers are not cached, errors show no internals', async (t) => {
  const extra = await sys.client().post('/api/auth/login', { username: 'applicant1', password: 'x', admin: true });
  t.is(extra.status, 400);
  t.is(extra.body.code, 'VALIDATION_FAILED');
  const c = await sys.as('applicant1');
  const me = await c.get('/api/me');
  t.is(me.headers.get('cache-control'), 'no-store');
  const missing = await c.get('/api/no-such-thing');
  t.is(missing.status, 404);
  t.deepEqual(Object.keys(missing.body).sort(), ['code', 'message']);
});

test('the OpenAPI document names every route with its permission', async (t) => {
  const res = await fetch(`${sys.url}/api/openapi.json`);
  t.is(res.status, 200);
  const doc = (await res.json()) as any;
  t.truthy(doc.paths['/api/admin/security-policy'].put.requestBody);
  t.regex(doc.paths['/api/audit/export.csv'].get.description, /Permission: audit.read \(auditor\)/);
  t.regex(doc.paths['/api/admin/users/{id}/roles'].put.description, /SEPARATION_OF_DUTIES/);
  t.truthy(doc.components.schemas.Me.properties.mustChangePassword);
});
