// Four eyes on deployments (DEPLOY_REQUIRES_APPROVAL=true), in a real browser: one process
// administrator changes a due date and submits the change for approval; nothing is deployed; a
// second process administrator reviews what changes and approves it, which deploys version 2.
import test from 'ava';
import { addUser } from '../helpers/users.ts';
import { login, logout } from './browser.ts';
import { adminSuite } from './admin-setup.ts';
import { shot } from './shots.ts';

const suite = adminSuite({
  env: { DEPLOY_REQUIRES_APPROVAL: 'true' },
  prepare: (sys) => addUser(sys, { username: 'procadmin_b', displayName: '钱晓梅', org: '150300-ZZB', roles: ['process_admin'] }).then(() => undefined),
});

test.serial('a change waits for a second process administrator, who reviews what it changes and approves it', async (t) => {
  const p = suite.b.page;
  const db = suite.sys.services.db;
  const v1 = await db('process_deployments').where({ process_key: 'borrowing' }).orderBy('version', 'desc').first();

  await login(p, suite.sys.url, 'procadmin');
  await p.goto(`${suite.sys.url}/admin/processes/borrowing/edit`);
  await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();
  // Change the due date of the first user task with a due date.
  const step = await p.locator('.djs-shape[data-element-id]').evaluateAll((els) =>
    els.map((e) => e.getAttribute('data-element-id')!).find((id) => /Review|review/.test(id)),
  );
  await p.locator(`.djs-shape[data-element-id="${step}"]`).click();
  const panel = p.getByRole('complementary', { name: '属性' });
  const group = p.locator('.bio-properties-panel-group-header', { hasText: '办理人与期限' });
  if (!(await group.getAttribute('class'))?.includes('open')) await group.click();
  await panel.getByLabel('办理期限').fill('P5D');
  await panel.getByLabel('办理期限').press('Tab');
  await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();
  await p.getByRole('button', { name: '提交审批' }).click();
  const dialog = p.getByRole('dialog', { name: '提交部署审批' });
  await dialog.getByText('须由另一名流程管理员审阅并批准').waitFor();
  await dialog.getByLabel('变更说明').fill('审核期限由 3 天延长为 5 天');
  await dialog.getByRole('button', { name: '提交审批' }).click();
  await p.getByText('已提交审批。').waitFor();
  await p.getByRole('heading', { name: '待审批的部署' }).waitFor();
  t.is((await db('process_deployments').where({ process_key: 'borrowing' })).length, 1, 'nothing deployed yet');
  // The proposer sees it but cannot approve it.
  await p.getByRole('link', { name: v1.name }).first().click();
  await p.getByText('这是您提交的，须由另一名流程管理员审批。').waitFor();
  t.is(await p.getByRole('button', { name: '批准并部署' }).count(), 0);
  await logout(p);

  await login(p, suite.sys.url, 'procadmin_b');
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '流程管理' }).click();
  await p.getByRole('heading', { name: '待审批的部署' }).waitFor();
  await p.locator('tr[data-process="borrowing"]').getByText('待审批 1').waitFor();
  await p.getByRole('link', { name: v1.name }).first().click();
  await p.getByText('审核期限由 3 天延长为 5 天').waitFor();
  const changes = p.getByTestId('diff-list');
  await changes.locator('li.changed', { hasText: step! }).getByText('P5D').waitFor();
  await shot(p, 'deployment-approval');
  await p.getByRole('button', { name: '批准并部署' }).click();
  await p.getByText(`已批准，部署为第 ${v1.version + 1} 版。`).waitFor();
  await p.getByTestId('proposal-status').getByText('已批准').waitFor();

  const v2 = await db('process_deployments').where({ process_key: 'borrowing', version: v1.version + 1 }).first();
  t.truthy(v2);
  t.regex(v2.xml, /camunda:dueDate="P5D"/);
  const approved = await db('audit_log').where({ action: 'process.approve', actor: 'procadmin_b' }).first();
  t.is(JSON.parse(approved.detail).sha256, v2.sha256);
  t.deepEqual(suite.b.problems, []);
  t.deepEqual(suite.b.outside, []);
});
