// Process administration over HTTP: versions with change notes, forms versioned with the process,
// refusals (invalid diagrams and forms, stale bases, unchanged edits, changed keys), the diff, and
// who may do any of it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import { fixture } from '../../test/helpers/fixtures.ts';
import { copyVariables, demoCadre, fileConsultation } from '../../test/helpers/cases.ts';
import { approve, taskAt } from '../../test/helpers/workflow.ts';
import { insertStepBeforeFirstTask } from '../../test/helpers/bpmn-edit.ts';
import { asAdmin } from '../../test/helpers/notify.ts';
import { processesDir } from '../services.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const deployments = async () => (await sys.services.db('process_deployments').count({ n: '*' }).first())!.n;

async function latest(key: string) {
  const admin = await sys.as('procadmin');
  const list = (await admin.get('/api/admin/processes')).body as any[];
  const p = list.find((x) => x.key === key);
  const v = await admin.get(`/api/admin/processes/${key}/versions/${p.latestVersion}`);
  return v.body;
}

/** The approval form with one more required field. */
function approvalWithReviewNo(form: any) {
  return {
    ...form,
    components: [...form.components, { type: 'textfield', key: 'reviewNo', label: '审核编号', validate: { required: true, maxLength: 20 } }],
  };
}

test.serial('an edit deploys as a new version with its note; the list says who, when, why and how many cases run on each', async (t) => {
  const admin = await sys.as('procadmin');
  const v1 = await latest('borrowing');
  const before = await fileConsultation(sys, 'applicant1', '拟提拔考察，需查阅干部档案。');

  const { xml } = await insertStepBeforeFirstTask(v1.xml, { id: 'leaderCheck', name: '分管领导审核', role: 'auth_leader' });
  const res = await admin.post('/api/admin/deployments', { xml, processKey: 'borrowing', baseVersion: v1.version, note: '增加分管领导审核环节', forms: {} });
  t.is(res.status, 201, JSON.stringify(res.body));
  t.like(res.body, { outcome: 'deployed', key: 'borrowing', version: v1.version + 1, proposalId: null });

  const list = (await admin.get('/api/admin/processes')).body as any[];
  const p = list.find((x) => x.key === 'borrowing');
  t.is(p.latestVersion, v1.version + 1);
  t.like(p.versions[0], { version: v1.version + 1, deployedByName: '吴国平', note: '增加分管领导审核环节', sha256: sha(xml) });
  t.is(p.versions[1].counts.running, 1, 'the case started before stays on the old version');
  t.is(p.versions[0].counts.running, 0);

  const audit = await sys.services.db('audit_log').where({ action: 'process.deploy', actor: 'procadmin' }).orderBy('seq', 'desc').first();
  t.like(JSON.parse(audit.detail), { key: 'borrowing', version: v1.version + 1, sha256: sha(xml) });

  // The old case still runs on its version; a new one passes the new step first.
  t.is((await sys.services.db('process_instances').where({ id: before }).first()).version, v1.version);
  const after = await fileConsultation(sys, 'applicant2', '职称评聘需要核对学历学位材料。');
  const inst = await sys.services.db('process_instances').where({ id: after }).first();
  t.is(inst.version, v1.version + 1);
  t.deepEqual(JSON.parse(inst.active_elements), ['leaderCheck']);
  const leader = await sys.as('leader1');
  const task = await taskAt(leader, after, 'leaderCheck');
  t.truthy(task, 'the holder of the new role is offered the new step');
  t.is((await leader.post(`/api/tasks/${task.id}/complete`, { variables: approve() })).status, 200);
});

