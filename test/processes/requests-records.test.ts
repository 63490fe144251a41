// The records the two processes produce, over HTTP and through each caller's scope: requests
// (申请单 with the opinions), the 查阅登记簿 and the 复制登记 of an office, loans, viewing grants, the
// co-applicant picker — who sees what, and that out of scope answers like absent (404). Plus the
// OpenAPI document.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { completeAt } from '../helpers/workflow.ts';
import { approveStep, borrowingVariables, copyVariables, demoCadre, type DemoCadre } from '../helpers/cases.ts';

let sys: TestSystem;
const ids: Record<string, string> = {};
let brother: DemoCadre;

async function start(processKey: string, variables: Record<string, unknown>) {
  const res = await (await sys.as('applicant1')).post('/api/process-instances', { processKey, variables });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body.id as string;
}

test.before(async () => {
  sys = await startSystem();
  const chain = async (id: string, leader = false) => {
    await approveStep(sys, 'unithead1', id, 'unitHeadReview');
    await approveStep(sys, 'archivist1', id, 'archivistReview');
    await approveStep(sys, 'chief1', id, 'chiefApproval');
    if (leader) await approveStep(sys, 'leader1', id, 'leaderApproval');
  };
  // A finished electronic reading (register entry), a loan that is out, copies made.
  const a = await demoCadre(sys, 'county', 0);
  ids.read = await start('borrowing', await borrowingVariables(sys, 'applicant1', a));
  await chain(ids.read);
  await completeAt(await sys.as('applicant1'), ids.read, 'electronicReading', { confirmed: true });
  const b = await demoCadre(sys, 'county', 1);
  ids.loan = await start('borrowing', await borrowingVariables(sys, 'applicant1', b, { mode: 'loan', loanDays: 3 }));
  await chain(ids.loan, true);
  await completeAt(await sys.as('archivist1'), ids.loan, 'loanCheckout', { checkedAgainstCatalogue: true, sealed: true });
  const c = await demoCadre(sys, 'unit', 0);
  ids.copy = await start('copy-request', await copyVariables(sys, 'applicant1', c));
  await approveStep(sys, 'unithead1', ids.copy, 'unitHeadReview');
  await approveStep(sys, 'chief1', ids.copy, 'chiefApproval');
  await completeAt(await sys.as('archivist1'), ids.copy, 'makeCopies', { made: true, sealText: '干部档案室（印）', certification: '与原件核对一致。' });
  // A request about chief1's own brother: the chief must never see it.
  const row = await sys.services.db('cadres as c').join('archives as a', 'a.cadre_id', 'c.id').where('c.name', '陈立军').first('c.id', 'c.name', 'c.id_number', 'a.id as archive_id', 'a.custodian_org_id');
  brother = { id: row.id, name: row.name, idNumber: row.id_number, level: 'county', archiveId: row.archive_id, custodianOrgId: row.custodian_org_id };
  ids.brother = await start('borrowing', await borrowingVariables(sys, 'applicant1', brother));
});
test.after.always(async () => {
  await sys?.close();
});

const requestId = async (instanceId: string) => (await sys.services.db('utilization_requests').where({ instance_id: instanceId }).first()).id as number;

test('the 申请单: applicants, target, categories and every opinion, for those involved; 404 for the rest', async (t) => {
  const id = await requestId(ids.read);
  const mine = await (await sys.as('applicant1')).get(`/api/requests/${id}`);
  t.is(mine.status, 200);
  t.like(mine.body, { caseNo: (await sys.services.db('process_instances').where({ id: ids.read }).first()).business_key, kind: 'consult', mode: 'electronic', status: 'closed', purpose: '2' });
  t.deepEqual(mine.body.applicants.map((a: any) => a.name), ['王建国', '李红梅']);
  t.deepEqual(mine.body.approvals.map((a: any) => [a.step, a.userName, a.decision]), [
    ['unitHeadReview', '张志强', 'approve'],
    ['archivistReview', '刘晓燕', 'approve'],
    ['chiefApproval', '陈立新', 'approve'],
  ]);
  t.truthy(mine.body.registerEntryId);
  for (const who of ['applicant2', 'unithead1', 'archivist1', 'chief1', 'leader1']) {
    t.is((await (await sys.as(who)).get(`/api/requests/${id}`)).status, 200, who);
  }
  for (const who of ['receiver1', 'producer1']) {
    const r = await (await sys.as(who)).get(`/api/requests/${id}`);
    t.is(r.status, 404, who);
    t.is(r.body.code, 'NOT_FOUND');
  }
  t.is((await (await sys.as('auditor')).get(`/api/requests/${id}`)).status, 403);
  const list = await (await sys.as('receiver1')).get('/api/requests');
  t.deepEqual(list.body, { total: 0, items: [] });
  const byCase = await (await sys.as('archivist1')).get(`/api/requests?instanceId=${ids.copy}`);
  t.is(byCase.body.total, 1);
  t.like(byCase.body.items[0], { kind: 'copy', status: 'copied', copies: 2 });
});

