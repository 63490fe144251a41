// An archive that has left the office (已转出) in chromium: the office's archivist opens it and sees
// its register record and history with a notice saying why there is no catalogue — no failed
// request, no 数字化 panel. (The server's side: test/archives/transferred-out.test.ts.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { demoCadre } from '../helpers/cases.ts';
import { openBrowser, login, type Browsing } from './browser.ts';

let sys: TestSystem;
let b: Browsing;
test.before(async () => {
  sys = await startSystem();
  b = await openBrowser(sys.url, { width: 1280, height: 900 });
  await login(b.page, sys.url, 'archivist1');
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('已转出: the archive page shows the register record and the notice, not the catalogue nor the 数字化 panel', async (t) => {
  const cadre = await demoCadre(sys, 'county', 0);
  // As the paper receipt leaves it (the transfer itself: test/archives/transferred-out.test.ts).
  await sys.services.db('archives').where({ id: cadre.archiveId }).update({ status: 'transferred' });
  const p = b.page;
  await p.goto(`${sys.url}/archives/${cadre.archiveId}`);
  await p.getByTestId('archive-gone').waitFor();
  t.regex(await p.getByTestId('archive-gone').innerText(), /该档案已离开本室/);
  t.is(await p.getByRole('heading', { name: '档案目录' }).count(), 0);
  t.is(await p.getByRole('heading', { name: '数字化', exact: true }).count(), 0);
  t.true((await p.locator('main').innerText()).includes('已转出'));
  // Its past reviews stay readable, but no new 专项审核 is offered (the server refuses it: archive_gone).
  await p.getByRole('heading', { name: '专项审核' }).waitFor();
  t.is(await p.getByRole('button', { name: '开始专项审核' }).count(), 0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-gone-'));
  await p.screenshot({ path: path.join(dir, 'archive-gone.png'), fullPage: true });
  t.log(path.join(dir, 'archive-gone.png'));
  t.deepEqual(b.problems, []);
});
