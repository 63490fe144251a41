// SQL of 库房核对: the checks of an office, their items (one per archive expected on the shelf,
// with the register's number and place when the check began) and what was found.
import type { Q } from '../db.ts';
import { bool, forUpdate, whereContains } from '../db.ts';
import { idOf } from '../archives/store.ts';
import { AWAY, ON_SHELF } from '../archives/codes.ts';
import type { ItemResult } from './codes.ts';

export interface StockCheckRow {
  id: number;
  custodian_org_id: number;
  title: string;
  status: 'open' | 'closed';
  started_by: number;
  started_at: string;
  away: number;
  closed_by: number | null;
  closed_at: string | null;
  close_note: string | null;
  locations_fixed: boolean;
}

export interface ItemRow {
  id: number;
  check_id: number;
  archive_id: number;
  archive_no: string;
  store_room: string | null;
  cabinet: string | null;
  shelf: string | null;
  result: ItemResult;
  found_store_room: string | null;
  found_cabinet: string | null;
  found_shelf: string | null;
  note: string | null;
  checked_by: number | null;
  checked_at: string | null;
  /** Not on the list when the check opened (away then, or held since): added when found on the shelf. */
  added: boolean;
  /** The register's status (AWAY) when the archive was marked found on the shelf regardless. */
  register_status: string | null;
}

const check = (r: any): StockCheckRow => ({ ...r, locations_fixed: bool(r.locations_fixed) });

export async function openCheckOf(q: Q, officeId: number): Promise<StockCheckRow | undefined> {
  const r = await q('stock_checks').where({ custodian_org_id: officeId, status: 'open' }).first();
  return r ? check(r) : undefined;
}

export async function lockCheck(q: Q, id: number): Promise<StockCheckRow | undefined> {
  const r = await forUpdate(q, q('stock_checks').where({ id }).first());
  return r ? check(r) : undefined;
}

/**
 * Opens a check of an office: one item per archive the register has on the shelf, with its number
 * and place now, and the count of those away. Returns the new check's id.
 */
export async function insertCheck(q: Q, row: { custodian_org_id: number; title: string; started_by: number; started_at: string }): Promise<number> {
  const [{ n: away }] = await q('archives').where({ custodian_org_id: row.custodian_org_id }).whereIn('status', AWAY).count({ n: '*' });
  const [ret] = await q('stock_checks').insert({ ...row, status: 'open', away: Number(away), locations_fixed: false }).returning('id');
  const id = idOf(ret);
  const shelved = await q('archives').where({ custodian_org_id: row.custodian_org_id }).whereIn('status', ON_SHELF).orderBy('id').select('id', 'archive_no', 'store_room', 'cabinet', 'shelf');
  for (let i = 0; i < shelved.length; i += 200) {
    await q('stock_check_items').insert(
      shelved.slice(i, i + 200).map((a: any) => ({ check_id: id, archive_id: a.id, archive_no: a.archive_no, store_room: a.store_room, cabinet: a.cabinet, shelf: a.shelf, result: 'unchecked' })),
    );
  }
  return id;
}

/** SQLite answers a boolean as 0/1. */
const item = (r: any) => (r ? { ...r, added: bool(r.added) } : undefined);

export type MarkableItem = ItemRow & { cadre_id: number; cadre_name: string; archive_status: string };

/** An item by the number on the spine, in any case of its letters (a scanner or a hand may type "zzb"); with the archive's status now. */
export async function itemByNo(q: Q, checkId: number, archiveNo: string): Promise<MarkableItem | undefined> {
  return item(
    await q('stock_check_items as i')
      .join('archives as a', 'a.id', 'i.archive_id')
      .join('cadres as c', 'c.id', 'a.cadre_id')
      .where('i.check_id', checkId)
      .whereRaw('upper(i.archive_no) = upper(?)', [archiveNo])
      .first('i.*', 'a.cadre_id', 'c.name as cadre_name', 'a.status as archive_status'),
  );
}

/** An archive the office holds, by the number on its spine in any case (one not on a check's list). */
export async function heldArchiveByNo(
  q: Q,
  officeId: number,
  archiveNo: string,
): Promise<{ id: number; archive_no: string; store_room: string | null; cabinet: string | null; shelf: string | null; status: string; cadre_id: number; cadre_name: string } | undefined> {
  return q('archives as a')
    .join('cadres as c', 'c.id', 'a.cadre_id')
    .where('a.custodian_org_id', officeId)
    .whereRaw('upper(a.archive_no) = upper(?)', [archiveNo])
    .first('a.id', 'a.archive_no', 'a.store_room', 'a.cabinet', 'a.shelf', 'a.status', 'a.cadre_id', 'c.name as cadre_name');
}

