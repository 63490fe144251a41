// 运行监控 over HTTP after a scripted load of mixed cases: counts per status and per element, the
// instance list's filters, and the operations — retry an incident, suspend/resume, cancel with a
// reason — each audited; and what one case shows the process administrator (and what it does not).
import test from 'ava';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import { scriptedLoad, type Expected } from '../../test/helpers/ops-load.ts';
import { fileConsultation } from '../../test/helpers/cases.ts';
import { approve, taskAt } from '../../test/helpers/workflow.ts';
import { beijingDay } from '../notify/beijing.ts';

let sys: TestSystem;
let expected: Expected;
const HOUR = 3_600_000;

test.before(async () => {
  sys = await startSystem();
  expected = await scriptedLoad(sys);
});
test.after.always(async () => {
  await sys?.close();
});

const audited = (action: string, objectId: string) => sys.services.db('audit_log').where({ action, object_id: objectId }).first();

test.serial('the operations view counts the cases of a version by status and per element', async (t) => {
  const admin = await sys.as('procadmin');
  const s = await admin.get('/api/admin/processes/filing/versions/1/stats');
  t.is(s.status, 200);
  t.deepEqual(s.body.totals, expected.totals);
  const got = Object.fromEntries(s.body.elements.map((e: any) => [e.elementId, { active: e.active, incidents: e.incidents }]));
  t.deepEqual(got, expected.elements);
  t.true(s.body.xml.includes('id="filing"'));

  const list = (await admin.get('/api/admin/processes')).body.find((p: any) => p.key === 'filing');
  t.deepEqual(list.versions[0].counts, expected.totals);
});

test.serial('the instance list filters by process, version, status, start day and waiting element', async (t) => {
  const admin = await sys.as('procadmin');
  const ids = (r: any) => r.body.items.map((i: any) => i.id).sort();
  const incidents = await admin.get('/api/admin/instances?processKey=filing&status=incident');
  t.deepEqual(ids(incidents), [...expected.ids.incident].sort());
  t.true(incidents.body.items.every((i: any) => i.incidents === 1 && i.activeSteps.some((x: any) => x.name === '档案管理员审核')));
  const atApprove = await admin.get('/api/admin/instances?processKey=filing&elementId=approve&limit=100');
  t.deepEqual(ids(atApprove), [...expected.ids.approve, ...expected.ids.suspended].sort());
  const suspended = await admin.get('/api/admin/instances?processKey=filing&elementId=approve&status=suspended');
  t.deepEqual(ids(suspended), expected.ids.suspended);
  const all = await admin.get('/api/admin/instances?processKey=filing&version=1&limit=10');
  t.is(all.body.total, Object.values(expected.totals).reduce((a, b) => a + b, 0));
  t.is(all.body.items.length, 10);
  t.true(all.body.items.every((i: any) => i.initiatorOrgName === '乌海市纪委监委' && !('subject' in i)));
  const today = beijingDay(sys.clock.now());
  t.is((await admin.get(`/api/admin/instances?processKey=filing&startedFrom=${today}&startedTo=${today}`)).body.total, all.body.total);
  t.is((await admin.get('/api/admin/instances?processKey=filing&startedTo=2026-01-01')).body.total, 0);
  t.is((await admin.get('/api/admin/instances?processKey=filing&version=2')).body.total, 0);
  t.is((await admin.get('/api/admin/instances?status=everything')).status, 400);
  t.is((await admin.get('/api/admin/instances?startedFrom=yesterday')).status, 400);
});

