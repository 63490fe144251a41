// The engine services of transfer-in.bpmn (转入, DOMAIN.md §6.4): register the arriving archive (sent
// by an office in Dangan, or registered by hand when it comes from outside), send it back as
// defective, sign the receipt (custody moves to this office; the sender's case gets the receipt), and
// store it after the review (the office's own 档案号 and shelf).
import type { ServiceContext, ServiceRegistry } from '../engine/types.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import { parseJson } from '../db.ts';
import * as people from '../people/store.ts';
import * as cadreStore from '../archives/store.ts';
import * as archiveStore from '../archives/archive-store.ts';
import { cadreProblems, type CadreInput } from '../archives/cadres.ts';
import { createArchive } from '../archives/archives.ts';
import { caseNumber } from '../shared/sequences.ts';
import { actorRef, optText, orderOf, ownOffice, text, type TransferDeps } from './context.ts';
import { dayOf } from './dates.ts';
import * as store from './store.ts';
import * as holdings from './holdings-store.ts';
import type { OrderArchive, OrderRow } from './store.ts';
import { systemReason } from '../archives/status-reason.ts';

/** What the registration knows of an arriving archive, from the sender's order or from the form. */
type Arrival = Pick<OrderRow, 'cadre_name' | 'cadre_id_number' | 'from_unit_name'> & Partial<OrderRow>;

const count = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);

/** A cadre new to Dangan, from the registration form: gender and birth date come from the ID number. */
function incomingCadre(ctx: ServiceContext, name: string, idNumber: string): CadreInput {
  const missing = ['unitId', 'managementLevel', 'ethnicity', 'nativePlace', 'politicalStatus'].filter((k) => ctx.variables[k] === undefined || ctx.variables[k] === '');
  if (missing.length) {
    throw errors.validation(
      missing.map((field) => ({ field, message: '系统中没有该干部，须填写 / required for a cadre new to Dangan' })),
      '系统中没有该干部的记录，请填写其基本信息 / The cadre is new to Dangan: fill in the basic record',
    );
  }
  const input: CadreInput = {
    name,
    id_number: idNumber,
    gender: Number(idNumber[16]) % 2 === 1 ? '1' : '2',
    birth_date: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
    ethnicity: String(ctx.variables.ethnicity).trim(),
    native_place: String(ctx.variables.nativePlace).trim(),
    political_status: String(ctx.variables.politicalStatus).trim(),
    org_unit_id: Number(ctx.variables.unitId),
    post: optText(ctx.variables.post, 100),
    management_level: String(ctx.variables.managementLevel),
  };
  const problems = cadreProblems(input as never, dayOf(ctx.clock.now()));
  if (problems.length) throw errors.validation(problems, '干部信息有误 / The cadre record has problems');
  return input;
}

/** By hand: an archive from an office outside Dangan, checked against what Dangan knows. */
async function registerByHand(d: TransferDeps, ctx: ServiceContext) {
  const office = await ownOffice(ctx);
  const name = text(ctx, 'cadreName', 'cadre_name', '干部姓名').slice(0, 50);
  const idNumber = text(ctx, 'cadreIdNumber', 'cadre_id_number', '身份证号').toUpperCase();
  const fromUnit = text(ctx, 'fromUnit', 'from_unit', '转出单位').slice(0, 100);
  const slipNo = text(ctx, 'slipNo', 'slip_no', '转递单字号').slice(0, 60);
  const volumesMain = count(ctx.variables.volumesMain);
  const volumesCopy = count(ctx.variables.volumesCopy);
  if (volumesMain + volumesCopy < 1) throw errors.rule('volumes_required', '正本、副本至少一卷 / At least one volume arrives');
  const known = await cadreStore.findCadreByIdNumber(ctx.trx, idNumber);
  let newCadre: CadreInput | null = null;
  let unitId: number;
  let level: string;
  if (known) {
    if (known.name !== name) throw errors.rule('cadre_mismatch', '姓名与系统中该身份证号的干部不符 / The name does not match the cadre with this ID number');
    const held = await holdings.archivesHeldAnywhere(ctx.trx, known.id);
    const here = held.find((a) => a.custodian_org_id === office.id);
    if (here) throw errors.rule('already_held', '本单位已保管该干部的档案 / This office already holds that archive');
    const kinds = [...(volumesMain ? ['original'] : []), ...(volumesCopy ? ['copy'] : [])];
    const elsewhere = held.find((a) => kinds.includes(a.kind));
    if (elsewhere) {
      const holder = await people.findOrgUnit(ctx.trx, elsewhere.custodian_org_id);
      throw errors.rule('held_in_dangan', `该档案由${holder?.name ?? '系统内单位'}保管，须由其在系统中转出 / An office in Dangan holds it: it must send it through Dangan`, { holder: holder?.name });
    }
    unitId = known.org_unit_id;
    level = known.management_level;
  } else {
    newCadre = incomingCadre(ctx, name, idNumber);
    if (!(await people.findOrgUnit(ctx.trx, newCadre.org_unit_id))) throw errors.validation([{ field: 'unitId', message: '单位不存在 / no such unit' }]);
    unitId = newCadre.org_unit_id;
    level = newCadre.management_level;
  }
  const custody = await d.archives.custodianFor(ctx.trx, unitId, level);
  if (custody?.custodianOrgId !== office.id) {
    const holder = custody ? await people.findOrgUnit(ctx.trx, custody.custodianOrgId) : undefined;
    throw errors.rule('custody_range', `按管档范围，该干部档案应由${holder?.name ?? '其他单位'}保管 / By the custody ranges another office should hold it`, { custodian: holder?.name ?? null });
  }
  const unit = await people.findOrgUnit(ctx.trx, unitId);
  return {
    office,
    fields: {
      cadre_id: known?.id ?? null,
      cadre_name: name,
      cadre_id_number: idNumber,
      unit_and_post: [unit?.name, known?.post ?? newCadre?.post].filter(Boolean).join(' ').slice(0, 200),
      reason: 'transfer',
      from_org_id: null,
      from_unit_name: fromUnit,
      slip_no: slipNo,
      management_level: level,
      volumes_main: volumesMain,
      volumes_copy: volumesCopy,
      material_count: count(ctx.variables.materialCount),
      incoming_cadre: newCadre ? JSON.stringify(newCadre) : null,
    } satisfies Arrival,
  };
}

