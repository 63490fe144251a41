// The service tasks of correction.bpmn (信息更正 / 专项审核认定, DOMAIN.md §1.6, §6.6), each inside the
// engine command's transaction with its audit row:
//   openCorrection           立案: the cadre's 正本 held by the starter's office, the item, the
//                            values on record and the materials they come from, the evidence table;
//   recordCorrectionFindings 调查核实: basis materials from the catalogue, the value settled on
//                            (出生日期: the earliest self-filled material, or a reason to set it aside);
//   recordChiefOpinion       档案室负责人认定意见;
//   checkCorrectionApproval  审批: a 上级批复文号 for 出生日期 and 参加工作时间;
//   applyCorrection          the 认定表 filed as a NEW material, the cadre's field updated with its
//                            version history (basis: that material); no original material touched;
//   rejectCorrection         不予更正, with the stage that stopped it.
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { Config } from '../config.ts';
import type { ServiceContext } from '../engine/types.ts';
import * as people from '../people/store.ts';
import * as cadreStore from '../archives/store.ts';
import * as archiveStore from '../archives/archive-store.ts';
import * as catalog from '../archives/catalog-store.ts';
import type { MaterialRow } from '../archives/catalog-store.ts';
import { assertBornBeforeMaterials, cadreProblems } from '../archives/cadres.ts';
import { idNumberBirthDate } from '../archives/validate.ts';
import { fieldByName, valueProblem } from '../archives/fields.ts';
import { caseNumber } from '../shared/sequences.ts';
import { beijingDay } from '../notify/beijing.ts';
import { actorOf, assertNotAvoided, assertStartNotAvoided, idVar, str, type MaterialsDeps } from '../materials/deps.ts';
import { cadresTiedByNumber, lockFamilyTieCases } from '../workflow/held-tasks.ts';
import { ITEMS, REPLY_REQUIRED, buildEvidence, type EvidenceMap, type Item } from './evidence.ts';
import * as store from './store.ts';
import type { CorrectionRow } from './store.ts';

export type CorrectionDeps = Pick<MaterialsDeps, 'db' | 'clock' | 'audit' | 'access' | 'archives'> & { config: Pick<Config, 'corrections'>; evidence: EvidenceMap };

const SEQ = /^\d{1,2}(-\d{1,4}){1,2}$/;

/** '1-3, 6-1、9-2-4' → the 序号 listed. */
export const parseSeqNos = (text: string): string[] => [...new Set(text.split(/[\s,，、;；]+/).map((s) => s.trim()).filter(Boolean))];

/** The current catalogue rows named by 序号, or a rule error naming those that are not in it. */
function materialsBySeq(catalogue: MaterialRow[], seqNos: string[], rule: string): MaterialRow[] {
  const bySeq = new Map(catalogue.map((m) => [m.seq_no, m]));
  const unknown = seqNos.filter((s) => !SEQ.test(s) || !bySeq.has(s));
  if (unknown.length) throw errors.rule(rule, `档案目录中没有序号 ${unknown.join('、')} / No material with 序号 ${unknown.join(', ')} in the catalogue`, { unknown });
  return seqNos.map((s) => bySeq.get(s)!);
}

/**
 * Where a correction leaves the birth date and the ID number disagreeing (a settled birth date may
 * stand against the ID number): the date inside the ID number — the cadre's, or the new one
 * proposed — else null.
 */
export function idBirthDateDiffering(item: Item, value: string | null, cadre: Pick<cadreStore.CadreRow, 'id_number' | 'birth_date'>): string | null {
  if (!value) return null;
  const idDate = item === 'birth_date' ? idNumberBirthDate(cadre.id_number) : item === 'id_number' ? idNumberBirthDate(value) : null;
  const birth = item === 'birth_date' ? value : cadre.birth_date;
  return idDate !== null && idDate !== birth ? idDate : null;
}

/** The value typed, trimmed; an ID number's check character as the standard writes it (X, not x). */
const proposedOf = (item: Item, value: unknown): string => {
  const v = String(value).trim();
  return ITEMS[item].field === 'id_number' ? v.toUpperCase() : v;
};

/**
 * A value the item may take: the A01 field's format, and a cadre record that stays consistent. A
 * birth date is a 认定: it may differ from the date inside the ID number (组通字〔2006〕41号: the
 * archive's earliest material decides), so that one comparison is left out for it. A new ID number
 * must be no other cadre's.
 */
