// The process administrator changes how the office works, in a real browser: opens the deployed
// borrowing process in the modeler, makes room on the flow into its first approval step, drops a
// task onto that flow, makes it a user task for a role the process did not use, gives it a form
// and a due date, and deploys version 2 with a change note. A case filed before still finishes on
// version 1; a new case passes the new step first. Written against whatever borrowing diagram is
// deployed: it finds the first user task reached from the start event.
import test from 'ava';
import type { Page } from 'playwright-core';
import { BpmnModdle } from 'bpmn-moddle';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { fileConsultation, REASONS } from '../helpers/cases.ts';
import { firstUserTask, rolesUsed } from '../helpers/bpmn-edit.ts';
import { finishCase } from '../helpers/drive.ts';
import { login } from './browser.ts';
import { adminSuite } from './admin-setup.ts';
import { selectShape } from './modeler-ui.ts';
import { shot } from './shots.ts';

const suite = adminSuite();

/** The centre of an element on the screen. */
async function centre(p: Page, elementId: string) {
  const box = (await p.locator(`.djs-element[data-element-id="${elementId}"]`).first().boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

test.serial('the process administrator adds an approval step for a new role and deploys version 2; old cases finish on version 1', async (t) => {
  const p = suite.b.page;
  const db = suite.sys.services.db;
  const v1 = await db('process_deployments').where({ process_key: 'borrowing' }).orderBy('version', 'desc').first();
  const { rootElement } = await new BpmnModdle({ camunda }).fromXML(v1.xml);
  const proc = rootElement.rootElements.find((e: any) => e.$type === 'bpmn:Process');
  const target = firstUserTask(proc);
  const flow = proc.flowElements.find((e: any) => e.$type === 'bpmn:SequenceFlow' && e.targetRef === target);
  const used = await rolesUsed(v1.xml);
  const role = ['auth_leader', 'producer', 'archive_chief'].find((r) => !used.has(r))!;
  const stepName = role === 'auth_leader' ? '分管领导审核' : '新增审核环节';

  // Given a case filed on version 1.
  const before = await fileConsultation(suite.sys, 'applicant1', REASONS[0]);

  // The process administrator opens the process in the modeler.
  await login(p, suite.sys.url, 'procadmin');
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '流程管理' }).click();
  await p.getByRole('heading', { name: '流程管理', level: 1 }).waitFor();
  await p.getByRole('link', { name: `编辑 ${v1.name}` }).click();
  await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();
  t.true(await p.getByRole('button', { name: '部署新版本' }).isDisabled(), 'nothing to deploy before a change');

  // Room on the flow into the first approval step, with the space tool.
  const from = await centre(p, flow.sourceRef.id);
  const to = await centre(p, target.id);
  const x = (from.x + to.x) / 2;
  await p.locator('.djs-palette [data-action="space-tool"]').click();
  await p.mouse.move(x, to.y - 120);
  await p.mouse.down();
  await p.mouse.move(x + 80, to.y - 120, { steps: 8 });
  await p.mouse.move(x + 170, to.y - 120, { steps: 8 });
  await p.mouse.up();

  // A task dropped onto the flow is inserted into it; it is named as it is placed.
  const flowBox = (await p.locator(`.djs-connection[data-element-id="${flow.id}"]`).boundingBox())!;
  const drop = { x: flowBox.x + flowBox.width / 2, y: to.y };
  await p.locator('.djs-palette [data-action="create.task"]').click();
  await p.mouse.move(drop.x - 30, drop.y + 40, { steps: 5 });
  await p.mouse.move(drop.x, drop.y, { steps: 5 });
  await p.mouse.click(drop.x, drop.y);
  await p.locator('.djs-direct-editing-parent').waitFor();
  await p.keyboard.type(stepName);
  await p.mouse.click(drop.x, to.y + 260); // finish editing on the empty canvas
  await selectShape(p, stepName);

  // It becomes a user task ("更改类型" in the context pad) …
  await p.locator('.djs-context-pad.open [data-action="replace"]').click();
  await p.locator('.djs-popup [data-id="replace-with-user-task"]').click();
  // … for the new role, with the approval form and three days to do it.
  await p.locator('.bio-properties-panel-header-type', { hasText: /用户任务/ }).waitFor();
  const group = p.locator('.bio-properties-panel-group-header', { hasText: '办理人与期限' });
  if (!(await group.getAttribute('class'))?.includes('open')) await group.click();
  const panel = p.getByRole('complementary', { name: '属性' });
  await panel.getByLabel('候选角色').selectOption(role);
  await panel.getByLabel('表单').selectOption('approval');
  await panel.getByLabel('办理期限').fill('P3D');
  await panel.getByLabel('办理期限').press('Tab');
  await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();
  await p.getByRole('button', { name: '适应窗口' }).click();
  await shot(p, 'modeler');

  // Deployed as version 2 with a change note.
  await p.getByRole('button', { name: '部署新版本' }).click();
  const dialog = p.getByRole('dialog', { name: '部署新版本' });
  await dialog.getByRole('button', { name: '部署新版本' }).click();
  await dialog.getByText('请填写变更说明').waitFor();
  await dialog.getByLabel('变更说明').fill(`增加“${stepName}”环节`);
  await dialog.getByRole('button', { name: '部署新版本' }).click();
  await p.getByText(`已部署为第 ${v1.version + 1} 版。`).waitFor();
  await p.getByRole('heading', { name: '流程管理', level: 1 }).waitFor();

  // The versions, and what changed between them, side by side.
  const row = p.locator('tr[data-process="borrowing"]');
  await row.getByRole('button', { name: '版本记录' }).click();
  const latest = p.locator(`li[data-version="${v1.version + 1}"]`);
  await latest.getByText(`增加“${stepName}”环节`).waitFor();
  await latest.getByText('吴国平').waitFor();
  await shot(p, 'processes');
  await latest.getByRole('link', { name: '与上一版对比' }).click();
  await p.getByRole('heading', { name: '版本对比：borrowing' }).waitFor();
  const changes = p.getByTestId('diff-list');
  await changes.locator('li.added', { hasText: stepName }).waitFor();
  await changes.locator('li.changed', { hasText: flow.id }).getByText(target.id).waitFor();
  await p.locator('.djs-element.dg-added').first().waitFor({ state: 'attached' });
  await p.locator('.djs-element.dg-changed').first().waitFor({ state: 'attached' });
  await shot(p, 'version-diff');

  const v2 = await db('process_deployments').where({ process_key: 'borrowing' }).orderBy('version', 'desc').first();
  t.is(v2.version, v1.version + 1);
  t.is(v2.note, `增加“${stepName}”环节`);
  const parsed = await new BpmnModdle({ camunda }).fromXML(v2.xml);
  const proc2 = parsed.rootElement.rootElements.find((e: any) => e.$type === 'bpmn:Process');
  const step = proc2.flowElements.find((e: any) => e.name === stepName);
  t.like(step, { $type: 'bpmn:UserTask', candidateGroups: role, formKey: 'approval', dueDate: 'P3D' });
  t.is(firstUserTask(proc2).id, step.id, 'the new step comes first');
  t.true(proc2.flowElements.some((e: any) => e.$type === 'bpmn:SequenceFlow' && e.sourceRef === step && e.targetRef.id === target.id));

  // The case filed before finishes on version 1, never meeting the new step.
  const steps = await finishCase(suite.sys, before);
  const old = await db('process_instances').where({ id: before }).first();
  t.is(old.version, v1.version);
  t.is(old.status, 'completed');
  t.false(steps.includes(step.id));

  // A new case passes the new step first, offered to the holders of the new role.
  const after = await fileConsultation(suite.sys, 'applicant2', REASONS[1]);
  const fresh = await db('process_instances').where({ id: after }).first();
  t.is(fresh.version, v2.version);
  t.deepEqual(JSON.parse(fresh.active_elements), [step.id]);
  const newSteps = await finishCase(suite.sys, after);
  t.is(newSteps[0], step.id);
  t.is(newSteps[1], target.id);
  const newTask = await db('tasks').where({ instance_id: after, element_id: step.id }).first();
  const holder = await db('user_roles').where({ user_id: newTask.completed_by }).first();
  t.is(holder.role, role);

  t.deepEqual(suite.b.problems, [], 'no console error, page error or failed request');
  t.deepEqual(suite.b.outside, [], 'nothing requested from outside our server');
});
