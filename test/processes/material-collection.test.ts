// 材料收集归档 on the real processes/material-collection.bpmn, walked over HTTP by the demo users:
// the producer registers and uploads scans, the archivist reviews (key fields compared with the
// archive on the server) and files; returns and resubmissions; late hand-overs; the ledger.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { completeAt, taskAt } from '../helpers/workflow.ts';
import { addCalendarMonths } from '../../server/materials/deps.ts';
import { ALL_CHECKS, accept, countOf, daysAgo, pageScan, plainCadre, registration, sendBack, today, uploadScan } from './material-helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

async function register(variables: Record<string, unknown>) {
  const producer = await sys.as('producer1');
  const res = await producer.post('/api/process-instances', { processKey: 'material-collection', variables });
  return { producer, res };
}

const intakeOf = (instanceId: string) => sys.services.db('material_intakes').where({ instance_id: instanceId }).first();

test.serial('given a material formed last week, when the producer hands it over with its scans and the archivist accepts and files it, then it is in the catalogue under the next 序号 with its pages', async (t) => {
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false });
  const cadreBefore = await db('cadres').where({ id: cadre.id }).first();
  const catalogueBefore = await db('materials').where({ archive_id: cadre.archive_id }).orderBy('id');
  const lastInCategory = catalogueBefore.filter((m: any) => m.category_code === '3').reduce((n: number, m: any) => Math.max(n, m.item_no), 0);

  // Given / When: the producer registers the material.
  const { producer, res } = await register(registration(cadre, daysAgo(sys, 7)));
  t.is(res.status, 201, JSON.stringify(res.body));
  t.deepEqual(res.body.activeElements, ['reviewMaterial']);
  t.regex(res.body.businessKey, /^收材-2026-\d{4}$/);
  const id = res.body.id;
  const intake = await intakeOf(id);
  t.like(intake, { status: 'received', round: 1, cadre_id: cadre.id, archive_id: cadre.archive_id, title: '2026年度公务员年度考核登记表', pages: 2, intake_no: res.body.businessKey });
  t.false(!!intake.late);

  // The scans go up to the intake; the producer's own view of it.
  for (const n of [1, 2]) t.is((await uploadScan(producer, intake.id, await pageScan(n))).status, 201);
  const mine = await producer.get(`/api/material-intakes/by-case/${id}`);
  t.is(mine.status, 200);
  t.is(mine.body.view, 'producer');
  t.true(mine.body.canUpload);
  t.deepEqual(mine.body.scans.map((s: any) => s.pageNo), [1, 2]);
  t.deepEqual(mine.body.scanFindings, []);
  t.is(mine.body.keyFieldMismatches, null);
  t.is(mine.body.categoryLabel, '三、考核鉴定材料');

  // The archivist of the custodian office is offered the review, the other office's is not.
  const archivist = await sys.as('archivist1');
  const review = await taskAt(archivist, id, 'reviewMaterial');
  t.truthy(review);
  t.falsy(await taskAt(await sys.as('receiver1'), id, 'reviewMaterial'));
  // Key fields agree and the scans pass: the task page is told of no choice it would refuse.
  t.deepEqual((await archivist.get(`/api/tasks/${review.id}`)).body.blockedChoices, []);
  const theirs = await archivist.get(`/api/material-intakes/${intake.id}`);
  t.is(theirs.body.view, 'archive');
  t.deepEqual(theirs.body.keyFieldMismatches, []);

  // When the archivist accepts, it is in the ledger (已入台账); filing assigns the 序号.
  t.is((await completeAt(archivist, id, 'reviewMaterial', accept())).status, 200);
  t.like(await intakeOf(id), { status: 'ledgered', receiver_id: (await db('users').where({ username: 'archivist1' }).first()).id });
  t.is((await uploadScan(producer, intake.id, await pageScan(3))).status, 409, 'no more scans once accepted');
  const filed = await completeAt(archivist, id, 'fileMaterial', { filedCategoryCode: '3', filedPages: 2 });
  t.is(filed.status, 200, JSON.stringify(filed.body));
  t.is(filed.body.instance.status, 'completed');

  // Then: the catalogue row, its page images, the ledger row, history and tasks.
  const after = await intakeOf(id);
  t.is(after.status, 'filed');
  t.is(after.seq_no, `3-${lastInCategory + 1}`);
  const material = await db('materials').where({ id: after.material_id }).first();
  t.like(material, { archive_id: cadre.archive_id, category_code: '3', item_no: lastInCategory + 1, seq_no: `3-${lastInCategory + 1}`, title: '2026年度公务员年度考核登记表', formed_date: daysAgo(sys, 7), pages: 2, instance_id: id });
  const pages = await db('page_images').where({ material_id: material.id }).orderBy('page_no');
  t.deepEqual(pages.map((p: any) => [p.page_no, p.dpi]), [[1, 300], [2, 300]]);
  t.deepEqual(await sys.services.archives.checkScans(material.id), []);
  const catalogue = await archivist.get(`/api/archives/${cadre.archive_id}/catalogue`);
  t.true(catalogue.body.categories.find((c: any) => c.code === '3').materials.some((m: any) => m.seqNo === after.seq_no && m.scannedPages === 2));

  const ledger = await archivist.get('/api/material-intakes?status=filed');
  const row = ledger.body.items.find((i: any) => i.instanceId === id);
  t.like(row, { statusLabel: '已归档', seqNo: after.seq_no, late: false, cadreName: cadre.name, producerOrgName: '乌海市人力资源和社会保障局' });
  const events = (await archivist.get(`/api/material-intakes/${intake.id}`)).body.events.map((e: any) => [e.kind, e.actor]);
  t.deepEqual(events, [['registered', '孙丽娜'], ['accepted', '刘晓燕'], ['filed', '刘晓燕']]);
  const tasks = await db('tasks').where({ instance_id: id }).orderBy('created_at');
  t.deepEqual(tasks.map((x: any) => [x.element_id, x.status]), [['reviewMaterial', 'completed'], ['fileMaterial', 'completed']]);
  const ended = await db('history').where({ instance_id: id, event: 'end' }).pluck('element_id');
  t.true(ended.includes('filed'));
  t.deepEqual(await db('audit_log').whereIn('action', ['material.register', 'material.accept', 'material.file']).whereIn('object_id', [String(intake.id), String(material.id)]).orderBy('seq').pluck('action'), ['material.register', 'material.accept', 'material.file']);

  // What did not change: the cadre record and every material that was there before.
  t.deepEqual(await db('cadres').where({ id: cadre.id }).first(), cadreBefore);
  t.deepEqual(await db('materials').where({ archive_id: cadre.archive_id }).whereNot({ id: material.id }).orderBy('id'), catalogueBefore);
});

