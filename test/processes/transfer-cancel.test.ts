// 撤销转递（任免变动撤销或有误）: a transfer that a 任免 notice started and the archivist cancels takes the
// notice back — the cadre's unit, post and level return, recorded in 变更记录 with the cancellation as
// basis, and custody ranges point at the office that still holds the archive. A position changed
// since is not overwritten: the order tells the archivist it stays as recorded.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { CITY, cityCadre, completeAt, moveToHaibowan, order, orgId } from './transfer-helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

async function before(cadreId: number) {
  return sys.services.db('cadres').where({ id: cadreId }).first();
}

test.serial('cancelling the transfer a 任免 notice started puts the unit, post and level back, with the cancellation as basis', async (t) => {
  const cadre = await cityCadre(sys, 0);
  const was = await before(cadre.cadreId);
  const archivist = await sys.as('archivist1');
  const started = await moveToHaibowan(sys, archivist, cadre.cadreId);
  t.is(started.status, 201, JSON.stringify(started.body));
  const id = started.body.transfer.instanceId;
  t.is((await archivist.get(`/api/cadres/${cadre.cadreId}`)).body.unitName, '海勃湾区新华街道办事处');

  const done = await completeAt(archivist, id, 'prepareArchive', { complete: 'cancel', comment: '任免决定已撤销（乌组任〔2026〕18号）。' });
  t.is(done.status, 200, JSON.stringify(done.body));

  // the cadre record as the archivist reads it is the one before the notice
  const c = (await archivist.get(`/api/cadres/${cadre.cadreId}`)).body;
  t.is(c.post, was.post);
  t.is(c.managementLevel, was.management_level);
  const row = await before(cadre.cadreId);
  t.is(row.org_unit_id, was.org_unit_id);
  // 变更记录: three changes by the notice, three back naming the cancellation
  const history = (await archivist.get(`/api/cadres/${cadre.cadreId}/history`)).body.items;
  const back = history.filter((h: any) => /撤销转递转出-2026-\d{4}/.test(h.basisDocument ?? ''));
  t.deepEqual(back.map((h: any) => h.field).sort(), ['management_level', 'org_unit_id', 'post']);
  t.true(back.every((h: any) => h.basisDocument.includes('乌组任〔2026〕15号')));
  // the custody ranges give the cadre to the office that keeps the archive again
  const custody = await sys.services.archives.custodianFor(sys.services.db, row.org_unit_id, row.management_level);
  t.is(custody?.custodianOrgId, await orgId(sys, CITY));
  // the order says what became of the notice
  const detail = (await archivist.get(`/api/transfers/${(await order(sys, id)).id}`)).body;
  t.is(detail.status, 'cancelled');
  t.is(detail.positionChange.revert.result, 'reverted');
  t.is((await sys.services.db('position_changes').where({ transfer_order_id: detail.id }).first()).revert_result, 'reverted');
});

test.serial('a position changed again since the notice is not overwritten: the order says it stays as recorded', async (t) => {
  const cadre = await cityCadre(sys, 0);
  const archivist = await sys.as('archivist1');
  const id = (await moveToHaibowan(sys, archivist, cadre.cadreId)).body.transfer.instanceId;
  // a later correction of the post, with its own basis
  await sys.services.db.transaction((trx) =>
    sys.services.archives.updateCadreField(trx, { cadreId: cadre.cadreId, field: 'post', value: '主任', basis: { document: '海区任〔2026〕3号' }, actor: null }),
  );
  const done = await completeAt(archivist, id, 'prepareArchive', { complete: 'cancel', comment: '任免决定有误。' });
  t.is(done.status, 200, JSON.stringify(done.body));
  const c = await before(cadre.cadreId);
  t.is(c.post, '主任');
  t.is(c.org_unit_id, await orgId(sys, '150302-XH'));
  t.is(c.management_level, 'county');
  const history = await sys.services.db('cadre_field_history').where({ cadre_id: cadre.cadreId });
  t.false(history.some((h: any) => String(h.basis_document ?? '').startsWith('撤销转递')));
  const detail = (await archivist.get(`/api/transfers/${(await order(sys, id)).id}`)).body;
  t.is(detail.positionChange.revert.result, 'kept');
});

test.serial('the archivist withdrawing the case before anyone acted takes the notice back too', async (t) => {
  const cadre = await cityCadre(sys, 0);
  const was = await before(cadre.cadreId);
  const archivist = await sys.as('archivist1');
  const id = (await moveToHaibowan(sys, archivist, cadre.cadreId)).body.transfer.instanceId;
  const res = await archivist.post(`/api/process-instances/${id}/withdraw`, { reason: '通知登记错误。' });
  t.is(res.status, 200, JSON.stringify(res.body));
  const c = await before(cadre.cadreId);
  t.deepEqual([c.org_unit_id, c.post, c.management_level], [was.org_unit_id, was.post, was.management_level]);
  t.is((await archivist.get(`/api/transfers/${(await order(sys, id)).id}`)).body.positionChange.revert.result, 'reverted');
});
