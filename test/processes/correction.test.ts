// 信息更正 on the real processes/correction.bpmn, walked over HTTP by the demo users: opening with the
// evidence table, investigation, the chief's opinion, approval by the leader with management
// authority (a superior's reply for 出生日期 and 参加工作时间), the 认定表 filed as a new material, the
// cadre's field history — and every original material untouched.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { approve, completeAt, reject, taskAt } from '../helpers/workflow.ts';
import { plainCadre, today } from './material-helpers.ts';
import { idCheckDigit, idNumberBirthDate } from '../../server/archives/validate.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const correctionOf = (instanceId: string) => sys.services.db('corrections').where({ instance_id: instanceId }).first();
const catalogueOf = (archiveId: number) => sys.services.db('materials').where({ archive_id: archiveId }).orderBy('id');
const firstIn = async (archiveId: number, category: string, title?: string) => {
  const q = sys.services.db('materials').where({ archive_id: archiveId, category_code: category }).orderBy('formed_date');
  if (title) q.where('title', 'like', `%${title}%`);
  return q.first();
};

async function open(variables: Record<string, unknown>) {
  const archivist = await sys.as('archivist1');
  const res = await archivist.post('/api/process-instances', { processKey: 'correction', variables: { trigger: 'special_review', reason: '专项审核中发现记载不一致。', ...variables } });
  return { archivist, res };
}

/** A work start date a month before the recorded one (still after the 14th birthday). */
const monthEarlier = (d: string) => {
  const [y, m] = d.split('-').map(Number);
  return m > 1 ? `${y}-${String(m - 1).padStart(2, '0')}-01` : `${y - 1}-12-01`;
};

