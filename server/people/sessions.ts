// Server-side sessions. The cookie carries a random token; the table stores its sha256.
// Idle and absolute timeouts (from the security policy) are checked on every request; a session
// of a disabled user is ended on sight. A session whose password must change, or whose user must
// enrol an authenticator, is marked so that the HTTP layer lets it do only that.
import { createHash, randomBytes } from 'node:crypto';
import type { Db, Q } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import type { AuditLog } from '../audit/service.ts';
import { mustChangePassword, totpRequiredFor, type PolicySource, type SecurityPolicy } from './policy.ts';
import * as store from './store.ts';

export const SESSION_COOKIE = 'dangan_sid';

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  orgUnitId: number;
  roles: string[];
  language: string;
  sessionId: string;
  /** Initial, reset or expired password: only the change-password route (and me, logout) answer. */
  mustChangePassword?: boolean;
  /** A second factor is required but none is enrolled: only enrolment (and me, logout) answer. */
  mustEnrollTotp?: boolean;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Only touch last_seen_at when it is this stale, so that reads do not all become writes. */
const TOUCH_EVERY_MS = 15_000;

export class Sessions {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: PolicySource,
    private readonly audit?: AuditLog,
  ) {}

  /**
   * `policy`: the one the caller already read. Inside a transaction on SQLite (one connection) a
   * policy read through the root handle, when the settings cache has just expired, would wait for
   * the connection the transaction holds: the login then hung for a minute under load.
   */
  async create(q: Q, userId: number, ip: string | null, userAgent: string | null, policy?: SecurityPolicy): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const { session } = policy ?? (await this.policy.current(q));
    await store.insertSession(q, {
      id: hashToken(token),
      user_id: userId,
      created_at: iso(now),
      last_seen_at: iso(now),
      expires_at: iso(new Date(now.getTime() + session.absoluteSeconds * 1000)),
      ip,
      user_agent: userAgent?.slice(0, 300) ?? null,
    });
    return token;
  }

  /**
   * The user behind a cookie token, or null when absent, expired (idle or absolute) or disabled.
   * `touch: false` (the browser's background polls) reads without counting as activity, so an
   * open inbox that refreshes itself still idles out.
   */
  async resolve(token: string | undefined, ip: string | null = null, opts: { touch?: boolean } = {}): Promise<SessionUser | null> {
    if (!token || token.length > 100) return null;
    const id = hashToken(token);
    const found = await store.findSessionWithUser(this.db, id);
    if (!found) return null;
    const { session: s, user, roles } = found;
    const policy = await this.policy.current();
    const nowDate = this.clock.now();
    const now = nowDate.getTime();
    // The idle limit in force now applies, so a stricter policy takes effect on live sessions.
    const idleDeadline = new Date(s.last_seen_at).getTime() + policy.session.idleSeconds * 1000;
    const absoluteDeadline = Math.min(
      new Date(s.expires_at).getTime(),
      new Date(s.created_at).getTime() + policy.session.absoluteSeconds * 1000,
    );
    if (now >= absoluteDeadline || now >= idleDeadline || !user || user.disabled) {
      await this.db.transaction(async (trx) => {
        const n = await store.deleteSession(trx, id);
        if (n && user && this.audit) {
          const reason = user.disabled ? 'disabled' : now >= absoluteDeadline ? 'absolute_timeout' : 'idle_timeout';
          await this.audit.record(trx, {
            actor: store.actorOfRow(user),
            ip,
            action: 'auth.session_end',
            objectType: 'user',
            objectId: user.id,
            detail: { reason },
          });
        }
      });
      return null;
    }
    if (opts.touch !== false && now - new Date(s.last_seen_at).getTime() > TOUCH_EVERY_MS) {
      await store.touchSession(this.db, id, iso(nowDate));
    }
    return {
      id: user.id,
      username: user.username,
      displayName: user.display_name,
      orgUnitId: user.org_unit_id,
      roles,
      language: user.language,
      sessionId: id,
      mustChangePassword: mustChangePassword(user, policy, nowDate),
      mustEnrollTotp: !user.totp_secret && totpRequiredFor(roles, policy),
    };
  }

  async destroy(q: Q, sessionId: string): Promise<void> {
    await store.deleteSession(q, sessionId);
  }

  /** Ends a session by its cookie token (the one presented at a new login). */
  async destroyToken(q: Q, token: string | undefined): Promise<void> {
    if (token && token.length <= 100) await store.deleteSession(q, hashToken(token));
  }

  /** Ends every session of a user, or every one but the caller's. Returns how many ended. */
  endAllOf(q: Q, userId: number, exceptSessionId?: string): Promise<number> {
    return store.deleteSessionsOf(q, userId, exceptSessionId);
  }
}
