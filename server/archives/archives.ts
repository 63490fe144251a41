// Archives and custody: which office holds a cadre (custody ranges, the most specific one wins),
// creating an archive, and changeArchiveStatus / changeArchiveCustodian — the only writers of an
// archive's status and custodian, each recorded in archive_status_history — and
// changeDigitalStatus, the only writer of its digital status (archive_digital_history).
import type { Q, Trx } from '../db.ts';
import { parseJson, bool } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import * as people from '../people/store.ts';
import { ARCHIVE_STATUSES, DIGITAL_STATUSES, GONE, DIGITAL_TRANSITIONS, STATUS_TRANSITIONS, type ArchiveKind, type ArchiveStatus, type DigitalStatus } from './codes.ts';
import * as store from './store.ts';
import * as archiveStore from './archive-store.ts';
import * as catalog from './catalog-store.ts';
import type { ArchiveRow, StatusHistoryRow } from './archive-store.ts';
import type { ActorRef } from './cadres.ts';
import { autoBackNote } from './digital-note.ts';
import { systemReasonText, type SystemReason } from './status-reason.ts';

export interface Custody {
  custodianOrgId: number;
  archiveKind: ArchiveKind;
  rangeId: number;
}

/** A custody range as the custody rule compares it: the levels it covers and the root of its org subtree. */
export interface RangeScope {
  levels: readonly string[];
  rootOrgId: number;
}

/**
 * The range that decides who holds a cadre of a unit (by its org path) and a level: among the
 * ranges whose levels include the level and whose root's subtree contains the unit, the one with
 * the deepest root (the first of equals). `pathOf` answers a root's org path. custodianFor asks the
 * database for the paths; the import (import.ts) answers them from the org units it read once.
 */
export function deepestRange<R extends RangeScope>(unitPath: string, level: string, ranges: readonly R[], pathOf: (orgId: number) => string | undefined): R | undefined {
  let best: { depth: number; range: R } | undefined;
  for (const r of ranges) {
    if (!r.levels.includes(level)) continue;
    const root = pathOf(r.rootOrgId);
    if (root === undefined || !unitPath.startsWith(root)) continue;
    const depth = root.split('/').length;
    if (!best || depth > best.depth) best = { depth, range: r };
  }
  return best?.range;
}

/** The office that should hold a cadre of this unit and level (deepestRange), and by which range. */
export async function custodianFor(q: Q, orgUnitId: number, level: string): Promise<Custody | null> {
  const unit = await people.findOrgUnit(q, orgUnitId);
  if (!unit) return null;
  const ranges = (await store.listCustodyRanges(q)).map((row) => ({ row, levels: parseJson<string[]>(row.management_levels, []), rootOrgId: row.root_org_id }));
  const paths = new Map<number, string>();
  for (const r of ranges) {
    if (!r.levels.includes(level) || paths.has(r.rootOrgId)) continue;
    const root = await people.findOrgUnit(q, r.rootOrgId);
    if (root) paths.set(r.rootOrgId, root.path);
  }
  const best = deepestRange(unit.path, level, ranges, (id) => paths.get(id))?.row;
  return best ? { custodianOrgId: best.custodian_org_id, archiveKind: best.archive_kind as ArchiveKind, rangeId: best.id } : null;
}

export interface ArchiveInput {
  cadreId: number;
  archiveNo?: string;
  kind: ArchiveKind;
  volumes: number;
  custodianOrgId: number;
  storeRoom?: string | null;
  cabinet?: string | null;
  shelf?: string | null;
  status?: ArchiveStatus;
}

/** The next free 档案号 of an office: `<office code>-NNNNN`. */
export async function nextArchiveNo(q: Q, custodianOrgId: number): Promise<string> {
  const org = await people.findOrgUnit(q, custodianOrgId);
  const prefix = `${org!.code}-`;
  return `${prefix}${String((await archiveStore.maxArchiveSerial(q, prefix)) + 1).padStart(5, '0')}`;
}

