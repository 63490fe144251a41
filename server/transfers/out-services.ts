// The engine services of transfer.bpmn (转出, DOMAIN.md §1.3, §6.4): open the case and its order with
// every start rule, check the preparation (whole archive, nothing kept back), send (method, couriers,
// seal, slip number; the receiving office's transfer-in case when it works in Dangan), chase the
// receipt, take a defective return back into preparation, and close on the receipt. The archive's
// uses come first (uses.ts): preparation and sending wait for them, and the send ends its readings.
import type { ServiceContext, ServiceRegistry } from '../engine/types.ts';
import type { Trx } from '../db.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import * as people from '../people/store.ts';
import * as cadreStore from '../archives/store.ts';
import { caseNumber, nextNumber } from '../shared/sequences.ts';
import { monthsAfter } from '../deadlines/service.ts';
import { indexStartedCase } from '../workflow/cases.ts';
import { DESTINATION_KINDS, METHODS, OFFICE_DESTINATIONS, OUT_STATUSES, REASONS, SPECIAL_REASONS, type DestinationKind, type Reason } from './codes.ts';
import { actorRef, optText, orderOf, ownOffice, text, type TransferDeps } from './context.ts';
import { dayOf, isDay, secondsUntil } from './dates.ts';
import { slipText } from './slip.ts';
import * as store from './store.ts';
import * as holdings from './holdings-store.ts';
import { assertNoOpenUses, endViewingGrants } from './uses.ts';
import type { OrderArchive } from './store.ts';
import { systemReason } from '../archives/status-reason.ts';

/** 正本卷, 副本卷 and 材料份 of the archives an office holds of a cadre, as the records say. */
export async function recordedCounts(ctx: ServiceContext, officeId: number, cadreId: number) {
  const held = await holdings.heldArchives(ctx.trx, officeId, cadreId);
  const sum = (kind: string) => held.filter((a) => a.kind === kind).reduce((n, a) => n + a.volumes, 0);
  return {
    held,
    volumesMain: sum('original'),
    volumesCopy: sum('copy'),
    materialCount: await holdings.materialCount(ctx.trx, held.map((a) => a.id)),
  };
}

const snapshot = (held: holdings.HeldArchive[]): OrderArchive[] => held.map((a) => ({ archiveId: a.id, kind: a.kind, volumes: a.volumes, archiveNo: a.archive_no }));

/** Every volume must be on the shelf: not lent, not at the scanner (整本转递，不得分批). */
function assertAllPresent(held: holdings.HeldArchive[]) {
  const away = held.filter((a) => !['in_stock', 'retired'].includes(a.status));
  if (away.length) {
    throw errors.rule('archive_away', '档案借出或数字化中，须全部收回后才能转出 / Every volume must be back on the shelf before the transfer', {
      archives: away.map((a) => ({ archiveNo: a.archive_no, status: a.status })),
    });
  }
}

