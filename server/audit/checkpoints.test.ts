// Signed checkpoints: the key is created on first use, 0600, outside the database; signatures are
// plain Ed25519 over {seq, hash, at} that anyone with the public key can check; a forged checkpoint
// is reported; periodic checkpoints only when the head moved; a rotated key keeps old ones valid.
import fs from 'node:fs';
import path from 'node:path';
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import test from 'ava';
import { createTestDb } from '../../test/helpers/db.ts';
import { MovableClock } from '../clock.ts';
import { createLogger } from '../logger.ts';
import { AuditLog } from './service.ts';
import { CheckpointSigner, checkpointMessage, keyIdOf } from './signer.ts';
import { SecurityMaintenance } from '../admin/maintenance.ts';
import { LoginThrottle } from '../people/throttle.ts';

async function fresh(t: { teardown(fn: () => Promise<void>): void }) {
  const tdb = await createTestDb();
  t.teardown(() => tdb.drop());
  const clock = new MovableClock('2026-11-02T01:00:00.000Z');
  const signer = new CheckpointSigner(tdb.config.audit.keyFile);
  return { tdb, clock, signer, audit: new AuditLog(tdb.db, clock, signer) };
}

test('the signing key is created on first use, 0600 in a 0700 folder, under the data folder by default', async (t) => {
  const { tdb, audit } = await fresh(t);
  const keyFile = tdb.config.audit.keyFile;
  t.is(keyFile, path.join(tdb.dataDir, 'keys', 'audit-ed25519.pem'));
  await audit.record(null, { actorName: 'x', action: 'test.write' });
  t.false(fs.existsSync(keyFile), 'writing rows needs no key');
  const cp = await audit.checkpoint('manual');
  t.truthy(cp);
  t.is(fs.statSync(keyFile).mode & 0o777, 0o600);
  t.is(fs.statSync(path.dirname(keyFile)).mode & 0o777, 0o700);
  t.regex(fs.readFileSync(keyFile, 'utf8'), /BEGIN PRIVATE KEY/);
  // Nothing of the key is in the database: only its id and the signatures.
  const row = await tdb.db('audit_checkpoints').first();
  t.is(row.key_id, audit.signer.keyId());
  t.false(JSON.stringify(row).includes('PRIVATE'));
});

test('a checkpoint is an Ed25519 signature of {seq, hash, at} that the public key alone verifies', async (t) => {
  const { tdb, audit } = await fresh(t);
  for (let i = 0; i < 3; i++) await audit.record(null, { actorName: 'x', action: 'test.write' });
  const cp = (await audit.checkpoint('manual'))!;
  const head = await tdb.db('audit_head').first();
  t.is(cp.seq, 3);
  t.is(cp.hash, head.hash);
  const pub = createPublicKey(fs.readFileSync(tdb.config.audit.keyFile));
  const message = Buffer.from(JSON.stringify({ seq: 3, hash: head.hash, at: cp.at }));
  t.true(verify(null, message, pub, Buffer.from(cp.signature, 'base64')));
  t.false(verify(null, Buffer.from(JSON.stringify({ seq: 4, hash: head.hash, at: cp.at })), pub, Buffer.from(cp.signature, 'base64')));
});

test('a checkpoint signed with another key is reported as forged', async (t) => {
  const { tdb, audit } = await fresh(t);
  for (let i = 0; i < 4; i++) await audit.record(null, { actorName: 'x', action: 'test.write' });
  await audit.checkpoint('manual');
  const head = await tdb.db('audit_head').first();
  const other = generateKeyPairSync('ed25519');
  const payload = { seq: 4, hash: head.hash, at: '2026-11-02T01:00:00.000Z' };
  await tdb.db('audit_checkpoints').insert({
    ...payload,
    key_id: audit.signer.keyId(),
    signature: sign(null, checkpointMessage(payload), other.privateKey).toString('base64'),
    reason: 'manual',
  });
  const v = await audit.verify();
  t.false(v.ok);
  t.is(v.reason, 'checkpoint_signature');
  t.is(v.firstBadSeq, 4);
});

test('a key file readable by others is refused and no checkpoint is written', async (t) => {
  const { tdb, audit } = await fresh(t);
  await audit.record(null, { actorName: 'x', action: 'test.write' });
  fs.mkdirSync(path.dirname(tdb.config.audit.keyFile), { recursive: true });
  const { privateKey } = generateKeyPairSync('ed25519');
  fs.writeFileSync(tdb.config.audit.keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o644 });
  fs.chmodSync(tdb.config.audit.keyFile, 0o644);
  await t.throwsAsync(() => audit.checkpoint('manual'), { message: /chmod 600/ });
  t.is(Number((await tdb.db('audit_checkpoints').count({ n: '*' }))[0].n), 0);
});

test('periodic checkpoints: one when the head moved, none when it did not', async (t) => {
  const { tdb, audit, clock } = await fresh(t);
  const maintenance = new SecurityMaintenance(createLogger('silent'), 60_000, audit, new LoginThrottle(tdb.db, clock));
  await maintenance.runOnce();
  t.is(Number((await tdb.db('audit_checkpoints').count({ n: '*' }))[0].n), 0, 'an empty log has nothing to sign');
  await audit.record(null, { actorName: 'x', action: 'test.write' });
  await maintenance.runOnce();
  await maintenance.runOnce();
  const cps = await tdb.db('audit_checkpoints').orderBy('id');
  t.is(cps.length, 1);
  t.is(cps[0].reason, 'periodic');
  t.is(Number(cps[0].seq), 1);
  await audit.record(null, { actorName: 'x', action: 'test.write' });
  await maintenance.runOnce();
  t.is(Number((await tdb.db('audit_checkpoints').orderBy('id', 'desc').first()).seq), 2);
  // start() arms an interval (never a timeout longer than a day) that stop() clears.
  maintenance.start();
  await maintenance.stop();
});

test('after a key rotation, checkpoints of the retired key still verify through its .pub.pem', async (t) => {
  const { tdb, audit, clock } = await fresh(t);
  await audit.record(null, { actorName: 'x', action: 'test.write' });
  await audit.checkpoint('manual');
  const keyFile = tdb.config.audit.keyFile;
  const oldPub = createPublicKey(fs.readFileSync(keyFile));
  fs.writeFileSync(path.join(path.dirname(keyFile), `${keyIdOf(oldPub)}.pub.pem`), oldPub.export({ type: 'spki', format: 'pem' }));
  fs.renameSync(keyFile, `${keyFile}.retired`);
  const rotated = new AuditLog(tdb.db, clock, new CheckpointSigner(keyFile));
  await rotated.record(null, { actorName: 'x', action: 'test.write' });
  await rotated.checkpoint('manual');
  t.not(rotated.signer.keyId(), keyIdOf(oldPub));
  const v = await rotated.verify();
  t.true(v.ok);
  t.is(v.checkpoints, 2);
  // Without the retired public key, the old checkpoint can no longer be trusted.
  fs.rmSync(path.join(path.dirname(keyFile), `${keyIdOf(oldPub)}.pub.pem`));
  const v2 = await new AuditLog(tdb.db, clock, new CheckpointSigner(keyFile)).verify();
  t.false(v2.ok);
  t.is(v2.reason, 'checkpoint_signature');
});
