// The avoidance lists (档案人员规避), kept by the security administrator: which cadres a user must
// never see (former colleagues, parties to a case …). Lifting an entry keeps it for the record.
// The sec_admin sees only what managing the list needs, and never a cadre's name (a 三员 account
// reads no business data): a cadre shows by the ID number masked and the 档案号 of the 正本 — how
// the auditor sees a cadre (audit/names.ts). They name a cadre by ID number only — never by cadre id,
// which would let them list the cadres by counting — and the answer to an ID number typed names no
// one, so the form is no number → name lookup.
import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import type { SessionUser } from '../people/sessions.ts';
import * as people from '../people/store.ts';
import * as cadreStore from '../archives/store.ts';
import * as store from './store.ts';
import type { NotifyService } from '../notify/service.ts';
import { releaseTiedTasks } from '../workflow/held-tasks.ts';

/** 150302********123X: the region and the last four, enough to see a pattern, not to name a person. */
export const maskIdNumber = (n: string): string => `${n.slice(0, 6)}${'*'.repeat(Math.max(0, n.length - 10))}${n.slice(-4)}`;

export class AvoidanceService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    /** Tells the group of a task released by a new entry (workflow/held-tasks.ts). */
    private readonly notify: Pick<NotifyService, 'notify' | 'onTaskReleased'>,
  ) {}

  async list(userId?: number) {
    const rows = await store.listAvoidance(this.db, userId);
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      username: r.username,
      cadreId: r.cadre_id,
      cadreIdNumber: maskIdNumber(r.cadre_id_number),
      archiveNo: r.archive_no,
      reason: r.reason,
      createdAt: r.created_at,
    }));
  }

  /**
   * An ID number no archive holds is refused at its field: the administrator must know the entry
   * was not made (a mistyped number). That answer says only whether this system holds an archive
   * for a number the administrator already has — never a name — and each refusal is audited
   * (number masked), so trying numbers in bulk shows in the log.
   */
  async add(admin: SessionUser, ip: string, input: { userId: number; cadreIdNumber: string; reason: string }) {
    const outcome = await this.db.transaction(async (trx) => {
      const user = await people.findUser(trx, input.userId);
      if (!user) throw errors.validation([{ field: 'userId', message: '用户不存在 / no such user' }]);
      const cadre = await cadreStore.findCadreByIdNumber(trx, input.cadreIdNumber);
      if (!cadre) return { refused: user.id };
      if (await store.activeAvoidance(trx, user.id, cadre.id)) {
        throw errors.conflict('AVOIDANCE_EXISTS', '该用户已对该干部回避 / The user already avoids this cadre');
      }
      const id = await store.insertAvoidance(trx, {
        user_id: user.id,
        cadre_id: cadre.id,
        reason: input.reason,
        created_by: admin.id,
        created_at: iso(this.clock.now()),
        removed_at: null,
        removed_by: null,
      });
      // A task the user holds on a case about the cadre goes back to its group now (as for a role
      // change) — before this change's own audit row: the cases' locks come before the audit chain's
      // (held-tasks.ts lockCases).
      const holder = { id: user.id, displayName: user.display_name, orgUnitId: user.org_unit_id };
      await releaseTiedTasks(trx, { clock: this.clock, audit: this.audit, notify: this.notify }, { actor: admin, ip }, holder, 'avoidance');
      await this.audit.record(trx, { actor: admin, ip, action: 'avoidance.add', objectType: 'avoidance', objectId: id, detail: { userId: user.id, cadreId: cadre.id, reason: input.reason } });
      const archiveNo = await store.archiveNoOfCadre(trx, cadre.id);
      const entry = { id, userId: user.id, username: user.username, cadreId: cadre.id, cadreIdNumber: maskIdNumber(cadre.id_number), archiveNo, reason: input.reason, createdAt: iso(this.clock.now()) };
      return { entry };
    });
    if (outcome.entry) return outcome.entry;
    await this.audit.record(null, {
      actor: admin,
      ip,
      action: 'avoidance.add',
      outcome: 'denied',
      objectType: 'user',
      objectId: outcome.refused,
      detail: { userId: outcome.refused, reason: 'no_such_cadre', idNumber: maskIdNumber(input.cadreIdNumber) },
    });
    throw errors.validation([{ field: 'cadreIdNumber', message: '干部不存在 / no such cadre' }]);
  }

  async remove(admin: SessionUser, ip: string, id: number, reason: string) {
    await this.db.transaction(async (trx) => {
      const e = await store.findAvoidance(trx, id);
      if (!e || e.removed_at) throw errors.notFound('Avoidance entry');
      await store.removeAvoidance(trx, id, iso(this.clock.now()), admin.id);
      await this.audit.record(trx, { actor: admin, ip, action: 'avoidance.remove', objectType: 'avoidance', objectId: id, detail: { userId: e.user_id, cadreId: e.cadre_id, reason } });
    });
    return { ok: true as const };
  }
}
