// 材料收集归档 and 信息更正 in a real browser, by clicking: the producer hands a material over and
// uploads its scan on the case page; the archivist sees the key fields checked against the archive,
// accepts and files it; a correction's investigation picks its basis from the evidence table with
// the material picker. Any console error, page error, failed request or HTTP error fails the test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import type { Page } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';
import { accept, daysAgo, pageScan, plainCadre, registration, sendBack } from '../processes/material-helpers.ts';
import { completeAt } from '../helpers/workflow.ts';

let sys: TestSystem;
let b: Browsing;
let tmp: string;

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  b = await openBrowser(sys.url);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-scan-'));
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function openTask(p: Page, step: string) {
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: /待办/ }).click();
  await p.getByRole('heading', { name: '待办', level: 1 }).waitFor();
  await p.getByRole('link', { name: `办理：${step}` }).first().click();
  await p.getByRole('heading', { name: step, level: 1 }).waitFor();
}

/** The 序号 and date cells of the evidence table whose text runs over more than one line. */
async function brokenCells(p: Page): Promise<string[]> {
  return p.locator('table tbody tr').evaluateAll((rows: any[]) =>
    rows.flatMap((row) =>
      [row.cells[0], row.cells[2]].filter(Boolean).flatMap((cell: any) => {
        const range = cell.ownerDocument.createRange();
        range.selectNodeContents(cell);
        const lines = new Set([...range.getClientRects()].map((r: any) => Math.round(r.top)));
        return lines.size > 1 ? [cell.textContent] : [];
      }),
    ),
  );
}

async function submitTask(p: Page) {
  await p.getByRole('button', { name: '提交办理意见' }).click();
  await p.getByRole('dialog', { name: '确认提交' }).getByRole('button', { name: '确认' }).click();
}

test.serial('a producer hands a material over with its scan; the archivist sees the key fields agree, accepts it and files it', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false });
  const scanFile = path.join(tmp, '第1页.jpg');
  fs.writeFileSync(scanFile, await pageScan(1));

  await login(p, sys.url, 'producer1');
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '发起申请' }).click();
  await p.getByRole('heading', { name: '干部人事档案材料收集归档' }).waitFor();
  await p.getByRole('link', { name: '填写申请' }).click();
  await p.getByRole('button', { name: '提交申请' }).waitFor();
  await p.getByLabel('干部姓名').fill(cadre.name);
  await p.getByLabel('干部身份证号').fill(cadre.id_number);
  await p.getByLabel('材料名称').fill('2026年度公务员年度考核登记表');
  await p.getByLabel('拟归类别').selectOption({ label: '三、考核鉴定材料' });
  await p.getByLabel('材料形成时间（落款日期，多个日期取最晚）').fill(daysAgo(sys, 6));
  await p.getByLabel('页数（每一单面为一页）').fill('1');
  await p.getByRole('radio', { name: '专人送交' }).check();
  await p.getByLabel(/^姓名/).fill(cadre.name);
  await p.getByLabel(/^出生时间/).fill(cadre.birth_date);
  // The 任免 fields appear only for category 9-2; the copy date only for a copy.
  t.is(await p.getByLabel('批准文号（任免材料）').count(), 0);
  await p.getByRole('button', { name: '提交申请' }).click();

  // The case page: the ledger entry, then the scan goes up.
  await p.getByRole('heading', { name: '材料移交登记' }).waitFor();
  await p.getByText('已接收').first().waitFor();
  // The ledger names the category, and says its status in the user's language.
  await p.getByText('2026年度公务员年度考核登记表（三、考核鉴定材料）').waitFor();
  await p.getByLabel('语言').selectOption('en');
  await p.getByText('Ledger status').waitFor();
  t.is(await p.getByText('Received', { exact: true }).count(), 1);
  t.is(await p.getByText('已接收', { exact: true }).count(), 0);
  await p.getByLabel('Language').selectOption('zh');
  await p.getByText('尚未上传扫描件。').waitFor();
  await p.locator('input[type="file"][accept*="image/jpeg"]').setInputFiles(scanFile);
  await p.getByText('第 1 页').waitFor();
  const intake = await db('material_intakes').where({ cadre_id: cadre.id }).orderBy('id', 'desc').first();
  t.is(await db('material_intake_scans').where({ intake_id: intake.id }).count({ n: '*' }).then(([r]) => Number(r.n)), 1);
  // The producer's view carries nothing the archive records.
  t.is(await p.getByText('关键信息与档案核对').count(), 0);
  await logout(p);

  await login(p, sys.url, 'archivist1');
  await openTask(p, '接收鉴别');
  await p.getByText('姓名、出生时间、参加工作时间、入党时间与档案一致。').waitFor();
  await p.getByText('2026年度公务员年度考核登记表（三、考核鉴定材料）').waitFor();
  for (const label of ['办理完毕', '对象明确', '齐全完整', '文字清楚', '内容真实', '填写规范', '手续完备', '原件或注明复制时间并盖章的复制件', '纸张规格和书写材料符合要求']) {
    await p.getByRole('checkbox', { name: label }).check();
  }
  await p.getByRole('radio', { name: '合格，准予归档' }).check();
  await p.getByLabel('鉴别意见（退回的写明原因和补正要求，拒收的写明理由）').fill('经鉴别，材料合格。');
  await submitTask(p);
  // The next task of the same case opens: filing.
  await p.getByRole('heading', { name: '整理归档（类号、页数）', level: 1 }).waitFor();
  await p.getByLabel(/^类号/).selectOption({ label: '三、考核鉴定材料' });
  await p.getByLabel('页数（每一单面为一页）').fill('1');
  await submitTask(p);
  await p.getByText('已提交，您的待办已全部处理完毕。').waitFor();

  const filed = await db('material_intakes').where({ id: intake.id }).first();
  t.is(filed.status, 'filed');
  t.regex(filed.seq_no, /^3-\d+$/);
  t.is(await db('page_images').where({ material_id: filed.material_id }).count({ n: '*' }).then(([r]) => Number(r.n)), 1);
  await logout(p);
  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});


