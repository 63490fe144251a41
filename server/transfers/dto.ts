// Rows → API objects (camelCase) with the labels a screen shows.
import { parseJson } from '../db.ts';
import { CHASE_CHANNELS, DESTINATION_KINDS, IN_STATUSES, METHODS, OUT_STATUSES, REASONS, label } from './codes.ts';
import { slipText } from './slip.ts';
import type { ChaseRow, OrderArchive, OrderRow, PositionChangeRow, ReturnRow } from './store.ts';
import type { RosterRow } from './holdings-store.ts';
import { ARCHIVE_KINDS, ARCHIVE_STATUSES, MANAGEMENT_LEVELS } from '../archives/codes.ts';

export const orderSummaryDto = (o: OrderRow) => ({
  id: o.id,
  direction: o.direction,
  caseNo: o.case_no,
  instanceId: o.instance_id,
  status: o.status,
  statusLabel: label(o.direction === 'out' ? OUT_STATUSES : IN_STATUSES, o.status),
  cadreId: o.cadre_id,
  cadreName: o.cadre_name,
  fromUnit: o.from_unit_name,
  fromOrgId: o.from_org_id,
  toUnit: o.to_unit_name,
  toOrgId: o.to_org_id,
  reason: o.reason,
  reasonLabel: label(REASONS, o.reason),
  slip: slipText(o.slip_word, o.slip_no) || null,
  dueAt: o.due_at,
  sentAt: o.sent_at,
  receiptAt: o.receipt_at,
  storedAt: o.stored_at,
  openedAt: o.opened_at,
});

export const chaseDto = (c: ChaseRow, names: Map<number, string>) => ({
  seq: c.seq,
  channel: c.channel,
  channelLabel: label(CHASE_CHANNELS, c.channel),
  note: c.note,
  by: c.actor_id ? (names.get(c.actor_id) ?? null) : null,
  at: c.at,
});

export const returnDto = (r: ReturnRow, names: Map<number, string>) => ({
  slip: r.slip_no,
  reason: r.reason,
  source: r.source,
  by: r.actor_id ? (names.get(r.actor_id) ?? null) : null,
  at: r.at,
});

export const positionChangeDto = (p: PositionChangeRow, units: Map<number, string>) => ({
  id: p.id,
  from: { unitId: p.from_unit_id, unitName: units.get(p.from_unit_id) ?? '', post: p.from_post, managementLevel: p.from_level, managementLevelLabel: label(MANAGEMENT_LEVELS, p.from_level) },
  to: { unitId: p.to_unit_id, unitName: units.get(p.to_unit_id) ?? '', post: p.to_post, managementLevel: p.to_level, managementLevelLabel: label(MANAGEMENT_LEVELS, p.to_level) },
  noticeNo: p.notice_no,
  noticeDate: p.notice_date,
  recordedAt: p.recorded_at,
  /** The transfer it started was cancelled: `reverted` — the position went back; `kept` — changed since, left as recorded. */
  revert: p.revert_result ? { result: p.revert_result, at: p.reverted_at ?? '' } : null,
});

export const orderDetailDto = (o: OrderRow, extra: {
  chases: ReturnType<typeof chaseDto>[];
  returns: ReturnType<typeof returnDto>[];
  approvals: Array<{ step: string; name: string; decision: string | null; comment: string | null; by: string | null; at: string }>;
  positionChange: ReturnType<typeof positionChangeDto> | null;
  names: Map<number, string>;
}) => ({
  ...orderSummaryDto(o),
  cadreIdNumber: o.cadre_id_number,
  unitAndPost: o.unit_and_post,
  destinationKind: o.destination_kind,
  destinationKindLabel: label(DESTINATION_KINDS, o.destination_kind),
  peerOrderId: o.peer_order_id,
  noticeNo: o.notice_no,
  noticeDate: o.notice_date,
  secrecyReview: o.secrecy_review,
  secrecyReviewDate: o.secrecy_review_date,
  managementLevel: o.management_level,
  archives: parseJson<OrderArchive[]>(o.archives, []).map((a) => ({ ...a, kindLabel: label(ARCHIVE_KINDS, a.kind) })),
  volumesMain: o.volumes_main,
  volumesCopy: o.volumes_copy,
  materialCount: o.material_count,
  method: o.method,
  methodLabel: label(METHODS, o.method) || null,
  couriers: parseJson<Array<{ name: string; partyMember: boolean }>>(o.couriers, []),
  sentBy: o.sent_by ? (extra.names.get(o.sent_by) ?? null) : null,
  receipt: o.receipt_at ? { at: o.receipt_at, signer: o.receipt_signer, source: o.receipt_source, recordedBy: o.receipt_recorded_by ? (extra.names.get(o.receipt_recorded_by) ?? null) : null } : null,
  storedBy: o.stored_by ? (extra.names.get(o.stored_by) ?? null) : null,
  openedBy: o.opened_by ? (extra.names.get(o.opened_by) ?? null) : null,
  approvals: extra.approvals,
  chases: extra.chases,
  returns: extra.returns,
  positionChange: extra.positionChange,
});

export const rosterDto = (r: RosterRow) => ({
  archiveId: r.archive_id,
  archiveNo: r.archive_no,
  kind: r.kind,
  kindLabel: label(ARCHIVE_KINDS, r.kind),
  volumes: r.volumes,
  status: r.status,
  statusLabel: label(ARCHIVE_STATUSES, r.status),
  location: [r.store_room, r.cabinet, r.shelf].filter(Boolean).join('-') || null,
  cadreId: r.cadre_id,
  cadreName: r.cadre_name,
  unitName: r.unit_name,
  post: r.post,
  managementLevel: r.management_level,
  managementLevelLabel: label(MANAGEMENT_LEVELS, r.management_level),
});