test.serial('the instance list finds a case by its number, whole or a part in any case — not by what the case is about', async (t) => {
  const admin = await sys.as('procadmin');
  const [one, two] = expected.ids.approve;
  await sys.services.db('process_instances').where({ id: one }).update({ business_key: 'GD-2026-0042' });
  await sys.services.db('process_instances').where({ id: two }).update({ business_key: 'GD-2026-0142' });
  await sys.services.db('workflow_cases').where({ instance_id: one }).update({ subject: '张建军的档案归档', search_text: '张建军的档案归档 gd-2026-0042' });
  const ids = async (q: string) => (await admin.get(`/api/admin/instances?q=${encodeURIComponent(q)}&limit=100`)).body.items.map((i: any) => i.id).sort();
  t.deepEqual(await ids('GD-2026-0042'), [one]);
  t.deepEqual(await ids('gd-2026-0042'), [one], 'any case');
  t.deepEqual(await ids('0042'), [one], 'a part of the number');
  t.deepEqual(await ids(' gd-2026-0 '), [one, two].sort(), 'trimmed; both numbers hold it');
  const both = await admin.get(`/api/admin/instances?q=${encodeURIComponent('gd-2026')}&status=running&processKey=filing&limit=1`);
  t.is(both.body.total, 2, 'with the other filters, the total counts every match');
  // The administrator reads no records: the subject (a cadre's name) finds nothing.
  t.deepEqual(await ids('张建军'), []);
  t.deepEqual(await ids('%'), [], 'a typed wildcard is a literal character');
  t.is((await admin.get(`/api/admin/instances?q=${'x'.repeat(61)}`)).status, 400);
});

test.serial('retrying an incident puts the job back with fresh retries; the case runs again and the reminder fires', async (t) => {
  const admin = await sys.as('procadmin');
  const id = expected.ids.incident[0];
  const view = await admin.get(`/api/admin/instances/${id}`);
  t.is(view.body.status, 'incident');
  const job = view.body.jobs.find((j: any) => j.status === 'incident');
  t.like(job, { elementId: 'remind', elementName: '两小时未办提醒', attempts: 3, retriesLeft: 0 });
  t.regex(job.lastError, /gateway unavailable/);
  t.deepEqual(view.body.incidentElements, ['remind']);

  const r = await admin.post(`/api/admin/jobs/${job.id}/retry`);
  t.is(r.status, 200);
  t.like(r.body, { jobId: job.id, instanceId: id, status: 'running', jobStatus: 'pending' });
  const row = await sys.services.db('jobs').where({ id: job.id }).first();
  t.like(row, { status: 'pending', retries_left: sys.services.config.engine.jobMaxRetries, lock_owner: null });
  t.truthy(await audited('job.retry', job.id));
  t.is((await admin.post(`/api/admin/jobs/${job.id}/retry`)).body.code, 'NOT_AN_INCIDENT');

  t.true((await sys.services.jobs.pollOnce()) >= 1);
  t.is((await sys.services.db('jobs').where({ id: job.id }).first()).status, 'done');
  const after = await admin.get(`/api/admin/instances/${id}`);
  t.is(after.body.status, 'running');
  t.true(after.body.timeline.some((e: any) => e.event === 'retry' && e.actorName === '吴国平'));
  t.true(after.body.doneElements.includes('reminded'), 'the reminder path ran');
  // The other incident is untouched.
  t.is((await sys.services.db('process_instances').where({ id: expected.ids.incident[1] }).first()).status, 'incident');
});

test.serial('a suspended case cannot be worked and its timers wait; resumed, overdue timers fire', async (t) => {
  const admin = await sys.as('procadmin');
  const id = expected.ids.review[0];
  t.is((await admin.post(`/api/admin/instances/${id}/suspend`, { reason: '核实申请材料' })).body.status, 'suspended');
  t.like(JSON.parse((await audited('instance.suspend', id)).detail), { processKey: 'filing', reason: '核实申请材料' });
  // The case's timeline names the process (not its key) and the reason given.
  const shown = (await admin.get(`/api/admin/instances/${id}`)).body;
  t.like(shown.timeline.find((e: any) => e.event === 'suspend'), { elementName: shown.processName, reason: '核实申请材料', actorName: '吴国平' });
  t.not(shown.processName, 'filing');
  t.is((await admin.post(`/api/admin/instances/${id}/suspend`, {})).body.code, 'NOT_RUNNING');

  const archivist = await sys.as('archivist1');
  const task = await taskAt(archivist, id, 'review');
  const refused = await archivist.post(`/api/tasks/${task.id}/complete`, { variables: approve() });
  t.is(refused.status, 409);
  t.is(refused.body.code, 'INSTANCE_SUSPENDED');
  t.is((await sys.services.db('tasks').where({ id: task.id }).first()).status, 'open');

  sys.clock.advance(3 * HOUR);
  await sys.services.jobs.pollOnce();
  const timer = await sys.services.db('jobs').where({ instance_id: id, element_id: 'remind' }).first();
  t.is(timer.status, 'pending', 'the reminder waits while the case is suspended');

  // Three hours later everyone logs in again.
  const admin2 = await sys.as('procadmin');
  const archivist2 = await sys.as('archivist1');
  t.is((await admin2.post(`/api/admin/instances/${id}/resume`, {})).body.status, 'running');
  t.truthy(await audited('instance.resume', id));
  t.is((await admin2.post(`/api/admin/instances/${id}/resume`, {})).body.code, 'NOT_SUSPENDED');
  await sys.services.jobs.pollOnce(); // at once: resuming released the timers the poller put off
  t.is((await sys.services.db('jobs').where({ id: timer.id }).first()).status, 'done');
  t.is((await archivist2.post(`/api/tasks/${task.id}/complete`, { variables: approve() })).status, 200);
});

