// 数字化出库/回库 in chromium: archivist1 asks through 发起申请 for two archives of her office to go to
// the scanners (numbers typed one a line, 扫描, a return date a few days ahead); a start naming an
// archive of another office (receiver1's) is refused on the form with the server's sentence and no
// case is made. chief1 opens the 出库审批 from 待办, sees the two numbers in the batch's panel and
// approves; archivist1 ticks the 出库交接 — both archives are 数字化中 by the API — and the register
// lists the batch 已出库, its page both archives; the status filter survives a reload and the way
// back; the 回库登记 puts one back 在库 (部分回库), opens again, and puts the other back. Screenshots:
// docs/screenshots/digitisation-task.png, digitisation-batch.png, digitisation-return-part.png
// (UPDATE_SCREENSHOTS=1), else a temp folder.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Page } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { todayIn } from '../helpers/cases.ts';
import { addCalendarDays } from '../../server/materials/deps.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

interface Shelved {
  id: number;
  archive_no: string;
  name: string;
}

let sys: TestSystem;
let b: Browsing;
/** Two archives on archivist1's office's shelf, of cadres neither archivist1 nor chief1 must avoid. */
let mine: Shelved[];
/** An archive on the shelf of receiver1's office. */
let theirs: Shelved;
let instanceId: string;
let batchId: number;
let caseNo: string;
const returnDate = () => addCalendarDays(todayIn(sys), 5);

const user = (username: string) => sys.services.db('users').where({ username }).first();

