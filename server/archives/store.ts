// SQL for cadres, family members, the field history and custody ranges. The archive rows are in
// archive-store.ts, the catalogue in catalog-store.ts.
import type { Q } from '../db.ts';

export interface CadreRow {
  id: number;
  name: string;
  gender: string;
  birth_date: string;
  ethnicity: string;
  native_place: string;
  political_status: string;
  party_join_date: string | null;
  work_start_date: string | null;
  id_number: string;
  education: string | null;
  degree: string | null;
  org_unit_id: number;
  post: string | null;
  management_level: string;
  custodian_org_id: number | null;
  /** The 信息更正 case number that settled (认定) the current birth date, which may then differ from the ID number's. */
  birth_date_ruling: string | null;
  name_pinyin: string;
  name_initials: string;
  /** The usual reading of every character, where the surname reading of the head differs (pinyin.ts). */
  name_pinyin_alt: string | null;
  created_at: string;
  updated_at: string;
}

export interface FamilyMemberRow {
  id: number;
  cadre_id: number;
  name: string;
  relation: string;
  birth_date: string | null;
  id_number: string | null;
  related_cadre_id: number | null;
  work_unit: string | null;
  created_at: string;
}

export interface FieldHistoryRow {
  id: number;
  cadre_id: number;
  field: string;
  version: number;
  old_value: string | null;
  new_value: string | null;
  basis_material_id: number | null;
  basis_instance_id: string | null;
  /** An official document (文号), e.g. the 任免/调动 notice of a position change. */
  basis_document?: string | null;
  actor_id: number | null;
  actor_name: string | null;
  at: string;
}

export interface CustodyRangeRow {
  id: number;
  custodian_org_id: number;
  root_org_id: number;
  management_levels: string;
  archive_kind: string;
  note: string | null;
  created_at: string;
}

const idOf = (ret: unknown): number => Number(typeof ret === 'object' && ret !== null ? (ret as { id: number }).id : ret);

export async function insertCadre(q: Q, row: Omit<CadreRow, 'id'>): Promise<number> {
  const [ret] = await q('cadres').insert(row).returning('id');
  return idOf(ret);
}

export async function findCadre(q: Q, id: number): Promise<CadreRow | undefined> {
  return q('cadres').where({ id }).first();
}

export async function findCadreByIdNumber(q: Q, idNumber: string): Promise<CadreRow | undefined> {
  return q('cadres').where({ id_number: idNumber }).first();
}

export async function existingIdNumbers(q: Q, idNumbers: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < idNumbers.length; i += 500) {
    const rows = await q('cadres').whereIn('id_number', idNumbers.slice(i, i + 500)).select('id_number');
    for (const r of rows) out.add(r.id_number);
  }
  return out;
}

export async function updateCadre(q: Q, id: number, patch: Partial<CadreRow>): Promise<void> {
  await q('cadres').where({ id }).update(patch);
}

export async function lastFieldVersion(q: Q, cadreId: number, field: string): Promise<number> {
  const r = await q('cadre_field_history').where({ cadre_id: cadreId, field }).max({ v: 'version' }).first();
  return Number(r?.v ?? 0);
}

export async function insertFieldHistory(q: Q, row: Omit<FieldHistoryRow, 'id'>): Promise<FieldHistoryRow> {
  const [ret] = await q('cadre_field_history').insert(row).returning('id');
  return { id: idOf(ret), ...row };
}

export async function fieldHistory(q: Q, cadreId: number): Promise<FieldHistoryRow[]> {
  return q('cadre_field_history').where({ cadre_id: cadreId }).orderBy('id');
}

export async function insertFamilyMember(q: Q, row: Omit<FamilyMemberRow, 'id'>): Promise<number> {
  const [ret] = await q('family_members').insert(row).returning('id');
  return idOf(ret);
}

export async function familyOf(q: Q, cadreId: number): Promise<FamilyMemberRow[]> {
  return q('family_members').where({ cadre_id: cadreId }).orderBy('id');
}

export async function listCustodyRanges(q: Q): Promise<CustodyRangeRow[]> {
  return q('custody_ranges').orderBy('id');
}

export async function insertCustodyRange(q: Q, row: Omit<CustodyRangeRow, 'id'>): Promise<number> {
  const [ret] = await q('custody_ranges').insert(row).returning('id');
  return idOf(ret);
}

export async function findCustodyRange(q: Q, id: number): Promise<CustodyRangeRow | undefined> {
  return q('custody_ranges').where({ id }).first();
}

export async function deleteCustodyRange(q: Q, id: number): Promise<void> {
  await q('custody_ranges').where({ id }).delete();
}

export { idOf };
