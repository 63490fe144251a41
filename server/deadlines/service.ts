// 督办: one list of every deadline someone must meet — loan due dates, transfer receipts (1 month),
// material hand-over (1 month after formation), transfer (2 months) and inbound review (2 months)
// limits (calendar months, monthsAfter), the end of an electronic viewing window (DOMAIN.md §1.2–1.4,
// §6, §7). Processes open and close deadlines in their own transaction; the list shows each with a
// light under the service clock: green until warn_at, yellow until due_at, red from due_at on (until
// it is closed).
import type { AccessRules } from '../access/rules.ts';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.ts';
import type { Db, Trx } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { EngineHooks } from '../engine/types.ts';
import type { SessionUser } from '../people/sessions.ts';
import * as people from '../people/store.ts';
import { oneLine } from '../notify/templates.ts';
import { addCalendarMonths, beijingDay, endOfBeijingDay } from '../notify/beijing.ts';
import * as store from './store.ts';
import { DEADLINE_SUBJECTS, codedOf, paramsOf, type CodedSubject } from './subjects.ts';
import { readableCases } from '../workflow/scope.ts';
import type { DeadlineKind, DeadlineListRow, DeadlineRow, Filter, Light, Scope } from './store.ts';

export interface OpenDeadlineInput {
  kind: DeadlineKind;
  /**
   * A case reference for the list, never record content: a code and its values when the system
   * writes it (shown in the reader's language: ./subjects.ts), or a text (a process's name and case number).
   */
  subject: string | CodedSubject;
  instanceId?: string | null;
  /** Tells apart several deadlines of one kind in one case; default ''. */
  ref?: string;
  /** An instant, or a Beijing calendar day 'YYYY-MM-DD' (met until the end of that day). */
  dueAt: Date | string;
  /** Whose people see it. */
  orgUnitId: number;
  /** The archive office answerable for it: its staff and leaders see it too. */
  custodianOrgId?: number | null;
  /** When the light turns yellow; default: the last DEADLINE_YELLOW_PERCENT of the span from now. */
  warnAt?: Date | string;
}

export type CloseTarget = { id: string } | { instanceId: string; kind?: DeadlineKind; ref?: string };

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** An instant from a Date, an ISO instant, or a Beijing calendar day (its end). */
export function toInstant(value: Date | string, field = 'dueAt'): Date {
  const d = value instanceof Date ? value : DAY.test(value) ? endOfBeijingDay(value) : new Date(value);
  if (Number.isNaN(d.getTime())) throw errors.validation([{ field, message: '时间应写作 YYYY-MM-DD 或 ISO 时刻 / expected an ISO instant or YYYY-MM-DD' }]);
  return d;
}

/** `days` after a start: a calendar day counts in whole Beijing days (met until that day's end). */
export function addDays(start: Date | string, days: number): Date {
  if (typeof start === 'string' && DAY.test(start)) {
    const [y, m, d] = start.split('-').map(Number);
    const day = new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
    return endOfBeijingDay(day);
  }
  return new Date(toInstant(start, 'start').getTime() + days * DAY_MS);
}

/**
 * `months` calendar months after a start (a Beijing day, or an instant: its Beijing day), met until
 * the end of that Beijing day: notice 2026-04-30 + 2 → 2026-06-30 23:59:59.999 (民法典 第二百零二条,
 * addCalendarMonths), 2026-12-31 + 2 → 2027-02-28.
 */
export function monthsAfter(start: Date | string, months: number): Date {
  const day = typeof start === 'string' && DAY.test(start) ? start : beijingDay(toInstant(start, 'start'));
  return endOfBeijingDay(addCalendarMonths(day, months));
}

export function lightOf(row: Pick<DeadlineRow, 'warn_at' | 'due_at'>, now: Date): Light {
  const t = iso(now);
  if (row.due_at <= t) return 'red';
  return row.warn_at <= t ? 'yellow' : 'green';
}

