// The auditor's console (安全审计员): search the log, verify it, export it, sign checkpoints on
// demand and prune past the retention period. Every one of these acts is itself audited, in the
// same transaction as the read, so an export without its audit row cannot happen.
import type { Db } from '../db.ts';
import { parseJson } from '../db.ts';
import { errors } from '../errors.ts';
import type { Actor, AuditLog, PruneResult, VerifyFrom, VerifyResult } from './service.ts';
import * as store from './store.ts';
import { auditCsv } from './csv.ts';
import { namesOf, roleNamesZh, type EntryNames } from './names.ts';

/** One export at most this many rows: narrow the filter (e.g. by month) for more. */
export const EXPORT_MAX_ROWS = 100_000;

const NO_NAMES: EntryNames = { actor: null, orgUnit: null, object: null, detail: {} };

export const entryDto = (r: store.AuditRow, names: EntryNames = NO_NAMES) => ({
  seq: r.seq,
  at: r.at,
  actorId: r.actor_id,
  actor: r.actor,
  role: r.role,
  ip: r.ip,
  action: r.action,
  objectType: r.object_type,
  objectId: r.object_id,
  orgUnitId: r.org_unit_id,
  outcome: r.outcome,
  detail: parseJson<Record<string, unknown> | null>(r.detail, null),
  names,
});

const filterDetail = (f: store.AuditFilter) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined));

export class AuditConsole {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {}

  search(actor: Actor, ip: string | null, filter: store.AuditFilter, offset: number, limit: number) {
    return this.db.transaction(async (trx) => {
      // Pin the result to the head as it is now, so the caller can page through a fixed set.
      const maxSeq = filter.maxSeq ?? (await store.head(trx)).seq;
      const { rows, total } = await store.search(trx, { ...filter, maxSeq }, offset, limit);
      await this.audit.record(trx, { actor, ip, action: 'audit.search', objectType: 'audit_log', detail: { filter: filterDetail(filter), total } });
      const names = await namesOf(trx, rows);
      return { items: rows.map((r) => entryDto(r, names.get(r.seq))), total, maxSeq };
    });
  }

  /**
   * The matching rows as CSV, oldest first, with the chain's hashes so a copy can be checked offline;
   * the names as read now follow the stored columns.
   */
  exportCsv(actor: Actor, ip: string | null, filter: store.AuditFilter): Promise<{ csv: string; rows: number }> {
    return this.db.transaction(async (trx) => {
      const n = await store.countMatching(trx, filter);
      if (n > EXPORT_MAX_ROWS) {
        throw errors.rule('EXPORT_TOO_LARGE', `导出不能超过 ${EXPORT_MAX_ROWS} 行，请缩小时间范围 / At most ${EXPORT_MAX_ROWS} rows per export; narrow the filter`, {
          rows: n,
          max: EXPORT_MAX_ROWS,
        });
      }
      const rows = await store.allMatching(trx, filter);
      await this.audit.record(trx, { actor, ip, action: 'audit.export', objectType: 'audit_log', detail: { filter: filterDetail(filter), rows: rows.length, format: 'csv' } });
      return { csv: auditCsv(rows, await namesOf(trx, rows), await roleNamesZh(trx)), rows: rows.length };
    });
  }

  async verify(actor: Actor, ip: string | null, from: VerifyFrom): Promise<VerifyResult> {
    const result = await this.audit.verify(from);
    await this.audit.record(null, {
      actor,
      ip,
      action: 'audit.verify',
      objectType: 'audit_log',
      outcome: result.ok ? 'success' : 'failure',
      detail: {
        ok: result.ok,
        from,
        scope: result.scope,
        ...(result.scope === 'from_checkpoint' ? { checkedFrom: result.fromSeq } : {}),
        entries: result.entries,
        ...(result.ok ? {} : { firstBadSeq: result.firstBadSeq, reason: result.reason, breaks: result.breaks.length, ...(result.breaksMore ? { breaksMore: true } : {}) }),
      },
    });
    return result;
  }

  async checkpoint(actor: Actor, ip: string | null) {
    const cp = await this.audit.checkpoint('manual', { actor, ip });
    return cp!;
  }

  async listCheckpoints(offset: number, limit: number) {
    const { rows, total } = await store.pageCheckpoints(this.db, offset, limit);
    return { items: rows, total };
  }

  prune(actor: Actor, ip: string | null): Promise<PruneResult> {
    return this.audit.prune(actor, ip);
  }
}
