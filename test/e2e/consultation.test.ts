// The consultation application (查阅/借阅, electronic) walked in a real browser, by clicking: the
// requester names the cadre by name and ID number and a colleague as co-applicant, every approver
// decides in the inbox (the chief narrowing the categories), the requester ends the reading and
// the case closes with its 查阅登记簿 entry. Then a loan's borrower asks for a renewal on the
// application page. A reading approved for tomorrow says when it opens and cannot be ended today.
// An on-site reading whose planned day has passed warns the chief on the task page, and approves.
// Any console error, page error, failed request or HTTP error answer fails the
// test, and nothing may be requested from outside our server.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Page } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { approveStep, borrowingVariables, demoCadre, ensureScanned, todayIn, type DemoCadre } from '../helpers/cases.ts';
import { completeAt } from '../helpers/workflow.ts';
import { clientDist } from '../../server/app.ts';
import { beijingDay } from '../../server/notify/beijing.ts';
import { openBrowser, login, logout, logoutDiscarding, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
let cadre: DemoCadre;

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  cadre = await demoCadre(sys, 'county');
  // Categories 一 and 九 have a scanned page each; 三 has none (电子查阅 reads page images).
  await ensureScanned(sys, cadre.archiveId, ['1', '9']);
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

async function decide(p: Page, username: string, step: string, comment: string, extra?: (p: Page) => Promise<void>) {
  await login(p, sys.url, username);
  // The toasts of the session before (the last approver's 已提交…, moments ago) went with it: the
  // next user of this browser reads none of them.
  if (await p.getByText('已提交，您的待办已全部处理完毕。').count()) throw new Error(`the previous user's toast shows to ${username}`);
  await p.getByTestId('count-open').filter({ hasText: '1' }).waitFor();
  await openInboxTask(p, step);
  // The approver sees the application — the cadre, both applicants by name — and the attachment.
  await p.getByText(cadre.name).first().waitFor();
  await p.getByText('李红梅').first().waitFor();
  await p.getByRole('link', { name: '下载 查阅审批表（盖章）.pdf' }).waitFor();
  await p.locator('.djs-element.dg-active').first().waitFor();

  // A decision without a comment is stopped in the browser, before any request.
  await p.getByRole('radio', { name: '同意', exact: true }).check();
  await p.getByRole('button', { name: '提交办理意见' }).click();
  await p.getByText('请填写意见说明').or(p.getByText('必填')).first().waitFor();

  await extra?.(p);
  await p.getByLabel('意见说明').fill(comment);
  await p.getByRole('button', { name: '提交办理意见' }).click();
  const dialog = p.getByRole('dialog', { name: '确认提交' });
  await dialog.getByText(comment).waitFor();
  await dialog.getByRole('button', { name: '确认' }).click();
  await p.getByText('已提交，您的待办已全部处理完毕。').waitFor();
  await p.getByRole('heading', { name: '待办', level: 1 }).waitFor();
  await logout(p);
}

test.serial('a consultation goes from the requester through every approver to the reading and its register entry, by clicking', async (t) => {
  const p = b.page;
  const db = sys.services.db;

  // The requester fills in the start form.
  await login(p, sys.url, 'applicant1');
  await p.getByRole('heading', { name: '王建国，您好' }).waitFor();
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '发起申请' }).click();
  await p.getByRole('heading', { name: '查阅/借阅干部人事档案' }).waitFor();
  await p.getByRole('link', { name: '填写申请' }).first().click();
  await p.getByRole('button', { name: '提交申请' }).waitFor();

  // Client-side validation mirrors the server's: an empty form never leaves the browser.
  const posted: string[] = [];
  p.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/process-instances')) posted.push(r.url());
  });
  await p.getByRole('button', { name: '提交申请' }).click();
  await p.getByText('表单中有 8 处需要修改').waitFor();
  t.is(posted.length, 0, 'nothing was sent');
  t.true(await p.getByLabel('被查阅干部姓名').evaluate((el: any) => el === el.ownerDocument.activeElement), 'focus moves to the first problem');

  await p.getByLabel('被查阅干部姓名').fill(cadre.name);
  await p.getByLabel('被查阅干部身份证号').fill(cadre.idNumber);
  await p.getByRole('checkbox', { name: '李红梅' }).check();
  await p.getByLabel(/利用目的/).selectOption({ label: '干部录用、聘用、考核、考察、任免、调配、职级晋升等' });
  // The limit counts characters as the server does: a rare character (𠀀, two UTF-16 units) does
  // not stop the typing one character early, and going over shows the count in red.
  const reason = p.getByLabel('查阅理由');
  await reason.fill('');
  await reason.focus();
  await p.keyboard.insertText(`𠀀${'甲'.repeat(999)}`);
  t.is([...(await reason.inputValue())].length, 1000, 'all 1,000 characters are kept');
  await p.getByText('1000 / 1000 字').waitFor();
  await p.keyboard.insertText('乙');
  await p.locator('.counter.over').filter({ hasText: '1001 / 1000 字' }).waitFor();
  await reason.fill('拟提拔考察，需查阅该同志干部人事档案中的任免、考核材料。');
  await p.getByRole('radio', { name: '电子查阅' }).check();
  for (const c of ['一、履历材料', '三、考核鉴定材料', '九、工资、任免、出国和会议代表材料']) await p.getByRole('checkbox', { name: c }).check();
  await p.getByLabel('拟查阅日期').fill(todayIn(sys));
  // The hint names the configured limit; the server's refusal of a longer window stands at the field.
  const days = p.getByLabel('电子查阅时限（天）');
  await p.getByText('不超过 5 天（规定的电子查阅时限）').waitFor();
  await days.fill('9');
  // A file whose bytes are not what its name says is refused when chosen, before anything is filed.
  await p.locator('input[type=file]').setInputFiles({ name: '审批表.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html><script>alert(1)</script></html>') });
  await p.getByText('文件「审批表.pdf」的内容不是 .pdf 文件，未添加。').waitFor();
  t.is(await p.getByText('审批表.pdf', { exact: true }).count(), 0);
  await p.locator('input[type=file]').setInputFiles({ name: '查阅审批表（盖章）.pdf', mimeType: 'application/pdf', buffer: PDF });
  await p.getByText('查阅审批表（盖章）.pdf').waitFor();
  await p.getByRole('button', { name: '提交申请' }).click();
  await p.waitForFunction(() => (globalThis as any).document.activeElement?.getAttribute('aria-invalid') === 'true');
  t.is(await days.getAttribute('aria-invalid'), 'true');
  t.true(await days.evaluate((el) => el === el.ownerDocument.activeElement), 'the refused field has the focus');
  const described = (await days.getAttribute('aria-describedby'))!.split(' ');
  t.regex((await p.locator(`[id="${described.at(-1)}"]`).textContent()) ?? '', /电子查阅时限须为 1 至 5 天/);
  t.deepEqual(b.problems.splice(0), [`HTTP 422: POST ${sys.url}/api/process-instances`, 'console: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)'], 'the one refusal, and nothing else');
  await days.fill('2');
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
  t.regex(inst.business_key, /^查借-\d{4}-\d{4}$/);
  const coApplicant = (await db('users').where({ username: 'applicant2' }).first()).id;
  t.like(JSON.parse(inst.variables), { purpose: '2', mode: 'electronic', cadreName: cadre.name, cadreIdNumber: cadre.idNumber, coApplicants: [String(coApplicant)], categories: ['1', '3', '9'], viewDays: 2 });
  t.is((await db('case_attachments').where({ instance_id: instanceId })).length, 1);
  await logout(p);

  // Every approver, each in the inbox, each by clicking; the chief grants two of the three categories.
  await decide(p, 'unithead1', '单位负责人审核', '情况属实，同意查阅。');
  // The archivist and the chief see what of each requested category is digitised.
  const digitisation = async (pg: Page, who: string) => {
    const panel = pg.getByTestId('request-digitisation');
    await panel.getByRole('heading', { name: '申请类别的数字化情况' }).waitFor();
    const rows = await panel.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())));
    const pagesOf = async (code: string) =>
      Number((await db('page_images as p').join('materials as m', 'm.id', 'p.material_id').where('m.archive_id', cadre.archiveId).where((w) => w.where('m.category_code', code).orWhere('m.category_code', 'like', `${code}-%`)).count({ n: '*' }))[0].n);
    t.is(await pagesOf('1'), 1);
    t.is(rows[0][0], '一、履历材料');
    t.regex(rows[0][1]!, /^已数字化 1 页（1\/\d+ 份材料）$/);
    t.deepEqual(rows[1], ['三、考核鉴定材料', '未数字化']);
    t.is(rows[2][0], '九、工资、任免、出国和会议代表材料');
    t.regex(rows[2][1]!, /^已数字化 1 页/);
    await panel.scrollIntoViewIfNeeded();
    await shot(pg, `digitisation-${who}`);
  };
  await decide(p, 'archivist1', '档案管理员受理审查', '材料齐全，予以受理。', (pg) => digitisation(pg, 'archivist'));
  await decide(p, 'chief1', '档案室负责人审批', '同意查阅履历和任免材料。', async (pg) => {
    await digitisation(pg, 'chief');
    await pg.getByRole('checkbox', { name: '一、履历材料' }).check();
    await pg.getByRole('checkbox', { name: '九、工资、任免、出国和会议代表材料' }).check();
  });
  const req = await db('utilization_requests').where({ instance_id: instanceId }).first();
  t.like(req, { status: 'authorized', granted_categories: JSON.stringify(['1', '9']) });
  t.is((await db('archive_grants').where({ instance_id: instanceId })).length, 2);

  // The requester reads (the reading room is issue 9), then ends the reading and signs.
  await login(p, sys.url, 'applicant1');
  await openInboxTask(p, '电子阅档（结束阅档）');
  await p.getByRole('checkbox', { name: '本人确认遵守查阅纪律' }).check();
  await p.getByLabel('查阅情况说明').fill('已查阅履历和任免材料。');
  await p.getByRole('button', { name: '提交办理意见' }).click();
  await p.getByRole('dialog', { name: '确认提交' }).getByRole('button', { name: '确认' }).click();
  await p.getByText('已提交，您的待办已全部处理完毕。').waitFor();
  // The inbox this submission opens: the words alone may be the chief's toast, still showing after
  // a quick logout and login.
  await p.getByRole('heading', { name: '待办', level: 1 }).waitFor();

  const tasks = await db('tasks').where({ instance_id: instanceId });
  const order = ['unitHeadReview', 'archivistReview', 'chiefApproval', 'electronicReading'];
  t.deepEqual(
    tasks.sort((x: any, y: any) => order.indexOf(x.element_id) - order.indexOf(y.element_id)).map((x: any) => [x.element_id, x.status, x.outcome]),
    [
      ['unitHeadReview', 'completed', 'approve'],
      ['archivistReview', 'completed', 'approve'],
      ['chiefApproval', 'completed', 'approve'],
      ['electronicReading', 'completed', null],
    ],
  );
  t.is((await db('process_instances').where({ id: instanceId }).first()).status, 'completed');
  t.like(await db('reading_register').where({ request_id: req.id }).first(), { mode: 'electronic', end_reason: 'finished', note: '已查阅履历和任免材料。' });
  t.true((await db('archive_grants').where({ instance_id: instanceId })).every((g: any) => g.revoked_at));

  // The requester sees the outcome, who decided what, and the finished diagram.
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的申请' }).click();
  await p.getByRole('heading', { name: '我的申请', level: 1 }).waitFor();
  await p.getByText('已办结 · 已批准').first().waitFor();
  await p.getByRole('link', { name: /^电子查阅：拟提拔考察/ }).first().click();
  await p.getByRole('heading', { name: '办理过程' }).waitFor();
  for (const text of ['张志强', '情况属实，同意查阅。', '刘晓燕', '材料齐全，予以受理。', '陈立新', '同意查阅履历和任免材料。', '办结：已批准']) {
    await p.getByText(text).first().waitFor();
  }
  await p.locator('[data-element-id="done"].dg-done').waitFor();
  t.false(await p.getByRole('button', { name: '撤回申请' }).isVisible());
  await logout(p);

  t.deepEqual(b.problems, [], 'no console error, page error or failed request');
  t.deepEqual(b.outside, [], 'nothing requested from outside our server');
});