async function registerIncomingTransfer(d: TransferDeps, ctx: ServiceContext) {
  const outId = Number(ctx.variables.outOrderId);
  const out = Number.isInteger(outId) ? await store.findOrder(ctx.trx, outId) : undefined;
  let office: { id: number; name: string };
  let fields: Arrival;
  if (out) {
    office = (await people.findOrgUnit(ctx.trx, out.to_org_id!))!;
    fields = {
      peer_order_id: out.id,
      cadre_id: out.cadre_id,
      cadre_name: out.cadre_name,
      cadre_id_number: out.cadre_id_number,
      unit_and_post: out.unit_and_post,
      reason: out.reason,
      from_org_id: out.from_org_id,
      from_unit_name: out.from_unit_name,
      slip_word: out.slip_word,
      slip_no: out.slip_no,
      method: out.method,
      couriers: out.couriers,
      management_level: out.management_level,
      archives: out.archives,
      volumes_main: out.volumes_main,
      volumes_copy: out.volumes_copy,
      material_count: out.material_count,
      sent_at: out.sent_at,
    };
  } else {
    ({ office, fields } = await registerByHand(d, ctx));
  }
  const openKey = `in:${office.id}:${fields.cadre_id_number}`;
  if (await store.openOrder(ctx.trx, openKey)) throw errors.rule('transfer_open', '该干部的档案已在本单位转入办理中 / That archive is already being received here');
  const now = ctx.clock.now();
  const caseNo = await caseNumber(ctx.trx, '转入', now);
  ctx.setBusinessKey(caseNo);
  const orderId = await store.insertOrder(ctx.trx, {
    direction: 'in',
    case_no: caseNo,
    instance_id: ctx.instanceId,
    status: 'checking',
    open_key: openKey,
    reason: 'transfer',
    to_org_id: office.id,
    to_unit_name: office.name,
    destination_kind: 'office',
    opened_by: ctx.actor?.id ?? null,
    opened_at: iso(now),
    updated_at: iso(now),
    ...fields,
  });
  return {
    inOrderId: orderId,
    receiverOrgId: office.id,
    orgScopes: { archivist: office.id },
    caseSubject: `转入：${fields.cadre_name}（来自${fields.from_unit_name}）`,
  };
}

async function returnDefectiveTransfer(d: TransferDeps, ctx: ServiceContext) {
  const order = await orderOf(ctx);
  const reason = optText(ctx.variables.comment, 1000) ?? '';
  // The form asks for 说明 only on a return (an acceptance needs none): the reason is checked here.
  if (!reason) throw errors.rule('return_reason', '退回须写明原因 / Say why the archive is returned', { field: 'comment' });
  const now = iso(ctx.clock.now());
  await store.updateOrder(ctx.trx, order.id, { status: 'returned', open_key: null, updated_at: now });
  if (order.peer_order_id !== null) {
    const out = (await store.findOrder(ctx.trx, order.peer_order_id))!;
    await d.engine().deliver(ctx.trx, out.instance_id, 'returnedDefective', { returnReason: reason, returnSource: 'dangan', returnInOrderId: order.id }, ctx.actor);
  } else {
    // From outside Dangan: the return is recorded here; the sender learns of it on paper.
    await store.insertReturn(ctx.trx, { order_id: order.id, in_order_id: order.id, slip_no: order.slip_no, reason, source: 'dangan', actor_id: ctx.actor?.id ?? null, at: now });
  }
  return { outcome: 'returned' };
}

