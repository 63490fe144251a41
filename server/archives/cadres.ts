// Cadre records: creation with every A01 check, family members, and updateCadreField — the only
// way an A01 field changes after creation, each change a versioned cadre_field_history row with
// its basis (a filed material or a process instance), who and when.
import type { Q, Trx } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { beijingDay } from '../notify/beijing.ts';
import { errors } from '../errors.ts';
import * as people from '../people/store.ts';
import { CADRE_FIELDS, fieldByName, valueProblem } from './fields.ts';
import { nameKeys } from './pinyin.ts';
import * as store from './store.ts';
import * as catalog from './catalog-store.ts';
import type { CadreRow, FieldHistoryRow } from './store.ts';
import { idNumberBirthDate, idNumberProblems, isCalendarDate, lifeDateProblems } from './validate.ts';

export interface ActorRef {
  id: number;
  username: string;
  displayName?: string;
}

export interface CadreInput {
  name: string;
  gender: string;
  birth_date: string;
  ethnicity: string;
  native_place: string;
  political_status: string;
  party_join_date?: string | null;
  work_start_date?: string | null;
  id_number: string;
  education?: string | null;
  degree?: string | null;
  org_unit_id: number;
  post?: string | null;
  management_level: string;
}

export type Problem = { field: string; message: string };

/** Every problem of a cadre's values (format, ID number consistency, order of life dates). */
export function cadreProblems(c: Record<string, unknown>, today: string): Problem[] {
  const out: Problem[] = [];
  for (const f of CADRE_FIELDS) {
    if (f.kind === 'org') continue;
    const v = c[f.column];
    const p = valueProblem(f, v === undefined || v === null ? null : String(v));
    if (p) out.push({ field: f.column, message: p });
  }
  if (out.length) return out;
  // A birth date settled by 认定 (birth_date_ruling) stands even where the ID number says otherwise.
  const birthDate = c.birth_date_ruling ? undefined : String(c.birth_date);
  for (const m of idNumberProblems(String(c.id_number), birthDate, String(c.gender))) out.push({ field: 'id_number', message: m });
  for (const p of lifeDateProblems(c as never, today)) out.push({ field: p.field, message: p.problem });
  return out;
}

/** 409 CADRE_EXISTS when another cadre has this ID number. */
export async function assertIdNumberFree(q: Q, idNumber: string, self?: number): Promise<void> {
  const other = await store.findCadreByIdNumber(q, idNumber);
  if (other && other.id !== self) {
    throw errors.conflict('CADRE_EXISTS', '该身份证号的干部已存在 / A cadre with this ID number exists', { field: 'id_number' });
  }
}

export async function createCadre(trx: Q, clock: Clock, input: CadreInput): Promise<number> {
  const now = iso(clock.now());
  const problems = cadreProblems(input as never, beijingDay(clock.now()));
  if (!(await people.findOrgUnit(trx, input.org_unit_id))) problems.push({ field: 'org_unit_id', message: '单位不存在 / no such unit' });
  if (problems.length) throw errors.validation(problems, '干部信息有误 / The cadre record has problems');
  await assertIdNumberFree(trx, input.id_number);
  return store.insertCadre(trx, cadreRow(input, null, nameKeys(input.name), now));
}

/**
 * The cadres row of a checked input (empty optional fields stored as null), for createCadre and the
 * import's multi-row insert. `custodianOrgId` is the holder of the cadre's 正本 when known already
 * (archive-store keeps it after that); `keys` the pinyin keys of the name.
 */
export function cadreRow(input: CadreInput, custodianOrgId: number | null, keys: ReturnType<typeof nameKeys>, now: string): Omit<CadreRow, 'id'> {
  return {
    name: input.name,
    gender: input.gender,
    birth_date: input.birth_date,
    ethnicity: input.ethnicity,
    native_place: input.native_place,
    political_status: input.political_status,
    party_join_date: input.party_join_date || null,
    work_start_date: input.work_start_date || null,
    id_number: input.id_number,
    education: input.education || null,
    degree: input.degree || null,
    org_unit_id: input.org_unit_id,
    post: input.post || null,
    management_level: input.management_level,
    custodian_org_id: custodianOrgId,
    birth_date_ruling: null,
    ...keys,
    created_at: now,
    updated_at: now,
  };
}

export interface FieldChange {
  cadreId: number;
  /** Column name ('birth_date') or A01 code ('a0107'). */
  field: string;
  value: string | number | null;
  /** A filed material, a process instance, or an official document (文号, e.g. a 任免 notice). */
  basis: { materialId?: number; instanceId?: string; document?: string };
  actor: ActorRef | null;
  /**
   * For a birth date: the 信息更正 case number when the change is a 认定, which may then differ from
   * the ID number's date. Any other change of the birth date clears the cadre's ruling.
   */
  ruling?: string;
}

/**
 * A birth date after a material of the cadre's archive would leave that material formed before the
 * cadre was born: refused (400 at `field`), naming the earliest such material, which is corrected
 * first when its date is the one that is wrong (更正 of the catalogue row).
 */
export async function assertBornBeforeMaterials(q: Q, cadreId: number, birthDate: string, field: string): Promise<void> {
  const m = await catalog.earliestMaterialOfCadre(q, cadreId, birthDate);
  if (!m) return;
  throw errors.validation(
    [
      {
        field,
        message: `出生日期 ${birthDate} 晚于档案中最早的材料（${m.seq_no} ${m.title}，形成于 ${m.formed_date}）；如该材料的形成时间有误，请先更正该材料 / the birth date ${birthDate} is after the earliest material in the archive (${m.seq_no} ${m.title}, formed ${m.formed_date}); if that date is wrong, correct the material first`,
        earliest: { materialId: m.id, archiveNo: m.archive_no, seqNo: m.seq_no, title: m.title, formedDate: m.formed_date },
      },
    ],
    '出生日期晚于档案中已有材料的形成时间 / The birth date is after a material already in the archive',
  );
}

