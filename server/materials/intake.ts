// The service tasks of material-collection.bpmn (材料收集归档, DOMAIN.md §1.2, §6.5), each inside the
// engine command's transaction with its audit row:
//   registerMaterial      登记: the cadre by name + 身份证号, the filing conditions, the ledger row,
//                         late hand-over flagged, a collection notice answered;
//   checkMaterialReview   鉴别: key fields compared with the archive on the server, checklist and
//                         scans checked; accepting a material that fails any of them is refused;
//   recordResubmission    重新移交 after a return (the values before it kept in the event);
//   fileIntoCatalogue     归档: 类号 and 序号 (fileMaterial), pages, the scans as page images.
import { iso } from '../clock.ts';
import { errors, type AppError } from '../errors.ts';
import { forUpdate, type Q, type Trx } from '../db.ts';
import type { Actor, ChoiceCheck, ServiceContext } from '../engine/types.ts';
import * as cadreStore from '../archives/store.ts';
import * as archiveStore from '../archives/archive-store.ts';
import * as catalog from '../archives/catalog-store.ts';
import { caseNumber } from '../shared/sequences.ts';
import { beijingDay } from '../notify/beijing.ts';
import { APPOINTMENT_CATEGORY, INTAKE_STATUSES, REVIEW_CHECK_CODES, keyFieldMismatches, reviewPoint, type KeyFieldMismatch } from './codes.ts';
import { actorOf, assertNotAvoided, idVar, str, type MaterialsDeps } from './deps.ts';
import { appointmentProblems, formedBeforeBirth, handoverTerms, intakeSubject, registrationProblems } from './rules.ts';
import * as store from './store.ts';
import type { IntakeRow, IntakeScanRow, IntakeStatus } from './store.ts';
import type { ScanFinding } from '../archives/scans.ts';
import { GONE, LEAVING_OR_GONE } from '../archives/codes.ts';

export { registrationProblems } from './rules.ts';


/** A digitised archive (DOMAIN.md §3) takes a new material only with its page images. */
function scansRequired(archive: { digital_status: string }, active: unknown[]): AppError | undefined {
  if (!active.length && archive.digital_status !== 'none') {
    return errors.rule('scans_required', '该档案已数字化，材料须附扫描件 / The archive is digitised: the material needs its page scans');
  }
}

/**
 * What forbids accepting (合格) a received material whatever the reviewer ticks: key fields that
 * differ from the archive, a digitised archive (DOMAIN.md §3) without the material's page images,
 * scans that fail the checks. The review service refuses with these; the task page is told them
 * before the reviewer confirms (`acceptBlocks` → BlockedChoice).
 */
interface ReviewFacts {
  mismatches: KeyFieldMismatch[];
  archive: { digital_status: string; status: string };
  active: IntakeScanRow[];
  scanFindings: ScanFinding[];
}

function acceptBlocks(f: ReviewFacts): { keyFields?: AppError; scans?: AppError; archive?: AppError } {
  const out: { keyFields?: AppError; scans?: AppError; archive?: AppError } = {};
  if (LEAVING_OR_GONE.includes(f.archive.status)) out.archive = leavingArchive();
  if (f.mismatches.length) {
    out.keyFields = errors.rule('key_fields_mismatch', `材料记载的${f.mismatches.map((m) => m.label).join('、')}与档案不一致，须退回 / The material’s key fields differ from the archive; return it`, { mismatches: f.mismatches });
  }
  out.scans = scansRequired(f.archive, f.active);
  if (f.scanFindings.length) out.scans = errors.rule('scan_check', '扫描件不合格，须退回 / The scans do not pass; return the material', { findings: f.scanFindings });
  return out;
}

/** What the review of a received material weighs, read once per command. */
async function reviewFacts(q: Q, d: MaterialsDeps, intake: IntakeRow): Promise<ReviewFacts> {
  const cadre = await cadreStore.findCadre(q, intake.cadre_id);
  const archive = await archiveStore.findArchive(q, intake.archive_id);
  const active = await store.scansOf(q, intake.id, { activeOnly: true });
  return { mismatches: keyFieldMismatches(intake, cadre!), archive: archive!, active, scanFindings: active.length ? d.scans.precheck(intake, active) : [] };
}

