// Facts of 扫描质检 other domains ask about, without the quality service: which current materials of
// an archive fail their newest recorded check, and which requested categories hold one. 电子查阅
// (server/requests/digitisation.ts) refuses such a category: its page images exist but are not the
// paper record (《条例》第二十三条: 真实、完整、可用, identical to the paper archive).
import type { Q } from '../db.ts';
import { bool } from '../db.ts';
import { categoryCovered } from '../access/rules.ts';

/** The current materials of an archive whose newest recorded scan check failed (the ones /quality lists). */
export async function materialsFailingScanCheck(q: Q, archiveId: number): Promise<Array<{ materialId: number; seqNo: string; categoryCode: string }>> {
  const rows = await q('scan_checks as s')
    .join('materials as m', 'm.id', 's.material_id')
    .where('s.archive_id', archiveId)
    .whereNotExists(q('scan_checks as s2').whereRaw('s2.material_id = s.material_id').whereRaw('s2.id > s.id').select('s2.id'))
    .whereNotExists(q('materials as x').whereRaw('x.supersedes_material_id = m.id').select('x.id'))
    .orderBy('m.id')
    .select('m.id', 'm.seq_no', 'm.category_code', 's.passed');
  return rows.filter((r: any) => !bool(r.passed)).map((r: any) => ({ materialId: r.id, seqNo: r.seq_no, categoryCode: r.category_code }));
}

/** Of the requested category codes ('4' covers 4-1 … 4-4), those holding a material that fails its scan check, in the order asked. */
export async function categoriesFailingScanCheck(q: Q, archiveId: number, codes: string[]): Promise<string[]> {
  const failing = await materialsFailingScanCheck(q, archiveId);
  return codes.filter((code) => failing.some((m) => categoryCovered([code], m.categoryCode)));
}
