// SQL for archives and their status history. Whenever an archive's custodian is set, the cadre's
// derived custodian_org_id (the holder of the 正本) is set in the same statement sequence.
import type { Q } from '../db.ts';
import { forUpdate } from '../db.ts';
import { idOf } from './store.ts';

export interface ArchiveRow {
  id: number;
  cadre_id: number;
  archive_no: string;
  kind: string;
  volumes: number;
  custodian_org_id: number;
  store_room: string | null;
  cabinet: string | null;
  shelf: string | null;
  status: string;
  digital_status: string;
  last_audit_score: number | null;
  created_at: string;
  updated_at: string;
}

export interface StatusHistoryRow {
  id: number;
  archive_id: number;
  from_status: string | null;
  to_status: string;
  reason: string;
  /** JSON SystemReason (status-reason.ts) of a move the system made; null for a reason a person typed. */
  system_reason?: string | null;
  instance_id: string | null;
  actor_id: number | null;
  at: string;
}

/** Keeps cadres.custodian_org_id equal to the holder of the cadre's 正本 (or its only archive). */
async function syncCadreCustodian(q: Q, cadreId: number): Promise<void> {
  const rows: ArchiveRow[] = await q('archives').where({ cadre_id: cadreId }).orderBy('id');
  const main = rows.find((r) => r.kind === 'original') ?? rows[0];
  await q('cadres').where({ id: cadreId }).update({ custodian_org_id: main ? main.custodian_org_id : null });
}

export async function insertArchive(q: Q, row: Omit<ArchiveRow, 'id'>): Promise<number> {
  const [ret] = await q('archives').insert(row).returning('id');
  await syncCadreCustodian(q, row.cadre_id);
  return idOf(ret);
}

export async function findArchive(q: Q, id: number): Promise<ArchiveRow | undefined> {
  return q('archives').where({ id }).first();
}

/** The archive row locked for the rest of the transaction (PostgreSQL; SQLite serialises writers). */
export async function lockArchive(q: Q, id: number): Promise<ArchiveRow | undefined> {
  return forUpdate(q, q('archives').where({ id }).first());
}

export async function findArchiveByNo(q: Q, archiveNo: string): Promise<ArchiveRow | undefined> {
  return q('archives').where({ archive_no: archiveNo }).first();
}

export async function existingArchiveNos(q: Q, nos: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < nos.length; i += 500) {
    for (const r of await q('archives').whereIn('archive_no', nos.slice(i, i + 500)).select('archive_no')) out.add(r.archive_no);
  }
  return out;
}

/** Those of these archives whose digital status is one of `statuses` (500 ids a query). */
export async function archivesInDigitalStatus(q: Q, ids: number[], statuses: readonly string[]): Promise<Set<number>> {
  const out = new Set<number>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const r of await q('archives').whereIn('id', ids.slice(i, i + 500)).whereIn('digital_status', statuses).select('id')) out.add(Number(r.id));
  }
  return out;
}

/**
 * The 档案号 each cadre goes by outside the archive office — to the security administrator (回避管理,
 * 关联干部: server/access) and to the auditor (server/audit/names.ts): its 正本's, else its first
 * registered 副本's (lowest id); no entry when none is registered. One rule for every reader: before,
 * the two picked a 副本 each their own way, and a cadre without a 正本 went by one number in 回避管理
 * and another in the audit log.
 */
export async function archiveNosOfCadres(q: Q, cadreIds: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const ids = [...new Set(cadreIds)];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await q('archives')
      .whereIn('cadre_id', ids.slice(i, i + 500))
      .orderByRaw("cadre_id, case when kind = 'original' then 0 else 1 end, id")
      .select('cadre_id', 'archive_no');
    for (const r of rows as Array<{ cadre_id: number; archive_no: string }>) if (!out.has(Number(r.cadre_id))) out.set(Number(r.cadre_id), r.archive_no);
  }
  return out;
}