async function openTransfer(d: TransferDeps, ctx: ServiceContext) {
  const office = await ownOffice(ctx);
  const cadreId = Number(ctx.variables.cadreId);
  const cadre = Number.isInteger(cadreId) ? await cadreStore.findCadre(ctx.trx, cadreId) : undefined;
  const held = cadre ? await holdings.heldArchives(ctx.trx, office.id, cadre.id) : [];
  // Absent, held elsewhere, or the archivist's own, a relative's or an avoided cadre's: one answer.
  if (!cadre || !held.length || (await d.access.relationTo(ctx.trx, ctx.actor!.id, cadre.id))) {
    throw errors.rule('cadre_not_held', '本单位未保管该干部的档案 / This office does not hold an archive of that cadre', { cadreId: ctx.variables.cadreId });
  }
  const reason = String(ctx.variables.reason) as Reason;
  if (!(reason in REASONS)) throw errors.rule('transfer_reason', '转出原因不在规定范围内 / Unknown transfer reason', { reason });
  const kind = String(ctx.variables.destinationKind ?? 'office') as DestinationKind;
  if (!(kind in DESTINATION_KINDS)) throw errors.rule('destination_kind', '接收单位类别不正确 / Unknown kind of destination', { destinationKind: kind });
  const special = SPECIAL_REASONS.includes(reason);
  if (!special && !OFFICE_DESTINATIONS.includes(kind)) {
    throw errors.rule('destination_kind', '调动、任职、退休的档案只能转往干部人事档案工作机构 / Only an archive office can receive this archive', { reason, destinationKind: kind });
  }
  let to: { id: number | null; name: string };
  if (kind === 'office') {
    const toOrg = await people.findOrgUnit(ctx.trx, Number(ctx.variables.toCustodianOrgId));
    if (!toOrg?.is_custodian) throw errors.rule('destination_not_custodian', '接收单位不是管档单位 / The receiving unit does not hold archives');
    if (toOrg.id === office.id) throw errors.rule('same_office', '接收单位不能是本单位 / The archive cannot be transferred to its own office');
    to = { id: toOrg.id, name: toOrg.name };
  } else {
    to = { id: null, name: text(ctx, 'toUnitName', 'destination_required', '接收单位名称').slice(0, 100) };
  }
  const noticeDate = ctx.variables.noticeDate;
  const today = dayOf(ctx.clock.now());
  if (!isDay(noticeDate) || noticeDate > today) throw errors.rule('notice_date', '通知日期须为不晚于今天的日期 / The notice date must be a date not after today', { noticeDate });
  let secrecy: { review: string; date: string } | null = null;
  if (special) {
    const date = ctx.variables.secrecyReviewDate;
    const review = optText(ctx.variables.secrecyReview, 500);
    if (!review || !isDay(date) || date > today) {
      throw errors.rule('secrecy_review', '辞职、辞退、开除等转出须先作出结论并完成保密审查 / A conclusion and a secrecy review must come first', { reason });
    }
    secrecy = { review, date };
  }
  const openKey = `out:${office.id}:${cadre.id}`;
  if (await store.openOrder(ctx.trx, openKey)) throw errors.rule('transfer_open', '该档案已有未办结的转递 / This archive already has an open transfer');

  const now = ctx.clock.now();
  const due = monthsAfter(noticeDate, ctx.params.transferDeadlineMonths);
  const unit = await people.findOrgUnit(ctx.trx, cadre.org_unit_id);
  const caseNo = await caseNumber(ctx.trx, '转出', now);
  ctx.setBusinessKey(caseNo);
  const level = typeof ctx.variables.fromLevel === 'string' ? ctx.variables.fromLevel : cadre.management_level;
  const orderId = await store.insertOrder(ctx.trx, {
    direction: 'out',
    case_no: caseNo,
    instance_id: ctx.instanceId,
    status: 'preparing',
    open_key: openKey,
    cadre_id: cadre.id,
    cadre_name: cadre.name,
    cadre_id_number: cadre.id_number,
    unit_and_post: [unit?.name, cadre.post].filter(Boolean).join(' ').slice(0, 200),
    reason,
    from_org_id: office.id,
    from_unit_name: office.name,
    to_org_id: to.id,
    to_unit_name: to.name,
    destination_kind: kind,
    notice_no: text(ctx, 'noticeNo', 'notice_no', '任免（调动）通知文号').slice(0, 60),
    notice_date: noticeDate,
    secrecy_review: secrecy?.review ?? null,
    secrecy_review_date: secrecy?.date ?? null,
    management_level: level,
    archives: JSON.stringify(snapshot(held)),
    due_at: iso(due),
    opened_by: ctx.actor!.id,
    opened_at: iso(now),
    updated_at: iso(now),
  });
  const positionChangeId = Number(ctx.variables.positionChangeId);
  if (Number.isInteger(positionChangeId) && positionChangeId > 0) await store.setPositionChangeOrder(ctx.trx, positionChangeId, orderId);
  return {
    orderId,
    caseSubject: `转出：${cadre.name}（${unit?.name ?? ''} ${cadre.post ?? ''}）→ ${to.name}`.replace(/\s+）/, '）'),
    orgScopes: { archivist: office.id, archive_chief: office.id, auth_leader: office.parent_id },
    custodianOrgId: office.id,
    receiverInside: to.id !== null,
    ...(to.id !== null ? { receiverOrgId: to.id } : {}),
    managementLevel: level,
    transferStartedAt: noticeDate,
    transferDueIn: secondsUntil(now, due),
    transferSentAt: null,
  };
}

async function recordPreparation(ctx: ServiceContext) {
  const order = await orderOf(ctx);
  const result = String(ctx.variables.complete);
  if (result === 'cancel' && !optText(ctx.variables.comment, 500)) {
    throw errors.rule('cancel_reason', '撤销转递须写明原因 / Say why the transfer is cancelled', { field: 'comment' });
  }
  if (result !== 'yes') return;
  const counts = await recordedCounts(ctx, order.from_org_id!, order.cadre_id!);
  assertAllPresent(counts.held);
  await assertNoOpenUses(ctx, order.from_org_id!, counts.held);
  const given = { volumesMain: ctx.variables.volumesMain, volumesCopy: ctx.variables.volumesCopy, materialCount: ctx.variables.materialCount };
  const expected = { volumesMain: counts.volumesMain, volumesCopy: counts.volumesCopy, materialCount: counts.materialCount };
  if (given.volumesMain !== expected.volumesMain || given.volumesCopy !== expected.volumesCopy || given.materialCount !== expected.materialCount) {
    throw errors.rule('whole_archive', '核对的卷数、份数与档案目录不符：整本转递，不得截留材料，不得分批转出 / The counted volumes and materials differ from the catalogue: the whole archive goes, nothing kept back, no batches', { expected, given });
  }
  await store.updateOrder(ctx.trx, order.id, {
    status: 'approving',
    archives: JSON.stringify(snapshot(counts.held)),
    volumes_main: expected.volumesMain,
    volumes_copy: expected.volumesCopy,
    material_count: expected.materialCount,
    updated_at: iso(ctx.clock.now()),
  });
}