async function checkValue(trx: ServiceContext['trx'], item: Item, value: string, cadre: cadreStore.CadreRow, today: string): Promise<void> {
  const field = ITEMS[item].field;
  if (!field) return;
  const f = fieldByName(field)!;
  const problem = valueProblem(f, value);
  if (problem) throw errors.validation([{ field: 'proposedValue', message: problem }], '拟认定的值格式不对 / The proposed value is malformed');
  // A number another cadre holds, or another open correction proposes, is refused first, here, rather
  // than at the leader's 批准 (CADRE_EXISTS); the archivist is not told whose it is — the other
  // cadre may be outside her scope.
  if (f.kind === 'id_number' && ((await cadreStore.findCadreByIdNumber(trx, value))?.id ?? cadre.id) !== cadre.id) throw idNumberUnusable();
  if (f.kind === 'id_number' && (await store.openCaseProposingIdNumber(trx, value, cadre.id))) throw idNumberUnusable();
  const next = { ...cadre, [field]: value, ...(field === 'birth_date' ? { birth_date_ruling: '认定' } : {}) };
  const inconsistent = cadreProblems(next as never, today).filter((p) => p.field === field || field === 'birth_date');
  if (inconsistent.length) throw errors.validation(inconsistent.map((p) => ({ field: 'proposedValue', message: p.message })), '更正后的信息不一致 / The corrected record would be inconsistent');
  if (String((cadre as unknown as Record<string, unknown>)[field] ?? '') === value) {
    throw errors.rule('no_change', '拟认定的值与现记载相同 / The proposed value equals the value on record', { field });
  }
  // Asked at 立案 and at 调查核实, not first when the approved correction is applied.
  if (field === 'birth_date') await assertBornBeforeMaterials(trx, cadre.id, value, 'proposedValue');
}

const idNumberUnusable = () => errors.rule('id_number_unusable', '该身份证号不能使用 / This ID number cannot be used', { field: 'proposedValue' });

