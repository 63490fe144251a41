// The 利用 room's entry points: the engine services and hooks of the borrowing and copy processes
// (registered by createServices), and the one command that is not a task — the borrower's request
// for a renewal, delivered to the waiting loan as a message in one transaction with its audit row.
import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import type { EngineHooks, ServiceRegistry, WorkflowEngine } from '../engine/index.ts';
import type { SessionUser } from '../people/sessions.ts';
import * as people from '../people/store.ts';
import * as casesStore from '../workflow/cases-store.ts';
import { actorOf } from '../workflow/service.ts';
import type { RequestDeps } from './deps.ts';
import { registerBorrowingServices } from './borrowing.ts';
import { registerLoanServices } from './loans.ts';
import { registerCopyServices } from './copies.ts';
import { endOfBeijingDay, plusDays, today } from './kit.ts';
import type { RequestRecords } from './records.ts';
import * as store from './store.ts';

/** The processes whose cases are requests to use an archive. */
export const REQUEST_PROCESSES = ['borrowing', 'copy-request'];

/** Engine services and hooks; called once by createServices before the engine is built. */
export function registerRequestServices(registry: ServiceRegistry, hooks: EngineHooks, deps: RequestDeps, clock: Clock): void {
  registerBorrowingServices(registry, deps);
  registerLoanServices(registry, deps);
  registerCopyServices(registry, deps);

  // Every approve/reject of a request's task is an opinion on the 审批表: who, which step, when.
  hooks.on('taskCompleted', async (trx, ev) => {
    if (!REQUEST_PROCESSES.includes(ev.task.process_key)) return;
    // 未查阅 on the 现场查阅 step is the archivist's opinion too, with its reason (borrowing.ts).
    const notHeld = ev.task.element_id === 'onsiteReading' && ev.variables.readingHeld === 'not_held';
    const decision = notHeld ? 'not_held' : ev.variables.decision;
    if (decision !== 'approve' && decision !== 'reject' && decision !== 'not_held') return;
    const req = await store.requestOfInstance(trx, ev.task.instance_id);
    if (!req) return;
    const user = await people.findUser(trx, ev.actor.id);
    const said = notHeld ? ev.variables.notHeldReason : ev.variables.comment;
    const comment = typeof said === 'string' ? said.trim() : '';
    const reply = typeof ev.variables.replyRef === 'string' && ev.variables.replyRef.trim() ? `（批复文号：${ev.variables.replyRef.trim()}）` : '';
    await store.insertApproval(trx, {
      request_id: req.id,
      task_id: ev.task.id,
      element_id: ev.task.element_id,
      step_name: ev.task.name.slice(0, 200),
      role: ev.task.candidate_role,
      user_id: ev.actor.id,
      user_name: user?.display_name ?? ev.actor.username,
      decision,
      opinion: `${comment}${reply}`.slice(0, 2000) || null,
      at: iso(clock.now()),
    });
  });

  // A withdrawn or terminated case: the request says so, and any viewing grant it opened is revoked.
  hooks.on('instanceEnded', async (trx, ev) => {
    if (ev.status !== 'terminated' || !REQUEST_PROCESSES.includes(ev.processKey)) return;
    const req = await store.requestOfInstance(trx, ev.instanceId);
    if (!req) return;
    const now = iso(clock.now());
    await store.revokeGrantsOfInstance(trx, ev.instanceId, now, 'reading_closed');
    if (!['closed', 'rejected'].includes(req.status)) await store.updateRequest(trx, req.id, { status: 'withdrawn', closed_at: now });
  });
}

export class RequestsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly engine: WorkflowEngine,
    /** The records' reader, shared with the certified copies. */
    readonly records: RequestRecords,
    private readonly params: { maxLoanDays: number },
  ) {}

  /**
   * 申请续借: only the borrower, while the archive is out and before it is due, one renewal at a
   * time, at most maxLoanDays more. The request goes to the case as the message renewalRequested
   * (the loan's re-approval); the reason is also left on the case as the borrower's comment, so that
   * the approvers read it beside the application.
   */
  async requestRenewal(user: SessionUser, ip: string, loanId: number, input: { days: number; reason: string }) {
    return this.db.transaction(async (trx) => {
      const loan = await store.lockLoan(trx, loanId);
      if (!loan) throw errors.notFound('Loan');
      if (loan.borrower_id !== user.id) {
        if (await this.records.canReadLoan(trx, user, loanId)) throw errors.forbidden('只有借阅人可以申请续借 / Only the borrower may ask for a renewal');
        throw errors.notFound('Loan');
      }
      const req = (await store.findRequest(trx, loan.request_id))!;
      if (loan.status !== 'on_loan' && loan.status !== 'overdue') throw errors.conflict('LOAN_NOT_OUT', '档案已归还，无需续借 / The archive is no longer out');
      const now = this.clock.now();
      if (iso(now) > loan.due_at) {
        throw errors.rule('renewal-after-due', '续借须在归还期限届满前申请；已逾期的档案请立即归还 / Ask for a renewal before the due date; an overdue archive must be returned', { dueAt: loan.due_at });
      }
      if (input.days > this.params.maxLoanDays) {
        throw errors.rule('renewal-days', `续借天数不得超过 ${this.params.maxLoanDays} 天 / A renewal adds at most ${this.params.maxLoanDays} days`, { max: this.params.maxLoanDays });
      }
      if (await store.pendingRenewal(trx, loan.id)) throw errors.conflict('RENEWAL_PENDING', '已有续借申请在审批中 / A renewal is already being decided');
      const renewalId = await store.insertRenewal(trx, {
        loan_id: loan.id,
        requested_by: user.id,
        requested_at: iso(now),
        days: input.days,
        reason: input.reason,
        status: 'pending',
        decided_at: null,
        old_due_at: loan.due_at,
        new_due_at: null,
      });
      const newDue = iso(endOfBeijingDay(plusDays(today(new Date(loan.due_at)), input.days)));
      const result = await this.engine.deliver(trx, req.instance_id, 'renewalRequested', { renewal: { id: renewalId, days: input.days, reason: input.reason, newDueAt: newDue } }, actorOf(user));
      await casesStore.insertComment(trx, { instance_id: req.instance_id, author_id: user.id, body: `申请续借 ${input.days} 天（至 ${newDue.slice(0, 10)}）。理由：${input.reason}`.slice(0, 2000), created_at: iso(now) });
      await this.audit.record(trx, {
        actor: user,
        ip,
        action: 'loan.renewal_request',
        objectType: 'loan',
        objectId: loan.id,
        detail: { renewalId, days: input.days, instanceId: req.instance_id },
      });
      return { renewalId, loanId: loan.id, status: 'pending' as const, days: input.days, activeElements: result.activeElements };
    });
  }
}