test.serial('given a material whose birth date differs from the archive, 合格 is refused at the conclusion before any confirmation; 退回补正 goes on', async (t) => {
  const p = b.page;
  const cadre = await plainCadre(sys, { digitised: false, skip: 3 });
  const wrongBirth = `${Number(cadre.birth_date.slice(0, 4)) + 1}${cadre.birth_date.slice(4)}`;
  const producer = await sys.as('producer1');
  const res = await producer.post('/api/process-instances', { processKey: 'material-collection', variables: registration(cadre, daysAgo(sys, 4), { statedBirthDate: wrongBirth }) });
  t.is(res.status, 201);

  await login(p, sys.url, 'archivist1');
  await openTask(p, '接收鉴别');
  for (const label of ['办理完毕', '对象明确', '齐全完整', '文字清楚', '内容真实', '填写规范', '手续完备', '原件或注明复制时间并盖章的复制件', '纸张规格和书写材料符合要求']) {
    await p.getByRole('checkbox', { name: label }).check();
  }
  await p.getByRole('radio', { name: '合格，准予归档' }).check();
  await p.getByLabel('鉴别意见（退回的写明原因和补正要求，拒收的写明理由）').fill('经鉴别，材料合格。');
  await p.getByRole('button', { name: '提交办理意见' }).click();
  // Said at the conclusion, in the user's language, and no confirmation is asked for.
  await p.getByText('材料记载的出生时间与档案不一致，须退回').waitFor();
  t.is(await p.getByRole('dialog', { name: '确认提交' }).count(), 0);
  await p.screenshot({ path: path.join(tmp, 'review-refused.png'), fullPage: true });
  if (process.env.SHOTS_DIR) fs.copyFileSync(path.join(tmp, 'review-refused.png'), path.join(process.env.SHOTS_DIR, 'material-review-refused.png'));
  t.is((await sys.services.db('material_intakes').where({ instance_id: res.body.id }).first()).status, 'received');

  await p.getByRole('radio', { name: '退回补正' }).check();
  await p.getByLabel('鉴别意见（退回的写明原因和补正要求，拒收的写明理由）').fill('出生时间与档案记载不一致，请核实后出具说明。');
  await submitTask(p);
  await p.getByRole('heading', { name: '待办', level: 1 }).or(p.getByText(/已提交/)).first().waitFor();
  t.is((await sys.services.db('material_intakes').where({ instance_id: res.body.id }).first()).status, 'returned');
  await logout(p);
  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});
