// SQL of the 督办 room: deadlines, read through the caller's scope, with the light computed from the
// service clock's "now" (so a movable clock moves the lights, and filtering by light is an index range).
import { withoutCasesAbout } from '../workflow/cases-store.ts';
import type { Knex } from 'knex';
import type { Q } from '../db.ts';
import { forUpdate } from '../db.ts';

export const DEADLINE_KINDS = ['loan_due', 'receipt', 'handover', 'transfer', 'review', 'viewing_window', 'digitisation_return', 'review_campaign'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];
export type DeadlineStatus = 'open' | 'closed' | 'cancelled';
export type Light = 'green' | 'yellow' | 'red';

export interface DeadlineRow {
  id: string;
  kind: DeadlineKind;
  subject: string;
  /** A subject the system wrote: its code and values (JSON), rendered per reader (./subjects.ts); null for a text. */
  subject_code: string | null;
  subject_params: string | null;
  instance_id: string | null;
  ref: string;
  org_unit_id: number;
  custodian_org_id: number | null;
  opened_at: string;
  warn_at: string;
  due_at: string;
  status: DeadlineStatus;
  closed_at: string | null;
}

export interface DeadlineListRow extends DeadlineRow {
  org_name: string;
  custodian_name: string | null;
}

/**
 * Who sees what: the people of the deadline's org unit, and everyone who reads the holdings of the
 * archive office answerable for it (AccessRules.custodianOffices: the office's archivists and chief,
 * the leaders — auth_leader — of any unit above it, however many levels up: 分级负责).
 */
export interface Scope {
  orgUnitId: number;
  /** The archive offices whose deadlines the user sees besides their own unit's. */
  custodianOrgIds: number[];
  /** Cadres the user must avoid: the deadlines of cases about them are left out. */
  excludedCadres?: number[];
}

export interface Filter {
  kind?: DeadlineKind;
  light?: Light;
  status?: DeadlineStatus | 'all';
  orgUnitId?: number;
  instanceId?: string;
  dueBefore?: string;
}

export async function insertDeadline(q: Q, row: DeadlineRow): Promise<void> {
  await q('deadlines').insert(row);
}

export async function findDeadline(q: Q, id: string): Promise<DeadlineRow | undefined> {
  return q('deadlines').where({ id }).first();
}

/** A deadline's subject as stored: its text, and its code and values when the system wrote it. */
export async function subjectOf(q: Q, id: string): Promise<Pick<DeadlineRow, 'subject' | 'subject_code' | 'subject_params'> | undefined> {
  return q('deadlines').where({ id }).first('subject', 'subject_code', 'subject_params');
}

export async function lockOpen(q: Q, instanceId: string, kind: DeadlineKind, ref: string): Promise<DeadlineRow | undefined> {
  return forUpdate(q, q('deadlines').where({ instance_id: instanceId, kind, ref, status: 'open' }).first());
}

export async function updateDeadline(q: Q, id: string, patch: Partial<DeadlineRow>): Promise<void> {
  await q('deadlines').where({ id }).update(patch);
}

export async function closeWhere(
  q: Q,
  where: { id?: string; instance_id?: string; kind?: DeadlineKind; ref?: string },
  status: 'closed' | 'cancelled',
  at: string,
): Promise<number> {
  const w = Object.fromEntries(Object.entries(where).filter(([, v]) => v !== undefined));
  if (!Object.keys(w).length) return 0;
  return q('deadlines').where(w).andWhere({ status: 'open' }).update({ status, closed_at: at });
}

function scoped(qb: Knex.QueryBuilder, s: Scope): Knex.QueryBuilder {
  return withoutCasesAbout(qb, 'd.instance_id', s.excludedCadres).where((w) => {
    w.where('d.org_unit_id', s.orgUnitId);
    if (s.custodianOrgIds.length) w.orWhereIn('d.custodian_org_id', s.custodianOrgIds);
  });
}

function filtered(q: Q, s: Scope, f: Filter, now: string): Knex.QueryBuilder {
  let qb = scoped(q('deadlines as d'), s);
  const status = f.light ? 'open' : (f.status ?? 'open');
  if (status !== 'all') qb = qb.andWhere('d.status', status);
  if (f.kind) qb = qb.andWhere('d.kind', f.kind);
  if (f.orgUnitId) qb = qb.andWhere('d.org_unit_id', f.orgUnitId);
  if (f.instanceId) qb = qb.andWhere('d.instance_id', f.instanceId);
  if (f.dueBefore) qb = qb.andWhere('d.due_at', '<', f.dueBefore);
  if (f.light === 'red') qb = qb.andWhere('d.due_at', '<=', now);
  if (f.light === 'yellow') qb = qb.andWhere('d.warn_at', '<=', now).andWhere('d.due_at', '>', now);
  if (f.light === 'green') qb = qb.andWhere('d.warn_at', '>', now).andWhere('d.due_at', '>', now);
  return qb;
}

export async function listDeadlines(
  q: Q,
  s: Scope,
  f: Filter,
  now: string,
  page: { limit: number; offset: number },
): Promise<{ rows: DeadlineListRow[]; total: number }> {
  const [rows, count] = await Promise.all([
    filtered(q, s, f, now)
      .join('org_units as o', 'o.id', 'd.org_unit_id')
      .leftJoin('org_units as c', 'c.id', 'd.custodian_org_id')
      .select('d.*', 'o.name as org_name', 'c.name as custodian_name')
      .orderBy('d.due_at')
      .orderBy('d.id')
      .limit(page.limit)
      .offset(page.offset),
    filtered(q, s, f, now).count<{ n: number | string }[]>({ n: '*' }),
  ]);
  return { rows, total: Number(count[0].n) };
}

export async function findInScope(q: Q, s: Scope, id: string): Promise<DeadlineListRow | undefined> {
  return scoped(q('deadlines as d'), s)
    .andWhere('d.id', id)
    .join('org_units as o', 'o.id', 'd.org_unit_id')
    .leftJoin('org_units as c', 'c.id', 'd.custodian_org_id')
    .first('d.*', 'o.name as org_name', 'c.name as custodian_name');
}

/** Open deadlines in scope by kind and light: the 工作台 counters. */
export async function countLights(q: Q, s: Scope, now: string): Promise<Array<{ kind: DeadlineKind; green: number; yellow: number; red: number }>> {
  const rows = await scoped(q('deadlines as d'), s)
    .andWhere('d.status', 'open')
    .groupBy('d.kind')
    .select('d.kind')
    .select(
      q.raw('sum(case when d.due_at <= ? then 1 else 0 end) as red', [now]),
      q.raw('sum(case when d.due_at > ? and d.warn_at <= ? then 1 else 0 end) as yellow', [now, now]),
      q.raw('sum(case when d.warn_at > ? and d.due_at > ? then 1 else 0 end) as green', [now, now]),
    );
  return rows.map((r: any) => ({ kind: r.kind, green: Number(r.green), yellow: Number(r.yellow), red: Number(r.red) }));
}
