// The task page's 确认提交 on a slow line: while POST /complete is pending the dialog stays open, both
// buttons are disabled, 确认 reads 正在提交…, and Esc does nothing (it closed the dialog and left the
// form looking editable while the task completed seconds later). The request is held by route
// interception until the test lets it go.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { fileConsultation } from '../helpers/cases.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';

let sys: TestSystem;
let b: Browsing;
let firstCase = '';
const SHOTS = '/tmp/uxfix';

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  firstCase = await fileConsultation(sys, 'applicant1', '拟提拔考察，需查阅任免材料。', '1', 'onsite');
  b = await openBrowser(sys.url, { width: 1280, height: 800 });
  fs.mkdirSync(SHOTS, { recursive: true });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('the task page’s 确认提交 stays open while the decision is sent: both buttons disabled, 正在提交…, Esc does nothing', async (t) => {
  const p = b.page;
  const task = await sys.services.db('tasks').where({ instance_id: firstCase, status: 'open' }).first();
  await login(p, sys.url, 'unithead1');
  await p.goto(`${sys.url}/tasks/${task.id}`);
  await p.getByRole('radio', { name: '同意', exact: true }).check();
  await p.getByLabel('意见说明').fill('情况属实，同意查阅。');
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  await p.route('**/api/tasks/*/complete', async (r) => {
    await released;
    await r.continue();
  });
  await p.getByRole('button', { name: '提交办理意见' }).click();
  const dialog = p.getByRole('dialog', { name: '确认提交' });
  await dialog.getByRole('button', { name: '确认' }).click();

  const sending = dialog.getByRole('button', { name: '正在提交…' });
  await sending.waitFor();
  t.true(await sending.isDisabled());
  t.true(await dialog.getByRole('button', { name: '取消' }).isDisabled());
  await p.screenshot({ path: `${SHOTS}/task-confirm-pending.png` });
  for (let i = 0; i < 3; i++) await p.keyboard.press('Escape');
  t.true(await dialog.isVisible(), 'Esc does not close it while the decision is on its way');
  t.is((await sys.services.db('tasks').where({ id: task.id }).first()).status, 'open');

  release();
  // Sent: on to the inbox, nothing else waiting.
  await p.getByText('已提交，您的待办已全部处理完毕。').waitFor();
  await dialog.waitFor({ state: 'hidden' });
  t.is((await sys.services.db('tasks').where({ id: task.id }).first()).status, 'completed');
  await p.unroute('**/api/tasks/*/complete');
  t.deepEqual(b.problems, []);
  await logout(p);
});
