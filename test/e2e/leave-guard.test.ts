// Unsaved work is never lost silently, in a real browser: on a start form, leaving by a link in
// the navigation, the browser's back button, 取消 or a reload asks first, and a submitted form does
// not; in the process modeler, the sidebar and the crumb ask too, and a session that expired before
// the deploy keeps the diagram for after the login, offered back or given up.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Page } from 'playwright-core';
import { BpmnModdle } from 'bpmn-moddle';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { demoCadre } from '../helpers/cases.ts';
import { firstUserTask } from '../helpers/bpmn-edit.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';
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

const leaveDialog = (p: Page) => p.getByRole('dialog', { name: '放弃未保存的内容？' });
const nav = (p: Page) => p.getByRole('navigation', { name: '主导航' });

/** The copy-request form, opened from the list of processes (so that the back button stays in the app). */
async function openCopyRequest(p: Page) {
  await nav(p).getByRole('link', { name: '发起申请' }).click();
  await p.locator('a[href="/start/copy-request"]').click();
  await p.getByRole('button', { name: '提交申请' }).waitFor();
}

test.serial('a start form with something typed asks before a link, the back button, 取消 or a reload; a submitted one does not', async (t) => {
  const p = b.page;
  const cadre = await demoCadre(sys, 'unit');
  await login(p, sys.url, 'applicant1');
  await openCopyRequest(p);

  // Nothing typed yet: a link just goes.
  await nav(p).getByRole('link', { name: '工作台' }).click();
  await p.waitForURL(`${sys.url}/`);
  t.false(await leaveDialog(p).isVisible());

  await openCopyRequest(p);
  await p.getByLabel('被查阅干部姓名').fill(cadre.name);
  await p.getByLabel('复制/摘录理由').fill('干部考察需要复制任免审批表。');

  // A link in the navigation: asked; keep editing keeps everything.
  await nav(p).getByRole('link', { name: '工作台' }).click();
  await leaveDialog(p).waitFor();
  t.true(await leaveDialog(p).getByRole('button', { name: '继续编辑' }).evaluate((el: any) => el === el.ownerDocument.activeElement), 'focus starts on 继续编辑');
  await shot(p, 'leave-guard-start');
  await leaveDialog(p).getByRole('button', { name: '继续编辑' }).click();
  await leaveDialog(p).waitFor({ state: 'hidden' });
  t.regex(p.url(), /\/start\/copy-request$/);
  t.is(await p.getByLabel('被查阅干部姓名').inputValue(), cadre.name);
  t.is(await p.getByLabel('复制/摘录理由').inputValue(), '干部考察需要复制任免审批表。');

  // The browser's back button: asked, the URL stays the form's; Esc keeps editing too.
  await p.goBack();
  await leaveDialog(p).waitFor();
  t.regex(p.url(), /\/start\/copy-request$/);
  await p.keyboard.press('Escape');
  await leaveDialog(p).waitFor({ state: 'hidden' });
  t.is(await p.getByLabel('复制/摘录理由').inputValue(), '干部考察需要复制任免审批表。');

  // A reload: the browser's own question; staying keeps the text.
  const asked: string[] = [];
  p.once('dialog', (d) => {
    asked.push(d.type());
    void d.dismiss();
  });
  await p.reload({ timeout: 3000 }).catch(() => undefined);
  t.deepEqual(asked, ['beforeunload']);
  t.is(await p.getByLabel('复制/摘录理由').inputValue(), '干部考察需要复制任免审批表。');

  // The back button again, and this time the text is given up: the page before.
  await p.goBack();
  await leaveDialog(p).getByRole('button', { name: '放弃并离开' }).click();
  await p.waitForURL(/\/start$/);
  await p.getByRole('heading', { name: '发起申请', level: 1 }).waitFor();

  // 取消 (a link) asks too; giving up goes to the list.
  await p.locator('a[href="/start/copy-request"]').click();
  await p.getByLabel('复制/摘录理由').fill('另一事由。');
  await p.getByRole('link', { name: '取消' }).click();
  await leaveDialog(p).getByRole('button', { name: '放弃并离开' }).click();
  await p.waitForURL(/\/start$/);

  // Filled in and submitted: the application opens without a question, and leaving it asks nothing.
  await p.locator('a[href="/start/copy-request"]').click();
  await p.getByLabel('被查阅干部姓名').fill(cadre.name);
  await p.getByLabel('被查阅干部身份证号').fill(cadre.idNumber);
  await p.getByRole('checkbox', { name: '李红梅' }).check();
  await p.getByRole('radio', { name: '复制' }).check();
  await p.getByLabel(/利用目的/).selectOption({ value: '2' });
  await p.getByLabel('复制/摘录理由').fill('干部考察需要复制任免审批表。');
  const seq = p.getByRole('textbox', { name: /材料序号/ });
  const [first] = await sys.services.db('materials').where({ archive_id: cadre.archiveId }).orderBy('id').limit(1);
  await seq.fill(first.seq_no);
  await seq.press('Enter');
  await p.getByLabel('每份材料复制份数').fill('1');
  await p.getByRole('button', { name: '提交申请' }).click();
  await p.getByRole('heading', { name: '办理过程' }).waitFor();
  t.false(await leaveDialog(p).isVisible());
  await nav(p).getByRole('link', { name: '工作台' }).click();
  await p.waitForURL(`${sys.url}/`);
  t.false(await leaveDialog(p).isVisible());
  await logout(p);
  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});