async function returnToPreparation(ctx: ServiceContext) {
  const order = await orderOf(ctx);
  await store.updateOrder(ctx.trx, order.id, { status: 'preparing', updated_at: iso(ctx.clock.now()) });
}

async function cancelTransfer(d: TransferDeps, ctx: ServiceContext) {
  const order = await orderOf(ctx);
  await store.updateOrder(ctx.trx, order.id, { status: 'cancelled', open_key: null, updated_at: iso(ctx.clock.now()) });
  const reverted = await revertPositionChange(d, ctx.trx, order, await actorRef(ctx));
  return { outcome: 'cancelled', ...(reverted ? { positionReverted: reverted } : {}) };
}

/**
 * A cancelled transfer that a 任免 notice started takes the notice back: unit, post and management
 * level return to the notice's from_* values, each through updateCadreField with the cancellation as
 * basis (变更记录). Only when the cadre still holds the notice's to_* values: a position changed since
 * is left as it is (`kept`; the case tells the archivist to correct it). Undefined: no notice behind it.
 */
export async function revertPositionChange(d: TransferDeps, trx: Trx, order: store.OrderRow, actor: Awaited<ReturnType<typeof actorRef>>): Promise<'reverted' | 'kept' | undefined> {
  const change = await store.positionChangeOfOrder(trx, order.id);
  if (!change || change.reverted_at) return undefined;
  const cadre = await cadreStore.findCadre(trx, change.cadre_id);
  const at = iso(d.clock.now());
  if (!cadre) return undefined;
  const same = (a: unknown, b: unknown) => String(a ?? '') === String(b ?? '');
  const holds = same(cadre.org_unit_id, change.to_unit_id) && same(cadre.post, change.to_post) && same(cadre.management_level, change.to_level);
  if (!holds) {
    await store.markPositionChangeReverted(trx, change.id, 'kept', at);
    return 'kept';
  }
  const document = `撤销转递${order.case_no}（${change.notice_no}）`.slice(0, 60);
  const back: Array<[string, string | number | null, unknown]> = [
    ['org_unit_id', change.from_unit_id, cadre.org_unit_id],
    ['post', change.from_post, cadre.post],
    ['management_level', change.from_level, cadre.management_level],
  ];
  for (const [field, value, now] of back) {
    if (same(value, now)) continue;
    await d.archives.updateCadreField(trx, { cadreId: cadre.id, field, value, basis: { document }, actor });
  }
  await store.markPositionChangeReverted(trx, change.id, 'reverted', at);
  return 'reverted';
}

/** A courier's name as recorded: full-width forms folded, spaces collapsed, none between Chinese characters. */
export const courierName = (name: string) =>
  name.normalize('NFKC').trim().replace(/\s+/g, ' ').replace(/(?<=\p{Script=Han}) (?=\p{Script=Han})/gu, '');

/** The 字 of an office's slips: configured, else the first two characters of its name + 档转. */
const slipWord = (d: TransferDeps, office: { code: string; name: string }) => d.config.transfers.slipWords[office.code] ?? `${office.name.slice(0, 2)}档转`;

