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
  const change = await db('position_changes').where({ cadre_id: cadre.cadreId }).first();
  t.is(change.from_level, 'unit');
  t.is(change.to_level, 'county');

  // and an out order is being prepared, with the 2-month limit counted from the notice date
  const out = await order(sys, id);
  t.is(out.status, 'preparing');
  t.is(out.from_org_id, city);
  t.is(out.to_org_id, hbw);
  t.is(change.transfer_order_id, out.id);
  const due = endOfBeijingDay('2026-12-31').toISOString();
  t.is(out.due_at, due);
  const deadline = await db('deadlines').where({ instance_id: id, kind: 'transfer' }).first();
  t.is(deadline.due_at, due);
  t.is(deadline.status, 'open');
  const limitJob = await db('jobs').where({ instance_id: id, element_id: 'transferLimit', status: 'pending' }).first();
  t.is(limitJob.due_at, due);
  // the archive does not move before it is sent
  t.is((await archiveRow(sys, cadre.archiveId)).status, 'in_stock');
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
  t.is((await instance(sys, inId)).status, 'completed');
  t.is((await db('deadlines').where({ instance_id: inId, kind: 'review' }).first()).status, 'closed');
});