export async function createArchive(trx: Q, clock: Clock, input: ArchiveInput, actor: ActorRef | null, reason = '建档 / archive set up'): Promise<ArchiveRow> {
  const custodian = await people.findOrgUnit(trx, input.custodianOrgId);
  if (!custodian || !custodian.is_custodian) throw errors.rule('custodian', '所选单位不是管档单位 / The unit does not hold archives');
  if (!(await store.findCadre(trx, input.cadreId))) throw errors.notFound('Cadre');
  const existing = await archiveStore.archivesOfCadre(trx, input.cadreId);
  if (input.kind === 'original' && existing.some((a) => a.kind === 'original')) {
    throw errors.rule('one_original', '该干部已有正本档案 / The cadre already has an original archive');
  }
  if (existing.some((a) => a.kind === input.kind && a.custodian_org_id === input.custodianOrgId)) {
    throw errors.rule('one_per_office', '该单位已保管该干部的同类档案 / This office already holds such an archive of the cadre');
  }
  const archiveNo = input.archiveNo ?? (await nextArchiveNo(trx, input.custodianOrgId));
  if (await archiveStore.findArchiveByNo(trx, archiveNo)) throw errors.conflict('ARCHIVE_NO_TAKEN', '档案号已被使用 / The archive number is taken', { archiveNo });
  const now = iso(clock.now());
  const status = input.status ?? 'in_stock';
  const id = await archiveStore.insertArchive(trx, archiveRow(input, archiveNo, status, now));
  await archiveStore.insertStatusHistory(trx, firstStatusRow(id, status, reason, actor, now));
  return (await archiveStore.findArchive(trx, id))!;
}

/** The archives row of a new archive (createArchive and the import's multi-row insert): not digitised, never audited. */
export function archiveRow(input: Omit<ArchiveInput, 'archiveNo' | 'status'>, archiveNo: string, status: ArchiveStatus, now: string): Omit<ArchiveRow, 'id'> {
  return {
    cadre_id: input.cadreId,
    archive_no: archiveNo,
    kind: input.kind,
    volumes: input.volumes,
    custodian_org_id: input.custodianOrgId,
    store_room: input.storeRoom ?? null,
    cabinet: input.cabinet ?? null,
    shelf: input.shelf ?? null,
    status,
    digital_status: 'none',
    last_audit_score: null,
    created_at: now,
    updated_at: now,
  };
}

/** The status history row of an archive set up: from nothing to its first status. */
export function firstStatusRow(archiveId: number, status: string, reason: string, actor: ActorRef | null, now: string): Omit<StatusHistoryRow, 'id'> {
  return { archive_id: archiveId, from_status: null, to_status: status, reason, instance_id: null, actor_id: actor?.id ?? null, at: now };
}

type Place = { store_room: string | null; cabinet: string | null; shelf: string | null };

/** No place recorded: an archive received and not yet 入库上架. */
const NO_PLACE: Place = { store_room: null, cabinet: null, shelf: null };

/** 库房/柜/格 as the status history writes it, '—' for what is not recorded. */
const placeText = (p: Place): string => [p.store_room, p.cabinet, p.shelf].map((x) => x ?? '—').join('/');

export interface StatusChange {
  archiveId: number;
  to: ArchiveStatus;
  /** A person's words, kept as typed; or the system's reason as data (status-reason.ts), worded by each reader's page. */
  reason: string | SystemReason;
  actor: ActorRef | null;
  instanceId?: string;
  /** The archive comes back to an office that once sent it: its old shelf may hold another by now. */
  clearPlace?: boolean;
}

/** Moves an archive along the transition table (codes.ts) and records the change. */
export async function changeArchiveStatus(trx: Trx, clock: Clock, change: StatusChange): Promise<ArchiveRow> {
  if (!(change.to in ARCHIVE_STATUSES)) throw errors.validation([{ field: 'to', message: `未知状态 ${change.to} / unknown status` }]);
  const said = typeof change.reason === 'string' ? null : change.reason;
  const reason = said ? systemReasonText(said) : (change.reason as string);
  if (!reason?.trim()) throw errors.validation([{ field: 'reason', message: '须写明原因 / a reason is required' }]);
  const archive = await archiveStore.lockArchive(trx, change.archiveId);
  if (!archive) throw errors.notFound('Archive');
  const from = archive.status as ArchiveStatus;
  if (!STATUS_TRANSITIONS[from]?.includes(change.to)) {
    throw errors.rule(
      'archive_status',
      `档案状态不能从“${ARCHIVE_STATUSES[from]?.zh ?? from}”变为“${ARCHIVE_STATUSES[change.to].zh}” / The archive cannot go from ${from} to ${change.to}`,
      { from, to: change.to, allowed: STATUS_TRANSITIONS[from] ?? [] },
    );
  }
  const now = iso(clock.now());
  await archiveStore.setStatus(trx, archive.id, change.to, now);
  if (change.clearPlace) await archiveStore.setLocation(trx, archive.id, NO_PLACE, now);
  await archiveStore.insertStatusHistory(trx, {
    archive_id: archive.id,
    from_status: from,
    to_status: change.to,
    reason: reason.slice(0, 500),
    system_reason: said ? JSON.stringify(said) : null,
    instance_id: change.instanceId ?? null,
    actor_id: change.actor?.id ?? null,
    at: now,
  });
  return { ...archive, ...(change.clearPlace ? NO_PLACE : {}), status: change.to, updated_at: now };
}

