// The live check in a real browser: an invalid edit — a script task, and a user task with no
// assignment rule — is flagged on the canvas (marker and badge on each element, the list below),
// deploying stays disabled, and the same diagram sent to the API is refused with the same findings.
// So is a condition reading a variable no form supplies, found live with the forms the version
// would carry, in the API's words; adding the field in the form editor clears it.
import fs from 'node:fs';
import test from 'ava';
import type { Page } from 'playwright-core';
import { login } from './browser.ts';
import { adminSuite } from './admin-setup.ts';
import { shot } from './shots.ts';
import { selectShape } from './modeler-ui.ts';

const suite = adminSuite();

/** Creates a task on an empty spot of the canvas and changes its type through the context pad; returns its id. */
async function addTask(p: Page, at: { x: number; y: number }, name: string, replaceWith: string): Promise<string> {
  await p.locator('.djs-palette [data-action="create.task"]').click();
  await p.mouse.move(at.x - 20, at.y - 20, { steps: 4 });
  await p.mouse.move(at.x, at.y, { steps: 4 });
  await p.mouse.click(at.x, at.y);
  await p.locator('.djs-direct-editing-parent').waitFor();
  await p.keyboard.type(name);
  await p.mouse.click(at.x + 150, at.y + 120);
  await selectShape(p, name);
  await p.locator('.djs-context-pad.open [data-action="replace"]').click();
  await p.locator(`.djs-popup [data-id="${replaceWith}"]`).click();
  return (await p.locator('.djs-shape', { hasText: name }).getAttribute('data-element-id'))!;
}

test.serial('a script task and a user task without an assignee are flagged on the canvas, cannot be deployed, and the API refuses them', async (t) => {
  const p = suite.b.page;
  const versions = await suite.sys.services.db('process_deployments').where({ process_key: 'borrowing' });
  await login(p, suite.sys.url, 'procadmin');
  await p.goto(`${suite.sys.url}/admin/processes/borrowing/edit`);
  await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();

  const canvas = (await p.getByRole('application', { name: '流程图编辑区' }).boundingBox())!;
  const scriptId = await addTask(p, { x: canvas.x + 300, y: canvas.y + 90 }, '自动计算借阅期限', 'replace-with-script-task');
  const userId = await addTask(p, { x: canvas.x + 520, y: canvas.y + 90 }, '复核', 'replace-with-user-task');

  // Flagged on the canvas: a red marker and a badge on each, naming what is wrong.
  for (const id of [scriptId, userId]) {
    await p.locator(`.djs-element[data-element-id="${id}"].dg-lint-error`).waitFor();
    await p.locator(`.dg-lint-badge[data-element-id="${id}"]`).waitFor();
  }
  t.regex((await p.locator(`.dg-lint-badge[data-element-id="${scriptId}"]`).getAttribute('title'))!, /不允许脚本任务/);
  t.regex((await p.locator(`.dg-lint-badge[data-element-id="${userId}"]`).getAttribute('title'))!, /须指定处理人或候选角色/);
  await p.getByTestId('lint-state').getByText(/个错误/).waitFor();
  const deploy = p.getByRole('button', { name: '部署新版本' });
  t.true(await deploy.isDisabled(), 'deploying is disabled while an error remains');
  await p.getByText(/修正后才能部署/).first().waitFor();
  await shot(p, 'modeler-check', { fullPage: true });

  // Clicking a finding selects its element.
  await p.getByTestId('lint-findings').locator(`li[data-element="${scriptId}"][data-rule="dangan/no-script"] button`).first().click();
  await p.locator('.bio-properties-panel-header-type', { hasText: /脚本任务/ }).waitFor();

  // The same diagram, exported from the modeler and sent to the API, is refused with the same errors.
  const browserErrors = await p.getByTestId('lint-findings').locator('li.error').evaluateAll((lis) =>
    lis.map((li) => `${li.getAttribute('data-rule')} ${li.getAttribute('data-element')}`).sort(),
  );
  const [download] = await Promise.all([p.waitForEvent('download'), p.getByRole('button', { name: '导出 BPMN' }).click()]);
  const xml = fs.readFileSync((await download.path())!, 'utf8');
  const admin = await suite.sys.as('procadmin');
  const res = await admin.post('/api/admin/deployments', { xml, processKey: 'borrowing', baseVersion: 1, note: '增加两个环节', forms: {} });
  t.is(res.status, 422);
  t.is(res.body.code, 'BPMN_INVALID');
  const apiErrors = res.body.details.map((d: any) => `${d.rule} ${d.elementId ?? ''}`).sort();
  t.deepEqual(apiErrors, browserErrors, 'the browser and the server find the same errors');
  t.true(apiErrors.includes(`dangan/no-script ${scriptId}`));
  t.true(apiErrors.includes(`dangan/user-task-assignment ${userId}`));
  const direct = await admin.request('POST', '/api/process-definitions', xml, { 'content-type': 'application/xml' });
  t.is(direct.status, 422);
  t.deepEqual((await suite.sys.services.db('process_deployments').where({ process_key: 'borrowing' })).length, versions.length, 'nothing was deployed');

  // Fixed in the panel (a role for the user task, the script task deleted), it can be deployed.
  await selectShape(p, '复核');
  const panel = p.getByRole('complementary', { name: '属性' });
  const group = p.locator('.bio-properties-panel-group-header', { hasText: '办理人与期限' });
  if (!(await group.getAttribute('class'))?.includes('open')) await group.click();
  await panel.getByLabel('候选角色').selectOption('archivist');
  await selectShape(p, '自动计算借阅期限');
  await p.locator('.djs-context-pad.open [data-action="delete"]').click();
  // The user task is still unconnected: the check says so, and deploying stays disabled.
  await p.getByTestId('lint-findings').locator(`li[data-element="${scriptId}"]`).first().waitFor({ state: 'detached' });
  await p.getByTestId('lint-findings').locator(`li[data-rule="dangan/user-task-assignment"]`).first().waitFor({ state: 'detached' });
  const left = await p.getByTestId('lint-findings').locator('li.error').evaluateAll((lis) => lis.map((li) => `${li.getAttribute('data-rule')} ${li.getAttribute('data-element')}`));
  t.true(left.length > 0 && left.every((f) => f.endsWith(userId)), left.join('; '));
  t.true(await deploy.isDisabled());

  t.deepEqual(suite.b.problems.filter((x) => !x.includes('/api/admin/deployments') && !x.includes('/api/process-definitions')), [], 'no console error, page error or failed request');
  t.deepEqual(suite.b.outside, [], 'nothing requested from outside our server');
});

