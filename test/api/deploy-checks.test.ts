// Deploying over HTTP, the refusals an exploratory test found wanting: a form that no longer
// supplies what a gateway reads (or offers the value it compares with), a step's form that would
// overwrite what the case is about, the way back to an earlier version with its forms, bilingual
// answers for bpmnlint's findings, parser problems and size limits, and the base/key checks.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { fileConsultation } from '../helpers/cases.ts';
import { approve, taskAt } from '../helpers/workflow.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

async function latest(key: string) {
  const admin = await sys.as('procadmin');
  const list = (await admin.get('/api/admin/processes')).body as any[];
  const p = list.find((x) => x.key === key);
  return (await admin.get(`/api/admin/processes/${key}/versions/${p.latestVersion}`)).body;
}
const deployments = async () => Number((await sys.services.db('process_deployments').count({ n: '*' }).first())!.n);
const withoutDecision = (form: any) => ({ ...form, components: form.components.filter((c: any) => c.key !== 'decision') });

test.serial('a form without the field a gateway reads, or without the option it compares with, is refused at the gateway, naming both; validate says so too', async (t) => {
  const admin = await sys.as('procadmin');
  const cur = await latest('borrowing');
  const n = await deployments();
  const body = { xml: cur.xml, processKey: 'borrowing', baseVersion: cur.version, note: '删去审批意见' };

  const gone = await admin.post('/api/admin/deployments', { ...body, forms: { approval: withoutDecision(cur.forms.approval) } });
  t.is(gone.status, 422, JSON.stringify(gone.body));
  t.is(gone.body.code, 'BPMN_INVALID');
  const atUnitHead = gone.body.details.find((f: any) => f.elementId === 'unitHeadApproves');
  t.truthy(atUnitHead, JSON.stringify(gone.body.details));
  t.is(atUnitHead.rule, 'variables-supplied');
  t.regex(atUnitHead.message, /读取变量“decision”.*approval（单位负责人审核（unitHeadReview））.* \/ The condition reads "decision"/);

  const checked = await admin.post('/api/admin/processes/validate', { xml: cur.xml, forms: { approval: withoutDecision(cur.forms.approval) } });
  t.is(checked.status, 200);
  t.false(checked.body.ok);
  t.true(checked.body.errors.some((f: any) => f.rule === 'variables-supplied' && f.elementId === 'unitHeadApproves'));

  const renamed = JSON.parse(JSON.stringify(cur.forms.approval).replace('"value":"approve"', '"value":"yes"'));
  const yes = await admin.post('/api/admin/deployments', { ...body, note: '选项改名', forms: { approval: renamed } });
  t.is(yes.status, 422, JSON.stringify(yes.body));
  t.true(yes.body.details.some((f: any) => f.elementId === 'unitHeadApproves' && /把“decision”与“approve”比较.*只提供 yes、reject/.test(f.message)));
  t.is(await deployments(), n, 'nothing was deployed');
});

test.serial('以此版本重新部署: an earlier version comes back with its own forms, after the XML alone could not bring it back', async (t) => {
  const admin = await sys.as('procadmin');
  const v1 = await latest('borrowing');
  const edited = { ...v1.forms.approval, components: [...v1.forms.approval.components, { type: 'textfield', key: 'reviewNo', label: '审核编号', validate: { maxLength: 20 } }] };
  const dep = await admin.post('/api/admin/deployments', { xml: v1.xml, processKey: 'borrowing', baseVersion: v1.version, note: '加审核编号', forms: { approval: edited } });
  t.is(dep.status, 201, JSON.stringify(dep.body));
  // The old XML alone keeps the edited form: nothing changes.
  const same = await admin.post('/api/admin/deployments', { xml: v1.xml, processKey: 'borrowing', baseVersion: dep.body.version, note: '撤回', forms: {} });
  t.is(same.body.code, 'NO_CHANGES');

  const back = await admin.post(`/api/admin/processes/borrowing/versions/${v1.version}/restore`, { note: '恢复第一版表单' });
  t.is(back.status, 201, JSON.stringify(back.body));
  t.like(back.body, { outcome: 'deployed', key: 'borrowing', version: dep.body.version + 1 });
  const now = await latest('borrowing');
  t.deepEqual(now.forms.approval, v1.forms.approval);
  t.is(now.xml, v1.xml);
  t.is(now.note, '恢复第一版表单');
  const again = await admin.post(`/api/admin/processes/borrowing/versions/${now.version}/restore`, { note: '再来一次' });
  t.is(again.body.code, 'NO_CHANGES');
  t.is((await admin.post('/api/admin/processes/borrowing/versions/999/restore', { note: '不存在' })).status, 404);
  t.is((await (await sys.as('archivist1')).post(`/api/admin/processes/borrowing/versions/${v1.version}/restore`, { note: '无权' })).status, 403);
});

