// The engine services of a loan (借阅, DOMAIN.md §6.2): check-out against the catalogue with a
// snapshot, the archive 借出 and a due date on the 督办 list; the reminder and overdue records;
// renewal granted or refused (the borrower is told the return date each time); the face-to-face
// return check that puts the archive back 在库 or opens a loss report (第二十二条) that the chief
// completes.
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import { ProcessError } from '../engine/run.ts';
import type { ServiceContext, ServiceRegistry } from '../engine/types.ts';
import * as catalog from '../archives/catalog-store.ts';
import { formatInstant } from '../notify/beijing.ts';
import { caseVars } from '../notify/notices.ts';
import * as notifyStore from '../notify/store.ts';
import { oneLine } from '../notify/templates.ts';
import type { RequestDeps } from './deps.ts';
import { closeWithRegisterEntry } from './borrowing.ts';
import { assertOnShelf } from './availability.ts';
import { actorRef, endOfBeijingDay, loanTimers, plusDays, requestOf, today } from './kit.ts';
import * as store from './store.ts';
import type { LoanRow, RequestRow } from './store.ts';
import { systemReason } from '../archives/status-reason.ts';

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

async function loanOf(ctx: ServiceContext, req: RequestRow): Promise<LoanRow> {
  const loan = await store.loanOfRequest(ctx.trx, req.id);
  if (!loan) throw new ProcessError(`案件 ${req.case_no} 没有借出记录 / Case ${req.case_no} has no loan`);
  return loan;
}

