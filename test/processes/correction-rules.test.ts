// Every rule of a correction case broken once: 422 RULE_VIOLATION naming the rule (400 naming the
// field for a malformed value, 404 for a cadre out of scope), and nothing written. And who reads
// the records.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { approve, completeAt, taskAt } from '../helpers/workflow.ts';
import { cadreNamed, cadreOfUser } from '../archives/helpers.ts';
import { countOf, plainCadre } from './material-helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const written = () =>
  Promise.all([
    ...['process_instances', 'corrections', 'correction_evidence', 'tasks', 'sequences', 'materials', 'cadre_field_history'].map((x) => countOf(sys, x)),
    sys.services.db('audit_log').where('action', 'like', 'correction.%').count({ n: '*' }).then(([r]) => Number(r.n)),
  ]);

async function refused(t: any, as: string, variables: Record<string, unknown>, expect: { status: number; rule?: string; field?: string }) {
  const client = await sys.as(as);
  const before = await written();
  const res = await client.post('/api/process-instances', { processKey: 'correction', variables: { trigger: 'special_review', reason: '专项审核发现。', ...variables } });
  t.is(res.status, expect.status, JSON.stringify(res.body));
  if (expect.rule) t.is(res.body.details?.rule, expect.rule, JSON.stringify(res.body));
  if (expect.field) t.true(res.body.details.some((d: any) => d.field === expect.field), JSON.stringify(res.body.details));
  t.deepEqual(await written(), before);
  return res;
}

test.serial('opening: a cadre the office does not hold is not found; a 副本 is corrected by the holder of the 正本', async (t) => {
  const db = sys.services.db;
  const foreign = await db('archives as a').join('org_units as o', 'o.id', 'a.custodian_org_id').where('o.code', '150302-ZZB-DAS').first('a.cadre_id');
  const res = await refused(t, 'archivist1', { cadreId: foreign.cadre_id, item: 'name', proposedValue: '张三' }, { status: 404 });
  t.is(res.body.code, 'NOT_FOUND');
  const copy = await db('archives as a').join('org_units as o', 'o.id', 'a.custodian_org_id').where('o.code', '150300-ZZB-DAS').where('a.kind', 'copy').first('a.cadre_id');
  t.truthy(copy, 'the demo has 副本 of 省管 cadres');
  await refused(t, 'archivist1', { cadreId: copy.cadre_id, item: 'ethnicity', proposedValue: '蒙古族' }, { status: 422, rule: 'original_elsewhere' });
});