async function shelved(officeId: number, n: number, avoidedBy: number[]): Promise<Shelved[]> {
  const tied = new Set<number>();
  for (const u of avoidedBy) for (const id of (await sys.services.access.exclusions(sys.services.db, u)).keys()) tied.add(id);
  const rows: Shelved[] = await sys.services.db('archives as a')
    .join('cadres as c', 'c.id', 'a.cadre_id')
    .where({ 'a.custodian_org_id': officeId, 'a.status': 'in_stock', 'a.kind': 'original' })
    .whereNotIn('c.id', [...tied, -1])
    .orderBy('a.id')
    .limit(n)
    .select('a.id', 'a.archive_no', 'c.name');
  if (rows.length < n) throw new Error(`office ${officeId} has ${rows.length} archives on the shelf, ${n} wanted`);
  return rows;
}

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  const [archivist, chief, receiver] = await Promise.all([user('archivist1'), user('chief1'), user('receiver1')]);
  if (archivist.org_unit_id === receiver.org_unit_id) throw new Error('receiver1 should work in another office');
  mine = await shelved(archivist.org_unit_id, 2, [archivist.id, chief.id]);
  [theirs] = await shelved(receiver.org_unit_id, 1, []);
  b = await openBrowser(sys.url, { width: 1280, height: 900 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

/** The one refusal the test asks for (422 on the start, with the console line chromium logs for it). */
const expected = [/^HTTP 422: POST .*\/api\/process-instances$/, /^console: Failed to load resource: .*status of 422/];
const otherProblems = () => b.problems.filter((x) => !expected.some((re) => re.test(x)));

const nav = (p: Page) => p.getByRole('navigation', { name: '主导航' });

async function openTask(p: Page, step: string) {
  await nav(p).getByRole('link', { name: /待办/ }).click();
  await p.getByRole('link', { name: `办理：${step}` }).click();
  await p.getByRole('heading', { name: step, level: 1 }).waitFor();
}

async function submitTask(p: Page) {
  await p.getByRole('button', { name: '提交办理意见' }).click();
  await p.getByRole('dialog', { name: '确认提交' }).getByRole('button', { name: '确认' }).click();
}

async function fillStart(p: Page, nos: string[]) {
  await p.getByLabel('档案号（每行一个）').fill(nos.join('\n'));
  await p.getByLabel('用途').selectOption({ label: '扫描' });
  await p.getByLabel('预计回库日期').fill(returnDate());
  await p.getByLabel('说明').fill('委托加工单位到馆扫描。');
}

const statusOf = async (archiveId: number) => (await (await sys.as('archivist1')).get(`/api/archives/${archiveId}`)).body.status as string;
const panelRow = (p: Page, no: string) => p.getByTestId('batch-panel').locator(`tr[data-archive-no="${no}"]`);

test.serial('archivist1 asks for a batch through 发起申请; another office’s archive is refused on the form and makes no case', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  await login(p, sys.url, 'archivist1');
  await nav(p).getByRole('link', { name: '发起申请' }).click();
  await p.locator('li.card', { has: p.getByRole('heading', { name: '数字化出库/回库' }) }).getByRole('link').click();
  await p.getByRole('heading', { name: '数字化出库/回库', level: 1 }).waitFor();

  // One number of receiver1's office among hers: the server's one answer for "not held", on the form.
  const cases = async () => Number((await db('process_instances').where({ process_key: 'digitisation-batch' }).count({ n: '*' }))[0].n);
  const batches = async () => Number((await db('digitisation_batches').count({ n: '*' }))[0].n);
  const [casesBefore, batchesBefore] = [await cases(), await batches()];
  await fillStart(p, [mine[0].archive_no, theirs.archive_no]);
  await p.getByRole('button', { name: '提交申请' }).click();
  await p.getByRole('alert').filter({ hasText: `档案号 ${theirs.archive_no} 不是本室保管的档案` }).waitFor();
  t.regex(new URL(p.url()).pathname, /^\/start\/digitisation-batch$/);
  t.is(await cases(), casesBefore, 'no case');
  t.is(await batches(), batchesBefore, 'no batch');

  // Her own two, one a line: the case starts and the application page opens.
  await p.getByLabel('档案号（每行一个）').fill(mine.map((a) => a.archive_no).join('\n'));
  await p.getByRole('button', { name: '提交申请' }).click();
  await p.getByRole('heading', { name: '办理过程' }).waitFor();
  instanceId = new URL(p.url()).pathname.split('/').pop()!;
  const batch = await db('digitisation_batches').where({ instance_id: instanceId }).first();
  t.truthy(batch, p.url());
  t.like(batch, { status: 'review', purpose: 'scan', expected_return_date: returnDate(), started_by: (await user('archivist1')).id });
  batchId = batch.id;
  caseNo = batch.case_no;
  t.deepEqual((await db('digitisation_batch_items').where({ batch_id: batchId }).orderBy('id')).map((i: any) => i.archive_id), mine.map((a) => a.id));
  // Her application shows the batch too, awaiting approval.
  await p.getByTestId('batch-panel').getByText('待审批').waitFor();
  for (const a of mine) await panelRow(p, a.archive_no).filter({ hasText: a.name }).filter({ hasText: '在库' }).waitFor();
  await logout(p);
  t.is(b.problems.filter((x) => x.startsWith('HTTP')).length, 1, b.problems.join('\n'));
  t.deepEqual(otherProblems(), []);
});

test.serial('chief1 sees the two archives on the 出库审批 and approves; archivist1 hands them over and they are 数字化中', async (t) => {
  t.truthy(instanceId, 'the batch of the first test');
  const p = b.page;
  await login(p, sys.url, 'chief1');
  await openTask(p, '出库审批');
  const panel = p.getByTestId('batch-panel');
  await panel.getByRole('heading', { name: '本批出库档案' }).waitFor();
  for (const a of mine) await panelRow(p, a.archive_no).filter({ hasText: a.name }).filter({ hasText: '在库' }).waitFor();
  t.is(await panel.locator('tbody tr').count(), 2);
  await panel.getByText(`共 2 份，扫描，预计`).waitFor();
  // The chief's view as the task opens: the case summary and, below it, the batch's archives.
  await p.waitForTimeout(200);
  await shot(p, 'digitisation-task');
  await p.getByRole('radio', { name: '同意', exact: true }).check();
  await p.getByLabel('意见说明').fill('同意出库扫描，按期回库。');
  await submitTask(p);
  await p.getByText(/^已提交/).first().waitFor();
  t.like(await sys.services.db('digitisation_batches').where({ id: batchId }).first(), { status: 'approved', chief_decision: 'approve' });
  await logout(p);

  await login(p, sys.url, 'archivist1');
  await openTask(p, '出库交接（按清单清点）');
  for (const a of mine) await panelRow(p, a.archive_no).waitFor();
  await p.getByRole('checkbox', { name: '已按出库清单逐份清点，交接双方已签字' }).check();
  await submitTask(p);
  // The same case's next step opens: the 回库登记, with both archives out.
  await p.getByRole('heading', { name: '回库登记（清点、装订复原）', level: 1 }).waitFor();
  for (const a of mine) {
    await panelRow(p, a.archive_no).filter({ hasText: '数字化中' }).waitFor();
    t.is(await statusOf(a.id), 'digitizing', a.archive_no);
  }
  t.deepEqual(otherProblems(), []);
});

test.serial('the register lists the batch 已出库 with its archives; the status filter survives a reload and the way back', async (t) => {
  t.truthy(batchId, 'the batch of the first test');
  const p = b.page;
  await nav(p).getByRole('link', { name: '数字化出库' }).click();
  await p.getByRole('heading', { name: '数字化出库', level: 1 }).waitFor();
  const row = p.locator(`tr[data-batch="${batchId}"]`);
  const archivistName = (await user('archivist1')).display_name as string;
  await row.filter({ hasText: caseNo }).filter({ hasText: '已出库' }).filter({ hasText: '2 份' }).filter({ hasText: '扫描' }).filter({ hasText: archivistName }).waitFor();
  t.false(await row.getByTestId('batch-return').evaluate((el) => el.classList.contains('overdue')), 'due in five days');

  // The filter: 已出库 lists it; in the URL, kept by a reload; 已回库 does not; back returns to 已出库.
  const filter = p.getByRole('group', { name: '按状态筛选' });
  await filter.getByRole('button', { name: '已出库' }).click();
  await p.waitForURL(/status=out/);
  // The row is listed under 全部 too: wait until the 已出库 answer is in (the list's spinner gone).
  await filter.getByRole('status').waitFor({ state: 'detached' });
  await row.waitFor();
  await p.reload();
  await row.filter({ hasText: '已出库' }).waitFor();
  t.is(await filter.getByRole('button', { name: '已出库' }).getAttribute('aria-pressed'), 'true');
  t.is(await filter.getByRole('button', { name: '全部' }).getAttribute('aria-pressed'), 'false');
  const api = await sys.as('archivist1');
  const out = (await api.get('/api/digitisation-batches?status=out')).body;
  t.is(await p.locator('table.batches tbody tr').count(), out.items.length);
  await p.getByTestId('batches-total').filter({ hasText: `共 ${out.total} 批` }).waitFor();
  await filter.getByRole('button', { name: '已回库' }).click();
  await p.getByText('没有“已回库”的批次。').waitFor();
  t.regex(p.url(), /status=returned/);
  await p.goBack();
  await row.waitFor();
  t.regex(p.url(), /status=out/);
  t.is(await filter.getByRole('button', { name: '已出库' }).getAttribute('aria-pressed'), 'true');
  // 逾期未回库: the batch is out but not yet due, so it is not listed — exactly as the server says.
  await filter.getByRole('button', { name: '逾期未回库' }).click();
  await p.waitForURL(/overdue=1/);
  const overdue = (await api.get('/api/digitisation-batches?status=out&overdue=true')).body;
  t.false(overdue.items.some((b: any) => b.caseNo === caseNo));
  if (overdue.total === 0) await p.getByText('没有逾期未回库的批次。').waitFor();
  else await p.getByTestId('batches-total').filter({ hasText: `共 ${overdue.total} 批` }).waitFor();
  t.is(await row.count(), 0);
  await p.goBack();
  await row.waitFor();

  // The batch's page: its facts and both archives, 数字化中, each linking to its archive.
  await row.getByRole('link', { name: caseNo }).click();
  await p.getByRole('heading', { name: caseNo, level: 1 }).waitFor();
  await p.getByTestId('batch-status').filter({ hasText: '已出库' }).waitFor();
  const chiefName = (await user('chief1')).display_name as string;
  await p.getByTestId('batch-decision').filter({ hasText: '同意' }).filter({ hasText: '同意出库扫描，按期回库。' }).filter({ hasText: chiefName }).waitFor();
  await p.getByTestId('batch-handover').filter({ hasText: archivistName }).waitFor();
  t.is(await p.getByTestId('batch-returned').textContent(), '尚未办理');
  const items = p.locator('table.items tbody tr');
  t.is(await items.count(), 2);
  for (const [n, a] of mine.entries()) {
    const r = items.nth(n);
    t.is(await r.getAttribute('data-archive-no'), a.archive_no);
    await r.filter({ hasText: a.name }).filter({ hasText: '数字化中' }).filter({ hasText: '在库' }).waitFor();
    t.is(await r.getByRole('link', { name: a.archive_no }).getAttribute('href'), `/archives/${a.id}`);
  }
  t.is(await p.getByRole('link', { name: '查看办理过程' }).getAttribute('href'), `/applications/${instanceId}`);
  await p.waitForTimeout(200);
  await shot(p, 'digitisation-batch');
  t.deepEqual(otherProblems(), []);
});

test.serial('archivist1 registers the return in two rounds: first the one archive back (部分回库), the other stays 数字化中 and 回库登记 opens again; then the other, and the batch is 已回库', async (t) => {
  t.truthy(batchId, 'the batch of the first test');
  const p = b.page;
  await openTask(p, '回库登记（清点、装订复原）');
  const counted = p.getByRole('checkbox', { name: '已按出库清单逐份清点本次回库的档案，拆钉的已装订复原' });
  t.is(await p.getByLabel('本次回库的档案号（每行一个）').count(), 0, 'shown only for 部分回库');
  await p.getByRole('checkbox', { name: '部分回库（有档案本次未回库）' }).check();
  await p.getByLabel('本次回库的档案号（每行一个）').fill(mine[0].archive_no);
  await p.getByLabel('未回库档案的去向和原因').fill('纸张破损，扫描单位留存修裱。');
  await counted.check();
  await p.waitForTimeout(200);
  await shot(p, 'digitisation-return-part');
  const first = p.url();
  await submitTask(p);
  // The same step opens again for the archive still out.
  await p.waitForURL((u) => u.toString() !== first);
  await p.getByRole('heading', { name: '回库登记（清点、装订复原）', level: 1 }).waitFor();
  await panelRow(p, mine[1].archive_no).filter({ hasText: '数字化中' }).waitFor();
  await panelRow(p, mine[0].archive_no).filter({ hasText: '在库' }).waitFor();
  t.is(await statusOf(mine[0].id), 'in_stock');
  t.is(await statusOf(mine[1].id), 'digitizing');
  t.false(await p.getByRole('checkbox', { name: '部分回库（有档案本次未回库）' }).isChecked(), 'the new round starts empty');
  // The batch's page says 部分回库（1/2） and keeps the round in its 回库记录.
  const task = p.url();
  await p.goto(`${sys.url}/digitisation-batches/${batchId}`);
  await p.getByTestId('batch-returned').filter({ hasText: '部分回库（1/2）' }).waitFor();
  const round = p.getByTestId('batch-return-row');
  t.is(await round.count(), 1);
  await round.filter({ hasText: `回库 1 份：${mine[0].archive_no}` }).filter({ hasText: `仍未回库：${mine[1].archive_no}` }).filter({ hasText: '纸张破损，扫描单位留存修裱。' }).waitFor();
  await p.waitForTimeout(200);
  await shot(p, 'digitisation-batch-partial');
  await p.goto(task);
  await p.getByRole('heading', { name: '回库登记（清点、装订复原）', level: 1 }).waitFor();
  await counted.check();
  await submitTask(p);
  await p.getByText(/^已提交/).first().waitFor();
  for (const a of mine) t.is(await statusOf(a.id), 'in_stock', a.archive_no);

  await p.goto(`${sys.url}/digitisation-batches/${batchId}`);
  await p.getByTestId('batch-status').filter({ hasText: '已回库' }).waitFor();
  await p.getByTestId('batch-returned').filter({ hasText: (await user('archivist1')).display_name }).waitFor();
  for (const a of mine) await p.locator(`table.items tr[data-archive-no="${a.archive_no}"]`).filter({ hasText: '在库' }).waitFor();
  t.is(await p.locator('table.items').getByText('数字化中').count(), 0);
  t.is(await p.getByTestId('batch-return-row').count(), 2);
  // In English the decision reads as words, the chief's comment as typed.
  await p.getByLabel('语言').selectOption('en');
  await p.getByTestId('batch-decision').filter({ hasText: 'Approved: 同意出库扫描，按期回库。' }).waitFor();
  await p.getByRole('heading', { name: 'Returns' }).waitFor();
  await p.getByLabel('Language').selectOption('zh');
  await p.getByTestId('batch-decision').filter({ hasText: '同意：同意出库扫描，按期回库。' }).waitFor();
  await logout(p);
  t.is(b.problems.filter((x) => x.startsWith('HTTP')).length, 1, 'no refusal but the one of the first test');
  t.deepEqual(otherProblems(), []);
  t.deepEqual(b.outside, []);
});
