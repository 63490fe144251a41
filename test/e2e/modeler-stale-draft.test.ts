// A draft kept from before a reload names the version it was made on: when another deployment has
// made a newer version meanwhile, the modeler says "基于第 1 版修改（该流程此后已更新为第 2 版…）",
// not "基于第 2 版修改" — the deploy will be refused as a conflict, and the page says why before.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { BpmnModdle } from 'bpmn-moddle';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { firstUserTask } from '../helpers/bpmn-edit.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, type Browsing } from './browser.ts';
import { selectShape } from './modeler-ui.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  b = await openBrowser(sys.url, { width: 1280, height: 800 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('a restored draft of version 1 says so, and that version 2 exists, after another deployment', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  const v1 = await db('process_deployments').where({ process_key: 'borrowing' }).orderBy('version', 'desc').first();
  const { rootElement } = await new BpmnModdle({ camunda }).fromXML(v1.xml);
  const step = firstUserTask(rootElement.rootElements.find((e: any) => e.$type === 'bpmn:Process'));

  await login(p, sys.url, 'procadmin');
  await p.goto(`${sys.url}/admin/processes/borrowing/edit`);
  await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();
  t.regex(await p.getByTestId('modeler-base').innerText(), new RegExp(`基于第 ${v1.version} 版修改$`));
  // An edit: renamed on the canvas, kept in the tab.
  await p.locator('.djs-shape', { hasText: step.name }).first().dblclick();
  await p.locator('.djs-direct-editing-parent').waitFor();
  await p.keyboard.press('Control+A');
  await p.keyboard.type(`${step.name}（草稿）`);
  await p.keyboard.press('Enter');
  await p.waitForFunction(`Object.keys(sessionStorage).some((k) => k.startsWith('dangan.modeler-draft.'))`);

  // Someone else deploys the next version meanwhile.
  const other = v1.xml.replace(`name="${step.name}"`, `name="${step.name}（他人修改）"`);
  t.not(other, v1.xml);
  await db.transaction((trx) => sys.services.engine.definitions.deploy(trx, other, null));
  const latest = v1.version + 1;

  await p.reload();
  const kept = p.getByTestId('kept-draft');
  await kept.getByText(`此后该流程已更新为第 ${latest} 版`, { exact: false }).waitFor();
  await kept.getByRole('button', { name: '载入未部署的修改' }).click();
  await p.locator('.djs-shape', { hasText: `${step.name}（草稿）` }).first().waitFor();
  const subtitle = await p.getByTestId('modeler-base').innerText();
  t.regex(subtitle, new RegExp(`基于第 ${v1.version} 版修改（该流程此后已更新为第 ${latest} 版，部署时将提示冲突）`));
  t.notRegex(subtitle, new RegExp(`基于第 ${latest} 版修改`));
  await shot(p, 'modeler-stale-draft');
});

test.serial('a due date that is not a date is flagged at its step in the browser; the role select offers no administrator, labelled with the language\'s brackets', async (t) => {
  const own = await openBrowser(sys.url, { width: 1280, height: 800 });
  try {
    const p = own.page;
    const v = await sys.services.db('process_deployments').where({ process_key: 'borrowing' }).orderBy('version', 'desc').first();
    const { rootElement } = await new BpmnModdle({ camunda }).fromXML(v.xml);
    const step = firstUserTask(rootElement.rootElements.find((e: any) => e.$type === 'bpmn:Process'));
    await login(p, sys.url, 'procadmin');
    await p.goto(`${sys.url}/admin/processes/borrowing/edit`);
    await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();
    await selectShape(p, step.name);
    const panel = p.getByRole('complementary', { name: '属性' });
    const group = p.locator('.bio-properties-panel-group-header', { hasText: '办理人与期限' });
    if (!(await group.getAttribute('class'))?.includes('open')) await group.click();
    await panel.getByLabel('办理期限').fill('next tuesday');
    const finding = p.getByTestId('lint-findings').locator(`li[data-rule="dangan/due-date"][data-element="${step.id}"]`);
    await finding.waitFor();
    t.regex(await finding.innerText(), /办理期限“next tuesday”既不是时长也不是日期/);
    t.true(await p.getByRole('button', { name: '部署新版本' }).isDisabled());

    const options = await panel.getByLabel('候选角色').locator('option').allInnerTexts();
    t.true(options.some((o) => o === '档案管理员（archivist）'), options.join(' | '));
    t.false(options.some((o) => /process_admin|sec_admin|sys_admin|auditor/.test(o)), options.join(' | '));
    await shot(p, 'modeler-due-date');
    // In English: half-width brackets, and the finding in English.
    await p.getByLabel('语言').selectOption('en');
    const panelEn = p.getByRole('complementary', { name: 'Properties' });
    await panelEn.getByLabel('Candidate role').waitFor();
    const en = await panelEn.getByLabel('Candidate role').locator('option').allInnerTexts();
    t.true(en.some((o) => /^\S.* \(archivist\)$/.test(o)), en.join(' | '));
    t.false(en.some((o) => o.includes('（')), en.join(' | '));
    t.regex(await finding.innerText(), /due date "next tuesday" is neither an ISO 8601 duration/);
    await shot(p, 'modeler-due-date-en');
  } finally {
    await own.close();
  }
});