/**
 * A transferred archive arrives at its new office: the custodian changes and the archive is in
 * stock there. Allowed from 转出中 / 已转出 only, so a transfer is the only way custody moves.
 */
export async function changeArchiveCustodian(
  trx: Trx,
  clock: Clock,
  change: { archiveId: number; toOrgId: number; reason: string; actor: ActorRef | null; instanceId?: string },
): Promise<ArchiveRow> {
  const archive = await archiveStore.lockArchive(trx, change.archiveId);
  if (!archive) throw errors.notFound('Archive');
  const to = await people.findOrgUnit(trx, change.toOrgId);
  if (!to || !bool(to.is_custodian)) throw errors.rule('custodian', '接收单位不是管档单位 / The receiving unit does not hold archives');
  if (to.id === archive.custodian_org_id) throw errors.rule('same_custodian', '接收单位与原保管单位相同 / The archive is already held there');
  if (!['transferring', 'transferred'].includes(archive.status)) {
    throw errors.rule('archive_status', '只有转出中或已转出的档案才能变更保管单位 / Only an archive being transferred can change custodian', { from: archive.status });
  }
  const now = iso(clock.now());
  await archiveStore.setCustodian(trx, archive, to.id, now);
  await archiveStore.setStatus(trx, archive.id, 'in_stock', now);
  // The sender's shelf means nothing in the new office: the archive has no place there until 入库
  // gives it one. The sender's number and place stay in the history, for tracing.
  await archiveStore.setLocation(trx, archive.id, NO_PLACE, now);
  const from = (await people.findOrgUnit(trx, archive.custodian_org_id))?.name ?? archive.custodian_org_id;
  await archiveStore.insertStatusHistory(trx, {
    archive_id: archive.id,
    from_status: archive.status,
    to_status: 'in_stock',
    reason: `${change.reason}（${from} → ${to.name}；原档案号 ${archive.archive_no}，原位置 ${placeText(archive)}）`.slice(0, 500),
    instance_id: change.instanceId ?? null,
    actor_id: change.actor?.id ?? null,
    at: now,
  });
  return { ...archive, custodian_org_id: to.id, status: 'in_stock', ...NO_PLACE, updated_at: now };
}

/**
 * 入库 of a received archive (转入 审核入库): the holding office's own 档案号 (kept when the archive
 * already carries one of this office, else the next free one) and its place (库房/柜/格). Only an
 * archive in stock at that office; its status does not change.
 */
export async function shelveArchive(
  trx: Trx,
  clock: Clock,
  input: { archiveId: number; officeId: number; storeRoom: string; cabinet: string; shelf: string; instanceId?: string | null; actor?: ActorRef | null },
): Promise<ArchiveRow> {
  const archive = await archiveStore.lockArchive(trx, input.archiveId);
  if (!archive || archive.custodian_org_id !== input.officeId) throw errors.notFound('Archive');
  if (archive.status !== 'in_stock') {
    throw errors.rule('archive_status', '只有在库的档案才能入库上架 / Only an archive in stock can be shelved', { from: archive.status });
  }
  const office = await people.findOrgUnit(trx, input.officeId);
  const archiveNo = archive.archive_no.startsWith(`${office!.code}-`) ? archive.archive_no : await nextArchiveNo(trx, input.officeId);
  const mark = { archive_no: archiveNo, store_room: input.storeRoom, cabinet: input.cabinet, shelf: input.shelf };
  const now = iso(clock.now());
  await archiveStore.setShelfMark(trx, archive.id, mark, now);
  // The register keeps what the archive was called and where it stood before, so the sending
  // office's number can still be traced from the archive.
  await archiveStore.insertStatusHistory(trx, {
    archive_id: archive.id,
    from_status: archive.status,
    to_status: archive.status,
    reason: `入库上架：档案号 ${archive.archive_no} → ${archiveNo}，位置 ${placeText(archive)} → ${placeText(mark)}`.slice(0, 500),
    instance_id: input.instanceId ?? null,
    actor_id: input.actor?.id ?? null,
    at: now,
  });
  return { ...archive, ...mark };
}

/**
 * Sets the register's place of an archive to where it actually stands (库房核对 found it elsewhere),
 * recorded in the status history with the old and new place; the status does not change.
 */
