// The batch panel on a 数字化出库 case's task page, at a desk's 1280×800 and a small 1024×768, in
// Chinese and English (found by an exploratory tester: cramped at 1280 px). A batch of three went out
// (one 离退) and came back in part, with its return date moved: on the 回库登记 the panel shows every
// column — 档案号, name, status now and before, out and back — inside its card, the page does not scroll
// sideways, a 档案号, a status and a time each read on one line, and the name column keeps a readable
// width. The 申请概要 above shows the moved return date. Screenshots in a temp folder (or
// docs/screenshots with UPDATE_SCREENSHOTS=1).
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Page } from 'playwright-core';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { approve, completeAt, taskAt } from '../helpers/workflow.ts';
import { todayIn } from '../helpers/cases.ts';
import { addCalendarDays } from '../../server/materials/deps.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, setLanguage, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
let instanceId: string;
let nos: string[];
let moved: string;

async function shelved(officeId: number, status: string, n: number, avoidedBy: number[]) {
  const tied = new Set<number>();
  for (const u of avoidedBy) for (const id of (await sys.services.access.exclusions(sys.services.db, u)).keys()) tied.add(id);
  const rows = await sys.services.db('archives as a')
    .join('cadres as c', 'c.id', 'a.cadre_id')
    .where({ 'a.custodian_org_id': officeId, 'a.status': status, 'a.kind': 'original' })
    .whereNotIn('c.id', [...tied, -1])
    .orderBy('a.id')
    .limit(n)
    .select('a.id', 'a.archive_no');
  if (rows.length < n) throw new Error(`office ${officeId} has ${rows.length} ${status} archives, ${n} wanted`);
  return rows as Array<{ id: number; archive_no: string }>;
}

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  const user = (username: string) => sys.services.db('users').where({ username }).first();
  const [archivist, chief] = await Promise.all([user('archivist1'), user('chief1')]);
  const archives = [...(await shelved(archivist.org_unit_id, 'in_stock', 2, [archivist.id, chief.id])), ...(await shelved(archivist.org_unit_id, 'retired', 1, [archivist.id, chief.id]))];
  nos = archives.map((a) => a.archive_no);
  const as = await sys.as('archivist1');
  const start = await as.post('/api/process-instances', {
    processKey: 'digitisation-batch',
    variables: { archiveNos: nos.join('\n'), purpose: 'scan', expectedReturnDate: addCalendarDays(todayIn(sys), 5), note: '委托加工单位到馆扫描。' },
  });
  if (start.status !== 201) throw new Error(JSON.stringify(start.body));
  instanceId = start.body.id;
  const step = async (res: Promise<{ status: number; body: unknown }>) => {
    const r = await res;
    if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  };
  await step(completeAt(await sys.as('chief1'), instanceId, 'chiefApproval', approve('同意出库扫描。')));
  await step(completeAt(as, instanceId, 'handover', { counted: true }));
  moved = addCalendarDays(todayIn(sys), 20);
  await step(completeAt(as, instanceId, 'registerReturn', { complete: true, partial: true, returnedArchiveNos: `${nos[0]}\n${nos[2]}`, missingNote: '纸张破损，扫描单位留存修裱。', newExpectedReturnDate: moved }));
  b = await openBrowser(sys.url, { width: 1280, height: 800 });
  await login(b.page, sys.url, 'archivist1');
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

/**
 * The panel's table against its card, its cells' lines, and whether the page scrolls sideways. A
 * script of its own: tsx would wrap named functions in a helper the page does not have.
 */
const MEASURE = `(() => {
  const d = document;
  const panel = d.querySelector('[data-testid="batch-panel"]');
  const table = panel.querySelector('table');
  const scroller = table.parentElement;
  // The lines a cell's text takes: its text's boxes, told apart by their tops (a badge sits a few px off).
  const lines = (sel) => [...panel.querySelectorAll(sel)].map((el) => {
    const r = d.createRange();
    r.selectNodeContents(el);
    const tops = [];
    for (const box of r.getClientRects()) if (box.width > 0 && !tops.some((t) => Math.abs(t - box.top) < 10)) tops.push(box.top);
    return { text: el.textContent.trim(), lines: tops.length };
  });
  return {
    tableRight: Math.round(table.getBoundingClientRect().right),
    cardRight: Math.round(panel.getBoundingClientRect().right),
    scrollsInside: scroller.scrollWidth > scroller.clientWidth + 1,
    pageScrolls: d.documentElement.scrollWidth > d.documentElement.clientWidth,
    numbers: lines('tbody td:nth-child(1)'),
    names: lines('tbody td:nth-child(2)'),
    statuses: lines('tbody td:nth-child(3), tbody td:nth-child(4)'),
    times: lines('tbody td:nth-child(n+5)'),
    nameWidth: Math.min(...[...panel.querySelectorAll('tbody td:nth-child(2)')].map((el) => el.getBoundingClientRect().width)),
  };
})()`;

const measure = (p: Page) => p.evaluate(MEASURE) as Promise<{ tableRight: number; cardRight: number; scrollsInside: boolean; pageScrolls: boolean; numbers: Line[]; names: Line[]; statuses: Line[]; times: Line[]; nameWidth: number }>;
type Line = { text: string; lines: number };

for (const lang of ['zh', 'en'] as const) {
  for (const [width, height] of [
    [1280, 800],
    [1024, 768],
  ]) {
    test.serial(`the batch panel on 回库登记 at ${width}×${height} in ${lang === 'en' ? 'English' : 'Chinese'}: every column inside its card, each on one line`, async (t) => {
      const p = b.page;
      await p.setViewportSize({ width, height });
      await p.goto(`${sys.url}/inbox`);
      await setLanguage(p, lang);
      const task = await taskAt(await sys.as('archivist1'), instanceId, 'registerReturn');
      await p.goto(`${sys.url}/tasks/${task.id}`);
      const panel = p.getByTestId('batch-panel');
      await panel.locator(`tr[data-archive-no="${nos[1]}"]`).waitFor();
      // 申请概要 shows the return date in force, moved at the partial return.
      const [y, m, d] = moved.split('-').map(Number);
      await p.locator('section', { has: p.locator('#sum-h') }).getByText(lang === 'en' ? new RegExp(`${y}`) : `${y}年${m}月${d}日`).first().waitFor();
      await panel.scrollIntoViewIfNeeded();
      await p.waitForTimeout(200);
      t.log(await shot(p, `digitisation-panel-${lang}-${width}`));
      await panel.screenshot({ path: (await shot(p, `digitisation-panel-${lang}-${width}`)).replace(/\.png$/, '-card.png') });
      const m1 = await measure(p);
      t.log(JSON.stringify(m1));
      t.true(m1.tableRight <= m1.cardRight, `table ${m1.tableRight} within its card ${m1.cardRight}`);
      t.false(m1.scrollsInside, 'the table does not scroll sideways inside the card');
      t.false(m1.pageScrolls, 'the page does not scroll sideways');
      for (const x of [...m1.numbers, ...m1.names, ...m1.statuses, ...m1.times]) t.is(x.lines, 1, `“${x.text}” on one line`);
      t.true(m1.nameWidth >= 64, `the name column ${m1.nameWidth} px`);
    });
  }
}