test.serial('the investigation of a correction picks its basis from the evidence table', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false, skip: 1 });
  const [y, m] = cadre.work_start_date.split('-').map(Number);
  const proposed = m > 1 ? `${y}-${String(m - 1).padStart(2, '0')}-01` : `${y - 1}-12-01`;
  const archivist = await sys.as('archivist1');
  const started = await archivist.post('/api/process-instances', {
    processKey: 'correction',
    variables: { cadreId: cadre.id, item: 'work_start_date', proposedValue: proposed, trigger: 'special_review', reason: '专项审核发现参加工作时间记载不一致。' },
  });
  t.is(started.status, 201);
  const basis = (await db('correction_evidence as e').join('corrections as c', 'c.id', 'e.correction_id').where('c.instance_id', started.body.id).where('e.default_basis', true).first('e.seq_no', 'e.title')) as { seq_no: string; title: string };

  await login(p, sys.url, 'archivist1');
  await openTask(p, '调查核实');
  await p.getByRole('heading', { name: '更正事项' }).waitFor();
  await p.getByRole('cell', { name: basis.title }).first().waitFor();
  const picker = p.getByRole('group').filter({ hasText: '证据表中的材料' });
  await picker.getByRole('checkbox', { name: new RegExp(`${basis.seq_no}\\s*${basis.title}`) }).check();
  await p.getByText('已选 1 份').waitFor();
  await p.getByLabel('调查核实情况').fill('经查录用审批表，参加工作时间应提前一个月。');
  await p.getByLabel('拟认定的值').fill(proposed);
  // 序号 (9-2-1) and dates (2001-08-07) in the evidence table never break at their hyphens: at
  // 1280 px in Chinese and at 1024 px in English.
  await p.getByRole('cell', { name: basis.seq_no, exact: true }).first().waitFor();
  t.deepEqual(await brokenCells(p), [], 'zh, 1280 px');
  await p.setViewportSize({ width: 1024, height: 800 });
  await p.getByLabel('语言').selectOption('en');
  await p.getByRole('heading', { name: 'Evidence' }).waitFor();
  t.deepEqual(await brokenCells(p), [], 'en, 1024 px');
  await p.screenshot({ path: path.join(tmp, 'evidence-1024-en.png'), fullPage: true });
  if (process.env.SHOTS_DIR) fs.copyFileSync(path.join(tmp, 'evidence-1024-en.png'), path.join(process.env.SHOTS_DIR, 'correction-evidence-1024-en.png'));
  await p.getByLabel('Language').selectOption('zh');
  await p.setViewportSize({ width: 1280, height: 800 });
  await submitTask(p);
  await p.getByText('已提交，您的待办已全部处理完毕。').waitFor();
  const c = await db('corrections').where({ instance_id: started.body.id }).first();
  t.is(c.status, 'investigated');
  t.deepEqual(JSON.parse(c.basis).map((x: any) => x.seqNo), [basis.seq_no]);
  await logout(p);
  t.deepEqual(b.problems, []);
});

