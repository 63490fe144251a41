// 材料收集归档 never leaves a case that can only fail (material-collection.bpmn version 2): an archive
// away or gone at registration, 接收鉴别 or 整理归档; a key field corrected between review and filing;
// a returned hand-over corrected in full, withdrawn by its producer, or refused (拒收) by the archivist.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { completeAt, taskAt } from '../helpers/workflow.ts';
import { ALL_CHECKS, accept, daysAgo, plainCadre, registration, sendBack } from './material-helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const intakeOf = (instanceId: string) => sys.services.db('material_intakes').where({ instance_id: instanceId }).first();
const instanceOf = (id: string) => sys.services.db('process_instances').where({ id }).first();
const setArchive = (archiveId: number, status: string) => sys.services.db('archives').where({ id: archiveId }).update({ status });

async function register(variables: Record<string, unknown>) {
  return (await sys.as('producer1')).post('/api/process-instances', { processKey: 'material-collection', variables });
}

test.serial('an archive being transferred: registration is refused; one that starts its transfer after registration cannot be accepted, and the archivist refuses the material with a reason — the case ends, the ledger says 已拒收', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false, skip: 10 });
  await setArchive(cadre.archive_id, 'transferring');
  const refused = await register(registration(cadre, daysAgo(sys, 3)));
  t.deepEqual([refused.status, refused.body.details?.rule], [422, 'archive_leaving']);
  t.regex(refused.body.message, /材料转递/);

  await setArchive(cadre.archive_id, 'in_stock');
  const res = await register(registration(cadre, daysAgo(sys, 3)));
  t.is(res.status, 201, JSON.stringify(res.body));
  await setArchive(cadre.archive_id, 'transferring');
  const archivist = await sys.as('archivist1');
  const task = await taskAt(archivist, res.body.id, 'reviewMaterial');
  t.true((await archivist.get(`/api/tasks/${task.id}`)).body.blockedChoices.some((b: any) => b.value === 'accept' && /转出/.test(b.message)));
  const acc = await completeAt(archivist, res.body.id, 'reviewMaterial', accept());
  t.deepEqual([acc.status, acc.body.details?.rule], [422, 'archive_leaving']);
  const noReason = await completeAt(archivist, res.body.id, 'reviewMaterial', { passedChecks: [], decision: 'refuse', comment: 'xx' });
  t.deepEqual([noReason.status, noReason.body.details?.rule], [422, 'refuse_reason']);
  const done = await completeAt(archivist, res.body.id, 'reviewMaterial', { passedChecks: [], decision: 'refuse', comment: '档案正在转出，请将材料转递至新的管档单位。' });
  t.is(done.status, 200, JSON.stringify(done.body));
  t.is((await instanceOf(res.body.id)).status, 'completed');
  t.is((await intakeOf(res.body.id)).status, 'refused');
  const ledger = await archivist.get('/api/material-intakes?status=refused');
  t.true(ledger.body.items.some((i: any) => i.intakeNo === res.body.businessKey && i.statusLabel === '已拒收'));
  t.is(await sys.services.db('materials').where({ archive_id: cadre.archive_id, instance_id: res.body.id }).first(), undefined);
});

test.serial('an archive that left after the material was accepted: 整理归档 is refused with archive_leaving, not stuck — 退回接收鉴别 gives the review back, where it is refused', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false, skip: 11 });
  const res = await register(registration(cadre, daysAgo(sys, 3)));
  const archivist = await sys.as('archivist1');
  t.is((await completeAt(archivist, res.body.id, 'reviewMaterial', accept())).status, 200);
  await setArchive(cadre.archive_id, 'transferred');
  const file = await completeAt(archivist, res.body.id, 'fileMaterial', { filingAction: 'file', filedCategoryCode: '3', filedPages: 2 });
  t.deepEqual([file.status, file.body.details?.rule], [422, 'archive_leaving']);
  const back = await completeAt(archivist, res.body.id, 'fileMaterial', { filingAction: 'back', backReason: '档案已转出，不能归档。' });
  t.is(back.status, 200, JSON.stringify(back.body));
  t.like(await intakeOf(res.body.id), { status: 'received' });
  t.truthy(await taskAt(archivist, res.body.id, 'reviewMaterial'));
  t.is((await completeAt(archivist, res.body.id, 'reviewMaterial', { passedChecks: [], decision: 'refuse', comment: '档案已转出，请转递新的管档单位。' })).status, 200);
  t.is((await intakeOf(res.body.id)).status, 'refused');
  await setArchive(cadre.archive_id, 'in_stock');
});

test.serial('an archive on loan takes the material into its catalogue (the paper is added on return)', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false, skip: 12 });
  const res = await register(registration(cadre, daysAgo(sys, 3)));
  await setArchive(cadre.archive_id, 'on_loan');
  const archivist = await sys.as('archivist1');
  t.is((await completeAt(archivist, res.body.id, 'reviewMaterial', accept())).status, 200);
  const file = await completeAt(archivist, res.body.id, 'fileMaterial', { filingAction: 'file', filedCategoryCode: '3', filedPages: 2 });
  t.is(file.status, 200, JSON.stringify(file.body));
  t.is((await intakeOf(res.body.id)).status, 'filed');
  await setArchive(cadre.archive_id, 'in_stock');
});

