// A start form with attachments on a slow line (the explorer's 50 kB/s): the case is filed at once,
// the files go up after. The page then says the application is filed (its number) and which file
// goes up (n/m); 取消 is gone; leaving asks in those words and stops only the upload; a file that did
// not go up is named, with the case to add it on. The uploads are held by route interception until
// the test lets them go, so that the in-between state is looked at, not raced.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Page, Route } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { demoCadre, todayIn, type DemoCadre } from '../helpers/cases.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';

let sys: TestSystem;
let b: Browsing;
let cadre: DemoCadre;
const SHOTS = '/tmp/uxfix';

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  cadre = await demoCadre(sys, 'county');
  b = await openBrowser(sys.url, { width: 1280, height: 800 });
  fs.mkdirSync(SHOTS, { recursive: true });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

const PDF = (n: number) => Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(n, 0x20), Buffer.from('\n%%EOF\n')]);
const nav = (p: Page) => p.getByRole('navigation', { name: '主导航' });

/** A gate: requests wait at it until opened. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

/** Requests to `pattern`, each handed to the next handler in turn once it arrives. */
async function hold(p: Page, pattern: string, handlers: Array<(r: Route) => Promise<void>>) {
  const arrived: string[] = [];
  await p.route(pattern, async (route) => {
    arrived.push(route.request().url());
    const h = handlers.shift();
    if (h) await h(route);
    else await route.continue();
  });
  return arrived;
}

/** The 查阅 form filled in (by its query string where it can), with two attachments. */
async function fillBorrowing(p: Page, files: string[]) {
  const q = new URLSearchParams({ cadreName: cadre.name, cadreIdNumber: cadre.idNumber, purpose: '1', reason: '拟提拔考察，需查阅任免材料。', mode: 'onsite' });
  await p.goto(`${sys.url}/start/borrowing?${q}`);
  await p.getByRole('button', { name: '提交申请' }).waitFor();
  await p.getByRole('checkbox', { name: '李红梅' }).check();
  await p.getByRole('checkbox', { name: '一、履历材料' }).check();
  await p.getByLabel('拟查阅日期').fill(todayIn(sys));
  for (const name of files) {
    await p.locator('input[type=file]').setInputFiles({ name, mimeType: 'application/pdf', buffer: PDF(4000) });
    await p.getByText(name).waitFor();
  }
}

