// SQL reads 转递 makes of other rooms' tables: the archives an office holds of a cadre, the size of
// their current catalogue, the 名册 of an office, the approvals of a case, users' names.
import type { Q } from '../db.ts';
import { GONE } from '../archives/codes.ts';

export interface HeldArchive {
  id: number;
  kind: string;
  volumes: number;
  archive_no: string;
  status: string;
}

/** The archives of a cadre an office holds and has not yet sent away for good. */
export async function heldArchives(q: Q, officeId: number, cadreId: number): Promise<HeldArchive[]> {
  return q('archives')
    .where({ custodian_org_id: officeId, cadre_id: cadreId })
    .whereNotIn('status', GONE)
    .orderBy('id')
    .select('id', 'kind', 'volumes', 'archive_no', 'status');
}

/** Every archive of a cadre anywhere in Dangan that is still held (not transferred out of it). */
export async function archivesHeldAnywhere(q: Q, cadreId: number): Promise<Array<HeldArchive & { custodian_org_id: number }>> {
  return q('archives')
    .where({ cadre_id: cadreId })
    .whereNotIn('status', GONE)
    .select('id', 'kind', 'volumes', 'archive_no', 'status', 'custodian_org_id');
}

/** 材料份: the current catalogue rows (none superseded) of the archives. */
export async function materialCount(q: Q, archiveIds: number[]): Promise<number> {
  if (!archiveIds.length) return 0;
  const [{ n }] = await q('materials as m')
    .whereIn('m.archive_id', archiveIds)
    .whereNotExists(q('materials as s').whereRaw('s.supersedes_material_id = m.id').select('s.id'))
    .count({ n: '*' });
  return Number(n);
}

export interface RosterRow {
  archive_id: number;
  archive_no: string;
  kind: string;
  volumes: number;
  status: string;
  store_room: string | null;
  cabinet: string | null;
  shelf: string | null;
  cadre_id: number;
  cadre_name: string;
  unit_name: string;
  post: string | null;
  management_level: string;
}

/** 名册: the archives an office holds (transferred ones have left it), by archive number. */
export async function roster(q: Q, officeId: number, excludedCadreIds: number[], page: { limit: number; offset: number }) {
  const base = () =>
    q('archives as a')
      .join('cadres as c', 'c.id', 'a.cadre_id')
      .where('a.custodian_org_id', officeId)
      .whereNotIn('a.status', GONE)
      .whereNotIn('a.cadre_id', excludedCadreIds.length ? excludedCadreIds : [-1]);
  const [{ n }] = await base().count({ n: '*' });
  const rows: RosterRow[] = await base()
    .join('org_units as u', 'u.id', 'c.org_unit_id')
    .orderBy('a.archive_no')
    .limit(page.limit)
    .offset(page.offset)
    .select(
      'a.id as archive_id',
      'a.archive_no',
      'a.kind',
      'a.volumes',
      'a.status',
      'a.store_room',
      'a.cabinet',
      'a.shelf',
      'c.id as cadre_id',
      'c.name as cadre_name',
      'u.name as unit_name',
      'c.post',
      'c.management_level',
    );
  return { total: Number(n), rows };
}

/** The approvals of a transfer-out case (转出审批单): completed approval tasks, oldest first. */
export async function approvalsOf(q: Q, instanceId: string) {
  return q('tasks as t')
    .leftJoin('users as u', 'u.id', 't.completed_by')
    .where('t.instance_id', instanceId)
    .whereIn('t.element_id', ['chiefApproval', 'leaderApproval'])
    .where('t.status', 'completed')
    .orderBy('t.completed_at')
    .select('t.element_id', 't.name', 't.outcome', 't.comment', 't.completed_at', 'u.display_name as by_name') as Promise<
    Array<{ element_id: string; name: string; outcome: string | null; comment: string | null; completed_at: string; by_name: string | null }>
  >;
}

export async function userNames(q: Q, ids: Array<number | null>): Promise<Map<number, string>> {
  const unique = [...new Set(ids.filter((x): x is number => typeof x === 'number'))];
  if (!unique.length) return new Map();
  const rows = await q('users').whereIn('id', unique).select('id', 'display_name');
  return new Map(rows.map((r: { id: number; display_name: string }) => [r.id, r.display_name]));
}

/** An approved use of an archive not yet finished (utilization_requests of its office). */
export interface OpenUse {
  case_no: string;
  kind: string;
  mode: string | null;
  status: string;
  instance_id: string;
}

/**
 * The uses that need the paper archive and are approved but not finished: an on-site reading not
 * yet registered, a loan not yet lent or not yet back, copies not yet made (status `approved`,
 * `on_loan`, `overdue`). Electronic viewing (`authorized`) reads the scans and ends when the archive
 * is sent; copies already made (`copied`) wait only for the using unit's report.
 */
export async function openUses(q: Q, officeId: number, archiveIds: number[]): Promise<OpenUse[]> {
  if (!archiveIds.length) return [];
  return q('utilization_requests')
    .whereIn('archive_id', archiveIds)
    .where('custodian_org_id', officeId)
    .whereIn('status', ['approved', 'on_loan', 'overdue'])
    .orderBy('id')
    .select('case_no', 'kind', 'mode', 'status', 'instance_id');
}
