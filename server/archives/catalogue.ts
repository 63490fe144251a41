// The catalogue (目录): filing a material under the next free 份号 of its category, and
// correcting one by a superseding row (the filed row itself never changes: DB triggers refuse).
// 序号 = category code + item number: '4-1-3', '1-5' (DOMAIN.md §2.2).
import type { Q, Trx } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { beijingDay } from '../notify/beijing.ts';
import { errors } from '../errors.ts';
import * as people from '../people/store.ts';
import * as archiveStore from './archive-store.ts';
import * as catalog from './catalog-store.ts';
import type { CategoryRow, MaterialRow } from './catalog-store.ts';
import type { ActorRef, Problem } from './cadres.ts';
import { isCalendarDate } from './validate.ts';
import { hasInvisible, INVISIBLE_MESSAGE } from '../http/zod.ts';
import { CORRECTED_FIELDS, GONE, categoryCodeOf, type CorrectedField } from './codes.ts';
import { assertKept } from './archives.ts';

export const seqNo = (categoryCode: string, itemNo: number): string => `${categoryCode}-${itemNo}`;

export interface MaterialInput {
  archiveId: number;
  categoryCode: string;
  title: string;
  titleCode?: string | null;
  formedDate: string;
  pages: number;
  isCopy: boolean;
  copyDate?: string | null;
  remark?: string | null;
  producerOrgId?: number | null;
  instanceId?: string | null;
  actor: ActorRef | null;
}

/**
 * A material formed before its cadre was born is a typing error (1900-01-01 for an unknown date, a
 * year slipped), never a fact: refused, naming the birth date, wherever a formation date is written.
 */
export const beforeBirthProblem = (formedDate: string, birthDate: string): Problem => ({
  field: 'formedDate',
  message: `材料形成时间 ${formedDate} 早于干部的出生日期 ${birthDate} / the formation date ${formedDate} is before the cadre’s birth date ${birthDate}`,
});

/**
 * Format and rule problems of a catalogue row (DOMAIN.md §2.2 and the 2009 filing rules); with the
 * cadre's `birthDate`, a formation date before it too. A title or remark with an invisible character
 * (zero-width, bidi controls) is refused as a name is: the catalogue is searched and printed by it.
 */
export function materialProblems(m: Omit<MaterialInput, 'archiveId' | 'actor'>, categories: CategoryRow[], today: string, birthDate?: string | null): Problem[] {
  const out: Problem[] = [];
  const cat = categories.find((c) => c.code === m.categoryCode);
  if (!cat || !cat.active) out.push({ field: 'categoryCode', message: `无此类别 ${m.categoryCode} / unknown category` });
  else if (cat.divided) out.push({ field: 'categoryCode', message: `第${cat.numeral}类须归入其小类（如 ${cat.code}-1） / file under a sub-category such as ${cat.code}-1` });
  if (!m.title?.trim()) out.push({ field: 'title', message: '材料名称必填 / title is required' });
  else if (m.title.length > 200) out.push({ field: 'title', message: '材料名称过长 / title too long' });
  else if (hasInvisible(m.title)) out.push({ field: 'title', message: INVISIBLE_MESSAGE });
  if (!isCalendarDate(m.formedDate ?? '')) {
    // A complete date before 1900 is not malformed, only earlier than any archive material.
    const early = /^1[0-8]\d\d-\d\d-\d\d$/.test(m.formedDate ?? '');
    out.push({
      field: 'formedDate',
      message: early ? '材料形成时间不能早于 1900 年 / the formation date cannot be before 1900' : '材料形成时间须为完整的年月日 / the formation date must be a full date YYYY-MM-DD',
    });
  }
  else if (m.formedDate > today) out.push({ field: 'formedDate', message: '材料形成时间晚于今天 / the formation date is in the future' });
  else if (birthDate && m.formedDate < birthDate) out.push(beforeBirthProblem(m.formedDate, birthDate));
  if (!Number.isInteger(m.pages) || m.pages <= 0) out.push({ field: 'pages', message: '页数须为正整数 / pages must be a positive whole number' });
  else if (m.pages > 2000) out.push({ field: 'pages', message: '页数过大 / too many pages' });
  if (m.isCopy) {
    if (!m.copyDate) out.push({ field: 'copyDate', message: '复印件须注明复制时间 / a copy needs its copy date' });
    else if (!isCalendarDate(m.copyDate)) out.push({ field: 'copyDate', message: '复制时间须为完整日期 / the copy date must be a full date' });
    else if (isCalendarDate(m.formedDate ?? '') && m.copyDate < m.formedDate) out.push({ field: 'copyDate', message: '复制时间早于形成时间 / copied before it was formed' });
  } else if (m.copyDate) out.push({ field: 'copyDate', message: '原件不填复制时间 / only a copy has a copy date' });
  if (m.remark && m.remark.length > 200) out.push({ field: 'remark', message: '备注过长 / remark too long' });
  else if (m.remark && hasInvisible(m.remark)) out.push({ field: 'remark', message: INVISIBLE_MESSAGE });
  return out;
}

