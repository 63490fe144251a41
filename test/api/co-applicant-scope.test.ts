// 同行查档人员: a co-applicant of a 利用 request reads its case as the initiator does — the case
// page, 我的申请 (marked, counted and paged in SQL), the loan's dates — read-only: no withdrawal, no
// renewal, no comment or attachment. A colleague of the same unit who is not on the request still
// gets 404, and every read is audited as before.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { completeAt } from '../helpers/workflow.ts';
import { addUser } from '../helpers/users.ts';
import { approveStep, borrowingVariables, demoCadre } from '../helpers/cases.ts';

let sys: TestSystem;
let loanCase: string;
let otherCase: string;
test.before(async () => {
  sys = await startSystem();
  // applicant3: the same unit as applicant1 and applicant2, an applicant, on none of these requests.
  await addUser(sys, { username: 'applicant3', displayName: '钱晓东', org: '150300-JW', roles: ['applicant'] });
  const a2 = (await db()('users').where({ username: 'applicant2' }).first()).id as number;
  const c = await sys.as('applicant1');
  // A loan by applicant1 with applicant2, approved through the leader and checked out.
  const cadre = await demoCadre(sys, 'county', 3);
  const res = await c.post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(sys, 'applicant1', cadre, { mode: 'loan', loanDays: 5, coApplicants: [String(a2)] }),
  });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  loanCase = res.body.id;
  for (const [u, step] of [['unithead1', 'unitHeadReview'], ['archivist1', 'archivistReview'], ['chief1', 'chiefApproval'], ['leader1', 'leaderApproval']]) {
    await approveStep(sys, u, loanCase, step);
  }
  const out = await completeAt(await sys.as('archivist1'), loanCase, 'loanCheckout', { checkedAgainstCatalogue: true, sealed: true, comment: '已密封。' });
  if (out.status !== 200) throw new Error(JSON.stringify(out.body));
  // A second request of applicant1 that does not name applicant2 (applicant3 instead): not hers.
  const three = (await db()('users').where({ username: 'applicant3' }).first()).id as number;
  const other = await c.post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(sys, 'applicant1', await demoCadre(sys, 'county', 4), { coApplicants: [String(three)] }),
  });
  if (other.status !== 201) throw new Error(JSON.stringify(other.body));
  otherCase = other.body.id;
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const audits = (action: string, objectId: string) => db()('audit_log').where({ action, object_id: objectId }).orderBy('seq');

test.serial('a co-applicant opens the case page of the request she is on, read-only, and the read is audited', async (t) => {
  const co = await sys.as('applicant2');
  const before = (await audits('case.view', loanCase)).length;
  const res = await co.get(`/api/process-instances/${loanCase}`);
  t.is(res.status, 200, JSON.stringify(res.body));
  t.like(res.body, { id: loanCase, processKey: 'borrowing', coApplicant: true, canWithdraw: false, initiatorName: '王建国' });
  t.true(res.body.history.length > 0, 'the progress is shown');
  const views = await audits('case.view', loanCase);
  t.is(views.length, before + 1);
  t.like(views.at(-1), { outcome: 'success', actor: 'applicant2' });
  t.is((await co.get(`/api/process-instances/${loanCase}/diagram`)).status, 200);
  t.is((await co.get(`/api/process-instances/${loanCase}/comments`)).status, 200);
  t.is((await co.get(`/api/process-instances/${loanCase}/attachments`)).status, 200);
  // The initiator reads it as before, not marked.
  t.like((await (await sys.as('applicant1')).get(`/api/process-instances/${loanCase}`)).body, { coApplicant: false });
});

test.serial('the co-borrower reads the loan’s dates but may not ask for a renewal', async (t) => {
  const co = await sys.as('applicant2');
  const loan = await db()('loans').join('utilization_requests as r', 'r.id', 'loans.request_id').where('r.instance_id', loanCase).first('loans.id', 'loans.due_at');
  const res = await co.get(`/api/loans/${loan.id}`);
  t.is(res.status, 200, JSON.stringify(res.body));
  t.like(res.body, { id: loan.id, dueAt: loan.due_at, status: 'on_loan' });
  const renew = await co.post(`/api/loans/${loan.id}/renewal`, { days: 3, reason: '材料尚未查完，申请续借。' });
  t.is(renew.status, 403);
  t.is(renew.body.code, 'FORBIDDEN');
  t.falsy(await db()('loan_renewals').where({ loan_id: loan.id }).first(), 'nothing was asked');
  // applicant3 is not on this request: the loan does not exist for her.
  t.is((await (await sys.as('applicant3')).get(`/api/loans/${loan.id}`)).status, 404);
});