/** Changes one A01 field and records the version; refuses a change without a basis. */
export async function updateCadreField(trx: Trx, clock: Clock, change: FieldChange): Promise<FieldHistoryRow> {
  const f = fieldByName(change.field);
  if (!f) throw errors.validation([{ field: 'field', message: `未知字段 ${change.field} / unknown field` }]);
  const document = change.basis.document?.trim().slice(0, 60) || undefined;
  if (!change.basis.materialId && !change.basis.instanceId && !document) {
    throw errors.rule('basis_required', '更正干部信息须有依据（材料、流程或文件） / A change needs a basis: a material, a process or a document', { field: f.column });
  }
  const cadre = await store.findCadre(trx, change.cadreId);
  if (!cadre) throw errors.notFound('Cadre');
  if (change.basis.materialId) {
    const m = await trx('materials as m').join('archives as a', 'a.id', 'm.archive_id').where('m.id', change.basis.materialId).first('a.cadre_id');
    if (!m || m.cadre_id !== cadre.id) throw errors.rule('basis_material', '依据材料不在该干部档案中 / The basis material is not in this cadre’s archive');
  }
  const value = change.value === null || change.value === '' ? null : String(change.value);
  const now = iso(clock.now());
  const problem = valueProblem(f, value);
  if (problem) throw errors.validation([{ field: f.column, message: problem }]);
  let stored: string | number | null = value;
  if (f.kind === 'org') {
    stored = Number(value);
    if (!Number.isInteger(stored) || !(await people.findOrgUnit(trx, stored))) throw errors.validation([{ field: f.column, message: '单位不存在 / no such unit' }]);
  }
  // A ruling stands only while it is needed: a new ID number that agrees with the birth date ends it.
  const ruling =
    f.column === 'birth_date'
      ? { birth_date_ruling: change.ruling ?? null }
      : f.kind === 'id_number' && cadre.birth_date_ruling && idNumberBirthDate(String(stored)) === cadre.birth_date
        ? { birth_date_ruling: null }
        : {};
  const next: CadreRow = { ...cadre, [f.column]: stored, ...ruling };
  const consistency = cadreProblems(next as never, beijingDay(clock.now())).filter((p) => p.field === f.column || f.column === 'birth_date' || f.column === 'gender');
  if (consistency.length) throw errors.validation(consistency, '更正后的信息不一致 / The corrected record would be inconsistent');
  if (f.column === 'birth_date' && stored) await assertBornBeforeMaterials(trx, cadre.id, String(stored), f.column);
  const old = (cadre as unknown as Record<string, unknown>)[f.column];
  if (String(old ?? '') === String(stored ?? '')) throw errors.rule('no_change', '新值与原值相同 / The new value equals the current one', { field: f.column });
  if (f.kind === 'id_number') await assertIdNumberFree(trx, String(stored), cadre.id);
  await store.updateCadre(trx, cadre.id, {
    [f.column]: stored,
    ...ruling,
    ...(f.column === 'name' ? nameKeys(String(stored)) : {}),
    updated_at: now,
  } as Partial<CadreRow>);
  return store.insertFieldHistory(trx, {
    cadre_id: cadre.id,
    field: f.column,
    version: (await store.lastFieldVersion(trx, cadre.id, f.column)) + 1,
    old_value: old === null || old === undefined ? null : String(old),
    new_value: stored === null ? null : String(stored),
    basis_material_id: change.basis.materialId ?? null,
    basis_instance_id: change.basis.instanceId ?? null,
    ...(document ? { basis_document: document } : {}),
    actor_id: change.actor?.id ?? null,
    actor_name: change.actor ? (change.actor.displayName ?? change.actor.username) : 'system',
    at: now,
  });
}

export interface FamilyInput {
  cadreId: number;
  name: string;
  relation: string;
  birthDate?: string | null;
  idNumber?: string | null;
  relatedCadreId?: number | null;
  workUnit?: string | null;
}

export async function addFamilyMember(trx: Q, clock: Clock, input: FamilyInput): Promise<number> {
  const problems: Problem[] = [];
  if (input.birthDate && !isCalendarDate(input.birthDate)) problems.push({ field: 'birthDate', message: '应为完整日期 / must be a full date' });
  if (input.idNumber) for (const m of idNumberProblems(input.idNumber, input.birthDate ?? undefined)) problems.push({ field: 'idNumber', message: m });
  if (problems.length) throw errors.validation(problems);
  if (!(await store.findCadre(trx, input.cadreId))) throw errors.notFound('Cadre');
  let related = input.relatedCadreId ?? null;
  if (related && (related === input.cadreId || !(await store.findCadre(trx, related)))) {
    throw errors.validation([{ field: 'relatedCadreId', message: '关联干部不存在 / no such related cadre' }]);
  }
  // A relative who is a cadre already is linked by ID number, so the relative check sees both ways.
  if (!related && input.idNumber) related = (await store.findCadreByIdNumber(trx, input.idNumber))?.id ?? null;
  return store.insertFamilyMember(trx, {
    cadre_id: input.cadreId,
    name: input.name,
    relation: input.relation,
    birth_date: input.birthDate ?? null,
    id_number: input.idNumber ?? null,
    related_cadre_id: related,
    work_unit: input.workUnit ?? null,
    created_at: iso(clock.now()),
  });
}