test.serial('a key field corrected in the archive after acceptance: filing is refused naming the field, and the material goes back to review, where it can only be returned', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false, skip: 13 });
  const res = await register(registration(cadre, daysAgo(sys, 3)));
  const archivist = await sys.as('archivist1');
  t.is((await completeAt(archivist, res.body.id, 'reviewMaterial', accept())).status, 200);
  // What an approved 信息更正 of 姓名 leaves in the record.
  await sys.services.db('cadres').where({ id: cadre.id }).update({ name: `${cadre.name}玮` });
  const file = await completeAt(archivist, res.body.id, 'fileMaterial', { filingAction: 'file', filedCategoryCode: '3', filedPages: 2 });
  t.deepEqual([file.status, file.body.details?.rule], [422, 'key_fields_mismatch']);
  t.deepEqual(file.body.details.mismatches.map((m: any) => m.field), ['name']);
  t.regex(file.body.message, /姓名/);
  t.is((await intakeOf(res.body.id)).status, 'ledgered');
  t.is((await completeAt(archivist, res.body.id, 'fileMaterial', { filingAction: 'back', backReason: '姓名已更正，材料须补正。' })).status, 200);
  const again = await completeAt(archivist, res.body.id, 'reviewMaterial', accept());
  t.deepEqual([again.status, again.body.details?.rule], [422, 'key_fields_mismatch']);
  t.is((await completeAt(archivist, res.body.id, 'reviewMaterial', sendBack('姓名与档案不一致，请更正后重新移交。'))).status, 200);
  t.is((await intakeOf(res.body.id)).status, 'returned');
  await sys.services.db('cadres').where({ id: cadre.id }).update({ name: cadre.name });
});

test.serial('a returned hand-over: the producer corrects title, category, copy and delivery (checked as at registration), or withdraws it; the record keeps the values before', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false, skip: 14 });
  const res = await register(registration(cadre, daysAgo(sys, 3)));
  const archivist = await sys.as('archivist1');
  t.is((await completeAt(archivist, res.body.id, 'reviewMaterial', sendBack())).status, 200);
  const producer = await sys.as('producer1');
  const base = { resubmitAction: 'resubmit', correction: '已改为原件并更正名称。', formedDate: daysAgo(sys, 3), pages: 2, statedName: cadre.name, statedBirthDate: cadre.birth_date, deliveryMethod: 'hand' };
  const unsealed = await completeAt(producer, res.body.id, 'resubmitMaterial', { ...base, title: '2026年度考核登记表', categoryCode: '3', isCopy: true, copyDate: daysAgo(sys, 1) });
  t.deepEqual([unsealed.status, unsealed.body.details?.rule], [422, 'copy_needs_date_and_seal']);
  const ok = await completeAt(producer, res.body.id, 'resubmitMaterial', { ...base, title: '2026年度考核登记表（更正）', categoryCode: '10', isCopy: true, copyDate: daysAgo(sys, 1), copySealed: true, deliveryMethod: 'confidential', confidentialNo: 'JY-2026-77' });
  t.is(ok.status, 200, JSON.stringify(ok.body));
  t.like(await intakeOf(res.body.id), { status: 'received', round: 2, title: '2026年度考核登记表（更正）', category_code: '10', copy_date: daysAgo(sys, 1), delivery_method: 'confidential', confidential_no: 'JY-2026-77' });
  const ev = await sys.services.db('material_intake_events').where({ kind: 'resubmitted', intake_id: (await intakeOf(res.body.id)).id }).first();
  t.like(JSON.parse(ev.detail).before, { title: '2026年度公务员年度考核登记表', categoryCode: '3', isCopy: false });

  // Returned again: the producer gives it up; the case ends, the ledger says 已撤回.
  t.is((await completeAt(archivist, res.body.id, 'reviewMaterial', sendBack())).status, 200);
  const w = await completeAt(producer, res.body.id, 'resubmitMaterial', { resubmitAction: 'withdraw', correction: '该材料不再移交。' });
  t.is(w.status, 200, JSON.stringify(w.body));
  t.is((await instanceOf(res.body.id)).status, 'completed');
  t.is((await intakeOf(res.body.id)).status, 'withdrawn');
});

test.serial('a material title is one line: a line break or a tab is refused at the field at registration (a resubmission runs the same rule)', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false, skip: 15 });
  for (const title of ['2026年度\n考核登记表', '2026年度\t考核登记表']) {
    const res = await register(registration(cadre, daysAgo(sys, 3), { title }));
    t.deepEqual([res.status, res.body.details?.rule, res.body.details?.field], [422, 'title_one_line', 'title']);
  }
  t.is(await sys.services.db('material_intakes').where({ cadre_id: cadre.id }).first(), undefined);
});

test.serial('a 退回 must tell the unit why: with every point ticked and nothing found, a comment of “xx” is refused; a point unticked or a reason of some length returns it', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false, skip: 16 });
  const res = await register(registration(cadre, daysAgo(sys, 3)));
  const archivist = await sys.as('archivist1');
  const bare = await completeAt(archivist, res.body.id, 'reviewMaterial', sendBack('xx', ALL_CHECKS));
  t.deepEqual([bare.status, bare.body.details?.rule, bare.body.details?.field], [422, 'return_reason', 'comment']);
  t.is((await intakeOf(res.body.id)).status, 'received');
  t.is((await completeAt(archivist, res.body.id, 'reviewMaterial', sendBack('xx'))).status, 200, 'a point not ticked names what to correct');
  t.is((await intakeOf(res.body.id)).status, 'returned');
});
