// 转递 across two offices in Dangan, on the real processes/transfer.bpmn and transfer-in.bpmn: a
// position change starts the case, archivist1 prepares, chief1 approves, archivist1 sends, receiver1
// checks and signs, custody moves, receiver1 reviews and stores. Then the defective return and the
// re-send, and the leader's approval for a 市管 cadre.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { endOfBeijingDay } from '../../server/notify/beijing.ts';
import {
  CITY,
  HBW,
  archiveRow,
  cityCadre,
  completeAt,
  counts,
  inCaseOf,
  instance,
  moveToHaibowan,
  openTasks,
  order,
  orgId,
  prepareAndApprove,
  send,
  taskAt,
} from './transfer-helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

test.serial('given a 任免 notice moving a cadre to 海勃湾区, the transfer runs from archivist1 to receiver1 and custody moves', async (t) => {
  const db = sys.services.db;
  const cadre = await cityCadre(sys);
  const city = await orgId(sys, CITY);
  const hbw = await orgId(sys, HBW);
  const archivist = await sys.as('archivist1');

  // When the archivist records the position change
  const res = await moveToHaibowan(sys, archivist, cadre.cadreId);
  t.is(res.status, 201, JSON.stringify(res.body));
  t.deepEqual(res.body.newCustodian, { id: hbw, name: '海勃湾区委组织部干部档案室' });
  const id = res.body.transfer.instanceId;
  t.regex(res.body.transfer.caseNo, /^转出-2026-\d{4}$/);

  // Then the cadre's record carries the new position, each change versioned with the notice as basis
  const c = await db('cadres').where({ id: cadre.cadreId }).first();
  t.is(c.org_unit_id, await orgId(sys, '150302-XH'));
  t.is(c.management_level, 'county');
  t.is(c.post, '副主任');
  const history = await db('cadre_field_history').where({ cadre_id: cadre.cadreId }).orderBy('id');
  t.deepEqual(history.map((h: any) => h.field).sort(), ['management_level', 'org_unit_id', 'post']);
  t.true(history.every((h: any) => h.basis_document === '乌组任〔2026〕15号'));
  // The 变更记录 names the units, not their ids.
  const shown = (await archivist.get(`/api/cadres/${cadre.cadreId}/history`)).body.items.find((h: any) => h.field === 'org_unit_id');
  const unitName = async (id: string) => (await db('org_units').where({ id: Number(id) }).first()).name;
  t.like(shown, { oldText: await unitName(shown.oldValue), newText: await unitName(shown.newValue) });
  t.regex(shown.newText, /[\u4e00-\u9fff]/);
  const change = await db('position_changes').where({ cadre_id: cadre.cadreId }).first();
  t.is(change.from_level, 'unit');
  t.is(change.to_level, 'county');

  // and an out order is being prepared, with the 2-month limit counted from the notice date
  // (1 November + 2 calendar months: 1 January, not 60 days)
  const out = await order(sys, id);
  t.is(out.status, 'preparing');
  t.is(out.from_org_id, city);
  t.is(out.to_org_id, hbw);
  t.is(change.transfer_order_id, out.id);
  const due = endOfBeijingDay('2027-01-01').toISOString();
  t.is(out.due_at, due);
  const deadline = await db('deadlines').where({ instance_id: id, kind: 'transfer' }).first();
  t.is(deadline.due_at, due);
  t.is(deadline.status, 'open');
  // 督办 names the case by the number the same command gave it, not by its internal id
  t.regex(out.case_no, /^转出-2026-\d{4}$/);
  t.true(deadline.subject.endsWith(` ${out.case_no}`), deadline.subject);
  const limitJob = await db('jobs').where({ instance_id: id, element_id: 'transferLimit', status: 'pending' }).first();
  t.is(limitJob.due_at, due);
  // the archive does not move before it is sent
  const atSender = await archiveRow(sys, cadre.archiveId);
  t.is(atSender.status, 'in_stock');
  t.truthy(atSender.store_room);
  const prep = await taskAt(archivist, id, 'prepareArchive');
  t.truthy(prep);
  t.is(prep.dueAt, due);
  t.falsy(await taskAt(await sys.as('receiver1'), id, 'prepareArchive'));

  // When archivist1 prepares the whole archive and chief1 approves (县管 before: no leader needed)
  await prepareAndApprove(sys, id, cadre.cadreId);
  t.deepEqual(await openTasks(sys, id), ['issueSlip']);
  t.is((await order(sys, id)).status, 'approving');

  // and sends it by 机要交通
  const sent = await send(sys, id);
  t.is(sent.status, 200, JSON.stringify(sent.body));
  const after = await order(sys, id);
  t.is(after.status, 'sent');
  t.is(after.method, 'confidential');
  t.is(after.slip_word, '乌海档转');
  t.regex(after.slip_no, /^2026-\d{4}$/);
  const expected = await counts(sys, cadre.cadreId);
  t.is(after.volumes_main, expected.volumesMain);
  t.is(after.material_count, expected.materialCount);
  t.is((await archiveRow(sys, cadre.archiveId)).status, 'transferring');
  t.is((await db('deadlines').where({ instance_id: id, kind: 'transfer' }).first()).status, 'closed');
  t.is((await db('deadlines').where({ instance_id: id, kind: 'receipt' }).first()).status, 'open');
  t.deepEqual(JSON.parse((await instance(sys, id)).active_elements).sort(), ['awaitReceipt', 'chase', 'returnedDefective', 'transferLimit']);

  // Then the slip reads as the Tianjin template does
  const slip = await archivist.get(`/api/transfers/${after.id}/slip`);
  t.is(slip.status, 200);
  t.is(slip.body.text, `乌海档转字第${after.slip_no}号`);
  t.is(slip.body.stub.text, `${cadre.name}等1名同志的档案正本${expected.volumesMain}卷，副本${expected.volumesCopy}卷，材料共${expected.materialCount}份，已由乌海市委组织部干部档案室转往海勃湾区委组织部干部档案室。`);
  t.true(slip.body.body.text.startsWith('海勃湾区委组织部干部档案室：兹将'));
  t.false(slip.body.receipt.returned);
  t.is(slip.body.persons[0].reason, '任职（管理权限变动）');

  // and the receiving office has a transfer-in case waiting for receiver1
  const inId = (await inCaseOf(sys, id))!;
  t.truthy(inId);
  const receiver = await sys.as('receiver1');
  const check = await taskAt(receiver, inId, 'checkPackage');
  t.truthy(check);
  t.falsy(await taskAt(archivist, inId, 'checkPackage'));
  const inOrder = await order(sys, inId);
  t.is(inOrder.status, 'checking');
  t.is(inOrder.peer_order_id, after.id);
  // the receiver reads the slip it received, not the sender's order
  t.is((await receiver.get(`/api/transfers/${inOrder.id}/slip`)).body.text, slip.body.text);
  t.is((await receiver.get(`/api/transfers/${after.id}`)).status, 404);

  // When receiver1 checks it against the slip and signs the receipt
  const signed = await completeAt(receiver, inId, 'checkPackage', { decision: 'accept', comment: '与转递单、目录相符。' });
  t.is(signed.status, 200, JSON.stringify(signed.body));

  // Then custody has moved and the sender's case is closed with the receipt
  const arch = await archiveRow(sys, cadre.archiveId);
  t.is(arch.custodian_org_id, hbw);
  t.is(arch.status, 'in_stock');
  t.is((await db('cadres').where({ id: cadre.cadreId }).first()).custodian_org_id, hbw);
  const closed = await order(sys, id);
  t.is(closed.status, 'receipted');
  t.is(closed.receipt_source, 'dangan');
  t.is(closed.receipt_signer, '周海涛');
  t.is(closed.open_key, null);
  t.is((await instance(sys, id)).status, 'completed');
  t.is((await db('jobs').where({ instance_id: id, status: 'pending' })).length, 0);
  t.true((await db('deadlines').where({ instance_id: id })).every((d: any) => d.status === 'closed'));
  const receiptSlip = await archivist.get(`/api/transfers/${after.id}/slip`);
  t.true(receiptSlip.body.receipt.returned);
  t.is(receiptSlip.body.receipt.signer, '周海涛');

  // The sender's shelf means nothing at 海勃湾: the archive has no place there until 入库, its number
  // is marked as the sender's, and the history keeps the sender's number and place.
  t.deepEqual([arch.store_room, arch.cabinet, arch.shelf], [null, null, null]);
  const received = (await receiver.get(`/api/archives/${cadre.archiveId}`)).body;
  t.is(received.archiveNo, cadre.archiveNo);
  t.true(received.awaitingShelving);
  t.true(received.senderNumber);
  const arrival = await db('archive_status_history').where({ archive_id: cadre.archiveId }).orderBy('id', 'desc').first();
  t.true(arrival.reason.endsWith(`；原档案号 ${cadre.archiveNo}，原位置 ${atSender.store_room}/${atSender.cabinet}/${atSender.shelf}）`), arrival.reason);

  // the city's 名册 no longer lists it; 海勃湾's does
  const cityRoster = await archivist.get('/api/roster?limit=500');
  t.is(cityRoster.status, 200);
  t.false(cityRoster.body.items.some((r: any) => r.archiveId === cadre.archiveId));
  const hbwRoster = await receiver.get('/api/roster?limit=500');
  t.true(hbwRoster.body.items.some((r: any) => r.archiveId === cadre.archiveId));
  // the city's archivist no longer reads it, receiver1 does
  t.is((await archivist.get(`/api/archives/${cadre.archiveId}`)).status, 404);
  t.is((await receiver.get(`/api/archives/${cadre.archiveId}`)).status, 200);

  // and receiver1 must review and store it within the review limit
  t.is((await order(sys, inId)).status, 'receipted');
  const review = await db('deadlines').where({ instance_id: inId, kind: 'review' }).first();
  t.is(review.status, 'open');
  t.is(review.org_unit_id, hbw);
  t.true(review.subject.endsWith(` ${(await order(sys, inId)).case_no}`), review.subject);
  const store = await taskAt(receiver, inId, 'reviewAndStore');
  t.is(store.dueAt, review.due_at);

  // When receiver1 reviews and stores it
  const stored = await completeAt(receiver, inId, 'reviewAndStore', { reviewed: true, room: '2', cabinet: '14', shelf: '3', comment: '三龄二历一身份无误。' });
  t.is(stored.status, 200, JSON.stringify(stored.body));
  const shelved = await archiveRow(sys, cadre.archiveId);
  t.regex(shelved.archive_no, /^150302-ZZB-DAS-\d{5}$/);
  t.deepEqual([shelved.store_room, shelved.cabinet, shelved.shelf], ['2', '14', '3']);
  const done = await order(sys, inId);
  t.is(done.status, 'stored');
  t.is(JSON.parse(done.archives)[0].newArchiveNo, shelved.archive_no);
  t.is(JSON.parse(done.archives)[0].archiveNo, cadre.archiveNo);
  // The archive's register keeps the sending office's number and place: traceable from the archive.
  const last = await db('archive_status_history').where({ archive_id: cadre.archiveId }).orderBy('id', 'desc').first();
  t.is(last.reason, `入库上架：档案号 ${cadre.archiveNo} → ${shelved.archive_no}，位置 —/—/— → 2/14/3`);
  const storedView = (await receiver.get(`/api/archives/${cadre.archiveId}`)).body;
  t.false(storedView.awaitingShelving);
  t.false(storedView.senderNumber);
  t.is(last.instance_id, inId);
  t.is((await instance(sys, inId)).status, 'completed');
  t.is((await db('deadlines').where({ instance_id: inId, kind: 'review' }).first()).status, 'closed');
});

