// SQL for the catalogue: categories, materials (append-only: there is no update or delete
// function here, and the database refuses both), page images and the marks on them (标为不合格).
import type { Q } from '../db.ts';
import { bool } from '../db.ts';
import { idOf } from './store.ts';

export interface CategoryRow {
  code: string;
  numeral: string;
  name: string;
  parent_code: string | null;
  divided: boolean;
  sort_order: number;
  active: boolean;
  edition: string;
}

export interface MaterialRow {
  id: number;
  archive_id: number;
  category_code: string;
  item_no: number;
  revision: number;
  seq_no: string;
  title: string;
  title_code: string | null;
  formed_date: string;
  pages: number;
  is_copy: boolean;
  copy_date: string | null;
  remark: string | null;
  producer_org_id: number | null;
  instance_id: string | null;
  supersedes_material_id: number | null;
  supersede_reason: string | null;
  filed_by: number | null;
  filed_at: string;
}

export interface PageImageRow {
  id: number;
  material_id: number;
  page_no: number;
  file: string;
  format: string;
  sha256: string;
  dpi: number | null;
  colour_mode: string;
  width: number;
  height: number;
  bytes: number;
  created_by: number | null;
  created_at: string;
}

const categoryFromDb = (r: any): CategoryRow => ({ ...r, divided: bool(r.divided), active: bool(r.active) });
const materialFromDb = (r: any): MaterialRow => ({ ...r, is_copy: bool(r.is_copy) });

export async function listCategories(q: Q): Promise<CategoryRow[]> {
  return (await q('catalog_categories').orderBy('sort_order')).map(categoryFromDb);
}

export async function maxItemNo(q: Q, archiveId: number, categoryCode: string): Promise<number> {
  const r = await q('materials').where({ archive_id: archiveId, category_code: categoryCode }).max({ n: 'item_no' }).first();
  return Number(r?.n ?? 0);
}

export async function insertMaterial(q: Q, row: Omit<MaterialRow, 'id'>): Promise<MaterialRow> {
  const [ret] = await q('materials').insert(row).returning('id');
  return { id: idOf(ret), ...row };
}

/** Many rows at once (demo seed, import); item numbers are already assigned by the caller. */
export async function insertMaterials(q: Q, rows: Array<Omit<MaterialRow, 'id'>>): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await q('materials').insert(rows.slice(i, i + 200));
}

export async function findMaterial(q: Q, id: number): Promise<MaterialRow | undefined> {
  const r = await q('materials').where({ id }).first();
  return r ? materialFromDb(r) : undefined;
}

export async function isSuperseded(q: Q, id: number): Promise<boolean> {
  return !!(await q('materials').where({ supersedes_material_id: id }).first('id'));
}

export async function lastRevision(q: Q, archiveId: number, categoryCode: string, itemNo: number): Promise<number> {
  const r = await q('materials').where({ archive_id: archiveId, category_code: categoryCode, item_no: itemNo }).max({ n: 'revision' }).first();
  return Number(r?.n ?? 0);
}

/** Every row of a material's 序号 (the filed one and its corrections), oldest first, with who filed each. */
export async function revisionsOf(q: Q, m: Pick<MaterialRow, 'archive_id' | 'category_code' | 'item_no'>): Promise<Array<MaterialRow & { filed_by_name: string | null }>> {
  const rows = await q('materials as m')
    .leftJoin('users as u', 'u.id', 'm.filed_by')
    .where({ 'm.archive_id': m.archive_id, 'm.category_code': m.category_code, 'm.item_no': m.item_no })
    .orderBy('m.revision')
    .select('m.*', 'u.display_name as filed_by_name');
  return rows.map((r: any) => ({ ...materialFromDb(r), filed_by_name: r.filed_by_name ?? null }));
}

