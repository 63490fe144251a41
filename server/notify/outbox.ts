// The outbox as the system administrator sees it: what is waiting, what went, what failed (incidents)
// and what the checks refused; a failed or refused message can be sent again once the cause is fixed.
// Reading it is audited: messages name people and cases.
import type { Config } from '../config.ts';
import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import type { SessionUser } from '../people/sessions.ts';
import { checkAddress, checkSubject, PROBLEM_TEXT, type EnvelopeProblem } from './envelope.ts';
import * as store from './store.ts';
import type { MailRow, MailStatus } from './store.ts';

export function mailDto(m: store.AdminMailRow) {
  return {
    id: m.id,
    event: m.event,
    recipientId: m.recipient_id,
    recipientName: m.recipient_name ?? null,
    to: m.to_address,
    language: m.language,
    subject: m.subject,
    link: m.link,
    instanceId: m.instance_id,
    status: m.status,
    attempts: m.attempts,
    nextAttemptAt: m.status === 'pending' ? m.next_attempt_at : null,
    holdUntil: m.hold_until,
    digestId: m.digest_id,
    lastError: m.last_error,
    messageId: m.message_id,
    createdAt: m.created_at,
    sentAt: m.sent_at,
  };
}

export class OutboxAdmin {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: Pick<Config, 'mail' | 'smtpUrl'>,
    private readonly audit: AuditLog,
  ) {}

  async list(user: SessionUser, ip: string, f: { status?: MailStatus; limit: number; offset: number }) {
    const { rows, total } = await store.listMessages(this.db, f);
    const counts = await store.countByStatus(this.db);
    await this.audit.record(null, { actor: user, ip, action: 'outbox.list', objectType: 'mail', detail: { status: f.status ?? null, n: rows.length } });
    return {
      sending: !!this.config.smtpUrl,
      counts: Object.fromEntries(store.MAIL_STATUSES.map((s) => [s, counts[s] ?? 0])) as Record<MailStatus, number>,
      total,
      items: rows.map(mailDto),
    };
  }

  async view(user: SessionUser, ip: string, id: string) {
    const m = await store.findMessage(this.db, id);
    if (!m) throw errors.notFound('Message');
    await this.audit.record(null, { actor: user, ip, action: 'outbox.view', objectType: 'mail', objectId: id });
    return { ...mailDto(m), body: m.body };
  }

  /**
   * 全部重发: every incident (up to 1000, oldest first) goes back to the queue in one transaction and
   * one audited action (`outbox.retry_all`), each to its recipient's current address; one whose
   * recipient has no allowed address now, or is disabled, stays an incident and is named with why.
   * The answer's ids let the page follow the sending (progress).
   */
  async retryIncidents(user: SessionUser, ip: string) {
    return this.db.transaction(async (trx) => {
      const rows = await store.incidents(trx, 1000);
      const users = new Map((await store.activeUsers(trx, [...new Set(rows.map((m) => m.recipient_id))])).map((u) => [u.id, u]));
      const now = iso(this.clock.now());
      const ids: string[] = [];
      const skipped: Array<{ id: string; problem: EnvelopeProblem }> = [];
      for (const m of rows) {
        const u = users.get(m.recipient_id);
        const problem: EnvelopeProblem | null = u ? (checkAddress(u.email, this.config.mail.allowedDomains) ?? checkSubject(m.subject)) : 'RECIPIENT_DISABLED';
        if (problem) {
          skipped.push({ id: m.id, problem });
          continue;
        }
        await store.updateMessage(trx, m.id, { status: 'pending', to_address: u!.email, attempts: 0, next_attempt_at: now, last_error: null, lock_owner: null, locked_until: null });
        ids.push(m.id);
      }
      await this.audit.record(trx, { actor: user, ip, action: 'outbox.retry_all', objectType: 'mail', detail: { retried: ids.length, skipped: skipped.length } });
      return { retried: ids.length, skipped, ids };
    });
  }

  /** Where the messages of a 全部重发 are now (counts by status): the page's progress. */
  async progress(ids: string[]) {
    const counts = await store.statusesOf(this.db, [...new Set(ids)]);
    return { total: new Set(ids).size, counts: Object.fromEntries(store.MAIL_STATUSES.map((s) => [s, counts[s] ?? 0])) as Record<MailStatus, number> };
  }

  /** An incident or a refused message goes back to the queue, to the recipient's current address. */
  async retry(user: SessionUser, ip: string, id: string) {
    return this.db.transaction(async (trx) => {
      const m = await store.findMessage(trx, id);
      if (!m) throw errors.notFound('Message');
      if (m.status !== 'incident' && m.status !== 'refused') {
        throw errors.conflict('MAIL_NOT_FAILED', `只能重发失败或被拒绝的邮件 / Only failed or refused mail can be retried (status: ${m.status})`);
      }
      const [u] = await store.activeUsers(trx, [m.recipient_id]);
      const problem: EnvelopeProblem | null = u ? (checkAddress(u.email, this.config.mail.allowedDomains) ?? checkSubject(m.subject)) : 'RECIPIENT_DISABLED';
      if (problem) throw errors.rule('mail_envelope', PROBLEM_TEXT[problem], { problem });
      const now = iso(this.clock.now());
      await store.updateMessage(trx, id, {
        status: 'pending',
        to_address: u!.email,
        attempts: 0,
        next_attempt_at: now,
        last_error: null,
        lock_owner: null,
        locked_until: null,
      });
      await this.audit.record(trx, { actor: user, ip, action: 'outbox.retry', objectType: 'mail', objectId: id, detail: { was: m.status } });
      return mailDto((await store.findMessage(trx, id))!);
    });
  }
}
