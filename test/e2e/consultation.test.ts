// The consultation application (查阅/借阅) walked in a real browser, by clicking, from the
// requester through every approver to the end. Any console error, page error, failed request
// or HTTP error answer fails the test, and nothing may be requested from outside our server.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Page } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';

let sys: TestSystem;
let b: Browsing;

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  b = await openBrowser(sys.url);
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3000, 0x20), Buffer.from('\n%%EOF\n')]);

async function openInboxTask(p: Page, step: string) {
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: /待办/ }).click();
  await p.getByRole('heading', { name: '待办', level: 1 }).waitFor();
  await p.getByRole('link', { name: `办理：${step}` }).click();
  await p.getByRole('heading', { name: step, level: 1 }).waitFor();
}

async function decide(p: Page, username: string, step: string, comment: string) {
  await login(p, sys.url, username);
  await p.getByTestId('count-open').filter({ hasText: '1' }).waitFor();
  await openInboxTask(p, step);
  // The approver sees the application and the applicant's attachment before deciding.
  await p.getByText('乌海市委组织部干部档案室').first().waitFor();
  await p.getByRole('link', { name: '下载 查阅审批表（盖章）.pdf' }).waitFor();
  await p.locator('.djs-element.dg-active').first().waitFor();

  // A decision without a comment is stopped in the browser, before any request.
  await p.getByRole('radio', { name: '同意', exact: true }).check();
  await p.getByRole('button', { name: '提交办理意见' }).click();
  await p.getByText('请填写意见说明').or(p.getByText('必填')).first().waitFor();

  await p.getByLabel('意见说明').fill(comment);
  await p.getByRole('button', { name: '提交办理意见' }).click();
  const dialog = p.getByRole('dialog', { name: '确认提交' });
  await dialog.getByText(comment).waitFor();
  await dialog.getByRole('button', { name: '确认' }).click();
  await p.getByText('已提交，您的待办已全部处理完毕。').waitFor();
  await p.getByRole('heading', { name: '待办', level: 1 }).waitFor();
  await logout(p);
}

test.serial('a consultation application goes from the requester through every approver to the end, by clicking', async (t) => {
  const p = b.page;
  const db = sys.services.db;

  // The requester fills in the start form.
  await login(p, sys.url, 'applicant1');
  await p.getByRole('heading', { name: '王建国，您好' }).waitFor();
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '发起申请' }).click();
  await p.getByRole('heading', { name: '查阅/借阅干部人事档案' }).waitFor();
  await p.getByRole('link', { name: '填写申请' }).click();
  await p.getByRole('button', { name: '提交申请' }).waitFor();

  // Client-side validation mirrors the server's: an empty form never leaves the browser.
  const posted: string[] = [];
  p.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/process-instances')) posted.push(r.url());
  });
  await p.getByRole('button', { name: '提交申请' }).click();
  await p.getByText('表单中有 4 处需要修改').waitFor();
  t.is(posted.length, 0, 'nothing was sent');
  t.true(await p.getByLabel('管档单位').evaluate((el: any) => el === el.ownerDocument.activeElement), 'focus moves to the first problem');

  await p.getByLabel('管档单位').selectOption({ label: '乌海市委组织部干部档案室' });
  await p.getByLabel(/利用目的/).selectOption({ label: '干部录用、聘用、考核、考察、任免、调配等' });
  await p.getByRole('radio', { name: '电子查阅' }).check();
  await p.getByLabel('查阅理由').fill('拟提拔考察，需查阅该同志干部人事档案中的任免、考核材料。');
  await p.locator('input[type=file]').setInputFiles({ name: '查阅审批表（盖章）.pdf', mimeType: 'application/pdf', buffer: PDF });
  await p.getByText('查阅审批表（盖章）.pdf').waitFor();
  await p.getByRole('button', { name: '提交申请' }).click();

  // The application page: in progress, at the unit head, with the attachment and the diagram.
  await p.getByRole('heading', { name: '办理过程' }).waitFor();
  await p.getByText('申请已提交。').waitFor();
  await p.getByText('当前环节：单位负责人审核').waitFor();
  await p.getByRole('link', { name: '下载 查阅审批表（盖章）.pdf' }).waitFor();
  await p.locator('[data-element-id="unitHeadReview"].dg-active').waitFor();
  t.true(await p.getByRole('button', { name: '撤回申请' }).isVisible(), 'withdrawable before any decision');
  const instanceId = new URL(p.url()).pathname.split('/').pop()!;
  const inst = await db('process_instances').where({ id: instanceId }).first();
  t.is(inst.status, 'running');
  t.like(JSON.parse(inst.variables), { purpose: '2', mode: 'electronic', custodianOrgId: (await db('org_units').where({ code: '150300-ZZB-DAS' }).first()).id });
  t.is((await db('case_attachments').where({ instance_id: instanceId })).length, 1);
  await logout(p);

  // Every approver, each in the inbox, each by clicking.
  await decide(p, 'unithead1', '单位负责人审核', '情况属实，同意查阅。');
  await decide(p, 'archivist1', '档案管理员受理审查', '材料齐全，予以受理。');
  await decide(p, 'chief1', '档案室负责人审批', '同意电子查阅。');

  const tasks = await db('tasks').where({ instance_id: instanceId }).orderBy('created_at');
  t.deepEqual(
    tasks.map((x: any) => [x.element_id, x.status, x.outcome]),
    [
      ['unitHeadReview', 'completed', 'approve'],
      ['archivistReview', 'completed', 'approve'],
      ['chiefApproval', 'completed', 'approve'],
    ],
  );
  t.is((await db('process_instances').where({ id: instanceId }).first()).status, 'completed');

  // The requester sees the outcome, who decided what, and the finished diagram.
  await login(p, sys.url, 'applicant1');
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的申请' }).click();
  await p.getByRole('heading', { name: '我的申请', level: 1 }).waitFor();
  await p.getByText('已办结 · 已批准').first().waitFor();
  await p.getByRole('link', { name: /^电子查阅：拟提拔考察/ }).first().click();
  await p.getByRole('heading', { name: '办理过程' }).waitFor();
  for (const text of ['张志强', '情况属实，同意查阅。', '刘晓燕', '材料齐全，予以受理。', '陈立新', '同意电子查阅。', '办结：已批准']) {
    await p.getByText(text).first().waitFor();
  }
  await p.locator('[data-element-id="approved"].dg-done').waitFor();
  t.false(await p.getByRole('button', { name: '撤回申请' }).isVisible());
  await logout(p);

  t.deepEqual(b.problems, [], 'no console error, page error or failed request');
  t.deepEqual(b.outside, [], 'nothing requested from outside our server');
});