test.serial('given a sent archive, when receiver1 returns it as defective, the sender prepares it again and re-sends it', async (t) => {
  const db = sys.services.db;
  const cadre = await cityCadre(sys);
  const city = await orgId(sys, CITY);
  const archivist = await sys.as('archivist1');
  const receiver = await sys.as('receiver1');
  const id = (await moveToHaibowan(sys, archivist, cadre.cadreId)).body.transfer.instanceId;
  await prepareAndApprove(sys, id, cadre.cadreId);
  t.is((await send(sys, id)).status, 200);
  const firstSlip = (await order(sys, id)).slip_no;
  const inId = (await inCaseOf(sys, id))!;

  // When receiver1 finds it incomplete and sends it back
  const back = await completeAt(receiver, inId, 'checkPackage', { decision: 'return', comment: '缺少2025年度考核登记表，目录与材料不符。' });
  t.is(back.status, 200, JSON.stringify(back.body));

  // Then the receiving case ends as returned, custody has not moved, and the archive is back on the sender's shelf
  t.is((await instance(sys, inId)).status, 'completed');
  const inOrder = await order(sys, inId);
  t.is(inOrder.status, 'returned');
  t.is(inOrder.open_key, null);
  const arch = await archiveRow(sys, cadre.archiveId);
  t.is(arch.custodian_org_id, city);
  t.is(arch.status, 'in_stock');
  const history = await db('archive_status_history').where({ archive_id: cadre.archiveId }).orderBy('id');
  t.deepEqual(history.slice(-2).map((h: any) => `${h.from_status}→${h.to_status}`), ['in_stock→transferring', 'transferring→in_stock']);

  // and the sender's case is back at preparation, marked 被退回, with the reason recorded and the limit watched again
  const out = await order(sys, id);
  t.is(out.status, 'returned');
  t.deepEqual(await openTasks(sys, id), ['prepareArchive']);
  const returns = await db('transfer_returns').where({ order_id: out.id });
  t.is(returns.length, 1);
  t.is(returns[0].reason, '缺少2025年度考核登记表，目录与材料不符。');
  t.is(returns[0].in_order_id, inOrder.id);
  t.is(returns[0].source, 'dangan');
  t.is(returns[0].slip_no, `乌海档转字第${firstSlip}号`);
  const limits = await db('deadlines').where({ instance_id: id, kind: 'transfer' }).orderBy('opened_at');
  t.deepEqual(limits.map((d: any) => d.status), ['closed', 'open']);
  t.is(limits[1].due_at, limits[0].due_at);
  t.is((await db('deadlines').where({ instance_id: id, kind: 'receipt' }).first()).status, 'closed');
  t.is((await db('jobs').where({ instance_id: id, element_id: 'chase', status: 'pending' })).length, 0);
  const detail = await archivist.get(`/api/transfers/${out.id}`);
  t.is(detail.body.statusLabel, '被退回');
  t.is(detail.body.returns[0].by, '周海涛');

  // When the archivist files the missing material, prepares again (counts include it) and re-sends
  await sys.services.db.transaction((trx) =>
    sys.services.archives.fileMaterial(trx, { archiveId: cadre.archiveId, categoryCode: '3', title: '2025年度考核登记表', formedDate: '2026-01-10', pages: 2, isCopy: false, actor: null }),
  );
  await prepareAndApprove(sys, id, cadre.cadreId);
  t.is((await send(sys, id)).status, 200);

  // Then a new slip number goes with it, and a new transfer-in case waits for receiver1
  const resent = await order(sys, id);
  t.is(resent.status, 'sent');
  t.not(resent.slip_no, firstSlip);
  t.is(resent.material_count, (await counts(sys, cadre.cadreId)).materialCount);
  const inId2 = (await inCaseOf(sys, id))!;
  t.not(inId2, inId);
  t.is((await completeAt(receiver, inId2, 'checkPackage', { decision: 'accept', comment: '已补齐，查收无误。' })).status, 200);
  t.is((await order(sys, id)).status, 'receipted');
  t.is((await archiveRow(sys, cadre.archiveId)).custodian_org_id, await orgId(sys, HBW));
  t.is((await instance(sys, id)).status, 'completed');
});