export function registerLoanServices(registry: ServiceRegistry, deps: RequestDeps): void {
  const { archives, deadlines, notify } = deps;
  registry.receives('renewalRequested', '续借申请 / a renewal request (RequestService.requestRenewal)');

  const openDue = (ctx: ServiceContext, req: RequestRow, loan: Pick<LoanRow, 'borrower_org_id' | 'custodian_org_id'>, dueAt: Date) =>
    deadlines.openDeadline(ctx.trx, {
      kind: 'loan_due',
      subject: { code: 'loan', params: { caseNo: req.case_no } },
      instanceId: ctx.instanceId,
      dueAt,
      orgUnitId: loan.borrower_org_id,
      custodianOrgId: loan.custodian_org_id,
    });

  /** The borrower hears of the return date: when lent, and when a renewal is granted or refused. */
  const tellBorrower = async (ctx: ServiceContext, loan: Pick<LoanRow, 'borrower_id' | 'custodian_org_id'>, event: 'loan_lent' | 'renewal_decided', key: string, vars: Record<string, string>) => {
    const officeName = oneLine((await notifyStore.orgName(ctx.trx, loan.custodian_org_id)) ?? '档案室');
    await notify.notify(ctx.trx, {
      event,
      recipients: [{ userId: loan.borrower_id }],
      vars: { ...(await caseVars(ctx)), officeName, ...vars },
      link: { application: ctx.instanceId },
      instanceId: ctx.instanceId,
      key,
    });
  };

  /** 登记借出: the 出借清单 is the current catalogue; due at the end of the last Beijing day. */
  registry.register('registerLoan', async (ctx) => {
    if (ctx.variables.checkedAgainstCatalogue !== true || ctx.variables.sealed !== true) {
      throw errors.rule('checkout-checks', '出借前须对照目录逐份清点、密封，并由借阅人签字 / Before lending, check against the catalogue, seal the package and have the borrower sign');
    }
    const req = await requestOf(ctx);
    await assertOnShelf(ctx.trx, req, 'loan');
    const now = ctx.clock.now();
    const materials = await catalog.currentMaterials(ctx.trx, req.archive_id);
    const snapshot = materials.map((m) => ({ materialId: m.id, seqNo: m.seq_no, title: m.title, pages: m.pages }));
    await archives.changeArchiveStatus(ctx.trx, { archiveId: req.archive_id, to: 'on_loan', reason: systemReason('loan_out', { caseNo: req.case_no }), actor: actorRef(ctx), instanceId: ctx.instanceId });
    const due = endOfBeijingDay(plusDays(today(now), req.loan_days ?? ctx.params.maxLoanDays));
    const borrowerOrg = req.requester_org_id;
    const loanId = await store.insertLoan(ctx.trx, {
      request_id: req.id,
      archive_id: req.archive_id,
      borrower_id: req.initiator_id,
      borrower_org_id: borrowerOrg,
      custodian_org_id: req.custodian_org_id,
      checked_out_at: iso(now),
      checked_out_by: ctx.actor?.id ?? null,
      due_at: iso(due),
      snapshot: JSON.stringify(snapshot),
      material_count: snapshot.length,
      page_count: snapshot.reduce((n, m) => n + m.pages, 0),
      status: 'on_loan',
      returned_at: null,
      return_checked_by: null,
      check_result: null,
      check_note: null,
    });
    await openDue(ctx, req, { borrower_org_id: borrowerOrg, custodian_org_id: req.custodian_org_id }, due);
    await store.updateRequest(ctx.trx, req.id, { status: 'on_loan' });
    await tellBorrower(ctx, { borrower_id: req.initiator_id, custodian_org_id: req.custodian_org_id }, 'loan_lent', `lent:${ctx.instanceId}`, { lentAt: formatInstant(now), dueAt: formatInstant(due) });
    return { loanId, ...loanTimers(now, due) };
  });

  registry.register('recordLoanReminder', async (ctx) => {
    const loan = await loanOf(ctx, await requestOf(ctx));
    await store.insertLoanNotice(ctx.trx, { loan_id: loan.id, kind: 'due_soon', due_at: loan.due_at, at: iso(ctx.clock.now()) });
  });

  registry.register('recordLoanOverdue', async (ctx) => {
    const req = await requestOf(ctx);
    const loan = await loanOf(ctx, req);
    await store.insertLoanNotice(ctx.trx, { loan_id: loan.id, kind: 'overdue', due_at: loan.due_at, at: iso(ctx.clock.now()) });
    await store.updateLoan(ctx.trx, loan.id, { status: 'overdue' });
    await store.updateRequest(ctx.trx, req.id, { status: 'overdue' });
  });

  /** 续借获准: the due day moves by the renewal's days; the 督办 deadline and the timers follow. */
  registry.register('extendLoan', async (ctx) => {
    const req = await requestOf(ctx);
    const loan = await loanOf(ctx, req);
    const renewal = await store.pendingRenewal(ctx.trx, loan.id);
    if (!renewal) throw new ProcessError(`案件 ${req.case_no} 没有待审批的续借 / Case ${req.case_no}: no renewal is pending`);
    const now = ctx.clock.now();
    const dueDay = today(new Date(loan.due_at));
    const due = endOfBeijingDay(plusDays(dueDay, renewal.days));
    await store.updateRenewal(ctx.trx, renewal.id, { status: 'granted', decided_at: iso(now), new_due_at: iso(due) });
    await store.updateLoan(ctx.trx, loan.id, { due_at: iso(due), status: 'on_loan' });
    await openDue(ctx, req, loan, due);
    await store.updateRequest(ctx.trx, req.id, { status: 'on_loan' });
    await tellBorrower(ctx, loan, 'renewal_decided', `renewal:${renewal.id}`, { outcome: 'granted', dueAt: formatInstant(due) });
    return loanTimers(now, due);
  });

  /** 不予续借: the due date stands; the timers are armed again for it. */
  registry.register('refuseRenewal', async (ctx) => {
    const req = await requestOf(ctx);
    const loan = await loanOf(ctx, req);
    const renewal = await store.pendingRenewal(ctx.trx, loan.id);
    const now = ctx.clock.now();
    if (renewal) await store.updateRenewal(ctx.trx, renewal.id, { status: 'refused', decided_at: iso(now) });
    await tellBorrower(ctx, loan, 'renewal_decided', `renewal:${renewal?.id ?? `${ctx.instanceId}:${iso(now)}`}`, { outcome: 'refused', dueAt: formatInstant(loan.due_at) });
    return loanTimers(now, loan.due_at);
  });

  /** 归还入库: checked face to face against the 出借清单 and intact. */
  registry.register('returnLoan', async (ctx) => {
    if (ctx.variables.intact !== 'yes') throw new ProcessError('只有完好归还才能办理归还 / returnLoan runs only for an intact return');
    const req = await requestOf(ctx);
    const loan = await loanOf(ctx, req);
    const now = iso(ctx.clock.now());
    await archives.changeArchiveStatus(ctx.trx, { archiveId: loan.archive_id, to: 'in_stock', reason: systemReason('loan_back', { caseNo: req.case_no }), actor: actorRef(ctx), instanceId: ctx.instanceId });
    await store.updateLoan(ctx.trx, loan.id, { status: 'returned', returned_at: now, return_checked_by: ctx.actor?.id ?? null, check_result: 'intact', check_note: str(ctx.variables.comment) || null });
    await deadlines.closeDeadline(ctx.trx, { instanceId: ctx.instanceId, kind: 'loan_due' });
    await closeWithRegisterEntry(ctx, req, {
      mode: 'loan',
      startedAt: loan.checked_out_at,
      endedAt: now,
      endReason: 'returned',
      signedBy: loan.borrower_id,
      signedAt: now,
      recordedBy: ctx.actor?.id ?? null,
      note: str(ctx.variables.comment) || null,
    });
  });

  /**
   * 登记缺失、损坏: damaged → the file is back on the shelf with what is missing on record; lost → it
   * stays 借出 (it did not come back) until the superior decides on a rebuild (第二十二条).
   */
  registry.register('openLossReport', async (ctx) => {
    const kind = ctx.variables.intact === 'damaged' ? 'damaged' : ctx.variables.intact === 'lost' ? 'lost' : null;
    if (!kind) throw new ProcessError('只有损坏或遗失才能登记报告 / openLossReport needs intact = damaged | lost');
    const req = await requestOf(ctx);
    const loan = await loanOf(ctx, req);
    const now = iso(ctx.clock.now());
    if (kind === 'damaged') {
      await archives.changeArchiveStatus(ctx.trx, { archiveId: loan.archive_id, to: 'in_stock', reason: systemReason('loan_back_damaged', { caseNo: req.case_no }), actor: actorRef(ctx), instanceId: ctx.instanceId });
    }
    await store.updateLoan(ctx.trx, loan.id, {
      status: kind === 'lost' ? 'lost' : 'returned',
      returned_at: kind === 'lost' ? null : now,
      return_checked_by: ctx.actor?.id ?? null,
      check_result: kind,
      check_note: str(ctx.variables.comment) || null,
    });
    const reportId = await store.insertLossReport(ctx.trx, {
      loan_id: loan.id,
      archive_id: loan.archive_id,
      custodian_org_id: loan.custodian_org_id,
      kind,
      finding: str(ctx.variables.comment) || '（未填写）',
      opened_by: ctx.actor?.id ?? null,
      opened_at: now,
      report: null,
      reported_to: null,
      reported_by: null,
      reported_at: null,
    });
    await deadlines.closeDeadline(ctx.trx, { instanceId: ctx.instanceId, kind: 'loan_due' });
    await closeWithRegisterEntry(ctx, req, {
      mode: 'loan',
      startedAt: loan.checked_out_at,
      endedAt: now,
      endReason: kind,
      signedBy: kind === 'lost' ? null : loan.borrower_id,
      signedAt: kind === 'lost' ? null : now,
      recordedBy: ctx.actor?.id ?? null,
      note: str(ctx.variables.comment) || null,
    });
    return { lossReportId: reportId };
  });

  /** 向上级组织人事部门报告: the chief's report is kept with the loss report. */
  registry.register('fileLossReport', async (ctx) => {
    const req = await requestOf(ctx);
    const loan = await loanOf(ctx, req);
    const report = await store.lossReportOf(ctx.trx, loan.id);
    if (!report) throw new ProcessError(`案件 ${req.case_no} 没有损坏或遗失报告 / Case ${req.case_no} has no loss report`);
    await store.updateLossReport(ctx.trx, report.id, {
      report: str(ctx.variables.report).slice(0, 2000),
      reported_to: str(ctx.variables.reportedTo).slice(0, 100),
      reported_by: ctx.actor?.id ?? null,
      reported_at: iso(ctx.clock.now()),
    });
  });
}
