// Set-based reads and multi-row writes of the import (历史数据迁移): one query per few hundred keys
// or rows, never one per row of the file.
import type { Q, Trx } from '../db.ts';
import { isPg } from '../db.ts';
import type { MaterialRow } from './catalog-store.ts';
import type { CadreRow } from './store.ts';
import type { ArchiveRow, StatusHistoryRow } from './archive-store.ts';
import { cadreTies } from '../access/store.ts';

/** Keys per IN (…) list: well under SQLite's and PostgreSQL's bound-parameter limits. */
const KEYS = 500;

async function inChunks<K, R>(keys: K[], fn: (part: K[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < keys.length; i += KEYS) out.push(...(await fn(keys.slice(i, i + KEYS))));
  return out;
}

export async function existingIdNumbers(q: Q, ids: string[]): Promise<string[]> {
  return inChunks(ids, (part) => q('cadres').whereIn('id_number', part).pluck('id_number'));
}

export interface ArchiveRef {
  id: number;
  archive_no: string;
  cadre_id: number;
  custodian_org_id: number;
  /** The cadre's: no catalogue row of the archive is formed before it. */
  birth_date: string;
}

export async function archivesByNo(q: Q, nos: string[]): Promise<ArchiveRef[]> {
  return inChunks(nos, (part) =>
    q('archives as a').join('cadres as c', 'c.id', 'a.cadre_id').whereIn('a.archive_no', part).select('a.id', 'a.archive_no', 'a.cadre_id', 'a.custodian_org_id', 'c.birth_date'),
  );
}

/**
 * The importer's ties, read once a file (two queries, whatever its size): the cadres they must not
 * touch (server/access cadreTies: the avoidance list, themself, relatives both ways) and the ID
 * numbers of their relatives in their own family record (a relative who is no cadre yet, whom a
 * cadre row of the file may be).
 */
export async function importerTies(q: Q, userId: number): Promise<{ cadreIds: number[]; relativeIdNumbers: string[] }> {
  const cadreIds = [...new Set((await cadreTies(q, userId)).map((t) => Number(t.cadre_id)))].sort((a, b) => a - b);
  const mine = q('users').where('id', userId).whereNotNull('cadre_id').select('cadre_id');
  const ids: string[] = await q('family_members').whereIn('cadre_id', mine).whereNotNull('id_number').pluck('id_number');
  return { cadreIds, relativeIdNumbers: [...new Set(ids.map((n) => n.trim().toUpperCase()))].sort() };
}

/** Locks the archives that receive catalogue rows (PostgreSQL; SQLite's writer lock covers it). */
export async function lockArchives(trx: Trx, ids: number[]): Promise<void> {
  if (!isPg(trx)) return;
  const sorted = [...ids].sort((a, b) => a - b);
  await inChunks(sorted, (part) => trx('archives').whereIn('id', part).orderBy('id').forUpdate().select('id'));
}

export type CatalogueKeyRow = Pick<MaterialRow, 'id' | 'archive_id' | 'category_code' | 'item_no' | 'seq_no' | 'title' | 'formed_date' | 'pages'>;

/** Every catalogue row (all revisions) of these archives, with what the duplicate check compares. */
export async function catalogueOf(q: Q, archiveIds: number[]): Promise<CatalogueKeyRow[]> {
  return inChunks(archiveIds, (part) => q('materials').whereIn('archive_id', part).select('id', 'archive_id', 'category_code', 'item_no', 'seq_no', 'title', 'formed_date', 'pages'));
}

/** Per archive: how many catalogue rows and the highest id (materials are append-only: a trigger refuses updates and deletes). */
export async function catalogueMarks(q: Q, archiveIds: number[]): Promise<Array<{ archive_id: number; n: number; m: number }>> {
  const rows = await inChunks(archiveIds, (part) => q('materials').whereIn('archive_id', part).groupBy('archive_id').select('archive_id').count({ n: '*' }).max({ m: 'id' }));
  return rows.map((r: any) => ({ archive_id: Number(r.archive_id), n: Number(r.n), m: Number(r.m) }));
}

export async function maxId(q: Q, table: 'cadres' | 'archives' | 'materials'): Promise<number> {
  const r = await q(table).max({ m: 'id' }).first();
  return Number(r?.m ?? 0);
}

/** Rows per multi-row INSERT: ~20 columns × 250 rows stays under every parameter limit. */
const ROWS = 250;

/** Inserts the cadres; answers their ids by ID number. */
export async function insertCadres(trx: Trx, rows: Array<Omit<CadreRow, 'id'>>, between: () => Promise<void>): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (let i = 0; i < rows.length; i += ROWS) {
    const part = rows.slice(i, i + ROWS);
    await trx('cadres').insert(part);
    for (const r of await trx('cadres').whereIn('id_number', part.map((c) => c.id_number)).select('id', 'id_number')) ids.set(r.id_number, Number(r.id));
    await between();
  }
  return ids;
}

/** Inserts the archives and their first status; answers their ids by archive number. */
export async function insertArchives(trx: Trx, rows: Array<Omit<ArchiveRow, 'id'>>, history: (archiveId: number, row: Omit<ArchiveRow, 'id'>) => Omit<StatusHistoryRow, 'id'>, between: () => Promise<void>): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (let i = 0; i < rows.length; i += ROWS) {
    const part = rows.slice(i, i + ROWS);
    await trx('archives').insert(part);
    const got = new Map<string, number>();
    for (const r of await trx('archives').whereIn('archive_no', part.map((a) => a.archive_no)).select('id', 'archive_no')) got.set(r.archive_no, Number(r.id));
    await trx('archive_status_history').insert(part.map((a) => history(got.get(a.archive_no)!, a)));
    for (const [k, v] of got) ids.set(k, v);
    await between();
  }
  return ids;
}

export async function insertMaterials(trx: Trx, rows: Array<Omit<MaterialRow, 'id'>>, between: () => Promise<void>): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS) {
    await trx('materials').insert(rows.slice(i, i + ROWS));
    await between();
  }
}

/** The catalogue rows of these archives with an id above `afterId` (those an import has just written), in id order. */
export async function materialsSince(q: Q, archiveIds: number[], afterId: number): Promise<Array<Pick<MaterialRow, 'id' | 'archive_id'>>> {
  const rows = await inChunks(archiveIds, (part) => q('materials').whereIn('archive_id', part).where('id', '>', afterId).select('id', 'archive_id'));
  return rows.map((r) => ({ id: Number(r.id), archive_id: Number(r.archive_id) })).sort((a, b) => a.id - b.id);
}
