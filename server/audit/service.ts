// Writing and verifying the audit log. record() runs inside the caller's transaction, so a change
// and its audit row commit together; if the audit row cannot be written, the change is refused.
import type { Db, Q } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import * as store from './store.ts';
import { GENESIS, chainHash } from './chain.ts';

export interface Actor {
  id: number;
  username: string;
  roles: string[];
  orgUnitId?: number;
}

export interface AuditEntry {
  actor?: Actor | null;
  /** For failed logins: the name that was tried, when no actor is known. */
  actorName?: string;
  ip?: string | null;
  action: string;
  objectType?: string;
  objectId?: string | number;
  orgUnitId?: number | null;
  outcome?: 'success' | 'failure' | 'denied';
  detail?: Record<string, unknown>;
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  headSeq: number;
  firstBadSeq?: number;
  reason?: string;
}

export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Appends one row in the given transaction (or a fresh one). Throws if it cannot. */
  async record(q: Q | null, entry: AuditEntry): Promise<number> {
    if (!q) return this.db.transaction((trx) => this.record(trx, entry));
    const head = await store.lockHead(q);
    const base = {
      seq: head.seq + 1,
      at: iso(this.clock.now()),
      actor_id: entry.actor?.id ?? null,
      actor: entry.actor?.username ?? entry.actorName?.slice(0, 64) ?? null,
      role: entry.actor ? entry.actor.roles.join(',').slice(0, 200) : null,
      ip: entry.ip ?? null,
      action: entry.action,
      object_type: entry.objectType ?? null,
      object_id: entry.objectId === undefined ? null : String(entry.objectId),
      org_unit_id: entry.orgUnitId ?? entry.actor?.orgUnitId ?? null,
      outcome: entry.outcome ?? 'success',
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    };
    const row = { ...base, prev_hash: head.hash, hash: chainHash(head.hash, base) };
    await store.append(q, row);
    return row.seq;
  }

  /** Walks the chain from the start (or from a trusted seq/hash) and names the first broken seq. */
  async verify(from: { seq: number; hash: string } = { seq: 0, hash: GENESIS }): Promise<VerifyResult> {
    let prevSeq = from.seq;
    let prevHash = from.hash;
    let entries = 0;
    const batch = 2000;
    for (;;) {
      const rows = await store.readRange(this.db, prevSeq, batch);
      for (const r of rows) {
        if (r.seq !== prevSeq + 1) {
          return { ok: false, entries, headSeq: prevSeq, firstBadSeq: prevSeq + 1, reason: 'gap' };
        }
        if (r.prev_hash !== prevHash || chainHash(prevHash, r) !== r.hash) {
          return { ok: false, entries, headSeq: prevSeq, firstBadSeq: r.seq, reason: 'hash' };
        }
        prevSeq = r.seq;
        prevHash = r.hash;
        entries++;
      }
      if (rows.length < batch) break;
    }
    const head = await store.head(this.db);
    if (head.seq !== prevSeq || head.hash !== prevHash) {
      return { ok: false, entries, headSeq: prevSeq, firstBadSeq: prevSeq + 1, reason: 'truncated' };
    }
    return { ok: true, entries, headSeq: prevSeq };
  }
}