test.serial('given a material that goes back twice, when the producer corrects and resubmits each time, then the third review accepts it and every round is on record', async (t) => {
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false, skip: 1 });
  const { producer, res } = await register(registration(cadre, daysAgo(sys, 3), { title: '干部任免审批表', categoryCode: '9-2', approvalAuthority: '中共乌海市委', approvalDate: daysAgo(sys, 3), approvalDocNo: '乌党任〔2026〕12号' }));
  t.is(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id;
  t.is((await producer.get(`/api/material-intakes/by-case/${id}`)).body.categoryLabel, '9-2 任免材料');
  const archivist = await sys.as('archivist1');

  for (const round of [1, 2]) {
    const back = await completeAt(archivist, id, 'reviewMaterial', sendBack(`第${round}次退回：缺少单位盖章。`));
    t.is(back.status, 200);
    t.deepEqual(back.body.instance.activeElements, ['resubmitMaterial']);
    t.is((await intakeOf(id)).status, 'returned');
    // Only the producer who registered it is asked to resubmit.
    const task = await taskAt(producer, id, 'resubmitMaterial');
    t.truthy(task);
    t.is(task.assigneeId, (await producer.get('/api/me')).body.id);
    t.falsy(await taskAt(archivist, id, 'resubmitMaterial'));
    const again = await completeAt(producer, id, 'resubmitMaterial', {
      correction: `已加盖单位公章（第${round}次补正）。`,
      formedDate: daysAgo(sys, 2),
      pages: 2 + round,
      statedName: cadre.name,
      statedBirthDate: cadre.birth_date,
    });
    t.is(again.status, 200, JSON.stringify(again.body));
    t.deepEqual(again.body.instance.activeElements, ['reviewMaterial']);
    t.like(await intakeOf(id), { status: 'received', round: round + 1, pages: 2 + round, formed_date: daysAgo(sys, 2) });
  }
  t.is((await completeAt(archivist, id, 'reviewMaterial', accept())).status, 200);
  const filed = await completeAt(archivist, id, 'fileMaterial', { filedCategoryCode: '9-2', filedPages: 4, remark: '附考察材料' });
  t.is(filed.status, 200, JSON.stringify(filed.body));
  const intake = await intakeOf(id);
  t.like(intake, { status: 'filed', round: 3, approval_doc_no: '乌党任〔2026〕12号' });
  t.like(await db('materials').where({ id: intake.material_id }).first(), { category_code: '9-2', pages: 4, remark: '附考察材料' });

  const record = (await producer.get(`/api/material-intakes/${intake.id}`)).body;
  t.deepEqual(record.events.map((e: any) => [e.kind, e.round]), [['registered', 1], ['returned', 1], ['resubmitted', 2], ['returned', 2], ['resubmitted', 3], ['accepted', 3], ['filed', 3]]);
  t.is(record.events[1].comment, '第1次退回：缺少单位盖章。');
  // The review points that did not pass are named in words, not by their codes.
  t.deepEqual(record.events[1].detail.unchecked, [{ code: 'formalities', label: '手续完备' }]);
  t.is(record.events[2].detail.before.pages, 2, 'the values before a resubmission are kept');
  const tasks = await db('tasks').where({ instance_id: id }).orderBy('created_at');
  t.deepEqual(tasks.map((x: any) => x.element_id), ['reviewMaterial', 'resubmitMaterial', 'reviewMaterial', 'resubmitMaterial', 'reviewMaterial', 'fileMaterial']);
  t.true(tasks.every((x: any) => x.status === 'completed'));
  t.deepEqual(tasks.filter((x: any) => x.element_id === 'reviewMaterial').map((x: any) => x.outcome), ['return', 'return', 'accept']);
});