test.serial('a start form filed with attachments still going up says so: number, n/m, no 取消, leaving asks in those words; a file that failed is named with the case to add it on', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'applicant1');
  await fillBorrowing(p, ['审批表.pdf', '介绍信.pdf']);
  const first = gate();
  const arrived = await hold(p, '**/api/process-instances/*/attachments**', [
    async (r) => {
      await first.opened;
      await r.continue();
    },
    (r) => r.abort('failed'),
  ]);
  await p.getByRole('button', { name: '提交申请' }).click();

  // Filed; the first file on its way.
  const heading = p.getByRole('heading', { name: /^申请已提交（编号 .+）$/ });
  await heading.waitFor();
  const caseNo = /编号 (.+)）/.exec((await heading.textContent())!)![1];
  const inst = await sys.services.db('process_instances').where({ business_key: caseNo }).first();
  t.truthy(inst, 'the case is filed');
  await p.getByText('正在上传附件 1/2：审批表.pdf').waitFor();
  t.is(await p.getByRole('link', { name: '取消' }).count(), 0, 'no 取消 once the application is filed');
  t.is(await p.getByRole('button', { name: '提交申请' }).count(), 0);
  await p.screenshot({ path: `${SHOTS}/start-uploading.png` });

  // Leaving asks, in words that say the application is filed and only the upload stops.
  await nav(p).getByRole('link', { name: '工作台' }).click();
  const ask = p.getByRole('dialog', { name: '附件还在上传' });
  await ask.waitFor();
  t.regex((await ask.textContent())!, new RegExp(`申请（编号 ${caseNo}）已经提交，离开不会撤回申请，只会停止上传尚未传完的附件`));
  t.false((await ask.textContent())!.includes('尚未保存'));
  await p.screenshot({ path: `${SHOTS}/start-uploading-leave.png` });
  await ask.getByRole('button', { name: '留下，等上传完成' }).click();
  await ask.waitFor({ state: 'hidden' });
  t.regex(p.url(), /\/start\/borrowing/);

  // The first goes up, the second fails: the page stays on what became of each, and where to add it.
  first.open();
  const result = p.getByRole('alert').filter({ hasText: '以下附件没有上传' });
  await result.waitFor();
  t.deepEqual(await result.locator('p').allTextContents(), [
    `申请（编号 ${caseNo}）已经提交，但以下附件没有上传：介绍信.pdf。`,
    '请打开申请，在“意见交流与附件”处点“上传附件”补传；不必重新提交申请。',
  ]);
  await p.getByText('已上传 1/2 个附件。').waitFor();
  t.is(await p.getByRole('link', { name: `打开申请（编号 ${caseNo}）` }).getAttribute('href'), `/applications/${inst.id}`);
  t.deepEqual((await sys.services.db('case_attachments').where({ instance_id: inst.id })).map((a) => a.file_name), ['审批表.pdf']);
  t.is(arrived.length, 2);
  await p.screenshot({ path: `${SHOTS}/start-upload-failed.png`, fullPage: true });
  // In English too.
  await p.getByLabel('语言').selectOption('en');
  await p.getByRole('heading', { name: `Application submitted (no. ${caseNo})` }).waitFor();
  t.deepEqual(await p.getByRole('alert').filter({ hasText: 'these attachments were not uploaded' }).locator('p').allTextContents(), [
    `The application (no. ${caseNo}) is submitted, but these attachments were not uploaded: 介绍信.pdf.`,
    'Open the application and add them under “Comments and attachments” with “Upload”; there is no need to submit the application again.',
  ]);
  await p.getByText('1 of 2 attachments uploaded.').waitFor();
  t.notRegex((await p.locator('.uploads .error-text').textContent())!, /\p{Script=Han}/u, 'why it failed, in English too');
  await p.screenshot({ path: `${SHOTS}/start-upload-failed-en.png`, fullPage: true });
  await p.getByLabel('Language').selectOption('zh');

  // Nothing left to lose: the navigation just goes.
  await nav(p).getByRole('link', { name: '工作台' }).click();
  await p.waitForURL(`${sys.url}/`);
  await p.unroute('**/api/process-instances/*/attachments**');
  t.deepEqual(
    b.problems.splice(0).filter((x) => !x.includes('/attachments') && x !== 'console: Failed to load resource: net::ERR_FAILED'),
    [],
    'the failed upload is the only problem',
  );
  await logout(p);
});

test.serial('leaving while attachments go up stops the upload and stays where the user went; the case is filed without them', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'applicant1');
  await fillBorrowing(p, ['审批表.pdf']);
  const held = gate();
  await hold(p, '**/api/process-instances/*/attachments**', [
    async (r) => {
      await held.opened;
      await r.continue().catch(() => undefined);
    },
  ]);
  const ids = async () => (await sys.services.db('process_instances').where({ process_key: 'borrowing' }).select('id')).map((r) => r.id as string);
  const before = await ids();
  await p.getByRole('button', { name: '提交申请' }).click();
  // The same applicant's open case about this cadre (the first test's): filed anyway.
  await p.getByRole('dialog', { name: '已有未办结的申请' }).getByRole('button', { name: '仍要提交' }).click();
  await p.getByText('正在上传附件 1/1：审批表.pdf').waitFor();
  await nav(p).getByRole('link', { name: '工作台' }).click();
  await p.getByRole('dialog', { name: '附件还在上传' }).getByRole('button', { name: '停止上传并离开' }).click();
  await p.waitForURL(`${sys.url}/`);
  held.open();
  const filed = (await ids()).filter((id) => !before.includes(id));
  t.is(filed.length, 1, 'the application is filed');
  // The stopped upload does not carry the user to the case afterwards.
  await p.getByRole('heading', { level: 1 }).first().waitFor();
  await p.waitForLoadState('networkidle');
  t.is(p.url(), `${sys.url}/`);
  t.is((await sys.services.db('case_attachments').where({ instance_id: filed[0] })).length, 0);
  await p.unroute('**/api/process-instances/*/attachments**');
  b.problems.splice(0);
  await logout(p);
});