test.serial('a step\'s form may not carry what the case is about (cadreId …); a completion may not set it either', async (t) => {
  const admin = await sys.as('procadmin');
  const cur = await latest('borrowing');
  const approval = cur.forms.approval;
  const withIds = { ...approval, components: [...approval.components, { type: 'number', key: 'cadreId', label: '干部' }, { type: 'number', key: 'archiveId', label: '档案' }] };
  const res = await admin.post('/api/admin/deployments', { xml: cur.xml, processKey: 'borrowing', baseVersion: cur.version, note: '加字段', forms: { approval: withIds } });
  t.is(res.status, 422, JSON.stringify(res.body));
  const reserved = res.body.details.filter((f: any) => f.rule === 'reserved-variables');
  t.true(reserved.some((f: any) => f.elementId === 'unitHeadReview' && /表单 approval 有字段“cadreId”/.test(f.message) && /Form approval has a field "cadreId"/.test(f.message)));
  t.true(reserved.some((f: any) => /“archiveId”/.test(f.message)));

  // A version stored before this check (its approval form with cadreId): the completion is still refused.
  const id = await fileConsultation(sys, 'applicant1', '拟提拔考察，需查阅干部档案。');
  const inst = await sys.services.db('process_instances').where({ id }).first();
  const cadreBefore = JSON.parse(inst.variables).cadreId;
  t.true(Number.isInteger(cadreBefore) && cadreBefore !== 15);
  await sys.services.db('deployment_forms').where({ deployment_id: inst.deployment_id, form_key: 'approval' }).update({ schema: JSON.stringify(withIds) });
  (sys.services.engine.definitions as any).cache.clear();
  const head = await sys.as('unithead1');
  const task = await taskAt(head, id, 'unitHeadReview');
  const done = await head.post(`/api/tasks/${task.id}/complete`, { variables: { ...approve(), cadreId: 15 } });
  t.is(done.status, 400, JSON.stringify(done.body));
  t.like(done.body.details[0], { field: 'cadreId' });
  t.regex(done.body.details[0].message, /案件发起时已确定/);
  const vars = JSON.parse((await sys.services.db('process_instances').where({ id }).first()).variables);
  t.not(vars.cadreId, 15);
  t.is(vars.cadreId, cadreBefore, 'the case still concerns the cadre it was started for');
  await sys.services.db('deployment_forms').where({ deployment_id: inst.deployment_id, form_key: 'approval' }).update({ schema: JSON.stringify(approval) });
  (sys.services.engine.definitions as any).cache.clear();
});

test.serial('refusals speak Chinese and English: bpmnlint\'s findings, no process, parser problems, a changed id with old shapes, the forms limits', async (t) => {
  const admin = await sys.as('procadmin');
  const cur = await latest('borrowing');
  const body = { processKey: 'borrowing', baseVersion: cur.version, note: '试一试', forms: {} };

  const noShape = cur.xml.replace(/<bpmndi:BPMNShape id="[^"]*" bpmnElement="unitHeadReview"[\s\S]*?<\/bpmndi:BPMNShape>/, '');
  const shape = await admin.post('/api/admin/deployments', { ...body, xml: noShape });
  t.is(shape.status, 422);
  t.true(shape.body.details.some((f: any) => f.rule === 'no-bpmndi' && f.message.startsWith('元素缺少图形（请在图上绘制） / The element has no shape in the diagram')), JSON.stringify(shape.body.details));

  const empty = await admin.post('/api/admin/deployments', { ...body, xml: '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"/>' });
  t.is(empty.status, 422);
  t.deepEqual(empty.body.details.map((f: any) => f.message), ['图中没有流程（bpmn:process） / The diagram has no process (bpmn:process)']);

  const doctype = await admin.post('/api/admin/processes/validate', { xml: cur.xml.replace('<bpmn:definitions', '<!DOCTYPE x [ <!ENTITY e "y"> ]>\n<bpmn:definitions'), forms: {} });
  const parse = doctype.body.errors.filter((f: any) => f.rule === 'parse');
  t.true(parse.length >= 1);
  t.true(parse.every((f: any) => /^无法解析 BPMN：.* \/ Cannot parse the BPMN/.test(f.message) && !/\n/.test(f.message)));

  const moved = await admin.post('/api/admin/deployments', { ...body, xml: cur.xml.replace('<bpmn:process id="borrowing"', '<bpmn:process id="borrowing2"') });
  t.is(moved.status, 422);
  t.like(moved.body.details, { rule: 'process-key-changed', expected: 'borrowing', found: 'borrowing2' });

  const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, { type: 'default', components: [] }]));
  const tooMany = await admin.post('/api/admin/deployments', { ...body, xml: cur.xml, forms: many });
  t.is(tooMany.status, 400);
  t.regex(tooMany.body.details[0].message, /^一次最多提交 50 个表单 \/ At most 50 forms/);
  const big = { approval: { ...cur.forms.approval, components: [...cur.forms.approval.components, { type: 'text', text: '说明'.repeat(100_000) }] } };
  const tooBig = await admin.post('/api/admin/deployments', { ...body, xml: cur.xml, forms: big });
  t.is(tooBig.status, 400);
  t.regex(tooBig.body.details[0].message, /^表单合计不得超过 200,000 字符 \/ The forms may not exceed/);
});

