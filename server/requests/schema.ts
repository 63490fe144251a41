// Shapes of the 利用 API: requests (申请单), the reading register, loans and renewals, the copy
// register, viewing grants, and the co-applicant picker.
import { z, intId, paging, uuid } from '../http/zod.ts';

const ref = z.object({ id: z.number().int(), name: z.string() });
const ts = z.string();
const nts = z.string().nullable();

export const requestSchema = z
  .object({
    id: z.number().int(),
    instanceId: z.string(),
    caseNo: z.string(),
    kind: z.enum(['consult', 'loan', 'copy', 'extract']),
    mode: z.string().nullable().openapi({ description: 'electronic | onsite | loan; null for copy and extract' }),
    purpose: z.string().openapi({ description: '《条例》第三十一条 item 1–7; 8 = 干部本人及亲属合法权益代查' }),
    reason: z.string(),
    status: z.string().openapi({ description: 'in_review | approved | rejected | authorized | on_loan | overdue | copied | closed | withdrawn' }),
    requesterOrg: ref,
    initiator: ref,
    applicants: z.array(z.object({ userId: z.number().int(), name: z.string(), isInitiator: z.boolean() })),
    cadre: z.object({ id: z.number().int(), name: z.string(), managementLevel: z.string() }),
    archive: z.object({ id: z.number().int(), archiveNo: z.string() }),
    custodianOrg: ref,
    categories: z.array(z.string()),
    grantedCategories: z.array(z.string()).nullable(),
    materials: z.array(z.object({ seqNo: z.string(), materialId: z.number().int(), title: z.string(), pages: z.number().int() })).nullable(),
    approvedMaterials: z.array(z.string()).nullable(),
    copies: z.number().int().nullable(),
    viewFrom: nts,
    plannedDayPassed: z.boolean().openapi({
      description: 'true while the request awaits approval and its planned day (viewFrom) is before today in Beijing, for the archive office and the leaders above it (who arrange the reading); false otherwise',
    }),
    archivePlace: z
      .object({
        where: z.enum(['on_shelf', 'away', 'left']).openapi({ description: "on_shelf: 在库/离退/去世 in this office; away: 借出, 数字化中; left: 转出中, 已转出, 已移交档案馆 or held by another office" }),
        status: z.string().openapi({ description: "the archive's status code" }),
        otherOffice: z.boolean().openapi({ description: 'the archive now belongs to another office' }),
        batch: z
          .object({ caseNo: z.string(), status: z.enum(['review', 'approved']) })
          .nullable()
          .openapi({ description: "on the shelf but listed in this office's 数字化 batch not yet handed over (review: 待审批, approved: 待出库): lending it now means the batch's 出库交接 leaves it out; null otherwise" }),
      })
      .nullable()
      .openapi({
        description:
          'for the archive office and the leaders above it, while the request is in review or approved: where its archive stands. An on-site reading is registered and a loan lent only when on_shelf; a use is approved only while not left. null otherwise',
      }),
    viewDays: z.number().int().nullable(),
    loanDays: z.number().int().nullable(),
    window: z.object({ start: ts, end: ts }).nullable(),
    route: z.object({ needsLeader: z.boolean().optional(), referUpward: z.boolean().optional() }).nullable(),
    createdAt: ts,
    decidedAt: nts,
    closedAt: nts,
    digitisation: z
      .array(
        z.object({
          code: z.string(),
          numeral: z.string(),
          name: z.string(),
          materials: z.number().int().openapi({ description: 'current catalogue rows in the category' }),
          scannedMaterials: z.number().int().openapi({ description: 'of them, those with page images' }),
          scannedPages: z.number().int().openapi({ description: 'page images on file; 0 = not digitised, cannot be read electronically' }),
        }),
      )
      .nullable()
      .openapi({ description: 'electronic consultations, for the archive office and the leaders above it only: per requested category, what is digitised now; null otherwise' }),
  })
  .openapi('UseRequest');