test.serial('opening: a value equal to the record, a malformed date, a date before the 14th birthday, an unknown 民族, unknown 序号, a second open case on the same item', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false });
  await refused(t, 'archivist1', { cadreId: cadre.id, item: 'work_start_date', proposedValue: cadre.work_start_date }, { status: 422, rule: 'no_change' });
  await refused(t, 'archivist1', { cadreId: cadre.id, item: 'work_start_date', proposedValue: '1990-13-01' }, { status: 400, field: 'proposedValue' });
  const tooEarly = `${Number(cadre.birth_date.slice(0, 4)) + 10}${cadre.birth_date.slice(4)}`;
  await refused(t, 'archivist1', { cadreId: cadre.id, item: 'work_start_date', proposedValue: tooEarly }, { status: 400, field: 'proposedValue' });
  const unknown = await refused(t, 'archivist1', { cadreId: cadre.id, item: 'ethnicity', proposedValue: '回族', recordedValues: [{ value: '汉族', seqNos: '1-1, 1-99' }] }, { status: 422, rule: 'evidence_material' });
  t.deepEqual(unknown.body.details.unknown, ['1-99']);
  await refused(t, 'archivist1', { cadreId: cadre.id, item: 'ethnicity', proposedValue: '回族', recordedValues: [{ value: '汉族', seqNos: '第一份' }] }, { status: 400, field: 'recordedValues[0].seqNos' });
  await refused(t, 'archivist1', { cadreId: cadre.id, item: 'salary', proposedValue: '1' }, { status: 400, field: 'item' });
  // 民族 is one of the 56 names of GB/T 3304, written in full.
  for (const name of ['火星族', '汉', 'Han']) {
    const bad = await refused(t, 'archivist1', { cadreId: cadre.id, item: 'ethnicity', proposedValue: name }, { status: 400, field: 'proposedValue' });
    t.regex(bad.body.details[0].message, /^须为 56 个民族的名称之一/);
  }
  // A name of words only, a 学历 without markup: an emoji, a tag, a line break are refused at the field.
  for (const [item, value] of [['name', '梁😀'], ['name', '梁\n伟'], ['education', '<b>博士</b>'], ['education', '大学\t本科']]) {
    const bad = await refused(t, 'archivist1', { cadreId: cadre.id, item, proposedValue: value }, { status: 400, field: 'proposedValue' });
    t.regex(bad.body.details[0].message, /^不得含有换行、尖括号、表情符号/);
  }
  // Who may not open a correction is told who may, in both languages.
  const producer = await refused(t, 'producer1', { cadreId: cadre.id, item: 'ethnicity', proposedValue: '回族' }, { status: 403 });
  t.is(producer.body.message, '只有档案管理员可以发起“干部人事档案信息更正（审核认定）” / Only an archivist may start “干部人事档案信息更正（审核认定）”');
  await refused(t, 'chief1', { cadreId: cadre.id, item: 'ethnicity', proposedValue: '回族' }, { status: 403 });

  const first = await (await sys.as('archivist1')).post('/api/process-instances', { processKey: 'correction', variables: { cadreId: cadre.id, item: 'ethnicity', proposedValue: '回族', trigger: 'special_review', reason: '专项审核发现。' } });
  t.is(first.status, 201);
  await refused(t, 'archivist1', { cadreId: cadre.id, item: 'ethnicity', proposedValue: '满族' }, { status: 422, rule: 'correction_open' });
  // Another item of the same cadre may run at the same time.
  const other = await (await sys.as('archivist1')).post('/api/process-instances', { processKey: 'correction', variables: { cadreId: cadre.id, item: 'native_place', proposedValue: '内蒙古包头', trigger: 'special_review', reason: '专项审核发现。' } });
  t.is(other.status, 201);
});

test.serial('investigation: basis materials must be in the catalogue; the value must still differ from the record', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false, skip: 1 });
  const archivist = await sys.as('archivist1');
  const res = await archivist.post('/api/process-instances', { processKey: 'correction', variables: { cadreId: cadre.id, item: 'ethnicity', proposedValue: '回族', trigger: 'special_review', reason: '专项审核发现。' } });
  const id = res.body.id;
  const bad = await completeAt(archivist, id, 'investigate', { basisMaterials: ['1-1', '7-77'], findings: '见材料。', proposedValue: '回族' });
  t.is(bad.status, 422);
  t.is(bad.body.details.rule, 'basis_material');
  t.deepEqual(bad.body.details.unknown, ['7-77']);
  const same = await completeAt(archivist, id, 'investigate', { basisMaterials: ['1-1'], findings: '见材料。', proposedValue: (await sys.services.db('cadres').where({ id: cadre.id }).first()).ethnicity });
  t.is(same.body.details.rule, 'no_change');
  const empty = await completeAt(archivist, id, 'investigate', { basisMaterials: [], findings: '见材料。', proposedValue: '回族' });
  t.is(empty.status, 400);
  t.is((await sys.services.db('corrections').where({ instance_id: id }).first()).status, 'open');
});