test.serial('a loan’s borrower sees the due date on the application and asks for a renewal, which goes to the chief', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  const target = await demoCadre(sys, 'county', 1);
  const res = await (await sys.as('applicant1')).post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', target, { mode: 'loan', loanDays: 5 }) });
  const id = res.body.id as string;
  for (const [u, step] of [['unithead1', 'unitHeadReview'], ['archivist1', 'archivistReview'], ['chief1', 'chiefApproval'], ['leader1', 'leaderApproval']]) await approveStep(sys, u, id, step);
  t.is((await completeAt(await sys.as('archivist1'), id, 'loanCheckout', { checkedAgainstCatalogue: true, sealed: true })).status, 200);

  await login(p, sys.url, 'applicant1');
  await p.goto(`${sys.url}/applications/${id}`);
  await p.getByRole('heading', { name: '借阅档案' }).waitFor();
  await p.getByText(/^应于 .* 前归还$/).waitFor();
  await p.getByRole('button', { name: '申请续借' }).click();
  const dialog = p.getByRole('dialog', { name: '申请续借' });
  await dialog.getByLabel('续借天数').fill('3');
  await dialog.getByLabel('续借理由').fill('考察工作延长，需继续使用。');
  await dialog.getByRole('button', { name: '申请续借' }).click();
  await p.getByText('续借申请已提交，等待审批。').waitFor();
  await p.getByText('续借申请审批中。').waitFor();
  t.like(await db('loan_renewals').orderBy('id', 'desc').first(), { days: 3, status: 'pending', reason: '考察工作延长，需继续使用。' });
  t.is((await db('tasks').where({ instance_id: id, element_id: 'renewalApproval', status: 'open' })).length, 1);
  // The renewal interrupts the return check until it is decided; the timeline says 申请续借, never
  // that the return was cancelled — while it is decided, nor after it is granted.
  const timeline = p.locator('ol.timeline');
  const cancelledReturn = timeline.getByText('「归还核对（对照目录当面清点）」已取消');
  await timeline.getByText('申请续借').first().waitFor();
  t.is(await cancelledReturn.count(), 0);
  await approveStep(sys, 'chief1', id, 'renewalApproval', '同意续借三天。');
  await approveStep(sys, 'leader1', id, 'renewalLeaderApproval');
  await p.reload();
  await timeline.getByText('续借审批（有干部管理权限的领导） · 同意').waitFor();
  t.is(await timeline.getByText('送达「归还核对（对照目录当面清点）」').count(), 2, 'the step came back after the renewal');
  t.is(await cancelledReturn.count(), 0);
  await timeline.scrollIntoViewIfNeeded();
  t.log(await shot(p, 'renewal-timeline', { fullPage: true }));
  await logout(p);
  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});

