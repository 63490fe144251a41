// The engine services the five processes call for 督办 and its notices. Each reads documented
// process variables (README "Notifications and 督办"), so a diagram needs no code and no literal
// time limit: periods come from `params` (MAX_LOAN_DAYS, TRANSFER_DEADLINE_MONTHS, …); a period in
// months ends at the end of the Beijing day the calendar months give (monthsAfter).
//   open<Kind>Deadline  → opens (or moves) the case's deadline and returns its instant as a variable
//                         (e.g. loanDueAt) for the diagram's timers;
//   close<Kind>Deadline → closes it (an ending case closes all of its deadlines anyway);
//   notify…             → enqueues the notice, due dates taken from the variable or the open deadline.
import { errors } from '../errors.ts';
import type { ServiceContext, ServiceRegistry } from '../engine/types.ts';
import * as people from '../people/store.ts';
import type { NotifyService, RecipientSpec } from '../notify/service.ts';
import { caseVars, registerNotice } from '../notify/notices.ts';
import { addCalendarMonths, endOfBeijingDay, formatInstant } from '../notify/beijing.ts';
import { oneLine } from '../notify/templates.ts';
import { addDays, monthsAfter, toInstant, type DeadlineService } from './service.ts';
import type { DeadlineKind } from './store.ts';

function intVar(ctx: ServiceContext, ...names: string[]): number {
  for (const n of names) {
    const v = ctx.variables[n];
    if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  }
  throw errors.rule('process_variable', `流程变量 ${names.join(' 或 ')} 缺失 / Process variable ${names.join(' or ')} is missing`, { service: ctx.elementId, variables: names });
}

const optInt = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null);

function timeVar(ctx: ServiceContext, name: string): Date | null {
  const v = ctx.variables[name];
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string' && !(v instanceof Date)) throw errors.rule('process_variable', `流程变量 ${name} 不是日期 / ${name} is not a date`, { variables: [name] });
  return toInstant(v, name);
}

interface KindSpec {
  kind: DeadlineKind;
  /** Service name part: open<Name>Deadline, close<Name>Deadline. */
  name: string;
  /** The variable the due instant is returned in (and read back by notices). */
  dueVar: string;
  due(ctx: ServiceContext): Date;
  orgUnitId(ctx: ServiceContext): number;
  custodianOrgId(ctx: ServiceContext): number | null;
}

const startOr = (ctx: ServiceContext, name: string): Date | string => {
  const v = ctx.variables[name];
  return typeof v === 'string' && v ? v : ctx.clock.now();
};

export const KINDS: KindSpec[] = [
  {
    kind: 'loan_due',
    name: 'Loan',
    dueVar: 'loanDueAt',
    due: (ctx) => timeVar(ctx, 'loanDueAt') ?? addDays(ctx.clock.now(), ctx.params.maxLoanDays),
    orgUnitId: (ctx) => intVar(ctx, 'borrowerOrgId', 'initiatorOrgId'),
    custodianOrgId: (ctx) => intVar(ctx, 'custodianOrgId'),
  },
  {
    kind: 'receipt',
    name: 'Receipt',
    dueVar: 'receiptDueAt',
    due: (ctx) => monthsAfter(startOr(ctx, 'transferSentAt'), ctx.params.receiptChaseMonths),
    orgUnitId: (ctx) => intVar(ctx, 'custodianOrgId'),
    custodianOrgId: (ctx) => intVar(ctx, 'custodianOrgId'),
  },
  {
    kind: 'transfer',
    name: 'Transfer',
    dueVar: 'transferDueAt',
    due: (ctx) => monthsAfter(startOr(ctx, 'transferStartedAt'), ctx.params.transferDeadlineMonths),
    orgUnitId: (ctx) => intVar(ctx, 'custodianOrgId'),
    custodianOrgId: (ctx) => intVar(ctx, 'custodianOrgId'),
  },
  {
    kind: 'review',
    name: 'Review',
    dueVar: 'reviewDueAt',
    due: (ctx) => monthsAfter(startOr(ctx, 'receivedAt'), ctx.params.inboundReviewMonths),
    orgUnitId: (ctx) => intVar(ctx, 'receiverOrgId', 'custodianOrgId'),
    custodianOrgId: (ctx) => intVar(ctx, 'receiverOrgId', 'custodianOrgId'),
  },
  {
    kind: 'handover',
    name: 'Handover',
    dueVar: 'handoverDueAt',
    due: (ctx) => {
      // A collection notice sets its own due instant (server/materials/notices.ts noticeDueDay).
      const set = timeVar(ctx, 'handoverDueAt');
      if (set) return set;
      const formed = ctx.variables.formedDate;
      if (typeof formed !== 'string' || !formed) throw errors.rule('process_variable', '流程变量 formedDate（材料形成时间）缺失 / formedDate is missing', { variables: ['formedDate'] });
      return endOfBeijingDay(addCalendarMonths(formed, ctx.params.materialHandoverMonths));
    },
    orgUnitId: (ctx) => intVar(ctx, 'producerOrgId', 'initiatorOrgId'),
    custodianOrgId: (ctx) => optInt(ctx.variables.custodianOrgId),
  },
  {
    kind: 'viewing_window',
    name: 'ViewingWindow',
    dueVar: 'viewingWindowEndsAt',
    due: (ctx) => {
      const end = timeVar(ctx, 'windowEnd');
      if (!end) throw errors.rule('process_variable', '流程变量 windowEnd（查阅截止时间）缺失 / windowEnd is missing', { variables: ['windowEnd'] });
      return end;
    },
    orgUnitId: (ctx) => intVar(ctx, 'initiatorOrgId'),
    custodianOrgId: (ctx) => optInt(ctx.variables.custodianOrgId),
  },
];

