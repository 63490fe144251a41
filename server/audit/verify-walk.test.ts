// What the integrity check tells the auditor. A quick check (from the last checkpoint) says it
// checked only the rows after the checkpoint, never that the whole log is intact; a full check
// walks on past a broken row and lists every break (a changed row and a deletion further on),
// bounded, the first one kept as firstBadSeq/reason.
import test from 'ava';
import { createTestDb, type TestDb } from '../../test/helpers/db.ts';
import { MovableClock } from '../clock.ts';
import { isPg, type Db } from '../db.ts';
import { AuditLog } from './service.ts';
import { CheckpointSigner } from './signer.ts';
import { MAX_BREAKS } from './verify.ts';

async function fresh(t: { teardown(fn: () => Promise<void>): void }): Promise<{ tdb: TestDb; audit: AuditLog }> {
  const tdb = await createTestDb();
  t.teardown(() => tdb.drop());
  const audit = new AuditLog(tdb.db, new MovableClock('2026-11-02T01:00:00.000Z'), new CheckpointSigner(tdb.config.audit.keyFile));
  return { tdb, audit };
}

async function write(audit: AuditLog, n: number) {
  for (let i = 0; i < n; i++) await audit.record(null, { actorName: `w${i}`, action: 'test.write', objectType: 'test', objectId: i });
}

async function dropTriggers(db: Db) {
  if (isPg(db)) await db.raw('DROP TRIGGER audit_log_no_update ON audit_log; DROP TRIGGER audit_log_guarded_delete ON audit_log');
  else for (const t of ['audit_log_no_update', 'audit_log_guarded_delete']) await db.raw(`DROP TRIGGER ${t}`);
}

test('a quick check after a change before the checkpoint says it checked from the checkpoint only; the full check finds the change', async (t) => {
  const { tdb, audit } = await fresh(t);
  await write(audit, 150);
  const cp = (await audit.checkpoint('manual'))!;
  t.is(cp.seq, 150);
  await write(audit, 5);
  await dropTriggers(tdb.db);
  await tdb.db('audit_log').where({ seq: 40 }).update({ actor: 'somebody-else' });

  const quick = await audit.verify('checkpoint');
  t.true(quick.ok, 'nothing after the checkpoint was changed');
  t.is(quick.scope, 'from_checkpoint');
  t.is(quick.fromSeq, 150);
  t.is(quick.entries, 5, 'only the rows after the checkpoint were read');

  const full = await audit.verify('start');
  t.false(full.ok);
  t.is(full.scope, 'full');
  t.is(full.firstBadSeq, 40);
  t.deepEqual(full.breaks, [{ seq: 40, reason: 'hash' }]);
});

test('a quick check on a log without a checkpoint walks the whole log and says so', async (t) => {
  const { audit } = await fresh(t);
  await write(audit, 3);
  const v = await audit.verify('checkpoint');
  t.true(v.ok);
  t.is(v.scope, 'full');
  t.is(v.fromSeq, 0);
});

test('the full check walks on past a changed row: a deletion further on is listed too', async (t) => {
  const { tdb, audit } = await fresh(t);
  await write(audit, 150);
  await dropTriggers(tdb.db);
  await tdb.db('audit_log').where({ seq: 61 }).update({ outcome: 'failure' });
  await tdb.db('audit_log').where({ seq: 124 }).delete();
  await tdb.db('audit_log').whereIn('seq', [130, 131, 132]).delete();
  const v = await audit.verify();
  t.false(v.ok);
  // As before: the first break.
  t.is(v.firstBadSeq, 61);
  t.is(v.reason, 'hash');
  t.is(v.headSeq, 60, 'the last row that checked out before the first break');
  t.deepEqual(v.breaks, [
    { seq: 61, reason: 'hash' },
    { seq: 124, reason: 'gap' },
    { seq: 130, reason: 'gap', throughSeq: 132 },
  ]);
  t.false(v.breaksMore);
  t.is(v.entries, 146, 'every row left was checked');
});

test('a row rewritten with a fresh hash shows at the link of the row after it, and the walk goes on to the next change', async (t) => {
  const { tdb, audit } = await fresh(t);
  await write(audit, 20);
  await dropTriggers(tdb.db);
  const { chainHash } = await import('./chain.ts');
  const r = await tdb.db('audit_log').where({ seq: 5 }).first();
  const changed = { ...r, seq: 5, actor: 'forged' };
  await tdb.db('audit_log').where({ seq: 5 }).update({ actor: 'forged', hash: chainHash(r.prev_hash, changed) });
  await tdb.db('audit_log').where({ seq: 15 }).update({ actor: 'forged' });
  const v = await audit.verify();
  t.deepEqual(v.breaks, [
    { seq: 6, reason: 'hash' },
    { seq: 15, reason: 'hash' },
  ]);
});

test('the list of breaks is bounded and says when there were more', async (t) => {
  const { tdb, audit } = await fresh(t);
  await write(audit, MAX_BREAKS + 20);
  await dropTriggers(tdb.db);
  await tdb.db('audit_log').where('seq', '>', 10).update({ actor: 'forged' });
  const v = await audit.verify();
  t.false(v.ok);
  t.is(v.breaks.length, MAX_BREAKS);
  t.true(v.breaksMore);
  t.is(v.firstBadSeq, 11);
  t.is(v.breaks.at(-1)!.seq, 10 + MAX_BREAKS);
});

test('breaks are listed in the order of the log, whatever order the walk found them in', async (t) => {
  // A checkpoint mismatch is found at the checkpointed row but names the first row after the
  // previous checkpoint: here 11, found after the changed row 15 (regression: listed after it, and
  // firstBadSeq said 15 though the log is untrustworthy from 11).
  const { tdb, audit } = await fresh(t);
  const { chainHash } = await import('./chain.ts');
  await write(audit, 10);
  await audit.checkpoint('manual');
  await write(audit, 10);
  t.is((await audit.checkpoint('manual'))!.seq, 20);
  await write(audit, 5);
  await dropTriggers(tdb.db);
  await tdb.db('audit_log').where({ seq: 15 }).update({ actor: 'forged' });
  // Rows 17–20 rewritten with fresh hashes that link: only the checkpoint at 20 can tell.
  let prev: string | null = null;
  for (let seq = 17; seq <= 20; seq++) {
    const r = await tdb.db('audit_log').where({ seq }).first();
    const linkTo: string = prev ?? r.prev_hash;
    const row = { ...r, prev_hash: linkTo, actor: seq === 17 ? 'forged' : r.actor };
    prev = chainHash(linkTo, row);
    await tdb.db('audit_log').where({ seq }).update({ actor: row.actor, prev_hash: linkTo, hash: prev });
  }
  const v = await audit.verify();
  t.deepEqual(
    v.breaks.map((b) => b.seq),
    [...v.breaks.map((b) => b.seq)].sort((a, b) => a - b),
  );
  t.is(v.firstBadSeq, 11);
  t.like(v.breaks[0], { seq: 11, reason: 'checkpoint_mismatch' });
  t.true(v.breaks.some((b) => b.seq === 15 && b.reason === 'hash'));
});
