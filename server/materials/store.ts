// SQL for the intake ledger (台账): intakes, their events and page scans, and collection notices.
import type { Q } from '../db.ts';
import { bool, forUpdate, likeEscape } from '../db.ts';
import { iso } from '../clock.ts';
import { endOfBeijingDay, startOfBeijingDay } from '../notify/beijing.ts';
import { idOf } from '../archives/store.ts';

export type IntakeStatus = 'received' | 'returned' | 'ledgered' | 'filed' | 'withdrawn' | 'refused';
export type NoticeStatus = 'open' | 'answered' | 'withdrawn';

export interface IntakeRow {
  id: number;
  intake_no: string;
  instance_id: string;
  cadre_id: number;
  archive_id: number;
  custodian_org_id: number;
  producer_org_id: number;
  handler_id: number;
  title: string;
  category_code: string;
  formed_date: string;
  pages: number;
  is_copy: boolean;
  copy_date: string | null;
  copy_sealed: boolean;
  approval_authority: string | null;
  approval_date: string | null;
  approval_doc_no: string | null;
  delivery_method: string;
  confidential_no: string | null;
  stated_name: string;
  stated_birth_date: string;
  stated_work_start_date: string | null;
  stated_party_join_date: string | null;
  registered_at: string;
  handover_due: string;
  late: boolean;
  status: IntakeStatus;
  round: number;
  notice_id: number | null;
  receiver_id: number | null;
  accepted_at: string | null;
  material_id: number | null;
  seq_no: string | null;
  filed_at: string | null;
  filed_by: number | null;
  updated_at: string;
}

export interface IntakeEventRow {
  id: number;
  intake_id: number;
  round: number;
  kind: 'registered' | 'returned' | 'resubmitted' | 'accepted' | 'filed' | 'withdrawn' | 'refused' | 'reviewAgain';
  actor_id: number | null;
  at: string;
  comment: string | null;
  detail: string | null;
}

export interface IntakeScanRow {
  id: number;
  intake_id: number;
  seq: number;
  file: string;
  format: string;
  sha256: string;
  dpi: number | null;
  colour_mode: string;
  width: number;
  height: number;
  bytes: number;
  created_by: number;
  created_at: string;
  withdrawn_at: string | null;
  withdrawn_by: number | null;
}

export interface NoticeRow {
  id: number;
  notice_no: string;
  instance_id: string;
  custodian_org_id: number;
  producer_org_id: number;
  cadre_id: number;
  title: string;
  category_code: string;
  formed_date: string;
  due_at: string;
  note: string | null;
  status: NoticeStatus;
  intake_id: number | null;
  created_by: number;
  created_at: string;
  closed_at: string | null;
  closed_reason: string | null;
}

const intakeFromDb = (r: any): IntakeRow => ({ ...r, is_copy: bool(r.is_copy), copy_sealed: bool(r.copy_sealed), late: bool(r.late) });

// -- intakes ------------------------------------------------------------------------------------

export async function insertIntake(q: Q, row: Omit<IntakeRow, 'id'>): Promise<number> {
  const [ret] = await q('material_intakes').insert(row).returning('id');
  return idOf(ret);
}

export async function findIntake(q: Q, id: number): Promise<IntakeRow | undefined> {
  const r = await q('material_intakes').where({ id }).first();
  return r ? intakeFromDb(r) : undefined;
}

/** The intake locked for the rest of the transaction (PostgreSQL; SQLite serialises writers). */
export async function lockIntake(q: Q, id: number): Promise<IntakeRow | undefined> {
  const r = await forUpdate(q, q('material_intakes').where({ id }).first());
  return r ? intakeFromDb(r) : undefined;
}

export async function intakeOfInstance(q: Q, instanceId: string): Promise<IntakeRow | undefined> {
  const r = await q('material_intakes').where({ instance_id: instanceId }).first();
  return r ? intakeFromDb(r) : undefined;
}

export async function updateIntake(q: Q, id: number, patch: Partial<IntakeRow>): Promise<void> {
  await q('material_intakes').where({ id }).update(patch);
}

