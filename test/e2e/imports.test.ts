// 目录导入 in chromium: the city office's archivist opens 目录导入 from the navigation, checks a
// catalogue CSV with a bad row (the problem is listed by sheet, row and column, 导入 stays shut),
// chooses the corrected file (the old check is dropped and must be redone), checks it clean (the
// counts it would add), imports it (busy while the server works, the buttons locked, one request),
// and finds the materials in the archive's catalogue, on the page and through the API. In English
// at 1024 px, a GBK file's refusal and a wrong file type are said in English. A file changed on disk after
// its check is not sent. An 审批领导 has no entry, no page and a 403. Screenshots:
// import-zh-1280.png, import-done-zh-1280.png, import-en-1024.png (UPDATE_SCREENSHOTS=1), else a temp folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, login, logout, type Browsing } from './browser.ts';
import { postBytes } from '../archives/helpers.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
/** An archive of the city office, not digitised, of a cadre unrelated to the demo users. */
let archive: { id: number; archive_no: string };

test.before(async () => {
  if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  const db = sys.services.db;
  const office = await db('org_units').where({ code: '150300-ZZB-DAS' }).first();
  archive = await db('archives as a')
    .join('cadres as c', 'c.id', 'a.cadre_id')
    .where({ 'a.custodian_org_id': office.id, 'a.kind': 'original', 'a.digital_status': 'none' })
    .whereNotIn('c.id', db('users').whereNotNull('cadre_id').select('cadre_id'))
    .whereNotIn('c.id', db('family_members').whereNotNull('related_cadre_id').select('related_cadre_id'))
    .whereNotIn('c.id', db('avoidance_entries').select('cadre_id'))
    .orderBy('a.id')
    .offset(5)
    .first('a.id', 'a.archive_no');
  if (!archive) throw new Error('the demo has no archive to import into');
  b = await openBrowser(sys.url, { width: 1280, height: 900 });
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

const CAT = 'archive_no,e01z211,e01z211a,e01z227,e01z224';
const csv = (pages: string) => Buffer.from(`\ufeff${CAT}\n${archive.archive_no},2,导入测试自传,2008-01-01,3\n${archive.archive_no},4-1,导入测试学历证明,2007-06-01,${pages}\n`);

test.serial('a bad row is listed and blocks 导入; the corrected file is checked again, imported once, and its materials are in the catalogue', async (t) => {
  const p = b.page;
  const posts: string[] = [];
  p.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/imports') posts.push(new URL(r.url()).search);
  });
  await login(p, sys.url, 'archivist1');
  await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '目录导入' }).click();
  await p.getByRole('heading', { name: '目录导入', level: 1 }).waitFor();
  const fileInput = p.getByLabel('导入文件（CSV 或 XLSX）');
  const check = p.getByRole('button', { name: /检查/ });
  const doImport = p.getByRole('button', { name: '导入', exact: true });
  t.true(await check.isDisabled(), 'nothing to check before a file is chosen');
  t.true(await doImport.isDisabled());
  t.regex((await p.locator('#imp-file-help').textContent()) ?? '', /20 MB.*UTF-8/);

  // The bad file: 页数 of line 3 is no number.
  await fileInput.setInputFiles({ name: '目录.csv', mimeType: 'text/csv', buffer: csv('两页') });
  await check.click();
  const report = p.getByTestId('import-report');
  await report.getByRole('heading', { name: /检查发现 1 个问题/ }).waitFor();
  const rows = p.getByTestId('import-errors').locator('tbody tr');
  t.is(await rows.count(), 1);
  const cells = await rows.first().locator('td').allTextContents();
  t.deepEqual(cells.slice(0, 3), ['CSV', '3', 'e01z224']);
  t.regex(cells[3], /页数/);
  t.notRegex(cells[3], / \/ /, 'the problem is shown in Chinese only');
  t.true(await doImport.isDisabled(), '导入 stays shut after a check with problems');
  await p.getByText('文件应包含的列').click();
  await p.getByText(/必填：档案号（archive_no）/).waitFor();
  t.log(await shot(p, 'import-zh-1280', { fullPage: true }));

  // The corrected file: the old check no longer counts.
  await fileInput.setInputFiles({ name: '目录.csv', mimeType: 'text/csv', buffer: csv('2') });
  await p.getByText('文件已更换，请重新检查。').waitFor();
  t.false(await report.isVisible(), 'the old report is gone with the file it was about');
  t.true(await doImport.isDisabled(), '导入 is shut until the new file is checked');
  await p.getByRole('button', { name: '重新检查' }).click();
  await report.getByRole('heading', { name: /检查通过/ }).waitFor();
  t.is(await p.getByTestId('import-counts').textContent(), '干部 0 人，档案 0 卷，目录材料 2 份');
  t.true(await doImport.isEnabled());
  const before = (await (await sys.as('archivist1')).get(`/api/archives/${archive.id}/catalogue`)).body;
  const titles = (cat: any): string[] => cat.categories.flatMap((k: any) => k.materials.map((m: any) => m.title));
  t.false(titles(before).includes('导入测试自传'), 'the check wrote nothing');

  // The real run, held at the server's door: busy, everything locked, a second click sends nothing.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await p.route('**/api/imports?dryRun=false', async (route) => {
    await held;
    await route.continue();
  });
  await doImport.click();
  const busy = p.getByTestId('import-busy');
  await busy.locator('progress').waitFor();
  t.regex((await busy.textContent()) ?? '', /正在上传|服务器正在导入/);
  t.is(await busy.getAttribute('aria-busy'), 'true');
  t.true(await doImport.isDisabled());
  t.true(await p.getByRole('button', { name: /检查/ }).isDisabled());
  t.true(await fileInput.isDisabled());
  t.log(await shot(p, 'import-busy-zh-1280'));
  await doImport.click({ force: true }).catch(() => undefined);
  release();
  await report.getByRole('heading', { name: '导入完成，已新增：' }).waitFor();
  await p.unroute('**/api/imports?dryRun=false');
  t.is(await p.getByTestId('import-counts').textContent(), '干部 0 人，档案 0 卷，目录材料 2 份');
  t.true(await doImport.isDisabled(), 'an imported file is not imported twice');
  t.deepEqual(posts, ['?dryRun=true', '?dryRun=true', '?dryRun=false']);
  t.log(await shot(p, 'import-done-zh-1280', { fullPage: true }));

  // The materials are in the archive's catalogue: through the API and on its page.
  const after = (await (await sys.as('archivist1')).get(`/api/archives/${archive.id}/catalogue`)).body;
  t.true(titles(after).includes('导入测试自传'));
  t.true(titles(after).includes('导入测试学历证明'));
  await p.goto(`${sys.url}/archives/${archive.id}`);
  await p.getByText('导入测试学历证明').first().waitFor();
  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});

