// Rows of the 利用 records as the API shows them (camelCase, JSON columns parsed).
import { parseJson } from '../db.ts';
import { grantStillHeld } from '../access/rules.ts';
import type { RequestListRow } from './records-store.ts';
import type { CategoryScans } from './digitisation.ts';
import type { ArchivePlace } from './availability.ts';
import type { ApplicantRow, ApprovalRow, LoanNoticeRow, LossReportRow, RenewalRow, RequestKind } from './store.ts';

export const applicantDto = (a: ApplicantRow) => ({ userId: a.user_id, name: a.display_name, isInitiator: !!a.is_initiator });

export const approvalDto = (a: ApprovalRow) => ({
  step: a.element_id,
  stepName: a.step_name,
  role: a.role,
  userId: a.user_id,
  userName: a.user_name,
  decision: a.decision,
  opinion: a.opinion,
  at: a.at,
});

export function requestDto(r: RequestListRow, applicants: ApplicantRow[], digitisation: CategoryScans[] | null = null, plannedDayPassed = false, archivePlace: ArchivePlace | null = null) {
  return {
    id: r.id as number,
    instanceId: r.instance_id as string,
    caseNo: r.case_no as string,
    kind: r.kind as RequestKind,
    mode: (r.mode ?? null) as string | null,
    purpose: r.purpose as string,
    reason: r.reason as string,
    status: r.status as string,
    requesterOrg: { id: r.requester_org_id as number, name: r.requester_org_name as string },
    initiator: { id: r.initiator_id as number, name: r.initiator_name as string },
    applicants: applicants.filter((a) => a.request_id === r.id).map(applicantDto),
    cadre: { id: r.cadre_id as number, name: r.cadre_name as string, managementLevel: r.management_level as string },
    archive: { id: r.archive_id as number, archiveNo: r.archive_no as string },
    custodianOrg: { id: r.custodian_org_id as number, name: r.custodian_name as string },
    categories: parseJson<string[]>(r.categories, []),
    grantedCategories: r.granted_categories ? parseJson<string[]>(r.granted_categories, []) : null,
    materials: r.materials ? parseJson<Array<{ seqNo: string; materialId: number; title: string; pages: number }>>(r.materials, []) : null,
    approvedMaterials: r.approved_materials ? parseJson<string[]>(r.approved_materials, []) : null,
    copies: (r.copies ?? null) as number | null,
    viewFrom: (r.view_from ?? null) as string | null,
    plannedDayPassed,
    archivePlace,
    viewDays: (r.view_days ?? null) as number | null,
    loanDays: (r.loan_days ?? null) as number | null,
    window: r.window_start ? { start: r.window_start as string, end: r.window_end as string } : null,
    route: r.route ? parseJson<{ needsLeader?: boolean; referUpward?: boolean } | null>(r.route, null) : null,
    createdAt: r.created_at as string,
    decidedAt: (r.decided_at ?? null) as string | null,
    closedAt: (r.closed_at ?? null) as string | null,
    digitisation,
  };
}

export const registerDto = (e: RequestListRow) => ({
  id: e.id as number,
  requestId: e.request_id as number,
  caseNo: e.case_no as string,
  instanceId: e.instance_id as string,
  custodianOrgId: e.custodian_org_id as number,
  cadre: { id: e.cadre_id as number, name: e.cadre_name as string },
  archiveNo: e.archive_no as string,
  requesterOrgName: e.requester_org_name as string,
  mode: e.mode as string,
  readers: parseJson<Array<{ id: number; name: string }>>(e.readers, []),
  purpose: e.purpose as string,
  reason: e.reason as string,
  categories: parseJson<string[]>(e.categories, []),
  startedAt: e.started_at as string,
  endedAt: e.ended_at as string,
  endReason: e.end_reason as string,
  signedBy: (e.signed_by ?? null) as number | null,
  signedAt: (e.signed_at ?? null) as string | null,
  recordedBy: (e.recorded_by ?? null) as number | null,
  note: (e.note ?? null) as string | null,
  signatures: parseJson<Array<{ userId: number; name: string; signedAt: string; note: string | null }>>(e.signatures, []),
});

const DAY_MS = 86_400_000;

/**
 * Days past the due date, a begun day counting whole: measured to now while the file is out (or
 * lost: it never came back), to the return once returned; 0 when it came back in time.
 */
function overdueDays(l: RequestListRow, now: string): number {
  const end = l.status === 'returned' ? ((l.returned_at ?? null) as string | null) : now;
  if (!end) return 0;
  const late = Date.parse(end) - Date.parse(l.due_at as string);
  return late > 0 ? Math.ceil(late / DAY_MS) : 0;
}