export class DeadlineService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: Pick<Config, 'deadlines'>,
    private readonly access: AccessRules,
  ) {}

  /**
   * The caller's scope — their unit, and the archive offices whose holdings they read by the same
   * rule as reviews and reports (custodianOffices) — less the cases of cadres they must avoid (self,
   * relative, avoidance list).
   */
  private async scope(user: SessionUser): Promise<Scope> {
    return {
      orgUnitId: user.orgUnitId,
      custodianOrgIds: await this.access.custodianOffices(this.db, user),
      excludedCadres: await this.access.excludedCadreIds(this.db, user.id),
    };
  }

  /**
   * Opens a deadline in the caller's transaction. For a case, (instanceId, kind, ref) names one open
   * deadline: opening it again moves it (a renewal) instead of adding a second one.
   */
  async openDeadline(trx: Trx, input: OpenDeadlineInput): Promise<DeadlineRow> {
    const coded = typeof input.subject === 'string' ? null : { code: input.subject.code, params: paramsOf(input.subject.params) };
    // The Chinese text is kept too: what an older reader, or one without the code, shows.
    const subject = oneLine(coded ? DEADLINE_SUBJECTS[coded.code].zh(coded.params) : (input.subject as string), 200);
    const subjectCols = { subject_code: coded?.code ?? null, subject_params: coded ? JSON.stringify(coded.params) : null };
    if (!subject) throw errors.validation([{ field: 'subject', message: '必填 / required' }]);
    const ref = oneLine(input.ref ?? '', 100);
    const now = this.clock.now();
    const due = toInstant(input.dueAt);
    const warn = input.warnAt
      ? toInstant(input.warnAt, 'warnAt')
      : new Date(due.getTime() - Math.max(0, due.getTime() - now.getTime()) * (this.config.deadlines.yellowPercent / 100));
    if (warn.getTime() > due.getTime()) throw errors.validation([{ field: 'warnAt', message: '提醒时间不能晚于期限 / must not be after dueAt' }]);
    for (const [field, id] of [['orgUnitId', input.orgUnitId], ['custodianOrgId', input.custodianOrgId]] as const) {
      if (id !== null && id !== undefined && !(await people.findOrgUnit(trx, id))) {
        throw errors.validation([{ field, message: `org unit ${id} does not exist` }]);
      }
    }
    if (input.instanceId) {
      const cur = await store.lockOpen(trx, input.instanceId, input.kind, ref);
      if (cur) {
        const patch = { subject, ...subjectCols, due_at: iso(due), warn_at: iso(warn), org_unit_id: input.orgUnitId, custodian_org_id: input.custodianOrgId ?? null };
        await store.updateDeadline(trx, cur.id, patch);
        return { ...cur, ...patch };
      }
    }
    const row: DeadlineRow = {
      id: randomUUID(),
      kind: input.kind,
      subject,
      ...subjectCols,
      instance_id: input.instanceId ?? null,
      ref,
      org_unit_id: input.orgUnitId,
      custodian_org_id: input.custodianOrgId ?? null,
      opened_at: iso(now),
      warn_at: iso(warn),
      due_at: iso(due),
      status: 'open',
      closed_at: null,
    };
    await store.insertDeadline(trx, row);
    return row;
  }

  /** Closes open deadlines (met: 'closed'; no longer owed: 'cancelled'); returns how many. */
  async closeDeadline(trx: Trx, target: CloseTarget, status: 'closed' | 'cancelled' = 'closed'): Promise<number> {
    const at = iso(this.clock.now());
    if ('id' in target) return store.closeWhere(trx, { id: target.id }, status, at);
    return store.closeWhere(trx, { instance_id: target.instanceId, kind: target.kind, ref: target.ref }, status, at);
  }

  /** The open deadline of a kind in a case (ref ''), if any. */
  openOf(trx: Trx, instanceId: string, kind: DeadlineKind, ref = ''): Promise<DeadlineRow | undefined> {
    return store.lockOpen(trx, instanceId, kind, ref);
  }

  /** A case that ends owes nothing more: its open deadlines close (or are cancelled when it was terminated). */
  register(hooks: EngineHooks): void {
    hooks.on('instanceEnded', async (trx, ev) => {
      await this.closeDeadline(trx, { instanceId: ev.instanceId }, ev.status === 'terminated' ? 'cancelled' : 'closed');
    });
  }

  // -- reads ----------------------------------------------------------------------------------------

  /** `caseReadable`: whether the caller may open the row's case (its page links to it then). */
  private dto(r: DeadlineListRow, now: Date, caseReadable: boolean) {
    const open = r.status === 'open';
    return {
      id: r.id,
      kind: r.kind,
      subject: r.subject,
      // A subject the system wrote: the client renders it in the reader's language (deadlines.subjects.<code>).
      subjectCode: codedOf(r)?.code ?? null,
      subjectParams: codedOf(r)?.params ?? null,
      instanceId: r.instance_id,
      caseReadable,
      // A campaign's deadline has no case: its ref is the campaign's id (server/reviews/campaigns.ts).
      campaignId: r.kind === 'review_campaign' && /^\d+$/.test(r.ref) ? Number(r.ref) : null,
      orgUnit: { id: r.org_unit_id, name: r.org_name },
      custodianOrg: r.custodian_org_id ? { id: r.custodian_org_id, name: r.custodian_name ?? '' } : null,
      openedAt: r.opened_at,
      warnAt: r.warn_at,
      dueAt: r.due_at,
      status: r.status,
      closedAt: r.closed_at,
      /** null once closed; `closedLate` then says whether it was met. */
      light: open ? lightOf(r, now) : null,
      closedLate: open ? null : !!r.closed_at && r.closed_at > r.due_at,
      /** Calendar days (Beijing) from today to the due day: 0 when due today, negative once the day is past. */
      daysLeft: open ? (Date.parse(beijingDay(new Date(r.due_at))) - Date.parse(beijingDay(now))) / DAY_MS : null,
      /** The due instant has passed (it may still be today). */
      overdue: open ? Date.parse(r.due_at) <= now.getTime() : null,
    };
  }

  async list(user: SessionUser, f: Filter, page: { limit: number; offset: number }) {
    const now = this.clock.now();
    const { rows, total } = await store.listDeadlines(this.db, await this.scope(user), f, iso(now), page);
    const readable = await readableCases(this.db, user, rows.flatMap((r) => (r.instance_id ? [r.instance_id] : [])));
    return { now: iso(now), total, items: rows.map((r) => this.dto(r, now, !!r.instance_id && readable.has(r.instance_id))) };
  }

  async get(user: SessionUser, id: string) {
    const row = await store.findInScope(this.db, await this.scope(user), id);
    if (!row) throw errors.notFound('Deadline');
    const readable = row.instance_id ? await readableCases(this.db, user, [row.instance_id]) : new Set<string>();
    return this.dto(row, this.clock.now(), !!row.instance_id && readable.has(row.instance_id));
  }

  async counts(user: SessionUser) {
    const now = this.clock.now();
    const rows = await store.countLights(this.db, await this.scope(user), iso(now));
    const zero = () => ({ green: 0, yellow: 0, red: 0 });
    const byKind = Object.fromEntries(store.DEADLINE_KINDS.map((k) => [k, zero()])) as Record<DeadlineKind, ReturnType<typeof zero>>;
    const total = zero();
    for (const r of rows) {
      byKind[r.kind] = { green: r.green, yellow: r.yellow, red: r.red };
      total.green += r.green;
      total.yellow += r.yellow;
      total.red += r.red;
    }
    return { now: iso(now), open: total.green + total.yellow + total.red, ...total, byKind };
  }
}