/** The borrowing process's first approval step, renamed on the canvas. */
async function renameFirstStep(p: Page, from: string, to: string) {
  await p.locator('.djs-shape', { hasText: from }).first().dblclick();
  await p.locator('.djs-direct-editing-parent').waitFor();
  await p.keyboard.press('Control+A');
  await p.keyboard.type(to);
  await p.keyboard.press('Enter');
  await p.locator('.djs-shape', { hasText: to }).first().waitFor();
}

test.serial('the modeler asks before the sidebar or the crumb leaves undeployed changes; an expired session keeps them for after the login', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  const v1 = await db('process_deployments').where({ process_key: 'borrowing' }).orderBy('version', 'desc').first();
  const { rootElement } = await new BpmnModdle({ camunda }).fromXML(v1.xml);
  const step = firstUserTask(rootElement.rootElements.find((e: any) => e.$type === 'bpmn:Process'));
  const renamed = `${step.name}（调整）`;

  await login(p, sys.url, 'procadmin');
  await nav(p).getByRole('link', { name: '流程管理' }).click();
  await p.getByRole('link', { name: `编辑 ${v1.name}` }).click();
  await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();

  // Not changed yet: the sidebar just goes.
  await nav(p).getByRole('link', { name: '运行监控' }).click();
  await p.waitForURL(/\/admin\/instances/);
  await p.goBack();
  await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();

  await renameFirstStep(p, step.name, renamed);
  await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();
  t.false(await p.getByRole('button', { name: '部署新版本' }).isDisabled());

  // 运行监控 in the sidebar: asked; keep editing.
  await nav(p).getByRole('link', { name: '运行监控' }).click();
  await leaveDialog(p).getByText('流程图有未部署的修改，离开后将丢失。').waitFor();
  await shot(p, 'leave-guard-modeler');
  await leaveDialog(p).getByRole('button', { name: '继续编辑' }).click();
  await leaveDialog(p).waitFor({ state: 'hidden' });
  t.regex(p.url(), /\/admin\/processes\/borrowing\/edit$/);
  // The crumb asks too.
  await p.getByRole('main').getByRole('link', { name: '流程管理' }).click();
  await leaveDialog(p).getByRole('button', { name: '继续编辑' }).click();
  await p.locator('.djs-shape', { hasText: renamed }).first().waitFor();

  // The session ends on the server meanwhile; the deploy is refused and the login page opens.
  await db('sessions').delete();
  await p.getByRole('button', { name: '部署新版本' }).click();
  const deploy = p.getByRole('dialog', { name: '部署新版本' });
  await deploy.getByLabel('变更说明').fill('调整审核环节名称');
  await deploy.getByRole('button', { name: '部署新版本' }).click();
  await p.getByText('登录已失效，请重新登录。').waitFor();
  t.is((await db('process_deployments').where({ process_key: 'borrowing' })).length, 1, 'nothing was deployed');

  // Logged in again: back at the modeler, which offers the undeployed diagram.
  await p.getByLabel('用户名').fill('procadmin');
  await p.getByLabel('密码').fill('Dangan@2026');
  await p.getByRole('button', { name: '登录' }).click();
  const kept = p.getByTestId('kept-draft');
  await kept.getByText(/您上次对此流程有未部署的修改（.+暂存，基于第 1 版）。/).waitFor();
  await shot(p, 'leave-guard-kept');
  await kept.getByRole('button', { name: '载入未部署的修改' }).click();
  await p.locator('.djs-shape', { hasText: renamed }).first().waitFor();
  await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();
  t.false(await p.getByRole('button', { name: '部署新版本' }).isDisabled(), 'the restored work can be deployed');

  // Given up on leaving: not offered again.
  await nav(p).getByRole('link', { name: '运行监控' }).click();
  await leaveDialog(p).getByRole('button', { name: '放弃并离开' }).click();
  await p.waitForURL(/\/admin\/instances/);
  await nav(p).getByRole('link', { name: '流程管理' }).click();
  await p.getByRole('link', { name: `编辑 ${v1.name}` }).click();
  await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();
  t.is(await kept.count(), 0);
  await p.locator('.djs-shape', { hasText: step.name }).first().waitFor();
  t.is(await p.locator('.djs-shape', { hasText: renamed }).count(), 0);

  // Kept again, and this time deployed: the kept copy is gone with it.
  await renameFirstStep(p, step.name, renamed);
  await p.getByTestId('lint-state').getByText('校验通过，可以部署。').waitFor();
  await p.getByRole('button', { name: '部署新版本' }).click();
  await deploy.getByLabel('变更说明').fill('调整审核环节名称');
  await deploy.getByRole('button', { name: '部署新版本' }).click();
  await p.getByRole('heading', { name: '流程管理', level: 1 }).waitFor();
  t.is((await db('process_deployments').where({ process_key: 'borrowing' })).length, 2);
  t.is(await p.evaluate(`Object.keys(sessionStorage).filter((k) => k.startsWith('dangan.modeler-draft.')).length`), 0);

  // The only failures are the refused calls of the ended session.
  t.true(b.problems.every((m) => /401/.test(m)), b.problems.join('\n'));
  t.deepEqual(b.outside, []);
});

