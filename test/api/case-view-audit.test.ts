// Reading a case leaves an audit row (等保): opening the case (it names the cadre and the 身份证号),
// listing its comments and its attachments each write one row with the reader; a 404 — absent or out
// of scope — writes the same action as denied. The diagram the page also loads writes no row when
// it succeeds. Regression: these reads wrote nothing at all, for success or refusal.
import { randomUUID } from 'node:crypto';
import test from 'ava';
import { borrowingVariables, demoCadre } from '../helpers/cases.ts';
import { startSystem, type TestSystem } from '../helpers/server.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(500, 0x20), Buffer.from('\n%%EOF\n')]);

async function apply() {
  const applicant = await sys.as('applicant1');
  const res = await applicant.post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(sys, 'applicant1', await demoCadre(sys), { purpose: '2', mode: 'onsite', reason: '拟提拔考察，需查阅。' }),
  });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return { applicant, id: res.body.id as string, businessKey: res.body.businessKey as string };
}

const seqNow = async () => Number((await sys.services.db('audit_log').max({ m: 'seq' }).first())?.m ?? 0);
/** The audit rows written since `seq`, as [action, actor, outcome, object_id]. */
const rowsSince = async (seq: number) =>
  (await sys.services.db('audit_log').where('seq', '>', seq).orderBy('seq')).map((r: any) => ({
    action: r.action,
    actor: r.actor,
    outcome: r.outcome,
    objectType: r.object_type,
    objectId: r.object_id,
    detail: r.detail ? JSON.parse(r.detail) : null,
  }));

test.serial('opening a case writes exactly one case.view row naming the reader; the diagram writes none', async (t) => {
  const { id, businessKey } = await apply();
  const unitHead = await sys.as('unithead1');
  const before = await seqNow();
  const res = await unitHead.get(`/api/process-instances/${id}`);
  t.is(res.status, 200);
  t.is((await unitHead.get(`/api/process-instances/${id}/diagram`)).status, 200);
  t.deepEqual(await rowsSince(before), [
    { action: 'case.view', actor: 'unithead1', outcome: 'success', objectType: 'process_instance', objectId: id, detail: { processKey: 'borrowing', businessKey } },
  ]);
});

test.serial('a reader out of scope gets 404 like an absent case, and a denied case.view row', async (t) => {
  const { id } = await apply();
  const stranger = await sys.as('receiver1');
  const before = await seqNow();
  const res = await stranger.get(`/api/process-instances/${id}`);
  t.is(res.status, 404);
  t.is(res.body.code, 'NOT_FOUND');
  t.is(res.body.message, '未找到该案件 / Process instance not found');
  const absentId = randomUUID();
  const absent = await stranger.get(`/api/process-instances/${absentId}`);
  t.deepEqual(absent.body, res.body, 'out of scope answers exactly what absent answers');
  const denied = { action: 'case.view', actor: 'receiver1', outcome: 'denied', objectType: 'process_instance', detail: { reason: 'absent_or_out_of_scope' } };
  t.deepEqual(await rowsSince(before), [
    { ...denied, objectId: id },
    { ...denied, objectId: absentId },
  ]);
});

test.serial('the comments list: one case.comments row with the count (never the text); out of scope 404 and denied', async (t) => {
  const { applicant, id } = await apply();
  t.is((await applicant.post(`/api/process-instances/${id}/comments`, { body: '请尽快审批，考察组下周进驻。' })).status, 201);
  const unitHead = await sys.as('unithead1');
  let before = await seqNow();
  const list = await unitHead.get(`/api/process-instances/${id}/comments`);
  t.is(list.status, 200);
  t.is(list.body.length, 1);
  t.deepEqual(await rowsSince(before), [
    { action: 'case.comments', actor: 'unithead1', outcome: 'success', objectType: 'process_instance', objectId: id, detail: { returned: 1 } },
  ]);

  const stranger = await sys.as('receiver1');
  before = await seqNow();
  const refused = await stranger.get(`/api/process-instances/${id}/comments`);
  t.is(refused.status, 404);
  t.is(refused.body.code, 'NOT_FOUND');
  t.deepEqual(await rowsSince(before), [
    { action: 'case.comments', actor: 'receiver1', outcome: 'denied', objectType: 'process_instance', objectId: id, detail: { reason: 'absent_or_out_of_scope' } },
  ]);
});

test.serial('the attachment list and a download: audited for the reader, denied rows for a stranger', async (t) => {
  const { applicant, id } = await apply();
  const up = await applicant.request('POST', `/api/process-instances/${id}/attachments?filename=a.pdf`, PDF, { 'content-type': 'application/octet-stream' });
  t.is(up.status, 201);
  const unitHead = await sys.as('unithead1');
  let before = await seqNow();
  t.is((await unitHead.get(`/api/process-instances/${id}/attachments`)).status, 200);
  t.deepEqual(await rowsSince(before), [
    { action: 'case.attachments', actor: 'unithead1', outcome: 'success', objectType: 'process_instance', objectId: id, detail: { returned: 1 } },
  ]);

  const stranger = await sys.as('receiver1');
  before = await seqNow();
  t.is((await stranger.get(`/api/process-instances/${id}/attachments`)).status, 404);
  t.is((await stranger.get(`/api/attachments/${up.body.id}`)).status, 404);
  t.is((await stranger.get(`/api/process-instances/${id}/diagram`)).status, 404);
  const reason = { reason: 'absent_or_out_of_scope' };
  t.deepEqual(await rowsSince(before), [
    { action: 'case.attachments', actor: 'receiver1', outcome: 'denied', objectType: 'process_instance', objectId: id, detail: reason },
    { action: 'attachment.download', actor: 'receiver1', outcome: 'denied', objectType: 'case_attachment', objectId: up.body.id, detail: reason },
    { action: 'case.diagram', actor: 'receiver1', outcome: 'denied', objectType: 'process_instance', objectId: id, detail: reason },
  ]);
});

test.serial('refusals read in Chinese first: a withdrawn case takes no comment (409), a missing permission (403), a bad id (400)', async (t) => {
  const { applicant, id } = await apply();
  t.is((await applicant.post(`/api/process-instances/${id}/withdraw`, { reason: '材料不全，撤回重报。' })).status, 200);
  const late = await applicant.post(`/api/process-instances/${id}/comments`, { body: '补充说明。' });
  t.is(late.status, 409);
  t.is(late.body.code, 'INSTANCE_NOT_ACTIVE');
  t.is(late.body.message, '案件已终止，不能办理此操作 / The case is terminated');

  const forbidden = await (await sys.as('procadmin')).post(`/api/process-instances/${id}/comments`, { body: 'x' });
  t.is(forbidden.status, 403);
  t.deepEqual({ code: forbidden.body.code, message: forbidden.body.message }, { code: 'FORBIDDEN', message: '无权执行此操作 / Not allowed' });

  const bad = await applicant.get('/api/process-instances/not-a-uuid');
  t.is(bad.status, 400);
  t.is(bad.body.code, 'VALIDATION_FAILED');
  t.is(bad.body.message, '输入有误 / Invalid input');
});
