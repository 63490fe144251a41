// SQL of 数字化出库/回库: the batches of an office, their archives, and the archives a batch may take.
import type { Q } from '../db.ts';
import { forUpdate } from '../db.ts';
import { idOf } from '../archives/store.ts';
import type { ArchiveRow } from '../archives/archive-store.ts';
import { OPEN_STATUSES, type BatchStatus, type Purpose } from './codes.ts';

export interface BatchRow {
  id: number;
  case_no: string;
  instance_id: string;
  custodian_org_id: number;
  purpose: Purpose;
  expected_return_date: string;
  note: string | null;
  started_by: number;
  status: BatchStatus;
  chief_id: number | null;
  chief_decision: string | null;
  chief_comment: string | null;
  decided_at: string | null;
  handed_over_by: number | null;
  out_at: string | null;
  returned_by: number | null;
  returned_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ItemRow {
  id: number;
  batch_id: number;
  archive_id: number;
  archive_no: string;
  status_before: string | null;
  out_at: string | null;
  back_at: string | null;
  /** Left out of the batch at the 出库交接 (not on the shelf then): when and why; it never went out. */
  left_out_at: string | null;
  left_out_reason: string | null;
}

export async function insertBatch(q: Q, row: Omit<BatchRow, 'id'>, archives: Array<Pick<ArchiveRow, 'id' | 'archive_no'>>): Promise<number> {
  const [ret] = await q('digitisation_batches').insert(row).returning('id');
  const id = idOf(ret);
  for (let i = 0; i < archives.length; i += 100) {
    await q('digitisation_batch_items').insert(archives.slice(i, i + 100).map((a) => ({ batch_id: id, archive_id: a.id, archive_no: a.archive_no, status_before: null, out_at: null, back_at: null, left_out_at: null, left_out_reason: null })));
  }
  return id;
}

export async function findBatch(q: Q, id: number): Promise<BatchRow | undefined> {
  return q('digitisation_batches').where({ id }).first();
}

export async function batchOfInstance(q: Q, instanceId: string): Promise<BatchRow | undefined> {
  return q('digitisation_batches').where({ instance_id: instanceId }).first();
}

export async function lockBatch(q: Q, id: number): Promise<BatchRow | undefined> {
  return forUpdate(q, q('digitisation_batches').where({ id }).first());
}

export async function updateBatch(q: Q, id: number, patch: Partial<BatchRow>): Promise<void> {
  await q('digitisation_batches').where({ id }).update(patch);
}

export async function itemsOf(q: Q, batchId: number): Promise<ItemRow[]> {
  return q('digitisation_batch_items').where({ batch_id: batchId }).orderBy('id');
}

export async function updateItem(q: Q, id: number, patch: Partial<ItemRow>): Promise<void> {
  await q('digitisation_batch_items').where({ id }).update(patch);
}

/**
 * The office's archives with these numbers (given in upper case; matched regardless of case), locked
 * for the rest of the transaction (in id order: no deadlock).
 */
export async function lockArchivesByNo(q: Q, officeId: number, archiveNos: string[]): Promise<ArchiveRow[]> {
  const upper = archiveNos.map((n) => n.toUpperCase());
  if (!upper.length) return [];
  // A batch takes at most MAX_BATCH_ARCHIVES numbers: one IN list.
  const qb = q('archives').where({ custodian_org_id: officeId }).whereRaw(`upper(archive_no) in (${upper.map(() => '?').join(', ')})`, upper);
  return forUpdate(q, qb.orderBy('id'));
}

/** The archives with these ids, locked, in id order. */
export async function lockArchives(q: Q, ids: number[]): Promise<ArchiveRow[]> {
  if (!ids.length) return [];
  return forUpdate(q, q('archives').whereIn('id', ids).orderBy('id'));
}

/**
 * Of these archives, those a batch that has not ended still holds, with that batch's case number:
 * not one left out at the hand-over, nor one already registered back while others are still away.
 */
export async function inOpenBatches(q: Q, archiveIds: number[]): Promise<Array<{ archive_id: number; case_no: string }>> {
  if (!archiveIds.length) return [];
  return q('digitisation_batch_items as i')
    .join('digitisation_batches as b', 'b.id', 'i.batch_id')
    .whereIn('i.archive_id', archiveIds)
    .whereNull('i.left_out_at')
    .whereNull('i.back_at')
    .whereIn('b.status', OPEN_STATUSES as BatchStatus[])
    .select('i.archive_id', 'b.case_no');
}

export interface BatchFilter {
  custodianOrgIds: number[];
  status?: BatchStatus;
  /** Out past the expected return date: batches out whose date is before this Beijing day. */
  overdueOn?: string;
}

function where(q: Q, f: BatchFilter) {
  const qb = q('digitisation_batches as b');
  if (!f.custodianOrgIds.length) qb.whereRaw('1 = 0');
  else qb.whereIn('b.custodian_org_id', f.custodianOrgIds);
  if (f.status) qb.where('b.status', f.status);
  if (f.overdueOn) qb.where('b.status', 'out').where('b.expected_return_date', '<', f.overdueOn);
  return qb;
}

export type BatchListRow = BatchRow & { office_name: string; started_by_name: string; item_count: number };

export async function listBatches(q: Q, f: BatchFilter, page: { limit: number; offset: number }): Promise<{ total: number; rows: BatchListRow[] }> {
  const [{ n }] = await where(q, f).count({ n: '*' });
  const rows = await where(q, f)
    .join('org_units as o', 'o.id', 'b.custodian_org_id')
    .join('users as u', 'u.id', 'b.started_by')
    .orderBy([{ column: 'b.created_at', order: 'desc' }, { column: 'b.id', order: 'desc' }])
    .limit(page.limit)
    .offset(page.offset)
    .select('b.*', 'o.name as office_name', 'u.display_name as started_by_name', q('digitisation_batch_items as i').whereRaw('i.batch_id = b.id').count('*').as('item_count'));
  return { total: Number(n), rows: rows.map((r: any) => ({ ...r, item_count: Number(r.item_count) })) };
}

/** A batch's archives with their cadre and the archive's status now. */
export async function itemsWithArchives(q: Q, batchId: number) {
  return (await q('digitisation_batch_items as i')
    .join('archives as a', 'a.id', 'i.archive_id')
    .join('cadres as c', 'c.id', 'a.cadre_id')
    .where('i.batch_id', batchId)
    .orderBy('i.id')
    .select('i.*', 'a.cadre_id', 'c.name as cadre_name', 'a.status as archive_status')) as Array<ItemRow & { cadre_id: number; cadre_name: string; archive_status: string }>;
}

/** One 回库登记 of a batch (digitisation_batch_returns); archive lists as JSON arrays. */
export interface ReturnRow {
  id: number;
  batch_id: number;
  returned_by: number;
  returned_at: string;
  archive_nos: string;
  still_out_nos: string;
  note: string | null;
  expected_before: string;
  expected_after: string;
}

export async function insertReturn(q: Q, row: Omit<ReturnRow, 'id'>): Promise<void> {
  await q('digitisation_batch_returns').insert(row);
}

/** A batch's 回库登记 rounds, oldest first. */
export async function returnsOf(q: Q, batchId: number): Promise<ReturnRow[]> {
  return q('digitisation_batch_returns').where({ batch_id: batchId }).orderBy('id');
}