test.serial('a new process not deployed yet survives a reload: offered back with its key, and 丢弃 forgets it', async (t) => {
  const p = b.page;
  await p.goto(`${sys.url}/admin/processes/new`);
  await p.getByLabel('流程标识').fill('leave-kept');
  await p.getByLabel('流程名称', { exact: true }).fill('暂存测试流程');
  await p.getByRole('button', { name: '确认' }).click();
  await p.locator('.djs-shape', { hasText: '办结' }).first().waitFor();
  await renameFirstStep(p, '办结', '办理完毕');

  // The reload is let through at the browser's question; the work comes back on offer.
  p.once('dialog', (d) => void d.accept());
  await p.reload();
  const kept = p.getByTestId('kept-draft');
  await kept.getByText(/您上次新建的流程“leave-kept”尚未部署（.+暂存）。/).waitFor();
  await kept.getByRole('button', { name: '载入未部署的修改' }).click();
  await p.getByRole('heading', { name: '新建流程', level: 1 }).waitFor();
  await p.getByText('leave-kept · 新流程').waitFor();
  await p.locator('.djs-shape', { hasText: '办理完毕' }).first().waitFor();

  // Offered again after another reload, and this time given up: a fresh start.
  p.once('dialog', (d) => void d.accept());
  await p.reload();
  await kept.getByRole('button', { name: '丢弃' }).click();
  await p.getByLabel('流程标识').waitFor();
  t.is(await p.getByLabel('流程标识').inputValue(), '');
  await p.reload();
  await p.getByLabel('流程标识').waitFor();
  t.is(await kept.count(), 0);
  t.true(b.problems.every((m) => /401/.test(m)), b.problems.join('\n'));
});