export async function relocateArchive(
  trx: Trx,
  clock: Clock,
  change: { archiveId: number; place: { storeRoom: string | null; cabinet: string | null; shelf: string | null }; reason: string; actor: ActorRef | null },
): Promise<void> {
  const archive = await archiveStore.lockArchive(trx, change.archiveId);
  if (!archive) throw errors.notFound('Archive');
  assertKept(archive);
  const to = { store_room: change.place.storeRoom, cabinet: change.place.cabinet, shelf: change.place.shelf };
  const now = iso(clock.now());
  await archiveStore.setLocation(trx, archive.id, to, now);
  await archiveStore.insertStatusHistory(trx, {
    archive_id: archive.id,
    from_status: archive.status,
    to_status: archive.status,
    reason: `${change.reason}: ${placeText(archive)} → ${placeText(to)}`.slice(0, 500),
    instance_id: null,
    actor_id: change.actor?.id ?? null,
    at: now,
  });
}

/**
 * Refuses any change to an archive that has left the office (已转出, 已移交档案馆: GONE): its paper
 * is gone, and the digital copy follows the paper (DOMAIN.md §1.7). 422 RULE_VIOLATION, rule
 * 'archive_gone', as the 审核 and the 材料归档 refuse it.
 */
export function assertKept(archive: { id: number; status: string }): void {
  if (GONE.includes(archive.status)) {
    throw errors.rule('archive_gone', `档案${ARCHIVE_STATUSES[archive.status as ArchiveStatus]?.zh ?? '已离开本室'}，本室不能再更改 / The archive has left this office (${archive.status}); it can no longer be changed here`, { archiveId: archive.id, status: archive.status });
  }
}

/**
 * 已验收 closes an archive's scans (数据验收, DOMAIN.md §3): no page is added or replaced until the
 * archive chief withdraws the 验收 with a note (已验收 → 已数字化 / 部分数字化). 422 'digital_verified'.
 */
export function assertOpenForScans(archive: { id: number; digital_status: string }): void {
  if (archive.digital_status === 'verified') {
    throw errors.rule(
      'digital_verified',
      '档案已验收，不能再上传或替换扫描页；如需补扫或重扫，请档案室负责人先撤回验收（退回“已数字化”或“部分数字化”并写明原因） / The archive is verified: no page can be added or replaced until the archive chief withdraws the verification (a move back with a note)',
      { archiveId: archive.id, digitalStatus: archive.digital_status },
    );
  }
}

/** The digital-status targets a holder of these roles may move an archive in this status to. */
export function digitalTargets(from: string, roles: readonly string[]): DigitalStatus[] {
  const moves = DIGITAL_TRANSITIONS[from as DigitalStatus] ?? {};
  return (Object.keys(moves) as DigitalStatus[]).filter((to) => moves[to]!.roles.some((r) => roles.includes(r)));
}

/**
 * Refuses a digital-status move the table or the caller's roles do not allow, one made from a status
 * the archive no longer has (`seen`), or a move down without a note.
 */
export function assertDigitalMove(from: string, to: DigitalStatus, roles: readonly string[], note: string | null, seen = from): void {
  const move = DIGITAL_TRANSITIONS[from as DigitalStatus]?.[to];
  if (from !== seen || !move || !move.roles.some((r) => roles.includes(r))) {
    const zh = (s: string) => DIGITAL_STATUSES[s as DigitalStatus]?.zh ?? s;
    const en = (s: string) => DIGITAL_STATUSES[s as DigitalStatus]?.en ?? s;
    const message =
      from === to && from === seen
        ? `档案已是“${zh(to)}” / The archive is already ${en(to)}`
        : `数字化状态不能由您从“${zh(from)}”变为“${zh(to)}” / You cannot move the digital status from ${en(from)} to ${en(to)}`;
    throw errors.rule('digital_status', message, {
      from,
      to,
      allowed: digitalTargets(from, roles),
    });
  }
  if (move.down && !note) throw errors.validation([{ field: 'note', message: '退回须写明原因 / a move back needs a note' }]);
}

export interface DigitalChange {
  archiveId: number;
  /** The status the caller saw; the move is refused when the archive has moved on since. */
  from: string;
  to: DigitalStatus;
  note: string | null;
  actor: ActorRef & { roles: readonly string[] };
  /** How many materials' scans the caller checked for this move. */
  checked: number;
}

/**
 * Moves an archive's digital status along DIGITAL_TRANSITIONS and records the move. The caller has
 * locked the archive and checked the scans the target needs; this checks the table, the role, the
 * note of a move down and that 验收 is a second person's (assertSecondPerson).
 */
