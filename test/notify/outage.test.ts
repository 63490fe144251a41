// Mail is never lost and never sent twice: an SMTP server that is down, then refuses, then accepts
// some and finally all, under a movable clock; a worker that dies holding messages; two workers at
// once; retries that run out (an incident the system administrator sees and can retry).
import test from 'ava';
import type { TestSystem } from '../helpers/server.ts';
import type { TestSmtp } from '../helpers/smtp.ts';
import { asAdmin, closeMailSystem, outbox, startAs, startMailSystem } from '../helpers/notify.ts';
import { MailWorker } from '../../server/notify/worker.ts';
import { claimDue } from '../../server/db.ts';
import { iso } from '../../server/clock.ts';

let sys: TestSystem;
let smtp: TestSmtp;
const USERS = ['applicant1', 'applicant2', 'unithead1', 'archivist1', 'chief1'];

test.before(async () => {
  ({ sys, smtp } = await startMailSystem({ fixtures: ['assigned.bpmn'] }));
});
test.after.always(() => closeMailSystem(sys, smtp));

const send = () => sys.services.mailer.pollOnce();

/** One task mail for each of USERS; returns their outbox rows. */
async function oneMailEach() {
  const ids: string[] = [];
  for (const u of USERS) ids.push((await startAs(sys, 'assigned', u, {})).id);
  return outbox(sys).whereIn('instance_id', ids).orderBy('id');
}

function worker(maxAttempts?: number) {
  const s = sys.services;
  const config = { ...s.config, mail: { ...s.config.mail, ...(maxAttempts ? { maxAttempts } : {}) } };
  return new MailWorker(s.db, sys.clock, s.log, s.audit, config);
}

test.serial('an SMTP outage of several minutes loses nothing and sends nothing twice after recovery', async (t) => {
  // The worker has a kept-open connection from earlier mail when the server goes away.
  await startAs(sys, 'assigned', 'leader1', {});
  t.like(await send(), { sent: 1 });
  const rows = await oneMailEach();
  t.is(rows.length, 5);
  const start = sys.clock.now().getTime();
  const n = smtp.received.length;

  // 1. The server is down: every message fails, waits 30 s.
  await smtp.down();
  t.like(await send(), { sent: 0, retried: 5 });
  // 2. It answers again but refuses everything for now (451): the next try waits 60 s.
  smtp.mode = 'tempfail';
  await smtp.up();
  t.like(await send(), { sent: 0, retried: 0 }, 'not due yet');
  sys.clock.advance(30_000);
  t.like(await send(), { sent: 0, retried: 5 });
  sys.clock.advance(59_000);
  t.like(await send(), { sent: 0, retried: 0 });
  sys.clock.advance(1_000);
  t.like(await send(), { sent: 0, retried: 5 });
  // 3. Partly back: one mailbox is still busy.
  smtp.mode = 'accept';
  smtp.tempfailFor.add('chief1@dangan.example');
  sys.clock.advance(120_000);
  t.like(await send(), { sent: 4, retried: 1 });
  // 4. Fully back after several minutes.
  smtp.tempfailFor.clear();
  sys.clock.advance(240_000);
  t.like(await send(), { sent: 1, retried: 0 });
  t.true(sys.clock.now().getTime() - start >= 7 * 60_000);

  const got = smtp.received.slice(n);
  t.deepEqual(got.map((m) => m.envelopeTo[0]).sort(), USERS.map((u) => `${u}@dangan.example`).sort());
  t.is(new Set(got.map((m) => m.messageId)).size, 5);
  t.deepEqual(got.map((m) => m.messageId).sort(), rows.map((r: any) => r.message_id).sort());
  const after = await outbox(sys).whereIn('id', rows.map((r: any) => r.id));
  t.true(after.every((r: any) => r.status === 'sent' && r.sent_at && r.last_error === null && r.lock_owner === null));
  t.deepEqual(after.map((r: any) => r.attempts).sort(), [4, 4, 4, 4, 5]);

  // Later polls send nothing again.
  sys.clock.advance(3_600_000);
  t.like(await send(), { sent: 0, retried: 0 });
  t.is(smtp.received.length, n + 5);
});