export function loanDto(l: RequestListRow, now: string) {
  const out = l.status === 'on_loan' || l.status === 'overdue';
  return {
    id: l.id as number,
    requestId: l.request_id as number,
    caseNo: l.case_no as string,
    instanceId: l.instance_id as string,
    archive: { id: l.archive_id as number, archiveNo: l.archive_no as string },
    cadre: { name: l.cadre_name as string },
    borrower: { id: l.borrower_id as number, name: l.borrower_name as string },
    borrowerOrg: { id: l.borrower_org_id as number, name: l.borrower_org_name as string },
    custodianOrgId: l.custodian_org_id as number,
    checkedOutAt: l.checked_out_at as string,
    dueAt: l.due_at as string,
    overdue: out && (l.due_at as string) < now,
    overdueDays: overdueDays(l, now),
    status: l.status as string,
    materialCount: l.material_count as number,
    pageCount: l.page_count as number,
    returnedAt: (l.returned_at ?? null) as string | null,
    checkResult: (l.check_result ?? null) as string | null,
    checkNote: (l.check_note ?? null) as string | null,
  };
}

export function loanDetailDto(l: RequestListRow, now: string, extra: { renewals: RenewalRow[]; notices: LoanNoticeRow[]; lossReport: LossReportRow | undefined }) {
  const r = extra.lossReport;
  return {
    ...loanDto(l, now),
    snapshot: parseJson<Array<{ materialId: number; seqNo: string; title: string; pages: number }>>(l.snapshot, []),
    renewals: extra.renewals.map((x) => ({ id: x.id, requestedAt: x.requested_at, days: x.days, reason: x.reason, status: x.status, decidedAt: x.decided_at, oldDueAt: x.old_due_at, newDueAt: x.new_due_at })),
    notices: extra.notices.map((n) => ({ kind: n.kind, dueAt: n.due_at, at: n.at })),
    lossReport: r ? { kind: r.kind, finding: r.finding, openedAt: r.opened_at, report: r.report, reportedTo: r.reported_to, reportedAt: r.reported_at } : null,
  };
}

export const copyDto = (c: RequestListRow) => ({
  id: c.id as number,
  serialNo: c.serial_no as string,
  requestId: c.request_id as number,
  caseNo: c.case_no as string,
  instanceId: c.instance_id as string,
  custodianOrgId: c.custodian_org_id as number,
  cadre: { id: c.cadre_id as number, name: c.cadre_name as string },
  archiveNo: c.archive_no as string,
  materialId: c.material_id as number,
  seqNo: c.seq_no as string,
  title: c.title as string,
  pages: { from: c.page_from as number, to: c.page_to as number },
  copyNo: c.copy_no as number,
  copies: c.copies as number,
  kind: c.kind as string,
  sealText: c.seal_text as string,
  certification: c.certification as string,
  certifiedBy: { id: c.certified_by as number, name: c.certified_by_name as string },
  certifiedAt: c.certified_at as string,
  recipientOrg: { id: c.recipient_org_id as number, name: c.recipient_org_name as string },
  purpose: c.purpose as string,
  disposition: (c.disposition ?? null) as string | null,
  dispositionDate: (c.disposition_date ?? null) as string | null,
  dispositionNote: (c.disposition_note ?? null) as string | null,
  hasPdf: !!c.pdf_file,
});

/** Why a grant ended (ViewingGrant.endedReason); older rows revoked without a reason read by their time. */
function grantEndedReason(g: RequestListRow, held: boolean, now: string): 'finished' | 'reading_closed' | 'window_expired' | 'archive_transferred' | null {
  if (g.revoke_reason === 'archive_transferred' || (!g.revoked_at && !held)) return 'archive_transferred';
  if (g.revoke_reason === 'finished' || g.revoke_reason === 'reading_closed' || g.revoke_reason === 'window_expired') return g.revoke_reason;
  if (g.revoked_at) return (g.revoked_at as string) >= (g.valid_until as string) ? 'window_expired' : 'reading_closed';
  return (g.valid_until as string) <= now ? 'window_expired' : null;
}

export function grantDto(g: RequestListRow, now: string) {
  const held = grantStillHeld(g as Parameters<typeof grantStillHeld>[0]);
  return {
    id: g.id as number,
    requestId: g.request_id as number,
    caseNo: g.case_no as string,
    instanceId: g.instance_id as string,
    archiveId: g.archive_id as number,
    archiveNo: g.archive_no as string,
    cadre: { id: g.cadre_id as number, name: g.cadre_name as string },
    purpose: g.purpose as string,
    categories: parseJson<string[]>(g.categories, []),
    validFrom: g.valid_from as string,
    validUntil: g.valid_until as string,
    revokedAt: (g.revoked_at ?? null) as string | null,
    endedReason: grantEndedReason(g, held, now),
    open: !g.revoked_at && held && (g.valid_from as string) <= now && (g.valid_until as string) > now,
  };
}