test.serial('given a wrong 参加工作时间, when investigated, proposed by the chief and approved with the superior’s reply, then the 认定表 is a new material, the field changes with its history, and no original material changed', async (t) => {
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false });
  const before = await catalogueOf(cadre.archive_id);
  const resume = await firstIn(cadre.archive_id, '1');
  const hiring = await firstIn(cadre.archive_id, '9-2', '录用审批表');
  const proposed = monthEarlier(cadre.work_start_date);

  const { archivist, res } = await open({ cadreId: cadre.id, item: 'work_start_date', proposedValue: proposed, recordedValues: [{ value: cadre.work_start_date, seqNos: `${resume.seq_no}` }] });
  t.is(res.status, 201, JSON.stringify(res.body));
  t.regex(res.body.businessKey, /^更正-2026-\d{4}$/);
  t.deepEqual(res.body.activeElements, ['investigate']);
  const id = res.body.id;
  const c0 = await correctionOf(id);
  t.like(c0, { item: 'work_start_date', field: 'work_start_date', old_value: cadre.work_start_date, proposed_value: proposed, status: 'open', archive_id: cadre.archive_id });

  // The evidence table: materials that record the item, oldest first, the hiring approval as default basis.
  const opened = await archivist.get(`/api/corrections/by-case/${id}`);
  t.is(opened.status, 200);
  const ev = opened.body.evidence;
  t.true(ev.length >= 3);
  t.deepEqual([...ev].sort((a: any, b: any) => a.formedDate.localeCompare(b.formedDate)).map((e: any) => e.seqNo), ev.map((e: any) => e.seqNo));
  t.deepEqual(ev.filter((e: any) => e.defaultBasis).map((e: any) => e.seqNo), [hiring.seq_no]);
  t.is(ev.find((e: any) => e.seqNo === resume.seq_no).recordedValue, cadre.work_start_date);
  t.deepEqual(opened.body.recordedValues, [{ value: cadre.work_start_date, seqNos: [resume.seq_no] }]);

  t.is((await completeAt(archivist, id, 'investigate', { basisMaterials: [hiring.seq_no], findings: '经查录用审批表及工资审批表，参加工作时间应为该月。', proposedValue: proposed })).status, 200);
  t.is((await correctionOf(id)).status, 'investigated');
  const chief = await sys.as('chief1');
  t.is((await completeAt(chief, id, 'chiefOpinion', approve('同意按录用审批表认定，报部领导审批。'))).status, 200);
  const leader = await sys.as('leader1');
  t.truthy(await taskAt(leader, id, 'authorityApproval'));

  // Approving without the superior's reply is refused, and nothing moves.
  const refused = await completeAt(leader, id, 'authorityApproval', approve('同意。'));
  t.is(refused.status, 422);
  t.is(refused.body.details.rule, 'superior_reply_required');
  t.like(await correctionOf(id), { status: 'proposed', authority_decision: null });
  t.is((await db('cadres').where({ id: cadre.id }).first()).work_start_date, cadre.work_start_date);
  t.truthy(await taskAt(leader, id, 'authorityApproval'));

  const done = await completeAt(leader, id, 'authorityApproval', { ...approve('同意更正。'), superiorReplyNo: '内组干审〔2026〕8号' });
  t.is(done.status, 200, JSON.stringify(done.body));
  t.is(done.body.instance.status, 'completed');

  // Then: the record, the new material, the field and its history.
  const c = await correctionOf(id);
  t.like(c, { status: 'approved', new_value: proposed, superior_reply_no: '内组干审〔2026〕8号', chief_decision: 'approve', authority_decision: 'approve' });
  const filed = await db('materials').where({ id: c.filed_material_id }).first();
  t.like(filed, { archive_id: cadre.archive_id, category_code: '5', title: '干部人事档案参加工作时间审核认定表', formed_date: today(sys), pages: 1, instance_id: id, supersedes_material_id: null });
  t.regex(filed.remark, /内组干审〔2026〕8号/);
  t.is(filed.seq_no, c.filed_seq_no);
  t.is((await db('cadres').where({ id: cadre.id }).first()).work_start_date, proposed);
  const history = await archivist.get(`/api/cadres/${cadre.id}/history`);
  const h = history.body.items.find((x: any) => x.field === 'work_start_date');
  t.like(h, { oldValue: cadre.work_start_date, newValue: proposed, basisMaterialId: filed.id, basisInstanceId: id, actor: '赵文华' });
  const record = (await archivist.get(`/api/corrections/${c.id}`)).body;
  t.like(record, { statusLabel: '已更正', itemLabel: '参加工作时间', oldValue: cadre.work_start_date, newValue: proposed, currentValue: proposed, superiorReplyNo: '内组干审〔2026〕8号' });
  t.deepEqual(record.basis, [{ materialId: hiring.id, seqNo: hiring.seq_no }]);
  t.like(record.chief, { decision: 'approve', opinion: '同意按录用审批表认定，报部领导审批。', by: { name: '陈立新' } });
  t.like(record.authority, { decision: 'approve', by: { name: '赵文华' } });
  t.deepEqual(record.filedMaterial, { id: filed.id, seqNo: filed.seq_no });
  t.like(record.history, { field: 'work_start_date', oldValue: cadre.work_start_date, newValue: proposed });
  const vars = JSON.parse((await db('process_instances').where({ id }).first()).variables);
  t.is(vars.outcome, 'approved');
  t.true(!!(await db('history').where({ instance_id: id, element_id: 'corrected', event: 'end' }).first()));

  // No original material changed or removed: every row before is still there, unchanged, not superseded.
  t.deepEqual(await db('materials').where({ archive_id: cadre.archive_id }).whereNot({ id: filed.id }).orderBy('id'), before);
  t.is(await db('materials').whereIn('supersedes_material_id', before.map((m: any) => m.id)).first(), undefined);
});

