// SQL behind the access rules: custodian offices by org, grants, avoidance entries, relatives.
import type { Q } from '../db.ts';
import { idOf } from '../archives/store.ts';
import { archiveNosOfCadres } from '../archives/archive-store.ts';

export interface GrantRow {
  id: number;
  grantee_user_id: number;
  archive_id: number;
  categories: string;
  valid_from: string;
  valid_until: string;
  revoked_at: string | null;
  /** `archive_transferred` when the archive left the office that granted it; null for the ordinary ends. */
  revoke_reason?: string | null;
  instance_id: string | null;
  created_by: number | null;
  created_at: string;
}

export interface AvoidanceRow {
  id: number;
  user_id: number;
  cadre_id: number;
  reason: string;
  created_by: number | null;
  created_at: string;
  removed_at: string | null;
  removed_by: number | null;
}

export async function orgOf(q: Q, orgId: number): Promise<{ id: number; path: string; is_custodian: unknown } | undefined> {
  return q('org_units').where({ id: orgId }).first('id', 'path', 'is_custodian');
}

/** Custodian offices in the org subtree at `path` (the office itself included). */
export async function custodiansUnder(q: Q, path: string): Promise<number[]> {
  const rows = await q('org_units').where('path', 'like', `${path}%`).andWhere('is_custodian', true).select('id');
  return rows.map((r: { id: number }) => r.id);
}

/** A grant with what decides whether its archive is still the granting office's to open (rules.ts grantStillHeld). */
export type OpenGrantRow = GrantRow & { cadre_id: number; archive_status: string; archive_custodian_org_id: number; grant_office_id: number | null };

/** Grants open at `now` for a user (optionally for one archive), with the office that granted each (its request's). */
export async function openGrants(q: Q, userId: number, now: string, archiveId?: number): Promise<OpenGrantRow[]> {
  const qb = q('archive_grants as g')
    .join('archives as a', 'a.id', 'g.archive_id')
    .leftJoin('utilization_requests as r', 'r.instance_id', 'g.instance_id')
    .where('g.grantee_user_id', userId)
    .whereNull('g.revoked_at')
    .where('g.valid_from', '<=', now)
    .where('g.valid_until', '>', now)
    .select('g.*', 'a.cadre_id', 'a.status as archive_status', 'a.custodian_org_id as archive_custodian_org_id', 'r.custodian_org_id as grant_office_id');
  if (archiveId !== undefined) qb.where('g.archive_id', archiveId);
  return qb;
}

export async function insertGrant(q: Q, row: Omit<GrantRow, 'id'>): Promise<number> {
  const [ret] = await q('archive_grants').insert(row).returning('id');
  return idOf(ret);
}

/**
 * Every cadre tied to a user, with the tie, in one query (it runs on every list the user opens):
 * the user's avoidance list; the cadre the user is; that cadre's relatives by a family_members row
 * in either direction, matched by related_cadre_id or by ID number (a relative entered before they
 * became a cadre). A cadre may come more than once with different ties.
 */
export async function cadreTies(q: Q, userId: number): Promise<Array<{ cadre_id: number; tie: 'avoided' | 'self' | 'relative' }>> {
  const mine = () => q('users').where('id', userId).whereNotNull('cadre_id').select('cadre_id');
  // A literal, not a bound parameter: PostgreSQL cannot type a parameter across UNION ALL.
  const tie = (name: 'avoided' | 'self' | 'relative') => q.raw(`'${name}' as tie`);
  const ties = [
    q('users').where('id', userId).whereNotNull('cadre_id').select('cadre_id', tie('self')),
    q('family_members as f').whereIn('f.cadre_id', mine()).whereNotNull('f.related_cadre_id').select('f.related_cadre_id as cadre_id', tie('relative')),
    q('family_members as f').join('cadres as r', 'r.id_number', 'f.id_number').whereIn('f.cadre_id', mine()).select('r.id as cadre_id', tie('relative')),
    q('family_members as f').whereIn('f.related_cadre_id', mine()).select('f.cadre_id', tie('relative')),
    q('family_members as f').join('cadres as me', 'me.id_number', 'f.id_number').whereIn('me.id', mine()).select('f.cadre_id', tie('relative')),
  ];
  return q('avoidance_entries').where({ user_id: userId }).whereNull('removed_at').select('cadre_id', tie('avoided')).unionAll(ties);
}

