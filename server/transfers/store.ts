// SQL of the 转递 room: transfer orders, chase records, defective returns and position changes (the
// reads of the archive domain's tables are in holdings-store.ts). Constraint errors become domain
// errors here.
import type { Knex } from 'knex';
import type { Q } from '../db.ts';
import { forUpdate } from '../db.ts';
import { errors } from '../errors.ts';

export interface OrderArchive {
  archiveId: number;
  kind: string;
  volumes: number;
  archiveNo: string;
  newArchiveNo?: string;
}

export interface OrderRow {
  id: number;
  direction: 'out' | 'in';
  case_no: string;
  instance_id: string;
  peer_order_id: number | null;
  status: string;
  open_key: string | null;
  cadre_id: number | null;
  cadre_name: string;
  cadre_id_number: string;
  unit_and_post: string | null;
  reason: string;
  from_org_id: number | null;
  from_unit_name: string;
  to_org_id: number | null;
  to_unit_name: string;
  destination_kind: string;
  notice_no: string | null;
  notice_date: string | null;
  secrecy_review: string | null;
  secrecy_review_date: string | null;
  management_level: string | null;
  archives: string;
  volumes_main: number | null;
  volumes_copy: number | null;
  material_count: number | null;
  method: string | null;
  couriers: string | null;
  slip_word: string | null;
  slip_no: string | null;
  sent_at: string | null;
  sent_by: number | null;
  due_at: string | null;
  receipt_at: string | null;
  receipt_signer: string | null;
  receipt_source: string | null;
  receipt_recorded_by: number | null;
  incoming_cadre: string | null;
  stored_at: string | null;
  stored_by: number | null;
  opened_by: number | null;
  opened_at: string;
  updated_at: string;
}

export interface ChaseRow {
  id: number;
  order_id: number;
  seq: number;
  channel: string;
  note: string | null;
  actor_id: number | null;
  at: string;
}

export interface ReturnRow {
  id: number;
  order_id: number;
  in_order_id: number | null;
  slip_no: string | null;
  reason: string;
  source: string;
  actor_id: number | null;
  at: string;
}

export interface PositionChangeRow {
  id: number;
  cadre_id: number;
  from_unit_id: number;
  from_post: string | null;
  from_level: string;
  to_unit_id: number;
  to_post: string | null;
  to_level: string;
  notice_no: string;
  notice_date: string;
  office_id: number;
  transfer_order_id: number | null;
  recorded_by: number;
  recorded_at: string;
  /** Set when the transfer it started was cancelled: `reverted` (the fields went back) or `kept` (changed since; left alone). */
  reverted_at?: string | null;
  revert_result?: 'reverted' | 'kept' | null;
}

const idOf = (ret: unknown): number => Number(typeof ret === 'object' && ret !== null ? (ret as { id: number }).id : ret);

const isUniqueViolation = (e: unknown): boolean => {
  const err = e as { code?: string; message?: string };
  return err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(err?.message ?? '');
};

/** A second open order for the same archive loses on the open_key index: the same error as the service check. */
const openConflict = () =>
  errors.rule('transfer_open', '该档案已有未办结的转递 / This archive already has an open transfer');

type Required = 'direction' | 'case_no' | 'instance_id' | 'status' | 'cadre_name' | 'cadre_id_number' | 'reason' | 'from_unit_name' | 'to_unit_name' | 'destination_kind' | 'opened_at' | 'updated_at';

/** A new order: the given columns, every other one empty. */
export async function insertOrder(q: Q, given: Pick<OrderRow, Required> & Partial<Omit<OrderRow, 'id' | Required>>): Promise<number> {
  const row: Omit<OrderRow, 'id'> = {
    peer_order_id: null, open_key: null, cadre_id: null, unit_and_post: null, from_org_id: null, to_org_id: null, notice_no: null, notice_date: null,
    secrecy_review: null, secrecy_review_date: null, management_level: null, archives: '[]', volumes_main: null, volumes_copy: null, material_count: null,
    method: null, couriers: null, slip_word: null, slip_no: null, sent_at: null, sent_by: null, due_at: null, receipt_at: null, receipt_signer: null,
    receipt_source: null, receipt_recorded_by: null, incoming_cadre: null, stored_at: null, stored_by: null, opened_by: null,
    ...given,
  };
  try {
    const [ret] = await q('transfer_orders').insert(row).returning('id');
    return idOf(ret);
  } catch (e) {
    if (isUniqueViolation(e)) throw openConflict();
    throw e;
  }
}