test.serial('the archive office starts a correction and a collection notice from their start forms, picking the cadre by search', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false, skip: 2 });
  const first = await db('materials').where({ archive_id: cadre.archive_id, category_code: '1' }).orderBy('item_no').first();
  const pick = async () => {
    const box = p.getByRole('combobox', { name: /^干部/ });
    await box.fill(cadre.name);
    await p.getByRole('listbox').getByRole('option', { name: new RegExp(cadre.name) }).first().waitFor();
    await box.press('Enter');
    await p.getByText(`已选择：${cadre.name}`, { exact: false }).waitFor();
  };

  await login(p, sys.url, 'archivist1');
  await p.goto(`${sys.url}/start/correction`);
  await p.getByRole('button', { name: '提交申请' }).waitFor();
  await pick();
  await p.getByLabel(/^更正项目/).selectOption({ label: '民族' });
  await p.getByLabel(/^拟认定的值/).fill('回族');
  await p.getByLabel(/^来源/).selectOption({ label: '干部本人申请' });
  await p.getByLabel(/^情况说明/).fill('本人申请更正民族。');
  await p.getByLabel(/^记载的值/).fill('汉族');
  await p.getByLabel(/^所据材料序号/).fill(first.seq_no);
  await p.getByRole('button', { name: '提交申请' }).click();
  await p.getByRole('heading', { name: '更正事项' }).waitFor();
  await p.getByRole('cell', { name: first.seq_no, exact: true }).first().waitFor();
  // The summary reads each field by its label, without the hint shown under the input.
  await p.getByText(`记载的值：汉族；所据材料序号：${first.seq_no}`).waitFor();
  await p.getByText('拟认定的值', { exact: true }).first().waitFor();
  t.is(await p.getByText('多个用逗号分隔').count(), 0);
  const c = await db('corrections').where({ cadre_id: cadre.id, item: 'ethnicity' }).first();
  t.deepEqual(JSON.parse(c.recorded_values), [{ value: '汉族', seqNos: [first.seq_no] }]);

  await p.goto(`${sys.url}/start/collection-notice`);
  await p.getByRole('button', { name: '提交申请' }).waitFor();
  await pick();
  await p.getByLabel(/^材料形成单位/).selectOption({ label: '乌海市人力资源和社会保障局' });
  await p.getByLabel(/^应移交的材料/).fill('2026年度公务员年度考核登记表');
  await p.getByLabel(/^材料类别/).selectOption({ label: '三、考核鉴定材料' });
  await p.getByLabel(/^材料形成时间/).fill(daysAgo(sys, 10));
  await p.getByRole('button', { name: '提交申请' }).click();
  await p.getByText('材料催收：2026年度公务员年度考核登记表').first().waitFor();
  const n = await db('collection_notices').where({ cadre_id: cadre.id }).first();
  t.is(n.status, 'open');
  await logout(p);
  t.deepEqual(b.problems, []);
});