/** 副本 archives held by these offices (the cadre's derived custodian points at the 正本). */
export async function copyHoldings(q: Q, custodianOrgIds: number[]): Promise<number[]> {
  if (!custodianOrgIds.length) return [];
  const rows = await q('archives').whereIn('custodian_org_id', custodianOrgIds).andWhere('kind', 'copy').select('cadre_id');
  return rows.map((r: { cadre_id: number }) => r.cadre_id);
}

/** The entries in force with what the security administrator may see of each cadre: the ID number (to mask) and the 档案号 — never the name. */
export async function listAvoidance(q: Q, userId?: number): Promise<Array<AvoidanceRow & { cadre_id_number: string; archive_no: string | null; username: string }>> {
  const qb = q('avoidance_entries as e')
    .join('cadres as c', 'c.id', 'e.cadre_id')
    .join('users as u', 'u.id', 'e.user_id')
    .whereNull('e.removed_at')
    .orderBy('e.id')
    .select('e.*', 'c.id_number as cadre_id_number', 'u.username');
  if (userId !== undefined) qb.where('e.user_id', userId);
  const rows: Array<AvoidanceRow & { cadre_id_number: string; username: string }> = await qb;
  const nos = await archiveNosOfCadres(q, rows.map((r) => r.cadre_id));
  return rows.map((r) => ({ ...r, archive_no: nos.get(r.cadre_id) ?? null }));
}

/** A cadre's 档案号 as the 三员 see it (archive-store archiveNosOfCadres), null when none is registered. */
export async function archiveNoOfCadre(q: Q, cadreId: number): Promise<string | null> {
  return (await archiveNosOfCadres(q, [cadreId])).get(cadreId) ?? null;
}

export async function findAvoidance(q: Q, id: number): Promise<AvoidanceRow | undefined> {
  return q('avoidance_entries').where({ id }).first();
}

export async function activeAvoidance(q: Q, userId: number, cadreId: number): Promise<AvoidanceRow | undefined> {
  return q('avoidance_entries').where({ user_id: userId, cadre_id: cadreId }).whereNull('removed_at').first();
}

export async function insertAvoidance(q: Q, row: Omit<AvoidanceRow, 'id'>): Promise<number> {
  const [ret] = await q('avoidance_entries').insert(row).returning('id');
  return idOf(ret);
}

export async function removeAvoidance(q: Q, id: number, at: string, by: number): Promise<void> {
  await q('avoidance_entries').where({ id }).update({ removed_at: at, removed_by: by });
}

/**
 * Ends every open grant on these archives because they left the office that granted them
 * (`archive_transferred`); returns the grants ended, with their readers and cases (and the case
 * numbers, read in the same query: the readers are told by case number).
 */
export async function revokeGrantsOfArchives(
  q: Q,
  archiveIds: number[],
  at: string,
  reason: string,
): Promise<Array<{ id: number; grantee_user_id: number; instance_id: string | null; archive_id: number; case_no: string | null }>> {
  if (!archiveIds.length) return [];
  // Open now or approved for a later day; one whose window has already run out is its timer's to close.
  const open = await q('archive_grants as g')
    .leftJoin('utilization_requests as r', 'r.instance_id', 'g.instance_id')
    .whereIn('g.archive_id', archiveIds)
    .whereNull('g.revoked_at')
    .where('g.valid_until', '>', at)
    .orderBy('g.id')
    .select('g.id', 'g.grantee_user_id', 'g.instance_id', 'g.archive_id', 'r.case_no');
  if (open.length) await q('archive_grants').whereIn('id', open.map((g: { id: number }) => g.id)).update({ revoked_at: at, revoke_reason: reason });
  return open;
}