test('nobody sees records about their own relative: chief1 does not see the request about his brother; the archivist does', async (t) => {
  const id = await requestId(ids.brother);
  t.is((await (await sys.as('chief1')).get(`/api/requests/${id}`)).status, 404);
  const list = await (await sys.as('chief1')).get('/api/requests?limit=500');
  t.false(list.body.items.some((r: any) => r.id === id));
  t.is((await (await sys.as('archivist1')).get(`/api/requests/${id}`)).status, 200);
});

test('the 查阅登记簿: the office’s staff and the leader above it; others 403; another office’s book 404', async (t) => {
  const book = await (await sys.as('archivist1')).get('/api/reading-register');
  t.is(book.status, 200);
  const entry = book.body.items.find((e: any) => e.instanceId === ids.read);
  t.like(entry, { mode: 'electronic', endReason: 'finished', readers: [{ name: '王建国' }, { name: '李红梅' }] });
  t.is((await (await sys.as('leader1')).get('/api/reading-register')).body.total, book.body.total);
  t.is((await (await sys.as('applicant1')).get('/api/reading-register')).status, 403);
  t.is((await (await sys.as('unithead1')).get('/api/reading-register')).status, 403);
  const other = await sys.as('receiver1');
  t.is((await other.get('/api/reading-register')).body.total, 0);
  t.is((await other.get(`/api/reading-register?custodianOrgId=${entry.custodianOrgId}`)).status, 404);
  const bad = await other.get('/api/reading-register?from=yesterday');
  t.is(bad.status, 400);
});

test('loans: the borrower, the co-borrower and the office see the loan with its 出借清单; other offices do not', async (t) => {
  const borrower = await (await sys.as('applicant1')).get('/api/loans');
  t.is(borrower.status, 200);
  const loan = borrower.body.items.find((l: any) => l.instanceId === ids.loan);
  t.like(loan, { status: 'on_loan', overdue: false, borrower: { name: '王建国' } });
  const detail = await (await sys.as('archivist1')).get(`/api/loans/${loan.id}`);
  t.is(detail.status, 200);
  t.is(detail.body.snapshot.length, detail.body.materialCount);
  t.deepEqual(detail.body.renewals, []);
  t.is(detail.body.lossReport, null);
  t.is((await (await sys.as('unithead1')).get(`/api/loans/${loan.id}`)).status, 200, 'the borrower’s unit head');
  // The co-applicant (同行查档人员) reads the loan as the borrower does: its dates, its 出借清单.
  t.like((await (await sys.as('applicant2')).get(`/api/loans/${loan.id}`)).body, { id: loan.id, dueAt: loan.dueAt });
  t.is((await (await sys.as('receiver1')).get(`/api/loans/${loan.id}`)).status, 404);
  t.deepEqual((await (await sys.as('applicant2')).get('/api/loans')).body.items.map((l: any) => l.id), [loan.id]);
  t.is((await (await sys.as('archivist1')).get('/api/loans?state=past')).body.total, 0);
});

