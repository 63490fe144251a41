// The mail worker: sends what the outbox holds, through nodemailer from SMTP_URL. Everything it
// knows is in the database (status, attempts, next attempt, lock), so it can stop at any moment,
// run on several servers at once, and start again after a crash without losing or repeating mail.
//
// - A message is claimed under a time-limited lock (SKIP LOCKED on PostgreSQL), sent outside any
//   transaction, then marked `sent` only if this worker still holds it.
// - A temporary failure (no connection, 4xx) waits base·2^(n−1) seconds (capped) and tries again;
//   when MAIL_MAX_ATTEMPTS run out, or the server refuses for good (5xx), the message becomes an
//   `incident` (audited, listed for the system administrator, retryable).
// - The one way a mail can go twice is a crash between the server's "250 OK" and our commit; the
//   resend then carries the same Message-ID (derived from the idempotency key), which mail systems
//   recognise as the same message.
// - Without SMTP_URL nothing is sent: messages stay `pending`, readable by the system administrator.
// - A task notice goes out only while its task is open and still the recipient's (held or offered to
//   their role in its unit), checked at send and at digest time: a mail retried after the task was
//   done, or a digest composed after it, would tell of work that is not there. Such a message
//   becomes `obsolete` (nothing failed: no incident, no audit row).
// - The Date header is when the mail leaves, not when the notice was written: a mail retried for
//   hours must not arrive dated in the past.
import { createHash, randomUUID } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config.ts';
import type { Db } from '../db.ts';
import { claimDue } from '../db.ts';
import { Poller } from '../poller.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { AuditLog } from '../audit/service.ts';
import { checkAddress, checkSubject } from './envelope.ts';
import { linkUrl, renderDigest, type Lang } from './templates.ts';
import { beijingDay } from './beijing.ts';
import { messageIdFor } from './service.ts';
import * as store from './store.ts';
import type { MailRow } from './store.ts';

export interface PollResult {
  sent: number;
  /** Claimed, but another worker took it over before it was this one's turn (lock expired). */
  skipped: number;
  retried: number;
  incidents: number;
  refused: number;
  /** Task notices dropped: the task was done, or is no longer the recipient's. */
  obsolete: number;
  digests: number;
}

