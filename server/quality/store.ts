// SQL of the scan quality checks: writing a check, and reading the newest check of each material
// (the failing ones of the offices in scope, or those of one archive).
import type { Q } from '../db.ts';
import { bool, parseJson } from '../db.ts';
import type { ScanCheckTrigger, ScanFinding } from '../archives/scans.ts';
import { GONE } from '../archives/codes.ts';

export interface ScanCheckRow {
  id: number;
  material_id: number;
  archive_id: number;
  trigger: string;
  checked_at: string;
  checked_by: number | null;
  min_dpi: number;
  pages_declared: number;
  pages_scanned: number;
  passed: boolean;
  findings: string;
}

/** A failing material with its newest check, the catalogue row and the archive it belongs to. */
export interface FailingRow {
  checkId: number;
  materialId: number;
  seqNo: string;
  title: string;
  archiveId: number;
  archiveNo: string;
  custodianOrgId: number;
  cadreId: number;
  cadreName: string;
  trigger: ScanCheckTrigger;
  checkedAt: string;
  checkedByName: string | null;
  pagesDeclared: number;
  pagesScanned: number;
  /** The material's last page now (not withdrawn); null when it has none. */
  lastPage: number | null;
  minDpi: number;
  findings: ScanFinding[];
}

export async function insertCheck(q: Q, row: Omit<ScanCheckRow, 'id'>): Promise<void> {
  await q('scan_checks').insert(row);
}

/** Only the newest check of each material counts: a later passing check clears an older failure. */
const newest = (q: Q) => q('scan_checks as s2').whereRaw('s2.material_id = s.material_id').whereRaw('s2.id > s.id').select('s2.id');

export async function listFailing(
  q: Q,
  scope: { offices: number[]; excludedCadreIds: number[] },
  f: { archiveId?: number; custodianOrgId?: number },
  page: { limit: number; offset: number },
): Promise<{ rows: FailingRow[]; total: number }> {
  const filtered = () => {
    const qb = q('scan_checks as s')
      .join('materials as m', 'm.id', 's.material_id')
      .join('archives as a', 'a.id', 's.archive_id')
      .join('cadres as c', 'c.id', 'a.cadre_id')
      .where('s.passed', false)
      .whereNotExists(newest(q))
      // A superseded material is no longer in the catalogue: its successor is checked on its own.
      .whereNotExists(q('materials as x').whereRaw('x.supersedes_material_id = m.id').select('x.id'))
      .whereIn('a.custodian_org_id', scope.offices.length ? scope.offices : [-1])
      // An archive that has left the office (已转出, 已移交档案馆) is no longer its to check, nor its catalogue to list.
      .whereNotIn('a.status', GONE);
    if (scope.excludedCadreIds.length) qb.whereNotIn('a.cadre_id', scope.excludedCadreIds);
    if (f.archiveId) qb.where('s.archive_id', f.archiveId);
    if (f.custodianOrgId) qb.where('a.custodian_org_id', f.custodianOrgId);
    return qb;
  };
  const [{ n }] = await filtered().count({ n: '*' });
  const rows = await filtered()
    .leftJoin('users as u', 'u.id', 's.checked_by')
    .orderBy('s.checked_at', 'desc')
    .orderBy('s.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .select('s.*', 'm.seq_no', 'm.title', 'a.archive_no', 'a.custodian_org_id', 'a.cadre_id', 'c.name as cadre_name', 'u.display_name as checked_by_name')
    // The material's last page now (撤下多余页 offers it when there are more pages than the catalogue's).
    .select(q('page_images as pi').whereRaw('pi.material_id = m.id').whereNull('pi.withdrawn_at').max('pi.page_no').as('last_page'));
  return {
    total: Number(n),
    rows: rows.map((r: any) => ({
      checkId: r.id,
      materialId: r.material_id,
      seqNo: r.seq_no,
      title: r.title,
      archiveId: r.archive_id,
      archiveNo: r.archive_no,
      custodianOrgId: r.custodian_org_id,
      cadreId: r.cadre_id,
      cadreName: r.cadre_name,
      trigger: r.trigger,
      checkedAt: r.checked_at,
      checkedByName: r.checked_by_name ?? null,
      pagesDeclared: r.pages_declared,
      pagesScanned: r.pages_scanned,
      lastPage: r.last_page == null ? null : Number(r.last_page),
      minDpi: r.min_dpi,
      findings: parseJson<ScanFinding[]>(r.findings, []),
    })),
  };
}

export async function latestOf(q: Q, materialId: number): Promise<ScanCheckRow | undefined> {
  const r = await q('scan_checks').where({ material_id: materialId }).orderBy('id', 'desc').first();
  return r ? { ...r, passed: bool(r.passed) } : undefined;
}

/** The current materials of an archive with how many page images each has. */
export async function materialsWithScanCounts(q: Q, archiveId: number): Promise<Array<{ id: number; seq_no: string; title: string; pages: number; scanned: number }>> {
  const rows = await q('materials as m')
    .where('m.archive_id', archiveId)
    .whereNotExists(q('materials as x').whereRaw('x.supersedes_material_id = m.id').select('x.id'))
    .leftJoin('page_images as p', (j) => j.on('p.material_id', 'm.id').andOnNull('p.withdrawn_at'))
    // In catalogue order: by the category's place in the ten categories (一 … 十), then 序号.
    .join('catalog_categories as k', 'k.code', 'm.category_code')
    .groupBy('m.id', 'm.seq_no', 'm.title', 'm.pages', 'k.sort_order', 'm.item_no')
    .orderBy([{ column: 'k.sort_order' }, { column: 'm.item_no' }])
    .select('m.id', 'm.seq_no', 'm.title', 'm.pages')
    .count({ scanned: 'p.id' });
  return rows.map((r: any) => ({ id: r.id, seq_no: r.seq_no, title: r.title, pages: r.pages, scanned: Number(r.scanned) }));
}

/**
 * Each current material of an archive with its page-image count and its newest check (passed is
 * false when it was never checked): what 已数字化 requires, read under the caller's lock.
 */
export async function currentCheckState(q: Q, archiveId: number) {
  const materials = await materialsWithScanCounts(q, archiveId);
  const checks = new Map<number, { passed: unknown; findings: string }>();
  for (const c of await q('scan_checks as s').where('s.archive_id', archiveId).whereNotExists(newest(q)).select('s.material_id', 's.passed', 's.findings')) checks.set(c.material_id, c);
  return materials.map((m) => {
    const c = checks.get(m.id);
    return { ...m, passed: c ? bool(c.passed) : false, findings: c ? parseJson<ScanFinding[]>(c.findings, []) : [] };
  });
}