/** The current catalogue of an archive: rows nobody supersedes, optionally only some categories. */
export async function currentMaterials(q: Q, archiveId: number, categories?: string[]): Promise<MaterialRow[]> {
  const qb = q('materials as m')
    .where('m.archive_id', archiveId)
    .whereNotExists(q('materials as s').whereRaw('s.supersedes_material_id = m.id').select('s.id'))
    .orderBy([{ column: 'm.category_code' }, { column: 'm.item_no' }])
    .select('m.*');
  if (categories) qb.whereIn('m.category_code', categories);
  return (await qb).map(materialFromDb);
}

/**
 * The earliest-formed material in the current catalogues of a cadre's archives (正本 and 副本), with
 * the archive's number; undefined when none is formed before `before` (when given) or there is none.
 */
export async function earliestMaterialOfCadre(q: Q, cadreId: number, before?: string): Promise<(MaterialRow & { archive_no: string }) | undefined> {
  const qb = q('materials as m')
    .join('archives as a', 'a.id', 'm.archive_id')
    .where('a.cadre_id', cadreId)
    .whereNotExists(q('materials as s').whereRaw('s.supersedes_material_id = m.id').select('s.id'))
    .orderBy([{ column: 'm.formed_date' }, { column: 'm.id' }])
    .first('m.*', 'a.archive_no');
  if (before) qb.where('m.formed_date', '<', before);
  const r = await qb;
  return r ? { ...materialFromDb(r), archive_no: r.archive_no } : undefined;
}

export async function insertPageImage(q: Q, row: Omit<PageImageRow, 'id'>): Promise<PageImageRow> {
  const [ret] = await q('page_images').insert(row).returning('id');
  return { id: idOf(ret), ...row };
}

/** A rescanned page: the row keeps its id and page number and points at the new image. */
export async function replacePageImage(q: Q, id: number, row: Omit<PageImageRow, 'id' | 'material_id' | 'page_no'>): Promise<void> {
  await q('page_images').where({ id }).update(row);
}

/** 撤下多余页: the page stays as a row (and its file on disk), marked withdrawn; no page read below sees it. */
export async function withdrawPageImage(q: Q, id: number, at: string, by: number, reason: string): Promise<void> {
  await q('page_images').where({ id }).whereNull('withdrawn_at').update({ withdrawn_at: at, withdrawn_by: by, withdrawn_reason: reason });
}

/** The material's pages, not counting the ones withdrawn (撤下多余页). */
export async function pagesOf(q: Q, materialId: number): Promise<PageImageRow[]> {
  return q('page_images').where({ material_id: materialId }).whereNull('withdrawn_at').orderBy('page_no');
}

export async function findPage(q: Q, materialId: number, pageNo: number): Promise<PageImageRow | undefined> {
  return q('page_images').where({ material_id: materialId, page_no: pageNo }).whereNull('withdrawn_at').first();
}

export async function pageCounts(q: Q, materialIds: number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (let i = 0; i < materialIds.length; i += 500) {
    const rows = await q('page_images').whereIn('material_id', materialIds.slice(i, i + 500)).whereNull('withdrawn_at').groupBy('material_id').select('material_id').count({ n: '*' });
    for (const r of rows as any[]) out.set(Number(r.material_id), Number(r.n));
  }
  return out;
}

/** The pages of an archive's materials whose current image this user wrote at or after `since` (an upload or a rescan). */
export async function pagesWrittenBy(q: Q, archiveId: number, userId: number, since: string): Promise<Array<{ material_id: number; seq_no: string; page_no: number }>> {
  return q('page_images as p')
    .join('materials as m', 'm.id', 'p.material_id')
    .where('m.archive_id', archiveId)
    .where('p.created_by', userId)
    .where('p.created_at', '>=', since)
    .whereNull('p.withdrawn_at')
    .orderBy([{ column: 'm.category_code' }, { column: 'm.item_no' }, { column: 'm.revision' }, { column: 'p.page_no' }])
    .limit(20)
    .select('p.material_id', 'm.seq_no', 'p.page_no');
}

/** An archivist's mark that a page fails by eye (标为不合格); cleared when the page is rescanned. */
export interface PageMarkRow {
  id: number;
  material_id: number;
  page_no: number;
  reason: string;
  marked_by: number;
  marked_at: string;
  cleared_at: string | null;
  cleared_by: number | null;
}