export interface LedgerFilter {
  /** Offices whose intakes the reader sees by role (archive staff, leaders). */
  custodianOrgIds: number[];
  /** A producing unit whose own registrations the reader sees (producers). */
  producerOrgId: number | null;
  excludedCadreIds: number[];
  status?: IntakeStatus;
  late?: boolean;
  cadreId?: number;
  /** A part of the 登记号 (any case) or of the cadre's name. */
  q?: string;
  /** Registered from / to these days, Beijing time, both inclusive ('YYYY-MM-DD'). */
  from?: string;
  to?: string;
}

/**
 * Who reads which rows: the archive side (its offices, minus the cadres the reader must not see)
 * and the producing side (a unit's own hand-overs). Shared by the ledger and the notices list.
 */
export function scopeWhere(w: any, alias: string, f: Pick<LedgerFilter, 'custodianOrgIds' | 'producerOrgId' | 'excludedCadreIds'>): void {
  w.where((x: any) => {
    if (f.custodianOrgIds.length) {
      x.orWhere((c: any) => {
        c.whereIn(`${alias}.custodian_org_id`, f.custodianOrgIds);
        if (f.excludedCadreIds.length) c.whereNotIn(`${alias}.cadre_id`, f.excludedCadreIds);
      });
    }
    if (f.producerOrgId !== null) x.orWhere(`${alias}.producer_org_id`, f.producerOrgId);
    if (!f.custodianOrgIds.length && f.producerOrgId === null) x.whereRaw('1 = 0');
  });
}

function ledgerWhere(q: Q, f: LedgerFilter) {
  const qb = q('material_intakes as i');
  scopeWhere(qb, 'i', f);
  if (f.status) qb.where('i.status', f.status);
  if (f.late !== undefined) qb.where('i.late', f.late);
  if (f.cadreId) qb.where('i.cadre_id', f.cadreId);
  if (f.from) qb.where('i.registered_at', '>=', iso(startOfBeijingDay(f.from)));
  if (f.to) qb.where('i.registered_at', '<=', iso(endOfBeijingDay(f.to)));
  if (f.q) {
    const like = `%${likeEscape(f.q.toLowerCase())}%`;
    // The rows are the reader's already: a name only narrows what the ledger would list anyway.
    qb.where((w) =>
      w.whereRaw(`lower(i.intake_no) LIKE ? ESCAPE '\\'`, [like]).orWhereIn('i.cadre_id', q('cadres').whereRaw(`name LIKE ? ESCAPE '\\'`, [like]).select('id')),
    );
  }
  return qb;
}

export async function listIntakes(q: Q, f: LedgerFilter, page: { limit: number; offset: number }) {
  const [{ n }] = await ledgerWhere(q, f).count({ n: '*' });
  const rows = await ledgerWhere(q, f)
    .join('cadres as c', 'c.id', 'i.cadre_id')
    .join('org_units as p', 'p.id', 'i.producer_org_id')
    .orderBy([{ column: 'i.registered_at', order: 'desc' }, { column: 'i.id', order: 'desc' }])
    .limit(page.limit)
    .offset(page.offset)
    .select('i.*', 'c.name as cadre_name', 'p.name as producer_org_name');
  return { total: Number(n), rows: rows.map((r: any) => ({ ...intakeFromDb(r), cadre_name: r.cadre_name as string, producer_org_name: r.producer_org_name as string })) };
}

export async function insertEvent(q: Q, row: Omit<IntakeEventRow, 'id'>): Promise<void> {
  await q('material_intake_events').insert(row);
}

export async function eventsOf(q: Q, intakeId: number): Promise<IntakeEventRow[]> {
  return q('material_intake_events').where({ intake_id: intakeId }).orderBy('id');
}

// -- scans ------------------------------------------------------------------------------------

export async function insertScan(q: Q, row: Omit<IntakeScanRow, 'id'>): Promise<IntakeScanRow> {
  const [ret] = await q('material_intake_scans').insert(row).returning('id');
  return { id: idOf(ret), ...row };
}

export async function scansOf(q: Q, intakeId: number, opts: { activeOnly?: boolean } = {}): Promise<IntakeScanRow[]> {
  const qb = q('material_intake_scans').where({ intake_id: intakeId }).orderBy('seq');
  if (opts.activeOnly) qb.whereNull('withdrawn_at');
  return qb;
}

export async function findScan(q: Q, intakeId: number, seq: number): Promise<IntakeScanRow | undefined> {
  return q('material_intake_scans').where({ intake_id: intakeId, seq }).first();
}