export const requestDetail = requestSchema
  .extend({
    approvals: z.array(
      z.object({ step: z.string(), stepName: z.string(), role: z.string().nullable(), userId: z.number().int(), userName: z.string(), decision: z.string(), opinion: nts, at: ts }),
    ),
    registerEntryId: z.number().int().nullable(),
    loanId: z.number().int().nullable(),
    copyCount: z.number().int(),
  })
  .openapi('UseRequestDetail');

export const requestList = z.object({ total: z.number().int(), items: z.array(requestSchema) }).openapi('UseRequestList');

export const requestQuery = z
  .object({
    kind: z.enum(['consult', 'loan', 'copy', 'extract']).optional(),
    status: z.string().max(12).optional(),
    instanceId: uuid.optional(),
    ...paging,
  })
  .strict();

export const registerEntry = z
  .object({
    id: z.number().int(),
    requestId: z.number().int(),
    caseNo: z.string(),
    instanceId: z.string(),
    custodianOrgId: z.number().int(),
    cadre: ref,
    archiveNo: z.string(),
    requesterOrgName: z.string(),
    mode: z.string(),
    readers: z.array(ref),
    purpose: z.string(),
    reason: z.string(),
    categories: z.array(z.string()),
    startedAt: ts,
    endedAt: ts,
    endReason: z.string().openapi({ description: 'finished | window_expired | transferred (the archive was sent away during the electronic window) | onsite | returned | damaged | lost' }),
    signedBy: z.number().int().nullable(),
    signedAt: nts,
    recordedBy: z.number().int().nullable(),
    note: nts,
    signatures: z
      .array(z.object({ userId: z.number().int(), name: z.string(), signedAt: ts, note: nts }).openapi('ReaderSignature'))
      .openapi({
        description:
          'Electronic readings: each reader who ended their own reading (结束阅档) — the initiator and every co-applicant (同行查档人员) — with when and their own note, in the order they ended; empty for other modes and for entries written before 2026-11-28 (those keep only signedBy/note)',
      }),
    pageViews: z.number().int().nullable().openapi({ description: 'page images the readers viewed in the reading room for this request; null for 现场查阅 and 借阅 (read from paper: nothing counts pages)' }),
  })
  .openapi('ReadingRegisterEntry');

export const registerList = z.object({ total: z.number().int(), items: z.array(registerEntry) }).openapi('ReadingRegister');

export const registerQuery = z
  .object({
    custodianOrgId: intId.optional(),
    from: z.string().datetime().optional(),
    to: z.string().datetime().optional(),
    q: z.string().trim().max(40).optional().openapi({ description: '申请号 (a part of it, any case) or the cadre’s name (a part of it)' }),
    mode: z.enum(['electronic', 'onsite', 'loan']).optional().openapi({ description: '电子查阅, 现场查阅, or 借阅 (the entry written at the loan’s return)' }),
    ...paging,
  })
  .strict();

const loanBase = z.object({
  id: z.number().int(),
  requestId: z.number().int(),
  caseNo: z.string(),
  instanceId: z.string(),
  archive: z.object({ id: z.number().int(), archiveNo: z.string() }),
  cadre: z.object({ name: z.string() }),
  borrower: ref,
  borrowerOrg: ref,
  custodianOrgId: z.number().int(),
  checkedOutAt: ts,
  dueAt: ts,
  overdue: z.boolean(),
  overdueDays: z.number().int().openapi({
    description: 'days (begun days count whole) past the due date: until now while the file is out or lost, until its return once returned (a late return keeps its count); 0 when never past due',
  }),
  status: z.string().openapi({ description: 'on_loan | overdue | returned | lost' }),
  materialCount: z.number().int(),
  pageCount: z.number().int(),
  returnedAt: nts,
  checkResult: nts,
  checkNote: nts,
});

export const loanSchema = loanBase.openapi('Loan');