test.serial('cancelling needs a reason, ends the case, its tasks and timers, and is audited with the reason', async (t) => {
  const admin = await sys.as('procadmin');
  const id = expected.ids.review[1];
  t.is((await admin.post(`/api/admin/instances/${id}/cancel`, {})).status, 400);
  const r = await admin.post(`/api/admin/instances/${id}/cancel`, { reason: '重复提交的申请' });
  t.is(r.status, 200);
  t.is(r.body.status, 'terminated');
  const inst = await sys.services.db('process_instances').where({ id }).first();
  t.is(inst.status, 'terminated');
  t.is(inst.end_reason, '流程管理员取消：重复提交的申请');
  t.deepEqual((await sys.services.db('tasks').where({ instance_id: id })).map((x: any) => x.status), ['cancelled']);
  t.false((await sys.services.db('jobs').where({ instance_id: id })).some((j: any) => j.status === 'pending'), 'no timer left');
  t.like(JSON.parse((await audited('instance.cancel', id)).detail), { reason: '重复提交的申请' });
  // Ended by somebody else than the applicant: the applicant is told (a withdrawal is not: cases.test.ts).
  const told = await sys.services.db('mail_outbox').where({ instance_id: id, event: 'application_decided' });
  t.is(told.length, 1);
  t.regex(told[0].subject, /已终止/);
  t.like((await admin.get(`/api/admin/instances/${id}`)).body.timeline.find((e: any) => e.event === 'cancel'), { reason: '重复提交的申请' });
  t.is((await admin.post(`/api/admin/instances/${id}/cancel`, { reason: '再次取消' })).body.code, 'INSTANCE_NOT_ACTIVE');
  t.is((await admin.post(`/api/admin/instances/${id}/suspend`, {})).body.code, 'NOT_RUNNING');
});

test.serial('one case shows routing values, names and types — never what the application says — and the view is audited', async (t) => {
  const reason = '拟提拔考察，需查阅该同志干部人事档案中的任免、考核材料。';
  const id = await fileConsultation(sys, 'applicant1', reason);
  const unitHead = await sys.as('unithead1');
  await unitHead.post(`/api/tasks/${(await taskAt(unitHead, id, 'unitHeadReview')).id}/complete`, { variables: approve('情况属实，同意查阅该同志档案。') });
  const admin = await sys.as('procadmin');
  const r = await admin.get(`/api/admin/instances/${id}`);
  t.is(r.status, 200);
  const text = JSON.stringify(r.body);
  for (const secret of [reason, '情况属实，同意查阅该同志档案。', '王建国']) t.false(text.includes(secret), secret);
  const vars = Object.fromEntries(r.body.variables.map((v: any) => [v.name, v]));
  t.like(vars.reason, { type: 'string', routing: [] });
  t.like(vars.custodianOrgId, { type: 'number' });
  t.deepEqual(vars.decision.routing, [{ path: 'decision', value: 'approve' }], 'the value a condition reads');
  t.is(r.body.initiatorOrgName, '乌海市纪委监委');
  t.true(r.body.timeline.some((e: any) => e.elementId === 'unitHeadReview' && e.event === 'end' && e.outcome === 'approve' && e.actorName === '张志强'));
  t.deepEqual(r.body.activeElements, ['archivistReview']);
  t.true(r.body.tasks.some((x: any) => x.elementId === 'archivistReview' && x.status === 'open' && x.candidateRole === 'archivist'));
  t.truthy(await audited('instance.inspect', id));
  t.is((await admin.get('/api/admin/instances/00000000-0000-4000-8000-000000000000')).status, 404);
});
