// Server-side sessions. The cookie carries a random token; the table stores its sha256.
// Idle and absolute timeouts are checked on every request.
import { createHash, randomBytes } from 'node:crypto';
import type { Db, Q } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import type { Config } from '../config.ts';
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
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Only touch last_seen_at when it is this stale, so that reads do not all become writes. */
const TOUCH_EVERY_MS = 15_000;

export class Sessions {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly cfg: Config['session'],
  ) {}

  async create(q: Q, userId: number, ip: string | null, userAgent: string | null): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    await store.insertSession(q, {
      id: hashToken(token),
      user_id: userId,
      created_at: iso(now),
      last_seen_at: iso(now),
      expires_at: iso(new Date(now.getTime() + this.cfg.absoluteSeconds * 1000)),
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
  async resolve(token: string | undefined, opts: { touch?: boolean } = {}): Promise<SessionUser | null> {
    if (!token || token.length > 100) return null;
    const id = hashToken(token);
    const s = await store.findSession(this.db, id);
    if (!s) return null;
    const now = this.clock.now().getTime();
    const idleDeadline = new Date(s.last_seen_at).getTime() + this.cfg.idleSeconds * 1000;
    if (now >= new Date(s.expires_at).getTime() || now >= idleDeadline) {
      await store.deleteSession(this.db, id);
      return null;
    }
    const user = await store.findUser(this.db, s.user_id);
    if (!user || user.disabled) {
      await store.deleteSession(this.db, id);
      return null;
    }
    if (opts.touch !== false && now - new Date(s.last_seen_at).getTime() > TOUCH_EVERY_MS) {
      await store.touchSession(this.db, id, iso(new Date(now)));
    }
    return {
      id: user.id,
      username: user.username,
      displayName: user.display_name,
      orgUnitId: user.org_unit_id,
      roles: await store.rolesOf(this.db, user.id),
      language: user.language,
      sessionId: id,
    };
  }

  async destroy(q: Q, sessionId: string): Promise<void> {
    await store.deleteSession(q, sessionId);
  }
}
