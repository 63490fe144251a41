// The audit chain under load and under attack: concurrent writers keep seq dense and the chain
// valid; a row changed behind the triggers' back is named by its seq; rows cut from the end are
// caught against the signed checkpoints (the table's and the witness file's).
import fs from 'node:fs';
import test from 'ava';
import { createTestDb, type TestDb } from '../../test/helpers/db.ts';
import { MovableClock } from '../clock.ts';
import { isPg, type Db } from '../db.ts';
import { AuditLog } from './service.ts';
import { CheckpointSigner } from './signer.ts';
import { chainHash } from './chain.ts';

async function fresh(t: { teardown(fn: () => Promise<void>): void }): Promise<{ tdb: TestDb; audit: AuditLog; clock: MovableClock }> {
  const tdb = await createTestDb();
  t.teardown(() => tdb.drop());
  const clock = new MovableClock('2026-11-02T01:00:00.000Z');
  const audit = new AuditLog(tdb.db, clock, new CheckpointSigner(tdb.config.audit.keyFile));
  return { tdb, audit, clock };
}

async function write(audit: AuditLog, n: number, prefix = 'w') {
  for (let i = 0; i < n; i++) await audit.record(null, { actorName: `${prefix}${i}`, action: 'test.write', objectType: 'test', objectId: i });
}

/** What someone with database rights does first: take the triggers away. */
async function dropTriggers(db: Db) {
  if (isPg(db)) {
    await db.raw('DROP TRIGGER audit_log_no_update ON audit_log; DROP TRIGGER audit_log_guarded_delete ON audit_log');
    await db.raw('DROP TRIGGER audit_checkpoints_no_change ON audit_checkpoints');
  } else {
    for (const t of ['audit_log_no_update', 'audit_log_guarded_delete', 'audit_checkpoints_no_update', 'audit_checkpoints_no_delete']) await db.raw(`DROP TRIGGER ${t}`);
  }
}

test('8 concurrent writers × 1,000 rows give a dense seq and a valid chain', async (t) => {
  const { tdb, audit } = await fresh(t);
  await Promise.all(Array.from({ length: 8 }, (_, w) => write(audit, 1000, `writer${w}-`)));
  const [{ n, lo, hi }] = await tdb.db('audit_log').count({ n: '*' }).min({ lo: 'seq' }).max({ hi: 'seq' });
  t.is(Number(n), 8000);
  t.is(Number(lo), 1);
  t.is(Number(hi), 8000);
  const head = await tdb.db('audit_head').first();
  t.is(Number(head.seq), 8000);
  for (let w = 0; w < 8; w++) {
    const [{ c }] = await tdb.db('audit_log').where('actor', 'like', `writer${w}-%`).count({ c: '*' });
    t.is(Number(c), 1000, `every row of writer ${w} is there`);
  }
  const v = await audit.verify();
  t.true(v.ok);
  t.is(v.entries, 8000);
  t.is(v.headSeq, 8000);
});

test('the triggers refuse UPDATE and DELETE of audit rows', async (t) => {
  const { tdb, audit } = await fresh(t);
  await write(audit, 5);
  await t.throwsAsync(() => tdb.db('audit_log').where({ seq: 3 }).update({ action: 'forged' }), { any: true, message: /append-only/ });
  await t.throwsAsync(() => tdb.db('audit_log').where({ seq: 5 }).delete(), { any: true, message: /retention/ });
  t.is((await tdb.db('audit_log').where({ seq: 3 }).first()).action, 'test.write');
  t.is(Number((await tdb.db('audit_log').count({ n: '*' }))[0].n), 5);
});

test('a row changed with the triggers dropped is found by its seq', async (t) => {
  const { tdb, audit } = await fresh(t);
  await write(audit, 50);
  t.true((await audit.verify()).ok);
  await dropTriggers(tdb.db);
  await tdb.db('audit_log').where({ seq: 23 }).update({ actor: 'somebody-else' });
  const v = await audit.verify();
  t.false(v.ok);
  t.is(v.firstBadSeq, 23);
  t.is(v.reason, 'hash');
  t.is(v.headSeq, 22);
  // The walk goes on past the break: every row is checked, the one break listed.
  t.is(v.entries, 50);
  t.deepEqual(v.breaks, [{ seq: 23, reason: 'hash' }]);
});

test('a chain rewritten with fresh hashes after a change is caught by the checkpoint after it', async (t) => {
  const { tdb, audit } = await fresh(t);
  await write(audit, 20);
  await audit.checkpoint('manual');
  await write(audit, 20, 'later');
  await audit.checkpoint('manual');
  await write(audit, 5, 'tail');
  await dropTriggers(tdb.db);
  // The forger changes row 23 and recomputes every hash from there, head included.
  const rows = await tdb.db('audit_log').where('seq', '>=', 23).orderBy('seq');
  let prev = (await tdb.db('audit_log').where({ seq: 22 }).first()).hash;
  for (const r of rows) {
    const changed = { ...r, seq: Number(r.seq), actor: Number(r.seq) === 23 ? 'forged' : r.actor };
    const hash = chainHash(prev, changed);
    await tdb.db('audit_log').where({ seq: r.seq }).update({ actor: changed.actor, prev_hash: prev, hash });
    prev = hash;
  }
  await tdb.db('audit_head').where({ id: 1 }).update({ hash: prev });
  const v = await audit.verify();
  t.false(v.ok);
  t.is(v.reason, 'checkpoint_mismatch');
  // The change lies after the checkpoint at 20 and before the one at 40: the first seq it can be is 21.
  t.is(v.firstBadSeq, 21);
});

test('deleting the last rows is caught against the checkpoint, even with the head moved back', async (t) => {
  const { tdb, audit } = await fresh(t);
  await write(audit, 35);
  const cp = await audit.checkpoint('manual');
  t.is(cp!.seq, 35);
  t.true((await audit.verify()).ok);
  await dropTriggers(tdb.db);
  await tdb.db('audit_log').where('seq', '>', 31).delete();
  const last = await tdb.db('audit_log').where({ seq: 31 }).first();
  await tdb.db('audit_head').where({ id: 1 }).update({ seq: 31, hash: last.hash });
  for (const from of ['start', 'checkpoint'] as const) {
    const v = await audit.verify(from);
    t.false(v.ok, from);
    t.is(v.reason, 'truncated', from);
    t.is(v.firstBadSeq, 32, from);
  }
});

test('deleting the checkpoints too does not hide a cut tail: the witness file keeps them', async (t) => {
  const { tdb, audit } = await fresh(t);
  await write(audit, 12);
  await audit.checkpoint('manual');
  await dropTriggers(tdb.db);
  await tdb.db('audit_log').where('seq', '>', 10).delete();
  await tdb.db('audit_checkpoints').delete();
  const last = await tdb.db('audit_log').where({ seq: 10 }).first();
  await tdb.db('audit_head').where({ id: 1 }).update({ seq: 10, hash: last.hash });
  const v = await audit.verify();
  t.false(v.ok);
  t.is(v.reason, 'truncated');
  t.is(v.firstBadSeq, 11);
  t.true(fs.readFileSync(audit.signer.witnessFile, 'utf8').includes('"seq":12'));
});

test('the head moved past the last row is reported as a cut tail', async (t) => {
  const { tdb, audit } = await fresh(t);
  await write(audit, 8);
  await dropTriggers(tdb.db);
  await tdb.db('audit_log').where('seq', '>', 6).delete();
  const v = await audit.verify();
  t.false(v.ok);
  t.is(v.reason, 'truncated');
  t.is(v.firstBadSeq, 7);
});