export class MailWorker {
  readonly owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private transport: Transporter | null = null;
  private readonly poller: Poller<PollResult>;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly audit: AuditLog,
    private readonly config: Pick<Config, 'smtpUrl' | 'publicUrl' | 'mail'>,
  ) {
    this.poller = new Poller(() => this.drain(), { pollMs: config.mail.pollMs, log, what: 'mail poll' });
    if (config.smtpUrl) {
      this.transport = nodemailer.createTransport({
        url: config.smtpUrl,
        // One kept-open connection: a new SMTP session per message costs ~100 ms (bench/notify.ts).
        pool: true,
        maxConnections: 1,
        maxMessages: 100,
        connectionTimeout: 20_000,
        greetingTimeout: 15_000,
        socketTimeout: 60_000,
        disableFileAccess: true,
        disableUrlAccess: true,
      } as any);
    }
  }

  get sending(): boolean {
    return this.transport !== null;
  }

  start(): void {
    this.poller.start();
  }

  async stop(): Promise<void> {
    await this.poller.stop();
    this.transport?.close();
  }

  /** Composes due digests, then sends every due message once. Calls queue behind each other. */
  pollOnce(): Promise<PollResult> {
    return this.poller.pollOnce();
  }

  private async drain(): Promise<PollResult> {
    const r: PollResult = { sent: 0, skipped: 0, retried: 0, incidents: 0, refused: 0, obsolete: 0, digests: 0 };
    const digests = await this.composeDigests();
    r.digests = digests.made;
    r.obsolete = digests.obsolete;
    if (!this.transport) return r;
    for (;;) {
      const now = this.clock.now();
      const until = iso(new Date(now.getTime() + this.config.mail.lockSeconds * 1000));
      const claimed = await this.db.transaction((trx) =>
        claimDue<MailRow>(trx, 'mail_outbox', { dueColumn: 'next_attempt_at', now: iso(now), owner: this.owner, until, batch: 20 }),
      );
      if (!claimed.length) return r;
      for (const m of claimed) r[await this.deliver(m)]++;
    }
  }

  private async deliver(m: MailRow): Promise<'sent' | 'skipped' | 'retried' | 'incidents' | 'refused' | 'obsolete'> {
    // The lock was taken for the whole batch; renew it for this message, or leave it if it was lost.
    const until = iso(new Date(this.clock.now().getTime() + this.config.mail.lockSeconds * 1000));
    if (!(await store.updateClaimed(this.db, m.id, this.owner, { locked_until: until }))) return 'skipped';
    const obsolete = m.task_id ? await store.taskNoLongerFor(this.db, m.task_id, m.recipient_id) : null;
    if (obsolete) {
      const n = await store.updateClaimed(this.db, m.id, this.owner, { status: 'obsolete', last_error: obsolete, lock_owner: null, locked_until: null });
      return n ? 'obsolete' : 'skipped';
    }
    // The directory decides the address at send time too: a disabled user or a changed address wins.
    const [user] = await store.activeUsers(this.db, [m.recipient_id]);
    const problem = user ? (checkAddress(user.email, this.config.mail.allowedDomains) ?? checkSubject(m.subject)) : 'RECIPIENT_DISABLED';
    if (problem) {
      await this.db.transaction(async (trx) => {
        if (!(await store.updateClaimed(trx, m.id, this.owner, { status: 'refused', last_error: problem, lock_owner: null, locked_until: null }))) return;
        await this.audit.record(trx, { actorName: 'system', action: 'mail.refused', objectType: 'mail', objectId: m.id, outcome: 'denied', detail: { event: m.event, recipientId: m.recipient_id, problem } });
      });
      return 'refused';
    }
    const to = user!.email!;
    try {
      await this.transport!.sendMail({
        from: { name: this.config.mail.fromName, address: this.config.mail.from },
        to,
        envelope: { from: this.config.mail.from, to: [to] },
        subject: m.subject,
        text: m.body,
        messageId: m.message_id,
        date: this.clock.now(),
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
      });
    } catch (e) {
      return this.failed(m, e);
    }
    const n = await store.updateClaimed(this.db, m.id, this.owner, {
      status: 'sent',
      sent_at: iso(this.clock.now()),
      to_address: to,
      attempts: m.attempts + 1,
      last_error: null,
      lock_owner: null,
      locked_until: null,
    });
    if (!n) this.log.warn({ mailId: m.id }, 'mail sent after its lock was lost; a resend keeps the Message-ID');
    return 'sent';
  }

  private async failed(m: MailRow, e: unknown): Promise<'retried' | 'incidents'> {
    const err = e as { message?: string; responseCode?: number; code?: string };
    const message = `${err.responseCode ?? err.code ?? ''} ${err.message ?? String(e)}`.trim().slice(0, 1000);
    const attempts = m.attempts + 1;
    const permanent = typeof err.responseCode === 'number' && err.responseCode >= 500 && err.responseCode < 600;
    const now = this.clock.now();
    if (permanent || attempts >= this.config.mail.maxAttempts) {
      await this.db.transaction(async (trx) => {
        const patch = { status: 'incident' as const, attempts, last_error: message, lock_owner: null, locked_until: null };
        if (!(await store.updateClaimed(trx, m.id, this.owner, patch))) return;
        await this.audit.record(trx, {
          actorName: 'system',
          action: 'mail.incident',
          objectType: 'mail',
          objectId: m.id,
          outcome: 'failure',
          detail: { event: m.event, attempts, permanent, code: err.responseCode ?? err.code ?? null },
        });
      });
      this.log.error({ mailId: m.id, attempts, err: message }, 'mail gave up: incident');
      return 'incidents';
    }
    const delay = Math.min(this.config.mail.retryBaseSeconds * 2 ** (attempts - 1), this.config.mail.retryMaxSeconds);
    await store.updateClaimed(this.db, m.id, this.owner, {
      attempts,
      last_error: message,
      next_attempt_at: iso(new Date(now.getTime() + delay * 1000)),
      lock_owner: null,
      locked_until: null,
    });
    this.log.warn({ mailId: m.id, attempts, retryInSeconds: delay, err: message }, 'mail failed; will retry');
    return 'retried';
  }

  /** One digest per recipient whose digest hour has come, replacing the held messages in one transaction. */
  private async composeDigests(): Promise<{ made: number; obsolete: number }> {
    const now = this.clock.now();
    let made = 0;
    let dropped = 0;
    for (const recipient_id of await store.dueDigestRecipients(this.db, iso(now))) {
      made += await this.db.transaction(async (trx) => {
        const held: MailRow[] = [];
        // A task done or handed to someone else since it was told of is not listed, and dropped.
        for (const m of await store.lockHeld(trx, recipient_id, iso(now))) {
          const why = m.task_id ? await store.taskNoLongerFor(trx, m.task_id, recipient_id) : null;
          if (!why) held.push(m);
          else {
            await store.updateMessage(trx, m.id, { status: 'obsolete', last_error: why, hold_until: null });
            dropped++;
          }
        }
        if (!held.length) return 0;
        const [user] = await store.activeUsers(trx, [recipient_id]);
        const lang: Lang = (user?.language ?? held[0].language) === 'en' ? 'en' : 'zh';
        const inbox = linkUrl(this.config.publicUrl, { inbox: true });
        const { subject, body } = renderDigest(lang, user?.display_name ?? '', beijingDay(now), held, inbox);
        // The key names exactly the messages it carries: composing the same set twice yields one digest.
        const key = `digest:u${recipient_id}:${createHash('sha256').update(held.map((h) => h.id).sort().join(',')).digest('hex')}`;
        const id = randomUUID();
        const inserted = await store.insertMessage(trx, {
          id,
          idempotency_key: key,
          message_id: messageIdFor(key, this.config.mail.from),
          event: 'digest',
          recipient_id,
          to_address: user?.email ?? null,
          language: lang,
          subject,
          body,
          link: inbox,
          instance_id: null,
          task_id: null,
          status: 'pending',
          hold_until: null,
          digest_id: null,
          attempts: 0,
          next_attempt_at: iso(now),
          last_error: null,
          lock_owner: null,
          locked_until: null,
          created_at: iso(now),
          sent_at: null,
        });
        if (!inserted) return 0;
        await store.markDigested(trx, held.map((h) => h.id), id);
        return 1;
      });
    }
    return { made, obsolete: dropped };
  }
}