test.serial('a material filed under another category than proposed: the filing asks its reasons and the 任免 formalities; the record says 已归档 once, names the review points and the reasons', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  const cadre = await plainCadre(sys, { digitised: false, skip: 4 });
  const producer = await sys.as('producer1');
  const archivist = await sys.as('archivist1');
  const res = await producer.post('/api/process-instances', { processKey: 'material-collection', variables: registration(cadre, daysAgo(sys, 4), { pages: 3 }) });
  t.is(res.status, 201);
  const id = res.body.id;
  t.is((await completeAt(archivist, id, 'reviewMaterial', sendBack())).status, 200);
  t.is((await completeAt(producer, id, 'resubmitMaterial', { correction: '已加盖单位公章。', formedDate: daysAgo(sys, 4), pages: 3, statedName: cadre.name, statedBirthDate: cadre.birth_date })).status, 200);
  t.is((await completeAt(archivist, id, 'reviewMaterial', accept())).status, 200);

  await login(p, sys.url, 'archivist1');
  await openTask(p, '整理归档（类号、页数）');
  const problemsBefore = b.problems.length;
  await p.getByLabel(/^类号/).selectOption({ label: '9-2 任免材料' });
  await p.getByLabel('页数（每一单面为一页）').fill('5');
  // The 任免 fields appear for 9-2.
  await p.getByLabel('批准机关').waitFor();
  await submitTask(p);
  // Refused at the field that is missing: the reason for another category.
  await p.getByText('归入的类别与移交时拟归的“三、考核鉴定材料”不同，须写明理由').first().waitFor();
  t.is(await p.locator('#task-categoryReason').getAttribute('aria-invalid'), 'true');
  await p.screenshot({ path: path.join(tmp, 'filing-reason.png'), fullPage: true });
  if (process.env.SHOTS_DIR) fs.copyFileSync(path.join(tmp, 'filing-reason.png'), path.join(process.env.SHOTS_DIR, 'material-filing-reason.png'));
  await p.getByLabel('改归其他类别的理由').fill('系任免审批附件，应归任免材料。');
  await submitTask(p);
  await p.getByText('页数与移交登记的 3 页不同，须写明原因').first().waitFor();
  await p.getByLabel('页数与移交登记不同的原因').fill('背面另有两页批示，移交时漏计。');
  await submitTask(p);
  await p.getByText('任免材料须写明批准机关、批准时间和文号').first().waitFor();
  await p.getByLabel('批准机关').fill('中共乌海市委');
  await p.getByLabel('批准时间').fill(daysAgo(sys, 5));
  await p.getByLabel('批准文号').fill('乌党任〔2026〕30号');
  await submitTask(p);
  // Submitted (another open task of an earlier scenario may open next).
  await p.getByText(/^已提交/).first().waitFor();
  const intake = await db('material_intakes').where({ instance_id: id }).first();
  t.like(intake, { status: 'filed', category_code: '9-2', pages: 5, approval_doc_no: '乌党任〔2026〕30号' });
  // The three refusals were the server's answers (422), nothing else went wrong.
  t.deepEqual(b.problems.slice(problemsBefore).filter((x) => !/422/.test(x)), []);
  b.problems.splice(problemsBefore);
  await logout(p);

  await login(p, sys.url, 'producer1');
  await p.goto(`${sys.url}/applications/${id}`);
  await p.getByRole('heading', { name: '材料移交登记' }).waitFor();
  const status = p.locator('dt', { hasText: '台账状态' }).locator('xpath=following-sibling::dd[1]');
  t.is((await status.innerText()).trim(), `已归档 · 第 2 次移交 · 序号 ${intake.seq_no}`);
  // The application reads as handed over: the category proposed, not the one filed.
  t.is((await p.locator('dt', { hasText: '拟归类别' }).locator('xpath=following-sibling::dd[1]').innerText()).trim(), '三、考核鉴定材料');
  await p.getByText(`${'2026年度公务员年度考核登记表'}（9-2 任免材料）`).waitFor();
  await p.getByText('未通过的鉴别要点：手续完备').waitFor();
  await p.getByText('归入 9-2 任免材料（移交时拟归 三、考核鉴定材料），理由：系任免审批附件，应归任免材料。').waitFor();
  await p.getByText('归档 5 页（移交登记 3 页），原因：背面另有两页批示，移交时漏计。').waitFor();
  t.is(await p.getByText('formalities').count(), 0);
  await p.screenshot({ path: path.join(tmp, 'intake-filed.png'), fullPage: true });
  if (process.env.SHOTS_DIR) fs.copyFileSync(path.join(tmp, 'intake-filed.png'), path.join(process.env.SHOTS_DIR, 'material-intake-filed.png'));
  await p.getByLabel('语言').selectOption('en');
  await p.getByText('Review points not passed: Formalities complete').waitFor();
  t.is((await p.locator('dt', { hasText: 'Ledger status' }).locator('xpath=following-sibling::dd[1]').innerText()).trim(), `Filed · Hand-over no. 2 · No. ${intake.seq_no}`);
  await p.getByLabel('Language').selectOption('zh');
  await logout(p);
  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});

