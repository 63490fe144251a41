// The ten material categories in English, and no full-width punctuation beside English words
// (issue: category names were printed from the server's Chinese catalogue rows in the reading room
// and in an electronic consultation's 申请类别的数字化情况; pages wrote a literal ：（） beside
// translated text). In chromium at 1024 px, in both languages: the reader's 阅档室 list and room, the
// archivist's digitisation list on the task, the task/case pages around them, the inbox filters and
// a material handed over (接收鉴别).
// Chinese reads as it did. Screenshots to /tmp/hc (looked at).
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Page } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { clientDist } from '../../server/app.ts';
import { readingCase, type ReadingCase } from '../reading/helpers.ts';
import { approveStep, demoCadre, fileConsultation } from '../helpers/cases.ts';
import { taskAt } from '../helpers/workflow.ts';
import { daysAgo, plainCadre, registration } from '../processes/material-helpers.ts';
import { openBrowser, login, type Browsing } from './browser.ts';

let sys: TestSystem;
let b: Browsing;
let rc: ReadingCase;
/** An electronic consultation for categories 1 and 9 waiting at the archivist. */
let waiting: string;
const SHOTS = '/tmp/hc';
const FULL_WIDTH = /[：（）]/;
const CJK = /[\u4e00-\u9fff]/;
const BESIDE_ENGLISH = /[A-Za-z]\s?[：（）]|[：（）]\s?[A-Za-z]/;
const CV = '1 Curriculum vitae materials';
const SALARY = '9 Salary, appointments and removals, travel abroad, delegates';