test.serial('given a material whose birth date differs from the archive, accepting it is refused with the rule and nothing moves; returning it works and the producer learns which field, not the archive’s value', async (t) => {
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false, skip: 2 });
  const wrongBirth = `${Number(cadre.birth_date.slice(0, 4)) + 1}${cadre.birth_date.slice(4)}`;
  const { producer, res } = await register(registration(cadre, daysAgo(sys, 5), { statedBirthDate: wrongBirth }));
  const id = res.body.id;
  const archivist = await sys.as('archivist1');
  const view = await archivist.get(`/api/material-intakes/by-case/${id}`);
  t.deepEqual(view.body.keyFieldMismatches, [{ field: 'birthDate', label: '出生时间', stated: wrongBirth, archive: cadre.birth_date }]);
  // The task page is told before the reviewer confirms that 合格 would be refused, and why.
  const review = await taskAt(archivist, id, 'reviewMaterial');
  const detail = (await archivist.get(`/api/tasks/${review.id}`)).body;
  t.is(detail.blockedChoices.length, 1);
  t.like(detail.blockedChoices[0], { field: 'decision', value: 'accept' });
  t.regex(detail.blockedChoices[0].message, /^材料记载的出生时间与档案不一致，须退回/);

  const auditBefore = await countOf(sys, 'audit_log');
  const refused = await completeAt(archivist, id, 'reviewMaterial', accept());
  t.is(refused.status, 422);
  t.is(refused.body.code, 'RULE_VIOLATION');
  t.is(refused.body.details.rule, 'key_fields_mismatch');
  t.deepEqual(refused.body.details.mismatches.map((m: any) => m.field), ['birthDate']);
  t.is((await intakeOf(id)).status, 'received');
  t.truthy(await taskAt(archivist, id, 'reviewMaterial'), 'the task is still open');
  t.is(await countOf(sys, 'material_intake_events', { intake_id: (await intakeOf(id)).id }), 1);
  t.is(await countOf(sys, 'audit_log'), auditBefore, 'nothing written, not even the task audit row');

  const back = await completeAt(archivist, id, 'reviewMaterial', sendBack('出生时间与档案记载不一致，请核实后由组织人事部门出具说明。', ALL_CHECKS));
  t.is(back.status, 200);
  const returned = (await producer.get(`/api/material-intakes/by-case/${id}`)).body.events.find((e: any) => e.kind === 'returned');
  t.deepEqual(returned.detail.mismatches, [{ field: 'birthDate', label: '出生时间', stated: wrongBirth }]);
  const archiveSide = (await archivist.get(`/api/material-intakes/by-case/${id}`)).body.events.find((e: any) => e.kind === 'returned');
  t.is(archiveSide.detail.mismatches[0].archive, cadre.birth_date);
  t.is((await db('cadres').where({ id: cadre.id }).first()).birth_date, cadre.birth_date, 'the archive is not changed by a material');
});

