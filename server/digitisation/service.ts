// 数字化出库/回库 for people and processes: registers the engine services of digitisation-batch.bpmn
// (process.ts), keeps a batch's status in step when its case is withdrawn or terminated, and answers
// the office's register of batches over HTTP — scoped to the caller's archive offices, the cadres the
// caller must avoid left out, every read audited.
import type { Db, Q } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { EngineHooks, ServiceRegistry } from '../engine/types.ts';
import type { SessionUser } from '../people/sessions.ts';
import { namesOf } from '../materials/store.ts';
import { beijingDay } from '../notify/beijing.ts';
import { ARCHIVE_STATUSES, type ArchiveStatus } from '../archives/codes.ts';
import { BATCH_STATUSES, PURPOSES, type BatchStatus } from './codes.ts';
import { digitisationServices, type DigitisationDeps } from './process.ts';
import * as store from './store.ts';
import type { BatchRow } from './store.ts';

export const PROCESS_KEY = 'digitisation-batch';

export class DigitisationService {
  constructor(private readonly d: DigitisationDeps & { db: Db; clock: Clock }) {}

  register(registry: ServiceRegistry, hooks: EngineHooks): void {
    for (const [name, fn] of Object.entries(digitisationServices(this.d))) registry.register(name, fn);
    // 撤回 by the starter (before the chief decides) or termination by the process administrator:
    // a batch whose archives have not left is withdrawn. One whose archives are out cannot end that
    // way — the register would lose track of them; its 回库登记 brings them back (转办 if need be).
    hooks.on('instanceEnded', async (trx, ev) => {
      if (ev.status !== 'terminated' || ev.processKey !== PROCESS_KEY) return;
      const batch = await store.batchOfInstance(trx, ev.instanceId);
      if (!batch) return;
      if (batch.status === 'out') {
        throw errors.conflict('DIGITISATION_BATCH_OUT', `批次 ${batch.case_no} 的档案已出库，须先办理回库登记 / The archives of batch ${batch.case_no} are out: register their return first`);
      }
      if (batch.status === 'review' || batch.status === 'approved') {
        await store.updateBatch(trx, batch.id, { status: 'withdrawn', updated_at: iso(this.d.clock.now()) });
      }
    });
  }

  private summary(b: BatchRow & { office_name: string; started_by_name: string; item_count: number }) {
    return {
      id: b.id,
      caseNo: b.case_no,
      instanceId: b.instance_id,
      custodianOrgId: b.custodian_org_id,
      officeName: b.office_name,
      purpose: b.purpose,
      purposeLabel: PURPOSES[b.purpose]?.zh ?? b.purpose,
      expectedReturnDate: b.expected_return_date,
      status: b.status,
      statusLabel: BATCH_STATUSES[b.status]?.zh ?? b.status,
      overdue: b.status === 'out' && beijingDay(this.d.clock.now()) > b.expected_return_date,
      itemCount: b.item_count,
      startedBy: { id: b.started_by, name: b.started_by_name },
      createdAt: b.created_at,
      outAt: b.out_at,
      returnedAt: b.returned_at,
    };
  }

  async list(user: SessionUser, ip: string, f: { status?: BatchStatus; custodianOrgId?: number; overdue?: boolean; limit: number; offset: number }) {
    const offices = await this.d.access.custodianOffices(this.d.db, user);
    if (f.custodianOrgId !== undefined && !offices.includes(f.custodianOrgId)) throw errors.notFound('Archive office');
    const custodianOrgIds = f.custodianOrgId !== undefined ? [f.custodianOrgId] : offices;
    const overdueOn = f.overdue ? beijingDay(this.d.clock.now()) : undefined;
    const { total, rows } = await store.listBatches(this.d.db, { custodianOrgIds, status: f.status, overdueOn }, f);
    await this.d.audit.record(null, { actor: user, ip, action: 'digitisation_batch.list', objectType: 'digitisation_batch', detail: { status: f.status ?? null, office: f.custodianOrgId ?? null, overdue: !!f.overdue, total, returned: rows.length } });
    return { total, items: rows.map((r) => this.summary(r)) };
  }

