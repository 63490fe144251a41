// The inbox API as the archivist uses it: filters by process, due state, applying unit and text;
// sorting by due date and by age; pages; counts for the workbench; facets; ETag polling; and
// background polls that do not keep an idle session alive.
import test from 'ava';
import { borrowingVariables, demoCadre } from '../../test/helpers/cases.ts';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import { approve, orgId, taskAt } from '../../test/helpers/workflow.ts';
import { deployFixture } from '../../test/helpers/fixtures.ts';
import { addUser } from '../../test/helpers/users.ts';
import type { HttpClient } from '../../test/helpers/http.ts';

let sys: TestSystem;
let archivist: HttpClient;
const ids: Record<string, string> = {};
const HOUR = 3_600_000;

async function apply(username: string, reason: string) {
  const applicant = await sys.as(username);
  const res = await applicant.post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(sys, username, await demoCadre(sys), { purpose: '2', mode: 'electronic', reason }),
  });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body.id as string;
}

async function passUnitHead(unitHead: string, id: string) {
  const u = await sys.as(unitHead);
  const task = await taskAt(u, id, 'unitHeadReview');
  const r = await u.post(`/api/tasks/${task.id}/complete`, { variables: approve() });
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
}

const names = (res: any) => res.body.items.map((i: any) => i.instanceId);

test.before(async () => {
  sys = await startSystem();
  await addUser(sys, { username: 'applicant3', displayName: '高志远', org: '150300-RSJ', roles: ['applicant'] });
  await addUser(sys, { username: 'unithead3', displayName: '马秀兰', org: '150300-RSJ', roles: ['unit_head'] });
  await addUser(sys, { username: 'applicant4', displayName: '罗晓东', org: '150300-RSJ', roles: ['applicant'] });
  await deployFixture(sys.services, 'inbox-nodue.bpmn');
  // A: 纪委监委, reaches the archivist at T0 (due T0+3d).
  ids.A = await apply('applicant1', '拟提拔考察，需查阅干部档案。');
  await passUnitHead('unithead1', ids.A);
  // B: 人社局, reaches the archivist a day later (due T0+4d).
  sys.clock.advance(24 * HOUR);
  ids.B = await apply('applicant3', '职称评聘需要核对学历材料。');
  await passUnitHead('unithead3', ids.B);
  // C: a process with no due date, offered to every archivist.
  sys.clock.advance(HOUR);
  const c = await (await sys.as('applicant1')).post('/api/process-instances', { processKey: 'nodue', variables: {} });
  ids.C = c.body.id;
  // Now T0+3.5d: A is overdue, B is due within 24 h, C has no date.
  sys.clock.advance(59 * HOUR);
  archivist = await sys.as('archivist1');
});
test.after.always(async () => {
  await sys?.close();
});

test.serial('the open inbox lists my groups’ tasks by due date with the due state of each', async (t) => {
  const res = await archivist.get('/api/tasks');
  t.is(res.status, 200);
  t.is(res.body.total, 3);
  t.deepEqual(names(res), [ids.A, ids.B, ids.C]);
  t.deepEqual(res.body.items.map((i: any) => i.dueState), ['overdue', 'soon', 'none']);
  const a = res.body.items[0];
  t.is(a.processName, '查阅/借阅干部人事档案');
  t.is(a.initiatorName, '王建国');
  t.is(a.initiatorOrgName, '乌海市纪委监委');
  t.is(a.name, '档案管理员受理审查');
  t.is(a.subject, '电子查阅：拟提拔考察，需查阅干部档案。');
  t.is(res.body.serverTime, sys.clock.now().toISOString());
});

test.serial('filters: due state, process, applying unit with its subtree, and text', async (t) => {
  const q = async (qs: string) => names(await archivist.get(`/api/tasks?${qs}`));
  t.deepEqual(await q('due=overdue'), [ids.A]);
  t.deepEqual(await q('due=soon'), [ids.B]);
  t.deepEqual(await q('due=none'), [ids.C]);
  t.deepEqual(await q('due=later'), []);
  t.deepEqual(await q('processKey=borrowing'), [ids.A, ids.B]);
  t.deepEqual(await q(`unitId=${await orgId(sys, '150300-RSJ')}`), [ids.B]);
  t.deepEqual(await q(`unitId=${await orgId(sys, '150300-JW')}`), [ids.A, ids.C]);
  t.deepEqual(await q(`unitId=${await orgId(sys, '150300')}`), [ids.A, ids.B, ids.C], 'a city takes the units below it');
  t.deepEqual(await q(`q=${encodeURIComponent('高志远')}`), [ids.B], 'applicant name');
  t.deepEqual(await q(`q=${encodeURIComponent('人力资源')}`), [ids.B], 'unit name');
  t.deepEqual(await q(`q=${encodeURIComponent('登记')}`), [ids.C], 'task name');
  t.deepEqual(await q(`q=${encodeURIComponent('职称评聘')}`), [ids.B], 'the case subject the process set');
  t.deepEqual(await q(`q=${encodeURIComponent('借阅')}&due=overdue`), [ids.A], 'filters combine');
  t.deepEqual(await q(`q=${encodeURIComponent('%')}`), [], 'LIKE wildcards are taken literally');
  const bad = await archivist.get('/api/tasks?due=yesterday');
  t.is(bad.status, 400);
  t.is(bad.body.code, 'VALIDATION_FAILED');
  t.is((await archivist.get('/api/tasks?foo=1')).status, 400, 'unknown parameters are refused');
});

