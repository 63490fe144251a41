// A task's mail link after the task stopped being the reader's to do: the page says why —
// 申请人已撤回此申请 (the applicant withdrew), 该案件已终止 (the process administrator ended the case),
// 已由他人办理 (a colleague did it) — and shows nothing of a case the reader may no longer read,
// instead of "任务不存在，或您无权查看". And the page while colleagues act on the same task: a
// double-click on 认领 claims once and the page keeps one diagram; a decision refused because a
// colleague completed the step (or the user's role went) is said NOT submitted, and what was entered
// stays on the page, one click from 意见交流. Screenshots in a temp folder.
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
  await addUser(sys, { username: 'archivist2', displayName: '周代办', org: '150300-ZZB-DAS', roles: ['archivist'] });
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

// The task page while colleagues act on the same task (the exploratory tester's findings).
const diagramCard = () => b.page.locator('section', { has: b.page.getByRole('heading', { name: '流程图', level: 2 }) });
const activeStep = (id: string) => diagramCard().locator(`.djs-element.dg-active[data-element-id="${id}"]`);

test.serial('认领 on the task page: a double-click claims once, and the page still shows one diagram', async (t) => {
  const p = b.page;
  const c = await waitingTask(4);
  await logout(p);
  await login(p, sys.url, 'unithead9');
  b.problems.length = 0;
  await p.goto(`${sys.url}/tasks/${c.taskId}`);
  await activeStep('unitHeadReview').waitFor();
  t.is(await p.locator('.djs-container').count(), 1);

  const claims: string[] = [];
  const count = (r: { method(): string; url(): string }) => r.method() === 'POST' && r.url().endsWith('/claim') && claims.push(r.url());
  p.on('request', count);
  const redrawn = p.waitForResponse((r) => r.url().endsWith(`/api/process-instances/${c.id}/diagram`));
  await p.getByRole('button', { name: '认领', exact: true }).dblclick();
  await p.getByRole('button', { name: '退回组内' }).waitFor();
  await redrawn;
  await p.waitForTimeout(600); // time for a second claim to be sent, or a second viewer drawn, were there one
  p.off('request', count);
  t.is(claims.length, 1, 'one claim for a double-click');
  t.is(await p.locator('.djs-container').count(), 1, 'one diagram, in its card');
  await activeStep('unitHeadReview').waitFor();
  t.is(await diagramCard().locator('.djs-container').count(), 1);
  t.deepEqual(b.problems, []);
});

test.serial('a colleague completes the step while I write: my opposite decision is said not submitted and kept; the diagram shows the new step', async (t) => {
  const p = b.page;
  // Two archivists of the city office: 周代办 writes 不同意 while 刘晓燕 takes the step and approves it.
  const c = await waitingTask(5);
  t.is((await (await sys.as('unithead1')).post(`/api/tasks/${c.taskId}/complete`, { variables: approve() })).status, 200);
  const taskId = (await taskAt(await sys.as('archivist1'), c.id, 'archivistReview')).id as string;
  await logout(p);
  await login(p, sys.url, 'archivist2');
  b.problems.length = 0;
  await p.goto(`${sys.url}/tasks/${taskId}`);
  await activeStep('archivistReview').waitFor();
  const mine = '材料不全，不同意查阅，请补齐任免审批表后再报。';
  await p.getByRole('radio', { name: '不同意', exact: true }).check();
  await p.getByLabel('意见说明').fill(mine);
  await p.getByRole('button', { name: '提交办理意见' }).click();
  const dialog = p.getByRole('dialog', { name: '确认提交' });
  await dialog.getByText(mine).waitFor();

  const archivist = await sys.as('archivist1');
  t.is((await archivist.post(`/api/tasks/${taskId}/claim`)).status, 200);
  t.is((await archivist.post(`/api/tasks/${taskId}/complete`, { variables: approve() })).status, 200);

  await dialog.getByRole('button', { name: '确认' }).click();
  const notice = p.getByTestId('task-unsent');
  await notice.waitFor();
  await p.getByText('此任务已办结').waitFor();
  const said = await notice.innerText();
  t.true(said.includes('您的意见未提交：此任务已由 刘晓燕 办结。'), said);
  t.true(said.includes('意见：不同意'), 'what I chose is still on the page');
  t.true(said.includes(mine), 'what I wrote is still on the page');
  t.true(await notice.evaluate((el: any) => el === el.ownerDocument.activeElement), 'the notice has the focus');

  // The diagram in its card shows where the case is now; no second one.
  await activeStep('chiefApproval').waitFor();
  t.is(await activeStep('archivistReview').count(), 0);
  t.is(await p.locator('.djs-container').count(), 1);
  t.log(await shot(p, 'task-unsent-1280'));

  // 复制到意见交流: the text goes to the case's comments, one click to send.
  await notice.getByRole('button', { name: '复制到意见交流' }).click();
  const box = p.getByLabel('写下留言');
  t.is(await box.inputValue(), `意见：不同意\n说明：${mine}`);
  t.true(await box.evaluate((el: any) => el === el.ownerDocument.activeElement));
  await p.getByRole('button', { name: '发送' }).click();
  await p.locator('ul.comments li', { hasText: mine }).waitFor();
  t.true(b.problems.includes(`HTTP 409: POST ${sys.url}/api/tasks/${taskId}/complete`));
  t.deepEqual(b.problems.filter((x) => !x.includes('409')), [], 'the refusal, nothing else');

  // In English, on a narrower screen.
  await p.setViewportSize({ width: 1024, height: 800 });
  await p.getByLabel('语言').selectOption('en');
  await notice.getByText('Your decision was NOT submitted: 刘晓燕 has already completed this task.').waitFor();
  await notice.getByRole('button', { name: 'Copy to comments' }).waitFor();
  await notice.scrollIntoViewIfNeeded();
  t.log(await shot(p, 'task-unsent-1024-en'));
  await p.getByLabel('Language').selectOption('zh');
  await p.setViewportSize({ width: 1280, height: 800 });
  await logout(p);
  await login(p, sys.url, 'unithead9');
});

test.serial('a user whose role was removed while the task was open is told so on submitting, and keeps what they wrote', async (t) => {
  const p = b.page;
  const d = await waitingTask(6);
  b.problems.length = 0;
  await p.goto(`${sys.url}/tasks/${d.taskId}`);
  await activeStep('unitHeadReview').waitFor();
  await p.getByRole('radio', { name: '同意', exact: true }).check();
  await p.getByLabel('意见说明').fill('同意查阅。');
  // The security administrator takes the role away (as the roles route does: the user's rows go).
  const id = (await sys.services.db('users').where({ username: 'unithead9' }).first()).id;
  await sys.services.db('user_roles').where({ user_id: id }).delete();
  await p.getByRole('button', { name: '提交办理意见' }).click();
  await p.getByRole('dialog', { name: '确认提交' }).getByRole('button', { name: '确认' }).click();
  const notice = p.getByTestId('task-unsent');
  await notice.waitFor();
  const said = await notice.innerText();
  t.true(said.includes('您的意见未提交：您已无权办理此任务（角色或权限已变更），请联系安全保密管理员。'), said);
  t.true(said.includes('说明：同意查阅。'));
  t.false((await p.locator('main').innerText()).includes('您无权进行此操作'), 'not the generic refusal');
  t.log(await shot(p, 'task-unsent-no-right'));
});
