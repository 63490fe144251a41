// Helpers for notification and 督办 tests: act as a demo user inside the engine, start a fixture
// with variables, and call a registered engine service directly, as a diagram's service task would.
import { startSystem, type TestSystem } from './server.ts';
import { TestSmtp } from './smtp.ts';
import { deployFixture } from './fixtures.ts';
import type { HttpClient } from './http.ts';
import type { Actor } from '../../server/engine/types.ts';
import { ServiceRegistry } from '../../server/engine/types.ts';
import { registerDeadlineServices } from '../../server/deadlines/process-services.ts';

export async function actor(sys: TestSystem, username: string): Promise<Actor> {
  const db = sys.services.db;
  const u = await db('users').where({ username }).first();
  if (!u) throw new Error(`no user ${username}`);
  const roles = (await db('user_roles').where({ user_id: u.id })).map((r: { role: string }) => r.role);
  return { id: u.id, username, roles, orgUnitId: u.org_unit_id };
}

export async function userId(sys: TestSystem, username: string): Promise<number> {
  return (await actor(sys, username)).id;
}

/** Starts the latest version of a deployed process as `username`, with variables (no form check). */
export async function startAs(sys: TestSystem, processKey: string, username: string, variables: Record<string, unknown>) {
  const s = sys.services;
  const a = await actor(sys, username);
  return s.db.transaction(async (trx) => {
    const def = await s.engine.definitions.latest(trx, processKey);
    return s.engine.startWith(trx, def, { variables, actor: a });
  });
}

/** Runs the named engine service for a case, in its own transaction, the way a service task does. */
export async function callService(sys: TestSystem, name: string, instanceId: string, variables: Record<string, unknown>) {
  const s = sys.services;
  const registry = new ServiceRegistry();
  registerDeadlineServices(registry, s.deadlines, s.notify);
  const fn = registry.get(name);
  if (!fn) throw new Error(`no service ${name}`);
  const inst = await s.db('process_instances').where({ id: instanceId }).first();
  return s.db.transaction((trx) =>
    fn({
      trx,
      clock: sys.clock,
      actor: null,
      instanceId,
      processKey: inst.process_key,
      elementId: name,
      element: { id: name, type: 'bpmn:ServiceTask', name },
      variables: { ...JSON.parse(inst.variables), ...variables },
      params: s.config.params,
      setBusinessKey: () => undefined,
    }),
  );
}

export const outbox = (sys: TestSystem) => sys.services.db('mail_outbox');

/**
 * A client with a server-side session made directly, for the 三员 accounts, without a login (no
 * login audit row, no TOTP step used). `sys.as` logs in the real way, with password and a fresh
 * TOTP code (test/helpers/totp.ts).
 */
export async function asAdmin(sys: TestSystem, username: string): Promise<HttpClient> {
  const a = await actor(sys, username);
  const token = await sys.services.sessions.create(sys.services.db, a.id, '127.0.0.1', 'test');
  const c = sys.client();
  (c as unknown as { cookie: string }).cookie = `dangan_sid=${token}`;
  return c;
}

/** A whole system that mails through a real SMTP server started for the test; fixtures deployed. */
export async function startMailSystem(opts: { env?: Record<string, string>; fixtures?: string[] } = {}) {
  const smtp = await TestSmtp.start();
  const sys = await startSystem({ env: { SMTP_URL: smtp.url, ...opts.env } });
  for (const f of opts.fixtures ?? []) await deployFixture(sys.services, f);
  return { sys, smtp };
}

export async function closeMailSystem(sys: TestSystem | undefined, smtp: TestSmtp | undefined): Promise<void> {
  await sys?.close();
  await smtp?.stop();
}