test.serial('规避: nobody opens a correction of their own archive; the chief gives no opinion on her brother’s', async (t) => {
  const { cadre: own } = await cadreOfUser(sys, 'archivist1');
  // Answered as a cadre that does not exist (start-avoidance.test.ts): the refusal tells nothing.
  const ownRes = await refused(t, 'archivist1', { cadreId: own.id, item: 'ethnicity', proposedValue: '回族' }, { status: 404 });
  t.is(ownRes.body.code, 'NOT_FOUND');
  const { cadre: brother } = await cadreNamed(sys, '陈立军');
  const archivist = await sys.as('archivist1');
  const res = await archivist.post('/api/process-instances', { processKey: 'correction', variables: { cadreId: brother.id, item: 'native_place', proposedValue: '内蒙古包头', trigger: 'special_review', reason: '专项审核发现。' } });
  t.is(res.status, 201, JSON.stringify(res.body));
  const first = await sys.services.db('materials as m').join('archives as a', 'a.id', 'm.archive_id').where('a.cadre_id', brother.id).where('m.category_code', '1').first('m.seq_no');
  t.is((await completeAt(archivist, res.body.id, 'investigate', { basisMaterials: [first.seq_no], findings: '见履历表。', proposedValue: '内蒙古包头' })).status, 200);
  // The chief is not offered the opinion on her brother's case; by id it answers like an absent task.
  const chief = await sys.as('chief1');
  t.falsy(await taskAt(chief, res.body.id, 'chiefOpinion'));
  const task = await sys.services.db('tasks').where({ instance_id: res.body.id, element_id: 'chiefOpinion', status: 'open' }).first();
  const byId = await chief.post(`/api/tasks/${task.id}/complete`, { variables: approve() });
  t.is(byId.status, 404);
  t.is(JSON.parse((await sys.services.db('audit_log').where({ action: 'task.complete', object_id: task.id, outcome: 'denied' }).first()).detail).reason, 'relative');
  t.is((await sys.services.db('corrections').where({ instance_id: res.body.id }).first()).chief_decision, null);
});

test.serial('the records: the office and its leaders read them; another office, a producer and out-of-scope ids get nothing', async (t) => {
  const archivist = await sys.as('archivist1');
  const list = await archivist.get('/api/corrections');
  t.is(list.status, 200);
  t.true(list.body.total >= 3);
  const one = list.body.items[0];
  t.is((await archivist.get(`/api/corrections/${one.id}`)).status, 200);
  t.true(!!(await sys.services.db('audit_log').where({ action: 'correction.view', object_id: String(one.id) }).first()));
  t.is((await (await sys.as('leader1')).get(`/api/corrections/${one.id}`)).status, 200);
  const receiver = await sys.as('receiver1');
  t.deepEqual((await receiver.get('/api/corrections')).body.total, 0);
  t.is((await receiver.get(`/api/corrections/${one.id}`)).status, 404);
  t.is((await receiver.get(`/api/corrections/by-case/${one.instanceId}`)).status, 404);
  t.is((await (await sys.as('producer1')).get('/api/corrections')).status, 403);
  t.is((await archivist.get('/api/corrections/999999')).status, 404);
  t.true(!!(await sys.services.db('audit_log').where({ action: 'correction.view_denied' }).first()));
  const filtered = await archivist.get('/api/corrections?item=ethnicity&status=open');
  t.true(filtered.body.items.every((i: any) => i.item === 'ethnicity' && i.status === 'open'));
});

test.serial('a correction withdrawn before anyone decided no longer blocks a new case on the same item', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false, skip: 2 });
  const archivist = await sys.as('archivist1');
  const variables = { cadreId: cadre.id, item: 'ethnicity', proposedValue: '回族', trigger: 'special_review', reason: '专项审核发现。' };
  const first = await archivist.post('/api/process-instances', { processKey: 'correction', variables });
  t.is(first.status, 201);
  t.is((await archivist.post('/api/process-instances', { processKey: 'correction', variables })).body.details?.rule, 'correction_open');
  t.is((await archivist.post(`/api/process-instances/${first.body.id}/withdraw`, { reason: '立案有误，撤回。' })).status, 200);
  t.is((await sys.services.db('corrections').where({ instance_id: first.body.id }).first()).status, 'withdrawn');
  t.is((await archivist.post('/api/process-instances', { processKey: 'correction', variables })).status, 201);
});