test.serial('a file changed on disk after its check is not sent: the page says it cannot be read and the check must be redone', async (t) => {
  const p = b.page;
  await p.goto(`${sys.url}/imports`);
  await p.getByRole('heading', { name: '目录导入', level: 1 }).waitFor();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-import-')), '目录.csv');
  fs.writeFileSync(file, `${CAT}\n${archive.archive_no},2,导入测试其他材料,2010-05-01,1\n`);
  await p.getByLabel('导入文件（CSV 或 XLSX）').setInputFiles(file);
  await p.getByRole('button', { name: /检查/ }).click();
  await p.getByTestId('import-report').getByRole('heading', { name: /检查通过/ }).waitFor();
  fs.writeFileSync(file, `${CAT}\n${archive.archive_no},2,导入测试其他材料,2010-05-01,1\n${archive.archive_no},2,导入测试又一份,2010-05-02,1\n`);
  const later = new Date(Date.now() + 60_000);
  fs.utimesSync(file, later, later);
  let sent = 0;
  const count = (r: { method(): string; url(): string }) => {
    if (r.method() === 'POST' && r.url().includes('/api/imports')) sent++;
  };
  p.on('request', count);
  await p.getByRole('button', { name: '导入', exact: true }).click();
  await p.getByTestId('import-failure').getByText(/文件无法读取/).waitFor();
  p.off('request', count);
  t.is(sent, 0, 'nothing was sent');
  t.true(await p.getByRole('button', { name: '导入', exact: true }).isDisabled(), 'the check is spent');
  const cat = (await (await sys.as('archivist1')).get(`/api/archives/${archive.id}/catalogue`)).body;
  t.false(JSON.stringify(cat).includes('导入测试其他材料'));
});