test.serial('a worker that dies holding messages: they go out once its lock expires, from the database alone', async (t) => {
  const rows = await oneMailEach();
  const now = sys.clock.now();
  const claimed = await sys.services.db.transaction((trx) =>
    claimDue(trx, 'mail_outbox', { dueColumn: 'next_attempt_at', now: iso(now), owner: 'dead-worker', until: iso(new Date(now.getTime() + 300_000)), batch: 50 }),
  );
  t.is(claimed.length, 5);
  const n = smtp.received.length;
  // A fresh worker (a restarted server) leaves them alone while the lock holds …
  const fresh = worker();
  t.like(await fresh.pollOnce(), { sent: 0 });
  // … and sends each once after it expires.
  sys.clock.advance(300_001);
  t.like(await fresh.pollOnce(), { sent: 5 });
  await fresh.stop();
  t.is(smtp.received.length, n + 5);
  t.deepEqual(smtp.received.slice(n).map((m) => m.messageId).sort(), rows.map((r: any) => r.message_id).sort());
});

test.serial('two workers polling at once send each message once', async (t) => {
  for (let i = 0; i < 3; i++) await oneMailEach();
  const n = smtp.received.length;
  const a = worker();
  const b = worker();
  const [ra, rb] = await Promise.all([a.pollOnce(), b.pollOnce()]);
  await Promise.all([a.stop(), b.stop()]);
  t.is(ra.sent + rb.sent, 15);
  const got = smtp.received.slice(n);
  t.is(got.length, 15);
  t.is(new Set(got.map((m) => m.messageId)).size, 15);
});

test.serial('when retries run out the message is an incident: audited, listed for the system administrator, retryable', async (t) => {
  const [row] = await outbox(sys).whereIn('instance_id', [(await startAs(sys, 'assigned', 'applicant1', {})).id]);
  const w = worker(3);
  smtp.mode = 'tempfail';
  t.like(await w.pollOnce(), { retried: 1 });
  sys.clock.advance(30_000);
  t.like(await w.pollOnce(), { retried: 1 });
  sys.clock.advance(60_000);
  t.like(await w.pollOnce(), { incidents: 1 });
  smtp.mode = 'accept';
  sys.clock.advance(3_600_000);
  t.like(await w.pollOnce(), { sent: 0 }, 'an incident is not retried by itself');
  const failed = await outbox(sys).where({ id: row.id }).first();
  t.is(failed.status, 'incident');
  t.is(failed.attempts, 3);
  t.regex(failed.last_error, /451/);
  const audit = await sys.services.db('audit_log').where({ action: 'mail.incident', object_id: row.id }).first();
  t.is(audit.outcome, 'failure');
  t.false(String(audit.detail).includes(failed.subject), 'no content in the audit detail');

  const admin = await asAdmin(sys, 'sysadmin');
  const list = await admin.get('/api/admin/outbox?status=incident');
  t.is(list.status, 200);
  t.is(list.body.counts.incident, 1);
  t.deepEqual(list.body.items.map((m: any) => m.id), [row.id]);
  t.true(list.body.sending);
  for (const who of ['chief1', 'auditor', 'secadmin', 'applicant1']) {
    const client = ['auditor', 'secadmin'].includes(who) ? await asAdmin(sys, who) : await sys.as(who);
    const denied = await client.get('/api/admin/outbox?status=incident');
    t.is(denied.status, 403, who);
    t.is(denied.body.code, 'FORBIDDEN');
  }

  const retried = await admin.post(`/api/admin/outbox/${row.id}/retry`);
  t.is(retried.status, 200);
  t.is(retried.body.status, 'pending');
  t.is(retried.body.attempts, 0);
  const n = smtp.received.length;
  t.like(await w.pollOnce(), { sent: 1 });
  await w.stop();
  t.is(smtp.received.length, n + 1);
  t.is(smtp.received.at(-1)!.messageId, row.message_id);
  const again = await admin.post(`/api/admin/outbox/${row.id}/retry`);
  t.is(again.status, 409);
  t.is(again.body.code, 'MAIL_NOT_FAILED');
  t.is((await admin.post('/api/admin/outbox/00000000-0000-4000-8000-000000000000/retry')).status, 404);
  t.truthy(await sys.services.db('audit_log').where({ action: 'outbox.retry', object_id: row.id }).first());
});

test.serial('a permanent refusal (550) is an incident at once, not hammered', async (t) => {
  const [row] = await outbox(sys).whereIn('instance_id', [(await startAs(sys, 'assigned', 'applicant2', {})).id]);
  smtp.mode = 'reject';
  try {
    t.like(await send(), { incidents: 1, retried: 0 });
  } finally {
    smtp.mode = 'accept';
  }
  const failed = await outbox(sys).where({ id: row.id }).first();
  t.is(failed.status, 'incident');
  t.is(failed.attempts, 1);
});
