// SQL for correction cases (信息更正 / 审核认定) and their evidence tables.
import type { Q } from '../db.ts';
import { bool, forUpdate } from '../db.ts';
import { idOf } from '../archives/store.ts';

export type CorrectionStatus = 'open' | 'investigated' | 'proposed' | 'approved' | 'rejected' | 'withdrawn';

export interface CorrectionRow {
  id: number;
  case_no: string;
  instance_id: string;
  cadre_id: number;
  archive_id: number;
  custodian_org_id: number;
  item: string;
  field: string | null;
  old_value: string | null;
  proposed_value: string;
  new_value: string | null;
  recorded_values: string;
  trigger: string;
  reason: string;
  findings: string | null;
  basis: string | null;
  set_aside_reason: string | null;
  chief_id: number | null;
  chief_decision: string | null;
  chief_opinion: string | null;
  chief_at: string | null;
  authority_id: number | null;
  authority_decision: string | null;
  authority_opinion: string | null;
  authority_at: string | null;
  superior_reply_no: string | null;
  status: CorrectionStatus;
  rejected_stage: string | null;
  filed_material_id: number | null;
  filed_seq_no: string | null;
  history_id: number | null;
  effective_at: string | null;
  opened_by: number;
  opened_at: string;
  updated_at: string;
}

export interface EvidenceRowDb {
  id: number;
  correction_id: number;
  material_id: number;
  seq_no: string;
  title: string;
  formed_date: string;
  self_filled: boolean;
  default_basis: boolean;
  recorded_value: string | null;
  sort: number;
}

export async function insertCorrection(q: Q, row: Omit<CorrectionRow, 'id'>): Promise<number> {
  const [ret] = await q('corrections').insert(row).returning('id');
  return idOf(ret);
}

export async function findCorrection(q: Q, id: number): Promise<CorrectionRow | undefined> {
  return q('corrections').where({ id }).first();
}

export async function lockCorrection(q: Q, id: number): Promise<CorrectionRow | undefined> {
  return forUpdate(q, q('corrections').where({ id }).first());
}

export async function correctionOfInstance(q: Q, instanceId: string): Promise<CorrectionRow | undefined> {
  return q('corrections').where({ instance_id: instanceId }).first();
}

/** A case on the same cadre and item that has not ended yet. */
export async function openCaseOn(q: Q, cadreId: number, item: string): Promise<CorrectionRow | undefined> {
  return q('corrections').where({ cadre_id: cadreId, item }).whereIn('status', ['open', 'investigated', 'proposed']).first();
}

/** An open correction of another cadre that proposes this new ID number (two cases must not both reach it). */
export async function openCaseProposingIdNumber(q: Q, idNumber: string, exceptCadreId: number): Promise<CorrectionRow | undefined> {
  return q('corrections').where({ item: 'id_number', proposed_value: idNumber }).whereNot('cadre_id', exceptCadreId).whereIn('status', ['open', 'investigated', 'proposed']).first();
}

export async function updateCorrection(q: Q, id: number, patch: Partial<CorrectionRow>): Promise<void> {
  await q('corrections').where({ id }).update(patch);
}

export async function insertEvidence(q: Q, rows: Array<Omit<EvidenceRowDb, 'id'>>): Promise<void> {
  if (rows.length) await q('correction_evidence').insert(rows);
}

export async function evidenceOf(q: Q, correctionId: number): Promise<EvidenceRowDb[]> {
  return (await q('correction_evidence').where({ correction_id: correctionId }).orderBy('sort')).map((r: any) => ({ ...r, self_filled: bool(r.self_filled), default_basis: bool(r.default_basis) }));
}

export interface CaseFilter {
  custodianOrgIds: number[];
  excludedCadreIds: number[];
  status?: CorrectionStatus;
  cadreId?: number;
  item?: string;
}

function where(q: Q, f: CaseFilter) {
  const qb = q('corrections as r');
  if (!f.custodianOrgIds.length) qb.whereRaw('1 = 0');
  else qb.whereIn('r.custodian_org_id', f.custodianOrgIds);
  if (f.excludedCadreIds.length) qb.whereNotIn('r.cadre_id', f.excludedCadreIds);
  if (f.status) qb.where('r.status', f.status);
  if (f.cadreId) qb.where('r.cadre_id', f.cadreId);
  if (f.item) qb.where('r.item', f.item);
  return qb;
}

export async function listCorrections(q: Q, f: CaseFilter, page: { limit: number; offset: number }) {
  const [{ n }] = await where(q, f).count({ n: '*' });
  const rows = await where(q, f)
    .join('cadres as c', 'c.id', 'r.cadre_id')
    .orderBy([{ column: 'r.opened_at', order: 'desc' }, { column: 'r.id', order: 'desc' }])
    .limit(page.limit)
    .offset(page.offset)
    .select('r.*', 'c.name as cadre_name');
  return { total: Number(n), rows: rows as Array<CorrectionRow & { cadre_name: string }> };
}