  private async record(q: Q, user: SessionUser, b: BatchRow) {
    // One after another: q is the audit transaction (one connection; pg refuses overlapping queries).
    const items = await store.itemsWithArchives(q, b.id);
    const excluded = new Set(await this.d.access.excludedCadreIds(q, user.id));
    const returns = await store.returnsOf(q, b.id);
    const users = await namesOf(q, 'users', [b.started_by, b.chief_id, b.handed_over_by, b.returned_by, ...returns.map((r) => r.returned_by)]);
    const orgs = await namesOf(q, 'org_units', [b.custodian_org_id]);
    const who = (id: number | null) => (id ? { id, name: users.get(id) ?? '' } : null);
    const hidden = new Set(items.filter((i) => excluded.has(i.cadre_id)).map((i) => i.archive_no.toUpperCase()));
    const nos = (json: string): string[] => {
      try {
        const v = JSON.parse(json);
        // Archives of cadres the reader must avoid are left out here as in `items`.
        return Array.isArray(v) ? v.map(String).filter((n) => !hidden.has(n.toUpperCase())) : [];
      } catch {
        return [];
      }
    };
    // Archives still out: handed over, not left out, not yet back (a 部分回库 leaves some).
    const out = items.filter((i) => i.out_at && !i.back_at && !i.left_out_at).length;
    const went = items.filter((i) => i.out_at && !i.left_out_at).length;
    return {
      ...this.summary({ ...b, office_name: orgs.get(b.custodian_org_id) ?? '', started_by_name: users.get(b.started_by) ?? '', item_count: items.length }),
      note: b.note,
      decision: { by: who(b.chief_id), decision: b.chief_decision, comment: b.chief_comment, at: b.decided_at },
      handedOverBy: who(b.handed_over_by),
      returnedBy: who(b.returned_by),
      // 部分回库（back/went） while some archives are still out after an earlier 回库登记.
      partialReturn: b.status === 'out' && returns.length ? { back: went - out, of: went } : null,
      returns: returns.map((r) => ({
        by: who(r.returned_by)!,
        at: r.returned_at,
        archiveNos: nos(r.archive_nos),
        stillOutNos: nos(r.still_out_nos),
        note: r.note,
        expectedBefore: r.expected_before,
        expectedAfter: r.expected_after,
      })),
      items: items
        .filter((i) => !excluded.has(i.cadre_id))
        .map((i) => ({
          archiveId: i.archive_id,
          archiveNo: i.archive_no,
          cadreName: i.cadre_name,
          archiveStatus: i.archive_status as ArchiveStatus,
          archiveStatusLabel: ARCHIVE_STATUSES[i.archive_status as ArchiveStatus]?.zh ?? i.archive_status,
          statusBefore: i.status_before as ArchiveStatus | null,
          outAt: i.out_at,
          backAt: i.back_at,
          leftOutAt: i.left_out_at,
          leftOutReason: i.left_out_reason,
        })),
    };
  }

  /** One batch if one of the caller's offices holds it; else an audited denial and 404, as absent. */
  private async read(user: SessionUser, ip: string, find: (q: Q) => Promise<BatchRow | undefined>, ref: string | number) {
    const out = await this.d.db.transaction(async (trx) => {
      const b = await find(trx);
      const ok = !!b && (await this.d.access.custodianOffices(trx, user)).includes(b.custodian_org_id);
      await this.d.audit.record(trx, {
        actor: user,
        ip,
        action: 'digitisation_batch.view',
        objectType: 'digitisation_batch',
        objectId: b?.id ?? ref,
        outcome: ok ? 'success' : 'denied',
        detail: ok ? undefined : { reason: b ? 'out_of_scope' : 'absent' },
      });
      return ok ? this.record(trx, user, b!) : null;
    });
    if (!out) throw errors.notFound('Digitisation batch');
    return out;
  }

  get(user: SessionUser, ip: string, id: number) {
    return this.read(user, ip, (q) => store.findBatch(q, id), id);
  }

  ofCase(user: SessionUser, ip: string, instanceId: string) {
    return this.read(user, ip, (q) => store.batchOfInstance(q, instanceId), instanceId);
  }
}