/** The due instant a notice names: the variable the open service returned, else the open deadline. */
async function dueText(ctx: ServiceContext, deadlines: DeadlineService, kind: DeadlineKind): Promise<string> {
  const spec = KINDS.find((k) => k.kind === kind)!;
  const fromVar = timeVar(ctx, spec.dueVar);
  if (fromVar) return formatInstant(fromVar);
  const row = await deadlines.openOf(ctx.trx, ctx.instanceId, kind);
  if (!row) throw errors.rule('process_variable', `没有 ${kind} 期限，也没有变量 ${spec.dueVar} / No open ${kind} deadline and no ${spec.dueVar}`, { variables: [spec.dueVar] });
  return formatInstant(row.due_at);
}

export function registerDeadlineServices(registry: ServiceRegistry, deadlines: DeadlineService, notify: NotifyService): void {
  for (const k of KINDS) {
    registry.register(`open${k.name}Deadline`, async (ctx) => {
      const { processName, caseRef } = await caseVars(ctx);
      const row = await deadlines.openDeadline(ctx.trx, {
        kind: k.kind,
        subject: `${processName} ${caseRef}`,
        instanceId: ctx.instanceId,
        dueAt: k.due(ctx),
        orgUnitId: k.orgUnitId(ctx),
        custodianOrgId: k.custodianOrgId(ctx),
      });
      return { [k.dueVar]: row.due_at };
    });
    registry.register(`close${k.name}Deadline`, async (ctx) => {
      await deadlines.closeDeadline(ctx.trx, { instanceId: ctx.instanceId, kind: k.kind });
    });
  }

  const borrower = (ctx: ServiceContext): RecipientSpec => ({ userId: intVar(ctx, 'borrowerId', 'initiator') });
  registerNotice(registry, notify, 'notifyLoanDueSoon', async (ctx) => ({
    template: 'loan_due_soon',
    recipients: [borrower(ctx)],
    vars: { dueAt: await dueText(ctx, deadlines, 'loan_due') },
  }));
  registerNotice(registry, notify, 'notifyLoanOverdue', async (ctx) => {
    const who = await people.findUser(ctx.trx, intVar(ctx, 'borrowerId', 'initiator'));
    const orgId = intVar(ctx, 'borrowerOrgId', 'initiatorOrgId');
    const org = await people.findOrgUnit(ctx.trx, orgId);
    return {
      template: 'loan_overdue',
      recipients: [
        { role: 'unit_head', orgUnitId: orgId },
        { role: 'archive_chief', orgUnitId: intVar(ctx, 'custodianOrgId') },
      ],
      vars: { dueAt: await dueText(ctx, deadlines, 'loan_due'), borrowerName: oneLine(who?.display_name, 100), borrowerOrg: oneLine(org?.name, 100) },
      link: { deadlines: true },
    };
  });
  registerNotice(registry, notify, 'notifyReceiptChase', async (ctx) => {
    const from = await people.findOrgUnit(ctx.trx, intVar(ctx, 'custodianOrgId'));
    const sent = timeVar(ctx, 'transferSentAt');
    return {
      template: 'receipt_chase',
      recipients: [{ role: 'archivist', orgUnitId: intVar(ctx, 'receiverOrgId') }],
      vars: { fromOrg: oneLine(from?.name, 100), sentAt: sent ? formatInstant(sent) : '' },
      link: { deadlines: true },
    };
  });
  registerNotice(registry, notify, 'notifyHandoverDue', async (ctx) => ({
    template: 'handover_due',
    recipients: [{ role: 'producer', orgUnitId: intVar(ctx, 'producerOrgId', 'initiatorOrgId') }],
    vars: { dueAt: await dueText(ctx, deadlines, 'handover') },
    link: { deadlines: true },
  }));
  registerNotice(registry, notify, 'notifyTransferDue', async (ctx) => ({
    template: 'transfer_due',
    recipients: [{ role: 'archivist', orgUnitId: intVar(ctx, 'custodianOrgId') }],
    vars: { dueAt: await dueText(ctx, deadlines, 'transfer'), months: String(ctx.params.transferDeadlineMonths) },
    link: { deadlines: true },
  }));
  registerNotice(registry, notify, 'notifyReviewDue', async (ctx) => ({
    template: 'review_due',
    recipients: [{ role: 'archivist', orgUnitId: intVar(ctx, 'receiverOrgId', 'custodianOrgId') }],
    vars: { dueAt: await dueText(ctx, deadlines, 'review'), months: String(ctx.params.inboundReviewMonths) },
    link: { deadlines: true },
  }));
}

