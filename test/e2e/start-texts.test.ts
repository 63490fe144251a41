// What 发起申请 tells the people who start cases: each process in plain Chinese, its time limits as
// the installation's numbers of days; no API path, setting name, element id or English code (those
// are for the process administrator and the API). Screenshots of the list and a start form for a
// producer and an applicant.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Page } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem({ env: { MAX_LOAN_DAYS: '10' } });
  b = await openBrowser(sys.url, { width: 1024, height: 800 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

/** The text of the page's main area, with the form's own fields left out. */
const pageText = (p: Page) => p.locator('main').innerText();
// An identifier, a path, a setting name or an English code all have Latin letters; the pages
// around them have none (18 位身份证号's X is a field hint, not in these paragraphs).
const developerText = /[A-Za-z_]{2,}|\/api\/|\{/;

async function startList(p: Page, user: string, processes: string[]) {
  await login(p, sys.url, user);
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '发起申请' }).click();
  await p.getByRole('heading', { name: processes[0] }).waitFor();
  for (const name of processes) {
    const card = p.getByRole('listitem').filter({ has: p.getByRole('heading', { name }) });
    const text = await card.locator('p').innerText();
    if (developerText.test(text)) throw new Error(`${name}: ${text}`);
  }
}

test.serial('a producer reads what material collection is for, with the hand-over limit in days', async (t) => {
  const p = b.page;
  await startList(p, 'producer1', ['干部人事档案材料收集归档']);
  t.regex(await pageText(p), /材料应在形成后 1 个月内移交/);
  t.log(await shot(p, 'start-list-producer'));
  await p.getByRole('link', { name: '填写申请' }).click();
  await p.getByRole('button', { name: '提交申请' }).waitFor();
  const head = await p.locator('.page-head').innerText();
  t.regex(head, /档案管理员在 5 天内审核鉴别/);
  t.notRegex(head, developerText);
  t.log(await shot(p, 'start-form-producer', { fullPage: true }));
  await logout(p);
  t.deepEqual(b.problems, []);
});

test.serial('an applicant reads the reading and copying processes in plain words; a copy asks for two applicants to copy', async (t) => {
  const p = b.page;
  await startList(p, 'applicant1', ['查阅/借阅干部人事档案', '复制/摘录干部人事档案材料']);
  t.regex(await pageText(p), /借出档案不超过 10 天/);
  t.log(await shot(p, 'start-list-applicant'));
  await p.goto(`${sys.url}/start/copy-request`);
  await p.getByRole('button', { name: '提交申请' }).waitFor();
  t.notRegex(await p.locator('.page-head').innerText(), developerText);
  await p.getByText(/复制、摘录须两人以上共同申请/).waitFor();
  t.is(await p.getByText(/查借阅/).count(), 0);
  t.log(await shot(p, 'start-form-applicant', { fullPage: true }));
  await logout(p);
  t.deepEqual(b.problems, []);
});
