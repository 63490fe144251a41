// The service tasks of digitisation-batch.bpmn (数字化出库/回库, DOMAIN.md §3), each inside the engine
// command's transaction with its audit row:
//   openDigitisationBatch     出库登记: the start check — 1 to MAX_BATCH_ARCHIVES numbers, none twice,
//                             each held by the starter's own office, on the shelf, not avoided by the
//                             starter, in no other open batch; a return date from today to
//                             DIGITISATION_MAX_DAYS ahead — then the batch and its case number;
//   decideDigitisationBatch   出库审批 recorded (approved / rejected), never by the one who asked;
//   checkOutDigitisationBatch 出库交接: every archive still on the shelf → 数字化中; one that is not
//                             refuses the whole hand-over, unless the archivist leaves such archives
//                             out of the batch with a reason (the rest go out; never all of them);
//   returnDigitisationBatch   回库登记: every archive still out → 在库, or (部分回库) those listed —
//                             the rest stay 数字化中, the batch stays out, optionally with a new
//                             expected return date, and the diagram loops back to 回库登记.
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
import { systemReason } from '../archives/status-reason.ts';
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

/** 'Archive A is' / 'Archives A, B are': the English half of a message naming archives. */
const archivesAre = (nos: string[]) => (nos.length === 1 ? `Archive ${nos[0]} is` : `Archives ${nos.join(', ')} are`);

const NOT_HELD = (archiveNos: string[]) =>
  errors.rule('archive_not_held', `档案号 ${listed(archiveNos)} 不是本室保管的档案 / ${archivesAre(archiveNos)} not held by your office`, { archiveNos });

