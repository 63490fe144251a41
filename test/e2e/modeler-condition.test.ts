// The modeler's live check runs the deploy-time rules: a condition whose = was forgotten
// (`decision = "approve"`, plain text the engine would take as always true) is flagged on the flow
// at once, named in Chinese and English, deploying stays disabled; putting the = back clears it.
import fs from 'node:fs';
import test from 'ava';
import { login } from './browser.ts';
import { adminSuite } from './admin-setup.ts';

const suite = adminSuite();

test.serial('a condition without its = is flagged live on the flow and blocks deploying; with the = it passes', async (t) => {
  const p = suite.b.page;
  await login(p, suite.sys.url, 'procadmin');
  await p.goto(`${suite.sys.url}/admin/processes/copy-request/edit`);
  await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();

  const flow = (await p.locator('.djs-connection[data-element-id="unitHeadApproves"]').boundingBox())!;
  await p.mouse.click(flow.x + flow.width / 2, flow.y + flow.height / 2);
  const panel = p.getByRole('complementary', { name: '属性' });
  const group = p.locator('.bio-properties-panel-group-header', { hasText: '流转条件' });
  if (!(await group.getAttribute('class'))?.includes('open')) await group.click();
  const field = panel.getByLabel('条件（FEEL）');
  await field.fill('decision = "approve"');
  await field.press('Tab');

  const finding = p.getByTestId('lint-findings').locator('li[data-rule="dangan/feel-conditions"][data-element="unitHeadApproves"]');
  await finding.waitFor();
  t.regex((await finding.textContent())!, /顺序流“同意”（unitHeadApproves）的条件“decision = "approve"”不是 FEEL 表达式/);
  const badge = p.locator('.dg-lint-badge[data-element-id="unitHeadApproves"]');
  await badge.waitFor();
  t.regex((await badge.getAttribute('title'))!, /不是 FEEL 表达式/);
  t.true(await p.getByRole('button', { name: '部署新版本' }).isDisabled());
  fs.mkdirSync('/tmp/hh', { recursive: true });
  await p.screenshot({ path: '/tmp/hh/modeler-condition.png', fullPage: true });

  // The exported diagram is refused by the API with the same finding.
  const [download] = await Promise.all([p.waitForEvent('download'), p.getByRole('button', { name: '导出 BPMN' }).click()]);
  const xml = fs.readFileSync((await download.path())!, 'utf8');
  const admin = await suite.sys.as('procadmin');
  const res = await admin.post('/api/admin/processes/validate', { xml, forms: {} });
  t.true(res.body.errors.some((e: any) => e.rule === 'dangan/feel-conditions' && e.elementId === 'unitHeadApproves'));

  await field.fill('=decision = "approve"');
  await field.press('Tab');
  await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();
  t.is(await finding.count(), 0);
});
