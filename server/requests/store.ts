// SQL of the 利用 room: requests with their applicants and approvals, the reading register, loans
// (renewals, notices, loss reports) and the copy register. The rows of the registers are written
// once and then only completed (returned, disposed of); nothing is deleted.
import type { Q } from '../db.ts';
import { forUpdate } from '../db.ts';
import { idOf } from '../archives/store.ts';

export type RequestKind = 'consult' | 'loan' | 'copy' | 'extract';
export type RequestStatus =
  | 'in_review'
  | 'approved'
  | 'rejected'
  | 'authorized'
  | 'reading'
  | 'on_loan'
  | 'overdue'
  | 'copied'
  | 'closed'
  | 'withdrawn';

export interface RequestRow {
  id: number;
  instance_id: string;
  case_no: string;
  kind: RequestKind;
  mode: string | null;
  purpose: string;
  reason: string;
  requester_org_id: number;
  initiator_id: number;
  cadre_id: number;
  archive_id: number;
  custodian_org_id: number;
  management_level: string;
  categories: string;
  granted_categories: string | null;
  materials: string | null;
  approved_materials: string | null;
  copies: number | null;
  view_from: string | null;
  view_days: number | null;
  loan_days: number | null;
  window_start: string | null;
  window_end: string | null;
  route: string | null;
  status: RequestStatus;
  created_at: string;
  decided_at: string | null;
  closed_at: string | null;
}

export interface ApplicantRow {
  id: number;
  request_id: number;
  user_id: number;
  display_name: string;
  is_initiator: boolean | number;
}

export interface ApprovalRow {
  id: number;
  request_id: number;
  task_id: string;
  element_id: string;
  step_name: string;
  role: string | null;
  user_id: number;
  user_name: string;
  decision: string;
  opinion: string | null;
  at: string;
}

export interface RegisterRow {
  id: number;
  request_id: number;
  custodian_org_id: number;
  archive_id: number;
  cadre_id: number;
  mode: string;
  readers: string;
  purpose: string;
  categories: string;
  started_at: string;
  ended_at: string;
  end_reason: string;
  signed_by: number | null;
  signed_at: string | null;
  recorded_by: number | null;
  note: string | null;
  /** Electronic: JSON [{userId, name, signedAt, note}], each reader who ended their reading (结束阅档); null before 2026-11-28. */
  signatures?: string | null;
  created_at: string;
}

export interface LoanRow {
  id: number;
  request_id: number;
  archive_id: number;
  borrower_id: number;
  borrower_org_id: number;
  custodian_org_id: number;
  checked_out_at: string;
  checked_out_by: number | null;
  due_at: string;
  snapshot: string;
  material_count: number;
  page_count: number;
  status: 'on_loan' | 'overdue' | 'returned' | 'lost';
  returned_at: string | null;
  return_checked_by: number | null;
  check_result: string | null;
  check_note: string | null;
}

export interface RenewalRow {
  id: number;
  loan_id: number;
  requested_by: number;
  requested_at: string;
  days: number;
  reason: string;
  status: 'pending' | 'granted' | 'refused';
  decided_at: string | null;
  old_due_at: string;
  new_due_at: string | null;
}

export interface LoanNoticeRow {
  id: number;
  loan_id: number;
  kind: 'due_soon' | 'overdue';
  due_at: string;
  at: string;
}

export interface LossReportRow {
  id: number;
  loan_id: number;
  archive_id: number;
  custodian_org_id: number;
  kind: 'damaged' | 'lost';
  finding: string;
  opened_by: number | null;
  opened_at: string;
  report: string | null;
  reported_to: string | null;
  reported_by: number | null;
  reported_at: string | null;
}

export interface CopyRow {
  id: number;
  request_id: number;
  serial_no: string;
  custodian_org_id: number;
  archive_id: number;
  material_id: number;
  seq_no: string;
  title: string;
  page_from: number;
  page_to: number;
  copy_no: number;
  copies: number;
  kind: 'copy' | 'extract';
  seal_text: string;
  certification: string;
  certified_by: number;
  certified_at: string;
  recipient_org_id: number;
  purpose: string;
  disposition: 'filed' | 'destroyed' | null;
  disposition_date: string | null;
  disposition_by: number | null;
  disposition_note: string | null;
  disposition_recorded_at: string | null;
  pdf_file: string | null;
  created_at: string;
}

// -- requests ---------------------------------------------------------------------------------------

export async function insertRequest(q: Q, row: Omit<RequestRow, 'id'>): Promise<number> {
  const [ret] = await q('utilization_requests').insert(row).returning('id');
  return idOf(ret);
}

export async function requestOfInstance(q: Q, instanceId: string): Promise<RequestRow | undefined> {
  return q('utilization_requests').where({ instance_id: instanceId }).first();
}

/** The request row locked for the rest of the transaction (PostgreSQL; SQLite serialises writers). */
export async function lockRequestOfInstance(q: Q, instanceId: string): Promise<RequestRow | undefined> {
  return forUpdate(q, q('utilization_requests').where({ instance_id: instanceId }).first());
}

export async function findRequest(q: Q, id: number): Promise<RequestRow | undefined> {
  return q('utilization_requests').where({ id }).first();
}

export async function updateRequest(q: Q, id: number, patch: Partial<RequestRow>): Promise<void> {
  await q('utilization_requests').where({ id }).update(patch);
}

export async function insertApplicants(q: Q, rows: Array<Omit<ApplicantRow, 'id'>>): Promise<void> {
  await q('request_applicants').insert(rows);
}

export async function applicantsOf(q: Q, requestIds: number[]): Promise<ApplicantRow[]> {
  if (!requestIds.length) return [];
  return q('request_applicants').whereIn('request_id', requestIds).orderBy([{ column: 'request_id' }, { column: 'is_initiator', order: 'desc' }, { column: 'id' }]);
}