/** The archive is leaving or has left: what comes for it goes to the new custodian, not into this catalogue. */
const leavingArchive = () =>
  errors.rule('archive_leaving', '该干部的档案正在转出或已转出，材料不能归入本档案，请按材料转递送交新的管档单位 / The cadre’s archive is being transferred or has left; send the material to its new custodian by material transfer', { field: 'decision' });

/** The matches for the English half of a message: "收材-2026-0001 (filed, 4-4-3), 4-4-5". */
const sameMaterialRefs = (list: store.SameMaterial[]) =>
  list.map((s) => (s.intakeNo ? `${s.intakeNo} (${[s.intakeStatus ? INTAKE_STATUSES[s.intakeStatus].en.toLowerCase() : '', s.seqNo ?? ''].filter(Boolean).join(', ')})` : String(s.seqNo))).join(', ');

/** The task page's early warning: 合格 on 接收鉴别 would be refused, and why. */
export function materialReviewChoices(d: MaterialsDeps): ChoiceCheck {
  return async (q, task) => {
    const intake = await store.intakeOfInstance(q, task.instance_id);
    if (!intake || intake.status !== 'received') return [];
    const blocks = acceptBlocks(await reviewFacts(q, d, intake));
    return [blocks.archive, blocks.keyFields, blocks.scans].filter((e) => !!e).map((e) => ({ field: 'decision', value: 'accept', message: e.message }));
  };
}

/** Whether a case is running and waiting at a step (a notice case of the first version never waits for the filing). */
async function waitsAt(q: Q, instanceId: string, elementId: string): Promise<boolean> {
  const inst = await q('process_instances').where({ id: instanceId }).first('status', 'active_elements');
  return inst?.status === 'running' && (JSON.parse(inst.active_elements ?? '[]') as string[]).includes(elementId);
}

/**
 * The hand-over that answered a collection notice will not be filed (withdrawn, terminated,
 * refused): the notice opens again, with its 督办 and a mail to the unit (collection-notice.bpmn
 * handoverUndone), so the missing material is chased again.
 */
/**
 * Locks the case of the notice an intake answered, before the step writes its own audit row: the
 * step may deliver to that case (undoNoticeAnswer, materialFiled), and a command on it (a process
 * administrator's 终止) locks the case first and the audit chain's head last — taken the other way
 * round, the two deadlock on PostgreSQL (workflow/held-tasks.ts lockCases says the same).
 */
async function lockNoticeCase(q: Trx, intake: IntakeRow): Promise<void> {
  if (!intake.notice_id) return;
  const notice = await store.findNotice(q, intake.notice_id);
  if (notice?.instance_id) await forUpdate(q, q('process_instances').where({ id: notice.instance_id }).select('id'));
}

export async function undoNoticeAnswer(q: Trx, d: Pick<MaterialsDeps, 'engine'>, intake: IntakeRow, actor: Actor | null): Promise<void> {
  if (!intake.notice_id) return;
  const notice = await store.lockNotice(q, intake.notice_id);
  if (!notice || notice.status !== 'answered' || notice.intake_id !== intake.id) return;
  if (!(await waitsAt(q, notice.instance_id, 'materialFiled'))) return;
  await d.engine.deliver(q, notice.instance_id, 'handoverUndone', { undoneBy: intake.intake_no }, actor);
}

