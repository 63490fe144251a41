// DEPLOY_REQUIRES_APPROVAL: a deployment waits until ANOTHER process administrator approves it;
// proposing, approving, rejecting and withdrawing are audited with the XML's sha256.
import { createHash } from 'node:crypto';
import test from 'ava';
import { startSystem, type TestSystem } from '../../test/helpers/server.ts';
import { addUser } from '../../test/helpers/users.ts';
import type { HttpClient } from '../../test/helpers/http.ts';

let sys: TestSystem;
let first: HttpClient;
let second: HttpClient;
test.before(async () => {
  sys = await startSystem({ env: { DEPLOY_REQUIRES_APPROVAL: 'true' } });
  await addUser(sys, { username: 'procadmin_b', displayName: '钱晓梅', org: '150300-ZZB', roles: ['process_admin'] });
  first = await sys.as('procadmin');
  second = await sys.as('procadmin_b');
});
test.after.always(async () => {
  await sys?.close();
});

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const versions = async () => (await sys.services.db('process_deployments').where({ process_key: 'borrowing' })).length;

async function propose(name: string, baseVersion = 1) {
  const v = await first.get(`/api/admin/processes/borrowing/versions/${baseVersion}`);
  const xml = v.body.xml.replace(/(id="unitHeadReview" name=")[^"]*"/, `$1${name}"`);
  const res = await first.post('/api/admin/deployments', { xml, processKey: 'borrowing', baseVersion, note: `改为“${name}”`, forms: {} });
  return { res, xml };
}

test.serial('a proposal waits; the proposer cannot approve it; another process administrator deploys it', async (t) => {
  const { res, xml } = await propose('查档单位负责人审核');
  t.is(res.status, 201);
  t.like(res.body, { outcome: 'proposed', key: 'borrowing', version: null });
  t.is(await versions(), 1, 'nothing is deployed yet');
  const id = res.body.proposalId;
  t.like(JSON.parse((await sys.services.db('audit_log').where({ action: 'process.propose', object_id: id }).first()).detail), { sha256: sha(xml), baseVersion: 1 });

  const pending = (await second.get('/api/admin/deployments/proposals')).body;
  t.like(pending[0], { id, status: 'pending', proposedByName: '吴国平', mine: false, baseVersion: 1, sha256: sha(xml) });
  t.true((await first.get('/api/admin/deployments/proposals')).body[0].mine);
  t.is((await second.get('/api/admin/processes')).body.find((p: any) => p.key === 'borrowing').pendingProposals, 1);
  const detail = await second.get(`/api/admin/deployments/proposals/${id}`);
  t.deepEqual(detail.body.diff.changed.map((c: any) => [c.id, c.changes[0].to]), [['unitHeadReview', '查档单位负责人审核']]);

  // Bypasses are closed: the proposer, and the plain deploy route.
  const own = await first.post(`/api/admin/deployments/proposals/${id}/approve`, {});
  t.is(own.status, 422);
  t.is(own.body.details.rule, 'second-approver');
  const direct = await first.request('POST', '/api/process-definitions', xml, { 'content-type': 'application/xml' });
  t.is(direct.status, 409);
  t.is(direct.body.code, 'APPROVAL_REQUIRED');
  t.is(await versions(), 1);

  const ok = await second.post(`/api/admin/deployments/proposals/${id}/approve`, { note: '已核对' });
  t.is(ok.status, 200, JSON.stringify(ok.body));
  t.like(ok.body, { outcome: 'deployed', version: 2, proposalId: id });
  const dep = await sys.services.db('process_deployments').where({ process_key: 'borrowing', version: 2 }).first();
  t.is(dep.sha256, sha(xml));
  t.is(dep.note, '改为“查档单位负责人审核”');
  const approved = await sys.services.db('audit_log').where({ action: 'process.approve', object_id: id }).first();
  t.is(approved.actor, 'procadmin_b');
  t.like(JSON.parse(approved.detail), { sha256: sha(xml), version: 2 });
  t.like((await second.get('/api/admin/deployments/proposals?status=all')).body.find((p: any) => p.id === id), {
    status: 'approved',
    decidedByName: '钱晓梅',
    version: 2,
  });
  const again = await second.post(`/api/admin/deployments/proposals/${id}/approve`, {});
  t.is(again.body.code, 'PROPOSAL_DECIDED');
  t.is(again.body.message, '该提议已批准，不能再处理 / The proposal has already been approved', 'the state in words, not its code');
});

test.serial('a proposal on a base that is no longer the latest cannot be approved', async (t) => {
  const { res } = await propose('过时的修改', 1);
  t.is(res.status, 409, 'proposing from a stale base is refused at once');
  t.is(res.body.code, 'VERSION_CONFLICT');
  const fresh = await propose('单位负责人初审', 2);
  const other = await propose('单位负责人复审', 2);
  t.is((await second.post(`/api/admin/deployments/proposals/${fresh.res.body.proposalId}/approve`, {})).status, 200);
  const stale = await second.post(`/api/admin/deployments/proposals/${other.res.body.proposalId}/approve`, {});
  t.is(stale.status, 409);
  t.is(stale.body.code, 'VERSION_CONFLICT');
  t.is(await versions(), 3);
});

test.serial('another administrator rejects with a reason; the proposer withdraws; neither deploys', async (t) => {
  const a = await propose('拟驳回的修改', 3);
  t.is((await second.post(`/api/admin/deployments/proposals/${a.res.body.proposalId}/reject`, {})).status, 400, 'a reason is required');
  t.is((await first.post(`/api/admin/deployments/proposals/${a.res.body.proposalId}/reject`, { note: '自己驳回' })).body.details.rule, 'second-approver');
  const rejected = await second.post(`/api/admin/deployments/proposals/${a.res.body.proposalId}/reject`, { note: '环节名称不规范' });
  t.like(rejected.body, { status: 'rejected', decisionNote: '环节名称不规范', decidedByName: '钱晓梅' });
  t.truthy(await sys.services.db('audit_log').where({ action: 'process.reject', object_id: a.res.body.proposalId }).first());

  const b = await propose('拟撤回的修改', 3);
  t.is((await second.post(`/api/admin/deployments/proposals/${b.res.body.proposalId}/withdraw`)).status, 403, 'only the proposer withdraws');
  t.like((await first.post(`/api/admin/deployments/proposals/${b.res.body.proposalId}/withdraw`)).body, { status: 'withdrawn' });
  t.is(await versions(), 3);
  t.deepEqual((await second.get('/api/admin/deployments/proposals')).body.filter((p: any) => p.status === 'pending').map((p: any) => p.name), [
    '查阅/借阅干部人事档案',
  ], 'only the stale proposal is still pending');
});

test.serial('restoring a version identical to the latest is refused at once (NO_CHANGES), not proposed and left pending for ever', async (t) => {
  const latest = Math.max(...(await sys.services.db('process_deployments').where({ process_key: 'borrowing' })).map((r: any) => r.version));
  const pendingBefore = (await sys.services.db('deployment_proposals').where({ status: 'pending' })).length;
  const same = await first.post(`/api/admin/processes/borrowing/versions/${latest}/restore`, { note: '恢复为当前版本' });
  t.is(same.status, 409);
  t.is(same.body.code, 'NO_CHANGES');
  t.is((await sys.services.db('deployment_proposals').where({ status: 'pending' })).length, pendingBefore, 'no proposal waits');
  // A version that differs is proposed as before.
  t.true(latest > 1);
  const back = await first.post('/api/admin/processes/borrowing/versions/1/restore', { note: '恢复第 1 版' });
  t.is(back.status, 201, JSON.stringify(back.body));
  t.is(back.body.outcome, 'proposed');
});
