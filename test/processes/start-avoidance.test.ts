// Starting a case on a cadre the starter must avoid answers exactly as a cadre that does not exist
// — 404 NOT_FOUND 未找到该干部, the same body — so the answer does not tell the starter which cadres
// are on their avoidance list (a 422 naming 规避 did, next to 404 for an unknown id). The refusal is
// still audited as a denied instance.start (rule avoidance), and nothing is written.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { orgId } from '../helpers/workflow.ts';
import { cadreNamed, cadreOfUser } from '../archives/helpers.ts';
import { countOf, daysAgo } from './material-helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const written = () => Promise.all(['process_instances', 'corrections', 'tasks', 'jobs'].map((x) => countOf(sys, x)));
const lastStartDenial = async () => sys.services.db('audit_log').where({ action: 'instance.start', outcome: 'denied' }).orderBy('seq', 'desc').first();

async function onList(username: string): Promise<number> {
  const u = await sys.services.db('users').where({ username }).first();
  const e = await sys.services.db('avoidance_entries').where({ user_id: u.id }).whereNull('removed_at').first();
  if (!e) throw new Error(`${username} has no avoidance entry in the demo`);
  return e.cadre_id;
}

async function startAs(username: string, processKey: string, variables: Record<string, unknown>) {
  return (await sys.as(username)).post('/api/process-instances', { processKey, variables });
}

test.serial('correction: a cadre on the archivist’s avoidance list, or her own, answers as an unknown cadre id; audited as a denied start', async (t) => {
  const base = { item: 'ethnicity', proposedValue: '回族', trigger: 'special_review', reason: '专项审核发现。' };
  const absent = await startAs('archivist1', 'correction', { ...base, cadreId: 99999 });
  t.is(absent.status, 404);
  t.deepEqual(absent.body, { code: 'NOT_FOUND', message: '未找到该干部 / Cadre not found' });
  const { cadre: own } = await cadreOfUser(sys, 'archivist1');
  for (const cadreId of [await onList('archivist1'), own.id]) {
    const before = await written();
    const res = await startAs('archivist1', 'correction', { ...base, cadreId });
    t.is(res.status, 404, JSON.stringify(res.body));
    t.deepEqual(res.body, absent.body, 'the same answer as for a cadre that does not exist');
    t.deepEqual(await written(), before, 'nothing written');
    const row = await lastStartDenial();
    t.is(row.object_id, 'correction');
    t.is(JSON.parse(row.detail).rule, 'avoidance');
  }
});

test.serial('collection notice: the chief’s brother answers as an unknown cadre id; audited as a denied start', async (t) => {
  const variables = { producerOrgId: await orgId(sys, '150300-RSJ'), title: '2026年度公务员年度考核登记表', categoryCode: '3', formedDate: daysAgo(sys, 20), note: '请尽快移交。' };
  const absent = await startAs('chief1', 'collection-notice', { ...variables, cadreId: 99999 });
  t.is(absent.status, 404);
  t.deepEqual(absent.body, { code: 'NOT_FOUND', message: '未找到该干部 / Cadre not found' });
  const { cadre: brother } = await cadreNamed(sys, '陈立军');
  const before = await written();
  const res = await startAs('chief1', 'collection-notice', { ...variables, cadreId: brother.id });
  t.is(res.status, 404, JSON.stringify(res.body));
  t.deepEqual(res.body, absent.body);
  t.deepEqual(await written(), before);
  const row = await lastStartDenial();
  t.is(row.object_id, 'collection-notice');
  t.is(JSON.parse(row.detail).rule, 'avoidance');
  // The archivist's listed cadre the same way.
  const listed = await startAs('archivist1', 'collection-notice', { ...variables, cadreId: await onList('archivist1') });
  t.is(listed.status, 404);
  t.deepEqual(listed.body, absent.body);
});
