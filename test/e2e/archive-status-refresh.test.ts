// The archive page's 数字化状态 follows a page marked failing in the viewer opened from it: the
// archivist marks a page of an archive that is 已数字化, closes the viewer, and the header, the
// 数字化 panel's history and its moves say 部分数字化 at once — no reload. (It used to stay 已数字化
// until the page was loaded again.) Screenshots to /tmp/hc (looked at).
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import sharp from 'sharp';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { plainArchiveOf } from '../archives/helpers.ts';
import { openBrowser, login, type Browsing } from './browser.ts';

let sys: TestSystem;
let b: Browsing;
let archive: { archiveId: number; name: string };
let material: { id: number; pages: number; seq_no: string; title: string };
const SHOTS = '/tmp/hc';

const scan = (shade: number) =>
  sharp({ create: { width: 620, height: 877, channels: 3, background: { r: shade, g: shade, b: shade } } }).toColourspace('b-w').jpeg().withMetadata({ density: 300 }).toBuffer();
const shot = (name: string) => b.page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

test.before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  sys = await startSystem();
  const db = sys.services.db;
  // An archive scanned in full and marked 已数字化.
  archive = await plainArchiveOf(sys, '150300-ZZB-DAS', 7);
  const materials = await db('materials').where({ archive_id: archive.archiveId }).orderBy('id');
  for (const m of materials) {
    const have = (await db('page_images').where({ material_id: m.id })).length;
    const pages = await Promise.all(Array.from({ length: m.pages - have }, (_, i) => scan(150 + ((m.id * 5 + i) % 90))));
    if (pages.length) await db.transaction((trx) => sys.services.archives.addPageScans(trx, m.id, pages));
  }
  const done = await (await sys.as('archivist1')).post(`/api/archives/${archive.archiveId}/digital-status`, { to: 'done' });
  if (done.status !== 200) throw new Error(JSON.stringify(done.body));
  material = materials.find((m: { pages: number }) => m.pages >= 1) ?? materials[0];
  b = await openBrowser(sys.url, { width: 1280, height: 900 });
  await login(b.page, sys.url, 'archivist1');
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('a page marked failing in the viewer moves the archive page’s 数字化状态 back to 部分数字化 without a reload', async (t) => {
  const p = b.page;
  await p.goto(`${sys.url}/archives/${archive.archiveId}`);
  const status = p.getByTestId('digital-status');
  await status.filter({ hasText: '已数字化' }).waitFor();
  t.is((await status.innerText()).trim(), '已数字化');
  // A mark on the window: a reload would lose it.
  await p.evaluate(() => ((globalThis as any).__samePage = true));

  await p.getByRole('button', { name: `查看扫描件：${material.seq_no} ${material.title}` }).click();
  const viewer = p.getByRole('dialog', { name: `${material.seq_no} ${material.title}` });
  await viewer.getByTestId('scan-page-of').waitFor();
  await viewer.getByRole('button', { name: '标为不合格' }).click();
  const dialog = p.getByRole('dialog', { name: `${material.seq_no} 第 1 页标为不合格` });
  await dialog.getByLabel('不合格原因').fill('页面倾斜，右侧文字缺失');
  await dialog.getByRole('button', { name: '标为不合格' }).click();
  await p.getByText('档案已退回“部分数字化”').waitFor();
  await viewer.getByTestId('scan-page-mark').waitFor();
  await viewer.getByRole('button', { name: '关闭' }).click();
  await viewer.waitFor({ state: 'hidden' });

  // The header says so, and the 数字化 panel: its history has the move back, its moves start from 部分数字化.
  await status.filter({ hasText: '部分数字化' }).waitFor({ timeout: 5000 });
  t.is((await status.innerText()).trim(), '部分数字化');
  const last = p.getByTestId('digital-history').locator('tbody tr').last();
  t.regex(await last.innerText(), /已数字化\s+部分数字化/);
  t.is(await p.getByRole('button', { name: '标记为已数字化（全部扫描合格）' }).count(), 1, 'digitised can be asked for again');
  t.true(await p.evaluate(() => (globalThis as any).__samePage === true), 'no reload');
  t.is((await sys.services.db('archives').where({ id: archive.archiveId }).first()).digital_status, 'partial');
  await shot('archive-status-after-mark');

  // In English the same header reads in English.
  await p.getByLabel('语言').selectOption('en');
  await status.filter({ hasText: 'Partly digitised' }).waitFor();
  await shot('archive-status-after-mark-en');
  await p.getByLabel('Language').selectOption('zh');
  t.deepEqual(b.problems, []);
});
