// The 转递 room's HTTP side: record a position change (任免/调动) — which starts the transfer-out case
// when custody moves to another office —, the orders an office sees (out: the ones it sent; in: the
// ones it receives), the slip, the paper receipt or paper return of a receiver outside Dangan, and the
// 名册. Each write is one transaction with its audit row; out of scope answers 404 like absent.
import type { Trx } from '../db.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { EngineHooks } from '../engine/types.ts';
import type { SessionUser } from '../people/sessions.ts';
import * as people from '../people/store.ts';
import * as cadreStore from '../archives/store.ts';
import { actorOf } from '../workflow/service.ts';
import { indexStartedCase } from '../workflow/cases.ts';
import type { TransferDeps } from './context.ts';
import { dayOf } from './dates.ts';
import { buildSlip } from './slip.ts';
import { OUT_STATUSES } from './codes.ts';
import { revertPositionChange } from './out-services.ts';
import { chaseDto, orderDetailDto, orderSummaryDto, positionChangeDto, returnDto, rosterDto } from './dto.ts';
import * as store from './store.ts';
import * as holdings from './holdings-store.ts';
import type { OrderFilter, OrderRow } from './store.ts';
import type { PositionChangeBody, ReceiptBody, ReturnBody } from './schema.ts';

const actorRefOf = (u: SessionUser) => ({ id: u.id, username: u.username, displayName: u.displayName });

export class TransferService {
  constructor(private readonly d: TransferDeps) {}

  private get db() {
    return this.d.db;
  }

  /** A case that an administrator terminates leaves its order cancelled, and the archive free for a new one. */
  register(hooks: EngineHooks): void {
    hooks.on('instanceEnded', async (trx, ev) => {
      if (ev.status !== 'terminated' || (ev.processKey !== 'transfer' && ev.processKey !== 'transfer-in')) return;
      const order = await store.orderOfInstance(trx, ev.instanceId);
      if (!order?.open_key) return;
      await store.updateOrder(trx, order.id, { status: 'cancelled', open_key: null, updated_at: iso(this.d.clock.now()) });
      // The archivist who recorded the notice withdrew the case before anyone acted (通知登记错误):
      // the notice goes back as with 撤销. An administrator's termination leaves the position alone.
      if (order.direction === 'out' && order.status === 'preparing' && ev.endedBy != null && ev.endedBy === order.opened_by) {
        const u = await people.findUser(trx, ev.endedBy);
        await revertPositionChange(this.d, trx, order, u ? { id: u.id, username: u.username, displayName: u.display_name } : null);
      }
    });
  }

  // -- scope ------------------------------------------------------------------------------------------

  private offices(q: Trx | TransferDeps['db'], user: SessionUser): Promise<number[]> {
    return this.d.access.custodianOffices(q, user);
  }

  /** The order, if the user's office sent it (out) or receives it (in), and its cadre is not barred to them. */
  private async visibleOrder(q: Trx | TransferDeps['db'], user: SessionUser, id: number, lock = false): Promise<OrderRow> {
    const order = lock ? await store.lockOrder(q, id) : await store.findOrder(q, id);
    const offices = await this.offices(q, user);
    const mine = order && offices.includes((order.direction === 'out' ? order.from_org_id : order.to_org_id) ?? -1);
    if (!order || !mine || (order.cadre_id && (await this.d.access.relationTo(q, user.id, order.cadre_id)))) throw errors.notFound('Transfer order');
    return order;
  }

  // -- position changes ---------------------------------------------------------------------------------