test.serial('refused: no note, a stale base, nothing changed, a changed process id, an existing key for a new process', async (t) => {
  const admin = await sys.as('procadmin');
  const cur = await latest('borrowing');
  const n = await deployments();
  const body = { xml: cur.xml.replace('name="查阅/借阅干部人事档案"', 'name="查阅/借阅干部人事档案（修订）"'), processKey: 'borrowing', baseVersion: cur.version, forms: {} };

  const noNote = await admin.post('/api/admin/deployments', { ...body, note: ' ' });
  t.is(noNote.status, 400);
  const stale = await admin.post('/api/admin/deployments', { ...body, baseVersion: cur.version - 1, note: '改名' });
  t.is(stale.status, 409);
  t.is(stale.body.code, 'VERSION_CONFLICT');
  t.is(stale.body.details.latestVersion, cur.version);
  const same = await admin.post('/api/admin/deployments', { ...body, xml: cur.xml, note: '没有改动' });
  t.is(same.status, 409);
  t.is(same.body.code, 'NO_CHANGES');
  const renamed = await admin.post('/api/admin/deployments', { ...body, xml: body.xml.replace('id="borrowing"', 'id="borrowing2"').replace('bpmnElement="borrowing"', 'bpmnElement="borrowing2"'), note: '改标识' });
  t.is(renamed.status, 422);
  t.is(renamed.body.details.rule, 'process-key-changed');
  const taken = await admin.post('/api/admin/deployments', { ...body, processKey: null, baseVersion: null, note: '新流程' });
  t.is(taken.status, 409);
  t.is(taken.body.code, 'PROCESS_EXISTS');
  t.is(await deployments(), n, 'nothing was deployed');
});

test.serial('an invalid diagram is refused with every finding; validating changes nothing', async (t) => {
  const admin = await sys.as('procadmin');
  const n = await deployments();
  const xml = fixture('lint/unassigned.bpmn');
  const checked = await admin.post('/api/admin/processes/validate', { xml, forms: {} });
  t.is(checked.status, 200);
  t.false(checked.body.ok);
  t.true(checked.body.errors.some((e: any) => e.rule === 'dangan/user-task-assignment' && e.elementId));
  const res = await admin.post('/api/admin/deployments', { xml, processKey: null, baseVersion: null, note: '测试', forms: {} });
  t.is(res.status, 422);
  t.is(res.body.code, 'BPMN_INVALID');
  t.deepEqual(
    res.body.details.map((d: any) => d.rule).sort(),
    checked.body.errors.map((d: any) => d.rule).sort(),
    'deploy and validate report the same findings',
  );
  const script = await admin.post('/api/admin/processes/validate', { xml: fixture('evil-script.bpmn'), forms: {} });
  t.true(script.body.errors.some((e: any) => e.rule === 'dangan/no-script'));
  t.is(await deployments(), n);
});

test.serial('a fixed assignee must be an enabled business user: a 三员, an unknown id, a name or a disabled account is refused at validate and deploy', async (t) => {
  const admin = await sys.as('procadmin');
  const cur = await latest('borrowing');
  const db = sys.services.db;
  const id = async (username: string) => (await db('users').where({ username }).first()).id as number;
  const archivist = await id('archivist1');
  const withAssignee = (a: string) => cur.xml.replace('camunda:candidateGroups="unit_head"', `camunda:assignee="${a}"`);
  const n = await deployments();
  await db('users').insert({ ...(await db('users').where({ id: archivist }).first()), id: undefined, username: 'gone1', cadre_id: null, disabled: true });
  const gone = await id('gone1');
  await db('user_roles').insert({ user_id: gone, role: 'archivist' });
  try {
    for (const bad of [String(await id('sysadmin')), String(await id('procadmin')), '99999', 'zhangsan', String(gone)]) {
      const checked = await admin.post('/api/admin/processes/validate', { xml: withAssignee(bad), forms: {} });
      t.false(checked.body.ok, bad);
      t.true(checked.body.errors.some((e: any) => e.rule === 'dangan/user-task-assignment' && e.elementId === 'unitHeadReview' && e.message.includes(bad)), bad);
      const res = await admin.post('/api/admin/deployments', { xml: withAssignee(bad), processKey: 'borrowing', baseVersion: cur.version, note: '指定办理人', forms: {} });
      t.is(res.status, 422, bad);
      t.is(res.body.code, 'BPMN_INVALID', bad);
    }
    t.is(await deployments(), n, 'nothing was deployed');
    const ok = await admin.post('/api/admin/processes/validate', { xml: withAssignee(String(archivist)), forms: {} });
    t.false(ok.body.errors.some((e: any) => e.rule === 'dangan/user-task-assignment'), JSON.stringify(ok.body.errors));
    const feel = await admin.post('/api/admin/processes/validate', { xml: withAssignee('=initiator'), forms: {} });
    t.false(feel.body.errors.some((e: any) => e.rule === 'dangan/user-task-assignment'), 'a FEEL assignee is judged when the case runs');
    // The modeler checks with the same list, from the lint context.
    const ctx = (await admin.get('/api/admin/lint-context')).body;
    t.true(ctx.assignees.includes(archivist));
    t.false(ctx.assignees.includes(gone));
    t.false(ctx.assignees.includes(await id('sysadmin')));
  } finally {
    await db('user_roles').where({ user_id: gone }).delete();
    await db('users').where({ id: gone }).delete();
  }
});

