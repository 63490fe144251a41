// 数据备份 at 1024×768 (an office's usual screen) and 1280: the ledger fits its card without
// scrolling sideways, each backup's time reads on one line, and a failed backup is a row of its own
// between the backups made — 失败, who, the medium, and why in the reader's language — so the office
// sees the gap. Screenshots: backups-ledger-{zh,en}-{1024,1280}.png (temp folder unless UPDATE_SCREENSHOTS=1).
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, loginWithCode, setLanguage, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  const api = await sys.as('sysadmin');
  // A backup made, one refused (the backup key left readable by others), another made.
  if ((await api.post('/api/admin/backups', { medium: 'optical' })).status !== 201) throw new Error('first backup');
  fs.chmodSync(sys.testDb.config.backup.keyFile, 0o644);
  const refused = await api.post('/api/admin/backups', { medium: 'usb' });
  fs.chmodSync(sys.testDb.config.backup.keyFile, 0o600);
  if (refused.status !== 500) throw new Error(`expected a failure, got ${refused.status}`);
  if ((await api.post('/api/admin/backups', { medium: 'disk' })).status !== 201) throw new Error('last backup');
  b = await openBrowser(sys.url, { width: 1024, height: 768 });
  await loginWithCode(b.page, sys, 'sysadmin');
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

for (const lang of ['zh', 'en'] as const) {
  for (const width of [1024, 1280]) {
    test.serial(`the ledger at ${width} px in ${lang === 'en' ? 'English' : 'Chinese'}: inside its card, times on one line, the failed backup shown with why`, async (t) => {
      const p = b.page;
      await p.setViewportSize({ width, height: 768 });
      await p.goto(`${sys.url}/console/backups`);
      const rows = p.locator('table.ledger tbody tr');
      await rows.nth(2).waitFor();
      await setLanguage(p, lang);
      await p.locator('th', { hasText: lang === 'en' ? 'Outcome' : '结果' }).waitFor();
      await p.locator('table.ledger').scrollIntoViewIfNeeded();
      t.log(await shot(p, `backups-ledger-${lang}-${width}`));

      const fit = await p.evaluate(() => {
        const d = (globalThis as any).document;
        const table = d.querySelector('table.ledger');
        const card = table.closest('.card');
        return {
          right: Math.round(table.getBoundingClientRect().right),
          cardRight: Math.round(card.getBoundingClientRect().right),
          scrolls: table.parentElement.scrollWidth > table.parentElement.clientWidth + 1,
          pageScrolls: d.documentElement.scrollWidth > d.documentElement.clientWidth,
        };
      });
      t.true(fit.right <= fit.cardRight, `the table (${fit.right}) inside its card (${fit.cardRight})`);
      t.false(fit.scrolls, 'the ledger does not scroll sideways');
      t.false(fit.pageScrolls, 'the page does not scroll sideways');
      // The time and the operator each on one line (line boxes of their text, not the row's height).
      for (const cell of await p.locator('table.ledger td.at, table.ledger td.who').all()) {
        const lines = await cell.evaluate((e: any) => {
          const r = e.ownerDocument.createRange();
          r.selectNodeContents(e);
          return new Set([...r.getClientRects()].map((x: any) => Math.round(x.top))).size;
        });
        t.is(lines, 1, `on one line: ${await cell.innerText()}`);
      }
      const outcome = await p.locator('table.ledger th', { hasText: lang === 'en' ? 'Outcome' : '结果' }).boundingBox();
      t.true(outcome!.width >= 120, `the outcome column has room (${outcome!.width} px)`);

      // The failed backup is a row of its own beside the two made (the test clock gives all three the same minute).
      t.is(await p.locator('table.ledger tr[data-backup]').count(), 2);
      const failed = p.locator('table.ledger tr[data-backup-failure]');
      t.is(await failed.count(), 1);
      const text = (await failed.innerText()).replace(/\s+/g, ' ');
      if (lang === 'zh') {
        t.regex(text, /sysadmin 移动存储介质 失败 未生成备份：备份密钥文件权限过宽，请 chmod 600/);
        t.notRegex(text, /readable by others/, 'the Chinese reader gets the Chinese half');
      } else {
        t.regex(text, /sysadmin Removable media Failed No backup was made: The backup key file .* is readable by others \(mode 644\): chmod 600 it/);
        t.notRegex(text, /权限过宽/, 'the English reader gets the English half');
      }
      t.regex(await p.locator('.card', { hasText: lang === 'en' ? 'Backup ledger' : '备份记录' }).innerText(), lang === 'en' ? /3 entries \(failed backups included\)/ : /共 3 条记录（含失败的备份）/);
    });
  }
}