test.serial('the same material handed over again: the archivist’s 接收鉴别 warns of the earlier intake and shows dates as the page does; the filing form starts with the intake’s 类号 and 页数; the ledger search placeholder is whole', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  const shots = process.env.SHOTS_DIR ?? tmp;
  const cadre = await plainCadre(sys, { digitised: false, skip: 6 });
  const producer = await sys.as('producer1');
  const material = { title: '2026年度干部培训登记表', categoryCode: '4-4', pages: 2 };
  const first = await producer.post('/api/process-instances', { processKey: 'material-collection', variables: registration(cadre, daysAgo(sys, 3), material) });
  t.is(first.status, 201, JSON.stringify(first.body));
  const archivistApi = await sys.as('archivist1');
  t.is((await completeAt(archivistApi, first.body.id, 'reviewMaterial', accept())).status, 200);
  const wrongBirth = `${Number(cadre.birth_date.slice(0, 4)) + 1}${cadre.birth_date.slice(4)}`;
  const second = await producer.post('/api/process-instances', {
    processKey: 'material-collection',
    variables: registration(cadre, daysAgo(sys, 3), { ...material, title: ' 2026年度 干部培训登记表', statedBirthDate: wrongBirth, notDuplicate: true, notDuplicateReason: '第二期培训的登记表' }),
  });
  t.is(second.status, 201, JSON.stringify(second.body));
  const taskOf = async (instanceId: string, element: string) => (await db('tasks').where({ instance_id: instanceId, element_id: element, status: 'open' }).first()).id;

  await login(p, sys.url, 'archivist1');
  await p.goto(`${sys.url}/tasks/${await taskOf(second.body.id, 'reviewMaterial')}`);
  await p.getByRole('heading', { name: '接收鉴别', level: 1 }).waitFor();
  const warning = p.getByTestId('same-material');
  await warning.waitFor();
  t.regex(await warning.innerText(), new RegExp(`${first.body.businessKey}（已入台账）`));
  // The key-field table: dates formatted like the rest of the page, never ISO.
  const table = p.locator('table:has(tr.mismatch)');
  const y = Number(wrongBirth.slice(0, 4));
  await table.getByText(`${y}年`).waitFor();
  t.notRegex(await table.innerText(), /\d{4}-\d{2}-\d{2}/);
  await p.screenshot({ path: path.join(shots, 'intake-same-material-zh.png'), fullPage: true });
  await p.getByLabel('语言').selectOption('en');
  await p.getByText(/already has a material with the same title/).waitFor();
  t.regex(await warning.innerText(), new RegExp(`${first.body.businessKey} \\(Entered in the ledger|${first.body.businessKey} \\(`));
  t.notRegex(await table.innerText(), /\d{4}-\d{2}-\d{2}/);
  await p.screenshot({ path: path.join(shots, 'intake-same-material-en.png'), fullPage: true });
  await p.getByLabel('Language').selectOption('zh');

  // The filing form starts with what the hand-over proposed.
  await p.goto(`${sys.url}/tasks/${await taskOf(first.body.id, 'fileMaterial')}`);
  await p.getByRole('heading', { name: '整理归档（类号、页数）', level: 1 }).waitFor();
  await p.getByRole('button', { name: '提交办理意见' }).waitFor();
  t.is(await p.getByLabel(/^类号/).inputValue(), '4-4');
  t.is(await p.getByLabel('页数（每一单面为一页）').inputValue(), '2');
  await p.screenshot({ path: path.join(shots, 'intake-filing-prefilled-zh.png'), fullPage: true });
  await submitTask(p);
  await p.getByText(/已提交/).first().waitFor();
  t.like(await db('material_intakes').where({ instance_id: first.body.id }).first(), { status: 'filed', category_code: '4-4', pages: 2 });

  // The ledger's search field shows its whole placeholder at 1280 px, in both languages.
  for (const lang of ['zh', 'en']) {
    await p.goto(`${sys.url}/material-intakes`);
    if (lang === 'en') await p.getByLabel('语言').selectOption('en');
    const input = p.getByRole('search').locator('input[type="search"]');
    await input.waitFor();
    const fit = await input.evaluate((el: any) => {
      const w = globalThis as any;
      const cs = w.getComputedStyle(el);
      const ctx = w.document.createElement('canvas').getContext('2d');
      ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      return { text: ctx.measureText(el.placeholder).width, room, placeholder: el.placeholder };
    });
    // A margin: the canvas may measure the Chinese part in another font than the field draws it.
    t.true(fit.text + 16 <= fit.room, JSON.stringify(fit));
    await p.screenshot({ path: path.join(shots, `intake-ledger-${lang}.png`) });
    if (lang === 'en') await p.getByLabel('Language').selectOption('zh');
  }
  await logout(p);
  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});