test.serial('forms are versioned with the process: a case keeps the form of its version', async (t) => {
  const admin = await sys.as('procadmin');
  const cur = await latest('borrowing');
  const old = await fileConsultation(sys, 'applicant1', '巡察工作需要了解干部基本情况。');
  const approval = cur.forms.approval;
  t.truthy(approval, 'the version carries the forms it names');
  const edited = approvalWithReviewNo(approval);
  const xml = cur.xml.replace('name="查阅/借阅干部人事档案"', 'name="查阅/借阅干部人事档案"');
  const res = await admin.post('/api/admin/deployments', { xml, processKey: 'borrowing', baseVersion: cur.version, note: '审批表增加审核编号', forms: { approval: edited } });
  t.is(res.status, 201, JSON.stringify(res.body));
  const fresh = await fileConsultation(sys, 'applicant1', '发展党员政治审查，需查阅政审材料。');

  // Whoever does the first step of each case sees the form of the case's own version.
  const firstStep = async (id: string) => {
    const inst = await sys.services.db('process_instances').where({ id }).first();
    const elementId = JSON.parse(inst.active_elements)[0];
    for (const u of ['leader1', 'unithead1']) {
      const c = await sys.as(u);
      const task = await taskAt(c, id, elementId);
      if (task) return { c, task };
    }
    throw new Error('nobody has the task');
  };
  const a = await firstStep(old);
  const b = await firstStep(fresh);
  const keys = async (x: any) => (await x.c.get(`/api/tasks/${x.task.id}`)).body.form.components.map((c: any) => c.key);
  t.false((await keys(a)).includes('reviewNo'));
  t.true((await keys(b)).includes('reviewNo'));

  t.is((await a.c.post(`/api/tasks/${a.task.id}/complete`, { variables: approve() })).status, 200, 'the old case completes with its old form');
  const missing = await b.c.post(`/api/tasks/${b.task.id}/complete`, { variables: approve() });
  t.is(missing.status, 400);
  t.true(missing.body.details.some((d: any) => d.field === 'reviewNo'));
  const extra = await a.c.get(`/api/forms/approval?instanceId=${old}`);
  t.false(extra.body.components.some((c: any) => c.key === 'reviewNo'));
  t.is((await b.c.post(`/api/tasks/${b.task.id}/complete`, { variables: { ...approve(), reviewNo: 'SH-001' } })).status, 200);

  // The version list carries the edited form; the next edit keeps it without sending it again.
  const now = await latest('borrowing');
  t.true(now.forms.approval.components.some((c: any) => c.key === 'reviewNo'));
  const again = await admin.post('/api/admin/deployments', {
    xml: now.xml.replace('name="查阅/借阅干部人事档案"', 'name="查阅、借阅干部人事档案"'),
    processKey: 'borrowing',
    baseVersion: now.version,
    note: '改名',
    forms: {},
  });
  t.is(again.status, 201);
  t.true((await latest('borrowing')).forms.approval.components.some((c: any) => c.key === 'reviewNo'));
});

test.serial("a restart, or an upgrade with a changed shipped diagram, never replaces the administrator's version", async (t) => {
  const cur = await latest('borrowing');
  t.is(cur.deployedByName, '吴国平', 'the latest version is the administrator\'s');
  const count = await deployments();
  await sys.restart();
  const after = await latest('borrowing');
  t.is(after.version, cur.version, 'the latest is still the version the administrator deployed');
  t.true(after.forms.approval.components.some((c: any) => c.key === 'reviewNo'), 'with its edited form');
  t.is(await deployments(), count, 'the start-up stored no version');
  const id = await fileConsultation(sys, 'applicant2', '干部调动需要核对任免材料。');
  t.is((await sys.services.db('process_instances').where({ id }).first()).version, cur.version);

  // An upgrade brings a changed borrowing.bpmn: held back (reported), nothing stored; for a key
  // nobody edited, the changed file is the new version as before.
  const shipped = (key: string) => fs.readFileSync(path.join(processesDir, `${key}.bpmn`), 'utf8');
  const defs = sys.services.engine.definitions;
  const note = '随系统安装部署 / shipped with Dangan';
  const same = await defs.deploy(sys.services.db, shipped('borrowing'), null, note, { shipped: true });
  t.like(same, { created: false, held: false });
  t.is(same.deployment.version, cur.version);
  const changed = await defs.deploy(sys.services.db, shipped('borrowing').replace('</bpmn:definitions>', '<!-- 2.0 -->\n</bpmn:definitions>'), null, note, { shipped: true });
  t.like(changed, { created: false, held: true });
  t.is(changed.deployment.version, cur.version);
  t.is(await deployments(), count);
  const other = await defs.deploy(sys.services.db, shipped('copy-request').replace('</bpmn:definitions>', '<!-- 2.0 -->\n</bpmn:definitions>'), null, note, { shipped: true });
  t.true(other.created, 'a process no administrator edited takes the new shipped version');
});

