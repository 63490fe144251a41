// A step worked once does not let its worker read the case for ever (regression, found by an
// exploratory tester: leader1 approved a city-office 借阅, the security administrator moved him to a
// district unit; the city's archive and reports answered 404, but the case — the cadre's name and
// ID number — still answered 200). A past assignee or the one who completed a step reads the case
// only while their roles and unit now would offer them that step; the applicant reads his request
// whatever unit he is in now. The case's sub-reads (comments, attachments, diagram) follow, and 已办
// keeps the step but no longer names the case.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { approveStep, borrowingVariables, demoCadre } from '../helpers/cases.ts';
import { orgId } from '../helpers/workflow.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const userId = async (username: string) => (await db()('users').where({ username }).first('id')).id as number;

test.serial('a leader moved to another unit no longer reads the cases he approved; moved back, he does again', async (t) => {
  const cadre = await demoCadre(sys, 'county', 7);
  const res = await (await sys.as('applicant1')).post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(sys, 'applicant1', cadre, { mode: 'loan', loanDays: 5, reason: '拟提拔考察，需借阅干部档案。' }),
  });
  t.is(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id as string;
  for (const [u, step] of [['unithead1', 'unitHeadReview'], ['archivist1', 'archivistReview'], ['chief1', 'chiefApproval'], ['leader1', 'leaderApproval']]) {
    await approveStep(sys, u, id, step);
  }
  const leader = await sys.as('leader1');
  const before = await leader.get(`/api/process-instances/${id}`);
  t.is(before.status, 200, 'while at the city he reads the case he approved');
  t.true(JSON.stringify(before.body).includes(cadre.idNumber));

  const sec = await sys.as('secadmin');
  const leaderId = await userId('leader1');
  const home = await orgId(sys, '150300-ZZB');
  const moved = await sec.request('PUT', `/api/admin/users/${leaderId}/org-unit`, { orgUnitId: await orgId(sys, '150302-ZZB') });
  t.is(moved.status, 200, JSON.stringify(moved.body));

  const after = await sys.as('leader1');
  const kase = await after.get(`/api/process-instances/${id}`);
  t.is(kase.status, 404, 'the case, with the cadre’s ID number, is no longer his to read');
  t.false(JSON.stringify(kase.body).includes(cadre.idNumber));
  t.false(JSON.stringify(kase.body).includes(cadre.name));
  for (const sub of ['comments', 'attachments', 'diagram']) t.is((await after.get(`/api/process-instances/${id}/${sub}`)).status, 404, sub);
  const done = await after.get('/api/tasks?filter=completed&limit=200');
  t.is(done.status, 200);
  const step = done.body.items.find((x: any) => x.instanceId === id);
  t.truthy(step, '已办 keeps the step he did');
  t.is(step.subject, null, 'but does not name the case');
  t.false(JSON.stringify(done.body).includes(cadre.name));
  // Nor does a search: by the cadre's name, 档案号 or the case's unit, the step he can no longer read
  // matches nothing — the same as a name that was never his (else the count names the cadre).
  const archiveNo = (await db()('archives').where({ id: cadre.archiveId }).first('archive_no')).archive_no as string;
  const applicantUnit = (await db()('workflow_cases').where({ instance_id: id }).first('initiator_org_id')).initiator_org_id as number;
  for (const q of [cadre.name, archiveNo, '无此人名']) {
    const found = await after.get(`/api/tasks?filter=completed&q=${encodeURIComponent(q)}`);
    t.is(found.status, 200);
    t.false(found.body.items.some((x: any) => x.instanceId === id), `q=${q} does not find the case`);
  }
  const byName = await after.get(`/api/tasks?filter=completed&q=${encodeURIComponent(cadre.name)}`);
  const nobody = await after.get(`/api/tasks?filter=completed&q=${encodeURIComponent('无此人名')}`);
  t.is(byName.body.total, nobody.body.total, 'the cadre’s name counts as a random one');
  const byUnit = await after.get(`/api/tasks?filter=completed&unitId=${applicantUnit}`);
  t.false(byUnit.body.items.some((x: any) => x.instanceId === id), 'nor the applying unit');
  const facets = await after.get('/api/tasks/facets?filter=completed');
  t.is(facets.status, 200);
  t.false(facets.body.units.some((u: any) => u.id === String(applicantUnit)), 'the unit facet counts only cases he reads');
  const denied = await db()('audit_log').where({ action: 'case.view', object_id: id, outcome: 'denied', actor: 'leader1' });
  t.is(denied.length, 1, 'the refused read is audited');

  // The applicant reads his request wherever he is now.
  const applicantId = await userId('applicant1');
  const applicantHome = await orgId(sys, '150300-JW');
  t.is((await sec.request('PUT', `/api/admin/users/${applicantId}/org-unit`, { orgUnitId: await orgId(sys, '150300-RSJ') })).status, 200);
  t.is((await (await sys.as('applicant1')).get(`/api/process-instances/${id}`)).status, 200);
  t.is((await sec.request('PUT', `/api/admin/users/${applicantId}/org-unit`, { orgUnitId: applicantHome })).status, 200);

  // Moved back: the step is his unit's again, and so is the case — and the search finds it.
  t.is((await sec.request('PUT', `/api/admin/users/${leaderId}/org-unit`, { orgUnitId: home })).status, 200);
  const back = await sys.as('leader1');
  t.is((await back.get(`/api/process-instances/${id}`)).status, 200);
  for (const q of [cadre.name, archiveNo]) {
    t.true((await back.get(`/api/tasks?filter=completed&q=${encodeURIComponent(q)}`)).body.items.some((x: any) => x.instanceId === id), `q=${q} finds it again`);
  }
  t.true((await back.get(`/api/tasks?filter=completed&unitId=${applicantUnit}`)).body.items.some((x: any) => x.instanceId === id));
  t.true((await back.get('/api/tasks/facets?filter=completed')).body.units.some((u: any) => u.id === String(applicantUnit)));
});

test.serial('a unit head whose role is taken away no longer reads the requests he approved', async (t) => {
  const cadre = await demoCadre(sys, 'county', 8);
  const res = await (await sys.as('applicant1')).post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(sys, 'applicant1', cadre, { purpose: '2', mode: 'onsite', reason: '拟提拔考察，需查阅干部档案。' }),
  });
  t.is(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id as string;
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  // The unit head keeps reading it while he is that unit's head.
  t.is((await (await sys.as('unithead1')).get(`/api/process-instances/${id}`)).status, 200);
  const headId = await userId('unithead1');
  const sec = await sys.as('secadmin');
  const roles = await sec.request('PUT', `/api/admin/users/${headId}/roles`, { roles: ['applicant'] });
  t.is(roles.status, 200, JSON.stringify(roles.body));
  t.is((await (await sys.as('unithead1')).get(`/api/process-instances/${id}`)).status, 404, 'no longer a unit head: not his to read');
  t.is((await sec.request('PUT', `/api/admin/users/${headId}/roles`, { roles: ['unit_head'] })).status, 200);
  t.is((await (await sys.as('unithead1')).get(`/api/process-instances/${id}`)).status, 200);
});
