// 同行查档人员 in a real browser: applicant2, a co-applicant of applicant1's copy request and loan,
// finds both in 我的申请 marked 共同申请, opens the copy request read-only — the progress, the
// 复制登记 rows with their 下载 link, no 撤回, no comment box — and sees the loan's return date
// without the 申请续借 button. Any console error, page error, failed request or HTTP error answer
// fails the test.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { approveStep, borrowingVariables, demoCadre } from '../helpers/cases.ts';
import { completeAt } from '../helpers/workflow.ts';
import { certifiedCase } from '../copies/helpers.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, type Browsing } from './browser.ts';

let sys: TestSystem;
let b: Browsing;
let copyCase: string;
let loanCase: string;
const OUT = '/tmp/coapp';

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  fs.mkdirSync(OUT, { recursive: true });
  sys = await startSystem();
  // A copy request by applicant1 with applicant2 (the helper's default co-applicant), certified, with a PDF made.
  const copy = await certifiedCase(sys, 3);
  copyCase = copy.instanceId;
  const made = await (await sys.as('archivist1')).post(`/api/copy-register/${copy.rows[0].id}/pdf`, {});
  if (made.status !== 201) throw new Error(JSON.stringify(made.body));
  // A loan by applicant1 with applicant2, checked out.
  const c = await sys.as('applicant1');
  const res = await c.post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', await demoCadre(sys, 'county', 5), { mode: 'loan', loanDays: 5 }) });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  loanCase = res.body.id;
  for (const [u, step] of [['unithead1', 'unitHeadReview'], ['archivist1', 'archivistReview'], ['chief1', 'chiefApproval'], ['leader1', 'leaderApproval']]) {
    await approveStep(sys, u, loanCase, step);
  }
  const out = await completeAt(await sys.as('archivist1'), loanCase, 'loanCheckout', { checkedAgainstCatalogue: true, sealed: true, comment: '已密封。' });
  if (out.status !== 200) throw new Error(JSON.stringify(out.body));
  b = await openBrowser(sys.url);
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('the co-applicant finds the requests she is on in 我的申请, marked 共同申请, and opens them read-only', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'applicant2');
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: /我的申请/ }).click();
  await p.getByRole('heading', { name: '我的申请', level: 1 }).waitFor();
  const copyRow = p.getByRole('row').filter({ has: p.locator(`a[href="/applications/${copyCase}"]`) });
  const loanRow = p.getByRole('row').filter({ has: p.locator(`a[href="/applications/${loanCase}"]`) });
  await copyRow.getByTestId('co-applicant').filter({ hasText: '共同申请' }).waitFor();
  await loanRow.getByTestId('co-applicant').filter({ hasText: '共同申请' }).waitFor();
  await copyRow.getByText('由 王建国 发起').waitFor();
  await p.screenshot({ path: `${OUT}/applications.png`, fullPage: true });

  await copyRow.locator(`a[href="/applications/${copyCase}"]`).click();
  await p.getByTestId('co-applicant-hint').waitFor();
  t.regex(await p.getByTestId('co-applicant-hint').innerText(), /同行查档人员.*王建国/s);
  // The progress, and the copies with their download link.
  await p.getByRole('heading', { name: '本案复制登记' }).waitFor();
  const download = p.getByRole('link', { name: '下载 PDF' });
  await download.first().waitFor();
  const href = await download.first().getAttribute('href');
  const pdf = await p.request.get(sys.url + href!);
  t.is(pdf.status(), 200);
  t.is(pdf.headers()['content-type'], 'application/pdf');
  // Nothing of the initiator's alone: no withdrawal, no comment box, no upload.
  t.is(await p.getByRole('button', { name: '撤回申请' }).count(), 0);
  t.is(await p.getByRole('button', { name: '发送' }).count(), 0);
  t.is(await p.locator('input[type=file]').count(), 0);
  await p.screenshot({ path: `${OUT}/copy-case.png`, fullPage: true });

  // The loan: the return date, no renewal.
  await p.goto(`${sys.url}/applications/${loanCase}`);
  await p.getByTestId('co-applicant-hint').waitFor();
  await p.getByRole('heading', { name: '借阅档案' }).waitFor();
  await p.getByText(/应于 .* 前归还/).waitFor();
  t.is(await p.getByRole('button', { name: '申请续借' }).count(), 0);
  await p.screenshot({ path: `${OUT}/loan-case.png`, fullPage: true });

  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});
