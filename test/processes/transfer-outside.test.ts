// 转递 with offices outside Dangan, on the real diagrams: a transfer started by hand to an archive
// office elsewhere (专人送取, chased by letter, returned on paper, re-sent, paper receipt), a
// resignation to a talent service after the 保密审查, and archives arriving from outside that the
// receiving archivist registers by hand — a cadre new to Dangan, and one whose archive once left.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import {
  CITY,
  HBW,
  archiveRow,
  cityCadre,
  completeAt,
  idNumber,
  instance,
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

const couriers = { method: 'courier', couriers: [{ name: '王强', partyMember: true }, { name: '李明', partyMember: true }], sealed: true };

async function startOutside(cadreId: number, extra: Record<string, unknown> = {}) {
  const archivist = await sys.as('archivist1');
  return archivist.post('/api/process-instances', {
    processKey: 'transfer',
    variables: { cadreId, reason: 'transfer', destinationKind: 'outside_office', toUnitName: '包头市委组织部干部档案室', noticeNo: '乌组干〔2026〕31号', noticeDate: '2026-10-28', ...extra },
  });
}

test.serial('a transfer to an office outside Dangan: couriers, chase by letter, paper return, re-send, paper receipt', async (t) => {
  const db = sys.services.db;
  const cadre = await cityCadre(sys, 3);
  const started = await startOutside(cadre.cadreId);
  t.is(started.status, 201, JSON.stringify(started.body));
  const id = started.body.id;
  await prepareAndApprove(sys, id, cadre.cadreId);
  const sent = await send(sys, id, couriers);
  t.is(sent.status, 200, JSON.stringify(sent.body));
  const out = await order(sys, id);
  t.is(out.status, 'sent');
  t.is(out.to_org_id, null);
  t.is(out.to_unit_name, '包头市委组织部干部档案室');
  t.deepEqual(JSON.parse(out.couriers), couriers.couriers);
  t.is(out.peer_order_id, null);
  // nobody in Dangan receives it
  t.is(await db('transfer_orders').where({ direction: 'in', cadre_id: cadre.cadreId }).first(), undefined);
  const slip = await (await sys.as('archivist1')).get(`/api/transfers/${out.id}/slip`);
  t.is(slip.body.methodLabel, '派专人送取');
  t.deepEqual(slip.body.couriers.map((c: any) => c.name), ['王强', '李明']);

  // When the receipt is a calendar month overdue (sent 2 November: from 3 December), the archivist
  // is asked to chase by letter or telephone
  sys.clock.advanceDays(30);
  t.is(await sys.services.jobs.pollOnce(), 0, '2 December is still within the month');
  sys.clock.advanceDays(1);
  t.is(await sys.services.jobs.pollOnce(), 1);
  t.deepEqual(await openTasks(sys, id), ['chaseByLetter']);
  t.is((await db('mail_outbox').where({ event: 'receipt_chase' })).length, 0, 'no mail goes outside Dangan');
  const archivist = await sys.as('archivist1');
  t.is((await completeAt(archivist, id, 'chaseByLetter', { channel: 'phone', chaseNote: '电话联系包头市委组织部干部档案室张科长，答复已收到，回执即寄。' })).status, 200);
  const chases = await db('transfer_chases').where({ order_id: out.id });
  t.is(chases.length, 1);
  t.is(chases[0].channel, 'phone');
  t.is(chases[0].actor_id, (await db('users').where({ username: 'archivist1' }).first()).id);
  // the timer is armed again for the next period
  t.is((await db('jobs').where({ instance_id: id, element_id: 'chase', status: 'pending' })).length, 1);

  // When the receiver sends it back on paper as defective
  const ret = await archivist.post(`/api/transfers/${out.id}/return`, { reason: '缺少任免审批表原件。' });
  t.is(ret.status, 200, JSON.stringify(ret.body));
  t.is(ret.body.status, 'returned');
  t.deepEqual(await openTasks(sys, id), ['prepareArchive']);
  t.is((await archiveRow(sys, cadre.archiveId)).status, 'in_stock');
  const returns = await db('transfer_returns').where({ order_id: out.id });
  t.is(returns[0].source, 'paper');
  t.is((await db('audit_log').where({ action: 'transfer.return', object_id: String(out.id) })).length, 1);

  // it goes again; the receipt comes back on paper
  await prepareAndApprove(sys, id, cadre.cadreId);
  t.is((await send(sys, id, couriers)).status, 200);
  const early = await (await sys.as('archivist1')).post(`/api/transfers/${out.id}/receipt`, { receivedOn: '2026-11-20', signer: '张伟' });
  t.is(early.status, 422);
  t.is(early.body.details.rule, 'receipt_date');
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(sys.clock.now());
  const receipt = await (await sys.as('archivist1')).post(`/api/transfers/${out.id}/receipt`, { receivedOn: day, signer: '张伟' });
  t.is(receipt.status, 200, JSON.stringify(receipt.body));

  // Then the case is closed, the archive has left (已转出) and is no longer on the 名册
  const closed = await order(sys, id);
  t.is(closed.status, 'receipted');
  t.is(closed.receipt_source, 'paper');
  t.is(closed.receipt_signer, '张伟');
  t.is(closed.receipt_at, day);
  t.is((await instance(sys, id)).status, 'completed');
  const arch = await archiveRow(sys, cadre.archiveId);
  t.is(arch.status, 'transferred');
  t.is(arch.custodian_org_id, await orgId(sys, CITY));
  const roster = await (await sys.as('archivist1')).get('/api/roster?limit=500');
  t.false(roster.body.items.some((r: any) => r.archiveId === cadre.archiveId));
  t.is((await db('audit_log').where({ action: 'transfer.receipt', object_id: String(out.id) })).length, 1);
  // a second receipt is refused
  const twice = await (await sys.as('archivist1')).post(`/api/transfers/${out.id}/receipt`, { receivedOn: day, signer: '张伟' });
  t.is(twice.status, 409);
  t.is(twice.body.code, 'NOT_AWAITING_RECEIPT');

  // When the cadre comes back to a city unit, archivist1 registers the arriving archive by hand,
  // and the archive row that once left is taken back into stock
  const back = await (await sys.as('archivist1')).post('/api/process-instances', {
    processKey: 'transfer-in',
    variables: { fromUnit: '包头市委组织部干部档案室', slipNo: '包组档转字第2027-0004号', cadreName: cadre.name, cadreIdNumber: cadre.idNumber, volumesMain: 1, volumesCopy: 0, materialCount: 40 },
  });
  t.is(back.status, 201, JSON.stringify(back.body));
  t.is((await completeAt(await sys.as('archivist1'), back.body.id, 'checkPackage', { decision: 'accept', comment: '查收无误。' })).status, 200);
  const again = await archiveRow(sys, cadre.archiveId);
  t.is(again.status, 'in_stock');
  t.is(again.custodian_org_id, await orgId(sys, CITY));
  t.is((await db('archives').where({ cadre_id: cadre.cadreId })).length, 1);
});

