// The foundation's HTTP surface: health, the OpenAPI document, the error format, config checks.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { loadConfig, ConfigError } from '../../server/config.ts';
import { allRoutes } from '../../server/app.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

test('health reports the database', async (t) => {
  const res = await sys.client().get('/api/health');
  t.is(res.status, 200);
  t.deepEqual(res.body, { status: 'ok', db: 'ok' });
});

test('the OpenAPI document lists every route with its schemas and documents each process', async (t) => {
  const res = await sys.client().get('/api/openapi.json');
  t.is(res.status, 200);
  const doc = res.body;
  t.is(doc.openapi, '3.1.0');
  for (const r of allRoutes(sys.services)) {
    const p = r.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    t.truthy(doc.paths[p]?.[r.method], `${r.method} ${p} missing`);
  }
  const start = doc.paths['/api/process-instances'].post;
  t.regex(start.description, /borrowing/);
  t.regex(start.description, /`purpose` select, required/);
  t.truthy(start.requestBody.content['application/json'].schema);
  t.truthy(doc.components.schemas.Error);
});

test('errors have a stable code: unknown route, unauthenticated, malformed JSON, wrong content type', async (t) => {
  const c = sys.client();
  const missing = await c.get('/api/nothing-here');
  t.is(missing.status, 404);
  t.is(missing.body.code, 'NOT_FOUND');
  const anon = await c.get('/api/me');
  t.is(anon.status, 401);
  t.is(anon.body.code, 'UNAUTHENTICATED');
  const bad = await c.request('POST', '/api/auth/login', '{"username":', { 'content-type': 'application/json' });
  t.is(bad.status, 400);
  t.is(bad.body.code, 'VALIDATION_FAILED');
  // zod's own refusals read in both languages, Chinese first, like the messages the schemas write.
  const unfilled = await c.post('/api/auth/login', { username: 'x'.repeat(65) });
  t.is(unfilled.status, 400);
  const said = Object.fromEntries(unfilled.body.details.map((d: { field: string; message: string }) => [d.field, d.message]));
  t.is(said.username, '最多 64 个字 / at most 64 characters');
  t.is(said.password, '必填 / required');
  const form = await c.request('POST', '/api/auth/login', 'username=a&password=b', { 'content-type': 'application/x-www-form-urlencoded' });
  t.is(form.status, 415);
  const foreign = await c.request('POST', '/api/auth/login', { username: 'applicant1', password: 'x' }, { origin: 'https://evil.example' });
  t.is(foreign.status, 403);
  t.is(foreign.body.code, 'FOREIGN_ORIGIN');
  const huge = await c.post('/api/auth/login', { username: 'a', password: 'x'.repeat(2_000_000) });
  t.is(huge.status, 413);
});

test('a bad configuration is refused with every problem listed', (t) => {
  const err = t.throws(() => loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', AUDIT_RETENTION_DAYS: '30' }), { instanceOf: ConfigError });
  t.is((err as ConfigError).problems.length, 3);
  t.regex(err!.message, /PORT/);
  t.regex(err!.message, /DATABASE_URL/);
  t.regex(err!.message, /AUDIT_RETENTION_DAYS/);
});

test('login: wrong password and unknown user get the same answer; logout ends the session', async (t) => {
  const c = sys.client();
  const wrong = await c.post('/api/auth/login', { username: 'applicant1', password: 'nope' });
  const unknown = await c.post('/api/auth/login', { username: 'nobody', password: 'nope' });
  t.is(wrong.status, 401);
  t.deepEqual(wrong.body, unknown.body);
  const user = await sys.as('applicant1');
  t.is((await user.get('/api/me')).status, 200);
  t.is((await user.post('/api/auth/logout')).status, 200);
  t.is((await user.get('/api/me')).status, 401);
});
