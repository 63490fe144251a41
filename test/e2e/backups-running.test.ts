// 数据备份 opened while a backup is already under way (another tab, another administrator): the
// page shows it from the server's status (who, since when), 立即备份 waits, and once it is done the
// notice goes, the ledger shows it and the button is back. Not a red "backup failed".
// Screenshot: console-backups-other-running.png (temp folder unless UPDATE_SCREENSHOTS=1).
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { usingPg } from '../helpers/db.ts';
import { clientDist } from '../../server/app.ts';
import { projectRoot } from '../../server/services.ts';
import { openBrowser, loginWithCode, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  b = await openBrowser(sys.url, { width: 1024, height: 800 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('a backup started elsewhere shows as running, with who and since when; the button waits for it', async (t) => {
  if (usingPg) return t.pass(); // The slow backup is made by holding SQLite's writer lock.
  const p = b.page;
  await loginWithCode(p, sys, 'sysadmin');
  const api = await sys.as('sysadmin');
  // The backup another administrator started is slowed: another process holds the writer lock for 6 s.
  const holder = spawn(
    process.execPath,
    ['-e', `const D=require('better-sqlite3');const d=new D(process.argv[1]);d.pragma('busy_timeout = 5000');d.exec('BEGIN IMMEDIATE');process.stdout.write('locked');setTimeout(()=>{d.exec('COMMIT');d.close();},6000);`, path.join(sys.testDb.dataDir, 'dangan.sqlite')],
    { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
  const other = api.post('/api/admin/backups', { medium: 'usb' });
  await p.goto(`${sys.url}/console/backups`);
  await p.getByRole('heading', { name: '数据备份', level: 1 }).waitFor();
  const notice = p.getByTestId('backup-other');
  await notice.getByText(/^已有备份正在进行：由 sysadmin 于 .* 开始，已用时/).waitFor();
  t.true(await p.getByRole('button', { name: '立即备份' }).isDisabled());
  t.is(await p.getByRole('alert').filter({ hasText: '备份失败' }).count(), 0, 'not shown as a failure');
  t.log(await shot(p, 'console-backups-other-running'));
  t.is((await other).status, 201);
  await notice.waitFor({ state: 'detached', timeout: 15_000 });
  t.false(await p.getByRole('button', { name: '立即备份' }).isDisabled());
  const [row] = await sys.services.db('backups').select();
  await p.locator(`tr[data-backup="${row.id}"]`).waitFor();
  // The login's first step (password, then the code) answers 401 by design; nothing else went wrong.
  t.deepEqual(b.problems.filter((x) => !/401/.test(x) || !/api\/auth\/login|status of 401/.test(x)), []);
});
