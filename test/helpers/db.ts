// A fresh, migrated database per test: a SQLite file in a temp folder, or, when DATABASE_URL is
// set (CI's second run), a new PostgreSQL database on that server, dropped afterwards. Given a
// template folder (helpers/template.ts), the new database starts as a copy of the prepared one;
// without one, as a copy of the migrated-only template, which the first call of a run migrates:
// 55 migrations of DDL cost ~1.5 s of PostgreSQL's time (10 s on a loaded machine), a copy ~0.3 s.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { loadConfig, type Config } from '../../server/config.ts';
import { createDb, migrate, type Db } from '../../server/db.ts';
import { copyTemplateFiles, forgetOldTemplates, pgTemplateName, publishTemplate, templateDir, touchTemplate } from './template.ts';

export const usingPg = !!process.env.DATABASE_URL;

export interface TestDb {
  db: Db;
  config: Config;
  dataDir: string;
  /** The PostgreSQL database's name (none on SQLite). */
  pgName?: string;
  drop(): Promise<void>;
}

/**
 * CREATE DATABASE, as a copy of `template` when given. PostgreSQL refuses the copy while another
 * session is connected to the template (55006): that is a moment's wait, so try again.
 */
async function createPgDatabase(admin: knexFactory.Knex, name: string, template?: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.raw(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== '55006' || attempt >= 50) throw e;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    }
  }
}

/** The template of a database migrated and nothing else, made by the first call for these sources. */
async function migratedTemplate(): Promise<string> {
  const dir = await templateDir({ env: {}, clockStart: '', demo: false, migratedOnly: true });
  if (fs.existsSync(dir)) touchTemplate(dir);
  else {
    await forgetOldTemplates();
    const built = await openTestDb({});
    await built.db.destroy();
    // Published, the PostgreSQL database stays as the template; else another process was first.
    if (publishTemplate(built.dataDir, dir, built.pgName)) fs.rmSync(built.dataDir, { recursive: true, force: true });
    else await built.drop();
  }
  return dir;
}

export async function createTestDb(env: Record<string, string> = {}, opts: { template?: string } = {}): Promise<TestDb> {
  return openTestDb(env, opts.template ?? (await migratedTemplate()));
}

/** A new database (a copy of `template` when given), migrated to the latest. */
async function openTestDb(env: Record<string, string>, template?: string): Promise<TestDb> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-test-'));
  if (template) copyTemplateFiles(template, dataDir);
  let databaseUrl: string | undefined;
  let dropPg: (() => Promise<void>) | undefined;
  let pgName: string | undefined;
  if (usingPg) {
    const base = new URL(process.env.DATABASE_URL!);
    const name = `dangan_t_${process.pid}_${randomBytes(4).toString('hex')}`;
    pgName = name;
    const from = template ? pgTemplateName(template) : undefined;
    if (template && !from) throw new Error(`template ${template} has no PostgreSQL database`);
    const admin = knexFactory({ client: 'pg', connection: base.toString(), pool: { min: 0, max: 1 } });
    try {
      await createPgDatabase(admin, name, from);
    } finally {
      await admin.destroy();
    }
    const url = new URL(base.toString());
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropPg = async () => {
      const a = knexFactory({ client: 'pg', connection: base.toString(), pool: { min: 0, max: 1 } });
      await a.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.destroy();
    };
  }
  const config = loadConfig({
    NODE_ENV: 'test',
    DANGAN_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    // Every login checks a password: at scrypt's 2^14 that is ~35 ms of CPU, ~2,000 times a run.
    // The same code at 2^10; server/people/password.test.ts holds the installed default.
    PASSWORD_SCRYPT_N: '1024',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  const db = createDb(config);
  await migrate(db);
  return {
    db,
    config,
    dataDir,
    pgName,
    async drop() {
      await db.destroy();
      await dropPg?.();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