export function correctionServices(d: CorrectionDeps) {
  const { clock, audit } = d;

  async function locked(ctx: ServiceContext): Promise<CorrectionRow> {
    const row = await store.lockCorrection(ctx.trx, idVar(ctx, 'correctionId'));
    if (!row) throw errors.notFound('Correction');
    return row;
  }

  async function openCorrection(ctx: ServiceContext) {
    const actor = actorOf(ctx);
    const v = ctx.variables;
    const cadreId = Number(v.cadreId);
    const item = String(v.item) as Item;
    const archives = await archiveStore.archivesOfCadre(ctx.trx, cadreId);
    const original = archives.find((a) => a.kind === 'original');
    // Only the office holding the 正本 corrects it; a cadre it does not hold at all is not found.
    if (!archives.some((a) => a.custodian_org_id === actor.orgUnitId)) throw errors.notFound('Cadre');
    await assertStartNotAvoided(ctx.trx, d.access, actor, cadreId);
    if (!original || original.custodian_org_id !== actor.orgUnitId) {
      throw errors.rule('original_elsewhere', '本单位保管的是副本，信息更正由正本保管单位办理 / This office holds a copy; the holder of the original corrects it');
    }
    const cadre = (await cadreStore.findCadre(ctx.trx, cadreId))!;
    const proposed = proposedOf(item, v.proposedValue);
    await checkValue(ctx.trx, item, proposed, cadre, beijingDay(clock.now()));
    if (await store.openCaseOn(ctx.trx, cadreId, item)) {
      throw errors.rule('correction_open', `该干部的${ITEMS[item].zh}已有在办的更正事项 / A correction of this item is already under way`);
    }
    const catalogue = await catalog.currentMaterials(ctx.trx, original.id);
    const recorded = (Array.isArray(v.recordedValues) ? (v.recordedValues as Array<{ value: string; seqNos: string }>) : []).map((r) => {
      const seqNos = parseSeqNos(r.seqNos);
      materialsBySeq(catalogue, seqNos, 'evidence_material');
      return { value: String(r.value).trim(), seqNos };
    });
    const field = ITEMS[item].field;
    const oldValue = field ? ((cadre as unknown as Record<string, string | null>)[field] ?? null) : null;
    const now = clock.now();
    const caseNo = await caseNumber(ctx.trx, '更正', now);
    ctx.setBusinessKey(caseNo);
    const at = iso(now);
    const correctionId = await store.insertCorrection(ctx.trx, {
      case_no: caseNo,
      instance_id: ctx.instanceId,
      cadre_id: cadreId,
      archive_id: original.id,
      custodian_org_id: original.custodian_org_id,
      item,
      field,
      old_value: oldValue,
      proposed_value: proposed,
      new_value: null,
      recorded_values: JSON.stringify(recorded),
      trigger: String(v.trigger),
      reason: String(v.reason).trim(),
      findings: null,
      basis: null,
      set_aside_reason: null,
      chief_id: null,
      chief_decision: null,
      chief_opinion: null,
      chief_at: null,
      authority_id: null,
      authority_decision: null,
      authority_opinion: null,
      authority_at: null,
      superior_reply_no: null,
      status: 'open',
      rejected_stage: null,
      filed_material_id: null,
      filed_seq_no: null,
      history_id: null,
      effective_at: null,
      opened_by: actor.id,
      opened_at: at,
      updated_at: at,
    });
    const valueOf = new Map(recorded.flatMap((r) => r.seqNos.map((s) => [s, r.value] as const)));
    const evidence = buildEvidence(d.evidence, item, catalogue);
    await store.insertEvidence(
      ctx.trx,
      evidence.map((e, i) => ({
        correction_id: correctionId,
        material_id: e.material.id,
        seq_no: e.material.seq_no,
        title: e.material.title,
        formed_date: e.material.formed_date,
        self_filled: e.selfFilled,
        default_basis: e.defaultBasis,
        recorded_value: valueOf.get(e.material.seq_no) ?? null,
        sort: i + 1,
      })),
    );
    await audit.record(ctx.trx, { actor, action: 'correction.open', objectType: 'correction', objectId: correctionId, detail: { caseNo, item, evidence: evidence.length } });
    const office = (await people.findOrgUnit(ctx.trx, original.custodian_org_id))!;
    return {
      correctionId,
      caseNo,
      archiveId: original.id,
      custodianOrgId: office.id,
      caseSubject: `信息更正：${cadre.name}的${ITEMS[item].zh}`,
      // The approving body with management authority: the leaders of the organisation department
      // the archive office belongs to (as for borrowing approvals).
      orgScopes: { archivist: office.id, archive_chief: office.id, auth_leader: office.parent_id },
    };
  }

  async function recordCorrectionFindings(ctx: ServiceContext) {
    const actor = actorOf(ctx);
    const c = await locked(ctx);
    await assertNotAvoided(ctx.trx, d.access, actor, c.cadre_id);
    const v = ctx.variables;
    const item = c.item as Item;
    const catalogue = await catalog.currentMaterials(ctx.trx, c.archive_id);
    const basis = materialsBySeq(catalogue, Array.isArray(v.basisMaterials) ? (v.basisMaterials as string[]) : [], 'basis_material');
    if (!basis.length) throw errors.rule('basis_material', '须指明认定依据材料 / Name the materials the determination rests on', { unknown: [] });
    const value = proposedOf(item, v.proposedValue);
    const cadre = (await cadreStore.findCadre(ctx.trx, c.cadre_id))!;
    await checkValue(ctx.trx, item, value, cadre, beijingDay(clock.now()));
    const setAside = str(v.setAsideReason);
    if (item === 'birth_date') {
      // The earliest material the cadre filled in decides a birth date; setting it aside needs a reason.
      const earliest = buildEvidence(d.evidence, item, catalogue).find((e) => e.defaultBasis)?.material;
      if (earliest && !basis.some((m) => m.id === earliest.id) && !setAside) {
        throw errors.rule('birth_date_basis', `出生日期以最早的本人填写材料（${earliest.seq_no} ${earliest.title}）为依据；不以其为依据的须写明理由 / The earliest self-filled material decides a birth date; give the reason to set it aside`, {
          earliest: { seqNo: earliest.seq_no, title: earliest.title, formedDate: earliest.formed_date },
        });
      }
    }
    await store.updateCorrection(ctx.trx, c.id, {
      findings: String(v.findings).trim(),
      basis: JSON.stringify(basis.map((m) => ({ materialId: m.id, seqNo: m.seq_no }))),
      new_value: value,
      set_aside_reason: setAside,
      status: 'investigated',
      updated_at: iso(clock.now()),
    });
    await audit.record(ctx.trx, { actor, action: 'correction.investigate', objectType: 'correction', objectId: c.id, detail: { caseNo: c.case_no, basis: basis.map((m) => m.seq_no) } });
  }

  async function recordChiefOpinion(ctx: ServiceContext) {
    const actor = actorOf(ctx);
    const c = await locked(ctx);
    await assertNotAvoided(ctx.trx, d.access, actor, c.cadre_id);
    const decision = ctx.variables.decision === 'approve' ? 'approve' : 'reject';
    const at = iso(clock.now());
    await store.updateCorrection(ctx.trx, c.id, { chief_id: actor.id, chief_decision: decision, chief_opinion: String(ctx.variables.comment ?? '').trim(), chief_at: at, status: decision === 'approve' ? 'proposed' : c.status, updated_at: at });
    await audit.record(ctx.trx, { actor, action: 'correction.opinion', objectType: 'correction', objectId: c.id, detail: { caseNo: c.case_no, decision } });
  }

  async function checkCorrectionApproval(ctx: ServiceContext) {
    const actor = actorOf(ctx);
    const c = await locked(ctx);
    await assertNotAvoided(ctx.trx, d.access, actor, c.cadre_id);
    const decision = ctx.variables.decision === 'approve' ? 'approve' : 'reject';
    const reply = str(ctx.variables.superiorReplyNo);
    if (decision === 'approve' && REPLY_REQUIRED.includes(c.item as Item) && !reply) {
      throw errors.rule('superior_reply_required', `更正${ITEMS[c.item as Item].zh}须有上级批复，请填写批复文号 / Correcting the ${ITEMS[c.item as Item].en} needs a superior's reply: give its number`, { item: c.item });
    }
    // A new ID number may make a 家庭成员 row of another cadre name this one: applyCorrection then
    // gives back the claims the tie reaches, and their cases are locked here, before this step's
    // audit row, since the cases' locks come before the audit chain's (workflow/held-tasks.ts lockCases).
    if (decision === 'approve' && c.field === 'id_number' && c.new_value) await lockFamilyTieCases(ctx.trx, await cadresTiedByNumber(ctx.trx, c.cadre_id, c.new_value));
    const at = iso(clock.now());
    await store.updateCorrection(ctx.trx, c.id, { authority_id: actor.id, authority_decision: decision, authority_opinion: String(ctx.variables.comment ?? '').trim(), authority_at: at, superior_reply_no: reply, updated_at: at });
    await audit.record(ctx.trx, { actor, action: 'correction.approval', objectType: 'correction', objectId: c.id, detail: { caseNo: c.case_no, decision, reply: !!reply } });
  }

  async function applyCorrection(ctx: ServiceContext) {
    const actor = actorOf(ctx);
    const c = await locked(ctx);
    const who = { id: actor.id, username: actor.username, displayName: (await people.findUser(ctx.trx, actor.id))?.display_name };
    if (c.status !== 'proposed' || c.authority_decision !== 'approve' || c.new_value === null) throw errors.conflict('CORRECTION_STATE', `更正事项状态为 ${c.status} / The correction is ${c.status}`);
    const item = c.item as Item;
    const now = clock.now();
    const cadre = (await cadreStore.findCadre(ctx.trx, c.cadre_id))!;
    const idDate = idBirthDateDiffering(item, c.new_value, cadre);
    const differs = !idDate ? null : item === 'birth_date' ? `与身份证号所载出生日期${idDate}不一致` : `新身份证号所载出生日期${idDate}与认定的出生日期${cadre.birth_date}不一致`;
    const remark = [c.superior_reply_no ? `批复：${c.superior_reply_no}` : null, differs, c.case_no].filter(Boolean).join('；');
    // The decision is a NEW material (第三十九条: no material is ever changed or removed), filed without
    // its page images (the signed 认定表 is scanned afterwards): in an archive 已数字化 or 已验收 it fails
    // 扫描质检 and moves the archive back to 部分数字化, as any filing without scans (fileMaterial).
    const material = await d.archives.fileMaterial(ctx.trx, {
      archiveId: c.archive_id,
      categoryCode: d.config.corrections.filingCategory,
      title: `干部人事档案${ITEMS[item].zh}审核认定表`,
      formedDate: beijingDay(now),
      pages: 1,
      isCopy: false,
      remark,
      producerOrgId: c.custodian_org_id,
      instanceId: ctx.instanceId,
      actor: who,
    });
    let historyId: number | null = null;
    if (c.field) {
      // A new ID number that a relative's 家庭成员 row names gives back the claims the tie reaches (by the approver).
      const h = await d.archives.updateCadreField(
        ctx.trx,
        { cadreId: c.cadre_id, field: c.field, value: c.new_value, basis: { materialId: material.id, instanceId: ctx.instanceId }, actor: who, ruling: idDate ? c.case_no : undefined },
        { actor, ip: null },
      );
      historyId = h.id;
    }
    const at = iso(now);
    await store.updateCorrection(ctx.trx, c.id, { status: 'approved', filed_material_id: material.id, filed_seq_no: material.seq_no, history_id: historyId, effective_at: at, updated_at: at });
    await audit.record(ctx.trx, { actor, action: 'correction.apply', objectType: 'correction', objectId: c.id, detail: { caseNo: c.case_no, materialId: material.id, seqNo: material.seq_no, field: c.field } });
    return { outcome: 'approved', filedSeqNo: material.seq_no };
  }

  async function rejectCorrection(ctx: ServiceContext) {
    const c = await locked(ctx);
    const stage = c.authority_decision === 'reject' ? 'authority' : 'chief';
    const at = iso(clock.now());
    await store.updateCorrection(ctx.trx, c.id, { status: 'rejected', rejected_stage: stage, updated_at: at });
    await audit.record(ctx.trx, { actor: ctx.actor, action: 'correction.reject', objectType: 'correction', objectId: c.id, detail: { caseNo: c.case_no, stage } });
    return { outcome: 'rejected' };
  }

  return { openCorrection, recordCorrectionFindings, recordChiefOpinion, checkCorrectionApproval, applyCorrection, rejectCorrection };
}