test.serial('a reading approved for tomorrow: the reading room and the task say when it opens, and ending it today is refused with that time; nothing is lost', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  const target = await demoCadre(sys, 'county', 2);
  const tomorrow = beijingDay(new Date(sys.clock.now().getTime() + 24 * 3_600_000));
  const res = await (await sys.as('applicant1')).post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', target, { viewFrom: tomorrow, viewDays: 1 }) });
  const id = res.body.id as string;
  for (const [u, step] of [['unithead1', 'unitHeadReview'], ['archivist1', 'archivistReview'], ['chief1', 'chiefApproval']]) await approveStep(sys, u, id, step);

  await login(p, sys.url, 'applicant1');
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '阅档室' }).click();
  const row = p.getByRole('row').filter({ hasText: res.body.businessKey });
  await row.getByTestId('opens-at').filter({ hasText: /^自 .+ 00:00 起可查阅$/ }).waitFor();
  t.is(await row.getByRole('link').count(), 0, 'no way in before the window opens');
  await shot(p, 'reading-not-open-list');

  await openInboxTask(p, '电子阅档（结束阅档）');
  await p.getByTestId('window-not-open').filter({ hasText: /^查阅时限自 .+ 00:00 起，至 .+ 23:59 止/ }).waitFor();
  t.is(await p.getByRole('link', { name: '进入阅档室阅读档案' }).count(), 0);
  await shot(p, 'reading-not-open-task');
  await p.getByRole('checkbox', { name: /本人确认遵守查阅纪律/ }).check();
  await p.getByRole('button', { name: '提交办理意见' }).click();
  await p.getByRole('dialog', { name: '确认提交' }).getByRole('button', { name: '确认' }).click();
  await p.getByRole('alert').filter({ hasText: /^查阅时限自 .+ 起，尚未开始，不能结束阅档/ }).waitFor();

  // Nothing moved: the task is still the reader's, the grants stand, the register has no entry.
  t.is((await db('tasks').where({ instance_id: id, element_id: 'electronicReading', status: 'open' })).length, 1);
  t.true((await db('archive_grants').where({ instance_id: id })).every((g: any) => g.revoked_at === null));
  t.is((await db('reading_register').where({ request_id: (await db('utilization_requests').where({ instance_id: id }).first()).id })).length, 0);
  // The ticked confirmation is still on the page, unsubmitted: leaving asks, and the reader gives it up.
  await logoutDiscarding(p);
  // The one HTTP error is the refusal itself.
  t.deepEqual(b.problems.map((x) => x.replace(/\/api\/tasks\/[^/]+\//, '/api/tasks/:id/')), [
    `HTTP 422: POST ${sys.url}/api/tasks/:id/complete`,
    'console: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)',
  ]);
  t.deepEqual(b.outside, []);
});

