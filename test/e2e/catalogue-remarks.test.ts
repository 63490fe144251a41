// The catalogue shows its 备注 column (DOMAIN.md §2.2): a copy with its 复制时间, and a remark as
// written (escaped: markup stays text), at 1280 and 1024 px without the row spilling out of the page.
// Screenshots: catalogue-remarks-1280.png, catalogue-remarks-1024.png (docs/screenshots with UPDATE_SCREENSHOTS=1).
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  b = await openBrowser(sys.url, { width: 1280, height: 900 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('the catalogue shows 备注: a copy with its copy date, a remark as written; the table fits at 1280 and 1024 px', async (t) => {
  const db = sys.services.db;
  const office = await db('org_units').where({ code: '150300-ZZB-DAS' }).first();
  const archive = await db('archives').where({ custodian_org_id: office.id, kind: 'original', status: 'in_stock' }).orderBy('id').first();
  // Filed as 整理归档 files them (catalogue rows never change afterwards).
  const file = (over: Record<string, unknown>) =>
    db.transaction((trx) => sys.services.archives.fileMaterial(trx, { archiveId: archive.id, categoryCode: '10', title: '情况说明', formedDate: '2026-03-02', pages: 1, isCopy: false, copyDate: null, remark: null, ...over } as never));
  const copy = await file({ title: '学位证书复印件', isCopy: true, copyDate: '2026-03-05', remark: '复印件' });
  const noted = await file({ remark: '原件存<b>本人</b>处，已核对' });

  const p = b.page;
  await login(p, sys.url, 'archivist1');
  for (const width of [1280, 1024]) {
    await p.setViewportSize({ width, height: 900 });
    await p.goto(`${sys.url}/archives/${archive.id}`);
    await p.getByRole('columnheader', { name: '备注' }).waitFor();
    const copyCell = p.locator(`td[data-remark="${copy.id}"]`);
    t.regex((await copyCell.textContent())!, /复制件（\d{4}年\d{1,2}月\d{1,2}日复制）/);
    t.notRegex((await copyCell.textContent())!, /复印件/, 'the copy badge says it once');
    t.is((await p.locator(`td[data-remark="${noted.id}"]`).textContent())!.trim(), '原件存<b>本人</b>处，已核对');
    // Nothing wider than the window.
    t.true((await p.evaluate('document.documentElement.scrollWidth <= window.innerWidth')) as boolean, `fits at ${width}`);
    await p.locator(`tr[data-material="${noted.id}"]`).scrollIntoViewIfNeeded();
    t.log(await shot(p, `catalogue-remarks-${width}`));
  }
});