async function sendTransfer(d: TransferDeps, ctx: ServiceContext) {
  const order = await orderOf(ctx);
  if (order.status !== 'approving') {
    const s = OUT_STATUSES[order.status as keyof typeof OUT_STATUSES];
    throw errors.conflict('TRANSFER_NOT_APPROVED', `转递单状态为“${s?.zh ?? order.status}”，不能发出 / The order is “${s?.en ?? order.status}” and cannot be sent now`, { status: order.status });
  }
  const method = String(ctx.variables.method);
  if (!(method in METHODS)) {
    throw errors.rule('transfer_method', '档案只能通过机要交通或派专人送取，不得邮寄，不得由干部本人携带 / Only by confidential courier service or named couriers: never by post, never carried by the cadre', { method });
  }
  let couriers: Array<{ name: string; partyMember: boolean }> = [];
  if (method === 'courier') {
    const list = Array.isArray(ctx.variables.couriers) ? (ctx.variables.couriers as Array<Record<string, unknown>>) : [];
    couriers = list.map((c) => ({ name: typeof c?.name === 'string' ? courierName(c.name) : '', partyMember: c?.partyMember === true }));
    const n = ctx.params.transferCouriers;
    // "王强" and "王 强" are one person: names compare without spaces and case.
    if (couriers.length !== n || couriers.some((c) => !c.name) || new Set(couriers.map((c) => c.name.replace(/\s/g, '').toLowerCase())).size !== couriers.length) {
      throw errors.rule('courier_count', `派专人送取须有 ${n} 名不同的送取人员 / Named couriers: exactly ${n} different people`, { required: n, given: couriers.length });
    }
    const notMembers = couriers.filter((c) => !c.partyMember).map((c) => c.name);
    if (notMembers.length) {
      throw errors.rule('courier_party_member', `送取人员须为中共党员，${notMembers.join('、')}不是 / The couriers must be Party members; not: ${notMembers.join(', ')}`, { field: 'couriers', couriers: notMembers });
    }
  }
  if (ctx.variables.sealed !== true) throw errors.rule('package_sealed', '档案须密封并在封口处加盖公章后才能发出 / Seal the package and stamp the seams first');

  const counts = await recordedCounts(ctx, order.from_org_id!, order.cadre_id!);
  assertAllPresent(counts.held);
  await assertNoOpenUses(ctx, order.from_org_id!, counts.held);
  const actor = await actorRef(ctx);
  for (const a of counts.held) {
    await d.archives.changeArchiveStatus(ctx.trx, { archiveId: a.id, to: 'transferring', reason: systemReason('transfer_out', { caseNo: order.case_no }), actor, instanceId: ctx.instanceId });
  }
  await endViewingGrants(d, ctx, order, counts.held);
  const office = (await people.findOrgUnit(ctx.trx, order.from_org_id!))!;
  const now = ctx.clock.now();
  const year = Number(dayOf(now).slice(0, 4));
  const no = `${year}-${String(await nextNumber(ctx.trx, `转递单:${office.code}`, year)).padStart(4, '0')}`;
  const word = slipWord(d, office);
  await store.updateOrder(ctx.trx, order.id, {
    status: 'sent',
    method,
    couriers: JSON.stringify(couriers),
    slip_word: word,
    slip_no: no,
    sent_at: iso(now),
    sent_by: ctx.actor?.id ?? null,
    archives: JSON.stringify(snapshot(counts.held)),
    volumes_main: counts.volumesMain,
    volumes_copy: counts.volumesCopy,
    material_count: counts.materialCount,
    updated_at: iso(now),
  });
  if (order.to_org_id !== null) await startTransferIn(d, ctx, order.id);
  // The receipt is chased once it is RECEIPT_CHASE_MONTHS calendar months overdue, at the end of that
  // Beijing day, as the receipt deadline (openReceiptDeadline) says; a cycle in P…M would count months
  // from the time of day and overflow (31 January + P1M is 3 March), so the diagram's cycle gets seconds.
  const receiptChaseSeconds = Math.ceil((monthsAfter(now, ctx.params.receiptChaseMonths).getTime() - now.getTime()) / 1000);
  return { transferSentAt: iso(now), slipNo: slipText(word, no), receiptChaseSeconds };
}

/** The receiving office works in Dangan: its transfer-in case starts now, offered to its archivists. */
async function startTransferIn(d: TransferDeps, ctx: ServiceContext, orderId: number) {
  const order = (await store.findOrder(ctx.trx, orderId))!;
  const engine = d.engine();
  const def = await engine.definitions.latest(ctx.trx, 'transfer-in');
  const started = await engine.startWith(ctx.trx, def, {
    actor: null,
    variables: {
      outOrderId: order.id,
      receiverOrgId: order.to_org_id,
      fromUnit: order.from_unit_name,
      slipNo: slipText(order.slip_word, order.slip_no),
      cadreName: order.cadre_name,
      cadreIdNumber: order.cadre_id_number,
      volumesMain: order.volumes_main,
      volumesCopy: order.volumes_copy,
      materialCount: order.material_count,
    },
  });
  const inOrder = await store.orderOfInstance(ctx.trx, started.id);
  await store.updateOrder(ctx.trx, order.id, { peer_order_id: inOrder!.id });
  await indexStartedCase(ctx.trx, started);
}

export function registerTransferOutServices(registry: ServiceRegistry, d: TransferDeps): void {
  registry.register('openTransfer', (ctx) => openTransfer(d, ctx));
  registry.register('recordPreparation', recordPreparation);
  registry.register('returnToPreparation', returnToPreparation);
  registry.register('cancelTransfer', (ctx) => cancelTransfer(d, ctx));
  registry.register('sendTransfer', (ctx) => sendTransfer(d, ctx));
}
