// In chromium: a claim taken back by an account change reads in the case's timeline. archivist1
// holds a consultation's 受理审查 and is moved to another unit by the security administrator; the
// colleague who finds it back in the group's inbox reads on the task page why it came back, and
// archivist1's old link answers like a task that does not exist. Screenshot: held-task-released.png.
// A claim taken back because the account was disabled reads so (held-task-disabled.png).
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { addUser } from '../helpers/users.ts';
import { approveStep, demoCadre, fileConsultation, REASONS } from '../helpers/cases.ts';
import { orgId } from '../helpers/workflow.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
let taskId: string;
let disabledTaskId: string;

test.before(async () => {
  sys = await startSystem();
  await addUser(sys, { username: 'archivist2', displayName: '周代办', org: '150300-ZZB-DAS', roles: ['archivist'] });
  const caseId = await fileConsultation(sys, 'applicant1', REASONS[1], '2', 'electronic', await demoCadre(sys, 'county', 6));
  await approveStep(sys, 'unithead1', caseId, 'unitHeadReview');
  taskId = (await sys.services.db('tasks').where({ instance_id: caseId, element_id: 'archivistReview', status: 'open' }).first()).id;
  const claimed = await (await sys.as('archivist1')).post(`/api/tasks/${taskId}/claim`, {});
  if (claimed.status !== 200) throw new Error(JSON.stringify(claimed.body));
  const archivist1 = (await sys.services.db('users').where({ username: 'archivist1' }).first()).id;
  const moved = await (await sys.as('secadmin')).request('PUT', `/api/admin/users/${archivist1}/org-unit`, { orgUnitId: await orgId(sys, '150302-ZZB-DAS') });
  if (moved.status !== 200) throw new Error(JSON.stringify(moved.body));
  // archivist3 claims another consultation's 受理审查 and their account is disabled.
  await addUser(sys, { username: 'archivist3', displayName: '孙停用', org: '150300-ZZB-DAS', roles: ['archivist'] });
  const other = await fileConsultation(sys, 'applicant1', REASONS[1], '2', 'electronic', await demoCadre(sys, 'county', 7));
  await approveStep(sys, 'unithead1', other, 'unitHeadReview');
  disabledTaskId = (await sys.services.db('tasks').where({ instance_id: other, element_id: 'archivistReview', status: 'open' }).first()).id;
  const taken = await (await sys.as('archivist3')).post(`/api/tasks/${disabledTaskId}/claim`, {});
  if (taken.status !== 200) throw new Error(JSON.stringify(taken.body));
  const archivist3 = (await sys.services.db('users').where({ username: 'archivist3' }).first()).id;
  const off = await (await sys.as('sysadmin')).post(`/api/admin/users/${archivist3}/disable`);
  if (off.status !== 200) throw new Error(JSON.stringify(off.body));
  b = await openBrowser(sys.url, { width: 1280, height: 900 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('the colleague reads why the task came back; the former holder finds nothing at the old link', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'archivist2');
  await p.goto(`${sys.url}/tasks/${taskId}`);
  await p.getByRole('heading', { name: '档案管理员受理审查', level: 1 }).waitFor();
  const line = p.getByText('「档案管理员受理审查」退回待认领：刘晓燕的所属单位已变更，不能再办理');
  await line.waitFor();
  t.true(await line.isVisible());
  t.true(await p.getByRole('button', { name: '认领' }).isVisible(), 'free to claim again');
  t.log(await shot(p, 'held-task-released', { fullPage: true }));
  await logout(p);

  await login(p, sys.url, 'archivist1');
  await p.goto(`${sys.url}/tasks/${taskId}`);
  await p.getByText(/不存在|无权|找不到/).first().waitFor();
  t.false(await p.getByRole('heading', { name: '档案管理员受理审查', level: 1 }).isVisible());
  await logout(p);
});

test.serial('a colleague reads that the task came back because its holder’s account was disabled, and claims it', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'archivist2');
  await p.goto(`${sys.url}/tasks/${disabledTaskId}`);
  await p.getByRole('heading', { name: '档案管理员受理审查', level: 1 }).waitFor();
  const line = p.getByText('「档案管理员受理审查」退回待认领：孙停用的账号已停用');
  await line.waitFor();
  t.true(await line.isVisible());
  const claim = p.getByRole('button', { name: '认领' });
  t.true(await claim.isVisible(), 'free to claim again');
  t.log(await shot(p, 'held-task-disabled', { fullPage: true }));
  await claim.click();
  await p.getByRole('button', { name: '认领' }).waitFor({ state: 'detached' });
  t.is((await sys.services.db('tasks').where({ id: disabledTaskId }).first()).assignee_id, (await sys.services.db('users').where({ username: 'archivist2' }).first()).id);
  await logout(p);
});
