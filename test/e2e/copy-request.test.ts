// 复制/摘录 in a real browser: the requester lists the materials by 序号 (the entry widget checks
// each number's form, refuses a duplicate, lets one be removed), the chief approves only one of
// them in the same widget, the archivist makes the copies reading which materials were approved, and
// the requester reports the copies destroyed, listed by their number. The unit head acts over the API. Any console error, page error or failed request fails the test.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Page } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { approveStep, demoCadre, todayIn, type DemoCadre } from '../helpers/cases.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
let cadre: DemoCadre;
let seqs: string[];

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  cadre = await demoCadre(sys, 'unit');
  seqs = (await sys.services.db('materials').where({ archive_id: cadre.archiveId }).orderBy('id').limit(3)).map((m: any) => m.seq_no);
  b = await openBrowser(sys.url);
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

async function openTask(p: Page, step: string) {
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: /待办/ }).click();
  await p.getByRole('link', { name: `办理：${step}` }).click();
  await p.getByRole('heading', { name: step, level: 1 }).waitFor();
}

test.serial('a copy request by 序号, approved in part, copied, and reported destroyed, by clicking', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  await login(p, sys.url, 'applicant1');
  await p.goto(`${sys.url}/start/copy-request`);
  await p.getByRole('button', { name: '提交申请' }).waitFor();

  const before = await db('process_instances').count({ n: '*' }).then(([r]: any) => Number(r.n));
  await p.getByLabel('被查阅干部姓名').fill(cadre.name);
  await p.getByLabel('被查阅干部身份证号').fill(cadre.idNumber);
  await p.getByRole('checkbox', { name: '李红梅' }).check();
  await p.getByRole('radio', { name: '复制' }).check();
  await p.getByLabel(/利用目的/).selectOption({ value: '2' });
  await p.getByLabel('复制/摘录理由').fill('干部考察需要复制任免审批表。');
  const seq = p.getByRole('textbox', { name: /材料序号/ });
  await seq.fill('第一份');
  await p.getByRole('button', { name: '添加' }).click();
  await p.getByText('序号格式应如 1-3、4-1-2').waitFor();
  for (const s of seqs) {
    await seq.fill(s);
    await seq.press('Enter');
  }
  await seq.fill(seqs[0]);
  await seq.press('Enter');
  await p.getByText('该序号已列出').waitFor();
  await seq.fill('');
  await p.getByRole('button', { name: `删除 ${seqs[2]}` }).click();
  // Leaving the box keeps a number typed: a valid one is added, a wrong one stops the submit.
  await seq.fill(seqs[2]);
  await p.getByLabel('每份材料复制份数').fill('2');
  await p.getByRole('button', { name: `删除 ${seqs[2]}` }).click();
  await seq.fill('99-9-9');
  await seq.press('Tab');
  await p.getByText('序号格式应如 1-3、4-1-2').waitFor();
  await p.getByRole('button', { name: '提交申请' }).click();
  await p.getByText('有输入了但未添加的序号').waitFor();
  t.is(await db('process_instances').count({ n: '*' }).then(([r]: any) => Number(r.n)), before, 'nothing filed');
  await seq.fill('');
  await p.getByRole('button', { name: '提交申请' }).click();
  await p.getByRole('heading', { name: '办理过程' }).waitFor();
  const id = new URL(p.url()).pathname.split('/').pop()!;
  const vars = JSON.parse((await db('process_instances').where({ id }).first()).variables);
  t.deepEqual(vars.materials, seqs.slice(0, 2));
  t.is(vars.copies, 2);
  await logout(p);

  // The unit head agrees; the chief approves only the first material, in the same widget.
  await approveStep(sys, 'unithead1', id, 'unitHeadReview');
  await login(p, sys.url, 'chief1');
  await openTask(p, '档案室负责人审批');
  await p.getByText(seqs[1]).first().waitFor();
  await p.getByRole('radio', { name: '同意', exact: true }).check();
  const approved = p.getByRole('textbox', { name: /准予复制的材料序号/ });
  await approved.fill(seqs[0]);
  await approved.press('Enter');
  await p.getByLabel('意见说明').fill('同意复制第一份。');
  await p.getByRole('button', { name: '提交办理意见' }).click();
  await p.getByRole('dialog', { name: '确认提交' }).getByRole('button', { name: '确认' }).click();
  await p.getByText('已提交，您的待办已全部处理完毕。').waitFor();
  await p.getByRole('heading', { name: '待办', level: 1 }).waitFor(); // this submission's, not a toast left from the last one
  await logout(p);
  t.is((await db('utilization_requests').where({ instance_id: id }).first()).approved_materials, JSON.stringify([seqs[0]]));

  // The archivist reads what the chief approved beside the request, and sees which box is required.
  await login(p, sys.url, 'archivist1');
  await openTask(p, '制作复制件、签注意见并加盖公章');
  const approval = p.getByTestId('copy-approval');
  await approval.getByRole('heading', { name: '准予复制的材料' }).waitFor();
  t.regex((await approval.textContent()) ?? '', /只制作准予的材料，每份 2 份/);
  const decided = approval.locator('tbody tr');
  t.deepEqual(await decided.locator('td:first-child').allTextContents(), seqs.slice(0, 2));
  t.deepEqual(await decided.locator('td:last-child').allTextContents(), ['准予', '未准予']);
  const made = p.getByRole('checkbox', { name: /^复制件已由档案管理员制作并核对无误/ });
  t.is(await made.getAttribute('aria-required'), 'true');
  t.true(await p.locator('label.check', { hasText: '复制件已由档案管理员制作并核对无误' }).locator('.req').isVisible());
  await shot(p, 'copy-certify-approved', { fullPage: true });
  await made.check();
  await p.getByRole('textbox', { name: /^加盖公章/ }).fill('干部档案室（印）');
  await p.getByRole('textbox', { name: /^签注意见/ }).fill('与原件核对一致。');
  await p.getByRole('button', { name: '提交办理意见' }).click();
  await p.getByRole('dialog', { name: '确认提交' }).getByRole('button', { name: '确认' }).click();
  await p.getByText('已提交，您的待办已全部处理完毕。').waitFor();
  await p.getByRole('heading', { name: '待办', level: 1 }).waitFor(); // this submission's, not a toast left from the last one
  await logout(p);

  // The requester reports what became of the two copies, listed by their number.
  await login(p, sys.url, 'applicant1');
  await openTask(p, '使用单位报告存档或销毁情况');
  const caseNo = (await db('utilization_requests').where({ instance_id: id }).first()).case_no;
  const serials = p.locator('table.case-copies tbody tr td:first-child');
  await serials.first().waitFor();
  t.deepEqual(await serials.allTextContents(), [`${caseNo}-01`, `${caseNo}-02`]);
  await p.getByRole('radio', { name: '已登记销毁' }).check();
  await p.getByLabel('处置日期').fill(todayIn(sys));
  await p.getByRole('button', { name: '提交办理意见' }).click();
  await p.getByRole('dialog', { name: '确认提交' }).getByRole('button', { name: '确认' }).click();
  await p.getByText('已提交，您的待办已全部处理完毕。').waitFor();
  await p.getByRole('heading', { name: '待办', level: 1 }).waitFor(); // this submission's, not a toast left from the last one
  const rows = await db('copy_records').where({ request_id: (await db('utilization_requests').where({ instance_id: id }).first()).id });
  t.is(rows.length, 2);
  t.true(rows.every((r: any) => r.disposition === 'destroyed' && r.disposition_date === todayIn(sys)));
  t.is((await db('process_instances').where({ id }).first()).status, 'completed');
  await logout(p);
  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});
