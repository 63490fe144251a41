// The SQLite connection hands out statements it prepared before: the same SQL text gets the same
// statement, the least recently used ones go first, and a statement kept across a schema change
// reads the new schema (a migration must never leave a cached query reading old columns).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import { createDb, reusePreparedStatements } from './db.ts';

test('a statement kept across ALTER and DROP/CREATE reads the new schema', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-db-'));
  const db = createDb({ databaseUrl: undefined, dataDir });
  t.teardown(async () => {
    await db.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  await db.schema.createTable('t', (tb) => tb.integer('a'));
  await db('t').insert({ a: 1 });
  t.deepEqual(await db('t').select('*'), [{ a: 1 }]);
  await db.schema.alterTable('t', (tb) => tb.string('b').defaultTo('x'));
  t.deepEqual(await db('t').select('*'), [{ a: 1, b: 'x' }]);
  await db.schema.dropTable('t');
  await db.schema.createTable('t', (tb) => tb.integer('z'));
  await db('t').insert({ z: 9 });
  t.deepEqual(await db('t').select('*'), [{ z: 9 }]);
});

test('the same SQL gets the same statement; the least recently used is dropped first', (t) => {
  const conn = new Database(':memory:');
  t.teardown(() => conn.close());
  let prepared = 0;
  const prepare = conn.prepare.bind(conn);
  conn.prepare = ((sql: string) => (prepared++, prepare(sql))) as typeof conn.prepare;
  reusePreparedStatements(conn, 2);
  const a = conn.prepare('select 1');
  t.is(conn.prepare('select 1'), a);
  conn.prepare('select 2');
  conn.prepare('select 1'); // 'select 2' is now the least recently used
  conn.prepare('select 3'); // drops 'select 2'
  t.is(conn.prepare('select 1'), a);
  t.is(prepared, 3);
  conn.prepare('select 2');
  t.is(prepared, 4, '"select 2" had been dropped and is prepared again');
});