test.serial('accepting with a review point unticked is refused with the rule naming it', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false, skip: 3 });
  const { res } = await register(registration(cadre, daysAgo(sys, 1)));
  const archivist = await sys.as('archivist1');
  const refused = await completeAt(archivist, res.body.id, 'reviewMaterial', { ...accept(), passedChecks: ALL_CHECKS.filter((c) => c !== 'legible') });
  t.is(refused.status, 422);
  t.is(refused.body.details.rule, 'review_checklist');
  t.deepEqual(refused.body.details.unchecked, [{ code: 'legible', label: '文字清楚' }]);
  t.is((await intakeOf(res.body.id)).status, 'received');
});

test.serial('given a material formed 40 days ago, the late hand-over is accepted, flagged in the ledger and the audit row, and filterable', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false, skip: 4 });
  const formed = daysAgo(sys, 40);
  const { res } = await register(registration(cadre, formed));
  t.is(res.status, 201);
  const intake = await intakeOf(res.body.id);
  t.true(!!intake.late);
  t.is(intake.handover_due, addCalendarMonths(formed, 1));
  const audit = await sys.services.db('audit_log').where({ action: 'material.register', object_id: String(intake.id) }).first();
  t.like(JSON.parse(audit.detail), { late: true, handoverDue: intake.handover_due });
  const archivist = await sys.as('archivist1');
  const late = await archivist.get('/api/material-intakes?late=true');
  t.true(late.body.items.some((i: any) => i.id === intake.id && i.late === true));
  t.false((await archivist.get('/api/material-intakes?late=false')).body.items.some((i: any) => i.id === intake.id));
  const subject = await sys.services.db('workflow_cases').where({ instance_id: res.body.id }).first();
  t.regex(subject.subject, /逾期移交/);
  // On the last day of the period (one calendar month) it is not late.
  const onTime = await register(registration(await plainCadre(sys, { digitised: false, skip: 5 }), addCalendarMonths(today(sys), -1)));
  t.false(!!(await intakeOf(onTime.res.body.id)).late);
});

test.serial('the ledger is scoped: the other office sees nothing, the producing unit its own hand-overs, the applicant is refused', async (t) => {
  const archivist = await sys.as('archivist1');
  const all = await archivist.get('/api/material-intakes?limit=500');
  t.true(all.body.total >= 5);
  const other = await (await sys.as('receiver1')).get('/api/material-intakes');
  t.deepEqual([other.status, other.body.total], [200, 0]);
  const producer = await (await sys.as('producer1')).get('/api/material-intakes?limit=500');
  t.is(producer.body.total, all.body.total);
  const leader = await (await sys.as('leader1')).get('/api/material-intakes?limit=500');
  t.is(leader.body.total, all.body.total);
  const applicant = await (await sys.as('applicant1')).get('/api/material-intakes');
  t.is(applicant.status, 403);
  const one = all.body.items[0];
  t.is((await (await sys.as('receiver1')).get(`/api/material-intakes/${one.id}`)).status, 404);
  t.is((await archivist.get('/api/material-intakes/999999')).status, 404);
});

test.serial('the ledger finds an intake by a part of its 登记号 in any case or by the cadre’s name, and by the Beijing days it was registered', async (t) => {
  const archivist = await sys.as('archivist1');
  const all = (await archivist.get('/api/material-intakes?limit=500')).body.items;
  const one = all[0];
  const ids = async (qs: string, who = archivist) => (await who.get(`/api/material-intakes?limit=500&${qs}`)).body.items.map((i: any) => i.id);
  const tail = one.intakeNo.slice(-7); // 2026-0001 → 26-0001
  t.true((await ids(`q=${encodeURIComponent(one.intakeNo)}`)).includes(one.id));
  t.deepEqual(await ids(`q=${encodeURIComponent(one.intakeNo)}`), all.filter((i: any) => i.intakeNo.includes(one.intakeNo)).map((i: any) => i.id));
  t.deepEqual(await ids(`q=${encodeURIComponent(tail)}`), all.filter((i: any) => i.intakeNo.includes(tail)).map((i: any) => i.id));
  const byName = await ids(`q=${encodeURIComponent(one.cadreName)}`);
  t.deepEqual(byName, all.filter((i: any) => i.cadreName.includes(one.cadreName)).map((i: any) => i.id));
  t.true(byName.includes(one.id));
  t.deepEqual(await ids(`q=${encodeURIComponent('%')}`), [], 'a typed wildcard is a literal character');
  // The other office's archivist finds nothing by the same words.
  t.deepEqual(await ids(`q=${encodeURIComponent(one.cadreName)}`, await sys.as('receiver1')), []);
  // Registered at 00:30 on 2 March in Beijing (16:30 UTC on 1 March): a day of Beijing, both ends inclusive.
  await sys.services.db('material_intakes').where({ id: one.id }).update({ registered_at: '2026-03-01T16:30:00.000Z' });
  t.deepEqual(await ids('from=2026-03-02&to=2026-03-02'), [one.id]);
  t.deepEqual(await ids('from=2026-03-01&to=2026-03-01'), []);
  t.true((await ids('to=2026-03-02')).includes(one.id));
  t.false((await ids('from=2026-03-03')).includes(one.id));
  t.is((await archivist.get(`/api/material-intakes?q=${'x'.repeat(41)}`)).status, 400);
  t.is((await archivist.get('/api/material-intakes?from=yesterday')).status, 400);
});

