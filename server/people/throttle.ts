// Per-IP limit on failed authentication (password spraying from one address): failures are
// counted in fixed windows in the database, so the limit holds across servers. An address over
// the limit gets 429 for the rest of the window, before any password is checked. Successful logins
// do not count, so an office behind one NAT address is not locked out by its own busy morning.
import type { Db, Q } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import type { SecurityPolicy } from './policy.ts';
import * as store from './store.ts';

const bucketOf = (ip: string) => `login-fail:${ip}`.slice(0, 120);

export class LoginThrottle {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  private windowStart(policy: SecurityPolicy): string {
    const w = policy.rateLimit.ipWindowSeconds * 1000;
    return iso(new Date(Math.floor(this.clock.now().getTime() / w) * w));
  }

  async blocked(ip: string | null, policy: SecurityPolicy): Promise<boolean> {
    if (!ip) return false;
    return (await store.rateCount(this.db, bucketOf(ip), this.windowStart(policy))) >= policy.rateLimit.ipMaxFailures;
  }

  /** Counts one failure; returns the count in the current window (the caller audits reaching the limit). */
  async recordFailure(q: Q, ip: string | null, policy: SecurityPolicy): Promise<number> {
    if (!ip) return 0;
    return store.rateIncrement(q, bucketOf(ip), this.windowStart(policy));
  }

  /** Forgets windows older than a day (run by the periodic maintenance). */
  cleanup(): Promise<number> {
    return store.rateCleanup(this.db, iso(new Date(this.clock.now().getTime() - 86_400_000)));
  }
}