export async function updateOrder(q: Q, id: number, patch: Partial<OrderRow>): Promise<void> {
  try {
    await q('transfer_orders').where({ id }).update(patch);
  } catch (e) {
    if (isUniqueViolation(e)) throw openConflict();
    throw e;
  }
}

export async function findOrder(q: Q, id: number): Promise<OrderRow | undefined> {
  return q('transfer_orders').where({ id }).first();
}

export async function lockOrder(q: Q, id: number): Promise<OrderRow | undefined> {
  return forUpdate(q, q('transfer_orders').where({ id }).first());
}

export async function orderOfInstance(q: Q, instanceId: string): Promise<OrderRow | undefined> {
  return forUpdate(q, q('transfer_orders').where({ instance_id: instanceId }).first());
}

export async function openOrder(q: Q, openKey: string): Promise<OrderRow | undefined> {
  return q('transfer_orders').where({ open_key: openKey }).first();
}

export interface OrderFilter {
  direction?: 'out' | 'in';
  status?: string;
  cadreId?: number;
}

/** Orders the offices may see: out orders they sent, in orders they receive. Newest first. */
export async function listOrders(q: Q, officeIds: number[], barredCadreIds: number[], f: OrderFilter, page: { limit: number; offset: number }) {
  const base = (): Knex.QueryBuilder => {
    const qb = q('transfer_orders as o').where((w) =>
      w
        .where((o) => o.where('o.direction', 'out').whereIn('o.from_org_id', officeIds.length ? officeIds : [-1]))
        .orWhere((i) => i.where('o.direction', 'in').whereIn('o.to_org_id', officeIds.length ? officeIds : [-1])),
    );
    if (barredCadreIds.length) qb.where((w) => w.whereNull('o.cadre_id').orWhereNotIn('o.cadre_id', barredCadreIds));
    if (f.direction) qb.where('o.direction', f.direction);
    if (f.status) qb.where('o.status', f.status);
    if (f.cadreId) qb.where('o.cadre_id', f.cadreId);
    return qb;
  };
  const [{ n }] = await base().count({ n: '*' });
  const rows: OrderRow[] = await base().orderBy('o.id', 'desc').limit(page.limit).offset(page.offset).select('o.*');
  return { total: Number(n), rows };
}

export async function nextChaseSeq(q: Q, orderId: number): Promise<number> {
  const r = await q('transfer_chases').where({ order_id: orderId }).max({ n: 'seq' }).first();
  return Number(r?.n ?? 0) + 1;
}

export async function insertChase(q: Q, row: Omit<ChaseRow, 'id'>): Promise<number> {
  const [ret] = await q('transfer_chases').insert(row).returning('id');
  return idOf(ret);
}

export async function chasesOf(q: Q, orderId: number): Promise<ChaseRow[]> {
  return q('transfer_chases').where({ order_id: orderId }).orderBy('seq');
}

export async function insertReturn(q: Q, row: Omit<ReturnRow, 'id'>): Promise<number> {
  const [ret] = await q('transfer_returns').insert(row).returning('id');
  return idOf(ret);
}

/** Returns recorded against an order, as sender (order_id) or receiver (in_order_id). */
export async function returnsOf(q: Q, orderId: number): Promise<ReturnRow[]> {
  return q('transfer_returns').where({ order_id: orderId }).orWhere({ in_order_id: orderId }).orderBy('id');
}

export async function insertPositionChange(q: Q, row: Omit<PositionChangeRow, 'id'>): Promise<number> {
  const [ret] = await q('position_changes').insert(row).returning('id');
  return idOf(ret);
}

export async function setPositionChangeOrder(q: Q, id: number, orderId: number): Promise<void> {
  await q('position_changes').where({ id }).update({ transfer_order_id: orderId });
}

export async function positionChangesOf(q: Q, cadreId: number): Promise<PositionChangeRow[]> {
  return q('position_changes').where({ cadre_id: cadreId }).orderBy('id');
}

export async function markPositionChangeReverted(q: Q, id: number, result: 'reverted' | 'kept', at: string): Promise<void> {
  await q('position_changes').where({ id }).update({ reverted_at: at, revert_result: result });
}

export async function positionChangeOfOrder(q: Q, orderId: number): Promise<PositionChangeRow | undefined> {
  return q('position_changes').where({ transfer_order_id: orderId }).first();
}