export const loanDetail = loanBase
  .extend({
    snapshot: z.array(z.object({ materialId: z.number().int(), seqNo: z.string(), title: z.string(), pages: z.number().int() })),
    renewals: z.array(
      z.object({ id: z.number().int(), requestedAt: ts, days: z.number().int(), reason: z.string(), status: z.string(), decidedAt: nts, oldDueAt: ts, newDueAt: nts }),
    ),
    notices: z.array(z.object({ kind: z.string(), dueAt: ts, at: ts })),
    lossReport: z
      .object({ kind: z.string(), finding: z.string(), openedAt: ts, report: nts, reportedTo: nts, reportedAt: nts })
      .nullable(),
  })
  .openapi('LoanDetail');

export const loanList = z.object({ now: ts, total: z.number().int(), items: z.array(loanSchema) }).openapi('LoanList');

export const loanQuery = z
  .object({ state: z.enum(['current', 'overdue', 'past', 'all']).default('current'), ...paging })
  .strict();

export const renewalBody = z
  .object({
    days: z.number().int().min(1).max(365).openapi({ description: 'days added to the due date; at most MAX_LOAN_DAYS' }),
    reason: z.string().trim().min(4).max(500),
  })
  .strict();

export const renewalAnswer = z
  .object({ renewalId: z.number().int(), loanId: z.number().int(), status: z.literal('pending'), days: z.number().int(), activeElements: z.array(z.string()) })
  .openapi('RenewalRequested');

export const copySchema = z
  .object({
    id: z.number().int(),
    serialNo: z.string(),
    requestId: z.number().int(),
    caseNo: z.string(),
    instanceId: z.string(),
    custodianOrgId: z.number().int(),
    cadre: ref,
    archiveNo: z.string(),
    materialId: z.number().int(),
    seqNo: z.string(),
    title: z.string(),
    pages: z.object({ from: z.number().int(), to: z.number().int() }),
    copyNo: z.number().int(),
    copies: z.number().int(),
    kind: z.string(),
    sealText: z.string(),
    certification: z.string(),
    certifiedBy: ref,
    certifiedAt: ts,
    recipientOrg: ref,
    purpose: z.string(),
    disposition: nts.openapi({ description: 'filed | destroyed; null until the using unit reports' }),
    dispositionDate: nts,
    dispositionNote: nts,
    hasPdf: z.boolean().openapi({ description: 'whether the certified PDF exists (issue 9)' }),
  })
  .openapi('CopyRecord');

export const copyList = z.object({ total: z.number().int(), items: z.array(copySchema) }).openapi('CopyRegister');

export const copyQuery = z
  .object({
    custodianOrgId: intId.optional(),
    disposition: z.enum(['open', 'filed', 'destroyed']).optional(),
    requestId: intId.optional(),
    ...paging,
  })
  .strict();

export const grantSchema = z
  .object({
    id: z.number().int(),
    requestId: z.number().int(),
    caseNo: z.string(),
    instanceId: z.string(),
    archiveId: z.number().int(),
    archiveNo: z.string(),
    cadre: ref,
    purpose: z.string(),
    categories: z.array(z.string()).openapi({ description: "category codes; '4' covers 4-1 … 4-4" }),
    validFrom: ts,
    validUntil: ts,
    revokedAt: nts,
    endedReason: z
      .enum(['finished', 'reading_closed', 'window_expired', 'archive_transferred'])
      .nullable()
      .openapi({
        description:
          'Why the grant ended: finished (the reader ended their reading, 结束阅档), reading_closed (the request’s reading was closed without them: the initiator ended it, or the case was withdrawn), window_expired (the viewing window ran out), archive_transferred (the archive left the office that granted it: 档案已转出，阅档已终止); null while it is open or not yet begun',
      }),
    open: z.boolean(),
  })
  .openapi('ViewingGrant');

export const grantList = z.object({ now: ts, items: z.array(grantSchema) }).openapi('ViewingGrants');
export const grantQuery = z.object({ state: z.enum(['current', 'all']).default('current') }).strict();

export const colleagueList = z.array(ref).openapi('Colleagues');

export const idParams = z.object({ id: intId }).strict();
