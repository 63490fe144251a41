// The receipt side of transfer.bpmn (转出): while the case waits for the 回执 — chase it (a notice to
// the receiving office in Dangan, or a record of the archivist's letter or call to one outside), take
// a defective return back into preparation, and close the case when the receipt comes.
import type { ServiceContext, ServiceRegistry } from '../engine/types.ts';
import { iso } from '../clock.ts';
import { parseJson } from '../db.ts';
import { caseVars } from '../notify/notices.ts';
import { formatInstant } from '../notify/beijing.ts';
import { actorRef, optText, orderOf, type TransferDeps } from './context.ts';
import { slipText } from './slip.ts';
import * as store from './store.ts';
import type { OrderArchive } from './store.ts';
import { systemReason } from '../archives/status-reason.ts';

async function chaseReceipt(d: TransferDeps, ctx: ServiceContext) {
  const order = await orderOf(ctx);
  // Outside Dangan the sender chases by telephone or letter: the chaseByLetter task records it.
  if (order.to_org_id === null) return;
  const seq = await store.nextChaseSeq(ctx.trx, order.id);
  const { processName, caseRef } = await caseVars(ctx);
  await d.notify.notify(ctx.trx, {
    event: 'receipt_chase',
    recipients: [{ role: 'archivist', orgUnitId: order.to_org_id }],
    vars: { processName, caseRef: slipText(order.slip_word, order.slip_no) || caseRef, fromOrg: order.from_unit_name, sentAt: formatInstant(order.sent_at) },
    link: { deadlines: true },
    instanceId: ctx.instanceId,
    key: `transfer-chase:${order.id}:${seq}`,
  });
  await store.insertChase(ctx.trx, { order_id: order.id, seq, channel: 'mail', note: `第${seq}次催问回执 / chase ${seq}`, actor_id: null, at: iso(ctx.clock.now()) });
}

async function recordChase(ctx: ServiceContext) {
  const order = await orderOf(ctx);
  const seq = await store.nextChaseSeq(ctx.trx, order.id);
  await store.insertChase(ctx.trx, {
    order_id: order.id,
    seq,
    channel: String(ctx.variables.channel ?? 'other').slice(0, 10),
    note: optText(ctx.variables.chaseNote, 500),
    actor_id: ctx.actor?.id ?? null,
    at: iso(ctx.clock.now()),
  });
}

async function recordTransferReturned(d: TransferDeps, ctx: ServiceContext) {
  const order = await orderOf(ctx);
  const actor = await actorRef(ctx);
  for (const a of parseJson<OrderArchive[]>(order.archives, [])) {
    await d.archives.changeArchiveStatus(ctx.trx, { archiveId: a.archiveId, to: 'in_stock', reason: systemReason('transfer_returned', { caseNo: order.case_no }), actor, instanceId: ctx.instanceId });
  }
  const inOrderId = Number(ctx.variables.returnInOrderId);
  await store.insertReturn(ctx.trx, {
    order_id: order.id,
    in_order_id: Number.isInteger(inOrderId) && inOrderId > 0 ? inOrderId : null,
    slip_no: slipText(order.slip_word, order.slip_no),
    reason: optText(ctx.variables.returnReason, 1000) ?? '',
    source: ctx.variables.returnSource === 'paper' ? 'paper' : 'dangan',
    actor_id: ctx.actor?.id ?? null,
    at: iso(ctx.clock.now()),
  });
  await store.updateOrder(ctx.trx, order.id, { status: 'returned', peer_order_id: null, updated_at: iso(ctx.clock.now()) });
  return { transferSentAt: null };
}

async function finishTransferOut(d: TransferDeps, ctx: ServiceContext) {
  const order = await orderOf(ctx);
  // Inside Dangan the receiving office took custody when it signed; outside, the archive has left.
  if (order.to_org_id === null) {
    const actor = await actorRef(ctx);
    for (const a of parseJson<OrderArchive[]>(order.archives, [])) {
      await d.archives.changeArchiveStatus(ctx.trx, { archiveId: a.archiveId, to: 'transferred', reason: systemReason('transfer_done', { caseNo: order.case_no }), actor, instanceId: ctx.instanceId });
    }
  }
  await store.updateOrder(ctx.trx, order.id, {
    status: 'receipted',
    open_key: null,
    receipt_at: String(ctx.variables.receiptAt ?? iso(ctx.clock.now())).slice(0, 30),
    receipt_signer: optText(ctx.variables.receiptSignedBy, 50),
    receipt_source: ctx.variables.receiptSource === 'paper' ? 'paper' : 'dangan',
    receipt_recorded_by: ctx.actor?.id ?? null,
    updated_at: iso(ctx.clock.now()),
  });
  return { outcome: 'transferred' };
}

export function registerReceiptServices(registry: ServiceRegistry, d: TransferDeps): void {
  registry.register('chaseReceipt', (ctx) => chaseReceipt(d, ctx));
  registry.register('recordChase', recordChase);
  registry.register('recordTransferReturned', (ctx) => recordTransferReturned(d, ctx));
  registry.register('finishTransferOut', (ctx) => finishTransferOut(d, ctx));
}