test.serial('given a birth date recorded wrongly, the earliest material the cadre filled in decides: setting it aside without a reason is refused; with it as basis the correction goes through', async (t) => {
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false, skip: 1 });
  // Given: an old record whose birth date disagrees with the ID number and the early forms (历史数据).
  const right = cadre.birth_date;
  const wrong = `${right.slice(0, 8)}${right.slice(8) === '01' ? '02' : '01'}`;
  await db('cadres').where({ id: cadre.id }).update({ birth_date: wrong });
  const before = await catalogueOf(cadre.archive_id);
  const { archivist, res } = await open({ cadreId: cadre.id, item: 'birth_date', proposedValue: right, trigger: 'cadre_request', reason: '本人申请，称出生日期记载有误。' });
  t.is(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id;
  const ev = (await archivist.get(`/api/corrections/by-case/${id}`)).body.evidence;
  const selfFilled = ev.filter((e: any) => e.selfFilled);
  t.true(selfFilled.length >= 2);
  const earliest = selfFilled[0];
  t.true(earliest.defaultBasis);
  t.true(ev.every((e: any) => e.formedDate >= ev[0].formedDate));
  const later = selfFilled[selfFilled.length - 1];

  const refused = await completeAt(archivist, id, 'investigate', { basisMaterials: [later.seqNo], findings: '依据较晚的履历表。', proposedValue: right });
  t.is(refused.status, 422);
  t.is(refused.body.details.rule, 'birth_date_basis');
  t.is(refused.body.details.earliest.seqNo, earliest.seqNo);
  t.is((await correctionOf(id)).status, 'open');

  t.is((await completeAt(archivist, id, 'investigate', { basisMaterials: [earliest.seqNo, later.seqNo], findings: '经核对最早的本人填写材料和户口底账，出生日期应为身份证记载之日。', proposedValue: right })).status, 200);
  t.is((await completeAt(await sys.as('chief1'), id, 'chiefOpinion', approve())).status, 200);
  const leader = await sys.as('leader1');
  t.is((await completeAt(leader, id, 'authorityApproval', approve())).body.details.rule, 'superior_reply_required');
  t.is((await completeAt(leader, id, 'authorityApproval', { ...approve(), superiorReplyNo: '内组干审〔2026〕9号' })).status, 200);
  t.is((await db('cadres').where({ id: cadre.id }).first()).birth_date, right);
  const c = await correctionOf(id);
  const h = await db('cadre_field_history').where({ id: c.history_id }).first();
  t.like(h, { field: 'birth_date', old_value: wrong, new_value: right, basis_material_id: c.filed_material_id });
  t.deepEqual(await db('materials').where({ archive_id: cadre.archive_id }).whereNot({ id: c.filed_material_id }).orderBy('id'), before);
});

test.serial('a birth date may rest on other evidence when the reason to set the earliest material aside is written down', async (t) => {
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false, skip: 2 });
  const right = cadre.birth_date;
  await db('cadres').where({ id: cadre.id }).update({ birth_date: `${right.slice(0, 8)}${right.slice(8) === '01' ? '02' : '01'}` });
  const { archivist, res } = await open({ cadreId: cadre.id, item: 'birth_date', proposedValue: right });
  const ev = (await archivist.get(`/api/corrections/by-case/${res.body.id}`)).body.evidence;
  const other = ev.find((e: any) => !e.defaultBasis);
  const ok = await completeAt(archivist, res.body.id, 'investigate', { basisMaterials: [other.seqNo], findings: '最早材料有涂改痕迹。', proposedValue: right, setAsideReason: '最早的入团志愿书出生日期处有涂改，经鉴定不予采信，以户口底账为准。' });
  t.is(ok.status, 200);
  t.like(await correctionOf(res.body.id), { status: 'investigated', set_aside_reason: '最早的入团志愿书出生日期处有涂改，经鉴定不予采信，以户口底账为准。' });
});

test.serial('the chief’s 不予更正 ends the case: no approval asked, nothing filed, the cadre unchanged', async (t) => {
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false, skip: 3 });
  const before = await catalogueOf(cadre.archive_id);
  const resume = await firstIn(cadre.archive_id, '6', '入党志愿书');
  const proposed = `${cadre.party_join_date.slice(0, 4)}-${cadre.party_join_date.slice(5, 7) === '07' ? '06' : '07'}-01`;
  const { archivist, res } = await open({ cadreId: cadre.id, item: 'party_join_date', proposedValue: proposed });
  const id = res.body.id;
  t.is((await completeAt(archivist, id, 'investigate', { basisMaterials: [resume.seq_no], findings: '入党志愿书支部大会通过日期不清。', proposedValue: proposed })).status, 200);
  const done = await completeAt(await sys.as('chief1'), id, 'chiefOpinion', reject('证据不足，维持原记载。'));
  t.is(done.status, 200);
  t.is(done.body.instance.status, 'completed');
  t.like(await correctionOf(id), { status: 'rejected', rejected_stage: 'chief', chief_decision: 'reject', filed_material_id: null, authority_decision: null });
  t.deepEqual(await db('tasks').where({ instance_id: id }).orderBy('created_at').pluck('element_id'), ['investigate', 'chiefOpinion']);
  t.is((await db('cadres').where({ id: cadre.id }).first()).party_join_date, cadre.party_join_date);
  t.deepEqual(await catalogueOf(cadre.archive_id), before);
  t.is(JSON.parse((await db('process_instances').where({ id }).first()).variables).outcome, 'rejected');
  t.true(!!(await db('history').where({ instance_id: id, element_id: 'rejected', event: 'end' }).first()));
  t.is(await db('cadre_field_history').where({ cadre_id: cadre.id }).first(), undefined);
});