export async function maxScanSeq(q: Q, intakeId: number): Promise<number> {
  const r = await q('material_intake_scans').where({ intake_id: intakeId }).max({ n: 'seq' }).first();
  return Number(r?.n ?? 0);
}

export async function withdrawScan(q: Q, id: number, at: string, by: number): Promise<void> {
  await q('material_intake_scans').where({ id }).whereNull('withdrawn_at').update({ withdrawn_at: at, withdrawn_by: by });
}

// -- collection notices ------------------------------------------------------------------------

export async function insertNotice(q: Q, row: Omit<NoticeRow, 'id'>): Promise<number> {
  const [ret] = await q('collection_notices').insert(row).returning('id');
  return idOf(ret);
}

export async function findNotice(q: Q, id: number): Promise<NoticeRow | undefined> {
  return q('collection_notices').where({ id }).first();
}

export async function lockNotice(q: Q, id: number): Promise<NoticeRow | undefined> {
  return forUpdate(q, q('collection_notices').where({ id }).first());
}

export async function noticeOfInstance(q: Q, instanceId: string): Promise<NoticeRow | undefined> {
  return q('collection_notices').where({ instance_id: instanceId }).first();
}

/**
 * The open notice a new intake answers. Named by the producer (its 催收 number): the unit's own
 * notice for this cadre and category. Not named: only a notice asking for this very material — the
 * same cadre, unit, category, formation date and title (spaces aside), the oldest first. Another
 * material of the same category answers nothing (a 催收 for the 年度考核登记表 is not closed by
 * 其他考核材料).
 */
export async function openNoticeFor(
  q: Q,
  m: { cadreId: number; producerOrgId: number; categoryCode: string; formedDate: string; title: string; noticeNo: string | null },
): Promise<NoticeRow | undefined> {
  const base = () => q('collection_notices').where({ cadre_id: m.cadreId, producer_org_id: m.producerOrgId, category_code: m.categoryCode, status: 'open' });
  if (m.noticeNo) return forUpdate(q, base().where({ notice_no: m.noticeNo }).first());
  const key = titleKey(m.title);
  const rows: NoticeRow[] = await base().where({ formed_date: m.formedDate }).orderBy('id').select('*');
  const hit = rows.find((n) => titleKey(n.title) === key);
  // Still open once locked: a registration of the same material at the same moment may have answered
  // it meanwhile (PostgreSQL re-reads the row after the lock); then this one answers no notice.
  return hit ? forUpdate(q, q('collection_notices').where({ id: hit.id, status: 'open' }).first()) : undefined;
}

export async function updateNotice(q: Q, id: number, patch: Partial<NoticeRow>): Promise<void> {
  await q('collection_notices').where({ id }).update(patch);
}

export async function listNotices(q: Q, f: Pick<LedgerFilter, 'custodianOrgIds' | 'producerOrgId' | 'excludedCadreIds'> & { status?: NoticeStatus }, page: { limit: number; offset: number }) {
  const where = () => {
    const qb = q('collection_notices as n');
    scopeWhere(qb, 'n', f);
    if (f.status) qb.where('n.status', f.status);
    return qb;
  };
  const [{ n }] = await where().count({ n: '*' });
  const rows = await where()
    .join('cadres as c', 'c.id', 'n.cadre_id')
    .join('org_units as p', 'p.id', 'n.producer_org_id')
    .orderBy([{ column: 'n.created_at', order: 'desc' }, { column: 'n.id', order: 'desc' }])
    .limit(page.limit)
    .offset(page.offset)
    .select('n.*', 'c.name as cadre_name', 'p.name as producer_org_name');
  return { total: Number(n), rows: rows as Array<NoticeRow & { cadre_name: string; producer_org_name: string }> };
}

/** How a catalogue category reads: "三、考核鉴定材料" for one of the ten, "4-1 学历学位材料" for a sub-category. */
export async function categoryLabel(q: Q, code: string): Promise<string | null> {
  const c = await q('catalog_categories').where({ code }).first('numeral', 'name', 'parent_code');
  if (!c) return null;
  return c.parent_code ? `${code} ${c.name}` : `${c.numeral}、${c.name}`;
}