export async function insertApproval(q: Q, row: Omit<ApprovalRow, 'id'>): Promise<void> {
  await q('request_approvals').insert(row);
}

export async function approvalsOf(q: Q, requestId: number): Promise<ApprovalRow[]> {
  return q('request_approvals').where({ request_id: requestId }).orderBy('id');
}

// -- reading register -------------------------------------------------------------------------------

export async function insertRegisterEntry(q: Q, row: Omit<RegisterRow, 'id'>): Promise<number> {
  const [ret] = await q('reading_register').insert(row).returning('id');
  return idOf(ret);
}

export async function registerEntryOf(q: Q, requestId: number): Promise<RegisterRow | undefined> {
  return q('reading_register').where({ request_id: requestId }).first();
}

// -- loans -------------------------------------------------------------------------------------------

export async function insertLoan(q: Q, row: Omit<LoanRow, 'id'>): Promise<number> {
  const [ret] = await q('loans').insert(row).returning('id');
  return idOf(ret);
}

export async function loanOfRequest(q: Q, requestId: number): Promise<LoanRow | undefined> {
  return q('loans').where({ request_id: requestId }).first();
}

export async function lockLoan(q: Q, id: number): Promise<LoanRow | undefined> {
  return forUpdate(q, q('loans').where({ id }).first());
}

export async function findLoan(q: Q, id: number): Promise<LoanRow | undefined> {
  return q('loans').where({ id }).first();
}

export async function updateLoan(q: Q, id: number, patch: Partial<LoanRow>): Promise<void> {
  await q('loans').where({ id }).update(patch);
}

export async function insertRenewal(q: Q, row: Omit<RenewalRow, 'id'>): Promise<number> {
  const [ret] = await q('loan_renewals').insert(row).returning('id');
  return idOf(ret);
}

export async function pendingRenewal(q: Q, loanId: number): Promise<RenewalRow | undefined> {
  return q('loan_renewals').where({ loan_id: loanId, status: 'pending' }).orderBy('id', 'desc').first();
}

export async function updateRenewal(q: Q, id: number, patch: Partial<RenewalRow>): Promise<void> {
  await q('loan_renewals').where({ id }).update(patch);
}

export async function renewalsOf(q: Q, loanId: number): Promise<RenewalRow[]> {
  return q('loan_renewals').where({ loan_id: loanId }).orderBy('id');
}

export async function insertLoanNotice(q: Q, row: Omit<LoanNoticeRow, 'id'>): Promise<void> {
  await q('loan_notices').insert(row);
}

export async function noticesOf(q: Q, loanId: number): Promise<LoanNoticeRow[]> {
  return q('loan_notices').where({ loan_id: loanId }).orderBy('id');
}

export async function insertLossReport(q: Q, row: Omit<LossReportRow, 'id'>): Promise<number> {
  const [ret] = await q('loss_reports').insert(row).returning('id');
  return idOf(ret);
}

export async function lossReportOf(q: Q, loanId: number): Promise<LossReportRow | undefined> {
  return q('loss_reports').where({ loan_id: loanId }).first();
}

export async function updateLossReport(q: Q, id: number, patch: Partial<LossReportRow>): Promise<void> {
  await q('loss_reports').where({ id }).update(patch);
}

// -- copies -------------------------------------------------------------------------------------------

export async function insertCopies(q: Q, rows: Array<Omit<CopyRow, 'id'>>): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await q('copy_records').insert(rows.slice(i, i + 200));
}

export async function copiesOf(q: Q, requestId: number): Promise<CopyRow[]> {
  return q('copy_records').where({ request_id: requestId }).orderBy('id');
}

export async function setDisposition(q: Q, requestId: number, patch: Pick<CopyRow, 'disposition' | 'disposition_date' | 'disposition_by' | 'disposition_note' | 'disposition_recorded_at'>): Promise<number> {
  return q('copy_records').where({ request_id: requestId }).whereNull('disposition').update(patch);
}

// -- grants of a case (archive_grants belongs to server/access; a case revokes its own) ----------------

/** Ends the case's grants still open; `reason` says why (see ReadingGrantRow.revoke_reason). */
export async function revokeGrantsOfInstance(q: Q, instanceId: string, at: string, reason: string | null = null): Promise<number> {
  return q('archive_grants').where({ instance_id: instanceId }).whereNull('revoked_at').update({ revoked_at: at, revoke_reason: reason });
}

/** The reader's own 结束阅档 on the case (the initiator's, through the 电子阅档 task): `finished`, with their note. */
export async function finishGrantOf(q: Q, instanceId: string, userId: number, at: string, note: string | null): Promise<number> {
  return q('archive_grants').where({ instance_id: instanceId, grantee_user_id: userId }).whereNull('revoked_at').update({ revoked_at: at, revoke_reason: 'finished', end_note: note });
}

export async function grantsOfInstance(
  q: Q,
  instanceId: string,
): Promise<Array<{ id: number; grantee_user_id: number; archive_id: number; categories: string; valid_from: string; valid_until: string; revoked_at: string | null; revoke_reason: string | null; end_note: string | null }>> {
  return q('archive_grants').where({ instance_id: instanceId }).orderBy('id');
}

/** When the archive's transfer ended this case's grants (sendTransfer: `archive_transferred`), if it did. */
export async function transferRevocationOfInstance(q: Q, instanceId: string): Promise<string | null> {
  const row = await q('archive_grants').where({ instance_id: instanceId, revoke_reason: 'archive_transferred' }).min({ at: 'revoked_at' }).first();
  return (row?.at as string | null | undefined) ?? null;
}