test.serial('the approving body’s 不批准 ends the case without a reply number; nothing filed', async (t) => {
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false, skip: 4 });
  const before = await catalogueOf(cadre.archive_id);
  const hiring = await firstIn(cadre.archive_id, '9-2', '录用审批表');
  const proposed = monthEarlier(cadre.work_start_date);
  const { archivist, res } = await open({ cadreId: cadre.id, item: 'work_start_date', proposedValue: proposed });
  const id = res.body.id;
  await completeAt(archivist, id, 'investigate', { basisMaterials: [hiring.seq_no], findings: '见录用审批表。', proposedValue: proposed });
  await completeAt(await sys.as('chief1'), id, 'chiefOpinion', approve());
  const done = await completeAt(await sys.as('leader1'), id, 'authorityApproval', reject('待上级批复后再议。'));
  t.is(done.status, 200, JSON.stringify(done.body));
  t.like(await correctionOf(id), { status: 'rejected', rejected_stage: 'authority', authority_decision: 'reject', superior_reply_no: null, filed_material_id: null });
  t.is((await db('cadres').where({ id: cadre.id }).first()).work_start_date, cadre.work_start_date);
  t.deepEqual(await catalogueOf(cadre.archive_id), before);
});

test.serial('a correction of 工作经历 (no structured field) files the 认定表 and changes no cadre field', async (t) => {
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false, skip: 5 });
  const before = await db('cadres').where({ id: cadre.id }).first();
  const resume = await firstIn(cadre.archive_id, '1');
  const { archivist, res } = await open({ cadreId: cadre.id, item: 'work_history', proposedValue: '2008.03—2010.06 乌海市人社局办公室科员' });
  const id = res.body.id;
  await completeAt(archivist, id, 'investigate', { basisMaterials: [resume.seq_no], findings: '核对任免审批表，补记该段经历。', proposedValue: '2008.03—2010.06 乌海市人社局办公室科员' });
  await completeAt(await sys.as('chief1'), id, 'chiefOpinion', approve());
  t.is((await completeAt(await sys.as('leader1'), id, 'authorityApproval', approve('同意。'))).status, 200);
  const c = await correctionOf(id);
  t.like(c, { status: 'approved', field: null, history_id: null });
  t.truthy(c.filed_material_id);
  t.deepEqual(await db('cadres').where({ id: cadre.id }).first(), before);
});