/** The birth date of the cadre whose archive this is (null when the archive is not found). */
async function birthDateOf(q: Q, archiveId: number): Promise<string | null> {
  const r = await q('archives as a').join('cadres as c', 'c.id', 'a.cadre_id').where('a.id', archiveId).first('c.birth_date');
  return r?.birth_date ?? null;
}

async function validate(trx: Q, clock: Clock, input: Omit<MaterialInput, 'archiveId' | 'actor'>, archiveId: number): Promise<void> {
  const problems = materialProblems(input, await catalog.listCategories(trx), beijingDay(clock.now()), await birthDateOf(trx, archiveId));
  if (input.producerOrgId && !(await people.findOrgUnit(trx, input.producerOrgId))) problems.push({ field: 'producerOrgId', message: '形成单位不存在 / no such unit' });
  if (problems.length) throw errors.validation(problems, '目录信息有误 / The catalogue entry has problems');
}

/**
 * Files a material under the next free item number of (archive, category). The archive row is
 * locked first (FOR UPDATE on PostgreSQL, SQLite serialises writers), so concurrent filings into
 * one archive queue up and never take the same number; the unique index is the backstop.
 */
export async function fileMaterial(trx: Trx, clock: Clock, given: MaterialInput): Promise<MaterialRow> {
  // 十, 四之一, 99: the category as people write it, filed under the catalogue's code.
  const input = { ...given, categoryCode: categoryCodeOf(String(given.categoryCode ?? '')) };
  await validate(trx, clock, input, input.archiveId);
  const archive = await archiveStore.lockArchive(trx, input.archiveId);
  if (!archive) throw errors.notFound('Archive');
  if (GONE.includes(archive.status)) {
    throw errors.rule('archive_status', '档案已转出或移交，不能归档新材料 / The archive has left this office', { status: archive.status });
  }
  const itemNo = (await catalog.maxItemNo(trx, archive.id, input.categoryCode)) + 1;
  return catalog.insertMaterial(trx, {
    archive_id: archive.id,
    category_code: input.categoryCode,
    item_no: itemNo,
    revision: 0,
    seq_no: seqNo(input.categoryCode, itemNo),
    title: input.title.trim(),
    title_code: input.titleCode ?? null,
    formed_date: input.formedDate,
    pages: input.pages,
    is_copy: input.isCopy,
    copy_date: input.isCopy ? (input.copyDate ?? null) : null,
    remark: input.remark?.trim() || null,
    producer_org_id: input.producerOrgId ?? null,
    instance_id: input.instanceId ?? null,
    supersedes_material_id: null,
    supersede_reason: null,
    filed_by: input.actor?.id ?? null,
    filed_at: iso(clock.now()),
  });
}

type FieldValue = string | number | boolean | null;