test.serial('base and key: an unknown base version 422, an unknown process 404, a key differing only in case 409, the name bounded, the body limit matches the diagram limit', async (t) => {
  const admin = await sys.as('procadmin');
  const cur = await latest('borrowing');
  const body = { xml: cur.xml.replace('name="查阅/借阅干部人事档案"', 'name="查阅/借阅干部人事档案（修订）"'), processKey: 'borrowing', baseVersion: cur.version, note: '改名', forms: {} };
  const n = await deployments();

  const future = await admin.post('/api/admin/deployments', { ...body, baseVersion: 99 });
  t.is(future.status, 422, JSON.stringify(future.body));
  t.like(future.body.details, { rule: 'base-version', latestVersion: cur.version });
  t.regex(future.body.message, /没有第 99 版.* \/ Process "borrowing" has no version 99/);

  const nope = await admin.post('/api/admin/deployments', { ...body, processKey: 'nope' });
  t.is(nope.status, 404, JSON.stringify(nope.body));
  t.regex(nope.body.message, /流程“nope”不存在.* \/ There is no process "nope"/);

  const upper = cur.xml.replaceAll('"borrowing"', '"Borrowing"').replace('name="查阅/借阅干部人事档案"', 'name="另一个借阅"');
  const dup = await admin.post('/api/admin/deployments', { ...body, xml: upper, processKey: null, baseVersion: null });
  t.is(dup.status, 409, JSON.stringify(dup.body));
  t.is(dup.body.code, 'PROCESS_EXISTS');
  t.like(dup.body.details, { existing: 'borrowing' });
  const direct = await admin.post('/api/process-definitions', { xml: upper, note: '直接部署' });
  t.is(direct.status, 409, JSON.stringify(direct.body));

  for (const name of ['', '借'.repeat(3000)]) {
    const r = await admin.post('/api/admin/deployments', { ...body, xml: cur.xml.replace('name="查阅/借阅干部人事档案"', `name="${name}"`) });
    t.is(r.status, 422, name.slice(0, 5));
    t.true(r.body.details.some((f: any) => f.rule === 'process-name'), JSON.stringify(r.body.details));
  }

  // A 290 kB diagram is read and checked (no 413); past the limit: the diagram limit in words, then 413.
  const pad = (bytes: number) => body.xml.replace('</bpmn:definitions>', `<!-- ${'x'.repeat(bytes - body.xml.length - 20)} -->\n</bpmn:definitions>`);
  const large = await admin.post('/api/admin/deployments', { ...body, xml: pad(290_000) });
  t.not(large.status, 413);
  t.is(large.status, 201, JSON.stringify(large.body).slice(0, 300));
  const over = await admin.post('/api/admin/processes/validate', { xml: pad(310_000), forms: {} });
  t.is(over.status, 400);
  t.regex(over.body.details[0].message, /^流程图不得超过 300 KB（约 550 个环节）\/ The diagram may not exceed 300 kB/);
  const huge = await admin.post('/api/admin/processes/validate', { xml: pad(1_100_000), forms: {} });
  t.is(huge.status, 413);
  t.is(huge.body.message, '请求内容过大，上限为 1 MB / Request body too large: at most 1 MB', 'the answer names the limit');
  t.is(await deployments(), n + 1);
});
