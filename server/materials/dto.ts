// Rows → API objects for the ledger, an intake's record and collection notices. The producing
// unit's view of an intake never carries what the archive records (a producer may not read the
// archive): key-field mismatches show the field and the material's value only.
import { parseJson } from '../db.ts';
import { DELIVERY_METHODS, INTAKE_STATUSES, reviewPoint, type KeyFieldMismatch } from './codes.ts';
import type { IntakeEventRow, IntakeRow, IntakeScanRow, NoticeRow } from './store.ts';

export type View = 'archive' | 'producer';

const NOTICE_STATUSES = { open: '待移交', answered: '已移交', withdrawn: '已撤回' } as const;

export const ledgerItemDto = (r: IntakeRow & { cadre_name: string; producer_org_name: string }) => ({
  id: r.id,
  intakeNo: r.intake_no,
  instanceId: r.instance_id,
  status: r.status,
  statusLabel: INTAKE_STATUSES[r.status].zh,
  round: r.round,
  late: r.late,
  handoverDue: r.handover_due,
  registeredAt: r.registered_at,
  cadreId: r.cadre_id,
  cadreName: r.cadre_name,
  producerOrgId: r.producer_org_id,
  producerOrgName: r.producer_org_name,
  title: r.title,
  categoryCode: r.category_code,
  formedDate: r.formed_date,
  pages: r.pages,
  isCopy: r.is_copy,
  seqNo: r.seq_no,
  filedAt: r.filed_at,
});

const asReviewPoint = (c: unknown) => (typeof c === 'string' ? reviewPoint(c) : c);

const stripArchive = (m: KeyFieldMismatch) => ({ field: m.field, label: m.label, stated: m.stated });

export function eventDto(e: IntakeEventRow, view: View, names: Map<number, string>) {
  const detail = parseJson<Record<string, unknown> | null>(e.detail, null);
  if (detail && view === 'producer' && Array.isArray(detail.mismatches)) detail.mismatches = (detail.mismatches as KeyFieldMismatch[]).map(stripArchive);
  // A return names the review points that did not pass: stored as codes, read with their labels.
  if (detail && Array.isArray(detail.unchecked)) detail.unchecked = (detail.unchecked as unknown[]).map(asReviewPoint);
  return { round: e.round, kind: e.kind, actor: e.actor_id ? (names.get(e.actor_id) ?? null) : null, at: e.at, comment: e.comment, detail };
}

export const scanDto = (s: IntakeScanRow, pageNo: number | null) => ({
  seq: s.seq,
  pageNo,
  format: s.format,
  dpi: s.dpi,
  colourMode: s.colour_mode,
  width: s.width,
  height: s.height,
  bytes: s.bytes,
  sha256: s.sha256,
  createdAt: s.created_at,
  withdrawnAt: s.withdrawn_at,
});

/** Active scans are the material's pages in upload order; withdrawn ones have no page number. */
export function scanList(scans: IntakeScanRow[]) {
  let page = 0;
  return scans.map((s) => scanDto(s, s.withdrawn_at ? null : ++page));
}

export function intakeDto(
  i: IntakeRow,
  x: { view: View; names: { users: Map<number, string>; orgs: Map<number, string> }; cadreName: string; mismatches: KeyFieldMismatch[] | null; noticeNo: string | null },
) {
  const user = (id: number | null) => (id ? { id, name: x.names.users.get(id) ?? '' } : null);
  const org = (id: number) => ({ id, name: x.names.orgs.get(id) ?? '' });
  return {
    id: i.id,
    intakeNo: i.intake_no,
    instanceId: i.instance_id,
    status: i.status,
    statusLabel: INTAKE_STATUSES[i.status].zh,
    round: i.round,
    late: i.late,
    handoverDue: i.handover_due,
    registeredAt: i.registered_at,
    cadre: { id: i.cadre_id, name: x.cadreName },
    archiveId: x.view === 'archive' ? i.archive_id : null,
    custodianOrg: org(i.custodian_org_id),
    producerOrg: org(i.producer_org_id),
    handler: user(i.handler_id),
    title: i.title,
    categoryCode: i.category_code,
    formedDate: i.formed_date,
    pages: i.pages,
    isCopy: i.is_copy,
    copyDate: i.copy_date,
    copySealed: i.copy_sealed,
    approval: { authority: i.approval_authority, date: i.approval_date, docNo: i.approval_doc_no },
    delivery: { method: i.delivery_method, label: DELIVERY_METHODS[i.delivery_method as keyof typeof DELIVERY_METHODS] ?? i.delivery_method, confidentialNo: i.confidential_no },
    stated: { name: i.stated_name, birthDate: i.stated_birth_date, workStartDate: i.stated_work_start_date, partyJoinDate: i.stated_party_join_date },
    /** Archive view only: where the material and the archive disagree (computed now). */
    keyFieldMismatches: x.view === 'archive' ? x.mismatches : null,
    receiver: user(i.receiver_id),
    acceptedAt: i.accepted_at,
    material: i.material_id ? { id: i.material_id, seqNo: i.seq_no } : null,
    filedAt: i.filed_at,
    filedBy: user(i.filed_by),
    noticeNo: x.noticeNo,
  };
}

export function noticeDto(n: NoticeRow, names: { cadre: string; producerOrg: string; custodianOrg: string; intakeNo: string | null }) {
  return {
    id: n.id,
    noticeNo: n.notice_no,
    instanceId: n.instance_id,
    status: n.status,
    statusLabel: NOTICE_STATUSES[n.status],
    cadre: { id: n.cadre_id, name: names.cadre },
    producerOrg: { id: n.producer_org_id, name: names.producerOrg },
    custodianOrg: { id: n.custodian_org_id, name: names.custodianOrg },
    title: n.title,
    categoryCode: n.category_code,
    formedDate: n.formed_date,
    dueAt: n.due_at,
    note: n.note,
    intake: n.intake_id ? { id: n.intake_id, intakeNo: names.intakeNo } : null,
    createdAt: n.created_at,
    closedAt: n.closed_at,
    closedReason: n.closed_reason,
  };
}