test.serial('a correction in an archive 已数字化 files its 认定表 without scans: the archive moves back to 部分数字化, the history names the 认定表, and 扫描质检 lists it', async (t) => {
  const db = sys.services.db;
  // Given: an archive marked 已数字化 (every material's scans passed when it was marked).
  const cadre = await plainCadre(sys, { digitised: false, skip: 6 });
  await db('archives').where({ id: cadre.archive_id }).update({ digital_status: 'done' });
  const right = cadre.birth_date;
  await db('cadres').where({ id: cadre.id }).update({ birth_date: `${right.slice(0, 8)}${right.slice(8) === '01' ? '02' : '01'}` });
  const { archivist, res } = await open({ cadreId: cadre.id, item: 'birth_date', proposedValue: right });
  t.is(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id;
  const earliest = (await archivist.get(`/api/corrections/by-case/${id}`)).body.evidence.find((e: any) => e.defaultBasis);
  t.is((await completeAt(archivist, id, 'investigate', { basisMaterials: [earliest.seqNo], findings: '以最早的本人填写材料为准。', proposedValue: right })).status, 200);
  t.is((await completeAt(await sys.as('chief1'), id, 'chiefOpinion', approve())).status, 200);
  // Still 已数字化 before the 认定表 is filed.
  t.is((await db('archives').where({ id: cadre.archive_id }).first()).digital_status, 'done');

  // When: the leader approves and the 认定表 is filed.
  const done = await completeAt(await sys.as('leader1'), id, 'authorityApproval', { ...approve(), superiorReplyNo: '内组干审〔2026〕12号' });
  t.is(done.status, 200, JSON.stringify(done.body));
  const c = await correctionOf(id);
  t.is(c.status, 'approved');

  // Then: the archive is 部分数字化, its history names the 认定表, the move is audited as automatic.
  t.is((await db('archives').where({ id: cadre.archive_id }).first()).digital_status, 'partial');
  const history = await db('archive_digital_history').where({ archive_id: cadre.archive_id }).orderBy('id');
  t.is(history.length, 1);
  t.like(history[0], { from_status: 'done', to_status: 'partial' });
  t.true(history[0].note.includes(`材料 ${c.filed_seq_no}（PAGE_COUNT`), history[0].note);
  const audit = await db('audit_log').where({ action: 'archive.digital_status', object_id: String(cadre.archive_id) }).orderBy('seq');
  t.is(audit.length, 1);
  t.like(JSON.parse(audit[0].detail), { from: 'done', to: 'partial', auto: true, materialId: c.filed_material_id, trigger: 'filing' });
  const view = await archivist.get(`/api/archives/${cadre.archive_id}`);
  t.like(view.body.digitalHistory.at(-1), { fromStatus: 'done', toStatus: 'partial', actorName: '赵文华' });

  // And 扫描质检 lists the 认定表 as failing (no page images yet).
  const failing = await archivist.get(`/api/scan-checks/failing?archiveId=${cadre.archive_id}`);
  t.is(failing.status, 200);
  t.deepEqual(failing.body.items.map((i: any) => i.materialId), [c.filed_material_id]);
  t.like(failing.body.items[0], { seqNo: c.filed_seq_no, title: '干部人事档案出生日期审核认定表', trigger: 'filing', pagesDeclared: 1, pagesScanned: 0 });
});

test.serial('a correction in an archive not digitised records no check and moves nothing', async (t) => {
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false, skip: 7 });
  const resume = await firstIn(cadre.archive_id, '1');
  const { archivist, res } = await open({ cadreId: cadre.id, item: 'work_history', proposedValue: '2009.01—2011.06 乌海市财政局科员' });
  const id = res.body.id;
  t.is(res.status, 201, JSON.stringify(res.body));
  const investigated = await completeAt(archivist, id, 'investigate', { basisMaterials: [resume.seq_no], findings: '核对任免审批表，补记该段经历。', proposedValue: '2009.01—2011.06 乌海市财政局科员' });
  t.is(investigated.status, 200, JSON.stringify(investigated.body));
  await completeAt(await sys.as('chief1'), id, 'chiefOpinion', approve());
  t.is((await completeAt(await sys.as('leader1'), id, 'authorityApproval', approve())).status, 200);
  t.is((await db('archives').where({ id: cadre.archive_id }).first()).digital_status, 'none');
  t.is((await db('scan_checks').where({ archive_id: cadre.archive_id })).length, 0);
  t.is((await db('archive_digital_history').where({ archive_id: cadre.archive_id })).length, 0);
});

