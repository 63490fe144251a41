// Where a request's archive stands for the use approved on it: held by the request's office and on
// its shelf (在库, 离退, 去世 — what the loan check-out needs), away for a while (借出, 数字化中), or
// leaving or gone from the office (转出中, 已转出, 已移交档案馆, or held by another office now). An
// on-site reading is registered and a loan lent only from the shelf; a use is approved only while
// the office still holds the archive. The task page shows the same fact (records.ts).
import type { Q } from '../db.ts';
import { errors } from '../errors.ts';
import { ARCHIVE_STATUSES, LEAVING_OR_GONE, ON_SHELF, type ArchiveStatus } from '../archives/codes.ts';
import type { RequestRow } from './store.ts';

export type ArchiveWhere = 'on_shelf' | 'away' | 'left';

export interface ArchivePlace {
  where: ArchiveWhere;
  /** The archive's status code (a status of the holding office when `where` is `left` by custody). */
  status: string;
  /** The archive now belongs to another office. */
  otherOffice: boolean;
  /**
   * On the shelf but listed in a 数字化 batch of this office not yet handed over (待审批/待出库):
   * lent now, the batch's 出库交接 has to leave it out. A warning, not a refusal (README).
   */
  batch: { caseNo: string; status: 'review' | 'approved' } | null;
}

export function archivePlace(archive: { status: string; custodian_org_id: number }, officeId: number, batch: ArchivePlace['batch'] = null): ArchivePlace {
  const otherOffice = archive.custodian_org_id !== officeId;
  const where: ArchiveWhere = otherOffice || LEAVING_OR_GONE.includes(archive.status) ? 'left' : ON_SHELF.includes(archive.status) ? 'on_shelf' : 'away';
  return { where, status: archive.status, otherOffice, batch: where === 'on_shelf' ? batch : null };
}

/** The open 数字化 batches of their offices that list these archives and have not taken them out yet. */
export async function pendingBatches(q: Q, archiveIds: number[]): Promise<Map<string, NonNullable<ArchivePlace['batch']>>> {
  const out = new Map<string, NonNullable<ArchivePlace['batch']>>();
  if (!archiveIds.length) return out;
  const rows = await q('digitisation_batch_items as i')
    .join('digitisation_batches as b', 'b.id', 'i.batch_id')
    .whereIn('i.archive_id', archiveIds)
    .whereIn('b.status', ['review', 'approved'])
    .whereNull('i.out_at')
    .orderBy('b.id')
    .select('i.archive_id', 'b.custodian_org_id', 'b.case_no', 'b.status');
  for (const r of rows as Array<{ archive_id: number; custodian_org_id: number; case_no: string; status: 'review' | 'approved' }>) {
    const key = `${r.archive_id}:${r.custodian_org_id}`;
    if (!out.has(key)) out.set(key, { caseNo: r.case_no, status: r.status });
  }
  return out;
}

export async function placeOfRequestArchive(q: Q, req: Pick<RequestRow, 'archive_id' | 'custodian_org_id'>): Promise<ArchivePlace> {
  const archive = await q('archives').where({ id: req.archive_id }).first('status', 'custodian_org_id');
  return archivePlace(archive, req.custodian_org_id);
}

const statusText = (p: ArchivePlace, lang: 'zh' | 'en') =>
  p.otherOffice ? (lang === 'zh' ? '已转由其他档案室保管' : 'now held by another office') : (ARCHIVE_STATUSES[p.status as ArchiveStatus]?.[lang] ?? p.status);

const USES = {
  onsite: { zh: '登记现场查阅', en: 'an on-site reading cannot be registered' },
  loan: { zh: '办理借出', en: 'it cannot be lent' },
};

/**
 * 现场查阅 registered, or a loan lent, only with the archive on this office's shelf (422
 * `archive_status`, as the archive domain names a move the status does not allow).
 */
export async function assertOnShelf(q: Q, req: Pick<RequestRow, 'archive_id' | 'custodian_org_id'>, use: keyof typeof USES): Promise<void> {
  const p = await placeOfRequestArchive(q, req);
  if (p.where === 'on_shelf') return;
  const what = USES[use];
  const zh =
    p.where === 'left'
      ? `档案已转出本档案室（${statusText(p, 'zh')}），不能${what.zh}`
      : `档案当前${statusText(p, 'zh')}，不在本档案室库中，不能${what.zh}；请待档案归还入库后再办理`;
  const en =
    p.where === 'left'
      ? `The archive has left this office (${statusText(p, 'en')}): ${what.en}`
      : `The archive is ${statusText(p, 'en').toLowerCase()}, not on this office's shelf: ${what.en} until it is back in stock`;
  throw errors.rule('archive_status', `${zh} / ${en}`, { status: p.status, where: p.where, otherOffice: p.otherOffice });
}

/**
 * A use is approved only while the office holds the archive: once it is being sent (转出中) or has
 * left, the approvers can only refuse (`archive-left-office`), so no approved case waits for an
 * archive that will not come back.
 */
export async function assertStillHeld(q: Q, req: Pick<RequestRow, 'archive_id' | 'custodian_org_id'>): Promise<void> {
  const p = await placeOfRequestArchive(q, req);
  if (p.where !== 'left') return;
  throw errors.rule(
    'archive-left-office',
    `档案已转出本档案室（${statusText(p, 'zh')}），不能批准利用，请不予同意 / The archive has left this office (${statusText(p, 'en')}): the use cannot be approved; refuse it`,
    { status: p.status, otherOffice: p.otherOffice },
  );
}