const NOT_ON_SHELF = (archiveNos: string[], statuses: string[]) =>
  errors.rule('archive_not_on_shelf', `档案 ${listed(archiveNos)} 不在库（${[...new Set(statuses)].join('、')}），不能出库 / ${archivesAre(archiveNos)} not on the shelf`, { archiveNos });

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
    if (twice.length) throw errors.rule('archive_duplicates', `档案号 ${listed(twice)} 重复填写 / ${archivesAre(twice)} listed twice`, { archiveNos: twice });

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
      throw errors.rule('archive_in_open_batch', `档案 ${listed(nos)} 已在未办结的数字化批次 ${cases.join('、')} 中 / ${archivesAre(nos)} in an open batch already`, { archiveNos: nos, caseNos: cases });
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
    const v = ctx.variables;
    if (v.counted !== true) {
      throw errors.rule('handover_checks', '出库前须按清单逐份清点，交接双方签字 / Count every archive against the list and sign the hand-over first');
    }
    const batch = await lockedBatch(ctx);
    if (batch.status !== 'approved') throw wrongState(batch, 'approved');
    const items = (await store.itemsOf(ctx.trx, batch.id)).filter((i) => !i.left_out_at);
    const archives = new Map((await store.lockArchives(ctx.trx, items.map((i) => i.archive_id))).map((a) => [a.id, a]));
    // Every archive must still stand on the office's shelf (one lent meanwhile has not come back).
    // The archivist may leave such archives out of the batch, with a reason (the form's
    // leaveOutAway): the rest go out. Otherwise nothing leaves, and the answer names them and says so.
    const away = items.filter((i) => {
      const a = archives.get(i.archive_id);
      return !a || a.custodian_org_id !== batch.custodian_org_id || !ON_SHELF.includes(a.status);
    });
    const at = iso(ctx.clock.now());
    if (away.length) {
      const nos = away.map((i) => archives.get(i.archive_id)?.archive_no ?? i.archive_no);
      const statuses = [...new Set(away.map((i) => statusLabel(archives.get(i.archive_id)?.status ?? '')))].join('、');
      if (v.leaveOutAway !== true) {
        throw errors.rule(
          'archive_not_on_shelf',
          `档案 ${listed(nos)} 不在库（${statuses}），不能出库。可勾选“不在库的档案移出本批”并写明原因，其余档案照常出库；或待其回库后再交接 / ${archivesAre(nos)} not on the shelf: tick “leave the archives not on the shelf out of this batch” and give the reason to hand over the rest, or wait until ${nos.length === 1 ? 'it is' : 'they are'} back`,
          { archiveNos: nos, leaveOut: true },
        );
      }
      if (away.length === items.length) {
        throw errors.rule(
          'nothing_to_hand_over',
          `本批档案均不在库（${statuses}），无可出库：待其回库后再交接，或请流程管理员在运行监控中终止本案 / No archive of the batch is on the shelf: hand over once they are back, or ask the process administrator to terminate the case`,
          { archiveNos: nos },
        );
      }
      const why = str(v.leaveOutReason);
      if (!why) throw errors.rule('leave_out_reason', '请写明移出本批的原因 / Give the reason for leaving the archives out', { archiveNos: nos });
      for (const i of away) await store.updateItem(ctx.trx, i.id, { left_out_at: at, left_out_reason: why.slice(0, 500) });
      await audit.record(ctx.trx, { actor, action: 'digitisation_batch.leave_out', objectType: 'digitisation_batch', objectId: batch.id, detail: { caseNo: batch.case_no, archiveNos: nos, reason: why.slice(0, 500) } });
    }
    const going = items.filter((i) => !away.includes(i));
    const reason = systemReason('digitisation_out', { caseNo: batch.case_no, purpose: batch.purpose });
    const who = { id: actor.id, username: actor.username };
    for (const i of going) {
      const before = archives.get(i.archive_id)!.status;
      await d.archives.changeArchiveStatus(ctx.trx, { archiveId: i.archive_id, to: 'digitizing', reason, actor: who, instanceId: ctx.instanceId });
      await store.updateItem(ctx.trx, i.id, { status_before: before, out_at: at });
    }
    await store.updateBatch(ctx.trx, batch.id, { status: 'out', handed_over_by: actor.id, out_at: at, updated_at: at });
    // 督办: due at the end of the expected return day; it closes when the case ends (回库登记).
    await d.deadlines.openDeadline(ctx.trx, {
      kind: 'digitisation_return',
      subject: { code: 'digitisation_out', params: { caseNo: batch.case_no, count: going.length } },
      instanceId: ctx.instanceId,
      dueAt: batch.expected_return_date,
      orgUnitId: batch.custodian_org_id,
      custodianOrgId: batch.custodian_org_id,
    });
    await audit.record(ctx.trx, { actor, action: 'digitisation_batch.out', objectType: 'digitisation_batch', objectId: batch.id, detail: { caseNo: batch.case_no, archives: going.length, leftOut: away.length } });
  }

  async function returnDigitisationBatch(ctx: ServiceContext) {
    const actor = actorOf(ctx);
    const v = ctx.variables;
    if (v.complete !== true) {
      throw errors.rule('return_checks', '回库前须按清单逐份清点、装订复原 / Count every archive against the list and restore its binding first');
    }
    const batch = await lockedBatch(ctx);
    if (batch.status !== 'out') throw wrongState(batch, 'out');
    // The archives still away: handed over, not left out, not registered back in an earlier round.
    const outstanding = (await store.itemsOf(ctx.trx, batch.id)).filter((i) => i.out_at && !i.back_at && !i.left_out_at);
    const archives = new Map((await store.lockArchives(ctx.trx, outstanding.map((i) => i.archive_id))).map((a) => [a.id, a]));
    // 部分回库 (the form's `partial`, version 2 of the diagram): only the numbers listed come back;
    // the rest stay 数字化中 and the case waits at 回库登记 again. Without it every archive is back.
    let back = outstanding;
    if (v.partial === true) {
      const typed = [...new Set(parseArchiveNos(v.returnedArchiveNos))];
      if (!typed.length) throw errors.rule('return_none', '请填写本次回库的档案号 / List the archives that came back', {});
      const byNo = new Map<string, (typeof outstanding)[number]>();
      for (const i of outstanding) {
        byNo.set(i.archive_no.toUpperCase(), i);
        const now = archives.get(i.archive_id)?.archive_no;
        if (now) byNo.set(now.toUpperCase(), i);
      }
      const unknown = typed.filter((n) => !byNo.has(n));
      if (unknown.length) {
        throw errors.rule('return_not_out', `档案号 ${listed(unknown)} 不是本批尚未回库的档案 / ${unknown.length === 1 ? `Archive ${unknown[0]} is not an archive` : `Archives ${unknown.join(', ')} are not archives`} of this batch still out`, { archiveNos: unknown });
      }
      back = [...new Set(typed.map((n) => byNo.get(n)!))];
    }
    const missing = outstanding.filter((i) => !back.includes(i));
    const today = beijingDay(ctx.clock.now());
    let expected = batch.expected_return_date;
    if (missing.length) {
      const note = str(v.missingNote);
      if (!note) throw errors.rule('missing_note', '请写明未回库档案的去向和原因 / Say where the archives not returned are and why', { archiveNos: missing.map((i) => i.archive_no) });
      if (v.newExpectedReturnDate !== undefined && v.newExpectedReturnDate !== null && v.newExpectedReturnDate !== '') {
        const latest = addCalendarDays(today, ctx.params.digitisationMaxDays);
        const day = String(v.newExpectedReturnDate);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || day < today || day > latest) {
          throw errors.rule('return_date', `预计回库日期须在 ${today} 至 ${latest} 之间 / The expected return date must lie between ${today} and ${latest}`, { earliest: today, latest, maxDays: ctx.params.digitisationMaxDays });
        }
        expected = day;
      }
    }
    const reason = systemReason('digitisation_back', { caseNo: batch.case_no });
    const who = { id: actor.id, username: actor.username };
    const at = iso(ctx.clock.now());
    for (const i of back) {
      await d.archives.changeArchiveStatus(ctx.trx, { archiveId: i.archive_id, to: 'in_stock', reason, actor: who, instanceId: ctx.instanceId });
      // 数字化中 goes back to 在库 only (codes.ts); an archive that left as 离退 or 死亡 takes that
      // status again with a second recorded move, so the register says what it said before.
      if (i.status_before === 'retired' || i.status_before === 'deceased') {
        await d.archives.changeArchiveStatus(ctx.trx, { archiveId: i.archive_id, to: i.status_before, reason: systemReason('digitisation_restore', { caseNo: batch.case_no, status: i.status_before }), actor: who, instanceId: ctx.instanceId });
      }
      await store.updateItem(ctx.trx, i.id, { back_at: at });
    }
    const late = today > batch.expected_return_date;
    const stillOut = missing.map((i) => archives.get(i.archive_id)?.archive_no ?? i.archive_no);
    // Each 回库登记 is kept (the batch page's 回库记录): who, when, which archives, the note, the
    // expected date before and after — the case's variables forget the form once it is done.
    await store.insertReturn(ctx.trx, {
      batch_id: batch.id,
      returned_by: actor.id,
      returned_at: at,
      archive_nos: JSON.stringify(back.map((i) => archives.get(i.archive_id)?.archive_no ?? i.archive_no)),
      still_out_nos: JSON.stringify(stillOut),
      note: missing.length ? str(v.missingNote)!.slice(0, 500) : null,
      expected_before: batch.expected_return_date,
      expected_after: expected,
    });
    if (missing.length) {
      // The batch stays out; a new expected date moves the 督办 and the next 回库登记's due date.
      await store.updateBatch(ctx.trx, batch.id, { expected_return_date: expected, updated_at: at });
      const subject = { code: 'digitisation_missing' as const, params: { caseNo: batch.case_no, count: missing.length } };
      const place = { kind: 'digitisation_return' as const, instanceId: ctx.instanceId, orgUnitId: batch.custodian_org_id, custodianOrgId: batch.custodian_org_id };
      const cur = await d.deadlines.openOf(ctx.trx, ctx.instanceId, 'digitisation_return');
      if (expected !== batch.expected_return_date || !cur) {
        // A date moved does not rewrite the 督办 row: the old one closes now (closed late when its
        // day has passed — the overdue fact stays on record) and a new one opens for the new day.
        await d.deadlines.closeDeadline(ctx.trx, { instanceId: ctx.instanceId, kind: 'digitisation_return' });
        await d.deadlines.openDeadline(ctx.trx, { ...place, subject, dueAt: expected });
      } else {
        // Same day: the row stays, its subject counts the archives still out; its light is unchanged.
        await d.deadlines.openDeadline(ctx.trx, { ...place, subject, dueAt: cur.due_at, warnAt: cur.warn_at });
      }
    } else {
      await store.updateBatch(ctx.trx, batch.id, { status: 'returned', returned_by: actor.id, returned_at: at, updated_at: at });
    }
    await audit.record(ctx.trx, {
      actor,
      action: missing.length ? 'digitisation_batch.return_part' : 'digitisation_batch.return',
      objectType: 'digitisation_batch',
      objectId: batch.id,
      detail: missing.length
        ? { caseNo: batch.case_no, late, returned: back.length, stillOut, note: str(v.missingNote)!.slice(0, 500), expectedReturnDate: expected }
        : { caseNo: batch.case_no, late, returned: back.length },
    });
    return {
      returnedLate: late,
      allReturned: missing.length === 0,
      returnDueAt: iso(endOfBeijingDay(expected)),
      // The case's 申请概要 reads the start form's 预计回库日期 from the variables: a moved date is
      // the one it shows from now on (the 回库记录 keeps the date before and after each round).
      expectedReturnDate: expected,
      // A completion's fields stay in the case's variables: the next 回库登记 starts from none of these.
      complete: null,
      partial: null,
      returnedArchiveNos: null,
      missingNote: null,
      newExpectedReturnDate: null,
    };
  }

  return { openDigitisationBatch, decideDigitisationBatch, checkOutDigitisationBatch, returnDigitisationBatch };
}
