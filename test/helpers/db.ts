// A fresh, migrated database per test: a SQLite file in a temp folder, or, when DATABASE_URL is
// set (CI's second run), a new PostgreSQL database on that server, dropped afterwards.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { loadConfig, type Config } from '../../server/config.ts';
import { createDb, migrate, type Db } from '../../server/db.ts';

export const usingPg = !!process.env.DATABASE_URL;

export interface TestDb {
  db: Db;
  config: Config;
  dataDir: string;
  drop(): Promise<void>;
}

export async function createTestDb(env: Record<string, string> = {}): Promise<TestDb> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-test-'));
  let databaseUrl: string | undefined;
  let dropPg: (() => Promise<void>) | undefined;
  if (usingPg) {
    const base = new URL(process.env.DATABASE_URL!);
    const name = `dangan_t_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = knexFactory({ client: 'pg', connection: base.toString(), pool: { min: 0, max: 1 } });
    await admin.raw(`CREATE DATABASE ${name}`);
    await admin.destroy();
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
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  const db = createDb(config);
  await migrate(db);
  return {
    db,
    config,
    dataDir,
    async drop() {
      await db.destroy();
      await dropPg?.();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
