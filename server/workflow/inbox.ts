// The inbox (待办): my tasks, my groups' unclaimed tasks and what I completed, with filters, two
// sort orders, counts for the workbench (工作台) and the facets that fill the filter menus. Due
// states are decided here, by the service's clock, so every client shows the same lights.
import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import type { Config } from '../config.ts';
import type { SessionUser } from '../people/sessions.ts';
import type { AccessRules } from '../access/rules.ts';
import type { AuditLog } from '../audit/service.ts';
import { taskDto } from './dto.ts';
import { inboxKey, readableCases } from './scope.ts';
import { cadreTies } from '../access/store.ts';
import * as store from './store.ts';
import { starterPairs } from './bars.ts';
import { countOpenApplications } from './cases-store.ts';
import type { DueState, InboxRow } from './store.ts';

export type InboxFilterName = 'open' | 'mine' | 'candidate' | 'completed';

export interface InboxQuery {
  filter: InboxFilterName;
  processKey?: string;
  due?: DueState;
  unitId?: number;
  q?: string;
  sort: 'due' | 'age';
  offset: number;
  limit: number;
}

export class InboxService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly cfg: Config['inbox'],
    private readonly access: AccessRules,
    private readonly audit: AuditLog,
  ) {}

  /**
   * The user's access keys, less the cases of cadres they must avoid (档案人员回避) and the group
   * steps they may not work for what they are in the case (办理回避, ./bars.ts). The latter needs two
   * roles at least — an applicant who is also a unit head, an archivist who is also the chief — and is
   * added only then, so the usual query keeps its plan; a user with one role whose roles changed
   * since the start is still refused by the task routes (WorkflowService.assertNotAvoiding).
   */
  private async keyOf(user: SessionUser): Promise<store.InboxKey> {
    const excluded = await this.access.excludedCadreIds(this.db, user.id);
    const barredBy = user.roles.length > 1 ? await starterPairs(this.db) : undefined;
    return { ...inboxKey(user), excludedCadres: excluded, barredBy };
  }

  /** Now and the end of the "due soon" window, as ISO text comparable with tasks.sort_due. */
  window(): { now: string; soonUntil: string } {
    const now = this.clock.now();
    return { now: iso(now), soonUntil: iso(new Date(now.getTime() + this.cfg.dueSoonHours * 3_600_000)) };
  }

  dueState(dueAt: string | null, w = this.window()): DueState {
    if (!dueAt) return 'none';
    if (dueAt < w.now) return 'overdue';
    if (dueAt < w.soonUntil) return 'soon';
    return 'later';
  }

  item(r: InboxRow, w = this.window()) {
    return {
      ...taskDto(r),
      processName: r.process_name ?? r.process_key,
      subject: r.subject ?? null,
      initiatorName: r.initiator_name ?? null,
      initiatorOrgName: r.initiator_org_name ?? null,
      assigneeName: r.assignee_name ?? null,
      claimedAt: r.claimed_at ?? null,
      dueState: r.status === 'open' ? this.dueState(r.due_at, w) : ('none' as DueState),
    };
  }

  async list(user: SessionUser, query: InboxQuery) {
    const w = this.window();
    const text = query.q?.trim().toLowerCase() || undefined;
    let unitPath: string | undefined;
    if (query.unitId !== undefined) unitPath = (await store.orgUnitPath(this.db, query.unitId)) ?? '/none/';
    // 已办 searched by text or unit: only the cases the user may still read can match.
    const stillRead = query.filter === 'completed' && (text || unitPath) ? await this.completedReadable(user) : undefined;
    const f = { processKey: query.processKey, due: query.due, unitPath, text, readable: stillRead, ...w };
    const { rows, total } =
      query.filter === 'completed'
        ? await store.completedBy(this.db, user.id, f, query.offset, query.limit)
        : await store.inbox(this.db, query.filter, await this.keyOf(user), f, query.sort, query.offset, query.limit);
    if (query.filter !== 'completed') return { items: rows.map((r) => this.item(r, w)), total, serverTime: w.now };
    // 已办 lists every step the user finished, but names the case (its subject names the cadre) only
    // while they may still read it: moved to another unit, they keep the step, not the case.
    const readable = await readableCases(this.db, user, rows.map((r) => r.instance_id));
    const items = rows.map((r) => this.item(r, w)).map((it, i) => (readable.has(rows[i].instance_id) ? it : { ...it, subject: null, initiatorName: null, initiatorOrgName: null }));
    return { items, total, serverTime: w.now };
  }

  /**
   * 督办 of the office's work: the archive chief's view of every open task of the office's roles,
   * with who holds it, so that a task held by someone away can be handed on (转办). Audited (the
   * count, never content).
   */
  async officeTasks(user: SessionUser, ip: string | null, query: { due?: DueState; offset: number; limit: number }) {
    const w = this.window();
    const excluded = await this.access.excludedCadreIds(this.db, user.id);
    const { rows, total } = await store.unitTasks(this.db, user.orgUnitId, excluded, { due: query.due, ...w }, query.offset, query.limit);
    await this.audit.record(null, { actor: user, ip, action: 'task.office_list', objectType: 'org_unit', objectId: user.orgUnitId, detail: { due: query.due ?? null, total, returned: rows.length } });
    return { items: rows.map((r) => this.item(r, w)), total, serverTime: w.now };
  }

  async summary(user: SessionUser) {
    const w = this.window();
    const [counts, applicationsOpen] = await Promise.all([
      store.inboxCounts(this.db, await this.keyOf(user), w.now, w.soonUntil),
      countOpenApplications(this.db, user.id),
    ]);
    return { ...counts, applicationsOpen, dueSoonHours: this.cfg.dueSoonHours, serverTime: w.now };
  }

  /**
   * 办理回避: the claims the user holds on cases about a cadre they must avoid. The tie releases them
   * when it is made (workflow/held-tasks.ts); one it did not (a claim from before that code, a tie
   * written by a restore) is left out of the inbox with the rest of the cadre's cases and its task
   * page is 404, so it is listed here to be given back (unclaim, which the holder may make whatever
   * the tie) — by the step and the process only: the holder must avoid the cadre, so nothing of the
   * case (number, subject, applicant, form). A step the process assigned to the person by name
   * cannot be given back (stranded: the process administrators are told), so it is not offered.
   */
  async avoidedHolds(user: SessionUser) {
    const tied = await this.access.excludedCadreIds(this.db, user.id);
    const rows = await store.heldOnCasesAbout(this.db, user.id, tied);
    return { items: rows.map((r) => ({ id: r.id, name: r.name, processName: r.process_name ?? r.process_key, claimedAt: r.claimed_at })) };
  }

  async facets(user: SessionUser, filter: InboxFilterName) {
    return store.inboxFacets(this.db, filter, await this.keyOf(user), filter === 'completed' ? await this.completedReadable(user) : undefined);
  }

  /** Which of the user's completed steps are on cases he may still read (store.CompletedReadable). */
  private async completedReadable(user: SessionUser): Promise<store.CompletedReadable> {
    const key = inboxKey(user);
    const tied = (await cadreTies(this.db, user.id)).map((t) => t.cadre_id);
    const doubt = await store.completedInDoubt(this.db, key, tied);
    return { key, tied, also: [...(await readableCases(this.db, user, doubt))] };
  }
}