test.serial('a larger file: its upload is shown, then that the server is checking it, until the answer comes', async (t) => {
  const p = b.page;
  await p.goto(`${sys.url}/imports`);
  await p.getByRole('heading', { name: '目录导入', level: 1 }).waitFor();
  const rows = Array.from({ length: 20_000 }, (_, i) => `${archive.archive_no},2,导入测试大文件材料${i + 1},2011-01-01,1`);
  await p.getByLabel('导入文件（CSV 或 XLSX）').setInputFiles({ name: '大目录.csv', mimeType: 'text/csv', buffer: Buffer.from(`${CAT}\n${rows.join('\n')}\n`) });
  // Every text the busy line shows, as the page shows it.
  await p.evaluate(`(() => {
    const el = document.querySelector('[data-testid="import-busy"]');
    window.__seen = [];
    new MutationObserver(() => window.__seen.push((el.getAttribute('aria-busy') || '') + ':' + el.textContent.trim())).observe(el, { subtree: true, childList: true, characterData: true, attributes: true });
  })()`);
  await p.getByRole('button', { name: /检查/ }).click();
  await p.getByTestId('import-report').getByRole('heading', { name: /检查通过/ }).waitFor({ timeout: 60_000 });
  t.is(await p.getByTestId('import-counts').textContent(), '干部 0 人，档案 0 卷，目录材料 20,000 份');
  const seen = await p.evaluate<string[]>('window.__seen');
  t.true(seen.some((x) => x.startsWith('true:正在上传')), seen.join(' | '));
  t.true(seen.some((x) => x === 'true:服务器正在检查，请稍候（大文件需要几秒钟）…'), seen.join(' | '));
  t.is(await p.getByTestId('import-busy').getAttribute('aria-busy'), 'false');
});

test.serial('in English at 1024 px: the problems, a GBK file the server refuses and a wrong file type are said in English', async (t) => {
  const p = b.page;
  await p.goto(`${sys.url}/imports`);
  await p.getByRole('heading', { name: '目录导入', level: 1 }).waitFor();
  await p.getByLabel('语言').selectOption('en');
  await p.getByRole('heading', { name: 'Catalogue import', level: 1 }).waitFor();
  await p.setViewportSize({ width: 1024, height: 800 });
  const fileInput = p.getByLabel('Import file (CSV or XLSX)');

  // Rows already imported (the first test) are refused as duplicates, named by row.
  await fileInput.setInputFiles({ name: 'catalogue.csv', mimeType: 'text/csv', buffer: csv('2') });
  await p.getByRole('button', { name: 'Check' }).click();
  await p.getByTestId('import-report').getByRole('heading', { name: /The check found 2 problem/ }).waitFor();
  const cells = await p.getByTestId('import-errors').locator('tbody tr').first().locator('td').allTextContents();
  t.deepEqual(cells.slice(0, 2), ['CSV', '2']);
  t.notRegex(cells[3], /[\u4e00-\u9fff]{4}/, 'the problem is shown in English');
  t.true(await p.getByRole('button', { name: 'Import', exact: true }).isDisabled());
  const fits = await p.evaluate<boolean>('document.documentElement.scrollWidth <= innerWidth');
  t.true(fits, 'the page fits 1024 px');
  t.log(await shot(p, 'import-en-1024', { fullPage: true }));

  // A CSV saved as GBK: the server's 400 in English.
  const gbk = Buffer.concat([Buffer.from(`${CAT}\n${archive.archive_no},2,`), Buffer.from([0xd7, 0xd4, 0xb4, 0xab]), Buffer.from(',2008-01-01,3\n')]);
  await fileInput.setInputFiles({ name: 'gbk.csv', mimeType: 'text/csv', buffer: gbk });
  await p.getByRole('button', { name: 'Check again' }).click();
  const failure = p.getByTestId('import-failure');
  await failure.waitFor();
  t.regex((await failure.textContent()) ?? '', /^The check could not be done: the file is not UTF-8 encoded \(from line 2/);

  // Neither CSV nor XLSX: refused before it is sent.
  await fileInput.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
  await p.getByText('Only .csv and .xlsx files can be imported.').waitFor();
  t.true(await p.getByRole('button', { name: /Check/ }).isDisabled());

  await p.getByLabel('Language').selectOption('zh');
  await p.setViewportSize({ width: 1280, height: 900 });
  t.deepEqual(b.problems.filter((x) => !/status of 400|HTTP 400: POST .*\/api\/imports/.test(x)), [], "no problem but the GBK file's expected 400");
});

test.serial('an 审批领导 (no archive.import) has no 目录导入 in the navigation, is shown no page, and the server refuses the file', async (t) => {
  const p = b.page;
  await logout(p);
  await login(p, sys.url, 'leader1');
  const nav = p.getByRole('navigation', { name: '主导航' });
  await nav.getByRole('link', { name: '档案管理' }).waitFor();
  t.is(await nav.getByRole('link', { name: '目录导入' }).count(), 0);
  await p.goto(`${sys.url}/imports`);
  await p.getByRole('heading', { name: '无权使用此页面' }).waitFor();
  t.is(await p.getByLabel('导入文件（CSV 或 XLSX）').count(), 0);
  const res = await postBytes(await sys.as('leader1'), '/api/imports?dryRun=true', csv('2'), 'text/csv');
  t.is(res.status, 403);
});