export async function insertPageMark(q: Q, row: Omit<PageMarkRow, 'id' | 'cleared_at' | 'cleared_by'>): Promise<number> {
  const [ret] = await q('page_marks').insert(row).returning('id');
  return idOf(ret);
}

/**
 * The other cadres' archives whose current pages have the same image (sha256) as a current page of
 * this material: per page, the archive, its 档案号, office and cadre (DUPLICATE_ELSEWHERE). The same
 * cadre's 正本 and 副本 may share an image and are not counted. `pageNo` narrows it to one page.
 */
export async function archivesSharingPages(q: Q, materialId: number, pageNo?: number, sameOffice = false): Promise<Array<{ page_no: number; archive_id: number; archive_no: string; custodian_org_id: number; cadre_id: number }>> {
  const rows = await q('page_images as p')
    .join('materials as m', 'm.id', 'p.material_id')
    .join('archives as a', 'a.id', 'm.archive_id')
    .join('page_images as o', (j) => j.on('o.sha256', 'p.sha256').andOnNull('o.withdrawn_at'))
    .join('materials as om', 'om.id', 'o.material_id')
    .join('archives as oa', 'oa.id', 'om.archive_id')
    .where('p.material_id', materialId)
    .whereNull('p.withdrawn_at')
    .modify((qb) => {
      if (pageNo !== undefined) qb.where('p.page_no', pageNo);
    })
    .whereRaw('oa.id <> a.id')
    .whereRaw('oa.cadre_id <> a.cadre_id')
    .modify((qb) => {
      if (sameOffice) qb.whereRaw('oa.custodian_org_id = a.custodian_org_id');
    })
    .distinct('p.page_no', 'oa.id as archive_id', 'oa.archive_no', 'oa.custodian_org_id', 'oa.cadre_id')
    .orderBy([{ column: 'p.page_no' }, { column: 'oa.id' }]);
  return rows.map((r: any) => ({ page_no: Number(r.page_no), archive_id: Number(r.archive_id), archive_no: r.archive_no, custodian_org_id: Number(r.custodian_org_id), cadre_id: Number(r.cadre_id) }));
}

/**
 * The page numbers of a material whose image is also a page of another cadre's archive of the same
 * office. Not another office's: the check answers whoever uploaded, and a flag for an archive he may
 * not see would tell him whether a known image is on file there (an oracle).
 */
export async function pagesElsewhere(q: Q, materialId: number): Promise<number[]> {
  return (await archivesSharingPages(q, materialId, undefined, true)).map((r) => r.page_no);
}

/** The marks of a material that stand (not cleared by a rescan), by page, with who marked them. */
export async function standingMarks(q: Q, materialId: number): Promise<Array<PageMarkRow & { marked_by_name: string | null }>> {
  return q('page_marks as k')
    .leftJoin('users as u', 'u.id', 'k.marked_by')
    .where('k.material_id', materialId)
    .whereNull('k.cleared_at')
    .orderBy(['k.page_no', 'k.id'])
    .select('k.*', 'u.display_name as marked_by_name');
}

/** The pages with a standing 标为不合格 mark, per material (the reading room withholds them). */
export async function markedPages(q: Q, materialIds: number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  if (!materialIds.length) return out;
  const rows: Array<{ material_id: number; page_no: number }> = await q('page_marks').whereIn('material_id', materialIds).whereNull('cleared_at').distinct('material_id', 'page_no').orderBy(['material_id', 'page_no']);
  for (const r of rows) out.set(r.material_id, [...(out.get(r.material_id) ?? []), r.page_no]);
  return out;
}

/** 重扫此页 clears the marks standing on that page. */
export async function clearPageMarks(q: Q, materialId: number, pageNo: number, at: string, by: number | null): Promise<number> {
  return q('page_marks').where({ material_id: materialId, page_no: pageNo }).whereNull('cleared_at').update({ cleared_at: at, cleared_by: by });
}