test.serial('a 市管 cadre needs the leader; the chief or the leader may send it back to preparation', async (t) => {
  const db = sys.services.db;
  const cadre = await cityCadre(sys, 0, 'municipal');
  const archivist = await sys.as('archivist1');
  // 市管 → 县管 in 海勃湾区 (e.g. appointed 区委书记's deputy there)
  const res = await moveToHaibowan(sys, archivist, cadre.cadreId);
  t.is(res.status, 201, JSON.stringify(res.body));
  const id = res.body.transfer.instanceId;
  t.is((await order(sys, id)).management_level, 'municipal');
  const full = { complete: 'yes', ...(await counts(sys, cadre.cadreId)) };

  // the chief sends it back first
  t.is((await completeAt(await sys.as('archivist1'), id, 'prepareArchive', full)).status, 200);
  sys.clock.advance(3_600_000);
  t.is((await completeAt(await sys.as('chief1'), id, 'chiefApproval', { decision: 'reject', comment: '任免文件未附，补齐后再报。' })).status, 200);
  t.deepEqual(await openTasks(sys, id), ['prepareArchive']);
  t.is((await order(sys, id)).status, 'preparing');

  // then approves; the leader is asked (转出审批单) and sends it back too
  t.is((await completeAt(await sys.as('archivist1'), id, 'prepareArchive', full)).status, 200);
  sys.clock.advance(3_600_000);
  t.is((await completeAt(await sys.as('chief1'), id, 'chiefApproval', { decision: 'approve', comment: '同意。' })).status, 200);
  t.deepEqual(await openTasks(sys, id), ['leaderApproval']);
  t.falsy(await taskAt(await sys.as('archivist1'), id, 'leaderApproval'));
  sys.clock.advance(3_600_000);
  t.is((await completeAt(await sys.as('leader1'), id, 'leaderApproval', { decision: 'reject', comment: '待任职公示期满后再转。' })).status, 200);
  t.deepEqual(await openTasks(sys, id), ['prepareArchive']);

  // the third time both agree and the slip can be issued
  t.is((await completeAt(await sys.as('archivist1'), id, 'prepareArchive', full)).status, 200);
  sys.clock.advance(3_600_000);
  t.is((await completeAt(await sys.as('chief1'), id, 'chiefApproval', { decision: 'approve', comment: '同意。' })).status, 200);
  sys.clock.advance(3_600_000);
  t.is((await completeAt(await sys.as('leader1'), id, 'leaderApproval', { decision: 'approve', comment: '同意转出。' })).status, 200);
  t.deepEqual(await openTasks(sys, id), ['issueSlip']);

  // the order shows the 转出审批单: every opinion, in order
  const detail = await (await sys.as('archivist1')).get(`/api/transfers/${(await order(sys, id)).id}`);
  t.deepEqual(
    detail.body.approvals.map((a: any) => `${a.step}:${a.decision}:${a.by}`),
    ['chiefApproval:reject:陈立新', 'chiefApproval:approve:陈立新', 'leaderApproval:reject:赵文华', 'chiefApproval:approve:陈立新', 'leaderApproval:approve:赵文华'],
  );
  t.is(detail.body.positionChange.from.managementLevel, 'municipal');
  t.is(detail.body.positionChange.to.unitName, '海勃湾区新华街道办事处');
  // the leader reads the city office's orders; the receiving office's archivist does not
  t.is((await (await sys.as('leader1')).get(`/api/transfers/${detail.body.id}`)).status, 200);
  t.is((await (await sys.as('receiver1')).get(`/api/transfers/${detail.body.id}`)).status, 404);
  t.is((await db('transfer_orders').where({ instance_id: id }).first()).status, 'approving');
});