test.serial('an electronic request for categories that are not digitised is refused at 利用方式 with the reason; asking to read on site is filed', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  const target = await demoCadre(sys, 'county', 7);
  b.problems.splice(0); // the previous test's refusal (ending a reading too early) is its own
  const pages = Number((await db('page_images as p').join('materials as m', 'm.id', 'p.material_id').where('m.archive_id', target.archiveId).count({ n: '*' }))[0].n);
  t.is(pages, 0, 'no page images in this archive');
  await login(p, sys.url, 'applicant1');
  await p.goto(`${sys.url}/start/borrowing`);
  await p.getByRole('button', { name: '提交申请' }).waitFor();
  await p.getByLabel('被查阅干部姓名').fill(target.name);
  await p.getByLabel('被查阅干部身份证号').fill(target.idNumber);
  await p.getByRole('checkbox', { name: '李红梅' }).check();
  await p.getByLabel(/利用目的/).selectOption({ value: '2' });
  await p.getByLabel('查阅理由').fill('干部日常管理中需熟悉了解干部，查阅履历材料。');
  await p.getByRole('radio', { name: '电子查阅' }).check();
  for (const c of ['一、履历材料', '九、工资、任免、出国和会议代表材料']) await p.getByRole('checkbox', { name: c }).check();
  await p.getByLabel('拟查阅日期').fill(todayIn(sys));
  await p.getByLabel('电子查阅时限（天）').fill('1');
  await p.getByRole('button', { name: '提交申请' }).click();
  // The refusal stands at the mode field (its radio group describes itself by it), in words the
  // applicant can act on.
  const radio = p.getByRole('radio', { name: '电子查阅' });
  const group = p.getByRole('radiogroup', { name: /利用方式/ });
  const error = group.locator('.error-text');
  await error.waitFor();
  t.is(await error.textContent(), '所申请类别的档案材料尚未数字化，不能电子查阅，请改为到档案室查阅');
  t.true(((await group.getAttribute('aria-describedby')) ?? '').split(' ').includes((await error.getAttribute('id'))!));
  await radio.scrollIntoViewIfNeeded();
  await shot(p, 'electronic-refused-at-mode');
  t.deepEqual(b.problems.splice(0), [`HTTP 422: POST ${sys.url}/api/process-instances`, 'console: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)']);
  t.is((await db('utilization_requests').where({ cadre_id: target.id })).length, 0, 'nothing filed');

  await p.getByRole('radio', { name: '到档案室现场查阅' }).check();
  await p.getByRole('button', { name: '提交申请' }).click();
  await p.getByRole('heading', { name: '办理过程' }).waitFor();
  t.like(await db('utilization_requests').where({ cadre_id: target.id }).first(), { mode: 'onsite', status: 'in_review' });
  await logout(p);
  t.deepEqual(b.problems, []);
});