test.serial('a new process starts from a template, is checked like any other, and deploys as version 1', async (t) => {
  const p = suite.b.page;
  await p.goto(`${suite.sys.url}/admin/processes`);
  await p.getByRole('link', { name: '新建流程' }).click();
  await p.getByLabel('流程标识').fill('1bad key');
  await p.getByRole('button', { name: '确认' }).click();
  await p.getByText('新流程的标识，部署后不能修改').waitFor();
  // A key already deployed is refused at the key, before anything is drawn.
  await p.getByLabel('流程标识').fill('borrowing');
  await p.getByRole('button', { name: '确认' }).click();
  await p.locator('#new-key-hint.error-text').filter({ hasText: '已有相同标识的流程。' }).waitFor();
  await p.getByLabel('流程标识').fill('leave-request');
  await p.getByLabel('流程名称', { exact: true }).fill('请假审批');
  await p.getByRole('button', { name: '确认' }).click();
  // The template has no starters yet: the check says so, on the process.
  const finding = p.getByTestId('lint-findings').locator('li[data-rule="dangan/process-starters"]');
  await finding.getByText('须指定可发起角色').waitFor();
  await finding.getByText('请假审批（leave-request）').waitFor();
  t.true(await p.getByRole('button', { name: '部署新版本' }).isDisabled());

  await p.locator('.bio-properties-panel-group-header', { hasText: '可发起角色' }).click();
  await p.getByRole('complementary', { name: '属性' }).getByLabel('查档人员（applicant）').check();
  await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();
  await p.getByRole('button', { name: '部署新版本' }).click();
  const dialog = p.getByRole('dialog', { name: '部署新版本' });
  await dialog.getByLabel('变更说明').fill('新建请假审批流程');
  await dialog.getByRole('button', { name: '部署新版本' }).click();
  await p.getByText('已部署为第 1 版。').waitFor();
  await p.locator('tr[data-process="leave-request"]').getByText('请假审批').waitFor();
  const dep = await suite.sys.services.db('process_deployments').where({ process_key: 'leave-request' }).first();
  t.like(dep, { version: 1, name: '请假审批', note: '新建请假审批流程' });
  t.regex(dep.xml, /camunda:candidateStarterGroups="applicant"/);
  t.deepEqual(suite.b.problems.filter((x) => !x.includes('/api/admin/deployments') && !x.includes('/api/process-definitions')), []);
});

/** Drags a field of `type` from the form editor's palette below the last field; returns once its key can be typed. */
async function dropField(p: Page, dialog: ReturnType<Page['locator']>, type: string) {
  const src = (await dialog.locator(`.fjs-palette-field[data-field-type="${type}"]`).boundingBox())!;
  const last = (await dialog.locator('.fjs-form-field:not(.fjs-powered-by)').last().boundingBox())!;
  await p.mouse.move(src.x + src.width / 2, src.y + src.height / 2);
  await p.mouse.down();
  await p.mouse.move(src.x + 60, src.y + 20, { steps: 5 });
  await p.mouse.move(last.x + last.width / 2, last.y + last.height + 10, { steps: 10 });
  await p.mouse.move(last.x + last.width / 2, last.y + last.height + 14, { steps: 3 });
  await p.mouse.up();
  await dialog.locator('.bio-properties-panel-header-type', { hasText: new RegExp(type, 'i') }).waitFor();
  const key = dialog.locator('[data-entry-id="key"] input');
  if (!(await key.isVisible())) await dialog.locator('.bio-properties-panel-group-header', { hasText: 'General' }).click();
  await key.waitFor();
}