  async recordPositionChange(user: SessionUser, ip: string, cadreId: number, body: PositionChangeBody) {
    return this.db.transaction(async (trx) => {
      const office = await people.findOrgUnit(trx, user.orgUnitId);
      const held = office?.is_custodian ? await holdings.heldArchives(trx, office.id, cadreId) : [];
      if (!office || !held.length || (await this.d.access.relationTo(trx, user.id, cadreId))) throw errors.notFound('Cadre');
      const cadre = (await cadreStore.findCadre(trx, cadreId))!;
      const unit = await people.findOrgUnit(trx, body.unitId);
      if (!unit) throw errors.validation([{ field: 'unitId', message: '单位不存在 / no such unit' }]);
      if (body.noticeDate > dayOf(this.d.clock.now())) throw errors.rule('notice_date', '通知日期不能晚于今天 / The notice date cannot be in the future', { noticeDate: body.noticeDate });
      const post = body.post === undefined ? cadre.post : body.post || null;
      if (unit.id === cadre.org_unit_id && body.managementLevel === cadre.management_level && post === cadre.post) {
        throw errors.rule('position_unchanged', '单位、职务和管理权限均未变化 / Unit, post and management level are unchanged');
      }
      const now = iso(this.d.clock.now());
      const changeId = await store.insertPositionChange(trx, {
        cadre_id: cadre.id,
        from_unit_id: cadre.org_unit_id,
        from_post: cadre.post,
        from_level: cadre.management_level,
        to_unit_id: unit.id,
        to_post: post,
        to_level: body.managementLevel,
        notice_no: body.noticeNo,
        notice_date: body.noticeDate,
        office_id: office.id,
        transfer_order_id: null,
        recorded_by: user.id,
        recorded_at: now,
      });
      const changes: Array<[string, string | number | null, unknown]> = [
        ['org_unit_id', unit.id, cadre.org_unit_id],
        ['post', post, cadre.post],
        ['management_level', body.managementLevel, cadre.management_level],
      ];
      for (const [field, value, old] of changes) {
        if (String(value ?? '') === String(old ?? '')) continue;
        await this.d.archives.updateCadreField(trx, { cadreId: cadre.id, field, value, basis: { document: body.noticeNo }, actor: actorRefOf(user) });
      }
      const custody = await this.d.archives.custodianFor(trx, unit.id, body.managementLevel);
      const newCustodian = custody ? await people.findOrgUnit(trx, custody.custodianOrgId) : undefined;
      let transfer: { orderId: number; instanceId: string; caseNo: string; dueAt: string | null } | null = null;
      if (newCustodian && newCustodian.id !== office.id) {
        const engine = this.d.engine();
        const started = await engine.startWith(trx, await engine.definitions.latest(trx, 'transfer'), {
          actor: actorOf(user),
          variables: {
            cadreId: cadre.id,
            reason: body.managementLevel !== cadre.management_level ? 'appointment' : 'transfer',
            destinationKind: 'office',
            toCustodianOrgId: newCustodian.id,
            noticeNo: body.noticeNo,
            noticeDate: body.noticeDate,
            positionChangeId: changeId,
            fromLevel: cadre.management_level,
          },
        });
        await indexStartedCase(trx, started);
        const order = (await store.orderOfInstance(trx, started.id))!;
        transfer = { orderId: order.id, instanceId: started.id, caseNo: order.case_no, dueAt: order.due_at };
        await this.d.audit.record(trx, { actor: user, ip, action: 'instance.start', objectType: 'process_instance', objectId: started.id, detail: { processKey: 'transfer', version: started.version, positionChangeId: changeId } });
      }
      await this.d.audit.record(trx, { actor: user, ip, action: 'cadre.position_change', objectType: 'cadre', objectId: cadre.id, detail: { positionChangeId: changeId, transferOrderId: transfer?.orderId ?? null } });
      return {
        positionChangeId: changeId,
        cadreId: cadre.id,
        newCustodian: newCustodian ? { id: newCustodian.id, name: newCustodian.name } : null,
        transfer,
      };
    });
  }

  async positionChanges(user: SessionUser, cadreId: number) {
    const held = await holdings.heldArchives(this.db, user.orgUnitId, cadreId);
    const barred = await this.d.access.relationTo(this.db, user.id, cadreId);
    if (!held.length || barred || !(await this.offices(this.db, user)).includes(user.orgUnitId)) throw errors.notFound('Cadre');
    const rows = await store.positionChangesOf(this.db, cadreId);
    const units = await this.unitNames(this.db, rows.flatMap((r) => [r.from_unit_id, r.to_unit_id]));
    return { items: rows.map((r) => ({ ...positionChangeDto(r, units), transferOrderId: r.transfer_order_id })) };
  }

  private async unitNames(q: Trx | TransferDeps['db'], ids: number[]): Promise<Map<number, string>> {
    const unique = [...new Set(ids)];
    const rows = unique.length ? await q('org_units').whereIn('id', unique).select('id', 'name') : [];
    return new Map(rows.map((r: { id: number; name: string }) => [r.id, r.name]));
  }

  // -- orders -----------------------------------------------------------------------------------------

  async list(user: SessionUser, f: OrderFilter, page: { limit: number; offset: number }) {
    const offices = await this.offices(this.db, user);
    // Nobody sees the transfer of their own archive, a relative's or an avoided cadre's.
    const barred = await this.d.access.excludedCadreIds(this.db, user.id);
    const { total, rows } = await store.listOrders(this.db, offices, barred, f, page);
    return { total, items: rows.map(orderSummaryDto) };
  }

  async get(user: SessionUser, ip: string, id: number) {
    return this.db.transaction(async (trx) => {
      const o = await this.visibleOrder(trx, user, id);
      const chases = await store.chasesOf(trx, o.id);
      const returns = await store.returnsOf(trx, o.id);
      const names = await holdings.userNames(trx, [o.sent_by, o.receipt_recorded_by, o.stored_by, o.opened_by, ...chases.map((c) => c.actor_id), ...returns.map((r) => r.actor_id)]);
      const change = await store.positionChangeOfOrder(trx, o.id);
      const units = change ? await this.unitNames(trx, [change.from_unit_id, change.to_unit_id]) : new Map();
      const approvals = o.direction === 'out' ? await holdings.approvalsOf(trx, o.instance_id) : [];
      await this.d.audit.record(trx, { actor: user, ip, action: 'transfer.view', objectType: 'transfer_order', objectId: o.id });
      return orderDetailDto(o, {
        names,
        chases: chases.map((c) => chaseDto(c, names)),
        returns: returns.map((r) => returnDto(r, names)),
        approvals: approvals.map((a) => ({ step: a.element_id, name: a.name, decision: a.outcome, comment: a.comment, by: a.by_name, at: a.completed_at })),
        positionChange: change ? positionChangeDto(change, units) : null,
      });
    });
  }