void today;

test.serial('given a material handed over on time, when the resubmission gives an earlier formation date, then the ledger recomputes its period and flags it late; a date before the cadre’s birth is refused', async (t) => {
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false, skip: 7 });
  const { producer, res } = await register(registration(cadre, daysAgo(sys, 5)));
  t.is(res.status, 201);
  const id = res.body.id;
  const registered = await intakeOf(id);
  t.false(!!registered.late);
  const archivist = await sys.as('archivist1');
  t.is((await completeAt(archivist, id, 'reviewMaterial', sendBack('落款日期有误，请核实。'))).status, 200);
  const resubmit = (formedDate: string) =>
    completeAt(producer, id, 'resubmitMaterial', { correction: '已核实落款日期。', formedDate, pages: 2, statedName: cadre.name, statedBirthDate: cadre.birth_date });

  // A formation date before the cadre was born is refused at the field; nothing changes.
  const refused = await resubmit('1950-01-01');
  t.is(refused.status, 422);
  t.like(refused.body.details, { rule: 'formed_before_birth', field: 'formedDate' });
  t.like(await intakeOf(id), { status: 'returned', formed_date: daysAgo(sys, 5), round: 1 });

  const formed = daysAgo(sys, 45);
  const ok = await resubmit(formed);
  t.is(ok.status, 200, JSON.stringify(ok.body));
  const after = await intakeOf(id);
  t.like(after, { status: 'received', round: 2, formed_date: formed, handover_due: addCalendarMonths(formed, 1) });
  t.true(!!after.late, 'late against the new formation date');
  t.regex((await db('workflow_cases').where({ instance_id: id }).first()).subject, /【逾期移交】/);
  const event = (await archivist.get(`/api/material-intakes/${after.id}`)).body.events.find((e: any) => e.kind === 'resubmitted');
  t.like(event.detail, { late: true, handoverDue: after.handover_due, before: { formedDate: daysAgo(sys, 5), late: false, handoverDue: registered.handover_due } });
  t.true((await archivist.get('/api/material-intakes?late=true&limit=500')).body.items.some((i: any) => i.id === after.id));
});

test.serial('given a hand-over nobody has reviewed yet, the producer withdraws it: the ledger says 已撤回, no task is left, no scan can be added', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false, skip: 6 });
  const { producer, res } = await register(registration(cadre, daysAgo(sys, 2)));
  const id = res.body.id;
  const w = await producer.post(`/api/process-instances/${id}/withdraw`, { reason: '材料报错了对象，撤回重报。' });
  t.is(w.status, 200, JSON.stringify(w.body));
  const intake = await intakeOf(id);
  t.is(intake.status, 'withdrawn');
  t.deepEqual(await sys.services.db('tasks').where({ instance_id: id }).pluck('status'), ['cancelled']);
  const record = (await producer.get(`/api/material-intakes/${intake.id}`)).body;
  t.is(record.statusLabel, '已撤回');
  t.deepEqual(record.events.map((e: any) => e.kind), ['registered', 'withdrawn']);
  t.false(record.canUpload);
  t.is((await uploadScan(producer, intake.id, await pageScan(9))).status, 409);
  t.true((await (await sys.as('archivist1')).get('/api/material-intakes?status=withdrawn')).body.items.some((i: any) => i.id === intake.id));
});

