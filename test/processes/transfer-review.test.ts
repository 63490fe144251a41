// Regressions found by an exploratory tester of 转递, on the real diagrams: what approvers and the
// sender read about a case (the cadre by name, the order behind a case, the return and why, the
// decision in the form's words), 查收 without a comment, couriers named alike, and the custody
// change written with office names.
import test, { type ExecutionContext } from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { HBW, archiveRow, cityCadre, completeAt, counts, inCaseOf, moveToHaibowan, openTasks, order, orgId, prepareAndApprove, send } from './transfer-helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

function refused(t: ExecutionContext, res: { status: number; body: any }, rule: string) {
  t.is(res.status, 422, `${rule}: ${JSON.stringify(res.body)}`);
  t.is(res.body.code, 'RULE_VIOLATION');
  t.is(res.body.details?.rule, rule);
}

test.serial('the chief reads the cadre by name in the case summary and the counts the archivist checked on the case', async (t) => {
  const cadre = await cityCadre(sys);
  const archivist = await sys.as('archivist1');
  const id = (await moveToHaibowan(sys, archivist, cadre.cadreId)).body.transfer.instanceId;
  t.is((await completeAt(archivist, id, 'prepareArchive', { complete: 'yes', ...(await counts(sys, cadre.cadreId)) })).status, 200);

  const chief = await sys.as('chief1');
  const inst = await chief.get(`/api/process-instances/${id}`);
  t.is(inst.status, 200);
  const row = await sys.services.db('cadres as c').join('org_units as u', 'u.id', 'c.org_unit_id').where('c.id', cadre.cadreId).first('c.name', 'c.post', 'u.name as unit');
  t.deepEqual(inst.body.cadre, { id: cadre.cadreId, name: cadre.name, unitName: row.unit, post: row.post });

  const panel = await chief.get(`/api/transfers/by-case/${id}`);
  t.is(panel.status, 200, JSON.stringify(panel.body));
  const whole = await counts(sys, cadre.cadreId);
  t.deepEqual([panel.body.volumesMain, panel.body.volumesCopy, panel.body.materialCount], [whole.volumesMain, whole.volumesCopy, whole.materialCount]);
  t.is(panel.body.caseNo, (await order(sys, id)).case_no);
  t.is(panel.body.status, 'approving');
  t.truthy(await sys.services.db('audit_log').where({ action: 'transfer.view', object_id: String(panel.body.id) }).first());

  // people who do not see the order get 404, like an absent case
  for (const who of ['receiver1', 'applicant1']) {
    const res = await (await sys.as(who)).get(`/api/transfers/by-case/${id}`);
    t.true([403, 404].includes(res.status), `${who}: ${res.status}`);
  }
  t.is((await chief.get('/api/transfers/by-case/00000000-0000-4000-8000-000000000000')).status, 404);
});

test.serial('查收 accepts without a comment; a return without its reason is refused and nothing moves', async (t) => {
  const cadre = await cityCadre(sys);
  const archivist = await sys.as('archivist1');
  const receiver = await sys.as('receiver1');
  const id = (await moveToHaibowan(sys, archivist, cadre.cadreId)).body.transfer.instanceId;
  await prepareAndApprove(sys, id, cadre.cadreId);
  t.is((await send(sys, id)).status, 200);
  const inId = (await inCaseOf(sys, id))!;

  const bare = await completeAt(receiver, inId, 'checkPackage', { decision: 'return' });
  refused(t, bare, 'return_reason');
  t.is(bare.body.details.field, 'comment');
  t.deepEqual(await openTasks(sys, inId), ['checkPackage']);
  t.is((await order(sys, id)).status, 'sent');

  const ok = await completeAt(receiver, inId, 'checkPackage', { decision: 'accept' });
  t.is(ok.status, 200, JSON.stringify(ok.body));
  t.is((await order(sys, id)).status, 'receipted');

  // the timeline reads the decision in the form's own words
  const inst = await receiver.get(`/api/process-instances/${inId}`);
  const check = inst.body.tasks.find((x: any) => x.elementId === 'checkPackage');
  t.is(check.outcomeLabel, '与转递单、目录相符，签退回执');

  // the archive's history names the offices, not their ids
  const hist = await sys.services.db('archive_status_history').where({ archive_id: cadre.archiveId }).orderBy('id', 'desc').first();
  const inOrder = await order(sys, inId);
  t.true(hist.reason.startsWith(`转入 ${inOrder.case_no}（乌海市委组织部干部档案室 → 海勃湾区委组织部干部档案室；原档案号 ${cadre.archiveNo}，原位置 `), hist.reason);
  t.is((await archiveRow(sys, cadre.archiveId)).custodian_org_id, await orgId(sys, HBW));
});

test.serial('after a defective return the sender reads why on the case: the return, its reason and who sent it back', async (t) => {
  const cadre = await cityCadre(sys);
  const archivist = await sys.as('archivist1');
  const receiver = await sys.as('receiver1');
  const id = (await moveToHaibowan(sys, archivist, cadre.cadreId)).body.transfer.instanceId;
  await prepareAndApprove(sys, id, cadre.cadreId);
  t.is((await send(sys, id)).status, 200);
  const inId = (await inCaseOf(sys, id))!;
  t.is((await completeAt(receiver, inId, 'checkPackage', { decision: 'return', comment: '缺少2025年度考核登记表。' })).status, 200);
  t.deepEqual(await openTasks(sys, id), ['prepareArchive']);

  const panel = await archivist.get(`/api/transfers/by-case/${id}`);
  t.is(panel.status, 200);
  t.is(panel.body.returns.length, 1);
  t.like(panel.body.returns[0], { reason: '缺少2025年度考核登记表。', by: '周海涛', source: 'dangan' });

  const inst = await archivist.get(`/api/process-instances/${id}`);
  const caught = inst.body.history.filter((h: any) => h.caught === 'message' && h.event === 'end');
  t.deepEqual(caught.map((h: any) => [h.elementName, h.actor]), [['接收单位退回', '周海涛']]);
});

test.serial('couriers: "王强" and "王 强" are one person; the one who is not a Party member is named', async (t) => {
  const cadre = await cityCadre(sys);
  const archivist = await sys.as('archivist1');
  const id = (await moveToHaibowan(sys, archivist, cadre.cadreId)).body.transfer.instanceId;
  await prepareAndApprove(sys, id, cadre.cadreId);

  for (const twin of ['王 强', ' 王　强 ', '王  强']) {
    refused(t, await send(sys, id, { method: 'courier', couriers: [{ name: '王强', partyMember: true }, { name: twin, partyMember: true }], sealed: true }), 'courier_count');
  }
  const notMember = await send(sys, id, { method: 'courier', couriers: [{ name: '王强', partyMember: true }, { name: '李明', partyMember: false }], sealed: true });
  refused(t, notMember, 'courier_party_member');
  t.regex(notMember.body.message, /李明/);
  t.deepEqual(notMember.body.details.couriers, ['李明']);
  t.deepEqual(await openTasks(sys, id), ['issueSlip']);

  t.is((await send(sys, id, { method: 'courier', couriers: [{ name: ' 王 强 ', partyMember: true }, { name: 'Li  Ming', partyMember: true }], sealed: true })).status, 200);
  t.deepEqual(JSON.parse((await order(sys, id)).couriers), [
    { name: '王强', partyMember: true },
    { name: 'Li Ming', partyMember: true },
  ]);
});