test.serial('an on-site reading whose planned day passed before the chief decides: the task page warns, in Chinese and English, and the approval goes through', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  const target = await demoCadre(sys, 'county', 8);
  const planned = todayIn(sys);
  const [y, m, d] = planned.split('-').map(Number);
  const res = await (await sys.as('applicant1')).post('/api/process-instances', { processKey: 'borrowing', variables: await borrowingVariables(sys, 'applicant1', target, { mode: 'onsite', viewFrom: planned }) });
  t.is(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id as string;
  for (const [u, step] of [['unithead1', 'unitHeadReview'], ['archivist1', 'archivistReview']]) await approveStep(sys, u, id, step);
  sys.clock.advance(2 * 24 * 3_600_000);

  await login(p, sys.url, 'chief1');
  const task = await db('tasks').where({ instance_id: id, element_id: 'chiefApproval', status: 'open' }).first();
  await p.goto(`${sys.url}/tasks/${task.id}`);
  const warning = p.getByTestId('planned-day-passed');
  await warning.getByText('拟查阅日期已过').waitFor();
  t.is(
    (await warning.locator('p').textContent())?.trim(),
    `申请的拟查阅日期（${y}年${m}月${d}日）已过。可以照常审批；批准后请与申请人另约查阅时间。批准通知会告诉申请人该日期已过、须与档案室另约。`,
  );
  // Said before the form, where the chief decides: on screen without scrolling past the decision.
  const formTop = await p.locator('#task-form').evaluate((el) => el.getBoundingClientRect().top);
  t.true((await warning.evaluate((el) => el.getBoundingClientRect().bottom)) <= formTop);
  for (const width of [1280, 1024]) {
    await p.setViewportSize({ width, height: 800 });
    await warning.scrollIntoViewIfNeeded();
    t.log(await shot(p, `planned-day-passed-zh-${width}`));
  }
  await p.getByLabel('语言').selectOption('en');
  await warning.getByText('The planned reading day has passed').waitFor();
  t.regex((await warning.locator('p').textContent()) ?? '', new RegExp(`^The applicants planned to read on ${d} [A-Z][a-z]{2} ${y}, which has passed\\.`));
  for (const width of [1024, 1280]) {
    await p.setViewportSize({ width, height: 800 });
    await warning.scrollIntoViewIfNeeded();
    t.log(await shot(p, `planned-day-passed-en-${width}`));
  }
  await p.getByLabel('Language').selectOption('zh');
  await p.getByRole('heading', { name: '档案室负责人审批', level: 1 }).waitFor();

  // A warning, not a stop: the chief approves, and once decided the page says nothing more.
  await approveStep(sys, 'chief1', id, 'chiefApproval');
  t.is((await db('utilization_requests').where({ instance_id: id }).first()).status, 'approved');
  await Promise.all([p.waitForResponse((r) => r.url().includes('/api/requests?')), p.reload()]);
  await p.getByRole('heading', { name: '申请概要' }).waitFor();
  t.is(await warning.count(), 0);
  await logout(p);
  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});
