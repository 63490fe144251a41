// 办理回避 on the task page in chromium: the archive chief who approved a borrowing opens its later
// 现场查阅 (an archivist's step he may hand on but not work): the page says why (办理回避：…), offers
// 转办, and neither 认领 nor 提交办理意见 — also for the archivist who is the chief as well, whom a
// naive fix offered the claim. A claim an avoidance entry gave back reads in the timeline as the
// holder having to avoid the cadre (never how they are tied). Screenshot: a temp folder
// (docs/screenshots/task-bar.png with UPDATE_SCREENSHOTS=1).
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { addUser } from '../helpers/users.ts';
import { actor, asAdmin } from '../helpers/notify.ts';
import { approveStep, borrowingVariables, demoCadre } from '../helpers/cases.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;

test.before(async () => {
  sys = await startSystem();
  await addUser(sys, { username: 'archivist8', displayName: '孙丽娟', org: '150300-ZZB-DAS', roles: ['archivist'] });
  b = await openBrowser(sys.url, { width: 1280, height: 900 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

/** An on-site borrowing approved by `chief`, at its 现场查阅. */
async function atReading(nth: number, chief: string): Promise<string> {
  const cadre = await demoCadre(sys, 'county', nth);
  const res = await (await sys.as('applicant1')).post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', cadre, { mode: 'onsite' }) });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  await approveStep(sys, 'unithead1', res.body.id, 'unitHeadReview');
  await approveStep(sys, 'archivist8', res.body.id, 'archivistReview');
  await approveStep(sys, chief, res.body.id, 'chiefApproval');
  return (await sys.services.db('tasks').where({ instance_id: res.body.id, element_id: 'onsiteReading', status: 'open' }).first()).id;
}

async function seesBar(t: any, username: string, taskId: string, name: string) {
  const p = b.page;
  await login(p, sys.url, username);
  await p.goto(`${sys.url}/tasks/${taskId}`);
  await p.getByRole('heading', { level: 1 }).waitFor();
  const bar = p.getByTestId('task-bar');
  await bar.waitFor();
  t.regex(await bar.innerText(), /^办理回避：您已在本案中办理过另一岗位的环节，两级审批须由两人办理，您不能办理本环节。\s*您仍可将其转办给本岗位的其他同事。$/);
  t.true(await p.getByRole('button', { name: '转办' }).isVisible(), '转办 stays');
  t.is(await p.getByRole('button', { name: '认领' }).count(), 0, 'no claim offered');
  t.is(await p.getByRole('button', { name: '提交办理意见' }).count(), 0, 'no submit offered');
  await bar.scrollIntoViewIfNeeded();
  await shot(p, name);
  await p.screenshot({ path: `/tmp/bars/${name}.png`, fullPage: false }).catch(() => undefined);
  await logout(p);
}

test.serial('the chief who approved opens the later archivist step: 办理回避 said, 转办 offered, no claim, no submit', async (t) => {
  await seesBar(t, 'chief1', await atReading(0, 'chief1'), 'task-bar');
  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});

test.serial('the archivist who is the chief as well and approved is not offered the claim of the archivist step', async (t) => {
  const sec = await asAdmin(sys, 'secadmin');
  const me = await actor(sys, 'archivist1');
  t.is((await sec.request('PUT', `/api/admin/users/${me.id}/roles`, { roles: ['archivist', 'archive_chief'] })).status, 200);
  t.teardown(() => sec.request('PUT', `/api/admin/users/${me.id}/roles`, { roles: ['archivist'] }));
  await seesBar(t, 'archivist1', await atReading(1, 'archivist1'), 'task-bar-archivist-chief');
  t.deepEqual(b.problems, []);
});

test.serial('a claim given back by an avoidance entry reads in the timeline as the former holder having to stand aside, naming no one (regression: it named 孙丽娟, a personal tie)', async (t) => {
  const cadre = await demoCadre(sys, 'county', 2);
  const res = await (await sys.as('applicant1')).post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', cadre, { mode: 'onsite' }) });
  t.is(res.status, 201);
  await approveStep(sys, 'unithead1', res.body.id, 'unitHeadReview');
  const task = await sys.services.db('tasks').where({ instance_id: res.body.id, element_id: 'archivistReview', status: 'open' }).first();
  t.is((await (await sys.as('archivist8')).post(`/api/tasks/${task.id}/claim`)).status, 200);
  const sec = await asAdmin(sys, 'secadmin');
  const entry = await sec.request('POST', '/api/avoidance-entries', { userId: (await actor(sys, 'archivist8')).id, cadreIdNumber: cadre.idNumber, reason: '曾与该干部同一科室工作，按规定回避' });
  t.is(entry.status, 201, JSON.stringify(entry.body));

  const p = b.page;
  await login(p, sys.url, 'archivist1');
  await p.goto(`${sys.url}/tasks/${task.id}`);
  const line = p.locator('.timeline li', { hasText: '「档案管理员受理审查」退回待认领：原办理人须回避，不能再办理' });
  await line.waitFor();
  t.false(((await p.locator('.timeline').textContent()) ?? '').includes('孙丽娟'), 'the timeline names no one who must avoid');
  t.true(await p.getByRole('button', { name: '提交办理意见' }).isVisible(), 'the colleague works it');
  await logout(p);
  t.deepEqual(b.problems, []);
});
