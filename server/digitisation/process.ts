// The service tasks of digitisation-batch.bpmn (数字化出库/回库, DOMAIN.md §3), each inside the engine
// command's transaction with its audit row:
//   openDigitisationBatch     出库登记: the start check — 1 to MAX_BATCH_ARCHIVES numbers, none twice,
//                             each held by the starter's own office, on the shelf, not avoided by the
//                             starter, in no other open batch; a return date from today to
//                             DIGITISATION_MAX_DAYS ahead — then the batch and its case number;
//   decideDigitisationBatch   出库审批 recorded (approved / rejected), never by the one who asked;
//   checkOutDigitisationBatch 出库交接: every archive still on the shelf → 数字化中 (or nothing moves);
//   returnDigitisationBatch   回库登记: every archive → 在库; the batch is returned.
// Each broken rule is a 422 RULE_VIOLATION naming the archive numbers; the command rolls back whole.
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { AccessRules } from '../access/rules.ts';
import type { ArchivesService } from '../archives/service.ts';
import type { AuditLog } from '../audit/service.ts';
import type { DeadlineService } from '../deadlines/service.ts';
import type { ServiceContext } from '../engine/types.ts';
import * as people from '../people/store.ts';
import { caseNumber } from '../shared/sequences.ts';
import { beijingDay, endOfBeijingDay } from '../notify/beijing.ts';
import { actorOf, addCalendarDays, idVar, str } from '../materials/deps.ts';
import { ARCHIVE_STATUSES, ON_SHELF, type ArchiveStatus } from '../archives/codes.ts';
import { MAX_BATCH_ARCHIVES, PURPOSES, type Purpose } from './codes.ts';
import * as store from './store.ts';
import type { BatchRow } from './store.ts';

export interface DigitisationDeps {
  audit: AuditLog;
  /** 督办: the expected return day of a batch that is out. */
  deadlines: DeadlineService;
  access: AccessRules;
  archives: ArchivesService;
}

/**
 * The numbers as typed: one a line (commas, spaces and 、 separate too), blanks dropped, in upper
 * case — a number is matched regardless of case, as the 库房核对 matches it.
 */
export const parseArchiveNos = (text: unknown): string[] =>
  String(typeof text === 'string' ? text : '')
    .split(/[\s,，、;；]+/)
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);

/** 'A、B、C' for a message, shortened after ten numbers (details carry them all). */
const listed = (nos: string[]) => (nos.length > 10 ? `${nos.slice(0, 10).join('、')} 等 ${nos.length} 份` : nos.join('、'));

const NOT_HELD = (archiveNos: string[]) =>
  errors.rule('archive_not_held', `档案号 ${listed(archiveNos)} 不是本室保管的档案 / Archive ${archiveNos.join(', ')} is not held by your office`, { archiveNos });

const NOT_ON_SHELF = (archiveNos: string[], statuses: string[]) =>
  errors.rule('archive_not_on_shelf', `档案 ${listed(archiveNos)} 不在库（${[...new Set(statuses)].join('、')}），不能出库 / Archive ${archiveNos.join(', ')} is not on the shelf`, { archiveNos });

const statusLabel = (s: string) => ARCHIVE_STATUSES[s as ArchiveStatus]?.zh ?? s;