test.serial('a condition reading a variable no form supplies is flagged on the canvas live, as the API words it; the field added to the form clears it', async (t) => {
  const p = suite.b.page;
  const admin = await suite.sys.as('procadmin');
  const versions = (await suite.sys.services.db('process_deployments').where({ process_key: 'copy-request' })).length;
  await p.goto(`${suite.sys.url}/admin/processes/copy-request/edit`);
  await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();

  // The unit head's 同意 flow now also reads "urgent", which no form on the way has.
  const flow = (await p.locator('.djs-connection[data-element-id="unitHeadApproves"]').boundingBox())!;
  await p.mouse.click(flow.x + flow.width / 2, flow.y + flow.height / 2);
  const panel = p.getByRole('complementary', { name: '属性' });
  const group = p.locator('.bio-properties-panel-group-header', { hasText: '流转条件' });
  if (!(await group.getAttribute('class'))?.includes('open')) await group.click();
  await panel.getByLabel('条件（FEEL）').fill('=decision = "approve" and urgent = true');
  await panel.getByLabel('条件（FEEL）').press('Tab');

  // Flagged live, before any deploy: marker and badge on the flow, the finding in the list.
  // (A straight flow's group has no height: attached, not "visible".)
  await p.locator('.djs-element[data-element-id="unitHeadApproves"].dg-lint-error').waitFor({ state: 'attached' });
  const badge = p.locator('.dg-lint-badge[data-element-id="unitHeadApproves"]');
  await badge.waitFor();
  const finding = p.getByTestId('lint-findings').locator('li[data-rule="variables-supplied"][data-element="unitHeadApproves"]');
  await finding.waitFor();
  t.true(await p.getByRole('button', { name: '部署新版本' }).isDisabled());
  const timing = await p.evaluate(() => ['dangan:live-check', 'dangan:live-check-carried-forms'].map((n) => performance.getEntriesByName(n).at(-1)?.duration));
  t.log(`live check after the change: ${timing[0]?.toFixed(1)} ms, of which the forms' check ${timing[1]?.toFixed(2)} ms`);
  await shot(p, 'modeler-variables-flagged', { fullPage: true });

  // The same exported diagram: the API refuses it with the same findings, in the same words.
  const browserErrors = await p.getByTestId('lint-findings').locator('li.error').evaluateAll((lis) =>
    lis.map((li) => `${li.getAttribute('data-rule')} ${li.getAttribute('data-element')} ${li.querySelector('.msg')!.textContent}`).sort(),
  );
  const [download] = await Promise.all([p.waitForEvent('download'), p.getByRole('button', { name: '导出 BPMN' }).click()]);
  const xml = fs.readFileSync((await download.path())!, 'utf8');
  const base = (await suite.sys.services.db('process_deployments').where({ process_key: 'copy-request' }).max({ v: 'version' }).first())!.v;
  const res = await admin.post('/api/admin/deployments', { xml, processKey: 'copy-request', baseVersion: base, note: '同意须加急', forms: {} });
  t.is(res.status, 422);
  t.is(res.body.code, 'BPMN_INVALID');
  const zh = (m: string) => m.slice(0, m.indexOf(' / '));
  const apiErrors = res.body.details.map((d: any) => `${d.rule} ${d.elementId ?? ''} ${zh(d.message)}`).sort();
  t.deepEqual(browserErrors, apiErrors, 'the browser and the server find the same errors, in the same words');
  t.is(apiErrors.length, 1);
  t.regex(apiErrors[0], /^variables-supplied unitHeadApproves 条件读取变量“urgent”.*approval（单位负责人审核（unitHeadReview））/);
  t.is((await badge.getAttribute('title'))!, apiErrors[0].replace('variables-supplied unitHeadApproves ', ''));
  const validated = await admin.post('/api/admin/processes/validate', { xml, forms: {} });
  t.deepEqual(validated.body.errors, res.body.details);

  // The approval form of the step before gets the field: the finding goes, and the diagram can be deployed.
  await selectShape(p, '单位负责人审核');
  await p.getByRole('button', { name: '编辑表单“approval”' }).click();
  const dialog = p.locator('dialog.form-dialog');
  await dialog.getByText('表单可以使用。').waitFor();
  await dropField(p, dialog, 'checkbox');
  await dialog.locator('[data-entry-id="key"] input').fill('urgent');
  await dialog.getByText('表单可以使用。').waitFor();
  await dialog.getByRole('button', { name: '应用修改' }).click();
  await p.getByText('表单已更新，将随本次部署生效。').waitFor();
  await finding.waitFor({ state: 'detached' });
  await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();
  t.is(await badge.count(), 0);
  t.false(await p.getByRole('button', { name: '部署新版本' }).isDisabled());
  await shot(p, 'modeler-variables-cleared', { fullPage: true });
  t.is((await suite.sys.services.db('process_deployments').where({ process_key: 'copy-request' })).length, versions, 'nothing was deployed');

  t.deepEqual(suite.b.problems.filter((x) => !x.includes('/api/admin/deployments')), [], 'no console error, page error or failed request');
  t.deepEqual(suite.b.outside, []);
});