export async function archivesOfCadre(q: Q, cadreId: number): Promise<ArchiveRow[]> {
  return q('archives').where({ cadre_id: cadreId }).orderBy('id');
}

export async function setStatus(q: Q, id: number, status: string, at: string): Promise<void> {
  await q('archives').where({ id }).update({ status, updated_at: at });
}

export async function setDigitalStatus(q: Q, id: number, digitalStatus: string, at: string): Promise<void> {
  await q('archives').where({ id }).update({ digital_status: digitalStatus, updated_at: at });
}

export interface DigitalHistoryRow {
  id: number;
  archive_id: number;
  from_status: string;
  to_status: string;
  note: string | null;
  actor_id: number | null;
  at: string;
  checked: number;
  /** JSON AutoBack (digital-note.ts) of a move back the scan check made; null for a person's move. */
  auto_back: string | null;
}

export async function insertDigitalHistory(q: Q, row: Omit<DigitalHistoryRow, 'id' | 'auto_back'> & { auto_back?: string | null }): Promise<void> {
  await q('archive_digital_history').insert(row);
}

/** The digital-status moves of an archive, oldest first, with the actor's display name. */
export async function digitalHistory(q: Q, archiveId: number): Promise<Array<DigitalHistoryRow & { actor_name: string | null }>> {
  return q('archive_digital_history as h')
    .leftJoin('users as u', 'u.id', 'h.actor_id')
    .where('h.archive_id', archiveId)
    .orderBy('h.id')
    .select('h.*', 'u.display_name as actor_name');
}

export async function setCustodian(q: Q, archive: ArchiveRow, custodianOrgId: number, at: string): Promise<void> {
  await q('archives').where({ id: archive.id }).update({ custodian_org_id: custodianOrgId, updated_at: at });
  await syncCadreCustodian(q, archive.cadre_id);
}

/** Shelf mark of an archive taken into stock: its number in the holding office and where it stands. */
export async function setShelfMark(q: Q, id: number, mark: { archive_no: string; store_room: string; cabinet: string; shelf: string }, at: string): Promise<void> {
  await q('archives').where({ id }).update({ ...mark, updated_at: at });
}

/** The place of an archive (库房/柜/格) without touching its number. */
export async function setLocation(q: Q, id: number, place: { store_room: string | null; cabinet: string | null; shelf: string | null }, at: string): Promise<void> {
  await q('archives').where({ id }).update({ ...place, updated_at: at });
}

export async function insertStatusHistory(q: Q, row: Omit<StatusHistoryRow, 'id'>): Promise<void> {
  await q('archive_status_history').insert(row);
}

/** The status changes of an archive, oldest first, with the actor's display name. */
export async function statusHistory(q: Q, archiveId: number): Promise<Array<StatusHistoryRow & { actor_name: string | null }>> {
  return q('archive_status_history as h').leftJoin('users as u', 'u.id', 'h.actor_id').where('h.archive_id', archiveId).orderBy('h.id').select('h.*', 'u.display_name as actor_name');
}

/** The highest number used in archive numbers of the form `<prefix>NNNNN` (0 when there is none). */
export async function maxArchiveSerial(q: Q, prefix: string): Promise<number> {
  return highestSerial(prefix, await q('archives').where('archive_no', 'like', `${prefix}%`).pluck('archive_no'));
}

/**
 * The highest NNNNN among `<prefix>NNNNN` numbers, at least `from`. LIKE is only the prefilter
 * (SQLite's ignores case, and `_` in a code matches any character): a number counts when it starts
 * with the prefix exactly.
 */
export function highestSerial(prefix: string, nos: Iterable<string>, from = 0): number {
  let max = from;
  for (const no of nos) {
    if (!no.startsWith(prefix)) continue;
    const n = Number(no.slice(prefix.length));
    if (Number.isInteger(n) && n > max) max = n;
  }
  return max;
}