/** A cadre's archive of one kind arrives from outside Dangan: reuse a row that once left, or set one up. */
async function receiveFromOutside(d: TransferDeps, ctx: ServiceContext, order: OrderRow, cadreId: number, kind: 'original' | 'copy', volumes: number): Promise<OrderArchive> {
  const actor = await actorRef(ctx);
  const reason = `转入 ${order.case_no}`;
  const gone = (await archiveStore.archivesOfCadre(ctx.trx, cadreId)).find((a) => a.kind === kind && a.status === 'transferred');
  let row;
  if (gone && gone.custodian_org_id !== order.to_org_id) {
    row = await d.archives.changeArchiveCustodian(ctx.trx, { archiveId: gone.id, toOrgId: order.to_org_id!, reason, actor, instanceId: ctx.instanceId });
  } else if (gone) {
    row = await d.archives.changeArchiveStatus(ctx.trx, { archiveId: gone.id, to: 'in_stock', reason: systemReason('transfer_in', { caseNo: order.case_no }), actor, instanceId: ctx.instanceId, clearPlace: true });
  } else {
    row = await createArchive(ctx.trx, ctx.clock, { cadreId, kind, volumes, custodianOrgId: order.to_org_id! }, actor, reason);
  }
  return { archiveId: row.id, kind, volumes: row.volumes, archiveNo: row.archive_no };
}

async function returnTransferReceipt(d: TransferDeps, ctx: ServiceContext) {
  const order = await orderOf(ctx);
  const actor = await actorRef(ctx);
  const now = iso(ctx.clock.now());
  let cadreId = order.cadre_id;
  let archives = parseJson<OrderArchive[]>(order.archives, []);
  if (order.peer_order_id !== null) {
    const out = (await store.findOrder(ctx.trx, order.peer_order_id))!;
    for (const a of archives) {
      await d.archives.changeArchiveCustodian(ctx.trx, { archiveId: a.archiveId, toOrgId: order.to_org_id!, reason: `转入 ${order.case_no}`, actor, instanceId: ctx.instanceId });
    }
    await d.engine().deliver(ctx.trx, out.instance_id, 'awaitReceipt', { receiptSignedBy: actor?.displayName ?? null, receiptAt: now, receiptSource: 'dangan' }, ctx.actor);
  } else {
    const fresh = parseJson<CadreInput | null>(order.incoming_cadre, null);
    if (cadreId === null && fresh) cadreId = await d.archives.createCadre(ctx.trx, fresh);
    archives = [];
    if ((order.volumes_main ?? 0) > 0) archives.push(await receiveFromOutside(d, ctx, order, cadreId!, 'original', order.volumes_main!));
    if ((order.volumes_copy ?? 0) > 0) archives.push(await receiveFromOutside(d, ctx, order, cadreId!, 'copy', order.volumes_copy!));
  }
  await store.updateOrder(ctx.trx, order.id, {
    status: 'receipted',
    cadre_id: cadreId,
    archives: JSON.stringify(archives),
    receipt_at: now,
    receipt_signer: actor?.displayName ?? null,
    receipt_source: 'dangan',
    receipt_recorded_by: ctx.actor?.id ?? null,
    updated_at: now,
  });
  return { receivedAt: now };
}

async function storeIncomingArchive(d: TransferDeps, ctx: ServiceContext) {
  const order = await orderOf(ctx);
  if (ctx.variables.reviewed !== true) {
    throw errors.rule('review_incomplete', '须先审核三龄二历一身份和材料齐全情况，才能入库 / Review the key dates and the completeness first');
  }
  const place = { storeRoom: text(ctx, 'room', 'shelf_mark', '库房'), cabinet: text(ctx, 'cabinet', 'shelf_mark', '柜'), shelf: text(ctx, 'shelf', 'shelf_mark', '格') };
  const archives = parseJson<OrderArchive[]>(order.archives, []);
  for (const a of archives) {
    const shelved = await d.archives.shelveArchive(ctx.trx, { archiveId: a.archiveId, officeId: order.to_org_id!, ...place, instanceId: ctx.instanceId, actor: ctx.actor });
    a.newArchiveNo = shelved.archive_no;
  }
  const now = iso(ctx.clock.now());
  await store.updateOrder(ctx.trx, order.id, { status: 'stored', open_key: null, archives: JSON.stringify(archives), stored_at: now, stored_by: ctx.actor?.id ?? null, updated_at: now });
  return { outcome: 'stored' };
}

export function registerTransferInServices(registry: ServiceRegistry, d: TransferDeps): void {
  registry.register('registerIncomingTransfer', (ctx) => registerIncomingTransfer(d, ctx));
  registry.register('returnDefectiveTransfer', (ctx) => returnDefectiveTransfer(d, ctx));
  registry.register('returnTransferReceipt', (ctx) => returnTransferReceipt(d, ctx));
  registry.register('storeIncomingArchive', (ctx) => storeIncomingArchive(d, ctx));
}