test.serial('sort by age puts the longest-waiting first; pages keep the total', async (t) => {
  const res = await archivist.get('/api/tasks?sort=age');
  t.deepEqual(names(res), [ids.A, ids.B, ids.C]);
  const page2 = await archivist.get('/api/tasks?limit=1&offset=1');
  t.is(page2.body.total, 3);
  t.deepEqual(names(page2), [ids.B]);
  // Make age and due order differ: C is the newest but has no date; a fresh A-like task is due last.
  sys.clock.advance(HOUR);
  const D = await apply('applicant2', '巡察工作需要了解干部情况。');
  await passUnitHead('unithead1', D);
  archivist = await sys.as('archivist1'); // the clock moved past the idle timeout
  const byDue = names(await archivist.get('/api/tasks?sort=due'));
  const byAge = names(await archivist.get('/api/tasks?sort=age'));
  t.deepEqual(byDue, [ids.A, ids.B, D, ids.C]);
  t.deepEqual(byAge, [ids.A, ids.B, ids.C, D]);
  ids.D = D;
});

test.serial('workbench counts and facets follow claims', async (t) => {
  const before = await archivist.get('/api/tasks/summary');
  t.is(before.status, 200);
  t.like(before.body, { open: 4, mine: 0, candidate: 4, overdue: 1, soon: 1, none: 1, applicationsOpen: 0, dueSoonHours: 24 });
  const task = await taskAt(archivist, ids.B, 'archivistReview');
  t.is((await archivist.post(`/api/tasks/${task.id}/claim`)).status, 200);
  const after = await archivist.get('/api/tasks/summary');
  t.like(after.body, { open: 4, mine: 1, candidate: 3 });
  t.deepEqual(names(await archivist.get('/api/tasks?filter=mine')), [ids.B]);
  t.false(names(await archivist.get('/api/tasks?filter=candidate')).includes(ids.B));

  const applicant = await sys.as('applicant1');
  // A and C are applicant1's; D is applicant2's naming applicant1 as co-applicant (我的申请 lists it: 共同申请).
  t.is((await applicant.get('/api/tasks/summary')).body.applicationsOpen, 3, 'A, C and D are open applications of applicant1');

  const facets = await archivist.get('/api/tasks/facets');
  t.deepEqual(
    facets.body.processes.map((p: any) => [p.id, p.count]),
    [['borrowing', 3], ['nodue', 1]],
  );
  t.deepEqual(
    facets.body.units.map((u: any) => [u.name, u.count]),
    [['乌海市纪委监委', 3], ['乌海市人力资源和社会保障局', 1]],
  );
  await archivist.post(`/api/tasks/${task.id}/unclaim`);
});

test.serial('completed by me, with the same filters', async (t) => {
  const unitHead = await sys.as('unithead1');
  const done = await unitHead.get('/api/tasks?filter=completed');
  t.is(done.status, 200);
  t.deepEqual(names(done), [ids.D, ids.A], 'most recently completed first');
  t.true(done.body.items.every((i: any) => i.status === 'completed' && i.outcome === 'approve'));
  t.deepEqual(names(await unitHead.get(`/api/tasks?filter=completed&q=${encodeURIComponent('巡察')}`)), [ids.D]);
  t.deepEqual(names(await unitHead.get(`/api/tasks?filter=completed&q=${encodeURIComponent('无此内容')}`)), []);
  t.is((await unitHead.get('/api/tasks?filter=completed&processKey=nodue')).body.total, 0);
});

test.serial('another office sees only what is offered to every archivist', async (t) => {
  const other = await sys.as('receiver1');
  t.deepEqual(names(await other.get('/api/tasks')), [ids.C]);
  const applicant = await sys.as('applicant1');
  t.is((await applicant.get('/api/tasks')).body.total, 0);
  t.is((await (await sys.as('procadmin')).get('/api/tasks')).status, 403, 'the process admin has no inbox');
});

test.serial('ETag polling: unchanged answers 304 with no body; a new task changes the tag', async (t) => {
  archivist = await sys.as('archivist1');
  const first = await archivist.get('/api/tasks');
  const tag = first.headers.get('etag');
  t.truthy(tag);
  const again = await archivist.request('GET', '/api/tasks', undefined, { 'if-none-match': tag! });
  t.is(again.status, 304);
  t.is(again.body, '');
  // Time passing alone changes nothing visible until a light changes colour.
  sys.clock.advance(60_000);
  t.is((await archivist.request('GET', '/api/tasks', undefined, { 'if-none-match': tag! })).status, 304);
  const E = await apply('applicant2', '党员发展需要政审。');
  await passUnitHead('unithead1', E);
  const changed = await archivist.request('GET', '/api/tasks', undefined, { 'if-none-match': tag! });
  t.is(changed.status, 200);
  t.not(changed.headers.get('etag'), tag);
  t.true(names(changed).includes(E));
  const sum = await archivist.get('/api/tasks/summary');
  t.is((await archivist.request('GET', '/api/tasks/summary', undefined, { 'if-none-match': sum.headers.get('etag')! })).status, 304);
});

test.serial('background polls do not keep an idle session alive; real use does', async (t) => {
  const idle = sys.services.config.session.idleSeconds * 1000;
  const poller = await sys.as('archivist1');
  const worker = await sys.as('archivist1');
  const bg = { 'x-dangan-background': '1' };
  sys.clock.advance(idle - 60_000);
  t.is((await poller.request('GET', '/api/tasks/summary', undefined, bg)).status, 200);
  t.is((await worker.get('/api/tasks/summary')).status, 200);
  sys.clock.advance(90_000);
  const expired = await poller.request('GET', '/api/tasks/summary', undefined, bg);
  t.is(expired.status, 401);
  t.is(expired.body.code, 'UNAUTHENTICATED');
  t.is((await worker.get('/api/tasks/summary')).status, 200, 'the user who clicked is still logged in');
});
