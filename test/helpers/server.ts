// A whole Dangan for a test: fresh database, demo data, shipped processes, an HTTP server on a
// port the OS picks on 127.0.0.1, and a movable clock. close() stops everything.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { MovableClock } from '../../server/clock.ts';
import { createLogger } from '../../server/logger.ts';
import { createServices, type Services } from '../../server/services.ts';
import { prepare } from '../../server/boot.ts';
import { createApp, serve } from '../../server/app.ts';
import fs from 'node:fs';
import { createTestDb, type TestDb } from './db.ts';
import { forgetOldTemplates, publishTemplate, templateDir, touchTemplate } from './template.ts';
import { HttpClient } from './http.ts';
import { withFreshTotp } from './totp.ts';

export interface TestSystem {
  services: Services;
  clock: MovableClock;
  url: string;
  testDb: TestDb;
  /** A new client (own cookie jar), logged in as the demo user (an administrator with a fresh code: helpers/totp.ts). */
  as(username: string): Promise<HttpClient>;
  client(): HttpClient;
  /** Rebuilds services and app on the same database (a server restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A database as the boot steps leave it for these inputs, copied from a template (helpers/template.ts)
 * that the first call prepares. The caller still runs the boot steps on it, as a restart would.
 */
async function preparedTestDb(env: Record<string, string>, clock: MovableClock, demo: boolean): Promise<TestDb> {
  const dir = await templateDir({ env, clockStart: clock.now().toISOString(), demo });
  if (fs.existsSync(dir)) touchTemplate(dir);
  else {
    await forgetOldTemplates();
    const built = await createTestDb(env);
    const services = createServices({ config: built.config, db: built.db, clock: new MovableClock(clock.now()), log: createLogger('silent') });
    await prepare(services, { demo });
    await services.jobs.stop();
    await services.mailer.stop();
    await built.db.destroy();
    // Published, the PostgreSQL database stays as the template and the folder was copied; else
    // another process was first, and this one goes.
    if (publishTemplate(built.dataDir, dir, built.pgName)) fs.rmSync(built.dataDir, { recursive: true, force: true });
    else await built.drop();
  }
  return createTestDb(env, { template: dir });
}

export async function startSystem(opts: { env?: Record<string, string>; clock?: MovableClock; demo?: boolean } = {}): Promise<TestSystem> {
  const clock = opts.clock ?? new MovableClock('2026-11-02T01:00:00.000Z');
  const testDb = await preparedTestDb(opts.env ?? {}, clock, opts.demo ?? true);
  const log = createLogger(process.env.TEST_LOG ?? 'silent');
  let services = createServices({ config: testDb.config, db: testDb.db, clock, log });
  await prepare(services, { demo: opts.demo ?? true });
  let server: Server;
  const listen = () => serve(createApp(services), 0, '127.0.0.1');
  server = await listen();
  const sys: TestSystem = {
    get services() {
      return services;
    },
    clock,
    get url() {
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    testDb,
    client: () => new HttpClient(sys.url),
    async as(username: string) {
      const c = new HttpClient(sys.url);
      // An administrator's code is good once: each login brings a code for a step not used yet.
      await withFreshTotp(sys, username, (code) => c.login(username, undefined, code));
      return c;
    },
    async restart() {
      await services.jobs.stop();
      await services.mailer.stop();
      await new Promise((r) => server.close(r));
      services = createServices({ config: testDb.config, db: testDb.db, clock, log });
      await prepare(services, { demo: opts.demo ?? true });
      server = await listen();
    },
    async close() {
      await services.jobs.stop();
      await services.mailer.stop();
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
      await testDb.drop();
    },
  } as TestSystem;
  return sys;
}