test.serial('the producer hands the same material over again from the start form: told which intake it repeats, then confirms a different material with its reason; the archivist’s 催收 form offers only producing units and a late notice is not overdue', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  const shots = process.env.SHOTS_DIR ?? tmp;
  const cadre = await plainCadre(sys, { digitised: false, skip: 7 });
  const producer = await sys.as('producer1');
  const formed = daysAgo(sys, 2);
  const first = await producer.post('/api/process-instances', { processKey: 'material-collection', variables: registration(cadre, formed, { title: '干部培训登记表', categoryCode: '4-4' }) });
  t.is(first.status, 201);

  await login(p, sys.url, 'producer1');
  await p.goto(`${sys.url}/start/material-collection`);
  await p.getByRole('button', { name: '提交申请' }).waitFor();
  await p.getByLabel('干部姓名').fill(` ${cadre.name} `);
  await p.getByLabel('干部身份证号').fill(cadre.id_number);
  await p.getByLabel('材料名称').fill('干部 培训登记表');
  await p.getByLabel('拟归类别').selectOption({ label: '4-4 培训材料' });
  await p.getByLabel('材料形成时间（落款日期，多个日期取最晚）').fill(formed);
  await p.getByLabel('页数（每一单面为一页）').fill('2');
  await p.getByRole('radio', { name: '专人送交' }).check();
  await p.getByLabel(/^姓名/).fill(cadre.name);
  await p.getByLabel(/^出生时间/).fill(cadre.birth_date);
  t.is(await p.getByLabel(/^不是同一份材料的理由/).count(), 0, 'the reason only once confirmed');
  await p.getByRole('button', { name: '提交申请' }).click();
  // The start page's own question (an open case of this cadre), then the server's rule.
  await p.getByRole('dialog', { name: '已有未办结的申请' }).getByRole('button', { name: '仍要提交' }).click();
  await p.getByText(new RegExp(`该干部已有同名、同类别、同形成时间的材料：${first.body.businessKey}（已接收）`)).first().waitFor();
  await p.screenshot({ path: path.join(shots, 'intake-duplicate-refused-zh.png'), fullPage: true });
  await p.getByRole('checkbox', { name: /确属另一份材料/ }).check();
  await p.getByLabel(/^不是同一份材料的理由/).fill('第二期培训的登记表');
  await p.getByRole('button', { name: '提交申请' }).click();
  await p.getByRole('heading', { name: '材料移交登记' }).waitFor();
  t.is(await db('material_intakes').where({ cadre_id: cadre.id }).count({ n: '*' }).then(([r]) => Number(r.n)), 2);
  await logout(p);

  await login(p, sys.url, 'archivist1');
  await p.goto(`${sys.url}/start/collection-notice`);
  await p.getByRole('button', { name: '提交申请' }).waitFor();
  const unit = p.getByLabel(/^材料形成单位/);
  await unit.locator('option', { hasText: '乌海市人力资源和社会保障局' }).waitFor({ state: 'attached' });
  const offered = await unit.locator('option').allTextContents();
  for (const no of ['内蒙古自治区', '乌海市', '海勃湾区']) t.false(offered.includes(no), no);
  t.false(offered.some((o) => o.includes('档案室')), offered.join('|'));
  await p.screenshot({ path: path.join(shots, 'notice-units-zh.png'), fullPage: true });
  // A notice sent 50 days after formation: due a month from today, not overdue.
  const notice = await (await sys.as('archivist1')).post('/api/process-instances', {
    processKey: 'collection-notice',
    variables: { cadreId: cadre.id, producerOrgId: (await db('org_units').where({ code: '150300-RSJ' }).first()).id, title: '2026年度干部培训登记表', categoryCode: '4-4', formedDate: daysAgo(sys, 50) },
  });
  t.is(notice.status, 201);
  await p.goto(`${sys.url}/material-intakes?tab=notices`);
  const row = p.locator('tr', { hasText: notice.body.businessKey });
  await row.waitFor();
  t.notRegex(await row.innerText(), /已逾期/);
  await p.screenshot({ path: path.join(shots, 'notice-late-zh.png') });
  await p.getByLabel('语言').selectOption('en');
  await row.getByText(/Due|due/).first().waitFor();
  t.notRegex(await row.innerText(), /[Oo]verdue/);
  await p.screenshot({ path: path.join(shots, 'notice-late-en.png') });
  await p.getByLabel('Language').selectOption('zh');
  await logout(p);
  t.deepEqual(b.outside, []);
});