export function digitisationServices(d: DigitisationDeps) {
  const { audit } = d;

  async function lockedBatch(ctx: ServiceContext): Promise<BatchRow> {
    const batch = await store.lockBatch(ctx.trx, idVar(ctx, 'batchId'));
    if (!batch) throw errors.notFound('Digitisation batch');
    return batch;
  }

  const wrongState = (batch: BatchRow, expected: string) =>
    errors.conflict('BATCH_STATE', `批次 ${batch.case_no} 的状态为 ${batch.status}，不是 ${expected} / Batch ${batch.case_no} is ${batch.status}, not ${expected}`);

  async function openDigitisationBatch(ctx: ServiceContext) {
    const actor = actorOf(ctx);
    const v = ctx.variables;
    const typed = parseArchiveNos(v.archiveNos);
    if (!typed.length || typed.length > MAX_BATCH_ARCHIVES) {
      throw errors.rule('archive_count', `一批须有 1 至 ${MAX_BATCH_ARCHIVES} 份档案 / A batch takes 1 to ${MAX_BATCH_ARCHIVES} archives`, { count: typed.length, max: MAX_BATCH_ARCHIVES });
    }
    const twice = [...new Set(typed.filter((n, i) => typed.indexOf(n) !== i))];
    if (twice.length) throw errors.rule('archive_duplicates', `档案号 ${listed(twice)} 重复填写 / Archive ${twice.join(', ')} is listed twice`, { archiveNos: twice });

    const purpose = String(v.purpose) as Purpose;
    if (!Object.hasOwn(PURPOSES, purpose)) throw errors.rule('purpose', '用途须为扫描、补扫或修裱 / The purpose is scanning, rescanning or repair', { purpose });

    // The return date: not before today, not beyond the longest time away (Beijing calendar days).
    const today = beijingDay(ctx.clock.now());
    const latest = addCalendarDays(today, ctx.params.digitisationMaxDays);
    const returnDate = String(v.expectedReturnDate ?? '');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(returnDate) || returnDate < today || returnDate > latest) {
      throw errors.rule('return_date', `预计回库日期须在 ${today} 至 ${latest} 之间 / The expected return date must lie between ${today} and ${latest}`, { earliest: today, latest, maxDays: ctx.params.digitisationMaxDays });
    }

    // Held by the starter's own office and not tied to the starter: an unknown number, another
    // office's and one the starter must avoid answer alike, so the answer tells nothing of the others.
    const office = await people.findOrgUnit(ctx.trx, actor.orgUnitId);
    const found = office?.is_custodian ? await store.lockArchivesByNo(ctx.trx, office.id, typed) : [];
    const excluded = new Set(await d.access.excludedCadreIds(ctx.trx, actor.id));
    const byNo = new Map(found.filter((a) => !excluded.has(a.cadre_id)).map((a) => [a.archive_no.toUpperCase(), a]));
    const notHeld = typed.filter((n) => !byNo.has(n));
    if (notHeld.length) throw NOT_HELD(notHeld);
    const archives = typed.map((n) => byNo.get(n)!);

    const away = archives.filter((a) => !ON_SHELF.includes(a.status));
    if (away.length) throw NOT_ON_SHELF(away.map((a) => a.archive_no), away.map((a) => statusLabel(a.status)));
    const taken = await store.inOpenBatches(ctx.trx, archives.map((a) => a.id));
    if (taken.length) {
      const nos = archives.filter((a) => taken.some((t) => t.archive_id === a.id)).map((a) => a.archive_no);
      const cases = [...new Set(taken.map((t) => t.case_no))];
      throw errors.rule('archive_in_open_batch', `档案 ${listed(nos)} 已在未办结的数字化批次 ${cases.join('、')} 中 / Archive ${nos.join(', ')} is in an open batch already`, { archiveNos: nos, caseNos: cases });
    }

    const now = ctx.clock.now();
    const caseNo = await caseNumber(ctx.trx, '数字化', now);
    ctx.setBusinessKey(caseNo);
    const at = iso(now);
    const batchId = await store.insertBatch(
      ctx.trx,
      {
        case_no: caseNo,
        instance_id: ctx.instanceId,
        custodian_org_id: office!.id,
        purpose,
        expected_return_date: returnDate,
        note: str(v.note),
        started_by: actor.id,
        status: 'review',
        chief_id: null,
        chief_decision: null,
        chief_comment: null,
        decided_at: null,
        handed_over_by: null,
        out_at: null,
        returned_by: null,
        returned_at: null,
        created_at: at,
        updated_at: at,
      },
      archives,
    );
    await audit.record(ctx.trx, { actor, action: 'digitisation_batch.open', objectType: 'digitisation_batch', objectId: batchId, detail: { caseNo, archives: archives.length, purpose, expectedReturnDate: returnDate } });
    return {
      batchId,
      caseNo,
      custodianOrgId: office!.id,
      archiveCount: archives.length,
      caseSubject: `数字化出库：${archives.length} 份（${PURPOSES[purpose].zh}）`,
      // The 回库登记 is due at the end of the expected day (the task's due date, seen by 督办).
      returnDueAt: iso(endOfBeijingDay(returnDate)),
      orgScopes: { archivist: office!.id, archive_chief: office!.id, auth_leader: office!.parent_id },
    };
  }

  async function decideDigitisationBatch(ctx: ServiceContext) {
    const actor = actorOf(ctx);
    const batch = await lockedBatch(ctx);
    if (batch.status !== 'review') throw wrongState(batch, 'review');
    // Four eyes: the 出库申请 is approved by someone other than the one who asked for it.
    if (batch.started_by === actor.id) throw errors.rule('approver_is_starter', '出库申请须由申请人以外的负责人审批 / Someone other than the applicant approves the request');
    const decision = ctx.variables.decision === 'approve' ? 'approve' : 'reject';
    const at = iso(ctx.clock.now());
    await store.updateBatch(ctx.trx, batch.id, {
      status: decision === 'approve' ? 'approved' : 'rejected',
      chief_id: actor.id,
      chief_decision: decision,
      chief_comment: str(ctx.variables.comment),
      decided_at: at,
      updated_at: at,
    });
    await audit.record(ctx.trx, { actor, action: 'digitisation_batch.decide', objectType: 'digitisation_batch', objectId: batch.id, detail: { caseNo: batch.case_no, decision } });
    return { outcome: decision === 'approve' ? 'approved' : 'rejected' };
  }

  async function checkOutDigitisationBatch(ctx: ServiceContext) {
    const actor = actorOf(ctx);
    if (ctx.variables.counted !== true) {
      throw errors.rule('handover_checks', '出库前须按清单逐份清点，交接双方签字 / Count every archive against the list and sign the hand-over first');
    }
    const batch = await lockedBatch(ctx);
    if (batch.status !== 'approved') throw wrongState(batch, 'approved');
    const items = await store.itemsOf(ctx.trx, batch.id);
    const archives = new Map((await store.lockArchives(ctx.trx, items.map((i) => i.archive_id))).map((a) => [a.id, a]));
    // Every archive must still stand on the office's shelf (one lent meanwhile has not come back):
    // otherwise nothing leaves, and the answer names them.
    const away = items.filter((i) => {
      const a = archives.get(i.archive_id);
      return !a || a.custodian_org_id !== batch.custodian_org_id || !ON_SHELF.includes(a.status);
    });
    if (away.length) throw NOT_ON_SHELF(away.map((i) => archives.get(i.archive_id)?.archive_no ?? i.archive_no), away.map((i) => statusLabel(archives.get(i.archive_id)?.status ?? '')));
    const reason = `数字化出库 ${batch.case_no}（${PURPOSES[batch.purpose].zh}）`;
    const who = { id: actor.id, username: actor.username };
    const at = iso(ctx.clock.now());
    for (const i of items) {
      const before = archives.get(i.archive_id)!.status;
      await d.archives.changeArchiveStatus(ctx.trx, { archiveId: i.archive_id, to: 'digitizing', reason, actor: who, instanceId: ctx.instanceId });
      await store.updateItem(ctx.trx, i.id, { status_before: before, out_at: at });
    }
    await store.updateBatch(ctx.trx, batch.id, { status: 'out', handed_over_by: actor.id, out_at: at, updated_at: at });
    // 督办: due at the end of the expected return day; it closes when the case ends (回库登记).
    await d.deadlines.openDeadline(ctx.trx, {
      kind: 'digitisation_return',
      subject: `数字化出库 ${batch.case_no}（${items.length} 卷）`,
      instanceId: ctx.instanceId,
      dueAt: batch.expected_return_date,
      orgUnitId: batch.custodian_org_id,
      custodianOrgId: batch.custodian_org_id,
    });
    await audit.record(ctx.trx, { actor, action: 'digitisation_batch.out', objectType: 'digitisation_batch', objectId: batch.id, detail: { caseNo: batch.case_no, archives: items.length } });
  }

  async function returnDigitisationBatch(ctx: ServiceContext) {
    const actor = actorOf(ctx);
    if (ctx.variables.complete !== true) {
      throw errors.rule('return_checks', '回库前须按清单逐份清点、装订复原 / Count every archive against the list and restore its binding first');
    }
    const batch = await lockedBatch(ctx);
    if (batch.status !== 'out') throw wrongState(batch, 'out');
    const reason = `数字化回库 ${batch.case_no}`;
    const who = { id: actor.id, username: actor.username };
    const at = iso(ctx.clock.now());
    for (const i of await store.itemsOf(ctx.trx, batch.id)) {
      await d.archives.changeArchiveStatus(ctx.trx, { archiveId: i.archive_id, to: 'in_stock', reason, actor: who, instanceId: ctx.instanceId });
      // 数字化中 goes back to 在库 only (codes.ts); an archive that left as 离退 or 死亡 takes that
      // status again with a second recorded move, so the register says what it said before.
      if (i.status_before === 'retired' || i.status_before === 'deceased') {
        await d.archives.changeArchiveStatus(ctx.trx, { archiveId: i.archive_id, to: i.status_before, reason: `${reason}，恢复${statusLabel(i.status_before)}状态`, actor: who, instanceId: ctx.instanceId });
      }
      await store.updateItem(ctx.trx, i.id, { back_at: at });
    }
    await store.updateBatch(ctx.trx, batch.id, { status: 'returned', returned_by: actor.id, returned_at: at, updated_at: at });
    const late = beijingDay(ctx.clock.now()) > batch.expected_return_date;
    await audit.record(ctx.trx, { actor, action: 'digitisation_batch.return', objectType: 'digitisation_batch', objectId: batch.id, detail: { caseNo: batch.case_no, late } });
    return { returnedLate: late };
  }

  return { openDigitisationBatch, decideDigitisationBatch, checkOutDigitisationBatch, returnDigitisationBatch };
}
