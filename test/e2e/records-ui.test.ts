// Records that lived only in the API, now in the browser: a cadre's 变更记录 after a 信息更正 (old →
// new, the 认定表 and the case, each a link where the reader may follow it); the 材料收集 台账 and
// 催收通知 and the 信息更正 list, in the nav of those who may read them; the chief deciding a copy
// request reads the requested materials with titles and pages; the process diagram of a correction
// and of a copy case opens with every step in view; the PDF dialog of a one-page copy in English.
// Chinese and English, 1280 and 1024 px; screenshots through shots.ts. Any console error, page
// error or failed request fails the test.
import fs from 'node:fs';
import test from 'ava';
import type { Page } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { clientDist } from '../../server/app.ts';
import { approve, completeAt } from '../helpers/workflow.ts';
import { approveStep, copyVariables, demoCadre } from '../helpers/cases.ts';
import { certifiedCase, type CertifiedCase } from '../copies/helpers.ts';
import { daysAgo, plainCadre, registration } from '../processes/material-helpers.ts';
import { openBrowser, login, logout, nextFrame, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
let cadre: Awaited<ReturnType<typeof plainCadre>>;
let correction: { id: string; caseNo: string; proposed: string; filedSeq: string; filedId: number };
let intakeNo: string;
/** The cadre of that hand-over. */
let intakeCadre: string;
let copyCase: CertifiedCase;

test.before(async () => {
  if (!fs.existsSync(path('index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  const db = sys.services.db;
  // A 入党时间 corrected through the whole case.
  cadre = await plainCadre(sys, { digitised: false, skip: 1 });
  const basis = await db('materials').where({ archive_id: cadre.archive_id, category_code: '6' }).where('title', 'like', '%入党志愿书%').first();
  const proposed = `${cadre.party_join_date.slice(0, 4)}-${cadre.party_join_date.slice(5, 7) === '07' ? '06' : '07'}-01`;
  const archivist = await sys.as('archivist1');
  const opened = await archivist.post('/api/process-instances', { processKey: 'correction', variables: { trigger: 'special_review', reason: '专项审核中发现记载不一致。', cadreId: cadre.id, item: 'party_join_date', proposedValue: proposed } });
  if (opened.status !== 201) throw new Error(JSON.stringify(opened.body));
  const id = opened.body.id;
  await completeAt(archivist, id, 'investigate', { basisMaterials: [basis.seq_no], findings: '经查入党志愿书，入党时间应为该月。', proposedValue: proposed });
  await completeAt(await sys.as('chief1'), id, 'chiefOpinion', approve('同意，报部领导审批。'));
  const done = await completeAt(await sys.as('leader1'), id, 'authorityApproval', approve('同意更正。'));
  if (done.status !== 200) throw new Error(JSON.stringify(done.body));
  const filed = await db('materials').where({ id: (await db('corrections').where({ instance_id: id }).first()).filed_material_id }).first();
  correction = { id, caseNo: opened.body.businessKey, proposed, filedSeq: filed.seq_no, filedId: filed.id };
  // A late hand-over by producer1, and a collection notice to the same unit.
  const other = await plainCadre(sys, { digitised: false, skip: 5 });
  const started = await (await sys.as('producer1')).post('/api/process-instances', { processKey: 'material-collection', variables: registration(other, daysAgo(sys, 45)) });
  if (started.status !== 201) throw new Error(JSON.stringify(started.body));
  intakeNo = (await db('material_intakes').where({ instance_id: started.body.id }).first()).intake_no;
  intakeCadre = other.name;
  const rsj = await db('org_units').where({ code: '150300-RSJ' }).first();
  const notice = await archivist.post('/api/process-instances', { processKey: 'collection-notice', variables: { cadreId: other.id, producerOrgId: rsj.id, title: '2026年度干部考察材料', categoryCode: '3', formedDate: daysAgo(sys, 3) } });
  if (notice.status !== 201) throw new Error(JSON.stringify(notice.body));
  // A certified copy of one page, for the PDF dialog.
  copyCase = await certifiedCase(sys, 4, { pages: 1, copies: 1 });
  b = await openBrowser(sys.url);
});
// A failed test leaves no session behind for the next one.
test.afterEach.always(async () => {
  await b?.page.setViewportSize({ width: 1280, height: 800 });
  await b?.context.clearCookies();
  await b?.page.evaluate(() => (globalThis as any).localStorage.clear()).catch(() => undefined);
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

function path(f: string) {
  return `${clientDist}/${f}`;
}
const day = (d: string) => `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
const nav = (p: Page) => p.getByRole('navigation', { name: /主导航|Main navigation/ });

/**
 * How the case diagram opened: whether `focus` (an element id, else the current step) is wholly in
 * the canvas box, and how much empty canvas shows left and right of the diagram (px). A process too
 * wide to read whole opens at a readable zoom around that step, with no blank half-box beside it.
 */
async function diagramView(p: Page, focus?: string): Promise<{ inView: boolean; blankLeft: number; blankRight: number; shapes: number }> {
  const canvas = p.locator('.diagram-box .canvas').first();
  await canvas.locator('.djs-element.djs-shape').first().waitFor();
  // The case's markers are set as the first opening is, which queues the second (once the box has
  // its size) for the next animation frame: after that frame the view is the one the reader gets.
  await canvas.locator('.djs-element.dg-done, .djs-element.dg-active').first().waitFor({ state: 'attached' });
  await p.locator('.diagram-box').first().scrollIntoViewIfNeeded();
  await nextFrame(p);
  const box = (await canvas.boundingBox())!;
  const rects = await canvas.locator('.djs-element.djs-shape .djs-visual').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, w: r.width, h: r.height })));
  const target = canvas.locator(focus ? `.djs-element[data-element-id="${focus}"] .djs-visual` : '.djs-element.dg-active .djs-visual').first();
  const r = (await target.boundingBox())!;
  return {
    inView: r.x >= box.x && r.y >= box.y && r.x + r.width <= box.x + box.width && r.y + r.height <= box.y + box.height,
    blankLeft: Math.min(...rects.map((q) => q.x)) - box.x,
    blankRight: box.x + box.width - Math.max(...rects.map((q) => q.x + q.w)),
    shapes: rects.length,
  };
}

test.serial('the cadre page lists the corrected 入党时间 in 变更记录 with its 认定表 and its case, both links that open', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'archivist1');
  await p.goto(`${sys.url}/cadres/${cadre.id}`);
  const history = p.getByTestId('cadre-history');
  await history.getByRole('heading', { name: '变更记录' }).waitFor();
  const row = history.locator('tbody tr', { hasText: '入党时间' });
  await row.waitFor();
  const text = await row.innerText();
  t.true(text.includes(`${day(cadre.party_join_date)} → ${day(correction.proposed)}`), text);
  t.true(text.includes('第 1 版'));
  t.true(text.includes('刘晓燕') || text.includes('赵文华'), text);
  // The basic fields above show the new value.
  t.true((await p.locator('dl.a01').innerText()).includes(day(correction.proposed)));
  await shot(p, 'cadre-history-zh-1280', { fullPage: true });

  // The case.
  const caseLink = row.getByRole('link', { name: correction.caseNo });
  t.is(await caseLink.getAttribute('href'), `/applications/${correction.id}`);
  // The 认定表, in the archive's catalogue: its row is brought into view and marked.
  await row.getByRole('link', { name: new RegExp(`${correction.filedSeq} 干部人事档案入党时间审核认定表`) }).click();
  const marked = p.locator(`tr.material.linked[data-material="${correction.filedId}"]`);
  await marked.waitFor();
  t.true(await marked.isVisible());
  t.true((await marked.innerText()).includes('干部人事档案入党时间审核认定表'));
  await shot(p, 'cadre-history-material');
  await p.goBack();
  await history.locator('tbody tr', { hasText: '入党时间' }).getByRole('link', { name: correction.caseNo }).click();
  await p.getByRole('heading', { name: '办理过程' }).waitFor();

  // The correction's diagram: too wide to read whole, it opens where the case ended, the view
  // reaching the diagram's right end (no blank canvas beyond it).
  const view = await diagramView(p, 'corrected');
  await shot(p, 'correction-case-zh-1280');
  t.true(view.shapes > 5);
  t.true(view.inView, 'the end the case reached is in view');
  t.true(view.blankRight >= 0 && view.blankRight < 40, `blank right ${view.blankRight}`);
  t.true(view.blankLeft < 0, 'the diagram fills the box to the left');

  // English at 1024: the same record in English.
  await p.setViewportSize({ width: 1024, height: 760 });
  await p.getByLabel('语言').selectOption('en');
  await p.reload(); // the diagram opens anew in the narrower box
  const narrow = await diagramView(p, 'corrected');
  t.true(narrow.inView && narrow.blankRight < 40 && narrow.blankLeft < 0);
  await shot(p, 'correction-case-en-1024');
  await p.goto(`${sys.url}/cadres/${cadre.id}`);
  const en = p.getByTestId('cadre-history');
  await en.getByRole('heading', { name: 'Change history' }).waitFor();
  const enRow = en.locator('tbody tr', { hasText: 'Joined the Party' });
  await enRow.waitFor();
  t.true((await enRow.innerText()).includes('version 1'));
  // Nothing of the table is cut off at 1024: neither the page nor the table scrolls sideways.
  t.true(await p.evaluate(() => (globalThis as any).document.documentElement.scrollWidth <= (globalThis as any).document.documentElement.clientWidth));
  t.true(await en.locator('.table-scroll').evaluate((e) => e.scrollWidth <= e.clientWidth));
  await shot(p, 'cadre-history-en-1024', { fullPage: true });
  await p.getByLabel('Language').selectOption('zh');
  await p.setViewportSize({ width: 1280, height: 800 });
  await logout(p);
  t.deepEqual(b.problems, []);
});

test.serial('the 材料收集 台账, 催收通知 and 信息更正 lists: in the nav of those who may read them, with their cases', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'archivist1');
  await nav(p).getByRole('link', { name: '材料收集' }).click();
  await p.getByRole('heading', { name: '材料收集', level: 1 }).waitFor();
  const ledgerRow = p.locator(`tr[data-intake="${intakeNo}"]`);
  await ledgerRow.waitFor();
  t.true((await ledgerRow.innerText()).includes('逾期移交'));
  t.true((await ledgerRow.getByRole('link', { name: intakeNo }).getAttribute('href'))!.startsWith('/applications/'));
  // Only the late ones; the filter lives in the URL.
  await p.getByLabel('只看逾期移交').check();
  await p.waitForURL(/late=true/);
  await ledgerRow.waitFor();
  await shot(p, 'intakes-ledger-zh-1280');
  // A part of the 登记号 in lower case, or the cadre's name, finds it (kept in the URL); other words
  // and a registration day after today find nothing.
  const box = p.getByRole('searchbox', { name: '登记号或干部姓名' });
  const part = intakeNo.slice(-7);
  // The late list stays on screen until the search's answer comes (its row among them): wait for
  // that answer, and for its rows, not for a row that was there before.
  const byNumber = p.waitForResponse((r) => new URL(r.url()).pathname === '/api/material-intakes' && new URL(r.url()).searchParams.get('q') === part.toLowerCase());
  await box.fill(part.toLowerCase());
  await box.press('Enter');
  await p.waitForURL((u) => u.searchParams.get('q') === part.toLowerCase());
  const found = ((await (await byNumber).json()).items as Array<{ intakeNo: string }>).map((i) => i.intakeNo);
  t.true(found.includes(intakeNo) && found.every((no) => no.includes(part)), found.join(', '));
  await p.locator('tr[data-intake]').filter({ hasNotText: part }).first().waitFor({ state: 'detached' });
  await ledgerRow.waitFor();
  t.is(await p.locator('tr[data-intake]').count(), found.length);
  t.is(await p.locator('tr[data-intake]').count(), await p.locator('tr[data-intake]', { hasText: part }).count());
  await box.fill('查无此人');
  await p.getByRole('button', { name: '查询', exact: true }).click();
  await p.getByText('没有符合条件的记录。').waitFor();
  await box.fill(intakeCadre);
  await box.press('Enter');
  await ledgerRow.waitFor();
  t.true((await p.locator('tr[data-intake]').allInnerTexts()).every((x) => x.includes(intakeCadre)));
  await p.reload();
  await ledgerRow.waitFor();
  t.is(await box.inputValue(), intakeCadre, 'a reload keeps the search');
  const tomorrow = new Date(sys.clock.now().getTime() + 8 * 3_600_000 + 86_400_000).toISOString().slice(0, 10);
  await p.getByLabel('登记日期自').fill(tomorrow);
  await p.waitForURL(new RegExp(`from=${tomorrow}`));
  await p.getByText('没有符合条件的记录。').waitFor();
  await shot(p, 'intakes-ledger-search-zh-1280');
  await p.getByLabel('登记日期自').fill('');
  await ledgerRow.waitFor();
  await p.getByRole('tab', { name: '催收通知' }).click();
  await p.waitForURL(/tab=notices/);
  const noticeRow = p.locator('tr[data-notice]').first();
  await noticeRow.waitFor();
  t.true((await noticeRow.innerText()).includes('2026年度干部考察材料'));
  t.true((await noticeRow.innerText()).includes('待移交'));
  await shot(p, 'intakes-notices-zh-1280');

  await nav(p).getByRole('link', { name: '信息更正' }).click();
  await p.getByRole('heading', { name: '信息更正', level: 1 }).waitFor();
  const corrRow = p.locator(`tr[data-correction="${correction.caseNo}"]`);
  await corrRow.waitFor();
  t.true((await corrRow.innerText()).includes('已更正'));
  t.true((await corrRow.innerText()).includes(`${day(cadre.party_join_date)} → ${day(correction.proposed)}`));
  await p.getByLabel('状态').selectOption('rejected');
  await p.getByText('没有符合条件的案件。').waitFor();
  await p.getByLabel('状态').selectOption('');
  await corrRow.waitFor();
  await shot(p, 'corrections-zh-1280');

  await p.setViewportSize({ width: 1024, height: 760 });
  await p.getByLabel('语言').selectOption('en');
  await p.getByRole('heading', { name: 'Record corrections', level: 1 }).waitFor();
  t.true((await corrRow.innerText()).includes('Corrected'));
  t.true((await corrRow.innerText()).includes('Party membership date'));
  t.true(await p.evaluate(() => (globalThis as any).document.documentElement.scrollWidth <= (globalThis as any).document.documentElement.clientWidth));
  t.true(await p.locator('.table-scroll').evaluate((e) => e.scrollWidth <= e.clientWidth), 'the whole table in view at 1024');
  await shot(p, 'corrections-en-1024');
  await nav(p).getByRole('link', { name: 'Material collection' }).click();
  await p.getByRole('heading', { name: 'Material collection', level: 1 }).waitFor();
  await ledgerRow.waitFor();
  t.true((await ledgerRow.innerText()).includes('Late'));
  t.true(await p.locator('.table-scroll').evaluate((e) => e.scrollWidth <= e.clientWidth), 'the whole ledger in view at 1024');
  await shot(p, 'intakes-ledger-en-1024');
  await p.getByLabel('Language').selectOption('zh');
  await p.setViewportSize({ width: 1280, height: 800 });
  await logout(p);

  // The producer reads the unit's hand-overs, not the corrections.
  await login(p, sys.url, 'producer1');
  t.is(await nav(p).getByRole('link', { name: '信息更正' }).count(), 0);
  await nav(p).getByRole('link', { name: '材料收集' }).click();
  await ledgerRow.waitFor();
  // The cadre's record is not the producer's to open.
  t.is(await ledgerRow.getByRole('link').count(), 1);
  await p.goto(`${sys.url}/corrections`);
  await p.getByText(/无权|没有权限/).first().waitFor();
  await logout(p);
  // An applicant has neither.
  await login(p, sys.url, 'applicant1');
  t.is(await nav(p).getByRole('link', { name: '材料收集' }).count(), 0);
  t.is(await nav(p).getByRole('link', { name: '信息更正' }).count(), 0);
  await logout(p);
  t.deepEqual(b.problems, []);
});

test.serial('the chief deciding a copy request reads the requested materials with titles and pages; the copy diagram is in view', async (t) => {
  const p = b.page;
  const db = sys.services.db;
  const target = await demoCadre(sys, 'county', 6);
  const started = await (await sys.as('applicant1')).post('/api/process-instances', { processKey: 'copy-request', variables: await copyVariables(sys, 'applicant1', target, {}, 3) });
  t.is(started.status, 201, JSON.stringify(started.body));
  await approveStep(sys, 'unithead1', started.body.id, 'unitHeadReview');
  const asked = await db('materials').where({ archive_id: target.archiveId }).orderBy('id').limit(3);

  await login(p, sys.url, 'chief1');
  await nav(p).getByRole('link', { name: /待办/ }).click();
  await p.getByRole('link', { name: '办理：档案室负责人审批' }).first().click();
  await p.getByRole('heading', { name: '档案室负责人审批', level: 1 }).waitFor();
  const requested = p.getByTestId('copy-approval');
  await requested.getByRole('heading', { name: '申请复制的材料' }).waitFor();
  const rows = requested.locator('tbody tr');
  t.deepEqual(await rows.locator('td:nth-child(1)').allTextContents(), asked.map((m: any) => m.seq_no));
  t.deepEqual(await rows.locator('td:nth-child(2)').allTextContents(), asked.map((m: any) => m.title));
  t.deepEqual(await rows.locator('td:nth-child(3)').allTextContents(), asked.map((m: any) => `${m.pages}页`));
  // No decision yet: no 审批结果 column.
  t.is(await requested.locator('th').count(), 3);
  t.regex((await requested.innerText()).replace(/\s+/g, ''), new RegExp(`每份2份，共${asked.reduce((n: number, m: any) => n + m.pages, 0)}页。待档案室负责人审批`));
  await requested.scrollIntoViewIfNeeded();
  await shot(p, 'copy-chief-requested-zh-1280');
  // The current step near the start of a wide process: in view, the diagram from its left end.
  const view = await diagramView(p);
  t.true(view.inView, 'the current step is in view');
  t.true(view.blankLeft >= 0 && view.blankLeft < 40, `blank left ${view.blankLeft}`);
  t.true(view.blankRight < 0, 'the diagram fills the box to the right');
  await shot(p, 'copy-chief-diagram-zh-1280');

  await p.setViewportSize({ width: 1024, height: 760 });
  await p.getByLabel('语言').selectOption('en');
  await p.reload();
  await requested.getByRole('heading', { name: 'Materials requested for copying' }).waitFor();
  const narrow = await diagramView(p);
  t.true(narrow.inView && narrow.blankLeft < 40);
  // The ID number stays on one line.
  const idCell = p.getByText(target.idNumber, { exact: true }).first();
  t.true(await idCell.evaluate((e) => e.getBoundingClientRect().height < 1.8 * parseFloat((globalThis as any).getComputedStyle(e).fontSize)), 'one line');
  await shot(p, 'copy-chief-requested-en-1024', { fullPage: true });
  await p.getByLabel('Language').selectOption('zh');
  await p.setViewportSize({ width: 1280, height: 800 });
  await logout(p);
  t.deepEqual(b.problems, []);
});

test.serial('the PDF dialog of a one-page copy says "1 page" in English', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'archivist1');
  await p.getByLabel('语言').selectOption('en');
  await p.goto(`${sys.url}/copies?requestId=${copyCase.requestId}`);
  await p.getByRole('button', { name: /Make PDF/ }).first().click();
  const dialog = p.getByRole('dialog');
  await dialog.getByText(/Approved for copying: page \d+ \(1 page\)\./).waitFor();
  await dialog.getByText('The PDF will hold page', { exact: false }).waitFor();
  t.false((await dialog.innerText()).includes('(1 pages)'));
  t.true((await dialog.innerText()).includes('2 pages in all'));
  await shot(p, 'copy-pdf-one-page-en');
  await p.keyboard.press('Escape');
  await p.getByLabel('Language').selectOption('zh');
  await logout(p);
  t.deepEqual(b.problems, []);
});
