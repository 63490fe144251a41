// The database handle: embedded SQLite (WAL) by default, PostgreSQL when DATABASE_URL is set.
// Knex appears only in store files, migrations and here.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import type { Config } from './config.ts';

/**
 * SQLite's page cache, in MiB (the default is 2): the cadre search's covering index at 100,000
 * cadres (~8 MiB) stays in memory (bench/search.ts). It fills as the database grows, in RSS.
 */
export const SQLITE_CACHE_MIB = 64;

export type Db = Knex;
export type Trx = Knex.Transaction;
/** Either the root handle or a transaction: store functions accept both. */
export type Q = Knex | Knex.Transaction;

const here = fileURLToPath(import.meta.url);
/** '.ts' run from the sources through tsx, '.js' run from the tree scripts/build-tests.ts compiles. */
const codeExt = path.extname(here);
export const migrationsDir = path.join(path.dirname(here), '..', 'db', 'migrations');

/**
 * The migrations, named in knex_migrations as they always were (their .ts file names) whether they
 * run from the sources or compiled: a database migrated by either is current for the other.
 */
const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => fs.readdirSync(migrationsDir).filter((f) => f.endsWith(codeExt)).sort(),
  getMigrationName: (file) => `${file.slice(0, -codeExt.length)}.ts`,
  getMigration: (file) => import(pathToFileURL(path.join(migrationsDir, file)).href),
};

export function knexConfig(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Knex.Config {
  const migrations = { migrationSource, tableName: 'knex_migrations' };
  if (config.databaseUrl) {
    return {
      client: 'pg',
      connection: config.databaseUrl,
      pool: { min: 0, max: 10 },
      migrations,
    };
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  return {
    client: 'better-sqlite3',
    connection: { filename: path.join(config.dataDir, 'dangan.sqlite') },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) {
        reusePreparedStatements(conn, PREPARED_STATEMENTS);
        conn.pragma('journal_mode = WAL');
        conn.pragma('synchronous = NORMAL');
        conn.pragma('foreign_keys = ON');
        conn.pragma('busy_timeout = 5000');
        conn.pragma(`cache_size = -${SQLITE_CACHE_MIB * 1024}`);
        done(null, conn);
      },
    },
    migrations,
  };
}

interface SqliteConnection {
  pragma(s: string): unknown;
  prepare(sql: string): unknown;
}

/** How many distinct SQL texts a SQLite connection keeps prepared (an engine command uses ~15). */
const PREPARED_STATEMENTS = 500;

/**
 * Knex asks better-sqlite3 to prepare every statement afresh; compiling the SQL was ~9 % of the CPU
 * of a command over HTTP (bench/engine.ts). The connection keeps the most recently used statements
 * and hands them out again: better-sqlite3 runs `all`/`run` synchronously, so a statement is never
 * in use twice, and SQLite re-prepares a statement by itself when the schema changed under it.
 */
export function reusePreparedStatements(conn: SqliteConnection, size: number): void {
  const prepare = conn.prepare.bind(conn);
  const kept = new Map<string, unknown>();
  conn.prepare = (sql: string) => {
    let statement = kept.get(sql);
    if (statement) {
      kept.delete(sql); // most recently used last
    } else {
      statement = prepare(sql);
      if (kept.size >= size) kept.delete(kept.keys().next().value!);
    }
    kept.set(sql, statement);
    return statement;
  };
}

export function createDb(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Db {
  return knexFactory(knexConfig(config));
}

export const isPg = (q: Q): boolean => (q.client.config.client as string) === 'pg';

export async function migrate(db: Db): Promise<void> {
  await db.migrate.latest();
}

/** SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers on its single connection. */
export function forUpdate<T extends Knex.QueryBuilder>(q: Q, qb: T): T {
  return (isPg(q) ? qb.forUpdate() : qb) as T;
}

/**
 * Makes a transaction a write transaction from its first statement, as BEGIN IMMEDIATE would (knex
 * always sends a plain BEGIN). On SQLite a no-op UPDATE takes the writer lock, waiting busy_timeout
 * for another process's writer, so a transaction that reads and then writes cannot fail with
 * SQLITE_BUSY_SNAPSHOT when another process (the server, `npm run import`) wrote in between.
 * Call it first in the transaction. PostgreSQL: nothing.
 */
export async function takeWriterLock(trx: Trx): Promise<void> {
  if (!isPg(trx)) await trx.raw('UPDATE knex_migrations SET id = id WHERE 0');
}

/** Escapes LIKE wildcards; use with `LIKE ? ESCAPE '\\'` (same on SQLite and PostgreSQL). */
export const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Rows where any of `columns` contains `text` literally (its % and _ are not wildcards). */
export function whereContains<T extends Knex.QueryBuilder>(qb: T, columns: readonly string[], text: string): T {
  const like = `%${likeEscape(text)}%`;
  return qb.where((w) => {
    for (const c of columns) w.orWhereRaw(`?? LIKE ? ESCAPE '\\'`, [c, like]);
  }) as T;
}

/**
 * Claims up to `batch` due rows of a work table (jobs, mail_outbox) for `owner` until `until`: rows
 * with status 'pending', due by `dueColumn`, and unlocked or with an expired lock. SKIP LOCKED on
 * PostgreSQL lets concurrent workers take different rows; the conditional update makes each claim
 * hold on SQLite too. Run it in its own short transaction.
 */
export async function claimDue<T extends { id: string }>(
  trx: Trx,
  table: string,
  o: { dueColumn: string; now: string; owner: string; until: string; batch: number },
): Promise<T[]> {
  const unlocked = (w: Knex.QueryBuilder) => w.whereNull('locked_until').orWhere('locked_until', '<', o.now);
  let q = trx(table)
    .where({ status: 'pending' })
    .andWhere(o.dueColumn, '<=', o.now)
    .andWhere(unlocked)
    .orderBy(o.dueColumn)
    .orderBy('id')
    .limit(o.batch);
  if (isPg(trx)) q = q.forUpdate().skipLocked();
  const rows: T[] = await q;
  const mine: T[] = [];
  for (const r of rows) {
    const n = await trx(table).where({ id: r.id, status: 'pending' }).andWhere(unlocked).update({ lock_owner: o.owner, locked_until: o.until });
    if (n === 1) mine.push({ ...r, lock_owner: o.owner, locked_until: o.until });
  }
  return mine;
}

/** Booleans come back as 0/1 from SQLite and true/false from PostgreSQL. */
export const bool = (v: unknown): boolean => v === true || v === 1 || v === '1';
/** A nullable column's boolean (SQLite's 0/1, PostgreSQL's true/false), null kept. */
export const nullableBool = (v: unknown): boolean | null => (v === null || v === undefined ? null : bool(v));
/** A nullable numeric column (PostgreSQL answers numeric and double aggregates as strings), null kept. */
export const nullableNum = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export const parseJson = <T>(v: unknown, fallback: T): T => {
  if (v === null || v === undefined || v === '') return fallback;
  if (typeof v === 'string') return JSON.parse(v) as T;
  return v as T;
};