test.serial('an edited form that uses what Dangan cannot show or check is refused with each finding', async (t) => {
  const admin = await sys.as('procadmin');
  const cur = await latest('borrowing');
  const n = await deployments();
  const bad = {
    type: 'default',
    components: [
      { type: 'filepicker', key: 'scan', label: '扫描件' },
      { type: 'html', content: '<script>alert(1)</script>' },
      { type: 'select', key: 'level', label: '级别', valuesKey: 'levels' },
      { type: 'textfield', key: 'initiator', label: '发起人' },
      { type: 'textfield', key: 'dup', label: '=upper case(x)' },
      { type: 'textfield', key: 'dup', label: '重复', validate: { validationType: 'email' } },
      { type: 'radio', key: 'decision', label: '意见', values: [{ label: '同意', value: 'approve' }], conditional: { hide: '=decision = = (' } },
    ],
  };
  const res = await admin.post('/api/admin/deployments', { xml: cur.xml, processKey: 'borrowing', baseVersion: cur.version, note: '坏表单', forms: { approval: bad } });
  t.is(res.status, 422);
  t.is(res.body.code, 'FORM_INVALID');
  const text = res.body.details.map((d: any) => `${d.formKey}:${d.where}:${d.message}`).join('\n');
  for (const needle of ['filepicker', 'html', 'valuesKey', '"initiator" is reserved', 'expression in "label"', 'Duplicate key "dup"', 'validationType', 'hide condition']) {
    t.true(text.includes(needle), needle);
  }
  t.true(res.body.details.every((d: any) => d.formKey === 'approval'));
  const checked = await admin.post('/api/admin/processes/validate', { xml: cur.xml, forms: { approval: bad } });
  t.false(checked.body.ok);
  t.is(checked.body.formFindings.length, res.body.details.length);
  t.is(await deployments(), n);
});

test.serial('the diff between two versions names elements added, changed and removed, and changed forms', async (t) => {
  const admin = await sys.as('procadmin');
  const list = (await admin.get('/api/admin/processes')).body as any[];
  const p = list.find((x) => x.key === 'borrowing');
  const d = await admin.get(`/api/admin/processes/borrowing/diff?from=1&to=2`);
  t.is(d.status, 200);
  t.deepEqual(d.body.added.map((a: any) => [a.id, a.type, a.name]).sort(), [
    ['leaderCheck', 'bpmn:UserTask', '分管领导审核'],
    ['leaderCheck_out', 'bpmn:SequenceFlow', null],
  ]);
  t.deepEqual(d.body.removed, []);
  const changedIds = d.body.changed.map((c: any) => c.id);
  t.is(changedIds.length, 1, 'only the flow that now leads to the new step');
  t.deepEqual(d.body.changed[0].changes.map((c: any) => c.field), ['target']);
  const forms = await admin.get(`/api/admin/processes/borrowing/diff?from=2&to=3`);
  t.deepEqual(forms.body.forms, [{ key: 'approval', change: 'changed', fieldsAdded: ['reviewNo'], fieldsRemoved: [] }]);
  t.deepEqual(forms.body.added, []);
  t.is((await admin.get(`/api/admin/processes/borrowing/diff?from=1&to=${p.latestVersion + 1}`)).status, 404);
});