test('the 复制登记: one row per copy, with the open dispositions; the PDF place is there, empty', async (t) => {
  const book = await (await sys.as('chief1')).get('/api/copy-register?disposition=open');
  t.is(book.status, 200);
  const rows = book.body.items.filter((r: any) => r.instanceId === ids.copy);
  t.is(rows.length, 4);
  t.true(rows.every((r: any) => r.disposition === null && r.hasPdf === false && r.sealText === '干部档案室（印）' && r.recipientOrg.name === '乌海市纪委监委'));
  t.is((await (await sys.as('chief1')).get('/api/copy-register?disposition=filed')).body.total, 0);
  t.is((await (await sys.as('applicant1')).get('/api/copy-register')).status, 403);
  t.is((await (await sys.as('receiver1')).get('/api/copy-register')).body.total, 0);
});

test.serial('every read of the records is audited: lists with their counts and filters, one record by id, a refusal as denied', async (t) => {
  const db = sys.services.db;
  const archivist = await sys.as('archivist1');
  const me = await db('users').where({ username: 'archivist1' }).first('id');
  const after = (await db('audit_log').max({ m: 'seq' }).first())!.m as number;
  const rows = async () =>
    (await db('audit_log').where('seq', '>', after).andWhere({ actor_id: me.id }).orderBy('seq').select('action', 'object_id', 'outcome', 'detail')).map((r: any) => ({ ...r, detail: r.detail ? JSON.parse(r.detail) : null }));
  const id = await requestId(ids.loan);
  const loan = (await archivist.get('/api/loans?state=all')).body.items.find((l: any) => l.instanceId === ids.loan);
  t.is((await archivist.get('/api/reading-register?from=2026-01-01T00:00:00.000Z')).status, 200);
  await archivist.get('/api/copy-register?disposition=open');
  await archivist.get(`/api/requests/${id}`);
  await archivist.get(`/api/loans/${loan.id}`);
  t.is((await archivist.get('/api/requests/999999')).status, 404);
  const got = await rows();
  t.like(got[0], { action: 'loan.list', outcome: 'success', detail: { state: 'all', returned: got[0].detail.total } });
  t.like(got[1], { action: 'reading_register.list', detail: { from: '2026-01-01T00:00:00.000Z' } });
  t.like(got[2], { action: 'copy_register.list', detail: { disposition: 'open' } });
  t.true(got[2].detail.total >= 4);
  t.like(got[3], { action: 'request.view', object_id: String(id), outcome: 'success' });
  t.like(got[4], { action: 'loan.view', object_id: String(loan.id), outcome: 'success' });
  t.like(got[5], { action: 'request.view', object_id: '999999', outcome: 'denied', detail: { reason: 'absent_or_out_of_scope' } });
  t.is(got.length, 6);
});

test('my grants: the reading room’s list of what a user may read, and for which request', async (t) => {
  const none = await (await sys.as('applicant1')).get('/api/me/grants');
  t.deepEqual(none.body.items, [], 'the finished reading revoked its grants');
  const all = await (await sys.as('applicant1')).get('/api/me/grants?state=all');
  const g = all.body.items.find((x: any) => x.instanceId === ids.read);
  t.like(g, { open: false, requestId: await requestId(ids.read), categories: ['1', '9'] });
  t.truthy(g.revokedAt);
  t.is((await (await sys.as('sysadmin')).get('/api/me/grants')).status, 403);
});

test('the co-applicant picker lists the active applicants of my unit, me excepted; only applicants may ask', async (t) => {
  const list = await (await sys.as('applicant1')).get('/api/lookups/co-applicants');
  t.is(list.status, 200);
  t.deepEqual(list.body.map((u: any) => u.name), ['李红梅']);
  t.is((await (await sys.as('unithead1')).get('/api/lookups/co-applicants')).status, 403);
});

test('the OpenAPI document carries the records’ routes and the processes’ documentation', async (t) => {
  const doc = await (await sys.as('applicant1')).get('/api/openapi.json');
  t.is(doc.status, 200);
  for (const p of ['/api/requests', '/api/requests/{id}', '/api/reading-register', '/api/copy-register', '/api/loans', '/api/loans/{id}', '/api/loans/{id}/renewal', '/api/me/grants', '/api/lookups/co-applicants']) {
    t.truthy(doc.body.paths[p], p);
  }
  const text = JSON.stringify(doc.body);
  t.true(text.includes('copy-request'));
  t.true(text.includes('renewal-after-due'));
  t.true(text.includes('复制、摘录干部人事档案材料'));
});
