// A task's mail link after the task stopped being the reader's to do: the page says why —
// 申请人已撤回此申请 (the applicant withdrew), 该案件已终止 (the process administrator ended the case),
// 已由他人办理 (a colleague did it) — and shows nothing of a case the reader may no longer read,
// instead of "任务不存在，或您无权查看". Screenshots in a temp folder.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { addUser } from '../helpers/users.ts';
import { demoCadre, fileConsultation } from '../helpers/cases.ts';
import { approve, taskAt } from '../helpers/workflow.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
const REASON = '撤回测试：拟提拔考察，需查阅任免材料。';

test.before(async () => {
  sys = await startSystem();
  await addUser(sys, { username: 'unithead9', displayName: '韩立平', org: '150300-JW', roles: ['unit_head'] });
  b = await openBrowser(sys.url, { width: 1280, height: 800 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

async function waitingTask(n: number) {
  const id = await fileConsultation(sys, 'applicant1', REASON, '2', 'onsite', await demoCadre(sys, 'county', n));
  const task = await taskAt(await sys.as('unithead1'), id, 'unitHeadReview');
  return { id, taskId: task.id as string, businessKey: (await sys.services.db('process_instances').where({ id }).first()).business_key as string };
}

test.serial('the 待认领 link of a withdrawn application says the applicant withdrew it, and nothing of the case', async (t) => {
  const c = await waitingTask(0);
  t.is((await (await sys.as('applicant1')).post(`/api/process-instances/${c.id}/withdraw`, { reason: '材料不全，撤回重报。' })).status, 200);
  const p = b.page;
  await login(p, sys.url, 'unithead1');
  b.problems.length = 0;
  await p.goto(`${sys.url}/tasks/${c.taskId}`);
  const card = p.getByTestId('task-closed');
  await card.waitFor();
  t.is(await p.getByRole('heading', { level: 1 }).innerText(), '单位负责人审核');
  t.true((await card.innerText()).includes('此任务已无需办理'));
  t.true((await card.getByRole('status').innerText()).includes('申请人已撤回此申请'));
  const body = await p.locator('main').innerText();
  t.false(body.includes('任务不存在'), 'not the refusal');
  t.false(body.includes('拟提拔考察'), 'nothing of the case’s subject');
  t.true(body.includes(c.businessKey), 'the case number says which one it was');
  await card.getByRole('link', { name: '返回待办' }).waitFor();
  t.deepEqual(b.problems, [], 'no refused request behind the page');
  t.log(await shot(p, 'task-closed-withdrawn'));

  // In English.
  await p.getByLabel('语言').selectOption('en');
  await card.getByText('The applicant withdrew this application').waitFor();
  await p.getByLabel('Language').selectOption('zh');
});

test.serial('a case the administrator cancelled says 该案件已终止; a task a colleague did says 已由他人办理 and by whom', async (t) => {
  const p = b.page;
  const c = await waitingTask(1);
  t.is((await (await sys.as('procadmin')).post(`/api/admin/instances/${c.id}/cancel`, { reason: '重复申请，予以终止。' })).status, 200);
  await p.goto(`${sys.url}/tasks/${c.taskId}`);
  await p.getByTestId('task-closed').getByRole('status').filter({ hasText: '该案件已终止' }).waitFor();
  t.false((await p.locator('main').innerText()).includes('撤回测试'));

  const d = await waitingTask(2);
  const unitHead = await sys.as('unithead1');
  t.is((await unitHead.post(`/api/tasks/${d.taskId}/claim`)).status, 200);
  t.is((await unitHead.post(`/api/tasks/${d.taskId}/complete`, { variables: approve() })).status, 200);
  await logout(p);
  await login(p, sys.url, 'unithead9');
  b.problems.length = 0;
  await p.goto(`${sys.url}/tasks/${d.taskId}`);
  const status = p.getByTestId('task-closed').getByRole('status');
  await status.waitFor();
  t.regex(await status.innerText(), /已由他人办理：张志强 于 .+ 办理完毕/);
  t.false((await p.locator('main').innerText()).includes('撤回测试'));
  t.deepEqual(b.problems, []);
  t.log(await shot(p, 'task-closed-done-by-other'));
});

test.serial('the one who did it still reads the task with its case', async (t) => {
  const p = b.page;
  const d = await waitingTask(3);
  const unitHead = await sys.as('unithead1');
  t.is((await unitHead.post(`/api/tasks/${d.taskId}/complete`, { variables: approve('情况属实。') })).status, 200);
  await logout(p);
  await login(p, sys.url, 'unithead1');
  await p.goto(`${sys.url}/tasks/${d.taskId}`);
  await p.getByText('此任务已办结').waitFor();
  t.true((await p.locator('main').innerText()).includes('撤回测试'), 'the case summary is there');
  t.is(await p.getByTestId('task-closed').count(), 0);
});