test.serial('a colleague of the same unit who is not on the request gets 404, and the refusal is audited as before', async (t) => {
  const three = await sys.as('applicant3');
  const res = await three.get(`/api/process-instances/${loanCase}`);
  t.is(res.status, 404);
  t.like((await audits('case.view', loanCase)).at(-1), { outcome: 'denied', actor: 'applicant3' });
  t.is((await three.get(`/api/process-instances/${loanCase}/comments`)).status, 404);
  // and applicant2 is not on the other request
  t.is((await (await sys.as('applicant2')).get(`/api/process-instances/${otherCase}`)).status, 404);
  // applicant3 is on that one
  t.like((await three.get(`/api/process-instances/${otherCase}`)).body, { id: otherCase, coApplicant: true });
});

test.serial('the co-applicant cannot withdraw, comment or attach: 403, and nothing changes', async (t) => {
  const three = await sys.as('applicant3');
  const w = await three.post(`/api/process-instances/${otherCase}/withdraw`, { reason: '不再需要。' });
  t.is(w.status, 403);
  t.is(w.body.code, 'FORBIDDEN');
  t.is((await db()('process_instances').where({ id: otherCase }).first()).status, 'running');
  const c = await three.post(`/api/process-instances/${otherCase}/comments`, { body: '我也看一下。' });
  t.is(c.status, 403);
  t.falsy(await db()('case_comments').where({ instance_id: otherCase }).first());
  const up = await three.request('POST', `/api/process-instances/${otherCase}/attachments?filename=a.pdf`, Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n'), { 'content-type': 'application/octet-stream' });
  t.is(up.status, 403);
  t.falsy(await db()('case_attachments').where({ instance_id: otherCase }).first());
  // The initiator still may withdraw (nobody has decided yet).
  t.is((await (await sys.as('applicant1')).get(`/api/process-instances/${otherCase}`)).body.canWithdraw, true);
});

test.serial('我的申请 lists the requests she is on, marked, with the filters and paging right', async (t) => {
  const co = await sys.as('applicant2');
  const all = await co.get('/api/applications');
  t.is(all.status, 200);
  const ids = all.body.items.map((a: any) => a.id);
  t.true(ids.includes(loanCase));
  t.false(ids.includes(otherCase));
  t.like(all.body.items.find((a: any) => a.id === loanCase), { coApplicant: true, canWithdraw: false, initiatorName: '王建国' });
  const own = await db()('workflow_cases').where({ initiator_id: (await db()('users').where({ username: 'applicant2' }).first()).id }).count({ n: '*' });
  t.is(all.body.total, Number(own[0].n) + 1, 'her own and the one she is on');
  t.is((await co.get('/api/applications?state=open')).body.items.filter((a: any) => a.id === loanCase).length, 1);
  t.false((await co.get('/api/applications?state=closed')).body.items.some((a: any) => a.id === loanCase));
  // Paging: one a page, the total stays, each page one row.
  const p0 = await co.get('/api/applications?limit=1&offset=0');
  t.is(p0.body.total, all.body.total);
  t.is(p0.body.items.length, 1);
  const pages = [];
  for (let i = 0; i < all.body.total; i++) pages.push((await co.get(`/api/applications?limit=1&offset=${i}`)).body.items[0].id);
  t.deepEqual(pages, ids);
  // The initiator's list: both, not marked.
  const mine = (await (await sys.as('applicant1')).get('/api/applications')).body.items;
  t.like(mine.find((a: any) => a.id === loanCase), { coApplicant: false });
  t.like(mine.find((a: any) => a.id === otherCase), { coApplicant: false, canWithdraw: true });
  // applicant3: only the one she is on.
  const three = (await (await sys.as('applicant3')).get('/api/applications')).body;
  t.deepEqual(three.items.map((a: any) => a.id), [otherCase]);
  t.is(three.total, 1);
});