export async function changeDigitalStatus(trx: Trx, clock: Clock, change: DigitalChange): Promise<ArchiveRow> {
  const archive = await archiveStore.lockArchive(trx, change.archiveId);
  if (!archive) throw errors.notFound('Archive');
  assertKept(archive);
  assertDigitalMove(archive.digital_status, change.to, change.actor.roles, change.note, change.from);
  if (change.to === 'verified') await assertSecondPerson(trx, archive.id, change.actor.id);
  const now = iso(clock.now());
  await archiveStore.setDigitalStatus(trx, archive.id, change.to, now);
  await archiveStore.insertDigitalHistory(trx, {
    archive_id: archive.id,
    from_status: archive.digital_status,
    to_status: change.to,
    note: change.note,
    actor_id: change.actor.id,
    at: now,
    checked: change.checked,
  });
  return { ...archive, digital_status: change.to, updated_at: now };
}

/**
 * 验收 is a second person's look at what another declared complete (四眼原则). Since the archive was
 * last marked 已数字化 (a move up to it, not a 验收 withdrawn back to it), the verifier may not be
 * the one who marked it, one who withdrew a 验收 of it, or one whose image is on one of its pages
 * (uploaded or rescanned since): that content was seen by nobody else. A chief who withdrew a 验收
 * and rescanned asks another chief to verify, or an archivist to review it and mark it 已数字化
 * again (via 部分数字化). 422 RULE_VIOLATION 'four_eyes', details.reason saying which.
 */
async function assertSecondPerson(trx: Trx, archiveId: number, actorId: number): Promise<void> {
  const history = await archiveStore.digitalHistory(trx, archiveId);
  const marked = history.findLastIndex((h) => h.to_status === 'done' && !DIGITAL_TRANSITIONS[h.from_status as DigitalStatus]?.done?.down);
  const markedDone = marked < 0 ? undefined : history[marked];
  if (markedDone?.actor_id === actorId) {
    throw errors.rule('four_eyes', '验收须由标记“已数字化”以外的人进行 / The archive must be verified by someone other than who marked it digitised', { reason: 'marked_done' });
  }
  if (history.slice(marked + 1).some((h) => h.from_status === 'verified' && h.actor_id === actorId)) {
    throw errors.rule(
      'four_eyes',
      '您撤回了该档案的验收，重新验收须由另一位档案室负责人进行，或由档案管理员复核后重新标记“已数字化” / You withdrew this archive’s verification: another archive chief must verify it again, or an archivist reviews it and marks it digitised again',
      { reason: 'withdrew' },
    );
  }
  // The same instant counts as after: a page written then was not necessarily seen by the marker.
  const pages = await catalog.pagesWrittenBy(trx, archiveId, actorId, markedDone?.at ?? '');
  if (pages.length) {
    const list = pages.map((p) => `${p.seq_no} 第 ${p.page_no} 页`).join('、');
    const listEn = pages.map((p) => `${p.seq_no} p. ${p.page_no}`).join(', ');
    throw errors.rule(
      'four_eyes',
      `您在该档案标记“已数字化”后上传或重扫了扫描页（${list}），验收须由另一人进行 / You uploaded or rescanned pages of this archive after it was marked digitised (${listEn}): someone else must verify it`,
      { reason: 'changed_pages', pages: pages.map((p) => ({ materialId: p.material_id, seqNo: p.seq_no, pageNo: p.page_no })) },
    );
  }
}

/**
 * 已数字化 / 已验收 claim that every material's scans pass 扫描质检. When a recorded check of one of
 * the archive's materials fails, the claim no longer holds: the archive goes back to 部分数字化 with
 * a note naming the material and what was found (a fact the check established, not a decision, so
 * the table's roles do not apply; `actorId` is who triggered the check, null for the system).
 * Returns the status it left, or null when the archive was not marked digitised.
 */
export async function withdrawDigitisedForFailingCheck(
  trx: Trx,
  clock: Clock,
  change: { archiveId: number; actorId: number | null; seqNo: string; codes: string[] },
): Promise<DigitalStatus | null> {
  const archive = await archiveStore.lockArchive(trx, change.archiveId);
  if (!archive || !(['done', 'verified'] as string[]).includes(archive.digital_status)) return null;
  const now = iso(clock.now());
  const auto = { seqNo: change.seqNo, codes: change.codes };
  await archiveStore.setDigitalStatus(trx, archive.id, 'partial', now);
  await archiveStore.insertDigitalHistory(trx, {
    archive_id: archive.id,
    from_status: archive.digital_status,
    to_status: 'partial',
    note: autoBackNote(auto),
    auto_back: JSON.stringify(auto),
    actor_id: change.actorId,
    at: now,
    checked: 1,
  });
  return archive.digital_status as DigitalStatus;
}