/** Display names of users and org units, for the records' readers. */
export async function namesOf(q: Q, table: 'users' | 'org_units', ids: Array<number | null | undefined>): Promise<Map<number, string>> {
  const wanted = [...new Set(ids.filter((x): x is number => typeof x === 'number'))];
  if (!wanted.length) return new Map();
  const rows = await q(table).whereIn('id', wanted).select('id', table === 'users' ? 'display_name as name' : 'name');
  return new Map(rows.map((r: any) => [Number(r.id), String(r.name)]));
}

// -- the same material handed over twice --------------------------------------------------------

/**
 * How a title compares for "the same material": Unicode-normalised (full-width letters and digits
 * as their ASCII forms, NFKC) with every space removed (ASCII, full-width U+3000, tabs), lower case.
 * Chinese titles carry no meaningful spaces; "2026年度 干部培训登记表" is "2026年度干部培训登记表".
 */
export const titleKey = (title: string) => title.normalize('NFKC').replace(/\s+/gu, '').toLowerCase();

export interface SameMaterial {
  /** An intake (open or filed) of the same material, or a catalogue row filed without one. */
  intakeNo: string | null;
  intakeStatus: IntakeStatus | null;
  /** The catalogue 序号 the material was filed under. */
  seqNo: string | null;
}

/**
 * What is already handed over or filed that matches this material: same cadre, same category, same
 * formation date, same title (titleKey). Intakes still received / returned / ledgered / filed count
 * (a withdrawn one does not); catalogue rows of the cadre's archive count unless a later revision
 * replaced them. `exceptIntakeId` leaves out the intake being looked at.
 */
export async function sameMaterials(
  q: Q,
  m: { cadreId: number; archiveId: number; categoryCode: string; formedDate: string; title: string; exceptIntakeId?: number; producerOrgId?: number },
): Promise<SameMaterial[]> {
  const key = titleKey(m.title);
  // A producing unit is told of its own hand-overs only: never of the catalogue (no probing what an archive holds).
  const unitOnly = m.producerOrgId !== undefined;
  const intakes = await q('material_intakes')
    .where({ cadre_id: m.cadreId, category_code: m.categoryCode, formed_date: m.formedDate })
    .whereNotIn('status', ['withdrawn', 'refused'])
    .modify((b: any) => {
      if (m.exceptIntakeId) b.whereNot('id', m.exceptIntakeId);
      if (unitOnly) b.where('producer_org_id', m.producerOrgId);
    })
    .orderBy('id')
    .select('id', 'intake_no', 'status', 'title', 'material_id', 'seq_no');
  const materials = unitOnly
    ? []
    : await q('materials as m')
        .where({ 'm.archive_id': m.archiveId, 'm.category_code': m.categoryCode, 'm.formed_date': m.formedDate })
        .whereNotExists(q('materials as s').whereRaw('s.supersedes_material_id = m.id').select('s.id'))
        .orderBy('m.id')
        .select('m.id', 'm.seq_no', 'm.title');
  const out: SameMaterial[] = [];
  const seen = new Set<number>();
  if (m.exceptIntakeId) {
    // The intake's own catalogue row, once filed, is not another copy of it.
    const own = await q('material_intakes').where({ id: m.exceptIntakeId }).first('material_id');
    if (own?.material_id) seen.add(Number(own.material_id));
  }
  for (const i of intakes) {
    if (titleKey(i.title) !== key) continue;
    if (i.material_id) seen.add(Number(i.material_id));
    out.push({ intakeNo: i.intake_no, intakeStatus: i.status, seqNo: unitOnly ? null : (i.seq_no ?? null) });
  }
  for (const r of materials) {
    if (seen.has(Number(r.id)) || titleKey(r.title) !== key) continue;
    out.push({ intakeNo: null, intakeStatus: null, seqNo: r.seq_no });
  }
  return out;
}

/** The matches as a sentence: "收材-2026-0001（已归档，序号 4-4-3）、序号 4-4-5". */
export function sameMaterialText(list: SameMaterial[], statusLabel: (s: IntakeStatus) => string): string {
  return list
    .map((s) => (s.intakeNo ? `${s.intakeNo}（${[s.intakeStatus ? statusLabel(s.intakeStatus) : '', s.seqNo ? `序号 ${s.seqNo}` : ''].filter(Boolean).join('，')}）` : `序号 ${s.seqNo}`))
    .join('、');
}