/** The loan an archive is out on now (its check-out time), if any. */
export async function openLoanOf(q: Q, archiveId: number): Promise<{ checked_out_at: string; due_at: string } | undefined> {
  return q('loans').where({ archive_id: archiveId }).whereIn('status', ['on_loan', 'overdue']).orderBy('id', 'desc').first('checked_out_at', 'due_at');
}

/** Adds an archive to an open check (found on the shelf though not on its list), with the register's number and place now. */
export async function insertItem(q: Q, row: Omit<ItemRow, 'id'>): Promise<number> {
  const [ret] = await q('stock_check_items').insert(row).returning('id');
  return idOf(ret);
}

export async function updateItem(q: Q, id: number, patch: Partial<ItemRow>): Promise<void> {
  await q('stock_check_items').where({ id }).update(patch);
}

/** How many items of each check have each result, in one query: check id → result → count. */
export async function resultCounts(q: Q, checkIds: number[]): Promise<Map<number, Record<string, number>>> {
  const out = new Map<number, Record<string, number>>(checkIds.map((id) => [id, {}]));
  if (!checkIds.length) return out;
  const rows = await q('stock_check_items').whereIn('check_id', checkIds).select('check_id', 'result').count({ n: '*' }).groupBy('check_id', 'result');
  for (const r of rows as any[]) out.get(r.check_id)![r.result] = Number(r.n);
  return out;
}

export type NamedCheckRow = StockCheckRow & { office_name: string; started_by_name: string | null; closed_by_name: string | null };

/** Checks with the office's and the people's names: of these offices (newest first), or the one of this id. */
export async function namedChecks(q: Q, where: { offices: number[] } | { id: number }): Promise<NamedCheckRow[]> {
  const qb = q('stock_checks as s')
    .join('org_units as o', 'o.id', 's.custodian_org_id')
    .leftJoin('users as u', 'u.id', 's.started_by')
    .leftJoin('users as c', 'c.id', 's.closed_by')
    .orderBy('s.id', 'desc')
    .select('s.*', 'o.name as office_name', 'u.display_name as started_by_name', 'c.display_name as closed_by_name');
  if ('id' in where) qb.where('s.id', where.id);
  else qb.whereIn('s.custodian_org_id', where.offices.length ? where.offices : [-1]);
  return (await qb).map((r: any) => check(r) as NamedCheckRow);
}

export async function listItems(
  q: Q,
  checkId: number,
  f: { result?: string; q?: string; excludedCadreIds: number[] },
  page: { offset: number; limit: number },
): Promise<{ total: number; rows: Array<ItemRow & { cadre_id: number; cadre_name: string; checked_by_name: string | null }> }> {
  const filtered = () => {
    const qb = q('stock_check_items as i').join('archives as a', 'a.id', 'i.archive_id').join('cadres as c', 'c.id', 'a.cadre_id').where('i.check_id', checkId);
    if (f.excludedCadreIds.length) qb.whereNotIn('a.cadre_id', f.excludedCadreIds);
    if (f.result) qb.where('i.result', f.result);
    if (f.q) whereContains(qb, ['i.archive_no', 'c.name'], f.q);
    return qb;
  };
  const [{ n }] = await filtered().count({ n: '*' });
  const rows = await filtered()
    .leftJoin('users as u', 'u.id', 'i.checked_by')
    .orderBy([{ column: 'i.store_room' }, { column: 'i.cabinet' }, { column: 'i.shelf' }, { column: 'i.archive_no' }])
    .offset(page.offset)
    .limit(page.limit)
    .select('i.*', 'a.cadre_id', 'c.name as cadre_name', 'u.display_name as checked_by_name');
  return { total: Number(n), rows: rows.map((r: any) => item(r)) };
}

/** Items found elsewhere, with their archive's status and holder now (it may have left since the check opened). */
export async function misplacedItems(q: Q, checkId: number): Promise<Array<ItemRow & { archive_status: string; custodian_org_id: number }>> {
  return q('stock_check_items as i')
    .join('archives as a', 'a.id', 'i.archive_id')
    .where({ 'i.check_id': checkId, 'i.result': 'misplaced' })
    .orderBy('i.id')
    .select('i.*', 'a.status as archive_status', 'a.custodian_org_id');
}

export async function closeCheck(q: Q, id: number, patch: { closed_by: number; closed_at: string; close_note: string | null; locations_fixed: boolean }): Promise<void> {
  await q('stock_checks').where({ id }).update({ ...patch, status: 'closed' });
}
