// Deny by default, checked on every route the API has: each route of allRoutes() — the same list
// that registers the handlers, so routes added later are walked too — is called with no session
// and as a holder of every role. Without a session: 401 (public routes excepted). A role the
// policy does not name: 403 FORBIDDEN. A role it names: the request reaches the handler — checked
// on a twin of the app whose handlers are stand-ins that say which route they are, so nothing is
// changed by the walk and a route shadowed by another is caught too.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { HttpClient } from '../helpers/http.ts';
import { allRoutes, createApp } from '../../server/app.ts';
import { ALL_ROLES, POLICY, isAllowed, type Role } from '../../server/http/policy.ts';
import type { RouteDef } from '../../server/http/route.ts';
import { hashPassword } from '../../server/people/passwords.ts';
import * as people from '../../server/people/store.ts';
import { iso } from '../../server/clock.ts';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../db/seeds/demo.ts';

let sys: TestSystem;
let twin: Server;
let twinUrl: string;
const clients = new Map<Role, HttpClient>();
const key = (r: RouteDef) => `${r.method.toUpperCase()} ${r.path}`;

test.before(async () => {
  sys = await startSystem();
  const s = sys.services;
  // One account per role, holding only that role: a role added to ALL_ROLES is covered at once.
  const hash = await hashPassword(DEMO_PASSWORD, s.config.passwordScryptN);
  const org = (await s.db('org_units').orderBy('id').first()).id;
  for (const role of ALL_ROLES) {
    await people.insertUser(
      s.db,
      {
        username: `matrix_${role}`,
        display_name: role,
        org_unit_id: org,
        password_hash: hash,
        password_changed_at: iso(sys.clock.now()),
        must_change_password: false,
        failed_logins: 0,
        locked_until: null,
        totp_secret: DEMO_TOTP_SECRET,
        disabled: false,
        is_demo: true,
        language: 'zh',
        email: null,
        created_at: iso(sys.clock.now()),
      },
      [role],
    );
    clients.set(role, await sys.as(`matrix_${role}`));
  }
  const stand_ins = allRoutes(s).map(
    (r): RouteDef => ({ ...r, params: undefined, query: undefined, body: undefined, rawBody: undefined, status: 200, handler: async () => ({ reached: key(r) }) }),
  );
  twin = await new Promise<Server>((resolve) => {
    const srv = createApp(s, { routes: stand_ins }).listen(0, '127.0.0.1', () => resolve(srv));
  });
  twinUrl = `http://127.0.0.1:${(twin.address() as AddressInfo).port}`;
});
test.after.always(async () => {
  twin?.closeAllConnections?.();
  await new Promise((r) => twin?.close(r));
  await sys?.close();
});

const pathOf = (r: RouteDef) => r.path.replace(/:([A-Za-z_]+)/g, '1');
/** A minimal request: an empty JSON object, or one byte of the declared type for an upload route. */
const call = (c: HttpClient, r: RouteDef) =>
  r.binaryBody
    ? c.request(r.method.toUpperCase(), pathOf(r), new Uint8Array([0]), { 'content-type': r.binaryBody.types?.[0] ?? 'application/octet-stream' })
    : c.request(r.method.toUpperCase(), pathOf(r), r.method === 'get' ? undefined : {});
/** The same cookie against the twin server. */
const onTwin = (c: HttpClient) => Object.assign(Object.create(HttpClient.prototype), c, { base: twinUrl }) as HttpClient;

test('every route declares a permission that the policy knows', (t) => {
  const routes = allRoutes(sys.services);
  t.true(routes.length >= 30, `walking ${routes.length} routes`);
  for (const r of routes) t.true(r.permission in POLICY, key(r));
  t.is(new Set(routes.map(key)).size, routes.length, 'no route is declared twice');
});

test('without a session: 401 everywhere except the public routes', async (t) => {
  const anonymous = sys.client();
  for (const r of allRoutes(sys.services)) {
    if (POLICY[r.permission] === 'public') {
      const res = await call(new HttpClient(twinUrl), r);
      t.is(res.status, 200, key(r));
      t.is(res.body.reached, key(r), `${key(r)} is answered by its own handler`);
    } else {
      const res = await call(anonymous, r);
      t.is(res.status, 401, key(r));
      t.is(res.body.code, 'UNAUTHENTICATED', key(r));
    }
  }
});

test('every role × every route: 403 where the policy does not name the role, the handler where it does', async (t) => {
  let denied = 0;
  let reached = 0;
  for (const r of allRoutes(sys.services)) {
    for (const role of ALL_ROLES) {
      const c = clients.get(role)!;
      if (isAllowed(r.permission, [role])) {
        const res = await call(onTwin(c), r);
        t.is(res.status, 200, `${role} → ${key(r)}`);
        t.is(res.body.reached, key(r), `${role} → ${key(r)} reaches its own handler`);
        reached++;
      } else {
        const res = await call(c, r);
        t.is(res.status, 403, `${role} → ${key(r)}`);
        t.is(res.body.code, 'FORBIDDEN', `${role} → ${key(r)}`);
        denied++;
      }
    }
  }
  t.true(denied > 0 && reached > 0);
  // Each denial was a security event in the audit log.
  const [{ n }] = await sys.services.db('audit_log').where({ action: 'authz.denied' }).count({ n: '*' });
  t.true(Number(n) >= denied);
});