test.serial('the archivist may cancel a transfer during preparation (the 任免 was withdrawn); the archive stays', async (t) => {
  const db = sys.services.db;
  const cadre = await cityCadre(sys);
  const archivist = await sys.as('archivist1');
  const id = (await moveToHaibowan(sys, archivist, cadre.cadreId)).body.transfer.instanceId;
  const done = await completeAt(archivist, id, 'prepareArchive', { complete: 'cancel', comment: '任免决定已撤销（乌组任〔2026〕18号）。' });
  t.is(done.status, 200, JSON.stringify(done.body));
  const o = await order(sys, id);
  t.is(o.status, 'cancelled');
  t.is(o.open_key, null);
  t.is((await instance(sys, id)).status, 'completed');
  t.is((await db('jobs').where({ instance_id: id, status: 'pending' })).length, 0);
  t.true((await db('deadlines').where({ instance_id: id })).every((d: any) => d.status === 'closed'));
  const arch = await archiveRow(sys, cadre.archiveId);
  t.is(arch.status, 'in_stock');
  t.is(arch.custodian_org_id, await orgId(sys, CITY));
  // a new transfer of the same archive may start again
  const again = await archivist.post('/api/process-instances', {
    processKey: 'transfer',
    variables: { cadreId: cadre.cadreId, reason: 'transfer', destinationKind: 'office', toCustodianOrgId: await orgId(sys, HBW), noticeNo: '乌组任〔2026〕19号', noticeDate: '2026-11-02' },
  });
  t.is(again.status, 201, JSON.stringify(again.body));
});