test.serial('given a birth date the archive settles differently from the ID card, the 认定 stands: the case says the ID number differs, the cadre keeps the ruling, and the ID number is corrected later as its own item', async (t) => {
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false, skip: 8 });
  const idDate = cadre.birth_date;
  t.is(idNumberBirthDate(cadre.id_number), idDate, 'the demo cadre’s record agrees with its ID number');
  // The earliest forms show the cadre born a year earlier than the ID card says (a 户口 changed later).
  const settled = `${Number(idDate.slice(0, 4)) - 1}${idDate.slice(4) === '-02-29' ? '-02-28' : idDate.slice(4)}`;
  const { archivist, res } = await open({ cadreId: cadre.id, item: 'birth_date', proposedValue: settled, trigger: 'special_review', reason: '专项审核发现出生日期与早期材料不一致。' });
  t.is(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id;
  const opened = (await archivist.get(`/api/corrections/by-case/${id}`)).body;
  t.is(opened.idNumberBirthDate, idDate);
  const earliest = opened.evidence.find((e: any) => e.defaultBasis);
  t.is((await completeAt(archivist, id, 'investigate', { basisMaterials: [earliest.seqNo], findings: '最早的本人填写材料及户口底账均记载为早一年。', proposedValue: settled })).status, 200);
  t.is((await completeAt(await sys.as('chief1'), id, 'chiefOpinion', approve())).status, 200);
  t.is((await completeAt(await sys.as('leader1'), id, 'authorityApproval', { ...approve(), superiorReplyNo: '内组干审〔2026〕11号' })).status, 200);

  const c = await correctionOf(id);
  const after = await db('cadres').where({ id: cadre.id }).first();
  t.like(after, { birth_date: settled, id_number: cadre.id_number, birth_date_ruling: c.case_no });
  const filed = await db('materials').where({ id: c.filed_material_id }).first();
  t.regex(filed.remark, new RegExp(`与身份证号所载出生日期${idDate}不一致`));
  const shown = (await archivist.get(`/api/cadres/${cadre.id}`)).body;
  t.like(shown, { birthDate: settled, birthDateRuling: c.case_no, idNumberBirthDate: idDate });

  // A birth date changed otherwise than by 认定 loses the ruling, and must agree with the ID number again.
  const change = (value: string) => db.transaction((trx) => sys.services.archives.updateCadreField(trx, { cadreId: cadre.id, field: 'birth_date', value, basis: { document: '测试' }, actor: null }));
  const otherDate = `${Number(idDate.slice(0, 4)) - 2}${settled.slice(4)}`;
  const refused = await t.throwsAsync(change(otherDate));
  t.regex(refused!.message, /不一致/);
  t.is((await db('cadres').where({ id: cadre.id }).first()).birth_date_ruling, c.case_no);

  // The ID number: a number already another cadre's is refused; the cadre's new card (with the settled date) is taken.
  const someoneElse = await db('cadres').whereNot({ id: cadre.id }).where({ gender: after.gender }).first('id_number');
  const taken = await open({ cadreId: cadre.id, item: 'id_number', proposedValue: someoneElse.id_number });
  // Refused when the case is opened, without saying that the number is a cadre's (who may be outside the office's scope).
  t.deepEqual([taken.res.status, taken.res.body.details?.rule, taken.res.body.message], [422, 'id_number_unusable', '该身份证号不能使用 / This ID number cannot be used']);
  // The new card's number (its sequence picked so that the check character is X, typed here as x).
  const withDate = (date: string) => {
    for (let seq = 0; ; seq += 2) {
      const first17 = `${cadre.id_number.slice(0, 6)}${date.replaceAll('-', '')}${String(seq + (Number(cadre.id_number[16]) % 2)).padStart(3, '0')}`;
      if (idCheckDigit(first17) === 'X') return `${first17}X`;
    }
  };
  const newId = withDate(settled);
  // A number carrying yet another date is taken against the settled birth date, and the case says so (withdrawn here).
  const odd = await open({ cadreId: cadre.id, item: 'id_number', proposedValue: withDate(idDate) });
  t.is(odd.res.status, 201, JSON.stringify(odd.res.body));
  t.is((await archivist.get(`/api/corrections/by-case/${odd.res.body.id}`)).body.idNumberBirthDate, idDate);
  t.is((await archivist.post(`/api/process-instances/${odd.res.body.id}/withdraw`, { reason: '号码有误，撤回。' })).status, 200);
  const again = await open({ cadreId: cadre.id, item: 'id_number', proposedValue: newId.toLowerCase(), reason: '本人已换领身份证。' });
  t.is(again.res.status, 201, JSON.stringify(again.res.body));
  // Another cadre's correction cannot propose the number this open case proposes: refused when opened, not at the leader's 批准.
  const other = await plainCadre(sys, { digitised: false, skip: 9 });
  const second = await open({ cadreId: other.id, item: 'id_number', proposedValue: newId, reason: '号码录入有误。' });
  t.deepEqual([second.res.status, second.res.body.details?.rule, second.res.body.message], [422, 'id_number_unusable', '该身份证号不能使用 / This ID number cannot be used']);
  const ev = (await archivist.get(`/api/corrections/by-case/${again.res.body.id}`)).body;
  t.is(ev.idNumberBirthDate, null);
  t.true(ev.evidence.length > 0, 'the 履历表 records the ID number');
  t.is((await completeAt(archivist, again.res.body.id, 'investigate', { basisMaterials: [ev.evidence[0].seqNo], findings: '核对新身份证及户口簿。', proposedValue: newId })).status, 200);
  t.is((await completeAt(await sys.as('chief1'), again.res.body.id, 'chiefOpinion', approve())).status, 200);
  const approved = await completeAt(await sys.as('leader1'), again.res.body.id, 'authorityApproval', approve());
  t.is(approved.status, 200, JSON.stringify(approved.body));
  // The new number agrees with the settled date: the ruling is no longer needed, and ends.
  const final = (await archivist.get(`/api/cadres/${cadre.id}`)).body;
  t.like(final, { idNumber: newId, birthDate: settled, birthDateRuling: null, idNumberBirthDate: null });
  // So a later number carrying another date is refused again, as for any cadre.
  const third = await open({ cadreId: cadre.id, item: 'id_number', proposedValue: withDate(idDate) });
  t.is(third.res.status, 400, JSON.stringify(third.res.body));
});