  /** The order of a case, for its task pages; 404 like absent when the reader does not see it. */
  async ofCase(user: SessionUser, ip: string, instanceId: string) {
    const o = await store.orderOfInstance(this.db, instanceId);
    if (!o) throw errors.notFound('Transfer order');
    return this.get(user, ip, o.id);
  }

  /** The slip of a sent order; the receiving office reads the slip it received. */
  async slip(user: SessionUser, ip: string, id: number) {
    return this.db.transaction(async (trx) => {
      const o = await this.visibleOrder(trx, user, id);
      const sent = o.direction === 'out' ? o : o.peer_order_id ? await store.findOrder(trx, o.peer_order_id) : undefined;
      if (!sent?.slip_no || !sent.sent_at) throw errors.notFound('Transfer slip');
      const sender = sent.sent_by ? (await holdings.userNames(trx, [sent.sent_by])).get(sent.sent_by) ?? null : null;
      await this.d.audit.record(trx, { actor: user, ip, action: 'transfer.view', objectType: 'transfer_order', objectId: o.id, detail: { part: 'slip' } });
      return { orderId: o.id, caseNo: sent.case_no, ...buildSlip(sent, sender) };
    });
  }

  /** An outside receiver's order the sender may act on by paper: sent, and waiting for the receipt. */
  private async awaitingPaper(trx: Trx, user: SessionUser, id: number): Promise<OrderRow> {
    const o = await this.visibleOrder(trx, user, id, true);
    if (o.direction !== 'out') throw errors.notFound('Transfer order');
    if (o.to_org_id !== null) {
      throw errors.rule('receipt_in_dangan', '接收单位在系统内，由其在系统中查收并签退回执 / The receiving office works in Dangan and signs there');
    }
    if (o.status !== 'sent') {
      const s = OUT_STATUSES[o.status as keyof typeof OUT_STATUSES];
      throw errors.conflict('NOT_AWAITING_RECEIPT', `转递单${s ? `已是“${s.zh}”` : '状态已变'}，不在等待回执 / The order is ${s ? `“${s.en}”` : 'no longer sent'}, not waiting for a receipt`, { status: o.status });
    }
    return o;
  }

  async recordPaperReceipt(user: SessionUser, ip: string, id: number, body: ReceiptBody) {
    return this.db.transaction(async (trx) => {
      const o = await this.awaitingPaper(trx, user, id);
      if (body.receivedOn > dayOf(this.d.clock.now()) || body.receivedOn < dayOf(o.sent_at!)) {
        throw errors.rule('receipt_date', '回执日期须在发出之日和今天之间 / The receipt date lies between sending and today', { receivedOn: body.receivedOn });
      }
      await this.d.engine().deliver(trx, o.instance_id, 'awaitReceipt', { receiptSignedBy: body.signer, receiptAt: body.receivedOn, receiptSource: 'paper' }, actorOf(user));
      await this.d.audit.record(trx, { actor: user, ip, action: 'transfer.receipt', objectType: 'transfer_order', objectId: o.id, detail: { source: 'paper' } });
      return orderSummaryDto((await store.findOrder(trx, o.id))!);
    });
  }

  async recordPaperReturn(user: SessionUser, ip: string, id: number, body: ReturnBody) {
    return this.db.transaction(async (trx) => {
      const o = await this.awaitingPaper(trx, user, id);
      await this.d.engine().deliver(trx, o.instance_id, 'returnedDefective', { returnReason: body.reason, returnSource: 'paper' }, actorOf(user));
      await this.d.audit.record(trx, { actor: user, ip, action: 'transfer.return', objectType: 'transfer_order', objectId: o.id, detail: { source: 'paper' } });
      return orderSummaryDto((await store.findOrder(trx, o.id))!);
    });
  }

  // -- 名册 ----------------------------------------------------------------------------------------------

  async roster(user: SessionUser, officeId: number | undefined, page: { limit: number; offset: number }) {
    const offices = await this.offices(this.db, user);
    const id = officeId ?? (offices.length === 1 ? offices[0] : undefined);
    if (id === undefined || !offices.includes(id)) throw errors.notFound('Archive office');
    const office = (await people.findOrgUnit(this.db, id))!;
    const barred = await this.d.access.excludedCadreIds(this.db, user.id);
    const { total, rows } = await holdings.roster(this.db, id, barred, page);
    return { office: { id: office.id, name: office.name }, total, items: rows.map(rosterDto) };
  }
}
