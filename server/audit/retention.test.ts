// Retention: pruning deletes only rows past the retention period (never under 180 days), signs
// checkpoints first so the rest still verifies, and the database itself refuses to delete younger
// rows or rows no checkpoint covers, whatever SQL is sent. The trigger uses the database's clock,
// so these tests place the rows relative to the real time.
import test from 'ava';
import { createTestDb } from '../../test/helpers/db.ts';
import { MovableClock } from '../clock.ts';
import { AuditLog } from './service.ts';
import { CheckpointSigner } from './signer.ts';

const DAY = 86_400_000;
const daysAgo = (d: number) => new Date(Date.now() - d * DAY);

async function fresh(t: { teardown(fn: () => Promise<void>): void }, retentionDays = 180) {
  const tdb = await createTestDb();
  t.teardown(() => tdb.drop());
  const clock = new MovableClock(daysAgo(400));
  const audit = new AuditLog(tdb.db, clock, new CheckpointSigner(tdb.config.audit.keyFile), retentionDays);
  await audit.syncRetention();
  const write = async (n: number, tag: string) => {
    for (let i = 0; i < n; i++) await audit.record(null, { actorName: tag, action: 'test.write' });
  };
  return { tdb, clock, audit, write };
}

const count = async (db: any) => Number((await db('audit_log').count({ n: '*' }))[0].n);

test('prune deletes the rows past 180 days, signs checkpoints first, and the rest still verifies', async (t) => {
  const { tdb, clock, audit, write } = await fresh(t);
  await write(20, 'old');
  clock.set(daysAgo(100));
  await write(10, 'recent');
  clock.set(new Date());
  const r = await audit.prune(null, null, 'os:test');
  t.is(r.deleted, 20);
  t.is(r.throughSeq, 20);
  t.is(r.retentionDays, 180);
  const left = await tdb.db('audit_log').orderBy('seq');
  t.is(left.length, 11);
  t.is(Number(left[0].seq), 21);
  t.true(left.every((row: any) => row.actor !== 'old'));
  const prune = left.at(-1);
  t.is(prune.action, 'audit.prune');
  t.is(JSON.parse(prune.detail).throughSeq, 20);
  const cps = await tdb.db('audit_checkpoints').orderBy('seq');
  t.deepEqual(cps.map((c: any) => [Number(c.seq), c.reason]), [[20, 'prune'], [31, 'prune']]);
  const v = await audit.verify();
  t.true(v.ok);
  t.is(v.fromSeq, 20);
  t.is(v.entries, 11);
});

test('nothing younger than the retention can be deleted, even by SQL with a checkpoint covering it', async (t) => {
  const { tdb, clock, audit, write } = await fresh(t);
  clock.set(daysAgo(100));
  await write(5, 'recent');
  clock.set(new Date());
  await audit.checkpoint('manual');
  await t.throwsAsync(() => tdb.db('audit_log').where({ seq: 1 }).delete(), { any: true, message: /retention/ });
  // Lowering the retention row by hand does not lower the floor of 180 days.
  await tdb.db('audit_retention').update({ days: 0 });
  await t.throwsAsync(() => tdb.db('audit_log').where({ seq: 1 }).delete(), { any: true, message: /retention/ });
  await tdb.db('audit_retention').delete();
  await t.throwsAsync(() => tdb.db('audit_log').delete(), { any: true, message: /retention/ });
  t.is(await count(tdb.db), 5);
  const r = await audit.prune(null, null, 'os:test');
  t.is(r.deleted, 0);
  t.is(await count(tdb.db), 6, 'the attempt itself is audited');
});

test('old rows that no checkpoint covers cannot be deleted by SQL either', async (t) => {
  const { tdb, clock, write } = await fresh(t);
  await write(3, 'old');
  clock.set(new Date());
  await t.throwsAsync(() => tdb.db('audit_log').where({ seq: 1 }).delete(), { any: true, message: /checkpoint/ });
  t.is(await count(tdb.db), 3);
});

test('a longer configured retention is kept by prune and by the trigger', async (t) => {
  const { tdb, clock, audit, write } = await fresh(t, 365);
  await write(4, 'older-than-365');
  clock.set(daysAgo(200));
  await write(6, 'between-180-and-365');
  clock.set(new Date());
  const r = await audit.prune(null, null, 'os:test');
  t.is(r.deleted, 4);
  t.is(r.retentionDays, 365);
  // A 200-day-old row is past 180 but inside the configured 365: the database refuses it too.
  await t.throwsAsync(() => tdb.db('audit_log').where({ seq: 5 }).delete(), { any: true, message: /retention/ });
  t.true((await audit.verify()).ok);
});

test('old rows deleted by SQL without prune leave a chain that no longer verifies from its start', async (t) => {
  const { tdb, clock, audit, write } = await fresh(t);
  await write(6, 'old');
  clock.set(new Date());
  await audit.checkpoint('manual');
  await write(2, 'new');
  // Allowed by the trigger (old, covered by a checkpoint) but without the prune's anchor.
  await tdb.db('audit_log').where('seq', '<=', 3).delete();
  const v = await audit.verify();
  t.false(v.ok);
  t.is(v.reason, 'missing_start');
  t.is(v.firstBadSeq, 1);
});
