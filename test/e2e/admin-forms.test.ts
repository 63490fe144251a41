// Forms versioned with the process, in a real browser: the process administrator opens the form of
// the first approval step in the form-js editor (only the field types Dangan supports are offered),
// adds a required field, applies it and deploys. The new version carries the edited form; a case
// filed before keeps the old form, a new case must fill in the new field.
import test from 'ava';
import { BpmnModdle } from 'bpmn-moddle';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { fileConsultation, REASONS } from '../helpers/cases.ts';
import { firstUserTask } from '../helpers/bpmn-edit.ts';
import { answer } from '../helpers/drive.ts';
import { login } from './browser.ts';
import { adminSuite } from './admin-setup.ts';
import { shot } from './shots.ts';

const suite = adminSuite();

/** The open task of a case, as the user who may do it sees it. */
async function firstTask(instanceId: string) {
  const task = await suite.sys.services.db('tasks').where({ instance_id: instanceId, status: 'open' }).first();
  const holder = await suite.sys.services.db('users as u').join('user_roles as r', 'r.user_id', 'u.id').where('r.role', task.candidate_role).where('u.org_unit_id', task.candidate_org_id).first('u.username');
  const c = await suite.sys.as(holder.username);
  return { c, task: (await c.get(`/api/tasks/${task.id}`)).body };
}

test.serial('a field added in the form editor deploys with the new version; a case filed before keeps its form', async (t) => {
  const p = suite.b.page;
  const db = suite.sys.services.db;
  const v1 = await db('process_deployments').where({ process_key: 'borrowing' }).orderBy('version', 'desc').first();
  const { rootElement } = await new BpmnModdle({ camunda }).fromXML(v1.xml);
  const step = firstUserTask(rootElement.rootElements.find((e: any) => e.$type === 'bpmn:Process'));
  const formKey: string = step.formKey;
  const before = await fileConsultation(suite.sys, 'applicant1', REASONS[2]);

  await login(p, suite.sys.url, 'procadmin');
  await p.goto(`${suite.sys.url}/admin/processes/borrowing/edit`);
  await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();
  await p.locator(`.djs-shape[data-element-id="${step.id}"]`).click();
  await p.getByRole('button', { name: `编辑表单“${formKey}”` }).click();
  const dialog = p.locator('dialog.form-dialog');
  await dialog.locator('.fjs-palette-field[data-field-type="textfield"]').waitFor();
  await dialog.getByText('表单可以使用。').waitFor();
  for (const type of ['filepicker', 'html', 'iframe', 'expression']) {
    t.false(await dialog.locator(`.fjs-palette-field[data-field-type="${type}"]`).isVisible(), `${type} is not offered`);
  }

  // A text field dragged below the last field: 审核编号 (reviewNo), required.
  const src = (await dialog.locator('.fjs-palette-field[data-field-type="textfield"]').boundingBox())!;
  const last = (await dialog.locator('.fjs-form-field:not(.fjs-powered-by)').last().boundingBox())!;
  await p.mouse.move(src.x + src.width / 2, src.y + src.height / 2);
  await p.mouse.down();
  await p.mouse.move(src.x + 60, src.y + 20, { steps: 5 });
  await p.mouse.move(last.x + last.width / 2, last.y + last.height + 10, { steps: 10 });
  await p.mouse.move(last.x + last.width / 2, last.y + last.height + 14, { steps: 3 });
  await p.mouse.up();
  await dialog.locator('.bio-properties-panel-header-type', { hasText: /text field/i }).waitFor();
  const open = async (label: string, entry: string) => {
    if (await dialog.locator(`[data-entry-id="${entry}"]`).isVisible()) return;
    await dialog.locator('.bio-properties-panel-group-header', { hasText: label }).click();
    await dialog.locator(`[data-entry-id="${entry}"]`).waitFor();
  };
  await open('General', 'label');
  const labelBox = dialog.locator('[data-entry-id="label"] [contenteditable="true"]');
  // The panel re-renders the new field's entries once more after the drop: type only into the
  // settled editor, and read back what it holds.
  await labelBox.filter({ hasText: 'Text field' }).waitFor();
  await labelBox.click();
  await p.keyboard.press('Control+A');
  await p.keyboard.type('审核编号');
  // The panel commits a typed value after a pause: wait until the form itself shows the label.
  await dialog.locator('.fjs-form-field-label', { hasText: '审核编号' }).first().waitFor();
  await dialog.locator('[data-entry-id="key"] input').fill('reviewNo');
  await open('Validation', 'required');
  await dialog.locator('[data-entry-id="required"] input').check();
  await dialog.getByText('表单可以使用。').waitFor();
  await shot(p, 'form-editor');
  await dialog.getByRole('button', { name: '应用修改' }).click();
  await p.getByText('表单已更新，将随本次部署生效。').waitFor();
  await p.getByText(`${formKey} （已修改）`).or(p.getByText(`${formKey}（已修改）`)).first().waitFor();

  await p.getByRole('button', { name: '部署新版本' }).click();
  const deploy = p.getByRole('dialog', { name: '部署新版本' });
  await deploy.getByLabel('变更说明').fill('审批表增加“审核编号”');
  await deploy.getByRole('button', { name: '部署新版本' }).click();
  await p.getByText(`已部署为第 ${v1.version + 1} 版。`).waitFor();

  // The new version carries the edited form; the previous one still has the old.
  const v2 = await db('process_deployments').where({ process_key: 'borrowing', version: v1.version + 1 }).first();
  t.is(v2.sha256, v1.sha256, 'the diagram itself did not change');
  const carried = JSON.parse((await db('deployment_forms').where({ deployment_id: v2.id, form_key: formKey }).first()).schema);
  t.like(carried.components.find((c: any) => c.key === 'reviewNo'), { type: 'textfield', label: '审核编号', validate: { required: true } });
  const old = JSON.parse((await db('deployment_forms').where({ deployment_id: v1.id, form_key: formKey }).first())?.schema ?? '{"components":[]}');
  t.false(old.components.some((c: any) => c.key === 'reviewNo'));

  // The case filed before completes its step with the old form; a new case needs the new field.
  const a = await firstTask(before);
  t.false(a.task.form.components.some((c: any) => c.key === 'reviewNo'));
  t.is((await a.c.post(`/api/tasks/${a.task.id}/complete`, { variables: answer(a.task.form.components) })).status, 200);
  const after = await fileConsultation(suite.sys, 'applicant2', REASONS[3]);
  const n = await firstTask(after);
  t.true(n.task.form.components.some((c: any) => c.key === 'reviewNo'));
  const refused = await n.c.post(`/api/tasks/${n.task.id}/complete`, { variables: answer(a.task.form.components) });
  t.is(refused.status, 400);
  t.true(refused.body.details.some((d: any) => d.field === 'reviewNo'));
  t.is((await n.c.post(`/api/tasks/${n.task.id}/complete`, { variables: answer(n.task.form.components) })).status, 200);

  t.deepEqual(suite.b.problems, []);
  t.deepEqual(suite.b.outside, []);
});
