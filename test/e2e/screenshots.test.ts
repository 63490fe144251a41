// Screenshots of the product as an archive office sees it: the archivist's inbox with deadlines
// in every state, the task page, the start form, the workbench, an application, a tablet.
// Written to docs/screenshots/ with UPDATE_SCREENSHOTS=1 (commit them), else to a temp folder;
// either way the pages must render in Chinese without a single problem.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { MovableClock } from '../../server/clock.ts';
import { projectRoot } from '../../server/services.ts';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { addUser } from '../helpers/users.ts';
import { approveStep, atArchive, demoCadre, fileConsultation, REASONS } from '../helpers/cases.ts';
import { openBrowser, login, logoutDiscarding, type Browsing } from './browser.ts';

const HOUR = 3_600_000;
const NOW = '2026-11-02T01:00:00.000Z'; // 09:00 in Beijing
const OUT = process.env.UPDATE_SCREENSHOTS === '1' ? path.join(projectRoot, 'docs', 'screenshots') : fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-shots-'));
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(180_000, 0x20), Buffer.from('\n%%EOF\n')]);

let sys: TestSystem;
let b: Browsing;
const ids: Record<string, string> = {};

test.before(async () => {
  const clock = new MovableClock(new Date(new Date(NOW).getTime() - 5 * 24 * HOUR));
  sys = await startSystem({ clock });
  await addUser(sys, { username: 'applicant3', displayName: '高志远', org: '150300-RSJ', roles: ['applicant'] });
  await addUser(sys, { username: 'unithead3', displayName: '马秀兰', org: '150300-RSJ', roles: ['unit_head'] });
  // Every request needs a second applicant of the same unit (查(借)阅 by two or more).
  await addUser(sys, { username: 'applicant4', displayName: '罗晓东', org: '150300-RSJ', roles: ['applicant'] });
  const at = (hoursBeforeNow: number) => clock.set(new Date(new Date(NOW).getTime() - hoursBeforeNow * HOUR));

  at(120);
  ids.A = await atArchive(sys, 'applicant1', 'unithead1', REASONS[0]); // due 48 h ago: overdue
  const applicant = await sys.as('applicant1');
  await applicant.request('POST', `/api/process-instances/${ids.A}/attachments?filename=${encodeURIComponent('查阅审批表（盖章）.pdf')}`, PDF, {
    'content-type': 'application/octet-stream',
  });
  await (await sys.as('unithead1')).post(`/api/process-instances/${ids.A}/comments`, { body: '该同志拟任市纪委监委第三审查调查室主任，请尽快办理。' });
  at(62);
  ids.B = await atArchive(sys, 'applicant3', 'unithead3', REASONS[1], '3'); // due in 10 h: soon
  at(50);
  ids.C = await atArchive(sys, 'applicant2', 'unithead1', REASONS[2], '4'); // due in 22 h: soon
  at(30);
  ids.D = await atArchive(sys, 'applicant1', 'unithead1', REASONS[4], '6'); // due in 42 h
  at(20);
  ids.E = await atArchive(sys, 'applicant3', 'unithead3', REASONS[5], '3');
  ids.F = await atArchive(sys, 'applicant1', 'unithead1', REASONS[3], '1');
  await approveStep(sys, 'archivist1', ids.F, 'archivistReview', '材料齐全，予以受理。');
  at(3);
  ids.G = await atArchive(sys, 'applicant1', 'unithead1', '干部监督工作需要核实该同志的任职经历。', '4');
  ids.H = await fileConsultation(sys, 'applicant1', '干部考察需要查阅近三年年度考核材料。', '2', 'onsite');
  at(0);
  const archivist = await sys.as('archivist1');
  const d = (await archivist.get('/api/tasks?limit=200')).body.items.find((x: any) => x.instanceId === ids.D);
  await archivist.post(`/api/tasks/${d.id}/claim`);
  b = await openBrowser(sys.url);
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

const shot = (name: string, fullPage = false) => b.page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage });

test.serial('the archivist’s inbox, workbench and task page', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'archivist1');
  await p.getByTestId('count-overdue').filter({ hasText: '1' }).waitFor();
  await p.getByText('最需要处理的事项').waitFor();
  await p.locator('.list li').nth(2).waitFor();
  await shot('workbench');

  await p.goto(`${sys.url}/inbox`);
  await p.getByTestId('inbox-total').filter({ hasText: '共 6 件' }).waitFor();
  await p.locator('.badge.due-overdue').first().waitFor();
  t.is(await p.locator('.badge.due-overdue').count(), 1);
  t.is(await p.locator('.badge.due-soon').count(), 2);
  t.is(await p.locator('.badge.due-later').count(), 3);
  await shot('inbox');

  await p.getByRole('link', { name: '办理：档案管理员受理审查' }).first().click();
  await p.getByRole('heading', { name: '档案管理员受理审查', level: 1 }).waitFor();
  await p.getByText('该同志拟任市纪委监委第三审查调查室主任').waitFor();
  await p.locator('.djs-element.dg-active').first().waitFor();
  await p.getByRole('radio', { name: '同意', exact: true }).check();
  await p.getByLabel('意见说明').fill('查阅事由符合《干部人事档案工作条例》第三十一条第（二）项，材料齐全，予以受理。');
  await p.waitForTimeout(300);
  await shot('task', true);
  t.deepEqual(b.problems, []);
});

test.serial('the start form and an application, as the requester sees them', async (t) => {
  const p = b.page;
  // Wait for the logout to finish: navigating away at once would race it, and the new page could
  // still find the old session, then see it end (a 401) while it loads. The task's opinion was
  // typed for the picture only: given up when the page asks.
  await logoutDiscarding(p);
  await login(p, sys.url, 'applicant1');
  await p.goto(`${sys.url}/start/borrowing`);
  const target = await demoCadre(sys);
  await p.getByLabel('被查阅干部姓名').fill(target.name);
  await p.getByLabel('被查阅干部身份证号').fill(target.idNumber);
  await p.getByRole('checkbox', { name: '李红梅' }).check();
  await p.getByLabel(/利用目的/).selectOption({ label: '干部录用、聘用、考核、考察、任免、调配、职级晋升等' });
  await p.getByLabel('查阅理由').fill('拟提拔考察，需查阅该同志干部人事档案中的任免、考核材料。');
  await p.getByRole('radio', { name: '电子查阅' }).check();
  for (const c of ['一、履历材料', '九、工资、任免、出国和会议代表材料']) await p.getByRole('checkbox', { name: c }).check();
  await p.getByRole('button', { name: '查看审批流程' }).click();
  await p.locator('.djs-element').first().waitFor();
  await p.waitForTimeout(300);
  await shot('start-form', true);

  await p.goto(`${sys.url}/applications/${ids.F}`);
  await p.getByRole('heading', { name: '办理过程' }).waitFor();
  await p.locator('.djs-element.dg-active').first().waitFor();
  await p.waitForTimeout(300);
  await shot('application', true);
  t.deepEqual(b.problems, []);
});

test.serial('on a tablet', async (t) => {
  const tablet = await openBrowser(sys.url, { width: 820, height: 1180 });
  try {
    await login(tablet.page, sys.url, 'archivist1');
    await tablet.page.goto(`${sys.url}/inbox`);
    await tablet.page.getByTestId('inbox-total').filter({ hasText: '共 6 件' }).waitFor();
    await tablet.page.screenshot({ path: path.join(OUT, 'inbox-tablet.png') });
    t.deepEqual(tablet.problems, []);
  } finally {
    await tablet.close();
  }
});