test.serial('a withdrawn process (停用) takes no new application, its running cases go on, and it can be put back', async (t) => {
  const applicant = await sys.as('applicant1');
  const cadre = await demoCadre(sys, 'county', 6);
  const fileCopy = async () => applicant.post('/api/process-instances', { processKey: 'copy-request', variables: await copyVariables(sys, 'applicant1', cadre) });
  const running = await fileCopy();
  t.is(running.status, 201, JSON.stringify(running.body));
  const admin = await sys.as('procadmin');
  t.is((await admin.post('/api/admin/processes/copy-request/retire', { reason: ' ' })).status, 400, 'a reason is required');
  t.is((await admin.post('/api/admin/processes/no-such/retire', { reason: '测试停用' })).status, 404);
  t.is((await applicant.post('/api/admin/processes/copy-request/retire', { reason: '测试停用' })).status, 403);

  const retired = await admin.post('/api/admin/processes/copy-request/retire', { reason: '复制改由新流程办理' });
  t.is(retired.status, 200, JSON.stringify(retired.body));
  t.like(retired.body, { key: 'copy-request', retired: { reason: '复制改由新流程办理', retiredByName: '吴国平' } });
  t.like((await admin.post('/api/admin/processes/copy-request/retire', { reason: '再次停用' })).body, { code: 'PROCESS_RETIRED' });
  t.like(((await admin.get('/api/admin/processes')).body as any[]).find((p) => p.key === 'copy-request'), { retired: { reason: '复制改由新流程办理' } });

  // 发起申请 no longer offers it, and a start is refused in words; the case filed before goes on.
  t.false(((await applicant.get('/api/process-definitions')).body as any[]).some((d) => d.key === 'copy-request'));
  const refused = await fileCopy();
  t.is(refused.status, 409);
  t.like(refused.body, { code: 'PROCESS_RETIRED' });
  t.regex(refused.body.message, /^该流程已停用/);
  const unitHead = await sys.as('unithead1');
  const task = await taskAt(unitHead, running.body.id, 'unitHeadReview');
  t.is((await unitHead.post(`/api/tasks/${task.id}/complete`, { variables: approve() })).status, 200);

  const back = await admin.post('/api/admin/processes/copy-request/reinstate', {});
  t.like(back.body, { key: 'copy-request', retired: null });
  t.like((await admin.post('/api/admin/processes/copy-request/reinstate', {})).body, { code: 'PROCESS_NOT_RETIRED' });
  t.true(((await applicant.get('/api/process-definitions')).body as any[]).some((d) => d.key === 'copy-request'));
  t.is((await fileCopy()).status, 201);
  const audited = await sys.services.db('audit_log').whereIn('action', ['process.retire', 'process.reinstate']).orderBy('seq');
  t.deepEqual(audited.map((r: any) => [r.action, r.object_id]), [['process.retire', 'copy-request'], ['process.reinstate', 'copy-request']]);
  t.like(JSON.parse(audited[0].detail), { reason: '复制改由新流程办理' });
});

test.serial('only the process administrator administers processes; nobody else learns of cases through it', async (t) => {
  for (const who of ['applicant1', 'archivist1', 'chief1']) {
    const c = await sys.as(who);
    t.is((await c.get('/api/admin/processes')).status, 403, who);
    t.is((await c.post('/api/admin/deployments', { xml: '<x/>', processKey: null, baseVersion: null, note: 'xx', forms: {} })).status, 403, who);
    t.is((await c.get('/api/admin/instances')).status, 403, who);
  }
  for (const who of ['sysadmin', 'secadmin', 'auditor']) {
    const c = await asAdmin(sys, who);
    t.is((await c.get('/api/admin/processes')).status, 403, who);
    t.is((await c.get('/api/admin/lint-context')).status, 403, who);
  }
  // The process administrator does not read the business view of a case, its comments or files.
  const id = await fileConsultation(sys, 'applicant1', '人才引进需核实工作经历与学历。');
  const admin = await sys.as('procadmin');
  for (const path of [`/api/process-instances/${id}`, `/api/process-instances/${id}/comments`, `/api/process-instances/${id}/attachments`]) {
    t.is((await admin.get(path)).status, 404, path);
  }
  const ctx = await admin.get('/api/admin/lint-context');
  t.is(ctx.status, 200);
  t.true(ctx.body.services.includes('prepareBorrowing') || ctx.body.services.length > 0);
  t.false(ctx.body.roles.includes('sys_admin'), 'no step may name one of the three administrators');
  t.true(ctx.body.forms.includes('approval'));
  t.false(ctx.body.requireApproval);
});