const fieldOf = (m: Omit<MaterialRow, 'id'>): Record<CorrectedField, FieldValue> => ({
  title: m.title,
  titleCode: m.title_code,
  formedDate: m.formed_date,
  pages: m.pages,
  isCopy: !!m.is_copy,
  copyDate: m.copy_date,
  remark: m.remark,
  producerOrgId: m.producer_org_id,
});

/** What a correction changed: each field whose value differs between the earlier row and the later. */
export function materialChanges(before: Omit<MaterialRow, 'id'>, after: Omit<MaterialRow, 'id'>): Array<{ field: CorrectedField; from: FieldValue; to: FieldValue }> {
  const a = fieldOf(before);
  const b = fieldOf(after);
  return CORRECTED_FIELDS.filter((f) => a[f] !== b[f]).map((field) => ({ field, from: a[field], to: b[field] }));
}

/** A correction's reason, as the marks and the avoidance list take theirs: 2–200 characters. */
export const REASON_MIN = 2;
export const REASON_MAX = 200;

/**
 * A correction of a filed material: a new row with the same 序号 and the next revision that
 * supersedes the old one. The old row stays as it was; the catalogue shows the newest. A
 * correction needs its reason (2–200 characters) and must change something: one that repeats the
 * row as it stands is refused (400), so the trail holds no empty revision.
 */
export async function supersedeMaterial(
  trx: Trx,
  clock: Clock,
  input: { materialId: number; reason: string; actor: ActorRef | null; instanceId?: string | null } & Partial<Omit<MaterialInput, 'archiveId' | 'actor' | 'categoryCode'>>,
): Promise<MaterialRow> {
  const old = await catalog.findMaterial(trx, input.materialId);
  if (!old) throw errors.notFound('Material');
  assertKept((await archiveStore.lockArchive(trx, old.archive_id))!);
  if (await catalog.isSuperseded(trx, old.id)) throw errors.conflict('MATERIAL_SUPERSEDED', '该材料已被更正，请更正最新的一条 / This material was already corrected; correct the newest row');
  const reason = input.reason?.trim() ?? '';
  if (reason.length < REASON_MIN || reason.length > REASON_MAX) {
    throw errors.validation([{ field: 'reason', message: `更正原因须为 ${REASON_MIN}–${REASON_MAX} 个字 / the reason takes ${REASON_MIN} to ${REASON_MAX} characters` }]);
  }
  const next = {
    categoryCode: old.category_code,
    title: input.title ?? old.title,
    titleCode: input.titleCode === undefined ? old.title_code : input.titleCode,
    formedDate: input.formedDate ?? old.formed_date,
    pages: input.pages ?? old.pages,
    isCopy: input.isCopy ?? old.is_copy,
    copyDate: input.copyDate === undefined ? old.copy_date : input.copyDate,
    remark: input.remark === undefined ? old.remark : input.remark,
    producerOrgId: input.producerOrgId === undefined ? old.producer_org_id : input.producerOrgId,
  };
  await validate(trx, clock, next, old.archive_id);
  const row = {
    archive_id: old.archive_id,
    category_code: old.category_code,
    item_no: old.item_no,
    revision: (await catalog.lastRevision(trx, old.archive_id, old.category_code, old.item_no)) + 1,
    seq_no: old.seq_no,
    title: next.title.trim(),
    title_code: next.titleCode ?? null,
    formed_date: next.formedDate,
    pages: next.pages,
    is_copy: next.isCopy,
    copy_date: next.isCopy ? (next.copyDate ?? null) : null,
    remark: next.remark?.trim() || null,
    producer_org_id: next.producerOrgId ?? null,
    instance_id: input.instanceId ?? null,
    supersedes_material_id: old.id,
    supersede_reason: reason,
    filed_by: input.actor?.id ?? null,
    filed_at: iso(clock.now()),
  };
  if (!materialChanges(old, row).length) {
    throw errors.validation([{ field: 'reason', message: '更正内容与现有目录相同，没有任何改动 / Nothing changed: the correction repeats the material as it stands' }], '更正没有改动任何内容 / The correction changes nothing');
  }
  return catalog.insertMaterial(trx, row);
}