const shot = (p: Page, name: string) => p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  fs.mkdirSync(SHOTS, { recursive: true });
  sys = await startSystem();
  rc = await readingCase(sys, 0);
  waiting = await fileConsultation(sys, 'applicant1', '拟提拔考察，需查阅该同志的履历和任免材料。', '2', 'electronic', await demoCadre(sys, 'county', 1));
  await approveStep(sys, 'unithead1', waiting, 'unitHeadReview', '情况属实，同意。');
  b = await openBrowser(sys.url, { width: 1024, height: 768 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

/** Logs the user before out and `username` in, in Chinese (the language choice of the one before forgotten). */
async function as(username: string): Promise<Page> {
  const p = b.page;
  const out = p.getByRole('button', { name: /^(退出登录|Log out)$/ });
  if (await out.count()) await out.click();
  else await p.goto(`${sys.url}/login`);
  await p.getByLabel(/^(用户名|Username)$/).waitFor();
  await p.evaluate(() => (globalThis as any).localStorage.clear());
  try {
    await login(p, sys.url, username);
  } catch (e) {
    await shot(p, `login-failed-${username}`);
    throw e;
  }
  return p;
}
const english = (p: Page) => p.getByLabel('语言').selectOption('en');
const chinese = (p: Page) => p.getByLabel('Language').selectOption('zh');
const noSidewaysScroll = (p: Page) => p.evaluate(() => (globalThis as any).document.documentElement.scrollWidth <= (globalThis as any).innerWidth);

test.serial('阅档室 in English at 1024 px: the granted categories by their English names, in the list and in the room; Chinese as before', async (t) => {
  const p = await as('applicant1');
  await p.goto(`${sys.url}/reading`);
  const cell = p.getByTestId('grant-categories');
  await cell.filter({ hasText: '一、九' }).waitFor();
  await shot(p, 'reading-list-zh');
  await english(p);
  await cell.filter({ hasText: CV }).waitFor();
  t.is((await cell.innerText()).trim(), `${CV}; ${SALARY}`);
  await shot(p, 'reading-list-en');
  t.true(await noSidewaysScroll(p), 'no sideways scroll at 1024 px');

  await p.locator(`a[href="/reading/${rc.grants.applicant1}"]`).click();
  const catalogue = p.getByRole('navigation', { name: 'Catalogue (approved categories)' });
  await catalogue.getByRole('heading', { name: CV }).waitFor();
  const heads = await catalogue.getByRole('heading', { level: 3 }).allInnerTexts();
  t.true(heads.includes(CV), heads.join(' | '));
  t.true(heads.some((h) => h.startsWith('9')), heads.join(' | '));
  for (const h of heads) t.notRegex(h, CJK, `an English heading: ${h}`);
  t.true(await noSidewaysScroll(p), 'no sideways scroll at 1024 px');
  await shot(p, 'reading-room-en');

  await chinese(p);
  await catalogue.first().waitFor({ state: 'detached' });
  const zh = p.getByRole('navigation', { name: '目录（批准的类别）' });
  await zh.getByRole('heading', { name: '一 履历材料' }).waitFor();
  await shot(p, 'reading-room-zh');
  t.deepEqual(b.problems, []);
});

test.serial('the archivist’s 申请类别的数字化情况 in English at 1024 px names the categories in English; the task page writes no full-width punctuation', async (t) => {
  const p = await as('archivist1');
  const task = await taskAt(await sys.as('archivist1'), waiting, 'archivistReview');
  await p.goto(`${sys.url}/tasks/${task.id}`);
  const panel = p.getByTestId('request-digitisation');
  await panel.getByRole('heading', { name: '申请类别的数字化情况' }).waitFor();
  const firstCells = () => panel.locator('tbody tr td:first-child').allInnerTexts();
  t.deepEqual(await firstCells(), ['一、履历材料', '九、工资、任免、出国和会议代表材料']);
  await panel.scrollIntoViewIfNeeded();
  await shot(p, 'request-digitisation-zh');

  await english(p);
  await panel.getByRole('heading', { name: 'Digitisation of the requested categories' }).waitFor();
  t.deepEqual(await firstCells(), [CV, SALARY]);
  t.true(await noSidewaysScroll(p), 'no sideways scroll at 1024 px');
  await panel.scrollIntoViewIfNeeded();
  await shot(p, 'request-digitisation-en');
  t.notRegex(await panel.innerText(), FULL_WIDTH);
  // The application as the archivist reads it: the requested categories in English too.
  const asked = p.locator('dt', { hasText: '查阅内容（类别）' }).locator('xpath=following-sibling::dd[1]');
  t.is((await asked.innerText()).trim(), `${CV}; ${SALARY}`);
  // The whole page: the form's and the diagram's own Chinese words stay (Chinese-only data), but no
  // ：（） beside an English word.
  const main = await p.locator('main').innerText();
  t.deepEqual(main.split('\n').filter((l) => BESIDE_ENGLISH.test(l)), [], 'no full-width punctuation beside English words');
  await chinese(p);
  t.deepEqual(b.problems, []);
});

test.serial('English pages around a case: “Decision: …” on a done task, “Current step: …” on the application, “(n)” in the inbox filters', async (t) => {
  // The unit head's done step of the waiting consultation.
  const done = await sys.services.db('tasks').where({ instance_id: waiting, element_id: 'unitHeadReview' }).first();
  let p = await as('unithead1');
  await p.goto(`${sys.url}/tasks/${done.id}`);
  await p.locator('.notice div', { hasText: /^意见：/ }).waitFor();
  await english(p);
  const note = p.locator('.notice', { hasText: /Decision: / });
  await note.waitFor();
  t.notRegex(await note.innerText(), FULL_WIDTH);
  t.regex(await note.innerText(), /Comment: 情况属实，同意。/);
  await shot(p, 'task-done-en');

  p = await as('applicant1');
  await p.goto(`${sys.url}/applications/${waiting}`);
  const head = p.locator('.page-head .muted').first();
  await head.filter({ hasText: /当前环节：/ }).waitFor();
  await english(p);
  await head.filter({ hasText: /Current step: / }).waitFor();
  t.notRegex(await head.innerText(), FULL_WIDTH);
  await shot(p, 'application-en');

  p = await as('archivist1');
  await p.goto(`${sys.url}/inbox`);
  const options = p.locator('select option');
  await options.filter({ hasText: /（\d+）$/ }).first().waitFor({ state: 'attached' });
  await english(p);
  await options.filter({ hasText: /\S \(\d+\)$/ }).first().waitFor({ state: 'attached' });
  const texts = await options.allInnerTexts();
  t.deepEqual(texts.filter((x) => FULL_WIDTH.test(x)), [], 'no full-width brackets in the English filters');
  // The row's buttons read "Claim: <task>" to a screen reader.
  const labels = await p.locator('table a.btn, table button.btn').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  t.true(labels.length > 0);
  t.deepEqual(labels.filter((l) => FULL_WIDTH.test(l)), []);
  await shot(p, 'inbox-en');
  await chinese(p);
  t.deepEqual(b.problems, []);
});

test.serial('a material handed over, as the archivist reads it in English: its category by the English name, “(Differs)” in half-width brackets', async (t) => {
  const cadre = await plainCadre(sys, { digitised: false, skip: 4 });
  const wrongBirth = `${Number(cadre.birth_date.slice(0, 4)) + 1}${cadre.birth_date.slice(4)}`;
  const res = await (await sys.as('producer1')).post('/api/process-instances', { processKey: 'material-collection', variables: registration(cadre, daysAgo(sys, 4), { statedBirthDate: wrongBirth }) });
  t.is(res.status, 201);
  const task = await sys.services.db('tasks').where({ instance_id: res.body.id, status: 'open' }).first();
  const p = await as('archivist1');
  await p.goto(`${sys.url}/tasks/${task.id}`);
  const material = p.locator('dt', { hasText: /^材料$/ }).locator('xpath=following-sibling::dd[1]');
  await material.getByText('2026年度公务员年度考核登记表（三、考核鉴定材料）· 原件').waitFor();
  const mismatch = p.locator('tr.mismatch td').first();
  t.regex(await mismatch.innerText(), /^出生.*（不一致）$/);
  await shot(p, 'intake-zh');

  await english(p);
  const en = p.locator('dt', { hasText: /^Material$/ }).locator('xpath=following-sibling::dd[1]');
  await en.waitFor();
  t.is((await en.innerText()).trim(), '2026年度公务员年度考核登记表 (3 Appraisal and assessment materials) · Original');
  t.regex(await mismatch.innerText(), /^\S.* \(Differs\)$/);
  t.notRegex(await mismatch.innerText(), FULL_WIDTH);
  await shot(p, 'intake-en');
  await chinese(p);
  t.deepEqual(b.problems, []);
});