export function intakeServices(d: MaterialsDeps) {
  const { clock, audit } = d;

  /** The case's intake, locked, in the state the step expects; with the worker's 规避 checked. */
  async function intakeAt(ctx: ServiceContext, status: IntakeStatus, avoid: boolean): Promise<IntakeRow> {
    const intake = await store.lockIntake(ctx.trx, idVar(ctx, 'intakeId'));
    if (!intake) throw errors.notFound('Material intake');
    if (intake.status !== status) throw errors.conflict('INTAKE_STATE', `材料状态为“${INTAKE_STATUSES[intake.status].zh}”，不能办理此步骤 / The intake is ${intake.status}, not ${status}`);
    if (avoid) await assertNotAvoided(ctx.trx, d.access, actorOf(ctx), intake.cadre_id);
    return intake;
  }

  async function registerMaterial(ctx: ServiceContext) {
    const actor = actorOf(ctx);
    const v = ctx.variables;
    const now = clock.now();
    const today = beijingDay(now);
    // Producers cannot search cadres: the name and the ID number must both match one record, and a
    // miss answers the same whichever of the two was wrong.
    const idNumber = String(v.cadreIdNumber).trim().toUpperCase();
    const cadre = await cadreStore.findCadreByIdNumber(ctx.trx, idNumber);
    if (!cadre || cadre.name !== String(v.cadreName).trim()) {
      throw errors.rule('cadre_not_found', '未找到姓名与身份证号相符的干部 / No cadre has this name and ID number');
    }
    const archive = (await archiveStore.archivesOfCadre(ctx.trx, cadre.id)).find((a) => a.kind === 'original');
    // Decision (README): an archive held outside Dangan is out of scope; such a material goes by
    // 散材料转递 to its custodian, outside this process.
    // An archive being transferred leaves with what it holds now: a material filed into it stays
    // behind on paper. It goes by 材料转递 to the new custodian (DOMAIN.md §6.5.5). Decision (README):
    // only a producer of the cadre's own unit — usually the one who arranged the move — is told the
    // archive is leaving; a producer of another unit gets the answer of an archive not held, which
    // names both causes, so that a right name/ID pair does not reveal a move before it is announced.
    const leaving = archive?.status === 'transferring';
    if (!archive || GONE.includes(archive.status) || (leaving && cadre.org_unit_id !== actor.orgUnitId)) {
      throw errors.rule('archive_not_held', '该干部的档案不由本系统的管档单位保管或正在转出，请按材料转递送交其管档单位 / The cadre’s archive is not held by an office in this system or is being transferred; send the material to its custodian by material transfer');
    }
    if (leaving) throw leavingArchive();
    const problem = registrationProblems(v, today);
    if (problem) throw errors.rule(problem.rule, problem.message, problem.details);
    const beforeBirth = formedBeforeBirth(String(v.formedDate), cadre);
    if (beforeBirth) throw beforeBirth;
    const category = (await catalog.listCategories(ctx.trx)).find((c) => c.code === v.categoryCode);
    if (!category || !category.active || category.divided) throw errors.validation([{ field: 'categoryCode', message: '无此类别 / unknown category' }]);

    // The same material handed over twice (a second registration of one document) would be filed
    // twice: refused unless the producer confirms it is a different material and says why. The unit
    // is told of its own hand-overs only (number and status, no 序号): a match in the catalogue or
    // from another unit is not told to a producer, lest the refusal answer what an archive holds;
    // the archivist's 接收鉴别 shows every match (service.ts, sameMaterials).
    const title = String(v.title).trim();
    const same = await store.sameMaterials(ctx.trx, { cadreId: cadre.id, archiveId: archive.id, categoryCode: category.code, formedDate: String(v.formedDate), title, producerOrgId: actor.orgUnitId });
    const notDuplicateReason = v.notDuplicate === true ? str(v.notDuplicateReason) : null;
    if (same.length && v.notDuplicate !== true) {
      throw errors.rule(
        'duplicate_material',
        `该干部已有同名、同类别、同形成时间的材料：${store.sameMaterialText(same, (s) => INTAKE_STATUSES[s].zh)}。请勿重复移交（被退回的请补正后重新移交）；确属另一份材料的，勾选“确属另一份材料”并写明理由 / The same material (title, category, formation date) was already handed over or filed for this cadre: ${sameMaterialRefs(same)}. Do not hand it over twice; if it is a different material, confirm so and give the reason`,
        { field: 'notDuplicate', matches: same },
      );
    }
    if (same.length && (!notDuplicateReason || notDuplicateReason.length < 2)) {
      throw errors.rule('duplicate_reason', '请写明与已移交材料不是同一份的理由 / Say why this is not the material already handed over', { field: 'notDuplicateReason', matches: same });
    }

    const { handoverDue, late } = handoverTerms(String(v.formedDate), today, ctx.params.materialHandoverMonths);
    const intakeNo = await caseNumber(ctx.trx, '收材', now);
    ctx.setBusinessKey(intakeNo);
    const at = iso(now);
    const noticeNo = str(v.noticeNo);
    const notice = await store.openNoticeFor(ctx.trx, { cadreId: cadre.id, producerOrgId: actor.orgUnitId, categoryCode: category.code, formedDate: String(v.formedDate), title, noticeNo });
    if (noticeNo && !notice) {
      throw errors.rule('notice_not_open', `催收通知 ${noticeNo} 不是本单位就该干部此类别材料的待移交通知 / Notice ${noticeNo} is not an open notice to your unit for this cadre and category`, { field: 'noticeNo' });
    }
    const intakeId = await store.insertIntake(ctx.trx, {
      intake_no: intakeNo,
      instance_id: ctx.instanceId,
      cadre_id: cadre.id,
      archive_id: archive.id,
      custodian_org_id: archive.custodian_org_id,
      producer_org_id: actor.orgUnitId,
      handler_id: actor.id,
      title,
      category_code: String(v.categoryCode),
      formed_date: String(v.formedDate),
      pages: Number(v.pages),
      is_copy: v.isCopy === true,
      copy_date: v.isCopy === true ? str(v.copyDate) : null,
      copy_sealed: v.isCopy === true && v.copySealed === true,
      approval_authority: str(v.approvalAuthority),
      approval_date: str(v.approvalDate),
      approval_doc_no: str(v.approvalDocNo),
      delivery_method: v.deliveryMethod === 'confidential' ? 'confidential' : 'hand',
      confidential_no: v.deliveryMethod === 'confidential' ? str(v.confidentialNo) : null,
      stated_name: String(v.statedName).trim(),
      stated_birth_date: String(v.statedBirthDate),
      stated_work_start_date: str(v.statedWorkStartDate),
      stated_party_join_date: str(v.statedPartyJoinDate),
      registered_at: at,
      handover_due: handoverDue,
      late,
      status: 'received',
      round: 1,
      notice_id: notice?.id ?? null,
      receiver_id: null,
      accepted_at: null,
      material_id: null,
      seq_no: null,
      filed_at: null,
      filed_by: null,
      updated_at: at,
    });
    await store.insertEvent(ctx.trx, { intake_id: intakeId, round: 1, kind: 'registered', actor_id: actor.id, at, comment: null, detail: JSON.stringify({ late, handoverDue, ...(same.length ? { sameAs: same, notDuplicateReason } : {}) }) });
    if (notice) {
      // The material a collection notice asked for has arrived: the notice is answered and its
      // hand-over deadline closes, in this same transaction; its case waits for the filing, and
      // opens the notice again should this hand-over be withdrawn or refused (undoNoticeAnswer).
      await store.updateNotice(ctx.trx, notice.id, { status: 'answered', intake_id: intakeId, closed_at: at });
      await d.engine.deliver(ctx.trx, notice.instance_id, 'materialArrived', { answeredBy: intakeNo }, actor);
    }
    await audit.record(ctx.trx, {
      actor,
      action: 'material.register',
      objectType: 'material_intake',
      objectId: intakeId,
      orgUnitId: archive.custodian_org_id,
      detail: { intakeNo, late, handoverDue, noticeNo: notice?.notice_no ?? null, ...(same.length ? { sameAs: same.map((x) => x.intakeNo ?? x.seqNo), notDuplicateReason } : {}) },
    });
    return {
      intakeId,
      intakeNo,
      cadreId: cadre.id,
      archiveId: archive.id,
      custodianOrgId: archive.custodian_org_id,
      producerOrgId: actor.orgUnitId,
      late,
      handoverDue,
      caseSubject: intakeSubject(title, cadre.name, late),
      orgScopes: { archivist: archive.custodian_org_id, archive_chief: archive.custodian_org_id },
      // The choices of 整理归档 and 补正 start as the usual way on, so a form (or an API client)
      // leaving them out files or resubmits (FEEL refuses a variable it does not know).
      filingAction: 'file',
      resubmitAction: 'resubmit',
    };
  }

  async function checkMaterialReview(ctx: ServiceContext) {
    const actor = actorOf(ctx);
    const intake = await intakeAt(ctx, 'received', true);
    const facts = await reviewFacts(ctx.trx, d, intake);
    const { mismatches, active, scanFindings } = facts;
    const passed = new Set(Array.isArray(ctx.variables.passedChecks) ? (ctx.variables.passedChecks as string[]) : []);
    const unchecked = REVIEW_CHECK_CODES.filter((c) => !passed.has(c));
    const at = iso(clock.now());
    const comment = String(ctx.variables.comment ?? '').trim();

    if (ctx.variables.decision === 'refuse') {
      // 拒收: the case ends, the unit is told why (the case's end and its comment); a notice it
      // answered is chased again.
      if (comment.length < 4) throw errors.rule('refuse_reason', '拒收须写明理由（至少 4 个字） / Give the reason for refusing (at least 4 characters)', { field: 'comment' });
      await lockNoticeCase(ctx.trx, intake);
      await store.updateIntake(ctx.trx, intake.id, { status: 'refused', receiver_id: actor.id, updated_at: at });
      await store.insertEvent(ctx.trx, { intake_id: intake.id, round: intake.round, kind: 'refused', actor_id: actor.id, at, comment, detail: JSON.stringify({ archiveStatus: facts.archive.status }) });
      await audit.record(ctx.trx, { actor, action: 'material.refuse', objectType: 'material_intake', objectId: intake.id, detail: { intakeNo: intake.intake_no, round: intake.round } });
      await undoNoticeAnswer(ctx.trx, d, intake, actor);
      return { reviewOutcome: 'refused' };
    }
    if (ctx.variables.decision === 'accept') {
      const blocks = acceptBlocks(facts);
      if (blocks.archive) throw blocks.archive;
      if (blocks.keyFields) throw blocks.keyFields;
      if (unchecked.length) {
        throw errors.rule('review_checklist', '鉴别要点未全部合格，须退回 / Not every review point passed; return the material', { unchecked: unchecked.map(reviewPoint) });
      }
      if (blocks.scans) throw blocks.scans;
      await store.updateIntake(ctx.trx, intake.id, { status: 'ledgered', receiver_id: actor.id, accepted_at: at, updated_at: at });
      await store.insertEvent(ctx.trx, { intake_id: intake.id, round: intake.round, kind: 'accepted', actor_id: actor.id, at, comment, detail: JSON.stringify({ scans: active.length }) });
      await audit.record(ctx.trx, { actor, action: 'material.accept', objectType: 'material_intake', objectId: intake.id, detail: { intakeNo: intake.intake_no, round: intake.round } });
      return { reviewOutcome: 'accepted' };
    }
    // The unit must learn what to correct: with every point ticked and nothing found by the system,
    // only the comment says it — "xx" does not.
    if (!unchecked.length && !mismatches.length && !scanFindings.length && comment.length < 10) {
      throw errors.rule('return_reason', '鉴别要点均合格时退回，须写明具体原因和补正要求（至少 10 个字），或取消不合格要点的勾选 / Every point passed: say what to correct (at least 10 characters) or untick the points that failed', { field: 'comment' });
    }
    await store.updateIntake(ctx.trx, intake.id, { status: 'returned', updated_at: at });
    await store.insertEvent(ctx.trx, {
      intake_id: intake.id,
      round: intake.round,
      kind: 'returned',
      actor_id: actor.id,
      at,
      comment,
      detail: JSON.stringify({ unchecked, mismatches, scanFindings }),
    });
    await audit.record(ctx.trx, {
      actor,
      action: 'material.return',
      objectType: 'material_intake',
      objectId: intake.id,
      detail: { intakeNo: intake.intake_no, round: intake.round, unchecked: unchecked.length, mismatches: mismatches.map((m) => m.field) },
    });
    return { reviewOutcome: 'returned', returnCount: intake.round };
  }

  async function recordResubmission(ctx: ServiceContext) {
    const actor = actorOf(ctx);
    const intake = await intakeAt(ctx, 'returned', false);
    const today = beijingDay(clock.now());
    // The returned points are corrected here (title, category, copy, approval, delivery): the form
    // of version 2 carries them, prefilled; a case on the first version's form keeps the
    // hand-over's values. Checked by the registration's rules.
    const given = ctx.variables;
    const keep = (key: string, value: unknown) => (given[key] === undefined && given.title === undefined ? value : given[key]);
    const v: Record<string, unknown> = {
      ...given,
      title: keep('title', intake.title),
      categoryCode: keep('categoryCode', intake.category_code),
      isCopy: keep('isCopy', intake.is_copy),
      copyDate: keep('copyDate', intake.copy_date),
      copySealed: keep('copySealed', intake.copy_sealed),
      approvalAuthority: keep('approvalAuthority', intake.approval_authority),
      approvalDate: keep('approvalDate', intake.approval_date),
      approvalDocNo: keep('approvalDocNo', intake.approval_doc_no),
      deliveryMethod: keep('deliveryMethod', intake.delivery_method),
      confidentialNo: keep('confidentialNo', intake.confidential_no),
    };
    const formed = String(v.formedDate);
    const title = String(v.title ?? '').trim();
    if (!title) throw errors.validation([{ field: 'title', message: '必填 / required' }]);
    const problem = registrationProblems(v, today);
    if (problem) throw errors.rule(problem.rule, problem.message, problem.details);
    const cadre = (await cadreStore.findCadre(ctx.trx, intake.cadre_id))!;
    const beforeBirth = formedBeforeBirth(formed, cadre);
    if (beforeBirth) throw beforeBirth;
    const category = (await catalog.listCategories(ctx.trx)).find((c) => c.code === v.categoryCode);
    if (!category || !category.active || category.divided) throw errors.validation([{ field: 'categoryCode', message: '无此类别 / unknown category' }]);
    // A new formation date is a different document handed over today: its period is counted again
    // from that date, and this resubmission is its hand-over (README "材料收集归档").
    let { late, handover_due: handoverDue } = intake;
    if (formed !== intake.formed_date) ({ handoverDue, late } = handoverTerms(formed, today, ctx.params.materialHandoverMonths));
    const at = iso(clock.now());
    const before = {
      title: intake.title,
      categoryCode: intake.category_code,
      formedDate: intake.formed_date,
      pages: intake.pages,
      isCopy: intake.is_copy,
      copyDate: intake.copy_date,
      copySealed: intake.copy_sealed,
      approvalAuthority: intake.approval_authority,
      approvalDate: intake.approval_date,
      approvalDocNo: intake.approval_doc_no,
      deliveryMethod: intake.delivery_method,
      confidentialNo: intake.confidential_no,
      late: intake.late,
      handoverDue: intake.handover_due,
      statedName: intake.stated_name,
      statedBirthDate: intake.stated_birth_date,
      statedWorkStartDate: intake.stated_work_start_date,
      statedPartyJoinDate: intake.stated_party_join_date,
    };
    const round = intake.round + 1;
    const isCopy = v.isCopy === true;
    const confidential = v.deliveryMethod === 'confidential';
    await store.updateIntake(ctx.trx, intake.id, {
      status: 'received',
      round,
      title,
      category_code: category.code,
      formed_date: formed,
      pages: Number(v.pages),
      is_copy: isCopy,
      copy_date: isCopy ? str(v.copyDate) : null,
      copy_sealed: isCopy && v.copySealed === true,
      approval_authority: str(v.approvalAuthority),
      approval_date: str(v.approvalDate),
      approval_doc_no: str(v.approvalDocNo),
      delivery_method: confidential ? 'confidential' : 'hand',
      confidential_no: confidential ? str(v.confidentialNo) : null,
      handover_due: handoverDue,
      late,
      stated_name: String(v.statedName).trim(),
      stated_birth_date: String(v.statedBirthDate),
      stated_work_start_date: str(v.statedWorkStartDate),
      stated_party_join_date: str(v.statedPartyJoinDate),
      updated_at: at,
    });
    await store.insertEvent(ctx.trx, { intake_id: intake.id, round, kind: 'resubmitted', actor_id: actor.id, at, comment: String(v.correction ?? '').trim(), detail: JSON.stringify({ before, late, handoverDue }) });
    await audit.record(ctx.trx, { actor, action: 'material.resubmit', objectType: 'material_intake', objectId: intake.id, detail: { intakeNo: intake.intake_no, round, late, handoverDue } });
    return { round, late, handoverDue, caseSubject: intakeSubject(title, cadre.name, late) };
  }

  /**
   * What the archivist files differs from what was handed over only with a reason written down: a
   * category other than the proposed one, a page count other than the hand-over's. A material filed
   * under 9-2 shows its approval (from the hand-over, or given now), as at registration.
   */
  async function filingChanges(ctx: ServiceContext, intake: IntakeRow) {
    const v = ctx.variables;
    // The filing form's own names (filedCategoryCode …), so that the hand-over's values in the
    // application (拟归类别, 页数) stay what the producer wrote; a case on a version before them
    // filed with categoryCode and pages.
    const filed = (key: string) => (v[`filed${key[0].toUpperCase()}${key.slice(1)}`] ?? v[key]) as unknown;
    const categoryCode = String(filed('categoryCode'));
    const pages = Number(filed('pages'));
    const categoryReason = str(v.categoryReason);
    const pagesReason = str(v.pagesReason);
    const proposedLabel = (await store.categoryLabel(ctx.trx, intake.category_code)) ?? intake.category_code;
    if (categoryCode !== intake.category_code && !categoryReason) {
      throw errors.rule('category_reason', `归入的类别与移交时拟归的“${proposedLabel}”不同，须写明理由 / The category differs from the one proposed at hand-over (${intake.category_code}); give the reason`, {
        field: 'categoryReason',
        proposed: intake.category_code,
      });
    }
    if (pages !== intake.pages && !pagesReason) {
      throw errors.rule('pages_reason', `页数与移交登记的 ${intake.pages} 页不同，须写明原因 / The page count differs from the ${intake.pages} handed over; give the reason`, {
        field: 'pagesReason',
        handedOver: intake.pages,
      });
    }
    const approval = {
      approvalAuthority: str(v.filedApprovalAuthority) ?? intake.approval_authority,
      approvalDate: str(v.filedApprovalDate) ?? intake.approval_date,
      approvalDocNo: str(v.filedApprovalDocNo) ?? intake.approval_doc_no,
    };
    const appointment = appointmentProblems({ categoryCode, ...approval }, beijingDay(clock.now()));
    if (appointment) {
      const missing = (appointment.details?.missing as string[] | undefined) ?? [];
      const field = missing[0] ?? 'approvalDate';
      throw errors.rule(appointment.rule, appointment.message, { ...appointment.details, field: `filed${field[0].toUpperCase()}${field.slice(1)}` });
    }
    const changed = categoryCode !== intake.category_code || pages !== intake.pages;
    return {
      categoryCode,
      pages,
      approval: categoryCode === APPOINTMENT_CATEGORY ? approval : null,
      // What the filing changed, for the intake record: the hand-over's values and the reasons.
      changes: changed
        ? {
            handedOver: { categoryCode: intake.category_code, categoryLabel: proposedLabel, pages: intake.pages },
            ...(categoryCode !== intake.category_code ? { categoryReason } : {}),
            ...(pages !== intake.pages ? { pagesReason } : {}),
          }
        : null,
    };
  }

  async function fileIntoCatalogue(ctx: ServiceContext) {
    const actor = actorOf(ctx);
    const intake = await intakeAt(ctx, 'ledgered', true);
    await lockNoticeCase(ctx.trx, intake); // before fileMaterial's audit rows and ours
    const archive = (await archiveStore.findArchive(ctx.trx, intake.archive_id))!;
    // What was true at 接收鉴别 may not be now: the archive went away, or a 信息更正 changed the
    // record the key fields were compared with (DOMAIN.md §1.2.5). The way out is 退回接收鉴别.
    if (LEAVING_OR_GONE.includes(archive.status)) {
      throw errors.rule('archive_leaving', '档案正在转出或已转出，材料不能归入本档案：请选“退回接收鉴别”后拒收，材料按材料转递送交新的管档单位 / The archive is being transferred or has left: choose “back to review” and refuse the material; it goes to the new custodian', { field: 'filingAction', status: archive.status });
    }
    const cadre = (await cadreStore.findCadre(ctx.trx, intake.cadre_id))!;
    const mismatches = keyFieldMismatches(intake, cadre);
    if (mismatches.length) {
      throw errors.rule('key_fields_mismatch', `材料记载的${mismatches.map((m) => m.label).join('、')}与档案不一致（档案已更正），不能归档：请选“退回接收鉴别”后退回补正 / The material’s key fields no longer match the archive; choose “back to review” and return it`, { field: 'filingAction', mismatches });
    }
    const active = await store.scansOf(ctx.trx, intake.id, { activeOnly: true });
    const missing = scansRequired(archive, active);
    if (missing) throw missing;
    const filing = await filingChanges(ctx, intake);
    const remark = str(ctx.variables.remark) ?? (intake.is_copy ? '复印件' : null);
    const material = await d.archives.fileMaterial(ctx.trx, {
      archiveId: intake.archive_id,
      categoryCode: filing.categoryCode,
      title: intake.title,
      formedDate: intake.formed_date,
      pages: filing.pages,
      isCopy: intake.is_copy,
      copyDate: intake.copy_date,
      remark,
      producerOrgId: intake.producer_org_id,
      instanceId: ctx.instanceId,
      actor: { id: actor.id, username: actor.username },
      // The pages counted at filing must be the pages scanned: the archive's own check decides.
      scans: active.map((s) => d.scans.pathOf(s)),
    });
    const at = iso(clock.now());
    // The ledger says what was filed: the category, the pages and the 序号 of the catalogue row.
    await store.updateIntake(ctx.trx, intake.id, {
      status: 'filed',
      category_code: material.category_code,
      pages: material.pages,
      ...(filing.approval
        ? { approval_authority: filing.approval.approvalAuthority, approval_date: filing.approval.approvalDate, approval_doc_no: filing.approval.approvalDocNo }
        : {}),
      material_id: material.id,
      seq_no: material.seq_no,
      filed_at: at,
      filed_by: actor.id,
      updated_at: at,
    });
    await store.insertEvent(ctx.trx, {
      intake_id: intake.id,
      round: intake.round,
      kind: 'filed',
      actor_id: actor.id,
      at,
      comment: remark,
      detail: JSON.stringify({ materialId: material.id, seqNo: material.seq_no, categoryCode: material.category_code, pages: material.pages, scans: active.length, ...filing.changes }),
    });
    await audit.record(ctx.trx, {
      actor,
      action: 'material.file',
      objectType: 'material',
      objectId: material.id,
      detail: { intakeNo: intake.intake_no, archiveId: material.archive_id, seqNo: material.seq_no, scans: active.length, ...(filing.changes ? { handedOver: filing.changes.handedOver } : {}) },
    });
    if (intake.notice_id) {
      const notice = await store.findNotice(ctx.trx, intake.notice_id);
      if (notice?.intake_id === intake.id && (await waitsAt(ctx.trx, notice.instance_id, 'materialFiled'))) {
        await d.engine.deliver(ctx.trx, notice.instance_id, 'materialFiled', { filedAs: material.seq_no }, actor);
      }
    }
    return { materialId: material.id, seqNo: material.seq_no };
  }

  /** 退回接收鉴别 from 整理归档: the material is reviewed again (then returned to the unit or refused). */
  async function returnToReview(ctx: ServiceContext) {
    const actor = actorOf(ctx);
    const intake = await intakeAt(ctx, 'ledgered', true);
    const reason = str(ctx.variables.backReason);
    if (!reason || reason.length < 4) throw errors.rule('back_reason', '须写明退回接收鉴别的原因 / Give the reason for sending it back to review', { field: 'backReason' });
    const at = iso(clock.now());
    await store.updateIntake(ctx.trx, intake.id, { status: 'received', accepted_at: null, updated_at: at });
    await store.insertEvent(ctx.trx, { intake_id: intake.id, round: intake.round, kind: 'reviewAgain', actor_id: actor.id, at, comment: reason, detail: null });
    await audit.record(ctx.trx, { actor, action: 'material.review_again', objectType: 'material_intake', objectId: intake.id, detail: { intakeNo: intake.intake_no, round: intake.round } });
    // The next 整理归档 files unless it says otherwise again.
    return { filingAction: 'file' };
  }

  /** The producer gives up a returned hand-over (撤回移交 on the resubmit step): the case ends withdrawn. */
  async function withdrawReturnedIntake(ctx: ServiceContext) {
    const actor = actorOf(ctx);
    const intake = await intakeAt(ctx, 'returned', false);
    await lockNoticeCase(ctx.trx, intake);
    const at = iso(clock.now());
    await store.updateIntake(ctx.trx, intake.id, { status: 'withdrawn', updated_at: at });
    await store.insertEvent(ctx.trx, { intake_id: intake.id, round: intake.round, kind: 'withdrawn', actor_id: actor.id, at, comment: str(ctx.variables.correction), detail: null });
    await audit.record(ctx.trx, { actor, action: 'material.withdraw', objectType: 'material_intake', objectId: intake.id, detail: { intakeNo: intake.intake_no, round: intake.round } });
    await undoNoticeAnswer(ctx.trx, d, intake, actor);
    return {};
  }

  return { registerMaterial, checkMaterialReview, recordResubmission, fileIntoCatalogue, returnToReview, withdrawReturnedIntake };
}