test.serial('a resignation goes to a talent service after the 保密审查; the slip names the reason', async (t) => {
  const cadre = await cityCadre(sys, 4);
  const res = await startOutside(cadre.cadreId, {
    reason: 'resignation',
    destinationKind: 'talent_service',
    toUnitName: '乌海市人才服务中心',
    secrecyReview: '经审查，本人未涉及国家秘密事项，脱密期已满，同意转出。',
    secrecyReviewDate: '2026-10-30',
  });
  t.is(res.status, 201, JSON.stringify(res.body));
  const o = await order(sys, res.body.id);
  t.is(o.destination_kind, 'talent_service');
  t.is(o.secrecy_review_date, '2026-10-30');
  t.is(o.reason, 'resignation');
  const detail = await (await sys.as('archivist1')).get(`/api/transfers/${o.id}`);
  t.is(detail.body.destinationKindLabel, '公共就业和人才服务机构');
  t.is(detail.body.reasonLabel, '辞职');
});

test.serial('receiver1 registers by hand an archive arriving from outside Dangan for a cadre new to Dangan', async (t) => {
  const db = sys.services.db;
  const receiver = await sys.as('receiver1');
  const hbw = await orgId(sys, HBW);
  const idNo = idNumber('1985-03-12', 41, false);
  const variables = {
    fromUnit: '鄂尔多斯市委组织部干部档案室',
    slipNo: '鄂组档转字第2026-0112号',
    cadreName: '高晓慧',
    cadreIdNumber: idNo,
    volumesMain: 1,
    volumesCopy: 0,
    materialCount: 52,
    unitId: await orgId(sys, '150302-JYJ'),
    post: '副局长',
    managementLevel: 'county',
    ethnicity: '汉族',
    nativePlace: '内蒙古鄂尔多斯',
    politicalStatus: '中共党员',
  };
  const res = await receiver.post('/api/process-instances', { processKey: 'transfer-in', variables });
  t.is(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id;
  const o = await order(sys, id);
  t.is(o.status, 'checking');
  t.is(o.cadre_id, null);
  t.is(o.to_org_id, hbw);
  t.regex(o.case_no, /^转入-2026-\d{4}$/);
  // nothing of the cadre exists until the receipt is signed
  t.is(await db('cadres').where({ id_number: idNo }).first(), undefined);
  t.truthy(await taskAt(receiver, id, 'checkPackage'));

  t.is((await completeAt(receiver, id, 'checkPackage', { decision: 'accept', comment: '与转递单、目录相符。' })).status, 200);
  const cadre = await db('cadres').where({ id_number: idNo }).first();
  t.is(cadre.name, '高晓慧');
  t.is(cadre.gender, '2');
  t.is(cadre.birth_date, '1985-03-12');
  t.is(cadre.management_level, 'county');
  const arch = await db('archives').where({ cadre_id: cadre.id }).first();
  t.is(arch.custodian_org_id, hbw);
  t.is(arch.status, 'in_stock');
  t.is(arch.kind, 'original');
  t.is((await order(sys, id)).cadre_id, cadre.id);

  t.is((await completeAt(receiver, id, 'reviewAndStore', { reviewed: true, room: '1', cabinet: '3', shelf: '2' })).status, 200);
  const shelved = await db('archives').where({ id: arch.id }).first();
  t.deepEqual([shelved.store_room, shelved.cabinet, shelved.shelf], ['1', '3', '2']);
  t.regex(shelved.archive_no, /^150302-ZZB-DAS-\d{5}$/);
  t.is((await order(sys, id)).status, 'stored');
  const roster = await receiver.get('/api/roster?limit=500');
  t.true(roster.body.items.some((r: any) => r.archiveId === arch.id && r.location === '1-3-2'));
});

test.serial('an archive from outside that is incomplete is sent back: nothing of the cadre is created', async (t) => {
  const db = sys.services.db;
  const receiver = await sys.as('receiver1');
  const idNo = idNumber('1979-08-30', 42);
  const arrival = async (slipNo: string, materialCount: number) =>
    receiver.post('/api/process-instances', {
      processKey: 'transfer-in',
      variables: {
        fromUnit: '包头市委组织部干部档案室', slipNo, cadreName: '韩志刚', cadreIdNumber: idNo, volumesMain: 1, volumesCopy: 0, materialCount,
        unitId: await orgId(sys, '150302-CZJ'), managementLevel: 'unit', ethnicity: '蒙古族', nativePlace: '内蒙古包头', politicalStatus: '中共党员',
      },
    });
  const res = await arrival('包组档转字第2026-0210号', 20);
  t.is(res.status, 201, JSON.stringify(res.body));
  t.is((await completeAt(receiver, res.body.id, 'checkPackage', { decision: 'return', comment: '档案未密封，无转递单原件，退回。' })).status, 200);
  const o = await order(sys, res.body.id);
  t.is(o.status, 'returned');
  t.is((await instance(sys, res.body.id)).status, 'completed');
  t.is(await db('cadres').where({ id_number: idNo }).first(), undefined);
  const ret = await db('transfer_returns').where({ order_id: o.id }).first();
  t.is(ret.reason, '档案未密封，无转递单原件，退回。');
  // the same archive can be registered again when it comes back complete
  const again = await arrival('包组档转字第2026-0233号', 21);
  t.is(again.status, 201, JSON.stringify(again.body));
});