test.serial('a transfer the archivist withdraws before anyone acted is cancelled; its limit is cancelled too', async (t) => {
  const db = sys.services.db;
  const cadre = await cityCadre(sys);
  const archivist = await sys.as('archivist1');
  const id = (await moveToHaibowan(sys, archivist, cadre.cadreId)).body.transfer.instanceId;
  const res = await archivist.post(`/api/process-instances/${id}/withdraw`, { reason: '通知登记错误。' });
  t.is(res.status, 200, JSON.stringify(res.body));
  const o = await order(sys, id);
  t.is(o.status, 'cancelled');
  t.is(o.open_key, null);
  t.is((await instance(sys, id)).status, 'terminated');
  t.deepEqual((await db('deadlines').where({ instance_id: id })).map((d: any) => d.status), ['cancelled']);
  t.is((await db('jobs').where({ instance_id: id, status: 'pending' })).length, 0);
  t.is((await archiveRow(sys, cadre.archiveId)).status, 'in_stock');
});

test.serial("the orders are scoped: an office sees its own, and nobody sees the transfer of a relative's archive", async (t) => {
  const db = sys.services.db;
  const brother = await db('cadres').where({ name: '陈立军' }).first();
  const res = await moveToHaibowan(sys, await sys.as('archivist1'), brother.id);
  t.is(res.status, 201, JSON.stringify(res.body));
  const orderId = res.body.transfer.orderId;
  const ids = async (username: string, query = '') => (await (await sys.as(username)).get(`/api/transfers?limit=500${query}`)).body.items.map((o: any) => o.id);
  t.true((await ids('archivist1')).includes(orderId));
  t.true((await ids('leader1')).includes(orderId));
  t.false((await ids('chief1')).includes(orderId), 'chief1 is his brother');
  t.is((await (await sys.as('chief1')).get(`/api/transfers/${orderId}`)).status, 404);
  t.false((await ids('receiver1')).includes(orderId), 'another office');
  t.is((await (await sys.as('receiver1')).get(`/api/transfers/${orderId}`)).status, 404);
  t.is((await (await sys.as('applicant1')).get('/api/transfers')).status, 403);
  // the in orders are the receiving office's
  const inIds = await ids('receiver1', '&direction=in');
  const outIds = await ids('archivist1', '&direction=out');
  t.true(inIds.length > 0);
  t.true(inIds.every((id: number) => !outIds.includes(id)));
  // viewing an order is audited
  const viewed = await db('audit_log').where({ action: 'transfer.view', object_id: String(orderId) });
  t.is((await (await sys.as('archivist1')).get(`/api/transfers/${orderId}`)).status, 200);
  t.is((await db('audit_log').where({ action: 'transfer.view', object_id: String(orderId) })).length, viewed.length + 1);
});