test.serial('the same material handed over twice (spaces around the name and in the title) is refused naming the earlier intake, then the filed 序号; confirmed as a different material with its reason it goes in and the archivist is warned', async (t) => {
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false, skip: 3 });
  const formed = daysAgo(sys, 5);
  const material = { title: '2026年度干部培训登记表', categoryCode: '4-4' };
  const first = await register(registration(cadre, formed, material));
  t.is(first.res.status, 201, JSON.stringify(first.res.body));
  const firstNo = first.res.body.businessKey;

  // The second hand-over, the name and the title typed with spaces: refused, nothing written.
  const again = registration(cadre, formed, { ...material, cadreName: ` ${cadre.name} `, title: ' 2026年度 干部培训登记表　' });
  const intakesBefore = await countOf(sys, 'material_intakes');
  const twice = await register(again);
  t.is(twice.res.status, 422, JSON.stringify(twice.res.body));
  t.is(twice.res.body.details.rule, 'duplicate_material');
  t.true(twice.res.body.message.includes(`${firstNo}（已接收）`), twice.res.body.message);
  t.deepEqual(twice.res.body.details.matches, [{ intakeNo: firstNo, intakeStatus: 'received', seqNo: null }]);
  t.is(await countOf(sys, 'material_intakes'), intakesBefore);
  // Another category, date or title is another material.
  t.is((await register(registration(cadre, formed, { ...material, title: '2026年度干部培训登记表（续）' }))).res.status, 201);

  // The first is filed: a third hand-over is refused naming it as filed — never its 序号 (the catalogue is the archive's).
  const archivist = await sys.as('archivist1');
  t.is((await completeAt(archivist, first.res.body.id, 'reviewMaterial', accept())).status, 200);
  t.is((await completeAt(archivist, first.res.body.id, 'fileMaterial', { filedCategoryCode: '4-4', filedPages: 2 })).status, 200);
  const seqNo = (await intakeOf(first.res.body.id)).seq_no;
  const thrice = await register(again);
  t.is(thrice.res.status, 422);
  t.true(thrice.res.body.message.includes(`${firstNo}（已归档）`), thrice.res.body.message);
  t.false(JSON.stringify(thrice.res.body).includes(seqNo), 'no 序号 told to the producer');
  // A catalogue row of the same material, filed otherwise, is not told to a producer: the refusal would answer what the archive holds.
  const other = await plainCadre(sys, { digitised: false, skip: 8 });
  const row = await db.transaction((trx) => sys.services.archives.fileMaterial(trx, { archiveId: other.archive_id, categoryCode: '4-4', title: '2026年度干部培训登记表', formedDate: formed, pages: 2, isCopy: false, actor: null }));
  const probe = await register(registration(other, formed, material));
  t.is(probe.res.status, 201, JSON.stringify(probe.res.body));
  const probeRecord = (await archivist.get(`/api/material-intakes/by-case/${probe.res.body.id}`)).body;
  t.deepEqual(probeRecord.sameMaterials, [{ intakeNo: null, intakeStatus: null, seqNo: row.seq_no }], 'the archivist is warned');

  // The producer says it is a different material: the reason is required, then it goes in.
  const noReason = await register({ ...again, notDuplicate: true, notDuplicateReason: ' ' });
  t.is(noReason.res.status, 400);
  t.true(noReason.res.body.details.some((d: any) => d.field === 'notDuplicateReason'), JSON.stringify(noReason.res.body));
  const confirmed = await register({ ...again, notDuplicate: true, notDuplicateReason: '第二期培训的登记表，与第一期同名同日' });
  t.is(confirmed.res.status, 201, JSON.stringify(confirmed.res.body));
  const second = await intakeOf(confirmed.res.body.id);
  t.is(second.title, '2026年度 干部培训登记表', 'the title trimmed');
  t.is(second.stated_name, cadre.name);
  const registered = await db('material_intake_events').where({ intake_id: second.id, kind: 'registered' }).first();
  t.like(JSON.parse(registered.detail), { notDuplicateReason: '第二期培训的登记表，与第一期同名同日', sameAs: [{ intakeNo: firstNo, seqNo: null }] });

  // The archivist's 接收鉴别 sees the earlier one; the producer's view says nothing of the archive.
  const record = await archivist.get(`/api/material-intakes/by-case/${confirmed.res.body.id}`);
  t.deepEqual(record.body.sameMaterials, [{ intakeNo: firstNo, intakeStatus: 'filed', seqNo }]);
  t.is((await confirmed.producer.get(`/api/material-intakes/by-case/${confirmed.res.body.id}`)).body.sameMaterials, null);
  // The filed first one does not count its own catalogue row as a copy of itself.
  t.deepEqual((await archivist.get(`/api/material-intakes/by-case/${first.res.body.id}`)).body.sameMaterials, [{ intakeNo: second.intake_no, intakeStatus: 'received', seqNo: null }]);
});
